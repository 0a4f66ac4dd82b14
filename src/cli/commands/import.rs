//! `factledger import FILE|-`: append a JSON Lines file, all or nothing.

use crate::cli::{out_json, CliError, Context, ErrorKind};
use factledger::event::hex;
use factledger::import::{parse_input, plan, Problem, Record, MAX_REPORTED_PROBLEMS};
use factledger::Ledger;
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Import a JSON Lines file (see docs/import-format.md). Every line is checked first; on any
/// problem nothing is appended and every problem is printed as FILE:LINE: message.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to import, or - for standard input.
    #[arg(value_name = "FILE|-", required_unless_present = "bundle")]
    pub file: Option<PathBuf>,
    /// Restore an exported bundle into an empty ledger (verified first; same hashes, same root).
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub bundle: Option<PathBuf>,
}

/// What an append did, for output.
pub struct Applied {
    pub appended: Vec<factledger::event::Event>,
    pub unchanged: usize,
    /// Set only under fault injection: the append is not yet durable.
    pub needs_sync: bool,
}

/// Turns located problems into one CLI error (printed as `LABEL:LINE: message`, capped).
pub fn refuse(ctx: &Context, label: &str, problems: Vec<Problem>) -> CliError {
    let total = problems.len();
    let mut details: Vec<String> = problems
        .iter()
        .take(MAX_REPORTED_PROBLEMS)
        .map(|p| {
            if p.line == 0 {
                format!("{label}: {}", p.message)
            } else {
                format!("{label}:{}: {}", p.line, p.message)
            }
        })
        .collect();
    if total > MAX_REPORTED_PROBLEMS {
        details.push(format!(
            "... and {} more problems",
            total - MAX_REPORTED_PROBLEMS
        ));
    }
    let message = format!(
        "{label}: {total} problem{} found; nothing was appended",
        if total == 1 { "" } else { "s" }
    );
    if ctx.json() {
        let list: Vec<_> = problems
            .iter()
            .take(MAX_REPORTED_PROBLEMS)
            .map(|p| json!({"file": label, "line": p.line, "message": p.message}))
            .collect();
        let _ = out_json(
            &json!({"ok": false, "error": message, "problems": list, "problem_count": total, "exit_code": 2}),
        );
    }
    CliError {
        kind: ErrorKind::Usage,
        message,
        hint: None,
        details,
        reported: false,
    }
    .json_reported(ctx.json())
}

impl CliError {
    fn json_reported(mut self, json: bool) -> CliError {
        if json {
            // The JSON object is already on stdout; keep the human lines on stderr (escaped).
            self.eprint();
            self.reported = true;
        }
        self
    }
}

/// Plans and appends records; refuses with located problems. Shared by `import`, `add`, `retract`.
pub fn apply(
    ctx: &Context,
    ledger: &mut Ledger,
    label: &str,
    records: Vec<(usize, Record)>,
) -> Result<Applied, CliError> {
    let plan = match plan(ledger, records)? {
        Ok(p) => p,
        Err(problems) => return Err(refuse(ctx, label, problems)),
    };
    let stamp = ctx.stamp()?;
    let unchanged = plan.unchanged.len();
    let drafts = plan.appends.into_iter().map(|(_, d)| d).collect();
    // Fault injection for the crash tests' negative control only: append without syncing, so
    // that `report` acknowledges before the data is durable. Never set this in real use.
    // Only in builds with the `testing` feature (the tests' build).
    let fault =
        cfg!(feature = "testing") && std::env::var_os("FACTLEDGER_FAULT_ACK_BEFORE_SYNC").is_some();
    let appended = if fault {
        ledger.append_unsynced(drafts, &stamp)?
    } else {
        ledger.append(drafts, &stamp)?
    };
    Ok(Applied {
        appended,
        unchanged,
        needs_sync: fault,
    })
}

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<(), CliError> {
    if let Some(bundle) = &args.bundle {
        return import_bundle(ctx, bundle);
    }
    let file = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let (label, input, base) = read_input(&file)?;
    let mut ledger = ctx.open()?;
    let lines = input.iter().filter(|&&b| b == b'\n').count() as u64;
    let bar = ctx.progress(lines, "check");
    bar.set_position(0);
    let (records, problems) = parse_input(&input, &base);
    bar.set_position(lines);
    bar.set_message("append");
    bar.tick();
    if !problems.is_empty() {
        return Err(refuse(ctx, &label, problems));
    }
    let applied = apply(ctx, &mut ledger, &label, records);
    bar.finish_and_clear();
    report(ctx, &mut ledger, &label, &applied?)
}

/// Prints what an import did.
pub fn report(
    ctx: &Context,
    ledger: &mut Ledger,
    label: &str,
    applied: &Applied,
) -> Result<(), CliError> {
    let head = ledger.head();
    if ctx.json() {
        out_json(&json!({
            "ok": true,
            "file": label,
            "appended": applied.appended.len(),
            "unchanged": applied.unchanged,
            "first_seq": applied.appended.first().map(|e| e.seq),
            "last_seq": applied.appended.last().map(|e| e.seq),
            "head": {"seq": head.seq, "hash": hex(&head.hash)},
        }))?;
    } else {
        out!(
            "{label}: {} appended, {} unchanged; head is seq {} ({})",
            applied.appended.len(),
            applied.unchanged,
            head.seq,
            &hex(&head.hash)[..16]
        )?;
    }
    if applied.needs_sync {
        // Fault injection: the acknowledgement above came before the data was durable.
        crate::cli::flush_out()?;
        std::thread::sleep(std::time::Duration::from_millis(300));
        ledger.sync()?;
    }
    Ok(())
}

/// Reads the whole input; `-` is standard input. Returns (label, bytes, base directory).
pub fn read_input(path: &Path) -> Result<(String, Vec<u8>, PathBuf), CliError> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::usage(format!("reading standard input: {e}")))?;
        return Ok(("<stdin>".into(), buf, PathBuf::from(".")));
    }
    let label = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read {label}: {e}")))?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    Ok((label, bytes, base))
}

fn import_bundle(ctx: &Context, path: &Path) -> Result<(), CliError> {
    let (label, input, _) = read_input(path)?;
    let mut ledger = ctx.open()?;
    let verified = match factledger::bundle::verify(&input)? {
        Ok(v) => v,
        Err(p) => {
            let seq = p.seq.map(|s| format!(" (seq {s})")).unwrap_or_default();
            return Err(CliError::usage(format!(
                "{label}:{}{seq}: {}; nothing was imported",
                p.line, p.message
            )));
        }
    };
    let root = verified.checkpoint.root;
    let n = factledger::bundle::import(&mut ledger, verified)?;
    let head = ledger.head();
    if ctx.json() {
        out_json(
            &json!({"ok": true, "file": label, "appended": n, "head": {"seq": head.seq, "hash": hex(&head.hash)}, "root": hex(&root)}),
        )
    } else {
        out!(
            "{label}: restored {n} events; head is seq {} ({}), Merkle root {}",
            head.seq,
            &hex(&head.hash)[..16],
            hex(&root)
        )
    }
}
