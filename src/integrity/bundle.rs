//! Offline bundles: the whole ledger as JSON Lines — a header, every event (readable fields and
//! stored record), every archived text, and a final checkpoint — that anyone can verify with no
//! store, and that `import --bundle` turns back into the identical ledger.
//!
//! Every line must be exactly the canonical serialisation of what it holds (sorted keys, no
//! spaces), so a change to any byte of any line is caught at that line.

use crate::error::{LedgerError, Result};
use crate::integrity::checkpoint::{Checkpoint, CheckpointError};
use crate::integrity::log_check::{describe_key, CheckError, Verifier};
use crate::integrity::merkle::{Blake3Hasher, MerkleBuilder};
use crate::integrity::proof::{event_from_json, event_json};
use crate::ledger::Ledger;
use crate::model::event::{hex, parse_hash, Event, Hash, PublicKey};
use crate::projection;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::io::Write;

/// Bundle format version.
pub(crate) const BUNDLE_FORMAT: u64 = 1;

fn line(v: &Json) -> String {
    // serde_json's Map is a BTreeMap here (no preserve_order), so keys are sorted.
    v.to_string()
}

fn header_line(origin: &str, events: u64) -> String {
    line(&json!({"type": "bundle", "format": BUNDLE_FORMAT, "origin": origin, "events": events}))
}

fn event_line(e: &Event) -> String {
    let mut v = event_json(e);
    if let Some(o) = v.as_object_mut() {
        o.insert("type".into(), json!("event"));
    }
    line(&v)
}

fn text_line(hash: &Hash, text: &str) -> String {
    line(&json!({"type": "text", "hash": hex(hash), "text": text}))
}

/// The canonical bytes of a verified bundle: what [`export`] writes for the same content, and
/// the only bytes [`verify`] accepts for it.
pub fn render(bundle: &VerifiedBundle) -> String {
    let mut out = header_line(&bundle.checkpoint.origin, bundle.events.len() as u64);
    out.push('\n');
    for e in &bundle.events {
        out.push_str(&event_line(e));
        out.push('\n');
    }
    for (hash, text) in &bundle.texts {
        out.push_str(&text_line(hash, &String::from_utf8_lossy(text)));
        out.push('\n');
    }
    out.push_str(&line(&bundle.checkpoint.to_json()));
    out.push('\n');
    out
}

/// Why [`export`] failed: the ledger could not be read, or the bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Writing the bundle failed (a full disk, a closed pipe).
    #[error("writing the bundle: {0}")]
    Write(#[source] std::io::Error),
}

