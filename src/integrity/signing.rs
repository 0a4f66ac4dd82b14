//! Authors and signatures: Ed25519 key files, signing events, and the rule for who may sign.
//!
//! A ledger is *unsigned* until its first `AuthorAuthorised` event (made by `init --key` or
//! `authors add`). From that event on, every event must carry its author's public key and an
//! Ed25519 signature over its hash, and the author must be authorised and not revoked at that
//! point of the log. The first authorisation of an unsigned ledger must be signed by the key it
//! authorises (proof that whoever made the ledger signed holds that key); later ones by an
//! already authorised author.

use crate::error::{LedgerError, Result};
use crate::model::event::{hex, parse_hash, Event, EventBody, PublicKey};
use crate::projection::{self, Tables};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an event's signature or authority is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityError {
    /// A signed ledger needs a signature on every event.
    #[error(
        "event seq {seq} by '{author}' is not signed, but the ledger is signed from seq {since}"
    )]
    Unsigned {
        /// The event.
        seq: u64,
        /// Its author.
        author: String,
        /// Where signing began.
        since: u64,
    },
    /// The author is not (or no longer) authorised.
    #[error("author '{author}' is not authorised to sign at seq {seq}{reason}")]
    NotAuthorised {
        /// The event.
        seq: u64,
        /// Its author.
        author: String,
        /// Why: the CLI chooses its hint by this, never by the message text.
        reason: NotAuthorisedReason,
    },
    /// The key in the event is not the key the author was authorised with.
    #[error("event seq {seq} is signed with key {key}, but author '{author}' is authorised with key {expected}")]
    WrongKey {
        /// The event.
        seq: u64,
        /// Its author.
        author: String,
        /// Key in the event.
        key: String,
        /// Authorised key.
        expected: String,
    },
    /// The signature does not verify.
    #[error("the signature on event seq {seq} does not verify: {reason}")]
    BadSignature {
        /// The event.
        seq: u64,
        /// Why.
        reason: String,
    },
}

/// Why an author may not sign an event. Printed after the author and seq, so each form starts
/// with its own separator (` (…)` or `: …`), as the messages always have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAuthorisedReason {
    /// No `AuthorAuthorised` event names the author.
    #[error(" (unknown author)")]
    Unknown,
    /// The author was revoked.
    #[error(" (revoked at seq {at})")]
    Revoked {
        /// The revoking event.
        at: u64,
    },
    /// The first authorisation of an unsigned ledger was not made by the author it authorises,
    /// signed with the key it authorises.
    #[error(": the first authorisation must be made by '{name}' itself, signed with the key it authorises")]
    NotSelfAuthorised {
        /// The author being authorised.
        name: String,
    },
}

