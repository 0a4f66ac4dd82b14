//! Quotes and who said them: words between double quote marks (typographic or straight, across
//! line breaks but not across paragraphs) whose speaker the sentence names ("…,” X said",
//! "X told the Council: “…”", "according to X, “…”"), or the speaker of the quote before it in
//! the paragraph. Single quote marks inside stay part of the quote (a quote inside a quote), and
//! short Title Case phrases or words after "titled" are titles, not quotes.
//!
//! Reported speech ("she described the invasion as a clear violation of …") is offered as a quote
//! with a low confidence: the words are the writer's, and the desk must decide.

use super::{Doc, Found};
use crate::intake::regex;
use crate::model::value::{collapse, Value};
use regex::Regex;
use std::sync::LazyLock;

const VERBS: &str = r"said|says|told|added|stated|declared|warned|insisted|wrote|argued|noted|tweeted|stressed|recalled|asked";

static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^\s*,?\s*(?:(?:{VERBS})\s+(?P<np1>[^,.;:“”\x22\n]{{1,80}})|(?P<np2>[^,;:“”\x22\n]{{1,100}}?)\s+(?:{VERBS})(?-u:\b))"
    ))
});

static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?P<np>[^.;“”\x22]{{1,160}}?)\s+(?:(?:{VERBS})(?:\s+[^,:“”\x22]{{1,60}})?|called\s+[^,:“”\x22]{{1,80}}|described\s+[^,:“”\x22]{{1,80}}?\s+as)\s*(?:,|:|that)?\s*$"
    ))
});

static ACCORDING: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(?-u:\b)according\s+to\s+(?P<np>[^,.;:“”\x22]{2,80})"));

static SAID: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?P<np>[^,.;:“”\x22]{2,100}?)\s+(?:said|says|told)(?-u:\b)"));

static PARAPHRASE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?-u:\b)(?P<who>\p{Lu}[\p{L}'’\-]+(?:\s+\p{Lu}[\p{L}'’\-]+){0,3}|[Ss]he|[Hh]e)\s+(?:\p{Ll}+ly\s+)?(?:described|called|termed|characteri[sz]ed)\s+[^“”\x22\n.]{1,160}?\s+as\s+",
    )
});

static DELEGATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?-u:\b)(?P<role>(?i:representative|delegate|ambassador|envoy|delegation))\s+of\s+(?P<member>(?:the\s+)?\p{Lu}[\p{L}'’.\-]*(?:\s+(?:of\s+|and\s+)?\p{Lu}[\p{L}'’.\-]*)*)\s*$",
    )
});

static POSSESSIVE_DELEGATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:^|\s)(?:[Tt]he\s+)?(?P<member>\p{Lu}[\p{L}.\-]*(?:\s+\p{Lu}[\p{L}.\-]*)*)['’]s\s+(?P<role>(?i:envoy|ambassador|representative|delegate|delegation))\s*$",
    )
});

static CAPITALISED_RUN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\p{Lu}[\p{L}'’\-]*(?:\s+(?:(?:de|da|van|von|al|bin|el|le|la|du|dos)\s+)?\p{Lu}[\p{L}'’\-]*)*",
    )
});

/// Words that open a name but are not part of it.
const TITLES: [&str; 40] = [
    "Ambassador",
    "Envoy",
    "President",
    "Minister",
    "Secretary-General",
    "Under-Secretary-General",
    "Assistant",
    "Deputy",
    "Representative",
    "Permanent",
    "Foreign",
    "Prime",
    "Mr",
    "Ms",
    "Mrs",
    "Dr",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Chancellor",
    "Senator",
    "Secretary",
    "Speaking",
    "Introducing",
    "According",
    "Later",
    "Then",
    "But",
    "And",
    "Meanwhile",
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "Her",
    "His",
    "This",
    "That",
];

/// Words that make a capitalised run an organisation or a place, not a person.
const NOT_PERSON: [&str; 24] = [
    "Council",
    "Assembly",
    "Nations",
    "United",
    "States",
    "Security",
    "General",
    "Federation",
    "Republic",
    "Union",
    "Charter",
    "Resolution",
    "UN",
    "Kingdom",
    "Russia",
    "Ukraine",
    "China",
    "France",
    "European",
    "Allies",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
];

