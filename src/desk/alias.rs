//! `subject alias`: another name for a subject, so claims filed under either meet. Checked as
//! an import line `{"type":"alias",…}` is; also the one append path the desk's model records
//! (aliases, source versions, withdrawals) given as fields share.

use super::import::{append_records, AppendReport, Durability, ImportError};
use crate::intake::import::parse_record;
use crate::ledger::Stamp;
use crate::Ledger;
use serde_json::{json, Value as Json};
use std::path::Path;

/// Validates one import line given as a JSON object and appends it.
pub(crate) fn append_object(
    ledger: &mut Ledger,
    label: &str,
    base: &Path,
    obj: &Json,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let record = parse_record(obj, base).map_err(|e| ImportError::Invalid {
        label: label.to_string(),
        message: e.to_string(),
    })?;
    append_records(ledger, label, vec![(0, record)], stamp, durability)
}

/// An alias to record.
#[derive(Debug, Clone)]
pub struct AliasInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// The other name.
    pub alias: &'a str,
    /// The subject it names.
    pub subject: &'a str,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// Records `alias` as another name for `subject`.
pub fn alias(
    ledger: &mut Ledger,
    input: AliasInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    let obj = json!({"type": "alias", "alias": input.alias, "subject": input.subject});
    append_object(
        ledger,
        input.label,
        Path::new("."),
        &obj,
        stamp,
        input.durability,
    )
}
