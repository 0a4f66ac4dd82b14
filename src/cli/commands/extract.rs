//! `factledger extract [ARTICLE] --source ID`: candidate claims as import lines; nothing appended.

use crate::cli::input::read_input;
use crate::cli::render::{print_json, print_json_line};
use crate::cli::{CliError, Context};
use factledger::desk::extract::{extract_source, extract_text, ExtractRequest, Extraction};
use factledger::terminal::esc;
use std::io::Write;
use std::path::PathBuf;

/// Read an article and print candidate claims in the import format, one per line, for a person
/// to review and import (docs/extract.md). Nothing is appended. A summary (candidates per
/// predicate, guessed subjects) goes to stderr; with --json, one JSON document on stdout.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// A plain UTF-8 text file, or - for standard input. Omitted: the archived text of --source
    /// in the ledger.
    #[arg(value_name = "ARTICLE")]
    pub article: Option<PathBuf>,
    /// Id of the source the candidates cite (and, without ARTICLE, whose archived text is read).
    #[arg(long, value_name = "ID")]
    pub source: String,
    /// Publication date relative dates ("on Monday", "yesterday") are read against; default for
    /// a ledger source: its own publication date.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Subject for candidates whose text names none (otherwise a marked guess).
    #[arg(long, value_name = "S")]
    pub subject: Option<String>,
    /// Read the archived text of --source from the ledger (the default without ARTICLE).
    #[arg(long, conflicts_with = "article")]
    pub from_ledger: bool,
}

pub fn run(ctx: &Context, args: &ExtractArgs) -> Result<(), CliError> {
    let request = ExtractRequest {
        source: args.source.clone(),
        published: args.published.clone(),
        subject: args.subject.clone(),
    };
    let extraction = match &args.article {
        Some(path) if !args.from_ledger => {
            let input = read_input(path)?;
            extract_text(&input.bytes, &input.label, &request)?
        }
        _ => {
            let ledger = ctx.open()?;
            extract_source(&ledger, &request)?
        }
    };
    if ctx.json() {
        return print_json(&extraction);
    }
    for line in extraction.import_lines() {
        print_json_line(line)?;
    }
    if !ctx.global.quiet {
        summary(&extraction);
    }
    Ok(())
}

/// The human summary on stderr: counts per predicate family, and each guessed subject.
fn summary(x: &Extraction) {
    let mut err = std::io::stderr().lock();
    let counts: Vec<String> = x.counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        err,
        "{}: {} candidates for source {} ({}); nothing appended",
        esc(&x.text),
        x.candidates.len(),
        esc(&x.source),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        }
    );
    if let Some(p) = &x.published {
        let _ = writeln!(err, "relative dates read against {}", esc(p));
    }
    for c in x.candidates.iter().filter(|c| c.subject_guessed) {
        let _ = writeln!(
            err,
            "  guessed subject  line {:>4}  {}  {}: {}",
            c.line,
            esc(&c.id),
            esc(&c.predicate),
            esc(&c.subject)
        );
    }
    if x.guessed_subjects > 0 {
        let _ = writeln!(
            err,
            "review: replace guessed subjects, drop what is wrong, then `factledger import FILE`"
        );
    }
}
