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

use crate::error::{LedgerError, Result};
use crate::event::{hex, parse_hash, Hash, PublicKey};
use crate::ledger::Ledger;
use crate::merkle::{Blake3Hasher, MerkleBuilder};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{json, Value as Json};
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
    /// Who signed it, with their key and signature.
    pub signature: Option<CheckpointSignature>,
}

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

/// Event hashes of the first `size` events, in order.
pub fn leaves(ledger: &Ledger, size: u64) -> Result<Vec<Hash>> {
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    for e in ledger.events(1) {
        let e = e?;
        if e.seq > size {
            break;
        }
        out.push(e.hash);
    }
    if (out.len() as u64) < size {
        return Err(LedgerError::Invalid(format!(
            "tree size {size} is beyond the ledger's {} events",
            out.len()
        )));
    }
    Ok(out)
}

/// Merkle root over the first `size` events.
pub fn root_at(ledger: &Ledger, size: u64) -> Result<Hash> {
    let mut b = MerkleBuilder::<Blake3Hasher>::new();
    for h in leaves(ledger, size)? {
        b.push(&h);
    }
    Ok(b.root())
}

impl Checkpoint {
    /// The checkpoint of the ledger now, signed with `key` when given.
    pub fn of_ledger(
        ledger: &Ledger,
        time: &str,
        signer: Option<(&str, &SigningKey)>,
    ) -> Result<Checkpoint> {
        let head = ledger.head();
        let first = ledger.event(1)?.ok_or_else(|| {
            LedgerError::Invalid("the ledger is empty: there is nothing to checkpoint".into())
        })?;
        let mut c = Checkpoint {
            origin: origin_for(&first.hash),
            size: head.seq,
            root: root_at(ledger, head.seq)?,
            time: time.to_string(),
            signature: None,
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

    /// The whole note: body, empty line, signature line.
    pub fn note(&self) -> String {
        let mut s = self.body();
        if let Some(sig) = &self.signature {
            let mut blob = sig.key_id.to_vec();
            blob.extend_from_slice(&sig.signature);
            s.push_str(&format!("\n\u{2014} {} {}\n", sig.name, B64.encode(blob)));
        }
        s
    }

    /// Reads a note.
    pub fn parse_note(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |m: &str| CheckpointError::Malformed(m.to_string());
        let (body, sigs) = match text.split_once("\n\n") {
            Some((b, s)) => (format!("{b}\n"), s),
            None => (text.to_string(), ""),
        };
        let lines: Vec<&str> = body.lines().collect();
        if lines.len() != 4 {
            return Err(bad("expected 4 body lines (origin, size, root, time)"));
        }
        if !lines[0].starts_with("factledger/") {
            return Err(bad("the origin line does not start with factledger/"));
        }
        let size = lines[1]
            .parse::<u64>()
            .map_err(|_| bad("the size line is not a number"))?;
        let root: Hash = B64
            .decode(lines[2])
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("the root line is not a base64 32-byte hash"))?;
        let time = lines[3]
            .strip_prefix("time ")
            .ok_or_else(|| bad("the fourth line is not 'time <RFC 3339>'"))?;
        let mut c = Checkpoint {
            origin: lines[0].to_string(),
            size,
            root,
            time: time.to_string(),
            signature: None,
        };
        if c.body() != body {
            return Err(bad("the body is not in canonical form"));
        }
        if let Some(line) = sigs.lines().find(|l| !l.is_empty()) {
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or_else(|| bad("a signature line must start with '— '"))?;
            let (name, blob) = rest
                .rsplit_once(' ')
                .ok_or_else(|| bad("a signature line is '— NAME BASE64'"))?;
            let blob = B64
                .decode(blob)
                .map_err(|_| bad("the signature is not base64"))?;
            if blob.len() != 68 {
                return Err(bad(
                    "the signature must be a 4-byte key id and a 64-byte Ed25519 signature",
                ));
            }
            let mut key_id = [0u8; 4];
            key_id.copy_from_slice(&blob[..4]);
            let mut signature = [0u8; 64];
            signature.copy_from_slice(&blob[4..]);
            c.signature = Some(CheckpointSignature {
                name: name.to_string(),
                public_key: None,
                signature,
                key_id,
            });
        }
        Ok(c)
    }

    /// Checks the signature with `key` (or the key the checkpoint carries when `key` is `None`).
    pub fn verify_signature(&self, key: Option<&PublicKey>) -> Result<PublicKey, CheckpointError> {
        let sig = self.signature.as_ref().ok_or(CheckpointError::Unsigned)?;
        let pk = key.or(sig.public_key.as_ref()).ok_or_else(|| {
            CheckpointError::BadSignature("no public key to check it with (pass --key)".into())
        })?;
        if key_id(&sig.name, pk) != sig.key_id {
            return Err(CheckpointError::WrongKeyId(hex(&sig.key_id)));
        }
        let vk = VerifyingKey::from_bytes(pk)
            .map_err(|e| CheckpointError::BadSignature(e.to_string()))?;
        vk.verify_strict(
            self.body().as_bytes(),
            &Signature::from_bytes(&sig.signature),
        )
        .map_err(|e| CheckpointError::BadSignature(e.to_string()))?;
        Ok(*pk)
    }

    /// JSON form: fields, the signer's public key, and the note itself.
    pub fn to_json(&self) -> Json {
        json!({
            "type": "checkpoint",
            "origin": self.origin,
            "size": self.size,
            "root": hex(&self.root),
            "time": self.time,
            "signer": self.signature.as_ref().map(|s| s.name.clone()),
            "public_key": self.signature.as_ref().and_then(|s| s.public_key.as_ref().map(|k| hex(k))),
            "note": self.note(),
        })
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
}
