//! Retract: a claim or source stops being live. The retraction is an event like any other; the
//! retracted record stays in the log.

use super::add::{append_line, line_record, Line};
use super::group::Prepared;
use super::import::{AppendReport, Durability, ImportError};
use crate::ledger::Stamp;
use crate::model::event::EventBody;
use crate::Ledger;
use serde::Serialize;
use std::path::Path;

/// What to retract, and why.
#[derive(Debug, Clone)]
pub struct RetractInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// Id of the claim or source.
    pub target: &'a str,
    /// Why it is retracted.
    pub reason: &'a str,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// Retracts a claim or source, checked as an import line `{"type":"retract",…}` is.
pub fn retract(
    ledger: &mut Ledger,
    input: RetractInput<'_>,
    stamp: &Stamp,
) -> Result<RetractReport, ImportError> {
    let line = Line::Retract {
        reason: input.reason,
        target: input.target,
    };
    // A retraction has no text_file, so no directory is ever read.
    let append = append_line(
        ledger,
        input.label,
        Path::new("."),
        &line,
        stamp,
        input.durability,
    )?;
    // The append checked that the target is a claim or source in the ledger.
    let retracted = match ledger.find(input.target)?.map(|e| e.body) {
        Some(EventBody::ClaimAsserted(c)) => RetractedRecord::Claim {
            id: c.id,
            predicate: c.predicate,
            source: c.source,
            subject: c.subject,
            value: c.value.display(),
        },
        Some(EventBody::SourceRegistered(s)) => RetractedRecord::Source {
            id: s.id,
            publisher: s.publisher,
            title: s.title,
        },
        _ => RetractedRecord::Other {
            id: input.target.to_string(),
        },
    };
    Ok(RetractReport {
        append,
        reason: input.reason.to_string(),
        retracted,
    })
}

/// What a retraction did: the append (its fields at the top level of the JSON, as for every
/// write), the reason, and what it retracted, in the desk's words.
#[derive(Debug, Clone, Serialize)]
pub struct RetractReport {
    /// The append.
    #[serde(flatten)]
    pub append: AppendReport,
    /// Why.
    pub reason: String,
    /// The claim or source retracted.
    pub retracted: RetractedRecord,
}

/// The record a retraction took out of the live state.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RetractedRecord {
    /// A claim: what it said and where from.
    Claim {
        /// Its id.
        id: String,
        /// Its predicate.
        predicate: String,
        /// Its source's id.
        source: String,
        /// Its subject.
        subject: String,
        /// Its value, as text output shows it.
        value: String,
    },
    /// A source, by its title and publisher.
    Source {
        /// Its id.
        id: String,
        /// Its publisher, if recorded.
        publisher: Option<String>,
        /// Its title, if recorded.
        title: Option<String>,
    },
    /// Anything else (not reachable through `retract`, which takes claims and sources).
    Other {
        /// The target id.
        id: String,
    },
}

/// [`retract`]'s checks without the append: a request for the desk server's group commit
/// ([`super::group`]).
pub fn prepare(label: &str, target: &str, reason: &str) -> Result<Prepared, ImportError> {
    let line = Line::Retract { reason, target };
    let record = line_record(label, Path::new("."), &line)?;
    Ok(Prepared {
        label: label.to_string(),
        records: vec![(0, record)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::{import, ledger, stamp, CLAIM, SOURCE};

    #[test]
    fn a_retraction_is_appended_once_and_an_unknown_target_is_refused() {
        let (_dir, mut ledger) = ledger();
        import(&mut ledger, &format!("{SOURCE}\n{CLAIM}\n")).unwrap();
        let retraction = |target| RetractInput {
            label: "<arguments>",
            target,
            reason: "misread",
            durability: Durability::Synced,
        };
        let report = retract(&mut ledger, retraction("c1"), &stamp()).unwrap();
        assert_eq!(report.append.last_seq, Some(3));
        assert!(
            matches!(&report.retracted, RetractedRecord::Claim { id, .. } if id == "c1"),
            "{report:?}"
        );
        let last = ledger.event(3).unwrap().unwrap();
        assert!(matches!(last.body, EventBody::Retracted(r) if r.target == "c1"));
        assert!(matches!(
            retract(&mut ledger, retraction("nothing"), &stamp()),
            Err(ImportError::Refused { .. })
        ));
        assert_eq!(ledger.head().seq, 3);
    }
}
