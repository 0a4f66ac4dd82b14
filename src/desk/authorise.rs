//! Authorise: who may sign events in a ledger. Authorising and revoking an author are events
//! themselves, signed by an author already authorised (the ledger checks that on append).

use super::import::{append_drafts, AppendReport, Durability};
use crate::ledger::{Draft, Stamp};
use crate::model::event::{hex, parse_hash, AuthorGrant, AuthorRevocation, EventBody};
use crate::{projection, Ledger, LedgerError};
use serde::Serialize;

/// The label an authors change is reported under.
const LABEL: &str = "authors";

/// Whom to authorise, with which key.
#[derive(Debug, Clone)]
pub struct AuthoriseInput<'a> {
    /// Author name (the rules of a key name).
    pub name: &'a str,
    /// Ed25519 public key, 64 hex digits.
    pub public_key: &'a str,
}

/// Whose authorisation to revoke.
#[derive(Debug, Clone)]
pub struct RevokeInput<'a> {
    /// Author name.
    pub name: &'a str,
}

/// One author of a ledger: the JSON of `authors list` (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct AuthorEntry {
    /// Seq of the event that authorised the key.
    pub authorised_at: u64,
    /// Author name.
    pub name: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Seq of the revocation, if revoked.
    pub revoked_at: Option<u64>,
}

/// Why an authors change was refused. Nothing was appended in any case.
#[derive(Debug, thiserror::Error)]
pub enum AuthoriseError {
    /// The key given is not an Ed25519 public key.
    #[error("'{given}' is not an Ed25519 public key (64 hex digits)")]
    NotAKey {
        /// The key as given.
        given: String,
    },
    /// The author is authorised already.
    #[error("author '{name}' is already authorised (since seq {since})")]
    AlreadyAuthorised {
        /// Author name.
        name: String,
        /// Seq of the authorisation in force.
        since: u64,
    },
    /// The author to revoke is not an authorised author.
    #[error("'{name}' is not an authorised author of this ledger")]
    NotAuthorised {
        /// Author name.
        name: String,
    },
    /// Revoking would leave no one able to append.
    #[error("'{name}' is the last authorised author; revoking it would leave no one able to append (authorise another author first)")]
    LastAuthor {
        /// Author name.
        name: String,
    },
    /// The ledger refused or failed the append (a bad name, a stamp without authority).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Lists every author the ledger has authorised, revoked ones included, by name.
pub fn authors(ledger: &Ledger) -> Result<Vec<AuthorEntry>, LedgerError> {
    Ok(projection::authors(&ledger.tables())?
        .into_iter()
        .map(|(name, a)| AuthorEntry {
            authorised_at: a.authorised_at,
            name,
            public_key: hex(&a.public_key),
            revoked_at: a.revoked_at,
        })
        .collect())
}

/// Authorises an author to sign with a key, from the appended event on.
pub fn authorise(
    ledger: &mut Ledger,
    input: AuthoriseInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, AuthoriseError> {
    crate::integrity::signing::check_key_name(input.name)?;
    let public_key = parse_hash(input.public_key.trim())
        .filter(|k| ed25519_dalek::VerifyingKey::from_bytes(k).is_ok())
        .ok_or_else(|| AuthoriseError::NotAKey {
            given: input.public_key.to_string(),
        })?;
    if let Some(st) = projection::author(&ledger.tables(), input.name)? {
        if st.revoked_at.is_none() {
            return Err(AuthoriseError::AlreadyAuthorised {
                name: input.name.to_string(),
                since: st.authorised_at,
            });
        }
    }
    let body = EventBody::AuthorAuthorised(AuthorGrant {
        name: input.name.to_string(),
        public_key,
    });
    Ok(append_one(ledger, body, stamp)?)
}

/// Revokes an author's authorisation, from the appended event on. The last authorised author
/// cannot be revoked: the ledger would accept no append after it.
pub fn revoke(
    ledger: &mut Ledger,
    input: RevokeInput<'_>,
    stamp: &Stamp,
) -> Result<AppendReport, AuthoriseError> {
    let authors = projection::authors(&ledger.tables())?;
    let active: Vec<&str> = authors
        .iter()
        .filter(|(_, s)| s.revoked_at.is_none())
        .map(|(n, _)| n.as_str())
        .collect();
    let name = input.name.to_string();
    if !active.contains(&input.name) {
        return Err(AuthoriseError::NotAuthorised { name });
    }
    if active.len() == 1 {
        return Err(AuthoriseError::LastAuthor { name });
    }
    let body = EventBody::AuthorRevoked(AuthorRevocation { name });
    Ok(append_one(ledger, body, stamp)?)
}

fn append_one(
    ledger: &mut Ledger,
    body: EventBody,
    stamp: &Stamp,
) -> Result<AppendReport, LedgerError> {
    let drafts = vec![Draft { body, text: None }];
    append_drafts(ledger, LABEL, drafts, 0, stamp, Durability::Synced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::stamp;
    use crate::desk::init::{init, InitInput};
    use ed25519_dalek::SigningKey;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn stamp_of(author: &str, n: u8) -> Stamp {
        Stamp {
            author: author.into(),
            key: Some(key(n)),
            ..stamp()
        }
    }

    #[test]
    fn authors_are_added_listed_and_revoked_but_never_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger");
        let report = init(
            InitInput {
                location: &crate::store::Location::Dir(path.clone()),
                signing_key: Some(key(1)),
            },
            &stamp_of("ana", 1),
        )
        .unwrap();
        assert!(report.signed);
        assert_eq!(report.author.as_deref(), Some("ana"));
        let mut ledger = Ledger::open(&path, None).unwrap();
        let ana = stamp_of("ana", 1);

        let bad = AuthoriseInput {
            name: "ben",
            public_key: "12ab",
        };
        assert!(matches!(
            authorise(&mut ledger, bad, &ana),
            Err(AuthoriseError::NotAKey { .. })
        ));
        let again = AuthoriseInput {
            name: "ana",
            public_key: &hex(&key(1).verifying_key().to_bytes()),
        };
        assert!(matches!(
            authorise(&mut ledger, again, &ana),
            Err(AuthoriseError::AlreadyAuthorised { since: 1, .. })
        ));
        assert!(matches!(
            revoke(&mut ledger, RevokeInput { name: "ana" }, &ana),
            Err(AuthoriseError::LastAuthor { .. })
        ));
        assert!(matches!(
            revoke(&mut ledger, RevokeInput { name: "ben" }, &ana),
            Err(AuthoriseError::NotAuthorised { .. })
        ));
        assert_eq!(ledger.head().seq, 1);

        let ben_key = hex(&key(2).verifying_key().to_bytes());
        let ben = AuthoriseInput {
            name: "ben",
            public_key: &ben_key,
        };
        let added = authorise(&mut ledger, ben, &ana).unwrap();
        assert_eq!((added.file.as_str(), added.last_seq), ("authors", Some(2)));
        let revoked = revoke(
            &mut ledger,
            RevokeInput { name: "ana" },
            &stamp_of("ben", 2),
        );
        assert_eq!(revoked.unwrap().last_seq, Some(3));
        let list = authors(&ledger).unwrap();
        let names: Vec<(&str, Option<u64>)> = list
            .iter()
            .map(|a| (a.name.as_str(), a.revoked_at))
            .collect();
        assert_eq!(names, vec![("ana", Some(3)), ("ben", None)]);
        assert_eq!(list[1].public_key, ben_key);
    }
}
