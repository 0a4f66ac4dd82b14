//! Import: a JSON Lines file (`docs/import-format.md`) appended all or nothing, and the restore of
//! an exported bundle into an empty ledger.
//!
//! Every write use case (import, add, retract, authorise) ends in the same append, so the report
//! it returns, [`AppendReport`], and the way a write can be refused, [`ImportError`], live here.
//! Nothing here reads the environment, standard input or the caller's files: the caller passes
//! the bytes and the directory `text_file` paths are relative to.

use crate::intake::import::{
    parse_input, plan, plan_alongside, refused_ids, Plan, PlanError, Problem, Record,
};
use crate::intake::predicates::{check_records, Vocabulary};
use crate::integrity::bundle::{self, BundleError, BundleProblem};
use crate::ledger::{Draft, Stamp};
use crate::model::event::hex;
use crate::{Ledger, LedgerError};
use serde::Serialize;
use std::path::Path;

/// How an append reaches the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// Synced before the use case returns: what every real caller wants.
    #[default]
    Synced,
    /// Not yet synced when the use case returns; the caller acknowledges, then calls
    /// [`Ledger::sync`]. Only for the crash tests' negative control, which must be able to lose
    /// an acknowledged append to show that its checks can fail.
    Unsynced,
}

/// What to import: the bytes of a JSON Lines file and where its `text_file` paths point.
#[derive(Debug, Clone, Copy)]
pub struct ImportInput<'a> {
    /// The name problems are reported under (a file name, `<stdin>`).
    pub label: &'a str,
    /// The whole input.
    pub bytes: &'a [u8],
    /// The directory `text_file` paths are relative to and must stay under.
    pub base: &'a Path,
    /// Whether the append is synced before returning.
    pub durability: Durability,
    /// Asked once every line has been checked, just before the append: `false` cancels the
    /// import ([`ImportError::Cancelled`], nothing appended). The CLI answers from Ctrl-C.
    pub proceed: Option<fn() -> bool>,
}

/// A ledger's head as output shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadRef {
    /// Hash of the last event, hex (zeros for an empty ledger).
    pub hash: String,
    /// Seq of the last event; 0 for an empty ledger.
    pub seq: u64,
}

impl HeadRef {
    /// The ledger's current head.
    pub fn of(ledger: &Ledger) -> HeadRef {
        let head = ledger.head();
        HeadRef {
            hash: hex(&head.hash),
            seq: head.seq,
        }
    }
}

/// What an append did: the JSON of `import`, `add`, `retract` and `authors add|revoke`.
/// Fields are in alphabetical order, the order the JSON contract prints them in.
#[derive(Debug, Clone, Serialize)]
pub struct AppendReport {
    /// Events appended.
    pub appended: usize,
    /// The input's label (a file name, `<stdin>`, `<arguments>`, `authors`).
    pub file: String,
    /// The id of the record `add` appended or found unchanged (made from its source and
    /// predicate when `add claim` was given none); absent for other writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Seq of the first appended event, if any.
    pub first_seq: Option<u64>,
    /// The head after the append.
    pub head: HeadRef,
    /// Seq of the last appended event, if any.
    pub last_seq: Option<u64>,
    /// Ordinary predicates (not typed, not `vote:`) the input's claims use that the ledger had
    /// not used before, in input order; absent from the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_predicates: Vec<String>,
    /// Always true: a refused write is an [`ImportError`].
    pub ok: bool,
    /// Records already in the ledger with identical content, skipped.
    pub unchanged: usize,
    /// Set only with [`Durability::Unsynced`]: the caller must call [`Ledger::sync`] after
    /// acknowledging.
    #[serde(skip)]
    pub needs_sync: bool,
}

