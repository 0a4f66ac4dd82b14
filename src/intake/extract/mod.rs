//! From article to candidate claims: reads reporting and proposes typed claims tied to the exact
//! words they were read from (`docs/extract.md`).
//!
//! Candidates are not claims: a person reviews them, and `import` of the kept lines appends them.
//! Every candidate carries a verbatim excerpt (a byte-exact slice of the input), its line, a
//! confidence, and where the text allows two readings, the other one. Values are the typed values
//! of [`crate::model::value`], written as the import format expects them, so an accepted candidate
//! imports without retyping.
//!
//! Patterns are `regex` (linear time on any input) plus a little hand scanning for sentences and
//! quote marks; each family lives in its own file: [`dates`], [`tallies`] (tallies and outcomes),
//! [`votes`], [`quotes`], [`subjects`].

pub mod dates;
pub mod quotes;
pub mod subjects;
pub mod tallies;
pub mod votes;

use crate::model::date::StatedDate;
use crate::model::value::{Body, Value};
use serde::Serialize;
use serde_json::{json, Value as Json};
use subjects::Mention;

/// What the extractor is told about the text.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Id of the source the text belongs to; used in candidate ids and import lines.
    pub source: String,
    /// When the text was published: relative dates ("on Monday", "yesterday") are read against
    /// it, and are skipped without it.
    pub published: Option<StatedDate>,
    /// The subject to use where the text names none (the desk's `--subject`).
    pub default_subject: Option<String>,
}

/// Another reading of the same words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// Predicate of the other reading.
    pub predicate: String,
    /// Its value, as the import format writes it.
    pub value: Json,
    /// Why it is possible.
    pub note: String,
}

/// A proposed claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Predicate: `date`, `anniversary`, `tally`, `outcome`, `vote:<member>` or `quote`.
    pub predicate: String,
    /// The typed value, as the import format's `value` field writes it.
    pub value: Json,
    /// What the claim is about.
    pub subject: String,
    /// True when the text does not name the subject and it was guessed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub subject_guessed: bool,
    /// The words the candidate was read from: always a byte-exact slice of the input.
    pub excerpt: String,
    /// 1-based line where the excerpt starts.
    pub line: usize,
    /// Byte offset of the excerpt in the input.
    pub offset: usize,
    /// Who made the statement, for quotes and attributed statements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// How sure the extractor is, 0 to 1.
    pub confidence: f32,
    /// Other readings of the same words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// How a relative date or an anniversary's date was worked out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Which of the candidates for this source and predicate it is, from 1; makes the id.
    #[serde(skip)]
    pub ordinal: usize,
    /// Source id, for the import line.
    #[serde(skip)]
    pub source: String,
}

impl Candidate {
    /// A readable id: `<source>-<predicate>-<n>`, the predicate's member folded to id characters.
    pub fn id(&self) -> String {
        let mut pred = String::new();
        for ch in self.predicate.chars() {
            if ch.is_ascii_alphanumeric() {
                pred.push(ch.to_ascii_lowercase());
            } else if !pred.ends_with('-') {
                pred.push('-');
            }
        }
        let source: String = self
            .source
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
            .collect();
        let source = if source.is_empty() {
            "text".into()
        } else {
            source
        };
        let id = format!("{source}-{}-{}", pred.trim_matches('-'), self.ordinal);
        id.chars()
            .take(crate::intake::import::MAX_ID_CHARS)
            .collect()
    }

    /// The candidate as an import-format record (`type` claim) with its `candidate` notes.
    pub fn import_line(&self) -> ImportLine {
        ImportLine {
            kind: "claim",
            id: self.id(),
            source: self.source.clone(),
            subject: self.subject.clone(),
            predicate: self.predicate.clone(),
            value: self.value.clone(),
            excerpt: self.excerpt.clone(),
            claimant: self.claimant.clone(),
            candidate: CandidateNotes {
                confidence: self.confidence_rounded(),
                line: self.line,
                subject_guessed: self.subject_guessed,
                alternatives: self.alternatives.clone(),
                resolution: self.resolution.clone(),
            },
        }
    }

    /// The candidate as one import-format line.
    pub fn to_import_line(&self) -> String {
        serde_json::to_string(&self.import_line()).unwrap_or_default()
    }

    /// The confidence to two decimals, as the import line and `--json` print it.
    pub fn confidence_rounded(&self) -> f64 {
        (f64::from(self.confidence) * 100.0).round() / 100.0
    }
}

