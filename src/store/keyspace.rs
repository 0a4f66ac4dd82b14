//! Keyspaces: named sets of (key, value) entries the store keeps for its caller without knowing
//! what they mean (the projection's tables), and the grouped packing they share with the index.
//!
//! sled pays per key (see [`pack`]), so entries are packed into groups, one sled value each:
//! by the first component of the key for keyspaces scanned by prefix (a subject's claims are
//! one value), by hash bucket for keyspaces looked up by id. The caller says which, per
//! keyspace, with [`Grouping`]; one sled tree holds each keyspace, named as the keyspace.

use super::{db::Store, pack, StoreError, Visit};
use std::collections::BTreeMap;

/// How a keyspace's entries are packed into sled values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grouping {
    /// One value per first key component (up to and including the first NUL): a prefix scan
    /// for `subject\0` reads one value, and scans come out in key order.
    FirstPart,
    /// One value per hash bucket of the whole key: for keys read by id.
    Hashed,
}

/// A keyspace as its owner describes it: a name (the sled tree's) and how it is packed. The
/// owner must always describe a keyspace the same way; the store refuses a second grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Keyspace {
    /// Name, unique among keyspaces and not one of the store's own trees.
    pub name: &'static str,
    /// How entries are packed.
    pub grouping: Grouping,
}

/// One write to a keyspace: (keyspace, key, value or `None` to delete).
pub type KeyWrite = (Keyspace, Vec<u8>, Option<Vec<u8>>);

