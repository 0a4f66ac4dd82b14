//! Hostile input: no input crashes factledger.
//!
//! Property tests drive the import line parser, the date parser and the stored-record decoder
//! with arbitrary and mutated input: each returns `Ok` or an error with a message, never panics,
//! never aborts. Explicit tests check through the binary that over-long lines, nesting past
//! serde_json's recursion limit, invalid UTF-8 and NUL bytes are refused with a located
//! `FILE:LINE:` message and nothing appended. The cargo-fuzz targets in `fuzz/` go further
//! (docs/reliability.md).

mod common;

use common::*;
use factledger::intake::import::{parse_input, parse_line, MAX_LINE_BYTES};
use factledger::model::date::StatedDate;
use factledger::model::event::{Event, ZERO_HASH};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// Every line of the fixtures.
fn fixture_lines() -> &'static [Vec<u8>] {
    static LINES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut out = Vec::new();
        for f in ["ledger.jsonl", "provenance.jsonl", "corrections.jsonl"] {
            let bytes = std::fs::read(fixtures().join(f)).unwrap();
            out.extend(
                bytes
                    .split(|&b| b == b'\n')
                    .filter(|l| !l.is_empty())
                    .map(<[u8]>::to_vec),
            );
        }
        out
    })
}

/// The fixtures as stored records, chained as a ledger would store them.
fn fixture_records() -> &'static [Vec<u8>] {
    static RECORDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let mut out = Vec::new();
        let mut prev = ZERO_HASH;
        for f in ["ledger.jsonl", "provenance.jsonl", "corrections.jsonl"] {
            let bytes = std::fs::read(fixtures().join(f)).unwrap();
            let (records, problems) = parse_input(&bytes, &fixtures());
            assert!(problems.is_empty(), "{problems:?}");
            for (_, r) in records {
                let body = factledger::ledger::Draft::from(r).body;
                let e = Event::new(
                    out.len() as u64 + 1,
                    1_740_830_400_000_000,
                    "desk".into(),
                    prev,
                    body,
                );
                prev = e.hash;
                out.push(e.to_record());
            }
        }
        out
    })
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (
            any::<usize>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..8),
                Just(b"\"".to_vec()),
                Just(b"{".to_vec()),
                Just(b"[".to_vec()),
                Just(b"\\u0000".to_vec()),
                Just(b"\\ud800".to_vec()),
                Just(b",\"x\":1".to_vec()),
                Just(b"null".to_vec()),
                Just(b"1e999999".to_vec()),
                Just(b"-".to_vec()),
                Just(vec![0xff]),
                Just(vec![0]),
            ]
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % len };
        match m {
            Mutation::Flip(i, b) if len > 0 => bytes[at(*i)] ^= 1 << b,
            Mutation::Set(i, v) if len > 0 => bytes[at(*i)] = *v,
            Mutation::Insert(i, v) => {
                let p = if len == 0 { 0 } else { i % (len + 1) };
                bytes.splice(p..p, v.iter().copied());
            }
            Mutation::Delete(i, n) if len > 0 => {
                let p = at(*i);
                let end = (p + n).min(len);
                bytes.drain(p..end);
            }
            Mutation::Truncate(i) => bytes.truncate(if len == 0 { 0 } else { i % len }),
            Mutation::Duplicate(i, n) if len > 0 => {
                let p = at(*i);
                let end = (p + n).min(len);
                let copy = bytes[p..end].to_vec();
                bytes.splice(p..p, copy);
            }
            _ => {}
        }
    }
    bytes
}

fn check_line(bytes: &[u8]) {
    match parse_line(bytes, &fixtures()) {
        Ok(_) => {}
        Err(m) => assert!(!m.to_string().is_empty(), "an error without a message"),
    }
}

