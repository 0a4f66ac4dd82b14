//! `factledger authors add|revoke|list`: who may sign events in this ledger. Each change is
//! itself an event, signed by an already authorised author.

use crate::cli::input::print_append;
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::authorise::{authorise, authors, revoke, AuthoriseInput, RevokeInput};
use factledger::terminal::esc;

#[derive(Debug, clap::Subcommand)]
pub enum AuthorsCommand {
    /// Authorise NAME to sign with PUBKEY (64 hex digits), from this event on.
    #[command(
        after_help = "Examples:\n  factledger authors add bob 3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
    )]
    Add(AddArgs),
    /// Revoke NAME's authorisation, from this event on.
    #[command(after_help = "Examples:\n  factledger authors revoke bob")]
    Revoke(RevokeArgs),
    /// List authors and their keys.
    #[command(
        after_help = "Examples:\n  factledger authors list\n  factledger authors list --json"
    )]
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
    let report = match cmd {
        AuthorsCommand::List => {
            let authors = authors(&ledger)?;
            if ctx.json() {
                return print_json(&authors);
            }
            if authors.is_empty() {
                return out!("this ledger is unsigned: no authors are authorised");
            }
            for a in &authors {
                let status = match a.revoked_at {
                    Some(r) => format!("revoked at seq {r}"),
                    None => "authorised".into(),
                };
                out!(
                    "{:<20} {}  since seq {}, {status}",
                    esc(&a.name),
                    a.public_key,
                    a.authorised_at
                )?;
            }
            return Ok(());
        }
        AuthorsCommand::Add(a) => {
            let input = AuthoriseInput {
                name: &a.name,
                public_key: &a.pubkey,
            };
            let stamp = ctx.stamp_for(&ledger)?;
            authorise(&mut ledger, input, &stamp)?
        }
        AuthorsCommand::Revoke(a) => {
            let stamp = ctx.stamp_for(&ledger)?;
            revoke(&mut ledger, RevokeInput { name: &a.name }, &stamp)?
        }
    };
    print_append(ctx, &mut ledger, &report)
}
