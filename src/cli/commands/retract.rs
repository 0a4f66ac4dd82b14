//! `factledger retract ID --reason R`: retract a claim or source. The retracted record stays in
//! the log; it is no longer live.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::{CliError, Context};
use factledger::desk::retract::{retract, RetractInput};

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
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let body = serde_json::json!({ "target": args.id, "reason": args.reason });
        let mut report = remote.send_labelled(
            "POST",
            "/api/v1/retractions",
            &body.to_string(),
            "<arguments>",
        )?;
        report["file"] = "<arguments>".into();
        return crate::cli::remote::print_append(ctx, &report);
    }
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp()?;
    let input = RetractInput {
        label: "<arguments>",
        target: &args.id,
        reason: &args.reason,
        durability: durability(),
    };
    let report = retract(&mut ledger, input, &stamp).map_err(refused)?;
    print_append(ctx, &mut ledger, &report)
}
