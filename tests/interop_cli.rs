//! End-to-end tests of the interop formats (`docs/interop.md`): ClaimReview JSON-LD out and in
//! (with its static pages and the `verdicts-disagree` flag), on ledgers built through the binary
//! (`desk::Desk::signed_ledger`: claims c-date and c-tally live, c-outcome retracted).

mod common;
mod desk;

use desk::*;
use serde_json::{json, Value as Json};

const WHY: &str = "The Council voted on Monday 24 February 2025.";

/// The signed ledger with the desk's settings and two reviews with published URLs.
fn reviewed(d: &Desk) {
    d.signed_ledger("L");
    d.on("L", "ana", &["config", "set", "desk.name", "Fixture Desk"])
        .expect(0);
    d.on(
        "L",
        "ana",
        &["config", "set", "desk.url", "https://desk.example/"],
    )
    .expect(0);
    for (claim, rating) in [("c-date", "false"), ("c-tally", "true")] {
        d.on(
            "L",
            "ana",
            &[
                "review",
                claim,
                "--rating",
                rating,
                "--explanation",
                WHY,
                "--url",
                &format!("https://desk.example/checks/{claim}"),
                "--reviewed",
                "26 February 2025",
            ],
        )
        .expect(0);
    }
}

fn sorted_by_id(mut v: Vec<Json>) -> Vec<Json> {
    v.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    v
}

#[test]
fn claimreview_export_names_the_missing_setting_or_field_and_writes_nothing() {
    let d = Desk::new();
    d.signed_ledger("L");
    d.on(
        "L",
        "ana",
        &[
            "review",
            "c-date",
            "--rating",
            "false",
            "--explanation",
            WHY,
        ],
    )
    .expect(0);
    let export = |d: &Desk| d.on("L", "ana", &["export", "--claimreview", "--out", "cr.json"]);
    export(&d)
        .expect(2)
        .stderr_has("setting 'desk.name' is not set; ClaimReview's author.name is taken from it");
    d.on("L", "ana", &["config", "set", "desk.name", "Fixture Desk"])
        .expect(0);
    export(&d)
        .expect(2)
        .stderr_has("setting 'desk.url' is not set; ClaimReview's author.url");
    d.on(
        "L",
        "ana",
        &["config", "set", "desk.url", "https://desk.example/"],
    )
    .expect(0);
    export(&d).expect(2).stderr_has(&format!(
        "the review of claim 'c-date' (seq {}) has no url; ClaimReview's url requires it",
        SIGNED_EVENTS + 1
    ));
    assert!(!d.p("cr.json").exists());
    d.on(
        "L",
        "ana",
        &["export", "--claimreview", "--claim", "c-tally"],
    )
    .expect(2)
    .stderr_has("claim 'c-tally' has no review by this desk");
    d.on("L", "ana", &["export", "--claimreview", "--claim", "nope"])
        .expect(2)
        .stderr_has("no claim with id 'nope'");
}

