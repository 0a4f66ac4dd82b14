//! `factledger verify`: recompute every hash and link; exit 1 naming the first bad seq.

use crate::cli::{out_json, CliError, Context};
use factledger::chain::{verify_chain, ChainProblem};
use factledger::checkpoint::{Checkpoint, CheckpointError};
use factledger::event::hex;
use factledger::terminal::esc;
use serde_json::json;

/// Recompute every event's hash and link, and check archived texts; exit 1 at the first problem.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Verify an exported bundle instead of a ledger (no store needed).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<std::path::PathBuf>,
    /// With --bundle: a checkpoint the desk published (note text or JSON); the bundle's first
    /// events must be exactly the tree it states (origin, size, root).
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pub checkpoint: Option<std::path::PathBuf>,
    /// With --bundle: the public key (64 hex digits) you trust to sign checkpoints; the
    /// published checkpoint (else the bundle's own) must carry a valid signature by it.
    #[arg(long, value_name = "PUBKEY", requires = "bundle")]
    pub key: Option<String>,
}

/// The verifier's clock: `FACTLEDGER_NOW` (RFC 3339) when set, else the system clock, in
/// microseconds since the epoch. Checkpoints dated after it are refused.
pub fn now_micros() -> Result<i64, CliError> {
    match std::env::var("FACTLEDGER_NOW") {
        Ok(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.timestamp_micros())
            .map_err(|e| {
                CliError::usage(format!("FACTLEDGER_NOW='{s}' is not an RFC 3339 time: {e}"))
            }),
        Err(_) => Ok(chrono::Utc::now().timestamp_micros()),
    }
}

/// Reads `--key`: 64 hex digits, else a usage error.
pub fn parse_key(key: &str) -> Result<factledger::event::PublicKey, CliError> {
    factledger::event::parse_hash(key.trim())
        .ok_or_else(|| CliError::usage(format!("--key '{key}' is not 64 hex digits")))
}

/// Reads a published checkpoint file: unreadable is a usage error (exit 2), malformed or dated
/// in the future a failed check (exit 1), each naming the file.
pub fn read_checkpoint(path: &std::path::Path, now: i64) -> Result<Checkpoint, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    let c = Checkpoint::from_text(&text)
        .map_err(|e| CliError::check(format!("{}: {e}", path.display())))?;
    c.check_time(now)
        .map_err(|e| CliError::check(format!("{}: {e}", path.display())))?;
    Ok(c)
}

/// A failed bundle check: exit 1, with the JSON report when asked for.
fn bundle_failure(ctx: &Context, report: serde_json::Value, message: String) -> CliError {
    let mut e = CliError::check(message);
    if ctx.json() && out_json(&report).is_ok() {
        eprintln!("error: {}", esc(&e.message));
        e.reported = true;
    }
    e
}

fn verify_bundle(ctx: &Context, path: &std::path::Path, args: &VerifyArgs) -> Result<(), CliError> {
    let now = now_micros()?;
    let key = args.key.as_deref().map(parse_key).transpose()?;
    let published = match &args.checkpoint {
        Some(p) => Some((p, read_checkpoint(p, now)?)),
        None => None,
    };
    let crate::cli::input::Input {
        label,
        bytes: input,
        ..
    } = crate::cli::input::read_input(path)?;
    let b = match factledger::bundle::verify_at(&input, Some(now))? {
        Ok(b) => b,
        Err(p) => {
            let seq = p.seq.map(|s| format!(" (seq {s})")).unwrap_or_default();
            return Err(bundle_failure(
                ctx,
                json!({"ok": false, "line": p.line, "seq": p.seq, "message": p.message}),
                format!("{label}:{}{seq}: {}", p.line, p.message),
            ));
        }
    };
    let lines = 2 + b.events.len() + b.texts.len();
    // The key the reader trusts checks the published checkpoint, else the bundle's own.
    let mut checkpoint_key = b.checkpoint_key;
    if let (Some(k), None) = (&key, &published) {
        if let Err(e) = b.checkpoint.verify_signature(Some(k)) {
            let message = match e {
                CheckpointError::Unsigned => {
                    "the checkpoint is not signed, but a signer key was pinned with --key".into()
                }
                e => e.to_string(),
            };
            return Err(bundle_failure(
                ctx,
                json!({"ok": false, "line": lines, "seq": null, "message": message}),
                format!("{label}:{lines}: {message}"),
            ));
        }
        checkpoint_key = Some(*k);
    }
    let anchor = match &published {
        Some((p, c)) => match factledger::bundle::check_published(&b, c, key.as_ref()) {
            Ok(a) => Some((p.display().to_string(), a)),
            Err(message) => {
                let message = format!("{}: {message}", p.display());
                return Err(bundle_failure(
                    ctx,
                    json!({"ok": false, "line": null, "seq": null, "message": message}),
                    format!("{label}: {message}"),
                ));
            }
        },
        None => None,
    };
    let origin = &b.checkpoint.origin;
    if ctx.json() {
        return out_json(&json!({
            "ok": true,
            "bundle": label,
            "origin": origin,
            "events": b.events.len(),
            "texts": b.texts.len(),
            "root": hex(&b.checkpoint.root),
            "signed": b.signed_from.is_some(),
            "signed_from": b.signed_from,
            "checkpoint_signer": b.checkpoint.signature.as_ref().map(|s| s.name.clone()),
            "checkpoint_key": checkpoint_key.map(|k| hex(&k)),
            "checkpoint": anchor.as_ref().map(|(file, a)| json!({
                "file": file,
                "size": a.size,
                "root": hex(&a.root),
                "signer": a.signer.as_ref().map(|(n, _)| n.clone()),
                "key": a.signer.as_ref().map(|(_, k)| hex(k)),
            })),
        }));
    }
    out!(
        "ok: {}: {} events, {} archived texts; hashes, links, {}and the checkpoint root {} verified",
        esc(&label),
        b.events.len(),
        b.texts.len(),
        if b.signed_from.is_some() { "signatures, author authorisations, " } else { "" },
        hex(&b.checkpoint.root)
    )?;
    match (&b.checkpoint.signature, checkpoint_key) {
        (Some(s), Some(k)) => out!(
            "ok: origin {}; its checkpoint is signed by '{}' with key {}{}",
            esc(origin),
            esc(&s.name),
            hex(&k),
            if key.is_some() && published.is_none() {
                " (the key you gave)"
            } else {
                ""
            }
        )?,
        _ => out!(
            "ok: origin {}; note: its checkpoint is unsigned (an unsigned ledger)",
            esc(origin)
        )?,
    }
    match &anchor {
        Some((file, a)) => {
            out!(
                "ok: its first {} events are the tree of the published checkpoint {} (root {})",
                a.size,
                esc(file),
                hex(&a.root)
            )?;
            match &a.signer {
                Some((name, k)) => out!(
                    "ok: the published checkpoint is signed by '{}' with key {}{}",
                    esc(name),
                    hex(k),
                    if key.is_some() { " (the key you gave)" } else { " (the key its JSON carries; pass --key to pin the key you trust)" }
                ),
                None => out!("note: the published checkpoint is unsigned: only its size and root were checked"),
            }
        }
        None => out!(
            "note: compared with no published checkpoint: pass --checkpoint FILE --key PUBKEY to check that this is the history the desk published"
        ),
    }
}

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<(), CliError> {
    if let Some(b) = &args.bundle {
        return verify_bundle(ctx, b, args);
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
