//! The desk's web page: server-rendered HTML for people who never open a terminal, served by the
//! same process as the API and calling the same use cases ([`crate::desk`]). No front-end build:
//! one small script (live updates) and one style sheet are compiled into the binary.
//!
//! - [`session`]: log in with a token into an `HttpOnly`, `SameSite=Strict` cookie; log out.
//! - [`csrf`]: every POST checked for its origin and the session's token.
//! - [`escape`]: the one escaping function; [`layout`]: the frame; [`svg`]: source chains drawn.
//! - One module per page: [`subjects`], [`subject`], [`claim`], [`source`], [`paste`], [`log`];
//!   [`live`]: the event stream for the page's script.
//!
//! Every response carries a Content-Security-Policy that allows only this site's own script and
//! style (no inline script), no plugins and no framing. `docs/web.md` describes the pages.

pub mod claim;
pub mod csrf;
pub mod diff;
pub mod escape;
pub mod form;
pub mod layout;
pub mod live;
pub mod log;
pub mod paste;
pub mod session;
pub mod source;
pub mod subject;
pub mod subjects;
pub mod svg;
pub mod verdict;

use super::errors::ApiError;
use super::AppState;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use escape::esc;
use layout::Page;
use session::{Sessions, Viewer};
use std::sync::Arc;

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'self'; script-src 'self'; object-src 'none'; \
                       frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const APP_JS: &str = include_str!("static/app.js");
const APP_CSS: &str = include_str!("static/app.css");

/// The web page's routes, to merge into the server's router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/subjects") }))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/subjects", get(subjects::page))
        .route("/subject", get(subject::page))
        .route("/claims/{id}", get(claim::page))
        .route("/claims/{id}/evidence", get(claim::evidence))
        .route("/claims/{id}/verdict", post(verdict::record))
        .route("/verdicts/{claim}", get(verdict::public))
        .route("/flags/{id}/dismiss", post(subject::dismiss))
        .route("/sources/{id}", get(source::page))
        .route("/paste", get(paste::page).post(paste::extract))
        .route("/paste/import", post(paste::import))
        .route("/log", get(log::page))
        .route("/live", get(live::stream))
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript", APP_JS) }),
        )
        .route(
            "/static/app.css",
            get(|| async { asset("text/css", APP_CSS) }),
        )
        .layer(Extension(Arc::new(Sessions::default())))
        .layer(axum::middleware::map_response(security_headers))
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// An API error as a page: its status, and its message in words.
pub fn failed(viewer: &Viewer, e: ApiError) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        s if s.is_client_error() => "Cannot do that",
        _ => "Something failed",
    };
    let problems = match &e.problems {
        Some(ps) if !ps.is_empty() => {
            let items: Vec<String> = ps
                .iter()
                .map(|p| format!("<li>{}</li>", esc(&p.message)))
                .collect();
            format!("<ul class=\"problems\">{}</ul>", items.join(""))
        }
        _ => String::new(),
    };
    let body = format!(
        "<h1>{title}</h1><p class=\"problem\" role=\"alert\">{}</p>{problems}\
         <p class=\"meta\">code <code>{}</code></p>",
        esc(&e.message),
        esc(e.code)
    );
    (e.status, layout::html(Page::new(title, viewer, body))).into_response()
}

/// 403 for a viewer whose role does not allow a write.
pub fn not_allowed(viewer: &Viewer) -> Response {
    failed(
        viewer,
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "you are a {}; adding to the ledger needs a checker or an editor",
                viewer.role
            ),
        ),
    )
}

/// A link to the claim `id`.
pub fn claim_link(id: &str) -> String {
    format!("<a href=\"/claims/{}\">{}</a>", escape::url(id), esc(id))
}

/// A link to the source `id`.
pub fn source_link(id: &str) -> String {
    format!("<a href=\"/sources/{}\">{}</a>", escape::url(id), esc(id))
}

/// A link to the subject `name`.
pub fn subject_link(name: &str) -> String {
    format!(
        "<a href=\"/subject?name={}\">{}</a>",
        escape::url(name),
        esc(name)
    )
}

/// A claim's value in words (a date with how it was written, a tally with its counts).
pub fn value_text(v: &crate::model::value::Value) -> String {
    v.display()
}
