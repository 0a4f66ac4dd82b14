//! `excerpt-not-in-source`: a claim's excerpt — the verbatim words of its source it rests on —
//! checked against the source's archived text, normalised as quotes are (`quotes`).

use super::quotes::{as_quoted, normalise_quote};
use super::{sorted, Checkable, Flag, FlagCode, LiveClaim, SourceTexts};

/// One flag per claim whose excerpt is not in its source's archived text. A source without an
/// archived text gives nothing to check against and raises nothing here.
pub(super) fn excerpt_not_in_source(
    subject: &str,
    claims: &[LiveClaim],
    texts: &SourceTexts,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for c in sorted(claims) {
        let Some(excerpt) = &c.excerpt else {
            continue;
        };
        let Some(Checkable::Normalised(source)) = texts.get(&c.source) else {
            continue;
        };
        let words = normalise_quote(excerpt);
        let why = if words.is_empty() {
            "has no words to look for in"
        } else if source.contains(&words) || texts.in_earlier(&c.source, &words) {
            // Words an earlier version held are the publisher's edit: `source-edited`.
            continue;
        } else {
            "is not in the archived text of"
        };
        let message = format!(
            "{subject} {}: {}'s excerpt {why} {}: {}",
            c.predicate,
            c.id,
            c.source,
            as_quoted(excerpt)
        );
        flags.push(Flag::on(
            FlagCode::ExcerptNotInSource,
            subject,
            c,
            [],
            message,
        ));
    }
    flags
}

/// One flag per quote or excerpt whose words an earlier version of its source held and its
/// current version does not: the publisher edited them out.
pub(super) fn source_edited(subject: &str, claims: &[LiveClaim], texts: &SourceTexts) -> Vec<Flag> {
    let mut flags = Vec::new();
    for c in sorted(claims) {
        let words = match (&c.value, &c.excerpt) {
            (_, Some(e)) => e.as_str(),
            (crate::model::value::Value::Quote { text, .. }, None) => text.as_str(),
            _ => continue,
        };
        let Some(Checkable::Normalised(current)) = texts.get(&c.source) else {
            continue;
        };
        let normal = normalise_quote(words);
        if normal.is_empty() || current.contains(&normal) || !texts.in_earlier(&c.source, &normal) {
            continue;
        }
        let what = if c.excerpt.is_some() {
            "excerpt"
        } else {
            "quote"
        };
        let message = format!(
            "{subject} {}: {}'s {what} was in an earlier version of {} and is not in its current text: {}",
            c.predicate,
            c.id,
            c.source,
            as_quoted(words)
        );
        flags.push(Flag::on(FlagCode::SourceEdited, subject, c, [], message));
    }
    flags
}

#[cfg(test)]
mod tests {
    use crate::flags::check_subject;
    use crate::flags::testing::{codes_and_claims, sc, Texts};
    use serde_json::json;

    #[test]
    fn an_excerpt_is_looked_for_in_its_own_source_across_typography() {
        let archive = Texts::new(&[
            (
                "src-said",
                "The Council met on\nMonday, 24 February \u{2013} and voted.",
            ),
            ("src-bare", "nothing"),
        ]);
        let mut found = sc("said", "date", json!("2025-02-24"));
        found.excerpt = Some("\u{201c}Monday, 24 February - and voted.\u{201d}".into());
        let mut missing = sc("wrong", "date", json!("2025-02-25"));
        missing.source = "src-said".into();
        missing.excerpt = Some("Tuesday, February 25".into());
        let mut unarchived = sc("gone", "date", json!("2025-02-25"));
        unarchived.excerpt = Some("Tuesday".into());
        let plain = sc("plain", "date", json!("2025-02-25"));
        let claims = [found, missing, unarchived, plain];
        let flags = check_subject("S/RES/2774", &claims, &archive).expect("archive");
        let excerpt_flags: Vec<_> = codes_and_claims(&flags)
            .into_iter()
            .filter(|(code, _)| *code == "excerpt-not-in-source")
            .collect();
        assert_eq!(excerpt_flags, [("excerpt-not-in-source", vec!["wrong"])]);
        let f = flags
            .iter()
            .find(|f| f.code == "excerpt-not-in-source")
            .expect("flag");
        assert!(
            f.message
                .contains("wrong's excerpt is not in the archived text of src-said"),
            "{}",
            f.message
        );
    }
}

/// The line (1-based) of `text` where `excerpt` begins, compared as quotes are; `None` when the
/// text does not hold it.
pub fn excerpt_line(text: &str, excerpt: &str) -> Option<usize> {
    let words = normalise_quote(excerpt);
    if words.is_empty() {
        return None;
    }
    let at = super::comparable_text(text).find(&words)?;
    // The match begins on the last line whose preceding text normalises to no more than `at`
    // bytes (normalising a longer prefix never gives a shorter form).
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    let (mut lo, mut hi) = (0, starts.len().saturating_sub(1));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if super::comparable_text(&text[..starts[mid]]).len() <= at {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Some(lo + 1)
}

#[cfg(test)]
mod line_tests {
    use super::excerpt_line;

    #[test]
    fn the_line_is_where_the_excerpt_begins() {
        let text = "Title\n\nThe Council met on\nMonday, 24 February\nand voted.\n";
        assert_eq!(excerpt_line(text, "Title"), Some(1));
        assert_eq!(excerpt_line(text, "met on Monday"), Some(3));
        assert_eq!(excerpt_line(text, "monday, 24 february and voted"), Some(4));
        assert_eq!(excerpt_line(text, "and voted."), Some(5));
        assert_eq!(excerpt_line(text, "Tuesday"), None);
        assert_eq!(excerpt_line(text, "\"\""), None);
    }
}
