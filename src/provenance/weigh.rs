//! Weighing a claim against the sources its chain reaches: reaching a primary source is not
//! enough when that source states something else. For each source of the chain, the live claims
//! it makes on the claim's subject and predicate either support it (an equal value), contradict
//! it (a different value) or are absent (the source is silent on it).

use super::Chain;
use crate::error::Result;
use crate::model::value::Value;
use crate::projection::{self, ClaimState, Liveness, Tables};
use serde::Serialize;
use std::collections::BTreeSet;

/// What one source says about a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stance {
    /// It makes a live claim on the same subject and predicate with a different value.
    Contradicts,
    /// It makes a live claim on the same subject and predicate with an equal value, and none
    /// with a different one.
    Supports,
    /// It makes no live claim on that subject and predicate.
    Silent,
}

impl Stance {
    /// As written in output: `supports`, `contradicts`, `silent`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stance::Contradicts => "contradicts",
            Stance::Supports => "supports",
            Stance::Silent => "silent",
        }
    }
}

/// Another source's claim that weighs on the audited one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Witness {
    /// The claim's id.
    pub id: String,
    /// Its value, as shown to people.
    pub value: String,
}

/// One source of the chain, weighed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Weight {
    /// Its live claims on the subject and predicate whose value differs, by id.
    pub contradicting: Vec<Witness>,
    /// How far below the claim's own source (0: the claim's own source).
    pub depth: usize,
    /// Whether it is a live primary source.
    pub primary: bool,
    /// The source id.
    pub source: String,
    /// What it says about the claim.
    pub stance: Stance,
    /// Its live claims on the subject and predicate with an equal value, by id.
    pub supporting: Vec<Witness>,
}

/// Weighs `claim` against every source of `chain` that is in the ledger (each once, in chain
/// order). The claim itself is not a witness: its own source weighs only through its other
/// claims.
pub fn weigh(t: &dyn Tables, claim: &ClaimState, chain: &Chain) -> Result<Vec<Weight>> {
    let c = &claim.claim;
    let mut others: Vec<ClaimState> = Vec::new();
    for o in projection::subject_claims(t, &c.subject)? {
        if o.claim.predicate == c.predicate
            && o.claim.id != c.id
            && projection::liveness(t, &o)? == Liveness::Live
        {
            others.push(o);
        }
    }
    let mut seen = BTreeSet::new();
    let mut weights = Vec::new();
    for link in &chain.links {
        if link.state.is_none() || !seen.insert(link.id.as_str()) {
            continue;
        }
        let mut supporting = Vec::new();
        let mut contradicting = Vec::new();
        for o in others.iter().filter(|o| o.claim.source == link.id) {
            let w = Witness {
                id: o.claim.id.clone(),
                value: o.claim.value.display(),
            };
            if contradicts(&c.value, &o.claim.value) {
                contradicting.push(w);
            } else if !o.claim.value.disagrees_with(&c.value) {
                supporting.push(w);
            }
        }
        let stance = if !contradicting.is_empty() {
            Stance::Contradicts
        } else if !supporting.is_empty() {
            Stance::Supports
        } else {
            Stance::Silent
        };
        weights.push(Weight {
            contradicting,
            depth: link.depth,
            primary: link.is_live_primary(),
            source: link.id.clone(),
            stance,
            supporting,
        });
    }
    Ok(weights)
}

/// Whether `other` contradicts `value`: a different value, except that a different quote is
/// another true quote, not a contradiction (as `conflicting-values` sees them).
fn contradicts(value: &Value, other: &Value) -> bool {
    let quote = |v: &Value| matches!(v, Value::Quote { .. });
    !(quote(value) || quote(other)) && value.disagrees_with(other)
}
