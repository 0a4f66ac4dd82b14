//! The API's handlers, one module per resource. Each checks the caller, reads its parameters
//! and calls one use case: reads on a blocking thread holding the ledger ([`read`]), writes
//! through the writer's group commit ([`write()`]).

pub mod claims;
pub mod facts;
pub mod flags;
pub mod import;
pub mod integrity;
pub mod log;
pub mod reviews;
pub mod sources;
pub mod subjects;
pub mod users;

use super::errors::ApiError;
use super::writer::Job;
use super::AppState;
use crate::desk::group::Prepared;
use crate::desk::import::AppendReport;
use crate::desk::AsOf;
use crate::Ledger;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

/// Runs `f` on a blocking thread with the ledger, its head read again first when other
/// processes write the same store (PostgreSQL; nothing for a ledger directory).
pub async fn read<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Ledger) -> Result<T, ApiError> + Send + 'static,
{
    let ledger = state.ledger.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = match ledger.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        // A store other servers write too (PostgreSQL): read up to their appends.
        guard.refresh()?;
        f(&guard)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the read failed: {e}")))?
}

/// As [`read`], with the ledger writable (user management).
pub async fn read_mut<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut Ledger) -> Result<T, ApiError> + Send + 'static,
{
    let ledger = state.ledger.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = match ledger.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.refresh()?;
        f(&mut guard)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the write failed: {e}")))?
}

/// Sends a prepared write by `author` to the writer and waits until it is durable (or refused).
pub async fn write(
    state: &AppState,
    author: &str,
    prepared: Prepared,
) -> Result<Json<AppendReport>, ApiError> {
    let stamp = state.stamp(author)?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    state
        .writer
        .send(Job {
            prepared,
            stamp,
            reply,
        })
        .map_err(|_| shutting_down())?;
    let report = answer.await.map_err(|_| shutting_down())??;
    Ok(Json(report))
}

fn shutting_down() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "shutting-down",
        "the server is shutting down; nothing was appended",
    )
}

/// A request body, with 413 for one over the limit.
pub fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                "the request body is larger than this server accepts (--max-body)",
            )
        } else {
            ApiError::bad_request(e.body_text())
        }
    })
}

/// A JSON object body, read strictly into `T`.
pub fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad-json",
            format!("request body: {e}"),
        )
    })
}

/// Query parameters, with a JSON error naming the bad one.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Q<T>, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| Q(t))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// An `as_of` parameter, read as the CLI reads `--as-of`.
pub fn as_of(given: Option<&str>) -> Result<Option<AsOf>, ApiError> {
    Ok(given.map(str::parse::<AsOf>).transpose()?)
}
