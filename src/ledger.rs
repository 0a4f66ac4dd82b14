//! The ledger: an append-only log of hashed events over the [`store`].
//!
//! This layer turns stored bytes into events (always with a size-limited decode that names the
//! seq on failure), chains new events onto the head, and looks claims and sources up by id.
//! Deciding whether an event is acceptable happens before, in [`import`](crate::intake::import).

use crate::error::{LedgerError, Result};
use crate::integrity::signing;
use crate::model::event::{Event, EventBody, Hash};
use crate::projection::{self, Digesting, Meta, Overlay, Table, Tables, META_RECORD, REBUILDING};
use crate::store::{
    self, AppendBatch, Backend, Head, KeyWrite, Keyspace, KeyspaceUpdate, Location, StoreError,
    Visit,
};
use std::path::Path;
use std::time::Duration;

/// Who records an append, and when.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// Author name.
    pub author: String,
    /// Microseconds since the Unix epoch, UTC.
    pub recorded_at: i64,
    /// The author's signing key; required once the ledger is signed.
    pub key: Option<ed25519_dalek::SigningKey>,
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
        // Authors, aliases, versions, withdrawals, dismissals, reviews, scales and settings
        // are looked up in the projection, not the id index.
        EventBody::AuthorAuthorised(_)
        | EventBody::AuthorRevoked(_)
        | EventBody::SubjectAliased(_)
        | EventBody::SourceRevised(_)
        | EventBody::SourceWithdrawn(_)
        | EventBody::FlagDismissed(_)
        | EventBody::ClaimReviewed(_)
        | EventBody::ScaleDeclared(_)
        | EventBody::SettingRecorded(_) => Vec::new(),
    }
}

/// Projection writes as the store takes them: each table is a keyspace.
fn keyspace_writes(writes: Vec<(Table, Vec<u8>, Option<Vec<u8>>)>) -> Vec<KeyWrite> {
    writes
        .into_iter()
        .map(|(t, k, v)| (t.keyspace(), k, v))
        .collect()
}

/// How many times an append to a shared store (PostgreSQL) is chained again onto a head that
/// another writer moved, before [`StoreError::HeadMoved`] reaches the caller. Every retry means
/// another writer's append went in, so the chain as a whole always makes progress.
const APPEND_ATTEMPTS: u32 = 64;

/// An open ledger.
pub struct Ledger {
    /// The store below: sled ([`store::Store`]) for a ledger directory, or PostgreSQL.
    store: Box<dyn Backend>,
}

impl Ledger {
    /// Creates a new empty ledger in `dir`.
    pub fn init(dir: &Path) -> Result<Ledger> {
        Ledger::init_at(&Location::Dir(dir.to_path_buf()))
    }

    /// Creates a new empty ledger at `location` (a directory, or a PostgreSQL schema).
    pub fn init_at(location: &Location) -> Result<Ledger> {
        let mut store = store::create(location)?;
        let empty = Meta {
            seq: 0,
            digest: projection::Digest::default(),
        };
        store.update_keyspaces(KeyspaceUpdate {
            after: vec![(META_RECORD, empty.to_bytes())],
            ..KeyspaceUpdate::default()
        })?;
        Ok(Ledger { store })
    }

    /// Opens the ledger in `dir`, waiting up to `wait` for another process to release it, and
    /// checks that the head event is present and carries the head's hash.
    pub fn open(dir: &Path, wait: Option<Duration>) -> Result<Ledger> {
        Ledger::open_at(&Location::Dir(dir.to_path_buf()), wait)
    }

