//! `factledger sources`: every source, what it cites, what cites it, and what rests on it.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::sources::sources_at;
use factledger::terminal::esc;

/// List the sources: kind, publisher, published date, citations both ways, live claims resting
/// on each, and whether it is retracted.
#[derive(Debug, clap::Args)]
pub struct SourcesArgs {
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time, or
    /// at the end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &SourcesArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let as_of = crate::cli::time::as_of(args.as_of.as_deref())?;
    if crate::cli::time::said_empty(ctx, &ledger, as_of.as_ref(), "[]")? {
        return Ok(());
    }
    let rows = sources_at(&ledger, as_of.as_ref())?;
    if ctx.json() {
        return print_json(&rows);
    }
    for r in &rows {
        out!(
            "{}  [{}{}]  {}{}",
            esc(&r.id),
            r.kind,
            match (r.retracted, r.withdrawn) {
                (true, _) => ", RETRACTED",
                (false, true) => ", WITHDRAWN by its publisher",
                (false, false) => "",
            },
            esc(r.publisher.as_deref().unwrap_or("(no publisher)")),
            r.published
                .as_ref()
                .map(|p| format!(", {}", esc(p)))
                .unwrap_or_default()
        )?;
        if let Some(t) = &r.title {
            out!("    “{}”", esc(t))?;
        }
        if !r.cites.is_empty() {
            let note = if r.cites_missing.is_empty() {
                String::new()
            } else {
                format!("  (not in the ledger: {})", esc(r.cites_missing.join(", ")))
            };
            out!("    cites: {}{note}", esc(r.cites.join(", ")))?;
        }
        if !r.cited_by.is_empty() {
            out!("    cited by: {}", esc(r.cited_by.join(", ")))?;
        }
        out!(
            "    live claims resting on it: {}; archived text: {}",
            r.live_claims,
            if r.archived_text { "yes" } else { "no" }
        )?;
    }
    Ok(())
}
