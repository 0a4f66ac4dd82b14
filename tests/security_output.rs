//! Security of what factledger prints and of its key files (issue 12): hostile text from a
//! ledger, a bundle, a proof or an import file cannot drive the terminal; key files are private
//! and never written through symlinks; a rolled-back ledger directory is caught by a reader who
//! holds a later checkpoint.

mod common;

use common::{cmd, init, init_with_fixtures, ok, run};
use factledger::ledger::{Draft, Stamp};
use factledger::model::event::{Claim, EventBody, Retraction, Source, SourceKind, TextRef};
use factledger::model::value::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Everything a hostile value carries: cursor movement, line clearing, a bell, NUL, DEL, a C1
/// CSI, a carriage return, a bidi override, and a newline that would forge a line of its own.
const HOSTILE: &str = "x\x1b[1A\x1b[2K\x07\0\x7f\u{9b}2J\r\u{202e}evil\u{2066}\nFORGED line";

/// True when `c` must never reach a terminal raw (newlines are checked separately).
fn unsafe_char(c: char) -> bool {
    factledger::terminal::is_unsafe(c) && c != '\n'
}

/// Asserts that `bytes` holds no character that could drive a terminal, and that no hostile
/// value managed to start a line of its own.
fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some(c) = text.chars().find(|&c| unsafe_char(c)) {
        panic!("{what}: raw {c:?} reached the terminal:\n{text}");
    }
    assert!(
        !text.lines().any(|l| l.starts_with("FORGED")),
        "{what}: a newline in a value forged a line:\n{text}"
    );
}

