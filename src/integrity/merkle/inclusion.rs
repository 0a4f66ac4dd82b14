//! Inclusion proofs (RFC 9162 §2.1.3): the hashes that lead from one leaf to the root, how to
//! make them from the leaves and how to check them against a root and a size.

use super::tree::{slice_leaf_hash, split_point, subtree_root};
use super::{LeafIndex, MerkleError, MerkleHasher, TreeSize, VerifyError};

/// The hashes that lead from one leaf to the root of a tree (RFC 9162 §2.1.3, `PATH`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InclusionProof {
    path: Vec<[u8; 32]>,
}
proof_type!(InclusionProof);

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

/// How many path elements the loop of §2.1.3.2 step 4 (and §2.1.4.2 step 6) consumes before `sn`
/// reaches 0. It depends only on the indices, so it names the length a proof should have.
pub(super) fn path_len(mut fn_: u64, mut sn: u64) -> usize {
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
/// one tree head that was committed to together, never from separate sources:
/// [`TreeHead::verify_inclusion`](super::TreeHead::verify_inclusion) does exactly that.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrity::merkle::reference::{blake_leaves, reference_path};
    use crate::integrity::merkle::{root, Blake3Hasher};

    #[test]
    fn merkle_inclusion_proofs_match_rfc_definition() {
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
                assert_eq!(
                    got.len(),
                    path_len(m as u64, n as u64 - 1),
                    "length of PATH({m}, {n})"
                );
            }
        }
    }

    #[test]
    fn merkle_inclusion_generation_errors() {
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
            inclusion_proof_with::<Blake3Hasher>(|_| [0; 32], LeafIndex(3), TreeSize(3)),
            Err(MerkleError::IndexOutOfRange { index: 3, size: 3 })
        );
    }

    #[test]
    fn merkle_inclusion_each_verify_error_is_reported() {
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
    }

    #[test]
    fn merkle_inclusion_closure_and_slice_agree() {
        let leaves = blake_leaves(40);
        let leaf_hashes: Vec<[u8; 32]> = leaves.iter().map(|l| Blake3Hasher::leaf(l)).collect();
        let by_index = |i: u64| leaf_hashes[i as usize];
        for index in [0, 17, 31, 32] {
            assert_eq!(
                inclusion_proof_with::<Blake3Hasher>(by_index, LeafIndex(index), TreeSize(33)),
                inclusion_proof::<Blake3Hasher>(&leaves, LeafIndex(index), TreeSize(33))
            );
        }
    }

    #[test]
    fn merkle_inclusion_huge_claimed_sizes_are_cheap_to_reject() {
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
    }
}
