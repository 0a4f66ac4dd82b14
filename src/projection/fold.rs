//! The one fold: what each event changes, said once ([`fold`]), and the entries each change
//! makes. Two consumers keep their own state from it: the table writer ([`apply`], for the
//! stored projection, replays and overlays) and the digest-only summary
//! ([`super::replay_summary`]). Both build entries with the functions here, so the digest a
//! summary computes is the digest of the tables a replay fills.

use super::queries::{author, claim, source};
use super::state::{AliasState, DismissalState, VersionState, WithdrawalState};
use super::state::{AuthorState, ClaimStateRef, SourceStateRef};
use super::tables::{
    Table, TablesMut, ALIASES, AUTHORS, CITED_BY, CLAIMS, DISMISSALS, SOURCES, SOURCE_CLAIMS,
    SOURCE_VERSIONS, SUBJECTS, SUBJECT_NAMES, WITHDRAWALS,
};
use super::{encode, key};
use crate::error::Result;
use crate::model::event::{
    Claim, Event, EventBody, PublicKey, Source, SourceRevision, SubjectAlias, Withdrawal,
};

/// What becomes of an existing claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate<'e> {
    /// Corrected by the claim with this id.
    SupersededBy(&'e str),
    /// Retracted at this seq.
    RetractedAt(u64),
}

/// The changes an event can make, as [`fold`] hands them to a consumer. Each consumer decides
/// how it keeps them; what they are, and in which cases they happen, is decided once, in
/// [`fold`]. The `bool` answers say whether the target existed (a retraction of an id that is
/// not a claim is tried as a source's).
pub trait Changes {
    /// A source registered at `seq`.
    fn add_source(&mut self, seq: u64, source: &Source) -> Result<()>;
    /// A claim asserted at `seq`.
    fn add_claim(&mut self, seq: u64, claim: &Claim) -> Result<()>;
    /// Claim `id` meets `fate`; false when there is no such claim.
    fn change_claim(&mut self, id: &str, fate: Fate<'_>) -> Result<bool>;
    /// Source `id` is retracted at `at`; false when there is no such source.
    fn retract_source(&mut self, id: &str, at: u64) -> Result<bool>;
    /// `name` may sign with `key` from `at`.
    fn authorise(&mut self, name: &str, key: &PublicKey, at: u64) -> Result<()>;
    /// `name`'s key is revoked at `at`; false when there is no such author.
    fn revoke(&mut self, name: &str, at: u64) -> Result<bool>;
    /// Flag `flag` is dismissed at `at` for `reason` (a later dismissal replaces an earlier).
    fn dismiss(&mut self, flag: &str, reason: &str, at: u64) -> Result<()>;
    /// Another name for a subject, recorded at `seq` (a later alias of the same name replaces
    /// it).
    fn alias(&mut self, seq: u64, alias: &SubjectAlias) -> Result<()>;
    /// A new version of a source, recorded at `seq`.
    fn revise_source(&mut self, seq: u64, revision: &SourceRevision) -> Result<()>;
    /// A publisher's withdrawal of a source, recorded at `seq` (a later one replaces it).
    fn withdraw_source(&mut self, seq: u64, withdrawal: &Withdrawal) -> Result<()>;
    /// An entry that depends on its event alone (a review, a scale, a setting), replacing any
    /// earlier entry under its key.
    fn put_entry(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) -> Result<()>;
}

/// Folds one event into `changes`. Pure: what the event says happened, happened; no checks.
pub fn fold<C: Changes + ?Sized>(changes: &mut C, event: &Event) -> Result<()> {
    match &event.body {
        EventBody::SourceRegistered(s) => changes.add_source(event.seq, s),
        EventBody::ClaimAsserted(c) => {
            if let Some(old) = &c.supersedes {
                changes.change_claim(old, Fate::SupersededBy(&c.id))?;
            }
            changes.add_claim(event.seq, c)
        }
        EventBody::AuthorAuthorised(a) => changes.authorise(&a.name, &a.public_key, event.seq),
        EventBody::AuthorRevoked(a) => changes.revoke(&a.name, event.seq).map(drop),
        EventBody::Retracted(r) => {
            if !changes.change_claim(&r.target, Fate::RetractedAt(event.seq))? {
                changes.retract_source(&r.target, event.seq)?;
            }
            Ok(())
        }
        EventBody::FlagDismissed(d) => changes.dismiss(&d.flag, &d.reason, event.seq),
        EventBody::SubjectAliased(a) => changes.alias(event.seq, a),
        EventBody::SourceRevised(r) => changes.revise_source(event.seq, r),
        EventBody::SourceWithdrawn(w) => changes.withdraw_source(event.seq, w),
        EventBody::ClaimReviewed(_)
        | EventBody::ScaleDeclared(_)
        | EventBody::SettingRecorded(_) => match super::verdicts::entry(event) {
            Some((table, k, v)) => changes.put_entry(table, k, v),
            None => Ok(()),
        },
    }
}

/// The entries a new claim makes: its place (claims), its source's list (source claims) and
/// its state (subjects).
pub(super) fn claim_entries(seq: u64, c: &Claim) -> [(Table, Vec<u8>, Vec<u8>); 3] {
    let state = ClaimStateRef {
        seq,
        claim: c,
        retracted_at: None,
        superseded_by: None,
    };
    let (k, v) = claim_state_entry(state);
    [
        (
            CLAIMS,
            c.id.as_bytes().to_vec(),
            key(&[&c.subject, &c.predicate]),
        ),
        (SOURCE_CLAIMS, key(&[&c.source, &c.id]), Vec::new()),
        (SUBJECTS, k, v),
    ]
}

/// A claim state's entry in [`SUBJECTS`].
pub(super) fn claim_state_entry(state: ClaimStateRef<'_>) -> (Vec<u8>, Vec<u8>) {
    let c = state.claim;
    (key(&[&c.subject, &c.predicate, &c.id]), encode(&state))
}

/// A source state's entry in [`SOURCES`].
pub(super) fn source_entry(state: SourceStateRef<'_>) -> (Vec<u8>, Vec<u8>) {
    (state.source.id.as_bytes().to_vec(), encode(&state))
}

/// The [`CITED_BY`] keys a new source makes, one per distinct citation (a source may list the
/// same citation twice).
pub(super) fn cited_by_keys(s: &Source) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::with_capacity(s.cites.len());
    for (i, cited) in s.cites.iter().enumerate() {
        if !s.cites[..i].contains(cited) {
            keys.push(key(&[cited, &s.id]));
        }
    }
    keys
}

