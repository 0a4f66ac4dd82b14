//! End-to-end tests of the `factledger` binary: every command run as a separate process with a
//! cleared environment, against ledgers in temporary directories.
//!
//! The environment of every run is exactly: `FACTLEDGER_NOW=2025-02-26T12:00:00Z`,
//! `FACTLEDGER_AUTHOR=tester`, `HOME` and `TMPDIR` inside the test's temporary directory (plus
//! whatever a test sets on purpose; `common::TestEnv`). So hashes are deterministic and the pinned values below only
//! change when the fixtures or the encoding change.

mod common;

use common::{root, wait_for_sled_release, with_sled, with_store, TestEnv, NOW};
use factledger::model::event::{Event, EventBody};
use factledger::store::Store;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ZERO_HEX: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Events in fixtures/un-votes/ledger.jsonl and corrections.jsonl.
const LEDGER_EVENTS: u64 = 43;
const CORRECTION_EVENTS: u64 = 2;
/// Head after importing both fixture files with NOW and author "tester". Changes when the
/// fixtures or the canonical encoding change.
const FIXTURE_HEAD_HASH: &str = "e3123d345cb23b94325e9504abcb4d0c33d9cf4ae8d39ab2a03ef5b85dc1eea1";
/// Digest of the projection those events imply. Changes with the projection's layout (version 3
/// added claimant and excerpt to claim states, version 4 the subject names table), never with
/// the events' hashes.
const FIXTURE_PROJECTION_DIGEST: &str =
    "7b3869a694e740c5c3c23a36df6838fc7b72cbc3622457aeb1f044e9853bb5b8";

fn repo() -> PathBuf {
    root()
}

fn un_votes(name: &str) -> PathBuf {
    repo().join("fixtures/un-votes").join(name)
}

/// A temporary directory with a ledger path inside it (not created until `init`).
type Case = TestEnv;

impl TestEnv {
    /// A ledger holding both UN-votes fixture files.
    fn with_fixtures() -> Case {
        let c = Case::new();
        c.init();
        // Both files in one import through standard input, from the fixture directory so the
        // text_file paths resolve: the same events, stamps and hashes as two imports.
        let mut input = std::fs::read(un_votes("ledger.jsonl")).unwrap();
        input.extend(std::fs::read(un_votes("corrections.jsonl")).unwrap());
        let mut cmd = c.cmd();
        cmd.current_dir(repo().join("fixtures/un-votes"))
            .args(["import", "-", "--json"])
            .write_stdin(input);
        let out = Case::output(cmd);
        out.expect(0);
        assert_eq!(
            out.json()["head"],
            json!({"seq": LEDGER_EVENTS + CORRECTION_EVENTS, "hash": FIXTURE_HEAD_HASH})
        );
        c
    }

    /// (seq, hash) of the head as `verify --json` reports it; verification must pass.
    fn head(&self) -> (u64, String) {
        let out = self.run(&["verify", "--json"]);
        out.expect(0);
        let v = out.json();
        assert_eq!(v["ok"], json!(true), "{v}");
        (
            v["head"]["seq"].as_u64().unwrap(),
            v["head"]["hash"].as_str().unwrap().to_string(),
        )
    }

    fn head_file(&self) -> String {
        std::fs::read_to_string(self.ledger().join("HEAD")).unwrap()
    }
}

fn head_file_text(seq: u64, hash: &str) -> String {
    format!("factledger-head v1\nseq {seq}\nhash {hash}\n")
}

// ---------------------------------------------------------------------------------------------
// init and missing ledgers

#[test]
fn init_creates_an_empty_ledger_and_refuses_to_create_over_anything() {
    let c = Case::new();
    let out = c.run(&["init", "--json"]);
    out.expect(0);
    assert_eq!(
        out.json(),
        json!({"ok": true, "ledger": c.ledger().display().to_string(),
               "head": {"seq": 0, "hash": "0".repeat(64)}, "signed": false, "author": null})
    );
    assert!(c.ledger().join("store").is_dir());
    assert!(c.ledger().join("LOCK").is_file());
    assert_eq!(c.head_file(), head_file_text(0, ZERO_HEX));
    assert_eq!(c.head(), (0, ZERO_HEX.to_string()));
    let log = c.run(&["log"]);
    log.expect(0);
    assert_eq!(log.stdout, "");

    // Text output.
    let d = Case::new();
    let out = d.run(&["init"]);
    out.expect(0);
    assert_eq!(
        out.stdout,
        format!("created an empty ledger in {}\n", d.ledger().display())
    );

    // Again on the same (now non-empty) directory: refused, nothing touched.
    let before = c.head_file();
    c.run(&["init"])
        .expect(2)
        .stderr_has("already exists; refusing to create a ledger over it");
    assert_eq!(c.head_file(), before);

    // A non-empty directory that is not a ledger: refused, its file untouched.
    let e = Case::new();
    std::fs::create_dir(e.ledger()).unwrap();
    std::fs::write(e.ledger().join("notes.txt"), "mine").unwrap();
    e.run(&["init"]).expect(2).stderr_has("already exists");
    assert_eq!(
        std::fs::read_dir(e.ledger()).unwrap().count(),
        1,
        "init must not write into a non-empty directory"
    );
    assert_eq!(
        std::fs::read_to_string(e.ledger().join("notes.txt")).unwrap(),
        "mine"
    );

    // A regular file at the path: refused.
    let f = Case::new();
    std::fs::write(f.ledger(), "x").unwrap();
    f.run(&["init"]).expect(2).stderr_has("already exists");

    // An existing empty directory is fine.
    let g = Case::new();
    std::fs::create_dir(g.ledger()).unwrap();
    g.run(&["init"]).expect(0);
    assert_eq!(g.head(), (0, ZERO_HEX.to_string()));
}

#[test]
fn every_command_on_a_missing_ledger_exits_2_and_creates_nothing() {
    let c = Case::new();
    let input = c.write(
        "one.jsonl",
        "{\"type\":\"source\",\"id\":\"s1\",\"title\":\"t\"}\n",
    );
    let input = input.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["import", input],
        vec!["import", input, "--json"],
        vec!["log"],
        vec!["log", "--json"],
        vec!["show", "s1"],
        vec!["show", "1", "--json"],
        vec!["verify"],
        vec!["verify", "--json"],
        vec!["add", "source", "--id", "s1"],
        vec![
            "add",
            "claim",
            "--id",
            "c1",
            "--source",
            "s1",
            "--subject",
            "S/RES/2774",
            "--predicate",
            "outcome",
            "--value",
            "adopted",
        ],
        vec!["retract", "c1", "--reason", "wrong"],
        vec!["log", "--wait", "0.1"],
    ];
    for args in &commands {
        let out = c.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(
            out.stderr
                .contains(&format!("no ledger at {}", c.ledger().display())),
            "{args:?}: {out:#?}"
        );
        assert!(out.stderr.contains("factledger init"), "{args:?}: {out:#?}");
        assert!(!c.ledger().exists(), "{args:?} created {:?}", c.ledger());
        if args.contains(&"--json") {
            let v: Json = serde_json::from_str(out.stdout.trim()).unwrap();
            assert_eq!(v["ok"], json!(false), "{args:?}");
            assert_eq!(v["exit_code"], json!(2), "{args:?}");
        }
    }
    // stdin import, too.
    let out = c.run_stdin(&["import", "-"], b"{\"type\":\"source\",\"id\":\"s1\"}\n");
    out.expect(2).stderr_has("no ledger at");
    assert!(!c.ledger().exists());

    // FACTLEDGER_DIR is where the default comes from.
    let mut cmd = c.bare();
    cmd.env("FACTLEDGER_DIR", c.path().join("elsewhere"))
        .arg("log");
    let out = Case::output(cmd);
    out.expect(2).stderr_has(&format!(
        "no ledger at {}",
        c.path().join("elsewhere").display()
    ));
    assert!(!c.path().join("elsewhere").exists());

    // Without either, .factledger in the working directory.
    let mut cmd = c.bare();
    cmd.arg("verify");
    Case::output(cmd)
        .expect(2)
        .stderr_has("no ledger at .factledger");
    assert!(!c.path().join(".factledger").exists());
}

