//! The reader's viewport over one document: the top row, the reading
//! cursor (a row of the viewport) and the rows prepared for drawing.
//!
//! Every operation walks rows from where the view is, so its cost is one
//! screen whatever the document's size. Positions that outlive a frame
//! (saved positions, resizes) are source offsets, never row numbers.

use std::sync::Arc;

use crate::text::document::Document;
use crate::text::wrap::{Layout, Pos, Shown};

/// Rows kept between the cursor and the edge of the view while moving.
const SCROLLOFF: usize = 2;

pub struct Reader {
    /// Shared so a search can scan it on another thread.
    pub doc: Arc<Document>,
    layout: Layout,
    top: Pos,
    /// The reading cursor, as a row of the viewport.
    cursor: usize,
    height: usize,
    /// Rows to draw, top first (at most `height`), shared with the
    /// layout's cache.
    pub visible: Vec<Shown>,
    /// Where each visible row is (block and row in block).
    visible_pos: Vec<Pos>,
    /// Source offset where the row after the last visible one starts
    /// (`doc.len()` at the end): bounds the bookmark marks of the last row.
    pub visible_end: usize,
    /// Whether the last row of the document is visible.
    pub at_end: bool,
    /// The passage (top, cursor offsets) the resizes since the last move
    /// anchor on, and what the last resize showed (see [`Reader::resize`]).
    resize_anchor: (usize, usize, bool),
    resized: Option<(usize, usize)>,
}

impl Reader {
    pub fn new(doc: impl Into<Arc<Document>>, width: usize, height: usize) -> Reader {
        let doc = doc.into();
        let mut layout = Layout::default();
        layout.set_width(width.max(1));
        let top = layout.first(&doc).unwrap_or_default();
        let mut r = Reader {
            doc,
            layout,
            top,
            cursor: 0,
            height: height.max(1),
            visible: Vec::new(),
            visible_pos: Vec::new(),
            visible_end: 0,
            at_end: true,
            resize_anchor: (0, 0, false),
            resized: None,
        };
        r.refresh();
        r
    }

    pub fn width(&self) -> usize {
        self.layout.width()
    }

    pub fn height(&self) -> usize {
        self.height
    }

    pub fn cursor_row(&self) -> usize {
        self.cursor
    }

    fn scrolloff(&self) -> usize {
        SCROLLOFF.min(self.height.saturating_sub(1) / 2)
    }

    fn cursor_pos(&mut self) -> Pos {
        self.layout.advance(&self.doc, self.top, self.cursor).0
    }

    /// Source offset of the reading cursor.
    pub fn cursor_offset(&self) -> usize {
        self.visible.get(self.cursor).map_or(0, |r| r.src)
    }

    /// The source span of visible row `i`: from its first character (or,
    /// for a block's first text row, from the block's start, so Markdown
    /// markup before the words is included) to where the next row starts.
    pub fn row_span(&self, i: usize) -> Option<(usize, usize)> {
        let row = self.visible.get(i)?;
        let pos = *self.visible_pos.get(i)?;
        let end = self
            .visible
            .iter()
            .skip(i + 1)
            .map(|r| r.src)
            .find(|&s| s > row.src)
            .unwrap_or(self.visible_end)
            .max(row.src);
        let earlier_text = (0..i)
            .rev()
            .take_while(|&j| self.visible_pos[j].block == pos.block)
            .any(|j| !self.visible[j].spans.is_empty());
        let first_text_row = pos.row == 0 || (!earlier_text && i >= pos.row);
        let start = if first_text_row {
            self.doc.block_range(pos.block).0.min(row.src)
        } else {
            row.src
        };
        Some((start, end))
    }

    /// Source offset of the top row.
    pub fn top_offset(&self) -> usize {
        self.visible.first().map_or(0, |r| r.src)
    }

    /// How far through the document the cursor is, 0–100.
    pub fn percent(&self) -> u8 {
        let len = self.doc.len();
        if len == 0 || (self.at_end && self.cursor + 1 >= self.visible.len()) {
            return 100;
        }
        if self.cursor == 0 && self.doc.first_block() == Some(self.top.block) && self.top.row == 0 {
            return 0;
        }
        ((self.cursor_offset() as u128 * 100) / len as u128).min(100) as u8
    }

