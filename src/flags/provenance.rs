//! The provenance family: `dangling-citation`, `circular-citation`, `no-primary-source` and
//! `retracted-source`, built from the citation chains [`crate::provenance`] walks (where the
//! loops, dead ends and retractions are found). Unlike the claim rules these need the chains, so
//! the gathering pass runs them over the view rather than [`check`](super::check).

use super::{Flag, FlagCode};
use crate::error::Result;
use crate::projection::{self, ClaimState, Tables};
use crate::provenance::{ChainProblem, Chains};

/// A flag naming `claims` and `sources` (sorted and de-duplicated).
fn flag(
    code: FlagCode,
    subject: &str,
    predicate: &str,
    claims: Vec<String>,
    mut sources: Vec<String>,
    message: String,
) -> Flag {
    sources.sort();
    sources.dedup();
    Flag {
        code,
        subject: subject.to_string(),
        predicate: predicate.to_string(),
        claims,
        sources,
        message,
    }
}

/// `no-primary-source` and `retracted-source` for one live claim.
pub(super) fn claim_flags(
    t: &dyn Tables,
    chains: &mut Chains,
    c: &ClaimState,
) -> Result<Vec<Flag>> {
    let claim = &c.claim;
    let chain = chains.get(t, &claim.source)?;
    let mut out = Vec::new();
    if !chain.reaches_primary() {
        let origins: Vec<String> = chain.origins.iter().cloned().collect();
        out.push(flag(
            FlagCode::NoPrimarySource,
            &claim.subject,
            &claim.predicate,
            vec![claim.id.clone()],
            vec![claim.source.clone()],
            format!(
                "{} {}: claim {} rests on {}, whose chain reaches no live primary source (it ends at {})",
                claim.subject,
                claim.predicate,
                claim.id,
                claim.source,
                if origins.is_empty() { "nothing".to_string() } else { origins.join(", ") }
            ),
        ));
    }
    for p in &chain.problems {
        if let ChainProblem::Retracted(r) = p {
            if r != &claim.source {
                out.push(flag(
                    FlagCode::RetractedSource,
                    &claim.subject,
                    &claim.predicate,
                    vec![claim.id.clone()],
                    vec![claim.source.clone(), r.clone()],
                    format!(
                        "{} {}: claim {} rests on {}, whose chain passes through retracted source {r}",
                        claim.subject, claim.predicate, claim.id, claim.source
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// `dangling-citation` for one (non-retracted) source, and `circular-citation` for the loops
/// whose smallest member it is (so each loop is reported once, under that id).
pub(super) fn source_flags(t: &dyn Tables, chains: &mut Chains, id: &str) -> Result<Vec<Flag>> {
    let mut out = Vec::new();
    let Some(state) = projection::source(t, id)? else {
        return Ok(out);
    };
    if state.retracted_at.is_none() {
        for cited in &state.source.cites {
            if projection::source(t, cited)?.is_none() {
                out.push(flag(
                    FlagCode::DanglingCitation,
                    id,
                    "cites",
                    Vec::new(),
                    vec![id.to_string(), cited.clone()],
                    format!("{id} cites '{cited}', which is not in the ledger"),
                ));
            }
        }
    }
    for p in &chains.get(t, id)?.problems {
        if let ChainProblem::Loop(ids) = p {
            if ids.first().map(String::as_str) == Some(id) {
                out.push(flag(
                    FlagCode::CircularCitation,
                    id,
                    "cites",
                    Vec::new(),
                    ids.clone(),
                    p.message(),
                ));
            }
        }
    }
    Ok(out)
}
