//! Events: the immutable records of the ledger, their canonical encoding and their hashes.
//!
//! Every event is an envelope (`seq`, `recorded_at`, `author`, `prev`) around a body in the past
//! tense (`SourceRegistered`, `ClaimAsserted`, `Retracted`). The hash covers a canonical encoding
//! of everything but the hash itself, so any change to a stored event — or to its place in the
//! log — is visible. `docs/format.md` specifies the bytes exactly.

use crate::model::date::StatedDate;
use crate::model::value::Value;
use bincode::config::{Configuration, Fixint, LittleEndian, NoLimit};
use bincode::{Decode, Encode};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value as Json;

/// Record format version written by this build. Stored as the first byte of every record and
/// mixed into the hash through the derive-key context, so one format cannot be confused with
/// another. Version 1 records (no signer, no signature) are still read and verified.
pub const FORMAT_VERSION: u8 = 2;

/// blake3 derive-key context for event hashes of format version 1.
pub const HASH_CONTEXT_V1: &str = "factledger v1 event hash";

/// blake3 derive-key context for event hashes of format version 2.
pub(crate) const HASH_CONTEXT_V2: &str = "factledger v2 event hash";

/// An Ed25519 public key.
pub type PublicKey = [u8; 32];

/// An Ed25519 signature.
pub(crate) type SignatureBytes = [u8; 64];

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

/// An author allowed to sign events, from this event on.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct AuthorGrant {
    /// The author name events carry.
    pub name: String,
    /// The author's Ed25519 public key.
    pub public_key: PublicKey,
}

/// An author no longer allowed to sign events, from this event on.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct AuthorRevocation {
    /// The author name.
    pub name: String,
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
    /// An author was authorised to sign (tag 3; format 2 and later).
    AuthorAuthorised(AuthorGrant),
    /// An author's authorisation was revoked (tag 4; format 2 and later).
    AuthorRevoked(AuthorRevocation),
}

impl EventBody {
    /// Short type name used by the import format and `log --json`.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::SourceRegistered(_) => "source",
            EventBody::ClaimAsserted(_) => "claim",
            EventBody::Retracted(_) => "retract",
            EventBody::AuthorAuthorised(_) => "author-authorised",
            EventBody::AuthorRevoked(_) => "author-revoked",
        }
    }

    /// Past-tense event name.
    pub fn event_name(&self) -> &'static str {
        match self {
            EventBody::SourceRegistered(_) => "SourceRegistered",
            EventBody::ClaimAsserted(_) => "ClaimAsserted",
            EventBody::Retracted(_) => "Retracted",
            EventBody::AuthorAuthorised(_) => "AuthorAuthorised",
            EventBody::AuthorRevoked(_) => "AuthorRevoked",
        }
    }

    /// The id this event introduces, if any.
    pub fn id(&self) -> Option<&str> {
        match self {
            EventBody::SourceRegistered(s) => Some(&s.id),
            EventBody::ClaimAsserted(c) => Some(&c.id),
            EventBody::Retracted(_)
            | EventBody::AuthorAuthorised(_)
            | EventBody::AuthorRevoked(_) => None,
        }
    }
}

/// One event of the log, with its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Record format version (1 or 2); decides the encoding and the hash context.
    pub format: u8,
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
    /// Public key of the author who signed it (format 2; `None` in an unsigned ledger).
    /// Covered by the hash.
    pub signer: Option<PublicKey>,
    /// Hash of all the above, see [`Event::compute_hash`].
    pub hash: Hash,
    /// Ed25519 signature over `hash` by `signer` (format 2; not covered by the hash, which it
    /// signs).
    pub signature: Option<SignatureBytes>,
}

/// Format 1 record layout, for decoding old ledgers.
#[derive(Decode)]
struct RecordV1 {
    seq: u64,
    recorded_at: i64,
    author: String,
    prev: Hash,
    body: EventBody,
    hash: Hash,
}

