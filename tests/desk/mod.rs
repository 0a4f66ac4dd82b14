//! A fact-checking desk for the integrity tests (signing_cli, proofs_cli, evidence_cli,
//! bundles_cli, formats_cli): fixed keys, signed and unsigned ledgers built through the binary,
//! events built in memory, Merkle trees and proofs from RFC 9162 written out independently of
//! src/integrity/merkle/, checkpoint notes from the C2SP rules, and access to a ledger's store after the
//! binary has exited.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use crate::common::{Out, TestEnv, NOW};
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use factledger::integrity::checkpoint::{origin_for, Checkpoint};
use factledger::integrity::log_check::{CheckError, LogProblem, Verifier};
use factledger::integrity::proof::event_json;
use factledger::integrity::signing::{sign, KeyDir};
use factledger::model::event::{
    hex, parse_hash, AuthorGrant, AuthorRevocation, Claim, Event, EventBody, Hash, Source,
    SourceKind, TextRef, ZERO_HASH,
};
use factledger::model::value::Value;
use factledger::store::Store;
use serde_json::{json, Value as Json};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

pub const ZERO_HEX: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Seeds of the fixed test keys.
pub const ANA: u8 = 0xA1;
pub const BOB: u8 = 0xB0;
pub const MALLORY: u8 = 0x3A;

pub fn now_micros() -> i64 {
    chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .timestamp_micros()
}

pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

pub fn pk(seed: u8) -> [u8; 32] {
    key(seed).verifying_key().to_bytes()
}

pub fn pk_hex(seed: u8) -> String {
    hex(&pk(seed))
}

pub const TEXT_RECORD: &str =
    "The Security Council adopted resolution 2774 (2025) by 10 votes to none, with 5 abstentions.";
pub const TEXT_WIRE: &str = "Wire: the Council adopted resolution 2774 on Monday, 24 February.";

/// Four records: two sources with archived texts (the wire cites the record), two claims.
pub fn content(record_title: &str) -> String {
    [
        json!({"type":"source","id":"un-record","kind":"primary","publisher":"United Nations","title":record_title,"published":"2025-02-24","text":TEXT_RECORD}),
        json!({"type":"source","id":"wire","kind":"secondary","publisher":"Fixture Wire","cites":["un-record"],"text":TEXT_WIRE}),
        json!({"type":"claim","id":"c-date","source":"wire","subject":"S/RES/2774","predicate":"date","value":"24 February 2025"}),
        json!({"type":"claim","id":"c-tally","source":"un-record","subject":"S/RES/2774","predicate":"tally","value":{"body":"UNSC","yes":10,"no":0,"abstain":5}}),
    ]
    .iter()
    .map(|v| format!("{v}\n"))
    .collect()
}

pub const TITLE: &str = "Voting record: draft resolution 2774";

/// Number of events of [`Desk::signed_ledger`].
pub const SIGNED_EVENTS: u64 = 9;

// ---------------------------------------------------------------------------------------------
// Running the binary

/// A fact-checking desk: the test environment with a key directory (`FACTLEDGER_KEYS`), no
/// default author (each run names its own), its ledgers and files.
pub struct Desk(TestEnv);

impl std::ops::Deref for Desk {
    type Target = TestEnv;
    fn deref(&self) -> &TestEnv {
        &self.0
    }
}

impl Default for Desk {
    fn default() -> Self {
        Desk::new()
    }
}

impl Desk {
    pub fn new() -> Desk {
        let mut env = TestEnv::new();
        env.set_var("FACTLEDGER_KEYS", Some(env.p("keys")));
        env.set_var("FACTLEDGER_AUTHOR", None);
        Desk(env)
    }

    pub fn key_dir(&self) -> PathBuf {
        self.p("keys")
    }

    /// Writes key files NAME.secret / NAME.pub for a fixed seed (once).
    pub fn plant(&self, name: &str, seed: u8) {
        if !self.key_dir().join(format!("{name}.secret")).exists() {
            KeyDir::new(self.key_dir()).write(name, &key(seed)).unwrap();
        }
    }

