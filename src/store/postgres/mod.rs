//! [`PgStore`]: the PostgreSQL backend, for a ledger that several servers share (and that a
//! database's own replication and backups look after). Behind the cargo feature `postgres`.
//!
//! A ledger is one PostgreSQL schema, named in the locator:
//! `postgres://USER@HOST:PORT/DATABASE?schema=NAME` (default schema `factledger`; every other
//! parameter is the client's, see `docs/cli.md`). The schema holds:
//! - `schema_version` (one row): the layout, checked at connect: a newer one is refused, an
//!   older one is brought forward by [`migrate`];
//! - `head` (one row): seq and hash of the last event. Every append locks it (`SELECT … FOR
//!   UPDATE`) and checks it is still the head the append was chained onto, so appends from any
//!   number of processes form one chain with no fork and no gap;
//! - `events` (seq → encoded record), `id_index` (key → seq, unique), `texts` (blake3 → text);
//! - `keyspaces` ((space, key) → value): the projection's tables, all in one table whose
//!   primary key serves gets and prefix scans; `owner_records`: the projection's meta.
//!
//! An append is one transaction: head locked and checked, records, index, texts, keyspace writes,
//! head moved, COMMIT. It is acknowledged only after COMMIT returns, so with PostgreSQL's
//! `synchronous_commit` on (forced for this connection when the server has it off) it is on
//! disk, and on a synchronous replica too when the server is set up so.
//!
//! The client is rust-postgres's blocking `postgres` crate: maintained, pure Rust, and blocking
//! like the rest of the library (the ledger's calls are synchronous; the desk server's writer
//! is a thread of its own), so no async runtime enters the store.

use super::keyspace::{Grouping, Keyspace, KeyspaceUpdate};
use super::{redact, AppendBatch, Backend, Head, Records, StoreError, Visit};
use crate::model::event::Hash;
use ::postgres::error::SqlState;
use ::postgres::{Client, Config, NoTls, Statement};
use std::cell::{Cell, RefCell, RefMut};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema layout this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// The schema a locator without `schema=` names.
pub const DEFAULT_SCHEMA: &str = "factledger";

/// Rows per page when walking a table, and per statement when writing many.
const PAGE: i64 = 4096;
const CHUNK: usize = 8192;

/// SQL steps from each older schema version to the next: `MIGRATIONS[i]` takes version `i + 1`
/// to `i + 2`. Empty while version 1 is the only one; a new layout adds its step here.
const MIGRATIONS: &[&str] = &[];

/// The reads the page, the API and the commands make most; each must be an index scan (a test
/// runs `EXPLAIN` on every one of them).
/// An event by seq.
pub const SQL_RECORD: &str = "SELECT record FROM events WHERE seq = $1";
/// A claim or source id (or retraction, correction key) to its seq.
pub const SQL_SEQ_OF: &str = "SELECT seq FROM id_index WHERE key = $1";
/// One projection entry.
pub const SQL_GET: &str = "SELECT value FROM keyspaces WHERE space = $1 AND key = $2";
/// Projection entries under a prefix (a subject's claims), a page at a time.
pub const SQL_SCAN: &str = "SELECT key, value FROM keyspaces WHERE space = $1 AND key >= $2 AND key < $3 ORDER BY key LIMIT $4";
/// Events in seq order from a seq, a page at a time.
pub const SQL_RECORDS: &str =
    "SELECT seq, record FROM events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3";
/// An archived text by hash.
pub const SQL_TEXT: &str = "SELECT body FROM texts WHERE hash = $1";
/// Every hot query, by name, for the `EXPLAIN` test.
pub const HOT_QUERIES: [(&str, &str); 6] = [
    ("record", SQL_RECORD),
    ("seq_of", SQL_SEQ_OF),
    ("get", SQL_GET),
    ("scan", SQL_SCAN),
    ("records", SQL_RECORDS),
    ("text", SQL_TEXT),
];

