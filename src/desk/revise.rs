//! `source revise`: a new version of a source, with its new archived text; and the source's
//! current text (the latest version's), as every read that looks at a source's words needs it.

use super::alias::append_object;
use super::import::{AppendReport, Durability, ImportError};
use super::DeskError;
use crate::ledger::Stamp;
use crate::projection::{versions, Tables};
use crate::Ledger;
use serde_json::{json, Map, Value as Json};
use std::path::Path;

/// A new version of a source to record.
#[derive(Debug, Clone)]
pub struct ReviseInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// The directory `text_file` is relative to and must stay under.
    pub base: &'a Path,
    /// The source revised.
    pub source: &'a str,
    /// A file holding the new version's archived text.
    pub text_file: &'a str,
    /// Its new title, if it changed.
    pub title: Option<&'a str>,
    /// Its new address, if it changed.
    pub url: Option<&'a str>,
    /// What changed.
    pub note: Option<&'a str>,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// Records a new version of a source with its archived text, checked as an import line
/// `{"type":"source-version",…}` is. Both versions stay in the log; the new text is the current
/// one.
pub fn revise(
    ledger: &mut Ledger,
    input: ReviseInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    let mut obj = Map::new();
    obj.insert("type".into(), json!("source-version"));
    obj.insert("source".into(), json!(input.source));
    obj.insert("text_file".into(), json!(input.text_file));
    for (k, v) in [
        ("title", input.title),
        ("url", input.url),
        ("note", input.note),
    ] {
        if let Some(v) = v {
            obj.insert(k.into(), json!(v));
        }
    }
    append_object(
        ledger,
        input.label,
        input.base,
        &Json::Object(obj),
        stamp,
        input.durability,
    )
}

/// The current archived text of source `id` as of the view `t`, or `None` when it has none (or
/// there is no such source).
pub(crate) fn current_text_in(
    t: &dyn Tables,
    ledger: &Ledger,
    id: &str,
) -> Result<Option<String>, DeskError> {
    match versions::current_text(t, id)? {
        Some(r) => Ok(ledger.text(&r.hash)?),
        None => Ok(None),
    }
}
