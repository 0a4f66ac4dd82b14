//! Verdicts and triage: `GET /api/v1/reviews?claim=&history=&as_of=` (as `reviews --json`),
//! `POST /api/v1/reviews` (a review import line's fields; a checker may record a verdict, only an
//! editor may publish one — a review with a `url`), `POST /api/v1/dismissals`
//! (`{"flag", "reason"}`, a checker), and `POST /api/v1/extract` (candidate claims, as
//! `extract --json`; nothing appended).

use super::{as_of, body, json, read, write, Q};
use crate::desk::extract::{
    extract_source, extract_text, ExtractError, ExtractRequest, Extraction,
};
use crate::desk::import::AppendReport;
use crate::desk::review::{prepare, ReviewInput};
use crate::desk::reviews::{reviews, ClaimVerdicts, ReviewsOptions};
use crate::desk::users::Role;
use crate::server::auth::Caller;
use crate::server::errors::ApiError;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

/// Query parameters of `GET reviews`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    claim: Option<String>,
    history: Option<bool>,
    as_of: Option<String>,
}

/// `GET /api/v1/reviews`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Q(p): Q<Params>,
) -> Result<Json<Vec<ClaimVerdicts>>, ApiError> {
    caller.read()?;
    let options = ReviewsOptions {
        claim: p.claim,
        history: p.history.unwrap_or(false),
        as_of: as_of(p.as_of.as_deref())?,
    };
    read(&state, move |l| Ok(reviews(l, &options)?))
        .await
        .map(Json)
}

/// The body of `POST reviews`: a review import line's fields (without `type`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The claim reviewed.
    pub claim: String,
    /// A step of the scale, by name.
    pub rating: String,
    /// A short explanation.
    pub explanation: String,
    /// Where the fact-check is published: a published verdict (editors only).
    pub url: Option<String>,
    /// The scale (default `default`).
    pub scale: Option<String>,
    /// When it was published, as written.
    pub reviewed: Option<String>,
    /// Whose verdict it is, when another organisation's.
    pub organisation: Option<String>,
}

/// 403 for a checker's review with a `url`: publishing a verdict is an editor's.
pub fn publishing_needs_an_editor(name: &str, role: Role, place: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        format!(
            "{place}user '{}' is a {}; publishing a verdict (a review with a url) needs an \
             editor; leave out the url to record it unpublished",
            name, role
        ),
    )
}

/// Records `r` by `user` (a checker or above; an editor when it has a `url`) through the group
/// commit. The web page's verdict form calls this too.
pub async fn record_review(
    state: &AppState,
    (name, role): (&str, Role),
    label: &str,
    r: &Review,
) -> Result<AppendReport, ApiError> {
    if r.url.is_some() && role < Role::Editor {
        return Err(publishing_needs_an_editor(name, role, ""));
    }
    let prepared = prepare(&ReviewInput {
        label,
        claim: &r.claim,
        rating: &r.rating,
        explanation: &r.explanation,
        url: r.url.as_deref(),
        scale: r.scale.as_deref(),
        reviewed: r.reviewed.as_deref(),
        organisation: r.organisation.as_deref(),
        ..Default::default()
    })?;
    write(state, name, prepared).await.map(|Json(r)| r)
}

/// `POST /api/v1/reviews`.
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<AppendReport>, ApiError> {
    let user = caller.need(Role::Checker)?;
    let r: Review = json(&body(bytes)?)?;
    record_review(&state, (&user.name, user.role), "<request>", &r)
        .await
        .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Dismissal {
    flag: String,
    reason: String,
}

/// Dismisses `flag` by `user` through the group commit, checked as `factledger dismiss` checks
/// it (an unknown id names the closest; a flag dismissed for another reason is refused). The web
/// page's dismiss form calls this too.
pub async fn record_dismissal(
    state: &AppState,
    user: &str,
    label: &str,
    flag: &str,
    reason: &str,
) -> Result<AppendReport, ApiError> {
    if reason.trim().is_empty() {
        return Err(ApiError::bad_request(
            "reason: say why the desk sets the flag aside".to_string(),
        ));
    }
    let prepared = crate::desk::dismiss::prepare(label, flag, reason)?;
    write(state, user, prepared).await.map(|Json(r)| r)
}

/// `POST /api/v1/dismissals`.
pub async fn dismiss(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<AppendReport>, ApiError> {
    let user = caller.need(Role::Checker)?;
    let d: Dismissal = json(&body(bytes)?)?;
    record_dismissal(&state, &user.name, "<request>", &d.flag, &d.reason)
        .await
        .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extract {
    text: Option<String>,
    source: String,
    published: Option<String>,
    subject: Option<String>,
}

impl From<ExtractError> for ApiError {
    fn from(e: ExtractError) -> ApiError {
        match e {
            ExtractError::Ledger(e) => e.into(),
            e @ (ExtractError::UnknownSource { .. } | ExtractError::NoText { .. }) => {
                ApiError::not_found(e.to_string())
            }
            e => ApiError::bad_request(e.to_string()),
        }
    }
}

/// `POST /api/v1/extract`: `{"text", "source", "published"?, "subject"?}` reads the text given,
/// `{"source"}` the source's archived text. Nothing is appended.
pub async fn extract(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Extraction>, ApiError> {
    caller.need(Role::Reader)?;
    let x: Extract = json(&body(bytes)?)?;
    let request = ExtractRequest {
        source: x.source,
        published: x.published,
        subject: x.subject,
    };
    match x.text {
        Some(text) => Ok(Json(extract_text(text.as_bytes(), "<request>", &request)?)),
        None => read(&state, move |l| Ok(extract_source(l, &request)?))
            .await
            .map(Json),
    }
}
