//! The log: `GET /api/v1/log?after=&limit=` (events after a seq, oldest first, as `log --json`
//! prints them; at most 10 000 at a time, 1000 by default) and `GET /api/v1/show/{target}` (one
//! event by id or seq with what became of it, as `show --json`; `text=true` adds the archived
//! text).

use super::{read, Q};
use crate::desk::log::{log, LogOptions};
use crate::desk::show::{show as show_one, ShowOptions, Shown};
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use crate::Event;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

/// Most events one request returns.
pub const MAX_LIMIT: u64 = 10_000;

/// Query parameters of `log`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    after: Option<u64>,
    limit: Option<u64>,
    as_of: Option<String>,
}

/// `GET /api/v1/log`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Q(p): Q<Params>,
) -> Result<Json<Vec<Event>>, ApiError> {
    caller.read()?;
    let limit = p.limit.unwrap_or(1000);
    if limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is more than {MAX_LIMIT}; page with after="
        )));
    }
    let options = LogOptions {
        from: p.after.unwrap_or(0).saturating_add(1),
        limit: Some(limit),
        as_of: super::as_of(p.as_of.as_deref())?,
    };
    read(&state, move |l| {
        log(l, options)
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::from)
    })
    .await
    .map(Json)
}

/// Query parameters of `show`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowParams {
    text: Option<bool>,
    as_of: Option<String>,
}

/// `GET /api/v1/show/{target}`.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(target): Path<String>,
    Q(p): Q<ShowParams>,
) -> Result<Json<Shown>, ApiError> {
    caller.read()?;
    let options = ShowOptions {
        text: p.text.unwrap_or(false),
        as_of: super::as_of(p.as_of.as_deref())?,
    };
    read(&state, move |l| Ok(show_one(l, &target, &options)?))
        .await
        .map(Json)
}
