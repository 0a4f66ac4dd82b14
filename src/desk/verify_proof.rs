//! `verify-proof`: an inclusion, consistency or evidence file checked with no ledger at all,
//! against the checkpoint it carries or one the desk published, and a key the reader trusts.

use super::verify::{read_published, BadPublished, Published};
use crate::integrity::checkpoint::{Checkpoint, CheckpointError};
use crate::integrity::proof::{verify_file, InvalidProof};
use crate::model::event::PublicKey;
use serde::Serialize;

/// What to check.
#[derive(Debug, Clone, Copy)]
pub struct ProofInput<'a> {
    /// The proof file's name for messages.
    pub label: &'a str,
    /// Its content (JSON).
    pub text: &'a str,
    /// A checkpoint the desk published.
    pub published: Option<Published<'a>>,
    /// The key the reader trusts to sign checkpoints.
    pub key: Option<PublicKey>,
    /// The verifier's clock, microseconds since the epoch.
    pub now: i64,
}

/// What the check established (the JSON of `verify-proof`; fields alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofReport {
    /// One line per thing checked.
    pub checked: Vec<String>,
    /// The checkpoint signer's key, hex, when a signature was checked.
    pub checkpoint_key: Option<String>,
    /// Always true: an invalid proof is a [`VerifyProofError::Invalid`].
    pub ok: bool,
}

/// Why the proof was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum VerifyProofError {
    /// The file is not JSON.
    #[error("{label}: not a JSON proof file: {source}")]
    NotJson {
        /// The file name.
        label: String,
        /// Why.
        source: serde_json::Error,
    },
    /// A key was pinned with no checkpoint to check it against.
    #[error("--key pins the signer of a checkpoint, but {label} carries none and no --checkpoint FILE was given")]
    KeyWithoutCheckpoint {
        /// The file name.
        label: String,
    },
    /// The published checkpoint cannot be used.
    #[error(transparent)]
    Published(#[from] BadPublished),
    /// The proof does not prove what it says.
    #[error("invalid: {0}")]
    Invalid(InvalidProof),
}

/// The JSON of a refused proof (fields alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofFailure {
    /// Always false.
    pub ok: bool,
    /// Why it is invalid.
    pub reason: String,
}

impl VerifyProofError {
    /// The structured report of an invalid proof (none for a file that could not be checked).
    pub fn report(&self) -> Option<ProofFailure> {
        match self {
            VerifyProofError::Invalid(reason) => Some(ProofFailure {
                ok: false,
                reason: reason.to_string(),
            }),
            _ => None,
        }
    }
}

/// Checks a proof or evidence file. Every element is checked; the first failure is the error.
pub fn verify_proof(input: ProofInput<'_>) -> Result<ProofReport, VerifyProofError> {
    let v: serde_json::Value =
        serde_json::from_str(input.text).map_err(|source| VerifyProofError::NotJson {
            label: input.label.to_string(),
            source,
        })?;
    // A pinned key is checked against a checkpoint; with none, it would be silently unused and
    // the proof of any tree would look vouched for by that key.
    if input.key.is_some() && input.published.is_none() && v.get("checkpoint").is_none() {
        return Err(VerifyProofError::KeyWithoutCheckpoint {
            label: input.label.to_string(),
        });
    }
    let checkpoint = input
        .published
        .map(|p| read_published(p, input.now))
        .transpose()?;
    // The checkpoint an evidence file carries may not come from the future either.
    let embedded = v.get("checkpoint").map(Checkpoint::from_json);
    if let Some(Ok(c)) = &embedded {
        c.check_time(input.now)
            .map_err(|e: CheckpointError| VerifyProofError::Invalid(e.into()))?;
    }
    let verdict = verify_file(&v, checkpoint.as_ref(), input.key.as_ref())
        .map_err(VerifyProofError::Invalid)?;
    Ok(ProofReport {
        checked: verdict.checked,
        checkpoint_key: verdict.checkpoint_key,
        ok: true,
    })
}
