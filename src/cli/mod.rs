//! The command-line interface: argument parsing, the shared context each command gets, and
//! `main`, the one place where an error is printed ([`CliError::print`]; `error.rs` maps errors
//! to kinds, hints and exit codes).
//!
//! Exit codes (a public contract, see `docs/cli.md`): 0 success; 1 a check found a problem (a
//! failed `verify`, a damaged ledger); 2 bad input or usage (including a missing ledger);
//! 3 the ledger could not be used (in use by another process, I/O failure such as a full disk).

/// Writes a line of text output to stdout, treating a closed pipe (`factledger log | head`) as a
/// clean end. Renderers escape each value that came from a ledger, bundle, proof or import file
/// ([`factledger::terminal::esc`]); on top of that the whole line passes through
/// [`factledger::terminal`], so no control character but the newline reaches the terminal even
/// from a value a renderer forgot.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_text(format_args!($($arg)*))
    };
}

pub mod commands;
mod error;
pub mod input;
pub mod render;

pub use error::{CliError, ErrorKind};

use clap::{Parser, Subcommand};
use std::cell::RefCell;
use std::fmt;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// factledger: an append-only, hashed ledger of claims and their sources, for fact-checkers.
#[derive(Debug, Parser)]
#[command(name = "factledger", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Ledger directory.
    #[arg(
        long,
        global = true,
        env = "FACTLEDGER_DIR",
        default_value = ".factledger",
        value_name = "DIR"
    )]
    pub ledger: PathBuf,
    /// A ledger in PostgreSQL instead of a directory: postgres://USER@HOST:PORT/DB?schema=NAME
    /// (needs a build with the `postgres` feature). Takes the place of --ledger.
    #[arg(long, global = true, env = "FACTLEDGER_STORE", value_name = "URL")]
    pub store: Option<String>,
    /// Author of appended events (default: $FACTLEDGER_AUTHOR, else the OS user name).
    #[arg(long, global = true, value_name = "NAME")]
    pub author: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Wait up to SECONDS for another process using the ledger, instead of failing at once.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub wait: Option<f64>,
    /// No progress bars or notes on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Directory of signing keys (default: $FACTLEDGER_KEYS, else ~/.config/factledger/keys).
    #[arg(long, global = true, value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty ledger.
    Init(commands::init::InitArgs),
    /// Import a JSON Lines file (all or nothing).
    Import(commands::import::ImportArgs),
    /// Add one source or claim.
    #[command(subcommand)]
    Add(commands::add::AddCommand),
    /// Retract a claim or source.
    Retract(commands::retract::RetractArgs),
    /// Print the log of events.
    Log(commands::log::LogArgs),
    /// Show one event by id or seq.
    Show(commands::show::ShowArgs),
    /// Recompute every hash and link, and the projection; exit 1 at the first problem.
    Verify(commands::verify::VerifyArgs),
    /// Show the fact state: live claims per subject and predicate, and whether they agree.
    Facts(commands::facts::FactsArgs),
    /// Show inconsistency flags (docs/flags.md).
    Flags(commands::flags::FlagsArgs),
    /// Dismiss a flag by its id, with a reason.
    Dismiss(commands::dismiss::DismissArgs),
    /// Rebuild the projection from the first event and report what it holds.
    Replay(commands::replay::ReplayArgs),
    /// List sources with their citations and the claims resting on them.
    Sources(commands::sources::SourcesArgs),
    /// Show the chain of sources behind a claim or source.
    Audit(commands::audit::AuditArgs),
    /// Draw the provenance graph.
    Graph(commands::graph::GraphArgs),
    /// Manage signing keys.
    #[command(subcommand)]
    Key(commands::key::KeyCommand),
    /// Manage who may sign events in this ledger.
    #[command(subcommand)]
    Authors(commands::authors::AuthorsCommand),
    /// Print a signed checkpoint (tree size, Merkle root, time) to publish.
    Checkpoint(commands::checkpoint::CheckpointArgs),
    /// Prove an event is in the tree, or that one tree size extends another.
    Prove(commands::prove::ProveArgs),
    /// Check a proof or evidence file against a checkpoint, without a ledger.
    VerifyProof(commands::verify_proof::VerifyProofArgs),
    /// Export the whole ledger as a verifiable bundle.
    Export(commands::export::ExportArgs),
    /// Read an article into candidate claims (import lines to review); nothing appended.
    Extract(commands::extract::ExtractArgs),
    /// Write an evidence file for a claim.
    Evidence(commands::evidence::EvidenceArgs),
    /// Load the UN-votes fixtures into a temporary ledger and show what factledger sees.
    Demo(commands::demo::DemoArgs),
}

