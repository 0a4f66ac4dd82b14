//! End-to-end tests of evidence files: what `evidence` writes for a claim and what
//! `verify-proof` accepts and refuses.
//!
//! Every run has the hermetic test environment (`common::TestEnv`) with a key directory and no
//! default author (`desk::Desk`). Keys are planted with fixed seeds (except where `key generate`
//! itself is tested), so every hash, signature and checkpoint is deterministic.

mod common;
mod desk;

use common::{Out, NOW};
use desk::*;
use factledger::model::event::{hex, Event};
use serde_json::{json, Value as Json};

// =============================================================================================
// Evidence

#[test]
fn evidence_lets_a_reader_with_only_the_checkpoint_confirm_a_claim() {
    let d = Desk::new();
    d.signed_ledger("L");
    let log = d.log("L");
    let hashes = hashes_of(&log);
    let out = d
        .on(
            "L",
            "ana",
            &["--json", "evidence", "c-date", "--out", "ev.json"],
        )
        .expect(0)
        .json();
    assert_eq!(
        out,
        json!({"ok": true, "out": "ev.json", "events": 3, "tree_size": SIGNED_EVENTS})
    );
    let ev: Json = serde_json::from_str(&d.read("ev.json")).unwrap();
    let cp: Json =
        serde_json::from_str(&d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout)
            .unwrap();
    let text_entry = |id: &str, t: &str| json!({"source": id, "hash": blake3::hash(t.as_bytes()).to_hex().as_str(), "len": t.len()});
    // The claim (seq 4), its source (the wire, seq 3) and what that cites (seq 2).
    let item = |seq: usize| {
        let e = &log[seq - 1];
        json!({"event": e, "proof": hexes(&path(seq - 1, &hashes))})
    };
    let mut expected = json!({
        "type": "evidence", "claim": "c-date", "claim_status_when_made": "live",
        "reaches_primary": true, "primary_sources": ["un-record"],
        "tree_size": SIGNED_EVENTS, "root": hex(&mth(&hashes)),
        "events": [item(4), item(3), item(2)],
        "texts": [text_entry("wire", TEXT_WIRE), text_entry("un-record", TEXT_RECORD)],
        "checkpoint": cp,
    });
    // Records are checked by decoding them.
    for (i, seq) in [4, 3, 2].iter().enumerate() {
        let r = ev["events"][i]["record"].as_str().unwrap();
        let bytes: Vec<u8> = (0..r.len() / 2)
            .map(|k| u8::from_str_radix(&r[2 * k..2 * k + 2], 16).unwrap())
            .collect();
        assert_eq!(Event::from_record(&bytes).unwrap().to_json(), log[seq - 1]);
        expected["events"][i]["record"] = json!(r);
    }
    assert_eq!(ev, expected);

    // The reader: a directory with the evidence file and the published note, no ledger, no
    // FACTLEDGER_DIR, and the desk's public key.
    let reader = d.p("reader");
    std::fs::create_dir(&reader).unwrap();
    std::fs::copy(d.p("ev.json"), reader.join("ev.json")).unwrap();
    std::fs::write(
        reader.join("checkpoint.txt"),
        d.on("L", "ana", &["checkpoint"]).expect(0).stdout,
    )
    .unwrap();
    // The hermetic environment without the desk's clock and author: a reader's.
    let mut c = assert_cmd::Command::from_std(common::hermetic(&reader, &reader));
    c.env_remove("TMPDIR")
        .env_remove("FACTLEDGER_NOW")
        .env_remove("FACTLEDGER_AUTHOR")
        .current_dir(&reader)
        .timeout(std::time::Duration::from_secs(60))
        .args([
            "verify-proof",
            "ev.json",
            "--checkpoint",
            "checkpoint.txt",
            "--key",
            &pk_hex(ANA),
        ]);
    let o = Out::of(c);
    let o = o.expect(0);
    assert_eq!(
        o.stdout,
        format!(
            "valid\n  ok: checkpoint signature by 'ana' verified (key {})\n  \
             ok: claim 'c-date' (seq 4, recorded by ana at {NOW}) is included in the tree of size 9\n  \
             ok: its source chain (wire, un-record) is included in the same tree, with 2 archived text hash(es) matching their sources\n",
            pk_hex(ANA)
        )
    );
    let mut left: Vec<String> = std::fs::read_dir(&reader)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["checkpoint.txt", "ev.json"],
        "the reader's directory is untouched"
    );

    // Against another desk's key, or a checkpoint of another size, the claim is not confirmed.
    let (code, _) = verify_proof(&d, "ev.json", &["--key", &pk_hex(BOB)]);
    assert_eq!(code, 1);
    d.signed_start("M", TITLE);
    d.write("m.txt", &d.on("M", "ana", &["checkpoint"]).expect(0).stdout);
    assert_eq!(
        verify_proof(
            &d,
            "ev.json",
            &["--checkpoint", "m.txt", "--key", &pk_hex(ANA)]
        ),
        (
            1,
            json!({"ok": false, "reason": "the file's checkpoint differs from the published checkpoint"})
        )
    );
    // Evidence for something that is not a claim is refused at the desk.
    d.on("L", "ana", &["evidence", "wire", "--out", "x.json"])
        .expect(2)
        .stderr_has("error: no claim with id 'wire' in the ledger");
}

