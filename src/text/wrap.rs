//! Wrapping blocks into rows, cached per width, and moving through rows.
//!
//! Only blocks near the viewport are ever wrapped: a position is a block id
//! plus a row inside that block, and moving a row, a page or to the end
//! walks block to block from where we are. The cache is keyed by block and
//! put aside when the width changes, so a resize costs one screen of work,
//! and a resize back to a width seen just before (a pane zoomed and
//! unzoomed, a window dragged and dragged back) finds its rows wrapped.
//!
//! Wrapping uses textwrap's first-fit algorithm over our own fragments,
//! measured with the renderer's width function (`sanitize::grapheme_width`),
//! so a row never overflows its pane whatever the graphemes.

use std::collections::HashMap;
use std::rc::Rc;

use crate::text::role::Roles;
use textwrap::core::Fragment;

use crate::text::document::{Block, BlockKind, Document, Table};
use crate::text::richtext::RichText;
use crate::text::sanitize::{grapheme_width, text_width};
use unicode_segmentation::UnicodeSegmentation as _;

/// One display row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub spans: Vec<(String, Roles)>,
    /// Source offset of the row's first character (the block start for
    /// blank and decoration rows).
    pub src: usize,
    /// Where the row's text comes from: (byte offset in the row's text,
    /// source offset, whether the bytes are a copy of the source) for each
    /// stretch; empty for decoration rows. Used to mark matches and
    /// passages character by character.
    pub map: Vec<(usize, usize, bool)>,
    /// A fingerprint of `spans` (their text and roles), made once when
    /// the row is laid out: what the row shows, for the screen's keys
    /// (ui/keep.rs), without hashing its text on every frame.
    pub key: u64,
}

/// The fingerprint of a row's spans ([`Row::key`]).
pub fn spans_key(spans: &[(String, Roles)]) -> u64 {
    use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
    let mut h = foldhash::quality::FixedState::with_seed(0x726f_775f_6b65_7973).build_hasher();
    for (text, roles) in spans {
        (text.as_str(), roles).hash(&mut h);
    }
    h.finish()
}

/// A row as a view holds it: its block's rows, shared with the layout's
/// cache, and which of them. A view that copied its rows copied every
/// string of a screen on each resize and page (issue 12: half a resize's
/// update).
#[derive(Clone)]
pub struct Shown {
    rows: Rc<Vec<Row>>,
    i: usize,
}

impl std::ops::Deref for Shown {
    type Target = Row;

    fn deref(&self) -> &Row {
        &self.rows[self.i]
    }
}

impl PartialEq for Shown {
    fn eq(&self, other: &Shown) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl Row {
    fn blank(src: usize) -> Row {
        Row {
            spans: Vec::new(),
            src,
            map: Vec::new(),
            key: 0,
        }
    }

    /// The row's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|(s, _)| s.as_str()).collect()
    }

    pub fn width(&self) -> usize {
        self.spans.iter().map(|(s, _)| text_width(s)).sum()
    }

    /// The columns showing source range `lo..hi`, if any of it is on this
    /// row.
    pub fn columns(&self, lo: usize, hi: usize) -> Option<(usize, usize)> {
        let text = self.text();
        let mut first: Option<usize> = None;
        let mut last = 0;
        for (i, &(d0, s0, exact)) in self.map.iter().enumerate() {
            let d1 = self.map.get(i + 1).map_or(text.len(), |n| n.0);
            let (a, b) = if exact {
                let len = d1.saturating_sub(d0);
                let a = lo.max(s0);
                let b = hi.min(s0 + len);
                if a >= b {
                    continue;
                }
                (d0 + (a - s0), d0 + (b - s0))
            } else if s0 >= lo && s0 < hi {
                (d0, d1)
            } else {
                continue;
            };
            first = Some(first.map_or(a, |f| f.min(a)));
            last = last.max(b);
        }
        let first = first?;
        let col = |byte: usize| text.get(..byte).map_or(0, text_width);
        Some((col(first), col(last.min(text.len()))))
    }
}

#[derive(Debug, PartialEq)]
struct Frag {
    start: usize,
    word_end: usize,
    width: usize,
    ws_width: usize,
}

