//! The JSON Lines import format (see `docs/import-format.md`): parsing every line into a record,
//! and deciding, against the ledger and the earlier lines, which records become new events.
//!
//! Import is all-or-nothing: every line is checked first, and a single problem anywhere means
//! nothing is appended. Problems carry their line number so the CLI can print `FILE:LINE: message`.

use crate::error::Result;
use crate::intake::validate;
use crate::intake::validate::{FieldProblem, Rule};
use crate::ledger::Draft;
use crate::model::date::{DateError, StatedDate};
use crate::model::event::{
    Claim, Dismissal, EventBody, Retraction, Review, Scale, Setting, Source, SourceKind,
    SourceRevision, SubjectAlias, TextRef, Withdrawal,
};
use crate::model::value::{collapse, normalise_predicate, Value, ValueError};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use crate::intake::plan::{plan, plan_alongside, Plan, PlanError};
pub use crate::intake::validate::{
    check_id, MAX_CITES, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_BYTES,
};

/// Longest accepted line, in bytes (archived texts travel inline, so this is generous).
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;
/// Most problems reported for one import before the rest are only counted.
pub const MAX_REPORTED_PROBLEMS: usize = 50;

/// One problem with the input, at a line (1-based; 0 when not tied to a line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line number in the input.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Why one line of the import format (or one record given as fields) is not acceptable. Its
/// message is what the CLI prints after `FILE:LINE: `.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The line is over [`MAX_LINE_BYTES`].
    #[error("line is {len} bytes; the limit is {MAX_LINE_BYTES} (put long archived texts in a text_file)")]
    LineTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The line is not UTF-8.
    #[error("line is not valid UTF-8 (at byte {at})")]
    LineNotUtf8 {
        /// The first bad byte, 1-based.
        at: usize,
    },
    /// The line holds a NUL byte.
    #[error("line contains a NUL byte (at byte {at})")]
    LineHasNul {
        /// Where, 1-based.
        at: usize,
    },
    /// The line is not JSON, or JSON that would not be read as written.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// The line is JSON but not an object.
    #[error("expected a JSON object, found {found}")]
    NotAnObject {
        /// What it is (`an array`).
        found: &'static str,
    },
    /// The record has no `type`.
    #[error("record is missing field 'type' (source, claim, retract, alias, source-version, withdrawal, dismissal, review, scale or setting)")]
    NoType,
    /// `type` is not a string.
    #[error("field 'type' must be a string, found {found}")]
    TypeNotAString {
        /// What it is.
        found: &'static str,
    },
    /// `type` names no record type.
    #[error("unknown record type '{shown}' (expected source, claim, retract, alias, source-version, withdrawal, dismissal, review, scale or setting){suggestion}")]
    UnknownType {
        /// The type given, escaped.
        shown: String,
        /// `; did you mean 'claim'?` when one is close, else empty.
        suggestion: String,
    },
    /// A field that must be a string is not.
    #[error("{record} field '{field}' must be a string, found {found}")]
    NotAString {
        /// The record type.
        record: &'static str,
        /// The field.
        field: String,
        /// What it is.
        found: &'static str,
    },
    /// A required field is missing (or null).
    #[error("{record} record is missing required field '{field}'")]
    MissingField {
        /// The record type.
        record: &'static str,
        /// The field.
        field: &'static str,
    },
    /// Fields the record type does not have: every one of them, each with the nearest allowed
    /// field when one is close (`'subjet' (did you mean 'subject'?)`).
    #[error("{record} record has unknown field{} {} (allowed: {allowed})", if .fields.len() == 1 { "" } else { "s" }, .fields.join(", "))]
    UnknownField {
        /// The record type.
        record: &'static str,
        /// The fields given, quoted, each with its suggestion.
        fields: Vec<String>,
        /// The fields it may have, comma-separated.
        allowed: String,
    },
    /// A source `kind` other than primary or secondary.
    #[error("source field 'kind' is '{shown}'; it must be primary or secondary (in any case)")]
    SourceKind {
        /// The kind given, escaped.
        shown: String,
    },
    /// A source `published` date that does not parse.
    #[error("source field 'published': {0}")]
    Published(DateError),
    /// `cites` is not an array.
    #[error("source field 'cites' must be an array of ids, found {found}")]
    CitesNotAnArray {
        /// What it is.
        found: &'static str,
    },
    /// An element of `cites` is not a string.
    #[error("source field 'cites' must hold ids (strings), found {found}")]
    CitesNotIds {
        /// What the element is.
        found: &'static str,
    },
    /// More than [`MAX_CITES`] citations.
    #[error("source cites {count} sources; the limit is {MAX_CITES}")]
    TooManyCites {
        /// How many it lists.
        count: usize,
    },
    /// Both `text` and `text_file`.
    #[error("source has both 'text' and 'text_file'; give one")]
    TextAndTextFile,
    /// A claim's `candidate` (what `extract` adds for review) is not an object.
    #[error("claim field 'candidate' must be an object (extract's review notes), found {found}")]
    CandidateNotAnObject {
        /// What it is.
        found: &'static str,
    },
    /// An archived text (inline or from a file) breaks a rule.
    #[error("{field} {rule}")]
    Text {
        /// Where it came from (`source field 'text'`, `text_file 'a.txt'`).
        field: String,
        /// The rule it breaks.
        rule: Rule,
    },
    /// A `text_file` could not be read, or may not be.
    #[error(transparent)]
    TextFile(#[from] TextFileError),
    /// The predicate or the value is not acceptable.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// An outcome in no accepted form (said as a value's own messages are, without the field).
    #[error("{0}")]
    Outcome(#[source] crate::intake::reported::ReportedError),
    /// A tally written as a reporter writes it, in no accepted form.
    #[error("claim field 'value': {0}")]
    Reported(#[from] crate::intake::reported::ReportedError),
    /// Fields break the rules of [`validate::event`], all of them listed.
    #[error("{}", validate::describe(.0))]
    Rules(Vec<FieldProblem>),
    /// A field of a review, scale or setting is not in a form it can be read in.
    #[error("{record} field '{field}': {problem}")]
    BadField {
        /// The record type.
        record: &'static str,
        /// The field (`steps[2].value`).
        field: String,
        /// What is wrong.
        problem: String,
    },
}

/// Why a `text_file` was not archived. `path` is the path as the line gives it.
#[derive(Debug, thiserror::Error)]
pub enum TextFileError {
    /// The import file's directory could not be resolved.
    #[error("text_file '{path}': its base directory: {source}")]
    Base {
        /// The path as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// Resolving, inspecting or reading the file failed.
    #[error("text_file '{path}': {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file resolves outside the import file's directory.
    #[error("text_file '{path}' is outside the import file's directory {} (it resolves to {}); archived texts must be under it", root.display(), resolved.display())]
    Outside {
        /// The path as given.
        path: String,
        /// The directory it must be under.
        root: PathBuf,
        /// Where it resolves to.
        resolved: PathBuf,
    },
    /// Not a regular file (a FIFO, a device, a directory).
    #[error("text_file '{path}' is not a regular file")]
    NotAFile {
        /// The path as given.
        path: String,
    },
    /// Larger than [`MAX_TEXT_BYTES`].
    #[error("text_file '{path}' is {len} bytes; the limit is {MAX_TEXT_BYTES}")]
    TooLarge {
        /// The path as given.
        path: String,
        /// Its size.
        len: u64,
    },
    /// It grew past the limit while being read.
    #[error("text_file '{path}' is over the limit of {MAX_TEXT_BYTES} bytes")]
    Grew {
        /// The path as given.
        path: String,
    },
    /// Not UTF-8.
    #[error("text_file '{path}' is not valid UTF-8 (byte {at})")]
    NotUtf8 {
        /// The path as given.
        path: String,
        /// Length of the valid prefix.
        at: usize,
    },
}

/// JSON that does not parse, or that serde_json would not hold as written.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Not JSON.
    #[error("malformed JSON: {}", malformed(.0))]
    Malformed(serde_json::Error),
    /// A key given twice in one object (serde_json would keep the last).
    #[error("duplicate key '{key}'{} (a key may appear once in an object)", in_path(.within))]
    DuplicateKey {
        /// The key, escaped.
        key: String,
        /// The path of the object holding it (`value`), empty at the top.
        within: String,
    },
    /// A number serde_json cannot hold exactly.
    #[error("{}the number {number} {why}", at_path(.path))]
    InexactNumber {
        /// The path of the value (`value.yes`), empty at the top.
        path: String,
        /// The number as written.
        number: String,
        /// What would become of it.
        why: Inexact,
    },
}

/// Why a number cannot be held exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inexact {
    /// Out of range (`1e400`).
    #[error("cannot be held exactly (it is out of range)")]
    OutOfRange,
    /// Rounded (`9007199254740993.0` to `9007199254740994.0`).
    #[error("cannot be held exactly (it would become {held})")]
    Rounded {
        /// What serde_json would hold.
        held: String,
    },
}

/// serde_json's message, its "at line 1 column N" said as "(column N)": the line is ours to give.
fn malformed(e: &serde_json::Error) -> String {
    let m = e.to_string();
    match m.find(" at line 1 column ") {
        Some(i) => format!(
            "{} (column {})",
            &m[..i],
            &m[i + " at line 1 column ".len()..]
        ),
        None => m,
    }
}

fn in_path(within: &str) -> String {
    if within.is_empty() {
        String::new()
    } else {
        format!(" in '{within}'")
    }
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("'{path}': ")
    }
}

