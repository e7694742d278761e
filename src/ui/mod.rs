//! Drawing: a pure function of [`App`] state, one file per pane and
//! overlay, into the rectangles of [`crate::app::geometry`] (which `update`
//! also uses, so the two can never disagree); [`theme`] gives every role
//! its style.
//!
//! Nothing here wraps document text or reads files: the reader's rows were
//! prepared by `update`. Every string from outside was sanitised before it
//! got here; [`fit`] only cuts to width.

pub mod find;
pub mod help;
pub mod library;
mod list;
pub mod notes;
pub mod outline;
pub mod reader;
#[cfg(test)]
mod redraw_tests;
pub mod status;
#[cfg(test)]
mod tests;
pub mod theme;
pub mod unsaved;

use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;

use crate::app::{App, Focus, Overlay};
use crate::text::sanitize::grapheme_width;

pub use crate::app::geometry::{ITEM_ROWS, Panes, WIDE, list_offset, panes};

/// Cuts sanitised text to `width` columns, with `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.graphemes(true).map(grapheme_width).sum();
    if total <= width {
        return s.to_string();
    }
    for g in s.graphemes(true) {
        let gw = grapheme_width(g);
        if used + gw + 1 > width {
            break;
        }
        used += gw;
        out.push_str(g);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    theme::install(app.theme);
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    // The frame's size, not the last Resize seen: they differ for a moment
    // when the terminal is resized between an event and a draw.
    let p = panes((area.width, area.height), app.focus, app.measure);
    if let Some(r) = p.library {
        library::render(frame, app, r, p.borders, app.focus == Focus::Library);
    }
    reader::render(frame, app, &p);
    if let Some(r) = p.notes {
        notes::render(frame, app, r, p.borders, app.focus == Focus::Notes);
    }
    if let Some((which, r)) = p.overlay {
        frame.render_widget(ratatui::widgets::Clear, r);
        match which {
            Focus::Library => library::render(frame, app, r, p.borders, true),
            Focus::Notes => notes::render(frame, app, r, p.borders, true),
            Focus::Reader => {}
        }
    }
    status::render(frame, app, p.status);
    match app.overlay {
        Overlay::Help { scroll } => help::render(frame, app, area, scroll),
        Overlay::Outline { .. } => outline::render(frame, app, area),
        Overlay::Find => find::render(frame, app, area),
        Overlay::None => {}
    }
    unsaved::render(frame, app, area);
}
