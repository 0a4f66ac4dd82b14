//! `factledger audit CLAIM|SOURCE`: the chain of sources behind a claim or source.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::audit::audit_at;
use factledger::projection::Liveness;
use factledger::provenance::dot::Dot;
use factledger::provenance::weigh::{Stance, Witness};
use factledger::terminal::esc;

/// Show the chain of sources behind a claim or source: where it reaches primary sources, where
/// it breaks, loops, or passes through retracted sources; for a claim, whether each source of
/// the chain supports it, contradicts it or is silent, and the claim's own flags.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// A claim id or a source id.
    #[arg(value_name = "CLAIM|SOURCE")]
    pub id: String,
    /// Print the chain as Graphviz DOT.
    #[arg(long, conflicts_with = "json")]
    pub dot: bool,
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time, or
    /// at the end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<(), CliError> {
    if args.dot && ctx.json() {
        return Err(CliError::usage("--dot cannot be used with --json"));
    }
    let ledger = ctx.open()?;
    let as_of = crate::cli::time::as_of(args.as_of.as_deref())?;
    if crate::cli::time::said_empty(ctx, &ledger, as_of.as_ref(), "null")? {
        return Ok(());
    }
    let report = audit_at(&ledger, &args.id, as_of.as_ref())?;
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
    let against: Vec<&str> = report
        .contradicting_primaries()
        .map(|w| w.source.as_str())
        .collect();
    out!(
        "reaches a primary source: {}{}",
        if chain.reaches_primary() {
            format!("yes ({})", esc(join(&chain.primary_sources)))
        } else {
            "NO".into()
        },
        if against.is_empty() {
            String::new()
        } else {
            format!(
                ", which CONTRADICTS the claim ({})",
                esc(against.join(", "))
            )
        }
    )?;
    out!(
        "origins ({}): {}",
        chain.origins.len(),
        esc(join(&chain.origins))
    )?;
    for (id, reason) in &report.withdrawn {
        out!("withdrawn by its publisher: {}: {}", esc(id), esc(reason))?;
    }
    if report.claim.is_some() {
        out!("what the sources say:")?;
        for w in &report.weights {
            let role = match (w.depth, w.primary) {
                (0, true) => "the claim's own source, primary",
                (0, false) => "the claim's own source",
                (_, true) => "primary",
                (_, false) => "secondary",
            };
            let witnesses = |ws: &[Witness]| {
                ws.iter()
                    .map(|c| format!("{} says {}", esc(&c.id), esc(&c.value)))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let detail = match w.stance {
                Stance::Contradicts => format!(" — {}", witnesses(&w.contradicting)),
                Stance::Supports => format!(" — {}", witnesses(&w.supporting)),
                Stance::Silent => String::new(),
            };
            out!(
                "  {} ({role}): {}{detail}",
                esc(&w.source),
                w.stance.as_str()
            )?;
        }
        if report.flags.is_empty() {
            out!("flags on this claim: none")?;
        } else {
            out!("flags on this claim:")?;
            for l in &report.flags {
                let f = &l.flag;
                out!(
                    "  {:<8} {} [{}]: {}",
                    f.severity(),
                    f.code,
                    f.id(),
                    esc(&f.message)
                )?;
                if let Some(d) = &l.dismissed {
                    out!("    dismissed at seq {}: {}", d.seq, esc(&d.reason))?;
                }
            }
        }
    }
    if chain.problems.is_empty() {
        return out!("problems: none");
    }
    out!("problems:")?;
    for p in &chain.problems {
        out!("  {}: {}", p.code(), esc(p.message()))?;
    }
    Ok(())
}
