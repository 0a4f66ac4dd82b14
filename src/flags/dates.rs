//! `weekday-mismatch` and `anniversary-mismatch`: dates the calendar contradicts. The calendar
//! itself (month and weekday names, leap years) lives in [`crate::model::date`].

use super::{sorted, Flag, FlagCode, LiveClaim};
use crate::model::date::{is_leap, month_name, weekday_name, StatedDate};
use crate::model::value::{ordinal, Value};

/// One flag per date stated with a weekday the calendar contradicts.
pub(super) fn weekday_mismatch(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
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
        flags.push(Flag::on(FlagCode::WeekdayMismatch, subject, c, [], message));
    }
    flags
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
pub(super) fn anniversary_mismatch(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
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
        let against = contradicted.iter().map(|(c, _)| *c);
        let code = FlagCode::AnniversaryMismatch;
        flags.push(Flag::on(code, subject, a, against, message));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::testing::{codes_and_claims, sc};
    use serde_json::json;

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
}
