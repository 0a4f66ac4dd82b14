//! `facts`, `flags`, `replay` and `verify` driven through the real binary on temporary ledgers:
//! the UN-votes fixtures, small end-to-end scenarios for the UN rules, and a tampered projection.

mod common;
mod fixture_ledger;

use common::with_store;
use fixture_ledger::{fixture_snapshot, flag_fields, Env, NOW, PROVENANCE_AT};
use serde_json::{json, Value as Json};
use std::path::Path;
use std::sync::OnceLock;

/// Last seq of each fixture import.
const LEDGER_END: u64 = 43;
const BEFORE_CORRECTIONS: u64 = 54;
const HEAD: u64 = 57;

const CLAIM_RULES: [&str; 5] = [
    "conflicting-values",
    "tally-exceeds-body",
    "outcome-contradicts-tally",
    "veto-contradiction",
    "member-votes-exceed-tally",
];
const PROVENANCE_CODES: [&str; 4] = [
    "dangling-citation",
    "circular-citation",
    "no-primary-source",
    "retracted-source",
];

/// (subject, code, predicate, claims) of each flag, in output order.
type Row = (String, String, String, Vec<String>);

/// The flags as rows in subject, code, predicate, claims order. `flags` lists them most severe
/// first ([`listing_order_is_by_severity_then_subject`] checks that order); the rows compare
/// what was listed, whatever the severities.
fn rows(flags: &Json) -> Vec<Row> {
    let mut rows: Vec<Row> = flags
        .as_array()
        .expect("flags array")
        .iter()
        .map(flag_fields)
        .collect();
    rows.sort();
    rows
}

/// Rank of a severity in listing order.
fn severity_rank(f: &Json) -> usize {
    match f["severity"].as_str().expect("severity") {
        "error" => 0,
        "warning" => 1,
        "info" => 2,
        other => panic!("unknown severity {other}"),
    }
}

/// `flags` output is ordered by severity, then subject, then code, predicate and claims.
fn listing_order_is_by_severity_then_subject(flags: &Json) {
    let keys: Vec<(usize, Row)> = flags
        .as_array()
        .expect("flags array")
        .iter()
        .map(|f| (severity_rank(f), flag_fields(f)))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

fn row(subject: &str, code: &str, predicate: &str, claims: &[&str]) -> Row {
    (
        subject.into(),
        code.into(),
        predicate.into(),
        claims.iter().map(|c| c.to_string()).collect(),
    )
}

fn without_provenance(rows: Vec<Row>) -> Vec<Row> {
    rows.into_iter()
        .filter(|r| !PROVENANCE_CODES.contains(&r.1.as_str()))
        .collect()
}

/// The per-subject rule flags of the fixtures after all three imports, in output order.
fn rule_flags_at_head() -> Vec<Row> {
    vec![
        row(
            "A/RES/ES-11/7",
            "conflicting-values",
            "date",
            &["article-ga-date", "un-ga7-date"],
        ),
        row(
            "A/RES/ES-11/7",
            "weekday-mismatch",
            "date",
            &["article-ga-date"],
        ),
        row(
            "DiCarlo remarks as the article words them",
            "quote-not-in-source",
            "quote",
            &["un-dicarlo-quote-article-wording"],
        ),
        row(
            "S/RES/2774",
            "anniversary-mismatch",
            "anniversary",
            &["article-sc-anniversary", "article-sc-date"],
        ),
        row(
            "S/RES/2774",
            "anniversary-mismatch",
            "anniversary",
            &["article-sc-date", "un-sc-anniversary"],
        ),
        row(
            "S/RES/2774",
            "conflicting-values",
            "date",
            &["article-sc-date", "un-sc-date"],
        ),
        row(
            "S/RES/2774",
            "weekday-mismatch",
            "date",
            &["article-sc-date"],
        ),
    ]
}

/// The same before the corrections: the A/RES/ES-11/7 tally and US vote still conflict.
fn rule_flags_before_corrections() -> Vec<Row> {
    let mut v = rule_flags_at_head();
    v.insert(
        1,
        row(
            "A/RES/ES-11/7",
            "conflicting-values",
            "tally",
            &["daily-ga7-tally", "un-ga7-tally", "wire-ga7-tally"],
        ),
    );
    v.insert(
        2,
        row(
            "A/RES/ES-11/7",
            "conflicting-values",
            "vote:United States",
            &[
                "article-ga-us-vote",
                "evening-ga7-us-vote",
                "un-ga7-vote-us",
            ],
        ),
    );
    v
}

fn find<'a>(flags: &'a Json, code: &str, subject: &str, predicate: &str) -> Vec<&'a Json> {
    flags
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["code"] == code && f["subject"] == subject && f["predicate"] == predicate)
        .collect()
}

fn count_of(flags: &Json) -> usize {
    flags.as_array().expect("array").len()
}

// ---------------------------------------------------------------------------------------------
// flags on the fixtures

