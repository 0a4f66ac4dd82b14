//! How many small records share one sled value.
//!
//! sled 0.34 pays per key, in time (about 16 µs per key written) and in resident memory (about
//! 3 KB per key), whatever the value's size (docs/performance.md). So the store packs:
//! - events into **blocks** of [`BLOCK_EVENTS`] records under one key, each record still stored
//!   whole (its own format byte and hash inputs), so every event stays addressable by seq and
//!   verifiable on its own;
//! - index and projection entries into **groups**: a sorted list of (key, value) pairs under one
//!   key, chosen so a lookup reads one group and a prefix scan reads few.
//!
//! Both encodings start with a format byte and are parsed with bounds checks: a damaged value is
//! an error naming what is wrong, never a panic or an out-of-range read.

/// What is wrong with a damaged block or group. The store wraps it with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    /// The format byte is not one this build reads.
    #[error("unknown {what} format {found:?} (this build reads {reads})")]
    UnknownFormat {
        /// `block` or `group`.
        what: &'static str,
        /// The first byte, if there is one.
        found: Option<u8>,
        /// The format this build reads.
        reads: u8,
    },
    /// A part ends before its length says.
    #[error("{part} is cut short")]
    CutShort {
        /// Which part, as messages name it (`the block header`, `an entry's key`).
        part: &'static str,
    },
    /// A block claims more records than a block holds.
    #[error("the block claims {count} records (at most {BLOCK_EVENTS})")]
    TooManyRecords {
        /// The count in its header.
        count: usize,
    },
    /// A record's offsets point outside its block.
    #[error("record {index} of the block lies outside it")]
    RecordOutside {
        /// The record's position in the block.
        index: usize,
    },
    /// A block has bytes after its last record.
    #[error("the block has bytes after its last record")]
    TrailingBytes,
    /// A group's keys are not strictly ascending.
    #[error("the group's keys are out of order")]
    OutOfOrder,
}

/// Events per block. A block of 32 records is about 7 KB with the benchmark's record sizes: an
/// append rewrites at most one such block, a million events make about 31 000 keys, and a sled
/// leaf of up to 16 blocks stays under a quarter of a 1 MiB segment (larger nodes become blob
/// files). A layout parameter: the store records it and refuses another at open.
pub const BLOCK_EVENTS: u64 = 32;
/// First byte of every block.
pub(crate) const BLOCK_FORMAT: u8 = 1;
/// First byte of every group.
pub(crate) const GROUP_FORMAT: u8 = 1;
/// Number of hash buckets for tables keyed by a bare id (the id index, claims, sources): a
/// million events put about 60 entries (1–2 KB) in each, so a lookup walks little, and an
/// import still writes few keys. A layout parameter, recorded in the store like the block size.
pub const BUCKETS: u16 = 16384;

/// The block holding `seq` (seqs start at 1) and the record's position in it.
pub(crate) fn block_of(seq: u64) -> (u64, usize) {
    let i = seq - 1;
    (i / BLOCK_EVENTS, (i % BLOCK_EVENTS) as usize)
}

/// First seq stored in block `block`.
pub(crate) fn first_seq(block: u64) -> u64 {
    block * BLOCK_EVENTS + 1
}

/// The hash bucket of a key, as a sled key.
pub(crate) fn bucket(key: &[u8]) -> [u8; 2] {
    let h = blake3::hash(key);
    let b = u16::from_be_bytes([h.as_bytes()[0], h.as_bytes()[1]]) % BUCKETS;
    b.to_be_bytes()
}

/// Encodes a block: format byte, record count (u32 LE), each record's end offset (u32 LE), then
/// the records back to back.
pub(crate) fn encode_block<'a>(
    records: impl ExactSizeIterator<Item = &'a [u8]> + Clone,
) -> Vec<u8> {
    let n = records.len();
    let body: usize = records.clone().map(|r| r.len()).sum();
    let mut out = Vec::with_capacity(5 + 4 * n + body);
    out.push(BLOCK_FORMAT);
    out.extend_from_slice(&(n as u32).to_le_bytes());
    let mut end = 0u32;
    for r in records.clone() {
        end += r.len() as u32;
        out.extend_from_slice(&end.to_le_bytes());
    }
    for r in records {
        out.extend_from_slice(r);
    }
    out
}

/// The records of a block, or what is wrong with it.
pub fn block_records(b: &[u8]) -> Result<Vec<&[u8]>, PackError> {
    if b.first() != Some(&BLOCK_FORMAT) {
        return Err(PackError::UnknownFormat {
            what: "block",
            found: b.first().copied(),
            reads: BLOCK_FORMAT,
        });
    }
    let n = read_u32(b, 1).ok_or(PackError::CutShort {
        part: "the block header",
    })? as usize;
    if n as u64 > BLOCK_EVENTS {
        return Err(PackError::TooManyRecords { count: n });
    }
    let data = 5 + 4 * n;
    if b.len() < data {
        return Err(PackError::CutShort {
            part: "the block's offset table",
        });
    }
    let mut out = Vec::with_capacity(n);
    let mut start = 0usize;
    for i in 0..n {
        let end = read_u32(b, 5 + 4 * i).unwrap_or(0) as usize;
        if end < start || data + end > b.len() {
            return Err(PackError::RecordOutside { index: i });
        }
        out.push(&b[data + start..data + end]);
        start = end;
    }
    if data + start != b.len() {
        return Err(PackError::TrailingBytes);
    }
    Ok(out)
}

