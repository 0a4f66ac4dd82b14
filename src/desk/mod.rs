//! The desk's use cases: one function per thing a fact-checking desk does with its ledger.
//!
//! The command line and the desk server both call these functions and nothing below them, so a
//! use case behaves the same whichever way a person reaches it. Each returns a typed result that
//! derives `Serialize`: that type *is* the JSON a client sees (`docs/cli.md`), and the CLI renders
//! its text form from the same value.
//!
//! # Use cases
//! - [`facts`] — the fact state per subject and predicate (now or as of a point), with each
//!   fact's independent origins.
//! - [`flags`] — every inconsistency flag, streamed one subject at a time, with a count per code.
//! - [`audit`] — the chain of sources behind one claim or source.
//! - [`sources`] — every source with its citations both ways and the live claims resting on it.
//! - [`subjects`] — every subject with its aliases, claim and flag counts; the lookup behind
//!   every `--subject`.
//! - [`alias`] — another name for a subject.
//! - [`graph`] — the provenance graph of the whole ledger or one subject.
//! - [`log`] — the events in order, from a seq.
//! - [`show`] — one event by id or seq, with what became of it.
//! - [`import`] — a JSON Lines file appended all or nothing, and the restore of a bundle; the
//!   append report and refusal every write shares.
//! - [`add`] — one source or claim given field by field, checked as an import line is.
//! - [`retract`] — the desk's retraction of its own entry: a claim or source no longer live.
//! - [`withdraw`] — a publisher's withdrawal of a source: its claims stay live, marked.
//! - [`revise`] — a new version of a source, with its new archived text.
//! - [`dismiss`] — a flag the desk has looked at and set aside, with its reason.
//! - [`review`] — a verdict on a claim, a rating scale, and the verdict as reads show it.
//! - [`reviews`] — the current verdicts per claim (with history), and the scales.
//! - [`config`] — the ledger's settings (`desk.name`, `desk.url`), recorded as events.
//! - [`authorise`] — who may sign: authorise, revoke, list authors.
//! - [`init`] — a new ledger, unsigned or signed from its first event.
//! - [`demo`] — the UN-votes fixtures loaded into a ledger, and the chains the demo shows.
//! - [`verify`] — the whole integrity report of a ledger (log, index, texts, signatures and the
//!   projection), or of an exported bundle against a published checkpoint and a trusted key.
//! - [`replay`] — the log replayed to a digest and counts, checked against the stored
//!   projection, which it can rebuild.
//! - [`checkpoint`] — the ledger's size and Merkle root now, signed, to publish.
//! - [`prove`] — an inclusion or consistency proof file.
//! - [`evidence`] — a claim, its source chain and their proofs in one file.
//! - [`export`] — the whole ledger as a verifiable bundle.
//! - [`extract`] — candidate claims read out of an article or a source's archived text, as
//!   import lines to review; nothing appended.
//! - [`interop`] — ClaimReview JSON-LD and its pages, PROV-JSON and CSV, out and in.
//! - [`verify_proof`] — a proof or evidence file checked with no ledger.
//! - [`claim`] — one claim with its event, source chain and flags at once.
//! - [`subjects`] — every subject with a claim, and how many claims it has.
//! - [`users`] — the desk server's users, roles and token hashes (not events).
//! - [`group`] — several write requests (import, add, retract) checked one by one and committed
//!   in one durable append: the desk server's group commit.

pub mod add;
pub mod alias;
pub mod audit;
pub mod authorise;
pub mod checkpoint;
pub mod claim;
pub mod config;
pub mod demo;
pub mod dismiss;
pub mod evidence;
pub mod export;
pub mod extract;
pub mod facts;
pub mod flags;
pub mod graph;
pub mod group;
pub mod import;
pub mod init;
pub mod interop;
pub mod log;
pub mod prove;
pub mod replay;
pub mod retract;
pub mod review;
pub mod reviews;
pub mod revise;
pub mod show;
pub mod sources;
pub mod subjects;
pub mod users;
pub mod verify;
pub mod verify_proof;
pub mod withdraw;

