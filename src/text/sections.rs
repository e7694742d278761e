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
//! past it, and the section is made longer: twice as long, to the next
//! place it may end (one place further each time had an open fence at the
//! top of 7.7 MB parsed 15,000 times over, seconds of work).
//!
//! A long table has no blank line to cut at: it is cut between two of its
//! rows (lines starting with `|`) where the section's events show a
//! top-level table reaching the section's end, and the next section is
//! parsed after the table's header and delimiter lines, their events
//! skipped, so its rows are rows of the same table (a table of 300,000
//! rows was one section: the parser's tree of it, 67 MiB). The parser
//! fills in the cells missing from a short row, at most 2^18 in a table;
//! as that count is one parse's, a table is cut only where none was
//! filled in, and parsed again whole when a later section finds one.
//!
//! Two things cross sections: reference links and footnotes. A reference
//! whose definition is in another section is resolved through the
//! parser's callback from the labels of every section's definitions
//! ([`Cutter::new`], a first parse of a text that has any); a text
//! with footnotes (`[^`) is parsed whole, as the parser draws a reference
//! as a footnote only when its definition is in the same parse.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{
    BrokenLink, BrokenLinkCallback, CowStr, Event, OffsetIter, Options, Parser, Tag, TagEnd,
};
use unicase::UniCase;

/// The labels of reference definitions anywhere in a text, as the parser
/// compares them (case folded, inner white space one space).
pub type Labels = HashSet<UniCase<String>>;

/// Whether `source` may be parsed in sections: it has no footnotes.
pub fn may_cut(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), b"[^").is_none()
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

/// What a section's events are handed to, with the source offset their
/// ranges start from.
pub type Feed<'f> = &'f mut dyn FnMut(Events<'_, '_>, usize);

/// Where the next section starts, and what it goes on with.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    start: usize,
    /// A table the section before left open at its end.
    table: Option<OpenTable>,
    /// Whether a section may end between the rows of a table (not in
    /// the section that parses a table again whole).
    rows: bool,
}

impl Default for Place {
    fn default() -> Self {
        Place::after(0, None)
    }
}

impl Place {
    pub fn start(&self) -> usize {
        self.start
    }

    /// Where a section that ended at `start` leaves the next one.
    fn after(start: usize, table: Option<OpenTable>) -> Self {
        Place {
            start,
            table,
            rows: true,
        }
    }
}

/// The most events of a section held to be fed after they are looked
/// at: about 1 MiB of them (10,922), three times as many as any 64 KiB of
/// the bundled essays makes.
const HELD_EVENTS: usize = (1 << 20) / std::mem::size_of::<(Event<'static>, Range<usize>)>();

/// Whether a section `len` bytes long that made `held` events before
/// byte `at` may hold one more: under [`HELD_EVENTS`] and, looked at
/// every 1,024 events, not on course to pass it at the rate so far. A
/// section that would pass it is parsed again anyway, and its events held
/// until then were most of a table of one short column's peak memory (a
/// 3.6 MB table of 300,000 rows: 1 MiB of its 15).
fn may_hold(held: usize, at: usize, len: usize) -> bool {
    held < HELD_EVENTS
        && (held == 0 || !held.is_multiple_of(1024) || held.saturating_mul(len) <= HELD_EVENTS * at)
}

/// A table that goes on past a section's end: the next section is parsed
/// after its head, so that its rows are rows of the same table.
#[derive(Debug, Clone, PartialEq)]
struct OpenTable {
    /// Its header and delimiter lines.
    head: Range<usize>,
}

/// What comes after a section.
#[derive(Debug, PartialEq)]
pub enum Next {
    At(Place),
    /// The table the section went on with had a row the parser filled
    /// in with empty cells: it is parsed again whole, from this place,
    /// and what was made of it so far is to be dropped.
    Restart(Place),
}

/// Cuts a text into sections and parses them.
pub struct Cutter<'s> {
    source: &'s str,
    size: usize,
    options: Options,
    /// The labels of every section's reference definitions.
    labels: Labels,
}

