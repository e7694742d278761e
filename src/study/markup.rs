//! A passage's source as the reader shows it. An anchor's `exact` is a
//! slice of the document's source; in Markdown (and the formats converted
//! to it) the slice may start or end inside emphasis, a link or a code
//! span whose other marker lies outside it: a note on a glossary entry's
//! first sentence starts after the `**` that opens the term and takes the
//! `**` that closes it, and read alone that `**` is text. Read with the
//! text around it (the anchor's prefix and suffix), the markers are
//! known for what they are and left out.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use crate::storage::Anchor;
use crate::study::review::cards::BLANK;
use crate::text::format::Format;

/// Whether a document's passages are Markdown source: Markdown files, and
/// web pages, EPUBs and PDFs, which are converted to Markdown.
pub fn reads_as_markdown(document: &str) -> bool {
    Format::from_path(Path::new(document)) != Format::Text
}

/// `exact` without the markers of the inline markup it is only partly
/// inside, found by reading it between `before` and `after` (an anchor's
/// prefix and suffix) as the reader does. Markup wholly inside it is kept,
/// for the caller's own reading of it as Markdown.
pub fn within<'a>(before: &str, exact: &'a str, after: &str) -> Cow<'a, str> {
    // Only these begin or end inline markup.
    if !exact.contains(['*', '_', '~', '`', '[', ']', '<', '>', ')']) {
        return Cow::Borrowed(exact);
    }
    let source = format!("{before}{exact}{after}");
    let inside = before.len()..before.len() + exact.len();
    let mut cut: Vec<Range<usize>> = Vec::new();
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(&source, opts).into_offset_iter() {
        let partly = range.start < inside.end
            && range.end > inside.start
            && (range.start < inside.start || range.end > inside.end);
        if !partly || range.len() < 2 {
            continue;
        }
        let text = &source[range.clone()];
        let (open, close) = match event {
            Event::Start(Tag::Emphasis) => (1, 1),
            Event::Start(Tag::Strong) => (2, 2),
            Event::Start(Tag::Strikethrough) => (run(text, b'~'), run_end(text, b'~')),
            Event::Code(_) => (run(text, b'`'), run_end(text, b'`')),
            Event::Start(Tag::Link { link_type, .. } | Tag::Image { link_type, .. }) => {
                match link_type {
                    LinkType::Autolink | LinkType::Email => (1, 1),
                    _ => {
                        let open = if text.starts_with('!') { 2 } else { 1 };
                        // The text ends at the last `]` (a link's text may
                        // hold brackets; its destination holds none).
                        let close = text.rfind(']').map_or(0, |i| text.len() - i);
                        (open, close)
                    }
                }
            }
            _ => continue,
        };
        let open = open.min(range.len());
        let close = close.min(range.len() - open);
        for r in [
            range.start..range.start + open,
            range.end - close..range.end,
        ] {
            // Markers are ASCII; a range that is not whole characters is
            // not one (and cannot be cut out of a `str`).
            if source.is_char_boundary(r.start) && source.is_char_boundary(r.end) {
                cut.push(r);
            }
        }
    }
    if cut.is_empty() {
        return Cow::Borrowed(exact);
    }
    let mut out = String::with_capacity(exact.len());
    let mut at = inside.start;
    cut.sort_by_key(|r| r.start);
    for r in cut {
        let (s, e) = (r.start.max(at), r.end.min(inside.end));
        if s >= e {
            continue;
        }
        out.push_str(&source[at..s]);
        at = e;
    }
    if at < inside.end {
        out.push_str(&source[at..inside.end]);
    }
    Cow::Owned(out)
}

/// `a` with its prefix, passage and suffix each without the markers of
/// markup that reaches past its ends ([`within`]): for what is made from
/// all three, as a review card's front (a highlight's words before the
/// blank ended in the `**` opening a term).
pub fn anchor_as_shown(a: &Anchor) -> Anchor {
    let after = format!("{}{}", a.exact, a.suffix);
    let before = format!("{}{}", a.prefix, a.exact);
    Anchor {
        prefix: within("", &a.prefix, &after).into_owned(),
        exact: within(&a.prefix, &a.exact, &a.suffix).into_owned(),
        suffix: within(&before, &a.suffix, "").into_owned(),
        ..a.clone()
    }
}

