//! The ledger: an append-only log of hashed events over the [`store`](crate::store).
//!
//! This layer turns stored bytes into events (always with a size-limited decode that names the
//! seq on failure), chains new events onto the head, and looks claims and sources up by id.
//! Deciding whether an event is acceptable happens before, in [`import`](crate::import).

use crate::error::{LedgerError, Result};
use crate::event::{Event, EventBody, Hash};
use crate::store::{AppendBatch, Head, Store};
use std::path::Path;
use std::time::Duration;

/// Who records an append, and when.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// Author name.
    pub author: String,
    /// Microseconds since the Unix epoch, UTC.
    pub recorded_at: i64,
}

/// An event body to append, with the archived text a source brings.
#[derive(Debug, Clone)]
pub struct Draft {
    /// What happened.
    pub body: EventBody,
    /// Archived text (for `SourceRegistered` with a text); its hash is already in the body.
    pub text: Option<String>,
}

/// Index key under which a retraction of `target` is found. Ids cannot contain NUL, so these
/// keys never collide with an id.
pub fn retraction_key(target: &str) -> Vec<u8> {
    let mut k = b"\0retracted\0".to_vec();
    k.extend_from_slice(target.as_bytes());
    k
}

/// Index key under which a correction of `old` is found.
pub fn supersession_key(old: &str) -> Vec<u8> {
    let mut k = b"\0superseded\0".to_vec();
    k.extend_from_slice(old.as_bytes());
    k
}

/// Index keys an event is found under.
pub fn index_keys(body: &EventBody) -> Vec<Vec<u8>> {
    match body {
        EventBody::SourceRegistered(s) => vec![s.id.as_bytes().to_vec()],
        EventBody::ClaimAsserted(c) => {
            let mut keys = vec![c.id.as_bytes().to_vec()];
            if let Some(old) = &c.supersedes {
                keys.push(supersession_key(old));
            }
            keys
        }
        EventBody::Retracted(r) => vec![retraction_key(&r.target)],
    }
}

/// An open ledger.
pub struct Ledger {
    store: Store,
}

impl Ledger {
    /// Creates a new empty ledger in `dir`.
    pub fn init(dir: &Path) -> Result<Ledger> {
        Ok(Ledger {
            store: Store::create(dir)?,
        })
    }

    /// Opens the ledger in `dir`, waiting up to `wait` for another process to release it, and
    /// checks that the head event is present and carries the head's hash.
    pub fn open(dir: &Path, wait: Option<Duration>) -> Result<Ledger> {
        let ledger = Ledger {
            store: Store::open(dir, wait)?,
        };
        let head = ledger.head();
        if head.seq > 0 {
            let event = ledger
                .event(head.seq)?
                .ok_or_else(|| LedgerError::Inconsistent {
                    seq: head.seq,
                    problem: "the head event is missing from the store".into(),
                })?;
            if event.hash != head.hash {
                return Err(LedgerError::Inconsistent {
                    seq: head.seq,
                    problem: "the head event's hash differs from the recorded head".into(),
                });
            }
        }
        Ok(ledger)
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// The last event's seq and hash.
    pub fn head(&self) -> Head {
        self.store.head()
    }

    /// The event at `seq`.
    pub fn event(&self, seq: u64) -> Result<Option<Event>> {
        match self.store.record(seq)? {
            Some(bytes) => decode_at(seq, &bytes).map(Some),
            None => Ok(None),
        }
    }

    fn event_by_key(&self, key: &[u8]) -> Result<Option<Event>> {
        match self.store.seq_of(key)? {
            Some(seq) => Ok(self
                .event(seq)?
                .filter(|e| index_keys(&e.body).iter().any(|k| k == key))),
            None => Ok(None),
        }
    }

    /// The event that introduced claim or source `id`.
    pub fn find(&self, id: &str) -> Result<Option<Event>> {
        self.event_by_key(id.as_bytes())
    }

    /// The event that retracted `target`, if any.
    pub fn retraction_of(&self, target: &str) -> Result<Option<Event>> {
        self.event_by_key(&retraction_key(target))
    }

    /// The claim that superseded `old`, if any.
    pub fn correction_of(&self, old: &str) -> Result<Option<Event>> {
        self.event_by_key(&supersession_key(old))
    }

    /// Events from `from` to the head, in order, each decoded with the size limit.
    pub fn events(&self, from: u64) -> impl Iterator<Item = Result<Event>> + '_ {
        self.store.records(from).map(|r| {
            let (seq, bytes) = r?;
            decode_at(seq, &bytes)
        })
    }

    /// An archived text by hash, checked against the hash.
    pub fn text(&self, hash: &Hash) -> Result<Option<String>> {
        let hex = crate::event::hex(hash);
        match self.store.text(hash)? {
            None => Ok(None),
            Some(bytes) => {
                if blake3::hash(&bytes).as_bytes() != hash {
                    return Err(LedgerError::CorruptText {
                        hash: hex,
                        problem: "its content no longer matches its hash".into(),
                    });
                }
                String::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| LedgerError::CorruptText {
                        hash: hex,
                        problem: "it is not UTF-8".into(),
                    })
            }
        }
    }

    /// Keys of every archived text in the store.
    pub fn text_hashes(&self) -> impl Iterator<Item = Result<Vec<u8>>> + '_ {
        self.store
            .text_hashes()
            .map(|r| r.map_err(LedgerError::from))
    }

    /// Appends drafts as new events chained onto the head, all or nothing, and returns them once
    /// they are durable. `recorded_at` never goes backwards: a clock behind the head's time is
    /// raised to it, so the log stays ordered in time for `--as-of`.
    pub fn append(&mut self, drafts: Vec<Draft>, stamp: &Stamp) -> Result<Vec<Event>> {
        let head = self.head();
        let mut recorded_at = stamp.recorded_at;
        if head.seq > 0 {
            if let Some(last) = self.event(head.seq)? {
                recorded_at = recorded_at.max(last.recorded_at);
            }
        }
        let mut prev = head.hash;
        let mut seq = head.seq;
        let mut batch = AppendBatch::default();
        let mut events = Vec::with_capacity(drafts.len());
        for draft in drafts {
            seq += 1;
            let event = Event::new(seq, recorded_at, stamp.author.clone(), prev, draft.body);
            prev = event.hash;
            if let Some(text) = draft.text {
                let hash = *blake3::hash(text.as_bytes()).as_bytes();
                batch.texts.push((hash, text.into_bytes()));
            }
            batch
                .records
                .push((seq, event.to_record(), index_keys(&event.body)));
            events.push(event);
        }
        if events.is_empty() {
            self.store.repair_head_file()?;
            return Ok(events);
        }
        batch.head = Head { seq, hash: prev };
        self.store.append(batch)?;
        Ok(events)
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        Ok(self.store.size_on_disk()?)
    }
}

/// Decodes a stored record, checking that it holds the seq it is stored under.
pub fn decode_at(seq: u64, bytes: &[u8]) -> Result<Event> {
    let event =
        Event::from_record(bytes).map_err(|source| LedgerError::CorruptEvent { seq, source })?;
    if event.seq != seq {
        return Err(LedgerError::Inconsistent {
            seq,
            problem: format!("it is stored at seq {seq} but says seq {}", event.seq),
        });
    }
    Ok(event)
}