/// Everything a command needs from outside: options, clock and author, output.
pub struct Context {
    pub global: GlobalArgs,
}

impl Context {
    /// Opens the ledger named by `--ledger`.
    pub fn open(&self) -> Result<factledger::Ledger, CliError> {
        let wait = match self.global.wait {
            None => None,
            Some(s) if s >= 0.0 && !s.is_nan() => {
                Some(Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX))
            }
            Some(s) => {
                return Err(CliError::usage(format!(
                    "--wait {s} is not a number of seconds"
                )))
            }
        };
        Ok(factledger::Ledger::open_at(&self.location()?, wait)?)
    }

    /// Where the ledger is: the PostgreSQL store `--store` / `FACTLEDGER_STORE` names, else the
    /// directory `--ledger` names.
    pub fn location(&self) -> Result<factledger::store::Location, CliError> {
        match self.global.store.as_deref().filter(|s| !s.is_empty()) {
            Some(url) => Ok(factledger::store::Location::store(url)?),
            None => Ok(factledger::store::Location::Dir(self.global.ledger.clone())),
        }
    }

    /// Who and when for an append: `--author`, else `FACTLEDGER_AUTHOR`, else the OS user;
    /// `FACTLEDGER_NOW` (RFC 3339), else the clock.
    pub fn stamp(&self) -> Result<factledger::ledger::Stamp, CliError> {
        let author = self
            .global
            .author
            .clone()
            .or_else(|| {
                std::env::var("FACTLEDGER_AUTHOR")
                    .ok()
                    .filter(|s| !s.is_empty())
            })
            .or_else(|| std::env::var("USER").ok().filter(|s| !s.is_empty()))
            .or_else(|| std::env::var("LOGNAME").ok().filter(|s| !s.is_empty()))
            .unwrap_or_else(|| "unknown".into());
        let author = author.trim().to_string();
        if author.is_empty() || author.chars().count() > 128 || author.chars().any(char::is_control)
        {
            return Err(CliError::usage(format!(
                "author '{}' is not usable: 1–128 characters, no control characters",
                author.escape_debug()
            )));
        }
        let recorded_at = match std::env::var("FACTLEDGER_NOW") {
            Ok(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
                .map_err(|e| {
                    CliError::usage(format!("FACTLEDGER_NOW='{s}' is not an RFC 3339 time: {e}"))
                })?
                .timestamp_micros(),
            Err(_) => chrono::Utc::now().timestamp_micros(),
        };
        // With no key directory at all (no HOME), there is no key to sign with: a signed ledger
        // then refuses the append with its own hint.
        let key = match self.key_dir() {
            Ok(dir) => dir.load(&author)?,
            Err(_) => None,
        };
        Ok(factledger::ledger::Stamp {
            author,
            recorded_at,
            key,
        })
    }

    /// The key directory: `--key-dir`, `FACTLEDGER_KEYS`, `$XDG_CONFIG_HOME/factledger/keys`,
    /// or `~/.config/factledger/keys`. With none of them (an empty or unset `HOME`) it is an
    /// error: keys are never written into whatever the current folder happens to be.
    pub fn key_dir(&self) -> Result<factledger::integrity::signing::KeyDir, CliError> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = self
            .global
            .key_dir
            .clone()
            .or_else(|| env("FACTLEDGER_KEYS"))
            .or_else(|| env("XDG_CONFIG_HOME").map(|c| c.join("factledger").join("keys")))
            .or_else(|| env("HOME").map(|h| h.join(".config").join("factledger").join("keys")))
            .ok_or_else(|| {
                CliError::usage(
                    "no key directory: HOME is empty or unset; pass --key-dir DIR or set FACTLEDGER_KEYS",
                )
            })?;
        Ok(factledger::integrity::signing::KeyDir::new(dir))
    }

    pub fn json(&self) -> bool {
        self.global.json
    }

    /// A progress bar on stderr for long work; hidden when stderr is not a terminal or with
    /// `--quiet`, so scripts and pipes never see it.
    pub fn progress(&self, len: u64, what: &str) -> indicatif::ProgressBar {
        use std::io::IsTerminal;
        if self.global.quiet || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        let style = indicatif::ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {pos}/{len} events ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_string());
        bar
    }
}