/// Record `i` of a block without splitting the others out.
pub(crate) fn block_record(b: &[u8], i: usize) -> Result<Option<&[u8]>, PackError> {
    if b.first() != Some(&BLOCK_FORMAT) {
        return block_records(b).map(|_| None);
    }
    let n = read_u32(b, 1).ok_or(PackError::CutShort {
        part: "the block header",
    })? as usize;
    if n as u64 > BLOCK_EVENTS || b.len() < 5 + 4 * n {
        return block_records(b).map(|_| None);
    }
    if i >= n {
        return Ok(None);
    }
    let data = 5 + 4 * n;
    let start = if i == 0 {
        0
    } else {
        read_u32(b, 5 + 4 * (i - 1)).unwrap_or(0) as usize
    };
    let end = read_u32(b, 5 + 4 * i).unwrap_or(0) as usize;
    if end < start || data + end > b.len() {
        return Err(PackError::RecordOutside { index: i });
    }
    Ok(Some(&b[data + start..data + end]))
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    let bytes = b.get(at..at + 4)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Encodes a group from entries in strictly ascending key order: format byte, then for each
/// entry its key length, key, value length and value (lengths as LEB128 varints).
pub(crate) fn encode_group<'a>(entries: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> Vec<u8> {
    let mut out = vec![GROUP_FORMAT];
    for (k, v) in entries {
        put_varint(&mut out, k.len() as u64);
        out.extend_from_slice(k);
        put_varint(&mut out, v.len() as u64);
        out.extend_from_slice(v);
    }
    out
}

/// One entry of a group: key and value.
pub(crate) type Entry<'a> = (&'a [u8], &'a [u8]);

/// The entries of a group in key order, or what is wrong with it.
pub(crate) fn group_entries(b: &[u8]) -> Result<Vec<Entry<'_>>, PackError> {
    let mut out = Vec::new();
    walk_group(b, &mut |k, v| {
        out.push((k, v));
        true
    })?;
    Ok(out)
}

/// The value stored under `key` in a group.
pub(crate) fn group_get<'a>(b: &'a [u8], key: &[u8]) -> Result<Option<&'a [u8]>, PackError> {
    let mut found = None;
    walk_group(b, &mut |k, v| {
        if k == key {
            found = Some(v);
        }
        k < key
    })?;
    Ok(found)
}

/// Visits a group's entries in order until `visit` returns false, checking the encoding as it goes.
pub(crate) fn walk_group<'a>(
    b: &'a [u8],
    visit: &mut dyn FnMut(&'a [u8], &'a [u8]) -> bool,
) -> Result<(), PackError> {
    if b.first() != Some(&GROUP_FORMAT) {
        return Err(PackError::UnknownFormat {
            what: "group",
            found: b.first().copied(),
            reads: GROUP_FORMAT,
        });
    }
    let mut pos = 1;
    let mut last: Option<&[u8]> = None;
    while pos < b.len() {
        let k = take(b, &mut pos).ok_or(PackError::CutShort {
            part: "an entry's key",
        })?;
        let v = take(b, &mut pos).ok_or(PackError::CutShort {
            part: "an entry's value",
        })?;
        if last.is_some_and(|l| l >= k) {
            return Err(PackError::OutOfOrder);
        }
        last = Some(k);
        if !visit(k, v) {
            return Ok(());
        }
    }
    Ok(())
}

fn take<'a>(b: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let len = usize::try_from(get_varint(b, pos)?).ok()?;
    let end = pos.checked_add(len)?;
    let out = b.get(*pos..end)?;
    *pos = end;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_and_refuse_damage() {
        let recs: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; i as usize * 3]).collect();
        let b = encode_block(recs.iter().map(|r| r.as_slice()));
        let back = block_records(&b).unwrap();
        assert_eq!(back, recs.iter().map(|r| r.as_slice()).collect::<Vec<_>>());
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(block_record(&b, i).unwrap(), Some(r.as_slice()));
        }
        assert_eq!(block_record(&b, 5).unwrap(), None);
        assert!(block_records(&b[..b.len() - 1]).is_err());
        let mut extra = b.clone();
        extra.push(0);
        assert!(block_records(&extra).is_err());
        for cut in 0..b.len() {
            // Never panics, whatever the prefix.
            let _ = block_records(&b[..cut]);
            let _ = block_record(&b[..cut], 2);
        }
    }

    #[test]
    fn groups_round_trip_find_and_refuse_disorder() {
        let entries: Vec<(&[u8], &[u8])> = vec![(b"a", b"1"), (b"b\0c", b""), (b"bb", &[7; 200])];
        let g = encode_group(entries.iter().copied());
        assert_eq!(group_entries(&g).unwrap(), entries);
        assert_eq!(group_get(&g, b"bb").unwrap(), Some(&[7u8; 200][..]));
        assert_eq!(group_get(&g, b"b").unwrap(), None);
        let bad = encode_group([(&b"b"[..], &b""[..]), (&b"a"[..], &b""[..])]);
        assert!(group_entries(&bad).is_err());
        // A cut between entries is a shorter valid group; anywhere else it is an error.
        let boundaries: Vec<usize> = (0..=entries.len())
            .map(|n| encode_group(entries[..n].iter().copied()).len())
            .collect();
        for cut in 1..g.len() {
            let got = group_entries(&g[..cut]);
            if boundaries.contains(&cut) {
                assert_eq!(
                    got.unwrap().len(),
                    boundaries.iter().position(|&b| b == cut).unwrap()
                );
            } else {
                assert!(got.is_err(), "cut at {cut}");
            }
        }
    }

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut pos = 0;
            assert_eq!(get_varint(&out, &mut pos), Some(v));
            assert_eq!(pos, out.len());
        }
    }
}
