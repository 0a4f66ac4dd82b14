//! schema.org ClaimReview JSON-LD (`docs/interop.md`): the desk's current verdicts written as
//! Google's fact-check structured data asks, and ClaimReviews written by others read into
//! sources, claims, scales and reviews attributed to the reviewing organisation.

use crate::error::LedgerError;
use crate::intake::import::{parse_record, Problem, Record};
use crate::model::date::StatedDate;
use crate::model::event::{Scale, ScaleStep};
use crate::model::value::Value;
use crate::projection::verdicts::{self, ReviewState, DEFAULT_SCALE};
use crate::projection::{self, Tables};
use chrono::DateTime;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;

/// The JSON-LD context Google reads (and the only one it reads).
pub const CONTEXT: &str = "https://schema.org";

/// `propertyID`s of the identifiers that carry the ledger's own fields through ClaimReview, so
/// our export reads back into the same claims and sources.
pub const ID_CLAIM: &str = "factledger:claim";
/// The claim's subject.
pub const ID_SUBJECT: &str = "factledger:subject";
/// The claim's predicate.
pub const ID_PREDICATE: &str = "factledger:predicate";
/// The claim's value as an import line writes it, when that is a string.
pub const ID_VALUE: &str = "factledger:value";
/// The claim's value as an import line writes it, as JSON text, when it is not a string.
pub const ID_VALUE_JSON: &str = "factledger:value-json";
/// A source's id.
pub const ID_SOURCE: &str = "factledger:source";

/// Why no ClaimReview could be written.
#[derive(Debug, thiserror::Error)]
pub enum ClaimReviewError {
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A setting a required or recommended field is taken from is not set.
    #[error("setting '{key}' is not set; ClaimReview's {field} is taken from it (set it with `factledger config set {key} …`)")]
    MissingSetting {
        /// The setting.
        key: &'static str,
        /// The ClaimReview field it fills.
        field: &'static str,
    },
    /// A review lacks what a required field is taken from.
    #[error("the review of claim '{claim}' (seq {seq}) has no {field}; ClaimReview's {target} requires it ({hint})")]
    MissingField {
        /// The claim.
        claim: String,
        /// The review's seq.
        seq: u64,
        /// The review's field.
        field: &'static str,
        /// The ClaimReview field.
        target: &'static str,
        /// How to supply it.
        hint: &'static str,
    },
    /// `--claim` names no claim.
    #[error("no claim with id '{id}' in the ledger")]
    NoSuchClaim {
        /// The id.
        id: String,
    },
    /// `--claim` names a claim the desk has not reviewed.
    #[error("claim '{id}' has no review by this desk; record one with `factledger review {id} …`")]
    NotReviewed {
        /// The id.
        id: String,
    },
}

/// One ClaimReview written: the claim it is about, and its JSON-LD object.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The claim reviewed.
    pub claim: String,
    /// The ClaimReview (with its `@context`).
    pub json: Json,
}

fn property(id: &str, value: impl Into<Json>) -> Json {
    json!({"@type": "PropertyValue", "propertyID": id, "value": value.into()})
}

/// A claim value as an import line writes it: dates as written, so it reads back identical.
fn import_value(v: &Value) -> Json {
    match v {
        Value::Date(d) => json!(d.as_written),
        Value::Anniversary { of, nth } => json!({"of": of.as_written, "nth": nth}),
        other => other.to_json(),
    }
}

/// The claim as reported: its excerpt (the source's words) when recorded, else the claim in the
/// ledger's terms.
fn claim_text(c: &crate::model::event::Claim) -> String {
    match &c.excerpt {
        Some(words) => words.clone(),
        None => format!("{} {}: {}", c.subject, c.predicate, c.value.display()),
    }
}

fn organisation(name: &str, url: Option<&str>) -> Json {
    let mut o = Map::new();
    o.insert("@type".into(), json!("Organization"));
    o.insert("name".into(), json!(name));
    if let Some(u) = url {
        o.insert("url".into(), json!(u));
    }
    Json::Object(o)
}