/// A candidate as an import line: the claim's import fields in the order a person reads them,
/// then the `candidate` object the import accepts and ignores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportLine {
    /// Always `claim`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `<source>-<predicate>-<n>`.
    pub id: String,
    /// The source id.
    pub source: String,
    /// What the claim is about.
    pub subject: String,
    /// The predicate.
    pub predicate: String,
    /// The typed value as the import format writes it.
    pub value: Json,
    /// The verbatim words.
    pub excerpt: String,
    /// Who made the statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// The review notes.
    pub candidate: CandidateNotes,
}

/// What `extract` adds to an import line for the desk's review; `import` ignores it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateNotes {
    /// 0–1, to two decimals.
    pub confidence: f64,
    /// 1-based line of the excerpt in the text.
    pub line: usize,
    /// True when the subject is a guess.
    pub subject_guessed: bool,
    /// Other readings of the same words.
    pub alternatives: Vec<Alternative>,
    /// How a relative date or an anniversary's date was worked out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

/// A candidate as a finder reports it, before its subject is settled.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub predicate: String,
    pub value: Value,
    /// Byte range of the excerpt.
    pub span: (usize, usize),
    /// The body the words speak of, to choose between subjects.
    pub body: Option<Body>,
    pub claimant: Option<String>,
    pub confidence: f32,
    pub alternatives: Vec<Alternative>,
    pub resolution: Option<String>,
    /// For quotes: the speaker, to word a guessed subject.
    pub speaker: Option<String>,
}

impl Found {
    pub fn new(predicate: impl Into<String>, value: Value, span: (usize, usize)) -> Found {
        Found {
            predicate: predicate.into(),
            value,
            span,
            body: None,
            claimant: None,
            confidence: 0.8,
            alternatives: Vec::new(),
            resolution: None,
            speaker: None,
        }
    }
}

/// The text with its sentences, paragraphs, lines and named subjects, shared by the finders.
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub opts: &'a ExtractOptions,
    sentences: Vec<(usize, usize)>,
    paragraphs: Vec<(usize, usize)>,
    line_starts: Vec<usize>,
    pub mentions: Vec<Mention>,
    /// Index of the main subject in `mentions`: any body, the Council's, the Assembly's.
    main: [Option<usize>; 3],
}

/// Longest stretch of text read as one sentence, in bytes.
const MAX_SENTENCE: usize = 2000;

