//! `--remote URL`: the CLI's commands against a running desk server instead of a ledger
//! directory. The token comes from `FACTLEDGER_TOKEN`. Reads print the server's JSON (the same
//! document `--json` prints locally); writes print the append report as locally. Errors keep the
//! CLI's exit codes: a refused write is bad input (2, with every problem at its line of the
//! local file), 401/403/404/413 are bad input (2), 429, 5xx and an unreachable server are
//! "could not be used" (3).
//!
//! ureq: a small, maintained, blocking client; the CLI has no async runtime.

use crate::cli::input::refused;
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::import::ImportError;
use factledger::intake::import::Problem;
use serde_json::Value;
use std::time::Duration;

/// A desk server and the token to use with it.
pub struct Remote {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

/// Largest response read (a whole `facts` listing can be large).
const MAX_RESPONSE: u64 = 1 << 30;

/// `s` percent-encoded for one path segment.
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Remote {
    /// The remote of `--remote`/`FACTLEDGER_REMOTE`, if one is set.
    pub fn of(ctx: &Context) -> Result<Option<Remote>, CliError> {
        let Some(url) = ctx.global.remote.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(CliError::usage(format!(
                "--remote '{url}' is not an http:// or https:// URL"
            )));
        }
        let token = std::env::var("FACTLEDGER_TOKEN")
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(600)))
            .build();
        Ok(Some(Remote {
            base: url.trim_end_matches('/').to_string(),
            token,
            agent: config.into(),
        }))
    }

    fn auth<B>(&self, req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.token {
            Some(t) => req.header("Authorization", format!("Bearer {t}")),
            None => req,
        }
    }

    /// `GET path?query` as JSON.
    pub fn get(&self, path: &str, query: &[(&str, Option<String>)]) -> Result<Value, CliError> {
        let mut req = self.auth(self.agent.get(format!("{}{path}", self.base)));
        for (k, v) in query {
            if let Some(v) = v {
                req = req.query(*k, v);
            }
        }
        self.finish(req.call(), "<request>")
    }

    /// A request with a body (`POST`) or without (`DELETE`), as JSON.
    pub fn send(&self, method: &str, path: &str, body: &str) -> Result<Value, CliError> {
        self.send_labelled(method, path, body, "<request>")
    }

    /// As [`Remote::send`], naming problems of a refused write under `label` (the local file).
    pub fn send_labelled(
        &self,
        method: &str,
        path: &str,
        body: &str,
        label: &str,
    ) -> Result<Value, CliError> {
        let url = format!("{}{path}", self.base);
        let result = match method {
            "DELETE" => self.auth(self.agent.delete(&url)).call(),
            _ => self
                .auth(self.agent.post(&url))
                .header("Content-Type", "application/json")
                .send(body.as_bytes()),
        };
        self.finish(result, label)
    }

    fn finish(
        &self,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        label: &str,
    ) -> Result<Value, CliError> {
        let mut resp = result.map_err(|e| {
            CliError::unavailable(format!("cannot reach the desk server {}: {e}", self.base))
        })?;
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_string()
            .map_err(|e| {
                CliError::unavailable(format!("reading the answer of {}: {e}", self.base))
            })?;
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            CliError::unavailable(format!(
                "the desk server {} answered {status} with something that is not JSON: {e}",
                self.base
            ))
        })?;
        if status < 400 {
            return Ok(value);
        }
        Err(api_error(status, &value, label))
    }
}

/// A server error as a CLI error, by status and stable code.
fn api_error(status: u16, body: &Value, label: &str) -> CliError {
    let code = body["code"].as_str().unwrap_or("");
    let message = body["message"].as_str().unwrap_or("").to_string();
    if code == "refused" {
        let problems = body["problems"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| Problem {
                        line: p["line"].as_u64().unwrap_or(0) as usize,
                        message: p["message"].as_str().unwrap_or("").to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        return refused(ImportError::Refused {
            label: label.to_string(),
            problems,
        });
    }
    match status {
        401 => CliError::usage(format!("the desk server refused: {message}"))
            .with_hint("set FACTLEDGER_TOKEN to a valid token (`factledger user add`)"),
        429 | 500..=599 => CliError::unavailable(format!("the desk server: {message} ({code})")),
        _ => CliError::usage(format!("the desk server refused: {message} ({code})")),
    }
}

/// Prints a read's answer: the server's JSON, one document (as `--json` prints locally).
pub fn print(value: &Value) -> Result<(), CliError> {
    print_json(value)
}

/// Prints a write's append report as a local write prints it.
pub fn print_append(ctx: &Context, report: &Value) -> Result<(), CliError> {
    if ctx.json() {
        return print_json(report);
    }
    let hash = report["head"]["hash"].as_str().unwrap_or("");
    out!(
        "{}: {} appended, {} unchanged; head is seq {} ({})",
        factledger::terminal::esc(report["file"].as_str().unwrap_or("")),
        report["appended"],
        report["unchanged"],
        report["head"]["seq"],
        &hash[..hash.len().min(16)]
    )
}

/// Reads a string field (empty when absent).
pub fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or("").to_string()
}

/// Reads an array of strings (empty when absent).
pub fn texts(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A flag from its JSON form (`docs/flags.md`).
pub fn flag(v: &Value) -> Result<factledger::flags::Flag, CliError> {
    let code = text(v, "code")
        .parse::<factledger::flags::FlagCode>()
        .map_err(|e| {
            CliError::unavailable(format!(
                "the desk server sent a flag code this CLI does not know: {e}"
            ))
        })?;
    Ok(factledger::flags::Flag {
        code,
        subject: text(v, "subject"),
        predicate: text(v, "predicate"),
        claims: texts(v, "claims"),
        sources: texts(v, "sources"),
        message: text(v, "message"),
        withdrawn_sources: texts(v, "withdrawn_sources"),
    })
}

/// A flag as `GET /api/v1/flags` lists it: the flag and its dismissal in force.
pub fn listed_flag(v: &Value) -> Result<factledger::desk::flags::ListedFlag, CliError> {
    let dismissed = match v.get("dismissed") {
        Some(d) if !d.is_null() => Some(factledger::projection::DismissalState {
            seq: d.get("seq").and_then(Value::as_u64).unwrap_or_default(),
            reason: text(d, "reason"),
        }),
        _ => None,
    };
    Ok(factledger::desk::flags::ListedFlag {
        flag: flag(v)?,
        dismissed,
    })
}
