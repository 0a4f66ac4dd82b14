//! `factledger init`: create a new, empty ledger (signed with `--key`).

use crate::cli::{out_json, CliError, Context};
use factledger::event::{hex, AuthorGrant, EventBody};
use factledger::ledger::{Draft, Stamp};
use serde_json::json;

/// Create a new, empty ledger at --ledger (default ./.factledger). With --key NAME, the ledger is
/// signed: its first event authorises NAME, whose key must be in the key directory.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Make a signed ledger whose first author is NAME (key from the key directory).
    #[arg(long, value_name = "NAME")]
    pub key: Option<String>,
}

pub fn run(ctx: &Context, args: &InitArgs) -> Result<(), CliError> {
    let dir = &ctx.global.ledger;
    // Load the key before creating anything, so a missing key leaves nothing behind.
    let key = match &args.key {
        Some(name) => {
            let keys = ctx.key_dir()?;
            let key = keys.load(name)?.ok_or_else(|| {
                CliError::usage(format!(
                    "no key named '{name}' in {} (create one with `factledger key generate --name {name}`)",
                    keys.path().display()
                ))
            })?;
            Some((name.clone(), key))
        }
        None => None,
    };
    let base_stamp = ctx.stamp()?;
    let mut ledger = factledger::Ledger::init(dir)?;
    let mut signed_by = None;
    if let Some((name, key)) = key {
        let public_key = key.verifying_key().to_bytes();
        let stamp = Stamp {
            author: name.clone(),
            key: Some(key),
            ..base_stamp
        };
        let body = EventBody::AuthorAuthorised(AuthorGrant {
            name: name.clone(),
            public_key,
        });
        ledger.append(vec![Draft { body, text: None }], &stamp)?;
        signed_by = Some((name, public_key));
    }
    if ctx.json() {
        out_json(&json!({
            "ok": true,
            "ledger": dir.display().to_string(),
            "head": {"seq": ledger.head().seq, "hash": hex(&ledger.head().hash)},
            "signed": signed_by.is_some(),
            "author": signed_by.as_ref().map(|(n, _)| n),
        }))
    } else {
        match signed_by {
            None => out!("created an empty ledger in {}", dir.display()),
            Some((n, pk)) => out!(
                "created a signed ledger in {}; its first event authorises '{n}' (key {})",
                dir.display(),
                hex(&pk)
            ),
        }
    }
}
