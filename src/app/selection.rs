//! The reading cursor's character position and selecting text to the
//! character, vim-like: `v` selects the sentence at the cursor; `w`/`b`,
//! `)`/`(`, `}`/`{` and `j`/`k` move the selection's moving end by a word,
//! sentence, paragraph or line; `o` switches ends; the mouse drags. Also
//! re-attaching a lost entry, which is a selection that ends with enter.
//!
//! A moving end that is the selection's end snaps to the ends of units, a
//! moving end that is its start snaps to their starts, so the selection
//! always holds whole words, sentences or paragraphs and never a stray
//! space. It never shrinks past its fixed end: `o` then moves the other.

use super::{App, Effect, Focus};
use crate::input::action::{Action, Context};
use crate::study::segment::{self, Unit};
use crate::text::reader::Reader;
use crate::text::wrap::Row;

/// A selection in source offsets: `fixed` stays, `moving` follows the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub fixed: usize,
    pub moving: usize,
}

impl Selection {
    /// The selected source range, start first.
    pub fn range(&self) -> (usize, usize) {
        (self.fixed.min(self.moving), self.fixed.max(self.moving))
    }

    /// Whether the moving end is the selection's end (it snaps to ends).
    fn at_end(&self) -> bool {
        self.moving >= self.fixed
    }
}

impl App {
    /// The reading cursor's character position: where a search, a jump or
    /// a click put it while it is still on the cursor row, else the start
    /// of the words on the cursor row.
    pub fn cursor_point(&self) -> Option<usize> {
        let r = self.reader.as_ref()?;
        let (s, e) = r.row_span(r.cursor_row())?;
        match self.point {
            Some(p) if p >= s && p < e.max(s + 1) => Some(p),
            _ => Some(row_text_start(r, r.cursor_row()).unwrap_or(s)),
        }
    }

    /// Moves the reader to `offset` and puts the cursor's character there.
    pub(super) fn goto_point(&mut self, offset: usize) {
        if let Some(r) = self.reader.as_mut() {
            r.goto_offset(offset);
        }
        self.point = Some(offset);
    }
}

/// Source offset of the first character shown on visible row `i`.
fn row_text_start(r: &Reader, i: usize) -> Option<usize> {
    let row = r.visible.get(i)?;
    row.map.iter().find(|m| m.2).map(|m| m.1).or(Some(row.src))
}

/// Source offset just past the last character shown on visible row `i`
/// (trailing spaces left out).
fn row_text_end(r: &Reader, i: usize) -> Option<usize> {
    let row = r.visible.get(i)?;
    let text = row.text();
    // The last character shown, from its first byte (never mid-character).
    let (at, c) = text.trim_end().char_indices().next_back()?;
    offset_at_byte(row, at).map(|o| o + c.len_utf8())
}

/// The source offset shown at display byte `at` of a row's text.
fn offset_at_byte(row: &Row, at: usize) -> Option<usize> {
    let i = row.map.partition_point(|m| m.0 <= at).checked_sub(1)?;
    let (d0, s0, exact) = row.map[i];
    Some(if exact { s0 + (at - d0) } else { s0 })
}

/// The source offset under display column `col` of a row (a click).
pub(super) fn offset_at_column(row: &Row, col: usize) -> Option<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    let text = row.text();
    let mut x = 0;
    let mut byte = text.len().saturating_sub(1);
    for (i, g) in text.grapheme_indices(true) {
        let w = crate::text::sanitize::grapheme_width(g);
        if col < x + w.max(1) {
            byte = i;
            break;
        }
        x += w;
    }
    offset_at_byte(row, byte)
}

/// `v`: selects the sentence at the cursor's character.
pub(super) fn start(app: &mut App) {
    let Some(r) = app.reader.as_ref().filter(|r| !r.doc.is_empty()) else {
        app.error("open a document first");
        return;
    };
    let at = app.cursor_point().unwrap_or(0);
    let Some((s, e)) = segment::sentence_at(&r.doc, at) else {
        app.error("there are no words here to select");
        return;
    };
    app.selection = Some(Selection {
        fixed: s,
        moving: e,
    });
    app.focus = Focus::Reader;
    // The status line shows the selection's keys while it lasts.
    app.dismiss_messages();
}

