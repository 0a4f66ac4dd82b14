//! Merkle trees over the log, so a reader can check that one event is in the ledger (an inclusion
//! proof) or that today's ledger extends yesterday's without rewriting it (a consistency proof)
//! from a few hashes instead of the whole log.
//!
//! The tree structure, the proofs and their verification are those of RFC 9162 (Certificate
//! Transparency v2) §2.1: leaf hash `H(0x00 || leaf)`, interior node `H(0x01 || left || right)`,
//! the empty tree `H("")` (§2.1.1), left subtrees of the largest power of two below the size,
//! inclusion paths per §2.1.3 and consistency proofs per §2.1.4. The hash function is a parameter
//! ([`MerkleHasher`]): the ledger uses [`Blake3Hasher`] over the 32-byte event hashes, and the
//! tests check the structure against the published SHA-256 Certificate Transparency vectors.
//!
//! Everything here is pure: leaves come from a slice or from a closure giving leaf hashes, and
//! nothing is stored. Roots are computed in one pass with a stack of at most 64 subtree roots
//! ([`MerkleBuilder`]), so a million event hashes can be streamed from the store; a proof costs at
//! most one pass over the leaves of the tree it is about.

use crate::event::{hex, parse_hash};
use std::marker::PhantomData;
use std::ops::Range;

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
    /// More hashes than any proof may hold ([`MAX_PROOF_ELEMENTS`]).
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
            /// Wraps a list of hashes; fails if there are more than [`MAX_PROOF_ELEMENTS`].
            pub fn new(path: Vec<[u8; 32]>) -> Result<Self, ProofFormatError> {
                check_count(path.len())?;
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
            pub fn try_from_bytes(bytes: &[u8]) -> Result<Self, ProofFormatError> {
                Ok(Self {
                    path: path_from_bytes(bytes)?,
                })
            }

            /// One lower-case hex string per hash, for JSON.
            pub fn to_hex_vec(&self) -> Vec<String> {
                self.path.iter().map(|h| hex(h)).collect()
            }

            /// Parses the form [`Self::to_hex_vec`] writes (either case of hex digit).
            pub fn from_hex_vec(hexes: &[impl AsRef<str>]) -> Result<Self, ProofFormatError> {
                Ok(Self {
                    path: path_from_hex(hexes)?,
                })
            }
        }
    };
}

/// The hashes that lead from one leaf to the root of a tree (RFC 9162 §2.1.3, `PATH`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InclusionProof {
    path: Vec<[u8; 32]>,
}
proof_type!(InclusionProof);

/// The hashes that show a tree is a prefix of a larger one (RFC 9162 §2.1.4, `PROOF`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsistencyProof {
    path: Vec<[u8; 32]>,
}
proof_type!(ConsistencyProof);

/// Computes a tree root in one pass over its leaves, holding only the roots of the perfect
/// subtrees seen so far (one per set bit of the size, so at most 64).
///
/// This is how the ledger hashes a million events without holding them: push each event hash in
/// order, then ask for [`MerkleBuilder::root`] (which may be asked at any size along the way).
#[derive(Debug, Clone)]
pub struct MerkleBuilder<H: MerkleHasher> {
    /// Roots of the perfect subtrees that make up the tree so far, leftmost (largest) first.
    stack: Vec<[u8; 32]>,
    size: u64,
    hasher: PhantomData<fn() -> H>,
}

impl<H: MerkleHasher> Default for MerkleBuilder<H> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H: MerkleHasher> MerkleBuilder<H> {
    /// The empty tree.
    pub fn new() -> Self {
        Self {
            stack: Vec::new(),
            size: 0,
            hasher: PhantomData,
        }
    }

    /// Appends a leaf given as data (it is hashed with [`MerkleHasher::leaf`]).
    pub fn push(&mut self, leaf: &[u8]) {
        self.push_leaf_hash(H::leaf(leaf));
    }

    /// Appends a leaf given as its leaf hash, for callers that already have it.
    pub fn push_leaf_hash(&mut self, leaf_hash: [u8; 32]) {
        // Each trailing 1 bit of the old size is a perfect subtree of the same height as the
        // one being carried, so they merge, exactly like incrementing a binary counter.
        let mut node = leaf_hash;
        let mut carry = self.size;
        while carry & 1 == 1 {
            let Some(left) = self.stack.pop() else { break };
            node = H::node(&left, &node);
            carry >>= 1;
        }
        self.stack.push(node);
        // Overflow would take 2^64 pushes: out of reach, so not guarded.
        self.size += 1;
    }

    /// How many leaves have been pushed.
    pub fn size(&self) -> TreeSize {
        TreeSize(self.size)
    }

    /// The root of the tree of the leaves pushed so far (RFC 9162 `MTH`).
    ///
    /// `MTH` splits at the largest power of two below the size, which is the leftmost perfect
    /// subtree; folding the stack from the right therefore gives the same hash.
    pub fn root(&self) -> [u8; 32] {
        let mut nodes = self.stack.iter().rev();
        let Some(last) = nodes.next() else {
            return H::empty();
        };
        nodes.fold(*last, |acc, left| H::node(left, &acc))
    }
}