/// Why a write was refused. Nothing was appended in any case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Records were checked and problems found, each at its line (0 when not tied to one).
    #[error(
        "{label}: {} problem{} found; nothing was appended",
        .problems.len(),
        if .problems.len() == 1 { "" } else { "s" }
    )]
    Refused {
        /// The input's label.
        label: String,
        /// Every problem found, in line order of discovery.
        problems: Vec<Problem>,
    },
    /// A single record (given as arguments, not as a file) is not acceptable.
    #[error("{label}: {message}; nothing was appended")]
    Invalid {
        /// The input's label.
        label: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// The caller cancelled the import before the append ([`ImportInput::proceed`]).
    #[error("{label}: interrupted before anything was written; nothing was appended")]
    Cancelled {
        /// The input's label.
        label: String,
    },
    /// The ledger refused or failed the append.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Imports a JSON Lines input: parses every line, plans against the ledger and the earlier lines,
/// and appends what is new as one append. One problem anywhere and nothing is appended.
pub fn import_records(
    ledger: &mut Ledger,
    input: ImportInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, ImportError> {
    let (records, problems) = parse_input(input.bytes, input.base);
    if problems.is_empty() {
        return append_checked(
            ledger,
            input.label,
            records,
            stamp,
            input.durability,
            input.proceed,
        );
    }
    // The sound lines are still checked against the ledger and each other, so one pass reports
    // every problem: a malformed line and an unknown source on another line together.
    let refused = refused_ids(input.bytes, &problems);
    let mut problems = problems;
    problems.extend(check_predicates(ledger, &records)?.0);
    match plan_alongside(ledger, records, &refused) {
        Ok(_) => {}
        Err(PlanError::Problems(more)) => problems.extend(more),
        Err(PlanError::Ledger(e)) => return Err(ImportError::Ledger(e)),
    }
    problems.sort_by_key(|p| p.line);
    Err(ImportError::Refused {
        label: input.label.to_string(),
        problems,
    })
}

/// The claims' predicates checked against the ledger's (near misses refused): the problems, and
/// the ordinary predicates new to the ledger.
fn check_predicates(
    ledger: &Ledger,
    records: &[(usize, Record)],
) -> Result<(Vec<Problem>, Vec<String>), LedgerError> {
    // Typed predicates and votes of UN members need nothing from the ledger; any other predicate
    // is checked against every predicate the ledger uses (one pass over the subject table's keys).
    let needs_ledger = records.iter().any(|(_, r)| match r {
        Record::Claim(c) => !Vocabulary::known_without_ledger(&c.predicate),
        _ => false,
    });
    if !needs_ledger {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut vocabulary = Vocabulary::new(crate::projection::predicates(&ledger.tables())?);
    Ok(check_records(&mut vocabulary, records))
}

/// [`import_records`]'s parsing without the plan and append: a request for the desk server's
/// group commit ([`super::group`]). Every line's problem is reported, as import reports them.
pub fn prepare(input: ImportInput<'_>) -> Result<super::group::Prepared, ImportError> {
    let (records, problems) = parse_input(input.bytes, input.base);
    if !problems.is_empty() {
        return Err(ImportError::Refused {
            label: input.label.to_string(),
            problems,
        });
    }
    Ok(super::group::Prepared {
        label: input.label.to_string(),
        records,
    })
}

/// What a checked plan appends: the drafts with their lines, how many records are already in
/// the ledger, and the ordinary predicates new to it.
pub(crate) struct CheckedPlan {
    /// The drafts to append, with the line each came from.
    pub appends: Vec<(usize, Draft)>,
    /// Records the ledger already holds.
    pub unchanged: usize,
    /// Predicates no claim of the ledger used before.
    pub new_predicates: Vec<String>,
}

/// Every check an import makes before it appends — predicates (with their near misses), the
/// plan against the ledger, dismissals — with every problem at its line. The one path the CLI's
/// import and `add` and the desk server's group commit share.
pub(crate) fn plan_checked(
    ledger: &Ledger,
    records: Vec<(usize, Record)>,
) -> Result<CheckedPlan, PlanError> {
    let (mut problems, new_predicates) = check_predicates(ledger, &records)?;
    let plan = match plan(ledger, records) {
        Ok(plan) if problems.is_empty() => plan,
        Ok(_) => Plan::default(),
        Err(PlanError::Problems(more)) => {
            problems.extend(more);
            Plan::default()
        }
        Err(e) => return Err(e),
    };
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(PlanError::Problems(problems));
    }
    let mut appends = plan.appends;
    let mut unchanged = plan.unchanged.len();
    let problems = super::dismiss::check_dismissals(ledger, &mut appends, &mut unchanged)?;
    if !problems.is_empty() {
        return Err(PlanError::Problems(problems));
    }
    Ok(CheckedPlan {
        appends,
        unchanged,
        new_predicates,
    })
}

/// Plans records (with their line numbers) against the ledger and appends the new ones: the end
/// every record-shaped write shares (import, add, retract).
pub(crate) fn append_records(
    ledger: &mut Ledger,
    label: &str,
    records: Vec<(usize, Record)>,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, ImportError> {
    append_checked(ledger, label, records, stamp, durability, None)
}

/// [`append_records`], asking `proceed` (when given) once everything is checked, before the
/// append.
fn append_checked(
    ledger: &mut Ledger,
    label: &str,
    records: Vec<(usize, Record)>,
    stamp: &Stamp,
    durability: Durability,
    proceed: Option<fn() -> bool>,
) -> Result<AppendReport, ImportError> {
    let checked = match plan_checked(ledger, records) {
        Ok(checked) => checked,
        Err(PlanError::Problems(problems)) => {
            return Err(ImportError::Refused {
                label: label.to_string(),
                problems,
            })
        }
        Err(PlanError::Ledger(e)) => return Err(ImportError::Ledger(e)),
    };
    if proceed.is_some_and(|go| !go()) {
        return Err(ImportError::Cancelled {
            label: label.to_string(),
        });
    }
    let drafts = checked.appends.into_iter().map(|(_, d)| d).collect();
    let mut report = append_drafts(ledger, label, drafts, checked.unchanged, stamp, durability)?;
    report.new_predicates = checked.new_predicates;
    Ok(report)
}

/// Appends decided drafts and reports what was appended.
pub(crate) fn append_drafts(
    ledger: &mut Ledger,
    label: &str,
    drafts: Vec<Draft>,
    unchanged: usize,
    stamp: &Stamp,
    durability: Durability,
) -> Result<AppendReport, LedgerError> {
    let appended = match durability {
        Durability::Synced => ledger.append(drafts, stamp)?,
        Durability::Unsynced => ledger.append_unsynced(drafts, stamp)?,
    };
    Ok(AppendReport {
        appended: appended.len(),
        file: label.to_string(),
        first_seq: appended.first().map(|e| e.seq),
        id: None,
        head: HeadRef::of(ledger),
        last_seq: appended.last().map(|e| e.seq),
        new_predicates: Vec::new(),
        ok: true,
        unchanged,
        needs_sync: durability == Durability::Unsynced,
    })
}

/// What to restore: an exported bundle's bytes.
#[derive(Debug, Clone, Copy)]
pub struct RestoreInput<'a> {
    /// The name problems are reported under.
    pub label: &'a str,
    /// The whole bundle.
    pub bytes: &'a [u8],
    /// The restorer's clock (microseconds since the epoch): a checkpoint dated after it is
    /// refused, as `verify --bundle` refuses it. `None` skips that check.
    pub now: Option<i64>,
}

/// What a bundle restore did: the JSON of `import --bundle` (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// Events restored.
    pub appended: u64,
    /// The bundle's label.
    pub file: String,
    /// The head after the restore: the bundle's last event.
    pub head: HeadRef,
    /// Always true: a refused restore is a [`RestoreError`].
    pub ok: bool,
    /// The Merkle root the bundle's checkpoint vouches for, hex.
    pub root: String,
}

/// Why a bundle restore was refused. Nothing was imported in any case.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The bundle does not verify: its first problem, at a line (and seq for an event line).
    #[error(
        "{label}:{}{}: {}; nothing was imported",
        .problem.line,
        .problem.seq.map(|s| format!(" (seq {s})")).unwrap_or_default(),
        .problem.message
    )]
    Bundle {
        /// The bundle's label.
        label: String,
        /// The first problem found.
        problem: BundleProblem,
    },
    /// The ledger is not empty, or the bundle holds what no ledger may (checked again on entry).
    #[error(transparent)]
    Refused(bundle::ImportError),
    /// The ledger failed the restore.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<bundle::ImportError> for RestoreError {
    fn from(e: bundle::ImportError) -> RestoreError {
        match e {
            bundle::ImportError::Ledger(e) => RestoreError::Ledger(e),
            e => RestoreError::Refused(e),
        }
    }
}

