//! Merkle trees over the log, so a reader can check that one event is in the ledger (an inclusion
//! proof) or that today's ledger extends yesterday's without rewriting it (a consistency proof)
//! from a few hashes instead of the whole log.
//!
//! The tree structure, the proofs and their verification are those of RFC 9162 (Certificate
//! Transparency v2) §2.1: leaf hash `H(0x00 || leaf)`, interior node `H(0x01 || left || right)`,
//! the empty tree `H("")` (§2.1.1), left subtrees of the largest power of two below the size,
//! inclusion paths per §2.1.3 and consistency proofs per §2.1.4. The hash function is a parameter
//! ([`MerkleHasher`]): the ledger uses [`Blake3Hasher`] over the 32-byte event hashes, and
//! `tests/merkle_vectors.rs` checks the structure against the published SHA-256 Certificate
//! Transparency vectors.
//!
//! Everything here is pure: leaves come from a slice or from a closure giving leaf hashes, and
//! nothing is stored. Roots are computed in one pass with a stack of at most 64 subtree roots
//! ([`MerkleBuilder`]), so a million event hashes can be streamed from the store; a proof costs at
//! most one pass over the leaves of the tree it is about.
//!
//! # Layout
//! - this file — the hasher (domain separation), the index and size newtypes, and the byte and
//!   hex forms the two proof types share;
//! - `tree` — [`MerkleBuilder`], [`root`], [`subtree_root`];
//! - `inclusion` — [`InclusionProof`], [`inclusion_proof`], [`verify_inclusion`];
//! - `consistency` — [`ConsistencyProof`], [`consistency_proof`], [`verify_consistency`];
//! - `head` — [`TreeHead`], a size and a root bound together, which verifies proofs against
//!   itself, so the two cannot come from different trees;
//! - `error` — [`MerkleError`], [`VerifyError`], [`ProofFormatError`].

use crate::model::event::parse_hash;

/// The hash function of a tree, with RFC 9162 §2.1.1's domain separation built in.
///
/// Leaves and interior nodes are hashed with different one-byte prefixes so that a leaf can never
/// be passed off as an interior node (second-preimage attacks on the tree).
pub trait MerkleHasher {
    /// The hash of a leaf: `H(0x00 || data)`.
    fn leaf(data: &[u8]) -> [u8; 32];
    /// The hash of an interior node: `H(0x01 || left || right)`.
    fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32];
    /// The root of the empty tree: `H("")`.
    fn empty() -> [u8; 32];
}

/// RFC 9162 §2.1.1 with plain (unkeyed) BLAKE3 in place of SHA-256; what the ledger uses.
///
/// Exactly: leaf = `blake3(0x00 || data)`, node = `blake3(0x01 || left || right)`, empty =
/// `blake3("")`. The leaves are the 32-byte event hashes. Those are BLAKE3 in derive-key mode,
/// which BLAKE3's mode flags keep apart from the plain hashing used here, so an event hash and a
/// tree hash cannot be confused either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blake3Hasher;

impl MerkleHasher for Blake3Hasher {
    fn leaf(data: &[u8]) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(&[0x00]);
        h.update(data);
        *h.finalize().as_bytes()
    }

    fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
        // One contiguous input is measurably cheaper than three `update`s on this hot path.
        let mut input = [0u8; 65];
        input[0] = 0x01;
        input[1..33].copy_from_slice(left);
        input[33..].copy_from_slice(right);
        *blake3::hash(&input).as_bytes()
    }

    fn empty() -> [u8; 32] {
        *blake3::hash(b"").as_bytes()
    }
}

/// A 0-based position of a leaf in the tree (event seq 1 is leaf 0).
///
/// A newtype so that an index and a size, both `u64`, cannot be swapped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LeafIndex(pub u64);

/// A number of leaves: the size of a tree, which names the tree (the first `n` leaves of the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TreeSize(pub u64);

/// The most hashes a proof may hold. An inclusion path never needs more (a tree of up to 2^64 - 1
/// leaves is 64 levels deep), nor does a consistency proof between trees of up to 2^63 leaves; the
/// bound keeps a crafted proof cheap to reject.
pub const MAX_PROOF_ELEMENTS: usize = 64;

fn check_count(count: usize) -> Result<(), ProofFormatError> {
    if count > MAX_PROOF_ELEMENTS {
        return Err(ProofFormatError::TooManyElements {
            count,
            max: MAX_PROOF_ELEMENTS,
        });
    }
    Ok(())
}

fn path_from_bytes(bytes: &[u8]) -> Result<Vec<[u8; 32]>, ProofFormatError> {
    if !bytes.len().is_multiple_of(32) {
        return Err(ProofFormatError::LengthNotMultipleOf32 { len: bytes.len() });
    }
    check_count(bytes.len() / 32)?;
    let mut path = Vec::with_capacity(bytes.len() / 32);
    for chunk in bytes.chunks_exact(32) {
        let mut h = [0u8; 32];
        h.copy_from_slice(chunk);
        path.push(h);
    }
    Ok(path)
}

fn path_from_hex(hexes: &[impl AsRef<str>]) -> Result<Vec<[u8; 32]>, ProofFormatError> {
    check_count(hexes.len())?;
    hexes
        .iter()
        .enumerate()
        .map(|(index, s)| parse_hash(s.as_ref()).ok_or(ProofFormatError::BadHex { index }))
        .collect()
}

