//! The JSON Lines import format (see `docs/import-format.md`): parsing every line into a record,
//! and deciding, against the ledger and the earlier lines, which records become new events.
//!
//! Import is all-or-nothing: every line is checked first, and a single problem anywhere means
//! nothing is appended. Problems carry their line number so the CLI can print `FILE:LINE: message`.

use crate::date::StatedDate;
use crate::error::Result;
use crate::event::{Claim, EventBody, Retraction, Source, SourceKind, TextRef};
use crate::ledger::{Draft, Ledger};
use crate::value::{collapse, normalise_predicate, Value, MAX_TEXT_VALUE};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::Path;

/// Longest accepted line, in bytes (archived texts travel inline, so this is generous).
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;
/// Longest archived text, in bytes (inline or from `text_file`).
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;
/// Longest id, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest subject or predicate, in characters.
pub const MAX_NAME_CHARS: usize = 512;
/// Most citations one source may list.
pub const MAX_CITES: usize = 1000;
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

/// A parsed, validated import record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A source, with its archived text when one was given.
    Source(Source, Option<String>),
    /// A claim.
    Claim(Claim),
    /// A retraction.
    Retract(Retraction),
}

/// What an import will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Records that become new events, with their line numbers.
    pub appends: Vec<(usize, Draft)>,
    /// Lines whose record is already in the ledger with identical content.
    pub unchanged: Vec<usize>,
}

/// Checks an id: 1–128 letters, digits and `._:-`.
pub fn check_id(id: &str, what: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(format!("{what} is longer than {MAX_ID_CHARS} characters"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
    {
        return Err(format!(
            "{what} '{}' contains {c:?}; ids use only letters, digits and . _ : -",
            id.escape_debug()
        ));
    }
    Ok(())
}

use crate::value::describe as kind_of;

struct Fields<'a> {
    map: &'a Map<String, Json>,
    kind: &'static str,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Json> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn str_opt(&self, key: &str) -> Result<Option<&'a str>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!(
                "{} field '{key}' must be a string, found {}",
                self.kind,
                kind_of(other)
            )),
        }
    }

    fn str_req(&self, key: &str) -> Result<&'a str, String> {
        self.str_opt(key)?
            .ok_or_else(|| format!("{} record is missing required field '{key}'", self.kind))
    }

    fn id(&self, key: &str) -> Result<String, String> {
        let id = self.str_req(key)?;
        check_id(id, &format!("{} '{key}'", self.kind))?;
        Ok(id.to_string())
    }

    fn id_opt(&self, key: &str) -> Result<Option<String>, String> {
        match self.str_opt(key)? {
            None => Ok(None),
            Some(id) => {
                check_id(id, &format!("{} '{key}'", self.kind))?;
                Ok(Some(id.to_string()))
            }
        }
    }

    fn text_opt(&self, key: &str) -> Result<Option<String>, String> {
        match self.str_opt(key)? {
            None => Ok(None),
            Some(s) if s.len() > MAX_TEXT_VALUE => Err(format!(
                "{} field '{key}' is {} bytes; the limit is {MAX_TEXT_VALUE}",
                self.kind,
                s.len()
            )),
            Some(s) if collapse(s).is_empty() => {
                Err(format!("{} field '{key}' must not be empty", self.kind))
            }
            Some(s) => Ok(Some(s.to_string())),
        }
    }

    fn name(&self, key: &str) -> Result<String, String> {
        let s = collapse(self.str_req(key)?);
        let n = s.chars().count();
        if n == 0 {
            return Err(format!("{} field '{key}' must not be empty", self.kind));
        }
        if s.chars().any(char::is_control) {
            return Err(format!(
                "{} field '{key}' contains a control character",
                self.kind
            ));
        }
        if n > MAX_NAME_CHARS {
            return Err(format!(
                "{} field '{key}' is {n} characters; the limit is {MAX_NAME_CHARS}",
                self.kind
            ));
        }
        Ok(s)
    }

    fn only(&self, allowed: &[&str]) -> Result<(), String> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(format!(
                "{} record has unknown field '{k}' (allowed: {})",
                self.kind,
                allowed.join(", ")
            )),
            None => Ok(()),
        }
    }
}

