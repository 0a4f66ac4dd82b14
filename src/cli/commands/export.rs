//! `factledger export --bundle FILE`: the whole ledger as a verifiable JSON Lines bundle;
//! `export --claimreview` and `export --prov`: the ledger in the field's formats
//! (`docs/interop.md`).

use crate::cli::input::checkpoint_refused;
use crate::cli::render::print_json;
use crate::cli::{flush_out, CliError, Context, ErrorKind};
use factledger::desk::export::{export, Destination, ExportFailure};
use factledger::desk::interop;
use factledger::integrity::bundle::ExportError;
use factledger::terminal::esc;
use std::path::PathBuf;

/// Write every event (fields, record, signature), every archived text and a final checkpoint to
/// a JSON Lines bundle that `verify --bundle` checks and `import --bundle` restores; or the desk's
/// verdicts as schema.org ClaimReview JSON-LD (`--claimreview`), or the ledger's provenance as
/// W3C PROV-JSON (`--prov`).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("format").required(true).args(["bundle", "claimreview", "prov"])))]
pub struct ExportArgs {
    /// Where to write the bundle (- for standard output).
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// Write the desk's current verdicts as ClaimReview JSON-LD (needs desk.name and desk.url).
    #[arg(long)]
    pub claimreview: bool,
    /// Write sources, texts, claims, citations and recording as W3C PROV-JSON.
    #[arg(long)]
    pub prov: bool,
    /// Only this claim (with --claimreview or --prov).
    #[arg(long, value_name = "ID", conflicts_with = "bundle")]
    pub claim: Option<String>,
    /// Write to FILE instead of standard output (with --claimreview or --prov).
    #[arg(long, value_name = "FILE", conflicts_with = "bundle")]
    pub out: Option<PathBuf>,
    /// Also write one static HTML page per reviewed claim into DIR (with --claimreview).
    #[arg(long, value_name = "DIR", requires = "claimreview")]
    pub html: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &ExportArgs) -> Result<(), CliError> {
    let Some(bundle) = &args.bundle else {
        return run_interop(ctx, args);
    };
    let ledger = ctx.open()?;
    let stamp = ctx.checkpoint_stamp(&ledger)?;
    let bar = ctx.progress(ledger.head().seq, "export");
    let mut progress = |seq: u64| {
        if seq.is_multiple_of(1024) {
            bar.set_position(seq);
        }
    };
    let to_stdout = bundle.as_os_str() == "-";
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
        export(&ledger, &stamp, Destination::File(bundle), &mut progress)
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

fn export_failed(e: interop::ExportError) -> CliError {
    match e {
        interop::ExportError::Ledger(e) => e.into(),
        interop::ExportError::ClaimReview(
            factledger::interop::claimreview::ClaimReviewError::Ledger(e),
        ) => e.into(),
        e @ (interop::ExportError::ClaimReview(_) | interop::ExportError::NoSuchClaim { .. }) => {
            CliError::usage(e.to_string())
        }
        e @ interop::ExportError::Write { .. } => CliError {
            kind: ErrorKind::Unavailable,
            ..CliError::usage(e.to_string())
        },
    }
}

/// `export --claimreview` and `export --prov` (`docs/interop.md`).
fn run_interop(ctx: &Context, args: &ExportArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let only = args.claim.as_deref();
    if args.prov {
        let Some(out) = &args.out else {
            let doc = interop::prov(&ledger, only).map_err(export_failed)?;
            return print_json(&doc);
        };
        let written = interop::write_prov(&ledger, only, out).map_err(export_failed)?;
        if ctx.json() {
            return print_json(&written);
        }
        return out!(
            "wrote PROV-JSON for {} claim(s) to {}",
            written.claims.len(),
            esc(out.display().to_string())
        );
    }
    if args.out.is_none() && args.html.is_none() {
        // The document is the output.
        let doc = interop::claimreview(&ledger, only).map_err(export_failed)?;
        return print_json(&doc);
    }
    let written =
        interop::write_claimreview(&ledger, only, args.out.as_deref(), args.html.as_deref())
            .map_err(export_failed)?;
    if ctx.json() {
        return print_json(&written);
    }
    out!(
        "wrote {} ClaimReview(s) to {}",
        written.claims.len(),
        esc(written.files.join(", "))
    )
}
