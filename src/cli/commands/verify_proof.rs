//! `factledger verify-proof FILE`: checks a proof or evidence file with no ledger at all.

use crate::cli::{out_json, CliError, Context};
use factledger::checkpoint::Checkpoint;
use factledger::proof::verify_file;
use factledger::terminal::esc;
use serde_json::json;
use std::path::PathBuf;

/// Check an inclusion, consistency or evidence file (from `prove` or `evidence`) without any
/// ledger, against a published checkpoint. Exit 0 when valid, 1 when not, with the reason.
#[derive(Debug, clap::Args)]
pub struct VerifyProofArgs {
    /// The proof or evidence file (JSON).
    pub file: PathBuf,
    /// A published checkpoint (note text or JSON) to check against.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Pin the checkpoint signer's public key (64 hex digits) instead of trusting the file's.
    /// Needs a checkpoint: --checkpoint, or the one an evidence file carries.
    #[arg(long, value_name = "PUBKEY")]
    pub key: Option<String>,
}

pub fn run(ctx: &Context, args: &VerifyProofArgs) -> Result<(), CliError> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", args.file.display())))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!(
            "{}: not a JSON proof file: {e}",
            args.file.display()
        ))
    })?;
    let now = crate::cli::commands::verify::now_micros()?;
    let key = args
        .key
        .as_deref()
        .map(crate::cli::commands::verify::parse_key)
        .transpose()?;
    // A pinned key is checked against a checkpoint; with none, it would be silently unused and
    // the proof of any tree would look vouched for by that key.
    if key.is_some() && args.checkpoint.is_none() && v.get("checkpoint").is_none() {
        return Err(CliError::usage(format!(
            "--key pins the signer of a checkpoint, but {} carries none and no --checkpoint FILE was given",
            args.file.display()
        )));
    }
    let checkpoint = match &args.checkpoint {
        Some(p) => Some(crate::cli::commands::verify::read_checkpoint(p, now)?),
        None => None,
    };
    let embedded_time = v
        .get("checkpoint")
        .map(Checkpoint::from_json)
        .and_then(Result::ok)
        .map(|c| c.check_time(now));
    if let Some(Err(e)) = embedded_time {
        let reason = e.to_string();
        let mut err = CliError::check(format!("invalid: {reason}"));
        if ctx.json() {
            out_json(&json!({"ok": false, "reason": reason}))?;
            eprintln!("error: invalid: {reason}");
            err.reported = true;
        }
        return Err(err);
    }
    match verify_file(&v, checkpoint.as_ref(), key.as_ref()) {
        Ok(verdict) => {
            if ctx.json() {
                out_json(
                    &json!({"ok": true, "checked": verdict.checked, "checkpoint_key": verdict.checkpoint_key}),
                )?;
            } else {
                out!("valid")?;
                for c in &verdict.checked {
                    out!("  ok: {}", esc(c))?;
                }
                if key.is_none() && verdict.checkpoint_key.is_some() {
                    out!("  note: the checkpoint's key came from the file; pass --key to pin the key you trust")?;
                }
            }
            Ok(())
        }
        Err(reason) => {
            let mut e = CliError::check(format!("invalid: {reason}"));
            if ctx.json() {
                out_json(&json!({"ok": false, "reason": reason}))?;
                eprintln!("error: invalid: {}", esc(&reason));
                e.reported = true;
            }
            Err(e)
        }
    }
}
