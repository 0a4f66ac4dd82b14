//! `factledger demo`: loads the UN-votes fixtures (compiled into the binary) into a temporary
//! ledger, shows what factledger makes of them, and removes the ledger afterwards.

use crate::cli::commands::import::apply;
use crate::cli::render::{event_line, print_facts, print_flag, print_flag_summary};
use crate::cli::{CliError, Context, GlobalArgs};
use factledger::chain::verify_chain;
use factledger::desk::facts::{facts, FactsOptions};
use factledger::desk::flags::{all_flags, flags, FlagsOptions};
use factledger::desk::AsOf;
use factledger::event::hex;
use factledger::flags::FlagCode;
use factledger::import::parse_input;
use factledger::Ledger;
use std::path::Path;

/// The fixture files, embedded so the demo runs from any directory.
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "ledger.jsonl",
        include_str!("../../../fixtures/un-votes/ledger.jsonl"),
    ),
    (
        "provenance.jsonl",
        include_str!("../../../fixtures/un-votes/provenance.jsonl"),
    ),
    (
        "corrections.jsonl",
        include_str!("../../../fixtures/un-votes/corrections.jsonl"),
    ),
    (
        "texts/article-excerpts.txt",
        include_str!("../../../fixtures/un-votes/texts/article-excerpts.txt"),
    ),
    (
        "texts/un-sc-meeting-coverage.txt",
        include_str!("../../../fixtures/un-votes/texts/un-sc-meeting-coverage.txt"),
    ),
    (
        "texts/un-sc-voting-record.txt",
        include_str!("../../../fixtures/un-votes/texts/un-sc-voting-record.txt"),
    ),
    (
        "texts/un-ga-plenary-coverage.txt",
        include_str!("../../../fixtures/un-votes/texts/un-ga-plenary-coverage.txt"),
    ),
    (
        "texts/wire-ga-vote.txt",
        include_str!("../../../fixtures/un-votes/texts/wire-ga-vote.txt"),
    ),
];

/// The fixture files imported, in order, each as one append.
pub const IMPORTS: &[&str] = &["ledger.jsonl", "provenance.jsonl", "corrections.jsonl"];

/// Load the UN-votes fixtures into a temporary ledger and show the log, facts, flags and a
/// source chain. Nothing is left behind.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the temporary ledger and print where it is, to explore it with other commands.
    #[arg(long)]
    pub keep: bool,
}

/// Writes the fixtures under `dir` and imports them into a new ledger at `dir/ledger`.
pub fn load_fixtures(ctx: &Context, dir: &Path) -> Result<Ledger, CliError> {
    for (name, content) in FIXTURES {
        let path = dir.join("fixtures").join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, content)?;
    }
    let mut ledger = Ledger::init(&dir.join("ledger"))?;
    for name in IMPORTS {
        let path = dir.join("fixtures").join(name);
        let bytes = std::fs::read(&path)?;
        let (records, problems) = parse_input(&bytes, &dir.join("fixtures"));
        if !problems.is_empty() {
            return Err(crate::cli::commands::import::refuse(ctx, name, problems));
        }
        apply(ctx, &mut ledger, name, records)?;
    }
    Ok(ledger)
}

fn flags_options(as_of: Option<u64>, codes: &[FlagCode]) -> FlagsOptions {
    FlagsOptions {
        as_of: as_of.map(AsOf::Seq),
        codes: codes.to_vec(),
        subject: None,
    }
}

