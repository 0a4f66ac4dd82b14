//! `GET /live`: the server's stream of new appends (the API's `GET /api/v1/events`, same
//! events) for a logged-in page, so the page's script can show a colleague's new claim without a
//! reload. The browser's `EventSource` cannot send a bearer token; the session cookie stands in.

use super::session::Viewer;
use crate::server::AppState;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// The stream: `append` events with the event's JSON line, `lagged` when some were missed.
pub async fn stream(
    State(state): State<AppState>,
    _viewer: Viewer,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let rx = state.events.subscribe();
    let shutdown = state.shutdown.clone();
    let s = stream::unfold((rx, shutdown), |(mut rx, mut shutdown)| async move {
        if *shutdown.borrow() {
            return None;
        }
        let got = tokio::select! {
            r = rx.recv() => r,
            _ = shutdown.changed() => return None,
        };
        let event = match got {
            Ok(p) => SseEvent::default()
                .event("append")
                .id(p.seq.to_string())
                .data(&*p.json),
            Err(RecvError::Lagged(n)) => SseEvent::default().event("lagged").data(n.to_string()),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), (rx, shutdown)))
    });
    Sse::new(s).keep_alive(KeepAlive::default())
}
