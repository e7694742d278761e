//! The Reader pane: the prepared rows, the reading cursor and bookmark
//! marks in the gutter, and a position bar.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use std::hash::{Hash as _, Hasher as _};

use super::keep::{Keep, Rows};
use super::{Panes, fit, theme};
use crate::app::{App, Editor, Focus};
use crate::input::action::{Action, Context};
use crate::study::notes::Kind;
use crate::text::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, app: &App, p: &Panes, keep: &mut Keep) {
    let focused = app.focus == Focus::Reader && p.overlay.is_none();
    let title = app
        .open_entry()
        .map(|e| sanitize_line(e.display_title(), 200))
        .unwrap_or_else(|| "Reader".to_string());
    if p.chrome != super::Chrome::Bare {
        let width = usize::from(p.reader.width.saturating_sub(4));
        let title = Line::from(Span::styled(
            format!(" {} ", fit(&title, width.saturating_sub(2))),
            theme::title(focused),
        ));
        let style = theme::border(focused);
        super::list::chrome_kept(frame.buffer_mut(), p.reader, p.chrome, style, &title, keep);
    }
    let Some(r) = app.reader.as_ref() else {
        let msg = app
            .open_error
            .clone()
            .unwrap_or_else(|| "Select a document in the Library and press enter.".to_string());
        let para = Paragraph::new(super::wrap_lines(vec![Line::from(msg)], p.text.width))
            .style(theme::muted());
        frame.render_widget(para, p.text);
        return;
    };
    if r.visible.is_empty() {
        frame.render_widget(
            Paragraph::new("(this document is empty)").style(theme::muted()),
            p.text,
        );
        return;
    }
    // What every row's styles follow from, with its roles (the keys).
    let palette = theme::palette_key();
    // Marks are placed in the whole text; a window of it starts further in.
    let shift = app.window_start();
    // Only the marks reaching into the rows drawn (issue 12: not all of
    // tens of thousands of notes on every frame).
    let lo = r.visible.first().map_or(0, |row| row.src);
    let hi = r.visible_end.max(lo + 1);
    let marks: Vec<_> = app
        .notes
        .as_ref()
        .map(|n| n.marks_near(lo + shift, hi + shift))
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m.0 >= shift)
        .map(|(a, b, k)| (a - shift, b.saturating_sub(shift), k))
        .collect();
    // The selection, or the passage the note editor is writing about.
    let selection = app.selection_range().or_else(|| app.editing_range());
    let point = app
        .point
        .filter(|_| focused && app.selection.is_none() && app.editor.is_none());
    // The rows' parts meet (no gap between the gutter and the text):
    // each row is a part of the screen that may be kept (ui/keep.rs).
    let parts = p.gutter.right() == p.text.x;
    // First what each row shows and its key, then (the rows may have
    // moved since the last frame) what is drawn.
    let mut rows: Vec<RowDraw> = Vec::with_capacity(usize::from(p.text.height));
    for (i, row) in r.visible.iter().enumerate() {
        let y = p.text.y + i as u16;
        if y >= p.text.bottom() {
            break;
        }
        // A row holds the text from its start to the next row's start;
        // blank rows above a block share its start and hold nothing.
        let next_src = r
            .visible
            .get(i + 1)
            .map_or(r.visible_end.max(row.src + 1), |n| n.src);
        let blank = row.spans.is_empty() || next_src <= row.src;
        let (lo, hi) = (row.src, next_src);
        let mut bookmark = false;
        let mut highlight = false;
        let mut note = false;
        // Entries on this row: more than one is counted in the margin.
        let mut count = 0usize;
        // Character ranges to tint on this row.
        let mut tints: Vec<(usize, usize, Tint)> = Vec::new();
        if !blank && let Some(search) = app.search.as_ref() {
            let current = search.current.and_then(|c| search.hits.get(c)).copied();
            for hit in search.hits_in(lo, hi) {
                let style = if Some(*hit) == current {
                    Tint::CurrentHit
                } else {
                    Tint::Hit
                };
                if let Some((c0, c1)) = row.columns(hit.start, hit.end) {
                    tints.push((c0, c1, style));
                }
            }
        }
        if !blank {
            for &(s, e, kind) in &marks {
                if s >= hi {
                    break;
                }
                match kind {
                    Kind::Bookmark if s >= lo => {
                        bookmark = true;
                        count += 1;
                    }
                    Kind::Highlight | Kind::Note if e > lo => {
                        count += 1;
                        let style = if kind == Kind::Note {
                            note = true;
                            Tint::Annotated
                        } else {
                            highlight = true;
                            Tint::Highlighted
                        };
                        if let Some((c0, c1)) = row.columns(s, e) {
                            tints.push((c0, c1, style));
                        }
                    }
                    _ => {}
                }
            }
        }
        let is_cursor = i == r.cursor_row();
        let (sym, mark) = if p.gutter.width > 0 {
            let counted = match count {
                0 | 1 => None,
                2..=9 => Some(COUNTS[count - 2]),
                _ => Some("+"),
            };
            let (sym, style) = if let Some(c) = counted {
                (c, theme::note_mark())
            } else if note {
                ("✎", theme::note_mark())
            } else if bookmark {
                ("◆", theme::bookmark())
            } else if highlight {
                ("▌", theme::highlight_mark())
            } else {
                (" ", Style::new())
            };
            (sym, style)
        } else {
            ("", Style::new())
        };
        let cursor_bar = if is_cursor { "▌" } else { " " };
        let cursor_line = (is_cursor && focused).then(theme::cursor_line);
        // Passages first, matches on top.
        tints.reverse();
        // The selection to the character: exactly the selected text.
        if let Some((s, e)) = selection.filter(|_| !blank)
            && let Some((c0, c1)) = row.columns(s, e)
        {
            tints.push((c0, c1, Tint::Selection));
        }
        if let Some(at) = point.filter(|_| is_cursor && !blank)
            && let Some((c0, c1)) = row.columns(at, at + 1)
        {
            tints.push((c0, c1.max(c0 + 1), Tint::Point));
        }
        // The gutter and the text of this row are not drawn again when
        // they show what the screen shows (ui/keep.rs): the key is every
        // symbol, text and style drawn below, and the columns (the row is
        // the part's place, not part of what it shows: a row that moved
        // up shows the same).
        let mut key = super::keep::hasher();
        // Every style below follows from the palette and what is hashed
        // with it: the mark's from its symbol, the tints' from their kinds
        // (hashing the styles themselves was a twentieth of a line key).
        (p.gutter.x, p.gutter.width + p.text.width).hash(&mut key);
        (sym, cursor_bar, cursor_line.is_some()).hash(&mut key);
        (&tints, p.text.width, palette).hash(&mut key);
        // The text and its roles, by the row's fingerprint made when it
        // was laid out: their styles follow from the roles and the
        // palette (hashing each row's text on every frame was a tenth of
        // a line key).
        row.key.hash(&mut key);
        rows.push(RowDraw {
            mark: (sym, mark),
            cursor_bar,
            cursor_line,
            tints,
            key: key.finish(),
        });
    }
    let x0 = if parts { p.gutter.x } else { p.text.x };
    let area = Rect::new(x0, p.text.y, p.text.right() - x0, p.text.height);
    let rows_known = parts && {
        let keys: Vec<u64> = rows.iter().map(|d| d.key).collect();
        keep.scrolled(area, &keys) != Rows::Unknown
    };
    let buf = frame.buffer_mut();
    for (i, (d, row)) in rows.into_iter().zip(&r.visible).enumerate() {
        let y = p.text.y + i as u16;
        let kept = Rect::new(p.gutter.x, y, p.gutter.width + p.text.width, 1);
        // Under the note editor's box: the box is drawn over it.
        if keep.hidden(kept) || parts && keep.row(i, kept, d.key) {
            continue;
        }
        let RowDraw {
            mark: (sym, mark),
            cursor_bar,
            cursor_line,
            tints,
            ..
        } = d;
        let spans = row
            .spans
            .iter()
            .map(|(s, roles)| (s.as_str(), theme::text(*roles)));
        if p.gutter.width > 0 {
            // The mark and the cursor's bar, constants one column wide
            // each, set as they are: no escape can reach the terminal.
            // (Through `set_line`, a line built for them and segmented
            // was a tenth of the Reader's rows on a resize.)
            let cells = super::row_cells(buf, p.gutter.x, y, usize::from(p.gutter.width));
            let parts = [(sym, mark), (cursor_bar, theme::cursor_gutter())];
            for (cell, (symbol, style)) in cells.iter_mut().zip(parts) {
                #[allow(clippy::disallowed_methods)]
                cell.set_symbol(symbol).set_style(style);
            }
        }
        let row_rect = Rect::new(p.text.x, y, p.text.width, 1);
        if let Some(style) = cursor_line {
            buf.set_style(row_rect, style);
        }
        super::set_spans(buf, p.text.x, y, spans, p.text.width);
        for (c0, c1, kind) in tints {
            tint(buf, p.text, y, c0, c1, kind.style());
        }
    }
    // The text's rows move a row at a time: the screen may move them on
    // the terminal instead of writing them again (runtime/terminal.rs),
    // found by comparing its cells when the rows' keys could not tell.
    // When they told (they stayed, or `keep` moves them), that compare
    // would only repeat it: a line down that brought a note in full into
    // the Notes pane beside them compared the text's rows for a move at
    // every distance (a sixth of the key, callgrind).
    // Not under a box drawn over the rows (the note editor's): its rows
    // would be compared as the text's.
    if !rows_known && !keep.covered(area) {
        frame.scrolls(area);
    }
    if let Some(bar) = p.scrollbar {
        scrollbar(frame, app, bar, keep);
    }
    if let Some(ed) = app.editor.as_ref() {
        editor(frame, app, ed, p);
    } else if !p.wide {
        note_box(frame, app, p);
    }
}

