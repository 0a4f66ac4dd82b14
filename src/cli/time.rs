//! `--as-of` for every read command: parsing the point, and saying when the ledger was empty
//! then instead of listing nothing.

use crate::cli::{CliError, Context};
use factledger::desk::AsOf;
use factledger::Ledger;
use std::io::Write;

/// Parses an `--as-of` argument (a seq, an RFC 3339 time, or a date: the end of that day, UTC).
pub fn as_of(arg: Option<&str>) -> Result<Option<AsOf>, CliError> {
    Ok(arg.map(str::parse::<AsOf>).transpose()?)
}

/// Parses a `--published-by` date (`2025-02-25`, or a date as reporters write it).
pub fn published_by(arg: Option<&str>) -> Result<Option<chrono::NaiveDate>, CliError> {
    let Some(given) = arg else {
        return Ok(None);
    };
    let bad = |why: String| CliError::usage(format!("--published-by '{given}': {why}"));
    let date = factledger::model::date::StatedDate::parse(given).map_err(|e| bad(e.to_string()))?;
    date.naive()
        .map(Some)
        .ok_or_else(|| bad("not a calendar date".into()))
}

/// When the ledger was empty at `as_of` (before its first event), says so and returns true: in
/// text on stdout; with `--json`, `empty` (the command's empty result) on stdout and the note
/// on stderr (unless `--quiet`).
pub fn said_empty(
    ctx: &Context,
    ledger: &Ledger,
    as_of: Option<&AsOf>,
    empty: &str,
) -> Result<bool, CliError> {
    if as_of.is_none() || !AsOf::empty_at(as_of, ledger)? {
        return Ok(false);
    }
    let first = match ledger.event(1)? {
        Some(e) => format!(
            ": its first event was recorded at {}",
            e.recorded_at_rfc3339()
        ),
        None => ": it holds no events".to_string(),
    };
    let point = as_of.map(ToString::to_string).unwrap_or_default();
    let note = format!("the ledger was empty as of {point}{first}");
    if ctx.json() {
        out!("{empty}")?;
        if !ctx.global.quiet {
            let _ = writeln!(std::io::stderr(), "note: {note}");
        }
    } else {
        out!("{note}")?;
    }
    Ok(true)
}
