//! Known-answer tests of `factledger::integrity::merkle` against the published SHA-256 Certificate
//! Transparency vectors (sources cited at the constants), so the tree shape, the proofs and their
//! verification are checked against an independent implementation, not only against themselves.
//! The ledger's own hasher is BLAKE3 ([`Blake3Hasher`](factledger::integrity::merkle::Blake3Hasher)); the
//! hash function is a parameter, so these run with [`Sha256Hasher`] below.
//!
//! Test names start with `merkle_` so `cargo test merkle` selects them.

use factledger::integrity::merkle::{
    consistency_proof, inclusion_proof, root, subtree_root, verify_consistency, verify_inclusion,
    ConsistencyProof, InclusionProof, LeafIndex, MerkleBuilder, MerkleHasher, TreeHead, TreeSize,
};
use factledger::model::event::{hex, parse_hash};
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
        let head = TreeHead::<Sha256Hasher>::of_leaves(&LEAVES[..size]);
        assert_eq!(head, b.head(), "head, size {size}");
        assert_eq!(hex(&head.root()), *want, "head, size {size}");
    }
    assert_eq!(hex(&Sha256Hasher::empty()), ROOTS[0]);
    assert_eq!(hex(&TreeHead::<Sha256Hasher>::empty().root()), ROOTS[0]);
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
        TreeHead::<Sha256Hasher>::new(TreeSize(size), root)
            .verify_inclusion(leaf, LeafIndex(index), &proof)
            .expect("published proof verifies against the tree head");
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
        let older = TreeHead::<Sha256Hasher>::new(TreeSize(old), r1);
        TreeHead::<Sha256Hasher>::new(TreeSize(new), r2)
            .verify_consistency(&older, &proof)
            .expect("published proof verifies against the tree heads");
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
        let r = verify_inclusion::<Sha256Hasher>(leaf, LeafIndex(index), TreeSize(size), &p, root);
        assert!(r.is_err(), "{desc} verified");
        let head = TreeHead::<Sha256Hasher>::new(TreeSize(size), *root);
        assert_eq!(
            head.verify_inclusion(leaf, LeafIndex(index), &p),
            r,
            "{desc}: head"
        );
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
        let (older, newer) = (
            TreeHead::<Sha256Hasher>::new(TreeSize(old), *r1),
            TreeHead::<Sha256Hasher>::new(TreeSize(new), *r2),
        );
        assert_eq!(newer.verify_consistency(&older, &p), r, "{desc}: heads");
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
