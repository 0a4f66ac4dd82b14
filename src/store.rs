//! The only module that touches sled.
//!
//! A ledger directory holds:
//! - `store/` — the sled database (layout version 2), with trees
//!   - `blocks`: events packed [`pack::BLOCK_EVENTS`] to a key (big-endian block number →
//!     the records, each whole), because sled's cost is per key, not per byte;
//!   - `index`: claim and source ids (and the retraction and correction keys) → seq, packed into
//!     [`pack::BUCKETS`] hash buckets;
//!   - `texts` (blake3 hash → archived text), `meta` (layout version, head, projection meta);
//!   - the projection tables, whose entries are packed into groups: by the first component of
//!     the key for tables scanned by prefix (a subject's claims are one value), by hash bucket for
//!     tables looked up by id;
//! - `HEAD` — the head (seq, hash) kept again outside sled, replaced atomically after every append,
//!   because sled's recovery silently drops a damaged tail: a store that ends before `HEAD` has
//!   lost events and is refused;
//! - `LOCK` — held (flock) by whichever process has the ledger open, so a second process gets a
//!   clear "in use" error instead of sled's retry loop.
//!
//! An append writes the blocks, index and texts, then the head, in that order in sled's single
//! log; recovery keeps a prefix of that log, so a head that survived a crash always has its
//! events. Records above the head (left by a crash before the head was written) are invisible:
//! reads stop at the head and the next append drops them from the block and index it rewrites.
//!
//! A store of layout version 1 (one sled key per event and per index entry, factledger before
//! this layout) is converted in place when it is opened; see [`Store::open`].

use crate::event::Hash;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub mod pack;
pub use pack::BLOCK_EVENTS;

/// Name of the sled directory inside a ledger directory.
pub const STORE_DIR: &str = "store";
/// Name of the external head file.
pub const HEAD_FILE: &str = "HEAD";
/// Name of the lock file.
pub const LOCK_FILE: &str = "LOCK";
/// First line of the head file; names its format.
const HEAD_MAGIC: &str = "factledger-head v1";
/// Bytes of packed values per sled batch in a large append (sled holds a batch's node versions
/// until it ends).
const WRITE_CHUNK_BYTES: usize = 32 << 20;
/// sled page cache size.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// Store layout version kept in the `meta` tree.
pub const STORE_VERSION: u8 = 2;

/// The last event of the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Head {
    /// Seq of the last event; 0 for an empty ledger.
    pub seq: u64,
    /// Its hash; zero for an empty ledger.
    pub hash: Hash,
}

impl Head {
    /// The head of an empty ledger.
    pub const EMPTY: Head = Head {
        seq: 0,
        hash: [0; 32],
    };

    fn to_bytes(self) -> [u8; 40] {
        let mut out = [0u8; 40];
        out[..8].copy_from_slice(&self.seq.to_be_bytes());
        out[8..].copy_from_slice(&self.hash);
        out
    }

    fn from_bytes(b: &[u8]) -> Option<Head> {
        if b.len() != 40 {
            return None;
        }
        let seq = u64::from_be_bytes(b[..8].try_into().ok()?);
        let hash: Hash = b[8..].try_into().ok()?;
        Some(Head { seq, hash })
    }
}

/// What can go wrong below the ledger.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No ledger at that path.
    #[error("no ledger at {}", .0.display())]
    Missing(PathBuf),
    /// `init` on a path that already holds something.
    #[error("{} already exists; refusing to create a ledger over it", .0.display())]
    AlreadyExists(PathBuf),
    /// Another process holds the lock.
    #[error("ledger is in use by another process ({})", .0.display())]
    InUse(PathBuf),
    /// A file operation failed.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What we were doing.
        action: &'static str,
        /// On which file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// sled reported an error.
    #[error("store error in {}: {message}", .path.display())]
    Sled {
        /// The store directory.
        path: PathBuf,
        /// sled's message.
        message: String,
    },
    /// The store is shorter than the head recorded outside it.
    #[error("the store lost events: it ends at seq {store_seq} but the ledger's HEAD file records seq {head_seq}. Restore the ledger directory from a backup, or create a new ledger and import an exported bundle")]
    LostEvents {
        /// Where the store ends.
        store_seq: u64,
        /// Where it should end.
        head_seq: u64,
    },
    /// The store or head file is damaged in a way we can name.
    #[error("the ledger is damaged: {0}")]
    Corrupt(String),
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// An open ledger store, exclusively locked by this process.
pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    blocks: sled::Tree,
    index: sled::Tree,
    texts: sled::Tree,
    meta: sled::Tree,
    projection: Vec<(&'static str, Grouping, sled::Tree)>,
    head: Head,
    /// Set when the sled head is ahead of `HEAD` (a crash between sled's flush and the head
    /// file's rename): the next append rewrites the file.
    head_file_behind: bool,
    /// The head the HEAD file recorded when it was found behind the store at open.
    head_file_lag: Option<Head>,
    /// Set when this open converted a layout-1 store; the projection must be rebuilt.
    migrated: bool,
    _lock: File,
}

