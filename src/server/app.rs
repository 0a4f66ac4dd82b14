//! The router: every route of the API under `/api/v1/`, the body limit, and JSON errors for
//! what no route matches. `docs/openapi.json` describes each route (a test checks they agree).

use super::errors::ApiError;
use super::routes::{
    claims, facts, flags, import, integrity, log, reviews, sources, subjects, users,
};
use super::{events, web, AppState};
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::Router;

/// The OpenAPI description, as kept in `docs/openapi.json`.
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// Every route: (method, path) as the OpenAPI description names them.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/subjects"),
    ("get", "/api/v1/facts"),
    ("get", "/api/v1/flags"),
    ("get", "/api/v1/claims/{id}"),
    ("post", "/api/v1/claims"),
    ("get", "/api/v1/sources"),
    ("post", "/api/v1/sources"),
    ("get", "/api/v1/sources/{id}"),
    ("get", "/api/v1/show/{target}"),
    ("get", "/api/v1/log"),
    ("get", "/api/v1/verify"),
    ("get", "/api/v1/checkpoint"),
    ("get", "/api/v1/evidence/{claim}"),
    ("post", "/api/v1/import"),
    ("post", "/api/v1/retractions"),
    ("get", "/api/v1/reviews"),
    ("post", "/api/v1/reviews"),
    ("post", "/api/v1/dismissals"),
    ("post", "/api/v1/extract"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("delete", "/api/v1/users/{name}"),
];

/// The application: the API, and the web page for people (`web`, `docs/web.md`).
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body;
    Router::new()
        .merge(web::router())
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/subjects", get(subjects::list))
        .route("/api/v1/facts", get(facts::list))
        .route("/api/v1/flags", get(flags::list))
        .route("/api/v1/claims", post(claims::add))
        .route("/api/v1/claims/{id}", get(claims::get_one))
        .route("/api/v1/sources", get(sources::list).post(sources::add))
        .route("/api/v1/sources/{id}", get(sources::get_one))
        .route("/api/v1/show/{target}", get(log::show))
        .route("/api/v1/log", get(log::list))
        .route("/api/v1/verify", get(integrity::verify))
        .route("/api/v1/checkpoint", get(integrity::checkpoint))
        .route("/api/v1/evidence/{claim}", get(integrity::evidence))
        .route("/api/v1/import", post(import::import))
        .route("/api/v1/retractions", post(claims::retract))
        .route("/api/v1/reviews", get(reviews::list).post(reviews::add))
        .route("/api/v1/dismissals", post(reviews::dismiss))
        .route("/api/v1/extract", post(reviews::extract))
        .route("/api/v1/events", get(events::events))
        .route("/api/v1/users", get(users::list).post(users::add))
        .route("/api/v1/users/{name}", delete(users::revoke))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route; see /api/v1/openapi.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described_and_every_description_is_a_route() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("docs/openapi.json");
        let paths = doc["paths"].as_object().expect("paths");
        let mut described = Vec::new();
        for (path, ops) in paths {
            for method in ops.as_object().expect("operations").keys() {
                described.push((method.clone(), path.clone()));
            }
        }
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        described.sort();
        routes.sort();
        assert_eq!(described, routes);
    }
}
