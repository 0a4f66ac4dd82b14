//! `extract`: candidate claims read out of an article, either a text the desk has in hand or the
//! archived text of a source already in the ledger (`docs/extract.md`).
//!
//! Nothing is appended: the result is a list of candidates, each renderable as an import line
//! ([`Candidate::to_import_line`]) that the desk reviews and imports.

use crate::error::LedgerError;
use crate::intake::extract::{
    extract as read_candidates, Alternative, Candidate, ExtractOptions, ImportLine,
};
use crate::intake::validate::{check_id, IdError};
use crate::model::date::{DateError, StatedDate};
use crate::model::event::EventBody;
use crate::Ledger;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Why an extraction could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The article is not UTF-8.
    #[error("{label}:{line}: the text is not UTF-8 (invalid byte at column {column}); convert it to UTF-8 first")]
    NotUtf8 {
        /// The file as named.
        label: String,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based byte column of it in that line.
        column: usize,
    },
    /// `--source` is not an id the import accepts.
    #[error("--source: {0}")]
    BadSourceId(IdError),
    /// `--published` is not a date.
    #[error("--published: {0}")]
    BadPublished(DateError),
    /// No source with this id in the ledger (or the id is a claim's).
    #[error("no source with id '{id}' in the ledger{}", if *.is_claim { " (it is a claim's id)" } else { "" })]
    UnknownSource {
        /// The id given.
        id: String,
        /// True when the id belongs to a claim.
        is_claim: bool,
    },
    /// The source has no archived text to read.
    #[error("source '{id}' has no archived text in the ledger")]
    NoText {
        /// The source's id.
        id: String,
    },
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// What to extract from.
#[derive(Debug, Clone, Default)]
pub struct ExtractRequest {
    /// The source id the candidates will cite.
    pub source: String,
    /// The publication date as given (`--published`), read as the import reads dates.
    pub published: Option<String>,
    /// The subject to use where the text names none (`--subject`).
    pub subject: Option<String>,
}

/// One candidate as `extract --json` lists it (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct ExtractedCandidate {
    /// Other readings of the same words.
    pub alternatives: Vec<Alternative>,
    /// Who made the statement, for quotes and attributed statements.
    pub claimant: Option<String>,
    /// How sure the extractor is, 0 to 1, to two decimals.
    pub confidence: f64,
    /// The verbatim words it was read from.
    pub excerpt: String,
    /// The claim id its import line uses.
    pub id: String,
    /// The import-format line for it (with its `candidate` object).
    pub import_line: ImportLine,
    /// 1-based line of the excerpt in the text.
    pub line: usize,
    /// Byte offset of the excerpt in the text.
    pub offset: usize,
    /// The predicate.
    pub predicate: String,
    /// How a relative date or an anniversary's date was worked out.
    pub resolution: Option<String>,
    /// What it is about.
    pub subject: String,
    /// True when the text does not name the subject and it was guessed.
    pub subject_guessed: bool,
    /// The typed value, as the import format writes it.
    pub value: Json,
}

/// What `extract` found (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    /// The candidates, in the order of the text.
    pub candidates: Vec<ExtractedCandidate>,
    /// How many candidates per predicate family (`vote` for every `vote:<member>`).
    pub counts: BTreeMap<String, usize>,
    /// How many candidates have a guessed subject.
    pub guessed_subjects: usize,
    /// The publication date relative dates were read against, as written.
    pub published: Option<String>,
    /// The source id.
    pub source: String,
    /// The default subject given, if any.
    pub subject: Option<String>,
    /// Where the text came from: the file as named, or `ledger:<source>`.
    pub text: String,
}

impl Extraction {
    /// The import lines, one per candidate, in order.
    pub fn import_lines(&self) -> impl Iterator<Item = &ImportLine> {
        self.candidates.iter().map(|c| &c.import_line)
    }
}

fn options(
    request: &ExtractRequest,
    fallback_published: Option<StatedDate>,
) -> Result<ExtractOptions, ExtractError> {
    check_id(&request.source, &format!("source '{}'", request.source))
        .map_err(ExtractError::BadSourceId)?;
    let published = match &request.published {
        Some(p) => Some(StatedDate::parse(p).map_err(ExtractError::BadPublished)?),
        None => fallback_published,
    };
    Ok(ExtractOptions {
        source: request.source.clone(),
        published,
        default_subject: request
            .subject
            .as_ref()
            .map(|s| crate::model::value::collapse(s))
            .filter(|s| !s.is_empty()),
    })
}

fn family(predicate: &str) -> String {
    match predicate.split_once(':') {
        Some((f, _)) => f.to_string(),
        None => predicate.to_string(),
    }
}

