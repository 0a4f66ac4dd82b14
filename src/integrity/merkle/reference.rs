//! RFC 9162's recursive definitions of `MTH`, `PATH` and `SUBPROOF`, written literally, for the
//! unit tests to compare the streaming and iterative code against. Test-only.

use super::tree::split_point;
use super::MerkleHasher;

/// RFC 9162 §2.1.1 `MTH`, literally.
pub(super) fn reference_root<H: MerkleHasher>(d: &[[u8; 32]]) -> [u8; 32] {
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
pub(super) fn reference_path<H: MerkleHasher>(m: usize, d: &[[u8; 32]]) -> Vec<[u8; 32]> {
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
pub(super) fn reference_subproof<H: MerkleHasher>(
    m: usize,
    d: &[[u8; 32]],
    b: bool,
) -> Vec<[u8; 32]> {
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

pub(super) fn blake_leaves(n: usize) -> Vec<[u8; 32]> {
    (0..n as u64)
        .map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes())
        .collect()
}
