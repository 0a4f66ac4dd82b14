//! The JSON Lines import format (see `docs/import-format.md`): parsing every line into a record,
//! and deciding, against the ledger and the earlier lines, which records become new events.
//!
//! Import is all-or-nothing: every line is checked first, and a single problem anywhere means
//! nothing is appended. Problems carry their line number so the CLI can print `FILE:LINE: message`.

use crate::error::Result;
use crate::intake::validate;
use crate::model::date::StatedDate;
use crate::model::event::{Claim, EventBody, Retraction, Source, SourceKind, TextRef};
use crate::model::value::{collapse, normalise_predicate, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use crate::intake::plan::{plan, Plan, PlanError};
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

use crate::model::value::describe as kind_of;

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

    // Ids, texts and names are only read here; their rules are `validate::event`'s, checked
    // once the record is built.
    fn string(&self, key: &str) -> Result<String, String> {
        self.str_req(key).map(str::to_string)
    }

    fn string_opt(&self, key: &str) -> Result<Option<String>, String> {
        Ok(self.str_opt(key)?.map(str::to_string))
    }

    /// A subject or predicate, whitespace collapsed.
    fn name(&self, key: &str) -> Result<String, String> {
        Ok(collapse(self.str_req(key)?))
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

impl Record {
    /// The event body this record becomes (a copy).
    pub(crate) fn to_body(&self) -> EventBody {
        match self {
            Record::Source(s, _) => EventBody::SourceRegistered(s.clone()),
            Record::Claim(c) => EventBody::ClaimAsserted(c.clone()),
            Record::Retract(r) => EventBody::Retracted(r.clone()),
        }
    }
}

/// Parses one JSON object (a line of the import format, or flags of `add`) into a record, and
/// checks it against the field rules of [`validate::event`].
/// `base` is the directory `text_file` paths are relative to and must stay under.
pub fn parse_record(obj: &Json, base: &Path) -> Result<Record, String> {
    let record = read_record(obj, base)?;
    validate::event(&record.to_body()).map_err(|p| validate::describe(&p))?;
    Ok(record)
}

fn read_record(obj: &Json, base: &Path) -> Result<Record, String> {
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
            let target = f.string("target")?;
            let reason = f
                .string_opt("reason")?
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
    let id = f.string("id")?;
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
        (None, Some(p)) => {
            let t = read_text_file(base, p)?;
            validate::archived_text(&t).map_err(|r| format!("text_file '{p}' {r}"))?;
            Some(t)
        }
        (None, None) => None,
    };
    if let (Some(t), None) = (&text, f.get("text_file")) {
        validate::archived_text(t).map_err(|r| format!("source field 'text' {r}"))?;
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
fn read_text_file(base: &Path, as_given: &str) -> Result<String, String> {
    use std::io::Read;
    let fail = |e: std::io::Error| format!("text_file '{as_given}': {e}");
    let root = std::fs::canonicalize(base)
        .map_err(|e| format!("text_file '{as_given}': its base directory: {e}"))?;
    let path = std::fs::canonicalize(base.join(as_given)).map_err(fail)?;
    let outside = |resolved: &Path| {
        format!(
            "text_file '{as_given}' is outside the import file's directory {} (it resolves to {}); archived texts must be under it",
            root.display(),
            resolved.display()
        )
    };
    if !path.starts_with(&root) {
        return Err(outside(&path));
    }
    let meta = std::fs::metadata(&path).map_err(fail)?;
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
    let id = f.string("id")?;
    let source = f.string("source")?;
    let subject = f.name("subject")?;
    let predicate = normalise_predicate(&f.name("predicate")?)?;
    let raw = f
        .get("value")
        .ok_or("claim record is missing required field 'value'")?;
    let value = Value::from_json(&predicate, raw)?;
    let supersedes = f.string_opt("supersedes")?;
    Ok(Record::Claim(Claim {
        id,
        source,
        subject,
        predicate,
        value,
        supersedes,
        note: f.string_opt("note")?,
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
    parse_record(&parse_json(text)?, base).map(Some)
}

/// Parses one JSON value, refusing what serde_json's `Value` would change without a word: a key
/// given twice in one object (it keeps the last, so `"type":"claim","type":"source"` would be a
/// source) and a number it cannot hold exactly (it rounds `9007199254740993.0` and `1e-400`).
pub(crate) fn parse_json(text: &str) -> Result<Json, String> {
    match serde_json::from_str(text) {
        Ok(json) => {
            lossless(text)?;
            Ok(json)
        }
        Err(e) => {
            // An out-of-range number is a serde_json error without the key; name it.
            lossless(text)?;
            let mut m = e.to_string();
            // serde_json says "at line 1 column N"; the line is ours to give, keep the column.
            if let Some(i) = m.find(" at line 1 column ") {
                m = format!(
                    "{} (column {})",
                    &m[..i],
                    &m[i + " at line 1 column ".len()..]
                );
            }
            Err(format!("malformed JSON: {m}"))
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
fn lossless(text: &str) -> Result<(), String> {
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
                        let shown = k.escape_debug().to_string();
                        let within = json_path(&stack[..depth - 1]);
                        return Err(if within.is_empty() {
                            format!("duplicate key '{shown}' (a key may appear once in an object)")
                        } else {
                            format!("duplicate key '{shown}' in '{within}' (a key may appear once in an object)")
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
                    let path = json_path(&stack);
                    return Err(if path.is_empty() {
                        format!("the number {} {why}", &text[start..i])
                    } else {
                        format!("'{path}': the number {} {why}", &text[start..i])
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
fn exact_number(token: &str) -> Result<(), String> {
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
        Err(_) => Err("cannot be held exactly (it is out of range)".into()),
        Ok(n) => {
            let held = n.to_string();
            match (decimal(token), decimal(&held)) {
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => Err(format!("cannot be held exactly (it would become {held})")),
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