/// The person a noun phrase names: its last capitalised run, titles dropped.
fn person_in(np: &str) -> Option<String> {
    let run = CAPITALISED_RUN.find_iter(np).last()?;
    let mut words: Vec<&str> = run.as_str().split_whitespace().collect();
    // A possessive opens the name, it is not part of it: "the UK's Barbara Woodward".
    if let Some(i) = words
        .iter()
        .rposition(|w| w.ends_with("'s") || w.ends_with("’s"))
    {
        words.drain(..=i);
    }
    let start = words
        .iter()
        .position(|w| !TITLES.contains(&w.trim_end_matches('.')))?;
    let words = &words[start..];
    let is_org = words.iter().any(|w| {
        let bare = w.trim_end_matches("'s").trim_end_matches("’s");
        // An acronym (US, U.N., NATO) names a country or an organisation, not a person.
        let letters: Vec<char> = bare.chars().filter(|c| c.is_alphabetic()).collect();
        let acronym = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
        acronym || NOT_PERSON.contains(&bare) || w.ends_with("'s") || w.ends_with("’s")
    });
    if is_org || words.iter().all(|w| !w.chars().any(char::is_lowercase)) {
        return None;
    }
    // A name ends where the run does; anything after the run in the phrase ("… told reporters")
    // is not part of it.
    Some(words.join(" "))
}

/// People named in full (two words or more) before `pos`, latest last.
fn last_full_name(doc: &Doc, pos: usize) -> Option<String> {
    let (ps, _) = doc.paragraph(pos);
    let mut from = 0;
    // Look back a bounded distance so a long text stays linear.
    if ps > 4000 {
        from = ps - 4000;
        while !doc.text.is_char_boundary(from) {
            from += 1;
        }
    }
    CAPITALISED_RUN
        .find_iter(&doc.text[from..pos])
        .filter_map(|m| person_in(m.as_str()))
        .filter(|n| n.split_whitespace().count() >= 2)
        .last()
}

/// A speaker as named: a pronoun resolves to the last full name, a surname to the full name
/// that ends with it.
fn resolve_speaker(doc: &Doc, np: &str, pos: usize) -> Option<String> {
    let np = np.trim().trim_end_matches(',').trim_end();
    if let Some(found) = resolve_whole(doc, np, pos) {
        return Some(found);
    }
    // An aside between the speaker and the verb ("the representative of the United Kingdom, as
    // penholder, said"): the speaker is in an earlier comma-separated part.
    let mut parts = np.rsplit(',');
    parts.next();
    parts
        .filter(|p| !p.trim().is_empty())
        .find_map(|p| resolve_whole(doc, p, pos))
}

/// [`resolve_speaker`] for a phrase taken whole.
fn resolve_whole(doc: &Doc, np: &str, pos: usize) -> Option<String> {
    let trimmed = np.trim();
    // "Sudan's envoy", "the UK's ambassador": a delegation named by its member.
    if let Some(c) = POSSESSIVE_DELEGATE.captures(trimmed) {
        if let (Some(role), Some(member)) = (c.name("role"), c.name("member")) {
            let member = crate::model::value::normalise_member(member.as_str());
            if !member.is_empty() {
                return Some(format!("{} of {member}", role.as_str().to_lowercase()));
            }
        }
    }
    // UN coverage names delegations, not people: "the representative of France said".
    if let Some(c) = DELEGATE.captures(trimmed) {
        if let (Some(role), Some(member)) = (c.name("role"), c.name("member")) {
            let member = member.as_str().trim_start_matches("the ");
            return Some(format!(
                "{} of {}",
                role.as_str().to_lowercase(),
                crate::model::value::normalise_member(member)
            ));
        }
    }
    // "Ambassador Amar Bendjama of Algeria": the person is before "of".
    if let Some((who, _)) = trimmed.rsplit_once(" of ") {
        if let Some(name) = person_in(who).filter(|n| n.split_whitespace().count() >= 2) {
            return Some(name);
        }
    }
    let last_word = trimmed
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(last_word.as_str(), "he" | "she") {
        return last_full_name(doc, pos);
    }
    let name = person_in(trimmed)?;
    if name.split_whitespace().count() == 1 {
        if let Some(full) = last_full_name(doc, pos) {
            if full.ends_with(&name) {
                return Some(full);
            }
        }
    }
    Some(name)
}

/// Who a statement at `pos` is attributed to in its sentence: "according to X", "X said".
pub(crate) fn attributed_to(doc: &Doc, pos: usize) -> Option<String> {
    let sentence = doc.sentence_text(pos);
    if let Some(c) = ACCORDING.captures(sentence) {
        return c.name("np").map(|m| collapse(m.as_str()));
    }
    let c = SAID.captures(sentence)?;
    let np = c.name("np")?;
    resolve_speaker(doc, np.as_str(), pos)
}

