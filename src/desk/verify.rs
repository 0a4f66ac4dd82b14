//! `verify`: the whole integrity report of a ledger — every event's hash, link, signature and
//! author's authority, the id index, the archived texts, and the stored projection compared with
//! what the log implies — or of an exported bundle, with no store, optionally anchored to a
//! checkpoint the desk published and a key the reader trusts.

use super::import::HeadRef;
use crate::error::LedgerError;
use crate::integrity::bundle::{self, Anchor, BundleError, BundleProblem, PublishedMismatch};
use crate::integrity::checkpoint::{Checkpoint, CheckpointError};
use crate::integrity::log_check::{verify_log, LogProblem};
use crate::model::event::{hex, PublicKey};
use crate::Ledger;
use serde::Serialize;

/// What `verify` found (its JSON; fields alphabetical). `ok` is false exactly when there is a
/// `problem`; the counts then stop at the problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Events checked.
    pub events: u64,
    /// The head the store records.
    pub head: HeadRef,
    /// True when nothing is wrong.
    pub ok: bool,
    /// The first problem: in the log, its index or texts, or the stored projection's drift.
    pub problem: Option<LogProblem>,
    /// Digest of the projection the log implies, hex (when the log is sound).
    pub projection_digest: Option<String>,
    /// Whether the ledger is signed.
    pub signed: bool,
    /// Events carrying a verified signature.
    pub signed_events: u64,
    /// Seq of the first author authorisation: signed from there on.
    pub signed_from: Option<u64>,
    /// Archived texts checked.
    pub texts: u64,
}

/// Verifies the whole ledger: the log from seq 1 to the head (stopping at the first problem),
/// then, when the log is sound, the stored projection against the replay the check made.
/// `progress` is told each seq checked. A damaged ledger is an `Ok` report with a problem; the
/// error is for a store that could not be read at all.
pub fn verify(ledger: &Ledger, progress: impl FnMut(u64)) -> Result<VerifyReport, LedgerError> {
    let mut report = verify_log(ledger, progress)?;
    let head = ledger.head();
    // Only a sound chain can be replayed meaningfully; then the projection must match it.
    let mut projection_digest = None;
    if let (None, Some(replayed)) = (&report.problem, report.projection_digest) {
        let check = ledger.compare_projection(replayed)?;
        projection_digest = Some(hex(&check.replayed));
        if let Some(message) = check.drift(head.seq) {
            report.problem = Some(LogProblem {
                seq: head.seq,
                code: "projection-drift",
                message: format!("{message}; rebuild it with `factledger replay --rebuild`"),
            });
        }
    }
    Ok(VerifyReport {
        events: report.events,
        head: HeadRef::of(ledger),
        ok: report.problem.is_none(),
        problem: report.problem,
        projection_digest,
        signed: report.signed_from.is_some(),
        signed_events: report.signed_events,
        signed_from: report.signed_from,
        texts: report.texts,
    })
}

/// The report of a ledger whose store is too damaged to open (the JSON `verify` prints then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreDamaged {
    /// Always false.
    pub ok: bool,
    /// `store-damaged` and what the store said.
    pub problem: StoreDamage,
}

/// The problem of a store too damaged to open: not tied to an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreDamage {
    /// Always `store-damaged`.
    pub code: &'static str,
    /// What the store said.
    pub message: String,
}

impl StoreDamaged {
    /// The report for a store that failed to open with `message`.
    pub fn new(message: impl Into<String>) -> StoreDamaged {
        StoreDamaged {
            ok: false,
            problem: StoreDamage {
                code: "store-damaged",
                message: message.into(),
            },
        }
    }
}

/// A published checkpoint as read from a file: its name for messages and its text (note or JSON).
#[derive(Debug, Clone, Copy)]
pub struct Published<'a> {
    /// The file name.
    pub label: &'a str,
    /// Its content.
    pub text: &'a str,
}

/// A published checkpoint that cannot be used: malformed, or dated after the verifier's clock.
#[derive(Debug, thiserror::Error)]
#[error("{label}: {source}")]
pub struct BadPublished {
    /// The file name.
    pub label: String,
    /// What is wrong.
    pub source: CheckpointError,
}

/// Reads a published checkpoint and refuses one from the future (`now`: the verifier's clock,
/// microseconds since the epoch).
pub fn read_published(published: Published<'_>, now: i64) -> Result<Checkpoint, BadPublished> {
    let bad = |source| BadPublished {
        label: published.label.to_string(),
        source,
    };
    let c = Checkpoint::from_text(published.text).map_err(bad)?;
    c.check_time(now).map_err(bad)?;
    Ok(c)
}

/// What to verify a bundle with.
#[derive(Debug, Clone, Copy)]
pub struct BundleInput<'a> {
    /// The bundle's name for messages.
    pub label: &'a str,
    /// The bundle's bytes.
    pub bytes: &'a [u8],
    /// A checkpoint the desk published: the bundle's first events must be its tree.
    pub published: Option<Published<'a>>,
    /// The key the reader trusts to sign checkpoints.
    pub key: Option<PublicKey>,
    /// The verifier's clock, microseconds since the epoch: checkpoints dated after it are refused.
    pub now: i64,
}

