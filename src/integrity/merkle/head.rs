//! [`TreeHead`]: the size of a tree and its root, bound together, as ct-merkle's `RootHash` binds
//! `num_leaves` and `root_hash`.
//!
//! The free functions [`verify_inclusion`] and [`verify_consistency`] take a size and a root as
//! separate arguments, so nothing stops a caller from pairing a size from one checkpoint with the
//! root of another. A `TreeHead` is made once from a size and its root (a builder's state, a
//! checkpoint's fields) and proofs are verified against it, so the pair travels as one value. The
//! hasher is part of the type, so a head of the ledger's BLAKE3 tree cannot check a proof made
//! with another hash function either.

use super::{
    root, verify_consistency, verify_inclusion, ConsistencyProof, InclusionProof, LeafIndex,
    MerkleHasher, TreeSize, VerifyError,
};
use crate::model::event::hex;
use std::fmt;
use std::marker::PhantomData;

/// The size of a tree and its root (RFC 9162 `MTH`), the pair a checkpoint commits to.
///
/// Verification methods are exactly RFC 9162 §2.1.3.2 and §2.1.4.2. As there (and as
/// ct-merkle notes on `RootHash`), an inclusion proof only depends on the shape of the path, so
/// a proof that verifies against this head also verifies against a head with the same root and
/// another size of the same shape (leaf 0 in sizes 3 and 4); what it proves is that the leaf is
/// under this root.
pub struct TreeHead<H: MerkleHasher> {
    size: TreeSize,
    root: [u8; 32],
    hasher: PhantomData<fn() -> H>,
}

// Written out rather than derived: a derive would demand the same trait of `H`, a marker type.
impl<H: MerkleHasher> Clone for TreeHead<H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H: MerkleHasher> Copy for TreeHead<H> {}

impl<H: MerkleHasher> PartialEq for TreeHead<H> {
    fn eq(&self, other: &Self) -> bool {
        self.size == other.size && self.root == other.root
    }
}

impl<H: MerkleHasher> Eq for TreeHead<H> {}

impl<H: MerkleHasher> fmt::Debug for TreeHead<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TreeHead")
            .field("size", &self.size.0)
            .field("root", &hex(&self.root))
            .finish()
    }
}

impl<H: MerkleHasher> TreeHead<H> {
    /// The head of the tree of `size` leaves whose root is `root`, as a checkpoint states it.
    ///
    /// Nothing is checked here: a head is a claim, and the proofs verified against it test it.
    pub fn new(size: TreeSize, root: [u8; 32]) -> Self {
        Self {
            size,
            root,
            hasher: PhantomData,
        }
    }

    /// The head of the empty tree: size 0 and the empty-tree hash.
    pub fn empty() -> Self {
        Self::new(TreeSize(0), H::empty())
    }

    /// The head of the tree over `leaves`, computed in one pass.
    pub fn of_leaves(leaves: &[impl AsRef<[u8]>]) -> Self {
        // A slice longer than u64::MAX leaves cannot exist.
        Self::new(TreeSize(leaves.len() as u64), root::<H>(leaves))
    }

    /// How many leaves the tree has.
    pub fn size(&self) -> TreeSize {
        self.size
    }

    /// The tree's root.
    pub fn root(&self) -> [u8; 32] {
        self.root
    }

    /// Checks that `leaf` (leaf data: for the ledger, the 32-byte event hash) is leaf `index` of
    /// this tree (RFC 9162 §2.1.3.2); see [`verify_inclusion`] for each error.
    pub fn verify_inclusion(
        &self,
        leaf: &[u8],
        index: LeafIndex,
        proof: &InclusionProof,
    ) -> Result<(), VerifyError> {
        verify_inclusion::<H>(leaf, index, self.size, proof, &self.root)
    }

