//! End-to-end tests of verdicts: `review`, `reviews`, `scale`, `config`, and the verdict that
//! `show`, `facts` and `audit` print, on signed ledgers built through the binary
//! (`desk::Desk::signed_ledger`: claims c-date and c-tally live, c-outcome retracted at seq 9).

mod common;
mod desk;

use desk::*;
use serde_json::{json, Value as Json};

const WHY: &str = "The Council voted on Monday 24 February 2025.";

fn review(d: &Desk, claim: &str, rating: &str) -> common::Out {
    d.on(
        "L",
        "ana",
        &[
            "--json",
            "review",
            claim,
            "--rating",
            rating,
            "--explanation",
            WHY,
        ],
    )
}

fn head(d: &Desk) -> u64 {
    d.on("L", "ana", &["--json", "log"])
        .expect(0)
        .json_lines()
        .len() as u64
}

#[test]
fn a_later_review_supersedes_the_earlier_and_both_stay_in_the_signed_log() {
    let d = Desk::new();
    d.signed_ledger("L");
    let first = review(&d, "c-date", "false").expect(0).json();
    assert_eq!(first["last_seq"], json!(SIGNED_EVENTS + 1));
    let second = d
        .on(
            "L",
            "ana",
            &[
                "--json",
                "review",
                "c-date",
                "--rating",
                "Mostly False",
                "--explanation",
                "the weekday is right for the 24th",
                "--url",
                "https://desk.example/checks/1",
            ],
        )
        .expect(0)
        .json();
    assert_eq!(second["last_seq"], json!(SIGNED_EVENTS + 2));

    // Both reviews are events: hashed, chained, signed by their author.
    let log = d.on("L", "ana", &["--json", "log"]).expect(0).json_lines();
    let reviews: Vec<&Json> = log.iter().filter(|e| e["type"] == "review").collect();
    assert_eq!(reviews.len(), 2);
    for r in &reviews {
        assert_eq!(r["author"], "ana");
        assert!(r["signature"].is_string(), "{r}");
    }
    assert_eq!(reviews[1]["prev"], reviews[0]["hash"]);
    d.on("L", "ana", &["verify"]).expect(0);

    // The current verdict is the later one, its rating spelled as the scale spells it.
    let now = d.on("L", "ana", &["--json", "reviews"]).expect(0).json();
    assert_eq!(now.as_array().unwrap().len(), 1);
    let current = &now[0]["current"];
    assert_eq!(current.as_array().unwrap().len(), 1);
    assert_eq!(current[0]["rating"], "mostly false");
    assert_eq!(
        (
            current[0]["value"].clone(),
            current[0]["best"].clone(),
            current[0]["worst"].clone()
        ),
        (json!(2), json!(5), json!(1))
    );
    assert_eq!(current[0]["url"], "https://desk.example/checks/1");
    assert!(now[0].get("history").is_none());
    let history = d
        .on("L", "ana", &["--json", "reviews", "--history"])
        .expect(0)
        .json();
    let ratings: Vec<&Json> = history[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["rating"])
        .collect();
    assert_eq!(ratings, [&json!("false"), &json!("mostly false")]);

    // As of the first review, the verdict was the first; before it, there was none.
    let then = SIGNED_EVENTS + 1;
    let past = d
        .on(
            "L",
            "ana",
            &["--json", "reviews", "--as-of", &then.to_string()],
        )
        .expect(0)
        .json();
    assert_eq!(past[0]["current"][0]["rating"], "false");
    let before = d
        .on(
            "L",
            "ana",
            &["--json", "reviews", "--as-of", &SIGNED_EVENTS.to_string()],
        )
        .expect(0)
        .json();
    assert_eq!(before, json!([]));
    let facts_then = d
        .on(
            "L",
            "ana",
            &[
                "--json",
                "facts",
                "--subject",
                "S/RES/2774",
                "--as-of",
                &then.to_string(),
            ],
        )
        .expect(0)
        .json();
    let date = facts_then
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["predicate"] == "date")
        .unwrap();
    assert_eq!(date["verdicts"][0]["rating"], "false");

    // show, facts and audit carry the current verdict.
    let shown = d
        .on("L", "ana", &["--json", "show", "c-date"])
        .expect(0)
        .json();
    assert_eq!(shown["verdict"]["rating"], "mostly false");
    let text = d.on("L", "ana", &["show", "c-date"]).expect(0).stdout;
    assert!(
        text.contains("verdict   mostly false (2 of 1..5)"),
        "{text}"
    );
    let facts = d.on("L", "ana", &["--json", "facts"]).expect(0).json();
    let date = facts
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["predicate"] == "date")
        .unwrap();
    assert_eq!(date["verdicts"][0]["claim"], "c-date");
    assert_eq!(date["verdicts"][0]["rating"], "mostly false");
    let audit = d
        .on("L", "ana", &["--json", "audit", "c-date"])
        .expect(0)
        .json();
    assert_eq!(audit["verdict"]["seq"], json!(SIGNED_EVENTS + 2));
    let tally = d
        .on("L", "ana", &["--json", "show", "c-tally"])
        .expect(0)
        .json();
    assert_eq!(tally["verdict"], Json::Null);
}

