//! Direct access to the stored bytes, below every check the ledger makes, behind the `testing`
//! feature. Only for tests that damage a ledger on purpose (to show the damage is caught); a
//! ledger changed through these is no longer what its log says. Call [`Store::tamper_flush`]
//! after.

use super::keyspace::{GroupWrites, Keyspace, KeyspaceUpdate};
use super::{db::Store, pack, StoreError};
use std::collections::BTreeMap;

impl Store {
    /// Replaces (or with `None`, removes) the record at `seq` inside its block, without any check;
    /// returns the previous record. Seqs above the head may be written (and then made visible
    /// with [`Store::tamper_meta`] on `head` and a new `HEAD` file).
    pub fn tamper_record(
        &self,
        seq: u64,
        record: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let (block, i) = pack::block_of(seq);
        let key = block.to_be_bytes();
        let existing = self.blocks.get(key).map_err(|e| self.sled_err(e))?;
        let mut records: Vec<Vec<u8>> = match &existing {
            Some(b) => pack::block_records(b)
                .map_err(|m| StoreError::Corrupt(format!("event block {block}: {m}")))?
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect(),
            None => Vec::new(),
        };
        let old = records.get(i).cloned();
        match record {
            Some(r) if i < records.len() => records[i] = r,
            Some(r) if i == records.len() => records.push(r),
            Some(_) => {
                return Err(StoreError::Corrupt(format!(
                    "cannot place seq {seq}: its block holds only {} records",
                    records.len()
                )))
            }
            None => records.truncate(i),
        }
        self.blocks
            .insert(
                key,
                pack::encode_block(records.iter().map(|r| r.as_slice())),
            )
            .map_err(|e| self.sled_err(e))?;
        Ok(old)
    }

    /// Sets (or removes) an index entry; returns the previous seq.
    pub fn tamper_index(&self, key: &[u8], seq: Option<u64>) -> Result<Option<u64>, StoreError> {
        let bucket = pack::bucket(key);
        let old = match self.index.get(bucket).map_err(|e| self.sled_err(e))? {
            Some(b) => pack::group_get(&b, key)
                .map_err(|m| StoreError::Corrupt(m.to_string()))?
                .and_then(|v| <[u8; 8]>::try_from(v).ok())
                .map(u64::from_be_bytes),
            None => None,
        };
        let mut groups: GroupWrites = BTreeMap::new();
        groups
            .entry(bucket.to_vec())
            .or_default()
            .insert(key.to_vec(), seq.map(|s| s.to_be_bytes().to_vec()));
        self.write_groups(&self.index, "the id index", groups, &|_, _| false)?;
        Ok(old)
    }

    /// Sets (or removes) a keyspace entry; returns the previous value.
    pub fn tamper_table(
        &self,
        space: impl Into<Keyspace>,
        key: &[u8],
        value: Option<Vec<u8>>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let space = space.into();
        let old = self.table_get(space, key)?;
        self.write_keyspaces_unsynced(KeyspaceUpdate {
            writes: vec![(space, key.to_vec(), value)],
            ..KeyspaceUpdate::default()
        })?;
        Ok(old)
    }

    /// Sets (or removes) a record of the `meta` tree (`head`, `projection`, `store_version`).
    pub fn tamper_meta(&self, name: &str, value: Option<&[u8]>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.meta.insert(name, v).map(|_| ()),
            None => self.meta.remove(name).map(|_| ()),
        }
        .map_err(|e| self.sled_err(e))
    }

    /// Makes tampering durable (sled flush and fsync), leaving `HEAD` alone.
    pub fn tamper_flush(&self) -> Result<(), StoreError> {
        self.make_durable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AppendBatch, Grouping, Head};

    #[test]
    fn each_hook_returns_what_it_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("l")).unwrap();
        store
            .append(AppendBatch {
                records: vec![(1, b"one".to_vec(), vec![b"id".to_vec()])],
                head: Head {
                    seq: 1,
                    hash: [1; 32],
                },
                ..AppendBatch::default()
            })
            .unwrap();
        assert_eq!(
            store.tamper_record(1, Some(b"uno".to_vec())).unwrap(),
            Some(b"one".to_vec())
        );
        assert_eq!(store.record(1).unwrap(), Some(b"uno".to_vec()));
        assert!(
            store.tamper_record(40, Some(vec![])).is_err(),
            "beyond its block"
        );
        assert_eq!(store.tamper_index(b"id", None).unwrap(), Some(1));
        assert_eq!(store.seq_of(b"id").unwrap(), None);
        let space = Keyspace {
            name: "t",
            grouping: Grouping::Hashed,
        };
        assert_eq!(
            store.tamper_table(space, b"k", Some(vec![1])).unwrap(),
            None
        );
        assert_eq!(
            store.tamper_table(space, b"k", None).unwrap(),
            Some(vec![1])
        );
        store.tamper_meta("projection", Some(b"x")).unwrap();
        assert_eq!(
            store.owner_record("projection").unwrap(),
            Some(b"x".to_vec())
        );
        store.tamper_flush().unwrap();
    }
}
