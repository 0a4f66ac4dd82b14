//! The model: what a desk records, independent of where it is stored.
//!
//! - [`date`] — calendar dates as reporters write them, with the stated weekday kept.
//! - [`value`] — typed claim values (tallies, outcomes, votes, quotes…) and their normalisation.
//! - [`event`] — events, their canonical encoding and hashes (`docs/format.md`).
//! - [`members`] — the UN member states a `vote:<member>` predicate may name.

pub mod date;
pub mod event;
pub mod members;
pub mod value;
