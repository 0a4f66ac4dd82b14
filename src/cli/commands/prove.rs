//! `factledger prove`: inclusion and consistency proofs, as JSON files `verify-proof` checks.

use crate::cli::{out_json, CliError, Context};
use factledger::proof::{prove_consistency, prove_inclusion};

/// Prove that an event (a claim, a source, or a seq) is in the tree of size N, or with
/// --consistency OLD NEW that the tree of size NEW extends the tree of size OLD.
#[derive(Debug, clap::Args)]
pub struct ProveArgs {
    /// A claim or source id, or a seq.
    #[arg(
        value_name = "CLAIM|SOURCE|SEQ",
        required_unless_present = "consistency"
    )]
    pub target: Option<String>,
    /// Tree size to prove against (default: the whole ledger now).
    #[arg(long, value_name = "N")]
    pub size: Option<u64>,
    /// A consistency proof between two tree sizes.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["target", "size"])]
    pub consistency: Option<Vec<u64>>,
}

pub fn run(ctx: &Context, args: &ProveArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let head = ledger.head().seq;
    let proof = if let Some(c) = &args.consistency {
        let (old, new) = (c[0], c[1]);
        if new > head {
            return Err(CliError::usage(format!(
                "--consistency {old} {new}: the ledger has only {head} events"
            )));
        }
        prove_consistency(&ledger, old, new)?
    } else {
        let target = args.target.as_deref().unwrap_or_default();
        let seq = match ledger.find(target)? {
            Some(e) => e.seq,
            None => target
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=head).contains(s))
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "'{target}' is neither a claim or source id nor a seq between 1 and {head}"
                    ))
                })?,
        };
        let size = args.size.unwrap_or(head);
        if size > head || size < seq {
            return Err(CliError::usage(format!(
                "--size {size}: must be at least seq {seq} and at most the ledger's {head} events"
            )));
        }
        prove_inclusion(&ledger, seq, size)?
    };
    if ctx.json() {
        return out_json(&proof);
    }
    // Human output is still the proof (pretty-printed), so `prove X > proof.json` works either way.
    out!(
        "{}",
        serde_json::to_string_pretty(&proof).unwrap_or_default()
    )
}