/// The tables of a new store (version [`SCHEMA_VERSION`]).
const CREATE: &str = "
CREATE TABLE schema_version (version bigint NOT NULL);
CREATE TABLE head (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL, hash bytea NOT NULL);
CREATE TABLE events (seq bigint PRIMARY KEY, record bytea NOT NULL);
CREATE TABLE id_index (key bytea PRIMARY KEY, seq bigint NOT NULL);
CREATE TABLE texts (hash bytea PRIMARY KEY, body bytea NOT NULL);
CREATE TABLE keyspaces (space text COLLATE \"C\" NOT NULL, key bytea NOT NULL, value bytea NOT NULL, PRIMARY KEY (space, key));
CREATE TABLE owner_records (name text PRIMARY KEY, value bytea NOT NULL);
";

/// A parsed locator: the client's configuration and the schema.
struct Locator {
    config: Config,
    schema: String,
    shown: String,
}

impl Locator {
    fn parse(url: &str) -> Result<Locator, StoreError> {
        let shown = redact(url);
        let bad = |problem: String| StoreError::BadLocator {
            locator: shown.clone(),
            problem,
        };
        // `schema` is ours; every other parameter goes to the client.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut schema = None;
        let mut rest = Vec::new();
        for p in query.split('&').filter(|p| !p.is_empty()) {
            match p.split_once('=') {
                Some(("schema", v)) => schema = Some(v.to_string()),
                _ => rest.push(p),
            }
        }
        let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        check_schema_name(&schema).map_err(|m| bad(m.into()))?;
        let client_url = if rest.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        let mut config: Config = client_url
            .parse()
            .map_err(|e: ::postgres::Error| bad(e.to_string()))?;
        // A server that does not answer is an error after a while, not a hang.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(30));
        if config.get_application_name().is_none() {
            config.application_name("factledger");
        }
        Ok(Locator {
            config,
            schema,
            shown,
        })
    }
}

/// A schema name this store accepts: lower-case letters, digits and `_`, starting with a letter
/// or `_`, at most 63 bytes, not `pg_…` (PostgreSQL's own). It is quoted in SQL all the same.
fn check_schema_name(s: &str) -> Result<(), &'static str> {
    let ok_start = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    if !ok_start
        || s.len() > 63
        || !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(
            "schema= must be 1-63 characters of a-z, 0-9 and _, starting with a letter or _",
        );
    }
    if s.starts_with("pg_") {
        return Err("schema names starting with pg_ are PostgreSQL's own");
    }
    Ok(())
}

/// An open ledger store in a PostgreSQL schema. Other processes may write the same schema.
pub struct PgStore {
    label: PathBuf,
    locator: Locator,
    client: RefCell<Client>,
    statements: RefCell<HashMap<&'static str, Statement>>,
    head: Head,
    groupings: RefCell<BTreeMap<&'static str, Grouping>>,
    /// An append's transaction is open and holds the head row's lock
    /// ([`Backend::lock_for_append`]); the next `append` writes and commits in it.
    held: Cell<bool>,
    /// A call failed: before the next one, check the connection still works (a server restart
    /// shows as one failed call while the client still thinks it is connected).
    failed: Cell<bool>,
}

