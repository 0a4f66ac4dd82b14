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
    /// The state after this seq, or after the last event recorded at or before this RFC 3339 time.
    #[arg(long, value_name = "SEQ|RFC3339")]
    pub as_of: Option<String>,
    /// Only flags with this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub code: Vec<String>,
    /// Only flags about this subject (a claim subject, or a source id for citation flags).
    #[arg(long)]
    pub subject: Option<String>,
}

pub fn run(ctx: &Context, args: &FlagsArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let codes = (!args.code.is_empty()).then(|| args.code.join(","));
        let query = [
            ("subject", args.subject.clone()),
            ("code", codes),
            ("as_of", args.as_of.clone()),
        ];
        let answer = remote.get("/api/v1/flags", &query)?;
        if ctx.json() {
            return print_json(&answer);
        }
        let mut summary = factledger::desk::flags::FlagSummary::default();
        for v in answer.as_array().into_iter().flatten() {
            let f = crate::cli::remote::flag(v)?;
            *summary.counts.entry(f.code).or_default() += 1;
            summary.total += 1;
            print_flag(&f)?;
        }
        return print_flag_summary(&summary);
    }
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
    };
    let ledger = ctx.open()?;
    if ctx.json() {
        return print_json(&all_flags(&ledger, &options)?);
    }
    // Printed as they come: a whole large ledger has millions.
    let summary = flags(&ledger, &options, &mut print_flag)?;
    print_flag_summary(&summary)
}
