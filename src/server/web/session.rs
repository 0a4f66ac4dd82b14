//! Sessions: logging in with a user's token gives a random session id in an `HttpOnly`,
//! `SameSite=Strict` cookie; the server keeps the session (user, role, CSRF token) in memory, so
//! the token itself never reaches the browser's storage and a restart logs everyone out. Each
//! request re-reads the user from the ledger's `users` keyspace: a revoked user (or a token
//! replaced since) ends the session at once.

use super::csrf;
use super::escape::esc;
use super::layout::{self, Page};
use crate::desk::users::{list_users, token_hash, Role};
use crate::model::event::hex;
use crate::server::routes::read;
use crate::server::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE: &str = "flt_session";

/// A session idle this long ends.
const IDLE: Duration = Duration::from_secs(12 * 3600);

/// One logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user's name.
    pub user: String,
    /// The hash of the token logged in with (a replaced token ends the session).
    token_hash: String,
    /// The per-session token every POST form carries.
    pub csrf: String,
    last: Instant,
}

/// Every session, by id.
#[derive(Debug, Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

/// 32 random bytes as hex.
pub fn random_id() -> String {
    let mut b = [0u8; 32];
    // Without randomness there can be no safe session: refuse to go on rather than guess.
    getrandom::getrandom(&mut b).expect("the system's random source");
    hex(&b)
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        match self.map.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// A new session for `user`; its id.
    pub fn open(&self, user: &str, token_hash: &str) -> String {
        let id = random_id();
        let mut map = self.lock();
        map.retain(|_, s| s.last.elapsed() < IDLE);
        map.insert(
            id.clone(),
            Session {
                user: user.to_string(),
                token_hash: token_hash.to_string(),
                csrf: random_id(),
                last: Instant::now(),
            },
        );
        id
    }

    fn get(&self, id: &str) -> Option<Session> {
        let mut map = self.lock();
        let s = map.get_mut(id)?;
        if s.last.elapsed() >= IDLE {
            map.remove(id);
            return None;
        }
        s.last = Instant::now();
        Some(s.clone())
    }

    /// Ends the session `id`.
    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }
}

/// Who is looking at a page: a logged-in user, or nobody on a server with `--public-read`.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The session id and session, when logged in.
    pub session: Option<(String, Session)>,
    /// The user's role (a reader when not logged in).
    pub role: Role,
}

impl Viewer {
    /// The user's name, if logged in.
    pub fn name(&self) -> Option<&str> {
        self.session.as_ref().map(|(_, s)| s.user.as_str())
    }

    /// May add sources, claims and imports.
    pub fn can_write(&self) -> bool {
        self.session.is_some() && self.role >= Role::Checker
    }

    /// The CSRF token forms carry ("" when not logged in: no form is shown then).
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |(_, s)| s.csrf.as_str())
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// What a page request without a usable session gets: the login page.
pub struct LoginFirst(String);

impl IntoResponse for LoginFirst {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/login?next={}", super::escape::url(&self.0))).into_response()
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let sessions = parts
            .extensions
            .get::<Arc<Sessions>>()
            .cloned()
            .expect("the web router carries its sessions");
        let here = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let found = cookie(&parts.headers, COOKIE).and_then(|id| Some((id, sessions.get(id)?)));
        let Some((id, session)) = found else {
            if state.config.public_read {
                return Ok(Viewer {
                    session: None,
                    role: Role::Reader,
                });
            }
            return Err(LoginFirst(here).into_response());
        };
        let id = id.to_string();
        let name = session.user.clone();
        let users = read(state, move |l| Ok(list_users(l)?))
            .await
            .map_err(IntoResponse::into_response)?;
        let user = users
            .into_iter()
            .find(|u| u.name == name && u.revoked.is_none() && u.token_hash == session.token_hash);
        let Some(user) = user else {
            sessions.close(&id);
            return Err(LoginFirst(here).into_response());
        };
        state
            .limiter
            .check(&format!("user:{}", user.name))
            .map_err(IntoResponse::into_response)?;
        Ok(Viewer {
            role: user.role,
            session: Some((id, session)),
        })
    }
}

