//! `export`: the whole ledger as a verifiable JSON Lines bundle ending with a checkpoint of it,
//! written whole or not at all.

use super::checkpoint::{checkpoint, CheckpointError};
use crate::integrity::bundle::{self, ExportError};
use crate::ledger::Stamp;
use crate::model::event::hex;
use crate::Ledger;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the bundle goes.
pub enum Destination<'a> {
    /// A file, written beside its final name and renamed into place once synced, so a failed
    /// export never leaves a half bundle under that name.
    File(&'a Path),
    /// A stream (standard output), written as the events are read.
    Stream(&'a mut dyn Write),
}

/// What an export wrote (the JSON of `export --bundle FILE`; fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    /// The file written (`-` for a stream).
    pub bundle: String,
    /// Events in the bundle (the checkpoint's size).
    pub events: u64,
    /// Lines written: header, events, texts, checkpoint.
    pub lines: u64,
    /// Always true: a failed export is an [`ExportFailure`].
    pub ok: bool,
    /// The Merkle root the final checkpoint vouches for, hex.
    pub root: String,
}

/// Why the export failed; no bundle was left under the final name.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    /// No checkpoint could be made (an empty ledger, a signed ledger without the author's key).
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// Reading the ledger or writing the bundle failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The temporary file beside the bundle could not be made or synced.
    #[error("I/O error: {0}")]
    Io(#[source] std::io::Error),
    /// The finished bundle could not be renamed into place.
    #[error("cannot write {}: {source}", .path.display())]
    File {
        /// The bundle's final name.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Exports the ledger as a bundle ending with a checkpoint made with `stamp`; `progress` is told
/// each event's seq as it is written.
pub fn export(
    ledger: &Ledger,
    stamp: &Stamp,
    to: Destination<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<ExportReport, ExportFailure> {
    let cp = checkpoint(ledger, stamp)?;
    let (lines, label) = match to {
        Destination::Stream(out) => (bundle::export(ledger, &cp, out, progress)?, "-".into()),
        Destination::File(path) => (
            write_file(ledger, &cp, path, progress)?,
            path.display().to_string(),
        ),
    };
    Ok(ExportReport {
        bundle: label,
        events: cp.size,
        lines,
        ok: true,
        root: hex(&cp.root),
    })
}

/// Writes the bundle to a temporary file beside `path`, syncs it, and renames it into place.
fn write_file(
    ledger: &Ledger,
    cp: &crate::integrity::checkpoint::Checkpoint,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, ExportFailure> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(ExportFailure::Io)?;
    let lines = {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        let n = bundle::export(ledger, cp, &mut w, progress)?;
        w.flush().map_err(ExportError::Write)?;
        n
    };
    tmp.as_file().sync_all().map_err(ExportFailure::Io)?;
    tmp.persist(path).map_err(|e| ExportFailure::File {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(lines)
}
