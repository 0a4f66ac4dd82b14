//! The storage layer: bytes on disk, with no knowledge of what they mean.
//!
//! The ledger needs little of its store, and [`Backend`] is exactly that: append a batch of
//! records, index entries and keyspace writes all or nothing and durably; read a record by seq
//! or a range of them; look a seq up by index key; get and scan keyspaces; the head; archived
//! texts. [`Store`] is the sled backend, the default and for now the only one.
//!
//! A ledger directory holds:
//! - `store/` — the sled database (layout version 2), with trees
//!   - `blocks`: events packed [`pack::BLOCK_EVENTS`] to a key (big-endian block number →
//!     the records, each whole), because sled's cost is per key, not per byte (`blocks`);
//!   - `index`: claim and source ids (and the retraction and correction keys) → seq, packed into
//!     [`pack::BUCKETS`] hash buckets;
//!   - `texts` (blake3 hash → archived text), `meta` (layout version, head, and the records the
//!     keyspaces' owner keeps there: the projection's meta);
//!   - one tree per keyspace (the projection's tables), whose entries are packed into groups
//!     ([`keyspace`]);
//! - `HEAD` — the head (seq, hash) kept again outside sled, replaced atomically after every append,
//!   because sled's recovery silently drops a damaged tail: a store that ends before `HEAD` has
//!   lost events and is refused ([`files`]);
//! - `LOCK` — held (flock) by whichever process has the ledger open, so a second process gets a
//!   clear "in use" error instead of sled's retry loop.
//!
//! An append writes the blocks, index and texts, then the head, in that order in sled's single
//! log; recovery keeps a prefix of that log, so a head that survived a crash always has its
//! events. Records above the head (left by a crash before the head was written) are invisible:
//! reads stop at the head and the next append drops them from the block and index it rewrites.
//!
//! A store of layout version 1 (one sled key per event and per index entry, factledger before
//! this layout) is converted in place when it is opened (`migration`).

use crate::model::event::Hash;
use std::io;
use std::path::{Path, PathBuf};

mod blocks;
mod db;
pub mod files;
#[cfg(feature = "testing")]
mod hooks;
pub mod keyspace;
mod migration;
pub mod pack;

#[cfg(feature = "testing")]
pub use db::sled_config;
pub use db::Store;
pub use keyspace::{Grouping, KeyWrite, Keyspace, KeyspaceUpdate};
pub use pack::BLOCK_EVENTS;
#[cfg(feature = "postgres")]
pub mod postgres;

/// Where a ledger lives: a directory (sled, the default) or a PostgreSQL schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A ledger directory holding a sled store.
    Dir(PathBuf),
    /// A PostgreSQL URL naming a schema: `postgres://USER@HOST:PORT/DB?schema=NAME`.
    Postgres(String),
}

impl Location {
    /// A store locator as `--store` and `FACTLEDGER_STORE` take it: a `postgres://` or
    /// `postgresql://` URL.
    pub fn store(locator: &str) -> Result<Location, StoreError> {
        if locator.starts_with("postgres://") || locator.starts_with("postgresql://") {
            Ok(Location::Postgres(locator.to_string()))
        } else {
            Err(StoreError::BadLocator {
                locator: redact(locator),
                problem: "a store locator is a postgres:// URL; a ledger directory is given with --ledger".into(),
            })
        }
    }

    /// The location as messages and reports show it (a URL without its password).
    pub fn display(&self) -> String {
        match self {
            Location::Dir(d) => d.display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }
}

/// A URL with any password (`user:PASSWORD@`, `password=`) replaced by `***`.
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest = &out[scheme_end + 3..];
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..auth_end].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                let start = scheme_end + 3 + colon + 1;
                let end = scheme_end + 3 + at;
                out.replace_range(start..end, "***");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

/// Creates an empty store at `location`.
pub fn create(location: &Location) -> Result<Box<dyn Backend>, StoreError> {
    match location {
        Location::Dir(dir) => Ok(Box::new(Store::create(dir)?)),
        Location::Postgres(url) => create_postgres(url),
    }
}

