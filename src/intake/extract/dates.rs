//! Dates of votes: written out ("Monday, February 25, 2025", "24 February 2025", "2025-02-24"),
//! relative ("on Monday", "last Tuesday", "yesterday", "today") read against the publication
//! date, and anniversaries ("the third anniversary of Russia's full-scale invasion").
//!
//! A date is a candidate only in a sentence about a vote, and not when the words before it say
//! it is another event's ("since", "began", "posted") or a future one ("will", "scheduled").

use super::{Alternative, Doc, Found};
use crate::intake::regex;
use crate::model::date::{weekday_name, StatedDate};
use crate::model::value::Value;
use chrono::{Datelike, Days, NaiveDate};
use regex::Regex;
use serde_json::json;
use std::sync::LazyLock;

const WEEKDAY: &str = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?";
const MONTH: &str = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?";

static ABSOLUTE: LazyLock<Regex> = LazyLock::new(|| {
    let day = r"\d{1,2}(?:st|nd|rd|th)?";
    regex(&format!(
        r"(?i)(?-u:\b)(?:{WEEKDAY},?\s+)?(?:{day}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+{day},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})(?-u:\b)"
    ))
});

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:(on|last|this)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?-u:\b)|(monday|tuesday|wednesday|thursday|friday|saturday|sunday)['’]s\s+(?:vote|meeting|session|decision)|(yesterday|today)(?-u:\b))",
    )
});

static VOTE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:vot(?:e|es|ed|ing)|adopt(?:ed|s|ion)?|reject(?:ed|s)?|veto(?:ed)?|passed|approved|ballot|tally|resolution)(?-u:\b)",
    )
});

/// Whether the date at `pos` is said of a vote: its sentence speaks of one, or it names the
/// body and the next sentence of its paragraph speaks of the vote ("Last Tuesday the Security
/// Council again failed to act. A British-drafted text … was not adopted").
fn in_vote_context(doc: &Doc, pos: usize) -> bool {
    let sentence = doc.sentence_text(pos);
    if VOTE_CONTEXT.is_match(sentence) {
        return true;
    }
    if super::subjects::body_named(sentence).is_none() {
        return false;
    }
    let (_, se) = doc.sentence(pos);
    let (_, pe) = doc.paragraph(pos);
    let next = se
        + doc.text[se..pe]
            .bytes()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    next < pe && doc.sentence(next).0 == next && VOTE_CONTEXT.is_match(doc.sentence_text(next))
}

static NOT_THE_VOTE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:since|until|posted|published|updated|born|founded|began|begun|started|launched|will|would|scheduled|expected|due|next|invasion|invaded)(?-u:\b)",
    )
});

static ANNIVERSARY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)the\s+(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|fiftieth|eightieth|\d{1,3}(?:st|nd|rd|th))\s+anniversary\s+of\s+([^.;:()\n\u{201c}\u{201d}\x22]{3,120})",
    )
});

/// Events reports name by anniversary, with their dates: used only when the text gives none.
const KNOWN_EVENTS: [(&str, &str); 6] = [
    ("full-scale invasion", "2022-02-24"),
    ("invasion of ukraine", "2022-02-24"),
    ("annexation of crimea", "2014-03-18"),
    ("founding of the united nations", "1945-10-24"),
    ("un charter", "1945-10-24"),
    ("universal declaration of human rights", "1948-12-10"),
];

fn ordinal_number(word: &str) -> Option<u32> {
    const WORDS: [(&str, u32); 13] = [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
        ("tenth", 10),
        ("twentieth", 20),
        ("fiftieth", 50),
        ("eightieth", 80),
    ];
    let w = word.to_ascii_lowercase();
    if let Some((_, n)) = WORDS.iter().find(|(name, _)| *name == w) {
        return Some(*n);
    }
    w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()
        .filter(|n| *n >= 1)
}

/// Whether the words just before `pos` in its sentence say the date is not the vote's.
fn excluded_before(doc: &Doc, pos: usize) -> bool {
    let (ss, _) = doc.sentence(pos);
    let mut from = pos.saturating_sub(40).max(ss);
    while !doc.text.is_char_boundary(from) {
        from += 1;
    }
    NOT_THE_VOTE.is_match(&doc.text[from..pos])
}

/// Whether the words just after `end` say the date is another event's ("… 2022 invasion").
fn excluded_after(doc: &Doc, end: usize) -> bool {
    let rest = &doc.text[end..];
    let next: String = rest
        .chars()
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    next.trim_start().starts_with("invasion")
}

