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

use factledger::date::{month_name, weekday_name};
use factledger::event::{Event, EventBody};
use factledger::import::{lines, parse_line, parse_record, Record};
use factledger::ledger::{index_keys, Draft, Stamp};
use factledger::{chain, projection, Ledger};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value as Json};
use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

// ---------------------------------------------------------------------------------------------
// Options

struct Opts {
    events: usize,
    json: bool,
    keep: Option<PathBuf>,
    seed: u64,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo run --release --example bench -- --events N [--json] [--keep DIR] [--seed S]\n\
         \n  --events N   records in the generated import file (default 10000)\n  \
         --json       one JSON object per measurement on stdout (the table goes to stderr)\n  \
         --keep DIR   work in DIR (created; left in place) instead of a temporary directory\n  \
         --seed S     generator seed (default 1)\n\
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
            "--keep" => o.keep = Some(args.next().unwrap_or_else(|| usage()).into()),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if o.events < 100 {
        eprintln!("bench: --events must be at least 100");
        std::process::exit(2);
    }
    o
}

fn phase(msg: &str) {
    eprintln!("bench: [{}] {msg}", load1_text());
}

// ---------------------------------------------------------------------------------------------
// A tiny seeded RNG (xorshift64*), so the data is the same on every machine.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// True with probability `per_mille`/1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Data: what UN-vote reporting looks like (see fixtures/un-votes/).

const WORDS: &str = "the council assembly resolution member states vote voted draft text \
    delegation delegate representative ambassador secretary general security general session \
    meeting plenary adopted rejected vetoed abstained favour against peace ceasefire humanitarian \
    access aid civilians conflict invasion sovereignty territorial integrity charter law \
    international obligations negotiations sponsors amendment paragraph operative preambular \
    demands calls upon urges condemns welcomes expresses concern deep regret support process \
    political settlement dialogue parties region stability security withdrawal forces troops \
    monitoring mission mandate renewal extension report briefing statement explanation position \
    consensus majority minority recorded tally outcome emergency special anniversary war crisis \
    people lives rights protection refugees displaced reconstruction sanctions measures committee \
    panel experts implementation compliance violation breach commitment agreement framework \
    path future shared responsibility collective action urgent immediate lasting just \
    comprehensive durable sustainable we they our their this that these those it is was were \
    has have had will would should must can could may not only also and but or yet so for with \
    without within between among after before during since until while because although however \
    therefore today yesterday week month year day";

const SPEAKERS: &[&str] = &[
    "Rosemary DiCarlo",
    "António Guterres",
    "Linda Thomas-Greenfield",
    "Vassily Nebenzia",
    "Barbara Woodward",
    "Fu Cong",
    "Nicolas de Rivière",
    "Sergiy Kyslytsya",
    "Dorothy Shea",
    "Philemon Yang",
    "Martin Griffiths",
    "Tom Fletcher",
];

const PUBLISHERS: &[&str] = &[
    "United Nations",
    "UN Meetings Coverage",
    "Fixture Wire",
    "The Daily Fixture",
    "The Evening Fixture",
    "Global Desk",
    "Capital Observer",
    "Harbour Times",
    "Morning Ledger",
    "Northern Post",
];

/// Member names as reporters write them; the first five are the permanent members; the
/// first fifteen sit on the Security Council in this data.
const MEMBERS: &[&[&str]] = &[
    &[
        "United States",
        "US",
        "U.S.",
        "USA",
        "United States of America",
        "America",
    ],
    &["Russia", "Russian Federation", "The Russian Federation"],
    &["United Kingdom", "UK", "U.K.", "Britain", "Great Britain"],
    &["China", "PRC", "People's Republic of China"],
    &["France", "French Republic"],
    &["Algeria"],
    &["Denmark"],
    &["Greece"],
    &["Guyana"],
    &["Pakistan"],
    &["Panama"],
    &["South Korea", "Republic of Korea", "Korea"],
    &["Sierra Leone"],
    &["Slovenia"],
    &["Somalia"],
    &["Ukraine"],
    &["Belarus"],
    &["North Korea", "DPRK"],
    &["Iran"],
    &["Syria"],
    &["Venezuela"],
    &["Vietnam", "Viet Nam"],
    &["Türkiye", "Turkey", "Turkiye"],
    &["Côte d'Ivoire", "Ivory Coast"],
    &["Hungary"],
    &["Israel"],
    &["Nicaragua"],
    &["Sudan"],
    &["Mali"],
    &["Niger"],
    &["Germany"],
    &["Japan"],
    &["India"],
    &["Brazil"],
    &["Czechia", "Czech Republic"],
    &["Moldova"],
];

/// A calendar date (days 1–28 only, so anniversaries always exist).
#[derive(Clone, Copy)]
struct Day {
    y: i32,
    m: u32,
    d: u32,
}

impl Day {
    /// 0 = Monday.
    fn weekday(self) -> usize {
        // Sakamoto's method (0 = Sunday), shifted to Monday-first.
        const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.m < 3 { self.y - 1 } else { self.y };
        let w = (y + y / 4 - y / 100 + y / 400 + T[self.m as usize - 1] + self.d as i32) % 7;
        ((w + 6) % 7) as usize
    }
    fn shifted(self, days: i32) -> Day {
        let d = (self.d as i32 + days).clamp(1, 28) as u32;
        let d = if d == self.d { self.d % 28 + 1 } else { d };
        Day { d, ..self }
    }
}

