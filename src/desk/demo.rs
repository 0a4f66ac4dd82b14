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
    ("desk.jsonl", DESK),
    (
        "triage.jsonl",
        include_str!("../../fixtures/un-votes/triage.jsonl"),
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

/// What the desk records last: an alias joining the name a reporter wrote to the resolution's
/// symbol, a claim filed under it whose excerpt the article never says (caught by
/// `excerpt-not-in-source`), and a publisher withdrawing its article (its claims stay, marked).
pub const DESK: &str = concat!(
    r#"{"type":"alias","alias":"UNSC resolution 2774","subject":"S/RES/2774"}"#,
    "\n",
    r#"{"type":"claim","id":"article-sc-day","source":"article-us-aligns","subject":"UNSC resolution 2774","predicate":"date","value":"Tuesday, February 25, 2025","claimant":"(seed article)","excerpt":"Tuesday, February 25","note":"filed from memory: the article says Monday"}"#,
    "\n",
    r#"{"type":"withdrawal","source":"daily-fixture-ga","reason":"The Daily Fixture took the article down on 27 February 2025"}"#,
    "\n",
);

/// The alias the demo records, and the subject it names.
pub const DEMO_ALIAS: (&str, &str) = ("UNSC resolution 2774", "S/RES/2774");

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

/// The seed article's misdated claim: it dates the Security Council vote to Monday 25 February
/// 2025; the UN's records date it Monday 24 February (and 25 February 2025 was a Tuesday).
pub const MISDATED_CLAIM: &str = "article-sc-date";

/// The demo desk's settings (`desk.name`, `desk.url`) and its verdict on [`MISDATED_CLAIM`].
pub const VERDICT: DemoVerdict = DemoVerdict {
    desk_name: "The Fixture Desk",
    desk_url: "https://desk.example/",
    rating: "false",
    explanation: "The UN's voting record and meeting coverage date the vote on resolution 2774 to Monday 24 February 2025; the article's 'Monday, February 25, 2025' is the wrong day (25 February 2025 was a Tuesday).",
    url: "https://desk.example/checks/s-res-2774-date",
    reviewed: "26 February 2025",
};

/// What the demo desk records about itself and the misdated claim.
#[derive(Debug, Clone, Copy)]
pub struct DemoVerdict {
    /// `desk.name`.
    pub desk_name: &'static str,
    /// `desk.url`.
    pub desk_url: &'static str,
    /// The rating, on the default scale.
    pub rating: &'static str,
    /// The explanation.
    pub explanation: &'static str,
    /// Where the fact-check is published.
    pub url: &'static str,
    /// When it was published.
    pub reviewed: &'static str,
}

/// Records the demo desk's settings and its verdict on [`MISDATED_CLAIM`] (three events), the
/// same way `config set` and `review` do.
pub fn record_verdict(ledger: &mut Ledger, stamp: &Stamp) -> Result<(), ImportError> {
    let v = VERDICT;
    for (key, value) in [("desk.name", v.desk_name), ("desk.url", v.desk_url)] {
        super::config::set(ledger, "demo", key, value, stamp, Durability::Synced)?;
    }
    let input = super::review::ReviewInput {
        label: "demo",
        claim: MISDATED_CLAIM,
        rating: v.rating,
        explanation: v.explanation,
        url: Some(v.url),
        reviewed: Some(v.reviewed),
        durability: Durability::Synced,
        ..Default::default()
    };
    super::review::review(ledger, input, stamp)?;
    Ok(())
}
