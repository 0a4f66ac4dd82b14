//! `POST /api/v1/import`: a JSON Lines body (`docs/import-format.md`), all or nothing; a refused
//! import is 400 with every problem as `[{line, message}]`. `text_file` is not read over HTTP
//! (it resolves in an empty directory): send the text inline.

use super::{body, write};
use crate::desk::import::{prepare, AppendReport, Durability, ImportInput};
use crate::desk::users::Role;
use crate::intake::import::Record;
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::Json;

/// `POST /api/v1/import`.
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<AppendReport>, ApiError> {
    let user = caller.need(Role::Checker)?;
    let bytes = body(bytes)?;
    let base = state.no_files.clone();
    // Parsing a large body is work: off the async threads.
    let prepared = tokio::task::spawn_blocking(move || {
        prepare(ImportInput {
            proceed: None,
            label: "<request>",
            bytes: &bytes,
            base: base.path(),
            durability: Durability::Synced,
        })
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    if user.role < Role::Editor {
        let published = prepared.records.iter().find_map(|(line, r)| match r {
            Record::Review(r) if r.url.is_some() => Some(*line),
            _ => None,
        });
        if let Some(line) = published {
            return Err(super::reviews::publishing_needs_an_editor(
                &user.name,
                user.role,
                &format!("line {line}: "),
            ));
        }
    }
    write(&state, &user.name, prepared).await
}
