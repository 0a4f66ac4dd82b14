//! `facts`: what the ledger holds about each subject — live claims, their values and sources,
//! whether they agree, and how many independent origins stand behind them.

use super::{AsOf, DeskError};
use crate::projection::aliases::{for_each_group_claims, group_claims, SubjectIndex};
use crate::projection::facts::{facts_of, Fact};
use crate::projection::published::PublishedBy;
use crate::projection::Tables;
use crate::provenance::{independent_sources, Chains};
use crate::Ledger;
use serde::{Serialize, Serializer};
use std::ops::ControlFlow;

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct FactsOptions {
    /// Only this subject.
    pub subject: Option<String>,
    /// The state at this point instead of now.
    pub as_of: Option<AsOf>,
    /// Only claims from sources published on or before this date: what the coverage said then.
    pub published_by: Option<chrono::NaiveDate>,
}

/// One (subject, predicate) and the number of independent origins behind its live claims.
#[derive(Debug, Clone)]
pub struct FactRow {
    /// The fact.
    pub fact: Fact,
    /// Distinct origins behind the sources of its live claims (see [`crate::provenance`]).
    pub independent_sources: usize,
    /// Sources of its live claims that their publisher withdrew (the claims stay live).
    pub withdrawn_sources: Vec<String>,
    /// The desk's current verdicts on its claims (live or not), in claim order.
    pub verdicts: Vec<super::review::Verdict>,
}

/// The JSON form of a fact (`docs/cli.md`): `claims` (live ids), `sources`, `inactive_claims`
/// (`id`, `status`), `independent_sources`, and the value — `value` (plus `as_written` for dates)
/// when the live claims agree, `values` (each with its `claims`) when they do not.
impl Serialize for FactRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Inactive<'a> {
            id: &'a str,
            status: &'static str,
        }
        #[derive(Serialize)]
        struct Group<'a> {
            as_written: Option<&'a str>,
            claims: &'a [String],
            value: serde_json::Value,
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            as_written: Option<&'a str>,
            claims: Vec<&'a str>,
            inactive_claims: Vec<Inactive<'a>>,
            independent_sources: usize,
            predicate: &'a str,
            source_withdrawn: bool,
            sources: Vec<String>,
            status: &'static str,
            subject: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            value: Option<serde_json::Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            values: Option<Vec<Group<'a>>>,
            withdrawn_sources: &'a [String],
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            verdicts: &'a [super::review::Verdict],
        }
        let f = &self.fact;
        let single = match f.values.as_slice() {
            [one] => Some(&one.value),
            _ => None,
        };
        let groups = (f.values.len() > 1).then(|| {
            f.values
                .iter()
                .map(|g| Group {
                    as_written: g.value.as_written(),
                    claims: &g.claims,
                    value: g.value.to_json(),
                })
                .collect()
        });
        Wire {
            as_written: single.and_then(|v| v.as_written()),
            claims: f.live.iter().map(|c| c.claim.id.as_str()).collect(),
            inactive_claims: f
                .inactive
                .iter()
                .map(|(c, l)| Inactive {
                    id: &c.claim.id,
                    status: l.as_str(),
                })
                .collect(),
            independent_sources: self.independent_sources,
            predicate: &f.predicate,
            source_withdrawn: !self.withdrawn_sources.is_empty(),
            sources: f.sources(),
            status: f.status.as_str(),
            subject: &f.subject,
            value: single.map(|v| v.to_json()),
            values: groups,
            withdrawn_sources: &self.withdrawn_sources,
            verdicts: &self.verdicts,
        }
        .serialize(serializer)
    }
}

/// The facts about one subject or every subject, in subject then predicate order, as of a point.
pub fn facts(ledger: &Ledger, options: &FactsOptions) -> Result<Vec<FactRow>, DeskError> {
    let seq = AsOf::resolve_opt(options.as_of.as_ref(), ledger)?;
    let stored = ledger.view_at(seq)?;
    let filtered;
    let view: &dyn Tables = match options.published_by {
        Some(by) => {
            filtered = PublishedBy::new(&stored, by);
            &filtered
        }
        None => &stored,
    };
    let mut facts = Vec::new();
    let index = SubjectIndex::load(view)?;
    match &options.subject {
        Some(s) => {
            let group = super::subjects::find_subject(view, &index, s)?;
            facts.extend(facts_of(view, &group.subject, group_claims(view, &group)?)?);
        }
        None => for_each_group_claims(view, &index, &mut |g, claims| {
            facts.extend(facts_of(view, &g.subject, claims)?);
            Ok(ControlFlow::Continue(()))
        })
        .map(drop)?,
    }
    // Reviews are few next to claims: read once, not once per claim.
    let verdicts_by_claim = super::review::desk_verdicts(view)?;
    let mut chains = Chains::default();
    let mut rows = Vec::with_capacity(facts.len());
    for fact in facts {
        let sources = fact.sources();
        let independent_sources = independent_sources(view, &mut chains, &sources)?;
        let mut withdrawn_sources = Vec::new();
        for s in sources {
            if crate::projection::versions::withdrawal(view, &s)?.is_some() {
                withdrawn_sources.push(s);
            }
        }
        let mut verdicts = Vec::new();
        for c in fact.live.iter().chain(fact.inactive.iter().map(|(c, _)| c)) {
            verdicts.extend(verdicts_by_claim.get(&c.claim.id).cloned());
        }
        verdicts.sort_by(|a, b| a.claim.cmp(&b.claim));
        rows.push(FactRow {
            fact,
            independent_sources,
            withdrawn_sources,
            verdicts,
        });
    }
    Ok(rows)
}
