//! `GET /claims/{id}`: one claim — its value and claimant, the excerpt highlighted in its
//! source's archived text, the source chain drawn, its flags, what became of it, and the
//! evidence file to download (`GET /claims/{id}/evidence`, the API's `evidence/{claim}`).

use super::escape::{esc, url};
use super::layout::{self, Page};
use super::session::Viewer;
use super::subject::{flag_list, triage};
use super::{failed, source_link, subject_link, svg, value_text, verdict};
use crate::desk::claim::{claim, ClaimDetail};
use crate::desk::evidence::evidence as evidence_of;
use crate::desk::show::{show, ShowOptions};
use crate::model::event::{hex, Event, EventBody};
use crate::server::errors::ApiError;
use crate::server::routes::read;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The event's ledger record, folded away: seq, time, author, hashes, signature.
pub fn record(e: &Event) -> String {
    format!(
        "<details class=\"record\"><summary>Ledger record</summary><dl>\
         <dt>seq</dt><dd>{seq}</dd><dt>recorded</dt><dd>{at}</dd><dt>by</dt><dd>{author}</dd>\
         <dt>hash</dt><dd><code>{hash}</code></dd><dt>previous</dt><dd><code>{prev}</code></dd>\
         <dt>signed</dt><dd>{signed}</dd></dl></details>",
        seq = e.seq,
        at = esc(&e.recorded_at_rfc3339()),
        author = esc(&e.author),
        hash = hex(&e.hash),
        prev = hex(&e.prev),
        signed = match &e.signer {
            Some(k) => format!("by key <code>{}</code>", hex(k)),
            None => "no (unsigned ledger)".into(),
        }
    )
}

/// `text` with the first place `excerpt` occurs marked; `None` when it does not occur.
pub fn highlighted(text: &str, excerpt: &str) -> Option<String> {
    if excerpt.is_empty() {
        return None;
    }
    let at = text.find(excerpt)?;
    let end = at + excerpt.len();
    Some(format!(
        "{}<mark id=\"excerpt\">{}</mark>{}",
        esc(&text[..at]),
        esc(&text[at..end]),
        esc(&text[end..])
    ))
}