pub(crate) fn find(doc: &Doc, out: &mut Vec<Found>) {
    let anniversaries = find_anniversaries(doc, out);
    let mut absolute_spans = Vec::new();
    for m in ABSOLUTE.find_iter(doc.text) {
        absolute_spans.push((m.start(), m.end()));
        if super::overlaps_sorted(&anniversaries, m.start(), m.end()) {
            continue;
        }
        let Ok(date) = StatedDate::parse(m.as_str()) else {
            continue;
        };
        if !in_vote_context(doc, m.start())
            || excluded_before(doc, m.start())
            || excluded_after(doc, m.end())
        {
            continue;
        }
        let mut f = Found::new("date", Value::Date(date), (m.start(), m.end()));
        f.body = super::subjects::body_named(doc.sentence_text(m.start()));
        f.confidence = 0.85;
        out.push(f);
    }
    let Some(published) = doc.opts.published.as_ref().and_then(StatedDate::naive) else {
        return;
    };
    for c in RELATIVE.captures_iter(doc.text) {
        let Some(whole) = c.get(0) else { continue };
        if super::overlaps_sorted(&absolute_spans, whole.start(), whole.end()) {
            continue;
        }
        if !in_vote_context(doc, whole.start()) || excluded_before(doc, whole.start()) {
            continue;
        }
        let Some(reading) = relative(&c, published) else {
            continue;
        };
        let iso = reading.date.format("%Y-%m-%d").to_string();
        let Ok(date) = StatedDate::parse(&iso) else {
            continue;
        };
        let mut f = Found::new("date", Value::Date(date), (whole.start(), whole.end()));
        f.body = super::subjects::body_named(doc.sentence_text(whole.start()));
        f.confidence = 0.7;
        f.resolution = Some(format!(
            "'{}' read as {} {}, {} the publication date {}",
            crate::model::value::collapse(whole.as_str()),
            weekday_name(reading.date.weekday().num_days_from_monday() as u8),
            iso,
            reading.how,
            published.format("%Y-%m-%d"),
        ));
        if let Some(alt) = reading.alternative {
            f.alternatives.push(Alternative {
                predicate: "date".into(),
                value: json!(alt.format("%Y-%m-%d").to_string()),
                note: "a week earlier, if the writer meant the week before".into(),
            });
        }
        out.push(f);
    }
}

struct Reading {
    date: NaiveDate,
    how: &'static str,
    alternative: Option<NaiveDate>,
}

fn relative(c: &regex::Captures, published: NaiveDate) -> Option<Reading> {
    let back = |days: u64| published.checked_sub_days(Days::new(days));
    if let Some(word) = c.get(4) {
        return if word.as_str().eq_ignore_ascii_case("today") {
            Some(Reading {
                date: published,
                how: "the day of",
                alternative: None,
            })
        } else {
            Some(Reading {
                date: back(1)?,
                how: "the day before",
                alternative: None,
            })
        };
    }
    let (prefix, day) = match (c.get(1), c.get(2), c.get(3)) {
        (Some(p), Some(d), _) => (p.as_str().to_ascii_lowercase(), d.as_str()),
        (_, _, Some(d)) => ("on".to_string(), d.as_str()),
        _ => return None,
    };
    let target = StatedDate::parse(&format!("{day} 1 January 2001"))
        .ok()?
        .stated_weekday?;
    let today = published.weekday().num_days_from_monday() as u8;
    let mut days = u64::from((7 + today - target) % 7);
    if prefix == "last" {
        if days == 0 {
            days = 7;
        }
        return Some(Reading {
            date: back(days)?,
            how: "the last such day before",
            alternative: if days < 7 { back(days + 7) } else { None },
        });
    }
    Some(Reading {
        date: back(days)?,
        how: "the last such day on or before",
        alternative: None,
    })
}

