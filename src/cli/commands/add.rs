//! `factledger add source|claim`: one record at a time, with flags mirroring the import fields.
//! The flags are turned into the same JSON record an import line would be, so both paths share
//! one validator and one set of messages.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::{CliError, Context};
use factledger::desk::add::{add, AddInput, NewClaim, NewRecord, NewSource};
use factledger::terminal::esc;
use std::path::Path;

#[derive(Debug, clap::Subcommand)]
pub enum AddCommand {
    /// Register a source.
    #[command(
        after_help = "Examples:\n  factledger add source --id un-record --kind primary --title 'Voting record' --text-file record.txt\n  factledger add source --id daily --publisher 'The Daily' --cites wire"
    )]
    Source(SourceArgs),
    /// Assert a claim from a source.
    #[command(
        after_help = "Examples:\n  factledger add claim --source un-record --subject S/RES/2774 --predicate tally --value 'UNSC 10-0-5'\n  factledger add claim --id wire-date --source wire --subject S/RES/2774 --predicate date --value 'Monday, February 24, 2025'"
    )]
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
    /// Who published it (free text).
    #[arg(long)]
    pub publisher: Option<String>,
    /// Its title (free text).
    #[arg(long)]
    pub title: Option<String>,
    /// Where it was found.
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
    /// Unique id (letters, digits, . _ : -); without it, one is made from the source and
    /// predicate (reuters-date, reuters-date-2, …) and printed.
    #[arg(long)]
    pub id: Option<String>,
    /// Id of the source the claim comes from.
    #[arg(long)]
    pub source: String,
    /// What the claim is about (S/RES/2774, A/RES/ES-11/7, …).
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
    /// A note for the desk (free text).
    #[arg(long)]
    pub note: Option<String>,
    /// Who made the statement, when not the source itself (a spokesperson, a minister).
    #[arg(long)]
    pub claimant: Option<String>,
    /// The verbatim words of the source's archived text that support the claim; checked
    /// against the text (flag excerpt-not-in-source).
    #[arg(long, allow_hyphen_values = true)]
    pub excerpt: Option<String>,
}

pub fn run(ctx: &Context, cmd: &AddCommand) -> Result<(), CliError> {
    let record = match cmd {
        AddCommand::Source(a) => NewRecord::Source(NewSource {
            cites: a.cites.clone(),
            id: a.id.clone(),
            kind: a.kind.clone(),
            published: a.published.clone(),
            publisher: a.publisher.clone(),
            text: a.text.clone(),
            text_file: a.text_file.clone(),
            title: a.title.clone(),
            url: a.url.clone(),
        }),
        AddCommand::Claim(a) => NewRecord::Claim(NewClaim {
            claimant: a.claimant.clone(),
            excerpt: a.excerpt.clone(),
            id: a.id.clone(),
            note: a.note.clone(),
            predicate: a.predicate.clone(),
            source: a.source.clone(),
            subject: a.subject.clone(),
            supersedes: a.supersedes.clone(),
            value: a.value.clone(),
        }),
    };
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        let (path, body) = remote_body(&record)?;
        let mut report = remote.send_labelled("POST", path, &body, "<arguments>")?;
        report["file"] = "<arguments>".into();
        return crate::cli::remote::print_append(ctx, &report);
    }
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    // A --text-file must resolve to a file under the working directory, as for `import -`.
    let input = AddInput {
        label: "<arguments>",
        base: Path::new("."),
        record,
        durability: durability(),
    };
    let generated = matches!(cmd, AddCommand::Claim(a) if a.id.is_none());
    let report = add(&mut ledger, input, &stamp).map_err(refused)?;
    if generated && !ctx.json() {
        if let Some(id) = &report.id {
            out!("claim id: {}", esc(id))?;
        }
    }
    print_append(ctx, &mut ledger, &report)
}

/// The route and JSON body of a record sent to a desk server: the import line's fields. A
/// --text-file is read here and sent as text (the server never reads its own files); a value
/// that is a JSON object or number is sent as written, so the server reads it as strictly as an
/// import line (repeated keys, inexact numbers), as `add` does locally.
fn remote_body(record: &NewRecord) -> Result<(&'static str, String), CliError> {
    match record {
        NewRecord::Source(s) => {
            let mut s = s.clone();
            if let Some(f) = s.text_file.take() {
                s.text = Some(crate::cli::input::read_text(Path::new(&f))?);
            }
            Ok(("/api/v1/sources", serde_json::to_string(&s)?))
        }
        NewRecord::Claim(c) => {
            let fields = serde_json::to_string(c)?;
            let value = match serde_json::from_str::<serde_json::Value>(&c.value) {
                Ok(serde_json::Value::Object(_) | serde_json::Value::Number(_)) => c.value.clone(),
                _ => serde_json::to_string(&c.value)?,
            };
            // `fields` is a JSON object (NewClaim skips its value): add the value as written.
            let body = format!("{},\"value\":{value}}}", &fields[..fields.len() - 1]);
            Ok(("/api/v1/claims", body))
        }
    }
}
