//! Proofs a third party can check without the ledger: inclusion of an event in a tree of a given
//! size, consistency between two tree sizes (the ledger was only appended to), and evidence
//! files (a claim, its source chain, their inclusion proofs and a signed checkpoint).
//!
//! Every event travels as its stored record (hex) beside its readable fields; a verifier decodes
//! the record, recomputes its hash, and insists that the readable fields are exactly the record's,
//! so nothing a reader sees can differ from what was hashed.

use crate::checkpoint::{leaves, Checkpoint};
use crate::error::{LedgerError, Result};
use crate::event::{hex, parse_hash, Event, EventBody, Hash};
use crate::ledger::Ledger;
use crate::merkle::{
    consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion, Blake3Hasher,
    ConsistencyProof, InclusionProof, LeafIndex, TreeSize,
};
use crate::projection;
use crate::provenance;
use crate::signing;
use serde_json::{json, Value as Json};

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
pub fn event_from_json(v: &Json) -> Result<Event, String> {
    let record = v
        .get("record")
        .and_then(Json::as_str)
        .and_then(hex_bytes)
        .ok_or("the event has no record (hex)")?;
    let e =
        Event::from_record(&record).map_err(|err| format!("the record does not decode: {err}"))?;
    if v.get("event") != Some(&e.to_json()) {
        return Err(format!(
            "the readable fields of event seq {} differ from its record",
            e.seq
        ));
    }
    if e.compute_hash() != e.hash {
        return Err(format!(
            "event seq {} does not hash to its recorded hash",
            e.seq
        ));
    }
    if e.signature.is_some() || e.signer.is_some() {
        signing::verify_signature(&e).map_err(|err| err.to_string())?;
    }
    Ok(e)
}

fn hash_field(v: &Json, key: &str) -> Result<Hash, String> {
    v.get(key)
        .and_then(Json::as_str)
        .and_then(parse_hash)
        .ok_or_else(|| format!("'{key}' must be 64 hex digits"))
}

fn u64_field(v: &Json, key: &str) -> Result<u64, String> {
    v.get(key)
        .and_then(Json::as_u64)
        .ok_or_else(|| format!("'{key}' must be a whole number"))
}

fn path_field(v: &Json, key: &str) -> Result<Vec<String>, String> {
    v.get(key)
        .and_then(Json::as_array)
        .ok_or_else(|| format!("'{key}' must be an array of hashes"))?
        .iter()
        .map(|h| {
            h.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("'{key}' must hold strings"))
        })
        .collect()
}

/// An inclusion proof for event `seq` in the tree of `size` events.
pub fn prove_inclusion(ledger: &Ledger, seq: u64, size: u64) -> Result<Json> {
    if seq == 0 || seq > size {
        return Err(LedgerError::Invalid(format!(
            "seq {seq} is not in a tree of {size} events"
        )));
    }
    let hashes = leaves(ledger, size)?;
    let proof = inclusion_proof::<Blake3Hasher>(&hashes, LeafIndex(seq - 1), TreeSize(size))
        .map_err(|e| LedgerError::Invalid(e.to_string()))?;
    let event = ledger
        .event(seq)?
        .ok_or_else(|| LedgerError::Invalid(format!("no event {seq}")))?;
    Ok(json!({
        "type": "inclusion",
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf": hex(&event.hash),
        "root": hex(&root::<Blake3Hasher>(&hashes)),
        "proof": proof.to_hex_vec(),
        "event": event_json(&event),
    }))
}

/// A consistency proof between tree sizes `old` and `new`.
pub fn prove_consistency(ledger: &Ledger, old: u64, new: u64) -> Result<Json> {
    if old > new {
        return Err(LedgerError::Invalid(format!(
            "the old size {old} is larger than the new size {new}"
        )));
    }
    let hashes = leaves(ledger, new)?;
    let proof = consistency_proof::<Blake3Hasher>(&hashes, TreeSize(old), TreeSize(new))
        .map_err(|e| LedgerError::Invalid(e.to_string()))?;
    Ok(json!({
        "type": "consistency",
        "old_size": old,
        "new_size": new,
        "old_root": hex(&root::<Blake3Hasher>(&hashes[..old as usize])),
        "new_root": hex(&root::<Blake3Hasher>(&hashes)),
        "proof": proof.to_hex_vec(),
    }))
}

