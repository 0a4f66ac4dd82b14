//! `factledger source revise ID --text-file F`: a new version of a source.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::{CliError, Context};
use factledger::desk::revise::{revise, ReviseInput};
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum SourceCommand {
    /// Record a new version of a source (the publisher edited it), with its new archived text.
    /// Both versions stay in the log; claims whose excerpt or quote was in the old text and is
    /// not in the new one are flagged source-edited.
    ///
    /// Example: factledger source revise wire-2025-02-25 --text-file wire-v2.txt --note "date corrected"
    #[command(
        after_help = "Examples:\n  factledger source revise wire-2025-02-25 --text-file wire-v2.txt --note 'date corrected'"
    )]
    Revise(ReviseArgs),
}

/// Record a new version of a source.
#[derive(Debug, clap::Args)]
pub struct ReviseArgs {
    /// Id of the source.
    pub id: String,
    /// A file holding the new version's archived text (under the working directory).
    #[arg(long)]
    pub text_file: String,
    /// What changed.
    #[arg(long)]
    pub note: Option<String>,
    /// The new title, if it changed.
    #[arg(long)]
    pub title: Option<String>,
    /// The new address, if it changed.
    #[arg(long)]
    pub url: Option<String>,
}

pub fn run(ctx: &Context, cmd: &SourceCommand) -> Result<(), CliError> {
    let SourceCommand::Revise(args) = cmd;
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let input = ReviseInput {
        label: "<arguments>",
        base: Path::new("."),
        source: &args.id,
        text_file: &args.text_file,
        title: args.title.as_deref(),
        url: args.url.as_deref(),
        note: args.note.as_deref(),
        durability: durability(),
    };
    let report = revise(&mut ledger, input, &stamp).map_err(refused)?;
    print_append(ctx, &mut ledger, &report)
}
