//! The one escaping function of the web page: every text that came from the ledger, a form or a
//! request is passed through [`esc`] before it goes into HTML (element content or a quoted
//! attribute value). Nothing else in `web/` writes such text into a page.

use std::fmt::Write;

/// `s` escaped for HTML element content and for double- or single-quoted attribute values:
/// `& < > " '` become character references, so nothing in `s` can open a tag, close an
/// attribute or start an entity.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline have no business in a page.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "&#xFFFD;");
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` percent-encoded for a URL query value or a path segment (every byte outside the
/// unreserved set is encoded, `/` included), then escaped for an attribute by the caller's
/// [`esc`] — the result holds only `A-Z a-z 0-9 - . _ ~ %`, so escaping it changes nothing.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_entities_become_text() {
        assert_eq!(
            esc(r#"<script>alert("x's")</script> & co"#),
            "&lt;script&gt;alert(&quot;x&#39;s&quot;)&lt;/script&gt; &amp; co"
        );
        assert_eq!(esc("&lt;"), "&amp;lt;");
        assert_eq!(
            esc("plain S/RES/2774 — “quoted”"),
            "plain S/RES/2774 — “quoted”"
        );
        assert_eq!(esc("a\u{0}b\u{1b}[31m"), "a&#xFFFD;b&#xFFFD;[31m");
        assert_eq!(esc("line\n\tindent"), "line\n\tindent");
    }

    #[test]
    fn escaped_text_never_holds_a_markup_character() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = format!("x{c}y");
            let e = esc(&s);
            assert!(!e.contains(['<', '>', '"', '\'']), "{c:?} escaped to {e:?}");
            // Every & starts a reference this function wrote.
            for (i, _) in e.match_indices('&') {
                let rest = &e[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#xFFFD;"]
                        .iter()
                        .any(|r| rest.starts_with(r)),
                    "{c:?} escaped to {e:?}"
                );
            }
        }
    }

    #[test]
    fn url_values_hold_only_unreserved_characters_and_percent() {
        assert_eq!(url("S/RES/2774"), "S%2FRES%2F2774");
        assert_eq!(url("a b&c=\"<"), "a%20b%26c%3D%22%3C");
        assert_eq!(url("é"), "%C3%A9");
        assert_eq!(esc(&url("<x y='1'>")), url("<x y='1'>"));
    }
}
