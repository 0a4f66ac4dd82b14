//! `graph`: the provenance graph — claims, the sources behind them and the citations between
//! sources — of the whole ledger or of one subject.

use super::{AsOf, DeskError};
use crate::projection::aliases::{group_claims, SubjectIndex};
use crate::projection::{self, liveness, ClaimState, Liveness, Tables, SOURCES};
use crate::provenance::{Chain, Chains};
use crate::Ledger;
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;
use std::ops::ControlFlow;

/// Which part of the graph to draw.
#[derive(Debug, Clone, Default)]
pub struct GraphOptions {
    /// Only the claims about this subject and the sources behind them.
    pub subject: Option<String>,
    /// The graph at this point instead of now.
    pub as_of: Option<AsOf>,
}

/// A claim in the graph.
#[derive(Debug, Clone)]
pub struct GraphClaim {
    /// The claim.
    pub state: ClaimState,
    /// Whether it is live.
    pub status: Liveness,
    /// Its source's chain has a problem.
    pub flagged: bool,
}

/// A source node: present in the ledger, or only cited.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct GraphSource {
    /// Its id.
    pub id: String,
    /// It is in the ledger (not only cited).
    pub in_ledger: bool,
}

/// A citation edge.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Citation {
    /// The citing source.
    pub from: String,
    /// The cited source.
    pub to: String,
}

/// The graph (`graph --json`: `claims`, `sources`, `citations`).
#[derive(Debug, Clone)]
pub struct Graph {
    /// Claims, in subject order.
    pub claims: Vec<GraphClaim>,
    /// Sources reached, in id order.
    pub sources: BTreeSet<GraphSource>,
    /// Citations followed, in order.
    pub citations: BTreeSet<Citation>,
    /// The chain below each root source (the claims' sources, and every source when the whole
    /// ledger is drawn), for pictures.
    pub chains: Vec<Chain>,
}

impl Serialize for Graph {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Claim<'a> {
            id: &'a str,
            predicate: &'a str,
            source: &'a str,
            subject: &'a str,
        }
        #[derive(Serialize)]
        struct Wire<'a> {
            citations: &'a BTreeSet<Citation>,
            claims: Vec<Claim<'a>>,
            sources: &'a BTreeSet<GraphSource>,
        }
        Wire {
            citations: &self.citations,
            claims: self
                .claims
                .iter()
                .map(|c| Claim {
                    id: &c.state.claim.id,
                    predicate: &c.state.claim.predicate,
                    source: &c.state.claim.source,
                    subject: &c.state.claim.subject,
                })
                .collect(),
            sources: &self.sources,
        }
        .serialize(serializer)
    }
}

/// The provenance graph of the whole ledger, or of one subject's claims.
pub fn graph(ledger: &Ledger, options: &GraphOptions) -> Result<Graph, DeskError> {
    let seq = AsOf::resolve_opt(options.as_of.as_ref(), ledger)?;
    let t = ledger.view_at(seq)?;
    let mut states = Vec::new();
    match &options.subject {
        Some(s) => {
            let index = SubjectIndex::load(&t)?;
            let group = super::subjects::find_subject(&t, &index, s)?;
            states.extend(group_claims(&t, &group)?);
        }
        None => projection::for_each_subject_claims(&t, &mut |_, found| {
            states.extend(found);
            Ok(ControlFlow::Continue(()))
        })
        .map(drop)?,
    }
    let mut roots: BTreeSet<String> = states.iter().map(|c| c.claim.source.clone()).collect();
    if options.subject.is_none() {
        t.scan(SOURCES, b"", &mut |k, _| {
            roots.insert(String::from_utf8_lossy(k).into_owned());
            true
        })?;
    }
    let mut memo = Chains::default();
    let mut claims = Vec::with_capacity(states.len());
    for state in states {
        let status = liveness(&t, &state)?;
        let flagged = !memo.get(&t, &state.claim.source)?.problems.is_empty();
        claims.push(GraphClaim {
            state,
            status,
            flagged,
        });
    }
    let mut graph = Graph {
        claims,
        sources: BTreeSet::new(),
        citations: BTreeSet::new(),
        chains: Vec::with_capacity(roots.len()),
    };
    for r in &roots {
        let chain = memo.get(&t, r)?.clone();
        graph
            .sources
            .extend(chain.links.iter().map(|l| GraphSource {
                id: l.id.clone(),
                in_ledger: l.state.is_some(),
            }));
        graph
            .citations
            .extend(chain.edges.iter().map(|(from, to)| Citation {
                from: from.clone(),
                to: to.clone(),
            }));
        graph.chains.push(chain);
    }
    Ok(graph)
}
