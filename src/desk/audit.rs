//! `audit`: the chain of sources behind one claim or source — where it reaches primary sources,
//! where it breaks, loops, or passes through retracted sources.

use super::DeskError;
use crate::projection::{self, liveness, ClaimState, Liveness, Tables};
use crate::provenance::{chain, Chain};
use crate::Ledger;
use serde::{Serialize, Serializer};

/// The chain behind a claim (from its source down) or a source.
#[derive(Debug, Clone)]
pub struct AuditReport {
    /// The id asked about.
    pub id: String,
    /// The claim, when the id is a claim's, and whether it is live.
    pub claim: Option<(ClaimState, Liveness)>,
    /// The chain below the claim's source, or below the source asked about.
    pub chain: Chain,
    /// The desk's current verdict on the claim, if it has reviewed it.
    pub verdict: Option<super::review::Verdict>,
}

impl AuditReport {
    /// The source the chain starts from.
    pub fn source(&self) -> &str {
        &self.chain.root
    }
}

/// The JSON form (`audit --json`, `docs/cli.md`).
impl Serialize for AuditReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            claim_status: Option<&'static str>,
            id: &'a str,
            independent_sources: usize,
            links: &'a [crate::provenance::Link],
            origins: &'a std::collections::BTreeSet<String>,
            primary_sources: &'a std::collections::BTreeSet<String>,
            problems: &'a [crate::provenance::ChainProblem],
            reaches_primary: bool,
            source: &'a str,
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            verdict: Option<&'a super::review::Verdict>,
        }
        let c = &self.chain;
        Wire {
            claim_status: self.claim.as_ref().map(|(_, l)| l.as_str()),
            id: &self.id,
            independent_sources: c.origins.len(),
            links: &c.links,
            origins: &c.origins,
            primary_sources: &c.primary_sources,
            problems: &c.problems,
            reaches_primary: c.reaches_primary(),
            source: &c.root,
            kind: if self.claim.is_some() {
                "claim"
            } else {
                "source"
            },
            verdict: self.verdict.as_ref(),
        }
        .serialize(serializer)
    }
}

/// The chain behind `id`, a claim id or a source id.
pub fn audit(ledger: &Ledger, id: &str) -> Result<AuditReport, DeskError> {
    let t = ledger.tables();
    let claim = match projection::claim(&t, id)? {
        Some(c) => {
            let l = liveness(&t, &c)?;
            Some((c, l))
        }
        None => None,
    };
    let root = match &claim {
        Some((c, _)) => c.claim.source.clone(),
        None if projection::source(&t, id)?.is_some() => id.to_string(),
        None => return Err(DeskError::NoSuchId { id: id.to_string() }),
    };
    let chain = chain(&t as &dyn Tables, &root)?;
    let verdict = match &claim {
        Some(_) => super::review::desk_verdict(&t, id)?,
        None => None,
    };
    Ok(AuditReport {
        id: id.to_string(),
        claim,
        chain,
        verdict,
    })
}