/// Alters one JSON value so that it differs.
fn alter(v: &Json) -> Json {
    match v {
        Json::Null => json!("x"),
        Json::Bool(b) => json!(!b),
        Json::Number(n) => json!(n.as_u64().map_or(1, |n| n + 1)),
        Json::String(s) => json!(format!("{s}x")),
        Json::Array(a) => {
            let mut a = a.clone();
            a.push(json!("x"));
            Json::Array(a)
        }
        Json::Object(o) => {
            let mut o = o.clone();
            o.insert("x".into(), json!(1));
            Json::Object(o)
        }
    }
}

#[test]
fn every_altered_event_field_record_text_hash_or_proof_element_of_evidence_is_refused() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on("L", "ana", &["evidence", "c-date", "--out", "ev.json"])
        .expect(0);
    let ev: Json = serde_json::from_str(&d.read("ev.json")).unwrap();
    let ana = pk_hex(ANA);
    assert_eq!(verify_proof(&d, "ev.json", &["--key", &ana]).0, 0);
    let mut runs = 0;
    let mut refuse = |label: String, v: &Json, reason: Option<String>| {
        d.write_json("t.json", v);
        let (code, out) = verify_proof(&d, "t.json", &["--key", &ana]);
        assert_eq!(code, 1, "{label} was accepted: {out}");
        if let Some(r) = reason {
            let got = out["reason"].as_str().unwrap();
            assert!(got.contains(&r), "{label}: {got}");
        }
        runs += 1;
    };
    let mut rng = Rng(0xe1de);
    for (i, item) in ev["events"].as_array().unwrap().iter().enumerate() {
        let seq = item["event"]["seq"].as_u64().unwrap();
        let readable = format!("the readable fields of event seq {seq} differ from its record");
        // Every readable field, altered; one added; one removed.
        for (k, value) in item["event"].as_object().unwrap() {
            let mut t = ev.clone();
            t["events"][i]["event"][k] = alter(value);
            refuse(format!("event {seq} field {k}"), &t, Some(readable.clone()));
        }
        let mut t = ev.clone();
        t["events"][i]["event"]["extra"] = json!(true);
        refuse(
            format!("event {seq} extra field"),
            &t,
            Some(readable.clone()),
        );
        let mut t = ev.clone();
        t["events"][i]["event"]
            .as_object_mut()
            .unwrap()
            .remove("note");
        t["events"][i]["event"]
            .as_object_mut()
            .unwrap()
            .remove("cites");
        refuse(
            format!("event {seq} field removed"),
            &t,
            Some(readable.clone()),
        );
        // The record: sampled hex digits.
        let record = item["record"].as_str().unwrap().to_string();
        for _ in 0..4 {
            let j = rng.below(record.len());
            let mut t = ev.clone();
            t["events"][i]["record"] = json!(change_digit(&record, j));
            refuse(format!("event {seq} record digit {j}"), &t, None);
        }
        // Every proof element, one sampled digit each.
        for (p, element) in item["proof"].as_array().unwrap().iter().enumerate() {
            let j = rng.below(64);
            let mut t = ev.clone();
            t["events"][i]["proof"][p] = json!(change_digit(element.as_str().unwrap(), j));
            refuse(
                format!("event {seq} proof[{p}] digit {j}"),
                &t,
                Some(format!("event seq {seq}: ")),
            );
        }
    }
    for (i, text) in ev["texts"].as_array().unwrap().iter().enumerate() {
        let src = text["source"].as_str().unwrap();
        for _ in 0..2 {
            let j = rng.below(64);
            let mut t = ev.clone();
            t["texts"][i]["hash"] = json!(change_digit(text["hash"].as_str().unwrap(), j));
            refuse(
                format!("text {src} hash digit {j}"),
                &t,
                Some(format!(
                    "the text hash or length for '{src}' differs from what its source registered"
                )),
            );
        }
    }
    // The top level: tree size, root, which claim, the checkpoint's note.
    for (k, value) in [
        ("tree_size", json!(8)),
        ("root", json!(change_digit(ev["root"].as_str().unwrap(), 5))),
        ("claim", json!("c-tally")),
    ] {
        let mut t = ev.clone();
        t[k] = value;
        refuse(format!("top-level {k}"), &t, None);
    }
    let mut t = ev.clone();
    let note = t["checkpoint"]["note"]
        .as_str()
        .unwrap()
        .replace("\n9\n", "\n8\n");
    t["checkpoint"]["note"] = json!(note);
    refuse("checkpoint note".into(), &t, None);
    // Events dropped or swapped.
    let mut t = ev.clone();
    t["events"].as_array_mut().unwrap().remove(1);
    refuse(
        "the claim's source dropped".into(),
        &t,
        Some("source 'un-record' is not on the claim's chain".into()),
    );
    let mut t = ev.clone();
    t["events"].as_array_mut().unwrap().swap(0, 1);
    refuse(
        "the claim not first".into(),
        &t,
        Some("the first event of evidence must be the claim".into()),
    );
    println!("evidence: {runs} altered files refused");
    assert!(runs >= 80, "{runs}");
}

