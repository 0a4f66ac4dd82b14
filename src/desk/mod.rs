//! The desk's use cases: one function per thing a fact-checking desk does with its ledger.
//!
//! The command line and the desk server both call these functions and nothing below them, so a
//! use case behaves the same whichever way a person reaches it. Each returns a typed result that
//! derives `Serialize`: that type *is* the JSON a client sees (`docs/cli.md`), and the CLI renders
//! its text form from the same value.

pub mod add;
pub mod authorise;
pub mod demo;
pub mod import;
pub mod init;
pub mod retract;