impl PgStore {
    /// Creates the schema and its tables. A schema that exists and holds tables is refused.
    pub fn create(url: &str) -> Result<PgStore, StoreError> {
        let locator = Locator::parse(url)?;
        let mut client = connect(&locator)?;
        let shown = locator.shown.clone();
        let err = |e: ::postgres::Error| pg_err(&shown, e);
        let mut tx = client.transaction().map_err(err)?;
        let tables: i64 = tx
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = $1",
                &[&locator.schema],
            )
            .map_err(err)?
            .get(0);
        if tables > 0 {
            return Err(StoreError::AlreadyExists(PathBuf::from(&shown)));
        }
        let schema = quote(&locator.schema);
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET LOCAL search_path TO {schema}; {CREATE}"
        ))
        .map_err(err)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&SCHEMA_VERSION],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT INTO head (seq, hash) VALUES (0, $1)",
            &[&Head::EMPTY.hash.to_vec()],
        )
        .map_err(err)?;
        tx.commit().map_err(|e| {
            // Two inits racing: the loser's CREATE TABLE fails; it is the same refusal.
            if e.code() == Some(&SqlState::DUPLICATE_TABLE) {
                StoreError::AlreadyExists(PathBuf::from(&shown))
            } else {
                pg_err(&shown, e)
            }
        })?;
        drop(client);
        PgStore::open(url)
    }

    /// Connects to an existing store: the schema must exist and hold a store of a schema
    /// version this build reads (an older one is migrated first).
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let locator = Locator::parse(url)?;
        let client = connect(&locator)?;
        let mut store = PgStore {
            label: PathBuf::from(&locator.shown),
            locator,
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            head: Head::EMPTY,
            groupings: RefCell::new(BTreeMap::new()),
            held: Cell::new(false),
            failed: Cell::new(false),
        };
        store.check_schema()?;
        store.refresh()?;
        Ok(store)
    }

    /// The schema this store lives in.
    pub fn schema(&self) -> &str {
        &self.locator.schema
    }

    fn err(&self, e: ::postgres::Error) -> StoreError {
        self.failed.set(true);
        pg_err(&self.locator.shown, e)
    }

    /// The connection, connected again first when the server closed it (a restart): the
    /// statement that failed then reported it, and the next call starts afresh.
    fn conn(&self) -> Result<RefMut<'_, Client>, StoreError> {
        let mut client = self.client.borrow_mut();
        if self.failed.replace(false)
            && !client.is_closed()
            && client.is_valid(Duration::from_secs(5)).is_err()
        {
            // Dropping the old client closes it; the server rolls back what it had open.
            self.held.set(false);
            *client = connect(&self.locator)?;
            self.statements.borrow_mut().clear();
        }
        if client.is_closed() {
            // Whatever transaction was open died with the connection.
            self.held.set(false);
            *client = connect(&self.locator)?;
            self.statements.borrow_mut().clear();
        }
        Ok(client)
    }

    /// A statement prepared once per connection.
    fn statement(&self, client: &mut Client, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = client.prepare(sql).map_err(|e| self.err(e))?;
        self.statements.borrow_mut().insert(sql, s.clone());
        Ok(s)
    }

    fn query(
        &self,
        sql: &'static str,
        params: &[&(dyn ::postgres::types::ToSql + Sync)],
    ) -> Result<Vec<::postgres::Row>, StoreError> {
        let mut client = self.conn()?;
        let st = self.statement(&mut client, sql)?;
        client.query(&st, params).map_err(|e| self.err(e))
    }

    /// Notes a failed call, so the next one checks the connection first.
    fn mark<T>(&self, r: Result<T, StoreError>) -> Result<T, StoreError> {
        if r.is_err() {
            self.failed.set(true);
        }
        r
    }

    fn check_schema(&mut self) -> Result<(), StoreError> {
        let shown = self.locator.shown.clone();
        let schema = self.locator.schema.clone();
        let mut client = self.conn()?;
        let exists = client
            .query_opt("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&schema])
            .map_err(|e| pg_err(&shown, e))?;
        if exists.is_none() {
            return Err(StoreError::Missing(PathBuf::from(&shown)));
        }
        let has_version = client
            .query_opt(
                "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'schema_version'",
                &[&schema],
            )
            .map_err(|e| pg_err(&shown, e))?;
        if has_version.is_none() {
            return Err(StoreError::Corrupt(format!(
                "schema {schema} holds no factledger store (no schema_version table); create one with `factledger init --store URL` in a new schema"
            )));
        }
        let version: i64 = client
            .query_one("SELECT version FROM schema_version", &[])
            .map_err(|e| pg_err(&shown, e))?
            .get(0);
        drop(client);
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                store: shown,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            migrate(&mut *self.conn()?, &shown, version)?;
        }
        Ok(())
    }

    fn read_head(&self) -> Result<Head, StoreError> {
        let rows = self.query("SELECT seq, hash FROM head", &[])?;
        let row = rows
            .first()
            .ok_or_else(|| StoreError::Corrupt("the store has no head row".into()))?;
        head_of(row.get(0), row.get(1))
    }

    fn grouping(&self, space: Keyspace) -> Result<(), StoreError> {
        let mut known = self.groupings.borrow_mut();
        match known.get(space.name) {
            Some(g) if *g != space.grouping => Err(StoreError::Corrupt(format!(
                "keyspace '{}' was used with two groupings",
                space.name
            ))),
            Some(_) => Ok(()),
            None => {
                known.insert(space.name, space.grouping);
                Ok(())
            }
        }
    }

    /// Walks `keyspaces` rows of one space from `from` (inclusive) below `to` in key order, a
    /// page at a time (no borrow of the connection is held while `visit` runs).
    fn walk(
        &self,
        space: &str,
        mut from: Vec<u8>,
        to: Option<Vec<u8>>,
        visit: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        loop {
            let rows = match &to {
                Some(to) => self.query(
                    SQL_SCAN,
                    &[&space, &from, to, &PAGE],
                )?,
                None => self.query(
                    "SELECT key, value FROM keyspaces WHERE space = $1 AND key >= $2 ORDER BY key LIMIT $3",
                    &[&space, &from, &PAGE],
                )?,
            };
            let full = rows.len() as i64 == PAGE;
            let mut last = None;
            for row in &rows {
                let k: &[u8] = row.get(0);
                let v: &[u8] = row.get(1);
                if !visit(k, v) {
                    return Ok(());
                }
                last = Some(k);
            }
            match last {
                Some(k) if full => {
                    // The next key in byte order after k.
                    from = k.to_vec();
                    from.push(0);
                }
                _ => return Ok(()),
            }
        }
    }

    fn append_now(&mut self, batch: AppendBatch) -> Result<(), StoreError> {
        let shown = self.locator.shown.clone();
        let expected = self.head;
        if let Some((first, _, _)) = batch.records.first() {
            if *first != expected.seq + 1 {
                self.end_append();
                return Err(StoreError::Corrupt(format!(
                    "an append must start at seq {}, not {first}",
                    expected.seq + 1
                )));
            }
        }
        self.begin_locked(expected)?;
        let new_head = batch.head;
        let mut client = self.conn()?;
        // This call ends the transaction, committed or rolled back.
        self.held.set(false);
        let written = write_batch(&mut client, &shown, batch);
        if written.is_err() {
            let _ = client.batch_execute("ROLLBACK");
        }
        drop(client);
        written?;
        self.head = new_head;
        Ok(())
    }

    fn update_keyspaces_now(&mut self, update: KeyspaceUpdate) -> Result<(), StoreError> {
        let shown = self.locator.shown.clone();
        // Only against the head this process knows: a rebuild or catch-up made from an older
        // head must not overwrite what another writer appended since.
        self.begin_locked(self.head)?;
        let mut client = self.conn()?;
        self.held.set(false);
        let written = write_keyspaces(&mut client, &shown, update).and_then(|()| {
            client
                .batch_execute("COMMIT")
                .map_err(|e| pg_err(&shown, e))
        });
        if written.is_err() {
            let _ = client.batch_execute("ROLLBACK");
        }
        written
    }

    fn lock_for_append_now(&mut self) -> Result<(), StoreError> {
        if self.held.get() {
            return Ok(());
        }
        let shown = self.locator.shown.clone();
        let mut client = self.conn()?;
        client
            .batch_execute("BEGIN")
            .map_err(|e| pg_err(&shown, e))?;
        let head = client
            .query_one("SELECT seq, hash FROM head FOR UPDATE", &[])
            .map_err(|e| pg_err(&shown, e))
            .and_then(|row| head_of(row.get(0), row.get(1)));
        match head {
            Ok(head) => {
                drop(client);
                self.held.set(true);
                self.head = head;
                Ok(())
            }
            Err(e) => {
                let _ = client.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Opens a transaction holding the head row's lock, with the head still `expected`, unless
    /// [`Backend::lock_for_append`] already did.
    fn begin_locked(&mut self, expected: Head) -> Result<(), StoreError> {
        if self.held.get() && self.head == expected {
            return Ok(());
        }
        self.end_append();
        let shown = self.locator.shown.clone();
        let mut client = self.conn()?;
        client
            .batch_execute("BEGIN")
            .map_err(|e| pg_err(&shown, e))?;
        if let Err(e) = lock_head(&mut client, &shown, expected) {
            let _ = client.batch_execute("ROLLBACK");
            drop(client);
            // The next attempt starts from the head as it is now.
            if matches!(e, StoreError::HeadMoved { .. }) {
                self.refresh()?;
            }
            return Err(e);
        }
        self.held.set(true);
        Ok(())
    }

    /// Connects again (after a server restart or for a test) and re-reads the head.
    fn reconnect_if_closed(&mut self) -> Result<(), StoreError> {
        drop(self.conn()?);
        Ok(())
    }
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn connect(locator: &Locator) -> Result<Client, StoreError> {
    let mut client = locator
        .config
        .connect(NoTls)
        .map_err(|e| pg_err(&locator.shown, e))?;
    // Acknowledged means committed to disk: never let a server default of
    // synchronous_commit=off make a COMMIT return before its WAL is flushed.
    let sync: String = client
        .query_one("SHOW synchronous_commit", &[])
        .map_err(|e| pg_err(&locator.shown, e))?
        .get(0);
    let mut setup = format!("SET search_path TO {};", quote(&locator.schema));
    if sync == "off" {
        setup.push_str("SET synchronous_commit TO on;");
    }
    client
        .batch_execute(&setup)
        .map_err(|e| pg_err(&locator.shown, e))?;
    Ok(client)
}

fn pg_err(shown: &str, e: ::postgres::Error) -> StoreError {
    let message = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None if e.is_closed() => {
            "the connection to the server was closed (the next command connects again)".into()
        }
        None => {
            // The client's own message, with its cause (the OS error of a refused connection).
            let mut m = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                m.push_str(": ");
                m.push_str(&s.to_string());
                src = s.source();
            }
            m
        }
    };
    StoreError::Postgres {
        store: shown.to_string(),
        message,
    }
}

fn head_of(seq: i64, hash: Vec<u8>) -> Result<Head, StoreError> {
    let hash: Hash = hash
        .try_into()
        .map_err(|_| StoreError::Corrupt("the head row's hash is not 32 bytes".into()))?;
    let seq = u64::try_from(seq)
        .map_err(|_| StoreError::Corrupt("the head row's seq is negative".into()))?;
    Ok(Head { seq, hash })
}

fn seq_i64(seq: u64) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::Corrupt(format!("seq {seq} is out of range")))
}

