//! Store layout 2 (src/store.rs, src/store/pack.rs) through the real binary: ledgers written in
//! store layout 1 are converted once when opened and read exactly as before; events are packed
//! [`BLOCK_EVENTS`] to a block, so imports and single appends that cross block boundaries must
//! read back whole; a crashed append's leftover above the head stays invisible and is replaced by
//! the next append; a damaged block is a damaged ledger (exit 1, naming the seq or block), never
//! a panic.

mod common;

use common::*;
use factledger::model::event::{Event, EventBody};
use factledger::store::{Store, BLOCK_EVENTS};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;

// ---------------------------------------------------------------------------------------------
// helpers

#[track_caller]
fn succeeded(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `store_version` record of the `meta` tree and the names of the database's trees.
fn layout(ledger: &Path) -> (Option<Vec<u8>>, Vec<String>) {
    with_sled(ledger, |db| {
        let version = db
            .open_tree("meta")
            .unwrap()
            .get("store_version")
            .unwrap()
            .map(|v| v.to_vec());
        let trees = db
            .tree_names()
            .iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        (version, trees)
    })
}

/// The run ended with exit 1 and an `error:` message, not a panic or any other ending.
#[track_caller]
fn damaged(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match ending(out.status, &out.stderr) {
        Ending::CleanError { code: 1, .. } => stderr,
        other => panic!("{what}: expected exit 1 with an error message, got {other:?}"),
    }
}

/// One claim as an import line.
fn claim_line(id: &str, i: usize) -> String {
    json!({"type": "claim", "id": id, "source": "src", "subject": format!("subject {}", i % 7),
           "predicate": "note", "value": format!("value {i}")})
    .to_string()
}

/// Imports claims `ids` (on source `src`) from a file.
fn import_claims(dir: &Path, ledger: &Path, ids: &[String], first: usize) {
    let lines: String = ids
        .iter()
        .enumerate()
        .map(|(i, id)| claim_line(id, first + i) + "\n")
        .collect();
    let file = dir.join(format!("import-{first}.jsonl"));
    std::fs::write(&file, lines).unwrap();
    ok(ledger, &["import", file.to_str().unwrap()]);
}

fn add_claim(ledger: &Path, id: &str, i: usize) {
    let args = add_claim_args(
        id,
        "src",
        &format!("subject {}", i % 7),
        &format!("value {i}"),
    );
    ok(ledger, &args.iter().map(String::as_str).collect::<Vec<_>>());
}

/// The id `show --json` gives for a seq, and the seq it gives for that id.
fn show_seq(ledger: &Path, seq: u64) -> String {
    let by_seq = json(&ok(ledger, &["--json", "show", &seq.to_string()]));
    assert_eq!(by_seq["seq"], seq, "{by_seq}");
    let id = by_seq["id"].as_str().unwrap().to_string();
    let by_id = json(&ok(ledger, &["--json", "show", &id]));
    assert_eq!(by_id["seq"], seq, "{by_id}");
    id
}

/// `log --json` is a chain without gaps: seqs 1.., each `prev` the previous hash.
fn assert_chained(log: &[Value]) {
    let mut prev = "0".repeat(64);
    for (i, e) in log.iter().enumerate() {
        assert_eq!(e["seq"], i as u64 + 1, "{e}");
        assert_eq!(e["prev"], prev.as_str(), "{e}");
        prev = e["hash"].as_str().unwrap().to_string();
    }
}

// ---------------------------------------------------------------------------------------------
// layout 1 → layout 2

fn layout_1_ledger_is_converted_once(format: &str) {
    let e = format_expected(format);
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    copy_dir(&format_fixture(format).join("ledger"), &ledger);
    let (version, trees) = layout(&ledger);
    assert_eq!(version, Some(vec![1]), "the fixture is a layout-1 store");
    assert!(
        trees.iter().any(|t| t == "events") && trees.iter().any(|t| t == "ids"),
        "{trees:?}"
    );

    // The first open (verify) converts it; the log is exactly the pinned one.
    let (seq, hash) = verified_head(&ledger);
    assert_eq!(seq, e["head"]["seq"].as_u64().unwrap());
    assert_eq!(hash, e["head"]["hash"].as_str().unwrap());
    let (version, trees) = layout(&ledger);
    assert_eq!(version, Some(vec![2]), "converted to layout 2");
    assert!(
        !trees.iter().any(|t| t == "events" || t == "ids"),
        "the layout-1 trees are dropped: {trees:?}"
    );
    let pinned_events: Vec<Value> = e["events"].as_array().unwrap().clone();
    let logged = log(&ledger);
    let got: Vec<Value> = logged
        .iter()
        .map(|l| json!({"seq": l["seq"], "id": l["id"], "type": l["type"], "hash": l["hash"]}))
        .collect();
    assert_eq!(got, pinned_events, "log --json after the conversion");
    for l in &logged {
        assert_eq!(l["format"], e["format"], "{l}");
    }
    assert_chained(&logged);
    let texts: Vec<&str> = logged
        .iter()
        .filter_map(|l| l["text_hash"].as_str())
        .collect();
    for t in e["texts"].as_array().unwrap() {
        assert!(texts.contains(&t.as_str().unwrap()), "archived text {t}");
    }
    let text = json(&ok(&ledger, &["--json", "show", "fv1-wire", "--text"]));
    assert!(text["text"].as_str().unwrap().contains("« Ünïcödé »"));

    // facts and flags read the rebuilt projection: the same as a ledger freshly made from the
    // same input (whose events are of the current record format but say the same).
    let fresh = tmp.path().join("fresh");
    init(&fresh);
    let input = format_fixture(format).join("input.jsonl");
    succeeded(pinned(&e, &fresh, &["import", input.to_str().unwrap()]));
    for args in [
        &["--json", "facts"][..],
        &["--json", "flags"],
        &["--json", "facts", "--subject", "S/RES/2774"],
        &["--json", "sources"],
    ] {
        let got = json(&ok(&ledger, args));
        assert_eq!(got, json(&ok(&fresh, args)), "{args:?}");
        assert!(got.as_array().is_some_and(|a| !a.is_empty()), "{args:?}");
    }
    let shown = json(&ok(&ledger, &["--json", "show", "fv1-vote"]));
    assert_eq!(shown["superseded_by"], "fv1-vote-fixed");
    let shown = json(&ok(&ledger, &["--json", "show", "fv1-quote"]));
    assert_eq!(shown["retracted_by"], 12);

    // Reopening does not convert again.
    let reopened = Store::open(&ledger, None).unwrap();
    assert!(!reopened.migrated(), "a layout-2 store is not converted");
    assert_eq!(reopened.head().seq, seq);
    drop(reopened);
    wait_for_sled_release(&ledger);

    // An append chains onto the old head.
    succeeded(pinned(
        &e,
        &ledger,
        &add_claim_args(
            "later",
            "fv1-wire",
            "S/RES/2774",
            "appended after the conversion",
        ),
    ));
    let later = json(&ok(&ledger, &["--json", "show", "later"]));
    assert_eq!(later["seq"], seq + 1);
    assert_eq!(later["prev"], e["head"]["hash"]);
    let (after, _) = verified_head(&ledger);
    assert_eq!(after, seq + 1);
    let logged = log(&ledger);
    assert_eq!(logged.len() as u64, seq + 1);
    assert_chained(&logged);
    for (l, p) in logged.iter().zip(&pinned_events) {
        assert_eq!(l["hash"], p["hash"]);
    }
    assert_eq!(layout(&ledger).0, Some(vec![2]));
}

#[test]
fn a_layout_1_store_of_record_format_1_is_converted_once() {
    layout_1_ledger_is_converted_once("format-v1");
}

#[test]
fn a_layout_1_store_of_record_format_2_is_converted_once() {
    layout_1_ledger_is_converted_once("format-v2");
}

// ---------------------------------------------------------------------------------------------
// block boundaries
//
// Every seq, block number and count below is derived from `B`, so the tests keep their meaning
// for any block size of at least 16 events.

/// Events per block.
const B: u64 = BLOCK_EVENTS;
const _: () = assert!(
    BLOCK_EVENTS >= 16,
    "the seqs below are chosen for blocks of at least 16 events"
);

/// The block (counted from 0) holding `seq` (counted from 1).
fn block_holding(seq: u64) -> u64 {
    (seq - 1) / B
}

/// The first seq stored in block `block`.
fn first_of(block: u64) -> u64 {
    block * B + 1
}

/// The last seq a full block `block` holds.
fn last_of(block: u64) -> u64 {
    (block + 1) * B
}

/// Imports and single appends that start, cross and end at block boundaries.
#[test]
fn appends_across_block_boundaries_read_back_whole() {
    let b = B as usize;
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("ledger");
    init(&ledger);
    let mut ids: Vec<String> = vec!["src".into()];
    let src = tmp.path().join("src.jsonl");
    std::fs::write(
        &src,
        json!({"type": "source", "id": "src", "kind": "primary", "publisher": "P", "title": "T"})
            .to_string()
            + "\n",
    )
    .unwrap();
    ok(&ledger, &["import", src.to_str().unwrap()]);
    let import = |ids: &mut Vec<String>, n: usize| {
        let new: Vec<String> = (ids.len()..ids.len() + n)
            .map(|i| format!("c{i}"))
            .collect();
        import_claims(tmp.path(), &ledger, &new, ids.len());
        ids.extend(new);
    };
    let single = |ids: &mut Vec<String>| {
        let id = format!("c{}", ids.len());
        add_claim(&ledger, &id, ids.len());
        ids.push(id);
    };
    // Seqs 2..=B-2 in one import, then single appends B-1..=B+2 across the first boundary: one
    // lands on the last seq of block 0, the next on the first seq of block 1.
    import(&mut ids, b - 3);
    assert_eq!(ids.len(), b - 2);
    for _ in 0..4 {
        single(&mut ids);
    }
    assert_eq!(ids.len(), b + 2);
    // B+3..=2B-2, then single appends 2B-1..=2B+2 across the second.
    import(&mut ids, b - 4);
    assert_eq!(ids.len(), 2 * b - 2);
    for _ in 0..4 {
        single(&mut ids);
    }
    assert_eq!(ids.len(), 2 * b + 2);
    // One import across several boundaries: 2B+3..=5B+B/2, across 3B, 4B and 5B, ending in the
    // middle of a block.
    let big_end = 5 * b + b / 2;
    import(&mut ids, big_end - (2 * b + 2));
    assert_eq!(ids.len(), big_end);
    assert_eq!(
        (block_holding(2 * B + 3), block_holding(big_end as u64)),
        (2, 5)
    );
    assert_ne!(big_end % b, 0, "the big import ends inside a block");
    // Up to exactly the end of a block (6B), then one append that starts a new block.
    import(&mut ids, 6 * b - big_end);
    assert_eq!(ids.len(), 6 * b);
    single(&mut ids);
    let head = ids.len() as u64;
    assert_eq!(head, 6 * B + 1);
    assert_eq!(head, first_of(6));

    let (seq, _) = verified_head(&ledger);
    assert_eq!(seq, head);
    let logged = log(&ledger);
    assert_chained(&logged);
    let logged_ids: Vec<&str> = logged.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(logged_ids, ids);
    // An event at both ends of every block, and next to each boundary the appends crossed,
    // through show by seq and by id.
    let mut seqs: Vec<u64> = vec![
        2,
        B - 1,
        B + 2,
        2 * B - 1,
        2 * B + 2,
        2 * B + 3,
        3 * B - 1,
        big_end as u64,
        big_end as u64 + 1,
        head,
    ];
    for block in 0..=block_holding(head) {
        seqs.push(first_of(block));
        if last_of(block) <= head {
            seqs.push(last_of(block));
        }
    }
    seqs.sort_unstable();
    seqs.dedup();
    for s in seqs {
        assert_eq!(show_seq(&ledger, s), ids[s as usize - 1], "seq {s}");
    }
    let out = run(&ledger, &["show", &(head + 1).to_string()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // Reading from the middle of a block, across the boundary after it.
    let from_seq = 2 * b - 5;
    let from: Vec<Value> = ok(
        &ledger,
        &[
            "--json",
            "log",
            "--from",
            &from_seq.to_string(),
            "--limit",
            "10",
        ],
    )
    .lines()
    .map(json)
    .collect();
    assert_eq!(from.len(), 10);
    assert_eq!(from[..], logged[from_seq - 1..from_seq - 1 + 10]);
    // The store agrees: every record up to the head, none above it.
    with_store(&ledger, |store| {
        assert_eq!(store.head().seq, head);
        let records: Vec<u64> = store.records(1).map(|r| r.unwrap().0).collect();
        assert_eq!(records, (1..=head).collect::<Vec<_>>());
        assert_eq!(store.record(head + 1).unwrap(), None);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(store.seq_of(id.as_bytes()).unwrap(), Some(i as u64 + 1));
        }
    });
    let facts = json(&ok(&ledger, &["--json", "facts", "--subject", "subject 3"]));
    assert!(!facts.as_array().unwrap().is_empty(), "{facts}");
}

/// A ledger of `n` events: one source and `n - 1` claims, imported at once.
fn ledger_of(dir: &Path, n: usize) -> (PathBuf, Vec<String>) {
    let ledger = dir.join("ledger");
    init(&ledger);
    let mut lines =
        json!({"type": "source", "id": "src", "publisher": "P", "title": "T"}).to_string() + "\n";
    let mut ids = vec!["src".to_string()];
    for i in 1..n {
        let id = format!("c{i}");
        lines += &(claim_line(&id, i) + "\n");
        ids.push(id);
    }
    let file = dir.join("events.jsonl");
    std::fs::write(&file, lines).unwrap();
    ok(&ledger, &["import", file.to_str().unwrap()]);
    (ledger, ids)
}

/// A record above the head, as a crash after the block was written but before the head moved
/// leaves it: invisible, and replaced by the next append at that seq.
fn leftover_above_the_head_is_replaced(n: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let (ledger, _) = ledger_of(tmp.path(), n);
    let (head_seq, head_hash) = verified_head(&ledger);
    assert_eq!(head_seq, n as u64);
    with_store(&ledger, |store| {
        let head = store.head();
        let last = Event::from_record(&store.record(head.seq).unwrap().unwrap()).unwrap();
        let EventBody::ClaimAsserted(mut claim) = last.body else {
            panic!("the head is a claim")
        };
        claim.id = "ghost".into();
        let ghost = Event::new(
            head.seq + 1,
            last.recorded_at,
            last.author,
            head.hash,
            EventBody::ClaimAsserted(claim),
        );
        assert_eq!(
            store
                .tamper_record(head.seq + 1, Some(ghost.to_record()))
                .unwrap(),
            None
        );
        assert_eq!(
            store.tamper_index(b"ghost", Some(head.seq + 1)).unwrap(),
            None
        );
        // Not visible through the store either.
        assert_eq!(store.record(head.seq + 1).unwrap(), None);
        assert_eq!(store.seq_of(b"ghost").unwrap(), None);
    });
    let what = format!("a ledger of {n} events with a leftover at {}", n + 1);
    assert_eq!(
        verified_head(&ledger),
        (head_seq, head_hash.clone()),
        "{what}"
    );
    assert_eq!(log(&ledger).len(), n, "{what}");
    let out = run(&ledger, &["show", "ghost"]);
    assert_eq!(out.status.code(), Some(2), "{what}: {out:?}");
    let out = run(&ledger, &["show", &(n + 1).to_string()]);
    assert_eq!(out.status.code(), Some(2), "{what}: {out:?}");

    add_claim(&ledger, "real", n + 1);
    let real = json(&ok(&ledger, &["--json", "show", "real"]));
    assert_eq!(real["seq"], n as u64 + 1, "{what}");
    assert_eq!(real["prev"], head_hash.as_str(), "{what}");
    assert_eq!(show_seq(&ledger, n as u64 + 1), "real", "{what}");
    let (seq, hash) = verified_head(&ledger);
    assert_eq!(seq, n as u64 + 1, "{what}");
    assert_eq!(real["hash"], hash.as_str(), "{what}");
    let logged = log(&ledger);
    assert_eq!(logged.len(), n + 1, "{what}");
    assert_chained(&logged);
    assert_eq!(logged[n]["id"], "real", "{what}");
    let out = run(&ledger, &["show", "ghost"]);
    assert_eq!(out.status.code(), Some(2), "{what}: {out:?}");
    // One more append after that: the block keeps growing normally.
    add_claim(&ledger, "after", n + 2);
    assert_eq!(verified_head(&ledger).0, n as u64 + 2, "{what}");
}

#[test]
fn a_record_left_above_the_head_inside_a_block_is_invisible_and_replaced() {
    // The head in the middle of block 3, the leftover just after it in the same block.
    let n = 3 * B + B / 2;
    assert_eq!(block_holding(n + 1), block_holding(n));
    assert_ne!(n + 1, first_of(block_holding(n + 1)));
    leftover_above_the_head_is_replaced(n as usize);
}

#[test]
fn a_record_left_above_the_head_in_a_new_block_is_invisible_and_replaced() {
    // The head at the end of block 3, the leftover at the first seq of block 4.
    let n = 4 * B;
    assert_eq!(n, last_of(3));
    assert_eq!(n + 1, first_of(4));
    leftover_above_the_head_is_replaced(n as usize);
}

// ---------------------------------------------------------------------------------------------
// damaged blocks

/// The damaged ledgers' size: three full blocks and a partial fourth, the head's.
const DAMAGED_EVENTS: u64 = 3 * B + B / 2;

/// Runs the reading commands on a damaged ledger: verify must exit 1 naming `names` (one of
/// them), and nothing may panic.
#[track_caller]
fn assert_damage_reported(ledger: &Path, names: &[String], what: &str) -> Value {
    let out = run(ledger, &["verify"]);
    let stderr = damaged(&out, what);
    assert!(
        names.iter().any(|n| stderr.contains(n.as_str())),
        "{what}: verify names none of {names:?}: {stderr}"
    );
    let out = run(ledger, &["--json", "verify"]);
    damaged(&out, what);
    let v = json(String::from_utf8_lossy(&out.stdout).lines().next().unwrap());
    assert_eq!(v["ok"], false, "{what}: {v}");
    for args in [
        &["log"][..],
        &["show", "1"],
        &["show", "c1"],
        &["facts"],
        &["flags"],
        &["replay"],
    ] {
        let out = run(ledger, args);
        if let Ending::Bad(why) = ending(out.status, &out.stderr) {
            panic!("{what}: {args:?}: {why}");
        }
    }
    v
}

#[test]
fn a_garbage_record_in_a_block_is_a_corrupt_event_at_its_seq() {
    let tmp = tempfile::tempdir().unwrap();
    let n = DAMAGED_EVENTS;
    let (ledger, _) = ledger_of(tmp.path(), n as usize);
    let head_block = block_holding(n);
    assert_eq!(head_block, 3);
    // The first seq; the last of block 0 and the first of block 1; the middle of a block below
    // the head's; the middle of the head's block, below the head.
    let mid = 2 * B + B / 2;
    let mid_of_head_block = 3 * B + B / 4;
    assert_eq!(block_holding(mid), 2);
    assert_eq!(block_holding(mid_of_head_block), head_block);
    assert!(mid_of_head_block < n);
    for seq in [1, B, B + 1, mid, mid_of_head_block] {
        let original = with_store(&ledger, |store| {
            store
                .tamper_record(seq, Some(b"\x02garbage, not a record".to_vec()))
                .unwrap()
                .unwrap()
        });
        let what = format!("garbage at seq {seq}");
        let v = assert_damage_reported(&ledger, &[format!("seq {seq}")], &what);
        assert_eq!(v["problem"]["seq"], seq, "{what}: {v}");
        assert_eq!(v["problem"]["code"], "corrupt-event", "{what}: {v}");
        assert_eq!(v["events"], seq - 1, "{what}: {v}");
        with_store(&ledger, |store| {
            store.tamper_record(seq, Some(original)).unwrap();
        });
        assert_eq!(verified_head(&ledger).0, n, "{what}: restored");
    }
    // The head's own record: the ledger does not open.
    with_store(&ledger, |store| {
        store
            .tamper_record(n, Some(vec![0xff; 40]))
            .unwrap()
            .unwrap();
    });
    let v = assert_damage_reported(&ledger, &[format!("seq {n}")], "garbage at the head");
    assert_eq!(v["problem"]["code"], "store-damaged", "{v}");
}

/// Every way of cutting a block short (and a few ways of overwriting it) is reported, for a
/// block below the head's and for the head's own block.
#[test]
fn a_truncated_or_overwritten_block_is_a_damaged_ledger_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let n = DAMAGED_EVENTS;
    let (ledger, _) = ledger_of(tmp.path(), n as usize);
    let head_block = block_holding(n);
    assert_eq!(head_block, 3);
    let middle = 1;
    let block = |b: u64| {
        with_sled(&ledger, |db| {
            db.open_tree("blocks")
                .unwrap()
                .get(b.to_be_bytes())
                .unwrap()
                .expect("block stored")
                .to_vec()
        })
    };
    for b in [middle, head_block] {
        let bytes = block(b);
        let first = first_of(b);
        let records = if b == head_block {
            (n - first + 1) as usize
        } else {
            B as usize
        };
        assert!(0 < records && records as u64 <= B, "block {b}: {records}");
        assert_eq!(
            u32::from_le_bytes(bytes[1..5].try_into().unwrap()) as usize,
            records,
            "block {b}'s record count"
        );
        let mut damages: Vec<(String, Vec<u8>)> = vec![
            ("emptied".into(), Vec::new()),
            ("format byte changed".into(), {
                let mut v = bytes.clone();
                v[0] = 0xee;
                v
            }),
            ("one byte added".into(), {
                let mut v = bytes.clone();
                v.push(0);
                v
            }),
            ("record count raised".into(), {
                let mut v = bytes.clone();
                v[1..5].copy_from_slice(&(records as u32 + 1).to_le_bytes());
                v
            }),
            ("record count far too high".into(), {
                let mut v = bytes.clone();
                v[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
                v
            }),
        ];
        for cut in [
            1,
            3,
            5,
            5 + 4 * records - 1,
            5 + 4 * records,
            bytes.len() - 1,
        ] {
            damages.push((format!("cut to {cut} bytes"), bytes[..cut].to_vec()));
        }
        for (how, value) in damages {
            let what = format!("block {b} {how}");
            with_sled(&ledger, |db| {
                db.open_tree("blocks")
                    .unwrap()
                    .insert(b.to_be_bytes(), value)
                    .unwrap();
            });
            let v = assert_damage_reported(
                &ledger,
                &[
                    format!("block {b}"),
                    format!("seq {first}"),
                    format!("seq {n}"),
                ],
                &what,
            );
            if b == head_block && v["problem"]["code"] == "store-damaged" {
                // The head's block, damaged where the head's record is read: the ledger does
                // not open.
            } else {
                // Verify reads up to the block and stops at its first seq (a block below the
                // head's, or damage the head's record does not see, such as a trailing byte).
                assert_eq!(v["problem"]["seq"], first, "{what}: {v}");
                assert_eq!(v["problem"]["code"], "corrupt-event", "{what}: {v}");
                assert_eq!(v["events"], first - 1, "{what}: {v}");
            }
            with_sled(&ledger, |db| {
                db.open_tree("blocks")
                    .unwrap()
                    .insert(b.to_be_bytes(), bytes.clone())
                    .unwrap();
            });
            assert_eq!(verified_head(&ledger).0, n, "{what}: restored");
        }
    }
    // A middle block removed altogether.
    with_sled(&ledger, |db| {
        db.open_tree("blocks")
            .unwrap()
            .remove(middle.to_be_bytes())
            .unwrap()
            .unwrap();
    });
    let first = first_of(middle);
    let v = assert_damage_reported(
        &ledger,
        &[format!("seq {first}")],
        &format!("block {middle} removed"),
    );
    assert_eq!(v["problem"]["seq"], first, "{v}");
    assert_eq!(v["problem"]["code"], "corrupt-event", "{v}");
}
