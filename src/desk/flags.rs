//! `flags`: every inconsistency the ledger raises, now or as of a point, most severe first,
//! streamed one subject at a time so a ledger with millions of flags is listed in flat memory.
//!
//! Flags are listed by severity (errors, then warnings, then info), then in subject order; within
//! a subject, flags with the same code and the same message are handed over together as one
//! [`FlagGroup`]. A flag the desk dismissed (`dismiss`, a `FlagDismissed` event naming its
//! stable id) is left out unless asked for; the dismissals are those recorded as of the point
//! asked about.

use super::{AsOf, DeskError};
use crate::flags::{for_each_flag_of, subject_flags, Flag, FlagCode, FlagId, Severity};
use crate::projection::aliases::SubjectIndex;
use crate::projection::{self, DismissalState, Tables};
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
    /// Never flags with one of these codes.
    pub exclude: Vec<FlagCode>,
    /// Only flags of this severity or a more severe one.
    pub min_severity: Option<Severity>,
    /// List dismissed flags too (marked with their dismissal).
    pub dismissed: bool,
    /// Only flags about this subject (a claim subject, or a source id for citation flags).
    pub subject: Option<String>,
    /// Only claims from sources published on or before this date: what the coverage said then.
    pub published_by: Option<chrono::NaiveDate>,
}

impl FlagsOptions {
    fn wants_code(&self, code: FlagCode) -> bool {
        (self.codes.is_empty() || self.codes.contains(&code))
            && !self.exclude.contains(&code)
            && self
                .min_severity
                .is_none_or(|m| code.severity().at_least(m))
    }

    /// The severities some wanted code has, most severe first: one pass each.
    fn severities(&self) -> Vec<Severity> {
        Severity::ALL
            .into_iter()
            .filter(|s| FlagCode::all().any(|c| c.severity() == *s && self.wants_code(c)))
            .collect()
    }
}

/// A flag as listed: the flag, its stable id, and its dismissal if the desk dismissed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedFlag {
    /// The flag (its JSON keys, `id` and `severity` included, are this object's).
    #[serde(flatten)]
    pub flag: Flag,
    /// The dismissal in force, or `null`.
    pub dismissed: Option<DismissalState>,
}

impl ListedFlag {
    /// The flag's stable id.
    pub fn id(&self) -> FlagId {
        self.flag.id()
    }
}

/// Flags of one subject with the same code and the same message: one line for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagGroup {
    /// At least one flag; all share code, subject and message; in listing order.
    pub flags: Vec<ListedFlag>,
}

impl FlagGroup {
    /// The first flag, which speaks for the group.
    pub fn lead(&self) -> &Flag {
        &self.flags[0].flag
    }
}

/// How many flags were listed, in all, per code and per severity; dismissed ones apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FlagSummary {
    /// Count per code, in code order (dismissed flags not counted).
    pub counts: BTreeMap<FlagCode, usize>,
    /// Count per severity, most severe first (dismissed flags not counted).
    pub severities: BTreeMap<Severity, usize>,
    /// Count of all the flags listed that are not dismissed.
    pub total: usize,
    /// Dismissed flags the options asked about: listed with `dismissed`, left out otherwise.
    pub dismissed: usize,
}

impl FlagSummary {
    fn count(&mut self, f: &ListedFlag) {
        if f.dismissed.is_some() {
            self.dismissed += 1;
            return;
        }
        *self.counts.entry(f.flag.code).or_default() += 1;
        *self.severities.entry(f.flag.severity()).or_default() += 1;
        self.total += 1;
    }

    /// Whether a flag listed (and not dismissed) is `floor` or more severe: `--fail-on`.
    pub fn reaches(&self, floor: Severity) -> bool {
        self.severities
            .iter()
            .any(|(s, n)| *n > 0 && s.at_least(floor))
    }
}

