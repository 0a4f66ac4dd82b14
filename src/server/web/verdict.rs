//! Verdicts on the page: a claim's verdict history and the form for a new verdict
//! (`POST /claims/{id}/verdict`, the API's `POST reviews`: a checker records a verdict, an editor
//! may also publish it with its address), and the public page of a published verdict
//! (`GET /verdicts/{claim}`, readable without logging in), which is the page
//! `export --claimreview --html` writes, its ClaimReview JSON-LD embedded.

use super::csrf;
use super::escape::{esc, url};
use super::form::Form;
use super::session::Viewer;
use super::{failed, not_allowed};
use crate::desk::interop::{claimreview_page, ExportError};
use crate::desk::review::Verdict;
use crate::desk::reviews::{ClaimVerdicts, ScaleRow};
use crate::desk::users::Role;
use crate::interop::claimreview::ClaimReviewError;
use crate::server::errors::ApiError;
use crate::server::routes::read;
use crate::server::routes::reviews::{record_review, Review};
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// An address shown as a link only when it is a web address.
fn link(u: &str) -> String {
    if u.starts_with("https://") || u.starts_with("http://") {
        format!(
            "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>",
            esc(u),
            esc(u)
        )
    } else {
        esc(u)
    }
}

fn verdict_item(v: &Verdict, current: bool) -> String {
    let rating = match v.value {
        Some(n) => format!(
            "{} <span class=\"meta\">({n} on the {} scale, from {} worst to {} best)</span>",
            esc(&v.rating),
            esc(&v.scale),
            v.worst,
            v.best
        ),
        None => format!(
            "{} <span class=\"meta\">(on {})</span>",
            esc(&v.rating),
            esc(&v.scale)
        ),
    };
    format!(
        "<li class=\"verdict{cls}\" data-seq=\"{seq}\"><p><span class=\"tag\">{state}</span> \
         <strong class=\"rating\">{rating}</strong></p><p class=\"explanation\">{explanation}</p>\
         <p class=\"meta\">{who} · recorded by {author}, <span class=\"when\">{at}</span> · event {seq}{reviewed}{published}</p></li>",
        cls = if current { " current" } else { "" },
        state = if current { "current" } else { "earlier" },
        explanation = esc(&v.explanation),
        who = match &v.organisation {
            Some(o) => format!("the verdict of {}", esc(o)),
            None => "the desk's verdict".into(),
        },
        author = esc(&v.author),
        at = esc(&v.recorded_at),
        seq = v.seq,
        reviewed = v
            .reviewed
            .as_deref()
            .map(|r| format!(" · published {}", esc(r)))
            .unwrap_or_default(),
        published = v
            .url
            .as_deref()
            .map(|u| format!(" · at {}", link(u)))
            .unwrap_or_default(),
    )
}

/// The verdict history of a claim, newest first, each current verdict marked; with a link to
/// the public page when the desk's current verdict is published.
pub fn history(claim: &str, reviews: Option<&ClaimVerdicts>) -> String {
    let Some(r) = reviews else {
        return "<p id=\"no-verdicts\">No verdict yet.</p>".into();
    };
    let mut s = String::new();
    if let Some(desk) = r.current.iter().find(|v| v.organisation.is_none()) {
        if desk.url.is_some() {
            s.push_str(&format!(
                "<p>The desk's verdict is published: <a href=\"/verdicts/{}\" id=\"public-verdict\">its public page</a> \
                 (with its ClaimReview for search engines).</p>",
                url(claim)
            ));
        }
    }
    s.push_str("<ol class=\"verdicts\" reversed>");
    let all = r.history.as_deref().unwrap_or(&r.current);
    for v in all.iter().rev() {
        let current = r.current.iter().any(|c| c.seq == v.seq);
        s.push_str(&verdict_item(v, current));
    }
    s.push_str("</ol>");
    s
}

/// A step of a scale as the form's option value: the scale's name (URL-encoded, so it holds no
/// `|`), a `|`, then the step's name.
fn option_value(scale: &str, step: &str) -> String {
    format!("{}|{step}", url(scale))
}

fn read_option(value: &str) -> Option<(String, String)> {
    let (scale, step) = value.split_once('|')?;
    let scale = percent_encoding_decode(scale)?;
    Some((scale, step.to_string()))
}

fn percent_encoding_decode(s: &str) -> Option<String> {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())?;
    String::from_utf8(bytes).ok()
}

