//! `factledger withdraw SOURCE --reason R`: the publisher withdrew a source.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::{CliError, Context};
use factledger::desk::withdraw::{withdraw, WithdrawInput};

/// Record a publisher's withdrawal of a source (its claims stay visible, marked).
///
/// The publisher took the article down: its claims stay live and flagged, marked as resting on a
/// withdrawn source. To take back the desk's own mistaken entry, use `retract`.
///
/// Example: factledger withdraw wire-2025-02-25 --reason "publisher took the article down"
#[derive(Debug, clap::Args)]
pub struct WithdrawArgs {
    /// Id of the source.
    pub source: String,
    /// What the publisher said, or why the desk believes it was withdrawn.
    #[arg(long)]
    pub reason: String,
}

pub fn run(ctx: &Context, args: &WithdrawArgs) -> Result<(), CliError> {
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let input = WithdrawInput {
        label: "<arguments>",
        source: &args.source,
        reason: &args.reason,
        durability: durability(),
    };
    let report = withdraw(&mut ledger, input, &stamp).map_err(refused)?;
    print_append(ctx, &mut ledger, &report)
}
