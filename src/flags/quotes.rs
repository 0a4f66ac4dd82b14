//! `quote-not-in-source` and `quote-unverifiable`: quotes checked against the archived text of
//! their own source.
//!
//! The check itself is pure: it looks quotes up in [`SourceTexts`], the comparison forms of the
//! quoted sources' texts, fetched beforehand from an [`Archive`] ([`SourceTexts::fetch`]), once
//! per source.

use super::{sorted, Flag, FlagCode, LiveClaim};
use crate::model::value::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// What is archived for a claim's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceText {
    /// The source's archived text.
    Archived(String),
    /// The source was recorded without a text.
    NotArchived,
}

/// Lookup of archived source texts (the projection implements this over the store).
pub trait Archive {
    /// The archived text of a source; errors mean the store is damaged, not that there is no text.
    fn source_text(&self, source_id: &str) -> crate::Result<SourceText>;

    /// The archived text in the form quotes are compared against (see [`comparable_text`]), or
    /// `None` without a text. Archives that serve many subjects override this to normalise each
    /// text once: normalising is most of the cost of checking quotes.
    fn comparable_text(&self, source_id: &str) -> crate::Result<Option<Rc<str>>> {
        Ok(match self.source_text(source_id)? {
            SourceText::Archived(t) => Some(comparable_text(&t).into()),
            SourceText::NotArchived => None,
        })
    }

    /// The comparison forms of the source's earlier archived texts (before a publisher's edit),
    /// oldest first; none when it was never revised.
    fn earlier_texts(&self, _source_id: &str) -> crate::Result<Vec<Rc<str>>> {
        Ok(Vec::new())
    }
}

/// The form of an archived text that quotes are looked for in.
pub fn comparable_text(text: &str) -> String {
    normalise_for_quote(text)
}

/// What a source offers for checking quotes: its normalised text, or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkable {
    /// The comparison form of the archived text ([`comparable_text`]).
    Normalised(Rc<str>),
    /// The source has no archived text.
    NotArchived,
}

/// The texts the quote rules need for one subject: for each source a quote claim cites, what it
/// offers for checking. Sources no quote cites are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceTexts(
    BTreeMap<String, Checkable>,
    /// The comparison forms of earlier versions' texts, for sources revised since.
    BTreeMap<String, Vec<Rc<str>>>,
);

impl SourceTexts {
    /// Looks up, once each, the sources that `subject`'s quote claims cite, in their comparison
    /// form. Errors come only from the archive (a damaged store).
    pub(crate) fn fetch(
        subject: &str,
        claims: &[LiveClaim],
        archive: &dyn Archive,
    ) -> crate::Result<SourceTexts> {
        quoted_source_texts(claims.iter().filter(|c| c.subject == subject), archive)
    }

    /// Records what `source` offers (`None`: no archived text), e.g. for texts held elsewhere.
    pub fn insert(&mut self, source: impl Into<String>, text: Option<Rc<str>>) {
        let checkable = match text {
            Some(t) => Checkable::Normalised(t),
            None => Checkable::NotArchived,
        };
        self.0.insert(source.into(), checkable);
    }

    /// What `source` offers, when a quote cites it.
    pub fn get(&self, source: &str) -> Option<&Checkable> {
        self.0.get(source)
    }

    /// Records the comparison forms of `source`'s earlier texts (before its latest version).
    pub fn insert_earlier(&mut self, source: impl Into<String>, texts: Vec<Rc<str>>) {
        if !texts.is_empty() {
            self.1.insert(source.into(), texts);
        }
    }

    /// The comparison forms of `source`'s earlier texts, oldest first.
    pub fn earlier(&self, source: &str) -> &[Rc<str>] {
        self.1.get(source).map_or(&[], Vec::as_slice)
    }

