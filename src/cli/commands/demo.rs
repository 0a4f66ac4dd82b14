//! `factledger demo`: loads the UN-votes fixtures (compiled into the binary) into a temporary
//! ledger, shows what factledger makes of them, and removes the ledger afterwards.

use crate::cli::commands::flags::FlagsArgs;
use crate::cli::commands::log::line;
use crate::cli::commands::{facts, flags};
use crate::cli::input::{print_json, refused};
use crate::cli::{CliError, Context, GlobalArgs};
use factledger::chain::verify_chain;
use factledger::desk::demo::{self, DemoChain, FIXTURES};
use factledger::event::hex;
use factledger::terminal::esc;
use factledger::Ledger;
use serde::Serialize;
use std::path::Path;

/// Load the UN-votes fixtures into a temporary ledger and show the log, facts, flags and a
/// source chain. Nothing is left behind.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the temporary ledger and print where it is, to explore it with other commands.
    #[arg(long)]
    pub keep: bool,
}

/// Writes the fixtures under `dir/fixtures` and loads them into a new ledger at `dir/ledger`.
fn load_fixtures(ctx: &Context, dir: &Path) -> Result<Ledger, CliError> {
    let base = dir.join("fixtures");
    for (name, content) in FIXTURES {
        let path = base.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, content)?;
    }
    let mut ledger = Ledger::init(&dir.join("ledger"))?;
    demo::load(&mut ledger, &base, &ctx.stamp()?).map_err(|e| refused(ctx, e))?;
    Ok(ledger)
}

fn flags_args(as_of: Option<String>, codes: &[&str]) -> FlagsArgs {
    FlagsArgs {
        as_of,
        code: codes.iter().map(|c| c.to_string()).collect(),
        subject: None,
    }
}

/// The JSON of `demo`: everything the readable demo shows, in one object (fields alphabetical).
/// Facts, flags and events are still rendered by their own `to_json`.
#[derive(Serialize)]
struct DemoJson {
    chains: Vec<DemoChain>,
    facts: Vec<serde_json::Value>,
    flags: Vec<serde_json::Value>,
    log: Vec<serde_json::Value>,
    verify: DemoVerify,
}

/// The verification summary in the demo's JSON.
#[derive(Serialize)]
struct DemoVerify {
    events: u64,
    head: String,
    ok: bool,
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
        let facts = facts::collect_from(&ledger, None, None)?;
        let all_flags = flags::collect_from(&ledger, &flags_args(None, &[]))?;
        let report = verify_chain(&ledger, |_| {})?;
        let chains = demo::chains(&ledger)?;
        let log: Vec<serde_json::Value> = ledger
            .events(1)
            .map(|e| e.map(|e| e.to_json()))
            .collect::<Result<_, _>>()?;
        print_json(&DemoJson {
            chains,
            facts: facts
                .iter()
                .map(|(f, n)| {
                    let mut v = f.to_json();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("independent_sources".into(), (*n).into());
                    }
                    v
                })
                .collect(),
            flags: all_flags.iter().map(|f| f.to_json()).collect(),
            log,
            verify: DemoVerify {
                events: report.events,
                head: hex(&head.hash),
                ok: report.problem.is_none(),
            },
        })?;
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
        out!("{}", line(&e?))?;
    }
    let before = ledger
        .events(1)
        .filter_map(|e| e.ok())
        .find(|e| matches!(e.body, factledger::event::EventBody::Retracted(_)))
        .map(|e| e.seq - 1)
        .unwrap_or(head.seq);

    out!("\n== Facts (live claims per subject and predicate) ==")?;
    let facts = facts::collect_from(&ledger, None, None)?;
    facts::print_facts(&facts)?;

    out!("\n== Flags: weekdays, anniversaries, disagreeing sources, tallies, quotes ==")?;
    let codes = |chains: bool| -> Vec<&str> {
        factledger::flags::RULES
            .iter()
            .filter(|r| (r.family == factledger::flags::Family::Provenance) == chains)
            .map(|r| r.code.as_str())
            .collect()
    };
    let claim_codes = codes(false);
    let shown = flags::collect_from(&ledger, &flags_args(None, &claim_codes))?;
    flags::print_flags(&shown)?;

    out!("\n== Flags: source chains ==")?;
    let chain_codes = codes(true);
    let shown = flags::collect_from(&ledger, &flags_args(None, &chain_codes))?;
    flags::print_flags(&shown)?;

    out!("\n== Disagreements as of seq {before}, before the retraction and the correction ==")?;
    let shown = flags::collect_from(
        &ledger,
        &flags_args(Some(before.to_string()), &["conflicting-values"]),
    )?;
    flags::print_flags(&shown)?;

    out!("\n== Source chains ==")?;
    for c in demo::chains(&ledger)? {
        out!(
            "claim {}: {} {} = {}",
            esc(&c.claim),
            esc(&c.subject),
            esc(&c.predicate),
            esc(&c.value)
        )?;
        for l in &c.links {
            out!(
                "{}└─ {}  [{}]",
                "   ".repeat(l.depth),
                esc(&l.id),
                l.markers.join(", ")
            )?;
        }
        out!(
            "   reaches a primary source: {}; independent origins: {}\n",
            if c.reaches_primary { "yes" } else { "NO" },
            c.independent_sources
        )?;
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