/// Brings a store of an older schema version forward, one step at a time, in one transaction
/// that holds the version row's lock (a second process migrating waits, then finds it done).
pub fn migrate(client: &mut Client, shown: &str, from: i64) -> Result<(), StoreError> {
    let err = |e: ::postgres::Error| pg_err(shown, e);
    let mut tx = client.transaction().map_err(err)?;
    let mut version: i64 = tx
        .query_one("SELECT version FROM schema_version FOR UPDATE", &[])
        .map_err(err)?
        .get(0);
    if version != from && version >= SCHEMA_VERSION {
        return Ok(());
    }
    while version < SCHEMA_VERSION {
        let step = usize::try_from(version - 1)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "schema version {version} is not one this build can migrate from"
                ))
            })?;
        tx.batch_execute(step).map_err(err)?;
        version += 1;
    }
    tx.execute("UPDATE schema_version SET version = $1", &[&version])
        .map_err(err)?;
    tx.commit().map_err(err)
}

/// Keys and their values, as two arrays for `unnest`.
type KeysValues = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// Applies a keyspace update inside a transaction: owner records before, clears, writes (the
/// last write of a key wins), owner records after. One transaction, so the order is only for
/// symmetry with sled.
fn write_keyspaces(tx: &mut Client, shown: &str, update: KeyspaceUpdate) -> Result<(), StoreError> {
    let err = |e: ::postgres::Error| pg_err(shown, e);
    let put_owner = |tx: &mut Client, records: Vec<(&'static str, Vec<u8>)>| {
        for (name, value) in records {
            tx.execute(
                "INSERT INTO owner_records (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&name, &value],
            )
            .map_err(err)?;
        }
        Ok::<(), StoreError>(())
    };
    put_owner(tx, update.before)?;
    for space in update.clear {
        tx.execute("DELETE FROM keyspaces WHERE space = $1", &[&space.name])
            .map_err(err)?;
    }
    let mut last: BTreeMap<(&'static str, Vec<u8>), Option<Vec<u8>>> = BTreeMap::new();
    for (space, key, value) in update.writes {
        last.insert((space.name, key), value);
    }
    let mut puts: BTreeMap<&'static str, KeysValues> = BTreeMap::new();
    let mut deletes: BTreeMap<&'static str, Vec<Vec<u8>>> = BTreeMap::new();
    for ((space, key), value) in last {
        match value {
            Some(v) => {
                let (ks, vs) = puts.entry(space).or_default();
                ks.push(key);
                vs.push(v);
            }
            None => deletes.entry(space).or_default().push(key),
        }
    }
    for (space, keys) in deletes {
        for chunk in keys.chunks(CHUNK) {
            tx.execute(
                "DELETE FROM keyspaces WHERE space = $1 AND key = ANY($2)",
                &[&space, &chunk],
            )
            .map_err(err)?;
        }
    }
    for (space, (keys, values)) in puts {
        for (ks, vs) in keys.chunks(CHUNK).zip(values.chunks(CHUNK)) {
            tx.execute(
                "INSERT INTO keyspaces (space, key, value) SELECT $1, k, v FROM unnest($2::bytea[], $3::bytea[]) AS t(k, v) \
                 ON CONFLICT (space, key) DO UPDATE SET value = excluded.value",
                &[&space, &ks, &vs],
            )
            .map_err(err)?;
        }
    }
    put_owner(tx, update.after)
}

/// Locks the head row and checks it is still `expected`.
fn lock_head(tx: &mut Client, shown: &str, expected: Head) -> Result<Head, StoreError> {
    let row = tx
        .query_one("SELECT seq, hash FROM head FOR UPDATE", &[])
        .map_err(|e| pg_err(shown, e))?;
    let now = head_of(row.get(0), row.get(1))?;
    if now != expected {
        return Err(StoreError::HeadMoved {
            chained_on: expected.seq,
            head: now.seq,
            attempts: 1,
        });
    }
    Ok(now)
}

impl Backend for PgStore {
    fn dir(&self) -> &Path {
        &self.label
    }

    fn head(&self) -> Head {
        self.head
    }

    fn record(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        if seq == 0 || seq > self.head.seq {
            return Ok(None);
        }
        let rows = self.query(SQL_RECORD, &[&seq_i64(seq)?])?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn records(&self, from: u64) -> Records<'_> {
        Box::new(PgRecords {
            store: self,
            next: from.max(1),
            end: self.head.seq,
            buf: VecDeque::new(),
            done: false,
        })
    }

    fn seq_of(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        let rows = self.query(SQL_SEQ_OF, &[&key])?;
        Ok(rows
            .first()
            .map(|r| r.get::<_, i64>(0) as u64)
            .filter(|s| *s <= self.head.seq))
    }

    fn index_entries(&self, visit: &mut dyn FnMut(&[u8], u64)) -> Result<(), StoreError> {
        let mut from: Vec<u8> = Vec::new();
        loop {
            let rows = self.query(
                "SELECT key, seq FROM id_index WHERE key >= $1 ORDER BY key LIMIT $2",
                &[&from, &PAGE],
            )?;
            for row in &rows {
                let seq: i64 = row.get(1);
                let seq = u64::try_from(seq).map_err(|_| {
                    StoreError::Corrupt("an id index entry has a negative seq".into())
                })?;
                visit(row.get(0), seq);
            }
            if (rows.len() as i64) < PAGE {
                return Ok(());
            }
            from = rows[rows.len() - 1].get::<_, Vec<u8>>(0);
            from.push(0);
        }
    }

    fn text(&self, hash: &Hash) -> Result<Option<Vec<u8>>, StoreError> {
        let rows = self.query(SQL_TEXT, &[&&hash[..]])?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn text_hashes(&self) -> Box<dyn Iterator<Item = Result<Vec<u8>, StoreError>> + '_> {
        match self.query("SELECT hash FROM texts ORDER BY hash", &[]) {
            Ok(rows) => Box::new(rows.into_iter().map(|r| Ok(r.get(0)))),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    fn get(&self, space: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.grouping(space)?;
        let rows = self.query(SQL_GET, &[&space.name, &key])?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn scan(
        &self,
        space: Keyspace,
        prefix: &[u8],
        visit: &mut Visit<'_>,
    ) -> Result<(), StoreError> {
        self.grouping(space)?;
        self.walk(space.name, prefix.to_vec(), prefix_end(prefix), visit)
    }

    fn entries(&self, space: Keyspace, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        self.scan(space, b"", visit)
    }

    fn owner_record(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let rows = self.query("SELECT value FROM owner_records WHERE name = $1", &[&name])?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn append(&mut self, batch: AppendBatch) -> Result<(), StoreError> {
        let r = self.append_now(batch);
        self.mark(r)
    }

    fn update_keyspaces(&mut self, update: KeyspaceUpdate) -> Result<(), StoreError> {
        let r = self.update_keyspaces_now(update);
        self.mark(r)
    }

    fn lock_for_append(&mut self) -> Result<(), StoreError> {
        let r = self.lock_for_append_now();
        self.mark(r)
    }

    fn end_append(&mut self) {
        if self.held.replace(false) {
            if let Ok(mut client) = self.conn() {
                // A failed ROLLBACK means the connection is gone, and the transaction with it.
                let _ = client.batch_execute("ROLLBACK");
            }
        }
    }

    fn sync(&mut self) -> Result<(), StoreError> {
        // Every append was committed (and so made durable) before it returned.
        Ok(())
    }

    fn head_lag(&self) -> Option<Head> {
        None
    }

    fn repair_head(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        let rows = self.query(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
            &[&self.locator.schema],
        )?;
        Ok(rows.first().map_or(0, |r| r.get::<_, i64>(0) as u64))
    }

    fn head_is_shared(&self) -> bool {
        true
    }

    fn refresh(&mut self) -> Result<(), StoreError> {
        self.reconnect_if_closed()?;
        self.head = self.read_head()?;
        Ok(())
    }
}

/// Writes an append's records, index entries, texts, keyspace changes and head, and commits,
/// inside the transaction that holds the head row's lock.
fn write_batch(client: &mut Client, shown: &str, batch: AppendBatch) -> Result<(), StoreError> {
    let err = |e: ::postgres::Error| pg_err(shown, e);
    let mut seqs = Vec::with_capacity(batch.records.len());
    let mut records = Vec::with_capacity(batch.records.len());
    let mut keys = Vec::new();
    let mut key_seqs = Vec::new();
    for (seq, record, index) in batch.records {
        let seq = seq_i64(seq)?;
        seqs.push(seq);
        records.push(record);
        for k in index {
            keys.push(k);
            key_seqs.push(seq);
        }
    }
    for (s, r) in seqs.chunks(CHUNK).zip(records.chunks(CHUNK)) {
        client
            .execute(
                "INSERT INTO events (seq, record) SELECT * FROM unnest($1::bigint[], $2::bytea[])",
                &[&s, &r],
            )
            .map_err(err)?;
    }
    for (k, s) in keys.chunks(CHUNK).zip(key_seqs.chunks(CHUNK)) {
        client
            .execute(
                "INSERT INTO id_index (key, seq) SELECT * FROM unnest($1::bytea[], $2::bigint[])",
                &[&k, &s],
            )
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    duplicate(&e, k)
                } else {
                    err(e)
                }
            })?;
    }
    for (hash, text) in &batch.texts {
        client
            .execute(
                "INSERT INTO texts (hash, body) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING",
                &[&&hash[..], text],
            )
            .map_err(err)?;
    }
    write_keyspaces(client, shown, batch.keyspaces)?;
    client
        .execute(
            "UPDATE head SET seq = $1, hash = $2",
            &[&seq_i64(batch.head.seq)?, &&batch.head.hash[..]],
        )
        .map_err(err)?;
    // Acknowledged only once COMMIT returns (`defer_sync` cannot defer a commit).
    client.batch_execute("COMMIT").map_err(err)
}

fn duplicate(e: &::postgres::Error, keys: &[Vec<u8>]) -> StoreError {
    // PostgreSQL names the key in the detail: "Key (key)=(\x…) already exists."; the batch's
    // own keys are searched for it so the message shows the id, not its hex.
    let detail = e.as_db_error().and_then(|d| d.detail()).unwrap_or("");
    let shown = keys
        .iter()
        .find(|k| {
            let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
            detail.contains(&hex)
        })
        .map(|k| String::from_utf8_lossy(k).replace('\0', "/"))
        .unwrap_or_else(|| "an id".into());
    StoreError::DuplicateKey { key: shown }
}

/// Records from a seq up to the head, a page at a time.
struct PgRecords<'a> {
    store: &'a PgStore,
    next: u64,
    end: u64,
    buf: VecDeque<(u64, Vec<u8>)>,
    done: bool,
}

impl PgRecords<'_> {
    fn fill(&mut self) -> Result<(), StoreError> {
        let rows = self.store.query(
            SQL_RECORDS,
            &[&seq_i64(self.next)?, &seq_i64(self.end)?, &PAGE],
        )?;
        for row in rows {
            self.buf
                .push_back((row.get::<_, i64>(0) as u64, row.get(1)));
        }
        Ok(())
    }
}

