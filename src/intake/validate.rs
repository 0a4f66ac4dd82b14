//! The field rules every event meets, whichever way it enters the ledger: an import line, `add`
//! and `retract`, or an `import --bundle`. [`event`] is the one check; the import parser calls it
//! on each record it builds, import planning calls it again on every draft it appends, and bundle
//! verification calls it on every event a bundle holds, so a bundle cannot carry what an import
//! would refuse.
//!
//! The rules are about one event on its own (ids, lengths, control characters, normal forms,
//! values of the right kind for the predicate); what depends on the ledger (unknown sources,
//! duplicate ids) is decided by [`crate::intake::import::plan`].
//!
//! Ids are ASCII letters, digits and `. _ : -`, so no valid id contains NUL, and the index's
//! derived keys (which start with NUL, see [`crate::ledger::retraction_key`]) never collide with
//! an id (`docs/format.md`, "The store").

use crate::model::date::StatedDate;
use crate::model::event::{Claim, EventBody, Retraction, Review, Scale, Source};
use crate::model::value::{collapse, normalise_predicate, vote_member, Value, MAX_TEXT_VALUE};
use std::fmt;

/// Longest id, in characters.
pub const MAX_ID_CHARS: usize = 128;
/// Longest subject or predicate, in characters.
pub const MAX_NAME_CHARS: usize = 512;
/// Longest author name an event may carry, in characters.
pub(crate) const MAX_AUTHOR_CHARS: usize = 128;
/// Most citations one source may list.
pub const MAX_CITES: usize = 1000;
/// Most steps a rating scale may have.
pub const MAX_SCALE_STEPS: usize = 32;
/// Longest archived text, in bytes.
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// Which rule a field breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rule {
    /// Empty, or only whitespace.
    #[error("must not be empty")]
    Empty,
    /// An id over [`MAX_ID_CHARS`].
    #[error("is longer than {max} characters")]
    IdTooLong {
        /// The limit.
        max: usize,
    },
    /// An id with a character outside `[A-Za-z0-9._:-]`.
    #[error("'{shown}' contains {ch:?}; ids use only letters, digits and . _ : -")]
    IdChar {
        /// The id, escaped for display.
        shown: String,
        /// The first character not allowed.
        ch: char,
    },
    /// Too many characters.
    #[error("is {len} characters; the limit is {max}")]
    TooManyChars {
        /// Characters given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Too many bytes.
    #[error("is {len} bytes; the limit is {max}")]
    TooManyBytes {
        /// Bytes given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A control character (Unicode Cc: U+0000–U+001F, U+007F, U+0080–U+009F) the field does
    /// not allow. They can rewrite a reader's terminal and never belong in a record.
    #[error("contains the control character U+{code:04X} (character {at}){}", if *.multiline { "; only newline and tab are allowed here" } else { "" })]
    Control {
        /// The code point.
        code: u32,
        /// Its position, counting characters from 1.
        at: usize,
        /// Whether the field allows newline and tab.
        multiline: bool,
    },
    /// Not the form the import normalises to, so it would not meet its equals.
    #[error("is not in normal form (it would be '{expected}')")]
    NotNormal {
        /// The normal form.
        expected: String,
    },
    /// Anything else, said in words.
    #[error("{0}")]
    Invalid(String),
}

/// One field of one record that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The record type: `source`, `claim`, `retract`, `author` or `event`.
    pub record: &'static str,
    /// The field, as the import format names it (`publisher`, `value.speaker`, `cites[2]`).
    pub field: String,
    /// The rule it breaks.
    pub rule: Rule,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            // Id messages keep the form `check_id` has always printed.
            Rule::IdTooLong { .. } | Rule::IdChar { .. } => {
                write!(f, "{} '{}' {}", self.record, self.field, self.rule)
            }
            _ => write!(f, "{} field '{}' {}", self.record, self.field, self.rule),
        }
    }
}

impl std::error::Error for FieldProblem {}

