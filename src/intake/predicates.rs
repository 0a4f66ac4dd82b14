//! The predicates a ledger knows, and the near misses of them refused at entry.
//!
//! A claim whose predicate is misspelt (`dte`, `votes:US`, `Date of vote`, `vote:Untied States`)
//! would start a fact of its own: it never meets the other claims on the subject and no rule
//! sees it. So a new predicate that is close to a known one (a typed predicate, a `vote:` for a
//! UN member, or a predicate already used in this ledger or earlier in the same input) is
//! refused with `did you mean`; a genuinely new one (`note`, `location`, `drafted by`) is
//! accepted and reported, so the desk sees each new word once.

use crate::intake::import::{Problem, Record};
use crate::intake::suggest::{closest, distance};
use crate::model::members::UN_MEMBERS;
use crate::model::value::{normalise_member, vote_member};
use std::collections::{BTreeMap, BTreeSet};

/// The typed predicates: each takes its own kind of value (`docs/import-format.md`).
pub const TYPED: [&str; 5] = ["date", "anniversary", "tally", "outcome", "quote"];

/// Why a predicate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PredicateError {
    /// Close to a known predicate: the same but for case, spacing, punctuation or a plural, or
    /// one edit away.
    #[error("predicate '{given}' is a near miss of '{known}' ({known_as}); did you mean '{known}'? (a new predicate must not differ from a known one only by case, spacing, punctuation, a plural or one letter)")]
    NearMiss {
        /// The predicate given.
        given: String,
        /// The known predicate it is close to.
        known: String,
        /// Where that one is known from (`a typed predicate`, `used in this ledger`).
        known_as: String,
    },
    /// A typed predicate with words added (`Date of vote`).
    #[error("predicate '{given}' is the typed predicate '{known}' with words added; did you mean '{known}'? (say what it is of in the claim's 'note' or 'subject')")]
    Qualified {
        /// The predicate given.
        given: String,
        /// The typed predicate it starts with.
        known: &'static str,
    },
    /// A `vote:` predicate for something that is not a UN member state.
    #[error("predicate '{given}': '{member}' is not a UN member state (nor a member this ledger has used); closest: {}{}", .closest.join(", "), .likely.as_ref().map(|m| format!("; did you mean 'vote:{m}'?")).unwrap_or_default())]
    UnknownMember {
        /// The predicate given.
        given: String,
        /// The member named.
        member: String,
        /// The three members closest to it, nearest first.
        closest: Vec<String>,
        /// The nearest, when it is near enough to be what was meant.
        likely: Option<String>,
    },
}

/// A predicate's comparison key: lower case, letters and digits only, a plural `s` dropped.
fn key(p: &str) -> String {
    let k: String = p
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    match k.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 => stem.to_string(),
        _ => k,
    }
}

/// What a predicate is checked against: the typed predicates, the members, and the predicates
/// already used (in the ledger, then earlier in the input).
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Predicates used in the ledger.
    ledger: BTreeSet<String>,
    /// Predicates accepted earlier in this input, with their line.
    input: BTreeMap<String, usize>,
    /// Members named by `vote:` predicates already used, beyond [`UN_MEMBERS`].
    used_members: BTreeSet<String>,
}

impl Vocabulary {
    /// The vocabulary of a ledger that uses `predicates`.
    pub fn new(predicates: BTreeSet<String>) -> Vocabulary {
        let used_members = predicates
            .iter()
            .filter_map(|p| vote_member(p))
            .map(str::to_string)
            .collect();
        Vocabulary {
            ledger: predicates,
            input: BTreeMap::new(),
            used_members,
        }
    }

    /// Whether a predicate is accepted whatever the ledger holds: a typed predicate, or a vote
    /// of a UN member state.
    pub fn known_without_ledger(p: &str) -> bool {
        TYPED.contains(&p) || vote_member(p).is_some_and(|m| UN_MEMBERS.contains(&m))
    }

    fn is_member(&self, m: &str) -> bool {
        UN_MEMBERS.contains(&m) || self.used_members.contains(m)
    }

    fn members(&self) -> impl Iterator<Item = &str> {
        UN_MEMBERS
            .iter()
            .copied()
            .chain(self.used_members.iter().map(String::as_str))
    }

