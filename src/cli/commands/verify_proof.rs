//! `factledger verify-proof FILE`: checks a proof or evidence file with no ledger at all.

use crate::cli::input::{read_text, trusted_key, verifier_clock};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::verify::Published;
use factledger::desk::verify_proof::{verify_proof, ProofInput, VerifyProofError};
use factledger::terminal::esc;
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
    let text = read_text(&args.file)?;
    let label = args.file.display().to_string();
    let now = verifier_clock()?;
    let key = args.key.as_deref().map(trusted_key).transpose()?;
    let published = match &args.checkpoint {
        Some(p) => Some((p.display().to_string(), read_text(p)?)),
        None => None,
    };
    let report = verify_proof(ProofInput {
        label: &label,
        text: &text,
        published: published
            .as_ref()
            .map(|(label, text)| Published { label, text }),
        key,
        now,
    })
    .map_err(refused)?;
    if ctx.json() {
        return print_json(&report);
    }
    out!("valid")?;
    for c in &report.checked {
        out!("  ok: {}", esc(c))?;
    }
    if key.is_none() && report.checkpoint_key.is_some() {
        out!(
            "  note: the checkpoint's key came from the file; pass --key to pin the key you trust"
        )?;
    }
    Ok(())
}

/// A refused proof: an invalid one exits 1 with its reason as the JSON report; a file that
/// could not be checked (not JSON, a key with no checkpoint) is bad input; an unusable
/// published checkpoint a failed check.
fn refused(e: VerifyProofError) -> CliError {
    let report = e.report();
    let err = match &e {
        VerifyProofError::NotJson { .. } | VerifyProofError::KeyWithoutCheckpoint { .. } => {
            return CliError::usage(e.to_string())
        }
        VerifyProofError::Published(_) | VerifyProofError::Invalid(_) => {
            CliError::check(e.to_string())
        }
    };
    match report.map(|r| serde_json::to_value(&r)) {
        Some(Ok(json)) => err.with_json(json),
        _ => err,
    }
}
