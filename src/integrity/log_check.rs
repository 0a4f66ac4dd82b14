//! Verification of the log's hash chain: every event's hash recomputed, every link checked, every
//! signature and author's authority checked at its point of the log, the last hash compared with
//! the head, every index entry and archived text checked. The same [`Verifier`] checks an
//! exported bundle, where there is no store.
//!
//! What it finds wrong is a [`LogProblem`] (the log is damaged or forged: a check failed); what
//! stops it from looking is a [`LedgerError`] (the store could not be read). The two never mix:
//! [`verify_log`] reports the first in its [`LogReport`] and returns the second as its error.

use crate::error::{LedgerError, Result};
use crate::integrity::signing;
use crate::ledger::{index_keys, Ledger};
use crate::model::event::{hex, Event, EventBody, Hash, ZERO_HASH};
use crate::projection::{self, MemTables};
use std::collections::HashMap;

/// What [`verify_log`] found: the counts checked and the first problem, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogReport {
    /// Events checked.
    pub events: u64,
    /// Archived texts checked.
    pub texts: u64,
    /// Seq of the first author authorisation: the ledger is signed from there on.
    pub signed_from: Option<u64>,
    /// Events that carry a verified signature.
    pub signed_events: u64,
    /// Digest of the projection replayed while verifying (when the chain is sound).
    pub projection_digest: Option<Hash>,
    /// The first problem, if any.
    pub problem: Option<LogProblem>,
}

/// The first thing wrong with the log (not with a source chain: see
/// [`crate::provenance::ChainProblem`]). Its JSON form is `verify`'s `problem` (`docs/cli.md`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct LogProblem {
    /// Short code: `corrupt-event`, `hash-mismatch`, `broken-link`, `bad-signature`,
    /// `unauthorised-author`, `invalid-id`, `duplicate-id`, `head-mismatch`, `index-mismatch`,
    /// `text-mismatch`,
    /// `missing-text`, `projection-drift`.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
    /// The seq of the first bad event (0 when the problem is not tied to one event).
    pub seq: u64,
}

/// Why [`Verifier::check`] refused an event: the event is wrong, or the verifier's own replay
/// failed (which says nothing about the event).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// The event breaks the log: a link, hash, signature, authority or id problem.
    #[error(transparent)]
    Problem(LogProblem),
    /// Folding the event into the verifier's replay failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Checks events one after another: seq, link, hash, signature and authority, folding each into
/// a fresh projection (which is what decides who may sign next).
#[derive(Default)]
pub struct Verifier {
    prev: Hash,
    seq: u64,
    tables: MemTables,
    /// Every index key (ids, retraction and correction keys) seen so far → the seq that holds it.
    /// A key seen twice is refused: lookups by id would find only one of the two events, so
    /// two proofs could show two different claims under one id.
    keys: HashMap<Box<[u8]>, u64>,
    /// Seq of the first author authorisation.
    pub signed_from: Option<u64>,
    /// Events with a verified signature.
    pub signed_events: u64,
}

impl Verifier {
    /// A verifier expecting seq 1.
    pub fn new() -> Verifier {
        Verifier {
            prev: ZERO_HASH,
            ..Verifier::default()
        }
    }

    /// A verifier expecting seq 1, its replay sized for about `events` events.
    pub fn with_capacity(events: usize) -> Verifier {
        Verifier {
            tables: MemTables::with_capacity(events),
            keys: HashMap::with_capacity(events),
            ..Verifier::new()
        }
    }

    /// The last event checked: (seq, hash).
    pub fn head(&self) -> (u64, Hash) {
        (self.seq, self.prev)
    }

    /// The projection replayed so far.
    pub fn tables(&self) -> &MemTables {
        &self.tables
    }

    /// Every index key of the events checked so far, with the seq of the event that holds it:
    /// exactly what the id index must hold.
    pub(crate) fn index_seqs(&self) -> &HashMap<Box<[u8]>, u64> {
        &self.keys
    }

    /// Checks the next event; on success folds it in.
    pub fn check(&mut self, event: &Event) -> Result<(), CheckError> {
        self.check_stored(event, None)
    }