impl<H: MerkleHasher, L: AsRef<[u8]>> Extend<L> for MerkleBuilder<H> {
    fn extend<I: IntoIterator<Item = L>>(&mut self, leaves: I) {
        for leaf in leaves {
            self.push(leaf.as_ref());
        }
    }
}

/// The root of the tree over `leaves` (RFC 9162 §2.1.1 `MTH`), in O(n) time and O(log n) memory.
pub fn root<H: MerkleHasher>(leaves: &[impl AsRef<[u8]>]) -> [u8; 32] {
    let mut builder = MerkleBuilder::<H>::new();
    builder.extend(leaves);
    builder.root()
}

/// The root of the subtree over the leaves in `range` (`MTH(D[start:end])`), with `leaf_hash`
/// giving the leaf hash at each index. An empty range gives the empty-tree hash.
///
/// Proofs are made of such subtree roots; each is computed by streaming, so a proof over a tree
/// of n leaves costs at most n leaf hashes and n node hashes in all.
pub fn subtree_root<H: MerkleHasher>(
    mut leaf_hash: impl FnMut(u64) -> [u8; 32],
    range: Range<u64>,
) -> [u8; 32] {
    let mut builder = MerkleBuilder::<H>::new();
    for i in range {
        builder.push_leaf_hash(leaf_hash(i));
    }
    builder.root()
}

/// The largest power of two strictly below `n`, for `n >= 2` (RFC 9162's `k`).
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Checks that `size` leaves are available and returns a closure hashing them.
fn slice_leaf_hash<'a, H: MerkleHasher>(
    leaves: &'a [impl AsRef<[u8]>],
    size: TreeSize,
) -> Result<impl FnMut(u64) -> [u8; 32] + 'a, MerkleError> {
    let available = u64::try_from(leaves.len()).unwrap_or(u64::MAX);
    if size.0 > available {
        return Err(MerkleError::SizeExceedsLeaves {
            size: size.0,
            available,
        });
    }
    // Callers only ask for indices below `size`, which fit in `usize` since they index a slice.
    Ok(move |i: u64| H::leaf(leaves[i as usize].as_ref()))
}

/// The inclusion proof for leaf `index` in the tree of the first `size` of `leaves`
/// (RFC 9162 §2.1.3.1 `PATH(m, D[n])`).
pub fn inclusion_proof<H: MerkleHasher>(
    leaves: &[impl AsRef<[u8]>],
    index: LeafIndex,
    size: TreeSize,
) -> Result<InclusionProof, MerkleError> {
    check_index(index, size)?;
    inclusion_proof_with::<H>(slice_leaf_hash::<H>(leaves, size)?, index, size)
}

fn check_index(index: LeafIndex, size: TreeSize) -> Result<(), MerkleError> {
    if index.0 >= size.0 {
        return Err(MerkleError::IndexOutOfRange {
            index: index.0,
            size: size.0,
        });
    }
    Ok(())
}

/// [`inclusion_proof`] with `leaf_hash` giving the leaf hash of each index below `size`, for
/// callers that hold leaf hashes (or read them from the store) rather than a slice of leaf data.
pub fn inclusion_proof_with<H: MerkleHasher>(
    mut leaf_hash: impl FnMut(u64) -> [u8; 32],
    index: LeafIndex,
    size: TreeSize,
) -> Result<InclusionProof, MerkleError> {
    check_index(index, size)?;
    // Walk down from the root, taking the sibling subtree at each split; the RFC lists the path
    // bottom-up, so reverse at the end.
    let (mut lo, mut hi) = (0u64, size.0);
    let mut path = Vec::new();
    while hi - lo > 1 {
        let mid = lo + split_point(hi - lo);
        if index.0 < mid {
            path.push(subtree_root::<H>(&mut leaf_hash, mid..hi));
            hi = mid;
        } else {
            path.push(subtree_root::<H>(&mut leaf_hash, lo..mid));
            lo = mid;
        }
    }
    path.reverse();
    Ok(InclusionProof { path })
}

/// The consistency proof from the tree of the first `old_size` of `leaves` to the tree of the
/// first `new_size` (RFC 9162 §2.1.4.1 `PROOF(m, D[n])`). Empty when `old_size` is 0 or equals
/// `new_size`: those need no proof.
pub fn consistency_proof<H: MerkleHasher>(
    leaves: &[impl AsRef<[u8]>],
    old_size: TreeSize,
    new_size: TreeSize,
) -> Result<ConsistencyProof, MerkleError> {
    check_sizes(old_size, new_size)?;
    consistency_proof_with::<H>(slice_leaf_hash::<H>(leaves, new_size)?, old_size, new_size)
}

fn check_sizes(old_size: TreeSize, new_size: TreeSize) -> Result<(), MerkleError> {
    if old_size > new_size {
        return Err(MerkleError::OldSizeExceedsNew {
            old_size: old_size.0,
            new_size: new_size.0,
        });
    }
    Ok(())
}