    /// Runs the binary in the desk's directory.
    pub fn fl(&self, args: &[&str]) -> Out {
        let mut c = self.bare();
        c.args(args);
        Out::of(c)
    }

    /// Runs the binary on ledger `ledger` as `author` (no `--author` when empty).
    pub fn on(&self, ledger: &str, author: &str, args: &[&str]) -> Out {
        let mut c = self.bare();
        c.args(["--ledger", ledger]);
        if !author.is_empty() {
            c.args(["--author", author]);
        }
        c.args(args);
        Out::of(c)
    }

    pub fn write_json(&self, rel: &str, v: &Json) {
        self.write(rel, serde_json::to_string_pretty(v).unwrap());
    }

    /// A signed ledger: seq 1 authorises ana; 2–5 the content by ana; 6 authorises bob; 7 a claim
    /// by bob; 8 revokes bob; 9 retracts bob's claim (by ana).
    pub fn signed_ledger(&self, dir: &str) {
        self.signed_start(dir, TITLE);
        self.signed_finish(dir);
    }

    /// Seq 1–5 of [`Desk::signed_ledger`], with the first source's title given.
    pub fn signed_start(&self, dir: &str, title: &str) {
        self.plant("ana", ANA);
        self.plant("bob", BOB);
        self.on(dir, "ana", &["init", "--key", "ana"]).expect(0);
        let file = format!("{dir}-content.jsonl");
        self.write(&file, content(title));
        self.on(dir, "ana", &["import", &file]).expect(0);
    }

    /// Seq 6–9 of [`Desk::signed_ledger`].
    pub fn signed_finish(&self, dir: &str) {
        self.on(dir, "ana", &["authors", "add", "bob", &pk_hex(BOB)])
            .expect(0);
        self.on(
            dir,
            "bob",
            &[
                "add",
                "claim",
                "--id",
                "c-outcome",
                "--source",
                "un-record",
                "--subject",
                "S/RES/2774",
                "--predicate",
                "outcome",
                "--value",
                "adopted",
            ],
        )
        .expect(0);
        self.on(dir, "ana", &["authors", "revoke", "bob"]).expect(0);
        self.on(
            dir,
            "ana",
            &[
                "retract",
                "c-outcome",
                "--reason",
                "bob's claim cites no vote",
            ],
        )
        .expect(0);
    }

    /// An unsigned ledger with the content, recorded by `desk` (who has no key).
    pub fn unsigned_ledger(&self, dir: &str) {
        self.on(dir, "", &["init"]).expect(0);
        let file = format!("{dir}-content.jsonl");
        self.write(&file, content(TITLE));
        self.on(dir, "desk", &["import", &file]).expect(0);
        self.on(
            dir,
            "desk",
            &[
                "retract",
                "c-tally",
                "--reason",
                "abstentions were miscounted",
            ],
        )
        .expect(0);
    }

    pub fn log(&self, dir: &str) -> Vec<Json> {
        self.on(dir, "", &["--json", "log"]).expect(0).json_lines()
    }

    pub fn verify(&self, dir: &str) -> (i32, Json) {
        let o = self.on(dir, "", &["--json", "verify"]);
        (o.code, o.json())
    }

