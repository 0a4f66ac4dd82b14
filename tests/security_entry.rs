//! Security at the door (issue 12): nothing from outside gets into the ledger unchecked.
//!
//! Every route an event can enter by — an import line, `add`, an `import --bundle` — is driven
//! through the real binary with hostile content: `text_file` paths that leave the import's
//! directory, ids that collide with the index's derived keys, control characters in fields,
//! JSON objects with repeated keys and numbers that would be rounded. Each must be refused with a
//! located message naming the field, exit 2, and nothing appended.

mod common;
mod desk;

use common::*;
use desk::bundle_of;
use factledger::model::event::{Claim, Event, EventBody, Retraction, Source, SourceKind};
use factledger::model::value::Value;
use serde_json::json;
use std::fs;
use std::path::Path;

/// Runs and expects a refusal with exit 2 and nothing appended; returns stderr.
fn refused(ledger: &Path, args: &[&str]) -> String {
    let before = log(ledger).len();
    let out = run(ledger, args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "factledger {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        log(ledger).len(),
        before,
        "a refused command appended: {err}"
    );
    err
}

fn write_import(dir: &Path, name: &str, lines: &[String]) -> String {
    let path = dir.join(name);
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.to_str().unwrap().to_string()
}

fn source_with_text_file(id: &str, path: &str) -> String {
    json!({"type": "source", "id": id, "text_file": path}).to_string()
}

// ---- 1. text_file stays under the import file's directory ----------------------------------

/// A desk directory with a secret next to (not under) the import directory.
fn desk() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let imports = tmp.path().join("imports");
    fs::create_dir_all(imports.join("texts")).unwrap();
    fs::write(tmp.path().join("ana.secret"), "0123456789abcdef").unwrap();
    fs::write(imports.join("texts/ok.txt"), "an archived text\n").unwrap();
    (tmp, ledger, imports)
}

#[test]
fn text_file_outside_the_import_directory_is_refused() {
    let (tmp, ledger, imports) = desk();
    let secret = tmp.path().join("ana.secret");
    let file = write_import(
        &imports,
        "in.jsonl",
        &[
            source_with_text_file("sec-abs", secret.to_str().unwrap()),
            source_with_text_file("sec-dotdot", "../ana.secret"),
            source_with_text_file("sec-deep", "texts/../../ana.secret"),
            source_with_text_file("sec-etc", "/etc/passwd"),
        ],
    );
    let err = refused(&ledger, &["import", &file]);
    for line in 1..=4 {
        let located = format!("in.jsonl:{line}: text_file '");
        let hit = err.lines().find(|l| l.contains(&located));
        let hit = hit.unwrap_or_else(|| panic!("line {line} not refused: {err}"));
        assert!(hit.contains("outside"), "{hit}");
    }
}

