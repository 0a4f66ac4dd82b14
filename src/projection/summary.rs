//! What a replay implies, computed without holding the projection: its digest and counts.
//!
//! The summary consumes the same changes as the table writer ([`super::fold`](mod@super::fold)) and builds the
//! same entries, but keeps only what later events change (a claim's or source's seq and fate,
//! the authors) and the digest; a changed entry's old bytes are rebuilt from its event, read
//! again from the log. A million claims take about a tenth of the memory [`MemTables`] needs.

use super::digest::Digest;
use super::fold::{self, claim_entries, claim_state_entry, source_entry, Changes, Fate};
use super::state::{ClaimStateRef, Liveness, SourceStateRef};
use super::tables::{
    MemTables, Table, TablesMut, ALIASES, CITED_BY, SOURCES, SOURCE_VERSIONS, SUBJECTS,
    SUBJECT_NAMES, TABLES, WITHDRAWALS,
};
use crate::error::{LedgerError, Result};
use crate::model::event::{
    Claim, Event, EventBody, PublicKey, Source, SourceRevision, SubjectAlias, Withdrawal,
};
use std::collections::{HashMap, HashSet};

/// What a replay implies, computed without holding the projection: its digest and counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The last seq folded in.
    pub reached: u64,
    /// Digest of the projection the events imply (as [`MemTables::digest`] of a
    /// [`super::replay`]).
    pub digest: Digest,
    /// Sources registered.
    pub sources: u64,
    /// Claims asserted.
    pub claims: u64,
    /// Claims neither retracted nor superseded, whose source is in the ledger and not retracted.
    pub live_claims: u64,
    /// Claims retracted.
    pub retracted_claims: u64,
    /// Claims superseded (and not retracted).
    pub superseded_claims: u64,
    /// Claims otherwise live whose source is missing or retracted.
    pub claims_with_retracted_source: u64,
    /// Distinct subjects with at least one claim.
    pub subjects: u64,
}

/// A claim as the summary keeps it: where it is in the log and what became of it.
struct ClaimSlot {
    seq: u64,
    source: u32,
    retracted_at: Option<u64>,
    superseded_by: Option<Box<str>>,
}

/// The summary's consumer of [`fold::fold`]'s changes.
struct SummaryFold<'r> {
    digest: Digest,
    claims: HashMap<Box<str>, ClaimSlot>,
    /// Source id → (index, seq, retracted_at); claims refer to sources by index.
    sources: HashMap<Box<str>, (u32, u64, Option<u64>)>,
    source_ids: Vec<Box<str>>,
    subjects: HashSet<Box<str>>,
    /// Authors, dismissals, reviews, scales and settings are few: kept as tables, by the table writer.
    authors: MemTables,
    /// Entries a later event may replace (aliases, withdrawals: few), as last written, so the
    /// replaced entry leaves the digest.
    replaceable: HashMap<(Table, Vec<u8>), Vec<u8>>,
    reread: &'r mut dyn FnMut(u64) -> Result<Event>,
}

impl SummaryFold<'_> {
    fn source_index(&mut self, id: &str) -> u32 {
        if let Some((i, _, _)) = self.sources.get(id) {
            return *i;
        }
        // A claim may rest on a source not (yet) registered: it gets an index all the same.
        let i = self.source_ids.len() as u32;
        self.source_ids.push(id.into());
        i
    }

    fn claim_state<'c>(c: &'c Claim, slot: &'c ClaimSlot) -> ClaimStateRef<'c> {
        ClaimStateRef {
            seq: slot.seq,
            claim: c,
            retracted_at: slot.retracted_at,
            superseded_by: slot.superseded_by.as_deref(),
        }
    }

    /// Sets an entry a later event may replace: the old one leaves the digest.
    fn replace(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) {
        self.digest.add(table, &key, &value);
        if let Some(old) = self.replaceable.insert((table, key.clone()), value) {
            self.digest.remove(table, &key, &old);
        }
    }

    fn finish(self, reached: u64) -> Summary {
        let mut digest = self.digest;
        for (table, entries) in TABLES.iter().zip(&self.authors.tables) {
            for (k, v) in entries {
                digest.add(*table, k, v);
            }
        }
        let live_source: Vec<bool> = self
            .source_ids
            .iter()
            .map(|id| matches!(self.sources.get(id), Some((_, _, None))))
            .collect();
        let mut sum = Summary {
            reached,
            digest,
            sources: self.sources.len() as u64,
            claims: self.claims.len() as u64,
            subjects: self.subjects.len() as u64,
            ..Summary::default()
        };
        for slot in self.claims.values() {
            let count = match Liveness::of(
                slot.retracted_at.is_some(),
                slot.superseded_by.is_some(),
                live_source[slot.source as usize],
            ) {
                Liveness::Live => &mut sum.live_claims,
                Liveness::Retracted => &mut sum.retracted_claims,
                Liveness::Superseded => &mut sum.superseded_claims,
                Liveness::SourceRetracted => &mut sum.claims_with_retracted_source,
            };
            *count += 1;
        }
        sum
    }
}