/// Parses one JSON object (a line of the import format, or flags of `add`) into a record.
/// `base` is the directory `text_file` paths are relative to.
pub fn parse_record(obj: &Json, base: &Path) -> Result<Record, String> {
    let map = obj
        .as_object()
        .ok_or_else(|| format!("expected a JSON object, found {}", kind_of(obj)))?;
    let ty = match map.get("type") {
        Some(Json::String(s)) => s.as_str(),
        Some(other) => {
            return Err(format!(
                "field 'type' must be a string, found {}",
                kind_of(other)
            ))
        }
        None => return Err("record is missing field 'type' (source, claim or retract)".into()),
    };
    match ty {
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
            let target = f.id("target")?;
            let reason = f
                .text_opt("reason")?
                .ok_or("retract record is missing required field 'reason'")?;
            Ok(Record::Retract(Retraction { target, reason }))
        }
        other => Err(format!(
            "unknown record type '{}' (expected source, claim or retract)",
            other.escape_debug()
        )),
    }
}

fn parse_source(f: &Fields, base: &Path) -> Result<Record, String> {
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
    let id = f.id("id")?;
    let kind = match f.str_opt("kind")? {
        None => SourceKind::Secondary,
        Some("primary") => SourceKind::Primary,
        Some("secondary") => SourceKind::Secondary,
        Some(other) => {
            return Err(format!(
                "source field 'kind' is '{}'; it must be primary or secondary",
                other.escape_debug()
            ))
        }
    };
    let published = match f.str_opt("published")? {
        None => None,
        Some(s) => {
            Some(StatedDate::parse(s).map_err(|e| format!("source field 'published': {e}"))?)
        }
    };
    let mut cites = Vec::new();
    match f.get("cites") {
        None => {}
        Some(Json::Array(items)) => {
            if items.len() > MAX_CITES {
                return Err(format!(
                    "source cites {} sources; the limit is {MAX_CITES}",
                    items.len()
                ));
            }
            for item in items {
                let cited = item.as_str().ok_or_else(|| {
                    format!(
                        "source field 'cites' must hold ids (strings), found {}",
                        kind_of(item)
                    )
                })?;
                check_id(cited, "a cited id")?;
                if cited == id {
                    return Err(format!("source '{id}' cites itself"));
                }
                if !cites.iter().any(|c| c == cited) {
                    cites.push(cited.to_string());
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "source field 'cites' must be an array of ids, found {}",
                kind_of(other)
            ))
        }
    }
    let text = match (f.str_opt("text")?, f.str_opt("text_file")?) {
        (Some(_), Some(_)) => return Err("source has both 'text' and 'text_file'; give one".into()),
        (Some(t), None) => Some(t.to_string()),
        (None, Some(p)) => Some(read_text_file(&base.join(p), p)?),
        (None, None) => None,
    };
    if let Some(t) = &text {
        if t.len() > MAX_TEXT_BYTES {
            return Err(format!(
                "archived text is {} bytes; the limit is {MAX_TEXT_BYTES}",
                t.len()
            ));
        }
        if t.contains('\0') {
            return Err("archived text contains a NUL byte".into());
        }
    }
    let text_ref = text.as_ref().map(|t| TextRef {
        hash: *blake3::hash(t.as_bytes()).as_bytes(),
        len: t.len() as u64,
    });
    Ok(Record::Source(
        Source {
            id,
            kind,
            publisher: f.text_opt("publisher")?,
            title: f.text_opt("title")?,
            url: f.text_opt("url")?,
            published,
            cites,
            text: text_ref,
        },
        text,
    ))
}

fn read_text_file(path: &Path, as_given: &str) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("text_file '{as_given}': {e}"))?;
    // Only regular files: a FIFO would block the import, /dev/zero would never end.
    if !meta.is_file() {
        return Err(format!("text_file '{as_given}' is not a regular file"));
    }
    if meta.len() > MAX_TEXT_BYTES as u64 {
        return Err(format!(
            "text_file '{as_given}' is {} bytes; the limit is {MAX_TEXT_BYTES}",
            meta.len()
        ));
    }
    // Read through a limit too: the file may grow between the check and the read.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TEXT_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("text_file '{as_given}': {e}"))?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "text_file '{as_given}' is over the limit of {MAX_TEXT_BYTES} bytes"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "text_file '{as_given}' is not valid UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn parse_claim(f: &Fields) -> Result<Record, String> {
    f.only(&[
        "type",
        "id",
        "source",
        "subject",
        "predicate",
        "value",
        "supersedes",
        "note",
    ])?;
    let id = f.id("id")?;
    let source = f.id("source")?;
    let subject = f.name("subject")?;
    let predicate = normalise_predicate(&f.name("predicate")?)?;
    let raw = f
        .get("value")
        .ok_or("claim record is missing required field 'value'")?;
    let value = Value::from_json(&predicate, raw)?;
    let supersedes = f.id_opt("supersedes")?;
    if supersedes.as_deref() == Some(id.as_str()) {
        return Err(format!("claim '{id}' supersedes itself"));
    }
    Ok(Record::Claim(Claim {
        id,
        source,
        subject,
        predicate,
        value,
        supersedes,
        note: f.text_opt("note")?,
    }))
}

