//! `subjects`: every subject with at least one claim (live or not), in order, with how many
//! claims it has, now or as of a point. Read from the projection's subject table.

use super::{AsOf, DeskError};
use crate::projection::for_each_subject_claims;
use crate::Ledger;
use serde::Serialize;
use std::ops::ControlFlow;

/// One subject. Fields alphabetical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectRow {
    /// Claims about it, live or not.
    pub claims: usize,
    /// The subject.
    pub subject: String,
}

/// Every subject with a claim, as of a point (`None`: now).
pub fn subjects(ledger: &Ledger, as_of: Option<&AsOf>) -> Result<Vec<SubjectRow>, DeskError> {
    let seq = AsOf::resolve_opt(as_of, ledger)?;
    let view = ledger.view_at(seq)?;
    let mut rows = Vec::new();
    for_each_subject_claims(&view, &mut |s, claims| {
        rows.push(SubjectRow {
            claims: claims.len(),
            subject: s.to_string(),
        });
        Ok(ControlFlow::Continue(()))
    })
    .map(drop)?;
    Ok(rows)
}
