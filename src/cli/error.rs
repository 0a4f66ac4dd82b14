//! The CLI's one error type, and the one place that turns a library error into an exit code, a
//! hint and output (jj's `cli/src/command_error.rs` is the model).
//!
//! Library errors are typed per module ([`LedgerError`], [`StoreError`], [`KeyError`],
//! [`DeskError`], the use cases' own enums). Each `From` impl here picks the [`ErrorKind`] and
//! the hint by the error's TYPE and variant, never by its message text. Commands return
//! `Result<(), CliError>` and never print an error; [`CliError::print`], called from `main`
//! only, writes it.
//!
//! Exit codes (a public contract, `docs/cli.md`): 0 success (and a closed stdout); 1 a check
//! found a problem or the ledger is damaged; 2 bad input or usage; 3 the ledger or the machine
//! could not be used (in use, I/O).

use factledger::desk::extract::ExtractError;
use factledger::desk::DeskError;
use factledger::integrity::signing::{AuthorityError, KeyError, NotAuthorisedReason};
use factledger::store::StoreError;
use factledger::LedgerError;
use std::fmt;
use std::io::Write;

/// What kind of failure an error is; the kind alone fixes the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Integrity: a check found a problem, or the ledger is damaged. Exit 1.
    Check,
    /// User: bad input or usage, for the user to fix. Exit 2.
    Usage,
    /// Unavailable: the ledger is in use, or the machine failed (I/O, a full disk). Exit 3.
    Unavailable,
    /// Interrupted (Ctrl-C) before anything was written. Exit 130, as a shell reports SIGINT.
    Interrupted,
    /// Standard output was closed by its reader (`factledger log | head`): not a failure. The
    /// command stops, nothing is printed, and the exit is 0, as for `cat` or `rg`.
    BrokenPipe,
}

impl ErrorKind {
    /// The process exit code for this kind.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::BrokenPipe => 0,
            ErrorKind::Check => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Unavailable => 3,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// An error at the CLI edge: a message, a kind that fixes the exit code, an optional hint, and
/// what `--json` prints for it.
#[derive(Debug)]
pub struct CliError {
    /// Fixes the exit code.
    pub kind: ErrorKind,
    /// `error: MESSAGE` on stderr.
    pub message: String,
    /// `hint: HINT` on stderr, and the `hint` field of the generic JSON failure body.
    pub hint: Option<String>,
    /// Extra lines printed before the message (e.g. located import problems).
    pub details: Vec<String>,
    /// With `--json`: the failure's structured report (verify's problem, an import's located
    /// problems), printed on stdout by the one printer instead of the generic error object.
    pub json: Option<serde_json::Value>,
}

impl CliError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> CliError {
        CliError {
            kind,
            message: message.into(),
            hint: None,
            details: Vec::new(),
            json: None,
        }
    }

