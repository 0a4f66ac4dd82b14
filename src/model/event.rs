//! Events: the immutable records of the ledger, their canonical encoding and their hashes.
//!
//! Every event is an envelope (`seq`, `recorded_at`, `author`, `prev`) around a body in the past
//! tense (`SourceRegistered`, `ClaimAsserted`, `Retracted`). The hash covers a canonical encoding
//! of everything but the hash itself, so any change to a stored event — or to its place in the
//! log — is visible. `docs/format.md` specifies the bytes exactly.

use crate::model::date::StatedDate;
use crate::model::value::Value;
use bincode::config::{Configuration, Fixint, LittleEndian, NoLimit};
use bincode::de::Decoder;
use bincode::enc::Encoder;
use bincode::error::{AllowedEnumVariants, DecodeError as BincodeDecodeError, EncodeError};
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
///
/// Encoded by hand (see [`EventBody`]'s `Encode`): a claim without `claimant` and `excerpt` keeps
/// the layout and tag it always had, so old records and their hashes are unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Who made the statement, apart from the source where it appeared (a minister quoted in an
    /// article); `None` when the source itself states it.
    pub claimant: Option<String>,
    /// The verbatim words of the source's archived text that support the claim.
    pub excerpt: Option<String>,
}

impl Claim {
    /// Whether the claim needs the newer layout (tag 5): it names a claimant or an excerpt.
    fn has_words(&self) -> bool {
        self.claimant.is_some() || self.excerpt.is_some()
    }

    /// The fields every claim layout starts with, in their canonical order.
    fn encode_base<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        self.id.encode(e)?;
        self.source.encode(e)?;
        self.subject.encode(e)?;
        self.predicate.encode(e)?;
        self.value.encode(e)?;
        self.supersedes.encode(e)?;
        self.note.encode(e)
    }

    fn decode_base<C, D: Decoder<Context = C>>(d: &mut D) -> Result<Claim, BincodeDecodeError> {
        Ok(Claim {
            id: Decode::decode(d)?,
            source: Decode::decode(d)?,
            subject: Decode::decode(d)?,
            predicate: Decode::decode(d)?,
            value: Decode::decode(d)?,
            supersedes: Decode::decode(d)?,
            note: Decode::decode(d)?,
            claimant: None,
            excerpt: None,
        })
    }
}

/// A claim's own encoding, as the projection stores it: every field. Event records use
/// [`EventBody`]'s encoding, which keeps the old layout for claims without words.
impl Encode for Claim {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        self.encode_base(e)?;
        self.claimant.encode(e)?;
        self.excerpt.encode(e)
    }
}

impl<C> Decode<C> for Claim {
    fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BincodeDecodeError> {
        let mut c = Claim::decode_base(d)?;
        c.claimant = Decode::decode(d)?;
        c.excerpt = Decode::decode(d)?;
        Ok(c)
    }
}
bincode::impl_borrow_decode!(Claim);

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

/// Another name for a subject (`UNSC resolution 2774` for `S/RES/2774`), so claims filed under
/// either meet.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct SubjectAlias {
    /// The other name.
    pub alias: String,
    /// The subject it names.
    pub subject: String,
}

/// A new version of a source: publishers edit articles after publication. The earlier version
/// and its text stay in the log.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct SourceRevision {
    /// The source revised.
    pub source: String,
    /// The new version's archived text, if one was recorded.
    pub text: Option<TextRef>,
    /// Its title, when it changed.
    pub title: Option<String>,
    /// Its address, when it changed.
    pub url: Option<String>,
    /// What changed, in the desk's words.
    pub note: Option<String>,
}

/// A publisher withdrew a source (took the article down). Unlike the desk's own retraction, the
/// source's claims stay visible, marked as resting on a withdrawn source.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Withdrawal {
    /// The source withdrawn.
    pub source: String,
    /// What the publisher said, or why the desk believes it was withdrawn.
    pub reason: String,
}

/// A flag the desk looked at and set aside, with its reason. It names the flag by its stable id,
/// which changes when the flag's claims change, so a dismissal does not outlive what it judged.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Dismissal {
    /// The flag's stable id.
    pub flag: String,
    /// Why it was dismissed.
    pub reason: String,
}

