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
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time,
    /// or at the end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
    /// Only claims from sources published on or before this date (YYYY-MM-DD): what the
    /// coverage said then (sources without a published date are left out).
    #[arg(long, value_name = "DATE")]
    pub published_by: Option<String>,
    /// Print CSV with a header row, for a spreadsheet (docs/interop.md).
    #[arg(long)]
    pub csv: bool,
}

pub fn run(ctx: &Context, args: &FactsArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let query = [
            ("subject", args.subject.clone()),
            ("as_of", args.as_of.clone()),
        ];
        return crate::cli::remote::print(&remote.get("/api/v1/facts", &query)?);
    }
    let options = FactsOptions {
        subject: args.subject.clone(),
        as_of: args.as_of.as_deref().map(str::parse::<AsOf>).transpose()?,
        published_by: crate::cli::time::published_by(args.published_by.as_deref())?,
    };
    if args.csv && ctx.json() {
        return Err(CliError::usage("--csv and --json: give one".to_string()));
    }
    let ledger = ctx.open()?;
    if crate::cli::time::said_empty(ctx, &ledger, options.as_of.as_ref(), "[]")? {
        return Ok(());
    }
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
