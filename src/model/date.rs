//! Calendar dates as reporters write them.
//!
//! Articles say "Monday, February 25, 2025"; UN records say "24 February 2025"; data files say
//! "2025-02-24". We accept all of these, keep the weekday exactly as it was stated (a weekday the
//! calendar contradicts is a finding for the rules, not an input error), and refuse dates that do
//! not exist.

use bincode::{Decode, Encode};
use chrono::{Datelike, NaiveDate, Weekday};

/// A calendar date together with how it was written.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct StatedDate {
    /// Proleptic Gregorian year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31 (always a real day of that month).
    pub day: u8,
    /// The weekday the writer gave, 0 = Monday … 6 = Sunday; `None` when no weekday was stated.
    pub stated_weekday: Option<u8>,
    /// The text as written, whitespace-collapsed, for messages a fact-checker can match to the page.
    pub as_written: String,
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The text does not follow any accepted form.
    #[error("'{0}' is not a date in an accepted form (2025-02-24, 24 February 2025, February 24, 2025, Feb 24, 2025, optionally after a weekday)")]
    Unrecognised(String),
    /// The form is right but the day does not exist in that month.
    #[error("'{0}' is not a real calendar date")]
    Impossible(String),
}

/// English month names, January first: the one list for parsing (case-insensitively, or by their
/// first three letters) and for messages.
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

/// English name of a month (1 = January); out-of-range months are clamped, so a record decoded
/// from a damaged store still prints.
pub fn month_name(month: u8) -> &'static str {
    MONTH_NAMES[usize::from(month.clamp(1, 12) - 1)]
}

/// Proleptic Gregorian leap year.
pub(crate) fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// English weekday names, Monday first (chrono's and ISO 8601's order).
const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// English name of a weekday index (0 = Monday).
pub fn weekday_name(index: u8) -> &'static str {
    WEEKDAY_NAMES[usize::from(index % 7)]
}

/// `name` starts with `prefix`, ignoring ASCII case.
fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.is_char_boundary(prefix.len())
        && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn month_index(token: &str) -> Option<u8> {
    let t = token.trim_end_matches('.').to_ascii_lowercase();
    if t.len() < 3 {
        return None;
    }
    if t == "sept" {
        return Some(9);
    }
    MONTH_NAMES
        .iter()
        .position(|m| {
            m.eq_ignore_ascii_case(&t) || (t.len() == 3 && starts_with_ignore_case(m, &t))
        })
        .map(|i| i as u8 + 1)
}

fn weekday_index(token: &str) -> Option<u8> {
    let t = token.trim_end_matches('.').to_ascii_lowercase();
    if t.len() < 3 {
        return None;
    }
    let short = matches!(t.as_str(), "tues" | "wed" | "thur" | "thurs");
    WEEKDAY_NAMES
        .iter()
        .position(|w| {
            w.eq_ignore_ascii_case(&t)
                || ((t.len() == 3 || short) && starts_with_ignore_case(w, &t))
        })
        .map(|i| i as u8)
}

fn day_number(token: &str) -> Option<u8> {
    let t = token.to_ascii_lowercase();
    let digits = t
        .strip_suffix("st")
        .or_else(|| t.strip_suffix("nd"))
        .or_else(|| t.strip_suffix("rd"))
        .or_else(|| t.strip_suffix("th"))
        .unwrap_or(&t);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn year_number(token: &str) -> Option<i32> {
    if token.len() != 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

fn iso(token: &str) -> Option<(i32, u8, u8)> {
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return None;
    }
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some((
        parts[0].parse().ok()?,
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    ))
}

impl StatedDate {
    /// Reads a date in any accepted form. See `docs/import-format.md` for the list.
    pub fn parse(input: &str) -> Result<StatedDate, DateError> {
        let as_written = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let unrecognised = || DateError::Unrecognised(as_written.clone());
        if as_written.is_empty() || as_written.len() > 64 {
            return Err(unrecognised());
        }
        let tokens: Vec<&str> = as_written
            .split([' ', ','])
            .filter(|t| !t.is_empty())
            .collect();
        let (stated_weekday, rest) = match tokens.first().and_then(|t| weekday_index(t)) {
            Some(w) => (Some(w), &tokens[1..]),
            None => (None, &tokens[..]),
        };
        let (year, month, day) = match rest {
            [one] => iso(one).ok_or_else(unrecognised)?,
            [a, b, c] => {
                let year = year_number(c).ok_or_else(unrecognised)?;
                if let (Some(d), Some(m)) = (day_number(a), month_index(b)) {
                    (year, m, d)
                } else if let (Some(m), Some(d)) = (month_index(a), day_number(b)) {
                    (year, m, d)
                } else {
                    return Err(unrecognised());
                }
            }
            _ => return Err(unrecognised()),
        };
        if NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day)).is_none() {
            return Err(DateError::Impossible(as_written));
        }
        Ok(StatedDate {
            year,
            month,
            day,
            stated_weekday,
            as_written,
        })
    }

    /// The date as chrono sees it. Construction guarantees it exists; a record decoded from a
    /// corrupt store could still hold nonsense, hence the `Option`.
    pub fn naive(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.month), u32::from(self.day))
    }

    /// ISO 8601 form, `2025-02-24`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The weekday the calendar gives for this date (0 = Monday).
    pub(crate) fn actual_weekday(&self) -> Option<u8> {
        self.naive()
            .map(|d| d.weekday().num_days_from_monday() as u8)
    }

    /// True when a weekday was stated and the calendar disagrees with it.
    pub fn weekday_contradicted(&self) -> bool {
        matches!((self.stated_weekday, self.actual_weekday()), (Some(s), Some(a)) if s != a)
    }

    /// Two stated dates name the same day (however they were written).
    pub fn same_day(&self, other: &StatedDate) -> bool {
        (self.year, self.month, self.day) == (other.year, other.month, other.day)
    }

    /// Human form used in messages: `25 February 2025`.
    pub fn long(&self) -> String {
        format!("{} {} {:04}", self.day, month_name(self.month), self.year)
    }
}