/// Writes a date in one of the forms reporters use, sometimes with a weekday the calendar
/// contradicts.
fn write_date(rng: &mut Rng, day: Day, wrong_weekday: bool) -> String {
    let (y, m, d) = (day.y, day.m as usize, day.d);
    let mut wd = day.weekday();
    if wrong_weekday {
        wd = (wd + 1 + rng.below(6)) % 7;
    }
    let month = month_name(m as u8);
    let abbr = &month[..3];
    let suffix = match d {
        1 | 21 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    };
    match rng.below(8) {
        0 => format!("{y:04}-{m:02}-{d:02}"),
        1 => format!("{d} {month} {y}"),
        2 => format!("{d}{suffix} {month}, {y}"),
        3 => format!("{d} {abbr} {y}"),
        4 => format!("{month} {d}, {y}"),
        5 => format!("{abbr}. {d}, {y}"),
        6 => format!("{}, {month} {d}, {y}", weekday_name(wd as u8)),
        _ => format!("{} {d} {abbr} {y}", &weekday_name(wd as u8)[..3]),
    }
}

/// What a subject (one resolution) really was.
struct Subject {
    name: String,
    unsc: bool,
    day: Day,
    yes: u32,
    no: u32,
    abstain: u32,
    outcome: &'static str,
    veto: Option<usize>,
    title: String,
    drafter: usize,
    meeting: u32,
    nth: u32,
    claims: u32,
}

fn title_words(rng: &mut Rng, words: &[&str], n: usize) -> String {
    let mut t = String::new();
    for i in 0..n {
        let w = rng.pick(words);
        if i > 0 {
            t.push(' ');
        }
        let mut c = w.chars();
        if let Some(f) = c.next() {
            t.extend(f.to_uppercase());
            t.push_str(c.as_str());
        }
    }
    t
}

fn make_subject(k: usize, rng: &mut Rng, words: &[&str]) -> Subject {
    let unsc = rng.chance(450);
    let day = Day {
        y: 2000 + rng.below(26) as i32,
        m: 1 + rng.below(12) as u32,
        d: 1 + rng.below(28) as u32,
    };
    let (yes, no, abstain, outcome, veto) = if unsc {
        if rng.chance(150) {
            let yes = 9 + rng.below(5) as u32;
            let no = 1 + rng.below(2) as u32;
            (yes, no, 15 - yes - no, "vetoed", Some(rng.below(5)))
        } else {
            let yes = 9 + rng.below(7) as u32;
            (yes, 0, 15 - yes, "adopted", None)
        }
    } else if rng.chance(100) {
        let yes = 40 + rng.below(40) as u32;
        let no = yes + 1 + rng.below(40) as u32;
        (yes, no, rng.below(30) as u32, "rejected", None)
    } else {
        let yes = 90 + rng.below(91) as u32;
        let no = rng.below(21) as u32;
        let abstain = rng.below((193 - yes - no).min(60) as usize + 1) as u32;
        (yes, no, abstain, "adopted", None)
    };
    let title_len = 3 + rng.below(4);
    let title = title_words(rng, words, title_len);
    let name = if unsc {
        format!("S/RES/{}", 1000 + k)
    } else {
        format!("A/RES/{}/{}", 55 + k % 25, 100 + k)
    };
    Subject {
        name,
        unsc,
        day,
        yes,
        no,
        abstain,
        outcome,
        veto,
        title,
        drafter: rng.below(MEMBERS.len()),
        meeting: 8000 + rng.below(2000) as u32,
        nth: 1 + rng.below(75) as u32,
        claims: 0,
    }
}

fn sentence(rng: &mut Rng, words: &[&str], out: &mut String) {
    let n = 8 + rng.below(16);
    for i in 0..n {
        let w = rng.pick(words);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
        if i > 2 && i + 2 < n && rng.chance(70) {
            out.push(',');
        }
    }
    out.push('.');
}

/// A source's archived text: 2–6 KB of sentences, reproducible from its seed.
fn source_text(seed: u64, words: &[&str]) -> String {
    let mut rng = Rng::new(seed);
    let target = 2000 + rng.below(4000);
    let mut s = String::with_capacity(target + 200);
    while s.len() < target {
        sentence(&mut rng, words, &mut s);
        s.push(if rng.chance(200) { '\n' } else { ' ' });
    }
    s.truncate(s.trim_end().len());
    s
}

/// A run of 5–12 words taken verbatim from the text.
fn quote_from(rng: &mut Rng, text: &str) -> String {
    let sentences: Vec<&str> = text
        .split(['.', '\n'])
        .filter(|s| s.split_whitespace().count() >= 12)
        .collect();
    let s = if sentences.is_empty() {
        text
    } else {
        rng.pick(&sentences)
    };
    let ws: Vec<&str> = s.split_whitespace().collect();
    let n = (5 + rng.below(8)).min(ws.len());
    let start = rng.below(ws.len() - n + 1);
    ws[start..start + n].join(" ")
}

#[derive(Clone, Copy, PartialEq)]
enum Pred {
    Date,
    Anniversary,
    Tally,
    Outcome,
    Vote(u8),
    Quote,
    Title,
    Drafter,
    Meeting,
}

struct ClaimMeta {
    line: u32,
    subject: u32,
    source: u32,
    pred: Pred,
}

struct SourceMeta {
    line: u32,
    text_seed: Option<u64>,
    cites: bool,
}

fn source_id(line: u32) -> String {
    format!("src-{line:07}")
}
fn claim_id(line: u32) -> String {
    format!("clm-{line:07}")
}

