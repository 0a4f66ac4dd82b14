//! The PostgreSQL store (cargo feature `postgres`) against the server on 127.0.0.1:5432
//! (database `test`, user `postgres`, trust auth). Each test creates its own schema and drops it
//! afterwards. Where no server answers, each test prints that it was skipped and why; with
//! FACTLEDGER_REQUIRE_POSTGRES=1 (as `.ci/run` sets) it fails instead.

#[cfg(not(feature = "postgres"))]
#[test]
fn postgres_tests_need_the_postgres_feature() {
    if std::env::var("FACTLEDGER_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!(
            "FACTLEDGER_REQUIRE_POSTGRES=1, but these tests were built without --features postgres"
        );
    }
    eprintln!("skipped: the PostgreSQL store tests need `cargo test --features postgres`");
}

#[cfg(feature = "postgres")]
mod common;

#[cfg(feature = "postgres")]
mod pg {
    use super::common::{fixtures, Out, TestEnv};
    use factledger::ledger::{Draft, Stamp};
    use factledger::model::event::{EventBody, Source, SourceKind};
    use factledger::store::postgres::{PgStore, HOT_QUERIES};
    use factledger::store::{AppendBatch, Backend, Head, Location, StoreError};
    use factledger::{Ledger, LedgerError};
    use postgres::{Client, NoTls};
    use serde_json::Value as Json;
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU32, Ordering};

    const BASE: &str = "postgres://postgres@127.0.0.1:5432/test";

    /// A connection for the test's own queries, or `None` (after saying why) when no server
    /// answers and none is required.
    fn server() -> Option<Client> {
        match Client::connect(&format!("{BASE}?connect_timeout=5"), NoTls) {
            Ok(c) => Some(c),
            Err(e) => {
                if std::env::var("FACTLEDGER_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!("FACTLEDGER_REQUIRE_POSTGRES=1, but no PostgreSQL answers on 127.0.0.1:5432: {e}");
                }
                eprintln!("skipped: no PostgreSQL answers on 127.0.0.1:5432 ({e}); set FACTLEDGER_REQUIRE_POSTGRES=1 to fail instead");
                None
            }
        }
    }

    /// A schema of the test's own, dropped when the test ends (pass or fail).
    struct Schema {
        name: String,
        admin: Client,
    }

    impl Schema {
        fn new(tag: &str) -> Option<Schema> {
            static N: AtomicU32 = AtomicU32::new(0);
            let mut admin = server()?;
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            let name = format!(
                "fltest_{tag}_{}_{}_{nanos}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            );
            admin
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .unwrap();
            Some(Schema { name, admin })
        }

        fn url(&self) -> String {
            format!("{BASE}?schema={}", self.name)
        }

        fn location(&self) -> Location {
            Location::store(&self.url()).unwrap()
        }

        /// Runs SQL in the schema.
        fn sql(&mut self, sql: &str) {
            self.admin
                .batch_execute(&format!("SET search_path TO {}; {sql}", self.name))
                .unwrap();
        }
    }

    impl Drop for Schema {
        fn drop(&mut self) {
            let _ = self
                .admin
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }

    /// Runs the binary on the PostgreSQL store.
    fn on_store(env: &TestEnv, url: &str, args: &[&str]) -> Out {
        let mut c = env.bare();
        c.args(["--store", url]).args(args);
        Out::of(c)
    }

    fn fixture(name: &str) -> String {
        fixtures().join(name).display().to_string()
    }

    const FIXTURE_FILES: [&str; 3] = ["ledger.jsonl", "provenance.jsonl", "corrections.jsonl"];

    /// The same commands, with --json, on a sled ledger and on a PostgreSQL one holding the same
    /// imports: the answers are identical, hashes and Merkle roots included.
    #[test]
    fn every_command_answers_the_same_on_sled_and_on_postgres() {
        let Some(schema) = Schema::new("same") else {
            return;
        };
        let env = TestEnv::new();
        let url = schema.url();
        env.init();
        on_store(&env, &url, &["init"]).expect(0);
        for f in FIXTURE_FILES {
            env.run(&["import", &fixture(f)]).expect(0);
            on_store(&env, &url, &["import", &fixture(f)]).expect(0);
        }
        let commands: &[&[&str]] = &[
            &["log"],
            &["show", "un-ga7-tally"],
            &["show", "7"],
            &["facts"],
            &["facts", "--as-of", "40"],
            &["flags"],
            &["sources"],
            &["audit", "wire-ga7-tally"],
            &["verify"],
            &["replay"],
            &["checkpoint"],
            &["prove", "un-ga7-tally"],
            &["prove", "--consistency", "20", "57"],
            &["authors", "list"],
        ];
        for args in commands {
            let mut all = vec!["--json"];
            all.extend_from_slice(args);
            let sled = env.run(&all).expect(0).stdout;
            let pg = on_store(&env, &url, &all).expect(0).stdout;
            assert_eq!(sled, pg, "{args:?} differs");
        }
        // A read-only query and a text read both come from the store.
        let checkpoint: Json = on_store(&env, &url, &["--json", "checkpoint"]).json();
        assert_eq!(checkpoint["size"], 57, "{checkpoint}");
    }

    /// Export from sled, import into PostgreSQL, export again, import into sled: the bundles are
    /// byte for byte the same, and so are the heads and checkpoint roots.
    #[test]
    fn a_bundle_goes_from_sled_to_postgres_and_back_unchanged() {
        let Some(schema) = Schema::new("bundle") else {
            return;
        };
        let env = TestEnv::new();
        let url = schema.url();
        env.init();
        for f in FIXTURE_FILES {
            env.run(&["import", &fixture(f)]).expect(0);
        }
        env.run(&["export", "--bundle", "a.jsonl"]).expect(0);
        on_store(&env, &url, &["init"]).expect(0);
        on_store(&env, &url, &["import", "--bundle", "a.jsonl"]).expect(0);
        on_store(&env, &url, &["verify"]).expect(0);
        on_store(&env, &url, &["export", "--bundle", "b.jsonl"]).expect(0);
        assert_eq!(env.read("a.jsonl"), env.read("b.jsonl"));
        let back = env.p("back");
        let mut c = env.bare();
        c.arg("--ledger").arg(&back).arg("init");
        Out::of(c).expect(0);
        let mut c = env.bare();
        c.arg("--ledger")
            .arg(&back)
            .args(["import", "--bundle", "b.jsonl"]);
        Out::of(c).expect(0);
        let root = |o: Out| o.json()["root"].clone();
        let mut c = env.bare();
        c.arg("--ledger").arg(&back).args(["--json", "checkpoint"]);
        let back_root = root(Out::of(c).expect(0));
        let sled_root = root(env.run(&["--json", "checkpoint"]).expect(0));
        let pg_root = root(on_store(&env, &url, &["--json", "checkpoint"]).expect(0));
        assert!(sled_root.is_string(), "{sled_root}");
        assert_eq!(sled_root, pg_root);
        assert_eq!(sled_root, back_root);
    }

    #[test]
    fn a_missing_taken_newer_or_unreachable_store_is_a_clear_error() {
        let Some(mut schema) = Schema::new("errs") else {
            return;
        };
        let env = TestEnv::new();
        let url = schema.url();
        on_store(&env, &url, &["log"])
            .expect(2)
            .stderr_has("no ledger at postgres://")
            .stderr_has("factledger init --store URL");
        on_store(&env, &url, &["init"]).expect(0);
        on_store(&env, &url, &["init"])
            .expect(2)
            .stderr_has("already exists");
        schema.sql("UPDATE schema_version SET version = 99");
        on_store(&env, &url, &["log"])
            .expect(3)
            .stderr_has("has schema version 99, newer than the 1 this build reads");
        on_store(&env, "file:///tmp/x", &["log"])
            .expect(2)
            .stderr_has("a store locator is a postgres:// URL");
        on_store(
            &env,
            "postgres://u:secret@127.0.0.1:5432/test?schema=Bad",
            &["log"],
        )
        .expect(2)
        .stderr_has("schema= must be");
        // Nothing listens on port 1: an error naming the store, not a hang, and no password.
        let out = on_store(
            &env,
            "postgres://u:secret@127.0.0.1:1/test?schema=x",
            &["log"],
        )
        .expect(3)
        .stderr_has("PostgreSQL store postgres://u:***@127.0.0.1:1/test");
        assert!(!out.stderr.contains("secret"), "{}", out.stderr);
    }

    /// The hot reads are index scans on a ledger large enough that a sequential scan would be
    /// the planner's choice without an index.
    #[test]
    fn the_hot_queries_are_index_scans() {
        let Some(mut schema) = Schema::new("explain") else {
            return;
        };
        let env = TestEnv::new();
        let url = schema.url();
        on_store(&env, &url, &["init"]).expect(0);
        let mut lines = String::new();
        for s in 0..200 {
            // An archived text of its own, long enough that the texts table spans many pages.
            let text = format!("Archived text of source {s}. ").repeat(50);
            lines.push_str(&format!(
                "{{\"type\":\"source\",\"id\":\"src-{s}\",\"kind\":\"primary\",\"title\":\"Source {s}\",\"text\":\"{text}\"}}\n"
            ));
            for c in 0..10 {
                lines.push_str(&format!(
                    "{{\"type\":\"claim\",\"id\":\"c-{s}-{c}\",\"source\":\"src-{s}\",\"subject\":\"SUBJ-{}\",\"predicate\":\"tally\",\"value\":\"UNGA {c}-1-2\"}}\n",
                    s % 50
                ));
            }
        }
        env.write("big.jsonl", lines);
        on_store(&env, &url, &["import", "big.jsonl"]).expect(0);
        schema.sql("ANALYZE");
        let head: i64 = 2200;
        let plans: BTreeMap<&str, String> = HOT_QUERIES
            .iter()
            .map(|(name, sql)| {
                let explain = format!("SET search_path TO {}; EXPLAIN {sql}", schema.name);
                // EXPLAIN with bound parameters: the plan the store's prepared statement gets.
                let explain = explain.split_once("; ").unwrap();
                schema.admin.batch_execute(explain.0).unwrap();
                let hash = vec![7u8; 32];
                let rows = match *name {
                    "record" => schema.admin.query(explain.1, &[&1234i64]),
                    "seq_of" => schema.admin.query(explain.1, &[&b"c-12-3".as_slice()]),
                    "get" => schema
                        .admin
                        .query(explain.1, &[&"p_claims", &b"c-12-3".as_slice()]),
                    "scan" => schema.admin.query(
                        explain.1,
                        &[
                            &"p_subjects",
                            &b"SUBJ-7\0".as_slice(),
                            &b"SUBJ-7\x01".as_slice(),
                            &4096i64,
                        ],
                    ),
                    "records" => schema.admin.query(explain.1, &[&100i64, &head, &4096i64]),
                    "text" => schema.admin.query(explain.1, &[&hash]),
                    other => panic!("no parameters for hot query {other}: add them here"),
                }
                .unwrap();
                let plan: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
                (*name, plan.join("\n"))
            })
            .collect();
        for (name, plan) in &plans {
            assert!(!plan.contains("Seq Scan"), "{name}: {plan}");
            assert!(plan.contains("Index"), "{name}: {plan}");
        }
    }

    fn source(id: &str) -> Draft {
        Draft {
            body: EventBody::SourceRegistered(Source {
                id: id.into(),
                kind: SourceKind::Primary,
                publisher: None,
                title: Some(format!("Source {id}")),
                url: None,
                published: None,
                cites: Vec::new(),
                text: None,
            }),
            text: None,
        }
    }

    fn stamp(author: &str) -> Stamp {
        Stamp {
            author: author.into(),
            recorded_at: 1_740_000_000_000_000,
            key: None,
        }
    }

    /// Two ledgers open on one schema: an append chained onto a head the other moved is chained
    /// again and lands after it; an id the other recorded meanwhile is refused, nothing written.
    #[test]
    fn a_stale_writer_chains_again_and_a_duplicate_id_is_refused() {
        let Some(schema) = Schema::new("stale") else {
            return;
        };
        let loc = schema.location();
        Ledger::init_at(&loc).unwrap();
        let mut a = Ledger::open_at(&loc, None).unwrap();
        let mut b = Ledger::open_at(&loc, None).unwrap();
        a.append(vec![source("one")], &stamp("a")).unwrap();
        assert_eq!(b.head().seq, 0, "b has not looked yet");
        let got = b.append(vec![source("two")], &stamp("b")).unwrap();
        assert_eq!(got[0].seq, 2);
        assert_eq!(got[0].prev, a.event(1).unwrap().unwrap().hash);
        a.append(vec![source("three")], &stamp("a")).unwrap();
        let err = b.append(vec![source("three")], &stamp("b")).unwrap_err();
        assert!(
            matches!(&err, LedgerError::Store(StoreError::DuplicateKey { key }) if key == "three"),
            "{err}"
        );
        b.refresh().unwrap();
        assert_eq!(b.head().seq, 3);
        let env = TestEnv::new();
        on_store(&env, &schema.url(), &["verify"]).expect(0);
    }

    /// Several writers, each with its own connection, append at once: every acknowledged
    /// append is in the ledger exactly once, nothing else is, and the chain verifies.
    #[test]
    fn concurrent_writers_make_one_chain_with_every_acknowledged_append_once() {
        let Some(schema) = Schema::new("many") else {
            return;
        };
        let loc = schema.location();
        Ledger::init_at(&loc).unwrap();
        const WRITERS: usize = 4;
        const APPENDS: usize = 25;
        let acked: Vec<Vec<String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let loc = loc.clone();
                    s.spawn(move || {
                        let mut ledger = Ledger::open_at(&loc, None).unwrap();
                        let mut mine = Vec::new();
                        for i in 0..APPENDS {
                            // Two events per append: a batch is all or nothing.
                            let ids = [format!("w{w}-{i}-a"), format!("w{w}-{i}-b")];
                            let drafts = ids.iter().map(|id| source(id)).collect();
                            match ledger.append(drafts, &stamp(&format!("w{w}"))) {
                                Ok(events) => {
                                    assert_eq!(events.len(), 2);
                                    mine.extend(ids);
                                }
                                Err(e) => panic!("writer {w} append {i}: {e}"),
                            }
                        }
                        mine
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let acked: Vec<String> = acked.into_iter().flatten().collect();
        assert_eq!(acked.len(), WRITERS * APPENDS * 2);
        let ledger = Ledger::open_at(&loc, None).unwrap();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for e in ledger.events(1) {
            if let EventBody::SourceRegistered(s) = e.unwrap().body {
                *seen.entry(s.id).or_default() += 1;
            }
        }
        assert_eq!(ledger.head().seq as usize, acked.len());
        for id in &acked {
            assert_eq!(seen.get(id), Some(&1), "{id}");
        }
        assert_eq!(seen.len(), acked.len());
        let env = TestEnv::new();
        let report = on_store(&env, &schema.url(), &["--json", "verify"])
            .expect(0)
            .json();
        assert_eq!(report["ok"], true, "{report}");
    }

    /// Several `factledger import` processes on one store at once: each file goes in whole,
    /// once, and the chain verifies.
    #[test]
    fn concurrent_import_processes_each_land_whole() {
        let Some(schema) = Schema::new("procs") else {
            return;
        };
        let env = TestEnv::new();
        let url = schema.url();
        on_store(&env, &url, &["init"]).expect(0);
        const PROCS: usize = 3;
        const FILES: usize = 4;
        let mut children = Vec::new();
        for p in 0..PROCS {
            let mut files = Vec::new();
            for f in 0..FILES {
                let mut lines = String::new();
                for i in 0..5 {
                    lines.push_str(&format!(
                        "{{\"type\":\"source\",\"id\":\"p{p}-f{f}-{i}\",\"kind\":\"secondary\",\"title\":\"T\"}}\n"
                    ));
                }
                files.push(env.write(&format!("p{p}-f{f}.jsonl"), lines));
            }
            let (home, cwd, url) = (env.p("home"), env.path().to_path_buf(), url.clone());
            // Each thread is one process after another, importing its files as a desk would.
            children.push(std::thread::spawn(move || {
                for f in files {
                    let out = std::process::Command::new(super::common::bin())
                        .env_clear()
                        .env("HOME", &home)
                        .env("FACTLEDGER_AUTHOR", format!("proc{p}"))
                        .env("FACTLEDGER_STORE", &url)
                        .current_dir(&cwd)
                        .arg("import")
                        .arg(&f)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}: {}",
                        f.display(),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            }));
        }
        for c in children {
            c.join().unwrap();
        }
        let log = on_store(&env, &url, &["--json", "log"])
            .expect(0)
            .json_lines();
        assert_eq!(log.len(), PROCS * FILES * 5, "{log:?}");
        on_store(&env, &url, &["verify"]).expect(0);
    }

    /// The safety net under the head lock: a store asked to append onto a head that is no
    /// longer the head writes nothing and says so (HeadMoved), with its head read again.
    #[test]
    fn an_append_onto_a_moved_head_is_refused_whole() {
        let Some(mut schema) = Schema::new("moved") else {
            return;
        };
        let url = schema.url();
        Ledger::init_at(&schema.location()).unwrap();
        let mut a = PgStore::open(&url).unwrap();
        let mut b = PgStore::open(&url).unwrap();
        let batch = |id: &str| AppendBatch {
            records: vec![(1, id.as_bytes().to_vec(), vec![id.as_bytes().to_vec()])],
            head: Head {
                seq: 1,
                hash: [1; 32],
            },
            ..AppendBatch::default()
        };
        a.append(batch("from-a")).unwrap();
        let err = b.append(batch("from-b")).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::HeadMoved {
                    chained_on: 0,
                    head: 1,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(b.head().seq, 1);
        assert_eq!(b.record(1).unwrap(), Some(b"from-a".to_vec()));
        assert_eq!(b.seq_of(b"from-b").unwrap(), None);
        let events: i64 = schema
            .admin
            .query_one(&format!("SELECT count(*) FROM {}.events", schema.name), &[])
            .unwrap()
            .get(0);
        assert_eq!(events, 1);
    }

    /// A connection the server drops (a restart, an administrator) fails the call using it with
    /// a clear error, not a hang; the ledger's next call connects again and goes on.
    #[test]
    fn a_dropped_connection_is_an_error_and_the_next_call_reconnects() {
        let Some(mut schema) = Schema::new("drop") else {
            return;
        };
        let app = schema.name.clone();
        let loc = Location::store(&format!("{}&application_name={app}", schema.url())).unwrap();
        Ledger::init_at(&loc).unwrap();
        let mut ledger = Ledger::open_at(&loc, None).unwrap();
        ledger.append(vec![source("before")], &stamp("a")).unwrap();
        let killed: i64 = schema
            .admin
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
                &[&app],
            )
            .unwrap()
            .get(0);
        assert_eq!(killed, 1);
        let err = ledger
            .append(vec![source("during")], &stamp("a"))
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::Store(StoreError::Postgres { .. })),
            "{err}"
        );
        assert!(
            err.to_string().starts_with("PostgreSQL store postgres://"),
            "{err}"
        );
        let got = ledger.append(vec![source("after")], &stamp("a")).unwrap();
        assert_eq!(got[0].seq, 2, "nothing of the failed append was written");
        let env = TestEnv::new();
        on_store(&env, &schema.url(), &["verify"]).expect(0);
    }

    /// A desk server on a PostgreSQL store, started with FACTLEDGER_STORE; its address.
    struct Serve {
        child: std::process::Child,
        base: String,
    }

    impl Serve {
        fn start(env: &TestEnv, url: &str) -> Serve {
            use std::io::BufRead;
            let mut c = super::common::hermetic(&env.p("home"), &env.p("tmp"));
            c.env("FACTLEDGER_STORE", url)
                .args(["serve", "--listen", "127.0.0.1:0", "--rate", "0"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null());
            let mut child = c.spawn().expect("serve starts");
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("the address line");
            let addr = line
                .split("http://")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .unwrap_or_else(|| panic!("no address in {line:?}"))
                .to_string();
            Serve {
                child,
                base: format!("http://{addr}"),
            }
        }

        fn call(&self, method: &str, path: &str, token: &str, body: Option<&str>) -> (u16, Json) {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            let url = format!("{}{path}", self.base);
            let auth = format!("Bearer {token}");
            let r = match (method, body) {
                ("POST", Some(b)) => agent
                    .post(&url)
                    .header("Authorization", &auth)
                    .send(b.as_bytes()),
                _ => agent.get(&url).header("Authorization", &auth).call(),
            };
            let mut r = r.expect("the server answers");
            let status = r.status().as_u16();
            let text = r.body_mut().read_to_string().expect("body");
            (status, serde_json::from_str(&text).unwrap_or(Json::Null))
        }
    }

    impl Drop for Serve {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// Two `serve` processes on one PostgreSQL store, writers on both at once: every
    /// acknowledged append is in the ledger once at the seq it was acknowledged with, the chain
    /// verifies, and both servers then show the same log and facts.
    #[test]
    fn two_servers_on_one_store_make_one_chain() {
        let Some(schema) = Schema::new("serve") else {
            return;
        };
        let env = TestEnv::new();
        let url = schema.url();
        on_store(&env, &url, &["init"]).expect(0);
        let added = on_store(
            &env,
            &url,
            &["--json", "user", "add", "che", "--role", "checker"],
        )
        .expect(0)
        .json();
        let token = added["token"].as_str().expect("token").to_string();
        let a = Serve::start(&env, &url);
        let b = Serve::start(&env, &url);
        let source = r#"{"id":"s1","kind":"primary","title":"Record"}"#;
        let (status, _) = a.call("POST", "/api/v1/sources", &token, Some(source));
        assert_eq!(status, 200);
        let acked: Vec<(String, u64)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    let server = if t % 2 == 0 { &a } else { &b };
                    let token = &token;
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        for i in 0..10 {
                            let id = format!("c{t}-{i}");
                            let claim = serde_json::json!({"id": id, "source": "s1",
                                "subject": "S/RES/1", "predicate": "outcome", "value": "adopted"})
                            .to_string();
                            let (status, r) =
                                server.call("POST", "/api/v1/claims", token, Some(&claim));
                            assert_eq!(status, 200, "{r}");
                            mine.push((id, r["last_seq"].as_u64().expect("last_seq")));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let mut seqs: Vec<u64> = acked.iter().map(|(_, s)| *s).collect();
        seqs.sort();
        seqs.dedup();
        assert_eq!(
            seqs,
            (2..=41).collect::<Vec<_>>(),
            "each ack names its own seq"
        );
        for path in ["/api/v1/log", "/api/v1/facts?subject=S/RES/1"] {
            let (sa, from_a) = a.call("GET", path, &token, None);
            let (sb, from_b) = b.call("GET", path, &token, None);
            assert_eq!((sa, sb), (200, 200));
            assert_eq!(from_a, from_b, "{path}");
        }
        drop(a);
        drop(b);
        for (id, seq) in &acked {
            let shown = on_store(&env, &url, &["--json", "show", id])
                .expect(0)
                .json();
            assert_eq!(shown["seq"], *seq, "{id}");
        }
        let report = on_store(&env, &url, &["--json", "verify"]).expect(0).json();
        assert_eq!(report["events"], 41, "{report}");
    }
}
