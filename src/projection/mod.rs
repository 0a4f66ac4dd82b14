//! The projection: the log folded into the state a fact-checker works from.
//!
//! For every claim and source the projection keeps its current state (retracted? superseded?),
//! plus indexes by subject, by source and by citation, in [tables](Table) the store keeps as
//! keyspaces. It is a pure fold over events ([`fold`](mod@fold) says once what each event changes;
//! [`apply`] writes that into tables, [`replay_summary`] into a digest): no validation, no
//! rules — those happen before an append and after a read. The same fold runs against the
//! store (kept up to date in the same write as the events), against memory (replay, `--as-of`),
//! and against an overlay of pending writes.
//!
//! The projection's digest is an order-independent sum (mod 2^256) of the blake3 hashes of its
//! entries, so appends update it in O(1) per entry and `verify` can compare three things: the
//! digest recorded in the store, the digest of the stored entries, and the digest of a fresh
//! replay of the log.
//!
//! - [`tables`] — the tables, read and write access, in memory and as an overlay;
//! - [`state`] — what an entry holds (claim, source and author states) and liveness;
//! - [`fold`](mod@fold) — the one statement of what each event changes, and the table writer;
//! - [`digest`] — the digest, the meta record, the digesting wrapper;
//! - [`summary`] — the digest and counts of a replay without holding the tables;
//! - [`queries`] — reads: a claim, a source, a subject's claims, who cites what.
//! - [`facts`] — the fact state per subject and predicate: live claims, values, agreement.
//! - [`verdicts`] — reviews of claims, rating scales and ledger settings.

use crate::error::{LedgerError, Result};
use bincode::{Decode, Encode};

pub mod aliases;
pub mod digest;
pub mod facts;
pub mod fold;
pub mod published;
pub mod queries;
pub mod state;
pub mod summary;
pub mod tables;
pub mod verdicts;
pub mod versions;

pub use crate::store::Visit;
pub use digest::Meta;
pub use digest::{scan_digest, Digest, Digesting};
pub use fold::{apply, fold, Changes, Fate};
pub use queries::*;
pub use state::Liveness;
pub use state::{
    AliasState, AuthorState, ClaimState, DismissalState, SourceState, VersionState, WithdrawalState,
};
pub use summary::replay_summary;
pub use summary::Summary;
pub(crate) use tables::TABLES;
pub use tables::{
    MemTables, Overlay, Table, Tables, TablesMut, ALIASES, AUTHORS, CLAIMS, DISMISSALS, SOURCES,
    SOURCE_VERSIONS, SUBJECTS, SUBJECT_NAMES, WITHDRAWALS,
};

/// Version of the projection's table layout; a mismatch means rebuild. 3: claim states hold the
/// claim's claimant and excerpt. 4: subject aliases, source versions and withdrawals. 5: reviews,
/// scales and settings (p_reviews, p_scales, p_settings).
pub(crate) const PROJECTION_VERSION: u8 = 5;
/// blake3 derive-key context for projection entry hashes.
pub(crate) const ENTRY_CONTEXT: &str = "factledger v1 projection entry";
/// Name of the projection's meta record in the store (see [`Meta`]).
pub(crate) const META_RECORD: &str = "projection";
/// What the meta record holds while the tables are being rebuilt: no [`Meta`] reads it, so a
/// crash part-way means rebuild again.
pub(crate) const REBUILDING: &[u8] = b"rebuilding";
const MAX_ENTRY_BYTES: usize = 1 << 20;

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

fn decode<T: Decode<()>>(table: Table, key: &[u8], bytes: &[u8]) -> Result<T> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_parts_with_nul_and_prefixes_end_with_one() {
        assert_eq!(key(&["s", "p", "c"]), b"s\0p\0c".to_vec());
        assert_eq!(prefix(&["s"]), b"s\0".to_vec());
        assert_eq!(key(&["solo"]), b"solo".to_vec());
    }

    #[test]
    fn an_entry_of_another_version_or_with_trailing_bytes_is_corrupt() {
        let mut bytes = encode(&7u64);
        assert_eq!(decode::<u64>(CLAIMS, b"k", &bytes).unwrap(), 7);
        bytes.push(0);
        let err = decode::<u64>(CLAIMS, b"k", &bytes).unwrap_err().to_string();
        assert!(
            err.contains("p_claims/k is corrupt: trailing bytes"),
            "{err}"
        );
        bytes[0] = 9;
        let err = decode::<u64>(CLAIMS, b"k", &bytes).unwrap_err().to_string();
        assert!(err.contains("version 9"), "{err}");
    }
}
