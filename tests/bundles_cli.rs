//! End-to-end tests of bundles: export, verify and import of a ledger's events, texts and
//! checkpoint, and the bundles that must be refused.
//!
//! Every run has the hermetic test environment (`common::TestEnv`) with a key directory and no
//! default author (`desk::Desk`). Keys are planted with fixed seeds (except where `key generate`
//! itself is tested), so every hash, signature and checkpoint is deterministic.

mod common;
mod desk;

use desk::*;
use ed25519_dalek::Signer as _;
use factledger::integrity::proof::event_json;
use factledger::model::event::{hex, Event};
use serde_json::{json, Value as Json};

// =============================================================================================
// Bundles

#[test]
fn a_bundle_round_trip_reproduces_the_head_and_the_checkpoint_root() {
    let d = Desk::new();
    d.signed_ledger("L");
    let out = d
        .on("L", "ana", &["--json", "export", "--bundle", "b.jsonl"])
        .expect(0)
        .json();
    let hashes = hashes_of(&d.log("L"));
    let root = hex(&mth(&hashes));
    assert_eq!(
        out,
        json!({"ok": true, "bundle": "b.jsonl", "lines": 13, "events": SIGNED_EVENTS, "root": root})
    );
    let bundle = d.read("b.jsonl");
    let lines: Vec<&str> = bundle.lines().collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(
        lines[0],
        json!({"type":"bundle","format":1,"origin":format!("factledger/{}", &hex(&hashes[0])[..32]),"events":9}).to_string()
    );
    let cp = d.on("L", "ana", &["--json", "checkpoint"]).expect(0).stdout;
    assert_eq!(
        format!("{}\n", lines[12]),
        cp,
        "the last line is the checkpoint"
    );
    assert_eq!(
        d.fl(&["--json", "verify", "--bundle", "b.jsonl"])
            .expect(0)
            .json(),
        json!({"ok": true, "bundle": "b.jsonl", "events": 9, "texts": 2, "root": root,
               "signed": true, "signed_from": 1, "checkpoint_signer": "ana",
               "origin": format!("factledger/{}", &hex(&hashes[0])[..32]),
               "checkpoint_key": pk_hex(ANA), "checkpoint": null})
    );
    let text = d.fl(&["verify", "--bundle", "b.jsonl"]).expect(0).stdout;
    assert!(
        text.starts_with(&format!("ok: b.jsonl: 9 events, 2 archived texts; hashes, links, signatures, author authorisations, and the checkpoint root {root} verified\n")),
        "{text}"
    );

    // Into an empty ledger: the same events, head, root and checkpoint.
    d.on("M", "", &["init"]).expect(0);
    let out = d
        .on("M", "", &["--json", "import", "--bundle", "b.jsonl"])
        .expect(0)
        .json();
    let head = d.head("L");
    assert_eq!(
        out,
        json!({"ok": true, "file": "b.jsonl", "appended": 9, "head": {"seq": 9, "hash": head.1}, "root": root})
    );
    assert_eq!(d.head("M"), head);
    assert_eq!(d.log("M"), d.log("L"));
    assert_eq!(
        d.on("M", "ana", &["--json", "checkpoint"]).expect(0).stdout,
        cp
    );
    let (code, v) = d.verify("M");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        (v["signed_from"].clone(), v["signed_events"].clone()),
        (json!(1), json!(9))
    );
    assert_eq!(v["projection_digest"], d.verify("L").1["projection_digest"]);
    // The archived texts came along.
    assert_eq!(
        d.on("M", "", &["show", "wire", "--text", "--json"])
            .expect(0)
            .json()["text"],
        json!(TEXT_WIRE)
    );

    // Into a ledger that is not empty: refused, nothing appended.
    d.on("M", "", &["import", "--bundle", "b.jsonl"])
        .expect(2)
        .stderr_has("error: import --bundle needs an empty ledger; this one has 9 events");
    d.on("N", "ana", &["init", "--key", "ana"]).expect(0);
    d.on("N", "ana", &["import", "--bundle", "b.jsonl"])
        .expect(2)
        .stderr_has("this one has 1 events");
    assert_eq!(d.head("N").0, 1);
    assert_eq!(d.head("M"), head);
}

