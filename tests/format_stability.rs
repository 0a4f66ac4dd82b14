//! Format stability: ledgers written by this version must stay readable, and the same input must
//! keep producing the same hashes. See fixtures/format-v1/README.md.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    root().join("fixtures").join("format-v1")
}

fn expected() -> Value {
    json(&std::fs::read_to_string(fixture().join("expected.json")).unwrap())
}

/// A command with the clock and author the fixture was made with.
fn v1_cmd(ledger: &Path, args: &[&str]) -> std::process::Output {
    let e = expected();
    cmd(ledger)
        .env("FACTLEDGER_NOW", e["now"].as_str().unwrap())
        .env("FACTLEDGER_AUTHOR", e["author"].as_str().unwrap())
        .args(args)
        .output()
        .unwrap()
}

/// Checks a ledger's log against the pinned events.
fn assert_pinned_log(ledger: &Path) {
    let e = expected();
    let log = log(ledger);
    let pinned = e["events"].as_array().unwrap();
    assert_eq!(log.len(), pinned.len(), "event count");
    for (got, want) in log.iter().zip(pinned) {
        assert_eq!(got["seq"], want["seq"]);
        assert_eq!(got["type"], want["type"], "seq {}", want["seq"]);
        assert_eq!(got["id"], want["id"], "seq {}", want["seq"]);
        assert_eq!(
            got["hash"], want["hash"],
            "seq {} ({}) no longer hashes as format 1 did",
            want["seq"], want["id"]
        );
        assert_eq!(got["format"], e["format"]);
    }
    let texts: Vec<&str> = log.iter().filter_map(|e| e["text_hash"].as_str()).collect();
    for t in e["texts"].as_array().unwrap() {
        assert!(texts.contains(&t.as_str().unwrap()), "archived text {t}");
    }
}

#[test]
fn importing_the_pinned_input_reproduces_the_pinned_hashes() {
    let e = expected();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let input = fixture().join("input.jsonl");
    let out = v1_cmd(&ledger, &["--json", "import", input.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ack = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        ack["head"], e["head"],
        "the head after importing the pinned input"
    );
    assert_pinned_log(&ledger);
    let (seq, hash) = verified_head(&ledger);
    assert_eq!(seq, e["head"]["seq"].as_u64().unwrap());
    assert_eq!(hash, e["head"]["hash"].as_str().unwrap());
}

#[test]
fn a_ledger_directory_written_by_format_1_still_opens() {
    let e = expected();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    copy_dir(&fixture().join("ledger"), &ledger);
    let (seq, hash) = verified_head(&ledger);
    assert_eq!(seq, e["head"]["seq"].as_u64().unwrap());
    assert_eq!(hash, e["head"]["hash"].as_str().unwrap());
    assert_pinned_log(&ledger);
    // What the projection makes of it is still right.
    let shown = json(&ok(&ledger, &["--json", "show", "fv1-vote"]));
    assert_eq!(shown["superseded_by"], "fv1-vote-fixed");
    let shown = json(&ok(&ledger, &["--json", "show", "fv1-quote"]));
    assert_eq!(shown["retracted_by"], 12);
    let text = json(&ok(&ledger, &["--json", "show", "fv1-wire", "--text"]));
    assert!(text["text"].as_str().unwrap().contains("« Ünïcödé »"));
    // And it takes new events, chained onto the old head.
    let out = v1_cmd(
        &ledger,
        &[
            "--json",
            "add",
            "claim",
            "--id",
            "fv1-later",
            "--source",
            "fv1-wire",
            "--subject",
            "S/RES/2774",
            "--predicate",
            "note",
            "--value",
            "appended by a later build",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let later = json(&ok(&ledger, &["--json", "show", "fv1-later"]));
    assert_eq!(later["seq"], 13);
    assert_eq!(later["prev"], e["head"]["hash"]);
    verified_head(&ledger);
}