/// Writes the ledger as a bundle ending with `checkpoint` (made for the ledger's head); the
/// number of lines written. `progress` is told each event's seq as it is written.
pub fn export(
    ledger: &Ledger,
    checkpoint: &Checkpoint,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, ExportError> {
    let head = ledger.head();
    let io = ExportError::Write;
    let mut texts: BTreeMap<Hash, u64> = BTreeMap::new();
    writeln!(out, "{}", header_line(&checkpoint.origin, head.seq)).map_err(io)?;
    let mut lines = 1;
    for e in ledger.events(1) {
        let e = e?;
        if let Some((_, t)) = e.body.archived_text() {
            texts.insert(t.hash, t.len);
        }
        writeln!(out, "{}", event_line(&e)).map_err(io)?;
        lines += 1;
        progress(e.seq);
    }
    for hash in texts.keys() {
        let text = ledger.text(hash)?.ok_or_else(|| LedgerError::CorruptText {
            hash: hex(hash),
            problem: "missing from the store".into(),
        })?;
        writeln!(out, "{}", text_line(hash, &text)).map_err(io)?;
        lines += 1;
    }
    writeln!(out, "{}", line(&checkpoint.to_json())).map_err(io)?;
    Ok(lines + 1)
}

/// The first problem in a bundle: its line (1-based) and, for events, the seq.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {message}", .seq.map(|s| format!(" (seq {s})")).unwrap_or_default())]
pub struct BundleProblem {
    /// Line number.
    pub line: usize,
    /// Seq of the event on that line, if any.
    pub seq: Option<u64>,
    /// What is wrong.
    pub message: String,
}

/// Why [`verify`] refused a bundle: a problem at a line of it, or (never for a bundle that
/// only holds what it claims) the verifier's own replay failing.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The bundle is not a sound, canonical export: its first problem.
    #[error(transparent)]
    Problem(BundleProblem),
    /// The verifier's replay of the bundle's events failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// A verified bundle's content.
pub struct VerifiedBundle {
    /// Every event, in order.
    pub events: Vec<Event>,
    /// Every archived text.
    pub texts: Vec<(Hash, Vec<u8>)>,
    /// The final checkpoint.
    pub checkpoint: Checkpoint,
    /// Seq of the first author authorisation, if the ledger is signed.
    pub signed_from: Option<u64>,
    /// The key the final checkpoint's signature was verified with, if it is signed.
    pub checkpoint_key: Option<PublicKey>,
}

/// Verifies a bundle with no store: canonical lines, hashes, links, signatures, authorities,
/// archived texts, and the checkpoint's root and signature. The checkpoint's time is not
/// compared with a clock; see [`verify_at`].
pub fn verify(input: &[u8]) -> Result<VerifiedBundle, BundleError> {
    verify_at(input, None)
}

/// As [`verify`]; with `now` (microseconds since the epoch), a checkpoint dated after it (beyond
/// [`crate::integrity::checkpoint::FUTURE_SLACK_MICROS`]) is refused too.
pub fn verify_at(input: &[u8], now: Option<i64>) -> Result<VerifiedBundle, BundleError> {
    let fail = |line, seq, message: String| {
        Err(BundleError::Problem(BundleProblem { line, seq, message }))
    };
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            let line = input[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return fail(line, None, "not valid UTF-8".into());
        }
    };
    let Some(content) = text.strip_suffix('\n') else {
        return fail(
            text.split('\n').count(),
            None,
            "the last line does not end with a newline".into(),
        );
    };
    let lines: Vec<&str> = content.split('\n').collect();
    let mut verifier = Verifier::new();
    let mut merkle = MerkleBuilder::<Blake3Hasher>::new();
    let mut events = Vec::new();
    let mut wanted_texts: BTreeMap<Hash, u64> = BTreeMap::new();
    let mut texts: Vec<(Hash, Vec<u8>)> = Vec::new();
    let mut declared_events = None;
    let mut origin = String::new();
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let v: Json = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => return fail(n, None, format!("not valid JSON: {e}")),
        };
        let ty = v.get("type").and_then(Json::as_str).unwrap_or("");
        if n == 1 && ty != "bundle" {
            return fail(n, None, "the first line must be the bundle header".into());
        }
        match ty {
            "bundle" if n == 1 => {
                let fmt = v.get("format").and_then(Json::as_u64);
                let count = v.get("events").and_then(Json::as_u64);
                let o = v.get("origin").and_then(Json::as_str);
                let (Some(BUNDLE_FORMAT), Some(count), Some(o)) = (fmt, count, o) else {
                    return fail(
                        n,
                        None,
                        "the header must give format 1, events and origin".into(),
                    );
                };
                if header_line(o, count) != *raw {
                    return fail(n, None, "the header is not in canonical form".into());
                }
                declared_events = Some(count);
                origin = o.to_string();
            }
            "event" if !texts.is_empty() => {
                return fail(
                    n,
                    None,
                    "an event line after the text lines: every event comes first".into(),
                );
            }
            "event" => {
                let seq_hint = v.pointer("/event/seq").and_then(Json::as_u64);
                let e = match event_from_json(&v) {
                    Ok(e) => e,
                    Err(m) => return fail(n, seq_hint, m.to_string()),
                };
                // The field rules an import line meets: a bundle is no way round them.
                if let Err(p) = entry_check(&e) {
                    return fail(n, Some(e.seq), crate::intake::validate::describe(&p));
                }
                if event_line(&e) != *raw {
                    return fail(
                        n,
                        Some(e.seq),
                        "the line is not the canonical form of its event".into(),
                    );
                }
                if e.seq == 1 && crate::integrity::checkpoint::origin_for(&e.hash) != origin {
                    return fail(
                        1,
                        None,
                        "the header's origin does not match the first event's hash".into(),
                    );
                }
                match verifier.check(&e) {
                    Ok(()) => {}
                    Err(CheckError::Problem(p)) => return fail(n, Some(e.seq), p.to_string()),
                    Err(CheckError::Ledger(e)) => return Err(e.into()),
                }
                if let Some((_, t)) = e.body.archived_text() {
                    wanted_texts.insert(t.hash, t.len);
                }
                merkle.push(&e.hash);
                events.push(e);
            }
            "text" => {
                let (Some(h), Some(t)) = (
                    v.get("hash").and_then(Json::as_str).and_then(parse_hash),
                    v.get("text").and_then(Json::as_str),
                ) else {
                    return fail(n, None, "a text line needs 'hash' and 'text'".into());
                };
                if text_line(&h, t) != *raw {
                    return fail(n, None, "the text line is not in canonical form".into());
                }
                if blake3::hash(t.as_bytes()).as_bytes() != &h {
                    return fail(
                        n,
                        None,
                        format!("archived text {} does not match its hash", hex(&h)),
                    );
                }
                if texts.iter().any(|(seen, _)| seen == &h) {
                    return fail(n, None, format!("archived text {} appears twice", hex(&h)));
                }
                if texts.last().is_some_and(|(prev, _)| prev > &h) {
                    return fail(n, None, "text lines must be in order of their hash".into());
                }
                if wanted_texts.get(&h) != Some(&(t.len() as u64)) {
                    return fail(
                        n,
                        None,
                        format!("archived text {} belongs to no source", hex(&h)),
                    );
                }
                texts.push((h, t.as_bytes().to_vec()));
            }
            "checkpoint" => {
                if n != lines.len() {
                    return fail(n, None, "the checkpoint must be the last line".into());
                }
                let c = match Checkpoint::from_json(&v) {
                    Ok(c) => c,
                    Err(e) => return fail(n, None, e.to_string()),
                };
                if line(&c.to_json()) != *raw {
                    return fail(
                        n,
                        None,
                        "the checkpoint line is not in canonical form".into(),
                    );
                }
                if let Some(now) = now {
                    if let Err(e) = c.check_time(now) {
                        return fail(n, None, e.to_string());
                    }
                }
                let (size, _) = verifier.head();
                if c.size != size {
                    return fail(
                        n,
                        None,
                        format!(
                            "the checkpoint is for {} events, but the bundle holds {size}",
                            c.size
                        ),
                    );
                }
                if Some(size) != declared_events {
                    return fail(
                        1,
                        None,
                        format!(
                            "the header says {:?} events, but the bundle holds {size}",
                            declared_events
                        ),
                    );
                }
                if c.origin != origin {
                    return fail(
                        n,
                        None,
                        "the checkpoint's origin differs from the header's".into(),
                    );
                }
                if c.root != merkle.root() {
                    return fail(
                        n,
                        None,
                        format!(
                        "the checkpoint root {} is not the Merkle root of the bundle's events ({})",
                        hex(&c.root),
                        hex(&merkle.root())
                    ),
                    );
                }
                let mut checkpoint_key = None;
                if verifier.signed_from.is_some() {
                    let pk = match c.verify_signature(None) {
                        Ok(pk) => pk,
                        Err(e) => return fail(n, None, e.to_string()),
                    };
                    let name = c
                        .signature
                        .as_ref()
                        .map(|s| s.name.clone())
                        .unwrap_or_default();
                    let authorised = projection::author(verifier.tables(), &name)?
                        .is_some_and(|a| a.revoked_at.is_none() && a.public_key == pk);
                    if !authorised {
                        return fail(n, None, format!("the checkpoint is signed by '{name}', who is not an authorised author at the head"));
                    }
                    checkpoint_key = Some(pk);
                } else if c.signature.is_some() {
                    match c.verify_signature(None) {
                        Ok(pk) => checkpoint_key = Some(pk),
                        Err(e) => return fail(n, None, e.to_string()),
                    }
                }
                if texts.len() != wanted_texts.len() {
                    return fail(
                        n,
                        None,
                        format!(
                            "{} archived texts are referenced but {} are in the bundle",
                            wanted_texts.len(),
                            texts.len()
                        ),
                    );
                }
                return Ok(VerifiedBundle {
                    events,
                    texts,
                    checkpoint: c,
                    signed_from: verifier.signed_from,
                    checkpoint_key,
                });
            }
            other => return fail(n, None, format!("unknown line type '{other}'")),
        }
    }
    fail(
        lines.len(),
        None,
        "the bundle ends without its checkpoint (it was cut short)".into(),
    )
}

