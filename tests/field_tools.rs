//! Our output read by the libraries the field uses, not only by our own code: the PROV-JSON by
//! the reference Python library for PROV (`prov`), the ClaimReview pages by the structured-data
//! extractor crawlers use (`extruct`).
//!
//! The Python interpreter is the one `FACTLEDGER_PYTHON` names (`.ci/run` makes a virtual
//! environment with both packages and sets it). Without it, or without the packages, each test
//! says it was skipped and why, and passes; with `FACTLEDGER_REQUIRE_PYTHON=1` (CI) it fails
//! instead.

mod common;
mod desk;

use desk::*;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// The interpreter to use, or `None` (after saying why) when the test is to be skipped.
fn python(module: &str, test: &str) -> Option<PathBuf> {
    let required = std::env::var("FACTLEDGER_REQUIRE_PYTHON").is_ok_and(|v| v == "1");
    let skip = |why: String| {
        assert!(!required, "{test}: FACTLEDGER_REQUIRE_PYTHON=1 but {why}");
        eprintln!("skipped {test}: {why}");
        None
    };
    let Some(py) = std::env::var_os("FACTLEDGER_PYTHON") else {
        return skip(
            "FACTLEDGER_PYTHON is not set (`.ci/run` sets it to a venv with prov and extruct)"
                .into(),
        );
    };
    let py = PathBuf::from(py);
    match Command::new(&py)
        .args(["-c", &format!("import {module}")])
        .output()
    {
        Ok(o) if o.status.success() => Some(py),
        Ok(o) => skip(format!(
            "{} cannot import {module}: {}",
            py.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => skip(format!("{} does not run: {e}", py.display())),
    }
}

/// Runs a Python script with arguments; its standard output is one JSON value.
fn run_python(py: &PathBuf, script: &str, args: &[&std::path::Path]) -> Json {
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python prints JSON")
}

const PROV_SCRIPT: &str = r#"
import json, sys
from collections import Counter
from prov.model import ProvDocument, ProvEntity, ProvAgent, ProvActivity, PROV_TYPE
doc = ProvDocument.deserialize(sys.argv[1], format='json')
recs = list(doc.get_records())
def types(r):
    return sorted(str(t) for t in r.get_asserted_types())
rels = Counter()
for r in recs:
    if r.is_relation():
        name = type(r).__name__
        if name == 'ProvDerivation' and types(r):
            name += ':' + types(r)[0]
        rels[name] += 1
print(json.dumps({
    'entities': Counter(types(r)[0] for r in recs if isinstance(r, ProvEntity)),
    'agents': sum(1 for r in recs if isinstance(r, ProvAgent)),
    'activities': sum(1 for r in recs if isinstance(r, ProvActivity)),
    'relations': rels,
}))
"#;

#[test]
fn prov_json_is_read_by_the_reference_prov_library_with_the_ledger_s_counts() {
    let Some(py) = python("prov", "prov_json") else {
        return;
    };
    let d = Desk::new();
    d.signed_ledger("L");
    // A correction (a revision and an invalidation) and a publisher with a space in its name.
    d.write(
        "more.jsonl",
        [
            json!({"type":"source","id":"daily","kind":"secondary","publisher":"The Daily Fixture","cites":["wire","gone"]}),
            json!({"type":"claim","id":"c-date-2","source":"daily","subject":"S/RES/2774","predicate":"date","value":"2025-02-24","supersedes":"c-date","claimant":"A Minister"}),
        ]
        .iter()
        .map(|v| format!("{v}\n"))
        .collect::<String>(),
    );
    d.on("L", "ana", &["import", "more.jsonl"]).expect(0);
    d.on("L", "ana", &["export", "--prov", "--out", "prov.json"])
        .expect(0);
    let got = run_python(&py, PROV_SCRIPT, &[&d.p("prov.json")]);

    // What the ledger holds, from its own log.
    let log = d.on("L", "ana", &["--json", "log"]).expect(0).json_lines();
    let of = |ty: &str| log.iter().filter(|e| e["type"] == ty).collect::<Vec<_>>();
    let sources = of("source");
    let claims = of("claim");
    let retractions = of("retract");
    let source_ids: BTreeSet<&str> = sources.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let texts: BTreeSet<&str> = sources
        .iter()
        .filter_map(|s| s["text_hash"].as_str())
        .collect();
    let missing: BTreeSet<&str> = sources
        .iter()
        .flat_map(|s| {
            s["cites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
        })
        .filter(|c| !source_ids.contains(c))
        .collect();
    let kind: BTreeMap<&str, &str> = sources
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    let cites: Vec<(&str, &str)> = sources
        .iter()
        .flat_map(|s| {
            let id = s["id"].as_str().unwrap();
            s["cites"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |c| (id, c.as_str().unwrap()))
        })
        .collect();
    let primary_cites = cites
        .iter()
        .filter(|(_, c)| kind.get(c) == Some(&"primary"))
        .count();
    let revisions = claims
        .iter()
        .filter(|c| c["supersedes"].is_string())
        .count();
    let claim_primaries: usize = claims
        .iter()
        .map(|c| {
            let a = d
                .on("L", "ana", &["--json", "audit", c["id"].as_str().unwrap()])
                .expect(0)
                .json();
            a["primary_sources"].as_array().unwrap().len()
        })
        .sum();
    let authors: BTreeSet<&str> = log
        .iter()
        .filter(|e| ["source", "claim", "retract"].contains(&e["type"].as_str().unwrap()))
        .map(|e| e["author"].as_str().unwrap())
        .collect();
    let publishers: BTreeSet<&str> = sources
        .iter()
        .filter_map(|s| s["publisher"].as_str())
        .collect();
    let claimants: BTreeSet<&str> = claims
        .iter()
        .filter_map(|c| c["claimant"].as_str())
        .collect();
    let activities = sources.len() + claims.len() + retractions.len();

    let mut entities = BTreeMap::new();
    entities.insert("fl:Source", sources.len());
    entities.insert("fl:Claim", claims.len());
    entities.insert("fl:ArchivedText", texts.len());
    entities.insert("fl:MissingSource", missing.len());
    assert_eq!(got["entities"], json!(entities));
    assert_eq!(
        got["agents"],
        json!(authors.len() + publishers.len() + claimants.len())
    );
    assert_eq!(got["activities"], json!(activities));
    assert_eq!(
        got["relations"],
        json!({
            "ProvGeneration": sources.len() + sources.iter().filter(|s| s["text_hash"].is_string()).count() + claims.len(),
            "ProvAssociation": activities,
            "ProvAttribution": sources.iter().filter(|s| s["publisher"].is_string()).count() + claims.iter().filter(|c| c["claimant"].is_string()).count(),
            "ProvAlternate": sources.iter().filter(|s| s["text_hash"].is_string()).count(),
            "ProvInvalidation": retractions.len() + revisions,
            "ProvDerivation": cites.len() - primary_cites + claims.len(),
            "ProvDerivation:prov:PrimarySource": primary_cites + claim_primaries,
            "ProvDerivation:prov:Revision": revisions,
        })
    );
}

const EXTRUCT_SCRIPT: &str = r#"
import json, sys, os
import extruct
pages = {}
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        html = f.read()
    data = extruct.extract(html, base_url='https://desk.example/', syntaxes=['json-ld'], uniform=True)
    pages[os.path.basename(path)] = data['json-ld']
print(json.dumps(pages))
"#;

/// Google's required and recommended ClaimReview properties, checked on one extracted object.
fn check_google(name: &str, cr: &Json) {
    let text = |v: &Json, what: &str| {
        let s = v
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {what} is not text: {cr}"));
        assert!(!s.trim().is_empty(), "{name}: {what} is empty");
    };
    assert_eq!(cr["@type"], "ClaimReview", "{name}");
    assert_eq!(cr["@context"], "https://schema.org", "{name}");
    // Required.
    text(&cr["claimReviewed"], "claimReviewed");
    text(&cr["url"], "url");
    let rating = &cr["reviewRating"];
    assert_eq!(rating["@type"], "Rating", "{name}");
    text(&rating["alternateName"], "reviewRating.alternateName");
    // Recommended: the numbers, in range.
    let (best, worst, value) = (
        rating["bestRating"].as_i64().expect("bestRating"),
        rating["worstRating"].as_i64().expect("worstRating"),
        rating["ratingValue"].as_i64().expect("ratingValue"),
    );
    assert!(
        worst >= 1 && best > worst && (worst..=best).contains(&value),
        "{name}: {rating}"
    );
    text(&cr["author"]["name"], "author.name");
    text(&cr["author"]["url"], "author.url");
    assert_eq!(cr["author"]["@type"], "Organization", "{name}");
    text(&cr["datePublished"], "datePublished");
    let item = &cr["itemReviewed"];
    assert_eq!(item["@type"], "Claim", "{name}");
    text(&item["author"]["name"], "itemReviewed.author.name");
    text(&item["datePublished"], "itemReviewed.datePublished");
    let first = &item["firstAppearance"];
    assert_eq!(first["@type"], "CreativeWork", "{name}");
    text(&first["url"], "itemReviewed.firstAppearance.url");
    assert!(
        !item["appearance"]
            .as_array()
            .expect("appearance")
            .is_empty(),
        "{name}"
    );
}

#[test]
fn claimreview_pages_are_read_by_extruct_and_meet_google_s_properties() {
    let Some(py) = python("extruct", "claimreview_pages") else {
        return;
    };
    let d = Desk::new();
    d.signed_ledger("L");
    d.on(
        "L",
        "ana",
        &["config", "set", "desk.name", "Fixture <Desk> & Co"],
    )
    .expect(0);
    d.on(
        "L",
        "ana",
        &["config", "set", "desk.url", "https://desk.example/"],
    )
    .expect(0);
    // The sources need URLs and dates for the appearance Google recommends.
    d.write(
        "dated.jsonl",
        [
            json!({"type":"source","id":"paper","kind":"secondary","publisher":"The Paper","title":"Council vote </script><script>alert(1)</script>","url":"https://paper.example/vote","published":"25 February 2025"}),
            json!({"type":"claim","id":"c-paper","source":"paper","subject":"S/RES/2774","predicate":"outcome","value":"adopted"}),
        ]
        .iter()
        .map(|v| format!("{v}\n"))
        .collect::<String>(),
    );
    d.on("L", "ana", &["import", "dated.jsonl"]).expect(0);
    for (claim, rating) in [("c-paper", "true"), ("c-date", "misleading")] {
        d.on(
            "L",
            "ana",
            &[
                "review",
                claim,
                "--rating",
                rating,
                "--explanation",
                "Checked against the record.",
                "--url",
                &format!("https://desk.example/{claim}"),
            ],
        )
        .expect(0);
    }
    // c-date's source (the wire) has no URL: the page for c-paper only is checked in full, but
    // both pages are read.
    d.on("L", "ana", &["export", "--claimreview", "--html", "site"])
        .expect(0);
    let pages = [d.p("site/c-paper.html"), d.p("site/c-date.html")];
    let got = run_python(&py, EXTRUCT_SCRIPT, &[&pages[0], &pages[1]]);
    let reviews = d.on("L", "ana", &["--json", "reviews"]).expect(0).json();
    for (file, claim) in [("c-paper.html", "c-paper"), ("c-date.html", "c-date")] {
        let found = got[file].as_array().expect("extracted");
        assert_eq!(found.len(), 1, "{file}: one ClaimReview: {found:?}");
        let cr = &found[0];
        let ours = reviews
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["claim"] == claim)
            .unwrap();
        assert_eq!(
            cr["reviewRating"]["alternateName"], ours["current"][0]["rating"],
            "{file}"
        );
        assert_eq!(
            cr["reviewRating"]["ratingValue"], ours["current"][0]["value"],
            "{file}"
        );
        assert_eq!(cr["url"], ours["current"][0]["url"], "{file}");
        assert_eq!(cr["author"]["name"], "Fixture <Desk> & Co", "{file}");
        if claim == "c-paper" {
            check_google(file, cr);
            assert_eq!(
                cr["itemReviewed"]["firstAppearance"]["headline"],
                "Council vote </script><script>alert(1)</script>"
            );
        }
    }
}