#[test]
fn fixture_rule_flags_are_exactly_the_known_ones() {
    let env = Env::fixtures();
    let flags = env.json(&["flags"]);
    let all = rows(&flags);
    assert_eq!(without_provenance(all.clone()), rule_flags_at_head());
    // Provenance flags are pinned in provenance_cli; here only their number.
    assert_eq!(all.len(), 26, "{all:#?}");

    // Every flag object has exactly the documented keys.
    for f in flags.as_array().expect("array") {
        let mut keys: Vec<&str> = f
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "claims",
                "code",
                "dismissed",
                "id",
                "message",
                "predicate",
                "severity",
                "source_withdrawn",
                "sources",
                "subject",
                "withdrawn_sources"
            ]
        );
    }
    // Output order: severity, then subject, code, predicate, claims.
    listing_order_is_by_severity_then_subject(&flags);
    let first: Vec<Json> = flags.as_array().expect("array")[..3]
        .iter()
        .map(|f| f["severity"].clone())
        .collect();
    assert_eq!(first, [json!("error"), json!("error"), json!("error")]);
    assert_eq!(
        flags.as_array().expect("array").last().expect("a flag")["severity"],
        "info"
    );

    for (subject, claim) in [
        ("S/RES/2774", "article-sc-date"),
        ("A/RES/ES-11/7", "article-ga-date"),
    ] {
        let w = find(&flags, "weekday-mismatch", subject, "date");
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0]["message"],
            format!("{subject}: 'Monday, February 25, 2025' — 25 February 2025 was a Tuesday")
        );
        assert_eq!(w[0]["claims"], json!([claim]));
        assert_eq!(w[0]["sources"], json!(["article-us-aligns"]));
    }
    let anniversaries = find(&flags, "anniversary-mismatch", "S/RES/2774", "anniversary");
    assert_eq!(anniversaries.len(), 2);
    for a in anniversaries {
        assert!(
            a["message"]
                .as_str()
                .expect("message")
                .contains("but article-sc-date says 25 February 2025"),
            "{a}"
        );
    }
    let q = find(
        &flags,
        "quote-not-in-source",
        "DiCarlo remarks as the article words them",
        "quote",
    );
    assert_eq!(q[0]["sources"], json!(["un-sc-coverage-2025-02-24"]));
    assert_eq!(
        find(&flags, "conflicting-values", "S/RES/2774", "date")[0]["message"],
        "S/RES/2774 date: sources disagree — 2025-02-25 ('Monday, February 25, 2025') (article-sc-date) vs 2025-02-24 ('24 February 2025') (un-sc-date)"
    );
}

#[test]
fn consistent_fixture_facts_raise_no_claim_rule_flag() {
    let env = Env::fixtures();
    let flags = env.json(&["flags"]);
    for f in flags.as_array().expect("array") {
        if !CLAIM_RULES.contains(&f["code"].as_str().expect("code")) {
            continue;
        }
        let subject = f["subject"].as_str().expect("subject");
        let predicate = f["predicate"].as_str().expect("predicate");
        let consistent = (subject == "S/RES/2774"
            && (predicate == "tally" || predicate == "outcome" || predicate.starts_with("vote:")))
            || subject == "A/RES/ES-11/8"
            || (subject == "A/RES/ES-11/7" && predicate != "date");
        assert!(!consistent, "unexpected claim-rule flag {f}");
    }
    // Through --subject too (findings::subject_flags, another code path than all_flags).
    let sc: Vec<Row> = rows(&env.json(&["flags", "--subject", "S/RES/2774"]))
        .into_iter()
        .filter(|r| CLAIM_RULES.contains(&r.1.as_str()))
        .collect();
    assert_eq!(
        sc,
        vec![row(
            "S/RES/2774",
            "conflicting-values",
            "date",
            &["article-sc-date", "un-sc-date"],
        )]
    );
}

#[test]
fn flags_as_of_a_seq_before_the_corrections_show_the_old_conflicts() {
    let env = Env::fixtures();
    let before = env.json(&["flags", "--as-of", &BEFORE_CORRECTIONS.to_string()]);
    assert_eq!(
        without_provenance(rows(&before)),
        rule_flags_before_corrections()
    );
    assert_eq!(count_of(&before), 29);
    let tally = find(&before, "conflicting-values", "A/RES/ES-11/7", "tally");
    assert_eq!(
        tally[0]["message"],
        "A/RES/ES-11/7 tally: sources disagree — UNGA, yes 93, no 18, abstain 65 (un-ga7-tally, wire-ga7-tally) vs UNGA, yes 89, no 18 (daily-ga7-tally)"
    );
    assert_eq!(
        tally[0]["sources"],
        json!([
            "daily-fixture-ga",
            "un-ga-coverage-2025-02-24",
            "wire-ga-vote"
        ])
    );
    let vote = find(
        &before,
        "conflicting-values",
        "A/RES/ES-11/7",
        "vote:United States",
    );
    assert!(
        vote[0]["message"]
            .as_str()
            .expect("message")
            .contains("no (article-ga-us-vote, un-ga7-vote-us) vs abstain (evening-ga7-us-vote)"),
        "{}",
        vote[0]
    );
    // The tabloid is not retracted yet: its claim is live, nothing rests on a retracted source.
    assert_eq!(
        find(&before, "retracted-source", "S/RES/2774", "drafted by").len(),
        0
    );
    assert!(rows(&before).contains(&row(
        "S/RES/2774",
        "no-primary-source",
        "drafted by",
        &["tabloid-sc-drafter"]
    )));
    // Now they are resolved.
    let now = env.json(&["flags"]);
    assert_eq!(count_of(&now), 26);
    assert_eq!(
        find(&now, "conflicting-values", "A/RES/ES-11/7", "tally").len(),
        0
    );
    // Before the provenance import the claim rules saw the same conflicts, and no citation flags.
    let first = env.json(&["flags", "--as-of", &LEDGER_END.to_string()]);
    assert_eq!(
        without_provenance(rows(&first)),
        rule_flags_before_corrections()
    );
    assert_eq!(count_of(&first), 23);
    assert_eq!(env.json(&["flags", "--as-of", "0"]), json!([]));
}

