//! `replay`: the log replayed from the first event — the seq reached, counts, and the digest of
//! the projection it implies — compared with the stored projection by the projection's own
//! check, and with `rebuild`, the stored projection replaced by the replayed one.

use crate::error::LedgerError;
use crate::model::event::hex;
use crate::Ledger;
use serde::Serialize;

/// How far to replay, and whether to rebuild.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplayOptions {
    /// Stop after this seq (default: the head).
    pub to: Option<u64>,
    /// Replace the stored projection with the replayed one (recovery from projection drift).
    pub rebuild: bool,
}

/// What the replayed log holds (fields alphabetical: the JSON contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayCounts {
    /// Claims asserted.
    pub claims: u64,
    /// Claims otherwise live whose source is missing or retracted.
    pub claims_with_retracted_source: u64,
    /// Live claims.
    pub live_claims: u64,
    /// Retracted claims.
    pub retracted_claims: u64,
    /// Sources registered.
    pub sources: u64,
    /// Distinct subjects with a claim.
    pub subjects: u64,
    /// Superseded (and not retracted) claims.
    pub superseded_claims: u64,
}

/// What a replay found (the JSON of `replay`; fields alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplayReport {
    /// The counts of the replayed projection.
    pub counts: ReplayCounts,
    /// Its digest, hex.
    pub digest: String,
    /// Events replayed (the same as `seq`: the log starts at seq 1).
    pub events: u64,
    /// With a replay to the head: whether the stored projection (its recorded digest and its
    /// entries) is exactly the replayed one. `None` for a replay stopped before the head.
    pub matches_stored: Option<bool>,
    /// Whether the stored projection was replaced by the replayed one.
    pub rebuilt: bool,
    /// The seq reached.
    pub seq: u64,
}

/// Why a replay was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// A stop past the head.
    #[error("--to {to}: the ledger only goes up to seq {head}")]
    PastHead {
        /// The seq asked for.
        to: u64,
        /// The ledger's head seq.
        head: u64,
    },
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Replays the log (streaming: the projection is never held in memory, so a million claims
/// do not take gigabytes); `progress` is told each seq replayed.
pub fn replay(
    ledger: &mut Ledger,
    options: ReplayOptions,
    progress: impl FnMut(u64),
) -> Result<ReplayReport, ReplayError> {
    let head = ledger.head();
    if let Some(to) = options.to.filter(|&to| to > head.seq) {
        return Err(ReplayError::PastHead { to, head: head.seq });
    }
    let summary = ledger.replay_summary(options.to, progress)?;
    let digest = summary.digest.to_bytes();
    // The projection's own check: its seq, its recorded digest and its entries against the log.
    let matches_stored = if summary.reached == head.seq {
        Some(ledger.compare_projection(digest)?.drift(head.seq).is_none())
    } else {
        None
    };
    if options.rebuild {
        ledger.rebuild_projection()?;
    }
    Ok(ReplayReport {
        counts: ReplayCounts {
            claims: summary.claims,
            claims_with_retracted_source: summary.claims_with_retracted_source,
            live_claims: summary.live_claims,
            retracted_claims: summary.retracted_claims,
            sources: summary.sources,
            subjects: summary.subjects,
            superseded_claims: summary.superseded_claims,
        },
        digest: hex(&digest),
        events: summary.reached,
        matches_stored,
        rebuilt: options.rebuild,
        seq: summary.reached,
    })
}
