//! Hard-wrapped plain text (archive books wrapped at ~70 columns) →
//! re-flowed text: the lines of a paragraph joined into one, so the reader
//! wraps them at its own measure.
//!
//! Whether a file is hard-wrapped is decided once from the line-length
//! profile of its first part ([`wrap_width`]): most text lines end close
//! to one width and almost none are longer. Then a line is joined to the
//! next only when the next line's first word would not have fitted on it
//! (so the break was the wrapper's, not the author's): verse, short
//! lines, indented blocks, tables (runs of spaces), list items and
//! headings stay as they are. Texts of one paragraph per line (the bundled
//! essays) have no such width and are left byte for byte. A join only
//! turns a line break into a space, so offsets into an LF text do not move.
//! The Project Gutenberg header and licence are folded behind a one-line
//! marker.

/// How much of the text the profile looks at.
const PROFILE_BYTES: usize = 256 << 10;
/// Fewer text lines than this tell nothing about wrapping.
const MIN_LINES: usize = 20;
/// Wrap widths a hard-wrapped text can have.
const WIDTHS: std::ops::RangeInclusive<usize> = 40..=100;

/// The width the text was wrapped at, if it was: the length most lines
/// come close to and (almost) none exceed.
pub fn wrap_width(text: &str) -> Option<usize> {
    let mut head = &text[..floor_char(text, PROFILE_BYTES)];
    if let Some(i) = head.rfind('\n') {
        head = &head[..i];
    }
    // Lines found with memchr (`str::lines` looked for each line end a
    // byte at a time: half of this profile, on the head of every text
    // opened, before its first frame). Counted by length, not listed and
    // sorted: the sort was a fifth of a reopened big text's profile.
    // Lengths past the widest wrap width are all "too long" alike.
    const OVER: usize = *WIDTHS.end() + 1;
    let mut counts = [0usize; OVER + 1];
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', head.as_bytes()).chain([head.len()]) {
        let line = head[start..end].trim_end();
        start = end + 1;
        if line.is_empty() {
            continue;
        }
        let n = if line.len() > 4 * OVER {
            OVER
        } else {
            line.chars().count().min(OVER)
        };
        counts[n] += 1;
    }
    let lines: usize = counts.iter().sum();
    if lines < MIN_LINES {
        return None;
    }
    // The 98th percentile: a few over-long lines (a URL, a table) are
    // allowed.
    let rank = (lines * 98 / 100).min(lines - 1);
    let mut seen = 0;
    let width = (0..=OVER).find(|&n| {
        seen += counts[n];
        seen > rank
    })?;
    if !WIDTHS.contains(&width) {
        return None;
    }
    let near: usize = counts[width.saturating_sub(15)..].iter().sum();
    // Most lines end near the width: they were filled by a wrapper.
    (near * 2 >= lines).then_some(width)
}

/// The last character boundary of `s` at or before `at`.
pub(crate) fn floor_char(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The re-flowed text, or `None` when the text is not hard-wrapped and
/// has no Gutenberg boilerplate (then it is shown as it is).
/// Whether [`reflow`] would change a text that starts with `head` (at
/// least its first 256 KiB): it is hard-wrapped or has the Gutenberg
/// header.
pub fn applies(head: &str) -> bool {
    wrap_width(head).is_some()
        || find_marker(&head[..floor_char(head, 64 << 10)], "*** START OF").is_some()
}

pub fn reflow(text: &str) -> Option<String> {
    let width = wrap_width(text);
    let folded = fold_gutenberg(text);
    if width.is_none() && folded.is_none() {
        return None;
    }
    let (before, body, after) = folded.unwrap_or((String::new(), text, String::new()));
    let mut out = String::with_capacity(text.len());
    out.push_str(&before);
    match width {
        Some(w) => join_lines(body, w, &mut out),
        None => out.push_str(body),
    }
    out.push_str(&after);
    Some(out)
}

/// A line's shape, as far as joining is concerned.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_list_item(t: &str) -> bool {
    let t = t.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") {
        return true;
    }
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &t[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") ")))
        || (t.starts_with('(') && t[1..].find(") ").is_some_and(|i| i <= 3))
}

