//! Text renderers shared by several commands (`demo` shows the log, facts and flags the way
//! `log`, `facts` and `flags` do). Every value from the ledger is escaped with
//! [`factledger::terminal::esc`].

use crate::cli::CliError;
use factledger::desk::facts::FactRow;
use factledger::desk::flags::FlagSummary;
use factledger::flags::Flag;
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
    for row in facts {
        let f = &row.fact;
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
            let n = row.independent_sources;
            format!(
                "  ({n} independent origin{})",
                if n == 1 { "" } else { "s" }
            )
        };
        out!("{status}{:<22} {shown}{origins}", esc(&f.predicate))?;
    }
    Ok(())
}

/// One flag: code, subject and predicate, the message, the claims and sources involved.
pub fn print_flag(f: &Flag) -> Result<(), CliError> {
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

/// The line after a flag listing: `no flags`, or the total and the count per code.
pub fn print_flag_summary(summary: &FlagSummary) -> Result<(), CliError> {
    if summary.total == 0 {
        return out!("no flags");
    }
    let counts: Vec<String> = summary
        .counts
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect();
    out!(
        "{} flag{}: {}",
        summary.total,
        if summary.total == 1 { "" } else { "s" },
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
