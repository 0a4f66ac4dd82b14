//! Subjects as a desk names them: one subject may be written `S/RES/2774`, `s/res/2774 ` or, by an
//! alias, `UNSC resolution 2774`. Lookup ignores case and spacing ([`subject_key`]); aliases
//! ([`ALIASES`]) join other names to a subject; a [`SubjectGroup`] is every spelling holding
//! claims that names the same subject, so claims filed under any of them meet.

use super::queries::{for_each_subject_claims, subject_claims, Step};
use super::state::{AliasState, ClaimState};
use super::tables::{Tables, ALIASES, SUBJECT_NAMES};
use super::{decode, prefix};
use crate::error::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;

/// The key a subject is looked up by: whitespace trimmed and collapsed, lower-cased.
pub fn subject_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Every alias, by alias key.
pub fn aliases(t: &dyn Tables) -> Result<BTreeMap<String, AliasState>> {
    let mut raw = Vec::new();
    t.scan(ALIASES, b"", &mut |k, v| {
        raw.push((k.to_vec(), v.to_vec()));
        true
    })?;
    raw.into_iter()
        .map(|(k, v)| {
            Ok((
                String::from_utf8_lossy(&k).into_owned(),
                decode(ALIASES, &k, &v)?,
            ))
        })
        .collect()
}

/// A subject and every name it goes by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectGroup {
    /// The name the desk reads it under: the spelling holding claims whose key is the subject's
    /// own, else the subject as its alias names it.
    pub subject: String,
    /// The spellings holding claims, in order (the subject's own and its aliases').
    pub spellings: Vec<String>,
    /// Its aliases, as written, in order.
    pub aliases: Vec<String>,
}

/// The aliases of a ledger (a view), for resolving names to subjects.
#[derive(Debug, Clone, Default)]
pub struct SubjectIndex {
    aliases: BTreeMap<String, AliasState>,
}

/// Longest alias chain followed (aliases of aliases); a loop stops there too.
const MAX_HOPS: usize = 16;

impl SubjectIndex {
    /// Reads the aliases of `t`.
    pub fn load(t: &dyn Tables) -> Result<SubjectIndex> {
        Ok(SubjectIndex {
            aliases: aliases(t)?,
        })
    }

