//! `factledger flags`: every inconsistency the ledger raises, now or as of a point.

use crate::cli::render::{print_flag, print_flag_summary, print_json};
use crate::cli::{CliError, Context};
use factledger::desk::flags::{all_flags, flags, FlagsOptions};
use factledger::desk::AsOf;
use factledger::flags::FlagCode;

/// Show inconsistency flags: disagreeing sources, impossible weekdays, anniversaries, tallies and
/// outcomes, quotes missing from their sources, and broken source chains (see docs/flags.md).
#[derive(Debug, clap::Args)]
pub struct FlagsArgs {
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time,
    /// or at the end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
    /// Only claims from sources published on or before this date (YYYY-MM-DD): what the
    /// coverage said then (sources without a published date are left out).
    #[arg(long, value_name = "DATE")]
    pub published_by: Option<String>,
    /// Only flags with this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub code: Vec<String>,
    /// Only flags about this subject (a claim subject, or a source id for citation flags).
    #[arg(long)]
    pub subject: Option<String>,
}

pub fn run(ctx: &Context, args: &FlagsArgs) -> Result<(), CliError> {
    let codes = args
        .code
        .iter()
        .map(|c| c.parse::<FlagCode>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(format!("--code {e}")))?;
    let as_of = args.as_of.as_deref().map(str::parse::<AsOf>).transpose()?;
    let options = FlagsOptions {
        as_of,
        codes,
        subject: args.subject.clone(),
        published_by: crate::cli::time::published_by(args.published_by.as_deref())?,
    };
    let ledger = ctx.open()?;
    if crate::cli::time::said_empty(ctx, &ledger, options.as_of.as_ref(), "[]")? {
        return Ok(());
    }
    if ctx.json() {
        return print_json(&all_flags(&ledger, &options)?);
    }
    // Printed as they come: a whole large ledger has millions.
    let summary = flags(&ledger, &options, &mut print_flag)?;
    print_flag_summary(&summary)
}
