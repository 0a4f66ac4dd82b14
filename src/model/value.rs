//! Claim values: the typed predicates a fact-checker records, validated and normalised at import.
//!
//! Normalising on the way in means two reports of the same fact meet in the projection however
//! they were phrased ("U.S." and "United States of America", "in favour" and "yes"), while what
//! was written is kept where it matters as evidence (a date's stated weekday and wording).

use crate::model::date::{DateError, StatedDate};
use bincode::{Decode, Encode};
use serde_json::{json, Map, Value as Json};

/// Longest free-text value, speaker or quote, in bytes.
pub(crate) const MAX_TEXT_VALUE: usize = 64 * 1024;

/// A vote a member cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Encode, Decode)]
pub enum Vote {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Abstained.
    Abstain,
    /// Absent or did not vote.
    Absent,
}

impl Vote {
    /// Reads a vote word, accepting the synonyms reports use.
    pub fn parse(s: &str) -> Option<Vote> {
        match collapse(s).to_lowercase().as_str() {
            "yes" | "in favour" | "in favor" | "for" | "favour" | "favor" => Some(Vote::Yes),
            "no" | "against" => Some(Vote::No),
            "abstain" | "abstained" | "abstention" | "abstaining" => Some(Vote::Abstain),
            "absent" | "did not vote" | "non-voting" => Some(Vote::Absent),
            _ => None,
        }
    }

    /// Canonical word.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Abstain => "abstain",
            Vote::Absent => "absent",
        }
    }
}

/// The outcome of a vote on a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Outcome {
    /// Adopted.
    Adopted,
    /// Rejected (failed to obtain the required votes).
    Rejected,
    /// Vetoed by a permanent member of the Security Council.
    Vetoed,
}

impl Outcome {
    /// Reads an outcome word.
    pub fn parse(s: &str) -> Option<Outcome> {
        match collapse(s).to_lowercase().as_str() {
            "adopted" => Some(Outcome::Adopted),
            "rejected" => Some(Outcome::Rejected),
            "vetoed" => Some(Outcome::Vetoed),
            _ => None,
        }
    }

    /// Canonical word.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Adopted => "adopted",
            Outcome::Rejected => "rejected",
            Outcome::Vetoed => "vetoed",
        }
    }
}

/// The UN organ that voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Body {
    /// Security Council, 15 members.
    Unsc,
    /// General Assembly, 193 members.
    Unga,
}

impl Body {
    /// Members of the body, the most votes a tally can hold.
    pub(crate) fn membership(self) -> u32 {
        match self {
            Body::Unsc => 15,
            Body::Unga => 193,
        }
    }

    /// Canonical code.
    pub fn as_str(self) -> &'static str {
        match self {
            Body::Unsc => "UNSC",
            Body::Unga => "UNGA",
        }
    }
}

/// Majority a General Assembly decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Majority {
    /// More yes than no.
    Simple,
    /// Two thirds of those voting yes or no (important questions, Charter art. 18).
    TwoThirds,
}

/// A vote count as a report states it; each count is optional because reports often give only some.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Tally {
    /// Which organ voted.
    pub body: Body,
    /// Votes in favour.
    pub yes: Option<u32>,
    /// Votes against.
    pub no: Option<u32>,
    /// Abstentions.
    pub abstain: Option<u32>,
    /// Members absent or not voting.
    pub absent: Option<u32>,
    /// A procedural Security Council vote, where the veto does not apply.
    pub procedural: Option<bool>,
    /// Required majority, for the General Assembly.
    pub majority: Option<Majority>,
}

impl Tally {
    /// The counts the tally states, each with its name, in the order yes, no, abstain, absent.
    fn stated_counts(&self) -> impl Iterator<Item = (&'static str, u32)> {
        let counts = [
            ("yes", self.yes),
            ("no", self.no),
            ("abstain", self.abstain),
            ("absent", self.absent),
        ];
        counts.into_iter().filter_map(|(k, c)| Some((k, c?)))
    }
}

