//! `factledger evidence CLAIM --out FILE`: everything a reader needs to confirm a claim offline.

use crate::cli::input::checkpoint_refused;
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::evidence::{write_evidence, EvidenceError};
use factledger::integrity::checkpoint::TreeError;
use factledger::integrity::proof::ProofError;
use factledger::terminal::esc;
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
    let stamp = ctx.checkpoint_stamp(&ledger)?;
    let written = write_evidence(&ledger, &args.claim, &stamp, &args.out).map_err(|e| match e {
        EvidenceError::Checkpoint(e) => checkpoint_refused(ctx, e),
        EvidenceError::Proof(ProofError::Ledger(e))
        | EvidenceError::Proof(ProofError::Tree(TreeError::Ledger(e))) => e.into(),
        e => CliError::usage(e.to_string()),
    })?;
    if ctx.json() {
        return print_json(&written);
    }
    out!(
        "wrote {}: claim {} and {} source event(s), with inclusion proofs in the tree of size {}",
        esc(&written.out),
        esc(&args.claim),
        written.events.saturating_sub(1),
        written.tree_size
    )
}
