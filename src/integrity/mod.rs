//! Integrity: what lets anyone check the ledger, with or without holding it.
//!
//! - [`log_check`] — verification of the log: every hash, link, id and index entry.
//! - [`merkle`] — RFC 9162 Merkle trees over event hashes: roots, inclusion and consistency
//!   proofs, and the tree head (size and root bound together) that verifies them.
//! - [`checkpoint`] — signed tree heads (size, Merkle root, time) a desk can publish.
//! - [`proof`] — inclusion, consistency and evidence files, checked without the ledger.
//! - [`bundle`] — the whole ledger as a verifiable JSON Lines bundle, and back.
//! - [`signing`] — Ed25519 key files, event signatures, and who may sign.

pub mod bundle;
pub mod checkpoint;
pub mod log_check;
pub mod merkle;
pub mod proof;
pub mod signing;