/// A subject spelling's key in [`SUBJECT_NAMES`].
pub(super) fn subject_name_key(subject: &str) -> Vec<u8> {
    key(&[&super::aliases::subject_key(subject), subject])
}

/// An alias's entry in [`ALIASES`], under the alias's subject key.
pub(super) fn alias_entry(seq: u64, a: &SubjectAlias) -> (Vec<u8>, Vec<u8>) {
    let state = AliasState {
        seq,
        alias: a.alias.clone(),
        subject: a.subject.clone(),
    };
    (
        super::aliases::subject_key(&a.alias).into_bytes(),
        encode(&state),
    )
}

/// A source version's entry in [`SOURCE_VERSIONS`].
pub(super) fn version_entry(seq: u64, r: &SourceRevision) -> (Vec<u8>, Vec<u8>) {
    let state = VersionState {
        seq,
        revision: r.clone(),
    };
    (key(&[&r.source, &format!("{seq:020}")]), encode(&state))
}

/// A withdrawal's entry in [`WITHDRAWALS`].
pub(super) fn withdrawal_entry(seq: u64, w: &Withdrawal) -> (Vec<u8>, Vec<u8>) {
    let state = WithdrawalState {
        seq,
        reason: w.reason.clone(),
    };
    (w.source.as_bytes().to_vec(), encode(&state))
}

/// An author's entry in [`AUTHORS`].
pub(super) fn author_entry(name: &str, state: &AuthorState) -> (Vec<u8>, Vec<u8>) {
    (name.as_bytes().to_vec(), encode(state))
}

