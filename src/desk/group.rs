//! Group commit: several write requests (imports, added records, retractions), each from its own
//! author, checked one by one and appended in one durable write. The desk server's writer calls
//! [`append_group`] with every request waiting at that moment; each request gets the report (or
//! refusal) it would have had alone.
//!
//! Each request is planned against the ledger on its own, so one request's problems never fail
//! another. Two requests in one group that touch the same id (a claim citing a source another
//! request registers, the same id twice, a retraction of something another request adds) are
//! not planned together: the later one waits for the next write, after the earlier one is in the
//! ledger, and is planned then, exactly as if it had arrived a moment later. If the group's one
//! append fails, each request is appended alone so only the failing one fails.

use super::import::{AppendReport, Durability, HeadRef, ImportError};
use crate::intake::import::{PlanError, Record};
use crate::ledger::{Draft, Stamp};
use crate::model::event::{hex, EventBody};
use crate::Ledger;
use std::collections::BTreeSet;

/// A write request whose input has been parsed and validated (see `import::prepare`,
/// `add::prepare`, `retract::prepare`), not yet planned against the ledger.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The name problems are reported under.
    pub label: String,
    /// The records, with their line numbers (0 for a record given as fields).
    pub records: Vec<(usize, Record)>,
}

/// The ids a request writes (introduces, retracts, corrects) and reads (the source a claim rests
/// on, the sources a source cites). Two requests commute unless one writes an id the other
/// reads or writes; many claims on one source do not conflict.
#[derive(Default)]
struct Touched {
    writes: BTreeSet<String>,
    reads: BTreeSet<String>,
}

impl Touched {
    fn add(&mut self, body: &EventBody) {
        match body {
            EventBody::SourceRegistered(s) => {
                self.writes.insert(s.id.clone());
                self.reads.extend(s.cites.iter().cloned());
            }
            EventBody::ClaimAsserted(c) => {
                self.writes.insert(c.id.clone());
                self.writes.extend(c.supersedes.iter().cloned());
                self.reads.insert(c.source.clone());
            }
            EventBody::Retracted(r) => {
                self.writes.insert(r.target.clone());
            }
            // Ids cannot contain NUL, so this never collides with one.
            EventBody::AuthorAuthorised(_) | EventBody::AuthorRevoked(_) => {
                self.writes.insert("\0authors".into());
            }
            // The desk's newer events: each writes what it names, so two requests touching the
            // same thing wait for each other.
            EventBody::SubjectAliased(a) => {
                self.writes.insert(format!("\0subject:{}", a.alias));
                self.writes.insert(format!("\0subject:{}", a.subject));
            }
            EventBody::SourceRevised(r) => {
                self.writes.insert(r.source.clone());
            }
            EventBody::SourceWithdrawn(w) => {
                self.writes.insert(w.source.clone());
            }
            EventBody::FlagDismissed(d) => {
                self.writes.insert(format!("\0flag:{}", d.flag));
            }
            EventBody::ClaimReviewed(r) => {
                self.reads.insert(r.claim.clone());
                self.writes.insert(format!("\0review:{}", r.claim));
            }
            EventBody::ScaleDeclared(sc) => {
                self.writes.insert(format!("\0scale:{}", sc.name));
            }
            EventBody::SettingRecorded(st) => {
                self.writes.insert(format!("\0setting:{}", st.key));
            }
        }
    }

    fn conflicts(&self, other: &Touched) -> bool {
        self.writes
            .iter()
            .any(|id| other.writes.contains(id) || other.reads.contains(id))
            || self.reads.iter().any(|id| other.writes.contains(id))
    }

    fn extend(&mut self, other: Touched) {
        self.writes.extend(other.writes);
        self.reads.extend(other.reads);
    }
}

/// A request planned into this group.
struct Accepted {
    index: usize,
    drafts: Vec<Draft>,
    unchanged: usize,
    new_predicates: Vec<String>,
}