fn true_vote(s: &Subject, k: usize, member: usize) -> &'static str {
    if s.veto == Some(member) {
        return "no";
    }
    if s.abstain > 2 && (k * 31 + member * 17).is_multiple_of(7) {
        return "abstain";
    }
    "yes"
}

fn vote_word(rng: &mut Rng, vote: &str) -> &'static str {
    let words: &[&str] = match vote {
        "yes" => &["yes", "in favour", "in favor", "for", "Yes", "In favour"],
        "no" => &["no", "against", "Against", "No"],
        "abstain" => &["abstain", "abstained", "abstention", "Abstained"],
        _ => &["absent", "did not vote", "non-voting"],
    };
    words[rng.below(words.len())]
}

/// The predicate and value of a claim about subject `k`: the truth, or (`wrong`) not.
fn claim_value(
    rng: &mut Rng,
    subjects: &[Subject],
    k: usize,
    pred: Pred,
    wrong: bool,
    source_text: Option<&str>,
    words: &[&str],
) -> (String, Json) {
    let s = &subjects[k];
    match pred {
        Pred::Date => {
            let day = if wrong { s.day.shifted(1) } else { s.day };
            let wrong_weekday = rng.chance(120);
            ("date".into(), json!(write_date(rng, day, wrong_weekday)))
        }
        Pred::Anniversary => {
            let of = Day {
                y: s.day.y - s.nth as i32,
                ..s.day
            };
            let of = if wrong { of.shifted(-1) } else { of };
            let of = write_date(rng, of, false);
            ("anniversary".into(), json!({"of": of, "nth": s.nth}))
        }
        Pred::Tally => {
            let extra = if wrong { 1 + rng.below(3) as u32 } else { 0 };
            let mut t = Map::new();
            t.insert("body".into(), json!(if s.unsc { "UNSC" } else { "UNGA" }));
            t.insert("yes".into(), json!(s.yes + extra));
            t.insert("no".into(), json!(s.no));
            t.insert("abstain".into(), json!(s.abstain));
            if s.unsc && rng.chance(200) {
                t.insert("procedural".into(), json!(false));
            }
            if !s.unsc && rng.chance(200) {
                t.insert("majority".into(), json!("simple"));
            }
            ("tally".into(), Json::Object(t))
        }
        Pred::Outcome => {
            let o = if wrong {
                *rng.pick(&["adopted", "rejected", "vetoed"])
            } else {
                s.outcome
            };
            let o = if rng.chance(300) {
                let mut c = o.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                o.to_string()
            };
            (
                if rng.chance(100) {
                    "Outcome"
                } else {
                    "outcome"
                }
                .into(),
                json!(o),
            )
        }
        Pred::Vote(m) => {
            let m = usize::from(m);
            let truth = true_vote(s, k, m);
            let vote = if wrong {
                match truth {
                    "yes" => "no",
                    "no" => "abstain",
                    _ => "yes",
                }
            } else {
                truth
            };
            let alias = rng.pick(MEMBERS[m]);
            (format!("vote:{alias}"), json!(vote_word(rng, vote)))
        }
        Pred::Quote => {
            let text = match source_text {
                Some(t) if !wrong => quote_from(rng, t),
                _ => {
                    let mut q = String::new();
                    sentence(rng, words, &mut q);
                    q
                }
            };
            (
                "quote".into(),
                json!({"speaker": rng.pick(SPEAKERS), "text": text}),
            )
        }
        Pred::Title => {
            let t = if wrong {
                title_words(rng, words, 4)
            } else if rng.chance(300) {
                s.title.to_lowercase()
            } else {
                s.title.clone()
            };
            ("title".into(), json!(t))
        }
        Pred::Drafter => {
            let d = if wrong {
                (s.drafter + 1) % MEMBERS.len()
            } else {
                s.drafter
            };
            ("drafted by".into(), json!(MEMBERS[d][0]))
        }
        Pred::Meeting => ("meeting number".into(), json!(s.meeting + u32::from(wrong))),
    }
}

fn random_pred(rng: &mut Rng, unsc: bool) -> Pred {
    match rng.below(100) {
        0..=17 => Pred::Date,
        18..=22 => Pred::Anniversary,
        23..=36 => Pred::Tally,
        37..=48 => Pred::Outcome,
        49..=73 => {
            let members = if unsc { 15 } else { MEMBERS.len() };
            Pred::Vote(rng.below(members) as u8)
        }
        74..=83 => Pred::Quote,
        84..=91 => Pred::Title,
        92..=96 => Pred::Drafter,
        _ => Pred::Meeting,
    }
}

/// What the generator made, and what the reads will ask for.
struct Generated {
    input: PathBuf,
    input_bytes: u64,
    text_bytes: u64,
    sources: usize,
    claims: usize,
    corrections: usize,
    retractions: usize,
    subjects: usize,
    /// A subject with a typical number of claims.
    sample_subject: String,
    sample_subject_claims: u32,
    /// A claim near the middle of the log.
    sample_claim: String,
    /// A claim near the middle whose source cites others.
    audit_claim: String,
    /// A source near the end, for new claims.
    late_source: String,
}

