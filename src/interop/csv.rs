//! Spreadsheets (`docs/interop.md`): claims and sources read from CSV with a header row, each row
//! the import line it stands for, so it passes the same parser, field rules and plan as JSON
//! Lines; and rows written for `facts --csv` and `flags --csv`.

use crate::intake::import::{parse_json, parse_record, Problem, Record};
use serde_json::{Map, Value as Json};
use std::path::Path;

/// The columns a CSV import may have (in any order, case and surrounding spaces ignored). `type`
/// is optional: without it a row is a claim when the header has `predicate`, else a source.
pub const COLUMNS: [&str; 17] = [
    "type",
    "id",
    "kind",
    "publisher",
    "title",
    "url",
    "published",
    "cites",
    "text_file",
    "source",
    "subject",
    "predicate",
    "value",
    "supersedes",
    "note",
    "claimant",
    "excerpt",
];

/// The columns a source row may fill, and a claim row.
const SOURCE_COLUMNS: [&str; 9] = [
    "type",
    "id",
    "kind",
    "publisher",
    "title",
    "url",
    "published",
    "cites",
    "text_file",
];
const CLAIM_COLUMNS: [&str; 10] = [
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
];

/// Reads a CSV file into import records with their line numbers (the line a row starts on; the
/// header is line 1). Every problem is collected; none means every row parsed and passed the
/// field rules. `base` is the directory `text_file` paths are relative to.
pub fn read(bytes: &[u8], base: &Path) -> Result<Vec<(usize, Record)>, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let problem = |line: u64, message: String| Problem {
        line: line as usize,
        message,
    };
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(e) => return Err(vec![problem(1, format!("unreadable header row: {e}"))]),
    };
    let mut problems = Vec::new();
    for (i, c) in header.iter().enumerate() {
        if !COLUMNS.contains(&c.as_str()) {
            problems.push(problem(
                1,
                format!("unknown column '{c}' (columns: {})", COLUMNS.join(", ")),
            ));
        } else if header[..i].contains(c) {
            problems.push(problem(1, format!("column '{c}' is given twice")));
        }
    }
    if header.is_empty() || header.iter().all(String::is_empty) {
        problems.push(problem(1, "the first row must name the columns".into()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let default_type = if header.iter().any(|c| c == "predicate") {
        "claim"
    } else {
        "source"
    };
    let mut out = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(problem(line, format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line());
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match row_record(&header, &row, default_type, base) {
            Ok(r) => out.push((line as usize, r)),
            Err(m) => problems.push(problem(line, m)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn row_record(
    header: &[String],
    row: &csv::StringRecord,
    default_type: &str,
    base: &Path,
) -> Result<Record, String> {
    let cell = |name: &str| -> Option<&str> {
        let i = header.iter().position(|c| c == name)?;
        row.get(i).map(str::trim).filter(|s| !s.is_empty())
    };
    let ty = cell("type").unwrap_or(default_type).to_lowercase();
    let allowed: &[&str] = match ty.as_str() {
        "source" => &SOURCE_COLUMNS,
        "claim" => &CLAIM_COLUMNS,
        other => {
            return Err(format!(
                "column 'type' is '{}'; a CSV row is a source or a claim",
                other.escape_debug()
            ))
        }
    };
    let mut obj = Map::new();
    obj.insert("type".into(), Json::String(ty.clone()));
    for name in header {
        let Some(v) = cell(name) else { continue };
        if name == "type" {
            continue;
        }
        if !allowed.contains(&name.as_str()) {
            return Err(format!(
                "a {ty} row has no column '{name}' (leave it empty)"
            ));
        }
        let value = match name.as_str() {
            // Citations are one cell: ids separated by ';'.
            "cites" => Json::Array(
                v.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Json::String(s.to_string()))
                    .collect(),
            ),
            // A value is read as `add claim --value` reads it: a JSON object (a quote, a tally)
            // or a number as JSON, anything else as the text written (tallies and dates in
            // reporters' forms are read from it by the import's own rules).
            "value" => match serde_json::from_str::<Json>(v) {
                Ok(Json::Object(_) | Json::Number(_)) => {
                    parse_json(v).map_err(|e| format!("claim column 'value': {e}"))?
                }
                _ => Json::String(v.to_string()),
            },
            _ => Json::String(v.to_string()),
        };
        obj.insert(name.clone(), value);
    }
    parse_record(&Json::Object(obj), base).map_err(|e| e.to_string())
}

/// One CSV row (no line end). A cell that a spreadsheet would run as a formula (starting with
/// `=`, `+`, `@`, or `-` not followed by a digit) gets a leading `'`, so a ledger's text cannot
/// become a formula in the desk's spreadsheet.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let guarded: Vec<String> = cells.iter().map(|c| guard(c.as_ref())).collect();
    // Writing into a Vec cannot fail.
    let _ = w.write_record(&guarded);
    let bytes = w.into_inner().unwrap_or_default();
    let mut s = String::from_utf8_lossy(&bytes).into_owned();
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

fn guard(cell: &str) -> String {
    let risky = match cell.as_bytes() {
        [b'=' | b'+' | b'@' | b'\t' | b'\r', ..] => true,
        [b'-', next, ..] => !next.is_ascii_digit(),
        [b'-'] => true,
        _ => false,
    };
    if risky {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_quote_what_needs_it_and_defuse_formulas() {
        assert_eq!(
            row(&["a", "b,c", "say \"hi\""]),
            "a,\"b,c\",\"say \"\"hi\"\"\""
        );
        assert_eq!(
            row(&["=1+1", "-5", "-x", "@SUM", "+1"]),
            "'=1+1,-5,'-x,'@SUM,'+1"
        );
    }
}