/// A normalised claim value.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Value {
    /// Free text, kept as written; compared case-folded with whitespace collapsed.
    Text(String),
    /// A JSON number, kept as its decimal text so hashing never depends on float formatting.
    Number(String),
    /// Predicate `date`.
    Date(StatedDate),
    /// Predicate `anniversary`: the subject happened on the `nth` anniversary of `of`.
    Anniversary {
        /// The original event's date.
        of: StatedDate,
        /// Which anniversary (1 = first).
        nth: u32,
    },
    /// Predicate `tally`.
    Tally(Tally),
    /// Predicate `outcome`.
    Outcome(Outcome),
    /// Predicate `vote:<member>`.
    Vote(Vote),
    /// Predicate `quote`.
    Quote {
        /// Who said it.
        speaker: String,
        /// The words quoted.
        text: String,
    },
}

/// Collapses runs of whitespace to single spaces and trims.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Free-text comparison key: case-folded, whitespace collapsed.
pub fn text_key(s: &str) -> String {
    collapse(s).to_lowercase()
}

/// Canonical member names: aliases reports use, mapped to the UN's short names.
pub(crate) const MEMBER_ALIASES: &[(&str, &str)] = &[
    ("us", "United States"),
    ("u.s.", "United States"),
    ("u.s", "United States"),
    ("usa", "United States"),
    ("u.s.a.", "United States"),
    ("united states", "United States"),
    ("united states of america", "United States"),
    ("the united states", "United States"),
    ("russia", "Russian Federation"),
    ("russian federation", "Russian Federation"),
    ("the russian federation", "Russian Federation"),
    ("uk", "United Kingdom"),
    ("u.k.", "United Kingdom"),
    ("britain", "United Kingdom"),
    ("great britain", "United Kingdom"),
    ("united kingdom", "United Kingdom"),
    ("the united kingdom", "United Kingdom"),
    (
        "united kingdom of great britain and northern ireland",
        "United Kingdom",
    ),
    ("china", "China"),
    ("prc", "China"),
    ("people's republic of china", "China"),
    ("france", "France"),
    ("french republic", "France"),
    ("south korea", "Republic of Korea"),
    ("republic of korea", "Republic of Korea"),
    ("north korea", "Democratic People's Republic of Korea"),
    ("dprk", "Democratic People's Republic of Korea"),
    (
        "democratic people's republic of korea",
        "Democratic People's Republic of Korea",
    ),
    ("iran", "Iran (Islamic Republic of)"),
    ("syria", "Syrian Arab Republic"),
    ("venezuela", "Venezuela (Bolivarian Republic of)"),
    ("bolivia", "Bolivia (Plurinational State of)"),
    ("vietnam", "Viet Nam"),
    ("viet nam", "Viet Nam"),
    ("laos", "Lao People's Democratic Republic"),
    ("moldova", "Republic of Moldova"),
    ("tanzania", "United Republic of Tanzania"),
    ("czech republic", "Czechia"),
    ("czechia", "Czechia"),
    ("turkey", "Türkiye"),
    ("turkiye", "Türkiye"),
    ("türkiye", "Türkiye"),
    ("ivory coast", "Côte d'Ivoire"),
    ("cote d'ivoire", "Côte d'Ivoire"),
    ("côte d'ivoire", "Côte d'Ivoire"),
    ("belarus", "Belarus"),
    ("ukraine", "Ukraine"),
    ("algeria", "Algeria"),
    ("denmark", "Denmark"),
    ("greece", "Greece"),
    ("guyana", "Guyana"),
    ("pakistan", "Pakistan"),
    ("panama", "Panama"),
    ("sierra leone", "Sierra Leone"),
    ("slovenia", "Slovenia"),
    ("somalia", "Somalia"),
    ("hungary", "Hungary"),
    ("israel", "Israel"),
    ("nicaragua", "Nicaragua"),
    ("sudan", "Sudan"),
    ("mali", "Mali"),
    ("niger", "Niger"),
    ("burkina faso", "Burkina Faso"),
    ("eritrea", "Eritrea"),
    ("germany", "Germany"),
    ("japan", "Japan"),
    ("india", "India"),
    ("brazil", "Brazil"),
];

