//! The library's error type: what went wrong, and where (seq, id, file), so the CLI can say it.

use crate::model::event::DecodeError;
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
    Authority(#[from] crate::integrity::signing::AuthorityError),
    /// A name (a key name, an author) breaks the id rules.
    #[error("{what} {rule}")]
    BadName {
        /// What the name is, as messages call it (`key name`).
        what: &'static str,
        /// The rule it breaks.
        rule: crate::intake::validate::Rule,
    },
    /// Events made elsewhere (a bundle) do not continue this ledger's chain exactly.
    #[error(
        "event seq {seq} does not continue the ledger (expected seq {expected} linked to {prev})"
    )]
    DoesNotContinue {
        /// The event's own seq.
        seq: u64,
        /// The seq the ledger needs next.
        expected: u64,
        /// The hash it must link to, hex.
        prev: String,
    },
    /// An archived text handed in with events does not hash to the hash it came with.
    #[error("archived text {hash} does not match its hash")]
    TextMismatch {
        /// The hash it came with, hex.
        hash: String,
    },
    /// The projection is behind the log, so an append cannot be checked against it. Opening the
    /// ledger brings it up to date.
    #[error("the projection is not up to date; reopen the ledger")]
    ProjectionBehind,
}

impl LedgerError {
    /// True when the caller asked for something the ledger cannot do (bad input, a refused
    /// signature), as opposed to a damaged ledger or a machine that failed.
    pub fn is_caller_error(&self) -> bool {
        matches!(
            self,
            LedgerError::Store(
                StoreError::Missing(_)
                    | StoreError::AlreadyExists(_)
                    | StoreError::BadLocator { .. }
                    | StoreError::DuplicateKey { .. }
            ) | LedgerError::Authority(_)
                | LedgerError::BadName { .. }
                | LedgerError::DoesNotContinue { .. }
                | LedgerError::TextMismatch { .. }
                | LedgerError::ProjectionBehind
        )
    }

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
