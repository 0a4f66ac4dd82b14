//! The projection: the log folded into the state a fact-checker works from.
//!
//! For every claim and source the projection keeps its current state (retracted? superseded?),
//! plus indexes by subject, by source and by citation, in tables the store keeps in sled. It is
//! a pure fold over events ([`apply`]): no validation, no rules — those happen before an append
//! and after a read. The same fold runs against sled (kept up to date in the same write as the
//! events), against memory (replay, `--as-of`), and against an overlay of pending writes.
//!
//! The projection's digest is an order-independent sum (mod 2^256) of the blake3 hashes of its
//! entries, so appends update it in O(1) per entry and `verify` can compare three things: the
//! digest recorded in the store, the digest of the stored entries, and the digest of a fresh
//! replay of the log.

use crate::error::{LedgerError, Result};
use crate::event::{Claim, Event, EventBody, Hash, Source};
use crate::store::ProjectionWrite;
use bincode::{Decode, Encode};
use std::collections::{BTreeMap, HashMap};

/// Version of the projection's table layout; a mismatch means rebuild.
pub const PROJECTION_VERSION: u8 = 2;
/// blake3 derive-key context for projection entry hashes.
pub const ENTRY_CONTEXT: &str = "factledger v1 projection entry";
const MAX_ENTRY_BYTES: usize = 1 << 20;

/// Claim id → `subject \0 predicate`: where the claim's state is kept in [`SUBJECTS`].
pub const CLAIMS: &str = "p_claims";
/// Source states by source id.
pub const SOURCES: &str = "p_sources";
/// `subject \0 predicate \0 claim id` → [`ClaimState`]: what is claimed about a subject, kept
/// together so that a subject's facts and flags are one read (the store packs a subject's
/// entries into one value).
pub const SUBJECTS: &str = "p_subjects";
/// `source id \0 claim id` → empty: claims resting on a source.
pub const SOURCE_CLAIMS: &str = "p_source_claims";
/// `cited id \0 citing id` → empty: who cites a source.
pub const CITED_BY: &str = "p_cited_by";
/// Author name → [`AuthorState`]: who may sign, with which key.
pub const AUTHORS: &str = "p_authors";
/// All tables, in digest order.
pub const TABLES: [&str; 6] = [CLAIMS, SOURCES, SUBJECTS, SOURCE_CLAIMS, CITED_BY, AUTHORS];

/// An author's authorisation.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct AuthorState {
    /// The author's Ed25519 public key.
    pub public_key: crate::event::PublicKey,
    /// Seq of the event that authorised this key.
    pub authorised_at: u64,
    /// Seq of the revocation, if revoked.
    pub revoked_at: Option<u64>,
}

/// Reads an author's state.
pub fn author(t: &dyn Tables, name: &str) -> Result<Option<AuthorState>> {
    t.get(AUTHORS, name.as_bytes())?
        .map(|b| decode(AUTHORS, name.as_bytes(), &b))
        .transpose()
}

/// Every author, by name.
pub fn authors(t: &dyn Tables) -> Result<Vec<(String, AuthorState)>> {
    let mut raw = Vec::new();
    t.scan(AUTHORS, b"", &mut |k, v| {
        raw.push((k.to_vec(), v.to_vec()));
        true
    })?;
    raw.into_iter()
        .map(|(k, v)| {
            Ok((
                String::from_utf8_lossy(&k).into_owned(),
                decode(AUTHORS, &k, &v)?,
            ))
        })
        .collect()
}

/// True once any author has been authorised: from then on every event must be signed.
pub fn is_signed(t: &dyn Tables) -> Result<bool> {
    let mut any = false;
    t.scan(AUTHORS, b"", &mut |_, _| {
        any = true;
        false
    })?;
    Ok(any)
}

/// A claim and what has become of it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ClaimState {
    /// Seq of the `ClaimAsserted` event.
    pub seq: u64,
    /// The claim as asserted.
    pub claim: Claim,
    /// Seq of the retraction, if retracted.
    pub retracted_at: Option<u64>,
    /// Id of the claim that corrected it, if superseded.
    pub superseded_by: Option<String>,
}