/// ALL-CAPS short lines and "CHAPTER I"-style lines are headings.
fn is_heading(t: &str) -> bool {
    let t = t.trim();
    // Checked on every line of a book: one pass, out at the first
    // lower-case letter (most lines have one within a few characters).
    if t.len() > 240 {
        return false;
    }
    let mut letters = false;
    for c in t.chars() {
        if c.is_lowercase() {
            return false;
        }
        letters |= c.is_alphabetic();
    }
    letters && t.chars().count() <= 60
}

fn has_columns(line: &str) -> bool {
    let b = line.trim().as_bytes();
    memchr::memchr(b'\t', b).is_some() || b.windows(3).any(|w| w == b"   ")
}

/// Whether `cur` and `next` are one paragraph broken by the wrapper.
fn joins(cur: &str, next: &str, width: usize) -> bool {
    let nt = next.trim_start();
    if nt.is_empty() || cur.trim().is_empty() {
        return false;
    }
    if indent(next) > 0 || has_columns(cur) || has_columns(next) {
        return false;
    }
    if is_list_item(next) || is_heading(cur) || is_heading(next) {
        return false;
    }
    let first_word = nt.split(' ').next().unwrap_or("").chars().count();
    cur.trim_end().chars().count() + 1 + first_word > width.saturating_sub(2)
}

/// The lines of `text` (split at `\n`, found with memchr: this runs over
/// whole books).
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match ends.next() {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                Some(line)
            }
            None => {
                done = true;
                Some(&text[start..])
            }
        }
    })
}

/// Joins by replacing a line break with a space and nothing else: with LF
/// line ends every offset stays where it was, so notes made on the text
/// before it was re-flowed are still exactly on their words. (A joined
/// CRLF break becomes one space; the quote search finds those notes.)
fn join_lines(body: &str, width: usize, out: &mut String) {
    let mut lines = split_lines(body).peekable();
    while let Some(raw) = lines.next() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let Some(next) = lines.peek() else {
            out.push_str(raw);
            break;
        };
        let next = next.strip_suffix('\r').unwrap_or(next);
        if joins(line, next, width) {
            out.push_str(line);
            out.push(' ');
        } else {
            out.push_str(raw);
            out.push('\n');
        }
    }
}

/// Splits off the Project Gutenberg header (up to its `*** START OF`
/// line) and licence (from `*** END OF`), each replaced by a marker line;
/// the header's "Title:" and "Author:" make the first line.
fn fold_gutenberg(text: &str) -> Option<(String, &str, String)> {
    let head = &text[..floor_char(text, 64 << 10)];
    let start = find_marker(head, "*** START OF")?;
    let body_start = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let header = &text[..body_start];
    let field = |name: &str| {
        header
            .lines()
            .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
            .filter(|v| !v.is_empty())
    };
    let mut before = String::new();
    if let Some(title) = field("Title:") {
        before.push_str(&title);
        if let Some(author) = field("Author:") {
            before.push_str(" — ");
            before.push_str(&author);
        }
        before.push_str("\n\n");
    }
    let count = header.lines().count();
    before.push_str(&format!(
        "[Project Gutenberg header: {count} lines folded]\n"
    ));
    let (body, after) = match find_marker(&text[body_start..], "*** END OF") {
        Some(end) => {
            let end = body_start + end;
            let lines = text[end..].lines().count();
            (
                &text[body_start..end],
                format!("[Project Gutenberg licence: {lines} lines folded]\n"),
            )
        }
        None => (&text[body_start..], String::new()),
    };
    Some((before, body, after))
}

/// Offset of the line starting with `marker` (any case) that names
/// Project Gutenberg. Both markers start with `***`: only the lines where
/// that comes first are looked at, found with memchr's substring search
/// (splitting the head into lines for it was a tenth of a book's first
/// frame).
fn find_marker(text: &str, marker: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    for hit in memchr::memmem::find_iter(bytes, "***") {
        let start = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |i| i + 1);
        if !text[start..hit].trim_start().is_empty() {
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[hit..]).map_or(text.len(), |i| hit + i + 1);
        let line = &text[start..end];
        // Only a line that starts with the marker is copied in capitals.
        let starts = bytes
            .get(hit..hit + marker.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(marker.as_bytes()));
        if starts && line.to_ascii_uppercase().contains("PROJECT GUTENBERG") {
            return Some(start);
        }
    }
    None
}

