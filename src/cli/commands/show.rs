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
    /// Also print a source's archived text (its current version's).
    #[arg(long)]
    pub text: bool,
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time, or
    /// at the end of this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Context, args: &ShowArgs) -> Result<(), CliError> {
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let path = format!("/api/v1/show/{}", crate::cli::remote::segment(&args.target));
        let query = [("text", args.text.then(|| "true".to_string()))];
        return crate::cli::remote::print(&remote.get(&path, &query)?);
    }
    let ledger = ctx.open()?;
    let as_of = crate::cli::time::as_of(args.as_of.as_deref())?;
    if crate::cli::time::said_empty(ctx, &ledger, as_of.as_ref(), "null")? {
        return Ok(());
    }
    let options = ShowOptions {
        text: args.text,
        as_of,
    };
    let shown = show(&ledger, &args.target, &options)?;
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
            if let Some(v) = &shown.verdict {
                out!("  verdict   {}", crate::cli::render::verdict_line(v))?;
            }
            if let Some(who) = &c.claimant {
                out!("  claimant  {}", esc(who))?;
            }
            if let Some(words) = &c.excerpt {
                out!("  excerpt   \u{201c}{}\u{201d}", esc(words))?;
                match shown.excerpt_line {
                    Some(Some(line)) => out!(
                        "            at line {line} of {}'s archived text",
                        esc(&c.source)
                    )?,
                    _ => out!(
                        "            not found in {}'s archived text",
                        esc(&c.source)
                    )?,
                }
            }
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
            print_withdrawal(&shown, Some(&c.source))?;
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
            for (i, v) in shown.versions.iter().enumerate() {
                let r = &v.revision;
                let text = match &r.text {
                    Some(t) => format!("{} bytes, blake3 {}", t.len, hex(&t.hash)),
                    None => "same text".to_string(),
                };
                out!("  version {} seq {}: {text}", i + 2, v.seq)?;
                if let Some(n) = &r.note {
                    out!("            {}", esc(n))?;
                }
            }
            if !shown.versions.is_empty() && shown.text.is_some() {
                out!("  (the text below is the current version's)")?;
            }
            print_withdrawal(&shown, None)?;
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
        // Events without an id of their own are found by seq.
        other => out!("{}", crate::cli::render::event_summary(other))?,
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

/// The publisher's withdrawal of the source (for a claim, of its source), if any.
fn print_withdrawal(shown: &Shown, claim_source: Option<&str>) -> Result<(), CliError> {
    let Some(w) = &shown.withdrawal else {
        return Ok(());
    };
    let whose = match claim_source {
        Some(id) => format!("its source {}", esc(id)),
        None => "the source".to_string(),
    };
    out!(
        "  WITHDRAWN: {whose} was withdrawn by its publisher (seq {}): {}; the claims stay live",
        w.seq,
        esc(&w.reason)
    )
}