/// A source as a `CreativeWork` the claim appeared in: only the fields the source has.
fn appearance(s: &crate::model::event::Source) -> Json {
    let mut o = Map::new();
    o.insert("@type".into(), json!("CreativeWork"));
    o.insert("identifier".into(), property(ID_SOURCE, s.id.as_str()));
    if let Some(u) = &s.url {
        o.insert("url".into(), json!(u));
    }
    if let Some(t) = &s.title {
        o.insert("headline".into(), json!(t));
    }
    if let Some(p) = &s.publisher {
        o.insert("publisher".into(), organisation(p, None));
    }
    if let Some(d) = &s.published {
        o.insert("datePublished".into(), json!(d.iso()));
    }
    Json::Object(o)
}

/// The desk's current verdict on every reviewed claim (or on `only`), as ClaimReview JSON-LD, in
/// claim order. Everything Google marks required is filled, or the export fails naming the
/// setting or field it would be taken from.
pub fn export(t: &dyn Tables, only: Option<&str>) -> Result<Vec<Exported>, ClaimReviewError> {
    let setting = |key: &'static str, field: &'static str| -> Result<String, ClaimReviewError> {
        verdicts::setting(t, key)?
            .map(|s| s.value)
            .ok_or(ClaimReviewError::MissingSetting { key, field })
    };
    let desk_name = setting("desk.name", "author.name")?;
    let desk_url = setting("desk.url", "author.url")?;
    let reviews: Vec<ReviewState> = match only {
        Some(id) => {
            if projection::claim(t, id)?.is_none() {
                return Err(ClaimReviewError::NoSuchClaim { id: id.to_string() });
            }
            let all = verdicts::reviews_of(t, id)?;
            match verdicts::desk_verdict(&all) {
                Some(r) => vec![r.clone()],
                None => return Err(ClaimReviewError::NotReviewed { id: id.to_string() }),
            }
        }
        None => {
            let mut latest: BTreeMap<String, ReviewState> = BTreeMap::new();
            for r in verdicts::all_reviews(t)? {
                if r.review.organisation.is_none() {
                    latest.insert(r.review.claim.clone(), r);
                }
            }
            latest.into_values().collect()
        }
    };
    let mut out = Vec::new();
    for r in reviews {
        out.push(Exported {
            claim: r.review.claim.clone(),
            json: one(t, &r, &desk_name, &desk_url)?,
        });
    }
    Ok(out)
}