/// Words before a full stop that do not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "mr", "ms", "mrs", "dr", "st", "no", "gen", "amb", "sen", "rep", "jan", "feb", "aug", "sept",
    "oct", "nov",
];

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, opts: &'a ExtractOptions) -> Doc<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let paragraphs = split_paragraphs(text);
        let mut long = Vec::new();
        for &(s, e) in &paragraphs {
            split_sentences(text, s, e, &mut long);
        }
        // Context is read per sentence; bounding its length keeps the whole pass linear even
        // on text with no full stops.
        let mut sentences = Vec::with_capacity(long.len());
        for (mut s, e) in long {
            while e - s > MAX_SENTENCE {
                let mut cut = s + MAX_SENTENCE;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                sentences.push((s, cut));
                s = cut;
            }
            sentences.push((s, e));
        }
        let mentions = subjects::mentions(text);
        let mut main = [None, None, None];
        for (i, body) in [None, Some(Body::Unsc), Some(Body::Unga)]
            .into_iter()
            .enumerate()
        {
            main[i] = subjects::main_subject_index(&mentions, body);
        }
        Doc {
            text,
            opts,
            sentences,
            paragraphs,
            line_starts,
            mentions,
            main,
        }
    }

    fn containing(spans: &[(usize, usize)], pos: usize) -> (usize, usize) {
        let i = spans.partition_point(|&(s, _)| s <= pos);
        if i == 0 {
            return (0, 0);
        }
        let (s, e) = spans[i - 1];
        if pos <= e {
            (s, e)
        } else {
            (pos, pos)
        }
    }

    /// Byte range of the sentence holding `pos`.
    pub fn sentence(&self, pos: usize) -> (usize, usize) {
        Self::containing(&self.sentences, pos)
    }

    /// Byte range of the paragraph holding `pos`.
    pub(crate) fn paragraph(&self, pos: usize) -> (usize, usize) {
        Self::containing(&self.paragraphs, pos)
    }

    /// Text of the sentence holding `pos`.
    pub(crate) fn sentence_text(&self, pos: usize) -> &'a str {
        let (s, e) = self.sentence(pos);
        &self.text[s..e]
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= pos)
    }

    /// The body the words around `pos` speak of: its sentence, else its paragraph up to `pos`,
    /// else the subject the text names for it.
    pub(crate) fn body_near(&self, pos: usize) -> Option<Body> {
        if let Some(b) = subjects::body_named(self.sentence_text(pos)) {
            return Some(b);
        }
        let (ps, _) = self.paragraph(pos);
        let mut from = ps.max(pos.saturating_sub(MAX_SENTENCE));
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        if let Some(b) = subjects::last_body_named(&self.text[from..pos.min(self.text.len())]) {
            return Some(b);
        }
        self.subject_mention(pos, None).map(|m| m.body)
    }

    /// The mention a candidate at `pos` is about, by the rule in [`subjects`], with no vote
    /// named before it to continue from.
    pub(crate) fn subject_mention(&self, pos: usize, body: Option<Body>) -> Option<&Mention> {
        self.local_mention(pos, body)
            .or_else(|| self.main_mention(body))
    }

    /// The mention named near `pos`: in its sentence (the nearest before it, else the first
    /// after), else the last one earlier in its paragraph.
    pub(crate) fn local_mention(&self, pos: usize, body: Option<Body>) -> Option<&Mention> {
        let fits = |m: &&Mention| body.is_none_or(|b| b == m.body);
        let (ss, se) = self.sentence(pos);
        let first = self.mentions.partition_point(|m| m.start < ss);
        let in_sentence = || {
            self.mentions[first..]
                .iter()
                .take_while(|m| m.start < se)
                .filter(|m| m.end <= se)
                .filter(fits)
        };
        if let Some(m) = in_sentence().filter(|m| m.start <= pos).last() {
            return Some(m);
        }
        if let Some(m) = in_sentence().next() {
            return Some(m);
        }
        let (ps, _) = self.paragraph(pos);
        let upto = self.mentions.partition_point(|m| m.start < pos);
        self.mentions[..upto]
            .iter()
            .rev()
            .take_while(|m| m.start >= ps)
            .filter(|m| m.end <= pos)
            .find(fits)
    }

    /// The text's main subject for `body`.
    fn main_mention(&self, body: Option<Body>) -> Option<&Mention> {
        let slot = match body {
            None => 0,
            Some(Body::Unsc) => 1,
            Some(Body::Unga) => 2,
        };
        self.main[slot].map(|i| &self.mentions[i])
    }
}

fn split_paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    let mut blank_run = false;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let line = &text[line_start..i];
            if line.trim().is_empty() {
                if !blank_run && line_start > start {
                    out.push((start, line_start));
                }
                blank_run = true;
                start = i + 1;
            } else {
                blank_run = false;
            }
            line_start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Splits a paragraph into sentences: after `.`, `!` or `?` (and any closing quote marks) when
