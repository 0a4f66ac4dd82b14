//! `reviews`: the current verdicts on each reviewed claim (one per organisation, this desk's
//! first), with every earlier review on request; and the scales reviews are rated on.

use super::review::Verdict;
use super::{AsOf, DeskError};
use crate::model::event::ScaleStep;
use crate::projection::verdicts::{self, ReviewState};
use crate::Ledger;
use serde::Serialize;

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ReviewsOptions {
    /// Only this claim.
    pub claim: Option<String>,
    /// Also list the reviews a later one superseded.
    pub history: bool,
    /// The verdicts as they were at this point.
    pub as_of: Option<AsOf>,
}

/// The verdicts on one claim.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimVerdicts {
    /// The claim.
    pub claim: String,
    /// The latest review of each organisation (this desk's first).
    pub current: Vec<Verdict>,
    /// Every review, oldest first; only with `history`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Verdict>>,
}

/// The verdicts on every reviewed claim (or one), in claim order.
pub fn reviews(ledger: &Ledger, options: &ReviewsOptions) -> Result<Vec<ClaimVerdicts>, DeskError> {
    let seq = AsOf::resolve_opt(options.as_of.as_ref(), ledger)?;
    let view = ledger.view_at(seq)?;
    let all = match &options.claim {
        Some(c) => verdicts::reviews_of(&view, c)?,
        None => verdicts::all_reviews(&view)?,
    };
    let mut out: Vec<ClaimVerdicts> = Vec::new();
    let mut group: Vec<ReviewState> = Vec::new();
    let mut flush = |group: &mut Vec<ReviewState>| -> Result<(), DeskError> {
        if group.is_empty() {
            return Ok(());
        }
        let current = verdicts::current_verdicts(group)
            .into_iter()
            .map(|r| Verdict::of(&view, r))
            .collect::<crate::error::Result<Vec<_>>>()?;
        let history = if options.history {
            Some(
                group
                    .iter()
                    .map(|r| Verdict::of(&view, r))
                    .collect::<crate::error::Result<Vec<_>>>()?,
            )
        } else {
            None
        };
        out.push(ClaimVerdicts {
            claim: group[0].review.claim.clone(),
            current,
            history,
        });
        group.clear();
        Ok(())
    };
    for r in all {
        if group
            .last()
            .is_some_and(|g| g.review.claim != r.review.claim)
        {
            flush(&mut group)?;
        }
        group.push(r);
    }
    flush(&mut group)?;
    Ok(out)
}

/// A rating scale as `scale list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleRow {
    /// Its name.
    pub name: String,
    /// Seq of its latest declaration (0: built in).
    pub seq: u64,
    /// Its steps, best first as declared.
    pub steps: Vec<StepRow>,
}

/// One step of a scale.
#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    /// Its name.
    pub name: String,
    /// Its number.
    pub value: i64,
}

impl From<&ScaleStep> for StepRow {
    fn from(s: &ScaleStep) -> StepRow {
        StepRow {
            name: s.name.clone(),
            value: s.value,
        }
    }
}

/// Every scale reviews can use: the built-in default and the declared ones.
pub fn scales(ledger: &Ledger) -> Result<Vec<ScaleRow>, DeskError> {
    Ok(verdicts::scales(&ledger.tables())?
        .into_iter()
        .map(|s| ScaleRow {
            name: s.scale.name.clone(),
            seq: s.seq,
            steps: s.scale.steps.iter().map(StepRow::from).collect(),
        })
        .collect())
}