fn generate(n: usize, seed: u64, path: &Path) -> Res<Generated> {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut rng = Rng::new(seed);
    let n_subjects = (n / 20).max(1);
    let mut subjects: Vec<Subject> = (0..n_subjects)
        .map(|k| make_subject(k, &mut rng, &words))
        .collect();
    let mut sources: Vec<SourceMeta> = Vec::new();
    let mut claims: Vec<ClaimMeta> = Vec::new();
    let mut retracted_claims: HashSet<u32> = HashSet::new();
    let mut retracted_sources: HashSet<u32> = HashSet::new();
    let mut superseded: HashSet<u32> = HashSet::new();
    let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let (mut text_bytes, mut corrections, mut retractions) = (0u64, 0usize, 0usize);
    // Source text of the most recent sources, so quotes need not regenerate it.
    let mut text_cache: Vec<(u32, String)> = Vec::new();

    for i in 0..n {
        let line = (i + 1) as u32;
        let r = rng.below(1000);
        let mut rec = Map::new();
        if sources.is_empty() || r < 30 {
            // A source: kind, publisher, title, url, published, sometimes cites, usually a text.
            let id = source_id(line);
            rec.insert("type".into(), json!("source"));
            rec.insert("id".into(), json!(id));
            rec.insert(
                "kind".into(),
                json!(if rng.chance(200) {
                    "primary"
                } else {
                    "secondary"
                }),
            );
            let publisher = rng.pick(PUBLISHERS);
            rec.insert("publisher".into(), json!(publisher));
            rec.insert("title".into(), json!(title_words(&mut rng, &words, 6)));
            rec.insert(
                "url".into(),
                json!(format!(
                    "https://example.org/{}/{line}",
                    publisher.to_lowercase().replace(' ', "-")
                )),
            );
            let k = rng.below(n_subjects);
            let day = subjects[k].day;
            rec.insert("published".into(), json!(write_date(&mut rng, day, false)));
            let mut cites = false;
            if !sources.is_empty() && rng.chance(400) {
                let mut list: Vec<String> = Vec::new();
                for _ in 0..1 + rng.below(3) {
                    let c = if rng.chance(50) {
                        format!("ext-{}", rng.below(1000))
                    } else {
                        let back = rng.below(sources.len().min(200));
                        source_id(sources[sources.len() - 1 - back].line)
                    };
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
                rec.insert("cites".into(), json!(list));
                cites = true;
            }
            let text_seed = if rng.chance(800) {
                let s = seed ^ (u64::from(line) << 20) ^ 0x5EED;
                let text = source_text(s, &words);
                text_bytes += text.len() as u64;
                rec.insert("text".into(), json!(text));
                text_cache.push((line, text));
                if text_cache.len() > 64 {
                    text_cache.remove(0);
                }
                Some(s)
            } else {
                None
            };
            sources.push(SourceMeta {
                line,
                text_seed,
                cites,
            });
        } else if r < 40 && !claims.is_empty() {
            // A retraction: mostly a claim, sometimes a whole source.
            let target = if rng.chance(50) {
                let s = rng.below(sources.len()) as u32;
                retracted_sources
                    .insert(s)
                    .then(|| source_id(sources[s as usize].line))
            } else {
                let c = rng.below(claims.len()) as u32;
                retracted_claims
                    .insert(c)
                    .then(|| claim_id(claims[c as usize].line))
            };
            let Some(target) = target else {
                // Already retracted: write a plain claim instead (below).
                write_claim(
                    &mut rng,
                    &mut out,
                    line,
                    n,
                    &mut subjects,
                    &sources,
                    &mut claims,
                    None,
                    &text_cache,
                    &words,
                )?;
                continue;
            };
            rec.insert("type".into(), json!("retract"));
            rec.insert("target".into(), json!(target));
            let mut reason = String::from("Retracted by the desk: ");
            sentence(&mut rng, &words, &mut reason);
            rec.insert("reason".into(), json!(reason));
            retractions += 1;
        } else if r < 50 && !claims.is_empty() {
            // A correction of an earlier claim (each claim is superseded at most once).
            let c = rng.below(claims.len()) as u32;
            let old = superseded.insert(c).then_some(c);
            if old.is_some() {
                corrections += 1;
            }
            write_claim(
                &mut rng,
                &mut out,
                line,
                n,
                &mut subjects,
                &sources,
                &mut claims,
                old,
                &text_cache,
                &words,
            )?;
            continue;
        } else {
            write_claim(
                &mut rng,
                &mut out,
                line,
                n,
                &mut subjects,
                &sources,
                &mut claims,
                None,
                &text_cache,
                &words,
            )?;
            continue;
        }
        serde_json::to_writer(&mut out, &Json::Object(rec))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    drop(out);

    let mean = claims.len() as f64 / n_subjects as f64;
    let (sample_k, _) = subjects
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| {
            (f64::from(a.claims) - mean)
                .abs()
                .total_cmp(&(f64::from(b.claims) - mean).abs())
        })
        .ok_or("no subjects")?;
    let mid = claims.len() / 2;
    let sample_claim = claim_id(claims[mid].line);
    // For audit: a claim from the middle on whose source cites other sources.
    let audit_claim = claims[mid..]
        .iter()
        .find(|c| sources[c.source as usize].cites)
        .map_or_else(|| sample_claim.clone(), |c| claim_id(c.line));
    Ok(Generated {
        input: path.to_path_buf(),
        input_bytes: fs::metadata(path)?.len(),
        text_bytes,
        sources: sources.len(),
        claims: claims.len(),
        corrections,
        retractions,
        subjects: n_subjects,
        sample_subject: subjects[sample_k].name.clone(),
        sample_subject_claims: subjects[sample_k].claims,
        sample_claim,
        audit_claim,
        late_source: source_id(sources[sources.len() - 1].line),
    })
}

#[allow(clippy::too_many_arguments)]
fn write_claim(
    rng: &mut Rng,
    out: &mut impl Write,
    line: u32,
    n: usize,
    subjects: &mut [Subject],
    sources: &[SourceMeta],
    claims: &mut Vec<ClaimMeta>,
    supersedes: Option<u32>,
    text_cache: &[(u32, String)],
    words: &[&str],
) -> Res<()> {
    let n_subjects = subjects.len();
    // News clusters in time: most claims are about the resolutions of the moment.
    let introduced =
        ((n_subjects as u64 * u64::from(line) / n as u64) as usize + 1).min(n_subjects);
    let (k, pred, wrong) = match supersedes {
        Some(old) => {
            let o = &claims[old as usize];
            (o.subject as usize, o.pred, false)
        }
        None => {
            let k = if rng.chance(700) {
                introduced - 1 - rng.below(introduced.min(40))
            } else {
                rng.below(introduced)
            };
            (k, random_pred(rng, subjects[k].unsc), rng.chance(100))
        }
    };
    let src_index = if rng.chance(700) {
        sources.len() - 1 - rng.below(sources.len().min(50))
    } else {
        rng.below(sources.len())
    };
    let src = &sources[src_index];
    let text = match (pred, src.text_seed) {
        (Pred::Quote, Some(seed)) => {
            if let Some((_, t)) = text_cache.iter().find(|(l, _)| *l == src.line) {
                Some(t.clone())
            } else {
                Some(source_text(seed, words))
            }
        }
        _ => None,
    };
    // Some quotes are deliberately not in their source.
    let wrong = wrong || (pred == Pred::Quote && rng.chance(150));
    let (predicate, value) = claim_value(rng, subjects, k, pred, wrong, text.as_deref(), words);
    let mut rec = Map::new();
    rec.insert("type".into(), json!("claim"));
    rec.insert("id".into(), json!(claim_id(line)));
    rec.insert("source".into(), json!(source_id(src.line)));
    rec.insert("subject".into(), json!(subjects[k].name));
    rec.insert("predicate".into(), json!(predicate));
    rec.insert("value".into(), value);
    if let Some(old) = supersedes {
        rec.insert(
            "supersedes".into(),
            json!(claim_id(claims[old as usize].line)),
        );
        rec.insert("note".into(), json!("second edition correction"));
    } else if rng.chance(80) {
        let mut note = String::new();
        sentence(rng, words, &mut note);
        rec.insert("note".into(), json!(note));
    }
    serde_json::to_writer(&mut *out, &Json::Object(rec))?;
    out.write_all(b"\n")?;
    subjects[k].claims += 1;
    claims.push(ClaimMeta {
        line,
        subject: k as u32,
        source: src_index as u32,
        pred,
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Processes: wall time and peak RSS of one child, from wait4.

struct ProcRun {
    ms: f64,
    rss_kb: u64,
}

struct Bin {
    path: PathBuf,
    work: PathBuf,
}

impl Bin {
    fn command(&self, ledger: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.path);
        c.arg("--ledger")
            .arg(ledger)
            .arg("--quiet")
            .args(args)
            .env("FACTLEDGER_AUTHOR", "bench")
            .env("FACTLEDGER_KEYS", self.work.join("no-keys"))
            .env_remove("FACTLEDGER_NOW")
            .env_remove("FACTLEDGER_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        c
    }

    /// Runs `factledger --ledger L ARGS…` to the end; output goes to /dev/null, stderr to a file
    /// that is shown if the command fails. Exit code 1 (a check found something) is accepted
    /// only when `check_ok`.
    fn run(&self, ledger: &Path, args: &[&str], check_ok: bool) -> Res<ProcRun> {
        let err_path = self.work.join("last-stderr.txt");
        let mut cmd = self.command(ledger, args);
        cmd.stderr(fs::File::create(&err_path)?);
        let start = Instant::now();
        let child = cmd.spawn()?;
        let guard = MemoryGuard::watch(child.id());
        let (code, rss_kb) = wait_child(child)?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        if let Some(avail) = guard.stop() {
            return Err(format!(
                "factledger {} was stopped after {:.0} s with a peak RSS of about {:.0} MB: the \
                 machine had only {avail} MB available (the guard stops a child below {} MB \
                 rather than let the OOM killer pick a victim among other work)",
                args.join(" "),
                ms / 1e3,
                mb(rss_kb),
                min_available_mb()
            )
            .into());
        }
        if code != 0 && !(check_ok && code == 1) {
            let err = fs::read_to_string(&err_path).unwrap_or_default();
            return Err(format!("factledger {} exited with {code}:\n{err}", args.join(" ")).into());
        }
        Ok(ProcRun { ms, rss_kb })
    }
}

/// A child is stopped when the machine's available memory falls below this many MB
/// (`BENCH_MIN_AVAILABLE_MB` overrides it).
fn min_available_mb() -> u64 {
    std::env::var("BENCH_MIN_AVAILABLE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1536)
}

/// Watches the machine's available memory while a child runs, and kills that child (by its pid,
/// only while it is still ours) if memory runs out: the machine is shared, and a bulk import's
/// peak RSS grows with N.
struct MemoryGuard {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Option<u64>>,
}

impl MemoryGuard {
    fn watch(pid: u32) -> MemoryGuard {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let me = std::process::id().to_string();
        let min = min_available_mb();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                if let Some(avail) = mem_available_mb() {
                    // Only a live child of ours: its PPid is this process.
                    let ours = fs::read_to_string(format!("/proc/{pid}/status"))
                        .ok()
                        .and_then(|st| {
                            st.lines()
                                .find(|l| l.starts_with("PPid:"))
                                .map(|l| l[5..].trim() == me)
                        })
                        .unwrap_or(false);
                    if avail < min && ours && !flag.load(Ordering::SeqCst) {
                        // SAFETY: kill(2) on our own child's pid has no memory-safety effect.
                        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                        return Some(avail);
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            None
        });
        MemoryGuard { stop, thread }
    }

    /// Stops watching; `Some(available MB)` if the child had to be killed.
    fn stop(self) -> Option<u64> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().ok().flatten()
    }
}

fn mem_available_mb() -> Option<u64> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Waits for the child with wait4, which gives this child's own rusage (peak RSS).
fn wait_child(child: Child) -> Res<(i32, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own unwaited child; both pointers are valid for the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}").into());
        }
    }
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss as u64))
}

