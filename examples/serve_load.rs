//! Load benchmark of the desk server: `cargo run --release --example serve_load -- --clients N
//! --seconds S [--readers R] [--events E]`.
//!
//! 1. Builds a ledger of E events (default 100 000: one primary source, claims over 1000
//!    subjects) in a temporary directory.
//! 2. Baseline, in the same run and on the same ledger: one `Ledger::append` of one claim at a
//!    time, each durable, for S/2 seconds.
//! 3. Serves it (in this process, `server::serve_until`, no rate limit) and runs N writing clients
//!    (each appending one claim per request, waiting for each acknowledgement) and R reading
//!    clients (facts and flags of a random subject, alternately) for S seconds over HTTP on
//!    127.0.0.1.
//! 4. Stops the server gracefully, reopens the ledger, checks every acknowledged append is in
//!    the log at its acknowledged seq, and verifies the whole ledger.
//!
//! Prints durable appends per second (server, and baseline), their ratio, read latency
//! percentiles and the checks. Loopback only; every loop is bounded in time.

use factledger::desk::import::{import_records, Durability, ImportInput};
use factledger::desk::users::{add_user, Role};
use factledger::desk::verify::verify;
use factledger::ledger::{Draft, Stamp};
use factledger::server::{serve_until, Config};
use factledger::Ledger;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    clients: usize,
    readers: usize,
    seconds: f64,
    events: usize,
}

