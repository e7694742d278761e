//! The Notes pane: the bookmarks, highlights and notes of this document
//! (or of every document), filtered, in text order.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Paragraph, Wrap};

use super::list::{Item, draw_items, frame_block};
use super::theme;
use crate::app::{App, Scope};
use crate::input::action::{Action, Context};
use crate::study::notes::Kind;
use crate::text::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, app: &App, area: Rect, borders: bool, focused: bool) {
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
