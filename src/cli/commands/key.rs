//! `factledger key generate|list`: Ed25519 key pairs in the key directory.

use crate::cli::{out_json, CliError, Context};
use factledger::event::hex;
use factledger::terminal::esc;
use serde_json::json;

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Generate an Ed25519 key pair NAME.secret (owner-only) and NAME.pub in the key directory.
    Generate(GenerateArgs),
    /// List the key pairs in the key directory.
    List,
}

/// Generate a key pair.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The author name the key is for (letters, digits, . _ : -).
    #[arg(long)]
    pub name: String,
}

pub fn run(ctx: &Context, cmd: &KeyCommand) -> Result<(), CliError> {
    let keys = ctx.key_dir()?;
    match cmd {
        KeyCommand::Generate(a) => {
            let pk = keys.generate(&a.name)?;
            if ctx.json() {
                out_json(
                    &json!({"ok": true, "name": a.name, "public_key": hex(&pk), "key_dir": keys.path().display().to_string()}),
                )
            } else {
                out!("generated key '{}' in {}", a.name, keys.path().display())?;
                out!("public key: {}", hex(&pk))
            }
        }
        KeyCommand::List => {
            let list = keys.list()?;
            if ctx.json() {
                return out_json(&serde_json::Value::Array(
                    list.iter()
                        .map(|(n, pk)| json!({"name": n, "public_key": hex(pk)}))
                        .collect(),
                ));
            }
            if list.is_empty() {
                out!("no keys in {}", keys.path().display())?;
            }
            for (n, pk) in &list {
                out!("{:<20} {}", esc(n), hex(pk))?;
            }
            Ok(())
        }
    }
}