#[test]
fn factledger_dir_and_author_flags_are_honoured() {
    let c = Case::new();
    let mut init = c.bare();
    init.env("FACTLEDGER_DIR", c.ledger()).arg("init");
    Case::output(init).expect(0);
    let mut add = c.bare();
    add.env("FACTLEDGER_DIR", c.ledger()).args([
        "--author",
        "night desk",
        "add",
        "source",
        "--id",
        "s1",
    ]);
    Case::output(add).expect(0);
    // No --author: FACTLEDGER_AUTHOR.
    c.run(&["add", "source", "--id", "s2"]).expect(0);
    // Neither: USER.
    let mut add = c.cmd();
    add.env_remove("FACTLEDGER_AUTHOR")
        .env("USER", "unix-user")
        .args(["add", "source", "--id", "s3"]);
    Case::output(add).expect(0);
    let log = c.run(&["log", "--json"]);
    log.expect(0);
    let authors: Vec<_> = log
        .json_lines()
        .iter()
        .map(|e| e["author"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(authors, ["night desk", "tester", "unix-user"]);
    // An unusable author is refused before anything is appended.
    c.run(&["--author", "  ", "add", "source", "--id", "s4"])
        .expect(2)
        .stderr_has("is not usable");
    assert_eq!(c.head().0, 3);
}

// ---------------------------------------------------------------------------------------------
// import of the fixtures, log, show

#[test]
fn fixtures_import_and_reimport_is_idempotent() {
    let c = Case::new();
    c.init();
    let ledger = un_votes("ledger.jsonl");
    let corrections = un_votes("corrections.jsonl");
    let label = |p: &Path| p.display().to_string();

    let out = c.run(&["import".as_ref(), ledger.as_os_str(), "--json".as_ref()]);
    out.expect(0);
    let v = out.json();
    let head43 = v["head"]["hash"].as_str().unwrap().to_string();
    assert_eq!(
        v,
        json!({"ok": true, "file": label(&ledger), "appended": LEDGER_EVENTS, "unchanged": 0,
               "first_seq": 1, "last_seq": LEDGER_EVENTS,
               "new_predicates": ["title", "drafted by", "put forward by"],
               "head": {"seq": LEDGER_EVENTS, "hash": head43}})
    );

    let out = c.run(&[
        "import".as_ref(),
        corrections.as_os_str(),
        "--json".as_ref(),
    ]);
    out.expect(0);
    assert_eq!(
        out.json(),
        json!({"ok": true, "file": label(&corrections), "appended": CORRECTION_EVENTS,
               "unchanged": 0, "first_seq": LEDGER_EVENTS + 1,
               "last_seq": LEDGER_EVENTS + CORRECTION_EVENTS,
               "head": {"seq": LEDGER_EVENTS + CORRECTION_EVENTS, "hash": FIXTURE_HEAD_HASH}})
    );
    let head = (
        LEDGER_EVENTS + CORRECTION_EVENTS,
        FIXTURE_HEAD_HASH.to_string(),
    );
    assert_eq!(c.head(), head);
    let head_file = c.head_file();
    assert_eq!(head_file, head_file_text(head.0, &head.1));

    // Both files again, in either order: nothing appended, everything unchanged.
    for (file, n) in [
        (&corrections, CORRECTION_EVENTS),
        (&ledger, LEDGER_EVENTS),
        (&corrections, CORRECTION_EVENTS),
    ] {
        let out = c.run(&["import".as_ref(), file.as_os_str(), "--json".as_ref()]);
        out.expect(0);
        assert_eq!(
            out.json(),
            json!({"ok": true, "file": label(file), "appended": 0, "unchanged": n,
                   "first_seq": null, "last_seq": null,
                   "head": {"seq": head.0, "hash": head.1}})
        );
    }
    // Text output of a re-import.
    let out = c.run(&["import".as_ref(), ledger.as_os_str()]);
    out.expect(0);
    assert_eq!(
        out.stdout,
        format!(
            "{}: 0 appended, {LEDGER_EVENTS} unchanged; head is seq 45 ({})\n",
            label(&ledger),
            &FIXTURE_HEAD_HASH[..16]
        )
    );
    assert_eq!(c.head(), head);
    assert_eq!(c.head_file(), head_file);
}

#[test]
fn log_and_show_report_the_fixtures() {
    let c = Case::with_fixtures();
    let log = c.run(&["log", "--json"]);
    log.expect(0);
    let events = log.json_lines();
    assert_eq!(events.len() as u64, LEDGER_EVENTS + CORRECTION_EVENTS);
    let mut prev = ZERO_HEX.to_string();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], json!(i as u64 + 1), "{e}");
        assert_eq!(e["prev"], json!(prev), "{e}");
        let hash = e["hash"].as_str().unwrap();
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(e["recorded_at"], json!(NOW), "{e}");
        assert_eq!(e["author"], json!("tester"), "{e}");
        assert_eq!(e["format"], json!(2), "{e}");
        let ty = e["type"].as_str().unwrap();
        match ty {
            "source" | "claim" => assert!(e["id"].is_string(), "{e}"),
            "retract" => assert_eq!(e["id"], Json::Null, "{e}"),
            other => panic!("type {other}"),
        }
        prev = hash.to_string();
    }
    assert_eq!(prev, FIXTURE_HEAD_HASH);
    let types: Vec<_> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types.iter().filter(|t| **t == "source").count(), 7);
    assert_eq!(types.iter().filter(|t| **t == "claim").count(), 37);
    assert_eq!(types.iter().filter(|t| **t == "retract").count(), 1);
    assert_eq!(
        events[0]["id"],
        json!("un-sc-coverage-2025-02-24"),
        "seq 1 is the first line of ledger.jsonl"
    );
    assert_eq!(events[0]["event"], json!("SourceRegistered"));
    assert_eq!(events[0]["published"], json!("2025-02-24"));
    assert_eq!(events[0]["text_len"], json!(772));
    assert_eq!(events[43]["event"], json!("Retracted"));
    assert_eq!(events[43]["target"], json!("daily-ga7-tally"));
    assert_eq!(events[44]["id"], json!("evening-ga7-us-vote-corrected"));
    assert_eq!(events[44]["supersedes"], json!("evening-ga7-us-vote"));
    assert_eq!(events[44]["predicate"], json!("vote:United States"));
    assert_eq!(events[44]["value"], json!("no"));

    // --from / --limit, and the text form.
    let out = c.run(&["log", "--from", "44", "--limit", "1"]);
    out.expect(0);
    assert_eq!(
        out.stdout,
        "   44  2025-02-26T12:00:00Z  tester     retract daily-ga7-tally: The Daily Fixture corrected the count to 93 in favour on 26 February 2025\n"
    );
    let out = c.run(&["log"]);
    out.expect(0);
    assert_eq!(out.stdout.lines().count(), 45);

    // show of a retracted claim
    let out = c.run(&["show", "daily-ga7-tally", "--json"]);
    out.expect(0);
    let v = out.json();
    assert_eq!(v["seq"], json!(42));
    assert_eq!(v["hash"], events[41]["hash"]);
    assert_eq!(v["retracted_by"], json!(44));
    assert_eq!(
        v["retraction_reason"],
        json!("The Daily Fixture corrected the count to 93 in favour on 26 February 2025")
    );
    assert_eq!(v["superseded_by"], Json::Null);
    assert_eq!(v["value"], json!({"body": "UNGA", "yes": 89, "no": 18}));
    let out = c.run(&["show", "daily-ga7-tally"]);
    out.expect(0)
        .stdout_has("claim daily-ga7-tally: A/RES/ES-11/7 · tally = UNGA, yes 89, no 18\n  status    RETRACTED at seq 44: The Daily Fixture corrected")
        .stdout_has("  event     ClaimAsserted seq 42\n");

    // show of a corrected claim
    let out = c.run(&["show", "evening-ga7-us-vote", "--json"]);
    out.expect(0);
    let v = out.json();
    assert_eq!(v["seq"], json!(43));
    assert_eq!(v["retracted_by"], Json::Null);
    assert_eq!(v["superseded_by"], json!("evening-ga7-us-vote-corrected"));
    assert_eq!(v["predicate"], json!("vote:United States"));
    assert_eq!(v["value"], json!("abstain"));
    c.run(&["show", "evening-ga7-us-vote"])
        .expect(0)
        .stdout_has("  SUPERSEDED by evening-ga7-us-vote-corrected (seq 45)");

    // show of a claim with a stated (wrong) weekday keeps what was written
    let v = c.run(&["show", "article-sc-date", "--json"]).json();
    assert_eq!(v["value"], json!("2025-02-25"));
    assert_eq!(v["as_written"], json!("Monday, February 25, 2025"));

    // show by seq, and a source with its archived text
    let v = c.run(&["show", "44", "--json"]).json();
    assert_eq!(v["type"], json!("retract"));
    assert_eq!(v["target"], json!("daily-ga7-tally"));
    let out = c.run(&["show", "wire-ga-vote", "--text", "--json"]);
    out.expect(0);
    let v = out.json();
    let text = std::fs::read_to_string(un_votes("texts/wire-ga-vote.txt")).unwrap();
    assert_eq!(v["text"], json!(text));
    assert_eq!(v["text_len"], json!(text.len()));
    assert_eq!(
        v["text_hash"],
        json!(blake3::hash(text.as_bytes()).to_hex().to_string())
    );

    // unknown id or seq
    c.run(&["show", "no-such-claim"])
        .expect(2)
        .stderr_has("no claim or source with id 'no-such-claim' in the ledger");
    c.run(&["show", "46"])
        .expect(2)
        .stderr_has("no event with seq 46: the ledger holds seq 1 to 45");
}

