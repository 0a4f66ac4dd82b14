//! Exports and imports in the field's formats (`docs/interop.md`): ClaimReview JSON-LD and its
//! static pages, W3C PROV-JSON, and CSV. Imports turn a file into import records and append them
//! through the same plan as a JSON Lines import: all or nothing, every problem located.

use super::import::{append_records, AppendReport, Durability, ImportError};
use crate::error::LedgerError;
use crate::intake::import::Problem;
use crate::interop::claimreview::{self, ClaimReviewError, Exported};
use crate::ledger::Stamp;
use crate::Ledger;
use serde::Serialize;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The ledger lacks what a required field is taken from.
    #[error(transparent)]
    ClaimReview(#[from] ClaimReviewError),
    /// `--claim` names no claim.
    #[error("no claim with id '{id}' in the ledger")]
    NoSuchClaim {
        /// The id.
        id: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What an export wrote (its JSON; fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct ExportWritten {
    /// The claims exported.
    pub claims: Vec<String>,
    /// The files written.
    pub files: Vec<String>,
    /// `claimreview` or `prov`.
    pub format: &'static str,
    /// Always true.
    pub ok: bool,
}

fn write(path: &Path, text: &str) -> Result<(), ExportError> {
    std::fs::write(path, text).map_err(|source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The desk's current verdicts as ClaimReview JSON-LD: one object for `only`, else an array of
/// every reviewed claim's.
pub fn claimreview(ledger: &Ledger, only: Option<&str>) -> Result<Json, ExportError> {
    let all = claimreview::export(&ledger.tables(), only)?;
    Ok(match only {
        Some(_) => all.into_iter().next().map(|e| e.json).unwrap_or(Json::Null),
        None => Json::Array(all.into_iter().map(|e| e.json).collect()),
    })
}

/// Writes [`claimreview()`] to `out` (pretty JSON), and/or one static page per reviewed claim into
/// `html` (`CLAIM.html`, the JSON-LD in a `<script type="application/ld+json">` block).
pub fn write_claimreview(
    ledger: &Ledger,
    only: Option<&str>,
    out: Option<&Path>,
    html: Option<&Path>,
) -> Result<ExportWritten, ExportError> {
    let all = claimreview::export(&ledger.tables(), only)?;
    let mut files = Vec::new();
    if let Some(out) = out {
        let doc = match only {
            Some(_) => all.first().map(|e| e.json.clone()).unwrap_or(Json::Null),
            None => Json::Array(all.iter().map(|e| e.json.clone()).collect()),
        };
        write(out, &(pretty(&doc) + "\n"))?;
        files.push(out.display().to_string());
    }
    if let Some(dir) = html {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        for e in &all {
            let path = dir.join(format!("{}.html", e.claim));
            write(&path, &page(e))?;
            files.push(path.display().to_string());
        }
    }
    Ok(ExportWritten {
        claims: all.iter().map(|e| e.claim.clone()).collect(),
        files,
        format: "claimreview",
        ok: true,
    })
}

/// The page [`write_claimreview`] writes for `claim` (its title, rating and explanation, with its
/// ClaimReview JSON-LD embedded), for the desk server's public verdict page. Fails as the export
/// does: no such claim, no verdict by the desk, a verdict without its published address, a
/// setting not set.
pub fn claimreview_page(ledger: &Ledger, claim: &str) -> Result<String, ExportError> {
    let all = claimreview::export(&ledger.tables(), Some(claim))?;
    Ok(all.first().map(page).unwrap_or_default())
}

/// The ledger's provenance as W3C PROV-JSON (`crate::interop::prov`): everything, or one claim
/// with its source chain.
pub fn prov(ledger: &Ledger, only: Option<&str>) -> Result<Json, ExportError> {
    if let Some(id) = only {
        if crate::projection::claim(&ledger.tables(), id)?.is_none() {
            return Err(ExportError::NoSuchClaim { id: id.to_string() });
        }
    }
    Ok(crate::interop::prov::export(ledger, only)?)
}

/// Writes [`prov()`] to `out` (pretty JSON).
pub fn write_prov(
    ledger: &Ledger,
    only: Option<&str>,
    out: &Path,
) -> Result<ExportWritten, ExportError> {
    let doc = prov(ledger, only)?;
    write(out, &(pretty(&doc) + "\n"))?;
    let claims = doc
        .get("entity")
        .and_then(Json::as_object)
        .map(|m| {
            m.values()
                .filter(|e| e["prov:type"] == "fl:Claim")
                .filter_map(|e| e["fl:id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(ExportWritten {
        claims,
        files: vec![out.display().to_string()],
        format: "prov",
        ok: true,
    })
}

fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Text for HTML element content and attribute values.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON safe inside a `<script>` element: `<`, `>` and `&` only occur inside JSON strings, where
/// their `\u` escapes mean the same, so no `</script>` or `<!--` can end the block early.
fn script_json(v: &Json) -> String {
    pretty(v)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// One static page: the fact-check's title, claim, rating and explanation, with its ClaimReview.
fn page(e: &Exported) -> String {
    let s = |path: &[&str]| -> String {
        let mut v = &e.json;
        for p in path {
            v = &v[*p];
        }
        html_escape(v.as_str().unwrap_or_default())
    };
    let claim = s(&["claimReviewed"]);
    let rating = s(&["reviewRating", "alternateName"]);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Fact check: {claim}</title>\n<link rel=\"canonical\" href=\"{url}\">\n<script type=\"application/ld+json\">\n{json}\n</script>\n</head>\n<body>\n<article>\n<h1>Fact check: {claim}</h1>\n<p>Rating: <strong>{rating}</strong></p>\n<p>{explanation}</p>\n<p>By {author}, {date}.</p>\n</article>\n</body>\n</html>\n",
        url = s(&["url"]),
        json = script_json(&e.json),
        explanation = s(&["reviewRating", "ratingExplanation"]),
        author = s(&["author", "name"]),
        date = s(&["datePublished"]),
    )
}

/// Imports ClaimReview JSON-LD written by others: a single object, an array, an `@graph` or a
/// `DataFeed`. Each becomes a source, a claim and a review attributed to its author organisation
/// (and the organisation's scale, declared or extended), appended all or nothing through the
/// import plan. Problems are numbered by ClaimReview (1 = the first found).
pub fn import_claimreview(
    ledger: &mut Ledger,
    label: &str,
    bytes: &[u8],
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let refused = |problems: Vec<Problem>| ImportError::Refused {
        label: label.to_string(),
        problems,
    };
    let doc: Json = serde_json::from_slice(bytes).map_err(|e| {
        refused(vec![Problem {
            line: e.line(),
            message: format!("not JSON: {e}"),
        }])
    })?;
    let records = claimreview::read(&doc, &ledger.tables()).map_err(refused)?;
    append_records(ledger, label, records, stamp, durability)
}

/// Imports claims and sources from a CSV file with a header row (`crate::interop::csv`): every
/// row becomes the import record it stands for, appended all or nothing through the import plan,
/// problems at `FILE:LINE`. `base` is the directory `text_file` paths are relative to.
pub fn import_csv(
    ledger: &mut Ledger,
    label: &str,
    bytes: &[u8],
    base: &Path,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    let records =
        crate::interop::csv::read(bytes, base).map_err(|problems| ImportError::Refused {
            label: label.to_string(),
            problems,
        })?;
    append_records(ledger, label, records, stamp, durability)
}