/// The checks every event entering a ledger meets ([`crate::intake::validate`]): every field
/// that breaks one.
fn entry_check(e: &Event) -> std::result::Result<(), Vec<crate::intake::validate::FieldProblem>> {
    let mut problems = crate::intake::validate::event(&e.body)
        .err()
        .unwrap_or_default();
    problems.extend(crate::intake::validate::author(&e.author).err());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// What a published checkpoint vouches for in a verified bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// The published checkpoint's size: the bundle's first `size` events are what was published.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// Its signer's name and the key its signature was verified with (`None`: unsigned).
    pub signer: Option<(String, PublicKey)>,
}

/// How a verified bundle differs from the checkpoint the desk published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishedMismatch {
    /// The checkpoint is of another ledger.
    #[error("the published checkpoint's origin is {published}, but the bundle's is {bundle}: another ledger")]
    Origin {
        /// The published checkpoint's origin.
        published: String,
        /// The bundle's origin.
        bundle: String,
    },
    /// The checkpoint is for more events than the bundle holds.
    #[error(
        "the published checkpoint is for size {size}, but the bundle holds only {held} events"
    )]
    Size {
        /// The published size.
        size: u64,
        /// Events in the bundle.
        held: u64,
    },
    /// The bundle's first `size` events are another tree.
    #[error("the bundle's first {size} events have the Merkle root {}, but the published checkpoint's root is {}: this is not the history that was published", hex(.bundle_root), hex(.published_root))]
    Root {
        /// The published size.
        size: u64,
        /// The root of the bundle's first `size` events.
        bundle_root: Hash,
        /// The published root.
        published_root: Hash,
    },
    /// A key was pinned but the checkpoint carries no signature.
    #[error("the published checkpoint is not signed, but a signer key was pinned with --key")]
    UnsignedButKeyPinned,
    /// The signature does not verify (with the pinned key, or the one the JSON carries).
    #[error(transparent)]
    Signature(CheckpointError),
}