// ---------------------------------------------------------------------------------------------
// invalid input

/// One `fixtures/invalid/NAME.expected` line: `LINE: substring`.
fn read_expected(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (every .jsonl needs an .expected)", path.display()));
    let lines: Vec<_> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (n, s) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("{}: bad line {l:?}", path.display()));
            (n.parse().unwrap(), s.to_string())
        })
        .collect();
    assert!(!lines.is_empty(), "{}: empty", path.display());
    lines
}

fn invalid_files() -> Vec<PathBuf> {
    let dir = repo().join("fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 27, "only {} invalid fixtures", files.len());
    files
}

/// Imports every invalid fixture into `c` and checks each is refused with exactly its expected
/// located messages and that nothing was appended.
fn check_invalid_fixtures(c: &Case) {
    let (seq, hash) = c.head();
    let head_file = c.head_file();
    let dir = repo().join("fixtures/invalid");
    for file in invalid_files() {
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        let expected = read_expected(&file.with_extension("expected"));
        let mut cmd = c.cmd();
        // Run from the fixture directory so the label is the bare file name.
        cmd.current_dir(&dir).args(["import", &name]);
        let out = Case::output(cmd);
        assert_eq!(out.code, 2, "{name}: {out:#?}");
        let prefix = format!("{name}:");
        let located: Vec<(usize, &str)> = out
            .stderr
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix(&prefix)?;
                let (n, msg) = rest.split_once(": ")?;
                Some((n.parse().ok()?, msg))
            })
            .collect();
        for (line, needle) in &expected {
            assert!(
                located.iter().any(|(n, m)| n == line && m.contains(needle)),
                "{name}: expected `{name}:{line}: ...{needle}...` in stderr:\n{}",
                out.stderr
            );
        }
        let want: BTreeSet<usize> = expected.iter().map(|(l, _)| *l).collect();
        let got: BTreeSet<usize> = located.iter().map(|(l, _)| *l).collect();
        assert_eq!(got, want, "{name}: reported lines\n{}", out.stderr);
        let n = expected.len();
        let summary = format!(
            "error: {name}: {n} problem{} found; nothing was appended",
            if n == 1 { "" } else { "s" }
        );
        assert!(out.stderr.contains(&summary), "{name}: {}", out.stderr);
        assert_eq!(c.head_file(), head_file, "{name} changed the head");
    }
    assert_eq!(c.head(), (seq, hash));
}

/// Every invalid fixture is self-contained, so it is refused with the same messages whether the
/// ledger is empty ...
#[test]
fn invalid_fixtures_are_refused_by_an_empty_ledger() {
    let c = Case::new();
    c.init();
    check_invalid_fixtures(&c);
}

/// ... or already holds the UN-votes fixtures (their ids do not collide).
#[test]
fn invalid_fixtures_are_refused_by_a_ledger_holding_the_fixtures() {
    let c = Case::with_fixtures();
    check_invalid_fixtures(&c);
}

#[test]
fn refused_import_in_json_lists_every_problem() {
    let c = Case::new();
    c.init();
    let dir = repo().join("fixtures/invalid");
    let mut cmd = c.cmd();
    cmd.current_dir(&dir)
        .args(["import", "several-problems.jsonl", "--json"]);
    let out = Case::output(cmd);
    out.expect(2);
    let v = out.json();
    assert_eq!(v["ok"], json!(false));
    assert_eq!(v["problem_count"], json!(3));
    assert_eq!(v["exit_code"], json!(2));
    assert_eq!(
        v["error"],
        json!("several-problems.jsonl: 3 problems found; nothing was appended")
    );
    let problems = v["problems"].as_array().unwrap();
    let lines: Vec<_> = problems
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4, 6]);
    assert!(problems
        .iter()
        .all(|p| p["file"] == json!("several-problems.jsonl")));
    assert_eq!(
        problems[2]["message"],
        json!("a date: '2025-02-30' is not a real calendar date")
    );
    // The human lines still go to stderr.
    out.stderr_has("several-problems.jsonl:4: 'passed' is not an outcome");
}

#[test]
fn problems_beyond_the_cap_are_counted() {
    let c = Case::new();
    c.init();
    let mut input = String::from("{\"type\":\"source\",\"id\":\"s\"}\n");
    for i in 0..60 {
        input.push_str(&format!(
            "{{\"type\":\"claim\",\"id\":\"c{i}\",\"source\":\"s\",\"subject\":\"x\",\"predicate\":\"outcome\",\"value\":\"passed\"}}\n"
        ));
    }
    let f = c.write("many.jsonl", input);
    let out = c.run(&["import".as_ref(), f.as_os_str()]);
    out.expect(2);
    let located = out
        .stderr
        .lines()
        .filter(|l| l.contains("many.jsonl:") && l.contains("'passed' is not an outcome"))
        .count();
    assert_eq!(located, 50);
    out.stderr_has("many.jsonl:51: 'passed'")
        .stderr_has("... and 10 more problems")
        .stderr_has("many.jsonl: 60 problems found; nothing was appended");
    assert!(!out.stderr.contains("many.jsonl:52:"), "{}", out.stderr);
    assert_eq!(c.head().0, 0);
}

