//! `GET /subject?name=`: one subject — its facts (value, whether the live claims agree, how many
//! independent origins stand behind them), its flags in triage order, and every claim about it,
//! new ones appearing live.

use super::escape::esc;
use super::form::Form;
use super::layout::{self, Page};
use super::session::Viewer;
use super::{claim_link, failed, source_link, value_text};
use crate::desk::facts::{facts, FactRow, FactsOptions};
use crate::desk::flags::{all_flags, FlagsOptions, ListedFlag};
use crate::flags::Flag;
use crate::projection::aliases::{group_claims, SubjectIndex};
use crate::projection::{liveness, ClaimState, Liveness};
use crate::server::errors::ApiError;
use crate::server::routes::read;
use crate::server::routes::reviews::record_dismissal;
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// Query parameters.
#[derive(Deserialize)]
pub struct Params {
    name: String,
}

/// The flags in triage order: the registry's order of rules (claim rules — disagreements, dates,
/// votes, quotes — before source-chain rules), then by predicate and claims.
pub fn triage(flags: &mut [ListedFlag]) {
    let rank = |f: &Flag| {
        crate::flags::FlagCode::all()
            .position(|c| c == f.code)
            .unwrap_or(usize::MAX)
    };
    flags.sort_by(|a, b| {
        let (a, b) = (&a.flag, &b.flag);
        (a.severity(), rank(a), &a.predicate, &a.claims).cmp(&(
            b.severity(),
            rank(b),
            &b.predicate,
            &b.claims,
        ))
    });
}

/// Flags as a list, most severe first: the severity in words, what is wrong, the rule, the
/// claims and sources involved, and the desk's dismissal when there is one. With `dismiss` (the
/// viewer, and the subject page to come back to), a checker gets a dismiss form under each flag
/// not yet dismissed.
pub fn flag_list(flags: &[ListedFlag], dismiss: Option<(&Viewer, &str)>) -> String {
    if flags.is_empty() {
        return "<p>No flags.</p>".into();
    }
    let mut s = String::from("<ol class=\"flags\">");
    for l in flags {
        let f = &l.flag;
        let claims: Vec<String> = f.claims.iter().map(|c| claim_link(c)).collect();
        let sources: Vec<String> = f.sources.iter().map(|c| source_link(c)).collect();
        let dismissed = match &l.dismissed {
            Some(d) => format!(
                "<p class=\"meta\">Dismissed by the desk: {}</p>",
                esc(&d.reason)
            ),
            None => match dismiss {
                Some((viewer, back)) if viewer.can_write() => dismiss_form(viewer, f, back),
                _ => String::new(),
            },
        };
        s.push_str(&format!(
            "<li class=\"flag\" data-code=\"{code}\" data-severity=\"{severity}\"><p class=\"flag-what\"><span class=\"tag\">{severity}</span> <span class=\"tag\">{code}</span> \
             {message}</p><p class=\"meta\">{summary}. About {predicate}; claims: {claims}{sources}</p>{dismissed}</li>",
            code = esc(f.code.as_str()),
            severity = esc(f.severity().as_str()),
            message = esc(&f.message),
            summary = esc(f.code.rule().summary),
            predicate = esc(&f.predicate),
            claims = if claims.is_empty() { "none".into() } else { claims.join(", ") },
            sources = if sources.is_empty() {
                String::new()
            } else {
                format!("; sources: {}", sources.join(", "))
            },
        ));
    }
    s.push_str("</ol>");
    s
}

/// The dismiss form under a flag, folded away: a reason (required) and the button.
fn dismiss_form(viewer: &Viewer, f: &Flag, back: &str) -> String {
    let id = f.id();
    let id = id.as_str();
    format!(
        "<details class=\"dismiss\"><summary>Dismiss this flag…</summary>\
         <form method=\"post\" action=\"/flags/{id}/dismiss\" class=\"write dismiss\">{csrf}\
         <input type=\"hidden\" name=\"back\" value=\"{back}\">\
         <label for=\"d-{id}\">Dismiss: why does this flag need no action?</label>\
         <input id=\"d-{id}\" name=\"reason\" required placeholder=\"e.g. both dates are reported; the record settles it\">\
         <button type=\"submit\">Dismiss</button></form></details>",
        id = esc(id),
        csrf = super::csrf::field(viewer),
        back = esc(back),
    )
}

/// `POST /flags/{id}/dismiss`: dismiss a flag with the reason given (the API's
/// `POST dismissals`), then back to the subject page.
pub async fn dismiss(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    if let Err(r) = super::csrf::check(&headers, &viewer, &form) {
        return r.into_response();
    }
    let Some(user) = viewer.name().filter(|_| viewer.can_write()) else {
        return super::not_allowed(&viewer);
    };
    let reason = form.get("reason").unwrap_or("").trim();
    match record_dismissal(&state, user, "the dismissal", &id, reason).await {
        Ok(_) => {
            let back = form.get("back").unwrap_or("");
            Redirect::to(&format!("/subject?name={}#flags", super::escape::url(back)))
                .into_response()
        }
        Err(e) => failed(&viewer, e),
    }
}