/// Joins problems into one message, for callers that report one line per record.
pub(crate) fn describe(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rule an id breaks, if any: 1–128 ASCII letters, digits and `._:-`.
pub(crate) fn id_rule(id: &str) -> Option<Rule> {
    if id.is_empty() {
        return Some(Rule::Empty);
    }
    // Only an id longer than the limit in bytes can be too long in characters; count no further
    // than the limit, whatever its size.
    if id.len() > MAX_ID_CHARS && id.chars().nth(MAX_ID_CHARS).is_some() {
        return Some(Rule::IdTooLong { max: MAX_ID_CHARS });
    }
    id.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
        .map(|ch| Rule::IdChar {
            shown: id.escape_debug().to_string(),
            ch,
        })
}

/// An id that breaks the id rules, with what it is as messages name it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {rule}")]
pub struct IdError {
    /// What the id is (`source 'id'`, `key name`).
    pub what: String,
    /// The rule it breaks.
    pub rule: Rule,
}

/// Checks an id, with `what` naming it in the message (`source 'id'`, `key name`).
pub fn check_id(id: &str, what: &str) -> Result<(), IdError> {
    match id_rule(id) {
        Some(rule) => Err(IdError {
            what: what.to_string(),
            rule,
        }),
        None => Ok(()),
    }
}

/// The first control character in `s` that a field does not allow, as a rule.
fn control(s: &str, multiline: bool) -> Option<Rule> {
    s.chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && !(multiline && matches!(c, '\n' | '\t')))
        .map(|(i, c)| Rule::Control {
            code: c as u32,
            at: i + 1,
            multiline,
        })
}

/// Checks an archived text: at most [`MAX_TEXT_BYTES`], and no control characters but newline,
/// tab, and a carriage return that ends a line (`\r\n`, as files from Windows have).
pub fn archived_text(text: &str) -> Result<(), Rule> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(Rule::TooManyBytes {
            len: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        let allowed = match c {
            '\n' | '\t' => true,
            '\r' => matches!(chars.peek(), Some((_, '\n'))),
            c => !c.is_control(),
        };
        if !allowed {
            return Err(Rule::Control {
                code: c as u32,
                at: i + 1,
                multiline: true,
            });
        }
    }
    Ok(())
}

/// Checks the author name an event's envelope carries: 1–128 characters, trimmed, no control
/// characters (the rule `--author` is held to).
pub fn author(name: &str) -> Result<(), FieldProblem> {
    let rule = if name.trim().is_empty() {
        Some(Rule::Empty)
    } else if name.len() > MAX_AUTHOR_CHARS && name.chars().count() > MAX_AUTHOR_CHARS {
        Some(Rule::TooManyChars {
            len: name.chars().count(),
            max: MAX_AUTHOR_CHARS,
        })
    } else if name.trim() != name {
        Some(Rule::NotNormal {
            expected: name.trim().to_string(),
        })
    } else {
        control(name, false)
    };
    match rule {
        Some(rule) => Err(FieldProblem {
            record: "event",
            field: "author".into(),
            rule,
        }),
        None => Ok(()),
    }
}

/// Collects the problems of one record.
struct Check {
    record: &'static str,
    problems: Vec<FieldProblem>,
}

impl Check {
    fn fail(&mut self, field: impl Into<String>, rule: Rule) {
        self.problems.push(FieldProblem {
            record: self.record,
            field: field.into(),
            rule,
        });
    }

    fn id(&mut self, field: &str, id: &str) {
        if let Some(rule) = id_rule(id) {
            self.fail(field, rule);
        }
    }

    /// Free text: not blank, at most [`MAX_TEXT_VALUE`] bytes, control characters as allowed.
    fn text(&mut self, field: &str, s: &str, multiline: bool) {
        if s.len() > MAX_TEXT_VALUE {
            self.fail(
                field,
                Rule::TooManyBytes {
                    len: s.len(),
                    max: MAX_TEXT_VALUE,
                },
            );
        } else if let Some(rule) = control(s, multiline) {
            self.fail(field, rule);
        } else if s.trim().is_empty() {
            self.fail(field, Rule::Empty);
        }
    }