#[test]
fn a_changed_byte_on_any_line_of_a_bundle_is_caught_at_that_line() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.unsigned_ledger("U");
    d.on("L", "ana", &["export", "--bundle", "signed.jsonl"])
        .expect(0);
    d.on("U", "desk", &["export", "--bundle", "unsigned.jsonl"])
        .expect(0);
    let mut rng = Rng(0xb0b);
    let mut runs = 0;
    // Each line of the signed bundle once, each line of the (faster) unsigned one four times.
    for (file, per_line) in [("signed.jsonl", 1), ("unsigned.jsonl", 4)] {
        let original = d.read(file);
        let lines: Vec<&str> = original.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            for _ in 0..per_line {
                let at = rng.below(line.len());
                let mut bytes = line.as_bytes().to_vec();
                let was = bytes[at];
                // A printable ASCII byte other than the original.
                let mut b = 0x20 + rng.below(0x5f) as u8;
                if b == was {
                    b = if b == b'~' { b' ' } else { b + 1 };
                }
                bytes[at] = b;
                let mut altered: Vec<u8> = Vec::new();
                for (k, l) in lines.iter().enumerate() {
                    altered.extend_from_slice(if k == i { &bytes } else { l.as_bytes() });
                    altered.push(b'\n');
                }
                std::fs::write(d.p("t.jsonl"), &altered).unwrap();
                let o = d.fl(&["--json", "verify", "--bundle", "t.jsonl"]);
                let what = format!(
                    "{file} line {n} byte {at}: {:?} -> {:?}",
                    was as char, b as char
                );
                assert_eq!(o.code, 1, "{what} was accepted: {o:#?}");
                let v = o.json();
                assert_eq!(v["ok"], json!(false), "{what}");
                assert_eq!(v["line"], json!(n), "{what}: {v}");
                assert!(
                    o.stderr.starts_with(&format!("error: t.jsonl:{n}")),
                    "{what}: {}",
                    o.stderr
                );
                runs += 1;
            }
        }
    }
    println!("bundles: {runs} single-byte changes caught at their line");
    assert_eq!(runs, 13 + 4 * 9);
}

#[test]
fn truncated_forged_and_unauthorised_bundles_fail_and_are_not_imported() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on("L", "ana", &["export", "--bundle", "b.jsonl"])
        .expect(0);
    let bundle = d.read("b.jsonl");
    let lines: Vec<&str> = bundle.lines().collect();
    let fails_at = |text: &str, line: usize, needle: &str| {
        d.write("t.jsonl", text);
        let o = d.fl(&["--json", "verify", "--bundle", "t.jsonl"]);
        let o = o.expect(1);
        let v = o.json();
        assert_eq!(v["line"], json!(line), "{v}");
        assert!(v["message"].as_str().unwrap().contains(needle), "{v}");
        // Import refuses it, and leaves the ledger empty.
        let ledger = format!("I{}", line);
        let _ = std::fs::remove_dir_all(d.p(&ledger));
        d.on(&ledger, "", &["init"]).expect(0);
        d.on(&ledger, "", &["import", "--bundle", "t.jsonl"])
            .expect(2)
            .stderr_has(&format!("error: t.jsonl:{line}"))
            .stderr_has("; nothing was imported");
        assert_eq!(d.head(&ledger).0, 0);
    };

    // The last line (the checkpoint) cut off.
    let cut: String = lines[..12].iter().map(|l| format!("{l}\n")).collect();
    fails_at(
        &cut,
        12,
        "the bundle ends without its checkpoint (it was cut short)",
    );
    // A line in the middle removed: the chain breaks there.
    let gap: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    fails_at(&gap, 5, "(broken-link)");

    // Seq 3's signature replaced by mallory's signature of the same hash, the line otherwise
    // canonical (readable fields and record agree).
    let mut v: Json = serde_json::from_str(lines[3]).unwrap();
    let r = v["record"].as_str().unwrap().to_string();
    let bytes: Vec<u8> = (0..r.len() / 2)
        .map(|k| u8::from_str_radix(&r[2 * k..2 * k + 2], 16).unwrap())
        .collect();
    let mut e = Event::from_record(&bytes).unwrap();
    assert_eq!(e.seq, 3);
    e.signature = Some(key(MALLORY).sign(&e.hash).to_bytes());
    v = event_json(&e);
    v["type"] = json!("event");
    let mut forged: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    forged[3] = v.to_string();
    fails_at(
        &(forged.join("\n") + "\n"),
        4,
        "the signature on event seq 3 does not verify",
    );

    // Bundles built here from events: a control that verifies and imports, then the same with
    // one event validly signed by a key that was never authorised.
    let build = |third: (&str, u8)| {
        let mut chain = Vec::new();
        push(&mut chain, "ana", grant("ana", ANA), Some(ANA));
        push(&mut chain, "ana", source("s1", Some("alpha")), Some(ANA));
        push(&mut chain, third.0, source("s2", None), Some(third.1));
        push(&mut chain, "ana", claim("c1", "s1"), Some(ANA));
        chain
    };
    let good = build(("ana", ANA));
    d.write(
        "good.jsonl",
        bundle_text(&good, &["alpha"], Some(("ana", ANA))),
    );
    d.fl(&["verify", "--bundle", "good.jsonl"]).expect(0);
    d.on("G", "", &["init"]).expect(0);
    d.on("G", "", &["import", "--bundle", "good.jsonl"])
        .expect(0);
    assert_eq!(d.head("G"), (4, hex(&good[3].hash)));
    assert_eq!(d.verify("G").0, 0);

    let bad = build(("mallory", MALLORY));
    fails_at(
        &bundle_text(&bad, &["alpha"], Some(("ana", ANA))),
        4,
        "author 'mallory' is not authorised to sign at seq 3 (unknown author) (unauthorised-author)",
    );
    let wrong_key = build(("ana", MALLORY));
    fails_at(
        &bundle_text(&wrong_key, &["alpha"], Some(("ana", ANA))),
        4,
        "(unauthorised-author)",
    );
    // The checkpoint signed by a key that is not an authorised author's.
    fails_at(
        &bundle_text(&good, &["alpha"], Some(("mallory", MALLORY))),
        7,
        "the checkpoint is signed by 'mallory', who is not an authorised author at the head",
    );
    // A signed ledger's bundle needs a signed checkpoint.
    fails_at(
        &bundle_text(&good, &["alpha"], None),
        7,
        "the checkpoint is not signed",
    );
    // A text missing.
    fails_at(
        &bundle_text(&good, &[], Some(("ana", ANA))),
        6,
        "1 archived texts are referenced but 0 are in the bundle",
    );
}

