//! Verification of the hash chain: every event's hash recomputed, every link checked, the last
//! hash compared with the head, every index entry and archived text checked.

use crate::error::{LedgerError, Result};
use crate::event::{hex, Hash, ZERO_HASH};
use crate::ledger::Ledger;

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Events checked.
    pub events: u64,
    /// Archived texts checked.
    pub texts: u64,
    /// The first problem, if any.
    pub problem: Option<ChainProblem>,
}

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainProblem {
    /// The seq of the first bad event (0 when the problem is not tied to one event).
    pub seq: u64,
    /// Short code: `corrupt-event`, `hash-mismatch`, `broken-link`, `head-mismatch`,
    /// `index-mismatch`, `text-mismatch`, `missing-text`.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

/// Recomputes every hash and link from seq 1 to the head. Stops at the first problem.
pub fn verify_chain(ledger: &Ledger, mut progress: impl FnMut(u64)) -> Result<ChainReport> {
    let head = ledger.head();
    let mut prev: Hash = ZERO_HASH;
    let mut count = 0u64;
    let mut texts = 0u64;
    let fail = |seq, code, message: String, count, texts| {
        Ok(ChainReport {
            events: count,
            texts,
            problem: Some(ChainProblem { seq, code, message }),
        })
    };
    for item in ledger.events(1) {
        let event = match item {
            Ok(e) => e,
            Err(LedgerError::CorruptEvent { seq, source }) => {
                return fail(
                    seq,
                    "corrupt-event",
                    format!("event seq {seq} does not decode: {source}"),
                    count,
                    texts,
                )
            }
            Err(LedgerError::Inconsistent { seq, problem }) => {
                return fail(
                    seq,
                    "corrupt-event",
                    format!("event seq {seq}: {problem}"),
                    count,
                    texts,
                )
            }
            Err(LedgerError::Store(crate::store::StoreError::Corrupt(m))) => {
                return fail(count + 1, "corrupt-event", m, count, texts)
            }
            Err(e) => return Err(e),
        };
        let seq = event.seq;
        if event.prev != prev {
            return fail(
                seq,
                "broken-link",
                format!(
                    "event seq {seq} links to {} but the previous event's hash is {}",
                    hex(&event.prev),
                    hex(&prev)
                ),
                count,
                texts,
            );
        }
        let computed = event.compute_hash();
        if computed != event.hash {
            return fail(
                seq,
                "hash-mismatch",
                format!(
                    "event seq {seq} was altered: its content hashes to {} but it records {}",
                    hex(&computed),
                    hex(&event.hash)
                ),
                count,
                texts,
            );
        }
        if let Some(id) = event.body.id() {
            let found = ledger.find(id)?;
            if found.as_ref().map(|e| e.seq) != Some(seq) {
                return fail(
                    seq,
                    "index-mismatch",
                    format!("the id index does not lead to event seq {seq} for '{id}'"),
                    count,
                    texts,
                );
            }
        }
        if let crate::event::EventBody::SourceRegistered(s) = &event.body {
            if let Some(t) = &s.text {
                match ledger.text(&t.hash) {
                    Ok(Some(text)) if text.len() as u64 == t.len => texts += 1,
                    Ok(Some(_)) => {
                        return fail(
                            seq,
                            "text-mismatch",
                            format!("archived text of source '{}' has the wrong length", s.id),
                            count,
                            texts,
                        )
                    }
                    Ok(None) => {
                        return fail(
                            seq,
                            "missing-text",
                            format!(
                                "archived text {} of source '{}' is missing",
                                hex(&t.hash),
                                s.id
                            ),
                            count,
                            texts,
                        )
                    }
                    Err(e) => {
                        return fail(
                            seq,
                            "text-mismatch",
                            format!("source '{}': {e}", s.id),
                            count,
                            texts,
                        )
                    }
                }
            }
        }
        prev = event.hash;
        count += 1;
        progress(count);
    }
    if count != head.seq || prev != head.hash {
        return fail(
            head.seq,
            "head-mismatch",
            format!(
                "the log ends at seq {count} with hash {} but the head records seq {} with hash {}",
                hex(&prev),
                head.seq,
                hex(&head.hash)
            ),
            count,
            texts,
        );
    }
    Ok(ChainReport {
        events: count,
        texts,
        problem: None,
    })
}
