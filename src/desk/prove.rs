//! `prove`: an inclusion proof for one event (by claim or source id, or seq) in a tree of the
//! ledger, or a consistency proof between two tree sizes, as the files `verify-proof` checks.

use crate::error::LedgerError;
use crate::integrity::proof::{
    prove_consistency, prove_inclusion, ConsistencyFile, InclusionFile, ProofError,
};
use crate::Ledger;
use serde::Serialize;

/// What to prove.
#[derive(Debug, Clone)]
pub enum ProveRequest {
    /// That the event named by `target` (a claim or source id, or a seq) is in the tree of
    /// `size` events (default: the whole ledger now).
    Inclusion {
        /// A claim or source id, or a seq.
        target: String,
        /// The tree size.
        size: Option<u64>,
    },
    /// That the tree of `new` events extends the tree of `old` events.
    Consistency {
        /// The older size.
        old: u64,
        /// The newer size.
        new: u64,
    },
}

/// A proof file; its JSON is the file `verify-proof` reads.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ProofFile {
    /// An inclusion proof.
    Inclusion(InclusionFile),
    /// A consistency proof.
    Consistency(ConsistencyFile),
}

/// Why no proof was made.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The target names no event.
    #[error("'{target}' is neither a claim or source id nor a seq between 1 and {head}")]
    NoSuchTarget {
        /// What was asked for.
        target: String,
        /// The ledger's head seq.
        head: u64,
    },
    /// A tree size that does not hold the event, or is past the head.
    #[error("--size {size}: must be at least seq {seq} and at most the ledger's {head} events")]
    SizeOutOfRange {
        /// The size asked for.
        size: u64,
        /// The event's seq.
        seq: u64,
        /// The ledger's head seq.
        head: u64,
    },
    /// A consistency proof to a size past the head.
    #[error("--consistency {old} {new}: the ledger has only {head} events")]
    PastHead {
        /// The older size.
        old: u64,
        /// The newer size.
        new: u64,
        /// The ledger's head seq.
        head: u64,
    },
    /// The proof could not be built.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// Reading the ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Builds the proof asked for.
pub fn prove(ledger: &Ledger, request: &ProveRequest) -> Result<ProofFile, ProveError> {
    let head = ledger.head().seq;
    match request {
        &ProveRequest::Consistency { old, new } => {
            if new > head {
                return Err(ProveError::PastHead { old, new, head });
            }
            Ok(ProofFile::Consistency(prove_consistency(ledger, old, new)?))
        }
        ProveRequest::Inclusion { target, size } => {
            let seq = match ledger.find(target)? {
                Some(e) => e.seq,
                None => target
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=head).contains(s))
                    .ok_or_else(|| ProveError::NoSuchTarget {
                        target: target.clone(),
                        head,
                    })?,
            };
            let size = size.unwrap_or(head);
            if size > head || size < seq {
                return Err(ProveError::SizeOutOfRange { size, seq, head });
            }
            Ok(ProofFile::Inclusion(prove_inclusion(ledger, seq, size)?))
        }
    }
}
