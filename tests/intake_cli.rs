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
        .stderr_has("unknown record type 'claims' (expected source, claim, retract, alias, source-version, withdrawal, dismissal, review, scale or setting); did you mean 'claim'?");
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

// ---------------------------------------------------------------------------------------------
// Item 1: predicates

#[test]
fn near_miss_predicates_are_refused_with_did_you_mean() {
    let env = with_source();
    let before = head_seq(&env);
    let out = import(
        &env,
        "typos.jsonl",
        &[
            claim("c1", "un", "dte", json!("24 February 2025")),
            claim("c2", "un", "votes:US", json!("no")),
            claim("c3", "un", "Date of vote", json!("24 February 2025")),
            claim("c4", "un", "vote:Untied States", json!("no")),
            claim("c5", "un", "Outcomes", json!("adopted")),
        ],
    );
    out.expect(2)
        .stderr_has("typos.jsonl:1: claim 'c1': predicate 'dte'")
        .stderr_has("did you mean 'date'?")
        .stderr_has("typos.jsonl:2: claim 'c2': predicate 'votes:US'")
        .stderr_has("did you mean 'vote:United States'?")
        .stderr_has("typos.jsonl:3: claim 'c3': predicate 'Date of vote' is the typed predicate 'date' with words added")
        .stderr_has("typos.jsonl:4: claim 'c4': predicate 'vote:Untied States': 'Untied States' is not a UN member state (nor a member this ledger has used); closest: United States, United Kingdom, Uzbekistan; did you mean 'vote:United States'?")
        .stderr_has("typos.jsonl:5: claim 'c5': predicate 'Outcomes'")
        .stderr_has("5 problems found");
    assert_eq!(head_seq(&env), before);
}

#[test]
fn new_predicates_are_accepted_and_listed_once() {
    let env = with_source();
    let out = import_json(
        &env,
        "new.jsonl",
        &[
            claim("c1", "un", "note", json!("first reading")),
            claim("c2", "un", "location", json!("New York")),
            claim("c3", "un", "drafted by", json!("Algeria")),
            claim("c4", "un", "date", json!("24 February 2025")),
            claim("c5", "un", "vote:Kenya", json!("yes")),
            json!({"type":"claim","id":"c6","source":"un","subject":"S/RES/2775","predicate":" drafted   by ","value":"Denmark"}),
        ],
    );
    out.expect(0);
    assert_eq!(
        out.json()["new_predicates"],
        json!(["note", "location", "drafted by"])
    );
    // Text output names them too; predicates the ledger has used are no longer new.
    let f = env.write(
        "more.jsonl",
        jsonl(&[
            claim("c7", "un", "note", json!("second reading")),
            claim("c8", "un", "venue", json!("Security Council chamber")),
        ]),
    );
    env.run(&["import".as_ref(), f.as_os_str()])
        .expect(0)
        .stdout_has("new predicates in this ledger: 'venue'");
    // A spelling of a predicate the ledger uses, and of one earlier in the same file.
    import(
        &env,
        "near.jsonl",
        &[
            claim("c9", "un", "Drafted-By", json!("Guyana")),
            claim("c10", "un", "reviewer", json!("night desk")),
            claim("c11", "un", "reviewers", json!("day desk")),
        ],
    )
    .expect(2)
    .stderr_has("near.jsonl:1: claim 'c9': predicate 'Drafted-By' is a near miss of 'drafted by' (used in this ledger); did you mean 'drafted by'?")
    .stderr_has("near.jsonl:3: claim 'c11': predicate 'reviewers' is a near miss of 'reviewer' (at line 2)");
    // The facts show one predicate for both spellings of 'drafted by'.
    let facts = env.json(&["facts", "--subject", "S/RES/2775"]);
    assert!(facts.to_string().contains("\"drafted by\""), "{facts}");
}

