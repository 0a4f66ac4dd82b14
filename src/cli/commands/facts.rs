//! `factledger facts`: the current (or past) fact state.

use crate::cli::{out_json, CliError, Context};
use factledger::facts::{facts_of, subject_facts, Fact, FactStatus};
use factledger::projection::for_each_subject_claims;
use factledger::provenance::{independent_sources, Chains};
use factledger::terminal::esc;
use serde_json::Value as Json;

/// Show what the ledger holds about each subject: live claims, values, sources, agreement.
#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    /// Only this subject.
    #[arg(long)]
    pub subject: Option<String>,
    /// The state after this seq, or after the last event recorded at or before this RFC 3339 time.
    #[arg(long, value_name = "SEQ|RFC3339")]
    pub as_of: Option<String>,
}

/// Collects facts for one subject or all, as of a point.
pub fn collect(
    ctx: &Context,
    subject: Option<&str>,
    as_of: Option<&str>,
) -> Result<Vec<(Fact, usize)>, CliError> {
    let ledger = ctx.open()?;
    collect_from(&ledger, subject, as_of)
}

/// Collects facts from an open ledger.
pub fn collect_from(
    ledger: &factledger::Ledger,
    subject: Option<&str>,
    as_of: Option<&str>,
) -> Result<Vec<(Fact, usize)>, CliError> {
    let seq = as_of.map(|s| ledger.resolve_as_of(s)).transpose()?;
    let view = ledger.view_at(seq)?;
    let mut facts = Vec::new();
    match subject {
        Some(s) => facts.extend(subject_facts(&view, s)?),
        None => for_each_subject_claims(&view, &mut |s, claims| {
            facts.extend(facts_of(&view, s, claims)?);
            Ok(())
        })?,
    }
    let mut chains = Chains::default();
    let mut out = Vec::with_capacity(facts.len());
    for f in facts {
        let n = independent_sources(&view, &mut chains, &f.sources())?;
        out.push((f, n));
    }
    Ok(out)
}

pub fn run(ctx: &Context, args: &FactsArgs) -> Result<(), CliError> {
    let facts = collect(ctx, args.subject.as_deref(), args.as_of.as_deref())?;
    if ctx.json() {
        return out_json(&Json::Array(
            facts
                .iter()
                .map(|(f, n)| {
                    let mut v = f.to_json();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("independent_sources".into(), (*n).into());
                    }
                    v
                })
                .collect(),
        ));
    }
    if facts.is_empty() {
        match &args.subject {
            Some(s) => out!("no claims about '{}'", esc(s))?,
            None => out!("no claims in the ledger")?,
        }
        return Ok(());
    }
    print_facts(&facts)
}

/// Readable fact listing, grouped by subject.
pub fn print_facts(facts: &[(Fact, usize)]) -> Result<(), CliError> {
    let mut last_subject: Option<&str> = None;
    for (f, independent) in facts {
        if last_subject != Some(f.subject.as_str()) {
            if last_subject.is_some() {
                out!("")?;
            }
            out!("{}", esc(&f.subject))?;
            last_subject = Some(&f.subject);
        }
        let status = match f.status {
            FactStatus::Consistent => "  ok        ",
            FactStatus::Conflicting => "  CONFLICT  ",
            FactStatus::Retracted => "  retracted ",
        };
        let values: Vec<String> = f
            .values
            .iter()
            .map(|v| format!("{} [{}]", esc(v.value.display()), esc(v.claims.join(", "))))
            .collect();
        let shown = if values.is_empty() {
            let ids: Vec<String> = f
                .inactive
                .iter()
                .map(|(c, l)| format!("{} {}", esc(&c.claim.id), l.as_str()))
                .collect();
            format!("(nothing live: {})", ids.join(", "))
        } else if f.predicate == "quote" {
            values.join("; ")
        } else {
            values.join("  vs  ")
        };
        let origins = if f.live.is_empty() {
            String::new()
        } else {
            format!(
                "  ({} independent origin{})",
                independent,
                if *independent == 1 { "" } else { "s" }
            )
        };
        out!("{status}{:<22} {shown}{origins}", esc(&f.predicate))?;
    }
    Ok(())
}
