//! The desk server (`factledger serve`): one process owns the ledger and serves the whole desk
//! over HTTP, keeping every guarantee the command line gives (durable before acknowledged,
//! hashed, signed, verifiable). Handlers are short: they check who is asking and call the same
//! use cases ([`crate::desk`]) the CLI calls, returning the same `Serialize` results as JSON.
//!
//! - [`app`]: the router (every route under `/api/v1/`), body limits, the shared state.
//! - [`auth`]: users, roles and bearer tokens (401 / 403).
//! - [`errors`]: JSON errors with stable codes.
//! - [`routes`]: one module per resource.
//! - [`writer`]: the one writer thread and its group commit.
//! - [`events`]: server-sent events of new appends.
//! - [`rate`]: the per-client token bucket (429).
//!
//! Only with the `server` feature (on by default).

pub mod app;
pub mod auth;
pub mod errors;
pub mod events;
pub mod rate;
pub mod routes;
pub mod writer;

use crate::desk::users::list_users;
use crate::integrity::signing::KeyDir;
use crate::Ledger;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{broadcast, watch};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:8417` by default; port 0 picks a free one).
    pub listen: SocketAddr,
    /// Whether reads need no token.
    pub public_read: bool,
    /// Requests per second per client (0: no limit).
    pub rate: u32,
    /// Largest request body accepted, in bytes (413 above).
    pub max_body: usize,
    /// Where users' signing keys are (a signed ledger's events are signed with the key of the
    /// user who sent them); `None` when there is no key directory.
    pub key_dir: Option<PathBuf>,
    /// A fixed clock (microseconds since the epoch) for tests (`FACTLEDGER_NOW`); `None`: now.
    pub now: Option<i64>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The ledger; readers and the writer take turns.
    pub ledger: Arc<Mutex<Ledger>>,
    /// Valid users by token hash.
    pub users: Arc<RwLock<auth::Users>>,
    /// The writer's queue.
    pub writer: std::sync::mpsc::Sender<writer::Job>,
    /// New appends, for `GET /api/v1/events`.
    pub events: broadcast::Sender<events::Published>,
    /// Set when the server is shutting down (ends event streams).
    pub shutdown: watch::Receiver<bool>,
    /// The rate limiter.
    pub limiter: Arc<rate::Limiter>,
    /// The configuration.
    pub config: Arc<Config>,
    /// An empty directory: `text_file` in a request body resolves here, so a request can never
    /// read the server's files (send `text` instead).
    pub no_files: Arc<tempfile::TempDir>,
}

impl AppState {
    /// The stamp for an append by `author` now, with their key when the key directory has one.
    pub fn stamp(&self, author: &str) -> Result<crate::Stamp, errors::ApiError> {
        let recorded_at = self
            .config
            .now
            .unwrap_or_else(|| chrono::Utc::now().timestamp_micros());
        let key = match &self.config.key_dir {
            Some(dir) => KeyDir::new(dir.clone()).load(author).map_err(|e| {
                errors::ApiError::internal(format!("signing key of '{author}': {e}"))
            })?,
            None => None,
        };
        Ok(crate::Stamp {
            author: author.to_string(),
            recorded_at,
            key,
        })
    }

    /// Reloads the users from the ledger (after a change).
    pub fn reload_users(&self, ledger: &Ledger) -> Result<(), errors::ApiError> {
        let all = list_users(ledger)?;
        let mut users = self
            .users
            .write()
            .map_err(|_| errors::ApiError::internal("users lock"))?;
        *users = auth::Users::new(all);
        Ok(())
    }
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The ledger failed to open or read.
    #[error(transparent)]
    Ledger(#[from] crate::LedgerError),
    /// Reading the users failed.
    #[error(transparent)]
    Users(#[from] crate::desk::users::UserError),
    /// The address could not be bound, or serving failed.
    #[error("cannot serve on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs the server on `ledger` until SIGINT or SIGTERM: stops accepting, lets in-flight
/// requests finish (every acknowledged append is durable), ends event streams, stops the
/// writer once its queue is empty, and returns. `bound` is told the address actually bound.
pub fn serve(
    ledger: Ledger,
    config: Config,
    bound: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    serve_until(ledger, config, bound, signal())
}

/// [`serve`], stopping gracefully when `stop` completes instead of on a signal (a program that
/// embeds the server, the load benchmark).
pub fn serve_until(
    ledger: Ledger,
    config: Config,
    bound: impl FnOnce(SocketAddr),
    stop_when: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServerError::Io {
            addr: config.listen,
            source,
        })?;
    let users = auth::Users::new(list_users(&ledger)?);
    let ledger = Arc::new(Mutex::new(ledger));
    let (events, _) = broadcast::channel(4096);
    let (writer, writer_thread) = writer::start(ledger.clone(), events.clone());
    let (stop, shutdown) = watch::channel(false);
    let io = |source| ServerError::Io {
        addr: config.listen,
        source,
    };
    let state = AppState {
        ledger,
        users: Arc::new(RwLock::new(users)),
        writer,
        events,
        shutdown,
        limiter: Arc::new(rate::Limiter::new(config.rate)),
        no_files: Arc::new(tempfile::tempdir().map_err(io)?),
        config: Arc::new(config.clone()),
    };
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(io)?;
        bound(listener.local_addr().map_err(io)?);
        let app = app::router(state);
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            stop_when.await;
            let _ = stop.send(true);
        })
        .await
        .map_err(io)
    });
    // Every handler (and with it every sender of the writer's queue) is gone: the writer drains
    // what is queued, durably, and ends.
    drop(runtime);
    let _ = writer_thread.join();
    result
}

/// SIGINT or SIGTERM.
async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
