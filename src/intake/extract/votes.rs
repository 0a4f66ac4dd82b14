//! How members voted: "the US voted against", "Russia and China abstained", "joined Russia in
//! voting no", "with France voting in favour", "the US 'No' vote", lists in parentheses after a
//! count ("2 abstentions (United Kingdom and Switzerland)") and the record's own lists
//! ("Against: Belarus, Mali, …"). Names go through [`normalise_member`], so aliases meet.

use super::{Doc, Found};
use crate::intake::regex;
use crate::model::value::{normalise_member, Value, Vote};
use regex::{Captures, Match, Regex};
use std::sync::LazyLock;

/// Member names as reports write them (canonical names are found through `normalise_member`).
const NAMES: &[&str] = &[
    "United States of America",
    "United States",
    "U.S.A.",
    "U.S.",
    "USA",
    "US",
    "Russian Federation",
    "Russia",
    "United Kingdom",
    "U.K.",
    "UK",
    "Great Britain",
    "Britain",
    "People's Republic of China",
    "China",
    "France",
    "Republic of Korea",
    "South Korea",
    "Democratic People's Republic of Korea",
    "North Korea",
    "DPRK",
    "Iran",
    "Syria",
    "Venezuela",
    "Bolivia",
    "Viet Nam",
    "Vietnam",
    "Laos",
    "Moldova",
    "Tanzania",
    "Czech Republic",
    "Czechia",
    "Türkiye",
    "Turkey",
    "Côte d'Ivoire",
    "Ivory Coast",
    "Belarus",
    "Ukraine",
    "Algeria",
    "Denmark",
    "Greece",
    "Guyana",
    "Pakistan",
    "Panama",
    "Sierra Leone",
    "Slovenia",
    "Somalia",
    "Hungary",
    "Israel",
    "Nicaragua",
    "Sudan",
    "Mali",
    "Niger",
    "Burkina Faso",
    "Eritrea",
    "Germany",
    "Japan",
    "India",
    "Brazil",
    "Switzerland",
    "Ecuador",
    "Malta",
    "Mozambique",
    "Gabon",
    "Ghana",
    "United Arab Emirates",
    "UAE",
    "Albania",
    "Norway",
    "Ireland",
    "Mexico",
    "Canada",
    "Italy",
    "Spain",
    "Poland",
    "South Africa",
    "Saudi Arabia",
    "Egypt",
    "Cuba",
    "Argentina",
    "Australia",
    "Indonesia",
    "Kenya",
    "Nigeria",
    "Ethiopia",
    "Burundi",
    "Central African Republic",
    "Equatorial Guinea",
    "Haiti",
    "Marshall Islands",
    "Palau",
    "Belgium",
    "Netherlands",
    "Austria",
    "Sweden",
    "Finland",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Romania",
    "Bulgaria",
    "Serbia",
    "Georgia",
    "Armenia",
    "Azerbaijan",
    "Kazakhstan",
    "Qatar",
    "Kuwait",
    "Jordan",
    "Lebanon",
    "Iraq",
    "Afghanistan",
    "Bangladesh",
    "Sri Lanka",
    "Thailand",
    "Malaysia",
    "Singapore",
    "Philippines",
    "New Zealand",
    "Chile",
    "Colombia",
    "Peru",
    "Uruguay",
    "Paraguay",
    "Guatemala",
    "Honduras",
    "El Salvador",
    "Costa Rica",
    "Morocco",
    "Tunisia",
    "Libya",
    "Senegal",
    "Cameroon",
    "Angola",
    "Zimbabwe",
    "Zambia",
    "Uganda",
    "Rwanda",
    "Namibia",
    "Botswana",
    "Madagascar",
    "Mongolia",
    "Myanmar",
    "Cambodia",
    "Nepal",
    "Bhutan",
    "Maldives",
    "Portugal",
    "Luxembourg",
    "Iceland",
    "Cyprus",
    "Croatia",
    "Bosnia and Herzegovina",
    "Montenegro",
    "North Macedonia",
    "Slovakia",
    "Liechtenstein",
    "Monaco",
    "San Marino",
    "Andorra",
];

