//! End-to-end tests of checkpoints (byte-exact C2SP notes) and of inclusion and consistency
//! proofs, each recomputed here from RFC 9162 independently of the binary.
//!
//! Every run has the hermetic test environment (`common::TestEnv`) with a key directory and no
//! default author (`desk::Desk`). Keys are planted with fixed seeds (except where `key generate`
//! itself is tested), so every hash, signature and checkpoint is deterministic.

mod common;
mod desk;

use common::NOW;
use desk::*;
use factledger::integrity::checkpoint::key_id;
use factledger::model::event::{hex, Event};
use serde_json::{json, Value as Json};
use sha2::{Digest as _, Sha256};

// =============================================================================================
// Checkpoints and proofs

#[test]
fn checkpoint_notes_are_byte_exact_and_the_json_form_carries_the_public_key() {
    let d = Desk::new();
    d.signed_ledger("L");
    let hashes = hashes_of(&d.log("L"));
    let root = mth(&hashes);
    let note = expected_note(&hashes[0], SIGNED_EVENTS, &root, Some(("ana", ANA)));
    let lines: Vec<&str> = note.split('\n').collect();
    assert_eq!(
        lines.len(),
        7,
        "4 body lines, a blank line, the signature line, the end"
    );
    assert_eq!(lines[4], "");
    assert!(lines[5].starts_with("\u{2014} ana "));

    let text = d.on("L", "ana", &["checkpoint"]).expect(0).stdout;
    assert_eq!(text, note, "printed note, ending in one newline");
    let v = d.on("L", "ana", &["--json", "checkpoint"]).expect(0).json();
    assert_eq!(
        v,
        json!({
            "type": "checkpoint",
            "origin": format!("factledger/{}", &hex(&hashes[0])[..32]),
            "size": SIGNED_EVENTS,
            "root": hex(&root),
            "time": NOW,
            "signer": "ana",
            "public_key": pk_hex(ANA),
            "note": note,
        })
    );
    // The library's key id is the one in the note.
    let mut h = Sha256::new();
    h.update(b"ana\n\x01");
    h.update(pk(ANA));
    assert_eq!(key_id("ana", &pk(ANA)), h.finalize()[..4]);
    // Bob is revoked: he may not sign checkpoints; someone without a key neither.
    d.on("L", "bob", &["checkpoint"])
        .expect(2)
        .stderr_has("'bob' is not an authorised author of this ledger with that key");
    d.on("L", "carol", &["checkpoint"])
        .expect(2)
        .stderr_has("error: this ledger is signed, so its checkpoints must be too, but author 'carol' has no key in ");
    // Without an author named, ana signs: the one authorised author whose key is at hand (bob's
    // key is here too, but he is revoked).
    assert_eq!(d.on("L", "", &["checkpoint"]).expect(0).stdout, note);

    // An unsigned ledger's checkpoint is the 4-line body alone.
    d.unsigned_ledger("U");
    let hashes = hashes_of(&d.log("U"));
    let note = expected_note(&hashes[0], 5, &mth(&hashes), None);
    assert_eq!(note.lines().count(), 4);
    assert_eq!(d.on("U", "desk", &["checkpoint"]).expect(0).stdout, note);
    let v = d
        .on("U", "desk", &["--json", "checkpoint"])
        .expect(0)
        .json();
    assert_eq!(v["signer"], json!(null));
    assert_eq!(v["public_key"], json!(null));
    assert_eq!(v["note"], json!(note));
}