/// `reaches_primary`, `primary_sources` and each text's `len` follow from the source events the
/// evidence includes, so a reader may rely on them only if verify-proof checks them.
#[test]
fn evidence_summary_fields_that_follow_from_the_events_are_checked() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on("L", "ana", &["evidence", "c-date", "--out", "ev.json"])
        .expect(0);
    let ev: Json = serde_json::from_str(&d.read("ev.json")).unwrap();
    for (k, value) in [
        ("reaches_primary", json!(false)),
        ("primary_sources", json!(["wire"])),
        ("primary_sources", json!([])),
    ] {
        let mut t = ev.clone();
        t[k] = value.clone();
        d.write_json("t.json", &t);
        assert_eq!(
            verify_proof(&d, "t.json", &["--key", &pk_hex(ANA)]).0,
            1,
            "{k} = {value} was accepted"
        );
    }
    let mut t = ev.clone();
    t["texts"][0]["len"] = json!(1);
    d.write_json("t.json", &t);
    assert_eq!(
        verify_proof(&d, "t.json", &["--key", &pk_hex(ANA)]).0,
        1,
        "a text length of 1 was accepted"
    );
}

/// A JSON checkpoint's readable `time` and `signer` must be the note's, as `size`, `root` and
/// `origin` already must (`Checkpoint::from_json`); otherwise a reader of the JSON sees a time or
/// a signer nobody signed.
#[test]
fn a_json_checkpoint_whose_time_or_signer_differs_from_its_note_is_refused() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on("L", "ana", &["evidence", "c-date", "--out", "ev.json"])
        .expect(0);
    d.write(
        "p.json",
        &d.on("L", "", &["--json", "prove", "c-date"])
            .expect(0)
            .stdout,
    );
    let cp: Json =
        serde_json::from_str(&d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout)
            .unwrap();
    let ev: Json = serde_json::from_str(&d.read("ev.json")).unwrap();
    for (k, value) in [
        ("time", json!("2031-01-01T00:00:00Z")),
        ("signer", json!("bob")),
    ] {
        let mut t = cp.clone();
        t[k] = value.clone();
        d.write_json("cp.json", &t);
        assert_eq!(
            verify_proof(
                &d,
                "p.json",
                &["--checkpoint", "cp.json", "--key", &pk_hex(ANA)]
            )
            .0,
            1,
            "checkpoint {k} = {value} was accepted"
        );
        let mut t = ev.clone();
        t["checkpoint"][k] = value.clone();
        d.write_json("t.json", &t);
        assert_eq!(
            verify_proof(&d, "t.json", &["--key", &pk_hex(ANA)]).0,
            1,
            "evidence checkpoint {k} = {value} was accepted"
        );
    }
}

/// With `--key`, the reader expects a checkpoint signed by that key: an unsigned checkpoint (its
/// signature line stripped by whoever passed the file on) must not pass.
#[test]
fn a_pinned_key_refuses_an_unsigned_checkpoint() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on("L", "ana", &["evidence", "c-date", "--out", "ev.json"])
        .expect(0);
    let ana = pk_hex(ANA);
    // Evidence whose embedded checkpoint lost its signature.
    let mut ev: Json = serde_json::from_str(&d.read("ev.json")).unwrap();
    let note = ev["checkpoint"]["note"].as_str().unwrap().to_string();
    let body = format!("{}\n", note.split("\n\n").next().unwrap());
    ev["checkpoint"]["note"] = json!(body);
    ev["checkpoint"]["signer"] = json!(null);
    ev["checkpoint"]["public_key"] = json!(null);
    d.write_json("stripped.json", &ev);
    assert_eq!(verify_proof(&d, "stripped.json", &["--key", &ana]).0, 1);
    // An inclusion proof against a published note whose signature line was removed.
    d.write("body.txt", &body);
    d.write(
        "p.json",
        &d.on("L", "", &["--json", "prove", "c-date"])
            .expect(0)
            .stdout,
    );
    assert_eq!(
        verify_proof(&d, "p.json", &["--checkpoint", "body.txt", "--key", &ana]).0,
        1
    );
}
