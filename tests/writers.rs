//! Two writers: a second process either waits for the first (`--wait SECONDS`) and succeeds, or
//! is refused at once with exit 3 and "ledger is in use by another process"; afterwards the
//! ledger verifies and every acknowledged append is in it.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn ledger_with_source(dir: &Path) {
    init(dir);
    ok(
        dir,
        &[
            "add",
            "source",
            "--id",
            "src",
            "--kind",
            "primary",
            "--title",
            "Writers test source",
        ],
    );
}

fn add_args(id: &str) -> Vec<String> {
    let mut args = vec!["--json".to_string()];
    args.extend(add_claim_args(id, "src", "S/W", id));
    args
}

fn assert_in_use(out: &std::process::Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "expected exit 3, got {}: {err}",
        out.status
    );
    assert!(
        err.starts_with("error: ledger is in use by another process"),
        "{err}"
    );
    assert!(err.contains("--wait"), "the hint names --wait: {err}");
}

/// Holds the ledger's lock the way factledger does (flock on LOCK) from the test process.
fn hold_lock(ledger: &Path) -> File {
    let f = File::options()
        .write(true)
        .open(ledger.join("LOCK"))
        .expect("LOCK exists once a ledger was opened");
    f.try_lock().expect("nobody else holds the lock");
    f
}

#[test]
fn a_held_ledger_refuses_at_once_without_wait() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("l");
    ledger_with_source(&ledger);
    let lock = hold_lock(&ledger);
    for args in [
        add_args("refused"),
        vec!["verify".into()],
        vec!["log".into()],
    ] {
        let start = Instant::now();
        let out = cmd(&ledger).args(&args).output().unwrap();
        assert_in_use(&out);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "refusal was not immediate"
        );
    }
    // --wait shorter than the holder: refused after waiting about that long.
    let start = Instant::now();
    let out = cmd(&ledger)
        .args(["--wait", "0.4"])
        .args(add_args("refused-after-wait"))
        .output()
        .unwrap();
    assert_in_use(&out);
    assert!(start.elapsed() >= Duration::from_millis(400));
    drop(lock);
    let log = log(&ledger);
    assert!(log
        .iter()
        .all(|e| e["id"] != "refused" && e["id"] != "refused-after-wait"));
    verified_head(&ledger);
}

#[test]
fn a_waiting_writer_gets_in_when_the_holder_lets_go() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("l");
    ledger_with_source(&ledger);
    let lock = hold_lock(&ledger);
    let child = cmd(&ledger)
        .args(["--wait", "30"])
        .args(add_args("waited"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let mut child = child;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the writer should still be waiting for the lock"
    );
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ack = json(&String::from_utf8_lossy(&out.stdout));
    let seq = ack["last_seq"].as_u64().unwrap();
    let shown = json(&ok(&ledger, &["--json", "show", "waited"]));
    assert_eq!(shown["seq"].as_u64(), Some(seq));
    verified_head(&ledger);
}

fn spawn_import(ledger: &Path, file: &Path, wait: Option<&str>) -> Child {
    let mut c = cmd(ledger);
    if let Some(w) = wait {
        c.args(["--wait", w]);
    }
    c.args(["--json", "import", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn batch(dir: &Path, tag: &str, n: usize) -> (std::path::PathBuf, Vec<String>) {
    let mut text = String::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{tag}-{i}");
        text.push_str(
            &serde_json::json!({"type": "claim", "id": id, "source": "src", "subject": format!("S/{tag}"), "predicate": "note", "value": format!("{tag} {i}")})
                .to_string(),
        );
        text.push('\n');
        ids.push(id);
    }
    let path = dir.join(format!("{tag}.jsonl"));
    std::fs::write(&path, text).unwrap();
    (path, ids)
}

/// Two real processes appending at the same moment, with and without --wait.
#[test]
fn two_processes_appending_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("l");
    ledger_with_source(&ledger);
    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    let mut refused = 0;
    let mut both_waited = 0;
    for round in 0..8 {
        let wait = if round % 2 == 0 { Some("60") } else { None };
        let (fa, ids_a) = batch(tmp.path(), &format!("r{round}a"), 60);
        let (fb, ids_b) = batch(tmp.path(), &format!("r{round}b"), 60);
        let a = spawn_import(&ledger, &fa, wait);
        let b = spawn_import(&ledger, &fb, wait);
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let mut successes = 0;
        for (out, ids) in outs.iter().zip([&ids_a, &ids_b]) {
            if out.status.success() {
                successes += 1;
                let ack = json(&String::from_utf8_lossy(&out.stdout));
                let first = ack["first_seq"].as_u64().unwrap();
                assert_eq!(ack["appended"].as_u64(), Some(ids.len() as u64));
                for (k, id) in ids.iter().enumerate() {
                    acked.insert(id.clone(), first + k as u64);
                }
            } else {
                assert!(
                    wait.is_none(),
                    "with --wait both must succeed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_in_use(out);
                refused += 1;
            }
        }
        if wait.is_some() {
            assert_eq!(successes, 2);
            both_waited += 1;
        } else {
            assert!(successes >= 1, "one of the two writers must get in");
        }
    }
    let log = log(&ledger);
    let by_id: BTreeMap<String, u64> = log
        .iter()
        .filter_map(|e| Some((e["id"].as_str()?.to_string(), e["seq"].as_u64()?)))
        .collect();
    for (id, seq) in &acked {
        assert_eq!(by_id.get(id), Some(seq), "acknowledged {id} at seq {seq}");
    }
    verified_head(&ledger);
    eprintln!(
        "writers: {} events acknowledged, {refused} refusals without --wait, {both_waited} rounds where both succeeded with --wait",
        acked.len()
    );
    assert!(
        refused > 0,
        "two writers started together never collided: the refusal path was not exercised"
    );
}