/// Anniversaries; returns the spans they cover so their dates are not read as vote dates.
fn find_anniversaries(doc: &Doc, out: &mut Vec<Found>) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for c in ANNIVERSARY.captures_iter(doc.text) {
        let (Some(whole), Some(nth), Some(event)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some(nth) = ordinal_number(nth.as_str()) else {
            continue;
        };
        // The event phrase ends at a comma or a joining word.
        let mut ev = event.as_str();
        for stop in [
            ",",
            " and ",
            " when ",
            " as ",
            " with ",
            " on which ",
            " in which ",
        ] {
            if let Some(i) = ev.find(stop) {
                ev = &ev[..i];
            }
        }
        let ev = ev.trim_end();
        let end = event.start() + ev.len();
        spans.push((whole.start(), end.max(event.end())));
        let (of, how) = match ABSOLUTE
            .find(ev)
            .and_then(|m| StatedDate::parse(m.as_str()).ok())
        {
            Some(d) => (d, None),
            None => {
                let lower = ev.to_lowercase();
                let Some((name, iso)) = KNOWN_EVENTS.iter().find(|(k, _)| lower.contains(k)) else {
                    continue;
                };
                let Ok(d) = StatedDate::parse(iso) else {
                    continue;
                };
                (d, Some(format!("the text gives no date for '{ev}'; {iso} is the date of the {name} in the extractor's table of known events")))
            }
        };
        let mut f = Found::new(
            "anniversary",
            Value::Anniversary { of, nth },
            (whole.start(), end),
        );
        f.confidence = if how.is_some() { 0.7 } else { 0.85 };
        f.resolution = how;
        f.body = super::subjects::body_named(doc.sentence_text(whole.start()));
        out.push(f);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::super::{extract, ExtractOptions};
    use serde_json::json;

    fn opts(published: &str) -> ExtractOptions {
        ExtractOptions {
            source: "t".into(),
            published: Some(crate::model::date::StatedDate::parse(published).unwrap()),
            default_subject: Some("S/RES/1".into()),
        }
    }

    fn dates(text: &str, published: &str) -> Vec<serde_json::Value> {
        extract(text, &opts(published))
            .into_iter()
            .filter(|c| c.predicate == "date")
            .map(|c| c.value)
            .collect()
    }

    #[test]
    fn a_date_leading_a_paragraph_whose_next_sentence_tells_the_vote() {
        let text =
            "On Friday the General Assembly met again. The draft was adopted without a vote.";
        assert_eq!(dates(text, "2025-03-10"), [json!("2025-03-07")]);
        // Without the body named, or without a vote in the next sentence, it is not the vote's.
        assert!(dates(
            "On Friday we met again. The draft was adopted.",
            "2025-03-10"
        )
        .is_empty());
        assert!(dates("On Friday the Assembly met. It rained.", "2025-03-10").is_empty());
    }

    #[test]
    fn written_dates_keep_their_weekday() {
        assert_eq!(
            dates(
                "The Council voted on Monday, February 25, 2025, in New York.",
                "2025-02-26"
            ),
            [json!("Monday, February 25, 2025")]
        );
        assert_eq!(
            dates(
                "The resolution was adopted on 24 February 2025.",
                "2025-02-26"
            ),
            [json!("24 February 2025")]
        );
    }

    #[test]
    fn relative_dates_resolve_against_publication() {
        // 26 February 2025 was a Wednesday.
        let c = extract("The Council voted on Monday.", &opts("2025-02-26"));
        assert_eq!(c[0].value, json!("2025-02-24"));
        assert!(c[0]
            .resolution
            .as_deref()
            .unwrap()
            .contains("Monday 2025-02-24"));
        assert_eq!(
            dates("The vote was yesterday.", "2025-02-26"),
            [json!("2025-02-25")]
        );
        let c = extract("The draft was vetoed last Tuesday.", &opts("2025-02-26"));
        let d = c.iter().find(|c| c.predicate == "date").unwrap();
        assert_eq!(d.value, json!("2025-02-25"));
        assert_eq!(d.alternatives[0].value, json!("2025-02-18"));
        let none = ExtractOptions::default();
        assert!(extract("The Council voted on Monday.", &none).is_empty());
    }

    #[test]
    fn dates_that_are_not_the_vote() {
        for text in [
            "The invasion began on 24 February 2022, before the resolution.",
            "Posted 26 February 2025: the vote and what it means.",
            "The Council will vote on 3 March 2025 on the resolution.",
            "The ambassador arrived on 3 March 2025.",
        ] {
            assert!(dates(text, "2025-03-01").is_empty(), "{text}");
        }
    }

    #[test]
    fn anniversaries() {
        let c = extract(
            "The vote fell on the third anniversary of Russia's full-scale invasion of Ukraine.",
            &opts("2025-02-25"),
        );
        let a = c.iter().find(|c| c.predicate == "anniversary").unwrap();
        assert_eq!(a.value, json!({"of":"2022-02-24","nth":3}));
        assert_eq!(
            a.excerpt,
            "the third anniversary of Russia's full-scale invasion of Ukraine"
        );
        assert!(a.resolution.is_some());
        let c = extract(
            "It was adopted on the 2nd anniversary of the ceasefire of 3 May 2023.",
            &opts("2025-05-03"),
        );
        let a = c.iter().find(|c| c.predicate == "anniversary").unwrap();
        assert_eq!(a.value, json!({"of":"3 May 2023","nth":2}));
        assert!(!c.iter().any(|c| c.predicate == "date"));
        assert!(
            !extract("the anniversary of something vague", &opts("2025-05-03"))
                .iter()
                .any(|c| c.predicate == "anniversary")
        );
    }
}