/// What `verify --bundle` found (its JSON; fields alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    /// The bundle's name.
    pub bundle: String,
    /// What the published checkpoint vouches for, when one was given.
    pub checkpoint: Option<AnchorReport>,
    /// The key the bundle's checkpoint signature was verified with (the trusted key if given).
    pub checkpoint_key: Option<String>,
    /// Who signed the bundle's checkpoint.
    pub checkpoint_signer: Option<String>,
    /// Events in the bundle.
    pub events: usize,
    /// Always true: a failed check is a [`VerifyBundleError`].
    pub ok: bool,
    /// The ledger's origin.
    pub origin: String,
    /// The Merkle root of the bundle's checkpoint, hex.
    pub root: String,
    /// Whether the ledger is signed.
    pub signed: bool,
    /// Seq of the first author authorisation.
    pub signed_from: Option<u64>,
    /// Archived texts in the bundle.
    pub texts: usize,
}

/// What a published checkpoint vouches for in a bundle (fields alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorReport {
    /// The checkpoint file.
    pub file: String,
    /// The key its signature was verified with, hex.
    pub key: Option<String>,
    /// Its root, hex.
    pub root: String,
    /// Its signer.
    pub signer: Option<String>,
    /// Its size: the bundle's first `size` events are what was published.
    pub size: u64,
}

impl AnchorReport {
    fn new(file: &str, a: Anchor) -> AnchorReport {
        AnchorReport {
            file: file.to_string(),
            key: a.signer.as_ref().map(|(_, k)| hex(k)),
            root: hex(&a.root),
            signer: a.signer.map(|(n, _)| n),
            size: a.size,
        }
    }
}

/// Why a bundle did not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyBundleError {
    /// The published checkpoint cannot be used.
    #[error(transparent)]
    Published(#[from] BadPublished),
    /// The bundle itself fails, at a line (the trusted key refusing its checkpoint counts as a
    /// problem of its last line).
    #[error("{label}:{}{}: {}", .problem.line, .problem.seq.map(|s| format!(" (seq {s})")).unwrap_or_default(), .problem.message)]
    Bundle {
        /// The bundle's name.
        label: String,
        /// The first problem.
        problem: BundleProblem,
    },
    /// The bundle is sound but not the history the published checkpoint vouches for.
    #[error("{label}: {file}: {mismatch}")]
    NotPublished {
        /// The bundle's name.
        label: String,
        /// The checkpoint file.
        file: String,
        /// What differs (boxed: it carries two roots).
        mismatch: Box<PublishedMismatch>,
    },
    /// The verifier's replay failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// The JSON a failed bundle check prints (fields alphabetical): the line and seq where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleFailure {
    /// The line of the problem.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// Always false.
    pub ok: bool,
    /// The seq of the event on that line.
    pub seq: Option<u64>,
}

impl VerifyBundleError {
    /// The structured report of a failed check of the bundle (none for an unusable checkpoint
    /// file or a failed replay).
    pub fn report(&self) -> Option<BundleFailure> {
        match self {
            VerifyBundleError::Bundle { problem, .. } => Some(BundleFailure {
                line: Some(problem.line),
                message: problem.message.clone(),
                ok: false,
                seq: problem.seq,
            }),
            VerifyBundleError::NotPublished { file, mismatch, .. } => Some(BundleFailure {
                line: None,
                message: format!("{file}: {mismatch}"),
                ok: false,
                seq: None,
            }),
            VerifyBundleError::Published(_) | VerifyBundleError::Ledger(_) => None,
        }
    }
}

