//! End-to-end tests of the integrity features: signing keys and authors, signatures checked by
//! `verify`, checkpoints, inclusion and consistency proofs, evidence files, bundles, and ledgers
//! of the older record format 1.
//!
//! Every run of the binary has a cleared environment: `FACTLEDGER_NOW` fixed, `FACTLEDGER_KEYS`,
//! `HOME` and `TMPDIR` inside the test's temporary directory, the working directory the temporary
//! directory. Keys are planted with fixed seeds (except where `key generate` itself is tested), so
//! every hash, signature and checkpoint is deterministic and is recomputed here independently of
//! the binary (event hashes through the library's canonical encoding, Merkle trees and proofs
//! from RFC 9162 written out below, checkpoint notes from the C2SP rules).
//!
//! Stored events are altered through the store's tamper hooks, after the binary has exited.

mod common;

use assert_cmd::Command;
use base64::Engine as _;
use common::with_store;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use factledger::chain::{CheckError, LogProblem, Verifier};
use factledger::checkpoint::{key_id, origin_for, Checkpoint};
use factledger::event::{
    hex, parse_hash, AuthorGrant, AuthorRevocation, Claim, Event, EventBody, Hash, Source,
    SourceKind, TextRef, ZERO_HASH,
};
use factledger::proof::event_json;
use factledger::signing::{sign, KeyDir};
use factledger::store::Store;
use factledger::value::Value;
use serde_json::{json, Value as Json};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

const NOW: &str = "2025-02-26T12:00:00Z";
const ZERO_HEX: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Seeds of the fixed test keys.
const ANA: u8 = 0xA1;
const BOB: u8 = 0xB0;
const MALLORY: u8 = 0x3A;

