//! Values as reporters write them: `"93-18-65"`, `"UNGA 93 in favour, 18 against, 65
//! abstentions"`, `"Security Council: 10 votes to 0, with 5 abstentions"`, `"adopted 10-0-5"`.
//!
//! These parse into the same typed [`Tally`] as the import format's object form, so a desk can
//! copy the words from the page. A count without its body is ambiguous: a total above 15 can only
//! be the General Assembly, anything smaller could be either, and we ask rather than guess.
//! The count phrases are shared with the extractor (`crate::intake::extract`), which finds them in
//! running text.

use crate::intake::regex;
use crate::model::value::{Body, Outcome, Tally};
use regex::Regex;
use std::sync::LazyLock;

/// The forms a reported tally may take, for messages.
pub const TALLY_FORMS: &str = "'93-18-65', '93 in favour, 18 against, 65 abstentions', \
'10 votes to 0, with 5 abstentions' or 'adopted 10-0-5', optionally after the body \
('UNGA 93-18-65', 'Security Council: 10 votes to 0, with 5 abstentions')";

/// The forms a reported outcome may take, for messages.
pub const OUTCOME_FORMS: &str = "phrases as reporters write them are read too, as in \
'was adopted unanimously', 'adopted without a vote', 'failed to pass', 'not adopted', \
'vetoed by the United States'";

/// Why a reported value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportedError {
    /// The text is not a tally in any accepted form.
    #[error("'{0}' is not a tally in an accepted form: write {forms}", forms = TALLY_FORMS)]
    Unrecognised(String),
    /// The text is not an outcome in any accepted form.
    #[error("'{0}' is not an outcome (adopted, rejected, vetoed); {forms}", forms = OUTCOME_FORMS)]
    Outcome(String),
    /// The counts fit both bodies, so the body must be named.
    #[error("'{text}' gives {total} votes in all, which could be the Security Council or the General Assembly; name the body first, as in 'UNSC {counts}' or 'General Assembly: {counts}'")]
    NeedsBody {
        /// The text as given.
        text: String,
        /// The counts as given, for the example.
        counts: String,
        /// Sum of the counts.
        total: u32,
    },
    /// The counts add up to more members than the named body has.
    #[error("'{text}' gives {total} votes in all, more than the {members} members of the {body}")]
    TooManyVotes {
        /// The text as given.
        text: String,
        /// Sum of the counts.
        total: u32,
        /// The body named.
        body: &'static str,
        /// Its membership.
        members: u32,
    },
}

/// Counts read from a phrase, before the body is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// In favour.
    pub yes: Option<u32>,
    /// Against.
    pub no: Option<u32>,
    /// Abstentions.
    pub abstain: Option<u32>,
    /// Absent or not voting.
    pub absent: Option<u32>,
}

impl Counts {
    /// Sum of the counts given.
    pub fn total(&self) -> u32 {
        [self.yes, self.no, self.abstain, self.absent]
            .iter()
            .flatten()
            .fold(0u32, |a, b| a.saturating_add(*b))
    }

    /// The tally for a body.
    pub fn into_tally(self, body: Body) -> Tally {
        Tally {
            body,
            yes: self.yes,
            no: self.no,
            abstain: self.abstain,
            absent: self.absent,
            procedural: None,
            majority: None,
        }
    }
}

/// Reads a body name: `Security Council`, `General Assembly`, `UNSC`, `UNGA`, any case, with an
/// optional leading "the" and "UN"/"U.N.".
pub fn parse_body(s: &str) -> Option<Body> {
    let key = crate::model::value::collapse(s).to_lowercase();
    let key = key.strip_prefix("the ").unwrap_or(&key);
    let key = key
        .strip_prefix("un ")
        .or_else(|| key.strip_prefix("u.n. "))
        .unwrap_or(key);
    match key {
        "security council" | "unsc" | "council" => Some(Body::Unsc),
        "general assembly" | "unga" | "assembly" => Some(Body::Unga),
        _ => None,
    }
}

