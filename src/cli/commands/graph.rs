//! `factledger graph`: the whole provenance graph (or one subject's), as DOT, JSON or text.

use crate::cli::commands::audit::draw_chain;
use crate::cli::{out_json, CliError, Context};
use factledger::dot::Dot;
use factledger::projection::{self, liveness, subject_claims, Tables, SOURCES};
use factledger::provenance::Chains;
use factledger::terminal::esc;
use serde_json::json;
use std::collections::BTreeSet;

/// Draw the provenance graph: claims, sources and citations (optionally for one subject).
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Only the claims about this subject and the sources behind them.
    #[arg(long)]
    pub subject: Option<String>,
    /// Print Graphviz DOT (render with `dot -Tsvg`).
    #[arg(long, conflicts_with = "json")]
    pub dot: bool,
}

pub fn run(ctx: &Context, args: &GraphArgs) -> Result<(), CliError> {
    if args.dot && ctx.json() {
        return Err(CliError::usage("--dot cannot be used with --json"));
    }
    let ledger = ctx.open()?;
    let t = ledger.tables();
    let mut claims = Vec::new();
    match &args.subject {
        Some(s) => claims.extend(subject_claims(&t, s)?),
        None => projection::for_each_subject_claims(&t, &mut |_, found| {
            claims.extend(found);
            Ok(())
        })?,
    }
    let mut roots: BTreeSet<String> = claims.iter().map(|c| c.claim.source.clone()).collect();
    if args.subject.is_none() {
        t.scan(SOURCES, b"", &mut |k, _| {
            roots.insert(String::from_utf8_lossy(k).into_owned());
            true
        })?;
    }
    let mut chains = Chains::default();
    let mut dot = Dot::default();
    let mut edges = BTreeSet::new();
    let mut nodes = BTreeSet::new();
    for c in &claims {
        let status = liveness(&t, c)?;
        let flagged = !chains.get(&t, &c.claim.source)?.problems.is_empty();
        dot.claim(c, status, flagged);
    }
    for r in &roots {
        let chain = chains.get(&t, r)?.clone();
        draw_chain(&mut dot, &chain);
        for l in &chain.links {
            nodes.insert((l.id.clone(), l.state.is_some()));
        }
        edges.extend(chain.edges.iter().cloned());
    }
    if args.dot {
        let title = match &args.subject {
            Some(s) => format!("factledger provenance: {s}"),
            None => "factledger provenance".into(),
        };
        return out!("{}", dot.finish(&title));
    }
    if ctx.json() {
        return out_json(&json!({
            "claims": claims.iter().map(|c| json!({"id": c.claim.id, "source": c.claim.source, "subject": c.claim.subject, "predicate": c.claim.predicate})).collect::<Vec<_>>(),
            "sources": nodes.iter().map(|(id, present)| json!({"id": id, "in_ledger": present})).collect::<Vec<_>>(),
            "citations": edges.iter().map(|(a, b)| json!({"from": a, "to": b})).collect::<Vec<_>>(),
        }));
    }
    out!(
        "{} claims, {} sources, {} citations",
        claims.len(),
        nodes.len(),
        edges.len()
    )?;
    for (a, b) in &edges {
        out!("  {} cites {}", esc(a), esc(b))?;
    }
    out!("(use --dot for a Graphviz picture: factledger graph --dot | dot -Tsvg > graph.svg)")
}
