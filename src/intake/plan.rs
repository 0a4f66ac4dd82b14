//! The plan of an import: which parsed records become new events, decided against the ledger
//! and against the earlier lines of the same input, with every conflict collected as a
//! [`Problem`] at its line. Nothing is appended here; the desk appends what the plan says.

use super::import::{Problem, Record};
use super::plan_desk::{DeskPlan, Verdict};
use crate::error::{LedgerError, Result};
use crate::intake::validate;
use crate::intake::verdicts::{self, Decision};
use crate::ledger::{Draft, Ledger};
use crate::model::event::EventBody;
use std::collections::BTreeMap;

/// What an import will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Records that become new events, with their line numbers.
    pub appends: Vec<(usize, Draft)>,
    /// Lines whose record is already in the ledger with identical content.
    pub unchanged: Vec<usize>,
}

/// What an id refers to within the import being planned.
enum Known {
    Ledger(u64, EventBody),
    File(usize, Record),
}

impl Known {
    fn is_source(&self) -> bool {
        matches!(
            self,
            Known::Ledger(_, EventBody::SourceRegistered(_)) | Known::File(_, Record::Source(..))
        )
    }
    fn is_claim(&self) -> bool {
        matches!(
            self,
            Known::Ledger(_, EventBody::ClaimAsserted(_)) | Known::File(_, Record::Claim(_))
        )
    }
    fn place(&self) -> String {
        match self {
            Known::Ledger(seq, _) => format!("seq {seq}"),
            Known::File(line, _) => format!("line {line}"),
        }
    }
}

/// Why [`plan`] decided nothing.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Records conflict with the ledger or with each other: every problem, at its line.
    #[error("{} problem{} found", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Problems(Vec<Problem>),
    /// The ledger could not be read.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Decides, for records in order, which become events. Records are checked against the ledger
/// and against each other; every problem is collected.
pub fn plan(ledger: &Ledger, records: Vec<(usize, Record)>) -> Result<Plan, PlanError> {
    plan_alongside(ledger, records, &BTreeMap::new())
}

