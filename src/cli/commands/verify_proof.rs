//! `factledger verify-proof FILE`: checks a proof or evidence file with no ledger at all.

use crate::cli::{out_json, CliError, Context};
use factledger::checkpoint::Checkpoint;
use factledger::event::parse_hash;
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
    #[arg(long, value_name = "PUBKEY")]
    pub key: Option<String>,
}

pub fn run(ctx: &Context, args: &VerifyProofArgs) -> Result<(), CliError> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", p.display())))
    };
    let text = read(&args.file)?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!(
            "{}: not a JSON proof file: {e}",
            args.file.display()
        ))
    })?;
    let checkpoint = match &args.checkpoint {
        Some(p) => Some(
            Checkpoint::from_text(&read(p)?)
                .map_err(|e| CliError::check(format!("{}: {e}", p.display())))?,
        ),
        None => None,
    };
    let key = match &args.key {
        Some(k) => Some(
            parse_hash(k.trim())
                .ok_or_else(|| CliError::usage(format!("--key '{k}' is not 64 hex digits")))?,
        ),
        None => None,
    };
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