impl Iterator for PgRecords<'_> {
    type Item = Result<(u64, Vec<u8>), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.next > self.end {
            return None;
        }
        if self.buf.is_empty() {
            if let Err(e) = self.fill() {
                self.done = true;
                return Some(Err(e));
            }
        }
        match self.buf.pop_front() {
            Some((seq, record)) if seq == self.next => {
                self.next += 1;
                Some(Ok((seq, record)))
            }
            _ => {
                self.done = true;
                Some(Err(StoreError::Corrupt(format!(
                    "event seq {} is missing from the store",
                    self.next
                ))))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done || self.next > self.end {
            return (0, Some(0));
        }
        (0, usize::try_from(self.end - self.next + 1).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_is_the_first_key_past_the_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
        assert_eq!(prefix_end(b""), None);
    }

    #[test]
    fn schema_names_are_checked_and_passwords_never_shown() {
        assert!(check_schema_name("desk_1").is_ok());
        for bad in ["", "Desk", "1desk", "a-b", "pg_desk", "a\"b"] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
        let l =
            Locator::parse("postgres://me:secret@127.0.0.1:5432/test?schema=desk1&sslmode=disable")
                .unwrap();
        assert_eq!(l.schema, "desk1");
        assert!(!l.shown.contains("secret"), "{}", l.shown);
        let l = Locator::parse("postgresql://me@localhost/test").unwrap();
        assert_eq!(l.schema, DEFAULT_SCHEMA);
        let err = Locator::parse("postgres://me@localhost/test?schema=Bad")
            .err()
            .unwrap();
        assert!(err.to_string().contains("schema="), "{err}");
    }
}