/// A count written as digits or as a small number word ("none", "ten").
pub fn number(word: &str) -> Option<u32> {
    if !word.is_empty() && word.len() <= 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok();
    }
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    let w = word.to_ascii_lowercase();
    if w == "none" || w == "no" || w == "nil" {
        return Some(0);
    }
    WORDS.iter().position(|n| *n == w).map(|i| i as u32)
}

/// A count: digits or a number word. Shared with the extractor's patterns.
pub(crate) const NUM: &str = r"(?:\d{1,3}|none|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)";

/// `10-0-5`, `93–18–65`, `10-0`.
static DASHED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^(\d{1,3})\s*[-–—]\s*(\d{1,3})(?:\s*[-–—]\s*(\d{1,3}))?$"));

/// `10 votes to 0, with 5 abstentions`, `by a vote of 10 to none`.
static VOTES_TO: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^(?:by\s+a\s+(?:recorded\s+)?vote\s+of\s+)?({NUM})(?:\s+votes?)?\s+to\s+({NUM})(?:\s+(?:votes?\s+)?against)?(?:,?\s+with\s+({NUM})\s+abstentions?)?$"
    ))
});

/// One labelled count: `93 in favour`, `18 against`, `65 abstentions`.
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)({NUM})\s+(?:votes?\s+|members?\s+|countries\s+|states\s+|nations\s+)?(in\s+favou?r|for|yes|against|no|abstentions?|abstaining|abstained|absent|not\s+voting|non-voting)(?-u:\b)"
    ))
});

/// What may stand between two labelled counts.
fn is_separator(gap: &str) -> bool {
    let g = gap.trim().to_ascii_lowercase();
    let had_punct = g.starts_with([',', ';']);
    let rest = g.trim_start_matches([',', ';']).trim();
    matches!(rest, "" | "to" | "and" | "with" | "while") && (had_punct || !rest.is_empty())
}

fn label(word: &str, counts: &mut Counts, n: u32) -> bool {
    let w = crate::model::value::collapse(word).to_ascii_lowercase();
    let slot = match w.as_str() {
        "in favour" | "in favor" | "for" | "yes" => &mut counts.yes,
        "against" | "no" => &mut counts.no,
        "abstention" | "abstentions" | "abstaining" | "abstained" => &mut counts.abstain,
        _ => &mut counts.absent,
    };
    if slot.is_some() {
        return false;
    }
    *slot = Some(n);
    true
}

/// Reads the counts of a phrase (no body): dashed, "N votes to M", or labelled counts separated
/// by commas, "and", "to" or "with". `None` when the whole phrase is not one of these.
pub fn parse_counts(s: &str) -> Option<Counts> {
    let s = s.trim().trim_end_matches(['.', ';']).trim();
    let lower = s.to_ascii_lowercase();
    let s = if lower.starts_with("adopted ") || lower.starts_with("rejected ") {
        s.split_once(' ').map(|(_, r)| r.trim_start()).unwrap_or(s)
    } else {
        s
    };
    let s = s
        .strip_prefix("by ")
        .filter(|r| !r.starts_with("a "))
        .unwrap_or(s);
    if let Some(c) = DASHED.captures(s) {
        let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse().ok());
        return Some(Counts {
            yes: n(1),
            no: n(2),
            abstain: n(3),
            absent: None,
        });
    }
    if let Some(c) = VOTES_TO.captures(s) {
        let n = |i: usize| c.get(i).and_then(|m| number(m.as_str()));
        return Some(Counts {
            yes: n(1),
            no: n(2),
            abstain: n(3),
            absent: None,
        });
    }
    let mut counts = Counts::default();
    let mut at = 0;
    let mut items = 0;
    for m in ITEM.captures_iter(s) {
        let whole = m.get(0)?;
        if items > 0 && !is_separator(&s[at..whole.start()]) {
            return None;
        }
        if items == 0 && !s[..whole.start()].trim().is_empty() {
            return None;
        }
        let n = number(m.get(1)?.as_str())?;
        if !label(m.get(2)?.as_str(), &mut counts, n) {
            return None;
        }
        at = whole.end();
        items += 1;
    }
    (items > 0 && s[at..].trim().is_empty()).then_some(counts)
}

