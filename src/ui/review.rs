//! The review overlay: one card in a calm box over the panes — its front,
//! then its back and the four ratings with the wait each would give — a
//! counter in the border, and the end screen saying when the next card
//! comes due. On a screen too small for a box it draws without borders,
//! cutting what does not fit.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use super::{fit, theme};
use crate::app::help::wrap;
use crate::app::review::in_words;
use crate::app::{App, Session};
use crate::input::action::{Action, Context};
use crate::study::review::schedule::{rfc3339, unix_seconds};
use crate::text::sanitize::text_width;

/// Widest and tallest the box grows: a card reads best in a short measure.
const MAX_WIDTH: u16 = 72;
const MAX_HEIGHT: u16 = 26;
const MIN_HEIGHT: u16 = 9;
const DAY: i64 = 86_400;

/// The room the overlay may take on a screen of `area` (above the status
/// line); the box is as tall as its card needs, centred in it.
pub fn frame(area: Rect) -> Rect {
    let above = area.height.saturating_sub(1).max(1);
    let w = area.width.min(MAX_WIDTH);
    let h = above.min(MAX_HEIGHT);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (above - h) / 2,
        w,
        h,
    )
}

/// A box of `rows` text rows inside `room` (the whole room when that is
/// all there is). Its top stays put as the answer is revealed and the box
/// grows: the card does not jump.
fn fitted(room: Rect, rows: u16, chrome: u16) -> Rect {
    let h = rows
        .saturating_add(chrome)
        .clamp(MIN_HEIGHT.min(room.height), room.height);
    let top = (room.height - h).min(room.height / 5);
    Rect::new(room.x, room.y + top, room.width, h)
}

pub fn render(frame_: &mut Frame, app: &App, area: Rect) {
    let Some(s) = app.review.as_ref().filter(|s| s.shown) else {
        return;
    };
    if area.width == 0 || area.height == 0 {
        return;
    }
    let room = frame(area);
    let bordered = room.width >= 16 && room.height >= 5;
    // A column of air each side, and a row above, when there is room.
    let pad = if room.width >= 34 { 2 } else { 0 };
    let top = u16::from(bordered && room.height >= 12);
    let border = if bordered { 2 } else { 0 };
    let width = usize::from(room.width.saturating_sub(border + 2 * pad)).max(1);
    let rows = usize::from(room.height.saturating_sub(border + 2 * top));
    let (lines, footer) = content(app, s, width, rows, bordered);
    let gap = u16::from(!footer.is_empty());
    let rows = u16::try_from(lines.len() + footer.len()).unwrap_or(u16::MAX);
    let rect = fitted(room, rows.saturating_add(gap), border + 2 * top);
    frame_.render_widget(Clear, rect);
    let inner = if bordered {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme::border(true))
            .title(Span::styled(
                fit(
                    &short_counter(counter(s), usize::from(rect.width - 2)),
                    usize::from(rect.width - 2),
                ),
                theme::title(true),
            ))
            .title_bottom(Span::styled(
                fit(&border_hints(app, s), usize::from(rect.width - 2)),
                theme::muted(),
            ));
        let inner = block.inner(rect);
        frame_.render_widget(block, rect);
        inner
    } else {
        rect
    };
    let body = Rect::new(
        inner.x + pad,
        inner.y + top,
        inner.width.saturating_sub(2 * pad),
        inner.height.saturating_sub(2 * top),
    );
    draw(frame_, body, lines, footer);
}

type Lines = Vec<(String, Style)>;

/// The card (or what the review is doing) as lines of `width`, and the
/// footer kept at the bottom: the ratings, or how to see the answer.
fn content(app: &App, s: &Session, width: usize, rows: usize, bordered: bool) -> (Lines, Lines) {
    let km = &app.keymap;
    let mut lines: Lines = Vec::new();
    let mut footer: Lines = Vec::new();
    if !bordered {
        lines.push((counter(s), theme::title(true)));
    }
    if let Some(e) = &s.error {
        push_wrapped(&mut lines, e, width, theme::error());
    } else if !s.ready() {
        lines.push(("preparing review…".to_string(), theme::muted()));
    } else if let Some(card) = &s.view {
        let what = if card.kind == "highlight" {
            "your highlight · what fills the blank, or comes next?"
        } else {
            "your note · what passage is it on?"
        };
        // On a small screen the card alone, without air around it.
        let roomy = rows >= 12;
        let air = |lines: &mut Lines| {
            if roomy {
                lines.push((String::new(), Style::new()));
            }
        };
        if roomy {
            push_wrapped(&mut lines, what, width, theme::muted());
            air(&mut lines);
        }
        for p in &card.front {
            push_wrapped(&mut lines, p, width, theme::strong());
        }
        if s.revealed {
            air(&mut lines);
            lines.push(("─".repeat(width.min(24)), theme::rule()));
            air(&mut lines);
            for p in &card.back {
                push_wrapped(&mut lines, p, width, theme::quote());
            }
            air(&mut lines);
            push_wrapped(
                &mut lines,
                &format!("— {}", card.title),
                width,
                theme::muted(),
            );
            let mut packed = pack(&ratings(app, s, true), width);
            if packed.len() * 3 > rows {
                // A small screen: the keys and waits alone, so the card
                // keeps most of the rows.
                packed = pack(&ratings(app, s, false), width);
            }
            for piece in packed {
                footer.push((piece, theme::marker()));
            }
        } else {
            let reveal = km.hint(Context::Review, Action::Reveal);
            footer.push((
                fit(&format!("{reveal}: show the answer"), width),
                theme::marker(),
            ));
        }
    } else {
        end_screen(app, s, width, &mut lines);
    }
    (lines, footer)
}

