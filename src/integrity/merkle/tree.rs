//! Tree roots: the streaming [`MerkleBuilder`], the root of a slice of leaves, and the root of
//! any range of leaves, which is what proofs are made of.

use super::{MerkleError, MerkleHasher, TreeHead, TreeSize};
use std::marker::PhantomData;
use std::ops::Range;

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
    pub(crate) fn push_leaf_hash(&mut self, leaf_hash: [u8; 32]) {
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

    /// The tree head of the leaves pushed so far: their number and root, bound together.
    pub fn head(&self) -> TreeHead<H> {
        TreeHead::new(self.size(), self.root())
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
pub(super) fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Checks that `size` leaves are available and returns a closure hashing them.
pub(super) fn slice_leaf_hash<'a, H: MerkleHasher>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::merkle::reference::{blake_leaves, reference_root};
    use crate::integrity::merkle::Blake3Hasher;

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
        for end in 1..=40 {
            for start in 0..end {
                assert_eq!(
                    subtree_root::<Blake3Hasher>(by_index, start..end),
                    reference_root::<Blake3Hasher>(&leaves[start as usize..end as usize]),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn merkle_slice_leaf_hash_checks_the_size() {
        let leaves = blake_leaves(5);
        let mut f = slice_leaf_hash::<Blake3Hasher>(&leaves, TreeSize(5)).expect("5 of 5");
        assert_eq!(f(4), Blake3Hasher::leaf(&leaves[4]));
        assert_eq!(
            slice_leaf_hash::<Blake3Hasher>(&leaves, TreeSize(6)).err(),
            Some(MerkleError::SizeExceedsLeaves {
                size: 6,
                available: 5
            })
        );
    }

    #[test]
    fn merkle_split_point_is_largest_power_of_two_below() {
        for n in 2..=1100u64 {
            let k = split_point(n);
            assert!(
                k.is_power_of_two() && k < n && 2 * k >= n,
                "n = {n}, k = {k}"
            );
        }
        assert_eq!(split_point(u64::MAX), 1 << 63);
        assert_eq!(split_point((1 << 63) + 1), 1 << 63);
        assert_eq!(split_point(1 << 63), 1 << 62);
    }
}
