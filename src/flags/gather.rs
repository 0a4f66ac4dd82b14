//! Every flag the ledger raises, for one subject or all, over a projection view: the claim
//! rules ([`check`]) over each subject's live claims, with the texts their quotes cite fetched
//! first, plus the provenance flags for those claims and for the sources.

use super::provenance as chain_flags;
use super::quotes::comparable_text;
use super::{check, Archive, Flag, LiveClaim, SourceText, SourceTexts};
use crate::error::Result;
use crate::ledger::Ledger;
use crate::projection::{self, ClaimState, Liveness, Tables, Visit, SOURCES};
use crate::provenance::Chains;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::rc::Rc;

/// Archived texts as of a view: the source's text reference comes from the view, the text from
/// the store (texts are content-addressed and never change).
pub(crate) struct ViewArchive<'a> {
    /// The projection view.
    pub tables: &'a dyn Tables,
    /// The ledger holding the texts.
    pub ledger: &'a Ledger,
    /// Texts already read (and checked against their hash), by source: a source is usually
    /// quoted by many claims across many subjects.
    cache: RefCell<BTreeMap<String, SourceText>>,
    /// Comparison forms of texts already normalised, by source.
    comparable: RefCell<BTreeMap<String, Option<Rc<str>>>>,
}

impl<'a> ViewArchive<'a> {
    /// An archive over a view, with an empty cache.
    pub fn new(tables: &'a dyn Tables, ledger: &'a Ledger) -> Self {
        ViewArchive {
            tables,
            ledger,
            cache: RefCell::new(BTreeMap::new()),
            comparable: RefCell::new(BTreeMap::new()),
        }
    }
}

impl Archive for ViewArchive<'_> {
    fn source_text(&self, source_id: &str) -> Result<SourceText> {
        if let Some(t) = self.cache.borrow().get(source_id) {
            return Ok(t.clone());
        }
        let text = match projection::source(self.tables, source_id)? {
            None => SourceText::NotArchived,
            Some(s) => match &s.source.text {
                None => SourceText::NotArchived,
                Some(t) => match self.ledger.text(&t.hash)? {
                    Some(text) => SourceText::Archived(text),
                    None => SourceText::NotArchived,
                },
            },
        };
        self.cache
            .borrow_mut()
            .insert(source_id.to_string(), text.clone());
        Ok(text)
    }

    fn comparable_text(&self, source_id: &str) -> Result<Option<Rc<str>>> {
        if let Some(t) = self.comparable.borrow().get(source_id) {
            return Ok(t.clone());
        }
        let text = match self.source_text(source_id)? {
            SourceText::Archived(t) => Some(Rc::from(comparable_text(&t))),
            SourceText::NotArchived => None,
        };
        // The raw text is not needed again once its comparison form is kept.
        self.cache.borrow_mut().remove(source_id);
        self.comparable
            .borrow_mut()
            .insert(source_id.to_string(), text.clone());
        Ok(text)
    }
}

/// Every claim rule over one subject's live claims, reading the texts their quotes cite from
/// `archive` first (once per source); see [`check`]. Errors come only from the archive (a
/// damaged store).
pub fn check_subject(
    subject: &str,
    claims: &[LiveClaim],
    archive: &dyn Archive,
) -> Result<Vec<Flag>> {
    let texts = SourceTexts::fetch(subject, claims, archive)?;
    Ok(check(subject, claims, &texts))
}

/// The claim rules and the claim-level provenance flags for one subject's live claims.
fn claim_flags(
    t: &dyn Tables,
    archive: &ViewArchive,
    chains: &mut Chains,
    subject: &str,
) -> Result<Vec<Flag>> {
    let claims = projection::subject_claims(t, subject)?;
    claims_flags(&SourceCache::new(t), archive, chains, subject, claims)
}

/// As [`claim_flags`], for claims already read.
fn claims_flags(
    t: &SourceCache,
    archive: &ViewArchive,
    chains: &mut Chains,
    subject: &str,
    claims: Vec<ClaimState>,
) -> Result<Vec<Flag>> {
    let mut live = Vec::new();
    let mut flags = Vec::new();
    for c in claims {
        if projection::liveness_with(&c, &mut |id| t.live_source(id))? == Liveness::Live {
            flags.extend(chain_flags::claim_flags(t, chains, &c)?);
            live.push(LiveClaim {
                id: c.claim.id,
                source: c.claim.source,
                subject: c.claim.subject,
                predicate: c.claim.predicate,
                value: c.claim.value,
            });
        }
    }
    // Texts first, then the pure rules: `check` cannot reach the store.
    let texts = SourceTexts::fetch(subject, &live, archive)?;
    flags.extend(check(subject, &live, &texts));
    Ok(flags)
}

