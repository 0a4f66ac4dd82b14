//! The plan's checks for the desk's model records — aliases, source versions and publishers'
//! withdrawals — against the ledger and the earlier lines of the same input.

use crate::error::Result;
use crate::ledger::Ledger;
use crate::model::event::{SourceRevision, SubjectAlias, Withdrawal};
use crate::projection::aliases::{subject_key, SubjectIndex};
use crate::projection::versions::{versions, withdrawal};
use std::collections::BTreeMap;

/// What becomes of one record.
pub(crate) enum Verdict {
    /// A new event.
    New,
    /// Already recorded as it is.
    Unchanged,
    /// Refused, with why.
    Problem(String),
}

/// The records of these kinds seen so far in the input.
#[derive(Default)]
pub(crate) struct DeskPlan {
    index: Option<SubjectIndex>,
    /// Alias key → (line, alias as written, subject).
    aliases: BTreeMap<String, (usize, SubjectAlias)>,
    /// Source → versions earlier in the input.
    versions: BTreeMap<String, Vec<SourceRevision>>,
    /// Source → (line, reason).
    withdrawals: BTreeMap<String, (usize, String)>,
}

impl DeskPlan {
    fn index(&mut self, ledger: &Ledger) -> Result<&SubjectIndex> {
        if self.index.is_none() {
            self.index = Some(SubjectIndex::load(&ledger.tables())?);
        }
        Ok(self.index.as_ref().expect("loaded"))
    }

    /// The subject key `name` resolves to through the ledger's aliases and this input's.
    fn resolve(&mut self, ledger: &Ledger, name: &str) -> Result<String> {
        let mut key = subject_key(name);
        for _ in 0..16 {
            let next = match self.aliases.get(&key) {
                Some((_, a)) => subject_key(&a.subject),
                None => {
                    let (k, _) = self.index(ledger)?.resolve(&key);
                    if k == key {
                        return Ok(key);
                    }
                    k
                }
            };
            key = next;
        }
        Ok(key)
    }

    /// An alias: not the subject itself, not already another subject's, not a loop.
    pub(crate) fn alias(
        &mut self,
        ledger: &Ledger,
        line: usize,
        a: &SubjectAlias,
    ) -> Result<Verdict> {
        let key = subject_key(&a.alias);
        if key == subject_key(&a.subject) {
            return Ok(Verdict::Problem(format!(
                "alias '{}' is the subject '{}' itself: names differing only in case or spacing already meet",
                a.alias, a.subject
            )));
        }
        let earlier = match self.aliases.get(&key) {
            Some((l, e)) => Some((format!("line {l}"), e.subject.clone())),
            None => crate::projection::aliases::aliases(&ledger.tables())?
                .remove(&key)
                .map(|s| (format!("seq {}", s.seq), s.subject)),
        };
        if let Some((place, subject)) = earlier {
            if subject_key(&subject) == subject_key(&a.subject) {
                return Ok(Verdict::Unchanged);
            }
            return Ok(Verdict::Problem(format!(
                "alias '{}' already names subject '{subject}' (at {place}); an alias names one subject",
                a.alias
            )));
        }
        if self.resolve(ledger, &a.subject)? == key {
            return Ok(Verdict::Problem(format!(
                "alias '{}' for '{}' would make a loop: '{}' is already an alias of '{}'",
                a.alias, a.subject, a.subject, a.alias
            )));
        }
        self.aliases.insert(key, (line, a.clone()));
        Ok(Verdict::New)
    }

    /// A source version: of a source; the same version again is unchanged.
    pub(crate) fn version(&mut self, ledger: &Ledger, r: &SourceRevision) -> Result<Verdict> {
        let in_ledger = versions(&ledger.tables(), &r.source)?;
        let earlier = self.versions.entry(r.source.clone()).or_default();
        if earlier.contains(r) || in_ledger.iter().any(|v| &v.revision == r) {
            return Ok(Verdict::Unchanged);
        }
        earlier.push(r.clone());
        Ok(Verdict::New)
    }

    /// A withdrawal: once per source; the same reason again is unchanged.
    pub(crate) fn withdrawal(
        &mut self,
        ledger: &Ledger,
        line: usize,
        w: &Withdrawal,
    ) -> Result<Verdict> {
        let earlier = match self.withdrawals.get(&w.source) {
            Some((l, reason)) => Some((format!("line {l}"), reason.clone())),
            None => withdrawal(&ledger.tables(), &w.source)?
                .map(|s| (format!("seq {}", s.seq), s.reason)),
        };
        match earlier {
            Some((_, reason)) if reason == w.reason => Ok(Verdict::Unchanged),
            Some((place, _)) => Ok(Verdict::Problem(format!(
                "source '{}' was already withdrawn at {place}",
                w.source
            ))),
            None => {
                self.withdrawals
                    .insert(w.source.clone(), (line, w.reason.clone()));
                Ok(Verdict::New)
            }
        }
    }
}
