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

// --- item 2: subjects and aliases -------------------------------------------------------------

fn fact_subjects(facts: &Json) -> Vec<(String, String, Vec<String>)> {
    facts
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().expect("subject").to_string(),
                f["status"].as_str().expect("status").to_string(),
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

fn two_names() -> TestEnv {
    desk(&[
        json!({"type":"claim","id":"un-date","source":"un-record","subject":"S/RES/2774","predicate":"date","value":"2025-02-24"}),
        json!({"type":"claim","id":"wire-date","source":"wire","subject":"UNSC resolution 2774","predicate":"date","value":"2025-02-25"}),
        json!({"type":"claim","id":"wire-spaced","source":"wire","subject":"  s/res/2774 ","predicate":"outcome","value":"adopted"}),
    ])
}

#[test]
fn claims_filed_under_an_alias_meet_the_subjects_claims() {
    let env = two_names();
    // Before the alias: two subjects (case and spacing already meet), no conflict.
    let before = fact_subjects(&env.json(&["facts"]));
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(env
        .json(&["flags", "--code", "conflicting-values"])
        .as_array()
        .expect("array")
        .is_empty());

    let out = env.ok(&["subject", "alias", "UNSC resolution 2774", "S/RES/2774"]);
    assert!(out.contains("1 appended"), "{out}");
    // Again: nothing new.
    let again = env.json(&["subject", "alias", "unsc  resolution 2774", "s/res/2774"]);
    assert_eq!(again["appended"], 0);

    let facts = fact_subjects(&env.json(&["facts"]));
    assert_eq!(
        facts,
        [
            (
                "S/RES/2774".to_string(),
                "conflicting".to_string(),
                vec!["un-date".to_string(), "wire-date".to_string()]
            ),
            (
                "S/RES/2774".to_string(),
                "consistent".to_string(),
                vec!["wire-spaced".to_string()]
            ),
        ]
    );
    // Any name finds the same facts.
    for name in ["unsc resolution 2774", "S/RES/2774", "s/res/2774"] {
        assert_eq!(
            fact_subjects(&env.json(&["facts", "--subject", name])),
            facts,
            "{name}"
        );
    }
    let flags = env.json(&[
        "flags",
        "--subject",
        "UNSC Resolution 2774",
        "--code",
        "conflicting-values",
    ]);
    assert_eq!(
        codes(&flags),
        [(
            "conflicting-values".to_string(),
            vec!["un-date".to_string(), "wire-date".to_string()]
        )]
    );
    assert_eq!(flags[0]["subject"], "S/RES/2774");
    // Every flag of the whole ledger, provenance flags too, is under the subject's name.
    let all = env.json(&["flags"]);
    assert!(!all.as_array().expect("array").is_empty());
    for f in all.as_array().expect("array") {
        if f["claims"].as_array().is_some_and(|c| !c.is_empty()) {
            assert_eq!(f["subject"], "S/RES/2774", "{f}");
        }
    }

    let subjects = env.json(&["subjects"]);
    assert_eq!(subjects.as_array().expect("array").len(), 1, "{subjects}");
    assert_eq!(subjects[0]["subject"], "S/RES/2774");
    assert_eq!(subjects[0]["aliases"], json!(["UNSC resolution 2774"]));
    assert_eq!(subjects[0]["claims"], 3);
    // Subjects are stored whitespace-collapsed.
    assert_eq!(
        subjects[0]["spellings"],
        json!(["UNSC resolution 2774", "s/res/2774"])
    );
    let flag_count = env
        .json(&["flags", "--subject", "S/RES/2774"])
        .as_array()
        .expect("array")
        .len();
    assert_eq!(subjects[0]["flags"], flag_count);
    let text = env.ok(&["subjects"]);
    assert!(text.contains("aliases: 'UNSC resolution 2774'"), "{text}");
}

#[test]
fn an_alias_line_imports_and_a_bad_alias_is_refused() {
    let env = two_names();
    env.write(
        "alias.jsonl",
        lines(&[json!({"type":"alias","alias":"UNSC resolution 2774","subject":"S/RES/2774"})]),
    );
    env.run(&["import", "alias.jsonl"]).expect(0);
    let log = env.run(&["--json", "log"]).expect(0).json_lines();
    let last = log.last().expect("an event");
    assert_eq!(last["type"], "alias");
    // Re-importing appends nothing.
    assert_eq!(env.json(&["import", "alias.jsonl"])["appended"], 0);

    let (_, err) = env.fails(&["subject", "alias", "S/RES/2774 ", "s/res/2774"], 2);
    assert!(
        err.contains("names differing only in case or spacing already meet"),
        "{err}"
    );
    let (_, err) = env.fails(
        &["subject", "alias", "UNSC resolution 2774", "A/RES/ES-11/7"],
        2,
    );
    assert!(err.contains("already names subject 'S/RES/2774'"), "{err}");
    let (_, err) = env.fails(
        &["subject", "alias", "S/RES/2774", "UNSC resolution 2774"],
        2,
    );
    assert!(err.contains("would make a loop"), "{err}");
}

#[test]
fn a_subject_filter_that_matches_nothing_is_an_error_naming_the_closest() {
    let env = two_names();
    for args in [
        vec!["flags", "--subject", "S/RES/2775"],
        vec!["facts", "--subject", "S/RES/2775"],
        vec!["graph", "--subject", "S/RES/2775"],
    ] {
        let (out, err) = env.fails(&args, 2);
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(
            err.contains("no subject 'S/RES/2775' in the ledger"),
            "{args:?}: {err}"
        );
        assert!(err.contains("closest: 'S/RES/2774'"), "{args:?}: {err}");
    }
    // Case and spacing are not a miss.
    let found = fact_subjects(&env.json(&["facts", "--subject", "s/res/2774"]));
    assert_eq!(found.len(), 2, "{found:?}");
    // A source id is still a subject for citation flags.
    env.run(&["flags", "--subject", "wire"]).expect(0);
}

// --- item 6: source versions ------------------------------------------------------------------

const ARTICLE_V2: &str = "Wire, 25 February 2025 (updated)\n\nThe Security Council met on 24 February.\nIt adopted resolution 2774 by 10 votes to none,\nwith 5 abstentions.\n";

#[test]
fn words_a_new_version_drops_are_flagged_source_edited_and_both_versions_stay() {
    let env = desk(&[
        json!({"type":"claim","id":"c-day","source":"wire","subject":"S/RES/2774","predicate":"weekday","value":"Monday","excerpt":"met on Monday"}),
        json!({"type":"claim","id":"c-votes","source":"wire","subject":"S/RES/2774","predicate":"outcome","value":"adopted","excerpt":"by 10 votes to none"}),
        json!({"type":"claim","id":"c-quote","source":"wire","subject":"S/RES/2774","predicate":"quote","value":{"speaker":"Wire","text":"The Security Council met on Monday"}}),
    ]);
    assert!(env
        .json(&["flags", "--code", "source-edited"])
        .as_array()
        .expect("array")
        .is_empty());
    env.write("wire-v2.txt", ARTICLE_V2);
    let out = env.ok(&[
        "source",
        "revise",
        "wire",
        "--text-file",
        "wire-v2.txt",
        "--note",
        "weekday removed",
    ]);
    assert!(out.contains("1 appended"), "{out}");
    // The same version again appends nothing.
    assert_eq!(
        env.json(&[
            "source",
            "revise",
            "wire",
            "--text-file",
            "wire-v2.txt",
            "--note",
            "weekday removed"
        ])["appended"],
        0
    );

    let flags = env.json(&["flags", "--subject", "S/RES/2774"]);
    let found = codes(&flags);
    assert!(
        found.contains(&("source-edited".to_string(), vec!["c-day".to_string()])),
        "{found:?}"
    );
    assert!(
        found.contains(&("source-edited".to_string(), vec!["c-quote".to_string()])),
        "{found:?}"
    );
    // Words still there raise nothing; words that were there are an edit, not a misquote.
    assert!(
        !found
            .iter()
            .any(|(_, claims)| claims == &["c-votes".to_string()]),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(code, _)| code == "excerpt-not-in-source" || code == "quote-not-in-source"),
        "{found:?}"
    );

    // Both versions are in the log, each with its text.
    let log = env.run(&["--json", "log"]).expect(0).json_lines();
    let kinds: Vec<&str> = log
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "source-version").count(),
        1,
        "{kinds:?}"
    );
    let (code, _) = (env.run(&["verify"]).code, ());
    assert_eq!(code, 0);
    // The current text is the new version's.
    let shown = env.json(&["show", "wire", "--text"]);
    assert_eq!(shown["text"], ARTICLE_V2);
    assert_eq!(shown["versions"].as_array().expect("versions").len(), 1);
    assert_eq!(env.json(&["show", "c-votes"])["excerpt_line"], 4);

    // A bundle carries the new version's text: restored elsewhere, it verifies and flags alike.
    env.run(&["export", "--bundle", "b.jsonl"]).expect(0);
    let restored = env.p("restored");
    let on_restored = |args: &[&str]| {
        let mut c = env.bare();
        c.arg("--ledger").arg(&restored).args(args);
        common::Out::of(c).expect(0)
    };
    on_restored(&["init"]);
    on_restored(&["import", "--bundle", "b.jsonl"]);
    on_restored(&["verify"]);
    let again = on_restored(&["--json", "flags", "--subject", "S/RES/2774"]).json();
    assert_eq!(codes(&again), found);
}