impl Fragment for Frag {
    fn width(&self) -> f64 {
        self.width as f64
    }
    fn whitespace_width(&self) -> f64 {
        self.ws_width as f64
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// Cuts `text[seg_start..seg_end]` into fragments: a word with its trailing
/// spaces; leading spaces stay with the first word (indentation); a word
/// wider than `avail` is cut between graphemes.
fn fragments(text: &str, seg_start: usize, seg_end: usize, avail: usize, out: &mut Vec<Frag>) {
    let seg = &text[seg_start..seg_end];
    let bytes = seg.as_bytes();
    let printable = |b: &u8| (0x20..0x7F).contains(b);
    let mut cutter = Cutter::new(avail, out);
    // Printable ASCII (most of most texts) is a grapheme and a column a
    // byte: its runs are cut a word at a time, without segmenting or
    // measuring each grapheme (walking them a byte at a time was most of
    // wrapping a screen's blocks again on a resize, callgrind). Before
    // other text a run's last byte is left to the segmenter: a combining
    // mark after it belongs to it.
    let mut i = 0;
    while i < bytes.len() {
        let ascii = bytes[i..].iter().take_while(|b| printable(b)).count();
        let run = if i + ascii < bytes.len() {
            ascii.saturating_sub(1)
        } else {
            ascii
        };
        if run > 0 {
            cutter.ascii(&bytes[i..i + run], seg_start + i);
            i += run;
            continue;
        }
        let g = seg[i..].graphemes(true).next().unwrap_or(&seg[i..]);
        let width = match g.as_bytes() {
            [b] if printable(b) => 1,
            _ => grapheme_width(g),
        };
        cutter.grapheme((seg_start + i, g.len(), g == " ", width));
        i += g.len().max(1);
    }
    cutter.end();
}

/// Fragments made as a segment's graphemes come (see [`fragments`]).
struct Cutter<'o> {
    avail: usize,
    out: &'o mut Vec<Frag>,
    cur: Option<Frag>,
    /// Inside the word part of `cur` (false once its trailing spaces began).
    in_ws: bool,
    /// `cur` holds only the segment's leading spaces so far (indentation).
    leading: bool,
}

impl<'o> Cutter<'o> {
    fn new(avail: usize, out: &'o mut Vec<Frag>) -> Self {
        Cutter {
            avail,
            out,
            cur: None,
            in_ws: false,
            leading: false,
        }
    }

    /// The next grapheme: (offset, length in bytes, whether it is a space,
    /// width).
    fn grapheme(&mut self, (at, len, space, gw): (usize, usize, bool, usize)) {
        let avail = self.avail;
        let new_frag = Frag {
            start: at,
            word_end: at,
            width: 0,
            ws_width: 0,
        };
        if space {
            match self.cur.as_mut() {
                None => {
                    self.cur = Some(new_frag);
                    self.leading = true;
                }
                Some(f) if self.leading && f.width + 1 > avail => {
                    self.out.extend(self.cur.replace(new_frag));
                }
                Some(f) if !self.leading => {
                    self.in_ws = true;
                    f.ws_width += 1;
                    return;
                }
                Some(_) => {}
            }
            if let Some(f) = self.cur.as_mut() {
                f.width += 1;
                f.word_end = at + 1;
            }
            return;
        }
        let split = match self.cur.as_ref() {
            None => true,
            Some(_) if self.in_ws => true,
            Some(f) => f.width > 0 && f.width + gw > avail,
        };
        if split {
            self.out.extend(self.cur.replace(new_frag));
            self.in_ws = false;
        }
        self.leading = false;
        if let Some(f) = self.cur.as_mut() {
            f.width += gw;
            f.word_end = at + len;
        }
    }

    /// A run of printable ASCII at `base`, a column a byte, as
    /// [`Cutter::grapheme`] would take it a byte at a time: a run of
    /// spaces or a word at once.
    fn ascii(&mut self, run: &[u8], base: usize) {
        let mut p = 0;
        while p < run.len() {
            let spaces = run[p..].iter().take_while(|&&b| b == b' ').count();
            if spaces > 0 {
                if self.cur.is_some() && !self.leading {
                    // After a word: its trailing whitespace, however much.
                    if let Some(f) = self.cur.as_mut() {
                        f.ws_width += spaces;
                    }
                    self.in_ws = true;
                } else {
                    // Leading spaces (indentation).
                    self.fill(base, p, p + spaces, true);
                    self.leading = true;
                }
                p += spaces;
            }
            let word = run[p..].iter().take_while(|&&b| b != b' ').count();
            if word > 0 {
                // A word joins the fragment before it unless that one has
                // trailing spaces.
                self.fill(base, p, p + word, !self.in_ws);
                self.in_ws = false;
                self.leading = false;
                p += word;
            }
        }
    }

    /// Columns `from..to` of a run of ASCII at `base` (a column a byte):
    /// added to the current fragment while it has room (when `join`), the
    /// rest in new fragments `avail` wide at most.
    fn fill(&mut self, base: usize, from: usize, to: usize, mut join: bool) {
        let mut p = from;
        while p < to {
            let room = match self.cur.as_ref() {
                Some(f) if join => self.avail.saturating_sub(f.width),
                _ => 0,
            };
            let take = (to - p).min(if room > 0 { room } else { self.avail });
            if room > 0
                && let Some(f) = self.cur.as_mut()
            {
                f.width += take;
                f.word_end = base + p + take;
            } else {
                let f = Frag {
                    start: base + p,
                    word_end: base + p + take,
                    width: take,
                    ws_width: 0,
                };
                self.out.extend(self.cur.replace(f));
            }
            join = true;
            p += take;
        }
    }

