//! End-to-end tests of ledgers of the older record format 1 (opened, verified, continued in
//! format 2), and of the signed-record and checkpoint examples printed in the documentation.
//!
//! Every run has the hermetic test environment (`common::TestEnv`) with a key directory and no
//! default author (`desk::Desk`). Keys are planted with fixed seeds (except where `key generate`
//! itself is tested), so every hash, signature and checkpoint is deterministic.

mod common;
mod desk;

use common::with_store;
use desk::*;
use ed25519_dalek::SigningKey;
use factledger::integrity::checkpoint::{key_id, origin_for, Checkpoint};
use factledger::integrity::signing::sign;
use factledger::model::event::{
    hex, parse_hash, AuthorGrant, AuthorRevocation, Claim, Event, EventBody, ZERO_HASH,
};
use factledger::model::value::Value;
use serde_json::{json, Value as Json};
use std::path::Path;

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
            factledger::model::date::StatedDate::parse("Monday, February 25, 2025").unwrap(),
        ),
        supersedes: None,
        note: None,
        claimant: None,
        excerpt: None,
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
        hex(&bincode::encode_to_vec(b, factledger::model::event::canonical_config()).unwrap())
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