/// What a row of the text shows besides its text, worked out before any
/// row is drawn, and its key.
struct RowDraw {
    mark: (&'static str, Style),
    cursor_bar: &'static str,
    cursor_line: Option<Style>,
    tints: Vec<(usize, usize, Tint)>,
    key: u64,
}

/// What a stretch of a row is tinted for; its style follows from the
/// palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Tint {
    Hit,
    CurrentHit,
    Annotated,
    Highlighted,
    Selection,
    Point,
}

impl Tint {
    fn style(self) -> Style {
        match self {
            Tint::Hit => theme::search_hit(),
            Tint::CurrentHit => theme::search_current(),
            Tint::Annotated => theme::annotated(),
            Tint::Highlighted => theme::highlighted(),
            Tint::Selection => theme::selection(),
            Tint::Point => theme::point(),
        }
    }
}

/// Counts of entries on one row, drawn in the margin.
const COUNTS: [&str; 8] = ["2", "3", "4", "5", "6", "7", "8", "9"];

fn tint(buf: &mut ratatui::buffer::Buffer, text: Rect, y: u16, c0: usize, c1: usize, style: Style) {
    let x0 = u16::try_from(c0).unwrap_or(u16::MAX).min(text.width);
    let x1 = u16::try_from(c1).unwrap_or(u16::MAX).min(text.width);
    if x1 > x0 {
        buf.set_style(Rect::new(text.x + x0, y, x1 - x0, 1), style);
    }
}

