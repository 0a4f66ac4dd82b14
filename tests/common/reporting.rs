//! How reporters write UN votes: member states under their several names, vote words, and the
//! forms a date takes. One vocabulary for the benchmark's data generator (examples/bench/) and the
//! property tests' strategies (chain_props, projection_props), which the benchmark includes by
//! path, so the text the properties are proved on is the text the benchmark measures.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use factledger::model::date::{month_name, weekday_name};

/// Member states, each with the names reporters use for it (the first is the usual one). Every
/// name is a UN member's name or an alias the ledger knows: a `vote:` predicate naming anything
/// else is refused at entry (`America` and `Korea`, once here, are ambiguous or unknown to it).
pub const MEMBERS: &[&[&str]] = &[
    &[
        "United States",
        "US",
        "U.S.",
        "USA",
        "United States of America",
    ],
    &["Russia", "Russian Federation", "The Russian Federation"],
    &["United Kingdom", "UK", "U.K.", "Britain", "Great Britain"],
    &["China", "PRC", "People's Republic of China"],
    &["France", "French Republic"],
    &["Algeria"],
    &["Denmark"],
    &["Greece"],
    &["Guyana"],
    &["Pakistan"],
    &["Panama"],
    &["South Korea", "Republic of Korea"],
    &["Sierra Leone"],
    &["Slovenia"],
    &["Somalia"],
    &["Ukraine"],
    &["Belarus"],
    &["North Korea", "DPRK"],
    &["Iran"],
    &["Syria"],
    &["Venezuela"],
    &["Vietnam", "Viet Nam"],
    &["Türkiye", "Turkey", "Turkiye"],
    &["Côte d'Ivoire", "Ivory Coast"],
    &["Hungary"],
    &["Israel"],
    &["Nicaragua"],
    &["Sudan"],
    &["Mali"],
    &["Niger"],
    &["Germany"],
    &["Japan"],
    &["India"],
    &["Brazil"],
    &["Czechia", "Czech Republic"],
    &["Moldova"],
];

/// The words reporters use for a vote (`yes`, `no`, `abstain`, anything else: absent).
pub const fn vote_words(vote: &str) -> &'static [&'static str] {
    match vote.as_bytes() {
        b"yes" => &["yes", "in favour", "in favor", "for", "Yes", "In favour"],
        b"no" => &["no", "against", "Against", "No"],
        b"abstain" => &["abstain", "abstained", "abstention", "Abstained"],
        _ => &["absent", "did not vote", "non-voting"],
    }
}

/// How many forms [`date_form`] knows.
pub const DATE_FORMS: usize = 8;

/// Day `d` of month `m` (1-based) of year `y` in reporter's form `form` (`0..DATE_FORMS`), with
/// weekday `weekday` (0 = Monday) where the form names one: the calendar's, or a wrong one.
pub fn date_form(y: i32, m: u32, d: u32, weekday: usize, form: usize) -> String {
    let month = month_name(m as u8);
    let abbr = &month[..3];
    let suffix = match d {
        1 | 21 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    let m = m as usize;
    match form {
        0 => format!("{y:04}-{m:02}-{d:02}"),
        1 => format!("{d} {month} {y}"),
        2 => format!("{d}{suffix} {month}, {y}"),
        3 => format!("{d} {abbr} {y}"),
        4 => format!("{month} {d}, {y}"),
        5 => format!("{abbr}. {d}, {y}"),
        6 => format!("{}, {month} {d}, {y}", weekday_name(weekday as u8)),
        _ => format!("{} {d} {abbr} {y}", &weekday_name(weekday as u8)[..3]),
    }
}
