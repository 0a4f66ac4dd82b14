//! Users of the desk server: a name, a role and a bearer token, of which only the blake3 hash is
//! kept. Users are not events (a token is a secret and a role can change without history): they
//! live in the ledger directory's `users` side keyspace, never in an export or a bundle.
//!
//! `factledger user add|list|revoke` and the server's `POST/GET/DELETE /api/v1/users` both call
//! these functions.

use crate::error::LedgerError;
use crate::model::event::hex;
use crate::store::{Grouping, Keyspace};
use crate::Ledger;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The side keyspace users are kept in, by name.
pub const USERS: Keyspace = Keyspace {
    name: "users",
    grouping: Grouping::Hashed,
};

/// What a user may do. Each role may do everything the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything.
    Reader,
    /// Also adds sources, claims and retractions (and imports).
    Checker,
    /// Also manages users.
    Editor,
}

impl Role {
    /// The role's name as the command line and the JSON spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Checker => "checker",
            Role::Editor => "editor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UserError;
    fn from_str(s: &str) -> Result<Role, UserError> {
        match s {
            "reader" => Ok(Role::Reader),
            "checker" => Ok(Role::Checker),
            "editor" => Ok(Role::Editor),
            _ => Err(UserError::BadRole {
                given: s.to_string(),
            }),
        }
    }
}

/// A user as stored and listed (the token itself is never stored). Fields alphabetical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// When the user was added, RFC 3339.
    pub created: String,
    /// The user's name: the author of every event appended with their token.
    pub name: String,
    /// When the token was revoked, RFC 3339; `None` while it is valid.
    pub revoked: Option<String>,
    /// What the user may do.
    pub role: Role,
    /// blake3 of the token, hex.
    #[serde(skip_serializing)]
    pub token_hash: String,
}

/// The stored form (with the hash, which [`User`]'s `Serialize` leaves out of listings).
#[derive(Serialize, Deserialize)]
struct Stored {
    created: String,
    name: String,
    revoked: Option<String>,
    role: Role,
    token_hash: String,
}

/// A user just added, with the token, shown this once. Fields alphabetical.
#[derive(Debug, Clone, Serialize)]
pub struct UserAdded {
    /// When.
    pub created: String,
    /// The name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The bearer token; only its hash is kept, so it cannot be shown again.
    pub token: String,
}

/// Why a user operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// A name outside the accepted form.
    #[error("user name '{given}' is not usable: 1–64 characters from A-Z a-z 0-9 . _ -")]
    BadName {
        /// What was given.
        given: String,
    },
    /// A role that is not reader, checker or editor.
    #[error("role '{given}' is not one of reader, checker, editor")]
    BadRole {
        /// What was given.
        given: String,
    },
    /// The name is taken (revoked users keep theirs: their events name them).
    #[error("there is already a user '{name}'")]
    Exists {
        /// The name.
        name: String,
    },
    /// No user has this name.
    #[error("there is no user '{name}'")]
    NoSuchUser {
        /// The name.
        name: String,
    },
    /// The user's token is already revoked.
    #[error("user '{name}' is already revoked")]
    AlreadyRevoked {
        /// The name.
        name: String,
    },
    /// A stored user record no longer reads.
    #[error("the stored record of user '{name}' is damaged: {problem}")]
    Damaged {
        /// The key it is stored under.
        name: String,
        /// Why it does not read.
        problem: String,
    },
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Whether `name` is a usable user name.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The hash a token is stored and looked up by.
pub fn token_hash(token: &str) -> String {
    hex(blake3::hash(token.as_bytes()).as_bytes())
}

fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn load(ledger: &Ledger, name: &str) -> Result<Option<User>, UserError> {
    let Some(bytes) = ledger.side_get(USERS, name.as_bytes())? else {
        return Ok(None);
    };
    decode(name, &bytes).map(Some)
}

fn decode(name: &str, bytes: &[u8]) -> Result<User, UserError> {
    let s: Stored = serde_json::from_slice(bytes).map_err(|e| UserError::Damaged {
        name: name.to_string(),
        problem: e.to_string(),
    })?;
    Ok(User {
        created: s.created,
        name: s.name,
        revoked: s.revoked,
        role: s.role,
        token_hash: s.token_hash,
    })
}

