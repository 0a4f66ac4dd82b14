//! Shared support for the CLI test binaries that work on the UN-votes fixture ledger: a temporary
//! ledger directory, the binary run on it with a fixed clock and author, and the fixture ledger
//! built once per test binary and copied into each test.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use crate::common::TestEnv;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use crate::common::NOW;
/// When `ledger.jsonl` (seq 1–43) was imported.
pub const LEDGER_AT: &str = "2025-02-25T10:00:00Z";
/// When `provenance.jsonl` (seq 44–54) was imported.
pub const PROVENANCE_AT: &str = "2025-02-25T11:00:00Z";

/// The strings of a JSON array.
pub fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect()
}

/// (subject, code, predicate, claims) of one flag of `flags --json`.
pub fn flag_fields(f: &Json) -> (String, String, String, Vec<String>) {
    (
        f["subject"].as_str().expect("subject").to_string(),
        f["code"].as_str().expect("code").to_string(),
        f["predicate"].as_str().expect("predicate").to_string(),
        strings(&f["claims"]),
    )
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/un-votes")
}

/// The test environment, with a ledger at `ledger/`; `NOW` is also the time of the corrections
/// import.
pub type Env = TestEnv;

/// A ledger with the three fixture imports, built once per test binary and kept in memory (its
/// files, and the digest `replay` reports for it), so each test gets its own copy cheaply.
pub struct Snapshot {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub digest: String,
}

pub fn fixture_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let env = Env::empty();
        env.ok(&["init"]);
        let fixtures = fixtures_dir();
        for (file, at) in [
            ("ledger.jsonl", LEDGER_AT),
            ("provenance.jsonl", PROVENANCE_AT),
            ("corrections.jsonl", NOW),
        ] {
            env.cmd()
                .env("FACTLEDGER_NOW", at)
                .arg("import")
                .arg(fixtures.join(file))
                .assert()
                .success();
        }
        let digest = env.json(&["replay"])["digest"]
            .as_str()
            .expect("digest")
            .to_string();
        let mut files = Vec::new();
        collect_files(&env.ledger(), Path::new(""), &mut files);
        assert!(!files.is_empty());
        Snapshot { files, digest }
    })
}

pub fn collect_files(root: &Path, rel: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(root.join(rel)).expect("read_dir") {
        let entry = entry.expect("entry");
        let rel = rel.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            collect_files(root, &rel, out);
        } else {
            out.push((rel.clone(), std::fs::read(root.join(&rel)).expect("read")));
        }
    }
}

impl TestEnv {
    pub fn empty() -> Env {
        TestEnv::new()
    }

    /// A copy of the fixture ledger (seq 1–43 at LEDGER_AT, 44–54 at PROVENANCE_AT, 55–57 at NOW).
    pub fn fixtures() -> Env {
        let env = Env::empty();
        for (rel, bytes) in &fixture_snapshot().files {
            let path = env.ledger().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, bytes).expect("write");
        }
        env
    }

    pub fn import(&self, lines: &[Json]) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let path = self.write("input.jsonl", text);
        self.cmd().arg("import").arg(&path).assert().success();
    }
}