impl<'s> Cutter<'s> {
    /// A cutter of `source` into sections of about `size` bytes; a text
    /// with reference definitions (`]:`) is parsed once here for them.
    pub fn new(source: &'s str, size: usize, options: Options) -> Self {
        let mut cutter = Cutter {
            source,
            size,
            options,
            labels: Labels::new(),
        };
        if has_definitions(source) {
            let mut labels = Labels::new();
            let mut place = Place::default();
            while place.start < source.len() {
                place = match cutter.section(&place, Some(&mut labels), &mut |_, _| {}) {
                    Next::At(p) | Next::Restart(p) => p,
                };
            }
            cutter.labels = labels;
        }
        cutter
    }

    /// Parses the section at `place`, handing its events to `feed`, and
    /// says where the next starts. A section ends after at least `size`
    /// bytes unless the text ends first, at a place to cut (see the
    /// module's notes) or between two rows of a table (the next section
    /// is parsed after the table's head, its events skipped, so that its
    /// rows are the same table's: the last event of this one, the table's
    /// end, is not fed), made longer, to twice its length, while a code or
    /// HTML block may run on past its end or the table it ends in is not
    /// a table there. A reference whose label another section defines is
    /// a link. `defs`, when given, gets the labels the section defines.
    ///
    /// A section that may still be made longer is parsed into a list of
    /// its events, looked at, then fed; one over twice `size` (a long
    /// listing) or of more than [`HELD_EVENTS`] events, or on course to
    /// make more ([`may_hold`]: the rows of a table of one short column,
    /// 3 MiB of them in a section), is parsed twice instead, once to look
    /// and once to feed, so that its events are never all held (a table of
    /// 20,000 rows was 19 MB of them); the text's last section is fed as
    /// parsed.
    ///
    /// A table is only cut between rows where the parser filled in no
    /// cell (a row shorter than the header): it fills in at most 2^18 in a
    /// table and then ends it, and that count is one parse's. A section
    /// that finds such a row in the table it goes on with asks for the
    /// table to be parsed again whole ([`Next::Restart`]).
    pub fn section(&self, place: &Place, mut defs: Option<&mut Labels>, feed: Feed<'_>) -> Next {
        let source = self.source;
        let start = place.start;
        let head = place.table.as_ref().map(|t| t.head.clone());
        let head_len = head.as_ref().map_or(0, ExactSizeIterator::len);
        let at = start - head_len;
        let mut end = next_cut(source, start.saturating_add(self.size), place.rows);
        loop {
            let joined;
            let text = match &head {
                Some(h) => {
                    joined = [&source[h.clone()], &source[start..end]].concat();
                    joined.as_str()
                }
                None => &source[start..end],
            };
            let last = end == source.len();
            let row_cut = !last && !place_to_cut(source.as_bytes(), end);
            // What the events are made into: the head's skipped, and the
            // last (the open table's end) where the section ends in it.
            let hand = |events: Events<'_, '_>, drop_last: bool, feed: Feed<'_>| {
                let mut events = events.skip_while(|(e, _)| head.is_some() && !is_head_end(e));
                if head.is_some() {
                    events.next();
                }
                if drop_last {
                    let mut events = events.peekable();
                    let mut rest = std::iter::from_fn(|| {
                        let e = events.next()?;
                        events.peek().is_some().then_some(e)
                    });
                    feed(&mut rest, at);
                } else {
                    feed(&mut events, at);
                }
            };
            // The section parsed and fed at once.
            let stream = |drop_last: bool, feed: Feed<'_>, defs: Option<&mut Labels>| {
                let mut events = parse(text, self.options, &self.labels);
                hand(&mut events, drop_last, feed);
                events.by_ref().for_each(drop);
                defs_of(&events, defs);
            };
            if last && head.is_none() {
                stream(false, feed, defs.as_deref_mut());
                return Next::At(Place::after(end, None));
            }
            let small = text.len() <= self.size.saturating_mul(2);
            let mut look = Look::new(text.len());
            // The labels this parse defines, kept if the section ends here.
            let mut found = Labels::new();
            let list = if small {
                let mut events = parse(text, self.options, &self.labels);
                let mut list = Some(Vec::new());
                for (e, r) in events.by_ref() {
                    look.see(&e, &r);
                    match &mut list {
                        Some(held) if may_hold(held.len(), r.start, text.len()) => {
                            held.push((e, r))
                        }
                        _ => list = None,
                    }
                }
                defs_of(&events, defs.is_some().then_some(&mut found));
                list
            } else {
                parse(text, self.options, &self.labels).for_each(|(e, r)| look.see(&e, &r));
                None
            };
            // The table goes on from its head, whose first line it starts.
            if let Some(head) = &head
                && look.first_filled
            {
                return Next::Restart(Place {
                    start: head.start,
                    table: None,
                    rows: false,
                });
            }
            let next = if last {
                Some(None)
            } else if row_cut {
                look.open_table(text, at, head.as_ref()).map(Some)
            } else {
                (!look.runs_on).then_some(None)
            };
            if let Some(table) = next {
                let drop_last = table.is_some();
                match list {
                    Some(list) => {
                        hand(&mut list.into_iter(), drop_last, feed);
                        if let Some(defs) = defs {
                            defs.extend(found);
                        }
                    }
                    None => stream(drop_last, feed, defs.as_deref_mut()),
                }
                return Next::At(Place::after(end, table));
            }
            let longer = end.max(start + 2 * (end - start)).saturating_add(1);
            end = next_cut(source, longer, place.rows);
        }
    }
}

