//! Why a Merkle operation failed: a proof cannot be made from the leaves given
//! ([`MerkleError`]), a proof does not verify ([`VerifyError`], one variant per check of
//! RFC 9162), or bytes or hex strings are not a proof ([`ProofFormatError`]).

use crate::model::event::hex;

/// Why a proof cannot be produced from the leaves given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// The leaf asked about is not in the tree asked about.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The leaf asked about.
        index: u64,
        /// The size of the tree asked about.
        size: u64,
    },
    /// The tree asked about is larger than the leaves given.
    #[error("tree size {size} exceeds the {available} leaves given")]
    SizeExceedsLeaves {
        /// The size asked about.
        size: u64,
        /// How many leaves were given.
        available: u64,
    },
    /// A consistency proof was asked for from a larger tree to a smaller one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    OldSizeExceedsNew {
        /// The size of the older tree.
        old_size: u64,
        /// The size of the newer tree.
        new_size: u64,
    },
}

/// Why a proof does not verify. Each variant is one distinct check of RFC 9162 §2.1.3.2 or
/// §2.1.4.2 (or of the cases those sections leave to the caller), so a failure says which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Inclusion: the leaf index is not below the tree size (§2.1.3.2 step 1), e.g. any index in
    /// the empty tree.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The claimed leaf index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// The proof goes on after the path reached the root (§2.1.3.2 step 4a, §2.1.4.2 step 6a).
    #[error(
        "proof has {actual} elements but these sizes need only {expected}: it has extra elements"
    )]
    ExtraPathElements {
        /// How many elements these index and sizes call for.
        expected: usize,
        /// How many the proof has.
        actual: usize,
    },
    /// The proof ends before the path reaches the root (§2.1.3.2 step 5, §2.1.4.2 step 7).
    #[error("proof has {actual} elements but these sizes need {expected}: elements are missing")]
    MissingPathElements {
        /// How many elements these index and sizes call for.
        expected: usize,
        /// How many the proof has.
        actual: usize,
    },
    /// Inclusion: the path leads to a different root (§2.1.3.2 step 5).
    #[error(
        "inclusion proof leads to root {}, not the given root {}",
        hex(.computed),
        hex(.expected)
    )]
    RootMismatch {
        /// The root the leaf and path hash to.
        computed: [u8; 32],
        /// The root given.
        expected: [u8; 32],
    },
    /// Consistency: the old tree is larger than the new one; logs only grow.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    OldSizeExceedsNew {
        /// The claimed old size.
        old_size: u64,
        /// The claimed new size.
        new_size: u64,
    },
    /// Consistency from the empty tree: every tree extends it, so the proof must be empty.
    #[error(
        "the old tree is empty, so the consistency proof must be empty, but it has {len} elements"
    )]
    EmptyOldTreeNonEmptyProof {
        /// How many elements the proof has.
        len: usize,
    },
    /// Consistency from the empty tree: the old root given is not the empty-tree hash.
    #[error(
        "the old tree is empty but the old root {} is not the empty-tree hash {}",
        hex(.old_root),
        hex(.empty)
    )]
    EmptyOldTreeRootMismatch {
        /// The old root given.
        old_root: [u8; 32],
        /// The hash of the empty tree.
        empty: [u8; 32],
    },
    /// Consistency between equal sizes: the trees are the same, so the proof must be empty.
    #[error(
        "the tree sizes are equal ({size}), so the consistency proof must be empty, but it has {len} elements"
    )]
    EqualSizesNonEmptyProof {
        /// The size of both trees.
        size: u64,
        /// How many elements the proof has.
        len: usize,
    },
    /// Consistency between equal sizes: the two roots differ, so the trees differ.
    #[error(
        "the tree sizes are equal ({size}) but the roots differ: {} and {}",
        hex(.old_root),
        hex(.new_root)
    )]
    EqualSizesRootsDiffer {
        /// The size of both trees.
        size: u64,
        /// The old root given.
        old_root: [u8; 32],
        /// The new root given.
        new_root: [u8; 32],
    },
    /// Consistency between different non-empty sizes with no proof at all (§2.1.4.2 step 1).
    #[error("consistency proof from size {old_size} to {new_size} is empty")]
    EmptyConsistencyProof {
        /// The claimed old size.
        old_size: u64,
        /// The claimed new size.
        new_size: u64,
    },
    /// Consistency: the proof does not rebuild the old root (§2.1.4.2 step 7).
    #[error(
        "consistency proof leads to old root {}, not the given old root {}",
        hex(.computed),
        hex(.expected)
    )]
    OldRootMismatch {
        /// The old root the proof hashes to.
        computed: [u8; 32],
        /// The old root given.
        expected: [u8; 32],
    },
    /// Consistency: the proof does not rebuild the new root (§2.1.4.2 step 7).
    #[error(
        "consistency proof leads to new root {}, not the given new root {}",
        hex(.computed),
        hex(.expected)
    )]
    NewRootMismatch {
        /// The new root the proof hashes to.
        computed: [u8; 32],
        /// The new root given.
        expected: [u8; 32],
    },
}

/// Why bytes or hex strings are not a proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofFormatError {
    /// The bytes do not split into whole 32-byte hashes.
    #[error("proof is {len} bytes, not a multiple of 32")]
    LengthNotMultipleOf32 {
        /// The byte length given.
        len: usize,
    },
    /// More hashes than any proof may hold ([`MAX_PROOF_ELEMENTS`](super::MAX_PROOF_ELEMENTS)).
    #[error("proof has {count} elements, more than the maximum of {max}")]
    TooManyElements {
        /// How many were given.
        count: usize,
        /// The maximum.
        max: usize,
    },
    /// One element is not 64 hex digits.
    #[error("proof element {index} is not 64 hex digits")]
    BadHex {
        /// Its 0-based position.
        index: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merkle_error_messages_name_the_problem() {
        let msg = VerifyError::RootMismatch {
            computed: [0; 32],
            expected: [255; 32],
        }
        .to_string();
        assert!(msg.contains(&"ff".repeat(32)), "{msg}");
        let msg = VerifyError::OldRootMismatch {
            computed: [0xab; 32],
            expected: [0xcd; 32],
        }
        .to_string();
        assert!(
            msg.contains(&"ab".repeat(32)) && msg.contains(&"cd".repeat(32)),
            "{msg}"
        );
        assert_eq!(
            VerifyError::MissingPathElements {
                expected: 3,
                actual: 2
            }
            .to_string(),
            "proof has 2 elements but these sizes need 3: elements are missing"
        );
        assert_eq!(
            ProofFormatError::BadHex { index: 4 }.to_string(),
            "proof element 4 is not 64 hex digits"
        );
        assert_eq!(
            MerkleError::SizeExceedsLeaves {
                size: 9,
                available: 8
            }
            .to_string(),
            "tree size 9 exceeds the 8 leaves given"
        );
    }
}
