//! Words a fact-checker reads (issue 13 items 11 and 12): `retract` and `show` speak of claims
//! and sources, JSON problems carry no line 0, tables stay aligned, and every command's help has
//! an example and keeps global options apart. Every test drives the real binary.

mod common;

use common::TestEnv;
use serde_json::{json, Value as Json};

fn jsonl(lines: &[Json]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A ledger with a primary record, a secondary article and three claims on S/RES/2774.
fn desk() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let f = env.write(
        "in.jsonl",
        jsonl(&[
            json!({"type":"source","id":"un","kind":"primary","publisher":"United Nations","title":"Voting record"}),
            json!({"type":"source","id":"paper","publisher":"The Daily","title":"Council splits"}),
            json!({"type":"claim","id":"un-date","source":"un","subject":"S/RES/2774","predicate":"date","value":"24 February 2025"}),
            json!({"type":"claim","id":"paper-date","source":"paper","subject":"S/RES/2774","predicate":"date","value":"Monday, February 25, 2025"}),
            json!({"type":"claim","id":"un-dprk","source":"un","subject":"S/RES/2774","predicate":"vote:North Korea","value":"no"}),
            json!({"type":"claim","id":"un-china","source":"un","subject":"S/RES/2774","predicate":"vote:China","value":"yes"}),
        ]),
    );
    env.run(&["import".as_ref(), f.as_os_str()]).expect(0);
    env
}

#[test]
fn retract_says_what_it_retracted() {
    let env = desk();
    env.run(&["retract", "paper-date", "--reason", "misread the dateline"])
        .expect(0)
        .stdout_has("retracted claim 'paper-date' (S/RES/2774 date = 2025-02-25 ('Monday, February 25, 2025'), from source 'paper'): misread the dateline\n");
    env.run(&["retract", "paper-date", "--reason", "misread the dateline"])
        .expect(0)
        .stdout_has("claim 'paper-date' (")
        .stdout_has("was already retracted for this reason: misread the dateline");
    let v = env.json(&["retract", "paper", "--reason", "withdrawn"]);
    assert_eq!(
        v["retracted"],
        json!({"kind":"source","id":"paper","publisher":"The Daily","title":"Council splits"})
    );
    assert_eq!(
        (v["appended"].clone(), v["reason"].clone()),
        (json!(1), json!("withdrawn"))
    );
}

#[test]
fn show_leads_with_the_claim_its_status_flags_and_source() {
    let env = desk();
    let text = env.ok(&["show", "paper-date"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "claim paper-date: S/RES/2774 · date = 2025-02-25 ('Monday, February 25, 2025')"
    );
    assert_eq!(lines[1], "  status    live");
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no line starting {needle:?} in\n{text}"))
    };
    assert!(text.contains("  flag      weekday-mismatch: "), "{text}");
    assert!(text.contains("  flag      conflicting-values: "), "{text}");
    assert_eq!(
        lines[at("  source")],
        "  source    paper \u{201c}Council splits\u{201d} (secondary, The Daily)"
    );
    assert!(at("  flag") < at("  source") && at("  source") < at("  recorded"));
    assert!(at("  recorded") < at("  hash") && at("  event") < at("  hash"));
    // The JSON carries the status and the flags naming the claim.
    let v = env.json(&["show", "paper-date"]);
    assert_eq!(v["status"], json!("live"));
    let codes: Vec<&str> = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"weekday-mismatch"), "{v}");
    // Retracted: the status says so, and no flag names a claim that is not live.
    env.run(&["retract", "paper-date", "--reason", "misread"])
        .expect(0);
    let text = env.ok(&["show", "paper-date"]);
    assert!(
        text.contains("  status    RETRACTED at seq 7: misread\n  flags     none\n"),
        "{text}"
    );
    // A source leads with its title and kind.
    let text = env.ok(&["show", "un"]);
    assert!(
        text.starts_with(
            "source un \u{201c}Voting record\u{201d} (primary, United Nations)\n  status    live\n"
        ),
        "{text}"
    );
}