/// Events and texts to append in one all-or-nothing step.
#[derive(Debug, Default)]
pub struct AppendBatch {
    /// (seq, encoded record, index keys that should point at this seq).
    pub records: Vec<(u64, Vec<u8>, Vec<Vec<u8>>)>,
    /// Archived texts by hash.
    pub texts: Vec<(Hash, Vec<u8>)>,
    /// The head after these records.
    pub head: Head,
    /// Projection meta record, written before the projection entries so that a crash part-way
    /// leaves a meta whose seq is past the head (which means: rebuild).
    pub projection_meta: Option<Vec<u8>>,
    /// Projection entries: (table, key, value or `None` to delete).
    pub projection: Vec<ProjectionWrite>,
    /// Leave the append in memory until [`Store::sync`]. Only for the fault-injection test that
    /// shows the crash harness notices acknowledgements made before the data is on disk.
    pub defer_sync: bool,
}

/// One write to a projection table.
pub type ProjectionWrite = (&'static str, Vec<u8>, Option<Vec<u8>>);

/// How a projection table's entries are packed into sled values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grouping {
    /// One value per first key component (up to and including the first NUL): a prefix scan
    /// for `subject\0` reads one value, and scans come out in key order.
    FirstPart,
    /// One value per hash bucket of the whole key: for tables read by id.
    Hashed,
}

/// The projection's tables and how each is packed. The projection module gives them meaning;
/// the store only keeps them.
const PROJECTION_TABLES: &[(&str, Grouping)] = &[
    ("p_claims", Grouping::Hashed),
    ("p_sources", Grouping::Hashed),
    ("p_subjects", Grouping::FirstPart),
    ("p_source_claims", Grouping::FirstPart),
    ("p_cited_by", Grouping::FirstPart),
    ("p_authors", Grouping::Hashed),
];

/// Names of the projection's tables.
pub fn projection_tables() -> impl Iterator<Item = &'static str> {
    PROJECTION_TABLES.iter().map(|(n, _)| *n)
}

/// Where a logical key lives: the sled key of its group and the key within the group.
fn locate(grouping: Grouping, key: &[u8]) -> (Vec<u8>, &[u8]) {
    match grouping {
        Grouping::FirstPart => {
            let cut = key
                .iter()
                .position(|&b| b == 0)
                .map_or(key.len(), |i| i + 1);
            (key[..cut].to_vec(), &key[cut..])
        }
        Grouping::Hashed => (pack::bucket(key).to_vec(), key),
    }
}

/// Groups rewritten by one write: (group key → entry key → value, `None` to delete).
type GroupWrites = BTreeMap<Vec<u8>, BTreeMap<Vec<u8>, Option<Vec<u8>>>>;

