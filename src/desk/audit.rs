//! `audit`: the chain of sources behind one claim or source — where it reaches primary sources,
//! where it breaks, loops, or passes through retracted sources — and, for a claim, what each
//! source of the chain says about it (supports, contradicts, silent) and the claim's own flags.

use super::flags::ListedFlag;
use super::{AsOf, DeskError};
use crate::flags::{subject_flags, Flag};
use crate::projection::{self, liveness, ClaimState, Liveness, Tables};
use crate::provenance::weigh::{weigh, Stance, Weight};
use crate::provenance::{chain, Chain, Chains};
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
    /// For a claim: each source of the chain (in chain order) weighed against it; empty for a
    /// source.
    pub weights: Vec<Weight>,
    /// For a claim: the flags naming it, most severe first, dismissed ones too (with their
    /// dismissal); empty for a source.
    pub flags: Vec<ListedFlag>,
    /// Sources of the chain their publisher withdrew, with the reason given, in chain order.
    pub withdrawn: Vec<(String, String)>,
    /// The desk's current verdict on the claim, if it has reviewed it.
    pub verdict: Option<super::review::Verdict>,
}

impl AuditReport {
    /// The source the chain starts from.
    pub fn source(&self) -> &str {
        &self.chain.root
    }

    /// The live primary sources reached that contradict the claim.
    pub fn contradicting_primaries(&self) -> impl Iterator<Item = &Weight> {
        self.weights
            .iter()
            .filter(|w| w.primary && w.stance == Stance::Contradicts)
    }
}

/// The JSON form (`audit --json`, `docs/cli.md`).
impl Serialize for AuditReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            claim_status: Option<&'static str>,
            flags: &'a [ListedFlag],
            id: &'a str,
            independent_sources: usize,
            links: &'a [crate::provenance::Link],
            origins: &'a std::collections::BTreeSet<String>,
            primary_sources: &'a std::collections::BTreeSet<String>,
            problems: &'a [crate::provenance::ChainProblem],
            reaches_primary: bool,
            source: &'a str,
            source_withdrawn: bool,
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            verdict: Option<&'a super::review::Verdict>,
            weights: &'a [Weight],
            withdrawn_sources: Vec<Withdrawn<'a>>,
        }
        #[derive(Serialize)]
        struct Withdrawn<'a> {
            id: &'a str,
            reason: &'a str,
        }
        let c = &self.chain;
        Wire {
            claim_status: self.claim.as_ref().map(|(_, l)| l.as_str()),
            flags: &self.flags,
            id: &self.id,
            independent_sources: c.origins.len(),
            links: &c.links,
            origins: &c.origins,
            primary_sources: &c.primary_sources,
            problems: &c.problems,
            reaches_primary: c.reaches_primary(),
            source: &c.root,
            source_withdrawn: self.withdrawn.iter().any(|(id, _)| *id == c.root),
            withdrawn_sources: self
                .withdrawn
                .iter()
                .map(|(id, reason)| Withdrawn { id, reason })
                .collect(),
            kind: if self.claim.is_some() {
                "claim"
            } else {
                "source"
            },
            weights: &self.weights,
            verdict: self.verdict.as_ref(),
        }
        .serialize(serializer)
    }
}

/// The chain behind `id`, a claim id or a source id.
pub fn audit(ledger: &Ledger, id: &str) -> Result<AuditReport, DeskError> {
    audit_at(ledger, id, None)
}

/// As [`audit`], as of a point: the ledger's state then.
pub fn audit_at(ledger: &Ledger, id: &str, as_of: Option<&AsOf>) -> Result<AuditReport, DeskError> {
    let seq = AsOf::resolve_opt(as_of, ledger)?;
    let t = ledger.view_at(seq)?;
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
    let (weights, flags) = match &claim {
        Some((c, _)) => {
            let weights = weigh(&t, c, &chain)?;
            let mut flags: Vec<Flag> =
                subject_flags(&t, ledger, &mut Chains::default(), &c.claim.subject)?
                    .into_iter()
                    .filter(|f| f.claims.contains(&c.claim.id))
                    .collect();
            // Most severe first, as `flags` lists them (the sort is stable).
            flags.sort_by_key(Flag::severity);
            let mut listed = Vec::with_capacity(flags.len());
            for flag in flags {
                let dismissed = projection::dismissal(&t, flag.id().as_str())?;
                listed.push(ListedFlag { flag, dismissed });
            }
            (weights, listed)
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut withdrawn = Vec::new();
    for l in chain.links.iter().filter(|l| !l.repeat) {
        if let Some(w) = crate::projection::versions::withdrawal(&t, &l.id)? {
            withdrawn.push((l.id.clone(), w.reason));
        }
    }
    let verdict = match &claim {
        Some(_) => super::review::desk_verdict(&t, id)?,
        None => None,
    };
    Ok(AuditReport {
        id: id.to_string(),
        claim,
        chain,
        weights,
        flags,
        withdrawn,
        verdict,
    })
}