/// A parsed, validated import record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A source, with its archived text when one was given.
    Source(Source, Option<String>),
    /// A claim.
    Claim(Claim),
    /// A retraction.
    Retract(Retraction),
    /// A flag dismissed by the desk, by its stable id.
    Dismissal(Dismissal),
    /// Another name for a subject.
    Alias(SubjectAlias),
    /// A new version of a source, with its archived text.
    SourceVersion(SourceRevision, Option<String>),
    /// A publisher's withdrawal of a source.
    Withdrawal(Withdrawal),
    /// A verdict on a claim.
    Review(Review),
    /// A rating scale.
    Scale(Scale),
    /// A ledger setting.
    Setting(Setting),
}

pub(super) use crate::model::value::describe as kind_of;

/// The record types an import line may have.
const RECORD_TYPES: [&str; 10] = [
    "source",
    "claim",
    "retract",
    "alias",
    "source-version",
    "withdrawal",
    "dismissal",
    "review",
    "scale",
    "setting",
];

pub(super) struct Fields<'a> {
    pub(super) map: &'a Map<String, Json>,
    pub(super) kind: &'static str,
}

impl<'a> Fields<'a> {
    pub(super) fn get(&self, key: &str) -> Option<&'a Json> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn str_opt(&self, key: &str) -> Result<Option<&'a str>, RecordError> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(other) => Err(RecordError::NotAString {
                record: self.kind,
                field: key.to_string(),
                found: kind_of(other),
            }),
        }
    }

    pub(super) fn str_req(&self, key: &'static str) -> Result<&'a str, RecordError> {
        self.str_opt(key)?.ok_or(self.missing(key))
    }

    pub(super) fn missing(&self, field: &'static str) -> RecordError {
        RecordError::MissingField {
            record: self.kind,
            field,
        }
    }

    // Ids, texts and names are only read here; their rules are `validate::event`'s, checked
    // once the record is built.
    pub(super) fn string(&self, key: &'static str) -> Result<String, RecordError> {
        self.str_req(key).map(str::to_string)
    }

    pub(super) fn string_opt(&self, key: &str) -> Result<Option<String>, RecordError> {
        Ok(self.str_opt(key)?.map(str::to_string))
    }

    /// A subject or predicate, whitespace collapsed.
    fn name(&self, key: &'static str) -> Result<String, RecordError> {
        Ok(collapse(self.str_req(key)?))
    }

    /// Refuses every field not in `allowed`, all of them in one message.
    pub(super) fn only(&self, allowed: &[&str]) -> Result<(), RecordError> {
        let fields: Vec<String> = self
            .map
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()))
            .map(|k| {
                format!(
                    "'{}'{}",
                    k.escape_debug(),
                    crate::intake::suggest::did_you_mean(k, allowed)
                )
            })
            .collect();
        if fields.is_empty() {
            Ok(())
        } else {
            Err(RecordError::UnknownField {
                record: self.kind,
                fields,
                allowed: allowed.join(", "),
            })
        }
    }
}

