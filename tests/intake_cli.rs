//! Entering claims without silent mistakes (issue 13 items 1, 3, 4, 13): near-miss predicates
//! and unknown members refused with `did you mean`, reporter-written values, one pass over every
//! problem of an import, case rules, file-shape hints, generated claim ids and default authors.
//! Every test drives the real binary in a temporary directory.

mod common;

use common::TestEnv;
use serde_json::{json, Value as Json};

/// Lines of a JSON Lines file.
fn jsonl(lines: &[Json]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn source(id: &str) -> Json {
    json!({"type":"source","id":id,"kind":"primary","title":"Voting record"})
}

fn claim(id: &str, source: &str, predicate: &str, value: Json) -> Json {
    json!({"type":"claim","id":id,"source":source,"subject":"S/RES/2774","predicate":predicate,"value":value})
}

/// A ledger holding one primary source `un` and nothing else.
fn with_source() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let f = env.write("s.jsonl", jsonl(&[source("un")]));
    env.run(&["import".as_ref(), f.as_os_str()]).expect(0);
    env
}

fn import(env: &TestEnv, name: &str, lines: &[Json]) -> common::Out {
    let f = env.write(name, jsonl(lines));
    env.run(&["import".as_ref(), f.as_os_str()])
}

fn import_json(env: &TestEnv, name: &str, lines: &[Json]) -> common::Out {
    let f = env.write(name, jsonl(lines));
    env.run(&["--json".as_ref(), "import".as_ref(), f.as_os_str()])
}

fn head_seq(env: &TestEnv) -> u64 {
    env.json(&["verify"])["head"]["seq"]
        .as_u64()
        .expect("verify --json names the head")
}

// ---------------------------------------------------------------------------------------------
// Item 4: every problem in one pass

#[test]
fn line_and_ledger_problems_are_reported_together() {
    let env = with_source();
    let before = head_seq(&env);
    let out = import_json(
        &env,
        "mixed.jsonl",
        &[
            claim("c1", "nowhere", "outcome", json!("adopted")),
            json!({"type":"claim","id":"c2"}),
            claim("c3", "un", "outcome", json!("adopted")),
            claim("c3", "un", "outcome", json!("vetoed")),
        ],
    );
    out.expect(2);
    let v = out.json();
    let lines: Vec<u64> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 4], "{v}");
    let messages = v["problems"].to_string();
    assert!(messages.contains("names source 'nowhere'"), "{messages}");
    assert!(messages.contains("missing required field"), "{messages}");
    assert!(
        messages.contains("id 'c3' already exists at line 3"),
        "{messages}"
    );
    assert_eq!(head_seq(&env), before, "nothing appended");
}

#[test]
fn a_claim_naming_a_refused_source_line_is_not_a_second_problem() {
    let env = TestEnv::new();
    env.init();
    let out = import(
        &env,
        "cascade.jsonl",
        &[
            json!({"type":"source","id":"un","kind":"primry"}),
            claim("c1", "un", "outcome", json!("adopted")),
        ],
    );
    out.expect(2);
    out.stderr_has("cascade.jsonl:1: source field 'kind'");
    assert!(!out.stderr.contains("cascade.jsonl:2"), "{}", out.stderr);
}

#[test]
fn every_unknown_field_of_a_line_is_named_with_a_suggestion() {
    let env = with_source();
    let out = import(
        &env,
        "fields.jsonl",
        &[
            json!({"type":"claim","id":"c1","source":"un","subjet":"S/RES/2774","predicate":"outcome","vlaue":"adopted","colour":"red"}),
        ],
    );
    out.expect(2);
    out.stderr_has("claim record has unknown fields")
        .stderr_has("'subjet' (did you mean 'subject'?)")
        .stderr_has("'vlaue' (did you mean 'value'?)")
        .stderr_has("'colour'");
    assert!(
        !out.stderr.contains("'colour' (did you mean"),
        "{}",
        out.stderr
    );
}

#[test]
fn record_types_and_source_kinds_are_read_in_any_case() {
    let env = TestEnv::new();
    env.init();
    import(
        &env,
        "case.jsonl",
        &[
            json!({"type":"Source","id":"un","kind":"Primary"}),
            json!({"type":"CLAIM","id":"c1","source":"un","subject":"S/RES/2774","predicate":"Outcome","value":"adopted"}),
        ],
    )
    .expect(0);
    let show = env.json(&["show", "un"]);
    assert!(show.to_string().contains("\"primary\""), "{show}");
    env.run(&["add", "source", "--id", "wire", "--kind", "SECONDARY"])
        .expect(0);
    // A misspelt type is still refused, with the nearest type.
    import(&env, "bad.jsonl", &[json!({"type":"claims","id":"c9"})])
        .expect(2)
        .stderr_has("unknown record type 'claims' (expected source, claim or retract); did you mean 'claim'?");
}

#[test]
fn a_json_array_or_pretty_printed_json_says_one_object_per_line() {
    let env = TestEnv::new();
    env.init();
    let array = format!("[{},{}]\n", source("a"), source("b"));
    let f = env.write("array.json", array);
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.expect(2)
        .stderr_has("array.json:1: the input is a JSON array")
        .stderr_has("one complete JSON object per line");
    let pretty = serde_json::to_string_pretty(&source("a")).unwrap() + "\n";
    let f = env.write("pretty.json", pretty);
    let out = env.run(&["import".as_ref(), f.as_os_str()]);
    out.expect(2)
        .stderr_has("pretty.json:1: the input looks like pretty-printed JSON")
        .stderr_has("1 problem found");
    // A pretty-printed object after sound lines gets the hint on its line.
    let mixed = format!("{}\n{{\n\"type\": \"source\",\n", source("a"));
    let f = env.write("mixed.json", mixed);
    env.run(&["import".as_ref(), f.as_os_str()])
        .expect(2)
        .stderr_has("mixed.json:2: malformed JSON")
        .stderr_has("one complete JSON object per line");
}