#[cfg(unix)]
#[test]
fn text_file_symlink_leaving_the_import_directory_is_refused() {
    let (tmp, ledger, imports) = desk();
    std::os::unix::fs::symlink(
        tmp.path().join("ana.secret"),
        imports.join("texts/innocent.txt"),
    )
    .unwrap();
    // A symlinked directory inside that points outside is no way round either.
    std::os::unix::fs::symlink(tmp.path(), imports.join("up")).unwrap();
    let file = write_import(
        &imports,
        "in.jsonl",
        &[
            source_with_text_file("sec-link", "texts/innocent.txt"),
            source_with_text_file("sec-dirlink", "up/ana.secret"),
        ],
    );
    let err = refused(&ledger, &["import", &file]);
    assert!(
        err.contains("in.jsonl:1: text_file 'texts/innocent.txt'") && err.contains("outside"),
        "{err}"
    );
    assert!(
        err.contains("in.jsonl:2: text_file 'up/ana.secret'"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn text_file_under_the_import_directory_is_still_read() {
    let (_tmp, ledger, imports) = desk();
    // A symlink that stays inside is fine: what counts is where it resolves.
    std::os::unix::fs::symlink("ok.txt", imports.join("texts/alias.txt")).unwrap();
    let file = write_import(
        &imports,
        "in.jsonl",
        &[
            source_with_text_file("sec-ok", "texts/ok.txt"),
            source_with_text_file("sec-alias", "texts/alias.txt"),
        ],
    );
    ok(&ledger, &["import", &file]);
    assert_eq!(log(&ledger).len(), 2);
}

#[test]
fn text_file_from_standard_input_is_relative_to_the_working_directory() {
    let (_tmp, ledger, imports) = desk();
    let input = format!(
        "{}\n{}\n",
        source_with_text_file("sec-in", "texts/ok.txt"),
        source_with_text_file("sec-out", "../ana.secret")
    );
    let mut c = cmd(&ledger);
    c.args(["import", "-"])
        .current_dir(&imports)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("<stdin>:2: text_file '../ana.secret'") && err.contains("outside"),
        "{err}"
    );
    assert!(!err.contains("<stdin>:1:"), "{err}");
    assert_eq!(log(&ledger).len(), 0);
}

// ---- 3. bundles pass the same field checks ---------------------------------------------------

fn chain(bodies: Vec<EventBody>) -> Vec<Event> {
    let mut prev = [0u8; 32];
    let mut out = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let e = Event::new(
            i as u64 + 1,
            1_740_830_400_000_000,
            "desk".into(),
            prev,
            body,
        );
        prev = e.hash;
        out.push(e);
    }
    out
}

fn source(id: &str) -> Source {
    Source {
        id: id.into(),
        kind: SourceKind::Primary,
        publisher: None,
        title: None,
        url: None,
        published: None,
        cites: Vec::new(),
        text: None,
    }
}

fn claim(id: &str, source: &str) -> Claim {
    Claim {
        id: id.into(),
        source: source.into(),
        subject: "S/RES/2774".into(),
        predicate: "outcome".into(),
        value: Value::Outcome(factledger::model::value::Outcome::Adopted),
        supersedes: None,
        note: None,
        claimant: None,
        excerpt: None,
    }
}

/// Writes `events` as a bundle and expects both `verify --bundle` and `import --bundle` to
/// refuse it at line `line` (the header is line 1), with `needle` in the message.
fn bundle_refused(events: Vec<EventBody>, line: usize, needle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let path = tmp.path().join("b.jsonl");
    fs::write(&path, bundle_of(&chain(events))).unwrap();
    let path = path.to_str().unwrap();
    let err = refused(&ledger, &["import", "--bundle", path]);
    assert!(err.contains(&format!("b.jsonl:{line}")), "{err}");
    assert!(err.contains(needle), "wanted {needle:?} in: {err}");
    let out = run(&ledger, &["verify", "--bundle", path]);
    let verr =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "verify --bundle passed: {verr}");
    assert!(verr.contains(needle), "wanted {needle:?} in: {verr}");
}

#[test]
fn bundle_id_with_nul_cannot_pose_as_a_retraction() {
    // The source's id is the index key of "c1 was retracted": without the check, c1 shows as
    // retracted with no retraction in the log, and verify passes.
    bundle_refused(
        vec![
            EventBody::SourceRegistered(source("s1")),
            EventBody::ClaimAsserted(claim("c1", "s1")),
            EventBody::SourceRegistered(source("\u{0}retracted\u{0}c1")),
        ],
        4,
        "b.jsonl:4 (seq 3): source 'id' '\\0retracted\\0c1' contains '\\0'",
    );
}

#[test]
fn bundle_ids_that_import_would_refuse_are_refused() {
    bundle_refused(
        vec![EventBody::SourceRegistered(source(&"x".repeat(300_000)))],
        2,
        "longer than 128 characters",
    );
    bundle_refused(
        vec![EventBody::SourceRegistered(source("../../etc/x"))],
        2,
        "ids use only letters, digits",
    );
    bundle_refused(
        vec![
            EventBody::SourceRegistered(source("s1")),
            EventBody::Retracted(Retraction {
                target: "c1\u{0}".into(),
                reason: "because".into(),
            }),
        ],
        3,
        "'target'",
    );
}

#[test]
fn bundle_control_characters_are_refused() {
    let mut s = source("s1");
    s.publisher = Some("Daily \u{1b}[2JFixture".into());
    bundle_refused(
        vec![EventBody::SourceRegistered(s)],
        2,
        "'publisher' contains the control character U+001B",
    );
    let mut c = claim("c1", "s1");
    c.note = Some("see \u{9b}31m".into());
    bundle_refused(
        vec![
            EventBody::SourceRegistered(source("s1")),
            EventBody::ClaimAsserted(c),
        ],
        3,
        "'note' contains the control character U+009B",
    );
}