/// The five permanent members of the Security Council, by canonical name.
pub(crate) const PERMANENT_MEMBERS: [&str; 5] = [
    "China",
    "France",
    "Russian Federation",
    "United Kingdom",
    "United States",
];

/// Normalises a member name so aliases meet: `U.S.` and `United States of America` both become
/// `United States`. Names not in the alias table keep their spelling, whitespace collapsed,
/// straight apostrophes.
pub fn normalise_member(name: &str) -> String {
    let cleaned = collapse(&name.replace(['\u{2019}', '\u{2018}'], "'"));
    let key = cleaned.to_lowercase();
    MEMBER_ALIASES
        .iter()
        .find(|(alias, _)| *alias == key)
        .map(|(_, canonical)| canonical.to_string())
        .unwrap_or(cleaned)
}

/// The member named by a `vote:<member>` predicate, if the predicate is one.
pub(crate) fn vote_member(predicate: &str) -> Option<&str> {
    predicate.strip_prefix("vote:")
}

/// Why a predicate or a value is not acceptable, with the field it names as messages call it
/// (`a tally`, `quote 'speaker'`, `tally 'yes'`). The import prints it after `FILE:LINE: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A `vote:` predicate without a member.
    #[error("predicate 'vote:' needs a member name, as in 'vote:United States'")]
    NoVoteMember,
    /// The JSON has the wrong type.
    #[error("{field} must be {expected}, found {found}")]
    WrongType {
        /// The field.
        field: String,
        /// What it must be (`a string`, `a whole number`, `true or false`).
        expected: &'static str,
        /// What it is (`a number`, `null`).
        found: &'static str,
    },
    /// An empty (or all-whitespace) text.
    #[error("{field} must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// A text over the limit for a value's text.
    #[error("{field} is {len} bytes; the limit is {MAX_TEXT_VALUE}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// An object with a field the value does not have.
    #[error("{field} has unknown field '{unknown}' (allowed: {allowed})")]
    UnknownField {
        /// The object.
        field: &'static str,
        /// The field it should not have.
        unknown: String,
        /// The fields it may have, comma-separated.
        allowed: String,
    },
    /// An object without a field it needs.
    #[error("{field} needs {needs}")]
    Missing {
        /// The object (`an anniversary`).
        field: &'static str,
        /// The field it needs, with what it holds (`'of' (a date)`).
        needs: &'static str,
    },
    /// A date that does not parse.
    #[error("{field}: {source}")]
    Date {
        /// The field.
        field: &'static str,
        /// Why it does not parse.
        source: DateError,
    },
    /// A word that is not one of those the field takes (a vote, an outcome).
    #[error("'{found}' is not {field} ({allowed})")]
    NotOneOf {
        /// What the field holds (`a vote`).
        field: &'static str,
        /// The word given.
        found: String,
        /// The words it takes.
        allowed: &'static str,
    },
    /// A value outside what the field allows.
    #[error("{field} is {found}; {rule}")]
    OutOfRange {
        /// The field.
        field: String,
        /// The value given, as messages show it.
        found: String,
        /// The rule it breaks (`it must be UNSC or UNGA`, `counts cannot be negative`).
        rule: &'static str,
    },
    /// A tally count larger than any body.
    #[error("{field} is {count}, far more than any body has members")]
    TooMany {
        /// The count (`tally 'yes'`).
        field: String,
        /// The count given.
        count: u64,
    },
}