/// whitespace and a capital or an opening quote follow, unless the word before the stop is an
/// abbreviation (`Mr.`, `U.N.`, `Feb.`). A heading line without a stop is its own sentence.
fn split_sentences(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut s = start;
    let mut i = start;
    while i < end {
        let b = bytes[i];
        let is_stop = matches!(b, b'.' | b'!' | b'?');
        // A line without a stop is a heading when a capital or a bracket opens the next line
        // ("Security Council Adopts …\n[Written …]"); otherwise the sentence runs on.
        let heading_break = b == b'\n'
            && (s == 0 || bytes[s - 1] == b'\n')
            && text[i + 1..end]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c == '[')
            && {
                let line = &text[s..i];
                !line
                    .trim_end()
                    .ends_with(['.', '!', '?', ',', ';', ':', '"', '\u{201d}'])
                    && !line.contains(['.', '!', '?'])
            };
        if heading_break {
            out.push((s, i));
            s = i + 1;
            i += 1;
            continue;
        }
        if is_stop {
            let mut j = i + 1;
            while j < end && text[j..].starts_with(['"', '\'', '\u{201d}', '\u{2019}', ')']) {
                j += text[j..].chars().next().map_or(1, char::len_utf8);
            }
            let ws_end = j + text[j..end]
                .bytes()
                .take_while(|c| c.is_ascii_whitespace())
                .count();
            let next = text[ws_end..end].chars().next();
            let starts_new = ws_end > j
                && next.is_some_and(|c| {
                    c.is_uppercase()
                        || c.is_ascii_digit()
                        || matches!(c, '"' | '\u{201c}' | '\u{2018}')
                });
            if starts_new && b == b'.' && is_abbreviation(&text[s..i]) {
                i += 1;
                continue;
            }
            if starts_new || ws_end >= end {
                out.push((s, j.min(end)));
                s = ws_end;
                i = ws_end;
                continue;
            }
        }
        i += 1;
    }
    if s < end {
        out.push((s, end));
    }
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if word.contains('.') || (word.chars().count() == 1 && word.chars().all(char::is_uppercase)) {
        return true;
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// The value as the import format's `value` field writes it. Dates keep the words as written
/// (the stated weekday is evidence); everything else is the normalised JSON.
pub(crate) fn import_value(v: &Value) -> Json {
    match v {
        Value::Date(d) => json!(d.as_written),
        Value::Anniversary { of, nth } => json!({"of": of.as_written, "nth": nth}),
        other => other.to_json(),
    }
}

/// Whether `(s, e)` overlaps any of `spans`, which are sorted and do not overlap each other.
pub(crate) fn overlaps_sorted(spans: &[(usize, usize)], s: usize, e: usize) -> bool {
    let i = spans.partition_point(|&(a, _)| a < e);
    i > 0 && spans[i - 1].1 > s
}

/// Key under which two candidates are the same claim.
fn same_claim_key(f: &Found, subject: &str) -> String {
    let value = match &f.value {
        Value::Date(d) => format!("{} {:?}", d.iso(), d.stated_weekday),
        Value::Anniversary { of, nth } => format!("{} {nth}", of.iso()),
        Value::Quote { speaker, text } => format!(
            "{}|{}",
            crate::model::value::text_key(speaker),
            crate::model::value::text_key(text)
        ),
        other => other.to_json().to_string(),
    };
    format!(
        "{}\u{0}{}\u{0}{}",
        f.predicate,
        crate::model::value::text_key(subject),
        value
    )
}

/// Reads candidate claims out of a text. Never panics; linear in the text's length.
pub fn extract(text: &str, opts: &ExtractOptions) -> Vec<Candidate> {
    let doc = Doc::new(text, opts);
    let mut found = Vec::new();
    dates::find(&doc, &mut found);
    tallies::find(&doc, &mut found);
    votes::find(&doc, &mut found);
    quotes::find(&doc, &mut found);
    found.sort_by_key(|f| f.span);

    let mut out: Vec<Candidate> = Vec::new();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    // The votes the text has reported so far (an outcome or a tally with its symbol near it):
    // a paragraph that names no symbol continues the story from the last of them ("A second
    // text, resolution ES-11/10, passed …" then "Hungary joined the United States in voting
    // no"), not from the text's main subject.
    let mut votes_so_far: Vec<&Mention> = Vec::new();
    for f in found {
        let (start, end) = f.span;
        let Some(excerpt) = text.get(start..end) else {
            continue;
        };
        let local = doc.local_mention(start, f.body);
        if let (Some(m), "outcome" | "tally") = (local, f.predicate.as_str()) {
            // A vote told as background ("resolution ES-11/1 had been adopted …", "recalled")
            // is not where the story goes on.
            if !is_background(doc.sentence_text(start)) {
                votes_so_far.push(m);
            }
        }
        let mention = local
            .or_else(|| {
                votes_so_far
                    .iter()
                    .rev()
                    .find(|m| f.body.is_none_or(|b| b == m.body))
                    .copied()
            })
            .or_else(|| doc.main_mention(f.body));
        let (subject, guessed) = match mention {
            Some(m) => (m.subject.clone(), false),
            None => match &opts.default_subject {
                Some(s) => (crate::model::value::collapse(s), false),
                None => (guess_subject(&doc, &f), true),
            },
        };
        let key = same_claim_key(&f, &subject);
        if let Some(&i) = seen.get(&key) {
            let c: &mut Candidate = &mut out[i];
            c.confidence = c.confidence.max(f.confidence);
            continue;
        }
        let claimant = f
            .claimant
            .clone()
            .or_else(|| quotes::attributed_to(&doc, start));
        seen.insert(key, out.len());
        out.push(Candidate {
            value: import_value(&f.value),
            predicate: f.predicate,
            subject,
            subject_guessed: guessed,
            excerpt: excerpt.to_string(),
            line: doc.line(start),
            offset: start,
            claimant,
            confidence: (f.confidence * if guessed { 0.8 } else { 1.0 }).clamp(0.0, 1.0),
            alternatives: f.alternatives,
            resolution: f.resolution,
            ordinal: 0,
            source: opts.source.clone(),
        });
    }
    let mut counters: std::collections::BTreeMap<String, usize> = Default::default();
    for c in &mut out {
        let n = counters.entry(c.predicate.clone()).or_insert(0);
        *n += 1;
        c.ordinal = *n;
    }
    out
}

/// Whether a sentence tells of an earlier event: past perfect ("had been adopted", "had
/// voted"), or "recalled" / "previously".
fn is_background(sentence: &str) -> bool {
    sentence.split(|c: char| !c.is_alphabetic()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "had" | "recalled" | "previously"
        )
    })
}

