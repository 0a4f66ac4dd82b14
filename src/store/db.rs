//! [`Store`]: the sled backend. Opening and creating a store, the id index, archived texts,
//! appends and durability; events live in [`super::blocks`], keyspaces in [`super::keyspace`].

use super::files::{self, STORE_DIR};
use super::keyspace::{GroupWrites, Keyspace, KeyspaceUpdate};
use super::{io_err, pack, AppendBatch, Backend, Head, Records, StoreError, Visit, STORE_VERSION};
use crate::model::event::Hash;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Bytes of packed values per sled batch in a large append (sled holds a batch's node versions
/// until it ends).
const WRITE_CHUNK_BYTES: usize = 32 << 20;
/// sled page cache size.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// The store's own trees; every other tree is a keyspace.
pub(super) const OWN_TREES: [&str; 4] = ["blocks", "index", "texts", "meta"];

/// An open ledger store on sled, exclusively locked by this process.
pub struct Store {
    pub(super) dir: PathBuf,
    pub(super) db: sled::Db,
    pub(super) blocks: sled::Tree,
    pub(super) index: sled::Tree,
    pub(super) texts: sled::Tree,
    pub(super) meta: sled::Tree,
    /// Keyspace trees, opened as their owner first names them.
    pub(super) spaces: RefCell<Vec<(Keyspace, sled::Tree)>>,
    pub(super) head: Head,
    /// Set when the sled head is ahead of `HEAD` (a crash between sled's flush and the head
    /// file's rename): the next append rewrites the file.
    head_file_behind: bool,
    /// The head the HEAD file recorded when it was found behind the store at open.
    head_file_lag: Option<Head>,
    /// Set when this open converted a layout-1 store; the keyspaces were emptied.
    pub(super) migrated: bool,
    _lock: File,
}

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
        let lock = files::lock(dir, None)?;
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
        files::write_head_file(dir, Head::EMPTY)?;
        store.head = Head::EMPTY;
        Ok(store)
    }

    /// Opens an existing ledger. `wait` is how long to wait for another process to let go.
    /// A layout-1 store is converted first (see `store::migration`).
    pub fn open(dir: &Path, wait: Option<Duration>) -> Result<Store, StoreError> {
        if !dir.join(STORE_DIR).is_dir() {
            return Err(StoreError::Missing(dir.to_path_buf()));
        }
        let lock = files::lock(dir, wait)?;
        let file_head = files::read_head_file(dir)?;
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
        store.check_layout_parameters()?;
        Ok(store)
    }

    fn from_db(dir: &Path, db: sled::Db, lock: File) -> Result<Store, StoreError> {
        let tree = |name: &str| {
            db.open_tree(name)
                .map_err(|e| from_sled(&dir.join(STORE_DIR), e))
        };
        Ok(Store {
            blocks: tree("blocks")?,
            index: tree("index")?,
            texts: tree("texts")?,
            meta: tree("meta")?,
            spaces: RefCell::new(Vec::new()),
            dir: dir.to_path_buf(),
            db,
            head: Head::EMPTY,
            head_file_behind: false,
            head_file_lag: None,
            migrated: false,
            _lock: lock,
        })
    }

    /// Whether this open converted the store from layout 1 (the keyspaces were emptied and
    /// their owner's records removed, so the owner rebuilds them).
    pub fn migrated(&self) -> bool {
        self.migrated
    }

    pub(super) fn sled_err(&self, e: sled::Error) -> StoreError {
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
            StoreError::Corrupt(format!(
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
    pub(crate) fn index_entries(
        &self,
        visit: &mut dyn FnMut(&[u8], u64),
    ) -> Result<(), StoreError> {
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
            .map_err(|m| {
                StoreError::Corrupt(format!(
                    "the id index: the group '{}' is malformed: {m}",
                    String::from_utf8_lossy(&gkey)
                ))
            })?;
            if let Some(k) = bad {
                return Err(StoreError::Corrupt(format!(
                    "the index entry for '{k}' is malformed"
                )));
            }
        }
        Ok(())
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
    pub(crate) fn text_hashes(&self) -> impl Iterator<Item = Result<Vec<u8>, StoreError>> + '_ {
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
                return Err(StoreError::Corrupt(format!(
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
        self.write_keyspaces_unsynced(batch.keyspaces)?;
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

    /// Adds index entries (key → seq), rewriting each bucket touched once; entries pointing
    /// above `old_head` are a crashed append's leftovers and are dropped from those buckets.
    pub(super) fn write_index(
        &self,
        old_head: u64,
        entries: Vec<(Vec<u8>, u64)>,
    ) -> Result<(), StoreError> {
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

    /// Makes everything appended so far durable: sled flush, fsync of the store's files and
    /// directories, then the head file. Only after this returns may an append be acknowledged.
    pub fn sync(&mut self) -> Result<(), StoreError> {
        self.make_durable()?;
        files::write_head_file(&self.dir, self.head)?;
        self.head_file_behind = false;
        Ok(())
    }

    /// Writes keyspaces outside an event append (catching up or rebuilding), durably.
    pub(crate) fn update_keyspaces(&mut self, update: KeyspaceUpdate) -> Result<(), StoreError> {
        self.write_keyspaces_unsynced(update)?;
        self.make_durable()
    }

    /// Writes sled's dirty pages out during a large append, so memory stays bounded by a chunk
    /// rather than the whole import. Safe: nothing is visible until the head moves.
    fn spill(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }

    /// The head the HEAD file held at open, when it was behind the store (the ledger must check
    /// that the store's event at that seq has that hash).
    pub(crate) fn head_file_lag(&self) -> Option<Head> {
        self.head_file_lag
    }

    /// Rewrites `HEAD` when it was found behind the store at open.
    pub(crate) fn repair_head_file(&mut self) -> Result<(), StoreError> {
        if self.head_file_behind {
            files::write_head_file(&self.dir, self.head)?;
            self.head_file_behind = false;
        }
        Ok(())
    }

    /// sled's flush, then fsync of everything under the store directory: sled 0.34 flushes with
    /// `sync_file_range`, which does not reach the disk's cache or file metadata (sled #1452).
    pub(super) fn make_durable(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| self.sled_err(e))?;
        files::sync_tree(&self.dir.join(STORE_DIR))
    }

    /// Bytes on disk under the store directory.
    pub(crate) fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.db.size_on_disk().map_err(|e| self.sled_err(e))
    }
}

impl Backend for Store {
    fn dir(&self) -> &Path {
        Store::dir(self)
    }
    fn head(&self) -> Head {
        Store::head(self)
    }
    fn record(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        Store::record(self, seq)
    }
    fn records(&self, from: u64) -> Records<'_> {
        Box::new(Store::records(self, from))
    }
    fn seq_of(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        Store::seq_of(self, key)
    }
    fn index_entries(&self, visit: &mut dyn FnMut(&[u8], u64)) -> Result<(), StoreError> {
        Store::index_entries(self, visit)
    }
    fn text(&self, hash: &Hash) -> Result<Option<Vec<u8>>, StoreError> {
        Store::text(self, hash)
    }
    fn text_hashes(&self) -> Box<dyn Iterator<Item = Result<Vec<u8>, StoreError>> + '_> {
        Box::new(Store::text_hashes(self))
    }
    fn get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.table_get(space, key)
    }
    fn scan(
        &self,
        space: Keyspace,
        prefix: &[u8],
        visit: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        self.table_scan(space, prefix, visit)
    }
    fn entries(&self, space: Keyspace, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        self.table_entries(space, visit)
    }
    fn owner_record(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Store::owner_record(self, name)
    }
    fn append(&mut self, batch: AppendBatch) -> Result<(), StoreError> {
        Store::append(self, batch)
    }
    fn update_keyspaces(&mut self, update: KeyspaceUpdate) -> Result<(), StoreError> {
        Store::update_keyspaces(self, update)
    }
    fn sync(&mut self) -> Result<(), StoreError> {
        Store::sync(self)
    }
    fn head_lag(&self) -> Option<Head> {
        self.head_file_lag()
    }
    fn repair_head(&mut self) -> Result<(), StoreError> {
        self.repair_head_file()
    }
    fn size_on_disk(&self) -> Result<u64, StoreError> {
        Store::size_on_disk(self)
    }
}

/// Writes to one tree in sled batches of bounded size. sled keeps every node version a batch
/// replaces until the batch ends, so a large append is cut into batches, with a flush between
/// them; nothing is visible before the head moves, so that is safe.
pub(super) struct Batcher<'a> {
    store: &'a Store,
    tree: &'a sled::Tree,
    batch: sled::Batch,
    bytes: usize,
    cut: bool,
}

