//! The PostgreSQL column (`--postgres URL`, in a build with `--features postgres`): the
//! user-facing measurements of the sled ledger again, on a ledger in PostgreSQL holding the same
//! generated file: import, reads, replay, verify, single appends, disk, and appends from several
//! writers at once. The bench makes its own schema (`factledger_bench_PID`) in the database the
//! URL names and drops it at the end unless `--keep` is given.

use super::measure::{claim_json, now_micros, secs};
use super::*;
use factledger::store::Location;

/// Runs every PostgreSQL measurement and returns its rows (`system` = `postgres`).
pub(crate) fn postgres_rows(
    bin: &Bin,
    base_url: &str,
    keep: bool,
    g: &Generated,
    n: u64,
) -> Res<Vec<Row>> {
    let schema = format!("factledger_bench_{}", std::process::id());
    let sep = if base_url.contains('?') { '&' } else { '?' };
    let url = format!("{base_url}{sep}schema={schema}");
    let mut admin = ::postgres::Client::connect(base_url, ::postgres::NoTls)?;
    admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    let result = measure(bin, &url, &mut admin, &schema, g, n);
    if keep {
        eprintln!("bench: kept the PostgreSQL schema {schema}");
    } else {
        admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    }
    result
}

fn measure(
    bin: &Bin,
    url: &str,
    admin: &mut ::postgres::Client,
    schema: &str,
    g: &Generated,
    n: u64,
) -> Res<Vec<Row>> {
    let mut rows = Vec::new();
    // `--store` takes the place of the `--ledger` every bench command carries.
    let at = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--store".to_string(), url.to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        all
    };
    let none = Path::new("unused-ledger-dir");
    let run = |args: &[&str], check_ok: bool| -> Res<ProcRun> {
        let all = at(args);
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        bin.run(none, &all, check_ok)
    };

    phase("postgres: factledger init + import (process)");
    run(&["init"], false)?;
    let input = g.input.to_string_lossy().to_string();
    let import = run(&["import", &input], false)?;
    rows.push(
        Row::new("import", "postgres", n)
            .rate(n as f64 / (import.ms / 1e3))
            .with("ms", json!(round3(import.ms)))
            .with("rss_mb", json!(round3(mb(import.rss_kb)))),
    );
    admin.batch_execute(&format!(
        "ANALYZE {schema}.events, {schema}.id_index, {schema}.keyspaces, {schema}.texts"
    ))?;
    let bytes: i64 = admin
        .query_one(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c \
             JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = $1 AND c.relkind = 'r'",
            &[&schema],
        )?
        .get(0);
    rows.push(Row::new("disk", "postgres", n).with("bytes", json!(bytes)));
    if let Some(r) = rows.last_mut() {
        r.shown = format!(
            "{:.0} B/event ({:.1} MB in tables and indexes)",
            bytes as f64 / n as f64,
            bytes as f64 / 1e6
        );
    }

    // The same reads and targets as sled's (the process floor has none).
    let reads: Vec<(&'static str, Vec<&str>, usize, Option<f64>)> = vec![
        ("process_floor", vec!["log", "--limit", "0"], 10, None),
        (
            "read_facts_subject",
            vec!["facts", "--subject", &g.sample_subject],
            5,
            Some(100.0),
        ),
        (
            "read_flags_subject",
            vec!["flags", "--subject", &g.sample_subject],
            5,
            Some(100.0),
        ),
        ("read_show", vec!["show", &g.sample_claim], 5, Some(100.0)),
        ("read_audit", vec!["audit", &g.audit_claim], 5, Some(100.0)),
        ("read_log_20", vec!["log", "--limit", "20"], 5, Some(100.0)),
        ("read_flags_all", vec!["flags"], 3, Some(2000.0)),
    ];
    for (name, args, runs, target_ms) in reads {
        phase(&format!(
            "postgres read: factledger {} ({runs} runs)",
            args.join(" ")
        ));
        let mut samples = Vec::new();
        for _ in 0..runs {
            samples.push(run(&args, true)?.ms);
        }
        let m = median(&mut samples);
        let mut row = Row::new(name, "postgres", n)
            .millis(m)
            .with("command", json!(args.join(" ")))
            .with("runs", json!(runs));
        if let Some(t) = target_ms {
            row = row.target(&format!("< {t:.0} ms at 1M"), m < t);
        }
        rows.push(row);
    }

    phase("postgres: factledger replay, verify (process)");
    for (name, cmd) in [("replay_process", "replay"), ("verify_process", "verify")] {
        let r = run(&[cmd], false)?;
        rows.push(
            Row::new(name, "postgres", n)
                .millis(r.ms)
                .with("rss_mb", json!(round3(mb(r.rss_kb)))),
        );
        if let Some(row) = rows.last_mut() {
            row.shown = format!("{:.0} ms, peak {:.0} MB", r.ms, mb(r.rss_kb));
        }
    }

    phase("postgres: in-library Ledger::append of one claim (200 runs)");
    let location = Location::store(url)?;
    let mut l = Ledger::open_at(&location, None)?;
    let stamp = Stamp {
        author: "bench".into(),
        recorded_at: now_micros(),
        key: None,
    };
    let draft = |id: &str| -> Res<Draft> {
        let obj = claim_json(id, &g.late_source, &g.sample_subject);
        let Record::Claim(c) = parse_record(&obj, Path::new("."))? else {
            return Err("claim draft did not parse as a claim".into());
        };
        Ok(Draft {
            body: EventBody::ClaimAsserted(c),
            text: None,
        })
    };
    let mut lib = Vec::new();
    for i in 0..200 {
        let d = draft(&format!("bench-pg-lib-{i}"))?;
        let t = Instant::now();
        l.append(vec![d], &stamp)?;
        lib.push(t.elapsed().as_secs_f64() * 1e3);
    }
    drop(l);
    rows.push(Row::new("append_library", "postgres", n).latency(&mut lib));

    phase("postgres: factledger add claim (process, 30 runs)");
    let mut procs = Vec::new();
    for i in 0..30 {
        let id = format!("bench-pg-proc-{i}");
        let r = run(
            &[
                "add",
                "claim",
                "--id",
                &id,
                "--source",
                &g.late_source,
                "--subject",
                &g.sample_subject,
                "--predicate",
                "date",
                "--value",
                "Monday, 24 February 2025",
            ],
            false,
        )?;
        procs.push(r.ms);
    }
    rows.push(
        Row::new("append_process", "postgres", n)
            .latency(&mut procs)
            .with("command", json!("add claim")),
    );

    for writers in [1usize, 4] {
        const EACH: usize = 100;
        phase(&format!(
            "postgres: {writers} writers, each its own Ledger, {EACH} one-claim appends each"
        ));
        let t = Instant::now();
        let results: Vec<Result<Vec<f64>, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..writers)
                .map(|w| {
                    let location = location.clone();
                    let stamp = stamp.clone();
                    let draft = &draft;
                    s.spawn(move || -> Result<Vec<f64>, String> {
                        let mut l = Ledger::open_at(&location, None).map_err(|e| e.to_string())?;
                        let mut lat = Vec::new();
                        for i in 0..EACH {
                            let d = draft(&format!("bench-pg-w{writers}-{w}-{i}"))
                                .map_err(|e| e.to_string())?;
                            let t = Instant::now();
                            l.append(vec![d], &stamp).map_err(|e| e.to_string())?;
                            lat.push(t.elapsed().as_secs_f64() * 1e3);
                        }
                        Ok(lat)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("a writer panicked".into())))
                .collect()
        });
        let elapsed = secs(t.elapsed());
        let mut lat = Vec::new();
        for r in results {
            lat.extend(r?);
        }
        let total = lat.len() as f64;
        let name = if writers == 1 {
            "append_writers_1"
        } else {
            "append_writers_4"
        };
        let mut row = Row::new(name, "postgres", n)
            .latency(&mut lat)
            .with("appends_per_second", json!((total / elapsed).round()));
        row.shown = format!("{} ({:.0} appends/s)", row.shown, total / elapsed);
        rows.push(row);
    }
    Ok(rows)
}
