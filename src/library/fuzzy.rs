//! Fuzzy filtering of the library list as the user types (`/` in the
//! Library pane), with the `nucleo-matcher` crate (helix's matcher, fzf's
//! scoring): best matches first, on the title or the file name.
//!
//! Each word of the query must match, in order of its letters but with gaps
//! allowed; case is smart (a capital makes the word case-exact) and accents
//! fold (`ecole` finds `École`), as in the document search.

use std::cmp::Reverse;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Indices of the `(title, file name)` items matching `query`, best first
/// (ties keep the list order). An empty query keeps every item in order.
///
/// Scoring 10,000 items takes a few milliseconds, so this can run on the
/// input thread per keystroke; the matchers' buffers are made per call.
pub fn filter<T: AsRef<str>, N: AsRef<str>>(items: &[(T, N)], query: &str) -> Vec<usize> {
    let pattern = Pattern::new(
        query,
        CaseMatching::Smart,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    if pattern.atoms.is_empty() {
        return (0..items.len()).collect();
    }
    let mut config = Config::DEFAULT;
    // A small bonus for matching near the start: people type the first
    // words of a title.
    config.prefer_prefix = true;
    let mut titles = Matcher::new(config);
    // File names are paths inside the library folder: `/` separates words.
    let mut names = Matcher::new(Config::DEFAULT.match_paths());
    let mut buf = Vec::new();
    let mut scored: Vec<(usize, u32)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, (title, name))| {
            let (title, name) = (title.as_ref(), name.as_ref());
            let t = pattern.score(Utf32Str::new(title, &mut buf), &mut titles);
            let n = pattern.score(Utf32Str::new(name, &mut buf), &mut names);
            // A query may mix words of the title and of the file name.
            let both = || {
                let joined = format!("{title} {name}");
                pattern.score(Utf32Str::new(&joined, &mut buf), &mut titles)
            };
            t.max(n).or_else(both).map(|s| (i, s))
        })
        .collect();
    scored.sort_by_key(|&(i, s)| (Reverse(s), i));
    scored.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &[(&str, &str)] = &[
        ("The Red Terror", "red-terror.md"),
        ("Hostages and camps", "term-1/essays/hostages.md"),
        ("École et révolution", "ecole.txt"),
        ("Reading notes", "notes.txt"),
        ("Terror", "t.md"),
        ("The fall of the tsar", "term-2/articles/fall.md"),
    ];

    fn titles(q: &str) -> Vec<&'static str> {
        filter(LIB, q).into_iter().map(|i| LIB[i].0).collect()
    }

    #[test]
    fn empty_query_keeps_everything_in_order() {
        assert_eq!(filter(LIB, ""), (0..LIB.len()).collect::<Vec<_>>());
        assert_eq!(filter(LIB, "   ").len(), LIB.len());
    }

    #[test]
    fn best_matches_come_first() {
        let got = titles("terror");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], "Terror", "the exact title ranks above a longer one");
        assert_eq!(titles("redter"), vec!["The Red Terror"], "gaps are allowed");
    }

    #[test]
    fn file_names_match_too() {
        assert_eq!(titles("hostages.md"), vec!["Hostages and camps"]);
        assert_eq!(titles("articles"), vec!["The fall of the tsar"]);
        assert_eq!(
            titles("fall term-2"),
            vec!["The fall of the tsar"],
            "title and name words mix"
        );
    }

    #[test]
    fn smart_case_and_accents() {
        assert_eq!(titles("ecole"), vec!["École et révolution"]);
        assert_eq!(titles("revolution"), vec!["École et révolution"]);
        assert!(titles("READING").is_empty(), "a capital is case-exact");
        assert_eq!(titles("Reading"), vec!["Reading notes"]);
    }

    #[test]
    fn owned_strings_work_and_no_match_is_empty() {
        let owned: Vec<(String, String)> = LIB
            .iter()
            .map(|(t, n)| (t.to_string(), n.to_string()))
            .collect();
        assert_eq!(filter(&owned, "xyzzy"), Vec::<usize>::new());
        assert_eq!(filter(&owned, "notes").first(), Some(&3));
    }
}
