//! The find-everywhere overlay: hits in every document and note,
//! grouped by document.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{fit, theme};
use crate::app::App;
use crate::input::action::{Action, Context};
use crate::text::sanitize::sanitize_line;

/// The results of a search across every document, grouped by document.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let Some(f) = &app.find_all else { return };
    let w = area.width.saturating_sub(4).max(area.width.min(20));
    let h = area.height.saturating_sub(3).max(area.height.min(3));
    if w < 8 || h < 3 {
        return;
    }
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + 1.min(area.height - h),
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let km = &app.keymap;
    let title = format!(
        " Find in every document: “{}” ",
        fit(&sanitize_line(&f.query, 60), 40)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(title, theme::title(true)))
        .title_bottom(Span::styled(
            format!(
                " {} · {} open · {} search again · {} close ",
                f.status(),
                km.hint(Context::Find, Action::Open),
                km.hint(Context::Find, Action::FindEverywhere),
                km.hint(Context::Find, Action::Cancel)
            ),
            theme::muted(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if f.results.is_empty() {
        let style = if f.error.is_some() {
            theme::error()
        } else {
            theme::muted()
        };
        frame.render_widget(
            Paragraph::new(sanitize_line(&f.status(), 300)).style(style),
            inner,
        );
        return;
    }
    // Lines: a header per document, then its results.
    let mut lines: Vec<(Option<usize>, String)> = Vec::new();
    let mut last_doc: Option<&str> = None;
    for (i, r) in f.results.iter().enumerate() {
        if last_doc != Some(r.document.as_str()) {
            lines.push((None, sanitize_line(&r.document, 200)));
            last_doc = Some(r.document.as_str());
        }
        let mark = if r.in_note { "✎ " } else { "  " };
        lines.push((
            Some(i),
            format!("  {mark}{}", sanitize_line(&r.context, 300)),
        ));
    }
    let rows = usize::from(inner.height);
    let sel_line = lines
        .iter()
        .position(|(i, _)| *i == Some(f.selected))
        .unwrap_or(0);
    let first = super::list_offset(sel_line, rows, lines.len());
    let buf = frame.buffer_mut();
    for (n, (idx, text)) in lines.iter().skip(first).take(rows).enumerate() {
        let y = inner.y + n as u16;
        let style = match idx {
            None => theme::heading(2),
            Some(i) if *i == f.selected => theme::selected(true),
            Some(_) => Style::new(),
        };
        let row = Rect::new(inner.x, y, inner.width, 1);
        buf.set_style(row, style);
        let text = fit(text, usize::from(inner.width));
        buf.set_line(
            inner.x,
            y,
            &Line::from(Span::styled(text, style)),
            inner.width,
        );
    }
}
