//! `factledger user add|list|revoke`: the desk server's users. Works on the ledger directory
//! (with the server stopped: the server holds the ledger) or, with `--remote`, through a running
//! server (the caller must be an editor).

use crate::cli::remote::Remote;
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::users::{add_user, list_users, revoke_user, Role, User, UserAdded};
use factledger::terminal::esc;

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; prints their token once (only its hash is kept).
    #[command(
        after_help = "Examples:\n  factledger user add ana --role editor\n  factledger user add reporter1 --role reader --json"
    )]
    Add(AddArgs),
    /// List users (never their tokens).
    #[command(after_help = "Examples:\n  factledger user list\n  factledger user list --json")]
    List,
    /// Revoke a user's token, at once.
    #[command(after_help = "Examples:\n  factledger user revoke reporter1")]
    Revoke(RevokeArgs),
}

/// Add a user.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// User name (1–64 of A-Z a-z 0-9 . _ -): the author of the events they append.
    pub name: String,
    /// reader (reads), checker (also adds sources, claims, retractions), editor (also manages
    /// users).
    #[arg(long)]
    pub role: String,
}

/// Revoke a user.
#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// User name.
    pub name: String,
}

pub fn run(ctx: &Context, cmd: &UserCommand) -> Result<(), CliError> {
    let now = crate::cli::input::verifier_clock()?;
    if let Some(remote) = Remote::of(ctx)? {
        return run_remote(ctx, &remote, cmd);
    }
    let mut ledger = ctx.open()?;
    match cmd {
        UserCommand::Add(a) => {
            let role: Role = a.role.parse()?;
            print_added(ctx, &add_user(&mut ledger, &a.name, role, now)?)
        }
        UserCommand::List => print_users(ctx, &list_users(&ledger)?),
        UserCommand::Revoke(a) => print_revoked(ctx, &revoke_user(&mut ledger, &a.name, now)?),
    }
}

fn run_remote(ctx: &Context, remote: &Remote, cmd: &UserCommand) -> Result<(), CliError> {
    match cmd {
        UserCommand::Add(a) => {
            let body = serde_json::json!({ "name": a.name, "role": a.role });
            let added: serde_json::Value =
                remote.send("POST", "/api/v1/users", &body.to_string())?;
            if ctx.json() {
                return print_json(&added);
            }
            let field = |k: &str| added[k].as_str().unwrap_or("").to_string();
            out!("added {} as {}", esc(field("name")), esc(field("role")))?;
            out!(
                "token (shown once, keep it secret): {}",
                esc(field("token"))
            )
        }
        UserCommand::List => print_json(&remote.get("/api/v1/users", &[])?),
        UserCommand::Revoke(a) => {
            let path = format!("/api/v1/users/{}", crate::cli::remote::segment(&a.name));
            let user: serde_json::Value = remote.send("DELETE", &path, "")?;
            if ctx.json() {
                return print_json(&user);
            }
            out!("revoked {}", esc(&a.name))
        }
    }
}

fn print_added(ctx: &Context, added: &UserAdded) -> Result<(), CliError> {
    if ctx.json() {
        return print_json(added);
    }
    out!("added {} as {}", esc(&added.name), added.role)?;
    out!("token (shown once, keep it secret): {}", added.token)
}

fn print_users(ctx: &Context, users: &[User]) -> Result<(), CliError> {
    if ctx.json() {
        return print_json(users);
    }
    if users.is_empty() {
        return out!("no users: add one with `factledger user add NAME --role editor`");
    }
    for u in users {
        let status = match &u.revoked {
            Some(t) => format!("revoked {t}"),
            None => "valid".into(),
        };
        out!(
            "{:<20} {:<8} added {}  {status}",
            esc(&u.name),
            u.role,
            u.created
        )?;
    }
    Ok(())
}

fn print_revoked(ctx: &Context, user: &User) -> Result<(), CliError> {
    if ctx.json() {
        return print_json(user);
    }
    out!(
        "revoked {}'s token at {}",
        esc(&user.name),
        user.revoked.as_deref().unwrap_or("")
    )
}
