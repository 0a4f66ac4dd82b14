//! `factledger demo`: loads the UN-votes fixtures (compiled into the binary) into a temporary
//! ledger, shows what factledger makes of them, and removes the ledger afterwards.

use crate::cli::commands::import::apply;
use crate::cli::commands::log::line;
use crate::cli::{CliError, Context, GlobalArgs};
use factledger::chain::verify_chain;
use factledger::event::hex;
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
        },
    };
    let ledger = load_fixtures(&demo_ctx, tmp.path())?;
    let head = ledger.head();
    out!("factledger demo — the 24 February 2025 UN votes on Ukraine")?;
    out!(
        "A temporary ledger was filled from the fixtures (the seed article, UN records written for"
    )?;
    out!("the fixtures, a wire story and two papers that cite it, then a retraction and a correction).\n")?;
    out!("== Log ({} events) ==", head.seq)?;
    for e in ledger.events(1) {
        out!("{}", line(&e?))?;
    }
    let report = verify_chain(&ledger, |_| {})?;
    out!("\n== Verify ==")?;
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
    if args.keep {
        let kept = tmp.keep();
        out!("\nThe ledger is kept at {}", kept.join("ledger").display())?;
    }
    Ok(())
}
