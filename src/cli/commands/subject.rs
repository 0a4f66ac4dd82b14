//! `factledger subject alias ALIAS SUBJECT`: another name for a subject, so claims filed under
//! either meet in facts and flags.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::{CliError, Context};
use factledger::desk::alias::{alias, AliasInput};

#[derive(Debug, clap::Subcommand)]
pub enum SubjectCommand {
    /// Record ALIAS as another name for SUBJECT: claims filed under either meet.
    ///
    /// Example: factledger subject alias "UNSC resolution 2774" "S/RES/2774"
    #[command(
        after_help = "Examples:\n  factledger subject alias 'UNSC resolution 2774' S/RES/2774"
    )]
    Alias(AliasArgs),
}

/// Record another name for a subject.
#[derive(Debug, clap::Args)]
pub struct AliasArgs {
    /// The other name (as reporters write it).
    pub alias: String,
    /// The subject it names.
    pub subject: String,
}

pub fn run(ctx: &Context, cmd: &SubjectCommand) -> Result<(), CliError> {
    let SubjectCommand::Alias(args) = cmd;
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let input = AliasInput {
        label: "<arguments>",
        alias: &args.alias,
        subject: &args.subject,
        durability: durability(),
    };
    let report = alias(&mut ledger, input, &stamp).map_err(refused)?;
    print_append(ctx, &mut ledger, &report)
}