/// A source and what has become of it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct SourceState {
    /// Seq of the `SourceRegistered` event.
    pub seq: u64,
    /// The source as registered.
    pub source: Source,
    /// Seq of the retraction, if retracted.
    pub retracted_at: Option<u64>,
}

impl ClaimState {
    /// Why the claim is not live on its own account (its source aside).
    pub fn own_status(&self) -> Option<&'static str> {
        if self.retracted_at.is_some() {
            Some("retracted")
        } else if self.superseded_by.is_some() {
            Some("superseded")
        } else {
            None
        }
    }
}

/// Projection entries are encoded with variable-length integers: unlike event records they are
/// not hashed for the chain, and lengths and seqs in fixed 8 bytes made them most of the store.
fn entry_config() -> bincode::config::Configuration<bincode::config::LittleEndian> {
    bincode::config::standard().with_little_endian()
}

fn encode<T: Encode>(v: &T) -> Vec<u8> {
    let mut out = vec![PROJECTION_VERSION];
    // Encoding into a Vec cannot fail for these types.
    bincode::encode_into_std_write(v, &mut out, entry_config()).expect("encoding into a Vec");
    out
}

fn decode<T: Decode<()>>(table: &str, key: &[u8], bytes: &[u8]) -> Result<T> {
    let corrupt = |problem: String| LedgerError::Inconsistent {
        seq: 0,
        problem: format!(
            "projection entry {table}/{} is corrupt: {problem} (run `factledger replay --rebuild`)",
            String::from_utf8_lossy(key)
        ),
    };
    let (&v, rest) = bytes.split_first().ok_or_else(|| corrupt("empty".into()))?;
    if v != PROJECTION_VERSION {
        return Err(corrupt(format!("version {v}")));
    }
    let (value, used) =
        bincode::decode_from_slice(rest, entry_config().with_limit::<MAX_ENTRY_BYTES>())
            .map_err(|e| corrupt(e.to_string()))?;
    if used != rest.len() {
        return Err(corrupt("trailing bytes".into()));
    }
    Ok(value)
}

/// Joins key parts with NUL, which ids, subjects and predicates cannot contain.
pub fn key(parts: &[&str]) -> Vec<u8> {
    let mut k = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            k.push(0);
        }
        k.extend_from_slice(p.as_bytes());
    }
    k
}

/// Prefix for all keys starting with these parts.
pub fn prefix(parts: &[&str]) -> Vec<u8> {
    let mut k = key(parts);
    k.push(0);
    k
}

