//! `factledger show ID|SEQ`: one event, with what became of it (retracted, superseded).

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::show::{show, ShowOptions, Shown};
use factledger::model::event::{hex, EventBody, Source};
use factledger::projection::Liveness;
use factledger::terminal::{esc, esc_text};

/// Show one event by claim/source id or by seq.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A claim or source id, or a seq number.
    #[arg(value_name = "ID|SEQ")]
    pub target: String,
    /// Also print a source's archived text.
    #[arg(long)]
    pub text: bool,
}

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<(), CliError> {
    let ledger = ctx.open()?;
    let shown = show(&ledger, &args.target, &ShowOptions { text: args.text })?;
    if ctx.json() {
        return print_json(&shown);
    }
    let event = &shown.event;
    // What the record says comes first, then what became of it, its flags and its source; the
    // log's bookkeeping (seq, time, author, hashes, signature) last.
    match &event.body {
        EventBody::ClaimAsserted(c) => {
            out!(
                "claim {}: {} · {} = {}",
                esc(&c.id),
                esc(&c.subject),
                esc(&c.predicate),
                esc(c.value.display())
            )?;
            print_status(&shown)?;
            if shown.flags.is_empty() {
                out!("  flags     none")?;
            }
            for f in &shown.flags {
                out!("  flag      {}: {}", f.code, esc(&f.message))?;
            }
            match &shown.source {
                Some(s) => out!("  source    {}", source_line(s))?,
                None => out!("  source    {}", esc(&c.source))?,
            }
            if let Some(old) = &c.supersedes {
                out!("  corrects  {}", esc(old))?;
            }
            if let Some(n) = &c.note {
                out!("  note      {}", esc(n))?;
            }
        }
        EventBody::SourceRegistered(s) => {
            out!("source {}", source_line(s))?;
            print_status(&shown)?;
            if let Some(u) = &s.url {
                out!("  url       {}", esc(u))?;
            }
            if let Some(p) = &s.published {
                out!("  published {} ('{}')", p.iso(), esc(&p.as_written))?;
            }
            if !s.cites.is_empty() {
                out!("  cites     {}", esc(s.cites.join(", ")))?;
            }
            match &s.text {
                Some(t) => out!(
                    "  text      {} bytes archived, blake3 {}",
                    t.len,
                    hex(&t.hash)
                )?,
                None => out!("  text      (none archived)")?,
            }
        }
        EventBody::Retracted(r) => {
            out!("retraction of {}: {}", esc(&r.target), esc(&r.reason))?;
        }
        EventBody::AuthorAuthorised(a) => {
            out!("author {} authorised", esc(&a.name))?;
            out!("  key       {}", hex(&a.public_key))?;
        }
        EventBody::AuthorRevoked(a) => {
            out!("author {} revoked", esc(&a.name))?;
        }
    }
    out!(
        "  recorded  {} by {}",
        event.recorded_at_rfc3339(),
        esc(&event.author)
    )?;
    out!("  event     {} seq {}", event.body.event_name(), event.seq)?;
    out!("  hash      {}", hex(&event.hash))?;
    out!("  prev      {}", hex(&event.prev))?;
    if let (Some(k), Some(sig)) = (&event.signer, &event.signature) {
        out!("  signed by {}", hex(k))?;
        out!("  signature {}", hex(sig))?;
    }
    if let Some(Some(t)) = &shown.text {
        out!("\n{}", esc_text(t))?;
    }
    Ok(())
}

/// `ID “TITLE” (KIND, PUBLISHER)`.
fn source_line(s: &Source) -> String {
    let mut t = esc(&s.id).to_string();
    if let Some(title) = &s.title {
        t.push_str(&format!(" \u{201c}{}\u{201d}", esc(title)));
    }
    match &s.publisher {
        Some(p) => t.push_str(&format!(" ({}, {})", s.kind.as_str(), esc(p))),
        None => t.push_str(&format!(" ({})", s.kind.as_str())),
    }
    t
}

/// The status line of a claim or source: live, or what took it out of the live state.
fn print_status(shown: &Shown) -> Result<(), CliError> {
    if let Some((seq, reason)) = shown.retracted() {
        return out!("  status    RETRACTED at seq {seq}: {}", esc(reason));
    }
    if let Some((id, seq)) = shown.superseded() {
        return out!(
            "  status    SUPERSEDED by {} (seq {seq})",
            esc(id.unwrap_or("?"))
        );
    }
    match shown.status {
        Some(Liveness::SourceRetracted) => {
            out!("  status    not live: its source was retracted")
        }
        _ => out!("  status    live"),
    }
}
