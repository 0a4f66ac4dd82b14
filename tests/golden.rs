//! Golden values of the canonical encoding and hashes, pinned so we detect regressions in
//! compatibility: a change to any of these bytes means ledgers written by earlier builds no longer
//! verify. `docs/format.md` walks through the first record field by field.
//!
//! The second half checks, by encoding samples, every claim `docs/format.md` makes about how
//! bincode 2.0.1 lays out each type under the pinned configuration.

use factledger::model::date::StatedDate;
use factledger::model::event::{
    canonical_config, hash_event_bytes, hex, Claim, DecodeError, Event, EventBody, Retraction,
    Source, SourceKind, TextRef, FORMAT_VERSION, HASH_CONTEXT_V1, MAX_RECORD_BYTES, ZERO_HASH,
};
use factledger::model::value::{Body, Majority, Outcome, Tally, Value, Vote};

/// Rebuilds an event in record format 1 (what ledgers made before signatures hold).
fn v1(mut e: Event) -> Event {
    e.format = 1;
    e.hash = e.compute_hash();
    e
}

fn claim_event() -> Event {
    v1(claim_event_v2())
}

/// The same claim in the current format (2): signer `None` in the hash, signature `None` after it.
fn claim_event_v2() -> Event {
    Event::new(
        1,
        1_740_355_200_000_000, // 2025-02-24T00:00:00Z
        "desk".into(),
        ZERO_HASH,
        EventBody::ClaimAsserted(Claim {
            id: "c1".into(),
            source: "s1".into(),
            subject: "S/RES/2774".into(),
            predicate: "date".into(),
            value: Value::Date(StatedDate::parse("Monday, February 25, 2025").unwrap()),
            supersedes: None,
            note: None,
            claimant: None,
            excerpt: None,
        }),
    )
}

const TEXT: &str = "The Security Council adopted resolution 2774 (2025) by 10 votes to none.";

fn source_event() -> Event {
    v1(Event::new(
        2,
        1_740_355_200_000_001,
        "desk".into(),
        claim_event().hash,
        EventBody::SourceRegistered(Source {
            id: "un-sc-record-2774".into(),
            kind: SourceKind::Primary,
            publisher: Some("United Nations".into()),
            title: None,
            url: None,
            published: Some(StatedDate::parse("24 February 2025").unwrap()),
            cites: vec!["s1".into()],
            text: Some(TextRef {
                hash: *blake3::hash(TEXT.as_bytes()).as_bytes(),
                len: TEXT.len() as u64,
            }),
        }),
    ))
}

/// The claim record, field by field (the same split as in docs/format.md).
const CLAIM_RECORD: &[&str] = &[
    "01",                                                               // format version
    "0100000000000000",                                                 // seq = 1
    "00a07a05d82e0600",                                                 // recorded_at
    "0400000000000000",                                                 // author: length 4
    "6465736b",                                                         // "desk"
    "0000000000000000000000000000000000000000000000000000000000000000", // prev
    "01000000",                                                         // EventBody::ClaimAsserted
    "0200000000000000",                                                 // id: length 2
    "6331",                                                             // "c1"
    "0200000000000000",                                                 // source: length 2
    "7331",                                                             // "s1"
    "0a00000000000000",                                                 // subject: length 10
    "532f5245532f32373734",                                             // "S/RES/2774"
    "0400000000000000",                                                 // predicate: length 4
    "64617465",                                                         // "date"
    "02000000",                                                         // Value::Date
    "e9070000",                                                         // year 2025 (i32)
    "02",                                                               // month 2
    "19",                                                               // day 25
    "0100",                                                             // stated_weekday Some(0)
    "1900000000000000",                                                 // as_written: length 25
    "4d6f6e6461792c2046656272756172792032352c2032303235",               // "Monday, ... 2025"
    "00",                                                               // supersedes None
    "00",                                                               // note None
    "4919c3cd79e72fb9c4b72b26c55886ec95b3ae465af60e65ac2fdca7388ef816", // hash
];
const CLAIM_HASH: &str = "4919c3cd79e72fb9c4b72b26c55886ec95b3ae465af60e65ac2fdca7388ef816";

