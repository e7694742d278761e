//! Where everything goes on screen for a terminal size: the panes, the
//! reader's text column, gutter and scrollbar, and what a click hits.
//! `update` sizes the reader and hit-tests the mouse with it, and `ui`
//! draws into the same rectangles, so the two can never disagree.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};

use super::Focus;

/// Terminals at least this wide show the three panes side by side.
pub const WIDE: u16 = 100;
/// Each library and notes item takes two rows (title, details).
pub const ITEM_ROWS: u16 = 2;

/// Where everything goes for one terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Panes {
    pub wide: bool,
    /// How the panes side by side (and the reader alone) are framed; a
    /// pane drawn over the reader is boxed ([`Panes::chrome_of`]).
    pub chrome: Chrome,
    pub library: Option<Rect>,
    pub reader: Rect,
    pub notes: Option<Rect>,
    pub status: Rect,
    /// In the narrow layout, the focused list pane drawn over the reader.
    pub overlay: Option<(Focus, Rect)>,
    /// Reader: gutter column, text area and scrollbar column.
    pub gutter: Rect,
    pub text: Rect,
    pub scrollbar: Option<Rect>,
    pub text_width: usize,
    pub text_height: usize,
}

/// How a pane is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Chrome {
    /// Not at all: the screen is too small for it.
    #[default]
    Bare,
    /// A rule along the top row that carries the title, and a line down
    /// the first column where another pane is to its left. Panes side by
    /// side share these lines: a box round each drew three times the
    /// line cells (two side by side between panes, and a bottom edge),
    /// a third of every full frame's bytes (issue 12), and took two
    /// columns and a row from the text.
    Ruled,
    /// A box all round: a pane drawn over the reader.
    Boxed,
}

/// The part of pane `r` inside its frame.
pub fn inner(r: Rect, chrome: Chrome) -> Rect {
    match chrome {
        Chrome::Bare => r,
        Chrome::Boxed => Block::default().borders(Borders::ALL).inner(r),
        Chrome::Ruled => {
            let side = u16::from(r.x > 0 && r.width > 1);
            Rect::new(
                r.x + side,
                r.y.saturating_add(u16::from(r.height > 0)),
                r.width - side,
                r.height.saturating_sub(1),
            )
        }
    }
}

/// Lays the screen out for `size`; the narrow layout shows the reader and,
/// when a list pane has the focus, that pane over it.
pub fn panes(size: (u16, u16), focus: Focus, measure: usize) -> Panes {
    let (w, h) = size;
    let mut p = Panes::default();
    if w == 0 || h == 0 {
        p.text_width = 1;
        p.text_height = 1;
        return p;
    }
    let main_h = h.saturating_sub(1);
    p.status = Rect::new(0, h - 1, w, 1);
    let main = Rect::new(0, 0, w, main_h);
    p.chrome = if w >= 12 && main_h >= 4 {
        Chrome::Ruled
    } else {
        Chrome::Bare
    };
    p.wide = w >= WIDE && main_h >= 4;
    if p.wide {
        let lib_w = (w / 4).clamp(24, 34);
        let notes_w = (w / 4).clamp(26, 36);
        let reader_w = w - lib_w - notes_w;
        p.library = Some(Rect::new(0, 0, lib_w, main_h));
        p.reader = Rect::new(lib_w, 0, reader_w, main_h);
        p.notes = Some(Rect::new(lib_w + reader_w, 0, notes_w, main_h));
    } else {
        p.reader = main;
        let ow = w.min(44);
        match focus {
            Focus::Library => p.overlay = Some((Focus::Library, Rect::new(0, 0, ow, main_h))),
            Focus::Notes => p.overlay = Some((Focus::Notes, Rect::new(w - ow, 0, ow, main_h))),
            Focus::Reader => {}
        }
    }
    let area = inner(p.reader, p.chrome);
    let bar = u16::from(area.width > 16);
    let gutter_w = if area.width > 8 { 2 } else { 0 };
    let avail = area.width.saturating_sub(bar + gutter_w);
    let text_w = avail.min(u16::try_from(measure).unwrap_or(u16::MAX)).max(1);
    let pad = avail.saturating_sub(text_w) / 2;
    p.gutter = Rect::new(area.x + pad, area.y, gutter_w, area.height);
    p.text = Rect::new(
        area.x + pad + gutter_w,
        area.y,
        text_w.min(area.width),
        area.height,
    );
    p.scrollbar = (bar == 1).then(|| Rect::new(area.right() - 1, area.y, 1, area.height));
    p.text_width = usize::from(text_w);
    p.text_height = usize::from(area.height).max(1);
    p
}

impl Panes {
    /// How a pane is framed: `over` the reader, in a box.
    pub fn chrome_of(&self, over: bool) -> Chrome {
        match self.chrome {
            Chrome::Ruled if over => Chrome::Boxed,
            c => c,
        }
    }

