//! The find-everywhere overlay: hits in every document and note,
//! grouped by document.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::{fit, theme};
use crate::app::{App, Found};
use crate::input::action::{Action, Context};
use crate::text::sanitize::{sanitize_line, text_width};

/// Where the results' box goes on a screen of `area`; `None` when it has
/// no room for one.
pub fn rect(area: Rect) -> Option<Rect> {
    let w = area.width.saturating_sub(4).max(area.width.min(20));
    let h = area.height.saturating_sub(3).max(area.height.min(3));
    if w < 8 || h < 3 {
        return None;
    }
    Some(Rect::new(
        area.x + (area.width - w) / 2,
        area.y + 1.min(area.height - h),
        w,
        h,
    ))
}

/// The results of a search across every document, grouped by document.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let Some(f) = &app.find_all else { return };
    let Some(rect) = rect(area) else { return };
    frame.render_widget(Clear, rect);
    let km = &app.keymap;
    let title = format!(
        " Find in every document: “{}” ",
        fit(&sanitize_line(&f.query, 60), 40)
    );
    let hints = format!(
        " {} · {} open · {} search again · {} close ",
        f.status(),
        km.hint(Context::Find, Action::Open),
        km.hint(Context::Find, Action::FindEverywhere),
        km.hint(Context::Find, Action::Cancel)
    );
    // What `Block::bordered()` with these titles draws (the block set its
    // default style on every cell of the box first).
    super::list::boxed(
        frame.buffer_mut(),
        rect,
        theme::border(true),
        &Line::from(Span::styled(title, theme::title(true))),
        Some(&Line::from(Span::styled(hints, theme::muted()))),
    );
    let inner = super::inner(rect, super::Chrome::Boxed);
    if f.results.is_empty() {
        let style = if f.error.is_some() {
            theme::error()
        } else {
            theme::muted()
        };
        // Its one line only: a `Paragraph` styled the whole box, cell by
        // cell, on every letter that found nothing (1.5 M instructions).
        let line = Line::from(Span::styled(sanitize_line(&f.status(), 300), style));
        super::set_line(frame.buffer_mut(), inner.x, inner.y, &line, inner.width);
        return;
    }
    // Only the rows on screen are built: a common word's hundreds of
    // results were all sanitised and formatted on every frame, and a
    // frame is drawn as each document's results come in (callgrind, "the"
    // in the bundled essays: 24 M instructions a letter typed).
    let rows = usize::from(inner.height);
    let total = lines(&f.results).count();
    let sel_line = lines(&f.results)
        .position(|(i, _)| i == Some(f.selected))
        .unwrap_or(0);
    let first = super::list_offset(sel_line, rows, total);
    let buf = frame.buffer_mut();
    for (n, (idx, r)) in lines(&f.results).skip(first).take(rows).enumerate() {
        let y = inner.y + n as u16;
        let (style, text) = match idx {
            None => (theme::heading(2), sanitize_line(&r.document, 200)),
            Some(i) => {
                let style = if i == f.selected {
                    theme::selected(true)
                } else {
                    Style::new()
                };
                let mark = if r.in_note { "✎ " } else { "  " };
                let room = usize::from(inner.width).saturating_sub(4);
                (style, format!("  {mark}{}", shown_context(r, room)))
            }
        };
        let row = Rect::new(inner.x, y, inner.width, 1);
        buf.set_style(row, style);
        let text = fit(&text, usize::from(inner.width));
        // The app's own: ratatui's `set_line` measured every character of
        // it again (a seventh of a frame of results, callgrind).
        super::set_line(
            buf,
            inner.x,
            y,
            &Line::from(Span::styled(text, style)),
            inner.width,
        );
    }
}

/// A result's line as its row shows it, `room` columns wide: sanitised,
/// and cut in front when the match would fall past the row's end (the
/// line starts up to 80 bytes before the match: at 60 columns most rows
/// showed the words before the match and not the match).
fn shown_context(r: &Found, room: usize) -> String {
    let whole = || sanitize_line(&r.context, 300);
    let Some((a, b)) = r.hit.filter(|&(a, b)| {
        a <= b
            && r.context.is_char_boundary(a)
            && r.context.is_char_boundary(b)
            && b <= r.context.len()
    }) else {
        return whole();
    };
    let before = sanitize_line(&r.context[..a], 300);
    let hit = sanitize_line(&r.context[a..b], 300);
    if text_width(&before) + text_width(&hit) <= room {
        return whole();
    }
    // The match a third of the way in, the words before it cut to fit.
    let keep = (room / 3).min(room.saturating_sub(text_width(&hit)));
    let rest = sanitize_line(&r.context[a..], 300);
    format!("{}{rest}", super::fit_tail(&before, keep))
}

/// The overlay's lines, in order: before each document's first result a
/// header (`None`, with that result), then each result with its index.
fn lines(results: &[Found]) -> impl Iterator<Item = (Option<usize>, &Found)> {
    let mut last: Option<&str> = None;
    results.iter().enumerate().flat_map(move |(i, r)| {
        let header = (last != Some(r.document.as_str())).then_some((None, r));
        last = Some(r.document.as_str());
        header.into_iter().chain(std::iter::once((Some(i), r)))
    })
}
