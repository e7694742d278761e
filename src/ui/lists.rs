//! The Library and Notes panes: two-row items (title, details) with the
//! selection kept near the middle.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{ITEM_ROWS, fit, list_offset, theme};
use crate::action::{Action, Context};
use crate::app::App;
use crate::library::Entry;
use crate::sanitize::sanitize_line;

struct Item {
    marker: (&'static str, Style),
    title: String,
    detail: String,
    title_style: Style,
}

fn frame_block(frame: &mut Frame, area: Rect, borders: bool, focused: bool, title: String) -> Rect {
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

fn draw_items(frame: &mut Frame, area: Rect, items: &[Item], selected: usize, focused: bool) {
    let visible = usize::from((area.height / ITEM_ROWS).max(1));
    let first = list_offset(selected, visible, items.len());
    let width = usize::from(area.width);
    let buf = frame.buffer_mut();
    for (n, (i, item)) in items
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .enumerate()
    {
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

fn library_item(app: &App, i: usize, e: &Entry) -> Item {
    let open = app.open == Some(i);
    let (marker, mstyle) = if e.error.is_some() {
        ("⚠", theme::error())
    } else if open {
        ("▶", theme::marker())
    } else {
        match e.progress {
            Some(p) if p >= 98 => ("●", theme::marker()),
            Some(p) if p > 0 => ("◐", theme::marker()),
            _ => ("○", theme::muted()),
        }
    };
    let mut detail = Vec::new();
    if let Some(err) = &e.error {
        detail.push(err.to_string());
    } else {
        detail.push(e.length_label().unwrap_or_else(|| "…".to_string()));
        if let Some(p) = e.progress {
            detail.push(format!("{p}%"));
        }
        if e.bookmarks > 0 {
            detail.push(format!("{}◆", e.bookmarks));
        }
    }
    Item {
        marker: (marker, mstyle),
        title: sanitize_line(e.display_title(), 200),
        detail: sanitize_line(&detail.join(" · "), 200),
        title_style: if open { theme::strong() } else { Style::new() },
    }
}

pub fn library(frame: &mut Frame, app: &App, area: Rect, borders: bool, focused: bool) {
    let title = format!(" Library ({}) ", app.entries.len());
    let inner = frame_block(frame, area, borders, focused, title);
    if app.entries.is_empty() {
        let p = Paragraph::new("No .md, .markdown or .txt documents here.")
            .style(theme::muted())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    let items: Vec<Item> = app
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| library_item(app, i, e))
        .collect();
    draw_items(frame, inner, &items, app.lib_selected, focused);
}

pub fn notes(frame: &mut Frame, app: &App, area: Rect, borders: bool, focused: bool) {
    let count = app.notes.as_ref().map_or(0, |n| n.len());
    let inner = frame_block(
        frame,
        area,
        borders,
        focused,
        format!(" Notes · bookmarks ({count}) "),
    );
    let Some(n) = app.notes.as_ref() else {
        let p = Paragraph::new("Open a document to see its bookmarks.")
            .style(theme::muted())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    };
    let mut area = inner;
    if let Some(problem) = &n.problem {
        let warn = Paragraph::new(sanitize_line(problem, 300))
            .style(theme::error())
            .wrap(Wrap { trim: true });
        let h = area.height.min(4);
        frame.render_widget(warn, Rect::new(area.x, area.y, area.width, h));
        area = Rect::new(area.x, area.y + h, area.width, area.height - h);
    }
    if n.is_empty() {
        let key = app.keymap.hint(Context::Reader, Action::AddBookmark);
        let p = Paragraph::new(format!(
            "No bookmarks yet. Press {key} in the reader to bookmark the passage at the cursor."
        ))
        .style(theme::muted())
        .wrap(Wrap { trim: true });
        frame.render_widget(p, area);
        return;
    }
    let len = app.reader.as_ref().map_or(1, |r| r.doc.len().max(1));
    let items: Vec<Item> = n
        .items()
        .into_iter()
        .map(|it| {
            let pct = ((it.offset as u128 * 100) / len as u128).min(100);
            let preview = sanitize_line(
                &it.preview.split_whitespace().collect::<Vec<_>>().join(" "),
                120,
            );
            let detail = if it.found {
                format!("{pct}% · {preview}")
            } else {
                format!("passage not found · {preview}")
            };
            Item {
                marker: if it.found {
                    ("◆", theme::bookmark())
                } else {
                    ("⚠", theme::error())
                },
                title: sanitize_line(&it.label, 200),
                detail,
                title_style: Style::new(),
            }
        })
        .collect();
    draw_items(frame, area, &items, n.selected, focused);
}
