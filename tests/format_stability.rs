//! Format stability: ledgers written earlier must stay readable, and the same input must keep
//! producing the same hashes. See fixtures/format-v1/README.md and fixtures/format-v2/README.md.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// Checks a ledger's log against the pinned events.
fn assert_pinned_log(e: &Value, ledger: &Path) {
    let log = log(ledger);
    let pinned = e["events"].as_array().unwrap();
    assert!(log.len() >= pinned.len(), "event count");
    for (got, want) in log.iter().zip(pinned) {
        assert_eq!(got["seq"], want["seq"]);
        assert_eq!(got["type"], want["type"], "seq {}", want["seq"]);
        assert_eq!(got["id"], want["id"], "seq {}", want["seq"]);
        assert_eq!(
            got["hash"], want["hash"],
            "seq {} ({}) no longer hashes as record format {} did",
            want["seq"], want["id"], e["format"]
        );
        assert_eq!(got["format"], e["format"], "seq {}", want["seq"]);
    }
    let texts: Vec<&str> = log.iter().filter_map(|e| e["text_hash"].as_str()).collect();
    for t in e["texts"].as_array().unwrap() {
        assert!(texts.contains(&t.as_str().unwrap()), "archived text {t}");
    }
}

fn import_reproduces(format: &str) {
    let e = format_expected(format);
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let input = format_fixture(format).join("input.jsonl");
    let out = pinned(&e, &ledger, &["--json", "import", input.to_str().unwrap()]);
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
    assert_pinned_log(&e, &ledger);
    assert_eq!(log(&ledger).len(), e["events"].as_array().unwrap().len());
    let (seq, hash) = verified_head(&ledger);
    assert_eq!(seq, e["head"]["seq"].as_u64().unwrap());
    assert_eq!(hash, e["head"]["hash"].as_str().unwrap());
}

fn stored_ledger_still_opens(format: &str) {
    let e = format_expected(format);
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    copy_dir(&format_fixture(format).join("ledger"), &ledger);
    let (seq, hash) = verified_head(&ledger);
    assert_eq!(seq, e["head"]["seq"].as_u64().unwrap());
    assert_eq!(hash, e["head"]["hash"].as_str().unwrap());
    assert_pinned_log(&e, &ledger);
    assert_eq!(log(&ledger).len(), e["events"].as_array().unwrap().len());
    // What the projection makes of it is still right.
    let shown = json(&ok(&ledger, &["--json", "show", "fv1-vote"]));
    assert_eq!(shown["superseded_by"], "fv1-vote-fixed");
    let shown = json(&ok(&ledger, &["--json", "show", "fv1-quote"]));
    assert_eq!(shown["retracted_by"], 12);
    let text = json(&ok(&ledger, &["--json", "show", "fv1-wire", "--text"]));
    assert!(text["text"].as_str().unwrap().contains("« Ünïcödé »"));
    // And it takes new events, chained onto the old head.
    let mut args = vec!["--json".to_string()];
    args.extend(add_claim_args(
        "later",
        "fv1-wire",
        "S/RES/2774",
        "appended by a later build",
    ));
    let out = pinned(&e, &ledger, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let later = json(&ok(&ledger, &["--json", "show", "later"]));
    assert_eq!(later["seq"], 13);
    assert_eq!(later["prev"], e["head"]["hash"]);
    verified_head(&ledger);
    assert_pinned_log(&e, &ledger);
}

#[test]
fn importing_the_pinned_input_reproduces_the_pinned_format_2_hashes() {
    import_reproduces("format-v2");
}

#[test]
fn a_ledger_directory_written_in_format_2_still_opens() {
    stored_ledger_still_opens("format-v2");
}

#[test]
fn a_ledger_directory_written_in_format_1_still_opens() {
    stored_ledger_still_opens("format-v1");
}
