//! Provenance: `audit`, `graph`, `sources`, `show --text` and the provenance flags on the UN-votes
//! fixtures through the real binary, and `provenance::chain` on small hand-built graphs (plus a
//! property check of origins against a naive reference).

mod common;
mod fixture_ledger;

use factledger::model::event::{Event, EventBody, Retraction, Source, SourceKind, ZERO_HASH};
use factledger::projection::{self, MemTables};
use factledger::provenance::{chain, independent_sources, ChainProblem, Chains};
use fixture_ledger::{fixtures_dir, flag_fields, strings, Env};
use proptest::prelude::*;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// audit

/// The claims resting on the article, in id order.
const ARTICLE_CLAIMS: [&str; 9] = [
    "article-dicarlo-quote",
    "article-ga-date",
    "article-ga-russia-vote",
    "article-ga-us-vote",
    "article-sc-anniversary",
    "article-sc-date",
    "article-sc-drafter",
    "article-sc-outcome",
    "article-sc-title",
];

#[test]
fn article_claims_reach_no_primary_source() {
    let env = Env::fixtures();
    {
        let ledger = factledger::Ledger::open(&env.ledger(), None).expect("open");
        let mut ids = projection::claims_of_source(&ledger.tables(), "article-us-aligns")
            .expect("claims of source");
        ids.sort();
        assert_eq!(ids, ARTICLE_CLAIMS);
    }
    for id in ARTICLE_CLAIMS {
        let mut a = env.json(&["audit", id]);
        // The article cites nothing: the only source weighed is the claim's own, which says
        // nothing else on the claim's predicate.
        assert_eq!(
            a["weights"],
            json!([{"source": "article-us-aligns", "depth": 0, "primary": false,
                    "stance": "silent", "supporting": [], "contradicting": []}]),
            "{id}"
        );
        let flags = a["flags"].as_array().expect("flags").clone();
        assert!(
            flags.iter().any(|f| f["code"] == "no-primary-source"),
            "{id}: {flags:?}"
        );
        assert!(
            flags
                .iter()
                .all(|f| strings(&f["claims"]).contains(&id.to_string())),
            "{id}: {flags:?}"
        );
        let obj = a.as_object_mut().expect("object");
        obj.remove("weights");
        obj.remove("flags");
        assert_eq!(
            a,
            json!({
                "id": id,
                "type": "claim",
                "claim_status": "live",
                "source": "article-us-aligns",
                "reaches_primary": false,
                "primary_sources": [],
                "origins": ["article-us-aligns"],
                "independent_sources": 1,
                "source_withdrawn": false,
                "withdrawn_sources": [],
                "problems": [{
                    "code": "no-primary-source",
                    "message": "the chain reaches no live primary source",
                    "sources": [],
                }],
                "links": [{
                    "id": "article-us-aligns", "depth": 0, "in_ledger": true, "kind": "secondary",
                    "retracted": false, "archived_text": true, "in_loop": false, "repeat": false,
                    "cites": [],
                }],
            }),
            "{id}"
        );
    }
    let text = env.ok(&["audit", "article-sc-date"]);
    assert!(text.contains("reaches a primary source: NO"), "{text}");
    assert!(
        text.contains("no-primary-source: the chain reaches no live primary source"),
        "{text}"
    );
}

#[test]
fn audit_of_a_voting_record_claim_reaches_the_record() {
    let env = Env::fixtures();
    assert_eq!(
        env.json(&["audit", "un-sc-vote-us"]),
        json!({
            "flags": [],
            "weights": [{"source": "un-sc-record-2774", "depth": 0, "primary": true,
                         "stance": "silent", "supporting": [], "contradicting": []}],
            "id": "un-sc-vote-us",
            "type": "claim",
            "claim_status": "live",
            "source": "un-sc-record-2774",
            "reaches_primary": true,
            "primary_sources": ["un-sc-record-2774"],
            "origins": ["un-sc-record-2774"],
            "independent_sources": 1,
            "source_withdrawn": false,
            "withdrawn_sources": [],
            "problems": [],
            "links": [{
                "id": "un-sc-record-2774", "depth": 0, "in_ledger": true, "kind": "primary",
                "retracted": false, "archived_text": true, "in_loop": false, "repeat": false,
                "cites": [],
            }],
        })
    );
    // A source id is audited too: the explainer rests on the record.
    let a = env.json(&["audit", "explainer-un-record"]);
    assert_eq!(a["type"], "source");
    assert_eq!(a["claim_status"], Json::Null);
    assert_eq!(a["reaches_primary"], true);
    assert_eq!(a["primary_sources"], json!(["un-sc-record-2774"]));
    assert_eq!(a["origins"], json!(["un-sc-record-2774"]));
    assert_eq!(a["problems"], json!([]));
    let links: Vec<(String, u64)> = a["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["id"].as_str().expect("id").to_string(),
                l["depth"].as_u64().expect("depth"),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("explainer-un-record".to_string(), 0),
            ("un-sc-record-2774".to_string(), 1)
        ]
    );
    let text = env.ok(&["audit", "un-sc-vote-us"]);
    assert!(
        text.contains("reaches a primary source: yes (un-sc-record-2774)"),
        "{text}"
    );
    assert!(text.contains("problems: none"), "{text}");
}

