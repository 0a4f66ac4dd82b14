//! Layout conversion and the layout parameters every open checks.
//!
//! Layout 1 (factledger before blocks and buckets) kept one sled key per event (tree `events`:
//! seq → record) and per index entry (tree `ids`: key → seq). Opening such a store converts it:
//! the new trees are written beside the old ones and the version switches only once they are
//! durable, so a crash part-way leaves the old layout intact and the next open starts again.

use super::{db::Store, keyspace::STORE_RECORDS, pack, StoreError, STORE_VERSION};

/// The trees of layout 1.
pub(super) const LAYOUT_1_TREES: [&str; 2] = ["events", "ids"];

impl Store {
    /// Converts a layout-1 store to this layout. Every keyspace is emptied and every owner
    /// record removed: what they held was derived from the log in the old layout, and their
    /// owner (the projection) rebuilds them when it finds its record gone.
    pub(super) fn migrate_from_layout_1(&mut self) -> Result<(), StoreError> {
        let events = self.db.open_tree("events").map_err(|e| self.sled_err(e))?;
        let ids = self.db.open_tree("ids").map_err(|e| self.sled_err(e))?;
        // Leftovers of an interrupted conversion.
        self.blocks.clear().map_err(|e| self.sled_err(e))?;
        self.index.clear().map_err(|e| self.sled_err(e))?;
        let head = self.head.seq;
        let missing =
            |seq: usize| StoreError::Corrupt(format!("event seq {seq} is missing from the store"));
        let mut records = Vec::new();
        for item in events.range(1u64.to_be_bytes()..=head.to_be_bytes()) {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            let seq = <[u8; 8]>::try_from(k.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| {
                    StoreError::Corrupt(format!(
                        "the layout-1 event tree holds a malformed key {:?} ({} bytes, not an 8-byte seq)",
                        String::from_utf8_lossy(&k),
                        k.len()
                    ))
                })?;
            if seq != records.len() as u64 + 1 {
                return Err(missing(records.len() + 1));
            }
            records.push(v.to_vec());
        }
        if (records.len() as u64) < head {
            return Err(missing(records.len() + 1));
        }
        self.write_blocks(0, 1, records.iter().map(|r| r.as_slice()))?;
        let mut entries = Vec::new();
        for item in ids.iter() {
            let (k, v) = item.map_err(|e| self.sled_err(e))?;
            match <[u8; 8]>::try_from(v.as_ref()) {
                Ok(b) if u64::from_be_bytes(b) <= head => {
                    entries.push((k.to_vec(), u64::from_be_bytes(b)))
                }
                Ok(_) => {}
                Err(_) => {
                    return Err(StoreError::Corrupt(format!(
                        "the index entry for '{}' is malformed",
                        String::from_utf8_lossy(&k)
                    )))
                }
            }
        }
        self.write_index(0, entries)?;
        self.clear_owner_data()?;
        self.record_layout_parameters()?;
        self.make_durable()?;
        self.meta
            .insert("store_version", &[STORE_VERSION])
            .map_err(|e| self.sled_err(e))?;
        self.make_durable()?;
        drop((events, ids));
        for old in LAYOUT_1_TREES {
            self.db.drop_tree(old).map_err(|e| self.sled_err(e))?;
        }
        self.make_durable()?;
        self.migrated = true;
        Ok(())
    }

    /// Empties every keyspace tree and removes every owner record.
    fn clear_owner_data(&self) -> Result<(), StoreError> {
        for name in self.db.tree_names() {
            let own = super::db::OWN_TREES
                .iter()
                .chain(&LAYOUT_1_TREES)
                .any(|t| t.as_bytes() == name.as_ref());
            if own || name.as_ref() == b"__sled__default" {
                continue;
            }
            let tree = self.db.open_tree(&name).map_err(|e| self.sled_err(e))?;
            tree.clear().map_err(|e| self.sled_err(e))?;
        }
        for item in self.meta.iter().keys() {
            let name = item.map_err(|e| self.sled_err(e))?;
            if !STORE_RECORDS.iter().any(|r| r.as_bytes() == name.as_ref()) {
                self.meta.remove(&name).map_err(|e| self.sled_err(e))?;
            }
        }
        Ok(())
    }

    /// Records the layout parameters (events per block, hash buckets), checked at every open.
    pub(super) fn record_layout_parameters(&self) -> Result<(), StoreError> {
        for (name, value) in [
            ("block_events", &pack::BLOCK_EVENTS.to_be_bytes()[..]),
            ("buckets", &pack::BUCKETS.to_be_bytes()[..]),
        ] {
            self.meta
                .insert(name, value)
                .map_err(|e| self.sled_err(e))?;
        }
        Ok(())
    }

