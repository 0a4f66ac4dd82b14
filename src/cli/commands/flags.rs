//! `factledger flags`: every inconsistency the ledger raises, now or as of a point, most severe
//! first.

use crate::cli::render::{print_flag_group, print_flag_summary, print_json};
use crate::cli::{CliError, Context};
use factledger::desk::flags::{all_flags, flags, FlagGroup, FlagSummary, FlagsOptions};
use factledger::desk::AsOf;
use factledger::flags::{FlagCode, Severity};

/// Show inconsistency flags, most severe first: disagreeing sources, impossible weekdays,
/// anniversaries, tallies and outcomes, quotes missing from their sources, and broken source
/// chains (see docs/flags.md). Each flag has a severity (error, warning, info) and a stable id
/// that `factledger dismiss` takes; dismissed flags are hidden unless --dismissed.
///
/// Exit status: 0, also when flags are found; 1 with --fail-on when a flag at or above that
/// severity is listed (dismissed flags never count); 2 for bad options.
#[derive(Debug, clap::Args)]
pub struct FlagsArgs {
    /// The state after this seq, after the last event recorded at or before this RFC 3339 time,
    /// or at the end of this date (YYYY-MM-DD, UTC); dismissals too are as they were then.
    #[arg(long, value_name = "SEQ|RFC3339|DATE")]
    pub as_of: Option<String>,
    /// Only claims from sources published on or before this date (YYYY-MM-DD): what the
    /// coverage said then (sources without a published date are left out).
    #[arg(long, value_name = "DATE")]
    pub published_by: Option<String>,
    /// Only flags with this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub code: Vec<String>,
    /// Leave out flags with this code (repeatable).
    #[arg(long, value_name = "CODE")]
    pub exclude: Vec<String>,
    /// Only flags of this severity or a more severe one: error, warning or info.
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,
    /// Exit 1 when a flag listed (not dismissed) is of this severity or a more severe one.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// List dismissed flags too, each with its dismissal.
    #[arg(long)]
    pub dismissed: bool,
    /// Only flags about this subject (a claim subject, or a source id for citation flags).
    #[arg(long)]
    pub subject: Option<String>,
    /// Print CSV with a header row, for a spreadsheet (docs/interop.md).
    #[arg(long)]
    pub csv: bool,
}

fn codes(option: &str, given: &[String]) -> Result<Vec<FlagCode>, CliError> {
    given
        .iter()
        .map(|c| c.parse::<FlagCode>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(format!("{option} {e}")))
}

fn severity(option: &str, given: Option<&str>) -> Result<Option<Severity>, CliError> {
    given
        .map(str::parse::<Severity>)
        .transpose()
        .map_err(|e| CliError::usage(format!("{option} {e}")))
}

/// The `--fail-on` failure, when the listing reached it.
fn failure(summary: &FlagSummary, fail_on: Option<Severity>) -> Option<CliError> {
    let floor = fail_on?;
    if !summary.reaches(floor) {
        return None;
    }
    let n: usize = summary
        .severities
        .iter()
        .filter(|(s, _)| s.at_least(floor))
        .map(|(_, n)| n)
        .sum();
    Some(CliError::check(format!(
        "{n} flag{} at or above severity {floor} (--fail-on {floor})",
        if n == 1 { "" } else { "s" }
    )))
}

pub fn run(ctx: &Context, args: &FlagsArgs) -> Result<(), CliError> {
    let as_of = args.as_of.as_deref().map(str::parse::<AsOf>).transpose()?;
    let options = FlagsOptions {
        as_of,
        codes: codes("--code", &args.code)?,
        exclude: codes("--exclude", &args.exclude)?,
        min_severity: severity("--min-severity", args.min_severity.as_deref())?,
        dismissed: args.dismissed,
        subject: args.subject.clone(),
        published_by: crate::cli::time::published_by(args.published_by.as_deref())?,
    };
    let fail_on = severity("--fail-on", args.fail_on.as_deref())?;
    if args.csv && ctx.json() {
        return Err(CliError::usage("--csv and --json: give one".to_string()));
    }
    if let Some(remote) = crate::cli::remote::Remote::of(ctx)? {
        return remote_flags(ctx, &remote, args, fail_on);
    }
    let ledger = ctx.open()?;
    if crate::cli::time::said_empty(ctx, &ledger, options.as_of.as_ref(), "[]")? {
        return Ok(());
    }
    if ctx.json() {
        let listed = all_flags(&ledger, &options)?;
        let failing = fail_on.is_some_and(|floor| {
            listed
                .iter()
                .any(|l| l.dismissed.is_none() && l.flag.severity().at_least(floor))
        });
        if failing {
            let mut summary = FlagSummary::default();
            for l in listed.iter().filter(|l| l.dismissed.is_none()) {
                *summary.severities.entry(l.flag.severity()).or_default() += 1;
            }
            let e = failure(&summary, fail_on).expect("a listed flag reaches --fail-on");
            return Err(e.with_json(serde_json::to_value(&listed)?));
        }
        return print_json(&listed);
    }
    if args.csv {
        crate::cli::render::print_flag_csv_header()?;
        flags(&ledger, &options, &mut crate::cli::render::print_flag_csv)?;
        return Ok(());
    }
    // Printed as they come: a whole large ledger has millions.
    let summary = flags(&ledger, &options, &mut print_flag_group)?;
    print_flag_summary(&summary, args.dismissed)?;
    match failure(&summary, fail_on) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `flags --help`'s closing text: examples, then every code with its summary, from the registry.
pub fn codes_help() -> String {
    let mut help = String::from(
        "Examples:\n  factledger flags\n  factledger flags --subject S/RES/2774 --code weekday-mismatch\n\nCodes (docs/flags.md):\n",
    );
    for code in FlagCode::all() {
        help.push_str(&format!(
            "  {:<26} {}\n",
            code.as_str(),
            code.rule().summary
        ));
    }
    help
}

/// `flags` against a desk server (`--remote`): the same listing, read from `GET /api/v1/flags`.
fn remote_flags(
    ctx: &Context,
    remote: &crate::cli::remote::Remote,
    args: &FlagsArgs,
    fail_on: Option<Severity>,
) -> Result<(), CliError> {
    let list = |v: &[String]| (!v.is_empty()).then(|| v.join(","));
    let query = [
        ("subject", args.subject.clone()),
        ("code", list(&args.code)),
        ("exclude", list(&args.exclude)),
        ("min_severity", args.min_severity.clone()),
        ("as_of", args.as_of.clone()),
        ("published_by", args.published_by.clone()),
        ("dismissed", args.dismissed.then(|| "true".to_string())),
    ];
    let answer = remote.get("/api/v1/flags", &query)?;
    let mut summary = FlagSummary::default();
    let mut listed = Vec::new();
    for v in answer.as_array().into_iter().flatten() {
        let l = crate::cli::remote::listed_flag(v)?;
        if l.dismissed.is_some() {
            summary.dismissed += 1;
        } else {
            *summary.counts.entry(l.flag.code).or_default() += 1;
            *summary.severities.entry(l.flag.severity()).or_default() += 1;
            summary.total += 1;
        }
        listed.push(l);
    }
    if ctx.json() {
        print_json(&answer)?;
    } else if args.csv {
        crate::cli::render::print_flag_csv_header()?;
        for l in listed {
            crate::cli::render::print_flag_csv(&FlagGroup { flags: vec![l] })?;
        }
    } else {
        for l in listed {
            print_flag_group(&FlagGroup { flags: vec![l] })?;
        }
        print_flag_summary(&summary, args.dismissed)?;
    }
    match failure(&summary, fail_on) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
