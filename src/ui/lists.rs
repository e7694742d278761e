//! The Library and Notes panes: two-row items (title, details) with the
//! selection kept near the middle.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{ITEM_ROWS, fit, list_offset, theme};
use crate::app::{App, Scope};
use crate::input::action::{Action, Context};
use crate::library::Entry;
use crate::study::notes::Kind;
use crate::text::sanitize::sanitize_line;

#[derive(Clone)]
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

/// Draws the visible part of a list of `len` items; only those are built
/// (`item(i)`), so a 10,000-document library costs one screen.
fn draw_items(
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
    let title = match &app.lib_filter {
        Some(f) => format!(
            " Library · “{}” ({} of {}) ",
            sanitize_line(f, 20),
            app.lib_view.len(),
            app.entries.len()
        ),
        None => format!(" Library ({}) ", app.entries.len()),
    };
    let inner = frame_block(frame, area, borders, focused, title);
    if app.entries.is_empty() {
        let p = Paragraph::new("No .md, .markdown or .txt documents here.")
            .style(theme::muted())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    if app.lib_view.is_empty() {
        let key = app.keymap.hint(Context::Library, Action::Filter);
        let p = Paragraph::new(format!(
            "Nothing matches. Press {key} and change the words, or esc to see all."
        ))
        .style(theme::muted())
        .wrap(Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    let item = |row: usize| {
        let i = *app.lib_view.get(row)?;
        app.entries.get(i).map(|e| library_item(app, i, e))
    };
    draw_items(
        frame,
        inner,
        app.lib_view.len(),
        item,
        app.lib_selected,
        focused,
    );
}

pub fn notes(frame: &mut Frame, app: &App, area: Rect, borders: bool, focused: bool) {
    let rows = app.notes_items();
    let scope = match app.scope {
        Scope::ThisDocument => "this document",
        Scope::AllDocuments => "all documents",
    };
    let filter = app
        .notes
        .as_ref()
        .and_then(|n| n.filter.as_deref())
        .filter(|f| !f.trim().is_empty())
        .map(|f| format!(" · “{}”", sanitize_line(f, 20)))
        .unwrap_or_default();
    let title = format!(" Notes · {scope}{filter} ({}) ", rows.len());
    let inner = frame_block(frame, area, borders, focused, title);
    let mut area = inner;
    if let Some(problem) = app.notes.as_ref().and_then(|n| n.problem.as_ref()) {
        let warn = Paragraph::new(sanitize_line(problem, 300))
            .style(theme::error())
            .wrap(Wrap { trim: true });
        let h = area.height.min(4);
        frame.render_widget(warn, Rect::new(area.x, area.y, area.width, h));
        area = Rect::new(area.x, area.y + h, area.width, area.height - h);
    }
    if rows.is_empty() {
        let text = if app.notes.is_none() && app.scope == Scope::ThisDocument {
            "Open a document to see its notes.".to_string()
        } else if !filter.is_empty() {
            let key = app.keymap.hint(Context::Notes, Action::Filter);
            format!(
                "Nothing matches the filter. Press {key}, clear the text and press enter to see all."
            )
        } else {
            let km = &app.keymap;
            format!(
                "No notes yet. In the reader: {} bookmarks the passage at the cursor, {} writes a note on it, {} selects a passage to highlight or note, {} writes a note on the whole document.",
                km.hint(Context::Reader, Action::AddBookmark),
                km.hint(Context::Reader, Action::Annotate),
                km.hint(Context::Reader, Action::Select),
                km.hint(Context::Reader, Action::NoteDocument),
            )
        };
        let p = Paragraph::new(text)
            .style(theme::muted())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, area);
        return;
    }
    let len = app.reader.as_ref().map_or(1, |r| r.doc.len().max(1));
    let items: Vec<Item> = rows
        .into_iter()
        .map(|row| {
            let it = row.item;
            let preview = sanitize_line(&it.preview, 160);
            let place = match it.offset {
                _ if !it.found => "could not place".to_string(),
                None => "whole document".to_string(),
                Some(o) if row.open && app.scope == Scope::ThisDocument => {
                    format!("{}%", ((o as u128 * 100) / len as u128).min(100))
                }
                Some(_) => String::new(),
            };
            let mut detail: Vec<String> = Vec::new();
            if let Some(doc) = row.document.filter(|_| app.scope == Scope::AllDocuments) {
                detail.push(sanitize_line(&doc, 60));
            }
            if !place.is_empty() {
                detail.push(place);
            }
            if it.changed {
                detail.push("text changed".to_string());
            }
            if it.kind != Kind::Highlight && it.offset.is_some() {
                detail.push(preview.clone());
            }
            let marker = match (it.found, it.kind) {
                (false, _) => ("⚠", theme::error()),
                (true, Kind::Bookmark) => ("◆", theme::bookmark()),
                (true, Kind::Highlight) => ("▌", theme::highlight_mark()),
                (true, Kind::Note) => ("✎", theme::note_mark()),
            };
            let title = match it.kind {
                Kind::Highlight => format!("“{preview}”"),
                _ => sanitize_line(&it.title, 200),
            };
            Item {
                marker,
                title,
                detail: detail.join(" · "),
                title_style: Style::new(),
            }
        })
        .collect();
    let len = items.len();
    draw_items(
        frame,
        area,
        len,
        |i| items.get(i).cloned(),
        app.notes_selected(),
        focused,
    );
}
