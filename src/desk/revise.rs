//! `source revise`: a new version of a source, with its new archived text; and the source's
//! current text (the latest version's), as every read that looks at a source's words needs it.

use super::DeskError;
use crate::projection::{self, Tables};
use crate::Ledger;

/// The current archived text of source `id` as of the view `t`, or `None` when it has none (or
/// there is no such source).
pub(crate) fn current_text_in(
    t: &dyn Tables,
    ledger: &Ledger,
    id: &str,
) -> Result<Option<String>, DeskError> {
    let Some(s) = projection::source(t, id)? else {
        return Ok(None);
    };
    match &s.source.text {
        Some(r) => Ok(ledger.text(&r.hash)?),
        None => Ok(None),
    }
}

/// The current archived text of source `id` now.
pub(crate) fn current_text(ledger: &Ledger, id: &str) -> Result<Option<String>, DeskError> {
    current_text_in(&ledger.tables(), ledger, id)
}