    /// Checks that the tree of `older` is a prefix of this one (RFC 9162 §2.1.4.2); see
    /// [`verify_consistency`] for each error. `self` is the newer head, as in ct-merkle.
    pub fn verify_consistency(
        &self,
        older: &TreeHead<H>,
        proof: &ConsistencyProof,
    ) -> Result<(), VerifyError> {
        verify_consistency::<H>(older.size, self.size, &older.root, &self.root, proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::merkle::reference::blake_leaves;
    use crate::integrity::merkle::{
        consistency_proof, inclusion_proof, Blake3Hasher, MerkleBuilder,
    };

    type B = Blake3Hasher;
    type Head = TreeHead<B>;

    #[test]
    fn merkle_head_constructors_agree() {
        let leaves = blake_leaves(21);
        let mut b = MerkleBuilder::<B>::new();
        assert_eq!(b.head(), Head::empty());
        assert_eq!(Head::of_leaves(&leaves[..0]), Head::empty());
        for (n, leaf) in leaves.iter().enumerate() {
            b.push(leaf);
            let head = b.head();
            assert_eq!(head, Head::of_leaves(&leaves[..=n]), "size {}", n + 1);
            assert_eq!(head.size(), TreeSize(n as u64 + 1));
            assert_eq!(head.root(), root::<B>(&leaves[..=n]));
            assert_eq!(head, Head::new(head.size(), head.root()));
        }
        let head = Head::of_leaves(&leaves);
        assert_ne!(head, Head::new(TreeSize(20), head.root()));
        assert_ne!(
            head,
            Head::new(head.size(), Head::of_leaves(&leaves[..20]).root())
        );
        let shown = format!("{head:?}");
        assert!(shown.contains("size: 21"), "{shown}");
        assert!(shown.contains(&hex(&head.root())), "{shown}");
    }

    /// The methods are the free functions with the head's size and root; the same answers,
    /// errors included, for every index and pair of small trees.
    #[test]
    fn merkle_head_methods_match_free_functions() {
        let leaves = blake_leaves(24);
        let heads: Vec<Head> = (0..=leaves.len())
            .map(|n| Head::of_leaves(&leaves[..n]))
            .collect();
        for head in &heads {
            let n = head.size();
            for i in 0..n.0 {
                let proof =
                    inclusion_proof::<B>(&leaves, LeafIndex(i), n).expect("index below size");
                let leaf = &leaves[i as usize];
                assert_eq!(head.verify_inclusion(leaf, LeafIndex(i), &proof), Ok(()));
                // A wrong leaf, a wrong index and an index past the end, as the free function.
                for (leaf, index) in [
                    (&leaves[(i as usize + 1) % 24], i),
                    (leaf, i ^ 1),
                    (leaf, n.0),
                ] {
                    assert_eq!(
                        head.verify_inclusion(leaf, LeafIndex(index), &proof),
                        verify_inclusion::<B>(leaf, LeafIndex(index), n, &proof, &head.root())
                    );
                }
            }
            for older in &heads {
                let m = older.size();
                let proof = consistency_proof::<B>(&leaves, m.min(n), n).expect("sizes in order");
                assert_eq!(
                    head.verify_consistency(older, &proof),
                    verify_consistency::<B>(m, n, &older.root(), &head.root(), &proof),
                    "{} -> {}",
                    m.0,
                    n.0
                );
                if m <= n {
                    assert_eq!(
                        head.verify_consistency(older, &proof),
                        Ok(()),
                        "{} -> {}",
                        m.0,
                        n.0
                    );
                }
            }
        }
    }

    #[test]
    fn merkle_head_crossed_or_tampered_heads_fail() {
        let leaves = blake_leaves(13);
        let (old, new) = (Head::of_leaves(&leaves[..5]), Head::of_leaves(&leaves));
        let proof = consistency_proof::<B>(&leaves, old.size(), new.size()).expect("valid");
        assert_eq!(new.verify_consistency(&old, &proof), Ok(()));
        assert_eq!(
            old.verify_consistency(&new, &proof),
            Err(VerifyError::OldSizeExceedsNew {
                old_size: 13,
                new_size: 5
            })
        );
        // The old size with the new root, and the other way round.
        let mixed_old = Head::new(old.size(), new.root());
        assert!(matches!(
            new.verify_consistency(&mixed_old, &proof),
            Err(VerifyError::OldRootMismatch { .. })
        ));
        let mixed_new = Head::new(new.size(), old.root());
        assert!(matches!(
            mixed_new.verify_consistency(&old, &proof),
            Err(VerifyError::NewRootMismatch { .. })
        ));
        // The empty head is older than every head, with no proof.
        let none = ConsistencyProof::default();
        assert_eq!(new.verify_consistency(&Head::empty(), &none), Ok(()));
        assert_eq!(
            new.verify_consistency(&Head::new(TreeSize(0), old.root()), &none),
            Err(VerifyError::EmptyOldTreeRootMismatch {
                old_root: old.root(),
                empty: B::empty()
            })
        );
        // Nothing is in the empty tree.
        assert_eq!(
            Head::empty().verify_inclusion(&leaves[0], LeafIndex(0), &InclusionProof::default()),
            Err(VerifyError::IndexOutOfRange { index: 0, size: 0 })
        );
        let incl = inclusion_proof::<B>(&leaves, LeafIndex(4), new.size()).expect("valid");
        assert_eq!(
            Head::new(new.size(), old.root()).verify_inclusion(&leaves[4], LeafIndex(4), &incl),
            Err(VerifyError::RootMismatch {
                computed: new.root(),
                expected: old.root()
            })
        );
    }
}
