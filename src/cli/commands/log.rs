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
    /// Only the events recorded up to this seq, RFC 3339 time, or date (YYYY-MM-DD: to the end of
    /// that day, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &LogArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        return remote_log(&remote, args);
    }
    let ledger = ctx.open()?;
    let as_of = crate::cli::time::as_of(args.as_of.as_deref())?;
    // JSON Lines: an empty log is no lines.
    if crate::cli::time::said_empty(ctx, &ledger, as_of.as_ref(), "")? {
        return Ok(());
    }
    let options = LogOptions {
        from: args.from,
        limit: args.limit,
        as_of,
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

/// The log through a desk server, a page at a time, one event's JSON per line (as `--json`).
fn remote_log(remote: &crate::cli::remote::Remote, args: &LogArgs) -> Result<(), CliError> {
    const PAGE: u64 = 10_000;
    let mut after = args.from.saturating_sub(1);
    let mut left = args.limit.unwrap_or(u64::MAX);
    while left > 0 {
        let n = left.min(PAGE);
        let query = [
            ("after", Some(after.to_string())),
            ("limit", Some(n.to_string())),
        ];
        let page = remote.get("/api/v1/log", &query)?;
        let events = page.as_array().cloned().unwrap_or_default();
        for e in &events {
            print_json(e)?;
            after = e["seq"].as_u64().unwrap_or(after);
        }
        left -= events.len() as u64;
        if (events.len() as u64) < n {
            break;
        }
    }
    Ok(())
}