/// [`plan`] for the sound lines of an input whose other lines were refused: `refused` holds the
/// ids those lines give (id → line), and a record naming one of them is not reported as naming
/// an unknown id: that problem is the refused line's, reported with it.
pub fn plan_alongside(
    ledger: &Ledger,
    records: Vec<(usize, Record)>,
    refused: &BTreeMap<String, usize>,
) -> Result<Plan, PlanError> {
    let mut plan = Plan::default();
    let mut problems = Vec::new();
    let mut known: BTreeMap<String, Known> = BTreeMap::new();
    // Retractions and corrections made earlier in this file: target → (line, event body).
    let mut retracted: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut superseded: BTreeMap<String, (usize, String)> = BTreeMap::new();
    // Aliases, source versions and withdrawals seen so far.
    let mut desk = DeskPlan::default();

    let lookup =
        |known: &BTreeMap<String, Known>, id: &str| -> Result<Option<(String, bool, bool)>> {
            if let Some(k) = known.get(id) {
                return Ok(Some((k.place(), k.is_source(), k.is_claim())));
            }
            if let Some(line) = refused.get(id) {
                // Whatever it was meant to be, its line is refused already.
                return Ok(Some((format!("line {line}"), true, true)));
            }
            Ok(ledger.find(id)?.map(|e| {
                let k = Known::Ledger(e.seq, e.body);
                (k.place(), k.is_source(), k.is_claim())
            }))
        };

    let mut verdicts = verdicts::Earlier::default();

    for (line, record) in records {
        let mut problem = |message: String| problems.push(Problem { line, message });
        if let Record::Review(_) | Record::Scale(_) | Record::Setting(_) = &record {
            let (is_claim, retracted_at) = match &record {
                Record::Review(r) => (
                    lookup(&known, &r.claim)?.map(|(_, _, is_claim)| is_claim),
                    match retracted.get(&r.claim) {
                        Some((l, _)) => Some(format!("line {l}")),
                        None => ledger
                            .retraction_of(&r.claim)?
                            .map(|e| format!("seq {}", e.seq)),
                    },
                ),
                _ => (None, None),
            };
            match verdicts::decide(ledger, &mut verdicts, record, is_claim, retracted_at)? {
                Decision::Unchanged => plan.unchanged.push(line),
                Decision::Refused(message) => problem(message),
                Decision::Append(record) => {
                    let draft = Draft::from(*record);
                    match validate::event(&draft.body) {
                        Ok(()) => plan.appends.push((line, draft)),
                        Err(p) => problem(validate::describe(&p)),
                    }
                }
            }
            continue;
        }
        let id = match &record {
            Record::Source(s, _) => Some(s.id.clone()),
            Record::Claim(c) => Some(c.id.clone()),
            Record::Retract(_)
            | Record::Dismissal(_)
            | Record::Alias(_)
            | Record::SourceVersion(..)
            | Record::Withdrawal(_)
            | Record::Review(_)
            | Record::Scale(_)
            | Record::Setting(_) => None,
        };
        if let Some(id) = &id {
            // Same id already in this file or in the ledger.
            let existing = match known.get(id) {
                Some(Known::File(l, r)) => Some((format!("line {l}"), same_record(r, &record))),
                Some(Known::Ledger(seq, body)) => {
                    Some((format!("seq {seq}"), same_body(body, &record)))
                }
                None => ledger
                    .find(id)?
                    .map(|e| (format!("seq {}", e.seq), same_body(&e.body, &record))),
            };
            match existing {
                Some((_, true)) => {
                    plan.unchanged.push(line);
                    continue;
                }
                Some((place, false)) => {
                    problem(match &record {
                        Record::Source(s, _) if source_text_changed(ledger, &known, s)? => format!(
                            "source '{id}' already exists at {place} with a different archived text; a publisher's new version is recorded as a new version of the source: an import line {{\"type\":\"source-version\",\"source\":\"{id}\",\"text_file\":\"…\"}} or `factledger source revise {id} --text-file FILE`"
                        ),
                        _ => format!(
                            "id '{id}' already exists at {place} with different content (records are immutable: retract it, or add a correction with 'supersedes')"
                        ),
                    });
                    continue;
                }
                None => {}
            }
        }
        match &record {
            // Whether the flag exists is for the desk to say: flags are computed above intake.
            Record::Source(..) | Record::Dismissal(_) => {}
            Record::Alias(_) | Record::SourceVersion(..) | Record::Withdrawal(_) => {
                let (source, verdict) = match &record {
                    Record::Alias(a) => (None, desk.alias(ledger, line, a)?),
                    Record::SourceVersion(r, _) => (Some(&r.source), desk.version(ledger, r)?),
                    Record::Withdrawal(w) => (Some(&w.source), desk.withdrawal(ledger, line, w)?),
                    _ => unreachable!("matched above"),
                };
                if let Some(source) = source {
                    let what = record.to_body().kind();
                    match lookup(&known, source)? {
                        None => {
                            problem(format!(
                                "{what} names source '{source}', which is not in the ledger or earlier in this file"
                            ));
                            continue;
                        }
                        Some((place, false, _)) => {
                            problem(format!(
                                "{what} names '{source}' as its source, but {place} is a claim, not a source"
                            ));
                            continue;
                        }
                        Some(_) => {}
                    }
                }
                match verdict {
                    Verdict::New => {}
                    Verdict::Unchanged => {
                        plan.unchanged.push(line);
                        continue;
                    }
                    Verdict::Problem(m) => {
                        problem(m);
                        continue;
                    }
                }
            }
            Record::Claim(c) => {
                match lookup(&known, &c.source)? {
                    None => problem(format!(
                        "claim '{}' names source '{}', which is not in the ledger or earlier in this file",
                        c.id, c.source
                    )),
                    Some((place, false, _)) => problem(format!(
                        "claim '{}' names '{}' as its source, but {place} is a claim, not a source",
                        c.id, c.source
                    )),
                    Some(_) => {}
                }
                if let Some(old) = &c.supersedes {
                    match lookup(&known, old)? {
                        None => problem(format!(
                            "claim '{}' supersedes '{old}', which is not in the ledger or earlier in this file",
                            c.id
                        )),
                        Some((place, _, false)) => problem(format!(
                            "claim '{}' supersedes '{old}', but {place} is a source, not a claim",
                            c.id
                        )),
                        Some(_) => {
                            let earlier = match superseded.get(old) {
                                Some((l, by)) => Some(format!("claim '{by}' at line {l}")),
                                None => ledger.correction_of(old)?.and_then(|e| match e.body {
                                    EventBody::ClaimAsserted(by) => Some(format!("claim '{}' at seq {}", by.id, e.seq)),
                                    _ => None,
                                }),
                            };
                            if let Some(earlier) = earlier {
                                problem(format!(
                                    "claim '{old}' was already superseded by {earlier}; supersede that correction instead"
                                ));
                            }
                        }
                    }
                }
            }
            Record::Review(_) | Record::Scale(_) | Record::Setting(_) => {}
            Record::Retract(r) => {
                if lookup(&known, &r.target)?.is_none() {
                    problem(format!(
                        "cannot retract '{}': no claim or source with that id in the ledger or earlier in this file",
                        r.target
                    ));
                } else {
                    let earlier = match retracted.get(&r.target) {
                        Some((l, reason)) => Some((format!("line {l}"), reason.clone())),
                        None => ledger.retraction_of(&r.target)?.and_then(|e| match e.body {
                            EventBody::Retracted(x) => Some((format!("seq {}", e.seq), x.reason)),
                            _ => None,
                        }),
                    };
                    match earlier {
                        Some((_, reason)) if reason == r.reason => {
                            plan.unchanged.push(line);
                            continue;
                        }
                        Some((place, _)) => {
                            problem(format!("'{}' was already retracted at {place}", r.target));
                            continue;
                        }
                        None => {}
                    }
                }
            }
        }
        // Record it as known for later lines even if it had problems, so one mistake does not
        // cascade into "unknown source" on every following line.
        match &record {
            Record::Retract(r) => {
                retracted.insert(r.target.clone(), (line, r.reason.clone()));
            }
            Record::Claim(c) => {
                if let Some(old) = &c.supersedes {
                    superseded.insert(old.clone(), (line, c.id.clone()));
                }
            }
            Record::Source(..)
            | Record::Dismissal(_)
            | Record::Alias(_)
            | Record::SourceVersion(..)
            | Record::Withdrawal(_)
            | Record::Review(_)
            | Record::Scale(_)
            | Record::Setting(_) => {}
        }
        if let Some(id) = id {
            known.insert(id, Known::File(line, record.clone()));
        }
        let draft = Draft::from(record);
        // The gate every append passes: records built by hand reach `plan` without `parse_record`.
        if let Err(p) = validate::event(&draft.body) {
            problem(validate::describe(&p));
            continue;
        }
        plan.appends.push((line, draft));
    }
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(PlanError::Problems(problems))
    }
}