    /// Opens the ledger at `location`, as [`Ledger::open`] does a directory.
    pub fn open_at(location: &Location, wait: Option<Duration>) -> Result<Ledger> {
        let mut ledger = Ledger {
            store: store::open(location, wait)?,
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
        if let Some(lag) = ledger.store.head_lag() {
            let at = ledger.event(lag.seq)?;
            let matches = match &at {
                Some(e) => e.hash == lag.hash,
                None => lag.seq == 0,
            };
            if !matches {
                return Err(StoreError::Corrupt(format!(
                    "the event at seq {} does not have the hash the HEAD file records",
                    lag.seq
                ))
                .into());
            }
        }
        ledger.bring_projection_up_to_date()?;
        Ok(ledger)
    }

    /// The stored projection's meta, if it is in a state this build reads.
    pub fn projection_meta(&self) -> Result<Option<Meta>> {
        Ok(self
            .store
            .owner_record(META_RECORD)?
            .and_then(|b| Meta::from_bytes(&b)))
    }

    /// Catches the stored projection up with the log, or rebuilds it when it is ahead of the log
    /// (a crash part-way through an append), missing, or of another layout version.
    fn bring_projection_up_to_date(&mut self) -> Result<()> {
        // A shared store's head may move while this runs; its writes are refused then
        // (HeadMoved) and the check starts again from the new head.
        let mut attempt = 1;
        loop {
            match self.bring_projection_up_to_date_once() {
                Err(LedgerError::Store(StoreError::HeadMoved { .. }))
                    if attempt < APPEND_ATTEMPTS =>
                {
                    attempt += 1;
                    self.store.refresh()?;
                }
                other => return other,
            }
        }
    }

    fn bring_projection_up_to_date_once(&mut self) -> Result<()> {
        let head = self.head();
        match self.projection_meta()? {
            Some(meta) if meta.seq == head.seq => Ok(()),
            Some(meta) if meta.seq < head.seq => {
                let (writes, digest) = {
                    let stored = StoredTables(&*self.store);
                    let mut overlay = Overlay::new(&stored);
                    let mut dig = Digesting::new(&mut overlay, meta.digest);
                    for e in self.events(meta.seq + 1) {
                        projection::apply(&mut dig, &e?)?;
                    }
                    let digest = dig.digest;
                    (overlay.into_writes(), digest)
                };
                let meta = Meta {
                    seq: head.seq,
                    digest,
                };
                self.store.update_keyspaces(KeyspaceUpdate {
                    writes: keyspace_writes(writes),
                    after: vec![(META_RECORD, meta.to_bytes())],
                    ..KeyspaceUpdate::default()
                })?;
                Ok(())
            }
            // Ahead of the head this process read: another writer appended since (shared
            // store); read the head again.
            Some(meta) if meta.seq > head.seq && self.store.head_is_shared() => {
                Err(StoreError::HeadMoved {
                    chained_on: head.seq,
                    head: meta.seq,
                    attempts: 1,
                }
                .into())
            }
            _ => self.rebuild_projection(),
        }
    }

    /// Reads the head again when other processes write the same store (PostgreSQL), so reads
    /// see their appends; nothing for a ledger directory, which this process holds alone.
    pub fn refresh(&mut self) -> Result<()> {
        Ok(self.store.refresh()?)
    }

    /// Replays the whole log and replaces the stored projection with the result.
    pub fn rebuild_projection(&mut self) -> Result<()> {
        let (tables, seq) = projection::replay(self.events(1), None, |_| {})?;
        let digest = tables.digest();
        let mut writes = Vec::new();
        for table in projection::TABLES {
            tables.scan(table, b"", &mut |k, v| {
                writes.push((table.keyspace(), k.to_vec(), Some(v.to_vec())));
                true
            })?;
        }
        // The marker first: a crash part-way leaves it, and the next open rebuilds again.
        self.store.update_keyspaces(KeyspaceUpdate {
            before: vec![(META_RECORD, REBUILDING.to_vec())],
            clear: projection::TABLES.iter().map(|t| t.keyspace()).collect(),
            writes,
            after: vec![(META_RECORD, Meta { seq, digest }.to_bytes())],
        })?;
        Ok(())
    }

    /// The digest and counts of the projection the log implies up to `to` (default: the head),
    /// without building it: see [`projection::replay_summary`]. Earlier events a retraction or
    /// correction changes are read again from the store.
    pub fn replay_summary(
        &self,
        to: Option<u64>,
        progress: impl FnMut(u64),
    ) -> Result<projection::Summary> {
        let mut reread = |seq: u64| {
            self.event(seq)?.ok_or_else(|| LedgerError::Inconsistent {
                seq,
                problem: "an earlier event is missing from the store".into(),
            })
        };
        projection::replay_summary(self.events(1), to, &mut reread, progress)
    }

    /// The stored projection, for queries.
    pub fn tables(&self) -> StoredTables<'_> {
        StoredTables(&*self.store)
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

    /// The seq the id index gives for `id`, without reading the event (for `verify`, which
    /// checks it against the event it is reading anyway).
    pub fn indexed_seq(&self, id: &str) -> Result<Option<u64>> {
        Ok(self.store.seq_of(id.as_bytes())?)
    }

    /// As [`Ledger::indexed_seq`], for a key given as bytes.
    pub fn indexed_seq_bytes(&self, key: &[u8]) -> Result<Option<u64>> {
        Ok(self.store.seq_of(key)?)
    }

    /// Every id index entry (key, seq), in storage order.
    pub(crate) fn for_each_index_entry(&self, visit: &mut dyn FnMut(&[u8], u64)) -> Result<()> {
        Ok(self.store.index_entries(visit)?)
    }

    /// The event that retracted `target`, if any.
    pub(crate) fn retraction_of(&self, target: &str) -> Result<Option<Event>> {
        self.event_by_key(&retraction_key(target))
    }

    /// The claim that superseded `old`, if any.
    pub(crate) fn correction_of(&self, old: &str) -> Result<Option<Event>> {
        self.event_by_key(&supersession_key(old))
    }

    /// Events from `from` to the head, in order, each decoded with the size limit.
    pub fn events(&self, from: u64) -> impl Iterator<Item = Result<Event>> + '_ {
        self.store.records(from).map(|r| {
            let (seq, bytes) = r?;
            decode_at(seq, &bytes)
        })
    }

