//! `factledger replay`: rebuild the projection from the first event and report what it holds.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::replay::{replay, ReplayError, ReplayOptions};

/// Replay the log from the first event (streaming), and print the seq reached, counts and the
/// digest of the projection it implies. With --rebuild, also replace the stored projection with the result.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Stop after this seq.
    #[arg(long, value_name = "SEQ")]
    pub to: Option<u64>,
    /// Replace the stored projection with the replayed one (recovery from projection drift).
    #[arg(long, conflicts_with = "to")]
    pub rebuild: bool,
}

pub fn run(ctx: &Context, args: &ReplayArgs) -> Result<(), CliError> {
    let mut ledger = ctx.open()?;
    let bar = ctx.progress(args.to.unwrap_or(ledger.head().seq), "replay");
    let options = ReplayOptions {
        to: args.to,
        rebuild: args.rebuild,
    };
    let report = replay(&mut ledger, options, |seq| {
        if seq % 1024 == 0 {
            bar.set_position(seq);
        }
    });
    bar.finish_and_clear();
    let r = report?;
    if ctx.json() {
        return print_json(&r);
    }
    let c = &r.counts;
    out!("replayed seq 1 to {}", r.seq)?;
    out!(
        "  {} sources, {} claims ({} live, {} retracted, {} superseded, {} with a retracted source), {} subjects",
        c.sources,
        c.claims,
        c.live_claims,
        c.retracted_claims,
        c.superseded_claims,
        c.claims_with_retracted_source,
        c.subjects
    )?;
    out!("  digest {}", r.digest)?;
    match r.matches_stored {
        Some(true) => out!("  matches the stored projection"),
        Some(false) if r.rebuilt => {
            out!("  differed from the stored projection, which was rebuilt")
        }
        Some(false) => {
            out!("  DIFFERS from the stored projection (run `factledger replay --rebuild`)")
        }
        None => Ok(()),
    }
}

impl From<ReplayError> for CliError {
    fn from(e: ReplayError) -> CliError {
        match e {
            ReplayError::Ledger(e) => e.into(),
            e @ ReplayError::PastHead { .. } => CliError::usage(e.to_string()),
        }
    }
}