#[test]
fn flags_as_of_a_time_resolve_to_the_last_event_at_or_before_it() {
    let env = Env::fixtures();
    let at = |spec: &str| env.json(&["flags", "--as-of", spec]);
    // 11:59:59 UTC, written in another offset: before the corrections (seq 54).
    let before = at("2025-02-26T12:59:59+01:00");
    assert_eq!(
        without_provenance(rows(&before)),
        rule_flags_before_corrections()
    );
    assert_eq!(count_of(&before), 29);
    // Exactly the corrections' time: they are included (the head).
    let head = at(NOW);
    assert_eq!(without_provenance(rows(&head)), rule_flags_at_head());
    assert_eq!(count_of(&head), 26);
    // Exactly the provenance import's time: seq 54 again.
    assert_eq!(at(PROVENANCE_AT), before);
    // A second before the provenance import: seq 43 (no citation flags yet).
    let first = at("2025-02-25T10:59:59Z");
    assert_eq!(count_of(&first), 23);
    assert_eq!(
        find(&first, "circular-citation", "blog-loop-a", "cites").len(),
        0
    );
    // Before anything was recorded: the empty ledger.
    assert_eq!(at("2025-02-25T09:59:59.999999Z"), json!([]));
}

#[test]
fn as_of_beyond_the_head_or_malformed_exits_2() {
    let env = Env::fixtures();
    let (_, err) = env.fails(&["flags", "--as-of", "58"], 2);
    assert!(err.contains("only goes up to seq 57"), "{err}");
    for bad in ["banana", "2025-02-30T00:00:00Z"] {
        let (_, err) = env.fails(&["flags", "--as-of", bad], 2);
        assert!(
            err.contains("neither a seq, an RFC 3339 time nor a date (YYYY-MM-DD)"),
            "{bad}: {err}"
        );
    }
    let (_, err) = env.fails(&["facts", "--as-of", "58"], 2);
    assert!(err.contains("only goes up to seq 57"), "{err}");
    // With --json the error is JSON on stdout.
    let (out, err) = env.fails(&["--json", "flags", "--as-of", "2025-02-30"], 2);
    let v: Json = serde_json::from_str(&out).expect("json error");
    assert_eq!(v["ok"], false);
    assert_eq!(v["exit_code"], 2);
    assert!(
        err.contains("neither a seq, an RFC 3339 time nor a date"),
        "{err}"
    );
}

