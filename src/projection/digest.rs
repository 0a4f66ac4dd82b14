//! The projection's digest: an order-independent sum (mod 2^256) of its entries' hashes, the
//! meta record that carries it with the seq it reflects, and [`Digesting`], which keeps it in
//! step with every write.

use super::tables::{Table, Tables, TablesMut, TABLES};
use super::{ENTRY_CONTEXT, PROJECTION_VERSION};
use crate::error::Result;
use crate::model::event::Hash;
use crate::store::Visit;

/// The order-independent digest of a set of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Digest([u64; 4]);

impl Digest {
    fn entry_hash(table: Table, key: &[u8], value: &[u8]) -> [u64; 4] {
        let table = table.name();
        let mut h = blake3::Hasher::new_derive_key(ENTRY_CONTEXT);
        h.update(&(table.len() as u64).to_le_bytes());
        h.update(table.as_bytes());
        h.update(&(key.len() as u64).to_le_bytes());
        h.update(key);
        h.update(&(value.len() as u64).to_le_bytes());
        h.update(value);
        let b = h.finalize();
        let b = b.as_bytes();
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i * 8..i * 8 + 8]);
            *limb = u64::from_le_bytes(w);
        }
        limbs
    }

    /// Adds an entry.
    pub fn add(&mut self, table: Table, key: &[u8], value: &[u8]) {
        let x = Self::entry_hash(table, key, value);
        let mut carry = 0u64;
        for (a, b) in self.0.iter_mut().zip(x) {
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(carry);
            *a = s2;
            carry = u64::from(c1) + u64::from(c2);
        }
    }

    /// Removes an entry.
    pub fn remove(&mut self, table: Table, key: &[u8], value: &[u8]) {
        let x = Self::entry_hash(table, key, value);
        let mut borrow = 0u64;
        for (a, b) in self.0.iter_mut().zip(x) {
            let (d1, b1) = a.overflowing_sub(b);
            let (d2, b2) = d1.overflowing_sub(borrow);
            *a = d2;
            borrow = u64::from(b1) + u64::from(b2);
        }
    }

    /// As 32 bytes.
    pub fn to_bytes(self) -> Hash {
        let mut out = [0u8; 32];
        for (i, limb) in self.0.iter().enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&limb.to_le_bytes());
        }
        out
    }

    /// From 32 bytes.
    pub fn from_bytes(b: &Hash) -> Digest {
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i * 8..i * 8 + 8]);
            *limb = u64::from_le_bytes(w);
        }
        Digest(limbs)
    }
}

/// The projection meta record: which seq the projection reflects, and its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// The last event folded in.
    pub seq: u64,
    /// Digest of all entries.
    pub digest: Digest,
}

impl Meta {
    /// Stored form: version byte, seq (big-endian u64), digest.
    pub fn to_bytes(self) -> Vec<u8> {
        let mut out = vec![PROJECTION_VERSION];
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.digest.to_bytes());
        out
    }

    /// Reads the stored form; `None` when absent, of another version, or malformed (rebuild).
    pub fn from_bytes(b: &[u8]) -> Option<Meta> {
        if b.len() != 41 || b[0] != PROJECTION_VERSION {
            return None;
        }
        let seq = u64::from_be_bytes(b[1..9].try_into().ok()?);
        let digest: Hash = b[9..41].try_into().ok()?;
        Some(Meta {
            seq,
            digest: Digest::from_bytes(&digest),
        })
    }
}

/// Wraps writable tables, keeping the digest in step with every write.
pub struct Digesting<'a, T: TablesMut> {
    inner: &'a mut T,
    /// The running digest.
    pub digest: Digest,
}

impl<'a, T: TablesMut> Digesting<'a, T> {
    /// Starts from a known digest.
    pub fn new(inner: &'a mut T, digest: Digest) -> Self {
        Digesting { inner, digest }
    }
}

impl<T: TablesMut> Tables for Digesting<'_, T> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(table, key)
    }
    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        self.inner.scan(table, prefix, visit)
    }
}

impl<T: TablesMut> TablesMut for Digesting<'_, T> {
    fn put(&mut self, table: Table, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
        if let Some(old) = self.inner.get(table, &key)? {
            self.digest.remove(table, &key, &old);
        }
        if let Some(new) = &value {
            self.digest.add(table, &key, new);
        }
        self.inner.put(table, key, value)
    }
    fn put_new(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.digest.add(table, &key, &value);
        self.inner.put_new(table, key, value)
    }
}

/// Digest of the entries held in any tables, computed by scanning them.
pub fn scan_digest(t: &dyn Tables) -> Result<Digest> {
    let mut d = Digest::default();
    for table in TABLES {
        t.for_each_entry(table, &mut |k, v| {
            d.add(table, k, v);
            true
        })?;
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::super::tables::{MemTables, CLAIMS, SOURCES};
    use super::*;

    #[test]
    fn digest_add_then_remove_is_identity() {
        let mut d = Digest::default();
        d.add(CLAIMS, b"a", b"1");
        let one = d;
        d.add(CLAIMS, b"b", b"2");
        d.remove(CLAIMS, b"b", b"2");
        assert_eq!(d, one);
        d.remove(CLAIMS, b"a", b"1");
        assert_eq!(d, Digest::default());
    }

    #[test]
    fn digest_is_order_independent() {
        let mut a = Digest::default();
        a.add(SOURCES, b"x", b"1");
        a.add(CLAIMS, b"y", b"2");
        let mut b = Digest::default();
        b.add(CLAIMS, b"y", b"2");
        b.add(SOURCES, b"x", b"1");
        assert_eq!(a, b);
        assert_eq!(Digest::from_bytes(&a.to_bytes()), a);
    }

    #[test]
    fn meta_round_trips_and_refuses_other_versions() {
        let mut digest = Digest::default();
        digest.add(CLAIMS, b"k", b"v");
        let meta = Meta { seq: 12, digest };
        assert_eq!(Meta::from_bytes(&meta.to_bytes()), Some(meta));
        let mut other = meta.to_bytes();
        other[0] = PROJECTION_VERSION + 1;
        assert_eq!(Meta::from_bytes(&other), None);
        assert_eq!(Meta::from_bytes(super::super::REBUILDING), None);
    }

    #[test]
    fn digesting_keeps_the_digest_of_what_the_tables_hold() {
        let mut t = MemTables::default();
        let mut d = Digesting::new(&mut t, Digest::default());
        d.put(CLAIMS, b"a".to_vec(), Some(b"1".to_vec())).unwrap();
        d.put(CLAIMS, b"a".to_vec(), Some(b"2".to_vec())).unwrap();
        d.put_new(SOURCES, b"s".to_vec(), b"x".to_vec()).unwrap();
        d.put(SOURCES, b"s".to_vec(), None).unwrap();
        let digest = d.digest;
        assert_eq!(digest, t.digest());
        assert_eq!(scan_digest(&t).unwrap(), digest);
    }
}