#[test]
fn json_problems_never_carry_line_zero() {
    let env = desk();
    let out = env.run(&[
        "--json",
        "add",
        "claim",
        "--id",
        "x",
        "--source",
        "nowhere",
        "--subject",
        "S/RES/2774",
        "--predicate",
        "date",
        "--value",
        "2025-02-24",
    ]);
    out.expect(2);
    let v = out.json();
    let problem = &v["problems"][0];
    assert!(problem.get("line").is_none(), "{v}");
    assert_eq!(problem["file"], json!("<arguments>"));
    // An import's problems keep their lines.
    let f = env.write("bad.jsonl", "{\"type\":\"sauce\"}\n");
    let v = env
        .run(&["--json".as_ref(), "import".as_ref(), f.as_os_str()])
        .expect(2)
        .json();
    assert_eq!(v["problems"][0]["line"], json!(1));
}

#[test]
fn facts_columns_stay_aligned_for_long_member_names() {
    let env = desk();
    let text = env.ok(&["facts", "--subject", "S/RES/2774"]);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("  ")).collect();
    let column = |row: &str, value: &str| {
        row.find(value)
            .unwrap_or_else(|| panic!("{value:?} not in {row:?}\n{text}"))
    };
    let china = rows.iter().find(|r| r.contains("vote:China")).unwrap();
    let dprk = rows
        .iter()
        .find(|r| r.contains("vote:Democratic People's Republic of Korea"))
        .unwrap();
    assert_eq!(column(china, "yes ["), column(dprk, "no ["), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Item 12: help

/// `factledger ARGS --help`, run without a ledger.
fn help(args: &[&str]) -> String {
    let env = TestEnv::new();
    let mut c = env.bare();
    c.args(args).arg("--help");
    common::Out::of(c).expect(0).stdout
}

#[test]
fn every_command_help_has_examples_and_global_options_apart() {
    for args in [
        &["init"][..],
        &["import"],
        &["add", "claim"],
        &["add", "source"],
        &["retract"],
        &["log"],
        &["show"],
        &["verify"],
        &["facts"],
        &["flags"],
        &["replay"],
        &["sources"],
        &["audit"],
        &["graph"],
        &["key", "generate"],
        &["key", "list"],
        &["authors", "add"],
        &["authors", "revoke"],
        &["authors", "list"],
        &["checkpoint"],
        &["prove"],
        &["verify-proof"],
        &["export"],
        &["evidence"],
        &["demo"],
    ] {
        let text = help(args);
        let path = args.join(" ");
        assert!(
            text.contains(&format!("Examples:\n  factledger {path}")),
            "{path}: {text}"
        );
        let (own, global) = text
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{path}: no global options heading: {text}"));
        assert!(global.contains("--json"), "{path}: {text}");
        assert!(
            !own.contains("--json "),
            "{path}: --json among the command's own: {text}"
        );
    }
}

#[test]
fn flags_help_lists_every_code() {
    let text = help(&["flags"]);
    for code in factledger::flags::FlagCode::all() {
        assert!(
            text.contains(&format!("  {:<26} {}", code.as_str(), code.rule().summary)),
            "{code}: {text}"
        );
    }
}

#[test]
fn commands_without_a_ledger_do_not_offer_ledger() {
    for args in [
        &["verify-proof"][..],
        &["key", "generate"],
        &["key", "list"],
        &["demo"],
    ] {
        let text = help(args);
        assert!(!text.contains("--ledger"), "{args:?}: {text}");
    }
    assert!(help(&["log"]).contains("--ledger <DIR>"));
    let env = TestEnv::new();
    let mut c = env.bare();
    c.args(["verify-proof", "--ledger", "x", "proof.json"]);
    common::Out::of(c)
        .expect(2)
        .stderr_has("`factledger verify-proof` uses no ledger; --ledger is not one of its options");
    let mut c = env.bare();
    c.args(["--ledger", "x", "key", "list"]);
    common::Out::of(c)
        .expect(2)
        .stderr_has("`factledger key list` uses no ledger");
}
