//! `factledger sources`: every source, what it cites, what cites it, and what rests on it.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::sources::{sources_at, SourceRow};
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
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let answer = remote.get("/api/v1/sources", &[("as_of", args.as_of.clone())])?;
        if ctx.json() {
            return print_json(&answer);
        }
        let rows: Vec<SourceRow> = answer
            .as_array()
            .into_iter()
            .flatten()
            .map(remote_row)
            .collect();
        return print_rows(&rows);
    }
    let ledger = ctx.open()?;
    let as_of = crate::cli::time::as_of(args.as_of.as_deref())?;
    if crate::cli::time::said_empty(ctx, &ledger, as_of.as_ref(), "[]")? {
        return Ok(());
    }
    let rows = sources_at(&ledger, as_of.as_ref())?;
    if ctx.json() {
        return print_json(&rows);
    }
    print_rows(&rows)
}

/// A source row from the server's JSON (`sources --json`).
fn remote_row(v: &serde_json::Value) -> SourceRow {
    use crate::cli::remote::{text, texts};
    let opt = |k: &str| v[k].as_str().map(String::from);
    SourceRow {
        archived_text: v["archived_text"] == true,
        cited_by: texts(v, "cited_by"),
        cites: texts(v, "cites"),
        cites_missing: texts(v, "cites_missing"),
        id: text(v, "id"),
        kind: if v["kind"] == "primary" {
            "primary"
        } else {
            "secondary"
        },
        live_claims: v["live_claims"].as_u64().unwrap_or(0) as usize,
        published: opt("published"),
        publisher: opt("publisher"),
        retracted: v["retracted"] == true,
        title: opt("title"),
        withdrawn: v["withdrawn"] == true,
    }
}

fn print_rows(rows: &[SourceRow]) -> Result<(), CliError> {
    for r in rows {
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
