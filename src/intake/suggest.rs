//! Near misses: how far one word is from another, and which known words a mistyped one is
//! closest to. Used for `did you mean` in messages about fields, predicates and members.

/// Edit distance between `a` and `b` (insertions, deletions, substitutions and swaps of two
/// neighbouring characters each count one), by character.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the optimal-string-alignment table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

/// The candidates closest to `word` (compared case-insensitively), nearest first, at most
/// `max_distance` edits away and at most `limit` of them.
pub(crate) fn closest<'a, I>(
    word: &str,
    candidates: I,
    max_distance: usize,
    limit: usize,
) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word = word.to_lowercase();
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        .map(|c| (distance(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= max_distance)
        .collect();
    scored.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(y.1)));
    scored.dedup_by(|x, y| x.1 == y.1);
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

/// ` (did you mean 'x'?)` for the nearest field name within two edits, or nothing.
pub(crate) fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match closest(word, candidates.iter().copied(), 2, 1).first() {
        Some(c) => format!(" (did you mean '{c}'?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_counted_once_each() {
        assert_eq!(distance("date", "date"), 0);
        assert_eq!(distance("dte", "date"), 1);
        assert_eq!(distance("dtae", "date"), 1);
        assert_eq!(distance("untied states", "united states"), 1);
        assert_eq!(distance("note", "date"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_orders_by_distance_then_name() {
        let names = ["subject", "source", "supersedes", "value"];
        assert_eq!(closest("subjet", names, 2, 3), vec!["subject"]);
        assert_eq!(closest("SOURCE", names, 0, 3), vec!["source"]);
        assert!(closest("zzzzzz", names, 2, 3).is_empty());
        assert_eq!(did_you_mean("vlaue", &names), " (did you mean 'value'?)");
        assert_eq!(did_you_mean("colour", &names), "");
    }
}