/// Why [`check_authority`] did not accept an event: the projection it reads could not be read, or
/// the event is not acceptable. Verification reports the second as a problem of the log and
/// passes the first on.
#[derive(Debug, thiserror::Error)]
pub enum AuthorityCheckError {
    /// Reading the authors from the projection failed (the store below, not the event).
    #[error(transparent)]
    Store(#[from] LedgerError),
    /// The event's signature or its author's authority is not acceptable.
    #[error(transparent)]
    Refused(#[from] AuthorityError),
}

impl From<AuthorityCheckError> for LedgerError {
    fn from(e: AuthorityCheckError) -> LedgerError {
        match e {
            AuthorityCheckError::Store(e) => e,
            AuthorityCheckError::Refused(e) => LedgerError::Authority(e),
        }
    }
}

/// Signs an event's hash, recording the signer's public key (which must already be in the hash,
/// see [`Event::new_signed`]).
pub fn sign(event: &mut Event, key: &SigningKey) {
    event.signature = Some(key.sign(&event.hash).to_bytes());
}

/// Verifies an event's signature against its own `signer` (strict Ed25519 verification).
pub fn verify_signature(event: &Event) -> Result<(), AuthorityError> {
    let bad = |reason: String| AuthorityError::BadSignature {
        seq: event.seq,
        reason,
    };
    let (Some(key), Some(sig)) = (&event.signer, &event.signature) else {
        return Err(bad("the signer's key or the signature is missing".into()));
    };
    let key = VerifyingKey::from_bytes(key).map_err(|e| bad(format!("bad public key: {e}")))?;
    key.verify_strict(&event.hash, &Signature::from_bytes(sig))
        .map_err(|e| bad(e.to_string()))
}

/// Checks that `event` may follow the state `t` (the projection just before it): signed when
/// the ledger is signed, by an authorised, unrevoked author, with the authorised key.
pub fn check_authority(t: &dyn Tables, event: &Event) -> Result<(), AuthorityCheckError> {
    check_authority_in(t, event, projection::is_signed(t)?)
}

/// [`check_authority`] for callers that already know whether the ledger is signed at this point
/// (a bulk append or a verification, which track it as they go instead of asking per event).
pub(crate) fn check_authority_in(
    t: &dyn Tables,
    event: &Event,
    signed: bool,
) -> Result<(), AuthorityCheckError> {
    if !signed {
        if let EventBody::AuthorAuthorised(g) = &event.body {
            // Bootstrap: the first author proves possession of the key being authorised.
            if event.signer != Some(g.public_key) || event.author != g.name {
                return Err(AuthorityError::NotAuthorised {
                    seq: event.seq,
                    author: event.author.clone(),
                    reason: NotAuthorisedReason::NotSelfAuthorised {
                        name: g.name.clone(),
                    },
                }
                .into());
            }
            return Ok(verify_signature(event)?);
        }
        // Unsigned ledger: a signature is optional, but one that is there must verify.
        if event.signature.is_some() || event.signer.is_some() {
            return Ok(verify_signature(event)?);
        }
        return Ok(());
    }
    let Some(signer) = event.signer else {
        let since = projection::authors(t)?
            .iter()
            .map(|(_, a)| a.authorised_at)
            .min()
            .unwrap_or(0);
        return Err(AuthorityError::Unsigned {
            seq: event.seq,
            author: event.author.clone(),
            since,
        }
        .into());
    };
    match projection::author(t, &event.author)? {
        None => Err(AuthorityError::NotAuthorised {
            seq: event.seq,
            author: event.author.clone(),
            reason: NotAuthorisedReason::Unknown,
        }
        .into()),
        Some(a) if a.revoked_at.is_some() => Err(AuthorityError::NotAuthorised {
            seq: event.seq,
            author: event.author.clone(),
            reason: NotAuthorisedReason::Revoked {
                at: a.revoked_at.unwrap_or_default(),
            },
        }
        .into()),
        Some(a) if a.public_key != signer => Err(AuthorityError::WrongKey {
            seq: event.seq,
            author: event.author.clone(),
            key: hex(&signer),
            expected: hex(&a.public_key),
        }
        .into()),
        Some(_) => Ok(verify_signature(event)?),
    }
}

/// Why a key file could not be made or used. I/O failures ([`KeyError::is_io`]) are the machine's
/// problem (exit 3); the others are the user's to fix (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing a key file or the key directory failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done ("create", "read", "write").
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A key of that name (or a file, or a link, in its place) is already there: keys are never
    /// overwritten, and never written through a symbolic link.
    #[error("a key named '{name}' already exists in {} ({} is in the way)", dir.display(), path.display())]
    Exists {
        /// The key name.
        name: String,
        /// The key directory.
        dir: PathBuf,
        /// The file (or link) that is there.
        path: PathBuf,
    },
    /// A secret key that group or others can access is not used, as ssh refuses such keys.
    #[error(
        "{} is accessible by group or others (mode {mode:04o}); a secret key must be private: run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    Exposed {
        /// The secret key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold a key.
    #[error("{} is not a factledger secret key file", path.display())]
    NotAKey {
        /// The file.
        path: PathBuf,
    },
    /// The name is not usable as a key name (the id rules, so it is safe as a file name).
    #[error("key name {0}")]
    BadName(crate::intake::validate::Rule),
    /// The OS gave no randomness for a new key.
    #[error("no randomness for a new key: {0}")]
    NoRandomness(String),
}

impl KeyError {
    /// True when the machine, not the user, is at fault (exit 3).
    pub fn is_io(&self) -> bool {
        matches!(self, KeyError::Io { .. } | KeyError::NoRandomness(_))
    }
}

/// A directory of key files: `NAME.secret` (hex seed, mode 0600) and `NAME.pub` (hex, 0644), in a
/// directory created 0700. Modes are set explicitly, whatever the umask.
pub struct KeyDir {
    dir: PathBuf,
}

/// Checks a key name: the same rules as ids, so it is safe as a file name.
pub(crate) fn check_key_name(name: &str) -> Result<()> {
    match crate::intake::validate::id_rule(name) {
        Some(rule) => Err(LedgerError::BadName {
            what: "key name",
            rule,
        }),
        None => Ok(()),
    }
}

impl KeyDir {
    /// The key directory at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> KeyDir {
        KeyDir { dir: dir.into() }
    }