/// A subject the text does not name, worded so the desk sees it is a guess.
fn guess_subject(doc: &Doc, f: &Found) -> String {
    if let (Some(speaker), "quote") = (&f.speaker, f.predicate.as_str()) {
        return format!("remarks by {speaker} (subject not named in the text)");
    }
    match f.body.or_else(|| doc.body_near(f.span.0)) {
        Some(Body::Unsc) => "Security Council vote (not named in the text)".into(),
        Some(Body::Unga) => "General Assembly vote (not named in the text)".into(),
        None => "vote (not named in the text)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_do_not_break_after_abbreviations() {
        let text = "The U.N. Security Council met. Mr. Smith spoke at 3 p.m. on Monday.\n\nNew paragraph here.";
        let opts = ExtractOptions::default();
        let doc = Doc::new(text, &opts);
        assert_eq!(doc.sentence_text(5), "The U.N. Security Council met.");
        assert_eq!(
            doc.sentence_text(35),
            "Mr. Smith spoke at 3 p.m. on Monday."
        );
        assert_eq!(doc.paragraph(text.len() - 3).0, text.find("New").unwrap());
        assert_eq!(doc.line(text.len() - 1), 3);
    }

    #[test]
    fn import_lines_carry_excerpt_and_claimant() {
        let opts = ExtractOptions {
            source: "wire-1".into(),
            ..Default::default()
        };
        let c = extract(
            "The Security Council adopted S/RES/2774 by 10 votes to 0, with 5 abstentions.",
            &opts,
        );
        let tally = c.iter().find(|c| c.predicate == "tally").expect("a tally");
        let line: Json = serde_json::from_str(&tally.to_import_line()).unwrap();
        assert_eq!(line["id"], "wire-1-tally-1");
        assert_eq!(line["subject"], "S/RES/2774");
        assert_eq!(line["excerpt"], "10 votes to 0, with 5 abstentions");
        assert_eq!(
            line["value"],
            json!({"body":"UNSC","yes":10,"no":0,"abstain":5})
        );
        // The value reads back through the import's own parser as the same typed value.
        let v = Value::from_json("tally", &line["value"]).unwrap();
        assert_eq!(import_value(&v), line["value"]);
    }

    #[test]
    fn guessed_subjects_are_marked() {
        let opts = ExtractOptions::default();
        let c = extract(
            "The General Assembly adopted the text by 93 in favour, 18 against and 65 abstentions.",
            &opts,
        );
        let tally = c.iter().find(|c| c.predicate == "tally").unwrap();
        assert!(tally.subject_guessed);
        assert!(tally.subject.contains("General Assembly"));
        let with_default = ExtractOptions {
            default_subject: Some("A/RES/ES-11/7".into()),
            ..Default::default()
        };
        let c = extract(
            "The General Assembly adopted the text by 93 in favour, 18 against and 65 abstentions.",
            &with_default,
        );
        assert!(c
            .iter()
            .all(|c| c.subject == "A/RES/ES-11/7" && !c.subject_guessed));
    }

    #[test]
    fn excerpts_are_verbatim_on_awkward_input() {
        let opts = ExtractOptions::default();
        for text in [
            "",
            "\u{201c}",
            "“unclosed quote said Ms. Doe",
            "93-18-65 93-18-65 “a” said X. é\u{301}\n\n\u{2018}",
            "Russia, China and the UK abstained (US, France) against (",
        ] {
            for c in extract(text, &opts) {
                assert_eq!(&text[c.offset..c.offset + c.excerpt.len()], c.excerpt);
            }
        }
    }
}
