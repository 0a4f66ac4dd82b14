//! Flags: places where the live claims in the ledger cannot all be true.
//!
//! A fact-checker records what each source says, disagreements included; flags point at the
//! places where the record cannot all be true — two sources giving different counts, a weekday
//! the calendar contradicts, an outcome the tally rules out, a quote its own source does not
//! contain, a citation chain that breaks, loops or never reaches a primary source.
//! `docs/flags.md` describes every code for users.
//!
//! Every code is one entry of [`RULES`], the registry (after ripgrep's `flags/defs.rs`): its
//! [`FlagCode`], family, one-line summary and, for claim rules, the check. `flags --code`
//! parsing, the list of codes in errors and the rule run all come from that one list, so adding
//! a rule is one function in its family's file and one registry entry.
//!
//! # Layout
//! - this file — [`Flag`], [`FlagCode`], the registry and [`check`], the pure per-subject run.
//! - `severity` — [`Severity`]: `error`, `warning`, `info`; each registry entry has one.
//! - `triage` — [`FlagId`], a flag's stable id (what dismissals name), and [`closest_ids`].
//! - `values` — `conflicting-values`.
//! - `dates` — `weekday-mismatch`, `anniversary-mismatch`.
//! - `votes` — tallies, outcomes, vetoes and member votes.
//! - `quotes` — quotes against their sources' archived texts, and the [`Archive`] they are read
//!   from.
//! - `provenance` — the citation-chain flags, built from [`crate::provenance`]'s chains.
//! - `verdicts` — `verdicts-disagree`, from the organisations' current reviews of a claim.
//! - `gather` — every flag for a subject or the whole ledger, over a projection view: reads the
//!   claims and texts, then runs [`check`] and the provenance flags.
//!
//! [`check`] sees only the claims and the texts fetched for them ([`SourceTexts`]): it cannot
//! call back into the store, so the same claims and texts always give the same flags, in the
//! same order.

mod dates;
mod excerpts;
mod gather;
mod provenance;
mod quotes;
mod severity;
#[cfg(test)]
mod testing;
mod triage;
mod values;
mod verdicts;
mod votes;

pub use excerpts::excerpt_line;
pub use gather::{all_flags, check_subject, subject_flags};
pub(crate) use gather::{for_each_flag, for_each_flag_of};
pub use quotes::{comparable_text, Archive, Checkable, SourceText, SourceTexts};
pub use severity::{Severity, UnknownSeverity};
pub use triage::{closest_ids, FlagId};

use crate::model::value::Value;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// A live claim as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveClaim {
    /// The claim's id.
    pub id: String,
    /// The id of the source the claim came from.
    pub source: String,
    /// What the claim is about, e.g. `S/RES/2774`.
    pub subject: String,
    /// The normalised predicate, e.g. `tally` or `vote:United States`.
    pub predicate: String,
    /// The normalised value.
    pub value: Value,
    /// The verbatim words of the source's archived text the claim rests on, if given.
    pub excerpt: Option<String>,
}

/// One inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Flag {
    /// Which rule fired.
    pub code: FlagCode,
    /// The subject the claims are about.
    pub subject: String,
    /// The predicate the flag is about (for rules pairing predicates, the one being judged).
    pub predicate: String,
    /// Ids of the claims involved, sorted and de-duplicated.
    pub claims: Vec<String>,
    /// Ids of those claims' sources, sorted and de-duplicated.
    pub sources: Vec<String>,
    /// What is wrong, in words a fact-checker can act on.
    pub message: String,
    /// Those of `sources` their publisher withdrew (the flag stands: a withdrawal is not the
    /// desk's retraction), sorted.
    pub withdrawn_sources: Vec<String>,
}