#[test]
fn flags_code_and_subject_filters() {
    let env = Env::fixtures();
    let weekday = env.json(&["flags", "--code", "weekday-mismatch"]);
    assert_eq!(
        rows(&weekday),
        vec![
            row(
                "A/RES/ES-11/7",
                "weekday-mismatch",
                "date",
                &["article-ga-date"]
            ),
            row(
                "S/RES/2774",
                "weekday-mismatch",
                "date",
                &["article-sc-date"]
            ),
        ]
    );
    let two = env.json(&[
        "flags",
        "--code",
        "weekday-mismatch",
        "--code",
        "quote-not-in-source",
    ]);
    assert_eq!(
        rows(&two).iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        [
            "weekday-mismatch",
            "quote-not-in-source",
            "weekday-mismatch"
        ]
    );
    assert_eq!(
        env.json(&["flags", "--code", "veto-contradiction"]),
        json!([])
    );
    let (_, err) = env.fails(&["flags", "--code", "no-such-code"], 2);
    assert!(
        err.contains("--code no-such-code: no such flag code"),
        "{err}"
    );

    // --subject: exactly the flags of that subject in the full list (the order may differ).
    let all = rows(&env.json(&["flags"]));
    for subject in ["S/RES/2774", "A/RES/ES-11/8", "blog-loop-a"] {
        let mut got = rows(&env.json(&["flags", "--subject", subject]));
        assert!(got.iter().all(|r| r.0 == subject), "{subject}: {got:?}");
        got.sort();
        let mut expected: Vec<Row> = all.iter().filter(|r| r.0 == subject).cloned().collect();
        expected.sort();
        assert!(!expected.is_empty(), "{subject}");
        assert_eq!(got, expected, "{subject}");
        if subject == "A/RES/ES-11/8" {
            assert_eq!(
                got,
                vec![row(
                    "A/RES/ES-11/8",
                    "no-primary-source",
                    "title",
                    &["blog-a-ga8-title"]
                )]
            );
        }
    }
    // Filters combine, and apply to the past too.
    assert_eq!(
        rows(&env.json(&[
            "flags",
            "--subject",
            "A/RES/ES-11/7",
            "--code",
            "conflicting-values",
            "--as-of",
            "54",
        ])),
        vec![
            row(
                "A/RES/ES-11/7",
                "conflicting-values",
                "date",
                &["article-ga-date", "un-ga7-date"]
            ),
            row(
                "A/RES/ES-11/7",
                "conflicting-values",
                "tally",
                &["daily-ga7-tally", "un-ga7-tally", "wire-ga7-tally"]
            ),
            row(
                "A/RES/ES-11/7",
                "conflicting-values",
                "vote:United States",
                &[
                    "article-ga-us-vote",
                    "evening-ga7-us-vote",
                    "un-ga7-vote-us"
                ]
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// facts

fn fact<'a>(facts: &'a Json, subject: &str, predicate: &str) -> &'a Json {
    let found: Vec<&Json> = facts
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["subject"] == subject && f["predicate"] == predicate)
        .collect();
    assert_eq!(found.len(), 1, "{subject} {predicate}: {facts}");
    found[0]
}

#[test]
fn facts_json_shape_and_statuses() {
    let env = Env::fixtures();
    let facts = env.json(&["facts"]);
    let all = facts.as_array().expect("array");
    assert_eq!(all.len(), 24);
    for f in all {
        let o = f.as_object().expect("object");
        for k in [
            "subject",
            "predicate",
            "status",
            "claims",
            "sources",
            "inactive_claims",
            "independent_sources",
        ] {
            assert!(o.contains_key(k), "{k} missing in {f}");
        }
        let status = f["status"].as_str().expect("status");
        assert!(
            ["consistent", "conflicting", "retracted"].contains(&status),
            "{f}"
        );
        // One value, or several, never both.
        assert!(o.contains_key("value") != o.contains_key("values"), "{f}");
        if status == "conflicting" {
            assert!(o.contains_key("values"), "{f}");
        }
    }
    let conflicting: Vec<(&str, &str)> = all
        .iter()
        .filter(|f| f["status"] == "conflicting")
        .map(|f| {
            (
                f["subject"].as_str().expect("subject"),
                f["predicate"].as_str().expect("predicate"),
            )
        })
        .collect();
    assert_eq!(
        conflicting,
        [("A/RES/ES-11/7", "date"), ("S/RES/2774", "date")]
    );
    assert_eq!(
        *fact(&facts, "A/RES/ES-11/7", "tally"),
        json!({
            "subject": "A/RES/ES-11/7",
            "predicate": "tally",
            "status": "consistent",
            "value": {"body": "UNGA", "yes": 93, "no": 18, "abstain": 65},
            "claims": ["un-ga7-tally", "wire-ga7-tally"],
            "sources": ["un-ga-coverage-2025-02-24", "wire-ga-vote"],
            "inactive_claims": [{"id": "daily-ga7-tally", "status": "retracted"}],
            "independent_sources": 2,
            "source_withdrawn": false,
            "withdrawn_sources": [],
        })
    );
    assert_eq!(
        *fact(&facts, "S/RES/2774", "date"),
        json!({
            "subject": "S/RES/2774",
            "predicate": "date",
            "status": "conflicting",
            "values": [
                {"value": "2025-02-25", "as_written": "Monday, February 25, 2025", "claims": ["article-sc-date"]},
                {"value": "2025-02-24", "as_written": "24 February 2025", "claims": ["un-sc-date"]},
            ],
            "claims": ["article-sc-date", "un-sc-date"],
            "sources": ["article-us-aligns", "un-sc-coverage-2025-02-24"],
            "inactive_claims": [],
            "independent_sources": 2,
            "source_withdrawn": false,
            "withdrawn_sources": [],
        })
    );
    let us = fact(&facts, "A/RES/ES-11/7", "vote:United States");
    assert_eq!(us["status"], "consistent");
    assert_eq!(us["value"], "no");
    assert_eq!(
        us["inactive_claims"],
        json!([{"id": "evening-ga7-us-vote", "status": "superseded"}])
    );
    let drafter = fact(&facts, "S/RES/2774", "drafted by");
    assert_eq!(
        drafter["inactive_claims"],
        json!([{"id": "tabloid-sc-drafter", "status": "source-retracted"}])
    );
    // A date written without a weekday keeps how it was written.
    assert_eq!(
        fact(&facts, "A/RES/ES-11/7", "date")["values"][1],
        json!({"value": "2025-02-24", "as_written": "2025-02-24", "claims": ["un-ga7-date"]})
    );
}

#[test]
fn facts_for_one_subject_now_and_before_the_retraction() {
    let env = Env::fixtures();
    let now = env.json(&["facts", "--subject", "A/RES/ES-11/7"]);
    let predicates: Vec<&str> = now
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["predicate"].as_str().expect("predicate"))
        .collect();
    assert_eq!(
        predicates,
        [
            "date",
            "outcome",
            "put forward by",
            "tally",
            "title",
            "vote:Russian Federation",
            "vote:United States"
        ]
    );
    assert_eq!(fact(&now, "A/RES/ES-11/7", "tally")["status"], "consistent");
    let before = env.json(&["facts", "--subject", "A/RES/ES-11/7", "--as-of", "54"]);
    assert_eq!(
        *fact(&before, "A/RES/ES-11/7", "tally"),
        json!({
            "subject": "A/RES/ES-11/7",
            "predicate": "tally",
            "status": "conflicting",
            "values": [
                {"value": {"body": "UNGA", "yes": 93, "no": 18, "abstain": 65}, "as_written": null,
                 "claims": ["un-ga7-tally", "wire-ga7-tally"]},
                {"value": {"body": "UNGA", "yes": 89, "no": 18}, "as_written": null,
                 "claims": ["daily-ga7-tally"]},
            ],
            "claims": ["un-ga7-tally", "wire-ga7-tally", "daily-ga7-tally"],
            "sources": ["daily-fixture-ga", "un-ga-coverage-2025-02-24", "wire-ga-vote"],
            "inactive_claims": [],
            "independent_sources": 2,
            "source_withdrawn": false,
            "withdrawn_sources": [],
        })
    );
    let us = fact(&before, "A/RES/ES-11/7", "vote:United States");
    assert_eq!(us["status"], "conflicting");
    assert_eq!(
        us["claims"],
        json!([
            "article-ga-us-vote",
            "un-ga7-vote-us",
            "evening-ga7-us-vote"
        ])
    );
    // The same through a time between the imports.
    assert_eq!(
        env.json(&[
            "facts",
            "--subject",
            "A/RES/ES-11/7",
            "--as-of",
            "2025-02-26T11:00:00Z"
        ]),
        before
    );
}

