//! `factledger dismiss FLAG --reason R`: set a flag aside, with the desk's reason. The flag is
//! hidden from `flags` until the claims it involves change.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::render::print_json;
use crate::cli::{flush_out, CliError, Context};
use factledger::desk::dismiss::{dismiss, DismissInput};
use factledger::terminal::esc;

/// Dismiss a flag by its id (as `flags` shows it), with a reason. The flag is hidden from `flags`
/// (shown with `flags --dismissed`) until the claims it involves change: a correction makes a
/// new flag with a new id.
#[derive(Debug, clap::Args)]
pub struct DismissArgs {
    /// The flag's id: 16 hex characters, as `factledger flags` prints it.
    #[arg(value_name = "FLAG")]
    pub flag: String,
    /// Why the desk sets it aside.
    #[arg(long)]
    pub reason: String,
}

pub fn run(ctx: &Context, args: &DismissArgs) -> Result<(), CliError> {
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let input = DismissInput {
        label: "<arguments>",
        flag: &args.flag,
        reason: &args.reason,
        durability: durability(),
    };
    let report = dismiss(&mut ledger, input, &stamp).map_err(refused)?;
    if ctx.json() {
        print_json(&report)?;
        // Only under fault injection is the append not yet synced here.
        if report.append.needs_sync {
            flush_out()?;
            ledger.sync()?;
        }
        return Ok(());
    }
    let f = &report.flag;
    out!(
        "{} flag {} ({} {} · {}): {}",
        if report.append.appended == 0 {
            "already dismissed:"
        } else {
            "dismissed"
        },
        f.id(),
        f.code,
        esc(&f.subject),
        esc(&f.predicate),
        esc(&report.reason)
    )?;
    print_append(ctx, &mut ledger, &report.append)
}
