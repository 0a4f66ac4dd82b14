//! `factledger log`: the events in order.

use crate::cli::{out_json, CliError, Context};
use factledger::event::{Event, EventBody};
use factledger::terminal::esc;

/// Print the log of events, oldest first.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// First seq to print.
    #[arg(long, default_value_t = 1)]
    pub from: u64,
    /// Print at most N events.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

pub fn run(ctx: &Context, args: &LogArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let limit = args.limit.unwrap_or(u64::MAX);
    for event in ledger
        .events(args.from)
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
    {
        let event = event?;
        if ctx.json() {
            out_json(&event.to_json())?;
        } else {
            out!("{}", line(&event))?;
        }
    }
    Ok(())
}

/// One readable line per event.
pub fn line(e: &Event) -> String {
    let what = match &e.body {
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
            &factledger::event::hex(&a.public_key)[..16]
        ),
        EventBody::AuthorRevoked(a) => format!("author {} revoked", esc(&a.name)),
    };
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