    /// As [`Ledger::events`], with the stored record each event was decoded from.
    pub fn stored_events(&self, from: u64) -> impl Iterator<Item = Result<(Event, Vec<u8>)>> + '_ {
        self.store.records(from).map(|r| {
            let (seq, bytes) = r?;
            decode_at(seq, &bytes).map(|e| (e, bytes))
        })
    }

    /// An archived text by hash, checked against the hash.
    pub fn text(&self, hash: &Hash) -> Result<Option<String>> {
        let hex = crate::model::event::hex(hash);
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
        self.append_inner(drafts, stamp, false)
    }

    /// Appends without making the events durable; [`Ledger::sync`] must follow. This exists only
    /// so the crash tests can show that acknowledging before the sync loses events.
    pub(crate) fn append_unsynced(
        &mut self,
        drafts: Vec<Draft>,
        stamp: &Stamp,
    ) -> Result<Vec<Event>> {
        self.append_inner(drafts, stamp, true)
    }

    /// Makes all appended events durable (flush, fsync, head file).
    pub fn sync(&mut self) -> Result<()> {
        Ok(self.store.sync()?)
    }

    /// Chains and commits; on a shared store whose head another writer moved meanwhile, chains
    /// the same drafts again onto the new head (new seqs, links, times and signatures) and
    /// retries, up to [`APPEND_ATTEMPTS`] times. An id another writer recorded meanwhile is
    /// refused by the store ([`StoreError::DuplicateKey`]), not retried.
    fn append_inner(
        &mut self,
        drafts: Vec<Draft>,
        stamp: &Stamp,
        defer: bool,
    ) -> Result<Vec<Event>> {
        self.append_each(drafts.into_iter().map(|d| (d, stamp)), defer)
    }

    /// Appends drafts each with its own stamp (author, time, key) as one all-or-nothing, durable
    /// write: the desk server's group commit, where one write serves several people's requests.
    /// Times never go backwards, within the batch as against the head.
    pub fn append_stamped<'s>(
        &mut self,
        drafts: impl IntoIterator<Item = (Draft, &'s Stamp)>,
    ) -> Result<Vec<Event>> {
        self.append_each(drafts, false)
    }

    /// [`Ledger::append_stamped`] without the sync, for the crash tests' negative control only
    /// (see [`Ledger::append_unsynced`]).
    pub(crate) fn append_stamped_unsynced<'s>(
        &mut self,
        drafts: impl IntoIterator<Item = (Draft, &'s Stamp)>,
    ) -> Result<Vec<Event>> {
        self.append_each(drafts, true)
    }

    /// Chains and commits under the store's append lock; on a shared store whose head another
    /// writer moved meanwhile (the lock makes that rare), chains the same drafts again onto the
    /// new head (new seqs, links, times and signatures) and retries, up to [`APPEND_ATTEMPTS`]
    /// times. An id another writer recorded meanwhile is refused by the store
    /// ([`StoreError::DuplicateKey`]), not retried.
    fn append_each<'s>(
        &mut self,
        drafts: impl IntoIterator<Item = (Draft, &'s Stamp)>,
        defer: bool,
    ) -> Result<Vec<Event>> {
        let drafts: Vec<(Draft, &'s Stamp)> = drafts.into_iter().collect();
        let mut attempt = 1;
        loop {
            let attempt_drafts = drafts.clone();
            match self.under_append_lock(|l| l.chain_and_commit(attempt_drafts, defer)) {
                Err(LedgerError::Store(StoreError::HeadMoved {
                    chained_on, head, ..
                })) => {
                    if attempt >= APPEND_ATTEMPTS {
                        return Err(StoreError::HeadMoved {
                            chained_on,
                            head,
                            attempts: attempt,
                        }
                        .into());
                    }
                    attempt += 1;
                    self.store.refresh()?;
                    backoff(attempt);
                }
                other => return other,
            }
        }
    }

    /// Runs `f` holding the store's append lock (a shared store's head row), so the head it
    /// chains onto cannot move before its append commits; released whatever `f` returns.
    fn under_append_lock<T>(&mut self, f: impl FnOnce(&mut Ledger) -> Result<T>) -> Result<T> {
        self.store.lock_for_append()?;
        let out = f(self);
        self.store.end_append();
        out
    }

    fn chain_and_commit(
        &mut self,
        drafts: Vec<(Draft, &Stamp)>,
        defer: bool,
    ) -> Result<Vec<Event>> {
        let head = self.head();
        let mut floor = i64::MIN;
        if head.seq > 0 {
            if let Some(last) = self.event(head.seq)? {
                floor = last.recorded_at;
            }
        }
        let mut prev = head.hash;
        let mut seq = head.seq;
        let mut texts = Vec::new();
        let mut events = Vec::new();
        for (draft, stamp) in drafts {
            let recorded_at = stamp.recorded_at.max(floor);
            floor = recorded_at;
            let signer = stamp.key.as_ref().map(|k| k.verifying_key().to_bytes());
            seq += 1;
            let mut event = Event::new_signed(
                seq,
                recorded_at,
                stamp.author.clone(),
                prev,
                draft.body,
                signer,
            );
            if let Some(key) = &stamp.key {
                signing::sign(&mut event, key);
            }
            prev = event.hash;
            if let Some(text) = draft.text {
                let hash = *blake3::hash(text.as_bytes()).as_bytes();
                texts.push((hash, text.into_bytes()));
            }
            events.push(event);
        }
        self.commit(events, texts, defer)
    }

    /// Appends events that were made elsewhere (an exported bundle), unchanged: same hashes,
    /// same signatures. They must continue the chain exactly and pass every check `verify` makes.
    pub(crate) fn append_events(
        &mut self,
        events: Vec<Event>,
        texts: Vec<(Hash, Vec<u8>)>,
    ) -> Result<Vec<Event>> {
        self.under_append_lock(|l| l.append_events_locked(events, texts))
    }

    fn append_events_locked(
        &mut self,
        events: Vec<Event>,
        texts: Vec<(Hash, Vec<u8>)>,
    ) -> Result<Vec<Event>> {
        let head = self.head();
        let mut prev = head.hash;
        for (i, e) in events.iter().enumerate() {
            let want = head.seq + 1 + i as u64;
            if e.seq != want || e.prev != prev || e.compute_hash() != e.hash {
                return Err(LedgerError::DoesNotContinue {
                    seq: e.seq,
                    expected: want,
                    prev: crate::model::event::hex(&prev),
                });
            }
            prev = e.hash;
        }
        for (hash, text) in &texts {
            if blake3::hash(text).as_bytes() != hash {
                return Err(LedgerError::TextMismatch {
                    hash: crate::model::event::hex(hash),
                });
            }
        }
        self.commit(events, texts, false)
    }

    /// Checks authority, folds the events into the projection, and writes everything in one
    /// all-or-nothing step.
    fn commit(
        &mut self,
        events: Vec<Event>,
        texts: Vec<(Hash, Vec<u8>)>,
        defer: bool,
    ) -> Result<Vec<Event>> {
        let head = self.head();
        if events.is_empty() {
            self.store.repair_head()?;
            return Ok(events);
        }
        let meta = self.projection_meta()?;
        if let Some(m) = meta.filter(|m| m.seq > head.seq && self.store.head_is_shared()) {
            // Another writer appended after this process read the head.
            return Err(StoreError::HeadMoved {
                chained_on: head.seq,
                head: m.seq,
                attempts: 1,
            }
            .into());
        }
        let meta = meta
            .filter(|m| m.seq == head.seq)
            .ok_or(LedgerError::ProjectionBehind)?;
        // Fold the new events into the projection, in the same write as the events; each event
        // is checked against the state just before it (authors added earlier in the batch count).
        let (writes, digest) = {
            let stored = StoredTables(&*self.store);
            let mut overlay = Overlay::new(&stored);
            let mut dig = Digesting::new(&mut overlay, meta.digest);
            let mut signed = projection::is_signed(&dig)?;
            for e in &events {
                signing::check_authority_in(&dig, e, signed)?;
                projection::apply(&mut dig, e)?;
                signed |= matches!(e.body, EventBody::AuthorAuthorised(_));
            }
            let digest = dig.digest;
            (overlay.into_writes(), digest)
        };
        let last = &events[events.len() - 1];
        let mut batch = AppendBatch {
            texts,
            head: Head {
                seq: last.seq,
                hash: last.hash,
            },
            // The meta ahead of the entries: a crash part-way leaves a meta whose seq is past
            // the head, which means rebuild.
            keyspaces: KeyspaceUpdate {
                before: vec![(
                    META_RECORD,
                    Meta {
                        seq: last.seq,
                        digest,
                    }
                    .to_bytes(),
                )],
                writes: keyspace_writes(writes),
                ..KeyspaceUpdate::default()
            },
            defer_sync: defer,
            ..AppendBatch::default()
        };
        for e in &events {
            batch
                .records
                .push((e.seq, e.to_record(), index_keys(&e.body)));
        }
        self.store.append(batch)?;
        Ok(events)
    }

    /// An entry of a keyspace the ledger keeps beside the log and the projection (the desk
    /// server's users): not part of any event, the projection's digest or an export.
    pub fn side_get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>> {
        check_side(space)?;
        Ok(self.store.get(space, key)?)
    }

    /// Every entry of a side keyspace (see [`Ledger::side_get`]), in storage order.
    pub fn side_entries(&self, space: Keyspace, visit: &mut Visit<'_>) -> Result<()> {
        check_side(space)?;
        Ok(self.store.entries(space, visit)?)
    }

    /// Writes entries of a side keyspace durably (see [`Ledger::side_get`]).
    pub fn side_write(&mut self, writes: Vec<KeyWrite>) -> Result<()> {
        for (space, _, _) in &writes {
            check_side(*space)?;
        }
        Ok(self.store.update_keyspaces(KeyspaceUpdate {
            writes,
            ..KeyspaceUpdate::default()
        })?)
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        Ok(self.store.size_on_disk()?)
    }
}

