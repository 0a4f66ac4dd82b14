//! `factledger verify`: recompute every hash and link; exit 1 naming the first bad seq.

use crate::cli::{out_json, CliError, Context};
use factledger::chain::{verify_chain, ChainProblem};
use factledger::event::hex;
use factledger::terminal::esc;
use serde_json::json;

/// Recompute every event's hash and link, and check archived texts; exit 1 at the first problem.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Verify an exported bundle instead of a ledger (no store needed).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<std::path::PathBuf>,
}

fn verify_bundle(ctx: &Context, path: &std::path::Path) -> Result<(), CliError> {
    let crate::cli::input::Input {
        label,
        bytes: input,
        ..
    } = crate::cli::input::read_input(path)?;
    match factledger::bundle::verify(&input)? {
        Ok(b) => {
            if ctx.json() {
                out_json(&json!({
                    "ok": true,
                    "bundle": label,
                    "events": b.events.len(),
                    "texts": b.texts.len(),
                    "root": hex(&b.checkpoint.root),
                    "signed": b.signed_from.is_some(),
                    "signed_from": b.signed_from,
                    "checkpoint_signer": b.checkpoint.signature.as_ref().map(|s| s.name.clone()),
                }))
            } else {
                out!(
                    "ok: {}: {} events, {} archived texts; hashes, links, {}and the checkpoint root {} verified",
                    esc(&label),
                    b.events.len(),
                    b.texts.len(),
                    if b.signed_from.is_some() { "signatures, author authorisations, " } else { "" },
                    hex(&b.checkpoint.root)
                )
            }
        }
        Err(p) => {
            let seq = p.seq.map(|s| format!(" (seq {s})")).unwrap_or_default();
            let mut e = CliError::check(format!("{label}:{}{seq}: {}", p.line, p.message));
            if ctx.json() {
                out_json(
                    &json!({"ok": false, "line": p.line, "seq": p.seq, "message": p.message}),
                )?;
                eprintln!("error: {}", esc(&e.message));
                e.reported = true;
            }
            Err(e)
        }
    }
}

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<(), CliError> {
    if let Some(b) = &args.bundle {
        return verify_bundle(ctx, b);
    }
    let ledger = match ctx.open() {
        Ok(l) => l,
        Err(mut e) if e.kind == crate::cli::ErrorKind::Check => {
            if ctx.json() {
                out_json(
                    &json!({"ok": false, "problem": {"code": "store-damaged", "message": e.message}}),
                )?;
                eprintln!("error: {}", esc(&e.message));
                e.reported = true;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let bar = ctx.progress(ledger.head().seq, "verify");
    let mut report = verify_chain(&ledger, |seq| {
        if seq % 1024 == 0 {
            bar.set_position(seq);
        }
    })?;
    bar.finish_and_clear();
    let head = ledger.head();
    // Only a sound chain can be replayed meaningfully; then the projection must match it.
    let mut projection_digest = None;
    if let (None, Some(replayed)) = (&report.problem, report.projection_digest) {
        let check = ledger.compare_projection(replayed)?;
        projection_digest = Some(hex(&check.replayed));
        if let Some(message) = check.drift(head.seq) {
            report.problem = Some(ChainProblem {
                seq: head.seq,
                code: "projection-drift",
                message: format!("{message}; rebuild it with `factledger replay --rebuild`"),
            });
        }
    }
    if ctx.json() {
        out_json(&json!({
            "ok": report.problem.is_none(),
            "events": report.events,
            "texts": report.texts,
            "head": {"seq": head.seq, "hash": hex(&head.hash)},
            "signed": report.signed_from.is_some(),
            "signed_from": report.signed_from,
            "signed_events": report.signed_events,
            "projection_digest": projection_digest,
            "problem": report.problem.as_ref().map(|p| json!({"seq": p.seq, "code": p.code, "message": p.message})),
        }))?;
    }
    match report.problem {
        None => {
            if !ctx.json() {
                out!(
                    "ok: {} events and {} archived texts verified; head seq {} hash {}",
                    report.events,
                    report.texts,
                    head.seq,
                    hex(&head.hash)
                )?;
                out!(
                    "ok: the stored projection is exactly what the log implies (digest {})",
                    projection_digest.as_deref().unwrap_or("")
                )?;
                match report.signed_from {
                    None => out!(
                        "note: this ledger is unsigned: events are hashed and chained, but not signed \
                         (sign it from now on with `factledger authors add`)"
                    )?,
                    Some(from) => out!(
                        "ok: signed from seq {from}: {} signatures verified, every author authorised at its point of the log",
                        report.signed_events
                    )?,
                }
            }
            Ok(())
        }
        Some(p) => {
            let mut e = CliError::check(format!(
                "verify failed at seq {}: {} ({})",
                p.seq, p.message, p.code
            ));
            e.reported = ctx.json();
            if ctx.json() {
                eprintln!("error: {}", esc(&e.message));
            }
            Err(e)
        }
    }
}
