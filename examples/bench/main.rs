//! The factledger benchmark: one run measures factledger side by side with a SQLite peer (what a
//! competent engineer would build instead) and with the limits beneath it (raw sled scan, raw
//! decode, raw hashing). See `docs/performance.md` for the targets and the latest results.
//!
//! ```text
//! cargo run --release --example bench -- --events 100000 [--json] [--keep DIR]
//! ```
//!
//! The bench runs the `factledger` binary as a whole process for everything a user waits for.
//! It finds it in `$FACTLEDGER_BIN`, or else builds it itself (`cargo build --release --bin
//! factledger`, a no-op when it is up to date) next to this example in the same target directory.
//!
//! Phases (progress on stderr): generate a realistic JSON Lines file; bulk import (factledger
//! process vs SQLite peer); disk use; process floor and reads; replay and verify (processes for
//! peak RSS, in-library for throughput, against raw scan/decode/hash limits); single durable
//! appends (process, in-library, one SQLite `synchronous=FULL` commit).
//!
//! Nothing here runs under `cargo test`: examples are only built there.

use factledger::intake::import::{lines, parse_line, parse_record, Record};
use factledger::integrity::log_check;
use factledger::ledger::{index_keys, Draft, Stamp};
use factledger::model::event::{Event, EventBody};
use factledger::{projection, Ledger};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value as Json};
use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod generator;
mod measure;
mod peer;
#[cfg(feature = "postgres")]
mod postgres;
mod process;
mod report;
#[path = "../../tests/common/reporting.rs"]
mod reporting;

use generator::*;
use measure::run;
use peer::*;
use process::*;
use report::*;
use reporting::{date_form, vote_words, DATE_FORMS, MEMBERS};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

// ---------------------------------------------------------------------------------------------
// Options

pub(crate) struct Opts {
    pub(crate) events: usize,
    pub(crate) json: bool,
    pub(crate) keep: Option<PathBuf>,
    pub(crate) seed: u64,
    /// `--postgres URL`: add the PostgreSQL column (a build with `--features postgres`).
    pub(crate) postgres: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo run --release --example bench -- --events N [--json] [--keep DIR] [--seed S]\n\
         \n  --events N   records in the generated import file (default 10000)\n  \
         --json       one JSON object per measurement on stdout (the table goes to stderr)\n  \
         --keep DIR   work in DIR (created; left in place) instead of a temporary directory\n  \
         --seed S     generator seed (default 1)\n  \
         --postgres URL  also measure a ledger in PostgreSQL (postgres://USER@HOST:PORT/DB; the\n               \
         bench makes and drops its own schema; needs --features postgres)\n\
         \nFACTLEDGER_BIN=path uses that binary instead of building target/release/factledger."
    );
    std::process::exit(2)
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        events: 10_000,
        json: false,
        keep: None,
        seed: 1,
        postgres: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--events" => {
                let v = args.next().unwrap_or_else(|| usage());
                o.events = v.replace('_', "").parse().unwrap_or_else(|_| usage());
            }
            "--seed" => {
                o.seed = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--json" => o.json = true,
            "--postgres" => o.postgres = Some(args.next().unwrap_or_else(|| usage())),
            "--keep" => o.keep = Some(args.next().unwrap_or_else(|| usage()).into()),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if o.postgres.is_some() && !cfg!(feature = "postgres") {
        eprintln!("bench: --postgres needs a build with --features postgres");
        std::process::exit(2);
    }
    if o.events < 100 {
        eprintln!("bench: --events must be at least 100");
        std::process::exit(2);
    }
    o
}

pub(crate) fn phase(msg: &str) {
    eprintln!("bench: [{}] {msg}", load1_text());
}

fn main() {
    let opts = parse_opts();
    if let Err(e) = run(&opts) {
        eprintln!("bench: error: {e}");
        std::process::exit(1);
    }
}
