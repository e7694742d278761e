//! The box shown with the quit question when something is not saved where
//! it belongs: each document's notes and where they are now (temporary
//! folder or memory only), the reading position, the lecture sessions and
//! ratings the review log did not take.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme;
use crate::app::{App, PromptKind};
use crate::text::sanitize::sanitize_line;

/// Drawn while the quit question or its file prompt is open.
/// Whether the dialog is up.
pub fn asking(app: &App) -> bool {
    app.prompt
        .as_ref()
        .is_some_and(|p| matches!(p.kind, PromptKind::UnsavedQuit | PromptKind::WriteUnsaved))
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    if !asking(app) {
        return;
    }
    let w = area.width.min(90);
    let h = area.height.saturating_sub(1).min(16);
    if w < 12 || h < 4 {
        return;
    }
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(1) - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            " Not saved where it belongs ",
            theme::title(true),
        ))
        .title_bottom(Span::styled(
            sanitize_line(&format!(" {} ", crate::app::unsaved::quit_keys(app)), 200),
            theme::muted(),
        ));
    let mut lines: Vec<Line> = Vec::new();
    for s in &app.saving.stranded {
        let n = s.file.entry_count();
        let entries = if n == 1 { "entry" } else { "entries" };
        let place = match &s.fallback {
            Some(p) => format!("in the temporary folder: {}", p.display()),
            None => "only in memory".to_string(),
        };
        lines.push(Line::from(Span::styled(
            sanitize_line(&format!("“{}”: {n} {entries}, {place}", s.title), 400),
            theme::error(),
        )));
        lines.push(Line::from(Span::styled(
            sanitize_line(
                &format!("  belongs in {} — {}", s.path.display(), s.reason),
                400,
            ),
            theme::muted(),
        )));
    }
    let failed = [
        ("reading position", "state.toml", &app.saving.state_failed),
        (
            "lecture sessions",
            "sessions.toml",
            &app.saving.sessions_failed,
        ),
    ];
    for (what, file, f) in failed {
        let Some(f) = f else { continue };
        let place = match &f.fallback {
            Some(p) => format!("in the temporary folder: {}", p.display()),
            None => "only in memory".to_string(),
        };
        lines.push(Line::from(Span::styled(
            sanitize_line(&format!("{what}: {place}"), 400),
            theme::error(),
        )));
        lines.push(Line::from(Span::styled(
            sanitize_line(
                &format!("  belongs in {file} in the data folder — {}", f.reason),
                400,
            ),
            theme::muted(),
        )));
    }
    let ratings = app.saving.reviews.len();
    if ratings > 0 {
        let what = if ratings == 1 { "rating" } else { "ratings" };
        lines.push(Line::from(Span::styled(
            format!("{ratings} review {what}: only in memory"),
            theme::error(),
        )));
        lines.push(Line::from(Span::styled(
            "  belong in review-log.toml in the data folder",
            theme::muted(),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}