impl Store {
    /// Creates a new, empty ledger at `dir` (which must not exist or be an empty directory).
    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        if dir.exists() {
            let empty = dir.is_dir()
                && fs::read_dir(dir)
                    .map_err(io_err("read", dir))?
                    .next()
                    .is_none();
            if !empty {
                return Err(StoreError::AlreadyExists(dir.to_path_buf()));
            }
        }
        fs::create_dir_all(dir).map_err(io_err("create directory", dir))?;
        let lock = lock(dir, None)?;
        let db = open_sled(&dir.join(STORE_DIR))?;
        let mut store = Store::from_db(dir, db, lock)?;
        store
            .meta
            .insert("store_version", &[STORE_VERSION])
            .map_err(|e| store.sled_err(e))?;
        store
            .meta
            .insert("head", &Head::EMPTY.to_bytes()[..])
            .map_err(|e| store.sled_err(e))?;
        store.record_layout_parameters()?;
        store.make_durable()?;
        write_head_file(dir, Head::EMPTY)?;
        store.head = Head::EMPTY;
        Ok(store)
    }

    /// Opens an existing ledger. `wait` is how long to wait for another process to let go.
    ///
    /// A layout-1 store is converted to layout 2 first (events into blocks, the index into
    /// buckets, the projection dropped to be rebuilt by the ledger). The conversion writes the
    /// new trees beside the old ones and switches the version only once they are durable, so a
    /// crash part-way leaves the old layout intact and the next open starts again.
    pub fn open(dir: &Path, wait: Option<Duration>) -> Result<Store, StoreError> {
        if !dir.join(STORE_DIR).is_dir() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        let lock = lock(dir, wait)?;
        let file_head = read_head_file(dir)?;
        let db = open_sled(&dir.join(STORE_DIR))?;
        let mut store = Store::from_db(dir, db, lock)?;
        let version = store
            .meta
            .get("store_version")
            .map_err(|e| store.sled_err(e))?;
        match version.as_deref() {
            Some([STORE_VERSION]) => {}
            Some([1]) => {}
            Some(v) => {
                return Err(StoreError::Corrupt(format!(
                    "store layout version {v:?} is not one this build reads (1 or {STORE_VERSION})"
                )))
            }
            None if file_head.seq > 0 => {
                return Err(StoreError::LostEvents {
                    store_seq: 0,
                    head_seq: file_head.seq,
                })
            }
            None => {
                return Err(StoreError::Corrupt(
                    "the store has no metadata; it was never completely created (remove the directory and run init again)".into(),
                ))
            }
        }
        let sled_head = match store.meta.get("head").map_err(|e| store.sled_err(e))? {
            Some(b) => Head::from_bytes(&b).ok_or_else(|| {
                StoreError::Corrupt("the store's head record is malformed".into())
            })?,
            None => Head::EMPTY,
        };
        if sled_head.seq < file_head.seq {
            return Err(StoreError::LostEvents {
                store_seq: sled_head.seq,
                head_seq: file_head.seq,
            });
        }
        if sled_head.seq == file_head.seq && sled_head.hash != file_head.hash {
            return Err(StoreError::Corrupt(format!(
                "the store's head at seq {} has a different hash from the HEAD file: the store was replaced or altered",
                sled_head.seq
            )));
        }
        if sled_head.seq > file_head.seq {
            // A crash after sled's flush but before the head file was replaced: fine only if the
            // store extends what HEAD recorded, which the ledger checks (it knows the records).
            store.head_file_lag = Some(file_head);
            store.head_file_behind = true;
        }
        store.head = sled_head;
        if version.as_deref() == Some(&[1]) {
            store.migrate_from_layout_1()?;
        }
        store.check_layout_parameter(
            "block_events",
            &pack::BLOCK_EVENTS.to_be_bytes(),
            "events per block",
        )?;
        store.check_layout_parameter("buckets", &pack::BUCKETS.to_be_bytes(), "id hash buckets")?;
        Ok(store)
    }

    fn from_db(dir: &Path, db: sled::Db, lock: File) -> Result<Store, StoreError> {
        let tree = |name: &str| {
            db.open_tree(name)
                .map_err(|e| from_sled(&dir.join(STORE_DIR), e))
        };
        let mut projection = Vec::new();
        for (name, grouping) in PROJECTION_TABLES {
            projection.push((*name, *grouping, tree(name)?));
        }
        Ok(Store {
            projection,
            blocks: tree("blocks")?,
            index: tree("index")?,
            texts: tree("texts")?,
            meta: tree("meta")?,
            dir: dir.to_path_buf(),
            db,
            head: Head::EMPTY,
            head_file_behind: false,
            head_file_lag: None,
            migrated: false,
            _lock: lock,
        })
    }

    /// Converts a layout-1 store (trees `events`: seq → record and `ids`: key → seq) to this
    /// layout. The projection is cleared and its meta removed, so the ledger rebuilds it.
    fn migrate_from_layout_1(&mut self) -> Result<(), StoreError> {
        let events = self.db.open_tree("events").map_err(|e| self.sled_err(e))?;
        let ids = self.db.open_tree("ids").map_err(|e| self.sled_err(e))?;
        // Leftovers of an interrupted conversion.
        self.blocks.clear().map_err(|e| self.sled_err(e))?;
        self.index.clear().map_err(|e| self.sled_err(e))?;
        let head = self.head.seq;
        let mut records = Vec::new();
        for item in events.range(1u64.to_be_bytes()..=head.to_be_bytes()) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let seq = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
            if seq != records.len() as u64 + 1 {
                return Err(StoreError::Corrupt(format!(
                    "event seq {} is missing from the store",
                    records.len() + 1
                )));
            }
            records.push(v.to_vec());
        }
        if (records.len() as u64) < head {
            return Err(StoreError::Corrupt(format!(
                "event seq {} is missing from the store",
                records.len() + 1
            )));
        }
        self.write_blocks(0, 1, records.iter().map(|r| r.as_slice()))?;
        let mut entries = Vec::new();
        for item in ids.iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match <[u8; 8]>::try_from(v.as_ref()) {
                Ok(b) if u64::from_be_bytes(b) <= head => {
                    entries.push((k.to_vec(), u64::from_be_bytes(b)))
                }
                Ok(_) => {}
                Err(_) => {
                    return Err(StoreError::Corrupt(format!(
                        "the index entry for '{}' is malformed",
                        String::from_utf8_lossy(&k)
                    )))
                }
            }
        }
        self.write_index(0, entries)?;
        for (_, _, t) in &self.projection {
            t.clear().map_err(|e| self.sled_err(e))?;
        }
        self.meta
            .remove("projection")
            .map_err(|e| self.sled_err(e))?;
        self.record_layout_parameters()?;
        self.make_durable()?;
        self.meta
            .insert("store_version", &[STORE_VERSION])
            .map_err(|e| self.sled_err(e))?;
        self.make_durable()?;
        drop((events, ids));
        for old in ["events", "ids"] {
            self.db.drop_tree(old).map_err(|e| self.sled_err(e))?;
        }
        self.make_durable()?;
        self.migrated = true;
        Ok(())
    }

    /// Records the layout parameters (events per block, hash buckets), checked at every open.
    fn record_layout_parameters(&self) -> Result<(), StoreError> {
        for (name, value) in [
            ("block_events", &pack::BLOCK_EVENTS.to_be_bytes()[..]),
            ("buckets", &pack::BUCKETS.to_be_bytes()[..]),
        ] {
            self.meta
                .insert(name, value)
                .map_err(|e| self.sled_err(e))?;
        }
        Ok(())
    }

    /// Refuses a store whose recorded layout parameter `name` (a big-endian integer) is not
    /// `expected`: its blocks or buckets would be read at the wrong places.
    fn check_layout_parameter(
        &self,
        name: &str,
        expected: &[u8],
        what: &str,
    ) -> Result<(), StoreError> {
        let number = |b: &[u8]| b.iter().fold(0u128, |n, &d| n << 8 | u128::from(d));
        match self.meta.get(name).map_err(|e| self.sled_err(e))? {
            Some(b) if b.as_ref() == expected => Ok(()),
            Some(b) if b.len() <= 16 => Err(StoreError::Corrupt(format!(
                "the store was written with {} {what}; this build uses {}",
                number(&b),
                number(expected)
            ))),
            _ => Err(StoreError::Corrupt(format!(
                "the store does not record its {what} (this build uses {})",
                number(expected)
            ))),
        }
    }

    /// Whether this open converted the store from layout 1 (the ledger then rebuilds the
    /// projection, which the conversion dropped).
    pub fn migrated(&self) -> bool {
        self.migrated
    }

    fn sled_err(&self, e: sled::Error) -> StoreError {
        from_sled(&self.dir.join(STORE_DIR), e)
    }

    fn damaged(what: String) -> StoreError {
        StoreError::Corrupt(what)
    }

    /// The ledger directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The current head.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The stored record at `seq`, if `seq` is within the head.
    pub fn record(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        if seq == 0 || seq > self.head.seq {
            return Ok(None);
        }
        let (block, i) = pack::block_of(seq);
        let Some(b) = self
            .blocks
            .get(block.to_be_bytes())
            .map_err(|e| self.sled_err(e))?
        else {
            return Ok(None);
        };
        pack::block_record(&b, i)
            .map(|r| r.map(<[u8]>::to_vec))
            .map_err(|m| Self::damaged(format!("event block {block}: {m}")))
    }

    /// The seq an index key points at (an id, or a key the ledger derives). Callers check the
    /// event really matches (an index entry can outlive a crashed append's orphan record).
    pub fn seq_of(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        let Some(b) = self
            .index
            .get(pack::bucket(key))
            .map_err(|e| self.sled_err(e))?
        else {
            return Ok(None);
        };
        let malformed = || {
            Self::damaged(format!(
                "the index entry for '{}' is malformed",
                String::from_utf8_lossy(key)
            ))
        };
        match pack::group_get(&b, key).map_err(|_| malformed())? {
            Some(v) => {
                let seq = u64::from_be_bytes(v.try_into().map_err(|_| malformed())?);
                Ok((seq >= 1 && seq <= self.head.seq).then_some(seq))
            }
            None => Ok(None),
        }
    }

    /// Every index entry (key, seq) in storage order; a malformed entry is an error.
    pub fn index_entries(&self, visit: &mut dyn FnMut(&[u8], u64)) -> Result<(), StoreError> {
        for item in self.index.iter() {
            let (gkey, b) = item.map_err(|e| self.sled_err(e))?;
            let mut bad = None;
            pack::walk_group(&b, &mut |k, v| match <[u8; 8]>::try_from(v) {
                Ok(s) => {
                    visit(k, u64::from_be_bytes(s));
                    true
                }
                Err(_) => {
                    bad = Some(String::from_utf8_lossy(k).into_owned());
                    false
                }
            })
            .map_err(|m| Self::group_damaged("the id index", &gkey, m))?;
            if let Some(k) = bad {
                return Err(Self::damaged(format!(
                    "the index entry for '{k}' is malformed"
                )));
            }
        }
        Ok(())
    }

    /// Stored records from `from` up to the head, in order.
    pub fn records(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + '_ {
        let start = from.max(1);
        let end = self.head.seq;
        let mut expected = start;
        let mut iter = self.blocks.range(pack::block_of(start).0.to_be_bytes()..);
        type Item = Result<(u64, Vec<u8>), StoreError>;
        let mut pending: std::collections::VecDeque<Item> = Default::default();
        let mut done = start > end;
        let missing =
            |seq: u64| Self::damaged(format!("event seq {seq} is missing from the store"));
        let most = (end + 1).saturating_sub(start) as usize;
        let records = std::iter::from_fn(move || loop {
            if let Some(item) = pending.pop_front() {
                return Some(item);
            }
            if done || expected > end {
                return None;
            }
            match iter.next() {
                Some(Ok((k, v))) => {
                    let block = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
                    if pack::first_seq(block) > expected {
                        done = true;
                        return Some(Err(missing(expected)));
                    }
                    let records = match pack::block_records(&v) {
                        Ok(r) => r,
                        Err(m) => {
                            done = true;
                            return Some(Err(Self::damaged(format!("event block {block}: {m}"))));
                        }
                    };
                    for (i, r) in records.iter().enumerate() {
                        let seq = pack::first_seq(block) + i as u64;
                        if seq >= expected && seq <= end {
                            pending.push_back(Ok((seq, r.to_vec())));
                            expected = seq + 1;
                        }
                    }
                    let block_end = pack::first_seq(block + 1) - 1;
                    if expected <= end.min(block_end) {
                        // The block ends early: its good records first, then the gap.
                        done = true;
                        pending.push_back(Err(missing(expected)));
                    }
                }
                Some(Err(e)) => {
                    done = true;
                    return Some(Err(self.sled_err(e)));
                }
                None => {
                    done = true;
                    return Some(Err(missing(expected)));
                }
            }
        });
        AtMost {
            inner: records,
            most,
        }
    }

    /// An archived text by its hash.
    pub fn text(&self, hash: &Hash) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .texts
            .get(hash)
            .map_err(|e| self.sled_err(e))?
            .map(|v| v.to_vec()))
    }

    /// Hashes of all archived texts, for verification.
    pub fn text_hashes(&self) -> impl Iterator<Item = Result<Vec<u8>, StoreError>> + '_ {
        self.texts
            .iter()
            .keys()
            .map(|k| k.map(|k| k.to_vec()).map_err(|e| self.sled_err(e)))
    }

    /// Appends records, all or nothing, and returns only once they are on disk: sled flush, fsync
    /// of every store file and directory, then the head file replaced atomically.
    pub fn append(&mut self, batch: AppendBatch) -> Result<(), StoreError> {
        let old_head = self.head.seq;
        if let Some((first, _, _)) = batch.records.first() {
            if *first != old_head + 1 {
                return Err(Self::damaged(format!(
                    "an append must start at seq {}, not {first}",
                    old_head + 1
                )));
            }
            self.write_blocks(
                old_head,
                *first,
                batch.records.iter().map(|(_, r, _)| r.as_slice()),
            )?;
        }
        let entries = batch
            .records
            .iter()
            .flat_map(|(seq, _, keys)| keys.iter().map(move |k| (k.clone(), *seq)))
            .collect();
        self.write_index(old_head, entries)?;
        for (hash, text) in &batch.texts {
            self.texts
                .insert(&hash[..], text.as_slice())
                .map_err(|e| self.sled_err(e))?;
        }
        self.write_projection_unsynced(batch.projection_meta, batch.projection)?;
        self.meta
            .insert("head", &batch.head.to_bytes()[..])
            .map_err(|e| self.sled_err(e))?;
        self.head = batch.head;
        if batch.defer_sync {
            self.head_file_behind = true;
            return Ok(());
        }
        self.sync()
    }

    /// Writes records starting at seq `first` into blocks, keeping the records of the first
    /// block up to `old_head` (anything above it is a crashed append's leftover).
    fn write_blocks<'a>(
        &self,
        old_head: u64,
        first: u64,
        records: impl Iterator<Item = &'a [u8]>,
    ) -> Result<(), StoreError> {
        let (mut block, at) = pack::block_of(first);
        let mut current: Vec<Vec<u8>> = Vec::with_capacity(pack::BLOCK_EVENTS as usize);
        if at > 0 {
            let key = block.to_be_bytes();
            let existing = self.blocks.get(key).map_err(|e| self.sled_err(e))?;
            let kept = match &existing {
                Some(b) => pack::block_records(b)
                    .map_err(|m| Self::damaged(format!("event block {block}: {m}")))?,
                None => Vec::new(),
            };
            let keep = (old_head.min(first - 1) + 1 - pack::first_seq(block)) as usize;
            if kept.len() < keep {
                return Err(Self::damaged(format!(
                    "event seq {} is missing from the store",
                    pack::first_seq(block) + kept.len() as u64
                )));
            }
            current.extend(kept[..keep].iter().map(|r| r.to_vec()));
        }
        let mut out = Batcher::new(self, &self.blocks);
        for r in records {
            current.push(r.to_vec());
            if current.len() as u64 == pack::BLOCK_EVENTS {
                out.put(
                    block.to_be_bytes().to_vec(),
                    Some(pack::encode_block(current.iter().map(|r| r.as_slice()))),
                )?;
                current.clear();
                block += 1;
            }
        }
        if !current.is_empty() {
            out.put(
                block.to_be_bytes().to_vec(),
                Some(pack::encode_block(current.iter().map(|r| r.as_slice()))),
            )?;
        }
        out.finish()
    }

    /// Adds index entries (key → seq), rewriting each bucket touched once; entries pointing
    /// above `old_head` are a crashed append's leftovers and are dropped from those buckets.
    fn write_index(&self, old_head: u64, entries: Vec<(Vec<u8>, u64)>) -> Result<(), StoreError> {
        let mut groups: GroupWrites = BTreeMap::new();
        for (key, seq) in entries {
            groups
                .entry(pack::bucket(&key).to_vec())
                .or_default()
                .insert(key, Some(seq.to_be_bytes().to_vec()));
        }
        let stale = move |_: &[u8], v: &[u8]| {
            <[u8; 8]>::try_from(v).map_or(true, |b| u64::from_be_bytes(b) > old_head)
        };
        self.write_groups(&self.index, "the id index", groups, &stale)
    }

    /// Merges writes into their groups and writes each group back once, in sled batches of
    /// bounded size. `stale` names existing entries to drop while a group is rewritten.
    fn write_groups(
        &self,
        tree: &sled::Tree,
        what: &str,
        groups: GroupWrites,
        stale: &dyn Fn(&[u8], &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        let mut out = Batcher::new(self, tree);
        for (gkey, writes) in groups {
            let existing = tree.get(&gkey).map_err(|e| self.sled_err(e))?;
            let mut merged: BTreeMap<&[u8], &[u8]> = BTreeMap::new();
            if let Some(b) = &existing {
                let entries = pack::group_entries(b).map_err(|m| {
                    Self::damaged(format!(
                        "{what}: the group '{}' is malformed: {m}",
                        String::from_utf8_lossy(&gkey)
                    ))
                })?;
                for (k, v) in entries {
                    if !stale(k, v) {
                        merged.insert(k, v);
                    }
                }
            }
            for (k, v) in &writes {
                match v {
                    Some(v) => merged.insert(k.as_slice(), v.as_slice()),
                    None => merged.remove(k.as_slice()),
                };
            }
            let value = (!merged.is_empty()).then(|| pack::encode_group(merged));
            out.put(gkey, value)?;
        }
        out.finish()
    }

    /// Makes everything appended so far durable: sled flush, fsync of the store's files and
    /// directories, then the head file. Only after this returns may an append be acknowledged.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        self.make_durable()?;
        write_head_file(&self.dir, self.head)?;
        self.head_file_behind = false;
        Ok(())
    }

    fn table(&self, name: &str) -> Result<(Grouping, &sled::Tree), StoreError> {
        self.projection
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, g, t)| (*g, t))
            .ok_or_else(|| StoreError::Corrupt(format!("unknown projection table '{name}'")))
    }

    fn write_projection_unsynced(
        &self,
        meta: Option<Vec<u8>>,
        writes: Vec<ProjectionWrite>,
    ) -> Result<(), StoreError> {
        if let Some(meta) = meta {
            self.meta
                .insert("projection", meta)
                .map_err(|e| self.sled_err(e))?;
        }
        let mut per_table: BTreeMap<&'static str, GroupWrites> = BTreeMap::new();
        for (table, key, value) in writes {
            let (grouping, _) = self.table(table)?;
            let (gkey, ekey) = locate(grouping, &key);
            per_table
                .entry(table)
                .or_default()
                .entry(gkey)
                .or_default()
                .insert(ekey.to_vec(), value);
        }
        for (table, groups) in per_table {
            let (_, tree) = self.table(table)?;
            self.write_groups(tree, table, groups, &|_, _| false)?;
        }
        Ok(())
    }

    /// Writes sled's dirty pages out during a large append, so memory stays bounded by a chunk
    /// rather than the whole import. Safe: nothing is visible until the head moves.
    fn spill(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }

    /// Writes projection entries outside an event append (catching up or rebuilding), durably.
    pub fn write_projection(
        &mut self,
        meta: Vec<u8>,
        writes: Vec<ProjectionWrite>,
        clear_first: bool,
    ) -> Result<(), StoreError> {
        if clear_first {
            // Mark the projection as far past any head first, so a crash mid-rebuild is seen.
            self.meta
                .insert("projection", &b"rebuilding"[..])
                .map_err(|e| self.sled_err(e))?;
            for (_, _, t) in &self.projection {
                t.clear().map_err(|e| self.sled_err(e))?;
            }
        }
        self.write_projection_unsynced(None, writes)?;
        self.meta
            .insert("projection", meta)
            .map_err(|e| self.sled_err(e))?;
        self.make_durable()
    }

    /// The projection meta record, if any.
    pub fn projection_meta(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .meta
            .get("projection")
            .map_err(|e| self.sled_err(e))?
            .map(|v| v.to_vec()))
    }

    fn group_damaged(table: &str, gkey: &[u8], m: String) -> StoreError {
        Self::damaged(format!(
            "projection table {table}: the group '{}' is malformed: {m}",
            String::from_utf8_lossy(gkey)
        ))
    }

    /// One projection entry.
    pub fn table_get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let (grouping, tree) = self.table(table)?;
        let (gkey, ekey) = locate(grouping, key);
        let Some(b) = tree.get(&gkey).map_err(|e| self.sled_err(e))? else {
            return Ok(None);
        };
        pack::group_get(&b, ekey)
            .map(|v| v.map(<[u8]>::to_vec))
            .map_err(|m| Self::group_damaged(table, &gkey, m))
    }

    /// Visits the projection entries whose key starts with `prefix`, in key order, until `visit`
    /// returns false.
    pub fn table_scan(
        &self,
        table: &str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        let (grouping, tree) = self.table(table)?;
        let mut full = Vec::new();
        match grouping {
            Grouping::FirstPart => {
                let groups: Box<dyn Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> =
                    if prefix.contains(&0) {
                        // The prefix names one group.
                        let (gkey, _) = locate(grouping, prefix);
                        let got = tree.get(&gkey).map_err(|e| self.sled_err(e))?;
                        Box::new(got.map(|v| Ok((sled::IVec::from(gkey), v))).into_iter())
                    } else {
                        Box::new(tree.scan_prefix(prefix))
                    };
                for item in groups {
                    let (gkey, b) = item.map_err(|e| self.sled_err(e))?;
                    let mut go_on = true;
                    pack::walk_group(&b, &mut |k, v| {
                        full.clear();
                        full.extend_from_slice(&gkey);
                        full.extend_from_slice(k);
                        if full.starts_with(prefix) {
                            go_on = visit(&full, v);
                        }
                        go_on
                    })
                    .map_err(|m| Self::group_damaged(table, &gkey, m))?;
                    if !go_on {
                        break;
                    }
                }
            }
            Grouping::Hashed => {
                // Buckets are in hash order; callers get key order.
                let mut found: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
                self.table_entries(table, &mut |k, v| {
                    if k.starts_with(prefix) {
                        found.push((k.to_vec(), v.to_vec()));
                    }
                    true
                })?;
                found.sort_unstable();
                for (k, v) in &found {
                    if !visit(k, v) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Visits every entry of a projection table in storage order (not key order), until
    /// `visit` returns false: for whole-table passes such as digests.
    pub fn table_entries(
        &self,
        table: &str,
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        let (grouping, tree) = self.table(table)?;
        if grouping == Grouping::FirstPart {
            return self.table_scan(table, b"", visit);
        }
        for item in tree.iter() {
            let (gkey, b) = item.map_err(|e| self.sled_err(e))?;
            let mut go_on = true;
            pack::walk_group(&b, &mut |k, v| {
                go_on = visit(k, v);
                go_on
            })
            .map_err(|m| Self::group_damaged(table, &gkey, m))?;
            if !go_on {
                break;
            }
        }
        Ok(())
    }

    /// The head the HEAD file held at open, when it was behind the store (the ledger must check
    /// that the store's event at that seq has that hash).
    pub fn head_file_lag(&self) -> Option<Head> {
        self.head_file_lag
    }

    /// Rewrites `HEAD` when it was found behind the store at open.
    pub fn repair_head_file(&mut self) -> Result<(), StoreError> {
        if self.head_file_behind {
            write_head_file(&self.dir, self.head)?;
            self.head_file_behind = false;
        }
        Ok(())
    }

    /// sled's flush, then fsync of everything under the store directory: sled 0.34 flushes with
    /// `sync_file_range`, which does not reach the disk's cache or file metadata (sled #1452).
    fn make_durable(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| self.sled_err(e))?;
        sync_tree(&self.dir.join(STORE_DIR))
    }

    /// Bytes on disk under the store directory.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.db.size_on_disk().map_err(|e| self.sled_err(e))
    }
}

/// Direct access to the stored bytes, below every check the ledger makes. Only for tests that
/// damage a ledger on purpose (to show the damage is caught) and for repair work; a ledger
/// changed through these is no longer what its log says. Call [`Store::tamper_flush`] after.
#[doc(hidden)]
impl Store {
    /// Replaces (or with `None`, removes) the record at `seq` inside its block, without any check;
    /// returns the previous record. Seqs above the head may be written (and then made visible
    /// with [`Store::tamper_meta`] on `head` and a new `HEAD` file).
    pub fn tamper_record(
        &self,
        seq: u64,
        record: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let (block, i) = pack::block_of(seq);
        let key = block.to_be_bytes();
        let existing = self.blocks.get(key).map_err(|e| self.sled_err(e))?;
        let mut records: Vec<Vec<u8>> = match &existing {
            Some(b) => pack::block_records(b)
                .map_err(|m| Self::damaged(format!("event block {block}: {m}")))?
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect(),
            None => Vec::new(),
        };
        let old = records.get(i).cloned();
        match record {
            Some(r) if i < records.len() => records[i] = r,
            Some(r) if i == records.len() => records.push(r),
            Some(_) => {
                return Err(Self::damaged(format!(
                    "cannot place seq {seq}: its block holds only {} records",
                    records.len()
                )))
            }
            None => records.truncate(i),
        }
        self.blocks
            .insert(
                key,
                pack::encode_block(records.iter().map(|r| r.as_slice())),
            )
            .map_err(|e| self.sled_err(e))?;
        Ok(old)
    }

    /// Sets (or removes) an index entry; returns the previous seq.
    pub fn tamper_index(&self, key: &[u8], seq: Option<u64>) -> Result<Option<u64>, StoreError> {
        let bucket = pack::bucket(key);
        let old = match self.index.get(bucket).map_err(|e| self.sled_err(e))? {
            Some(b) => pack::group_get(&b, key)
                .map_err(Self::damaged)?
                .and_then(|v| <[u8; 8]>::try_from(v).ok())
                .map(u64::from_be_bytes),
            None => None,
        };
        let mut groups: GroupWrites = BTreeMap::new();
        groups
            .entry(bucket.to_vec())
            .or_default()
            .insert(key.to_vec(), seq.map(|s| s.to_be_bytes().to_vec()));
        self.write_groups(&self.index, "the id index", groups, &|_, _| false)?;
        Ok(old)
    }

    /// Sets (or removes) a projection entry; returns the previous value.
    pub fn tamper_table(
        &self,
        table: &'static str,
        key: &[u8],
        value: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let old = self.table_get(table, key)?;
        self.write_projection_unsynced(None, vec![(table, key.to_vec(), value)])?;
        Ok(old)
    }

    /// Sets (or removes) a record of the `meta` tree (`head`, `projection`, `store_version`).
    pub fn tamper_meta(&self, name: &str, value: Option<&[u8]>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.meta.insert(name, v).map(|_| ()),
            None => self.meta.remove(name).map(|_| ()),
        }
        .map_err(|e| self.sled_err(e))
    }

    /// Makes tampering durable (sled flush and fsync), leaving `HEAD` alone.
    pub fn tamper_flush(&self) -> Result<(), StoreError> {
        self.make_durable()
    }
}