impl Record {
    /// The event body this record becomes (a copy).
    pub(crate) fn to_body(&self) -> EventBody {
        match self {
            Record::Source(s, _) => EventBody::SourceRegistered(s.clone()),
            Record::Claim(c) => EventBody::ClaimAsserted(c.clone()),
            Record::Retract(r) => EventBody::Retracted(r.clone()),
            Record::Dismissal(d) => EventBody::FlagDismissed(d.clone()),
            Record::Alias(a) => EventBody::SubjectAliased(a.clone()),
            Record::SourceVersion(r, _) => EventBody::SourceRevised(r.clone()),
            Record::Withdrawal(w) => EventBody::SourceWithdrawn(w.clone()),
            Record::Review(r) => EventBody::ClaimReviewed(r.clone()),
            Record::Scale(sc) => EventBody::ScaleDeclared(sc.clone()),
            Record::Setting(st) => EventBody::SettingRecorded(st.clone()),
        }
    }
}

/// The draft a record is appended as: its event body, and a source's archived text.
impl From<Record> for Draft {
    fn from(record: Record) -> Draft {
        match record {
            Record::Source(s, text) => Draft {
                body: EventBody::SourceRegistered(s),
                text,
            },
            Record::Claim(c) => Draft {
                body: EventBody::ClaimAsserted(c),
                text: None,
            },
            Record::Retract(r) => Draft {
                body: EventBody::Retracted(r),
                text: None,
            },
            Record::Dismissal(d) => Draft {
                body: EventBody::FlagDismissed(d),
                text: None,
            },
            Record::Alias(a) => Draft {
                body: EventBody::SubjectAliased(a),
                text: None,
            },
            Record::SourceVersion(r, text) => Draft {
                body: EventBody::SourceRevised(r),
                text,
            },
            other => Draft {
                body: other.to_body(),
                text: None,
            },
        }
    }
}

