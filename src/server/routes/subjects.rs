//! `GET /api/v1/subjects?as_of=`: every subject with a claim.

use super::{as_of, read, Q};
use crate::desk::subjects::{subjects, SubjectRow};
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
    as_of: Option<String>,
}

/// `GET /api/v1/subjects`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Q(p): Q<Params>,
) -> Result<Json<Vec<SubjectRow>>, ApiError> {
    caller.read()?;
    let as_of = as_of(p.as_of.as_deref())?;
    let options = crate::desk::subjects::SubjectsOptions { as_of };
    read(&state, move |l| Ok(subjects(l, &options)?))
        .await
        .map(Json)
}
