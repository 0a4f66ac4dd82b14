//! `factledger audit CLAIM|SOURCE`: the chain of sources behind a claim or source.

use crate::cli::{out_json, CliError, Context};
use factledger::dot::Dot;
use factledger::projection::{self, liveness, Liveness, Tables};
use factledger::provenance::{chain, Chain, ChainProblem};
use factledger::terminal::esc;
use serde_json::json;

/// Show the chain of sources behind a claim or source: where it reaches primary sources, where
/// it breaks, loops, or passes through retracted sources.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// A claim id or a source id.
    #[arg(value_name = "CLAIM|SOURCE")]
    pub id: String,
    /// Print the chain as Graphviz DOT.
    #[arg(long, conflicts_with = "json")]
    pub dot: bool,
}

fn problem_json(p: &ChainProblem) -> serde_json::Value {
    let sources = match p {
        ChainProblem::Dangling { source, missing } => vec![source.clone(), missing.clone()],
        ChainProblem::Loop(ids) => ids.clone(),
        ChainProblem::Retracted(id) => vec![id.clone()],
        ChainProblem::NoPrimary => vec![],
    };
    json!({"code": p.code(), "message": p.message(), "sources": sources})
}

/// Draws a chain (and the claim on top, if any) into `dot`.
pub fn draw_chain(dot: &mut Dot, chain: &Chain) {
    let loop_members: Vec<&String> = chain
        .problems
        .iter()
        .filter_map(|p| match p {
            ChainProblem::Loop(ids) => Some(ids),
            _ => None,
        })
        .flatten()
        .collect();
    for l in &chain.links {
        dot.source(&l.id, l.state.as_ref(), l.in_loop);
    }
    for (from, to) in &chain.edges {
        let missing = chain.links.iter().any(|l| &l.id == to && l.state.is_none());
        let in_loop = loop_members.contains(&from) && loop_members.contains(&to);
        dot.cites(from, to, missing, in_loop);
    }
}

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<(), CliError> {
    if args.dot && ctx.json() {
        return Err(CliError::usage("--dot cannot be used with --json"));
    }
    let ledger = ctx.open()?;
    let t = ledger.tables();
    let claim = projection::claim(&t, &args.id)?;
    let (root, claim_status) = match &claim {
        Some(c) => (c.claim.source.clone(), Some(liveness(&t, c)?)),
        None => match projection::source(&t, &args.id)? {
            Some(_) => (args.id.clone(), None),
            None => {
                return Err(CliError::usage(format!(
                    "no claim or source with id '{}' in the ledger",
                    esc(&args.id)
                )))
            }
        },
    };
    let chain = chain(&t as &dyn Tables, &root)?;
    if args.dot {
        let mut dot = Dot::default();
        if let (Some(c), Some(s)) = (&claim, claim_status) {
            dot.claim(c, s, !chain.problems.is_empty());
        }
        draw_chain(&mut dot, &chain);
        return out!("{}", dot.finish(&format!("factledger audit {}", args.id)));
    }
    if ctx.json() {
        let links: Vec<_> = chain
            .links
            .iter()
            .map(|l| {
                json!({
                    "id": l.id,
                    "depth": l.depth,
                    "in_ledger": l.state.is_some(),
                    "kind": l.state.as_ref().map(|s| s.source.kind.as_str()),
                    "retracted": l.state.as_ref().map(|s| s.retracted_at.is_some()),
                    "archived_text": l.state.as_ref().map(|s| s.source.text.is_some()),
                    "in_loop": l.in_loop,
                    "repeat": l.repeat,
                    "cites": l.state.as_ref().map(|s| s.source.cites.clone()).unwrap_or_default(),
                })
            })
            .collect();
        return out_json(&json!({
            "id": args.id,
            "type": if claim.is_some() { "claim" } else { "source" },
            "claim_status": claim_status.map(Liveness::as_str),
            "source": root,
            "reaches_primary": chain.reaches_primary(),
            "primary_sources": chain.primary_sources,
            "origins": chain.origins,
            "independent_sources": chain.origins.len(),
            "problems": chain.problems.iter().map(problem_json).collect::<Vec<_>>(),
            "links": links,
        }));
    }
    if let (Some(c), Some(s)) = (&claim, claim_status) {
        let status = if s == Liveness::Live {
            String::new()
        } else {
            format!("  ({})", s.as_str())
        };
        out!(
            "claim {}: {} {} = {}{status}",
            esc(&c.claim.id),
            esc(&c.claim.subject),
            esc(&c.claim.predicate),
            esc(c.claim.value.display())
        )?;
    } else {
        out!("source {}", esc(&root))?;
    }
    for l in &chain.links {
        let indent = "   ".repeat(l.depth);
        let title = l
            .state
            .as_ref()
            .and_then(|s| s.source.title.clone().or(s.source.publisher.clone()))
            .map(|t| format!(" “{}”", esc(&t)))
            .unwrap_or_default();
        let repeat = if l.repeat { "  (shown above)" } else { "" };
        out!(
            "{indent}└─ {}{title}  [{}]{repeat}",
            esc(&l.id),
            l.markers().join(", ")
        )?;
    }
    out!(
        "reaches a primary source: {}",
        if chain.reaches_primary() {
            format!(
                "yes ({})",
                esc(chain
                    .primary_sources
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "))
            )
        } else {
            "NO".into()
        }
    )?;
    out!(
        "origins ({}): {}",
        chain.origins.len(),
        esc(chain.origins.iter().cloned().collect::<Vec<_>>().join(", "))
    )?;
    if chain.problems.is_empty() {
        out!("problems: none")?;
    } else {
        out!("problems:")?;
        for p in &chain.problems {
            out!("  {}: {}", p.code(), esc(p.message()))?;
        }
    }
    Ok(())
}
