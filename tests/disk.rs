//! Disk full and read-only: an append that cannot be written fails with a clear error naming the
//! problem, is all or nothing, and the ledger still opens and verifies with everything that was
//! acknowledged before.
//!
//! These tests need root (they mount a small tmpfs, or bind-mount a directory read-only); where
//! that is not possible they print `skipped: REASON` and pass.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A mount that is undone when dropped, even when the test fails.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// Runs `mount ARGS TARGET`.
fn mount_cmd(args: &[&str], target: &Path) -> Result<(), String> {
    let out = Command::new("mount")
        .args(args)
        .arg(target)
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mount {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Mounts, returning a guard that unmounts.
fn mount(args: &[&str], target: &Path) -> Result<Mounted, String> {
    mount_cmd(args, target).map(|()| Mounted(target.to_path_buf()))
}

/// A source with `len` bytes of archived text, as one import line.
fn big_source(id: &str, len: usize, salt: u64) -> String {
    let text: String = (0..len)
        .map(|i| (b'a' + ((i as u64 * 7 + salt) % 26) as u8) as char)
        .collect();
    let mut line = serde_json::json!({"type": "source", "id": id, "title": "filler", "text": text})
        .to_string();
    line.push('\n');
    line
}

fn ids_in_log(ledger: &Path) -> BTreeMap<String, u64> {
    log(ledger)
        .iter()
        .filter_map(|e| Some((e["id"].as_str()?.to_string(), e["seq"].as_u64()?)))
        .collect()
}

#[test]
fn a_full_disk_fails_the_append_clearly_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let _mounted = match mount(&["-t", "tmpfs", "-o", "size=2m", "tmpfs"], &mnt) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("skipped: cannot mount a 2 MiB tmpfs ({e})");
            return;
        }
    };
    let ledger = mnt.join("ledger");
    init(&ledger);
    let mut acked: BTreeMap<String, u64> = BTreeMap::new();
    let mut failure = None;
    for round in 0..200 {
        // Three 100 KB sources per import: the disk fills within a few imports.
        let ids: Vec<String> = (0..3).map(|k| format!("fill-{round}-{k}")).collect();
        let text: String = ids
            .iter()
            .enumerate()
            .map(|(k, id)| big_source(id, 100_000, (round * 3 + k) as u64))
            .collect();
        let file = tmp.path().join(format!("batch-{round}.jsonl"));
        std::fs::write(&file, text).unwrap();
        let out = run(&ledger, &["--json", "import", file.to_str().unwrap()]);
        match ending(out.status, &out.stderr) {
            Ending::Success => {
                let ack = json(&String::from_utf8_lossy(&out.stdout));
                let first = ack["first_seq"].as_u64().unwrap();
                for (k, id) in ids.iter().enumerate() {
                    acked.insert(id.clone(), first + k as u64);
                }
            }
            Ending::CleanError { code, first_line } => {
                let err = String::from_utf8_lossy(&out.stderr).to_string();
                failure = Some((round, code, first_line, err, ids));
                break;
            }
            Ending::Bad(m) => panic!("append on a full disk ended badly: {m}"),
        }
    }
    let (round, code, first_line, err, failed_ids) =
        failure.expect("200 imports of 300 KB never filled a 2 MiB file system");
    eprintln!(
        "disk full after {} acknowledged imports ({} events): exit {code}: {}",
        round,
        acked.len(),
        err.trim()
    );
    assert_eq!(code, 3, "a full disk is 'unavailable' (exit 3): {err}");
    assert!(
        first_line.contains("No space left on device") || first_line.contains("os error 28"),
        "the message names the problem: {err}"
    );
    assert!(!acked.is_empty(), "nothing fitted before the disk was full");

    // On the still-full disk: it opens and verifies, or refuses clearly.
    let out = run(&ledger, &["--json", "verify"]);
    match ending(out.status, &out.stderr) {
        Ending::Success => eprintln!("verify on the full disk: ok"),
        Ending::CleanError { first_line, .. } => {
            eprintln!("verify on the full disk refused: {first_line}")
        }
        Ending::Bad(m) => panic!("verify on the full disk ended badly: {m}"),
    }
    // With room again: everything acknowledged is there, and appends work.
    let grown = Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(grown.success(), "remount with more room");
    verified_head(&ledger);
    let ids = ids_in_log(&ledger);
    for (id, seq) in &acked {
        assert_eq!(ids.get(id), Some(seq), "acknowledged {id} at seq {seq}");
    }
    let present = failed_ids.iter().filter(|id| ids.contains_key(*id)).count();
    eprintln!(
        "the failed import is {} after the disk had room again",
        if present == 0 {
            "absent"
        } else {
            "wholly present"
        }
    );
    assert!(
        present == 0 || present == failed_ids.len(),
        "the failed import is half there: {present} of {}",
        failed_ids.len()
    );
    ok(
        &ledger,
        &[
            "add",
            "source",
            "--id",
            "after-the-disk-was-full",
            "--title",
            "room again",
        ],
    );
    verified_head(&ledger);
}

