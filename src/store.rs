//! The only module that touches sled.
//!
//! A ledger directory holds:
//! - `store/` — the sled database, with trees `events` (big-endian seq → record), `ids` (claim or
//!   source id → big-endian seq), `texts` (blake3 hash → archived text) and `meta` (the head);
//! - `HEAD` — the head (seq, hash) kept again outside sled, replaced atomically after every append,
//!   because sled's recovery silently drops a damaged tail: a store that ends before `HEAD` has
//!   lost events and is refused;
//! - `LOCK` — held (flock) by whichever process has the ledger open, so a second process gets a
//!   clear "in use" error instead of sled's retry loop.
//!
//! An append writes the events, ids and texts, then the head, in that order in sled's single log;
//! recovery keeps a prefix of that log, so a head that survived a crash always has its events.
//! Records above the head (left by a crash before the head was written) are invisible: reads stop
//! at the head and later appends overwrite them.

use crate::event::Hash;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Name of the sled directory inside a ledger directory.
pub const STORE_DIR: &str = "store";
/// Name of the external head file.
pub const HEAD_FILE: &str = "HEAD";
/// Name of the lock file.
pub const LOCK_FILE: &str = "LOCK";
/// First line of the head file; names its format.
const HEAD_MAGIC: &str = "factledger-head v1";
/// Records or projection entries written per sled batch in a large append.
const WRITE_CHUNK: usize = 20_000;
/// sled page cache size.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// Store layout version kept in the `meta` tree.
pub const STORE_VERSION: u8 = 1;

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
    events: sled::Tree,
    ids: sled::Tree,
    texts: sled::Tree,
    meta: sled::Tree,
    projection: Vec<(&'static str, sled::Tree)>,
    head: Head,
    /// Set when the sled head is ahead of `HEAD` (a crash between sled's flush and the head
    /// file's rename): the next append rewrites the file.
    head_file_behind: bool,
    /// The head the HEAD file recorded when it was found behind the store at open.
    head_file_lag: Option<Head>,
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

/// The projection's tables. The projection module gives them meaning; the store only keeps them.
pub const PROJECTION_TABLES: &[&str] = &[
    "p_claims",
    "p_sources",
    "p_subjects",
    "p_source_claims",
    "p_cited_by",
    "p_authors",
];

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
        store.make_durable()?;
        write_head_file(dir, Head::EMPTY)?;
        store.head = Head::EMPTY;
        Ok(store)
    }

    /// Opens an existing ledger. `wait` is how long to wait for another process to let go.
    pub fn open(dir: &Path, wait: Option<Duration>) -> Result<Store, StoreError> {
        if !dir.join(STORE_DIR).is_dir() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        let lock = lock(dir, wait)?;
        let file_head = read_head_file(dir)?;
        let db = open_sled(&dir.join(STORE_DIR))?;
        let mut store = Store::from_db(dir, db, lock)?;
        match store.meta.get("store_version").map_err(|e| store.sled_err(e))? {
            Some(v) if v.as_ref() == [STORE_VERSION] => {}
            Some(v) => {
                return Err(StoreError::Corrupt(format!(
                    "store layout version {:?} is not one this build reads ({STORE_VERSION})",
                    v.as_ref()
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
        Ok(store)
    }

    fn from_db(dir: &Path, db: sled::Db, lock: File) -> Result<Store, StoreError> {
        let tree = |name: &str| {
            db.open_tree(name)
                .map_err(|e| from_sled(&dir.join(STORE_DIR), e))
        };
        let mut projection = Vec::new();
        for name in PROJECTION_TABLES {
            projection.push((*name, tree(name)?));
        }
        Ok(Store {
            projection,
            events: tree("events")?,
            ids: tree("ids")?,
            texts: tree("texts")?,
            meta: tree("meta")?,
            dir: dir.to_path_buf(),
            db,
            head: Head::EMPTY,
            head_file_behind: false,
            head_file_lag: None,
            _lock: lock,
        })
    }

    fn sled_err(&self, e: sled::Error) -> StoreError {
        from_sled(&self.dir.join(STORE_DIR), e)
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
        Ok(self
            .events
            .get(seq.to_be_bytes())
            .map_err(|e| self.sled_err(e))?
            .map(|v| v.to_vec()))
    }

    /// The seq an index key points at (an id, or a key the ledger derives). Callers check the
    /// event really matches (an index entry can outlive a crashed append's orphan record).
    pub fn seq_of(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        let v = self.ids.get(key).map_err(|e| self.sled_err(e))?;
        Ok(match v {
            Some(b) if b.len() == 8 => {
                let seq = u64::from_be_bytes(b.as_ref().try_into().unwrap_or([0; 8]));
                (seq >= 1 && seq <= self.head.seq).then_some(seq)
            }
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "the index entry for '{}' is malformed",
                    String::from_utf8_lossy(key)
                )))
            }
            None => None,
        })
    }

    /// Stored records from `from` up to the head, in order.
    pub fn records(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + '_ {
        let start = from.max(1);
        let end = self.head.seq;
        let mut expected = start;
        let mut iter = self.events.range(start.to_be_bytes()..=end.to_be_bytes());
        let mut done = start > end;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let item = match iter.next() {
                Some(Ok((k, v))) => {
                    let seq = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
                    if seq != expected {
                        done = true;
                        return Some(Err(StoreError::Corrupt(format!(
                            "event seq {expected} is missing from the store"
                        ))));
                    }
                    expected += 1;
                    Ok((seq, v.to_vec()))
                }
                Some(Err(e)) => {
                    done = true;
                    Err(self.sled_err(e))
                }
                None => {
                    done = true;
                    if expected <= end {
                        return Some(Err(StoreError::Corrupt(format!(
                            "event seq {expected} is missing from the store"
                        ))));
                    }
                    return None;
                }
            };
            Some(item)
        })
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
        let big = batch.records.len() > WRITE_CHUNK;
        for chunk in batch.records.chunks(WRITE_CHUNK) {
            let mut events = sled::Batch::default();
            let mut ids = sled::Batch::default();
            for (seq, record, keys) in chunk {
                events.insert(&seq.to_be_bytes()[..], record.as_slice());
                for key in keys {
                    ids.insert(key.as_slice(), &seq.to_be_bytes()[..]);
                }
            }
            self.events
                .apply_batch(events)
                .map_err(|e| self.sled_err(e))?;
            self.ids.apply_batch(ids).map_err(|e| self.sled_err(e))?;
            if big {
                self.spill()?;
            }
        }
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

    /// Makes everything appended so far durable: sled flush, fsync of the store's files and
    /// directories, then the head file. Only after this returns may an append be acknowledged.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        self.make_durable()?;
        write_head_file(&self.dir, self.head)?;
        self.head_file_behind = false;
        Ok(())
    }

    fn table(&self, name: &str) -> Result<&sled::Tree, StoreError> {
        self.projection
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t)
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
        let big = writes.len() > WRITE_CHUNK;
        let mut writes = writes.into_iter().peekable();
        while writes.peek().is_some() {
            let mut batches: Vec<(&'static str, sled::Batch)> = Vec::new();
            for (table, key, value) in writes.by_ref().take(WRITE_CHUNK) {
                let i = match batches.iter().position(|(n, _)| *n == table) {
                    Some(i) => i,
                    None => {
                        batches.push((table, sled::Batch::default()));
                        batches.len() - 1
                    }
                };
                match value {
                    Some(v) => batches[i].1.insert(key, v),
                    None => batches[i].1.remove(key),
                }
            }
            for (table, batch) in batches {
                self.table(table)?
                    .apply_batch(batch)
                    .map_err(|e| self.sled_err(e))?;
            }
            if big {
                self.spill()?;
            }
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
            for (_, t) in &self.projection {
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

    /// One projection entry.
    pub fn table_get(&self, table: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .table(table)?
            .get(key)
            .map_err(|e| self.sled_err(e))?
            .map(|v| v.to_vec()))
    }

    /// Visits the projection entries whose key starts with `prefix`, in key order, until `visit`
    /// returns false.
    pub fn table_scan(
        &self,
        table: &str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        for item in self.table(table)?.scan_prefix(prefix) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            if !visit(&k, &v) {
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

fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    // We already hold LOCK, so nobody else uses the store; but a sled handle dropped a moment
    // ago (in this process or one that just exited) can keep sled's own file lock for a few ms
    // while its background flusher stops. Retry that one error briefly.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let config = sled::Config::new()
            .path(path)
            .flush_every_ms(None)
            // sled's page cache defaults to 1 GiB; the ledger reads little and mostly in order.
            .cache_capacity(CACHE_BYTES)
            .mode(sled::Mode::HighThroughput);
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