#[test]
fn a_line_of_many_megabytes_is_refused_with_its_line_number() {
    let c = Case::new();
    c.init();
    let head = c.head_file();
    let start = "{\"type\":\"source\",\"id\":\"huge\",\"text\":\"";
    let end = "\"}";
    let len = 9 * 1024 * 1024;
    let mut input = b"{\"type\":\"source\",\"id\":\"small\"}\n".to_vec();
    input.extend_from_slice(start.as_bytes());
    input.resize(input.len() + len - start.len() - end.len(), b'a');
    input.extend_from_slice(end.as_bytes());
    input.extend_from_slice(b"\n{\"type\":\"retract\",\"target\":\"nope\",\"reason\":\"x\"}\n");
    let f = c.write("huge.jsonl", &input);
    let out = c.run(&["import".as_ref(), f.as_os_str()]);
    out.expect(2).stderr_has(&format!(
        "huge.jsonl:2: line is {len} bytes; the limit is 8388608 (put long archived texts in a text_file)"
    ));
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.contains("huge.jsonl:"))
            .count(),
        3,
        "the long line and the plan problem of line 3 are reported in one pass: {}",
        out.stderr
    );
    out.stderr_has("huge.jsonl:3: cannot retract 'nope'");
    assert_eq!(c.head_file(), head);

    // The same through standard input.
    let out = c.run_stdin(&["import", "-"], &input);
    out.expect(2)
        .stderr_has(&format!("<stdin>:2: line is {len} bytes"));
    assert_eq!(c.head_file(), head);

    // An archived text file over the limit.
    c.write("big.txt", vec![b'a'; 8 * 1024 * 1024 + 1]);
    let f = c.write(
        "bigtext.jsonl",
        "{\"type\":\"source\",\"id\":\"small\"}\n{\"type\":\"source\",\"id\":\"big\",\"text_file\":\"big.txt\"}\n",
    );
    c.run(&["import".as_ref(), f.as_os_str()])
        .expect(2)
        .stderr_has("bigtext.jsonl:2: text_file 'big.txt' is 8388609 bytes; the limit is 8388608");
    assert_eq!(c.head_file(), head);
}

#[test]
fn stdin_import_works() {
    let c = Case::new();
    c.init();
    let input = concat!(
        "{\"type\":\"source\",\"id\":\"wire\",\"kind\":\"secondary\",\"text\":\"93 in favour\"}\r\n",
        "\n",
        "{\"type\":\"claim\",\"id\":\"wire-tally\",\"source\":\"wire\",\"subject\":\"A/RES/ES-11/7\",\"predicate\":\"tally\",\"value\":{\"body\":\"unga\",\"yes\":93}}\n",
        "{\"type\":\"retract\",\"target\":\"wire-tally\",\"reason\":\"misread\"}"
    );
    let out = c.run_stdin(&["import", "-", "--json"], input.as_bytes());
    out.expect(0);
    let v = out.json();
    assert_eq!(v["file"], json!("<stdin>"));
    assert_eq!(v["appended"], json!(3));
    assert_eq!(v["unchanged"], json!(0));
    assert_eq!(v["last_seq"], json!(3));
    let head = c.head();
    assert_eq!(head.0, 3);
    // Again: idempotent, also for the retraction.
    let out = c.run_stdin(&["import", "-", "--json"], input.as_bytes());
    out.expect(0);
    assert_eq!(out.json()["appended"], json!(0));
    assert_eq!(out.json()["unchanged"], json!(3));
    assert_eq!(c.head(), head);
    let v = c.run(&["show", "wire-tally", "--json"]).json();
    assert_eq!(v["value"], json!({"body": "UNGA", "yes": 93}));
    assert_eq!(v["retracted_by"], json!(3));
    let v = c.run(&["show", "wire", "--json", "--text"]).json();
    assert_eq!(v["text"], json!("93 in favour"));
    // An empty input appends nothing.
    let out = c.run_stdin(&["import", "-", "--json"], b"");
    out.expect(0);
    assert_eq!(out.json()["appended"], json!(0));
    assert_eq!(c.head(), head);
}

#[test]
fn same_id_with_different_content_names_the_existing_seq() {
    let c = Case::with_fixtures();
    let (seq, hash) = c.head();
    // un-sc-tally is line 21 of ledger.jsonl, so seq 21.
    let f = c.write(
        "changed.jsonl",
        concat!(
            "{\"type\":\"source\",\"id\":\"new-source\"}\n",
            "{\"type\":\"claim\",\"id\":\"un-sc-tally\",\"source\":\"un-sc-record-2774\",\"subject\":\"S/RES/2774\",\"predicate\":\"tally\",\"value\":{\"body\":\"UNSC\",\"yes\":11,\"no\":0,\"abstain\":4,\"procedural\":false}}\n",
            "{\"type\":\"source\",\"id\":\"wire-ga-vote\",\"kind\":\"primary\"}\n",
        ),
    );
    let out = c.run(&["import".as_ref(), f.as_os_str()]);
    out.expect(2)
        .stderr_has(
            "changed.jsonl:2: id 'un-sc-tally' already exists at seq 21 with different content",
        )
        .stderr_has(
            "changed.jsonl:3: id 'wire-ga-vote' already exists at seq 4 with different content",
        );
    assert_eq!(c.head(), (seq, hash.clone()));
    // Through `add` the same check applies, without a line number.
    c.run(&[
        "add",
        "claim",
        "--id",
        "un-sc-outcome",
        "--source",
        "un-sc-record-2774",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "outcome",
        "--value",
        "vetoed",
    ])
    .expect(2)
    .stderr_has("<arguments>: id 'un-sc-outcome' already exists at seq 22 with different content");
    // The identical record is unchanged, not an error.
    let out = c.run(&[
        "add",
        "claim",
        "--id",
        "un-sc-outcome",
        "--source",
        "un-sc-record-2774",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "outcome",
        "--value",
        "adopted",
        "--json",
    ]);
    out.expect(0);
    assert_eq!(out.json()["appended"], json!(0));
    assert_eq!(out.json()["unchanged"], json!(1));
    assert_eq!(c.head(), (seq, hash));
}

// ---------------------------------------------------------------------------------------------
// add and retract

