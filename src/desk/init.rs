//! Init: a new, empty ledger, unsigned or signed from its first event on.

use super::import::HeadRef;
use crate::ledger::{Draft, Stamp};
use crate::model::event::{hex, AuthorGrant, EventBody};
use crate::store::Location;
use crate::{Ledger, LedgerError};
use serde::Serialize;

/// Where to create the ledger, and whether it is signed.
#[derive(Debug, Clone)]
pub struct InitInput<'a> {
    /// Where to create it: a ledger directory, or a PostgreSQL schema; it must not hold a
    /// ledger already.
    pub location: &'a Location,
    /// With a key, the ledger is signed: its first event authorises the stamp's author with this
    /// key, and is signed by it.
    pub signing_key: Option<ed25519_dalek::SigningKey>,
}

/// What init created: the JSON of `init` (fields alphabetical).
#[derive(Debug, Clone, Serialize)]
pub struct InitReport {
    /// The first author of a signed ledger.
    pub author: Option<String>,
    /// The head: seq 0, or seq 1 (the first authorisation) for a signed ledger.
    pub head: HeadRef,
    /// The ledger directory as given, or the store's URL without its password.
    pub ledger: String,
    /// Always true.
    pub ok: bool,
    /// The first author's public key, hex (text output only).
    #[serde(skip)]
    pub public_key: Option<String>,
    /// Whether the ledger is signed.
    pub signed: bool,
}

/// Creates a ledger; with a signing key, appends the authorisation of its first author.
pub fn init(input: InitInput<'_>, stamp: &Stamp) -> Result<InitReport, LedgerError> {
    let mut ledger = Ledger::init_at(input.location)?;
    let mut first = None;
    if let Some(key) = input.signing_key {
        let public_key = key.verifying_key().to_bytes();
        let body = EventBody::AuthorAuthorised(AuthorGrant {
            name: stamp.author.clone(),
            public_key,
        });
        let stamp = Stamp {
            key: Some(key),
            ..stamp.clone()
        };
        ledger.append(vec![Draft { body, text: None }], &stamp)?;
        first = Some((stamp.author, hex(&public_key)));
    }
    Ok(InitReport {
        head: HeadRef::of(&ledger),
        ledger: input.location.display(),
        ok: true,
        signed: first.is_some(),
        public_key: first.as_ref().map(|(_, k)| k.clone()),
        author: first.map(|(n, _)| n),
    })
}