fn name_alternation() -> String {
    let mut names: Vec<&str> = NAMES.to_vec();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
        .iter()
        .map(|n| {
            let esc = regex::escape(n).replace('\'', "['’]");
            if n.ends_with(|c: char| c.is_alphanumeric()) {
                format!(r"{esc}(?-u:\b)")
            } else {
                esc
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

static LIST: LazyLock<String> = LazyLock::new(|| {
    let m = format!(r"(?:[Tt]he\s+)?(?:{})", name_alternation());
    format!(r"(?-u:\b){m}(?:\s*,\s*{m})*(?:\s*,?\s*(?:and|&)\s+{m})?")
});

/// A pattern whose `{list}` stands for a written list of member names.
fn with_list(pattern: &str) -> Regex {
    regex(&pattern.replace("{list}", &LIST))
}

static MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?-u:\b)(?:[Tt]he\s+)?(?:{})",
        name_alternation()
    ))
});

static VOTED: LazyLock<Regex> = LazyLock::new(|| {
    with_list(
        r"(?P<who>{list})(?:\s*,\s*(?:which|who)\s+[^,;.“”\x22]{1,80},)?\s+(?:(?:also|both|all|each|then|too|later|had|have)\s+)?(?:voted\s+(?P<how>against|in\s+favou?r|for|no|yes|to\s+abstain)|(?P<abst>abstained)|(?P<veto>vetoed|cast\s+(?:a|its|their)\s+veto)|cast\s+(?:a\s+|their\s+|its\s+)?(?P<cast>negative|no|yes|affirmative)\s+votes?)(?-u:\b)",
    )
});

static JOINED: LazyLock<Regex> = LazyLock::new(|| {
    with_list(
        r"(?P<who>{list})\s+joined\s+(?P<with>{list})\s+in\s+(?:voting\s+(?P<how>against|no|in\s+favou?r|for|yes)|(?P<opp>opposing)|(?P<abst>abstaining)|(?P<sup>supporting|backing))",
    )
});

static WITH_VOTING: LazyLock<Regex> = LazyLock::new(|| {
    with_list(
        r"(?-u:\b)(?:with|while)\s+(?P<who>{list})\s+(?:voting\s+(?P<how>against|no|in\s+favou?r|for|yes)|(?P<abst>abstaining))",
    )
});

static AMONG: LazyLock<Regex> = LazyLock::new(|| {
    with_list(
        r"(?P<who>{list})\s+(?:was|were)\s+among\s+(?:the\s+)?(?:\d{1,3}\s+)?(?:those|countries|members|states|nations)\s+(?:that\s+|which\s+|who\s+)?(?:voted|voting)\s+(?P<how>against|in\s+favou?r|for|to\s+abstain)",
    )
});

static POSSESSIVE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?P<who>(?-u:\b)(?:[Tt]he\s+)?(?:{}))(?:['’]s)?\s+[‘'\x22“]?(?P<how>No|Yes|no|yes)[’'\x22”]?\s+votes?(?-u:\b)",
        name_alternation()
    ))
});

static PAREN_LIST: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?:{num}\s+)?(?:votes?\s+)?(?P<how>in\s+favou?r|against|abstentions?|abstaining|abstained|no\s+votes|votes\s+against)\s*\((?P<list>[^()]{{1,600}})\)",
        num = crate::intake::reported::NUM
    ))
});

static COLON_LIST: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?m)^[ \t]*(?P<how>In\s+favou?r|Against|Abstaining|Abstentions|Abstained|Absent|Did\s+not\s+vote|Not\s+voting)\s*:\s*(?P<list>[^\n]{1,4000})",
    )
});

fn vote_word(w: &str) -> Option<Vote> {
    let w = crate::model::value::collapse(w).to_lowercase();
    let w = w.trim_end_matches(" of");
    match w {
        "negative" | "no votes" | "votes against" | "opposing" | "vetoed" | "cast a veto"
        | "cast its veto" | "cast their veto" => Some(Vote::No),
        "affirmative" | "supporting" | "backing" => Some(Vote::Yes),
        "to abstain" | "abstentions" => Some(Vote::Abstain),
        "did not vote" | "not voting" => Some(Vote::Absent),
        other => Vote::parse(other),
    }
}