    /// Where the keys live.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn io<'p>(
        action: &'static str,
        path: &'p Path,
    ) -> impl FnOnce(std::io::Error) -> KeyError + 'p {
        move |source| KeyError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    fn name_ok(name: &str) -> Result<(), KeyError> {
        crate::intake::validate::id_rule(name).map_or(Ok(()), |rule| Err(KeyError::BadName(rule)))
    }

    /// Generates a new key pair from the OS's randomness and writes it; refuses to overwrite.
    pub fn generate(&self, name: &str) -> Result<PublicKey, KeyError> {
        Self::name_ok(name)?;
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| KeyError::NoRandomness(e.to_string()))?;
        self.write(name, &SigningKey::from_bytes(&seed))
    }

    /// Creates a new key file with `mode`, refusing any existing path: `create_new` is
    /// `O_CREAT | O_EXCL`, which also fails on a symbolic link, dangling or not, so a key is never
    /// written through one.
    fn create(&self, name: &str, path: &Path, mode: u32) -> Result<fs::File, KeyError> {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode);
        }
        let f = opts.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => KeyError::Exists {
                name: name.into(),
                dir: self.dir.clone(),
                path: path.to_path_buf(),
            },
            _ => Self::io("create", path)(e),
        })?;
        // The umask may have taken bits from `mode` (a 0644 `.pub` under umask 077); set it
        // exactly, on the open file, so no link can redirect the change.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(Self::io("set the permissions of", path))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        Ok(f)
    }

    /// Writes a key pair, both files or neither: the secret 0600, the public key 0644, in a key
    /// directory created 0700.
    pub fn write(&self, name: &str, key: &SigningKey) -> Result<PublicKey, KeyError> {
        Self::name_ok(name)?;
        let mut dir = fs::DirBuilder::new();
        dir.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            dir.mode(0o700);
        }
        dir.create(&self.dir)
            .map_err(Self::io("create", &self.dir))?;
        let secret = self.dir.join(format!("{name}.secret"));
        let public = self.dir.join(format!("{name}.pub"));
        // Neither file may be there (a dangling link counts): check both before creating either.
        for path in [&secret, &public] {
            if fs::symlink_metadata(path).is_ok() {
                return Err(KeyError::Exists {
                    name: name.into(),
                    dir: self.dir.clone(),
                    path: path.clone(),
                });
            }
        }
        let pk = key.verifying_key().to_bytes();
        let result = self.create(name, &secret, 0o600).and_then(|mut s| {
            let written = self.create(name, &public, 0o644).and_then(|mut p| {
                s.write_all(format!("{}\n", hex(&key.to_bytes())).as_bytes())
                    .and_then(|_| s.sync_all())
                    .map_err(Self::io("write", &secret))?;
                p.write_all(format!("{}\n", hex(&pk)).as_bytes())
                    .and_then(|_| p.sync_all())
                    .map_err(Self::io("write", &public))
            });
            if written.is_err() {
                // `public` may be someone else's file (AlreadyExists): only remove what we made.
                if !matches!(written, Err(KeyError::Exists { .. })) {
                    let _ = fs::remove_file(&public);
                }
                let _ = fs::remove_file(&secret);
            }
            written
        });
        result.map(|()| pk)
    }

    /// Loads a signing key, or `None` when there is no key of that name. A secret that group or
    /// others can access is refused ([`KeyError::Exposed`]).
    pub fn load(&self, name: &str) -> Result<Option<SigningKey>, KeyError> {
        if check_key_name(name).is_err() {
            return Ok(None);
        }
        let path = self.dir.join(format!("{name}.secret"));
        let mut f = match fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::io("read", &path)(e)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = f
                .metadata()
                .map_err(Self::io("read", &path))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::Exposed {
                    path,
                    mode: mode & 0o7777,
                });
            }
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidData {
                KeyError::NotAKey { path: path.clone() }
            } else {
                Self::io("read", &path)(e)
            }
        })?;
        let seed =
            parse_hash(text.trim()).ok_or_else(|| KeyError::NotAKey { path: path.clone() })?;
        Ok(Some(SigningKey::from_bytes(&seed)))
    }

    /// Every key pair: (name, public key).
    pub fn list(&self) -> Result<Vec<(String, PublicKey)>, KeyError> {
        let mut out = Vec::new();
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Self::io("read", &self.dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(Self::io("read", &self.dir))?;
            let path = entry.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".pub"))
            else {
                continue;
            };
            if let Some(pk) = fs::read_to_string(&path)
                .ok()
                .and_then(|t| parse_hash(t.trim()))
            {
                out.push((name.to_string(), pk));
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::event::{AuthorGrant, ZERO_HASH};

    fn key(b: u8) -> SigningKey {
        SigningKey::from_bytes(&[b; 32])
    }

    fn grant_event(signing: &SigningKey, name: &str) -> Event {
        let pk = signing.verifying_key().to_bytes();
        let mut e = Event::new_signed(
            1,
            0,
            name.into(),
            ZERO_HASH,
            EventBody::AuthorAuthorised(AuthorGrant {
                name: name.into(),
                public_key: pk,
            }),
            Some(pk),
        );
        sign(&mut e, signing);
        e
    }

    #[test]
    fn signatures_verify_and_forgeries_do_not() {
        let mut e = grant_event(&key(1), "ana");
        assert_eq!(verify_signature(&e), Ok(()));
        // Signed by another key, claiming ana's key.
        e.signature = Some(key(2).sign(&e.hash).to_bytes());
        assert!(matches!(
            verify_signature(&e),
            Err(AuthorityError::BadSignature { .. })
        ));
        // A flipped bit in the signature.
        let mut e = grant_event(&key(1), "ana");
        if let Some(s) = e.signature.as_mut() {
            s[5] ^= 1;
        }
        assert!(verify_signature(&e).is_err());
    }

    #[test]
    fn first_authorisation_must_be_self_signed() {
        let t = projection::MemTables::default();
        assert_eq!(
            check_authority(&t, &grant_event(&key(1), "ana")).ok(),
            Some(())
        );
        // ana's key, but the event says bob authorises ana.
        let mut e = grant_event(&key(1), "ana");
        e.author = "bob".into();
        e.hash = e.compute_hash();
        sign(&mut e, &key(1));
        assert!(matches!(
            check_authority(&t, &e),
            Err(AuthorityCheckError::Refused(
                AuthorityError::NotAuthorised { .. }
            ))
        ));
    }

    #[test]
    fn key_files_round_trip_with_owner_only_secret() {
        let dir = tempfile::tempdir().unwrap();
        let kd = KeyDir::new(dir.path());
        let pk = kd.generate("ana").unwrap();
        assert_eq!(
            kd.load("ana").unwrap().unwrap().verifying_key().to_bytes(),
            pk
        );
        assert_eq!(kd.list().unwrap(), vec![("ana".to_string(), pk)]);
        assert!(kd.generate("ana").is_err(), "never overwrite a key");
        assert!(kd.load("nobody").unwrap().is_none());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("ana.secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn loose_secrets_and_links_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let kd = KeyDir::new(dir.path().join("keys"));
        kd.generate("ana").unwrap();
        let secret = dir.path().join("keys/ana.secret");
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o640)).unwrap();
        let e = kd.load("ana").expect_err("a 0640 secret is refused");
        assert!(matches!(e, KeyError::Exposed { mode: 0o640, .. }), "{e}");
        assert!(!e.is_io());
        assert!(e.to_string().contains("chmod 600"), "{e}");
        // A dangling link where the public key goes: refused, and the secret is not left behind.
        let target = dir.path().join("target");
        std::os::unix::fs::symlink(&target, dir.path().join("keys/bob.pub")).unwrap();
        assert!(matches!(kd.generate("bob"), Err(KeyError::Exists { .. })));
        assert!(!target.exists());
        assert!(!dir.path().join("keys/bob.secret").exists());
    }
}