#[test]
fn a_source_version_line_imports_and_a_changed_source_line_says_how_to_record_it() {
    let env = desk(&[]);
    env.write(
        "v2.jsonl",
        lines(&[
            json!({"type":"source-version","source":"wire","text":ARTICLE_V2,"note":"updated"}),
        ]),
    );
    env.run(&["import", "v2.jsonl"]).expect(0);
    assert_eq!(env.json(&["import", "v2.jsonl"])["appended"], 0);
    env.write(
        "again.jsonl",
        lines(&[json!({"type":"source","id":"wire","published":"2025-02-25","cites":["un-record"],"text":"something else"})]),
    );
    let (_, err) = env.fails(&["import", "again.jsonl"], 2);
    assert!(
        err.contains("source 'wire' already exists at seq 2 with a different archived text"),
        "{err}"
    );
    assert!(
        err.contains(r#"{"type":"source-version","source":"wire""#),
        "{err}"
    );
    assert!(
        err.contains("factledger source revise wire --text-file FILE"),
        "{err}"
    );
    env.write(
        "bad.jsonl",
        lines(&[json!({"type":"source-version","source":"nowhere","text":"x"})]),
    );
    let (_, err) = env.fails(&["import", "bad.jsonl"], 2);
    assert!(
        err.contains("source-version names source 'nowhere', which is not in the ledger"),
        "{err}"
    );
    env.write(
        "notext.jsonl",
        lines(&[json!({"type":"source-version","source":"wire"})]),
    );
    let (_, err) = env.fails(&["import", "notext.jsonl"], 2);
    assert!(err.contains("missing required field 'text'"), "{err}");
}

// --- item 7: a publisher's withdrawal and the desk's retraction --------------------------------

fn withdrawn_flags(flags: &Json) -> Vec<(String, bool)> {
    flags
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code").to_string(),
                f["source_withdrawn"].as_bool().expect("source_withdrawn"),
            )
        })
        .collect()
}