/// A short, growing, jittered pause before chaining again onto a head another writer moved, so
/// writers that collided do not collide again in lockstep.
fn backoff(attempt: u32) {
    let mut r = [0u8; 2];
    let jitter = match getrandom::getrandom(&mut r) {
        Ok(()) => u64::from(u16::from_le_bytes(r)),
        Err(_) => 0,
    };
    let cap_micros = 500u64 << attempt.min(5);
    std::thread::sleep(Duration::from_micros(jitter % cap_micros));
}

/// A side keyspace must not be one of the projection's tables (their writes go through the fold,
/// so the digest stays the log's).
fn check_side(space: Keyspace) -> Result<()> {
    if projection::TABLES
        .iter()
        .any(|t| t.keyspace().name == space.name)
    {
        return Err(StoreError::Corrupt(format!(
            "keyspace '{}' is a projection table, not a side keyspace",
            space.name
        ))
        .into());
    }
    Ok(())
}

/// Decodes a stored record, checking that it holds the seq it is stored under.
pub(crate) fn decode_at(seq: u64, bytes: &[u8]) -> Result<Event> {
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

/// The projection tables as the store keeps them: each table a keyspace.
pub struct StoredTables<'a>(&'a dyn Backend);

impl Tables for StoredTables<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.0.get(table.keyspace(), key)?)
    }
    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        Ok(self.0.scan(table.keyspace(), prefix, visit)?)
    }
    fn for_each_entry(&self, table: Table, visit: &mut Visit<'_>) -> Result<()> {
        Ok(self.0.entries(table.keyspace(), visit)?)
    }
}

