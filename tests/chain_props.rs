//! Property tests of the hash chain through the library API: random histories of sources, claims,
//! retractions and corrections appended in batches always verify, and any single-byte change to
//! any stored record is caught at exactly that seq.
//!
//! Case counts are small on purpose (sled appends fsync): the file should run in well under 20 s
//! in a debug build on two cores.

mod common;

use common::reporting::{date_form, vote_words, MEMBERS as NAMES};
use factledger::intake::import::{parse_record, plan, Record};
use factledger::integrity::log_check::verify_log;
use factledger::ledger::Stamp;
use factledger::model::event::{Event, ZERO_HASH};
use factledger::store::Store;
use factledger::Ledger;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

const SUBJECTS: &[&str] = &[
    "S/RES/2774",
    "A/RES/ES-11/7",
    "A/RES/ES-11/8",
    "DiCarlo briefing, 24 February 2025",
];
/// Dates as reporters write them (tests/common/reporting.rs), a wrong weekday among them, and
/// two forms the writer does not produce.
static DATES: LazyLock<[String; 9]> = LazyLock::new(|| {
    [
        date_form(2025, 2, 24, 0, 0),
        date_form(2025, 2, 24, 0, 1),
        date_form(2025, 2, 25, 0, 6),
        date_form(2025, 2, 24, 0, 5),
        date_form(2025, 2, 24, 0, 7),
        date_form(2024, 2, 29, 3, 1),
        "sept 1, 2025".into(),
        date_form(2025, 2, 24, 0, 2),
        "Tues 25 Feb 2025".into(),
    ]
});
/// Member names (tests/common/reporting.rs), one that is no member, and a typographic variant.
const MEMBERS: &[&str] = &[
    NAMES[0][1],
    NAMES[0][2],
    NAMES[0][4],
    NAMES[1][0],
    NAMES[2][1],
    NAMES[3][0],
    NAMES[4][0],
    "Freedonia",
    "Côte d\u{2019}Ivoire",
];
const VOTES: &[&str] = &[
    vote_words("yes")[0],
    vote_words("yes")[1],
    vote_words("no")[1],
    vote_words("no")[3],
    vote_words("abstain")[1],
    vote_words("abstain")[2],
    vote_words("absent")[0],
    vote_words("absent")[1],
];
const OUTCOMES: &[&str] = &["adopted", "Rejected", "vetoed"];
const FREE_PREDICATES: &[&str] = &["title", "drafted by", "put forward by", "Venue"];
const AUTHORS: &[&str] = &["desk", "night desk", "Zoë"];

/// A claim value, by typed predicate.
#[derive(Debug, Clone)]
enum ValueSpec {
    Date(usize),
    Anniversary(usize, u32),
    Tally {
        unga: bool,
        counts: [Option<u32>; 4],
        procedural: Option<bool>,
        two_thirds: Option<bool>,
    },
    Outcome(usize),
    Vote(usize, usize),
    Quote(String, String),
    Text(usize, String),
    Number(i64),
}

#[derive(Debug, Clone)]
enum Op {
    Source {
        primary: bool,
        title: Option<String>,
        published: Option<usize>,
        cites: Vec<usize>,
        text: Option<String>,
    },
    Claim {
        source: usize,
        subject: usize,
        value: ValueSpec,
        note: Option<String>,
    },
    Retract {
        target: usize,
        reason: String,
    },
    Correct {
        claim: usize,
        value: ValueSpec,
    },
}

fn text() -> impl Strategy<Value = String> {
    // Printable text, never blank after whitespace is collapsed.
    "[a-zA-Z0-9 ,.'é–ü\u{201c}\u{201d}]{0,16}[a-z]"
}

fn value_spec() -> impl Strategy<Value = ValueSpec> {
    prop_oneof![
        (0..DATES.len()).prop_map(ValueSpec::Date),
        (0..DATES.len(), 1u32..80).prop_map(|(d, n)| ValueSpec::Anniversary(d, n)),
        (
            any::<bool>(),
            [
                option::of(0u32..200),
                option::of(0u32..200),
                option::of(0u32..200),
                option::of(0u32..200)
            ],
            option::of(any::<bool>()),
            option::of(any::<bool>()),
        )
            .prop_map(|(unga, counts, procedural, two_thirds)| ValueSpec::Tally {
                unga,
                counts,
                procedural,
                two_thirds
            }),
        (0..OUTCOMES.len()).prop_map(ValueSpec::Outcome),
        (0..MEMBERS.len(), 0..VOTES.len()).prop_map(|(m, v)| ValueSpec::Vote(m, v)),
        (text(), text()).prop_map(|(s, t)| ValueSpec::Quote(s, t)),
        (0..FREE_PREDICATES.len(), text()).prop_map(|(p, t)| ValueSpec::Text(p, t)),
        any::<i64>().prop_map(ValueSpec::Number),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (
            any::<bool>(),
            option::of(text()),
            option::of(0..DATES.len()),
            vec(0usize..40, 0..3),
            option::of("[a-z \n]{0,200}"),
        )
            .prop_map(|(primary, title, published, cites, text)| Op::Source {
                primary,
                title,
                published,
                cites,
                text,
            }),
        5 => (any::<usize>(), 0..SUBJECTS.len(), value_spec(), option::of(text()))
            .prop_map(|(source, subject, value, note)| Op::Claim { source, subject, value, note }),
        1 => (any::<usize>(), text()).prop_map(|(target, reason)| Op::Retract { target, reason }),
        1 => (any::<usize>(), value_spec()).prop_map(|(claim, value)| Op::Correct { claim, value }),
    ]
}