    /// Known predicates other than the typed ones, with where each is known from.
    fn used(&self) -> impl Iterator<Item = (&str, String)> {
        self.ledger
            .iter()
            .map(|p| (p.as_str(), "used in this ledger".to_string()))
            .chain(
                self.input
                    .iter()
                    .map(|(p, line)| (p.as_str(), format!("at line {line}"))),
            )
    }

    fn knows(&self, p: &str) -> bool {
        TYPED.contains(&p) || self.ledger.contains(p) || self.input.contains_key(p)
    }

    /// Checks a (normalised) predicate. `Ok(true)` when it is an ordinary predicate new to the
    /// ledger (accepted, and worth reporting), `Ok(false)` when it is known or typed.
    pub fn check(&self, p: &str) -> Result<bool, PredicateError> {
        if self.knows(p) {
            return Ok(false);
        }
        if let Some(member) = vote_member(p) {
            return self.check_member(p, member).map(|()| false);
        }
        if let Some(vote) = self.vote_lookalike(p) {
            return Err(PredicateError::NearMiss {
                given: p.to_string(),
                known: vote,
                known_as: "a vote predicate".into(),
            });
        }
        let k = key(p);
        let typed = TYPED.iter().map(|t| (*t, "a typed predicate".to_string()));
        let mut best: Option<(usize, &str, String)> = None;
        for (known, known_as) in typed.chain(self.used()) {
            let kk = key(known);
            let d = if kk == k {
                0
            } else if kk.chars().count() >= 4 && distance(&k, &kk) <= 1 {
                1
            } else {
                continue;
            };
            if best.as_ref().is_none_or(|(bd, _, _)| d < *bd) {
                best = Some((d, known, known_as));
            }
        }
        if let Some((_, known, known_as)) = best {
            return Err(PredicateError::NearMiss {
                given: p.to_string(),
                known: known.to_string(),
                known_as,
            });
        }
        // `Date of vote`: a typed predicate as the first word, with more words after it.
        let mut words = p
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        if let (Some(first), Some(_)) = (words.next(), words.next()) {
            if let Some(t) = TYPED.iter().find(|t| key(first) == **t) {
                return Err(PredicateError::Qualified {
                    given: p.to_string(),
                    known: t,
                });
            }
        }
        Ok(true)
    }

    /// A `vote:<member>` predicate names a member state (or one already used in the ledger); a
    /// different case of one is a near miss of it.
    fn check_member(&self, p: &str, member: &str) -> Result<(), PredicateError> {
        if self.is_member(member) {
            return Ok(());
        }
        let k = key(member);
        if let Some(m) = self.members().find(|m| key(m) == k) {
            return Err(PredicateError::NearMiss {
                given: p.to_string(),
                known: format!("vote:{m}"),
                known_as: "a UN member state".into(),
            });
        }
        let limit = (member.chars().count() / 3).max(2);
        let likely = closest(member, self.members(), limit, 1)
            .first()
            .map(|m| m.to_string());
        Err(PredicateError::UnknownMember {
            given: p.to_string(),
            member: member.to_string(),
            closest: closest(member, self.members(), usize::MAX, 3)
                .into_iter()
                .map(str::to_string)
                .collect(),
            likely,
        })
    }

    /// `votes:US`, `Vote US`, `vote-France`: a word within one letter of `vote`, then a member.
    fn vote_lookalike(&self, p: &str) -> Option<String> {
        let at = p.find(|c: char| c == ':' || c == '-' || c == '_' || c.is_whitespace())?;
        let (head, rest) = (&p[..at], p[at..].trim_start_matches([':', '-', '_', ' ']));
        let head = head.to_lowercase();
        if rest.is_empty() || distance(&head, "vote") > 1 {
            return None;
        }
        let member = normalise_member(rest);
        if self.is_member(&member) {
            return Some(format!("vote:{member}"));
        }
        let k = key(&member);
        self.members()
            .find(|m| key(m) == k)
            .map(|m| format!("vote:{m}"))
    }