#[test]
fn add_source_claim_and_retract_appear_in_the_log() {
    let c = Case::new();
    c.init();
    let out = c.run(&[
        "add",
        "source",
        "--id",
        "un-record",
        "--kind",
        "primary",
        "--title",
        "Voting record",
        "--published",
        "24 February 2025",
        "--cites",
        "a,b",
        "--text",
        "Adopted, 10-0-5.",
        "--json",
    ]);
    out.expect(0);
    let v = out.json();
    assert_eq!(v["file"], json!("<arguments>"));
    assert_eq!(v["appended"], json!(1));
    assert_eq!(v["first_seq"], json!(1));
    let tally = r#"{"body":"UNSC","yes":10,"no":0,"abstain":5,"procedural":false}"#;
    c.run(&[
        "add",
        "claim",
        "--id",
        "sc-tally",
        "--source",
        "un-record",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "Tally",
        "--value",
        tally,
    ])
    .expect(0)
    .stdout_has("<arguments>: 1 appended, 0 unchanged; head is seq 2");
    c.run(&[
        "add",
        "claim",
        "--id",
        "sc-date",
        "--source",
        "un-record",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "date",
        "--value",
        "Mon 24 Feb 2025",
        "--note",
        "from the record",
    ])
    .expect(0);
    c.run(&[
        "add",
        "claim",
        "--id",
        "sc-us",
        "--source",
        "un-record",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "vote:U.S.",
        "--value",
        "in favour",
    ])
    .expect(0);
    c.run(&[
        "add",
        "claim",
        "--id",
        "sc-date-fixed",
        "--source",
        "un-record",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "date",
        "--value",
        "2025-02-24",
        "--supersedes",
        "sc-date",
    ])
    .expect(0);
    c.run(&["retract", "sc-us", "--reason", "wrong meeting"])
        .expect(0)
        .stdout_has("head is seq 6");

    let log = c.run(&["log", "--json"]);
    log.expect(0);
    let ev = log.json_lines();
    let summary: Vec<_> = ev
        .iter()
        .map(|e| {
            (
                e["seq"].as_u64().unwrap(),
                e["type"].as_str().unwrap().to_string(),
                e["id"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "source".to_string(), "un-record".to_string()),
            (2, "claim".into(), "sc-tally".into()),
            (3, "claim".into(), "sc-date".into()),
            (4, "claim".into(), "sc-us".into()),
            (5, "claim".into(), "sc-date-fixed".into()),
            (6, "retract".into(), "-".into()),
        ]
    );
    assert_eq!(ev[0]["cites"], json!(["a", "b"]));
    assert_eq!(ev[0]["kind"], json!("primary"));
    assert_eq!(ev[0]["text_len"], json!(16));
    assert_eq!(ev[1]["predicate"], json!("tally"));
    assert_eq!(
        ev[1]["value"],
        json!({"body": "UNSC", "yes": 10, "no": 0, "abstain": 5, "procedural": false})
    );
    assert_eq!(ev[2]["value"], json!("2025-02-24"));
    assert_eq!(ev[2]["as_written"], json!("Mon 24 Feb 2025"));
    assert_eq!(ev[2]["note"], json!("from the record"));
    assert_eq!(ev[3]["predicate"], json!("vote:United States"));
    assert_eq!(ev[3]["value"], json!("yes"));
    assert_eq!(ev[4]["supersedes"], json!("sc-date"));
    assert_eq!(ev[5]["target"], json!("sc-us"));
    assert_eq!(ev[5]["reason"], json!("wrong meeting"));
    let v = c.run(&["show", "sc-us", "--json"]).json();
    assert_eq!(v["retracted_by"], json!(6));
    let v = c.run(&["show", "sc-date", "--json"]).json();
    assert_eq!(v["superseded_by"], json!("sc-date-fixed"));
    let text_log = c.run(&["log"]);
    text_log
        .stdout_has(
            "claim  sc-tally S/RES/2774 tally = UNSC, yes 10, no 0, abstain 5 [from un-record]",
        )
        .stdout_has("retract sc-us: wrong meeting");
    let head = c.head();
    assert_eq!(head.0, 6);

    // Refusals append nothing.
    let refusals: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "add", "claim", "--id", "x1", "--source", "nowhere", "--subject", "S", "--predicate",
                "outcome", "--value", "adopted",
            ],
            "<arguments>: claim 'x1' names source 'nowhere', which is not in the ledger or earlier in this file",
        ),
        (
            vec![
                "add", "claim", "--id", "x2", "--source", "sc-tally", "--subject", "S", "--predicate",
                "outcome", "--value", "adopted",
            ],
            "but seq 2 is a claim, not a source",
        ),
        (
            vec![
                "add", "claim", "--id", "x3", "--source", "un-record", "--subject", "S",
                "--predicate", "tally", "--value", r#"{"body":"UNSC","yes":-3}"#,
            ],
            "<arguments>: tally 'yes' is -3; counts cannot be negative; nothing was appended",
        ),
        (
            vec!["retract", "sc-us", "--reason", "another reason"],
            "'sc-us' was already retracted at seq 6",
        ),
        (
            vec!["retract", "nothing", "--reason", "r"],
            "cannot retract 'nothing'",
        ),
        (
            vec![
                "add", "claim", "--id", "x4", "--source", "un-record", "--subject", "S",
                "--predicate", "date", "--value", "2025-02-24", "--supersedes", "sc-date",
            ],
            "claim 'sc-date' was already superseded by claim 'sc-date-fixed' at seq 5",
        ),
        (
            vec!["add", "source", "--id", "bad id"],
            "<arguments>: source 'id' 'bad id' contains ' '",
        ),
    ];
    for (args, needle) in refusals {
        let out = c.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.contains(needle), "{args:?}: {out:#?}");
    }
    // Retracting again with the same reason is unchanged, not an error.
    let out = c.run(&["retract", "sc-us", "--reason", "wrong meeting", "--json"]);
    out.expect(0);
    assert_eq!(out.json()["unchanged"], json!(1));
    assert_eq!(c.head(), head);
}

