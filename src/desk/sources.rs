//! `sources`: every source, what it cites (and which of those are missing), what cites it, and
//! how many live claims rest on it.

use super::{AsOf, DeskError};
use crate::projection::{self, cited_by, claims_of_source, liveness, Liveness, Tables, SOURCES};
use crate::Ledger;
use serde::Serialize;

/// One source as the listing shows it (`sources --json`, `docs/cli.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    /// It has an archived text.
    pub archived_text: bool,
    /// Ids of the sources citing it.
    pub cited_by: Vec<String>,
    /// Ids it cites.
    pub cites: Vec<String>,
    /// Those of `cites` not in the ledger.
    pub cites_missing: Vec<String>,
    /// Its id.
    pub id: String,
    /// `primary` or `secondary`.
    pub kind: &'static str,
    /// Live claims whose source it is.
    pub live_claims: usize,
    /// Its publication date, ISO.
    pub published: Option<String>,
    /// Its publisher.
    pub publisher: Option<String>,
    /// It was retracted.
    pub retracted: bool,
    /// Its title.
    pub title: Option<String>,
    /// Its publisher withdrew it (its claims stay live).
    pub withdrawn: bool,
}

/// Every source in the ledger, in id order.
pub fn sources(ledger: &Ledger) -> Result<Vec<SourceRow>, DeskError> {
    sources_at(ledger, None)
}

/// As [`sources`], as of a point: the ledger's state then.
pub fn sources_at(ledger: &Ledger, as_of: Option<&AsOf>) -> Result<Vec<SourceRow>, DeskError> {
    let seq = AsOf::resolve_opt(as_of, ledger)?;
    let t = ledger.view_at(seq)?;
    let mut ids = Vec::new();
    t.scan(SOURCES, b"", &mut |k, _| {
        ids.push(String::from_utf8_lossy(k).into_owned());
        true
    })?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(s) = projection::source(&t, &id)? else {
            continue;
        };
        let mut live_claims = 0usize;
        for c in claims_of_source(&t, &id)? {
            if let Some(c) = projection::claim(&t, &c)? {
                if liveness(&t, &c)? == Liveness::Live {
                    live_claims += 1;
                }
            }
        }
        let mut cites_missing = Vec::new();
        for c in &s.source.cites {
            // A store error is an error, not a missing citation.
            if projection::source(&t, c)?.is_none() {
                cites_missing.push(c.clone());
            }
        }
        rows.push(SourceRow {
            archived_text: s.source.text.is_some(),
            cited_by: cited_by(&t, &id)?,
            cites_missing,
            kind: s.source.kind.as_str(),
            live_claims,
            published: s.source.published.as_ref().map(|d| d.iso()),
            publisher: s.source.publisher,
            retracted: s.retracted_at.is_some(),
            title: s.source.title,
            withdrawn: crate::projection::versions::withdrawal(&t, &id)?.is_some(),
            cites: s.source.cites,
            id,
        });
    }
    Ok(rows)
}
