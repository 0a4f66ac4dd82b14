//! Add: one source or claim given field by field (the CLI's `add source|claim` flags, a form of
//! the desk server). The fields become the same JSON record an import line is, so both routes
//! share one parser, one validator (`validate::event`) and one set of messages.

use super::group::Prepared;
use super::import::{append_records, AppendReport, Durability, ImportError};
use crate::intake::import::{parse_json, parse_record, Record};
use crate::ledger::Stamp;
use crate::Ledger;
use serde::Serialize;
use serde_json::Value as Json;
use std::path::Path;

/// A source to register, with the fields of an import line (`docs/import-format.md`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewSource {
    /// Sources this one cites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
    /// Unique id.
    pub id: String,
    /// `primary` or `secondary` (default secondary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Publication date as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Who published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The archived text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A file holding the archived text, relative to [`AddInput::base`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_file: Option<String>,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A claim to assert, with the fields of an import line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewClaim {
    /// Who made the statement (apart from the source where it appeared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// The verbatim words of the source's archived text that support the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// Unique id; `None` for one made from the source and predicate ([`readable_id`]).
    pub id: Option<String>,
    /// A note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What is claimed about the subject (`date`, `tally`, `vote:<member>`, …).
    pub predicate: String,
    /// Id of the source the claim comes from.
    pub source: String,
    /// What the claim is about.
    pub subject: String,
    /// Id of the claim this one corrects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// The value as typed: a JSON object for structured predicates (tally, anniversary, quote),
    /// any other text as it is.
    #[serde(skip)]
    pub value: String,
}

/// A source or a claim.
#[derive(Debug, Clone)]
pub enum NewRecord {
    /// Register a source.
    Source(NewSource),
    /// Assert a claim.
    Claim(NewClaim),
}

/// What to add.
#[derive(Debug, Clone)]
pub struct AddInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// The directory a source's `text_file` is relative to and must stay under.
    pub base: &'a Path,
    /// The record.
    pub record: NewRecord,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// The import line a record given field by field becomes.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Line<'a> {
    Source(&'a NewSource),
    Claim {
        #[serde(flatten)]
        claim: &'a NewClaim,
        value: Json,
    },
    Retract {
        reason: &'a str,
        target: &'a str,
    },
    Dismissal {
        flag: &'a str,
        reason: &'a str,
    },
}

/// Adds one source or claim, checked as an import line is, and against the ledger.
pub fn add(
    ledger: &mut Ledger,
    input: AddInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    if let NewRecord::Claim(c) = &input.record {
        if c.id.is_none() {
            let mut named = c.clone();
            named.id = Some(readable_id(ledger, &c.source, &c.predicate)?);
            let input = AddInput {
                record: NewRecord::Claim(named),
                ..input
            };
            return add(ledger, input, stamp);
        }
    }
    let prepared = prepare(&input)?;
    let mut report = append_records(
        ledger,
        input.label,
        prepared.records,
        stamp,
        input.durability,
    )?;
    report.id = Some(match &input.record {
        NewRecord::Source(s) => s.id.clone(),
        NewRecord::Claim(c) => c.id.clone().unwrap_or_default(),
    });
    Ok(report)
}

/// A readable id for a claim given none: its source and predicate (`reuters-date`), then
/// `-2`, `-3`… for the next claims of that source and predicate (`reuters-date-2`). Characters
/// an id may not hold become `-`; the predicate's spelling is normalised first, so `Date` and
/// `date` share one series.
pub fn readable_id(ledger: &Ledger, source: &str, predicate: &str) -> Result<String, ImportError> {
    let predicate = crate::model::value::normalise_predicate(predicate)
        .unwrap_or_else(|_| predicate.to_string());
    let slug = |s: &str| -> String {
        let mut out = String::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':') {
                c
            } else {
                '-'
            };
            if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
                out.push(c);
            }
        }
        out.trim_end_matches('-').to_string()
    };
    let mut base = format!("{}-{}", slug(source), slug(&predicate));
    base = base.trim_matches('-').to_string();
    if base.is_empty() {
        base = "claim".into();
    }
    // Room for `-NNNNNN` within the id limit.
    let max = crate::intake::import::MAX_ID_CHARS - 8;
    if base.len() > max {
        base.truncate(max);
    }
    for n in 1u64.. {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if ledger.find(&id)?.is_none() {
            return Ok(id);
        }
    }
    unreachable!("an unused id is found before the counter runs out")
}