/// How a directory was made read-only, undone when dropped.
enum ReadOnly {
    Bind(#[allow(dead_code)] Mounted),
    Immutable(PathBuf),
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let ReadOnly::Immutable(dir) = self {
            let _ = Command::new("chattr")
                .arg("-R")
                .arg("-i")
                .arg(&*dir)
                .status();
        }
    }
}

/// Makes `ledger` readable but not writable at the returned path: a read-only bind mount, or
/// else the immutable attribute (root ignores permission bits, so chmod would prove nothing).
fn read_only(ledger: &Path, view: &Path) -> Result<(ReadOnly, PathBuf), String> {
    std::fs::create_dir_all(view).unwrap();
    let bind = mount(&["--bind", ledger.to_str().unwrap()], view).and_then(|bound| {
        // On failure `bound` is dropped here, which unmounts the writable bind.
        mount_cmd(&["-o", "remount,ro,bind"], view)?;
        Ok(bound)
    });
    match bind {
        Ok(bound) => Ok((ReadOnly::Bind(bound), view.to_path_buf())),
        Err(bind_err) => {
            let out = Command::new("chattr")
                .arg("-R")
                .arg("+i")
                .arg(ledger)
                .output()
                .map_err(|e| format!("{bind_err}; cannot run chattr: {e}"))?;
            if out.status.success() {
                Ok((
                    ReadOnly::Immutable(ledger.to_path_buf()),
                    ledger.to_path_buf(),
                ))
            } else {
                let _ = Command::new("chattr")
                    .arg("-R")
                    .arg("-i")
                    .arg(ledger)
                    .status();
                Err(format!(
                    "{bind_err}; chattr +i failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
        }
    }
}

#[test]
fn a_read_only_ledger_refuses_appends_clearly_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init_with_fixtures(&ledger);
    let before = verified_head(&ledger);
    let ids_before = ids_in_log(&ledger);
    let (guard, path) = match read_only(&ledger, &tmp.path().join("ro-view")) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("skipped: cannot make a directory read-only here ({e})");
            return;
        }
    };
    let out = run(
        &path,
        &[
            "add",
            "claim",
            "--id",
            "refused",
            "--source",
            "wire-ga-vote",
            "--subject",
            "S/RO",
            "--predicate",
            "note",
            "--value",
            "cannot be written",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    eprintln!(
        "append to a read-only ledger: {} {}",
        out.status,
        err.trim()
    );
    match ending(out.status, &out.stderr) {
        Ending::CleanError { code, first_line } => {
            assert_eq!(code, 3, "{err}");
            assert!(
                first_line.contains("Read-only file system")
                    || first_line.contains("Operation not permitted"),
                "the message names the problem: {err}"
            );
        }
        other => panic!("append to a read-only ledger: {other:?}"),
    }
    drop(guard);
    assert_eq!(verified_head(&ledger), before);
    let ids = ids_in_log(&ledger);
    assert_eq!(ids, ids_before, "nothing lost, nothing added");
    ok(
        &ledger,
        &[
            "add",
            "source",
            "--id",
            "writable-again",
            "--title",
            "back to normal",
        ],
    );
    verified_head(&ledger);
}