impl Flag {
    /// Builds a flag naming `claims` and their sources (sorted and de-duplicated).
    fn new<'a>(
        code: FlagCode,
        subject: &str,
        predicate: &str,
        claims: impl IntoIterator<Item = &'a LiveClaim>,
        message: String,
    ) -> Flag {
        let mut ids = BTreeSet::new();
        let mut sources = BTreeSet::new();
        for c in claims {
            ids.insert(c.id.clone());
            sources.insert(c.source.clone());
        }
        Flag {
            code,
            subject: subject.to_string(),
            predicate: predicate.to_string(),
            claims: ids.into_iter().collect(),
            sources: sources.into_iter().collect(),
            message,
            withdrawn_sources: Vec::new(),
        }
    }

    /// The flag's stable id (see [`FlagId`]).
    pub fn id(&self) -> FlagId {
        FlagId::of(self)
    }

    /// The flag's severity: its code's, from the registry.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// A flag on `lead`'s predicate naming `lead` and `others`: the usual shape, one claim found
    /// wrong and the claims it is wrong against.
    fn on<'a>(
        code: FlagCode,
        subject: &str,
        lead: &'a LiveClaim,
        others: impl IntoIterator<Item = &'a LiveClaim>,
        message: String,
    ) -> Flag {
        let claims = std::iter::once(lead).chain(others);
        Flag::new(code, subject, &lead.predicate, claims, message)
    }
}

/// A flag's JSON form: exactly the keys `claims`, `code`, `id`, `message`, `predicate`,
/// `severity`, `source_withdrawn`, `sources`, `subject` and `withdrawn_sources` (a public
/// contract, `docs/flags.md`); `claims` and `sources` sorted and de-duplicated even when a caller
/// built the flag by hand.
impl serde::Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            claims: BTreeSet<&'a String>,
            code: FlagCode,
            id: FlagId,
            message: &'a str,
            predicate: &'a str,
            severity: Severity,
            source_withdrawn: bool,
            sources: BTreeSet<&'a String>,
            subject: &'a str,
            withdrawn_sources: BTreeSet<&'a String>,
        }
        Wire {
            claims: self.claims.iter().collect(),
            code: self.code,
            id: self.id(),
            message: &self.message,
            predicate: &self.predicate,
            severity: self.severity(),
            source_withdrawn: !self.withdrawn_sources.is_empty(),
            sources: self.sources.iter().collect(),
            subject: &self.subject,
            withdrawn_sources: self.withdrawn_sources.iter().collect(),
        }
        .serialize(serializer)
    }
}

/// The rule families, one file each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Values that disagree (`values`).
    Values,
    /// Dates, weekdays and anniversaries (`dates`).
    Dates,
    /// Tallies, outcomes, vetoes and member votes (`votes`).
    Votes,
    /// Quotes against their sources' archived texts (`quotes`).
    Quotes,
    /// Citation chains between sources (`provenance`).
    Provenance,
    /// Verdicts of different organisations on one claim (`verdicts`).
    Verdicts,
}

/// What a claim rule sees: one subject's live claims, in a fixed order (by id), and the texts of
/// the sources its quotes cite.
#[derive(Debug, Clone, Copy)]
pub struct SubjectClaims<'a> {
    /// The subject.
    pub subject: &'a str,
    /// Its live claims, sorted by id; only claims about `subject`.
    pub claims: &'a [LiveClaim],
    /// The comparison forms of the archived texts of the quoted sources.
    pub texts: &'a SourceTexts,
}

