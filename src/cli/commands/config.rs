//! `factledger config set|get|list`: the ledger's settings, recorded as events.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::config::{get, list, set, SettingRow};
use factledger::terminal::esc;

/// The ledger's settings (`desk.name`, `desk.url`): recorded as events, so exports that use them
/// can be reproduced from the log.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Set a setting (appends an event).
    #[command(
        after_help = "Examples:\n  factledger config set desk.name 'The Fixture Desk'\n  factledger config set desk.url https://desk.example/"
    )]
    Set {
        /// The setting: desk.name or desk.url.
        key: String,
        /// Its value.
        value: String,
    },
    /// Print one setting's value.
    #[command(after_help = "Examples:\n  factledger config get desk.name")]
    Get {
        /// The setting.
        key: String,
    },
    /// List every setting, set or not.
    #[command(after_help = "Examples:\n  factledger config list --json")]
    List,
}

fn line(r: &SettingRow) -> String {
    match (&r.value, r.seq) {
        (Some(v), Some(seq)) => format!("{} = {} (seq {seq})", esc(&r.key), esc(v)),
        _ => format!("{} (not set): {}", esc(&r.key), r.description),
    }
}

pub fn run(ctx: &Context, cmd: &ConfigCommand) -> Result<(), CliError> {
    match cmd {
        ConfigCommand::Set { key, value } => {
            let mut ledger = ctx.open()?;
            let stamp = ctx.stamp_for(&ledger)?;
            let report = set(&mut ledger, "<arguments>", key, value, &stamp, durability())
                .map_err(refused)?;
            print_append(ctx, &mut ledger, &report)
        }
        ConfigCommand::Get { key } => {
            let ledger = ctx.open()?;
            let row = get(&ledger, key)?;
            if ctx.json() {
                return print_json(&row);
            }
            match &row.value {
                Some(v) => out!("{}", esc(v)),
                None => out!("{} is not set", esc(&row.key)),
            }
        }
        ConfigCommand::List => {
            let ledger = ctx.open()?;
            let rows = list(&ledger)?;
            if ctx.json() {
                return print_json(&rows);
            }
            for r in &rows {
                out!("{}", line(r))?;
            }
            Ok(())
        }
    }
}
