//! `GET /api/v1/flags?subject=&code=&exclude=&min_severity=&as_of=&published_by=&dismissed=`:
//! the flags, as `flags --json` lists them (most severe first, each with its `severity`, `id`
//! and `dismissed`). `code` and `exclude` are comma-separated lists of flag codes (the CLI's
//! repeated `--code` and `--exclude`).

use super::{as_of, read, Q};
use crate::desk::flags::{all_flags, FlagsOptions, ListedFlag};
use crate::flags::{FlagCode, Severity};
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

/// Query parameters.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    subject: Option<String>,
    code: Option<String>,
    exclude: Option<String>,
    min_severity: Option<String>,
    as_of: Option<String>,
    published_by: Option<String>,
    dismissed: Option<bool>,
}

/// A comma-separated list of flag codes.
fn codes(field: &str, given: Option<&str>) -> Result<Vec<FlagCode>, ApiError> {
    given
        .unwrap_or("")
        .split(',')
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().parse::<FlagCode>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request(format!("{field}: {e}")))
}

/// A calendar date, as `--published-by` takes it.
pub(super) fn published_by(given: Option<&str>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    let Some(given) = given else {
        return Ok(None);
    };
    let date = crate::model::date::StatedDate::parse(given)
        .map_err(|e| ApiError::bad_request(format!("published_by: {e}")))?;
    date.naive()
        .map(Some)
        .ok_or_else(|| ApiError::bad_request("published_by: not a calendar date".to_string()))
}

/// `GET /api/v1/flags`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Q(p): Q<Params>,
) -> Result<Json<Vec<ListedFlag>>, ApiError> {
    caller.read()?;
    let min_severity = p
        .min_severity
        .as_deref()
        .map(str::parse::<Severity>)
        .transpose()
        .map_err(|e| ApiError::bad_request(format!("min_severity: {e}")))?;
    let options = FlagsOptions {
        as_of: as_of(p.as_of.as_deref())?,
        codes: codes("code", p.code.as_deref())?,
        exclude: codes("exclude", p.exclude.as_deref())?,
        min_severity,
        dismissed: p.dismissed.unwrap_or(false),
        subject: p.subject,
        published_by: published_by(p.published_by.as_deref())?,
    };
    read(&state, move |l| Ok(all_flags(l, &options)?))
        .await
        .map(Json)
}
