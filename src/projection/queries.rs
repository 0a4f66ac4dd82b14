//! Reads of the projection: a claim, a source, an author, a dismissal, a subject's claims, who cites what,
//! liveness; and [`replay`], the log folded into tables in memory.

use super::state::{AuthorState, ClaimState, DismissalState, Liveness, SourceState};
use super::tables::{
    MemTables, Tables, AUTHORS, CITED_BY, CLAIMS, DISMISSALS, SOURCES, SOURCE_CLAIMS, SUBJECTS,
};
use super::{apply, decode, prefix};
use crate::error::{LedgerError, Result};
use crate::model::event::Event;
use std::ops::ControlFlow;

/// Reads an author's state.
pub fn author(t: &dyn Tables, name: &str) -> Result<Option<AuthorState>> {
    t.get(AUTHORS, name.as_bytes())?
        .map(|b| decode(AUTHORS, name.as_bytes(), &b))
        .transpose()
}

/// Every author, by name.
pub fn authors(t: &dyn Tables) -> Result<Vec<(String, AuthorState)>> {
    let mut raw = Vec::new();
    t.scan(AUTHORS, b"", &mut |k, v| {
        raw.push((k.to_vec(), v.to_vec()));
        true
    })?;
    raw.into_iter()
        .map(|(k, v)| {
            Ok((
                String::from_utf8_lossy(&k).into_owned(),
                decode(AUTHORS, &k, &v)?,
            ))
        })
        .collect()
}

/// True once any author has been authorised: from then on every event must be signed.
pub(crate) fn is_signed(t: &dyn Tables) -> Result<bool> {
    let mut any = false;
    t.scan(AUTHORS, b"", &mut |_, _| {
        any = true;
        false
    })?;
    Ok(any)
}

/// Reads a claim's state: `p_claims` says where (subject and predicate), `p_subjects` holds it.
pub fn claim(t: &dyn Tables, id: &str) -> Result<Option<ClaimState>> {
    let Some(at) = t.get(CLAIMS, id.as_bytes())? else {
        return Ok(None);
    };
    let mut k = at;
    k.push(0);
    k.extend_from_slice(id.as_bytes());
    match t.get(SUBJECTS, &k)? {
        Some(b) => decode(SUBJECTS, &k, &b).map(Some),
        None => Err(LedgerError::Inconsistent {
            seq: 0,
            problem: format!(
                "the claim index places claim '{id}' under a subject that does not hold it"
            ),
        }),
    }
}

/// Reads a flag's dismissal, if the desk dismissed it.
pub fn dismissal(t: &dyn Tables, flag: &str) -> Result<Option<DismissalState>> {
    t.get(DISMISSALS, flag.as_bytes())?
        .map(|b| decode(DISMISSALS, flag.as_bytes(), &b))
        .transpose()
}

/// Reads a source's state.
pub fn source(t: &dyn Tables, id: &str) -> Result<Option<SourceState>> {
    t.get(SOURCES, id.as_bytes())?
        .map(|b| decode(SOURCES, id.as_bytes(), &b))
        .transpose()
}

/// Whether a claim is live: not retracted, not superseded, and its own source not retracted.
pub fn liveness(t: &dyn Tables, c: &ClaimState) -> Result<Liveness> {
    liveness_with(c, &mut |id| source_live(t, id))
}

/// As [`liveness`], asking `source_live` (see [`source_live`]) about the claim's source only when
/// the claim's own state leaves it live; for passes that remember their sources.
pub(crate) fn liveness_with(
    c: &ClaimState,
    source_live: &mut dyn FnMut(&str) -> Result<bool>,
) -> Result<Liveness> {
    if c.own_status().is_some() {
        return Ok(Liveness::of(
            c.retracted_at.is_some(),
            c.superseded_by.is_some(),
            false,
        ));
    }
    Ok(Liveness::of(false, false, source_live(&c.claim.source)?))
}

/// Whether source `id` is in the ledger and not retracted: what a claim's liveness needs of it.
pub(crate) fn source_live(t: &dyn Tables, id: &str) -> Result<bool> {
    Ok(source(t, id)?.is_some_and(|s| s.retracted_at.is_none()))
}

/// Decodes a claim state stored in [`SUBJECTS`] under `key`.
pub fn claim_state(key: &[u8], value: &[u8]) -> Result<ClaimState> {
    decode(SUBJECTS, key, value)
}

