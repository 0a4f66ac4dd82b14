//! Provenance: the chain of sources behind a claim, where it breaks, loops or never reaches a
//! primary source, and how many independent origins a fact really has.
//!
//! A claim's chain runs from the claim to its source, then along `cites` until it reaches live
//! primary sources (where it stops) or ends. Two sources whose chains reach the same primary
//! sources are not independent: a fact's `independent_sources` counts distinct *origins*, where a
//! chain's origins are the live primary sources it reaches, or, when it reaches none, the places
//! where it ends — sources citing nothing in the ledger, or a citation loop with no way out
//! (counted once, named by its smallest id). See `docs/provenance.md`. The flags these problems
//! raise are built in `flags` (its `provenance` family). [`dot`] draws the chains for Graphviz;
//! [`weigh`] says what each source of a claim's chain states about the claim.

pub mod dot;
pub mod weigh;

use crate::error::Result;
use crate::flags::FlagCode;
use crate::model::event::SourceKind;
use crate::projection::{self, SourceState, Tables};
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How a link in a chain looks to a fact-checker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Source id.
    pub id: String,
    /// Depth below the chain's root source (0 = the root).
    pub depth: usize,
    /// The source's state, `None` when it is not in the ledger.
    pub state: Option<SourceState>,
    /// It is part of a citation loop.
    pub in_loop: bool,
    /// Already shown higher up (reached again by another path, or the loop closing).
    pub repeat: bool,
}

impl Link {
    /// Primary and not retracted: a chain stops here.
    pub fn is_live_primary(&self) -> bool {
        self.state
            .as_ref()
            .is_some_and(|s| s.source.kind == SourceKind::Primary && s.retracted_at.is_none())
    }

    /// Short markers: primary/secondary, retracted, missing, loop, text.
    pub fn markers(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        match &self.state {
            None => m.push("missing from the ledger"),
            Some(s) => {
                m.push(s.source.kind.as_str());
                if s.retracted_at.is_some() {
                    m.push("retracted");
                }
                m.push(if s.source.text.is_some() {
                    "archived text"
                } else {
                    "no archived text"
                });
            }
        }
        if self.in_loop {
            m.push("part of a loop");
        }
        m
    }
}

/// A link's JSON form (`audit --json`): whether the source is in the ledger, and when it is, its
/// kind, whether it is retracted or has an archived text, and what it cites.
impl Serialize for Link {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            archived_text: Option<bool>,
            cites: &'a [String],
            depth: usize,
            id: &'a str,
            in_ledger: bool,
            in_loop: bool,
            kind: Option<&'static str>,
            repeat: bool,
            retracted: Option<bool>,
        }
        let s = self.state.as_ref();
        Wire {
            archived_text: s.map(|s| s.source.text.is_some()),
            cites: s.map_or(&[], |s| s.source.cites.as_slice()),
            depth: self.depth,
            id: &self.id,
            in_ledger: s.is_some(),
            in_loop: self.in_loop,
            kind: s.map(|s| s.source.kind.as_str()),
            repeat: self.repeat,
            retracted: s.map(|s| s.retracted_at.is_some()),
        }
        .serialize(serializer)
    }
}

/// A problem found along a chain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChainProblem {
    /// `source` cites `missing`, which is not in the ledger.
    Dangling {
        /// The citing source.
        source: String,
        /// The id it cites.
        missing: String,
    },
    /// These sources cite each other in a loop (sorted).
    Loop(Vec<String>),
    /// The chain passes through this retracted source.
    Retracted(String),
    /// The chain reaches no live primary source.
    NoPrimary,
}

impl ChainProblem {
    /// Flag code for this problem.
    pub fn code(&self) -> FlagCode {
        match self {
            ChainProblem::Dangling { .. } => FlagCode::DanglingCitation,
            ChainProblem::Loop(_) => FlagCode::CircularCitation,
            ChainProblem::Retracted(_) => FlagCode::RetractedSource,
            ChainProblem::NoPrimary => FlagCode::NoPrimarySource,
        }
    }