/// Appends every request it can in one durable write, then the ones that had to wait in the
/// next, and so on; returns one outcome per request, in order. Each outcome is final only once
/// its events are durable.
///
/// With [`Durability::Unsynced`] (the crash tests' negative control only) nothing is synced and
/// the caller must call [`Ledger::sync`] after answering.
pub fn append_group(
    ledger: &mut Ledger,
    requests: Vec<(Prepared, Stamp)>,
    durability: Durability,
) -> Vec<Result<AppendReport, ImportError>> {
    // Plan against the ledger as it is now: on a store other servers write too (PostgreSQL),
    // their appends since this process last looked (nothing for a ledger directory).
    if let Err(e) = ledger.refresh() {
        let message = e.to_string();
        return requests
            .iter()
            .map(|_| {
                Err(ImportError::Ledger(crate::LedgerError::Store(
                    crate::store::StoreError::Postgres {
                        store: ledger.dir().display().to_string(),
                        message: message.clone(),
                    },
                )))
            })
            .collect();
    }
    let mut outcomes: Vec<Option<Result<AppendReport, ImportError>>> =
        requests.iter().map(|_| None).collect();
    let mut waiting: Vec<usize> = (0..requests.len()).collect();
    while !waiting.is_empty() {
        let mut accepted: Vec<Accepted> = Vec::new();
        let mut taken = Touched::default();
        let mut later = Vec::new();
        for i in waiting {
            let (req, _) = &requests[i];
            match super::import::plan_checked(ledger, req.records.clone()) {
                Ok(p) => {
                    let mut mine = Touched::default();
                    for (_, d) in &p.appends {
                        mine.add(&d.body);
                    }
                    if mine.conflicts(&taken) {
                        later.push(i);
                        continue;
                    }
                    taken.extend(mine);
                    accepted.push(Accepted {
                        index: i,
                        drafts: p.appends.into_iter().map(|(_, d)| d).collect(),
                        unchanged: p.unchanged,
                        new_predicates: p.new_predicates,
                    });
                }
                // It may rest on a request planned ahead of it in this group: plan it again
                // once that one is in the ledger. Alone (nothing ahead), its problems are its own.
                Err(PlanError::Problems(_)) if !accepted.is_empty() => later.push(i),
                Err(PlanError::Problems(problems)) => {
                    outcomes[i] = Some(Err(ImportError::Refused {
                        label: req.label.clone(),
                        problems,
                    }))
                }
                Err(PlanError::Ledger(e)) => outcomes[i] = Some(Err(ImportError::Ledger(e))),
            }
        }
        commit(ledger, &requests, accepted, &mut outcomes, durability);
        waiting = later;
    }
    outcomes
        .into_iter()
        .map(|o| o.expect("every request has an outcome"))
        .collect()
}

/// One append for all accepted requests; on failure, one append each.
fn commit(
    ledger: &mut Ledger,
    requests: &[(Prepared, Stamp)],
    accepted: Vec<Accepted>,
    outcomes: &mut [Option<Result<AppendReport, ImportError>>],
    durability: Durability,
) {
    let append = |ledger: &mut Ledger, drafts: Vec<(Draft, &Stamp)>| match durability {
        Durability::Synced => ledger.append_stamped(drafts),
        Durability::Unsynced => ledger.append_stamped_unsynced(drafts),
    };
    if accepted.is_empty() {
        return;
    }
    let all = accepted
        .iter()
        .flat_map(|a| {
            let stamp = &requests[a.index].1;
            a.drafts.iter().cloned().map(move |d| (d, stamp))
        })
        .collect();
    match append(ledger, all) {
        Ok(events) => {
            let mut at = 0;
            for a in &accepted {
                let mine = &events[at..at + a.drafts.len()];
                at += a.drafts.len();
                outcomes[a.index] = Some(Ok(report(ledger, requests, a, mine)));
            }
        }
        Err(_) => {
            for a in &accepted {
                let stamp = &requests[a.index].1;
                let drafts = a.drafts.iter().cloned().map(|d| (d, stamp)).collect();
                outcomes[a.index] = Some(match append(ledger, drafts) {
                    Ok(events) => Ok(report(ledger, requests, a, &events)),
                    Err(e) => Err(ImportError::Ledger(e)),
                });
            }
        }
    }
}