/// The form for a new verdict (for checkers and editors; the address field for editors only).
/// The scale preselected is the one the desk's current verdict is on, else `default`.
pub fn form(viewer: &Viewer, claim: &str, scales: &[ScaleRow], on: Option<&str>) -> String {
    if !viewer.can_write() {
        return String::new();
    }
    let on = on.unwrap_or("default");
    let mut s = format!(
        "<form method=\"post\" action=\"/claims/{}/verdict\" class=\"write review\" id=\"verdict-form\">\
         <h3>Record a verdict</h3>{}<label for=\"v-rating\">Rating</label>\
         <select id=\"v-rating\" name=\"rating\" required>",
        url(claim),
        csrf::field(viewer)
    );
    let mut ordered: Vec<&ScaleRow> = scales.iter().filter(|s| s.name == on).collect();
    ordered.extend(scales.iter().filter(|s| s.name != on));
    for sc in ordered {
        s.push_str(&format!(
            "<optgroup label=\"{}\">",
            esc(&format!("scale: {}", sc.name))
        ));
        for st in &sc.steps {
            s.push_str(&format!(
                "<option value=\"{}\">{}</option>",
                esc(&option_value(&sc.name, &st.name)),
                esc(&st.name)
            ));
        }
        s.push_str("</optgroup>");
    }
    s.push_str(
        "</select><label for=\"v-explanation\">Explanation</label>\
         <textarea id=\"v-explanation\" name=\"explanation\" required rows=\"3\"></textarea>",
    );
    if viewer.role >= Role::Editor {
        s.push_str(
            "<label for=\"v-url\">Published at <span class=\"meta\">(optional: the fact-check's \
             address; publishes the verdict)</span></label>\
             <input id=\"v-url\" name=\"url\" type=\"url\" placeholder=\"https://…\">",
        );
    } else {
        s.push_str("<p class=\"meta\">An editor publishes a verdict (gives it its address).</p>");
    }
    s.push_str("<button type=\"submit\">Record verdict</button></form>");
    s
}

/// `POST /claims/{id}/verdict`: records the verdict, then back to the claim's verdicts.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    if let Err(r) = csrf::check(&headers, &viewer, &form) {
        return r.into_response();
    }
    let Some(user) = viewer.name().filter(|_| viewer.can_write()) else {
        return not_allowed(&viewer);
    };
    let Some((scale, rating)) = form.get("rating").and_then(read_option) else {
        return failed(&viewer, ApiError::bad_request("choose a rating"));
    };
    let explanation = form
        .get("explanation")
        .unwrap_or("")
        .trim()
        .replace("\r\n", "\n");
    if explanation.is_empty() {
        return failed(
            &viewer,
            ApiError::bad_request("say why: the explanation is required"),
        );
    }
    let review = Review {
        claim: id.clone(),
        rating,
        explanation,
        url: form
            .get("url")
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(String::from),
        scale: Some(scale),
        reviewed: None,
        organisation: None,
    };
    match record_review(&state, (user, viewer.role), "the verdict", &review).await {
        Ok(_) => Redirect::to(&format!("/claims/{}#verdicts", url(&id))).into_response(),
        Err(e) => failed(&viewer, e),
    }
}

/// `GET /verdicts/{claim}`: the desk's published verdict on a claim, as a public page with its
/// ClaimReview JSON-LD (the page `export --claimreview --html` writes). No login needed.
pub async fn public(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let got = read(&state, move |l| Ok(claimreview_page(l, &id))).await;
    let anonymous = Viewer {
        session: None,
        role: Role::Reader,
    };
    match got {
        Ok(Ok(html)) => {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Ok(Err(e)) => {
            let (status, code) = match &e {
                ExportError::ClaimReview(ClaimReviewError::MissingSetting { .. }) => {
                    (StatusCode::CONFLICT, "not-published")
                }
                ExportError::Ledger(_) => (StatusCode::INTERNAL_SERVER_ERROR, "ledger"),
                _ => (StatusCode::NOT_FOUND, "not-found"),
            };
            let message = match &e {
                ExportError::ClaimReview(ClaimReviewError::MissingField { claim, .. }) => {
                    format!("the desk's verdict on claim '{claim}' is not published (it has no address)")
                }
                e => e.to_string(),
            };
            failed(&anonymous, ApiError::new(status, code, message))
        }
        Err(e) => failed(&anonymous, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_names_its_scale_and_step_whatever_they_hold() {
        for (scale, step) in [("default", "mostly false"), ("a|b c+d/é", "x|y")] {
            let v = option_value(scale, step);
            assert_eq!(read_option(&v), Some((scale.to_string(), step.to_string())));
        }
        assert_eq!(read_option("no bar"), None);
    }
}
