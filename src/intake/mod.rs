//! Intake: everything that enters a ledger from outside passes through here.
//!
//! An import line, an `add` command, a bundle's events and (later) an HTTP body are all read
//! into the same records and held to the same field rules before anything is appended.
//!
//! - [`import`] — the JSON Lines import format and the plan of what to append.
//! - [`plan`] — which imported records become events, checked against the ledger and each other.
//! - [`predicates`] — the predicates a ledger knows, and near misses of them refused.
//! - [`validate`] — the field rules every event meets, by whichever route it enters.
//! - [`reported`] — claim values as reporters write them ("adopted 10-0-5") read into typed values.
//! - [`verdicts`] — review, scale and setting records, and what the plan checks of them.
//! - [`extract`] — candidate claims read from an article's text, each tied to its exact words.

pub mod extract;
pub mod import;
pub mod plan;
mod plan_desk;
pub mod predicates;
pub mod reported;
pub(crate) mod suggest;
pub mod validate;
pub mod verdicts;

/// A regex from one of intake's fixed patterns. The patterns are constants, so one that does
/// not compile is a bug the first test to read a report finds, not an input error.
pub(crate) fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("valid regex")
}