/// The projection at some point of the log: the stored one (now) or a replay (the past).
pub enum View<'a> {
    /// The stored, current projection.
    Stored(StoredTables<'a>),
    /// A projection replayed in memory up to a past seq.
    Replayed(Box<projection::MemTables>),
}

impl Tables for View<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self {
            View::Stored(t) => t.get(table, key),
            View::Replayed(t) => t.get(table, key),
        }
    }
    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        match self {
            View::Stored(t) => t.scan(table, prefix, visit),
            View::Replayed(t) => t.scan(table, prefix, visit),
        }
    }
    fn for_each_entry(&self, table: Table, visit: &mut Visit<'_>) -> Result<()> {
        match self {
            View::Stored(t) => t.for_each_entry(table, visit),
            View::Replayed(t) => t.for_each_entry(table, visit),
        }
    }
}

impl Ledger {
    /// The last seq recorded at or before `micros` (microseconds since the epoch; 0 when nothing
    /// was). Parsing an `--as-of` argument, and refusing a seq past the head, is the caller's
    /// (`desk::AsOf`).
    pub(crate) fn seq_at_time(&self, micros: i64) -> Result<u64> {
        let head = self.head().seq;
        // recorded_at never decreases along the log, so binary search finds the last event at
        // or before the time.
        let (mut lo, mut hi) = (0u64, head);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let e = self.event(mid)?.ok_or_else(|| LedgerError::Inconsistent {
                seq: mid,
                problem: "event missing".into(),
            })?;
            if e.recorded_at <= micros {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Ok(lo)
    }

    /// The projection as of `seq` (the stored one when `seq` is the head).
    pub fn view_at(&self, seq: Option<u64>) -> Result<View<'_>> {
        match seq {
            Some(s) if s < self.head().seq => {
                let (tables, _) = projection::replay(self.events(1), Some(s), |_| {})?;
                Ok(View::Replayed(Box::new(tables)))
            }
            _ => Ok(View::Stored(self.tables())),
        }
    }
}