fn check_record(bytes: &[u8]) {
    if let Ok(event) = Event::from_record(bytes) {
        // What the decoder accepts is canonical: it encodes back to the very same bytes.
        assert_eq!(
            event.to_record(),
            bytes,
            "a non-canonical record was accepted"
        );
        let _ = event.to_json();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn import_lines_of_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_line(&bytes);
    }

    #[test]
    fn import_lines_of_json_like_text_never_panic(s in "[{}\\[\\]\":,a-z0-9 .\\\\-]{0,200}") {
        check_line(s.as_bytes());
    }

    #[test]
    fn mutated_fixture_lines_never_panic(
        which in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let lines = fixture_lines();
        let line = apply(lines[which % lines.len()].clone(), &mutations);
        check_line(&line);
        // And as part of a whole input, with the original before it.
        let mut input = lines[which % lines.len()].clone();
        input.push(b'\n');
        input.extend_from_slice(&line);
        let (_, problems) = parse_input(&input, &fixtures());
        prop_assert!(problems.iter().all(|p| p.line >= 1 && !p.message.is_empty()));
    }

    #[test]
    fn dates_of_arbitrary_text_never_panic(s in any::<String>()) {
        if let Ok(d) = StatedDate::parse(&s) {
            prop_assert!(d.naive().is_some());
        }
    }

    #[test]
    fn date_like_text_never_panics(s in "((Mon|Tues|Wed|Thu|Sunday|[A-Za-z]{1,9})[,.]? )?[0-9]{0,5}(st|nd|rd|th)?[ ,./-]{0,3}([A-Za-z]{0,10}\\.?|[0-9]{1,3})[ ,/-]{0,3}[0-9]{0,6}") {
        if let Ok(d) = StatedDate::parse(&s) {
            prop_assert!(d.naive().is_some(), "{s:?} accepted as a day that does not exist");
        }
    }

    #[test]
    fn valid_dates_round_trip(
        year in 0i32..=9999,
        month in 1u32..=12,
        day in 1u32..=31,
        form in 0usize..5,
        weekday in proptest::option::of(0usize..7),
    ) {
        let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, day) else {
            // Not a real day: the parser must say so.
            let s = format!("{year:04}-{month:02}-{day:02}");
            prop_assert!(StatedDate::parse(&s).is_err(), "{s} accepted");
            return Ok(());
        };
        const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
        const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        let m = MONTHS[month as usize - 1];
        let body = match form {
            0 => format!("{year:04}-{month:02}-{day:02}"),
            1 => format!("{day} {m} {year:04}"),
            2 => format!("{m} {day}, {year:04}"),
            3 => format!("{} {day}, {year:04}", &m[..3]),
            _ => format!("{day}th {m}, {year:04}"),
        };
        let text = match weekday {
            Some(w) => format!("{}, {body}", DAYS[w]),
            None => body,
        };
        let d = StatedDate::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!((d.year, u32::from(d.month), u32::from(d.day)), (year, month, day));
        prop_assert_eq!(d.stated_weekday, weekday.map(|w| w as u8));
        prop_assert_eq!(&d.as_written, &text);
        prop_assert_eq!(d.naive(), Some(date));
        prop_assert!(StatedDate::parse(&d.iso()).unwrap().same_day(&d));
        let long = d.long();
        if year >= 1000 {
            // Below 1000 see long_form_of_years_below_1000_reads_back (a known issue).
            prop_assert!(StatedDate::parse(&long).unwrap().same_day(&d));
        }
    }

    #[test]
    fn records_of_arbitrary_bytes_never_panic(
        versioned in any::<bool>(),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut record = if versioned { vec![factledger::model::event::FORMAT_VERSION] } else { Vec::new() };
        record.extend_from_slice(&bytes);
        check_record(&record);
    }

    #[test]
    fn mutated_records_never_panic(
        which in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let records = fixture_records();
        let record = apply(records[which % records.len()].clone(), &mutations);
        check_record(&record);
    }

    #[test]
    fn records_with_huge_lengths_are_refused(
        which in any::<usize>(),
        at in any::<usize>(),
        len in (1u64 << 20)..u64::MAX,
    ) {
        // A length field anywhere replaced by something enormous: refused, never allocated.
        let records = fixture_records();
        let mut record = records[which % records.len()].clone();
        let p = 1 + at % (record.len() - 8);
        record[p..p + 8].copy_from_slice(&len.to_le_bytes());
        check_record(&record);
    }
}