/// Parses one JSON object (a line of the import format, or flags of `add`) into a record, and
/// checks it against the field rules of [`validate::event`].
/// `base` is the directory `text_file` paths are relative to and must stay under.
pub fn parse_record(obj: &Json, base: &Path) -> Result<Record, RecordError> {
    let record = read_record(obj, base)?;
    validate::event(&record.to_body()).map_err(RecordError::Rules)?;
    Ok(record)
}

fn read_record(obj: &Json, base: &Path) -> Result<Record, RecordError> {
    let map = obj.as_object().ok_or(RecordError::NotAnObject {
        found: kind_of(obj),
    })?;
    let ty = match map.get("type") {
        Some(Json::String(s)) => s.as_str(),
        Some(other) => {
            return Err(RecordError::TypeNotAString {
                found: kind_of(other),
            })
        }
        None => return Err(RecordError::NoType),
    };
    // Record types are words, read in any case, as predicates and source kinds are.
    match ty.trim().to_lowercase().as_str() {
        "source" => parse_source(
            &Fields {
                map,
                kind: "source",
            },
            base,
        ),
        "claim" => parse_claim(&Fields { map, kind: "claim" }),
        "retract" => {
            let f = Fields {
                map,
                kind: "retract",
            };
            f.only(&["type", "target", "reason"])?;
            let target = f.string("target")?;
            let reason = f.string_opt("reason")?.ok_or(f.missing("reason"))?;
            Ok(Record::Retract(Retraction { target, reason }))
        }
        "dismissal" => {
            let f = Fields {
                map,
                kind: "dismissal",
            };
            f.only(&["type", "flag", "reason"])?;
            let flag = f.string("flag")?;
            let reason = f.string_opt("reason")?.ok_or(f.missing("reason"))?;
            Ok(Record::Dismissal(Dismissal { flag, reason }))
        }
        "alias" => parse_alias(&Fields { map, kind: "alias" }),
        "source-version" => parse_source_version(
            &Fields {
                map,
                kind: "source-version",
            },
            base,
        ),
        "withdrawal" => parse_withdrawal(&Fields {
            map,
            kind: "withdrawal",
        }),
        "review" => super::verdicts::parse_review(&Fields {
            map,
            kind: "review",
        }),
        "scale" => super::verdicts::parse_scale(&Fields { map, kind: "scale" }),
        "setting" => super::verdicts::parse_setting(&Fields {
            map,
            kind: "setting",
        }),
        _ => Err(RecordError::UnknownType {
            shown: ty.escape_debug().to_string(),
            suggestion: crate::intake::suggest::closest(ty, RECORD_TYPES, 2, 1)
                .first()
                .map(|t| format!("; did you mean '{t}'?"))
                .unwrap_or_default(),
        }),
    }
}

/// `{"type":"alias","alias":…,"subject":…}`: another name for a subject.
fn parse_alias(f: &Fields) -> Result<Record, RecordError> {
    f.only(&["type", "alias", "subject"])?;
    Ok(Record::Alias(SubjectAlias {
        alias: f.name("alias")?,
        subject: f.name("subject")?,
    }))
}

/// `{"type":"source-version","source":…,"text"|"text_file":…}`: a new version of a source with
/// its new archived text (required: a version is its words), and optionally its new title and
/// address and a note on what changed.
fn parse_source_version(f: &Fields, base: &Path) -> Result<Record, RecordError> {
    f.only(&[
        "type",
        "source",
        "text",
        "text_file",
        "title",
        "url",
        "note",
    ])?;
    let source = f.string("source")?;
    let text = match (f.str_opt("text")?, f.str_opt("text_file")?) {
        (Some(_), Some(_)) => return Err(RecordError::TextAndTextFile),
        (Some(t), None) => {
            validate::archived_text(t).map_err(|rule| RecordError::Text {
                field: "source-version field 'text'".into(),
                rule,
            })?;
            t.to_string()
        }
        (None, Some(p)) => {
            let t = read_text_file(base, p)?;
            validate::archived_text(&t).map_err(|rule| RecordError::Text {
                field: format!("text_file '{p}'"),
                rule,
            })?;
            t
        }
        (None, None) => return Err(f.missing("text")),
    };
    let text_ref = TextRef {
        hash: *blake3::hash(text.as_bytes()).as_bytes(),
        len: text.len() as u64,
    };
    Ok(Record::SourceVersion(
        SourceRevision {
            source,
            text: Some(text_ref),
            title: f.string_opt("title")?,
            url: f.string_opt("url")?,
            note: f.string_opt("note")?,
        },
        Some(text),
    ))
}