    /// Counts a predicate accepted at `line` as known to the lines after it.
    pub fn accept(&mut self, p: &str, line: usize) {
        if !self.knows(p) {
            self.input.insert(p.to_string(), line);
        }
        if let Some(m) = vote_member(p) {
            self.used_members.insert(m.to_string());
        }
    }
}

/// The predicates of the claims among `records` checked against `vocabulary`, in order: the
/// problems at their lines, and the ordinary predicates new to the ledger.
pub fn check_records<'a, I>(vocabulary: &mut Vocabulary, records: I) -> (Vec<Problem>, Vec<String>)
where
    I: IntoIterator<Item = &'a (usize, Record)>,
{
    let mut problems = Vec::new();
    let mut new = Vec::new();
    for (line, record) in records {
        let Record::Claim(c) = record else { continue };
        match vocabulary.check(&c.predicate) {
            Ok(is_new) => {
                if is_new && !new.contains(&c.predicate) {
                    new.push(c.predicate.clone());
                }
                vocabulary.accept(&c.predicate, *line);
            }
            Err(e) => problems.push(Problem {
                line: *line,
                message: format!("claim '{}': {e}", c.id),
            }),
        }
    }
    (problems, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(used: &[&str]) -> Vocabulary {
        Vocabulary::new(used.iter().map(|s| s.to_string()).collect())
    }

    fn suggestion(v: &Vocabulary, p: &str) -> String {
        match v.check(p) {
            Err(PredicateError::NearMiss { known, .. }) => known,
            Err(PredicateError::Qualified { known, .. }) => known.to_string(),
            Err(PredicateError::UnknownMember { closest, .. }) => format!("members {closest:?}"),
            Ok(new) => format!("accepted (new: {new})"),
        }
    }

    #[test]
    fn near_misses_of_typed_predicates_are_refused() {
        let v = vocabulary(&[]);
        assert_eq!(suggestion(&v, "dte"), "date");
        assert_eq!(suggestion(&v, "Dates"), "date");
        assert_eq!(suggestion(&v, "tallys"), "tally");
        assert_eq!(suggestion(&v, "out-come"), "outcome");
        assert_eq!(suggestion(&v, "Date of vote"), "date");
        assert_eq!(suggestion(&v, "votes:US"), "vote:United States");
        assert_eq!(suggestion(&v, "Vote United States"), "vote:United States");
        assert_eq!(suggestion(&v, "vote:kenya"), "vote:Kenya");
        let e = v.check("vote:Untied States").unwrap_err().to_string();
        assert!(
            e.contains("'Untied States' is not a UN member state"),
            "{e}"
        );
        assert!(e.contains("did you mean 'vote:United States'?"), "{e}");
        // Far from every member: the closest are still named, with no guess.
        let e = v.check("vote:Narnia").unwrap_err().to_string();
        assert!(e.contains("'Narnia' is not a UN member state"), "{e}");
        assert!(e.contains("closest: "), "{e}");
        assert!(!e.contains("did you mean"), "{e}");
    }

    #[test]
    fn new_words_are_accepted_and_known_ones_are_not_new() {
        let mut v = vocabulary(&["drafted by", "vote:Freedonia"]);
        for p in ["note", "location", "put forward by", "quoted by"] {
            assert_eq!(v.check(p), Ok(true), "{p}");
        }
        for p in ["date", "vote:United States", "drafted by", "vote:Freedonia"] {
            assert_eq!(v.check(p), Ok(false), "{p}");
        }
        assert_eq!(suggestion(&v, "Drafted By"), "drafted by");
        assert_eq!(suggestion(&v, "drafted-by"), "drafted by");
        assert_eq!(suggestion(&v, "vote:freedonia"), "vote:Freedonia");
        // Earlier lines of the same input count.
        v.accept("location", 3);
        let e = v.check("locations").unwrap_err().to_string();
        assert!(e.contains("'location' (at line 3)"), "{e}");
    }

    #[test]
    fn keys_ignore_case_spacing_punctuation_and_plurals() {
        assert_eq!(key(" Date "), "date");
        assert_eq!(key("drafted-by"), key("Drafted by"));
        assert_eq!(key("votes"), "vote");
        assert_eq!(key("us"), "us");
    }
}