/// Verifies an exported bundle with no store: every line canonical, every hash, link, signature
/// and authority, the archived texts, the checkpoint's root and signature (with the trusted key
/// when given), and, with a published checkpoint, that the bundle begins with its tree.
pub fn verify_bundle(input: BundleInput<'_>) -> Result<BundleReport, VerifyBundleError> {
    let published = input
        .published
        .map(|p| read_published(p, input.now).map(|c| (p.label, c)))
        .transpose()?;
    let label = input.label.to_string();
    let problem = |line, seq, message| VerifyBundleError::Bundle {
        label: label.clone(),
        problem: BundleProblem { line, seq, message },
    };
    let b = bundle::verify_at(input.bytes, Some(input.now)).map_err(|e| match e {
        BundleError::Problem(p) => problem(p.line, p.seq, p.message),
        BundleError::Ledger(e) => e.into(),
    })?;
    // The key the reader trusts checks the published checkpoint, else the bundle's own.
    let mut checkpoint_key = b.checkpoint_key;
    if let (Some(k), None) = (&input.key, &published) {
        if let Err(e) = b.checkpoint.verify_signature(Some(k)) {
            let message = match e {
                CheckpointError::Unsigned => {
                    "the checkpoint is not signed, but a signer key was pinned with --key".into()
                }
                e => e.to_string(),
            };
            let last = 2 + b.events.len() + b.texts.len();
            return Err(problem(last, None, message));
        }
        checkpoint_key = Some(*k);
    }
    let anchor = match &published {
        Some((file, c)) => Some(
            bundle::check_published(&b, c, input.key.as_ref())
                .map(|a| AnchorReport::new(file, a))
                .map_err(|mismatch| VerifyBundleError::NotPublished {
                    label: label.clone(),
                    file: file.to_string(),
                    mismatch: Box::new(mismatch),
                })?,
        ),
        None => None,
    };
    Ok(BundleReport {
        bundle: label,
        checkpoint: anchor,
        checkpoint_key: checkpoint_key.map(|k| hex(&k)),
        checkpoint_signer: b.checkpoint.signature.as_ref().map(|s| s.name.clone()),
        events: b.events.len(),
        ok: true,
        origin: b.checkpoint.origin.clone(),
        root: hex(&b.checkpoint.root),
        signed: b.signed_from.is_some(),
        signed_from: b.signed_from,
        texts: b.texts.len(),
    })
}

#[cfg(test)]
mod tests {
    use crate::desk::import::tests::ledger as empty_ledger;
    use crate::desk::{checkpoint, prove, replay, verify, verify_proof};
    use crate::integrity::checkpoint::TreeError;
    use crate::ledger::Stamp;

    fn stamp() -> Stamp {
        Stamp {
            author: "desk".into(),
            recorded_at: 0,
            key: None,
        }
    }

    #[test]
    fn an_empty_ledger_verifies_and_its_report_is_the_json_contract() {
        let (_dir, ledger) = empty_ledger();
        let mut seen = Vec::new();
        let report = verify::verify(&ledger, |s| seen.push(s)).expect("verify");
        assert!(report.ok && report.problem.is_none() && seen.is_empty());
        let json = serde_json::to_value(&report).expect("json");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "events",
                "head",
                "ok",
                "problem",
                "projection_digest",
                "signed",
                "signed_events",
                "signed_from",
                "texts"
            ]
        );
        assert_eq!(
            serde_json::to_string(&verify::StoreDamaged::new("bad")).expect("json"),
            r#"{"ok":false,"problem":{"code":"store-damaged","message":"bad"}}"#
        );
    }

    #[test]
    fn replay_past_the_head_and_a_checkpoint_of_nothing_are_typed_errors() {
        let (_dir, mut ledger) = empty_ledger();
        let past = replay::ReplayOptions {
            to: Some(3),
            rebuild: false,
        };
        match replay::replay(&mut ledger, past, |_| {}) {
            Err(replay::ReplayError::PastHead { to: 3, head: 0 }) => {}
            other => panic!("{other:?}"),
        }
        let r =
            replay::replay(&mut ledger, replay::ReplayOptions::default(), |_| {}).expect("replay");
        assert_eq!((r.seq, r.matches_stored, r.rebuilt), (0, Some(true), false));
        match checkpoint::checkpoint(&ledger, &stamp()) {
            Err(checkpoint::CheckpointError::Tree(TreeError::Empty)) => {}
            other => panic!("{other:?}"),
        }
        match prove::prove(
            &ledger,
            &prove::ProveRequest::Consistency { old: 0, new: 1 },
        ) {
            Err(prove::ProveError::PastHead {
                new: 1, head: 0, ..
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_invalid_proof_carries_its_report_and_a_bad_file_does_not() {
        let input = |text| verify_proof::ProofInput {
            label: "p.json",
            text,
            published: None,
            key: None,
            now: 0,
        };
        let e = verify_proof::verify_proof(input(r#"{"type":"banana"}"#)).unwrap_err();
        assert_eq!(e.to_string(), "invalid: unknown proof type 'banana'");
        assert_eq!(
            serde_json::to_string(&e.report().expect("report")).expect("json"),
            r#"{"ok":false,"reason":"unknown proof type 'banana'"}"#
        );
        let e = verify_proof::verify_proof(input("not json")).unwrap_err();
        assert!(
            matches!(e, verify_proof::VerifyProofError::NotJson { .. }),
            "{e:?}"
        );
        assert!(e.report().is_none());
    }

    #[test]
    fn a_bundle_that_is_cut_short_fails_at_its_line_with_a_report() {
        let e = verify::verify_bundle(verify::BundleInput {
            label: "b.jsonl",
            bytes: b"{\"type\":\"bundle\"}",
            published: None,
            key: None,
            now: 0,
        })
        .unwrap_err();
        assert!(e.to_string().starts_with("b.jsonl:1: "), "{e}");
        let r = e.report().expect("report");
        assert_eq!((r.line, r.seq, r.ok), (Some(1), None, false));
    }
}