/// The events of `text`, a reference whose label is in `labels` a link.
fn parse<'t>(
    text: &'t str,
    options: Options,
    labels: &'t Labels,
) -> OffsetIter<'t, impl BrokenLinkCallback<'t>> {
    let resolve = move |link: BrokenLink<'t>| {
        labels
            .contains(&normal(&link.reference))
            .then(|| (CowStr::from(""), CowStr::from("")))
    };
    Parser::new_with_broken_link_callback(text, options, Some(resolve)).into_offset_iter()
}

/// Adds the labels that `events`' text defines to `defs`.
fn defs_of<'t, F: BrokenLinkCallback<'t>>(events: &OffsetIter<'t, F>, defs: Option<&mut Labels>) {
    if let Some(defs) = defs {
        defs.extend(
            events
                .reference_definitions()
                .iter()
                .map(|(l, _)| normal(l)),
        );
    }
}

fn is_head_end(event: &Event<'_>) -> bool {
    matches!(event, Event::End(TagEnd::TableHead))
}

/// What a section's events show about where it may end.
struct Look {
    /// The text's length.
    len: usize,
    depth: usize,
    /// A code or HTML block reaches the end.
    runs_on: bool,
    /// The table open at the top level: where it starts in the text, and
    /// whether the parser filled in a cell of it.
    table: Option<(usize, bool)>,
    tables: usize,
    /// Where the row being looked at ends.
    row_end: usize,
    /// Whether the parser filled in a cell of the first table.
    first_filled: bool,
    /// The last event ends a top-level table that reaches the end of the
    /// text, no cell of it filled in: where the table starts.
    ends_in_table: Option<usize>,
}

impl Look {
    fn new(len: usize) -> Self {
        Look {
            len,
            depth: 0,
            runs_on: false,
            table: None,
            tables: 0,
            row_end: 0,
            first_filled: false,
            ends_in_table: None,
        }
    }

