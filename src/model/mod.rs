//! The model: what a desk records, independent of where it is stored.
//!
//! - [`date`] — calendar dates as reporters write them, with the stated weekday kept.
//! - [`value`] — typed claim values (tallies, outcomes, votes, quotes…) and their normalisation.
//! - [`event`] — events, their canonical encoding and hashes (`docs/format.md`).

pub mod date;
pub mod event;
pub mod value;