fn one(
    t: &dyn Tables,
    r: &ReviewState,
    desk_name: &str,
    desk_url: &str,
) -> Result<Json, ClaimReviewError> {
    let review = &r.review;
    let missing = |field, target, hint| ClaimReviewError::MissingField {
        claim: review.claim.clone(),
        seq: r.seq,
        field,
        target,
        hint,
    };
    let url = review.url.clone().ok_or_else(|| {
        missing(
            "url",
            "url",
            "record the review again with --url, the address of the published fact-check",
        )
    })?;
    let state = projection::claim(t, &review.claim)?.ok_or_else(|| LedgerError::Inconsistent {
        seq: r.seq,
        problem: format!(
            "review of claim '{}', which the projection lacks",
            review.claim
        ),
    })?;
    let claim = &state.claim;
    let scale = verdicts::scale(t, &review.scale)?
        .map(|s| s.scale)
        .ok_or_else(|| LedgerError::Inconsistent {
            seq: r.seq,
            problem: format!("review on scale '{}', which is not declared", review.scale),
        })?;
    let (best, worst) = scale.bounds();
    let value = scale.step(&review.rating).map(|s| s.value);

    // The claim: its identity in the ledger, who made it, where it appeared.
    let mut item = Map::new();
    item.insert("@type".into(), json!("Claim"));
    let value_id = match import_value(&claim.value) {
        Json::String(s) => property(ID_VALUE, s),
        other => property(ID_VALUE_JSON, other.to_string()),
    };
    item.insert(
        "identifier".into(),
        json!([
            property(ID_CLAIM, claim.id.as_str()),
            property(ID_SUBJECT, claim.subject.as_str()),
            property(ID_PREDICATE, claim.predicate.as_str()),
            value_id
        ]),
    );
    item.insert("name".into(), json!(claim_text(claim)));
    let source = projection::source(t, &claim.source)?.map(|s| s.source);
    // Who made the claim: its claimant, else the publisher of the source that states it.
    let author = claim
        .claimant
        .clone()
        .or_else(|| source.as_ref().and_then(|s| s.publisher.clone()));
    if let Some(a) = author {
        item.insert("author".into(), organisation(&a, None));
    }
    // Where it appeared: the claim's source, and the sources of the live claims stating the same
    // value about the same subject; the first appearance is the earliest dated one.
    let mut appeared: Vec<crate::model::event::Source> = source.into_iter().collect();
    for other in projection::subject_claims(t, &claim.subject)? {
        let c = &other.claim;
        if c.id == claim.id
            || c.predicate != claim.predicate
            || c.value.disagrees_with(&claim.value)
            || projection::liveness(t, &other)? != projection::Liveness::Live
            || appeared.iter().any(|s| s.id == c.source)
        {
            continue;
        }
        appeared.extend(projection::source(t, &c.source)?.map(|s| s.source));
    }
    if let Some(first) = appeared
        .iter()
        .min_by_key(|s| s.published.as_ref().map(|d| (d.year, d.month, d.day)))
    {
        if let Some(d) = &first.published {
            item.insert("datePublished".into(), json!(d.iso()));
        }
        item.insert("firstAppearance".into(), appearance(first));
    }
    if !appeared.is_empty() {
        item.insert(
            "appearance".into(),
            Json::Array(appeared.iter().map(appearance).collect()),
        );
    }

    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    if let Some(v) = value {
        rating.insert("ratingValue".into(), json!(v));
    }
    rating.insert("bestRating".into(), json!(best));
    rating.insert("worstRating".into(), json!(worst));
    rating.insert("alternateName".into(), json!(review.rating));
    rating.insert("name".into(), json!(review.rating));
    rating.insert("ratingExplanation".into(), json!(review.explanation));

    let published = match &review.reviewed {
        Some(d) => d.iso(),
        None => DateTime::from_timestamp_micros(r.recorded_at)
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
    };
    let mut cr = Map::new();
    cr.insert("@context".into(), json!(CONTEXT));
    cr.insert("@type".into(), json!("ClaimReview"));
    cr.insert("url".into(), json!(url));
    cr.insert("claimReviewed".into(), json!(claim_text(claim)));
    cr.insert("reviewRating".into(), Json::Object(rating));
    cr.insert("itemReviewed".into(), Json::Object(item));
    cr.insert("author".into(), organisation(desk_name, Some(desk_url)));
    cr.insert("datePublished".into(), json!(published));
    cr.insert("reviewBody".into(), json!(review.explanation));
    Ok(Json::Object(cr))
}

// ---------------------------------------------------------------------------------------------
// Reading ClaimReviews written by others

/// The last segment of a JSON-LD type (`schema:ClaimReview`, `https://schema.org/ClaimReview`).
fn type_name(t: &str) -> &str {
    t.rsplit(['/', ':', '#']).next().unwrap_or(t)
}

fn has_type(v: &Json, name: &str) -> bool {
    match v.get("@type") {
        Some(Json::String(t)) => type_name(t) == name,
        Some(Json::Array(a)) => a
            .iter()
            .any(|t| t.as_str().is_some_and(|t| type_name(t) == name)),
        _ => false,
    }
}

/// Every ClaimReview in a document: a single object, an array, an `@graph`, or a `DataFeed`
/// (whose `dataFeedElement`s may wrap them as `DataFeedItem.item`), with its JSON path.
pub fn items(doc: &Json) -> Vec<(String, &Json)> {
    let mut out = Vec::new();
    collect_items(doc, "$".to_string(), &mut out);
    out
}

fn collect_items<'a>(v: &'a Json, path: String, out: &mut Vec<(String, &'a Json)>) {
    match v {
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_items(x, format!("{path}[{i}]"), out);
            }
        }
        Json::Object(o) => {
            if has_type(v, "ClaimReview") {
                out.push((path, v));
                return;
            }
            for key in ["@graph", "dataFeedElement", "item"] {
                if let Some(x) = o.get(key) {
                    collect_items(x, format!("{path}.{key}"), out);
                }
            }
        }
        _ => {}
    }
}

