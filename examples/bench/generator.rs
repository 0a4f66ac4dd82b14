//! The data: a realistic JSON Lines file of UN-vote reporting (see fixtures/un-votes/), the same
//! on every machine for a given seed.

use super::*;

// ---------------------------------------------------------------------------------------------
// A tiny seeded RNG (xorshift64*), so the data is the same on every machine.

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        r.next();
        r
    }
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// True with probability `per_mille`/1000.
    pub(crate) fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Data: what UN-vote reporting looks like (see fixtures/un-votes/).

pub(crate) const WORDS: &str =
    "the council assembly resolution member states vote voted draft text \
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

pub(crate) const SPEAKERS: &[&str] = &[
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

pub(crate) const PUBLISHERS: &[&str] = &[
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

// Member names (`MEMBERS`, tests/common/reporting.rs): the first five are the permanent
// members; the first fifteen sit on the Security Council in this data.

/// A calendar date (days 1–28 only, so anniversaries always exist).
#[derive(Clone, Copy)]
pub(crate) struct Day {
    pub(crate) y: i32,
    pub(crate) m: u32,
    pub(crate) d: u32,
}

impl Day {
    /// 0 = Monday.
    pub(crate) fn weekday(self) -> usize {
        // Sakamoto's method (0 = Sunday), shifted to Monday-first.
        const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.m < 3 { self.y - 1 } else { self.y };
        let w = (y + y / 4 - y / 100 + y / 400 + T[self.m as usize - 1] + self.d as i32) % 7;
        ((w + 6) % 7) as usize
    }
    pub(crate) fn shifted(self, days: i32) -> Day {
        let d = (self.d as i32 + days).clamp(1, 28) as u32;
        let d = if d == self.d { self.d % 28 + 1 } else { d };
        Day { d, ..self }
    }
}

/// Writes a date in one of the forms reporters use, sometimes with a weekday the calendar
/// contradicts.
pub(crate) fn write_date(rng: &mut Rng, day: Day, wrong_weekday: bool) -> String {
    let mut wd = day.weekday();
    if wrong_weekday {
        wd = (wd + 1 + rng.below(6)) % 7;
    }
    date_form(day.y, day.m, day.d, wd, rng.below(DATE_FORMS))
}

/// What a subject (one resolution) really was.
pub(crate) struct Subject {
    pub(crate) name: String,
    pub(crate) unsc: bool,
    pub(crate) day: Day,
    pub(crate) yes: u32,
    pub(crate) no: u32,
    pub(crate) abstain: u32,
    pub(crate) outcome: &'static str,
    pub(crate) veto: Option<usize>,
    pub(crate) title: String,
    pub(crate) drafter: usize,
    pub(crate) meeting: u32,
    pub(crate) nth: u32,
    pub(crate) claims: u32,
}

pub(crate) fn title_words(rng: &mut Rng, words: &[&str], n: usize) -> String {
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

pub(crate) fn make_subject(k: usize, rng: &mut Rng, words: &[&str]) -> Subject {
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

pub(crate) fn sentence(rng: &mut Rng, words: &[&str], out: &mut String) {
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
pub(crate) fn source_text(seed: u64, words: &[&str]) -> String {
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
pub(crate) fn quote_from(rng: &mut Rng, text: &str) -> String {
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
pub(crate) enum Pred {
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

pub(crate) struct ClaimMeta {
    pub(crate) line: u32,
    pub(crate) subject: u32,
    pub(crate) source: u32,
    pub(crate) pred: Pred,
}

pub(crate) struct SourceMeta {
    pub(crate) line: u32,
    pub(crate) text_seed: Option<u64>,
    pub(crate) cites: bool,
}

pub(crate) fn source_id(line: u32) -> String {
    format!("src-{line:07}")
}
pub(crate) fn claim_id(line: u32) -> String {
    format!("clm-{line:07}")
}

pub(crate) fn true_vote(s: &Subject, k: usize, member: usize) -> &'static str {
    if s.veto == Some(member) {
        return "no";
    }
    if s.abstain > 2 && (k * 31 + member * 17).is_multiple_of(7) {
        return "abstain";
    }
    "yes"
}

pub(crate) fn vote_word(rng: &mut Rng, vote: &str) -> &'static str {
    let words = vote_words(vote);
    words[rng.below(words.len())]
}

/// The predicate and value of a claim about subject `k`: the truth, or (`wrong`) not.
pub(crate) fn claim_value(
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

pub(crate) fn random_pred(rng: &mut Rng, unsc: bool) -> Pred {
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
pub(crate) struct Generated {
    pub(crate) input: PathBuf,
    pub(crate) input_bytes: u64,
    pub(crate) text_bytes: u64,
    pub(crate) sources: usize,
    pub(crate) claims: usize,
    pub(crate) corrections: usize,
    pub(crate) retractions: usize,
    pub(crate) subjects: usize,
    /// A subject with a typical number of claims.
    pub(crate) sample_subject: String,
    pub(crate) sample_subject_claims: u32,
    /// A claim near the middle of the log.
    pub(crate) sample_claim: String,
    /// A claim near the middle whose source cites others.
    pub(crate) audit_claim: String,
    /// A source near the end, for new claims.
    pub(crate) late_source: String,
}

pub(crate) fn generate(n: usize, seed: u64, path: &Path) -> Res<Generated> {
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
        // `Some(old)`: this line is a claim (superseding `old`, if any) rather than `rec`.
        let mut claim_line: Option<Option<u32>> = None;
        'record: {
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
                    // Already retracted: write a plain claim instead.
                    claim_line = Some(None);
                    break 'record;
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
                claim_line = Some(old);
            } else {
                claim_line = Some(None);
            }
        }
        // A claim line (a correction when it supersedes one) rather than the record built above.
        if let Some(old) = claim_line {
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
pub(crate) fn write_claim(
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
