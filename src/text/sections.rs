//! Where a big Markdown text may be cut into sections that pulldown-cmark
//! parses one at a time, to the same blocks as the whole (issue 12:
//! the parser's tree of a whole 7.6 MB file was 11 MB).
//!
//! A section ends before a line that starts a block no container can hold
//! and that nothing open can run into: the line before it is blank (a
//! paragraph, a table, a list item's lazy line, an indented code block,
//! a footnote's or an HTML block of kinds 6–7 all end there), and its
//! first character, in the first column, is a letter or `#` (not a list
//! marker, a quote's `>`, a table's `|`, an HTML tag's `<` or indentation,
//! each of which could continue something). What can still run over a
//! blank line, a fenced code block or an HTML block of kinds 1–5 (a
//! comment, `<pre>`, `<script>` …) left open, is seen in the section's own
//! events: a code or HTML block that reaches the section's end may go on
//! past it, and the section is made longer, to the next place it may end.
//!
//! Two things cross sections: reference links and footnotes. A reference
//! whose definition is in another section is resolved through the
//! parser's callback from the labels of every section's definitions
//! ([`sections_and_labels`], a first parse of a text that has any); a text
//! with footnotes (`[^`) is parsed whole, as the parser draws a reference
//! as a footnote only when its definition is in the same parse.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, Options, Parser, Tag};
use unicase::UniCase;

/// The labels of reference definitions anywhere in a text, as the parser
/// compares them (case folded, inner white space one space).
pub type Labels = HashSet<UniCase<String>>;

/// Whether `source` may be parsed in sections: it has no footnotes.
pub fn may_cut(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), b"[^").is_none()
}

/// Where the sections of `source` end, and the labels of the reference
/// definitions in them, each section parsed (its events not kept). Only
/// needed for a text with definitions (`]:`); for others the sections
/// are found as they are parsed ([`parse_section`]).
pub fn sections_and_labels(source: &str, size: usize, options: Options) -> (Vec<usize>, Labels) {
    let mut ends = Vec::new();
    let mut labels = Labels::new();
    let mut start = 0;
    while start < source.len() {
        let mut end = next_cut(source, start.saturating_add(size));
        loop {
            let text = &source[start..end];
            let mut events = Parser::new_ext(text, options).into_offset_iter();
            let runs_on = events.by_ref().any(|(e, r)| runs_on(&e, &r, text.len()));
            // The rest of the events, for the definitions at the end.
            events.by_ref().for_each(drop);
            if end == source.len() || !runs_on {
                labels.extend(
                    events
                        .reference_definitions()
                        .iter()
                        .map(|(l, _)| normal(l)),
                );
                break;
            }
            end = next_cut(source, end + 1);
        }
        ends.push(end);
        start = end;
    }
    (ends, labels)
}

/// Whether `source` may have reference definitions.
pub fn has_definitions(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), b"]:").is_some()
}

/// A label as labels are matched: case aside, white space runs as one
/// space, none at the ends.
fn normal(label: &str) -> UniCase<String> {
    UniCase::new(label.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The events of one section of a text.
pub type Events<'e, 'a> = &'e mut dyn Iterator<Item = (Event<'a>, Range<usize>)>;

/// Parses the section of `source` from `start`, handing its events to
/// `feed`, and says where it ends: at `end` when given (found by
/// [`sections_and_labels`]), else after at least `size` bytes unless the
/// text ends first, made longer while a code or HTML block may run on past
/// its end. A reference whose label is in `labels` (defined in another
/// section) is a link.
///
/// A section that may still be made longer is parsed into a list of its
/// events, looked at, then fed; one over twice `size` (a long table, a
/// long listing) is parsed twice instead, once to look and once to feed,
/// so that its events are never all held (a table of 20,000 rows was
/// 19 MB of them); a section that ends where it must is fed as parsed.
pub fn parse_section<'a>(
    source: &'a str,
    (start, end): (usize, Option<usize>),
    (size, options): (usize, Options),
    labels: &Labels,
    feed: &mut dyn FnMut(Events<'_, 'a>),
) -> usize {
    let fixed = end.is_some();
    let mut end = end.unwrap_or_else(|| next_cut(source, start.saturating_add(size)));
    loop {
        let text = &source[start..end];
        let resolve = |link: BrokenLink<'a>| {
            labels
                .contains(&normal(&link.reference))
                .then(|| (CowStr::from(""), CowStr::from("")))
        };
        let events = || {
            Parser::new_with_broken_link_callback(text, options, Some(resolve)).into_offset_iter()
        };
        let ends_here = |(e, r): &(Event<'_>, Range<usize>)| !runs_on(e, r, text.len());
        if fixed || end == source.len() {
            feed(&mut events());
            return end;
        }
        if text.len() <= size.saturating_mul(2) {
            let list: Vec<_> = events().collect();
            if list.iter().all(ends_here) {
                feed(&mut list.into_iter());
                return end;
            }
        } else if events().all(|ev| ends_here(&ev)) {
            feed(&mut events());
            return end;
        }
        end = next_cut(source, end + 1);
    }
}

