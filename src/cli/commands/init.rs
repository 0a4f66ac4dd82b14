//! `factledger init`: create a new, empty ledger (signed with `--key`).

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::init::{init, InitInput};
use factledger::ledger::Stamp;
use factledger::terminal::esc;

/// Create a new, empty ledger at --ledger (default ./.factledger), or in the PostgreSQL schema
/// --store / FACTLEDGER_STORE names. With --key NAME, the ledger is signed: its first event
/// authorises NAME, whose key must be in the key directory.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Make a signed ledger whose first author is NAME (key from the key directory).
    #[arg(long, value_name = "NAME")]
    pub key: Option<String>,
}

pub fn run(ctx: &Context, args: &InitArgs) -> Result<(), CliError> {
    let location = ctx.location()?;
    // Load the key before creating anything, so a missing key leaves nothing behind.
    let key = match &args.key {
        Some(name) => {
            let keys = ctx.key_dir()?;
            let key = keys.load(name)?.ok_or_else(|| {
                CliError::usage(format!(
                    "no key named '{name}' in {} (create one with `factledger key generate --name {name}`)",
                    keys.path().display()
                ))
            })?;
            Some((name.clone(), key))
        }
        None => None,
    };
    // A signed ledger's first event is signed by the author it authorises; an unsigned ledger
    // starts empty, so no author is needed (nor asked for) to create one.
    let (stamp, signing_key) = match key {
        Some((author, key)) => (
            Stamp {
                key: None,
                ..ctx.stamp_as(author)?
            },
            Some(key),
        ),
        None => (ctx.stamp_or("none")?, None),
    };
    let report = init(
        InitInput {
            location: &location,
            signing_key,
        },
        &stamp,
    )?;
    if ctx.json() {
        return print_json(&report);
    }
    match (&report.author, &report.public_key) {
        (Some(n), Some(pk)) => out!(
            "created a signed ledger in {}; its first event authorises '{}' (key {pk})",
            esc(&report.ledger),
            esc(n)
        ),
        _ => out!("created an empty ledger in {}", esc(&report.ledger)),
    }
}
