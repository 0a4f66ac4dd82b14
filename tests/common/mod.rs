//! Shared helpers for the integration tests: the hermetic environment every run of the binary
//! gets ([`TestEnv`], `env.rs`), the same for tests that manage their own ledger paths ([`cmd`],
//! [`run`], [`ok`]), a seeded RNG, classifying how a process ended (docs/reliability.md), and
//! reaching below the binary into a ledger's store.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

mod env;
pub mod reporting;

pub use env::*;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The UN-votes fixtures directory.
pub fn fixtures() -> PathBuf {
    root().join("fixtures").join("un-votes")
}

/// A format fixture's directory (fixtures/format-v1, format-v2).
pub fn format_fixture(format: &str) -> PathBuf {
    root().join("fixtures").join(format)
}

/// A format fixture's `expected.json`: the clock, author, events and hashes it was made with.
pub fn format_expected(format: &str) -> serde_json::Value {
    json(&fs::read_to_string(format_fixture(format).join("expected.json")).unwrap())
}

/// Runs on `ledger` with the clock and author a format fixture was made with.
pub fn pinned<S: AsRef<std::ffi::OsStr>>(
    e: &serde_json::Value,
    ledger: &Path,
    args: &[S],
) -> Output {
    cmd(ledger)
        .env("FACTLEDGER_NOW", e["now"].as_str().unwrap())
        .env("FACTLEDGER_AUTHOR", e["author"].as_str().unwrap())
        .args(args)
        .output()
        .unwrap()
}

/// A command on `ledger` in the hermetic environment, with `HOME` and `TMPDIR` the directory
/// holding the ledger (the test's temporary directory).
pub fn cmd(ledger: &Path) -> Command {
    let dir = ledger.parent().expect("a ledger inside a directory");
    let mut c = hermetic(dir, dir);
    c.arg("--ledger").arg(ledger);
    c
}

/// [`cmd`] without `--ledger`, for the commands that use no ledger (`verify-proof`, `key`).
pub fn cmd_without_ledger(ledger: &Path) -> Command {
    let dir = ledger.parent().expect("a ledger inside a directory");
    hermetic(dir, dir)
}

/// Runs `factledger --ledger LEDGER ARGS...` to completion.
pub fn run(ledger: &Path, args: &[&str]) -> Output {
    cmd(ledger).args(args).output().expect("spawn factledger")
}