impl Changes for SummaryFold<'_> {
    fn add_source(&mut self, seq: u64, s: &Source) -> Result<()> {
        for k in fold::cited_by_keys(s) {
            self.digest.add(CITED_BY, &k, &[]);
        }
        let (k, v) = source_entry(SourceStateRef {
            seq,
            source: s,
            retracted_at: None,
        });
        self.digest.add(SOURCES, &k, &v);
        let i = self.source_index(&s.id);
        self.sources.insert(s.id.as_str().into(), (i, seq, None));
        Ok(())
    }

    fn add_claim(&mut self, seq: u64, c: &Claim) -> Result<()> {
        for (table, k, v) in claim_entries(seq, c) {
            self.digest.add(table, &k, &v);
        }
        let slot = ClaimSlot {
            seq,
            source: self.source_index(&c.source),
            retracted_at: None,
            superseded_by: None,
        };
        self.claims.insert(c.id.as_str().into(), slot);
        if !self.subjects.contains(c.subject.as_str()) {
            self.subjects.insert(c.subject.as_str().into());
            self.digest
                .add(SUBJECT_NAMES, &fold::subject_name_key(&c.subject), &[]);
        }
        Ok(())
    }

    /// Replaces the claim's state entry in the digest: the old one rebuilt from its event.
    fn change_claim(&mut self, id: &str, fate: Fate<'_>) -> Result<bool> {
        let Some(seq) = self.claims.get(id).map(|s| s.seq) else {
            return Ok(false);
        };
        let event = (self.reread)(seq)?;
        let EventBody::ClaimAsserted(c) = &event.body else {
            return Err(LedgerError::Inconsistent {
                seq,
                problem: format!("claim '{id}' was asserted here, but the event is not a claim"),
            });
        };
        let slot = self.claims.get_mut(id).expect("present");
        let (k, old) = claim_state_entry(Self::claim_state(c, slot));
        self.digest.remove(SUBJECTS, &k, &old);
        match fate {
            Fate::SupersededBy(by) => slot.superseded_by = Some(by.into()),
            Fate::RetractedAt(at) => slot.retracted_at = Some(at),
        }
        let (k, new) = claim_state_entry(Self::claim_state(c, slot));
        self.digest.add(SUBJECTS, &k, &new);
        Ok(true)
    }

    fn retract_source(&mut self, id: &str, at: u64) -> Result<bool> {
        let Some(&(i, seq, old_retracted)) = self.sources.get(id) else {
            return Ok(false);
        };
        let e = (self.reread)(seq)?;
        let EventBody::SourceRegistered(s) = &e.body else {
            return Err(LedgerError::Inconsistent {
                seq,
                problem: format!(
                    "source '{id}' was registered here, but the event is not a source"
                ),
            });
        };
        let old = SourceStateRef {
            seq,
            source: s,
            retracted_at: old_retracted,
        };
        let (k, v) = source_entry(old);
        self.digest.remove(SOURCES, &k, &v);
        let (k, v) = source_entry(SourceStateRef {
            retracted_at: Some(at),
            ..old
        });
        self.digest.add(SOURCES, &k, &v);
        self.sources.insert(id.into(), (i, seq, Some(at)));
        Ok(true)
    }

    fn authorise(&mut self, name: &str, key: &PublicKey, at: u64) -> Result<()> {
        authors(&mut self.authors).authorise(name, key, at)
    }

    fn revoke(&mut self, name: &str, at: u64) -> Result<bool> {
        authors(&mut self.authors).revoke(name, at)
    }

    /// Dismissals are few too: kept as tables beside the authors.
    fn dismiss(&mut self, flag: &str, reason: &str, at: u64) -> Result<()> {
        authors(&mut self.authors).dismiss(flag, reason, at)
    }

    fn alias(&mut self, seq: u64, a: &SubjectAlias) -> Result<()> {
        let (k, v) = fold::alias_entry(seq, a);
        self.replace(ALIASES, k, v);
        Ok(())
    }

    fn revise_source(&mut self, seq: u64, r: &SourceRevision) -> Result<()> {
        let (k, v) = fold::version_entry(seq, r);
        self.digest.add(SOURCE_VERSIONS, &k, &v);
        Ok(())
    }

    fn withdraw_source(&mut self, seq: u64, w: &Withdrawal) -> Result<()> {
        let (k, v) = fold::withdrawal_entry(seq, w);
        self.replace(WITHDRAWALS, k, v);
        Ok(())
    }

    /// Reviews, scales and settings are few next to claims: kept as tables, like the authors.
    fn put_entry(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        authors(&mut self.authors).put_entry(table, key, value)
    }
}

/// The table writer over the summary's author tables.
fn authors(t: &mut MemTables) -> impl Changes + '_ {
    fold::writer(t as &mut dyn TablesMut)
}

/// Replays events to the digest and counts of the projection they imply, without building it
/// (see [`Summary`]); `reread` reads an earlier event again by seq, for the few events that
/// change an earlier claim or source.
pub fn replay_summary<I>(
    events: I,
    to: Option<u64>,
    reread: &mut dyn FnMut(u64) -> Result<Event>,
    mut progress: impl FnMut(u64),
) -> Result<Summary>
where
    I: IntoIterator<Item = Result<Event>>,
{
    let events = events.into_iter();
    let expected = events.size_hint().1.unwrap_or(0);
    let expected = to.map_or(expected, |to| expected.min(to as usize));
    let mut sum = SummaryFold {
        digest: Digest::default(),
        claims: HashMap::with_capacity(expected),
        sources: HashMap::with_capacity(expected / 16),
        source_ids: Vec::new(),
        subjects: HashSet::new(),
        authors: MemTables::default(),
        replaceable: HashMap::new(),
        reread,
    };
    let mut reached = 0;
    for e in events {
        let e = e?;
        if to.is_some_and(|to| e.seq > to) {
            break;
        }
        fold::fold(&mut sum, &e)?;
        reached = e.seq;
        progress(reached);
    }
    Ok(sum.finish(reached))
}