#[test]
fn audit_reports_the_blog_loop() {
    let env = Env::fixtures();
    let a = env.json(&["audit", "blog-a-ga8-title"]);
    assert_eq!(
        a["problems"],
        json!([
            {"code": "circular-citation",
             "message": "citations form a loop: blog-loop-a → blog-loop-b → blog-loop-a",
             "sources": ["blog-loop-a", "blog-loop-b"]},
            {"code": "no-primary-source", "message": "the chain reaches no live primary source", "sources": []},
        ])
    );
    assert_eq!(a["reaches_primary"], false);
    assert_eq!(a["origins"], json!(["blog-loop-a"]));
    let links: Vec<(String, bool, bool)> = a["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["id"].as_str().expect("id").to_string(),
                l["in_loop"] == true,
                l["repeat"] == true,
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("blog-loop-a".to_string(), true, false),
            ("blog-loop-b".to_string(), true, false),
            ("blog-loop-a".to_string(), true, true)
        ]
    );
}

#[test]
fn audit_reports_the_dangling_citation() {
    let env = Env::fixtures();
    let a = env.json(&["audit", "aggregator-sc-outcome"]);
    assert_eq!(
        a["problems"],
        json!([
            {"code": "dangling-citation",
             "message": "aggregator-dangling cites 'agency-report-not-archived', which is not in the ledger",
             "sources": ["aggregator-dangling", "agency-report-not-archived"]},
            {"code": "no-primary-source", "message": "the chain reaches no live primary source", "sources": []},
        ])
    );
    assert_eq!(a["origins"], json!(["aggregator-dangling"]));
    assert_eq!(a["links"][1]["id"], "agency-report-not-archived");
    assert_eq!(a["links"][1]["in_ledger"], false);
    assert_eq!(a["links"][1]["kind"], Json::Null);
}

#[test]
fn audit_reports_the_retracted_tabloid() {
    let env = Env::fixtures();
    let a = env.json(&["audit", "newsletter-sc-drafter"]);
    assert_eq!(
        a["problems"],
        json!([
            {"code": "retracted-source",
             "message": "the chain passes through retracted source tabloid-ukraine",
             "sources": ["tabloid-ukraine"]},
            {"code": "no-primary-source", "message": "the chain reaches no live primary source", "sources": []},
        ])
    );
    assert_eq!(a["claim_status"], "live");
    assert_eq!(a["origins"], json!(["tabloid-ukraine"]));
    assert_eq!(a["links"][1]["retracted"], true);
    // The tabloid's own claim is no longer live.
    assert_eq!(
        env.json(&["audit", "tabloid-sc-drafter"])["claim_status"],
        "source-retracted"
    );
}