/// Spans of double-quoted passages: (open mark start, content start, content end, close end).
fn quoted_spans(text: &str) -> Vec<(usize, usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let (open_len, closers): (usize, &[char]) = if rest.starts_with('\u{201c}') {
            (3, &['\u{201d}', '\u{201c}'])
        } else if rest.starts_with('"') {
            (1, &['"'])
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let cs = i + open_len;
        let window_end = (cs + 3000).min(text.len());
        let mut window_end = window_end;
        while !text.is_char_boundary(window_end) {
            window_end -= 1;
        }
        let window = &text[cs..window_end];
        let para_end = window.find("\n\n").or_else(|| window.find("\n\r\n"));
        let limit = para_end.unwrap_or(window.len());
        match window[..limit].find(closers) {
            Some(k) if window[k..].starts_with(closers[0]) => {
                let ce = cs + k;
                let close_len = window[k..].chars().next().map_or(1, char::len_utf8);
                out.push((i, cs, ce, ce + close_len));
                i = ce + close_len;
            }
            // An opening mark before any closing one: the first was never closed.
            Some(k) => i = cs + k,
            None => i = cs + limit,
        }
    }
    out
}

fn looks_like_title(doc: &Doc, open: usize, content: &str) -> bool {
    let before = doc.text[..open].trim_end().to_ascii_lowercase();
    if [
        "titled",
        "entitled",
        "named",
        "called",
        "dubbed",
        "headlined",
    ]
    .iter()
    .any(|w| before.ends_with(w))
    {
        return true;
    }
    let words: Vec<&str> = content.split_whitespace().collect();
    let small = ["a", "an", "the", "of", "to", "and", "for", "in", "on", "at"];
    words.len() <= 8
        && !content.trim_end().ends_with(['.', ',', '!', '?'])
        && words
            .iter()
            .all(|w| small.contains(w) || w.chars().next().is_some_and(char::is_uppercase))
}