/// A batch: its ops, and the stamp it is appended with.
fn batches() -> impl Strategy<Value = Vec<(Vec<Op>, usize, i64)>> {
    vec(
        (
            vec(op(), 1..7),
            0..AUTHORS.len(),
            1_600_000_000_000_000i64..1_800_000_000_000_000,
        ),
        1..4,
    )
}

fn predicate_and_value(v: &ValueSpec) -> (String, Json) {
    match v {
        ValueSpec::Date(d) => ("date".into(), json!(DATES[*d])),
        ValueSpec::Anniversary(d, n) => ("anniversary".into(), json!({"of": DATES[*d], "nth": n})),
        ValueSpec::Tally {
            unga,
            counts,
            procedural,
            two_thirds,
        } => {
            let mut m = serde_json::Map::new();
            m.insert("body".into(), json!(if *unga { "UNGA" } else { "unsc" }));
            for (k, c) in ["yes", "no", "abstain", "absent"].iter().zip(counts) {
                if let Some(c) = c {
                    m.insert((*k).into(), json!(c));
                }
            }
            if let Some(p) = procedural {
                m.insert("procedural".into(), json!(p));
            }
            if let Some(t) = two_thirds {
                m.insert(
                    "majority".into(),
                    json!(if *t { "two-thirds" } else { "simple" }),
                );
            }
            ("tally".into(), Json::Object(m))
        }
        ValueSpec::Outcome(o) => ("Outcome".into(), json!(OUTCOMES[*o])),
        ValueSpec::Vote(m, w) => (format!("vote:{}", MEMBERS[*m]), json!(VOTES[*w])),
        ValueSpec::Quote(s, t) => ("quote".into(), json!({"speaker": s, "text": t})),
        ValueSpec::Text(p, t) => (FREE_PREDICATES[*p].into(), json!(t)),
        ValueSpec::Number(n) => ("vote count".into(), json!(n)),
    }
}

/// The history so far, to turn random ops into records that are valid at their place.
#[derive(Default)]
struct Model {
    sources: Vec<String>,
    claims: Vec<(String, String, usize)>, // id, source, subject
    retracted: BTreeSet<String>,
    superseded: BTreeSet<String>,
    texts: u64,
}

impl Model {
    fn source_record(&mut self, op: &Op) -> Json {
        let id = format!("s{}", self.sources.len());
        let mut o = json!({"type": "source", "id": id});
        if let Op::Source {
            primary,
            title,
            published,
            cites,
            text,
        } = op
        {
            o["kind"] = json!(if *primary { "primary" } else { "secondary" });
            if let Some(t) = title {
                o["title"] = json!(t);
            }
            if let Some(d) = published {
                o["published"] = json!(DATES[*d]);
            }
            let cites: Vec<String> = cites
                .iter()
                .map(|c| format!("s{c}"))
                .filter(|c| *c != id)
                .collect();
            o["cites"] = json!(cites);
            if let Some(t) = text {
                o["text"] = json!(t);
                self.texts += 1;
            }
        }
        self.sources.push(id);
        o
    }

    fn claim_record(&mut self, source: usize, subject: usize, value: &ValueSpec) -> Json {
        let id = format!("c{}", self.claims.len());
        let source = self.sources[source % self.sources.len()].clone();
        let (predicate, value) = predicate_and_value(value);
        self.claims.push((id.clone(), source.clone(), subject));
        json!({"type": "claim", "id": id, "source": source, "subject": SUBJECTS[subject],
               "predicate": predicate, "value": value})
    }