fn push(
    doc: &Doc,
    out: &mut Vec<Found>,
    name: &str,
    vote: Vote,
    span: (usize, usize),
    confidence: f32,
) {
    let cleaned = name.trim().trim_end_matches([',', ';']);
    let cleaned = cleaned
        .strip_prefix("the ")
        .or_else(|| cleaned.strip_prefix("The "))
        .unwrap_or(cleaned);
    // "U.K." loses its stop at the end of a list; the alias table knows it with the stop.
    let with_stop = format!("{cleaned}.");
    let member = match normalise_member(&with_stop) {
        m if m != with_stop => m,
        _ => normalise_member(cleaned),
    };
    if member.is_empty() {
        return;
    }
    let mut f = Found::new(format!("vote:{member}"), Value::Vote(vote), span);
    f.body = super::subjects::body_named(doc.sentence_text(span.0));
    f.confidence = confidence;
    out.push(f);
}

/// The vote of the first of `groups` that matched.
fn vote_in(c: &Captures, groups: &[&str]) -> Option<Vote> {
    let how = groups.iter().find_map(|k| c.name(k))?;
    vote_word(how.as_str())
}

/// Pushes each member named in `list`, as said in `whole`.
fn push_members(doc: &Doc, out: &mut Vec<Found>, list: Match, vote: Vote, whole: Match, conf: f32) {
    for (s, e) in members_in(doc.text, list.start(), list.end()) {
        let span = (whole.start(), whole.end());
        push(doc, out, &doc.text[s..e], vote, span, conf);
    }
}

/// Every member named in a list match, each with its own span.
fn members_in(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    MEMBER
        .find_iter(&text[start..end])
        .map(|m| (start + m.start(), start + m.end()))
        .collect()
}

/// Items of a written list ("Algeria, China and Pakistan"), with their spans; only items that
/// look like names (a capital first, not too long).
fn list_items(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let list = &text[start..end];
    let mut item_start = 0;
    let mut push_item = |s: usize, e: usize| {
        let raw = &list[s..e];
        let lead = raw.len() - raw.trim_start().len();
        let mut item = raw.trim();
        let mut offset = s + lead;
        for prefix in ["and ", "including ", "among them ", "notably "] {
            if let Some(rest) = item.strip_prefix(prefix) {
                offset += prefix.len();
                item = rest.trim_start();
            }
        }
        let item = item.trim_end_matches(['.', ';', ',']);
        if item.is_empty() || item.len() > 60 || item.split_whitespace().count() > 7 {
            return;
        }
        let first = item.chars().next().unwrap_or(' ');
        let starts_the = item.starts_with("the ");
        if !(first.is_uppercase() || starts_the) || item.chars().any(|c| c.is_ascii_digit()) {
            return;
        }
        out.push((start + offset, start + offset + item.len()));
    };
    let bytes = list.as_bytes();
    let mut i = 0;
    while i < list.len() {
        if bytes[i] == b',' || bytes[i] == b';' {
            push_item(item_start, i);
            item_start = i + 1;
        } else if bytes[i..].starts_with(b" and ") && !list[item_start..i].trim().is_empty() {
            // Compared as bytes: `i` walks bytes and may sit inside a character ('’');
            // " and " is ASCII, so where it matches, `i` is a character boundary.
            // "Bosnia and Herzegovina" and "Antigua and Barbuda" stay whole.
            let before = list[item_start..i].trim();
            let joined_name = NAMES
                .iter()
                .any(|n| n.contains(" and ") && list[item_start..].trim_start().starts_with(n))
                || before == "Antigua"
                || before == "Trinidad"
                || before == "Saint Kitts"
                || before == "Sao Tome";
            if !joined_name {
                push_item(item_start, i);
                item_start = i + 1;
            }
        }
        i += 1;
    }
    push_item(item_start, list.len());
    out
}