/// Verifies an exported bundle and restores it into an empty ledger: same events, same hashes,
/// same Merkle root. The events keep their own authors, times and signatures.
pub fn restore_bundle(
    ledger: &mut Ledger,
    input: RestoreInput<'_>,
) -> Result<RestoreReport, RestoreError> {
    let verified = bundle::verify_at(input.bytes, input.now).map_err(|e| match e {
        BundleError::Problem(problem) => RestoreError::Bundle {
            label: input.label.to_string(),
            problem,
        },
        BundleError::Ledger(e) => RestoreError::Ledger(e),
    })?;
    let root = hex(&verified.checkpoint.root);
    let appended = bundle::import(ledger, verified)?;
    Ok(RestoreReport {
        appended,
        file: input.label.to_string(),
        head: HeadRef::of(ledger),
        ok: true,
        root,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::event::EventBody;

    /// A new ledger in a temporary directory (kept alive by the returned guard).
    pub(crate) fn ledger() -> (tempfile::TempDir, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::init(&dir.path().join("ledger")).unwrap();
        (dir, ledger)
    }

    pub(crate) fn stamp() -> Stamp {
        Stamp {
            author: "tester".into(),
            recorded_at: 1_740_000_000_000_000,
            key: None,
        }
    }

    pub(crate) fn bodies(ledger: &Ledger) -> Vec<EventBody> {
        ledger.events(1).map(|e| e.unwrap().body).collect()
    }

    pub(crate) const SOURCE: &str =
        r#"{"type":"source","id":"s1","kind":"primary","title":"Record"}"#;
    pub(crate) const CLAIM: &str = r#"{"type":"claim","id":"c1","source":"s1","subject":"S/RES/2774","predicate":"outcome","value":"adopted"}"#;

    /// Imports `text` as the JSON Lines file `in.jsonl`, synced.
    pub(crate) fn import(ledger: &mut Ledger, text: &str) -> Result<AppendReport, ImportError> {
        let input = ImportInput {
            label: "in.jsonl",
            bytes: text.as_bytes(),
            base: Path::new("."),
            durability: Durability::Synced,
            proceed: None,
        };
        import_records(ledger, input, &stamp())
    }

    #[test]
    fn import_refuses_every_problem_and_appends_nothing() {
        let (_dir, mut ledger) = ledger();
        let text = format!("{{\"type\":\"sauce\"}}\n{SOURCE}\n{CLAIM}\n{CLAIM}\nnot json\n");
        match import(&mut ledger, &text) {
            Err(ImportError::Refused { label, problems }) => {
                assert_eq!(label, "in.jsonl");
                let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
                assert_eq!(lines, vec![1, 5], "{problems:?}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(ledger.head().seq, 0);
        // Planning problems (a duplicate id) are located too, and refused as a whole.
        match import(
            &mut ledger,
            &format!(
                "{SOURCE}\n{CLAIM}\n{}\n",
                CLAIM.replace("adopted", "rejected")
            ),
        ) {
            Err(ImportError::Refused { problems, .. }) => {
                assert_eq!(problems.len(), 1);
                assert_eq!(problems[0].line, 3);
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(ledger.head().seq, 0);
    }

    #[test]
    fn import_reports_what_it_appended_and_what_was_already_there() {
        let (_dir, mut ledger) = ledger();
        let first = import(&mut ledger, &format!("{SOURCE}\n{CLAIM}\n")).unwrap();
        assert_eq!((first.appended, first.unchanged), (2, 0));
        assert_eq!((first.first_seq, first.last_seq), (Some(1), Some(2)));
        assert_eq!(first.head, HeadRef::of(&ledger));
        assert!(!first.needs_sync);
        let again = import(&mut ledger, &format!("{SOURCE}\n{CLAIM}\n")).unwrap();
        assert_eq!((again.appended, again.unchanged), (0, 2));
        assert_eq!((again.first_seq, again.last_seq), (None, None));
        assert_eq!(ledger.head().seq, 2);
    }

    #[test]
    fn append_report_json_keeps_the_documented_shape() {
        let (_dir, mut ledger) = ledger();
        let report = import(&mut ledger, SOURCE).unwrap();
        let json = serde_json::to_string(&report).unwrap();
        let expected = format!(
            r#"{{"appended":1,"file":"in.jsonl","first_seq":1,"head":{{"hash":"{}","seq":1}},"last_seq":1,"ok":true,"unchanged":0}}"#,
            report.head.hash
        );
        assert_eq!(json, expected);
    }

    #[test]
    fn a_damaged_bundle_is_refused_at_its_line_and_nothing_is_restored() {
        let (_dir, mut ledger) = ledger();
        let input = RestoreInput {
            label: "b.jsonl",
            bytes: b"{\"type\":\"nonsense\"}\n",
            now: None,
        };
        let e = restore_bundle(&mut ledger, input).unwrap_err();
        match &e {
            RestoreError::Bundle { label, problem } => {
                assert_eq!(label, "b.jsonl");
                assert_eq!(problem.line, 1);
            }
            other => panic!("expected a bundle problem, got {other:?}"),
        }
        assert!(e.to_string().starts_with("b.jsonl:1"), "{e}");
        assert!(e.to_string().ends_with("; nothing was imported"), "{e}");
        assert_eq!(ledger.head().seq, 0);
    }
}