    /// Source offsets spanned by the view, for a scrollbar.
    pub fn view_span(&self) -> (usize, usize) {
        (self.top_offset(), self.visible_end)
    }

    /// Rebuilds the visible rows after any change; also keeps the view
    /// full (no empty space below the end while there is text above).
    pub fn refresh(&mut self) {
        if self.doc.is_empty() {
            self.visible.clear();
            self.visible_pos.clear();
            self.at_end = true;
            self.visible_end = 0;
            self.cursor = 0;
            return;
        }
        let (_, moved) = self.layout.advance(&self.doc, self.top, self.height - 1);
        if moved < self.height - 1 {
            let (t, _) = self
                .layout
                .retreat(&self.doc, self.top, self.height - 1 - moved);
            self.top = t;
        }
        self.visible.clear();
        self.visible_pos.clear();
        self.at_end = false;
        let p = self.extend_from(Some(self.top));
        self.set_end(p);
    }

    /// After a move over the same layout (same text, same width): the rows
    /// still in view are kept and only those that came into view are
    /// built, so a cursor move builds none and a scroll by a line builds
    /// one. Anything else (a jump, the end of the text) is a [`refresh`].
    ///
    /// [`refresh`]: Reader::refresh
    fn moved(&mut self) {
        let Some(&first) = self.visible_pos.first() else {
            return self.refresh();
        };
        if let Some(k) = self.visible_pos.iter().position(|&p| p == self.top) {
            // Scrolled forward by k rows (k = 0: the cursor alone moved).
            self.visible.drain(..k);
            self.visible_pos.drain(..k);
            let mut p = self
                .visible_pos
                .last()
                .and_then(|&q| self.layout.next(&self.doc, q));
            if k > 0 {
                p = self.extend_from(p);
            }
            return self.end_at(p);
        }
        // Scrolled back: build the rows from the new top down to the old one.
        let mut rows = Vec::new();
        let mut pos = Vec::new();
        let mut p = Some(self.top);
        while let Some(q) = p.filter(|&q| q != first) {
            match self.layout.row(&self.doc, q) {
                Some(row) if rows.len() < self.height => {
                    rows.push(row);
                    pos.push(q);
                }
                _ => return self.refresh(),
            }
            p = self.layout.next(&self.doc, q);
        }
        if p.is_none() {
            return self.refresh();
        }
        let kept = self.height - rows.len();
        self.visible.truncate(kept);
        self.visible_pos.truncate(kept);
        rows.append(&mut self.visible);
        pos.append(&mut self.visible_pos);
        self.visible = rows;
        self.visible_pos = pos;
        let next = self
            .visible_pos
            .last()
            .and_then(|&q| self.layout.next(&self.doc, q));
        self.end_at(next);
    }

    /// Appends rows from `p` on until the view is full; returns the
    /// position after the last one.
    fn extend_from(&mut self, mut p: Option<Pos>) -> Option<Pos> {
        while let Some(q) = p {
            let room = self.height - self.visible.len();
            if room == 0 {
                break;
            }
            // The rest of the block at once (its rows looked up once).
            let mut last = None;
            for (row, at) in self.layout.rows_from(&self.doc, q, room) {
                self.visible.push(row);
                self.visible_pos.push(at);
                last = Some(at);
            }
            let Some(last) = last else {
                break;
            };
            p = self.layout.next(&self.doc, last);
        }
        p
    }

    /// Finishes [`Reader::moved`]: `next` is the position after the last
    /// visible row. A view not full is left to [`Reader::refresh`], which
    /// fills it from above.
    fn end_at(&mut self, next: Option<Pos>) {
        if self.visible.len() < self.height {
            return self.refresh();
        }
        self.set_end(next);
    }

    /// Where the view ends, `next` being the position after its last row:
    /// a view not full, or with nothing after it, is at the end.
    fn set_end(&mut self, next: Option<Pos>) {
        match next.filter(|_| self.visible.len() == self.height) {
            Some(q) => {
                self.at_end = false;
                self.visible_end = self.layout.row_src(&self.doc, q).unwrap_or(self.doc.len());
            }
            None => {
                self.at_end = true;
                self.visible_end = self.doc.len();
            }
        }
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }

    /// Changes the wrap width and view height, keeping the passage at the
    /// top and the cursor on the same text. When the cursor's text no
    /// longer fits under the passage at the top (a narrower or lower
    /// window), the text moves up just so far that it is the last row.
    pub fn resize(&mut self, width: usize, height: usize) {
        self.resize_at(width, height, None);
    }

    /// [`Reader::resize`], the cursor kept on the row holding source
    /// offset `point` (the cursor's character) rather than on the one
    /// holding its row's first character.
    pub fn resize_at(&mut self, width: usize, height: usize, point: Option<usize>) {
        let width = width.max(1);
        let height = height.max(1);
        if width == self.width() && height == self.height {
            return;
        }
        // A row starting mid-paragraph maps to the row holding its start
        // at the new width, which starts earlier: anchoring each resize on
        // the last one's result would drift. While nothing but resizes
        // happen, keep anchoring on the passage the first resize saw.
        let unmoved = self.resized == Some((self.top_offset(), self.cursor_offset()));
        // A blank row on top (the space above a paragraph) stays on top.
        let blank_top = self.visible.first().is_some_and(|r| r.spans.is_empty());
        let (top_src, mut cursor_src, blank_top) = if unmoved {
            self.resize_anchor
        } else {
            (self.top_offset(), self.cursor_offset(), blank_top)
        };
        if let Some(at) = point {
            cursor_src = at;
        }
        let cursor_row = self.cursor;
        self.layout.set_width(width);
        self.height = height;
        if let Some(mut p) = self.layout.pos_of_offset(&self.doc, top_src) {
            if blank_top && p.row > 0 {
                p.row -= 1;
            }
            self.top = p;
        }
        self.refresh();
        // The cursor stays on its words: left on the last row with its
        // text below the view, it was on other words, and a note or a
        // bookmark taken then went to them.
        if cursor_src >= self.visible_end
            && let Some(p) = self.layout.pos_of_offset(&self.doc, cursor_src)
        {
            self.top = self.layout.retreat(&self.doc, p, self.height - 1).0;
            self.refresh();
        }
        self.cursor = cursor_row.min(self.visible.len().saturating_sub(1));
        self.place_cursor_on(cursor_src);
        self.resize_anchor = (top_src, cursor_src, blank_top);
        self.resized = Some((self.top_offset(), self.cursor_offset()));
    }

    /// What is on screen: the top row's offset and the cursor's row.
    pub fn view(&self) -> (usize, usize) {
        (self.top_offset(), self.cursor)
    }

    /// Puts back a view taken with [`Reader::view`].
    pub fn restore_view(&mut self, (top, cursor): (usize, usize)) {
        if let Some(p) = self.layout.pos_of_offset(&self.doc, top) {
            self.top = p;
        }
        self.refresh();
        self.cursor = cursor.min(self.visible.len().saturating_sub(1));
    }

    /// Puts the cursor on the visible row holding `offset`: the last row
    /// starting at or before it, the first text row of rows sharing that
    /// start.
    fn place_cursor_on(&mut self, offset: usize) {
        let best = self
            .visible
            .iter()
            .map(|r| r.src)
            .filter(|&s| s <= offset)
            .max();
        let Some(b) = best else { return };
        let Some(mut i) = self.visible.iter().position(|r| r.src == b) else {
            return;
        };
        // Blank rows above a block share its start: the text row is meant.
        while self.visible[i].spans.is_empty()
            && self.visible_pos.get(i + 1).map(|p| p.block)
                == self.visible_pos.get(i).map(|p| p.block)
            && i + 1 < self.visible.len()
        {
            i += 1;
        }
        self.cursor = i;
    }

    pub fn down(&mut self, n: usize) {
        for _ in 0..n {
            let cur = match self.visible_pos.get(self.cursor) {
                Some(&p) => p,
                None => self.cursor_pos(),
            };
            if self.layout.next(&self.doc, cur).is_none() {
                break;
            }
            if self.cursor + 1 + self.scrolloff() < self.height || self.at_end {
                self.cursor += 1;
                if self.cursor >= self.visible.len() {
                    self.moved();
                }
            } else if let Some(t) = self.layout.next(&self.doc, self.top) {
                self.top = t;
                self.moved();
            }
        }
        self.moved();
    }

