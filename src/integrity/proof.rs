//! Proofs a third party can check without the ledger: inclusion of an event in a tree of a given
//! size, consistency between two tree sizes (the ledger was only appended to), and evidence
//! files (a claim, its source chain, their inclusion proofs and a signed checkpoint).
//!
//! Every event travels as its stored record (hex) beside its readable fields; a verifier decodes
//! the record, recomputes its hash, and insists that the readable fields are exactly the record's,
//! so nothing a reader sees can differ from what was hashed.

use crate::error::LedgerError;
use crate::integrity::checkpoint::{leaves, Checkpoint, CheckpointError, TreeError};
use crate::integrity::merkle::{
    consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion, Blake3Hasher,
    ConsistencyProof, InclusionProof, LeafIndex, MerkleError, ProofFormatError, TreeSize,
};
use crate::integrity::signing::{self, AuthorityError};
use crate::ledger::Ledger;
use crate::model::event::{hex, parse_hash, DecodeError, Event, EventBody, Hash};
use crate::projection;
use crate::projection::verdicts;
use crate::provenance;
use serde::Serialize;
use serde_json::{json, Value as Json};

/// Why a proof or evidence file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The seq is not a leaf of the tree asked for.
    #[error("seq {seq} is not in a tree of {size} events")]
    SeqNotInTree {
        /// The seq asked for.
        seq: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof from a larger tree to a smaller one.
    #[error("the old size {old} is larger than the new size {new}")]
    OldLargerThanNew {
        /// The old size.
        old: u64,
        /// The new size.
        new: u64,
    },
    /// No claim has this id.
    #[error("no claim with id '{id}' in the ledger")]
    NoSuchClaim {
        /// The id asked for.
        id: String,
    },
    /// An event of the evidence was appended after the checkpoint it is proven against.
    #[error("event seq {seq} is newer than the checkpoint (size {size})")]
    NewerThanCheckpoint {
        /// The event's seq.
        seq: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// The tree could not be taken (a size past the head).
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// The Merkle proof could not be built.
    #[error(transparent)]
    Merkle(#[from] MerkleError),
    /// Reading the ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Why an event in a proof file is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventFileError {
    /// No `record` field of hex digits.
    #[error("the event has no record (hex)")]
    NoRecord,
    /// The record does not decode.
    #[error("the record does not decode: {0}")]
    Decode(DecodeError),
    /// The readable fields say something other than the record.
    #[error("the readable fields of event seq {seq} differ from its record")]
    FieldsDiffer {
        /// The record's seq.
        seq: u64,
    },
    /// The record does not hash to the hash it records.
    #[error("event seq {seq} does not hash to its recorded hash")]
    Hash {
        /// The record's seq.
        seq: u64,
    },
    /// A signature that does not verify.
    #[error(transparent)]
    Signature(AuthorityError),
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// An event as proof files carry it: readable fields and the stored record.
pub fn event_json(e: &Event) -> Json {
    json!({"event": e.to_json(), "record": hex(&e.to_record())})
}

/// Reads an event from its proof-file form, checking that the readable fields are exactly the
/// record's and that its hash (and signature, if any) are sound.
pub(crate) fn event_from_json(v: &Json) -> Result<Event, EventFileError> {
    let record = v
        .get("record")
        .and_then(Json::as_str)
        .and_then(hex_bytes)
        .ok_or(EventFileError::NoRecord)?;
    let e = Event::from_record(&record).map_err(EventFileError::Decode)?;
    if v.get("event") != Some(&e.to_json()) {
        return Err(EventFileError::FieldsDiffer { seq: e.seq });
    }
    if e.compute_hash() != e.hash {
        return Err(EventFileError::Hash { seq: e.seq });
    }
    if e.signature.is_some() || e.signer.is_some() {
        signing::verify_signature(&e).map_err(EventFileError::Signature)?;
    }
    Ok(e)
}

fn hash_field(v: &Json, key: &str) -> Result<Hash, InvalidProof> {
    v.get(key)
        .and_then(Json::as_str)
        .and_then(parse_hash)
        .ok_or_else(|| InvalidProof::field(key, "be 64 hex digits"))
}

fn u64_field(v: &Json, key: &str) -> Result<u64, InvalidProof> {
    v.get(key)
        .and_then(Json::as_u64)
        .ok_or_else(|| InvalidProof::field(key, "be a whole number"))
}

fn path_field(v: &Json, key: &str) -> Result<Vec<String>, InvalidProof> {
    v.get(key)
        .and_then(Json::as_array)
        .ok_or_else(|| InvalidProof::field(key, "be an array of hashes"))?
        .iter()
        .map(|h| {
            h.as_str()
                .map(str::to_string)
                .ok_or_else(|| InvalidProof::field(key, "hold strings"))
        })
        .collect()
}

/// An inclusion proof file (`prove`): event `seq` is leaf `seq - 1` of the tree of `tree_size`
/// events, whose root is `root`. Fields in alphabetical order (the JSON contract).
#[derive(Debug, Clone, Serialize)]
pub struct InclusionFile {
    /// The event itself, readable fields and stored record ([`event_json`]).
    pub event: Json,
    /// The event's hash, hex.
    pub leaf: String,
    /// `seq - 1`.
    pub leaf_index: u64,
    /// The audit path, hex.
    pub proof: Vec<String>,
    /// The tree's root, hex.
    pub root: String,
    /// The event's seq.
    pub seq: u64,
    /// The tree size.
    pub tree_size: u64,
    /// Always `inclusion`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// A consistency proof file (`prove --consistency`): the tree of `new_size` extends the tree of
/// `old_size`.
#[derive(Debug, Clone, Serialize)]
pub struct ConsistencyFile {
    /// The new tree's root, hex.
    pub new_root: String,
    /// The new tree's size.
    pub new_size: u64,
    /// The old tree's root, hex.
    pub old_root: String,
    /// The old tree's size.
    pub old_size: u64,
    /// The proof path, hex.
    pub proof: Vec<String>,
    /// Always `consistency`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// An inclusion proof for event `seq` in the tree of `size` events.
pub(crate) fn prove_inclusion(
    ledger: &Ledger,
    seq: u64,
    size: u64,
) -> Result<InclusionFile, ProofError> {
    if seq == 0 || seq > size {
        return Err(ProofError::SeqNotInTree { seq, size });
    }
    let hashes = leaves(ledger, size)?;
    let proof = inclusion_proof::<Blake3Hasher>(&hashes, LeafIndex(seq - 1), TreeSize(size))?;
    let event = ledger.event(seq)?.ok_or(TreeError::SizeBeyondLedger {
        size: seq,
        events: ledger.head().seq,
    })?;
    Ok(InclusionFile {
        event: event_json(&event),
        leaf: hex(&event.hash),
        leaf_index: seq - 1,
        proof: proof.to_hex_vec(),
        root: hex(&root::<Blake3Hasher>(&hashes)),
        seq,
        tree_size: size,
        kind: "inclusion",
    })
}

/// A consistency proof between tree sizes `old` and `new`.
pub(crate) fn prove_consistency(
    ledger: &Ledger,
    old: u64,
    new: u64,
) -> Result<ConsistencyFile, ProofError> {
    if old > new {
        return Err(ProofError::OldLargerThanNew { old, new });
    }
    let hashes = leaves(ledger, new)?;
    let proof = consistency_proof::<Blake3Hasher>(&hashes, TreeSize(old), TreeSize(new))?;
    Ok(ConsistencyFile {
        new_root: hex(&root::<Blake3Hasher>(&hashes)),
        new_size: new,
        old_root: hex(&root::<Blake3Hasher>(&hashes[..old as usize])),
        old_size: old,
        proof: proof.to_hex_vec(),
        kind: "consistency",
    })
}

/// An evidence file (`evidence`): a claim, the sources of its chain that are in the ledger, an
/// inclusion proof for each, their archived texts' hashes and the checkpoint they are proven
/// against. Fields in alphabetical order (the JSON contract).
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFile {
    /// The checkpoint the proofs are against.
    pub checkpoint: Checkpoint,
    /// The claim's id.
    pub claim: String,
    /// The claim's liveness when the evidence was made (`live`, `retracted`, ...).
    pub claim_status_when_made: Option<&'static str>,
    /// The claim's event first, then its sources', each with its inclusion proof.
    pub events: Vec<EvidenceEvent>,
    /// The primary sources the chain reaches.
    pub primary_sources: std::collections::BTreeSet<String>,
    /// Whether the chain reaches a live primary source.
    pub reaches_primary: bool,
    /// The claim's reviews, oldest first, then the declarations of the scales they use (the
    /// built-in default needs none), each with its inclusion proof; absent when the claim has
    /// no review.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<EvidenceEvent>,
    /// The checkpoint's root, hex.
    pub root: String,
    /// The archived texts of the sources, by hash and length.
    pub texts: Vec<EvidenceText>,
    /// The checkpoint's size.
    pub tree_size: u64,
    /// Always `evidence`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// One event of an evidence file with its inclusion proof.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceEvent {
    /// The readable fields.
    pub event: Json,
    /// The audit path in the checkpoint's tree, hex.
    pub proof: Vec<String>,
    /// The stored record, hex.
    pub record: String,
}

/// An archived text of an evidence file's source.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceText {
    /// The text's hash, hex.
    pub hash: String,
    /// Its length in bytes.
    pub len: u64,
    /// The source that archived it.
    pub source: String,
}

/// Evidence for a claim: the claim's event, the events of the sources along its chain that are
/// in the ledger, their archived texts' hashes, an inclusion proof for each, and the checkpoint.
pub fn evidence(
    ledger: &Ledger,
    claim_id: &str,
    checkpoint: &Checkpoint,
) -> Result<EvidenceFile, ProofError> {
    let t = ledger.tables();
    let no_claim = || ProofError::NoSuchClaim {
        id: claim_id.to_string(),
    };
    let claim_event = ledger.find(claim_id)?.ok_or_else(no_claim)?;
    let EventBody::ClaimAsserted(claim) = &claim_event.body else {
        return Err(no_claim());
    };
    let chain = provenance::chain(&t, &claim.source)?;
    let size = checkpoint.size;
    let hashes = leaves(ledger, size)?;
    let mut events = vec![claim_event.clone()];
    let mut texts = Vec::new();
    for link in &chain.links {
        if link.repeat {
            continue;
        }
        if let Some(state) = &link.state {
            if let Some(e) = ledger.event(state.seq)? {
                if let EventBody::SourceRegistered(s) = &e.body {
                    if let Some(tr) = &s.text {
                        texts.push(EvidenceText {
                            hash: hex(&tr.hash),
                            len: tr.len,
                            source: s.id.clone(),
                        });
                    }
                }
                events.push(e);
            }
        }
    }
    let prove = |events: &[Event]| -> Result<Vec<EvidenceEvent>, ProofError> {
        let mut items = Vec::new();
        for e in events {
            if e.seq > size {
                return Err(ProofError::NewerThanCheckpoint { seq: e.seq, size });
            }
            let proof =
                inclusion_proof::<Blake3Hasher>(&hashes, LeafIndex(e.seq - 1), TreeSize(size))?;
            items.push(EvidenceEvent {
                event: e.to_json(),
                proof: proof.to_hex_vec(),
                record: hex(&e.to_record()),
            });
        }
        Ok(items)
    };
    let items = prove(&events)?;
    let reviews = prove(&review_events(ledger, &t, claim_id)?)?;
    let live = projection::claim(&t, claim_id)?
        .map(|c| projection::liveness(&t, &c))
        .transpose()?
        .map(|l| l.as_str());
    Ok(EvidenceFile {
        checkpoint: checkpoint.clone(),
        claim: claim_id.to_string(),
        claim_status_when_made: live,
        events: items,
        primary_sources: chain.primary_sources.clone(),
        reaches_primary: chain.reaches_primary(),
        reviews,
        root: hex(&checkpoint.root),
        texts,
        tree_size: size,
        kind: "evidence",
    })
}

/// The events of a claim's reviews, oldest first, then the latest declaration of each declared
/// scale they use.
fn review_events(
    ledger: &Ledger,
    t: &dyn projection::Tables,
    claim_id: &str,
) -> Result<Vec<Event>, ProofError> {
    let reviews = verdicts::reviews_of(t, claim_id)?;
    let mut scale_seqs = std::collections::BTreeSet::new();
    for r in &reviews {
        if let Some(s) = verdicts::scale(t, &r.review.scale)? {
            if s.seq > 0 {
                scale_seqs.insert(s.seq);
            }
        }
    }
    let mut out = Vec::new();
    for seq in reviews.iter().map(|r| r.seq).chain(scale_seqs) {
        out.extend(ledger.event(seq)?);
    }
    Ok(out)
}

/// Checks an evidence file's `reviews` (absent in files made before reviews, or for a claim with
/// none): every event included in the tree, each a review of the claim or the declaration of a
/// scale one of them uses, every rating on its scale. Returns what was checked, or `None`.
fn check_reviews(
    v: &Json,
    claim_id: &str,
    size: u64,
    root_hash: &Hash,
) -> Result<Option<String>, InvalidProof> {
    use InvalidProof::Malformed;
    let Some(items) = v.get("reviews") else {
        return Ok(None);
    };
    let items = items
        .as_array()
        .ok_or(Malformed("'reviews' must be an array"))?;
    let mut reviews = Vec::new();
    let mut scales = Vec::new();
    for item in items {
        let e = event_from_json(item)?;
        let proof = InclusionProof::from_hex_vec(&path_field(item, "proof")?)?;
        verify_inclusion::<Blake3Hasher>(
            &e.hash,
            LeafIndex(e.seq.wrapping_sub(1)),
            TreeSize(size),
            &proof,
            root_hash,
        )
        .map_err(|source| InvalidProof::NotIncluded { seq: e.seq, source })?;
        match e.body {
            EventBody::ClaimReviewed(r) if r.claim == claim_id => {
                reviews.push((e.seq, e.author, r))
            }
            EventBody::ScaleDeclared(s) => scales.push((e.seq, s)),
            _ => return Err(InvalidProof::NotAReview { seq: e.seq }),
        }
    }
    for (seq, s) in &scales {
        if !reviews.iter().any(|(_, _, r)| r.scale == s.name) {
            return Err(InvalidProof::NotAReview { seq: *seq });
        }
    }
    for (seq, _, r) in &reviews {
        let scale = if r.scale == verdicts::DEFAULT_SCALE {
            verdicts::default_scale()
        } else {
            match scales.iter().find(|(_, s)| s.name == r.scale) {
                Some((_, s)) => s.clone(),
                None => return Err(InvalidProof::NotAReview { seq: *seq }),
            }
        };
        if scale.step(&r.rating).is_none() {
            return Err(InvalidProof::NotAReview { seq: *seq });
        }
    }
    let current = reviews
        .iter()
        .rev()
        .find(|(_, _, r)| r.organisation.is_none());
    let verdict = match current {
        Some((seq, author, r)) => format!(
            "the desk's current verdict is '{}' on scale '{}' (seq {seq}, by {author})",
            r.rating, r.scale
        ),
        None => "none of them is the desk's own".into(),
    };
    Ok(Some(format!(
        "{} review(s) of claim '{claim_id}' and {} scale declaration(s) are included in the same tree; {verdict}",
        reviews.len(),
        scales.len()
    )))
}

/// Why a proof or evidence file does not prove what it says: the first element that fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidProof {
    /// The file's shape is wrong in a way one sentence says.
    #[error("{0}")]
    Malformed(&'static str),
    /// A field is missing or of the wrong kind.
    #[error("'{key}' must {must}")]
    Field {
        /// The field.
        key: String,
        /// What it must be.
        must: &'static str,
    },
    /// A `type` this build does not know.
    #[error("unknown proof type '{0}'")]
    UnknownType(String),
    /// The checkpoint is malformed, from the future, or its signature does not verify.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// The proof is of another tree than the checkpoint's.
    #[error("the proof is for size {size} root {}, but the checkpoint says size {checkpoint_size} root {}", hex(.root), hex(.checkpoint_root))]
    OtherTree {
        /// The proof's tree size.
        size: u64,
        /// The proof's root.
        root: Hash,
        /// The checkpoint's size.
        checkpoint_size: u64,
        /// The checkpoint's root.
        checkpoint_root: Hash,
    },
    /// The checkpoint is neither end of a consistency proof.
    #[error("the checkpoint (size {size} root {}) is neither end of the proof", hex(.root))]
    NeitherEnd {
        /// The checkpoint's size.
        size: u64,
        /// The checkpoint's root.
        root: Hash,
    },
    /// A proof path that is not hex hashes.
    #[error(transparent)]
    Format(#[from] ProofFormatError),
    /// The proof does not lead to the root.
    #[error(transparent)]
    Merkle(#[from] crate::integrity::merkle::VerifyError),
    /// An evidence event's proof does not lead to the root.
    #[error("event seq {seq}: {source}")]
    NotIncluded {
        /// The event's seq.
        seq: u64,
        /// Why.
        source: crate::integrity::merkle::VerifyError,
    },
    /// An event that is not what it says.
    #[error(transparent)]
    Event(#[from] EventFileError),
    /// The first event of evidence is another claim.
    #[error("the first event is claim '{found}', not '{claim}'")]
    OtherClaim {
        /// The claim the file names.
        claim: String,
        /// The claim its first event holds.
        found: String,
    },
    /// An event of the chain that is not a source.
    #[error("event seq {seq} in the chain is not a source")]
    NotASource {
        /// The event's seq.
        seq: u64,
    },
    /// A source the claim's chain does not reach.
    #[error("source '{id}' is not on the claim's chain")]
    OffChain {
        /// The source's id.
        id: String,
    },
    /// The claim's own source is not in the evidence.
    #[error("the claim's source '{id}' is missing from the evidence")]
    MissingSource {
        /// The source's id.
        id: String,
    },
    /// A text entry for a source the evidence does not hold.
    #[error("text for '{source_id}', which is not in the evidence")]
    TextOutside {
        /// The source the text names.
        source_id: String,
    },
    /// A text entry that is not what its source registered.
    #[error("the text hash or length for '{source_id}' differs from what its source registered")]
    TextDiffers {
        /// The source the text names.
        source_id: String,
    },
    /// An event among an evidence file's reviews that is not a review of its claim, nor the
    /// declaration of a scale one of them uses, or a review whose rating its scale lacks.
    #[error("event seq {seq} among the reviews is not a review of the claim on an included scale, nor a scale one of them uses")]
    NotAReview {
        /// The event's seq.
        seq: u64,
    },
    /// A listed primary source that is not an included primary source.
    #[error("'{id}' is listed as a primary source but no included primary source has that id")]
    NotPrimary {
        /// The listed id.
        id: String,
    },
}

impl InvalidProof {
    fn field(key: &str, must: &'static str) -> InvalidProof {
        InvalidProof::Field {
            key: key.to_string(),
            must,
        }
    }
}

/// What an offline check established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// One line per thing checked.
    pub checked: Vec<String>,
    /// The checkpoint's signer key, when its signature was checked.
    pub checkpoint_key: Option<String>,
}

/// Checks a proof or evidence file, optionally against a separately published checkpoint and a
/// pinned signer key. Every element is checked; the first failure is the error.
pub(crate) fn verify_file(
    v: &Json,
    checkpoint: Option<&Checkpoint>,
    key: Option<&[u8; 32]>,
) -> Result<Verdict, InvalidProof> {
    use InvalidProof::Malformed;
    let ty = v
        .get("type")
        .and_then(Json::as_str)
        .ok_or(Malformed("the file has no 'type'"))?;
    let mut checked = Vec::new();
    // The checkpoint to check against: the one given, else the one in the file (evidence).
    let embedded = match v.get("checkpoint") {
        Some(c) => Some(Checkpoint::from_json(c)?),
        None => None,
    };
    if let (Some(given), Some(inner)) = (checkpoint, &embedded) {
        if given.size != inner.size || given.root != inner.root || given.origin != inner.origin {
            return Err(Malformed(
                "the file's checkpoint differs from the published checkpoint",
            ));
        }
    }
    let cp = checkpoint.or(embedded.as_ref());
    if key.is_some() && cp.is_none() {
        return Err(Malformed(
            "a signer key was given, but there is no checkpoint to check it against",
        ));
    }
    let mut checkpoint_key = None;
    if let Some(c) = cp {
        match c.verify_signature(key) {
            Ok(pk) => {
                checkpoint_key = Some(hex(&pk));
                checked.push(format!(
                    "checkpoint signature by '{}' verified (key {})",
                    c.signature.as_ref().map(|s| s.name.as_str()).unwrap_or(""),
                    hex(&pk)
                ));
            }
            Err(CheckpointError::Unsigned) if key.is_some() => {
                return Err(Malformed(
                    "the checkpoint is not signed, but a signer key was pinned with --key",
                ))
            }
            Err(CheckpointError::Unsigned) => checked.push(
                "checkpoint is unsigned (an unsigned ledger): only its size and root are checked"
                    .into(),
            ),
            Err(e) => return Err(e.into()),
        }
    }
    let against = |size: u64, root: &Hash| -> Result<(), InvalidProof> {
        if let Some(c) = cp {
            if c.size != size || &c.root != root {
                return Err(InvalidProof::OtherTree {
                    size,
                    root: *root,
                    checkpoint_size: c.size,
                    checkpoint_root: c.root,
                });
            }
        }
        Ok(())
    };
    match ty {
        "inclusion" => {
            let size = u64_field(v, "tree_size")?;
            let seq = u64_field(v, "seq")?;
            let leaf = hash_field(v, "leaf")?;
            let root_hash = hash_field(v, "root")?;
            if u64_field(v, "leaf_index")? != seq.wrapping_sub(1) {
                return Err(Malformed("'leaf_index' must be seq - 1"));
            }
            let proof = InclusionProof::from_hex_vec(&path_field(v, "proof")?)?;
            against(size, &root_hash)?;
            if let Some(ev) = v.get("event") {
                let e = event_from_json(ev)?;
                if e.seq != seq || e.hash != leaf {
                    return Err(Malformed("the included event is not the proven leaf"));
                }
                checked.push(format!("event seq {seq} decodes and hashes to the leaf"));
            }
            verify_inclusion::<Blake3Hasher>(
                &leaf,
                LeafIndex(seq.wrapping_sub(1)),
                TreeSize(size),
                &proof,
                &root_hash,
            )?;
            checked.push(format!(
                "event seq {seq} is included in the tree of size {size} (root {})",
                hex(&root_hash)
            ));
        }
        "consistency" => {
            let old = u64_field(v, "old_size")?;
            let new = u64_field(v, "new_size")?;
            let old_root = hash_field(v, "old_root")?;
            let new_root = hash_field(v, "new_root")?;
            let proof = ConsistencyProof::from_hex_vec(&path_field(v, "proof")?)?;
            if let Some(c) = cp {
                if !((c.size == new && c.root == new_root) || (c.size == old && c.root == old_root))
                {
                    return Err(InvalidProof::NeitherEnd {
                        size: c.size,
                        root: c.root,
                    });
                }
            }
            verify_consistency::<Blake3Hasher>(
                TreeSize(old),
                TreeSize(new),
                &old_root,
                &new_root,
                &proof,
            )?;
            checked.push(format!(
                "the tree of size {new} (root {}) extends the tree of size {old} (root {}): the ledger was only appended to",
                hex(&new_root),
                hex(&old_root)
            ));
        }
        "evidence" => {
            let size = u64_field(v, "tree_size")?;
            let root_hash = hash_field(v, "root")?;
            if cp.is_none() {
                return Err(Malformed("evidence must carry or be given a checkpoint"));
            }
            against(size, &root_hash)?;
            let claim_id = v
                .get("claim")
                .and_then(Json::as_str)
                .ok_or(Malformed("evidence names no 'claim'"))?;
            let items = v
                .get("events")
                .and_then(Json::as_array)
                .ok_or(Malformed("evidence has no 'events'"))?;
            let mut events = Vec::new();
            for item in items {
                let e = event_from_json(item)?;
                let proof = InclusionProof::from_hex_vec(&path_field(item, "proof")?)?;
                verify_inclusion::<Blake3Hasher>(
                    &e.hash,
                    LeafIndex(e.seq.wrapping_sub(1)),
                    TreeSize(size),
                    &proof,
                    &root_hash,
                )
                .map_err(|source| InvalidProof::NotIncluded { seq: e.seq, source })?;
                events.push(e);
            }
            let Some(EventBody::ClaimAsserted(claim)) = events.first().map(|e| &e.body) else {
                return Err(Malformed("the first event of evidence must be the claim"));
            };
            if claim.id != claim_id {
                return Err(InvalidProof::OtherClaim {
                    claim: claim_id.to_string(),
                    found: claim.id.clone(),
                });
            }
            checked.push(format!(
                "claim '{claim_id}' (seq {}, recorded by {} at {}) is included in the tree of size {size}",
                events[0].seq,
                events[0].author,
                events[0].recorded_at_rfc3339()
            ));
            // The sources must be the claim's source and what it cites, transitively.
            let mut expected: Vec<String> = vec![claim.source.clone()];
            let mut seen = Vec::new();
            for e in &events[1..] {
                let EventBody::SourceRegistered(s) = &e.body else {
                    return Err(InvalidProof::NotASource { seq: e.seq });
                };
                if !expected.contains(&s.id) {
                    return Err(InvalidProof::OffChain { id: s.id.clone() });
                }
                expected.extend(s.cites.iter().cloned());
                seen.push(s);
            }
            if !seen.iter().any(|s| s.id == claim.source) {
                return Err(InvalidProof::MissingSource {
                    id: claim.source.clone(),
                });
            }
            let texts = v
                .get("texts")
                .and_then(Json::as_array)
                .ok_or(Malformed("evidence has no 'texts'"))?;
            for t in texts {
                let src = t
                    .get("source")
                    .and_then(Json::as_str)
                    .ok_or(Malformed("a text names no source"))?;
                let h = hash_field(t, "hash")?;
                let len = u64_field(t, "len")?;
                let s =
                    seen.iter()
                        .find(|s| s.id == src)
                        .ok_or_else(|| InvalidProof::TextOutside {
                            source_id: src.to_string(),
                        })?;
                if s.text.as_ref().map(|r| (r.hash, r.len)) != Some((h, len)) {
                    return Err(InvalidProof::TextDiffers {
                        source_id: src.to_string(),
                    });
                }
            }
            if seen.iter().filter(|s| s.text.is_some()).count() != texts.len() {
                return Err(Malformed(
                    "every source with an archived text must have its text entry",
                ));
            }
            // The summary a reader sees must follow from the included events: primary sources
            // are included sources of kind primary, and the chain reaches one exactly when any
            // is listed. (Whether one was retracted later cannot be shown without the ledger.)
            let primaries: Vec<String> = v
                .get("primary_sources")
                .and_then(Json::as_array)
                .ok_or(Malformed("evidence has no 'primary_sources'"))?
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .ok_or(Malformed("'primary_sources' must hold ids"))
                })
                .collect::<Result<_, _>>()?;
            for p in &primaries {
                if !seen
                    .iter()
                    .any(|s| &s.id == p && s.kind == crate::model::event::SourceKind::Primary)
                {
                    return Err(InvalidProof::NotPrimary { id: p.clone() });
                }
            }
            let reaches = v
                .get("reaches_primary")
                .and_then(Json::as_bool)
                .ok_or(Malformed("evidence has no 'reaches_primary'"))?;
            if reaches == primaries.is_empty() {
                return Err(Malformed("'reaches_primary' contradicts 'primary_sources'"));
            }
            checked.push(format!(
                "its source chain ({}) is included in the same tree, with {} archived text hash(es) matching their sources",
                seen.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", "),
                texts.len()
            ));
            checked.extend(check_reviews(v, claim_id, size, &root_hash)?);
        }
        other => return Err(InvalidProof::UnknownType(other.to_string())),
    }
    Ok(Verdict {
        checked,
        checkpoint_key,
    })
}
