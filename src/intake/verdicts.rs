//! The import lines of the desk's verdicts: `{"type":"review",…}`, `{"type":"scale",…}` and
//! `{"type":"setting",…}` (`docs/import-format.md`), read into records; and what the plan checks
//! of them against the ledger and the earlier lines (the claim reviewed exists and is not
//! retracted, the rating is a step of its scale, a scale keeps the steps it declared).

use super::import::{Fields, Record, RecordError};
use crate::error::Result;
use crate::ledger::Ledger;
use crate::model::date::StatedDate;
use crate::model::event::{Review, Scale, ScaleStep, Setting};
use crate::projection::verdicts::{self, DEFAULT_SCALE};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The settings a ledger knows, with what each is for. A key not listed is refused, so a typo
/// (`desk.nmae`) is caught when it is set rather than when an export needs it.
pub const SETTINGS: [(&str, &str); 2] = [
    ("desk.name", "the desk's name: ClaimReview's author.name"),
    (
        "desk.url",
        "the desk's web address (http or https): ClaimReview's author.url",
    ),
];

pub(super) fn parse_review(f: &Fields) -> Result<Record, RecordError> {
    f.only(&[
        "type",
        "claim",
        "scale",
        "rating",
        "explanation",
        "url",
        "reviewed",
        "organisation",
    ])?;
    let reviewed = match f.str_opt("reviewed")? {
        None => None,
        Some(s) => Some(StatedDate::parse(s).map_err(|e| RecordError::BadField {
            record: "review",
            field: "reviewed".into(),
            problem: e.to_string(),
        })?),
    };
    Ok(Record::Review(Review {
        claim: f.string("claim")?,
        scale: f
            .string_opt("scale")?
            .unwrap_or_else(|| DEFAULT_SCALE.to_string()),
        rating: f.string("rating")?.trim().to_string(),
        explanation: f.string("explanation")?,
        url: f.string_opt("url")?,
        reviewed,
        organisation: f.string_opt("organisation")?,
    }))
}

pub(super) fn parse_scale(f: &Fields) -> Result<Record, RecordError> {
    f.only(&["type", "name", "steps"])?;
    let bad = |field: String, problem: String| RecordError::BadField {
        record: "scale",
        field,
        problem,
    };
    let steps = match f.get("steps") {
        None => return Err(f.missing("steps")),
        Some(Json::Array(a)) => a,
        Some(other) => {
            return Err(bad(
                "steps".into(),
                format!(
                    "must be an array of {{\"name\":…,\"value\":…}}, found {}",
                    super::import::kind_of(other)
                ),
            ))
        }
    };
    let mut out = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let Some(obj) = step.as_object() else {
            return Err(bad(
                format!("steps[{i}]"),
                "must be an object {\"name\":…,\"value\":…}".into(),
            ));
        };
        if let Some(k) = obj.keys().find(|k| *k != "name" && *k != "value") {
            return Err(bad(
                format!("steps[{i}].{k}"),
                "unknown field (a step has name and value)".into(),
            ));
        }
        let name = match obj.get("name") {
            Some(Json::String(s)) => s.trim().to_string(),
            _ => return Err(bad(format!("steps[{i}].name"), "must be a string".into())),
        };
        let value = match obj.get("value") {
            Some(Json::Number(n)) if n.is_i64() => n.as_i64().unwrap_or_default(),
            _ => {
                return Err(bad(
                    format!("steps[{i}].value"),
                    "must be a whole number".into(),
                ))
            }
        };
        out.push(ScaleStep { name, value });
    }
    Ok(Record::Scale(Scale {
        name: f.string("name")?.trim().to_string(),
        steps: out,
    }))
}

pub(super) fn parse_setting(f: &Fields) -> Result<Record, RecordError> {
    f.only(&["type", "key", "value"])?;
    Ok(Record::Setting(Setting {
        key: f.string("key")?.trim().to_string(),
        value: f.string("value")?.trim().to_string(),
    }))
}

/// What the plan has seen of verdicts earlier in the same input.
#[derive(Default)]
pub(super) struct Earlier {
    /// Scales declared earlier in the input.
    scales: BTreeMap<String, Scale>,
    /// Settings recorded earlier in the input.
    settings: BTreeMap<String, String>,
    /// Reviews earlier in the input, by (claim, organisation).
    reviews: BTreeMap<(String, Option<String>), Review>,
}

/// What the plan decides of a verdict record.
pub(super) enum Decision {
    /// Append it (a review with its rating as the scale spells it).
    Append(Box<Record>),
    /// Identical to what the ledger or the input already holds.
    Unchanged,
    /// Refused, with why.
    Refused(String),
}

