//! Consistency proofs (RFC 9162 §2.1.4): the hashes that show a smaller tree is a prefix of a
//! larger one, how to make them from the leaves and how to check them against both roots.

use super::inclusion::path_len;
use super::tree::{slice_leaf_hash, split_point, subtree_root};
use super::{MerkleError, MerkleHasher, TreeSize, VerifyError};

/// The hashes that show a tree is a prefix of a larger one (RFC 9162 §2.1.4, `PROOF`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsistencyProof {
    path: Vec<[u8; 32]>,
}
proof_type!(ConsistencyProof);

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

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root`, exactly per RFC 9162 §2.1.4.2.
///
/// §2.1.4.2 covers 0 < old < new; the other cases are decided here: equal sizes need an empty
/// proof and equal roots, and the empty old tree needs an empty proof and the empty-tree root.
/// [`TreeHead::verify_consistency`](super::TreeHead::verify_consistency) takes each size with its
/// root, so the two pairs cannot be crossed.
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
    use crate::integrity::merkle::reference::{blake_leaves, reference_subproof};
    use crate::integrity::merkle::{root, Blake3Hasher};

    #[test]
    fn merkle_consistency_proofs_match_rfc_definition() {
        let leaves = blake_leaves(70);
        for n in 1..=70 {
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
    fn merkle_consistency_generation_errors() {
        let leaves = blake_leaves(5);
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
        assert_eq!(
            consistency_proof_with::<Blake3Hasher>(|_| [0; 32], TreeSize(2), TreeSize(1)),
            Err(MerkleError::OldSizeExceedsNew {
                old_size: 2,
                new_size: 1
            })
        );
    }

    #[test]
    fn merkle_consistency_each_verify_error_is_reported() {
        type B = Blake3Hasher;
        let leaves = blake_leaves(7);
        let r = |n: usize| root::<B>(&leaves[..n]);
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
    }

    #[test]
    fn merkle_consistency_closure_and_slice_agree() {
        let leaves = blake_leaves(40);
        let leaf_hashes: Vec<[u8; 32]> = leaves.iter().map(|l| Blake3Hasher::leaf(l)).collect();
        let by_index = |i: u64| leaf_hashes[i as usize];
        for old in [1, 13, 32, 40] {
            assert_eq!(
                consistency_proof_with::<Blake3Hasher>(by_index, TreeSize(old), TreeSize(40)),
                consistency_proof::<Blake3Hasher>(&leaves, TreeSize(old), TreeSize(40))
            );
        }
    }

    #[test]
    fn merkle_consistency_huge_claimed_sizes_are_cheap_to_reject() {
        // Verification work is bounded by the proof, not by the sizes claimed.
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
