//! `factledger log`: the events in order.

use crate::cli::render::{event_line, print_json};
use crate::cli::{CliError, Context};
use factledger::desk::log::{log, LogOptions};

/// Print the log of events, oldest first.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// First seq to print.
    #[arg(long, default_value_t = 1)]
    pub from: u64,
    /// Print at most N events.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

pub fn run(ctx: &Context, args: &LogArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let options = LogOptions {
        from: args.from,
        limit: args.limit,
    };
    for event in log(&ledger, options) {
        let event = event?;
        if ctx.json() {
            print_json(&event)?;
        } else {
            out!("{}", event_line(&event))?;
        }
    }
    Ok(())
}
