//! The report: one row a measurement, statistics over samples, and the table and JSON printed.

use super::*;

// ---------------------------------------------------------------------------------------------
// Measurements and output

pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) system: &'static str,
    pub(crate) events: u64,
    pub(crate) per_second: Option<f64>,
    pub(crate) ms: Option<f64>,
    pub(crate) ratio_to_peer: Option<f64>,
    pub(crate) ratio_to_limit: Option<f64>,
    /// What the table shows in the result column.
    pub(crate) shown: String,
    pub(crate) target: Option<String>,
    pub(crate) met: Option<bool>,
    pub(crate) extra: Map<String, Json>,
}

impl Row {
    pub(crate) fn new(name: &'static str, system: &'static str, events: u64) -> Row {
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
    pub(crate) fn rate(mut self, per_second: f64) -> Row {
        self.per_second = Some(per_second);
        self.shown = format!("{} ev/s", thousands(per_second));
        self
    }
    pub(crate) fn millis(mut self, ms: f64) -> Row {
        self.ms = Some(ms);
        self.shown = format!("{ms:.1} ms");
        self
    }
    pub(crate) fn latency(mut self, samples: &mut [f64]) -> Row {
        samples.sort_by(f64::total_cmp);
        let (p50, p99) = (pct(samples, 0.50), pct(samples, 0.99));
        self.ms = Some(p50);
        self.shown = format!("p50 {p50:.2} ms, p99 {p99:.2} ms");
        self.extra.insert("p50_ms".into(), json!(round3(p50)));
        self.extra.insert("p99_ms".into(), json!(round3(p99)));
        self.extra.insert("runs".into(), json!(samples.len()));
        self
    }
    pub(crate) fn with(mut self, key: &str, v: Json) -> Row {
        self.extra.insert(key.into(), v);
        self
    }
    pub(crate) fn target(mut self, text: &str, met: bool) -> Row {
        self.target = Some(text.into());
        self.met = Some(met);
        self
    }
    pub(crate) fn to_json(&self) -> Json {
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

pub(crate) fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

pub(crate) fn pct(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

pub(crate) fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    pct(samples, 0.5)
}

pub(crate) fn thousands(v: f64) -> String {
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

pub(crate) fn load1() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub(crate) fn load1_text() -> String {
    load1().map_or("load ?".into(), |l| format!("load {l:.2}"))
}

pub(crate) fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

pub(crate) fn git_commit() -> String {
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

pub(crate) fn cpu_model() -> String {
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

pub(crate) fn render_table(header: &str, rows: &[Row]) -> String {
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