/// Read access to projection tables.
pub trait Tables {
    /// One entry.
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// Entries under a prefix, in key order, until `visit` returns false.
    fn scan(
        &self,
        table: &'static str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()>;
    /// Every entry of a table in no particular order, for whole-table passes that do not need
    /// order (digests, counts); tables whose storage is not in key order override it.
    fn for_each_entry(
        &self,
        table: &'static str,
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()> {
        self.scan(table, b"", visit)
    }
}

/// Write access, for the fold.
pub trait TablesMut: Tables {
    /// Sets (`Some`) or deletes (`None`) an entry.
    fn put(&mut self, table: &'static str, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()>;
    /// Adds an entry under a key the fold knows is new (a claim or source id is unique once the
    /// event is in the log), so wrappers need not read what was there.
    fn put_new(&mut self, table: &'static str, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.put(table, key, Some(value))
    }
}

/// The order-independent digest of a set of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Digest([u64; 4]);

impl Digest {
    fn entry_hash(table: &str, key: &[u8], value: &[u8]) -> [u64; 4] {
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
    pub fn add(&mut self, table: &str, key: &[u8], value: &[u8]) {
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
    pub fn remove(&mut self, table: &str, key: &[u8], value: &[u8]) {
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
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(table, key)
    }
    fn scan(
        &self,
        table: &'static str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()> {
        self.inner.scan(table, prefix, visit)
    }
}

impl<T: TablesMut> TablesMut for Digesting<'_, T> {
    fn put(&mut self, table: &'static str, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
        if let Some(old) = self.inner.get(table, &key)? {
            self.digest.remove(table, &key, &old);
        }
        if let Some(new) = &value {
            self.digest.add(table, &key, new);
        }
        self.inner.put(table, key, value)
    }
    fn put_new(&mut self, table: &'static str, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.digest.add(table, &key, &value);
        self.inner.put_new(table, key, value)
    }
}

/// Tables held in memory (replay, `--as-of`, tests). Hash maps, not ordered maps: a replay
/// puts and gets millions of entries and scans rarely (a scan sorts what it visits).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MemTables {
    tables: [HashMap<Vec<u8>, Vec<u8>>; 6],
}

/// Position of a table in [`TABLES`].
fn table_index(table: &str) -> usize {
    TABLES
        .iter()
        .position(|t| *t == table)
        .expect("a projection table name")
}

impl Tables for MemTables {
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.tables[table_index(table)].get(key).cloned())
    }
    fn scan(
        &self,
        table: &'static str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()> {
        let mut found: Vec<(&Vec<u8>, &Vec<u8>)> = self.tables[table_index(table)]
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .collect();
        found.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (k, v) in found {
            if !visit(k, v) {
                break;
            }
        }
        Ok(())
    }
    fn for_each_entry(
        &self,
        table: &'static str,
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()> {
        for (k, v) in &self.tables[table_index(table)] {
            if !visit(k, v) {
                break;
            }
        }
        Ok(())
    }
}

impl TablesMut for MemTables {
    fn put(&mut self, table: &'static str, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
        let t = &mut self.tables[table_index(table)];
        match value {
            Some(v) => {
                t.insert(key, v);
            }
            None => {
                t.remove(&key);
            }
        }
        Ok(())
    }
}

impl MemTables {
    /// Empty tables sized for about `events` events (mostly claims), so a replay does not
    /// rehash as it grows.
    pub fn with_capacity(events: usize) -> MemTables {
        let mut t = MemTables::default();
        for (i, table) in TABLES.iter().enumerate() {
            let n = match *table {
                CLAIMS | SUBJECTS | SOURCE_CLAIMS => events,
                AUTHORS => 0,
                _ => events / 16,
            };
            t.tables[i].reserve(n);
        }
        t
    }

    /// Digest of everything held.
    pub fn digest(&self) -> Digest {
        let mut d = Digest::default();
        for (table, entries) in TABLES.iter().zip(&self.tables) {
            for (k, v) in entries {
                d.add(table, k, v);
            }
        }
        d
    }

    /// Number of entries in a table.
    pub fn len(&self, table: &str) -> usize {
        self.tables[table_index(table)].len()
    }
}

/// Pending writes over read-only tables: reads see the writes; the writes can be taken out and
/// handed to the store in one batch.
pub struct Overlay<'a, T: Tables> {
    base: &'a T,
    pending: BTreeMap<(&'static str, Vec<u8>), Option<Vec<u8>>>,
}

impl<'a, T: Tables> Overlay<'a, T> {
    /// An empty overlay.
    pub fn new(base: &'a T) -> Self {
        Overlay {
            base,
            pending: BTreeMap::new(),
        }
    }

    /// The writes, in table and key order.
    pub fn into_writes(self) -> Vec<ProjectionWrite> {
        self.pending
            .into_iter()
            .map(|((t, k), v)| (t, k, v))
            .collect()
    }
}

impl<T: Tables> Tables for Overlay<'_, T> {
    fn get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.pending.get(&(table, key.to_vec())) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(table, key),
        }
    }
    fn scan(
        &self,
        table: &'static str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<()> {
        // Merge the base with pending writes under the prefix.
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        self.base.scan(table, prefix, &mut |k, v| {
            merged.insert(k.to_vec(), v.to_vec());
            true
        })?;
        for ((t, k), v) in self.pending.range((table, prefix.to_vec())..) {
            if *t != table || !k.starts_with(prefix) {
                break;
            }
            match v {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        }
        for (k, v) in &merged {
            if !visit(k, v) {
                break;
            }
        }
        Ok(())
    }
}

impl<T: Tables> TablesMut for Overlay<'_, T> {
    fn put(&mut self, table: &'static str, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
        self.pending.insert((table, key), value);
        Ok(())
    }
}

