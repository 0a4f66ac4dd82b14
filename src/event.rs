//! Events: the immutable records of the ledger, their canonical encoding and their hashes.
//!
//! Every event is an envelope (`seq`, `recorded_at`, `author`, `prev`) around a body in the past
//! tense (`SourceRegistered`, `ClaimAsserted`, `Retracted`). The hash covers a canonical encoding
//! of everything but the hash itself, so any change to a stored event — or to its place in the
//! log — is visible. `docs/format.md` specifies the bytes exactly.

use crate::date::StatedDate;
use crate::value::Value;
use bincode::config::{Configuration, Fixint, LittleEndian, NoLimit};
use bincode::{Decode, Encode};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value as Json};

/// Record format version written by this build. Stored as the first byte of every record and
/// mixed into the hash through the derive-key context, so a future format cannot be confused
/// with this one.
pub const FORMAT_VERSION: u8 = 1;

/// blake3 derive-key context for event hashes (format version 1).
pub const HASH_CONTEXT_V1: &str = "factledger v1 event hash";

/// Largest stored record a decode will accept. Fields are bounded far below this at import, so
/// anything larger is corruption, and the limit keeps a crafted length from allocating gigabytes.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// A blake3 hash.
pub type Hash = [u8; 32];

/// The `prev` of the first event.
pub const ZERO_HASH: Hash = [0; 32];

/// The pinned bincode configuration of the canonical encoding: little-endian, fixed-width
/// integers (so lengths are u64, enum tags u32). Never change it for an existing format version.
pub fn canonical_config() -> Configuration<LittleEndian, Fixint, NoLimit> {
    bincode::config::standard()
        .with_little_endian()
        .with_fixed_int_encoding()
}

fn decode_config() -> Configuration<LittleEndian, Fixint, bincode::config::Limit<MAX_RECORD_BYTES>>
{
    canonical_config().with_limit::<MAX_RECORD_BYTES>()
}

/// Whether a source is itself the record (a voting record, a verbatim transcript) or reports on
/// others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum SourceKind {
    /// The original record of what happened.
    Primary,
    /// Reporting that rests on other sources.
    Secondary,
}

impl SourceKind {
    /// Lower-case name used in the import format and output.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Primary => "primary",
            SourceKind::Secondary => "secondary",
        }
    }
}

/// Reference to a source's archived text, which is stored once, content-addressed.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct TextRef {
    /// Plain blake3 hash of the UTF-8 text (what `b3sum` prints).
    pub hash: Hash,
    /// Length of the text in bytes.
    pub len: u64,
}

/// A source a claim can rest on.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Source {
    /// Ledger-wide unique id (shared namespace with claims).
    pub id: String,
    /// Primary or secondary.
    pub kind: SourceKind,
    /// Who published it.
    pub publisher: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Where it was found.
    pub url: Option<String>,
    /// When it was published.
    pub published: Option<StatedDate>,
    /// Ids of the sources it cites; they need not be in the ledger (yet).
    pub cites: Vec<String>,
    /// Its archived text, if one was recorded.
    pub text: Option<TextRef>,
}

/// A claim a source makes about a subject.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Claim {
    /// Ledger-wide unique id.
    pub id: String,
    /// The source the claim comes from.
    pub source: String,
    /// What the claim is about, e.g. `S/RES/2774`.
    pub subject: String,
    /// What is claimed about it, e.g. `date`, `tally`, `vote:United States` (normalised).
    pub predicate: String,
    /// The normalised value.
    pub value: Value,
    /// The claim this one corrects; the old claim stays in the log but is no longer live.
    pub supersedes: Option<String>,
    /// A fact-checker's note.
    pub note: Option<String>,
}

/// A retraction of a claim or a source.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Retraction {
    /// Id of the retracted claim or source.
    pub target: String,
    /// Why.
    pub reason: String,
}

/// What happened. New variants are only ever appended, so old records keep their tags.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum EventBody {
    /// A source was registered (tag 0).
    SourceRegistered(Source),
    /// A claim was asserted (tag 1).
    ClaimAsserted(Claim),
    /// A claim or source was retracted (tag 2).
    Retracted(Retraction),
}

