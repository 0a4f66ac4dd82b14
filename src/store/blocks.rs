//! Events in blocks: [`pack::BLOCK_EVENTS`] records under one sled key (the big-endian block
//! number), read by seq or in order up to the head, written by appending to the last block.

use super::{db::Store, pack, StoreError};
use std::collections::VecDeque;

/// The block number a sled key of the `blocks` tree names; anything but 8 bytes is damage, not
/// block 0.
pub(super) fn block_number(key: &[u8]) -> Result<u64, StoreError> {
    <[u8; 8]>::try_from(key)
        .map(u64::from_be_bytes)
        .map_err(|_| {
            StoreError::Corrupt(format!(
                "the event blocks hold a malformed key {:?} ({} bytes, not an 8-byte block number)",
                String::from_utf8_lossy(key),
                key.len()
            ))
        })
}

fn block_damaged(block: u64, m: pack::PackError) -> StoreError {
    StoreError::Corrupt(format!("event block {block}: {m}"))
}

fn missing(seq: u64) -> StoreError {
    StoreError::Corrupt(format!("event seq {seq} is missing from the store"))
}

/// An iterator that knows how many items it yields at most (the seqs up to the head), so
/// consumers can size their tables once instead of growing them.
struct AtMost<I> {
    inner: I,
    most: usize,
}

impl<I: Iterator> Iterator for AtMost<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        // One more than the seqs: a damaged store ends with an error item.
        (0, Some(self.most + 1))
    }
}

impl Store {
    /// The stored record at `seq`, if `seq` is within the head.
    pub fn record(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        if seq == 0 || seq > self.head.seq {
            return Ok(None);
        }
        let (block, i) = pack::block_of(seq);
        let Some(b) = self
            .blocks
            .get(block.to_be_bytes())
            .map_err(|e| self.sled_err(e))?
        else {
            return Ok(None);
        };
        pack::block_record(&b, i)
            .map(|r| r.map(<[u8]>::to_vec))
            .map_err(|m| block_damaged(block, m))
    }

