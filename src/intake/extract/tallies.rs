//! Tallies and outcomes. Tallies in their usual forms: labelled counts ("93 in favour, 18 against
//! and 65 abstentions", "10 in favour to none against, with 5 abstentions", lists in parentheses
//! between them), "by a vote of 10 to 0, with 5 abstentions", dashed counts after a vote word
//! ("adopted 10-0-5"), and "12 of the Council's 15 members voted in favour". Outcomes: adopted
//! (also "passed", "approved"), rejected ("failed to pass", "was not adopted"), vetoed ("vetoed",
//! "owing to the negative vote of a permanent member").
//!
//! The body comes from the words (a total above 15 can only be the General Assembly), else the
//! subject; when neither says, the Security Council reading is offered with the Assembly one as
//! the alternative.

use super::{Alternative, Doc, Found};
use crate::intake::regex;
use crate::intake::reported::{number, parse_counts, Counts, NUM};
use crate::model::value::{Body, Outcome, Value};
use regex::{Captures, Regex};
use std::sync::LazyLock;

static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?-u:\b)({NUM})\s+(?:votes?\s+|members?\s+|countries\s+|states\s+|nations\s+)?(in\s+favou?r|against|abstentions?|abstaining|absent|not\s+voting)(?-u:\b)"
    ))
});

static VOTES_TO: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?-u:\b)(?:by\s+a\s+(?:recorded\s+)?vote\s+of\s+)?({NUM})(?:\s+votes?)?\s+to\s+({NUM})(?:\s+(?:votes?\s+)?against)?(?:,?\s+with\s+({NUM})\s+abstentions?)?"
    ))
});

static DASHED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)(\d{1,3})\s?[-–—]\s?(\d{1,3})\s?[-–—]\s?(\d{1,3})(?-u:\b)"));

static DASHED_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:adopted|adopting|passed|approved|rejected|vote|voted|votes|tally|UNGA|UNSC)(?-u:\b)",
    )
});

static MEMBERS_VOTED: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?-u:\b)({NUM})\s+(?:of\s+the\s+(?:Council['’]s\s+|Assembly['’]s\s+)?(?:\d{{1,3}}\s+)?)?(?:members?|member\s+states|countries|states|nations|delegations)\s+(?:\w+\s+)?voted\s+(in\s+favou?r|for|against|to\s+abstain)"
    ))
});

static OUTCOME: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)(?-u:\b)(?:",
        r"(?P<veto>vetoed|vetoes|(?:cast|casts|casting)\s+(?:a|its|their|the)\s+veto|negative\s+vote\s+of\s+a\s+permanent\s+member|blocked\s+by\s+(?:a|the|its|\w+['’]s)\s+veto)",
        r"|(?P<rej>rejected|defeated|fail(?:ed|s)?\s+to\s+(?:pass|be\s+adopted|win\s+adoption|secure\s+the\s+required|obtain\s+the\s+required|garner)|(?:was|were)\s+not\s+adopted)",
        r"|(?P<adopt>(?:(?:had|has|have)\s+been\s+|was\s+|were\s+)?(?:adopted|passed|approved)|adopting\s+(?:the\s+)?(?:draft\s+)?resolution)",
        r")(?-u:\b)"
    ))
});

static VOTE_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:resolution|draft|text|amendment|proposal|motion|initiative|Council|Assembly)(?-u:\b)",
    )
});

static HEDGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:if|would|could|will|may|might|should|to\s+be|expected|likely|not|power|threat(?:ened)?)\s*$|(?-u:\b)to\s+$",
    )
});

fn overlaps(spans: &std::collections::BTreeMap<usize, usize>, s: usize, e: usize) -> bool {
    spans
        .range(..e)
        .next_back()
        .is_some_and(|(_, &end)| end > s)
}

/// The body for counts at `pos`: the total when it rules the Council out, else the words.
fn body_for(doc: &Doc, pos: usize, counts: &Counts) -> (Option<Body>, Vec<Alternative>, f32) {
    if counts.total() > Body::Unsc.membership() {
        return (Some(Body::Unga), Vec::new(), 0.9);
    }
    let (ss, _) = doc.sentence(pos);
    let before = &doc.text[ss..pos];
    if let Some(b) = super::subjects::last_body_named(before).or_else(|| doc.body_near(pos)) {
        return (Some(b), Vec::new(), 0.85);
    }
    let alt = Alternative {
        predicate: "tally".into(),
        value: Value::Tally(counts.into_tally(Body::Unga)).to_json(),
        note: "the text does not say which body voted; these counts fit the General Assembly too"
            .into(),
    };
    (Some(Body::Unsc), vec![alt], 0.5)
}