#[test]
fn a_fact_whose_every_claim_is_retracted_is_retracted() {
    let env = Env::fixtures();
    env.ok(&[
        "retract",
        "un-ga8-outcome",
        "--reason",
        "test: the only outcome claim",
    ]);
    // Every claim resting on a retracted source is not live either.
    env.ok(&["retract", "blog-loop-a", "--reason", "test: gone"]);
    let facts = env.json(&["facts", "--subject", "A/RES/ES-11/8"]);
    assert_eq!(
        *fact(&facts, "A/RES/ES-11/8", "outcome"),
        json!({
            "subject": "A/RES/ES-11/8",
            "predicate": "outcome",
            "status": "retracted",
            "claims": [],
            "sources": [],
            "inactive_claims": [{"id": "un-ga8-outcome", "status": "retracted"}],
            "independent_sources": 0,
            "source_withdrawn": false,
            "withdrawn_sources": [],
        })
    );
    let title = fact(&facts, "A/RES/ES-11/8", "title");
    assert_eq!(title["status"], "retracted");
    assert_eq!(
        title["inactive_claims"],
        json!([{"id": "blog-a-ga8-title", "status": "source-retracted"}])
    );
    assert_eq!(
        fact(&facts, "A/RES/ES-11/8", "tally")["status"],
        "consistent"
    );
    // Before the retractions (seq 58 and 59) both were consistent.
    let before = env.json(&["facts", "--subject", "A/RES/ES-11/8", "--as-of", "57"]);
    assert_eq!(
        fact(&before, "A/RES/ES-11/8", "outcome")["status"],
        "consistent"
    );
    assert_eq!(
        fact(&before, "A/RES/ES-11/8", "outcome")["value"],
        "adopted"
    );
    assert_eq!(
        fact(&before, "A/RES/ES-11/8", "title")["status"],
        "consistent"
    );
}

/// Three partial tallies: `yes: 93` and `yes: 89` disagree, and each agrees with `abstain: 73`.
/// `flags` reports the conflict; `facts` must not call the fact consistent.
#[test]
fn facts_and_flags_agree_on_partial_tallies() {
    let env = Env::empty();
    env.ok(&["init"]);
    let tally = |id: &str, t: Json| json!({"type": "claim", "id": id, "source": "p", "subject": "X", "predicate": "tally", "value": t});
    env.import(&[
        json!({"type": "source", "id": "p", "kind": "primary"}),
        tally("a", json!({"body": "UNGA", "abstain": 73})),
        tally("b", json!({"body": "UNGA", "yes": 93})),
        tally("c", json!({"body": "UNGA", "yes": 89})),
    ]);
    assert_eq!(
        rows(&env.json(&["flags"])),
        vec![row("X", "conflicting-values", "tally", &["b", "c"])]
    );
    let facts = env.json(&["facts"]);
    assert_eq!(
        fact(&facts, "X", "tally")["status"],
        "conflicting",
        "{facts}"
    );
}

// ---------------------------------------------------------------------------------------------
// UN rules end to end

/// The archived text of `rec`, for the quote scenario.
const QUOTE_TEXT: &str = "She described the invasion as \u{201c}a violation of the Charter\u{2019}s principles\u{201d} \u{2014} and of international law.";

fn claim(id: &str, subject: &str, predicate: &str, value: Json) -> Json {
    json!({"type": "claim", "id": id, "source": "rec", "subject": subject, "predicate": predicate, "value": value})
}

