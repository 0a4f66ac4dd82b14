//! Exhaustive and property tests of `factledger::integrity::merkle` with the ledger's hasher: every
//! inclusion proof in every tree of 1..=300 leaves and every consistency proof between trees of
//! 1..=150 leaves is made and verified, and corrupted ones are rejected. Random trees are also
//! checked through [`TreeHead`], the size and root bound together.
//!
//! Test names start with `merkle_` so `cargo test merkle` selects them.

use factledger::integrity::merkle::{
    consistency_proof, consistency_proof_with, inclusion_proof, inclusion_proof_with,
    verify_consistency, verify_inclusion, Blake3Hasher, ConsistencyProof, InclusionProof,
    LeafIndex, MerkleBuilder, MerkleHasher, TreeHead, TreeSize, VerifyError,
};
use proptest::prelude::*;

type B = Blake3Hasher;

/// Stand-ins for event hashes.
fn event_hashes(n: u64) -> Vec<[u8; 32]> {
    (0..n)
        .map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes())
        .collect()
}

/// The root of every prefix: `roots[n]` is the root of the first `n` leaves.
fn prefix_roots(leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    let mut b = MerkleBuilder::<B>::new();
    let mut roots = vec![b.root()];
    for leaf in leaves {
        b.push(leaf);
        roots.push(b.root());
    }
    roots
}

fn incl(leaf: &[u8; 32], index: u64, size: u64, p: &InclusionProof, root: &[u8; 32]) -> bool {
    verify_inclusion::<B>(leaf, LeafIndex(index), TreeSize(size), p, root).is_ok()
}

fn cons(old: u64, new: u64, r1: &[u8; 32], r2: &[u8; 32], p: &ConsistencyProof) -> bool {
    verify_consistency::<B>(TreeSize(old), TreeSize(new), r1, r2, p).is_ok()
}

/// Every single-byte change of the serialized proof must be rejected.
fn every_byte_flip_fails(bytes: &[u8], rejects: impl Fn(&[u8]) -> bool) {
    for i in 0..bytes.len() {
        let mut b = bytes.to_vec();
        b[i] ^= 0x01 << (i % 8);
        assert!(rejects(&b), "flipping byte {i} still verifies");
    }
}

/// Proves and verifies every index of every tree size in `sizes`, then rejects the proof under
/// one corruption per case (the kind rotates, so each kind is met ~1/5 of the time at every size)
/// and, for a deterministic sample, under every single-byte change.
///
/// Making a proof costs a pass over the tree, so this is ~n^3/3 node hashes up to n; the sizes are
/// split over several tests so the harness runs them in parallel.
fn check_inclusion_sizes(sizes: std::ops::RangeInclusive<u64>) {
    let max = *sizes.end();
    let leaves = event_hashes(max + 1);
    let leaf_hashes: Vec<[u8; 32]> = leaves.iter().map(|l| B::leaf(l)).collect();
    let roots = prefix_roots(&leaves);
    for size in sizes {
        let root = &roots[size as usize];
        for index in 0..size {
            let leaf = &leaves[index as usize];
            let proof = inclusion_proof_with::<B>(
                |i| leaf_hashes[i as usize],
                LeafIndex(index),
                TreeSize(size),
            )
            .expect("index below size");
            assert!(incl(leaf, index, size, &proof, root), "{index} in {size}");
            let other_index = (index + 1) % size;
            let other_size = if size == 1 || index % 2 == 0 {
                size + 1
            } else {
                size - 1
            };
            let rejected = match (index + size) % 5 {
                // A different root: the previous tree's.
                0 => !incl(leaf, index, size, &proof, &roots[size as usize - 1]),
                // A different root: the next tree's.
                1 => !incl(leaf, index, size, &proof, &roots[size as usize + 1]),
                // A different index (none in a one-leaf tree but index 0 itself).
                2 => size == 1 || !incl(leaf, other_index, size, &proof, root),
                // A different leaf.
                3 => size == 1 || !incl(&leaves[other_index as usize], index, size, &proof, root),
                // A different size, with that size's own root (the leaf is in both trees).
                _ => {
                    other_size <= index
                        || !incl(leaf, index, other_size, &proof, &roots[other_size as usize])
                }
            };
            assert!(
                rejected,
                "corruption {} of {index} in {size} verified",
                (index + size) % 5
            );
            if (size * 31 + index) % 293 == 0 {
                every_byte_flip_fails(&proof.to_bytes(), |b| {
                    let p = InclusionProof::try_from_bytes(b).expect("same length");
                    !incl(leaf, index, size, &p, root)
                });
            }
        }
    }
}

#[test]
fn merkle_inclusion_every_index_sizes_1_to_208() {
    check_inclusion_sizes(1..=208);
}

#[test]
fn merkle_inclusion_every_index_sizes_209_to_262() {
    check_inclusion_sizes(209..=262);
}

#[test]
fn merkle_inclusion_every_index_sizes_263_to_300() {
    check_inclusion_sizes(263..=300);
}

