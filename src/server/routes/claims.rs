//! Claims: `GET /api/v1/claims/{id}` (the claim, its source chain and its flags),
//! `POST /api/v1/claims` (an import line's fields as a JSON object), and
//! `POST /api/v1/retractions` (`{"target", "reason"}`).

use super::{body, json, read, write};
use crate::desk::claim::{claim, ClaimDetail};
use crate::desk::group::Prepared;
use crate::desk::import::{prepare, AppendReport, Durability, ImportInput};
use crate::desk::users::Role;
use crate::intake::import::parse_json;
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

/// `GET /api/v1/claims/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ClaimDetail>, ApiError> {
    caller.read()?;
    read(&state, move |l| Ok(claim(l, &id)?)).await.map(Json)
}

/// A record of `kind` given as a JSON object of an import line's fields, prepared as the one
/// line of an import (so it meets exactly the rules an import line meets).
pub fn record(state: &AppState, kind: &str, bytes: &[u8]) -> Result<Prepared, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-json",
            "request body: not UTF-8",
        )
    })?;
    let value = parse_json(text).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-json",
            format!("request body: {e}"),
        )
    })?;
    let Value::Object(mut fields) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-json",
            "request body: expected a JSON object",
        ));
    };
    if fields.contains_key("type") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid",
            format!("field 'type' is not accepted here: this route only takes a {kind}"),
        ));
    }
    fields.insert("type".into(), Value::String(kind.into()));
    let line = serde_json::to_vec(&Value::Object(fields))
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(prepare(ImportInput {
        proceed: None,
        label: "<request>",
        bytes: &line,
        base: state.no_files.path(),
        durability: Durability::Synced,
    })?)
}

/// `POST /api/v1/claims`.
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<AppendReport>, ApiError> {
    let user = caller.need(Role::Checker)?;
    let prepared = record(&state, "claim", &body(bytes)?)?;
    write(&state, &user.name, prepared).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Retraction {
    target: String,
    reason: String,
}

/// `POST /api/v1/retractions`.
pub async fn retract(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<AppendReport>, ApiError> {
    let user = caller.need(Role::Checker)?;
    let r: Retraction = json(&body(bytes)?)?;
    let prepared = crate::desk::retract::prepare("<request>", &r.target, &r.reason)?;
    write(&state, &user.name, prepared).await
}