/// Format 2 record layout.
#[derive(Decode)]
struct RecordV2 {
    seq: u64,
    recorded_at: i64,
    author: String,
    prev: Hash,
    body: EventBody,
    signer: Option<PublicKey>,
    hash: Hash,
    signature: Option<SignatureBytes>,
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
    /// The bytes the hash covers: the format byte, then `seq`, `recorded_at`, `author`, `prev`,
    /// `body` and (format 2) `signer`, in the canonical encoding.
    pub fn hash_input(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.push(self.format);
        put(&mut out, &self.seq);
        put(&mut out, &self.recorded_at);
        put(&mut out, &self.author);
        put(&mut out, &self.prev);
        put(&mut out, &self.body);
        if self.format >= 2 {
            put(&mut out, &self.signer);
        }
        out
    }

    /// blake3 in derive-key mode (the context of the record's format) over
    /// [`Event::hash_input`].
    pub fn compute_hash(&self) -> Hash {
        hash_event_bytes(self.format, &self.hash_input())
    }

    /// The hash of this event's stored record, computed over the record's own bytes (its hash
    /// input is its prefix, see [`Event::to_record`]) instead of a re-encoding: no encode, and
    /// any changed byte of the hashed part changes it. `record` must be what this event was
    /// decoded from.
    pub(crate) fn record_hash(&self, record: &[u8]) -> Hash {
        let signature = match (self.format >= 2, self.signature.is_some()) {
            (false, _) => 0,
            (true, false) => 1,
            (true, true) => 65,
        };
        match record.len().checked_sub(32 + signature) {
            Some(n) if n > 0 => hash_event_bytes(self.format, &record[..n]),
            _ => self.compute_hash(),
        }
    }

    /// Builds an unsigned event of the current format and computes its hash.
    pub fn new(seq: u64, recorded_at: i64, author: String, prev: Hash, body: EventBody) -> Event {
        Event::new_signed(seq, recorded_at, author, prev, body, None)
    }

    /// Builds an event of the current format whose hash covers `signer`; the signature is added
    /// by the caller (see [`crate::integrity::signing`]).
    pub fn new_signed(
        seq: u64,
        recorded_at: i64,
        author: String,
        prev: Hash,
        body: EventBody,
        signer: Option<PublicKey>,
    ) -> Event {
        let mut e = Event {
            format: FORMAT_VERSION,
            seq,
            recorded_at,
            author,
            prev,
            body,
            signer,
            hash: ZERO_HASH,
            signature: None,
        };
        e.hash = e.compute_hash();
        e
    }

    /// The stored record: the hash input, then `hash`, then (format 2) `signature`.
    pub fn to_record(&self) -> Vec<u8> {
        let mut out = self.hash_input();
        put(&mut out, &self.hash);
        if self.format >= 2 {
            put(&mut out, &self.signature);
        }
        out
    }

    /// Reads a stored record (format 1 or 2) with a size limit, refusing unknown versions and
    /// trailing bytes.
    pub fn from_record(bytes: &[u8]) -> Result<Event, DecodeError> {
        let (&version, rest) = bytes.split_first().ok_or(DecodeError::Empty)?;
        if rest.len() > MAX_RECORD_BYTES {
            return Err(DecodeError::Malformed(format!(
                "{} bytes is over the {MAX_RECORD_BYTES}-byte record limit",
                rest.len()
            )));
        }
        let malformed = |e: bincode::error::DecodeError| DecodeError::Malformed(e.to_string());
        let (event, used) = match version {
            1 => {
                let (r, used): (RecordV1, usize) =
                    bincode::decode_from_slice(rest, decode_config()).map_err(malformed)?;
                if matches!(
                    r.body,
                    EventBody::AuthorAuthorised(_) | EventBody::AuthorRevoked(_)
                ) {
                    return Err(DecodeError::Malformed(
                        "format 1 records cannot hold author events".into(),
                    ));
                }
                let e = Event {
                    format: 1,
                    seq: r.seq,
                    recorded_at: r.recorded_at,
                    author: r.author,
                    prev: r.prev,
                    body: r.body,
                    signer: None,
                    hash: r.hash,
                    signature: None,
                };
                (e, used)
            }
            2 => {
                let (r, used): (RecordV2, usize) =
                    bincode::decode_from_slice(rest, decode_config()).map_err(malformed)?;
                let e = Event {
                    format: 2,
                    seq: r.seq,
                    recorded_at: r.recorded_at,
                    author: r.author,
                    prev: r.prev,
                    body: r.body,
                    signer: r.signer,
                    hash: r.hash,
                    signature: r.signature,
                };
                (e, used)
            }
            v => return Err(DecodeError::UnknownVersion(v)),
        };
        if used != rest.len() {
            return Err(DecodeError::TrailingBytes(rest.len() - used));
        }
        Ok(event)
    }

