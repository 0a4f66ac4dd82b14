//! The one hermetic environment every test runs the binary in, after jj's `TestEnvironment`.
//!
//! A run sees exactly: a cleared environment, `HOME` and `TMPDIR` inside the test's temporary
//! directory, the fixed clock [`NOW`] (`FACTLEDGER_NOW`), the fixed author [`AUTHOR`]
//! (`FACTLEDGER_AUTHOR`, unless a test asks for none), `RUST_BACKTRACE=0`, standard input
//! closed, plus whatever a test sets on purpose. Nothing the developer has set (a
//! `FACTLEDGER_DIR`, `FACTLEDGER_KEYS`, a fault switch, a locale) can leak into a test, and every
//! hash a test computes is the same on every machine.

use assert_cmd::Command;
use serde_json::Value as Json;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tempfile::TempDir;

/// The fixed clock every test appends with (`FACTLEDGER_NOW`).
pub const NOW: &str = "2025-02-26T12:00:00Z";
/// The fixed author every test appends as (`FACTLEDGER_AUTHOR`).
pub const AUTHOR: &str = "tester";

/// The binary under test: `FACTLEDGER_TEST_BIN` when set (to run the suite against another build,
/// e.g. a release binary, or when several checkouts share one target directory and overwrite
/// `target/debug/factledger`), else the one cargo built for this test.
pub fn bin() -> PathBuf {
    match std::env::var_os("FACTLEDGER_TEST_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_factledger")),
    }
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with the hermetic environment: cleared, `HOME` and `TMPDIR` as given, the fixed
/// clock and author, standard input closed. The one place a test's process environment is made.
pub fn hermetic(home: &Path, tmpdir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.env_clear()
        .env("HOME", home)
        .env("TMPDIR", tmpdir)
        .env("FACTLEDGER_NOW", NOW)
        .env("FACTLEDGER_AUTHOR", AUTHOR)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    c
}

/// What one run printed and how it ended.
#[derive(Debug, Clone)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Runs `c` to completion.
    pub fn of(mut c: Command) -> Out {
        let o = c.output().expect("run factledger");
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Standard output as one JSON value.
    pub fn json(&self) -> Json {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {self:#?}"))
    }

    /// Standard output as one JSON value a line.
    pub fn json_lines(&self) -> Vec<Json> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    // The checks return a copy, so they chain on a temporary (`env.run(..).expect(0).json()`)
    // and on a kept value alike (`out.expect(0);` then `out.stdout`).

    /// Insists on exit code `code`.
    #[track_caller]
    pub fn expect(&self, code: i32) -> Out {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self.clone()
    }

    /// Insists that standard error contains `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> Out {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {self:#?}"
        );
        self.clone()
    }

    /// Insists that standard output contains `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> Out {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}: {self:#?}"
        );
        self.clone()
    }
}

/// A temporary directory holding `home/`, `tmp/` and (once created) the ledger `ledger/`; the
/// binary runs with the working directory the temporary directory.
pub struct TestEnv {
    tmp: TempDir,
    /// Variables set on every run on top of the hermetic ones.
    vars: Vec<(String, Option<PathBuf>)>,
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(tmp.path().join("home")).expect("mkdir home");
        std::fs::create_dir(tmp.path().join("tmp")).expect("mkdir tmp");
        TestEnv {
            tmp,
            vars: Vec::new(),
        }
    }

    /// Sets `name` to `value` on every run (`None`: unset, e.g. no `FACTLEDGER_AUTHOR`).
    pub fn set_var(&mut self, name: &str, value: Option<PathBuf>) {
        self.vars.push((name.to_string(), value));
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// A path inside the temporary directory.
    pub fn p(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    /// The ledger the `ledger_*` and `run*` methods work on.
    pub fn ledger(&self) -> PathBuf {
        self.p("ledger")
    }

    /// The binary in the hermetic environment, run in `cwd`, with no `--ledger`.
    pub fn command_in(&self, cwd: &Path) -> Command {
        let mut std = hermetic(&self.p("home"), &self.p("tmp"));
        std.current_dir(cwd);
        for (name, value) in &self.vars {
            match value {
                Some(v) => std.env(name, v),
                None => std.env_remove(name),
            };
        }
        let mut c = Command::from_std(std);
        c.timeout(Duration::from_secs(60));
        c
    }

    /// The binary in the hermetic environment, run in the temporary directory, no `--ledger`.
    pub fn bare(&self) -> Command {
        self.command_in(self.path())
    }

    /// The binary with `--ledger` pointing at [`TestEnv::ledger`].
    pub fn cmd(&self) -> Command {
        let mut c = self.bare();
        c.arg("--ledger").arg(self.ledger());
        c
    }

    /// Runs `c` to completion.
    pub fn output(c: Command) -> Out {
        Out::of(c)
    }

    /// Runs `factledger --ledger LEDGER ARGS...`.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        let mut c = self.cmd();
        c.args(args);
        Out::of(c)
    }

    /// Runs `factledger --ledger LEDGER ARGS...` with `input` on standard input.
    pub fn run_stdin<S: AsRef<OsStr>>(&self, args: &[S], input: &[u8]) -> Out {
        let mut c = self.cmd();
        c.args(args).write_stdin(input.to_vec());
        Out::of(c)
    }

    /// Creates the ledger.
    pub fn init(&self) {
        self.run(&["init"]).expect(0);
    }

    /// Runs on the ledger, insists on exit 0, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.run(args).expect(0).stdout
    }

    /// Runs on the ledger with `--json`, insists on exit 0, parses stdout.
    pub fn json(&self, args: &[&str]) -> Json {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.run(&all).expect(0).json()
    }

    /// Runs on the ledger, insists on exit code `code`, returns (stdout, stderr).
    pub fn fails(&self, args: &[&str], code: i32) -> (String, String) {
        let out = self.run(args).expect(code);
        (out.stdout, out.stderr)
    }

    /// Writes a file inside the temporary directory and returns its path.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.p(rel);
        std::fs::write(&p, content).expect("write");
        p
    }

    /// Reads a file inside the temporary directory.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.p(rel)).expect("read")
    }
}
