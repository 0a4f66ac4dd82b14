//! `factledger reviews`: the current verdict on each reviewed claim, with history on request.

use crate::cli::render::{print_json, verdict_line};
use crate::cli::{CliError, Context};
use factledger::desk::reviews::{reviews, ReviewsOptions};
use factledger::desk::AsOf;
use factledger::terminal::esc;

/// List the current verdict on each reviewed claim (the latest review of each organisation).
#[derive(Debug, clap::Args)]
pub struct ReviewsArgs {
    /// Only this claim.
    #[arg(long)]
    pub claim: Option<String>,
    /// Also list the earlier reviews each later one superseded.
    #[arg(long)]
    pub history: bool,
    /// The verdicts after this seq, or after the last event recorded at or before this RFC 3339 time.
    #[arg(long, value_name = "SEQ|RFC3339")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &ReviewsArgs) -> Result<(), CliError> {
    let options = ReviewsOptions {
        claim: args.claim.clone(),
        history: args.history,
        as_of: args.as_of.as_deref().map(str::parse::<AsOf>).transpose()?,
    };
    let ledger = ctx.open()?;
    let rows = reviews(&ledger, &options)?;
    if ctx.json() {
        return print_json(&rows);
    }
    if rows.is_empty() {
        return out!("no reviews");
    }
    for row in rows {
        out!("{}", esc(&row.claim))?;
        for v in &row.current {
            out!("  {}", verdict_line(v))?;
        }
        if let Some(history) = &row.history {
            out!("  history:")?;
            for v in history {
                out!("    {}", verdict_line(v))?;
            }
        }
    }
    Ok(())
}
