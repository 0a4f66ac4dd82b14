//! `factledger sources`: every source, what it cites, what cites it, and what rests on it.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::sources::sources;
use factledger::terminal::esc;

/// List the sources: kind, publisher, published date, citations both ways, live claims resting
/// on each, and whether it is retracted.
#[derive(Debug, clap::Args)]
pub struct SourcesArgs {}

pub fn run(ctx: &Context, _args: &SourcesArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        return crate::cli::remote::print(&remote.get("/api/v1/sources", &[])?);
    }
    let ledger = ctx.open()?;
    let rows = sources(&ledger)?;
    if ctx.json() {
        return print_json(&rows);
    }
    for r in &rows {
        out!(
            "{}  [{}{}]  {}{}",
            esc(&r.id),
            r.kind,
            if r.retracted { ", RETRACTED" } else { "" },
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
