//! Stable flag ids: a flag is named by what it is about — its code, subject and the claims
//! involved — so the same flag has the same id in every run, and a dismissal made against it
//! lapses once those claims change (a correction is a new claim id, so a new flag id).

use super::Flag;
use std::fmt;

/// Domain separation for flag ids (version 1 of the id).
const CONTEXT: &[u8] = b"factledger flag id v1";

/// A flag's stable id: 16 lowercase hex characters, the first 8 bytes of a BLAKE3 hash over the
/// code, the subject and the sorted claim ids involved (for the citation flags, which involve no
/// claim, the sorted source ids instead).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlagId(String);

impl FlagId {
    /// The id of `flag`.
    pub fn of(flag: &Flag) -> FlagId {
        let mut h = blake3::Hasher::new();
        let mut part = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        part(CONTEXT);
        part(flag.code.as_str().as_bytes());
        part(flag.subject.as_bytes());
        let mut involved: Vec<&String> = if flag.claims.is_empty() {
            flag.sources.iter().collect()
        } else {
            flag.claims.iter().collect()
        };
        involved.sort();
        involved.dedup();
        for id in involved {
            part(id.as_bytes());
        }
        let hash = h.finalize();
        FlagId(
            hash.as_bytes()[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        )
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FlagId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl serde::Serialize for FlagId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Up to `n` of `known` closest to `given`, for a "did you mean" answer: ids sharing the
/// longest prefix first, then by edit distance, then in order.
pub fn closest_ids<'a>(
    given: &str,
    known: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let given = given.trim().to_ascii_lowercase();
    let mut scored: Vec<(std::cmp::Reverse<usize>, usize, &str)> = known
        .into_iter()
        .map(|k| {
            let prefix = k
                .bytes()
                .zip(given.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            (std::cmp::Reverse(prefix), edit_distance(&given, k), k)
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, k)| k.to_string())
        .collect()
}

/// Levenshtein distance over bytes (ids are ASCII hex).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::FlagCode;

    fn flag(code: FlagCode, subject: &str, claims: &[&str], message: &str) -> Flag {
        Flag {
            code,
            subject: subject.into(),
            predicate: "date".into(),
            claims: claims.iter().map(|c| c.to_string()).collect(),
            sources: vec!["s".into()],
            message: message.into(),
            withdrawn_sources: Vec::new(),
        }
    }

    #[test]
    fn the_id_is_16_hex_and_depends_on_code_subject_and_claims_only() {
        let a = FlagId::of(&flag(FlagCode::ConflictingValues, "S", &["a", "b"], "one"));
        assert_eq!(a.as_str().len(), 16);
        assert!(a
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        // The message and the order of the claims do not matter.
        assert_eq!(
            a,
            FlagId::of(&flag(FlagCode::ConflictingValues, "S", &["b", "a"], "two"))
        );
        // The code, the subject and the claims do.
        assert_ne!(
            a,
            FlagId::of(&flag(FlagCode::WeekdayMismatch, "S", &["a", "b"], "one"))
        );
        assert_ne!(
            a,
            FlagId::of(&flag(FlagCode::ConflictingValues, "T", &["a", "b"], "one"))
        );
        assert_ne!(
            a,
            FlagId::of(&flag(FlagCode::ConflictingValues, "S", &["a", "c"], "one"))
        );
        // Parts are length-prefixed: moving a boundary changes the id.
        assert_ne!(
            FlagId::of(&flag(FlagCode::ConflictingValues, "S", &["ab"], "")),
            FlagId::of(&flag(FlagCode::ConflictingValues, "S", &["a", "b"], ""))
        );
    }

    #[test]
    fn a_flag_without_claims_is_named_by_its_sources() {
        let mut f = flag(FlagCode::DanglingCitation, "agg", &[], "m");
        f.sources = vec!["agg".into(), "missing-1".into()];
        let one = FlagId::of(&f);
        f.sources = vec!["agg".into(), "missing-2".into()];
        assert_ne!(one, FlagId::of(&f));
    }

    #[test]
    fn closest_ids_prefer_a_shared_prefix_then_few_edits() {
        let known = ["0123456789abcdef", "0123ffffffffffff", "f123456789abcdef"];
        assert_eq!(
            closest_ids("0123456789abcdee", known, 2),
            ["0123456789abcdef", "0123ffffffffffff"]
        );
        assert_eq!(closest_ids("F123", known, 1), ["f123456789abcdef"]);
        assert!(closest_ids("x", [], 3).is_empty());
    }
}