    /// Whether words (in comparison form) were in an earlier version of `source`: then their
    /// absence from the current text is the publisher's edit (`source-edited`), not a misquote.
    pub(crate) fn in_earlier(&self, source: &str, words: &str) -> bool {
        !words.is_empty() && self.earlier(source).iter().any(|t| t.contains(words))
    }
}

/// Looks up, once each, the sources that quote claims cite, and normalises their texts.
fn quoted_source_texts<'a>(
    claims: impl IntoIterator<Item = &'a LiveClaim>,
    archive: &dyn Archive,
) -> crate::Result<SourceTexts> {
    let mut texts = SourceTexts::default();
    for c in claims {
        let checked = matches!(c.value, Value::Quote { .. }) || c.excerpt.is_some();
        if !checked || texts.0.contains_key(&c.source) {
            continue;
        }
        texts.insert(c.source.clone(), archive.comparable_text(&c.source)?);
        texts.insert_earlier(c.source.clone(), archive.earlier_texts(&c.source)?);
    }
    Ok(texts)
}

/// Typography that does not change what was said: quotes, apostrophes, dashes, invisible marks.
fn map_typography(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => Some('"'),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => Some('-'),
        // Soft hyphen, zero-width space/joiners, word joiner, byte-order mark.
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        other => Some(other),
    }
}

/// The comparison form of quote and source text: NFKC, typographic quotes/apostrophes/dashes made
/// plain, invisible marks removed, whitespace collapsed, spaces around dashes dropped, lower-cased.
fn normalise_for_quote(s: &str) -> String {
    // ASCII has no typography to map and is its own NFKC; most archived text is already in
    // NFKC, which the quick check sees without composing (normalising is most of `flags`' time).
    let nfkc: Cow<str> = if s.is_ascii() {
        Cow::Borrowed(s)
    } else {
        // Typography first (so `″` becomes `"` rather than NFKC's `′′`), then again after NFKC
        // (which turns e.g. the non-breaking hyphen into U+2010).
        let pre: String = s.chars().filter_map(map_typography).collect();
        if unicode_normalization::is_nfkc_quick(pre.chars()) == IsNormalized::Yes {
            Cow::Owned(pre)
        } else {
            Cow::Owned(pre.nfkc().filter_map(map_typography).collect())
        }
    };
    let mut collapsed = String::with_capacity(nfkc.len());
    for word in nfkc.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    let mut out = if collapsed.contains('-') {
        collapsed.replace(" -", "-").replace("- ", "-")
    } else {
        collapsed
    };
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        out.to_lowercase()
    }
}

/// A quote's comparison form: as [`normalise_for_quote`], without the quotation marks, ellipses or
/// final `.`/`,`/`;`/`:` that surround it (punctuation style puts those inside or outside the
/// marks).
pub(super) fn normalise_quote(text: &str) -> String {
    let mut q = normalise_for_quote(text);
    loop {
        let before = q.len();
        let t = q.trim();
        let t = t.trim_start_matches('"').trim_end_matches('"');
        let t = t.strip_prefix("...").unwrap_or(t);
        let t = t.strip_suffix("...").unwrap_or(t);
        let t = t.trim_end_matches(['.', ',', ';', ':']);
        let t = match (t.strip_prefix('\''), t.strip_suffix('\'')) {
            (Some(_), Some(_)) if t.len() >= 2 => &t[1..t.len() - 1],
            _ => t,
        };
        q = t.trim().to_string();
        if q.len() == before {
            return q;
        }
    }
}

/// A quote for a message: whitespace collapsed, inside one pair of curly quotation marks.
pub(super) fn as_quoted(text: &str) -> String {
    let marks = [
        '"', '\'', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{00AB}', '\u{00BB}',
    ];
    let collapsed = crate::model::value::collapse(text);
    format!(
        "\u{201c}{}\u{201d}",
        collapsed.trim_matches(marks.as_slice()).trim()
    )
}