#[test]
fn audit_of_an_unknown_id_exits_2() {
    let env = Env::fixtures();
    let out = env
        .cmd()
        .args(["audit", "no-such-id"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no claim or source with id 'no-such-id' in the ledger"));
    assert!(out.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// provenance flags and independent sources

/// (subject, code, predicate, claims, sources).
type FlagRow = (String, String, String, Vec<String>, Vec<String>);

#[test]
fn provenance_flags_on_the_fixtures() {
    let env = Env::fixtures();
    let flags = env.json(&[
        "flags",
        "--code",
        "dangling-citation",
        "--code",
        "circular-citation",
        "--code",
        "retracted-source",
        "--code",
        "no-primary-source",
    ]);
    let got: Vec<FlagRow> = flags
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let (subject, code, predicate, claims) = flag_fields(f);
            (subject, code, predicate, claims, strings(&f["sources"]))
        })
        .collect();
    let r = |s: &str, c: &str, p: &str, claims: &[&str], sources: &[&str]| {
        (
            s.to_string(),
            c.to_string(),
            p.to_string(),
            claims.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            sources.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        )
    };
    let npf = "no-primary-source";
    let ga7 = "A/RES/ES-11/7";
    let sc = "S/RES/2774";
    let art = &["article-us-aligns"][..];
    // Warnings (citation problems) first, then info (no primary source); each by subject.
    assert_eq!(
        got,
        vec![
            r(
                sc,
                "retracted-source",
                "drafted by",
                &["newsletter-sc-drafter"],
                &["newsletter-relay", "tabloid-ukraine"]
            ),
            r(
                "aggregator-dangling",
                "dangling-citation",
                "cites",
                &[],
                &["agency-report-not-archived", "aggregator-dangling"]
            ),
            r(
                "blog-loop-a",
                "circular-citation",
                "cites",
                &[],
                &["blog-loop-a", "blog-loop-b"]
            ),
            r(ga7, npf, "date", &["article-ga-date"], art),
            r(
                ga7,
                npf,
                "put forward by",
                &["daily-ga7-sponsors"],
                &["daily-fixture-ga"]
            ),
            r(
                ga7,
                npf,
                "put forward by",
                &["evening-ga7-sponsors"],
                &["evening-fixture-ga"]
            ),
            r(ga7, npf, "tally", &["wire-ga7-tally"], &["wire-ga-vote"]),
            r(
                ga7,
                npf,
                "vote:Russian Federation",
                &["article-ga-russia-vote"],
                art
            ),
            r(ga7, npf, "vote:United States", &["article-ga-us-vote"], art),
            r(
                ga7,
                npf,
                "vote:United States",
                &["evening-ga7-us-vote-corrected"],
                &["evening-fixture-ga"]
            ),
            r(
                "A/RES/ES-11/8",
                npf,
                "title",
                &["blog-a-ga8-title"],
                &["blog-loop-a"]
            ),
            r(
                "DiCarlo briefing to the Security Council, 24 February 2025",
                npf,
                "quote",
                &["article-dicarlo-quote"],
                art
            ),
            r(sc, npf, "anniversary", &["article-sc-anniversary"], art),
            r(sc, npf, "date", &["article-sc-date"], art),
            r(sc, npf, "drafted by", &["article-sc-drafter"], art),
            r(
                sc,
                npf,
                "drafted by",
                &["newsletter-sc-drafter"],
                &["newsletter-relay"]
            ),
            r(
                sc,
                npf,
                "outcome",
                &["aggregator-sc-outcome"],
                &["aggregator-dangling"]
            ),
            r(sc, npf, "outcome", &["article-sc-outcome"], art),
            r(sc, npf, "title", &["article-sc-title"], art),
        ]
    );
    let messages: BTreeMap<&str, &str> = flags
        .as_array()
        .expect("array")
        .iter()
        .filter(|f| f["code"] != npf)
        .map(|f| {
            (
                f["code"].as_str().expect("code"),
                f["message"].as_str().expect("message"),
            )
        })
        .collect();
    assert_eq!(
        messages["circular-citation"],
        "citations form a loop: blog-loop-a → blog-loop-b → blog-loop-a"
    );
    assert_eq!(
        messages["dangling-citation"],
        "aggregator-dangling cites 'agency-report-not-archived', which is not in the ledger"
    );
    assert_eq!(
        messages["retracted-source"],
        "S/RES/2774 drafted by: claim newsletter-sc-drafter rests on newsletter-relay, whose chain passes through retracted source tabloid-ukraine"
    );
    // One code alone.
    let retracted = env.json(&["flags", "--code", "retracted-source"]);
    assert_eq!(retracted.as_array().expect("array").len(), 1);
    assert_eq!(retracted[0]["claims"], json!(["newsletter-sc-drafter"]));
}

#[test]
fn independent_sources_count_origins_not_reports() {
    let env = Env::fixtures();
    let facts = env.json(&["facts"]);
    let got: Vec<(String, String, u64)> = facts
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().expect("subject").to_string(),
                f["predicate"].as_str().expect("predicate").to_string(),
                f["independent_sources"].as_u64().expect("count"),
            )
        })
        .collect();
    let e = |s: &str, p: &str, n: u64| (s.to_string(), p.to_string(), n);
    let ga7 = "A/RES/ES-11/7";
    let ga8 = "A/RES/ES-11/8";
    let sc = "S/RES/2774";
    assert_eq!(
        got,
        vec![
            e(ga7, "date", 2),
            e(ga7, "outcome", 1),
            // Two papers rewriting one wire story: one origin.
            e(ga7, "put forward by", 1),
            // The UN coverage and the wire story (which cites nothing): two.
            e(ga7, "tally", 2),
            e(ga7, "title", 1),
            e(ga7, "vote:Russian Federation", 2),
            e(ga7, "vote:United States", 3),
            e(ga8, "outcome", 1),
            e(ga8, "tally", 1),
            e(ga8, "title", 1),
            e(ga8, "vote:United States", 1),
            e(
                "DiCarlo briefing to the Security Council, 24 February 2025",
                "quote",
                2
            ),
            e("DiCarlo remarks as the article words them", "quote", 1),
            e(sc, "anniversary", 2),
            e(sc, "date", 2),
            e(sc, "drafted by", 3),
            e(sc, "outcome", 3),
            // The explainer cites the voting record: one origin.
            e(sc, "tally", 1),
            e(sc, "title", 2),
            e(sc, "vote:China", 1),
            e(sc, "vote:France", 1),
            e(sc, "vote:Russian Federation", 1),
            e(sc, "vote:United Kingdom", 1),
            e(sc, "vote:United States", 1),
        ]
    );
    let sponsors = facts
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["subject"] == ga7 && f["predicate"] == "put forward by")
        .expect("fact");
    assert_eq!(
        sponsors["sources"],
        json!(["daily-fixture-ga", "evening-fixture-ga"])
    );
}