fn conflicting() -> TestEnv {
    desk(&[
        json!({"type":"claim","id":"un-date","source":"un-record","subject":"S/RES/2774","predicate":"date","value":"2025-02-24"}),
        json!({"type":"claim","id":"wire-date","source":"wire","subject":"S/RES/2774","predicate":"date","value":"2025-02-25"}),
    ])
}

#[test]
fn a_publishers_withdrawal_keeps_claims_and_flags_visible_and_marked() {
    let env = conflicting();
    let before = env.json(&["flags"]);
    let out = env.ok(&[
        "withdraw",
        "wire",
        "--reason",
        "publisher took the article down",
    ]);
    assert!(out.contains("1 appended"), "{out}");
    assert_eq!(
        env.json(&[
            "withdraw",
            "wire",
            "--reason",
            "publisher took the article down"
        ])["appended"],
        0
    );
    let (_, err) = env.fails(&["withdraw", "wire", "--reason", "another reason"], 2);
    assert!(
        err.contains("source 'wire' was already withdrawn at seq"),
        "{err}"
    );

    // Every flag is still there; those resting on the wire are marked.
    let after = env.json(&["flags"]);
    assert_eq!(codes(&after), codes(&before));
    let conflict = after
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["code"] == "conflicting-values")
        .expect("the conflict stands");
    assert_eq!(conflict["source_withdrawn"], true);
    assert_eq!(conflict["withdrawn_sources"], json!(["wire"]));
    assert!(withdrawn_flags(&before).iter().all(|(_, w)| !w));
    assert!(env
        .ok(&["flags"])
        .contains("rests on a source its publisher withdrew: wire"));

    let facts = env.json(&["facts", "--subject", "S/RES/2774"]);
    assert_eq!(facts[0]["status"], "conflicting");
    assert_eq!(facts[0]["source_withdrawn"], true);
    assert_eq!(facts[0]["claims"], json!(["un-date", "wire-date"]));
    let claim = env.json(&["show", "wire-date"]);
    assert_eq!(claim["source_withdrawn"], true);
    assert_eq!(
        claim["withdrawal_reason"],
        "publisher took the article down"
    );
    assert!(env
        .ok(&["show", "wire-date"])
        .contains("WITHDRAWN: its source wire was withdrawn by its publisher"));
    assert_eq!(env.json(&["show", "un-date"])["source_withdrawn"], false);
    let audit = env.json(&["audit", "wire-date"]);
    assert_eq!(audit["source_withdrawn"], true);
    assert_eq!(audit["withdrawn_sources"][0]["id"], "wire");
    assert_eq!(audit["claim_status"], "live");
    let sources = env.json(&["sources"]);
    let wire = sources
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["id"] == "wire")
        .expect("wire");
    assert_eq!(
        (
            wire["withdrawn"].clone(),
            wire["retracted"].clone(),
            wire["live_claims"].clone()
        ),
        (json!(true), json!(false), json!(1))
    );
}