    fn see(&mut self, event: &Event<'_>, range: &Range<usize>) {
        self.ends_in_table = None;
        self.runs_on |= runs_on(event, range, self.len);
        match event {
            Event::Start(tag) => {
                match tag {
                    Tag::Table(_) if self.depth == 0 => {
                        self.table = Some((range.start, false));
                        self.tables += 1;
                    }
                    Tag::TableHead | Tag::TableRow => self.row_end = range.end,
                    // A cell the parser added to a short row: empty, at
                    // the row's end (a cell of the source starts before).
                    Tag::TableCell if range.is_empty() && range.start == self.row_end => {
                        if let Some(t) = self.table.as_mut() {
                            t.1 = true;
                        }
                    }
                    _ => {}
                }
                self.depth += 1;
            }
            Event::End(end) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0
                    && matches!(end, TagEnd::Table)
                    && let Some((at, filled)) = self.table.take()
                {
                    if self.tables == 1 {
                        self.first_filled = filled;
                    }
                    if range.end >= self.len && !filled {
                        self.ends_in_table = Some(at);
                    }
                }
            }
            _ => {}
        }
    }

    /// The table a section ends in, when it may end there: the last
    /// event ends a top-level table that reaches its end, and nothing
    /// runs on. `text` starts at source offset `at`, after `head` (the
    /// head of the table it goes on with).
    fn open_table(&self, text: &str, at: usize, head: Option<&Range<usize>>) -> Option<OpenTable> {
        let table = self.ends_in_table.filter(|_| !self.runs_on)?;
        if self.tables == 1
            && let Some(head) = head
        {
            return Some(OpenTable { head: head.clone() });
        }
        // A table that starts in this section: its first two lines.
        let bytes = text.as_bytes();
        let first = line_start(bytes, table);
        let header_end = line_end(bytes, first);
        let delimiter_end = line_end(bytes, header_end);
        Some(OpenTable {
            head: at + first..at + delimiter_end,
        })
    }
}

/// The start of the line holding offset `at`.
fn line_start(bytes: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[..at.min(bytes.len())]).map_or(0, |i| i + 1)
}

/// The start of the line after the one starting at `at`.
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at.min(bytes.len())..]).map_or(bytes.len(), |i| at + i + 1)
}

/// Whether the event starts a code or HTML block that reaches the end of
/// its text (`len` bytes), where it may go on.
fn runs_on(event: &Event<'_>, range: &Range<usize>, len: usize) -> bool {
    matches!(event, Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock)) && range.end >= len
}

/// The first place at or after `from` where a section may end (see the
/// module's notes), between two rows of a table too if `rows`, or the
/// end of the text.
fn next_cut(source: &str, from: usize, rows: bool) -> usize {
    let bytes = source.as_bytes();
    let mut at = from.min(bytes.len());
    // The start of the line from which to look.
    if at > 0 && bytes[at - 1] != b'\n' {
        at = line_end(bytes, at);
    }
    while at < bytes.len() {
        if place_to_cut(bytes, at) || (rows && between_rows(bytes, at)) {
            return at;
        }
        at = line_end(bytes, at);
    }
    bytes.len()
}

/// Whether a section may end before the line at `at` whatever is open.
fn place_to_cut(bytes: &[u8], at: usize) -> bool {
    starts_plainly(bytes[at]) && after_blank(bytes, at)
}

