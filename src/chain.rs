//! Verification of the log: every event's hash recomputed, every link checked, every signature
//! and author's authority checked at its point of the log, the last hash compared with the head,
//! every index entry and archived text checked. The same [`Verifier`] checks an exported bundle,
//! where there is no store.

use crate::error::{LedgerError, Result};
use crate::event::{hex, Event, EventBody, Hash, ZERO_HASH};
use crate::ledger::Ledger;
use crate::projection::{self, MemTables};
use crate::signing;
use std::collections::HashMap;

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

/// An id-bearing event whose index entry must lead back to it, with what the report says if the
/// entry does not (the counts as they stood when the old per-event check would have stopped).
struct IndexCheck {
    key: Box<[u8]>,
    seq: u64,
    texts: u64,
    signed_events: u64,
}

/// The first event (in seq order, up to `bound`) whose id the index does not lead back to, found
/// in one sequential pass over the index instead of one random read per event (a million random
/// reads miss sled's cache, which the scan of the log fills).
fn first_index_mismatch(
    ledger: &Ledger,
    checks: &[IndexCheck],
    bound: u64,
) -> Result<Option<usize>> {
    let mut want: HashMap<&[u8], usize> = HashMap::with_capacity(checks.len());
    let mut repeated = Vec::new();
    for (i, c) in checks
        .iter()
        .enumerate()
        .take_while(|(_, c)| c.seq <= bound)
    {
        if want.insert(&c.key, i).is_some() {
            // Only a damaged log repeats an id; check those the slow way below.
            repeated.push(i);
        }
    }
    let mut first: Option<usize> = None;
    let mut note = |i: usize| first = Some(first.map_or(i, |f| f.min(i)));
    for &i in &repeated {
        if ledger.indexed_seq_bytes(&checks[i].key)? != Some(checks[i].seq) {
            note(i);
        }
    }
    ledger.for_each_index_entry(&mut |key, seq| {
        if let Some(i) = want.remove(key) {
            if seq != checks[i].seq {
                note(i);
            }
        }
    })?;
    // Ids the index does not hold at all.
    for (_, i) in want {
        note(i);
    }
    Ok(first)
}

/// Verifies the whole ledger from seq 1 to the head. Stops at the first problem.
pub fn verify_chain(ledger: &Ledger, mut progress: impl FnMut(u64)) -> Result<ChainReport> {
    let head = ledger.head();
    let mut v = Verifier::with_capacity(usize::try_from(head.seq).unwrap_or(0));
    let mut texts = 0u64;
    let mut checks: Vec<IndexCheck> = Vec::new();
    let report = |v: &Verifier, texts, problem: Option<ChainProblem>| ChainReport {
        events: v.head().0,
        texts,
        signed_from: v.signed_from,
        signed_events: v.signed_events,
        projection_digest: problem.is_none().then(|| v.tables().digest().to_bytes()),
        problem,
    };
    // Before reporting anything found at seq `bound` or later, an index problem at an earlier
    // (or, for `bound` inclusive, the same) seq comes first, as it would have in seq order.
    let finish = |v: &Verifier, checks: &[IndexCheck], bound: u64, found: ChainReport| {
        let Some(i) = first_index_mismatch(ledger, checks, bound)? else {
            return Ok(found);
        };
        let c = &checks[i];
        let id = String::from_utf8_lossy(&c.key);
        Ok(ChainReport {
            events: c.seq,
            texts: c.texts,
            signed_from: v.signed_from.filter(|&s| s <= c.seq),
            signed_events: c.signed_events,
            projection_digest: None,
            problem: Some(ChainProblem {
                seq: c.seq,
                code: "index-mismatch",
                message: format!(
                    "the id index does not lead to event seq {} for '{id}'",
                    c.seq
                ),
            }),
        })
    };
    let fail = |v: &Verifier, texts, seq, code, message: String| {
        report(v, texts, Some(ChainProblem { seq, code, message }))
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
                return finish(&v, &checks, seq.saturating_sub(1), r);
            }
            Err(LedgerError::Inconsistent { seq, problem }) => {
                let r = fail(
                    &v,
                    texts,
                    seq,
                    "corrupt-event",
                    format!("event seq {seq}: {problem}"),
                );
                return finish(&v, &checks, seq.saturating_sub(1), r);
            }
            Err(LedgerError::Store(crate::store::StoreError::Corrupt(m))) => {
                let seq = v.head().0 + 1;
                let r = fail(&v, texts, seq, "corrupt-event", m);
                return finish(&v, &checks, seq - 1, r);
            }
            Err(e) => return Err(e),
        };
        let seq = event.seq;
        if let Err(p) = v.check_stored(&event, Some(&record))? {
            let r = report(&v, texts, Some(p));
            return finish(&v, &checks, seq.saturating_sub(1), r);
        }
        if let Some(id) = event.body.id() {
            checks.push(IndexCheck {
                key: id.as_bytes().into(),
                seq,
                texts,
                signed_events: v.signed_events,
            });
        }
        if let EventBody::SourceRegistered(s) = &event.body {
            if let Some(t) = &s.text {
                let problem = match ledger.text(&t.hash) {
                    Ok(Some(text)) if text.len() as u64 == t.len => None,
                    Ok(Some(_)) => Some((
                        "text-mismatch",
                        format!("archived text of source '{}' has the wrong length", s.id),
                    )),
                    Ok(None) => Some((
                        "missing-text",
                        format!(
                            "archived text {} of source '{}' is missing",
                            hex(&t.hash),
                            s.id
                        ),
                    )),
                    Err(e) => Some(("text-mismatch", format!("source '{}': {e}", s.id))),
                };
                match problem {
                    None => texts += 1,
                    Some((code, message)) => {
                        let r = fail(&v, texts, seq, code, message);
                        return finish(&v, &checks, seq, r);
                    }
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
        return finish(&v, &checks, u64::MAX, r);
    }
    let r = report(&v, texts, None);
    finish(&v, &checks, u64::MAX, r)
}
