//! Reads of a source's later life: its versions (the publisher's edits, each with its archived
//! text) and the publisher's withdrawal.

use super::state::{VersionState, WithdrawalState};
use super::tables::{Tables, SOURCE_VERSIONS, WITHDRAWALS};
use super::{decode, prefix};
use crate::error::Result;
use crate::model::event::TextRef;

/// The later versions of source `id`, oldest first.
pub fn versions(t: &dyn Tables, id: &str) -> Result<Vec<VersionState>> {
    let mut raw = Vec::new();
    t.scan(SOURCE_VERSIONS, &prefix(&[id]), &mut |k, v| {
        raw.push((k.to_vec(), v.to_vec()));
        true
    })?;
    raw.into_iter()
        .map(|(k, v)| decode(SOURCE_VERSIONS, &k, &v))
        .collect()
}

/// The publisher's withdrawal of source `id`, if any.
pub fn withdrawal(t: &dyn Tables, id: &str) -> Result<Option<WithdrawalState>> {
    t.get(WITHDRAWALS, id.as_bytes())?
        .map(|b| decode(WITHDRAWALS, id.as_bytes(), &b))
        .transpose()
}

/// Every archived text source `id` has had, oldest first: the registered one, then each
/// version's (a version recorded without a text keeps the one before). The last is its current
/// text. Empty when the source is unknown or never had a text.
pub fn text_history(t: &dyn Tables, id: &str) -> Result<Vec<TextRef>> {
    let Some(s) = super::source(t, id)? else {
        return Ok(Vec::new());
    };
    let mut texts: Vec<TextRef> = s.source.text.into_iter().collect();
    for v in versions(t, id)? {
        if let Some(r) = v.revision.text {
            texts.push(r);
        }
    }
    Ok(texts)
}

/// The current archived text of source `id`: the latest version's, else the registered one.
pub fn current_text(t: &dyn Tables, id: &str) -> Result<Option<TextRef>> {
    Ok(text_history(t, id)?.pop())
}
