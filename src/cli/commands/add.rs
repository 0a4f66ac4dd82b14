//! `factledger add source|claim`: one record at a time, with flags mirroring the import fields.
//! The flags are turned into the same JSON record an import line would be, so both paths share
//! one validator and one set of messages.

use crate::cli::commands::import::{apply, report};
use crate::cli::{CliError, Context};
use factledger::import::{parse_json, parse_record};
use serde_json::{json, Map, Value as Json};
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum AddCommand {
    /// Register a source.
    Source(SourceArgs),
    /// Assert a claim from a source.
    Claim(ClaimArgs),
}

/// Register a source (fields as in the import format).
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Unique id (letters, digits, . _ : -).
    #[arg(long)]
    pub id: String,
    /// primary or secondary (default secondary).
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub publisher: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub url: Option<String>,
    /// Publication date (2025-02-24, 24 February 2025, …).
    #[arg(long)]
    pub published: Option<String>,
    /// A source this one cites (repeat, or separate with commas).
    #[arg(long, value_delimiter = ',')]
    pub cites: Vec<String>,
    /// The archived text.
    #[arg(long, conflicts_with = "text_file")]
    pub text: Option<String>,
    /// A file holding the archived text.
    #[arg(long)]
    pub text_file: Option<String>,
}

/// Assert a claim (fields as in the import format).
#[derive(Debug, clap::Args)]
pub struct ClaimArgs {
    /// Unique id (letters, digits, . _ : -).
    #[arg(long)]
    pub id: String,
    /// Id of the source the claim comes from.
    #[arg(long)]
    pub source: String,
    #[arg(long)]
    pub subject: String,
    /// date, anniversary, tally, outcome, vote:<member>, quote, or any other name.
    #[arg(long)]
    pub predicate: String,
    /// The value: text, or JSON for structured predicates (tally, anniversary, quote).
    #[arg(long, allow_hyphen_values = true)]
    pub value: String,
    /// Id of the claim this one corrects.
    #[arg(long)]
    pub supersedes: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

fn put(map: &mut Map<String, Json>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        map.insert(key.into(), json!(v));
    }
}

pub fn run(ctx: &Context, cmd: &AddCommand) -> Result<(), CliError> {
    let mut map = Map::new();
    match cmd {
        AddCommand::Source(a) => {
            map.insert("type".into(), json!("source"));
            map.insert("id".into(), json!(a.id));
            put(&mut map, "kind", &a.kind);
            put(&mut map, "publisher", &a.publisher);
            put(&mut map, "title", &a.title);
            put(&mut map, "url", &a.url);
            put(&mut map, "published", &a.published);
            if !a.cites.is_empty() {
                map.insert("cites".into(), json!(a.cites));
            }
            put(&mut map, "text", &a.text);
            put(&mut map, "text_file", &a.text_file);
        }
        AddCommand::Claim(a) => {
            map.insert("type".into(), json!("claim"));
            map.insert("id".into(), json!(a.id));
            map.insert("source".into(), json!(a.source));
            map.insert("subject".into(), json!(a.subject));
            map.insert("predicate".into(), json!(a.predicate));
            // Structured values arrive as JSON objects; anything else is the text as given. An
            // object is read as strictly as an import line (no repeated keys, exact numbers).
            let value = match serde_json::from_str::<Json>(&a.value) {
                Ok(Json::Object(_)) => parse_json(&a.value).map_err(|m| {
                    CliError::usage(format!(
                        "<arguments>: claim field 'value': {m}; nothing was appended"
                    ))
                })?,
                _ => json!(a.value),
            };
            map.insert("value".into(), value);
            put(&mut map, "supersedes", &a.supersedes);
            put(&mut map, "note", &a.note);
        }
    }
    add_record(ctx, Json::Object(map))
}

/// Validates and appends one record given on the command line. A `--text-file` must resolve to a
/// file under the working directory, as for `import -`.
pub fn add_record(ctx: &Context, obj: Json) -> Result<(), CliError> {
    let label = "<arguments>";
    let record = parse_record(&obj, Path::new("."))
        .map_err(|m| CliError::usage(format!("{label}: {m}; nothing was appended")))?;
    let mut ledger = ctx.open()?;
    let applied = apply(ctx, &mut ledger, label, vec![(0, record)])?;
    report(ctx, &mut ledger, label, &applied)
}