/// `{"type":"withdrawal","source":…,"reason":…}`: the publisher withdrew a source.
fn parse_withdrawal(f: &Fields) -> Result<Record, RecordError> {
    f.only(&["type", "source", "reason"])?;
    Ok(Record::Withdrawal(Withdrawal {
        source: f.string("source")?,
        reason: f.string("reason")?,
    }))
}

fn parse_source(f: &Fields, base: &Path) -> Result<Record, RecordError> {
    f.only(&[
        "type",
        "id",
        "kind",
        "publisher",
        "title",
        "url",
        "published",
        "cites",
        "text",
        "text_file",
    ])?;
    let id = f.string("id")?;
    let kind = match f.str_opt("kind")?.map(|k| k.trim().to_lowercase()) {
        None => SourceKind::Secondary,
        Some(k) if k == "primary" => SourceKind::Primary,
        Some(k) if k == "secondary" => SourceKind::Secondary,
        Some(_) => {
            return Err(RecordError::SourceKind {
                shown: f
                    .str_opt("kind")?
                    .unwrap_or_default()
                    .escape_debug()
                    .to_string(),
            })
        }
    };
    let published = match f.str_opt("published")? {
        None => None,
        Some(s) => Some(StatedDate::parse(s).map_err(RecordError::Published)?),
    };
    let mut cites = Vec::new();
    match f.get("cites") {
        None => {}
        Some(Json::Array(items)) => {
            if items.len() > MAX_CITES {
                return Err(RecordError::TooManyCites { count: items.len() });
            }
            for item in items {
                let cited = item.as_str().ok_or(RecordError::CitesNotIds {
                    found: kind_of(item),
                })?;
                if !cites.iter().any(|c| c == cited) {
                    cites.push(cited.to_string());
                }
            }
        }
        Some(other) => {
            return Err(RecordError::CitesNotAnArray {
                found: kind_of(other),
            })
        }
    }
    let text = match (f.str_opt("text")?, f.str_opt("text_file")?) {
        (Some(_), Some(_)) => return Err(RecordError::TextAndTextFile),
        (Some(t), None) => Some(t.to_string()),
        (None, Some(p)) => {
            let t = read_text_file(base, p)?;
            validate::archived_text(&t).map_err(|rule| RecordError::Text {
                field: format!("text_file '{p}'"),
                rule,
            })?;
            Some(t)
        }
        (None, None) => None,
    };
    if let (Some(t), None) = (&text, f.get("text_file")) {
        validate::archived_text(t).map_err(|rule| RecordError::Text {
            field: "source field 'text'".into(),
            rule,
        })?;
    }
    let text_ref = text.as_ref().map(|t| TextRef {
        hash: *blake3::hash(t.as_bytes()).as_bytes(),
        len: t.len() as u64,
    });
    Ok(Record::Source(
        Source {
            id,
            kind,
            publisher: f.string_opt("publisher")?,
            title: f.string_opt("title")?,
            url: f.string_opt("url")?,
            published,
            cites,
            text: text_ref,
        },
        text,
    ))
}

/// Reads a `text_file`, which must resolve (after symlinks) to a regular file under `base`: an
/// import line must not be able to archive `~/.ssh/id_ed25519` or `../../etc/passwd` into a
/// ledger that is then published in every bundle.
fn read_text_file(base: &Path, as_given: &str) -> Result<String, TextFileError> {
    use std::io::Read;
    let path_given = || as_given.to_string();
    let fail = |source: std::io::Error| TextFileError::Io {
        path: path_given(),
        source,
    };
    let root = std::fs::canonicalize(base).map_err(|source| TextFileError::Base {
        path: path_given(),
        source,
    })?;
    let path = std::fs::canonicalize(base.join(as_given)).map_err(fail)?;
    let outside = |resolved: &Path| TextFileError::Outside {
        path: path_given(),
        root: root.clone(),
        resolved: resolved.to_path_buf(),
    };
    if !path.starts_with(&root) {
        return Err(outside(&path));
    }
    let meta = std::fs::metadata(&path).map_err(fail)?;
    // Only regular files: a FIFO would block the import, /dev/zero would never end.
    if !meta.is_file() {
        return Err(TextFileError::NotAFile { path: path_given() });
    }
    if meta.len() > MAX_TEXT_BYTES as u64 {
        return Err(TextFileError::TooLarge {
            path: path_given(),
            len: meta.len(),
        });
    }
    let file = std::fs::File::open(&path).map_err(fail)?;
    // A directory on the way may have been swapped for a symlink since the check: ask the
    // kernel what was actually opened, where it can say.
    if let Some(opened) = opened_path(&file) {
        if !opened.starts_with(&root) {
            return Err(outside(&opened));
        }
    }
    // Read through a limit too: the file may grow between the check and the read.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_TEXT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(TextFileError::Grew { path: path_given() });
    }
    String::from_utf8(bytes).map_err(|e| TextFileError::NotUtf8 {
        path: path_given(),
        at: e.utf8_error().valid_up_to(),
    })
}