fn locate_binary() -> Res<PathBuf> {
    if let Some(p) = std::env::var_os("FACTLEDGER_BIN") {
        return Ok(p.into());
    }
    let exe = std::env::current_exe()?;
    // target/<profile>/examples/bench → target/<profile>/factledger
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot tell the target directory from the bench's own path")?;
    let bin = profile_dir.join("factledger");
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    if !release {
        eprintln!("bench: WARNING: not a release build; numbers are meaningless (use --release)");
    }
    let target_dir = profile_dir.parent().ok_or("no target directory")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--locked", "--quiet", "--bin", "factledger"])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    if release {
        cmd.arg("--release");
    }
    phase("building the factledger binary (cargo build --bin factledger; a no-op when fresh)");
    match cmd.status() {
        Ok(s) if s.success() => {}
        other if bin.exists() => eprintln!(
            "bench: WARNING: cargo build failed ({other:?}); using the existing {}",
            bin.display()
        ),
        other => return Err(format!("cannot build factledger: {other:?}").into()),
    }
    Ok(bin)
}

// ---------------------------------------------------------------------------------------------
// The SQLite peer: same parse, same validation, same hashes and bytes, in a WAL database with
// synchronous=FULL, committing every 10,000 rows.

const PEER_CHUNK: usize = 10_000;
const KIND_SOURCE: i64 = 0;
const KIND_CLAIM: i64 = 1;
const KIND_MARK: i64 = 2;

