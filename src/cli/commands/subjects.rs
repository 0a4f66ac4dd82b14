//! `factledger subjects`: every subject holding claims, with its aliases and counts.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::subjects::{subjects, SubjectsOptions};
use factledger::desk::AsOf;
use factledger::terminal::esc;

/// List every subject with its aliases, other spellings, live claims and flags.
///
/// Example: factledger subjects --json
#[derive(Debug, clap::Args)]
pub struct SubjectsArgs {
    /// The state after this seq, after the last event at or before this RFC 3339 time, or at the
    /// end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &SubjectsArgs) -> Result<(), CliError> {
    let options = SubjectsOptions {
        as_of: args.as_of.as_deref().map(str::parse::<AsOf>).transpose()?,
    };
    let ledger = ctx.open()?;
    if crate::cli::time::said_empty(ctx, &ledger, options.as_of.as_ref(), "[]")? {
        return Ok(());
    }
    let rows = subjects(&ledger, &options)?;
    if ctx.json() {
        return print_json(&rows);
    }
    if rows.is_empty() {
        return out!("no subjects in the ledger");
    }
    for r in &rows {
        out!(
            "{}  {} claim{}, {} flag{}{}",
            esc(&r.subject),
            r.claims,
            if r.claims == 1 { "" } else { "s" },
            r.flags,
            if r.flags == 1 { "" } else { "s" },
            severities(&r.severities)
        )?;
        if !r.aliases.is_empty() {
            let names: Vec<String> = r.aliases.iter().map(|a| format!("'{}'", esc(a))).collect();
            out!("  aliases: {}", names.join(", "))?;
        }
        if !r.spellings.is_empty() {
            let names: Vec<String> = r
                .spellings
                .iter()
                .map(|a| format!("'{}'", esc(a)))
                .collect();
            out!("  also filed as: {}", names.join(", "))?;
        }
    }
    Ok(())
}

/// ` (1 error, 2 warning)`, most severe first; empty without flags.
pub fn severities(by: &std::collections::BTreeMap<String, usize>) -> String {
    let parts: Vec<String> = ["error", "warning", "info"]
        .iter()
        .filter_map(|s| by.get(*s).map(|n| format!("{n} {s}")))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}
