//! `factledger flags`: every inconsistency the ledger raises, now or as of a point.

use crate::cli::{out_json, CliError, Context};
use factledger::findings::{all_codes, all_flags, for_each_flag, subject_flags};
use factledger::provenance::Chains;
use factledger::rules::Flag;
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
    let codes = all_codes();
    for c in &args.code {
        if !codes.iter().any(|(k, _)| k == c) {
            let list: Vec<&str> = codes.iter().map(|(k, _)| *k).collect();
            return Err(CliError::usage(format!(
                "--code {c}: no such flag code (codes: {})",
                list.join(", ")
            )));
        }
    }
    Ok(())
}

/// Computes flags from an open ledger.
pub fn collect_from(ledger: &factledger::Ledger, args: &FlagsArgs) -> Result<Vec<Flag>, CliError> {
    let seq = args
        .as_of
        .as_deref()
        .map(|s| ledger.resolve_as_of(s))
        .transpose()?;
    let view = ledger.view_at(seq)?;
    let mut flags = match &args.subject {
        Some(s) => subject_flags(&view, ledger, &mut Chains::default(), s)?,
        None => all_flags(&view, ledger)?,
    };
    if !args.code.is_empty() {
        flags.retain(|f| args.code.contains(&f.code));
    }
    Ok(flags)
}

pub fn run(ctx: &Context, args: &FlagsArgs) -> Result<(), CliError> {
    if args.subject.is_some() || ctx.json() {
        let flags = collect(ctx, args)?;
        if ctx.json() {
            return out_json(&Json::Array(flags.iter().map(Flag::to_json).collect()));
        }
        return print_flags(&flags);
    }
    // The whole ledger: printed as found, one subject at a time (a large ledger has millions).
    check_codes(args)?;
    let ledger = ctx.open()?;
    let seq = args
        .as_of
        .as_deref()
        .map(|s| ledger.resolve_as_of(s))
        .transpose()?;
    let view = ledger.view_at(seq)?;
    let mut printer = FlagPrinter::default();
    let mut failed = None;
    for_each_flag(&view, &ledger, &mut |f| {
        if args.code.is_empty() || args.code.contains(&f.code) {
            if let Err(e) = printer.print(&f) {
                failed = Some(e);
                return Err(factledger::LedgerError::Invalid("output failed".into()));
            }
        }
        Ok(())
    })
    .map_err(|e| failed.take().unwrap_or_else(|| CliError::from(e)))?;
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
        match self.counts.get_mut(&f.code) {
            Some(n) => *n += 1,
            None => {
                self.counts.insert(f.code.clone(), 1);
            }
        }
        self.total += 1;
        out!("{:<26} {} · {}", f.code, f.subject, f.predicate)?;
        out!("    {}", f.message)?;
        match (f.claims.is_empty(), f.sources.is_empty()) {
            (true, true) => Ok(()),
            (false, true) => out!("    claims: {}", f.claims.join(", ")),
            (true, false) => out!("    sources: {}", f.sources.join(", ")),
            (false, false) => out!(
                "    claims: {}; sources: {}",
                f.claims.join(", "),
                f.sources.join(", ")
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