#[test]
fn fixture_records_decode() {
    for r in fixture_records() {
        check_record(r);
        assert!(Event::from_record(r).is_ok());
    }
}

/// Imports `content` into a fresh ledger holding the fixtures, expecting a refusal (exit 2) with
/// nothing appended. Returns stderr, the file's path, and the directory holding both.
fn refused_import(content: &[u8]) -> (String, std::path::PathBuf, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init_with_fixtures(&ledger);
    let before = verified_head(&ledger);
    let file = tmp.path().join("hostile.jsonl");
    std::fs::write(&file, content).unwrap();
    let out = run(&ledger, &["import", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("nothing was appended"), "{err}");
    assert_eq!(
        verified_head(&ledger),
        before,
        "a refused import appended something"
    );
    (err, file, tmp)
}

fn claim_with_value(id: &str, value_json: &str) -> Vec<u8> {
    format!(
        r#"{{"type":"claim","id":"{id}","source":"wire-ga-vote","subject":"S/H","predicate":"note","value":{value_json}}}"#
    )
    .into_bytes()
}

/// A claim line of exactly `total` bytes, padded inside its string value.
fn claim_of_len(id: &str, total: usize) -> Vec<u8> {
    let mut line = claim_with_value(id, "\"\"");
    let pad = total - line.len();
    let at = line.len() - 2; // between the value's quotes
    line.splice(at..at, std::iter::repeat_n(b'x', pad));
    assert_eq!(line.len(), total);
    line
}

#[test]
fn hostile_lines_are_refused_with_their_location() {
    let mut input = Vec::new();
    let mut push = |line: &[u8]| {
        input.extend_from_slice(line);
        input.push(b'\n');
    };
    // 1: fine.
    push(&claim_with_value("fine", "\"ok\""));
    // 2: one byte over the line limit.
    push(&claim_of_len("long", MAX_LINE_BYTES + 1));
    // 3: nested past serde_json's recursion limit.
    push(&claim_with_value(
        "deep",
        &format!("{}{}", "[".repeat(200), "]".repeat(200)),
    ));
    // 4: invalid UTF-8.
    let mut bad_utf8 = claim_with_value("utf8", "\"caf\u{e9}\"");
    let e9 = bad_utf8.iter().position(|&b| b == 0xc3).unwrap();
    bad_utf8[e9] = 0xff;
    push(&bad_utf8);
    // 5: a NUL byte.
    let mut nul = claim_with_value("nul", "\"a b\"");
    let sp = nul.iter().rposition(|&b| b == b' ').unwrap();
    nul[sp] = 0;
    push(&nul);
    // 6: fine.
    push(&claim_with_value("fine-too", "\"ok\""));
    // 7: 100,000 levels deep.
    push(&claim_with_value(
        "deeper",
        &format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)),
    ));

    let (err, file, _tmp) = refused_import(&input);
    let at = |line: usize| format!("{}:{line}: ", file.display());
    let located = |line: usize, what: &str| {
        err.lines()
            .any(|l| l.starts_with(&at(line)) && l.contains(what))
    };
    assert!(
        located(2, &format!("the limit is {MAX_LINE_BYTES}")),
        "{err}"
    );
    assert!(located(3, "recursion limit exceeded"), "{err}");
    assert!(located(4, "not valid UTF-8"), "{err}");
    assert!(located(5, "NUL byte"), "{err}");
    assert!(located(7, "recursion limit exceeded"), "{err}");
    assert!(!err.contains(&at(1)) && !err.contains(&at(6)), "{err}");
    assert!(
        err.contains("5 problems found; nothing was appended"),
        "{err}"
    );
}

