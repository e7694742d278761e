//! What the Library and Notes panes share: a bordered frame and two-row
//! items (title, details) with the selection kept near the middle.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::{ITEM_ROWS, fit, list_offset, theme};

#[derive(Clone)]
pub(super) struct Item {
    pub(super) marker: (&'static str, Style),
    pub(super) title: String,
    pub(super) detail: String,
    pub(super) title_style: Style,
}

pub(super) fn frame_block(
    frame: &mut Frame,
    area: Rect,
    borders: bool,
    focused: bool,
    title: String,
) -> Rect {
    if !borders {
        return area;
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(title, theme::title(focused)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Draws the visible part of a list of `len` items; only those are built
/// (`item(i)`), so a 10,000-document library costs one screen.
pub(super) fn draw_items(
    frame: &mut Frame,
    area: Rect,
    len: usize,
    item: impl Fn(usize) -> Option<Item>,
    selected: usize,
    focused: bool,
) {
    let visible = usize::from((area.height / ITEM_ROWS).max(1));
    let first = list_offset(selected, visible, len);
    let width = usize::from(area.width);
    let buf = frame.buffer_mut();
    let shown = (first..len.min(first + visible)).filter_map(|i| item(i).map(|it| (i, it)));
    for (n, (i, item)) in shown.enumerate() {
        let y = area.y + (n as u16) * ITEM_ROWS;
        let sel = i == selected;
        let base = if sel {
            theme::selected(focused)
        } else {
            Style::new()
        };
        let row = Rect::new(area.x, y, area.width, 1);
        buf.set_style(row, base);
        let title_w = width.saturating_sub(2);
        let line = Line::from(vec![
            Span::styled(item.marker.0, if sel { base } else { item.marker.1 }),
            Span::raw(" "),
            Span::styled(fit(&item.title, title_w), base.patch(item.title_style)),
        ]);
        buf.set_line(area.x, y, &line, area.width);
        if y + 1 < area.bottom() {
            let drow = Rect::new(area.x, y + 1, area.width, 1);
            let dstyle = if sel { base } else { theme::muted() };
            buf.set_style(drow, dstyle);
            let detail = Line::from(Span::styled(
                format!("  {}", fit(&item.detail, width.saturating_sub(2))),
                dstyle,
            ));
            buf.set_line(area.x, y + 1, &detail, area.width);
        }
    }
}
