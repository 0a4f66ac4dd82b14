//! `factledger demo`: loads the UN-votes fixtures (compiled into the binary) into a temporary
//! ledger, shows what factledger makes of them, and removes the ledger afterwards.

use crate::cli::input::refused;
use crate::cli::render::{event_line, print_facts, print_flag, print_flag_summary, print_json};
use crate::cli::{CliError, Context, GlobalArgs};
use factledger::desk::demo::{self, DemoChain, FIXTURES};
use factledger::desk::facts::{facts, FactRow, FactsOptions};
use factledger::desk::flags::{all_flags, flags, FlagsOptions};
use factledger::desk::verify::verify;
use factledger::desk::AsOf;
use factledger::flags::{Flag, FlagCode};
use factledger::model::event::{hex, Event};
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
    /// Then serve the demo ledger (the desk's web page and API) until Ctrl-C, printing the
    /// address and a token for an editor user to log in with.
    #[arg(long)]
    pub serve: bool,
    /// With --serve: the address to listen on (port 0 picks a free one).
    #[arg(
        long,
        default_value = "127.0.0.1:8417",
        value_name = "ADDR",
        requires = "serve"
    )]
    pub listen: std::net::SocketAddr,
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
    demo::load(&mut ledger, &base, &ctx.stamp()?).map_err(refused)?;
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

/// The JSON of `demo`: everything the readable demo shows, in one object (fields alphabetical).
#[derive(Serialize)]
struct DemoJson {
    chains: Vec<DemoChain>,
    facts: Vec<FactRow>,
    flags: Vec<Flag>,
    log: Vec<Event>,
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
            remote: None,
        },
    };
    let ledger = load_fixtures(&demo_ctx, tmp.path())?;
    if args.serve {
        return serve(ctx, args, ledger, tmp);
    }
    let head = ledger.head();
    if ctx.json() {
        // One JSON object with everything the readable demo shows.
        let facts = facts(&ledger, &FactsOptions::default())?;
        let all_flags = all_flags(&ledger, &flags_options(None, &[]))?;
        let report = verify(&ledger, |_| {})?;
        let chains = demo::chains(&ledger)?;
        let log: Vec<Event> = ledger.events(1).collect::<Result<_, _>>()?;
        print_json(&DemoJson {
            chains,
            facts,
            flags: all_flags,
            log,
            verify: DemoVerify {
                events: report.events,
                head: hex(&head.hash),
                ok: report.ok,
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
        out!("{}", event_line(&e?))?;
    }
    let before = ledger
        .events(1)
        .filter_map(|e| e.ok())
        .find(|e| matches!(e.body, factledger::model::event::EventBody::Retracted(_)))
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

    let report = verify(&ledger, |_| {})?;
    out!("== Verify ==")?;
    match &report.problem {
        None => {
            out!(
                "ok: {} events and {} archived texts; head seq {} hash {}",
                report.events,
                report.texts,
                report.head.seq,
                report.head.hash
            )?;
            out!("ok: the projection is exactly what the log implies")?;
        }
        Some(p) => out!("FAILED at seq {}: {} ({})", p.seq, esc(&p.message), p.code)?,
    }
    if args.keep {
        let kept = tmp.keep();
        out!("\nThe ledger is kept at {}", kept.join("ledger").display())?;
    }
    Ok(())
}

/// `demo --serve`: an editor user on the demo ledger, then the server until SIGINT or SIGTERM;
/// the temporary ledger is removed afterwards unless `--keep`.
fn serve(
    ctx: &Context,
    args: &DemoArgs,
    mut ledger: Ledger,
    tmp: tempfile::TempDir,
) -> Result<(), CliError> {
    use factledger::desk::users::{add_user, Role};
    use factledger::server::{Config, ServerError};
    let now = match std::env::var_os("FACTLEDGER_NOW") {
        Some(_) => Some(crate::cli::input::verifier_clock()?),
        None => None,
    };
    let created = now.unwrap_or_else(|| chrono::Utc::now().timestamp_micros());
    let editor = add_user(&mut ledger, "editor", Role::Editor, created)
        .map_err(|e| CliError::check(e.to_string()))?;
    let config = Config {
        listen: args.listen,
        public_read: false,
        rate: 50,
        max_body: 16 << 20,
        key_dir: None,
        now,
    };
    let events = ledger.head().seq;
    let json = ctx.json();
    let mut printed = Ok(());
    let result = factledger::server::serve(ledger, config, |addr| {
        printed = if json {
            print_json(&serde_json::json!({
                "events": events,
                "listen": addr.to_string(),
                "token": editor.token,
                "url": format!("http://{addr}/"),
                "user": editor.name,
            }))
        } else {
            out!("listening on http://{addr} (the demo ledger: {events} events)")
                .and_then(|_| {
                    out!("open http://{addr}/ and log in as user 'editor' with the token")
                })
                .and_then(|_| out!("{}", editor.token))
                .and_then(|_| out!("Ctrl-C stops the server and removes the demo ledger"))
        }
        .and_then(|_| crate::cli::flush_out());
    });
    printed?;
    if args.keep {
        let kept = tmp.keep();
        eprintln!("the ledger is kept at {}", kept.join("ledger").display());
    }
    result.map_err(|e| match e {
        ServerError::Ledger(e) => e.into(),
        ServerError::Io { .. } => CliError::unavailable(e.to_string()),
        ServerError::Users(e) => CliError::check(e.to_string()),
    })
}