/// Keys while selecting; `None` when the key is not a selection key.
pub(super) fn on_key(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    let unit = match a {
        Action::WordNext | Action::WordPrev => Unit::Word,
        Action::SentenceNext | Action::SentencePrev => Unit::Sentence,
        Action::ParagraphNext | Action::ParagraphPrev => Unit::Paragraph,
        Action::SwapEnds => {
            if let Some(sel) = app.selection.as_mut() {
                std::mem::swap(&mut sel.fixed, &mut sel.moving);
                let m = sel.moving;
                show(app, m);
            }
            return Some(Vec::new());
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::HalfPageUp
        | Action::HalfPageDown
        | Action::Top
        | Action::Bottom => {
            by_rows(app, a);
            return Some(Vec::new());
        }
        Action::Confirm => {
            if app.reattach.is_some() {
                return Some(super::noted::finish_reattach(app));
            }
            let k = |a| app.keymap.hint(Context::Select, a);
            let msg = format!(
                "{} notes the selection · {} highlights it · {} copies it",
                k(Action::Annotate),
                k(Action::Highlight),
                k(Action::Copy)
            );
            app.info(msg);
            return Some(Vec::new());
        }
        _ => return None,
    };
    let forward = matches!(
        a,
        Action::WordNext | Action::SentenceNext | Action::ParagraphNext
    );
    extend(app, unit, forward);
    Some(Vec::new())
}

/// Moves the moving end to the next boundary of `unit`, never past the
/// fixed end (the selection keeps at least one unit).
fn extend(app: &mut App, unit: Unit, forward: bool) {
    let (Some(r), Some(sel)) = (app.reader.as_ref(), app.selection) else {
        return;
    };
    let ends = sel.at_end();
    let Some(to) = segment::boundary(&r.doc, sel.moving, unit, forward, ends) else {
        app.info(if forward {
            "the selection reaches the end of the text"
        } else {
            "the selection reaches the start of the text"
        });
        return;
    };
    let crosses = if ends {
        to <= sel.fixed
    } else {
        to >= sel.fixed
    };
    if crosses {
        let swap = app.keymap.hint(Context::Select, Action::SwapEnds);
        app.info(format!(
            "the selection cannot get smaller from this end: {swap} moves the other end"
        ));
        return;
    }
    if let Some(s) = app.selection.as_mut() {
        s.moving = to;
    }
    show(app, to);
}

/// `j`/`k` and paging while selecting: the cursor moves by rows and the
/// moving end follows it to the end (or start) of the words on its row.
fn by_rows(app: &mut App, a: Action) {
    let Some(sel) = app.selection else { return };
    show(app, sel.moving);
    super::actions::move_reader(app, a);
    let Some(r) = app.reader.as_ref() else { return };
    let i = r.cursor_row();
    let to = if sel.at_end() {
        row_text_end(r, i)
    } else {
        row_text_start(r, i)
    };
    let Some(to) = to else { return };
    let ok = if sel.at_end() {
        to > sel.fixed
    } else {
        to < sel.fixed
    };
    if ok && let Some(s) = app.selection.as_mut() {
        s.moving = to;
        app.point = Some(to.saturating_sub(usize::from(sel.at_end())));
    }
}

/// Keeps `offset` in view with the cursor on its row: the view moves only
/// when it is off screen.
fn show(app: &mut App, offset: usize) {
    let Some(r) = app.reader.as_mut() else { return };
    let (top, end) = r.view_span();
    let visible = offset >= top && (offset < end || r.at_end);
    let row = visible
        .then(|| {
            (0..r.visible.len()).rev().find(|&i| {
                r.row_span(i)
                    .is_some_and(|(s, e)| s <= offset && (offset < e || i + 1 == r.visible.len()))
            })
        })
        .flatten();
    match row {
        Some(i) => r.set_cursor_row(i),
        None => r.goto_offset(offset),
    }
    // The cursor's character is the last selected one.
    app.point = Some(offset.saturating_sub(1));
}

/// A click (or the start of a drag) in the reader: the cursor goes to the
/// row, its character to the one under the mouse.
pub(super) fn click(app: &mut App, y: usize, col: usize) {
    let Some(r) = app.reader.as_mut() else { return };
    r.set_cursor_row(y);
    let at = r.visible.get(y).and_then(|row| offset_at_column(row, col));
    app.point = at;
    if app.reattach.is_none() {
        app.selection = None;
    }
}

/// Dragging with the left button: selects from where the button went down
/// to the character under the mouse, to the character.
pub(super) fn drag(app: &mut App, y: usize, col: usize) {
    let Some(r) = app.reader.as_ref() else { return };
    let Some(at) = r.visible.get(y).and_then(|row| offset_at_column(row, col)) else {
        return;
    };
    let start = app.selection.map(|s| s.fixed).or(app.point).unwrap_or(at);
    // Through the character under the mouse (or from it, dragging back).
    let char_len = |o: usize| {
        r.doc
            .excerpt(o, o + 1)
            .chars()
            .next()
            .map_or(1, char::len_utf8)
    };
    let (fixed, moving) = if at >= start {
        (start, at + char_len(at))
    } else {
        (start + char_len(start), at)
    };
    app.selection = Some(Selection { fixed, moving });
    if let Some(r) = app.reader.as_mut() {
        r.set_cursor_row(y);
    }
    app.point = Some(at);
    app.focus = Focus::Reader;
}
