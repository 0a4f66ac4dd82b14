//! End-to-end tests of signing: key generation and key files, signed ledgers and their authors
//! (authorise, revoke, who may append), and the signatures and authority `verify` checks on
//! stored events altered after the binary has exited.
//!
//! Every run has the hermetic test environment (`common::TestEnv`) with a key directory and no
//! default author (`desk::Desk`). Keys are planted with fixed seeds (except where `key generate`
//! itself is tested), so every hash, signature and checkpoint is deterministic.

mod common;
mod desk;

use common::{with_store, Out};
use desk::*;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use factledger::integrity::signing::{sign, KeyDir};
use factledger::model::event::{hex, parse_hash, Event, EventBody, ZERO_HASH};
use serde_json::{json, Value as Json};

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
    let o = Out::of(c).expect(0);
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