    pub fn up(&mut self, n: usize) {
        for _ in 0..n {
            if self.cursor > self.scrolloff() {
                self.cursor -= 1;
            } else if let Some(t) = self.layout.prev(&self.doc, self.top) {
                self.top = t;
            } else if self.cursor > 0 {
                self.cursor -= 1;
            } else {
                break;
            }
        }
        self.moved();
    }

    /// Scrolls the view by `n` rows, the cursor keeping its screen row (as
    /// `less` pages); at the ends the cursor goes to the first/last row.
    pub fn scroll_down(&mut self, n: usize) {
        let before = self.top;
        let (t, moved) = self.layout.advance(&self.doc, self.top, n);
        self.top = t;
        self.moved();
        if moved < n || self.top == before {
            self.cursor = self.visible.len().saturating_sub(1);
        }
    }

    pub fn scroll_up(&mut self, n: usize) {
        let (t, moved) = self.layout.retreat(&self.doc, self.top, n);
        self.top = t;
        if moved < n {
            self.cursor = 0;
        }
        self.moved();
    }

    pub fn page(&self) -> usize {
        self.height.saturating_sub(2).max(1)
    }

    pub fn top(&mut self) {
        if let Some(p) = self.layout.first(&self.doc) {
            self.top = p;
        }
        self.cursor = 0;
        self.refresh();
    }

    pub fn bottom(&mut self) {
        if let Some(last) = self.layout.last(&self.doc) {
            let (t, moved) = self.layout.retreat(&self.doc, last, self.height - 1);
            self.top = t;
            self.cursor = moved;
        }
        self.refresh();
    }

    /// Shows the passage at `offset` with a little context above it and
    /// the cursor on it.
    pub fn goto_offset(&mut self, offset: usize) {
        let Some(target) = self.layout.pos_of_offset(&self.doc, offset) else {
            return;
        };
        let context = (self.height / 4).min(3);
        let (t, moved) = self.layout.retreat(&self.doc, target, context);
        self.top = t;
        self.cursor = moved;
        self.refresh();
        self.place_cursor_on(offset);
    }

    /// Moves the cursor to viewport row `row` (a mouse click).
    pub fn set_cursor_row(&mut self, row: usize) {
        self.cursor = row.min(self.visible.len().saturating_sub(1));
    }
}

#[cfg(test)]
impl Reader {
    /// What a view is: its rows, where they are, how far they reach, and
    /// the cursor.
    #[allow(clippy::type_complexity)]
    fn state(&self) -> (Pos, usize, &[Shown], &[Pos], usize, bool) {
        (
            self.top,
            self.cursor,
            &self.visible,
            &self.visible_pos,
            self.visible_end,
            self.at_end,
        )
    }