impl<'a> Batcher<'a> {
    pub(super) fn new(store: &'a Store, tree: &'a sled::Tree) -> Self {
        Batcher {
            store,
            tree,
            batch: sled::Batch::default(),
            bytes: 0,
            cut: false,
        }
    }

    pub(super) fn put(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), StoreError> {
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

    pub(super) fn finish(mut self) -> Result<(), StoreError> {
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

/// The sled configuration a store directory (`<ledger>/store`) is opened with.
pub(super) fn config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .segment_size(segment_size(path))
        .flush_every_ms(None)
        // sled's page cache defaults to 1 GiB; the ledger reads little and mostly in order.
        .cache_capacity(CACHE_BYTES)
        .mode(sled::Mode::LowSpace)
}

/// The sled configuration a store directory is opened with, for tests and tools that read a
/// store with sled directly (sled refuses another segment size).
#[cfg(feature = "testing")]
pub fn sled_config(path: &Path) -> sled::Config {
    config(path)
}

pub(super) fn open_sled(path: &Path) -> Result<sled::Db, StoreError> {
    // We already hold LOCK, so nobody else uses the store; but a sled handle dropped a moment
    // ago (in this process or one that just exited) can keep sled's own file lock for a few ms
    // while its background flusher stops. Retry that one error briefly.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match config(path).open() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(records: &[(u64, &str, &[&str])], head: u64) -> AppendBatch {
        AppendBatch {
            records: records
                .iter()
                .map(|(s, r, keys)| {
                    (
                        *s,
                        r.as_bytes().to_vec(),
                        keys.iter().map(|k| k.as_bytes().to_vec()).collect(),
                    )
                })
                .collect(),
            texts: vec![([9; 32], b"text".to_vec())],
            head: Head {
                seq: head,
                hash: [head as u8; 32],
            },
            ..AppendBatch::default()
        }
    }

    #[test]
    fn an_append_is_durable_and_reopens_with_its_head_index_and_texts() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("l");
        let mut store = Store::create(&ledger).unwrap();
        store
            .append(batch(
                &[(1, "a", &["id-a"]), (2, "b", &["id-b", "alias"])],
                2,
            ))
            .unwrap();
        drop(store);
        let store = Store::open(&ledger, None).unwrap();
        assert_eq!(store.head().seq, 2);
        assert_eq!(store.seq_of(b"alias").unwrap(), Some(2));
        assert_eq!(store.seq_of(b"nothing").unwrap(), None);
        assert_eq!(store.text(&[9; 32]).unwrap(), Some(b"text".to_vec()));
        let mut entries = Vec::new();
        store
            .index_entries(&mut |k, s| entries.push((k.to_vec(), s)))
            .unwrap();
        entries.sort();
        assert_eq!(entries.len(), 3);
        assert!(store.head_file_lag().is_none());
    }

    #[test]
    fn an_append_must_continue_the_head() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("l")).unwrap();
        let err = store.append(batch(&[(2, "b", &[])], 2)).unwrap_err();
        assert!(err.to_string().contains("must start at seq 1"), "{err}");
    }

    #[test]
    fn a_deferred_append_leaves_head_behind_until_sync() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("l");
        let mut store = Store::create(&ledger).unwrap();
        let mut b = batch(&[(1, "a", &[])], 1);
        b.defer_sync = true;
        store.append(b).unwrap();
        assert_eq!(files::read_head_file(&ledger).unwrap().seq, 0);
        store.sync().unwrap();
        assert_eq!(files::read_head_file(&ledger).unwrap().seq, 1);
    }

    #[test]
    fn a_second_open_is_refused_as_in_use_and_a_missing_ledger_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("l");
        let _store = Store::create(&ledger).unwrap();
        let err = Store::open(&ledger, Some(Duration::ZERO)).err().unwrap();
        assert!(matches!(err, StoreError::InUse(_)), "{err}");
        let err = Store::open(&dir.path().join("none"), None).err().unwrap();
        assert!(matches!(err, StoreError::Missing(_)), "{err}");
        let err = Store::create(&ledger).err().unwrap();
        assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
    }
}