/// The quote claims among `claims` in claim order, each with the texts its source has (if
/// any): what both quote rules start from.
fn quotes<'a>(
    claims: &'a [LiveClaim],
    texts: &'a SourceTexts,
) -> impl Iterator<Item = (&'a LiveClaim, &'a str, &'a str, Option<&'a Checkable>)> {
    sorted(claims).into_iter().filter_map(|c| match &c.value {
        Value::Quote { speaker, text } => {
            Some((c, speaker.as_str(), text.as_str(), texts.get(&c.source)))
        }
        _ => None,
    })
}

/// One flag per quote claim whose words are not in its source's archived text.
pub(super) fn quote_not_in_source(
    subject: &str,
    claims: &[LiveClaim],
    texts: &SourceTexts,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (c, speaker, text, source) in quotes(claims, texts) {
        let Some(Checkable::Normalised(source)) = source else {
            continue;
        };
        let quote = normalise_quote(text);
        let why = if quote.is_empty() {
            "has no words to look for in"
        } else if source.contains(&quote) || texts.in_earlier(&c.source, &quote) {
            continue;
        } else {
            "is not in the archived text of"
        };
        let message = format!(
            "{subject}: {}'s quote of {} {why} {}: {}",
            c.id,
            crate::model::value::collapse(speaker),
            c.source,
            as_quoted(text)
        );
        let code = FlagCode::QuoteNotInSource;
        flags.push(Flag::on(code, subject, c, [], message));
    }
    flags
}

