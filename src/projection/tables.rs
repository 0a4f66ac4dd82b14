//! The projection's tables: which there are and how the store packs each, read and write access
//! ([`Tables`], [`TablesMut`]), tables in memory ([`MemTables`]) and pending writes over read-only
//! tables ([`Overlay`]).

use crate::error::Result;
use crate::store::{Grouping, Keyspace, Visit};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A projection table. Each is a keyspace of the store, named as the table and packed as
/// [`Table::grouping`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// Claim id → `subject \0 predicate`: where the claim's state is kept in [`SUBJECTS`].
    Claims,
    /// Source states by source id.
    Sources,
    /// `subject \0 predicate \0 claim id` → claim state: what is claimed about a subject, kept
    /// together so that a subject's facts and flags are one read (packed by subject).
    Subjects,
    /// `source id \0 claim id` → empty: claims resting on a source.
    SourceClaims,
    /// `cited id \0 citing id` → empty: who cites a source.
    CitedBy,
    /// Author name → author state: who may sign, with which key.
    Authors,
    /// Flag id → dismissal state: flags a desk has dismissed, with why.
    Dismissals,
    /// Normalised alias (see [`super::aliases::subject_key`]) → alias state: another name
    /// for a subject.
    Aliases,
    /// `source id \0 seq (20 digits)` → version state: the later versions of a source, in order.
    SourceVersions,
    /// Source id → withdrawal state: the publisher withdrew the source.
    Withdrawals,
    /// `subject key \0 subject as written` → empty: the spellings of a subject that hold claims,
    /// under the key case- and spacing-insensitive lookup uses.
    SubjectNames,
    /// `claim id \0 seq` (20 decimal digits) → review state: every verdict on a claim, in order.
    Reviews,
    /// Scale name → scale state: the latest declaration of each rating scale.
    Scales,
    /// Setting key → setting state: the latest value of each ledger setting.
    Settings,
}

impl Table {
    /// All tables, in digest order (and the order of the enum).
    pub(crate) const ALL: [Table; 14] = [
        Table::Claims,
        Table::Sources,
        Table::Subjects,
        Table::SourceClaims,
        Table::CitedBy,
        Table::Authors,
        Table::Dismissals,
        Table::Aliases,
        Table::SourceVersions,
        Table::Withdrawals,
        Table::SubjectNames,
        Table::Reviews,
        Table::Scales,
        Table::Settings,
    ];

    /// The table's name: its keyspace in the store and its part of every entry hash.
    pub const fn name(self) -> &'static str {
        match self {
            Table::Claims => "p_claims",
            Table::Sources => "p_sources",
            Table::Subjects => "p_subjects",
            Table::SourceClaims => "p_source_claims",
            Table::CitedBy => "p_cited_by",
            Table::Authors => "p_authors",
            Table::Dismissals => "p_dismissals",
            Table::Aliases => "p_aliases",
            Table::SourceVersions => "p_source_versions",
            Table::Withdrawals => "p_withdrawals",
            Table::SubjectNames => "p_subject_names",
            Table::Reviews => "p_reviews",
            Table::Scales => "p_scales",
            Table::Settings => "p_settings",
        }
    }

    /// How the store packs the table: by first key part for tables scanned by prefix, by hash
    /// bucket for tables read by id.
    pub const fn grouping(self) -> Grouping {
        match self {
            Table::Subjects
            | Table::SourceClaims
            | Table::CitedBy
            | Table::SourceVersions
            | Table::SubjectNames
            | Table::Reviews => Grouping::FirstPart,
            Table::Claims
            | Table::Sources
            | Table::Authors
            | Table::Dismissals
            | Table::Aliases
            | Table::Withdrawals
            | Table::Scales
            | Table::Settings => Grouping::Hashed,
        }
    }

    /// The store keyspace holding the table.
    pub const fn keyspace(self) -> Keyspace {
        Keyspace {
            name: self.name(),
            grouping: self.grouping(),
        }
    }
}

