//! Text renderers shared by several commands (`demo` shows the log, facts and flags the way
//! `log`, `facts` and `flags` do). Every value from the ledger is escaped with
//! [`factledger::terminal::esc`].

use crate::cli::CliError;
use factledger::desk::facts::FactRow;
use factledger::desk::flags::{FlagGroup, FlagSummary};
use factledger::model::event::{hex, Event, EventBody};
use factledger::projection::facts::FactStatus;
use factledger::terminal::esc;

/// What an event says, in one line, escaped.
pub fn event_summary(body: &EventBody) -> String {
    match body {
        EventBody::SourceRegistered(s) => {
            let mut t = format!("source {} ({})", esc(&s.id), s.kind.as_str());
            if let Some(title) = &s.title {
                t.push_str(&format!(" \u{201c}{}\u{201d}", esc(title)));
            }
            if !s.cites.is_empty() {
                t.push_str(&format!(" cites {}", esc(s.cites.join(", "))));
            }
            t
        }
        EventBody::ClaimAsserted(c) => {
            let mut t = format!(
                "claim  {} {} {} = {} [from {}]",
                esc(&c.id),
                esc(&c.subject),
                esc(&c.predicate),
                esc(c.value.display()),
                esc(&c.source)
            );
            if let Some(old) = &c.supersedes {
                t.push_str(&format!(" corrects {}", esc(old)));
            }
            t
        }
        EventBody::Retracted(r) => {
            format!("retract {}: {}", esc(&r.target), esc(&r.reason))
        }
        EventBody::AuthorAuthorised(a) => format!(
            "author {} authorised (key {})",
            esc(&a.name),
            &hex(&a.public_key)[..16]
        ),
        EventBody::AuthorRevoked(a) => format!("author {} revoked", esc(&a.name)),
        EventBody::SubjectAliased(a) => {
            format!("alias  {} names {}", esc(&a.alias), esc(&a.subject))
        }
        EventBody::SourceRevised(r) => {
            let mut t = format!("source {} revised", esc(&r.source));
            if let Some(n) = &r.note {
                t.push_str(&format!(": {}", esc(n)));
            }
            t
        }
        EventBody::SourceWithdrawn(w) => format!(
            "source {} withdrawn by its publisher: {}",
            esc(&w.source),
            esc(&w.reason)
        ),
        EventBody::FlagDismissed(d) => {
            format!("flag {} dismissed: {}", esc(&d.flag), esc(&d.reason))
        }
        EventBody::ClaimReviewed(r) => format!(
            "review {}: {} ({})",
            esc(&r.claim),
            esc(&r.rating),
            esc(&r.scale)
        ),
        EventBody::ScaleDeclared(sc) => format!(
            "scale  {}: {}",
            esc(&sc.name),
            esc(sc
                .steps
                .iter()
                .map(|st| format!("{} {}", st.name, st.value))
                .collect::<Vec<_>>()
                .join(", "))
        ),
        EventBody::SettingRecorded(st) => {
            format!("set    {} = {}", esc(&st.key), esc(&st.value))
        }
    }
}

/// One readable line per event (`log`).
pub fn event_line(e: &Event) -> String {
    let what = event_summary(&e.body);
    let signed = if e.signature.is_some() {
        " [signed]"
    } else {
        ""
    };
    let when = e.recorded_at_rfc3339();
    format!(
        "{:>5}  {}  {:<10} {}{signed}",
        e.seq,
        when,
        esc(&e.author),
        what
    )
}