fn quote(id: &str, source: &str, words: &str) -> Json {
    json!({"type": "claim", "id": id, "source": source, "subject": "QUOTES", "predicate": "quote",
           "value": {"speaker": "Rosemary DiCarlo", "text": words}})
}

/// Every scenario in one imported file, each under its own subject (the rules look at one subject
/// at a time), from two primary sources — `rec` with an archived text, `rec-bare` without — so
/// no provenance flag fires. Built once; returns every flag as rows.
fn scenario_json() -> &'static Json {
    static FLAGS: OnceLock<Json> = OnceLock::new();
    FLAGS.get_or_init(|| {
        let lines = vec![
            json!({"type": "source", "id": "rec", "kind": "primary", "title": "Record", "text": QUOTE_TEXT}),
            json!({"type": "source", "id": "rec-bare", "kind": "primary", "title": "Record without text"}),
            // UNSC 10-0-5 adoption, permanent members' votes as recorded for S/RES/2774.
            claim("sc-t", "SC-10-0-5", "tally", json!({"body": "UNSC", "yes": 10, "no": 0, "abstain": 5})),
            claim("sc-o", "SC-10-0-5", "outcome", json!("adopted")),
            claim("sc-us", "SC-10-0-5", "vote:US", json!("in favour")),
            claim("sc-ru", "SC-10-0-5", "vote:Russia", json!("in favour")),
            claim("sc-cn", "SC-10-0-5", "vote:China", json!("yes")),
            claim("sc-fr", "SC-10-0-5", "vote:France", json!("abstention")),
            claim("sc-uk", "SC-10-0-5", "vote:UK", json!("abstained")),
            // UNGA 93-8-73 adoption; a permanent member voting no is no veto there.
            claim("ga-t", "GA-93-8-73", "tally", json!({"body": "UNGA", "yes": 93, "no": 8, "abstain": 73})),
            claim("ga-o", "GA-93-8-73", "outcome", json!("adopted")),
            claim("ga-us", "GA-93-8-73", "vote:USA", json!("abstain")),
            claim("ga-ru", "GA-93-8-73", "vote:Russia", json!("against")),
            // A procedural UNSC vote adopted over two permanent members' no.
            claim("pr-t", "SC-PROCEDURAL", "tally", json!({"body": "UNSC", "yes": 12, "no": 3, "procedural": true})),
            claim("pr-o", "SC-PROCEDURAL", "outcome", json!("adopted")),
            claim("pr-ru", "SC-PROCEDURAL", "vote:Russian Federation", json!("against")),
            claim("pr-cn", "SC-PROCEDURAL", "vote:China", json!("no")),
            // Exactly 15 votes in the Council is fine.
            claim("full-t", "SC-15", "tally", json!({"body": "UNSC", "yes": 13, "no": 1, "abstain": 1})),
            // A UNSC adoption with 8 in favour.
            claim("e8-t", "SC-8-YES", "tally", json!({"body": "UNSC", "yes": 8, "no": 0, "abstain": 7})),
            claim("e8-o", "SC-8-YES", "outcome", json!("adopted")),
            // A substantive UNSC adoption with the United States voting no.
            claim("veto-t", "SC-VETO", "tally", json!({"body": "UNSC", "yes": 13, "no": 1, "abstain": 1})),
            claim("veto-o", "SC-VETO", "outcome", json!("adopted")),
            claim("veto-us", "SC-VETO", "vote:United States of America", json!("against")),
            claim("veto-fr", "SC-VETO", "vote:France", json!("yes")),
            // A Council tally of 16.
            claim("t16", "SC-16", "tally", json!({"body": "UNSC", "yes": 10, "no": 3, "abstain": 3})),
            // Three members said to vote no, a tally of no: 2.
            claim("mv-t", "MEMBER-VOTES", "tally", json!({"body": "UNGA", "yes": 100, "no": 2})),
            claim("mv-1", "MEMBER-VOTES", "vote:Algeria", json!("against")),
            claim("mv-2", "MEMBER-VOTES", "vote:Guyana", json!("no")),
            claim("mv-3", "MEMBER-VOTES", "vote:Panama", json!("No")),
            // The same member written differently is not a fourth member.
            claim("mv-4", "MEMBER-VOTES", "vote:  panama", json!("against")),
            // Straight quotes and apostrophe against the curly ones in the text: a match.
            quote("q-straight", "rec", "\"a violation of the Charter's principles\""),
            // A dash with other spacing: a match.
            quote("q-dash", "rec", "principles\" - and of international law."),
            // A changed word: not in the source.
            quote("q-changed", "rec", "a clear violation of the Charter's principles"),
            // No archived text: cannot be checked.
            quote("q-bare", "rec-bare", "anything at all"),
        ];
        let env = Env::empty();
        env.ok(&["init"]);
        env.import(&lines);
        env.json(&["flags"])
    })
}

fn scenario_flags() -> Vec<Row> {
    rows(scenario_json())
}

fn flags_about(subject: &str) -> Vec<Row> {
    scenario_flags()
        .into_iter()
        .filter(|r| r.0 == subject)
        .collect()
}

