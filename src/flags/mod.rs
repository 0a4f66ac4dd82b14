//! Inconsistency rules: the live claims about one subject in, flags out.
//!
//! A fact-checker records what each source says, disagreements included; these rules point at the
//! places where the record cannot all be true — two sources giving different counts, a weekday
//! the calendar contradicts, an outcome the tally rules out, a quote its own source does not
//! contain. Each rule is a small function over one subject's live claims; [`check_subject`] runs
//! them all and returns the flags sorted, so the same claims always give the same output.
//! `docs/flags.md` describes every code for users. Citation-chain flags (`dangling-citation`,
//! `circular-citation`, `no-primary-source`, `retracted-source`) belong to the provenance module,
//! not here.

use crate::date::{weekday_name, StatedDate};
use crate::value::{
    normalise_member, ordinal, vote_member, Body, Majority, Outcome, Tally, Value, Vote,
    PERMANENT_MEMBERS,
};
use serde_json::json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

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
}

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
}

/// The form of an archived text that quotes are looked for in.
pub fn comparable_text(text: &str) -> String {
    normalise_for_quote(text)
}

/// One inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Flag {
    /// Which rule fired; one of [`CODES`].
    pub code: String,
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
}

impl Flag {
    /// Builds a flag naming `claims` and their sources (sorted and de-duplicated).
    fn new<'a>(
        code: &str,
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
            code: code.to_string(),
            subject: subject.to_string(),
            predicate: predicate.to_string(),
            claims: ids.into_iter().collect(),
            sources: sources.into_iter().collect(),
            message,
        }
    }

    /// The flag as a JSON object with exactly the keys `code`, `subject`, `predicate`, `claims`,
    /// `sources` and `message`; `claims` and `sources` sorted and de-duplicated.
    pub fn to_json(&self) -> serde_json::Value {
        fn sorted(v: &[String]) -> Vec<&String> {
            v.iter().collect::<BTreeSet<_>>().into_iter().collect()
        }
        json!({
            "code": self.code,
            "subject": self.subject,
            "predicate": self.predicate,
            "claims": sorted(&self.claims),
            "sources": sorted(&self.sources),
            "message": self.message,
        })
    }
}

/// Two live claims on the same subject and predicate disagree.
const CONFLICTING_VALUES: &str = "conflicting-values";
/// A date is stated with a weekday the calendar contradicts.
const WEEKDAY_MISMATCH: &str = "weekday-mismatch";
/// A date is not the anniversary a claim says it is.
const ANNIVERSARY_MISMATCH: &str = "anniversary-mismatch";
/// A tally counts more votes than the body has members.
const TALLY_EXCEEDS_BODY: &str = "tally-exceeds-body";
/// An outcome the tally alone rules out.
const OUTCOME_CONTRADICTS_TALLY: &str = "outcome-contradicts-tally";
/// A Security Council outcome at odds with the permanent members' votes.
const VETO_CONTRADICTION: &str = "veto-contradiction";
/// More members are said to have voted a way than the tally counts.
const MEMBER_VOTES_EXCEED_TALLY: &str = "member-votes-exceed-tally";
/// A quote its source's archived text does not contain.
const QUOTE_NOT_IN_SOURCE: &str = "quote-not-in-source";
/// A quote whose source has no archived text to check it against.
const QUOTE_UNVERIFIABLE: &str = "quote-unverifiable";

/// Every flag code this module can raise, with a one-line description (used by docs/CLI `--code`
/// validation).
pub const CODES: &[(&str, &str)] = &[
    (
        CONFLICTING_VALUES,
        "two live claims on the same subject and predicate disagree",
    ),
    (
        WEEKDAY_MISMATCH,
        "a date is stated with a weekday the calendar contradicts",
    ),
    (
        ANNIVERSARY_MISMATCH,
        "a date claim is not the anniversary an anniversary claim says it is",
    ),
    (
        TALLY_EXCEEDS_BODY,
        "a tally's stated counts add up to more than the body's membership",
    ),
    (
        OUTCOME_CONTRADICTS_TALLY,
        "the tally alone rules out the claimed outcome",
    ),
    (
        VETO_CONTRADICTION,
        "a Security Council outcome contradicts the permanent members' votes",
    ),
    (
        MEMBER_VOTES_EXCEED_TALLY,
        "more members are claimed to have voted a way than the tally counts",
    ),
    (
        QUOTE_NOT_IN_SOURCE,
        "a quote is not found in its source's archived text",
    ),
    (
        QUOTE_UNVERIFIABLE,
        "a quote's source has no archived text to check it against",
    ),
];

