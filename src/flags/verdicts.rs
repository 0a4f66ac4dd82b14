//! `verdicts-disagree`: two organisations' current verdicts on one live claim fall on opposite
//! sides of their scales. Each verdict is placed on its own scale — `(value − worst) / (best −
//! worst)` — so a desk rating on 1..5 and another on 0..6 can be compared; above the midpoint
//! leans true, below leans false, the midpoint (and a scale of one number) leans neither.

use super::{Flag, FlagCode, LiveClaim};
use crate::error::Result;
use crate::model::event::Scale;
use crate::projection::verdicts::{self, ReviewState};
use crate::projection::{self, Liveness, Tables};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Where a rating leans on its scale: `Greater` true, `Less` false, `Equal` neither.
fn lean(scale: &Scale, rating: &str) -> Option<Ordering> {
    let (best, worst) = scale.bounds();
    let value = scale.step(rating)?.value;
    if best == worst {
        return None;
    }
    // Compare 2·(value − worst) with (best − worst): the midpoint without division.
    Some((2 * (value - worst)).cmp(&(best - worst)))
}

/// Every `verdicts-disagree` flag in the view, for live claims, in claim order.
pub(crate) fn verdicts_disagree(t: &dyn Tables) -> Result<Vec<Flag>> {
    let mut by_claim: BTreeMap<String, Vec<ReviewState>> = BTreeMap::new();
    for r in verdicts::all_reviews(t)? {
        by_claim.entry(r.review.claim.clone()).or_default().push(r);
    }
    let mut scales: BTreeMap<String, Option<Scale>> = BTreeMap::new();
    let mut flags = Vec::new();
    for (claim_id, reviews) in by_claim {
        let current = verdicts::current_verdicts(&reviews);
        if current.len() < 2 {
            continue;
        }
        let mut leaning = Vec::new();
        for r in current {
            if !scales.contains_key(&r.review.scale) {
                let s = verdicts::scale(t, &r.review.scale)?.map(|s| s.scale);
                scales.insert(r.review.scale.clone(), s);
            }
            let scale = scales[&r.review.scale].as_ref();
            if let Some(l) = scale.and_then(|s| lean(s, &r.review.rating)) {
                leaning.push((l, r, scale.map(Scale::bounds).unwrap_or_default()));
            }
        }
        let yes = leaning.iter().find(|(l, _, _)| *l == Ordering::Greater);
        let no = leaning.iter().find(|(l, _, _)| *l == Ordering::Less);
        let (Some(yes), Some(no)) = (yes, no) else {
            continue;
        };
        let Some(state) = projection::claim(t, &claim_id)? else {
            continue;
        };
        if projection::liveness(t, &state)? != Liveness::Live {
            continue;
        }
        let say = |(_, r, (best, worst)): &(Ordering, &ReviewState, (i64, i64))| {
            let who = r.review.organisation.as_deref().unwrap_or("this desk");
            let value = verdicts::scale(t, &r.review.scale)
                .ok()
                .flatten()
                .and_then(|s| s.scale.step(&r.review.rating).map(|st| st.value))
                .unwrap_or_default();
            format!(
                "{who} rates it '{}' ({value} on {worst}..{best}, seq {})",
                r.review.rating, r.seq
            )
        };
        let c = state.claim;
        let live = LiveClaim {
            id: c.id.clone(),
            source: c.source.clone(),
            subject: c.subject.clone(),
            predicate: c.predicate.clone(),
            value: c.value.clone(),
            excerpt: c.excerpt.clone(),
        };
        flags.push(Flag::new(
            FlagCode::VerdictsDisagree,
            &c.subject,
            &c.predicate,
            [&live],
            format!(
                "verdicts on claim '{}' disagree: {}, but {}",
                c.id,
                say(no),
                say(yes)
            ),
        ));
    }
    Ok(flags)
}