fn peer_open(path: &Path) -> Res<Connection> {
    let conn = Connection::open(path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("SQLite refused WAL mode ({mode})").into());
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

fn peer_create(conn: &Connection, indexed: bool) -> Res<()> {
    conn.execute_batch(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT, record BLOB NOT NULL);
         CREATE TABLE ids (key BLOB PRIMARY KEY, seq INTEGER NOT NULL, kind INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TABLE texts (hash BLOB PRIMARY KEY, text BLOB NOT NULL) WITHOUT ROWID;",
    )?;
    if indexed {
        // What factledger's projection holds for its reads, the SQL way: state by id (the claim
        // itself stays in `events`), and the three lookup indexes.
        conn.execute_batch(
            "CREATE TABLE state (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, retracted_at INTEGER, superseded_by TEXT) WITHOUT ROWID;
             CREATE TABLE subjects (subject TEXT, predicate TEXT, claim TEXT, PRIMARY KEY (subject, predicate, claim)) WITHOUT ROWID;
             CREATE TABLE source_claims (source TEXT, claim TEXT, PRIMARY KEY (source, claim)) WITHOUT ROWID;
             CREATE TABLE cited_by (cited TEXT, citing TEXT, PRIMARY KEY (cited, citing)) WITHOUT ROWID;",
        )?;
    }
    Ok(())
}

fn kind_of(conn: &Connection, key: &[u8]) -> Res<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT kind FROM ids WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

struct PeerResult {
    secs: f64,
    rows: u64,
}

fn peer_import(db: &Path, input: &Path, indexed: bool, recorded_at: i64) -> Res<PeerResult> {
    let start = Instant::now();
    let conn = peer_open(db)?;
    peer_create(&conn, indexed)?;
    let data = fs::read(input)?;
    let base = input.parent().unwrap_or(Path::new("."));
    let author = "bench".to_string();
    let mut prev = factledger::event::ZERO_HASH;
    let mut seq = 0u64;
    conn.execute_batch("BEGIN")?;
    for (line, bytes) in lines(&data) {
        let record = match parse_line(bytes, base) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(m) => return Err(format!("line {line}: {m}").into()),
        };
        let (body, text) = match record {
            Record::Source(s, t) => (EventBody::SourceRegistered(s), t),
            Record::Claim(c) => (EventBody::ClaimAsserted(c), None),
            Record::Retract(r) => (EventBody::Retracted(r), None),
        };
        // The same checks plan() makes, against the peer's own tables.
        let bad = |m: String| -> Res<()> { Err(format!("line {line}: {m}").into()) };
        if let Some(id) = body.id() {
            if kind_of(&conn, id.as_bytes())?.is_some() {
                bad(format!("id '{id}' already exists"))?;
            }
        }
        match &body {
            EventBody::ClaimAsserted(c) => {
                if kind_of(&conn, c.source.as_bytes())? != Some(KIND_SOURCE) {
                    bad(format!("source '{}' is not a source", c.source))?;
                }
                if let Some(old) = &c.supersedes {
                    if kind_of(&conn, old.as_bytes())? != Some(KIND_CLAIM) {
                        bad(format!("'{old}' is not a claim"))?;
                    }
                    let key = factledger::ledger::supersession_key(old);
                    if kind_of(&conn, &key)?.is_some() {
                        bad(format!("'{old}' was already superseded"))?;
                    }
                }
            }
            EventBody::Retracted(r) => {
                if kind_of(&conn, r.target.as_bytes())?.is_none() {
                    bad(format!("cannot retract '{}'", r.target))?;
                }
                if kind_of(&conn, &factledger::ledger::retraction_key(&r.target))?.is_some() {
                    bad(format!("'{}' was already retracted", r.target))?;
                }
            }
            _ => {}
        }
        seq += 1;
        let event = Event::new(seq, recorded_at, author.clone(), prev, body);
        prev = event.hash;
        let record = event.to_record();
        conn.prepare_cached("INSERT INTO events (seq, id, record) VALUES (?1, ?2, ?3)")?
            .execute(params![seq as i64, event.body.id(), record])?;
        for key in index_keys(&event.body) {
            let kind = match (&event.body, key.first()) {
                (_, Some(0)) => KIND_MARK,
                (EventBody::SourceRegistered(_), _) => KIND_SOURCE,
                _ => KIND_CLAIM,
            };
            conn.prepare_cached("INSERT INTO ids (key, seq, kind) VALUES (?1, ?2, ?3)")?
                .execute(params![key, seq as i64, kind])?;
        }
        if let Some(text) = text {
            let hash = blake3::hash(text.as_bytes());
            conn.prepare_cached("INSERT OR IGNORE INTO texts (hash, text) VALUES (?1, ?2)")?
                .execute(params![&hash.as_bytes()[..], text.as_bytes()])?;
        }
        if indexed {
            peer_index(&conn, &event)?;
        }
        if seq.is_multiple_of(PEER_CHUNK as u64) {
            conn.execute_batch("COMMIT; BEGIN")?;
        }
    }
    conn.execute_batch("COMMIT")?;
    drop(conn);
    Ok(PeerResult {
        secs: start.elapsed().as_secs_f64(),
        rows: seq,
    })
}