/// [`consistency_proof`] with `leaf_hash` giving the leaf hash of each index below `new_size`.
pub fn consistency_proof_with<H: MerkleHasher>(
    mut leaf_hash: impl FnMut(u64) -> [u8; 32],
    old_size: TreeSize,
    new_size: TreeSize,
) -> Result<ConsistencyProof, MerkleError> {
    check_sizes(old_size, new_size)?;
    if old_size.0 == 0 || old_size == new_size {
        return Ok(ConsistencyProof::default());
    }
    // SUBPROOF(m, D[lo:hi], b) unrolled: siblings are collected top-down and come out bottom-up,
    // after the root of the old subtree reached (unless it is the whole old tree, b = true).
    let (mut lo, mut hi) = (0u64, new_size.0);
    let mut m = old_size.0;
    let mut whole_old_tree = true;
    let mut siblings = Vec::new();
    loop {
        let n = hi - lo;
        if m == n {
            let mut path = Vec::with_capacity(siblings.len() + 1);
            if !whole_old_tree {
                path.push(subtree_root::<H>(&mut leaf_hash, lo..hi));
            }
            path.extend(siblings.into_iter().rev());
            return Ok(ConsistencyProof { path });
        }
        // Here 1 <= m < n, so n >= 2.
        let k = split_point(n);
        if m <= k {
            siblings.push(subtree_root::<H>(&mut leaf_hash, lo + k..hi));
            hi = lo + k;
        } else {
            siblings.push(subtree_root::<H>(&mut leaf_hash, lo..lo + k));
            lo += k;
            m -= k;
            whole_old_tree = false;
        }
    }
}

/// How many path elements the loop of §2.1.3.2 step 4 (and §2.1.4.2 step 6) consumes before `sn`
/// reaches 0. It depends only on the indices, so it names the length a proof should have.
fn path_len(mut fn_: u64, mut sn: u64) -> usize {
    let mut len = 0;
    while sn != 0 {
        if fn_ & 1 == 0 && fn_ == sn {
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        }
        fn_ >>= 1;
        sn >>= 1;
        len += 1;
    }
    len
}

