//! factledger: an event-sourced fact ledger with provenance, for fact-checkers.
//!
//! Fact-checkers append claims ("the Security Council adopted S/RES/2774 on 24 February 2025")
//! and the sources they came from as immutable, hashed events; corrections and retractions are
//! events too. The log is the truth; everything else is derived from it and can be checked
//! against it.
//!
//! # Where to start
//! - [`Ledger`] opens a ledger directory ([`Ledger::open`]); [`desk::init::init`] creates one.
//! - [`desk`] holds one function per thing a desk does — [`desk::import::import_records`],
//!   [`desk::add::add`], [`desk::facts::facts`], [`desk::flags::flags`], [`desk::show::show`]…
//!   Each returns a typed result that derives `Serialize` (the JSON of `docs/cli.md`). Writes
//!   take a [`Stamp`]: who appends, when, and the key that signs.
//! - Failures are typed: [`LedgerError`] from the ledger, [`DeskError`] from the read use cases,
//!   and each write use case's own enum; [`Result`] defaults to [`LedgerError`].
//! - Points in history are [`AsOf`]: a seq, or a time.
//!
//! The `factledger` command is built on exactly these functions. Its dependencies sit behind the
//! default `cli` feature; with `default-features = false` the library builds without them.
//!
//! # Layout
//! - [`desk`] — the use cases (import, add, verify, facts, flags, audit…) that the CLI and the
//!   desk server call; each returns a typed, serialisable result.
//! - [`date`] — calendar dates as reporters write them, with the stated weekday kept.
//! - [`value`] — typed claim values (tallies, outcomes, votes, quotes…) and their normalisation.
//! - [`event`] — events, their canonical encoding and hashes (`docs/format.md`).
//! - [`store`] — the only module that touches sled: records, indexes, head, durability.
//! - [`ledger`] — the append-only log over the store: decode, chain, look up.
//! - [`chain`] — verification of the hash chain.
//! - [`facts`] — the fact state per subject and predicate: live claims, values, agreement.
//! - [`flags`] — inconsistency flags: the registry of codes, the claim rules by family (values,
//!   dates, votes, quotes, provenance), and every flag for a subject or the whole ledger
//!   (`docs/flags.md`).
//! - [`projection`] — the log folded into the current state of claims and sources, kept in sled.
//! - [`provenance`] — source chains, citation problems, independent origins.
//! - [`dot`] — Graphviz pictures of provenance.
//! - [`merkle`] — RFC 9162 Merkle trees over event hashes: roots, inclusion and consistency proofs,
//!   and the tree head (size and root bound together) that verifies them.
//! - [`checkpoint`] — signed tree heads (size, Merkle root, time) a desk can publish.
//! - [`proof`] — inclusion, consistency and evidence files, checked without the ledger.
//! - [`bundle`] — the whole ledger as a verifiable JSON Lines bundle, and back.
//! - [`signing`] — Ed25519 key files, event signatures, and who may sign.
//! - [`reported`] — claim values as reporters write them ("adopted 10-0-5") read into typed values.
//! - [`extract`] — candidate claims read from an article's text, each tied to its exact words.
//! - [`terminal`] — text from ledgers, bundles and proofs escaped so it cannot drive a terminal.
//! - [`import`] — the JSON Lines import format and the decision of what to append.
//! - [`validate`] — the field rules every event meets, by whichever route it enters.
//! - `error` — the library's error type, [`LedgerError`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bundle;
pub mod chain;
pub mod checkpoint;
pub mod date;
pub mod desk;
pub mod dot;
mod error;
pub mod event;
pub mod extract;
pub mod facts;
pub mod flags;
pub mod import;
pub mod ledger;
pub mod merkle;
pub mod projection;
pub mod proof;
pub mod provenance;
pub mod reported;
pub mod signing;
pub mod store;
pub mod terminal;
pub mod validate;
pub mod value;

pub use desk::{AsOf, DeskError};
pub use error::{LedgerError, Result};
pub use event::Event;
pub use ledger::{Ledger, Stamp};
