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
    // The count first, then as many of the keys as the bottom edge holds
    // whole (at 60 columns the last was cut: "/ search aga┘").
    let keys = [
        format!("{} open", km.hint(Context::Find, Action::Open)),
        format!(
            "{} search again",
            km.hint(Context::Find, Action::FindEverywhere)
        ),
        format!("{} close", km.hint(Context::Find, Action::Cancel)),
    ];
    let room = usize::from(rect.width).saturating_sub(2);
    let hints = (0..=keys.len())
        .rev()
        .map(|n| {
            let mut parts = vec![sanitize_line(&f.status(), 200)];
            parts.extend(keys[..n].iter().cloned());
            format!(" {} ", parts.join(" · "))
        })
        .find(|h| text_width(h) <= room)
        .unwrap_or_else(|| format!(" {} ", sanitize_line(&f.status(), 200)));
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
        let (style, text, marks) = match idx {
            None => (
                theme::heading(2),
                sanitize_line(&r.document, 200),
                Vec::new(),
            ),
            Some(i) => {
                let style = if i == f.selected {
                    theme::selected(true)
                } else {
                    Style::new()
                };
                let mark = if r.in_note { "✎ " } else { "  " };
                let room = usize::from(inner.width).saturating_sub(4);
                let (shown, marks) = shown_context(r, room);
                let lead = 2 + mark.len();
                let marks = marks.iter().map(|&(a, b)| (a + lead, b + lead)).collect();
                (style, format!("  {mark}{shown}"), marks)
            }
        };
        let row = Rect::new(inner.x, y, inner.width, 1);
        buf.set_style(row, style);
        let whole = text;
        let text = fit(&whole, usize::from(inner.width));
        // A cut row ends in `…` after what it keeps of the line.
        let kept = if text == whole {
            text.len()
        } else {
            text.strip_suffix('…').map_or(text.len(), str::len)
        };
        // The app's own: ratatui's `set_line` measured every character of
        // it again (a seventh of a frame of results, callgrind).
        super::set_line(
            buf,
            inner.x,
            y,
            &marked(&text, &marks, kept, style),
            inner.width,
        );
    }
}

/// `text` in `style` with the byte ranges `marks` in the search's colours
/// over it, each cut at `kept` (where a cut row's `…` starts).
fn marked<'a>(text: &'a str, marks: &[(usize, usize)], kept: usize, style: Style) -> Line<'a> {
    let hit = style.patch(theme::search_hit());
    let mut spans = Vec::with_capacity(marks.len() * 2 + 1);
    let mut at = 0;
    for &(a, b) in marks {
        let b = b.min(kept).min(text.len());
        if a < at || a >= b || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        if a > at {
            spans.push(Span::styled(&text[at..a], style));
        }
        spans.push(Span::styled(&text[a..b], hit));
        at = b;
    }
    if at < text.len() {
        spans.push(Span::styled(&text[at..], style));
    }
    Line::from(spans)
}

/// A result's line as its row shows it, `room` columns wide, and where
/// its matches are in it (bytes): sanitised, and cut in front when the
/// first match would fall past the row's end (the line starts up to 80
/// bytes before the match: at 60 columns most rows showed the words
/// before the match and not the match).
fn shown_context(r: &Found, room: usize) -> (String, Vec<(usize, usize)>) {
    let line = &r.context;
    // The matches that can be marked: in order, apart, between characters.
    let mut hits = Vec::with_capacity(r.hits.len());
    let mut end = 0;
    for &(a, b) in &r.hits {
        if end <= a
            && a <= b
            && b <= line.len()
            && line.is_char_boundary(a)
            && line.is_char_boundary(b)
        {
            hits.push((a, b));
            end = b;
        }
    }
    let Some(&(a0, b0)) = hits.first() else {
        return (sanitize_line(line, 300), Vec::new());
    };
    let before = sanitize_line(&line[..a0], 300);
    let first = text_width(&sanitize_line(&line[a0..b0], 300));
    let mut out = if text_width(&before) + first <= room {
        before
    } else {
        // The match a third of the way in, the words before it cut to fit;
        // a table row's first cell kept in front of them where it leaves
        // them a few columns.
        let space = room.saturating_sub(first);
        let lead = (r.lead > 0 && r.lead <= a0 && line.is_char_boundary(r.lead))
            .then(|| sanitize_line(&line[..r.lead], 300))
            .filter(|l| text_width(l) + 6 <= space);
        match lead {
            Some(lead) => {
                let rest = (room / 4).max(6).min(space - text_width(&lead));
                lead + &super::fit_tail(&sanitize_line(&line[r.lead..a0], 300), rest)
            }
            None => super::fit_tail(&before, (room / 3).min(space)),
        }
    };
    // Each piece sanitised on its own, so that where each match is in
    // the row is known.
    let mut marks = Vec::with_capacity(hits.len());
    let mut at = a0;
    for (a, b) in hits {
        out.push_str(&sanitize_line(&line[at..a], 300));
        let start = out.len();
        out.push_str(&sanitize_line(&line[a..b], 300));
        marks.push((start, out.len()));
        at = b;
    }
    out.push_str(&sanitize_line(&line[at..], 300));
    (out, marks)
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
