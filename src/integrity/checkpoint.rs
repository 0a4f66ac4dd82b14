//! Checkpoints: a small signed statement of the ledger's size and Merkle root at a time, in the
//! spirit of the C2SP signed-note checkpoint format, that a desk can publish and a reader can
//! check proofs against without the ledger.
//!
//! The note text is:
//!
//! ```text
//! factledger/<first 32 hex digits of the hash of seq 1>
//! <tree size>
//! <root hash, standard base64>
//! time <RFC 3339>
//! ```
//!
//! followed by an empty line and one signature line per signer: `— <name> <base64(key id ||
//! signature)>`, where the key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 ||
//! public key) and the Ed25519 signature covers the note text above (C2SP signed-note).
//! An unsigned ledger's checkpoint has no signature line.
//!
//! A note has exactly one byte form: [`Checkpoint::parse_note`] accepts only what
//! [`Checkpoint::note`] writes (every field canonical, every line ending in `\n`, nothing after
//! the signature lines), so no two different byte strings carry the same checkpoint. Lines of
//! co-signers whose keys the verifier does not know are kept and ignored, as signed-note says.

use crate::error::{LedgerError, Result};
use crate::integrity::merkle::{Blake3Hasher, MerkleBuilder};
use crate::ledger::Ledger;
use crate::model::event::{hex, parse_hash, Hash, PublicKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Serialize, Serializer};
use serde_json::Value as Json;
use sha2::{Digest as _, Sha256};

/// A tree head: size, root and time, optionally signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// `factledger/<id>`: which ledger.
    pub origin: String,
    /// Number of events (leaves).
    pub size: u64,
    /// Merkle root over the event hashes.
    pub root: Hash,
    /// When the checkpoint was made (RFC 3339).
    pub time: String,
    /// Who signed it, with their key and signature: the first signature line.
    pub signature: Option<CheckpointSignature>,
    /// Further signature lines (co-signers, e.g. witnesses), in the note's order.
    pub cosignatures: Vec<CheckpointSignature>,
}

/// Most signature lines a note may carry (a bound on the work one note can ask for).
pub(crate) const MAX_SIGNATURES: usize = 100;

/// How far past the verifier's clock a checkpoint's time may be (clock skew), in microseconds.
pub const FUTURE_SLACK_MICROS: i64 = 3_600_000_000;

/// A signer's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointSignature {
    /// Author name.
    pub name: String,
    /// Author's public key (not part of the note text; travels in the JSON form).
    pub public_key: Option<PublicKey>,
    /// Ed25519 signature over the note body.
    pub signature: [u8; 64],
    /// Key id from the note line.
    pub key_id: [u8; 4],
}

/// Why a checkpoint is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not in the note format.
    #[error("not a factledger checkpoint: {0}")]
    Malformed(String),
    /// No signature line.
    #[error("the checkpoint is not signed")]
    Unsigned,
    /// The key id does not match the key.
    #[error("the checkpoint's signature line names another key (key id {0})")]
    WrongKeyId(String),
    /// The signature does not verify.
    #[error("the checkpoint's signature does not verify: {0}")]
    BadSignature(String),
    /// Dated after the verifier's clock.
    #[error("the checkpoint's time {0} is in the future")]
    Future(String),
}

/// Reads a checkpoint time: exactly `YYYY-MM-DDTHH:MM:SSZ` (UTC, to the second), as microseconds
/// since the epoch.
pub(crate) fn parse_time(time: &str) -> Option<i64> {
    const FORM: &str = "%Y-%m-%dT%H:%M:%SZ";
    let t = chrono::NaiveDateTime::parse_from_str(time, FORM).ok()?;
    (t.format(FORM).to_string() == time).then(|| t.and_utc().timestamp_micros())
}

