//! Measures `extract` on about 1 MB of text: the corpus texts repeated, plus 1 MB of hostile
//! input (one unclosed quote, digits and dashes, member names without verbs). Run in release:
//! `cargo run --release --example extract_speed`. Figures are in docs/extract.md.

use factledger::intake::extract::{extract, ExtractOptions};
use factledger::model::date::StatedDate;
use std::time::Instant;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract");
    let mut corpus = String::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    for p in names {
        corpus.push_str(&std::fs::read_to_string(p).expect("text"));
        corpus.push_str("\n\n");
    }
    let mut reporting = String::new();
    while reporting.len() < 1_000_000 {
        reporting.push_str(&corpus);
    }
    let hostile = [
        "\u{201c}".to_string() + &"word said Ms. Doe ".repeat(60_000),
        "93-18-65-".repeat(110_000),
        "Russia, China, France, the UK, ".repeat(33_000),
        "1 in favour, ".repeat(80_000),
    ];
    let opts = ExtractOptions {
        source: "speed".into(),
        published: StatedDate::parse("2025-02-26").ok(),
        default_subject: None,
    };
    for (label, text) in
        std::iter::once(("reporting", &reporting)).chain(hostile.iter().map(|h| ("hostile", h)))
    {
        let start = Instant::now();
        let n = extract(text, &opts).len();
        let took = start.elapsed();
        println!(
            "{label:<10} {:>9} bytes {:>6} candidates {:>8.1} ms",
            text.len(),
            n,
            took.as_secs_f64() * 1000.0
        );
    }
}
