//! The desk's model through the real binary (issue 13 items 2, 5, 6, 7 and 10): subject aliases
//! and lookups, claimants and excerpts, source versions, publishers' withdrawals, and reading the
//! ledger as of a time or as the coverage stood on a publication date.

mod common;

use common::TestEnv;
use serde_json::{json, Value as Json};

const ARTICLE: &str = "Wire, 25 February 2025\n\nThe Security Council met on Monday.\nIt adopted resolution 2774 by 10 votes to none,\nwith 5 abstentions.\n";
const RECORD: &str = "The Security Council adopted resolution 2774 (2025) on 24 February 2025.";

fn lines(records: &[Json]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// A ledger with a primary record and a wire article (both archived), and `extra` lines.
fn desk(extra: &[Json]) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let mut records = vec![
        json!({"type":"source","id":"un-record","kind":"primary","published":"2025-02-24","text":RECORD}),
        json!({"type":"source","id":"wire","published":"2025-02-25","cites":["un-record"],"text":ARTICLE}),
    ];
    records.extend_from_slice(extra);
    env.write("in.jsonl", lines(&records));
    env.run(&["import", "in.jsonl"]).expect(0);
    env
}

fn codes(flags: &Json) -> Vec<(String, Vec<String>)> {
    flags
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code").to_string(),
                f["claims"]
                    .as_array()
                    .expect("claims")
                    .iter()
                    .map(|c| c.as_str().expect("id").to_string())
                    .collect(),
            )
        })
        .collect()
}

// --- item 5: claimant and excerpt -------------------------------------------------------------

#[test]
fn an_excerpt_the_source_does_not_hold_is_flagged_and_one_it_holds_is_located() {
    let env = desk(&[
        json!({"type":"claim","id":"c-day","source":"wire","subject":"S/RES/2774","predicate":"weekday","value":"Monday","excerpt":"met on Monday","claimant":"Wire staff"}),
    ]);
    env.run(&[
        "add",
        "claim",
        "--id",
        "c-tue",
        "--source",
        "wire",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "date",
        "--value",
        "2025-02-25",
        "--claimant",
        "A spokesperson",
        "--excerpt",
        "Tuesday, February 25",
    ])
    .expect(0);
    let flags = env.json(&["flags", "--code", "excerpt-not-in-source"]);
    assert_eq!(
        codes(&flags),
        [(
            "excerpt-not-in-source".to_string(),
            vec!["c-tue".to_string()]
        )]
    );
    let message = flags[0]["message"].as_str().expect("message");
    assert!(message.contains("“Tuesday, February 25”"), "{message}");

    let shown = env.json(&["show", "c-day"]);
    assert_eq!(shown["claimant"], "Wire staff");
    assert_eq!(shown["excerpt_line"], 3);
    let text = env.ok(&["show", "c-day"]);
    assert!(text.contains("claimant  Wire staff"), "{text}");
    assert!(text.contains("at line 3 of wire's archived text"), "{text}");
    let shown = env.json(&["show", "c-tue"]);
    assert_eq!(shown["claimant"], "A spokesperson");
    assert_eq!(shown["excerpt_line"], Json::Null);
    assert!(env
        .ok(&["show", "c-tue"])
        .contains("not found in wire's archived text"));
}