/// C2SP signed-note key id for an Ed25519 key.
pub fn key_id(name: &str, public_key: &PublicKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([0x01]);
    h.update(public_key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Origin line for a ledger whose first event has this hash.
pub fn origin_for(first_hash: &Hash) -> String {
    format!("factledger/{}", &hex(first_hash)[..32])
}

/// Why the tree of a ledger could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// No events: there is no tree (and no origin) yet.
    #[error("the ledger is empty: there is nothing to checkpoint")]
    Empty,
    /// A tree size past the head.
    #[error("tree size {size} is beyond the ledger's {events} events")]
    SizeBeyondLedger {
        /// The size asked for.
        size: u64,
        /// Events the ledger holds.
        events: u64,
    },
    /// Reading the ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Event hashes of the first `size` events, in order.
pub fn leaves(ledger: &Ledger, size: u64) -> Result<Vec<Hash>, TreeError> {
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    for e in ledger.events(1) {
        let e = e?;
        if e.seq > size {
            break;
        }
        out.push(e.hash);
    }
    if (out.len() as u64) < size {
        return Err(TreeError::SizeBeyondLedger {
            size,
            events: out.len() as u64,
        });
    }
    Ok(out)
}

/// Merkle root over the first `size` events.
pub(crate) fn root_at(ledger: &Ledger, size: u64) -> Result<Hash, TreeError> {
    let mut b = MerkleBuilder::<Blake3Hasher>::new();
    for h in leaves(ledger, size)? {
        b.push(&h);
    }
    Ok(b.root())
}

/// Reads one signature line, `— NAME BASE64(key id || signature)`, in its canonical form.
fn parse_signature_line(line: &str) -> Result<CheckpointSignature, &'static str> {
    let rest = line
        .strip_prefix("\u{2014} ")
        .ok_or("a signature line must start with '— '")?;
    let (name, blob) = rest
        .split_once(' ')
        .ok_or("a signature line is '— NAME BASE64'")?;
    // signed-note key names: not empty, no spaces, no '+'; here no control characters either.
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '+')
    {
        return Err(
            "the signer's name must be non-empty, without spaces, '+' or control characters",
        );
    }
    let bytes = B64
        .decode(blob)
        .ok()
        .filter(|b| B64.encode(b) == blob)
        .ok_or("the signature is not standard base64")?;
    if bytes.len() != 68 {
        return Err("the signature must be a 4-byte key id and a 64-byte Ed25519 signature");
    }
    let mut key_id = [0u8; 4];
    key_id.copy_from_slice(&bytes[..4]);
    let mut signature = [0u8; 64];
    signature.copy_from_slice(&bytes[4..]);
    Ok(CheckpointSignature {
        name: name.to_string(),
        public_key: None,
        signature,
        key_id,
    })
}

impl Checkpoint {
    /// The checkpoint of the ledger now, signed with `key` when given.
    pub(crate) fn of_ledger(
        ledger: &Ledger,
        time: &str,
        signer: Option<(&str, &SigningKey)>,
    ) -> Result<Checkpoint, TreeError> {
        let head = ledger.head();
        let first = ledger.event(1)?.ok_or(TreeError::Empty)?;
        let mut c = Checkpoint {
            origin: origin_for(&first.hash),
            size: head.seq,
            root: root_at(ledger, head.seq)?,
            time: time.to_string(),
            signature: None,
            cosignatures: Vec::new(),
        };
        if let Some((name, key)) = signer {
            c.sign(name, key);
        }
        Ok(c)
    }

