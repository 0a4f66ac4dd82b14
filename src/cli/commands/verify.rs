//! `factledger verify`: recompute every hash and link; exit 1 naming the first bad seq.

use crate::cli::{out_json, CliError, Context};
use factledger::chain::verify_chain;
use factledger::event::hex;
use serde_json::json;

/// Recompute every event's hash and link, and check archived texts; exit 1 at the first problem.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {}

pub fn run(ctx: &Context, _args: &VerifyArgs) -> Result<(), CliError> {
    let ledger = match ctx.open() {
        Ok(l) => l,
        Err(e) if e.kind == crate::cli::ErrorKind::Check => {
            if ctx.json() {
                out_json(
                    &json!({"ok": false, "problem": {"code": "store-damaged", "message": e.message}}),
                )?;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let report = verify_chain(&ledger, |_| {})?;
    let head = ledger.head();
    if ctx.json() {
        out_json(&json!({
            "ok": report.problem.is_none(),
            "events": report.events,
            "texts": report.texts,
            "head": {"seq": head.seq, "hash": hex(&head.hash)},
            "signed": false,
            "problem": report.problem.as_ref().map(|p| json!({"seq": p.seq, "code": p.code, "message": p.message})),
        }))?;
    }
    match report.problem {
        None => {
            if !ctx.json() {
                out!(
                    "ok: {} events and {} archived texts verified; head seq {} hash {}",
                    report.events,
                    report.texts,
                    head.seq,
                    hex(&head.hash)
                )?;
                out!("note: this ledger is unsigned (events are hashed and chained, not signed)")?;
            }
            Ok(())
        }
        Some(p) => {
            let mut e = CliError::check(format!(
                "verify failed at seq {}: {} ({})",
                p.seq, p.message, p.code
            ));
            e.reported = ctx.json();
            if ctx.json() {
                eprintln!("error: {}", e.message);
            }
            Err(e)
        }
    }
}