/// Checks that `leaf` (leaf data: for the ledger, the 32-byte event hash) is leaf `index` of the
/// tree of `size` leaves whose root is `root`, exactly per RFC 9162 §2.1.3.2.
///
/// The proof binds the leaf to the root; `size` only gives the shape of the path, and sizes with
/// the same shape (e.g. 3 and 4 for leaf 0) accept the same proof. So take `size` and `root` from
/// one tree head that was committed to together, never from separate sources.
pub fn verify_inclusion<H: MerkleHasher>(
    leaf: &[u8],
    index: LeafIndex,
    size: TreeSize,
    proof: &InclusionProof,
    root: &[u8; 32],
) -> Result<(), VerifyError> {
    // Step 1.
    if index.0 >= size.0 {
        return Err(VerifyError::IndexOutOfRange {
            index: index.0,
            size: size.0,
        });
    }
    let expected = || path_len(index.0, size.0 - 1);
    // Steps 2 and 3.
    let (mut fn_, mut sn) = (index.0, size.0 - 1);
    let mut r = H::leaf(leaf);
    // Step 4.
    for p in &proof.path {
        if sn == 0 {
            return Err(VerifyError::ExtraPathElements {
                expected: expected(),
                actual: proof.len(),
            });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = H::node(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = H::node(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    if sn != 0 {
        return Err(VerifyError::MissingPathElements {
            expected: expected(),
            actual: proof.len(),
        });
    }
    if r != *root {
        return Err(VerifyError::RootMismatch {
            computed: r,
            expected: *root,
        });
    }
    Ok(())
}

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root`, exactly per RFC 9162 §2.1.4.2.
///
/// §2.1.4.2 covers 0 < old < new; the other cases are decided here: equal sizes need an empty
/// proof and equal roots, and the empty old tree needs an empty proof and the empty-tree root.
pub fn verify_consistency<H: MerkleHasher>(
    old_size: TreeSize,
    new_size: TreeSize,
    old_root: &[u8; 32],
    new_root: &[u8; 32],
    proof: &ConsistencyProof,
) -> Result<(), VerifyError> {
    let (first, second) = (old_size.0, new_size.0);
    if first > second {
        return Err(VerifyError::OldSizeExceedsNew {
            old_size: first,
            new_size: second,
        });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(VerifyError::EqualSizesNonEmptyProof {
                size: first,
                len: proof.len(),
            });
        }
        if old_root != new_root {
            return Err(VerifyError::EqualSizesRootsDiffer {
                size: first,
                old_root: *old_root,
                new_root: *new_root,
            });
        }
    }
    if first == 0 {
        if !proof.is_empty() {
            return Err(VerifyError::EmptyOldTreeNonEmptyProof { len: proof.len() });
        }
        if *old_root != H::empty() {
            return Err(VerifyError::EmptyOldTreeRootMismatch {
                old_root: *old_root,
                empty: H::empty(),
            });
        }
    }
    if first == 0 || first == second {
        return Ok(());
    }

    // Step 1.
    let Some((head, tail)) = proof.path.split_first() else {
        return Err(VerifyError::EmptyConsistencyProof {
            old_size: first,
            new_size: second,
        });
    };
    // Step 2: when the old tree is a perfect subtree its root is the first element, not sent.
    let (seed, rest) = if first.is_power_of_two() {
        (old_root, proof.path.as_slice())
    } else {
        (head, tail)
    };
    // Steps 3 and 4.
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let expected_len = path_len(fn_, sn) + usize::from(!first.is_power_of_two());
    // Step 5.
    let (mut fr, mut sr) = (*seed, *seed);
    // Step 6.
    for c in rest {
        if sn == 0 {
            return Err(VerifyError::ExtraPathElements {
                expected: expected_len,
                actual: proof.len(),
            });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = H::node(c, &fr);
            sr = H::node(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = H::node(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(VerifyError::MissingPathElements {
            expected: expected_len,
            actual: proof.len(),
        });
    }
    if fr != *old_root {
        return Err(VerifyError::OldRootMismatch {
            computed: fr,
            expected: *old_root,
        });
    }
    if sr != *new_root {
        return Err(VerifyError::NewRootMismatch {
            computed: sr,
            expected: *new_root,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// RFC 9162 §2.1.1 with SHA-256: the hasher of Certificate Transparency, for the vectors.
    struct Sha256Hasher;

    impl MerkleHasher for Sha256Hasher {
        fn leaf(data: &[u8]) -> [u8; 32] {
            Sha256::new()
                .chain_update([0x00])
                .chain_update(data)
                .finalize()
                .into()
        }

        fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
            Sha256::new()
                .chain_update([0x01])
                .chain_update(left)
                .chain_update(right)
                .finalize()
                .into()
        }

        fn empty() -> [u8; 32] {
            Sha256::digest(b"").into()
        }
    }

    fn h(s: &str) -> [u8; 32] {
        parse_hash(s).expect("test vector is 64 hex digits")
    }

    fn hs(ss: &[&str]) -> Vec<[u8; 32]> {
        ss.iter().map(|s| h(s)).collect()
    }

    // Certificate Transparency test vectors (SHA-256), from github.com/transparency-dev/merkle
    // (the successor of google/trillian's merkle/rfc6962 packages):
    // - leaves, roots of sizes 0..=8 and the node hashes: `testonly/constants.go`
    //   (`LeafInputs`, `RootHashes`, `NodeHashes`);
    // - inclusion and consistency proofs: `proof/verify_test.go` (`inclusionProofs`,
    //   `consistencyProofs`; its leaf numbers are 1-based, ours are 0-based);
    // - which nodes make up which proof: `proof/proof_test.go` (`TestInclusion`,
    //   `TestConsistency`), resolved to hashes with `NodeHashes`.
    const LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];

    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// `NodeHashes()`: level, then position within the level.
    const NODES: [&[&str]; 4] = [
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ],
        &[
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ],
        &[
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
    ];

    /// `inclusionProofs` with the leaf made 0-based: (index, size, path).
    const INCLUSION: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];

    /// `consistencyProofs`: (old size, new size, proof).
    const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];

    fn node(level: usize, index: usize) -> [u8; 32] {
        h(NODES[level][index])
    }

    fn sha_root(size: usize) -> [u8; 32] {
        root::<Sha256Hasher>(&LEAVES[..size])
    }

    #[test]
    fn merkle_kat_roots() {
        for (size, want) in ROOTS.iter().enumerate() {
            assert_eq!(hex(&sha_root(size)), *want, "size {size}");
            let mut b = MerkleBuilder::<Sha256Hasher>::new();
            b.extend(&LEAVES[..size]);
            assert_eq!(b.size(), TreeSize(size as u64));
            assert_eq!(hex(&b.root()), *want, "builder, size {size}");
        }
        assert_eq!(hex(&Sha256Hasher::empty()), ROOTS[0]);
    }

    #[test]
    fn merkle_kat_node_hashes_are_subtree_roots() {
        let leaf_hash = |i: u64| Sha256Hasher::leaf(LEAVES[i as usize]);
        for (level, nodes) in NODES.iter().enumerate() {
            for (index, want) in nodes.iter().enumerate() {
                let start = (index << level) as u64;
                let got = subtree_root::<Sha256Hasher>(leaf_hash, start..start + (1 << level));
                assert_eq!(hex(&got), *want, "level {level} index {index}");
            }
        }
    }

    #[test]
    fn merkle_kat_inclusion_proofs() {
        for (index, size, want) in INCLUSION {
            let proof = inclusion_proof::<Sha256Hasher>(&LEAVES, LeafIndex(index), TreeSize(size))
                .expect("valid index");
            assert_eq!(proof.as_slice(), hs(want), "index {index} size {size}");
            let root = h(ROOTS[size as usize]);
            let leaf = LEAVES[index as usize];
            verify_inclusion::<Sha256Hasher>(leaf, LeafIndex(index), TreeSize(size), &proof, &root)
                .expect("published proof verifies");
            inclusion_probes_fail(leaf, index, size, &proof, &root);
        }
    }

    #[test]
    fn merkle_kat_consistency_proofs() {
        for (old, new, want) in CONSISTENCY {
            let proof = consistency_proof::<Sha256Hasher>(&LEAVES, TreeSize(old), TreeSize(new))
                .expect("valid sizes");
            assert_eq!(proof.as_slice(), hs(want), "{old} -> {new}");
            let (r1, r2) = (h(ROOTS[old as usize]), h(ROOTS[new as usize]));
            verify_consistency::<Sha256Hasher>(TreeSize(old), TreeSize(new), &r1, &r2, &proof)
                .expect("published proof verifies");
            if !proof.is_empty() {
                consistency_probes_fail(old, new, &r1, &r2, &proof);
            }
        }
    }

    /// The corruptions of `corruptInclusionProof` in transparency-dev/merkle proof/verify_test.go
    /// (less the zero-length "garbage" elements, which a 32-byte element cannot be).
    fn inclusion_probes_fail(
        leaf: &[u8],
        index: u64,
        size: u64,
        proof: &InclusionProof,
        root: &[u8; 32],
    ) {
        let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
        let empty = Sha256Hasher::empty();
        let path = proof.as_slice();
        let fails = |desc: &str, index: u64, size: u64, leaf: &[u8], path: &[[u8; 32]], root| {
            let p = InclusionProof::new(path.to_vec()).expect("short");
            let r =
                verify_inclusion::<Sha256Hasher>(leaf, LeafIndex(index), TreeSize(size), &p, root);
            assert!(r.is_err(), "{desc} verified");
        };
        fails("index - 1", index.wrapping_sub(1), size, leaf, path, root);
        fails("index + 1", index + 1, size, leaf, path, root);
        fails("index ^ 2", index ^ 2, size, leaf, path, root);
        fails("size * 2", index, size * 2, leaf, path, root);
        fails("size / 2", index, size / 2, leaf, path, root);
        fails("wrong leaf", index, size, b"WrongLeaf", path, root);
        fails("empty root", index, size, leaf, path, &empty);
        fails("random root", index, size, leaf, path, &some);
        fails(
            "trailing root",
            index,
            size,
            leaf,
            &[path, &[*root]].concat(),
            root,
        );
        fails(
            "preceding root",
            index,
            size,
            leaf,
            &[&[*root], path].concat(),
            root,
        );
        for i in 0..path.len() {
            let mut p = path.to_vec();
            p[i][0] ^= 8;
            fails(&format!("proof[{i}] bit 3"), index, size, leaf, &p, root);
        }
        if let Some((_, init)) = path.split_last() {
            fails("removed component", index, size, leaf, init, root);
        }
        if path.len() > 1 {
            let p = [&[some, path[0]], &path[1..]].concat();
            fails("inserted component", index, size, leaf, &p, root);
        }
    }

    /// The corruptions of `corruptConsistencyProof` in transparency-dev/merkle
    /// proof/verify_test.go (less the zero-length "garbage" elements).
    fn consistency_probes_fail(
        old: u64,
        new: u64,
        r1: &[u8; 32],
        r2: &[u8; 32],
        proof: &ConsistencyProof,
    ) {
        let wrong = h("0000000000000000000000000000000000000000000000000000000000000001");
        let path = proof.as_slice();
        let fails = |desc: &str, old: u64, new: u64, r1, r2, path: &[[u8; 32]]| {
            let p = ConsistencyProof::new(path.to_vec()).expect("short");
            let r = verify_consistency::<Sha256Hasher>(TreeSize(old), TreeSize(new), r1, r2, &p);
            assert!(r.is_err(), "{desc} verified");
        };
        fails("size1 - 1", old - 1, new, r1, r2, path);
        fails("size1 + 1", old + 1, new, r1, r2, path);
        fails("size1 ^ 2", old ^ 2, new, r1, r2, path);
        fails("size2 * 2", old, new * 2, r1, r2, path);
        fails("size2 / 2", old, new / 2, r1, r2, path);
        fails("wrong root1", old, new, &wrong, r2, path);
        fails("wrong root2", old, new, r1, &wrong, path);
        fails("swapped roots", old, new, r2, r1, path);
        fails("empty proof", old, new, r1, r2, &[]);
        fails("trailing root1", old, new, r1, r2, &[path, &[*r1]].concat());
        fails("trailing root2", old, new, r1, r2, &[path, &[*r2]].concat());
        fails(
            "preceding root1",
            old,
            new,
            r1,
            r2,
            &[&[*r1], path].concat(),
        );
        fails(
            "preceding root2",
            old,
            new,
            r1,
            r2,
            &[&[*r2], path].concat(),
        );
        fails(
            "preceding proof[0]",
            old,
            new,
            r1,
            r2,
            &[&path[..1], path].concat(),
        );
        fails("truncated proof", old, new, r1, r2, &path[..path.len() - 1]);
        for i in 0..path.len() {
            let mut p = path.to_vec();
            p[i][0] ^= 16;
            fails(&format!("proof[{i}] bit 4"), old, new, r1, r2, &p);
        }
    }

    #[test]
    fn merkle_kat_proof_structure() {
        // proof/proof_test.go TestInclusion cases within 8 leaves that need no rehashing; the
        // letters there name NodeHashes: a..f,j = level 0, g h i = level 1, k l = level 2.
        let inclusion: [(u64, u64, Vec<[u8; 32]>); 10] = [
            (0, 2, vec![node(0, 1)]),
            (1, 2, vec![node(0, 0)]),
            (1, 3, vec![node(0, 0), node(0, 2)]),
            (4, 7, vec![node(0, 5), node(0, 6), node(2, 0)]),
            (5, 7, vec![node(0, 4), node(0, 6), node(2, 0)]),
            (6, 7, vec![node(1, 2), node(2, 0)]),
            (2, 4, vec![node(0, 3), node(1, 0)]),
            (3, 5, vec![node(0, 2), node(1, 0), node(0, 4)]),
            (3, 6, vec![node(0, 2), node(1, 0), node(1, 2)]),
            (4, 6, vec![node(0, 5), node(2, 0)]),
        ];
        for (index, size, want) in inclusion {
            let proof = inclusion_proof::<Sha256Hasher>(&LEAVES, LeafIndex(index), TreeSize(size))
                .expect("valid index");
            assert_eq!(proof.as_slice(), want, "index {index} size {size}");
            let root = sha_root(size as usize);
            verify_inclusion::<Sha256Hasher>(
                LEAVES[index as usize],
                LeafIndex(index),
                TreeSize(size),
                &proof,
                &root,
            )
            .expect("verifies");
        }
        // TestConsistency, same selection.
        let consistency: [(u64, u64, Vec<[u8; 32]>); 12] = [
            (1, 2, vec![node(0, 1)]),
            (1, 4, vec![node(0, 1), node(1, 1)]),
            (1, 6, vec![node(0, 1), node(1, 1), node(1, 2)]),
            (2, 3, vec![node(0, 2)]),
            (2, 8, vec![node(1, 1), node(2, 1)]),
            (5, 7, vec![node(0, 4), node(0, 5), node(0, 6), node(2, 0)]),
            (6, 7, vec![node(1, 2), node(0, 6), node(2, 0)]),
            (7, 8, vec![node(0, 6), node(0, 7), node(1, 2), node(2, 0)]),
            (2, 4, vec![node(1, 1)]),
            (3, 5, vec![node(0, 2), node(0, 3), node(1, 0), node(0, 4)]),
            (3, 6, vec![node(0, 2), node(0, 3), node(1, 0), node(1, 2)]),
            (4, 6, vec![node(1, 2)]),
        ];
        for (old, new, want) in consistency {
            let proof = consistency_proof::<Sha256Hasher>(&LEAVES, TreeSize(old), TreeSize(new))
                .expect("valid sizes");
            assert_eq!(proof.as_slice(), want, "{old} -> {new}");
            let (r1, r2) = (sha_root(old as usize), sha_root(new as usize));
            verify_consistency::<Sha256Hasher>(TreeSize(old), TreeSize(new), &r1, &r2, &proof)
                .expect("verifies");
        }
        for size in 1..=8 {
            let proof = consistency_proof::<Sha256Hasher>(&LEAVES, TreeSize(size), TreeSize(size))
                .expect("equal sizes");
            assert!(proof.is_empty());
        }
    }

    /// RFC 9162 §2.1.1 `MTH`, literally.
    fn reference_root<H: MerkleHasher>(d: &[[u8; 32]]) -> [u8; 32] {
        match d.len() {
            0 => H::empty(),
            1 => H::leaf(&d[0]),
            n => {
                let k = split_point(n as u64) as usize;
                H::node(&reference_root::<H>(&d[..k]), &reference_root::<H>(&d[k..]))
            }
        }
    }

    /// RFC 9162 §2.1.3.1 `PATH`, literally.
    fn reference_path<H: MerkleHasher>(m: usize, d: &[[u8; 32]]) -> Vec<[u8; 32]> {
        let n = d.len();
        if n <= 1 {
            return Vec::new();
        }
        let k = split_point(n as u64) as usize;
        if m < k {
            let mut p = reference_path::<H>(m, &d[..k]);
            p.push(reference_root::<H>(&d[k..]));
            p
        } else {
            let mut p = reference_path::<H>(m - k, &d[k..]);
            p.push(reference_root::<H>(&d[..k]));
            p
        }
    }

    /// RFC 9162 §2.1.4.1 `SUBPROOF`, literally.
    fn reference_subproof<H: MerkleHasher>(m: usize, d: &[[u8; 32]], b: bool) -> Vec<[u8; 32]> {
        let n = d.len();
        if m == n {
            return if b {
                Vec::new()
            } else {
                vec![reference_root::<H>(d)]
            };
        }
        let k = split_point(n as u64) as usize;
        if m <= k {
            let mut p = reference_subproof::<H>(m, &d[..k], b);
            p.push(reference_root::<H>(&d[k..]));
            p
        } else {
            let mut p = reference_subproof::<H>(m - k, &d[k..], false);
            p.push(reference_root::<H>(&d[..k]));
            p
        }
    }

    fn blake_leaves(n: usize) -> Vec<[u8; 32]> {
        (0..n as u64)
            .map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes())
            .collect()
    }

    #[test]
    fn merkle_streaming_root_matches_recursive_root_0_to_300() {
        let leaves = blake_leaves(300);
        let mut b = MerkleBuilder::<Blake3Hasher>::new();
        for size in 0..=300 {
            let want = reference_root::<Blake3Hasher>(&leaves[..size]);
            assert_eq!(b.root(), want, "builder at size {size}");
            assert_eq!(
                root::<Blake3Hasher>(&leaves[..size]),
                want,
                "root() at size {size}"
            );
            if size < 300 {
                b.push(&leaves[size]);
            }
        }
        assert_eq!(b.size(), TreeSize(300));
    }

    #[test]
    fn merkle_proofs_match_rfc_definitions() {
        let leaves = blake_leaves(70);
        for n in 1..=70 {
            for m in 0..n {
                let got = inclusion_proof::<Blake3Hasher>(
                    &leaves,
                    LeafIndex(m as u64),
                    TreeSize(n as u64),
                )
                .expect("valid");
                assert_eq!(
                    got.as_slice(),
                    reference_path::<Blake3Hasher>(m, &leaves[..n]),
                    "PATH({m}, {n})"
                );
            }
            for m in 1..=n {
                let got = consistency_proof::<Blake3Hasher>(
                    &leaves,
                    TreeSize(m as u64),
                    TreeSize(n as u64),
                )
                .expect("valid");
                assert_eq!(
                    got.as_slice(),
                    reference_subproof::<Blake3Hasher>(m, &leaves[..n], true),
                    "PROOF({m}, {n})"
                );
            }
        }
    }

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
    fn merkle_generation_errors() {
        let leaves = blake_leaves(5);
        assert_eq!(
            inclusion_proof::<Blake3Hasher>(&leaves, LeafIndex(5), TreeSize(5)),
            Err(MerkleError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert_eq!(
            inclusion_proof::<Blake3Hasher>(&leaves, LeafIndex(0), TreeSize(0)),
            Err(MerkleError::IndexOutOfRange { index: 0, size: 0 })
        );
        assert_eq!(
            inclusion_proof::<Blake3Hasher>(&leaves, LeafIndex(2), TreeSize(6)),
            Err(MerkleError::SizeExceedsLeaves {
                size: 6,
                available: 5
            })
        );
        assert_eq!(
            consistency_proof::<Blake3Hasher>(&leaves, TreeSize(4), TreeSize(3)),
            Err(MerkleError::OldSizeExceedsNew {
                old_size: 4,
                new_size: 3
            })
        );
        assert_eq!(
            consistency_proof::<Blake3Hasher>(&leaves, TreeSize(4), TreeSize(6)),
            Err(MerkleError::SizeExceedsLeaves {
                size: 6,
                available: 5
            })
        );
        assert_eq!(
            consistency_proof::<Blake3Hasher>(&leaves, TreeSize(0), TreeSize(5)),
            Ok(ConsistencyProof::default())
        );
    }

    #[test]
    fn merkle_each_verify_error_is_reported() {
        type B = Blake3Hasher;
        let leaves = blake_leaves(7);
        let r = |n: usize| root::<B>(&leaves[..n]);
        let incl = inclusion_proof::<B>(&leaves, LeafIndex(2), TreeSize(7)).expect("valid");
        let verify_incl = |index: u64, size: u64, path: &[[u8; 32]], root: &[u8; 32]| {
            let p = InclusionProof::new(path.to_vec()).expect("short");
            verify_inclusion::<B>(&leaves[2], LeafIndex(index), TreeSize(size), &p, root)
        };
        let path = incl.as_slice();
        assert_eq!(verify_incl(2, 7, path, &r(7)), Ok(()));
        assert_eq!(
            verify_incl(7, 7, path, &r(7)),
            Err(VerifyError::IndexOutOfRange { index: 7, size: 7 })
        );
        assert_eq!(
            verify_incl(0, 0, &[], &B::empty()),
            Err(VerifyError::IndexOutOfRange { index: 0, size: 0 })
        );
        let longer = [path, &[[0u8; 32]]].concat();
        assert_eq!(
            verify_incl(2, 7, &longer, &r(7)),
            Err(VerifyError::ExtraPathElements {
                expected: 3,
                actual: 4
            })
        );
        assert_eq!(
            verify_incl(2, 7, &path[..2], &r(7)),
            Err(VerifyError::MissingPathElements {
                expected: 3,
                actual: 2
            })
        );
        assert_eq!(
            verify_incl(2, 7, path, &r(6)),
            Err(VerifyError::RootMismatch {
                computed: r(7),
                expected: r(6)
            })
        );

        let cons = consistency_proof::<B>(&leaves, TreeSize(3), TreeSize(7)).expect("valid");
        let verify_cons = |old: u64, new: u64, r1: &[u8; 32], r2: &[u8; 32], path: &[[u8; 32]]| {
            let p = ConsistencyProof::new(path.to_vec()).expect("short");
            verify_consistency::<B>(TreeSize(old), TreeSize(new), r1, r2, &p)
        };
        let path = cons.as_slice();
        assert_eq!(path.len(), 4);
        assert_eq!(verify_cons(3, 7, &r(3), &r(7), path), Ok(()));
        assert_eq!(
            verify_cons(7, 3, &r(7), &r(3), path),
            Err(VerifyError::OldSizeExceedsNew {
                old_size: 7,
                new_size: 3
            })
        );
        assert_eq!(verify_cons(0, 7, &B::empty(), &r(7), &[]), Ok(()));
        assert_eq!(verify_cons(0, 0, &B::empty(), &B::empty(), &[]), Ok(()));
        assert_eq!(
            verify_cons(0, 7, &B::empty(), &r(7), path),
            Err(VerifyError::EmptyOldTreeNonEmptyProof { len: 4 })
        );
        assert_eq!(
            verify_cons(0, 7, &r(3), &r(7), &[]),
            Err(VerifyError::EmptyOldTreeRootMismatch {
                old_root: r(3),
                empty: B::empty()
            })
        );
        assert_eq!(
            verify_cons(0, 0, &r(3), &r(3), &[]),
            Err(VerifyError::EmptyOldTreeRootMismatch {
                old_root: r(3),
                empty: B::empty()
            })
        );
        assert_eq!(verify_cons(5, 5, &r(5), &r(5), &[]), Ok(()));
        assert_eq!(
            verify_cons(5, 5, &r(5), &r(5), &path[..1]),
            Err(VerifyError::EqualSizesNonEmptyProof { size: 5, len: 1 })
        );
        assert_eq!(
            verify_cons(5, 5, &r(5), &r(4), &[]),
            Err(VerifyError::EqualSizesRootsDiffer {
                size: 5,
                old_root: r(5),
                new_root: r(4)
            })
        );
        assert_eq!(
            verify_cons(3, 7, &r(3), &r(7), &[]),
            Err(VerifyError::EmptyConsistencyProof {
                old_size: 3,
                new_size: 7
            })
        );
        let longer = [path, &[[0u8; 32]]].concat();
        assert_eq!(
            verify_cons(3, 7, &r(3), &r(7), &longer),
            Err(VerifyError::ExtraPathElements {
                expected: 4,
                actual: 5
            })
        );
        assert_eq!(
            verify_cons(3, 7, &r(3), &r(7), &path[..3]),
            Err(VerifyError::MissingPathElements {
                expected: 4,
                actual: 3
            })
        );
        assert!(matches!(
            verify_cons(3, 7, &r(4), &r(7), path),
            Err(VerifyError::OldRootMismatch { .. })
        ));
        assert!(matches!(
            verify_cons(3, 7, &r(3), &r(6), path),
            Err(VerifyError::NewRootMismatch { .. })
        ));
        // A power-of-two old size sends no old root; the given one seeds the check.
        let cons = consistency_proof::<B>(&leaves, TreeSize(4), TreeSize(7)).expect("valid");
        assert_eq!(verify_cons(4, 7, &r(4), &r(7), cons.as_slice()), Ok(()));
        assert!(matches!(
            verify_cons(4, 7, &r(3), &r(7), cons.as_slice()),
            Err(VerifyError::OldRootMismatch { .. }) | Err(VerifyError::NewRootMismatch { .. })
        ));
        // Messages name the problem.
        let msg = VerifyError::RootMismatch {
            computed: [0; 32],
            expected: [255; 32],
        }
        .to_string();
        assert!(msg.contains(&"ff".repeat(32)), "{msg}");
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

    #[test]
    fn merkle_closure_and_slice_agree() {
        let leaves = blake_leaves(40);
        let leaf_hashes: Vec<[u8; 32]> = leaves.iter().map(|l| Blake3Hasher::leaf(l)).collect();
        let by_index = |i: u64| leaf_hashes[i as usize];
        assert_eq!(
            subtree_root::<Blake3Hasher>(by_index, 0..40),
            root::<Blake3Hasher>(&leaves)
        );
        assert_eq!(
            subtree_root::<Blake3Hasher>(by_index, 5..5),
            Blake3Hasher::empty()
        );
        assert_eq!(
            inclusion_proof_with::<Blake3Hasher>(by_index, LeafIndex(17), TreeSize(33)),
            inclusion_proof::<Blake3Hasher>(&leaves, LeafIndex(17), TreeSize(33))
        );
        assert_eq!(
            consistency_proof_with::<Blake3Hasher>(by_index, TreeSize(13), TreeSize(40)),
            consistency_proof::<Blake3Hasher>(&leaves, TreeSize(13), TreeSize(40))
        );
    }

    #[test]
    fn merkle_huge_claimed_sizes_are_cheap_to_reject() {
        // Verification work is bounded by the proof, not by the sizes claimed.
        let p = InclusionProof::new(vec![[7; 32]; 64]).expect("64 is allowed");
        let r = verify_inclusion::<Blake3Hasher>(
            b"x",
            LeafIndex(u64::MAX - 1),
            TreeSize(u64::MAX),
            &p,
            &[0; 32],
        );
        assert!(r.is_err());
        let c = ConsistencyProof::new(vec![[7; 32]; 64]).expect("64 is allowed");
        let r = verify_consistency::<Blake3Hasher>(
            TreeSize(u64::MAX - 1),
            TreeSize(u64::MAX),
            &[0; 32],
            &[1; 32],
            &c,
        );
        assert!(r.is_err());
        let r = verify_consistency::<Blake3Hasher>(
            TreeSize(1 << 63),
            TreeSize(u64::MAX),
            &[0; 32],
            &[1; 32],
            &c,
        );
        assert!(r.is_err());
    }
}
