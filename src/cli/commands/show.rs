//! `factledger show ID|SEQ`: one event, with what became of it (retracted, superseded).

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::show::{show, ShowOptions};
use factledger::model::event::{hex, EventBody};
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
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let path = format!("/api/v1/show/{}", crate::cli::remote::segment(&args.target));
        let query = [("text", args.text.then(|| "true".to_string()))];
        return crate::cli::remote::print(&remote.get(&path, &query)?);
    }
    let ledger = ctx.open()?;
    let shown = show(&ledger, &args.target, &ShowOptions { text: args.text })?;
    if ctx.json() {
        return print_json(&shown);
    }
    let event = &shown.event;
    out!("{} seq {}", event.body.event_name(), event.seq)?;
    out!(
        "  recorded  {} by {}",
        event.recorded_at_rfc3339(),
        esc(&event.author)
    )?;
    out!("  hash      {}", hex(&event.hash))?;
    out!("  prev      {}", hex(&event.prev))?;
    match &event.body {
        EventBody::SourceRegistered(s) => {
            out!("  id        {}", esc(&s.id))?;
            out!("  kind      {}", s.kind.as_str())?;
            for (k, v) in [
                ("publisher", &s.publisher),
                ("title", &s.title),
                ("url", &s.url),
            ] {
                if let Some(v) = v {
                    out!("  {k:<9} {}", esc(v))?;
                }
            }
            if let Some(p) = &s.published {
                out!("  published {} ('{}')", p.iso(), esc(&p.as_written))?;
            }
            if !s.cites.is_empty() {
                out!("  cites     {}", esc(s.cites.join(", ")))?;
            }
            match &s.text {
                Some(t) => out!("  text      {} bytes, blake3 {}", t.len, hex(&t.hash))?,
                None => out!("  text      (none archived)")?,
            }
        }
        EventBody::ClaimAsserted(c) => {
            out!("  id        {}", esc(&c.id))?;
            out!("  source    {}", esc(&c.source))?;
            out!("  subject   {}", esc(&c.subject))?;
            out!("  predicate {}", esc(&c.predicate))?;
            out!("  value     {}", esc(c.value.display()))?;
            if let Some(old) = &c.supersedes {
                out!("  corrects  {}", esc(old))?;
            }
            if let Some(n) = &c.note {
                out!("  note      {}", esc(n))?;
            }
            if let Some(who) = &c.claimant {
                out!("  claimant  {}", esc(who))?;
            }
            if let Some(words) = &c.excerpt {
                out!("  excerpt   \u{201c}{}\u{201d}", esc(words))?;
            }
        }
        EventBody::Retracted(r) => {
            out!("  target    {}", esc(&r.target))?;
            out!("  reason    {}", esc(&r.reason))?;
        }
        EventBody::AuthorAuthorised(a) => {
            out!("  author    {}", esc(&a.name))?;
            out!("  key       {}", hex(&a.public_key))?;
        }
        EventBody::AuthorRevoked(a) => {
            out!("  author    {} (revoked)", esc(&a.name))?;
        }
        // Events without an id of their own are shown through `log`, not looked up by `show`.
        other => out!("  {}", crate::cli::render::event_summary(other))?,
    }
    if let (Some(k), Some(sig)) = (&event.signer, &event.signature) {
        out!("  signed by {}", hex(k))?;
        out!("  signature {}", hex(sig))?;
    }
    if let Some((seq, reason)) = shown.retracted() {
        out!("  RETRACTED at seq {seq}: {}", esc(reason))?;
    }
    if let Some((id, seq)) = shown.superseded() {
        out!("  SUPERSEDED by {} (seq {seq})", esc(id.unwrap_or("?")))?;
    }
    if let Some(Some(t)) = &shown.text {
        out!("\n{}", esc_text(t))?;
    }
    Ok(())
}
