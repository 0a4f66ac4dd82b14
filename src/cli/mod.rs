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
mod interrupt;
pub mod remote;
pub mod render;
pub mod time;

pub use error::{CliError, ErrorKind};

#[allow(unused_imports)]
use clap::CommandFactory as _;
use clap::{Parser, Subcommand};
use std::cell::RefCell;
use std::fmt;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// factledger: an append-only, hashed ledger of claims and their sources, for fact-checkers.
#[derive(Debug, Parser)]
#[command(
    name = "factledger",
    version,
    propagate_version = true,
    after_help = "Examples:\n  factledger init\n  factledger import claims.jsonl\n  factledger flags\n  factledger show un-sc-tally\n\nEvery command's --help ends with examples; docs/cli.md has the whole reference."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes, shown under their own heading in every command's help.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Global options")]
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
    /// Author of appended events (default: $FACTLEDGER_AUTHOR; on a signed ledger, the one
    /// authorised author whose key is in the key directory; else the OS user name).
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
    /// Directory of signing keys (default: $FACTLEDGER_KEYS, else
    /// $XDG_CONFIG_HOME/factledger/keys, else ~/.config/factledger/keys).
    #[arg(long, global = true, value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
    /// Work against a running desk server (`factledger serve`) at URL instead of a ledger
    /// directory; the token comes from $FACTLEDGER_TOKEN. See docs/server.md for the commands
    /// that support it.
    #[arg(long, global = true, env = "FACTLEDGER_REMOTE", value_name = "URL")]
    pub remote: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty ledger.
    #[command(
        after_help = "Examples:\n  factledger init\n  factledger init --key ana --ledger desk.factledger"
    )]
    Init(commands::init::InitArgs),
    /// Import a JSON Lines file (all or nothing).
    #[command(
        after_help = "Examples:\n  factledger import claims.jsonl\n  cat claims.jsonl | factledger import -\n  factledger import --bundle bundle.jsonl --ledger restored"
    )]
    Import(commands::import::ImportArgs),
    /// Add one source or claim.
    #[command(subcommand)]
    Add(commands::add::AddCommand),
    /// Retract a claim or source.
    #[command(
        after_help = "Examples:\n  factledger retract wire-date --reason 'the wire corrected its dateline'"
    )]
    Retract(commands::retract::RetractArgs),
    /// Print the log of events.
    #[command(
        after_help = "Examples:\n  factledger log --from 40 --limit 10\n  factledger log --json | jq .type"
    )]
    Log(commands::log::LogArgs),
    /// Show one event by id or seq.
    #[command(
        after_help = "Examples:\n  factledger show un-sc-tally\n  factledger show wire-ga-vote --text\n  factledger show 12"
    )]
    Show(commands::show::ShowArgs),
    /// Recompute every hash and link, and the projection; exit 1 at the first problem.
    #[command(
        after_help = "Examples:\n  factledger verify\n  factledger verify --bundle bundle.jsonl --checkpoint checkpoint.txt"
    )]
    Verify(commands::verify::VerifyArgs),
    /// Show the fact state: live claims per subject and predicate, and whether they agree.
    #[command(
        after_help = "Examples:\n  factledger facts\n  factledger facts --subject S/RES/2774 --as-of 40"
    )]
    Facts(commands::facts::FactsArgs),
    /// Show inconsistency flags (docs/flags.md).
    #[command(after_help = commands::flags::codes_help())]
    Flags(commands::flags::FlagsArgs),
    /// Dismiss a flag by its id, with a reason.
    #[command(
        after_help = "Examples:\n  factledger flags\n  factledger dismiss c55865bf74d1c997 --reason 'the wire\'s tally is the UN coverage\'s: nothing to chase'"
    )]
    Dismiss(commands::dismiss::DismissArgs),
    /// Rebuild the projection from the first event and report what it holds.
    #[command(after_help = "Examples:\n  factledger replay\n  factledger replay --to 40 --json")]
    Replay(commands::replay::ReplayArgs),
    /// List sources with their citations and the claims resting on them.
    #[command(after_help = "Examples:\n  factledger sources\n  factledger sources --json")]
    Sources(commands::sources::SourcesArgs),
    /// Show the chain of sources behind a claim or source.
    #[command(
        after_help = "Examples:\n  factledger audit un-sc-tally\n  factledger audit wire-ga-vote --dot > chain.dot"
    )]
    Audit(commands::audit::AuditArgs),
    /// Draw the provenance graph.
    #[command(
        after_help = "Examples:\n  factledger graph\n  factledger graph --subject S/RES/2774 --dot > sources.dot"
    )]
    Graph(commands::graph::GraphArgs),
    /// Manage signing keys.
    #[command(subcommand)]
    Key(commands::key::KeyCommand),
    /// Manage who may sign events in this ledger.
    #[command(subcommand)]
    Authors(commands::authors::AuthorsCommand),
    /// Print a signed checkpoint (tree size, Merkle root, time) to publish.
    #[command(
        after_help = "Examples:\n  factledger checkpoint > checkpoint.txt\n  factledger checkpoint --json"
    )]
    Checkpoint(commands::checkpoint::CheckpointArgs),
    /// Prove an event is in the tree, or that one tree size extends another.
    #[command(
        after_help = "Examples:\n  factledger prove un-sc-tally > proof.json\n  factledger prove --consistency 40 57"
    )]
    Prove(commands::prove::ProveArgs),
    /// Check a proof or evidence file against a checkpoint, without a ledger.
    #[command(
        after_help = "Examples:\n  factledger verify-proof proof.json --checkpoint checkpoint.txt\n  factledger verify-proof evidence.json --key PUBKEY"
    )]
    VerifyProof(commands::verify_proof::VerifyProofArgs),
    /// Export the whole ledger as a verifiable bundle.
    #[command(after_help = "Examples:\n  factledger export --bundle bundle.jsonl")]
    Export(commands::export::ExportArgs),
    /// Read an article into candidate claims (import lines to review); nothing appended.
    #[command(
        after_help = "Examples:\n  factledger extract article.txt --source wire-2025-02-25 --published 2025-02-25 > candidates.jsonl\n  factledger extract --source wire-2025-02-25 --json"
    )]
    Extract(commands::extract::ExtractArgs),
    /// Write an evidence file for a claim.
    #[command(after_help = "Examples:\n  factledger evidence un-sc-tally --out evidence.json")]
    Evidence(commands::evidence::EvidenceArgs),
    /// Load the UN-votes fixtures into a temporary ledger and show what factledger sees.
    #[command(after_help = "Examples:\n  factledger demo\n  factledger demo --keep")]
    Demo(commands::demo::DemoArgs),
    /// Name subjects: record an alias.
    #[command(subcommand)]
    Subject(commands::subject::SubjectCommand),
    // The help of these two is their arguments' doc comment (with its example).
    #[command(
        after_help = "Examples:\n  factledger subjects\n  factledger subjects --json --as-of 2025-02-26"
    )]
    Subjects(commands::subjects::SubjectsArgs),
    #[command(
        after_help = "Examples:\n  factledger withdraw daily-fixture-ga --reason 'the publisher took the article down on 27 February'"
    )]
    Withdraw(commands::withdraw::WithdrawArgs),
    /// Record a new version of a source.
    #[command(subcommand)]
    Source(commands::source::SourceCommand),
    /// Record a verdict on a claim.
    #[command(
        after_help = "Examples:\n  factledger review article-sc-date --rating false --explanation 'The vote was on Monday 24 February.'\n  factledger review article-sc-date --rating 'pants on fire' --scale meter --explanation '…' --url https://desk.example/checks/2774"
    )]
    Review(commands::review::ReviewArgs),
    /// The current verdict on each reviewed claim.
    #[command(
        after_help = "Examples:\n  factledger reviews\n  factledger reviews --claim article-sc-date --history --json"
    )]
    Reviews(commands::reviews::ReviewsArgs),
    /// Rating scales for reviews.
    #[command(subcommand)]
    Scale(commands::review::ScaleCommand),
    /// The ledger's settings (desk.name, desk.url).
    #[command(subcommand)]
    Config(commands::config::ConfigCommand),
    /// Serve the ledger to the desk over HTTP (the JSON API of docs/server.md) until SIGINT or
    /// SIGTERM.
    #[cfg(feature = "server")]
    #[command(
        after_help = "Examples:\n  factledger serve\n  factledger serve --listen 0.0.0.0:8417 --public-read --rate 100"
    )]
    Serve(commands::serve::ServeArgs),
    /// The desk server's users: add (prints the token once), list, revoke.
    #[command(subcommand)]
    User(commands::user::UserCommand),
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

    /// The author named on purpose: `--author`, else `FACTLEDGER_AUTHOR`.
    pub fn named_author(&self) -> Option<String> {
        self.global.author.clone().or_else(|| {
            std::env::var("FACTLEDGER_AUTHOR")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
    }

    /// The operating system's user name: `USER`, else `LOGNAME`.
    fn os_user() -> Option<String> {
        ["USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|s| !s.trim().is_empty()))
    }

    /// The error for an append with no author to record.
    fn no_author() -> CliError {
        CliError::usage(
            "no author to record: pass --author NAME or set FACTLEDGER_AUTHOR (USER and LOGNAME are unset)",
        )
    }

    /// Who and when for an append that has no ledger to ask: `--author`, else
    /// `FACTLEDGER_AUTHOR`, else the OS user, else `fallback` (for a ledger that gets no events
    /// by this author: an unsigned `init`, the demo's temporary one).
    pub fn stamp_or(&self, fallback: &str) -> Result<factledger::ledger::Stamp, CliError> {
        let author = self
            .named_author()
            .or_else(Self::os_user)
            .unwrap_or_else(|| fallback.to_string());
        self.stamp_as(author)
    }

    /// Who and when for an append to `ledger`: `--author`, else `FACTLEDGER_AUTHOR`; on a signed
    /// ledger, else the one authorised author whose key is in the key directory (so a desk with
    /// its key set up never needs `--author`); else the OS user; else an error.
    pub fn stamp_for(
        &self,
        ledger: &factledger::Ledger,
    ) -> Result<factledger::ledger::Stamp, CliError> {
        let author = self.author_for(ledger)?.ok_or_else(Self::no_author)?;
        self.stamp_as(author)
    }

    /// The stamp a checkpoint is signed with (`checkpoint`, `export`, `evidence`): as
    /// [`Context::stamp_for`], but with no author to be found it is `unknown`, since an unsigned
    /// ledger's checkpoint records no author, and a signed ledger refuses it naming the key.
    pub fn checkpoint_stamp(
        &self,
        ledger: &factledger::Ledger,
    ) -> Result<factledger::ledger::Stamp, CliError> {
        let author = self.author_for(ledger)?;
        self.stamp_as(author.unwrap_or_else(|| "unknown".into()))
    }

    /// Who is acting on `ledger`: named, else the one key holder of a signed ledger, else the OS
    /// user; `None` when there is no one.
    fn author_for(&self, ledger: &factledger::Ledger) -> Result<Option<String>, CliError> {
        if let Some(author) = self.named_author() {
            return Ok(Some(author));
        }
        let holders = self.key_holders(ledger)?;
        match holders.as_slice() {
            [one] => Ok(Some(one.clone())),
            [] => Ok(Self::os_user()),
            several => Err(CliError::usage(format!(
                "this ledger is signed and the key directory holds keys of {} of its authors ({}); pass --author NAME or set FACTLEDGER_AUTHOR to say who is acting",
                several.len(),
                several.join(", ")
            ))),
        }
    }

    /// The ledger's authorised (not revoked) authors whose own key is in the key directory.
    fn key_holders(&self, ledger: &factledger::Ledger) -> Result<Vec<String>, CliError> {
        let Ok(keys) = self.key_dir() else {
            return Ok(Vec::new());
        };
        let mut holders = Vec::new();
        for a in factledger::desk::authorise::authors(ledger)? {
            if a.revoked_at.is_some() {
                continue;
            }
            // A key that cannot be read is not a reason to fail here: naming the author
            // explicitly reports it.
            if let Ok(Some(key)) = keys.load(&a.name) {
                if factledger::model::event::hex(&key.verifying_key().to_bytes()) == a.public_key {
                    holders.push(a.name);
                }
            }
        }
        Ok(holders)
    }

    /// The stamp for `author`: trimmed and checked, `FACTLEDGER_NOW` (RFC 3339) or the clock, and
    /// the author's key from the key directory when there is one.
    pub fn stamp_as(&self, author: String) -> Result<factledger::ledger::Stamp, CliError> {
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

/// The commands that use no ledger (`--ledger` is not offered to them, and refused).
const WITHOUT_LEDGER: [&[&str]; 5] = [
    &["verify-proof"],
    &["demo"],
    &["key"],
    &["key", "generate"],
    &["key", "list"],
];

/// The command line's definition: the derived one, with `--ledger` and `--store` hidden from the
/// commands that use no ledger.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    // A global option reaches a subcommand when the command is built, unless the subcommand
    // already has an argument of that id: give those commands a hidden copy.
    // `--store` names a ledger too (in PostgreSQL): hidden from them the same way.
    for id in ["ledger", "store"] {
        let arg = cmd
            .get_arguments()
            .find(|a| a.get_id() == id)
            .expect("--ledger and --store are defined")
            .clone()
            .hide(true);
        for path in WITHOUT_LEDGER {
            cmd = with_hidden(cmd, path, &arg);
        }
    }
    cmd
}

fn with_hidden(cmd: clap::Command, path: &[&str], arg: &clap::Arg) -> clap::Command {
    match path {
        [] => cmd.arg(arg.clone()),
        [first, rest @ ..] => cmd.mut_subcommand(*first, |sub| with_hidden(sub, rest, arg)),
    }
}

/// The path of the command run (`key generate`) when it uses no ledger and `--ledger` was given
/// on its command line.
fn ledger_given_needlessly(matches: &clap::ArgMatches) -> Option<String> {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name);
        m = sub;
    }
    let given = m.value_source("ledger") == Some(clap::parser::ValueSource::CommandLine);
    (given && WITHOUT_LEDGER.contains(&path.as_slice())).then(|| path.join(" "))
}

pub fn main() -> ExitCode {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    if let Some(path) = ledger_given_needlessly(&matches) {
        let e = CliError::usage(format!(
            "`factledger {path}` uses no ledger; --ledger is not one of its options"
        ));
        e.print(matches.get_flag("json"));
        return ExitCode::from(e.exit_code());
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
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
        Command::Subject(cmd) => commands::subject::run(&ctx, &cmd),
        Command::Subjects(args) => commands::subjects::run(&ctx, &args),
        Command::Withdraw(args) => commands::withdraw::run(&ctx, &args),
        Command::Source(cmd) => commands::source::run(&ctx, &cmd),
        Command::Review(args) => commands::review::run(&ctx, &args),
        Command::Reviews(args) => commands::reviews::run(&ctx, &args),
        Command::Scale(cmd) => commands::review::run_scale(&ctx, &cmd),
        Command::Config(cmd) => commands::config::run(&ctx, &cmd),
        #[cfg(feature = "server")]
        Command::Serve(args) => commands::serve::run(&ctx, &args),
        Command::User(cmd) => commands::user::run(&ctx, &cmd),
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

    /// Every command and subcommand, with its path (`add claim`).
    fn commands(cmd: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let p = format!("{path} {}", sub.get_name()).trim().to_string();
            out.push((p.clone(), sub.clone()));
            commands(sub, p, out);
        }
    }

    #[test]
    fn every_command_has_an_example_and_every_option_a_description() {
        let mut cmd = command();
        cmd.build();
        let mut all = Vec::new();
        commands(&cmd, String::new(), &mut all);
        let mut missing = Vec::new();
        for (path, sub) in &all {
            let leaf = sub.get_subcommands().next().is_none();
            let example = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            if leaf && !example.contains(&format!("factledger {path}")) {
                missing.push(format!("{path}: no example"));
            }
            for arg in sub.get_arguments() {
                if arg.get_help().is_none() && !arg.is_hide_set() {
                    missing.push(format!("{path}: --{} has no description", arg.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }
}
