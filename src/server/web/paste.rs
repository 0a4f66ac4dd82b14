//! Paste an article: `GET /paste` (the form), `POST /paste` (its text is read by `extract` into
//! candidate claims, shown to tick and correct; nothing is appended yet), `POST /paste/import`
//! (the article archived as a source and the ticked claims, in one all-or-nothing import).

use super::csrf;
use super::escape::{esc, url};
use super::form::Form;
use super::layout::{self, Page};
use super::session::Viewer;
use super::{claim_link, failed, not_allowed, source_link};
use crate::desk::extract::{extract_text, ExtractError, ExtractRequest, ExtractedCandidate};
use crate::desk::import::{prepare, Durability, ImportError, ImportInput};
use crate::server::errors::ApiError;
use crate::server::routes::{read, write};
use crate::server::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value as Json};

/// The source fields the form carries through both steps.
const SOURCE_FIELDS: &[(&str, &str, &str)] = &[
    (
        "id",
        "Source id",
        "a short id for the article, e.g. wire-2025-02-25",
    ),
    ("title", "Title", ""),
    ("publisher", "Publisher", ""),
    ("url", "Link", "https://…"),
    (
        "published",
        "Published",
        "the date the article was published, e.g. 2025-02-25",
    ),
    (
        "subject",
        "Subject",
        "used where the text names none, e.g. A/RES/ES-11/7",
    ),
];

/// A browser sends a textarea's line ends as CR LF; the archived text keeps LF.
fn text_of(form: &Form) -> String {
    form.get("text").unwrap_or("").replace("\r\n", "\n")
}

fn field(form: Option<&Form>, name: &str) -> String {
    form.and_then(|f| f.get(name))
        .unwrap_or("")
        .trim()
        .to_string()
}

fn paste_form(viewer: &Viewer, form: Option<&Form>, problem: Option<String>) -> String {
    let mut body = String::from(
        "<h1>Paste an article</h1><p>The text is archived as a source; the claims it makes are \
         read out for you to tick and correct before anything is added to the ledger.</p>",
    );
    if let Some(p) = problem {
        body.push_str(&format!(
            "<p class=\"problem\" role=\"alert\">{}</p>",
            esc(&p)
        ));
    }
    body.push_str("<form method=\"post\" action=\"/paste\" class=\"write paste\">");
    body.push_str(&csrf::field(viewer));
    for (name, label, hint) in SOURCE_FIELDS {
        body.push_str(&format!(
            "<label for=\"f-{name}\">{label}</label><input id=\"f-{name}\" name=\"{name}\" \
             value=\"{}\" placeholder=\"{}\"{}>",
            esc(&field(form, name)),
            esc(hint),
            if *name == "id" { " required" } else { "" }
        ));
    }
    let primary = field(form, "kind") == "primary";
    body.push_str(&format!(
        "<fieldset><legend>Kind</legend><label class=\"inline\"><input type=\"radio\" name=\"kind\" \
         value=\"secondary\"{}> secondary (reports on others)</label><label class=\"inline\">\
         <input type=\"radio\" name=\"kind\" value=\"primary\"{}> primary (the record itself)\
         </label></fieldset>",
        if primary { "" } else { " checked" },
        if primary { " checked" } else { "" }
    ));
    body.push_str(&format!(
        "<label for=\"f-text\">The article's text</label><textarea id=\"f-text\" name=\"text\" \
         rows=\"14\" required>{}</textarea><button type=\"submit\">Read the claims</button></form>",
        esc(&form.map(text_of).unwrap_or_default())
    ));
    body
}

/// `GET /paste`.
pub async fn page(viewer: Viewer) -> Response {
    if !viewer.can_write() {
        return not_allowed(&viewer);
    }
    layout::html(Page::new(
        "Paste an article",
        &viewer,
        paste_form(&viewer, None, None),
    ))
    .into_response()
}

/// A candidate's value as the form shows it: a string as it is, anything else as JSON.
fn value_field(v: &Json) -> (String, &'static str) {
    match v {
        Json::String(s) => (s.clone(), "text"),
        other => (other.to_string(), "json"),
    }
}