    /// Whether there are no aliases.
    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty()
    }

    /// The key of the subject `name` names, following aliases, and the subject as the last alias
    /// followed writes it.
    pub fn resolve(&self, name: &str) -> (String, Option<&str>) {
        let mut key = subject_key(name);
        let mut written = None;
        let mut seen = BTreeSet::new();
        while let Some(a) = self.aliases.get(&key) {
            if seen.len() >= MAX_HOPS || !seen.insert(key.clone()) {
                break;
            }
            key = subject_key(&a.subject);
            written = Some(a.subject.as_str());
        }
        (key, written)
    }

    /// The aliases, as written, whose subject is the subject with key `key`.
    fn aliases_of(&self, key: &str) -> Vec<String> {
        self.aliases
            .values()
            .filter(|a| self.resolve(&a.alias).0 == key)
            .map(|a| a.alias.clone())
            .collect()
    }

    fn group(&self, key: &str, written: Option<&str>, spellings: Vec<String>) -> SubjectGroup {
        let subject = spellings
            .iter()
            .find(|s| subject_key(s) == key)
            .cloned()
            .or(written.map(str::to_string))
            .or_else(|| spellings.first().cloned())
            .unwrap_or_else(|| key.to_string());
        SubjectGroup {
            subject,
            spellings,
            aliases: self.aliases_of(key),
        }
    }

    /// The subject `name` names, with its spellings and aliases; `None` when no claim is filed
    /// under any of its names.
    pub fn find(&self, t: &dyn Tables, name: &str) -> Result<Option<SubjectGroup>> {
        let (key, written) = self.resolve(name);
        let mut keys = vec![key.clone()];
        keys.extend(
            self.aliases
                .keys()
                .filter(|a| self.resolve(a).0 == key)
                .cloned(),
        );
        let mut spellings = BTreeSet::new();
        for k in &keys {
            spellings.extend(spellings_under(t, k)?);
        }
        if spellings.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.group(
            &key,
            written,
            spellings.into_iter().collect(),
        )))
    }

    /// Every subject holding claims, in order of the name it is read under.
    pub fn groups(&self, t: &dyn Tables) -> Result<Vec<SubjectGroup>> {
        let mut by_key: BTreeMap<String, (Option<String>, Vec<String>)> = BTreeMap::new();
        let mut raw = Vec::new();
        t.scan(SUBJECT_NAMES, b"", &mut |k, _| {
            raw.push(k.to_vec());
            true
        })?;
        for k in raw {
            let spelling = match k.iter().position(|&b| b == 0) {
                Some(i) => String::from_utf8_lossy(&k[i + 1..]).into_owned(),
                None => continue,
            };
            let (key, written) = self.resolve(&spelling);
            let entry = by_key.entry(key).or_default();
            if entry.0.is_none() {
                entry.0 = written.map(str::to_string);
            }
            entry.1.push(spelling);
        }
        let mut groups: Vec<SubjectGroup> = by_key
            .into_iter()
            .map(|(key, (written, mut spellings))| {
                spellings.sort();
                self.group(&key, written.as_deref(), spellings)
            })
            .collect();
        groups.sort_by(|a, b| a.subject.cmp(&b.subject));
        Ok(groups)
    }

    /// Up to `n` names (spellings holding claims, and aliases) closest to `name`, closest first.
    pub fn closest(&self, t: &dyn Tables, name: &str, n: usize) -> Result<Vec<String>> {
        let want = subject_key(name);
        let mut names: BTreeSet<String> = self.aliases.values().map(|a| a.alias.clone()).collect();
        for g in self.groups(t)? {
            names.extend(g.spellings);
        }
        let mut scored: Vec<(usize, String)> = names
            .into_iter()
            .map(|s| (distance(&want, &subject_key(&s)), s))
            .collect();
        scored.sort();
        Ok(scored.into_iter().take(n).map(|(_, s)| s).collect())
    }
}

/// The spellings holding claims under subject key `key`.
fn spellings_under(t: &dyn Tables, key: &str) -> Result<Vec<String>> {
    let p = prefix(&[key]);
    let mut out = Vec::new();
    t.scan(SUBJECT_NAMES, &p, &mut |k, _| {
        out.push(String::from_utf8_lossy(&k[p.len()..]).into_owned());
        true
    })?;
    Ok(out)
}

/// Edit distance (insertions, deletions, substitutions) between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Every claim of a subject group, in predicate then id order (as [`subject_claims`] gives one
/// spelling's).
pub fn group_claims(t: &dyn Tables, group: &SubjectGroup) -> Result<Vec<ClaimState>> {
    let mut claims = Vec::new();
    for s in &group.spellings {
        claims.extend(subject_claims(t, s)?);
    }
    sort_claims(&mut claims);
    Ok(claims)
}

fn sort_claims(claims: &mut [ClaimState]) {
    claims
        .sort_by(|a, b| (&a.claim.predicate, &a.claim.id).cmp(&(&b.claim.predicate, &b.claim.id)));
}