    /// A sentence for a person.
    pub fn message(&self) -> String {
        match self {
            ChainProblem::Dangling { source, missing } => {
                format!("{source} cites '{missing}', which is not in the ledger")
            }
            ChainProblem::Loop(ids) => {
                let mut cycle = ids.clone();
                if let Some(first) = ids.first() {
                    cycle.push(first.clone());
                }
                format!("citations form a loop: {}", cycle.join(" → "))
            }
            ChainProblem::Retracted(id) => {
                format!("the chain passes through retracted source {id}")
            }
            ChainProblem::NoPrimary => "the chain reaches no live primary source".into(),
        }
    }
}

impl ChainProblem {
    /// The sources the problem is about: the citing and the missing one, a loop's members, the
    /// retracted source.
    pub fn sources(&self) -> Vec<&str> {
        match self {
            ChainProblem::Dangling { source, missing } => vec![source, missing],
            ChainProblem::Loop(ids) => ids.iter().map(String::as_str).collect(),
            ChainProblem::Retracted(id) => vec![id],
            ChainProblem::NoPrimary => vec![],
        }
    }

    /// The ids of a loop's members; empty for other problems.
    pub(crate) fn loop_members(&self) -> &[String] {
        match self {
            ChainProblem::Loop(ids) => ids,
            _ => &[],
        }
    }
}

/// A problem's JSON form: `code`, `message` and the `sources` it is about.
impl Serialize for ChainProblem {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            code: FlagCode,
            message: String,
            sources: Vec<&'a str>,
        }
        Wire {
            code: self.code(),
            message: self.message(),
            sources: self.sources(),
        }
        .serialize(serializer)
    }
}

/// The chain below one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The root source.
    pub root: String,
    /// Links in depth-first order, for drawing as an indented tree.
    pub links: Vec<Link>,
    /// Citations followed: (citing, cited), including ones to missing sources.
    pub edges: Vec<(String, String)>,
    /// Live primary sources reached.
    pub primary_sources: BTreeSet<String>,
    /// The chain's origins (see the module doc).
    pub origins: BTreeSet<String>,
    /// Everything wrong along it, sorted.
    pub problems: Vec<ChainProblem>,
}

impl Chain {
    /// At least one live primary source was reached.
    pub fn reaches_primary(&self) -> bool {
        !self.primary_sources.is_empty()
    }
}

/// Builds the chain below `root` (a source id, which may itself be missing from the ledger).
pub fn chain(t: &dyn Tables, root: &str) -> Result<Chain> {
    // 1. Collect the reachable subgraph, stopping at live primary sources.
    let mut states: BTreeMap<String, Option<SourceState>> = BTreeMap::new();
    let mut succ: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut stack = vec![root.to_string()];
    while let Some(id) = stack.pop() {
        if states.contains_key(&id) {
            continue;
        }
        let state = projection::source(t, &id)?;
        let stop = state
            .as_ref()
            .is_none_or(|s| s.source.kind == SourceKind::Primary && s.retracted_at.is_none());
        let next = if stop {
            Vec::new()
        } else {
            state
                .as_ref()
                .map(|s| s.source.cites.clone())
                .unwrap_or_default()
        };
        for n in next.iter().rev() {
            stack.push(n.clone());
        }
        succ.insert(id.clone(), next);
        states.insert(id, state);
    }
    // 2. Strongly connected components among sources present in the ledger.
    let present: BTreeSet<&str> = states
        .iter()
        .filter(|(_, s)| s.is_some())
        .map(|(k, _)| k.as_str())
        .collect();
    let sccs = tarjan(&present, &succ);
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in sccs.iter().enumerate() {
        for id in c {
            component.insert(id.as_str(), i);
        }
    }
    let in_loop = |id: &str| component.get(id).is_some_and(|&c| sccs[c].len() > 1);

    let mut chain = Chain {
        root: root.to_string(),
        links: Vec::new(),
        edges: Vec::new(),
        primary_sources: BTreeSet::new(),
        origins: BTreeSet::new(),
        problems: Vec::new(),
    };
    let mut problems: BTreeSet<ChainProblem> = BTreeSet::new();
    for (id, state) in &states {
        match state {
            None => {}
            Some(s) => {
                if s.source.kind == SourceKind::Primary && s.retracted_at.is_none() {
                    chain.primary_sources.insert(id.clone());
                }
                if s.retracted_at.is_some() {
                    problems.insert(ChainProblem::Retracted(id.clone()));
                }
            }
        }
        for cited in succ.get(id).map(Vec::as_slice).unwrap_or(&[]) {
            chain.edges.push((id.clone(), cited.clone()));
            if states.get(cited).is_some_and(Option::is_none) {
                problems.insert(ChainProblem::Dangling {
                    source: id.clone(),
                    missing: cited.clone(),
                });
            }
        }
    }
    for c in &sccs {
        if c.len() > 1 {
            let mut ids: Vec<String> = c.to_vec();
            ids.sort();
            problems.insert(ChainProblem::Loop(ids));
        }
    }
    // 3. Origins: the primaries reached, else the sink components (sources citing nothing
    //    in the ledger, or loops with no way out).
    if chain.primary_sources.is_empty() {
        problems.insert(ChainProblem::NoPrimary);
        for c in &sccs {
            let i = component[c[0].as_str()];
            let exits = c.iter().any(|id| {
                succ.get(id)
                    .into_iter()
                    .flatten()
                    .any(|n| component.get(n.as_str()).is_some_and(|&j| j != i))
            });
            if !exits {
                if let Some(min) = c.iter().min() {
                    chain.origins.insert(min.clone());
                }
            }
        }
    } else {
        chain.origins = chain.primary_sources.clone();
    }
    chain.problems = problems.into_iter().collect();
    // 4. Links in depth-first order for drawing.
    let mut shown: BTreeSet<String> = BTreeSet::new();
    let mut dfs = vec![(root.to_string(), 0usize)];
    while let Some((id, depth)) = dfs.pop() {
        let repeat = !shown.insert(id.clone());
        chain.links.push(Link {
            id: id.clone(),
            depth,
            state: states.get(&id).cloned().flatten(),
            in_loop: in_loop(&id),
            repeat,
        });
        if !repeat {
            for n in succ.get(&id).into_iter().flatten().rev() {
                dfs.push((n.clone(), depth + 1));
            }
        }
    }
    Ok(chain)
}

