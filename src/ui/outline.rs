//! The outline overlay: the document's headings, to jump to.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, theme};
use crate::app::{App, Overlay};
use crate::input::action::{Action, Context};

/// Where the outline's box goes on a screen of `area`; `None` when it has
/// no room for one.
pub fn rect(area: Rect) -> Option<Rect> {
    crate::app::geometry::centred_box(area, (72, 30), (8, 3))
}

/// The outline: headings indented by level, the current section marked.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let Overlay::Outline { headings, selected } = &app.overlay else {
        return;
    };
    let Some(rect) = rect(area) else { return };
    frame.render_widget(Clear, rect);
    let km = &app.keymap;
    let hints = format!(
        " {} jump · {} close ",
        km.hint(Context::Outline, Action::Open),
        km.hint(Context::Outline, Action::Cancel)
    );
    // What a bordered `Block` with these titles draws, without the style
    // it set on every cell of the box first.
    super::list::boxed(
        frame.buffer_mut(),
        rect,
        theme::border(true),
        &Line::from(Span::styled(" Outline ", theme::title(true))),
        Some(&Line::from(Span::styled(hints, theme::muted()))),
    );
    let inner = super::inner(rect, super::Chrome::Boxed);
    let Some(headings) = headings else {
        frame.render_widget(
            Paragraph::new("Working out the outline…").style(theme::muted()),
            inner,
        );
        return;
    };
    if headings.is_empty() {
        frame.render_widget(
            Paragraph::new("No headings found in this document.").style(theme::muted()),
            inner,
        );
        return;
    }
    let here = app
        .reader
        .as_ref()
        .map_or(0, crate::text::reader::Reader::cursor_offset);
    let current = crate::text::outline::current_section(headings, here);
    let rows = usize::from(inner.height);
    let first = super::list_offset(*selected, rows, headings.len());
    let buf = frame.buffer_mut();
    for (n, (i, hd)) in headings
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .enumerate()
    {
        let y = inner.y + n as u16;
        let indent = "  ".repeat(usize::from(hd.level.saturating_sub(1)).min(5));
        let mark = if current == Some(i) { "▸ " } else { "  " };
        let text = fit(
            &format!("{mark}{indent}{}", hd.title),
            usize::from(inner.width),
        );
        let style = if i == *selected {
            theme::selected(true)
        } else if hd.level <= 1 {
            theme::heading(2)
        } else {
            Style::new()
        };
        let row = Rect::new(inner.x, y, inner.width, 1);
        buf.set_style(row, style);
        super::set_line(
            buf,
            inner.x,
            y,
            &Line::from(Span::styled(text, style)),
            inner.width,
        );
    }
}