fn report(
    ledger: &Ledger,
    requests: &[(Prepared, Stamp)],
    a: &Accepted,
    events: &[crate::Event],
) -> AppendReport {
    let head = match events.last() {
        Some(e) => HeadRef {
            hash: hex(&e.hash),
            seq: e.seq,
        },
        None => HeadRef::of(ledger),
    };
    AppendReport {
        appended: events.len(),
        file: requests[a.index].0.label.clone(),
        first_seq: events.first().map(|e| e.seq),
        head,
        last_seq: events.last().map(|e| e.seq),
        ok: true,
        unchanged: a.unchanged,
        needs_sync: false,
        id: None,
        new_predicates: a.new_predicates.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::{bodies, import, ledger, stamp, CLAIM, SOURCE};
    use crate::desk::import::{prepare as prepare_import, ImportInput};
    use std::path::Path;

    fn req(text: &str, author: &str) -> (Prepared, Stamp) {
        let input = ImportInput {
            label: author,
            bytes: text.as_bytes(),
            base: Path::new("."),
            durability: Durability::Synced,
            proceed: None,
        };
        let mut s = stamp();
        s.author = author.into();
        (prepare_import(input).expect("parses"), s)
    }

    #[test]
    fn a_group_appends_each_request_as_alone_and_one_bad_request_fails_only_itself() {
        let (_dir, mut ledger) = ledger();
        let claim2 = CLAIM.replace("\"c1\"", "\"c2\"");
        let bad = CLAIM
            .replace("\"s1\"", "\"nowhere\"")
            .replace("\"c1\"", "\"c3\"");
        let out = append_group(
            &mut ledger,
            vec![
                req(SOURCE, "ana"),
                // Rests on the source the first request registers: waits for it.
                req(CLAIM, "bo"),
                req(&bad, "cy"),
                req(&claim2, "di"),
            ],
            Durability::Synced,
        );
        assert_eq!(out[0].as_ref().unwrap().appended, 1);
        assert_eq!(out[1].as_ref().unwrap().appended, 1);
        assert!(matches!(&out[2], Err(ImportError::Refused { label, .. }) if label == "cy"));
        assert_eq!(out[3].as_ref().unwrap().appended, 1);
        assert_eq!(ledger.head().seq, 3);
        let authors: Vec<String> = ledger.events(1).map(|e| e.unwrap().author).collect();
        assert_eq!(authors, ["ana", "bo", "di"]);
        // The same events one import would have made, in the same order.
        let (_d2, alone) = ledger_with(&format!("{SOURCE}\n{CLAIM}\n{claim2}\n"));
        assert_eq!(bodies(&ledger), bodies(&alone));
    }

    #[test]
    fn claims_on_one_source_are_planned_together_and_a_retraction_of_it_waits_for_them() {
        let (_dir, mut ledger) = ledger();
        import(&mut ledger, SOURCE).unwrap();
        let claim2 = CLAIM.replace("\"c1\"", "\"c2\"");
        let retract = r#"{"type":"retract","target":"s1","reason":"withdrawn"}"#;
        let out = append_group(
            &mut ledger,
            vec![req(CLAIM, "ana"), req(retract, "cy"), req(&claim2, "bo")],
            Durability::Synced,
        );
        for o in &out {
            assert_eq!(o.as_ref().unwrap().appended, 1);
        }
        // The retraction writes the source both claims rest on: it waits for the next write
        // and lands after them, whatever the order of arrival.
        let seq = |i: usize| out[i].as_ref().unwrap().last_seq;
        assert_eq!((seq(0), seq(2), seq(1)), (Some(2), Some(3), Some(4)));
    }

    #[test]
    fn the_same_record_from_two_requests_is_appended_once() {
        let (_dir, mut ledger) = ledger();
        let out = append_group(
            &mut ledger,
            vec![req(SOURCE, "ana"), req(SOURCE, "bo")],
            Durability::Synced,
        );
        assert_eq!(out[0].as_ref().unwrap().appended, 1);
        let second = out[1].as_ref().unwrap();
        assert_eq!((second.appended, second.unchanged), (0, 1));
        assert_eq!(ledger.head().seq, 1);
    }

    fn ledger_with(text: &str) -> (tempfile::TempDir, Ledger) {
        let (dir, mut l) = ledger();
        import(&mut l, text).unwrap();
        (dir, l)
    }
}