pub(crate) fn find(doc: &Doc, out: &mut Vec<Found>) {
    let text = doc.text;
    let mut previous: Option<(usize, String)> = None; // (paragraph start, speaker)
    let mut quoted = Vec::new();
    for (open, cs, ce, close) in quoted_spans(text) {
        quoted.push((open, close));
        let raw = &text[cs..ce];
        let lead = raw.len() - raw.trim_start().len();
        let content = raw.trim().trim_end_matches(',').trim_end();
        if content.split_whitespace().count() < 3 || looks_like_title(doc, open, content) {
            continue;
        }
        let (ps, pe) = doc.paragraph(open);
        let (ss, _) = doc.sentence(open);
        let mut speaker = None;
        let mut confidence = 0.85;
        // Before it in the sentence: "X said: “…”", "X called the invasion “…”"; this wins
        // over what follows the quote, which may attribute the next one.
        let from = ss.max(ps).min(open);
        let before = &text[from..open];
        if let Some(c) = BEFORE.captures(before) {
            speaker = c
                .name("np")
                .and_then(|m| resolve_speaker(doc, m.as_str(), open));
        } else if let Some(c) = ACCORDING.captures(before) {
            speaker = c
                .name("np")
                .and_then(|m| resolve_speaker(doc, m.as_str(), open));
        }
        // After the quote: "…,” X said" (or "…. ” said X").
        if speaker.is_none() {
            let mut after_end = (close + 160).min(pe);
            while !text.is_char_boundary(after_end) {
                after_end -= 1;
            }
            if close <= after_end {
                let after = &text[close..after_end];
                let ended = raw.trim_end().ends_with('.');
                if let Some(c) = AFTER.captures(after) {
                    let np = c.name("np1").or(if ended { None } else { c.name("np2") });
                    speaker = np.and_then(|m| resolve_speaker(doc, m.as_str(), open));
                }
            }
        }
        // Otherwise the speaker of the quote before it in the same paragraph.
        if speaker.is_none() {
            if let Some((p, s)) = &previous {
                if *p == ps {
                    speaker = Some(s.clone());
                    confidence = 0.7;
                }
            }
        }
        let Some(speaker) = speaker else { continue };
        previous = Some((ps, speaker.clone()));
        let start = cs + lead;
        let mut f = Found::new(
            "quote",
            Value::Quote {
                speaker: speaker.clone(),
                text: collapse(content),
            },
            (start, start + content.len()),
        );
        f.claimant = Some(speaker.clone());
        f.speaker = Some(speaker);
        f.confidence = confidence;
        f.body = super::subjects::body_named(doc.sentence_text(open));
        out.push(f);
    }

    for c in PARAPHRASE.captures_iter(text) {
        let (Some(whole), Some(who)) = (c.get(0), c.name("who")) else {
            continue;
        };
        if super::overlaps_sorted(&quoted, whole.start(), whole.end()) {
            continue;
        }
        let (_, se) = doc.sentence(whole.start());
        if se <= whole.end() {
            continue;
        }
        let rest = &text[whole.end()..se];
        if rest.starts_with(['"', '\u{201c}', '\u{2018}', '\'']) {
            continue;
        }
        let words = rest.trim_end().trim_end_matches(['.', '!', '?']).trim_end();
        if words.split_whitespace().count() < 3 || words.contains(['"', '\u{201c}']) {
            continue;
        }
        let Some(speaker) = resolve_speaker(doc, who.as_str(), whole.start()) else {
            continue;
        };
        let start = whole.end();
        let mut f = Found::new(
            "quote",
            Value::Quote {
                speaker: speaker.clone(),
                text: collapse(words),
            },
            (start, start + words.len()),
        );
        f.claimant = Some(speaker.clone());
        f.speaker = Some(speaker);
        f.confidence = 0.4;
        f.body = super::subjects::body_named(doc.sentence_text(whole.start()));
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{extract, ExtractOptions};
    use serde_json::json;

    fn quotes(text: &str) -> Vec<serde_json::Value> {
        let opts = ExtractOptions {
            default_subject: Some("X".into()),
            ..Default::default()
        };
        extract(text, &opts)
            .into_iter()
            .filter(|c| c.predicate == "quote")
            .map(|c| c.value)
            .collect()
    }

    #[test]
    fn speakers_after_and_before() {
        assert_eq!(
            quotes("“This council has found its voice,” U.S. envoy Dorothy Shea told the Council."),
            [json!({"speaker":"Dorothy Shea","text":"This council has found its voice"})]
        );
        assert_eq!(
            quotes("Speaking after the vote, Sergiy Kyslytsya said: \"We will not give up.\""),
            [json!({"speaker":"Sergiy Kyslytsya","text":"We will not give up."})]
        );
    }

    #[test]
    fn across_line_breaks_and_continued() {
        assert_eq!(
            quotes("Ann Lee said: “We warned them that\n‘balanced language’ was missing.” “They did not listen.”"),
            [
                json!({"speaker":"Ann Lee","text":"We warned them that ‘balanced language’ was missing."}),
                json!({"speaker":"Ann Lee","text":"They did not listen."})
            ]
        );
    }

    #[test]
    fn titles_and_unattributed_words_are_not_quotes() {
        assert!(quotes("The resolution, titled “The Path to Peace,” was adopted.").is_empty());
        assert!(quotes("It urged a “comprehensive, just and lasting peace.”").is_empty());
        assert!(quotes("“unclosed and never attributed").is_empty());
    }

    #[test]
    fn reported_speech_with_a_pronoun() {
        let c = extract(
            "Rosemary DiCarlo briefed the Council. She described the invasion as a clear violation of the U.N. Charter and international law.",
            &ExtractOptions::default(),
        );
        let q = c.iter().find(|c| c.predicate == "quote").unwrap();
        assert_eq!(
            q.value,
            json!({"speaker":"Rosemary DiCarlo","text":"a clear violation of the U.N. Charter and international law"})
        );
        assert!(q.confidence < 0.5);
        assert_eq!(q.claimant.as_deref(), Some("Rosemary DiCarlo"));
    }

    #[test]
    fn delegations_by_possessive_asides_and_possessive_names() {
        assert_eq!(
            quotes("Chile's ambassador called the text \"a step in the right direction\"."),
            [json!({"speaker":"ambassador of Chile","text":"a step in the right direction"})]
        );
        assert_eq!(
            quotes("The representative of France, speaking for the sponsors, said the draft \"keeps every door open\"."),
            [json!({"speaker":"representative of France","text":"keeps every door open"})]
        );
        assert_eq!(
            quotes("Later, Kenya's Martin Kimani said Russia had \"chosen the path of war\"."),
            [json!({"speaker":"Martin Kimani","text":"chosen the path of war"})]
        );
        assert_eq!(
            quotes("\"We stand ready,\" said Ambassador Amar Bendjama of Algeria."),
            [json!({"speaker":"Amar Bendjama","text":"We stand ready"})]
        );
    }

    #[test]
    fn a_pronoun_never_resolves_to_an_acronym_led_heading() {
        // "US Aligns" (a headline's words) is not a person; with no one named, no quote.
        let text = "US Aligns with Russia on Ukraine UN Votes\n\nIn her address, she described the invasion as a clear violation of the U.N. Charter.";
        assert!(quotes(text).is_empty(), "{:?}", quotes(text));
    }
}
