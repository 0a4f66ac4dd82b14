//! Verifiers must not be fooled (issue 12): ids repeated in a log or a bundle, index entries for
//! retractions and corrections, `--key` with nothing to check it against, bundles anchored to a
//! published checkpoint, and one canonical byte form per bundle and per checkpoint (co-signed
//! checkpoints verify against the trusted key's line).
//!
//! Every run of the binary has the hermetic test environment (`common::TestEnv`) with the key
//! directory inside the test's temporary directory (`desk::Desk`); keys are planted from fixed
//! seeds.

mod common;
mod desk;

use base64::Engine as _;
use common::{copy_dir, with_store, Out};
use desk::{bundle_of, key, pk_hex, source, Desk, ANA, BOB};
use factledger::integrity::checkpoint::{key_id, Checkpoint};
use factledger::ledger::{retraction_key, supersession_key};
use factledger::model::event::{hex, Claim, Event, EventBody, Hash, ZERO_HASH};
use factledger::model::value::Value;
use serde_json::{json, Value as Json};
use std::path::Path;

const WITNESS: u8 = 0x77;

/// The desk of these tests: ana and bob planted, and `problem` the verify problem alone.
impl Desk {
    fn keyed() -> Desk {
        let d = Desk::new();
        d.plant("ana", ANA);
        d.plant("bob", BOB);
        d
    }

    /// Imports JSON records into ledger `dir` as `author`.
    fn import(&self, dir: &str, author: &str, records: &[Json]) {
        let file = format!("{dir}-import-{}.jsonl", self.n_files());
        let text: String = records.iter().map(|r| format!("{r}\n")).collect();
        self.write(&file, &text);
        self.on(dir, author, &["import", &file]).expect(0);
    }

    fn n_files(&self) -> usize {
        std::fs::read_dir(self.path()).unwrap().count()
    }

    /// `verify --json` of ledger `dir`: (exit code, problem).
    fn problem(&self, dir: &str) -> (i32, Json) {
        let o = self.on(dir, "desk", &["--json", "verify"]);
        (o.code, o.json()["problem"].clone())
    }
}

fn src(id: &str, text: &str) -> Json {
    json!({"type":"source","id":id,"kind":"primary","publisher":"United Nations","text":text})
}

/// A claim; values that are not dates are outcomes.
fn clm(id: &str, source: &str, value: &str) -> Json {
    let predicate = if value.contains("2025") {
        "date"
    } else {
        "outcome"
    };
    json!({"type":"claim","id":id,"source":source,"subject":"S/RES/2774","predicate":predicate,"value":value})
}

/// An unsigned ledger: s1 and s2 with texts, claims c1, c2 (correcting c1), c3, and c3 retracted.
fn unsigned_ledger(d: &Desk, dir: &str) {
    d.on(dir, "desk", &["init"]).expect(0);
    let mut c2 = clm("c2", "s1", "24 February 2025");
    c2["supersedes"] = json!("c1");
    d.import(
        dir,
        "desk",
        &[
            src("s1", "The record of the 9876th meeting."),
            src("s2", "A wire story about the meeting."),
            clm("c1", "s1", "23 February 2025"),
            c2,
            clm("c3", "s2", "adopted"),
            json!({"type":"retract","target":"c3","reason":"the wire misread the record"}),
        ],
    );
}

/// A signed ledger by ana: the authorisation, then two sources and a claim.
fn signed_ledger(d: &Desk, dir: &str, title: &str) {
    d.on(dir, "ana", &["init", "--key", "ana"]).expect(0);
    let mut s = src("s1", "The record of the 9876th meeting.");
    s["title"] = json!(title);
    d.import(
        dir,
        "ana",
        &[
            s,
            src("s2", "A wire story about the meeting."),
            clm("c1", "s1", "24 February 2025"),
        ],
    );
}

fn unsigned_event(prev: Option<&Event>, body: EventBody) -> Event {
    let seq = prev.map_or(1, |e| e.seq + 1);
    Event::new(
        seq,
        1_740_571_200_000_000 + seq as i64,
        "desk".into(),
        prev.map_or(ZERO_HASH, |e| e.hash),
        body,
    )
}