/// Reads a claim's state: `p_claims` says where (subject and predicate), `p_subjects` holds it.
pub fn claim(t: &dyn Tables, id: &str) -> Result<Option<ClaimState>> {
    let Some(at) = t.get(CLAIMS, id.as_bytes())? else {
        return Ok(None);
    };
    let mut k = at;
    k.push(0);
    k.extend_from_slice(id.as_bytes());
    match t.get(SUBJECTS, &k)? {
        Some(b) => decode(SUBJECTS, &k, &b).map(Some),
        None => Err(LedgerError::Inconsistent {
            seq: 0,
            problem: format!(
                "the claim index places claim '{id}' under a subject that does not hold it"
            ),
        }),
    }
}

/// Reads a source's state.
pub fn source(t: &dyn Tables, id: &str) -> Result<Option<SourceState>> {
    t.get(SOURCES, id.as_bytes())?
        .map(|b| decode(SOURCES, id.as_bytes(), &b))
        .transpose()
}

/// A claim state borrowing its claim; encodes exactly as [`ClaimState`] (bincode writes a
/// reference as what it refers to), so folding a new claim does not copy it.
#[derive(Encode)]
struct ClaimStateRef<'a> {
    seq: u64,
    claim: &'a Claim,
    retracted_at: Option<u64>,
    superseded_by: Option<&'a str>,
}

impl<'a> From<&'a ClaimState> for ClaimStateRef<'a> {
    fn from(s: &'a ClaimState) -> Self {
        ClaimStateRef {
            seq: s.seq,
            claim: &s.claim,
            retracted_at: s.retracted_at,
            superseded_by: s.superseded_by.as_deref(),
        }
    }
}

fn put_claim(t: &mut dyn TablesMut, state: ClaimStateRef<'_>, new: bool) -> Result<()> {
    let c = state.claim;
    let subject_key = key(&[&c.subject, &c.predicate, &c.id]);
    if new {
        t.put_new(
            CLAIMS,
            c.id.as_bytes().to_vec(),
            key(&[&c.subject, &c.predicate]),
        )?;
        t.put_new(SOURCE_CLAIMS, key(&[&c.source, &c.id]), Vec::new())?;
        return t.put_new(SUBJECTS, subject_key, encode(&state));
    }
    t.put(SUBJECTS, subject_key, Some(encode(&state)))
}

fn put_source(t: &mut dyn TablesMut, state: &SourceState, new: bool) -> Result<()> {
    let s = &state.source;
    if new {
        for cited in &s.cites {
            // A source may list the same citation twice: not new the second time.
            t.put(CITED_BY, key(&[cited, &s.id]), Some(Vec::new()))?;
        }
        return t.put_new(SOURCES, s.id.as_bytes().to_vec(), encode(state));
    }
    t.put(SOURCES, s.id.as_bytes().to_vec(), Some(encode(state)))
}

/// Folds one event into the tables. Pure: what the event says happened, happened.
pub fn apply(t: &mut dyn TablesMut, event: &Event) -> Result<()> {
    match &event.body {
        EventBody::SourceRegistered(s) => put_source(
            t,
            &SourceState {
                seq: event.seq,
                source: s.clone(),
                retracted_at: None,
            },
            true,
        ),
        EventBody::ClaimAsserted(c) => {
            if let Some(old) = &c.supersedes {
                if let Some(mut prev) = claim(t, old)? {
                    prev.superseded_by = Some(c.id.clone());
                    put_claim(t, (&prev).into(), false)?;
                }
            }
            put_claim(
                t,
                ClaimStateRef {
                    seq: event.seq,
                    claim: c,
                    retracted_at: None,
                    superseded_by: None,
                },
                true,
            )
        }
        EventBody::AuthorAuthorised(a) => t.put(
            AUTHORS,
            a.name.as_bytes().to_vec(),
            Some(encode(&AuthorState {
                public_key: a.public_key,
                authorised_at: event.seq,
                revoked_at: None,
            })),
        ),
        EventBody::AuthorRevoked(a) => match author(t, &a.name)? {
            Some(mut st) => {
                st.revoked_at = Some(event.seq);
                t.put(AUTHORS, a.name.as_bytes().to_vec(), Some(encode(&st)))
            }
            None => Ok(()),
        },
        EventBody::Retracted(r) => {
            if let Some(mut c) = claim(t, &r.target)? {
                c.retracted_at = Some(event.seq);
                put_claim(t, (&c).into(), false)
            } else if let Some(mut s) = source(t, &r.target)? {
                s.retracted_at = Some(event.seq);
                put_source(t, &s, false)
            } else {
                Ok(())
            }
        }
    }
}