    /// As [`Verifier::check`], hashing the stored record the event was decoded from, when given.
    pub(crate) fn check_stored(
        &mut self,
        event: &Event,
        record: Option<&[u8]>,
    ) -> Result<(), CheckError> {
        let seq = event.seq;
        let problem = |code, message| Err(CheckError::Problem(LogProblem { seq, code, message }));
        if seq != self.seq + 1 {
            return problem(
                "broken-link",
                format!("expected seq {} but found seq {seq}", self.seq + 1),
            );
        }
        if event.prev != self.prev {
            return problem(
                "broken-link",
                format!(
                    "event seq {seq} links to {} but the previous event's hash is {}",
                    hex(&event.prev),
                    hex(&self.prev)
                ),
            );
        }
        let computed = match record {
            Some(r) => event.record_hash(r),
            None => event.compute_hash(),
        };
        if computed != event.hash {
            return problem(
                "hash-mismatch",
                format!(
                    "event seq {seq} was altered: its content hashes to {} but it records {}",
                    hex(&computed),
                    hex(&event.hash)
                ),
            );
        }
        // Ids are what index keys are built from: an id the entry rules refuse (a NUL, a path,
        // 300 000 characters) in a stored event means it entered below those rules.
        let named = [
            event.body.id(),
            match &event.body {
                EventBody::Retracted(r) => Some(r.target.as_str()),
                EventBody::ClaimAsserted(c) => c.supersedes.as_deref(),
                _ => None,
            },
        ];
        for id in named.into_iter().flatten() {
            if let Err(e) = crate::intake::validate::check_id(id, "id") {
                return problem(
                    "invalid-id",
                    format!("event seq {seq} names an id no entry route accepts: {e}"),
                );
            }
        }
        use signing::{AuthorityCheckError, AuthorityError};
        match signing::check_authority_in(&self.tables, event, self.signed_from.is_some()) {
            Ok(()) => {}
            Err(AuthorityCheckError::Refused(e @ AuthorityError::BadSignature { .. })) => {
                return problem("bad-signature", e.to_string())
            }
            Err(AuthorityCheckError::Refused(e)) => {
                return problem("unauthorised-author", e.to_string())
            }
            Err(AuthorityCheckError::Store(e)) => return Err(e.into()),
        }
        let keys = index_keys(&event.body);
        for k in &keys {
            if let Some(&first) = self.keys.get(k.as_slice()) {
                return problem(
                    "duplicate-id",
                    format!(
                        "{} at seq {seq} repeats seq {first}: every id, and every retraction and \
                         correction of one, is unique in the log",
                        describe_key(k)
                    ),
                );
            }
        }
        self.keys
            .extend(keys.into_iter().map(|k| (k.into_boxed_slice(), seq)));
        if event.signature.is_some() {
            self.signed_events += 1;
        }
        if self.signed_from.is_none() && matches!(event.body, EventBody::AuthorAuthorised(_)) {
            self.signed_from = Some(seq);
        }
        projection::apply(&mut self.tables, event)?;
        self.prev = event.hash;
        self.seq = seq;
        Ok(())
    }
}

/// What an index key is, for a person: `id 'c1'`, `the retraction of 'c1'`, `the correction of
/// 'c1'` (see [`crate::ledger::retraction_key`] and [`crate::ledger::supersession_key`]).
pub(crate) fn describe_key(key: &[u8]) -> String {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if let Some(t) = key.strip_prefix(b"\0retracted\0") {
        format!("the retraction of '{}'", text(t))
    } else if let Some(t) = key.strip_prefix(b"\0superseded\0") {
        format!("the correction of '{}'", text(t))
    } else {
        format!("id '{}'", text(key))
    }
}