fn out(o: &Output) -> String {
    format!(
        "status {}\nstdout: {}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A ledger whose events hold hostile text in every free-text field, written through the
/// library below any import-time checks: as an old ledger made before entry validation may hold.
fn hostile_ledger(dir: &Path) -> PathBuf {
    let ledger_dir = dir.join("ledger");
    // An archived text is printed as the lines it has (`show --text`); its other controls are not.
    let text = format!("archived {}\nsecond line", HOSTILE.replace('\n', " "));
    let source = |id: &str, kind| Source {
        id: id.into(),
        kind,
        publisher: Some(format!("pub {HOSTILE}")),
        title: Some(format!("title {HOSTILE}")),
        url: Some(format!("https://example.org/{HOSTILE}")),
        published: None,
        cites: vec![],
        text: None,
    };
    let mut primary = source("src-primary", SourceKind::Primary);
    primary.text = Some(TextRef {
        hash: *blake3::hash(text.as_bytes()).as_bytes(),
        len: text.len() as u64,
    });
    let mut secondary = source("src-secondary", SourceKind::Secondary);
    secondary.cites = vec!["src-primary".into()];
    let claim = |id: &str| Claim {
        id: id.into(),
        source: "src-secondary".into(),
        subject: format!("subj {HOSTILE}"),
        predicate: "quote".into(),
        value: Value::Text(format!("value {HOSTILE}")),
        supersedes: None,
        note: Some(format!("note {HOSTILE}")),
        claimant: None,
        excerpt: None,
    };
    let drafts = vec![
        Draft {
            body: EventBody::SourceRegistered(primary),
            text: Some(text),
        },
        Draft {
            body: EventBody::SourceRegistered(secondary),
            text: None,
        },
        Draft {
            body: EventBody::ClaimAsserted(claim("claim-1")),
            text: None,
        },
        Draft {
            body: EventBody::ClaimAsserted(claim("claim-2")),
            text: None,
        },
        Draft {
            body: EventBody::Retracted(Retraction {
                target: "claim-2".into(),
                reason: format!("reason {HOSTILE}"),
            }),
            text: None,
        },
    ];
    let mut ledger = factledger::Ledger::init(&ledger_dir).expect("init");
    let stamp = Stamp {
        author: common::AUTHOR.into(),
        recorded_at: 1_740_830_400_000_000,
        key: None,
    };
    ledger.append(drafts, &stamp).expect("append");
    drop(ledger);
    common::wait_for_sled_release(&ledger_dir);
    ledger_dir
}

// ---------------------------------------------------------------------------------------------
// Item 4: terminal injection

#[test]
fn log_show_sources_audit_escape_hostile_ledger_text() {
    let dir = tmp();
    let ledger = hostile_ledger(dir.path());
    let runs: &[&[&str]] = &[
        &["log"],
        &["show", "src-primary", "--text"],
        &["show", "src-secondary"],
        &["show", "claim-1"],
        &["show", "claim-2"],
        &["show", "5"],
        &["sources"],
        &["audit", "claim-1"],
        &["audit", "src-secondary"],
        &["audit", "claim-1", "--dot"],
        &["facts"],
        &["flags"],
        &["graph"],
        &["graph", "--dot"],
    ];
    for args in runs {
        let o = run(&ledger, args);
        assert!(o.status.success(), "{args:?}: {}", out(&o));
        assert_inert(&format!("{args:?} stdout"), &o.stdout);
        assert_inert(&format!("{args:?} stderr"), &o.stderr);
    }
    // The hostile text is shown, visibly escaped, not dropped.
    let log = ok(&ledger, &["log"]);
    assert!(
        log.contains(
            r"title x\x1b[1A\x1b[2K\x07\x00\x7f\u{9b}2J\r\u{202e}evil\u{2066}\nFORGED line"
        ),
        "{log}"
    );
    // A deliberately multi-line archived text keeps its line breaks, but nothing else.
    let show = ok(&ledger, &["show", "src-primary", "--text"]);
    assert!(show.contains("\nsecond line"), "{show}");
}

#[test]
fn json_output_keeps_hostile_text_exact() {
    let dir = tmp();
    let ledger = hostile_ledger(dir.path());
    let v = common::json(&ok(&ledger, &["--json", "show", "src-primary"]));
    assert_eq!(v["title"], format!("title {HOSTILE}"), "{v}");
    let v = common::json(&ok(&ledger, &["--json", "show", "claim-2"]));
    assert_eq!(v["retraction_reason"], format!("reason {HOSTILE}"), "{v}");
}

/// A fixtures ledger with a checkpoint and an evidence file for a claim: (ledger, evidence).
fn evidence(dir: &Path) -> (PathBuf, PathBuf) {
    let ledger = dir.join("ledger");
    init_with_fixtures(&ledger);
    let ev = dir.join("evidence.json");
    ok(
        &ledger,
        &["evidence", "article-sc-date", "--out", ev.to_str().unwrap()],
    );
    (ledger, ev)
}

/// What a hostile "claim" field tries to make a failed check look like.
const FAKE_VALID: &str = "\r\x1b[2K\x1b[1Avalid\n  ok: every hash verified\x1b[8m";

#[test]
fn failing_verify_proof_cannot_display_valid() {
    let dir = tmp();
    let (ledger, ev) = evidence(dir.path());
    let o = common::cmd_without_ledger(&ledger)
        .args(["verify-proof", ev.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let mut v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&ev).unwrap()).unwrap();
    v["claim"] = FAKE_VALID.into();
    fs::write(&ev, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    for json in [false, true] {
        let mut c = common::cmd_without_ledger(&ledger);
        if json {
            c.arg("--json");
        }
        let o = c
            .args(["verify-proof", ev.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", out(&o));
        assert_inert("verify-proof stdout", &o.stdout);
        assert_inert("verify-proof stderr", &o.stderr);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "one error line: {err}");
        assert!(err.starts_with("error: invalid: "), "{err}");
        if json {
            // JSON keeps the reason exact.
            let j = common::json(&String::from_utf8_lossy(&o.stdout));
            assert!(j["reason"].as_str().unwrap().contains(FAKE_VALID), "{j}");
        }
    }
}

#[test]
fn failing_verify_bundle_cannot_display_verified() {
    let dir = tmp();
    let ledger = dir.path().join("ledger");
    init_with_fixtures(&ledger);
    let bundle = dir.path().join("bundle.jsonl");
    ok(&ledger, &["export", "--bundle", bundle.to_str().unwrap()]);
    let text = fs::read_to_string(&bundle).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    let fake = serde_json::json!({"type": format!("x'{FAKE_VALID}\r\x1b[2Kok: bundle.jsonl: 60 events verified")});
    fs::write(&bundle, format!("{header}\n{fake}\n{rest}")).unwrap();
    for json in [false, true] {
        let mut c = cmd(&ledger);
        if json {
            c.arg("--json");
        }
        let o = c
            .args(["verify", "--bundle", bundle.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", out(&o));
        assert_inert("verify --bundle stdout", &o.stdout);
        assert_inert("verify --bundle stderr", &o.stderr);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "one error line: {err}");
        assert!(err.contains("unknown line type"), "{err}");
    }
    // Importing the same bundle fails the same way, through the CLI's one error printer.
    let other = dir.path().join("other");
    init(&other);
    let o = run(&other, &["import", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert_inert("import --bundle stderr", &o.stderr);
}

#[test]
fn import_errors_quoting_the_file_are_escaped() {
    let dir = tmp();
    let ledger = dir.path().join("ledger");
    init(&ledger);
    let file = dir.path().join("bad.jsonl");
    let line = serde_json::json!({"type": format!("src{FAKE_VALID}"), "id": "a"});
    let line2 =
        serde_json::json!({"type": "source", "id": format!("id{FAKE_VALID}"), "kind": "primary"});
    fs::write(&file, format!("{line}\n{line2}\n")).unwrap();
    for json in [false, true] {
        let mut c = cmd(&ledger);
        if json {
            c.arg("--json");
        }
        let o = c.args(["import", file.to_str().unwrap()]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", out(&o));
        assert_inert("import stdout", &o.stdout);
        assert_inert("import stderr", &o.stderr);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(r"\x1b[2K") || err.contains(r"\u{1b}[2K"),
            "shown escaped: {err}"
        );
    }
}

#[test]
fn dot_labels_stay_inside_their_quotes() {
    let dir = tmp();
    let ledger = hostile_ledger(dir.path());
    let dot = ok(&ledger, &["graph", "--dot"]);
    for line in dot.lines().filter(|l| l.contains("label=")) {
        // Every quote inside a label is escaped, so quotes pair up outside escapes.
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
    assert!(!dot.lines().any(|l| l.starts_with("FORGED")), "{dot}");
}

// ---------------------------------------------------------------------------------------------
// Item 9: key files

/// Runs the binary under a shell with `umask`, with `env` set and HOME and the key settings
/// cleared unless given.
fn run_umask(umask: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(common::bin())
        .args(args)
        .env_remove("FACTLEDGER_KEYS")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("FACTLEDGER_DIR")
        .env("FACTLEDGER_NOW", common::NOW)
        .env("RUST_BACKTRACE", "0");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn key_files_are_private_whatever_the_umask() {
    let dir = tmp();
    let keys = dir.path().join("keys");
    let o = run_umask(
        "000",
        &[],
        &[
            "--key-dir",
            keys.to_str().unwrap(),
            "key",
            "generate",
            "--name",
            "ana",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    assert_eq!(mode(&keys), 0o700, "key directory");
    assert_eq!(mode(&keys.join("ana.secret")), 0o600, "secret");
    assert_eq!(mode(&keys.join("ana.pub")), 0o644, "public key");
}

#[cfg(unix)]
#[test]
fn a_secret_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    let keys = dir.path().join("keys");
    let ledger = dir.path().join("ledger");
    let k = keys.to_str().unwrap();
    let o = run_umask(
        "022",
        &[],
        &["--key-dir", k, "key", "generate", "--name", "ana"],
    );
    assert!(o.status.success(), "{}", out(&o));
    let secret = keys.join("ana.secret");
    for loose in [0o640, 0o604, 0o644] {
        fs::set_permissions(&secret, fs::Permissions::from_mode(loose)).unwrap();
        let o = run_umask(
            "022",
            &[],
            &[
                "--ledger",
                ledger.to_str().unwrap(),
                "--key-dir",
                k,
                "--author",
                "ana",
                "init",
                "--key",
                "ana",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "mode {loose:o}: {}", out(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("chmod 600 {}", secret.display())),
            "says how to fix it: {err}"
        );
        assert!(!ledger.exists(), "nothing written with a loose secret");
    }
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    let o = run_umask(
        "022",
        &[],
        &[
            "--ledger",
            ledger.to_str().unwrap(),
            "--key-dir",
            k,
            "--author",
            "ana",
            "init",
            "--key",
            "ana",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
}

#[cfg(unix)]
#[test]
fn key_generate_never_writes_through_a_symlink() {
    let dir = tmp();
    let keys = dir.path().join("keys");
    fs::create_dir(&keys).unwrap();
    let target = dir.path().join("elsewhere.txt");
    std::os::unix::fs::symlink(&target, keys.join("ana.pub")).unwrap();
    let o = run_umask(
        "022",
        &[],
        &[
            "--key-dir",
            keys.to_str().unwrap(),
            "key",
            "generate",
            "--name",
            "ana",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(!target.exists(), "the symlink was followed");
    assert!(!keys.join("ana.secret").exists(), "nothing half-written");
    // A dangling symlink as the secret is refused too.
    std::os::unix::fs::symlink(&target, keys.join("bob.secret")).unwrap();
    let o = run_umask(
        "022",
        &[],
        &[
            "--key-dir",
            keys.to_str().unwrap(),
            "key",
            "generate",
            "--name",
            "bob",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(!target.exists(), "the symlink was followed");
    assert!(!keys.join("bob.pub").exists(), "nothing half-written");
}

#[test]
fn an_empty_home_is_refused_rather_than_writing_keys_here() {
    let dir = tmp();
    let mut c = std::process::Command::new(common::bin());
    let o = c
        .current_dir(dir.path())
        .args(["key", "generate", "--name", "ana"])
        .env_remove("FACTLEDGER_KEYS")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", "")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written in the current folder"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--key-dir"), "says what to set: {err}");
}

#[test]
fn key_file_io_errors_exit_3() {
    let dir = tmp();
    // The key directory's place is taken by a file: creating it fails with an I/O error.
    let keys = dir.path().join("keys");
    fs::write(&keys, "not a directory").unwrap();
    let o = run_umask(
        "022",
        &[],
        &[
            "--key-dir",
            keys.to_str().unwrap(),
            "key",
            "generate",
            "--name",
            "ana",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    let o = run_umask(
        "022",
        &[],
        &["--key-dir", keys.to_str().unwrap(), "key", "list"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
}

// ---------------------------------------------------------------------------------------------
// Item 11: rollback of a whole ledger directory

#[test]
fn rollback_of_a_whole_ledger_passes_verify_but_not_a_later_checkpoint() {
    let dir = tmp();
    let ledger = dir.path().join("ledger");
    init_with_fixtures(&ledger);
    let (old_size, _) = common::verified_head(&ledger);
    common::wait_for_sled_release(&ledger);
    let backup = dir.path().join("backup");
    common::copy_dir(&ledger, &backup);
    // More events, then a checkpoint a reader keeps.
    let more = dir.path().join("more.jsonl");
    fs::write(
        &more,
        r#"{"type":"claim","id":"later-claim","source":"un-sc-record-2774","subject":"S/RES/2774","predicate":"outcome","value":"adopted"}"#,
    )
    .unwrap();
    ok(&ledger, &["import", more.to_str().unwrap()]);
    let cp = dir.path().join("later.checkpoint");
    fs::write(&cp, ok(&ledger, &["checkpoint"])).unwrap();
    let (new_size, _) = common::verified_head(&ledger);
    assert!(new_size > old_size);
    // Roll the whole directory back, HEAD included.
    fs::remove_dir_all(&ledger).unwrap();
    common::copy_dir(&backup, &ledger);
    // Locally, nothing shows: the old copy is a sound ledger of its own.
    let (seq, _) = common::verified_head(&ledger);
    assert_eq!(seq, old_size, "verify alone passes on the rolled-back copy");
    // The reader holding the later checkpoint asks for a consistency proof up to it: impossible.
    let o = run(
        &ledger,
        &[
            "prove",
            "--consistency",
            &old_size.to_string(),
            &new_size.to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!("has only {old_size} events")),
        "{}",
        out(&o)
    );
    // Any inclusion proof the rolled-back ledger gives fails against the later checkpoint.
    let proof = dir.path().join("proof.json");
    fs::write(&proof, ok(&ledger, &["prove", "article-sc-date"])).unwrap();
    let o = common::cmd_without_ledger(&ledger)
        .args([
            "verify-proof",
            proof.to_str().unwrap(),
            "--checkpoint",
            cp.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!("checkpoint says size {new_size}")),
        "{}",
        out(&o)
    );
    // And so does the claim added after the copy: it is simply gone.
    let o = run(&ledger, &["show", "later-claim"]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
}
