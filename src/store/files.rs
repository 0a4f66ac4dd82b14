//! The ledger directory's own files beside sled: `HEAD` (the head kept outside the store),
//! `LOCK` (one process at a time), and durability (fsync of every store file).

use super::{io_err, Head, StoreError};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Name of the sled directory inside a ledger directory.
pub(crate) const STORE_DIR: &str = "store";
/// Name of the external head file.
pub(crate) const HEAD_FILE: &str = "HEAD";
/// Name of the lock file.
pub(crate) const LOCK_FILE: &str = "LOCK";
/// First line of the head file; names its format.
const HEAD_MAGIC: &str = "factledger-head v1";

/// Takes the ledger's lock, waiting up to `wait` for another process to release it.
pub(super) fn lock(dir: &Path, wait: Option<Duration>) -> Result<File, StoreError> {
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

/// fsyncs every file and directory under `dir`.
///
/// sled removes files of its own while it runs (its recovery, right after a crash, deletes
/// blob files the log no longer refers to), so a file listed here may be gone by the time it is
/// opened: that is not an error, there is nothing left of it to make durable. Seen as `fsync
/// …/store/blobs/NNN: No such file or directory` after a kill during an import.
pub(super) fn sync_tree(dir: &Path) -> Result<(), StoreError> {
    sync_tree_with(dir, &mut |_| {})
}

/// As [`sync_tree`], calling `between` with each file's path after listing it and before
/// opening it: the window in which sled may remove it. Only tests pass anything but a no-op.
fn sync_tree_with(dir: &Path, between: &mut dyn FnMut(&Path)) -> Result<(), StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("read directory", dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_err("read directory", dir))?;
        let path = entry.path();
        let ft = match entry.file_type() {
            Ok(ft) => ft,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("stat", &path)(e)),
        };
        if ft.is_dir() {
            sync_tree_with(&path, between)?;
        } else if ft.is_file() {
            between(&path);
            match File::open(&path) {
                Ok(f) => f.sync_all().map_err(io_err("fsync", &path))?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err("fsync", &path)(e)),
            }
        }
    }
    sync_dir(dir)
}

/// [`sync_tree`] with a hook in the window between listing a file and fsyncing it, so a test
/// can remove a file there, as sled's recovery does.
#[cfg(feature = "testing")]
pub fn sync_tree_racing(dir: &Path, between: &mut dyn FnMut(&Path)) -> Result<(), StoreError> {
    sync_tree_with(dir, between)
}

pub(super) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(io_err("fsync directory", dir))
}

/// Replaces `HEAD` atomically: write a temporary file, fsync it, rename it over, fsync the directory.
pub(super) fn write_head_file(dir: &Path, head: Head) -> Result<(), StoreError> {
    let tmp = dir.join("HEAD.tmp");
    let path = dir.join(HEAD_FILE);
    let text = format!(
        "{HEAD_MAGIC}\nseq {}\nhash {}\n",
        head.seq,
        crate::model::event::hex(&head.hash)
    );
    let mut f = File::create(&tmp).map_err(io_err("create", &tmp))?;
    f.write_all(text.as_bytes())
        .map_err(io_err("write", &tmp))?;
    f.sync_all().map_err(io_err("fsync", &tmp))?;
    drop(f);
    fs::rename(&tmp, &path).map_err(io_err("rename into place", &path))?;
    sync_dir(dir)
}

pub(super) fn read_head_file(dir: &Path) -> Result<Head, StoreError> {
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
        .and_then(crate::model::event::parse_hash)
        .ok_or_else(bad)?;
    if lines.next().is_some() {
        return Err(bad());
    }
    Ok(Head { seq, hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_file_round_trips_and_damage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let head = Head {
            seq: 42,
            hash: [7; 32],
        };
        write_head_file(dir.path(), head).unwrap();
        assert_eq!(read_head_file(dir.path()).unwrap(), head);
        assert!(!dir.path().join("HEAD.tmp").exists());
        let path = dir.path().join(HEAD_FILE);
        for bad in [
            "factledger-head v2\nseq 1\nhash 00\n".to_string(),
            format!("{HEAD_MAGIC}\nseq x\nhash {}\n", "00".repeat(32)),
            format!("{HEAD_MAGIC}\nseq 1\nhash {}\nmore\n", "00".repeat(32)),
        ] {
            fs::write(&path, bad).unwrap();
            let err = read_head_file(dir.path()).unwrap_err();
            assert!(err.to_string().contains("is malformed"), "{err}");
        }
        fs::remove_file(&path).unwrap();
        let err = read_head_file(dir.path()).unwrap_err();
        assert!(err.to_string().contains("is missing"), "{err}");
    }

    #[test]
    fn a_file_that_vanishes_between_listing_and_fsync_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = dir.path().join("blobs");
        fs::create_dir(&blobs).unwrap();
        for n in ["1", "2", "3"] {
            fs::write(blobs.join(n), n).unwrap();
        }
        fs::write(dir.path().join("db"), b"x").unwrap();
        let mut removed = Vec::new();
        sync_tree_with(dir.path(), &mut |p| {
            if p.parent() == Some(blobs.as_path()) {
                fs::remove_file(p).unwrap();
                removed.push(p.to_path_buf());
            }
        })
        .unwrap();
        assert_eq!(removed.len(), 3, "the hook saw every blob");
        sync_tree(dir.path()).unwrap();
    }

    #[test]
    fn the_lock_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path(), None).unwrap();
        let err = lock(dir.path(), Some(Duration::from_millis(0))).unwrap_err();
        assert!(matches!(err, StoreError::InUse(_)), "{err}");
        drop(held);
        lock(dir.path(), None).unwrap();
    }
}