    fn record(&mut self, op: &Op) -> Json {
        match op {
            Op::Source { .. } => self.source_record(op),
            _ if self.sources.is_empty() => self.source_record(op),
            Op::Claim {
                source,
                subject,
                value,
                note,
            } => {
                let mut o = self.claim_record(*source, *subject, value);
                if let Some(n) = note {
                    o["note"] = json!(n);
                }
                o
            }
            Op::Retract { target, reason } => {
                let live: Vec<String> = self
                    .sources
                    .iter()
                    .cloned()
                    .chain(self.claims.iter().map(|c| c.0.clone()))
                    .filter(|id| !self.retracted.contains(id))
                    .collect();
                if live.is_empty() {
                    return self.source_record(op);
                }
                let target = live[target % live.len()].clone();
                self.retracted.insert(target.clone());
                json!({"type": "retract", "target": target, "reason": reason})
            }
            Op::Correct { claim, value } => {
                let open: Vec<(String, String, usize)> = self
                    .claims
                    .iter()
                    .filter(|c| !self.superseded.contains(&c.0))
                    .cloned()
                    .collect();
                if open.is_empty() {
                    return self.claim_record(0, 0, value);
                }
                let (old, source, subject) = open[claim % open.len()].clone();
                let source_index = self.sources.iter().position(|s| *s == source).unwrap();
                let mut o = self.claim_record(source_index, subject, value);
                o["supersedes"] = json!(old);
                o["note"] = json!("correction");
                self.superseded.insert(old);
                o
            }
        }
    }
}

/// sled 0.34 can release its own lock on `store/db` a moment after the last handle is dropped
/// (see the note in the report); retry opening while that is the only problem.
fn retry_locked<T, E: std::fmt::Display>(
    what: &str,
    mut f: impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
    let start = std::time::Instant::now();
    let mut tries = 0;
    loop {
        match f() {
            Err(e)
                if e.to_string().contains("could not acquire lock")
                    && start.elapsed() < std::time::Duration::from_secs(5) =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            r => {
                if tries > 0 {
                    eprintln!(
                        "{what}: sled lock lingered for {:?} ({tries} retries)",
                        start.elapsed()
                    );
                }
                return r;
            }
        }
    }
}

fn parse(obj: &Json) -> Record {
    parse_record(obj, Path::new(".")).unwrap_or_else(|e| panic!("{obj}: {e}"))
}

/// Appends the batches to a new ledger in `dir`; returns every appended event, every record
/// (for the idempotence check) and the model.
fn build(dir: &Path, batches: &[(Vec<Op>, usize, i64)]) -> (Vec<Event>, Vec<Json>, Model) {
    let mut ledger = Ledger::init(dir).unwrap();
    let mut model = Model::default();
    let mut events = Vec::new();
    let mut all = Vec::new();
    for (ops, author, at) in batches {
        let objs: Vec<Json> = ops.iter().map(|op| model.record(op)).collect();
        let records: Vec<(usize, Record)> = objs
            .iter()
            .enumerate()
            .map(|(i, o)| (i + 1, parse(o)))
            .collect();
        let p = plan(&ledger, records).unwrap_or_else(|e| panic!("{e:?}\n{objs:#?}"));
        assert!(p.unchanged.is_empty(), "{:?}", p.unchanged);
        assert_eq!(p.appends.len(), objs.len());
        let stamp = Stamp {
            author: AUTHORS[*author].into(),
            recorded_at: *at,
            key: None,
        };
        let drafts = p.appends.into_iter().map(|(_, d)| d).collect();
        let appended = ledger.append(drafts, &stamp).unwrap();
        assert_eq!(appended.len(), objs.len());
        events.extend(appended);
        all.extend(objs);
    }
    (events, all, model)
}

/// Reopens the ledger and checks the chain against what was appended.
fn check_chain(dir: &Path, appended: &[Event], records: &[Json], model: &Model) {
    let ledger = retry_locked("reopen", || Ledger::open(dir, None)).unwrap();
    let n = appended.len() as u64;
    let report = verify_log(&ledger, |_| {}).unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.events, n);
    assert_eq!(report.texts, model.texts);
    let stored: Vec<Event> = ledger.events(1).map(|e| e.unwrap()).collect();
    assert_eq!(
        stored, appended,
        "what was read back differs from what was appended"
    );
    let mut prev = ZERO_HASH;
    let mut time = i64::MIN;
    for (i, e) in stored.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "seqs have no gaps");
        assert_eq!(e.prev, prev, "seq {} links to the previous hash", e.seq);
        assert_eq!(e.hash, e.compute_hash());
        assert!(e.recorded_at >= time, "recorded_at never goes backwards");
        assert_eq!(
            Event::from_record(&e.to_record()).unwrap(),
            *e,
            "record round trip"
        );
        prev = e.hash;
        time = e.recorded_at;
    }
    let last = stored.last().unwrap();
    assert_eq!(ledger.head().seq, last.seq);
    assert_eq!(ledger.head().hash, last.hash);
    // Every id is found at its event.
    for e in &stored {
        if let Some(id) = e.body.id() {
            assert_eq!(ledger.find(id).unwrap().map(|f| f.seq), Some(e.seq));
        }
    }
    // Importing the whole history again changes nothing.
    let again: Vec<(usize, Record)> = records
        .iter()
        .enumerate()
        .map(|(i, o)| (i + 1, parse(o)))
        .collect();
    let p = plan(&ledger, again).unwrap();
    assert!(
        p.appends.is_empty(),
        "re-import would append {:?}",
        p.appends
    );
    assert_eq!(p.unchanged.len(), records.len());
}