#[test]
fn reviews_of_retracted_or_unknown_claims_and_ratings_off_the_scale_are_refused() {
    let d = Desk::new();
    d.signed_ledger("L");
    let out = review(&d, "c-outcome", "false").expect(2);
    let body = out.json();
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("review of 'c-outcome': the claim was retracted at seq 9"),
        "{body}"
    );
    review(&d, "no-such-claim", "false")
        .expect(2)
        .stderr_has("review of 'no-such-claim': no claim with that id");
    review(&d, "un-record", "false")
        .expect(2)
        .stderr_has("that id is a source, not a claim");
    review(&d, "c-date", "pants on fire")
        .expect(2)
        .stderr_has("review field 'rating': 'pants on fire' is not on scale 'default'");
    d.on(
        "L",
        "ana",
        &[
            "review",
            "c-date",
            "--rating",
            "false",
            "--explanation",
            "x",
            "--scale",
            "nope",
        ],
    )
    .expect(2)
    .stderr_has("review field 'scale': scale 'nope' is not declared");
    assert_eq!(head(&d), SIGNED_EVENTS);

    // An import line is refused at FILE:LINE, and nothing of the file is appended.
    d.write(
        "reviews.jsonl",
        [
            json!({"type":"review","claim":"c-date","rating":"false","explanation":WHY}),
            json!({"type":"review","claim":"c-outcome","rating":"false","explanation":WHY}),
            json!({"type":"review","claim":"c-tally","rating":"truthy","explanation":WHY}),
        ]
        .iter()
        .map(|v| format!("{v}\n"))
        .collect::<String>(),
    );
    let out = d.on("L", "ana", &["import", "reviews.jsonl"]).expect(2);
    out.stderr_has("reviews.jsonl:2: review of 'c-outcome': the claim was retracted at seq 9")
        .stderr_has("reviews.jsonl:3: review field 'rating': 'truthy' is not on scale 'default'");
    assert_eq!(head(&d), SIGNED_EVENTS);
}

