//! `factledger prove`: inclusion and consistency proofs, as JSON files `verify-proof` checks.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::prove::{prove, ProveError, ProveRequest};
use factledger::integrity::checkpoint::TreeError;
use factledger::integrity::proof::ProofError;

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
    let request = match args.consistency.as_deref() {
        Some(&[old, new]) => ProveRequest::Consistency { old, new },
        _ => ProveRequest::Inclusion {
            target: args.target.clone().unwrap_or_default(),
            size: args.size,
        },
    };
    let ledger = ctx.open()?;
    let proof = prove(&ledger, &request)?;
    if ctx.json() {
        return print_json(&proof);
    }
    // Human output is still the proof (pretty-printed), so `prove X > proof.json` works either way.
    let pretty = serde_json::to_string_pretty(&proof).map_err(std::io::Error::other)?;
    out!("{pretty}")
}

impl From<ProveError> for CliError {
    /// A ledger that could not be read keeps its own exit code; everything else is a request
    /// for what the ledger does not hold (exit 2).
    fn from(e: ProveError) -> CliError {
        match e {
            ProveError::Ledger(e)
            | ProveError::Proof(ProofError::Ledger(e))
            | ProveError::Proof(ProofError::Tree(TreeError::Ledger(e))) => e.into(),
            e => CliError::usage(e.to_string()),
        }
    }
}
