//! Dismiss: the desk looked at a flag and decided it needs no action (a known disagreement, a
//! primary source that is not in the ledger yet), and says why. The dismissal is an event naming
//! the flag's stable id ([`crate::flags::FlagId`]); `flags` hides the flag from then on. The id covers the
//! claims involved, so when they change (a correction is a new claim) the flag is a new one and
//! shows again.
//!
//! A dismissal is checked against the flags the ledger raises before the append: an id no flag
//! has is refused with the closest ids, and a flag already dismissed is refused (the same
//! reason again is a no-op). The same checks hold for `{"type":"dismissal",…}` import lines.

use super::add::{append_line, line_record, Line};
use super::group::Prepared;
use super::import::{AppendReport, Durability, ImportError};
use crate::error::Result;
use crate::flags::{all_flags, closest_ids, Flag};
use crate::intake::import::Problem;
use crate::ledger::{Draft, Stamp};
use crate::model::event::EventBody;
use crate::projection;
use crate::Ledger;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What to dismiss, and why.
#[derive(Debug, Clone)]
pub struct DismissInput<'a> {
    /// The name problems are reported under (the CLI says `<arguments>`).
    pub label: &'a str,
    /// The flag's stable id, as `flags` shows it (case and surrounding spaces do not matter).
    pub flag: &'a str,
    /// Why the desk dismisses it.
    pub reason: &'a str,
    /// Whether the append is synced before returning.
    pub durability: Durability,
}

/// What a dismissal did: the append, and the flag dismissed (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct DismissReport {
    /// The append (`appended` is 0 when the flag was already dismissed for the same reason).
    #[serde(flatten)]
    pub append: AppendReport,
    /// The flag dismissed.
    pub flag: Flag,
    /// The reason recorded.
    pub reason: String,
}

/// Dismisses a flag of the ledger as it is now, checked as an import line
/// `{"type":"dismissal",…}` is.
pub fn dismiss(
    ledger: &mut Ledger,
    input: DismissInput<'_>,
    stamp: &Stamp,
) -> std::result::Result<DismissReport, ImportError> {
    let id = input.flag.trim().to_ascii_lowercase();
    let line = Line::Dismissal {
        flag: &id,
        reason: input.reason,
    };
    let append = append_line(
        ledger,
        input.label,
        Path::new("."),
        &line,
        stamp,
        input.durability,
    )?;
    // The append checked that the flag exists; a dismissal does not change the flags.
    let flag = all_flags(&ledger.tables(), ledger)?
        .into_iter()
        .find(|f| f.id().as_str() == id)
        .ok_or_else(|| ImportError::Invalid {
            label: input.label.to_string(),
            message: format!("flag '{id}' vanished during its dismissal"),
        })?;
    Ok(DismissReport {
        append,
        flag,
        reason: input.reason.to_string(),
    })
}

/// [`dismiss`]'s checks on the input without the append: a request for the desk server's group
/// commit ([`super::group`]), whose plan checks the flag against the ledger as an import's does
/// (an unknown id names the closest; a flag already dismissed is refused).
pub fn prepare(label: &str, flag: &str, reason: &str) -> Result<Prepared, ImportError> {
    let id = flag.trim().to_ascii_lowercase();
    let line = Line::Dismissal { flag: &id, reason };
    let record = line_record(label, Path::new("."), &line)?;
    Ok(Prepared {
        label: label.to_string(),
        records: vec![(0, record)],
    })
}