thread_local! {
    /// Standard output, buffered: Rust's stdout writes at every newline, and a whole-ledger
    /// listing is millions of lines. Flushed by [`flush_out`] before the process exits and before
    /// anything writes to stdout directly.
    static OUT: RefCell<BufWriter<std::io::Stdout>> =
        RefCell::new(BufWriter::with_capacity(64 << 10, std::io::stdout()));
}

/// Writes one line of text output, escaped for the terminal (newlines kept); see `out!`.
pub fn write_text(args: fmt::Arguments<'_>) -> Result<(), CliError> {
    thread_local! {
        /// The line being printed, reused: formatting the whole line first and then checking it
        /// once is much cheaper than escaping each formatted piece on its way out.
        static LINE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    LINE.with(|line| {
        let mut line = line.borrow_mut();
        line.clear();
        fmt::Write::write_fmt(&mut *line, args)
            .map_err(|_| CliError::from(std::io::Error::other("formatting failed")))?;
        let safe = factledger::terminal::escape_text(&line);
        out_result(OUT.with(|o| {
            let mut o = o.borrow_mut();
            o.write_all(safe.as_bytes())?;
            o.write_all(b"\n")
        }))
    })
}

/// Writes one line to stdout as it is: JSON, which serde_json has already escaped.
pub fn write_out(args: fmt::Arguments<'_>) -> Result<(), CliError> {
    out_result(OUT.with(|o| {
        let mut o = o.borrow_mut();
        o.write_fmt(args).and_then(|_| o.write_all(b"\n"))
    }))
}

/// Writes out what [`write_out`] buffered.
pub fn flush_out() -> Result<(), CliError> {
    out_result(OUT.with(|o| o.borrow_mut().flush()))
}

/// A write to stdout as a CLI result: a closed pipe becomes [`ErrorKind::BrokenPipe`] (a clean
/// exit), any other failure exit 3.
fn out_result(r: std::io::Result<()>) -> Result<(), CliError> {
    r.map_err(CliError::from)
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.global.json;
    let ctx = Context { global: cli.global };
    let result = match cli.command {
        Command::Init(args) => commands::init::run(&ctx, &args),
        Command::Import(args) => commands::import::run(&ctx, &args),
        Command::Add(cmd) => commands::add::run(&ctx, &cmd),
        Command::Retract(args) => commands::retract::run(&ctx, &args),
        Command::Log(args) => commands::log::run(&ctx, &args),
        Command::Show(args) => commands::show::run(&ctx, &args),
        Command::Verify(args) => commands::verify::run(&ctx, &args),
        Command::Facts(args) => commands::facts::run(&ctx, &args),
        Command::Flags(args) => commands::flags::run(&ctx, &args),
        Command::Dismiss(args) => commands::dismiss::run(&ctx, &args),
        Command::Replay(args) => commands::replay::run(&ctx, &args),
        Command::Sources(args) => commands::sources::run(&ctx, &args),
        Command::Audit(args) => commands::audit::run(&ctx, &args),
        Command::Graph(args) => commands::graph::run(&ctx, &args),
        Command::Key(cmd) => commands::key::run(&ctx, &cmd),
        Command::Authors(cmd) => commands::authors::run(&ctx, &cmd),
        Command::Checkpoint(args) => commands::checkpoint::run(&ctx, &args),
        Command::Prove(args) => commands::prove::run(&ctx, &args),
        Command::VerifyProof(args) => commands::verify_proof::run(&ctx, &args),
        Command::Export(args) => commands::export::run(&ctx, &args),
        Command::Extract(args) => commands::extract::run(&ctx, &args),
        Command::Evidence(args) => commands::evidence::run(&ctx, &args),
        Command::Demo(args) => commands::demo::run(&ctx, &args),
    };
    let result = result.and_then(|()| flush_out());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // What the command printed before it failed comes first.
            let _ = flush_out();
            e.print(json);
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
