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
    };
    let ledger = ctx.open()?;
    let facts = facts(&ledger, &options)?;
    if ctx.json() {
        return print_json(&facts);
    }
    if facts.is_empty() {
        return match &args.subject {
            Some(s) => out!("no claims about '{}'", esc(s)),
            None => out!("no claims in the ledger"),
        };
    }
    print_facts(&facts)
}