/// Normalises a predicate name: lower-cased typed names, and `vote:` members by [`normalise_member`].
pub fn normalise_predicate(predicate: &str) -> Result<String, ValueError> {
    let collapsed = collapse(predicate);
    // Compare the prefix on the original string: lower-casing can change byte lengths.
    let is_vote = collapsed
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("vote:"));
    if is_vote {
        let m = normalise_member(&collapsed[5..]);
        if m.is_empty() {
            return Err(ValueError::NoVoteMember);
        }
        return Ok(format!("vote:{m}"));
    }
    let lower = collapsed.to_lowercase();
    match lower.as_str() {
        "date" | "anniversary" | "tally" | "outcome" | "quote" => Ok(lower),
        _ => Ok(collapsed),
    }
}

/// How a JSON value is named in messages: "a string", "an array" and so on.
pub(crate) fn describe(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn want_str<'a>(v: &'a Json, what: &str) -> Result<&'a str, ValueError> {
    v.as_str().ok_or_else(|| wrong_type(what, "a string", v))
}

fn wrong_type(field: &str, expected: &'static str, found: &Json) -> ValueError {
    ValueError::WrongType {
        field: field.to_string(),
        expected,
        found: describe(found),
    }
}

fn bounded_text(v: &Json, what: &'static str) -> Result<String, ValueError> {
    let s = want_str(v, what)?;
    if collapse(s).is_empty() {
        return Err(ValueError::Empty { field: what });
    }
    if s.len() > MAX_TEXT_VALUE {
        return Err(ValueError::TooLong {
            field: what,
            len: s.len(),
        });
    }
    Ok(s.to_string())
}

fn object<'a>(
    v: &'a Json,
    what: &'static str,
    allowed: &[&str],
) -> Result<&'a Map<String, Json>, ValueError> {
    let map = v
        .as_object()
        .ok_or_else(|| wrong_type(what, "an object", v))?;
    if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ValueError::UnknownField {
            field: what,
            unknown: k.clone(),
            allowed: allowed.join(", "),
        });
    }
    Ok(map)
}

fn date_of(v: &Json, what: &'static str) -> Result<StatedDate, ValueError> {
    let s = want_str(v, what)?;
    StatedDate::parse(s).map_err(|source| ValueError::Date {
        field: what,
        source,
    })
}

fn count(map: &Map<String, Json>, key: &str) -> Result<Option<u32>, ValueError> {
    let field = || format!("tally '{key}'");
    match map.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Number(n)) => {
            let out_of_range = |rule| ValueError::OutOfRange {
                field: field(),
                found: n.to_string(),
                rule,
            };
            if let Some(u) = n.as_u64() {
                u32::try_from(u).map(Some).map_err(|_| ValueError::TooMany {
                    field: field(),
                    count: u,
                })
            } else if n.as_i64().is_some_and(|i| i < 0) || n.as_f64().is_some_and(|f| f < 0.0) {
                Err(out_of_range("counts cannot be negative"))
            } else {
                Err(out_of_range("counts must be whole numbers"))
            }
        }
        Some(other) => Err(wrong_type(&field(), "a whole number", other)),
    }
}