/// Validates one record given as fields and appends it (shared with retract).
pub(crate) fn append_line(
    ledger: &mut Ledger,
    label: &str,
    base: &Path,
    line: &Line<'_>,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let record = line_record(label, base, line)?;
    append_records(ledger, label, vec![(0, record)], stamp, durability)
}

/// The record a line given as fields becomes, checked as an import line is.
pub(crate) fn line_record(
    label: &str,
    base: &Path,
    line: &Line<'_>,
) -> Result<Record, ImportError> {
    let invalid = |message: String| ImportError::Invalid {
        label: label.to_string(),
        message,
    };
    let obj = serde_json::to_value(line).map_err(|e| invalid(e.to_string()))?;
    parse_record(&obj, base).map_err(|e| invalid(e.to_string()))
}

/// [`add`]'s checks without the append: the request the desk server's writer commits in a group
/// ([`super::group`]).
pub fn prepare(input: &AddInput<'_>) -> Result<Prepared, ImportError> {
    let invalid = |message: String| ImportError::Invalid {
        label: input.label.to_string(),
        message,
    };
    let value;
    let line = match &input.record {
        NewRecord::Source(s) => Line::Source(s),
        NewRecord::Claim(c) => {
            value = match serde_json::from_str::<Json>(&c.value) {
                Ok(Json::Object(_) | Json::Number(_)) => parse_json(&c.value)
                    .map_err(|m| invalid(format!("claim field 'value': {m}")))?,
                _ => Json::String(c.value.clone()),
            };
            Line::Claim {
                claim: c,
                value: value.clone(),
            }
        }
    };
    let record = line_record(input.label, input.base, &line)?;
    Ok(Prepared {
        label: input.label.to_string(),
        records: vec![(0, record)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::{bodies, import, ledger, stamp, CLAIM, SOURCE};

    fn add_one(ledger: &mut Ledger, record: NewRecord) -> Result<AppendReport, ImportError> {
        let input = AddInput {
            label: "<arguments>",
            base: Path::new("."),
            record,
            durability: Durability::Synced,
        };
        add(ledger, input, &stamp())
    }

    fn claim(value: &str) -> NewClaim {
        NewClaim {
            id: Some("c1".into()),
            predicate: "outcome".into(),
            source: "s1".into(),
            subject: "S/RES/2774".into(),
            value: value.into(),
            ..NewClaim::default()
        }
    }

    #[test]
    fn added_records_are_the_events_import_lines_make() {
        let (_a, mut imported) = ledger();
        import(&mut imported, &format!("{SOURCE}\n{CLAIM}\n")).unwrap();
        let (_b, mut added) = ledger();
        let source = NewSource {
            id: "s1".into(),
            kind: Some("primary".into()),
            title: Some("Record".into()),
            ..NewSource::default()
        };
        add_one(&mut added, NewRecord::Source(source)).unwrap();
        let report = add_one(&mut added, NewRecord::Claim(claim("adopted"))).unwrap();
        assert_eq!((report.file.as_str(), report.appended), ("<arguments>", 1));
        assert_eq!(bodies(&added), bodies(&imported));
    }

    #[test]
    fn a_bad_field_is_named_and_nothing_is_appended() {
        let (_dir, mut ledger) = ledger();
        let e = add_one(&mut ledger, NewRecord::Claim(claim(r#"{"a":1,"a":2}"#))).unwrap_err();
        assert!(
            matches!(&e, ImportError::Invalid { message, .. } if message.starts_with("claim field 'value'")),
            "{e:?}"
        );
        let source = NewSource {
            id: "has space".into(),
            ..NewSource::default()
        };
        let e = add_one(&mut ledger, NewRecord::Source(source)).unwrap_err();
        assert!(matches!(e, ImportError::Invalid { .. }), "{e:?}");
        // A claim whose source is not in the ledger is a planning problem, not tied to a line.
        let e = add_one(&mut ledger, NewRecord::Claim(claim("adopted"))).unwrap_err();
        match e {
            ImportError::Refused { problems, .. } => assert_eq!(problems[0].line, 0),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(ledger.head().seq, 0);
    }
}