/// Splits a leading body name off: `UNGA 93-18-65`, `Security Council: 10 votes to 0`.
fn split_body(s: &str) -> (Option<Body>, &str) {
    const NAMES: [&str; 8] = [
        "the un security council",
        "the security council",
        "un security council",
        "security council",
        "the general assembly",
        "general assembly",
        "unsc",
        "unga",
    ];
    let lower = s.to_lowercase();
    for name in NAMES {
        if lower.starts_with(name) && s.is_char_boundary(name.len()) {
            let rest = &s[name.len()..];
            if rest.is_empty() || rest.starts_with([' ', ':', ',', '\t']) {
                let body = parse_body(name);
                let rest = rest.trim_start_matches([' ', ':', ',', '\t']);
                return (body, rest);
            }
        }
    }
    (None, s)
}

/// Reads an outcome as a reporter writes it: the word itself in any case (`Adopted`), after
/// `was`/`has been` and the like (`the draft was adopted`), with what follows it
/// (`adopted unanimously`, `adopted by 10 votes to 0`, `vetoed by Russia`), or said the other way
/// (`failed to pass`, `not adopted`, `voted down`).
pub fn parse_outcome(input: &str) -> Result<Outcome, ReportedError> {
    let unreadable = || ReportedError::Outcome(crate::model::value::collapse(input));
    let text = crate::model::value::collapse(input)
        .to_lowercase()
        .trim_end_matches(['.', '!'])
        .to_string();
    let mut words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    // Who and how it was: "the draft resolution was", "it has been".
    const SUBJECTS: [&str; 6] = ["the", "draft", "resolution", "text", "it", "motion"];
    const AUXILIARIES: [&str; 6] = ["was", "is", "were", "has", "had", "been"];
    while words.first().is_some_and(|w| SUBJECTS.contains(w)) {
        words.remove(0);
    }
    while words.first().is_some_and(|w| AUXILIARIES.contains(w)) {
        words.remove(0);
    }
    let phrase = words.join(" ");
    let starts = |p: &str| phrase == p || phrase.starts_with(&format!("{p} "));
    if [
        "not adopted",
        "failed",
        "defeated",
        "voted down",
        "rejected",
    ]
    .iter()
    .any(|p| starts(p))
    {
        Ok(Outcome::Rejected)
    } else if starts("vetoed") {
        Ok(Outcome::Vetoed)
    } else if starts("adopted") && !phrase.contains(" not ") {
        Ok(Outcome::Adopted)
    } else {
        Err(unreadable())
    }
}