/// Checks the dismissals among planned appends against the flags the ledger raises now: unknown
/// ids and flags already dismissed (in the ledger or earlier in the input) are problems; a
/// repeat with the same reason is dropped from `appends` and counted in `unchanged`. The flags
/// are computed only when there is a dismissal.
pub(crate) fn check_dismissals(
    ledger: &Ledger,
    appends: &mut Vec<(usize, Draft)>,
    unchanged: &mut usize,
) -> Result<Vec<Problem>> {
    if !appends
        .iter()
        .any(|(_, d)| matches!(d.body, EventBody::FlagDismissed(_)))
    {
        return Ok(Vec::new());
    }
    let t = ledger.tables();
    let ids: Vec<String> = all_flags(&t, ledger)?
        .iter()
        .map(|f| f.id().as_str().to_string())
        .collect();
    let mut problems = Vec::new();
    // Dismissals earlier in this input: flag → (line, reason).
    let mut earlier: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut kept = Vec::with_capacity(appends.len());
    for (line, draft) in appends.drain(..) {
        let EventBody::FlagDismissed(d) = &draft.body else {
            kept.push((line, draft));
            continue;
        };
        if !ids.contains(&d.flag) {
            let closest = closest_ids(&d.flag, ids.iter().map(String::as_str), 3);
            let hint = if closest.is_empty() {
                "the ledger raises no flags".to_string()
            } else {
                format!(
                    "did you mean {}? (`factledger flags --dismissed` lists every id)",
                    quoted(&closest)
                )
            };
            problems.push(Problem {
                line,
                message: format!("no flag with id '{}' in the ledger; {hint}", d.flag),
            });
            continue;
        }
        let before = match earlier.get(&d.flag) {
            Some((l, reason)) => Some((format!("line {l}"), reason.clone())),
            None => {
                projection::dismissal(&t, &d.flag)?.map(|s| (format!("seq {}", s.seq), s.reason))
            }
        };
        match before {
            Some((_, reason)) if reason == d.reason => {
                *unchanged += 1;
                continue;
            }
            Some((place, reason)) => {
                problems.push(Problem {
                    line,
                    message: format!(
                        "flag '{}' was already dismissed at {place}: {reason}",
                        d.flag
                    ),
                });
                continue;
            }
            None => {}
        }
        earlier.insert(d.flag.clone(), (line, d.reason.clone()));
        kept.push((line, draft));
    }
    *appends = kept;
    Ok(problems)
}

/// `'a', 'b' or 'c'`.
fn quoted(ids: &[String]) -> String {
    let q: Vec<String> = ids.iter().map(|i| format!("'{i}'")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => q.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::{import, ledger, stamp, SOURCE};

    const TWO_DATES: &str = r#"{"type":"claim","id":"a","source":"s1","subject":"S","predicate":"date","value":"2025-02-24"}
{"type":"claim","id":"b","source":"s1","subject":"S","predicate":"date","value":"2025-02-25"}"#;

    fn input<'a>(flag: &'a str, reason: &'a str) -> DismissInput<'a> {
        DismissInput {
            label: "<arguments>",
            flag,
            reason,
            durability: Durability::Synced,
        }
    }

    #[test]
    fn a_flag_is_dismissed_once_and_an_unknown_id_names_the_closest() {
        let (_dir, mut ledger) = ledger();
        import(&mut ledger, &format!("{SOURCE}\n{TWO_DATES}\n")).unwrap();
        let flag = all_flags(&ledger.tables(), &ledger).unwrap()[0].clone();
        let id = flag.id().as_str().to_string();
        let report = dismiss(&mut ledger, input(&id.to_uppercase(), "known"), &stamp()).unwrap();
        assert_eq!(report.append.appended, 1);
        assert_eq!(report.flag, flag);
        let state = projection::dismissal(&ledger.tables(), &id)
            .unwrap()
            .unwrap();
        assert_eq!((state.seq, state.reason.as_str()), (4, "known"));
        // The same reason again is a no-op; another reason is refused.
        let again = dismiss(&mut ledger, input(&id, "known"), &stamp()).unwrap();
        assert_eq!((again.append.appended, again.append.unchanged), (0, 1));
        match dismiss(&mut ledger, input(&id, "other"), &stamp()) {
            Err(ImportError::Refused { problems, .. }) => {
                assert!(problems[0]
                    .message
                    .contains("already dismissed at seq 4: known"))
            }
            other => panic!("{other:?}"),
        }
        let mut typo = id.clone();
        typo.replace_range(15.., if id.ends_with('0') { "1" } else { "0" });
        match dismiss(&mut ledger, input(&typo, "x"), &stamp()) {
            Err(ImportError::Refused { problems, .. }) => {
                assert!(
                    problems[0]
                        .message
                        .contains(&format!("did you mean '{id}'")),
                    "{}",
                    problems[0].message
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(ledger.head().seq, 4);
    }
}