/// Opens the store at `location`; `wait` is how long to wait for another process holding a
/// sled ledger (a PostgreSQL store is shared, never held).
pub fn open(
    location: &Location,
    wait: Option<std::time::Duration>,
) -> Result<Box<dyn Backend>, StoreError> {
    match location {
        Location::Dir(dir) => Ok(Box::new(Store::open(dir, wait)?)),
        Location::Postgres(url) => open_postgres(url),
    }
}

#[cfg(feature = "postgres")]
fn create_postgres(url: &str) -> Result<Box<dyn Backend>, StoreError> {
    Ok(Box::new(postgres::PgStore::create(url)?))
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn Backend>, StoreError> {
    Ok(Box::new(postgres::PgStore::open(url)?))
}

#[cfg(not(feature = "postgres"))]
fn without_postgres(url: &str) -> StoreError {
    StoreError::BadLocator {
        locator: redact(url),
        problem: "this factledger was built without PostgreSQL support (cargo feature `postgres`)"
            .into(),
    }
}

#[cfg(not(feature = "postgres"))]
fn create_postgres(url: &str) -> Result<Box<dyn Backend>, StoreError> {
    Err(without_postgres(url))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(url: &str) -> Result<Box<dyn Backend>, StoreError> {
    Err(without_postgres(url))
}

/// Store layout version kept in the `meta` tree.
pub(crate) const STORE_VERSION: u8 = 2;

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
    pub(crate) const EMPTY: Head = Head {
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
    /// A store locator (`--store`, `FACTLEDGER_STORE`) that cannot be used as given.
    #[error("store locator '{locator}': {problem}")]
    BadLocator {
        /// The locator, password removed.
        locator: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The database server failed or could not be reached.
    #[error("PostgreSQL store {store}: {message}")]
    Postgres {
        /// The store (locator with the password removed).
        store: String,
        /// The server's or the client's message.
        message: String,
    },
    /// The store's schema was written by a newer factledger.
    #[error("store {store} has schema version {found}, newer than the {supported} this build reads; upgrade factledger")]
    NewerSchema {
        /// The store.
        store: String,
        /// The version it records.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
    /// Another writer appended to a shared store after this append was chained onto the head;
    /// the ledger chains the drafts again onto the new head and retries
    /// ([`crate::Ledger::append`]), so a caller only sees this when the retries ran out.
    #[error("another writer kept appending: the head moved from seq {chained_on} to seq {head} while this append was prepared (retried {attempts} times)")]
    HeadMoved {
        /// The head the append was chained onto.
        chained_on: u64,
        /// The head the store holds now.
        head: u64,
        /// How many times the ledger tried.
        attempts: u32,
    },
    /// An index key (a claim or source id, a retraction or a correction) is already in a shared
    /// store: another writer recorded it after this append was checked.
    #[error(
        "'{key}' was recorded by another writer meanwhile; nothing of this append was written"
    )]
    DuplicateKey {
        /// The key, NULs shown as `/`.
        key: String,
    },
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Events, texts and keyspace writes to append in one all-or-nothing step.
#[derive(Debug, Default)]
pub struct AppendBatch {
    /// (seq, encoded record, index keys that should point at this seq).
    pub records: Vec<(u64, Vec<u8>, Vec<Vec<u8>>)>,
    /// Archived texts by hash.
    pub texts: Vec<(Hash, Vec<u8>)>,
    /// The head after these records.
    pub head: Head,
    /// Keyspace writes made in the same step (the projection folded forward). Its `before`
    /// records are written ahead of its entries, so a crash part-way leaves them saying so.
    pub keyspaces: KeyspaceUpdate,
    /// Leave the append in memory until [`Backend::sync`]. Only for the fault-injection test
    /// that shows the crash harness notices acknowledgements made before the data is on disk.
    pub defer_sync: bool,
}

/// What a scan calls with each key and value; it returns false to stop the scan.
pub type Visit<'a> = dyn FnMut(&[u8], &[u8]) -> bool + 'a;

/// Stored records in seq order; see [`Backend::records`].
pub type Records<'a> = Box<dyn Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + 'a>;

/// What the ledger needs of a store, and nothing more: the boundary a second backend (a
/// PostgreSQL store for desks that outgrow one machine) would implement beside sled.
///
/// Object-safe on purpose, and the ledger holds a `Box<dyn Backend>`: the backend is chosen
/// when a ledger is opened, not when the program is compiled, and a generic parameter would
/// spread through `Ledger` and every command for no gain — each call here is a sled lookup or
/// more, next to which one indirect call is nothing. Visitors (`&mut dyn FnMut`) instead of
/// iterators where a backend may hold a cursor or a lock while it walks.
///
/// Keyspaces are named and described by the caller ([`Keyspace`]): the store packs and keeps
/// their bytes, the caller (the projection) gives them meaning.
pub trait Backend: Send {
    /// Where the ledger lives (for messages).
    fn dir(&self) -> &Path;
    /// The current head.
    fn head(&self) -> Head;
    /// The stored record at `seq`, if `seq` is within the head.
    fn record(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError>;
    /// Stored records from `from` up to the head, in order; a gap is an error item, after which
    /// the iterator ends. Its size hint bounds the count, so consumers can size tables once.
    fn records(&self, from: u64) -> Records<'_>;
    /// The seq an index key points at, if within the head. Callers check the event really
    /// matches (an index entry can outlive a crashed append's orphan record).
    fn seq_of(&self, key: &[u8]) -> Result<Option<u64>, StoreError>;
    /// Every index entry (key, seq) in storage order; a malformed entry is an error.
    fn index_entries(&self, visit: &mut dyn FnMut(&[u8], u64)) -> Result<(), StoreError>;
    /// An archived text by its hash.
    fn text(&self, hash: &Hash) -> Result<Option<Vec<u8>>, StoreError>;
    /// The hash of every archived text, for verification.
    fn text_hashes(&self) -> Box<dyn Iterator<Item = Result<Vec<u8>, StoreError>> + '_>;
    /// One keyspace entry.
    fn get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// The keyspace entries whose key starts with `prefix`, in key order, until `visit`
    /// returns false.
    fn scan(&self, space: Keyspace, prefix: &[u8], visit: &mut Visit<'_>)
        -> Result<(), StoreError>;
    /// Every entry of a keyspace in storage order (not key order), until `visit` returns false.
    fn entries(&self, space: Keyspace, visit: &mut Visit<'_>) -> Result<(), StoreError>;
    /// A record the keyspaces' owner keeps beside them (the projection's meta), by name.
    fn owner_record(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Appends records, all or nothing, and returns only once they are durable (unless
    /// [`AppendBatch::defer_sync`]).
    fn append(&mut self, batch: AppendBatch) -> Result<(), StoreError>;
    /// Writes keyspaces outside an event append (catching up, rebuilding), durably.
    fn update_keyspaces(&mut self, update: KeyspaceUpdate) -> Result<(), StoreError>;
    /// Makes everything appended so far durable. Only after this may an append be acknowledged.
    fn sync(&mut self) -> Result<(), StoreError>;
    /// The head recorded outside the store at open, when it was behind the store: the ledger
    /// must check that the store's event at that seq has that hash.
    fn head_lag(&self) -> Option<Head>;
    /// Brings the outside head record up to the store's head after [`Backend::head_lag`].
    fn repair_head(&mut self) -> Result<(), StoreError>;
    /// Bytes the store takes on disk.
    fn size_on_disk(&self) -> Result<u64, StoreError>;
    /// Reads the head again from a store other processes write too (PostgreSQL); nothing for
    /// an exclusively held store.
    fn refresh(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// True when other processes may append to this store at the same time (PostgreSQL), so
    /// a projection ahead of this process's head means "read the head again", not damage.
    fn head_is_shared(&self) -> bool {
        false
    }
    /// Takes the lock that orders appends on a store other processes write too, and reads the
    /// head under it, so the append that follows is chained onto a head nobody can move before
    /// it commits. [`Backend::append`] releases it; so does [`Backend::end_append`] when the
    /// append is abandoned. Nothing for an exclusively held store.
    fn lock_for_append(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Releases what [`Backend::lock_for_append`] took when no append followed (refused drafts,
    /// nothing to append); nothing after an append, which released it.
    fn end_append(&mut self) {}
}
