//! The command-line interface: argument parsing, the shared context each command gets, and the
//! one place where errors become messages and exit codes.
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
pub mod input;
pub mod render;

use clap::{Parser, Subcommand};
use factledger::store::StoreError;
use factledger::LedgerError;
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
    /// Write an evidence file for a claim.
    Evidence(commands::evidence::EvidenceArgs),
    /// Load the UN-votes fixtures into a temporary ledger and show what factledger sees.
    Demo(commands::demo::DemoArgs),
}

/// How an error should end the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A check found a problem, or the ledger is damaged: exit 1.
    Check,
    /// Bad input or usage: exit 2.
    Usage,
    /// The ledger could not be used (in use, I/O): exit 3.
    Unavailable,
}

/// An error at the CLI edge: a message, a kind that fixes the exit code, and an optional hint.
#[derive(Debug)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    /// Extra lines printed before the message (e.g. located import problems).
    pub details: Vec<String>,
    /// Already reported (e.g. as JSON on stdout); only the exit code remains.
    pub reported: bool,
    /// With `--json`: the failure's structured report (verify's problem, an import's located
    /// problems), printed on stdout by the one printer instead of the generic error object.
    pub json: Option<serde_json::Value>,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: None,
            details: Vec::new(),
            reported: false,
            json: None,
        }
    }

    /// Attaches the structured report `--json` prints for this failure.
    pub fn with_json(mut self, report: serde_json::Value) -> CliError {
        self.json = Some(report);
        self
    }

    pub fn check(message: impl Into<String>) -> CliError {
        CliError {
            kind: ErrorKind::Check,
            ..CliError::usage(message)
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Check => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Unavailable => 3,
        }
    }
}

impl CliError {
    /// Prints the error on stderr: details, `error: MESSAGE`, `hint: HINT`. Messages quote file
    /// content (an import line, a bundle's line type, a proof's claim id), so every line is
    /// escaped for the terminal: one hostile value cannot fake a success or a second line.
    pub fn eprint(&self) {
        use factledger::terminal::esc;
        let mut err = std::io::stderr().lock();
        for d in &self.details {
            let _ = writeln!(err, "{}", esc(d));
        }
        let _ = writeln!(err, "error: {}", esc(&self.message));
        if let Some(h) = &self.hint {
            let _ = writeln!(err, "hint: {}", esc(h));
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<LedgerError> for CliError {
    fn from(e: LedgerError) -> CliError {
        let kind = match &e {
            LedgerError::Store(StoreError::Missing(_)) => ErrorKind::Usage,
            LedgerError::Store(StoreError::AlreadyExists(_)) => ErrorKind::Usage,
            LedgerError::Invalid(_) | LedgerError::Authority(_) => ErrorKind::Usage,
            LedgerError::Store(
                StoreError::InUse(_) | StoreError::Io { .. } | StoreError::Sled { .. },
            ) => ErrorKind::Unavailable,
            _ if e.is_integrity() => ErrorKind::Check,
            _ => ErrorKind::Unavailable,
        };
        let hint = match &e {
            LedgerError::Store(StoreError::Missing(dir)) => Some(format!(
                "create one with `factledger init --ledger {}`, or point --ledger / FACTLEDGER_DIR at an existing ledger",
                dir.display()
            )),
            LedgerError::Authority(factledger::signing::AuthorityError::NotAuthorised { detail, .. })
                if detail.contains("first authorisation") =>
            {
                Some(
                    "the ledger is unsigned; the author who makes it signed must authorise themselves: \
                     run `factledger authors add NAME PUBKEY` as NAME (--author NAME), with NAME's key in the key directory"
                        .into(),
                )
            }
            LedgerError::Authority(_) => Some(
                "this ledger is signed: the author (--author / FACTLEDGER_AUTHOR) needs a key in the key directory \
                 (`factledger key generate --name NAME`) that an authorised author has added (`factledger authors add NAME PUBKEY`)"
                    .into(),
            ),
            LedgerError::Store(StoreError::InUse(_)) => {
                Some("wait for the other command to finish, or pass --wait SECONDS".into())
            }
            _ => None,
        };
        CliError {
            kind,
            message: e.to_string(),
            hint,
            details: Vec::new(),
            reported: false,
            json: None,
        }
    }
}

impl From<factledger::desk::DeskError> for CliError {
    /// The ledger's own errors map as above; a request naming what the ledger does not hold is
    /// bad input (exit 2).
    fn from(e: factledger::desk::DeskError) -> CliError {
        use factledger::desk::DeskError;
        match e {
            DeskError::Ledger(e) => CliError::from(e),
            e @ (DeskError::NoSuchId { .. }
            | DeskError::NoSuchSeq { .. }
            | DeskError::AsOfPastHead { .. }
            | DeskError::BadAsOf { .. }) => CliError::usage(e.to_string()),
        }
    }
}

impl From<factledger::signing::KeyError> for CliError {
    /// Key-file I/O failures exit 3; a key in the way, a secret others can read, a file that is
    /// not a key exit 2.
    fn from(e: factledger::signing::KeyError) -> CliError {
        CliError {
            kind: if e.is_io() {
                ErrorKind::Unavailable
            } else {
                ErrorKind::Usage
            },
            ..CliError::usage(e.to_string())
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError {
            kind: ErrorKind::Unavailable,
            ..CliError::usage(format!("I/O error: {e}"))
        }
    }
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
        Ok(factledger::Ledger::open(&self.global.ledger, wait)?)
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
    pub fn key_dir(&self) -> Result<factledger::signing::KeyDir, CliError> {
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
        Ok(factledger::signing::KeyDir::new(dir))
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
    /// Lets the escaping formatter write straight into the buffered stdout.
    struct Adapter<'a, W: Write> {
        inner: &'a mut W,
        error: Option<std::io::Error>,
    }
    impl<W: Write> fmt::Write for Adapter<'_, W> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.inner.write_all(s.as_bytes()).map_err(|e| {
                self.error = Some(e);
                fmt::Error
            })
        }
    }
    out_result(OUT.with(|o| {
        let mut o = o.borrow_mut();
        let mut a = Adapter {
            inner: &mut *o,
            error: None,
        };
        match factledger::terminal::write_fmt_escaped(&mut a, args) {
            Ok(()) => o.write_all(b"\n"),
            Err(_) => Err(a
                .error
                .unwrap_or_else(|| std::io::Error::other("formatting failed"))),
        }
    }))
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

fn out_result(r: std::io::Result<()>) -> Result<(), CliError> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError {
            kind: ErrorKind::Check,
            message: String::new(),
            hint: None,
            details: Vec::new(),
            reported: true,
            json: None,
        }
        .broken_pipe()),
        Err(e) => Err(e.into()),
    }
}

impl CliError {
    fn broken_pipe(mut self) -> CliError {
        self.kind = ErrorKind::Check;
        self.message = BROKEN_PIPE.into();
        self
    }
}

const BROKEN_PIPE: &str = "\0broken pipe";

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
        Command::Evidence(args) => commands::evidence::run(&ctx, &args),
        Command::Demo(args) => commands::demo::run(&ctx, &args),
    };
    let result = result.and_then(|()| flush_out());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.message == BROKEN_PIPE => ExitCode::SUCCESS,
        Err(e) => {
            // What the command printed before it failed comes first.
            let _ = flush_out();
            if !e.reported {
                e.eprint();
                if json {
                    let report = e.json.clone().unwrap_or_else(|| {
                        serde_json::json!({"ok": false, "error": e.message, "hint": e.hint, "exit_code": e.exit_code()})
                    });
                    let _ = writeln!(std::io::stdout(), "{report}");
                }
            }
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