#[test]
fn scenario_ledger_raises_exactly_the_expected_flags() {
    assert_eq!(
        scenario_flags(),
        vec![
            row(
                "MEMBER-VOTES",
                "member-votes-exceed-tally",
                "tally",
                &["mv-1", "mv-2", "mv-3", "mv-4", "mv-t"]
            ),
            row("QUOTES", "quote-not-in-source", "quote", &["q-changed"]),
            row("QUOTES", "quote-unverifiable", "quote", &["q-bare"]),
            row("SC-16", "tally-exceeds-body", "tally", &["t16"]),
            row(
                "SC-8-YES",
                "outcome-contradicts-tally",
                "outcome",
                &["e8-o", "e8-t"]
            ),
            row(
                "SC-VETO",
                "veto-contradiction",
                "outcome",
                &["veto-o", "veto-us"]
            ),
        ]
    );
}

#[test]
fn valid_un_votes_raise_no_flags() {
    for subject in ["SC-10-0-5", "GA-93-8-73", "SC-PROCEDURAL", "SC-15"] {
        assert_eq!(flags_about(subject), Vec::<Row>::new(), "{subject}");
    }
}

#[test]
fn unsc_adoption_with_8_yes_contradicts_the_tally() {
    assert_eq!(
        flags_about("SC-8-YES"),
        vec![row(
            "SC-8-YES",
            "outcome-contradicts-tally",
            "outcome",
            &["e8-o", "e8-t"]
        )]
    );
}

#[test]
fn substantive_unsc_adoption_over_a_us_no_is_a_veto_contradiction() {
    assert_eq!(
        flags_about("SC-VETO"),
        vec![row(
            "SC-VETO",
            "veto-contradiction",
            "outcome",
            &["veto-o", "veto-us"]
        )]
    );
}

#[test]
fn a_unsc_tally_of_16_exceeds_the_body() {
    assert_eq!(
        flags_about("SC-16"),
        vec![row("SC-16", "tally-exceeds-body", "tally", &["t16"])]
    );
}

#[test]
fn three_members_voting_no_against_a_tally_of_2() {
    assert_eq!(
        flags_about("MEMBER-VOTES"),
        vec![row(
            "MEMBER-VOTES",
            "member-votes-exceed-tally",
            "tally",
            &["mv-1", "mv-2", "mv-3", "mv-4", "mv-t"]
        )]
    );
    let flag = find(
        scenario_json(),
        "member-votes-exceed-tally",
        "MEMBER-VOTES",
        "tally",
    );
    assert_eq!(
        flag[0]["message"],
        "MEMBER-VOTES: 3 members are claimed to have voted no (Algeria, Guyana, Panama), but mv-t gives no 2"
    );
}