    fn end(self) {
        self.out.extend(self.cur);
    }
}

/// [`fragments`] of a segment's graphemes, each as (offset, length in
/// bytes, whether it is a space, width), one at a time: the tests'
/// reference.
#[cfg(test)]
fn cut(
    graphemes: impl Iterator<Item = (usize, usize, bool, usize)>,
    avail: usize,
    out: &mut Vec<Frag>,
) {
    let mut cutter = Cutter::new(avail, out);
    for g in graphemes {
        cutter.grapheme(g);
    }
    cutter.end();
}

/// Wraps rich text to `avail` columns; returns display byte ranges, one per
/// row. Forced breaks (`\n`) always start a row. Never returns zero rows.
pub fn wrap_ranges(text: &RichText, avail: usize) -> Vec<(usize, usize)> {
    wrap_str(&text.text, avail)
}

/// [`wrap_ranges`] of plain text: the byte ranges of its rows at `avail`
/// columns, measured as the screen measures them (a wide character two
/// columns), so that no row is wider than `avail`.
pub fn wrap_str(s: &str, avail: usize) -> Vec<(usize, usize)> {
    let avail = avail.max(1);
    let mut rows = Vec::new();
    let mut frags = Vec::new();
    let mut seg_start = 0;
    loop {
        let seg_end = s[seg_start..].find('\n').map_or(s.len(), |i| seg_start + i);
        frags.clear();
        fragments(s, seg_start, seg_end, avail, &mut frags);
        if frags.is_empty() {
            rows.push((seg_start, seg_start));
        } else {
            for line in textwrap::wrap_algorithms::wrap_first_fit(&frags, &[avail as f64]) {
                if let (Some(first), Some(last)) = (line.first(), line.last()) {
                    rows.push((first.start, last.word_end));
                }
            }
        }
        if seg_end >= s.len() {
            break;
        }
        seg_start = seg_end + 1;
    }
    rows
}

fn prefix_spans(p: &RichText) -> Vec<(String, Roles)> {
    p.spans(0, p.text.len())
}

/// Wraps one block to `width` columns.
pub fn wrap_block(block: &Block, width: usize) -> Vec<Row> {
    let width = width.max(1);
    let mut rows: Vec<Row> = (0..block.gap_before)
        .map(|_| Row::blank(block.src))
        .collect();
    match &block.kind {
        BlockKind::Rule => rows.push(Row {
            spans: vec![("─".repeat(width), Roles::RULE)],
            src: block.src,
            map: Vec::new(),
            key: 0,
        }),
        BlockKind::Table(t) => rows.extend(table_rows(t, block, width)),
        kind => {
            let pw_first = text_width(&block.prefix_first.text);
            let pw_rest = text_width(&block.prefix_rest.text);
            // In a very narrow pane the text matters more than the indent.
            let prefixed = pw_first.max(pw_rest) * 2 <= width;
            let avail = if prefixed {
                width - pw_first.max(pw_rest)
            } else {
                width
            };
            let ranges = wrap_ranges(&block.text, avail);
            // The rows at once, the rule under a title included (grown a
            // row at a time, a paragraph's were copied three times over).
            rows.reserve(ranges.len() + 1);
            // The widest row, for the rule under a title: measured only
            // there (measuring every row of every paragraph was a tenth of
            // wrapping a screen's blocks again on a resize, callgrind).
            let titled = *kind == BlockKind::Heading(1) && !block.text.is_empty();
            let mut widest = 0;
            for (i, (s, e)) in ranges.into_iter().enumerate() {
                let prefix = if i == 0 {
                    &block.prefix_first
                } else {
                    &block.prefix_rest
                };
                // Unprefixed, the text's spans are the row's as they come.
                let (spans, text_start) = if prefixed {
                    let mut spans = prefix_spans(prefix);
                    let text_start: usize = spans.iter().map(|(t, _)| t.len()).sum();
                    spans.extend(block.text.spans(s, e));
                    (spans, text_start)
                } else {
                    (block.text.spans(s, e), 0)
                };
                let src = if block.text.is_empty() {
                    block.src
                } else {
                    block.text.src_at(s)
                };
                let map = block.text.row_map(s, e, text_start);
                let row = Row {
                    spans,
                    src,
                    map,
                    key: 0,
                };
                if titled {
                    widest = widest.max(row.width());
                }
                rows.push(row);
            }
            if titled {
                // The rule starts where the title's text ends: a row holds
                // the text from its start to the next row's, so with the
                // block's start (before `# `) the title's rows held nothing
                // and a note on the title was marked on the rule. Where the
                // end cannot be told apart from the last row's start (an
                // inexact last run), that start.
                let last = rows.last().map_or(block.src, |r| r.src);
                rows.push(Row {
                    spans: vec![("━".repeat(widest.clamp(1, width)), Roles::heading(1))],
                    src: block.text.src_at(block.text.text.len()).max(last),
                    map: Vec::new(),
                    key: 0,
                });
            }
        }
    }
    for row in &mut rows {
        row.key = spans_key(&row.spans);
    }
    rows
}

const COLUMN_GAP: &str = " │ ";
const MIN_COLUMN: usize = 6;

/// Lays a table out as a grid when its columns fit (shrinking the widest
/// columns and wrapping their cells if needed), else as stacked records
/// ("Header: value"), which stay readable at any width.
fn table_rows(t: &Table, block: &Block, width: usize) -> Vec<Row> {
    // A part of a long table lays its rows out to the whole's columns.
    let mut widths = match &t.whole {
        Some(w) => w.widths.clone(),
        None => column_widths(&t.rows),
    };
    let ncols = widths.len();
    if ncols == 0 {
        return vec![Row::blank(block.src)];
    }
    let mut prefix_w = text_width(&block.prefix_rest.text);
    if prefix_w * 2 > width {
        prefix_w = 0;
    }
    let avail = width.saturating_sub(prefix_w).max(1);
    let gaps = 3 * (ncols - 1);
    let prefix = if prefix_w > 0 {
        prefix_spans(&block.prefix_rest)
    } else {
        Vec::new()
    };
    if ncols * MIN_COLUMN + gaps > avail && ncols > 1 {
        return stacked_rows(t, block, avail, &prefix);
    }
    while widths.iter().sum::<usize>() + gaps > avail {
        let Some((i, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            break;
        };
        if widths[i] <= MIN_COLUMN.min(avail) {
            break;
        }
        widths[i] -= 1;
    }
    let mut rows = Vec::new();
    let mut from = block.src;
    for (ri, cells) in t.rows.iter().enumerate() {
        let wrapped: Vec<Vec<(usize, usize)>> = (0..ncols)
            .map(|c| {
                cells
                    .get(c)
                    .map_or_else(|| vec![(0, 0)], |cell| wrap_ranges(cell, widths[c]))
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        // Each row of the table starts where its text does, so a search's
        // hit, the cursor and a note land on the row they are in (every
        // row had the table's start: all of them were on its first row).
        // A row's later lines start where the tallest cell's do.
        from = row_start(cells).unwrap_or(from).max(from);
        let tallest = (0..ncols).max_by_key(|&c| wrapped[c].len()).unwrap_or(0);
        for line in 0..height {
            let src = match (line, cells.get(tallest), wrapped[tallest].get(line)) {
                (0, ..) | (_, None, _) | (_, _, None) => from,
                (_, Some(cell), Some(&(s, _))) => cell.src_at(s).max(from),
            };
            let mut spans = prefix.clone();
            for c in 0..ncols {
                if c > 0 {
                    spans.push((COLUMN_GAP.to_string(), Roles::RULE));
                }
                let mut used = 0;
                if let (Some(cell), Some(&(s, e))) = (cells.get(c), wrapped[c].get(line)) {
                    for span in cell.spans(s, e) {
                        used += text_width(&span.0);
                        spans.push(span);
                    }
                }
                if c + 1 < ncols {
                    spans.push((" ".repeat(widths[c].saturating_sub(used)), Roles::NONE));
                }
            }
            rows.push(Row {
                spans,
                src,
                map: Vec::new(),
                key: 0,
            });
        }
        if ri + 1 == t.header_rows {
            let sep: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            let mut spans = prefix.clone();
            spans.push((sep.join("─┼─"), Roles::RULE));
            // The rule under the header starts where the header ends.
            let end = row_end(cells)
                .unwrap_or(from)
                .max(rows.last().map_or(from, |r| r.src));
            rows.push(Row {
                spans,
                src: end,
                map: Vec::new(),
                key: 0,
            });
        }
    }
    rows
}

/// The widest cell of each column of `rows`, in columns (at least 1).
pub(crate) fn column_widths(rows: &[Vec<RichText>]) -> Vec<usize> {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..ncols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| text_width(&cell.text))
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .collect()
}

/// Where a table row's text starts in the source: its first cell with
/// text (`None`: no cell has any).
pub(crate) fn row_start(cells: &[RichText]) -> Option<usize> {
    cells
        .iter()
        .find(|c| !c.text.is_empty())
        .map(|c| c.src_at(0))
}

/// Where a table row's text ends in the source: its last cell with text.
fn row_end(cells: &[RichText]) -> Option<usize> {
    cells
        .iter()
        .rev()
        .find(|c| !c.text.is_empty())
        .map(|c| c.src_at(c.text.len()))
}

fn stacked_rows(t: &Table, block: &Block, avail: usize, prefix: &[(String, Roles)]) -> Vec<Row> {
    let header = match &t.whole {
        Some(w) => w.header.as_ref(),
        None => t.rows.first().filter(|_| t.header_rows > 0),
    };
    // A later part of a long table: its first record follows another.
    let continued = t.whole.as_ref().is_some_and(|w| w.continued);
    let mut rows = Vec::new();
    let mut from = block.src;
    for (ri, cells) in t.rows.iter().enumerate().skip(t.header_rows) {
        // Each row's lines start where its text does (see `table_rows`).
        from = row_start(cells).unwrap_or(from).max(from);
        if ri > t.header_rows || continued {
            rows.push(Row::blank(from));
        }
        for (c, cell) in cells.iter().enumerate() {
            let mut text = RichText::new();
            if let Some(h) = header.and_then(|h| h.get(c)) {
                for (s, _) in h.spans(0, h.text.len()) {
                    text.push_decoration(&s, Roles::STRONG, block.src);
                }
                text.push_decoration(": ", Roles::STRONG, block.src);
            }
            for (s, st) in cell.spans(0, cell.text.len()) {
                text.push_decoration(&s, st, block.src);
            }
            for (s, e) in wrap_ranges(&text, avail) {
                let mut spans = prefix.to_vec();
                spans.extend(text.spans(s, e));
                rows.push(Row {
                    spans,
                    src: from,
                    map: Vec::new(),
                    key: 0,
                });
            }
        }
    }
    if rows.is_empty() {
        rows.push(Row::blank(block.src));
    }
    rows
}

/// A place in the laid-out document: a block and a row inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub block: usize,
    pub row: usize,
}

/// Blocks wrapped at one width, by block.
///
/// Keyed by block index with foldhash: std's SipHash, on every row asked
/// for, was a twentieth of a resize (callgrind); block indices are no
/// input an attacker chooses.
type Wrapped = HashMap<usize, Rc<Vec<Row>>, foldhash::fast::FixedState>;

/// Wrapped rows of one document at one width, built on demand.
#[derive(Default)]
pub struct Layout {
    width: usize,
    cache: Wrapped,
    /// The caches of the last widths before this one, the latest last: at
    /// most [`EARLIER_WIDTHS`], each of at most [`EARLIER_BLOCKS`] blocks.
    earlier: Vec<(usize, Wrapped)>,
}

/// Blocks kept wrapped; beyond this the cache starts over (a long jump).
const CACHE_BLOCKS: usize = 4096;

/// How many widths before the current one keep their rows.
const EARLIER_WIDTHS: usize = 2;

/// A cache of more blocks than this (a long read at that width) is dropped
/// when the width changes rather than kept: a screen needs a few dozen,
/// and memory stays within a few screens' worth of rows.
const EARLIER_BLOCKS: usize = 256;

impl Layout {
    pub fn width(&self) -> usize {
        self.width
    }

    /// Changes the wrap width: the rows wrapped at the width before are
    /// put aside (see [`EARLIER_WIDTHS`]), and those of the new one taken
    /// back if it was one of them. Wrapping the rows of a screen again and
    /// dropping the old ones was two fifths of a resize's instructions
    /// (callgrind, the essay at 120x40).
    pub fn set_width(&mut self, width: usize) {
        if width == self.width {
            return;
        }
        let old = std::mem::replace(&mut self.width, width);
        let before = std::mem::take(&mut self.cache);
        if let Some(i) = self.earlier.iter().position(|(w, _)| *w == width) {
            self.cache = self.earlier.remove(i).1;
        }
        if !before.is_empty() && before.len() <= EARLIER_BLOCKS {
            self.earlier.push((old, before));
            if self.earlier.len() > EARLIER_WIDTHS {
                self.earlier.remove(0);
            }
        }
    }

    pub fn rows(&mut self, doc: &Document, block: usize) -> Rc<Vec<Row>> {
        if let Some(r) = self.cache.get(&block) {
            return Rc::clone(r);
        }
        if self.cache.len() >= CACHE_BLOCKS {
            self.cache.clear();
        }
        let rows = Rc::new(wrap_block(&doc.block(block), self.width));
        self.cache.insert(block, Rc::clone(&rows));
        rows
    }

    pub fn first(&mut self, doc: &Document) -> Option<Pos> {
        doc.first_block().map(|block| Pos { block, row: 0 })
    }

    pub fn last(&mut self, doc: &Document) -> Option<Pos> {
        let block = doc.last_block()?;
        let n = self.rows(doc, block).len();
        Some(Pos {
            block,
            row: n.saturating_sub(1),
        })
    }

    pub fn next(&mut self, doc: &Document, p: Pos) -> Option<Pos> {
        if p.row + 1 < self.rows(doc, p.block).len() {
            return Some(Pos {
                block: p.block,
                row: p.row + 1,
            });
        }
        doc.next_block(p.block).map(|block| Pos { block, row: 0 })
    }

    pub fn prev(&mut self, doc: &Document, p: Pos) -> Option<Pos> {
        if p.row > 0 {
            return Some(Pos {
                block: p.block,
                row: p.row - 1,
            });
        }
        let block = doc.prev_block(p.block)?;
        let n = self.rows(doc, block).len();
        Some(Pos {
            block,
            row: n.saturating_sub(1),
        })
    }

    /// Moves forward up to `n` rows; returns where it stopped and how far it got.
    /// A block's rows are looked up once, not once a row ([`Layout::next`]
    /// a row at a time was a cache lookup for each row of a page).
    pub fn advance(&mut self, doc: &Document, mut p: Pos, n: usize) -> (Pos, usize) {
        let mut moved = 0;
        while moved < n {
            let len = self.rows(doc, p.block).len();
            let within = len.saturating_sub(p.row + 1).min(n - moved);
            if within > 0 {
                p.row += within;
                moved += within;
                continue;
            }
            match doc.next_block(p.block) {
                Some(block) => p = Pos { block, row: 0 },
                None => break,
            }
            moved += 1;
        }
        (p, moved)
    }

    /// Moves back up to `n` rows, as [`Layout::advance`] forward.
    pub fn retreat(&mut self, doc: &Document, mut p: Pos, n: usize) -> (Pos, usize) {
        let mut moved = 0;
        while moved < n {
            let within = p.row.min(n - moved);
            if within > 0 {
                p.row -= within;
                moved += within;
                continue;
            }
            match self.prev(doc, p) {
                Some(q) => p = q,
                None => break,
            }
            moved += 1;
        }
        (p, moved)
    }

    pub fn row(&mut self, doc: &Document, p: Pos) -> Option<Shown> {
        self.rows_from(doc, p, 1).next().map(|(row, _)| row)
    }

    /// Up to `n` rows from `p` on, in `p`'s block alone, each with its
    /// place: the block's rows looked up once.
    pub fn rows_from(
        &mut self,
        doc: &Document,
        p: Pos,
        n: usize,
    ) -> impl Iterator<Item = (Shown, Pos)> {
        let rows = self.rows(doc, p.block);
        let end = rows.len().min(p.row.saturating_add(n));
        (p.row..end).map(move |i| {
            let at = Pos {
                block: p.block,
                row: i,
            };
            (
                Shown {
                    rows: Rc::clone(&rows),
                    i,
                },
                at,
            )
        })
    }

    /// Where the row at `p` starts in the source ([`Layout::row`]'s
    /// `src`), without a copy of the row (where a view ends is asked on
    /// every key: the copy was a hundredth of a line key).
    pub fn row_src(&mut self, doc: &Document, p: Pos) -> Option<usize> {
        self.rows(doc, p.block).get(p.row).map(|r| r.src)
    }

    /// The row holding source offset `offset`: the last row of its block
    /// starting at or before it.
    pub fn pos_of_offset(&mut self, doc: &Document, offset: usize) -> Option<Pos> {
        let block = doc.block_at(offset)?;
        let rows = self.rows(doc, block);
        let gap = doc.block(block).gap_before as usize;
        // The last row starting at or before the offset; among rows with
        // the same start (a heading's rule, a table's lines) the first.
        let mut row = gap.min(rows.len().saturating_sub(1));
        let mut best: Option<usize> = None;
        for (i, r) in rows.iter().enumerate().skip(gap) {
            if r.src > offset {
                break;
            }
            if best.is_none_or(|b| r.src > b) {
                best = Some(r.src);
                row = i;
            }
        }
        Some(Pos { block, row })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::document::Format;

    proptest::proptest! {
        /// A segment is cut as its graphemes are, one by one and each
        /// measured: words, runs of spaces (leading ones too), words
        /// longer than a row; printable ASCII alone (taken a byte at a
        /// time) or among wide letters and combining marks.
        #[test]
        fn a_segment_is_cut_as_its_measured_graphemes_are(
            text in proptest::prop_oneof![
                "[ a-z.,!~]{0,80}",
                "( {0,7}[a-z.]{0,25}){0,6} {0,4}",
                "[ a-z.,é語\u{301}]{0,60}",
                "( {0,4}[a-z]{0,9}[é語\u{301}\u{200b}]?){0,8}",
            ],
            avail in 1usize..30,
        ) {
            let mut fast = Vec::new();
            fragments(&text, 0, text.len(), avail, &mut fast);
            let mut slow = Vec::new();
            let graphemes = crate::text::sanitize::grapheme_indices_fast(&text);
            cut(
                graphemes.map(|(i, g)| (i, g.len(), g == " ", grapheme_width(g))),
                avail,
                &mut slow,
            );
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    fn rich(s: &str) -> RichText {
        let mut t = RichText::new();
        t.push(s, Roles::NONE, 0);
        t
    }

    fn wrapped(s: &str, width: usize) -> Vec<String> {
        let t = rich(s);
        wrap_ranges(&t, width)
            .into_iter()
            .map(|(a, b)| t.text[a..b].to_string())
            .collect()
    }

    #[test]
    fn wraps_words_at_width() {
        assert_eq!(
            wrapped("the quick brown fox jumps", 10),
            vec!["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn breaks_words_longer_than_the_line() {
        assert_eq!(wrapped("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn u1_wide_and_combining_characters_never_overflow() {
        let s = "漢字漢字漢字 e\u{301}e\u{301}e\u{301} 👩\u{200D}👩\u{200D}👧 ❤️❤️";
        for width in 1..12 {
            let t = rich(s);
            for (a, b) in wrap_ranges(&t, width) {
                let w = text_width(&t.text[a..b]);
                assert!(
                    w <= width.max(2),
                    "row {:?} is {w} wide at {width}",
                    &t.text[a..b]
                );
            }
        }
    }

    #[test]
    fn leading_indentation_is_kept() {
        assert_eq!(wrapped("    indented code", 40), vec!["    indented code"]);
    }

    #[test]
    fn columns_map_source_ranges_to_screen_columns() {
        let doc = Document::from_bytes(b"- the *Red* Terror began\n".to_vec(), Format::Markdown)
            .expect("loads");
        let rows = wrap_block(&doc.block(0), 40);
        let row = &rows[0];
        assert_eq!(row.text(), "• the Red Terror began");
        let src = "- the *Red* Terror began";
        let red = src.find("Red").expect("present");
        // "Red" is at columns 6..9 on screen ("• the " is 6 wide).
        assert_eq!(row.columns(red, red + 3), Some((6, 9)));
        let terror = src.find("Terror").expect("present");
        assert_eq!(row.columns(red, terror + 6), Some((6, 16)));
    }

    /// Every row laid out carries the fingerprint of what it shows: the
    /// same text in other roles (bold, a heading) is another key, the same
    /// spans the same key, whatever the block kind (a rule, a table, a
    /// heading's underline, a list).
    #[test]
    fn every_row_laid_out_has_the_key_of_its_spans() {
        let md = "# The *Red* Terror\n\nthe Red Terror, the **Red** Terror\n\n---\n\n\
                  | year | event |\n|---|---|\n| 1918 | decree |\n\n- a list item\n";
        let doc = Document::from_bytes(md.as_bytes().to_vec(), Format::Markdown).expect("loads");
        let mut rows = Vec::new();
        for b in 0..doc.markdown_blocks().expect("markdown").len() {
            for width in [12, 40] {
                rows.extend(wrap_block(&doc.block(b), width));
            }
        }
        assert!(rows.len() > 8, "{}", rows.len());
        for row in &rows {
            assert_eq!(row.key, spans_key(&row.spans), "{:?}", row.spans);
        }
        let plain = vec![("Red".to_string(), Roles::NONE)];
        let bold = vec![("Red".to_string(), Roles::STRONG)];
        assert_ne!(spans_key(&plain), spans_key(&bold), "roles count");
        let split = vec![
            ("Re".to_string(), Roles::NONE),
            ("d".to_string(), Roles::NONE),
        ];
        assert_eq!(spans_key(&plain), spans_key(&plain.clone()));
        assert_ne!(
            spans_key(&plain),
            spans_key(&split),
            "how the text is split counts"
        );
    }

    #[test]
    fn empty_text_is_one_row() {
        assert_eq!(wrapped("", 10), vec![""]);
    }

    /// A long table is blocks of rows (the first with the header), and
    /// laid out part by part it shows what it shows laid out whole: the
    /// same columns on every part (one cell wider than the rest far down
    /// widens its column on the first), the header's rule once, the same
    /// stacked records with a blank row between each, in a quote too,
    /// at every width.
    #[test]
    fn a_long_table_is_laid_out_in_parts_as_it_is_whole() {
        let mut md = String::from("Before.\n\n> | Year | Event | Note |\n> |---|---|---|\n");
        for n in 0..300 {
            let event = if n == 250 {
                "a cell much wider than any before it, far down the table".to_string()
            } else {
                format!("event {n}")
            };
            let note = if n % 50 == 7 { "" } else { "*noted*" };
            md.push_str(&format!("> | {} | {event} | {note} |\n", 1700 + n));
        }
        md.push_str("\nAfter.\n");
        let doc = Document::from_bytes(md.into_bytes(), Format::Markdown).expect("loads");
        let blocks = doc.markdown_blocks().expect("markdown");
        let parts: Vec<Block> = (0..blocks.len())
            .filter_map(|i| blocks.block(i))
            .filter(|b| matches!(b.kind, BlockKind::Table(_)))
            .collect();
        let part = crate::text::block::TABLE_PART_ROWS;
        assert_eq!(parts.len(), 1 + (300 - part).div_ceil(part));
        let mut rows = Vec::new();
        for part in &parts {
            let BlockKind::Table(t) = &part.kind else {
                unreachable!()
            };
            assert!(t.whole.is_some());
            rows.extend(t.rows.iter().cloned());
        }
        assert_eq!(rows.len(), 301, "every row once, the header's included");
        let BlockKind::Table(first) = &parts[0].kind else {
            unreachable!()
        };
        let whole = Block {
            kind: BlockKind::Table(Table {
                rows,
                header_rows: first.header_rows,
                whole: None,
            }),
            ..parts[0].clone()
        };
        let shown = |rows: &[Row]| -> Vec<(String, usize)> {
            rows.iter().map(|r| (r.text(), r.src)).collect()
        };
        for width in [12, 30, 50, 100] {
            let by_parts: Vec<Row> = parts.iter().flat_map(|b| wrap_block(b, width)).collect();
            assert_eq!(
                shown(&by_parts),
                shown(&wrap_block(&whole, width)),
                "at {width} columns"
            );
        }
        // The parts are blocks of their own: after the first, no gap and a
        // start of their own, in order.
        for pair in parts.windows(2) {
            assert_eq!(pair[1].gap_before, 0);
            assert!(pair[1].src > pair[0].src);
        }
    }

    #[test]
    fn tables_fit_or_stack() {
        let doc = Document::from_bytes(
            b"| Date | Event |\n|---|---|\n| 1917 | October revolution in Petrograd |\n".to_vec(),
            Format::Markdown,
        )
        .expect("loads");
        let block = doc.block(0);
        let wide: Vec<String> = wrap_block(&block, 60).iter().map(Row::text).collect();
        assert_eq!(wide[0].trim_end(), "Date │ Event");
        assert!(wide[1].starts_with("─────┼─"), "{wide:?}");
        let narrow: Vec<String> = wrap_block(&block, 10).iter().map(Row::text).collect();
        assert_eq!(narrow[0], "Date: 1917");
        for row in wrap_block(&block, 10) {
            assert!(row.width() <= 10, "{:?}", row.text());
        }
    }

    /// Each row of a table starts where its text does in the source (the
    /// header's rule where the header ends, a row's later lines where its
    /// tallest cell's do), side by side and stacked: the starts grow, and
    /// the row holding a word is in that word's table row. Every row had
    /// the table's start: a search's hit, the cursor and a note all went
    /// to its first row.
    #[test]
    fn a_tables_rows_start_where_their_text_does() {
        let text = "Before.\n\n| Date | Event |\n|---|---|\n| 1917 | October revolution in Petrograd, with the Second Congress of Soviets |\n| 1922 | The GPU |\n";
        let doc = Document::from_bytes(text.as_bytes().to_vec(), Format::Markdown).expect("loads");
        let block = (0..3)
            .find(|&b| matches!(doc.block(b).kind, BlockKind::Table(_)))
            .expect("a table");
        let at = |word: &str| text.find(word).expect("in the text");
        for width in [60, 30, 12] {
            let rows = wrap_block(&doc.block(block), width);
            let srcs: Vec<usize> = rows.iter().map(|r| r.src).collect();
            assert!(srcs.windows(2).all(|w| w[0] <= w[1]), "{width}: {srcs:?}");
            for start in ["1917", "1922"] {
                assert!(
                    srcs.contains(&at(start)),
                    "{width}: no row starts at {start}: {srcs:?}"
                );
            }
            // The last row starting at or before a word: in its table row.
            for (word, row) in [("Second", "1917"), ("GPU", "1922"), ("Petrograd", "1917")] {
                let holder = srcs.iter().rev().find(|&&s| s <= at(word)).expect("a row");
                assert!(
                    *holder >= at(row) && (row == "1922" || *holder < at("1922")),
                    "{width}: {word:?} is placed on a row starting at {holder}: {srcs:?}"
                );
            }
        }
        let wide = wrap_block(&doc.block(block), 60);
        let header = wide
            .iter()
            .find(|r| !r.text().trim().is_empty())
            .expect("a header");
        assert_eq!(header.src, at("Date"));
    }

    /// Back at a width seen just before, the rows wrapped then are used
    /// again (the same rows, not wrapped anew), and they are the rows
    /// wrapping at that width makes; widths further back, and caches too
    /// big to keep, are wrapped anew.
    #[test]
    fn a_width_seen_just_before_finds_its_rows_wrapped() {
        let text = "word and another word ".repeat(40) + "\n\n" + &"a line\n\n".repeat(300);
        let (doc, mut l) = laid_out(text, 30);
        let at30 = l.rows(&doc, 0);
        l.set_width(50);
        let at50 = l.rows(&doc, 0);
        assert_ne!(*at30, *at50, "another width wraps otherwise");
        l.set_width(30);
        let back = l.rows(&doc, 0);
        assert!(Rc::ptr_eq(&at30, &back), "wrapped again");
        assert_eq!(*back, wrap_block(&doc.block(0), 30));
        // Two widths are kept (50 and 30 after 40), a third pushes the
        // oldest out (30, after 60).
        l.set_width(40);
        l.rows(&doc, 0);
        l.set_width(50);
        assert!(Rc::ptr_eq(&at50, &l.rows(&doc, 0)), "50 was kept");
        l.set_width(60);
        l.rows(&doc, 0);
        l.set_width(30);
        assert!(!Rc::ptr_eq(&at30, &l.rows(&doc, 0)), "30 was pushed out");
        // A long read at one width is not kept when the width changes.
        let mut b = l.first(&doc).expect("rows");
        for _ in 0..EARLIER_BLOCKS + 10 {
            b = l.advance(&doc, b, 2).0;
        }
        let first = l.rows(&doc, 0);
        l.set_width(70);
        l.set_width(30);
        assert!(
            !Rc::ptr_eq(&first, &l.rows(&doc, 0)),
            "a big cache was kept"
        );
    }

    /// A plain text and a layout for it at `width`.
    fn laid_out(text: String, width: usize) -> (Document, Layout) {
        let doc = Document::from_bytes(text.into_bytes(), Format::Text).expect("loads");
        let mut l = Layout::default();
        l.set_width(width);
        (doc, l)
    }

    #[test]
    fn advance_and_retreat_are_inverse() {
        let text = "word ".repeat(400) + "\n" + &"line\n".repeat(50);
        let (doc, mut l) = laid_out(text, 30);
        let start = l.first(&doc).expect("rows");
        let (p, n) = l.advance(&doc, start, 90);
        assert_eq!(n, 90);
        let (q, m) = l.retreat(&doc, p, 90);
        assert_eq!((q, m), (start, 90));
    }
}