#[test]
fn add_claim_checks_predicates_as_the_import_does() {
    let env = with_source();
    let add = |id: &str, predicate: &str, value: &str| {
        env.run(&[
            "add",
            "claim",
            "--id",
            id,
            "--source",
            "un",
            "--subject",
            "S/RES/2774",
            "--predicate",
            predicate,
            "--value",
            value,
        ])
    };
    let date = "24 February 2025";
    add("c1", "dte", date)
        .expect(2)
        .stderr_has("<arguments>: claim 'c1': predicate 'dte'")
        .stderr_has("did you mean 'date'?");
    add("c2", "vote:Untied States", "no")
        .expect(2)
        .stderr_has("closest: United States");
    add("c3", "location", "New York")
        .expect(0)
        .stdout_has("new predicates in this ledger: 'location'");
    add("c4", " Date ", date).expect(0);
    let v = env.json(&["show", "c4"]);
    assert_eq!(v["predicate"], json!("date"), "{v}");
}

// ---------------------------------------------------------------------------------------------
// Item 3: values as reporters write them

/// The value a claim was stored with, as `show --json` gives it.
fn stored_value(env: &TestEnv, id: &str) -> Json {
    env.json(&["show", id])["value"].clone()
}

#[test]
fn tallies_and_outcomes_as_reporters_write_them_store_the_typed_value() {
    let env = with_source();
    import(
        &env,
        "values.jsonl",
        &[
            claim(
                "t-object",
                "un",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
            ),
            claim(
                "t-adopted",
                "un",
                "tally",
                json!("security council: adopted 10-0-5"),
            ),
            claim(
                "t-words",
                "un",
                "tally",
                json!("unsc 10 votes to 0, with 5 abstentions"),
            ),
            claim(
                "t-ga",
                "un",
                "tally",
                json!("General assembly 93 in favour, 18 against, 65 abstentions"),
            ),
            claim("o-word", "un", "outcome", json!("adopted")),
            claim(
                "o-phrase",
                "un",
                "outcome",
                json!("The draft was adopted unanimously."),
            ),
            claim(
                "o-veto",
                "un",
                "outcome",
                json!("vetoed by the Russian Federation"),
            ),
        ],
    )
    .expect(0);
    let object = stored_value(&env, "t-object");
    assert_eq!(stored_value(&env, "t-adopted"), object);
    assert_eq!(stored_value(&env, "t-words"), object);
    assert_eq!(stored_value(&env, "t-ga")["body"], json!("UNGA"));
    assert_eq!(stored_value(&env, "o-phrase"), stored_value(&env, "o-word"));
    assert_eq!(stored_value(&env, "o-veto"), json!("vetoed"));
}

#[test]
fn an_unreadable_value_names_the_accepted_forms_with_an_example() {
    let env = with_source();
    import(
        &env,
        "bad-values.jsonl",
        &[
            claim("t1", "un", "tally", json!("lots of votes")),
            claim("t2", "un", "tally", json!("adopted 10-0-5")),
            claim("o1", "un", "outcome", json!("went through")),
        ],
    )
    .expect(2)
    .stderr_has("bad-values.jsonl:1: claim field 'value': 'lots of votes' is not a tally in an accepted form: write '93-18-65'")
    .stderr_has("bad-values.jsonl:2: claim field 'value': 'adopted 10-0-5' gives 15 votes in all")
    .stderr_has("as in 'UNSC adopted 10-0-5'")
    .stderr_has("bad-values.jsonl:3: 'went through' is not an outcome (adopted, rejected, vetoed); phrases as reporters write them are read too")
    .stderr_has("'was adopted unanimously'");
}

// ---------------------------------------------------------------------------------------------
// Item 13: ids, authors and Ctrl-C

#[test]
fn add_claim_without_an_id_makes_a_readable_one_and_prints_it() {
    let env = with_source();
    let add = |predicate: &str, value: &str| {
        env.run(&[
            "add",
            "claim",
            "--source",
            "un",
            "--subject",
            "S/RES/2774",
            "--predicate",
            predicate,
            "--value",
            value,
        ])
    };
    add("date", "24 February 2025")
        .expect(0)
        .stdout_has("claim id: un-date\n");
    add("Date", "25 February 2025")
        .expect(0)
        .stdout_has("claim id: un-date-2\n");
    let v = env
        .run(&[
            "--json",
            "add",
            "claim",
            "--source",
            "un",
            "--subject",
            "S/RES/2774",
            "--predicate",
            "vote:US",
            "--value",
            "no",
        ])
        .expect(0)
        .json();
    assert_eq!(v["id"], json!("un-vote:united-states"), "{v}");
    assert_eq!(
        env.json(&["show", "un-date-2"])["value"],
        json!("2025-02-25")
    );
}