/// Whether source record `s` differs from the source already known under its id only in its
/// archived text (the mistake of recording a publisher's edit as the source again).
fn source_text_changed(
    ledger: &Ledger,
    known: &BTreeMap<String, Known>,
    s: &crate::model::event::Source,
) -> Result<bool> {
    let before = match known.get(&s.id) {
        Some(Known::File(_, Record::Source(b, _))) => Some(b.clone()),
        Some(_) => None,
        None => match ledger.find(&s.id)? {
            Some(e) => match e.body {
                EventBody::SourceRegistered(b) => Some(b),
                _ => None,
            },
            None => None,
        },
    };
    Ok(before.is_some_and(|b| {
        b.text != s.text
            && crate::model::event::Source {
                text: s.text.clone(),
                ..b
            } == *s
    }))
}

fn same_body(body: &EventBody, record: &Record) -> bool {
    match (body, record) {
        (EventBody::SourceRegistered(a), Record::Source(b, _)) => a == b,
        (EventBody::ClaimAsserted(a), Record::Claim(b)) => a == b,
        _ => false,
    }
}

fn same_record(a: &Record, b: &Record) -> bool {
    match (a, b) {
        (Record::Source(x, _), Record::Source(y, _)) => x == y,
        (Record::Claim(x), Record::Claim(y)) => x == y,
        _ => false,
    }
}