/// Readable fact listing, grouped by subject (`facts`).
pub fn print_facts(facts: &[FactRow]) -> Result<(), CliError> {
    let mut last_subject: Option<&str> = None;
    // The predicate column is as wide as the subject's longest predicate (at least 22), so a
    // long member name (`vote:Democratic People's Republic of Korea`) keeps the values aligned.
    let mut width = 22;
    for (i, row) in facts.iter().enumerate() {
        let f = &row.fact;
        if last_subject != Some(f.subject.as_str()) {
            width = facts[i..]
                .iter()
                .take_while(|r| r.fact.subject == f.subject)
                .map(|r| esc(&r.fact.predicate).to_string().chars().count())
                .max()
                .unwrap_or(0)
                .max(22);
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
            let n = row.independent_sources;
            format!(
                "  ({n} independent origin{})",
                if n == 1 { "" } else { "s" }
            )
        };
        out!(
            "{status}{:<width$} {shown}{origins}",
            esc(&f.predicate).to_string()
        )?;
        if !row.withdrawn_sources.is_empty() {
            out!(
                "              rests on a source its publisher withdrew: {}",
                esc(row.withdrawn_sources.join(", "))
            )?;
        }
        for v in &row.verdicts {
            out!("            verdict {}: {}", esc(&v.claim), verdict_line(v))?;
        }
    }
    Ok(())
}

/// One flag, or flags of one subject with the same code and message merged into one entry:
/// severity, code, subject and predicate (and how many flags, when merged), the message, each
/// flag's id with its claims, the sources involved, and a dismissal when there is one.
pub fn print_flag_group(g: &FlagGroup) -> Result<(), CliError> {
    let f = g.lead();
    let n = g.flags.len();
    let count = if n > 1 {
        format!("  ({n} flags)")
    } else {
        String::new()
    };
    out!(
        "{:<8} {:<26} {} · {}{count}",
        f.severity(),
        f.code,
        esc(&f.subject),
        esc(&f.predicate)
    )?;
    out!("    {}", esc(&f.message))?;
    let mut sources: Vec<&String> = g.flags.iter().flat_map(|l| &l.flag.sources).collect();
    sources.sort();
    sources.dedup();
    for l in &g.flags {
        let claims = if l.flag.claims.is_empty() {
            String::new()
        } else {
            format!(" claims: {}", esc(l.flag.claims.join(", ")))
        };
        out!("    [{}]{claims}", l.id())?;
        if let Some(d) = &l.dismissed {
            out!("      dismissed at seq {}: {}", d.seq, esc(&d.reason))?;
        }
    }
    if !sources.is_empty() {
        let sources: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
        out!("    sources: {}", esc(sources.join(", ")))?;
    }
    let mut withdrawn: Vec<&String> = g
        .flags
        .iter()
        .flat_map(|l| &l.flag.withdrawn_sources)
        .collect();
    withdrawn.sort();
    withdrawn.dedup();
    if withdrawn.is_empty() {
        return Ok(());
    }
    let withdrawn: Vec<&str> = withdrawn.iter().map(|s| s.as_str()).collect();
    out!(
        "    rests on a source its publisher withdrew: {}",
        esc(withdrawn.join(", "))
    )
}

/// The line after a flag listing: `no flags`, or the total, the count per severity and per code;
/// and how many dismissed flags there are (hidden unless `--dismissed`).
pub fn print_flag_summary(summary: &FlagSummary, dismissed_shown: bool) -> Result<(), CliError> {
    let dismissed = match (summary.dismissed, dismissed_shown) {
        (0, _) => String::new(),
        (n, true) => format!("; {n} dismissed (shown)"),
        (n, false) => format!(
            "; {n} dismissed flag{} hidden (--dismissed shows {})",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        ),
    };
    if summary.total == 0 {
        return out!("no flags{dismissed}");
    }
    let severities: Vec<String> = summary
        .severities
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let counts: Vec<String> = summary
        .counts
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect();
    out!(
        "{} flag{}: {} ({}){dismissed}",
        summary.total,
        if summary.total == 1 { "" } else { "s" },
        severities.join(", "),
        counts.join(", ")
    )
}

/// Prints a typed result as one line of JSON (its `Serialize` form is the contract).
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let line = serde_json::to_string(value).map_err(std::io::Error::other)?;
    crate::cli::write_out(format_args!("{line}"))
}

