//! `checkpoint`: the ledger's size and Merkle root now, signed by an authorised author when the
//! ledger is signed, to publish. `evidence` and `export` end with the same checkpoint.

use crate::error::LedgerError;
use crate::integrity::checkpoint::{Checkpoint, TreeError};
use crate::ledger::Stamp;
use crate::projection;
use crate::Ledger;

/// Why no checkpoint was made.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The ledger is empty (there is no tree yet) or could not be read.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// Reading the ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A signed ledger's checkpoint must be signed, and the stamp brings no key.
    #[error(
        "this ledger is signed, so its checkpoints must be too, but author '{author}' has no key"
    )]
    NoKey {
        /// The stamp's author.
        author: String,
    },
    /// The stamp's author is not authorised with the stamp's key (or was revoked).
    #[error("'{author}' is not an authorised author of this ledger with that key; checkpoints are signed by authorised authors")]
    NotAuthorised {
        /// The stamp's author.
        author: String,
    },
}

/// The checkpoint of the ledger now: at the stamp's time (to the second), signed with the
/// stamp's key when the ledger is signed (its author must then be authorised with that key).
/// Its JSON form is the checkpoint's own ([`Checkpoint`]'s `Serialize`).
pub fn checkpoint(ledger: &Ledger, stamp: &Stamp) -> Result<Checkpoint, CheckpointError> {
    let time = chrono::DateTime::from_timestamp_micros(stamp.recorded_at)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let t = ledger.tables();
    if !projection::is_signed(&t)? {
        return Ok(Checkpoint::of_ledger(ledger, &time, None)?);
    }
    let key = stamp.key.as_ref().ok_or_else(|| CheckpointError::NoKey {
        author: stamp.author.clone(),
    })?;
    let pk = key.verifying_key().to_bytes();
    match projection::author(&t, &stamp.author)? {
        Some(a) if a.revoked_at.is_none() && a.public_key == pk => {}
        _ => {
            return Err(CheckpointError::NotAuthorised {
                author: stamp.author.clone(),
            })
        }
    }
    Ok(Checkpoint::of_ledger(
        ledger,
        &time,
        Some((&stamp.author, key)),
    )?)
}
