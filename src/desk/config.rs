//! `config`: the ledger's settings (`desk.name`, `desk.url`), recorded as events so that what an
//! export takes from them can be reproduced from the log.

use super::import::{AppendReport, Durability, ImportError};
use super::review::append_object;
use super::DeskError;
use crate::intake::verdicts::SETTINGS;
use crate::ledger::Stamp;
use crate::projection::verdicts;
use crate::Ledger;
use serde::Serialize;
use serde_json::json;

/// A setting and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingRow {
    /// Who set it.
    pub author: Option<String>,
    /// What it is for.
    pub description: &'static str,
    /// Its key.
    pub key: String,
    /// Seq of the event that set it.
    pub seq: Option<u64>,
    /// Its value; `null` when never set.
    pub value: Option<String>,
}

/// Sets `key` to `value` (a `SettingRecorded` event), checked as an import line
/// `{"type":"setting",…}` is: known keys only, and a value the key accepts.
pub fn set(
    ledger: &mut Ledger,
    label: &str,
    key: &str,
    value: &str,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let obj = json!({"type": "setting", "key": key, "value": value});
    append_object(ledger, label, obj, stamp, durability)
}

/// Every known setting, set or not, in key order.
pub fn list(ledger: &Ledger) -> Result<Vec<SettingRow>, DeskError> {
    let t = ledger.tables();
    let mut out = Vec::new();
    for (key, description) in SETTINGS {
        let state = verdicts::setting(&t, key)?;
        out.push(SettingRow {
            author: state.as_ref().map(|s| s.author.clone()),
            description,
            key: key.to_string(),
            seq: state.as_ref().map(|s| s.seq),
            value: state.map(|s| s.value),
        });
    }
    Ok(out)
}

/// One setting; an unknown key is [`DeskError::NoSuchSetting`].
pub fn get(ledger: &Ledger, key: &str) -> Result<SettingRow, DeskError> {
    list(ledger)?
        .into_iter()
        .find(|r| r.key == key)
        .ok_or_else(|| DeskError::NoSuchSetting {
            key: key.to_string(),
            known: SETTINGS.map(|(k, _)| k).join(", "),
        })
}