const SOURCE_RECORD: &[&str] = &[
    "01",                                                               // format version
    "0200000000000000",                                                 // seq = 2
    "01a07a05d82e0600",                                                 // recorded_at
    "0400000000000000",                                                 // author: length 4
    "6465736b",                                                         // "desk"
    "4919c3cd79e72fb9c4b72b26c55886ec95b3ae465af60e65ac2fdca7388ef816", // prev
    "00000000",                                                         // SourceRegistered
    "1100000000000000",                                                 // id: length 17
    "756e2d73632d7265636f72642d32373734",                               // "un-sc-record-2774"
    "00000000",                                                         // SourceKind::Primary
    "01",                                                               // publisher Some
    "0e00000000000000",                                                 // length 14
    "556e69746564204e6174696f6e73",                                     // "United Nations"
    "00",                                                               // title None
    "00",                                                               // url None
    "01",                                                               // published Some
    "e9070000",                                                         // year 2025
    "02",                                                               // month 2
    "18",                                                               // day 24
    "00",                                                               // stated_weekday None
    "1000000000000000",                                                 // as_written: length 16
    "32342046656272756172792032303235",                                 // "24 February 2025"
    "0100000000000000",                                                 // cites: 1 item
    "0200000000000000",                                                 // length 2
    "7331",                                                             // "s1"
    "01",                                                               // text Some
    "31b42dc24e766933f369216788eca276d373b4a7b92e6b7bdf8306eca6f10b8d", // TextRef.hash
    "4800000000000000",                                                 // TextRef.len = 72
    "d5c6685bb7d7d5fba7a8a9eb86548bb726f1f41f0a0f8bc38b2a2f79332bbe02", // hash
];
const SOURCE_HASH: &str = "d5c6685bb7d7d5fba7a8a9eb86548bb726f1f41f0a0f8bc38b2a2f79332bbe02";
const TEXT_HASH: &str = "31b42dc24e766933f369216788eca276d373b4a7b92e6b7bdf8306eca6f10b8d";

#[test]
fn golden_claim_record_and_hash() {
    let e = claim_event();
    assert_eq!(hex(&e.to_record()), CLAIM_RECORD.concat());
    assert_eq!(hex(&e.hash), CLAIM_HASH);
    assert_eq!(e.to_record().len(), 194);
}

#[test]
fn golden_source_record_and_hash() {
    let e = source_event();
    assert_eq!(hex(&e.to_record()), SOURCE_RECORD.concat());
    assert_eq!(hex(&e.hash), SOURCE_HASH);
    assert_eq!(blake3::hash(TEXT.as_bytes()).to_hex().as_str(), TEXT_HASH);
    assert_eq!(TEXT.len(), 72);
}

