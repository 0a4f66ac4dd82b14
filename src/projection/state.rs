//! What the projection's entries hold: the state of a claim, a source, an author, and why a
//! claim is or is not live.

use crate::model::event::{Claim, Source, SourceRevision};
use bincode::{Decode, Encode};

/// An author's authorisation.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct AuthorState {
    /// The author's Ed25519 public key.
    pub public_key: crate::model::event::PublicKey,
    /// Seq of the event that authorised this key.
    pub authorised_at: u64,
    /// Seq of the revocation, if revoked.
    pub revoked_at: Option<u64>,
}

/// A flag's dismissal: the last one recorded for its id.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, serde::Serialize)]
pub struct DismissalState {
    /// Seq of the `FlagDismissed` event.
    pub seq: u64,
    /// Why the desk dismissed it.
    pub reason: String,
}

/// A claim and what has become of it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ClaimState {
    /// Seq of the `ClaimAsserted` event.
    pub seq: u64,
    /// The claim as asserted.
    pub claim: Claim,
    /// Seq of the retraction, if retracted.
    pub retracted_at: Option<u64>,
    /// Id of the claim that corrected it, if superseded.
    pub superseded_by: Option<String>,
}

/// A source and what has become of it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct SourceState {
    /// Seq of the `SourceRegistered` event.
    pub seq: u64,
    /// The source as registered.
    pub source: Source,
    /// Seq of the retraction, if retracted.
    pub retracted_at: Option<u64>,
}

/// Another name for a subject.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct AliasState {
    /// Seq of the `SubjectAliased` event.
    pub seq: u64,
    /// The alias as written.
    pub alias: String,
    /// The subject it names, as written.
    pub subject: String,
}

/// A later version of a source.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct VersionState {
    /// Seq of the `SourceRevised` event.
    pub seq: u64,
    /// The revision as recorded.
    pub revision: SourceRevision,
}

/// A publisher's withdrawal of a source.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct WithdrawalState {
    /// Seq of the `SourceWithdrawn` event.
    pub seq: u64,
    /// The reason given.
    pub reason: String,
}

impl ClaimState {
    /// Why the claim is not live on its own account (its source aside).
    pub(crate) fn own_status(&self) -> Option<&'static str> {
        if self.retracted_at.is_some() {
            Some("retracted")
        } else if self.superseded_by.is_some() {
            Some("superseded")
        } else {
            None
        }
    }
}

/// A claim state borrowing its claim; encodes exactly as [`ClaimState`] (bincode writes a
/// reference as what it refers to), so folding a new claim does not copy it.
#[derive(Encode, Clone, Copy)]
pub(super) struct ClaimStateRef<'a> {
    pub(super) seq: u64,
    pub(super) claim: &'a Claim,
    pub(super) retracted_at: Option<u64>,
    pub(super) superseded_by: Option<&'a str>,
}

impl<'a> From<&'a ClaimState> for ClaimStateRef<'a> {
    fn from(s: &'a ClaimState) -> Self {
        ClaimStateRef {
            seq: s.seq,
            claim: &s.claim,
            retracted_at: s.retracted_at,
            superseded_by: s.superseded_by.as_deref(),
        }
    }
}

/// A source state borrowing its source; encodes exactly as [`SourceState`].
#[derive(Encode, Clone, Copy)]
pub(super) struct SourceStateRef<'a> {
    pub(super) seq: u64,
    pub(super) source: &'a Source,
    pub(super) retracted_at: Option<u64>,
}

impl<'a> From<&'a SourceState> for SourceStateRef<'a> {
    fn from(s: &'a SourceState) -> Self {
        SourceStateRef {
            seq: s.seq,
            source: &s.source,
            retracted_at: s.retracted_at,
        }
    }
}

/// Why a claim is or is not live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// Live: counts in facts and flags.
    Live,
    /// Retracted itself.
    Retracted,
    /// Corrected by a later claim.
    Superseded,
    /// Its source was retracted.
    SourceRetracted,
}

impl Liveness {
    /// The reason, in order: retracted, then superseded, then the source.
    pub fn of(retracted: bool, superseded: bool, source_live: bool) -> Liveness {
        if retracted {
            Liveness::Retracted
        } else if superseded {
            Liveness::Superseded
        } else if source_live {
            Liveness::Live
        } else {
            Liveness::SourceRetracted
        }
    }

    /// Lower-case name for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Retracted => "retracted",
            Liveness::Superseded => "superseded",
            Liveness::SourceRetracted => "source-retracted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode, encode, SOURCES, SUBJECTS};
    use super::*;

    fn claim() -> Claim {
        Claim {
            id: "c1".into(),
            source: "s1".into(),
            subject: "S/RES/2774".into(),
            predicate: "tally".into(),
            value: crate::model::value::Value::Text("10-0-5".into()),
            supersedes: Some("c0".into()),
            note: Some("n".into()),
            claimant: None,
            excerpt: None,
        }
    }

    #[test]
    fn a_borrowed_claim_state_encodes_as_the_owned_one() {
        let state = ClaimState {
            seq: 300,
            claim: claim(),
            retracted_at: Some(301),
            superseded_by: Some("c2".into()),
        };
        assert_eq!(encode(&ClaimStateRef::from(&state)), encode(&state));
        let back: ClaimState =
            decode(SUBJECTS, b"k", &encode(&ClaimStateRef::from(&state))).unwrap();
        assert_eq!(back, state);
    }

    #[test]
    fn a_borrowed_source_state_encodes_as_the_owned_one() {
        let state = SourceState {
            seq: 3,
            source: Source {
                id: "s1".into(),
                kind: crate::model::event::SourceKind::Primary,
                publisher: Some("p".into()),
                title: None,
                url: None,
                published: None,
                cites: vec!["s0".into()],
                text: None,
            },
            retracted_at: Some(9),
        };
        let back: SourceState =
            decode(SOURCES, b"s1", &encode(&SourceStateRef::from(&state))).unwrap();
        assert_eq!(back, state);
    }

    #[test]
    fn liveness_names_the_first_reason() {
        assert_eq!(Liveness::of(true, true, false), Liveness::Retracted);
        assert_eq!(Liveness::of(false, true, false), Liveness::Superseded);
        assert_eq!(Liveness::of(false, false, false), Liveness::SourceRetracted);
        assert_eq!(Liveness::of(false, false, true).as_str(), "live");
    }
}