    /// `recorded_at` as a UTC timestamp.
    pub(crate) fn recorded_at_utc(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_micros(self.recorded_at)
    }

    /// `recorded_at` in RFC 3339 with microseconds.
    pub fn recorded_at_rfc3339(&self) -> String {
        self.recorded_at_utc()
            .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            .unwrap_or_else(|| format!("(invalid time {})", self.recorded_at))
    }

    /// The event's JSON form (see its [`Serialize`] impl) as a value, for callers that embed or
    /// compare it (proof files, bundles).
    pub fn to_json(&self) -> Json {
        // Every field is a string, number, list or JSON value, with string keys: this cannot fail.
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// The JSON fields of the event: envelope (`seq`, `hash`, `prev`, `recorded_at`, `author`,
    /// `format`, `signer`, `signature`), `type`, `event`, `id` and the record's own fields.
    /// Unsorted; [`Event`]'s `Serialize` and callers that add fields sort them.
    pub(crate) fn json_fields(&self) -> Vec<(&'static str, Field<'_>)> {
        let mut f = vec![
            ("seq", Field::Num(self.seq)),
            ("hash", Field::Text(hex(&self.hash))),
            ("prev", Field::Text(hex(&self.prev))),
            ("recorded_at", Field::Text(self.recorded_at_rfc3339())),
            ("author", Field::Str(&self.author)),
            ("format", Field::Num(u64::from(self.format))),
            ("signer", self.signer.as_ref().map(|k| hex(k)).into()),
            ("signature", self.signature.as_ref().map(|k| hex(k)).into()),
            ("type", Field::Str(self.body.kind())),
            ("event", Field::Str(self.body.event_name())),
            ("id", self.body.id().into()),
        ];
        match &self.body {
            EventBody::SourceRegistered(s) => f.extend([
                ("kind", Field::Str(s.kind.as_str())),
                ("publisher", s.publisher.as_deref().into()),
                ("title", s.title.as_deref().into()),
                ("url", s.url.as_deref().into()),
                ("published", s.published.as_ref().map(|d| d.iso()).into()),
                ("cites", Field::List(&s.cites)),
                ("text_hash", s.text.as_ref().map(|t| hex(&t.hash)).into()),
                (
                    "text_len",
                    s.text.as_ref().map_or(Field::Null, |t| Field::Num(t.len)),
                ),
            ]),
            EventBody::ClaimAsserted(c) => f.extend([
                ("source", Field::Str(&c.source)),
                ("subject", Field::Str(&c.subject)),
                ("predicate", Field::Str(&c.predicate)),
                ("value", Field::Json(c.value.to_json())),
                ("as_written", c.value.as_written().into()),
                ("supersedes", c.supersedes.as_deref().into()),
                ("note", c.note.as_deref().into()),
            ]),
            EventBody::Retracted(r) => f.extend([
                ("target", Field::Str(&r.target)),
                ("reason", Field::Str(&r.reason)),
            ]),
            EventBody::AuthorAuthorised(a) => f.extend([
                ("name", Field::Str(&a.name)),
                ("public_key", Field::Text(hex(&a.public_key))),
            ]),
            EventBody::AuthorRevoked(a) => f.push(("name", Field::Str(&a.name))),
        }
        f
    }
}

/// The JSON form of an event (`log --json`, `show --json`, proof files): one flat object of the
/// envelope and the record's fields, keys in sorted order (the order the output has always had).
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serialize_sorted(self.json_fields(), serializer)
    }
}