/// One flag per quote claim whose source has no archived text.
pub(super) fn quote_unverifiable(
    subject: &str,
    claims: &[LiveClaim],
    texts: &SourceTexts,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (c, speaker, _, source) in quotes(claims, texts) {
        if source != Some(&Checkable::NotArchived) {
            continue;
        }
        let message = format!(
            "{subject}: {}'s quote of {} cannot be checked — source {} has no archived text",
            c.id,
            crate::model::value::collapse(speaker),
            c.source
        );
        let code = FlagCode::QuoteUnverifiable;
        flags.push(Flag::on(code, subject, c, [], message));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::check_subject;
    use crate::flags::testing::{claim, codes_and_claims, sc, Broken, Texts};
    use serde_json::json;

    fn texts_of(claims: &[LiveClaim], archive: &dyn Archive) -> SourceTexts {
        quoted_source_texts(claims, archive).expect("archive")
    }

    // --- quotes ----------------------------------------------------------------------------

    const SPEECH: &str = "In her address, she described Russia\u{2019}s full\u{2011}scale invasion as \u{201c}a clear\n   violation of the U.N.\u{00a0}Charter and international law\u{201d}. It was a somber milestone \u{2013} the third anniversary.";

    fn quote(id: &str, source: &str, text: &str) -> LiveClaim {
        claim(
            id,
            source,
            "DiCarlo briefing",
            "quote",
            json!({"speaker":"Rosemary DiCarlo","text":text}),
        )
    }

    fn quote_flags(claims: &[LiveClaim], archive: &dyn Archive) -> Vec<Flag> {
        let texts = texts_of(claims, archive);
        let mut flags = quote_not_in_source("DiCarlo briefing", claims, &texts);
        flags.extend(quote_unverifiable("DiCarlo briefing", claims, &texts));
        flags
    }

    #[test]
    fn quotes_match_across_typography_and_line_breaks() {
        let archive = Texts::new(&[("speech", SPEECH)]);
        for (i, text) in [
            "\"a clear violation of the U.N. Charter and international law\"",
            "\u{201c}a clear violation of the U.N. Charter and international law.\u{201d}",
            "A Clear Violation of the U.N. Charter",
            "Russia's full-scale invasion",
            "Russia\u{2019}s full\u{2014}scale invasion",
            "somber milestone\u{2014}the third anniversary",
            "somber milestone - the third anniversary.",
            "\u{ff41} clear violation", // full-width a, NFKC
            "...the third anniversary",
        ]
        .iter()
        .enumerate()
        {
            let claims = [quote(&format!("q{i}"), "speech", text)];
            assert_eq!(quote_flags(&claims, &archive), vec![], "{text}");
        }
    }

    #[test]
    fn a_changed_word_does_not_match() {
        let archive = Texts::new(&[("speech", SPEECH)]);
        let claims = [quote(
            "q",
            "speech",
            "\u{201c}a blatant violation of the U.N. Charter\u{201d}",
        )];
        let flags = quote_flags(&claims, &archive);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("quote-not-in-source", vec!["q"])]
        );
        assert_eq!(flags[0].sources, vec!["speech"]);
        assert_eq!(flags[0].predicate, "quote");
        assert_eq!(
            flags[0].message,
            "DiCarlo briefing: q's quote of Rosemary DiCarlo is not in the archived text of speech: \u{201c}a blatant violation of the U.N. Charter\u{201d}"
        );
        // Reordered words do not match either.
        let claims = [quote(
            "q",
            "speech",
            "a violation clear of the U.N. Charter",
        )];
        assert_eq!(quote_flags(&claims, &archive).len(), 1);
    }

    #[test]
    fn the_fixture_article_wording_is_not_in_the_un_coverage() {
        let archive = Texts::new(&[
            (
                "un",
                include_str!("../../fixtures/un-votes/texts/un-sc-meeting-coverage.txt"),
            ),
            (
                "article",
                include_str!("../../fixtures/un-votes/texts/article-excerpts.txt"),
            ),
        ]);
        let claims = [
            quote(
                "un-wording",
                "un",
                "in violation of the UN Charter and international law",
            ),
            quote(
                "article-wording",
                "un",
                "a clear violation of the U.N. Charter",
            ),
            quote(
                "article-own",
                "article",
                "a clear violation of the U.N. Charter and international law",
            ),
        ];
        let flags = quote_flags(&claims, &archive);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("quote-not-in-source", vec!["article-wording"])]
        );
    }

    #[test]
    fn a_quote_with_no_words_is_flagged() {
        let archive = Texts::new(&[("speech", SPEECH)]);
        let claims = [quote("q", "speech", "\u{201c}\u{201d}")];
        let flags = quote_flags(&claims, &archive);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("quote-not-in-source", vec!["q"])]
        );
        assert!(flags[0]
            .message
            .contains("has no words to look for in speech"));
    }

    #[test]
    fn a_quote_without_archived_source_is_unverifiable() {
        let archive = Texts::new(&[("speech", SPEECH)]);
        let claims = [
            quote("q-missing", "wire", "anything at all"),
            quote("q-ok", "speech", "a clear violation"),
        ];
        let flags = quote_flags(&claims, &archive);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("quote-unverifiable", vec!["q-missing"])]
        );
        assert_eq!(
            flags[0].message,
            "DiCarlo briefing: q-missing's quote of Rosemary DiCarlo cannot be checked — source wire has no archived text"
        );
    }

    #[test]
    fn each_quoted_source_is_looked_up_once_and_others_not_at_all() {
        let archive = Texts::new(&[("speech", SPEECH)]);
        let claims = [
            quote("q1", "speech", "a clear violation"),
            quote("q2", "speech", "somber milestone"),
            claim(
                "d",
                "other-source",
                "DiCarlo briefing",
                "date",
                json!("2025-02-24"),
            ),
        ];
        check_subject("DiCarlo briefing", &claims, &archive).expect("check");
        assert_eq!(archive.1.get(), 1);
    }

    #[test]
    fn archive_errors_propagate() {
        let claims = [quote("q", "speech", "a clear violation")];
        assert!(matches!(
            check_subject("DiCarlo briefing", &claims, &Broken),
            Err(crate::LedgerError::CorruptText { .. })
        ));
        // Without quotes the archive is never asked.
        let claims = [sc("d", "date", json!("2025-02-24"))];
        assert_eq!(
            check_subject("S/RES/2774", &claims, &Broken).expect("no lookup"),
            vec![]
        );
    }
}
