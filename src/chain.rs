//! Verification of the log: every event's hash recomputed, every link checked, every signature
//! and author's authority checked at its point of the log, the last hash compared with the head,
//! every index entry and archived text checked. The same [`Verifier`] checks an exported bundle,
//! where there is no store.

use crate::error::{LedgerError, Result};
use crate::event::{hex, Event, EventBody, Hash, ZERO_HASH};
use crate::ledger::Ledger;
use crate::projection::{self, MemTables};
use crate::signing;

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
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
    pub problem: Option<ChainProblem>,
}

/// The first thing wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainProblem {
    /// The seq of the first bad event (0 when the problem is not tied to one event).
    pub seq: u64,
    /// Short code: `corrupt-event`, `hash-mismatch`, `broken-link`, `bad-signature`,
    /// `unauthorised-author`, `head-mismatch`, `index-mismatch`, `text-mismatch`, `missing-text`,
    /// `projection-drift`.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

/// Checks events one after another: seq, link, hash, signature and authority, folding each into
/// a fresh projection (which is what decides who may sign next).
#[derive(Default)]
pub struct Verifier {
    prev: Hash,
    seq: u64,
    tables: MemTables,
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

    /// Checks the next event; on success folds it in.
    pub fn check(&mut self, event: &Event) -> Result<Result<(), ChainProblem>> {
        self.check_stored(event, None)
    }

    /// As [`Verifier::check`], hashing the stored record the event was decoded from, when given.
    pub fn check_stored(
        &mut self,
        event: &Event,
        record: Option<&[u8]>,
    ) -> Result<Result<(), ChainProblem>> {
        let seq = event.seq;
        let problem = |code, message| Ok(Err(ChainProblem { seq, code, message }));
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
        match signing::check_authority_in(&self.tables, event, self.signed_from.is_some())? {
            Ok(()) => {}
            Err(e @ signing::AuthorityError::BadSignature { .. }) => {
                return problem("bad-signature", e.to_string())
            }
            Err(e) => return problem("unauthorised-author", e.to_string()),
        }
        if event.signature.is_some() {
            self.signed_events += 1;
        }
        if self.signed_from.is_none() && matches!(event.body, EventBody::AuthorAuthorised(_)) {
            self.signed_from = Some(seq);
        }
        projection::apply(&mut self.tables, event)?;
        self.prev = event.hash;
        self.seq = seq;
        Ok(Ok(()))
    }
}

/// Verifies the whole ledger from seq 1 to the head. Stops at the first problem.
pub fn verify_chain(ledger: &Ledger, mut progress: impl FnMut(u64)) -> Result<ChainReport> {
    let head = ledger.head();
    let mut v = Verifier::with_capacity(usize::try_from(head.seq).unwrap_or(0));
    let mut texts = 0u64;
    let report = |v: &Verifier, texts, problem: Option<ChainProblem>| ChainReport {
        events: v.head().0,
        texts,
        signed_from: v.signed_from,
        signed_events: v.signed_events,
        projection_digest: problem.is_none().then(|| v.tables().digest().to_bytes()),
        problem,
    };
    let fail = |v: &Verifier, texts, seq, code, message: String| {
        Ok(report(v, texts, Some(ChainProblem { seq, code, message })))
    };
    for item in ledger.stored_events(1) {
        let (event, record) = match item {
            Ok(e) => e,
            Err(LedgerError::CorruptEvent { seq, source }) => {
                return fail(
                    &v,
                    texts,
                    seq,
                    "corrupt-event",
                    format!("event seq {seq} does not decode: {source}"),
                )
            }
            Err(LedgerError::Inconsistent { seq, problem }) => {
                return fail(
                    &v,
                    texts,
                    seq,
                    "corrupt-event",
                    format!("event seq {seq}: {problem}"),
                )
            }
            Err(LedgerError::Store(crate::store::StoreError::Corrupt(m))) => {
                let seq = v.head().0 + 1;
                return fail(&v, texts, seq, "corrupt-event", m);
            }
            Err(e) => return Err(e),
        };
        let seq = event.seq;
        if let Err(p) = v.check_stored(&event, Some(&record))? {
            return Ok(report(&v, texts, Some(p)));
        }
        if let Some(id) = event.body.id() {
            if ledger.indexed_seq(id)? != Some(seq) {
                return fail(
                    &v,
                    texts,
                    seq,
                    "index-mismatch",
                    format!("the id index does not lead to event seq {seq} for '{id}'"),
                );
            }
        }
        if let EventBody::SourceRegistered(s) = &event.body {
            if let Some(t) = &s.text {
                match ledger.text(&t.hash) {
                    Ok(Some(text)) if text.len() as u64 == t.len => texts += 1,
                    Ok(Some(_)) => {
                        return fail(
                            &v,
                            texts,
                            seq,
                            "text-mismatch",
                            format!("archived text of source '{}' has the wrong length", s.id),
                        )
                    }
                    Ok(None) => {
                        return fail(
                            &v,
                            texts,
                            seq,
                            "missing-text",
                            format!(
                                "archived text {} of source '{}' is missing",
                                hex(&t.hash),
                                s.id
                            ),
                        )
                    }
                    Err(e) => {
                        return fail(
                            &v,
                            texts,
                            seq,
                            "text-mismatch",
                            format!("source '{}': {e}", s.id),
                        )
                    }
                }
            }
        }
        progress(seq);
    }
    let (count, last) = v.head();
    if count != head.seq || last != head.hash {
        return fail(
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
    }
    Ok(report(&v, texts, None))
}