/// What the projection check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionCheck {
    /// Digest of a fresh replay of the whole log.
    pub replayed: Hash,
    /// Digest recorded with the stored projection.
    pub recorded: Option<Hash>,
    /// Digest of the stored projection's entries as they are now.
    pub stored_entries: Hash,
    /// The seq the stored projection says it reflects.
    pub stored_seq: Option<u64>,
}

impl ProjectionCheck {
    /// A description of the drift, or `None` when all three agree with the log.
    pub fn drift(&self, head_seq: u64) -> Option<String> {
        if self.stored_seq != Some(head_seq) {
            return Some(format!(
                "the stored projection reflects seq {:?}, not the head seq {head_seq}",
                self.stored_seq
            ));
        }
        if self.recorded != Some(self.replayed) {
            return Some("the digest recorded with the stored projection differs from a fresh replay of the log".into());
        }
        if self.stored_entries != self.replayed {
            return Some("the stored projection's entries were changed: they no longer hash to what the log implies".into());
        }
        None
    }
}

impl Ledger {
    /// Replays the whole log and compares it with the stored projection.
    pub fn check_projection(&self, progress: impl FnMut(u64)) -> Result<ProjectionCheck> {
        let (tables, _) = projection::replay(self.events(1), None, progress)?;
        self.compare_projection(tables.digest().to_bytes())
    }

    /// Compares the stored projection with the digest of a fresh replay.
    pub fn compare_projection(&self, replayed: Hash) -> Result<ProjectionCheck> {
        let meta = self.projection_meta()?;
        Ok(ProjectionCheck {
            replayed,
            recorded: meta.map(|m| m.digest.to_bytes()),
            stored_entries: projection::scan_digest(&self.tables())?.to_bytes(),
            stored_seq: meta.map(|m| m.seq),
        })
    }
}