    /// The signed note body: origin, size, root, time, each on its own line.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\ntime {}\n",
            self.origin,
            self.size,
            B64.encode(self.root),
            self.time
        )
    }

    /// Signs the body.
    pub fn sign(&mut self, name: &str, key: &SigningKey) {
        let pk = key.verifying_key().to_bytes();
        self.signature = Some(CheckpointSignature {
            name: name.to_string(),
            public_key: Some(pk),
            signature: key.sign(self.body().as_bytes()).to_bytes(),
            key_id: key_id(name, &pk),
        });
    }

    /// Every signature line, in the note's order.
    pub fn signatures(&self) -> impl Iterator<Item = &CheckpointSignature> {
        self.signature.iter().chain(&self.cosignatures)
    }

    /// The whole note: body, then (when signed) an empty line and the signature lines.
    pub fn note(&self) -> String {
        let mut s = self.body();
        if self.signature.is_some() {
            s.push('\n');
        }
        for sig in self.signatures() {
            let mut blob = sig.key_id.to_vec();
            blob.extend_from_slice(&sig.signature);
            s.push_str(&format!("\u{2014} {} {}\n", sig.name, B64.encode(blob)));
        }
        s
    }

    /// Refuses a checkpoint dated more than [`FUTURE_SLACK_MICROS`] after `now` (microseconds
    /// since the epoch): a checkpoint cannot vouch for a tree at a time that has not come.
    pub fn check_time(&self, now: i64) -> Result<(), CheckpointError> {
        match parse_time(&self.time) {
            Some(t) if t <= now.saturating_add(FUTURE_SLACK_MICROS) => Ok(()),
            Some(_) => Err(CheckpointError::Future(self.time.clone())),
            None => Err(CheckpointError::Malformed(format!(
                "line 4: the time '{}' is not YYYY-MM-DDTHH:MM:SSZ",
                self.time.escape_default()
            ))),
        }
    }

    /// Reads a note, accepting only its canonical byte form (what [`Checkpoint::note`] writes);
    /// an error names the line.
    pub fn parse_note(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |n: usize, m: &str| CheckpointError::Malformed(format!("line {n}: {m}"));
        let Some(content) = text.strip_suffix('\n') else {
            let n = text.split('\n').count();
            return Err(bad(n, "the note must end with a newline"));
        };
        let lines: Vec<&str> = content.split('\n').collect();
        if lines.len() < 4 {
            return Err(bad(
                lines.len() + 1,
                "expected 4 body lines (origin, size, root, time)",
            ));
        }
        let origin = lines[0];
        let valid_origin = origin.strip_prefix("factledger/").is_some_and(|id| {
            id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if !valid_origin {
            return Err(bad(
                1,
                "the origin must be factledger/ and 32 lower-case hex digits",
            ));
        }
        let size = lines[1]
            .parse::<u64>()
            .ok()
            .filter(|n| n.to_string() == lines[1])
            .ok_or_else(|| bad(2, "the size must be a decimal number without leading zeros"))?;
        let root: Hash = B64
            .decode(lines[2])
            .ok()
            .and_then(|b| b.try_into().ok())
            .filter(|r: &Hash| B64.encode(r) == lines[2])
            .ok_or_else(|| bad(3, "the root must be a 32-byte hash in standard base64"))?;
        let time = lines[3]
            .strip_prefix("time ")
            .filter(|t| parse_time(t).is_some())
            .ok_or_else(|| bad(4, "the fourth line must be 'time YYYY-MM-DDTHH:MM:SSZ'"))?;
        let mut c = Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            time: time.to_string(),
            signature: None,
            cosignatures: Vec::new(),
        };
        if lines.len() == 4 {
            return Ok(c);
        }
        if !lines[4].is_empty() {
            return Err(bad(5, "the body must be followed by an empty line"));
        }
        if lines.len() == 5 {
            return Err(bad(6, "a signature line must follow the empty line"));
        }
        if lines.len() - 5 > MAX_SIGNATURES {
            return Err(bad(
                5 + MAX_SIGNATURES + 1,
                &format!("a note may carry at most {MAX_SIGNATURES} signatures"),
            ));
        }
        for (i, line) in lines.iter().enumerate().skip(5) {
            let n = i + 1;
            let sig = parse_signature_line(line).map_err(|m| bad(n, m))?;
            if c.signatures()
                .any(|s| s.name == sig.name && s.key_id == sig.key_id)
            {
                return Err(bad(n, "the same key signs twice"));
            }
            if c.signature.is_none() {
                c.signature = Some(sig);
            } else {
                c.cosignatures.push(sig);
            }
        }
        Ok(c)
    }

    /// Checks the signature with `key` (or the key the checkpoint carries for its first line
    /// when `key` is `None`). With `key`, every line whose key id is that key's under the line's
    /// name must verify and at least one must be there; lines of other keys are ignored
    /// (signed-note: a verifier skips signatures by keys it does not know).
    pub fn verify_signature(&self, key: Option<&PublicKey>) -> Result<PublicKey, CheckpointError> {
        let first = self.signature.as_ref().ok_or(CheckpointError::Unsigned)?;
        let Some(pk) = key else {
            let pk = first.public_key.as_ref().ok_or_else(|| {
                CheckpointError::BadSignature("no public key to check it with (pass --key)".into())
            })?;
            if key_id(&first.name, pk) != first.key_id {
                return Err(CheckpointError::WrongKeyId(hex(&first.key_id)));
            }
            self.check_line(first, pk)?;
            return Ok(*pk);
        };
        let mut found = false;
        for sig in self.signatures() {
            if key_id(&sig.name, pk) == sig.key_id {
                self.check_line(sig, pk)?;
                found = true;
            }
        }
        if !found {
            return Err(CheckpointError::WrongKeyId(hex(&first.key_id)));
        }
        Ok(*pk)
    }

    fn check_line(&self, sig: &CheckpointSignature, pk: &PublicKey) -> Result<(), CheckpointError> {
        let vk = VerifyingKey::from_bytes(pk)
            .map_err(|e| CheckpointError::BadSignature(e.to_string()))?;
        vk.verify_strict(
            self.body().as_bytes(),
            &Signature::from_bytes(&sig.signature),
        )
        .map_err(|e| CheckpointError::BadSignature(format!("line of '{}': {e}", sig.name)))
    }

    /// JSON form: fields, the signer's public key, and the note itself (its [`Serialize`]
    /// form, as a value).
    pub fn to_json(&self) -> Json {
        // Strings, numbers and nulls under string keys: this cannot fail.
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// Reads the JSON form (the note is authoritative; the public key comes along).
    pub fn from_json(v: &Json) -> Result<Checkpoint, CheckpointError> {
        let note = v.get("note").and_then(Json::as_str).ok_or_else(|| {
            CheckpointError::Malformed("the JSON checkpoint has no 'note'".into())
        })?;
        let mut c = Checkpoint::parse_note(note)?;
        let signer = c.signature.as_ref().map(|s| s.name.as_str());
        let fields_agree = v.get("size").and_then(Json::as_u64) == Some(c.size)
            && v.get("root").and_then(Json::as_str) == Some(hex(&c.root).as_str())
            && v.get("origin").and_then(Json::as_str) == Some(c.origin.as_str())
            && v.get("time").and_then(Json::as_str) == Some(c.time.as_str())
            && v.get("signer").map(Json::as_str) == Some(signer)
            && v.get("type").and_then(Json::as_str) == Some("checkpoint");
        if !fields_agree {
            return Err(CheckpointError::Malformed(
                "the JSON fields do not match the note".into(),
            ));
        }
        if let (Some(sig), Some(pk)) = (
            c.signature.as_mut(),
            v.get("public_key")
                .and_then(Json::as_str)
                .and_then(parse_hash),
        ) {
            sig.public_key = Some(pk);
        }
        Ok(c)
    }

    /// Reads either form from a file's text.
    pub fn from_text(text: &str) -> Result<Checkpoint, CheckpointError> {
        match serde_json::from_str::<Json>(text) {
            Ok(v @ Json::Object(_)) => Checkpoint::from_json(&v),
            _ => Checkpoint::parse_note(text),
        }
    }
}

/// The JSON form (`docs/cli.md`): `note` (authoritative), `origin`, `public_key` of the first
/// signer, `root` (hex), `signer`, `size`, `time`, and `type: "checkpoint"`.
impl Serialize for Checkpoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Fields in alphabetical order: the same bytes a sorted JSON object has.
        #[derive(Serialize)]
        struct Wire<'a> {
            note: String,
            origin: &'a str,
            public_key: Option<String>,
            root: String,
            signer: Option<&'a str>,
            size: u64,
            time: &'a str,
            #[serde(rename = "type")]
            kind: &'static str,
        }
        let first = self.signature.as_ref();
        Wire {
            note: self.note(),
            origin: &self.origin,
            public_key: first.and_then(|s| s.public_key.as_ref().map(|k| hex(k))),
            root: hex(&self.root),
            signer: first.map(|s| s.name.as_str()),
            size: self.size,
            time: &self.time,
            kind: "checkpoint",
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Checkpoint {
        let mut c = Checkpoint {
            origin: "factledger/00112233445566778899aabbccddeeff".into(),
            size: 57,
            root: [9; 32],
            time: "2025-02-26T12:00:00Z".into(),
            signature: None,
            cosignatures: Vec::new(),
        };
        c.sign("ana", &SigningKey::from_bytes(&[1; 32]));
        c
    }

    #[test]
    fn note_round_trips_and_verifies() {
        let c = sample();
        let parsed = Checkpoint::parse_note(&c.note()).unwrap();
        assert_eq!(parsed.size, 57);
        let pk = SigningKey::from_bytes(&[1; 32]).verifying_key().to_bytes();
        assert_eq!(parsed.verify_signature(Some(&pk)), Ok(pk));
        let json = Checkpoint::from_json(&c.to_json()).unwrap();
        assert_eq!(json.verify_signature(None), Ok(pk));
    }

    #[test]
    fn altered_notes_fail() {
        let c = sample();
        let pk = SigningKey::from_bytes(&[1; 32]).verifying_key().to_bytes();
        let altered = c.note().replace("\n57\n", "\n58\n");
        let parsed = Checkpoint::parse_note(&altered).unwrap();
        assert!(matches!(
            parsed.verify_signature(Some(&pk)),
            Err(CheckpointError::BadSignature(_))
        ));
        let other = SigningKey::from_bytes(&[2; 32]).verifying_key().to_bytes();
        assert!(matches!(
            Checkpoint::parse_note(&c.note())
                .unwrap()
                .verify_signature(Some(&other)),
            Err(CheckpointError::WrongKeyId(_))
        ));
    }

    #[test]
    fn only_the_canonical_note_is_read_and_errors_name_the_line() {
        let note = sample().note();
        assert_eq!(Checkpoint::parse_note(&note).unwrap().note(), note);
        let line_of = |text: &str| match Checkpoint::parse_note(text) {
            Err(CheckpointError::Malformed(m)) => m,
            other => panic!("accepted {text:?}: {other:?}"),
        };
        assert!(line_of(note.trim_end()).starts_with("line 6:"));
        assert!(line_of(&format!("{note}junk\n")).starts_with("line 7:"));
        assert!(line_of(&format!("{note}\n")).starts_with("line 7:"));
        let body = sample().body();
        for (from, to, line) in [
            ("factledger/00112233", "factledger/0011223", 1),
            ("aabbccddeeff\n", "AABBCCDDEEFF\n", 1),
            ("aabbccddeeff\n", "aabbccddeeff0\n", 1),
            ("\n57\n", "\n057\n", 2),
            ("12:00:00Z", "12:00:00Z\u{7}", 4),
            ("T12:00:00Z", " 12:00:00Z", 4),
            ("T12:00:00Z", "T12:00:00+00:00", 4),
        ] {
            let changed = body.replacen(from, to, 1);
            assert_ne!(changed, body);
            assert!(
                line_of(&changed).starts_with(&format!("line {line}:")),
                "{to}"
            );
        }
    }

    #[test]
    fn a_cosigned_note_verifies_against_the_trusted_keys_line_only() {
        let mut c = sample();
        let ana = SigningKey::from_bytes(&[1; 32]).verifying_key().to_bytes();
        let mut witness = sample();
        witness.sign("witness", &SigningKey::from_bytes(&[7; 32]));
        c.cosignatures.push(witness.signature.clone().unwrap());
        let parsed = Checkpoint::parse_note(&c.note()).unwrap();
        assert_eq!(parsed.cosignatures.len(), 1);
        assert_eq!(parsed.verify_signature(Some(&ana)), Ok(ana));
        // The witness line first: still the desk's line that counts.
        let mut swapped = parsed.clone();
        std::mem::swap(
            swapped.signature.as_mut().unwrap(),
            &mut swapped.cosignatures[0],
        );
        assert_eq!(swapped.verify_signature(Some(&ana)), Ok(ana));
        // A bad line for the trusted key fails, even beside a good one.
        let mut forged = parsed.clone();
        let mut bad = forged.signature.clone().unwrap();
        bad.signature[0] ^= 1;
        bad.name = "ana".into();
        forged.cosignatures[0] = bad;
        let forged = Checkpoint::parse_note(&forged.note());
        assert!(
            matches!(forged, Err(CheckpointError::Malformed(_))),
            "same key twice"
        );
        let mut forged = parsed.clone();
        forged.signature.as_mut().unwrap().signature[0] ^= 1;
        assert!(matches!(
            forged.verify_signature(Some(&ana)),
            Err(CheckpointError::BadSignature(_))
        ));
    }

    #[test]
    fn a_checkpoint_from_the_future_is_refused() {
        let c = sample();
        let at = parse_time("2025-02-26T12:00:00Z").unwrap();
        assert_eq!(c.check_time(at), Ok(()));
        assert_eq!(c.check_time(at - FUTURE_SLACK_MICROS), Ok(()));
        assert!(matches!(
            c.check_time(at - FUTURE_SLACK_MICROS - 1),
            Err(CheckpointError::Future(_))
        ));
    }
}
