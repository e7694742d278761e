//! Wrapped paragraphs kept from one frame to the next.
//!
//! The help text that fills an empty Notes pane was wrapped by ratatui's
//! `Paragraph` on every frame, a line down included: a tenth of the
//! frame's cost (perf, issue 12). [`paragraph`] draws the same cells, and
//! keeps them with everything they depend on (the text, the style, the
//! area's size and the cells under it), so the next frame with the same
//! inputs copies them instead of wrapping again. The result is the
//! `Paragraph`'s, always: only an exact match of the inputs is reused.

use std::cell::RefCell;

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// A paragraph drawn once: what it was drawn from, and its cells.
struct Kept {
    text: String,
    style: Style,
    trim: bool,
    under: Buffer,
    drawn: Buffer,
}

/// Paragraphs kept (a few panes show one at a time).
const KEPT: usize = 4;

thread_local! {
    static PARAGRAPHS: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
}

/// Draws `text` wrapped into `area` of `buf` in `style`, as
/// `Paragraph::new(text).style(style).wrap(Wrap { trim })` does.
pub fn paragraph(buf: &mut Buffer, area: Rect, text: &str, style: Style, trim: bool) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let at_origin = Rect::new(0, 0, area.width, area.height);
    let under = copy(buf, area, at_origin);
    PARAGRAPHS.with_borrow_mut(|kept| {
        let hit = kept
            .iter()
            .position(|k| k.text == text && k.style == style && k.trim == trim && k.under == under);
        let i = match hit {
            Some(i) => i,
            None => {
                let mut drawn = under.clone();
                Paragraph::new(text)
                    .style(style)
                    .wrap(Wrap { trim })
                    .render(at_origin, &mut drawn);
                if kept.len() == KEPT {
                    kept.remove(0);
                }
                kept.push(Kept {
                    text: text.to_string(),
                    style,
                    trim,
                    under,
                    drawn,
                });
                kept.len() - 1
            }
        };
        let drawn = &kept[i].drawn;
        for y in 0..area.height {
            for x in 0..area.width {
                buf[(area.x + x, area.y + y)] = drawn[(x, y)].clone();
            }
        }
    });
}

/// The cells of `area` in `buf`, as a buffer of `to`'s size at the origin.
fn copy(buf: &Buffer, area: Rect, to: Rect) -> Buffer {
    let cells: Vec<Cell> = (0..area.height)
        .flat_map(|y| (0..area.width).map(move |x| (area.x + x, area.y + y)))
        .map(|p| buf[p].clone())
        .collect();
    Buffer {
        area: to,
        content: cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    const TEXT: &str = "No notes yet. In the reader: m bookmarks the passage at the cursor, a writes a note on it — “v” selects 漢字 passages.";

    fn by_ratatui(buf: &mut Buffer, area: Rect, text: &str, style: Style, trim: bool) {
        Paragraph::new(text)
            .style(style)
            .wrap(Wrap { trim })
            .render(area, buf);
    }

    /// Drawn twice (the second time from what was kept) and in a changed
    /// setting each time, the cells are ratatui's own.
    #[test]
    fn a_kept_paragraph_draws_what_ratatui_draws() {
        let styles = [Style::new(), Style::new().fg(Color::DarkGray)];
        for (w, h) in [(28u16, 10u16), (9, 3), (1, 1), (40, 2)] {
            for style in styles {
                for trim in [true, false] {
                    for under in [Style::new(), Style::new().bg(Color::Blue)] {
                        let whole = Rect::new(0, 0, w + 3, h + 2);
                        let area = Rect::new(2, 1, w, h);
                        let mut base = Buffer::empty(whole);
                        base.set_style(whole, under);
                        base.set_string(0, 1, "xx", Style::new());
                        let mut expected = base.clone();
                        by_ratatui(&mut expected, area, TEXT, style, trim);
                        for _ in 0..2 {
                            let mut ours = base.clone();
                            paragraph(&mut ours, area, TEXT, style, trim);
                            assert_eq!(ours, expected, "{w}x{h} {style:?} trim {trim}");
                        }
                    }
                }
            }
        }
        // Another text in the same place is drawn anew.
        let area = Rect::new(0, 0, 20, 4);
        let mut ours = Buffer::empty(area);
        paragraph(
            &mut ours,
            area,
            "something else entirely",
            Style::new(),
            true,
        );
        let mut expected = Buffer::empty(area);
        by_ratatui(
            &mut expected,
            area,
            "something else entirely",
            Style::new(),
            true,
        );
        assert_eq!(ours, expected);
    }
}