fn args() -> Args {
    let mut a = Args {
        clients: 32,
        readers: 4,
        seconds: 10.0,
        events: 100_000,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < v.len() {
        let val = v.get(i + 1).cloned().unwrap_or_default();
        match v[i].as_str() {
            "--clients" => a.clients = val.parse().expect("--clients N"),
            "--readers" => a.readers = val.parse().expect("--readers N"),
            "--seconds" => a.seconds = val.parse().expect("--seconds S"),
            "--events" => a.events = val.parse().expect("--events E"),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a
}

const SUBJECTS: usize = 1000;

fn stamp(author: &str) -> Stamp {
    Stamp {
        author: author.into(),
        recorded_at: chrono::Utc::now().timestamp_micros(),
        key: None,
    }
}

fn claim_line(id: &str, subject: usize, value: usize) -> String {
    // Mostly agreeing tallies, now and then a different one: the flags have work to do.
    let yes = if value.is_multiple_of(10) { 9 } else { 10 };
    format!(
        r#"{{"type":"claim","id":"{id}","source":"src","subject":"S/RES/{subject}","predicate":"tally","value":{{"body":"UNSC","yes":{yes},"no":0,"abstain":{},"procedural":false}}}}"#,
        15 - yes
    )
}

/// A ledger of `events` events: one source, then claims spread over the subjects.
fn build(dir: &Path, events: usize) -> Ledger {
    let mut ledger = Ledger::init(dir).expect("init");
    let mut text = String::from(
        r#"{"type":"source","id":"src","kind":"primary","title":"UN record","text":"The record."}"#,
    );
    text.push('\n');
    let mut n = 1;
    let mut chunk = 0;
    while n < events {
        let mut body = std::mem::take(&mut text);
        while n < events && body.len() < 4 << 20 {
            body.push_str(&claim_line(&format!("base-{n}"), n % SUBJECTS, n));
            body.push('\n');
            n += 1;
        }
        chunk += 1;
        import_records(
            &mut ledger,
            ImportInput {
                label: "build",
                bytes: body.as_bytes(),
                base: dir,
                durability: Durability::Synced,
                proceed: None,
            },
            &stamp("builder"),
        )
        .unwrap_or_else(|e| match e {
            factledger::desk::import::ImportError::Refused { problems, .. } => {
                panic!("chunk {chunk}: {:?}", &problems[..problems.len().min(3)])
            }
            e => panic!("chunk {chunk}: {e}"),
        });
    }
    ledger
}

/// One durable `Ledger::append` of one claim at a time, for `secs`.
fn baseline(ledger: &mut Ledger, secs: f64) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        let line = claim_line(&format!("alone-{n}"), n as usize % SUBJECTS, n as usize);
        let (records, problems) =
            factledger::intake::import::parse_input(line.as_bytes(), Path::new("."));
        assert!(problems.is_empty());
        let drafts: Vec<Draft> = records.into_iter().map(|(_, r)| r.into()).collect();
        ledger.append(drafts, &stamp("alone")).expect("append");
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn main() {
    let a = args();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ledger");
    let t = Instant::now();
    let built = build(&dir, a.events);
    // Closed and opened again, as a server finds a ledger.
    drop(built);
    let mut ledger = Ledger::open(&dir, None).expect("open");
    println!(
        "ledger: {} events built in {:.1} s",
        ledger.head().seq,
        t.elapsed().as_secs_f64()
    );

    let alone = baseline(&mut ledger, a.seconds / 2.0);
    println!("baseline: one Ledger::append at a time: {alone:.0} durable appends/s");

    let writer = add_user(&mut ledger, "writer", Role::Checker, 0)
        .expect("user")
        .token;
    let reader = add_user(&mut ledger, "reader", Role::Reader, 0)
        .expect("user")
        .token;
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        public_read: false,
        rate: 0,
        max_body: 16 << 20,
        key_dir: None,
        now: None,
    };
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        serve_until(
            ledger,
            config,
            move |addr| addr_tx.send(addr).expect("addr"),
            async move {
                let _ = stop_rx.await;
            },
        )
        .expect("serve")
    });
    let base = format!("http://{}", addr_rx.recv().expect("bound"));

    let running = Arc::new(AtomicBool::new(true));
    let acked: Arc<Mutex<Vec<(String, u64)>>> = Arc::new(Mutex::new(Vec::new()));
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for c in 0..a.clients {
        let (running, acked, base, token) =
            (running.clone(), acked.clone(), base.clone(), writer.clone());
        threads.push(std::thread::spawn(move || {
            let agent = agent();
            let mut i = 0usize;
            let mut mine = Vec::new();
            while running.load(Ordering::Relaxed) {
                let id = format!("load-{c}-{i}");
                let body = claim_line(&id, (c * 7919 + i) % SUBJECTS, i);
                let body = body.replacen(r#""type":"claim","#, "", 1);
                let mut r = agent
                    .post(format!("{base}/api/v1/claims"))
                    .header("Authorization", format!("Bearer {token}"))
                    .send(body.as_bytes())
                    .expect("post");
                let text = r.body_mut().read_to_string().expect("body");
                assert_eq!(r.status().as_u16(), 200, "{text}");
                let v: serde_json::Value = serde_json::from_str(&text).expect("json");
                mine.push((id, v["last_seq"].as_u64().expect("seq")));
                i += 1;
            }
            acked.lock().expect("lock").extend(mine);
        }));
    }
    for c in 0..a.readers {
        let (running, latencies, base, token) = (
            running.clone(),
            latencies.clone(),
            base.clone(),
            reader.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let agent = agent();
            let mut mine = Vec::new();
            let mut i = 0usize;
            while running.load(Ordering::Relaxed) {
                let what = if i.is_multiple_of(2) {
                    "facts"
                } else {
                    "flags"
                };
                let subject = (c * 104_729 + i * 31) % SUBJECTS;
                let t = Instant::now();
                let mut r = agent
                    .get(format!("{base}/api/v1/{what}?subject=S%2FRES%2F{subject}"))
                    .header("Authorization", format!("Bearer {token}"))
                    .call()
                    .expect("get");
                let _ = r.body_mut().read_to_string().expect("body");
                assert_eq!(r.status().as_u16(), 200);
                mine.push(t.elapsed());
                i += 1;
            }
            latencies.lock().expect("lock").extend(mine);
        }));
    }
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(a.seconds));
    running.store(false, Ordering::Relaxed);
    for t in threads {
        t.join().expect("client");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let _ = stop_tx.send(());
    server.join().expect("server thread");

    let acked = acked.lock().expect("lock").clone();
    let mut lat = latencies.lock().expect("lock").clone();
    lat.sort();
    let rate = acked.len() as f64 / elapsed;
    println!(
        "server: {} writing clients, {} reading: {} acknowledged appends in {elapsed:.1} s = {rate:.0} durable appends/s ({:.1}x the baseline)",
        a.clients,
        a.readers,
        acked.len(),
        rate / alone
    );
    println!(
        "reads under that load: {} (facts, flags of one subject): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        lat.len(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );

    // Every acknowledged append is in the log at its seq, and the ledger verifies.
    let ledger = Ledger::open(&dir, None).expect("reopen");
    let mut ids: HashMap<u64, String> = HashMap::new();
    let first = acked.iter().map(|(_, s)| *s).min().unwrap_or(1);
    for e in ledger.events(first) {
        let e = e.expect("event");
        if let factledger::model::event::EventBody::ClaimAsserted(c) = &e.body {
            ids.insert(e.seq, c.id.clone());
        }
    }
    let missing = acked
        .iter()
        .filter(|(id, seq)| ids.get(seq) != Some(id))
        .count();
    let report = verify(&ledger, |_| {}).expect("verify");
    println!(
        "after: {} events; acknowledged appends missing from the log: {missing}; verify ok: {}",
        ledger.head().seq,
        report.ok
    );
    std::io::stdout().flush().ok();
    assert_eq!(missing, 0);
    assert!(report.ok);
}