impl EventBody {
    /// Short type name used by the import format and `log --json`.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::SourceRegistered(_) => "source",
            EventBody::ClaimAsserted(_) => "claim",
            EventBody::Retracted(_) => "retract",
        }
    }

    /// Past-tense event name.
    pub fn event_name(&self) -> &'static str {
        match self {
            EventBody::SourceRegistered(_) => "SourceRegistered",
            EventBody::ClaimAsserted(_) => "ClaimAsserted",
            EventBody::Retracted(_) => "Retracted",
        }
    }

    /// The id this event introduces, if any.
    pub fn id(&self) -> Option<&str> {
        match self {
            EventBody::SourceRegistered(s) => Some(&s.id),
            EventBody::ClaimAsserted(c) => Some(&c.id),
            EventBody::Retracted(_) => None,
        }
    }
}

/// One event of the log, with its envelope.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Event {
    /// Position in the log; the first event is 1 and there are no gaps.
    pub seq: u64,
    /// When it was recorded, microseconds since the Unix epoch, UTC.
    pub recorded_at: i64,
    /// Who recorded it.
    pub author: String,
    /// Hash of the previous event; [`ZERO_HASH`] for seq 1.
    pub prev: Hash,
    /// What happened.
    pub body: EventBody,
    /// Hash of all the above, see [`Event::compute_hash`].
    pub hash: Hash,
}

/// Why a stored record could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Empty record.
    #[error("record is empty")]
    Empty,
    /// A format this build does not know.
    #[error("record format version {0} is not supported by this build (it reads version {FORMAT_VERSION})")]
    UnknownVersion(u8),
    /// bincode refused the bytes (bad tag, bad UTF-8, over the size limit, cut short).
    #[error("record does not decode: {0}")]
    Malformed(String),
    /// Bytes left over after a complete record.
    #[error("record has {0} trailing bytes after a complete event")]
    TrailingBytes(usize),
}

/// Writes `v` in the canonical encoding. Encoding into a Vec cannot fail for these types.
fn put<T: Encode>(out: &mut Vec<u8>, v: &T) {
    // Only I/O errors or types that refuse to encode can fail here; neither applies to a Vec.
    bincode::encode_into_std_write(v, out, canonical_config()).expect("encoding into a Vec");
}

impl Event {
    /// The bytes the hash covers: the format byte, then `seq`, `recorded_at`, `author`, `prev`
    /// and `body` in the canonical encoding.
    pub fn hash_input(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.push(FORMAT_VERSION);
        put(&mut out, &self.seq);
        put(&mut out, &self.recorded_at);
        put(&mut out, &self.author);
        put(&mut out, &self.prev);
        put(&mut out, &self.body);
        out
    }

    /// blake3 in derive-key mode ([`HASH_CONTEXT_V1`]) over [`Event::hash_input`].
    pub fn compute_hash(&self) -> Hash {
        hash_event_bytes(&self.hash_input())
    }

    /// Builds an event and computes its hash.
    pub fn new(seq: u64, recorded_at: i64, author: String, prev: Hash, body: EventBody) -> Event {
        let mut e = Event {
            seq,
            recorded_at,
            author,
            prev,
            body,
            hash: ZERO_HASH,
        };
        e.hash = e.compute_hash();
        e
    }

    /// The stored record: format byte, then the canonical encoding of the whole event. The hash
    /// input is exactly the record without its last 32 bytes.
    pub fn to_record(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(288);
        out.push(FORMAT_VERSION);
        put(&mut out, self);
        out
    }

    /// Reads a stored record with a size limit, refusing unknown versions and trailing bytes.
    pub fn from_record(bytes: &[u8]) -> Result<Event, DecodeError> {
        let (&version, rest) = bytes.split_first().ok_or(DecodeError::Empty)?;
        if version != FORMAT_VERSION {
            return Err(DecodeError::UnknownVersion(version));
        }
        if rest.len() > MAX_RECORD_BYTES {
            return Err(DecodeError::Malformed(format!(
                "{} bytes is over the {MAX_RECORD_BYTES}-byte record limit",
                rest.len()
            )));
        }
        let (event, used): (Event, usize) = bincode::decode_from_slice(rest, decode_config())
            .map_err(|e| DecodeError::Malformed(e.to_string()))?;
        if used != rest.len() {
            return Err(DecodeError::TrailingBytes(rest.len() - used));
        }
        Ok(event)
    }

    /// `recorded_at` as a UTC timestamp.
    pub fn recorded_at_utc(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_micros(self.recorded_at)
    }

    /// `recorded_at` in RFC 3339 with microseconds.
    pub fn recorded_at_rfc3339(&self) -> String {
        self.recorded_at_utc()
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            .unwrap_or_else(|| format!("(invalid time {})", self.recorded_at))
    }

