//! The fact state: for each (subject, predicate), the live claims, their values, their sources,
//! and whether they agree.

use crate::error::Result;
use crate::model::value::Value;
use crate::projection::{self, liveness, ClaimState, Liveness, Tables};

/// Whether the live claims on a (subject, predicate) can all be true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactStatus {
    /// All live claims agree (or there is one).
    Consistent,
    /// At least two live claims disagree.
    Conflicting,
    /// Nothing live remains: every claim was retracted, superseded, or lost its source.
    Retracted,
}

impl FactStatus {
    /// The name used in output (a public contract).
    pub fn as_str(self) -> &'static str {
        match self {
            FactStatus::Consistent => "consistent",
            FactStatus::Conflicting => "conflicting",
            FactStatus::Retracted => "retracted",
        }
    }
}

/// One value that one or more live claims state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedValue {
    /// The most complete form stated (for tallies, the one with most counts).
    pub value: Value,
    /// Ids of the live claims stating it (compatible with it).
    pub claims: Vec<String>,
}

/// What the ledger holds about one (subject, predicate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The subject.
    pub subject: String,
    /// The predicate.
    pub predicate: String,
    /// Agreement of the live claims.
    pub status: FactStatus,
    /// Distinct values among the live claims (one when consistent).
    pub values: Vec<StatedValue>,
    /// The live claims, in seq order.
    pub live: Vec<ClaimState>,
    /// Claims that are no longer live, with why.
    pub inactive: Vec<(ClaimState, Liveness)>,
}

fn specificity(v: &Value) -> usize {
    match v {
        Value::Tally(t) => {
            [t.yes, t.no, t.abstain, t.absent].iter().flatten().count()
                + usize::from(t.procedural.is_some())
                + usize::from(t.majority.is_some())
        }
        _ => 0,
    }
}

/// Merges two compatible tallies: every count either states.
fn merge(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Tally(x), Value::Tally(y)) => Value::Tally(crate::model::value::Tally {
            body: x.body,
            yes: x.yes.or(y.yes),
            no: x.no.or(y.no),
            abstain: x.abstain.or(y.abstain),
            absent: x.absent.or(y.absent),
            procedural: x.procedural.or(y.procedural),
            majority: x.majority.or(y.majority),
        }),
        _ if specificity(b) > specificity(a) => b.clone(),
        _ => a.clone(),
    }
}

/// Groups claims so that every claim in a group agrees with every other one in it (so a group
/// never hides a disagreement, whatever the order); the group's value merges what its claims
/// state. There is more than one group exactly when some pair of claims disagrees.
fn group_values(live: &[ClaimState]) -> Vec<StatedValue> {
    let mut groups: Vec<(StatedValue, Vec<&Value>)> = Vec::new();
    for c in live {
        let v = &c.claim.value;
        match groups
            .iter_mut()
            .find(|(_, members)| members.iter().all(|m| !m.disagrees_with(v)))
        {
            Some((g, members)) => {
                g.claims.push(c.claim.id.clone());
                g.value = merge(&g.value, v);
                members.push(v);
            }
            None => groups.push((
                StatedValue {
                    value: v.clone(),
                    claims: vec![c.claim.id.clone()],
                },
                vec![v],
            )),
        }
    }
    groups.into_iter().map(|(g, _)| g).collect()
}

/// Facts about one subject, in predicate order.
pub fn subject_facts(t: &dyn Tables, subject: &str) -> Result<Vec<Fact>> {
    facts_of(t, subject, projection::subject_claims(t, subject)?)
}

/// As [`subject_facts`], for a subject's claims already read (whole-ledger passes read them with
/// [`projection::for_each_subject_claims`]).
pub fn facts_of(t: &dyn Tables, subject: &str, claims: Vec<ClaimState>) -> Result<Vec<Fact>> {
    let mut facts: Vec<Fact> = Vec::new();
    for c in claims {
        let l = liveness(t, &c)?;
        let fact = match facts.last_mut() {
            Some(f) if f.predicate == c.claim.predicate => f,
            _ => {
                facts.push(Fact {
                    subject: subject.to_string(),
                    predicate: c.claim.predicate.clone(),
                    status: FactStatus::Retracted,
                    values: Vec::new(),
                    live: Vec::new(),
                    inactive: Vec::new(),
                });
                let n = facts.len() - 1;
                &mut facts[n]
            }
        };
        if l == Liveness::Live {
            fact.live.push(c);
        } else {
            fact.inactive.push((c, l));
        }
    }
    for f in &mut facts {
        f.live.sort_by_key(|c| c.seq);
        f.inactive.sort_by_key(|(c, _)| c.seq);
        f.values = group_values(&f.live);
        f.status = match f.values.len() {
            0 => FactStatus::Retracted,
            1 => FactStatus::Consistent,
            // Different quotes from one speech are different remarks, not a disagreement.
            _ if f.predicate == "quote" => FactStatus::Consistent,
            _ => FactStatus::Conflicting,
        };
    }
    Ok(facts)
}

impl Fact {
    /// Ids of the sources of the live claims, sorted, without repeats.
    pub fn sources(&self) -> Vec<String> {
        let mut s: Vec<String> = self.live.iter().map(|c| c.claim.source.clone()).collect();
        s.sort();
        s.dedup();
        s
    }
}