    /// The view built afresh from this one's top and cursor must equal it:
    /// the rows kept by a move are the rows a full rebuild makes.
    pub(crate) fn assert_same_as_rebuilt(&self) {
        let mut fresh = Reader::new(Arc::clone(&self.doc), self.width(), self.height);
        fresh.top = self.top;
        fresh.cursor = self.cursor;
        fresh.refresh();
        assert_eq!(self.state(), fresh.state(), "a view kept across a move");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::document::Format;

    fn numbered(n: usize) -> Document {
        let text: String = (0..n).map(|i| format!("line {i}\n")).collect();
        Document::from_bytes(text.into_bytes(), Format::Text).expect("loads")
    }

    /// `n` paragraphs of a dozen wrapped phrases each.
    fn paragraphs(n: usize) -> Document {
        let para = |i: usize| format!("paragraph {i} {}\n", "some words to wrap ".repeat(12));
        let text: String = (0..n).map(para).collect();
        Document::from_bytes(text.into_bytes(), Format::Text).expect("loads")
    }

    fn texts(r: &Reader) -> Vec<String> {
        r.visible.iter().map(|row| row.text()).collect()
    }

    #[test]
    fn down_moves_cursor_then_scrolls() {
        let mut r = Reader::new(numbered(100), 40, 10);
        r.down(5);
        assert_eq!(r.cursor_row(), 5);
        assert_eq!(texts(&r)[0], "line 0");
        r.down(5);
        assert_eq!(
            r.cursor_row(),
            7,
            "cursor stops SCROLLOFF rows from the bottom"
        );
        assert_eq!(texts(&r)[0], "line 3");
        assert_eq!(texts(&r)[r.cursor_row()], "line 10");
    }

    #[test]
    fn bottom_shows_a_full_last_page() {
        let mut r = Reader::new(numbered(100), 40, 10);
        r.bottom();
        assert_eq!(texts(&r).last().map(String::as_str), Some("line 99"));
        assert_eq!(r.visible.len(), 10);
        assert_eq!(r.percent(), 100);
        r.scroll_down(50);
        assert_eq!(texts(&r).last().map(String::as_str), Some("line 99"));
    }

    #[test]
    fn page_up_and_down_are_symmetric() {
        let mut r = Reader::new(numbered(100), 40, 10);
        r.scroll_down(r.page());
        assert_eq!(texts(&r)[0], "line 8");
        r.scroll_up(r.page());
        assert_eq!(texts(&r)[0], "line 0");
    }

    #[test]
    fn resize_keeps_passage_on_top() {
        let mut r = Reader::new(paragraphs(50), 60, 20);
        r.scroll_down(37);
        let top = r.top_offset();
        let first_words = r.doc.excerpt(top, top + 12);
        for (w, h) in [(30, 10), (80, 40), (7, 3), (60, 20)] {
            r.resize(w, h);
            let now = r.top_offset();
            assert!(now <= top, "top moved past the passage at {w}x{h}");
            let row_text = texts(&r)[0].clone();
            assert!(
                r.doc.excerpt(now, top + 12).contains(first_words.trim())
                    || row_text.contains(first_words.split(' ').next().unwrap_or("")),
                "passage {first_words:?} not on top at {w}x{h}: {row_text:?}"
            );
        }
    }

    /// The cursor on the last row, the window made narrower and lower:
    /// its words no longer fit under the passage at the top, and the
    /// text moves up so that the cursor stays on them.
    #[test]
    fn a_resize_keeps_the_cursor_on_its_words() {
        let mut r = Reader::new(paragraphs(50), 60, 20);
        r.scroll_down(9);
        r.down(19);
        let at = r.cursor_offset();
        let words = r.doc.excerpt(at, at + 30);
        for (w, h) in [(30, 10), (23, 7), (60, 20), (12, 4)] {
            r.resize(w, h);
            let c = r.cursor_row();
            let (_, end) = r.row_span(c).expect("the cursor is on a row");
            assert!(
                (r.cursor_offset()..end).contains(&at),
                "the cursor's row {:?} does not hold {words:?} at {w}x{h}",
                texts(&r)[c]
            );
        }
    }

    #[test]
    fn resizing_there_and_back_restores_the_view() {
        let mut r = Reader::new(paragraphs(50), 60, 20);
        r.scroll_down(41);
        r.down(3);
        let before = (texts(&r), r.cursor_row());
        for (w, h) in [(37, 11), (80, 24), (23, 7), (60, 20)] {
            r.resize(w, h);
        }
        assert_eq!((texts(&r), r.cursor_row()), before, "the view drifted");
    }

    #[test]
    fn goto_offset_puts_cursor_on_passage() {
        let doc = numbered(100);
        let offset = doc.excerpt(0, 10_000).find("line 57").expect("present");
        let mut r = Reader::new(doc, 40, 10);
        r.goto_offset(offset);
        assert_eq!(texts(&r)[r.cursor_row()], "line 57");
    }

    #[test]
    fn tiny_and_empty_never_panic() {
        let mut r = Reader::new(numbered(3), 1, 1);
        r.down(10);
        r.bottom();
        r.up(10);
        r.resize(0, 0);
        let empty = Document::from_bytes(Vec::new(), Format::Text).expect("loads");
        let mut r = Reader::new(empty, 10, 5);
        r.down(3);
        r.bottom();
        assert_eq!(r.percent(), 100);
        assert!(r.visible.is_empty());
    }
}
