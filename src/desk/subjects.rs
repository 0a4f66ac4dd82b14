//! `subjects`: every subject holding claims, with its aliases and other spellings, its claim and
//! flag counts; and the lookup every `--subject` filter goes through (case- and
//! spacing-insensitive, through aliases), which names the closest subjects when it finds none.

use super::{AsOf, DeskError};
use crate::flags::for_each_flag;
use crate::projection::aliases::{for_each_group_claims, SubjectGroup, SubjectIndex};
use crate::projection::{liveness, Liveness, Tables};
use crate::Ledger;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// How many close names an unknown subject's error offers.
const CLOSEST: usize = 3;

/// The subject `name` names in the view, or [`DeskError::NoSuchSubject`] naming the closest.
pub(crate) fn find_subject(
    t: &dyn Tables,
    index: &SubjectIndex,
    name: &str,
) -> Result<SubjectGroup, DeskError> {
    match index.find(t, name)? {
        Some(g) => Ok(g),
        None => Err(DeskError::NoSuchSubject {
            given: name.to_string(),
            closest: index.closest(t, name, CLOSEST)?,
        }),
    }
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct SubjectsOptions {
    /// The state at this point instead of now.
    pub as_of: Option<AsOf>,
}

/// One subject (`subjects --json`, `docs/cli.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectRow {
    /// Its aliases, as recorded.
    pub aliases: Vec<String>,
    /// Live claims about it, under any of its names.
    pub claims: usize,
    /// Flags about it that the desk has not dismissed.
    pub flags: usize,
    /// Those flags per severity (`error`, `warning`, `info`; severities without flags left out).
    pub severities: BTreeMap<String, usize>,
    /// The other spellings its claims are filed under (case or spacing apart, or an alias).
    pub spellings: Vec<String>,
    /// The name it is read under.
    pub subject: String,
}

/// Every subject holding claims, in order of name.
pub fn subjects(ledger: &Ledger, options: &SubjectsOptions) -> Result<Vec<SubjectRow>, DeskError> {
    let seq = AsOf::resolve_opt(options.as_of.as_ref(), ledger)?;
    let view = ledger.view_at(seq)?;
    let index = SubjectIndex::load(&view)?;
    let mut rows = Vec::new();
    let _: ControlFlow<()> = for_each_group_claims(&view, &index, &mut |g, claims| {
        let mut live = 0;
        for c in &claims {
            if liveness(&view, c)? == Liveness::Live {
                live += 1;
            }
        }
        rows.push(SubjectRow {
            aliases: g.aliases.clone(),
            claims: live,
            flags: 0,
            severities: BTreeMap::new(),
            spellings: g
                .spellings
                .iter()
                .filter(|s| **s != g.subject)
                .cloned()
                .collect(),
            subject: g.subject.clone(),
        });
        Ok(ControlFlow::Continue(()))
    })?;
    let mut flags: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let _: ControlFlow<()> = for_each_flag(&view, ledger, &mut |f| {
        if crate::projection::dismissal(&view, f.id().as_str())?.is_none() {
            *flags
                .entry(f.subject.clone())
                .or_default()
                .entry(f.severity().as_str().to_string())
                .or_default() += 1;
        }
        Ok(ControlFlow::Continue(()))
    })?;
    for r in &mut rows {
        if let Some(by) = flags.remove(&r.subject) {
            r.flags = by.values().sum();
            r.severities = by;
        }
    }
    rows.sort_by(|a, b| a.subject.cmp(&b.subject));
    Ok(rows)
}