#[test]
fn a_sound_bundle_still_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let mut c = claim("c1", "s1");
    c.note = Some("two lines\n\tand a tab".into());
    let path = tmp.path().join("b.jsonl");
    fs::write(
        &path,
        bundle_of(&chain(vec![
            EventBody::SourceRegistered(source("s1")),
            EventBody::ClaimAsserted(c),
        ])),
    )
    .unwrap();
    ok(&ledger, &["import", "--bundle", path.to_str().unwrap()]);
    assert_eq!(log(&ledger).len(), 2);
}

// ---- 4. control characters on entry ----------------------------------------------------------

#[test]
fn control_characters_in_import_fields_are_refused_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let src = |field: &str, v: &str| {
        let mut o = json!({"type": "source", "id": format!("s-{field}")});
        o[field] = json!(v);
        o.to_string()
    };
    let clm = |id: &str, predicate: &str, value: serde_json::Value, note: Option<&str>| {
        let mut o = json!({"type": "claim", "id": id, "source": "s-ok", "subject": "S/1",
                           "predicate": predicate, "value": value});
        if let Some(n) = note {
            o["note"] = json!(n);
        }
        o.to_string()
    };
    let lines = vec![
        json!({"type": "source", "id": "s-ok"}).to_string(),
        src("publisher", "Daily \u{1b}[31mFixture"),
        src("title", "ding\u{7}"),
        src("url", "https://example.org/\u{9b}2J"),
        src("title", "two\nlines"),
        clm(
            "c-note",
            "outcome",
            json!("adopted"),
            Some("nul \u{0} here"),
        ),
        clm("c-text", "colour", json!("red\u{1b}]0;owned\u{7}"), None),
        clm(
            "c-speaker",
            "quote",
            json!({"speaker": "A\nB", "text": "fine"}),
            None,
        ),
        json!({"type": "retract", "target": "s-ok", "reason": "esc \u{1b}"}).to_string(),
        src("text", "archived \u{1b}[2J text"),
    ];
    let file = write_import(tmp.path(), "ctl.jsonl", &lines);
    let err = refused(&ledger, &["import", &file]);
    for (line, field, cp) in [
        (2, "'publisher'", "U+001B"),
        (3, "'title'", "U+0007"),
        (4, "'url'", "U+009B"),
        (5, "'title'", "U+000A"),
        (6, "'note'", "U+0000"),
        (7, "'value'", "U+001B"),
        (8, "'value.speaker'", "U+000A"),
        (9, "'reason'", "U+001B"),
        (10, "'text'", "U+001B"),
    ] {
        let located = format!("/ctl.jsonl:{line}: ");
        let hit = err
            .lines()
            .find(|l| l.contains(&located))
            .unwrap_or_else(|| panic!("line {line} not refused: {err}"));
        assert!(
            hit.contains(field) && hit.contains(cp) && hit.contains("control character"),
            "line {line}: {hit}"
        );
    }
}

#[test]
fn newlines_and_tabs_stay_allowed_where_a_text_may_have_them() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let lines = vec![
        json!({"type": "source", "id": "s1", "text": "para one\r\n\tpara two\n"}).to_string(),
        json!({"type": "claim", "id": "c1", "source": "s1", "subject": "S/1", "predicate": "quote",
               "value": {"speaker": "A", "text": "line one\nline two"}, "note": "a\n\tb"})
        .to_string(),
        json!({"type": "retract", "target": "c1", "reason": "first\nsecond"}).to_string(),
    ];
    let file = write_import(tmp.path(), "ok.jsonl", &lines);
    ok(&ledger, &["import", &file]);
    assert_eq!(log(&ledger).len(), 3);
}

#[test]
fn control_characters_in_add_are_refused_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let err = refused(
        &ledger,
        &["add", "source", "--id", "s1", "--publisher", "x\u{1b}[2Jy"],
    );
    assert!(
        err.contains("<arguments>: source field 'publisher' contains the control character U+001B"),
        "{err}"
    );
    ok(&ledger, &["add", "source", "--id", "s1"]);
    let err = refused(
        &ledger,
        &[
            "add",
            "claim",
            "--id",
            "c1",
            "--source",
            "s1",
            "--subject",
            "S/1",
            "--predicate",
            "colour",
            "--value",
            "red",
            "--note",
            "\u{85}",
        ],
    );
    assert!(err.contains("'note'") && err.contains("U+0085"), "{err}");
    let err = refused(&ledger, &["retract", "s1", "--reason", "bell\u{7}"]);
    assert!(err.contains("'reason'") && err.contains("U+0007"), "{err}");
}

