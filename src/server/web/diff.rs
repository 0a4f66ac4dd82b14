//! A line diff of two archived texts, for a source's versions: lines the later text dropped in
//! `<del>`, lines it added in `<ins>`, the rest as they were; everything escaped.

use super::escape::esc;

/// One line of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    /// In both texts.
    Same(&'a str),
    /// Only in the earlier text.
    Removed(&'a str),
    /// Only in the later text.
    Added(&'a str),
}

/// Most cells of the longest-common-subsequence table; a larger middle (after the common
/// start and end are taken off) is shown as removed then added whole.
const MAX_CELLS: usize = 4_000_000;

/// The lines of `old` and `new`, each marked same, removed or added (a longest common
/// subsequence of lines is kept).
pub fn lines<'a>(old: &'a str, new: &'a str) -> Vec<Line<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[start..a.len() - end], &b[start..b.len() - end]);
    let mut out: Vec<Line> = a[..start].iter().map(|l| Line::Same(l)).collect();
    if (ma.len() + 1) * (mb.len() + 1) > MAX_CELLS {
        out.extend(ma.iter().map(|l| Line::Removed(l)));
        out.extend(mb.iter().map(|l| Line::Added(l)));
    } else {
        // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                out.push(Line::Same(ma[i]));
                i += 1;
                j += 1;
            } else if i < ma.len() && (j == mb.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                // Removed lines before the added ones that replace them.
                out.push(Line::Removed(ma[i]));
                i += 1;
            } else {
                out.push(Line::Added(mb[j]));
                j += 1;
            }
        }
    }
    out.extend(a[a.len() - end..].iter().map(|l| Line::Same(l)));
    out
}

/// The diff as HTML for a `<pre>`: one line each, removed in `<del>`, added in `<ins>`.
pub fn html(old: &str, new: &str) -> String {
    let mut s = String::new();
    for l in lines(old, new) {
        match l {
            Line::Same(t) => s.push_str(&format!("<span class=\"same\">  {}</span>\n", esc(t))),
            Line::Removed(t) => s.push_str(&format!("<del>- {}</del>\n", esc(t))),
            Line::Added(t) => s.push_str(&format!("<ins>+ {}</ins>\n", esc(t))),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use Line::*;

    #[test]
    fn a_changed_line_is_removed_then_added_and_the_rest_kept() {
        let old = "title\nadopted on Monday\n13 votes\nend";
        let new = "title\nadopted on Tuesday\n13 votes\nnew line\nend";
        assert_eq!(
            lines(old, new),
            [
                Same("title"),
                Removed("adopted on Monday"),
                Added("adopted on Tuesday"),
                Same("13 votes"),
                Added("new line"),
                Same("end")
            ]
        );
        assert_eq!(lines("a\nb", "a\nb"), [Same("a"), Same("b")]);
        assert_eq!(lines("", "x"), [Added("x")]);
        assert_eq!(lines("x\ny", ""), [Removed("x"), Removed("y")]);
    }

    #[test]
    fn the_diff_is_escaped() {
        let h = html("<b>", "<script>alert(1)</script>");
        assert_eq!(
            h,
            "<del>- &lt;b&gt;</del>\n<ins>+ &lt;script&gt;alert(1)&lt;/script&gt;</ins>\n"
        );
    }
}