#[test]
fn the_desks_retraction_of_a_source_takes_its_claims_out_of_the_live_state() {
    let env = conflicting();
    env.write(
        "w.jsonl",
        lines(&[json!({"type":"withdrawal","source":"wire","reason":"taken down"})]),
    );
    env.run(&["import", "w.jsonl"]).expect(0);
    assert!(!env
        .json(&["flags", "--code", "conflicting-values"])
        .as_array()
        .expect("array")
        .is_empty());
    env.run(&["retract", "wire", "--reason", "entered by mistake"])
        .expect(0);
    assert!(env
        .json(&["flags", "--code", "conflicting-values"])
        .as_array()
        .expect("array")
        .is_empty());
    let facts = env.json(&["facts", "--subject", "S/RES/2774"]);
    assert_eq!(facts[0]["claims"], json!(["un-date"]));
    assert_eq!(
        facts[0]["inactive_claims"],
        json!([{"id":"wire-date","status":"source-retracted"}])
    );
    env.write(
        "w2.jsonl",
        lines(&[json!({"type":"withdrawal","source":"un-date","reason":"x"})]),
    );
    let (_, err) = env.fails(&["import", "w2.jsonl"], 2);
    assert!(err.contains("is a claim, not a source"), "{err}");
}

// --- item 10: time ----------------------------------------------------------------------------

