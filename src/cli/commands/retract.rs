//! `factledger retract ID --reason R`: retract a claim or source. The retracted record stays in
//! the log; it is no longer live.

use crate::cli::input::{durability, finish_append, print_append_text, refused};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::retract::{retract, RetractInput, RetractedRecord};
use factledger::terminal::esc;

/// Retract a claim or source (the record stays in the log but is no longer live).
#[derive(Debug, clap::Args)]
pub struct RetractArgs {
    /// Id of the claim or source.
    pub id: String,
    /// Why it is retracted.
    #[arg(long)]
    pub reason: String,
}

pub fn run(ctx: &Context, args: &RetractArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let body = serde_json::json!({ "target": args.id, "reason": args.reason });
        let mut report = remote.send_labelled(
            "POST",
            "/api/v1/retractions",
            &body.to_string(),
            "<arguments>",
        )?;
        report["file"] = "<arguments>".into();
        return crate::cli::remote::print_append(ctx, &report);
    }
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let input = RetractInput {
        label: "<arguments>",
        target: &args.id,
        reason: &args.reason,
        durability: durability(),
    };
    let report = retract(&mut ledger, input, &stamp).map_err(refused)?;
    if ctx.json() {
        print_json(&report)?;
        return finish_append(&mut ledger, &report.append);
    }
    let what = match &report.retracted {
        RetractedRecord::Claim {
            id,
            predicate,
            source,
            subject,
            value,
        } => format!(
            "claim '{}' ({} {} = {}, from source '{}')",
            esc(id),
            esc(subject),
            esc(predicate),
            esc(value),
            esc(source)
        ),
        RetractedRecord::Source {
            id,
            publisher,
            title,
        } => {
            let mut t = format!("source '{}'", esc(id));
            if let Some(title) = title {
                t.push_str(&format!(" \u{201c}{}\u{201d}", esc(title)));
            }
            if let Some(p) = publisher {
                t.push_str(&format!(" ({})", esc(p)));
            }
            t
        }
        RetractedRecord::Other { id } => format!("'{}'", esc(id)),
    };
    if report.append.appended == 0 {
        out!(
            "{what} was already retracted for this reason: {}",
            esc(&report.reason)
        )?;
    } else {
        out!("retracted {what}: {}", esc(&report.reason))?;
    }
    print_append_text(&report.append)?;
    finish_append(&mut ledger, &report.append)
}
