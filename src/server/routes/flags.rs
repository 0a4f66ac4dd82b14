//! `GET /api/v1/flags?subject=&code=&as_of=`: every flag, as `flags --json`. `code` is a
//! comma-separated list of flag codes (the CLI's repeated `--code`).

use super::{as_of, read, Q};
use crate::desk::flags::{all_flags, FlagsOptions};
use crate::flags::{Flag, FlagCode};
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
    as_of: Option<String>,
}

/// `GET /api/v1/flags`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Q(p): Q<Params>,
) -> Result<Json<Vec<Flag>>, ApiError> {
    caller.read()?;
    let codes = p
        .code
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| c.trim().parse::<FlagCode>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request(format!("code: {e}")))?;
    let options = FlagsOptions {
        as_of: as_of(p.as_of.as_deref())?,
        codes,
        subject: p.subject,
    };
    read(&state, move |l| Ok(all_flags(l, &options)?))
        .await
        .map(Json)
}