/// Replaces the record at `seq` through the store's tamper hook; returns the old record.
fn put_record(dir: &Path, seq: u64, f: impl FnOnce(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let store = retry_locked("store open", || Store::open(dir, None)).unwrap();
    let old = store.record(seq).unwrap().expect("record within the head");
    let replaced = store.tamper_record(seq, Some(f(old.clone()))).unwrap();
    assert_eq!(replaced.as_ref(), Some(&old));
    store.tamper_flush().unwrap();
    old
}

/// Flips one byte of the record at `seq` in the store; the ledger must then fail to open or
/// report a problem at exactly `seq`. Restores the record afterwards.
fn check_flip(dir: &Path, seq: u64, at: usize, mask: u8) {
    let mut len = 0;
    let original = put_record(dir, seq, |mut r| {
        len = r.len();
        let i = at % r.len();
        r[i] ^= mask;
        r
    });
    match retry_locked("open after flip", || Ledger::open(dir, None)) {
        Err(e) => assert!(
            e.is_integrity(),
            "seq {seq} byte {} ^ {mask:#04x}: open failed but not as damage: {e}",
            at % len
        ),
        Ok(ledger) => {
            let report = verify_log(&ledger, |_| {}).unwrap();
            let problem = report.problem.unwrap_or_else(|| {
                panic!(
                    "seq {seq} byte {} ^ {mask:#04x} passed verification",
                    at % len
                )
            });
            assert_eq!(
                problem.seq,
                seq,
                "byte {} ^ {mask:#04x}: {problem:?}",
                at % len
            );
        }
    }
    put_record(dir, seq, |_| original);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        max_shrink_iters: 50,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_histories_verify_and_any_flipped_byte_is_caught(
        batches in batches(),
        flips in vec((any::<prop::sample::Index>(), any::<usize>(), 1u8..=255), 3),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("ledger");
        let (events, records, model) = build(&dir, &batches);
        check_chain(&dir, &events, &records, &model);
        for (seq, at, mask) in flips {
            let seq = seq.index(events.len()) as u64 + 1;
            check_flip(&dir, seq, at, mask);
        }
        // After restoring every flipped record the ledger verifies again.
        check_chain(&dir, &events, &records, &model);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    })]

    /// The same property without sled, for every byte of a record: a record with one byte changed
    /// either does not decode, or decodes to an event that is the canonical encoding of those exact
    /// bytes and fails the checks verify makes (its seq, its link or its hash).
    #[test]
    fn every_byte_of_a_record_is_covered(
        ops in vec(op(), 1..6),
        at in 1_600_000_000_000_000i64..1_800_000_000_000_000,
        seq in 1u64..1_000_000,
        prev in any::<[u8; 32]>(),
        mask in 1u8..=255,
    ) {
        let mut model = Model::default();
        for op in &ops {
            let obj = model.record(op);
            let body = factledger::ledger::Draft::from(parse(&obj)).body;
            let event = Event::new(seq, at, "desk".into(), prev, body);
            let record = event.to_record();
            for i in 0..record.len() {
                let mut bad = record.clone();
                bad[i] ^= mask;
                if let Ok(decoded) = Event::from_record(&bad) {
                    prop_assert_eq!(&decoded.to_record(), &bad, "decoding is canonical (byte {})", i);
                    prop_assert!(
                        decoded.seq != seq || decoded.prev != prev || decoded.compute_hash() != decoded.hash,
                        "byte {} ^ {:#04x} gives an event that passes every check", i, mask
                    );
                }
            }
        }
    }
}

/// The vocabulary shared with the benchmark still gives the inputs these properties were written
/// for (and their regression seeds recorded against).
#[test]
fn the_shared_vocabulary_gives_the_pinned_inputs() {
    assert_eq!(
        DATES.as_slice(),
        [
            "2025-02-24",
            "24 February 2025",
            "Monday, February 25, 2025",
            "Feb. 24, 2025",
            "Mon 24 Feb 2025",
            "29 February 2024",
            "sept 1, 2025",
            "24th February, 2025",
            "Tues 25 Feb 2025",
        ]
    );
    assert_eq!(
        MEMBERS[..7],
        [
            "US",
            "U.S.",
            "United States of America",
            "Russia",
            "UK",
            "China",
            "France"
        ]
    );
    assert_eq!(
        VOTES,
        [
            "yes",
            "in favour",
            "against",
            "No",
            "abstained",
            "abstention",
            "absent",
            "did not vote"
        ]
    );
}