impl Value {
    /// Validates and normalises a JSON value for a (normalised) predicate.
    pub fn from_json(predicate: &str, v: &Json) -> Result<Value, ValueError> {
        let out_of_range =
            |field: &str, found: &dyn std::fmt::Display, rule| ValueError::OutOfRange {
                field: field.to_string(),
                found: found.to_string(),
                rule,
            };
        if vote_member(predicate).is_some() {
            let s = want_str(v, "a vote")?;
            return Vote::parse(s)
                .map(Value::Vote)
                .ok_or_else(|| ValueError::NotOneOf {
                    field: "a vote",
                    found: s.to_string(),
                    allowed: "yes, no, abstain, absent, or in favour, against, abstained",
                });
        }
        match predicate {
            "date" => Ok(Value::Date(date_of(v, "a date")?)),
            "anniversary" => {
                let map = object(v, "an anniversary", &["of", "nth"])?;
                let of = date_of(
                    map.get("of").ok_or(ValueError::Missing {
                        field: "an anniversary",
                        needs: "'of' (a date)",
                    })?,
                    "anniversary 'of'",
                )?;
                let nth = match map.get("nth") {
                    Some(Json::Number(n)) => n
                        .as_u64()
                        .filter(|n| (1..=10_000).contains(n))
                        .ok_or_else(|| {
                            out_of_range("anniversary 'nth'", n, "it must be a whole number from 1")
                        })?,
                    Some(other) => {
                        return Err(wrong_type("anniversary 'nth'", "a whole number", other))
                    }
                    None => {
                        return Err(ValueError::Missing {
                            field: "an anniversary",
                            needs: "'nth' (a whole number)",
                        })
                    }
                };
                Ok(Value::Anniversary {
                    of,
                    nth: nth as u32,
                })
            }
            "tally" => {
                let map = object(
                    v,
                    "a tally",
                    &[
                        "body",
                        "yes",
                        "no",
                        "abstain",
                        "absent",
                        "procedural",
                        "majority",
                    ],
                )?;
                let body = match map.get("body") {
                    Some(b) => match want_str(b, "tally 'body'")?.trim().to_uppercase().as_str() {
                        "UNSC" => Body::Unsc,
                        "UNGA" => Body::Unga,
                        other => {
                            return Err(out_of_range(
                                "tally 'body'",
                                &format!("'{other}'"),
                                "it must be UNSC or UNGA",
                            ))
                        }
                    },
                    None => {
                        return Err(ValueError::Missing {
                            field: "a tally",
                            needs: "'body' (UNSC or UNGA)",
                        })
                    }
                };
                let procedural = match map.get("procedural") {
                    None | Some(Json::Null) => None,
                    Some(Json::Bool(b)) => Some(*b),
                    Some(other) => {
                        return Err(wrong_type("tally 'procedural'", "true or false", other))
                    }
                };
                let majority = match map.get("majority") {
                    None | Some(Json::Null) => None,
                    Some(m) => match want_str(m, "tally 'majority'")?.trim() {
                        "simple" => Some(Majority::Simple),
                        "two-thirds" => Some(Majority::TwoThirds),
                        other => {
                            return Err(out_of_range(
                                "tally 'majority'",
                                &format!("'{other}'"),
                                "it must be simple or two-thirds",
                            ))
                        }
                    },
                };
                Ok(Value::Tally(Tally {
                    body,
                    yes: count(map, "yes")?,
                    no: count(map, "no")?,
                    abstain: count(map, "abstain")?,
                    absent: count(map, "absent")?,
                    procedural,
                    majority,
                }))
            }
            "outcome" => {
                let s = want_str(v, "an outcome")?;
                Outcome::parse(s)
                    .map(Value::Outcome)
                    .ok_or_else(|| ValueError::NotOneOf {
                        field: "an outcome",
                        found: s.to_string(),
                        allowed: "adopted, rejected, vetoed",
                    })
            }
            "quote" => {
                let map = object(v, "a quote", &["speaker", "text"])?;
                let speaker = bounded_text(
                    map.get("speaker").ok_or(ValueError::Missing {
                        field: "a quote",
                        needs: "'speaker'",
                    })?,
                    "quote 'speaker'",
                )?;
                let text = bounded_text(
                    map.get("text").ok_or(ValueError::Missing {
                        field: "a quote",
                        needs: "'text'",
                    })?,
                    "quote 'text'",
                )?;
                Ok(Value::Quote { speaker, text })
            }
            _ => match v {
                Json::String(_) => Ok(Value::Text(bounded_text(v, "the value")?)),
                Json::Number(n) => Ok(Value::Number(n.to_string())),
                other => Err(wrong_type(
                    &format!("the value of predicate '{predicate}'"),
                    "a string or a number",
                    other,
                )),
            },
        }
    }