impl From<Table> for Keyspace {
    fn from(t: Table) -> Keyspace {
        t.keyspace()
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Claim id → `subject \0 predicate`.
pub const CLAIMS: Table = Table::Claims;
/// Source states by source id.
pub const SOURCES: Table = Table::Sources;
/// `subject \0 predicate \0 claim id` → claim state.
pub const SUBJECTS: Table = Table::Subjects;
/// `source id \0 claim id` → empty.
pub(crate) const SOURCE_CLAIMS: Table = Table::SourceClaims;
/// `cited id \0 citing id` → empty.
pub(crate) const CITED_BY: Table = Table::CitedBy;
/// Author name → author state.
pub const AUTHORS: Table = Table::Authors;
/// Flag id → dismissal state.
pub const DISMISSALS: Table = Table::Dismissals;
/// Normalised alias → alias state.
pub const ALIASES: Table = Table::Aliases;
/// `source id \0 seq` → version state.
pub const SOURCE_VERSIONS: Table = Table::SourceVersions;
/// Source id → withdrawal state.
pub const WITHDRAWALS: Table = Table::Withdrawals;
/// `subject key \0 subject` → empty.
pub const SUBJECT_NAMES: Table = Table::SubjectNames;
/// `claim id \0 seq` → review state.
pub const REVIEWS: Table = Table::Reviews;
/// Scale name → scale state.
pub const SCALES: Table = Table::Scales;
/// Setting key → setting state.
pub const SETTINGS: Table = Table::Settings;
/// All tables, in digest order.
pub(crate) const TABLES: [Table; 14] = Table::ALL;

/// Read access to projection tables.
pub trait Tables {
    /// One entry.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// Entries under a prefix, in key order, until `visit` returns false.
    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()>;
    /// Every entry of a table in no particular order, for whole-table passes that do not need
    /// order (digests, counts); tables whose storage is not in key order override it.
    fn for_each_entry(&self, table: Table, visit: &mut Visit<'_>) -> Result<()> {
        self.scan(table, b"", visit)
    }
}

/// Write access, for the fold.
pub trait TablesMut: Tables {
    /// Sets (`Some`) or deletes (`None`) an entry.
    fn put(&mut self, table: Table, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()>;
    /// Adds an entry under a key the fold knows is new (a claim or source id is unique once the
    /// event is in the log), so wrappers need not read what was there.
    fn put_new(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.put(table, key, Some(value))
    }
}

/// Tables held in memory (replay, `--as-of`, tests). Hash maps, not ordered maps: a replay
/// puts and gets millions of entries and scans rarely (a scan sorts what it visits).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MemTables {
    pub(super) tables: [HashMap<Vec<u8>, Vec<u8>>; 14],
}

impl Tables for MemTables {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.tables[table as usize].get(key).cloned())
    }
    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        let mut found: Vec<(&Vec<u8>, &Vec<u8>)> = self.tables[table as usize]
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .collect();
        found.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (k, v) in found {
            if !visit(k, v) {
                break;
            }
        }
        Ok(())
    }
    fn for_each_entry(&self, table: Table, visit: &mut Visit<'_>) -> Result<()> {
        for (k, v) in &self.tables[table as usize] {
            if !visit(k, v) {
                break;
            }
        }
        Ok(())
    }
}

impl TablesMut for MemTables {
    fn put(&mut self, table: Table, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
        let t = &mut self.tables[table as usize];
        match value {
            Some(v) => {
                t.insert(key, v);
            }
            None => {
                t.remove(&key);
            }
        }
        Ok(())
    }
}

impl MemTables {
    /// Empty tables sized for about `events` events (mostly claims), so a replay does not
    /// rehash as it grows.
    pub fn with_capacity(events: usize) -> MemTables {
        let mut t = MemTables::default();
        for table in Table::ALL {
            let n = match table {
                Table::Claims | Table::Subjects | Table::SourceClaims => events,
                Table::Authors
                | Table::Dismissals
                | Table::Aliases
                | Table::SourceVersions
                | Table::Withdrawals
                | Table::Reviews
                | Table::Scales
                | Table::Settings => 0,
                Table::Sources | Table::CitedBy | Table::SubjectNames => events / 16,
            };
            t.tables[table as usize].reserve(n);
        }
        t
    }

    /// Digest of everything held.
    pub fn digest(&self) -> super::Digest {
        let mut d = super::Digest::default();
        for (table, entries) in Table::ALL.iter().zip(&self.tables) {
            for (k, v) in entries {
                d.add(*table, k, v);
            }
        }
        d
    }

