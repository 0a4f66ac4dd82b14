//! Every flag the ledger raises, for one subject or all, over a projection view: the claim
//! rules ([`check`]) over each subject's live claims, with the texts their quotes cite fetched
//! first, plus the provenance flags for those claims and for the sources.

use super::provenance as chain_flags;
use super::quotes::comparable_text;
use super::{
    check, check_only, Archive, Family, Flag, FlagCode, LiveClaim, SourceText, SourceTexts, Wants,
    RULES,
};
use crate::error::Result;
use crate::ledger::Ledger;
use crate::projection::aliases::{for_each_group_claims, group_claims, SubjectIndex};
use crate::projection::{self, versions, ClaimState, Liveness, Tables, Visit, SOURCES};
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
    fn earlier_texts(&self, source_id: &str) -> Result<Vec<Rc<str>>> {
        let mut history = versions::text_history(self.tables, source_id)?;
        history.pop();
        let mut out = Vec::with_capacity(history.len());
        for t in history {
            if let Some(text) = self.ledger.text(&t.hash)? {
                out.push(Rc::from(comparable_text(&text)));
            }
        }
        Ok(out)
    }

    fn source_text(&self, source_id: &str) -> Result<SourceText> {
        if let Some(t) = self.cache.borrow().get(source_id) {
            return Ok(t.clone());
        }
        // The current text: the latest version's, else the one registered.
        let text = match versions::current_text(self.tables, source_id)? {
            None => SourceText::NotArchived,
            Some(t) => match self.ledger.text(&t.hash)? {
                Some(text) => SourceText::Archived(text),
                None => SourceText::NotArchived,
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
        // (Earlier versions are read by `earlier_texts`, only for revised sources.)
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

/// Whether some wanted claim rule may read archived texts: every rule outside the families that
/// only compare values (so a rule added later that reads texts gets them).
fn wants_texts(wants: Wants<'_>) -> bool {
    RULES.iter().any(|r| {
        r.check.is_some()
            && wants(r.code)
            && !matches!(r.family, Family::Values | Family::Dates | Family::Votes)
    })
}

/// The claim rules and the claim-level provenance flags for one subject's live claims (claims
/// filed under any of its spellings and aliases count as the subject's), raising only the codes
/// `wants` accepts (and running only the rules, and reading only the texts, those need).
fn claims_flags(
    t: &SourceCache,
    archive: &ViewArchive,
    chains: &mut Chains,
    subject: &str,
    claims: Vec<ClaimState>,
    wants: Wants<'_>,
) -> Result<Vec<Flag>> {
    let mut live = Vec::new();
    let mut flags = Vec::new();
    let chain_codes = wants(FlagCode::NoPrimarySource) || wants(FlagCode::RetractedSource);
    for c in claims {
        if projection::liveness_with(&c, &mut |id| t.live_source(id))? == Liveness::Live {
            // Under the subject's name, whichever of its names the claim was filed under.
            if chain_codes {
                for mut f in chain_flags::claim_flags(t, chains, &c)? {
                    if wants(f.code) {
                        f.subject = subject.to_string();
                        flags.push(f);
                    }
                }
            }
            live.push(LiveClaim {
                id: c.claim.id,
                source: c.claim.source,
                subject: subject.to_string(),
                predicate: c.claim.predicate,
                value: c.claim.value,
                excerpt: c.claim.excerpt,
            });
        }
    }
    // Texts first, then the pure rules: `check` cannot reach the store.
    let texts = if wants_texts(wants) {
        SourceTexts::fetch(subject, &live, archive)?
    } else {
        SourceTexts::default()
    };
    flags.extend(check_only(subject, &live, &texts, wants));
    Ok(flags)
}

/// Flags about one subject: claim rules and provenance flags for its live claims (under every
/// spelling and alias, when it holds claims), and the source flags when the subject is a source
/// id.
pub fn subject_flags(
    t: &dyn Tables,
    ledger: &Ledger,
    chains: &mut Chains,
    subject: &str,
) -> Result<Vec<Flag>> {
    let index = SubjectIndex::load(t)?;
    let mut flags = match index.find(t, subject)? {
        Some(group) => {
            let claims = group_claims(t, &group)?;
            let archive = ViewArchive::new(t, ledger);
            claims_flags(
                &SourceCache::new(t),
                &archive,
                chains,
                &group.subject,
                claims,
                &|_| true,
            )?
        }
        None => Vec::new(),
    };
    flags.extend(chain_flags::source_flags(t, chains, subject)?);
    Withdrawn::default().mark(t, &mut flags)?;
    // Verdict flags on claims filed under any name of the subject, under its name.
    let wanted = index.resolve(subject).0;
    for mut f in super::verdicts::verdicts_disagree(t)? {
        if index.resolve(&f.subject).0 == wanted {
            if let Some(group) = index.find(t, &f.subject)? {
                f.subject = group.subject;
            }
            flags.push(f);
        }
    }
    flags.sort();
    flags.dedup();
    Ok(flags)
}

/// Which sources their publishers withdrew, remembered as they are looked up.
#[derive(Default)]
struct Withdrawn(HashMap<String, bool>);

impl Withdrawn {
    /// Sets each flag's `withdrawn_sources`.
    fn mark(&mut self, t: &dyn Tables, flags: &mut [Flag]) -> Result<()> {
        for f in flags {
            let mut out = Vec::new();
            for s in &f.sources {
                let w = match self.0.get(s) {
                    Some(&w) => w,
                    None => {
                        let w = versions::withdrawal(t, s)?.is_some();
                        self.0.insert(s.clone(), w);
                        w
                    }
                };
                if w {
                    out.push(s.clone());
                }
            }
            out.sort();
            f.withdrawn_sources = out;
        }
        Ok(())
    }
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
    for_each_flag_of(t, ledger, &|_| true, visit)
}

/// As [`for_each_flag`], for the codes `wants` accepts only: the rules raising other codes are
/// not run (a pass per severity costs the rules of that severity, not every rule).
pub(crate) fn for_each_flag_of(
    t: &dyn Tables,
    ledger: &Ledger,
    wants: Wants<'_>,
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
    if wants(FlagCode::DanglingCitation) || wants(FlagCode::CircularCitation) {
        for id in &sources {
            for f in chain_flags::source_flags(t, &mut chains, id)? {
                if wants(f.code) {
                    source_flags.entry(f.subject.clone()).or_default().push(f);
                }
            }
        }
    }
    // Verdict flags are few too (one pass over the reviews), merged the same way, under the
    // name of the subject their claim was filed under.
    if wants(FlagCode::VerdictsDisagree) {
        let names = SubjectIndex::load(t)?;
        for mut f in super::verdicts::verdicts_disagree(t)? {
            if let Some(group) = names.find(t, &f.subject)? {
                f.subject = group.subject;
            }
            source_flags.entry(f.subject.clone()).or_default().push(f);
        }
    }
    let archive = ViewArchive::new(t, ledger);
    let mut withdrawn = Withdrawn::default();
    let mut emit = |subject: &str, mut flags: Vec<Flag>| -> Result<ControlFlow<()>> {
        withdrawn.mark(t, &mut flags)?;
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
    let index = SubjectIndex::load(t)?;
    let walked = for_each_group_claims(t, &index, &mut |group, claims| {
        let s = group.subject.as_str();
        while let Some((subject, _)) = pending.peek() {
            if subject.as_str() >= s {
                break;
            }
            let (subject, flags) = pending.next().expect("peeked");
            if emit(&subject, flags)?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        let mut flags = claims_flags(&cached, &archive, &mut chains, s, claims, wants)?;
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
