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
//! - [`merkle`] — RFC 9162 Merkle trees over event hashes: roots, inclusion and consistency proofs.
//! - [`import`] — the JSON Lines import format and the decision of what to append.
//! - [`error`] — the library's error type.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chain;
pub mod date;
pub mod error;
pub mod event;
pub mod import;
pub mod ledger;
pub mod merkle;
pub mod store;
pub mod value;

pub use error::{LedgerError, Result};
pub use ledger::Ledger;