/// The hash is blake3 in derive-key mode with the v1 context over the record minus its last 32
/// bytes, computed here from the pinned bytes alone, as another implementation would.
#[test]
fn golden_hashes_follow_from_the_bytes() {
    assert_eq!(HASH_CONTEXT_V1, "factledger v1 event hash");
    assert_eq!(FORMAT_VERSION, 2);
    for (parts, hash) in [(CLAIM_RECORD, CLAIM_HASH), (SOURCE_RECORD, SOURCE_HASH)] {
        let record = unhex(&parts.concat());
        let (input, stored) = record.split_at(record.len() - 32);
        let mut h = blake3::Hasher::new_derive_key("factledger v1 event hash");
        h.update(input);
        assert_eq!(h.finalize().to_hex().as_str(), hash);
        assert_eq!(hex(stored), hash);
        assert_eq!(hex(&hash_event_bytes(1, input)), hash);
        // It is not a plain or keyed hash of the same bytes.
        assert_ne!(blake3::hash(input).to_hex().as_str(), hash);
        // The pinned bytes decode to the event they came from.
        let e = Event::from_record(&record).unwrap();
        assert_eq!(e.compute_hash(), e.hash);
    }
    assert_eq!(
        Event::from_record(&unhex(&CLAIM_RECORD.concat())).unwrap(),
        claim_event()
    );
    assert_eq!(
        Event::from_record(&unhex(&SOURCE_RECORD.concat())).unwrap(),
        source_event()
    );
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn enc<T: bincode::Encode>(v: T) -> String {
    hex(&bincode::encode_to_vec(v, canonical_config()).unwrap())
}

#[test]
fn layout_of_integers_and_bools() {
    assert_eq!(enc(0xabu8), "ab");
    assert_eq!(enc(0x0102_0304u32), "04030201");
    assert_eq!(enc(1u64), "0100000000000000");
    assert_eq!(enc(u64::MAX), "ffffffffffffffff");
    assert_eq!(enc(-2i32), "feffffff");
    assert_eq!(enc(2025i32), "e9070000");
    assert_eq!(enc(-1i64), "ffffffffffffffff");
    assert_eq!(enc(1_740_355_200_000_000i64), "00a07a05d82e0600");
    assert_eq!(enc(true), "01");
    assert_eq!(enc(false), "00");
    // Fixed width, no varint: small and large values take the same space.
    assert_eq!(enc(300u64), "2c01000000000000");
    assert_eq!(enc(251u32), "fb000000");
}

#[test]
fn layout_of_strings_vecs_options_and_arrays() {
    assert_eq!(enc(String::new()), "0000000000000000");
    assert_eq!(enc("ab".to_string()), "02000000000000006162");
    // Length in bytes, not characters.
    assert_eq!(enc("é".to_string()), "0200000000000000c3a9");
    assert_eq!(enc(Vec::<String>::new()), "0000000000000000");
    assert_eq!(
        enc(vec!["a".to_string(), "bc".to_string()]),
        concat!(
            "0200000000000000",
            "0100000000000000",
            "61",
            "0200000000000000",
            "6263"
        )
    );
    assert_eq!(enc(vec![7u8, 8]), "02000000000000000708");
    assert_eq!(enc(None::<u32>), "00");
    assert_eq!(enc(Some(5u32)), "0105000000");
    assert_eq!(enc(Some(0u8)), "0100");
    assert_eq!(enc(None::<String>), "00");
    assert_eq!(enc(Some("x".to_string())), "01010000000000000078");
    assert_eq!(enc(Some(true)), "0101");
    // [u8; 32]: the raw bytes, no length.
    let mut a = [0u8; 32];
    a[0] = 0xaa;
    a[31] = 0x55;
    let e = enc(a);
    assert_eq!(e.len(), 64);
    assert_eq!(e, format!("aa{}55", "00".repeat(30)));
}

#[test]
fn layout_of_enums_and_structs() {
    // Unit variants: the u32 index.
    assert_eq!(enc(SourceKind::Primary), "00000000");
    assert_eq!(enc(SourceKind::Secondary), "01000000");
    assert_eq!(enc(Vote::Yes), "00000000");
    assert_eq!(enc(Vote::No), "01000000");
    assert_eq!(enc(Vote::Abstain), "02000000");
    assert_eq!(enc(Vote::Absent), "03000000");
    assert_eq!(enc(Outcome::Adopted), "00000000");
    assert_eq!(enc(Outcome::Rejected), "01000000");
    assert_eq!(enc(Outcome::Vetoed), "02000000");
    assert_eq!(enc(Body::Unsc), "00000000");
    assert_eq!(enc(Body::Unga), "01000000");
    assert_eq!(enc(Majority::Simple), "00000000");
    assert_eq!(enc(Majority::TwoThirds), "01000000");
    // Variants with data: index, then the fields in declaration order.
    assert_eq!(enc(Value::Text("x".into())), "00000000010000000000000078");
    assert_eq!(
        enc(Value::Number("12".into())),
        "0100000002000000000000003132"
    );
    let d = StatedDate::parse("2025-02-24").unwrap();
    assert_eq!(
        enc(d.clone()),
        concat!(
            "e9070000",
            "02",
            "18",
            "00", // no stated weekday
            "0a00000000000000",
            "323032352d30322d3234"
        )
    );
    assert_eq!(
        enc(Value::Date(d.clone())),
        format!("02000000{}", enc(d.clone()))
    );
    assert_eq!(
        enc(Value::Anniversary {
            of: d.clone(),
            nth: 3
        }),
        format!("03000000{}03000000", enc(d))
    );
    let t = Tally {
        body: Body::Unga,
        yes: Some(93),
        no: None,
        abstain: Some(65),
        absent: None,
        procedural: Some(false),
        majority: Some(Majority::TwoThirds),
    };
    assert_eq!(
        enc(Value::Tally(t)),
        concat!(
            "04000000", // Value::Tally
            "01000000", // Body::Unga
            "015d000000",
            "00",
            "0141000000",
            "00",
            "0100",       // procedural Some(false)
            "0101000000"  // majority Some(TwoThirds)
        )
    );
    assert_eq!(enc(Value::Outcome(Outcome::Vetoed)), "0500000002000000");
    assert_eq!(enc(Value::Vote(Vote::Absent)), "0600000003000000");
    assert_eq!(
        enc(Value::Quote {
            speaker: "a".into(),
            text: "b".into()
        }),
        concat!(
            "07000000",
            "0100000000000000",
            "61",
            "0100000000000000",
            "62"
        )
    );
    assert_eq!(
        enc(EventBody::Retracted(Retraction {
            target: "c".into(),
            reason: "r".into()
        })),
        concat!(
            "02000000",
            "0100000000000000",
            "63",
            "0100000000000000",
            "72"
        )
    );
    // TextRef: 32 raw bytes then the u64 length.
    assert_eq!(
        enc(TextRef {
            hash: [1; 32],
            len: 3
        }),
        format!("{}0300000000000000", "01".repeat(32))
    );
}

#[test]
fn decoding_refuses_what_encoding_never_writes() {
    let good = claim_event().to_record();
    let decode = |r: &[u8]| Event::from_record(r);
    assert!(decode(&good).is_ok());
    // Offsets into the claim record (see CLAIM_RECORD): the EventBody tag is at 1+8+8+12+32.
    let body_tag = 1 + 8 + 8 + 8 + 4 + 32;
    assert_eq!(&good[body_tag..body_tag + 4], &[1, 0, 0, 0]);
    for (what, at, byte) in [
        ("an EventBody tag past the last variant", body_tag, 3u8),
        ("an EventBody tag with a high byte set", body_tag + 3, 1),
        ("an Option tag of 2 (supersedes)", good.len() - 34, 2),
        (
            "an Option tag of 2 (stated_weekday)",
            good.len() - 34 - 33 - 2,
            2,
        ),
    ] {
        let mut bad = good.clone();
        bad[at] = byte;
        assert!(
            matches!(decode(&bad), Err(DecodeError::Malformed(_))),
            "{what}: {:?}",
            decode(&bad)
        );
    }
    // Invalid UTF-8 in a string.
    let mut bad = good.clone();
    let author = 1 + 8 + 8 + 8;
    assert_eq!(&bad[author..author + 4], b"desk");
    bad[author] = 0xff;
    assert!(matches!(decode(&bad), Err(DecodeError::Malformed(_))));
    // A bool of 2 (Tally.procedural), through the value alone.
    let mut v = bincode::encode_to_vec(
        Value::Tally(Tally {
            body: Body::Unsc,
            yes: None,
            no: None,
            abstain: None,
            absent: None,
            procedural: Some(true),
            majority: None,
        }),
        canonical_config(),
    )
    .unwrap();
    assert_eq!(&v[12..14], &[1, 1]);
    v[13] = 2;
    assert!(bincode::decode_from_slice::<Value, _>(&v, canonical_config()).is_err());
    // Trailing bytes, unknown version, empty, and a crafted length over the limit.
    let mut bad = good.clone();
    bad.extend_from_slice(&[0, 0]);
    assert_eq!(decode(&bad), Err(DecodeError::TrailingBytes(2)));
    let mut bad = good.clone();
    bad[0] = 3;
    assert_eq!(decode(&bad), Err(DecodeError::UnknownVersion(3)));
    // A format-1 record relabelled as format 2 lacks the signer and signature: refused.
    let mut bad = good.clone();
    bad[0] = 2;
    assert!(matches!(decode(&bad), Err(DecodeError::Malformed(_))));
    assert_eq!(decode(&[]), Err(DecodeError::Empty));
    let mut bad = good[..author - 8].to_vec();
    bad.extend_from_slice(&(MAX_RECORD_BYTES as u64 + 1).to_le_bytes());
    bad.resize(bad.len() + 64, b'a');
    assert!(matches!(decode(&bad), Err(DecodeError::Malformed(_))));
    // Cut short anywhere: refused.
    for n in 1..good.len() {
        assert!(decode(&good[..n]).is_err(), "prefix of {n} bytes decoded");
    }
    assert_eq!(MAX_RECORD_BYTES, 1 << 20);
}

/// Format 2 (the current format): the same claim, with `signer` (None) hashed after the body and
/// `signature` (None) after the hash, under the v2 context. Pinned so we detect regressions in
/// compatibility.
#[test]
fn golden_claim_record_and_hash_format_2() {
    let e = claim_event_v2();
    let record = e.to_record();
    let v1_record = claim_event().to_record();
    // Same body bytes; the format byte, the signer tag, the hash and the signature tag differ.
    assert_eq!(record[0], 2);
    assert_eq!(
        &record[1..v1_record.len() - 32],
        &v1_record[1..v1_record.len() - 32]
    );
    assert_eq!(record[v1_record.len() - 32], 0, "signer: None");
    assert_eq!(*record.last().unwrap(), 0, "signature: None");
    assert_eq!(record.len(), v1_record.len() + 2);
    assert_eq!(hex(&e.hash), CLAIM_HASH_V2);
    let input = &record[..record.len() - 33];
    let mut h = blake3::Hasher::new_derive_key("factledger v2 event hash");
    h.update(input);
    assert_eq!(h.finalize().to_hex().as_str(), CLAIM_HASH_V2);
    assert_eq!(Event::from_record(&record).unwrap(), e);
}

const CLAIM_HASH_V2: &str = "773f67cc3d5e0d0fe910d3cdc8ad346816d0d56b919a8ab4c31274720ec6f655";