/// "3 of 12 due", or what the review is doing.
fn counter(s: &Session) -> String {
    if s.error.is_some() {
        return "Review · cannot start".to_string();
    }
    if !s.ready() {
        return "Review".to_string();
    }
    if s.current.is_none() && s.answered == 0 {
        return "Review · nothing due".to_string();
    }
    if s.current.is_none() {
        return "Review · done".to_string();
    }
    format!(
        "Review · {} of {} due",
        s.answered + 1,
        s.answered + s.left()
    )
}

/// The counter as a border title, without "Review · " when it is narrow.
fn short_counter(counter: String, room: usize) -> String {
    let full = format!(" {counter} ");
    if text_width(&full) <= room {
        return full;
    }
    format!(" {} ", counter.trim_start_matches("Review · "))
}

fn border_hints(app: &App, s: &Session) -> String {
    let km = &app.keymap;
    let close = km.hint(Context::Review, Action::Cancel);
    let help = km.hint(Context::Global, Action::Help);
    // After a rating (the end screen too): a wrong key can be taken back.
    let undo = if s.can_undo() {
        format!("{} undo · ", km.hint(Context::Review, Action::Undo))
    } else {
        String::new()
    };
    if s.current.is_some() {
        let open = km.hint(Context::Review, Action::Open);
        format!(" {undo}{open} passage · {close} close · {help} keys ")
    } else {
        format!(" {undo}{close} close · {help} keys ")
    }
}

/// "1 again <10m", "2 hard 2d", … with the live keys (without the words
/// when not `worded`: "1 1m").
fn ratings(app: &App, s: &Session, worded: bool) -> Vec<String> {
    let km = &app.keymap;
    [
        (Action::RateAgain, "again"),
        (Action::RateHard, "hard"),
        (Action::RateGood, "good"),
        (Action::RateEasy, "easy"),
    ]
    .iter()
    .zip(&s.intervals)
    .map(|((a, word), wait)| {
        let key = km.hint(Context::Review, *a);
        if worded {
            format!("{key} {word} {wait}")
        } else {
            format!("{key} {wait}")
        }
    })
    .collect()
}

/// Items joined with " · " into as few lines of `width` as they fit.
fn pack(items: &[String], width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some(line) if text_width(line) + 3 + text_width(item) <= width => {
                line.push_str(" · ");
                line.push_str(item);
            }
            _ => out.push(fit(item, width)),
        }
    }
    out
}

fn push_wrapped(lines: &mut Lines, text: &str, width: usize, style: Style) {
    if text.is_empty() {
        lines.push((String::new(), style));
        return;
    }
    for piece in wrap(text, width) {
        lines.push((piece, style));
    }
}

fn end_screen(app: &App, s: &Session, width: usize, lines: &mut Lines) {
    let now = unix_seconds(&app.now).unwrap_or(0);
    let muted = theme::muted();
    let head = if s.answered == 0 {
        "Nothing is due."
    } else {
        "Done: nothing else is due."
    };
    lines.push((head.to_string(), theme::strong()));
    lines.push((String::new(), Style::new()));
    if s.answered > 0 {
        let cards = if s.answered == 1 { "card" } else { "cards" };
        let text = format!("{} {cards} answered; every rating is saved.", s.answered);
        push_wrapped(lines, &text, width, Style::new());
    }
    if s.learning() > 0 {
        let text = format!(
            "{} to see again in a few minutes: they come back here when due.",
            s.learning()
        );
        push_wrapped(lines, &text, width, Style::new());
    }
    let next = match s.next_due {
        Some(at) if at - now < DAY => format!("Next card in {}.", in_words(at - now)),
        Some(at) => {
            let day = rfc3339(at);
            let day = day.get(..10).unwrap_or("");
            format!("Next card in {}, on {day}.", in_words(at - now))
        }
        None if s.deck.as_ref().is_some_and(|d| d.cards.is_empty()) => {
            "No cards yet: every note and highlight you make becomes one (#noreview leaves it out)."
                .to_string()
        }
        None => "No other card is waiting.".to_string(),
    };
    push_wrapped(lines, &next, width, muted);
}

/// The lines from the top, the footer at the bottom; what does not fit is
/// cut, the last line shown as `…`.
fn draw(frame: &mut Frame, area: Rect, lines: Lines, footer: Lines) {
    let rows = usize::from(area.height);
    if rows == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    // The footer (the ratings) matters most: it keeps its rows, with a
    // blank above it when there is room.
    let footer_rows = footer.len().min(rows);
    let gap = usize::from(footer_rows > 0 && rows > footer_rows + lines.len());
    let body_rows = rows - footer_rows - gap.min(rows - footer_rows);
    let buf = frame.buffer_mut();
    let cut = lines.len() > body_rows;
    for (n, (text, style)) in lines.iter().take(body_rows).enumerate() {
        let text = if cut && n + 1 == body_rows {
            "…".to_string()
        } else {
            fit(text, width)
        };
        let line = Line::from(Span::styled(text, *style));
        buf.set_line(area.x, area.y + n as u16, &line, area.width);
    }
    let top = rows - footer_rows;
    for (n, (text, style)) in footer.iter().take(footer_rows).enumerate() {
        let line = Line::from(Span::styled(fit(text, width), *style));
        buf.set_line(area.x, area.y + (top + n) as u16, &line, area.width);
    }
}
