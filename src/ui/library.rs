//! The Library pane: each document's title, length, reading time,
//! progress and note count, or why it cannot be read.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Paragraph, Wrap};

use super::keep::Keep;
use super::list::{Item, draw_items_kept, frame_block_kept, shown_rows};
use super::theme;
use super::{Chrome, inner};
use crate::app::App;
use crate::input::action::{Action, Context};
use crate::library::Entry;
use crate::text::sanitize::sanitize_line;

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
        // First: on a narrow pane the end of the line is cut.
        if let Some(n) = app.due.get(&e.key).filter(|n| **n > 0) {
            detail.push(format!("{n} due"));
        }
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

/// What the row of entry `i` shows depends on ([`library_item`] reads
/// these and the theme, which the pane's key has), for the pane's key:
/// hashed as they are. Building every row to hash it was a tenth of a
/// key's time (issue 12).
fn item_key<'a>(app: &'a App, i: usize, e: &'a Entry) -> impl std::hash::Hash + 'a {
    (
        app.open == Some(i),
        e.error.as_ref().map(ToString::to_string),
        (e.progress, e.bookmarks, e.words, e.size, e.format),
        e.display_title(),
        app.due.get(&e.key).copied(),
    )
}

pub fn render(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    chrome: Chrome,
    focused: bool,
    keep: &mut Keep,
) {
    // The pane is not drawn again when what it is drawn from is what it
    // was drawn from on the last frame, in the same place: the entries,
    // the list's order, its filter and the due counts by their revisions
    // (app/tracked.rs), the selection, the open document and the palette.
    // Nothing is read of the entries for it: their titles and details
    // hashed row by row were most of the pane's cost on a line read down,
    // the pane unchanged beside it (issue 12).
    let key = super::keep::key((
        (area, chrome, focused, theme::palette_key()),
        (app.entries.rev(), app.lib_view.rev(), app.lib_filter.rev()),
        (app.due.rev(), app.lib_selected, app.open),
    ));
    if !app.lib_view.is_empty() && keep.same_with_parts(area, key) {
        return;
    }
    let title = match &*app.lib_filter {
        Some(f) => super::titled(
            " Library · “",
            &sanitize_line(f, 20),
            &format!("” ({} of {}) ", app.lib_view.len(), app.entries.len()),
            area.width,
        ),
        None => format!(" Library ({}) ", app.entries.len()),
    };
    // Else the border and each item are kept where they show the same (a
    // percentage changed one item, not the pane).
    let rows = inner(area, chrome);
    let keys: Vec<(usize, u64)> = shown_rows(rows, app.lib_view.len(), app.lib_selected)
        .filter_map(|row| {
            let i = *app.lib_view.get(row)?;
            let e = app.entries.get(i)?;
            Some((row, super::keep::key(item_key(app, i, e))))
        })
        .collect();
    let inner = frame_block_kept(frame, area, (chrome, focused), title, keep);
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
    let at = (app.lib_selected, focused);
    draw_items_kept(frame, inner, &keys, item, at, keep);
}
