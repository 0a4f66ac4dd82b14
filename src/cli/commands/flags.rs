//! `factledger flags`: every inconsistency the ledger raises, now or as of a point.

use crate::cli::{out_json, CliError, Context};
use factledger::flags::{for_each_flag, subject_flags, Flag, FlagCode};
use factledger::provenance::Chains;
use factledger::terminal::esc;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// Show inconsistency flags: disagreeing sources, impossible weekdays, anniversaries, tallies and
/// outcomes, quotes missing from their sources, and broken source chains (see docs/flags.md).
#[derive(Debug, clap::Args)]
pub struct FlagsArgs {
    /// The state after this seq, or after the last event recorded at or before this RFC 3339 time.
    #[arg(long, value_name = "SEQ|RFC3339")]
    pub as_of: Option<String>,
    /// Only flags with this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub code: Vec<String>,
    /// Only flags about this subject (a claim subject, or a source id for citation flags).
    #[arg(long)]
    pub subject: Option<String>,
}

/// Computes the flags the arguments ask for.
pub fn collect(ctx: &Context, args: &FlagsArgs) -> Result<Vec<Flag>, CliError> {
    check_codes(args)?;
    let ledger = ctx.open()?;
    collect_from(&ledger, args)
}

fn check_codes(args: &FlagsArgs) -> Result<(), CliError> {
    for c in &args.code {
        c.parse::<FlagCode>()
            .map_err(|e| CliError::usage(format!("--code {e}")))?;
    }
    Ok(())
}

/// Computes flags from an open ledger.
pub fn collect_from(ledger: &factledger::Ledger, args: &FlagsArgs) -> Result<Vec<Flag>, CliError> {
    let mut flags = Vec::new();
    visit_flags(ledger, args, &mut |f| {
        flags.push(f);
        Ok(())
    })?;
    Ok(flags)
}

/// Visits, in order, the flags the arguments ask for; the whole ledger's one subject at a time
/// (a large ledger has millions).
fn visit_flags(
    ledger: &factledger::Ledger,
    args: &FlagsArgs,
    visit: &mut dyn FnMut(Flag) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let seq = args
        .as_of
        .as_deref()
        .map(|s| ledger.resolve_as_of(s))
        .transpose()?;
    let view = ledger.view_at(seq)?;
    let wanted = |f: &Flag| args.code.is_empty() || args.code.iter().any(|c| f.code == c.as_str());
    if let Some(s) = &args.subject {
        let flags = subject_flags(&view, ledger, &mut Chains::default(), s)?;
        return flags.into_iter().filter(wanted).try_for_each(visit);
    }
    // The library's visitor carries library errors; a failure of ours stops it and is kept.
    let mut failed = None;
    for_each_flag(&view, ledger, &mut |f| {
        if wanted(&f) {
            if let Err(e) = visit(f) {
                failed = Some(e);
                return Err(factledger::LedgerError::Invalid("stopped".into()));
            }
        }
        Ok(())
    })
    .map_err(|e| failed.take().unwrap_or_else(|| CliError::from(e)))
}

pub fn run(ctx: &Context, args: &FlagsArgs) -> Result<(), CliError> {
    if ctx.json() {
        let flags = collect(ctx, args)?;
        return out_json(&Json::Array(flags.iter().map(Flag::to_json).collect()));
    }
    check_codes(args)?;
    let ledger = ctx.open()?;
    let mut printer = FlagPrinter::default();
    visit_flags(&ledger, args, &mut |f| printer.print(&f))?;
    printer.finish()
}

/// Readable flag listing with a count per code.
pub fn print_flags(flags: &[Flag]) -> Result<(), CliError> {
    let mut printer = FlagPrinter::default();
    for f in flags {
        printer.print(f)?;
    }
    printer.finish()
}

/// Prints flags one at a time, then the count per code.
#[derive(Default)]
struct FlagPrinter {
    counts: BTreeMap<String, usize>,
    total: usize,
}

impl FlagPrinter {
    fn print(&mut self, f: &Flag) -> Result<(), CliError> {
        match self.counts.get_mut(f.code.as_str()) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(f.code.as_str().to_string(), 1);
            }
        }
        self.total += 1;
        out!("{:<26} {} · {}", f.code, esc(&f.subject), esc(&f.predicate))?;
        out!("    {}", esc(&f.message))?;
        match (f.claims.is_empty(), f.sources.is_empty()) {
            (true, true) => Ok(()),
            (false, true) => out!("    claims: {}", esc(f.claims.join(", "))),
            (true, false) => out!("    sources: {}", esc(f.sources.join(", "))),
            (false, false) => out!(
                "    claims: {}; sources: {}",
                esc(f.claims.join(", ")),
                esc(f.sources.join(", "))
            ),
        }
    }

    fn finish(self) -> Result<(), CliError> {
        if self.total == 0 {
            return out!("no flags");
        }
        let summary: Vec<String> = self
            .counts
            .iter()
            .map(|(c, n)| format!("{n} {c}"))
            .collect();
        out!(
            "{} flag{}: {}",
            self.total,
            if self.total == 1 { "" } else { "s" },
            summary.join(", ")
        )
    }
}