/// Whether the line at `at` and the one before both start with `|`, the
/// one at `at` with a cell after it: where a table's rows may be cut
/// apart, if its events show the table open there.
fn between_rows(bytes: &[u8], at: usize) -> bool {
    if bytes.get(at) != Some(&b'|') || at == 0 {
        return false;
    }
    let before = line_start(bytes, at - 1);
    let cell = bytes[at + 1..line_end(bytes, at)]
        .iter()
        .any(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    bytes[before] == b'|' && before < at - 1 && cell
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
        // Tables cut between rows: short rows (cells filled in), more cells
        // than the header, empty and escaped cells, a row of `|` alone
        // (the table's end), `|` lines after a table in a quote or a list,
        // a paragraph of `|` lines, a table interrupting a paragraph, a
        // table in a fence, CRLF, no line end at the end.
        "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n| 5 |\n| 6 | 7 | 8 |\n| | \\| |\n|\n| after |\n",
        "> | a | b |\n> |---|---|\n> | 1 | 2 |\n| lazy | row |\n| more |\n",
        "- | a | b |\n  |---|---|\n  | 1 | 2 |\n| out | side |\n| x |\n",
        "| not | a table |\n| just | pipes |\n| and | more |\n",
        "Text before\n| h | i |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\nAfter\n",
        "```\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n```\n",
        "| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n| 3 | 4 |\r\n",
        "| a | b |\n|:--|--:|\n| *1* | `2` |\n| [l](u) | 4 |\n| 5 | 6 |",
        "| a |\n|---|\n| 1 |\n| 2 |\n| a | b |\n|---|---|\n| 3 | 4 |\n| 5 | 6 |\n",
    ];

    #[test]
    fn tricky_texts_cut_everywhere_give_the_blocks_of_the_whole() {
        for text in TRICKY {
            let (whole, cut_up) = both(text);
            assert_eq!(whole, cut_up, "{text:?}");
        }
    }

    /// Where the section of `text` (size 1) at `start` ends.
    fn section_end(text: &str, start: usize) -> usize {
        let place = Place {
            start,
            ..Place::default()
        };
        match Cutter::new(text, 1, OPTIONS).section(&place, None, &mut |_, _| {}) {
            Next::At(next) => next.start,
            Next::Restart(_) => panic!("restarted"),
        }
    }

    #[test]
    fn a_fence_left_open_makes_one_section_of_the_rest() {
        let text = "A\n\nB\n\n```\nx\n\nC\n\nD\n";
        // `A` alone is a section; from `B` the fence runs to the end.
        assert_eq!(section_end(text, 0), 3);
        assert_eq!(section_end(text, 3), text.len());
        // A closed fence is a section's end (the section made twice as
        // long each time, not one place to cut longer: an open fence in a
        // 7.6 MB file had it parsed 15,000 times, at 4 s and growing).
        let closed = "A\n\n```\nx\n\nC\n```\n\nD\n\nE\n\nF\n\nG\n\nH\n";
        let end = section_end(closed, 0);
        assert_eq!(&closed[end..], "F\n\nG\n\nH\n");
    }

    #[test]
    fn places_to_cut_follow_a_blank_line_and_start_with_a_letter() {
        let text = "a\n\n- b\n\n> c\n\n|d|\n\n  e\n\nf\n";
        assert_eq!(next_cut(text, 1, true), text.find("f\n").expect("f"));
        assert_eq!(next_cut("a\nb\n", 1, true), 4);
    }

    #[test]
    fn footnotes_keep_a_text_whole() {
        assert!(!may_cut("A[^1]\n\nB\n\n[^1]: note\n"));
        assert!(may_cut("A\n\nB\n"));
    }

    #[test]
    fn labels_are_those_the_sections_define() {
        let text = "x\n\n[Some  Label]: /u\n\n> [q]: /v\n\n```\n[code]: /w\n```\n\ny\n";
        let labels = Cutter::new(text, 1, OPTIONS).labels;
        assert!(labels.contains(&normal("some label")));
        assert!(labels.contains(&normal("Q")));
        assert!(
            !labels.contains(&normal("code")),
            "a code block defines nothing"
        );
    }

    /// The sections of `text` (of about `size` bytes) in turn: whether
    /// each goes on with a table, and how many times a table was parsed
    /// again whole.
    fn sections_of(text: &str, size: usize) -> (Vec<bool>, usize) {
        let cutter = Cutter::new(text, size, OPTIONS);
        let (mut goes_on, mut restarts) = (Vec::new(), 0);
        let mut place = Place::default();
        while place.start < text.len() {
            goes_on.push(place.table.is_some());
            place = match cutter.section(&place, None, &mut |_, _| {}) {
                Next::At(p) => p,
                Next::Restart(p) => {
                    restarts += 1;
                    p
                }
            };
        }
        (goes_on, restarts)
    }

    /// A table of `rows` rows after a paragraph, and one after it.
    fn long_table(rows: usize, short_row: Option<usize>) -> String {
        let mut text = String::from("Before the table.\n\n| n | event | where |\n|---|:---|---|\n");
        for n in 0..rows {
            if short_row == Some(n) {
                text.push_str(&format!("| {n} |\n"));
            } else {
                text.push_str(&format!(
                    "| {n} | someone *signed* order &lt; {n} | box {n} |\n"
                ));
            }
        }
        text.push_str("\nAfter the table.\n\n| x | y |\n|---|---|\n| 1 | 2 |\n");
        text
    }

    #[test]
    fn a_long_table_is_cut_between_its_rows_to_the_same_blocks() {
        let text = long_table(2000, None);
        let (goes_on, restarts) = sections_of(&text, 4096);
        // 2000 rows of about 50 bytes: a table of 25 sections or more.
        assert!(goes_on.iter().filter(|g| **g).count() >= 20, "{goes_on:?}");
        assert_eq!(restarts, 0);
        assert_eq!(
            parse_in_sections(&text, 4096),
            parse_in_sections(&text, usize::MAX)
        );
        assert_eq!(both(&text).0, both(&text).1);
    }

    /// A section of more events than are held (a table of one short
    /// column) is parsed again to be fed: the same blocks.
    #[test]
    fn a_section_of_too_many_events_to_hold_is_parsed_again() {
        let mut text = String::from("| word |\n|---|\n");
        for n in 0..30_000 {
            text.push_str(&format!("| w{n} |\n"));
        }
        let events = Parser::new_ext(&text[..SECTION], OPTIONS).count();
        assert!(events > HELD_EVENTS, "{events} events in a section");
        let (goes_on, restarts) = sections_of(&text, SECTION);
        assert!(goes_on.iter().filter(|g| **g).count() >= 3, "{goes_on:?}");
        assert_eq!(restarts, 0);
        assert_eq!(
            parse_in_sections(&text, SECTION),
            parse_in_sections(&text, usize::MAX)
        );
    }

    /// Events held as a section is looked at, as `Cutter::section` holds
    /// them: how many before it stops.
    fn held(text: &str) -> usize {
        let mut held = 0;
        for (_, r) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
            if !may_hold(held, r.start, text.len()) {
                break;
            }
            held += 1;
        }
        held
    }

    #[test]
    fn a_section_on_course_to_pass_the_cap_stops_holding_early() {
        // A table of one short column: it stops at the first look.
        let mut table = String::from("| word |\n|---|\n");
        while table.len() < SECTION {
            table.push_str(&format!("| w{} |\n", table.len()));
        }
        assert_eq!(held(&table), 1024);
        // Prose is held whole: each essay, and the first section's worth
        // of all of them.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
        let mut all = String::new();
        for entry in std::fs::read_dir(dir).expect("essays") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("essay");
            let events = Parser::new_ext(&text, OPTIONS).count();
            assert_eq!(held(&text), events);
            all.push_str(&text);
        }
        let first = &all[..all.floor_char_boundary(SECTION)];
        assert_eq!(held(first), Parser::new_ext(first, OPTIONS).count());
        // The cap holds whatever the rate.
        assert!(!may_hold(HELD_EVENTS, SECTION, SECTION));
        assert!(may_hold(HELD_EVENTS - 1, SECTION, SECTION));
    }

    #[test]
    fn a_table_with_a_short_row_is_parsed_again_whole() {
        // The short row in a later section: that section asks for the
        // table again; in the first, it is never cut.
        for short in [1500, 3] {
            let text = long_table(2000, Some(short));
            let (goes_on, restarts) = sections_of(&text, 4096);
            assert_eq!(restarts, usize::from(short > 100), "row {short}");
            assert!(goes_on.iter().all(|g| !g) || short > 100, "{goes_on:?}");
            assert_eq!(
                parse_in_sections(&text, 4096),
                parse_in_sections(&text, usize::MAX),
                "row {short}"
            );
        }
    }

    #[test]
    fn the_parsers_limit_of_filled_cells_is_kept() {
        // 1,000 columns and rows of one cell: the parser fills in 999
        // cells a row and ends the table when 2^18 would be passed, at
        // row 263; each section alone would never get there.
        let mut text = "|a".repeat(1000) + "|\n" + &"|-".repeat(1000) + "|\n";
        for n in 0..300 {
            text.push_str(&format!("| {n} |\n"));
        }
        let whole = parse_in_sections(&text, usize::MAX);
        assert!(whole.len() > 1, "the table ends before its last rows");
        assert_eq!(parse_in_sections(&text, 1024), whole);
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
            let cutter = Cutter::new(&text, SECTION, OPTIONS);
            let mut n = 0;
            let mut place = Place::default();
            while place.start < text.len() {
                place = match cutter.section(&place, None, &mut |_, _| {}) {
                    Next::At(p) | Next::Restart(p) => p,
                };
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
            "| a | b |\n|---|---|",
            "| 1 | *2* |",
            "| short |",
            "| x | y | z |",
            "|",
            "| | \\| |",
            "> | q | r |\n> |---|---|",
            "Para\n| h | i |\n|---|---|",
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
