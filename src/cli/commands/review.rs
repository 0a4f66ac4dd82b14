//! `factledger review CLAIM --rating NAME --explanation …`: record the desk's verdict on a claim;
//! `factledger scale declare|list`: the rating scales verdicts are given on.

use crate::cli::input::{durability, print_append, refused};
use crate::cli::render::print_json;
use crate::cli::{CliError, Context};
use factledger::desk::review::{declare_scale, review, ReviewInput};
use factledger::desk::reviews::scales;
use factledger::terminal::esc;

/// Record a verdict on a claim: a rating on a scale, with an explanation. A later review of the
/// same claim supersedes this one; both stay in the log.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// Id of the claim reviewed.
    pub claim: String,
    /// The rating: a step of the scale, by name (`true`, `mostly false`, `misleading`…).
    #[arg(long)]
    pub rating: String,
    /// A short explanation of the verdict.
    #[arg(long)]
    pub explanation: String,
    /// Where the fact-check is published.
    #[arg(long)]
    pub url: Option<String>,
    /// The scale the rating is on (default: the built-in `default`).
    #[arg(long)]
    pub scale: Option<String>,
    /// When the fact-check was published, as written (default: not stated).
    #[arg(long)]
    pub reviewed: Option<String>,
    /// Another organisation whose verdict this is (default: this desk's own).
    #[arg(long)]
    pub organisation: Option<String>,
}

pub fn run(ctx: &Context, args: &ReviewArgs) -> Result<(), CliError> {
    let mut ledger = ctx.open()?;
    let stamp = ctx.stamp_for(&ledger)?;
    let input = ReviewInput {
        label: "<arguments>",
        claim: &args.claim,
        rating: &args.rating,
        explanation: &args.explanation,
        url: args.url.as_deref(),
        scale: args.scale.as_deref(),
        reviewed: args.reviewed.as_deref(),
        organisation: args.organisation.as_deref(),
        durability: durability(),
    };
    let report = review(&mut ledger, input, &stamp).map_err(refused)?;
    print_append(ctx, &mut ledger, &report)
}

/// Rating scales: declare one, or list them.
#[derive(Debug, clap::Subcommand)]
pub enum ScaleCommand {
    /// Declare a rating scale, best step first: `--step true=5 --step false=1`. Declared again,
    /// a scale may add steps but keeps every step it had.
    #[command(
        after_help = "Examples:\n  factledger scale declare meter --step true=6 --step 'half true'=3 --step 'pants on fire'=0"
    )]
    Declare(ScaleDeclareArgs),
    /// List the scales: the built-in `default` and the declared ones.
    #[command(after_help = "Examples:\n  factledger scale list\n  factledger scale list --json")]
    List,
}

/// Arguments of `scale declare`.
#[derive(Debug, clap::Args)]
pub struct ScaleDeclareArgs {
    /// The scale's name.
    pub name: String,
    /// A step, `NAME=NUMBER` (repeat, best first).
    #[arg(long = "step", value_name = "NAME=NUMBER", required = true)]
    pub steps: Vec<String>,
}

pub fn run_scale(ctx: &Context, cmd: &ScaleCommand) -> Result<(), CliError> {
    match cmd {
        ScaleCommand::Declare(args) => {
            let mut steps = Vec::new();
            for (i, s) in args.steps.iter().enumerate() {
                let parsed = s
                    .rsplit_once('=')
                    .and_then(|(n, v)| Some((n.trim().to_string(), v.trim().parse::<i64>().ok()?)));
                match parsed {
                    Some(step) => steps.push(step),
                    None => {
                        return Err(CliError::usage(format!(
                            "--step {} ('{}'): expected NAME=NUMBER, a whole number (true=5)",
                            i + 1,
                            s.escape_debug()
                        )))
                    }
                }
            }
            let mut ledger = ctx.open()?;
            let stamp = ctx.stamp_for(&ledger)?;
            let report = declare_scale(
                &mut ledger,
                "<arguments>",
                &args.name,
                &steps,
                &stamp,
                durability(),
            )
            .map_err(refused)?;
            print_append(ctx, &mut ledger, &report)
        }
        ScaleCommand::List => {
            let ledger = ctx.open()?;
            let rows = scales(&ledger)?;
            if ctx.json() {
                return print_json(&rows);
            }
            for s in rows {
                let steps: Vec<String> = s
                    .steps
                    .iter()
                    .map(|st| format!("{} {}", esc(&st.name), st.value))
                    .collect();
                let when = if s.seq == 0 {
                    "built in".to_string()
                } else {
                    format!("seq {}", s.seq)
                };
                out!("{} ({when}): {}", esc(&s.name), steps.join(", "))?;
            }
            Ok(())
        }
    }
}
