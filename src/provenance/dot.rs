//! Graphviz DOT for provenance pictures: claims, sources and citations, with primary sources,
//! retracted ones, missing ones and loops drawn so they stand apart.

use crate::model::event::SourceKind;
use crate::projection::{ClaimState, Liveness, SourceState};
use crate::provenance::{Chain, ChainProblem};
use std::collections::BTreeSet;
use std::fmt::Write;

/// A graph being drawn.
#[derive(Default)]
pub struct Dot {
    nodes: Vec<String>,
    edges: Vec<String>,
    seen: BTreeSet<String>,
}

/// Escapes a string for a DOT double-quoted id or label. Inside quotes `\"` is a literal quote,
/// and doubling every backslash keeps one from escaping the closing quote or forming `\N`-style
/// label substitutions. A
/// newline becomes a label line break (`\n`); other controls and bidi overrides (see
/// [`crate::terminal`]) are shown visibly (`\x1b`), so a label can neither break out of its
/// quotes nor drive the terminal the DOT text is printed on.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if crate::terminal::is_unsafe(c) => {
                let mut buf = [0u8; 4];
                let shown = crate::terminal::escape(c.encode_utf8(&mut buf));
                out.push_str(&shown.replace('\\', "\\\\"));
            }
            c => out.push(c),
        }
    }
    out
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

impl Dot {
    /// Adds a claim node.
    pub fn claim(&mut self, c: &ClaimState, status: Liveness, flagged: bool) {
        let id = format!("claim:{}", c.claim.id);
        if !self.seen.insert(id.clone()) {
            return;
        }
        let label = format!(
            "{}\n{} {}\n= {}",
            c.claim.id,
            short(&c.claim.subject, 40),
            c.claim.predicate,
            short(&c.claim.value.display(), 48)
        );
        let mut style = vec!["shape=note", "fontsize=10"];
        if status != Liveness::Live {
            style.push("style=dashed");
            style.push("color=gray50");
            style.push("fontcolor=gray40");
        } else if flagged {
            style.push("color=red");
            style.push("penwidth=2");
        }
        let status_line = if status == Liveness::Live {
            String::new()
        } else {
            format!("\n({})", status.as_str())
        };
        self.nodes.push(format!(
            "  \"{}\" [label=\"{}{}\", {}];",
            esc(&id),
            esc(&label),
            esc(&status_line),
            style.join(", ")
        ));
        let to = format!("source:{}", c.claim.source);
        self.edges.push(format!(
            "  \"{}\" -> \"{}\" [label=\"from\", fontsize=9];",
            esc(&id),
            esc(&to)
        ));
    }

    /// Adds a source node (`None` state: cited but not in the ledger).
    pub fn source(&mut self, id: &str, state: Option<&SourceState>, in_loop: bool) {
        let node = format!("source:{id}");
        if !self.seen.insert(node.clone()) {
            return;
        }
        let (label, style) = match state {
            None => (
                format!("{id}\n(missing from the ledger)"),
                "shape=ellipse, style=dotted, color=gray40, fontcolor=gray40".to_string(),
            ),
            Some(s) => {
                let title = s
                    .source
                    .title
                    .as_deref()
                    .or(s.source.publisher.as_deref())
                    .unwrap_or("");
                let mut label = format!("{id}\n{}", short(title, 40));
                let mut style = match s.source.kind {
                    SourceKind::Primary => {
                        label.push_str("\n[primary]");
                        "shape=box, style=\"filled,bold\", fillcolor=\"#d8f0d8\", color=\"#2e7d32\""
                            .to_string()
                    }
                    SourceKind::Secondary => "shape=ellipse".to_string(),
                };
                if s.retracted_at.is_some() {
                    label.push_str("\n(retracted)");
                    style = format!("{style}, color=red, fontcolor=red, style=dashed");
                }
                if in_loop {
                    label.push_str("\n(part of a loop)");
                    style.push_str(", peripheries=2, color=red");
                }
                (label, style)
            }
        };
        self.nodes.push(format!(
            "  \"{}\" [label=\"{}\", {}];",
            esc(&node),
            esc(&label),
            style
        ));
    }

    /// Adds a citation edge.
    pub fn cites(&mut self, from: &str, to: &str, missing: bool, in_loop: bool) {
        let key = format!("cites:{from}->{to}");
        if !self.seen.insert(key) {
            return;
        }
        let style = if missing {
            "style=dotted, color=red, label=\"dangling\", fontsize=9"
        } else if in_loop {
            "color=red, penwidth=2, label=\"loop\", fontsize=9"
        } else {
            "label=\"cites\", fontsize=9"
        };
        self.edges.push(format!(
            "  \"source:{}\" -> \"source:{}\" [{}];",
            esc(from),
            esc(to),
            style
        ));
    }

    /// Draws a chain: its sources, with loop members marked, and its citations.
    pub fn chain(&mut self, chain: &Chain) {
        let loop_members: Vec<&String> = chain
            .problems
            .iter()
            .flat_map(ChainProblem::loop_members)
            .collect();
        for l in &chain.links {
            self.source(&l.id, l.state.as_ref(), l.in_loop);
        }
        for (from, to) in &chain.edges {
            let missing = chain.links.iter().any(|l| &l.id == to && l.state.is_none());
            let in_loop = loop_members.contains(&from) && loop_members.contains(&to);
            self.cites(from, to, missing, in_loop);
        }
    }

    /// The finished DOT text.
    pub fn finish(&self, title: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "digraph provenance {{");
        let _ = writeln!(out, "  label=\"{}\";", esc(title));
        let _ = writeln!(out, "  labelloc=t; rankdir=LR; node [fontname=\"Helvetica\"]; edge [fontname=\"Helvetica\"];");
        for n in &self.nodes {
            let _ = writeln!(out, "{n}");
        }
        for e in &self.edges {
            let _ = writeln!(out, "{e}");
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_leave_their_quotes_or_drive_a_terminal() {
        assert_eq!(esc(r#"a"b\"#), r#"a\"b\\"#);
        assert_eq!(esc("t\\"), "t\\\\");
        assert_eq!(esc("one\ntwo"), "one\\ntwo");
        assert_eq!(esc("x\x1b[2J\u{202e}"), "x\\\\x1b[2J\\\\u{202e}");
        let mut d = Dot::default();
        d.cites("a\" -> \"b", "c\x1b", false, false);
        let text = d.finish("t\"");
        assert!(!text
            .chars()
            .any(|c| crate::terminal::is_unsafe(c) && c != '\n'));
        assert!(
            text.contains(r#""source:a\" -> \"b" -> "source:c\\x1b""#),
            "{text}"
        );
    }
}