    /// Stored records from `from` up to the head, in order; a gap or a damaged block is an
    /// error item, and the last.
    pub fn records(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, Vec<u8>), StoreError>> + '_ {
        let start = from.max(1);
        let end = self.head.seq;
        let mut expected = start;
        let mut iter = self.blocks.range(pack::block_of(start).0.to_be_bytes()..);
        type Item = Result<(u64, Vec<u8>), StoreError>;
        let mut pending: VecDeque<Item> = VecDeque::new();
        let mut done = start > end;
        let most = (end + 1).saturating_sub(start) as usize;
        let records = std::iter::from_fn(move || loop {
            if let Some(item) = pending.pop_front() {
                return Some(item);
            }
            if done || expected > end {
                return None;
            }
            match iter.next() {
                Some(Ok((k, v))) => {
                    let block = match block_number(&k) {
                        Ok(b) => b,
                        Err(e) => {
                            done = true;
                            return Some(Err(e));
                        }
                    };
                    if pack::first_seq(block) > expected {
                        done = true;
                        return Some(Err(missing(expected)));
                    }
                    let records = match pack::block_records(&v) {
                        Ok(r) => r,
                        Err(m) => {
                            done = true;
                            return Some(Err(block_damaged(block, m)));
                        }
                    };
                    for (i, r) in records.iter().enumerate() {
                        let seq = pack::first_seq(block) + i as u64;
                        if seq >= expected && seq <= end {
                            pending.push_back(Ok((seq, r.to_vec())));
                            expected = seq + 1;
                        }
                    }
                    let block_end = pack::first_seq(block + 1) - 1;
                    if expected <= end.min(block_end) {
                        // The block ends early: its good records first, then the gap.
                        done = true;
                        pending.push_back(Err(missing(expected)));
                    }
                }
                Some(Err(e)) => {
                    done = true;
                    return Some(Err(self.sled_err(e)));
                }
                None => {
                    done = true;
                    return Some(Err(missing(expected)));
                }
            }
        });
        AtMost {
            inner: records,
            most,
        }
    }

    /// Writes records starting at seq `first` into blocks, keeping the records of the first
    /// block up to `old_head` (anything above it is a crashed append's leftover).
    pub(super) fn write_blocks<'a>(
        &self,
        old_head: u64,
        first: u64,
        records: impl Iterator<Item = &'a [u8]>,
    ) -> Result<(), StoreError> {
        let (mut block, at) = pack::block_of(first);
        let mut current: Vec<Vec<u8>> = Vec::with_capacity(pack::BLOCK_EVENTS as usize);
        if at > 0 {
            let key = block.to_be_bytes();
            let existing = self.blocks.get(key).map_err(|e| self.sled_err(e))?;
            let kept = match &existing {
                Some(b) => pack::block_records(b).map_err(|m| block_damaged(block, m))?,
                None => Vec::new(),
            };
            let keep = (old_head.min(first - 1) + 1 - pack::first_seq(block)) as usize;
            if kept.len() < keep {
                return Err(missing(pack::first_seq(block) + kept.len() as u64));
            }
            current.extend(kept[..keep].iter().map(|r| r.to_vec()));
        }
        let mut out = super::db::Batcher::new(self, &self.blocks);
        for r in records {
            current.push(r.to_vec());
            if current.len() as u64 == pack::BLOCK_EVENTS {
                out.put(
                    block.to_be_bytes().to_vec(),
                    Some(pack::encode_block(current.iter().map(|r| r.as_slice()))),
                )?;
                current.clear();
                block += 1;
            }
        }
        if !current.is_empty() {
            out.put(
                block.to_be_bytes().to_vec(),
                Some(pack::encode_block(current.iter().map(|r| r.as_slice()))),
            )?;
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AppendBatch, Head};

    fn store_with(n: u64) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("l")).unwrap();
        let records = (1..=n)
            .map(|s| (s, format!("record {s}").into_bytes(), vec![]))
            .collect();
        store
            .append(AppendBatch {
                records,
                head: Head {
                    seq: n,
                    hash: [1; 32],
                },
                ..AppendBatch::default()
            })
            .unwrap();
        (dir, store)
    }

    #[test]
    fn records_read_back_across_blocks_from_any_seq() {
        let n = pack::BLOCK_EVENTS * 2 + 5;
        let (_dir, store) = store_with(n);
        let all: Vec<u64> = store.records(1).map(|r| r.unwrap().0).collect();
        assert_eq!(all, (1..=n).collect::<Vec<_>>());
        let from = pack::BLOCK_EVENTS + 3;
        let tail: Vec<(u64, Vec<u8>)> = store.records(from).map(|r| r.unwrap()).collect();
        assert_eq!(tail.len() as u64, n - from + 1);
        assert_eq!(tail[0], (from, format!("record {from}").into_bytes()));
        assert_eq!(
            store.record(n).unwrap(),
            Some(format!("record {n}").into_bytes())
        );
        assert_eq!(store.record(n + 1).unwrap(), None);
        assert_eq!(store.record(0).unwrap(), None);
    }

    #[test]
    fn a_malformed_block_key_is_an_error_naming_it_not_block_0() {
        let (_dir, store) = store_with(3);
        store.blocks.remove(0u64.to_be_bytes()).unwrap();
        store.blocks.insert(b"bad", b"x".to_vec()).unwrap();
        let items: Vec<_> = store.records(1).collect();
        assert_eq!(items.len(), 1, "{items:?}");
        let err = items[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("malformed key \"bad\""), "{err}");
        assert!(block_number(&7u64.to_be_bytes()).is_ok_and(|b| b == 7));
    }

    #[test]
    fn a_missing_record_is_named_by_seq() {
        let (_dir, store) = store_with(3);
        store.blocks.remove(0u64.to_be_bytes()).unwrap();
        let err = store.records(1).next().unwrap().unwrap_err().to_string();
        assert!(err.contains("event seq 1 is missing"), "{err}");
    }
}