/// Prints a JSON value as one line in which every character the terminal must not see as itself
/// (C1 controls, bidi overrides; serde_json already escapes C0) is written as a `\u` escape:
/// still the same JSON, but safe on a terminal. For lines that carry text read from a file
/// (`extract`'s candidates), which a person reviews on screen.
pub fn print_json_line<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let line = serde_json::to_string(value).map_err(std::io::Error::other)?;
    if !line.chars().any(factledger::terminal::is_unsafe) {
        return crate::cli::write_out(format_args!("{line}"));
    }
    let mut safe = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        if factledger::terminal::is_unsafe(c) {
            // Unsafe characters only occur inside JSON strings, where a \u escape means the
            // same character; all of them are in the Basic Multilingual Plane.
            safe.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            safe.push(c);
        }
    }
    crate::cli::write_out(format_args!("{safe}"))
}

/// One verdict in one line: rating (number of best), whose, when, and the explanation.
pub fn verdict_line(v: &factledger::desk::review::Verdict) -> String {
    let number = v
        .value
        .map(|n| format!(" ({n} of {}..{})", v.worst, v.best))
        .unwrap_or_default();
    let whose = match &v.organisation {
        Some(o) => format!(" by {}", esc(o)),
        None => String::new(),
    };
    let url = v
        .url
        .as_deref()
        .map(|u| format!(" <{}>", esc(u)))
        .unwrap_or_default();
    format!(
        "{}{number} on scale {}{whose}, seq {}, {}: {}{url}",
        esc(&v.rating),
        esc(&v.scale),
        v.seq,
        esc(&v.author),
        esc(&v.explanation)
    )
}

/// `facts --csv`: a header row, then one row per (subject, predicate) (`docs/interop.md`).
pub fn print_facts_csv(facts: &[FactRow]) -> Result<(), CliError> {
    use factledger::interop::csv::row;
    out!(
        "{}",
        row(&[
            "subject",
            "predicate",
            "status",
            "value",
            "as_written",
            "claims",
            "sources",
            "independent_sources",
            "inactive_claims",
            "verdicts",
        ])
    )?;
    for r in facts {
        let f = &r.fact;
        let values: Vec<String> = f
            .values
            .iter()
            .map(|v| match v.value.to_json() {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .collect();
        let written: Vec<&str> = f
            .values
            .iter()
            .map(|v| v.value.as_written().unwrap_or(""))
            .collect();
        let written = if written.iter().all(|w| w.is_empty()) {
            Vec::new()
        } else {
            written
        };
        let live: Vec<&str> = f.live.iter().map(|c| c.claim.id.as_str()).collect();
        let inactive: Vec<String> = f
            .inactive
            .iter()
            .map(|(c, l)| format!("{} ({})", c.claim.id, l.as_str()))
            .collect();
        let verdicts: Vec<String> = r
            .verdicts
            .iter()
            .map(|v| format!("{}: {}", v.claim, v.rating))
            .collect();
        out!(
            "{}",
            row(&[
                f.subject.clone(),
                f.predicate.clone(),
                f.status.as_str().to_string(),
                values.join(" | "),
                written.join(" | "),
                live.join(";"),
                f.sources().join(";"),
                r.independent_sources.to_string(),
                inactive.join(";"),
                verdicts.join(";"),
            ])
        )?;
    }
    Ok(())
}

/// The header row of `flags --csv`.
pub fn print_flag_csv_header() -> Result<(), CliError> {
    out!(
        "{}",
        factledger::interop::csv::row(&[
            "code",
            "severity",
            "id",
            "subject",
            "predicate",
            "message",
            "claims",
            "sources"
        ])
    )
}

/// The rows of `flags --csv` for one group: one row per flag, never merged.
pub fn print_flag_csv(g: &FlagGroup) -> Result<(), CliError> {
    for l in &g.flags {
        let f = &l.flag;
        out!(
            "{}",
            factledger::interop::csv::row(&[
                f.code.as_str(),
                f.severity().as_str(),
                f.id().as_str(),
                &f.subject,
                &f.predicate,
                &f.message,
                &f.claims.join(";"),
                &f.sources.join(";"),
            ])
        )?;
    }
    Ok(())
}