/// Whether the event starts a code or HTML block that reaches the end of
/// its text (`len` bytes), where it may go on.
fn runs_on(event: &Event<'_>, range: &Range<usize>, len: usize) -> bool {
    matches!(event, Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock)) && range.end >= len
}

/// The first place at or after `from` where a section may end (see the
/// module's notes), or the end of the text.
fn next_cut(source: &str, from: usize) -> usize {
    let bytes = source.as_bytes();
    let mut at = from.min(bytes.len());
    // The start of the line from which to look.
    if at > 0 && bytes[at - 1] != b'\n' {
        at = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
    }
    while at < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        if starts_plainly(bytes[at]) && after_blank(bytes, at) {
            return at;
        }
        at = line_end;
    }
    bytes.len()
}

/// Whether a line starting with `b` starts a block that nothing open
/// before a blank line can hold: a letter (ASCII, or any character
/// beyond it) or an ATX heading's `#`.
fn starts_plainly(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'#' || b >= 0xC0
}

/// Whether the line before the one starting at `at` is blank (spaces and
/// tabs only).
fn after_blank(bytes: &[u8], at: usize) -> bool {
    let Some(before) = at.checked_sub(1) else {
        return false;
    };
    let prev_start = memchr::memrchr(b'\n', &bytes[..before]).map_or(0, |i| i + 1);
    bytes[prev_start..before]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::markdown::{OPTIONS, SECTION, parse_in_sections};
    use proptest::prelude::*;

    /// The blocks of `text` parsed whole and cut at every place it may
    /// be cut.
    fn both(
        text: &str,
    ) -> (
        Vec<crate::text::block::Block>,
        Vec<crate::text::block::Block>,
    ) {
        (
            parse_in_sections(text, usize::MAX),
            parse_in_sections(text, 1),
        )
    }

    #[test]
    fn the_essays_cut_everywhere_give_the_blocks_of_the_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
        let mut cut = 0;
        for entry in std::fs::read_dir(dir).expect("essays") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("essay");
            assert!(may_cut(&text), "{path:?} has footnotes");
            let (whole, cut_up) = both(&text);
            assert_eq!(whole, cut_up, "{path:?}");
            cut += 1;
        }
        assert!(cut >= 10, "{cut} essays");
    }

    /// Texts where a cut in the wrong place would change the blocks.
    const TRICKY: &[&str] = &[
        // A fence with blank lines and lines that look like a place to cut.
        "Intro\n\n```\ncode\n\nText inside the fence\n\n# not a heading\n```\n\nAfter\n",
        // A fence of tildes, longer closing fence, left open at the end.
        "A\n\n~~~~ rust\nx\n\nStill code\n~~~~~\n\nB\n\n```\nopen\n\nto the end\n",
        // An HTML comment over blank lines.
        "A\n\n<!-- a comment\n\nPlain words in it\n\n-->\n\nB *em*\n",
        "A\n\n<pre>\n\nWords\n\n</pre>\n\nB\n",
        // Lists and quotes ended by a paragraph, and lazy lines.
        "- one\n\n  two\n\nThree\n\n> quote\nlazy\n\nFour\n\n1. a\n\n2. b\n\nFive\n",
        // A loose list whose items are apart.
        "- a\n\n- b\n\nC\n",
        // Reference links defined after, before and in another section.
        "See [the text][t] and [Other].\n\nMiddle [t]\n\nEnd\n\n[t]: https://example.org \"T\"\n\n[other]:\n  /x\n",
        "[unknown] stays as it is\n\nNext [ALSO unknown][]\n",
        // Setext headings and a table.
        "Title\n=====\n\nSub\n---\n\nA | B\n--|--\n1 | 2\n\nAfter table\n",
        // Indented code and a heading.
        "    code\n\n    more\n\n# Heading\n\nText\n",
        // Windows line ends.
        "A\r\n\r\n```\r\nx\r\n\r\nY\r\n```\r\n\r\nB\r\n",
        // Non-ASCII first letters.
        "Пролог\n\nÉté\n\n日本語\n",
    ];

    #[test]
    fn tricky_texts_cut_everywhere_give_the_blocks_of_the_whole() {
        for text in TRICKY {
            let (whole, cut_up) = both(text);
            assert_eq!(whole, cut_up, "{text:?}");
        }
    }

    #[test]
    fn a_fence_left_open_makes_one_section_of_the_rest() {
        let text = "A\n\nB\n\n```\nx\n\nC\n\nD\n";
        let labels = Labels::new();
        let section =
            |start| parse_section(text, (start, None), (1, OPTIONS), &labels, &mut |_| {});
        // `A` alone is a section; from `B` the fence runs to the end.
        assert_eq!(section(0), 3);
        assert_eq!(section(3), text.len());
        // A closed fence is a section's end.
        let closed = "A\n\n```\nx\n\nC\n```\n\nD\n";
        let end = parse_section(closed, (0, None), (1, OPTIONS), &labels, &mut |_| {});
        assert_eq!(&closed[end..], "D\n");
    }

    #[test]
    fn places_to_cut_follow_a_blank_line_and_start_with_a_letter() {
        let text = "a\n\n- b\n\n> c\n\n|d|\n\n  e\n\nf\n";
        assert_eq!(next_cut(text, 1), text.find("f\n").expect("f"));
        assert_eq!(next_cut("a\nb\n", 1), 4);
    }

    #[test]
    fn footnotes_keep_a_text_whole() {
        assert!(!may_cut("A[^1]\n\nB\n\n[^1]: note\n"));
        assert!(may_cut("A\n\nB\n"));
    }

    #[test]
    fn labels_are_those_the_sections_define() {
        let text = "x\n\n[Some  Label]: /u\n\n> [q]: /v\n\n```\n[code]: /w\n```\n\ny\n";
        let (ends, labels) = sections_and_labels(text, 1, OPTIONS);
        assert_eq!(ends.last(), Some(&text.len()));
        assert!(ends.len() >= 2, "{ends:?}");
        assert!(labels.contains(&normal("some label")));
        assert!(labels.contains(&normal("Q")));
        assert!(
            !labels.contains(&normal("code")),
            "a code block defines nothing"
        );
    }

    #[test]
    fn a_big_file_is_parsed_in_sections_to_the_same_blocks() {
        let essay = include_str!("../../essays/10-the-gulag.md");
        let mut text = String::new();
        while text.len() < 3 * SECTION {
            text.push_str(essay);
            text.push_str("\n\n");
        }
        let sections = {
            let labels = Labels::new();
            let mut n = 0;
            let mut start = 0;
            while start < text.len() {
                start = parse_section(
                    &text,
                    (start, None),
                    (SECTION, OPTIONS),
                    &labels,
                    &mut |_| {},
                );
                n += 1;
            }
            n
        };
        assert!(sections >= 3, "{sections} sections");
        assert_eq!(
            crate::text::markdown::parse(&text),
            parse_in_sections(&text, usize::MAX)
        );
    }

    /// Pieces of Markdown whose meaning runs over blank lines or depends
    /// on what is around them.
    fn piece() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "Plain words",
            "Words with *emphasis* and `code`",
            "# Heading",
            "Setext\n===",
            "- item\n- item",
            "- item\n\n  more of it",
            "1. one\n2. two",
            "> quoted\nlazy",
            "```",
            "~~~",
            "    indented",
            "<!-- open",
            "-->",
            "<pre>",
            "</pre>",
            "<div>",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "[ref]: /url",
            "A [ref] link and [ref][] and [text][ref]",
            "[Other Ref]: /x \"t\"",
            "See [other   ref].",
            "Zürich",
            "---",
            "",
        ])
        .prop_map(str::to_string)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_text_cut_everywhere_gives_the_blocks_of_the_whole(
            pieces in prop::collection::vec((piece(), prop::bool::ANY), 1..40)
        ) {
            let mut text = String::new();
            for (p, blank) in &pieces {
                text.push_str(p);
                text.push_str(if *blank { "\n\n" } else { "\n" });
            }
            let (whole, cut_up) = both(&text);
            prop_assert_eq!(whole, cut_up, "{:?}", text);
        }
    }
}
