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
        withdrawn_sources: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::import::parse_record;
    use crate::model::event::{Event, ZERO_HASH};
    use crate::projection::MemTables;
    use serde_json::{json, Value as Json};
    use std::path::Path;

    /// The projection of these import records, appended in order.
    fn tables(records: &[Json]) -> MemTables {
        let mut t = MemTables::default();
        let mut prev = ZERO_HASH;
        for (i, r) in records.iter().enumerate() {
            let body = parse_record(r, Path::new("."))
                .expect("test record")
                .to_body();
            let e = Event::new(
                i as u64 + 1,
                1_740_571_200_000_000,
                "test".into(),
                prev,
                body,
            );
            prev = e.hash;
            projection::apply(&mut t, &e).expect("apply");
        }
        t
    }

    fn source(id: &str, kind: &str, cites: &[&str]) -> Json {
        json!({"type": "source", "id": id, "kind": kind, "cites": cites})
    }

    fn claim(id: &str, source: &str) -> Json {
        json!({"type": "claim", "id": id, "source": source, "subject": "S/RES/2774",
               "predicate": "outcome", "value": "adopted"})
    }

    fn claim_flags_of(t: &MemTables, id: &str) -> Vec<Flag> {
        let c = projection::claim(t, id).expect("read").expect("claim");
        claim_flags(t, &mut Chains::default(), &c).expect("flags")
    }

    fn codes(flags: &[Flag]) -> Vec<&str> {
        flags.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_claim_resting_on_a_primary_source_is_quiet() {
        let t = tables(&[
            source("record", "primary", &[]),
            source("wire", "secondary", &["record"]),
            claim("c", "wire"),
        ]);
        assert_eq!(claim_flags_of(&t, "c"), vec![]);
    }

    /// A chain ending in a citation of a missing id ends at the source citing it.
    #[test]
    fn no_primary_source_names_where_the_chain_ends() {
        let t = tables(&[source("blog", "secondary", &["gone"]), claim("c", "blog")]);
        let flags = claim_flags_of(&t, "c");
        assert_eq!(codes(&flags), ["no-primary-source"]);
        assert_eq!(flags[0].claims, ["c"]);
        assert_eq!(flags[0].sources, ["blog"]);
        assert_eq!(flags[0].predicate, "outcome");
        assert_eq!(
            flags[0].message,
            "S/RES/2774 outcome: claim c rests on blog, whose chain reaches no live primary source (it ends at blog)"
        );
    }

    #[test]
    fn retracted_source_below_the_claims_own_source() {
        let t = tables(&[
            source("record", "primary", &[]),
            source("tabloid", "secondary", &[]),
            source("paper", "secondary", &["tabloid", "record"]),
            claim("c", "paper"),
            json!({"type": "retract", "target": "tabloid", "reason": "invented"}),
        ]);
        let flags = claim_flags_of(&t, "c");
        assert_eq!(codes(&flags), ["retracted-source"]);
        assert_eq!(flags[0].sources, ["paper", "tabloid"]);
        assert!(
            flags[0]
                .message
                .ends_with("whose chain passes through retracted source tabloid"),
            "{}",
            flags[0].message
        );
    }

    #[test]
    fn dangling_and_circular_citations_are_source_flags() {
        let t = tables(&[
            source("agg", "secondary", &["missing"]),
            source("loop-b", "secondary", &["loop-a"]),
            source("loop-a", "secondary", &["loop-b"]),
        ]);
        let mut chains = Chains::default();
        let flags = source_flags(&t, &mut chains, "agg").expect("flags");
        assert_eq!(codes(&flags), ["dangling-citation"]);
        assert_eq!(flags[0].subject, "agg");
        assert_eq!(flags[0].predicate, "cites");
        assert!(flags[0].claims.is_empty());
        assert_eq!(flags[0].sources, ["agg", "missing"]);
        assert_eq!(
            flags[0].message,
            "agg cites 'missing', which is not in the ledger"
        );
        // A loop is reported once, under its smallest id.
        let a = source_flags(&t, &mut chains, "loop-a").expect("flags");
        assert_eq!(codes(&a), ["circular-citation"]);
        assert_eq!(a[0].sources, ["loop-a", "loop-b"]);
        assert_eq!(
            a[0].message,
            "citations form a loop: loop-a → loop-b → loop-a"
        );
        assert_eq!(
            source_flags(&t, &mut chains, "loop-b").expect("flags"),
            vec![]
        );
        // Unknown ids raise nothing.
        assert_eq!(
            source_flags(&t, &mut chains, "nobody").expect("flags"),
            vec![]
        );
    }

    #[test]
    fn chain_problems_map_to_provenance_codes() {
        let problems = [
            ChainProblem::Dangling {
                source: "a".into(),
                missing: "b".into(),
            },
            ChainProblem::Loop(vec!["a".into(), "b".into()]),
            ChainProblem::Retracted("a".into()),
            ChainProblem::NoPrimary,
        ];
        for p in &problems {
            assert_eq!(
                p.code().rule().family,
                super::super::Family::Provenance,
                "{}",
                p.code()
            );
        }
    }
}
