//! `factledger serve`: one process owns the ledger and serves the desk over HTTP until SIGINT or
//! SIGTERM (in-flight appends finish durable, then exit 0). Prints the address it listens on.

use crate::cli::{flush_out, CliError, Context};
use factledger::server::{serve, Config, ServerError};
use std::net::SocketAddr;

/// Serve the ledger over HTTP.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    #[arg(long, default_value = "127.0.0.1:8417", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Let anyone read without a token (writes still need one).
    #[arg(long)]
    pub public_read: bool,
    /// Requests per second each client (token, or address without one) may make; 0: no limit.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub rate: u32,
    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, default_value_t = 16 << 20, value_name = "BYTES")]
    pub max_body: usize,
}

pub fn run(ctx: &Context, args: &ServeArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let now = match std::env::var_os("FACTLEDGER_NOW") {
        Some(_) => Some(crate::cli::input::verifier_clock()?),
        None => None,
    };
    let config = Config {
        listen: args.listen,
        public_read: args.public_read,
        rate: args.rate,
        max_body: args.max_body,
        key_dir: ctx.key_dir().ok().map(|d| d.path().to_path_buf()),
        now,
    };
    let json = ctx.json();
    let dir = ctx.location()?.display();
    let mut printed = Ok(());
    let result = serve(ledger, config, |addr| {
        printed = if json {
            crate::cli::render::print_json(&serde_json::json!({ "listen": addr.to_string() }))
        } else {
            out!("listening on http://{addr} (ledger {dir})")
        }
        .and_then(|_| flush_out());
    });
    printed?;
    result.map_err(|e| match e {
        ServerError::Ledger(e) => e.into(),
        ServerError::Io { .. } => CliError::unavailable(e.to_string()),
        ServerError::Users(e) => CliError::check(e.to_string()),
    })
}