/// A passage of Markdown as the reader shows its words: emphasis, code
/// and link markers gone, line breaks as spaces, blank lines kept. The
/// blank of a highlight's card is kept as it is.
pub fn plain(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let one = |part: &str| {
        let mut out = String::with_capacity(part.len());
        for event in Parser::new(part) {
            match event {
                Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                    out.push_str(&t)
                }
                Event::SoftBreak | Event::HardBreak => out.push(' '),
                Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                    out.push_str("\n\n")
                }
                Event::Start(Tag::Item) => out.push_str("• "),
                _ => {}
            }
        }
        // Words either side of a blank keep their space.
        let lead = if part.starts_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        let tail = if part.ends_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        format!("{lead}{}{tail}", out.trim())
    };
    text.split(BLANK).map(one).collect::<Vec<_>>().join(BLANK)
}

/// `text` (an anchor's prefix or suffix, whose lines are squeezed into
/// one for a card's front) without the marks that begin a line of Markdown
/// and read as no words: a heading's `#`s, a quote's `>`, a list item's
/// bullet or number, and the lines that are only a rule or a code fence.
/// Squeezed in the middle of a line, they were read as text: the front of
/// a highlight just after the glossary's letter heading showed "… 1929.
/// ## D …". The first line is left alone: it is the middle of a line (a
/// prefix is cut at a count of characters, a suffix starts where the
/// passage ends).
pub fn without_line_marks(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str(line);
            continue;
        }
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(line_start(body));
        out.push_str(end);
    }
    Cow::Owned(out)
}

/// `line` after the marks that begin it: up to three spaces, quote marks,
/// then a heading's `#`s or a list item's bullet or number (each followed
/// by a space, or ending the line); nothing of a rule or a fence.
fn line_start(line: &str) -> &str {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return line;
    }
    let mut rest = &line[indent..];
    while let Some(r) = rest.strip_prefix('>') {
        rest = r.strip_prefix(' ').unwrap_or(r);
    }
    // A rule or a fence is all mark: the line goes, its break kept.
    if is_rule_or_fence(rest) {
        return "";
    }
    let hashes = run(rest, b'#');
    if (1..=6).contains(&hashes)
        && let Some(after) = after_mark(rest, hashes)
    {
        return after;
    }
    if rest.starts_with(['-', '*', '+'])
        && let Some(after) = after_mark(rest, 1)
    {
        return after;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits)
        && rest[digits..].starts_with(['.', ')'])
        && let Some(after) = after_mark(rest, digits + 1)
    {
        return after;
    }
    rest
}

/// `r` after its first `n` bytes, a mark, when a space or the line's end
/// follows them.
fn after_mark(r: &str, n: usize) -> Option<&str> {
    let after = &r[n..];
    (after.is_empty() || after.starts_with([' ', '\t'])).then(|| after.trim_start())
}

/// A thematic break or setext underline (`---`, `***`, `___`, `===`,
/// spaces allowed between) or a code fence (three or more backticks or
/// tildes, perhaps followed by a language).
fn is_rule_or_fence(line: &str) -> bool {
    let line = line.trim();
    let fence = run(line, b'`').max(run(line, b'~')) >= 3;
    let rule = ['-', '*', '_', '='].iter().any(|&m| {
        line.chars().filter(|&c| c == m).count() >= 3 && line.chars().all(|c| c == m || c == ' ')
    });
    fence || rule
}

/// How many `c` start `text`.
fn run(text: &str, c: u8) -> usize {
    text.bytes().take_while(|&b| b == c).count()
}