/// A verdict on one claim: a rating on a named scale. A later review of the same claim
/// supersedes the earlier one; both stay in the log.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Review {
    /// The claim reviewed.
    pub claim: String,
    /// The scale the rating is on.
    pub scale: String,
    /// The rating: a step of the scale, by name.
    pub rating: String,
    /// A short explanation of the verdict.
    pub explanation: String,
    /// Where the fact-check is published, if it is.
    pub url: Option<String>,
    /// When the review was made or published, as the reviewer gives it.
    pub reviewed: Option<StatedDate>,
    /// The organisation whose verdict it is, for verdicts imported from other desks; `None` is
    /// this desk.
    pub organisation: Option<String>,
}

/// One step of a rating scale.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ScaleStep {
    /// Its name (`true`, `mostly false`).
    pub name: String,
    /// Its number on the scale.
    pub value: i64,
}

/// A rating scale declared for reviews.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Scale {
    /// The scale's name.
    pub name: String,
    /// Its steps, in the order declared.
    pub steps: Vec<ScaleStep>,
}

/// A ledger setting (`desk.name`, `desk.url`), recorded as an event so exports that use it can
/// be reproduced from the log.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Setting {
    /// The setting's key.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// What happened. New variants are only ever appended, so old records keep their tags. The
/// tags are written out in the hand-written `Encode`/`Decode` below; `docs/format.md` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// A subject was given another name (tag 6).
    SubjectAliased(SubjectAlias),
    /// A source was revised by its publisher (tag 7).
    SourceRevised(SourceRevision),
    /// A source was withdrawn by its publisher (tag 8).
    SourceWithdrawn(Withdrawal),
    /// A flag was dismissed (tag 9).
    FlagDismissed(Dismissal),
    /// A claim was reviewed (tag 10).
    ClaimReviewed(Review),
    /// A rating scale was declared (tag 11).
    ScaleDeclared(Scale),
    /// A ledger setting was recorded (tag 12).
    SettingRecorded(Setting),
}

/// Tag of a claim with a claimant or an excerpt (the [`Claim`] layout with both appended).
const CLAIM_WITH_WORDS_TAG: u32 = 5;

/// Highest tag this build reads.
const MAX_TAG: u32 = 12;

impl EventBody {
    /// The tag the body is stored with.
    pub fn tag(&self) -> u32 {
        match self {
            EventBody::SourceRegistered(_) => 0,
            EventBody::ClaimAsserted(c) if c.has_words() => CLAIM_WITH_WORDS_TAG,
            EventBody::ClaimAsserted(_) => 1,
            EventBody::Retracted(_) => 2,
            EventBody::AuthorAuthorised(_) => 3,
            EventBody::AuthorRevoked(_) => 4,
            EventBody::SubjectAliased(_) => 6,
            EventBody::SourceRevised(_) => 7,
            EventBody::SourceWithdrawn(_) => 8,
            EventBody::FlagDismissed(_) => 9,
            EventBody::ClaimReviewed(_) => 10,
            EventBody::ScaleDeclared(_) => 11,
            EventBody::SettingRecorded(_) => 12,
        }
    }
}

impl Encode for EventBody {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        self.tag().encode(e)?;
        match self {
            EventBody::SourceRegistered(s) => s.encode(e),
            EventBody::ClaimAsserted(c) => {
                c.encode_base(e)?;
                if c.has_words() {
                    c.claimant.encode(e)?;
                    c.excerpt.encode(e)?;
                }
                Ok(())
            }
            EventBody::Retracted(r) => r.encode(e),
            EventBody::AuthorAuthorised(a) => a.encode(e),
            EventBody::AuthorRevoked(a) => a.encode(e),
            EventBody::SubjectAliased(a) => a.encode(e),
            EventBody::SourceRevised(r) => r.encode(e),
            EventBody::SourceWithdrawn(w) => w.encode(e),
            EventBody::FlagDismissed(d) => d.encode(e),
            EventBody::ClaimReviewed(r) => r.encode(e),
            EventBody::ScaleDeclared(s) => s.encode(e),
            EventBody::SettingRecorded(s) => s.encode(e),
        }
    }
}

