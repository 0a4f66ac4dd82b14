//! What the write commands share at the CLI edge: reading the input they append (a file, or
//! standard input for `-`), resolving how durable the append must be, printing what an append
//! did, and turning a refused write into a [`CliError`] with its located problems.

use crate::cli::render::print_json;
use crate::cli::{flush_out, CliError, Context};
use factledger::desk::authorise::AuthoriseError;
use factledger::desk::checkpoint::CheckpointError;
use factledger::desk::import::AppendReport;
use factledger::desk::import::{Durability, ImportError, RestoreError};
use factledger::intake::import::{Problem, MAX_REPORTED_PROBLEMS};
use factledger::integrity::checkpoint::TreeError;
use factledger::terminal::esc;
use factledger::Ledger;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// An input read whole: its label for messages, its bytes, and the directory its relative
/// paths (`text_file`) resolve against.
pub struct Input {
    /// The file name as given, or `<stdin>`.
    pub label: String,
    /// The whole content.
    pub bytes: Vec<u8>,
    /// The file's directory; `.` for standard input.
    pub base: PathBuf,
}

/// Reads the whole input; `-` is standard input.
pub fn read_input(path: &Path) -> Result<Input, CliError> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::usage(format!("reading standard input: {e}")))?;
        return Ok(Input {
            label: "<stdin>".into(),
            bytes,
            base: PathBuf::from("."),
        });
    }
    let label = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read {label}: {e}")))?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(Input { label, bytes, base })
}

/// How appends reach the disk. `FACTLEDGER_FAULT_ACK_BEFORE_SYNC` is for the crash tests'
/// negative control only: the command acknowledges before the data is durable. Never set it in
/// real use; it only exists in builds with the `testing` feature (the tests' build).
pub fn durability() -> Durability {
    if cfg!(feature = "testing") && std::env::var_os("FACTLEDGER_FAULT_ACK_BEFORE_SYNC").is_some() {
        Durability::Unsynced
    } else {
        Durability::Synced
    }
}

/// Prints what an append did: `import`, `add`, `retract` and `authors add|revoke` all end here.
/// Under fault injection the acknowledgement comes first and the sync after it.
pub fn print_append(
    ctx: &Context,
    ledger: &mut Ledger,
    report: &AppendReport,
) -> Result<(), CliError> {
    if ctx.json() {
        print_json(report)?;
    } else {
        print_append_text(report)?;
    }
    finish_append(ledger, report)
}

/// The text summary of an append: `LABEL: N appended, M unchanged; head is seq S (HASH)`, and
/// the predicates new to the ledger.
pub fn print_append_text(report: &AppendReport) -> Result<(), CliError> {
    out!(
        "{}: {} appended, {} unchanged; head is seq {} ({})",
        esc(&report.file),
        report.appended,
        report.unchanged,
        report.head.seq,
        &report.head.hash[..16]
    )?;
    if !report.new_predicates.is_empty() {
        let names: Vec<String> = report
            .new_predicates
            .iter()
            .map(|p| format!("'{}'", esc(p)))
            .collect();
        out!("new predicates in this ledger: {}", names.join(", "))?;
    }
    Ok(())
}

/// After the acknowledgement: under fault injection (an unsynced append), the sync.
pub fn finish_append(ledger: &mut Ledger, report: &AppendReport) -> Result<(), CliError> {
    if report.needs_sync {
        flush_out()?;
        std::thread::sleep(std::time::Duration::from_millis(300));
        ledger.sync()?;
    }
    Ok(())
}

/// The JSON body of a refused import (`docs/cli.md`; fields alphabetical).
#[derive(Serialize)]
struct Refusal<'a> {
    error: String,
    exit_code: u8,
    ok: bool,
    problem_count: usize,
    problems: Vec<LocatedProblem<'a>>,
}

/// One problem of a refused import, as the JSON body lists it; `line` is absent for a problem
/// not tied to a line (one record given as arguments), never 0.
#[derive(Serialize)]
struct LocatedProblem<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    message: &'a str,
}