/// Where the Notes pane is hidden: the entry under the reading cursor in
/// a small box over the reader, away from the cursor's row.
fn note_box(frame: &mut Frame, app: &App, p: &Panes) {
    let (Some(id), Some(n), Some(r)) = (
        app.under_cursor.as_ref(),
        app.notes.as_ref(),
        app.reader.as_ref(),
    ) else {
        return;
    };
    // Nothing else is over the reader (a prompt, a pane, the review's
    // card: the box would sit beside the card, about another entry; the
    // help, the outline or the results of a search in every document:
    // its edges showed around theirs).
    let reviewing = app.review.as_ref().is_some_and(|s| s.shown);
    if app.selection.is_some()
        || app.prompt.is_some()
        || p.overlay.is_some()
        || reviewing
        || !matches!(app.overlay, crate::app::Overlay::None)
    {
        return;
    }
    let Some(item) = n.item_by_id(id) else {
        return;
    };
    let area = p.reader;
    if area.width < 16 || area.height < 8 {
        return;
    }
    let (what, body) = match item.kind {
        Kind::Note => ("note", item.text.clone()),
        Kind::Bookmark => ("bookmark", item.title.clone()),
        Kind::Highlight => ("highlight", format!("“{}”", item.preview)),
    };
    // As tall as the note needs (wrapped at the box's width), within a
    // third of the reader.
    let inner_w = area.width.saturating_sub(2).max(1);
    let body = super::wrap_lines(
        body.lines()
            .map(|l| Line::from(sanitize_line(l, 2000)))
            .collect(),
        inner_w,
    );
    let rows = body.len().max(1);
    let most = (area.height / 3).max(3);
    let h = u16::try_from(rows + 2).unwrap_or(u16::MAX).clamp(3, most);
    let below = usize::from(area.height) / 2 > r.cursor_row();
    let y = if below { area.bottom() - h } else { area.y };
    let rect = Rect::new(area.x, y, area.width, h);
    frame.render_widget(ratatui::widgets::Clear, rect);
    let title = format!(" {what} · {} ", super::notes::when(&item.created));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(false))
        .title(Span::styled(title, theme::muted()));
    let para = Paragraph::new(body).block(block);
    frame.render_widget(para, rect);
}

