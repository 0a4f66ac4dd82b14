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
//!   and each write use case's own enum; [`Result`] defaults to [`LedgerError`]. Input that is
//!   not acceptable is said by the module that reads it, with the field or line it concerns:
//!   [`intake::import::RecordError`] (an import line), [`model::value::ValueError`] (a value),
//!   [`integrity::signing::AuthorityCheckError`] (who may sign).
//! - Points in history are [`AsOf`]: a seq, or a time.
//!
//! The `factledger` command is built on exactly these functions. Its dependencies sit behind the
//! default `cli` feature; with `default-features = false` the library builds without them.
//!
//! # Layout
//! The folders are the layers, from what a desk records to what it does (`docs/architecture.md`):
//! - [`model`] — dates, typed values and events with their canonical encoding and hashes.
//! - [`intake`] — everything that enters: the import format, the field rules, values as
//!   reporters write them, candidate claims extracted from an article.
//! - [`store`] — the storage boundary ([`store::Backend`]) and its sled implementation: records,
//!   indexes, keyspaces, head, durability.
//! - [`ledger`] — the append-only log over a backend: append, decode, look up, keep the
//!   projection current.
//! - [`projection`] — the log folded into the state of claims and sources, and the fact state.
//! - [`flags`] — inconsistency flags: the registry of codes and the rules by family.
//! - [`provenance`] — source chains, citation problems, independent origins, Graphviz pictures.
//! - [`integrity`] — log verification, Merkle proofs, checkpoints, bundles and signatures.
//! - [`interop`] — ClaimReview JSON-LD, W3C PROV-JSON and CSV, to and from the ledger.
//! - [`desk`] — the use cases the CLI and the desk server call; each returns a typed,
//!   serialisable result.
//! - [`terminal`] — text from ledgers, bundles and proofs escaped so it cannot drive a terminal.
//! - `error` — the library's error type, [`LedgerError`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod desk;
mod error;
pub mod flags;
pub mod intake;
pub mod integrity;
pub mod interop;
pub mod ledger;
pub mod model;
pub mod projection;
pub mod provenance;
#[cfg(feature = "server")]
pub mod server;
pub mod store;
pub mod terminal;

pub use desk::{AsOf, DeskError};
pub use error::{LedgerError, Result};
pub use ledger::{Ledger, Stamp};
pub use model::event::Event;
