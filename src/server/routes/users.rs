//! Users (editors only): `GET /api/v1/users`, `POST /api/v1/users` (`{"name", "role"}`; the
//! answer carries the token, shown this once), `DELETE /api/v1/users/{name}` (revokes the token
//! at once). The same use cases as `factledger user add|list|revoke`.

use super::{body, json, read, read_mut};
use crate::desk::users::{add_user, list_users, revoke_user, Role, User, UserAdded};
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

/// `GET /api/v1/users`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<User>>, ApiError> {
    caller.need(Role::Editor)?;
    read(&state, |l| Ok(list_users(l)?)).await.map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    name: String,
    role: String,
}

fn now(state: &AppState) -> i64 {
    state
        .config
        .now
        .unwrap_or_else(|| chrono::Utc::now().timestamp_micros())
}

/// `POST /api/v1/users`.
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<UserAdded>, ApiError> {
    caller.need(Role::Editor)?;
    let u: NewUser = json(&body(bytes)?)?;
    let role: Role = u.role.parse()?;
    let at = now(&state);
    let st = state.clone();
    read_mut(&state, move |l| {
        let added = add_user(l, &u.name, role, at)?;
        st.reload_users(l)?;
        Ok(added)
    })
    .await
    .map(Json)
}

/// `DELETE /api/v1/users/{name}`.
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<User>, ApiError> {
    caller.need(Role::Editor)?;
    let at = now(&state);
    let st = state.clone();
    read_mut(&state, move |l| {
        let user = revoke_user(l, &name, at)?;
        st.reload_users(l)?;
        Ok(user)
    })
    .await
    .map(Json)
}