/// How many `c` end `text`.
fn run_end(text: &str, c: u8) -> usize {
    text.bytes().rev().take_while(|&b| b == c).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The passage read alone, as the export and the review read it.
    fn shown(before: &str, exact: &str, after: &str) -> String {
        crate::study::export::rendered(&within(before, exact, after))
    }

    #[test]
    fn a_passage_that_starts_in_a_bold_term_reads_without_its_markers() {
        let before = "Jewish.\n\n**";
        let exact = "Cult of personality** The phrase Khrushchev used in 1956.";
        assert_eq!(
            shown(before, exact, " The cult had"),
            "Cult of personality The phrase Khrushchev used in 1956."
        );
        // Read alone, the marker was text.
        assert!(crate::study::export::rendered(exact).contains("**"));
    }

    #[test]
    fn markers_outside_either_end_go_and_markup_inside_stays() {
        let cases = [
            // Emphasis closing inside, a word in italics wholly inside.
            (
                "the *long ",
                "war* and the *kulaks* too",
                " ever",
                "war and the kulaks too",
            ),
            // Emphasis opening inside, closing after.
            (
                "It was ",
                "the **great turn",
                "** of 1929.",
                "the great turn",
            ),
            // A link whose text the passage starts in.
            (
                "See [the ",
                "decree](https://example.org/d) of 1918.",
                "",
                "decree of 1918.",
            ),
            // A link whose text the passage ends in.
            (
                "",
                "Read [the decree",
                "](https://example.org) now.",
                "Read the decree",
            ),
            // Code opening before the passage.
            ("call `grep ", "-r` to find it", "", "-r to find it"),
            // Strikethrough closing inside.
            ("a ~~struck ", "word~~ here", "", "word here"),
            // Nothing crosses: left alone.
            (
                "",
                "a **bold** and *italic* word",
                "",
                "a bold and italic word",
            ),
            // Not markup at all.
            ("2 * ", "3 * 3 = 9 and a_b_c", "", "3 * 3 = 9 and a_b_c"),
        ];
        for (before, exact, after, want) in cases {
            assert_eq!(
                shown(before, exact, after),
                want,
                "{before:?} {exact:?} {after:?}"
            );
        }
    }

    /// Marks that begin a line go (headings, quotes, bullets, numbers,
    /// rules, fences); the first line, the middle of one, and words that
    /// only start like a mark stay.
    #[test]
    fn line_marks_are_left_out_after_the_first_line() {
        let cases = [
            ("1929.\n\n## D\n\n", "1929.\n\nD\n\n"),
            ("## not a start\n# Title", "## not a start\nTitle"),
            (
                "a\n> > quoted\n>\n- one\n* two\n+ three",
                "a\nquoted\n\none\ntwo\nthree",
            ),
            (
                "a\n1. first\n12) twelfth\n   - indented",
                "a\nfirst\ntwelfth\nindented",
            ),
            ("a\n---\n* * *\n```rust\ncode\n~~~", "a\n\n\n\ncode\n"),
            (
                "a\n#hashtag\n-minus\n1917. was\n*emphasis*",
                "a\n#hashtag\n-minus\nwas\n*emphasis*",
            ),
            ("a\n    ## code, indented", "a\n    ## code, indented"),
            ("no break ## here", "no break ## here"),
        ];
        for (text, want) in cases {
            assert_eq!(without_line_marks(text), want, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Any text, cut anywhere into before, passage and after: reading
        /// it never fails, and only takes characters out of the passage,
        /// in order.
        #[test]
        fn only_markers_are_taken_out(
            text in "[*_~`\\[\\]()<>!a-z é漢\n]{0,40}",
            a in 0usize..41,
            b in 0usize..41,
        ) {
            let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let (a, b) = (cuts[a % cuts.len()], cuts[b % cuts.len()]);
            let (a, b) = (a.min(b), a.max(b));
            let out = within(&text[..a], &text[a..b], &text[b..]);
            let mut rest = text[a..b].chars();
            for c in out.chars() {
                proptest::prop_assert!(rest.any(|r| r == c), "{out:?} is not taken from {:?}", &text[a..b]);
            }
        }
    }

    #[test]
    fn markdown_markers_go_and_the_blank_stays() {
        assert_eq!(
            plain("In **September 1918** the ____ of the `Cheka`."),
            "In September 1918 the ____ of the Cheka."
        );
        assert_eq!(plain("____ by Dzerzhinsky"), "____ by Dzerzhinsky");
        assert_eq!(
            plain("a [link](http://x) and *more*\nnext"),
            "a link and more next"
        );
    }

    #[test]
    fn plain_text_is_borrowed_and_only_converted_formats_read_as_markdown() {
        assert!(matches!(
            within("**a ", "plain words", " b**"),
            Cow::Borrowed(_)
        ));
        for (doc, md) in [
            ("essays/a.md", true),
            ("page.HTML", true),
            ("book.epub", true),
            ("paper.pdf", true),
            ("notes.txt", false),
            ("README", false),
        ] {
            assert_eq!(reads_as_markdown(doc), md, "{doc}");
        }
    }
}