/// Turns a refused write into one CLI error; a refused import carries its JSON body (its located
/// problems, capped), which `main` prints on stdout with `--json`.
pub fn refused(e: ImportError) -> CliError {
    let body = match &e {
        ImportError::Refused { label, problems } => serde_json::to_value(Refusal {
            error: e.to_string(),
            // A refusal is bad input: exit 2, as `CliError::from` maps it below.
            exit_code: 2,
            ok: false,
            problem_count: problems.len(),
            problems: problems
                .iter()
                .take(MAX_REPORTED_PROBLEMS)
                .map(|p| LocatedProblem {
                    file: label,
                    line: (p.line > 0).then_some(p.line),
                    message: &p.message,
                })
                .collect(),
        }),
        _ => return CliError::from(e),
    };
    match body {
        Ok(body) => CliError::from(e).with_json(body),
        Err(bug) => bug.into(),
    }
}

/// `LABEL:LINE: message`, or `LABEL: message` for a problem not tied to a line.
fn located(label: &str, p: &Problem) -> String {
    if p.line == 0 {
        format!("{label}: {}", p.message)
    } else {
        format!("{label}:{}: {}", p.line, p.message)
    }
}

impl From<ImportError> for CliError {
    /// Each located problem becomes a `LABEL:LINE: message` line (capped) before the message.
    fn from(e: ImportError) -> CliError {
        let details = match &e {
            ImportError::Ledger(_) => Vec::new(),
            ImportError::Invalid { .. } | ImportError::Cancelled { .. } => Vec::new(),
            ImportError::Refused { label, problems } => {
                let mut details: Vec<String> = problems
                    .iter()
                    .take(MAX_REPORTED_PROBLEMS)
                    .map(|p| located(label, p))
                    .collect();
                if problems.len() > MAX_REPORTED_PROBLEMS {
                    details.push(format!(
                        "... and {} more problems",
                        problems.len() - MAX_REPORTED_PROBLEMS
                    ));
                }
                details
            }
        };
        match e {
            ImportError::Ledger(e) => e.into(),
            e @ ImportError::Cancelled { .. } => CliError::interrupted(e.to_string()),
            e => CliError::usage(e.to_string()).with_details(details),
        }
    }
}

impl From<RestoreError> for CliError {
    fn from(e: RestoreError) -> CliError {
        match e {
            RestoreError::Ledger(e) => e.into(),
            RestoreError::Bundle { .. } | RestoreError::Refused(_) => {
                CliError::usage(e.to_string())
            }
        }
    }
}

impl From<AuthoriseError> for CliError {
    fn from(e: AuthoriseError) -> CliError {
        match e {
            AuthoriseError::Ledger(e) => e.into(),
            _ => CliError::usage(e.to_string()),
        }
    }
}

/// The verifier's clock: `FACTLEDGER_NOW` (RFC 3339) when set, else the system clock, in
/// microseconds since the epoch. Checkpoints dated after it are refused.
pub fn verifier_clock() -> Result<i64, CliError> {
    match std::env::var("FACTLEDGER_NOW") {
        Ok(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.timestamp_micros())
            .map_err(|e| {
                CliError::usage(format!("FACTLEDGER_NOW='{s}' is not an RFC 3339 time: {e}"))
            }),
        Err(_) => Ok(chrono::Utc::now().timestamp_micros()),
    }
}

/// Reads `--key`: 64 hex digits, else a usage error.
pub fn trusted_key(key: &str) -> Result<factledger::model::event::PublicKey, CliError> {
    factledger::model::event::parse_hash(key.trim())
        .ok_or_else(|| CliError::usage(format!("--key '{key}' is not 64 hex digits")))
}

/// Reads a file named on the command line whole, as text: unreadable is bad input (exit 2).
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))
}

/// A refused checkpoint (`checkpoint`, and the one `evidence` and `export` end with): a missing
/// key names the key directory it was looked for in.
pub fn checkpoint_refused(ctx: &Context, e: CheckpointError) -> CliError {
    match e {
        CheckpointError::Ledger(e) | CheckpointError::Tree(TreeError::Ledger(e)) => e.into(),
        e @ CheckpointError::NoKey { .. } => {
            let dir = ctx
                .key_dir()
                .map(|k| k.path().display().to_string())
                .unwrap_or_else(|e| e.message);
            CliError::usage(format!("{e} in {dir}"))
        }
        e => CliError::usage(e.to_string()),
    }
}
