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

// ---------------------------------------------------------------------------------------------
// triage: severities, ids, filters, exit codes

/// An article gets the date wrong (with a weekday), so its anniversary claim and the UN's are
/// both contradicted with the same words; the article reaches no primary source.
const TRIAGE: &str = r#"{"type":"source","id":"un","kind":"primary","title":"UN record"}
{"type":"source","id":"article"}
{"type":"claim","id":"un-date","source":"un","subject":"S/RES/2774","predicate":"date","value":"24 February 2025"}
{"type":"claim","id":"un-anniversary","source":"un","subject":"S/RES/2774","predicate":"anniversary","value":{"of":"2022-02-24","nth":3}}
{"type":"claim","id":"article-date","source":"article","subject":"S/RES/2774","predicate":"date","value":"Monday, February 25, 2025"}
{"type":"claim","id":"article-anniversary","source":"article","subject":"S/RES/2774","predicate":"anniversary","value":{"of":"2022-02-24","nth":3}}
"#;

/// (severity, code, claims) of each flag of `flags --json`, in output order.
fn listed(flags: &Json) -> Vec<(String, String, Vec<String>)> {
    flags
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().expect("severity").to_string(),
                f["code"].as_str().expect("code").to_string(),
                f["claims"]
                    .as_array()
                    .expect("claims")
                    .iter()
                    .map(|c| c.as_str().expect("claim").to_string())
                    .collect(),
            )
        })
        .collect()
}

fn flag(sev: &str, code: &str, claims: &[&str]) -> (String, String, Vec<String>) {
    (
        sev.into(),
        code.into(),
        claims.iter().map(|c| c.to_string()).collect(),
    )
}

/// The id of the one flag with `code` naming `claim`.
fn id_of(flags: &Json, code: &str, claim: &str) -> String {
    let found: Vec<&Json> = flags
        .as_array()
        .expect("flags")
        .iter()
        .filter(|f| {
            f["code"] == code
                && f["claims"]
                    .as_array()
                    .expect("claims")
                    .contains(&json!(claim))
        })
        .collect();
    assert_eq!(found.len(), 1, "{code} {claim}: {flags}");
    found[0]["id"].as_str().expect("id").to_string()
}

#[test]
fn flags_are_listed_most_severe_first_with_a_severity_and_a_stable_id() {
    let env = ledger_with(TRIAGE);
    let flags = env.json(&["flags"]);
    assert_eq!(
        listed(&flags),
        [
            flag("error", "conflicting-values", &["article-date", "un-date"]),
            flag(
                "warning",
                "anniversary-mismatch",
                &["article-anniversary", "article-date"]
            ),
            flag(
                "warning",
                "anniversary-mismatch",
                &["article-date", "un-anniversary"]
            ),
            flag("warning", "weekday-mismatch", &["article-date"]),
            flag("info", "no-primary-source", &["article-anniversary"]),
            flag("info", "no-primary-source", &["article-date"]),
        ]
    );
    let ids: Vec<&str> = flags
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    for id in &ids {
        assert_eq!(id.len(), 16, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{id}"
        );
    }
    let distinct: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());
    // The same flags have the same ids in another run, and in `audit`.
    assert_eq!(env.json(&["flags"]), flags);
    let audit = env.json(&["audit", "article-date"]);
    let from_audit: Vec<&str> = audit["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert_eq!(from_audit.len(), 5);
    assert!(from_audit.iter().all(|id| ids.contains(id)));
    assert!(audit["flags"][0]["severity"] == "error");
}

