//! `factledger demo`: loads the UN-votes fixtures (compiled into the binary) into a temporary
//! ledger, shows what factledger makes of them, and removes the ledger afterwards.

use crate::cli::input::refused;
use crate::cli::render::{
    event_line, print_facts, print_flag_group, print_flag_summary, print_json,
};
use crate::cli::{CliError, Context, GlobalArgs};
use factledger::desk::demo::{self, DemoChain, FIXTURES};
use factledger::desk::facts::{facts, FactRow, FactsOptions};
use factledger::desk::flags::{all_flags, flags, FlagGroup, FlagsOptions, ListedFlag};
use factledger::desk::subjects::{subjects, SubjectRow, SubjectsOptions};
use factledger::desk::verify::verify;
use factledger::desk::AsOf;
use factledger::flags::{FlagCode, Severity};
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
    // The demo's ledger is temporary: with no author named, its events are the demo's.
    let stamp = ctx.stamp_as(ctx.named_author().unwrap_or_else(|| "demo".into()))?;
    demo::load(&mut ledger, &base, &stamp).map_err(refused)?;
    Ok(ledger)
}

fn flags_options(as_of: Option<u64>, codes: &[FlagCode]) -> FlagsOptions {
    FlagsOptions {
        published_by: None,
        as_of: as_of.map(AsOf::Seq),
        codes: codes.to_vec(),
        ..FlagsOptions::default()
    }
}

/// Prints the flags the options ask for, then their count per severity and code.
fn print_flags(ledger: &Ledger, options: &FlagsOptions) -> Result<(), CliError> {
    let summary = flags(ledger, options, &mut print_flag_group)?;
    print_flag_summary(&summary, options.dismissed)
}

/// The JSON of `demo`: everything the readable demo shows, in one object (fields alphabetical).
#[derive(Serialize)]
struct DemoJson {
    chains: Vec<DemoChain>,
    claimreview: serde_json::Value,
    facts: Vec<FactRow>,
    flags: Vec<ListedFlag>,
    log: Vec<Event>,
    prov: serde_json::Value,
    subjects: Vec<SubjectRow>,
    verify: DemoVerify,
}

