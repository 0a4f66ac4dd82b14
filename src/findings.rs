//! Every flag the ledger raises, for one subject or all: the per-subject claim rules
//! ([`rules`](crate::rules)) over the live claims, plus the provenance flags
//! ([`provenance`](crate::provenance)) for those claims and for the sources.

use crate::error::Result;
use crate::ledger::Ledger;
use crate::projection::{self, liveness, Liveness, Tables, SOURCES};
use crate::provenance::{self, Chains};
use crate::rules::{self, Archive, Flag, LiveClaim, SourceText};

/// Archived texts as of a view: the source's text reference comes from the view, the text from
/// the store (texts are content-addressed and never change).
pub struct ViewArchive<'a> {
    /// The projection view.
    pub tables: &'a dyn Tables,
    /// The ledger holding the texts.
    pub ledger: &'a Ledger,
}

impl Archive for ViewArchive<'_> {
    fn source_text(&self, source_id: &str) -> Result<SourceText> {
        let Some(s) = projection::source(self.tables, source_id)? else {
            return Ok(SourceText::NotArchived);
        };
        match &s.source.text {
            None => Ok(SourceText::NotArchived),
            Some(t) => match self.ledger.text(&t.hash)? {
                Some(text) => Ok(SourceText::Archived(text)),
                None => Ok(SourceText::NotArchived),
            },
        }
    }
}

/// Every flag code, with its description: claim rules first, then provenance.
pub fn all_codes() -> Vec<(&'static str, &'static str)> {
    rules::CODES
        .iter()
        .chain(provenance::CODES.iter())
        .copied()
        .collect()
}

/// Flags about one subject: claim rules and provenance flags for its live claims, and the source
/// flags when the subject is a source id.
pub fn subject_flags(
    t: &dyn Tables,
    ledger: &Ledger,
    chains: &mut Chains,
    subject: &str,
) -> Result<Vec<Flag>> {
    let mut live = Vec::new();
    let mut flags = Vec::new();
    for c in projection::subject_claims(t, subject)? {
        if liveness(t, &c)? == Liveness::Live {
            flags.extend(provenance::claim_flags(t, chains, &c)?);
            live.push(LiveClaim {
                id: c.claim.id,
                source: c.claim.source,
                subject: c.claim.subject,
                predicate: c.claim.predicate,
                value: c.claim.value,
            });
        }
    }
    let archive = ViewArchive { tables: t, ledger };
    flags.extend(rules::check_subject(subject, &live, &archive)?);
    flags.extend(provenance::source_flags(t, chains, subject)?);
    flags.sort();
    Ok(flags)
}

/// Every flag in the ledger (as of the view), sorted by subject, code, predicate and claims.
pub fn all_flags(t: &dyn Tables, ledger: &Ledger) -> Result<Vec<Flag>> {
    let mut chains = Chains::default();
    let mut flags = Vec::new();
    let mut subjects = Vec::new();
    projection::for_each_subject(t, &mut |s| {
        subjects.push(s.to_string());
        Ok(())
    })?;
    for s in &subjects {
        let mut live = Vec::new();
        for c in projection::subject_claims(t, s)? {
            if liveness(t, &c)? == Liveness::Live {
                flags.extend(provenance::claim_flags(t, &mut chains, &c)?);
                live.push(LiveClaim {
                    id: c.claim.id,
                    source: c.claim.source,
                    subject: c.claim.subject,
                    predicate: c.claim.predicate,
                    value: c.claim.value,
                });
            }
        }
        let archive = ViewArchive { tables: t, ledger };
        flags.extend(rules::check_subject(s, &live, &archive)?);
    }
    let mut sources = Vec::new();
    t.scan(SOURCES, b"", &mut |k, _| {
        sources.push(String::from_utf8_lossy(k).into_owned());
        true
    })?;
    for id in &sources {
        flags.extend(provenance::source_flags(t, &mut chains, id)?);
    }
    flags.sort_by(|a, b| {
        (&a.subject, &a.code, &a.predicate, &a.claims).cmp(&(
            &b.subject,
            &b.code,
            &b.predicate,
            &b.claims,
        ))
    });
    flags.dedup();
    Ok(flags)
}