fn candidate_row(i: usize, c: &ExtractedCandidate) -> String {
    let (value, vkind) = value_field(&c.value);
    let ticked = c.confidence >= 0.5 && !c.subject_guessed;
    let mut notes = vec![
        format!("confidence {:.2}", c.confidence),
        format!("line {}", c.line),
    ];
    if c.subject_guessed {
        notes.push("subject guessed: check it".into());
    }
    if let Some(r) = &c.resolution {
        notes.push(r.clone());
    }
    for a in &c.alternatives {
        notes.push(format!(
            "or: {}",
            serde_json::to_string(a).unwrap_or_default()
        ));
    }
    format!(
        "<fieldset class=\"candidate\" id=\"cand-{i}\"><legend><label class=\"inline\">\
         <input type=\"checkbox\" name=\"take\" value=\"{i}\"{checked}> Add claim \
         <span class=\"id\">{id}</span></label></legend>\
         <input type=\"hidden\" name=\"id-{i}\" value=\"{id}\">\
         <input type=\"hidden\" name=\"vkind-{i}\" value=\"{vkind}\">\
         <div class=\"grid\"><label>Subject<input name=\"subject-{i}\" value=\"{subject}\"></label>\
         <label>What<input name=\"predicate-{i}\" value=\"{predicate}\"></label>\
         <label>Value<input name=\"value-{i}\" value=\"{value}\"></label>\
         <label>Claimant<input name=\"claimant-{i}\" value=\"{claimant}\"></label></div>\
         <label>Excerpt (the article's own words)<input name=\"excerpt-{i}\" value=\"{excerpt}\"></label>\
         <p class=\"meta\">{notes}</p></fieldset>",
        checked = if ticked { " checked" } else { "" },
        id = esc(&c.id),
        subject = esc(&c.subject),
        predicate = esc(&c.predicate),
        value = esc(&value),
        claimant = esc(c.claimant.as_deref().unwrap_or("")),
        excerpt = esc(&c.excerpt),
        notes = esc(&notes.join(" · ")),
    )
}

/// `POST /paste`: read the candidates; nothing is appended.
pub async fn extract(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    if let Err(r) = csrf::check(&headers, &viewer, &form) {
        return r.into_response();
    }
    if !viewer.can_write() {
        return not_allowed(&viewer);
    }
    let again = |problem: String| {
        (
            StatusCode::BAD_REQUEST,
            layout::html(Page::new(
                "Paste an article",
                &viewer,
                paste_form(&viewer, Some(&form), Some(problem)),
            )),
        )
            .into_response()
    };
    let text = text_of(&form);
    let source = field(Some(&form), "id");
    if text.trim().is_empty() {
        return again("Paste the article's text first.".into());
    }
    let wanted = source.clone();
    match read(&state, move |l| Ok(l.find(&wanted)?.is_some())).await {
        Ok(true) => {
            return again(format!(
                "There is already a source or claim with id '{source}' in the ledger; choose another id."
            ))
        }
        Ok(false) => {}
        Err(e) => return failed(&viewer, e),
    }
    let request = ExtractRequest {
        source: source.clone(),
        published: Some(field(Some(&form), "published")).filter(|p| !p.is_empty()),
        subject: Some(field(Some(&form), "subject")).filter(|p| !p.is_empty()),
    };
    let found = match extract_text(text.as_bytes(), "the pasted text", &request) {
        Ok(x) => x,
        Err(e @ (ExtractError::BadSourceId(_) | ExtractError::BadPublished(_))) => {
            let msg = e
                .to_string()
                .replace("--source", "Source id")
                .replace("--published", "Published");
            return again(msg);
        }
        Err(e) => return again(e.to_string()),
    };
    let mut body = format!(
        "<p class=\"crumbs\"><a href=\"/paste\">Paste an article</a> ›</p>\
         <h1>Candidate claims</h1><p>{} candidate{} read from the article. Tick the ones to add, \
         correct what is wrong, then add them together with the article as source \
         <span class=\"id\">{}</span>.</p>",
        found.candidates.len(),
        if found.candidates.len() == 1 { "" } else { "s" },
        esc(&source)
    );
    body.push_str("<form method=\"post\" action=\"/paste/import\" class=\"write review\">");
    body.push_str(&csrf::field(&viewer));
    for (name, _, _) in SOURCE_FIELDS {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            esc(&field(Some(&form), name))
        ));
    }
    body.push_str(&format!(
        "<input type=\"hidden\" name=\"kind\" value=\"{}\">",
        esc(&field(Some(&form), "kind"))
    ));
    for (i, c) in found.candidates.iter().enumerate() {
        body.push_str(&candidate_row(i, c));
    }
    body.push_str(&format!(
        "<details><summary>The text to archive</summary><textarea name=\"text\" rows=\"10\" \
         readonly>{}</textarea></details>\
         <button type=\"submit\">Add the article and the ticked claims</button></form>",
        esc(&text)
    ));
    layout::html(Page::new("Candidate claims", &viewer, body)).into_response()
}