#[test]
fn a_bundle_with_a_text_line_duplicated_in_place_of_a_missing_one_is_refused() {
    let d = Desk::new();
    let mut chain = Vec::new();
    push(&mut chain, "desk", source("a", Some("alpha")), None);
    push(&mut chain, "desk", source("b", Some("beta")), None);
    let text = bundle_text(&chain, &["alpha", "beta"], None);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[3].contains("\"type\":\"text\"") && lines[4].contains("\"type\":\"text\""));
    lines[4] = lines[3].clone();
    d.write("dup.jsonl", &(lines.join("\n") + "\n"));
    d.fl(&["verify", "--bundle", "dup.jsonl"]).expect(1);
}

#[test]
fn an_unsigned_ledgers_bundle_verifies_with_an_unsigned_checkpoint() {
    let d = Desk::new();
    d.unsigned_ledger("U");
    d.on("U", "desk", &["export", "--bundle", "u.jsonl"])
        .expect(0);
    let bundle = d.read("u.jsonl");
    let last: Json = serde_json::from_str(bundle.lines().last().unwrap()).unwrap();
    let hashes = hashes_of(&d.log("U"));
    assert_eq!(last["signer"], json!(null));
    assert_eq!(last["public_key"], json!(null));
    assert_eq!(
        last["note"],
        json!(expected_note(&hashes[0], 5, &mth(&hashes), None))
    );
    assert_eq!(
        d.fl(&["--json", "verify", "--bundle", "u.jsonl"])
            .expect(0)
            .json(),
        json!({"ok": true, "bundle": "u.jsonl", "events": 5, "texts": 2, "root": hex(&mth(&hashes)),
               "signed": false, "signed_from": null, "checkpoint_signer": null,
               "origin": format!("factledger/{}", &hex(&hashes[0])[..32]),
               "checkpoint_key": null, "checkpoint": null})
    );
    let text = d.fl(&["verify", "--bundle", "u.jsonl"]).expect(0).stdout;
    assert!(
        text.starts_with(&format!("ok: u.jsonl: 5 events, 2 archived texts; hashes, links, and the checkpoint root {} verified\n", hex(&mth(&hashes)))),
        "{text}"
    );
    d.on("V", "", &["init"]).expect(0);
    d.on("V", "", &["import", "--bundle", "u.jsonl"]).expect(0);
    assert_eq!(d.head("V"), d.head("U"));
    let (code, v) = d.verify("V");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed"], json!(false));
}