#[test]
fn claimreview_export_fills_google_s_fields_and_reads_back_into_the_same_claims_sources_and_ratings(
) {
    let d = Desk::new();
    reviewed(&d);
    let doc = d
        .on("L", "ana", &["export", "--claimreview"])
        .expect(0)
        .json();
    let all = doc.as_array().unwrap();
    assert_eq!(all.len(), 2);
    let cr = &all[0];
    assert_eq!(cr["@context"], "https://schema.org");
    assert_eq!(cr["@type"], "ClaimReview");
    assert_eq!(cr["url"], "https://desk.example/checks/c-date");
    assert_eq!(cr["datePublished"], "2025-02-26");
    assert_eq!(
        cr["author"],
        json!({"@type":"Organization","name":"Fixture Desk","url":"https://desk.example/"})
    );
    assert_eq!(
        cr["reviewRating"],
        json!({"@type":"Rating","ratingValue":1,"bestRating":5,"worstRating":1,"alternateName":"false","name":"false","ratingExplanation":WHY})
    );
    assert_eq!(
        cr["claimReviewed"],
        "S/RES/2774 date: 2025-02-24 ('24 February 2025')"
    );
    let item = &cr["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    assert_eq!(
        item["author"],
        json!({"@type":"Organization","name":"Fixture Wire"})
    );
    assert_eq!(item["firstAppearance"]["publisher"]["name"], "Fixture Wire");
    assert_eq!(item["appearance"].as_array().unwrap().len(), 1);
    // No field is ever an empty string.
    fn no_empty(v: &Json) {
        match v {
            Json::String(s) => assert!(!s.is_empty()),
            Json::Array(a) => a.iter().for_each(no_empty),
            Json::Object(o) => o.values().for_each(no_empty),
            _ => {}
        }
    }
    no_empty(&doc);

    // Written to a file, and read into a fresh ledger.
    d.on("L", "ana", &["export", "--claimreview", "--out", "cr.json"])
        .expect(0);
    d.on("F", "", &["init"]).expect(0);
    let report = d
        .on(
            "F",
            "desk",
            &["--json", "import", "--claimreview", "cr.json"],
        )
        .expect(0)
        .json();
    // Two sources, two claims, two reviews (both on the default scale: nothing to declare).
    assert_eq!(report["appended"], json!(6));
    let again = d
        .on(
            "F",
            "desk",
            &["--json", "import", "--claimreview", "cr.json"],
        )
        .expect(0)
        .json();
    assert_eq!(
        (again["appended"].clone(), again["unchanged"].clone()),
        (json!(0), json!(6))
    );

    for id in ["c-date", "c-tally"] {
        let a = d.on("L", "ana", &["--json", "show", id]).expect(0).json();
        let b = d.on("F", "desk", &["--json", "show", id]).expect(0).json();
        for field in ["subject", "predicate", "value", "as_written", "source"] {
            assert_eq!(a[field], b[field], "{id} {field}");
        }
    }
    let keep = |v: Json| -> Vec<Json> {
        sorted_by_id(
            v.as_array()
                .unwrap()
                .iter()
                .filter(|s| s["id"] == "wire" || s["id"] == "un-record")
                .map(|s| json!({"id": s["id"], "publisher": s["publisher"], "title": s["title"], "published": s["published"]}))
                .collect(),
        )
    };
    assert_eq!(
        keep(d.on("L", "ana", &["--json", "sources"]).expect(0).json()),
        keep(d.on("F", "desk", &["--json", "sources"]).expect(0).json())
    );
    let ratings = |v: Json| -> Vec<(Json, Json, Json, Json)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let r = &c["current"][0];
                (
                    c["claim"].clone(),
                    r["rating"].clone(),
                    r["value"].clone(),
                    r["url"].clone(),
                )
            })
            .collect()
    };
    let theirs = d.on("F", "desk", &["--json", "reviews"]).expect(0).json();
    assert_eq!(
        ratings(d.on("L", "ana", &["--json", "reviews"]).expect(0).json()),
        ratings(theirs.clone())
    );
    // In the other ledger the verdicts are the reviewing organisation's, not its own.
    assert_eq!(theirs[0]["current"][0]["organisation"], "Fixture Desk");
    assert_eq!(theirs[0]["current"][0]["reviewed"], "2025-02-26");
}

#[test]
fn html_pages_carry_the_claimreview_in_a_json_ld_script() {
    let d = Desk::new();
    reviewed(&d);
    let out = d
        .on(
            "L",
            "ana",
            &["--json", "export", "--claimreview", "--html", "site"],
        )
        .expect(0)
        .json();
    assert_eq!(out["claims"], json!(["c-date", "c-tally"]));
    let doc = d
        .on(
            "L",
            "ana",
            &["export", "--claimreview", "--claim", "c-date"],
        )
        .expect(0)
        .json();
    let page = d.read("site/c-date.html");
    let start = page.find("<script type=\"application/ld+json\">").unwrap();
    let body = &page[start..];
    let json_text = &body[body.find('\n').unwrap()..body.find("</script>").unwrap()];
    let embedded: Json = serde_json::from_str(json_text).unwrap();
    assert_eq!(embedded, doc);
    assert!(
        page.contains(
            "<h1>Fact check: S/RES/2774 date: 2025-02-24 (&#39;24 February 2025&#39;)</h1>"
        ),
        "{page}"
    );
}

/// A ClaimReview as another organisation publishes it: no factledger identifiers.
fn foreign(org: &str, rating: &str, value: i64) -> Json {
    json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("https://{}.example/fact-checks/1", org.to_lowercase()),
        "datePublished": "2025-02-27T09:00:00+00:00",
        "claimReviewed": "The Security Council adopted resolution 2774 on 25 February 2025",
        "author": {"@type": "Organization", "name": org},
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 6, "worstRating": 0, "alternateName": rating},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A Minister"},
            "firstAppearance": {"@type": "CreativeWork", "url": "https://news.example/story", "headline": "Story", "datePublished": "2025-02-25"}
        }
    })
}