fn set_cookie(value: &str, secure: bool, max_age: Option<u64>) -> HeaderValue {
    let mut c = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("a cookie of hex digits")
}

/// Behind a TLS-terminating proxy that says so, the cookie is `Secure`.
fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `next` target that stays on this site (a path, never `//host` or a scheme) and is a valid
/// header value (printable ASCII; a browser sends the path percent-encoded).
fn local(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.bytes().all(|b| (0x21..0x7f).contains(&b)) =>
        {
            n.into()
        }
        _ => "/subjects".into(),
    }
}

/// `GET /login`.
pub async fn login_page(
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    login_form(q.get("next").map(String::as_str), None, StatusCode::OK)
}

fn login_form(next: Option<&str>, problem: Option<&str>, status: StatusCode) -> Response {
    let mut body = String::new();
    body.push_str("<h1>Log in</h1>");
    if let Some(p) = problem {
        body.push_str(&format!(
            "<p class=\"problem\" role=\"alert\">{}</p>",
            esc(p)
        ));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"/login\" class=\"login\">\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\
         <label for=\"token\">Your token</label>\
         <input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required>\
         <p class=\"hint\">The token your editor gave you (<code>factledger user add</code> prints it once).</p>\
         <button type=\"submit\">Log in</button></form>",
        esc(&local(next))
    ));
    (status, layout::html(Page::bare("Log in", body))).into_response()
}

/// `POST /login`: a token from the form; a session cookie when it is a valid user's.
pub async fn login(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: HeaderMap,
    axum::Extension(sessions): axum::Extension<Arc<Sessions>>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = csrf::same_origin(&headers) {
        return r.into_response();
    }
    let form = super::form::Form::parse(&body);
    let next = local(form.get("next"));
    let token = form.get("token").unwrap_or("").trim().to_string();
    let hash = token_hash(&token);
    let wanted = hash.clone();
    let users = match read(&state, move |l| Ok(list_users(l)?)).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let Some(user) = users
        .into_iter()
        .find(|u| u.revoked.is_none() && u.token_hash == wanted && !token.is_empty())
    else {
        return login_form(
            Some(&next),
            Some("That token is not valid: unknown, mistyped or revoked."),
            StatusCode::UNAUTHORIZED,
        );
    };
    let id = sessions.open(&user.name, &hash);
    let mut resp = Redirect::to(&next).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(&id, behind_tls(&headers), None),
    );
    resp
}

/// `POST /logout`.
pub async fn logout(
    headers: HeaderMap,
    axum::Extension(sessions): axum::Extension<Arc<Sessions>>,
    viewer: Viewer,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = csrf::check(&headers, &viewer, &super::form::Form::parse(&body)) {
        return r.into_response();
    }
    if let Some((id, _)) = &viewer.session {
        sessions.close(id);
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie("", behind_tls(&headers), Some(0)),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(local(Some("/claims/x")), "/claims/x");
        assert_eq!(local(Some("//evil.example/")), "/subjects");
        assert_eq!(local(Some("https://evil.example/")), "/subjects");
        assert_eq!(local(Some("/\\evil.example")), "/subjects");
        assert_eq!(local(None), "/subjects");
        assert_eq!(local(Some("/x\r\nSet-Cookie: a=b")), "/subjects");
        assert_eq!(local(Some("/x y")), "/subjects");
    }

    #[test]
    fn sessions_open_find_and_close() {
        let s = Sessions::default();
        let id = s.open("ana", "h");
        let got = s.get(&id).expect("open session");
        assert_eq!(got.user, "ana");
        assert_eq!(got.csrf.len(), 64);
        assert!(s.get("nope").is_none());
        s.close(&id);
        assert!(s.get(&id).is_none());
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("x_flt_session=no; flt_session=abc; other=1"),
        );
        assert_eq!(cookie(&h, COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
