//! `flags`: every inconsistency the ledger raises, now or as of a point, streamed one subject at
//! a time so a ledger with millions of flags is listed in flat memory.

use super::{AsOf, DeskError};
use crate::flags::{for_each_flag, subject_flags, Flag, FlagCode};
use crate::projection::aliases::SubjectIndex;
use crate::provenance::Chains;
use crate::Ledger;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// Which flags to list.
#[derive(Debug, Clone, Default)]
pub struct FlagsOptions {
    /// The state at this point instead of now.
    pub as_of: Option<AsOf>,
    /// Only flags with one of these codes; empty for all.
    pub codes: Vec<FlagCode>,
    /// Only flags about this subject (a claim subject, or a source id for citation flags).
    pub subject: Option<String>,
    /// Only claims from sources published on or before this date: what the coverage said then.
    pub published_by: Option<chrono::NaiveDate>,
}

impl FlagsOptions {
    fn wants(&self, f: &Flag) -> bool {
        self.codes.is_empty() || self.codes.contains(&f.code)
    }
}

/// How many flags were listed, in all and per code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FlagSummary {
    /// Count per code, in code order.
    pub counts: BTreeMap<FlagCode, usize>,
    /// Count of all the flags listed.
    pub total: usize,
}

impl FlagSummary {
    fn count(&mut self, f: &Flag) {
        *self.counts.entry(f.code).or_default() += 1;
        self.total += 1;
    }
}

/// Hands `visit` each flag the options ask for, in order of subject, code, predicate and claims,
/// and returns how many there were. The whole ledger is read one subject at a time: memory
/// holds one subject's flags. A failure of `visit` (a closed pipe, a full disk) stops the listing
/// and is returned as it is.
pub fn flags<E: From<DeskError>>(
    ledger: &Ledger,
    options: &FlagsOptions,
    visit: &mut dyn FnMut(&Flag) -> Result<(), E>,
) -> Result<FlagSummary, E> {
    let seq = AsOf::resolve_opt(options.as_of.as_ref(), ledger)?;
    let stored = ledger.view_at(seq).map_err(DeskError::from)?;
    let filtered;
    let view: &dyn crate::projection::Tables = match options.published_by {
        Some(by) => {
            filtered = crate::projection::published::PublishedBy::new(&stored, by);
            &filtered
        }
        None => &stored,
    };
    let mut summary = FlagSummary::default();
    if let Some(s) = &options.subject {
        // A subject holding claims (under any name), or a source id for citation flags.
        let is_source = crate::projection::source(view, s)
            .map_err(DeskError::from)?
            .is_some();
        if !is_source {
            let index = SubjectIndex::load(view).map_err(DeskError::from)?;
            super::subjects::find_subject(view, &index, s)?;
        }
        let flags =
            subject_flags(view, ledger, &mut Chains::default(), s).map_err(DeskError::from)?;
        for f in flags.iter().filter(|f| options.wants(f)) {
            summary.count(f);
            visit(f)?;
        }
        return Ok(summary);
    }
    // The walk carries ledger errors; a failure of the visitor is kept here and stops the walk
    // with a typed break, to be returned instead.
    let mut failed = None;
    let walked = for_each_flag(view, ledger, &mut |f| {
        if options.wants(&f) {
            summary.count(&f);
            if let Err(e) = visit(&f) {
                failed = Some(e);
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    })
    .map_err(DeskError::from)?;
    if let Some(e) = failed {
        return Err(e);
    }
    // Only a failed visitor breaks the walk.
    debug_assert!(walked.is_continue());
    Ok(summary)
}

/// Every flag the options ask for, collected: for callers that need them all at once (a JSON
/// document, a test). Prefer [`flags`] for a whole large ledger.
pub fn all_flags(ledger: &Ledger, options: &FlagsOptions) -> Result<Vec<Flag>, DeskError> {
    let mut all = Vec::new();
    flags(ledger, options, &mut |f: &Flag| {
        all.push(f.clone());
        Ok::<(), DeskError>(())
    })?;
    Ok(all)
}