#[test]
fn identical_messages_are_one_entry_with_each_flags_id_and_claims() {
    let env = ledger_with(TRIAGE);
    let flags = env.json(&["flags"]);
    let one = id_of(&flags, "anniversary-mismatch", "article-anniversary");
    let two = id_of(&flags, "anniversary-mismatch", "un-anniversary");
    let text = env.ok(&["flags"]);
    let header = "warning  anniversary-mismatch       S/RES/2774 · anniversary  (2 flags)\n";
    assert_eq!(
        text.matches("anniversary-mismatch       S/RES").count(),
        1,
        "{text}"
    );
    let at = text.find(header).unwrap_or_else(|| panic!("{text}"));
    let entry: Vec<&str> = text[at + header.len()..].lines().take(4).collect();
    assert!(
        entry[0].starts_with("    S/RES/2774: the 3rd anniversary"),
        "{entry:?}"
    );
    assert_eq!(
        &entry[1..],
        [
            format!("    [{one}] claims: article-anniversary, article-date"),
            format!("    [{two}] claims: article-date, un-anniversary"),
            "    sources: article, un".to_string(),
        ]
    );
    // The last line counts flags, not entries, per severity and per code.
    assert!(text.ends_with(
        "6 flags: 1 error, 3 warning, 2 info (2 anniversary-mismatch, 1 conflicting-values, 2 no-primary-source, 1 weekday-mismatch)\n"
    ), "{text}");
    // Errors come before warnings, warnings before info.
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}: {text}"));
    assert!(pos("error    conflicting-values") < pos("warning  anniversary-mismatch"));
    assert!(pos("warning  weekday-mismatch") < pos("info     no-primary-source"));
}

#[test]
fn exclude_and_min_severity_filter_and_bad_values_exit_2() {
    let env = ledger_with(TRIAGE);
    assert_eq!(
        listed(&env.json(&[
            "flags",
            "--min-severity",
            "warning",
            "--exclude",
            "anniversary-mismatch"
        ])),
        [
            flag("error", "conflicting-values", &["article-date", "un-date"]),
            flag("warning", "weekday-mismatch", &["article-date"]),
        ]
    );
    assert_eq!(
        listed(&env.json(&["flags", "--min-severity", "ERROR"])),
        [flag(
            "error",
            "conflicting-values",
            &["article-date", "un-date"]
        )]
    );
    assert_eq!(
        listed(&env.json(&[
            "flags",
            "--exclude",
            "no-primary-source",
            "--exclude",
            "anniversary-mismatch",
            "--subject",
            "S/RES/2774"
        ])),
        [
            flag("error", "conflicting-values", &["article-date", "un-date"]),
            flag("warning", "weekday-mismatch", &["article-date"]),
        ]
    );
    let (_, err) = env.fails(&["flags", "--min-severity", "fatal"], 2);
    assert!(
        err.contains("--min-severity fatal: no such severity (severities: error, warning, info)"),
        "{err}"
    );
    let (_, err) = env.fails(&["flags", "--exclude", "weekday"], 2);
    assert!(
        err.contains("--exclude weekday: no such flag code"),
        "{err}"
    );
    let (_, err) = env.fails(&["flags", "--fail-on", "warn"], 2);
    assert!(err.contains("--fail-on warn: no such severity"), "{err}");
}