fn report(
    text: &str,
    label: String,
    opts: &ExtractOptions,
    request: &ExtractRequest,
) -> Extraction {
    let found = read_candidates(text, opts);
    let mut counts = BTreeMap::new();
    let candidates: Vec<ExtractedCandidate> = found
        .into_iter()
        .map(|c: Candidate| {
            *counts.entry(family(&c.predicate)).or_insert(0) += 1;
            let import_line = c.import_line();
            let confidence = c.confidence_rounded();
            ExtractedCandidate {
                id: c.id(),
                import_line,
                alternatives: c.alternatives,
                claimant: c.claimant,
                confidence,
                excerpt: c.excerpt,
                line: c.line,
                offset: c.offset,
                predicate: c.predicate,
                resolution: c.resolution,
                subject: c.subject,
                subject_guessed: c.subject_guessed,
                value: c.value,
            }
        })
        .collect();
    Extraction {
        guessed_subjects: candidates.iter().filter(|c| c.subject_guessed).count(),
        candidates,
        counts,
        published: opts.published.as_ref().map(|d| d.as_written.clone()),
        source: request.source.clone(),
        subject: opts.default_subject.clone(),
        text: label,
    }
}

/// Candidates from a text the desk has in hand (`label` names it in messages). The ledger is not
/// read; relative dates need `request.published`.
pub fn extract_text(
    bytes: &[u8],
    label: &str,
    request: &ExtractRequest,
) -> Result<Extraction, ExtractError> {
    let opts = options(request, None)?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        ExtractError::NotUtf8 {
            label: label.to_string(),
            line,
            column: e.valid_up_to() - line_start + 1,
        }
    })?;
    // A byte-order mark is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(report(text, label.to_string(), &opts, request))
}

/// Candidates from the archived text of `request.source`, already in the ledger; relative dates
/// are read against `request.published`, else the source's own publication date.
pub fn extract_source(
    ledger: &Ledger,
    request: &ExtractRequest,
) -> Result<Extraction, ExtractError> {
    check_id(&request.source, &format!("source '{}'", request.source))
        .map_err(ExtractError::BadSourceId)?;
    let source = match ledger.find(&request.source)? {
        Some(e) => match e.body {
            EventBody::SourceRegistered(s) => s,
            _ => {
                return Err(ExtractError::UnknownSource {
                    id: request.source.clone(),
                    is_claim: true,
                })
            }
        },
        None => {
            return Err(ExtractError::UnknownSource {
                id: request.source.clone(),
                is_claim: false,
            })
        }
    };
    let no_text = || ExtractError::NoText {
        id: request.source.clone(),
    };
    let text_ref = source.text.as_ref().ok_or_else(no_text)?;
    let text = ledger.text(&text_ref.hash)?.ok_or_else(no_text)?;
    let opts = options(request, source.published.clone())?;
    Ok(report(
        &text,
        format!("ledger:{}", request.source),
        &opts,
        request,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(published: Option<&str>) -> ExtractRequest {
        ExtractRequest {
            source: "wire-1".into(),
            published: published.map(String::from),
            subject: None,
        }
    }

    #[test]
    fn a_text_gives_candidates_with_import_lines_carrying_a_candidate_object() {
        let text = "On Monday, the Security Council adopted S/RES/2774 by 10 votes to 0, with 5 abstentions.";
        let x = extract_text(text.as_bytes(), "a.txt", &request(Some("2025-02-26"))).unwrap();
        assert_eq!(x.counts.get("tally"), Some(&1));
        let date = x.candidates.iter().find(|c| c.predicate == "date").unwrap();
        assert!(date.resolution.is_some());
        let line = serde_json::to_value(&date.import_line).unwrap();
        assert_eq!(line["type"], "claim");
        assert_eq!(line["source"], "wire-1");
        assert_eq!(line["candidate"]["line"], 1);
        assert!(line["candidate"]["confidence"].is_number());
    }

    #[test]
    fn bad_input_is_a_typed_error_naming_where() {
        match extract_text(b"ok\nab\xffc", "a.txt", &request(None)) {
            Err(ExtractError::NotUtf8 {
                label,
                line: 2,
                column: 3,
            }) => assert_eq!(label, "a.txt"),
            other => panic!("{other:?}"),
        }
        match extract_text(b"x", "a.txt", &request(Some("2025-02-30"))) {
            Err(ExtractError::BadPublished(_)) => {}
            other => panic!("{other:?}"),
        }
        let bad_id = ExtractRequest {
            source: "no spaces".into(),
            ..request(None)
        };
        assert!(matches!(
            extract_text(b"x", "a.txt", &bad_id),
            Err(ExtractError::BadSourceId(_))
        ));
    }
}