#[test]
fn every_read_command_takes_as_of_with_a_plain_date_and_says_when_the_ledger_was_empty() {
    let env = conflicting();
    env.run(&["retract", "wire-date", "--reason", "misread"])
        .expect(0);
    let day = &common::NOW[..10];
    let before = "2000-01-01";
    for cmd in [
        vec!["facts"],
        vec!["flags"],
        vec!["sources"],
        vec!["graph"],
        vec!["subjects"],
        vec!["log"],
        vec!["audit", "un-date"],
        vec!["show", "un-date"],
    ] {
        let mut args = cmd.clone();
        args.extend(["--as-of", before]);
        let text = env.ok(&args);
        assert!(
            text.starts_with(&format!("the ledger was empty as of {before}T23:59:59.999999Z: its first event was recorded at")),
            "{cmd:?}: {text}"
        );
        let mut json = vec!["--json"];
        json.extend(&args);
        let out = env.run(&json).expect(0);
        assert!(
            out.stderr.contains("note: the ledger was empty as of"),
            "{cmd:?}: {}",
            out.stderr
        );
        let empty = out.stdout.trim();
        assert!(
            [
                "[]",
                "null",
                "",
                r#"{"citations":[],"claims":[],"sources":[]}"#
            ]
            .contains(&empty),
            "{cmd:?}: {empty}"
        );
        // The day the events were recorded holds them all.
        let mut args = cmd.clone();
        args.extend(["--as-of", day]);
        let text = env.ok(&args);
        assert!(!text.contains("the ledger was empty"), "{cmd:?}: {text}");
    }
    // Seq 4 is before the retraction: the claim is live then, and the log stops there.
    let log = env
        .run(&["--json", "log", "--as-of", "4"])
        .expect(0)
        .json_lines();
    assert_eq!(log.len(), 4);
    assert_eq!(
        env.json(&["show", "wire-date", "--as-of", "4"])["retracted_by"],
        Json::Null
    );
    assert_eq!(env.json(&["show", "wire-date"])["retracted_by"], 5);
    assert_eq!(
        env.json(&["audit", "wire-date", "--as-of", "4"])["claim_status"],
        "live"
    );
    assert_eq!(
        env.json(&["audit", "wire-date"])["claim_status"],
        "retracted"
    );
    let wire = |v: Json| {
        v.as_array()
            .expect("array")
            .iter()
            .find(|s| s["id"] == "wire")
            .expect("wire")["live_claims"]
            .clone()
    };
    assert_eq!(wire(env.json(&["sources", "--as-of", "4"])), 1);
    assert_eq!(wire(env.json(&["sources"])), 0);
    assert_eq!(
        env.json(&["graph", "--as-of", "3"])["claims"]
            .as_array()
            .expect("claims")
            .len(),
        1
    );
    let (_, err) = env.fails(&["show", "wire-date", "--as-of", "3"], 2);
    assert!(
        err.contains("'wire-date' was recorded at seq 4, after --as-of (seq 3)"),
        "{err}"
    );
    let (_, err) = env.fails(&["sources", "--as-of", "2025-13-01"], 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn published_by_keeps_only_claims_from_sources_out_by_then() {
    let env = conflicting();
    let now = env.json(&["facts", "--subject", "S/RES/2774"]);
    assert_eq!(now[0]["status"], "conflicting");
    let then = env.json(&[
        "facts",
        "--subject",
        "S/RES/2774",
        "--published-by",
        "2025-02-24",
    ]);
    assert_eq!(then[0]["status"], "consistent");
    assert_eq!(then[0]["claims"], json!(["un-date"]));
    assert!(env
        .json(&[
            "flags",
            "--code",
            "conflicting-values",
            "--published-by",
            "2025-02-24"
        ])
        .as_array()
        .expect("array")
        .is_empty());
    assert_eq!(
        env.json(&[
            "flags",
            "--code",
            "conflicting-values",
            "--published-by",
            "2025-02-25"
        ])
        .as_array()
        .expect("array")
        .len(),
        1
    );
    // Before any source was published, nothing was said.
    assert_eq!(
        env.json(&["facts", "--published-by", "2025-02-23"]),
        json!([])
    );
    let (_, err) = env.fails(&["facts", "--published-by", "someday"], 2);
    assert!(err.contains("--published-by 'someday'"), "{err}");
}

// --- the demo shows the desk's model ----------------------------------------------------------

#[test]
fn the_demo_shows_an_alias_an_excerpt_check_and_a_publishers_withdrawal() {
    let env = TestEnv::new();
    let mut c = env.bare();
    c.arg("demo");
    let out = common::Out::of(c).expect(0);
    out.stdout_has("== The desk's model: an alias, an excerpt check, a publisher's withdrawal ==")
        .stdout_has("'UNSC resolution 2774' is recorded as an alias of S/RES/2774")
        .stdout_has("article-sc-day's excerpt is not in the archived text of article-us-aligns: “Tuesday, February 25”")
        .stdout_has("rests on a source its publisher withdrew: daily-fixture-ga");
    let mut c = env.bare();
    c.args(["--json", "demo"]);
    let v = common::Out::of(c).expect(0).json();
    let sc = v["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .find(|s| s["subject"] == "S/RES/2774")
        .expect("S/RES/2774");
    assert_eq!(sc["aliases"], json!(["UNSC resolution 2774"]));
    let flags = v["flags"].as_array().expect("flags");
    assert!(flags
        .iter()
        .any(|f| f["code"] == "excerpt-not-in-source" && f["claims"] == json!(["article-sc-day"])));
    assert!(flags
        .iter()
        .any(|f| f["withdrawn_sources"] == json!(["daily-fixture-ga"])));
    // The claim filed under the alias meets the subject's date conflict.
    let date = v["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .find(|f| f["subject"] == "S/RES/2774" && f["predicate"] == "date")
        .expect("date");
    assert!(date["claims"]
        .as_array()
        .expect("claims")
        .contains(&json!("article-sc-day")));
}