/// A dismissal's entry in [`DISMISSALS`].
pub(super) fn dismissal_entry(flag: &str, state: &DismissalState) -> (Vec<u8>, Vec<u8>) {
    (flag.as_bytes().to_vec(), encode(state))
}

/// The table writer: keeps the changes as entries of writable tables.
struct Writer<'a>(&'a mut dyn TablesMut);

impl Changes for Writer<'_> {
    fn add_source(&mut self, seq: u64, s: &Source) -> Result<()> {
        // Keys under a new source's id cannot exist yet: the id is unique in the log.
        for k in cited_by_keys(s) {
            self.0.put_new(CITED_BY, k, Vec::new())?;
        }
        let (k, v) = source_entry(SourceStateRef {
            seq,
            source: s,
            retracted_at: None,
        });
        self.0.put_new(SOURCES, k, v)
    }

    fn add_claim(&mut self, seq: u64, c: &Claim) -> Result<()> {
        for (table, k, v) in claim_entries(seq, c) {
            self.0.put_new(table, k, v)?;
        }
        let k = subject_name_key(&c.subject);
        if self.0.get(SUBJECT_NAMES, &k)?.is_none() {
            self.0.put_new(SUBJECT_NAMES, k, Vec::new())?;
        }
        Ok(())
    }

    fn change_claim(&mut self, id: &str, fate: Fate<'_>) -> Result<bool> {
        let Some(mut state) = claim(&*self.0 as &dyn super::tables::Tables, id)? else {
            return Ok(false);
        };
        match fate {
            Fate::SupersededBy(by) => state.superseded_by = Some(by.to_string()),
            Fate::RetractedAt(at) => state.retracted_at = Some(at),
        }
        let (k, v) = claim_state_entry((&state).into());
        self.0.put(SUBJECTS, k, Some(v))?;
        Ok(true)
    }

    fn retract_source(&mut self, id: &str, at: u64) -> Result<bool> {
        let Some(mut state) = source(&*self.0 as &dyn super::tables::Tables, id)? else {
            return Ok(false);
        };
        state.retracted_at = Some(at);
        let (k, v) = source_entry((&state).into());
        self.0.put(SOURCES, k, Some(v))?;
        Ok(true)
    }

    fn authorise(&mut self, name: &str, key: &PublicKey, at: u64) -> Result<()> {
        let state = AuthorState {
            public_key: *key,
            authorised_at: at,
            revoked_at: None,
        };
        let (k, v) = author_entry(name, &state);
        self.0.put(AUTHORS, k, Some(v))
    }

    fn revoke(&mut self, name: &str, at: u64) -> Result<bool> {
        let Some(mut state) = author(&*self.0 as &dyn super::tables::Tables, name)? else {
            return Ok(false);
        };
        state.revoked_at = Some(at);
        let (k, v) = author_entry(name, &state);
        self.0.put(AUTHORS, k, Some(v))?;
        Ok(true)
    }

    fn dismiss(&mut self, flag: &str, reason: &str, at: u64) -> Result<()> {
        let state = DismissalState {
            seq: at,
            reason: reason.to_string(),
        };
        let (k, v) = dismissal_entry(flag, &state);
        self.0.put(DISMISSALS, k, Some(v))
    }

    fn alias(&mut self, seq: u64, a: &SubjectAlias) -> Result<()> {
        let (k, v) = alias_entry(seq, a);
        self.0.put(ALIASES, k, Some(v))
    }

    fn revise_source(&mut self, seq: u64, r: &SourceRevision) -> Result<()> {
        let (k, v) = version_entry(seq, r);
        self.0.put_new(SOURCE_VERSIONS, k, v)
    }

    fn withdraw_source(&mut self, seq: u64, w: &Withdrawal) -> Result<()> {
        let (k, v) = withdrawal_entry(seq, w);
        self.0.put(WITHDRAWALS, k, Some(v))
    }

    fn put_entry(&mut self, table: Table, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.0.put(table, key, Some(value))
    }
}

/// The table writer over `t`, for consumers that keep some tables as tables.
pub(super) fn writer(t: &mut dyn TablesMut) -> impl Changes + '_ {
    Writer(t)
}

