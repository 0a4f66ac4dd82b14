//! factledger: an event-sourced fact ledger with provenance, for fact-checkers.
//!
//! Fact-checkers append claims ("the Security Council adopted S/RES/2774 on 24 February 2025")
//! and the sources they came from as immutable, hashed events; corrections and retractions are
//! events too. The log is the truth; everything else is derived from it and can be checked
//! against it.
//!
//! # Layout
//! - [`date`] — calendar dates as reporters write them, with the stated weekday kept.
//! - [`value`] — typed claim values (tallies, outcomes, votes, quotes…) and their normalisation.
//! - [`event`] — events, their canonical encoding and hashes (`docs/format.md`).
//! - [`store`] — the only module that touches sled: records, indexes, head, durability.
//! - [`ledger`] — the append-only log over the store: decode, chain, look up.
//! - [`chain`] — verification of the hash chain.
//! - [`facts`] — the fact state per subject and predicate: live claims, values, agreement.
//! - [`findings`] — every flag for a subject or the whole ledger: claim rules plus provenance.
//! - [`projection`] — the log folded into the current state of claims and sources, kept in sled.
//! - [`provenance`] — source chains, citation problems, independent origins.
//! - [`dot`] — Graphviz pictures of provenance.
//! - [`rules`] — per-subject inconsistency rules: live claims in, flags out (`docs/flags.md`).
//! - [`merkle`] — RFC 9162 Merkle trees over event hashes: roots, inclusion and consistency proofs.
//! - [`checkpoint`] — signed tree heads (size, Merkle root, time) a desk can publish.
//! - [`proof`] — inclusion, consistency and evidence files, checked without the ledger.
//! - [`bundle`] — the whole ledger as a verifiable JSON Lines bundle, and back.
//! - [`signing`] — Ed25519 key files, event signatures, and who may sign.
//! - [`import`] — the JSON Lines import format and the decision of what to append.
//! - [`error`] — the library's error type.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bundle;
pub mod chain;
pub mod checkpoint;
pub mod date;
pub mod dot;
pub mod error;
pub mod event;
pub mod extract;
pub mod facts;
pub mod findings;
pub mod import;
pub mod ledger;
pub mod merkle;
pub mod projection;
pub mod proof;
pub mod provenance;
pub mod reported;
pub mod rules;
pub mod signing;
pub mod store;
pub mod value;

pub use error::{LedgerError, Result};
pub use ledger::Ledger;