/// The import lines the review form asks for: the source, then each ticked claim.
fn lines(form: &Form) -> Result<(String, Vec<String>), String> {
    let source = field(Some(form), "id");
    let mut src = Map::new();
    src.insert("type".into(), json!("source"));
    src.insert("id".into(), json!(source));
    let kind = field(Some(form), "kind");
    src.insert(
        "kind".into(),
        json!(if kind == "primary" {
            "primary"
        } else {
            "secondary"
        }),
    );
    for name in ["title", "publisher", "url", "published"] {
        let v = field(Some(form), name);
        if !v.is_empty() {
            src.insert(name.into(), json!(v));
        }
    }
    src.insert("text".into(), json!(text_of(form)));
    let mut out = vec![Json::Object(src).to_string()];
    let mut ids = Vec::new();
    for i in form.all("take") {
        let get = |n: &str| field(Some(form), &format!("{n}-{i}"));
        let id = get("id");
        let raw = get("value");
        let value = if get("vkind") == "json" {
            serde_json::from_str::<Json>(&raw)
                .map_err(|e| format!("claim {id}: the value is not valid JSON ({e})"))?
        } else {
            json!(raw)
        };
        let mut c = Map::new();
        c.insert("type".into(), json!("claim"));
        c.insert("id".into(), json!(id));
        c.insert("source".into(), json!(source));
        c.insert("subject".into(), json!(get("subject")));
        c.insert("predicate".into(), json!(get("predicate")));
        c.insert("value".into(), value);
        for n in ["excerpt", "claimant"] {
            let v = get(n);
            if !v.is_empty() {
                c.insert(n.into(), json!(v));
            }
        }
        out.push(Json::Object(c).to_string());
        ids.push(id);
    }
    Ok((out.join("\n") + "\n", ids))
}

/// `POST /paste/import`: one import, all or nothing.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    if let Err(r) = csrf::check(&headers, &viewer, &form) {
        return r.into_response();
    }
    let Some(user) = viewer.name().filter(|_| viewer.can_write()) else {
        return not_allowed(&viewer);
    };
    let (jsonl, ids) = match lines(&form) {
        Ok(x) => x,
        Err(e) => return failed(&viewer, ApiError::bad_request(e)),
    };
    let prepared = match prepare(ImportInput {
        proceed: None,
        label: "the reviewed article",
        bytes: jsonl.as_bytes(),
        base: state.no_files.path(),
        durability: Durability::Synced,
    }) {
        Ok(p) => p,
        Err(ImportError::Refused { problems, .. }) => {
            let problems: Vec<(usize, String)> =
                problems.into_iter().map(|p| (p.line, p.message)).collect();
            return refused(&viewer, &problems, &ids);
        }
        Err(e) => return failed(&viewer, ApiError::from(e)),
    };
    let source = field(Some(&form), "id");
    match write(&state, user, prepared).await {
        Ok(report) => {
            let mut body = format!(
                "<h1>Added</h1><p>The article is archived as source {} and {} claim{} were added \
                 (ledger now at event {}).</p><ul class=\"claims\">",
                source_link(&source),
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                report.0.head.seq
            );
            for id in &ids {
                body.push_str(&format!("<li>{}</li>", claim_link(id)));
            }
            body.push_str(&format!(
                "</ul><p><a href=\"/sources/{}\">See the source</a></p>",
                url(&source)
            ));
            layout::html(Page::new("Added", &viewer, body)).into_response()
        }
        Err(ApiError {
            problems: Some(problems),
            ..
        }) => {
            let problems: Vec<(usize, String)> =
                problems.into_iter().map(|p| (p.line, p.message)).collect();
            refused(&viewer, &problems, &ids)
        }
        Err(e) => failed(&viewer, e),
    }
}

/// A refused import as a page: every problem, named by what it is about (line 1 is the source,
/// line k + 1 the k-th ticked claim).
fn refused(viewer: &Viewer, problems: &[(usize, String)], ids: &[String]) -> Response {
    let mut body = String::from(
        "<h1>Nothing was added</h1><p>The article and its claims go in together or not at all. \
         Go back, fix these and try again:</p><ul class=\"problems\">",
    );
    for (line, message) in problems {
        let what = match *line {
            0 => "the import".to_string(),
            1 => "the article (source)".to_string(),
            n => match ids.get(n - 2) {
                Some(id) => format!("claim {id}"),
                None => format!("line {n}"),
            },
        };
        body.push_str(&format!(
            "<li><strong>{}</strong>: {}</li>",
            esc(&what),
            esc(message)
        ));
    }
    body.push_str("</ul>");
    (
        StatusCode::BAD_REQUEST,
        layout::html(Page::new("Nothing was added", viewer, body)),
    )
        .into_response()
}