#[test]
fn recorded_at_never_goes_backwards() {
    let c = Case::new();
    c.init();
    c.run(&["add", "source", "--id", "s1"]).expect(0);
    let mut cmd = c.cmd();
    cmd.env("FACTLEDGER_NOW", "2020-01-01T00:00:00+02:00")
        .args(["add", "source", "--id", "s2"]);
    Case::output(cmd).expect(0);
    let mut cmd = c.cmd();
    cmd.env("FACTLEDGER_NOW", "2030-01-01T00:00:00.123456+01:00")
        .args(["add", "source", "--id", "s3"]);
    Case::output(cmd).expect(0);
    let times: Vec<_> = c
        .run(&["log", "--json"])
        .json_lines()
        .iter()
        .map(|e| e["recorded_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        times,
        [NOW, NOW, "2029-12-31T23:00:00.123456Z"],
        "a clock behind the head is raised to the head's time"
    );
}

#[test]
fn an_invalid_factledger_now_exits_2_and_appends_nothing() {
    let c = Case::new();
    c.init();
    for bad in ["yesterday", "2025-02-26", "2025-02-30T00:00:00Z", ""] {
        let mut cmd = c.cmd();
        cmd.env("FACTLEDGER_NOW", bad)
            .args(["import".as_ref(), un_votes("ledger.jsonl").as_os_str()]);
        let out = Case::output(cmd);
        out.expect(2)
            .stderr_has(&format!("FACTLEDGER_NOW='{bad}' is not an RFC 3339 time"));
        let mut cmd = c.cmd();
        cmd.env("FACTLEDGER_NOW", bad)
            .args(["add", "source", "--id", "s1"]);
        Case::output(cmd).expect(2).stderr_has("FACTLEDGER_NOW=");
    }
    assert_eq!(c.head(), (0, ZERO_HEX.to_string()));
}

#[test]
fn usage_errors_exit_2() {
    let c = Case::new();
    c.init();
    c.run(&["frobnicate"]).expect(2);
    c.run(&["log", "--limit", "many"]).expect(2);
    c.run(&["--wait=-1", "log"])
        .expect(2)
        .stderr_has("--wait -1 is not a number of seconds");
    c.run(&["--wait", "NaN", "log"])
        .expect(2)
        .stderr_has("is not a number of seconds");
    c.run(&["import"]).expect(2);
    c.run(&["import", "no-such-file.jsonl"])
        .expect(2)
        .stderr_has("cannot read no-such-file.jsonl");
    let out = c.run(&["--help"]);
    out.expect(0).stdout_has("init");
}

/// `--wait` with a huge number of seconds must be refused (or clamped), not panic.
#[test]
fn a_huge_wait_does_not_panic() {
    let c = Case::new();
    c.init();
    for w in ["1e20", "1e19", "18446744073709551616"] {
        let out = c.run(&["--wait", w, "log"]);
        assert!(out.code == 0 || out.code == 2, "--wait {w}: {out:#?}");
        assert!(!out.stderr.contains("panicked"), "--wait {w}: {out:#?}");
    }
}

/// A member name whose lower case has a different UTF-8 length must not panic or lose letters.
#[test]
fn vote_members_with_length_changing_case_are_kept() {
    let c = Case::new();
    c.init();
    c.run(&["add", "source", "--id", "s"]).expect(0);
    // U+212A KELVIN SIGN lower-cases to ASCII 'k' (3 bytes -> 1): the member is Kenya in
    // another case, so the claim is refused with the member's own spelling, without a panic.
    let add = |id: &str, predicate: &str| {
        c.run(&[
            "add",
            "claim",
            "--id",
            id,
            "--source",
            "s",
            "--subject",
            "x",
            "--predicate",
            predicate,
            "--value",
            "yes",
        ])
    };
    let out = add("c1", "vote:\u{212A}enya");
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
    out.expect(2).stderr_has("did you mean 'vote:Kenya'?");
    // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE lower-cases to 'i' + U+0307 (2 bytes -> 3):
    // the prefix is still read as `vote:` and the member is kept as written (here: no member).
    let out = add("c2", "VOTE:\u{130}ran");
    assert!(!out.stderr.contains("panicked"), "{out:#?}");
    out.expect(2)
        .stderr_has("predicate 'vote:\u{130}ran': '\u{130}ran' is not a UN member state");
    add("c3", "VOTE:Kenya").expect(0);
    let v = c.run(&["show", "c3", "--json"]).json();
    assert_eq!(v["predicate"], json!("vote:Kenya"));
}

// ---------------------------------------------------------------------------------------------
// verify and corruption through sled

fn record(store: &Store, seq: u64) -> Vec<u8> {
    store.record(seq).unwrap().expect("record within the head")
}

/// Replaces the stored record at `seq` (which must exist) with `r`.
fn put_record(store: &Store, seq: u64, r: Vec<u8>) {
    assert!(store.tamper_record(seq, Some(r)).unwrap().is_some());
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{:?} not in record", String::from_utf8_lossy(needle)))
}

#[track_caller]
fn assert_verify_fails(c: &Case, seq: u64, code: &str) {
    let out = c.run(&["verify"]);
    out.expect(1)
        .stderr_has(&format!("verify failed at seq {seq}: "))
        .stderr_has(&format!("({code})"));
    assert!(out.stderr.contains(&format!("seq {seq}")));
    let out = c.run(&["verify", "--json"]);
    out.expect(1);
    let v = out.json();
    assert_eq!(v["ok"], json!(false), "{v}");
    assert_eq!(v["problem"]["seq"], json!(seq), "{v}");
    assert_eq!(v["problem"]["code"], json!(code), "{v}");
}

#[test]
fn verify_detects_an_altered_event() {
    let c = Case::with_fixtures();
    let out = c.run(&["verify"]);
    out.expect(0);
    assert_eq!(
        out.stdout,
        format!(
            "ok: 45 events and 5 archived texts verified; head seq 45 hash {FIXTURE_HEAD_HASH}\nok: the stored projection is exactly what the log implies (digest {FIXTURE_PROJECTION_DIGEST})\nnote: this ledger is unsigned: events are hashed and chained, but not signed (sign it from now on with `factledger authors add`)\n"
        )
    );
    // Seq 5 is the source article-us-aligns; change one byte of its title ("US" -> "UK"),
    // which keeps the record decodable.
    with_store(&c.ledger(), |store| {
        let mut r = record(store, 5);
        let at = find(&r, b"US Aligns with Russia");
        r[at + 1] = b'K';
        Event::from_record(&r).expect("still decodes");
        put_record(store, 5, r);
    });
    assert_verify_fails(&c, 5, "hash-mismatch");
    // Reading still works (it is verification that finds the alteration).
    let v = c.run(&["show", "article-us-aligns", "--json"]).json();
    assert_eq!(
        v["title"],
        json!("UK Aligns with Russia on Ukraine UN Votes, Diverges from European Allies")
    );
}

#[test]
fn verify_detects_an_altered_claim_subject() {
    let c = Case::with_fixtures();
    // Seq 8 is the claim article-sc-date about S/RES/2774.
    with_store(&c.ledger(), |store| {
        let mut r = record(store, 8);
        let at = find(&r, b"S/RES/2774");
        r[at + 9] = b'5';
        let e = Event::from_record(&r).expect("still decodes");
        match e.body {
            EventBody::ClaimAsserted(claim) => assert_eq!(claim.subject, "S/RES/2775"),
            other => panic!("{other:?}"),
        }
        put_record(store, 8, r);
    });
    assert_verify_fails(&c, 8, "hash-mismatch");
}

#[test]
fn verify_detects_an_undecodable_event() {
    let c = Case::with_fixtures();
    with_store(&c.ledger(), |store| {
        let mut r = record(store, 5);
        r.truncate(r.len() - 10);
        assert!(Event::from_record(&r).is_err());
        put_record(store, 5, r);
    });
    assert_verify_fails(&c, 5, "corrupt-event");
    c.run(&["verify"]).stderr_has("event seq 5 does not decode");
    // Commands that read the event fail with exit 1 (a damaged ledger), naming it.
    c.run(&["log"])
        .expect(1)
        .stderr_has("event seq 5 is corrupt");
}

#[test]
fn verify_detects_a_missing_event() {
    let c = Case::with_fixtures();
    // Events are packed 128 to a block, and a block holds a run of seqs without gaps: seq 5 goes
    // missing by its block ending before it (seqs 5..=128 lost). So that the head survives (the
    // ledger checks the head event at open), the log first grows into the next block.
    let filler: String = (0..100)
        .map(|i| {
            json!({"type": "claim", "id": format!("filler-{i}"), "source": "wire-ga-vote",
                   "subject": format!("filler {i}"), "predicate": "note", "value": "x"})
            .to_string()
                + "\n"
        })
        .collect();
    c.run_stdin(&["import", "-"], filler.as_bytes()).expect(0);
    assert_eq!(c.head().0, 145);
    with_store(&c.ledger(), |store| {
        assert!(store.tamper_record(5, None).unwrap().is_some());
        assert_eq!(store.record(5).unwrap(), None);
        assert!(store.record(145).unwrap().is_some());
    });
    assert_verify_fails(&c, 5, "corrupt-event");
    c.run(&["verify"])
        .stderr_has("event seq 5 is missing from the store");
}

#[test]
fn verify_detects_a_broken_link() {
    let c = Case::with_fixtures();
    // Re-encode event 7 with another prev and a hash recomputed over it: the event is internally
    // consistent but no longer chained to event 6.
    with_store(&c.ledger(), |store| {
        let old = Event::from_record(&record(store, 7)).unwrap();
        let forged = Event::new(old.seq, old.recorded_at, old.author, [7; 32], old.body);
        assert_eq!(forged.compute_hash(), forged.hash);
        put_record(store, 7, forged.to_record());
    });
    assert_verify_fails(&c, 7, "broken-link");
    c.run(&["verify"]).stderr_has(
        "event seq 7 links to 0707070707070707070707070707070707070707070707070707070707070707",
    );
}

#[test]
fn verify_detects_a_moved_event() {
    let c = Case::with_fixtures();
    // Event 6 stored at seq 7 (and 7 lost): decodes, but says the wrong seq.
    with_store(&c.ledger(), |store| {
        let six = record(store, 6);
        put_record(store, 7, six);
    });
    assert_verify_fails(&c, 7, "corrupt-event");
    c.run(&["verify"])
        .stderr_has("it is stored at seq 7 but says seq 6");
}

#[test]
fn verify_detects_damaged_indexes_and_archived_texts() {
    let c = Case::with_fixtures();
    // Archived texts have no tamper hook; tree `texts` (blake3 hash → text) is opened directly.
    let texts =
        |f: &dyn Fn(&sled::Tree)| with_sled(&c.ledger(), |db| f(&db.open_tree("texts").unwrap()));
    // The id index entry of article-sc-title (seq 11) removed.
    with_store(&c.ledger(), |store| {
        let seq = store.tamper_index(b"article-sc-title", None).unwrap();
        assert_eq!(seq, Some(11));
    });
    assert_verify_fails(&c, 11, "index-mismatch");
    c.run(&["show", "article-sc-title"])
        .expect(2)
        .stderr_has("no claim or source with id 'article-sc-title'");
    with_store(&c.ledger(), |store| {
        assert_eq!(
            store.tamper_index(b"article-sc-title", Some(11)).unwrap(),
            None
        );
    });
    assert_eq!(c.head().0, 45);

    // The archived text of wire-ga-vote (seq 4) altered, then removed.
    let text = std::fs::read(un_votes("texts/wire-ga-vote.txt")).unwrap();
    let key = *blake3::hash(&text).as_bytes();
    texts(&|texts| {
        assert_eq!(texts.get(key).unwrap().unwrap().as_ref(), &text[..]);
        let mut altered = text.clone();
        altered[0] ^= 0x20;
        texts.insert(key, altered).unwrap();
    });
    assert_verify_fails(&c, 4, "text-mismatch");
    c.run(&["verify"])
        .stderr_has("its content no longer matches its hash");
    texts(&|texts| {
        texts.remove(key).unwrap().unwrap();
    });
    assert_verify_fails(&c, 4, "missing-text");
    c.run(&["verify"]).stderr_has(&format!(
        "archived text {} of source 'wire-ga-vote' is missing",
        blake3::hash(&text).to_hex()
    ));
}

#[test]
fn an_altered_head_event_or_head_file_is_a_damaged_ledger() {
    // The head event itself altered: opening the ledger fails, exit 1.
    let c = Case::with_fixtures();
    with_store(&c.ledger(), |store| {
        let mut r = record(store, 45);
        let n = r.len();
        r[n - 2] ^= 1; // last byte of the stored hash (the record ends with the signature tag)
        put_record(store, 45, r);
    });
    c.run(&["verify"]).expect(1).stderr_has(
        "error: event seq 45 is corrupt: the head event's hash differs from the recorded head",
    );
    let out = c.run(&["verify", "--json"]);
    out.expect(1);
    let first: Json = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["ok"], json!(false));
    assert_eq!(first["problem"]["code"], json!("store-damaged"));
    c.run(&["log"]).expect(1).stderr_has(
        "event seq 45 is corrupt: the head event's hash differs from the recorded head",
    );

    // HEAD ahead of the store: lost events.
    let d = Case::with_fixtures();
    let hash43 = d
        .run(&["log", "--json", "--from", "43", "--limit", "1"])
        .json()["hash"]
        .as_str()
        .unwrap()
        .to_string();
    let head_path = d.ledger().join("HEAD");
    std::fs::write(&head_path, head_file_text(46, FIXTURE_HEAD_HASH)).unwrap();
    d.run(&["verify"]).expect(1).stderr_has(
        "the store lost events: it ends at seq 45 but the ledger's HEAD file records seq 46",
    );
    // HEAD with the right seq and another hash.
    std::fs::write(&head_path, head_file_text(45, &"ab".repeat(32))).unwrap();
    d.run(&["log"])
        .expect(1)
        .stderr_has("the store's head at seq 45 has a different hash from the HEAD file");
    // HEAD behind the store with a hash that is not the chain's.
    std::fs::write(&head_path, head_file_text(43, &"ab".repeat(32))).unwrap();
    d.run(&["log"])
        .expect(1)
        .stderr_has("the event at seq 43 does not have the hash the HEAD file records");
    // HEAD malformed or missing.
    std::fs::write(&head_path, "factledger-head v1\nseq x\n").unwrap();
    d.run(&["log"]).expect(1).stderr_has("HEAD is malformed");
    std::fs::remove_file(&head_path).unwrap();
    d.run(&["show", "1"])
        .expect(1)
        .stderr_has("HEAD is missing");
    // HEAD behind the store but on the chain (a crash between sled's flush and the rename):
    // accepted, and the next append brings it up to date.
    std::fs::write(&head_path, head_file_text(43, &hash43)).unwrap();
    assert_eq!(d.head(), (45, FIXTURE_HEAD_HASH.to_string()));
    assert_eq!(
        d.head_file(),
        head_file_text(43, &hash43),
        "read-only commands leave HEAD"
    );
    d.run(&["add", "source", "--id", "after-crash"]).expect(0);
    let (seq, hash) = d.head();
    assert_eq!(seq, 46);
    assert_eq!(d.head_file(), head_file_text(46, &hash));
}