/// `GET /claims/{id}`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let got = read(&state, move |l| {
        let d: ClaimDetail = claim(l, &id)?;
        let source = match &d.claim.event.body {
            EventBody::ClaimAsserted(c) => match show(
                l,
                &c.source,
                &ShowOptions {
                    text: true,
                    as_of: None,
                },
            ) {
                Ok(s) => Some(s),
                Err(crate::desk::DeskError::NoSuchId { .. }) => None,
                Err(e) => return Err(ApiError::from(e)),
            },
            _ => None,
        };
        let scales = crate::desk::reviews::scales(l)?;
        Ok((d, source, scales))
    })
    .await;
    let (mut d, source, scales) = match got {
        Ok(x) => x,
        Err(e) => return failed(&viewer, e),
    };
    let EventBody::ClaimAsserted(c) = &d.claim.event.body else {
        return failed(&viewer, ApiError::not_found("not a claim"));
    };
    let mut body = format!(
        "<p class=\"crumbs\"><a href=\"/subjects\">Subjects</a> › {} ›</p>\
         <h1>Claim <span class=\"id\">{}</span></h1>",
        subject_link(&c.subject),
        esc(&c.id)
    );
    let mut status = String::from("live");
    if let Some((seq, reason)) = d.claim.retracted() {
        status = format!("retracted (event {seq}): {}", esc(reason));
    } else if let Some((by, _)) = d.claim.superseded() {
        status = match by {
            Some(by) => format!("corrected by {}", super::claim_link(by)),
            None => "corrected".into(),
        };
    } else if let Some((_, l)) = &d.audit.claim {
        status = esc(l.as_str());
    }
    body.push_str(&format!(
        "<dl class=\"claim\"><dt>Subject</dt><dd>{subject}</dd><dt>What</dt><dd>{pred}</dd>\
         <dt>Value</dt><dd class=\"big\">{value}</dd><dt>Claimant</dt><dd>{claimant}</dd>\
         <dt>Source</dt><dd>{source}</dd><dt>Status</dt><dd>{status}</dd>{verdict}{note}{supersedes}</dl>",
        verdict = d
            .claim
            .verdict
            .as_ref()
            .map(|v| format!(
                "<dt>Verdict</dt><dd><a href=\"#verdicts\">{}</a></dd>",
                esc(&v.rating)
            ))
            .unwrap_or_default(),
        subject = subject_link(&c.subject),
        pred = esc(&c.predicate),
        value = esc(&value_text(&c.value)),
        claimant = c
            .claimant
            .as_deref()
            .map(esc)
            .unwrap_or_else(|| "<em>not recorded</em>".into()),
        source = source_link(&c.source),
        note = c
            .note
            .as_deref()
            .map(|n| format!("<dt>Note</dt><dd>{}</dd>", esc(n)))
            .unwrap_or_default(),
        supersedes = c
            .supersedes
            .as_deref()
            .map(|s| format!("<dt>Corrects</dt><dd>{}</dd>", super::claim_link(s)))
            .unwrap_or_default(),
    ));
    body.push_str(&format!(
        "<p><a class=\"button\" href=\"/claims/{}/evidence\" download>Download evidence</a> \
         <span class=\"meta\">a file anyone can check against the ledger's published checkpoint \
         (<code>factledger verify-proof</code>)</span></p>",
        url(&c.id)
    ));

    body.push_str("<section><h2>In the source</h2>");
    match &source {
        None => body.push_str("<p>The source is not in the ledger.</p>"),
        Some(s) => {
            let title = match &s.event.body {
                EventBody::SourceRegistered(src) => src.title.clone(),
                _ => None,
            };
            body.push_str(&format!(
                "<p class=\"meta\">{}{}</p>",
                source_link(&c.source),
                title.map(|t| format!(" — {}", esc(&t))).unwrap_or_default()
            ));
            match (s.text.as_ref().and_then(|t| t.as_deref()), c.excerpt.as_deref()) {
                (None, _) => body.push_str("<p>The source has no archived text.</p>"),
                (Some(text), Some(ex)) => match highlighted(text, ex) {
                    Some(h) => body.push_str(&format!(
                        "<p class=\"meta\">The claim's excerpt is marked.</p><pre class=\"text\">{h}</pre>"
                    )),
                    None => body.push_str(&format!(
                        "<p class=\"problem\">The claim's excerpt is not in the archived text: \
                         “{}”</p><pre class=\"text\">{}</pre>",
                        esc(ex),
                        esc(text)
                    )),
                },
                (Some(text), None) => body.push_str(&format!(
                    "<p class=\"meta\">The claim records no excerpt; the whole archived text:</p>\
                     <pre class=\"text\">{}</pre>",
                    esc(text)
                )),
            }
        }
    }
    body.push_str("</section>");

    let chain = &d.audit.chain;
    body.push_str(&format!(
        "<section><h2>Source chain</h2><p>{} {}</p>",
        if chain.reaches_primary() {
            "Reaches a primary source."
        } else {
            "<strong>Reaches no primary source.</strong>"
        },
        match chain.origins.len() {
            1 => "One independent origin.".to_string(),
            n => format!("{n} independent origins."),
        }
    ));
    body.push_str(&svg::chain(chain));
    body.push_str(&svg::chain_list(chain));
    body.push_str("</section>");

    triage(&mut d.flags);
    body.push_str("<section><h2>Flags</h2>");
    body.push_str(&flag_list(&d.flags, None));
    body.push_str("</section>");
    body.push_str("<section id=\"verdicts\"><h2>Verdicts</h2>");
    body.push_str(&verdict::history(&c.id, d.reviews.as_ref()));
    let on = d
        .reviews
        .as_ref()
        .and_then(|r| r.current.iter().find(|v| v.organisation.is_none()))
        .map(|v| v.scale.as_str());
    body.push_str(&verdict::form(&viewer, &c.id, &scales, on));
    body.push_str("</section>");
    body.push_str(&record(&d.claim.event));
    let title = format!("Claim {}", c.id);
    layout::html(Page::new(title, &viewer, body).live("claim", c.id.clone())).into_response()
}

/// `GET /claims/{id}/evidence`: the evidence file, as a download.
pub async fn evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let author = viewer.name().unwrap_or("anonymous").to_string();
    let stamp = match state.stamp(&author) {
        Ok(s) if viewer.name().is_some() => s,
        Ok(s) => crate::Stamp { key: None, ..s },
        Err(e) => return failed(&viewer, e),
    };
    let wanted = id.clone();
    let got = read(&state, move |l| Ok(evidence_of(l, &wanted, &stamp)?)).await;
    match got
        .and_then(|f| serde_json::to_vec_pretty(&f).map_err(|e| ApiError::internal(e.to_string())))
    {
        Ok(bytes) => {
            let name: String = id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"evidence-{name}.json\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => failed(&viewer, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_excerpt_is_marked_and_the_rest_escaped() {
        let h = highlighted("a <b> said \"yes\" & left", "\"yes\"").unwrap();
        assert_eq!(
            h,
            "a &lt;b&gt; said <mark id=\"excerpt\">&quot;yes&quot;</mark> &amp; left"
        );
        assert!(highlighted("abc", "x").is_none());
        assert!(highlighted("abc", "").is_none());
    }
}
