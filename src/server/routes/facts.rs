//! `GET /api/v1/facts?subject=&as_of=&published_by=`: the fact state, as `facts --json`.

use super::{as_of, read, Q};
use crate::desk::facts::{facts, FactRow, FactsOptions};
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
    as_of: Option<String>,
    published_by: Option<String>,
}

/// `GET /api/v1/facts`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Q(p): Q<Params>,
) -> Result<Json<Vec<FactRow>>, ApiError> {
    caller.read()?;
    let options = FactsOptions {
        subject: p.subject,
        as_of: as_of(p.as_of.as_deref())?,
        published_by: super::flags::published_by(p.published_by.as_deref())?,
    };
    read(&state, move |l| Ok(facts(l, &options)?))
        .await
        .map(Json)
}