fn now_micros() -> i64 {
    chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .timestamp_micros()
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn pk(seed: u8) -> [u8; 32] {
    key(seed).verifying_key().to_bytes()
}

fn pk_hex(seed: u8) -> String {
    hex(&pk(seed))
}

const TEXT_RECORD: &str =
    "The Security Council adopted resolution 2774 (2025) by 10 votes to none, with 5 abstentions.";
const TEXT_WIRE: &str = "Wire: the Council adopted resolution 2774 on Monday, 24 February.";

/// Four records: two sources with archived texts (the wire cites the record), two claims.
fn content(record_title: &str) -> String {
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

const TITLE: &str = "Voting record: draft resolution 2774";

/// Number of events of [`Desk::signed_ledger`].
const SIGNED_EVENTS: u64 = 9;

// ---------------------------------------------------------------------------------------------
// Running the binary

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Json {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {self:#?}"))
    }

    fn json_lines(&self) -> Vec<Json> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    #[track_caller]
    fn expect(self, code: i32) -> Out {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self
    }

    #[track_caller]
    fn stderr_has(self, needle: &str) -> Out {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {self:#?}"
        );
        self
    }

    #[track_caller]
    fn stdout_has(self, needle: &str) -> Out {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}: {self:#?}"
        );
        self
    }
}

fn run(mut c: Command) -> Out {
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A fact-checking desk: a temporary directory holding its key directory, its ledgers and files.
struct Desk {
    tmp: TempDir,
}

impl Desk {
    fn new() -> Desk {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("home")).unwrap();
        std::fs::create_dir(tmp.path().join("tmp")).unwrap();
        Desk { tmp }
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    fn key_dir(&self) -> PathBuf {
        self.p("keys")
    }

    /// Writes key files NAME.secret / NAME.pub for a fixed seed (once).
    fn plant(&self, name: &str, seed: u8) {
        if !self.key_dir().join(format!("{name}.secret")).exists() {
            KeyDir::new(self.key_dir()).write(name, &key(seed)).unwrap();
        }
    }

    /// The binary with the test environment, run in `cwd`.
    fn command_in(&self, cwd: &Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_factledger"));
        c.env_clear()
            .env("FACTLEDGER_NOW", NOW)
            .env("FACTLEDGER_KEYS", self.key_dir())
            .env("HOME", self.p("home"))
            .env("TMPDIR", self.p("tmp"))
            .current_dir(cwd)
            .timeout(Duration::from_secs(60));
        c
    }

    /// Runs the binary in the desk's directory.
    fn fl(&self, args: &[&str]) -> Out {
        let mut c = self.command_in(self.path());
        c.args(args);
        run(c)
    }

    /// Runs the binary on ledger `ledger` as `author` (no `--author` when empty).
    fn on(&self, ledger: &str, author: &str, args: &[&str]) -> Out {
        let mut c = self.command_in(self.path());
        c.args(["--ledger", ledger]);
        if !author.is_empty() {
            c.args(["--author", author]);
        }
        c.args(args);
        run(c)
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.p(rel), text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.p(rel)).unwrap()
    }

    fn write_json(&self, rel: &str, v: &Json) {
        self.write(rel, &serde_json::to_string_pretty(v).unwrap());
    }

    /// A signed ledger: seq 1 authorises ana; 2–5 the content by ana; 6 authorises bob; 7 a claim
    /// by bob; 8 revokes bob; 9 retracts bob's claim (by ana).
    fn signed_ledger(&self, dir: &str) {
        self.signed_start(dir, TITLE);
        self.signed_finish(dir);
    }

    /// Seq 1–5 of [`Desk::signed_ledger`], with the first source's title given.
    fn signed_start(&self, dir: &str, title: &str) {
        self.plant("ana", ANA);
        self.plant("bob", BOB);
        self.on(dir, "ana", &["init", "--key", "ana"]).expect(0);
        let file = format!("{dir}-content.jsonl");
        self.write(&file, &content(title));
        self.on(dir, "ana", &["import", &file]).expect(0);
    }

    /// Seq 6–9 of [`Desk::signed_ledger`].
    fn signed_finish(&self, dir: &str) {
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
    fn unsigned_ledger(&self, dir: &str) {
        self.on(dir, "", &["init"]).expect(0);
        let file = format!("{dir}-content.jsonl");
        self.write(&file, &content(TITLE));
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

    fn log(&self, dir: &str) -> Vec<Json> {
        self.on(dir, "", &["--json", "log"]).expect(0).json_lines()
    }

    fn verify(&self, dir: &str) -> (i32, Json) {
        let o = self.on(dir, "", &["--json", "verify"]);
        (o.code, o.json())
    }

    /// The HEAD file of a ledger: (seq, hash hex).
    fn head(&self, dir: &str) -> (u64, String) {
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
fn hashes_of(log: &[Json]) -> Vec<Hash> {
    log.iter()
        .map(|e| parse_hash(e["hash"].as_str().unwrap()).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// RFC 9162 over BLAKE3, written out independently of src/merkle.rs

fn mth(leaves: &[Hash]) -> Hash {
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
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])`.
fn path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
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
fn subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
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

fn hexes(v: &[Hash]) -> Json {
    json!(v.iter().map(|h| hex(h)).collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------------------------
// Small deterministic RNG (SplitMix64) for sampling byte positions

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Another hex digit than `c`.
fn other_digit(c: char) -> char {
    let d = c.to_digit(16).expect("a hex digit");
    std::char::from_digit((d + 1) % 16, 16).unwrap()
}

/// `s` with the hex digit at `i` changed.
fn change_digit(s: &str, i: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    chars[i] = other_digit(chars[i]);
    chars.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// store access, after the binary has exited

fn stored_events(store: &Store) -> Vec<Event> {
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
fn put_events(store: &Store, events: &[Event]) {
    for e in events {
        let old = store.tamper_record(e.seq, Some(e.to_record())).unwrap();
        assert!(old.is_some(), "seq {} was stored", e.seq);
    }
}

/// Sets the head in the store's meta tree; [`write_head_file`] must follow.
fn put_head(store: &Store, seq: u64, hash: &Hash) {
    let mut b = seq.to_be_bytes().to_vec();
    b.extend_from_slice(hash);
    store.tamper_meta("head", Some(&b)).unwrap();
}

/// Marks the stored projection as unreadable, so the next open rebuilds it from the log.
fn force_projection_rebuild(store: &Store) {
    store.tamper_meta("projection", Some(b"stale")).unwrap();
}

fn write_head_file(ledger: &Path, seq: u64, hash: &Hash) {
    std::fs::write(
        ledger.join("HEAD"),
        format!("factledger-head v1\nseq {seq}\nhash {}\n", hex(hash)),
    )
    .unwrap();
}

/// Re-chains events from index `from` on: each `prev` is the previous hash, each hash is
/// recomputed, and each event is re-signed with `keys(event)` when that gives a key.
fn rechain(events: &mut [Event], from: usize, keys: impl Fn(&Event) -> Option<SigningKey>) {
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

fn grant(name: &str, seed: u8) -> EventBody {
    EventBody::AuthorAuthorised(AuthorGrant {
        name: name.into(),
        public_key: pk(seed),
    })
}

fn revoke(name: &str) -> EventBody {
    EventBody::AuthorRevoked(AuthorRevocation { name: name.into() })
}

fn source(id: &str, text: Option<&str>) -> EventBody {
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

fn claim(id: &str, src: &str) -> EventBody {
    EventBody::ClaimAsserted(Claim {
        id: id.into(),
        source: src.into(),
        subject: "S/RES/2774".into(),
        predicate: "note".into(),
        value: Value::Text(format!("claim {id}")),
        supersedes: None,
        note: None,
    })
}

/// The event after `prev`, by `author`, signed with `seed`'s key when given.
fn next(prev: Option<&Event>, author: &str, body: EventBody, seed: Option<u8>) -> Event {
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
fn push(chain: &mut Vec<Event>, author: &str, body: EventBody, seed: Option<u8>) {
    let e = next(chain.last(), author, body, seed);
    chain.push(e);
}

/// What a verifier should find: nothing, or a code and the start of a message.
type Expected = Option<(&'static str, String)>;

/// Runs a verifier over the events; the first problem, if any.
fn check_all(events: &[Event]) -> (Verifier, Option<LogProblem>) {
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

/// A complete bundle for events and texts, ending with a checkpoint signed by `signer`.
fn bundle_text(events: &[Event], texts: &[&str], signer: Option<(&str, u8)>) -> String {
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

// =============================================================================================
// Keys

#[test]
fn key_generate_writes_an_owner_only_secret_and_never_overwrites() {
    let d = Desk::new();
    let keys = d.key_dir();
    let out = d
        .fl(&["--json", "key", "generate", "--name", "ana"])
        .expect(0)
        .json();
    let public = out["public_key"].as_str().unwrap().to_string();
    assert_eq!(
        out,
        json!({"ok": true, "name": "ana", "public_key": public, "key_dir": keys.display().to_string()})
    );
    let secret_text = std::fs::read_to_string(keys.join("ana.secret")).unwrap();
    assert_eq!(secret_text.len(), 65, "64 hex digits and a newline");
    assert!(secret_text.ends_with('\n'));
    let seed = parse_hash(secret_text.trim()).unwrap();
    assert_eq!(
        hex(&SigningKey::from_bytes(&seed).verifying_key().to_bytes()),
        public,
        "the secret key is the public key's"
    );
    assert_eq!(
        std::fs::read_to_string(keys.join("ana.pub")).unwrap(),
        format!("{public}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(keys.join("ana.secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "secret key readable by the owner only");
    }

    // Never overwritten, neither file changes.
    d.fl(&["key", "generate", "--name", "ana"])
        .expect(2)
        .stderr_has(&format!(
            "error: a key named 'ana' already exists in {}",
            keys.display()
        ));
    assert_eq!(
        std::fs::read_to_string(keys.join("ana.secret")).unwrap(),
        secret_text
    );
    assert_eq!(
        std::fs::read_to_string(keys.join("ana.pub")).unwrap(),
        format!("{public}\n")
    );

    // A name that is not an id is refused, and nothing is written.
    d.fl(&["key", "generate", "--name", "../evil"]).expect(2);
    assert!(!d.p("evil.secret").exists());
    assert_eq!(std::fs::read_dir(&keys).unwrap().count(), 2);

    let text = d.fl(&["key", "generate", "--name", "bob"]).expect(0);
    let bob = std::fs::read_to_string(keys.join("bob.pub")).unwrap();
    let bob = bob.trim();
    assert_eq!(
        text.stdout,
        format!(
            "generated key 'bob' in {}\npublic key: {bob}\n",
            keys.display()
        )
    );
    assert_eq!(
        d.fl(&["--json", "key", "list"]).expect(0).json(),
        json!([{"name": "ana", "public_key": public}, {"name": "bob", "public_key": bob}])
    );
    assert_eq!(
        d.fl(&["key", "list"]).expect(0).stdout,
        format!("{:<20} {public}\n{:<20} {bob}\n", "ana", "bob")
    );

    // Without FACTLEDGER_KEYS the keys live under HOME; --key-dir overrides both.
    let mut c = d.command_in(d.path());
    c.env_remove("FACTLEDGER_KEYS")
        .args(["--json", "key", "generate", "--name", "carol"]);
    let o = run(c).expect(0);
    let home_keys = d.p("home/.config/factledger/keys");
    assert_eq!(o.json()["key_dir"], json!(home_keys.display().to_string()));
    assert!(home_keys.join("carol.secret").exists());
    d.fl(&["--key-dir", "other", "key", "generate", "--name", "dan"])
        .expect(0);
    assert!(d.p("other/dan.secret").exists());
    assert!(!keys.join("dan.secret").exists());
    d.fl(&["--key-dir", "empty", "key", "list"])
        .expect(0)
        .stdout_has("no keys in empty");
}

// =============================================================================================
// Signed ledgers and authors

#[test]
fn init_with_a_key_makes_a_signed_ledger_whose_first_event_authorises_it() {
    let d = Desk::new();
    d.plant("ana", ANA);
    // A missing key leaves nothing behind.
    d.on("L", "", &["init", "--key", "nobody"])
        .expect(2)
        .stderr_has("error: no key named 'nobody' in ");
    assert!(!d.p("L").exists());

    let mut first = Event::new_signed(
        1,
        now_micros(),
        "ana".into(),
        ZERO_HASH,
        grant("ana", ANA),
        Some(pk(ANA)),
    );
    sign(&mut first, &key(ANA));
    // --author is ignored: the first author is the key's.
    let out = d
        .on("L", "someone-else", &["--json", "init", "--key", "ana"])
        .expect(0)
        .json();
    assert_eq!(
        out,
        json!({"ok": true, "ledger": "L", "head": {"seq": 1, "hash": hex(&first.hash)}, "signed": true, "author": "ana"})
    );
    let log = d.log("L");
    assert_eq!(log, vec![first.to_json()]);
    assert_eq!(log[0]["type"], json!("author-authorised"));
    assert_eq!(log[0]["event"], json!("AuthorAuthorised"));
    assert_eq!(log[0]["name"], json!("ana"));
    assert_eq!(log[0]["public_key"], json!(pk_hex(ANA)));
    assert_eq!(log[0]["signer"], json!(pk_hex(ANA)));
    assert_eq!(log[0]["format"], json!(2));
    assert_eq!(d.head("L"), (1, hex(&first.hash)));

    d.on("T", "", &["init", "--key", "ana"])
        .expect(0)
        .stdout_has(&format!(
            "created a signed ledger in T; its first event authorises 'ana' (key {})",
            pk_hex(ANA)
        ));
    assert_eq!(
        d.on("U", "", &["--json", "init"]).expect(0).json(),
        json!({"ok": true, "ledger": "U", "head": {"seq": 0, "hash": ZERO_HEX}, "signed": false, "author": null})
    );
}

#[test]
fn appends_by_authorised_authors_are_signed_with_their_keys() {
    let d = Desk::new();
    d.signed_ledger("L");
    let log = d.log("L");
    assert_eq!(log.len() as u64, SIGNED_EVENTS);
    let types: Vec<&str> = log.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "author-authorised",
            "source",
            "source",
            "claim",
            "claim",
            "author-authorised",
            "claim",
            "author-revoked",
            "retract"
        ]
    );
    let mut prev = ZERO_HEX.to_string();
    for (i, e) in log.iter().enumerate() {
        let seq = i as u64 + 1;
        assert_eq!(e["seq"], json!(seq));
        assert_eq!(e["format"], json!(2));
        assert_eq!(e["prev"], json!(prev));
        let (author, seed) = if seq == 7 { ("bob", BOB) } else { ("ana", ANA) };
        assert_eq!(e["author"], json!(author), "seq {seq}");
        assert_eq!(e["signer"], json!(pk_hex(seed)), "seq {seq}");
        // The signature verifies over the event hash with the signer's key (strict Ed25519).
        let hash = parse_hash(e["hash"].as_str().unwrap()).unwrap();
        let sig_hex = e["signature"].as_str().unwrap();
        assert_eq!(sig_hex.len(), 128);
        let sig: Vec<u8> = (0..64)
            .map(|i| u8::from_str_radix(&sig_hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
        VerifyingKey::from_bytes(&pk(seed))
            .unwrap()
            .verify_strict(&hash, &sig)
            .unwrap_or_else(|err| panic!("seq {seq}: {err}"));
        // Ed25519 is deterministic: exactly the signature the key makes.
        assert_eq!(sig_hex, hex(&key(seed).sign(&hash).to_bytes()));
        prev = hex(&hash);
    }
    assert_eq!(log[5]["name"], json!("bob"));
    assert_eq!(log[5]["public_key"], json!(pk_hex(BOB)));
    assert_eq!(log[7]["name"], json!("bob"));
}

#[test]
fn appends_by_unknown_unadded_wrong_key_or_revoked_authors_are_refused_and_change_nothing() {
    let d = Desk::new();
    d.signed_start("L", TITLE);
    d.plant("mallory", MALLORY);
    let hint = "hint: this ledger is signed: the author (--author / FACTLEDGER_AUTHOR) needs a key";
    let add = |author: &str, id: &str| {
        d.on(
            "L",
            author,
            &["add", "source", "--id", id, "--publisher", "X"],
        )
    };
    let unchanged = |seq: u64| {
        let head = d.head("L");
        assert_eq!(head.0, seq);
        assert_eq!(d.log("L").len() as u64, seq);
        head
    };
    let before = unchanged(5);

    // No key at all.
    add("zed", "s-zed")
        .expect(2)
        .stderr_has(
            "error: event seq 6 by 'zed' is not signed, but the ledger is signed from seq 1",
        )
        .stderr_has(hint);
    assert_eq!(unchanged(5), before);
    // A whole import by an author without a key: nothing appended.
    d.write(
        "two.jsonl",
        "{\"type\":\"source\",\"id\":\"n1\"}\n{\"type\":\"source\",\"id\":\"n2\"}\n",
    );
    d.on("L", "zed", &["import", "two.jsonl"]).expect(2);
    assert_eq!(unchanged(5), before);

    // A key that was never added.
    add("mallory", "s-m")
        .expect(2)
        .stderr_has("error: author 'mallory' is not authorised to sign at seq 6 (unknown author)");
    d.on(
        "L",
        "mallory",
        &["authors", "add", "mallory", &pk_hex(MALLORY)],
    )
    .expect(2)
    .stderr_has("error: author 'mallory' is not authorised to sign at seq 6 (unknown author)");
    d.on("L", "mallory", &["checkpoint"])
        .expect(2)
        .stderr_has("'mallory' is not an authorised author of this ledger with that key");
    assert_eq!(unchanged(5), before);

    // An authorised name with another key (a key directory where 'ana' is mallory's key).
    KeyDir::new(d.p("stolen"))
        .write("ana", &key(MALLORY))
        .unwrap();
    d.on(
        "L",
        "ana",
        &["--key-dir", "stolen", "add", "source", "--id", "s-x"],
    )
    .expect(2)
    .stderr_has(&format!(
        "error: event seq 6 is signed with key {}, but author 'ana' is authorised with key {}",
        pk_hex(MALLORY),
        pk_hex(ANA)
    ));
    assert_eq!(unchanged(5), before);

    // A revoked author.
    d.on("L", "ana", &["authors", "add", "bob", &pk_hex(BOB)])
        .expect(0);
    add("bob", "s-bob").expect(0);
    d.on("L", "ana", &["authors", "revoke", "bob"]).expect(0);
    let before = unchanged(8);
    add("bob", "s-bob-2")
        .expect(2)
        .stderr_has("error: author 'bob' is not authorised to sign at seq 9 (revoked at seq 8)");
    d.on("L", "bob", &["checkpoint"]).expect(2);
    assert_eq!(unchanged(8), before);
    // The authorised author still can.
    add("ana", "s-ana").expect(0);
    assert_eq!(unchanged(9).0, 9);
    let (code, v) = d.verify("L");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed_events"], json!(9));
}

#[test]
fn authors_add_revoke_and_list_and_the_last_author_stays() {
    let d = Desk::new();
    d.signed_start("L", TITLE);
    let list = |d: &Desk| {
        d.on("L", "", &["--json", "authors", "list"])
            .expect(0)
            .json()
    };
    assert_eq!(
        list(&d),
        json!([{"name": "ana", "public_key": pk_hex(ANA), "authorised_at": 1, "revoked_at": null}])
    );
    // The last author cannot be revoked.
    d.on("L", "ana", &["authors", "revoke", "ana"])
        .expect(2)
        .stderr_has("error: 'ana' is the last authorised author; revoking it would leave no one able to append (authorise another author first)");
    d.on("L", "ana", &["authors", "add", "bob", "not-a-key"])
        .expect(2)
        .stderr_has("error: 'not-a-key' is not an Ed25519 public key (64 hex digits)");
    d.on("L", "ana", &["authors", "revoke", "carol"])
        .expect(2)
        .stderr_has("error: 'carol' is not an authorised author of this ledger");
    assert_eq!(d.head("L").0, 5);

    assert_eq!(
        d.on(
            "L",
            "ana",
            &["--json", "authors", "add", "bob", &pk_hex(BOB)]
        )
        .expect(0)
        .json()["last_seq"],
        json!(6)
    );
    d.on("L", "ana", &["authors", "add", "bob", &pk_hex(BOB)])
        .expect(2)
        .stderr_has("error: author 'bob' is already authorised (since seq 6)");
    d.on("L", "ana", &["authors", "revoke", "bob"]).expect(0);
    assert_eq!(
        list(&d),
        json!([
            {"name": "ana", "public_key": pk_hex(ANA), "authorised_at": 1, "revoked_at": null},
            {"name": "bob", "public_key": pk_hex(BOB), "authorised_at": 6, "revoked_at": 7}
        ])
    );
    assert_eq!(
        d.on("L", "", &["authors", "list"]).expect(0).stdout,
        format!(
            "{:<20} {}  since seq 1, authorised\n{:<20} {}  since seq 6, revoked at seq 7\n",
            "ana",
            pk_hex(ANA),
            "bob",
            pk_hex(BOB)
        )
    );
    // ana is the last again.
    d.on("L", "ana", &["authors", "revoke", "ana"]).expect(2);
    // Re-authorised, bob may sign again and may revoke ana; then ana may not append.
    d.on("L", "ana", &["authors", "add", "bob", &pk_hex(BOB)])
        .expect(0);
    d.on("L", "bob", &["authors", "revoke", "ana"]).expect(0);
    assert_eq!(
        list(&d),
        json!([
            {"name": "ana", "public_key": pk_hex(ANA), "authorised_at": 1, "revoked_at": 9},
            {"name": "bob", "public_key": pk_hex(BOB), "authorised_at": 8, "revoked_at": null}
        ])
    );
    d.on("L", "ana", &["add", "source", "--id", "late"])
        .expect(2)
        .stderr_has("error: author 'ana' is not authorised to sign at seq 10 (revoked at seq 9)");
    d.on("L", "bob", &["add", "source", "--id", "late"])
        .expect(0);
    let (code, v) = d.verify("L");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed_events"], json!(10));
    assert_eq!(v["signed_from"], json!(1));
}

#[test]
fn verify_reports_what_was_signed_and_says_plainly_when_a_ledger_is_unsigned() {
    let d = Desk::new();
    d.signed_ledger("L");
    let (code, v) = d.verify("L");
    assert_eq!(code, 0, "{v}");
    let head = d.head("L");
    let digest = v["projection_digest"].as_str().unwrap().to_string();
    assert!(parse_hash(&digest).is_some());
    assert_eq!(
        v,
        json!({
            "ok": true, "events": SIGNED_EVENTS, "texts": 2,
            "head": {"seq": head.0, "hash": head.1},
            "signed": true, "signed_from": 1, "signed_events": SIGNED_EVENTS,
            "projection_digest": digest, "problem": null
        })
    );
    assert_eq!(
        d.on("L", "", &["verify"]).expect(0).stdout,
        format!(
            "ok: 9 events and 2 archived texts verified; head seq 9 hash {}\n\
             ok: the stored projection is exactly what the log implies (digest {digest})\n\
             ok: signed from seq 1: 9 signatures verified, every author authorised at its point of the log\n",
            head.1
        )
    );

    d.unsigned_ledger("U");
    let (code, v) = d.verify("U");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed"], json!(false));
    assert_eq!(v["signed_from"], json!(null));
    assert_eq!(v["signed_events"], json!(0));
    assert_eq!(v["events"], json!(5));
    let text = d.on("U", "", &["verify"]).expect(0).stdout;
    assert!(
        text.ends_with(
            "note: this ledger is unsigned: events are hashed and chained, but not signed \
             (sign it from now on with `factledger authors add`)\n"
        ),
        "{text}"
    );
    assert_eq!(
        d.on("U", "", &["authors", "list"]).expect(0).stdout,
        "this ledger is unsigned: no authors are authorised\n"
    );
    assert_eq!(
        d.on("U", "", &["--json", "authors", "list"])
            .expect(0)
            .json(),
        json!([])
    );
}

#[test]
fn authors_add_signs_an_unsigned_ledger_from_that_event_only_when_made_by_that_author() {
    let d = Desk::new();
    d.unsigned_ledger("U");
    d.plant("ana", ANA);
    d.plant("bob", BOB);
    let before = d.head("U");
    // Someone else (with or without a key) cannot make ana the first author.
    for who in ["bob", "desk"] {
        d.on("U", who, &["authors", "add", "ana", &pk_hex(ANA)])
            .expect(2)
            .stderr_has(&format!(
                "error: author '{who}' is not authorised to sign at seq 6: the first authorisation must be made by 'ana' itself, signed with the key it authorises"
            ));
        assert_eq!(d.head("U"), before);
    }
    // Nor can ana authorise herself with a key she does not hold.
    d.on("U", "ana", &["authors", "add", "ana", &pk_hex(BOB)])
        .expect(2)
        .stderr_has("the first authorisation must be made by 'ana' itself");
    assert_eq!(d.head("U"), before);

    d.on("U", "ana", &["authors", "add", "ana", &pk_hex(ANA)])
        .expect(0);
    let (code, v) = d.verify("U");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed"], json!(true));
    assert_eq!(v["signed_from"], json!(6));
    assert_eq!(v["signed_events"], json!(1));
    // From then on, unsigned appends are refused.
    d.on("U", "desk", &["retract", "c-date", "--reason", "r"])
        .expect(2)
        .stderr_has(
            "error: event seq 7 by 'desk' is not signed, but the ledger is signed from seq 6",
        );
    d.on("U", "ana", &["retract", "c-date", "--reason", "r"])
        .expect(0);
    let log = d.log("U");
    let signers: Vec<&Json> = log.iter().map(|e| &e["signer"]).collect();
    let ana = json!(pk_hex(ANA));
    assert_eq!(
        signers,
        [
            &Json::Null,
            &Json::Null,
            &Json::Null,
            &Json::Null,
            &Json::Null,
            &ana,
            &ana
        ]
    );
    assert!(log[..5].iter().all(|e| e["signature"].is_null()));
    let (code, v) = d.verify("U");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed_events"], json!(2));
}

/// Refusing the first authorisation of an unsigned ledger, the hint must not call it signed.
#[test]
fn refusing_the_first_authorisation_does_not_call_the_ledger_signed() {
    let d = Desk::new();
    d.on("U", "", &["init"]).expect(0);
    d.plant("bob", BOB);
    let o = d.on("U", "bob", &["authors", "add", "ana", &pk_hex(ANA)]);
    let o = o.expect(2);
    assert!(
        !o.stderr.contains("this ledger is signed"),
        "the ledger is unsigned: {o:#?}"
    );
}

// =============================================================================================
// Signatures and authority, checked by verify

#[test]
fn a_forged_altered_or_missing_signature_in_the_store_is_a_bad_signature_at_its_seq() {
    let d = Desk::new();
    d.signed_start("L", TITLE);
    let ledger = d.p("L");
    let original = with_store(&ledger, stored_events);
    assert_eq!(original.len(), 5);
    let target = original[2].clone(); // seq 3, by ana
    assert_eq!(target.seq, 3);
    assert_eq!(target.signer, Some(pk(ANA)));

    let mut forged = target.clone();
    forged.signature = Some(key(MALLORY).sign(&target.hash).to_bytes());
    let mut flipped = target.clone();
    if let Some(s) = flipped.signature.as_mut() {
        s[17] ^= 0x04;
    }
    let mut removed = target.clone();
    removed.signature = None;
    let cases = [
        ("signed again by another key", forged, "does not verify: "),
        (
            "one bit of the signature flipped",
            flipped,
            "does not verify: ",
        ),
        (
            "signature removed",
            removed,
            "does not verify: the signer's key or the signature is missing",
        ),
    ];
    for (what, bad, reason) in cases {
        assert_eq!(
            bad.compute_hash(),
            bad.hash,
            "the hash does not cover the signature"
        );
        with_store(&ledger, |store| put_events(store, &[bad]));
        let o = d.on("L", "", &["--json", "verify"]);
        let o = o.expect(1);
        let v = o.json();
        assert_eq!(v["ok"], json!(false), "{what}");
        assert_eq!(
            v["events"],
            json!(2),
            "{what}: stops after the last good event"
        );
        assert_eq!(v["problem"]["seq"], json!(3), "{what}");
        assert_eq!(v["problem"]["code"], json!("bad-signature"), "{what}");
        let message = v["problem"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("the signature on event seq 3 {reason}")),
            "{what}: {message}"
        );
        d.on("L", "", &["verify"])
            .expect(1)
            .stderr_has(
                "error: verify failed at seq 3: the signature on event seq 3 does not verify",
            )
            .stderr_has("(bad-signature)");
        // Put the original back: verified again.
        with_store(&ledger, |store| {
            put_events(store, std::slice::from_ref(&target))
        });
        assert_eq!(d.verify("L").0, 0, "{what}: restored");
    }
}

#[test]
fn a_validly_signed_event_by_a_key_that_is_not_authorised_is_an_unauthorised_author() {
    // The ledger is rewritten from seq 3 on: seq 3 (a source) is changed and signed by mallory, every later
    // event re-chained and re-signed by ana, the head moved, so hashes, links and signatures all
    // hold and only the authority is wrong. The control rewrites seq 3 as ana: it verifies.
    let cases: [(&str, &str, u8, Option<String>); 3] = [
        (
            "ana's name, mallory's key",
            "ana",
            MALLORY,
            Some(format!(
                "event seq 3 is signed with key {}, but author 'ana' is authorised with key {}",
                pk_hex(MALLORY),
                pk_hex(ANA)
            )),
        ),
        (
            "mallory, never authorised",
            "mallory",
            MALLORY,
            Some(
                "author 'mallory' is not authorised to sign at seq 3 (unknown author)".to_string(),
            ),
        ),
        ("control: ana herself", "ana", ANA, None),
    ];
    for (what, author, seed, expected) in cases {
        let d = Desk::new();
        d.signed_start("L", TITLE);
        let ledger = d.p("L");
        let head = with_store(&ledger, |store| {
            let mut events = stored_events(store);
            let e = &mut events[2];
            let EventBody::SourceRegistered(s) = &mut e.body else {
                panic!("seq 3 is the wire source")
            };
            s.publisher = Some("Fixture Wire (rewritten)".into());
            e.author = author.into();
            e.signer = Some(pk(seed));
            rechain(&mut events, 2, |e| {
                Some(key(if e.seq == 3 { seed } else { ANA }))
            });
            put_events(store, &events[2..]);
            let last = events.last().unwrap();
            put_head(store, last.seq, &last.hash);
            force_projection_rebuild(store);
            (last.seq, last.hash)
        });
        write_head_file(&ledger, head.0, &head.1);
        let (code, v) = d.verify("L");
        match expected {
            Some(message) => {
                assert_eq!(code, 1, "{what}: {v}");
                assert_eq!(
                    v["problem"],
                    json!({"seq": 3, "code": "unauthorised-author", "message": message}),
                    "{what}"
                );
                assert_eq!(v["events"], json!(2), "{what}");
                // The head and the rest of the chain are intact.
                assert_eq!(v["head"], json!({"seq": 5, "hash": hex(&head.1)}), "{what}");
            }
            None => {
                assert_eq!(code, 0, "{what}: {v}");
                assert_eq!(v["signed_events"], json!(5));
            }
        }
    }
}

#[test]
fn the_verifier_tells_bad_signatures_from_unauthorised_authors() {
    // A good chain: ana authorises herself, registers a source, authorises bob; bob claims; ana
    // revokes bob.
    let mut good = Vec::new();
    push(&mut good, "ana", grant("ana", ANA), Some(ANA));
    push(&mut good, "ana", source("s1", None), Some(ANA));
    push(&mut good, "ana", grant("bob", BOB), Some(ANA));
    push(&mut good, "bob", claim("c1", "s1"), Some(BOB));
    push(&mut good, "ana", revoke("bob"), Some(ANA));
    let (v, problem) = check_all(&good);
    assert_eq!(problem, None);
    assert_eq!(v.signed_from, Some(1));
    assert_eq!(v.signed_events, 5);
    assert_eq!(v.head(), (5, good[4].hash));

    let unauthorised = |m: &str| Some(("unauthorised-author", m.to_string()));
    let bad_signature = |m: &str| Some(("bad-signature", m.to_string()));
    let after = |author: &str, body: EventBody, seed: Option<u8>| {
        let mut chain = good.clone();
        push(&mut chain, author, body, seed);
        chain
    };
    let resign = |chain: &mut Vec<Event>, f: &dyn Fn(&mut Event)| {
        let last = chain.last_mut().unwrap();
        f(last);
    };
    let mut cases: Vec<(&str, Vec<Event>, Expected)> = vec![
        (
            "revoked bob",
            after("bob", claim("c2", "s1"), Some(BOB)),
            unauthorised("author 'bob' is not authorised to sign at seq 6 (revoked at seq 5)"),
        ),
        (
            "mallory, never authorised",
            after("mallory", claim("c2", "s1"), Some(MALLORY)),
            unauthorised("author 'mallory' is not authorised to sign at seq 6 (unknown author)"),
        ),
        (
            "mallory authorising herself",
            after("mallory", grant("mallory", MALLORY), Some(MALLORY)),
            unauthorised("author 'mallory' is not authorised to sign at seq 6 (unknown author)"),
        ),
        (
            "revoked bob re-authorising himself",
            after("bob", grant("bob", BOB), Some(BOB)),
            unauthorised("author 'bob' is not authorised to sign at seq 6 (revoked at seq 5)"),
        ),
        (
            "ana's name with mallory's key",
            after("ana", claim("c2", "s1"), Some(MALLORY)),
            unauthorised(&format!(
                "event seq 6 is signed with key {}, but author 'ana' is authorised with key {}",
                pk_hex(MALLORY),
                pk_hex(ANA)
            )),
        ),
        (
            "ana unsigned",
            after("ana", claim("c2", "s1"), None),
            unauthorised("event seq 6 by 'ana' is not signed, but the ledger is signed from seq 1"),
        ),
        ("ana", after("ana", claim("c2", "s1"), Some(ANA)), None),
        (
            "bob re-authorised by ana",
            after("ana", grant("bob", BOB), Some(ANA)),
            None,
        ),
    ];
    // Signature problems: ana's key in the event, but the signature is not ana's over this hash.
    let mut forged = after("ana", claim("c2", "s1"), Some(ANA));
    resign(&mut forged, &|e| {
        e.signature = Some(key(MALLORY).sign(&e.hash).to_bytes())
    });
    let mut other_hash = after("ana", claim("c2", "s1"), Some(ANA));
    resign(&mut other_hash, &|e| {
        e.signature = Some(key(ANA).sign(&good[4].hash).to_bytes())
    });
    let mut missing = after("ana", claim("c2", "s1"), Some(ANA));
    resign(&mut missing, &|e| e.signature = None);
    for (what, chain) in [
        ("signed by mallory", forged),
        ("ana's signature of another event", other_hash),
        ("signature missing", missing),
    ] {
        cases.push((
            what,
            chain,
            bad_signature("the signature on event seq 6 does not verify: "),
        ));
    }
    for (what, chain, expected) in cases {
        let (v, problem) = check_all(&chain);
        match (problem, expected) {
            (None, None) => assert_eq!(v.signed_events, 6, "{what}"),
            (Some(p), Some((code, message))) => {
                assert_eq!(p.seq, 6, "{what}");
                assert_eq!(p.code, code, "{what}: {}", p.message);
                assert!(p.message.starts_with(&message), "{what}: {}", p.message);
                assert_eq!(v.head().0, 5, "{what}");
            }
            (p, e) => panic!("{what}: found {p:?}, expected {e:?}"),
        }
    }

    // The bootstrap rule: the first authorisation is made by the author it names, with the key
    // it authorises.
    let first = |author: &str, body: EventBody, seed: Option<u8>| {
        check_all(&[next(None, author, body, seed)]).1
    };
    let p = first("bob", grant("ana", ANA), Some(ANA)).unwrap();
    assert_eq!((p.seq, p.code), (1, "unauthorised-author"));
    assert_eq!(p.message, "author 'bob' is not authorised to sign at seq 1: the first authorisation must be made by 'ana' itself, signed with the key it authorises");
    let p = first("ana", grant("ana", ANA), Some(BOB)).unwrap();
    assert_eq!((p.seq, p.code), (1, "unauthorised-author"));
    let p = first("ana", grant("ana", ANA), None).unwrap();
    assert_eq!((p.seq, p.code), (1, "unauthorised-author"));
    let mut e = next(None, "ana", grant("ana", ANA), Some(ANA));
    e.signature = Some(key(BOB).sign(&e.hash).to_bytes());
    let p = check_all(&[e]).1.unwrap();
    assert_eq!((p.seq, p.code), (1, "bad-signature"));

    // An unsigned ledger: anything unsigned goes, but a signature that is there must verify.
    let mut unsigned = Vec::new();
    push(&mut unsigned, "desk", source("s1", None), None);
    push(&mut unsigned, "ana", claim("c1", "s1"), Some(ANA));
    let (v, p) = check_all(&unsigned);
    assert_eq!(p, None);
    assert_eq!((v.signed_from, v.signed_events), (None, 1));
    unsigned[1].signature = Some(key(BOB).sign(&unsigned[1].hash).to_bytes());
    let p = check_all(&unsigned).1.unwrap();
    assert_eq!((p.seq, p.code), (2, "bad-signature"));
    // And a changed signer is a hash mismatch, not a signature problem: the signer is hashed.
    let mut swapped = good.clone();
    swapped[1].signer = Some(pk(MALLORY));
    let p = check_all(&swapped).1.unwrap();
    assert_eq!((p.seq, p.code), (2, "hash-mismatch"));
}

// =============================================================================================
// Checkpoints and proofs

/// The checkpoint note of a tree, computed from the C2SP signed-note rules.
fn expected_note(first: &Hash, size: u64, root: &Hash, signer: Option<(&str, u8)>) -> String {
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
    d.on("L", "", &["checkpoint"])
        .expect(2)
        .stderr_has("error: this ledger is signed, so its checkpoints must be too, but author 'unknown' has no key in ");

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

/// The verify-proof reason for a proof file, with `args` after the file.
fn verify_proof(d: &Desk, file: &str, args: &[&str]) -> (i32, Json) {
    let mut all = vec!["--json", "verify-proof", file];
    all.extend_from_slice(args);
    let o = d.fl(&all);
    (o.code, o.json())
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
    d.write("moved.txt", &d.read("cp.txt").replace("\n9\n", "\n8\n"));
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
    let mut c = Command::new(env!("CARGO_BIN_EXE_factledger"));
    c.env_clear()
        .env("HOME", &reader)
        .current_dir(&reader)
        .timeout(Duration::from_secs(60))
        .args([
            "verify-proof",
            "ev.json",
            "--checkpoint",
            "checkpoint.txt",
            "--key",
            &pk_hex(ANA),
        ]);
    let o = run(c);
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
        &bundle_text(&good, &["alpha"], Some(("ana", ANA))),
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

// =============================================================================================
// Old ledgers: record format 1

/// Rewrites every stored event of an unsigned ledger as a format-1 record (no signer, no
/// signature, the v1 hash context), re-chained, as a ledger made before signing would hold.
fn downgrade_to_format_1(ledger: &Path) -> Vec<Event> {
    let events = with_store(ledger, |store| {
        let mut events = stored_events(store);
        for e in &mut events {
            assert_eq!(e.signer, None);
            e.format = 1;
        }
        rechain(&mut events, 0, |_| None);
        put_events(store, &events);
        let last = events.last().unwrap();
        put_head(store, last.seq, &last.hash);
        force_projection_rebuild(store);
        events
    });
    let last = events.last().unwrap();
    write_head_file(ledger, last.seq, &last.hash);
    events
}

#[test]
fn a_format_1_ledger_opens_verifies_and_continues_in_format_2() {
    let d = Desk::new();
    d.unsigned_ledger("OLD");
    let v1 = downgrade_to_format_1(&d.p("OLD"));
    assert_eq!(v1.len(), 5);
    // Each record is format 1 and decodes as written.
    for e in &v1 {
        let r = e.to_record();
        assert_eq!(r[0], 1);
        assert_eq!(
            &r[r.len() - 32..],
            &e.hash,
            "a format-1 record ends with its hash"
        );
        assert_eq!(Event::from_record(&r).unwrap(), *e);
    }

    let (code, v) = d.verify("OLD");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["events"], json!(5));
    assert_eq!(v["texts"], json!(2));
    assert_eq!(v["signed"], json!(false));
    assert_eq!(v["head"], json!({"seq": 5, "hash": hex(&v1[4].hash)}));
    let log = d.log("OLD");
    assert_eq!(log, v1.iter().map(Event::to_json).collect::<Vec<_>>());
    assert!(log
        .iter()
        .all(|e| e["format"] == json!(1) && e["signer"].is_null() && e["signature"].is_null()));

    // New events are format 2; the old records are never rewritten.
    d.on(
        "OLD",
        "desk",
        &[
            "add",
            "claim",
            "--id",
            "c-new",
            "--source",
            "wire",
            "--subject",
            "S/RES/2774",
            "--predicate",
            "outcome",
            "--value",
            "adopted",
        ],
    )
    .expect(0);
    d.plant("ana", ANA);
    d.on("OLD", "ana", &["authors", "add", "ana", &pk_hex(ANA)])
        .expect(0);
    d.on(
        "OLD",
        "ana",
        &["retract", "c-date", "--reason", "wrong day"],
    )
    .expect(0);
    let log = d.log("OLD");
    let formats: Vec<&Json> = log.iter().map(|e| &e["format"]).collect();
    assert_eq!(
        formats,
        [
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(2),
            &json!(2),
            &json!(2)
        ]
    );
    assert_eq!(
        &log[..5],
        &v1.iter().map(Event::to_json).collect::<Vec<_>>()[..]
    );
    assert_eq!(log[5]["prev"], json!(hex(&v1[4].hash)));
    let (code, v) = d.verify("OLD");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signed_from"], json!(7));
    assert_eq!(v["signed_events"], json!(2));

    // Proofs over a format-1 event, against a checkpoint of the mixed ledger.
    d.write(
        "cp.json",
        &d.on("OLD", "ana", &["--json", "checkpoint"])
            .expect(0)
            .stdout,
    );
    d.write(
        "p.json",
        &d.on("OLD", "", &["--json", "prove", "wire"])
            .expect(0)
            .stdout,
    );
    let (code, v) = verify_proof(
        &d,
        "p.json",
        &["--checkpoint", "cp.json", "--key", &pk_hex(ANA)],
    );
    assert_eq!(code, 0, "{v}");
    d.on("OLD", "ana", &["evidence", "c-new", "--out", "ev.json"])
        .expect(0);
    let (code, v) = verify_proof(&d, "ev.json", &["--key", &pk_hex(ANA)]);
    assert_eq!(code, 0, "{v}");

    // And through a bundle into a new ledger: the format-1 records come back unchanged.
    d.on("OLD", "ana", &["export", "--bundle", "old.jsonl"])
        .expect(0);
    d.fl(&["verify", "--bundle", "old.jsonl"]).expect(0);
    d.on("NEW", "", &["init"]).expect(0);
    d.on("NEW", "", &["import", "--bundle", "old.jsonl"])
        .expect(0);
    assert_eq!(d.head("NEW"), d.head("OLD"));
    assert_eq!(d.log("NEW"), log);
    let (code, v) = d.verify("NEW");
    assert_eq!(code, 0, "{v}");
    let new_records = with_store(&d.p("NEW"), stored_events);
    assert_eq!(&new_records[..5], &v1[..]);
}

#[test]
fn the_verifier_reads_format_1_events_followed_by_format_2_events() {
    let to_v1 = |mut e: Event| {
        e.format = 1;
        e.hash = e.compute_hash();
        e
    };
    let mut chain = vec![to_v1(next(None, "desk", source("s1", None), None))];
    let e = to_v1(next(chain.last(), "desk", claim("c1", "s1"), None));
    chain.push(e);
    push(&mut chain, "desk", claim("c2", "s1"), None);
    push(&mut chain, "ana", grant("ana", ANA), Some(ANA));
    push(&mut chain, "ana", claim("c3", "s1"), Some(ANA));
    let formats: Vec<u8> = chain.iter().map(|e| e.format).collect();
    assert_eq!(formats, [1, 1, 2, 2, 2]);
    // Each format hashes with its own context.
    for e in &chain {
        let context = if e.format == 1 {
            "factledger v1 event hash"
        } else {
            "factledger v2 event hash"
        };
        let mut h = blake3::Hasher::new_derive_key(context);
        h.update(&e.hash_input());
        assert_eq!(h.finalize().as_bytes(), &e.hash);
        let r = e.to_record();
        assert_eq!(Event::from_record(&r).unwrap(), *e);
        let tail = if e.format == 1 {
            32
        } else {
            32 + if e.signature.is_some() { 65 } else { 1 }
        };
        assert_eq!(r.len(), e.hash_input().len() + tail);
    }
    let (v, p) = check_all(&chain);
    assert_eq!(p, None);
    assert_eq!(v.signed_from, Some(4));
    assert_eq!(v.signed_events, 2);
    // Once signed, a format-1 event (which cannot carry a signature) is refused.
    let late = to_v1(next(chain.last(), "ana", claim("c4", "s1"), None));
    chain.push(late);
    let p = check_all(&chain).1.unwrap();
    assert_eq!((p.seq, p.code), (6, "unauthorised-author"));
    // A format-1 event relabelled as format 2 no longer hashes to its hash.
    let mut relabelled = chain[..2].to_vec();
    relabelled[1].format = 2;
    let p = check_all(&relabelled).1.unwrap();
    assert_eq!((p.seq, p.code), (2, "hash-mismatch"));
}

// =============================================================================================
// The examples in the documentation

/// The signed example of docs/format.md and the checkpoint example of docs/integrity.md are what
/// the code computes, with the key of RFC 8032's first Ed25519 test vector.
#[test]
fn the_documented_signed_record_and_checkpoint_examples_are_what_the_code_computes() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let format = std::fs::read_to_string(docs.join("format.md")).unwrap();
    let integrity = std::fs::read_to_string(docs.join("integrity.md")).unwrap();
    let seed =
        parse_hash("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
    let k = SigningKey::from_bytes(&seed);
    let public = k.verifying_key().to_bytes();
    assert_eq!(
        hex(&public),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "RFC 8032 test 1"
    );
    let body = EventBody::ClaimAsserted(Claim {
        id: "c1".into(),
        source: "s1".into(),
        subject: "S/RES/2774".into(),
        predicate: "date".into(),
        value: Value::Date(
            factledger::date::StatedDate::parse("Monday, February 25, 2025").unwrap(),
        ),
        supersedes: None,
        note: None,
    });
    let at = 1_740_355_200_000_000;
    let unsigned = Event::new(1, at, "desk".into(), ZERO_HASH, body.clone());
    assert_eq!(
        hex(&unsigned.hash),
        "773f67cc3d5e0d0fe910d3cdc8ad346816d0d56b919a8ab4c31274720ec6f655"
    );
    assert_eq!(unsigned.to_record().len(), 196);
    assert_eq!(unsigned.hash_input().len(), 163);
    let mut e = Event::new_signed(1, at, "desk".into(), ZERO_HASH, body, Some(public));
    sign(&mut e, &k);
    let record = e.to_record();
    assert_eq!(record.len(), 292);
    assert_eq!(e.hash_input().len(), 195);
    assert_eq!(&record[..162], &unsigned.to_record()[..162]);
    let hash = "b13aee983ff2e28adfcc55b65d32901a89800c13a688530db37d098dfbc5c450";
    let signature = "fcd8e116385af77d58e03def16058f91c5bcec3d6e30da556c83802a430f040ff177ad290ed8669a5ad018700f0de238e5c79c2e722c7286e9e950f808b2e002";
    assert_eq!(hex(&e.hash), hash);
    assert_eq!(hex(&e.signature.unwrap()), signature);
    assert_eq!(
        hex(&record[162..]),
        format!("01{}{hash}01{signature}", hex(&public))
    );
    for needle in [
        hash,
        signature,
        "773f67cc3d5e0d0fe910d3cdc8ad346816d0d56b919a8ab4c31274720ec6f655",
    ] {
        assert!(format.contains(needle), "docs/format.md lacks {needle}");
    }
    // The author bodies as the document spells them.
    let enc = |b: &EventBody| {
        hex(&bincode::encode_to_vec(b, factledger::event::canonical_config()).unwrap())
    };
    assert_eq!(
        enc(&EventBody::AuthorAuthorised(AuthorGrant {
            name: "desk".into(),
            public_key: public
        })),
        format!("03000000{}6465736b{}", "0400000000000000", hex(&public))
    );
    assert_eq!(
        enc(&EventBody::AuthorRevoked(AuthorRevocation {
            name: "desk".into()
        })),
        "0400000004000000000000006465736b"
    );

    // The checkpoint example.
    let mut c = Checkpoint {
        origin: origin_for(&e.hash),
        size: 1,
        root: mth(&[e.hash]),
        time: "2025-02-24T00:00:00Z".into(),
        signature: None,
        cosignatures: Vec::new(),
    };
    c.sign("desk", &k);
    assert_eq!(hex(&key_id("desk", &public)), "a96f850c");
    let note = c.note();
    assert_eq!(
        note,
        "factledger/b13aee983ff2e28adfcc55b65d32901a\n1\n5holJhXbj96LVOAh3QJd5dpwgRJFHaKLffZkV7RTuaY=\n\
         time 2025-02-24T00:00:00Z\n\n\u{2014} desk \
         qW+FDH9jFEaxkPSiCSc31vxrlV6hUZVN1GUH0lujk8fJYkUaM/apBnBF/sbZ2+m9xDed+2xJcnl+k1T+Ukif0cZZpw4=\n"
    );
    assert!(
        integrity.contains(&format!("```\n{note}```")),
        "docs/integrity.md lacks the checkpoint example"
    );
    assert!(integrity.contains("(key id `a96f850c`)"));
    assert_eq!(
        Checkpoint::parse_note(&note)
            .unwrap()
            .verify_signature(Some(&public)),
        Ok(public)
    );
}