/// Reads a tally as a reporter writes it. See [`TALLY_FORMS`].
pub fn parse_tally(input: &str) -> Result<Tally, ReportedError> {
    let text = crate::model::value::collapse(input);
    let (body, rest) = split_body(&text);
    let counts = parse_counts(rest).ok_or_else(|| ReportedError::Unrecognised(text.clone()))?;
    let total = counts.total();
    let body = match body {
        Some(b) => b,
        None if total > Body::Unsc.membership() => Body::Unga,
        None => {
            return Err(ReportedError::NeedsBody {
                counts: rest.to_string(),
                text,
                total,
            })
        }
    };
    if total > body.membership() {
        return Err(ReportedError::TooManyVotes {
            text,
            total,
            body: match body {
                Body::Unsc => "Security Council",
                Body::Unga => "General Assembly",
            },
            members: body.membership(),
        });
    }
    Ok(counts.into_tally(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> (Body, Option<u32>, Option<u32>, Option<u32>) {
        let t = parse_tally(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (t.body, t.yes, t.no, t.abstain)
    }

    #[test]
    fn the_issue_forms_read_as_the_object_form() {
        let ga = (Body::Unga, Some(93), Some(18), Some(65));
        assert_eq!(t("93-18-65"), ga);
        assert_eq!(t("93 in favour, 18 against, 65 abstentions"), ga);
        assert_eq!(t("93 in favour, 18 against and 65 abstentions"), ga);
        assert_eq!(
            t("93 votes in favour to 18 against, with 65 abstentions"),
            ga
        );
        assert_eq!(t("UNGA 93-18-65"), ga);
        assert_eq!(t("general assembly: 93–18–65"), ga);
        let sc = (Body::Unsc, Some(10), Some(0), Some(5));
        assert_eq!(t("Security Council: 10 votes to 0, with 5 abstentions"), sc);
        assert_eq!(t("UNSC adopted 10-0-5"), sc);
        assert_eq!(
            t("unsc 10 in favour to none against, with 5 abstentions"),
            sc
        );
        assert_eq!(
            t("The Security Council, by a vote of 10 to 0, with 5 abstentions"),
            sc
        );
    }

    #[test]
    fn same_value_as_the_import_object() {
        let object = crate::model::value::Value::from_json(
            "tally",
            &serde_json::json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
        )
        .unwrap();
        let reported = crate::model::value::Value::Tally(parse_tally("UNSC 10-0-5").unwrap());
        assert_eq!(object, reported);
    }

    #[test]
    fn small_totals_without_a_body_ask_for_it() {
        let e = parse_tally("10 votes to 0, with 5 abstentions").unwrap_err();
        assert!(matches!(e, ReportedError::NeedsBody { total: 15, .. }));
        let msg = e.to_string();
        assert!(msg.contains("UNSC 10 votes to 0"), "{msg}");
        assert!(matches!(
            parse_tally("adopted 10-0-5"),
            Err(ReportedError::NeedsBody { .. })
        ));
    }

    #[test]
    fn too_many_votes_for_the_council() {
        let e = parse_tally("UNSC 93-18-65").unwrap_err();
        assert!(matches!(e, ReportedError::TooManyVotes { members: 15, .. }));
    }

    #[test]
    fn unreadable_text_names_the_accepted_forms() {
        for s in [
            "",
            "ninety-three yes",
            "93 in favour 18 against",
            "93, 18, 65",
            "93 in favour, 18 in favour",
            "UNESCO 93-18-65",
            "93-18-65-2-1",
        ] {
            let e = parse_tally(s).unwrap_err();
            assert!(matches!(e, ReportedError::Unrecognised(_)), "{s}: {e}");
            assert!(e.to_string().contains("'93-18-65'"), "{e}");
        }
    }

    #[test]
    fn bodies_in_any_case() {
        for (s, b) in [
            ("Security Council", Body::Unsc),
            ("SECURITY COUNCIL", Body::Unsc),
            ("unsc", Body::Unsc),
            ("General Assembly", Body::Unga),
            ("UNGA", Body::Unga),
            ("the U.N. General Assembly", Body::Unga),
        ] {
            assert_eq!(parse_body(s), Some(b), "{s}");
        }
        assert_eq!(parse_body("WHO"), None);
    }

    #[test]
    fn counts_phrases() {
        let c = parse_counts("12 votes in favour, 1 against and 2 abstentions").unwrap();
        assert_eq!((c.yes, c.no, c.abstain), (Some(12), Some(1), Some(2)));
        assert_eq!(c.total(), 15);
        assert_eq!(number("none"), Some(0));
        assert_eq!(number("Fifteen"), Some(15));
        assert_eq!(number("12345"), None);
    }

    #[test]
    fn outcomes_read_as_reporters_write_them() {
        for (text, want) in [
            ("Adopted", Outcome::Adopted),
            ("was adopted unanimously", Outcome::Adopted),
            (
                "The draft resolution was adopted by 10 votes to 0.",
                Outcome::Adopted,
            ),
            ("adopted without a vote", Outcome::Adopted),
            ("VETOED by the Russian Federation", Outcome::Vetoed),
            ("failed to pass", Outcome::Rejected),
            ("it was not adopted", Outcome::Rejected),
            ("voted down", Outcome::Rejected),
            ("rejected", Outcome::Rejected),
        ] {
            assert_eq!(parse_outcome(text), Ok(want), "{text}");
        }
        for text in [
            "passed",
            "adoptedly",
            "maybe adopted",
            "adopted? not at all",
        ] {
            let e = parse_outcome(text).unwrap_err().to_string();
            assert!(
                e.contains("is not an outcome (adopted, rejected, vetoed); phrases"),
                "{e}"
            );
        }
    }
}