/// All per-subject rules over the live claims of one subject (claims may be in any order; output
/// is sorted and deterministic). Claims about another subject are ignored. Errors come only from
/// the archive (a damaged store).
pub fn check_subject(
    subject: &str,
    claims: &[LiveClaim],
    archive: &dyn Archive,
) -> crate::Result<Vec<Flag>> {
    let claims: Vec<LiveClaim> = sorted(claims)
        .into_iter()
        .filter(|c| c.subject == subject)
        .cloned()
        .collect();
    let texts = quoted_source_texts(&claims, archive)?;
    let mut flags = Vec::new();
    flags.extend(conflicting_values(subject, &claims));
    flags.extend(weekday_mismatch(subject, &claims));
    flags.extend(anniversary_mismatch(subject, &claims));
    flags.extend(tally_exceeds_body(subject, &claims));
    flags.extend(outcome_contradicts_tally(subject, &claims));
    flags.extend(veto_contradiction(subject, &claims));
    flags.extend(member_votes_exceed_tally(subject, &claims));
    flags.extend(quote_not_in_source(subject, &claims, &texts));
    flags.extend(quote_unverifiable(subject, &claims, &texts));
    flags.sort();
    flags.dedup();
    Ok(flags)
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

// ---------------------------------------------------------------------------------------------
// conflicting-values

/// One flag per predicate whose claims disagree pairwise, naming every claim in a disagreeing
/// pair. Quotes are skipped: two different quotes from one speech are both true.
fn conflicting_values(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let mut by_predicate: BTreeMap<&str, Vec<&LiveClaim>> = BTreeMap::new();
    for c in sorted(claims) {
        if c.predicate == "quote" || matches!(c.value, Value::Quote { .. }) {
            continue;
        }
        by_predicate
            .entry(c.predicate.as_str())
            .or_default()
            .push(c);
    }
    let mut flags = Vec::new();
    for (predicate, group) in by_predicate {
        let mut involved: BTreeSet<usize> = BTreeSet::new();
        for (i, a) in group.iter().enumerate() {
            for (j, b) in group.iter().enumerate().skip(i + 1) {
                if a.value.disagrees_with(&b.value) {
                    involved.insert(i);
                    involved.insert(j);
                }
            }
        }
        if involved.is_empty() {
            continue;
        }
        let involved: Vec<&LiveClaim> = involved.into_iter().map(|i| group[i]).collect();
        // Distinct values, each with the claims stating it; most-attested first, then by id.
        let mut distinct: BTreeMap<String, Vec<&LiveClaim>> = BTreeMap::new();
        for c in &involved {
            distinct.entry(value_key(&c.value)).or_default().push(c);
        }
        let mut distinct: Vec<Vec<&LiveClaim>> = distinct.into_values().collect();
        distinct.sort_by(|a, b| {
            b.len()
                .cmp(&a.len())
                .then_with(|| a.first().map(|c| &c.id).cmp(&b.first().map(|c| &c.id)))
        });
        let parts: Vec<String> = distinct
            .iter()
            .map(|g| format!("{} ({})", value_label(g), ids(g.iter().copied())))
            .collect();
        let message = format!(
            "{subject} {predicate}: sources disagree — {}",
            parts.join(" vs ")
        );
        flags.push(Flag::new(
            CONFLICTING_VALUES,
            subject,
            predicate,
            involved,
            message,
        ));
    }
    flags
}

/// Groups values that say the same thing (free text case-folded, dates by day).
fn value_key(v: &Value) -> String {
    match v {
        Value::Text(s) | Value::Number(s) => format!("text:{}", crate::value::text_key(s)),
        other => format!("json:{}", other.to_json()),
    }
}

/// How a group of equal values reads in a message: dates show ISO and every way it was written.
fn value_label(group: &[&LiveClaim]) -> String {
    let Some(first) = group.first() else {
        return String::new();
    };
    match &first.value {
        Value::Date(d) => {
            let written: BTreeSet<&str> = group
                .iter()
                .filter_map(|c| match &c.value {
                    Value::Date(x) if x.as_written != x.iso() || x.stated_weekday.is_some() => {
                        Some(x.as_written.as_str())
                    }
                    _ => None,
                })
                .collect();
            if written.is_empty() {
                d.iso()
            } else {
                let quoted: Vec<String> = written.iter().map(|w| format!("'{w}'")).collect();
                format!("{} ({})", d.iso(), quoted.join(", "))
            }
        }
        other => other.display(),
    }
}

// ---------------------------------------------------------------------------------------------
// weekday-mismatch

/// One flag per date stated with a weekday the calendar contradicts.
fn weekday_mismatch(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for c in sorted(claims) {
        let Value::Date(d) = &c.value else { continue };
        if !d.weekday_contradicted() {
            continue;
        }
        let Some(actual) = d.actual_weekday() else {
            continue;
        };
        let message = format!(
            "{subject}: '{}' — {} was a {}",
            d.as_written,
            d.long(),
            weekday_name(actual)
        );
        flags.push(Flag::new(
            WEEKDAY_MISMATCH,
            subject,
            &c.predicate,
            [c],
            message,
        ));
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// anniversary-mismatch

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: u8) -> &'static str {
    MONTH_NAMES[usize::from(month.clamp(1, 12) - 1)]
}

/// Proleptic Gregorian leap year.
fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The days (month, day) accepted as the anniversary in `year` of a date on `month`/`day`.
/// 29 February's anniversary in a common year is kept on 28 February by some and on 1 March by
/// others; both are accepted.
fn anniversary_days(year: i64, month: u8, day: u8) -> Vec<(u8, u8)> {
    if (month, day) == (2, 29) && !is_leap(year) {
        vec![(2, 28), (3, 1)]
    } else {
        vec![(month, day)]
    }
}

/// `25 February 2025`, or `25 February 2025 ('Monday, February 25, 2025')` when written otherwise.
fn long_with_written(d: &StatedDate) -> String {
    let long = d.long();
    if d.as_written == long {
        long
    } else {
        format!("{long} ('{}')", d.as_written)
    }
}

/// One flag per anniversary claim that some live date claim contradicts, naming all of them.
fn anniversary_mismatch(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let claims = sorted(claims);
    let dates: Vec<(&LiveClaim, &StatedDate)> = claims
        .iter()
        .filter_map(|c| match &c.value {
            Value::Date(d) => Some((*c, d)),
            _ => None,
        })
        .collect();
    let mut flags = Vec::new();
    for a in &claims {
        let Value::Anniversary { of, nth } = &a.value else {
            continue;
        };
        let year = i64::from(of.year) + i64::from(*nth);
        let days = anniversary_days(year, of.month, of.day);
        let contradicted: Vec<&(&LiveClaim, &StatedDate)> = dates
            .iter()
            .filter(|(_, d)| !(i64::from(d.year) == year && days.contains(&(d.month, d.day))))
            .collect();
        if contradicted.is_empty() {
            continue;
        }
        let expected = match days.as_slice() {
            [(m, d)] => format!("{d} {} {year}", month_name(*m)),
            _ => format!("28 February or 1 March {year}"),
        };
        let says: Vec<String> = contradicted
            .iter()
            .map(|(c, d)| format!("{} says {}", c.id, long_with_written(d)))
            .collect();
        let message = format!(
            "{subject}: the {} anniversary of {} is {expected}, but {}",
            ordinal(*nth),
            of.long(),
            says.join(", ")
        );
        let named = std::iter::once(*a).chain(contradicted.iter().map(|(c, _)| *c));
        flags.push(Flag::new(
            ANNIVERSARY_MISMATCH,
            subject,
            &a.predicate,
            named,
            message,
        ));
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// tally-exceeds-body

fn body_name(body: Body) -> &'static str {
    match body {
        Body::Unsc => "Security Council",
        Body::Unga => "General Assembly",
    }
}

/// Tallies of a subject, in id order.
fn tallies(claims: &[LiveClaim]) -> Vec<(&LiveClaim, &Tally)> {
    sorted(claims)
        .into_iter()
        .filter_map(|c| match &c.value {
            Value::Tally(t) => Some((c, t)),
            _ => None,
        })
        .collect()
}

/// One flag per tally whose stated counts add up to more than the body has members.
fn tally_exceeds_body(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (c, t) in tallies(claims) {
        let total: u64 = [t.yes, t.no, t.abstain, t.absent]
            .into_iter()
            .flatten()
            .map(u64::from)
            .sum();
        let members = t.body.membership();
        if total > u64::from(members) {
            let message = format!(
                "{subject}: {} counts {total} votes ({}), more than the {members} members of the {}",
                c.id,
                c.value.display(),
                body_name(t.body)
            );
            flags.push(Flag::new(
                TALLY_EXCEEDS_BODY,
                subject,
                &c.predicate,
                [c],
                message,
            ));
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// outcome-contradicts-tally

/// Fewest votes in favour a Security Council decision needs (Charter art. 27).
const UNSC_MIN_YES: u32 = 9;

/// Whether the General Assembly majority is met, when the tally states enough to tell.
fn unga_majority_met(t: &Tally) -> Option<bool> {
    let (yes, no) = (u64::from(t.yes?), u64::from(t.no?));
    Some(match t.majority {
        Some(Majority::TwoThirds) => yes > 0 && yes * 3 >= (yes + no) * 2,
        Some(Majority::Simple) | None => yes > no,
    })
}

/// Why `tally` rules `outcome` out, or `None` when it does not (or does not state enough).
fn outcome_ruled_out(outcome: Outcome, t: &Tally) -> Option<String> {
    match (t.body, outcome) {
        (Body::Unsc, Outcome::Adopted) => {
            let yes = t.yes?;
            (yes < UNSC_MIN_YES).then(|| {
                format!("the Security Council adopts only with at least {UNSC_MIN_YES} votes in favour")
            })
        }
        (Body::Unsc, Outcome::Rejected | Outcome::Vetoed) => {
            (t.yes? >= UNSC_MIN_YES && t.no? == 0).then(|| {
                format!(
                    "with at least {UNSC_MIN_YES} votes in favour and none against, a Security Council draft is adopted"
                )
            })
        }
        (Body::Unga, Outcome::Vetoed) => {
            Some("there is no veto in the General Assembly".to_string())
        }
        (Body::Unga, Outcome::Adopted) => {
            (!unga_majority_met(t)?).then(|| match t.majority {
                Some(Majority::TwoThirds) => {
                    "this General Assembly decision needs two thirds of those voting yes or no in favour".to_string()
                }
                _ => "the General Assembly adopts only with more votes in favour than against".to_string(),
            })
        }
        (Body::Unga, Outcome::Rejected) => unga_majority_met(t)?.then(|| match t.majority {
            Some(Majority::TwoThirds) => {
                "two thirds of those voting yes or no were in favour, which carries the decision".to_string()
            }
            _ => "more votes in favour than against carries a General Assembly decision".to_string(),
        }),
    }
}

/// One flag per (outcome claim, tally claim) pair where the counts rule the outcome out.
fn outcome_contradicts_tally(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let tallies = tallies(claims);
    let mut flags = Vec::new();
    for o in sorted(claims) {
        let Value::Outcome(outcome) = o.value else {
            continue;
        };
        for (t_claim, t) in &tallies {
            if let Some(why) = outcome_ruled_out(outcome, t) {
                let message = format!(
                    "{subject}: {} says {}, but {} gives {} — {why}",
                    o.id,
                    outcome.as_str(),
                    t_claim.id,
                    t_claim.value.display()
                );
                flags.push(Flag::new(
                    OUTCOME_CONTRADICTS_TALLY,
                    subject,
                    &o.predicate,
                    [o, *t_claim],
                    message,
                ));
            }
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// veto-contradiction

/// Live `vote:<member>` claims as (canonical member, vote, claim), in id order.
fn member_votes(claims: &[LiveClaim]) -> Vec<(String, Vote, &LiveClaim)> {
    sorted(claims)
        .into_iter()
        .filter_map(|c| match (&c.value, vote_member(&c.predicate)) {
            (Value::Vote(v), Some(m)) => Some((normalise_member(m), *v, c)),
            _ => None,
        })
        .collect()
}

/// A Security Council outcome that the permanent members' votes contradict. The subject counts as
/// a Security Council decision only when a live tally says UNSC (permanent members also vote in the
/// General Assembly, where voting no is no veto). It counts as substantive unless a live tally
/// says `procedural: true`.
fn veto_contradiction(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let tallies: Vec<(&LiveClaim, &Tally)> = tallies(claims)
        .into_iter()
        .filter(|(_, t)| t.body == Body::Unsc)
        .collect();
    if tallies.is_empty() {
        return Vec::new();
    }
    let said_procedural: Vec<&LiveClaim> = tallies
        .iter()
        .filter(|(_, t)| t.procedural == Some(true))
        .map(|(c, _)| *c)
        .collect();
    let substantive = said_procedural.is_empty();
    // Procedural only when tallies agree on it; disagreeing tallies are conflicting-values' job.
    let procedural = !substantive && tallies.iter().all(|(_, t)| t.procedural != Some(false));
    let permanent: Vec<(String, Vote, &LiveClaim)> = member_votes(claims)
        .into_iter()
        .filter(|(m, _, _)| PERMANENT_MEMBERS.contains(&m.as_str()))
        .collect();
    let permanent_no: Vec<&(String, Vote, &LiveClaim)> = permanent
        .iter()
        .filter(|(_, v, _)| *v == Vote::No)
        .collect();
    let all_known = PERMANENT_MEMBERS
        .iter()
        .all(|p| permanent.iter().any(|(m, _, _)| m == p));

    let mut flags = Vec::new();
    for o in sorted(claims) {
        let Value::Outcome(outcome) = o.value else {
            continue;
        };
        match outcome {
            Outcome::Adopted if substantive && !permanent_no.is_empty() => {
                let who: Vec<String> = permanent_no
                    .iter()
                    .map(|(m, _, c)| format!("{m}: {}", c.id))
                    .collect();
                let message = format!(
                    "{subject}: {} says adopted, but a permanent member voted against this substantive Security Council draft ({}) — a permanent member's vote against is a veto",
                    o.id,
                    who.join("; ")
                );
                let named = std::iter::once(o).chain(permanent_no.iter().map(|(_, _, c)| *c));
                flags.push(Flag::new(
                    VETO_CONTRADICTION,
                    subject,
                    &o.predicate,
                    named,
                    message,
                ));
            }
            Outcome::Vetoed => {
                let mut reasons = Vec::new();
                let mut named: Vec<&LiveClaim> = vec![o];
                if procedural {
                    reasons.push(format!(
                        "{} says the vote was procedural, where the veto does not apply",
                        ids(said_procedural.iter().copied())
                    ));
                    named.extend(said_procedural.iter().copied());
                }
                let none_against: Vec<&LiveClaim> = tallies
                    .iter()
                    .filter(|(_, t)| t.no == Some(0))
                    .map(|(c, _)| *c)
                    .collect();
                if !none_against.is_empty() {
                    reasons.push(format!(
                        "{} gives no votes against, and a veto is a permanent member's vote against",
                        ids(none_against.iter().copied())
                    ));
                    named.extend(none_against);
                }
                if all_known && permanent_no.is_empty() {
                    let votes: Vec<String> = permanent
                        .iter()
                        .map(|(m, v, c)| format!("{m} {} ({})", v.as_str(), c.id))
                        .collect();
                    reasons.push(format!(
                        "every permanent member's vote is recorded and none voted against: {}",
                        votes.join("; ")
                    ));
                    named.extend(permanent.iter().map(|(_, _, c)| *c));
                }
                if !reasons.is_empty() {
                    let message = format!(
                        "{subject}: {} says vetoed, but {}",
                        o.id,
                        reasons.join("; and ")
                    );
                    flags.push(Flag::new(
                        VETO_CONTRADICTION,
                        subject,
                        &o.predicate,
                        named,
                        message,
                    ));
                }
            }
            _ => {}
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// member-votes-exceed-tally

/// One flag per (tally, vote) where more distinct members are said to have voted that way than
/// the tally's stated count for it.
fn member_votes_exceed_tally(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let mut by_vote: BTreeMap<Vote, BTreeMap<String, Vec<&LiveClaim>>> = BTreeMap::new();
    for (m, v, c) in member_votes(claims) {
        by_vote.entry(v).or_default().entry(m).or_default().push(c);
    }
    let mut flags = Vec::new();
    for (t_claim, t) in tallies(claims) {
        for (vote, count) in [
            (Vote::Yes, t.yes),
            (Vote::No, t.no),
            (Vote::Abstain, t.abstain),
        ] {
            let (Some(count), Some(members)) = (count, by_vote.get(&vote)) else {
                continue;
            };
            if members.len() <= count as usize {
                continue;
            }
            let names: Vec<&str> = members.keys().map(String::as_str).collect();
            let message = format!(
                "{subject}: {} members are claimed to have voted {} ({}), but {} gives {} {count}",
                members.len(),
                vote.as_str(),
                names.join(", "),
                t_claim.id,
                vote.as_str()
            );
            let named = std::iter::once(t_claim).chain(members.values().flatten().copied());
            flags.push(Flag::new(
                MEMBER_VOTES_EXCEED_TALLY,
                subject,
                &t_claim.predicate,
                named,
                message,
            ));
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// quote-not-in-source, quote-unverifiable

/// What a source offers for checking quotes: its normalised text, or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Checkable {
    Normalised(Rc<str>),
    NotArchived,
}

/// Looks up, once each, the sources that quote claims cite, and normalises their texts.
fn quoted_source_texts(
    claims: &[LiveClaim],
    archive: &dyn Archive,
) -> crate::Result<BTreeMap<String, Checkable>> {
    let mut texts = BTreeMap::new();
    for c in claims {
        if !matches!(c.value, Value::Quote { .. }) || texts.contains_key(&c.source) {
            continue;
        }
        let checkable = match archive.comparable_text(&c.source)? {
            Some(t) => Checkable::Normalised(t),
            None => Checkable::NotArchived,
        };
        texts.insert(c.source.clone(), checkable);
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
fn normalise_quote(text: &str) -> String {
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
fn as_quoted(text: &str) -> String {
    let marks = [
        '"', '\'', '\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\u{00AB}', '\u{00BB}',
    ];
    let collapsed = crate::value::collapse(text);
    format!(
        "\u{201c}{}\u{201d}",
        collapsed.trim_matches(marks.as_slice()).trim()
    )
}

/// One flag per quote claim whose words are not in its source's archived text.
fn quote_not_in_source(
    subject: &str,
    claims: &[LiveClaim],
    texts: &BTreeMap<String, Checkable>,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for c in sorted(claims) {
        let Value::Quote { speaker, text } = &c.value else {
            continue;
        };
        let Some(Checkable::Normalised(source)) = texts.get(&c.source) else {
            continue;
        };
        let quote = normalise_quote(text);
        let why = if quote.is_empty() {
            "has no words to look for in"
        } else if source.contains(&quote) {
            continue;
        } else {
            "is not in the archived text of"
        };
        let message = format!(
            "{subject}: {}'s quote of {} {why} {}: {}",
            c.id,
            crate::value::collapse(speaker),
            c.source,
            as_quoted(text)
        );
        flags.push(Flag::new(
            QUOTE_NOT_IN_SOURCE,
            subject,
            &c.predicate,
            [c],
            message,
        ));
    }
    flags
}

/// One flag per quote claim whose source has no archived text.
fn quote_unverifiable(
    subject: &str,
    claims: &[LiveClaim],
    texts: &BTreeMap<String, Checkable>,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    for c in sorted(claims) {
        let Value::Quote { speaker, .. } = &c.value else {
            continue;
        };
        if texts.get(&c.source) != Some(&Checkable::NotArchived) {
            continue;
        }
        let message = format!(
            "{subject}: {}'s quote of {} cannot be checked — source {} has no archived text",
            c.id,
            crate::value::collapse(speaker),
            c.source
        );
        flags.push(Flag::new(
            QUOTE_UNVERIFIABLE,
            subject,
            &c.predicate,
            [c],
            message,
        ));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::normalise_predicate;
    use serde_json::{json, Value as Json};
    use std::cell::Cell;

    fn claim(id: &str, source: &str, subject: &str, predicate: &str, v: Json) -> LiveClaim {
        let predicate = normalise_predicate(predicate).expect("test predicate");
        let value = Value::from_json(&predicate, &v).expect("test value");
        LiveClaim {
            id: id.into(),
            source: source.into(),
            subject: subject.into(),
            predicate,
            value,
        }
    }

    /// A claim on `S/RES/2774` from a source named after the claim.
    fn sc(id: &str, predicate: &str, v: Json) -> LiveClaim {
        claim(id, &format!("src-{id}"), "S/RES/2774", predicate, v)
    }

    /// A claim on `A/RES/ES-11/7` from a source named after the claim.
    fn ga(id: &str, predicate: &str, v: Json) -> LiveClaim {
        claim(id, &format!("src-{id}"), "A/RES/ES-11/7", predicate, v)
    }

    fn codes_and_claims(flags: &[Flag]) -> Vec<(&str, Vec<&str>)> {
        flags
            .iter()
            .map(|f| {
                (
                    f.code.as_str(),
                    f.claims.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    struct Texts(BTreeMap<String, SourceText>, Cell<usize>);

    impl Texts {
        fn new(entries: &[(&str, &str)]) -> Texts {
            Texts(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), SourceText::Archived(v.to_string())))
                    .collect(),
                Cell::new(0),
            )
        }
    }

    impl Archive for Texts {
        fn source_text(&self, source_id: &str) -> crate::Result<SourceText> {
            self.1.set(self.1.get() + 1);
            Ok(self
                .0
                .get(source_id)
                .cloned()
                .unwrap_or(SourceText::NotArchived))
        }
    }

    struct Broken;

    impl Archive for Broken {
        fn source_text(&self, _: &str) -> crate::Result<SourceText> {
            Err(crate::LedgerError::CorruptText {
                hash: "00".into(),
                problem: "gone".into(),
            })
        }
    }

    fn texts_of(claims: &[LiveClaim], archive: &dyn Archive) -> BTreeMap<String, Checkable> {
        quoted_source_texts(claims, archive).expect("archive")
    }

    // --- conflicting-values ----------------------------------------------------------------

    #[test]
    fn partial_tally_with_other_count_conflicts() {
        let claims = [
            ga("a-full", "tally", json!({"body":"UNGA","yes":93,"no":8})),
            ga("b-partial", "tally", json!({"body":"UNGA","yes":89})),
        ];
        let flags = conflicting_values("A/RES/ES-11/7", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("conflicting-values", vec!["a-full", "b-partial"])]
        );
        assert_eq!(flags[0].predicate, "tally");
        assert_eq!(flags[0].sources, vec!["src-a-full", "src-b-partial"]);
        assert!(
            flags[0].message.contains("UNGA, yes 89 (b-partial)"),
            "{}",
            flags[0].message
        );
    }

    #[test]
    fn partial_tally_with_same_count_agrees() {
        let claims = [
            ga("a-full", "tally", json!({"body":"UNGA","yes":93,"no":8})),
            ga("b-partial", "tally", json!({"body":"UNGA","yes":93})),
        ];
        assert_eq!(conflicting_values("A/RES/ES-11/7", &claims), vec![]);
    }

    #[test]
    fn conflict_message_lists_distinct_values_most_attested_first() {
        let claims = [
            claim(
                "daily-ga7-tally",
                "daily-fixture-ga",
                "A/RES/ES-11/7",
                "tally",
                json!({"body":"UNGA","yes":89,"no":18}),
            ),
            claim(
                "wire-ga7-tally",
                "wire-ga-vote",
                "A/RES/ES-11/7",
                "tally",
                json!({"body":"UNGA","yes":93,"no":18,"abstain":65}),
            ),
            claim(
                "un-ga7-tally",
                "un-ga-coverage-2025-02-24",
                "A/RES/ES-11/7",
                "tally",
                json!({"body":"UNGA","yes":93,"no":18,"abstain":65}),
            ),
        ];
        let flags = conflicting_values("A/RES/ES-11/7", &claims);
        assert_eq!(flags.len(), 1);
        assert_eq!(
            flags[0].message,
            "A/RES/ES-11/7 tally: sources disagree — UNGA, yes 93, no 18, abstain 65 (un-ga7-tally, wire-ga7-tally) vs UNGA, yes 89, no 18 (daily-ga7-tally)"
        );
        assert_eq!(
            flags[0].claims,
            vec!["daily-ga7-tally", "un-ga7-tally", "wire-ga7-tally"]
        );
        assert_eq!(
            flags[0].sources,
            vec![
                "daily-fixture-ga",
                "un-ga-coverage-2025-02-24",
                "wire-ga-vote"
            ]
        );
    }

    #[test]
    fn claims_agreeing_with_everyone_are_not_named() {
        let claims = [
            ga("a", "tally", json!({"body":"UNGA","yes":93,"no":8})),
            ga("b", "tally", json!({"body":"UNGA","yes":89})),
            ga("c", "tally", json!({"body":"UNGA","no":8})),
        ];
        let flags = conflicting_values("A/RES/ES-11/7", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("conflicting-values", vec!["a", "b"])]
        );
        assert!(!flags[0].message.contains("(c)"), "{}", flags[0].message);
    }

    #[test]
    fn dates_conflict_showing_written_and_iso() {
        let claims = [
            sc("un-sc-date", "date", json!("24 February 2025")),
            sc(
                "article-sc-date",
                "date",
                json!("Monday, February 25, 2025"),
            ),
            sc("record-date", "date", json!("2025-02-24")),
        ];
        let flags = conflicting_values("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![(
                "conflicting-values",
                vec!["article-sc-date", "record-date", "un-sc-date"]
            )]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774 date: sources disagree — 2025-02-24 ('24 February 2025') (record-date, un-sc-date) vs 2025-02-25 ('Monday, February 25, 2025') (article-sc-date)"
        );
    }

    #[test]
    fn same_day_written_differently_agrees() {
        let claims = [
            sc("a", "date", json!("24 February 2025")),
            sc("b", "date", json!("Monday, February 24, 2025")),
            sc("c", "date", json!("2025-02-24")),
        ];
        assert_eq!(conflicting_values("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn free_text_compares_case_folded_and_collapsed() {
        let same = [
            sc("a", "title", json!("The Path to Peace")),
            sc("b", "Title", json!("the  path to\npeace")),
        ];
        assert_eq!(conflicting_values("S/RES/2774", &same), vec![]);
        let differ = [
            sc("a", "title", json!("The Path to Peace")),
            sc("b", "title", json!("The Road to Peace")),
        ];
        let flags = conflicting_values("S/RES/2774", &differ);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("conflicting-values", vec!["a", "b"])]
        );
        assert_eq!(flags[0].predicate, "title");
    }

    #[test]
    fn member_votes_conflict_across_aliases() {
        let claims = [
            ga("a", "vote:US", json!("against")),
            ga("b", "vote:United States of America", json!("abstained")),
            ga("c", "vote:U.S.", json!("No")),
        ];
        let flags = conflicting_values("A/RES/ES-11/7", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("conflicting-values", vec!["a", "b", "c"])]
        );
        assert_eq!(flags[0].predicate, "vote:United States");
        assert!(
            flags[0].message.contains("no (a, c) vs abstain (b)"),
            "{}",
            flags[0].message
        );
    }

    #[test]
    fn different_quotes_are_not_a_conflict() {
        let claims = [
            sc(
                "q1",
                "quote",
                json!({"speaker":"Rosemary DiCarlo","text":"in violation of the UN Charter"}),
            ),
            sc(
                "q2",
                "quote",
                json!({"speaker":"Rosemary DiCarlo","text":"a somber milestone"}),
            ),
        ];
        assert_eq!(conflicting_values("S/RES/2774", &claims), vec![]);
    }

    // --- weekday-mismatch ------------------------------------------------------------------

    #[test]
    fn articles_monday_25_february_is_flagged() {
        let claims = [sc(
            "article-sc-date",
            "date",
            json!("Monday, February 25, 2025"),
        )];
        let flags = weekday_mismatch("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("weekday-mismatch", vec!["article-sc-date"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: 'Monday, February 25, 2025' — 25 February 2025 was a Tuesday"
        );
        assert_eq!(flags[0].predicate, "date");
        assert_eq!(flags[0].sources, vec!["src-article-sc-date"]);
    }

    #[test]
    fn right_or_absent_weekday_is_quiet() {
        let claims = [
            sc("a", "date", json!("Monday, February 24, 2025")),
            sc("b", "date", json!("2025-02-25")),
            sc("c", "date", json!("Tue 25 Feb 2025")),
        ];
        assert_eq!(weekday_mismatch("S/RES/2774", &claims), vec![]);
    }

    // --- anniversary-mismatch --------------------------------------------------------------

    #[test]
    fn third_anniversary_contradicted_by_the_articles_date() {
        let claims = [
            sc(
                "article-sc-anniversary",
                "anniversary",
                json!({"of":"24 February 2022","nth":3}),
            ),
            sc(
                "article-sc-date",
                "date",
                json!("Monday, February 25, 2025"),
            ),
            sc("un-sc-date", "date", json!("24 February 2025")),
        ];
        let flags = anniversary_mismatch("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![(
                "anniversary-mismatch",
                vec!["article-sc-anniversary", "article-sc-date"]
            )]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: the 3rd anniversary of 24 February 2022 is 24 February 2025, but article-sc-date says 25 February 2025 ('Monday, February 25, 2025')"
        );
        assert_eq!(flags[0].predicate, "anniversary");
    }

    #[test]
    fn one_flag_per_anniversary_claim_naming_every_contradicted_date() {
        let claims = [
            sc("ann-1", "anniversary", json!({"of":"2022-02-24","nth":3})),
            sc(
                "ann-2",
                "anniversary",
                json!({"of":"24 February 2022","nth":3}),
            ),
            sc("d-25", "date", json!("2025-02-25")),
            sc("d-2024", "date", json!("24 February 2024")),
            sc("d-ok", "date", json!("2025-02-24")),
        ];
        let flags = anniversary_mismatch("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![
                ("anniversary-mismatch", vec!["ann-1", "d-2024", "d-25"]),
                ("anniversary-mismatch", vec!["ann-2", "d-2024", "d-25"]),
            ]
        );
        assert!(
            flags[0].message.ends_with(
                "but d-2024 says 24 February 2024, d-25 says 25 February 2025 ('2025-02-25')"
            ),
            "{}",
            flags[0].message
        );
    }

    #[test]
    fn matching_anniversary_or_no_date_is_quiet() {
        let ann = sc("ann", "anniversary", json!({"of":"2022-02-24","nth":3}));
        assert_eq!(
            anniversary_mismatch("S/RES/2774", std::slice::from_ref(&ann)),
            vec![]
        );
        let claims = [ann, sc("d", "date", json!("Monday, 24 February 2025"))];
        assert_eq!(anniversary_mismatch("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn leap_day_anniversary_accepts_28_february_or_1_march() {
        let ann = || sc("ann", "anniversary", json!({"of":"2024-02-29","nth":1}));
        for ok in ["2025-02-28", "2025-03-01"] {
            let claims = [ann(), sc("d", "date", json!(ok))];
            assert_eq!(anniversary_mismatch("X", &claims), vec![], "{ok}");
        }
        let claims = [ann(), sc("d", "date", json!("2025-03-02"))];
        let flags = anniversary_mismatch("X", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("anniversary-mismatch", vec!["ann", "d"])]
        );
        assert!(
            flags[0]
                .message
                .contains("the 1st anniversary of 29 February 2024 is 28 February or 1 March 2025"),
            "{}",
            flags[0].message
        );
        // In a leap year the anniversary is 29 February itself.
        let leap = |d: &str| {
            [
                sc("ann", "anniversary", json!({"of":"2024-02-29","nth":4})),
                sc("d", "date", json!(d)),
            ]
        };
        assert_eq!(anniversary_mismatch("X", &leap("2028-02-29")), vec![]);
        assert_eq!(anniversary_mismatch("X", &leap("2028-02-28")).len(), 1);
    }

    // --- tally-exceeds-body ----------------------------------------------------------------

    #[test]
    fn tally_over_membership_is_flagged() {
        let claims = [sc(
            "t",
            "tally",
            json!({"body":"UNSC","yes":10,"no":3,"abstain":5}),
        )];
        let flags = tally_exceeds_body("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("tally-exceeds-body", vec!["t"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: t counts 18 votes (UNSC, yes 10, no 3, abstain 5), more than the 15 members of the Security Council"
        );
        let ga_claims = [ga(
            "t",
            "tally",
            json!({"body":"UNGA","yes":100,"no":50,"absent":44}),
        )];
        let flags = tally_exceeds_body("A/RES/ES-11/7", &ga_claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("tally-exceeds-body", vec!["t"])]
        );
        assert!(
            flags[0].message.contains("194 votes"),
            "{}",
            flags[0].message
        );
        assert!(flags[0]
            .message
            .contains("193 members of the General Assembly"));
    }

    #[test]
    fn tally_within_membership_is_quiet() {
        let claims = [
            sc(
                "sc-10-0-5",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
            ),
            sc(
                "ga-93-8-73",
                "tally",
                json!({"body":"UNGA","yes":93,"no":8,"abstain":73}),
            ),
            sc(
                "ga-full",
                "tally",
                json!({"body":"UNGA","yes":100,"no":50,"abstain":40,"absent":3}),
            ),
        ];
        assert_eq!(tally_exceeds_body("S/RES/2774", &claims), vec![]);
    }

    // --- outcome-contradicts-tally ---------------------------------------------------------

    fn outcome_flags(tally: Json, outcome: &str) -> Vec<Flag> {
        let claims = [sc("t", "tally", tally), sc("o", "outcome", json!(outcome))];
        outcome_contradicts_tally("S/RES/2774", &claims)
    }

    #[test]
    fn unsc_10_0_5_adoption_is_consistent() {
        assert_eq!(
            outcome_flags(
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
                "adopted"
            ),
            vec![]
        );
    }

    #[test]
    fn unga_93_8_73_adoption_is_consistent() {
        assert_eq!(
            outcome_flags(
                json!({"body":"UNGA","yes":93,"no":8,"abstain":73}),
                "adopted"
            ),
            vec![]
        );
    }

    #[test]
    fn unsc_adoption_needs_nine_in_favour() {
        let flags = outcome_flags(json!({"body":"UNSC","yes":8,"no":0,"abstain":7}), "adopted");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert_eq!(flags[0].predicate, "outcome");
        assert_eq!(
            flags[0].message,
            "S/RES/2774: o says adopted, but t gives UNSC, yes 8, no 0, abstain 7 — the Security Council adopts only with at least 9 votes in favour"
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":9}), "adopted"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","no":0,"abstain":5}), "adopted"),
            vec![]
        );
    }

    #[test]
    fn unsc_failure_impossible_with_nine_and_none_against() {
        for outcome in ["rejected", "vetoed"] {
            let flags = outcome_flags(json!({"body":"UNSC","yes":10,"no":0,"abstain":5}), outcome);
            assert_eq!(
                codes_and_claims(&flags),
                vec![("outcome-contradicts-tally", vec!["o", "t"])],
                "{outcome}"
            );
            assert!(flags[0].message.contains(&format!("o says {outcome}")));
            assert!(flags[0].message.contains("none against"));
        }
        // One against may be a veto; an unstated "no" proves nothing; eight in favour is too few.
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":13,"no":1,"abstain":1}), "vetoed"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":10}), "rejected"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":8,"no":0}), "rejected"),
            vec![]
        );
    }

    #[test]
    fn unga_has_no_veto() {
        let flags = outcome_flags(json!({"body":"UNGA"}), "vetoed");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: o says vetoed, but t gives UNGA — there is no veto in the General Assembly"
        );
    }

    #[test]
    fn unga_simple_majority() {
        let flags = outcome_flags(json!({"body":"UNGA","yes":8,"no":93}), "adopted");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert!(flags[0]
            .message
            .contains("more votes in favour than against"));
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":50,"no":50}), "adopted").len(),
            1
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":8}), "adopted"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":93,"no":8}), "rejected").len(),
            1
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":50,"no":50}), "rejected"),
            vec![]
        );
    }

    #[test]
    fn unga_two_thirds_majority() {
        let t =
            |yes: u32, no: u32| json!({"body":"UNGA","yes":yes,"no":no,"majority":"two-thirds"});
        // 60 of 100 is a simple majority but not two thirds.
        let flags = outcome_flags(t(60, 40), "adopted");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert!(
            flags[0].message.contains("two thirds"),
            "{}",
            flags[0].message
        );
        assert_eq!(outcome_flags(t(60, 40), "rejected"), vec![]);
        // 70 of 105 is exactly two thirds.
        assert_eq!(outcome_flags(t(70, 35), "adopted"), vec![]);
        assert_eq!(outcome_flags(t(70, 35), "rejected").len(), 1);
        // Nobody voting yes or no carries nothing.
        assert_eq!(outcome_flags(t(0, 0), "rejected"), vec![]);
    }

    #[test]
    fn every_outcome_is_paired_with_every_tally() {
        let claims = [
            ga("t1", "tally", json!({"body":"UNGA","yes":93,"no":8})),
            ga("t2", "tally", json!({"body":"UNGA","yes":93})),
            ga("o1", "outcome", json!("adopted")),
            ga("o2", "outcome", json!("rejected")),
            ga("o3", "outcome", json!("vetoed")),
        ];
        let flags = outcome_contradicts_tally("A/RES/ES-11/7", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![
                ("outcome-contradicts-tally", vec!["o2", "t1"]),
                ("outcome-contradicts-tally", vec!["o3", "t1"]),
                ("outcome-contradicts-tally", vec!["o3", "t2"]),
            ]
        );
    }

    // --- veto-contradiction ----------------------------------------------------------------

    #[test]
    fn substantive_adoption_over_a_permanent_no_is_flagged() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":12,"no":1,"abstain":2}),
            ),
            sc("o", "outcome", json!("adopted")),
            sc("v-ru", "vote:Russia", json!("against")),
            sc("v-dz", "vote:Algeria", json!("against")),
            sc("v-us", "vote:US", json!("yes")),
        ];
        let flags = veto_contradiction("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("veto-contradiction", vec!["o", "v-ru"])]
        );
        assert_eq!(flags[0].predicate, "outcome");
        assert!(
            flags[0].message.starts_with("S/RES/2774: o says adopted, but a permanent member voted against this substantive Security Council draft (Russian Federation: v-ru)"),
            "{}",
            flags[0].message
        );
    }

    #[test]
    fn procedural_adoption_over_a_permanent_no_is_quiet() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":12,"no":1,"abstain":2,"procedural":true}),
            ),
            sc("o", "outcome", json!("adopted")),
            sc("v-ru", "vote:Russian Federation", json!("no")),
        ];
        assert_eq!(veto_contradiction("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn general_assembly_or_unknown_body_is_quiet() {
        // The fixture's ES-11/7: the United States and Russia voted no, and it was adopted.
        let claims = [
            ga(
                "t",
                "tally",
                json!({"body":"UNGA","yes":93,"no":18,"abstain":65}),
            ),
            ga("o", "outcome", json!("adopted")),
            ga("v-us", "vote:United States", json!("against")),
            ga("v-ru", "vote:Russian Federation", json!("against")),
        ];
        assert_eq!(veto_contradiction("A/RES/ES-11/7", &claims), vec![]);
        // Without a tally the body is not known; no flag.
        assert_eq!(veto_contradiction("A/RES/ES-11/7", &claims[1..]), vec![]);
    }

    #[test]
    fn unsc_10_0_5_adoption_with_permanent_votes_is_quiet() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5,"procedural":false}),
            ),
            sc("o", "outcome", json!("adopted")),
            sc("v-us", "vote:United States", json!("in favour")),
            sc("v-ru", "vote:Russian Federation", json!("in favour")),
            sc("v-cn", "vote:China", json!("in favour")),
            sc("v-fr", "vote:France", json!("abstention")),
            sc("v-uk", "vote:United Kingdom", json!("abstained")),
        ];
        assert_eq!(veto_contradiction("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn veto_claimed_with_none_against_is_flagged() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":7,"no":0,"abstain":8}),
            ),
            sc("o", "outcome", json!("vetoed")),
        ];
        let flags = veto_contradiction("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("veto-contradiction", vec!["o", "t"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: o says vetoed, but t gives no votes against, and a veto is a permanent member's vote against"
        );
    }

    #[test]
    fn veto_claimed_when_every_permanent_member_did_not_vote_no() {
        let p5 = |russia: &str| {
            vec![
                sc("t", "tally", json!({"body":"UNSC"})),
                sc("o", "outcome", json!("vetoed")),
                sc("v-us", "vote:US", json!("yes")),
                sc("v-ru", "vote:Russia", json!(russia)),
                sc("v-cn", "vote:China", json!("abstain")),
                sc("v-fr", "vote:France", json!("yes")),
                sc("v-uk", "vote:UK", json!("yes")),
            ]
        };
        let flags = veto_contradiction("S/RES/2774", &p5("abstain"));
        assert_eq!(
            codes_and_claims(&flags),
            vec![(
                "veto-contradiction",
                vec!["o", "v-cn", "v-fr", "v-ru", "v-uk", "v-us"]
            )]
        );
        assert!(flags[0]
            .message
            .contains("every permanent member's vote is recorded and none voted against"));
        assert!(flags[0]
            .message
            .contains("Russian Federation abstain (v-ru)"));
        assert_eq!(veto_contradiction("S/RES/2774", &p5("no")), vec![]);
        // Four known, one unknown: the unknown one may have vetoed.
        let mut four = p5("abstain");
        four.retain(|c| c.id != "v-uk");
        assert_eq!(veto_contradiction("S/RES/2774", &four), vec![]);
    }

    #[test]
    fn veto_claimed_on_a_procedural_vote_is_flagged() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":8,"no":2,"procedural":true}),
            ),
            sc("o", "outcome", json!("vetoed")),
        ];
        let flags = veto_contradiction("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("veto-contradiction", vec!["o", "t"])]
        );
        assert!(flags[0]
            .message
            .contains("procedural, where the veto does not apply"));
        // A veto with a permanent member's no on a substantive vote is consistent.
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":13,"no":1,"abstain":1}),
            ),
            sc("o", "outcome", json!("vetoed")),
            sc("v-ru", "vote:Russia", json!("no")),
        ];
        assert_eq!(veto_contradiction("S/RES/2774", &claims), vec![]);
    }

    // --- member-votes-exceed-tally ---------------------------------------------------------

    #[test]
    fn more_members_than_the_count_is_flagged() {
        let claims = [
            sc("t", "tally", json!({"body":"UNSC","yes":2,"no":0})),
            sc("v-us", "vote:US", json!("yes")),
            sc("v-cn", "vote:China", json!("yes")),
            sc("v-dz", "vote:Algeria", json!("in favour")),
            sc("v-ru", "vote:Russia", json!("against")),
        ];
        let flags = member_votes_exceed_tally("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![
                (
                    "member-votes-exceed-tally",
                    vec!["t", "v-cn", "v-dz", "v-us"]
                ),
                ("member-votes-exceed-tally", vec!["t", "v-ru"]),
            ]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: 3 members are claimed to have voted yes (Algeria, China, United States), but t gives yes 2"
        );
        assert!(flags[1].message.contains("but t gives no 0"));
        assert_eq!(flags[0].predicate, "tally");
    }

    #[test]
    fn members_within_the_count_are_quiet() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
            ),
            sc("v-us", "vote:United States", json!("in favour")),
            sc("v-ru", "vote:Russian Federation", json!("in favour")),
            sc("v-cn", "vote:China", json!("in favour")),
            sc("v-fr", "vote:France", json!("abstention")),
            sc("v-uk", "vote:United Kingdom", json!("abstained")),
        ];
        assert_eq!(member_votes_exceed_tally("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn a_member_counts_once_and_unstated_counts_prove_nothing() {
        let mut raw = sc("v-us-raw", "vote:US", json!("yes"));
        raw.predicate = "vote:U.S.".into(); // not normalised: still the same member
        let claims = [
            sc("t", "tally", json!({"body":"UNSC","yes":1})),
            sc("v-us", "vote:United States of America", json!("yes")),
            raw,
            sc("v-ru", "vote:Russia", json!("no")),
            sc("v-cn", "vote:China", json!("no")),
        ];
        assert_eq!(member_votes_exceed_tally("S/RES/2774", &claims), vec![]);
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
                include_str!("../fixtures/un-votes/texts/un-sc-meeting-coverage.txt"),
            ),
            (
                "article",
                include_str!("../fixtures/un-votes/texts/article-excerpts.txt"),
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

    // --- check_subject over the fixtures ---------------------------------------------------

    /// The fixture ledger's live claims by subject, and its archive.
    fn fixture() -> (BTreeMap<String, Vec<LiveClaim>>, Texts) {
        let ledger = include_str!("../fixtures/un-votes/ledger.jsonl");
        let corrections = include_str!("../fixtures/un-votes/corrections.jsonl");
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
                CODES.iter().any(|(c, _)| *c == f.code),
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
            code: "conflicting-values".into(),
            subject: "S".into(),
            predicate: "p".into(),
            claims: vec!["b".into(), "a".into(), "b".into()],
            sources: vec!["y".into(), "x".into()],
            message: "m".into(),
        };
        assert_eq!(
            f.to_json(),
            json!({"code":"conflicting-values","subject":"S","predicate":"p","claims":["a","b"],"sources":["x","y"],"message":"m"})
        );
    }

    #[test]
    fn codes_are_the_public_contract() {
        let codes: Vec<&str> = CODES.iter().map(|(c, _)| *c).collect();
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
            ]
        );
        assert!(CODES.iter().all(|(_, d)| !d.is_empty()));
    }
}