/// Checks a verified bundle against a checkpoint the desk published: same origin, the Merkle
/// root of the bundle's first `size` events is the checkpoint's root, and its signature verifies
/// with `key` (the key the reader trusts) or, without `key`, with the key a JSON checkpoint
/// carries. An unsigned checkpoint passes only without `key`. The error says what differs.
pub(crate) fn check_published(
    bundle: &VerifiedBundle,
    published: &Checkpoint,
    key: Option<&PublicKey>,
) -> Result<Anchor, PublishedMismatch> {
    let origin = &bundle.checkpoint.origin;
    if &published.origin != origin {
        return Err(PublishedMismatch::Origin {
            published: published.origin.clone(),
            bundle: origin.clone(),
        });
    }
    let held = bundle.events.len() as u64;
    if published.size > held {
        return Err(PublishedMismatch::Size {
            size: published.size,
            held,
        });
    }
    let mut merkle = MerkleBuilder::<Blake3Hasher>::new();
    for e in bundle.events.iter().take(published.size as usize) {
        merkle.push(&e.hash);
    }
    if merkle.root() != published.root {
        return Err(PublishedMismatch::Root {
            size: published.size,
            bundle_root: merkle.root(),
            published_root: published.root,
        });
    }
    let signer = match published.verify_signature(key) {
        Ok(pk) => {
            let name = published.signature.as_ref().map(|s| s.name.clone());
            let name = match key {
                // The name on the line of the trusted key.
                Some(k) => published
                    .signatures()
                    .find(|s| crate::integrity::checkpoint::key_id(&s.name, k) == s.key_id)
                    .map(|s| s.name.clone()),
                None => name,
            };
            Some((name.unwrap_or_default(), pk))
        }
        Err(CheckpointError::Unsigned) if key.is_some() => {
            return Err(PublishedMismatch::UnsignedButKeyPinned)
        }
        Err(CheckpointError::Unsigned) => None,
        Err(e) => return Err(PublishedMismatch::Signature(e)),
    };
    Ok(Anchor {
        size: published.size,
        root: published.root,
        signer,
    })
}

/// Why [`import`] refused a bundle; nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The ledger already holds events.
    #[error("import --bundle needs an empty ledger; this one has {events} events")]
    NotEmpty {
        /// Events the ledger holds.
        events: u64,
    },
    /// An event breaks the field rules every import line meets.
    #[error("bundle event seq {seq}: {problem}")]
    Event {
        /// The event's seq.
        seq: u64,
        /// What is wrong.
        problem: String,
    },
    /// An archived text is not acceptable.
    #[error("bundle archived text {}: {problem}", hex(.hash))]
    Text {
        /// The text's hash.
        hash: Hash,
        /// What is wrong.
        problem: String,
    },
    /// Two events hold the same id (or retract or correct the same one).
    #[error("{} at seq {seq} repeats seq {first}; nothing was imported", describe_key(.key))]
    Duplicate {
        /// The index key held twice.
        key: Vec<u8>,
        /// The later event.
        seq: u64,
        /// The earlier event.
        first: u64,
    },
    /// The ledger failed the append.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Imports a verified bundle into an empty ledger: same events, same hashes, same root.
