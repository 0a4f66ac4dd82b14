//! What a candidate is about: resolution and draft symbols named in the text (`S/RES/2774`,
//! `A/RES/ES-11/7`, "resolution 2774 (2025)", "draft resolution S/2022/155"), and which UN body a
//! passage speaks of.
//!
//! A candidate takes the symbol named in its own sentence, else the last one named earlier in its
//! paragraph, else the text's main subject (the symbol named most often, the first on a tie),
//! else the desk's default subject; only then is the subject a marked guess.

use crate::intake::regex;
use crate::model::value::Body;
use regex::Regex;
use std::sync::LazyLock;

/// One place the text names a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    /// Byte offset of the mention.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// The subject as the ledger names it.
    pub subject: String,
    /// The body the symbol belongs to.
    pub body: Body,
}

static SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?i)(?-u:\b)(?P<draft>draft\s+(?:resolution\s+)?)?",
        r"(?:(?P<sres>S/RES/\d{1,5})(?:\s*\(\d{4}\))?",
        r"|(?P<ares>A/RES/(?:ES-\d{1,2}/\d{1,3}|\d{1,3}/\d{1,4}))",
        r"|(?P<sdoc>S/\d{4}/\d{1,5})",
        r"|(?P<adoc>A/(?:ES-\d{1,2}/|\d{1,3}/)L\.\d{1,4}(?:/Rev\.\d)?)",
        r"|resolution\s+(?P<gares>ES-\d{1,2}/\d{1,3}|\d{2,3}/\d{1,4})",
        r"|resolution\s+(?P<scres>\d{3,4})(?:\s*\(\d{4}\))?)",
        r"(?P<tail>(?-u:\b)|$)"
    ))
});

/// Every subject the text names, in order.
pub(crate) fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for c in SYMBOL.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let draft = c.name("draft").is_some();
        let (subject, body) = if let Some(m) = c.name("sres") {
            (m.as_str().to_uppercase(), Body::Unsc)
        } else if let Some(m) = c.name("ares") {
            (m.as_str().to_uppercase(), Body::Unga)
        } else if let Some(m) = c.name("gares") {
            (format!("A/RES/{}", m.as_str().to_uppercase()), Body::Unga)
        } else if let Some(m) = c.name("scres") {
            if draft {
                continue;
            }
            (format!("S/RES/{}", m.as_str()), Body::Unsc)
        } else if let Some(m) = c.name("sdoc") {
            (document(m.as_str(), draft), Body::Unsc)
        } else if let Some(m) = c.name("adoc") {
            (document(m.as_str(), draft), Body::Unga)
        } else {
            continue;
        };
        out.push(Mention {
            start: whole.start(),
            end: whole.end(),
            subject,
            body,
        });
    }
    out
}

fn document(symbol: &str, draft: bool) -> String {
    let symbol = symbol.to_uppercase().replace("/REV.", "/Rev.");
    if draft {
        format!("draft resolution {symbol}")
    } else {
        symbol
    }
}

/// Index of the main subject among the mentions of one body (or of any body).
pub(crate) fn main_subject_index(mentions: &[Mention], body: Option<Body>) -> Option<usize> {
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, m) in mentions.iter().enumerate() {
        if body.is_some_and(|b| b != m.body) {
            continue;
        }
        counts.entry(m.subject.as_str()).or_insert((0, i)).0 += 1;
    }
    counts
        .values()
        .max_by_key(|(n, first)| (*n, std::cmp::Reverse(*first)))
        .map(|(_, first)| *first)
}

static BODY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?-u:\b)(?:(?:UN\s+|U\.N\.\s+)?(Security\s+Council|Council|UNSC)|(?:UN\s+|U\.N\.\s+)?(General\s+Assembly|Assembly|UNGA))(?-u:\b)",
    )
});

/// The one body a passage names, if it names exactly one.
pub(crate) fn body_named(passage: &str) -> Option<Body> {
    let mut found = None;
    for c in BODY_WORD.captures_iter(passage) {
        let b = if c.get(1).is_some() {
            Body::Unsc
        } else {
            Body::Unga
        };
        match found {
            None => found = Some(b),
            Some(f) if f != b => return None,
            Some(_) => {}
        }
    }
    found
}

/// The body named last before the end of a passage, for "the Council adopted …, the Assembly …".
pub(crate) fn last_body_named(passage: &str) -> Option<Body> {
    BODY_WORD.captures_iter(passage).last().map(|c| {
        if c.get(1).is_some() {
            Body::Unsc
        } else {
            Body::Unga
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The main subject: named most often, the first named on a tie.
    fn main_subject(mentions: &[Mention]) -> Option<&Mention> {
        main_subject_index(mentions, None).map(|i| &mentions[i])
    }

    fn subjects(text: &str) -> Vec<String> {
        mentions(text).into_iter().map(|m| m.subject).collect()
    }

    #[test]
    fn symbols_in_their_usual_forms() {
        assert_eq!(
            subjects("adopted resolution 2774 (2025) and S/RES/2775; the Assembly's A/RES/ES-11/7 and resolution ES-11/8"),
            ["S/RES/2774", "S/RES/2775", "A/RES/ES-11/7", "A/RES/ES-11/8"]
        );
        assert_eq!(
            subjects("Draft resolution S/2022/155 was vetoed; an amendment (A/ES-11/L.12) failed"),
            ["draft resolution S/2022/155", "A/ES-11/L.12"]
        );
        assert_eq!(subjects("resolution 77/1 of the Assembly"), ["A/RES/77/1"]);
    }

    #[test]
    fn numbers_that_are_not_symbols() {
        assert!(subjects("the 15-member Council, 193 members, 2025-02-24, S/RES/").is_empty());
    }

    #[test]
    fn main_subject_is_the_most_named() {
        let m = mentions("S/RES/1 then A/RES/ES-11/7, A/RES/ES-11/7");
        assert_eq!(main_subject(&m).unwrap().subject, "A/RES/ES-11/7");
        let m = mentions("S/RES/1 then A/RES/ES-11/7");
        assert_eq!(main_subject(&m).unwrap().subject, "S/RES/1");
    }

    #[test]
    fn bodies_named() {
        assert_eq!(
            body_named("the U.N. Security Council adopted"),
            Some(Body::Unsc)
        );
        assert_eq!(body_named("the Assembly voted"), Some(Body::Unga));
        assert_eq!(body_named("the Council and the Assembly"), None);
        assert_eq!(body_named("the vote"), None);
    }
}