    /// The event as a JSON object: envelope fields, `type`, `event`, `id` and the record's fields.
    pub fn to_json(&self) -> Json {
        let mut obj = json!({
            "seq": self.seq,
            "hash": hex(&self.hash),
            "prev": hex(&self.prev),
            "recorded_at": self.recorded_at_rfc3339(),
            "author": self.author,
            "format": FORMAT_VERSION,
            "type": self.body.kind(),
            "event": self.body.event_name(),
            "id": self.body.id(),
        });
        let fields = body_fields(&self.body);
        if let (Some(o), Json::Object(f)) = (obj.as_object_mut(), fields) {
            o.extend(f);
        }
        obj
    }
}

/// The hash of an event's hash input; exposed so verifiers can hash bytes they hold.
pub fn hash_event_bytes(input: &[u8]) -> Hash {
    let mut h = blake3::Hasher::new_derive_key(HASH_CONTEXT_V1);
    h.update(input);
    *h.finalize().as_bytes()
}

/// The record's fields as a JSON object (no envelope).
pub fn body_fields(body: &EventBody) -> Json {
    match body {
        EventBody::SourceRegistered(s) => json!({
            "kind": s.kind.as_str(),
            "publisher": s.publisher,
            "title": s.title,
            "url": s.url,
            "published": s.published.as_ref().map(|d| d.iso()),
            "cites": s.cites,
            "text_hash": s.text.as_ref().map(|t| hex(&t.hash)),
            "text_len": s.text.as_ref().map(|t| t.len),
        }),
        EventBody::ClaimAsserted(c) => json!({
            "source": c.source,
            "subject": c.subject,
            "predicate": c.predicate,
            "value": c.value.to_json(),
            "as_written": c.value.as_written(),
            "supersedes": c.supersedes,
            "note": c.note,
        }),
        EventBody::Retracted(r) => json!({
            "target": r.target,
            "reason": r.reason,
        }),
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Parses 64 hex digits into a hash.
pub fn parse_hash(s: &str) -> Option<Hash> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        let hi = (chunk[0] as char).to_digit(16)?;
        let lo = (chunk[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Event {
        Event::new(
            1,
            1_740_355_200_000_000, // 2025-02-24T00:00:00Z
            "desk".into(),
            ZERO_HASH,
            EventBody::ClaimAsserted(Claim {
                id: "c1".into(),
                source: "s1".into(),
                subject: "S/RES/2774".into(),
                predicate: "date".into(),
                value: Value::Date(StatedDate::parse("Monday, February 25, 2025").unwrap()),
                supersedes: None,
                note: None,
            }),
        )
    }

    #[test]
    fn record_round_trips() {
        let e = sample();
        assert_eq!(Event::from_record(&e.to_record()).unwrap(), e);
    }

    #[test]
    fn hash_input_is_the_record_without_its_hash() {
        let e = sample();
        let record = e.to_record();
        assert_eq!(&record[..record.len() - 32], &e.hash_input()[..]);
        assert_eq!(&record[record.len() - 32..], &e.hash);
    }

    #[test]
    fn trailing_bytes_and_unknown_versions_are_refused() {
        let mut r = sample().to_record();
        r.push(0);
        assert_eq!(Event::from_record(&r), Err(DecodeError::TrailingBytes(1)));
        let mut r = sample().to_record();
        r[0] = 9;
        assert_eq!(Event::from_record(&r), Err(DecodeError::UnknownVersion(9)));
        assert_eq!(Event::from_record(&[]), Err(DecodeError::Empty));
    }

    #[test]
    fn crafted_huge_lengths_are_refused_not_allocated() {
        // seq, recorded_at, then an author length of 2^63: must fail on the limit, not abort.
        let mut r = vec![FORMAT_VERSION];
        r.extend_from_slice(&1u64.to_le_bytes());
        r.extend_from_slice(&0i64.to_le_bytes());
        r.extend_from_slice(&(1u64 << 63).to_le_bytes());
        assert!(matches!(
            Event::from_record(&r),
            Err(DecodeError::Malformed(_))
        ));
        // The 9-byte record from the measured bincode abort.
        assert!(Event::from_record(&[1, 255, 255, 255, 255, 255, 255, 255, 127]).is_err());
    }

    #[test]
    fn hex_round_trips() {
        let h = sample().hash;
        assert_eq!(parse_hash(&hex(&h)), Some(h));
        assert_eq!(parse_hash("zz"), None);
    }
}