/// Flags about one subject: claim rules and provenance flags for its live claims, and the source
/// flags when the subject is a source id.
pub fn subject_flags(
    t: &dyn Tables,
    ledger: &Ledger,
    chains: &mut Chains,
    subject: &str,
) -> Result<Vec<Flag>> {
    let mut flags = claim_flags(t, &ViewArchive::new(t, ledger), chains, subject)?;
    flags.extend(chain_flags::source_flags(t, chains, subject)?);
    flags.extend(
        super::verdicts::verdicts_disagree(t)?
            .into_iter()
            .filter(|f| f.subject == subject),
    );
    flags.sort();
    Ok(flags)
}

/// A view that remembers the sources it has read: a whole-ledger pass looks every claim's source
/// up (for liveness and provenance), and a desk quotes the same sources across many subjects.
struct SourceCache<'a> {
    inner: &'a dyn Tables,
    sources: RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
    /// Whether each source looked up is registered and not retracted.
    standing: RefCell<HashMap<String, bool>>,
}

impl<'a> SourceCache<'a> {
    fn new(inner: &'a dyn Tables) -> Self {
        SourceCache {
            inner,
            sources: RefCell::new(HashMap::new()),
            standing: RefCell::new(HashMap::new()),
        }
    }

    /// [`projection::source_live`], decoded once per source.
    fn live_source(&self, id: &str) -> Result<bool> {
        if let Some(&live) = self.standing.borrow().get(id) {
            return Ok(live);
        }
        let live = projection::source_live(self, id)?;
        self.standing.borrow_mut().insert(id.to_string(), live);
        Ok(live)
    }
}

impl Tables for SourceCache<'_> {
    fn get(&self, table: projection::Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if table != SOURCES {
            return self.inner.get(table, key);
        }
        if let Some(v) = self.sources.borrow().get(key) {
            return Ok(v.clone());
        }
        let v = self.inner.get(table, key)?;
        self.sources.borrow_mut().insert(key.to_vec(), v.clone());
        Ok(v)
    }
    fn scan(&self, table: projection::Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        self.inner.scan(table, prefix, visit)
    }
}

/// Visits every flag in the ledger (as of the view) in order of subject, code, predicate and
/// claims, one subject at a time: memory holds one subject's flags, not the ledger's. `visit`
/// returns [`ControlFlow::Break`] to stop the walk (its caller failed to take the flag: a closed
/// pipe, a full disk); the walk then returns it without reading further.
pub(crate) fn for_each_flag(
    t: &dyn Tables,
    ledger: &Ledger,
    visit: &mut dyn FnMut(Flag) -> Result<ControlFlow<()>>,
) -> Result<ControlFlow<()>> {
    let cached = SourceCache::new(t);
    let t: &dyn Tables = &cached;
    let mut chains = Chains::default();
    // Source flags are few (one pass over the sources); they are merged into the subject order
    // below, under the source id as their subject.
    let mut sources = Vec::new();
    t.scan(SOURCES, b"", &mut |k, _| {
        sources.push(String::from_utf8_lossy(k).into_owned());
        true
    })?;
    let mut source_flags: BTreeMap<String, Vec<Flag>> = BTreeMap::new();
    for id in &sources {
        for f in chain_flags::source_flags(t, &mut chains, id)? {
            source_flags.entry(f.subject.clone()).or_default().push(f);
        }
    }
    // Verdict flags are few too (one pass over the reviews), merged the same way.
    for f in super::verdicts::verdicts_disagree(t)? {
        source_flags.entry(f.subject.clone()).or_default().push(f);
    }
    let archive = ViewArchive::new(t, ledger);
    let mut emit = |subject: &str, mut flags: Vec<Flag>| -> Result<ControlFlow<()>> {
        flags.sort_by(|a, b| {
            (&a.code, &a.predicate, &a.claims).cmp(&(&b.code, &b.predicate, &b.claims))
        });
        flags.dedup();
        debug_assert!(flags.iter().all(|f| f.subject == subject));
        for f in flags {
            if visit(f)?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    };
    let mut pending = source_flags.into_iter().peekable();
    let walked = projection::for_each_subject_claims(t, &mut |s, claims| {
        while let Some((subject, _)) = pending.peek() {
            if subject.as_str() >= s {
                break;
            }
            let (subject, flags) = pending.next().expect("peeked");
            if emit(&subject, flags)?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        let mut flags = claims_flags(&cached, &archive, &mut chains, s, claims)?;
        if pending.peek().is_some_and(|(subject, _)| subject == s) {
            flags.extend(pending.next().expect("peeked").1);
        }
        emit(s, flags)
    })?;
    if walked.is_break() {
        return Ok(walked);
    }
    for (subject, flags) in pending {
        if emit(&subject, flags)?.is_break() {
            return Ok(ControlFlow::Break(()));
        }
    }
    Ok(ControlFlow::Continue(()))
}

/// Every flag in the ledger (as of the view), sorted by subject, code, predicate and claims.
pub fn all_flags(t: &dyn Tables, ledger: &Ledger) -> Result<Vec<Flag>> {
    let mut flags = Vec::new();
    for_each_flag(t, ledger, &mut |f| {
        flags.push(f);
        Ok(ControlFlow::Continue(()))
    })
    .map(drop)?;
    Ok(flags)
}