/// "Title — Author" from a Gutenberg header, for the library.
pub fn gutenberg_title(head: &str) -> Option<String> {
    let (before, _, _) = fold_gutenberg(head)?;
    let first = before.lines().next()?;
    (!first.starts_with("[Project Gutenberg")).then(|| first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`wrap_width`] as it was first written: every length listed and
    /// sorted.
    fn wrap_width_by_sorting(head: &str) -> Option<usize> {
        let mut lengths: Vec<usize> = head
            .lines()
            .map(|l| l.trim_end().chars().count())
            .filter(|&n| n > 0)
            .collect();
        if lengths.len() < MIN_LINES {
            return None;
        }
        lengths.sort_unstable();
        let width = lengths[(lengths.len() * 98 / 100).min(lengths.len() - 1)];
        if !WIDTHS.contains(&width) {
            return None;
        }
        let near = lengths.iter().filter(|&&n| n + 15 >= width).count();
        (near * 2 >= lengths.len()).then_some(width)
    }

    proptest::proptest! {
        /// Counting lines by length finds the width sorting them finds:
        /// lines filled up to some width (or not), a few of them far
        /// longer (one past the cut-off at four bytes a column), some
        /// blank or of wide letters.
        #[test]
        fn counting_lengths_finds_what_sorting_them_finds(
            width in 30usize..110,
            lines in proptest::collection::vec(
                (proptest::prop_oneof![
                    6 => 0usize..20,
                    2 => 20usize..60,
                    1 => 0usize..2,
                ], proptest::prop_oneof![
                    8 => proptest::strategy::Just('a'),
                    1 => proptest::strategy::Just('é'),
                    1 => proptest::strategy::Just('語'),
                    1 => proptest::strategy::Just(' '),
                ], proptest::bool::weighted(0.03)),
                0..90,
            ),
            long in proptest::option::of(400usize..500),
        ) {
            let mut text = String::new();
            for &(short_by, c, over) in &lines {
                let n = if over { width + short_by + 1 } else { width.saturating_sub(short_by) };
                text.push_str(&c.to_string().repeat(n));
                text.push('\n');
            }
            if let Some(n) = long {
                text.push_str(&"x".repeat(n));
                text.push_str("\nend\n");
            }
            proptest::prop_assert_eq!(wrap_width(&text), wrap_width_by_sorting(&text));
        }

        /// The marker is found where copying every line in capitals
        /// finds it.
        #[test]
        fn a_marker_is_found_as_in_capitals(
            lines in crate::testkit::lines_from(
                vec![
                    "*** START OF THE PROJECT GUTENBERG EBOOK X ***\n",
                    "  *** start of this project gutenberg ebook ***\n",
                    "*** START OF nothing else\n",
                    "***START OF THE PROJECT GUTENBERG\n",
                    "*** END OF THE PROJECT GUTENBERG EBOOK ***\n",
                    "\u{a0}*** Start Of The Project Gutenberg\n",
                    "Title: Война и мир\n",
                    "plain text, project gutenberg named\n",
                    "*** ST\n",
                    "**** START OF THE PROJECT GUTENBERG\n",
                    "a line *** START OF THE PROJECT GUTENBERG\n",
                    "*** START OF THE PROJECT GUTENBERG",
                    "\n",
                ],
                8,
            ),
        ) {
            let text: String = lines.concat();
            let capitals = |marker: &str| {
                let mut at = 0;
                for line in text.split_inclusive('\n') {
                    let upper = line.trim_start().to_ascii_uppercase();
                    if upper.starts_with(marker) && upper.contains("PROJECT GUTENBERG") {
                        return Some(at);
                    }
                    at += line.len();
                }
                None
            };
            for marker in ["*** START OF", "*** END OF"] {
                proptest::prop_assert_eq!(find_marker(&text, marker), capitals(marker));
            }
        }
    }

    /// A paragraph of `words` wrapped at `width`.
    fn wrapped(words: &str, width: usize) -> String {
        textwrap::fill(words, textwrap::Options::new(width))
    }

    fn book() -> String {
        let para = "It was the best of times, it was the worst of times, it was the age \
            of wisdom, it was the age of foolishness, it was the epoch of belief, it was \
            the epoch of incredulity, it was the season of Light, it was the season of \
            Darkness, it was the spring of hope, it was the winter of despair.";
        let mut s = String::from("CHAPTER I\n\n");
        for _ in 0..6 {
            s.push_str(&wrapped(para, 70));
            s.push_str("\n\n");
        }
        s
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let text = book();
        assert_eq!(wrap_width(&text).map(|w| w > 60 && w <= 70), Some(true));
        let out = reflow(&text).expect("reflowed");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "CHAPTER I");
        assert!(lines[2].starts_with("It was the best") && lines[2].ends_with("despair."));
        assert_eq!(lines[3], "");
        // Only line breaks became spaces: every offset is kept.
        assert_eq!(out.len(), text.len());
        assert_eq!(out.replace('\n', " "), text.replace('\n', " "));
    }

    #[test]
    fn verse_indents_tables_lists_and_headings_stay() {
        let mut text = book();
        let kept = [
            "Tyger Tyger, burning bright,\nIn the forests of the night;",
            "    An indented block that was\n    laid out by its author.",
            "Name        Born     Died\nStalin      1878     1953",
            "1. first point of the list that is long enough to fill a line here\n2. second",
            "PART TWO\nThe next part begins here with words enough to fill a line ok",
        ];
        for k in kept {
            text.push_str(k);
            text.push_str("\n\n");
        }
        let out = reflow(&text).expect("reflowed");
        for k in kept {
            assert!(out.contains(k), "changed: {k:?}\n{out}");
        }
    }

    #[test]
    fn one_paragraph_per_line_texts_are_untouched() {
        for e in crate::library::bundled_entries() {
            if let crate::library::Source::Bundled { name, text } = e.source
                && name.ends_with(".txt")
            {
                assert_eq!(reflow(text), None, "{name} would be re-flowed");
            }
        }
        assert_eq!(reflow("short\nlines\n"), None);
    }

    #[test]
    fn gutenberg_boilerplate_is_folded() {
        let text = format!(
            "The Project Gutenberg eBook of A Tale\n\nTitle: A Tale\n\nAuthor: C. Dickens\n\n\
             *** START OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\n{}\
             *** END OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\nLicence text.\nMore.\n",
            book()
        );
        let out = reflow(&text).expect("folded");
        assert!(
            out.starts_with("A Tale — C. Dickens\n\n[Project Gutenberg header: 7 lines folded]\n"),
            "{out}"
        );
        assert!(
            out.ends_with("[Project Gutenberg licence: 4 lines folded]\n"),
            "{out}"
        );
        assert!(!out.contains("Licence text"));
        assert_eq!(
            gutenberg_title(&text).as_deref(),
            Some("A Tale — C. Dickens")
        );
    }

    #[test]
    fn a_note_made_before_the_reflow_is_placed_in_the_reflowed_text() {
        use crate::study::anchor::{Placement, anchor_range, place};
        use crate::text::document::{Document, Format};
        let raw = book();
        // Notes made on the text as it was shown before re-flowing (its
        // source was the raw bytes: Markdown keeps them as they are).
        let before =
            Document::from_bytes(raw.clone().into_bytes(), Format::Markdown).expect("loads");
        // The wrapper broke this passage across two lines.
        let quote = "age of\nwisdom";
        let start = raw.find(quote).expect("a passage across a line break");
        let anchor = anchor_range(&before, start, start + quote.len());
        let after = Document::from_bytes(raw.into_bytes(), Format::Text).expect("loads");
        let src = String::from_utf8_lossy(after.source()).into_owned();
        match place(&after, &anchor) {
            Placement::Moved { at, len } | Placement::Changed { at, len } => {
                assert_eq!(&src[at..at + len], "age of wisdom", "placed on the passage");
            }
            Placement::Exact => assert!(src[anchor.offset..].starts_with("age of wisdom")),
            Placement::NotFound => panic!("the note was lost by the reflow"),
        }
    }

    #[test]
    fn crlf_lines_are_joined_too() {
        let text = book().replace('\n', "\r\n");
        let out = reflow(&text).expect("reflowed");
        assert!(out.lines().nth(2).is_some_and(|l| l.ends_with("despair.")));
        assert!(!out.lines().nth(2).is_some_and(|l| l.contains('\r')));
    }
}