/// An iterator that knows how many items it yields at most (the seqs up to the head), so
/// consumers can size their tables once instead of growing them.
struct AtMost<I> {
    inner: I,
    most: usize,
}

impl<I: Iterator> Iterator for AtMost<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        // One more than the seqs: a damaged store ends with an error item.
        (0, Some(self.most + 1))
    }
}

/// Writes to one tree in sled batches of bounded size. sled keeps every node version a batch
/// replaces until the batch ends, so a large append is cut into batches, with a flush between
/// them; nothing is visible before the head moves, so that is safe.
struct Batcher<'a> {
    store: &'a Store,
    tree: &'a sled::Tree,
    batch: sled::Batch,
    bytes: usize,
    cut: bool,
}

impl<'a> Batcher<'a> {
    fn new(store: &'a Store, tree: &'a sled::Tree) -> Self {
        Batcher {
            store,
            tree,
            batch: sled::Batch::default(),
            bytes: 0,
            cut: false,
        }
    }

    fn put(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), StoreError> {
        match value {
            Some(v) => {
                self.bytes += key.len() + v.len();
                self.batch.insert(key, v);
            }
            None => {
                self.bytes += key.len();
                self.batch.remove(key);
            }
        }
        if self.bytes >= WRITE_CHUNK_BYTES {
            self.apply()?;
            self.store.spill()?;
            self.cut = true;
        }
        Ok(())
    }