fn push_tally(
    doc: &Doc,
    out: &mut Vec<Found>,
    spans: &mut std::collections::BTreeMap<usize, usize>,
    s: usize,
    e: usize,
    counts: Counts,
) {
    if counts.total() > Body::Unga.membership() || overlaps(spans, s, e) {
        return;
    }
    let (body, alternatives, confidence) = body_for(doc, s, &counts);
    let Some(body) = body else { return };
    spans.insert(s, e);
    let mut f = Found::new("tally", Value::Tally(counts.into_tally(body)), (s, e));
    f.body = Some(body);
    f.alternatives = alternatives;
    f.confidence = confidence;
    out.push(f);
}

pub(crate) fn find(doc: &Doc, out: &mut Vec<Found>) {
    let text = doc.text;
    let mut spans = std::collections::BTreeMap::new();

    // Runs of labelled counts, joined by separators and perhaps lists in parentheses.
    let items: Vec<_> = ITEM.find_iter(text).map(|m| (m.start(), m.end())).collect();
    let mut i = 0;
    while i < items.len() {
        let mut j = i;
        while j + 1 < items.len() && joins(&text[items[j].1..items[j + 1].0]) {
            j += 1;
        }
        if j > i {
            let (s, e) = (items[i].0, items[j].1);
            let phrase: String = strip_parentheses(&text[s..e]);
            if let Some(counts) = parse_counts(&phrase) {
                push_tally(doc, out, &mut spans, s, e, counts);
            }
        }
        i = j + 1;
    }

    for c in VOTES_TO.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        if !whole.as_str().to_ascii_lowercase().contains("vote") {
            continue;
        }
        let counts = yes_no_abstain(&c, number);
        push_tally(doc, out, &mut spans, whole.start(), whole.end(), counts);
    }

    for c in DASHED.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let before = &text[..whole.start()];
        let after = &text[whole.end()..];
        if before.ends_with(['-', '/', '.', '–']) || after.starts_with(['-', '/', '–']) {
            continue;
        }
        let (ss, se) = doc.sentence(whole.start());
        if !DASHED_CONTEXT.is_match(&text[ss..se]) {
            continue;
        }
        let counts = yes_no_abstain(&c, |digits| digits.parse().ok());
        push_tally(doc, out, &mut spans, whole.start(), whole.end(), counts);
    }

    for c in MEMBERS_VOTED.captures_iter(text) {
        let (Some(whole), Some(n), Some(how)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some(n) = number(n.as_str()) else {
            continue;
        };
        // "among the 18 countries that voted against" restates a count, it does not give one.
        let before = text[..whole.start()].trim_end().to_ascii_lowercase();
        if before.ends_with("among the") || before.ends_with("among") {
            continue;
        }
        let how = how.as_str().to_ascii_lowercase();
        let mut counts = Counts::default();
        if how.starts_with("against") {
            counts.no = Some(n);
        } else if how.contains("abstain") {
            counts.abstain = Some(n);
        } else {
            counts.yes = Some(n);
        }
        push_tally(doc, out, &mut spans, whole.start(), whole.end(), counts);
    }

    find_outcomes(doc, out);
}

/// Whether the text between two labelled counts joins them into one tally.
fn joins(gap: &str) -> bool {
    if gap.len() > 400 {
        return false;
    }
    let g = strip_parentheses(gap).to_ascii_lowercase();
    let g = g.trim();
    let had_punct = g.starts_with([',', ';']);
    let rest = g.trim_start_matches([',', ';']).trim();
    matches!(rest, "to" | "and" | "with" | "while" | "") && (had_punct || !rest.is_empty())
}

