//! `GET /subjects?q=`: every subject with a claim, how many claims and flags each has, narrowed
//! by a search over the names.

use super::escape::esc;
use super::layout::{self, Page};
use super::session::Viewer;
use super::{failed, subject_link};
use crate::desk::subjects::{subjects, SubjectsOptions};
use crate::server::errors::ApiError;
use crate::server::routes::read;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Most rows shown at once.
const SHOWN: usize = 500;

/// Query parameters.
#[derive(Deserialize)]
pub struct Params {
    q: Option<String>,
}

struct Row {
    subject: String,
    claims: usize,
    flags: usize,
    severities: std::collections::BTreeMap<String, usize>,
    aliases: Vec<String>,
}

/// `GET /subjects`.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(p): Query<Params>,
) -> Response {
    let q = p.q.unwrap_or_default().trim().to_string();
    let needle = q.to_lowercase();
    let rows = read(&state, move |l| {
        // A subject is found by its name, its aliases and the other spellings its claims use.
        let rows: Vec<Row> = subjects(l, &SubjectsOptions::default())?
            .into_iter()
            .filter(|s| {
                needle.is_empty()
                    || std::iter::once(&s.subject)
                        .chain(&s.aliases)
                        .chain(&s.spellings)
                        .any(|n| n.to_lowercase().contains(&needle))
            })
            .map(|s| Row {
                flags: s.flags,
                severities: s.severities,
                claims: s.claims,
                aliases: s.aliases,
                subject: s.subject,
            })
            .collect();
        Ok::<_, ApiError>(rows)
    })
    .await;
    let rows = match rows {
        Ok(r) => r,
        Err(e) => return failed(&viewer, e),
    };
    let mut body = String::from("<h1>Subjects</h1>");
    body.push_str(&format!(
        "<form method=\"get\" action=\"/subjects\" class=\"search\" role=\"search\">\
         <label for=\"q\">Find a subject</label>\
         <input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" placeholder=\"e.g. S/RES/2774 or A/ES-11\">\
         <button type=\"submit\">Search</button></form>",
        esc(&q)
    ));
    if rows.is_empty() {
        body.push_str("<p>No subject matches.</p>");
    } else {
        body.push_str(&format!(
            "<p class=\"meta\">{} subject{}{}</p>",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            if rows.len() > SHOWN {
                format!("; the first {SHOWN} are shown, search to narrow")
            } else {
                String::new()
            }
        ));
        body.push_str(
            "<table class=\"list\" id=\"subjects\"><thead><tr><th>Subject</th>\
             <th class=\"num\">Claims</th><th class=\"num\">Flags</th></tr></thead><tbody>",
        );
        for r in rows.iter().take(SHOWN) {
            body.push_str(&format!(
                "<tr><td data-label=\"Subject\">{}{}</td><td data-label=\"Claims\" class=\"num\">{}</td>\
                 <td data-label=\"Flags\" class=\"num\">{}</td></tr>",
                subject_link(&r.subject),
                if r.aliases.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<br><span class=\"meta\">also called {}</span>",
                        esc(&r.aliases.join(", "))
                    )
                },
                r.claims,
                if r.flags == 0 {
                    "none".to_string()
                } else {
                    let by: Vec<String> = ["error", "warning", "info"]
                        .iter()
                        .filter_map(|s| r.severities.get(*s).map(|n| format!("{n} {s}")))
                        .collect();
                    format!("<strong>{}</strong> <span class=\"meta\">({})</span>", r.flags, by.join(", "))
                }
            ));
        }
        body.push_str("</tbody></table>");
    }
    layout::html(Page::new("Subjects", &viewer, body)).into_response()
}