/// Prints the flags the options ask for, then their count per code.
fn print_flags(ledger: &Ledger, options: &FlagsOptions) -> Result<(), CliError> {
    let summary = flags(ledger, options, &mut print_flag)?;
    print_flag_summary(&summary)
}

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<(), CliError> {
    let tmp = tempfile::Builder::new()
        .prefix("factledger-demo-")
        .tempdir()?;
    let demo_ctx = Context {
        global: GlobalArgs {
            ledger: tmp.path().join("ledger"),
            author: Some(ctx.global.author.clone().unwrap_or_else(|| "demo".into())),
            json: ctx.global.json,
            wait: None,
            quiet: ctx.global.quiet,
            key_dir: ctx.global.key_dir.clone(),
        },
    };
    let ledger = load_fixtures(&demo_ctx, tmp.path())?;
    let head = ledger.head();
    if ctx.json() {
        // One JSON object with everything the readable demo shows.
        let facts = facts(&ledger, &FactsOptions::default())?;
        let all_flags = all_flags(&ledger, &flags_options(None, &[]))?;
        let report = verify_chain(&ledger, |_| {})?;
        let t = ledger.tables();
        let mut chains = Vec::new();
        for claim in ["article-sc-date", "un-sc-vote-us", "evening-ga7-sponsors"] {
            if let Some(c) = factledger::projection::claim(&t, claim)? {
                let chain = factledger::provenance::chain(&t, &c.claim.source)?;
                chains.push(serde_json::json!({
                    "claim": claim,
                    "source": c.claim.source,
                    "links": chain.links.iter().map(|l| serde_json::json!({"id": l.id, "depth": l.depth, "markers": l.markers()})).collect::<Vec<_>>(),
                    "reaches_primary": chain.reaches_primary(),
                    "independent_sources": chain.origins.len(),
                }));
            }
        }
        let log: Vec<serde_json::Value> = ledger
            .events(1)
            .map(|e| e.map(|e| e.to_json()))
            .collect::<Result<_, _>>()?;
        crate::cli::out_json(&serde_json::json!({
            "log": log,
            "facts": serde_json::to_value(&facts).map_err(std::io::Error::other)?,
            "flags": serde_json::to_value(&all_flags).map_err(std::io::Error::other)?,
            "chains": chains,
            "verify": {"ok": report.problem.is_none(), "events": report.events, "head": hex(&head.hash)},
        }))?;
        if args.keep {
            let kept = tmp.keep();
            eprintln!("the ledger is kept at {}", kept.join("ledger").display());
        }
        return Ok(());
    }
    out!("factledger demo — the 24 February 2025 UN votes on Ukraine")?;
    out!(
        "A temporary ledger was filled from the fixtures (the seed article, UN records written for"
    )?;
    out!("the fixtures, a wire story and two papers that cite it, then a retraction and a correction).\n")?;
    out!("== Log ({} events) ==", head.seq)?;
    for e in ledger.events(1) {
        out!("{}", event_line(&e?))?;
    }
    let before = ledger
        .events(1)
        .filter_map(|e| e.ok())
        .find(|e| matches!(e.body, factledger::event::EventBody::Retracted(_)))
        .map(|e| e.seq - 1)
        .unwrap_or(head.seq);

    out!("\n== Facts (live claims per subject and predicate) ==")?;
    print_facts(&facts(&ledger, &FactsOptions::default())?)?;

    out!("\n== Flags: weekdays, anniversaries, disagreeing sources, tallies, quotes ==")?;
    let codes = |chains: bool| -> Vec<FlagCode> {
        factledger::flags::RULES
            .iter()
            .filter(|r| (r.family == factledger::flags::Family::Provenance) == chains)
            .map(|r| r.code)
            .collect()
    };
    print_flags(&ledger, &flags_options(None, &codes(false)))?;

    out!("\n== Flags: source chains ==")?;
    print_flags(&ledger, &flags_options(None, &codes(true)))?;

    out!("\n== Disagreements as of seq {before}, before the retraction and the correction ==")?;
    print_flags(
        &ledger,
        &flags_options(Some(before), &[FlagCode::ConflictingValues]),
    )?;

    out!("\n== Source chains ==")?;
    let t = ledger.tables();
    for claim in ["article-sc-date", "un-sc-vote-us", "evening-ga7-sponsors"] {
        if let Some(c) = factledger::projection::claim(&t, claim)? {
            let chain = factledger::provenance::chain(&t, &c.claim.source)?;
            out!(
                "claim {}: {} {} = {}",
                c.claim.id,
                c.claim.subject,
                c.claim.predicate,
                c.claim.value.display()
            )?;
            for l in &chain.links {
                out!(
                    "{}└─ {}  [{}]",
                    "   ".repeat(l.depth),
                    l.id,
                    l.markers().join(", ")
                )?;
            }
            out!(
                "   reaches a primary source: {}; independent origins: {}\n",
                if chain.reaches_primary() { "yes" } else { "NO" },
                chain.origins.len()
            )?;
        }
    }

    let report = verify_chain(&ledger, |_| {})?;
    out!("== Verify ==")?;
    match report.problem {
        None => out!(
            "ok: {} events and {} archived texts; head seq {} hash {}",
            report.events,
            report.texts,
            head.seq,
            hex(&head.hash)
        )?,
        Some(p) => out!("FAILED at seq {}: {}", p.seq, p.message)?,
    }
    let check = ledger.check_projection(|_| {})?;
    match check.drift(head.seq) {
        None => out!("ok: the projection is exactly what the log implies")?,
        Some(m) => out!("FAILED: {m}")?,
    }
    if args.keep {
        let kept = tmp.keep();
        out!("\nThe ledger is kept at {}", kept.join("ledger").display())?;
    }
    Ok(())
}