/// Parses one line of the import format. `Ok(None)` for a blank line.
pub fn parse_line(bytes: &[u8], base: &Path) -> Result<Option<Record>, String> {
    if bytes.len() > MAX_LINE_BYTES {
        return Err(format!(
            "line is {} bytes; the limit is {MAX_LINE_BYTES} (put long archived texts in a text_file)",
            bytes.len()
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("line is not valid UTF-8 (at byte {})", e.valid_up_to() + 1))?;
    if let Some(pos) = text.find('\0') {
        return Err(format!("line contains a NUL byte (at byte {})", pos + 1));
    }
    let text = text.strip_suffix('\r').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(None);
    }
    let json: Json = serde_json::from_str(text).map_err(|e| {
        let mut m = e.to_string();
        // serde_json says "at line 1 column N"; the line is ours to give, keep the column.
        if let Some(i) = m.find(" at line 1 column ") {
            m = format!(
                "{} (column {})",
                &m[..i],
                &m[i + " at line 1 column ".len()..]
            );
        }
        format!("malformed JSON: {m}")
    })?;
    parse_record(&json, base).map(Some)
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

/// What an id refers to within the import being planned.
enum Known {
    Ledger(u64, EventBody),
    File(usize, Record),
}

impl Known {
    fn is_source(&self) -> bool {
        matches!(
            self,
            Known::Ledger(_, EventBody::SourceRegistered(_)) | Known::File(_, Record::Source(..))
        )
    }
    fn is_claim(&self) -> bool {
        matches!(
            self,
            Known::Ledger(_, EventBody::ClaimAsserted(_)) | Known::File(_, Record::Claim(_))
        )
    }
    fn place(&self) -> String {
        match self {
            Known::Ledger(seq, _) => format!("seq {seq}"),
            Known::File(line, _) => format!("line {line}"),
        }
    }
}

/// Decides, for records in order, which become events. Records are checked against the ledger
/// and against each other; every problem is collected.
pub fn plan(ledger: &Ledger, records: Vec<(usize, Record)>) -> Result<Result<Plan, Vec<Problem>>> {
    let mut plan = Plan::default();
    let mut problems = Vec::new();
    let mut known: BTreeMap<String, Known> = BTreeMap::new();
    // Retractions and corrections made earlier in this file: target → (line, event body).
    let mut retracted: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut superseded: BTreeMap<String, (usize, String)> = BTreeMap::new();

    let lookup =
        |known: &BTreeMap<String, Known>, id: &str| -> Result<Option<(String, bool, bool)>> {
            if let Some(k) = known.get(id) {
                return Ok(Some((k.place(), k.is_source(), k.is_claim())));
            }
            Ok(ledger.find(id)?.map(|e| {
                let k = Known::Ledger(e.seq, e.body);
                (k.place(), k.is_source(), k.is_claim())
            }))
        };

    for (line, record) in records {
        let mut problem = |message: String| problems.push(Problem { line, message });
        let id = match &record {
            Record::Source(s, _) => Some(s.id.clone()),
            Record::Claim(c) => Some(c.id.clone()),
            Record::Retract(_) => None,
        };
        if let Some(id) = &id {
            // Same id already in this file or in the ledger.
            let existing = match known.get(id) {
                Some(Known::File(l, r)) => Some((format!("line {l}"), same_record(r, &record))),
                Some(Known::Ledger(seq, body)) => {
                    Some((format!("seq {seq}"), same_body(body, &record)))
                }
                None => ledger
                    .find(id)?
                    .map(|e| (format!("seq {}", e.seq), same_body(&e.body, &record))),
            };
            match existing {
                Some((_, true)) => {
                    plan.unchanged.push(line);
                    continue;
                }
                Some((place, false)) => {
                    problem(format!(
                        "id '{id}' already exists at {place} with different content (records are immutable: retract it, or add a correction with 'supersedes')"
                    ));
                    continue;
                }
                None => {}
            }
        }
        match &record {
            Record::Source(..) => {}
            Record::Claim(c) => {
                match lookup(&known, &c.source)? {
                    None => problem(format!(
                        "claim '{}' names source '{}', which is not in the ledger or earlier in this file",
                        c.id, c.source
                    )),
                    Some((place, false, _)) => problem(format!(
                        "claim '{}' names '{}' as its source, but {place} is a claim, not a source",
                        c.id, c.source
                    )),
                    Some(_) => {}
                }
                if let Some(old) = &c.supersedes {
                    match lookup(&known, old)? {
                        None => problem(format!(
                            "claim '{}' supersedes '{old}', which is not in the ledger or earlier in this file",
                            c.id
                        )),
                        Some((place, _, false)) => problem(format!(
                            "claim '{}' supersedes '{old}', but {place} is a source, not a claim",
                            c.id
                        )),
                        Some(_) => {
                            let earlier = match superseded.get(old) {
                                Some((l, by)) => Some(format!("claim '{by}' at line {l}")),
                                None => ledger.correction_of(old)?.and_then(|e| match e.body {
                                    EventBody::ClaimAsserted(by) => Some(format!("claim '{}' at seq {}", by.id, e.seq)),
                                    _ => None,
                                }),
                            };
                            if let Some(earlier) = earlier {
                                problem(format!(
                                    "claim '{old}' was already superseded by {earlier}; supersede that correction instead"
                                ));
                            }
                        }
                    }
                }
            }
            Record::Retract(r) => {
                if lookup(&known, &r.target)?.is_none() {
                    problem(format!(
                        "cannot retract '{}': no claim or source with that id in the ledger or earlier in this file",
                        r.target
                    ));
                } else {
                    let earlier = match retracted.get(&r.target) {
                        Some((l, reason)) => Some((format!("line {l}"), reason.clone())),
                        None => ledger.retraction_of(&r.target)?.and_then(|e| match e.body {
                            EventBody::Retracted(x) => Some((format!("seq {}", e.seq), x.reason)),
                            _ => None,
                        }),
                    };
                    match earlier {
                        Some((_, reason)) if reason == r.reason => {
                            plan.unchanged.push(line);
                            continue;
                        }
                        Some((place, _)) => {
                            problem(format!("'{}' was already retracted at {place}", r.target));
                            continue;
                        }
                        None => {}
                    }
                }
            }
        }
        // Record it as known for later lines even if it had problems, so one mistake does not
        // cascade into "unknown source" on every following line.
        match &record {
            Record::Retract(r) => {
                retracted.insert(r.target.clone(), (line, r.reason.clone()));
            }
            Record::Claim(c) => {
                if let Some(old) = &c.supersedes {
                    superseded.insert(old.clone(), (line, c.id.clone()));
                }
            }
            Record::Source(..) => {}
        }
        if let Some(id) = id {
            known.insert(id, Known::File(line, record.clone()));
        }
        let draft = match record {
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
        };
        plan.appends.push((line, draft));
    }
    Ok(if problems.is_empty() {
        Ok(plan)
    } else {
        Err(problems)
    })
}

fn same_body(body: &EventBody, record: &Record) -> bool {
    match (body, record) {
        (EventBody::SourceRegistered(a), Record::Source(b, _)) => a == b,
        (EventBody::ClaimAsserted(a), Record::Claim(b)) => a == b,
        _ => false,
    }
}

fn same_record(a: &Record, b: &Record) -> bool {
    match (a, b) {
        (Record::Source(x, _), Record::Source(y, _)) => x == y,
        (Record::Claim(x), Record::Claim(y)) => x == y,
        _ => false,
    }
}

/// Parses a whole input. Returns the records, or every problem found (parsing continues past
/// bad lines so the user sees them all at once).
pub fn parse_input(input: &[u8], base: &Path) -> (Vec<(usize, Record)>, Vec<Problem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    for (line, bytes) in lines(input) {
        match parse_line(bytes, base) {
            Ok(Some(r)) => records.push((line, r)),
            Ok(None) => {}
            Err(message) => problems.push(Problem { line, message }),
        }
    }
    (records, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<Record>, String> {
        parse_line(s.as_bytes(), Path::new("."))
    }

    #[test]
    fn ids_are_checked() {
        assert!(check_id("un-sc:2774_a.1", "id").is_ok());
        assert!(check_id("", "id").is_err());
        assert!(check_id("has space", "id").unwrap_err().contains("' '"));
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
                assert_eq!(c.value, Value::Vote(crate::value::Vote::No));
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