#[test]
fn merkle_consistency_every_pair_to_150() {
    const MAX: u64 = 150;
    let leaves = event_hashes(MAX + 1);
    let leaf_hashes: Vec<[u8; 32]> = leaves.iter().map(|l| B::leaf(l)).collect();
    let roots = prefix_roots(&leaves);
    for new in 1..=MAX {
        let r2 = &roots[new as usize];
        for old in 1..=new {
            let r1 = &roots[old as usize];
            let proof = consistency_proof_with::<B>(
                |i| leaf_hashes[i as usize],
                TreeSize(old),
                TreeSize(new),
            )
            .expect("old <= new");
            assert!(cons(old, new, r1, r2, &proof), "{old} -> {new}");
            // One corruption per pair, the kind rotating as in the inclusion test.
            let (o, n) = if old % 2 == 0 {
                (old - 1, new)
            } else {
                (old, new + 1)
            };
            let rejected = match (old + new) % 5 {
                0 => !cons(old, new, &roots[old as usize - 1], r2, &proof),
                1 => !cons(old, new, r1, &roots[new as usize + 1], &proof),
                2 => old == new || !cons(old, new, r2, r1, &proof),
                // Different sizes, each with its own root.
                3 => {
                    o == 0 || n > MAX || !cons(o, n, &roots[o as usize], &roots[n as usize], &proof)
                }
                _ => {
                    let (o, n) = (old + 1, new);
                    o > n || !cons(o, n, &roots[o as usize], &roots[n as usize], &proof)
                }
            };
            assert!(
                rejected,
                "corruption {} of {old} -> {new} verified",
                (old + new) % 5
            );
            if (new * 31 + old) % 97 == 0 {
                every_byte_flip_fails(&proof.to_bytes(), |b| {
                    let p = ConsistencyProof::try_from_bytes(b).expect("same length");
                    !cons(old, new, r1, r2, &p)
                });
            }
        }
        // From the empty tree every tree is consistent, with no proof.
        let empty = consistency_proof::<B>(&leaves, TreeSize(0), TreeSize(new)).expect("valid");
        assert!(cons(0, new, &B::empty(), r2, &empty));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Larger trees than the exhaustive loops reach, through the slice API.
    #[test]
    fn merkle_prop_inclusion_round_trip(size in 1u64..3000, index_seed: u64, flip_seed: u64) {
        let leaves = event_hashes(size);
        let root = factledger::integrity::merkle::root::<B>(&leaves);
        let index = index_seed % size;
        let proof = inclusion_proof::<B>(&leaves, LeafIndex(index), TreeSize(size))
            .expect("index below size");
        let leaf = &leaves[index as usize];
        prop_assert!(incl(leaf, index, size, &proof, &root));
        let via_hex = InclusionProof::from_hex_vec(&proof.to_hex_vec()).expect("round trip");
        prop_assert_eq!(&via_hex, &proof);
        let mut bytes = proof.to_bytes();
        if !bytes.is_empty() {
            let at = (flip_seed % bytes.len() as u64) as usize;
            bytes[at] ^= 1 << (flip_seed % 8);
            let p = InclusionProof::try_from_bytes(&bytes).expect("same length");
            prop_assert!(!incl(leaf, index, size, &p, &root));
        }
    }

    #[test]
    fn merkle_prop_consistency_round_trip(new in 1u64..3000, old_seed: u64, flip_seed: u64) {
        let leaves = event_hashes(new);
        let old = 1 + old_seed % new;
        let r1 = factledger::integrity::merkle::root::<B>(&leaves[..old as usize]);
        let r2 = factledger::integrity::merkle::root::<B>(&leaves);
        let proof = consistency_proof::<B>(&leaves, TreeSize(old), TreeSize(new))
            .expect("old <= new");
        prop_assert!(cons(old, new, &r1, &r2, &proof));
        let mut bytes = proof.to_bytes();
        if !bytes.is_empty() {
            let at = (flip_seed % bytes.len() as u64) as usize;
            bytes[at] ^= 1 << (flip_seed % 8);
            let p = ConsistencyProof::try_from_bytes(&bytes).expect("same length");
            prop_assert!(!cons(old, new, &r1, &r2, &p));
        }
    }

    /// Proofs from arbitrary bytes never verify and never panic.
    #[test]
    fn merkle_prop_garbage_never_verifies(
        bytes in proptest::collection::vec(any::<u8>(), 0..32 * 70),
        index: u64,
        size: u64,
        old: u64,
    ) {
        let root = [0u8; 32];
        if let Ok(p) = InclusionProof::try_from_bytes(&bytes) {
            prop_assert!(!incl(&[1; 32], index, size, &p, &root));
        }
        if let Ok(p) = ConsistencyProof::try_from_bytes(&bytes) {
            prop_assert!(!cons(old, size, &[2; 32], &root, &p));
        }
    }
}

/// Leaves of a random tree: distinct by construction (each is a hash of the seed and its
/// position), so no two subtrees of different ranges share a hash.
fn seeded_leaves(seed: u64, n: u64) -> Vec<[u8; 32]> {
    (0..n)
        .map(|i| *blake3::hash(&[seed.to_le_bytes(), i.to_le_bytes()].concat()).as_bytes())
        .collect()
}

/// The shape of RFC 9162 §2.1.3.1 `PATH(m, D[n])`, read from its recursive definition (not from
/// the code under test): for each element, bottom-up, whether the sibling is on the right.
/// Verification folds the proof by this shape alone, so a head with the same root and another
/// size accepts the proof exactly when the shapes agree.
fn path_shape(m: u64, n: u64) -> Vec<bool> {
    if n <= 1 {
        return Vec::new();
    }
    let k = 1u64 << (63 - (n - 1).leading_zeros());
    let (mut shape, right) = if m < k {
        (path_shape(m, k), true)
    } else {
        (path_shape(m - k, n - k), false)
    };
    shape.push(right);
    shape
}

/// How far past the tree the tampered sizes go.
const EXTRA: u64 = 24;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Every index of a random tree is proved and verifies through the tree head; then the head
    /// is tampered with. A flipped root bit always fails. A different size fails with that
    /// size's own root always, and with this root exactly when the path shape changes (RFC 9162
    /// verification reads the size only through the shape; a head binds the two so a reader
    /// cannot be handed a mismatched pair).
    #[test]
    fn merkle_prop_tree_head_every_index(seed: u64, n in 1u64..=96, bit in 0usize..256) {
        let leaves = seeded_leaves(seed, n + EXTRA);
        let leaf_hashes: Vec<[u8; 32]> = leaves.iter().map(|l| B::leaf(l)).collect();
        let mut b = MerkleBuilder::<B>::new();
        let mut heads = vec![b.head()];
        for leaf in &leaves {
            b.push(leaf);
            heads.push(b.head());
        }
        let head = heads[n as usize];
        prop_assert_eq!(head, TreeHead::<B>::of_leaves(&leaves[..n as usize]));
        let mut flipped = head.root();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let bad_root = TreeHead::<B>::new(head.size(), flipped);

        for index in 0..n {
            let leaf = &leaves[index as usize];
            let proof = inclusion_proof_with::<B>(
                |i| leaf_hashes[i as usize],
                LeafIndex(index),
                head.size(),
            )
            .expect("index below size");
            prop_assert_eq!(head.verify_inclusion(leaf, LeafIndex(index), &proof), Ok(()));
            let other_leaf = &leaves[(index as usize + 1) % n as usize];
            prop_assert_eq!(
                head.verify_inclusion(other_leaf, LeafIndex(index), &proof).is_err(),
                n > 1,
                "another leaf at {} in {}", index, n
            );
            prop_assert!(
                matches!(
                    bad_root.verify_inclusion(leaf, LeafIndex(index), &proof),
                    Err(VerifyError::RootMismatch { .. })
                ),
                "flipped root bit {} at {} in {}", bit, index, n
            );
            let shape = path_shape(index, n);
            for other in (0..=n + EXTRA).filter(|&s| s != n) {
                let same_root = TreeHead::<B>::new(TreeSize(other), head.root());
                let accepted = same_root.verify_inclusion(leaf, LeafIndex(index), &proof).is_ok();
                prop_assert_eq!(
                    accepted,
                    index < other && path_shape(index, other) == shape,
                    "size {} for {} in {}, same root", other, index, n
                );
                prop_assert!(
                    heads[other as usize].verify_inclusion(leaf, LeafIndex(index), &proof).is_err(),
                    "size {} with its own root for {} in {}", other, index, n
                );
            }
        }

        for old in 0..=n {
            let older = heads[old as usize];
            let proof = consistency_proof_with::<B>(
                |i| leaf_hashes[i as usize],
                older.size(),
                head.size(),
            )
            .expect("old <= new");
            prop_assert_eq!(head.verify_consistency(&older, &proof), Ok(()), "{} -> {}", old, n);
            // The newer head with a flipped root: only the empty old tree, which every tree
            // extends with no proof, does not look at the new root.
            prop_assert_eq!(
                bad_root.verify_consistency(&older, &proof).is_err(),
                old > 0,
                "{} -> {} with flipped new root", old, n
            );
            let mut flipped_old = older.root();
            flipped_old[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(
                head.verify_consistency(&TreeHead::new(older.size(), flipped_old), &proof).is_err(),
                "{} -> {} with flipped old root", old, n
            );
            // A neighbouring old size with its own root: the proof is about `old` only.
            for other in [old.wrapping_sub(1), old + 1].into_iter().filter(|&o| o <= n) {
                let accepted = head.verify_consistency(&heads[other as usize], &proof).is_ok();
                let own = consistency_proof::<B>(&leaves, TreeSize(other), head.size())
                    .expect("other <= n");
                prop_assert_eq!(
                    accepted,
                    own == proof,
                    "old size {} with its own root, proof for {} -> {}", other, old, n
                );
            }
            // Crossed: the newer head passed as the older one.
            if old < n {
                prop_assert_eq!(
                    older.verify_consistency(&head, &proof),
                    Err(VerifyError::OldSizeExceedsNew { old_size: n, new_size: old })
                );
            }
        }
    }
}