    /// The pane under a screen cell (an overlay first).
    pub fn pane_at(&self, col: u16, row: u16, _focus: Focus) -> Option<Focus> {
        let hit = |r: Rect| col >= r.x && col < r.right() && row >= r.y && row < r.bottom();
        if let Some((f, r)) = self.overlay
            && hit(r)
        {
            return Some(f);
        }
        if self.library.is_some_and(hit) {
            return Some(Focus::Library);
        }
        if self.notes.is_some_and(hit) {
            return Some(Focus::Notes);
        }
        hit(self.reader).then_some(Focus::Reader)
    }

    fn list_rect(&self, which: Focus) -> Option<Rect> {
        let r = match which {
            Focus::Library => self.library,
            Focus::Notes => self.notes,
            Focus::Reader => None,
        };
        if let Some(r) = r {
            return Some(inner(r, self.chrome));
        }
        let (_, r) = self.overlay.filter(|(f, _)| *f == which)?;
        Some(inner(r, self.chrome_of(true)))
    }

    /// Items a list pane shows at once.
    pub fn list_page(&self) -> usize {
        let h = match (self.library, self.overlay) {
            (Some(r), _) => inner(r, self.chrome).height,
            (None, Some((_, r))) => inner(r, self.chrome_of(true)).height,
            (None, None) => self.reader.height,
        };
        usize::from((h / ITEM_ROWS).max(1))
    }

    /// The list index under screen row `row`, for a click.
    pub fn list_index(&self, which: Focus, row: u16, selected: usize, len: usize) -> Option<usize> {
        let r = self.list_rect(which)?;
        if row < r.y || row >= r.bottom() || len == 0 {
            return None;
        }
        let visible = usize::from((r.height / ITEM_ROWS).max(1));
        let first = list_offset(selected, visible, len);
        let i = first + usize::from((row - r.y) / ITEM_ROWS);
        (i < len).then_some(i)
    }

    /// The reader row under screen row `row`.
    pub fn reader_row(&self, row: u16) -> Option<usize> {
        (row >= self.text.y && row < self.text.bottom()).then(|| usize::from(row - self.text.y))
    }
}

/// A box centred over the screen `area` above its status line, at most
/// `max` (columns, rows) big; `None` when the screen has no room for one
/// of at least `min`. The help's and the outline's.
pub fn centred_box(area: Rect, max: (u16, u16), min: (u16, u16)) -> Option<Rect> {
    let w = area.width.min(max.0);
    let h = area.height.saturating_sub(1).min(max.1);
    if w < min.0 || h < min.1 {
        return None;
    }
    Some(Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(1) - h) / 2,
        w,
        h,
    ))
}

/// The first item shown so that `selected` stays near the middle.
pub fn list_offset(selected: usize, visible: usize, len: usize) -> usize {
    let visible = visible.max(1);
    selected
        .saturating_sub(visible / 2)
        .min(len.saturating_sub(visible))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Side by side, the panes share their lines: each pane's first row is
    /// its rule, a pane with another to its left gives it its first column
    /// for the line between them, and the text runs to the screen's edges
    /// and down to the status line. A pane over the reader is boxed.
    #[test]
    fn panes_side_by_side_share_their_lines() {
        let p = panes((120, 40), Focus::Reader, 200);
        let (lib, notes) = (p.library.expect("library"), p.notes.expect("notes"));
        assert_eq!(p.chrome, Chrome::Ruled);
        assert_eq!(inner(lib, p.chrome), Rect::new(0, 1, lib.width, 38));
        assert_eq!(
            inner(p.reader, p.chrome),
            Rect::new(lib.right() + 1, 1, p.reader.width - 1, 38)
        );
        assert_eq!(inner(notes, p.chrome).right(), 120);
        assert_eq!(inner(notes, p.chrome).x, notes.x + 1);
        // The reader's text: after the line and the gutter, before the bar.
        assert_eq!(p.text.x, lib.right() + 1 + 2);
        assert_eq!(p.scrollbar.map(|b| b.x), Some(notes.x - 1));
        assert_eq!(p.text_height, 38);

        let narrow = panes((60, 20), Focus::Library, 200);
        assert_eq!(narrow.chrome_of(false), Chrome::Ruled);
        assert_eq!(inner(narrow.reader, narrow.chrome), Rect::new(0, 1, 60, 18));
        let (_, over) = narrow.overlay.expect("library over the reader");
        assert_eq!(narrow.chrome_of(true), Chrome::Boxed);
        assert_eq!(
            narrow.list_page(),
            usize::from((over.height - 2) / ITEM_ROWS)
        );

        let tiny = panes((10, 4), Focus::Reader, 200);
        assert_eq!(tiny.chrome_of(true), Chrome::Bare);
        assert_eq!(inner(tiny.reader, tiny.chrome), tiny.reader);
    }
}
