//! `factledger checkpoint`: the ledger's size and Merkle root now, signed, to publish.

use crate::cli::{out_json, CliError, Context};
use factledger::checkpoint::Checkpoint;
use factledger::projection;
use factledger::Ledger;

/// Print a checkpoint: tree size, Merkle root and time, signed by the author (--author) when
/// the ledger is signed. Publish it; readers check proofs against it with `verify-proof`.
#[derive(Debug, clap::Args)]
pub struct CheckpointArgs {}

/// Makes a checkpoint of the ledger now, signed by the stamp's author when the ledger is signed.
pub fn make(ctx: &Context, ledger: &Ledger) -> Result<Checkpoint, CliError> {
    let stamp = ctx.stamp()?;
    let time = chrono::DateTime::from_timestamp_micros(stamp.recorded_at)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let t = ledger.tables();
    if !projection::is_signed(&t)? {
        return Ok(Checkpoint::of_ledger(ledger, &time, None)?);
    }
    let key = stamp.key.as_ref().ok_or_else(|| {
        CliError::usage(format!(
            "this ledger is signed, so its checkpoints must be too, but author '{}' has no key in {}",
            stamp.author,
            ctx.key_dir()
                .map(|k| k.path().display().to_string())
                .unwrap_or_else(|e| e.message)
        ))
    })?;
    let pk = key.verifying_key().to_bytes();
    match projection::author(&t, &stamp.author)? {
        Some(a) if a.revoked_at.is_none() && a.public_key == pk => {}
        _ => {
            return Err(CliError::usage(format!(
                "'{}' is not an authorised author of this ledger with that key; checkpoints are signed by authorised authors",
                stamp.author
            )))
        }
    }
    Ok(Checkpoint::of_ledger(
        ledger,
        &time,
        Some((&stamp.author, key)),
    )?)
}

pub fn run(ctx: &Context, _args: &CheckpointArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let c = make(ctx, &ledger)?;
    if ctx.json() {
        out_json(&c.to_json())
    } else {
        out!("{}", c.note().trim_end())
    }
}