/// A thin position bar: the thumb spans the visible part of the text; the
/// track is left blank (beside the line to the Notes pane a drawn track
/// read as a double line, and it was a tenth of a full frame's bytes).
fn scrollbar(frame: &mut Frame, app: &App, area: Rect, keep: &mut Keep) {
    let area = area.intersection(frame.area());
    let Some(r) = app.reader.as_ref() else { return };
    let len = r.doc.len().max(1) as u128;
    let h = u128::from(area.height);
    if h == 0 {
        return;
    }
    let (a, b) = r.view_span();
    let mut start = (a as u128 * h / len) as u16;
    let mut end = ((b as u128 * h).div_ceil(len)) as u16;
    if r.at_end {
        end = area.height;
    }
    if end <= start {
        end = start + 1;
    }
    if end > area.height {
        start = start.min(area.height.saturating_sub(1));
        end = area.height;
    }
    let (thumb, track) = (("┃", theme::marker()), (" ", Style::new()));
    // Drawn on every frame, 37 rows through ratatui's segmentation, and
    // compared: now only when the thumb or the place moved.
    if keep.same(area, super::keep::key((area, start, end, thumb, track))) {
        return;
    }
    let buf = frame.buffer_mut();
    for y in 0..area.height {
        let (sym, style) = if y >= start && y < end { thumb } else { track };
        // Box-drawing constants: no escape can reach the terminal.
        #[allow(clippy::disallowed_methods)]
        buf[(area.x, area.y + y)].set_symbol(sym).set_style(style);
    }
}

/// Where the note editor's box goes: over the lower part of the reader,
/// so the passage stays in view above it. `None` on a reader too small
/// for it.
pub(super) fn editor_rect(p: &Panes) -> Option<Rect> {
    let area = p.reader;
    let h = (area.height / 2).clamp(5.min(area.height), 12);
    if h < 3 || area.width < 10 {
        return None;
    }
    Some(Rect::new(area.x, area.bottom() - h, area.width, h))
}

/// The note editor: a box over the lower part of the reader, so the
/// passage stays in view above it.
fn editor(frame: &mut Frame, app: &App, ed: &Editor, p: &Panes) {
    let Some(rect) = editor_rect(p) else {
        return;
    };
    let area = p.reader;
    frame.render_widget(ratatui::widgets::Clear, rect);
    let km = &app.keymap;
    let hints = format!(
        " {} save · {} new line · {} cancel ",
        km.hint(Context::Editor, Action::Save),
        km.hint(Context::Editor, Action::Newline),
        km.hint(Context::Editor, Action::Cancel)
    );
    let about = sanitize_line(&ed.about, 200);
    let title = format!(
        " Note on “{}” ",
        fit(&about, usize::from(area.width).saturating_sub(14))
    );
    // What `Block::bordered()` with these titles draws; the block first
    // set its (default) style on every cell of the box, and laid out its
    // titles generically: half of a letter typed (callgrind).
    let title = Line::from(Span::styled(title, theme::title(true)));
    let hints = Line::from(Span::styled(hints, theme::muted()));
    super::list::boxed(
        frame.buffer_mut(),
        rect,
        theme::border(true),
        &title,
        Some(&hints),
    );
    let inner = super::inner(rect, super::Chrome::Boxed);
    frame.render_widget(&ed.textarea, inner);
}