/// The verdict on the misdated claim, and its ClaimReview and PROV, after the fixtures.
fn verdict_exports(
    ctx: &Context,
    ledger: &mut Ledger,
) -> Result<(serde_json::Value, serde_json::Value), CliError> {
    demo::record_verdict(
        ledger,
        &ctx.stamp_as(ctx.named_author().unwrap_or_else(|| "demo".into()))?,
    )
    .map_err(refused)?;
    let fail = |e: factledger::desk::interop::ExportError| CliError::usage(e.to_string());
    let cr =
        factledger::desk::interop::claimreview(ledger, Some(demo::MISDATED_CLAIM)).map_err(fail)?;
    let prov = factledger::desk::interop::prov(ledger, Some(demo::MISDATED_CLAIM)).map_err(fail)?;
    Ok((cr, prov))
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
            // The demo's ledger is always a temporary directory.
            store: None,
            author: Some(ctx.global.author.clone().unwrap_or_else(|| "demo".into())),
            json: ctx.global.json,
            wait: None,
            quiet: ctx.global.quiet,
            key_dir: ctx.global.key_dir.clone(),
            remote: None,
        },
    };
    let mut ledger = load_fixtures(&demo_ctx, tmp.path())?;
    if args.serve {
        return serve(ctx, args, ledger, tmp);
    }
    let head = ledger.head();
    if ctx.json() {
        let (claimreview, prov) = verdict_exports(&demo_ctx, &mut ledger)?;
        // One JSON object with everything the readable demo shows.
        let facts = facts(&ledger, &FactsOptions::default())?;
        let all_flags = all_flags(
            &ledger,
            &FlagsOptions {
                dismissed: true,
                ..FlagsOptions::default()
            },
        )?;
        let report = verify(&ledger, |_| {})?;
        let chains = demo::chains(&ledger)?;
        let log: Vec<Event> = ledger.events(1).collect::<Result<_, _>>()?;
        print_json(&DemoJson {
            chains,
            claimreview,
            facts,
            flags: all_flags,
            log,
            prov,
            subjects: subjects(&ledger, &SubjectsOptions::default())?,
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
    out!("the fixtures, a wire story and two papers that cite it, then a retraction and a correction,")?;
    out!("and the desk's triage: one flag dismissed with its reason).\n")?;
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

    out!("\n== Flags: errors and warnings, most severe first (flags --min-severity warning) ==")?;
    print_flags(
        &ledger,
        &FlagsOptions {
            min_severity: Some(Severity::Warning),
            ..FlagsOptions::default()
        },
    )?;

    out!("\n== Flags: info — claims whose chain reaches no primary source (flags --code no-primary-source) ==")?;
    print_flags(&ledger, &flags_options(None, &[FlagCode::NoPrimarySource]))?;

    out!("\n== Dismissed flags (flags --dismissed): the desk's triage, with its reasons ==")?;
    let dismissed: Vec<ListedFlag> = all_flags(
        &ledger,
        &FlagsOptions {
            dismissed: true,
            ..FlagsOptions::default()
        },
    )?
    .into_iter()
    .filter(|l| l.dismissed.is_some())
    .collect();
    for l in &dismissed {
        let d = l.dismissed.as_ref().expect("filtered");
        out!(
            "[{}] {} {} · {}: dismissed at seq {}: {}",
            l.id(),
            l.flag.code,
            esc(&l.flag.subject),
            esc(&l.flag.predicate),
            d.seq,
            esc(&d.reason)
        )?;
    }

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

    out!("== The desk's model: an alias, an excerpt check, a publisher's withdrawal ==")?;
    let (alias, subject) = demo::DEMO_ALIAS;
    out!(
        "'{}' is recorded as an alias of {}: claims filed under either meet.",
        esc(alias),
        esc(subject)
    )?;
    for r in subjects(&ledger, &SubjectsOptions::default())?
        .iter()
        .filter(|r| r.subject == subject)
    {
        out!(
            "{}  {} claims, {} flags; aliases: {}",
            esc(&r.subject),
            r.claims,
            r.flags,
            esc(r.aliases.join(", "))
        )?;
    }
    out!("\nA claim's excerpt is checked against its source's archived text:")?;
    print_flags(
        &ledger,
        &flags_options(None, &[FlagCode::ExcerptNotInSource]),
    )?;
    out!("\nA publisher withdrew its article: its claims and flags stay, marked:")?;
    for listed in all_flags(&ledger, &flags_options(None, &[]))?
        .into_iter()
        .filter(|l| !l.flag.withdrawn_sources.is_empty())
    {
        print_flag_group(&FlagGroup {
            flags: vec![listed],
        })?;
    }
    out!("")?;

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

    out!(
        "\n== A verdict: the desk rates {} '{}' and publishes it ==",
        demo::MISDATED_CLAIM,
        demo::VERDICT.rating
    )?;
    let (cr, prov) = verdict_exports(&demo_ctx, &mut ledger)?;
    let head = ledger.head();
    out!(
        "recorded desk.name, desk.url and the review as seq {} to {}",
        head.seq - 2,
        head.seq
    )?;
    out!(
        "\n-- ClaimReview JSON-LD (factledger export --claimreview --claim {}) --",
        demo::MISDATED_CLAIM
    )?;
    out!(
        "{}",
        serde_json::to_string_pretty(&cr).map_err(std::io::Error::other)?
    )?;
    out!(
        "\n-- W3C PROV-JSON (factledger export --prov --claim {}) --",
        demo::MISDATED_CLAIM
    )?;
    out!(
        "{}",
        serde_json::to_string_pretty(&prov).map_err(std::io::Error::other)?
    )?;
    out!("\n== From article to candidate claims: extract, review, import ==")?;
    let pass = demo::article_to_claims(
        &ledger,
        &tmp.path().join("extracted"),
        &demo_ctx.stamp_for(&ledger)?,
    )
    .map_err(|e| CliError::check(e.to_string()))?;
    let counts: Vec<String> = pass
        .counts
        .iter()
        .map(|(p, n)| format!("{n} {p}"))
        .collect();
    out!(
        "factledger extract --source {}: {} candidates ({})",
        demo::SEED_SOURCE,
        pass.found,
        counts.join(", ")
    )?;
    out!(
        "the article names no resolution, so every subject is a guess: the desk files {} under the vote each is about and drops {}: {}",
        pass.kept.len(),
        pass.dropped,
        esc(pass.kept.join(", "))
    )?;
    out!(
        "factledger import of the kept lines (with the article) into a new ledger: {} appended",
        pass.import.appended
    )?;
    let flags: Vec<String> = pass.flags.iter().map(|(c, n)| format!("{n} {c}")).collect();
    out!(
        "flags raised there: {}",
        if flags.is_empty() {
            "none".to_string()
        } else {
            flags.join(", ")
        }
    )?;
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
    // The desk's published verdict on the misdated claim, as the readable demo records it: the
    // served demo has a verdict history and a public verdict page from the start.
    demo::record_verdict(
        &mut ledger,
        &ctx.stamp_as(ctx.named_author().unwrap_or_else(|| "demo".into()))?,
    )
    .map_err(refused)?;
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