#[test]
fn fail_on_exits_1_when_a_flag_at_or_above_the_severity_is_listed() {
    let env = ledger_with(TRIAGE);
    let out = env.run(&["flags", "--fail-on", "error"]).expect(1);
    assert!(out.stdout.contains("conflicting-values"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("error: 1 flag at or above severity error (--fail-on error)"),
        "{}",
        out.stderr
    );
    let out = env.run(&["flags", "--fail-on", "warning"]).expect(1);
    assert!(
        out.stderr.contains("4 flags at or above severity warning"),
        "{}",
        out.stderr
    );
    // JSON: stdout is still the flags array, alone.
    let out = env.run(&["--json", "flags", "--fail-on", "info"]).expect(1);
    assert_eq!(out.json().as_array().expect("array").len(), 6);
    // Below the floor, or filtered out: exit 0.
    env.run(&[
        "flags",
        "--exclude",
        "conflicting-values",
        "--fail-on",
        "error",
    ])
    .expect(0);
    env.run(&[
        "flags",
        "--code",
        "no-primary-source",
        "--fail-on",
        "warning",
    ])
    .expect(0);
    // A ledger with no flags passes any floor.
    let clean = TestEnv::new();
    clean.init();
    clean
        .run(&["flags", "--fail-on", "info"])
        .expect(0)
        .stdout_has("no flags");
}

// ---------------------------------------------------------------------------------------------
// dismissals

#[test]
fn a_dismissed_flag_is_hidden_shown_on_request_and_dismissed_as_of_its_time() {
    let env = ledger_with(TRIAGE);
    let flags = env.json(&["flags"]);
    let weekday = id_of(&flags, "weekday-mismatch", "article-date");
    let out = env.ok(&[
        "dismiss",
        &weekday,
        "--reason",
        "the article's weekday follows its wrong date; the date flag covers it",
    ]);
    assert!(
        out.starts_with(&format!(
            "dismissed flag {weekday} (weekday-mismatch S/RES/2774 · date): the article's weekday"
        )),
        "{out}"
    );
    // Recorded as an event.
    let log = env.run(&["--json", "log"]).expect(0).json_lines();
    let last = log.last().expect("an event");
    assert_eq!(last["type"], "dismissal", "{last}");

    let after = env.json(&["flags"]);
    assert_eq!(after.as_array().expect("array").len(), 5);
    assert!(after
        .as_array()
        .expect("array")
        .iter()
        .all(|f| f["id"] != weekday.as_str()));
    let text = env.ok(&["flags"]);
    assert!(
        text.ends_with("; 1 dismissed flag hidden (--dismissed shows it)\n"),
        "{text}"
    );
    // Dismissed flags never fail a --fail-on.
    env.run(&["flags", "--code", "weekday-mismatch", "--fail-on", "info"])
        .expect(0);

    let shown = env.json(&["flags", "--dismissed"]);
    let d: Vec<&Json> = shown
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["id"] == weekday.as_str())
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0]["dismissed"],
        json!({"seq": 7, "reason": "the article's weekday follows its wrong date; the date flag covers it"})
    );
    assert!(shown
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["id"] != weekday.as_str())
        .all(|f| f["dismissed"].is_null()));
    let text = env.ok(&["flags", "--dismissed"]);
    assert!(
        text.contains(&format!(
            "    [{weekday}] claims: article-date\n      dismissed at seq 7: the article's weekday"
        )),
        "{text}"
    );

    // As of seq 6 the dismissal had not happened.
    let before = env.json(&["flags", "--as-of", "6"]);
    assert_eq!(before.as_array().expect("array").len(), 6);
    // The projection holds the dismissal exactly as the log implies it.
    env.ok(&["verify"]);
    assert_eq!(env.json(&["replay"])["matches_stored"], true);
}

#[test]
fn a_dismissal_lapses_when_the_claims_involved_change() {
    let env = ledger_with(TRIAGE);
    let flags = env.json(&["flags"]);
    let conflict = id_of(&flags, "conflicting-values", "un-date");
    env.ok(&[
        "dismiss",
        &conflict,
        "--reason",
        "the UN record is right; the article is being corrected",
    ]);
    assert!(env
        .json(&["flags", "--code", "conflicting-values"])
        .as_array()
        .expect("array")
        .is_empty());
    // The article's correction still disagrees with the UN: a new claim, a new flag, shown again.
    let fix = env.write(
        "fix.jsonl",
        r#"{"type":"claim","id":"article-date-2","source":"article","subject":"S/RES/2774","predicate":"date","value":"2025-02-26","supersedes":"article-date"}
"#,
    );
    env.ok(&["import", fix.to_str().expect("path")]);
    let now = env.json(&["flags", "--code", "conflicting-values"]);
    assert_eq!(
        listed(&now),
        [flag(
            "error",
            "conflicting-values",
            &["article-date-2", "un-date"]
        )]
    );
    assert_ne!(now[0]["id"], conflict.as_str());
    assert_eq!(now[0]["dismissed"], Json::Null);
}