    /// Refuses a store whose recorded layout parameters are not this build's: its blocks or
    /// buckets would be read at the wrong places.
    pub(super) fn check_layout_parameters(&self) -> Result<(), StoreError> {
        self.check_layout_parameter(
            "block_events",
            &pack::BLOCK_EVENTS.to_be_bytes(),
            "events per block",
        )?;
        self.check_layout_parameter("buckets", &pack::BUCKETS.to_be_bytes(), "id hash buckets")
    }

    fn check_layout_parameter(
        &self,
        name: &str,
        expected: &[u8],
        what: &str,
    ) -> Result<(), StoreError> {
        let number = |b: &[u8]| b.iter().fold(0u128, |n, &d| n << 8 | u128::from(d));
        match self.meta.get(name).map_err(|e| self.sled_err(e))? {
            Some(b) if b.as_ref() == expected => Ok(()),
            Some(b) if b.len() <= 16 => Err(StoreError::Corrupt(format!(
                "the store was written with {} {what}; this build uses {}",
                number(&b),
                number(expected)
            ))),
            _ => Err(StoreError::Corrupt(format!(
                "the store does not record its {what} (this build uses {})",
                number(expected)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{files, Grouping, Keyspace};
    use std::path::Path;

    const SPACE: Keyspace = Keyspace {
        name: "p_test",
        grouping: Grouping::Hashed,
    };

    /// A layout-1 store of `n` records (seq → record), with an index entry per record, a
    /// keyspace entry and an owner record, as factledger before layout 2 left it.
    fn layout_1(ledger: &Path, n: u64) {
        drop(Store::create(ledger).unwrap());
        let db = super::super::db::open_sled(&ledger.join(files::STORE_DIR)).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("store_version", &[1]).unwrap();
        meta.remove("block_events").unwrap();
        meta.remove("buckets").unwrap();
        meta.insert("projection", b"old".to_vec()).unwrap();
        let events = db.open_tree("events").unwrap();
        let ids = db.open_tree("ids").unwrap();
        for s in 1..=n {
            events
                .insert(s.to_be_bytes(), format!("r{s}").into_bytes())
                .unwrap();
            ids.insert(format!("id{s}"), &s.to_be_bytes()).unwrap();
        }
        db.open_tree(SPACE.name)
            .unwrap()
            .insert("k", b"v".to_vec())
            .unwrap();
        let head = crate::store::Head {
            seq: n,
            hash: [3; 32],
        };
        meta.insert("head", &head.to_bytes()[..]).unwrap();
        db.flush().unwrap();
        drop(db);
        files::write_head_file(ledger, head).unwrap();
    }

    #[test]
    fn a_layout_1_store_is_converted_and_its_keyspaces_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("l");
        layout_1(&ledger, 40);
        let store = Store::open(&ledger, None).unwrap();
        assert!(store.migrated());
        assert_eq!(store.head().seq, 40);
        let all: Vec<(u64, Vec<u8>)> = store.records(1).map(|r| r.unwrap()).collect();
        assert_eq!(all.len(), 40);
        assert_eq!(all[39], (40, b"r40".to_vec()));
        assert_eq!(store.seq_of(b"id7").unwrap(), Some(7));
        assert_eq!(store.owner_record("projection").unwrap(), None);
        assert_eq!(store.table_get(SPACE, b"k").unwrap(), None);
        let names: Vec<_> = store.db.tree_names();
        assert!(!names
            .iter()
            .any(|n| n.as_ref() == b"events" || n.as_ref() == b"ids"));
        drop(store);
        assert!(!Store::open(&ledger, None).unwrap().migrated());
    }

    #[test]
    fn a_layout_1_store_with_a_gap_is_refused_naming_the_seq() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("l");
        layout_1(&ledger, 5);
        {
            let db = super::super::db::open_sled(&ledger.join(files::STORE_DIR)).unwrap();
            db.open_tree("events")
                .unwrap()
                .remove(3u64.to_be_bytes())
                .unwrap();
            db.flush().unwrap();
        }
        let err = Store::open(&ledger, None)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("event seq 3 is missing"), "{err}");
    }

    #[test]
    fn another_layout_parameter_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("l");
        let store = Store::create(&ledger).unwrap();
        store
            .meta
            .insert("block_events", &64u64.to_be_bytes())
            .unwrap();
        let err = store.check_layout_parameters().unwrap_err().to_string();
        assert!(err.contains("written with 64 events per block"), "{err}");
    }
}