/// A claim rule: one subject's live claims in, flags out (any order; [`check`] sorts them).
pub(crate) type ClaimRule = fn(&SubjectClaims<'_>) -> Vec<Flag>;

/// One flag code and what raises it.
#[derive(Debug, Clone, Copy)]
pub struct RuleDef {
    /// The code flags carry.
    pub code: FlagCode,
    /// Which family (and file) the rule belongs to.
    pub family: Family,
    /// How much its flags matter.
    pub severity: Severity,
    /// One line for people: when the flag fires.
    pub summary: &'static str,
    /// The per-subject check; `None` for the provenance and verdicts families, whose flags come
    /// from citation chains and reviews rather than one subject's claims (the gathering pass
    /// raises those).
    pub check: Option<ClaimRule>,
}

/// Defines [`FlagCode`] and [`RULES`] from one list, so a code cannot be added to one and
/// forgotten in the other; a variant's doc comment is its summary.
macro_rules! registry {
    ($( $variant:ident = $code:literal, $family:ident, $severity:ident, $summary:literal, $check:expr; )*) => {
        /// Which rule raised a flag. Written and parsed as the kebab-case code of
        /// `docs/flags.md` (a public contract: codes do not change); ordered by that string,
        /// so flags sort as they always have.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FlagCode {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl FlagCode {
            /// The code as written in output and accepted by `flags --code`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( FlagCode::$variant => $code, )*
                }
            }
        }

        /// Every flag code, in the order codes are listed to users: claim rules first, then
        /// provenance.
        pub static RULES: &[RuleDef] = &[
            $(
                RuleDef {
                    code: FlagCode::$variant,
                    family: Family::$family,
                    severity: Severity::$severity,
                    summary: $summary,
                    check: $check,
                },
            )*
        ];
    };
}

registry! {
    ConflictingValues = "conflicting-values", Values, Error,
        "two live claims on the same subject and predicate disagree",
        Some(|s| values::conflicting_values(s.subject, s.claims));
    WeekdayMismatch = "weekday-mismatch", Dates, Warning,
        "a date is stated with a weekday the calendar contradicts",
        Some(|s| dates::weekday_mismatch(s.subject, s.claims));
    AnniversaryMismatch = "anniversary-mismatch", Dates, Warning,
        "a date claim is not the anniversary an anniversary claim says it is",
        Some(|s| dates::anniversary_mismatch(s.subject, s.claims));
    TallyExceedsBody = "tally-exceeds-body", Votes, Error,
        "a tally's stated counts add up to more than the body's membership",
        Some(|s| votes::tally_exceeds_body(s.subject, s.claims));
    OutcomeContradictsTally = "outcome-contradicts-tally", Votes, Error,
        "the tally alone rules out the claimed outcome",
        Some(|s| votes::outcome_contradicts_tally(s.subject, s.claims));
    VetoContradiction = "veto-contradiction", Votes, Error,
        "a Security Council outcome contradicts the permanent members' votes",
        Some(|s| votes::veto_contradiction(s.subject, s.claims));
    MemberVotesExceedTally = "member-votes-exceed-tally", Votes, Error,
        "more members are claimed to have voted a way than the tally counts",
        Some(|s| votes::member_votes_exceed_tally(s.subject, s.claims));
    QuoteNotInSource = "quote-not-in-source", Quotes, Error,
        "a quote is not found in its source's archived text",
        Some(|s| quotes::quote_not_in_source(s.subject, s.claims, s.texts));
    QuoteUnverifiable = "quote-unverifiable", Quotes, Warning,
        "a quote's source has no archived text to check it against",
        Some(|s| quotes::quote_unverifiable(s.subject, s.claims, s.texts));
    ExcerptNotInSource = "excerpt-not-in-source", Quotes, Error,
        "a claim's excerpt is not found in its source's archived text",
        Some(|s| excerpts::excerpt_not_in_source(s.subject, s.claims, s.texts));
    SourceEdited = "source-edited", Quotes, Warning,
        "a quote or excerpt its source held is gone from the source's latest version",
        Some(|s| excerpts::source_edited(s.subject, s.claims, s.texts));
    DanglingCitation = "dangling-citation", Provenance, Warning,
        "a source cites an id that is not in the ledger",
        None;
    CircularCitation = "circular-citation", Provenance, Warning,
        "citations form a loop",
        None;
    NoPrimarySource = "no-primary-source", Provenance, Info,
        "a live claim whose chain reaches no live primary source",
        None;
    RetractedSource = "retracted-source", Provenance, Warning,
        "a live claim whose chain passes through a retracted source",
        None;
    VerdictsDisagree = "verdicts-disagree", Verdicts, Warning,
        "two organisations' current verdicts on one live claim fall on opposite sides of their scales",
        None;
}