/// Runs and insists on exit 0, returning stdout.
pub fn ok(ledger: &Path, args: &[&str]) -> String {
    let out = run(ledger, args);
    assert!(
        out.status.success(),
        "factledger {args:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// The arguments of `add claim ID` citing `source`, with predicate `note`.
pub fn add_claim_args(id: &str, source: &str, subject: &str, value: &str) -> Vec<String> {
    [
        "add",
        "claim",
        "--id",
        id,
        "--source",
        source,
        "--subject",
        subject,
        "--predicate",
        "note",
        "--value",
        value,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Creates an empty ledger at `ledger`.
pub fn init(ledger: &Path) {
    ok(ledger, &["init"]);
}

/// Creates a ledger at `ledger` and imports the three UN-votes fixture files.
pub fn init_with_fixtures(ledger: &Path) {
    init(ledger);
    for f in ["ledger.jsonl", "provenance.jsonl", "corrections.jsonl"] {
        let path = fixtures().join(f);
        ok(ledger, &["import", path.to_str().unwrap()]);
    }
}

/// Parses one JSON line.
pub fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(line.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// `verify --json` on a ledger expected to be sound: (head seq, head hash).
pub fn verified_head(ledger: &Path) -> (u64, String) {
    let v = json(&ok(ledger, &["--json", "verify"]));
    assert_eq!(v["ok"], true, "verify: {v}");
    (
        v["head"]["seq"].as_u64().unwrap(),
        v["head"]["hash"].as_str().unwrap().to_string(),
    )
}

/// `log --json` of a ledger expected to be readable, one JSON object per event.
pub fn log(ledger: &Path) -> Vec<serde_json::Value> {
    ok(ledger, &["--json", "log"]).lines().map(json).collect()
}

/// Copies a directory tree (regular files and directories only).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let ft = entry.file_type().unwrap();
        let dest = to.join(entry.file_name());
        if ft.is_dir() {
            copy_dir(&entry.path(), &dest);
        } else if ft.is_file() {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every regular file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let ft = entry.file_type().unwrap();
            if ft.is_dir() {
                stack.push(entry.path());
            } else if ft.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// xorshift64*: a tiny seeded RNG so every run is reproducible from its printed seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.below(denominator) < numerator
    }
}

/// The seed for a test: `FACTLEDGER_TEST_SEED` when set (to replay a failure), else `default`.
pub fn seed(default: u64) -> u64 {
    match std::env::var("FACTLEDGER_TEST_SEED") {
        Ok(s) => s.trim().parse().expect("FACTLEDGER_TEST_SEED is a number"),
        Err(_) => default,
    }
}

/// How a process ended, as the reliability promises care about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Exit 0.
    Success,
    /// Non-zero exit with a message whose first line starts with `error:`.
    CleanError { code: i32, first_line: String },
    /// Anything else: a panic, a signal (abort, segfault), an exit without a proper message, or
    /// a hang killed by the timeout.
    Bad(String),
}

/// Classifies an ended process from its status and stderr.
pub fn ending(status: ExitStatus, stderr: &[u8]) -> Ending {
    let err = String::from_utf8_lossy(stderr);
    if err.contains("panicked at") {
        return Ending::Bad(format!("panic ({status}): {}", err.trim()));
    }
    match status.code() {
        None => Ending::Bad(format!("killed by a signal ({status}): {}", err.trim())),
        Some(0) => Ending::Success,
        Some(code) => {
            let first = err.lines().next().unwrap_or("").to_string();
            if first.starts_with("error:") {
                Ending::CleanError {
                    code,
                    first_line: first,
                }
            } else {
                Ending::Bad(format!(
                    "exit {code} without an 'error:' message: {}",
                    err.trim()
                ))
            }
        }
    }
}

/// Runs a command with a time limit; a hang is killed and reported as `None`.
pub fn output_with_timeout(mut c: Command, limit: Duration) -> Option<Output> {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn factledger");
    // Drain the pipes in threads so a chatty child cannot block on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = t_out.join().unwrap();
    let stderr = t_err.join().unwrap();
    status.map(|status| Output {
        status,
        stdout,
        stderr,
    })
}

/// Kills a child (SIGKILL on Unix) if it is still running and reaps it.
pub fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// sled 0.34 can keep its flock on `store/db` for a few milliseconds after the last handle is
/// dropped (a thread-pool job still owns the file). Wait until it is really released, so the
/// binary run next does not fail with "could not acquire lock".
pub fn wait_for_sled_release(ledger: &Path) {
    let db = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(ledger.join("store/db"))
        .unwrap();
    let start = Instant::now();
    while db.try_lock().is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "sled never let go"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Opens the ledger's store (no Ledger: no checks, no projection catch-up; it takes the ledger's
/// lock) and runs `f` on it, typically with the store's tamper hooks; then makes the changes
/// durable and lets go of the store before the binary runs again.
pub fn with_store<R>(ledger: &Path, f: impl FnOnce(&factledger::store::Store) -> R) -> R {
    let store = factledger::store::Store::open(ledger, None).unwrap();
    let r = f(&store);
    store.tamper_flush().unwrap();
    drop(store);
    wait_for_sled_release(ledger);
    r
}

/// Opens the ledger's sled database directly (no lock, no conversion) and runs `f` on it, for
/// what the store's hooks do not reach (trees `texts`, `meta`, raw blocks).
pub fn with_sled<R>(ledger: &Path, f: impl FnOnce(&sled::Db) -> R) -> R {
    let db = factledger::store::sled_config(&ledger.join("store"))
        .open()
        .unwrap();
    let r = f(&db);
    db.flush().unwrap();
    drop(db);
    wait_for_sled_release(ledger);
    r
}
