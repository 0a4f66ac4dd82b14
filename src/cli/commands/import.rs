//! `factledger import FILE|-`: append a JSON Lines file, all or nothing; or restore a bundle.

use crate::cli::input::{durability, print_append, read_input, refused};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::import::{import_records, restore_bundle, ImportInput, RestoreInput};
use factledger::desk::interop;
use factledger::terminal::esc;
use std::path::PathBuf;

/// Import a JSON Lines file (see docs/import-format.md). Every line is checked first; on any
/// problem nothing is appended and every problem is printed as FILE:LINE: message.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to import, or - for standard input.
    #[arg(value_name = "FILE|-", required_unless_present_any = ["bundle", "claimreview", "csv"])]
    pub file: Option<PathBuf>,
    /// Restore an exported bundle into an empty ledger (verified first; same hashes, same root).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "claimreview", "csv"])]
    pub bundle: Option<PathBuf>,
    /// Import schema.org ClaimReview JSON-LD (an object, an array, an @graph or a DataFeed):
    /// sources, claims and reviews attributed to the reviewing organisation.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "csv"])]
    pub claimreview: Option<PathBuf>,
    /// Import claims and sources from a CSV file with a header row (docs/interop.md).
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub csv: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<(), CliError> {
    if args.claimreview.is_some() || args.csv.is_some() {
        return run_interop(ctx, args);
    }
    if let Some(path) = &args.bundle {
        let input = read_input(path)?;
        let now = crate::cli::input::verifier_clock()?;
        let mut ledger = ctx.open()?;
        let report = restore_bundle(
            &mut ledger,
            RestoreInput {
                label: &input.label,
                bytes: &input.bytes,
                now: Some(now),
            },
        )?;
        if ctx.json() {
            return print_json(&report);
        }
        return out!(
            "{}: restored {} events; head is seq {} ({}), Merkle root {}",
            esc(&report.file),
            report.appended,
            report.head.seq,
            &report.head.hash[..16],
            report.root
        );
    }
    let file = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    // Ctrl-C from here to the append says nothing was appended (and it is so).
    crate::cli::interrupt::checking();
    let input = read_input(&file)?;
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        // The server never reads its own files: a text_file line is refused there (send text).
        let body = String::from_utf8(input.bytes.clone())
            .map_err(|_| CliError::usage(format!("{}: not UTF-8", input.label)))?;
        let mut report = remote.send_labelled("POST", "/api/v1/import", &body, &input.label)?;
        report["file"] = input.label.clone().into();
        return crate::cli::remote::print_append(ctx, &report);
    }
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let lines = input.bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    let bar = ctx.progress(lines, "import");
    bar.set_position(0);
    let report = import_records(
        &mut ledger,
        ImportInput {
            label: &input.label,
            bytes: &input.bytes,
            base: &input.base,
            durability: durability(),
            proceed: Some(crate::cli::interrupt::begin_append),
        },
        &stamp,
    );
    bar.finish_and_clear();
    let report = report.map_err(refused)?;
    print_append(ctx, &mut ledger, &report)?;
    if crate::cli::interrupt::interrupted_during_append() {
        return Err(CliError::interrupted(format!(
            "interrupted during the append, which completed: {} events appended",
            report.appended
        )));
    }
    Ok(())
}

/// `import --claimreview` and `import --csv` (`docs/interop.md`).
fn run_interop(ctx: &Context, args: &ImportArgs) -> Result<(), CliError> {
    let (path, csv) = match (&args.claimreview, &args.csv) {
        (Some(p), _) => (p, false),
        (None, Some(p)) => (p, true),
        (None, None) => return Err(CliError::usage("import needs a file".to_string())),
    };
    let input = read_input(path)?;
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let (label, bytes) = (&input.label, &input.bytes);
    let report = if csv {
        interop::import_csv(&mut ledger, label, bytes, &input.base, &stamp, durability())
    } else {
        interop::import_claimreview(&mut ledger, label, bytes, &stamp, durability())
    }
    .map_err(refused)?;
    print_append(ctx, &mut ledger, &report)
}
