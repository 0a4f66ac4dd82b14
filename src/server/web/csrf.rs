//! Cross-site request forgery: every POST must come from this site (`Sec-Fetch-Site:
//! same-origin` when the browser sends it, and an `Origin` whose host is the request's `Host`
//! when it sends one), and every POST form after login carries the session's CSRF token, compared
//! in constant time. The session cookie is also `SameSite=Strict`; the checks here do not rely on
//! it.

use super::escape::esc;
use super::form::Form;
use super::layout::{self, Page};
use super::session::Viewer;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// A refused POST: why, shown as a 403 page.
#[derive(Debug)]
pub struct Refused(&'static str);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        refused_page(self.0)
    }
}

fn refused(why: &'static str) -> Refused {
    Refused(why)
}

fn refused_page(why: &str) -> Response {
    let body = format!(
        "<h1>Refused</h1><p class=\"problem\" role=\"alert\">{}</p>\
         <p>Nothing was changed. Go back, reload the page and try again.</p>",
        esc(why)
    );
    (
        StatusCode::FORBIDDEN,
        layout::html(Page::bare("Refused", body)),
    )
        .into_response()
}

/// The request came from a page of this site (or from no browser page at all: a client that
/// sends neither header, which then still needs the session's CSRF token).
pub fn same_origin(headers: &HeaderMap) -> Result<(), Refused> {
    if let Some(site) = headers.get("sec-fetch-site") {
        if site.as_bytes() != b"same-origin" {
            return Err(refused(
                "this form was sent from another site (Sec-Fetch-Site is not same-origin)",
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).map(|h| h.as_bytes());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest.as_bytes());
        if origin_host.is_none() || origin_host != host {
            return Err(refused("this form was sent from another site (Origin)"));
        }
    }
    Ok(())
}

fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A POST by a logged-in viewer from this site with the session's CSRF token in `form`.
pub fn check(headers: &HeaderMap, viewer: &Viewer, form: &Form) -> Result<(), Refused> {
    same_origin(headers)?;
    let Some((_, session)) = &viewer.session else {
        return Err(refused("you are not logged in"));
    };
    let given = form.get("csrf").unwrap_or("");
    if given.is_empty() || !equal(given.as_bytes(), session.csrf.as_bytes()) {
        return Err(refused(
            "the form's security token is missing or out of date",
        ));
    }
    Ok(())
}

/// The hidden field every POST form carries.
pub fn field(viewer: &Viewer) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(viewer.csrf())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_this_sites_pages_may_post() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8417")])).is_ok());
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8417"),
            ("origin", "http://127.0.0.1:8417"),
            ("sec-fetch-site", "same-origin"),
        ]))
        .is_ok());
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8417"),
            ("origin", "http://evil.example"),
        ]))
        .is_err());
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8417"), ("origin", "null"),])).is_err());
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8417"),
            ("sec-fetch-site", "cross-site"),
        ]))
        .is_err());
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8417"),
            ("sec-fetch-site", "same-site"),
        ]))
        .is_err());
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(equal(b"abc", b"abc"));
        assert!(!equal(b"abc", b"abd"));
        assert!(!equal(b"abc", b"ab"));
        assert!(!equal(b"", b"a"));
    }
}
