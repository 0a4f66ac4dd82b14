//! The measurements: every phase of one benchmark run, in order.

use super::*;

pub(crate) fn run(opts: &Opts) -> Res<()> {
    let n = opts.events;
    let bin_path = locate_binary()?;
    let _tmp;
    let work = match &opts.keep {
        Some(d) => {
            if d.exists() && fs::read_dir(d)?.next().is_some() {
                return Err(format!("--keep {}: directory is not empty", d.display()).into());
            }
            fs::create_dir_all(d)?;
            d.canonicalize()?
        }
        None => {
            let t = tempfile::Builder::new()
                .prefix("factledger-bench")
                .tempdir()?;
            let p = t.path().to_path_buf();
            _tmp = t;
            p
        }
    };
    let bin = Bin {
        path: bin_path,
        work: work.clone(),
    };
    let ledger = work.join("ledger");
    let started = chrono::Utc::now();
    // The commit measured: taken before the run, so edits made meanwhile do not count.
    let commit = git_commit();
    let load_start = load1();
    let mut rows: Vec<Row> = Vec::new();
    let nn = n as u64;

    // 0. Data.
    phase(&format!("generating {n} records"));
    let t = Instant::now();
    let g = generate(n, opts.seed, &work.join("input.jsonl"))?;
    eprintln!(
        "bench: {} bytes: {} sources ({} MB of archived text), {} claims ({} corrections), {} retractions, {} subjects; generated in {:.1} s",
        g.input_bytes,
        g.sources,
        g.text_bytes / 1_000_000,
        g.claims,
        g.corrections,
        g.retractions,
        g.subjects,
        secs(t.elapsed())
    );

    // 1. Bulk import: the factledger process against the SQLite peer.
    phase("bulk import: factledger init + factledger import (process)");
    let init = bin.run(&ledger, &["init"], false)?;
    let input = g.input.to_string_lossy().to_string();
    let import = bin.run(&ledger, &["import", &input], false)?;
    let fl_rate = nn as f64 / (import.ms / 1e3);
    phase("bulk import: SQLite peer (WAL, synchronous=FULL, commit every 10k rows)");
    let recorded_at = now_micros();
    let peer_db = work.join("peer.sqlite");
    let peer = peer_import(&peer_db, &g.input, false, recorded_at)?;
    if peer.rows != nn {
        return Err(format!("peer imported {} rows, expected {n}", peer.rows).into());
    }
    let peer_rate = nn as f64 / peer.secs;
    phase("bulk import: SQLite peer with read indexes (state, subjects, source_claims, cited_by)");
    let peer_ix_db = work.join("peer-indexed.sqlite");
    let peer_ix = peer_import(&peer_ix_db, &g.input, true, recorded_at)?;
    let peer_ix_rate = nn as f64 / peer_ix.secs;
    let ratio = fl_rate / peer_rate;
    rows.push(
        Row::new("import", "factledger", nn)
            .rate(fl_rate)
            .with("ms", json!(round3(import.ms)))
            .with("rss_mb", json!(round3(mb(import.rss_kb))))
            .with("init_ms", json!(round3(init.ms)))
            .target("≥ 1.0× SQLite", ratio >= 1.0),
    );
    if let Some(r) = rows.last_mut() {
        r.ratio_to_peer = Some(ratio);
    }
    rows.push(
        Row::new("import", "sqlite", nn)
            .rate(peer_rate)
            .with("ms", json!(round3(peer.secs * 1e3))),
    );
    let mut ix_row = Row::new("import_with_read_indexes", "sqlite", nn)
        .rate(peer_ix_rate)
        .with("ms", json!(round3(peer_ix.secs * 1e3)));
    ix_row.ratio_to_peer = Some(peer_ix_rate / peer_rate);
    rows.push(ix_row);

    // 5 (disk). Sizes right after the import.
    phase("disk use");
    let (ledger_bytes, ledger_alloc) = dir_size(&ledger)?;
    let store_dir = ledger.join("store");
    let mut peer_bytes = 0u64;
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", peer_db.display()));
        peer_bytes += fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
    }
    let mut peer_ix_bytes = 0u64;
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", peer_ix_db.display()));
        peer_ix_bytes += fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
    }

    // 4. Reads a user waits for, each a whole process.
    phase("process floor: factledger log --limit 0 (10 runs)");
    let mut floor = Vec::new();
    let mut floor_rss = 0;
    for _ in 0..10 {
        let r = bin.run(&ledger, &["log", "--limit", "0"], false)?;
        floor.push(r.ms);
        floor_rss = floor_rss.max(r.rss_kb);
    }
    rows.push(
        Row::new("process_floor", "factledger", nn)
            .latency(&mut floor)
            .with("rss_mb", json!(round3(mb(floor_rss))))
            .with("command", json!("log --limit 0")),
    );
    let reads: Vec<(&'static str, Vec<&str>, usize, f64)> = vec![
        (
            "read_facts_subject",
            vec!["facts", "--subject", &g.sample_subject],
            5,
            100.0,
        ),
        (
            "read_flags_subject",
            vec!["flags", "--subject", &g.sample_subject],
            5,
            100.0,
        ),
        ("read_show", vec!["show", &g.sample_claim], 5, 100.0),
        ("read_audit", vec!["audit", &g.audit_claim], 5, 100.0),
        ("read_log_20", vec!["log", "--limit", "20"], 5, 100.0),
        ("read_flags_all", vec!["flags"], 3, 2000.0),
    ];
    for (name, args, runs, target_ms) in reads {
        phase(&format!(
            "read: factledger {} ({runs} runs)",
            args.join(" ")
        ));
        let mut samples = Vec::new();
        let mut rss = 0;
        for _ in 0..runs {
            let r = bin.run(&ledger, &args, true)?;
            samples.push(r.ms);
            rss = rss.max(r.rss_kb);
        }
        let m = median(&mut samples);
        rows.push(
            Row::new(name, "factledger", nn)
                .millis(m)
                .with("command", json!(args.join(" ")))
                .with("runs", json!(runs))
                .with("rss_mb", json!(round3(mb(rss))))
                .target(&format!("< {target_ms:.0} ms at 1M"), m < target_ms),
        );
    }

    // 3 (processes). Replay and verify as a user runs them, for time and peak RSS.
    phase("factledger replay (process)");
    let replay_proc = bin.run(&ledger, &["replay"], false)?;
    phase("factledger verify (process)");
    let verify_proc = bin.run(&ledger, &["verify"], false)?;
    // Linear extrapolation of the replay's peak RSS above the process floor.
    let rss_1m = mb(floor_rss) + (mb(replay_proc.rss_kb) - mb(floor_rss)) * 1e6 / nn as f64;
    rows.push(
        Row::new("replay_process", "factledger", nn)
            .millis(replay_proc.ms)
            .with("rss_mb", json!(round3(mb(replay_proc.rss_kb))))
            .with("rss_mb_extrapolated_1m", json!(rss_1m.round()))
            .target("peak RSS < 500 MB at 1M", rss_1m < 500.0),
    );
    if let Some(r) = rows.last_mut() {
        r.shown = format!(
            "{:.0} ms, peak {:.0} MB (≈{:.0} MB at 1M)",
            replay_proc.ms,
            mb(replay_proc.rss_kb),
            rss_1m
        );
    }
    rows.push(
        Row::new("verify_process", "factledger", nn)
            .millis(verify_proc.ms)
            .with("rss_mb", json!(round3(mb(verify_proc.rss_kb)))),
    );
    if let Some(r) = rows.last_mut() {
        r.shown = format!(
            "{:.0} ms, peak {:.0} MB",
            verify_proc.ms,
            mb(verify_proc.rss_kb)
        );
    }

    // 2 (open) and 3 (in-library replay and verify).
    phase("in-library: Ledger::open (10 runs)");
    let wait = Some(Duration::from_secs(10));
    let mut opens = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let l = Ledger::open(&ledger, wait)?;
        opens.push(t.elapsed().as_secs_f64() * 1e3);
        drop(l);
    }
    rows.push(Row::new("open_library", "factledger", nn).latency(&mut opens));
    phase("in-library: projection::replay of the whole log");
    // Two runs each, the faster counts (the first warms sled's page cache, as the limits'
    // warm-up pass does for them); the first run is kept as first_run_per_second.
    let l = Ledger::open(&ledger, wait)?;
    let mut replay_runs = Vec::new();
    for _ in 0..2 {
        let t = Instant::now();
        let (tables, reached) = projection::replay(l.events(1), None, |_| {})?;
        replay_runs.push(secs(t.elapsed()));
        if reached != nn {
            return Err(format!("replay reached {reached}, expected {n}").into());
        }
        drop(tables);
    }
    phase("in-library: Ledger::replay_summary of the whole log");
    // What `factledger replay` runs: the digest and counts without holding the tables.
    let mut summary_runs = Vec::new();
    for _ in 0..2 {
        let t = Instant::now();
        let summary = l.replay_summary(None, |_| {})?;
        summary_runs.push(secs(t.elapsed()));
        if summary.reached != nn {
            return Err(format!("replay_summary reached {}, expected {n}", summary.reached).into());
        }
    }
    phase("in-library: log_check::verify_log of the whole log");
    let mut verify_runs = Vec::new();
    for _ in 0..2 {
        let t = Instant::now();
        let report = log_check::verify_log(&l, |_| {})?;
        verify_runs.push(secs(t.elapsed()));
        if let Some(p) = report.problem {
            return Err(format!("verify found a problem: {}", p.message).into());
        }
    }
    drop(l);
    let replay_s = replay_runs.iter().copied().fold(f64::MAX, f64::min);
    let summary_s = summary_runs.iter().copied().fold(f64::MAX, f64::min);
    let verify_s = verify_runs.iter().copied().fold(f64::MAX, f64::min);

    // 3 (limits). The sled events tree read directly.
    phase("limits: raw sled open, scan, scan+decode, hash");
    let t = Instant::now();
    let db = open_raw_sled(&store_dir)?;
    let sled_open_ms = t.elapsed().as_secs_f64() * 1e3;
    // Events are packed into blocks (`store::pack`); the limit splits each block into its
    // records, as any reader of this layout must.
    let tree = db.open_tree("blocks")?;
    let split = |v: &[u8]| -> Res<Vec<Vec<u8>>> {
        Ok(factledger::store::pack::block_records(v)?
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect())
    };
    let (mut scan_s, mut decode_s) = (f64::MAX, f64::MAX);
    let (mut scanned, mut decoded, mut raw_bytes) = (0u64, 0u64, 0u64);
    for _ in 0..2 {
        let t = Instant::now();
        (scanned, raw_bytes) = (0, 0);
        for kv in tree.iter() {
            let (_, v) = kv?;
            for r in factledger::store::pack::block_records(&v)? {
                raw_bytes += r.len() as u64;
                scanned += 1;
                std::hint::black_box(r.to_vec());
            }
        }
        scan_s = scan_s.min(secs(t.elapsed()));
        let t = Instant::now();
        decoded = 0;
        for kv in tree.iter() {
            let (_, v) = kv?;
            for r in factledger::store::pack::block_records(&v)? {
                let e = Event::from_record(r).map_err(|e| e.to_string())?;
                decoded += u64::from(e.seq > 0);
                std::hint::black_box(&e);
            }
        }
        decode_s = decode_s.min(secs(t.elapsed()));
    }
    let mut records: Vec<Vec<u8>> = Vec::with_capacity(n);
    for kv in tree.iter() {
        records.extend(split(&kv?.1)?);
    }
    let t = Instant::now();
    let mut acc = 0u8;
    for r in &records {
        acc ^= blake3::hash(r).as_bytes()[0];
    }
    std::hint::black_box(acc);
    let hash_s = secs(t.elapsed());
    drop(records);
    drop(tree);
    // Live keys per tree: what one event costs in sled inserts (overwrites not counted).
    // Live bytes (keys + values) are what sled holds; its file is that plus stale versions.
    let mut keys = Map::new();
    let (mut total_keys, mut live_bytes) = (0u64, 0u64);
    for name in db.tree_names() {
        let name = String::from_utf8_lossy(&name).into_owned();
        if name == "__sled__default" {
            continue;
        }
        let (mut count, mut bytes) = (0u64, 0u64);
        for kv in db.open_tree(&name)?.iter() {
            let (k, v) = kv?;
            count += 1;
            bytes += (k.len() + v.len()) as u64;
        }
        total_keys += count;
        live_bytes += bytes;
        keys.insert(name, json!({"keys": count, "live_bytes": bytes}));
    }
    drop(db);
    if scanned != nn || decoded != nn {
        return Err(
            format!("raw scan saw {scanned} records ({decoded} decoded), expected {n}").into(),
        );
    }
    let replay_rate = nn as f64 / replay_s;
    let decode_rate = nn as f64 / decode_s;
    let verify_rate = nn as f64 / verify_s;
    let verify_limit = nn as f64 / (decode_s + hash_s);
    let mut r = Row::new("replay", "factledger", nn)
        .rate(replay_rate)
        .with(
            "first_run_per_second",
            json!((nn as f64 / replay_runs[0]).round()),
        )
        .target("≥ 0.5× raw scan+decode", replay_rate / decode_rate >= 0.5);
    r.ratio_to_limit = Some(replay_rate / decode_rate);
    rows.push(r.with(
        "what",
        json!("projection::replay into in-memory tables (as-of views, rebuilds)"),
    ));
    let summary_rate = nn as f64 / summary_s;
    let mut r = Row::new("replay_summary", "factledger", nn)
        .rate(summary_rate)
        .with(
            "first_run_per_second",
            json!((nn as f64 / summary_runs[0]).round()),
        )
        .with(
            "what",
            json!("projection::replay_summary, what `factledger replay` runs"),
        )
        .target("≥ 0.5× raw scan+decode", summary_rate / decode_rate >= 0.5);
    r.ratio_to_limit = Some(summary_rate / decode_rate);
    rows.push(r);
    rows.push(
        Row::new("replay_limit", "limit", nn)
            .rate(decode_rate)
            .with(
                "what",
                json!("sled scan of tree blocks, split into records, Event::from_record"),
            ),
    );
    let mut r = Row::new("verify", "factledger", nn)
        .rate(verify_rate)
        .with(
            "first_run_per_second",
            json!((nn as f64 / verify_runs[0]).round()),
        )
        .target(
            "≥ 0.5× raw scan+decode+hash",
            verify_rate / verify_limit >= 0.5,
        );
    r.ratio_to_limit = Some(verify_rate / verify_limit);
    rows.push(r);
    rows.push(
        Row::new("verify_limit", "limit", nn)
            .rate(verify_limit)
            .with("what", json!("scan+decode time plus blake3-only time")),
    );
    rows.push(
        Row::new("scan_only", "limit", nn)
            .rate(nn as f64 / scan_s)
            .with(
                "what",
                json!("sled scan of tree blocks, records split and copied, no decode"),
            ),
    );
    rows.push(
        Row::new("hash_only", "limit", nn)
            .rate(nn as f64 / hash_s)
            .with("what", json!("blake3 of each record, from memory")),
    );
    rows.push(Row::new("sled_open", "limit", nn).millis(sled_open_ms));

    // 5. Disk per event.
    let ledger_net = ledger_bytes.saturating_sub(g.text_bytes);
    let disk_ratio = ledger_net as f64 / raw_bytes as f64;
    let mut r = Row::new("disk", "factledger", nn)
        .with(
            "bytes_per_event",
            json!(round3(ledger_net as f64 / nn as f64)),
        )
        .with("ledger_bytes", json!(ledger_bytes))
        .with("ledger_bytes_allocated", json!(ledger_alloc))
        .with("text_bytes", json!(g.text_bytes))
        .with("sled_keys", Json::Object(keys))
        .with(
            "sled_keys_per_event",
            json!(round3(total_keys as f64 / nn as f64)),
        )
        .with("sled_live_bytes", json!(live_bytes))
        .with(
            "file_to_live",
            json!(round3(ledger_bytes as f64 / live_bytes.max(1) as f64)),
        )
        .target("≤ 1.5× raw encoded", disk_ratio <= 1.5);
    r.ratio_to_limit = Some(disk_ratio);
    r.shown = format!(
        "{:.0} B/event ({:.1} MB on disk)",
        ledger_net as f64 / nn as f64,
        ledger_bytes as f64 / 1e6
    );
    rows.push(r);
    rows.push(peer_disk_row(
        "disk",
        peer_bytes,
        g.text_bytes,
        raw_bytes,
        nn,
    ));
    rows.push(peer_disk_row(
        "disk_with_read_indexes",
        peer_ix_bytes,
        g.text_bytes,
        raw_bytes,
        nn,
    ));
    let mut r = Row::new("disk_raw", "limit", nn)
        .with(
            "bytes_per_event",
            json!(round3(raw_bytes as f64 / nn as f64)),
        )
        .with("record_bytes", json!(raw_bytes));
    r.shown = format!(
        "{:.0} B/event (sum of record lengths)",
        raw_bytes as f64 / nn as f64
    );
    rows.push(r);

    // 2. Single durable appends.
    phase("append: in-library Ledger::append of one claim (200 runs)");
    let mut l = Ledger::open(&ledger, wait)?;
    let stamp = Stamp {
        author: "bench".into(),
        recorded_at: now_micros(),
        key: None,
    };
    let mut lib = Vec::new();
    for i in 0..200 {
        let obj = claim_json(&format!("bench-lib-{i}"), &g.late_source, &g.sample_subject);
        let Record::Claim(c) = parse_record(&obj, Path::new("."))? else {
            return Err("claim draft did not parse as a claim".into());
        };
        let draft = Draft {
            body: EventBody::ClaimAsserted(c),
            text: None,
        };
        let t = Instant::now();
        l.append(vec![draft], &stamp)?;
        lib.push(t.elapsed().as_secs_f64() * 1e3);
    }
    drop(l);
    phase("append: factledger add claim (process, 30 runs)");
    let mut procs = Vec::new();
    for i in 0..30 {
        let id = format!("bench-proc-{i}");
        let r = bin.run(
            &ledger,
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
    phase("append: one SQLite synchronous=FULL commit (200 runs)");
    let conn = peer_open(&peer_db)?;
    let (mut seq, last): (i64, Vec<u8>) = conn.query_row(
        "SELECT seq, record FROM events ORDER BY seq DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut prev = Event::from_record(&last).map_err(|e| e.to_string())?.hash;
    let mut sq = Vec::new();
    for i in 0..200 {
        let obj = claim_json(&format!("bench-sql-{i}"), &g.late_source, &g.sample_subject);
        let Record::Claim(c) = parse_record(&obj, Path::new("."))? else {
            return Err("claim draft did not parse as a claim".into());
        };
        let t = Instant::now();
        seq += 1;
        let e = Event::new(
            seq as u64,
            now_micros(),
            "bench".into(),
            prev,
            EventBody::ClaimAsserted(c),
        );
        prev = e.hash;
        conn.execute_batch("BEGIN")?;
        conn.prepare_cached("INSERT INTO events (seq, id, record) VALUES (?1, ?2, ?3)")?
            .execute(params![seq, e.body.id(), e.to_record()])?;
        for key in index_keys(&e.body) {
            conn.prepare_cached("INSERT INTO ids (key, seq, kind) VALUES (?1, ?2, ?3)")?
                .execute(params![key, seq, KIND_CLAIM])?;
        }
        conn.execute_batch("COMMIT")?;
        sq.push(t.elapsed().as_secs_f64() * 1e3);
    }
    drop(conn);
    let mut sq_sorted = sq.clone();
    sq_sorted.sort_by(f64::total_cmp);
    let sq_p50 = pct(&sq_sorted, 0.5);
    let mut lib_sorted = lib.clone();
    lib_sorted.sort_by(f64::total_cmp);
    let lib_ratio = pct(&lib_sorted, 0.5) / sq_p50;
    let mut proc_sorted = procs.clone();
    proc_sorted.sort_by(f64::total_cmp);
    let proc_p50 = pct(&proc_sorted, 0.5);
    rows.push(
        Row::new("append_process", "factledger", nn)
            .latency(&mut procs)
            .with("command", json!("add claim"))
            .target("p50 < 50 ms at 1M", proc_p50 < 50.0),
    );
    rows.push(
        Row::new("append_library", "factledger", nn)
            .latency(&mut lib)
            .target("p50 ≤ 2× SQLite commit", lib_ratio <= 2.0),
    );
    if let Some(r) = rows.last_mut() {
        r.ratio_to_peer = Some(lib_ratio);
    }
    rows.push(Row::new("append_commit", "sqlite", nn).latency(&mut sq));
    phase("append: the device floor, one 4 KiB write + fdatasync (200 runs)");
    let mut fsyncs = fsync_floor(&work.join("fsync-probe"), 200)?;
    rows.push(
        Row::new("fsync", "limit", nn)
            .latency(&mut fsyncs)
            .with("what", json!("append 4 KiB to a file, then fdatasync")),
    );

    // The PostgreSQL column, when asked for.
    #[cfg(feature = "postgres")]
    if let Some(url) = &opts.postgres {
        rows.extend(postgres::postgres_rows(
            &bin,
            url,
            opts.keep.is_some(),
            &g,
            nn,
        )?);
    }

    // Output.
    let load_end = load1();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let header = format!(
        "factledger bench: {n} events, commit {commit}, {}, {cpus} × {}, load {} → {}\n\
         input {:.1} MB: {} sources ({:.1} MB text), {} claims ({} corrections), {} retractions, {} subjects; \
         sample subject {} ({} claims), show {}, audit {}",
        started.format("%Y-%m-%d %H:%M UTC"),
        cpu_model(),
        load_start.map_or("?".into(), |l| format!("{l:.2}")),
        load_end.map_or("?".into(), |l| format!("{l:.2}")),
        g.input_bytes as f64 / 1e6,
        g.sources,
        g.text_bytes as f64 / 1e6,
        g.claims,
        g.corrections,
        g.retractions,
        g.subjects,
        g.sample_subject,
        g.sample_subject_claims,
        g.sample_claim,
        g.audit_claim,
    );
    let table = render_table(&header, &rows);
    if opts.json {
        eprint!("{table}");
        let meta = json!({
            "name": "run", "system": "meta", "events": nn, "commit": commit,
            "date": started.to_rfc3339(), "cpus": cpus, "cpu": cpu_model(),
            "load1_start": load_start, "load1_end": load_end,
            "input_bytes": g.input_bytes, "sources": g.sources, "claims": g.claims,
            "corrections": g.corrections, "retractions": g.retractions, "subjects": g.subjects,
            "text_bytes": g.text_bytes,
        });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{meta}")?;
        for r in &rows {
            writeln!(out, "{}", r.to_json())?;
        }
    } else {
        print!("{table}");
    }
    if opts.keep.is_some() {
        eprintln!("bench: kept {}", work.display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers of the measurements

/// (apparent bytes, allocated bytes) of every file under `dir`.
pub(crate) fn dir_size(dir: &Path) -> Res<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut total = (0, 0);
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = fs::symlink_metadata(entry.path())?;
        if meta.is_dir() {
            let (a, b) = dir_size(&entry.path())?;
            total.0 += a;
            total.1 += b;
        } else {
            total.0 += meta.len();
            total.1 += meta.blocks() * 512;
        }
    }
    Ok(total)
}

pub(crate) fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

pub(crate) fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// A claim draft as `add claim` would make it.
pub(crate) fn claim_json(id: &str, source: &str, subject: &str) -> Json {
    json!({"type": "claim", "id": id, "source": source, "subject": subject,
           "predicate": "date", "value": "Monday, 24 February 2025"})
}

/// Latencies (ms) of appending 4 KiB to a file and making it durable with fdatasync.
pub(crate) fn fsync_floor(path: &Path, runs: usize) -> Res<Vec<f64>> {
    let mut f = fs::File::create(path)?;
    let page = [0x5Au8; 4096];
    let mut out = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f.write_all(&page)?;
        f.sync_data()?;
        out.push(t.elapsed().as_secs_f64() * 1e3);
    }
    drop(f);
    fs::remove_file(path)?;
    Ok(out)
}

pub(crate) fn open_raw_sled(store: &Path) -> Res<sled::Db> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match factledger::store::sled_config(store).open() {
            Ok(db) => return Ok(db),
            Err(e) if Instant::now() < deadline && e.to_string().contains("lock") => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The disk row of a SQLite database of `db_bytes`, its archived texts (`text_bytes`) left out.
fn peer_disk_row(
    name: &'static str,
    db_bytes: u64,
    text_bytes: u64,
    raw_bytes: u64,
    nn: u64,
) -> Row {
    let net = db_bytes.saturating_sub(text_bytes);
    let mut r = Row::new(name, "sqlite", nn)
        .with("bytes_per_event", json!(round3(net as f64 / nn as f64)))
        .with("db_bytes", json!(db_bytes));
    r.ratio_to_limit = Some(net as f64 / raw_bytes as f64);
    r.shown = format!(
        "{:.0} B/event ({:.1} MB on disk)",
        net as f64 / nn as f64,
        db_bytes as f64 / 1e6
    );
    r
}
