//! `factledger audit CLAIM|SOURCE`: the chain of sources behind a claim or source.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::audit::audit;
use factledger::projection::Liveness;
use factledger::provenance::dot::Dot;
use factledger::terminal::esc;

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

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<(), CliError> {
    if args.dot && ctx.json() {
        return Err(CliError::usage("--dot cannot be used with --json"));
    }
    let ledger = ctx.open()?;
    let report = audit(&ledger, &args.id)?;
    let chain = &report.chain;
    if args.dot {
        let mut dot = Dot::default();
        if let Some((c, s)) = &report.claim {
            dot.claim(c, *s, !chain.problems.is_empty());
        }
        dot.chain(chain);
        return out!("{}", dot.finish(&format!("factledger audit {}", args.id)));
    }
    if ctx.json() {
        return print_json(&report);
    }
    match &report.claim {
        Some((c, s)) => {
            let status = if *s == Liveness::Live {
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
        }
        None => out!("source {}", esc(report.source()))?,
    }
    if let Some(v) = &report.verdict {
        out!("verdict {}", crate::cli::render::verdict_line(v))?;
    }
    for l in &chain.links {
        let indent = "   ".repeat(l.depth);
        let title = l
            .state
            .as_ref()
            .and_then(|s| s.source.title.as_ref().or(s.source.publisher.as_ref()))
            .map(|t| format!(" “{}”", esc(t)))
            .unwrap_or_default();
        let repeat = if l.repeat { "  (shown above)" } else { "" };
        out!(
            "{indent}└─ {}{title}  [{}]{repeat}",
            esc(&l.id),
            l.markers().join(", ")
        )?;
    }
    let join = |ids: &std::collections::BTreeSet<String>| {
        ids.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    out!(
        "reaches a primary source: {}",
        if chain.reaches_primary() {
            format!("yes ({})", esc(join(&chain.primary_sources)))
        } else {
            "NO".into()
        }
    )?;
    out!(
        "origins ({}): {}",
        chain.origins.len(),
        esc(join(&chain.origins))
    )?;
    if chain.problems.is_empty() {
        return out!("problems: none");
    }
    out!("problems:")?;
    for p in &chain.problems {
        out!("  {}: {}", p.code(), esc(p.message()))?;
    }
    Ok(())
}
