//! `factledger evidence CLAIM --out FILE`: everything a reader needs to confirm a claim offline.

use crate::cli::commands::checkpoint::make;
use crate::cli::{out_json, CliError, Context};
use serde_json::json;
use std::path::PathBuf;

/// Write one JSON file holding a claim, its source chain (with archived texts' hashes), their
/// inclusion proofs and a checkpoint, which `verify-proof` checks without the ledger.
#[derive(Debug, clap::Args)]
pub struct EvidenceArgs {
    /// The claim id.
    pub claim: String,
    /// Where to write the evidence file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(ctx: &Context, args: &EvidenceArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let checkpoint = make(ctx, &ledger)?;
    let ev = factledger::proof::evidence(&ledger, &args.claim, &checkpoint)?;
    let text = serde_json::to_string_pretty(&ev).unwrap_or_default();
    std::fs::write(&args.out, text + "\n")
        .map_err(|e| CliError::usage(format!("cannot write {}: {e}", args.out.display())))?;
    let n = ev["events"].as_array().map_or(0, Vec::len);
    if ctx.json() {
        out_json(
            &json!({"ok": true, "out": args.out.display().to_string(), "events": n, "tree_size": checkpoint.size}),
        )
    } else {
        out!(
            "wrote {}: claim {} and {} source event(s), with inclusion proofs in the tree of size {}",
            args.out.display(),
            args.claim,
            n.saturating_sub(1),
            checkpoint.size
        )
    }
}
