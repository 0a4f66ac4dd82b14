//! `factledger key generate|list`: Ed25519 key pairs in the key directory.

use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::model::event::hex;
use factledger::terminal::esc;
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Generate an Ed25519 key pair NAME.secret (owner-only) and NAME.pub in the key directory.
    #[command(after_help = "Examples:\n  factledger key generate --name ana")]
    Generate(GenerateArgs),
    /// List the key pairs in the key directory.
    #[command(after_help = "Examples:\n  factledger key list\n  factledger key list --json")]
    List,
}

/// Generate a key pair.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// The author name the key is for (letters, digits, . _ : -).
    #[arg(long)]
    pub name: String,
}

/// A key generated: the JSON of `key generate` (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
struct Generated<'a> {
    key_dir: String,
    name: &'a str,
    ok: bool,
    public_key: String,
}

/// A key pair in the key directory: the JSON of `key list`.
#[derive(Debug, Clone, Serialize)]
struct KeyEntry {
    name: String,
    public_key: String,
}

// Key files are the CLI's own business (the desk server authenticates its users otherwise), so
// these use cases are the key directory's methods and their results are typed here.
pub fn run(ctx: &Context, cmd: &KeyCommand) -> Result<(), CliError> {
    let keys = ctx.key_dir()?;
    match cmd {
        KeyCommand::Generate(a) => {
            let generated = Generated {
                key_dir: keys.path().display().to_string(),
                name: &a.name,
                ok: true,
                public_key: hex(&keys.generate(&a.name)?),
            };
            if ctx.json() {
                return print_json(&generated);
            }
            out!("generated key '{}' in {}", esc(&a.name), generated.key_dir)?;
            out!("public key: {}", generated.public_key)
        }
        KeyCommand::List => {
            let list: Vec<KeyEntry> = keys
                .list()?
                .into_iter()
                .map(|(name, pk)| KeyEntry {
                    name,
                    public_key: hex(&pk),
                })
                .collect();
            if ctx.json() {
                return print_json(&list);
            }
            if list.is_empty() {
                out!("no keys in {}", keys.path().display())?;
            }
            for k in &list {
                out!("{:<20} {}", esc(&k.name), k.public_key)?;
            }
            Ok(())
        }
    }
}
