//! Text that came from a ledger, a bundle, a proof or an import file, made safe to print on a
//! terminal.
//!
//! A title, a note, a claim id in an evidence file or a line type in a bundle is attacker-chosen
//! text. Printed raw, an ESC sequence in it can move the cursor, clear a line or recolour the
//! screen, so a failing `verify-proof` could *look* like "valid"; a carriage return or a newline
//! can overwrite or forge a line; a bidi override can reorder what the reader sees. Every text
//! renderer passes such values through [`escape`] (or the [`Escaped`] wrapper), which shows each
//! of these characters visibly (`\x1b`, `\n`, `\u{202e}`) and leaves everything else alone.
//!
//! Escaped are: C0 controls (U+0000–U+001F), DEL (U+007F), C1 controls (U+0080–U+009F) and the
//! Unicode bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). JSON output is
//! not escaped here: serde_json already escapes controls inside strings, and JSON must stay exact.

use std::borrow::Cow;
use std::fmt::{self, Write};

/// True for a character that must not reach a terminal as itself.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Writes the visible form of an unsafe character: `\n`, `\r`, `\t`, `\x1b` (ASCII) or
/// `\u{202e}` (beyond ASCII).
fn write_escape(out: &mut dyn Write, c: char) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    }
}

/// False when `s` cannot hold an unsafe character, decided on bytes: every unsafe character
/// starts with a byte below 0x20, 0x7f (DEL), 0xc2 (U+0080–U+009F) or 0xe2 (the bidi controls).
/// Most text holds none, and whole-ledger listings print millions of values, so this check runs
/// before the character-by-character one.
fn may_hold_unsafe(s: &str) -> bool {
    s.bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2)
}

/// Writes `s` to `out`, escaping unsafe characters (a newline too, unless `keep_newlines`).
fn write_escaped(out: &mut dyn Write, s: &str, keep_newlines: bool) -> fmt::Result {
    if !may_hold_unsafe(s) {
        return out.write_str(s);
    }
    let mut rest = s;
    while let Some((i, c)) = rest
        .char_indices()
        .find(|&(_, c)| is_unsafe(c) && !(keep_newlines && c == '\n'))
    {
        out.write_str(&rest[..i])?;
        write_escape(out, c)?;
        rest = &rest[i + c.len_utf8()..];
    }
    out.write_str(rest)
}

fn escape_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !may_hold_unsafe(s)
        || !s
            .chars()
            .any(|c| is_unsafe(c) && !(keep_newlines && c == '\n'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    // Writing to a String cannot fail.
    let _ = write_escaped(&mut out, s, keep_newlines);
    Cow::Owned(out)
}

/// A one-line value (an id, a title, a reason, an error message) safe to print: every unsafe
/// character, newlines included, is shown escaped. Borrows when there is nothing to escape.
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// Multi-line text printed on purpose as several lines (an archived text, a Graphviz document):
/// like [`escape`], but a newline stays a newline.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

/// A [`fmt::Display`] value printed through [`escape`] (or [`escape_text`]), for `format!` and
/// `out!` arguments: `out!("title {}", esc(&title))`. Width and alignment (`{:<10}`) apply to
/// the escaped text.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<T> {
    value: T,
    keep_newlines: bool,
}

/// Wraps a one-line value so that it prints escaped (see [`escape`]).
pub fn esc<T: fmt::Display>(value: T) -> Escaped<T> {
    Escaped {
        value,
        keep_newlines: false,
    }
}

/// Wraps multi-line text so that it prints escaped with its newlines kept (see [`escape_text`]).
pub fn esc_text<T: fmt::Display>(value: T) -> Escaped<T> {
    Escaped {
        value,
        keep_newlines: true,
    }
}

/// Escapes whatever passes through it on its way to a formatter.
struct EscapingWriter<'a, W: Write> {
    inner: &'a mut W,
    keep_newlines: bool,
}

impl<W: Write> Write for EscapingWriter<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_escaped(self.inner, s, self.keep_newlines)
    }
}

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Padding counts the escaped characters, so escape first, then pad.
            let mut s = String::new();
            write!(
                EscapingWriter {
                    inner: &mut s,
                    keep_newlines: self.keep_newlines,
                },
                "{}",
                self.value
            )?;
            return f.pad(&s);
        }
        write!(
            EscapingWriter {
                inner: f,
                keep_newlines: self.keep_newlines,
            },
            "{}",
            self.value
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte pre-check may only skip text that holds no unsafe character.
    #[test]
    fn the_byte_check_never_skips_an_unsafe_character() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            if is_unsafe(c) {
                let s = format!("ab{c}cd");
                assert!(may_hold_unsafe(&s), "U+{:04X}", c as u32);
                assert_ne!(escape(&s), s, "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "S/RES/2774 “adopted” — 12 in favour, ünïcödé, 日本";
        assert!(matches!(escape(s), Cow::Borrowed(x) if x == s));
        assert!(matches!(escape_text("a\nb"), Cow::Borrowed("a\nb")));
    }

    #[test]
    fn every_listed_class_is_escaped_visibly() {
        assert_eq!(escape("a\x1b[2Kb"), "a\\x1b[2Kb");
        assert_eq!(escape("bell\x07"), "bell\\x07");
        assert_eq!(escape("nul\0"), "nul\\x00");
        assert_eq!(escape("del\x7f"), "del\\x7f");
        assert_eq!(escape("csi\u{9b}2J"), "csi\\u{9b}2J");
        assert_eq!(escape("nel\u{85}"), "nel\\u{85}");
        assert_eq!(escape("rlo\u{202e}cba"), "rlo\\u{202e}cba");
        assert_eq!(escape("lre\u{202a}"), "lre\\u{202a}");
        assert_eq!(escape("lri\u{2066}pdi\u{2069}"), "lri\\u{2066}pdi\\u{2069}");
        assert_eq!(escape("cr\rlf\ntab\t"), "cr\\rlf\\ntab\\t");
        // The neighbours of the ranges are ordinary text.
        assert_eq!(
            escape("\u{a0}\u{2029}\u{202f}\u{2065}\u{206a}"),
            "\u{a0}\u{2029}\u{202f}\u{2065}\u{206a}"
        );
    }

    #[test]
    fn text_keeps_newlines_only() {
        assert_eq!(
            escape_text("one\ntwo\r\x1b]0;t\x07"),
            "one\ntwo\\r\\x1b]0;t\\x07"
        );
    }

    #[test]
    fn the_wrapper_escapes_and_pads_the_escaped_text() {
        assert_eq!(format!("[{}]", esc("a\x1bb")), "[a\\x1bb]");
        assert_eq!(format!("[{:<8}]", esc("a\x1b")), "[a\\x1b   ]");
        assert_eq!(format!("[{:<4}]", esc("ok")), "[ok  ]");
        assert_eq!(format!("{}", esc_text("a\n\u{9b}")), "a\n\\u{9b}");
        assert_eq!(
            format!(
                "{}",
                esc(Some(3).map_or("x".into(), |n: i32| n.to_string()))
            ),
            "3"
        );
    }

    #[test]
    fn escaping_is_idempotent_on_its_output() {
        let once = escape("x\x1b\u{202e}\n").into_owned();
        assert_eq!(escape(&once), once);
    }

    #[test]
    fn the_line_writer_keeps_newlines_and_escapes_the_rest() {
        // What `out!` does to a whole formatted line, the last line of defence under the
        // renderers' per-value escaping.
        let line = format!("{}\n{}", "a\x1b[1A", "valid");
        assert_eq!(escape_text(&line), "a\\x1b[1A\nvalid");
    }
}
