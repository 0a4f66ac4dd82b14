//! `conflicting-values`: live claims on one subject and predicate that cannot both be true.

use super::{ids, sorted, Flag, FlagCode, LiveClaim};
use crate::model::value::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One flag per predicate whose claims disagree pairwise, naming every claim in a disagreeing
/// pair. Quotes are skipped: two different quotes from one speech are both true.
pub(super) fn conflicting_values(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
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
            FlagCode::ConflictingValues,
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
        Value::Text(s) | Value::Number(s) => format!("text:{}", crate::model::value::text_key(s)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::testing::{claim, codes_and_claims, ga, sc};
    use serde_json::json;

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
}
