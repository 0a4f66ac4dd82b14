//! Sources: `GET /api/v1/sources` (every source, as `sources --json`), `GET
//! /api/v1/sources/{id}` (the source's event with its archived text, as `show --text --json`),
//! `POST /api/v1/sources` (an import line's fields; `text`, never `text_file`).

use super::claims::record;
use super::{body, read, write};
use crate::desk::import::AppendReport;
use crate::desk::show::{show, ShowOptions, Shown};
use crate::desk::sources::{sources_at, SourceRow};
use crate::desk::users::Role;
use crate::model::event::EventBody;
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::Json;

/// Query parameters of `GET /api/v1/sources`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    as_of: Option<String>,
}

/// `GET /api/v1/sources?as_of=`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    super::Q(p): super::Q<ListParams>,
) -> Result<Json<Vec<SourceRow>>, ApiError> {
    caller.read()?;
    let as_of = super::as_of(p.as_of.as_deref())?;
    read(&state, move |l| Ok(sources_at(l, as_of.as_ref())?))
        .await
        .map(Json)
}

/// `GET /api/v1/sources/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Shown>, ApiError> {
    caller.read()?;
    read(&state, move |l| {
        let shown = show(
            l,
            &id,
            &ShowOptions {
                text: true,
                as_of: None,
            },
        )?;
        match shown.event.body {
            EventBody::SourceRegistered(_) => Ok(shown),
            _ => Err(ApiError::not_found(format!("no source with id '{id}'"))),
        }
    })
    .await
    .map(Json)
}

/// `POST /api/v1/sources`.
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<AppendReport>, ApiError> {
    let user = caller.need(Role::Checker)?;
    let prepared = record(&state, "source", &body(bytes)?)?;
    write(&state, &user.name, prepared).await
}