// ---------------------------------------------------------------------------------------------
// pictures

#[test]
fn audit_dot_marks_primary_retracted_missing_and_loops() {
    let env = Env::fixtures();
    let primary = env.ok(&["audit", "un-sc-vote-us", "--dot"]);
    assert!(primary.starts_with("digraph provenance {"), "{primary}");
    assert!(primary.trim_end().ends_with('}'), "{primary}");
    assert!(primary.contains("\"claim:un-sc-vote-us\""), "{primary}");
    let record_line = line_of(&primary, "\"source:un-sc-record-2774\" [");
    assert!(record_line.contains("fillcolor="), "{record_line}");
    assert!(record_line.contains("[primary]"), "{record_line}");
    assert!(
        primary.contains("\"claim:un-sc-vote-us\" -> \"source:un-sc-record-2774\""),
        "{primary}"
    );

    let retracted = env.ok(&["audit", "newsletter-sc-drafter", "--dot"]);
    assert!(retracted.starts_with("digraph"), "{retracted}");
    let tabloid = line_of(&retracted, "\"source:tabloid-ukraine\" [");
    assert!(tabloid.contains("color=red"), "{tabloid}");
    assert!(tabloid.contains("(retracted)"), "{tabloid}");
    assert!(
        !line_of(&retracted, "\"source:newsletter-relay\" [").contains("color=red"),
        "{retracted}"
    );
    // The claim's chain has a problem: its note is outlined red.
    assert!(line_of(&retracted, "\"claim:newsletter-sc-drafter\" [").contains("color=red"));

    let missing = env.ok(&["audit", "aggregator-sc-outcome", "--dot"]);
    let agency = line_of(&missing, "\"source:agency-report-not-archived\" [");
    assert!(agency.contains("style=dotted"), "{agency}");
    let dangling = line_of(
        &missing,
        "\"source:aggregator-dangling\" -> \"source:agency-report-not-archived\"",
    );
    assert!(dangling.contains("dangling"), "{dangling}");

    let looped = env.ok(&["audit", "blog-a-ga8-title", "--dot"]);
    for (from, to) in [
        ("blog-loop-a", "blog-loop-b"),
        ("blog-loop-b", "blog-loop-a"),
    ] {
        let edge = line_of(&looped, &format!("\"source:{from}\" -> \"source:{to}\""));
        assert!(edge.contains("label=\"loop\""), "{edge}");
    }
    // --dot and --json do not mix.
    let out = env
        .cmd()
        .args(["audit", "un-sc-vote-us", "--dot", "--json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

/// `--dot` is declared to conflict with `--json`, but the conflict is only enforced when
/// `--json` comes after the subcommand; before it (`factledger --json audit ID --dot`, the usual
/// place for a global option) the DOT is printed and `--json` silently ignored.
#[test]
fn json_before_the_subcommand_also_conflicts_with_dot() {
    let env = Env::fixtures();
    for args in [
        &["--json", "audit", "un-sc-vote-us", "--dot"][..],
        &["--json", "graph", "--dot"][..],
    ] {
        let out = env.cmd().args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

fn line_of<'a>(dot: &'a str, start: &str) -> &'a str {
    let found: Vec<&str> = dot
        .lines()
        .filter(|l| l.trim_start().starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "{start} in\n{dot}");
    found[0]
}

#[test]
fn graph_dot_draws_every_claim_and_source() {
    let env = Env::fixtures();
    let dot = env.ok(&["graph", "--dot"]);
    assert!(dot.starts_with("digraph provenance {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    let sources = [
        "agency-report-not-archived",
        "aggregator-dangling",
        "article-us-aligns",
        "blog-loop-a",
        "blog-loop-b",
        "daily-fixture-ga",
        "evening-fixture-ga",
        "explainer-un-record",
        "newsletter-relay",
        "tabloid-ukraine",
        "un-ga-coverage-2025-02-24",
        "un-sc-coverage-2025-02-24",
        "un-sc-record-2774",
        "wire-ga-vote",
    ];
    for s in sources {
        line_of(&dot, &format!("\"source:{s}\" ["));
    }
    let primaries: Vec<&str> = dot.lines().filter(|l| l.contains("fillcolor=")).collect();
    assert_eq!(primaries.len(), 3, "{primaries:#?}");
    assert_eq!(
        dot.matches("\"claim:").count(),
        42 * 2,
        "node and edge per claim"
    );
    assert!(line_of(&dot, "\"source:tabloid-ukraine\" [").contains("color=red"));
    assert!(line_of(&dot, "\"source:agency-report-not-archived\" [").contains("style=dotted"));
    assert_eq!(dot.matches("label=\"loop\"").count(), 2);
    // Claims no longer live are drawn dashed.
    assert!(line_of(&dot, "\"claim:daily-ga7-tally\" [").contains("style=dashed"));

    let one = env.ok(&["graph", "--subject", "A/RES/ES-11/8", "--dot"]);
    assert!(one.starts_with("digraph"), "{one}");
    assert!(one.contains("\"claim:blog-a-ga8-title\""), "{one}");
    assert!(!one.contains("\"claim:un-ga7-tally\""), "{one}");
    assert!(!one.contains("source:un-sc-record-2774"), "{one}");
    assert_eq!(one.matches("label=\"loop\"").count(), 2, "{one}");

    let g = env.json(&["graph"]);
    assert_eq!(g["claims"].as_array().expect("claims").len(), 42);
    let ids: Vec<&str> = g["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, sources);
    assert_eq!(
        g["citations"],
        json!([
            {"from": "aggregator-dangling", "to": "agency-report-not-archived"},
            {"from": "blog-loop-a", "to": "blog-loop-b"},
            {"from": "blog-loop-b", "to": "blog-loop-a"},
            {"from": "daily-fixture-ga", "to": "wire-ga-vote"},
            {"from": "evening-fixture-ga", "to": "wire-ga-vote"},
            {"from": "explainer-un-record", "to": "un-sc-record-2774"},
            {"from": "newsletter-relay", "to": "tabloid-ukraine"},
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// sources and archived texts

#[test]
fn sources_json_counts_citations_and_live_claims() {
    let env = Env::fixtures();
    let sources = env.json(&["sources"]);
    type SourceRow = (
        String,
        String,
        Vec<String>,
        Vec<String>,
        Vec<String>,
        u64,
        bool,
        bool,
    );
    let got: Vec<SourceRow> = sources
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().expect("id").to_string(),
                s["kind"].as_str().expect("kind").to_string(),
                strings(&s["cites"]),
                strings(&s["cites_missing"]),
                strings(&s["cited_by"]),
                s["live_claims"].as_u64().expect("live_claims"),
                s["retracted"].as_bool().expect("retracted"),
                s["archived_text"].as_bool().expect("archived_text"),
            )
        })
        .collect();
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    #[allow(clippy::too_many_arguments)]
    fn s(
        id: &str,
        kind: &str,
        cites: Vec<String>,
        missing: Vec<String>,
        cited_by: Vec<String>,
        live: u64,
        retracted: bool,
        text: bool,
    ) -> SourceRow {
        (
            id.into(),
            kind.into(),
            cites,
            missing,
            cited_by,
            live,
            retracted,
            text,
        )
    }
    let (sec, pri) = ("secondary", "primary");
    assert_eq!(
        got,
        vec![
            s(
                "aggregator-dangling",
                sec,
                v(&["agency-report-not-archived"]),
                v(&["agency-report-not-archived"]),
                v(&[]),
                1,
                false,
                false
            ),
            s(
                "article-us-aligns",
                sec,
                v(&[]),
                v(&[]),
                v(&[]),
                9,
                false,
                true
            ),
            s(
                "blog-loop-a",
                sec,
                v(&["blog-loop-b"]),
                v(&[]),
                v(&["blog-loop-b"]),
                1,
                false,
                false
            ),
            s(
                "blog-loop-b",
                sec,
                v(&["blog-loop-a"]),
                v(&[]),
                v(&["blog-loop-a"]),
                0,
                false,
                false
            ),
            // daily-ga7-tally was retracted: one live claim left.
            s(
                "daily-fixture-ga",
                sec,
                v(&["wire-ga-vote"]),
                v(&[]),
                v(&[]),
                1,
                false,
                false
            ),
            // The sponsors claim and the corrected US vote (the first edition is superseded).
            s(
                "evening-fixture-ga",
                sec,
                v(&["wire-ga-vote"]),
                v(&[]),
                v(&[]),
                2,
                false,
                false
            ),
            s(
                "explainer-un-record",
                sec,
                v(&["un-sc-record-2774"]),
                v(&[]),
                v(&[]),
                1,
                false,
                false
            ),
            s(
                "newsletter-relay",
                sec,
                v(&["tabloid-ukraine"]),
                v(&[]),
                v(&[]),
                1,
                false,
                false
            ),
            s(
                "tabloid-ukraine",
                sec,
                v(&[]),
                v(&[]),
                v(&["newsletter-relay"]),
                0,
                true,
                false
            ),
            s(
                "un-ga-coverage-2025-02-24",
                pri,
                v(&[]),
                v(&[]),
                v(&[]),
                9,
                false,
                true
            ),
            s(
                "un-sc-coverage-2025-02-24",
                pri,
                v(&[]),
                v(&[]),
                v(&[]),
                6,
                false,
                true
            ),
            s(
                "un-sc-record-2774",
                pri,
                v(&[]),
                v(&[]),
                v(&["explainer-un-record"]),
                7,
                false,
                true
            ),
            s(
                "wire-ga-vote",
                sec,
                v(&[]),
                v(&[]),
                v(&["daily-fixture-ga", "evening-fixture-ga"]),
                1,
                false,
                true
            ),
        ]
    );
}

#[test]
fn show_text_prints_the_archived_text() {
    let env = Env::fixtures();
    let expected =
        std::fs::read_to_string(fixtures_dir().join("texts/wire-ga-vote.txt")).expect("fixture");
    let text = env.ok(&["show", "wire-ga-vote", "--text"]);
    assert!(text.contains(&expected), "{text}");
    assert!(
        text.contains("text      341 bytes archived, blake3 "),
        "{text}"
    );
    let j = env.json(&["show", "wire-ga-vote", "--text"]);
    assert_eq!(j["text"], expected.as_str());
    assert_eq!(j["text_len"], expected.len());
    assert_eq!(
        j["text_hash"],
        blake3::hash(expected.as_bytes()).to_hex().as_str()
    );
    // A source without an archived text.
    let none = env.json(&["show", "blog-loop-a", "--text"]);
    assert_eq!(none["text"], Json::Null);
    assert!(env
        .ok(&["show", "blog-loop-a", "--text"])
        .contains("(none archived)"));
}

// ---------------------------------------------------------------------------------------------
// provenance::chain on hand-built graphs

/// A source graph: (id, primary, cites); then retractions.
fn tables(sources: &[(&str, bool, &[&str])], retracted: &[&str]) -> MemTables {
    let mut t = MemTables::default();
    let mut seq = 0;
    let mut push = |t: &mut MemTables, body: EventBody| {
        seq += 1;
        let e = Event::new(seq, 0, "test".into(), ZERO_HASH, body);
        projection::apply(t, &e).expect("apply");
    };
    for (id, primary, cites) in sources {
        push(
            &mut t,
            EventBody::SourceRegistered(Source {
                id: id.to_string(),
                kind: if *primary {
                    SourceKind::Primary
                } else {
                    SourceKind::Secondary
                },
                publisher: None,
                title: None,
                url: None,
                published: None,
                cites: cites.iter().map(|c| c.to_string()).collect(),
                text: None,
            }),
        );
    }
    for r in retracted {
        push(
            &mut t,
            EventBody::Retracted(Retraction {
                target: r.to_string(),
                reason: "test".into(),
            }),
        );
    }
    t
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn chain_diamond_has_one_primary_origin() {
    let t = tables(
        &[
            ("a", false, &["b", "c"]),
            ("b", false, &["p"]),
            ("c", false, &["p"]),
            ("p", true, &[]),
        ],
        &[],
    );
    let c = chain(&t, "a").expect("chain");
    assert_eq!(c.primary_sources, set(&["p"]));
    assert_eq!(c.origins, set(&["p"]));
    assert!(c.reaches_primary());
    assert_eq!(c.problems, vec![]);
    // p is reached twice: shown once, then marked as a repeat.
    let links: Vec<(&str, usize, bool)> = c
        .links
        .iter()
        .map(|l| (l.id.as_str(), l.depth, l.repeat))
        .collect();
    assert_eq!(
        links,
        [
            ("a", 0, false),
            ("b", 1, false),
            ("p", 2, false),
            ("c", 1, false),
            ("p", 2, true)
        ]
    );
    let mut chains = Chains::default();
    assert_eq!(
        independent_sources(&t, &mut chains, &["b".into(), "c".into(), "a".into()]).expect("count"),
        1
    );
}

#[test]
fn chain_ending_in_missing_citations_originates_at_the_last_source() {
    let t = tables(&[("a", false, &["b"]), ("b", false, &["x", "y"])], &[]);
    let c = chain(&t, "a").expect("chain");
    assert!(!c.reaches_primary());
    assert_eq!(c.origins, set(&["b"]));
    assert_eq!(
        c.problems,
        vec![
            ChainProblem::Dangling {
                source: "b".into(),
                missing: "x".into()
            },
            ChainProblem::Dangling {
                source: "b".into(),
                missing: "y".into()
            },
            ChainProblem::NoPrimary,
        ]
    );
    assert_eq!(
        c.edges,
        vec![
            ("a".to_string(), "b".to_string()),
            ("b".to_string(), "x".to_string()),
            ("b".to_string(), "y".to_string())
        ]
    );
    // A root that is itself missing: no origins at all.
    let missing = chain(&t, "x").expect("chain");
    assert_eq!(missing.origins, set(&[]));
    assert_eq!(missing.problems, vec![ChainProblem::NoPrimary]);
}

#[test]
fn loop_with_an_exit_to_a_primary_originates_at_the_primary() {
    let t = tables(
        &[
            ("a", false, &["b"]),
            ("b", false, &["a", "p"]),
            ("p", true, &[]),
        ],
        &[],
    );
    let c = chain(&t, "a").expect("chain");
    assert_eq!(c.origins, set(&["p"]));
    assert_eq!(c.primary_sources, set(&["p"]));
    assert_eq!(
        c.problems,
        vec![ChainProblem::Loop(vec!["a".into(), "b".into()])]
    );
    assert!(c.links.iter().filter(|l| l.id != "p").all(|l| l.in_loop));
    assert!(!c.links.iter().any(|l| l.id == "p" && l.in_loop));
}

#[test]
fn loop_with_no_exit_is_one_origin_named_by_its_smallest_id() {
    // r cites the loop z → m → q → z, which leads nowhere else.
    let t = tables(
        &[
            ("r", false, &["z"]),
            ("z", false, &["m"]),
            ("m", false, &["q"]),
            ("q", false, &["z"]),
        ],
        &[],
    );
    let c = chain(&t, "r").expect("chain");
    assert_eq!(c.origins, set(&["m"]));
    assert_eq!(
        c.problems,
        vec![
            ChainProblem::Loop(vec!["m".into(), "q".into(), "z".into()]),
            ChainProblem::NoPrimary
        ]
    );
    // Entered anywhere, the loop is the same single origin.
    for root in ["z", "m", "q"] {
        assert_eq!(
            chain(&t, root).expect("chain").origins,
            set(&["m"]),
            "{root}"
        );
    }
    // A loop with an exit to a source citing only missing ids: that source is the origin.
    let t = tables(
        &[
            ("a", false, &["b"]),
            ("b", false, &["a", "c"]),
            ("c", false, &["gone"]),
        ],
        &[],
    );
    assert_eq!(chain(&t, "a").expect("chain").origins, set(&["c"]));
}

#[test]
fn a_retracted_primary_is_not_a_primary_origin() {
    let t = tables(&[("a", false, &["p"]), ("p", true, &[])], &["p"]);
    let c = chain(&t, "a").expect("chain");
    assert!(!c.reaches_primary());
    assert_eq!(c.primary_sources, set(&[]));
    // It still ends the chain (it cites nothing), so it is where the chain originates.
    assert_eq!(c.origins, set(&["p"]));
    assert_eq!(
        c.problems,
        vec![ChainProblem::Retracted("p".into()), ChainProblem::NoPrimary]
    );
    assert!(!c.links[1].is_live_primary());
    // A retracted primary is followed through to what it cites.
    let t = tables(
        &[("a", false, &["p"]), ("p", true, &["q"]), ("q", true, &[])],
        &["p"],
    );
    let c = chain(&t, "a").expect("chain");
    assert_eq!(c.primary_sources, set(&["q"]));
    assert_eq!(c.origins, set(&["q"]));
    assert_eq!(c.problems, vec![ChainProblem::Retracted("p".into())]);
    // A live primary is not followed: what it cites is not part of the chain.
    let t = tables(
        &[
            ("a", false, &["p"]),
            ("p", true, &["gone", "q"]),
            ("q", true, &[]),
        ],
        &[],
    );
    let c = chain(&t, "a").expect("chain");
    assert_eq!(c.origins, set(&["p"]));
    assert_eq!(c.problems, vec![]);
    assert_eq!(c.links.len(), 2);
}

/// What `chain` should find, computed the slow, obvious way.
struct Expected {
    reached: BTreeSet<String>,
    primaries: BTreeSet<String>,
    origins: BTreeSet<String>,
    problems: BTreeSet<ChainProblem>,
}

type Graph = BTreeMap<String, (bool, bool, Vec<String>)>;

fn naive(graph: &Graph, root: &str) -> Expected {
    let live_primary = |id: &str| graph.get(id).is_some_and(|(p, r, _)| *p && !*r);
    let succ = |id: &str| -> Vec<String> {
        match graph.get(id) {
            Some((_, _, cites)) if !live_primary(id) => cites.clone(),
            _ => Vec::new(),
        }
    };
    // Reached: everything along citations from the root, stopping at live primaries.
    let mut reached = BTreeSet::new();
    let mut stack = vec![root.to_string()];
    while let Some(id) = stack.pop() {
        if reached.insert(id.clone()) {
            stack.extend(succ(&id));
        }
    }
    let present: BTreeSet<String> = reached
        .iter()
        .filter(|id| graph.contains_key(*id))
        .cloned()
        .collect();
    // reach[v]: present nodes reachable from v in one or more steps.
    let reach = |v: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = succ(v);
        while let Some(id) = stack.pop() {
            if present.contains(&id) && seen.insert(id.clone()) {
                stack.extend(succ(&id));
            }
        }
        seen
    };
    let reach: BTreeMap<String, BTreeSet<String>> =
        present.iter().map(|v| (v.clone(), reach(v))).collect();
    let component = |v: &str| -> BTreeSet<String> {
        let mut c: BTreeSet<String> = reach[v]
            .iter()
            .filter(|w| reach[*w].contains(v))
            .cloned()
            .collect();
        c.insert(v.to_string());
        c
    };
    let primaries: BTreeSet<String> = present
        .iter()
        .filter(|id| live_primary(id))
        .cloned()
        .collect();
    let mut problems = BTreeSet::new();
    let mut origins = BTreeSet::new();
    for v in &present {
        let c = component(v);
        if c.len() > 1 {
            problems.insert(ChainProblem::Loop(c.iter().cloned().collect()));
        }
        if graph[v].1 {
            problems.insert(ChainProblem::Retracted(v.clone()));
        }
        for m in succ(v) {
            if !graph.contains_key(&m) {
                problems.insert(ChainProblem::Dangling {
                    source: v.clone(),
                    missing: m,
                });
            }
        }
        // A sink component: everything reachable from v leads back to v.
        if reach[v].iter().all(|w| c.contains(w)) {
            origins.insert(c.iter().next().expect("non-empty").clone());
        }
    }
    if primaries.is_empty() {
        problems.insert(ChainProblem::NoPrimary);
    } else {
        origins = primaries.clone();
    }
    Expected {
        reached,
        primaries,
        origins,
        problems,
    }
}

const IDS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

fn graph_strategy() -> impl Strategy<Value = (Graph, Vec<String>)> {
    prop::collection::vec(
        (
            prop::bool::weighted(0.85),
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.2),
            prop::collection::btree_set(0..IDS.len() + 2, 0..4),
        ),
        IDS.len(),
    )
    .prop_map(|nodes| {
        let mut g = Graph::new();
        let mut retracted = Vec::new();
        for (i, (present, primary, retract, cites)) in nodes.into_iter().enumerate() {
            if !present {
                continue;
            }
            let cites: Vec<String> = cites
                .into_iter()
                .filter(|&c| c != i)
                .map(|c| IDS.get(c).map_or(format!("missing-{c}"), |s| s.to_string()))
                .collect();
            g.insert(IDS[i].to_string(), (primary, retract, cites));
            if retract {
                retracted.push(IDS[i].to_string());
            }
        }
        (g, retracted)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Origins, primaries and problems of every chain agree with a naive reference.
    #[test]
    fn chain_agrees_with_a_naive_reference((graph, retracted) in graph_strategy()) {
        let sources: Vec<(&str, bool, Vec<&str>)> = graph
            .iter()
            .map(|(id, (p, _, cites))| (id.as_str(), *p, cites.iter().map(String::as_str).collect()))
            .collect();
        let as_slices: Vec<(&str, bool, &[&str])> =
            sources.iter().map(|(id, p, c)| (*id, *p, c.as_slice())).collect();
        let retracted: Vec<&str> = retracted.iter().map(String::as_str).collect();
        let t = tables(&as_slices, &retracted);
        for root in IDS {
            let c = chain(&t, root).expect("chain");
            let e = naive(&graph, root);
            prop_assert_eq!(&c.primary_sources, &e.primaries, "primaries from {}", root);
            prop_assert_eq!(&c.origins, &e.origins, "origins from {}", root);
            let problems: BTreeSet<ChainProblem> = c.problems.iter().cloned().collect();
            prop_assert_eq!(problems.len(), c.problems.len(), "problems repeated");
            prop_assert_eq!(&problems, &e.problems, "problems from {}", root);
            let shown: BTreeSet<String> =
                c.links.iter().filter(|l| !l.repeat).map(|l| l.id.clone()).collect();
            prop_assert_eq!(
                c.links.iter().filter(|l| !l.repeat).count(),
                shown.len(),
                "a source shown twice"
            );
            prop_assert_eq!(&shown, &e.reached, "links from {}", root);
        }
    }
}