#[test]
fn dismiss_refuses_an_unknown_id_with_the_closest_an_empty_reason_and_a_second_reason() {
    let env = ledger_with(TRIAGE);
    let flags = env.json(&["flags"]);
    let id = id_of(&flags, "weekday-mismatch", "article-date");
    let mut typo = id.clone();
    typo.replace_range(15.., if id.ends_with('0') { "1" } else { "0" });
    let (_, err) = env.fails(&["dismiss", &typo, "--reason", "x"], 2);
    assert!(
        err.contains(&format!(
            "no flag with id '{typo}' in the ledger; did you mean '{id}'"
        )),
        "{err}"
    );
    assert!(err.contains("nothing was appended"), "{err}");
    let (_, err) = env.fails(&["dismiss", &id, "--reason", "  "], 2);
    assert!(err.contains("'reason' must not be empty"), "{err}");
    env.ok(&["dismiss", &id, "--reason", "covered by the date flag"]);
    // The same reason again changes nothing; another reason is refused.
    let again = env.json(&["dismiss", &id, "--reason", "covered by the date flag"]);
    assert_eq!(
        (again["appended"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(again["flag"]["id"], id.as_str());
    let (_, err) = env.fails(&["dismiss", &id, "--reason", "another"], 2);
    assert!(
        err.contains(&format!(
            "flag '{id}' was already dismissed at seq 7: covered by the date flag"
        )),
        "{err}"
    );
    // Nothing else was appended.
    assert_eq!(env.run(&["--json", "log"]).expect(0).json_lines().len(), 7);
}

#[test]
fn an_import_line_dismisses_a_flag_and_is_checked_like_the_command() {
    let env = ledger_with(TRIAGE);
    let flags = env.json(&["flags"]);
    let id = id_of(&flags, "no-primary-source", "article-anniversary");
    let bad = env.write(
        "bad.jsonl",
        format!(
            "{{\"type\":\"dismissal\",\"flag\":\"{id}\",\"reason\":\"ok\"}}\n{{\"type\":\"dismissal\",\"flag\":\"0000000000000000\",\"reason\":\"typo\"}}\n"
        ),
    );
    let (_, err) = env.fails(&["import", bad.to_str().expect("path")], 2);
    assert!(
        err.contains("bad.jsonl:2: no flag with id '0000000000000000' in the ledger; did you mean"),
        "{err}"
    );
    let (_, err) = env.fails(
        &[
            "import",
            env.write(
                "f.jsonl",
                r#"{"type":"dismissal","flag":"ab","reason":"r","why":1}"#,
            )
            .to_str()
            .expect("path"),
        ],
        2,
    );
    assert!(err.contains("why"), "{err}");
    let good = env.write(
        "good.jsonl",
        format!("{{\"type\":\"dismissal\",\"flag\":\"{id}\",\"reason\":\"the UN record states it too\"}}\n"),
    );
    env.ok(&["import", good.to_str().expect("path")]);
    let shown = env.json(&["flags", "--dismissed", "--code", "no-primary-source"]);
    let d: Vec<&Json> = shown
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| !f["dismissed"].is_null())
        .collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["id"], id.as_str());
    assert_eq!(d[0]["dismissed"]["reason"], "the UN record states it too");
    // Importing the same file again changes nothing.
    let again = env.json(&["import", good.to_str().expect("path")]);
    assert_eq!(
        (again["appended"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn audit_marks_a_dismissed_flag_with_its_reason() {
    let env = ledger_with(WIRE_AND_RECORD);
    let a = env.json(&["audit", "wire-date"]);
    let id = a["flags"][0]["id"].as_str().expect("id").to_string();
    assert_eq!(a["flags"][0]["dismissed"], Json::Null);
    env.ok(&["dismiss", &id, "--reason", "the wire is being corrected"]);
    let a = env.json(&["audit", "wire-date"]);
    assert_eq!(
        a["flags"][0]["dismissed"]["reason"],
        "the wire is being corrected"
    );
    let text = env.ok(&["audit", "wire-date"]);
    assert!(
        text.contains(&format!(
            "  error    conflicting-values [{id}]: S/RES/2774 date: sources disagree"
        )),
        "{text}"
    );
    assert!(
        text.contains("    dismissed at seq 8: the wire is being corrected\n"),
        "{text}"
    );
}