#[test]
fn inclusion_proofs_verify_against_the_checkpoint_and_the_pinned_key() {
    let d = Desk::new();
    d.signed_ledger("L");
    let log = d.log("L");
    let hashes = hashes_of(&log);
    d.write(
        "cp.txt",
        &d.on("L", "ana", &["checkpoint"]).expect(0).stdout,
    );
    d.write(
        "cp.json",
        &d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout,
    );

    // The proof of claim c-date (seq 4), exactly.
    let proof = d
        .on("L", "", &["--json", "prove", "c-date"])
        .expect(0)
        .json();
    let record_hex = proof["event"]["record"].as_str().unwrap();
    let record: Vec<u8> = (0..record_hex.len() / 2)
        .map(|i| u8::from_str_radix(&record_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let event = Event::from_record(&record).unwrap();
    assert_eq!(event.to_json(), log[3]);
    assert_eq!(
        proof,
        json!({
            "type": "inclusion", "seq": 4, "leaf_index": 3, "tree_size": SIGNED_EVENTS,
            "leaf": hex(&hashes[3]), "root": hex(&mth(&hashes)),
            "proof": hexes(&path(3, &hashes)),
            "event": {"event": log[3], "record": record_hex},
        })
    );
    assert_eq!(proof["proof"].as_array().unwrap().len(), 4);
    d.write_json("p.json", &proof);
    // Human output of prove is the same proof.
    let pretty: Json =
        serde_json::from_str(&d.on("L", "", &["prove", "c-date"]).expect(0).stdout).unwrap();
    assert_eq!(pretty, proof);

    // Against the JSON checkpoint (key from the file), the note with the pinned key, or both.
    let ok = |args: &[&str]| {
        let (code, v) = verify_proof(&d, "p.json", args);
        assert_eq!(code, 0, "{args:?}: {v}");
        v
    };
    let v = ok(&["--checkpoint", "cp.json"]);
    assert_eq!(
        v,
        json!({"ok": true, "checkpoint_key": pk_hex(ANA), "checked": [
            format!("checkpoint signature by 'ana' verified (key {})", pk_hex(ANA)),
            "event seq 4 decodes and hashes to the leaf",
            format!("event seq 4 is included in the tree of size 9 (root {})", hex(&mth(&hashes))),
        ]})
    );
    ok(&["--checkpoint", "cp.txt", "--key", &pk_hex(ANA)]);
    ok(&["--checkpoint", "cp.json", "--key", &pk_hex(ANA)]);
    let text = d
        .fl(&["verify-proof", "p.json", "--checkpoint", "cp.json"])
        .expect(0)
        .stdout;
    assert!(
        text.starts_with("valid\n  ok: checkpoint signature by 'ana'"),
        "{text}"
    );
    assert!(text.ends_with("  note: the checkpoint's key came from the file; pass --key to pin the key you trust\n"), "{text}");

    // A pinned key that is not the signer's.
    let wrong_id = hex(&key_id("ana", &pk(ANA)));
    for cp in ["cp.txt", "cp.json"] {
        assert_eq!(
            verify_proof(&d, "p.json", &["--checkpoint", cp, "--key", &pk_hex(BOB)]),
            (
                1,
                json!({"ok": false, "reason": format!("the checkpoint's signature line names another key (key id {wrong_id})")})
            )
        );
    }
    // The note alone names no key.
    assert_eq!(
        verify_proof(&d, "p.json", &["--checkpoint", "cp.txt"]),
        (
            1,
            json!({"ok": false, "reason": "the checkpoint's signature does not verify: no public key to check it with (pass --key)"})
        )
    );
    // A JSON checkpoint whose public key was swapped: the key id gives it away.
    let mut swapped: Json = serde_json::from_str(&d.read("cp.json")).unwrap();
    swapped["public_key"] = json!(pk_hex(MALLORY));
    d.write_json("swapped.json", &swapped);
    assert_eq!(
        verify_proof(&d, "p.json", &["--checkpoint", "swapped.json"]).0,
        1
    );
    ok(&["--checkpoint", "swapped.json", "--key", &pk_hex(ANA)]);
    // A note whose size was changed: the signature no longer verifies.
    d.write("moved.txt", d.read("cp.txt").replace("\n9\n", "\n8\n"));
    let (code, v) = verify_proof(
        &d,
        "p.json",
        &["--checkpoint", "moved.txt", "--key", &pk_hex(ANA)],
    );
    assert_eq!(code, 1);
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .starts_with("the checkpoint's signature does not verify: "),
        "{v}"
    );

    // A proof for another tree size than the checkpoint's.
    let small = d
        .on("L", "", &["--json", "prove", "c-date", "--size", "6"])
        .expect(0)
        .json();
    assert_eq!(small["root"], json!(hex(&mth(&hashes[..6]))));
    assert_eq!(small["proof"], hexes(&path(3, &hashes[..6])));
    d.write_json("p6.json", &small);
    assert_eq!(
        verify_proof(&d, "p6.json", &["--checkpoint", "cp.json"]),
        (
            1,
            json!({"ok": false, "reason": format!(
                "the proof is for size 6 root {}, but the checkpoint says size 9 root {}",
                hex(&mth(&hashes[..6])),
                hex(&mth(&hashes))
            )})
        )
    );
    // Without a checkpoint it is checked against its own root.
    let (code, v) = verify_proof(&d, "p6.json", &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["checkpoint_key"], json!(null));
    d.on("L", "", &["prove", "c-date", "--size", "3"])
        .expect(2)
        .stderr_has("--size 3: must be at least seq 4 and at most the ledger's 9 events");
}

#[test]
fn every_changed_digit_of_an_inclusion_proof_is_refused() {
    let d = Desk::new();
    d.signed_ledger("L");
    let hashes = hashes_of(&d.log("L"));
    let full = d.on("L", "", &["--json", "prove", "4"]).expect(0).json();
    // The bare proof (no event): only the Merkle path ties the leaf to the root.
    let mut bare = full.clone();
    bare.as_object_mut().unwrap().remove("event");
    d.write_json("bare.json", &bare);
    assert_eq!(verify_proof(&d, "bare.json", &[]).0, 0);

    let mut runs = 0;
    let mut refuse = |label: String, v: &Json, args: &[&str]| {
        d.write_json("t.json", v);
        let (code, out) = verify_proof(&d, "t.json", args);
        assert_eq!(code, 1, "{label} was accepted: {out}");
        assert_eq!(out["ok"], json!(false), "{label}");
        runs += 1;
    };
    // Every hex digit of every path element.
    for (i, element) in full["proof"].as_array().unwrap().iter().enumerate() {
        let s = element.as_str().unwrap();
        for j in 0..64 {
            let mut t = bare.clone();
            t["proof"][i] = json!(change_digit(s, j));
            refuse(format!("proof[{i}] digit {j}"), &t, &[]);
        }
    }
    // The leaf and the root: one digit of every byte (alternating high and low).
    for field in ["leaf", "root"] {
        let s = full[field].as_str().unwrap().to_string();
        for j in (0..64).step_by(2).map(|j| j + (j / 2) % 2) {
            let mut t = bare.clone();
            t[field] = json!(change_digit(&s, j));
            refuse(format!("{field} digit {j}"), &t, &[]);
        }
    }
    // Other positions and sizes; a path element dropped or added.
    // (A larger tree size whose path has the same shape, 10 to 16 here, computes the same root
    // from the same path: RFC 9162 binds the size only through the checkpoint, checked below.)
    for (field, value) in [
        ("seq", json!(3)),
        ("seq", json!(5)),
        ("tree_size", json!(8)),
        ("tree_size", json!(17)),
        ("leaf_index", json!(4)),
    ] {
        let mut t = bare.clone();
        t[field] = value.clone();
        refuse(format!("{field} = {value}"), &t, &[]);
    }
    let mut t = bare.clone();
    t["seq"] = json!(5);
    t["leaf_index"] = json!(4);
    refuse("seq and leaf_index moved together".into(), &t, &[]);
    let mut t = bare.clone();
    t["proof"].as_array_mut().unwrap().pop();
    refuse("a path element dropped".into(), &t, &[]);
    let mut t = bare.clone();
    t["proof"]
        .as_array_mut()
        .unwrap()
        .push(json!(hex(&hashes[0])));
    refuse("a path element added".into(), &t, &[]);
    // The leaf of another event with its own (valid) path: the event object gives it away.
    let mut t = full.clone();
    t["leaf"] = json!(hex(&hashes[4]));
    t["proof"] = hexes(&path(4, &hashes));
    t["seq"] = json!(5);
    t["leaf_index"] = json!(4);
    refuse(
        "another event's leaf and path under this event".into(),
        &t,
        &[],
    );

    // The full file (with its event) against the published checkpoint, sampled.
    d.write(
        "cp.json",
        &d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout,
    );
    let mut rng = Rng(0x1eaf);
    for field in ["leaf", "root"] {
        let s = full[field].as_str().unwrap().to_string();
        for _ in 0..3 {
            let j = rng.below(64);
            let mut t = full.clone();
            t[field] = json!(change_digit(&s, j));
            refuse(
                format!("full {field} digit {j}"),
                &t,
                &["--checkpoint", "cp.json"],
            );
        }
    }
    for i in 0..full["proof"].as_array().unwrap().len() {
        let s = full["proof"][i].as_str().unwrap().to_string();
        let j = rng.below(64);
        let mut t = full.clone();
        t["proof"][i] = json!(change_digit(&s, j));
        refuse(
            format!("full proof[{i}] digit {j}"),
            &t,
            &["--checkpoint", "cp.json"],
        );
    }
    for (field, value) in [
        ("seq", json!(5)),
        ("tree_size", json!(8)),
        ("tree_size", json!(10)),
    ] {
        let mut t = full.clone();
        t[field] = value;
        refuse(format!("full {field}"), &t, &["--checkpoint", "cp.json"]);
    }
    println!("inclusion proof: {runs} altered proofs refused");
    assert_eq!(runs, 4 * 64 + 2 * 32 + 5 + 4 + (2 * 3 + 4 + 3));
}

#[test]
fn a_ledger_rewritten_behind_a_checkpoint_is_caught_by_a_consistency_proof() {
    let d = Desk::new();
    // The real ledger at 5 events: its checkpoint is published. Then it grows to 9.
    d.signed_start("L", TITLE);
    d.write(
        "old.json",
        &d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout,
    );
    d.write(
        "old.txt",
        &d.on("L", "ana", &["checkpoint"]).expect(0).stdout,
    );
    d.signed_finish("L");
    d.write(
        "new.json",
        &d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout,
    );
    let hashes = hashes_of(&d.log("L"));

    let cons = d
        .on("L", "", &["--json", "prove", "--consistency", "5", "9"])
        .expect(0)
        .json();
    assert_eq!(
        cons,
        json!({
            "type": "consistency", "old_size": 5, "new_size": 9,
            "old_root": hex(&mth(&hashes[..5])), "new_root": hex(&mth(&hashes)),
            "proof": hexes(&subproof(5, &hashes, true)),
        })
    );
    d.write_json("cons.json", &cons);
    let ana = pk_hex(ANA);
    for args in [
        vec!["--checkpoint", "old.json"],
        vec!["--checkpoint", "new.json"],
        vec!["--checkpoint", "old.txt", "--key", &ana],
    ] {
        let (code, v) = verify_proof(&d, "cons.json", &args);
        assert_eq!(code, 0, "{args:?}: {v}");
    }
    let (_, v) = verify_proof(&d, "cons.json", &["--checkpoint", "old.json"]);
    assert_eq!(
        v["checked"][1],
        json!(format!(
            "the tree of size 9 (root {}) extends the tree of size 5 (root {}): the ledger was only appended to",
            hex(&mth(&hashes)),
            hex(&mth(&hashes[..5]))
        ))
    );

    // The same desk, same key, same clock, but seq 2 (a source's title) differs: a rewritten
    // ledger. Its first event is identical, so it has the same origin and a valid signature.
    d.signed_start("R", "Voting record: draft resolution 2774 (amended)");
    d.write(
        "r-old.json",
        &d.on("R", "ana", &["--json", "checkpoint"]).expect(0).stdout,
    );
    let r_old: Json = serde_json::from_str(&d.read("r-old.json")).unwrap();
    let old: Json = serde_json::from_str(&d.read("old.json")).unwrap();
    assert_eq!(r_old["origin"], old["origin"]);
    assert_eq!(r_old["size"], json!(5));
    assert_ne!(r_old["root"], old["root"]);
    let r_hashes = hashes_of(&d.log("R"));
    assert_eq!(r_hashes[0], hashes[0]);
    assert_ne!(r_hashes[1], hashes[1]);

    // The real ledger's consistency proof does not fit the rewritten ledger's checkpoint…
    assert_eq!(
        verify_proof(
            &d,
            "cons.json",
            &["--checkpoint", "r-old.json", "--key", &ana]
        ),
        (
            1,
            json!({"ok": false, "reason": format!(
                "the checkpoint (size 5 root {}) is neither end of the proof",
                r_old["root"].as_str().unwrap()
            )})
        )
    );
    // …nor does it prove the rewritten root when that is written in as the old root.
    let mut forged = cons.clone();
    forged["old_root"] = r_old["root"].clone();
    d.write_json("forged.json", &forged);
    let (code, v) = verify_proof(
        &d,
        "forged.json",
        &["--checkpoint", "r-old.json", "--key", &ana],
    );
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["ok"], json!(false));
    assert!(
        !v["reason"].as_str().unwrap().contains("neither end"),
        "{v}"
    );

    // The other way round: the rewritten ledger grows on, and its own consistency proof cannot
    // reach back to the checkpoint the real ledger published at 5.
    d.signed_finish("R");
    let r_cons = d
        .on("R", "", &["--json", "prove", "--consistency", "5", "9"])
        .expect(0)
        .json();
    d.write_json("r-cons.json", &r_cons);
    let (code, _) = verify_proof(
        &d,
        "r-cons.json",
        &["--checkpoint", "r-old.json", "--key", &ana],
    );
    assert_eq!(code, 0, "the rewritten ledger is consistent with itself");
    let (code, v) = verify_proof(
        &d,
        "r-cons.json",
        &["--checkpoint", "old.txt", "--key", &ana],
    );
    assert_eq!(code, 1, "{v}");
    let mut claimed = r_cons.clone();
    claimed["old_root"] = old["root"].clone();
    d.write_json("claimed.json", &claimed);
    let (code, v) = verify_proof(
        &d,
        "claimed.json",
        &["--checkpoint", "old.txt", "--key", &ana],
    );
    assert_eq!(code, 1, "{v}");

    // Every changed digit of the real proof is refused (sampled).
    let mut rng = Rng(0xc0de);
    let mut runs = 0;
    for i in 0..cons["proof"].as_array().unwrap().len() {
        for _ in 0..4 {
            let j = rng.below(64);
            let mut t = cons.clone();
            t["proof"][i] = json!(change_digit(cons["proof"][i].as_str().unwrap(), j));
            d.write_json("t.json", &t);
            assert_eq!(verify_proof(&d, "t.json", &[]).0, 1, "proof[{i}] digit {j}");
            runs += 1;
        }
    }
    for field in ["old_root", "new_root"] {
        let j = rng.below(64);
        let mut t = cons.clone();
        t[field] = json!(change_digit(cons[field].as_str().unwrap(), j));
        d.write_json("t.json", &t);
        assert_eq!(verify_proof(&d, "t.json", &[]).0, 1, "{field} digit {j}");
        runs += 1;
    }
    println!("consistency proof: {runs} altered proofs refused");
    d.on("L", "", &["prove", "--consistency", "5", "10"])
        .expect(2)
        .stderr_has("--consistency 5 10: the ledger has only 9 events");
}