/// Folds one event into the tables.
pub fn apply(t: &mut dyn TablesMut, event: &Event) -> Result<()> {
    fold(&mut Writer(t), event)
}

#[cfg(test)]
mod tests {
    use super::super::tables::{MemTables, Tables};
    use super::*;
    use crate::model::event::{Retraction, SourceKind};

    fn source(id: &str, cites: &[&str]) -> Source {
        Source {
            id: id.into(),
            kind: SourceKind::Secondary,
            publisher: None,
            title: None,
            url: None,
            published: None,
            cites: cites.iter().map(|c| c.to_string()).collect(),
            text: None,
        }
    }

    fn event(seq: u64, body: EventBody) -> Event {
        Event::new(seq, 0, "t".into(), [0; 32], body)
    }

    /// Records the changes in order, as names.
    #[derive(Default)]
    struct Log(Vec<String>, Vec<&'static str>);

    impl Changes for Log {
        fn add_source(&mut self, seq: u64, s: &Source) -> Result<()> {
            self.0.push(format!("add_source {seq} {}", s.id));
            Ok(())
        }
        fn add_claim(&mut self, seq: u64, c: &Claim) -> Result<()> {
            self.0.push(format!("add_claim {seq} {}", c.id));
            Ok(())
        }
        fn change_claim(&mut self, id: &str, fate: Fate<'_>) -> Result<bool> {
            self.0.push(format!("change_claim {id} {fate:?}"));
            Ok(self.1.contains(&"claim"))
        }
        fn retract_source(&mut self, id: &str, at: u64) -> Result<bool> {
            self.0.push(format!("retract_source {id} {at}"));
            Ok(true)
        }
        fn authorise(&mut self, name: &str, _: &PublicKey, at: u64) -> Result<()> {
            self.0.push(format!("authorise {name} {at}"));
            Ok(())
        }
        fn revoke(&mut self, name: &str, at: u64) -> Result<bool> {
            self.0.push(format!("revoke {name} {at}"));
            Ok(false)
        }
        fn dismiss(&mut self, flag: &str, reason: &str, at: u64) -> Result<()> {
            self.0.push(format!("dismiss {flag} {at} {reason}"));
            Ok(())
        }
        fn alias(&mut self, seq: u64, a: &SubjectAlias) -> Result<()> {
            self.0.push(format!("alias {seq} {}", a.alias));
            Ok(())
        }
        fn revise_source(&mut self, seq: u64, r: &SourceRevision) -> Result<()> {
            self.0.push(format!("revise_source {seq} {}", r.source));
            Ok(())
        }
        fn withdraw_source(&mut self, seq: u64, w: &Withdrawal) -> Result<()> {
            self.0.push(format!("withdraw_source {seq} {}", w.source));
            Ok(())
        }
        fn put_entry(&mut self, table: Table, _: Vec<u8>, _: Vec<u8>) -> Result<()> {
            self.0.push(format!("put_entry {table}"));
            Ok(())
        }
    }

    #[test]
    fn a_retraction_tries_the_claim_first_then_the_source() {
        let e = event(
            5,
            EventBody::Retracted(Retraction {
                target: "x".into(),
                reason: "r".into(),
            }),
        );
        let mut as_claim = Log(Vec::new(), vec!["claim"]);
        fold(&mut as_claim, &e).unwrap();
        assert_eq!(as_claim.0, ["change_claim x RetractedAt(5)"]);
        let mut as_source = Log::default();
        fold(&mut as_source, &e).unwrap();
        assert_eq!(
            as_source.0,
            ["change_claim x RetractedAt(5)", "retract_source x 5"]
        );
    }

    #[test]
    fn a_source_citing_the_same_source_twice_makes_one_cited_by_entry() {
        let s = source("s1", &["s0", "s2", "s0"]);
        assert_eq!(
            cited_by_keys(&s),
            vec![key(&["s0", "s1"]), key(&["s2", "s1"])]
        );
        let mut t = MemTables::default();
        apply(&mut t, &event(1, EventBody::SourceRegistered(s))).unwrap();
        assert_eq!(t.len(CITED_BY), 2);
        assert!(t.get(SOURCES, b"s1").unwrap().is_some());
    }
}
