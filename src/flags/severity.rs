//! How much a flag matters: every code has one [`Severity`] in the registry, so a desk can read
//! the contradictions first and leave the missing primary sources for later.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A flag's severity. Ordered from the most to the least severe (`Error < Warning < Info` in
/// [`Ord`], so sorting puts errors first); [`Severity::at_least`] compares by weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The record cannot all be true: values, arithmetic, vetoes, words not in their source.
    Error,
    /// Probably wrong, or the checking cannot be done: weekdays, anniversaries, citations.
    Warning,
    /// Worth knowing: a claim that reaches no primary source.
    Info,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    /// As written in output and accepted by `--min-severity` and `--fail-on`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// Whether this severity is `floor` or more severe.
    pub fn at_least(self, floor: Severity) -> bool {
        self <= floor
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Text that names no severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given}: no such severity (severities: error, warning, info)")]
pub struct UnknownSeverity {
    /// The text given.
    pub given: String,
}

impl FromStr for Severity {
    type Err = UnknownSeverity;

    /// `error`, `warning` or `info`, in any case.
    fn from_str(s: &str) -> Result<Severity, UnknownSeverity> {
        let t = s.trim();
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownSeverity {
                given: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_parse_in_any_case_and_order_most_severe_first() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>(), Ok(s));
            assert_eq!(s.as_str().to_uppercase().parse::<Severity>(), Ok(s));
        }
        assert!("fatal".parse::<Severity>().is_err());
        assert!(Severity::Error < Severity::Info);
        assert!(Severity::Error.at_least(Severity::Warning));
        assert!(Severity::Warning.at_least(Severity::Warning));
        assert!(!Severity::Info.at_least(Severity::Warning));
        assert_eq!(format!("{:<8}|", Severity::Info), "info    |");
    }
}