#[test]
fn claimreview_import_reads_objects_arrays_graphs_and_feeds_and_flags_disagreeing_verdicts() {
    let d = Desk::new();
    d.on("F", "", &["init"]).expect(0);
    let forms = [
        ("one.json", foreign("Meter", "Pants on Fire", 0)),
        ("array.json", json!([foreign("Meter", "Pants on Fire", 0)])),
        (
            "graph.json",
            json!({"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, foreign("Meter", "Pants on Fire", 0)]}),
        ),
        (
            "feed.json",
            json!({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": [foreign("Meter", "Pants on Fire", 0)]}]}),
        ),
    ];
    for (i, (file, doc)) in forms.iter().enumerate() {
        d.write_json(file, doc);
        let r = d
            .on("F", "desk", &["--json", "import", "--claimreview", file])
            .expect(0)
            .json();
        // Source, claim, scale and review the first time; after that the source, claim and
        // review are unchanged and the scale already has every step.
        let expected = if i == 0 { (4, 0) } else { (0, 3) };
        assert_eq!(
            (r["appended"].clone(), r["unchanged"].clone()),
            (json!(expected.0), json!(expected.1)),
            "{file}"
        );
    }
    let reviews = d.on("F", "desk", &["--json", "reviews"]).expect(0).json();
    let claim = reviews[0]["claim"].as_str().unwrap().to_string();
    let v = &reviews[0]["current"][0];
    assert_eq!(
        (
            v["organisation"].clone(),
            v["scale"].clone(),
            v["rating"].clone()
        ),
        (json!("Meter"), json!("Meter"), json!("Pants on Fire"))
    );
    assert_eq!(v["reviewed"], "2025-02-27");
    let shown = d
        .on("F", "desk", &["--json", "show", &claim])
        .expect(0)
        .json();
    assert_eq!(shown["predicate"], "claim");
    assert_eq!(shown["claimant"], "A Minister");

    // Another organisation on the same claim: its scale is declared, and where verdicts fall on
    // opposite sides, the flag says so.
    let no_flags = d
        .on(
            "F",
            "desk",
            &["--json", "flags", "--code", "verdicts-disagree"],
        )
        .expect(0)
        .json();
    assert_eq!(no_flags, json!([]));
    let mut other = foreign("Checker", "Correct", 1);
    other["reviewRating"] = json!({"@type":"Rating","ratingValue":1,"bestRating":1,"worstRating":-1,"alternateName":"Correct"});
    d.write_json("other.json", &other);
    d.on("F", "desk", &["import", "--claimreview", "other.json"])
        .expect(0);
    let flags = d
        .on(
            "F",
            "desk",
            &["--json", "flags", "--code", "verdicts-disagree"],
        )
        .expect(0)
        .json();
    assert_eq!(flags.as_array().unwrap().len(), 1, "{flags}");
    assert_eq!(flags[0]["claims"], json!([claim]));
    let message = flags[0]["message"].as_str().unwrap();
    assert!(
        message.contains("Meter rates it 'Pants on Fire' (0 on 0..6"),
        "{message}"
    );
    assert!(
        message.contains("but Checker rates it 'Correct' (1 on -1..1"),
        "{message}"
    );
    let scales = d
        .on("F", "desk", &["--json", "scale", "list"])
        .expect(0)
        .json();
    assert_eq!(
        scales[1],
        json!({"name": "Checker", "seq": scales[1]["seq"], "steps": [{"name": "Correct", "value": 1}, {"name": "(worst)", "value": -1}]})
    );

    // This desk's own undecided verdict (the default scale's midpoint) leans neither way: the
    // flag stays as it was.
    d.on(
        "F",
        "desk",
        &[
            "review",
            &claim,
            "--rating",
            "unproven",
            "--explanation",
            WHY,
        ],
    )
    .expect(0);
    assert_eq!(
        d.on(
            "F",
            "desk",
            &["--json", "flags", "--code", "verdicts-disagree"]
        )
        .expect(0)
        .json()
        .as_array()
        .unwrap()
        .len(),
        1
    );
}

#[test]
fn a_bad_claimreview_is_refused_at_its_number_and_nothing_is_appended() {
    let d = Desk::new();
    d.on("F", "", &["init"]).expect(0);
    let mut no_author = foreign("Meter", "False", 1);
    no_author.as_object_mut().unwrap().remove("author");
    let mut bad_date = foreign("Meter", "False", 1);
    bad_date["datePublished"] = json!("2025-02-30");
    d.write_json(
        "bad.json",
        &json!([foreign("Meter", "True", 6), no_author, bad_date]),
    );
    let out = d
        .on("F", "desk", &["import", "--claimreview", "bad.json"])
        .expect(2);
    out.stderr_has("bad.json:2: ClaimReview at $[1]: no author.name")
        .stderr_has("bad.json:3: ClaimReview at $[2]: datePublished '2025-02-30'");
    d.write("broken.json", "{\"@type\": ");
    d.on("F", "desk", &["import", "--claimreview", "broken.json"])
        .expect(2)
        .stderr_has("not JSON");
    d.write_json("none.json", &json!({"@type": "WebPage"}));
    d.on("F", "desk", &["import", "--claimreview", "none.json"])
        .expect(2)
        .stderr_has("no ClaimReview found");
    assert_eq!(
        d.on("F", "desk", &["--json", "log"])
            .expect(0)
            .json_lines()
            .len(),
        0
    );
}

const SOURCES_CSV: &str = "\
id,kind,publisher,title,url,published,cites
un-record,primary,United Nations,Voting record,https://un.example/2774,\"Monday, 24 February 2025\",
wire,secondary,Fixture Wire,\"Council adopts 2774, 10-0-5\",https://wire.example/1,25 February 2025,un-record;gone
";

const CLAIMS_CSV: &str = "\
Type,ID,Source,Subject,Predicate,Value,Note
claim,c-date,wire,S/RES/2774,date,\"Monday, 24 February 2025\",\"the wire's
dateline\"
claim,c-tally,un-record,S/RES/2774,tally,\"UNSC 10 votes to 0, with 5 abstentions\",
claim,c-count,un-record,S/RES/2774,members present,15,
claim,c-quote,wire,S/RES/2774,quote,\"{\"\"speaker\"\":\"\"A Minister\"\",\"\"text\"\":\"\"a good day\"\"}\",
";

/// The same records as import lines.
fn same_as_jsonl() -> String {
    [
        json!({"type":"source","id":"un-record","kind":"primary","publisher":"United Nations","title":"Voting record","url":"https://un.example/2774","published":"Monday, 24 February 2025"}),
        json!({"type":"source","id":"wire","kind":"secondary","publisher":"Fixture Wire","title":"Council adopts 2774, 10-0-5","url":"https://wire.example/1","published":"25 February 2025","cites":["un-record","gone"]}),
        json!({"type":"claim","id":"c-date","source":"wire","subject":"S/RES/2774","predicate":"date","value":"Monday, 24 February 2025","note":"the wire's\ndateline"}),
        json!({"type":"claim","id":"c-tally","source":"un-record","subject":"S/RES/2774","predicate":"tally","value":"UNSC 10 votes to 0, with 5 abstentions"}),
        json!({"type":"claim","id":"c-count","source":"un-record","subject":"S/RES/2774","predicate":"members present","value":15}),
        json!({"type":"claim","id":"c-quote","source":"wire","subject":"S/RES/2774","predicate":"quote","value":{"speaker":"A Minister","text":"a good day"}}),
    ]
    .iter()
    .map(|v| format!("{v}\n"))
    .collect()
}

#[test]
fn a_csv_import_makes_the_events_the_same_import_lines_make() {
    let d = Desk::new();
    d.write("sources.csv", SOURCES_CSV);
    d.write("claims.csv", CLAIMS_CSV);
    d.write("same.jsonl", same_as_jsonl());
    d.on("A", "", &["init"]).expect(0);
    d.on("B", "", &["init"]).expect(0);
    let a = d
        .on("A", "desk", &["--json", "import", "--csv", "sources.csv"])
        .expect(0)
        .json();
    assert_eq!(a["appended"], json!(2));
    d.on("A", "desk", &["import", "--csv", "claims.csv"])
        .expect(0);
    d.on("B", "desk", &["import", "same.jsonl"]).expect(0);
    let hashes = |l: &str| -> Vec<Json> {
        d.on(l, "desk", &["--json", "log"])
            .expect(0)
            .json_lines()
            .iter()
            .map(|e| json!([e["id"], e["hash"]]))
            .collect()
    };
    // The same events in the same order, by the same author at the same (fixed) time: the same
    // hashes, so the same bytes.
    assert_eq!(hashes("A").len(), 6);
    assert_eq!(hashes("A"), hashes("B"));
    // Importing again appends nothing.
    let again = d
        .on("A", "desk", &["--json", "import", "--csv", "claims.csv"])
        .expect(0)
        .json();
    assert_eq!(
        (again["appended"].clone(), again["unchanged"].clone()),
        (json!(0), json!(4))
    );
}

#[test]
fn a_bad_csv_row_is_refused_at_its_line_and_nothing_is_appended() {
    let d = Desk::new();
    d.on("A", "", &["init"]).expect(0);
    d.write("sources.csv", SOURCES_CSV);
    d.on("A", "desk", &["import", "--csv", "sources.csv"])
        .expect(0);
    // Line 2 is a quoted cell over two lines; the bad rows start on lines 4 and 5.
    d.write(
        "bad.csv",
        "id,source,subject,predicate,value,note\n\
         c1,wire,S/RES/2774,date,24 February 2025,\"two\nlines\"\n\
         c2,wire,S/RES/2774,date,30 February 2025,\n\
         c3,nowhere,S/RES/2774,outcome,adopted,\n",
    );
    // Rows are read first (as import lines are parsed), then planned against the ledger.
    d.on("A", "desk", &["import", "--csv", "bad.csv"])
        .expect(2)
        .stderr_has("bad.csv:4: a date: '30 February 2025' is not a real calendar date");
    d.write(
        "bad.csv",
        d.read("bad.csv").replace("30 February", "28 February"),
    );
    d.on("A", "desk", &["import", "--csv", "bad.csv"])
        .expect(2)
        .stderr_has("bad.csv:5: claim 'c3' names source 'nowhere'");
    d.write("cols.csv", "id,source,colour\nc1,wire,red\n");
    d.on("A", "desk", &["import", "--csv", "cols.csv"])
        .expect(2)
        .stderr_has("cols.csv:1: unknown column 'colour'");
    d.write(
        "mixed.csv",
        "type,id,kind,subject\nsource,s9,primary,S/RES/2774\n",
    );
    d.on("A", "desk", &["import", "--csv", "mixed.csv"])
        .expect(2)
        .stderr_has("mixed.csv:2: a source row has no column 'subject'");
    assert_eq!(
        d.on("A", "desk", &["--json", "log"])
            .expect(0)
            .json_lines()
            .len(),
        2
    );
}

#[test]
fn facts_and_flags_print_csv_for_a_spreadsheet() {
    let d = Desk::new();
    reviewed(&d);
    let facts = d.on("L", "ana", &["facts", "--csv"]).expect(0).stdout;
    let mut r = csv::Reader::from_reader(facts.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "subject",
            "predicate",
            "status",
            "value",
            "as_written",
            "claims",
            "sources",
            "independent_sources",
            "inactive_claims",
            "verdicts"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let json = d.on("L", "ana", &["--json", "facts"]).expect(0).json();
    assert_eq!(rows.len(), json.as_array().unwrap().len());
    let date = rows.iter().find(|r| &r[1] == "date").unwrap();
    assert_eq!(
        (&date[0], &date[2], &date[3], &date[4]),
        ("S/RES/2774", "consistent", "2025-02-24", "24 February 2025")
    );
    assert_eq!(&date[9], "c-date: false");
    let flags = d.on("L", "ana", &["flags", "--csv"]).expect(0).stdout;
    let mut r = csv::Reader::from_reader(flags.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "code",
            "severity",
            "id",
            "subject",
            "predicate",
            "message",
            "claims",
            "sources"
        ]
    );
    let n = r.records().count();
    assert_eq!(
        n,
        d.on("L", "ana", &["--json", "flags"])
            .expect(0)
            .json()
            .as_array()
            .unwrap()
            .len()
    );
    d.on("L", "ana", &["--json", "facts", "--csv"])
        .expect(2)
        .stderr_has("--csv and --json");
}

#[test]
fn the_demo_records_a_verdict_on_the_misdated_claim_and_exports_claimreview_and_prov() {
    let d = Desk::new();
    let text = d.fl(&["--author", "demo", "demo"]).expect(0).stdout;
    assert!(
        text.contains("== A verdict: the desk rates article-sc-date 'false' and publishes it =="),
        "{text}"
    );
    assert!(
        text.contains("recorded desk.name, desk.url and the review as seq 62 to 64"),
        "{text}"
    );
    let j = d
        .fl(&["--author", "demo", "--json", "demo"])
        .expect(0)
        .json();
    let cr = &j["claimreview"];
    assert_eq!(cr["@type"], "ClaimReview");
    assert_eq!(cr["reviewRating"]["alternateName"], "false");
    assert_eq!(cr["url"], "https://desk.example/checks/s-res-2774-date");
    assert_eq!(cr["author"]["name"], "The Fixture Desk");
    let prov = &j["prov"];
    assert_eq!(
        prov["entity"]["fl:claim/article-sc-date"]["fl:subject"],
        "S/RES/2774"
    );
    assert_eq!(j["verify"]["ok"], json!(true));
    assert_eq!(
        j["log"].as_array().unwrap().last().unwrap()["type"],
        "review"
    );
}