impl<C> Decode<C> for EventBody {
    fn decode<D: Decoder<Context = C>>(d: &mut D) -> Result<Self, BincodeDecodeError> {
        let tag = u32::decode(d)?;
        Ok(match tag {
            0 => EventBody::SourceRegistered(Decode::decode(d)?),
            1 => EventBody::ClaimAsserted(Claim::decode_base(d)?),
            CLAIM_WITH_WORDS_TAG => {
                let mut c = Claim::decode_base(d)?;
                c.claimant = Decode::decode(d)?;
                c.excerpt = Decode::decode(d)?;
                if !c.has_words() {
                    // Tag 1 holds such a claim; a second encoding would give one claim two
                    // hashes.
                    return Err(BincodeDecodeError::Other(
                        "a claim without claimant or excerpt stored in the tag-5 layout",
                    ));
                }
                EventBody::ClaimAsserted(c)
            }
            2 => EventBody::Retracted(Decode::decode(d)?),
            3 => EventBody::AuthorAuthorised(Decode::decode(d)?),
            4 => EventBody::AuthorRevoked(Decode::decode(d)?),
            6 => EventBody::SubjectAliased(Decode::decode(d)?),
            7 => EventBody::SourceRevised(Decode::decode(d)?),
            8 => EventBody::SourceWithdrawn(Decode::decode(d)?),
            9 => EventBody::FlagDismissed(Decode::decode(d)?),
            10 => EventBody::ClaimReviewed(Decode::decode(d)?),
            11 => EventBody::ScaleDeclared(Decode::decode(d)?),
            12 => EventBody::SettingRecorded(Decode::decode(d)?),
            found => {
                return Err(BincodeDecodeError::UnexpectedVariant {
                    type_name: "EventBody",
                    allowed: &AllowedEnumVariants::Range {
                        min: 0,
                        max: MAX_TAG,
                    },
                    found,
                })
            }
        })
    }
}
bincode::impl_borrow_decode!(EventBody);