/// The shared surface of the two proof types: opaque lists of hashes with a byte and a hex form.
macro_rules! proof_type {
    ($name:ident) => {
        impl $name {
            /// Wraps a list of hashes; fails if there are more than
            /// [`MAX_PROOF_ELEMENTS`](crate::integrity::merkle::MAX_PROOF_ELEMENTS).
            pub fn new(
                path: Vec<[u8; 32]>,
            ) -> Result<Self, $crate::integrity::merkle::ProofFormatError> {
                $crate::integrity::merkle::check_count(path.len())?;
                Ok(Self { path })
            }

            /// The hashes, in RFC 9162 order (nearest the leaves first).
            pub fn as_slice(&self) -> &[[u8; 32]] {
                &self.path
            }

            /// How many hashes the proof holds.
            pub fn len(&self) -> usize {
                self.path.len()
            }

            /// True for the empty proof (a one-leaf tree, or equal or empty old sizes).
            pub fn is_empty(&self) -> bool {
                self.path.is_empty()
            }

            /// The hashes concatenated, 32 bytes each.
            pub fn to_bytes(&self) -> Vec<u8> {
                self.path.concat()
            }

            /// Parses the form [`Self::to_bytes`] writes.
            pub fn try_from_bytes(
                bytes: &[u8],
            ) -> Result<Self, $crate::integrity::merkle::ProofFormatError> {
                Ok(Self {
                    path: $crate::integrity::merkle::path_from_bytes(bytes)?,
                })
            }

            /// One lower-case hex string per hash, for JSON.
            pub fn to_hex_vec(&self) -> Vec<String> {
                self.path
                    .iter()
                    .map(|h| $crate::model::event::hex(h))
                    .collect()
            }

            /// Parses the form [`Self::to_hex_vec`] writes (either case of hex digit).
            pub fn from_hex_vec(
                hexes: &[impl AsRef<str>],
            ) -> Result<Self, $crate::integrity::merkle::ProofFormatError> {
                Ok(Self {
                    path: $crate::integrity::merkle::path_from_hex(hexes)?,
                })
            }
        }
    };
}

mod consistency;
mod error;
mod head;
mod inclusion;
#[cfg(test)]
mod reference;
mod tree;

pub use consistency::{
    consistency_proof, consistency_proof_with, verify_consistency, ConsistencyProof,
};
pub use error::VerifyError;
pub use error::{MerkleError, ProofFormatError};
pub use head::TreeHead;
pub use inclusion::{inclusion_proof, inclusion_proof_with, verify_inclusion, InclusionProof};
pub use tree::{root, subtree_root, MerkleBuilder};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::merkle::reference::blake_leaves;

    #[test]
    fn merkle_blake3_hasher_is_plain_blake3_with_prefixes() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let mut leaf_input = vec![0u8];
        leaf_input.extend_from_slice(&a);
        assert_eq!(
            Blake3Hasher::leaf(&a),
            *blake3::hash(&leaf_input).as_bytes()
        );
        let node_input = [&[1u8][..], &a, &b].concat();
        assert_eq!(
            Blake3Hasher::node(&a, &b),
            *blake3::hash(&node_input).as_bytes()
        );
        assert_eq!(Blake3Hasher::empty(), *blake3::hash(b"").as_bytes());
    }

    #[test]
    fn merkle_proof_serialization() {
        let leaves = blake_leaves(100);
        let proof =
            inclusion_proof::<Blake3Hasher>(&leaves, LeafIndex(37), TreeSize(100)).expect("valid");
        let bytes = proof.to_bytes();
        assert_eq!(bytes.len(), 32 * proof.len());
        assert_eq!(InclusionProof::try_from_bytes(&bytes), Ok(proof.clone()));
        assert_eq!(
            InclusionProof::from_hex_vec(&proof.to_hex_vec()),
            Ok(proof.clone())
        );
        let upper: Vec<String> = proof
            .to_hex_vec()
            .iter()
            .map(|s| s.to_uppercase())
            .collect();
        assert_eq!(InclusionProof::from_hex_vec(&upper), Ok(proof));
        assert_eq!(
            InclusionProof::try_from_bytes(&[]),
            Ok(InclusionProof::default())
        );

        assert_eq!(
            ConsistencyProof::try_from_bytes(&[0; 33]),
            Err(ProofFormatError::LengthNotMultipleOf32 { len: 33 })
        );
        assert_eq!(
            ConsistencyProof::try_from_bytes(&[0; 32 * 65]),
            Err(ProofFormatError::TooManyElements { count: 65, max: 64 })
        );
        assert!(ConsistencyProof::try_from_bytes(&[0; 32 * 64]).is_ok());
        assert_eq!(
            ConsistencyProof::new(vec![[0; 32]; 65]),
            Err(ProofFormatError::TooManyElements { count: 65, max: 64 })
        );
        let bad = ["00".repeat(32), "zz".repeat(32)];
        assert_eq!(
            ConsistencyProof::from_hex_vec(&bad),
            Err(ProofFormatError::BadHex { index: 1 })
        );
        assert_eq!(
            ConsistencyProof::from_hex_vec(&["00".repeat(31)]),
            Err(ProofFormatError::BadHex { index: 0 })
        );
        assert_eq!(
            ConsistencyProof::from_hex_vec(&["é".repeat(32)]),
            Err(ProofFormatError::BadHex { index: 0 })
        );
        assert_eq!(
            ConsistencyProof::from_hex_vec(&vec!["00".repeat(32); 65]),
            Err(ProofFormatError::TooManyElements { count: 65, max: 64 })
        );
    }
}