/// `retracted` answers whether the claim is retracted (in the ledger or earlier in the input);
/// `is_claim` whether the id names a claim (`None`: nothing has it).
pub(super) fn decide(
    ledger: &Ledger,
    earlier: &mut Earlier,
    record: Record,
    is_claim: Option<bool>,
    retracted: Option<String>,
) -> Result<Decision> {
    let tables = ledger.tables();
    Ok(match record {
        Record::Review(mut r) => {
            match is_claim {
                None => {
                    return Ok(Decision::Refused(format!(
                    "review of '{}': no claim with that id in the ledger or earlier in this input",
                    r.claim
                )))
                }
                Some(false) => {
                    return Ok(Decision::Refused(format!(
                        "review of '{}': that id is a source, not a claim",
                        r.claim
                    )))
                }
                Some(true) => {}
            }
            if let Some(at) = retracted {
                return Ok(Decision::Refused(format!(
                    "review of '{}': the claim was retracted at {at}; a retracted claim is not reviewed",
                    r.claim
                )));
            }
            let scale = match earlier.scales.get(&r.scale) {
                Some(s) => Some(s.clone()),
                None => verdicts::scale(&tables, &r.scale)?.map(|s| s.scale),
            };
            let Some(scale) = scale else {
                return Ok(Decision::Refused(format!(
                    "review field 'scale': scale '{}' is not declared (declare it with `factledger scale declare`, or use '{DEFAULT_SCALE}')",
                    r.scale
                )));
            };
            let Some(step) = scale.step(&r.rating) else {
                return Ok(Decision::Refused(format!(
                    "review field 'rating': '{}' is not on scale '{}' (its steps: {})",
                    r.rating,
                    scale.name,
                    scale
                        .steps
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            r.rating = step.name.clone();
            let slot = (r.claim.clone(), r.organisation.clone());
            let current = match earlier.reviews.get(&slot) {
                Some(x) => Some(x.clone()),
                None => {
                    let all = verdicts::reviews_of(&tables, &r.claim)?;
                    all.into_iter()
                        .rev()
                        .find(|x| x.review.organisation == r.organisation)
                        .map(|x| x.review)
                }
            };
            if current.as_ref() == Some(&r) {
                return Ok(Decision::Unchanged);
            }
            earlier.reviews.insert(slot, r.clone());
            Decision::Append(Box::new(Record::Review(r)))
        }
        Record::Scale(sc) => {
            if sc.name == DEFAULT_SCALE {
                return Ok(Decision::Refused(format!(
                    "scale field 'name': '{DEFAULT_SCALE}' is the built-in scale; declare yours under another name"
                )));
            }
            let before = match earlier.scales.get(&sc.name) {
                Some(s) => Some(s.clone()),
                None => verdicts::scale(&tables, &sc.name)?.map(|s| s.scale),
            };
            if let Some(before) = before {
                if before == sc {
                    return Ok(Decision::Unchanged);
                }
                // Reviews name steps of the scale: a redeclaration may add steps, never drop or
                // renumber one, so every earlier review keeps its number.
                for old in &before.steps {
                    match sc.step(&old.name) {
                        Some(new) if new.value == old.value && new.name == old.name => {}
                        Some(new) => {
                            return Ok(Decision::Refused(format!(
                                "scale '{}' already has step '{}' = {}; a redeclaration cannot change it to '{}' = {}",
                                sc.name, old.name, old.value, new.name, new.value
                            )))
                        }
                        None => {
                            return Ok(Decision::Refused(format!(
                                "scale '{}' already has step '{}'; a redeclaration must keep every step (it may add steps)",
                                sc.name, old.name
                            )))
                        }
                    }
                }
            }
            earlier.scales.insert(sc.name.clone(), sc.clone());
            Decision::Append(Box::new(Record::Scale(sc)))
        }
        Record::Setting(st) => {
            if let Some(problem) = setting_problem(&st) {
                return Ok(Decision::Refused(problem));
            }
            let current = match earlier.settings.get(&st.key) {
                Some(v) => Some(v.clone()),
                None => verdicts::setting(&tables, &st.key)?.map(|s| s.value),
            };
            if current.as_deref() == Some(st.value.as_str()) {
                return Ok(Decision::Unchanged);
            }
            earlier.settings.insert(st.key.clone(), st.value.clone());
            Decision::Append(Box::new(Record::Setting(st)))
        }
        other => Decision::Append(Box::new(other)),
    })
}

/// Why a setting is refused: an unknown key, or a value its key does not accept.
pub fn setting_problem(st: &Setting) -> Option<String> {
    if !SETTINGS.iter().any(|(k, _)| *k == st.key) {
        return Some(format!(
            "setting field 'key': unknown setting '{}' (known: {})",
            st.key,
            SETTINGS.map(|(k, _)| k).join(", ")
        ));
    }
    if st.value.is_empty() {
        return Some(format!("setting field 'value': {} cannot be empty", st.key));
    }
    if st.key == "desk.url" && !is_web_url(&st.value) {
        return Some(format!(
            "setting field 'value': desk.url '{}' is not an http or https address",
            st.value
        ));
    }
    None
}

/// Whether `s` looks like an absolute http(s) address with a host.
pub fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !r.chars().any(char::is_whitespace)
    })
}