pub(crate) fn find(doc: &Doc, out: &mut Vec<Found>) {
    let text = doc.text;
    for (re, conf) in [(&*VOTED, 0.85f32), (&*WITH_VOTING, 0.8), (&*AMONG, 0.8)] {
        for c in re.captures_iter(text) {
            let (Some(whole), Some(who)) = (c.get(0), c.name("who")) else {
                continue;
            };
            let Some(vote) = vote_in(&c, &["how", "abst", "veto", "cast"]) else {
                continue;
            };
            push_members(doc, out, who, vote, whole, conf);
        }
    }
    for c in JOINED.captures_iter(text) {
        let (Some(whole), Some(who), Some(with)) = (c.get(0), c.name("who"), c.name("with")) else {
            continue;
        };
        let Some(vote) = vote_in(&c, &["how", "opp", "abst", "sup"]) else {
            continue;
        };
        for list in [who, with] {
            push_members(doc, out, list, vote, whole, 0.85);
        }
    }
    for c in POSSESSIVE.captures_iter(text) {
        let (Some(whole), Some(who), Some(how)) = (c.get(0), c.name("who"), c.name("how")) else {
            continue;
        };
        if let Some(vote) = vote_word(how.as_str()) {
            push(
                doc,
                out,
                who.as_str(),
                vote,
                (whole.start(), whole.end()),
                0.7,
            );
        }
    }
    for re in [&*PAREN_LIST, &*COLON_LIST] {
        for c in re.captures_iter(text) {
            let (Some(how), Some(list)) = (c.name("how"), c.name("list")) else {
                continue;
            };
            let Some(vote) = vote_word(how.as_str()) else {
                continue;
            };
            for (s, e) in list_items(text, list.start(), list.end()) {
                push(doc, out, &text[s..e], vote, (s, e), 0.9);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{extract, ExtractOptions};

    fn votes(text: &str) -> Vec<(String, String)> {
        let opts = ExtractOptions {
            default_subject: Some("X".into()),
            ..Default::default()
        };
        let mut v: Vec<_> = extract(text, &opts)
            .into_iter()
            .filter(|c| c.predicate.starts_with("vote:"))
            .map(|c| (c.predicate, c.value.as_str().unwrap_or("").to_string()))
            .collect();
        v.sort();
        v
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = p
            .iter()
            .map(|(a, b)| (format!("vote:{a}"), b.to_string()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_veto_cast_and_an_aside_before_the_verb() {
        assert_eq!(
            votes("The draft was not adopted after France cast a veto."),
            pairs(&[("France", "no")])
        );
        // The aside's own vote ("had abstained") is another text's; the main verb is this one.
        assert_eq!(
            votes("Brazil, which had abstained in June, voted in favour on Friday."),
            pairs(&[("Brazil", "yes")])
        );
    }

    #[test]
    fn sentences_naming_votes() {
        assert_eq!(
            votes("The US voted against the text."),
            pairs(&[("United States", "no")])
        );
        assert_eq!(
            votes("The United States joined Russia in voting against a resolution."),
            pairs(&[("United States", "no"), ("Russian Federation", "no")])
        );
        assert_eq!(
            votes("Russia, China and the U.K. abstained."),
            pairs(&[
                ("Russian Federation", "abstain"),
                ("China", "abstain"),
                ("United Kingdom", "abstain")
            ])
        );
        assert_eq!(
            votes("The US ‘No’ vote was a surprise."),
            pairs(&[("United States", "no")])
        );
        assert_eq!(
            votes("It passed, with France and Britain voting in favour."),
            pairs(&[("France", "yes"), ("United Kingdom", "yes")])
        );
    }

    #[test]
    fn lists() {
        assert_eq!(
            votes("It received 13 votes in favour, with 2 abstentions (United Kingdom and Switzerland)."),
            pairs(&[("United Kingdom", "abstain"), ("Switzerland", "abstain")])
        );
        assert_eq!(
            votes("Against: Belarus, Democratic People's Republic of Korea, Bosnia and Herzegovina.\nAbstaining: Freedonia."),
            pairs(&[
                ("Belarus", "no"),
                ("Democratic People's Republic of Korea", "no"),
                ("Bosnia and Herzegovina", "no"),
                ("Freedonia", "abstain")
            ])
        );
    }

    /// Found by the `extract` fuzz target: a typographic apostrophe inside a member list put the
    /// list scan's byte index inside a character, and slicing there panicked.
    #[test]
    fn a_list_with_typographic_marks_does_not_panic() {
        let v = votes(
            "Against: Belarus, Democratic People's Republic of Ko\u{2019}rea, Eritrea, Mali.",
        );
        assert!(
            v.contains(&("vote:Belarus".to_string(), "no".to_string())),
            "{v:?}"
        );
        assert!(
            v.contains(&("vote:Eritrea".to_string(), "no".to_string())),
            "{v:?}"
        );
    }

    #[test]
    fn words_that_are_not_votes() {
        assert!(
            votes("Asked about us, the envoy voted for lunch in Ukraine's capital.").is_empty()
        );
        assert!(votes("The US-drafted text (the path to peace) was discussed.").is_empty());
    }
}
