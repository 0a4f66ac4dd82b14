//! `factledger init`: create a new, empty ledger.

use crate::cli::{out_json, CliError, Context};
use serde_json::json;

/// Create a new, empty ledger at --ledger (default ./.factledger).
#[derive(Debug, clap::Args)]
pub struct InitArgs {}

pub fn run(ctx: &Context, _args: &InitArgs) -> Result<(), CliError> {
    let dir = &ctx.global.ledger;
    factledger::Ledger::init(dir)?;
    if ctx.json() {
        out_json(&json!({"ok": true, "ledger": dir.display().to_string(), "head": {"seq": 0}}))
    } else {
        out!("created an empty ledger in {}", dir.display())
    }
}
