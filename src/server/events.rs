//! `GET /api/v1/events`: server-sent events, one `append` event per event appended after the
//! client connected, its data the event's JSON line (as `log --json` prints it) and its id the
//! seq. A client that falls too far behind gets a `lagged` event naming how many it missed (it
//! can fetch them with `GET /api/v1/log?after=`). The stream ends when the server shuts down.

use super::auth::Caller;
use super::errors::ApiError;
use super::AppState;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// An appended event as published: its seq and JSON line.
#[derive(Debug, Clone)]
pub struct Published {
    /// The event's seq.
    pub seq: u64,
    /// The event's JSON.
    pub json: Arc<str>,
}

impl Published {
    /// The published form of an event.
    pub fn of(e: &crate::Event) -> Published {
        Published {
            seq: e.seq,
            json: serde_json::to_string(e).unwrap_or_default().into(),
        }
    }
}

/// The stream of appends.
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    caller.read()?;
    Ok(append_stream(&state))
}

/// The server's appends as server-sent events: `append` with the event's JSON line, `lagged`
/// when some were missed; ends at shutdown. The API's stream and the page's (`web::live`) both.
pub(crate) fn append_stream(
    state: &AppState,
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