use crate::error::LedgerError;
use crate::Ledger;
use chrono::{DateTime, FixedOffset, SecondsFormat};
use std::fmt;
use std::str::FromStr;

/// What a use case can fail with: the ledger's own errors, or a request naming something the
/// ledger does not hold.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The ledger failed (store, damage, authority).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// No claim or source has this id.
    #[error("no claim or source with id '{id}' in the ledger")]
    NoSuchId {
        /// The id asked for.
        id: String,
    },
    /// A seq past the head.
    #[error("no event with seq {seq}: the ledger holds seq 1 to {head}")]
    NoSuchSeq {
        /// The seq asked for.
        seq: u64,
        /// The ledger's head seq.
        head: u64,
    },
    /// A subject filter that names no subject holding claims (nor, by its alias, one that
    /// does).
    #[error("no subject '{given}' in the ledger{}", closest_list(.closest))]
    NoSuchSubject {
        /// The subject asked for.
        given: String,
        /// The closest subjects and aliases, closest first.
        closest: Vec<String>,
    },
    /// An event recorded after the as-of point asked for.
    #[error("'{target}' was recorded at seq {seq}, after --as-of (seq {as_of})")]
    NotYetRecorded {
        /// The id or seq asked for.
        target: String,
        /// Its seq.
        seq: u64,
        /// The as-of point, as a seq.
        as_of: u64,
    },
    /// An as-of point past the head.
    #[error("--as-of {seq}: the ledger only goes up to seq {head}")]
    AsOfPastHead {
        /// The seq asked for.
        seq: u64,
        /// The ledger's head seq.
        head: u64,
    },
    /// A setting the ledger does not know.
    #[error("unknown setting '{key}' (known: {known})")]
    NoSuchSetting {
        /// The key asked for.
        key: String,
        /// The known keys, comma-separated.
        known: String,
    },
    /// An as-of point that is neither a seq, a time nor a date.
    #[error(
        "--as-of '{given}' is neither a seq, an RFC 3339 time nor a date (YYYY-MM-DD): {reason}"
    )]
    BadAsOf {
        /// What was given.
        given: String,
        /// Why it is not a time.
        reason: String,
    },
}

fn closest_list(closest: &[String]) -> String {
    if closest.is_empty() {
        return " (it holds no subjects)".to_string();
    }
    let names: Vec<String> = closest.iter().map(|s| format!("'{s}'")).collect();
    format!("; closest: {}", names.join(", "))
}

/// A past point of the ledger for the read queries: the state after a seq, or after the last
/// event recorded at or before a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// After this seq (0: before anything was recorded).
    Seq(u64),
    /// After the last event recorded at or before this time.
    Time(DateTime<FixedOffset>),
}

impl AsOf {
    /// The seq this point names in `ledger`.
    pub fn resolve(&self, ledger: &Ledger) -> Result<u64, DeskError> {
        let head = ledger.head().seq;
        match *self {
            AsOf::Seq(seq) if seq > head => Err(DeskError::AsOfPastHead { seq, head }),
            AsOf::Seq(seq) => Ok(seq),
            // The ledger finds the last event at or before a time (a search over the log).
            AsOf::Time(t) => Ok(ledger.seq_at_time(t.timestamp_micros())?),
        }
    }

    /// [`AsOf::resolve`] for an optional point; `None` is the head.
    pub fn resolve_opt(as_of: Option<&AsOf>, ledger: &Ledger) -> Result<Option<u64>, DeskError> {
        as_of.map(|a| a.resolve(ledger)).transpose()
    }

    /// Whether the ledger was empty at this point (before its first event, or it has none):
    /// readers then say so rather than list nothing.
    pub fn empty_at(as_of: Option<&AsOf>, ledger: &Ledger) -> Result<bool, DeskError> {
        match Self::resolve_opt(as_of, ledger)? {
            Some(seq) => Ok(seq == 0),
            None => Ok(ledger.head().seq == 0),
        }
    }
}

impl FromStr for AsOf {
    type Err = DeskError;