/// Evidence for a claim: the claim's event, the events of the sources along its chain that are
/// in the ledger, their archived texts' hashes, an inclusion proof for each, and the checkpoint.
pub fn evidence(ledger: &Ledger, claim_id: &str, checkpoint: &Checkpoint) -> Result<Json> {
    let t = ledger.tables();
    let claim_event = ledger
        .find(claim_id)?
        .filter(|e| matches!(e.body, EventBody::ClaimAsserted(_)))
        .ok_or_else(|| {
            LedgerError::Invalid(format!("no claim with id '{claim_id}' in the ledger"))
        })?;
    let EventBody::ClaimAsserted(claim) = &claim_event.body else {
        return Err(LedgerError::Invalid(format!("'{claim_id}' is not a claim")));
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
                        texts.push(json!({"source": s.id, "hash": hex(&tr.hash), "len": tr.len}));
                    }
                }
                events.push(e);
            }
        }
    }
    let mut items = Vec::new();
    for e in &events {
        if e.seq > size {
            return Err(LedgerError::Invalid(format!(
                "event seq {} is newer than the checkpoint (size {size})",
                e.seq
            )));
        }
        let proof = inclusion_proof::<Blake3Hasher>(&hashes, LeafIndex(e.seq - 1), TreeSize(size))
            .map_err(|err| LedgerError::Invalid(err.to_string()))?;
        let mut item = event_json(e);
        if let Some(o) = item.as_object_mut() {
            o.insert("proof".into(), json!(proof.to_hex_vec()));
        }
        items.push(item);
    }
    let live = projection::claim(&t, claim_id)?
        .map(|c| projection::liveness(&t, &c))
        .transpose()?
        .map(|l| l.as_str());
    Ok(json!({
        "type": "evidence",
        "claim": claim_id,
        "claim_status_when_made": live,
        "reaches_primary": chain.reaches_primary(),
        "primary_sources": chain.primary_sources,
        "tree_size": size,
        "root": hex(&checkpoint.root),
        "events": items,
        "texts": texts,
        "checkpoint": checkpoint.to_json(),
    }))
}

/// What an offline check established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// One line per thing checked.
    pub checked: Vec<String>,
    /// The checkpoint's signer key, when its signature was checked.
    pub checkpoint_key: Option<String>,
}