    /// Number of entries in a table.
    pub fn len(&self, table: Table) -> usize {
        self.tables[table as usize].len()
    }
}

/// Pending writes over read-only tables: reads see the writes; the writes can be taken out and
/// handed to the store in one batch.
pub struct Overlay<'a, T: Tables> {
    base: &'a T,
    pending: BTreeMap<(Table, Vec<u8>), Option<Vec<u8>>>,
}

impl<'a, T: Tables> Overlay<'a, T> {
    /// An empty overlay.
    pub fn new(base: &'a T) -> Self {
        Overlay {
            base,
            pending: BTreeMap::new(),
        }
    }

    /// The writes, in table and key order.
    pub fn into_writes(self) -> Vec<(Table, Vec<u8>, Option<Vec<u8>>)> {
        self.pending
            .into_iter()
            .map(|((t, k), v)| (t, k, v))
            .collect()
    }
}

impl<T: Tables> Tables for Overlay<'_, T> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.pending.get(&(table, key.to_vec())) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(table, key),
        }
    }
    fn scan(&self, table: Table, prefix: &[u8], visit: &mut Visit<'_>) -> Result<()> {
        // Merge the base with pending writes under the prefix.
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        self.base.scan(table, prefix, &mut |k, v| {
            merged.insert(k.to_vec(), v.to_vec());
            true
        })?;
        for ((t, k), v) in self.pending.range((table, prefix.to_vec())..) {
            if *t != table || !k.starts_with(prefix) {
                break;
            }
            match v {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        }
        for (k, v) in &merged {
            if !visit(k, v) {
                break;
            }
        }
        Ok(())
    }
}

impl<T: Tables> TablesMut for Overlay<'_, T> {
    fn put(&mut self, table: Table, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<()> {
        self.pending.insert((table, key), value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{key, prefix};
    use super::*;

    #[test]
    fn the_enum_order_is_the_digest_order_and_names_are_the_stored_trees() {
        for (i, t) in Table::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
        }
        let names: Vec<_> = Table::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "p_claims",
                "p_sources",
                "p_subjects",
                "p_source_claims",
                "p_cited_by",
                "p_authors",
                "p_dismissals",
                "p_aliases",
                "p_source_versions",
                "p_withdrawals",
                "p_subject_names",
                "p_reviews",
                "p_scales",
                "p_settings"
            ]
        );
        assert_eq!(SUBJECTS.keyspace().grouping, Grouping::FirstPart);
        assert_eq!(Keyspace::from(CLAIMS).grouping, Grouping::Hashed);
    }

    #[test]
    fn mem_tables_scan_in_key_order_under_a_prefix() {
        let mut t = MemTables::default();
        for k in [key(&["b", "x"]), key(&["a", "z"]), key(&["a", "y"])] {
            t.put(SUBJECTS, k, Some(vec![])).unwrap();
        }
        let mut seen = Vec::new();
        t.scan(SUBJECTS, &prefix(&["a"]), &mut |k, _| {
            seen.push(k.to_vec());
            true
        })
        .unwrap();
        assert_eq!(seen, vec![key(&["a", "y"]), key(&["a", "z"])]);
        assert_eq!(t.len(SUBJECTS), 3);
        t.put(SUBJECTS, key(&["b", "x"]), None).unwrap();
        assert_eq!(t.len(SUBJECTS), 2);
    }

    #[test]
    fn overlay_scan_merges_pending_writes() {
        let mut base = MemTables::default();
        base.put(SUBJECTS, key(&["s", "p", "a"]), Some(vec![]))
            .unwrap();
        base.put(SUBJECTS, key(&["s", "p", "b"]), Some(vec![]))
            .unwrap();
        let mut o = Overlay::new(&base);
        o.put(SUBJECTS, key(&["s", "p", "b"]), None).unwrap();
        o.put(SUBJECTS, key(&["s", "p", "c"]), Some(vec![]))
            .unwrap();
        let mut seen = Vec::new();
        o.scan(SUBJECTS, &prefix(&["s"]), &mut |k, _| {
            seen.push(k.to_vec());
            true
        })
        .unwrap();
        assert_eq!(seen, vec![key(&["s", "p", "a"]), key(&["s", "p", "c"])]);
        assert_eq!(o.into_writes().len(), 2);
    }
}
