//! `factledger flags`: every inconsistency the ledger raises, now or as of a point.

use crate::cli::{out_json, CliError, Context};
use factledger::findings::{all_codes, all_flags, subject_flags};
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
    let ledger = ctx.open()?;
    collect_from(&ledger, args)
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
    let flags = collect(ctx, args)?;
    if ctx.json() {
        return out_json(&Json::Array(flags.iter().map(Flag::to_json).collect()));
    }
    print_flags(&flags)
}

/// Readable flag listing with a count per code.
pub fn print_flags(flags: &[Flag]) -> Result<(), CliError> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in flags {
        *counts.entry(&f.code).or_default() += 1;
        out!("{:<26} {} · {}", f.code, f.subject, f.predicate)?;
        out!("    {}", f.message)?;
        let mut refs = Vec::new();
        if !f.claims.is_empty() {
            refs.push(format!("claims: {}", f.claims.join(", ")));
        }
        if !f.sources.is_empty() {
            refs.push(format!("sources: {}", f.sources.join(", ")));
        }
        if !refs.is_empty() {
            out!("    {}", refs.join("; "))?;
        }
    }
    if flags.is_empty() {
        out!("no flags")
    } else {
        let summary: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {c}")).collect();
        out!(
            "{} flag{}: {}",
            flags.len(),
            if flags.len() == 1 { "" } else { "s" },
            summary.join(", ")
        )
    }
}