/// A text value: a string, `{"@value": …}`, or the first of an array.
fn text(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Json::Object(o) => text(o.get("@value")),
        Json::Array(a) => a.iter().find_map(|x| text(Some(x))),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first object of a value that may be an object or an array of them.
fn first_object(v: Option<&Json>) -> Option<&Json> {
    match v? {
        o @ Json::Object(_) => Some(o),
        Json::Array(a) => a.iter().find(|x| x.is_object()),
        _ => None,
    }
}

/// A name: of a person or organisation object, or the text itself.
fn name_of(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Json::Array(a) => a.iter().find_map(|x| name_of(Some(x))),
        o @ Json::Object(_) => text(o.get("name")),
        _ => None,
    }
}

/// The `value` of the identifier with this `propertyID`.
fn identifier(node: &Json, id: &str) -> Option<String> {
    let ids = node.get("identifier")?;
    let list: Vec<&Json> = match ids {
        Json::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    list.into_iter().find_map(|x| match x {
        Json::Object(o) if o.get("propertyID").and_then(Json::as_str) == Some(id) => {
            text(o.get("value"))
        }
        _ => None,
    })
}

/// A date as ClaimReview writes it (`2025-02-26`, `2025-02-26T10:00:00Z`), read as a reporter's
/// date.
fn date(s: &str) -> Result<StatedDate, String> {
    let day = match s.get(..10) {
        Some(d) if s.len() > 10 && s.as_bytes()[10] == b'T' => d,
        _ => s,
    };
    StatedDate::parse(day).map_err(|e| e.to_string())
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex()[..16].to_string()
}

fn number(v: Option<&Json>) -> Result<Option<i64>, String> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| format!("{n} is not a whole number")),
        Some(Json::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("'{s}' is not a whole number")),
        Some(_) => Err("must be a number".into()),
    }
}