    fn opt_text(&mut self, field: &str, s: &Option<String>, multiline: bool) {
        if let Some(s) = s {
            self.text(field, s, multiline);
        }
    }

    /// A subject or predicate: one line, whitespace collapsed, 1–512 characters.
    fn name(&mut self, field: &str, s: &str) -> bool {
        let n = s.chars().count();
        let rule = if n == 0 {
            Some(Rule::Empty)
        } else if n > MAX_NAME_CHARS {
            Some(Rule::TooManyChars {
                len: n,
                max: MAX_NAME_CHARS,
            })
        } else if let Some(rule) = control(s, false) {
            Some(rule)
        } else if collapse(s) != s {
            Some(Rule::NotNormal {
                expected: collapse(s),
            })
        } else {
            None
        };
        let ok = rule.is_none();
        if let Some(rule) = rule {
            self.fail(field, rule);
        }
        ok
    }

    /// A date is exactly what its text as written parses to.
    fn date(&mut self, field: &str, d: &StatedDate) {
        if let Some(rule) = control(&d.as_written, false) {
            return self.fail(field, rule);
        }
        if StatedDate::parse(&d.as_written).ok().as_ref() != Some(d) {
            self.fail(
                field,
                Rule::Invalid(format!(
                    "is not the date its text '{}' reads as",
                    d.as_written.escape_debug()
                )),
            );
        }
    }

    fn source(&mut self, s: &Source) {
        self.id("id", &s.id);
        self.opt_text("publisher", &s.publisher, false);
        self.opt_text("title", &s.title, false);
        self.opt_text("url", &s.url, false);
        if let Some(d) = &s.published {
            self.date("published", d);
        }
        if s.cites.len() > MAX_CITES {
            self.fail(
                "cites",
                Rule::Invalid(format!(
                    "lists {} sources; the limit is {MAX_CITES}",
                    s.cites.len()
                )),
            );
            return;
        }
        for (i, cited) in s.cites.iter().enumerate() {
            let field = format!("cites[{i}]");
            if let Some(rule) = id_rule(cited) {
                self.fail(field, rule);
            } else if *cited == s.id {
                self.fail(field, Rule::Invalid("is the source itself".into()));
            } else if s.cites[..i].contains(cited) {
                self.fail(field, Rule::Invalid(format!("repeats '{cited}'")));
            }
        }
    }

    fn claim(&mut self, c: &Claim) {
        self.id("id", &c.id);
        self.id("source", &c.source);
        if let Some(old) = &c.supersedes {
            self.id("supersedes", old);
            if *old == c.id {
                self.fail("supersedes", Rule::Invalid("is the claim itself".into()));
            }
        }
        self.opt_text("note", &c.note, true);
        self.opt_text("claimant", &c.claimant, false);
        self.opt_text("excerpt", &c.excerpt, true);
        self.name("subject", &c.subject);
        if self.name("predicate", &c.predicate) {
            match normalise_predicate(&c.predicate) {
                Ok(p) if p == c.predicate => self.value(&c.predicate, &c.value),
                Ok(p) => self.fail("predicate", Rule::NotNormal { expected: p }),
                Err(m) => self.fail("predicate", Rule::Invalid(m.to_string())),
            }
        }
    }