#[test]
fn imported_reviews_and_scales_are_the_events_the_commands_make_and_repeat_as_unchanged() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.write(
        "verdicts.jsonl",
        [
            json!({"type":"scale","name":"meter","steps":[{"name":"true","value":6},{"name":"pants on fire","value":0}]}),
            json!({"type":"review","claim":"c-date","scale":"meter","rating":"Pants on Fire","explanation":WHY,"reviewed":"26 February 2025","organisation":"Other Desk"}),
            json!({"type":"review","claim":"c-date","rating":"false","explanation":WHY}),
        ]
        .iter()
        .map(|v| format!("{v}\n"))
        .collect::<String>(),
    );
    let report = d
        .on("L", "ana", &["--json", "import", "verdicts.jsonl"])
        .expect(0)
        .json();
    assert_eq!(
        (report["appended"].clone(), report["unchanged"].clone()),
        (json!(3), json!(0))
    );
    let again = d
        .on("L", "ana", &["--json", "import", "verdicts.jsonl"])
        .expect(0)
        .json();
    assert_eq!(
        (again["appended"].clone(), again["unchanged"].clone()),
        (json!(0), json!(3))
    );

    let now = d.on("L", "ana", &["--json", "reviews"]).expect(0).json();
    let current = now[0]["current"].as_array().unwrap();
    // This desk's verdict first, then the other organisation's.
    assert_eq!(current[0]["organisation"], Json::Null);
    assert_eq!(current[0]["rating"], "false");
    assert_eq!(current[1]["organisation"], "Other Desk");
    assert_eq!(current[1]["rating"], "pants on fire");
    assert_eq!(
        (current[1]["value"].clone(), current[1]["best"].clone()),
        (json!(0), json!(6))
    );
    assert_eq!(current[1]["reviewed"], "2025-02-26");

    // The command declares the same scale the import line did: nothing new.
    let same = d
        .on(
            "L",
            "ana",
            &[
                "--json",
                "scale",
                "declare",
                "meter",
                "--step",
                "true=6",
                "--step",
                "pants on fire=0",
            ],
        )
        .expect(0)
        .json();
    assert_eq!(same["unchanged"], json!(1));
    // A redeclaration may add a step, never drop or renumber one.
    d.on(
        "L",
        "ana",
        &[
            "scale",
            "declare",
            "meter",
            "--step",
            "true=6",
            "--step",
            "half true=3",
            "--step",
            "pants on fire=0",
        ],
    )
    .expect(0);
    d.on(
        "L",
        "ana",
        &["scale", "declare", "meter", "--step", "true=6"],
    )
    .expect(2)
    .stderr_has("already has step 'half true'; a redeclaration must keep every step");
    d.on(
        "L",
        "ana",
        &[
            "scale",
            "declare",
            "meter",
            "--step",
            "true=5",
            "--step",
            "half true=3",
            "--step",
            "pants on fire=0",
        ],
    )
    .expect(2)
    .stderr_has("cannot change it to 'true' = 5");
    d.on(
        "L",
        "ana",
        &["scale", "declare", "default", "--step", "yes=1"],
    )
    .expect(2)
    .stderr_has("'default' is the built-in scale");
    d.on("L", "ana", &["scale", "declare", "x", "--step", "yes"])
        .expect(2)
        .stderr_has("expected NAME=NUMBER");
    let scales = d
        .on("L", "ana", &["--json", "scale", "list"])
        .expect(0)
        .json();
    let names: Vec<&Json> = scales
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&json!("default"), &json!("meter")]);
    assert_eq!(scales[0]["steps"].as_array().unwrap().len(), 7);
    assert_eq!(scales[1]["steps"].as_array().unwrap().len(), 3);
    d.on("L", "ana", &["verify"]).expect(0);
}

#[test]
fn settings_are_events_and_only_known_keys_with_usable_values_are_set() {
    let d = Desk::new();
    d.signed_ledger("L");
    let unset = d
        .on("L", "ana", &["--json", "config", "get", "desk.name"])
        .expect(0)
        .json();
    assert_eq!(unset["value"], Json::Null);
    d.on("L", "ana", &["config", "set", "desk.name", "Fixture Desk"])
        .expect(0);
    d.on(
        "L",
        "ana",
        &["config", "set", "desk.url", "https://desk.example/"],
    )
    .expect(0);
    d.on("L", "ana", &["config", "set", "desk.url", "desk.example"])
        .expect(2)
        .stderr_has(
            "setting field 'value': desk.url 'desk.example' is not an http or https address",
        );
    d.on("L", "ana", &["config", "set", "desk.nmae", "x"])
        .expect(2)
        .stderr_has("unknown setting 'desk.nmae' (known: desk.name, desk.url)");
    d.on("L", "ana", &["config", "get", "desk.nmae"])
        .expect(2)
        .stderr_has("unknown setting 'desk.nmae'");
    assert_eq!(
        d.on("L", "ana", &["config", "get", "desk.name"])
            .expect(0)
            .stdout
            .trim(),
        "Fixture Desk"
    );
    let list = d
        .on("L", "ana", &["--json", "config", "list"])
        .expect(0)
        .json();
    assert_eq!(list[0]["key"], "desk.name");
    assert_eq!(list[1]["value"], "https://desk.example/");
    assert_eq!(list[1]["seq"], json!(SIGNED_EVENTS + 2));
    // Setting the same value again appends nothing.
    let same = d
        .on(
            "L",
            "ana",
            &["--json", "config", "set", "desk.name", "Fixture Desk"],
        )
        .expect(0)
        .json();
    assert_eq!(same["appended"], json!(0));
    let log = d.on("L", "ana", &["--json", "log"]).expect(0).json_lines();
    assert_eq!(log.iter().filter(|e| e["type"] == "setting").count(), 2);
}