impl FlagCode {
    /// How much flags with this code matter (the registry's word).
    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// The registry entry for this code.
    pub fn rule(self) -> &'static RuleDef {
        RULES
            .iter()
            .find(|r| r.code == self)
            .expect("the registry macro lists every code")
    }

    /// Every code, in registry order.
    pub fn all() -> impl Iterator<Item = FlagCode> {
        RULES.iter().map(|r| r.code)
    }
}

impl fmt::Display for FlagCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so width and alignment (`{:<26}` in listings) apply as they do to strings.
        f.pad(self.as_str())
    }
}

/// A `--code` (or any text) that names no flag code; the message lists the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given}: no such flag code (codes: {codes})", codes = code_list())]
pub struct UnknownFlagCode {
    /// The text given.
    pub given: String,
}

/// Every code, comma-separated, in registry order.
fn code_list() -> String {
    FlagCode::all()
        .map(FlagCode::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for FlagCode {
    type Err = UnknownFlagCode;

    fn from_str(s: &str) -> Result<FlagCode, UnknownFlagCode> {
        FlagCode::all()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownFlagCode {
                given: s.to_string(),
            })
    }
}

impl serde::Serialize for FlagCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Ord for FlagCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for FlagCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for FlagCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FlagCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<FlagCode> for &str {
    fn eq(&self, other: &FlagCode) -> bool {
        *self == other.as_str()
    }
}

/// Every claim rule over the live claims of one subject, given the texts of the sources its
/// quotes cite (claims may be in any order; output is sorted and deterministic). Claims about
/// another subject are ignored. Pure: nothing here reads the store.
pub fn check(subject: &str, claims: &[LiveClaim], texts: &SourceTexts) -> Vec<Flag> {
    check_only(subject, claims, texts, &|_| true)
}

/// A choice of flag codes: a pass that lists some codes only runs the rules raising them.
pub type Wants<'a> = &'a dyn Fn(FlagCode) -> bool;

/// [`check`] running only the rules whose code `wants` accepts.
pub fn check_only(
    subject: &str,
    claims: &[LiveClaim],
    texts: &SourceTexts,
    wants: Wants<'_>,
) -> Vec<Flag> {
    let claims: Vec<LiveClaim> = sorted(claims)
        .into_iter()
        .filter(|c| c.subject == subject)
        .cloned()
        .collect();
    let input = SubjectClaims {
        subject,
        claims: &claims,
        texts,
    };
    let mut flags: Vec<Flag> = RULES
        .iter()
        .filter(|r| wants(r.code))
        .filter_map(|r| r.check)
        .flat_map(|rule| rule(&input))
        .collect();
    flags.sort();
    flags.dedup();
    flags
}

/// Claims in a fixed order (by id, then the rest), so messages do not depend on input order.
fn sorted(claims: &[LiveClaim]) -> Vec<&LiveClaim> {
    let mut v: Vec<&LiveClaim> = claims.iter().collect();
    v.sort_by(|a, b| {
        (&a.id, &a.source, &a.subject, &a.predicate).cmp(&(
            &b.id,
            &b.source,
            &b.subject,
            &b.predicate,
        ))
    });
    v
}

/// `id1, id2` for messages.
fn ids<'a>(claims: impl IntoIterator<Item = &'a LiveClaim>) -> String {
    claims
        .into_iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::testing::{claim, ga, sc, Texts};
    use super::*;
    use serde_json::{json, Value as Json};
    use std::cell::Cell;
    use std::collections::BTreeMap;

    /// The claim rules' codes and summaries, in registry order.
    fn claim_codes() -> Vec<(&'static str, &'static str)> {
        RULES
            .iter()
            .filter(|r| r.check.is_some())
            .map(|r| (r.code.as_str(), r.summary))
            .collect()
    }

    /// The fixture ledger's live claims by subject, and its archive.
    fn fixture() -> (BTreeMap<String, Vec<LiveClaim>>, Texts) {
        let ledger = include_str!("../../fixtures/un-votes/ledger.jsonl");
        let corrections = include_str!("../../fixtures/un-votes/corrections.jsonl");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/un-votes/");
        let mut claims: BTreeMap<String, LiveClaim> = BTreeMap::new();
        let mut dead = BTreeSet::new();
        let mut texts = Texts(BTreeMap::new(), Cell::new(0));
        for line in ledger.lines().chain(corrections.lines()) {
            let r: Json = serde_json::from_str(line).expect("fixture line");
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            match r["type"].as_str() {
                Some("source") => {
                    if let Some(f) = r["text_file"].as_str() {
                        let t = std::fs::read_to_string(format!("{dir}{f}")).expect("fixture text");
                        texts.0.insert(s("id"), SourceText::Archived(t));
                    }
                }
                Some("claim") => {
                    if let Some(old) = r["supersedes"].as_str() {
                        dead.insert(old.to_string());
                    }
                    let c = claim(
                        &s("id"),
                        &s("source"),
                        &s("subject"),
                        &s("predicate"),
                        r["value"].clone(),
                    );
                    claims.insert(c.id.clone(), c);
                }
                Some("retract") => {
                    dead.insert(s("target"));
                }
                other => panic!("unexpected record {other:?}"),
            }
        }
        let mut by_subject: BTreeMap<String, Vec<LiveClaim>> = BTreeMap::new();
        for (id, c) in claims {
            if !dead.contains(&id) {
                by_subject.entry(c.subject.clone()).or_default().push(c);
            }
        }
        (by_subject, texts)
    }

    #[test]
    fn fixture_flags() {
        let (subjects, archive) = fixture();
        let mut all = Vec::new();
        for (subject, claims) in &subjects {
            all.extend(check_subject(subject, claims, &archive).expect("check"));
        }
        let got: Vec<(&str, &str, Vec<&str>)> = all
            .iter()
            .map(|f| {
                (
                    f.subject.as_str(),
                    f.code.as_str(),
                    f.claims.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "A/RES/ES-11/7",
                    "conflicting-values",
                    vec!["article-ga-date", "un-ga7-date"]
                ),
                ("A/RES/ES-11/7", "weekday-mismatch", vec!["article-ga-date"]),
                (
                    "DiCarlo remarks as the article words them",
                    "quote-not-in-source",
                    vec!["un-dicarlo-quote-article-wording"]
                ),
                (
                    "S/RES/2774",
                    "anniversary-mismatch",
                    vec!["article-sc-anniversary", "article-sc-date"]
                ),
                (
                    "S/RES/2774",
                    "anniversary-mismatch",
                    vec!["article-sc-date", "un-sc-anniversary"]
                ),
                (
                    "S/RES/2774",
                    "conflicting-values",
                    vec!["article-sc-date", "un-sc-date"]
                ),
                ("S/RES/2774", "weekday-mismatch", vec!["article-sc-date"]),
            ]
        );
        let quote = all
            .iter()
            .find(|f| f.code == "quote-not-in-source")
            .expect("quote flag");
        assert_eq!(
            quote.message,
            "DiCarlo remarks as the article words them: un-dicarlo-quote-article-wording's quote of Rosemary DiCarlo is not in the archived text of un-sc-coverage-2025-02-24: \u{201c}a clear violation of the U.N. Charter\u{201d}"
        );
        assert_eq!(quote.sources, vec!["un-sc-coverage-2025-02-24"]);
        for f in &all {
            assert!(
                claim_codes().iter().any(|(c, _)| *c == f.code),
                "{} not in CODES",
                f.code
            );
        }
    }

    #[test]
    fn fixture_with_the_uncorrected_count_conflicts() {
        let (subjects, archive) = fixture();
        let mut claims = subjects["A/RES/ES-11/7"].clone();
        claims.push(claim(
            "daily-ga7-tally",
            "daily-fixture-ga",
            "A/RES/ES-11/7",
            "tally",
            json!({"body":"UNGA","yes":89,"no":18}),
        ));
        let flags = check_subject("A/RES/ES-11/7", &claims, &archive).expect("check");
        let tally: Vec<&Flag> = flags.iter().filter(|f| f.predicate == "tally").collect();
        assert_eq!(tally.len(), 1);
        assert_eq!(
            tally[0].message,
            "A/RES/ES-11/7 tally: sources disagree — UNGA, yes 93, no 18, abstain 65 (un-ga7-tally, wire-ga7-tally) vs UNGA, yes 89, no 18 (daily-ga7-tally)"
        );
    }

    #[test]
    fn output_is_sorted_and_independent_of_input_order() {
        let (subjects, archive) = fixture();
        let claims = subjects["S/RES/2774"].clone();
        let forward = check_subject("S/RES/2774", &claims, &archive).expect("check");
        let mut reversed = claims.clone();
        reversed.reverse();
        assert_eq!(
            check_subject("S/RES/2774", &reversed, &archive).expect("check"),
            forward
        );
        let mut sorted_flags = forward.clone();
        sorted_flags.sort();
        assert_eq!(sorted_flags, forward);
        assert!(!forward.is_empty());
    }

    #[test]
    fn claims_about_other_subjects_are_ignored() {
        let claims = [
            sc("a", "date", json!("2025-02-24")),
            ga("b", "date", json!("Monday, February 25, 2025")),
        ];
        assert_eq!(
            check_subject("S/RES/2774", &claims, &Texts::new(&[])).expect("check"),
            vec![]
        );
    }

    #[test]
    fn flag_json_has_exactly_the_documented_keys() {
        let f = Flag {
            code: FlagCode::ConflictingValues,
            subject: "S".into(),
            predicate: "p".into(),
            claims: vec!["b".into(), "a".into(), "b".into()],
            sources: vec!["y".into(), "x".into()],
            message: "m".into(),
            withdrawn_sources: Vec::new(),
        };
        assert_eq!(
            serde_json::to_value(&f).expect("a flag serialises"),
            json!({"code":"conflicting-values","subject":"S","predicate":"p","claims":["a","b"],"sources":["x","y"],"message":"m","severity":"error","id":f.id().as_str(),"source_withdrawn":false,"withdrawn_sources":[]})
        );
    }

    #[test]
    fn every_code_has_the_severity_the_desk_agreed() {
        let by_severity = |sev: Severity| -> Vec<&str> {
            FlagCode::all()
                .filter(|c| c.severity() == sev)
                .map(FlagCode::as_str)
                .collect()
        };
        // Contradictions: values, arithmetic, vetoes, words not in their source.
        assert_eq!(
            by_severity(Severity::Error),
            [
                "conflicting-values",
                "tally-exceeds-body",
                "outcome-contradicts-tally",
                "veto-contradiction",
                "member-votes-exceed-tally",
                "quote-not-in-source",
                "excerpt-not-in-source",
            ]
        );
        // Weekdays, anniversaries, citation problems, what cannot be checked.
        assert_eq!(
            by_severity(Severity::Warning),
            [
                "weekday-mismatch",
                "anniversary-mismatch",
                "quote-unverifiable",
                "source-edited",
                "dangling-citation",
                "circular-citation",
                "retracted-source",
                "verdicts-disagree",
            ]
        );
        assert_eq!(by_severity(Severity::Info), ["no-primary-source"]);
    }

    #[test]
    fn codes_are_the_public_contract() {
        let codes: Vec<&str> = claim_codes().iter().map(|(c, _)| *c).collect();
        assert_eq!(
            codes,
            vec![
                "conflicting-values",
                "weekday-mismatch",
                "anniversary-mismatch",
                "tally-exceeds-body",
                "outcome-contradicts-tally",
                "veto-contradiction",
                "member-votes-exceed-tally",
                "quote-not-in-source",
                "quote-unverifiable",
                "excerpt-not-in-source",
                "source-edited",
            ]
        );
        assert!(claim_codes().iter().all(|(_, d)| !d.is_empty()));
    }

    // --- the registry ----------------------------------------------------------------------

    #[test]
    fn every_code_round_trips_through_its_string() {
        for code in FlagCode::all() {
            assert_eq!(code.as_str().parse::<FlagCode>(), Ok(code));
            assert_eq!(code.to_string(), code.as_str());
            assert_eq!(
                serde_json::to_value(code).expect("serialise"),
                json!(code.as_str())
            );
            assert_eq!(code.rule().code, code);
        }
        let distinct: BTreeSet<&str> = FlagCode::all().map(FlagCode::as_str).collect();
        assert_eq!(distinct.len(), RULES.len());
    }

    #[test]
    fn an_unknown_code_is_named_with_every_valid_code() {
        let e = "weekday".parse::<FlagCode>().expect_err("not a code");
        assert_eq!(e.given, "weekday");
        assert_eq!(
            e.to_string(),
            "weekday: no such flag code (codes: conflicting-values, weekday-mismatch, anniversary-mismatch, tally-exceeds-body, outcome-contradicts-tally, veto-contradiction, member-votes-exceed-tally, quote-not-in-source, quote-unverifiable, excerpt-not-in-source, source-edited, dangling-citation, circular-citation, no-primary-source, retracted-source, verdicts-disagree)"
        );
        assert!("Conflicting-Values".parse::<FlagCode>().is_err());
    }

    #[test]
    fn codes_sort_and_pad_as_their_strings() {
        // Flags sort by code; they must keep the order they had when codes were strings.
        let mut codes: Vec<FlagCode> = FlagCode::all().collect();
        codes.sort();
        let mut strings: Vec<&str> = FlagCode::all().map(FlagCode::as_str).collect();
        strings.sort();
        assert_eq!(
            codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            strings
        );
        assert_eq!(
            format!("{:<20}|", FlagCode::CircularCitation),
            "circular-citation   |"
        );
    }

    #[test]
    fn claim_rules_have_a_check_and_provenance_codes_do_not() {
        for r in RULES {
            assert_eq!(
                r.check.is_none(),
                matches!(r.family, Family::Provenance | Family::Verdicts),
                "{}",
                r.code
            );
            assert!(!r.summary.is_empty(), "{}", r.code);
        }
    }

    #[test]
    fn docs_describe_every_code() {
        let docs = include_str!("../../docs/flags.md");
        for r in RULES {
            let entry = match r.family {
                Family::Provenance => format!("- `{}` — {}.", r.code, r.summary),
                _ => format!("### `{}`", r.code),
            };
            assert!(docs.contains(&entry), "docs/flags.md lacks {entry:?}");
            let row = format!("| `{}` | {} |", r.code, r.severity);
            assert!(
                docs.contains(&row),
                "docs/flags.md lacks the severity row {row:?}"
            );
        }
    }

    #[test]
    fn check_reads_only_the_texts_it_is_given() {
        let claims = [
            claim(
                "q",
                "speech",
                "DiCarlo briefing",
                "quote",
                json!({"speaker": "Rosemary DiCarlo", "text": "a blatant violation"}),
            ),
            claim(
                "q-wire",
                "wire",
                "DiCarlo briefing",
                "quote",
                json!({"speaker": "Rosemary DiCarlo", "text": "a somber milestone"}),
            ),
        ];
        let mut texts = SourceTexts::default();
        texts.insert("speech", Some(comparable_text("A clear violation.").into()));
        let flags = check("DiCarlo briefing", &claims, &texts);
        // `wire` was never fetched: neither checked nor reported as unverifiable.
        assert_eq!(
            flags
                .iter()
                .map(|f| (f.code.as_str(), f.claims.join(",")))
                .collect::<Vec<_>>(),
            [("quote-not-in-source", "q".to_string())]
        );
        texts.insert("wire", None);
        let flags = check("DiCarlo briefing", &claims, &texts);
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[1].code, FlagCode::QuoteUnverifiable);
    }
}