    /// The value is of the kind its (normalised) predicate takes, and within its limits.
    fn value(&mut self, predicate: &str, v: &Value) {
        let wanted = if vote_member(predicate).is_some() {
            "vote"
        } else {
            match predicate {
                "date" | "anniversary" | "tally" | "outcome" | "quote" => predicate,
                _ => "text or number",
            }
        };
        match (wanted, v) {
            ("vote", Value::Vote(_))
            | ("outcome", Value::Outcome(_))
            | ("tally", Value::Tally(_)) => {}
            ("date", Value::Date(d)) => self.date("value", d),
            ("anniversary", Value::Anniversary { of, nth }) => {
                self.date("value.of", of);
                if !(1..=10_000).contains(nth) {
                    self.fail(
                        "value.nth",
                        Rule::Invalid(format!("is {nth}; it must be from 1 to 10000")),
                    );
                }
            }
            ("quote", Value::Quote { speaker, text }) => {
                self.text("value.speaker", speaker, false);
                self.text("value.text", text, true);
            }
            ("text or number", Value::Text(t)) => self.text("value", t, true),
            ("text or number", Value::Number(n)) => {
                // The decimal text serde_json gives the number back as, so it reads back as itself.
                let normal = serde_json::from_str::<serde_json::Number>(n).map(|x| x.to_string());
                if normal.ok().as_deref() != Some(n.as_str()) {
                    self.fail(
                        "value",
                        Rule::Invalid(format!(
                            "'{}' is not a number in normal form",
                            n.escape_debug()
                        )),
                    );
                }
            }
            (wanted, _) => self.fail(
                "value",
                Rule::Invalid(format!(
                    "holds the wrong kind of value: predicate '{}' takes a {wanted}",
                    predicate.escape_debug()
                )),
            ),
        }
    }

    fn review(&mut self, r: &Review) {
        self.id("claim", &r.claim);
        self.name("scale", &r.scale);
        self.name("rating", &r.rating);
        self.text("explanation", &r.explanation, true);
        self.opt_text("url", &r.url, false);
        if let Some(d) = &r.reviewed {
            self.date("reviewed", d);
        }
        self.opt_text("organisation", &r.organisation, false);
    }

    fn scale(&mut self, s: &Scale) {
        self.name("name", &s.name);
        if s.steps.is_empty() || s.steps.len() > MAX_SCALE_STEPS {
            self.fail(
                "steps",
                Rule::Invalid(format!(
                    "lists {} steps; a scale has 1 to {MAX_SCALE_STEPS}",
                    s.steps.len()
                )),
            );
            return;
        }
        for (i, step) in s.steps.iter().enumerate() {
            let field = format!("steps[{i}].name");
            if self.name(&field, &step.name)
                && s.steps[..i]
                    .iter()
                    .any(|other| other.name.eq_ignore_ascii_case(&step.name))
            {
                self.fail(field, Rule::Invalid(format!("repeats '{}'", step.name)));
            }
        }
    }

    fn retraction(&mut self, r: &Retraction) {
        self.id("target", &r.target);
        self.text("reason", &r.reason, true);
    }
}

