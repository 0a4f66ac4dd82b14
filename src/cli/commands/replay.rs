//! `factledger replay`: rebuild the projection from the first event and report what it holds.

use crate::cli::{out_json, CliError, Context};
use factledger::event::hex;
use factledger::projection::{self, liveness, Liveness, Tables, CLAIMS, SOURCES, SUBJECTS};
use serde_json::json;

/// Rebuild the projection from the first event (streaming), and print the seq reached, counts
/// and the digest. With --rebuild, also replace the stored projection with the result.
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
    let (tables, reached) = projection::replay(ledger.events(1), args.to, |seq| {
        if seq % 1024 == 0 {
            bar.set_position(seq);
        }
    })?;
    bar.finish_and_clear();
    let digest = tables.digest();
    let mut counts = json!({
        "sources": tables.len(SOURCES),
        "claims": tables.len(CLAIMS),
    });
    let (mut live, mut retracted, mut superseded, mut source_retracted) = (0u64, 0u64, 0u64, 0u64);
    let mut subjects = std::collections::HashSet::new();
    // Whether each source is live, decoded once per source rather than once per claim.
    let mut live_sources: std::collections::HashMap<String, bool> = Default::default();
    let mut err = None;
    // One unordered pass over the claim states (kept under their subjects).
    tables.for_each_entry(SUBJECTS, &mut |k, v| {
        subjects.insert(k.split(|&b| b == 0).next().unwrap_or(k).to_vec());
        let standing = projection::claim_state(k, v).and_then(|c| {
            if let Some(own) = c.own_status() {
                return Ok(if own == "retracted" {
                    Liveness::Retracted
                } else {
                    Liveness::Superseded
                });
            }
            let live = match live_sources.get(&c.claim.source) {
                Some(&live) => live,
                None => {
                    let live = liveness(&tables, &c)? == Liveness::Live;
                    live_sources.insert(c.claim.source.clone(), live);
                    live
                }
            };
            Ok(if live {
                Liveness::Live
            } else {
                Liveness::SourceRetracted
            })
        });
        match standing {
            Ok(Liveness::Live) => live += 1,
            Ok(Liveness::Retracted) => retracted += 1,
            Ok(Liveness::Superseded) => superseded += 1,
            Ok(Liveness::SourceRetracted) => source_retracted += 1,
            Err(e) => {
                err = Some(e);
                return false;
            }
        }
        true
    })?;
    if let Some(e) = err {
        return Err(e.into());
    }
    let subjects = subjects.len() as u64;
    if let Some(o) = counts.as_object_mut() {
        o.insert("live_claims".into(), json!(live));
        o.insert("retracted_claims".into(), json!(retracted));
        o.insert("superseded_claims".into(), json!(superseded));
        o.insert(
            "claims_with_retracted_source".into(),
            json!(source_retracted),
        );
        o.insert("subjects".into(), json!(subjects));
    }
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
        tables.len(SOURCES),
        tables.len(CLAIMS),
        live,
        retracted,
        superseded,
        source_retracted,
        subjects
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
    // The process ends here: freeing a million-claim replay entry by entry takes longer than
    // the counting above, and the operating system reclaims it at once.
    std::mem::forget(tables);
    Ok(())
}