/// The path of an open file as the kernel has it (Linux `/proc/self/fd`); `None` elsewhere.
#[cfg(target_os = "linux")]
fn opened_path(file: &std::fs::File) -> Option<PathBuf> {
    use std::os::unix::io::AsRawFd;
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
}

#[cfg(not(target_os = "linux"))]
fn opened_path(_file: &std::fs::File) -> Option<PathBuf> {
    None
}

fn parse_claim(f: &Fields) -> Result<Record, RecordError> {
    f.only(&[
        "type",
        "id",
        "source",
        "subject",
        "predicate",
        "value",
        "supersedes",
        "note",
        "claimant",
        "excerpt",
        "candidate",
    ])?;
    // `extract` writes its review notes (confidence, line, alternatives…) in one `candidate`
    // object; the import accepts it and ignores what it holds.
    match f.get("candidate") {
        None | Some(Json::Object(_)) => {}
        Some(other) => {
            return Err(RecordError::CandidateNotAnObject {
                found: kind_of(other),
            })
        }
    }
    let id = f.string("id")?;
    let source = f.string("source")?;
    let subject = f.name("subject")?;
    let predicate = normalise_predicate(&f.name("predicate")?)?;
    let raw = f.get("value").ok_or(f.missing("value"))?;
    let value = match (predicate.as_str(), raw) {
        // A tally as a reporter writes it ("93-18-65", "UNGA 93 in favour, 18 against…") reads
        // into the same typed value as the object form.
        ("tally", Json::String(s)) => Value::Tally(crate::intake::reported::parse_tally(s)?),
        ("outcome", Json::String(s)) => {
            Value::Outcome(crate::intake::reported::parse_outcome(s).map_err(RecordError::Outcome)?)
        }
        _ => Value::from_json(&predicate, raw)?,
    };
    let supersedes = f.string_opt("supersedes")?;
    Ok(Record::Claim(Claim {
        id,
        source,
        subject,
        predicate,
        value,
        supersedes,
        note: f.string_opt("note")?,
        claimant: f.string_opt("claimant")?,
        excerpt: f.string_opt("excerpt")?,
    }))
}

/// Parses one line of the import format. `Ok(None)` for a blank line.
pub fn parse_line(bytes: &[u8], base: &Path) -> Result<Option<Record>, RecordError> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(RecordError::LineTooLong { len: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| RecordError::LineNotUtf8 {
        at: e.valid_up_to() + 1,
    })?;
    if let Some(pos) = text.find('\0') {
        return Err(RecordError::LineHasNul { at: pos + 1 });
    }
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_record(&parse_json(text)?, base).map(Some)
}

/// Parses one JSON value, refusing what serde_json's `Value` would change without a word: a key
/// given twice in one object (it keeps the last, so `"type":"claim","type":"source"` would be a
/// source) and a number it cannot hold exactly (it rounds `9007199254740993.0` and `1e-400`).
pub fn parse_json(text: &str) -> Result<Json, JsonError> {
    match serde_json::from_str(text) {
        Ok(json) => {
            lossless(text)?;
            Ok(json)
        }
        Err(e) => {
            // An out-of-range number is a serde_json error without the key; name it.
            lossless(text)?;
            Err(JsonError::Malformed(e))
        }
    }
}

/// Where the scan of [`lossless`] is: inside an object (the keys seen, the current key, and
/// whether a key comes next) or an array (the current index).
enum Frame {
    Object {
        seen: BTreeSet<String>,
        key: Option<String>,
        want_key: bool,
    },
    Array(usize),
}

/// Path of the value being scanned, as `value.yes` or `cites[2]`.
fn json_path(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&k.escape_debug().to_string());
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