/// The first index problem (lowest seq) among events up to `bound`: an entry of an event's key
/// that is missing or leads elsewhere. Entries of keys no event holds are left alone: a crashed
/// append leaves them, at seqs later appends reuse, and lookups ignore them. Found in one sequential pass over the index instead of one random read per event (a
/// million random reads miss sled's cache, which the scan of the log fills). Entries above the
/// head are a crashed append's leftovers, which reads never reach; they are not problems.
fn first_index_mismatch(
    ledger: &Ledger,
    keys: &HashMap<Box<[u8]>, u64>,
    bound: u64,
) -> Result<Option<(u64, String)>> {
    let limit = bound.min(ledger.head().seq);
    let keys_past_bound = |key: &[u8]| keys.get(key).is_some_and(|&s| s > bound);
    let mut want: HashMap<&[u8], u64> = keys
        .iter()
        .filter(|(_, &seq)| seq <= bound)
        .map(|(k, &seq)| (&**k, seq))
        .collect();
    let mut first: Option<(u64, String)> = None;
    let mut note = |seq: u64, message: String| {
        if first.as_ref().is_none_or(|(f, _)| seq < *f) {
            first = Some((seq, message));
        }
    };
    ledger.for_each_index_entry(&mut |key, seq| match want.remove(key) {
        Some(at) if at != seq => note(
            at,
            format!(
                "the id index leads {} to seq {seq}, not to event seq {at}",
                describe_key(key)
            ),
        ),
        Some(_) => {}
        // The key of an event past `bound`, indexed at or below it: it leads to the wrong event.
        None if seq <= limit && keys_past_bound(key) => note(
            seq,
            format!(
                "the id index leads {} to seq {seq}, which is not its event",
                describe_key(key)
            ),
        ),
        // A key no event holds: a crashed append's leftover (the store keeps those, and every
        // lookup checks that the event it reaches holds the key), so not a problem of the log.
        None => {}
    })?;
    for (key, at) in want {
        note(
            at,
            format!(
                "the id index has no entry for {} (event seq {at})",
                describe_key(key)
            ),
        );
    }
    Ok(first)
}

