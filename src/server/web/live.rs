//! `GET /live`: the server's stream of new appends (the API's `GET /api/v1/events`, same
//! events) for a logged-in page, so the page's script can show a colleague's new claim without a
//! reload. The browser's `EventSource` cannot send a bearer token; the session cookie stands in.

use super::session::Viewer;
use crate::server::AppState;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, Sse};
use futures_util::stream::Stream;
use std::convert::Infallible;

/// The stream: `append` events with the event's JSON line, `lagged` when some were missed.
pub async fn stream(
    State(state): State<AppState>,
    _viewer: Viewer,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    crate::server::events::append_stream(&state)
}