/// Tarjan's strongly connected components, iterative, over the present nodes.
fn tarjan(nodes: &BTreeSet<&str>, succ: &BTreeMap<String, Vec<String>>) -> Vec<Vec<String>> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut low: BTreeMap<&str, usize> = BTreeMap::new();
    let mut on_stack: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let mut next = 0usize;
    let empty: Vec<String> = Vec::new();
    for &start in nodes {
        if index.contains_key(start) {
            continue;
        }
        // (node, position in its successor list)
        let mut work: Vec<(&str, usize)> = vec![(start, 0)];
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if *pos == 0 && !index.contains_key(v) {
                index.insert(v, next);
                low.insert(v, next);
                next += 1;
                stack.push(v);
                on_stack.insert(v);
            }
            let succs = succ.get(v).unwrap_or(&empty);
            if let Some(w) = succs.get(*pos) {
                *pos += 1;
                let w = w.as_str();
                if !nodes.contains(w) {
                    continue;
                }
                if !index.contains_key(w) {
                    work.push((w, 0));
                } else if on_stack.contains(w) {
                    let lw = index[w];
                    if lw < low[v] {
                        low.insert(v, lw);
                    }
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let lv = low[v];
                if lv < low[parent] {
                    low.insert(parent, lv);
                }
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack.remove(w);
                    comp.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                out.push(comp);
            }
        }
    }
    out
}

/// Memoised chains, for commands that look at many claims.
#[derive(Default)]
pub struct Chains {
    memo: HashMap<String, Chain>,
}

impl Chains {
    /// The chain below source `id`, computed once.
    pub fn get(&mut self, t: &dyn Tables, id: &str) -> Result<&Chain> {
        if !self.memo.contains_key(id) {
            let c = chain(t, id)?;
            self.memo.insert(id.to_string(), c);
        }
        Ok(self.memo.get(id).expect("inserted above"))
    }
}

/// Number of distinct origins behind a set of sources (the sources of a fact's live claims).
pub fn independent_sources(
    t: &dyn Tables,
    chains: &mut Chains,
    sources: &[String],
) -> Result<usize> {
    let mut origins = BTreeSet::new();
    for s in sources {
        origins.extend(chains.get(t, s)?.origins.iter().cloned());
    }
    Ok(origins.len())
}