/// Verifies the whole ledger from seq 1 to the head. Stops at the first problem.
pub fn verify_log(ledger: &Ledger, mut progress: impl FnMut(u64)) -> Result<LogReport> {
    let head = ledger.head();
    let mut v = Verifier::with_capacity(usize::try_from(head.seq).unwrap_or(0));
    let mut texts = 0u64;
    // Per event (index seq - 1): the archived texts and signatures counted when its index entries
    // are checked, for the report of an index problem there.
    let mut counts: Vec<(u64, u64)> = Vec::with_capacity(usize::try_from(head.seq).unwrap_or(0));
    let report = |v: &Verifier, texts, problem: Option<LogProblem>| LogReport {
        events: v.head().0,
        texts,
        signed_from: v.signed_from,
        signed_events: v.signed_events,
        projection_digest: problem.is_none().then(|| v.tables().digest().to_bytes()),
        problem,
    };
    // Before reporting anything found at seq `bound` or later, an index problem at an earlier
    // (or, for `bound` inclusive, the same) seq comes first, as it would have in seq order.
    let finish = |v: &Verifier, counts: &[(u64, u64)], bound: u64, found: LogReport| {
        let Some((seq, message)) = first_index_mismatch(ledger, v.index_seqs(), bound)? else {
            return Ok(found);
        };
        let (texts, signed_events) = seq
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| counts.get(i).copied())
            .unwrap_or_default();
        Ok(LogReport {
            events: seq,
            texts,
            signed_from: v.signed_from.filter(|&s| s <= seq),
            signed_events,
            projection_digest: None,
            problem: Some(LogProblem {
                seq,
                code: "index-mismatch",
                message,
            }),
        })
    };
    let fail = |v: &Verifier, texts, seq, code, message: String| {
        report(v, texts, Some(LogProblem { seq, code, message }))
    };
    for item in ledger.stored_events(1) {
        let (event, record) = match item {
            Ok(e) => e,
            Err(LedgerError::CorruptEvent { seq, source }) => {
                let r = fail(
                    &v,
                    texts,
                    seq,
                    "corrupt-event",
                    format!("event seq {seq} does not decode: {source}"),
                );
                return finish(&v, &counts, seq.saturating_sub(1), r);
            }
            Err(LedgerError::Inconsistent { seq, problem }) => {
                let r = fail(
                    &v,
                    texts,
                    seq,
                    "corrupt-event",
                    format!("event seq {seq}: {problem}"),
                );
                return finish(&v, &counts, seq.saturating_sub(1), r);
            }
            Err(LedgerError::Store(crate::store::StoreError::Corrupt(m))) => {
                let seq = v.head().0 + 1;
                let r = fail(&v, texts, seq, "corrupt-event", m);
                return finish(&v, &counts, seq - 1, r);
            }
            Err(e) => return Err(e),
        };
        let seq = event.seq;
        match v.check_stored(&event, Some(&record)) {
            Ok(()) => {}
            Err(CheckError::Problem(p)) => {
                let r = report(&v, texts, Some(p));
                return finish(&v, &counts, seq.saturating_sub(1), r);
            }
            Err(CheckError::Ledger(e)) => return Err(e),
        }
        counts.push((texts, v.signed_events));
        // A source's registered text, or a new version's.
        if let Some((id, t)) = event.body.archived_text() {
            let problem = match ledger.text(&t.hash) {
                Ok(Some(text)) if text.len() as u64 == t.len => None,
                Ok(Some(_)) => Some((
                    "text-mismatch",
                    format!("archived text of source '{id}' has the wrong length"),
                )),
                Ok(None) => Some((
                    "missing-text",
                    format!("archived text {} of source '{id}' is missing", hex(&t.hash)),
                )),
                Err(e) => Some(("text-mismatch", format!("source '{id}': {e}"))),
            };
            match problem {
                None => texts += 1,
                Some((code, message)) => {
                    let r = fail(&v, texts, seq, code, message);
                    return finish(&v, &counts, seq, r);
                }
            }
        }
        progress(seq);
    }
    let (count, last) = v.head();
    if count != head.seq || last != head.hash {
        let r = fail(
            &v,
            texts,
            head.seq,
            "head-mismatch",
            format!(
                "the log ends at seq {count} with hash {} but the head records seq {} with hash {}",
                hex(&last),
                head.seq,
                hex(&head.hash)
            ),
        );
        return finish(&v, &counts, u64::MAX, r);
    }
    let r = report(&v, texts, None);
    finish(&v, &counts, u64::MAX, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::event::{Claim, Retraction};
    use crate::model::value::Value;

    fn claim(id: &str) -> EventBody {
        EventBody::ClaimAsserted(Claim {
            id: id.into(),
            source: "s".into(),
            subject: "x".into(),
            predicate: "p".into(),
            value: Value::Text(id.into()),
            supersedes: None,
            note: None,
            claimant: None,
            excerpt: None,
        })
    }

    fn retract(target: &str) -> EventBody {
        EventBody::Retracted(Retraction {
            target: target.into(),
            reason: "r".into(),
        })
    }

    /// Runs a verifier over bodies chained in order; the first problem.
    fn first_problem(bodies: Vec<EventBody>) -> Option<LogProblem> {
        let mut v = Verifier::new();
        let mut prev = ZERO_HASH;
        for (i, body) in bodies.into_iter().enumerate() {
            let e = Event::new(i as u64 + 1, 0, "a".into(), prev, body);
            prev = e.hash;
            match v.check(&e) {
                Ok(()) => {}
                Err(CheckError::Problem(p)) => return Some(p),
                Err(e) => panic!("{e}"),
            }
        }
        None
    }

    #[test]
    fn a_repeated_id_or_retraction_is_a_duplicate_id_at_the_second_event() {
        assert_eq!(
            first_problem(vec![claim("a"), claim("b"), retract("a")]),
            None
        );
        let p = first_problem(vec![claim("a"), claim("b"), claim("a")]).unwrap();
        assert_eq!((p.seq, p.code), (3, "duplicate-id"));
        assert!(
            p.message.starts_with("id 'a' at seq 3 repeats seq 1"),
            "{}",
            p.message
        );
        let p = first_problem(vec![claim("a"), retract("a"), retract("a")]).unwrap();
        assert_eq!((p.seq, p.code), (3, "duplicate-id"));
        assert!(p
            .message
            .starts_with("the retraction of 'a' at seq 3 repeats seq 2"));
    }
}