pub fn import(ledger: &mut Ledger, bundle: VerifiedBundle) -> Result<u64, ImportError> {
    if ledger.head().seq != 0 {
        return Err(ImportError::NotEmpty {
            events: ledger.head().seq,
        });
    }
    // `verify` has checked all this; a `VerifiedBundle` can also be built by hand, so the
    // import checks again what enters the ledger.
    for e in &bundle.events {
        entry_check(e).map_err(|p| ImportError::Event {
            seq: e.seq,
            problem: crate::intake::validate::describe(&p),
        })?;
    }
    for (hash, text) in &bundle.texts {
        let problem = match std::str::from_utf8(text) {
            Ok(t) => crate::intake::validate::archived_text(t)
                .err()
                .map(|r| r.to_string()),
            Err(_) => Some("is not valid UTF-8".to_string()),
        };
        if let Some(problem) = problem {
            return Err(ImportError::Text {
                hash: *hash,
                problem,
            });
        }
    }
    // `verify` refuses a repeated id; a bundle built by hand must not slip one in either.
    let mut seen: std::collections::HashMap<Vec<u8>, u64> = std::collections::HashMap::new();
    for e in &bundle.events {
        for key in crate::ledger::index_keys(&e.body) {
            if let Some(&first) = seen.get(&key) {
                return Err(ImportError::Duplicate {
                    key,
                    seq: e.seq,
                    first,
                });
            }
            seen.insert(key, e.seq);
        }
    }
    let n = bundle.events.len() as u64;
    ledger.append_events(bundle.events, bundle.texts)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::event::tests::bare_source;
    use crate::model::event::{EventBody, Source, TextRef, ZERO_HASH};

    /// A two-source bundle with two archived texts, as `render` writes it.
    fn sample() -> String {
        let mut events: Vec<Event> = Vec::new();
        let mut texts = Vec::new();
        for (id, t) in [("a", "first text"), ("b", "second text")] {
            let hash = *blake3::hash(t.as_bytes()).as_bytes();
            let body = EventBody::SourceRegistered(Source {
                text: Some(TextRef {
                    hash,
                    len: t.len() as u64,
                }),
                ..bare_source(id)
            });
            let prev = events.last().map_or(ZERO_HASH, |e| e.hash);
            events.push(Event::new(
                events.len() as u64 + 1,
                0,
                "d".into(),
                prev,
                body,
            ));
            texts.push((hash, t.as_bytes().to_vec()));
        }
        texts.sort();
        let mut m = MerkleBuilder::<Blake3Hasher>::new();
        for e in &events {
            m.push(&e.hash);
        }
        let checkpoint = Checkpoint {
            origin: crate::integrity::checkpoint::origin_for(&events[0].hash),
            size: 2,
            root: m.root(),
            time: "2025-02-26T12:00:00Z".into(),
            signature: None,
            cosignatures: Vec::new(),
        };
        render(&VerifiedBundle {
            events,
            texts,
            checkpoint,
            signed_from: None,
            checkpoint_key: None,
        })
    }

    fn problem(text: &str) -> BundleProblem {
        match verify(text.as_bytes()) {
            Ok(_) => panic!("accepted: {text}"),
            Err(BundleError::Problem(p)) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn only_the_rendered_bytes_verify() {
        let text = sample();
        let b = verify(text.as_bytes()).unwrap();
        assert_eq!(render(&b), text);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(problem(text.trim_end()).line, 6);
        let swapped =
            [lines[0], lines[1], lines[2], lines[4], lines[3], lines[5]].join("\n") + "\n";
        assert_eq!(problem(&swapped).line, 5);
        let early = [lines[0], lines[1], lines[3], lines[2], lines[4], lines[5]].join("\n") + "\n";
        assert_eq!(problem(&early).line, 4);
        assert_eq!(problem(&format!("{text}\n")).line, 6);
    }

    #[test]
    fn a_checkpoint_from_the_future_fails_only_with_a_clock() {
        let text = sample();
        let at = crate::integrity::checkpoint::parse_time("2025-02-26T12:00:00Z").unwrap();
        assert!(verify_at(text.as_bytes(), Some(at)).is_ok());
        let early = at - crate::integrity::checkpoint::FUTURE_SLACK_MICROS - 1;
        let Err(BundleError::Problem(p)) = verify_at(text.as_bytes(), Some(early)) else {
            panic!("accepted a checkpoint from the future");
        };
        assert_eq!(p.line, 6);
        assert!(p.message.contains("future"), "{}", p.message);
    }
}