/// Every subject group with its claims, read in one pass over the subject table: a group of one
/// spelling is handed on as it is read, a group of several once its last spelling is read.
/// `visit` returns [`ControlFlow::Break`] to stop early.
pub fn for_each_group_claims(
    t: &dyn Tables,
    index: &SubjectIndex,
    visit: &mut dyn FnMut(&SubjectGroup, Vec<ClaimState>) -> Step,
) -> Step {
    let groups = index.groups(t)?;
    let mut of_spelling: HashMap<&str, usize> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        for s in &g.spellings {
            of_spelling.insert(s.as_str(), i);
        }
    }
    let mut pending: HashMap<usize, (usize, Vec<ClaimState>)> = HashMap::new();
    let walked = for_each_subject_claims(t, &mut |s, claims| {
        let Some(&i) = of_spelling.get(s) else {
            // A spelling the names table does not hold: read it on its own.
            let lone = SubjectGroup {
                subject: s.to_string(),
                spellings: vec![s.to_string()],
                aliases: Vec::new(),
            };
            return visit(&lone, claims);
        };
        let g = &groups[i];
        if g.spellings.len() == 1 {
            return visit(g, claims);
        }
        let (seen, held) = pending.entry(i).or_default();
        *seen += 1;
        held.extend(claims);
        if *seen < g.spellings.len() {
            return Ok(ControlFlow::Continue(()));
        }
        let (_, mut held) = pending.remove(&i).expect("held");
        sort_claims(&mut held);
        visit(g, held)
    })?;
    if walked.is_break() {
        return Ok(walked);
    }
    // Groups some of whose spellings hold no claim in this view (a filtered view), in order.
    let mut rest: Vec<(usize, Vec<ClaimState>)> = pending
        .into_iter()
        .map(|(i, (_, held))| (i, held))
        .collect();
    rest.sort_by_key(|(i, _)| *i);
    for (i, mut held) in rest {
        sort_claims(&mut held);
        if visit(&groups[i], held)?.is_break() {
            return Ok(ControlFlow::Break(()));
        }
    }
    Ok(ControlFlow::Continue(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_spacing() {
        assert_eq!(subject_key("  S/RES/2774\t(2025) "), "s/res/2774 (2025)");
        assert_eq!(subject_key("UNSC  Resolution 2774"), "unsc resolution 2774");
    }

    #[test]
    fn the_summary_digest_is_the_digest_of_the_replayed_tables_with_aliases_versions_and_withdrawals(
    ) {
        use crate::model::event::{
            Claim, Event, EventBody, SourceRevision, SubjectAlias, Withdrawal,
        };
        use crate::model::value::Value;
        let claim = |id: &str, subject: &str| {
            EventBody::ClaimAsserted(Claim {
                id: id.into(),
                source: "s".into(),
                subject: subject.into(),
                predicate: "p".into(),
                value: Value::Text("v".into()),
                supersedes: None,
                note: None,
                claimant: None,
                excerpt: None,
            })
        };
        let alias = |a: &str, s: &str| {
            EventBody::SubjectAliased(SubjectAlias {
                alias: a.into(),
                subject: s.into(),
            })
        };
        let withdraw = |r: &str| {
            EventBody::SourceWithdrawn(Withdrawal {
                source: "s".into(),
                reason: r.into(),
            })
        };
        let bodies = vec![
            claim("c1", "X"),
            claim("c2", "x "),
            claim("c3", "Y"),
            alias("Y", "X"),
            alias("y", "Z"),
            EventBody::SourceRevised(SourceRevision {
                source: "s".into(),
                text: None,
                title: Some("t".into()),
                url: None,
                note: None,
            }),
            withdraw("gone"),
            withdraw("gone again"),
        ];
        let events: Vec<Event> = bodies
            .into_iter()
            .enumerate()
            .map(|(i, b)| Event::new(i as u64 + 1, 0, "t".into(), [0; 32], b))
            .collect();
        let (tables, _) =
            super::super::replay(events.iter().cloned().map(Ok), None, |_| {}).expect("replay");
        let summary = super::super::replay_summary(
            events.iter().cloned().map(Ok),
            None,
            &mut |seq| Ok(events[seq as usize - 1].clone()),
            |_| {},
        )
        .expect("summary");
        assert_eq!(summary.digest, tables.digest());
        let index = SubjectIndex::load(&tables).expect("index");
        let groups = index.groups(&tables).expect("groups");
        // The later alias moved Y to Z: X holds its two spellings, Y is read as Z.
        let names: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.subject.as_str(),
                    g.spellings.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(names, [("X", vec!["X", "x "]), ("Z", vec!["Y"])]);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("nope", "nope"), 0);
        assert_eq!(distance("s/res/2774", "s/res/2775"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