/// Checks a proof or evidence file, optionally against a separately published checkpoint and a
/// pinned signer key. Every element is checked; the first failure is the error.
pub fn verify_file(
    v: &Json,
    checkpoint: Option<&Checkpoint>,
    key: Option<&[u8; 32]>,
) -> Result<Verdict, String> {
    let ty = v
        .get("type")
        .and_then(Json::as_str)
        .ok_or("the file has no 'type'")?;
    let mut checked = Vec::new();
    // The checkpoint to check against: the one given, else the one in the file (evidence).
    let embedded = match v.get("checkpoint") {
        Some(c) => Some(Checkpoint::from_json(c).map_err(|e| e.to_string())?),
        None => None,
    };
    if let (Some(given), Some(inner)) = (checkpoint, &embedded) {
        if given.size != inner.size || given.root != inner.root || given.origin != inner.origin {
            return Err("the file's checkpoint differs from the published checkpoint".into());
        }
    }
    let cp = checkpoint.or(embedded.as_ref());
    if key.is_some() && cp.is_none() {
        return Err(
            "a signer key was given, but there is no checkpoint to check it against".into(),
        );
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
            Err(crate::checkpoint::CheckpointError::Unsigned) if key.is_some() => {
                return Err(
                    "the checkpoint is not signed, but a signer key was pinned with --key".into(),
                )
            }
            Err(crate::checkpoint::CheckpointError::Unsigned) => checked.push(
                "checkpoint is unsigned (an unsigned ledger): only its size and root are checked"
                    .into(),
            ),
            Err(e) => return Err(e.to_string()),
        }
    }
    let against = |size: u64, root: &Hash| -> Result<(), String> {
        if let Some(c) = cp {
            if c.size != size || &c.root != root {
                return Err(format!(
                    "the proof is for size {size} root {}, but the checkpoint says size {} root {}",
                    hex(root),
                    c.size,
                    hex(&c.root)
                ));
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
                return Err("'leaf_index' must be seq - 1".into());
            }
            let proof = InclusionProof::from_hex_vec(&path_field(v, "proof")?)
                .map_err(|e| e.to_string())?;
            against(size, &root_hash)?;
            if let Some(ev) = v.get("event") {
                let e = event_from_json(ev)?;
                if e.seq != seq || e.hash != leaf {
                    return Err("the included event is not the proven leaf".into());
                }
                checked.push(format!("event seq {seq} decodes and hashes to the leaf"));
            }
            verify_inclusion::<Blake3Hasher>(
                &leaf,
                LeafIndex(seq.wrapping_sub(1)),
                TreeSize(size),
                &proof,
                &root_hash,
            )
            .map_err(|e| e.to_string())?;
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
            let proof = ConsistencyProof::from_hex_vec(&path_field(v, "proof")?)
                .map_err(|e| e.to_string())?;
            if let Some(c) = cp {
                if !((c.size == new && c.root == new_root) || (c.size == old && c.root == old_root))
                {
                    return Err(format!(
                        "the checkpoint (size {} root {}) is neither end of the proof",
                        c.size,
                        hex(&c.root)
                    ));
                }
            }
            verify_consistency::<Blake3Hasher>(
                TreeSize(old),
                TreeSize(new),
                &old_root,
                &new_root,
                &proof,
            )
            .map_err(|e| e.to_string())?;
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
                return Err("evidence must carry or be given a checkpoint".into());
            }
            against(size, &root_hash)?;
            let claim_id = v
                .get("claim")
                .and_then(Json::as_str)
                .ok_or("evidence names no 'claim'")?;
            let items = v
                .get("events")
                .and_then(Json::as_array)
                .ok_or("evidence has no 'events'")?;
            let mut events = Vec::new();
            for item in items {
                let e = event_from_json(item)?;
                let proof = InclusionProof::from_hex_vec(&path_field(item, "proof")?)
                    .map_err(|err| err.to_string())?;
                verify_inclusion::<Blake3Hasher>(
                    &e.hash,
                    LeafIndex(e.seq.wrapping_sub(1)),
                    TreeSize(size),
                    &proof,
                    &root_hash,
                )
                .map_err(|err| format!("event seq {}: {err}", e.seq))?;
                events.push(e);
            }
            let Some(EventBody::ClaimAsserted(claim)) = events.first().map(|e| &e.body) else {
                return Err("the first event of evidence must be the claim".into());
            };
            if claim.id != claim_id {
                return Err(format!(
                    "the first event is claim '{}', not '{claim_id}'",
                    claim.id
                ));
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
                    return Err(format!("event seq {} in the chain is not a source", e.seq));
                };
                if !expected.contains(&s.id) {
                    return Err(format!("source '{}' is not on the claim's chain", s.id));
                }
                expected.extend(s.cites.iter().cloned());
                seen.push(s);
            }
            if !seen.iter().any(|s| s.id == claim.source) {
                return Err(format!(
                    "the claim's source '{}' is missing from the evidence",
                    claim.source
                ));
            }
            let texts = v
                .get("texts")
                .and_then(Json::as_array)
                .ok_or("evidence has no 'texts'")?;
            for t in texts {
                let src = t
                    .get("source")
                    .and_then(Json::as_str)
                    .ok_or("a text names no source")?;
                let h = hash_field(t, "hash")?;
                let len = u64_field(t, "len")?;
                let s = seen
                    .iter()
                    .find(|s| s.id == src)
                    .ok_or_else(|| format!("text for '{src}', which is not in the evidence"))?;
                if s.text.as_ref().map(|r| (r.hash, r.len)) != Some((h, len)) {
                    return Err(format!(
                        "the text hash or length for '{src}' differs from what its source registered"
                    ));
                }
            }
            if seen.iter().filter(|s| s.text.is_some()).count() != texts.len() {
                return Err("every source with an archived text must have its text entry".into());
            }
            // The summary a reader sees must follow from the included events: primary sources
            // are included sources of kind primary, and the chain reaches one exactly when any
            // is listed. (Whether one was retracted later cannot be shown without the ledger.)
            let primaries: Vec<String> = v
                .get("primary_sources")
                .and_then(Json::as_array)
                .ok_or("evidence has no 'primary_sources'")?
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .ok_or("'primary_sources' must hold ids")
                })
                .collect::<Result<_, _>>()?;
            for p in &primaries {
                if !seen
                    .iter()
                    .any(|s| &s.id == p && s.kind == crate::event::SourceKind::Primary)
                {
                    return Err(format!(
                        "'{p}' is listed as a primary source but no included primary source has that id"
                    ));
                }
            }
            let reaches = v
                .get("reaches_primary")
                .and_then(Json::as_bool)
                .ok_or("evidence has no 'reaches_primary'")?;
            if reaches == primaries.is_empty() {
                return Err("'reaches_primary' contradicts 'primary_sources'".into());
            }
            checked.push(format!(
                "its source chain ({}) is included in the same tree, with {} archived text hash(es) matching their sources",
                seen.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", "),
                texts.len()
            ));
        }
        other => return Err(format!("unknown proof type '{other}'")),
    }
    Ok(Verdict {
        checked,
        checkpoint_key,
    })
}
