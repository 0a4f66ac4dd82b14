//! `evidence`: everything a reader needs to confirm one claim offline — the claim, its source
//! chain, their inclusion proofs and a checkpoint — which `verify-proof` checks with no ledger.

use super::checkpoint::{checkpoint, CheckpointError};
use crate::integrity::proof::{self, EvidenceFile, ProofError};
use crate::ledger::Stamp;
use crate::Ledger;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why no evidence was made or written.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// No checkpoint could be made.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// No such claim, or the proofs could not be built.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The evidence file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What `evidence --out FILE` wrote (its JSON; fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceWritten {
    /// Events in the file: the claim's and its sources'.
    pub events: usize,
    /// Always true.
    pub ok: bool,
    /// The file written.
    pub out: String,
    /// The size of the tree the proofs are against.
    pub tree_size: u64,
}

/// The evidence for `claim`, proven against a checkpoint of the ledger now made with `stamp`.
pub fn evidence(
    ledger: &Ledger,
    claim: &str,
    stamp: &Stamp,
) -> Result<EvidenceFile, EvidenceError> {
    let cp = checkpoint(ledger, stamp)?;
    Ok(proof::evidence(ledger, claim, &cp)?)
}

/// [`evidence`], written to `out` as pretty-printed JSON.
pub fn write_evidence(
    ledger: &Ledger,
    claim: &str,
    stamp: &Stamp,
    out: &Path,
) -> Result<EvidenceWritten, EvidenceError> {
    let ev = evidence(ledger, claim, stamp)?;
    let write_error = |source| EvidenceError::Write {
        path: out.to_path_buf(),
        source,
    };
    let text = serde_json::to_string_pretty(&ev).map_err(|e| write_error(e.into()))?;
    std::fs::write(out, text + "\n").map_err(write_error)?;
    Ok(EvidenceWritten {
        events: ev.events.len(),
        ok: true,
        out: out.display().to_string(),
        tree_size: ev.tree_size,
    })
}
