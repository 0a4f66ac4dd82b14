//! `factledger export --bundle FILE`: the whole ledger as a verifiable JSON Lines bundle.

use crate::cli::input::checkpoint_refused;
use crate::cli::render::print_json;
use crate::cli::{flush_out, CliError, Context, ErrorKind};
use factledger::desk::export::{export, Destination, ExportFailure};
use factledger::integrity::bundle::ExportError;
use factledger::terminal::esc;
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
    let stamp = ctx.checkpoint_stamp(&ledger)?;
    let bar = ctx.progress(ledger.head().seq, "export");
    let mut progress = |seq: u64| {
        if seq.is_multiple_of(1024) {
            bar.set_position(seq);
        }
    };
    let to_stdout = args.bundle.as_os_str() == "-";
    let report = if to_stdout {
        flush_out()?;
        let mut out = std::io::stdout().lock();
        export(
            &ledger,
            &stamp,
            Destination::Stream(&mut out),
            &mut progress,
        )
    } else {
        export(
            &ledger,
            &stamp,
            Destination::File(&args.bundle),
            &mut progress,
        )
    };
    bar.finish_and_clear();
    let report = report.map_err(|e| match e {
        ExportFailure::Checkpoint(e) => checkpoint_refused(ctx, e),
        ExportFailure::Export(ExportError::Ledger(e)) => e.into(),
        e @ ExportFailure::File { .. } => CliError::usage(e.to_string()),
        e @ (ExportFailure::Io(_) | ExportFailure::Export(ExportError::Write(_))) => CliError {
            kind: ErrorKind::Unavailable,
            ..CliError::usage(e.to_string())
        },
    })?;
    if to_stdout {
        // The bundle is the output.
        return Ok(());
    }
    if ctx.json() {
        return print_json(&report);
    }
    out!(
        "wrote {} ({} lines: {} events, texts, checkpoint with root {})",
        esc(&report.bundle),
        report.lines,
        report.events,
        report.root
    )
}