fn peer_index(conn: &Connection, e: &Event) -> Res<()> {
    let seq = e.seq as i64;
    match &e.body {
        EventBody::SourceRegistered(s) => {
            conn.prepare_cached("INSERT INTO state (id, seq) VALUES (?1, ?2)")?
                .execute(params![s.id, seq])?;
            for c in &s.cites {
                conn.prepare_cached("INSERT INTO cited_by (cited, citing) VALUES (?1, ?2)")?
                    .execute(params![c, s.id])?;
            }
        }
        EventBody::ClaimAsserted(c) => {
            conn.prepare_cached("INSERT INTO state (id, seq) VALUES (?1, ?2)")?
                .execute(params![c.id, seq])?;
            conn.prepare_cached(
                "INSERT INTO subjects (subject, predicate, claim) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![c.subject, c.predicate, c.id])?;
            conn.prepare_cached("INSERT INTO source_claims (source, claim) VALUES (?1, ?2)")?
                .execute(params![c.source, c.id])?;
            if let Some(old) = &c.supersedes {
                conn.prepare_cached("UPDATE state SET superseded_by = ?2 WHERE id = ?1")?
                    .execute(params![old, c.id])?;
            }
        }
        EventBody::Retracted(r) => {
            conn.prepare_cached("UPDATE state SET retracted_at = ?2 WHERE id = ?1")?
                .execute(params![r.target, seq])?;
        }
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Measurements and output

struct Row {
    name: &'static str,
    system: &'static str,
    events: u64,
    per_second: Option<f64>,
    ms: Option<f64>,
    ratio_to_peer: Option<f64>,
    ratio_to_limit: Option<f64>,
    /// What the table shows in the result column.
    shown: String,
    target: Option<String>,
    met: Option<bool>,
    extra: Map<String, Json>,
}

impl Row {
    fn new(name: &'static str, system: &'static str, events: u64) -> Row {
        let mut extra = Map::new();
        if let Some(l) = load1() {
            extra.insert("load1".into(), json!(l));
        }
        Row {
            name,
            system,
            events,
            per_second: None,
            ms: None,
            ratio_to_peer: None,
            ratio_to_limit: None,
            shown: String::new(),
            target: None,
            met: None,
            extra,
        }
    }
    fn rate(mut self, per_second: f64) -> Row {
        self.per_second = Some(per_second);
        self.shown = format!("{} ev/s", thousands(per_second));
        self
    }
    fn millis(mut self, ms: f64) -> Row {
        self.ms = Some(ms);
        self.shown = format!("{ms:.1} ms");
        self
    }
    fn latency(mut self, samples: &mut [f64]) -> Row {
        samples.sort_by(f64::total_cmp);
        let (p50, p99) = (pct(samples, 0.50), pct(samples, 0.99));
        self.ms = Some(p50);
        self.shown = format!("p50 {p50:.2} ms, p99 {p99:.2} ms");
        self.extra.insert("p50_ms".into(), json!(round3(p50)));
        self.extra.insert("p99_ms".into(), json!(round3(p99)));
        self.extra.insert("runs".into(), json!(samples.len()));
        self
    }
    fn with(mut self, key: &str, v: Json) -> Row {
        self.extra.insert(key.into(), v);
        self
    }
    fn target(mut self, text: &str, met: bool) -> Row {
        self.target = Some(text.into());
        self.met = Some(met);
        self
    }
    fn to_json(&self) -> Json {
        let mut o = Map::new();
        o.insert("name".into(), json!(self.name));
        o.insert("system".into(), json!(self.system));
        o.insert("events".into(), json!(self.events));
        if let Some(v) = self.per_second {
            o.insert("per_second".into(), json!(v.round()));
        }
        if let Some(v) = self.ms {
            o.insert("ms".into(), json!(round3(v)));
        }
        if let Some(v) = self.ratio_to_peer {
            o.insert("ratio_to_peer".into(), json!(round3(v)));
        }
        if let Some(v) = self.ratio_to_limit {
            o.insert("ratio_to_limit".into(), json!(round3(v)));
        }
        if let Some(t) = &self.target {
            o.insert("target".into(), json!(t));
            o.insert("met".into(), json!(self.met));
        }
        for (k, v) in &self.extra {
            o.insert(k.clone(), v.clone());
        }
        Json::Object(o)
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    pct(samples, 0.5)
}

fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn load1() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn load1_text() -> String {
    load1().map_or("load ?".into(), |l| format!("load {l:.2}"))
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// (apparent bytes, allocated bytes) of every file under `dir`.
fn dir_size(dir: &Path) -> Res<(u64, u64)> {
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

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// A claim draft as `add claim` would make it.
fn claim_json(id: &str, source: &str, subject: &str) -> Json {
    json!({"type": "claim", "id": id, "source": source, "subject": subject,
           "predicate": "date", "value": "Monday, 24 February 2025"})
}

/// Latencies (ms) of appending 4 KiB to a file and making it durable with fdatasync.
fn fsync_floor(path: &Path, runs: usize) -> Res<Vec<f64>> {
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

fn open_raw_sled(store: &Path) -> Res<sled::Db> {
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

fn git_commit() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match out(&["rev-parse", "--short=12", "HEAD"]) {
        Some(c) => {
            let dirty = out(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{c}+dirty")
            } else {
                c
            }
        }
        None => "unknown".into(),
    }
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let opts = parse_opts();
    if let Err(e) = run(&opts) {
        eprintln!("bench: error: {e}");
        std::process::exit(1);
    }
}

fn run(opts: &Opts) -> Res<()> {
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
    phase("in-library: chain::verify_chain of the whole log");
    let mut verify_runs = Vec::new();
    for _ in 0..2 {
        let t = Instant::now();
        let report = chain::verify_chain(&l, |_| {})?;
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
    let mut r = Row::new("disk", "sqlite", nn)
        .with(
            "bytes_per_event",
            json!(round3(
                peer_bytes.saturating_sub(g.text_bytes) as f64 / nn as f64
            )),
        )
        .with("db_bytes", json!(peer_bytes));
    r.ratio_to_limit = Some(peer_bytes.saturating_sub(g.text_bytes) as f64 / raw_bytes as f64);
    r.shown = format!(
        "{:.0} B/event ({:.1} MB on disk)",
        peer_bytes.saturating_sub(g.text_bytes) as f64 / nn as f64,
        peer_bytes as f64 / 1e6
    );
    rows.push(r);
    let mut r = Row::new("disk_with_read_indexes", "sqlite", nn)
        .with(
            "bytes_per_event",
            json!(round3(
                peer_ix_bytes.saturating_sub(g.text_bytes) as f64 / nn as f64
            )),
        )
        .with("db_bytes", json!(peer_ix_bytes));
    r.ratio_to_limit = Some(peer_ix_bytes.saturating_sub(g.text_bytes) as f64 / raw_bytes as f64);
    r.shown = format!(
        "{:.0} B/event ({:.1} MB on disk)",
        peer_ix_bytes.saturating_sub(g.text_bytes) as f64 / nn as f64,
        peer_ix_bytes as f64 / 1e6
    );
    rows.push(r);
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

fn render_table(header: &str, rows: &[Row]) -> String {
    let mut s = format!("{header}\n\n");
    let head = ["measurement", "system", "result", "ratio", "target", "met"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let ratio = match (r.ratio_to_peer, r.ratio_to_limit) {
                (Some(p), _) => format!("{p:.2}× peer"),
                (None, Some(l)) => format!("{l:.2}× limit"),
                _ => String::new(),
            };
            // Targets stated "at 1M" are judged at the N measured; say so below 1M.
            let at_1m = r.target.as_deref().is_some_and(|t| t.ends_with("at 1M"));
            let met = match (r.met, at_1m && r.events < 1_000_000) {
                (Some(true), false) => "yes".to_string(),
                (Some(false), false) => "NO".to_string(),
                (Some(true), true) => format!("yes at {}", r.events),
                (Some(false), true) => format!("NO at {}", r.events),
                (None, _) => String::new(),
            };
            [
                r.name.to_string(),
                r.system.to_string(),
                r.shown.clone(),
                ratio,
                r.target.clone().unwrap_or_default(),
                met,
            ]
        })
        .collect();
    let mut widths = head.map(|h| h.chars().count());
    for c in &cells {
        for (w, v) in widths.iter_mut().zip(c) {
            *w = (*w).max(v.chars().count());
        }
    }
    let mut line = |vals: &[String]| {
        let mut l = String::new();
        for (v, w) in vals.iter().zip(widths) {
            l.push_str(v);
            l.push_str(&" ".repeat(w - v.chars().count() + 2));
        }
        s.push_str(l.trim_end());
        s.push('\n');
    };
    line(&head.map(String::from));
    for c in &cells {
        line(c);
    }
    s
}