/// `verify --json` on a store too damaged to open must print one JSON value, like every other
/// `--json` failure.
#[test]
fn verify_json_on_a_damaged_store_prints_one_json_value() {
    let c = Case::with_fixtures();
    std::fs::write(
        c.ledger().join("HEAD"),
        head_file_text(46, FIXTURE_HEAD_HASH),
    )
    .unwrap();
    let out = c.run(&["verify", "--json"]);
    out.expect(1).stderr_has("the store lost events");
    let v = out.json();
    assert_eq!(v["ok"], json!(false));
    assert_eq!(v["problem"]["code"], json!("store-damaged"));
}

// ---------------------------------------------------------------------------------------------
// a second process

#[test]
fn a_ledger_held_by_another_process_fails_fast_with_exit_3() {
    let c = Case::with_fixtures();
    let held = factledger::Ledger::open(&c.ledger(), None).unwrap();
    assert_eq!(held.head().seq, 45);

    let t = Instant::now();
    let out = c.run(&["log"]);
    let took = t.elapsed();
    out.expect(3)
        .stderr_has(&format!(
            "error: ledger is in use by another process ({})",
            c.ledger().display()
        ))
        .stderr_has("pass --wait SECONDS");
    assert_eq!(out.stdout, "");
    assert!(took < Duration::from_secs(3), "took {took:?}");

    let t = Instant::now();
    let out = c.run(&["--wait", "0.2", "log", "--json"]);
    let took = t.elapsed();
    out.expect(3)
        .stderr_has("ledger is in use by another process");
    assert!(took >= Duration::from_millis(200), "did not wait: {took:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let v = out.json();
    assert_eq!(v["ok"], json!(false));
    assert_eq!(v["exit_code"], json!(3));

    // Writers too; and nothing was appended meanwhile.
    c.run(&["add", "source", "--id", "blocked"]).expect(3);
    c.run(&["verify"]).expect(3);

    drop(held);

    // A wait long enough for the holder to let go succeeds. The holder here is a bare flock on
    // LOCK: a dropped in-process Ledger can leave sled's own lock on store/db held for a few
    // milliseconds (a sled 0.34 thread-pool job still owns the file), which would make the
    // binary's open racy (exit 3 with a sled "could not acquire lock" error).
    wait_for_sled_release(&c.ledger());
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(c.ledger().join("LOCK"))
        .unwrap();
    lock.try_lock()
        .expect("LOCK is free once the Ledger is dropped");
    c.run(&["log"])
        .expect(3)
        .stderr_has("ledger is in use by another process");
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(lock);
    });
    let t = Instant::now();
    let out = c.run(&["--wait", "20", "log", "--json"]);
    let took = t.elapsed();
    releaser.join().unwrap();
    out.expect(0);
    assert!(took >= Duration::from_millis(250), "did not wait: {took:?}");
    assert_eq!(out.json_lines().len(), 45);
    assert_eq!(c.head(), (45, FIXTURE_HEAD_HASH.to_string()));
}

