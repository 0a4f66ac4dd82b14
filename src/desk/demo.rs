//! The demo: the UN-votes fixtures (compiled in, so the demo runs from any directory) loaded
//! into a fresh ledger, and the source chains the demo shows for three of their claims.

use super::import::{import_records, AppendReport, Durability, ImportError, ImportInput};
use crate::ledger::Stamp;
use crate::{projection, provenance, Ledger, LedgerError};
use serde::Serialize;
use std::path::Path;

/// The fixture files, by path under the fixtures directory. The JSON Lines files are imported in
/// this order, each as one append; the texts are what their sources archive.
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "ledger.jsonl",
        include_str!("../../fixtures/un-votes/ledger.jsonl"),
    ),
    (
        "provenance.jsonl",
        include_str!("../../fixtures/un-votes/provenance.jsonl"),
    ),
    (
        "corrections.jsonl",
        include_str!("../../fixtures/un-votes/corrections.jsonl"),
    ),
    (
        "texts/article-excerpts.txt",
        include_str!("../../fixtures/un-votes/texts/article-excerpts.txt"),
    ),
    (
        "texts/un-sc-meeting-coverage.txt",
        include_str!("../../fixtures/un-votes/texts/un-sc-meeting-coverage.txt"),
    ),
    (
        "texts/un-sc-voting-record.txt",
        include_str!("../../fixtures/un-votes/texts/un-sc-voting-record.txt"),
    ),
    (
        "texts/un-ga-plenary-coverage.txt",
        include_str!("../../fixtures/un-votes/texts/un-ga-plenary-coverage.txt"),
    ),
    (
        "texts/wire-ga-vote.txt",
        include_str!("../../fixtures/un-votes/texts/wire-ga-vote.txt"),
    ),
];

/// The claims whose source chains the demo shows.
pub const CHAIN_CLAIMS: &[&str] = &["article-sc-date", "un-sc-vote-us", "evening-ga7-sponsors"];

/// Imports the fixtures into `ledger`, one append per JSON Lines file of [`FIXTURES`]. `base` is
/// the directory the caller wrote [`FIXTURES`] into: the archived texts are read from there.
pub fn load(
    ledger: &mut Ledger,
    base: &Path,
    stamp: &Stamp,
) -> Result<Vec<AppendReport>, ImportError> {
    FIXTURES
        .iter()
        .filter(|(name, _)| name.ends_with(".jsonl"))
        .map(|(name, content)| {
            let input = ImportInput {
                label: name,
                bytes: content.as_bytes(),
                base,
                durability: Durability::Synced,
                proceed: None,
            };
            import_records(ledger, input, stamp)
        })
        .collect()
}

/// One link of a source chain (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct DemoLink {
    /// Depth below the claim's own source (0).
    pub depth: usize,
    /// Source id.
    pub id: String,
    /// What is notable about the link (primary, cycle, missing…).
    pub markers: Vec<&'static str>,
}

/// The source chain behind one claim (fields alphabetical; the text-only fields are skipped).
#[derive(Debug, Clone, Serialize)]
pub struct DemoChain {
    /// Claim id.
    pub claim: String,
    /// Independent origins the chain reaches.
    pub independent_sources: usize,
    /// The chain, depth first.
    pub links: Vec<DemoLink>,
    /// The claim's predicate.
    #[serde(skip)]
    pub predicate: String,
    /// Whether a primary source is reached.
    pub reaches_primary: bool,
    /// The claim's source.
    pub source: String,
    /// The claim's subject.
    #[serde(skip)]
    pub subject: String,
    /// The claim's value as text.
    #[serde(skip)]
    pub value: String,
}

/// The source chains behind the [`CHAIN_CLAIMS`] the ledger holds.
pub fn chains(ledger: &Ledger) -> Result<Vec<DemoChain>, LedgerError> {
    let t = ledger.tables();
    let mut chains = Vec::new();
    for id in CHAIN_CLAIMS {
        let Some(c) = projection::claim(&t, id)? else {
            continue;
        };
        let chain = provenance::chain(&t, &c.claim.source)?;
        chains.push(DemoChain {
            claim: c.claim.id.clone(),
            independent_sources: chain.origins.len(),
            links: chain
                .links
                .iter()
                .map(|l| DemoLink {
                    depth: l.depth,
                    id: l.id.clone(),
                    markers: l.markers(),
                })
                .collect(),
            predicate: c.claim.predicate.clone(),
            reaches_primary: chain.reaches_primary(),
            source: c.claim.source.clone(),
            subject: c.claim.subject.clone(),
            value: c.claim.value.display(),
        });
    }
    Ok(chains)
}
