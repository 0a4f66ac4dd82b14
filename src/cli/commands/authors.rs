//! `factledger authors add|revoke|list`: who may sign events in this ledger. Each change is
//! itself an event, signed by an already authorised author.

use crate::cli::commands::import::report;
use crate::cli::commands::import::Applied;
use crate::cli::{out_json, CliError, Context};
use factledger::event::{hex, parse_hash, AuthorGrant, AuthorRevocation, EventBody};
use factledger::ledger::Draft;
use factledger::projection;
use factledger::terminal::esc;
use serde_json::json;

#[derive(Debug, clap::Subcommand)]
pub enum AuthorsCommand {
    /// Authorise NAME to sign with PUBKEY (64 hex digits), from this event on.
    Add(AddArgs),
    /// Revoke NAME's authorisation, from this event on.
    Revoke(RevokeArgs),
    /// List authors and their keys.
    List,
}

/// Authorise an author.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Author name.
    pub name: String,
    /// Ed25519 public key, 64 hex digits (as `factledger key generate` prints).
    pub pubkey: String,
}

/// Revoke an author.
#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// Author name.
    pub name: String,
}

pub fn run(ctx: &Context, cmd: &AuthorsCommand) -> Result<(), CliError> {
    let mut ledger = ctx.open()?;
    let body = match cmd {
        AuthorsCommand::List => {
            let authors = projection::authors(&ledger.tables())?;
            if ctx.json() {
                return out_json(&serde_json::Value::Array(
                    authors
                        .iter()
                        .map(|(n, a)| {
                            json!({"name": n, "public_key": hex(&a.public_key), "authorised_at": a.authorised_at, "revoked_at": a.revoked_at})
                        })
                        .collect(),
                ));
            }
            if authors.is_empty() {
                return out!("this ledger is unsigned: no authors are authorised");
            }
            for (n, a) in &authors {
                let status = match a.revoked_at {
                    Some(r) => format!("revoked at seq {r}"),
                    None => "authorised".into(),
                };
                out!(
                    "{:<20} {}  since seq {}, {status}",
                    esc(n),
                    hex(&a.public_key),
                    a.authorised_at
                )?;
            }
            return Ok(());
        }
        AuthorsCommand::Add(a) => {
            factledger::signing::check_key_name(&a.name)?;
            let pk = parse_hash(a.pubkey.trim())
                .filter(|k| ed25519_dalek::VerifyingKey::from_bytes(k).is_ok())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "'{}' is not an Ed25519 public key (64 hex digits)",
                        a.pubkey
                    ))
                })?;
            if let Some(st) = projection::author(&ledger.tables(), &a.name)? {
                if st.revoked_at.is_none() {
                    return Err(CliError::usage(format!(
                        "author '{}' is already authorised (since seq {})",
                        a.name, st.authorised_at
                    )));
                }
            }
            EventBody::AuthorAuthorised(AuthorGrant {
                name: a.name.clone(),
                public_key: pk,
            })
        }
        AuthorsCommand::Revoke(a) => {
            let authors = projection::authors(&ledger.tables())?;
            let active: Vec<&String> = authors
                .iter()
                .filter(|(_, s)| s.revoked_at.is_none())
                .map(|(n, _)| n)
                .collect();
            if !active.contains(&&a.name) {
                return Err(CliError::usage(format!(
                    "'{}' is not an authorised author of this ledger",
                    a.name
                )));
            }
            if active.len() == 1 {
                return Err(CliError::usage(format!(
                    "'{}' is the last authorised author; revoking it would leave no one able to append (authorise another author first)",
                    a.name
                )));
            }
            EventBody::AuthorRevoked(AuthorRevocation {
                name: a.name.clone(),
            })
        }
    };
    let stamp = ctx.stamp()?;
    let appended = ledger.append(vec![Draft { body, text: None }], &stamp)?;
    let applied = Applied {
        appended,
        unchanged: 0,
        needs_sync: false,
    };
    report(ctx, &mut ledger, "authors", &applied)
}
