//! `factledger retract ID --reason R`: retract a claim or source. The retracted record stays in
//! the log; it is no longer live.

use crate::cli::commands::add::add_record;
use crate::cli::{CliError, Context};
use serde_json::json;

/// Retract a claim or source (the record stays in the log but is no longer live).
#[derive(Debug, clap::Args)]
pub struct RetractArgs {
    /// Id of the claim or source.
    pub id: String,
    /// Why it is retracted.
    #[arg(long)]
    pub reason: String,
}

pub fn run(ctx: &Context, args: &RetractArgs) -> Result<(), CliError> {
    add_record(
        ctx,
        json!({"type": "retract", "target": args.id, "reason": args.reason}),
    )
}
