//! Who is asking: the bearer token of a request, looked up by its blake3 hash among the users
//! (kept in memory, loaded from the ledger's `users` keyspace at start and on every change), and
//! what their role lets them do. 401 (with `WWW-Authenticate`) when a token is needed and
//! missing, unknown or revoked; 403 when the role is not enough.

use super::errors::ApiError;
use super::AppState;
use crate::desk::users::{token_hash, Role, User};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// The users by token hash; revoked users are left out, so their tokens stop working at once.
#[derive(Debug, Default)]
pub struct Users {
    by_hash: HashMap<String, Arc<User>>,
}

impl Users {
    /// The valid users among `all`.
    pub fn new(all: Vec<User>) -> Users {
        let by_hash = all
            .into_iter()
            .filter(|u| u.revoked.is_none())
            .map(|u| (u.token_hash.clone(), Arc::new(u)))
            .collect();
        Users { by_hash }
    }

    fn find(&self, token: &str) -> Option<Arc<User>> {
        self.by_hash.get(&token_hash(token)).cloned()
    }
}

/// The caller of a request: a user, or nobody (no `Authorization` header).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user, if a valid token came.
    pub user: Option<Arc<User>>,
    public_read: bool,
}

impl Caller {
    /// May read: any user, or anyone when the server runs with `--public-read`.
    pub fn read(&self) -> Result<(), ApiError> {
        if self.user.is_some() || self.public_read {
            Ok(())
        } else {
            Err(unauthenticated())
        }
    }

    /// Must be a user with at least `role`.
    pub fn need(&self, role: Role) -> Result<Arc<User>, ApiError> {
        let user = self.user.clone().ok_or_else(unauthenticated)?;
        if user.role < role {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "user '{}' is a {}; this needs a {} or above",
                    user.name, user.role, role
                ),
            ));
        }
        Ok(user)
    }
}

fn unauthenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "this needs a token: send 'Authorization: Bearer TOKEN'",
    )
}

fn invalid_token() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid-token",
        "the token is not valid: unknown, malformed or revoked",
    )
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        // The rate limit counts per user; requests without a valid token count per client
        // address, so guessing tokens is limited too.
        let by_addr = || match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(addr)) => format!("addr:{}", addr.ip()),
            None => "addr:?".to_string(),
        };
        let user = match parts.headers.get(header::AUTHORIZATION) {
            None => None,
            Some(v) => {
                let found = {
                    let users = state
                        .users
                        .read()
                        .map_err(|_| ApiError::internal("users lock"))?;
                    v.to_str()
                        .ok()
                        .and_then(|s| s.strip_prefix("Bearer "))
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .and_then(|t| users.find(t))
                };
                match found {
                    Some(u) => Some(u),
                    None => {
                        state.limiter.check(&by_addr())?;
                        return Err(invalid_token());
                    }
                }
            }
        };
        let key = match &user {
            Some(u) => format!("user:{}", u.name),
            None => by_addr(),
        };
        state.limiter.check(&key)?;
        Ok(Caller {
            user,
            public_read: state.config.public_read,
        })
    }
}