#[test]
fn evidence_carries_the_reviews_and_verify_proof_checks_them_offline() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on(
        "L",
        "ana",
        &[
            "scale",
            "declare",
            "meter",
            "--step",
            "true=6",
            "--step",
            "pants on fire=0",
        ],
    )
    .expect(0);
    d.on(
        "L",
        "ana",
        &[
            "review",
            "c-date",
            "--rating",
            "pants on fire",
            "--scale",
            "meter",
            "--explanation",
            WHY,
            "--organisation",
            "Other Desk",
        ],
    )
    .expect(0);
    review(&d, "c-date", "false").expect(0);
    review(&d, "c-tally", "true").expect(0);
    d.on("L", "ana", &["evidence", "c-date", "--out", "ev.json"])
        .expect(0);
    let ev: Json = serde_json::from_str(&d.read("ev.json")).unwrap();
    let kinds: Vec<(&Json, &Json)> = ev["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["event"]["type"], &r["event"]["seq"]))
        .collect();
    let s = SIGNED_EVENTS;
    assert_eq!(
        kinds,
        [
            (&json!("review"), &json!(s + 2)),
            (&json!("review"), &json!(s + 3)),
            (&json!("scale"), &json!(s + 1)),
        ]
    );
    let ok = d.fl(&["verify-proof", "ev.json"]).expect(0).stdout;
    assert!(
        ok.contains(&format!(
            "ok: 2 review(s) of claim 'c-date' and 1 scale declaration(s) are included in the same tree; the desk's current verdict is 'false' on scale 'default' (seq {}, by ana)",
            s + 3
        )),
        "{ok}"
    );

    // A changed rating no longer matches its signed record.
    let mut changed = ev.clone();
    changed["reviews"][1]["event"]["rating"] = json!("true");
    d.write_json("changed.json", &changed);
    d.fl(&["verify-proof", "changed.json"]).expect(1);
    // Another claim's review, with its own valid proof, is not evidence about this claim.
    d.on("L", "ana", &["evidence", "c-tally", "--out", "tally.json"])
        .expect(0);
    let tally: Json = serde_json::from_str(&d.read("tally.json")).unwrap();
    let mut mixed = ev.clone();
    mixed["reviews"]
        .as_array_mut()
        .unwrap()
        .push(tally["reviews"][0].clone());
    d.write_json("mixed.json", &mixed);
    assert_eq!(
        tally["tree_size"], ev["tree_size"],
        "both proven in one tree"
    );
    d.fl(&["--json", "verify-proof", "mixed.json"])
        .expect(1)
        .stdout_has(&format!(
            "event seq {} among the reviews is not a review",
            s + 4
        ));
    // Dropping the scale a review uses leaves that review unverifiable.
    let mut no_scale = ev.clone();
    no_scale["reviews"].as_array_mut().unwrap().pop();
    d.write_json("no-scale.json", &no_scale);
    d.fl(&["--json", "verify-proof", "no-scale.json"])
        .expect(1)
        .stdout_has("among the reviews is not a review of the claim on an included scale");
    // A claim without reviews has evidence without the field, as before.
    d.on("L", "ana", &["evidence", "c-outcome", "--out", "none.json"])
        .expect(0);
    let none: Json = serde_json::from_str(&d.read("none.json")).unwrap();
    assert!(none.get("reviews").is_none());
}
