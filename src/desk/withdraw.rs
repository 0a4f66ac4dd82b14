//! `withdraw`: the publisher withdrew a source (took the article down). Unlike the desk's own
//! `retract`, the source's claims stay live and flagged, marked as resting on a withdrawn source.

use super::alias::append_object;
use super::import::{AppendReport, Durability, ImportError};
use crate::ledger::Stamp;
use crate::Ledger;
use serde_json::json;
use std::path::Path;

/// A withdrawal to record.
#[derive(Debug, Clone)]
pub struct WithdrawInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// The source withdrawn.
    pub source: &'a str,
    /// What the publisher said, or why the desk believes it was withdrawn.
    pub reason: &'a str,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// Records the publisher's withdrawal of a source, checked as an import line
/// `{"type":"withdrawal",…}` is.
pub fn withdraw(
    ledger: &mut Ledger,
    input: WithdrawInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    let obj = json!({"type": "withdrawal", "source": input.source, "reason": input.reason});
    append_object(
        ledger,
        input.label,
        Path::new("."),
        &obj,
        stamp,
        input.durability,
    )
}
