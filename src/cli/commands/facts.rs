//! `factledger facts`: the current (or past) fact state.

use crate::cli::render::{print_facts, print_json};
use crate::cli::{CliError, Context};
use factledger::desk::facts::{facts, FactsOptions};
use factledger::desk::AsOf;
use factledger::terminal::esc;

/// Show what the ledger holds about each subject: live claims, values, sources, agreement.
#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    /// Only this subject.
    #[arg(long)]
    pub subject: Option<String>,
    /// The state after this seq, or after the last event recorded at or before this RFC 3339 time.
    #[arg(long, value_name = "SEQ|RFC3339")]
    pub as_of: Option<String>,
    /// Print CSV with a header row, for a spreadsheet (docs/interop.md).
    #[arg(long)]
    pub csv: bool,
}

pub fn run(ctx: &Context, args: &FactsArgs) -> Result<(), CliError> {
    let options = FactsOptions {
        subject: args.subject.clone(),
        as_of: args.as_of.as_deref().map(str::parse::<AsOf>).transpose()?,
    };
    if args.csv && ctx.json() {
        return Err(CliError::usage("--csv and --json: give one".to_string()));
    }
    let ledger = ctx.open()?;
    let facts = facts(&ledger, &options)?;
    if ctx.json() {
        return print_json(&facts);
    }
    if args.csv {
        return crate::cli::render::print_facts_csv(&facts);
    }
    if facts.is_empty() {
        return match &args.subject {
            Some(s) => out!("no claims about '{}'", esc(s)),
            None => out!("no claims in the ledger"),
        };
    }
    print_facts(&facts)
}
