//! The frame every page shares: head (CSS, the one script), the navigation, who is logged in and
//! the log-out button. Pages hand in their body, already built with [`super::escape::esc`].

use super::csrf;
use super::escape::esc;
use super::session::Viewer;
use axum::response::Html;

/// A page to frame.
pub struct Page<'a> {
    /// The title (plain text; escaped here).
    pub title: String,
    /// The body's HTML.
    pub body: String,
    /// Who is looking (`None`: the login and refusal pages).
    pub viewer: Option<&'a Viewer>,
    /// What the live script watches: `("subject", name)`, `("log", "")`; none when empty.
    pub live: Option<(&'static str, String)>,
}

impl<'a> Page<'a> {
    /// A page without navigation (login, refusals).
    pub fn bare(title: &str, body: String) -> Page<'static> {
        Page {
            title: title.to_string(),
            body,
            viewer: None,
            live: None,
        }
    }

    /// A page for `viewer`.
    pub fn new(title: impl Into<String>, viewer: &'a Viewer, body: String) -> Page<'a> {
        Page {
            title: title.into(),
            body,
            viewer: Some(viewer),
            live: None,
        }
    }

    /// Watches the event stream for new claims (`kind` "subject" with the subject, or "log").
    pub fn live(mut self, kind: &'static str, value: impl Into<String>) -> Page<'a> {
        self.live = Some((kind, value.into()));
        self
    }
}

/// The whole document.
pub fn html(page: Page<'_>) -> Html<String> {
    let mut nav = String::new();
    if let Some(v) = page.viewer {
        nav.push_str("<nav aria-label=\"Main\"><a href=\"/subjects\">Subjects</a>");
        if v.can_write() {
            nav.push_str("<a href=\"/paste\">Paste an article</a>");
        }
        nav.push_str("<a href=\"/log\">Log</a></nav><div class=\"who\">");
        match v.name() {
            Some(name) => nav.push_str(&format!(
                "<span>{} <span class=\"role\">({})</span></span>\
                 <form method=\"post\" action=\"/logout\" class=\"logout\">{}\
                 <button type=\"submit\">Log out</button></form>",
                esc(name),
                v.role,
                csrf::field(v)
            )),
            None => nav.push_str("<span>public reading</span> <a href=\"/login\">Log in</a>"),
        }
        nav.push_str("</div>");
    }
    let live = match &page.live {
        Some((kind, value)) => format!(
            " data-live=\"{}\" data-live-value=\"{}\"",
            esc(kind),
            esc(value)
        ),
        None => String::new(),
    };
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · factledger desk</title>\
         <link rel=\"stylesheet\" href=\"/static/app.css\">\
         <script src=\"/static/app.js\" defer></script></head>\
         <body{live}><header class=\"top\"><a class=\"brand\" href=\"/subjects\">factledger desk</a>{nav}</header>\
         <main id=\"main\">{body}</main>\
         <p class=\"live-status\" id=\"live-status\" role=\"status\" aria-live=\"polite\"></p>\
         </body></html>",
        title = esc(&page.title),
        body = page.body,
    ))
}
