//! `factledger graph`: the whole provenance graph (or one subject's), as DOT, JSON or text.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::graph::{graph, GraphOptions};
use factledger::provenance::dot::Dot;
use factledger::terminal::esc;

/// Draw the provenance graph: claims, sources and citations (optionally for one subject).
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Only the claims about this subject and the sources behind them.
    #[arg(long)]
    pub subject: Option<String>,
    /// Print Graphviz DOT (render with `dot -Tsvg`).
    #[arg(long, conflicts_with = "json")]
    pub dot: bool,
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time, or
    /// at the end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &GraphArgs) -> Result<(), CliError> {
    if args.dot && ctx.json() {
        return Err(CliError::usage("--dot cannot be used with --json"));
    }
    let ledger = ctx.open()?;
    let as_of = crate::cli::time::as_of(args.as_of.as_deref())?;
    if crate::cli::time::said_empty(
        ctx,
        &ledger,
        as_of.as_ref(),
        r#"{"citations":[],"claims":[],"sources":[]}"#,
    )? {
        return Ok(());
    }
    let options = GraphOptions {
        subject: args.subject.clone(),
        as_of,
    };
    let g = graph(&ledger, &options)?;
    if args.dot {
        let mut dot = Dot::default();
        for c in &g.claims {
            dot.claim(&c.state, c.status, c.flagged);
        }
        for chain in &g.chains {
            dot.chain(chain);
        }
        let title = match &args.subject {
            Some(s) => format!("factledger provenance: {s}"),
            None => "factledger provenance".into(),
        };
        return out!("{}", dot.finish(&title));
    }
    if ctx.json() {
        return print_json(&g);
    }
    out!(
        "{} claims, {} sources, {} citations",
        g.claims.len(),
        g.sources.len(),
        g.citations.len()
    )?;
    for c in &g.citations {
        out!("  {} cites {}", esc(&c.from), esc(&c.to))?;
    }
    out!("(use --dot for a Graphviz picture: factledger graph --dot | dot -Tsvg > graph.svg)")
}
