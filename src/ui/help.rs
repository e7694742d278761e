//! The help overlay, generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme;
use crate::app::App;
use crate::input::action::{Action, Context};
use crate::text::sanitize::{sanitize_line, text_width};

pub fn render(frame: &mut Frame, app: &App, area: Rect, scroll: usize) {
    let w = area.width.min(76);
    let h = area.height.saturating_sub(1).min(40);
    if w < 4 || h < 3 {
        return;
    }
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(1) - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let close = app.keymap.hint(Context::Help, Action::Cancel);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(" Keys ", theme::title(true)))
        .title_bottom(Span::styled(
            format!(" {close} closes · j/k scroll "),
            theme::muted(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines: Vec<Line> = Vec::new();
    if !app.problems.is_empty() {
        lines.push(Line::from(Span::styled(
            "Problems found at startup",
            theme::error(),
        )));
        for p in &app.problems {
            lines.push(Line::from(Span::styled(format!("  {p}"), theme::error())));
        }
        lines.push(Line::raw(""));
    }
    let rows = app.keymap.help_rows();
    let widest = rows
        .iter()
        .map(|r| text_width(&sanitize_line(&r.keys.join(", "), 80)))
        .max()
        .unwrap_or(0);
    let key_w = widest.min(usize::from(inner.width) / 2);
    let mut last_ctx = None;
    for row in rows {
        if last_ctx != Some(row.context) {
            if last_ctx.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::from(Span::styled(
                context_title(row.context),
                theme::heading(2),
            )));
            last_ctx = Some(row.context);
        }
        let keys = sanitize_line(&row.keys.join(", "), 80);
        let pad = key_w.saturating_sub(text_width(&keys));
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys}{}", " ".repeat(pad)), theme::marker()),
            Span::styled(format!(" {}", row.description), Style::new()),
        ]));
    }
    let max_scroll = lines.len().saturating_sub(usize::from(inner.height));
    let scroll = u16::try_from(scroll.min(max_scroll)).unwrap_or(0);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

fn context_title(c: Context) -> &'static str {
    match c {
        Context::Global => "Everywhere",
        Context::Library => "Library",
        Context::Reader => "Reader",
        Context::Notes => "Notes",
        Context::Prompt => "Prompts",
        Context::Help => "This help",
        Context::Select => "Selecting a passage (movement keys extend it)",
        Context::Editor => "Writing a note",
        Context::Outline => "The outline",
        Context::Find => "Results of a search in every document",
    }
}
