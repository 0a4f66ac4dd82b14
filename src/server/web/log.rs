//! `GET /log?as_of=`: the ledger as a timeline, newest first, with a slider to look at it as it
//! stood after any event (the desk's subjects, facts and flags then); whether it verifies, and
//! its checkpoint now. New events appear at the top live when the page shows the present.

use super::claim::record;
use super::escape::esc;
use super::layout::{self, Page};
use super::session::Viewer;
use super::{claim_link, failed, source_link, subject_link, value_text};
use crate::desk::checkpoint::checkpoint;
use crate::desk::facts::{facts, FactsOptions};
use crate::desk::flags::{flags, FlagsOptions};
use crate::desk::log::{log, LogOptions};
use crate::desk::subjects::subjects;
use crate::desk::verify::verify;
use crate::desk::{AsOf, DeskError};
use crate::model::event::{hex, Event, EventBody};
use crate::server::errors::ApiError;
use crate::server::routes::read;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Events shown at once.
const SHOWN: u64 = 100;

/// Query parameters.
#[derive(Deserialize)]
pub struct Params {
    as_of: Option<u64>,
}

/// What an event did, in the desk's words (HTML, escaped).
pub fn describe(e: &Event) -> String {
    match &e.body {
        EventBody::SourceRegistered(s) => format!(
            "Source {} archived{}",
            source_link(&s.id),
            s.title
                .as_deref()
                .map(|t| format!(": “{}”", esc(t)))
                .unwrap_or_default()
        ),
        EventBody::ClaimAsserted(c) => format!(
            "Claim {}: {} — {} = {}{}",
            claim_link(&c.id),
            subject_link(&c.subject),
            esc(&c.predicate),
            esc(&value_text(&c.value)),
            c.supersedes
                .as_deref()
                .map(|s| format!(" (corrects {})", claim_link(s)))
                .unwrap_or_default()
        ),
        EventBody::Retracted(r) => format!("Retracted {}: {}", esc(&r.target), esc(&r.reason)),
        EventBody::AuthorAuthorised(a) => format!("Author {} may sign", esc(&a.name)),
        EventBody::AuthorRevoked(a) => format!("Author {} may no longer sign", esc(&a.name)),
        EventBody::SubjectAliased(a) => format!(
            "{} is also called {}",
            subject_link(&a.subject),
            esc(&a.alias)
        ),
        EventBody::SourceRevised(r) => format!("Source {} revised", source_link(&r.source)),
        EventBody::SourceWithdrawn(w) => format!(
            "Source {} withdrawn: {}",
            source_link(&w.source),
            esc(&w.reason)
        ),
        EventBody::FlagDismissed(d) => format!(
            "Flag <code>{}</code> dismissed: {}",
            esc(&d.flag),
            esc(&d.reason)
        ),
        EventBody::ClaimReviewed(r) => format!(
            "Verdict on {}: {} ({})",
            claim_link(&r.claim),
            esc(&r.rating),
            esc(&r.scale)
        ),
        EventBody::ScaleDeclared(s) => format!("Rating scale {} declared", esc(&s.name)),
        EventBody::SettingRecorded(s) => {
            format!("Setting {} = {}", esc(&s.key), esc(&s.value))
        }
    }
}

struct State_ {
    head: u64,
    at: u64,
    events: Vec<Event>,
    subjects: usize,
    facts: usize,
    conflicting: usize,
    flags: usize,
}