/// Checks one event body against every field rule. All problems are returned, each naming its
/// field. This is the one check every route into the ledger runs (see the module doc).
pub fn event(body: &EventBody) -> Result<(), Vec<FieldProblem>> {
    let mut check = Check {
        record: body.kind(),
        problems: Vec::new(),
    };
    match body {
        EventBody::SourceRegistered(s) => check.source(s),
        EventBody::ClaimAsserted(c) => check.claim(c),
        EventBody::Retracted(r) => check.retraction(r),
        // Authorised names are key names, which follow the id rules (`signing::check_key_name`).
        EventBody::AuthorAuthorised(g) => check.id("name", &g.name),
        EventBody::AuthorRevoked(r) => check.id("name", &r.name),
        EventBody::SubjectAliased(a) => {
            check.name("alias", &a.alias);
            check.name("subject", &a.subject);
        }
        EventBody::SourceRevised(r) => {
            check.id("source", &r.source);
            check.opt_text("title", &r.title, false);
            check.opt_text("url", &r.url, false);
            check.opt_text("note", &r.note, true);
        }
        EventBody::SourceWithdrawn(w) => {
            check.id("source", &w.source);
            check.text("reason", &w.reason, true);
        }
        EventBody::FlagDismissed(d) => {
            check.id("flag", &d.flag);
            check.text("reason", &d.reason, true);
        }
        EventBody::ClaimReviewed(r) => check.review(r),
        EventBody::ScaleDeclared(s) => check.scale(s),
        EventBody::SettingRecorded(s) => {
            check.id("key", &s.key);
            check.text("value", &s.value, false);
        }
    }
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(check.problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{index_keys, retraction_key, supersession_key};
    use crate::model::event::tests::bare_source as source;

    #[test]
    fn ids_are_checked() {
        assert!(check_id("un-sc:2774_a.1", "id").is_ok());
        assert_eq!(
            check_id("", "id").unwrap_err().to_string(),
            "id must not be empty"
        );
        assert!(check_id("has space", "id")
            .unwrap_err()
            .to_string()
            .contains("' '"));
        assert_eq!(
            check_id(&"x".repeat(129), "source 'id'")
                .unwrap_err()
                .to_string(),
            "source 'id' is longer than 128 characters"
        );
        assert!(check_id("a\0b", "id").is_err());
    }

    #[test]
    fn derived_index_keys_never_equal_a_valid_id() {
        // Every byte of a valid id is a printable ASCII character other than NUL; every derived
        // key starts with NUL. Check the argument on the ids of the nastiest shapes.
        for id in ["retracted", "superseded", "c1", "-", &"z".repeat(128)] {
            assert!(id_rule(id).is_none());
            for key in [retraction_key(id), supersession_key(id)] {
                assert_eq!(key[0], 0);
                assert!(id_rule(std::str::from_utf8(&key).unwrap()).is_some());
            }
        }
        let evil = EventBody::SourceRegistered(source("\0retracted\0c1"));
        assert_eq!(index_keys(&evil), vec![retraction_key("c1")]);
        let problems = event(&evil).unwrap_err();
        assert_eq!(problems[0].field, "id");
    }

    #[test]
    fn control_characters_are_refused_except_newline_and_tab_in_texts() {
        let mut s = source("s1");
        s.title = Some("a\u{9b}b".into());
        let p = event(&EventBody::SourceRegistered(s)).unwrap_err();
        assert_eq!(
            p[0].to_string(),
            "source field 'title' contains the control character U+009B (character 2)"
        );
        let r = |reason: &str| {
            event(&EventBody::Retracted(Retraction {
                target: "c1".into(),
                reason: reason.into(),
            }))
        };
        assert!(r("line one\n\tline two").is_ok());
        assert!(r("bell \u{7}").unwrap_err()[0]
            .to_string()
            .contains("U+0007 (character 6); only newline and tab are allowed here"));
        assert!(r("cr\rhidden").is_err());
    }

    #[test]
    fn archived_texts_may_have_crlf_but_no_other_controls() {
        assert!(archived_text("a\r\nb\n\tc").is_ok());
        assert!(archived_text("a\rb").is_err());
        assert!(archived_text("nul\0").is_err());
        assert!(archived_text("esc\u{1b}[2J").is_err());
    }

    #[test]
    fn values_must_suit_their_predicate_and_be_in_normal_form() {
        let claim = |predicate: &str, value: Value| {
            event(&EventBody::ClaimAsserted(Claim {
                id: "c1".into(),
                source: "s1".into(),
                subject: "S/1".into(),
                predicate: predicate.into(),
                value,
                supersedes: None,
                note: None,
                claimant: None,
                excerpt: None,
            }))
        };
        assert!(claim("colour", Value::Text("red".into())).is_ok());
        assert!(claim("population", Value::Number("1.5".into())).is_ok());
        assert!(claim("population", Value::Number("1.50".into())).is_err());
        assert!(claim("date", Value::Text("yesterday".into())).is_err());
        assert!(claim("Date", Value::Text("x".into())).unwrap_err()[0]
            .to_string()
            .contains("would be 'date'"));
        let mut d = StatedDate::parse("2025-02-24").unwrap();
        d.month = 13;
        assert!(claim("date", Value::Date(d)).is_err());
    }

    #[test]
    fn envelope_authors_are_checked() {
        assert!(author("desk").is_ok());
        assert!(author("Ana María").is_ok());
        assert!(author("").is_err());
        assert!(author(" desk").is_err());
        assert!(author("desk\u{1b}").is_err());
        assert!(author(&"a".repeat(129)).is_err());
    }
}
