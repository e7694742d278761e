//! The status line (position, messages, key hints, the label prompt) and
//! the help overlay generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{fit, theme};
use crate::app::{App, Focus, Level, Overlay, PromptKind};
use crate::input::action::{Action, Context};
use crate::text::sanitize::{sanitize_line, text_width};

/// The key hints shown when there is room, most useful first.
fn hints(app: &App) -> Vec<String> {
    let km = &app.keymap;
    let ctx = match app.focus {
        Focus::Library => Context::Library,
        Focus::Reader => Context::Reader,
        Focus::Notes => Context::Notes,
    };
    if app.selection.is_some() && app.focus == Focus::Reader {
        let k = |a| km.hint(Context::Select, a);
        return vec![
            "selecting: move to extend".to_string(),
            format!("{} note", k(Action::Annotate)),
            format!("{} highlight", k(Action::Highlight)),
            format!("{} copy", k(Action::Copy)),
            format!("{} stop", k(Action::Cancel)),
        ];
    }
    let mut h = vec![format!("{} help", km.hint(Context::Global, Action::Help))];
    match app.focus {
        Focus::Library => h.push(format!("{} open", km.hint(ctx, Action::Open))),
        Focus::Reader => {
            h.push(format!("{} bookmark", km.hint(ctx, Action::AddBookmark)));
            h.push(format!("{} note", km.hint(ctx, Action::Annotate)));
            h.push(format!("{} select", km.hint(ctx, Action::Select)));
        }
        Focus::Notes => {
            h.push(format!("{} jump", km.hint(ctx, Action::Open)));
            h.push(format!("{} edit", km.hint(ctx, Action::Edit)));
            h.push(format!("{} delete", km.hint(ctx, Action::Delete)));
            h.push(format!("{} filter", km.hint(ctx, Action::Filter)));
            h.push(format!("{} all docs", km.hint(ctx, Action::ToggleScope)));
            h.push(format!("{} export", km.hint(ctx, Action::Export)));
        }
    }
    h.push(format!(
        "{} panes",
        km.hint(Context::Global, Action::FocusNext)
    ));
    h.push(format!("{} quit", km.hint(Context::Global, Action::Quit)));
    h
}

pub fn status(frame: &mut Frame, app: &App, area: Rect) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    let buf = frame.buffer_mut();
    buf.set_style(area, theme::status());
    if let Some(p) = &app.prompt {
        let typed: String = p.input.iter().collect();
        let label = format!(" {}: ", p.label);
        let mut spans = vec![Span::styled(label.clone(), theme::status())];
        let shown = if typed.is_empty() {
            spans.push(Span::styled(
                fit(
                    &sanitize_line(&p.default, 200),
                    width.saturating_sub(text_width(&label) + 1),
                ),
                theme::status().patch(theme::muted()),
            ));
            String::new()
        } else {
            let s = sanitize_line(&typed, 400);
            spans.push(Span::styled(
                fit(&s, width.saturating_sub(text_width(&label) + 1)),
                theme::status(),
            ));
            s
        };
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        if let (PromptKind::Search { .. }, Some(search)) = (&p.kind, &app.search) {
            // The count (or the regex error) at the right, with the toggle.
            let regex = app.keymap.hint(Context::Prompt, Action::ToggleRegex);
            let mode = if search.query.regex { "regex" } else { "text" };
            let right = format!("{} · {regex}: {mode} ", search.status());
            let rw = text_width(&right);
            let used = text_width(&label) + text_width(&shown) + 2;
            if used + rw <= width {
                let x = area.x + u16::try_from(width - rw).unwrap_or(0);
                let style = if search.error.is_some() {
                    theme::status().patch(theme::error())
                } else {
                    theme::status().patch(theme::muted())
                };
                buf.set_line(
                    x,
                    area.y,
                    &Line::from(Span::styled(right, style)),
                    area.width,
                );
            }
        }
        let before: String = p.input.iter().take(p.cursor).collect();
        let cx =
            text_width(&label) + text_width(&sanitize_line(&before, 400)).min(text_width(&shown));
        let cx = u16::try_from(cx)
            .unwrap_or(u16::MAX)
            .min(area.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(area.x + cx, area.y));
        return;
    }
    if let Some(m) = &app.message {
        let style = match m.level {
            Level::Info => theme::status().patch(theme::info()),
            Level::Error => theme::status().patch(theme::error()),
        };
        let line = Line::from(Span::styled(fit(&format!(" {}", m.text), width), style));
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    // Left: title (cut to fit) and the position, which always shows.
    let found = app
        .search
        .as_ref()
        .filter(|s| !s.query.pattern.is_empty())
        .map(|s| format!(" · {}", s.status()))
        .unwrap_or_default();
    let pos = app
        .reader
        .as_ref()
        .map(|r| format!(" · {}%{found} ", r.percent()));
    let title = app.open_entry().map_or_else(
        || "marginote".to_string(),
        |e| sanitize_line(e.display_title(), 200),
    );
    let pos_w = pos.as_deref().map_or(1, text_width);
    // Right: as many hints as fit beside the title (which keeps up to half).
    let room = width.saturating_sub(pos_w + 1 + text_width(&title).min(width / 2));
    let mut right = String::new();
    for h in hints(app) {
        let extra = text_width(&h) + 2;
        if text_width(&right) + extra > room {
            break;
        }
        right.push_str(&h);
        right.push_str("  ");
    }
    let right_w = text_width(&right);
    let title = fit(&title, width.saturating_sub(pos_w + 1 + right_w));
    let left = format!(" {title}{}", pos.unwrap_or_else(|| " ".to_string()));
    buf.set_line(
        area.x,
        area.y,
        &Line::from(Span::styled(left, theme::status())),
        area.width,
    );
    if right_w > 0 && right_w < width {
        let x = area.x + u16::try_from(width - right_w).unwrap_or(0);
        buf.set_line(
            x,
            area.y,
            &Line::from(Span::styled(right, theme::status())),
            area.width,
        );
    }
}

pub fn help(frame: &mut Frame, app: &App, area: Rect, scroll: usize) {
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

/// The outline: headings indented by level, the current section marked.
pub fn outline(frame: &mut Frame, app: &App, area: Rect) {
    let Overlay::Outline { headings, selected } = &app.overlay else {
        return;
    };
    let w = area.width.min(72);
    let h = area.height.saturating_sub(1).min(30);
    if w < 8 || h < 3 {
        return;
    }
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(1) - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let km = &app.keymap;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(" Outline ", theme::title(true)))
        .title_bottom(Span::styled(
            format!(
                " {} jump · {} close ",
                km.hint(Context::Outline, Action::Open),
                km.hint(Context::Outline, Action::Cancel)
            ),
            theme::muted(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
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
        buf.set_line(
            inner.x,
            y,
            &Line::from(Span::styled(text, style)),
            inner.width,
        );
    }
}

/// The results of a search across every document, grouped by document.
pub fn find(frame: &mut Frame, app: &App, area: Rect) {
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