/// Keyspace writes made in one step, in this order: `before` records, `clear`, `writes`,
/// `after` records. sled's recovery keeps a prefix of its log, so a crash part-way leaves the
/// `before` records without the `after` ones: an owner marks work in progress that way.
#[derive(Debug, Default)]
pub struct KeyspaceUpdate {
    /// Owner records (see [`super::Backend::owner_record`]) written first.
    pub before: Vec<(&'static str, Vec<u8>)>,
    /// Keyspaces emptied before the writes.
    pub clear: Vec<Keyspace>,
    /// Entry writes.
    pub writes: Vec<KeyWrite>,
    /// Owner records written last.
    pub after: Vec<(&'static str, Vec<u8>)>,
}

/// Where a logical key lives: the sled key of its group and the key within the group.
pub(super) fn locate(grouping: Grouping, key: &[u8]) -> (Vec<u8>, &[u8]) {
    match grouping {
        Grouping::FirstPart => {
            let cut = key
                .iter()
                .position(|&b| b == 0)
                .map_or(key.len(), |i| i + 1);
            (key[..cut].to_vec(), &key[cut..])
        }
        Grouping::Hashed => (pack::bucket(key).to_vec(), key),
    }
}

/// Groups rewritten by one write: (group key → entry key → value, `None` to delete).
pub(super) type GroupWrites = BTreeMap<Vec<u8>, BTreeMap<Vec<u8>, Option<Vec<u8>>>>;

/// Names in `meta` that belong to the store; an owner record may not use them.
pub(super) const STORE_RECORDS: [&str; 4] = ["store_version", "head", "block_events", "buckets"];

fn group_damaged(space: &str, gkey: &[u8], m: pack::PackError) -> StoreError {
    StoreError::Corrupt(format!(
        "projection table {space}: the group '{}' is malformed: {m}",
        String::from_utf8_lossy(gkey)
    ))
}

impl Store {
    /// The sled tree of a keyspace, opened on first use.
    pub(super) fn space(&self, space: Keyspace) -> Result<sled::Tree, StoreError> {
        let mut spaces = self.spaces.borrow_mut();
        if let Some((known, tree)) = spaces.iter().find(|(k, _)| k.name == space.name) {
            if known.grouping != space.grouping {
                return Err(StoreError::Corrupt(format!(
                    "keyspace '{}' was used with two groupings",
                    space.name
                )));
            }
            return Ok(tree.clone());
        }
        if super::db::OWN_TREES.contains(&space.name) {
            return Err(StoreError::Corrupt(format!(
                "'{}' is one of the store's own trees, not a keyspace",
                space.name
            )));
        }
        let tree = self
            .db
            .open_tree(space.name)
            .map_err(|e| self.sled_err(e))?;
        spaces.push((space, tree.clone()));
        Ok(tree)
    }

    /// One keyspace entry.
    pub fn table_get(
        &self,
        space: impl Into<Keyspace>,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let space = space.into();
        let tree = self.space(space)?;
        let (gkey, ekey) = locate(space.grouping, key);
        let Some(b) = tree.get(&gkey).map_err(|e| self.sled_err(e))? else {
            return Ok(None);
        };
        pack::group_get(&b, ekey)
            .map(|v| v.map(<[u8]>::to_vec))
            .map_err(|m| group_damaged(space.name, &gkey, m))
    }

    /// Visits the keyspace entries whose key starts with `prefix`, in key order, until `visit`
    /// returns false.
    pub(crate) fn table_scan(
        &self,
        space: Keyspace,
        prefix: &[u8],
        visit: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        let tree = self.space(space)?;
        let mut full = Vec::new();
        match space.grouping {
            Grouping::FirstPart => {
                let groups: Box<dyn Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> =
                    if prefix.contains(&0) {
                        // The prefix names one group.
                        let (gkey, _) = locate(space.grouping, prefix);
                        let got = tree.get(&gkey).map_err(|e| self.sled_err(e))?;
                        Box::new(got.map(|v| Ok((sled::IVec::from(gkey), v))).into_iter())
                    } else {
                        Box::new(tree.scan_prefix(prefix))
                    };
                for item in groups {
                    let (gkey, b) = item.map_err(|e| self.sled_err(e))?;
                    let mut go_on = true;
                    pack::walk_group(&b, &mut |k, v| {
                        full.clear();
                        full.extend_from_slice(&gkey);
                        full.extend_from_slice(k);
                        if full.starts_with(prefix) {
                            go_on = visit(&full, v);
                        }
                        go_on
                    })
                    .map_err(|m| group_damaged(space.name, &gkey, m))?;
                    if !go_on {
                        break;
                    }
                }
            }
            Grouping::Hashed => {
                // Buckets are in hash order; callers get key order.
                let mut found: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
                self.table_entries(space, &mut |k, v| {
                    if k.starts_with(prefix) {
                        found.push((k.to_vec(), v.to_vec()));
                    }
                    true
                })?;
                found.sort_unstable();
                for (k, v) in &found {
                    if !visit(k, v) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Visits every entry of a keyspace in storage order (not key order), until `visit`
    /// returns false: for whole-keyspace passes such as digests.
    pub(crate) fn table_entries(
        &self,
        space: Keyspace,
        visit: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        if space.grouping == Grouping::FirstPart {
            return self.table_scan(space, b"", visit);
        }
        for item in self.space(space)?.iter() {
            let (gkey, b) = item.map_err(|e| self.sled_err(e))?;
            let mut go_on = true;
            pack::walk_group(&b, &mut |k, v| {
                go_on = visit(k, v);
                go_on
            })
            .map_err(|m| group_damaged(space.name, &gkey, m))?;
            if !go_on {
                break;
            }
        }
        Ok(())
    }

    /// A record the keyspaces' owner keeps in `meta`.
    pub(crate) fn owner_record(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .meta
            .get(name)
            .map_err(|e| self.sled_err(e))?
            .map(|v| v.to_vec()))
    }

    fn put_owner_records(&self, records: Vec<(&'static str, Vec<u8>)>) -> Result<(), StoreError> {
        for (name, value) in records {
            if STORE_RECORDS.contains(&name) {
                return Err(StoreError::Corrupt(format!(
                    "'{name}' is one of the store's own records"
                )));
            }
            self.meta
                .insert(name, value)
                .map_err(|e| self.sled_err(e))?;
        }
        Ok(())
    }

    /// Writes a keyspace update into sled, leaving durability to the caller.
    pub(super) fn write_keyspaces_unsynced(
        &self,
        update: KeyspaceUpdate,
    ) -> Result<(), StoreError> {
        self.put_owner_records(update.before)?;
        for space in update.clear {
            self.space(space)?.clear().map_err(|e| self.sled_err(e))?;
        }
        let mut per_space: BTreeMap<Keyspace, GroupWrites> = BTreeMap::new();
        for (space, key, value) in update.writes {
            let (gkey, ekey) = locate(space.grouping, &key);
            per_space
                .entry(space)
                .or_default()
                .entry(gkey)
                .or_default()
                .insert(ekey.to_vec(), value);
        }
        for (space, groups) in per_space {
            let tree = self.space(space)?;
            self.write_groups(&tree, space.name, groups, &|_, _| false)?;
        }
        self.put_owner_records(update.after)
    }

    /// Merges writes into their groups and writes each group back once, in sled batches of
    /// bounded size. `stale` names existing entries to drop while a group is rewritten.
    pub(super) fn write_groups(
        &self,
        tree: &sled::Tree,
        what: &str,
        groups: GroupWrites,
        stale: &dyn Fn(&[u8], &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        let mut out = super::db::Batcher::new(self, tree);
        for (gkey, writes) in groups {
            let existing = tree.get(&gkey).map_err(|e| self.sled_err(e))?;
            let mut merged: BTreeMap<&[u8], &[u8]> = BTreeMap::new();
            if let Some(b) = &existing {
                let entries = pack::group_entries(b).map_err(|m| {
                    StoreError::Corrupt(format!(
                        "{what}: the group '{}' is malformed: {m}",
                        String::from_utf8_lossy(&gkey)
                    ))
                })?;
                for (k, v) in entries {
                    if !stale(k, v) {
                        merged.insert(k, v);
                    }
                }
            }
            for (k, v) in &writes {
                match v {
                    Some(v) => merged.insert(k.as_slice(), v.as_slice()),
                    None => merged.remove(k.as_slice()),
                };
            }
            let value = (!merged.is_empty()).then(|| pack::encode_group(merged));
            out.put(gkey, value)?;
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BY_PART: Keyspace = Keyspace {
        name: "t_by_part",
        grouping: Grouping::FirstPart,
    };
    const BY_ID: Keyspace = Keyspace {
        name: "t_by_id",
        grouping: Grouping::Hashed,
    };

    #[test]
    fn locate_groups_by_first_part_or_by_bucket() {
        assert_eq!(
            locate(Grouping::FirstPart, b"s\0p\0c"),
            (b"s\0".to_vec(), &b"p\0c"[..])
        );
        assert_eq!(locate(Grouping::FirstPart, b"s"), (b"s".to_vec(), &b""[..]));
        let (g, k) = locate(Grouping::Hashed, b"id-1");
        assert_eq!((g, k), (pack::bucket(b"id-1").to_vec(), &b"id-1"[..]));
    }

    fn write(store: &Store, writes: Vec<KeyWrite>) {
        store
            .write_keyspaces_unsynced(KeyspaceUpdate {
                writes,
                ..KeyspaceUpdate::default()
            })
            .unwrap();
    }

    fn scan(store: &Store, space: Keyspace, prefix: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        store
            .table_scan(space, prefix, &mut |k, _| {
                out.push(k.to_vec());
                true
            })
            .unwrap();
        out
    }

    #[test]
    fn entries_round_trip_and_scan_in_key_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("l")).unwrap();
        let put = |s, k: &[u8]| (s, k.to_vec(), Some(k.to_vec()));
        write(
            &store,
            vec![
                put(BY_PART, b"b\0y"),
                put(BY_PART, b"a\0z"),
                put(BY_PART, b"a\0x"),
                put(BY_ID, b"k2"),
                put(BY_ID, b"k1"),
            ],
        );
        assert_eq!(
            store.table_get(BY_PART, b"a\0x").unwrap(),
            Some(b"a\0x".to_vec())
        );
        assert_eq!(store.table_get(BY_PART, b"a\0q").unwrap(), None);
        assert_eq!(
            scan(&store, BY_PART, b""),
            vec![b"a\0x".to_vec(), b"a\0z".to_vec(), b"b\0y".to_vec()]
        );
        assert_eq!(
            scan(&store, BY_PART, b"a\0"),
            vec![b"a\0x".to_vec(), b"a\0z".to_vec()]
        );
        assert_eq!(
            scan(&store, BY_ID, b"k"),
            vec![b"k1".to_vec(), b"k2".to_vec()]
        );
        write(&store, vec![(BY_PART, b"a\0x".to_vec(), None)]);
        assert_eq!(scan(&store, BY_PART, b"a"), vec![b"a\0z".to_vec()]);
    }

    #[test]
    fn a_keyspace_is_refused_a_second_grouping_or_a_store_tree_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("l")).unwrap();
        store.table_get(BY_ID, b"k").unwrap();
        let other = Keyspace {
            grouping: Grouping::FirstPart,
            ..BY_ID
        };
        assert!(store.table_get(other, b"k").is_err());
        let own = Keyspace {
            name: "blocks",
            grouping: Grouping::Hashed,
        };
        assert!(store.table_get(own, b"k").is_err());
    }

    #[test]
    fn owner_records_are_written_around_the_entries_and_may_not_be_the_stores() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("l")).unwrap();
        store
            .write_keyspaces_unsynced(KeyspaceUpdate {
                before: vec![("owner", b"busy".to_vec())],
                clear: vec![BY_ID],
                writes: vec![(BY_ID, b"k".to_vec(), Some(vec![1]))],
                after: vec![("owner", b"done".to_vec())],
            })
            .unwrap();
        assert_eq!(store.owner_record("owner").unwrap(), Some(b"done".to_vec()));
        let err = store
            .write_keyspaces_unsynced(KeyspaceUpdate {
                after: vec![("head", vec![0])],
                ..KeyspaceUpdate::default()
            })
            .unwrap_err();
        assert!(err.to_string().contains("'head'"), "{err}");
    }
}