    /// The HEAD file of a ledger: (seq, hash hex).
    pub fn head(&self, dir: &str) -> (u64, String) {
        let text = self.read(&format!("{dir}/HEAD"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "factledger-head v1");
        (
            lines[1].strip_prefix("seq ").unwrap().parse().unwrap(),
            lines[2].strip_prefix("hash ").unwrap().to_string(),
        )
    }
}

/// Hashes of the events of a `log --json`.
pub fn hashes_of(log: &[Json]) -> Vec<Hash> {
    log.iter()
        .map(|e| parse_hash(e["hash"].as_str().unwrap()).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// RFC 9162 over BLAKE3, written out independently of src/integrity/merkle/

pub fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => *blake3::hash(b"").as_bytes(),
        1 => {
            let mut h = blake3::Hasher::new();
            h.update(&[0]);
            h.update(&leaves[0]);
            *h.finalize().as_bytes()
        }
        n => {
            let k = split(n);
            let mut h = blake3::Hasher::new();
            h.update(&[1]);
            h.update(&mth(&leaves[..k]));
            h.update(&mth(&leaves[k..]));
            *h.finalize().as_bytes()
        }
    }
}

/// The largest power of two smaller than `n` (n > 1).
pub fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])`.
pub fn path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n == 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// RFC 9162 §2.1.4.1 `SUBPROOF(m, D[n], b)`.
pub fn subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut p = subproof(m, &leaves[..k], b);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = subproof(m - k, &leaves[k..], false);
        p.push(mth(&leaves[..k]));
        p
    }
}

pub fn hexes(v: &[Hash]) -> Json {
    json!(v.iter().map(|h| hex(h)).collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------------------------
// Small deterministic RNG (SplitMix64) for sampling byte positions

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Another hex digit than `c`.
pub fn other_digit(c: char) -> char {
    let d = c.to_digit(16).expect("a hex digit");
    std::char::from_digit((d + 1) % 16, 16).unwrap()
}

/// `s` with the hex digit at `i` changed.
pub fn change_digit(s: &str, i: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    chars[i] = other_digit(chars[i]);
    chars.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// store access, after the binary has exited

pub fn stored_events(store: &Store) -> Vec<Event> {
    let events: Vec<Event> = store
        .records(1)
        .map(|r| {
            let (seq, v) = r.unwrap();
            let e = Event::from_record(&v).unwrap();
            assert_eq!(seq, e.seq);
            e
        })
        .collect();
    assert_eq!(events.len() as u64, store.head().seq);
    events
}

/// Replaces each event's stored record (at its seq, which must be stored already).
pub fn put_events(store: &Store, events: &[Event]) {
    for e in events {
        let old = store.tamper_record(e.seq, Some(e.to_record())).unwrap();
        assert!(old.is_some(), "seq {} was stored", e.seq);
    }
}

/// Sets the head in the store's meta tree; [`write_head_file`] must follow.
pub fn put_head(store: &Store, seq: u64, hash: &Hash) {
    let mut b = seq.to_be_bytes().to_vec();
    b.extend_from_slice(hash);
    store.tamper_meta("head", Some(&b)).unwrap();
}

/// Marks the stored projection as unreadable, so the next open rebuilds it from the log.
pub fn force_projection_rebuild(store: &Store) {
    store.tamper_meta("projection", Some(b"stale")).unwrap();
}

pub fn write_head_file(ledger: &Path, seq: u64, hash: &Hash) {
    std::fs::write(
        ledger.join("HEAD"),
        format!("factledger-head v1\nseq {seq}\nhash {}\n", hex(hash)),
    )
    .unwrap();
}

/// Re-chains events from index `from` on: each `prev` is the previous hash, each hash is
/// recomputed, and each event is re-signed with `keys(event)` when that gives a key.
pub fn rechain(events: &mut [Event], from: usize, keys: impl Fn(&Event) -> Option<SigningKey>) {
    for i in from..events.len() {
        let prev = if i == 0 {
            ZERO_HASH
        } else {
            events[i - 1].hash
        };
        let e = &mut events[i];
        e.prev = prev;
        e.hash = e.compute_hash();
        match keys(e) {
            Some(k) => sign(e, &k),
            None => e.signature = None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Events built in memory

pub fn grant(name: &str, seed: u8) -> EventBody {
    EventBody::AuthorAuthorised(AuthorGrant {
        name: name.into(),
        public_key: pk(seed),
    })
}

pub fn revoke(name: &str) -> EventBody {
    EventBody::AuthorRevoked(AuthorRevocation { name: name.into() })
}

pub fn source(id: &str, text: Option<&str>) -> EventBody {
    EventBody::SourceRegistered(Source {
        id: id.into(),
        kind: SourceKind::Primary,
        publisher: Some("United Nations".into()),
        title: None,
        url: None,
        published: None,
        cites: Vec::new(),
        text: text.map(|t| TextRef {
            hash: *blake3::hash(t.as_bytes()).as_bytes(),
            len: t.len() as u64,
        }),
    })
}

pub fn claim(id: &str, src: &str) -> EventBody {
    EventBody::ClaimAsserted(Claim {
        id: id.into(),
        source: src.into(),
        subject: "S/RES/2774".into(),
        predicate: "note".into(),
        value: Value::Text(format!("claim {id}")),
        supersedes: None,
        note: None,
        claimant: None,
        excerpt: None,
    })
}

/// The event after `prev`, by `author`, signed with `seed`'s key when given.
pub fn next(prev: Option<&Event>, author: &str, body: EventBody, seed: Option<u8>) -> Event {
    let seq = prev.map_or(1, |e| e.seq + 1);
    let mut e = Event::new_signed(
        seq,
        now_micros() + seq as i64,
        author.into(),
        prev.map_or(ZERO_HASH, |e| e.hash),
        body,
        seed.map(pk),
    );
    if let Some(s) = seed {
        sign(&mut e, &key(s));
    }
    e
}

/// Appends an event to a chain.
pub fn push(chain: &mut Vec<Event>, author: &str, body: EventBody, seed: Option<u8>) {
    let e = next(chain.last(), author, body, seed);
    chain.push(e);
}

/// What a verifier should find: nothing, or a code and the start of a message.
pub type Expected = Option<(&'static str, String)>;

/// Runs a verifier over the events; the first problem, if any.
pub fn check_all(events: &[Event]) -> (Verifier, Option<LogProblem>) {
    let mut v = Verifier::new();
    for e in events {
        match v.check(e) {
            Ok(()) => {}
            Err(CheckError::Problem(p)) => return (v, Some(p)),
            Err(e) => panic!("{e}"),
        }
    }
    (v, None)
}

/// A complete, correctly hashed, unsigned bundle of `events` (no archived texts).
pub fn bundle_of(events: &[Event]) -> String {
    bundle_text(events, &[], None)
}

/// A complete bundle for events and texts, ending with a checkpoint signed by `signer`.
pub fn bundle_text(events: &[Event], texts: &[&str], signer: Option<(&str, u8)>) -> String {
    let origin = origin_for(&events[0].hash);
    let mut out = format!(
        "{}\n",
        json!({"type":"bundle","format":1,"origin":origin,"events":events.len()})
    );
    for e in events {
        let mut v = event_json(e);
        v["type"] = json!("event");
        out.push_str(&format!("{v}\n"));
    }
    let mut texts: Vec<(Hash, &str)> = texts
        .iter()
        .map(|t| (*blake3::hash(t.as_bytes()).as_bytes(), *t))
        .collect();
    texts.sort();
    for (h, t) in texts {
        out.push_str(&format!(
            "{}\n",
            json!({"type":"text","hash":hex(&h),"text":t})
        ));
    }
    let hashes: Vec<Hash> = events.iter().map(|e| e.hash).collect();
    let mut c = Checkpoint {
        origin,
        size: events.len() as u64,
        root: mth(&hashes),
        time: NOW.into(),
        signature: None,
        cosignatures: Vec::new(),
    };
    if let Some((name, seed)) = signer {
        c.sign(name, &key(seed));
    }
    out.push_str(&format!("{}\n", c.to_json()));
    out
}

/// The checkpoint note of a tree, computed from the C2SP signed-note rules.
pub fn expected_note(first: &Hash, size: u64, root: &Hash, signer: Option<(&str, u8)>) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = format!(
        "factledger/{}\n{size}\n{}\ntime {NOW}\n",
        &hex(first)[..32],
        b64.encode(root)
    );
    match signer {
        None => body,
        Some((name, seed)) => {
            let mut h = Sha256::new();
            h.update(name.as_bytes());
            h.update(b"\n");
            h.update([0x01]);
            h.update(pk(seed));
            let mut blob = h.finalize()[..4].to_vec();
            blob.extend_from_slice(&key(seed).sign(body.as_bytes()).to_bytes());
            format!("{body}\n\u{2014} {name} {}\n", b64.encode(blob))
        }
    }
}

/// The verify-proof reason for a proof file, with `args` after the file.
pub fn verify_proof(d: &Desk, file: &str, args: &[&str]) -> (i32, Json) {
    let mut all = vec!["--json", "verify-proof", file];
    all.extend_from_slice(args);
    let o = d.fl(&all);
    (o.code, o.json())
}