// ---------------------------------------------------------------------------------------------
// JSON output, demo

#[test]
fn json_output_of_init_import_and_verify_parses() {
    let c = Case::new();
    let init: Json = serde_json::from_str(c.run(&["--json", "init"]).expect(0).stdout.trim())
        .expect("init --json");
    assert_eq!(init["ok"], json!(true));
    let out = c.run(&[
        "--json".as_ref(),
        "import".as_ref(),
        un_votes("ledger.jsonl").as_os_str(),
    ]);
    out.expect(0);
    assert_eq!(out.stdout.lines().count(), 1, "one JSON line");
    let import = out.json();
    assert_eq!(import["appended"], json!(LEDGER_EVENTS));
    let out = c.run(&["verify", "--json"]);
    out.expect(0);
    assert_eq!(out.stdout.lines().count(), 1, "one JSON line");
    let verify = out.json();
    assert_eq!(
        verify,
        json!({"ok": true, "events": LEDGER_EVENTS, "texts": 5,
               "head": {"seq": LEDGER_EVENTS, "hash": import["head"]["hash"]},
               "signed": false, "signed_from": null, "signed_events": 0,
               "projection_digest": verify["projection_digest"].clone(), "problem": null})
    );
    assert_eq!(verify["projection_digest"].as_str().map(str::len), Some(64));
}

#[test]
fn demo_prints_the_log_and_verification_and_leaves_nothing_behind() {
    let c = Case::new();
    let tmp = c.path().join("tmp");
    let mut cmd = c.bare();
    cmd.arg("demo");
    let out = Case::output(cmd);
    out.expect(0)
        .stdout_has("== Log (61 events) ==")
        .stdout_has("retract daily-ga7-tally")
        .stdout_has("== Verify ==")
        .stdout_has("ok: 61 events and 5 archived texts; head seq 61 hash ")
        .stdout_has("ok: the projection is exactly what the log implies")
        .stdout_has("weekday-mismatch")
        .stdout_has("25 February 2025 was a Tuesday")
        .stdout_has("reaches a primary source: yes")
        // Triage: severities first, and the desk's dismissal.
        .stdout_has("error    conflicting-values ")
        .stdout_has("1 dismissed flag hidden (--dismissed shows it)")
        .stdout_has("flag c55865bf74d1c997 dismissed: The wire does not cite the UN");
    // author defaults to "demo" for the demo, NOW is honoured
    out.stdout_has("    1  2025-02-26T12:00:00Z  demo       source un-sc-coverage-2025-02-24");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(left.is_empty(), "demo left {left:?} in TMPDIR");
    assert!(!c.path().join(".factledger").exists());

    // --keep leaves a ledger that the other commands can open.
    let mut cmd = c.bare();
    cmd.args(["demo", "--keep"]);
    let out = Case::output(cmd);
    out.expect(0);
    let kept = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("The ledger is kept at "))
        .expect("kept path")
        .to_string();
    assert!(Path::new(&kept).starts_with(&tmp), "{kept}");
    assert!(Path::new(&kept)
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("factledger-demo-"));
    let mut cmd = c.bare();
    cmd.args(["--ledger", &kept, "verify"]);
    // The fixtures and the desk model events, then the demo desk's two settings and its verdict.
    Case::output(cmd).expect(0).stdout_has("ok: 64 events");
}

/// A tally given as a reporter writes it reads into the same typed value as the object form, by
/// import and by `add claim`; one that cannot be read names the accepted forms (issue 13, item 3).
#[test]
fn tallies_as_reporters_write_them_read_as_the_object_form() {
    let c = Case::new();
    c.init();
    let input = concat!(
        "{\"type\":\"source\",\"id\":\"wire\",\"kind\":\"secondary\"}\n",
        "{\"type\":\"claim\",\"id\":\"t1\",\"source\":\"wire\",\"subject\":\"A/RES/ES-11/7\",\"predicate\":\"tally\",\"value\":\"UNGA 93-18-65\"}\n",
        "{\"type\":\"claim\",\"id\":\"t2\",\"source\":\"wire\",\"subject\":\"S/RES/2774\",\"predicate\":\"tally\",\"value\":\"Security Council: 10 votes to 0, with 5 abstentions\"}\n",
        "{\"type\":\"claim\",\"id\":\"t3\",\"source\":\"wire\",\"subject\":\"A/RES/ES-11/8\",\"predicate\":\"tally\",\"value\":\"93 in favour, 18 against, 65 abstentions\"}\n",
    );
    c.run_stdin(&["import", "-"], input.as_bytes()).expect(0);
    let value = |id: &str| c.run(&["show", id, "--json"]).json()["value"].clone();
    let unga = json!({"body": "UNGA", "yes": 93, "no": 18, "abstain": 65});
    assert_eq!(value("t1"), unga);
    assert_eq!(value("t3"), unga);
    assert_eq!(
        value("t2"),
        json!({"body": "UNSC", "yes": 10, "no": 0, "abstain": 5})
    );
    let add = |id: &str, v: &str| {
        c.run(&[
            "add",
            "claim",
            "--id",
            id,
            "--source",
            "wire",
            "--subject",
            "S/RES/2774",
            "--predicate",
            "tally",
            "--value",
            v,
        ])
    };
    add("t4", "UNSC adopted 10-0-5").expect(0);
    assert_eq!(
        value("t4"),
        json!({"body": "UNSC", "yes": 10, "no": 0, "abstain": 5})
    );
    // Fifteen votes fit either body: the body must be named.
    add("t5", "adopted 10-0-5")
        .expect(2)
        .stderr_has("name the body first");
    // Not a tally at all: the accepted forms, with examples.
    let line = "{\"type\":\"claim\",\"id\":\"t6\",\"source\":\"wire\",\"subject\":\"S/RES/2774\",\"predicate\":\"tally\",\"value\":\"lots of votes\"}\n";
    c.run_stdin(&["import", "-"], line.as_bytes())
        .expect(2)
        .stderr_has("<stdin>:1: claim field 'value': 'lots of votes' is not a tally")
        .stderr_has("'93-18-65'");
}

/// `add claim --value 12` stores what `"value": 12` in an import line stores (issue 13, item 3).
#[test]
fn add_claim_reads_a_number_as_import_does() {
    let c = Case::new();
    c.init();
    let input = concat!(
        "{\"type\":\"source\",\"id\":\"wire\",\"kind\":\"secondary\"}\n",
        "{\"type\":\"claim\",\"id\":\"n1\",\"source\":\"wire\",\"subject\":\"X\",\"predicate\":\"count\",\"value\":12}\n",
    );
    c.run_stdin(&["import", "-"], input.as_bytes()).expect(0);
    c.run(&[
        "add",
        "claim",
        "--id",
        "n2",
        "--source",
        "wire",
        "--subject",
        "X",
        "--predicate",
        "count",
        "--value",
        "12",
    ])
    .expect(0);
    let value = |id: &str| c.run(&["show", id, "--json"]).json()["value"].clone();
    assert_eq!(value("n1"), json!(12));
    assert_eq!(value("n2"), value("n1"));
}