/// `GET /log`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(p): Query<Params>,
) -> Response {
    let stamp = match viewer.name() {
        Some(name) => state.stamp(name),
        None => state
            .stamp("anonymous")
            .map(|s| crate::Stamp { key: None, ..s }),
    };
    let stamp = match stamp {
        Ok(s) => s,
        Err(e) => return failed(&viewer, e),
    };
    let got = read(&state, move |l| {
        let head = l.head().seq;
        let at = p.as_of.unwrap_or(head).min(head);
        let from = at.saturating_sub(SHOWN - 1).max(1);
        let mut events: Vec<Event> = log(
            l,
            LogOptions {
                from,
                limit: Some(at + 1 - from),
                as_of: None,
            },
        )
        .collect::<Result<_, _>>()
        .map_err(ApiError::from)?;
        if at == 0 {
            events.clear();
        }
        events.reverse();
        let as_of = Some(AsOf::Seq(at));
        let subjects = subjects(l, &crate::desk::subjects::SubjectsOptions { as_of })?.len();
        let rows = facts(
            l,
            &FactsOptions {
                subject: None,
                as_of,
                published_by: None,
            },
        )?;
        let conflicting = rows
            .iter()
            .filter(|r| r.fact.status.as_str() == "conflicting")
            .count();
        let summary = flags(
            l,
            &FlagsOptions {
                as_of,
                ..FlagsOptions::default()
            },
            &mut |_: &crate::desk::flags::FlagGroup| Ok::<(), DeskError>(()),
        )?;
        let verified = verify(l, |_| {})?;
        let cp = checkpoint(l, &stamp);
        Ok((
            State_ {
                head,
                at,
                events,
                subjects,
                facts: rows.len(),
                conflicting,
                flags: summary.total,
            },
            verified,
            cp,
        ))
    })
    .await;
    let (s, verified, cp) = match got {
        Ok(x) => x,
        Err(e) => return failed(&viewer, e),
    };
    let mut body = String::from("<h1>Log</h1>");
    body.push_str(&format!(
        "<form method=\"get\" action=\"/log\" class=\"asof\"><label for=\"as_of\">As of event \
         <output id=\"as_of_out\" for=\"as_of\">{at}</output> of {head}</label>\
         <input id=\"as_of\" name=\"as_of\" type=\"range\" min=\"0\" max=\"{head}\" value=\"{at}\">\
         <button type=\"submit\">Show</button>{now}</form>",
        at = s.at,
        head = s.head,
        now = if s.at < s.head {
            " <a href=\"/log\">Back to now</a>"
        } else {
            ""
        }
    ));
    body.push_str(&format!(
        "<p class=\"summary\">{} the desk had {} subject{}, {} fact{} ({} disagreeing) and {} flag{}.</p>",
        if s.at == s.head {
            "Now".to_string()
        } else {
            format!("After event {},", s.at)
        },
        s.subjects,
        if s.subjects == 1 { "" } else { "s" },
        s.facts,
        if s.facts == 1 { "" } else { "s" },
        s.conflicting,
        s.flags,
        if s.flags == 1 { "" } else { "s" },
    ));
    body.push_str("<section class=\"integrity\"><h2>Integrity</h2>");
    match &verified.problem {
        None => body.push_str(&format!(
            "<p><strong>Verified:</strong> all {} events and {} archived texts check out{}.</p>",
            verified.events,
            verified.texts,
            if verified.signed {
                format!("; {} signed", verified.signed_events)
            } else {
                String::new()
            }
        )),
        Some(p) => body.push_str(&format!(
            "<p class=\"problem\" role=\"alert\"><strong>Verification FAILED</strong> at event {}: {} \
             (<code>{}</code>)</p>",
            p.seq,
            esc(&p.message),
            esc(p.code)
        )),
    }
    match cp {
        Ok(c) => body.push_str(&format!(
            "<details class=\"record\"><summary>Checkpoint now: {} events</summary><dl>\
             <dt>origin</dt><dd>{}</dd><dt>size</dt><dd>{}</dd><dt>root</dt><dd><code>{}</code></dd>\
             <dt>time</dt><dd>{}</dd><dt>signed</dt><dd>{}</dd></dl></details>",
            c.size,
            esc(&c.origin),
            c.size,
            hex(&c.root),
            esc(&c.time),
            c.signature
                .as_ref()
                .map(|s| esc(&s.name))
                .unwrap_or_else(|| "no (unsigned ledger)".into())
        )),
        Err(e) => body.push_str(&format!(
            "<p class=\"meta\">No checkpoint: {}</p>",
            esc(&e.to_string())
        )),
    }
    body.push_str("</section><section><h2>Timeline</h2>");
    if s.events.is_empty() {
        body.push_str("<p>Nothing recorded yet at this point.</p>");
    }
    body.push_str("<ol class=\"timeline\" id=\"timeline\">");
    for e in &s.events {
        body.push_str(&format!(
            "<li data-seq=\"{seq}\"><p><span class=\"when\">{when}</span> · {author}</p><p>{what}</p>{record}</li>",
            seq = e.seq,
            when = esc(&e.recorded_at_rfc3339()),
            author = esc(&e.author),
            what = describe(e),
            record = record(e),
        ));
    }
    body.push_str("</ol>");
    if s.at > SHOWN {
        body.push_str(&format!(
            "<p><a href=\"/log?as_of={}\">Earlier events</a></p>",
            s.at - SHOWN
        ));
    }
    body.push_str("</section>");
    let page = Page::new("Log", &viewer, body);
    let page = if s.at == s.head {
        page.live("log", "")
    } else {
        page
    };
    layout::html(page).into_response()
}
