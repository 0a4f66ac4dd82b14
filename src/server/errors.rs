//! Errors as the API returns them: an HTTP status and a JSON body `{"code", "message"}` (plus
//! `problems` for a refused write), where `code` is stable and documented (`docs/server.md`),
//! and the message is for people. Every use-case error maps to one code here, by variant.

use crate::desk::checkpoint::CheckpointError;
use crate::desk::evidence::EvidenceError;
use crate::desk::import::ImportError;
use crate::desk::users::UserError;
use crate::desk::DeskError;
use crate::error::LedgerError;
use crate::integrity::checkpoint::TreeError;
use crate::integrity::proof::ProofError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One problem of a refused write, at its line (0 when not tied to one).
#[derive(Debug, Clone, Serialize)]
pub struct LineProblem {
    /// The line, 1-based; 0 for a problem of the whole request.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// An API error.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code.
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// For a refused write: every problem, at its line.
    pub problems: Option<Vec<LineProblem>>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [LineProblem]>,
}

impl ApiError {
    /// An error with no problems list.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            problems: None,
        }
    }

    /// 400 `bad-request`: a query parameter or body field that does not read.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", message)
    }

    /// 404 `not-found`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", message)
    }

    /// 500 `internal`: the server failed (the message says how; the ledger is untouched).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            code: self.code,
            message: &self.message,
            problems: self.problems.as_deref(),
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            let value = if self.code == "unauthenticated" {
                r#"Bearer realm="factledger""#
            } else {
                r#"Bearer realm="factledger", error="invalid_token""#
            };
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(value));
        }
        resp
    }
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> ApiError {
        match &e {
            // The author's key is missing or not authorised on a signed ledger.
            LedgerError::Authority(_) => {
                ApiError::new(StatusCode::FORBIDDEN, "not-signing-author", e.to_string())
            }
            LedgerError::BadName { .. } => ApiError::bad_request(e.to_string()),
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "ledger", e.to_string()),
        }
    }
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> ApiError {
        match e {
            DeskError::Ledger(e) => e.into(),
            e @ (DeskError::NoSuchId { .. } | DeskError::NoSuchSeq { .. }) => {
                ApiError::not_found(e.to_string())
            }
            e @ (DeskError::AsOfPastHead { .. } | DeskError::BadAsOf { .. }) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad-as-of", e.to_string())
            }
            // The message names the closest subjects.
            e @ DeskError::NoSuchSubject { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "no-such-subject", e.to_string())
            }
            // The event exists, but not yet at the point asked about.
            e @ DeskError::NotYetRecorded { .. } => ApiError::not_found(e.to_string()),
            e @ DeskError::NoSuchSetting { .. } => ApiError::bad_request(e.to_string()),
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> ApiError {
        match e {
            ImportError::Refused { ref problems, .. } => {
                let problems = problems
                    .iter()
                    .map(|p| LineProblem {
                        line: p.line,
                        message: p.message.clone(),
                    })
                    .collect();
                ApiError {
                    problems: Some(problems),
                    ..ApiError::new(StatusCode::BAD_REQUEST, "refused", e.to_string())
                }
            }
            e @ ImportError::Invalid { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid", e.to_string())
            }
            ImportError::Ledger(e) => e.into(),
            // Only the CLI asks to proceed (Ctrl-C); a request is never cancelled half-way.
            e @ ImportError::Cancelled { .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "cancelled", e.to_string())
            }
        }
    }
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> ApiError {
        match e {
            e @ (UserError::BadName { .. } | UserError::BadRole { .. }) => {
                ApiError::new(StatusCode::BAD_REQUEST, "invalid", e.to_string())
            }
            e @ (UserError::Exists { .. } | UserError::AlreadyRevoked { .. }) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            e @ UserError::NoSuchUser { .. } => ApiError::not_found(e.to_string()),
            UserError::Ledger(e) => e.into(),
            e @ UserError::Damaged { .. } => ApiError::internal(e.to_string()),
        }
    }
}

impl From<CheckpointError> for ApiError {
    fn from(e: CheckpointError) -> ApiError {
        match e {
            CheckpointError::Ledger(e) => e.into(),
            e @ CheckpointError::Tree(_) => {
                ApiError::new(StatusCode::CONFLICT, "empty-ledger", e.to_string())
            }
            e @ (CheckpointError::NoKey { .. } | CheckpointError::NotAuthorised { .. }) => {
                ApiError::new(StatusCode::FORBIDDEN, "not-signing-author", e.to_string())
            }
        }
    }
}

impl From<EvidenceError> for ApiError {
    fn from(e: EvidenceError) -> ApiError {
        match e {
            EvidenceError::Checkpoint(e) => e.into(),
            EvidenceError::Proof(ProofError::Ledger(e))
            | EvidenceError::Proof(ProofError::Tree(TreeError::Ledger(e))) => e.into(),
            e => ApiError::not_found(e.to_string()),
        }
    }
}