impl EventBody {
    /// Short type name used by the import format and `log --json`.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::SourceRegistered(_) => "source",
            EventBody::ClaimAsserted(_) => "claim",
            EventBody::Retracted(_) => "retract",
            EventBody::AuthorAuthorised(_) => "author-authorised",
            EventBody::AuthorRevoked(_) => "author-revoked",
            EventBody::SubjectAliased(_) => "alias",
            EventBody::SourceRevised(_) => "source-version",
            EventBody::SourceWithdrawn(_) => "withdrawal",
            EventBody::FlagDismissed(_) => "dismissal",
            EventBody::ClaimReviewed(_) => "review",
            EventBody::ScaleDeclared(_) => "scale",
            EventBody::SettingRecorded(_) => "setting",
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
            EventBody::SubjectAliased(_) => "SubjectAliased",
            EventBody::SourceRevised(_) => "SourceRevised",
            EventBody::SourceWithdrawn(_) => "SourceWithdrawn",
            EventBody::FlagDismissed(_) => "FlagDismissed",
            EventBody::ClaimReviewed(_) => "ClaimReviewed",
            EventBody::ScaleDeclared(_) => "ScaleDeclared",
            EventBody::SettingRecorded(_) => "SettingRecorded",
        }
    }

    /// The archived text this event brings, if any, with the source it belongs to: a source's
    /// registered text or a new version's.
    pub fn archived_text(&self) -> Option<(&str, &TextRef)> {
        match self {
            EventBody::SourceRegistered(s) => s.text.as_ref().map(|t| (s.id.as_str(), t)),
            EventBody::SourceRevised(r) => r.text.as_ref().map(|t| (r.source.as_str(), t)),
            _ => None,
        }
    }

    /// The id this event introduces, if any.
    pub fn id(&self) -> Option<&str> {
        match self {
            EventBody::SourceRegistered(s) => Some(&s.id),
            EventBody::ClaimAsserted(c) => Some(&c.id),
            EventBody::Retracted(_)
            | EventBody::AuthorAuthorised(_)
            | EventBody::AuthorRevoked(_)
            | EventBody::SubjectAliased(_)
            | EventBody::SourceRevised(_)
            | EventBody::SourceWithdrawn(_)
            | EventBody::FlagDismissed(_)
            | EventBody::ClaimReviewed(_)
            | EventBody::ScaleDeclared(_)
            | EventBody::SettingRecorded(_) => None,
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
                if r.body.tag() > 2 {
                    return Err(DecodeError::Malformed(format!(
                        "format 1 records cannot hold {} events",
                        r.body.event_name()
                    )));
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
            EventBody::ClaimAsserted(c) => {
                f.extend([
                    ("source", Field::Str(&c.source)),
                    ("subject", Field::Str(&c.subject)),
                    ("predicate", Field::Str(&c.predicate)),
                    ("value", Field::Json(c.value.to_json())),
                    ("as_written", c.value.as_written().into()),
                    ("supersedes", c.supersedes.as_deref().into()),
                    ("note", c.note.as_deref().into()),
                ]);
                // Only claims that name them carry the fields, so the JSON of every older claim
                // is unchanged.
                if let Some(who) = &c.claimant {
                    f.push(("claimant", Field::Str(who)));
                }
                if let Some(words) = &c.excerpt {
                    f.push(("excerpt", Field::Str(words)));
                }
            }
            EventBody::Retracted(r) => f.extend([
                ("target", Field::Str(&r.target)),
                ("reason", Field::Str(&r.reason)),
            ]),
            EventBody::AuthorAuthorised(a) => f.extend([
                ("name", Field::Str(&a.name)),
                ("public_key", Field::Text(hex(&a.public_key))),
            ]),
            EventBody::AuthorRevoked(a) => f.push(("name", Field::Str(&a.name))),
            EventBody::SubjectAliased(a) => f.extend([
                ("alias", Field::Str(&a.alias)),
                ("subject", Field::Str(&a.subject)),
            ]),
            EventBody::SourceRevised(r) => f.extend([
                ("source", Field::Str(&r.source)),
                ("title", r.title.as_deref().into()),
                ("url", r.url.as_deref().into()),
                ("note", r.note.as_deref().into()),
                ("text_hash", r.text.as_ref().map(|t| hex(&t.hash)).into()),
                (
                    "text_len",
                    r.text.as_ref().map_or(Field::Null, |t| Field::Num(t.len)),
                ),
            ]),
            EventBody::SourceWithdrawn(w) => f.extend([
                ("source", Field::Str(&w.source)),
                ("reason", Field::Str(&w.reason)),
            ]),
            EventBody::FlagDismissed(d) => f.extend([
                ("flag", Field::Str(&d.flag)),
                ("reason", Field::Str(&d.reason)),
            ]),
            EventBody::ClaimReviewed(r) => f.extend([
                ("claim", Field::Str(&r.claim)),
                ("scale", Field::Str(&r.scale)),
                ("rating", Field::Str(&r.rating)),
                ("explanation", Field::Str(&r.explanation)),
                ("url", r.url.as_deref().into()),
                ("reviewed", r.reviewed.as_ref().map(|d| d.iso()).into()),
                ("organisation", r.organisation.as_deref().into()),
            ]),
            EventBody::ScaleDeclared(sc) => f.extend([
                ("name", Field::Str(&sc.name)),
                (
                    "steps",
                    Field::Json(Json::Array(
                        sc.steps
                            .iter()
                            .map(|st| serde_json::json!({"name": st.name, "value": st.value}))
                            .collect(),
                    )),
                ),
            ]),
            EventBody::SettingRecorded(st) => f.extend([
                ("key", Field::Str(&st.key)),
                ("value", Field::Str(&st.value)),
            ]),
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
                claimant: None,
                excerpt: None,
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

    /// The tag stored right after the envelope of an unsigned format-2 record.
    fn stored_tag(e: &Event) -> u32 {
        let r = e.to_record();
        // format byte, seq, recorded_at, author (u64 length + bytes), prev
        let at = 1 + 8 + 8 + 8 + e.author.len() + 32;
        u32::from_le_bytes(r[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn a_claim_without_words_keeps_its_old_tag_and_one_with_words_takes_tag_5() {
        let plain = sample();
        assert_eq!(stored_tag(&plain), 1);
        let mut worded = sample();
        if let EventBody::ClaimAsserted(c) = &mut worded.body {
            c.claimant = Some("Vassily Nebenzia".into());
            c.excerpt = Some("Monday, February 25, 2025".into());
        }
        worded.hash = worded.compute_hash();
        assert_eq!(stored_tag(&worded), 5);
        assert_eq!(Event::from_record(&worded.to_record()).unwrap(), worded);
        assert_ne!(worded.hash, plain.hash);
    }

    #[test]
    fn a_tag_5_claim_without_words_is_refused() {
        // Tag 5 with both options None would be a second encoding of a tag-1 claim.
        let plain = sample();
        let mut r = plain.hash_input();
        let at = 1 + 8 + 8 + 8 + plain.author.len() + 32;
        r[at..at + 4].copy_from_slice(&5u32.to_le_bytes());
        r.extend_from_slice(&[0, 0]);
        r.extend_from_slice(&plain.hash);
        r.push(0);
        assert!(matches!(
            Event::from_record(&r),
            Err(DecodeError::Malformed(m)) if m.contains("tag-5")
        ));
    }

    #[test]
    fn every_desk_event_round_trips_with_its_tag() {
        let bodies = [
            (
                6,
                EventBody::SubjectAliased(SubjectAlias {
                    alias: "UNSC resolution 2774".into(),
                    subject: "S/RES/2774".into(),
                }),
            ),
            (
                7,
                EventBody::SourceRevised(SourceRevision {
                    source: "s1".into(),
                    text: Some(TextRef {
                        hash: [3; 32],
                        len: 9,
                    }),
                    title: None,
                    url: Some("https://example.org".into()),
                    note: Some("headline fixed".into()),
                }),
            ),
            (
                8,
                EventBody::SourceWithdrawn(Withdrawal {
                    source: "s1".into(),
                    reason: "taken down".into(),
                }),
            ),
            (
                9,
                EventBody::FlagDismissed(Dismissal {
                    flag: "0123456789abcdef".into(),
                    reason: "checked".into(),
                }),
            ),
            (
                10,
                EventBody::ClaimReviewed(Review {
                    claim: "c1".into(),
                    scale: "factledger".into(),
                    rating: "false".into(),
                    explanation: "It was a Tuesday.".into(),
                    url: None,
                    reviewed: StatedDate::parse("2025-02-26").ok(),
                    organisation: None,
                }),
            ),
            (
                11,
                EventBody::ScaleDeclared(Scale {
                    name: "traffic".into(),
                    steps: vec![
                        ScaleStep {
                            name: "green".into(),
                            value: 1,
                        },
                        ScaleStep {
                            name: "red".into(),
                            value: -1,
                        },
                    ],
                }),
            ),
            (
                12,
                EventBody::SettingRecorded(Setting {
                    key: "desk.name".into(),
                    value: "The Desk".into(),
                }),
            ),
        ];
        for (tag, body) in bodies {
            let e = Event::new(7, 1_740_355_200_000_000, "desk".into(), [9; 32], body);
            assert_eq!(stored_tag(&e), tag, "{}", e.body.event_name());
            assert_eq!(Event::from_record(&e.to_record()).unwrap(), e);
            // Format 1 never held them.
            let mut v1 = e.to_record();
            v1[0] = 1;
            v1.truncate(v1.len() - 33);
            v1.extend_from_slice(&e.hash);
            assert!(Event::from_record(&v1).is_err());
        }
        let mut r = sample().to_record();
        let at = 1 + 8 + 8 + 8 + 4 + 32;
        r[at..at + 4].copy_from_slice(&13u32.to_le_bytes());
        assert!(Event::from_record(&r).is_err(), "tag 13 is unknown");
    }

    #[test]
    fn hex_round_trips() {
        let h = sample().hash;
        assert_eq!(parse_hash(&hex(&h)), Some(h));
        assert_eq!(parse_hash("zz"), None);
    }
}