    fn apply(&mut self) -> Result<(), StoreError> {
        self.bytes = 0;
        self.tree
            .apply_batch(std::mem::take(&mut self.batch))
            .map_err(|e| self.store.sled_err(e))
    }

    fn finish(mut self) -> Result<(), StoreError> {
        self.apply()?;
        if self.cut {
            self.store.spill()?;
        }
        Ok(())
    }
}

/// sled segment size for new stores. sled writes any node over a quarter of a segment to a file
/// of its own under `blobs/` (a new file, and one more fsync, per rewrite); with the default
/// 512 KiB that is every leaf of event blocks. 4 MiB keeps leaves inline, and sled's open reads
/// one header per segment, so fewer segments also open faster.
const SEGMENT_BYTES: usize = 1 << 20;

/// The segment size a store was created with (sled refuses to open it with another), from the
/// `conf` file sled writes; `SEGMENT_BYTES` for a new store.
fn segment_size(path: &Path) -> usize {
    let Ok(conf) = fs::read(path.join("conf")) else {
        return SEGMENT_BYTES;
    };
    String::from_utf8_lossy(&conf)
        .lines()
        .find_map(|l| l.strip_prefix("segment_size: "))
        .and_then(|v| v.trim().parse().ok())
        // Unreadable: sled's own check will name the problem.
        .unwrap_or(SEGMENT_BYTES)
}