fn strip_parentheses(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for ch in s.chars() {
        match ch {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    crate::model::value::collapse(&out)
}

fn find_outcomes(doc: &Doc, out: &mut Vec<Found>) {
    let text = doc.text;
    // Per sentence: a veto wins over "failed to pass" in the same sentence, which becomes its
    // alternative reading.
    let mut hits: Vec<(usize, usize, Outcome)> = Vec::new();
    for c in OUTCOME.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let outcome = if c.name("veto").is_some() {
            Outcome::Vetoed
        } else if c.name("rej").is_some() {
            Outcome::Rejected
        } else {
            Outcome::Adopted
        };
        let (ss, se) = doc.sentence(whole.start());
        let mut from = whole.start().saturating_sub(30).max(ss);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        if HEDGE.is_match(&text[from..whole.start()]) {
            continue;
        }
        let sentence = &text[ss..se];
        let first = doc.mentions.partition_point(|m| m.start < ss);
        let names_subject = doc.mentions[first..].first().is_some_and(|m| m.end <= se);
        if !names_subject && !VOTE_OBJECT.is_match(sentence) {
            continue;
        }
        hits.push((whole.start(), whole.end(), outcome));
    }
    let mut k = 0;
    while k < hits.len() {
        let sentence = doc.sentence(hits[k].0);
        let mut group = vec![hits[k]];
        while k + 1 < hits.len() && doc.sentence(hits[k + 1].0) == sentence {
            k += 1;
            group.push(hits[k]);
        }
        k += 1;
        let vetoed = group.iter().any(|h| h.2 == Outcome::Vetoed);
        for (s, e, outcome) in group.iter().copied() {
            if vetoed && outcome == Outcome::Rejected {
                continue;
            }
            let mut f = Found::new("outcome", Value::Outcome(outcome), (s, e));
            f.body = super::subjects::body_named(&text[sentence.0..sentence.1]);
            f.confidence = 0.8;
            if vetoed && group.iter().any(|h| h.2 == Outcome::Rejected) {
                f.alternatives.push(Alternative {
                    predicate: "outcome".into(),
                    value: serde_json::json!("rejected"),
                    note: "the same sentence also says the draft failed".into(),
                });
            }
            out.push(f);
        }
    }
}

/// The counts in groups 1, 2 and 3 of a "yes to no, with abstentions" match, each read with
/// `read`; a group that did not match is unknown.
fn yes_no_abstain(c: &Captures, read: fn(&str) -> Option<u32>) -> Counts {
    let n = |k: usize| c.get(k).and_then(|m| read(m.as_str()));
    Counts {
        yes: n(1),
        no: n(2),
        abstain: n(3),
        absent: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{extract, ExtractOptions};
    use serde_json::{json, Value as Json};

    fn found(text: &str, predicate: &str) -> Vec<(Json, String)> {
        let opts = ExtractOptions {
            source: "t".into(),
            published: None,
            default_subject: Some("X".into()),
        };
        extract(text, &opts)
            .into_iter()
            .filter(|c| c.predicate == predicate)
            .map(|c| (c.value, c.excerpt))
            .collect()
    }

    fn tallies(text: &str) -> Vec<Json> {
        found(text, "tally").into_iter().map(|(v, _)| v).collect()
    }

    #[test]
    fn the_usual_forms() {
        let ga = json!({"body":"UNGA","yes":93,"no":18,"abstain":65});
        assert_eq!(
            tallies("It passed with 93 in favour, 18 against and 65 abstentions."),
            vec![ga.clone()]
        );
        assert_eq!(tallies("The Assembly adopted it 93-18-65."), [ga]);
        let sc = json!({"body":"UNSC","yes":10,"no":0,"abstain":5});
        assert_eq!(
            tallies("The Council adopted it by a vote of 10 to 0, with 5 abstentions."),
            vec![sc.clone()]
        );
        assert_eq!(
            tallies("The Security Council adopted 10-0-5 the text."),
            vec![sc.clone()]
        );
        assert_eq!(tallies("The Council voted 10 in favour to none against, with 5 abstentions (Denmark, France)."), [sc]);
        assert_eq!(
            tallies("In the Council, the draft received 12 votes in favour, 1 against (Russia) and 2 abstentions."),
            [json!({"body":"UNSC","yes":12,"no":1,"abstain":2})]
        );
        assert_eq!(
            tallies("The text passed after 12 of the Council's 15 members voted in favour."),
            [json!({"body":"UNSC","yes":12})]
        );
    }

    #[test]
    fn no_body_in_the_words_offers_both() {
        let opts = ExtractOptions::default();
        let c = extract(
            "It was adopted by a vote of 10 to 0, with 5 abstentions.",
            &opts,
        );
        let t = c.iter().find(|c| c.predicate == "tally").unwrap();
        assert_eq!(t.value["body"], "UNSC");
        assert_eq!(t.alternatives[0].value["body"], "UNGA");
        assert!(t.confidence < 0.6);
    }

    #[test]
    fn numbers_that_are_not_tallies() {
        for text in [
            "The 15-member Council met on 2025-02-24 for 3 hours.",
            "Scores were 3-1 and the 2024-2025 season, resolution 2-3-4 says nothing.",
            "Some 40 countries co-sponsored it, and 193 members attend.",
            "It took 10 to 15 minutes.",
        ] {
            assert!(tallies(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn outcomes() {
        let o = |t: &str| {
            found(t, "outcome")
                .into_iter()
                .map(|(v, _)| v)
                .collect::<Vec<_>>()
        };
        assert_eq!(o("The Council adopted the resolution."), [json!("adopted")]);
        assert_eq!(
            o("The draft resolution failed to pass."),
            [json!("rejected")]
        );
        assert_eq!(o("The draft was not adopted."), [json!("rejected")]);
        assert_eq!(
            o("The draft failed owing to the negative vote of a permanent member."),
            [json!("vetoed")]
        );
        assert!(o("The Council has the power to pass binding resolutions.").is_empty());
        assert!(o("Russia's veto power as a permanent member.").is_empty());
        assert!(o("If adopted, the text would bind members.").is_empty());
        assert_eq!(
            o("The Council renewed the mission, adopting resolution 2800 (2025) unanimously."),
            [json!("adopted")]
        );
        assert!(o("The claim was rejected by analysts.").is_empty());
        let vetoed = found(
            "A draft resolution failed to pass owing to the negative vote of a permanent member.",
            "outcome",
        );
        assert_eq!(vetoed.len(), 1);
    }
}