    /// A seq (`42`), an RFC 3339 time (`2025-02-25T10:00:00Z`), or a date (`2025-02-25`: the
    /// end of that day, UTC).
    fn from_str(s: &str) -> Result<AsOf, DeskError> {
        let s = s.trim();
        if let Ok(seq) = s.parse::<u64>() {
            return Ok(AsOf::Seq(seq));
        }
        if s.len() == 10 && !s.contains('T') {
            return chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| {
                    let end = d
                        .and_hms_micro_opt(23, 59, 59, 999_999)
                        .expect("a valid time");
                    AsOf::Time(end.and_utc().fixed_offset())
                })
                .map_err(|e| DeskError::BadAsOf {
                    given: s.to_string(),
                    reason: e.to_string(),
                });
        }
        DateTime::parse_from_rfc3339(s)
            .map(AsOf::Time)
            .map_err(|e| DeskError::BadAsOf {
                given: s.to_string(),
                reason: e.to_string(),
            })
    }
}

impl fmt::Display for AsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsOf::Seq(seq) => write!(f, "{seq}"),
            AsOf::Time(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::ledger as empty_ledger;

    #[test]
    fn as_of_parses_a_seq_or_a_time_and_names_what_is_neither() {
        assert_eq!(" 42 ".parse::<AsOf>().expect("seq"), AsOf::Seq(42));
        let t = "2025-02-25T10:00:00.5Z".parse::<AsOf>().expect("time");
        assert_eq!(t.to_string(), "2025-02-25T10:00:00.500Z");
        let day = "2025-02-26".parse::<AsOf>().expect("date");
        assert_eq!(day.to_string(), "2025-02-26T23:59:59.999999Z");
        for bad in ["banana", "2025-02-30T00:00:00Z", "2025-02-30", "2025-2-26"] {
            match bad.parse::<AsOf>() {
                Err(DeskError::BadAsOf { given, .. }) => assert_eq!(given, bad),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn as_of_past_the_head_is_a_typed_error() {
        let (_dir, ledger) = empty_ledger();
        assert_eq!(AsOf::Seq(0).resolve(&ledger).expect("seq 0"), 0);
        match AsOf::Seq(1).resolve(&ledger) {
            Err(DeskError::AsOfPastHead { seq: 1, head: 0 }) => {}
            other => panic!("{other:?}"),
        }
        let before = "2000-01-01T00:00:00Z".parse::<AsOf>().expect("time");
        assert_eq!(before.resolve(&ledger).expect("time"), 0);
    }

    #[test]
    fn unknown_ids_and_seqs_are_typed_errors_naming_them() {
        let (_dir, ledger) = empty_ledger();
        match show::show(&ledger, "nope", &show::ShowOptions::default()) {
            Err(DeskError::NoSuchId { id }) => assert_eq!(id, "nope"),
            other => panic!("{other:?}"),
        }
        match show::show(&ledger, "3", &show::ShowOptions::default()) {
            Err(DeskError::NoSuchSeq { seq: 3, head: 0 }) => {}
            other => panic!("{other:?}"),
        }
        match audit::audit(&ledger, "nope") {
            Err(DeskError::NoSuchId { id }) => assert_eq!(id, "nope"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_empty_ledger_has_no_facts_flags_sources_or_events() {
        let (_dir, ledger) = empty_ledger();
        assert!(facts::facts(&ledger, &facts::FactsOptions::default())
            .expect("facts")
            .is_empty());
        let summary = flags::flags(&ledger, &flags::FlagsOptions::default(), &mut |_| {
            Err::<(), DeskError>(DeskError::NoSuchId {
                id: "visited".into(),
            })
        })
        .expect("no flag visited");
        assert_eq!(summary, flags::FlagSummary::default());
        assert!(sources::sources(&ledger).expect("sources").is_empty());
        assert_eq!(log::log(&ledger, log::LogOptions::default()).count(), 0);
        let g = graph::graph(&ledger, &graph::GraphOptions::default()).expect("graph");
        assert_eq!(
            serde_json::to_string(&g).expect("json"),
            r#"{"citations":[],"claims":[],"sources":[]}"#
        );
    }
}