/// Weekday as an index, for callers that hold a chrono date.
pub fn weekday_of(date: NaiveDate) -> u8 {
    let w: Weekday = date.weekday();
    w.num_days_from_monday() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> (i32, u8, u8, Option<u8>) {
        let d = StatedDate::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (d.year, d.month, d.day, d.stated_weekday)
    }

    #[test]
    fn iso_form() {
        assert_eq!(ymd("2025-02-24"), (2025, 2, 24, None));
    }

    #[test]
    fn day_month_year() {
        assert_eq!(ymd("24 February 2025"), (2025, 2, 24, None));
        assert_eq!(ymd("24th February, 2025"), (2025, 2, 24, None));
    }

    #[test]
    fn month_day_year() {
        assert_eq!(ymd("February 24, 2025"), (2025, 2, 24, None));
        assert_eq!(ymd("Feb 24, 2025"), (2025, 2, 24, None));
        assert_eq!(ymd("Feb. 24, 2025"), (2025, 2, 24, None));
        assert_eq!(ymd("sept 1, 2025"), (2025, 9, 1, None));
    }

    #[test]
    fn abbreviated_weekday_prefix() {
        assert_eq!(ymd("Mon 24 Feb 2025"), (2025, 2, 24, Some(0)));
        assert_eq!(ymd("Mon, 24 Feb 2025"), (2025, 2, 24, Some(0)));
    }

    #[test]
    fn weekday_prefix_full() {
        assert_eq!(ymd("Monday 24 February 2025"), (2025, 2, 24, Some(0)));
        assert_eq!(ymd("Monday, February 24, 2025"), (2025, 2, 24, Some(0)));
    }

    #[test]
    fn wrong_weekday_is_kept_as_stated() {
        let d = StatedDate::parse("Monday, February 25, 2025").unwrap();
        assert_eq!((d.month, d.day, d.stated_weekday), (2, 25, Some(0)));
        assert_eq!(
            d.actual_weekday(),
            Some(1),
            "25 February 2025 was a Tuesday"
        );
        assert!(d.weekday_contradicted());
        assert_eq!(d.as_written, "Monday, February 25, 2025");
    }

    #[test]
    fn right_weekday_is_not_contradicted() {
        let d = StatedDate::parse("Monday, February 24, 2025").unwrap();
        assert!(!d.weekday_contradicted());
        assert!(!StatedDate::parse("2025-02-25")
            .unwrap()
            .weekday_contradicted());
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(matches!(
            StatedDate::parse("2025-02-30"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            StatedDate::parse("29 February 2025"),
            Err(DateError::Impossible(_))
        ));
        assert!(StatedDate::parse("29 February 2024").is_ok());
        assert!(matches!(
            StatedDate::parse("2025-13-01"),
            Err(DateError::Impossible(_))
        ));
    }

    #[test]
    fn nonsense_is_unrecognised() {
        for s in [
            "",
            "yesterday",
            "24/02/2025",
            "February 2025",
            "Monday",
            "24 Foo 2025",
            "2025-2-4",
        ] {
            assert!(
                matches!(StatedDate::parse(s), Err(DateError::Unrecognised(_))),
                "{s:?} should be unrecognised"
            );
        }
    }

    #[test]
    fn long_form_for_messages() {
        assert_eq!(
            StatedDate::parse("2025-02-25").unwrap().long(),
            "25 February 2025"
        );
    }

    #[test]
    fn month_names_parse_in_any_case_and_print_capitalised() {
        for m in 1..=12u8 {
            let name = month_name(m);
            assert_eq!(month_index(name), Some(m), "{name}");
            assert_eq!(month_index(&name.to_uppercase()), Some(m), "{name}");
            assert_eq!(month_index(&name[..3].to_lowercase()), Some(m), "{name}");
        }
        assert_eq!(month_name(1), "January");
        assert_eq!(month_name(12), "December");
        // Damaged records clamp rather than panic.
        assert_eq!(month_name(0), "January");
        assert_eq!(month_name(13), "December");
    }

    #[test]
    fn weekday_names_parse_in_any_case() {
        for w in 0..7u8 {
            let name = weekday_name(w);
            assert_eq!(weekday_index(name), Some(w), "{name}");
            assert_eq!(weekday_index(&name.to_lowercase()), Some(w), "{name}");
            assert_eq!(weekday_index(&name[..3].to_uppercase()), Some(w), "{name}");
        }
        assert_eq!(weekday_index("Thurs."), Some(3));
        assert_eq!(weekday_index("Mond"), None);
    }

    #[test]
    fn gregorian_leap_years() {
        assert!(is_leap(2024));
        assert!(is_leap(2000));
        assert!(!is_leap(1900));
        assert!(!is_leap(2025));
        assert!(is_leap(0));
    }
}