/// Why a claim is or is not live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// Live: counts in facts and flags.
    Live,
    /// Retracted itself.
    Retracted,
    /// Corrected by a later claim.
    Superseded,
    /// Its source was retracted.
    SourceRetracted,
}

impl Liveness {
    /// The reason, in order: retracted, then superseded, then the source.
    pub fn of(retracted: bool, superseded: bool, source_live: bool) -> Liveness {
        if retracted {
            Liveness::Retracted
        } else if superseded {
            Liveness::Superseded
        } else if source_live {
            Liveness::Live
        } else {
            Liveness::SourceRetracted
        }
    }

    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Retracted => "retracted",
            Liveness::Superseded => "superseded",
            Liveness::SourceRetracted => "source-retracted",
        }
    }
}

/// Whether a claim is live: not retracted, not superseded, and its own source not retracted.
pub fn liveness(t: &dyn Tables, c: &ClaimState) -> Result<Liveness> {
    liveness_with(c, &mut |id| source_live(t, id))
}

/// As [`liveness`], asking `source_live` (see [`source_live`]) about the claim's source only when
/// the claim's own state leaves it live; for passes that remember their sources.
pub fn liveness_with(
    c: &ClaimState,
    source_live: &mut dyn FnMut(&str) -> Result<bool>,
) -> Result<Liveness> {
    if c.own_status().is_some() {
        return Ok(Liveness::of(
            c.retracted_at.is_some(),
            c.superseded_by.is_some(),
            false,
        ));
    }
    Ok(Liveness::of(false, false, source_live(&c.claim.source)?))
}

/// Whether source `id` is in the ledger and not retracted: what a claim's liveness needs of it.
pub fn source_live(t: &dyn Tables, id: &str) -> Result<bool> {
    Ok(source(t, id)?.is_some_and(|s| s.retracted_at.is_none()))
}

/// Decodes a claim state stored in [`SUBJECTS`] under `key`.
pub fn claim_state(key: &[u8], value: &[u8]) -> Result<ClaimState> {
    decode(SUBJECTS, key, value)
}