/// The records a ClaimReview document becomes, numbered by ClaimReview (1 = the first found):
/// its sources, claims, the scales of the organisations' ratings (declared or extended), and the
/// reviews. `t` is the ledger's projection, for the scales it already holds. Every problem is
/// collected; none means every record parsed and passed the field rules.
pub fn read(doc: &Json, t: &dyn Tables) -> Result<Vec<(usize, Record)>, Vec<Problem>> {
    let found = items(doc);
    let mut problems = Vec::new();
    if found.is_empty() {
        problems.push(Problem {
            line: 0,
            message: "no ClaimReview found (expected a ClaimReview object, an array or @graph of them, or a DataFeed)".into(),
        });
        return Err(problems);
    }
    let mut sources = Vec::new();
    let mut claims = Vec::new();
    let mut reviews = Vec::new();
    // Organisation scale name → (steps as the ledger holds them, steps now, first item).
    let mut scales: BTreeMap<String, (Vec<ScaleStep>, Vec<ScaleStep>, usize)> = BTreeMap::new();
    for (i, (path, cr)) in found.into_iter().enumerate() {
        let n = i + 1;
        match read_one(cr, t, &mut scales, n) {
            Ok((s, c, r)) => {
                sources.push((n, s));
                claims.push((n, c));
                reviews.push((n, r));
            }
            Err(m) => problems.push(Problem {
                line: n,
                message: format!("ClaimReview at {path}: {m}"),
            }),
        }
    }
    let mut out = Vec::new();
    let parse =
        |n: usize, obj: Json, out: &mut Vec<(usize, Record)>, problems: &mut Vec<Problem>| {
            match parse_record(&obj, Path::new(".")) {
                Ok(r) => out.push((n, r)),
                Err(e) => problems.push(Problem {
                    line: n,
                    message: e.to_string(),
                }),
            }
        };
    for (n, obj) in sources.into_iter().chain(claims) {
        parse(n, obj, &mut out, &mut problems);
    }
    for (name, (before, now, n)) in scales {
        if before != now {
            let steps: Vec<Json> = now
                .iter()
                .map(|s| json!({"name": s.name, "value": s.value}))
                .collect();
            parse(
                n,
                json!({"type": "scale", "name": name, "steps": steps}),
                &mut out,
                &mut problems,
            );
        }
    }
    for (n, obj) in reviews {
        parse(n, obj, &mut out, &mut problems);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

type Lines = (Json, Json, Json);

fn read_one(
    cr: &Json,
    t: &dyn Tables,
    scales: &mut BTreeMap<String, (Vec<ScaleStep>, Vec<ScaleStep>, usize)>,
    n: usize,
) -> Result<Lines, String> {
    let org = name_of(cr.get("author"))
        .ok_or("no author.name: the reviewing organisation is required")?;
    let claimed = text(cr.get("claimReviewed")).ok_or("no claimReviewed")?;
    let rating = first_object(cr.get("reviewRating")).ok_or("no reviewRating")?;
    let rating_name = text(rating.get("alternateName"))
        .or_else(|| text(rating.get("name")))
        .ok_or("reviewRating has no alternateName (nor name)")?;
    let rating_name = crate::model::value::collapse(&rating_name);
    let value =
        number(rating.get("ratingValue")).map_err(|e| format!("reviewRating.ratingValue: {e}"))?;
    let best =
        number(rating.get("bestRating")).map_err(|e| format!("reviewRating.bestRating: {e}"))?;
    let worst =
        number(rating.get("worstRating")).map_err(|e| format!("reviewRating.worstRating: {e}"))?;
    let item = first_object(cr.get("itemReviewed"));
    let url = text(cr.get("url"));

    // The source: the first appearance, else the first appearance listed, else the fact-check
    // page itself.
    let shown = item.and_then(|i| {
        first_object(i.get("firstAppearance")).or_else(|| first_object(i.get("appearance")))
    });
    let shown_url =
        item.and_then(|i| text(i.get("firstAppearance")).or_else(|| text(i.get("appearance"))));
    let mut source = Map::new();
    source.insert("type".into(), json!("source"));
    source.insert("kind".into(), json!("secondary"));
    let source_id = match shown {
        Some(s) => {
            let id = identifier(s, ID_SOURCE).unwrap_or_else(|| {
                let key = text(s.get("url"))
                    .or_else(|| text(s.get("headline")))
                    .unwrap_or_else(|| claimed.clone());
                format!("cr-src-{}", short_hash(&[&key]))
            });
            if let Some(u) = text(s.get("url")) {
                source.insert("url".into(), json!(u));
            }
            if let Some(h) = text(s.get("headline")).or_else(|| text(s.get("name"))) {
                source.insert("title".into(), json!(h));
            }
            if let Some(p) = name_of(s.get("publisher")).or_else(|| name_of(s.get("author"))) {
                source.insert("publisher".into(), json!(p));
            }
            if let Some(d) = text(s.get("datePublished")) {
                date(&d).map_err(|e| format!("appearance datePublished '{d}': {e}"))?;
                source.insert("published".into(), json!(d.get(..10).unwrap_or(&d)));
            }
            id
        }
        None => {
            let u = shown_url.clone().or_else(|| url.clone()).ok_or(
                "neither itemReviewed.appearance nor url: nothing to record the claim as coming from",
            )?;
            source.insert("url".into(), json!(u));
            if shown_url.is_none() {
                source.insert("title".into(), json!(format!("fact-check by {org}")));
                source.insert("publisher".into(), json!(org));
            }
            format!("cr-src-{}", short_hash(&[&u]))
        }
    };
    source.insert("id".into(), json!(source_id));

    // The claim: the ledger's own fields when the ClaimReview carries them (our export does),
    // else the claim as reported.
    let mut claim = Map::new();
    claim.insert("type".into(), json!("claim"));
    let own = item.and_then(|i| {
        Some((
            identifier(i, ID_CLAIM)?,
            identifier(i, ID_SUBJECT)?,
            identifier(i, ID_PREDICATE)?,
        ))
    });
    match own {
        Some((id, subject, predicate)) => {
            let i = item.expect("identifiers come from it");
            let value = match (identifier(i, ID_VALUE), identifier(i, ID_VALUE_JSON)) {
                (Some(v), _) => json!(v),
                (None, Some(j)) => serde_json::from_str(&j)
                    .map_err(|e| format!("identifier {ID_VALUE_JSON}: {e}"))?,
                (None, None) => json!(claimed),
            };
            claim.insert("id".into(), json!(id));
            claim.insert("subject".into(), json!(subject));
            claim.insert("predicate".into(), json!(predicate));
            claim.insert("value".into(), value);
        }
        None => {
            let id = format!("cr-{}", short_hash(&[&claimed, &source_id]));
            let subject: String = crate::model::value::collapse(&claimed)
                .chars()
                .take(crate::intake::validate::MAX_NAME_CHARS)
                .collect();
            claim.insert("id".into(), json!(id));
            claim.insert("subject".into(), json!(subject.trim()));
            claim.insert("predicate".into(), json!("claim"));
            claim.insert("value".into(), json!(claimed));
        }
    }
    claim.insert("source".into(), json!(source_id));
    if let Some(who) = item.and_then(|i| name_of(i.get("author"))) {
        // Our export names the source's publisher when the claim had no claimant of its own.
        if source.get("publisher").and_then(Json::as_str) != Some(who.as_str()) {
            claim.insert("claimant".into(), json!(who));
        }
    }
    let claim_id = claim["id"].as_str().unwrap_or_default().to_string();

    // The scale: the built-in one when the rating is a default step with its number on a 1..5
    // scale, else the organisation's own scale, extended with the steps its ratings use.
    let default = verdicts::default_scale();
    let on_default = default.step(&rating_name).is_some_and(|s| {
        Some(s.value) == value && best.unwrap_or(5) == 5 && worst.unwrap_or(1) == 1
    });
    let scale_name = if on_default {
        DEFAULT_SCALE.to_string()
    } else {
        let name = if org == DEFAULT_SCALE {
            format!("{org} (ClaimReview)")
        } else {
            org.clone()
        };
        if !scales.contains_key(&name) {
            let held = verdicts::scale(t, &name)
                .map_err(|e| e.to_string())?
                .map(|s| s.scale.steps)
                .unwrap_or_default();
            scales.insert(name.clone(), (held.clone(), held, n));
        }
        let (_, steps, _) = scales.get_mut(&name).expect("inserted");
        // The rating's step, and the scale's range: bestRating and worstRating become steps
        // `(best)` and `(worst)` when no rating has their number, so the range survives.
        let mut wanted = vec![(rating_name.clone(), value.unwrap_or(0), "reviewRating")];
        for (label, bound, field) in [
            ("(best)", best, "bestRating"),
            ("(worst)", worst, "worstRating"),
        ] {
            if let Some(b) = bound {
                if !steps.iter().any(|s| s.value == b && s.name != label) && Some(b) != value {
                    wanted.push((label.to_string(), b, field));
                }
            }
        }
        for (step, number, field) in wanted {
            let probe = Scale {
                name: name.clone(),
                steps: steps.clone(),
            };
            match probe.step(&step) {
                Some(s) if s.value == number => {}
                Some(s) => {
                    return Err(format!(
                        "{field} '{step}' is {number} here but {} on {org}'s scale (earlier in this file or in the ledger)",
                        s.value
                    ))
                }
                None => steps.push(ScaleStep {
                    name: step,
                    value: number,
                }),
            }
        }
        steps.sort_by_key(|s| std::cmp::Reverse(s.value));
        name
    };

    let mut review = Map::new();
    review.insert("type".into(), json!("review"));
    review.insert("claim".into(), json!(claim_id));
    review.insert("scale".into(), json!(scale_name));
    review.insert("rating".into(), json!(rating_name));
    let explanation = text(rating.get("ratingExplanation"))
        .or_else(|| text(cr.get("reviewBody")))
        .or_else(|| text(cr.get("description")))
        .or_else(|| text(cr.get("headline")))
        .or_else(|| text(cr.get("name")))
        .unwrap_or_else(|| format!("rated '{rating_name}' by {org}"));
    review.insert("explanation".into(), json!(explanation));
    if let Some(u) = url {
        review.insert("url".into(), json!(u));
    }
    if let Some(d) = text(cr.get("datePublished")) {
        date(&d).map_err(|e| format!("datePublished '{d}': {e}"))?;
        review.insert("reviewed".into(), json!(d.get(..10).unwrap_or(&d)));
    }
    review.insert("organisation".into(), json!(org));
    Ok((
        Json::Object(source),
        Json::Object(claim),
        Json::Object(review),
    ))
}