// ---- 8. JSON that serde_json would silently change -------------------------------------------

#[test]
fn duplicate_keys_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let lines = vec![
        r#"{"type":"source","id":"s1"}"#.to_string(),
        r#"{"type":"claim","type":"source","id":"x1","source":"s1","subject":"S/1","predicate":"p","value":"v"}"#.to_string(),
        r#"{"type":"claim","id":"c2","source":"s1","subject":"S/1","predicate":"tally","value":{"body":"UNSC","yes":10,"yes":15}}"#.to_string(),
        // The same key spelt with an escape is the same key.
        r#"{"type":"source","id":"s3","\u0069d":"s4"}"#.to_string(),
    ];
    let file = write_import(tmp.path(), "dup.jsonl", &lines);
    let err = refused(&ledger, &["import", &file]);
    assert!(err.contains("dup.jsonl:2: duplicate key 'type'"), "{err}");
    assert!(
        err.contains("dup.jsonl:3: duplicate key 'yes' in 'value'"),
        "{err}"
    );
    assert!(err.contains("dup.jsonl:4: duplicate key 'id'"), "{err}");
}

#[test]
fn numbers_that_would_be_rounded_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let claim = |id: &str, value: &str| {
        format!(
            r#"{{"type":"claim","id":"{id}","source":"s1","subject":"S/1","predicate":"population","value":{value}}}"#
        )
    };
    let lines = vec![
        r#"{"type":"source","id":"s1"}"#.to_string(),
        claim("c2", "9007199254740993.0"),
        claim("c3", "18446744073709551616"),
        claim("c4", "1e400"),
        claim("c5", "1e-400"),
        claim("c6", "0.10000000000000000000001"),
        format!(
            r#"{{"type":"claim","id":"c7","source":"s1","subject":"S/1","predicate":"tally","value":{{"body":"UNSC","yes":1.5}}}}"#
        ),
    ];
    let file = write_import(tmp.path(), "num.jsonl", &lines);
    let err = refused(&ledger, &["import", &file]);
    for line in 2..=6 {
        let located = format!("/num.jsonl:{line}: ");
        let hit = err
            .lines()
            .find(|l| l.contains(&located))
            .unwrap_or_else(|| panic!("line {line} not refused: {err}"));
        assert!(hit.contains("'value'") && hit.contains("exactly"), "{hit}");
    }
    assert!(
        err.contains("num.jsonl:7: tally 'yes' is 1.5; counts must be whole numbers"),
        "{err}"
    );
}

#[test]
fn exact_numbers_are_still_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let lines = vec![
        r#"{"type":"source","id":"s1"}"#.to_string(),
        r#"{"type":"claim","id":"c1","source":"s1","subject":"S/1","predicate":"a","value":1e5}"#.to_string(),
        r#"{"type":"claim","id":"c2","source":"s1","subject":"S/1","predicate":"b","value":0.1}"#.to_string(),
        r#"{"type":"claim","id":"c3","source":"s1","subject":"S/1","predicate":"c","value":9007199254740993}"#.to_string(),
        r#"{"type":"claim","id":"c4","source":"s1","subject":"S/1","predicate":"d","value":-0}"#.to_string(),
    ];
    let file = write_import(tmp.path(), "num.jsonl", &lines);
    ok(&ledger, &["import", &file]);
    let values: Vec<String> = log(&ledger)
        .iter()
        .skip(1)
        .map(|e| e["value"].to_string())
        .collect();
    assert_eq!(
        values,
        ["100000.0", "0.1", "9007199254740993", "-0.0"],
        "{values:?}"
    );
}

#[test]
fn add_claim_value_with_duplicate_keys_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    ok(&ledger, &["add", "source", "--id", "s1"]);
    let err = refused(
        &ledger,
        &[
            "add",
            "claim",
            "--id",
            "c1",
            "--source",
            "s1",
            "--subject",
            "S/1",
            "--predicate",
            "tally",
            "--value",
            r#"{"body":"UNSC","yes":10,"yes":15}"#,
        ],
    );
    assert!(err.contains("duplicate key 'yes'"), "{err}");
}