/// The sled configuration a store directory (`<ledger>/store`) is opened with. Public for tools
/// and tests that read a store with sled directly: sled refuses another segment size.
pub fn sled_config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .segment_size(segment_size(path))
        .flush_every_ms(None)
        // sled's page cache defaults to 1 GiB; the ledger reads little and mostly in order.
        .cache_capacity(CACHE_BYTES)
        .mode(sled::Mode::LowSpace)
}

fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    // We already hold LOCK, so nobody else uses the store; but a sled handle dropped a moment
    // ago (in this process or one that just exited) can keep sled's own file lock for a few ms
    // while its background flusher stops. Retry that one error briefly.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let config = sled_config(path);
        match config.open() {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock")
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(from_sled(path, e)),
        }
    }
}

/// Names a sled error by what it means here: damaged or unreadable files are a damaged ledger
/// (exit 1, like any other corruption), an OS error is an I/O failure.
fn from_sled(path: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Corruption { .. } => StoreError::Corrupt(format!(
            "sled found corrupted data in {}; restore the ledger directory from a backup",
            path.display()
        )),
        // What sled cannot open (a config it does not accept, another on-disk version) this
        // build cannot read: the same verdict as an unknown store layout version.
        sled::Error::Unsupported(message) => StoreError::Corrupt(format!(
            "sled 0.34 cannot open the store in {}: {message}",
            path.display()
        )),
        sled::Error::Io(source) => StoreError::Io {
            action: "read or write the store in",
            path: path.to_path_buf(),
            source,
        },
        other => StoreError::Sled {
            path: path.to_path_buf(),
            message: other.to_string(),
        },
    }
}