#[test]
fn a_line_at_exactly_the_limit_is_not_refused_for_its_length() {
    let line = claim_of_len("at-limit", MAX_LINE_BYTES);
    // Its value is over the free-text limit, so it is refused, but for that, not for its length.
    let e = parse_line(&line, Path::new(".")).unwrap_err().to_string();
    assert!(!e.contains("line is"), "{e}");
    let e = parse_line(&claim_of_len("over", MAX_LINE_BYTES + 1), Path::new("."))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line is"), "{e}");
}

/// Found by the `date` fuzz target (its first crash, input `0025-02-25`): the ISO form accepts
/// years below 1000, and so do the other forms when the year is written with four digits.
#[test]
fn years_below_1000_parse_and_print_in_iso_form() {
    let d = StatedDate::parse("0025-02-25").unwrap();
    assert_eq!((d.year, d.month, d.day), (25, 2, 25));
    assert_eq!(d.iso(), "0025-02-25");
    assert!(StatedDate::parse(&d.iso()).unwrap().same_day(&d));
    assert!(StatedDate::parse("25 February 0025").unwrap().same_day(&d));
    assert!(StatedDate::parse("0000-01-01").is_ok_and(|d| d.naive().is_some()));
    let _ = d.long();
}

/// Known issue found by the `date` fuzz target (reported, not fixed here: src/model/date.rs is outside
/// this suite's remit): `StatedDate::long` prints the year unpadded, so `0025-02-25` becomes
/// "25 February 25", which names no date in the accepted forms.
#[test]
fn long_form_of_years_below_1000_reads_back() {
    let d = StatedDate::parse("0025-02-25").unwrap();
    let long = d.long();
    assert!(
        StatedDate::parse(&long).is_ok_and(|b| b.same_day(&d)),
        "{long}"
    );
}

/// Known issue (reported, not fixed here: src/intake/import.rs is outside this suite's remit):
/// `text_file` is read with `std::fs::read` after a size check on its metadata, so a path to a
/// FIFO blocks the import forever and `/dev/zero` (size 0) is read until memory runs out.
#[test]
fn text_file_that_is_not_a_regular_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let fifo = tmp.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let file = tmp.path().join("special.jsonl");
    std::fs::write(
        &file,
        "{\"type\":\"source\",\"id\":\"s\",\"text_file\":\"fifo\"}\n",
    )
    .unwrap();
    let mut c = cmd(&ledger);
    c.args(["import", file.to_str().unwrap()]);
    let out = output_with_timeout(c, std::time::Duration::from_secs(10))
        .expect("import hung reading a FIFO named as text_file");
    assert_eq!(out.status.code(), Some(2));
}

/// Writes the fuzz targets' seed corpus (fixture lines, stated dates, stored records) under
/// `fuzz/corpus/`, which is not committed. See docs/reliability.md.
#[test]
#[ignore = "tool: writes fuzz/corpus seeds; run with `cargo test --test hostile_input -- --ignored write_fuzz_seed_corpus`"]
fn write_fuzz_seed_corpus() {
    let corpus = root().join("fuzz").join("corpus");
    let write = |target: &str, name: String, bytes: &[u8]| {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    for (i, line) in fixture_lines().iter().enumerate() {
        write("import_line", format!("fixture-line-{i}"), line);
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        for key in ["published", "value"] {
            if let Some(s) = v[key].as_str().filter(|s| StatedDate::parse(s).is_ok()) {
                write("date", format!("fixture-{i}-{key}"), s.as_bytes());
            }
        }
    }
    for (i, record) in fixture_records().iter().enumerate() {
        write("record_decode", format!("fixture-seq-{}", i + 1), record);
    }
}
