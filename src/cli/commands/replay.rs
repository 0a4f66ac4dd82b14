//! `factledger replay`: rebuild the projection from the first event and report what it holds.

use crate::cli::{out_json, CliError, Context};
use factledger::event::hex;
use factledger::projection;
use serde_json::json;

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
    let head = ledger.head();
    if let Some(to) = args.to {
        if to > head.seq {
            return Err(CliError::usage(format!(
                "--to {to}: the ledger only goes up to seq {}",
                head.seq
            )));
        }
    }
    let bar = ctx.progress(args.to.unwrap_or(head.seq), "replay");
    // The digest and counts of what the log implies, without holding the projection in memory
    // (a million claims would take gigabytes); earlier events are read again when a retraction
    // or correction changes them.
    let summary = ledger.replay_summary(args.to, |seq| {
        if seq % 1024 == 0 {
            bar.set_position(seq);
        }
    })?;
    bar.finish_and_clear();
    let reached = summary.reached;
    let digest = summary.digest;
    let counts = json!({
        "sources": summary.sources,
        "claims": summary.claims,
        "live_claims": summary.live_claims,
        "retracted_claims": summary.retracted_claims,
        "superseded_claims": summary.superseded_claims,
        "claims_with_retracted_source": summary.claims_with_retracted_source,
        "subjects": summary.subjects,
    });
    let stored = ledger.projection_meta()?;
    // Both the digest recorded with the stored projection and the stored entries themselves
    // must be what the log implies.
    let matches_stored = if reached == head.seq {
        let entries = projection::scan_digest(&ledger.tables())?;
        Some(stored.map(|m| m.digest) == Some(digest) && entries == digest)
    } else {
        None
    };
    if args.rebuild {
        ledger.rebuild_projection()?;
    }
    if ctx.json() {
        return out_json(&json!({
            "seq": reached,
            "events": reached,
            "counts": counts,
            "digest": hex(&digest.to_bytes()),
            "matches_stored": matches_stored,
            "rebuilt": args.rebuild,
        }));
    }
    out!("replayed seq 1 to {reached}")?;
    out!(
        "  {} sources, {} claims ({} live, {} retracted, {} superseded, {} with a retracted source), {} subjects",
        summary.sources,
        summary.claims,
        summary.live_claims,
        summary.retracted_claims,
        summary.superseded_claims,
        summary.claims_with_retracted_source,
        summary.subjects
    )?;
    out!("  digest {}", hex(&digest.to_bytes()))?;
    match matches_stored {
        Some(true) => out!("  matches the stored projection")?,
        Some(false) if args.rebuild => {
            out!("  differed from the stored projection, which was rebuilt")?
        }
        Some(false) => {
            out!("  DIFFERS from the stored projection (run `factledger replay --rebuild`)")?
        }
        None => {}
    }
    Ok(())
}
