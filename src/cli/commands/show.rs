//! `factledger show ID|SEQ`: one event, with what became of it (retracted, superseded).

use crate::cli::{out_json, CliError, Context};
use factledger::event::{hex, EventBody};
use factledger::terminal::{esc, esc_text};
use serde_json::json;

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
    let event = match ledger.find(&args.target)? {
        Some(e) => e,
        None => match args.target.parse::<u64>() {
            Ok(seq) => ledger.event(seq)?.ok_or_else(|| {
                CliError::usage(format!(
                    "no event with seq {seq}: the ledger holds seq 1 to {}",
                    ledger.head().seq
                ))
            })?,
            Err(_) => {
                return Err(CliError::usage(format!(
                    "no claim or source with id '{}' in the ledger",
                    esc(&args.target)
                )))
            }
        },
    };
    let id = event.body.id().map(str::to_string);
    let retracted = match &id {
        Some(id) => ledger.retraction_of(id)?,
        None => None,
    };
    let superseded = match (&id, &event.body) {
        (Some(id), EventBody::ClaimAsserted(_)) => ledger.correction_of(id)?,
        _ => None,
    };
    let text = match &event.body {
        EventBody::SourceRegistered(s) if args.text => match &s.text {
            Some(t) => ledger.text(&t.hash)?,
            None => None,
        },
        _ => None,
    };
    if ctx.json() {
        let mut v = event.to_json();
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "retracted_by".into(),
                json!(retracted.as_ref().map(|e| e.seq)),
            );
            if let EventBody::Retracted(r) =
                retracted.as_ref().map(|e| &e.body).unwrap_or(&event.body)
            {
                if retracted.is_some() {
                    o.insert("retraction_reason".into(), json!(r.reason));
                }
            }
            o.insert(
                "superseded_by".into(),
                json!(superseded.as_ref().and_then(|e| e.body.id())),
            );
            if args.text {
                o.insert("text".into(), json!(text));
            }
        }
        return out_json(&v);
    }
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
    }
    if let (Some(k), Some(sig)) = (&event.signer, &event.signature) {
        out!("  signed by {}", hex(k))?;
        out!("  signature {}", hex(sig))?;
    }
    if let Some(r) = &retracted {
        if let EventBody::Retracted(x) = &r.body {
            out!("  RETRACTED at seq {}: {}", r.seq, esc(&x.reason))?;
        }
    }
    if let Some(s) = &superseded {
        out!(
            "  SUPERSEDED by {} (seq {})",
            esc(s.body.id().unwrap_or("?")),
            s.seq
        )?;
    }
    if let Some(t) = text {
        out!("\n{}", esc_text(&t))?;
    }
    Ok(())
}
