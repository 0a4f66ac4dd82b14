//! Source chains drawn by the server as SVG: one box per source in the chain (depth first, each
//! indented under the source that cites it), lines for citations, and the same facts in words
//! beside the shapes (primary, missing, retracted, loop), so the picture reads without colour.
//! Each box links to its source's page. Every id and word is escaped.

use super::escape::{esc, url};
use crate::provenance::{Chain, ChainProblem};

const ROW: usize = 58;
const BOX_H: usize = 44;
const INDENT: usize = 30;
const CHAR_W: usize = 8;
const PAD: usize = 10;

/// The chain as an SVG picture.
pub fn chain(chain: &Chain) -> String {
    let n = chain.links.len();
    if n == 0 {
        return String::new();
    }
    let widths: Vec<usize> = chain
        .links
        .iter()
        .map(|l| {
            let words = l.markers().join(", ");
            let chars = l.id.chars().count().max(words.chars().count());
            chars * CHAR_W + 2 * PAD
        })
        .collect();
    let width = chain
        .links
        .iter()
        .zip(&widths)
        .map(|(l, w)| PAD + l.depth * INDENT + w)
        .max()
        .unwrap_or(0)
        + PAD;
    let height = n * ROW + PAD;
    let mut s = format!(
        "<div class=\"scroll\"><svg class=\"chain\" xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"chain-title\"><title id=\"chain-title\">Source chain from {}</title>",
        esc(&chain.root)
    );
    // Citation lines first, under the boxes.
    for (i, l) in chain.links.iter().enumerate() {
        if l.depth == 0 {
            continue;
        }
        let Some(parent) = (0..i).rev().find(|&j| chain.links[j].depth + 1 == l.depth) else {
            continue;
        };
        let px = PAD + chain.links[parent].depth * INDENT + 14;
        let py = PAD + parent * ROW + BOX_H;
        let cx = PAD + l.depth * INDENT;
        let cy = PAD + i * ROW + BOX_H / 2;
        s.push_str(&format!(
            "<path class=\"cites\" d=\"M{px} {py} V{cy} H{cx}\" fill=\"none\" stroke=\"#333\" \
             stroke-width=\"1.5\"/>"
        ));
    }
    for (i, (l, w)) in chain.links.iter().zip(&widths).enumerate() {
        let x = PAD + l.depth * INDENT;
        let y = PAD + i * ROW;
        let mut class = vec!["link"];
        let missing = l.state.is_none();
        let primary = l.is_live_primary();
        let retracted = l.state.as_ref().is_some_and(|s| s.retracted_at.is_some());
        if missing {
            class.push("missing");
        }
        if primary {
            class.push("primary");
        }
        if retracted {
            class.push("retracted");
        }
        if l.in_loop {
            class.push("loop");
        }
        let dash = if missing || retracted {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let stroke = if primary { "3" } else { "1.5" };
        let mut words = l.markers();
        if l.repeat {
            words.push("shown above");
        }
        let shape = format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{BOX_H}\" rx=\"6\" fill=\"#fff\" \
             stroke=\"#222\" stroke-width=\"{stroke}\"{dash}/>\
             <text x=\"{tx}\" y=\"{ty1}\" class=\"id\" font-family=\"monospace\" font-size=\"13\" \
             font-weight=\"bold\" fill=\"#111\">{id}</text>\
             <text x=\"{tx}\" y=\"{ty2}\" class=\"words\" font-family=\"monospace\" font-size=\"12\" \
             fill=\"#333\">{words}</text>",
            tx = x + PAD,
            ty1 = y + 18,
            ty2 = y + 35,
            id = esc(&l.id),
            words = esc(&words.join(", ")),
        );
        if missing {
            s.push_str(&format!("<g class=\"{}\">{shape}</g>", class.join(" ")));
        } else {
            s.push_str(&format!(
                "<a href=\"/sources/{}\" class=\"{}\">{shape}</a>",
                url(&l.id),
                class.join(" ")
            ));
        }
    }
    s.push_str("</svg></div>");
    s
}

/// The chain in words, for screen readers and for reading without the picture.
pub fn chain_list(chain: &Chain) -> String {
    let mut s =
        String::from("<details class=\"chain-words\"><summary>The chain in words</summary><ul>");
    for l in &chain.links {
        s.push_str(&format!(
            "<li class=\"depth-{}\">{}{} — {}</li>",
            l.depth.min(9),
            "↳ ".repeat(l.depth.min(1)),
            if l.state.is_some() {
                super::source_link(&l.id)
            } else {
                esc(&l.id)
            },
            esc(&l.markers().join(", "))
        ));
    }
    if !chain.problems.is_empty() {
        s.push_str("</ul><p>Problems:</p><ul>");
        for p in &chain.problems {
            let text = match p {
                ChainProblem::Dangling { source, missing } => {
                    format!("{source} cites {missing}, which is not in the ledger")
                }
                ChainProblem::Loop(ids) => format!("a citation loop: {}", ids.join(" → ")),
                ChainProblem::Retracted(id) => format!("passes through retracted source {id}"),
                ChainProblem::NoPrimary => "reaches no live primary source".into(),
            };
            s.push_str(&format!("<li>{}</li>", esc(&text)));
        }
    }
    s.push_str("</ul></details>");
    s
}