/// One value in an event's JSON object: the envelope and record fields take only these shapes.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum Field<'a> {
    /// An absent optional field.
    Null,
    /// A borrowed string.
    Str(&'a str),
    /// A formatted string (hex, a time).
    Text(String),
    /// A count or seq.
    Num(u64),
    /// A list of ids.
    List(&'a [String]),
    /// A claim value.
    Json(Json),
}

impl<'a> From<Option<&'a str>> for Field<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Field::Null, Field::Str)
    }
}

impl From<Option<String>> for Field<'_> {
    fn from(v: Option<String>) -> Self {
        v.map_or(Field::Null, Field::Text)
    }
}

/// Writes `fields` as one JSON object with its keys sorted, so an object built from several
/// parts (an event and what `show` adds to it) prints in one fixed order.
pub(crate) fn serialize_sorted<S: Serializer>(
    mut fields: Vec<(&'static str, Field<'_>)>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    fields.sort_by_key(|(k, _)| *k);
    let mut map = serializer.serialize_map(Some(fields.len()))?;
    for (k, v) in &fields {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// The hash of an event's hash input under a format's context; exposed so verifiers can hash
/// bytes they hold.
pub fn hash_event_bytes(format: u8, input: &[u8]) -> Hash {
    let context = if format >= 2 {
        HASH_CONTEXT_V2
    } else {
        HASH_CONTEXT_V1
    };
    let mut h = blake3::Hasher::new_derive_key(context);
    h.update(input);
    *h.finalize().as_bytes()
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
pub(crate) mod tests {
    use super::*;

    /// A primary source with nothing but its id, for tests to fill in.
    pub(crate) fn bare_source(id: &str) -> Source {
        Source {
            id: id.into(),
            kind: SourceKind::Primary,
            publisher: None,
            title: None,
            url: None,
            published: None,
            cites: Vec::new(),
            text: None,
        }
    }

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
    fn hash_input_is_the_record_before_its_hash() {
        let e = sample();
        let record = e.to_record();
        let n = e.hash_input().len();
        assert_eq!(&record[..n], &e.hash_input()[..]);
        assert_eq!(&record[n..n + 32], &e.hash);
        // An unsigned format-2 record ends with the `None` signature tag.
        assert_eq!(record.len(), n + 33);
        assert_eq!(record[n + 32], 0);
    }

    #[test]
    fn record_hash_equals_the_hash_of_the_decoded_event() {
        let mut e = sample();
        let r = e.to_record();
        assert_eq!(Event::from_record(&r).unwrap().record_hash(&r), e.hash);
        e.signer = Some([1; 32]);
        e.signature = Some([7; 64]);
        e.hash = e.compute_hash();
        let r = e.to_record();
        let d = Event::from_record(&r).unwrap();
        assert_eq!(d.record_hash(&r), e.hash);
        // One changed byte of the hashed prefix changes it.
        let mut bad = r.clone();
        bad[3] ^= 1;
        assert_ne!(d.record_hash(&bad), e.hash);
    }

    #[test]
    fn signer_is_covered_by_the_hash_and_signature_is_not() {
        let mut e = sample();
        let h = e.hash;
        e.signature = Some([7; 64]);
        assert_eq!(e.compute_hash(), h);
        e.signer = Some([1; 32]);
        assert_ne!(e.compute_hash(), h);
        let e2 = Event::from_record(&e.to_record()).unwrap();
        assert_eq!(e2.signature, Some([7; 64]));
    }

    #[test]
    fn format_1_records_still_decode_and_hash_with_their_context() {
        // A format-1 record: the same fields without signer and signature.
        let e = sample();
        let mut v1 = Event {
            format: 1,
            ..e.clone()
        };
        v1.hash = v1.compute_hash();
        assert_ne!(v1.hash, e.hash, "the format is part of the hash");
        let record = v1.to_record();
        assert_eq!(record[0], 1);
        assert_eq!(&record[record.len() - 32..], &v1.hash);
        assert_eq!(Event::from_record(&record).unwrap(), v1);
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
