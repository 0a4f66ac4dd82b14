//! The desk's verdicts and settings as the projection keeps them: every review of a claim in
//! order ([`REVIEWS`]), the latest declaration of each rating scale ([`SCALES`]) and the latest
//! value of each setting ([`SETTINGS`]). Each entry depends on its own event alone, so the fold
//! writes it without reading anything first.

use super::tables::{Table, Tables, REVIEWS, SCALES, SETTINGS};
use super::{decode, encode, key, prefix};
use crate::error::Result;
use crate::model::event::{Event, EventBody, Review, Scale, ScaleStep};
use bincode::{Decode, Encode};

/// Name of the scale every ledger has without declaring it.
pub const DEFAULT_SCALE: &str = "default";

/// The default scale: five steps from `true` (5) to `false` (1), plus `misleading` (2: the words
/// may be accurate, the impression they leave is false, so it counts as mostly false) and
/// `unproven` (3: the evidence neither supports nor refutes the claim, so it sits at the
/// midpoint). `docs/cli.md` lists it; the numbers are what ClaimReview's `ratingValue` carries,
/// with `bestRating` 5 and `worstRating` 1.
pub fn default_scale() -> Scale {
    let step = |name: &str, value| ScaleStep {
        name: name.into(),
        value,
    };
    Scale {
        name: DEFAULT_SCALE.into(),
        steps: vec![
            step("true", 5),
            step("mostly true", 4),
            step("half true", 3),
            step("mostly false", 2),
            step("false", 1),
            step("misleading", 2),
            step("unproven", 3),
        ],
    }
}

/// A review and the event that recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ReviewState {
    /// Seq of the `ClaimReviewed` event.
    pub seq: u64,
    /// When it was recorded (microseconds since the epoch, as the event holds it).
    pub recorded_at: i64,
    /// Who recorded it: the event's author.
    pub author: String,
    /// The review.
    pub review: Review,
}

/// A scale and the event that declared it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ScaleState {
    /// Seq of the latest `ScaleDeclared` event for the name (0 for the built-in default).
    pub seq: u64,
    /// The scale.
    pub scale: Scale,
}

/// A setting's latest value and the event that recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct SettingState {
    /// Seq of the `SettingRecorded` event.
    pub seq: u64,
    /// Its value.
    pub value: String,
    /// Who set it.
    pub author: String,
}

/// The entry an event makes in the verdict tables, if it makes one.
pub(super) fn entry(event: &Event) -> Option<(Table, Vec<u8>, Vec<u8>)> {
    match &event.body {
        EventBody::ClaimReviewed(r) => Some((
            REVIEWS,
            key(&[&r.claim, &format!("{:020}", event.seq)]),
            encode(&ReviewState {
                seq: event.seq,
                recorded_at: event.recorded_at,
                author: event.author.clone(),
                review: r.clone(),
            }),
        )),
        EventBody::ScaleDeclared(s) => Some((
            SCALES,
            s.name.as_bytes().to_vec(),
            encode(&ScaleState {
                seq: event.seq,
                scale: s.clone(),
            }),
        )),
        EventBody::SettingRecorded(s) => Some((
            SETTINGS,
            s.key.as_bytes().to_vec(),
            encode(&SettingState {
                seq: event.seq,
                value: s.value.clone(),
                author: event.author.clone(),
            }),
        )),
        _ => None,
    }
}

fn collect<T: Decode<()>>(t: &dyn Tables, table: Table, prefix: &[u8]) -> Result<Vec<T>> {
    let mut raw = Vec::new();
    t.scan(table, prefix, &mut |k, v| {
        raw.push((k.to_vec(), v.to_vec()));
        true
    })?;
    raw.into_iter()
        .map(|(k, v)| decode(table, &k, &v))
        .collect()
}

/// Every review of a claim, oldest first.
pub fn reviews_of(t: &dyn Tables, claim: &str) -> Result<Vec<ReviewState>> {
    collect(t, REVIEWS, &prefix(&[claim]))
}

/// Every review in the ledger, by claim id, then oldest first.
pub fn all_reviews(t: &dyn Tables) -> Result<Vec<ReviewState>> {
    collect(t, REVIEWS, b"")
}

/// The current verdicts on a claim: the latest review of each organisation (this desk's is the
/// one without an organisation), this desk's first, then by organisation.
pub fn current_verdicts(reviews: &[ReviewState]) -> Vec<&ReviewState> {
    let mut latest: std::collections::BTreeMap<Option<&str>, &ReviewState> = Default::default();
    for r in reviews {
        latest.insert(r.review.organisation.as_deref(), r);
    }
    latest.into_values().collect()
}

/// This desk's current verdict on a claim: its latest review without an organisation.
pub fn desk_verdict(reviews: &[ReviewState]) -> Option<&ReviewState> {
    reviews
        .iter()
        .rev()
        .find(|r| r.review.organisation.is_none())
}

/// A scale by name: the latest declaration, or the built-in default.
pub fn scale(t: &dyn Tables, name: &str) -> Result<Option<ScaleState>> {
    match t.get(SCALES, name.as_bytes())? {
        Some(b) => decode(SCALES, name.as_bytes(), &b).map(Some),
        None if name == DEFAULT_SCALE => Ok(Some(ScaleState {
            seq: 0,
            scale: default_scale(),
        })),
        None => Ok(None),
    }
}

/// Every declared scale, by name (the built-in default first unless redeclared).
pub fn scales(t: &dyn Tables) -> Result<Vec<ScaleState>> {
    let mut out: Vec<ScaleState> = collect(t, SCALES, b"")?;
    out.sort_by(|a, b| a.scale.name.cmp(&b.scale.name));
    if !out.iter().any(|s| s.scale.name == DEFAULT_SCALE) {
        out.insert(
            0,
            ScaleState {
                seq: 0,
                scale: default_scale(),
            },
        );
    }
    Ok(out)
}

/// A setting's latest value.
pub fn setting(t: &dyn Tables, key: &str) -> Result<Option<SettingState>> {
    t.get(SETTINGS, key.as_bytes())?
        .map(|b| decode(SETTINGS, key.as_bytes(), &b))
        .transpose()
}

/// Every setting, by key.
pub fn settings(t: &dyn Tables) -> Result<Vec<(String, SettingState)>> {
    let mut raw = Vec::new();
    t.scan(SETTINGS, b"", &mut |k, v| {
        raw.push((k.to_vec(), v.to_vec()));
        true
    })?;
    raw.into_iter()
        .map(|(k, v)| {
            Ok((
                String::from_utf8_lossy(&k).into_owned(),
                decode(SETTINGS, &k, &v)?,
            ))
        })
        .collect()
}

impl Scale {
    /// The step named `rating` (case-insensitive, as scale steps are unique).
    pub fn step(&self, rating: &str) -> Option<&ScaleStep> {
        self.steps
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(rating.trim()))
    }

    /// The best (highest) and worst (lowest) numbers on the scale.
    pub fn bounds(&self) -> (i64, i64) {
        let best = self.steps.iter().map(|s| s.value).max().unwrap_or(0);
        let worst = self.steps.iter().map(|s| s.value).min().unwrap_or(0);
        (best, worst)
    }
}
