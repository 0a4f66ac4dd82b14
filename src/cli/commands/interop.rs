//! The interop halves of `export` and `import`: `export --claimreview|--prov`, `import
//! --claimreview|--csv` (`docs/interop.md`). Shared by the two command files, which never import
//! each other.

use super::export::ExportArgs;
use super::import::ImportArgs;
use crate::cli::input::{durability, print_append, read_input, refused};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context, ErrorKind};
use factledger::desk::interop::{self, ExportError};
use factledger::terminal::esc;

fn export_failed(e: ExportError) -> CliError {
    match e {
        ExportError::Ledger(e) => e.into(),
        ExportError::ClaimReview(factledger::interop::claimreview::ClaimReviewError::Ledger(e)) => {
            e.into()
        }
        e @ (ExportError::ClaimReview(_) | ExportError::NoSuchClaim { .. }) => {
            CliError::usage(e.to_string())
        }
        e @ ExportError::Write { .. } => CliError {
            kind: ErrorKind::Unavailable,
            ..CliError::usage(e.to_string())
        },
    }
}

pub fn run_export(ctx: &Context, args: &ExportArgs) -> Result<(), CliError> {
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

pub fn run_import(ctx: &Context, args: &ImportArgs) -> Result<(), CliError> {
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