fn fact_rows(rows: &[FactRow]) -> String {
    if rows.is_empty() {
        return "<p>No live facts.</p>".into();
    }
    let mut s = String::from(
        "<table class=\"list facts\"><thead><tr><th>What</th><th>Value</th><th>Agreement</th>\
         <th class=\"num\">Independent origins</th><th>Verdict</th></tr></thead><tbody>",
    );
    for r in rows {
        let f = &r.fact;
        let values = if f.values.is_empty() {
            "<em>no live claim</em>".to_string()
        } else {
            f.values
                .iter()
                .map(|g| {
                    let claims: Vec<String> = g.claims.iter().map(|c| claim_link(c)).collect();
                    format!(
                        "<div class=\"value\">{} <span class=\"meta\">— {}</span></div>",
                        esc(&value_text(&g.value)),
                        claims.join(", ")
                    )
                })
                .collect()
        };
        let agreement = match f.status.as_str() {
            "consistent" if f.live.len() > 1 => "agree",
            "consistent" => "one claim",
            "conflicting" => "<strong>DISAGREE</strong>",
            other => other,
        };
        s.push_str(&format!(
            "<tr><td data-label=\"What\">{}</td><td data-label=\"Value\">{}</td>\
             <td data-label=\"Agreement\" class=\"nowrap\">{}</td>\
             <td data-label=\"Independent origins\" class=\"num\">{}</td>\
             <td data-label=\"Verdict\">{}</td></tr>",
            esc(&f.predicate),
            values,
            agreement,
            r.independent_sources,
            verdicts(&r.verdicts)
        ));
    }
    s.push_str("</tbody></table>");
    s
}

/// The desk's verdicts on a fact's claims: each rating, linking to the claim's verdicts.
fn verdicts(vs: &[crate::desk::review::Verdict]) -> String {
    if vs.is_empty() {
        return "—".into();
    }
    vs.iter()
        .map(|v| {
            format!(
                "<div><a href=\"/claims/{}#verdicts\">{}</a> <span class=\"meta\">— {}</span></div>",
                super::escape::url(&v.claim),
                esc(&v.rating),
                esc(&v.claim)
            )
        })
        .collect()
}

fn status_words(l: Liveness) -> &'static str {
    match l {
        Liveness::Live => "live",
        Liveness::Retracted => "retracted",
        Liveness::Superseded => "corrected",
        Liveness::SourceRetracted => "source retracted",
    }
}

/// One claim as a table row (the live script builds the same row for a new claim).
fn claim_row(c: &ClaimState, l: Liveness) -> String {
    format!(
        "<tr data-claim=\"{id}\"><td data-label=\"Claim\">{link}</td><td data-label=\"What\">{pred}</td>\
         <td data-label=\"Value\">{value}</td><td data-label=\"Claimant\">{claimant}</td>\
         <td data-label=\"Source\">{source}</td><td data-label=\"Status\">{status}</td></tr>",
        id = esc(&c.claim.id),
        link = claim_link(&c.claim.id),
        pred = esc(&c.claim.predicate),
        value = esc(&value_text(&c.claim.value)),
        claimant = c.claim.claimant.as_deref().map(esc).unwrap_or_default(),
        source = source_link(&c.claim.source),
        status = status_words(l),
    )
}

/// `GET /subject`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(p): Query<Params>,
) -> Response {
    let name = p.name.trim().to_string();
    let subject = name.clone();
    let got = read(&state, move |l| {
        // Any spelling or alias finds the subject (as `--subject` does).
        let t = l.tables();
        let index = SubjectIndex::load(&t)?;
        let Some(group) = index.find(&t, &subject)? else {
            let closest = index.closest(&t, &subject, 3)?;
            return Err(ApiError::not_found(format!(
                "no claim about '{subject}' in the ledger{}",
                if closest.is_empty() {
                    String::new()
                } else {
                    format!("; closest: {}", closest.join(", "))
                }
            )));
        };
        let claims = group_claims(&t, &group)?;
        let subject = group.subject.clone();
        let mut with_status = Vec::with_capacity(claims.len());
        for c in claims {
            let live = liveness(&l.tables(), &c)?;
            with_status.push((c, live));
        }
        with_status.sort_by_key(|(c, _)| c.seq);
        let rows = facts(
            l,
            &FactsOptions {
                subject: Some(subject.clone()),
                as_of: None,
                published_by: None,
            },
        )?;
        let mut flags = all_flags(
            l,
            &FlagsOptions {
                subject: Some(subject.clone()),
                dismissed: true,
                ..FlagsOptions::default()
            },
        )?;
        triage(&mut flags);
        // The flags still open first; the dismissed ones after, with the desk's reason.
        flags.sort_by_key(|f| f.dismissed.is_some());
        Ok((with_status, rows, flags))
    })
    .await;
    let (claims, rows, flags) = match got {
        Ok(x) => x,
        Err(e) => return failed(&viewer, e),
    };
    let mut body = format!(
        "<p class=\"crumbs\"><a href=\"/subjects\">Subjects</a> ›</p><h1>{}</h1>",
        esc(&name)
    );
    let open = flags.iter().filter(|f| f.dismissed.is_none()).count();
    let dismissed = flags.len() - open;
    body.push_str(&format!(
        "<p class=\"meta\">{} claim{}, {} flag{}{}</p>",
        claims.len(),
        if claims.len() == 1 { "" } else { "s" },
        open,
        if open == 1 { "" } else { "s" },
        if dismissed > 0 {
            format!(" ({dismissed} more dismissed)")
        } else {
            String::new()
        }
    ));
    body.push_str("<section><h2>Facts</h2>");
    body.push_str(&fact_rows(&rows));
    body.push_str("</section><section id=\"flags\"><h2>Flags</h2>");
    body.push_str(&flag_list(&flags, Some((&viewer, &name))));
    body.push_str(
        "</section><section><h2>Claims</h2><div class=\"scroll\"><table class=\"list\" id=\"claims\">\
         <thead><tr><th>Claim</th><th>What</th><th>Value</th><th>Claimant</th><th>Source</th>\
         <th>Status</th></tr></thead><tbody>",
    );
    for (c, l) in &claims {
        body.push_str(&claim_row(c, *l));
    }
    body.push_str("</tbody></table></div></section>");
    layout::html(Page::new(name.clone(), &viewer, body).live("subject", name)).into_response()
}