#[test]
fn with_no_author_anywhere_an_append_says_so_instead_of_recording_unknown() {
    let mut env = TestEnv::new();
    env.set_var("FACTLEDGER_AUTHOR", None);
    // Creating a ledger appends nothing and needs no author.
    env.init();
    let out = env.run(&["add", "source", "--id", "un"]);
    out.expect(2)
        .stderr_has("no author to record: pass --author NAME or set FACTLEDGER_AUTHOR");
    assert_eq!(head_seq(&env), 0, "nothing appended");
    env.run(&["--author", "ana", "add", "source", "--id", "un"])
        .expect(0);
    // Reading commands, and an unsigned ledger's checkpoint (which records no author), need none.
    env.run(&["log"]).expect(0);
    env.run(&["checkpoint"]).expect(0);
    let mut with_user = TestEnv::new();
    with_user.set_var("FACTLEDGER_AUTHOR", None);
    with_user.set_var("USER", Some("night-desk".into()));
    with_user.init();
    with_user.run(&["add", "source", "--id", "un"]).expect(0);
    assert_eq!(
        with_user.json(&["show", "un"])["author"],
        json!("night-desk")
    );
}

#[test]
fn on_a_signed_ledger_the_key_holder_is_the_default_author() {
    let mut env = TestEnv::new();
    env.set_var("FACTLEDGER_AUTHOR", None);
    env.set_var("FACTLEDGER_KEYS", Some(env.p("keys")));
    let key = |args: &[&str]| {
        let mut c = env.bare();
        c.args(args);
        common::Out::of(c)
    };
    key(&["key", "generate", "--name", "ana"]).expect(0);
    env.run(&["init", "--key", "ana"]).expect(0);
    // No --author, no FACTLEDGER_AUTHOR, no USER: ana holds the ledger's only key here.
    env.run(&["add", "source", "--id", "un"]).expect(0);
    assert_eq!(env.json(&["show", "un"])["author"], json!("ana"));
    // With keys of two authorised authors at hand, the desk must say who it is.
    key(&["key", "generate", "--name", "bob"]).expect(0);
    let bob = key(&["--json", "key", "list"]).expect(0).json();
    let bob_key = bob
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["name"] == json!("bob")))
        .and_then(|k| k["public_key"].as_str())
        .unwrap_or_else(|| panic!("bob's key in {bob}"))
        .to_string();
    env.run(&["authors", "add", "bob", &bob_key]).expect(0);
    env.run(&["add", "source", "--id", "wire"])
        .expect(2)
        .stderr_has("keys of 2 of its authors (ana, bob); pass --author NAME");
    env.run(&["--author", "bob", "add", "source", "--id", "wire"])
        .expect(0);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_an_import_says_nothing_was_appended() {
    use std::io::{BufRead, BufReader, Write};
    let env = with_source();
    let before = head_seq(&env);
    let mut cmd = common::hermetic(&env.p("home"), &env.p("tmp"));
    cmd.env("FACTLEDGER_TEST_ANNOUNCE_INTERRUPTIBLE", "1")
        .arg("--ledger")
        .arg(env.ledger())
        .args(["import", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    // Half a file on standard input, which stays open: the import is still reading it.
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", claim("c1", "un", "outcome", json!("adopted"))).unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    stderr.read_line(&mut ready).unwrap();
    assert_eq!(ready.trim(), "interruptible");
    // SAFETY: a plain kill(2) of our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(
        rest.contains("interrupted before anything was written; nothing was appended"),
        "{rest}"
    );
    assert_eq!(head_seq(&env), before);
}