/// Groups one subject's flags (already in order) by code and message, in order of first
/// appearance, and hands each group to `visit`.
fn visit_groups<E>(
    flags: Vec<ListedFlag>,
    visit: &mut dyn FnMut(&FlagGroup) -> Result<(), E>,
) -> Result<(), E> {
    let mut groups: Vec<FlagGroup> = Vec::new();
    for f in flags {
        match groups
            .iter_mut()
            .find(|g| g.lead().code == f.flag.code && g.lead().message == f.flag.message)
        {
            Some(g) => g.flags.push(f),
            None => groups.push(FlagGroup { flags: vec![f] }),
        }
    }
    for g in &groups {
        visit(g)?;
    }
    Ok(())
}

/// Hands `visit` the flags the options ask for, most severe first, then in order of subject,
/// code, predicate and claims, grouped by identical message within a subject, and returns how
/// many there were. The whole ledger is read one subject at a time, once per severity listed:
/// memory holds one subject's flags. A failure of `visit` (a closed pipe, a full disk) stops the
/// listing and is returned as it is.
pub fn flags<E: From<DeskError>>(
    ledger: &Ledger,
    options: &FlagsOptions,
    visit: &mut dyn FnMut(&FlagGroup) -> Result<(), E>,
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
    // Which flags are taken, and as what: `None` for a flag left out.
    let take = |f: Flag, summary: &mut FlagSummary| -> Result<Option<ListedFlag>, DeskError> {
        let dismissed = projection::dismissal(view as &dyn Tables, f.id().as_str())?;
        let listed = ListedFlag { flag: f, dismissed };
        summary.count(&listed);
        Ok((listed.dismissed.is_none() || options.dismissed).then_some(listed))
    };
    let severities = options.severities();
    if let Some(s) = &options.subject {
        // A subject holding claims (under any name), or a source id for citation flags.
        let is_source = projection::source(view, s)
            .map_err(DeskError::from)?
            .is_some();
        if !is_source {
            let index = SubjectIndex::load(view).map_err(DeskError::from)?;
            super::subjects::find_subject(view, &index, s)?;
        }
        let all =
            subject_flags(view, ledger, &mut Chains::default(), s).map_err(DeskError::from)?;
        for severity in severities {
            let mut listed = Vec::new();
            for f in all.iter().filter(|f| f.severity() == severity) {
                if options.wants_code(f.code) {
                    listed.extend(take(f.clone(), &mut summary)?);
                }
            }
            visit_groups(listed, visit)?;
        }
        return Ok(summary);
    }
    for severity in severities {
        // The walk carries ledger errors; a failure of the visitor is kept here and stops the
        // walk with a typed break, to be returned instead.
        let mut failed = None;
        let mut pending: Vec<ListedFlag> = Vec::new();
        let wants = |c: FlagCode| c.severity() == severity && options.wants_code(c);
        let walked = for_each_flag_of(view, ledger, &wants, &mut |f| {
            if !wants(f.code) {
                return Ok(ControlFlow::Continue(()));
            }
            if pending.first().is_some_and(|p| p.flag.subject != f.subject) {
                if let Err(e) = visit_groups(std::mem::take(&mut pending), visit) {
                    failed = Some(e);
                    return Ok(ControlFlow::Break(()));
                }
            }
            match take(f, &mut summary) {
                Ok(Some(listed)) => pending.push(listed),
                Ok(None) => {}
                Err(DeskError::Ledger(e)) => return Err(e),
                Err(e) => {
                    failed = Some(E::from(e));
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
        visit_groups(pending, visit)?;
    }
    Ok(summary)
}

/// Every flag the options ask for, collected in listing order: for callers that need them all at
/// once (a JSON document, a test). Prefer [`flags`] for a whole large ledger.
pub fn all_flags(ledger: &Ledger, options: &FlagsOptions) -> Result<Vec<ListedFlag>, DeskError> {
    let mut all = Vec::new();
    flags(ledger, options, &mut |g: &FlagGroup| {
        all.extend(g.flags.iter().cloned());
        Ok::<(), DeskError>(())
    })?;
    Ok(all)
}