/// Every claim about a subject, in predicate then id order: one read of the subject's group.
pub fn subject_claims(t: &dyn Tables, subject: &str) -> Result<Vec<ClaimState>> {
    let mut out = Vec::new();
    let mut err = None;
    t.scan(SUBJECTS, &prefix(&[subject]), &mut |k, v| {
        match decode::<ClaimState>(SUBJECTS, k, v) {
            Ok(c) => out.push(c),
            Err(e) => {
                err = Some(e);
                return false;
            }
        }
        true
    })?;
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Every predicate any claim in the ledger uses (retracted and superseded claims too), read from
/// the subject table's keys alone.
pub fn predicates(t: &dyn Tables) -> Result<std::collections::BTreeSet<String>> {
    let mut out = std::collections::BTreeSet::new();
    t.for_each_entry(SUBJECTS, &mut |k, _| {
        let mut parts = k.split(|&b| b == 0);
        if let Some(p) = parts.nth(1) {
            if !out.contains(&*String::from_utf8_lossy(p)) {
                out.insert(String::from_utf8_lossy(p).into_owned());
            }
        }
        true
    })?;
    Ok(out)
}

/// Every subject with at least one claim, in order, visited one at a time.
pub fn for_each_subject(t: &dyn Tables, visit: &mut dyn FnMut(&str) -> Result<()>) -> Result<()> {
    let mut last: Option<Vec<u8>> = None;
    let mut subjects: Vec<String> = Vec::new();
    // Collect subject names first (keys only; small next to the claims themselves).
    t.scan(SUBJECTS, b"", &mut |k, _| {
        let subject = k.split(|&b| b == 0).next().unwrap_or(k);
        if last.as_deref() != Some(subject) {
            last = Some(subject.to_vec());
            subjects.push(String::from_utf8_lossy(subject).into_owned());
        }
        true
    })?;
    for s in subjects {
        visit(&s)?;
    }
    Ok(())
}

/// What a walk's visitor returns: go on ([`ControlFlow::Continue`]), stop early
/// ([`ControlFlow::Break`]), or fail.
pub(crate) type Step = Result<ControlFlow<()>>;

/// Every subject with its claims (as [`subject_claims`] gives them), in subject order, read in
/// one pass over the subject table. `visit` returns [`ControlFlow::Break`] to stop early (a
/// caller that has what it needs, a listing whose reader went away); the walk then returns it.
pub fn for_each_subject_claims(
    t: &dyn Tables,
    visit: &mut dyn FnMut(&str, Vec<ClaimState>) -> Step,
) -> Step {
    let mut current: Option<(Vec<u8>, Vec<ClaimState>)> = None;
    let mut err = None;
    let mut stopped = false;
    t.scan(SUBJECTS, b"", &mut |k, v| {
        let subject = k.split(|&b| b == 0).next().unwrap_or(k);
        let step = (|| {
            if current.as_ref().is_some_and(|(s, _)| s != subject) {
                let (s, claims) = current.take().expect("checked");
                if visit(&String::from_utf8_lossy(&s), claims)?.is_break() {
                    return Ok(ControlFlow::Break(()));
                }
            }
            let state = decode::<ClaimState>(SUBJECTS, k, v)?;
            current
                .get_or_insert_with(|| (subject.to_vec(), Vec::new()))
                .1
                .push(state);
            Ok(ControlFlow::Continue(()))
        })();
        match step {
            Ok(ControlFlow::Continue(())) => true,
            Ok(ControlFlow::Break(())) => {
                stopped = true;
                false
            }
            Err(e) => {
                err = Some(e);
                false
            }
        }
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    if stopped {
        return Ok(ControlFlow::Break(()));
    }
    match current {
        Some((s, claims)) => visit(&String::from_utf8_lossy(&s), claims),
        None => Ok(ControlFlow::Continue(())),
    }
}

/// Ids of the sources that cite `id`.
pub fn cited_by(t: &dyn Tables, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    t.scan(CITED_BY, &prefix(&[id]), &mut |k, _| {
        if let Some(citing) = k.rsplit(|&b| b == 0).next() {
            out.push(String::from_utf8_lossy(citing).into_owned());
        }
        true
    })?;
    Ok(out)
}

/// Ids of the claims that rest on source `id`.
pub fn claims_of_source(t: &dyn Tables, id: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    t.scan(SOURCE_CLAIMS, &prefix(&[id]), &mut |k, _| {
        if let Some(c) = k.rsplit(|&b| b == 0).next() {
            out.push(String::from_utf8_lossy(c).into_owned());
        }
        true
    })?;
    Ok(out)
}

/// Replays events into memory, returning the tables and the seq reached.
pub fn replay<I>(
    events: I,
    to: Option<u64>,
    mut progress: impl FnMut(u64),
) -> Result<(MemTables, u64)>
where
    I: IntoIterator<Item = Result<Event>>,
{
    let events = events.into_iter();
    let expected = events.size_hint().1.unwrap_or(0);
    let mut tables = MemTables::with_capacity(to.map_or(expected, |to| expected.min(to as usize)));
    let mut reached = 0;
    for e in events {
        let e = e?;
        if to.is_some_and(|to| e.seq > to) {
            break;
        }
        apply(&mut tables, &e)?;
        reached = e.seq;
        progress(reached);
    }
    Ok((tables, reached))
}