fn claim_body(id: &str, value: &str) -> EventBody {
    EventBody::ClaimAsserted(Claim {
        id: id.into(),
        source: "s1".into(),
        subject: "S/RES/2774".into(),
        predicate: "note".into(),
        value: Value::Text(value.into()),
        supersedes: None,
        note: None,
        claimant: None,
        excerpt: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Item 2: every id is unique; every index entry is checked

#[test]
fn a_bundle_repeating_a_claim_id_fails_verify_and_import() {
    let d = Desk::keyed();
    let mut events = vec![unsigned_event(None, source("s1", None))];
    events.push(unsigned_event(
        events.last(),
        claim_body("c1", "23 February"),
    ));
    events.push(unsigned_event(
        events.last(),
        claim_body("c1", "24 February"),
    ));
    d.write("dup.bundle", bundle_of(&events));
    let o = d
        .fl(&["verify", "--bundle", "dup.bundle"])
        .expect(1)
        .stderr_has("dup.bundle:4 (seq 3): ");
    assert!(
        o.stderr.contains("'c1'") && o.stderr.contains("seq 2"),
        "names the id and the first seq: {}",
        o.stderr
    );
    let v = d
        .fl(&["--json", "verify", "--bundle", "dup.bundle"])
        .expect(1)
        .json();
    assert_eq!((v["line"].as_u64(), v["seq"].as_u64()), (Some(4), Some(3)));

    d.on("L", "desk", &["init"]).expect(0);
    d.on("L", "desk", &["import", "--bundle", "dup.bundle"])
        .expect(2)
        .stderr_has("nothing was imported");
    assert_eq!(d.on("L", "desk", &["--json", "log"]).expect(0).stdout, "");

    // A source and a claim share the id space too.
    let mut events = vec![unsigned_event(None, source("s1", None))];
    events.push(unsigned_event(events.last(), claim_body("s1", "x")));
    d.write("dup2.bundle", bundle_of(&events));
    d.fl(&["verify", "--bundle", "dup2.bundle"])
        .expect(1)
        .stderr_has("dup2.bundle:3 (seq 2): ");
}

#[test]
fn the_library_import_refuses_a_bundle_repeating_an_id() {
    let d = Desk::keyed();
    let mut events = vec![unsigned_event(None, source("s1", None))];
    events.push(unsigned_event(
        events.last(),
        claim_body("c1", "23 February"),
    ));
    let good = bundle_of(&events);
    let verified = match factledger::integrity::bundle::verify(good.as_bytes()) {
        Ok(b) => b,
        Err(p) => panic!("{p:?}"),
    };
    // Smuggle a repeated id past verification: import must still refuse it.
    let mut verified = verified;
    let again = unsigned_event(verified.events.last(), claim_body("c1", "24 February"));
    verified.events.push(again);
    d.on("L", "desk", &["init"]).expect(0);
    let mut ledger = factledger::Ledger::open(&d.p("L"), None).unwrap();
    let err = factledger::integrity::bundle::import(&mut ledger, verified).unwrap_err();
    assert!(err.to_string().contains("'c1'"), "{err}");
    assert_eq!(ledger.head().seq, 0);
}

/// Replaces the event at `seq` (the head) with one of `body`, re-hashed, and moves the head.
fn replace_head_event(ledger: &Path, seq: u64, body: EventBody) {
    with_store(ledger, |store| {
        let old = Event::from_record(&store.record(seq).unwrap().unwrap()).unwrap();
        assert_eq!(store.head().seq, seq);
        let mut e = old.clone();
        e.body = body;
        e.hash = e.compute_hash();
        store.tamper_record(seq, Some(e.to_record())).unwrap();
        let mut b = seq.to_be_bytes().to_vec();
        b.extend_from_slice(&e.hash);
        store.tamper_meta("head", Some(&b)).unwrap();
        std::fs::write(
            ledger.join("HEAD"),
            format!("factledger-head v1\nseq {seq}\nhash {}\n", hex(&e.hash)),
        )
        .unwrap();
    });
}

/// Ledger `L` of a source and two claims that verifies, whose last event (seq 3) is then
/// rewritten below every entry check into a claim with id `id` (hashes and head recomputed).
fn ledger_with_head_claim(id: &str) -> Desk {
    let d = Desk::keyed();
    d.on("L", "desk", &["init"]).expect(0);
    d.import(
        "L",
        "desk",
        &[
            src("s1", "The record."),
            clm("c1", "s1", "23 February 2025"),
            clm("c2", "s1", "24 February 2025"),
        ],
    );
    assert_eq!(d.problem("L"), (0, Json::Null));
    replace_head_event(&d.p("L"), 3, claim_body(id, "24 February 2025"));
    d
}

#[test]
fn a_ledger_repeating_an_id_fails_verify_at_the_second_event() {
    let d = ledger_with_head_claim("c1");
    let (code, problem) = d.problem("L");
    assert_eq!(code, 1);
    assert_eq!(problem["code"], "duplicate-id", "{problem}");
    assert_eq!(problem["seq"], 3);
    let m = problem["message"].as_str().unwrap();
    assert!(m.contains("'c1'") && m.contains("seq 2"), "{m}");
    d.on("L", "desk", &["verify"])
        .expect(1)
        .stderr_has("verify failed at seq 3: ");
}

/// A stored event whose id no entry route accepts (written below the entry rules, as a bundle
/// imported before they existed could have been) fails `verify`, named by seq.
#[test]
fn a_stored_id_the_entry_rules_refuse_fails_verify() {
    for bad in ["../../etc/x", "\u{0}retracted\u{0}c1"] {
        let d = ledger_with_head_claim(bad);
        let (code, problem) = d.problem("L");
        assert_eq!(code, 1, "{bad:?}");
        assert_eq!(problem["code"], "invalid-id", "{problem}");
        assert_eq!(problem["seq"], 3);
    }
}

#[test]
fn retraction_and_correction_index_entries_are_verified() {
    let d = Desk::keyed();
    unsigned_ledger(&d, "L");
    // seq 1 s1, 2 s2, 3 c1, 4 c2 (supersedes c1), 5 c3, 6 retracts c3
    assert_eq!(d.problem("L"), (0, Json::Null));
    type Tamper = (&'static str, Vec<u8>, Option<u64>, u64, &'static str);
    let cases: Vec<Tamper> = vec![
        ("retraction-wrong", retraction_key("c3"), Some(5), 6, "c3"),
        ("retraction-missing", retraction_key("c3"), None, 6, "c3"),
        ("correction-wrong", supersession_key("c1"), Some(3), 4, "c1"),
        ("correction-missing", supersession_key("c1"), None, 4, "c1"),
        ("id-wrong", b"c2".to_vec(), Some(3), 4, "c2"),
    ];
    for (name, k, seq, at, id) in cases {
        copy_dir(&d.p("L"), &d.p(name));
        with_store(&d.p(name), |store| {
            store.tamper_index(&k, seq).unwrap();
        });
        let (code, problem) = d.problem(name);
        assert_eq!(code, 1, "{name}: {problem}");
        assert_eq!(problem["code"], "index-mismatch", "{name}: {problem}");
        assert_eq!(problem["seq"], at, "{name}: {problem}");
        assert!(
            problem["message"].as_str().unwrap().contains(id),
            "{name}: {problem}"
        );
    } // An entry for a key no event holds is what a crashed append leaves behind (tests/crash.rs);
      // lookups check the event they reach, so it is not a problem of the log.
    for (name, k, seq) in [
        ("retraction-extra", retraction_key("c1"), 3),
        ("id-extra", b"ghost".to_vec(), 2),
    ] {
        copy_dir(&d.p("L"), &d.p(name));
        with_store(&d.p(name), |store| {
            store.tamper_index(&k, Some(seq)).unwrap();
        });
        assert_eq!(d.problem(name), (0, Json::Null), "{name}");
        let shown = d
            .on(name, "desk", &["--json", "show", "c1"])
            .expect(0)
            .json();
        assert_eq!(shown["retracted_by"], Json::Null, "{name}: {shown}");
        assert!(shown.get("retracted_by").is_some(), "{shown}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 5: --key needs a checkpoint

#[test]
fn verify_proof_key_without_any_checkpoint_is_a_usage_error() {
    let d = Desk::keyed();
    signed_ledger(&d, "L", "Record");
    let proof = d.on("L", "ana", &["prove", "c1"]).expect(0).stdout;
    d.write("inc.json", &proof);
    // Without --key the proof is checked against the root it states itself.
    d.fl(&["verify-proof", "inc.json"]).expect(0);
    d.fl(&["verify-proof", "inc.json", "--key", &pk_hex(BOB)])
        .expect(2)
        .stderr_has("--key");
    let cons = d
        .on("L", "ana", &["prove", "--consistency", "2", "4"])
        .expect(0)
        .stdout;
    d.write("cons.json", &cons);
    d.fl(&["verify-proof", "cons.json", "--key", &pk_hex(ANA)])
        .expect(2);
    // With a checkpoint, the key is used: the right one passes, another fails.
    let cp = d.on("L", "ana", &["checkpoint"]).expect(0).stdout;
    d.write("cp.txt", &cp);
    let args = [
        "verify-proof",
        "inc.json",
        "--checkpoint",
        "cp.txt",
        "--key",
    ];
    d.fl(&[&args[..], &[pk_hex(ANA).as_str()]].concat())
        .expect(0);
    d.fl(&[&args[..], &[pk_hex(BOB).as_str()]].concat())
        .expect(1);
    // Evidence carries its checkpoint: --key applies to it.
    d.on("L", "ana", &["evidence", "c1", "--out", "ev.json"])
        .expect(0);
    d.fl(&["verify-proof", "ev.json", "--key", &pk_hex(ANA)])
        .expect(0);
    d.fl(&["verify-proof", "ev.json", "--key", &pk_hex(BOB)])
        .expect(1);
}

// ---------------------------------------------------------------------------------------------
// Item 6: verify --bundle against a published checkpoint and key

#[test]
fn a_bundle_is_checked_against_the_published_checkpoint_and_key() {
    let d = Desk::keyed();
    signed_ledger(&d, "L", "Record");
    // The desk publishes a checkpoint at size 4, then goes on.
    d.write(
        "cp4.txt",
        &d.on("L", "ana", &["checkpoint"]).expect(0).stdout,
    );
    d.import("L", "ana", &[clm("c2", "s2", "adopted")]);
    d.on("L", "ana", &["export", "--bundle", "L.bundle"])
        .expect(0);
    let args = |cp: &str, key: &str| -> Vec<String> {
        [
            "verify",
            "--bundle",
            "L.bundle",
            "--checkpoint",
            cp,
            "--key",
            key,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let fl = |a: Vec<String>| d.fl(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = fl(args("cp4.txt", &pk_hex(ANA))).expect(0);
    let origin = d.read("cp4.txt").lines().next().unwrap().to_string();
    assert!(o.stdout.contains(&origin), "{}", o.stdout);
    assert!(o.stdout.contains(&pk_hex(ANA)), "{}", o.stdout);
    let mut j = args("cp4.txt", &pk_hex(ANA));
    j.insert(0, "--json".into());
    let v = fl(j).expect(0).json();
    assert_eq!(v["origin"], json!(origin));
    assert_eq!(v["checkpoint"]["size"], 4);
    assert_eq!(v["checkpoint"]["signer"], "ana");
    assert_eq!(v["checkpoint"]["key"], json!(pk_hex(ANA)));

    // Another key: refused.
    fl(args("cp4.txt", &pk_hex(BOB)))
        .expect(1)
        .stderr_has("cp4.txt");
    // The same origin (seq 1 is the same authorisation) but another history: refused.
    signed_ledger(&d, "M", "Another record");
    d.write(
        "m4.txt",
        &d.on("M", "ana", &["checkpoint"]).expect(0).stdout,
    );
    assert_eq!(d.read("m4.txt").lines().next().unwrap(), origin);
    fl(args("m4.txt", &pk_hex(ANA)))
        .expect(1)
        .stderr_has("root");
    // Another ledger: refused for its origin.
    d.on("U", "desk", &["init"]).expect(0);
    d.import("U", "desk", &[src("s1", "x")]);
    d.write(
        "u.txt",
        &d.on("U", "desk", &["checkpoint"]).expect(0).stdout,
    );
    let mut a = args("u.txt", "");
    a.truncate(5);
    fl(a).expect(1).stderr_has("origin");
    // A checkpoint beyond the bundle: refused.
    d.import("L", "ana", &[clm("c3", "s2", "adopted")]);
    d.write(
        "cp6.txt",
        &d.on("L", "ana", &["checkpoint"]).expect(0).stdout,
    );
    fl(args("cp6.txt", &pk_hex(ANA)))
        .expect(1)
        .stderr_has("size 6");
    // --key alone pins the key of the bundle's own checkpoint.
    d.fl(&["verify", "--bundle", "L.bundle", "--key", &pk_hex(ANA)])
        .expect(0);
    d.fl(&["verify", "--bundle", "L.bundle", "--key", &pk_hex(BOB)])
        .expect(1);
    d.fl(&["verify", "--bundle", "L.bundle", "--key", "zz"])
        .expect(2);
    d.fl(&["verify", "--bundle", "L.bundle", "--checkpoint", "nope.txt"])
        .expect(2);
}

// ---------------------------------------------------------------------------------------------
// Item 7: one canonical byte form

/// The lines of a bundle exported from an unsigned ledger with two archived texts.
fn exported_lines(d: &Desk) -> Vec<String> {
    unsigned_ledger(d, "L");
    d.on("L", "desk", &["export", "--bundle", "L.bundle"])
        .expect(0);
    d.fl(&["verify", "--bundle", "L.bundle"]).expect(0);
    d.read("L.bundle").lines().map(str::to_string).collect()
}

/// Verifies a bundle of these lines (each followed by `\n` unless `cut`) and expects exit 1 with
/// the message naming `line`.
#[track_caller]
fn refused_at(d: &Desk, lines: &[String], cut: bool, line: usize, needle: &str) {
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    if cut {
        text.pop();
    }
    d.write("x.bundle", &text);
    d.fl(&["verify", "--bundle", "x.bundle"])
        .expect(1)
        .stderr_has(&format!("x.bundle:{line}"))
        .stderr_has(needle);
    // Restoring holds the bundle to the same form (a checkpoint from the future included).
    static RESTORES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RESTORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ledger = format!("R{n}");
    d.on(&ledger, "desk", &["init"]).expect(0);
    d.on(&ledger, "desk", &["import", "--bundle", "x.bundle"])
        .expect(2)
        .stderr_has(&format!("x.bundle:{line}"))
        .stderr_has(needle);
    assert_eq!(
        d.on(&ledger, "desk", &["--json", "log"]).expect(0).stdout,
        ""
    );
}

#[test]
fn a_bundle_has_one_byte_form() {
    let d = Desk::keyed();
    let lines = exported_lines(&d);
    let n = lines.len();
    assert_eq!(n, 1 + 6 + 2 + 1);
    // Text lines in the other order.
    let mut swapped = lines.clone();
    swapped.swap(7, 8);
    refused_at(&d, &swapped, false, 9, "order");
    // A text line among the events.
    let mut moved = lines.clone();
    let t = moved.remove(7);
    moved.insert(6, t);
    refused_at(&d, &moved, false, 8, "");
    // No final newline.
    refused_at(&d, &lines, true, n, "newline");
    // A checkpoint dated far in the future, or with a control character in its time.
    for (time, needle) in [
        ("9999-12-31T00:00:00Z", "future"),
        ("2025-02-26T12:00:00Z\u{7}", "time"),
        ("2025-02-26 12:00:00Z", "time"),
    ] {
        let mut c = Checkpoint::from_json(&serde_json::from_str(&lines[n - 1]).unwrap()).unwrap();
        c.time = time.into();
        let mut changed = lines.clone();
        changed[n - 1] = c.to_json().to_string();
        refused_at(&d, &changed, false, n, needle);
    }
}

/// The checkpoint note of a signed ledger and an inclusion proof against it.
fn signed_note(d: &Desk) -> String {
    signed_ledger(d, "L", "Record");
    let proof = d.on("L", "ana", &["prove", "c1"]).expect(0).stdout;
    d.write("inc.json", &proof);
    let note = d.on("L", "ana", &["checkpoint"]).expect(0).stdout;
    d.write("cp.txt", &note);
    d.fl(&[
        "verify-proof",
        "inc.json",
        "--checkpoint",
        "cp.txt",
        "--key",
        &pk_hex(ANA),
    ])
    .expect(0);
    note
}

fn check_note(d: &Desk, note: &str) -> Out {
    d.write("cp2.txt", note);
    d.fl(&[
        "verify-proof",
        "inc.json",
        "--checkpoint",
        "cp2.txt",
        "--key",
        &pk_hex(ANA),
    ])
}

/// A signature line for the note's body by `seed` under `name` (the signature bytes flipped
/// when `forge`).
fn sig_line(note: &str, name: &str, seed: u8, forge: bool) -> String {
    use ed25519_dalek::Signer as _;
    let body = &note[..note.find("\n\n").unwrap() + 1];
    let mut blob = key_id(name, &key(seed).verifying_key().to_bytes()).to_vec();
    let mut sig = key(seed).sign(body.as_bytes()).to_bytes();
    if forge {
        sig[10] ^= 1;
    }
    blob.extend_from_slice(&sig);
    format!(
        "\u{2014} {name} {}\n",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

#[test]
fn a_checkpoint_has_one_byte_form() {
    let d = Desk::keyed();
    let note = signed_note(&d);
    // Extra lines after the signature, and a missing final newline.
    check_note(&d, &format!("{note}trailing words\n"))
        .expect(1)
        .stderr_has("line 7");
    check_note(&d, &format!("{note}\n")).expect(1);
    check_note(&d, note.trim_end())
        .expect(1)
        .stderr_has("line 6");
    // An origin that only starts like one.
    let origin = note.lines().next().unwrap();
    let hacked = note.replacen(origin, &format!("{origin}0"), 1);
    check_note(&d, &hacked).expect(1).stderr_has("line 1");
    let hacked = note.replacen(
        origin,
        &origin.to_uppercase().replace("FACTLEDGER", "factledger"),
        1,
    );
    if hacked != note {
        check_note(&d, &hacked).expect(1).stderr_has("line 1");
    }
}

#[test]
fn a_co_signed_checkpoint_verifies_against_the_trusted_keys_line() {
    let d = Desk::keyed();
    let note = signed_note(&d);
    // A witness co-signs: its line is ignored, before or after the desk's.
    let witness = sig_line(&note, "witness.example", WITNESS, false);
    check_note(&d, &format!("{note}{witness}")).expect(0);
    let (body, ana_line) = note.split_once("\n\n").unwrap();
    check_note(&d, &format!("{body}\n\n{witness}{ana_line}")).expect(0);
    // Only unknown keys sign: refused.
    check_note(&d, &format!("{body}\n\n{witness}"))
        .expect(1)
        .stderr_has("invalid");
    // A line for the trusted key with a bad signature fails, even beside a good one.
    let forged = sig_line(&note, "ana", ANA, true);
    check_note(&d, &format!("{body}\n\n{forged}"))
        .expect(1)
        .stderr_has("signature");
    check_note(&d, &format!("{note}{forged}")).expect(1);
    // Its JSON form keeps every line, and a bundle's checkpoint may be co-signed too.
    let cp = Checkpoint::from_text(&format!("{note}{witness}")).unwrap();
    assert_eq!(cp.note(), format!("{note}{witness}"));
    let _: Hash = cp.root;
}
