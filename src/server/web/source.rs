//! `GET /sources/{id}`: one source — what it is (title, publisher, date, link, primary or
//! secondary), what became of it, what it cites and what cites it, the claims resting on it, and
//! its archived text.

use super::claim::record;
use super::escape::esc;
use super::layout::{self, Page};
use super::session::Viewer;
use super::{claim_link, failed, source_link, value_text};
use crate::desk::show::{show, ShowOptions};
use crate::desk::sources::sources;
use crate::model::event::{EventBody, SourceRevision};
use crate::projection::{self, claims_of_source};
use crate::server::errors::ApiError;
use crate::server::routes::read;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

fn links(ids: &[String], missing: &[String]) -> String {
    if ids.is_empty() {
        return "nothing".into();
    }
    ids.iter()
        .map(|i| {
            if missing.contains(i) {
                format!("{} <strong>(not in the ledger)</strong>", esc(i))
            } else {
                source_link(i)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A version: its event, the revision (None: as registered), and its archived text.
type Version = (u64, Option<SourceRevision>, Option<String>);

/// The versions, oldest first, each later one with what changed and its text's differences from
/// the text before (removed lines struck, added lines marked).
fn versions_section(versions: &[Version]) -> String {
    let mut s = format!(
        "<section id=\"versions\"><h2>Versions</h2><p class=\"meta\">{} versions; the publisher \
         changed the article after it was archived. Each version's text is compared with the one \
         before: <del>removed</del>, <ins>added</ins>.</p><ol class=\"versions\">",
        versions.len()
    );
    let mut before: Option<&str> = None;
    for (n, (seq, revision, text)) in versions.iter().enumerate() {
        s.push_str(&format!(
            "<li class=\"version\"><p><strong>Version {}</strong> <span class=\"meta\">event {seq}</span></p>",
            n + 1
        ));
        match revision {
            None => s.push_str("<p class=\"meta\">As first archived.</p>"),
            Some(r) => {
                let mut what = Vec::new();
                if let Some(note) = &r.note {
                    what.push(esc(note));
                }
                if let Some(t) = &r.title {
                    what.push(format!("title now “{}”", esc(t)));
                }
                if let Some(u) = &r.url {
                    what.push(format!("address now {}", esc(u)));
                }
                if !what.is_empty() {
                    s.push_str(&format!("<p>{}</p>", what.join("; ")));
                }
                match (before, text.as_deref()) {
                    (_, None) => s.push_str(
                        "<p class=\"meta\">No new text recorded; the text before stands.</p>",
                    ),
                    (Some(old), Some(new)) if old == new => {
                        s.push_str("<p class=\"meta\">The text is unchanged.</p>")
                    }
                    (old, Some(new)) => s.push_str(&format!(
                        "<pre class=\"text diff\">{}</pre>",
                        super::diff::html(old.unwrap_or(""), new)
                    )),
                }
            }
        }
        if let Some(t) = text.as_deref() {
            before = Some(t);
        }
        s.push_str("</li>");
    }
    s.push_str("</ol></section>");
    s
}

/// `GET /sources/{id}`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let got = read(&state, move |l| {
        let shown = show(
            l,
            &id,
            &ShowOptions {
                text: true,
                as_of: None,
            },
        )?;
        if !matches!(shown.event.body, EventBody::SourceRegistered(_)) {
            return Err(ApiError::not_found(format!("no source with id '{id}'")));
        }
        let row = sources(l)?.into_iter().find(|r| r.id == id);
        let t = l.tables();
        let mut claims = Vec::new();
        for c in claims_of_source(&t, &id)? {
            if let Some(c) = projection::claim(&t, &c)? {
                claims.push(c);
            }
        }
        // Every version with its archived text (None: recorded without one, keeping the text
        // before), the registered one first.
        let mut versions = Vec::new();
        if let EventBody::SourceRegistered(src) = &shown.event.body {
            let registered = match &src.text {
                Some(r) => l.text(&r.hash)?,
                None => None,
            };
            versions.push((shown.event.seq, None, registered));
            for v in &shown.versions {
                let text = match &v.revision.text {
                    Some(r) => l.text(&r.hash)?,
                    None => None,
                };
                versions.push((v.seq, Some(v.revision.clone()), text));
            }
        }
        Ok((shown, row, claims, versions))
    })
    .await;
    let (shown, row, claims, versions) = match got {
        Ok(x) => x,
        Err(e) => return failed(&viewer, e),
    };
    let EventBody::SourceRegistered(s) = &shown.event.body else {
        return failed(&viewer, ApiError::not_found("not a source"));
    };
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    let mut body = format!(
        "<p class=\"crumbs\"><a href=\"/subjects\">Subjects</a> › source</p>\
         <h1>{}</h1><p class=\"meta\">Source <span class=\"id\">{}</span></p>",
        esc(&title),
        esc(&s.id)
    );
    let status = match shown.retracted() {
        Some((seq, reason)) => format!("<strong>retracted</strong> (event {seq}): {}", esc(reason)),
        None => "in use".into(),
    };
    body.push_str(&format!(
        "<dl class=\"claim\"><dt>Kind</dt><dd>{kind}</dd><dt>Publisher</dt><dd>{publisher}</dd>\
         <dt>Published</dt><dd>{published}</dd><dt>Link</dt><dd>{link}</dd><dt>Status</dt>\
         <dd>{status}</dd><dt>Cites</dt><dd>{cites}</dd><dt>Cited by</dt><dd>{cited_by}</dd></dl>",
        kind = match s.kind.as_str() {
            "primary" => "primary (the record itself)",
            _ => "secondary (reports on other sources)",
        },
        publisher = s
            .publisher
            .as_deref()
            .map(esc)
            .unwrap_or_else(|| "—".into()),
        published = s
            .published
            .as_ref()
            .map(|d| esc(&d.as_written))
            .unwrap_or_else(|| "—".into()),
        link = s
            .url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(|u| format!(
                "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>",
                esc(u),
                esc(u)
            ))
            .or_else(|| s.url.as_deref().map(esc))
            .unwrap_or_else(|| "—".into()),
        cites = row
            .as_ref()
            .map(|r| links(&r.cites, &r.cites_missing))
            .unwrap_or_else(|| "nothing".into()),
        cited_by = row
            .as_ref()
            .map(|r| links(&r.cited_by, &[]))
            .unwrap_or_else(|| "nothing".into()),
    ));
    body.push_str("<section><h2>Claims resting on it</h2>");
    if claims.is_empty() {
        body.push_str("<p>None.</p>");
    } else {
        body.push_str("<ul class=\"claims\">");
        for c in &claims {
            body.push_str(&format!(
                "<li>{}: {} {} = {}</li>",
                claim_link(&c.claim.id),
                super::subject_link(&c.claim.subject),
                esc(&c.claim.predicate),
                esc(&value_text(&c.claim.value))
            ));
        }
        body.push_str("</ul>");
    }
    if versions.len() > 1 {
        body.push_str(&versions_section(&versions));
    }
    body.push_str(if versions.len() > 1 {
        "</section><section><h2>Archived text <span class=\"meta\">(the current version)</span></h2>"
    } else {
        "</section><section><h2>Archived text</h2>"
    });
    match shown.text.as_ref().and_then(|t| t.as_deref()) {
        Some(text) => body.push_str(&format!("<pre class=\"text\">{}</pre>", esc(text))),
        None => body.push_str("<p>No archived text.</p>"),
    }
    body.push_str("</section>");
    body.push_str(&record(&shown.event));
    layout::html(Page::new(title, &viewer, body)).into_response()
}
