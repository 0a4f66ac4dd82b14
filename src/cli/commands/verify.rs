//! `factledger verify`: recompute every hash and link; exit 1 naming the first bad seq.

use crate::cli::input::{read_input, read_text, trusted_key, verifier_clock};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context, ErrorKind};
use factledger::desk::verify::{
    verify, verify_bundle, BundleInput, BundleReport, Published, StoreDamaged, VerifyBundleError,
    VerifyReport,
};
use factledger::terminal::esc;
use std::path::{Path, PathBuf};

/// Recompute every event's hash and link, and check archived texts; exit 1 at the first problem.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Verify an exported bundle instead of a ledger (no store needed).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// With --bundle: a checkpoint the desk published (note text or JSON); the bundle's first
    /// events must be exactly the tree it states (origin, size, root).
    #[arg(long, value_name = "FILE", requires = "bundle")]
    pub checkpoint: Option<PathBuf>,
    /// With --bundle: the public key (64 hex digits) you trust to sign checkpoints; the
    /// published checkpoint (else the bundle's own) must carry a valid signature by it.
    #[arg(long, value_name = "PUBKEY", requires = "bundle")]
    pub key: Option<String>,
}

pub fn run(ctx: &Context, args: &VerifyArgs) -> Result<(), CliError> {
    if let Some(b) = &args.bundle {
        return run_bundle(ctx, b, args);
    }
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let report = remote.get("/api/v1/verify", &[])?;
        if ctx.json() {
            crate::cli::remote::print(&report)?;
        }
        if report["ok"] != serde_json::Value::Bool(true) {
            return Err(CliError::check(format!(
                "the desk server's ledger does not verify: {}",
                report["problem"]
            )));
        }
        if ctx.json() {
            return Ok(());
        }
        let n = |k: &str| report[k].as_u64().unwrap_or(0);
        return print_report(&VerifyReport {
            events: n("events"),
            head: factledger::desk::import::HeadRef {
                hash: crate::cli::remote::text(&report["head"], "hash"),
                seq: report["head"]["seq"].as_u64().unwrap_or(0),
            },
            ok: true,
            problem: None,
            projection_digest: report["projection_digest"].as_str().map(String::from),
            signed: report["signed"] == true,
            signed_events: n("signed_events"),
            signed_from: report["signed_from"].as_u64(),
            texts: n("texts"),
        });
    }
    let ledger = ctx.open().map_err(|e| match e.kind {
        // A store too damaged to open is a failed verification, with its report.
        ErrorKind::Check => {
            let report = StoreDamaged::new(e.message.clone());
            match serde_json::to_value(&report) {
                Ok(json) => e.with_json(json),
                Err(_) => e,
            }
        }
        _ => e,
    })?;
    let bar = ctx.progress(ledger.head().seq, "verify");
    let report = verify(&ledger, |seq| {
        if seq % 1024 == 0 {
            bar.set_position(seq);
        }
    });
    bar.finish_and_clear();
    let report = report?;
    if let Some(p) = &report.problem {
        let e = CliError::check(format!(
            "verify failed at seq {}: {} ({})",
            p.seq, p.message, p.code
        ));
        return Err(e.with_json(serde_json::to_value(&report).map_err(std::io::Error::other)?));
    }
    if ctx.json() {
        return print_json(&report);
    }
    print_report(&report)
}

fn print_report(report: &VerifyReport) -> Result<(), CliError> {
    out!(
        "ok: {} events and {} archived texts verified; head seq {} hash {}",
        report.events,
        report.texts,
        report.head.seq,
        report.head.hash
    )?;
    out!(
        "ok: the stored projection is exactly what the log implies (digest {})",
        report.projection_digest.as_deref().unwrap_or("")
    )?;
    match report.signed_from {
        None => out!(
            "note: this ledger is unsigned: events are hashed and chained, but not signed \
             (sign it from now on with `factledger authors add`)"
        ),
        Some(from) => out!(
            "ok: signed from seq {from}: {} signatures verified, every author authorised at its point of the log",
            report.signed_events
        ),
    }
}

fn run_bundle(ctx: &Context, path: &Path, args: &VerifyArgs) -> Result<(), CliError> {
    let now = verifier_clock()?;
    let key = args.key.as_deref().map(trusted_key).transpose()?;
    let published = match &args.checkpoint {
        Some(p) => Some((p.display().to_string(), read_text(p)?)),
        None => None,
    };
    let input = read_input(path)?;
    let report = verify_bundle(BundleInput {
        label: &input.label,
        bytes: &input.bytes,
        published: published
            .as_ref()
            .map(|(label, text)| Published { label, text }),
        key,
        now,
    })
    .map_err(bundle_failure)?;
    if ctx.json() {
        return print_json(&report);
    }
    print_bundle(&report, key.is_some(), published.is_some())
}

/// A failed bundle check: exit 1, with its line and seq as the JSON report.
fn bundle_failure(e: VerifyBundleError) -> CliError {
    let report = e.report();
    let err = match e {
        VerifyBundleError::Ledger(e) => return e.into(),
        e => CliError::check(e.to_string()),
    };
    match report.map(|r| serde_json::to_value(&r)) {
        Some(Ok(json)) => err.with_json(json),
        _ => err,
    }
}

fn print_bundle(b: &BundleReport, key_given: bool, published: bool) -> Result<(), CliError> {
    out!(
        "ok: {}: {} events, {} archived texts; hashes, links, {}and the checkpoint root {} verified",
        esc(&b.bundle),
        b.events,
        b.texts,
        if b.signed { "signatures, author authorisations, " } else { "" },
        b.root
    )?;
    match (&b.checkpoint_signer, &b.checkpoint_key) {
        (Some(name), Some(k)) => out!(
            "ok: origin {}; its checkpoint is signed by '{}' with key {}{}",
            esc(&b.origin),
            esc(name),
            k,
            if key_given && !published {
                " (the key you gave)"
            } else {
                ""
            }
        )?,
        _ => out!(
            "ok: origin {}; note: its checkpoint is unsigned (an unsigned ledger)",
            esc(&b.origin)
        )?,
    }
    match &b.checkpoint {
        Some(a) => {
            out!(
                "ok: its first {} events are the tree of the published checkpoint {} (root {})",
                a.size,
                esc(&a.file),
                a.root
            )?;
            match (&a.signer, &a.key) {
                (Some(name), Some(k)) => out!(
                    "ok: the published checkpoint is signed by '{}' with key {}{}",
                    esc(name),
                    k,
                    if key_given { " (the key you gave)" } else { " (the key its JSON carries; pass --key to pin the key you trust)" }
                ),
                _ => out!("note: the published checkpoint is unsigned: only its size and root were checked"),
            }
        }
        None => out!(
            "note: compared with no published checkpoint: pass --checkpoint FILE --key PUBKEY to check that this is the history the desk published"
        ),
    }
}