#[test]
fn quotes_are_checked_against_the_archived_text_ignoring_typography() {
    assert_eq!(
        flags_about("QUOTES"),
        vec![
            row("QUOTES", "quote-not-in-source", "quote", &["q-changed"]),
            row("QUOTES", "quote-unverifiable", "quote", &["q-bare"]),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// replay and verify

fn library_digest(ledger: &Path, to: Option<u64>) -> String {
    // Other tests of this file read the same fixture ledger at the same time: wait for its lock.
    let l =
        factledger::Ledger::open(ledger, Some(std::time::Duration::from_secs(60))).expect("open");
    let (t, _) = factledger::projection::replay(l.events(1), to, |_| {}).expect("replay");
    factledger::model::event::hex(&t.digest().to_bytes())
}

#[test]
fn replay_json_reports_seq_counts_and_digest() {
    let env = Env::fixtures();
    let full = env.json(&["replay"]);
    assert_eq!(full["seq"], HEAD);
    assert_eq!(full["events"], HEAD);
    assert_eq!(
        full["counts"],
        json!({
            "sources": 13, "claims": 42, "live_claims": 39, "retracted_claims": 1,
            "superseded_claims": 1, "claims_with_retracted_source": 1, "subjects": 5,
        })
    );
    assert_eq!(full["matches_stored"], true);
    assert_eq!(full["rebuilt"], false);
    let digest = full["digest"].as_str().expect("digest").to_string();
    assert_eq!(digest.len(), 64);
    assert_eq!(digest, fixture_snapshot().digest);
    let verify = env.json(&["verify"]);
    assert_eq!(verify["ok"], true);
    assert_eq!(verify["projection_digest"], digest.as_str());

    let first = env.json(&["replay", "--to", "43"]);
    assert_eq!(first["seq"], LEDGER_END);
    assert_eq!(
        first["counts"],
        json!({
            "sources": 7, "claims": 36, "live_claims": 36, "retracted_claims": 0,
            "superseded_claims": 0, "claims_with_retracted_source": 0, "subjects": 5,
        })
    );
    assert_eq!(first["matches_stored"], Json::Null);
    assert_ne!(first["digest"], full["digest"]);
    // The digests are the library's own replay digests.
    assert_eq!(digest, library_digest(&env.ledger(), None));
    assert_eq!(
        first["digest"],
        library_digest(&env.ledger(), Some(43)).as_str()
    );
    let empty = env.json(&["replay", "--to", "0"]);
    assert_eq!(empty["seq"], 0);
    assert_eq!(empty["counts"]["claims"], 0);
    assert_eq!(empty["digest"], "0".repeat(64));
    let (_, err) = env.fails(&["replay", "--to", "58"], 2);
    assert!(err.contains("only goes up to seq 57"), "{err}");
    let text = env.ok(&["replay"]);
    assert!(text.contains("replayed seq 1 to 57"), "{text}");
    assert!(
        text.contains("13 sources, 42 claims (39 live, 1 retracted, 1 superseded, 1 with a retracted source), 5 subjects"),
        "{text}"
    );
    assert!(text.contains(&format!("digest {digest}")), "{text}");
    assert!(text.contains("matches the stored projection"), "{text}");
}

fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn remove_subject_entry(ledger: &Path) {
    with_store(ledger, |store| {
        let key = factledger::projection::key(&["S/RES/2774", "tally", "un-sc-tally"]);
        let old = store
            .tamper_table(factledger::projection::SUBJECTS, &key, None)
            .expect("remove");
        assert!(old.is_some());
    });
}

fn assert_drift(env: &Env) {
    let (out, err) = env.fails(&["--json", "verify"], 1);
    let v: Json = serde_json::from_str(&out).expect("verify json");
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["problem"]["code"], "projection-drift", "{v}");
    assert_eq!(v["problem"]["seq"], HEAD, "{v}");
    // The log itself is sound: the drift is in the projection only.
    assert_eq!(v["events"], HEAD, "{v}");
    assert_eq!(
        v["projection_digest"],
        fixture_snapshot().digest.as_str(),
        "{v}"
    );
    assert!(
        err.contains("(projection-drift)") && err.contains("replay --rebuild"),
        "{err}"
    );
}

fn assert_repaired(env: &Env) {
    let rebuilt = env.json(&["replay", "--rebuild"]);
    assert_eq!(rebuilt["rebuilt"], true);
    assert_eq!(rebuilt["digest"], fixture_snapshot().digest.as_str());
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["problem"], Json::Null);
}

#[test]
fn verify_catches_a_changed_projection_entry_and_replay_rebuild_fixes_it() {
    let env = Env::fixtures();
    // The claim's stored state is the value of p_claims/un-sc-tally, or (when the state is kept
    // with the subject's entries) of p_subjects/S/RES/2774\0tally\0un-sc-tally: change the
    // subject's first byte in whichever holds it.
    with_store(&env.ledger(), |store| {
        use factledger::projection::{key, CLAIMS, SUBJECTS};
        let by_subject = key(&["S/RES/2774", "tally", "un-sc-tally"]);
        let (table, key, mut v, at) = [
            (SUBJECTS, by_subject.as_slice()),
            (CLAIMS, b"un-sc-tally".as_slice()),
        ]
        .into_iter()
        .find_map(|(table, key)| {
            let v = store.table_get(table, key).expect("get")?;
            let at = position(&v, b"S/RES/2774")?;
            Some((table, key, v, at))
        })
        .expect("the subject in the claim's stored state");
        v[at] = b'T';
        let old = store.tamper_table(table, key, Some(v)).expect("replace");
        assert!(old.is_some());
    });
    // Still decodable: the claim now says T/RES/2774.
    {
        let l = factledger::Ledger::open(&env.ledger(), None).expect("open");
        let c = factledger::projection::claim(&l.tables(), "un-sc-tally")
            .expect("decodes")
            .expect("present");
        assert_eq!(c.claim.subject, "T/RES/2774");
    }
    assert_drift(&env);
    assert_repaired(&env);
    let l = factledger::Ledger::open(&env.ledger(), None).expect("open");
    let c = factledger::projection::claim(&l.tables(), "un-sc-tally")
        .expect("decodes")
        .expect("present");
    assert_eq!(c.claim.subject, "S/RES/2774");
}

#[test]
fn verify_catches_a_deleted_subject_index_entry() {
    let env = Env::fixtures();
    remove_subject_entry(&env.ledger());
    // The fact lost a claim: exactly what verify must notice.
    let damaged = env.json(&["facts", "--subject", "S/RES/2774"]);
    assert_eq!(
        fact(&damaged, "S/RES/2774", "tally")["claims"],
        json!(["explainer-sc-tally"])
    );
    assert_drift(&env);
    assert_repaired(&env);
    let repaired = env.json(&["facts", "--subject", "S/RES/2774"]);
    assert_eq!(
        fact(&repaired, "S/RES/2774", "tally")["claims"],
        json!(["un-sc-tally", "explainer-sc-tally"])
    );
}

/// `replay` compares its digest with the stored projection and should say when they differ. It
/// compares with the digest *recorded* with the projection, which editing the entries does not
/// change, so it reports a match while `verify` reports drift.
#[test]
fn replay_reports_a_tampered_projection_as_different() {
    let env = Env::fixtures();
    remove_subject_entry(&env.ledger());
    assert_eq!(env.json(&["replay"])["matches_stored"], false);
    let text = env.ok(&["replay"]);
    assert!(
        text.contains("DIFFERS from the stored projection"),
        "{text}"
    );
}
