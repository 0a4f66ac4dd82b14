//! `factledger sources`: every source, what it cites, what cites it, and what rests on it.

use crate::cli::{out_json, CliError, Context};
use factledger::projection::{
    self, cited_by, claims_of_source, liveness, Liveness, Tables, SOURCES,
};
use factledger::terminal::esc;
use serde_json::{json, Value as Json};

/// List the sources: kind, publisher, published date, citations both ways, live claims resting
/// on each, and whether it is retracted.
#[derive(Debug, clap::Args)]
pub struct SourcesArgs {}

pub fn run(ctx: &Context, _args: &SourcesArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let t = ledger.tables();
    let mut ids = Vec::new();
    t.scan(SOURCES, b"", &mut |k, _| {
        ids.push(String::from_utf8_lossy(k).into_owned());
        true
    })?;
    let mut rows = Vec::new();
    for id in &ids {
        let Some(s) = projection::source(&t, id)? else {
            continue;
        };
        let mut live = 0usize;
        for c in claims_of_source(&t, id)? {
            if let Some(c) = projection::claim(&t, &c)? {
                if liveness(&t, &c)? == Liveness::Live {
                    live += 1;
                }
            }
        }
        let citing = cited_by(&t, id)?;
        let missing: Vec<String> = s
            .source
            .cites
            .iter()
            .filter(|c| projection::source(&t, c).ok().flatten().is_none())
            .cloned()
            .collect();
        rows.push(json!({
            "id": id,
            "kind": s.source.kind.as_str(),
            "publisher": s.source.publisher,
            "title": s.source.title,
            "published": s.source.published.as_ref().map(|d| d.iso()),
            "cites": s.source.cites,
            "cites_missing": missing,
            "cited_by": citing,
            "live_claims": live,
            "retracted": s.retracted_at.is_some(),
            "archived_text": s.source.text.is_some(),
        }));
    }
    if ctx.json() {
        return out_json(&Json::Array(rows));
    }
    for r in &rows {
        let list = |k: &str| -> String {
            r[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        out!(
            "{}  [{}{}]  {}{}",
            esc(r["id"].as_str().unwrap_or("")),
            r["kind"].as_str().unwrap_or(""),
            if r["retracted"] == json!(true) {
                ", RETRACTED"
            } else {
                ""
            },
            esc(r["publisher"].as_str().unwrap_or("(no publisher)")),
            r["published"]
                .as_str()
                .map(|p| format!(", {}", esc(p)))
                .unwrap_or_default()
        )?;
        if let Some(t) = r["title"].as_str() {
            out!("    “{}”", esc(t))?;
        }
        let cites = list("cites");
        if !cites.is_empty() {
            let missing = list("cites_missing");
            let note = if missing.is_empty() {
                String::new()
            } else {
                format!("  (not in the ledger: {})", esc(&missing))
            };
            out!("    cites: {}{note}", esc(&cites))?;
        }
        let by = list("cited_by");
        if !by.is_empty() {
            out!("    cited by: {}", esc(&by))?;
        }
        out!(
            "    live claims resting on it: {}; archived text: {}",
            r["live_claims"],
            if r["archived_text"] == json!(true) {
                "yes"
            } else {
                "no"
            }
        )?;
    }
    Ok(())
}
