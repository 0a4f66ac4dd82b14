//! `factledger checkpoint`: the ledger's size and Merkle root now, signed, to publish.

use crate::cli::input::checkpoint_refused;
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::checkpoint::checkpoint;

/// Print a checkpoint: tree size, Merkle root and time, signed by the author (--author) when
/// the ledger is signed. Publish it; readers check proofs against it with `verify-proof`.
#[derive(Debug, clap::Args)]
pub struct CheckpointArgs {}

pub fn run(ctx: &Context, _args: &CheckpointArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let answer = remote.get("/api/v1/checkpoint", &[])?;
        if ctx.json() {
            return print_json(&answer);
        }
        let c = factledger::integrity::checkpoint::Checkpoint::from_json(&answer).map_err(|e| {
            CliError::unavailable(format!(
                "the desk server sent a checkpoint that does not read: {e}"
            ))
        })?;
        return out!("{}", c.note().trim_end());
    }
    let ledger = ctx.open()?;
    let c = checkpoint(&ledger, &ctx.checkpoint_stamp(&ledger)?)
        .map_err(|e| checkpoint_refused(ctx, e))?;
    if ctx.json() {
        print_json(&c)
    } else {
        out!("{}", c.note().trim_end())
    }
}