    /// Bad input or usage (exit 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(ErrorKind::Usage, message)
    }

    /// A check found a problem, or the ledger is damaged (exit 1).
    pub fn check(message: impl Into<String>) -> CliError {
        CliError::new(ErrorKind::Check, message)
    }

    /// The ledger or the machine could not be used (exit 3).
    pub fn unavailable(message: impl Into<String>) -> CliError {
        CliError::new(ErrorKind::Unavailable, message)
    }

    /// Interrupted by Ctrl-C: exit 130.
    pub fn interrupted(message: impl Into<String>) -> CliError {
        CliError::new(ErrorKind::Interrupted, message)
    }

    /// Standard output was closed: stop quietly, exit 0.
    pub fn broken_pipe() -> CliError {
        CliError::new(ErrorKind::BrokenPipe, "standard output was closed")
    }

    /// Attaches the structured report `--json` prints for this failure.
    pub fn with_json(mut self, report: serde_json::Value) -> CliError {
        self.json = Some(report);
        self
    }

    /// Attaches a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches lines printed before the message.
    pub fn with_details(mut self, details: Vec<String>) -> CliError {
        self.details = details;
        self
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }

    /// Prints the error, the ONE place errors are printed: on stderr the details, `error:
    /// MESSAGE` and `hint: HINT`; with `--json` also on stdout the structured report (or a generic
    /// `{"ok": false, "error", "hint", "exit_code"}` body). A closed stdout prints nothing.
    /// Messages quote file content (an import line, a bundle's line type, a proof's claim id),
    /// so every stderr line is escaped for the terminal: one hostile value cannot fake a success
    /// or a second line.
    pub fn print(&self, json: bool) {
        if self.kind == ErrorKind::BrokenPipe {
            return;
        }
        use factledger::terminal::esc;
        {
            let mut err = std::io::stderr().lock();
            for d in &self.details {
                let _ = writeln!(err, "{}", esc(d));
            }
            let _ = writeln!(err, "error: {}", esc(&self.message));
            if let Some(h) = &self.hint {
                let _ = writeln!(err, "hint: {}", esc(h));
            }
        }
        if json {
            let report = self.json.clone().unwrap_or_else(|| {
                serde_json::json!({
                    "ok": false,
                    "error": self.message,
                    "hint": self.hint,
                    "exit_code": self.exit_code(),
                })
            });
            let _ = writeln!(std::io::stdout(), "{report}");
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The kind of a ledger error, by variant.
fn ledger_kind(e: &LedgerError) -> ErrorKind {
    match e {
        LedgerError::Store(
            StoreError::InUse(_) | StoreError::Io { .. } | StoreError::Sled { .. },
        ) => ErrorKind::Unavailable,
        e if e.is_caller_error() => ErrorKind::Usage,
        e if e.is_integrity() => ErrorKind::Check,
        _ => ErrorKind::Unavailable,
    }
}

/// The hint for a ledger error, by variant.
fn ledger_hint(e: &LedgerError) -> Option<String> {
    match e {
        LedgerError::Store(StoreError::Missing(dir))
            if dir.to_string_lossy().starts_with("postgres") =>
        {
            Some(
                "create it with `factledger init --store URL` (the schema is named by ?schema=NAME), or point --store / FACTLEDGER_STORE at an existing one"
                    .into(),
            )
        }
        LedgerError::Store(StoreError::HeadMoved { .. }) => Some(
            "other writers appended to the same store without pause; run the command again".into(),
        ),
        LedgerError::Store(StoreError::Missing(dir)) => Some(format!(
            "create one with `factledger init --ledger {}`, or point --ledger / FACTLEDGER_DIR at an existing ledger",
            dir.display()
        )),
        LedgerError::Store(StoreError::InUse(_)) => {
            Some("wait for the other command to finish, or pass --wait SECONDS".into())
        }
        LedgerError::Authority(AuthorityError::NotAuthorised {
            reason: NotAuthorisedReason::NotSelfAuthorised { .. },
            ..
        }) => Some(
            "the ledger is unsigned; the author who makes it signed must authorise themselves: \
             run `factledger authors add NAME PUBKEY` as NAME (--author NAME), with NAME's key in the key directory"
                .into(),
        ),
        LedgerError::Authority(_) => Some(
            "this ledger is signed: the author (--author / FACTLEDGER_AUTHOR) needs a key in the key directory \
             (`factledger key generate --name NAME`) that an authorised author has added (`factledger authors add NAME PUBKEY`)"
                .into(),
        ),
        _ => None,
    }
}

impl From<LedgerError> for CliError {
    fn from(e: LedgerError) -> CliError {
        CliError {
            hint: ledger_hint(&e),
            ..CliError::new(ledger_kind(&e), e.to_string())
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        LedgerError::Store(e).into()
    }
}

impl From<DeskError> for CliError {
    /// The ledger's own errors map as above; a request naming what the ledger does not hold is
    /// bad input (exit 2).
    fn from(e: DeskError) -> CliError {
        match e {
            DeskError::Ledger(e) => CliError::from(e),
            e @ (DeskError::NoSuchId { .. }
            | DeskError::NoSuchSeq { .. }
            | DeskError::NoSuchSubject { .. }
            | DeskError::NotYetRecorded { .. }
            | DeskError::AsOfPastHead { .. }
            | DeskError::BadAsOf { .. }
            | DeskError::NoSuchSetting { .. }) => CliError::usage(e.to_string()),
        }
    }
}

impl From<ExtractError> for CliError {
    /// A text that is not UTF-8, a bad option, a source the ledger does not hold or that has no
    /// text is bad input (exit 2); the ledger's own failures map as above.
    fn from(e: ExtractError) -> CliError {
        let hint = match &e {
            ExtractError::UnknownSource { .. } => Some(
                "register the source first (`factledger add source` or import), or give the article file: `factledger extract ARTICLE --source ID`".to_string(),
            ),
            ExtractError::NoText { id } => Some(format!(
                "give the article file instead: `factledger extract ARTICLE --source {id}`"
            )),
            _ => None,
        };
        match e {
            ExtractError::Ledger(e) => CliError::from(e),
            e @ (ExtractError::NotUtf8 { .. }
            | ExtractError::BadSourceId(_)
            | ExtractError::BadPublished(_)
            | ExtractError::UnknownSource { .. }
            | ExtractError::NoText { .. }) => CliError {
                hint,
                ..CliError::usage(e.to_string())
            },
        }
    }
}

impl From<KeyError> for CliError {
    /// Key-file I/O failures exit 3; a key in the way, a secret others can read, a file that is
    /// not a key, a bad name exit 2.
    fn from(e: KeyError) -> CliError {
        let kind = match e {
            KeyError::Io { .. } | KeyError::NoRandomness(_) => ErrorKind::Unavailable,
            KeyError::Exists { .. }
            | KeyError::Exposed { .. }
            | KeyError::NotAKey { .. }
            | KeyError::BadName(_) => ErrorKind::Usage,
        };
        CliError::new(kind, e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    /// An I/O failure is the machine's (exit 3), except a closed stdout, which is a clean end.
    fn from(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return CliError::broken_pipe();
        }
        CliError::unavailable(format!("I/O error: {e}"))
    }
}

impl From<serde_json::Error> for CliError {
    /// A result that does not serialise is a bug, not the user's: exit 3 as an internal failure.
    fn from(e: serde_json::Error) -> CliError {
        CliError::unavailable(format!("cannot write JSON: {e}"))
    }
}

impl From<factledger::desk::users::UserError> for CliError {
    fn from(e: factledger::desk::users::UserError) -> CliError {
        use factledger::desk::users::UserError;
        match e {
            UserError::Ledger(e) => e.into(),
            e @ UserError::Damaged { .. } => CliError::check(e.to_string()),
            e => CliError::usage(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn exit_codes_follow_the_kind() {
        assert_eq!(CliError::check("x").exit_code(), 1);
        assert_eq!(CliError::usage("x").exit_code(), 2);
        assert_eq!(CliError::unavailable("x").exit_code(), 3);
        assert_eq!(CliError::broken_pipe().exit_code(), 0);
    }

    #[test]
    fn a_closed_pipe_is_its_own_kind_not_an_io_failure() {
        let e = CliError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert_eq!(e.kind, ErrorKind::BrokenPipe);
        let e = CliError::from(std::io::Error::other("disk full"));
        assert_eq!(e.kind, ErrorKind::Unavailable);
    }

    #[test]
    fn key_file_io_exits_3_and_key_problems_exit_2() {
        let io = KeyError::Io {
            action: "read",
            path: PathBuf::from("k.secret"),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(CliError::from(io).exit_code(), 3);
        let not_a_key = KeyError::NotAKey {
            path: PathBuf::from("k.secret"),
        };
        assert_eq!(CliError::from(not_a_key).exit_code(), 2);
    }

    #[test]
    fn ledger_errors_map_by_variant() {
        let missing = CliError::from(LedgerError::Store(StoreError::Missing("l".into())));
        assert_eq!(missing.exit_code(), 2);
        assert!(missing.hint.is_some_and(|h| h.contains("factledger init")));
        let busy = CliError::from(LedgerError::Store(StoreError::InUse("l".into())));
        assert_eq!(busy.exit_code(), 3);
        assert!(busy.hint.is_some_and(|h| h.contains("--wait")));
        let damaged = CliError::from(LedgerError::Store(StoreError::Corrupt("x".into())));
        assert_eq!(damaged.exit_code(), 1);
        assert_eq!(CliError::from(LedgerError::ProjectionBehind).exit_code(), 2);
    }

    #[test]
    fn the_authority_hint_is_chosen_by_the_reason_not_the_message() {
        let refused = |reason| {
            CliError::from(LedgerError::Authority(AuthorityError::NotAuthorised {
                seq: 3,
                author: "ana".into(),
                reason,
            }))
        };
        let first = refused(NotAuthorisedReason::NotSelfAuthorised { name: "ana".into() });
        assert_eq!(first.exit_code(), 2);
        assert!(first
            .hint
            .as_deref()
            .is_some_and(|h| h.starts_with("the ledger is unsigned")));
        let unknown = refused(NotAuthorisedReason::Unknown);
        assert!(unknown
            .hint
            .as_deref()
            .is_some_and(|h| h.starts_with("this ledger is signed")));
    }
}