/// Takes the ledger's lock, waiting up to `wait` for another process to release it.
fn lock(dir: &Path, wait: Option<Duration>) -> Result<File, StoreError> {
    let path = dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err("open lock file", &path))?;
    // A wait too long to represent is as good as forever.
    let deadline = wait.and_then(|w| Instant::now().checked_add(w));
    let forever = wait.is_some() && deadline.is_none();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) => match deadline {
                Some(d) if Instant::now() < d => std::thread::sleep(Duration::from_millis(20)),
                None if forever => std::thread::sleep(Duration::from_millis(20)),
                _ => return Err(StoreError::InUse(dir.to_path_buf())),
            },
            Err(fs::TryLockError::Error(e)) => {
                return Err(StoreError::Io {
                    action: "lock",
                    path,
                    source: e,
                })
            }
        }
    }
}

fn sync_tree(dir: &Path) -> Result<(), StoreError> {
    for entry in fs::read_dir(dir).map_err(io_err("read directory", dir))? {
        let entry = entry.map_err(io_err("read directory", dir))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(io_err("stat", &path))?;
        if ft.is_dir() {
            sync_tree(&path)?;
        } else if ft.is_file() {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(io_err("fsync", &path))?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io_err("fsync directory", dir))
}

/// Replaces `HEAD` atomically: write a temporary file, fsync it, rename it over, fsync the directory.
fn write_head_file(dir: &Path, head: Head) -> Result<(), StoreError> {
    let tmp = dir.join("HEAD.tmp");
    let path = dir.join(HEAD_FILE);
    let text = format!(
        "{HEAD_MAGIC}\nseq {}\nhash {}\n",
        head.seq,
        crate::event::hex(&head.hash)
    );
    let mut f = File::create(&tmp).map_err(io_err("create", &tmp))?;
    f.write_all(text.as_bytes())
        .map_err(io_err("write", &tmp))?;
    f.sync_all().map_err(io_err("fsync", &tmp))?;
    drop(f);
    fs::rename(&tmp, &path).map_err(io_err("rename into place", &path))?;
    sync_dir(dir)
}

fn read_head_file(dir: &Path) -> Result<Head, StoreError> {
    let path = dir.join(HEAD_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(StoreError::Corrupt(format!(
                "{} is missing; without it factledger cannot tell whether the store lost events",
                path.display()
            )))
        }
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Err(StoreError::Corrupt(format!(
                "{} is malformed (not UTF-8)",
                path.display()
            )))
        }
        Err(e) => return Err(io_err("read", &path)(e)),
    };
    let bad = || StoreError::Corrupt(format!("{} is malformed", path.display()));
    let mut lines = text.lines();
    if lines.next() != Some(HEAD_MAGIC) {
        return Err(bad());
    }
    let seq = lines
        .next()
        .and_then(|l| l.strip_prefix("seq "))
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(bad)?;
    let hash = lines
        .next()
        .and_then(|l| l.strip_prefix("hash "))
        .and_then(crate::event::parse_hash)
        .ok_or_else(bad)?;
    if lines.next().is_some() {
        return Err(bad());
    }
    Ok(Head { seq, hash })
}
