//! Integrity: `GET /api/v1/verify` (the whole report, as `verify --json`), `GET
//! /api/v1/checkpoint` (the checkpoint now, signed with the caller's key on a signed ledger),
//! `GET /api/v1/evidence/{claim}` (the evidence file `evidence --out` writes).

use super::read;
use crate::desk::checkpoint::checkpoint as checkpoint_now;
use crate::desk::evidence::evidence as evidence_of;
use crate::desk::verify::{verify as verify_all, VerifyReport};
use crate::integrity::checkpoint::Checkpoint;
use crate::integrity::proof::EvidenceFile;
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::Json;

/// `GET /api/v1/verify`.
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<VerifyReport>, ApiError> {
    caller.read()?;
    read(&state, |l| Ok(verify_all(l, |_| {})?)).await.map(Json)
}

/// The stamp a checkpoint is made with: the caller's (their key signs it on a signed ledger);
/// without a token, no key (fine on an unsigned ledger, refused on a signed one).
fn stamp(state: &AppState, caller: &Caller) -> Result<crate::Stamp, ApiError> {
    match &caller.user {
        Some(u) => state.stamp(&u.name),
        None => Ok(crate::Stamp {
            key: None,
            ..state.stamp("anonymous")?
        }),
    }
}

/// `GET /api/v1/checkpoint`.
pub async fn checkpoint(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Checkpoint>, ApiError> {
    caller.read()?;
    let stamp = stamp(&state, &caller)?;
    read(&state, move |l| Ok(checkpoint_now(l, &stamp)?))
        .await
        .map(Json)
}

/// `GET /api/v1/evidence/{claim}`.
pub async fn evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(claim): Path<String>,
) -> Result<Json<EvidenceFile>, ApiError> {
    caller.read()?;
    let stamp = stamp(&state, &caller)?;
    read(&state, move |l| Ok(evidence_of(l, &claim, &stamp)?))
        .await
        .map(Json)
}