fn store(ledger: &mut Ledger, user: &User) -> Result<(), UserError> {
    let stored = Stored {
        created: user.created.clone(),
        name: user.name.clone(),
        revoked: user.revoked.clone(),
        role: user.role,
        token_hash: user.token_hash.clone(),
    };
    let bytes = serde_json::to_vec(&stored).map_err(|e| UserError::Damaged {
        name: user.name.clone(),
        problem: e.to_string(),
    })?;
    ledger.side_write(vec![(USERS, user.name.as_bytes().to_vec(), Some(bytes))])?;
    Ok(())
}

/// Adds a user with a new random token (returned once), at `now` (microseconds since the epoch).
pub fn add_user(
    ledger: &mut Ledger,
    name: &str,
    role: Role,
    now: i64,
) -> Result<UserAdded, UserError> {
    if !valid_name(name) {
        return Err(UserError::BadName {
            given: name.to_string(),
        });
    }
    if load(ledger, name)?.is_some() {
        return Err(UserError::Exists {
            name: name.to_string(),
        });
    }
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret).map_err(|e| {
        LedgerError::from(crate::store::StoreError::Corrupt(format!(
            "no randomness for a token: {e}"
        )))
    })?;
    let token = format!("flt_{}", hex(&secret));
    let user = User {
        created: rfc3339(now),
        name: name.to_string(),
        revoked: None,
        role,
        token_hash: token_hash(&token),
    };
    store(ledger, &user)?;
    Ok(UserAdded {
        created: user.created,
        name: user.name,
        role,
        token,
    })
}

/// Every user, revoked ones included, by name.
pub fn list_users(ledger: &Ledger) -> Result<Vec<User>, UserError> {
    let mut raw = Vec::new();
    ledger.side_entries(USERS, &mut |k, v| {
        raw.push((String::from_utf8_lossy(k).into_owned(), v.to_vec()));
        true
    })?;
    let mut users = raw
        .iter()
        .map(|(k, v)| decode(k, v))
        .collect::<Result<Vec<_>, _>>()?;
    users.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(users)
}

/// Revokes a user's token at `now`; the user stays listed (their events name them).
pub fn revoke_user(ledger: &mut Ledger, name: &str, now: i64) -> Result<User, UserError> {
    let mut user = load(ledger, name)?.ok_or_else(|| UserError::NoSuchUser {
        name: name.to_string(),
    })?;
    if user.revoked.is_some() {
        return Err(UserError::AlreadyRevoked {
            name: name.to_string(),
        });
    }
    user.revoked = Some(rfc3339(now));
    store(ledger, &user)?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk::import::tests::ledger;

    #[test]
    fn a_user_is_stored_by_hash_listed_without_it_and_revoked_once() {
        let (_dir, mut ledger) = ledger();
        let added = add_user(&mut ledger, "ana", Role::Checker, 0).unwrap();
        assert!(added.token.starts_with("flt_"));
        let users = list_users(&ledger).unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].token_hash, token_hash(&added.token));
        let json = serde_json::to_string(&users[0]).unwrap();
        assert!(!json.contains(&users[0].token_hash), "{json}");
        assert!(!json.contains(&added.token), "{json}");
        assert!(matches!(
            add_user(&mut ledger, "ana", Role::Reader, 0),
            Err(UserError::Exists { .. })
        ));
        assert!(matches!(
            add_user(&mut ledger, "a b", Role::Reader, 0),
            Err(UserError::BadName { .. })
        ));
        assert!(revoke_user(&mut ledger, "ana", 1)
            .unwrap()
            .revoked
            .is_some());
        assert!(matches!(
            revoke_user(&mut ledger, "ana", 2),
            Err(UserError::AlreadyRevoked { .. })
        ));
        assert!(matches!(
            revoke_user(&mut ledger, "bo", 2),
            Err(UserError::NoSuchUser { .. })
        ));
        // Users are not events: the log is untouched.
        assert_eq!(ledger.head().seq, 0);
    }

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Reader < Role::Checker && Role::Checker < Role::Editor);
        assert_eq!("editor".parse::<Role>().unwrap(), Role::Editor);
        assert!("admin".parse::<Role>().is_err());
    }
}
