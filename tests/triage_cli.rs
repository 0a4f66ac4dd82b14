//! Triage through the real binary: audits that weigh what the sources reached say (issue 13
//! item 8), and flags with severities, stable ids, filters, exit codes and dismissals (item 9).

mod common;

use common::TestEnv;
use serde_json::{json, Value as Json};

/// A primary UN record and a wire story citing it; the wire gets the date wrong, the outcome
/// right, and says something the record does not.
const WIRE_AND_RECORD: &str = r#"{"type":"source","id":"un","kind":"primary","title":"UN record"}
{"type":"source","id":"wire","cites":["un"]}
{"type":"claim","id":"un-date","source":"un","subject":"S/RES/2774","predicate":"date","value":"2025-02-24"}
{"type":"claim","id":"un-outcome","source":"un","subject":"S/RES/2774","predicate":"outcome","value":"adopted"}
{"type":"claim","id":"wire-date","source":"wire","subject":"S/RES/2774","predicate":"date","value":"2025-02-25"}
{"type":"claim","id":"wire-outcome","source":"wire","subject":"S/RES/2774","predicate":"outcome","value":"adopted"}
{"type":"claim","id":"wire-title","source":"wire","subject":"S/RES/2774","predicate":"title","value":"The path to peace"}
"#;

fn ledger_with(lines: &str) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let file = env.write("in.jsonl", lines);
    env.ok(&["import", file.to_str().expect("utf-8 path")]);
    env
}

/// (source, stance, supporting ids, contradicting ids) of each weighed source.
fn stances(audit: &Json) -> Vec<(String, String, Vec<String>, Vec<String>)> {
    let ids = |v: &Json| -> Vec<String> {
        v.as_array()
            .expect("witnesses")
            .iter()
            .map(|w| w["id"].as_str().expect("id").to_string())
            .collect()
    };
    audit["weights"]
        .as_array()
        .expect("weights")
        .iter()
        .map(|w| {
            (
                w["source"].as_str().expect("source").to_string(),
                w["stance"].as_str().expect("stance").to_string(),
                ids(&w["supporting"]),
                ids(&w["contradicting"]),
            )
        })
        .collect()
}

fn row(
    source: &str,
    stance: &str,
    sup: &[&str],
    con: &[&str],
) -> (String, String, Vec<String>, Vec<String>) {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
    (source.into(), stance.into(), v(sup), v(con))
}

// ---------------------------------------------------------------------------------------------
// audit weighs

#[test]
fn audit_says_when_the_primary_reached_contradicts_the_claim() {
    let env = ledger_with(WIRE_AND_RECORD);
    let a = env.json(&["audit", "wire-date"]);
    assert_eq!(a["reaches_primary"], true);
    assert_eq!(
        stances(&a),
        [
            row("wire", "silent", &[], &[]),
            row("un", "contradicts", &[], &["un-date"])
        ]
    );
    assert_eq!(a["weights"][1]["primary"], true);
    assert_eq!(
        a["weights"][1]["contradicting"],
        json!([{"id": "un-date", "value": "2025-02-24"}])
    );
    // The claim's own flags are listed.
    let codes: Vec<&str> = a["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["conflicting-values"]);

    let text = env.ok(&["audit", "wire-date"]);
    assert!(
        text.contains("reaches a primary source: yes (un), which CONTRADICTS the claim (un)"),
        "{text}"
    );
    assert!(
        text.contains("  un (primary): contradicts — un-date says 2025-02-24"),
        "{text}"
    );
    assert!(text.contains("flags on this claim:\n"), "{text}");
    assert!(text.contains("conflicting-values"), "{text}");
}

#[test]
fn audit_says_when_the_primary_supports_or_is_silent() {
    let env = ledger_with(WIRE_AND_RECORD);
    let a = env.json(&["audit", "wire-outcome"]);
    assert_eq!(
        stances(&a),
        [
            row("wire", "silent", &[], &[]),
            row("un", "supports", &["un-outcome"], &[])
        ]
    );
    assert_eq!(a["flags"], json!([]));
    let text = env.ok(&["audit", "wire-outcome"]);
    assert!(
        text.contains("reaches a primary source: yes (un)\n"),
        "{text}"
    );
    assert!(
        text.contains("  un (primary): supports — un-outcome says adopted"),
        "{text}"
    );
    assert!(text.contains("flags on this claim: none"), "{text}");

    let a = env.json(&["audit", "wire-title"]);
    assert_eq!(
        stances(&a),
        [
            row("wire", "silent", &[], &[]),
            row("un", "silent", &[], &[])
        ]
    );
    assert!(env
        .ok(&["audit", "wire-title"])
        .contains("  un (primary): silent\n"));
}

#[test]
fn audit_weighs_only_live_claims() {
    let env = ledger_with(WIRE_AND_RECORD);
    env.ok(&[
        "retract",
        "un-date",
        "--reason",
        "entered against the wrong resolution",
    ]);
    let a = env.json(&["audit", "wire-date"]);
    assert_eq!(
        stances(&a),
        [
            row("wire", "silent", &[], &[]),
            row("un", "silent", &[], &[])
        ]
    );
    // A source audited, not a claim, is not weighed.
    let s = env.json(&["audit", "wire"]);
    assert_eq!(s["weights"], json!([]));
    assert_eq!(s["flags"], json!([]));
}
