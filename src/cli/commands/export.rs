//! `factledger export --bundle FILE`: the whole ledger as a verifiable JSON Lines bundle.

use crate::cli::commands::checkpoint::make;
use crate::cli::{out_json, CliError, Context};
use factledger::event::hex;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Write every event (fields, record, signature), every archived text and a final checkpoint to
/// a JSON Lines bundle that `verify --bundle` checks and `import --bundle` restores.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Where to write the bundle (- for standard output).
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
}

pub fn run(ctx: &Context, args: &ExportArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let checkpoint = make(ctx, &ledger)?;
    if args.bundle.as_os_str() == "-" {
        crate::cli::flush_out()?;
        let mut out = std::io::stdout().lock();
        factledger::bundle::export(&ledger, &checkpoint, &mut out)?;
        return Ok(());
    }
    // Write to a temporary file beside the target and rename it, so a failed export never
    // leaves a half bundle under the final name.
    let dir = args
        .bundle
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    let lines = {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        let n = factledger::bundle::export(&ledger, &checkpoint, &mut w)?;
        w.flush()?;
        n
    };
    tmp.as_file().sync_all()?;
    tmp.persist(&args.bundle).map_err(|e| {
        CliError::usage(format!(
            "cannot write {}: {}",
            args.bundle.display(),
            e.error
        ))
    })?;
    if ctx.json() {
        out_json(
            &json!({"ok": true, "bundle": args.bundle.display().to_string(), "lines": lines, "events": checkpoint.size, "root": hex(&checkpoint.root)}),
        )
    } else {
        out!(
            "wrote {} ({} lines: {} events, texts, checkpoint with root {})",
            args.bundle.display(),
            lines,
            checkpoint.size,
            hex(&checkpoint.root)
        )
    }
}