    /// The normalised value as JSON, for `--json` output and exports.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Text(s) => json!(s),
            Value::Number(n) => serde_json::from_str::<Json>(n).unwrap_or_else(|_| json!(n)),
            Value::Date(d) => json!(d.iso()),
            Value::Anniversary { of, nth } => json!({"of": of.iso(), "nth": nth}),
            Value::Tally(t) => {
                let mut m = Map::new();
                m.insert("body".into(), json!(t.body.as_str()));
                for (k, c) in t.stated_counts() {
                    m.insert(k.into(), json!(c));
                }
                if let Some(p) = t.procedural {
                    m.insert("procedural".into(), json!(p));
                }
                if let Some(maj) = t.majority {
                    let s = match maj {
                        Majority::Simple => "simple",
                        Majority::TwoThirds => "two-thirds",
                    };
                    m.insert("majority".into(), json!(s));
                }
                Json::Object(m)
            }
            Value::Outcome(o) => json!(o.as_str()),
            Value::Vote(v) => json!(v.as_str()),
            Value::Quote { speaker, text } => json!({"speaker": speaker, "text": text}),
        }
    }

    /// The value as written, where that differs from the normalised form (dates).
    pub fn as_written(&self) -> Option<&str> {
        match self {
            Value::Date(d) => Some(&d.as_written),
            _ => None,
        }
    }

    /// Short readable form for terminals.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => collapse(s),
            Value::Number(n) => n.clone(),
            Value::Date(d) => {
                if d.stated_weekday.is_some() || d.as_written != d.iso() {
                    format!("{} ('{}')", d.iso(), d.as_written)
                } else {
                    d.iso()
                }
            }
            Value::Anniversary { of, nth } => {
                format!("{} anniversary of {}", ordinal(*nth), of.iso())
            }
            Value::Tally(t) => {
                let mut parts = vec![t.body.as_str().to_string()];
                for (k, c) in t.stated_counts() {
                    parts.push(format!("{k} {c}"));
                }
                if t.procedural == Some(true) {
                    parts.push("procedural".into());
                }
                if t.majority == Some(Majority::TwoThirds) {
                    parts.push("two-thirds majority".into());
                }
                parts.join(", ")
            }
            Value::Outcome(o) => o.as_str().into(),
            Value::Vote(v) => v.as_str().into(),
            Value::Quote { speaker, text } => {
                format!("{}: \u{201c}{}\u{201d}", collapse(speaker), collapse(text))
            }
        }
    }

    /// True when two values cannot both be true. Structured values are compared only on what both
    /// state: a tally giving `yes: 93` alone agrees with one giving `yes: 93, no: 8`.
    pub fn disagrees_with(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Date(a), Value::Date(b)) => !a.same_day(b),
            (Value::Anniversary { of: a, nth: n }, Value::Anniversary { of: b, nth: m }) => {
                !a.same_day(b) || n != m
            }
            (Value::Tally(a), Value::Tally(b)) => {
                let differ =
                    |x: Option<u32>, y: Option<u32>| matches!((x, y), (Some(x), Some(y)) if x != y);
                a.body != b.body
                    || differ(a.yes, b.yes)
                    || differ(a.no, b.no)
                    || differ(a.abstain, b.abstain)
                    || differ(a.absent, b.absent)
                    || matches!((a.procedural, b.procedural), (Some(x), Some(y)) if x != y)
                    || matches!((a.majority, b.majority), (Some(x), Some(y)) if x != y)
            }
            (
                Value::Quote {
                    speaker: s1,
                    text: t1,
                },
                Value::Quote {
                    speaker: s2,
                    text: t2,
                },
            ) => text_key(s1) != text_key(s2) || text_key(t1) != text_key(t2),
            (Value::Text(a) | Value::Number(a), Value::Text(b) | Value::Number(b)) => {
                text_key(a) != text_key(b)
            }
            (a, b) => a != b,
        }
    }
}