/// Every claim about a subject, in predicate then id order: one read of the subject's group.
pub fn subject_claims(t: &dyn Tables, subject: &str) -> Result<Vec<ClaimState>> {
    let mut out = Vec::new();
    let mut err = None;
    t.scan(SUBJECTS, &prefix(&[subject]), &mut |k, v| {
        match decode::<ClaimState>(SUBJECTS, k, v) {
            Ok(c) => out.push(c),
            Err(e) => {
                err = Some(e);
                return false;
            }
        }
        true
    })?;
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Every subject with at least one claim, in order, visited one at a time.
pub fn for_each_subject(t: &dyn Tables, visit: &mut dyn FnMut(&str) -> Result<()>) -> Result<()> {
    let mut last: Option<Vec<u8>> = None;
    let mut subjects: Vec<String> = Vec::new();
    // Collect subject names first (keys only; small next to the claims themselves).
    t.scan(SUBJECTS, b"", &mut |k, _| {
        let subject = k.split(|&b| b == 0).next().unwrap_or(k);
        if last.as_deref() != Some(subject) {
            last = Some(subject.to_vec());
            subjects.push(String::from_utf8_lossy(subject).into_owned());
        }
        true
    })?;
    for s in subjects {
        visit(&s)?;
    }
    Ok(())
}

/// Every subject with its claims (as [`subject_claims`] gives them), in subject order, read in
/// one pass over the subject table.
pub fn for_each_subject_claims(
    t: &dyn Tables,
    visit: &mut dyn FnMut(&str, Vec<ClaimState>) -> Result<()>,
) -> Result<()> {
    let mut current: Option<(Vec<u8>, Vec<ClaimState>)> = None;
    let mut err = None;
    t.scan(SUBJECTS, b"", &mut |k, v| {
        let subject = k.split(|&b| b == 0).next().unwrap_or(k);
        let step = (|| {
            if current.as_ref().is_some_and(|(s, _)| s != subject) {
                let (s, claims) = current.take().expect("checked");
                visit(&String::from_utf8_lossy(&s), claims)?;
            }
            let state = decode::<ClaimState>(SUBJECTS, k, v)?;
            current
                .get_or_insert_with(|| (subject.to_vec(), Vec::new()))
                .1
                .push(state);
            Ok(())
        })();
        match step {
            Ok(()) => true,
            Err(e) => {
                err = Some(e);
                false
            }
        }
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    if let Some((s, claims)) = current {
        visit(&String::from_utf8_lossy(&s), claims)?;
    }
    Ok(())
}

/// Ids of the sources that cite `id`.
pub fn cited_by(t: &dyn Tables, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    t.scan(CITED_BY, &prefix(&[id]), &mut |k, _| {
        if let Some(citing) = k.rsplit(|&b| b == 0).next() {
            out.push(String::from_utf8_lossy(citing).into_owned());
        }
        true
    })?;
    Ok(out)
}

/// Ids of the claims that rest on source `id`.
pub fn claims_of_source(t: &dyn Tables, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    t.scan(SOURCE_CLAIMS, &prefix(&[id]), &mut |k, _| {
        if let Some(c) = k.rsplit(|&b| b == 0).next() {
            out.push(String::from_utf8_lossy(c).into_owned());
        }
        true
    })?;
    Ok(out)
}

/// Replays events into memory, returning the tables and the seq reached.
pub fn replay<I>(
    events: I,
    to: Option<u64>,
    mut progress: impl FnMut(u64),
) -> Result<(MemTables, u64)>
where
    I: IntoIterator<Item = Result<Event>>,
{
    let events = events.into_iter();
    let expected = events.size_hint().1.unwrap_or(0);
    let mut tables = MemTables::with_capacity(to.map_or(expected, |to| expected.min(to as usize)));
    let mut reached = 0;
    for e in events {
        let e = e?;
        if to.is_some_and(|to| e.seq > to) {
            break;
        }
        apply(&mut tables, &e)?;
        reached = e.seq;
        progress(reached);
    }
    Ok((tables, reached))
}

/// What a replay implies, computed without holding the projection: its digest and counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The last seq folded in.
    pub reached: u64,
    /// Digest of the projection the events imply (as [`MemTables::digest`] of a [`replay`]).
    pub digest: Digest,
    /// Sources registered.
    pub sources: u64,
    /// Claims asserted.
    pub claims: u64,
    /// Claims neither retracted nor superseded, whose source is in the ledger and not retracted.
    pub live_claims: u64,
    /// Claims retracted.
    pub retracted_claims: u64,
    /// Claims superseded (and not retracted).
    pub superseded_claims: u64,
    /// Claims otherwise live whose source is missing or retracted.
    pub claims_with_retracted_source: u64,
    /// Distinct subjects with at least one claim.
    pub subjects: u64,
}

/// A claim as the summary keeps it: where it is in the log and what became of it.
struct ClaimSlot {
    seq: u64,
    source: u32,
    retracted_at: Option<u64>,
    superseded_by: Option<Box<str>>,
}

/// The same fold as [`apply`], keeping only what later events change (a claim's or source's
/// seq and fate, the authors) and the digest; a changed entry's old bytes are rebuilt from its
/// event, read again from the log. A million claims take about a tenth of the memory
/// [`MemTables`] needs for them.
struct SummaryFold {
    digest: Digest,
    claims: HashMap<Box<str>, ClaimSlot>,
    /// Source id → (index, seq, retracted_at); claims refer to sources by index.
    sources: HashMap<Box<str>, (u32, u64, Option<u64>)>,
    source_ids: Vec<Box<str>>,
    subjects: std::collections::HashSet<Box<str>>,
    authors: MemTables,
}

impl SummaryFold {
    fn source_index(&mut self, id: &str) -> u32 {
        if let Some((i, _, _)) = self.sources.get(id) {
            return *i;
        }
        // A claim may rest on a source not (yet) registered: it gets an index all the same.
        let i = self.source_ids.len() as u32;
        self.source_ids.push(id.into());
        i
    }

    fn claim_entry(&self, c: &Claim, slot: &ClaimSlot) -> (Vec<u8>, Vec<u8>) {
        let state = ClaimStateRef {
            seq: slot.seq,
            claim: c,
            retracted_at: slot.retracted_at,
            superseded_by: slot.superseded_by.as_deref(),
        };
        (key(&[&c.subject, &c.predicate, &c.id]), encode(&state))
    }

    /// Replaces claim `id`'s state entry in the digest after `change` updates its slot.
    fn update_claim(
        &mut self,
        id: &str,
        reread: &mut dyn FnMut(u64) -> Result<Event>,
        change: &mut dyn FnMut(&mut ClaimSlot),
    ) -> Result<bool> {
        let Some(seq) = self.claims.get(id).map(|s| s.seq) else {
            return Ok(false);
        };
        let event = reread(seq)?;
        let EventBody::ClaimAsserted(c) = &event.body else {
            return Err(LedgerError::Inconsistent {
                seq,
                problem: format!("claim '{id}' was asserted here, but the event is not a claim"),
            });
        };
        let slot = self.claims.get(id).expect("present");
        let (k, old) = self.claim_entry(c, slot);
        self.digest.remove(SUBJECTS, &k, &old);
        let slot = self.claims.get_mut(id).expect("present");
        change(slot);
        let slot = self.claims.get(id).expect("present");
        let (k, new) = self.claim_entry(c, slot);
        self.digest.add(SUBJECTS, &k, &new);
        Ok(true)
    }

    fn apply(&mut self, event: &Event, reread: &mut dyn FnMut(u64) -> Result<Event>) -> Result<()> {
        match &event.body {
            EventBody::SourceRegistered(s) => {
                let mut cited = std::collections::HashSet::new();
                for c in &s.cites {
                    if cited.insert(c.as_str()) {
                        self.digest.add(CITED_BY, &key(&[c, &s.id]), &[]);
                    }
                }
                let state = SourceStateRef {
                    seq: event.seq,
                    source: s,
                    retracted_at: None,
                };
                self.digest.add(SOURCES, s.id.as_bytes(), &encode(&state));
                let i = self.source_index(&s.id);
                self.sources
                    .insert(s.id.as_str().into(), (i, event.seq, None));
            }
            EventBody::ClaimAsserted(c) => {
                if let Some(old) = &c.supersedes {
                    let by: Box<str> = c.id.as_str().into();
                    self.update_claim(old, reread, &mut |slot| {
                        slot.superseded_by = Some(by.clone())
                    })?;
                }
                self.digest
                    .add(CLAIMS, c.id.as_bytes(), &key(&[&c.subject, &c.predicate]));
                self.digest
                    .add(SOURCE_CLAIMS, &key(&[&c.source, &c.id]), &[]);
                let slot = ClaimSlot {
                    seq: event.seq,
                    source: self.source_index(&c.source),
                    retracted_at: None,
                    superseded_by: None,
                };
                let (k, v) = self.claim_entry(c, &slot);
                self.digest.add(SUBJECTS, &k, &v);
                self.claims.insert(c.id.as_str().into(), slot);
                if !self.subjects.contains(c.subject.as_str()) {
                    self.subjects.insert(c.subject.as_str().into());
                }
            }
            EventBody::Retracted(r) => {
                let at = event.seq;
                if !self
                    .update_claim(&r.target, reread, &mut |slot| slot.retracted_at = Some(at))?
                {
                    if let Some(&(i, seq, old_retracted)) = self.sources.get(r.target.as_str()) {
                        let e = reread(seq)?;
                        let EventBody::SourceRegistered(s) = &e.body else {
                            return Err(LedgerError::Inconsistent {
                                seq,
                                problem: format!(
                                    "source '{}' was registered here, but the event is not a source",
                                    r.target
                                ),
                            });
                        };
                        let old = SourceStateRef {
                            seq,
                            source: s,
                            retracted_at: old_retracted,
                        };
                        self.digest.remove(SOURCES, s.id.as_bytes(), &encode(&old));
                        let new = SourceStateRef {
                            retracted_at: Some(at),
                            ..old
                        };
                        self.digest.add(SOURCES, s.id.as_bytes(), &encode(&new));
                        self.sources
                            .insert(r.target.as_str().into(), (i, seq, Some(at)));
                    }
                }
            }
            EventBody::AuthorAuthorised(_) | EventBody::AuthorRevoked(_) => {
                apply(&mut self.authors, event)?;
            }
        }
        Ok(())
    }

    fn finish(self, reached: u64) -> Summary {
        let mut digest = self.digest;
        for (table, entries) in TABLES.iter().zip(&self.authors.tables) {
            for (k, v) in entries {
                digest.add(table, k, v);
            }
        }
        let live_source: Vec<bool> = self
            .source_ids
            .iter()
            .map(|id| matches!(self.sources.get(id), Some((_, _, None))))
            .collect();
        let mut sum = Summary {
            reached,
            digest,
            sources: self.sources.len() as u64,
            claims: self.claims.len() as u64,
            subjects: self.subjects.len() as u64,
            ..Summary::default()
        };
        for slot in self.claims.values() {
            let count = match Liveness::of(
                slot.retracted_at.is_some(),
                slot.superseded_by.is_some(),
                live_source[slot.source as usize],
            ) {
                Liveness::Live => &mut sum.live_claims,
                Liveness::Retracted => &mut sum.retracted_claims,
                Liveness::Superseded => &mut sum.superseded_claims,
                Liveness::SourceRetracted => &mut sum.claims_with_retracted_source,
            };
            *count += 1;
        }
        sum
    }
}

/// A source state borrowing its source; encodes exactly as [`SourceState`].
#[derive(Encode, Clone, Copy)]
struct SourceStateRef<'a> {
    seq: u64,
    source: &'a Source,
    retracted_at: Option<u64>,
}

/// Replays events to the digest and counts of the projection they imply, without building it
/// (see [`Summary`]); `reread` reads an earlier event again by seq, for the few events that
/// change an earlier claim or source.
pub fn replay_summary<I>(
    events: I,
    to: Option<u64>,
    reread: &mut dyn FnMut(u64) -> Result<Event>,
    mut progress: impl FnMut(u64),
) -> Result<Summary>
where
    I: IntoIterator<Item = Result<Event>>,
{
    let events = events.into_iter();
    let expected = events.size_hint().1.unwrap_or(0);
    let expected = to.map_or(expected, |to| expected.min(to as usize));
    let mut fold = SummaryFold {
        digest: Digest::default(),
        claims: HashMap::with_capacity(expected),
        sources: HashMap::with_capacity(expected / 16),
        source_ids: Vec::new(),
        subjects: Default::default(),
        authors: MemTables::default(),
    };
    let mut reached = 0;
    for e in events {
        let e = e?;
        if to.is_some_and(|to| e.seq > to) {
            break;
        }
        fold.apply(&e, reread)?;
        reached = e.seq;
        progress(reached);
    }
    Ok(fold.finish(reached))
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
    fn a_borrowed_claim_state_encodes_as_the_owned_one() {
        let state = ClaimState {
            seq: 300,
            claim: Claim {
                id: "c1".into(),
                source: "s1".into(),
                subject: "S/RES/2774".into(),
                predicate: "tally".into(),
                value: crate::value::Value::Text("10-0-5".into()),
                supersedes: Some("c0".into()),
                note: Some("n".into()),
            },
            retracted_at: Some(301),
            superseded_by: Some("c2".into()),
        };
        assert_eq!(encode(&ClaimStateRef::from(&state)), encode(&state));
        let back: ClaimState =
            decode(SUBJECTS, b"k", &encode(&ClaimStateRef::from(&state))).unwrap();
        assert_eq!(back, state);
    }

    #[test]
    fn overlay_scan_merges_pending_writes() {
        let mut base = MemTables::default();
        base.put(SUBJECTS, key(&["s", "p", "a"]), Some(vec![]))
            .unwrap();
        base.put(SUBJECTS, key(&["s", "p", "b"]), Some(vec![]))
            .unwrap();
        let mut o = Overlay::new(&base);
        o.put(SUBJECTS, key(&["s", "p", "b"]), None).unwrap();
        o.put(SUBJECTS, key(&["s", "p", "c"]), Some(vec![]))
            .unwrap();
        let mut seen = Vec::new();
        o.scan(SUBJECTS, &prefix(&["s"]), &mut |k, _| {
            seen.push(k.to_vec());
            true
        })
        .unwrap();
        assert_eq!(seen, vec![key(&["s", "p", "a"]), key(&["s", "p", "c"])]);
    }
}