/// One scan over the JSON text for repeated keys and inexact numbers. It trusts serde_json for
/// the syntax: on anything it does not expect it stops and lets serde_json report.
fn lossless(text: &str) -> Result<(), JsonError> {
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            open @ (b'{' | b'[') => {
                // Deeper than serde_json's recursion limit is its error to report.
                if stack.len() >= 128 {
                    return Ok(());
                }
                stack.push(if open == b'{' {
                    Frame::Object {
                        seen: BTreeSet::new(),
                        key: None,
                        want_key: true,
                    }
                } else {
                    Frame::Array(0)
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object { want_key, .. }) => *want_key = true,
                    Some(Frame::Array(n)) => *n += 1,
                    None => {}
                }
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { want_key, .. }) = stack.last_mut() {
                    *want_key = false;
                }
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= b.len() {
                    return Ok(());
                }
                i += 1;
                // Both ends are ASCII quotes, so the slice is on character boundaries.
                let token = &text[start..i];
                let depth = stack.len();
                if let Some(Frame::Object {
                    seen,
                    key,
                    want_key: true,
                }) = stack.last_mut()
                {
                    let k = if token.contains('\\') {
                        match serde_json::from_str::<String>(token) {
                            Ok(k) => k,
                            Err(_) => return Ok(()),
                        }
                    } else {
                        token[1..token.len() - 1].to_string()
                    };
                    if seen.contains(&k) {
                        return Err(JsonError::DuplicateKey {
                            key: k.escape_debug().to_string(),
                            within: json_path(&stack[..depth - 1]),
                        });
                    }
                    seen.insert(k.clone());
                    *key = Some(k);
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                if let Err(why) = exact_number(&text[start..i]) {
                    return Err(JsonError::InexactNumber {
                        path: json_path(&stack),
                        number: text[start..i].to_string(),
                        why,
                    });
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Whether serde_json holds the number written as `token` exactly: as the same decimal value
/// (`1e5` is held as `100000.0`, which is fine; `9007199254740993.0` as `9007199254740994.0`,
/// which is not). Tokens that are not JSON numbers are left to serde_json to report.
fn exact_number(token: &str) -> Result<(), Inexact> {
    let is_number = {
        let t = token.strip_prefix('-').unwrap_or(token);
        let (mant, exp) = match t.find(['e', 'E']) {
            Some(p) => (&t[..p], Some(&t[p + 1..])),
            None => (t, None),
        };
        let (int, frac) = match mant.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mant, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
        digits(int)
            && (int == "0" || !int.starts_with('0'))
            && frac.is_none_or(digits)
            && exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
    };
    if !is_number {
        return Ok(());
    }
    match serde_json::from_str::<serde_json::Number>(token) {
        Err(_) => Err(Inexact::OutOfRange),
        Ok(n) => {
            let held = n.to_string();
            match (decimal(token), decimal(&held)) {
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => Err(Inexact::Rounded { held }),
            }
        }
    }
}

/// A decimal number's exact value as (negative, significant digits, power of ten); zero is
/// `(false, "", 0)` whatever its sign. `None` when the exponent does not fit.
fn decimal(s: &str) -> Option<(bool, String, i64)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(p) => (&s[..p], s[p + 1..].parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let all = format!("{int}{frac}");
    let digits = all.trim_start_matches('0');
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    let significant = digits.trim_end_matches('0');
    let exp = exp
        .checked_sub(frac.len() as i64)?
        .checked_add((digits.len() - significant.len()) as i64)?;
    Some((neg, significant.to_string(), exp))
}

/// Splits input into lines, numbering from 1, tolerating a final line without a newline.
pub fn lines(input: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let trimmed = input.strip_suffix(b"\n").unwrap_or(input);
    let empty = input.is_empty();
    trimmed
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(move |_| !empty)
        .map(|(i, l)| (i + 1, l))
}

/// Parses a whole input. Returns the records, or every problem found (parsing continues past
/// bad lines so the user sees them all at once).
pub fn parse_input(input: &[u8], base: &Path) -> (Vec<(usize, Record)>, Vec<Problem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let mut first = true;
    for (line, bytes) in lines(input) {
        let is_first = first && !bytes.iter().all(u8::is_ascii_whitespace);
        if is_first {
            first = false;
        }
        match parse_line(bytes, base) {
            Ok(Some(r)) => records.push((line, r)),
            Ok(None) => {}
            Err(e) => {
                // A whole file in the wrong shape would otherwise be a problem on every line:
                // say once what the shape is and how to fix it.
                if is_first {
                    if let Some(message) = wrong_shape(bytes, &e) {
                        return (Vec::new(), vec![Problem { line, message }]);
                    }
                }
                let mut message = e.to_string();
                if unfinished_object(bytes, &e)
                    || matches!(e, RecordError::NotAnObject { found: "an array" })
                {
                    message.push_str(&format!("; {ONE_PER_LINE}"));
                }
                problems.push(Problem { line, message });
            }
        }
    }
    (records, problems)
}

/// The ids the refused lines of an input would have registered, by id with the line: the plan
/// does not report a later line that names one of them as unknown, since the problem is the
/// refused line's, already reported.
pub fn refused_ids(input: &[u8], problems: &[Problem]) -> BTreeMap<String, usize> {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let bad: BTreeSet<usize> = problems.iter().map(|p| p.line).collect();
    lines(input)
        .filter(|(n, _)| bad.contains(n))
        .filter_map(|(n, bytes)| {
            let json: Json = serde_json::from_slice(bytes).ok()?;
            let id = json.get("id")?.as_str()?.to_string();
            Some((id, n))
        })
        .collect()
}

/// The rule the hints about a file's shape repeat.
const ONE_PER_LINE: &str = "the import format is JSON Lines: one complete JSON object per line";

/// Whether a line is the start of an object that continues on the next lines.
fn unfinished_object(bytes: &[u8], e: &RecordError) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.trim_start().starts_with('{')
        && matches!(e, RecordError::Json(JsonError::Malformed(j)) if j.is_eof())
}

/// The message for a file whose first line shows it is not JSON Lines: a top-level array, or
/// pretty-printed objects.
fn wrong_shape(bytes: &[u8], e: &RecordError) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.starts_with('[') {
        Some(format!(
            "the input is a JSON array; {ONE_PER_LINE}, with no enclosing [ ] (`jq -c '.[]' FILE` writes an array so)"
        ))
    } else if unfinished_object(bytes, e) {
        Some(format!(
            "the input looks like pretty-printed JSON (an object over several lines); {ONE_PER_LINE} (`jq -c . FILE` writes it so)"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Record>, String> {
        parse_line(s.as_bytes(), Path::new(".")).map_err(|e| e.to_string())
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("un-sc:2774_a.1", "id").is_ok());
        assert!(check_id("", "id").is_err());
        assert!(check_id("has space", "id")
            .unwrap_err()
            .to_string()
            .contains("' '"));
        assert!(check_id(&"x".repeat(129), "id").is_err());
    }

    #[test]
    fn blank_lines_are_skipped_and_bad_json_is_located() {
        assert_eq!(parse("   "), Ok(None));
        let e = parse("{\"type\": \"claim\",").unwrap_err();
        assert!(e.starts_with("malformed JSON"), "{e}");
        assert!(e.contains("column"), "{e}");
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        assert!(parse(r#"{"type":"sauce","id":"a"}"#)
            .unwrap_err()
            .contains("unknown record type"));
        assert!(
            parse(r#"{"type":"retract","target":"a","reason":"x","why":1}"#)
                .unwrap_err()
                .contains("unknown field 'why'")
        );
    }

    #[test]
    fn a_claims_candidate_object_is_accepted_and_ignored() {
        let plain = r#"{"type":"claim","id":"c","source":"s","subject":"x","predicate":"vote:US","value":"no"}"#;
        let with = r#"{"type":"claim","id":"c","source":"s","subject":"x","predicate":"vote:US","value":"no","candidate":{"confidence":0.8,"line":3,"alternatives":[]}}"#;
        assert_eq!(parse(plain).unwrap(), parse(with).unwrap());
        let e = parse(r#"{"type":"claim","id":"c","source":"s","subject":"x","predicate":"vote:US","value":"no","candidate":0.8}"#)
            .unwrap_err();
        assert!(e.contains("'candidate' must be an object"), "{e}");
        let e = parse(r#"{"type":"source","id":"s","candidate":{}}"#).unwrap_err();
        assert!(e.contains("unknown field 'candidate'"), "{e}");
    }

    #[test]
    fn claim_values_are_typed() {
        let e = parse(r#"{"type":"claim","id":"c","source":"s","subject":"x","predicate":"date","value":"2025-02-30"}"#)
            .unwrap_err();
        assert!(e.contains("not a real calendar date"), "{e}");
        let ok = parse(r#"{"type":"claim","id":"c","source":"s","subject":"x","predicate":"vote:US","value":"against"}"#)
            .unwrap()
            .unwrap();
        match ok {
            Record::Claim(c) => {
                assert_eq!(c.predicate, "vote:United States");
                assert_eq!(c.value, Value::Vote(crate::model::value::Vote::No));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_are_numbered_from_one() {
        let v: Vec<_> = lines(b"a\nb\n\nc").collect();
        assert_eq!(
            v.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
        assert_eq!(lines(b"").count(), 0);
    }
}
