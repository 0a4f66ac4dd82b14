//! Verdicts: a review of a claim (a rating on a scale, with an explanation), the declaration of a
//! rating scale, and the verdict as the read commands show it. Each write becomes the import line
//! `{"type":"review",…}` or `{"type":"scale",…}` and passes the same parser, field rules and plan
//! an import does, so a review given as arguments is refused for the same reasons, in the same
//! words.

use super::group::Prepared;
use super::import::{append_records, AppendReport, Durability, ImportError};
use crate::error::Result;
use crate::intake::import::parse_record;
use crate::ledger::Stamp;
use crate::model::event::Scale;
use crate::projection::verdicts::{self, ReviewState, DEFAULT_SCALE};
use crate::projection::Tables;
use crate::Ledger;
use chrono::{DateTime, SecondsFormat};
use serde::Serialize;
use serde_json::{json, Map, Value as Json};
use std::path::Path;

/// A review to record.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// The claim reviewed.
    pub claim: &'a str,
    /// The rating: a step of the scale, by name.
    pub rating: &'a str,
    /// A short explanation.
    pub explanation: &'a str,
    /// Where the fact-check is published.
    pub url: Option<&'a str>,
    /// The scale (default: `default`).
    pub scale: Option<&'a str>,
    /// When it was published, as written.
    pub reviewed: Option<&'a str>,
    /// Whose verdict it is, when it is another organisation's.
    pub organisation: Option<&'a str>,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// The import line `{"type":"review",…}` a review is.
fn review_line(input: &ReviewInput<'_>) -> Json {
    let mut obj = Map::new();
    obj.insert("type".into(), json!("review"));
    obj.insert("claim".into(), json!(input.claim));
    obj.insert("rating".into(), json!(input.rating));
    obj.insert("explanation".into(), json!(input.explanation));
    obj.insert("scale".into(), json!(input.scale.unwrap_or(DEFAULT_SCALE)));
    for (k, v) in [
        ("url", input.url),
        ("reviewed", input.reviewed),
        ("organisation", input.organisation),
    ] {
        if let Some(v) = v {
            obj.insert(k.into(), json!(v));
        }
    }
    Json::Object(obj)
}

/// Records a review, checked as an import line `{"type":"review",…}` is.
pub fn review(
    ledger: &mut Ledger,
    input: ReviewInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    append_object(
        ledger,
        input.label,
        review_line(&input),
        stamp,
        input.durability,
    )
}

/// [`review`]'s checks without the append: a request for the desk server's group commit
/// ([`super::group`]), planned there as an import line is (the claim, the scale, the rating).
pub fn prepare(input: &ReviewInput<'_>) -> Result<Prepared, ImportError> {
    let record =
        parse_record(&review_line(input), Path::new(".")).map_err(|e| ImportError::Invalid {
            label: input.label.to_string(),
            message: e.to_string(),
        })?;
    Ok(Prepared {
        label: input.label.to_string(),
        records: vec![(0, record)],
    })
}

/// Declares a rating scale: its steps, best first, each a name and a whole number. A scale
/// declared again may add steps but keeps every step it had.
pub fn declare_scale(
    ledger: &mut Ledger,
    label: &str,
    name: &str,
    steps: &[(String, i64)],
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let steps: Vec<Json> = steps
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    let obj = json!({"type": "scale", "name": name, "steps": steps});
    append_object(ledger, label, obj, stamp, durability)
}

/// Parses one record given as a JSON object and appends it through the import plan.
pub(crate) fn append_object(
    ledger: &mut Ledger,
    label: &str,
    obj: Json,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let record = parse_record(&obj, Path::new(".")).map_err(|e| ImportError::Invalid {
        label: label.to_string(),
        message: e.to_string(),
    })?;
    append_records(ledger, label, vec![(0, record)], stamp, durability)
}

/// A verdict as the read commands show it (`reviews`, `show`, `facts`, `audit`; fields in
/// alphabetical order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Who recorded it (the event's author).
    pub author: String,
    /// The scale's highest number.
    pub best: i64,
    /// The claim reviewed.
    pub claim: String,
    /// The explanation.
    pub explanation: String,
    /// Whose verdict it is; `null` for this desk's.
    pub organisation: Option<String>,
    /// The rating, as the scale spells it.
    pub rating: String,
    /// When the event was recorded (RFC 3339).
    pub recorded_at: String,
    /// When the review was published, as the reviewer gave it (ISO form).
    pub reviewed: Option<String>,
    /// The scale.
    pub scale: String,
    /// Seq of the review event.
    pub seq: u64,
    /// Where the fact-check is published.
    pub url: Option<String>,
    /// The rating's number on its scale.
    pub value: Option<i64>,
    /// The scale's lowest number.
    pub worst: i64,
}

impl Verdict {
    /// The verdict a stored review shows, with its number read from its scale.
    pub fn of(t: &dyn Tables, r: &ReviewState) -> Result<Verdict> {
        let scale = verdicts::scale(t, &r.review.scale)?.map(|s| s.scale);
        Ok(Verdict::with_scale(r, scale.as_ref()))
    }

    /// As [`Verdict::of`], with the scale already read.
    pub fn with_scale(r: &ReviewState, scale: Option<&Scale>) -> Verdict {
        let (best, worst) = scale.map_or((0, 0), Scale::bounds);
        Verdict {
            author: r.author.clone(),
            best,
            claim: r.review.claim.clone(),
            explanation: r.review.explanation.clone(),
            organisation: r.review.organisation.clone(),
            rating: r.review.rating.clone(),
            recorded_at: DateTime::from_timestamp_micros(r.recorded_at)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
                .unwrap_or_default(),
            reviewed: r.review.reviewed.as_ref().map(|d| d.iso()),
            scale: r.review.scale.clone(),
            seq: r.seq,
            url: r.review.url.clone(),
            value: scale
                .and_then(|s| s.step(&r.review.rating))
                .map(|s| s.value),
            worst,
        }
    }
}

/// This desk's current verdict on a claim, in the projection `t` (now or as of a point).
pub fn desk_verdict(t: &dyn Tables, claim: &str) -> Result<Option<Verdict>> {
    let reviews = verdicts::reviews_of(t, claim)?;
    verdicts::desk_verdict(&reviews)
        .map(|r| Verdict::of(t, r))
        .transpose()
}

/// This desk's current verdict on every reviewed claim, by claim id.
pub fn desk_verdicts(t: &dyn Tables) -> Result<std::collections::BTreeMap<String, Verdict>> {
    let mut latest: std::collections::BTreeMap<String, ReviewState> = Default::default();
    for r in verdicts::all_reviews(t)? {
        if r.review.organisation.is_none() {
            latest.insert(r.review.claim.clone(), r);
        }
    }
    latest
        .into_iter()
        .map(|(c, r)| Ok((c, Verdict::of(t, &r)?)))
        .collect()
}
