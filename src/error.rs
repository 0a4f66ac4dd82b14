//! The library's error type: what went wrong, and where (seq, id, file), so the CLI can say it.

use crate::event::DecodeError;
use crate::store::StoreError;

/// Errors from ledger operations.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The store below failed or is damaged.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored record does not decode.
    #[error("event seq {seq} is corrupt: {source}")]
    CorruptEvent {
        /// Which event.
        seq: u64,
        /// Why it does not decode.
        source: DecodeError,
    },
    /// A stored record decodes but is not what its place says it must be.
    #[error("event seq {seq} is corrupt: {problem}")]
    Inconsistent {
        /// Which event.
        seq: u64,
        /// What is wrong.
        problem: String,
    },
    /// An archived text is missing or damaged.
    #[error("archived text {hash} is corrupt or missing: {problem}")]
    CorruptText {
        /// Its hash, hex.
        hash: String,
        /// What is wrong.
        problem: String,
    },
    /// An event's signature or its author's authority is not acceptable.
    #[error(transparent)]
    Authority(#[from] crate::signing::AuthorityError),
    /// Input the caller gave is not acceptable (as opposed to a damaged ledger).
    #[error("{0}")]
    Invalid(String),
}

impl LedgerError {
    /// True when the error means the ledger itself is damaged, not that the caller asked wrongly.
    pub fn is_integrity(&self) -> bool {
        matches!(
            self,
            LedgerError::Store(StoreError::LostEvents { .. } | StoreError::Corrupt(_))
                | LedgerError::CorruptEvent { .. }
                | LedgerError::Inconsistent { .. }
                | LedgerError::CorruptText { .. }
        )
    }
}

/// Result alias for the library.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