/// `1st`, `2nd`, `3rd`, `4th` …
pub(crate) fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_aliases_meet() {
        for alias in [
            "US",
            "U.S.",
            "USA",
            "United States of America",
            "  united   states ",
        ] {
            assert_eq!(normalise_member(alias), "United States", "{alias}");
        }
        assert_eq!(normalise_member("Russia"), "Russian Federation");
        for alias in ["UK", "U.K.", "Britain", "Great Britain"] {
            assert_eq!(normalise_member(alias), "United Kingdom", "{alias}");
        }
        assert_eq!(normalise_member("Freedonia"), "Freedonia");
    }

    #[test]
    fn vote_predicates_normalise_their_member() {
        assert_eq!(
            normalise_predicate("vote:U.S.").unwrap(),
            "vote:United States"
        );
        assert_eq!(
            normalise_predicate("VOTE:russia").unwrap(),
            "vote:Russian Federation"
        );
        assert!(normalise_predicate("vote: ").is_err());
        // Lower-casing changes byte lengths here; this used to slice off a char boundary.
        assert_eq!(
            normalise_predicate("vote:\u{212A}enya").unwrap(),
            "vote:\u{212A}enya"
        );
        assert_eq!(normalise_predicate("VOTE:İsrael").unwrap(), "vote:İsrael");
        assert_eq!(normalise_predicate("Title").unwrap(), "Title");
        assert_eq!(normalise_predicate("Date").unwrap(), "date");
    }

    #[test]
    fn vote_words() {
        for (w, v) in [
            ("in favour", Vote::Yes),
            ("in favor", Vote::Yes),
            ("for", Vote::Yes),
            ("against", Vote::No),
            ("abstained", Vote::Abstain),
            ("abstention", Vote::Abstain),
            ("Absent", Vote::Absent),
        ] {
            assert_eq!(Vote::parse(w), Some(v), "{w}");
        }
        assert_eq!(Vote::parse("maybe"), None);
    }

    #[test]
    fn tally_is_validated() {
        let ok =
            Value::from_json("tally", &json!({"body":"UNSC","yes":10,"no":0,"abstain":5})).unwrap();
        assert!(matches!(ok, Value::Tally(Tally { yes: Some(10), .. })));
        assert!(Value::from_json("tally", &json!({"yes":10}))
            .unwrap_err()
            .to_string()
            .contains("body"));
        assert!(Value::from_json("tally", &json!({"body":"UNSC","yes":-1}))
            .unwrap_err()
            .to_string()
            .contains("negative"));
        assert!(
            Value::from_json("tally", &json!({"body":"UNSC","yes":"ten"}))
                .unwrap_err()
                .to_string()
                .contains("whole number")
        );
        assert!(Value::from_json("tally", &json!({"body":"WHO"}))
            .unwrap_err()
            .to_string()
            .contains("UNSC or UNGA"));
        assert!(Value::from_json("tally", &json!({"body":"UNSC","ayes":3}))
            .unwrap_err()
            .to_string()
            .contains("unknown field"));
    }

    #[test]
    fn structured_values_compare_on_what_both_state() {
        let t = |v: Json| Value::from_json("tally", &v).unwrap();
        let full = t(json!({"body":"UNGA","yes":93,"no":8}));
        assert!(!t(json!({"body":"UNGA","yes":93})).disagrees_with(&full));
        assert!(t(json!({"body":"UNGA","yes":89})).disagrees_with(&full));
        let text = |s: &str| Value::Text(s.into());
        assert!(!text("The  Path to Peace").disagrees_with(&text("the path to peace")));
        assert!(text("The Path to Peace").disagrees_with(&text("The Road to Peace")));
    }

    #[test]
    fn other_predicates_take_strings_or_numbers() {
        assert_eq!(
            Value::from_json("title", &json!(12)).unwrap(),
            Value::Number("12".into())
        );
        assert!(Value::from_json("title", &json!(true)).is_err());
        assert!(Value::from_json("title", &json!("  ")).is_err());
        assert!(Value::from_json("outcome", &json!("passed")).is_err());
    }
}
