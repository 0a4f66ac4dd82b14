//! The SQLite peer: what a competent engineer would build instead of factledger.

use super::*;

// ---------------------------------------------------------------------------------------------
// The SQLite peer: same parse, same validation, same hashes and bytes, in a WAL database with
// synchronous=FULL, committing every 10,000 rows.

pub(crate) const PEER_CHUNK: usize = 10_000;
pub(crate) const KIND_SOURCE: i64 = 0;
pub(crate) const KIND_CLAIM: i64 = 1;
pub(crate) const KIND_MARK: i64 = 2;

pub(crate) fn peer_open(path: &Path) -> Res<Connection> {
    let conn = Connection::open(path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("SQLite refused WAL mode ({mode})").into());
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

pub(crate) fn peer_create(conn: &Connection, indexed: bool) -> Res<()> {
    conn.execute_batch(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT, record BLOB NOT NULL);
         CREATE TABLE ids (key BLOB PRIMARY KEY, seq INTEGER NOT NULL, kind INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TABLE texts (hash BLOB PRIMARY KEY, text BLOB NOT NULL) WITHOUT ROWID;",
    )?;
    if indexed {
        // What factledger's projection holds for its reads, the SQL way: state by id (the claim
        // itself stays in `events`), and the three lookup indexes.
        conn.execute_batch(
            "CREATE TABLE state (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, retracted_at INTEGER, superseded_by TEXT) WITHOUT ROWID;
             CREATE TABLE subjects (subject TEXT, predicate TEXT, claim TEXT, PRIMARY KEY (subject, predicate, claim)) WITHOUT ROWID;
             CREATE TABLE source_claims (source TEXT, claim TEXT, PRIMARY KEY (source, claim)) WITHOUT ROWID;
             CREATE TABLE cited_by (cited TEXT, citing TEXT, PRIMARY KEY (cited, citing)) WITHOUT ROWID;",
        )?;
    }
    Ok(())
}

pub(crate) fn kind_of(conn: &Connection, key: &[u8]) -> Res<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT kind FROM ids WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub(crate) struct PeerResult {
    pub(crate) secs: f64,
    pub(crate) rows: u64,
}

pub(crate) fn peer_import(
    db: &Path,
    input: &Path,
    indexed: bool,
    recorded_at: i64,
) -> Res<PeerResult> {
    let start = Instant::now();
    let conn = peer_open(db)?;
    peer_create(&conn, indexed)?;
    let data = fs::read(input)?;
    let base = input.parent().unwrap_or(Path::new("."));
    let author = "bench".to_string();
    let mut prev = factledger::model::event::ZERO_HASH;
    let mut seq = 0u64;
    conn.execute_batch("BEGIN")?;
    for (line, bytes) in lines(&data) {
        let record = match parse_line(bytes, base) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(m) => return Err(format!("line {line}: {m}").into()),
        };
        let draft = factledger::ledger::Draft::from(record);
        let (body, text) = (draft.body, draft.text);
        // The same checks plan() makes, against the peer's own tables.
        let bad = |m: String| -> Res<()> { Err(format!("line {line}: {m}").into()) };
        if let Some(id) = body.id() {
            if kind_of(&conn, id.as_bytes())?.is_some() {
                bad(format!("id '{id}' already exists"))?;
            }
        }
        match &body {
            EventBody::ClaimAsserted(c) => {
                if kind_of(&conn, c.source.as_bytes())? != Some(KIND_SOURCE) {
                    bad(format!("source '{}' is not a source", c.source))?;
                }
                if let Some(old) = &c.supersedes {
                    if kind_of(&conn, old.as_bytes())? != Some(KIND_CLAIM) {
                        bad(format!("'{old}' is not a claim"))?;
                    }
                    let key = factledger::ledger::supersession_key(old);
                    if kind_of(&conn, &key)?.is_some() {
                        bad(format!("'{old}' was already superseded"))?;
                    }
                }
            }
            EventBody::Retracted(r) => {
                if kind_of(&conn, r.target.as_bytes())?.is_none() {
                    bad(format!("cannot retract '{}'", r.target))?;
                }
                if kind_of(&conn, &factledger::ledger::retraction_key(&r.target))?.is_some() {
                    bad(format!("'{}' was already retracted", r.target))?;
                }
            }
            _ => {}
        }
        seq += 1;
        let event = Event::new(seq, recorded_at, author.clone(), prev, body);
        prev = event.hash;
        let record = event.to_record();
        conn.prepare_cached("INSERT INTO events (seq, id, record) VALUES (?1, ?2, ?3)")?
            .execute(params![seq as i64, event.body.id(), record])?;
        for key in index_keys(&event.body) {
            let kind = match (&event.body, key.first()) {
                (_, Some(0)) => KIND_MARK,
                (EventBody::SourceRegistered(_), _) => KIND_SOURCE,
                _ => KIND_CLAIM,
            };
            conn.prepare_cached("INSERT INTO ids (key, seq, kind) VALUES (?1, ?2, ?3)")?
                .execute(params![key, seq as i64, kind])?;
        }
        if let Some(text) = text {
            let hash = blake3::hash(text.as_bytes());
            conn.prepare_cached("INSERT OR IGNORE INTO texts (hash, text) VALUES (?1, ?2)")?
                .execute(params![&hash.as_bytes()[..], text.as_bytes()])?;
        }
        if indexed {
            peer_index(&conn, &event)?;
        }
        if seq.is_multiple_of(PEER_CHUNK as u64) {
            conn.execute_batch("COMMIT; BEGIN")?;
        }
    }
    conn.execute_batch("COMMIT")?;
    drop(conn);
    Ok(PeerResult {
        secs: start.elapsed().as_secs_f64(),
        rows: seq,
    })
}

pub(crate) fn peer_index(conn: &Connection, e: &Event) -> Res<()> {
    let seq = e.seq as i64;
    match &e.body {
        EventBody::SourceRegistered(s) => {
            conn.prepare_cached("INSERT INTO state (id, seq) VALUES (?1, ?2)")?
                .execute(params![s.id, seq])?;
            for c in &s.cites {
                conn.prepare_cached("INSERT INTO cited_by (cited, citing) VALUES (?1, ?2)")?
                    .execute(params![c, s.id])?;
            }
        }
        EventBody::ClaimAsserted(c) => {
            conn.prepare_cached("INSERT INTO state (id, seq) VALUES (?1, ?2)")?
                .execute(params![c.id, seq])?;
            conn.prepare_cached(
                "INSERT INTO subjects (subject, predicate, claim) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![c.subject, c.predicate, c.id])?;
            conn.prepare_cached("INSERT INTO source_claims (source, claim) VALUES (?1, ?2)")?
                .execute(params![c.source, c.id])?;
            if let Some(old) = &c.supersedes {
                conn.prepare_cached("UPDATE state SET superseded_by = ?2 WHERE id = ?1")?
                    .execute(params![old, c.id])?;
            }
        }
        EventBody::Retracted(r) => {
            conn.prepare_cached("UPDATE state SET retracted_at = ?2 WHERE id = ?1")?
                .execute(params![r.target, seq])?;
        }
        _ => {}
    }
    Ok(())
}
