//! The status line: position, messages, key hints and the prompts.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::{fit, theme};
use crate::app::{App, Focus, Level, PromptKind};
use crate::input::action::{Action, Context};
use crate::text::sanitize::{sanitize_line, text_width};

/// A key hint: the context the key is looked up in, the action, and the
/// word shown after the key. The word is taken from the action's
/// description in that context (a test checks), so the status line and the
/// help overlay say the same thing about a pane.
type Hint = (Context, Action, &'static str);

/// The hints for a pane (or a selection in the reader), most useful first,
/// after an optional note on what is going on.
fn hint_list(focus: Focus, selecting: bool) -> (Option<&'static str>, Vec<Hint>) {
    use Action::*;
    if selecting {
        let s = Context::Select;
        let list = vec![
            (s, Annotate, "note"),
            (s, Highlight, "highlight"),
            (s, Cancel, "stop"),
        ];
        return (Some("selecting:"), list);
    }
    let g = Context::Global;
    let mut list = vec![(g, Help, "help")];
    match focus {
        Focus::Library => list.push((Context::Library, Open, "open")),
        Focus::Reader => {
            let r = Context::Reader;
            list.extend([
                (r, AddBookmark, "bookmark"),
                (r, Annotate, "note"),
                (r, Select, "select"),
            ]);
        }
        Focus::Notes => {
            let n = Context::Notes;
            list.extend([
                (n, Open, "jump"),
                (n, Edit, "edit"),
                (n, Delete, "delete"),
                (n, Expand, "full"),
                (n, Filter, "filter"),
                (n, ToggleScope, "all docs"),
                (n, Export, "export"),
            ]);
        }
    }
    list.extend([(g, FocusNext, "panes"), (g, Quit, "quit")]);
    (None, list)
}

/// The key hints shown when there is room, most useful first.
fn hints(app: &App) -> Vec<String> {
    let km = &app.keymap;
    if app.review_shown() {
        let r = |a| km.hint(Context::Review, a);
        let rates = [
            r(Action::RateAgain),
            r(Action::RateHard),
            r(Action::RateGood),
            r(Action::RateEasy),
        ];
        let rates = if rates == ["1", "2", "3", "4"] {
            "1–4".to_string()
        } else {
            rates.join("/")
        };
        let carded = app.review.as_ref().is_some_and(|s| s.view.is_some());
        // After a rating (on the end screen too): it can be taken back.
        let undo = app
            .review
            .as_ref()
            .is_some_and(crate::app::Session::can_undo)
            .then(|| format!("{} undo", r(Action::Undo)));
        let close = format!("{} close", r(Action::Cancel));
        let help = format!("{} help", km.hint(Context::Global, Action::Help));
        if !carded {
            return undo.into_iter().chain([close, help]).collect();
        }
        return [
            Some(format!("{} answer", r(Action::Reveal))),
            Some(format!("{rates} rate")),
            undo,
            Some(format!("{} passage", r(Action::Open))),
            Some(close),
            Some(help),
        ]
        .into_iter()
        .flatten()
        .collect();
    }
    let selecting = app.selection.is_some() && app.focus == Focus::Reader;
    let k = |a| km.hint(Context::Select, a);
    let moves = || {
        format!(
            "{}{} {}{} {}{} jk",
            k(Action::WordNext),
            k(Action::WordPrev),
            k(Action::SentenceNext),
            k(Action::SentencePrev),
            k(Action::ParagraphNext),
            k(Action::ParagraphPrev),
        )
    };
    // Shortest and most needed first: what fits on a narrow screen.
    if selecting && app.reattach.is_some() {
        return vec![
            format!("re-attaching: {} attach", k(Action::Confirm)),
            format!("{} cancel", k(Action::Cancel)),
            format!("{} move", moves()),
        ];
    }
    let (lead, list) = hint_list(app.focus, selecting);
    let mut keyed: Vec<String> = list
        .into_iter()
        .map(|(context, action, word)| format!("{} {word}", km.hint(context, action)))
        .collect();
    if let (Some(lead), Some(first)) = (lead, keyed.first_mut()) {
        *first = format!("{lead} {first}");
    }
    if selecting {
        keyed.push(format!("{} extend", moves()));
        keyed.push(format!("{} other end", k(Action::SwapEnds)));
        keyed.push(format!("{} copy", k(Action::Copy)));
    } else if app.focus == Focus::Reader {
        keyed.push(format!(
            "{}{} next/prev note",
            km.hint(Context::Reader, Action::NextNote),
            km.hint(Context::Reader, Action::PrevNote)
        ));
    }
    keyed
}

/// The running session's part of the status line, at most `room` columns
/// (but never less than the clock): its name and clock, the name cut
/// first, then "paused" shortened to its mark, then the name dropped.
/// `None` when no session runs here.
fn session_segment(app: &App, room: usize) -> Option<(String, ratatui::style::Style)> {
    let s = app.sessions.current()?;
    let clock = crate::app::clock(app.sessions.shown);
    let (mark, state, style) = if s.running {
        ("●", "", theme::status().patch(theme::info()))
    } else {
        ("‖", "paused ", theme::status().patch(theme::muted()))
    };
    let name = sanitize_line(&s.name, 120);
    let full = format!(" {mark} {name} {state}{clock} ");
    if text_width(&full) <= room {
        return Some((full, style));
    }
    let bare = format!(" {mark} {state}{clock} ");
    // The name, cut, when at least a few of its characters fit.
    let name_room = room.saturating_sub(text_width(&bare) + 1);
    if name_room >= 6 {
        return Some((
            format!(" {mark} {} {state}{clock} ", fit(&name, name_room)),
            style,
        ));
    }
    if text_width(&bare) <= room {
        return Some((bare, style));
    }
    // Narrower: the word "paused" says more than the mark.
    if !state.is_empty() {
        let word = format!(" {state}{clock} ");
        if text_width(&word) <= room {
            return Some((word, style));
        }
        let tight = format!("{state}{clock}");
        if text_width(&tight) <= room {
            return Some((tight, style));
        }
    }
    Some((format!(" {mark} {clock} "), style))
}

/// Draws `segment` at the right end of the status line.
fn draw_right(frame: &mut Frame, area: Rect, segment: &(String, ratatui::style::Style)) {
    let w = text_width(&segment.0);
    let width = usize::from(area.width);
    let shown = fit(&segment.0, width);
    let x = area.x + u16::try_from(width.saturating_sub(w)).unwrap_or(0);
    frame.buffer_mut().set_line(
        x,
        area.y,
        &Line::from(Span::styled(shown, segment.1)),
        area.width,
    );
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
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
            // A suggestion still selected: typing replaces it.
            let style = if p.selected {
                theme::status().add_modifier(ratatui::style::Modifier::REVERSED)
            } else {
                theme::status()
            };
            spans.push(Span::styled(
                fit(&s, width.saturating_sub(text_width(&label) + 1)),
                style,
            ));
            s
        };
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        if let (PromptKind::Search { .. }, Some(search)) = (&p.kind, &app.search) {
            // The count (or the regex error) at the right, with the toggle.
            let regex = app.keymap.hint(Context::Prompt, Action::ToggleRegex);
            let mode = if search.query.regex { "regex" } else { "text" };
            // Nothing typed yet: no count (the last search is up, not here).
            let right = if search.query.pattern.is_empty() {
                format!("↑ earlier searches · {regex}: {mode} ")
            } else {
                format!("{} · {regex}: {mode} ", search.status())
            };
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
        // The session clock keeps its place beside a message (its short
        // form), unless the line is too narrow to say anything then.
        let segment = (width >= 40).then(|| session_segment(app, 0)).flatten();
        let room = width.saturating_sub(segment.as_ref().map_or(0, |s| text_width(&s.0)));
        let line = Line::from(Span::styled(fit(&format!(" {}", m.text), room), style));
        buf.set_line(area.x, area.y, &line, area.width);
        if let Some(seg) = &segment {
            draw_right(frame, area, seg);
        }
        return;
    }
    // Left: title (cut to fit) and the position, which always shows.
    // "match 3 of 17" only while the cursor is on that match: once it has
    // moved away the count of the search is all that is still true.
    let found = app
        .search
        .as_ref()
        .filter(|s| !s.query.pattern.is_empty() && !s.hits.is_empty())
        .map(|s| {
            let on_it = s
                .current
                .and_then(|c| s.hits.get(c))
                .zip(app.reader.as_ref())
                .is_some_and(|(h, r)| {
                    r.row_span(r.cursor_row())
                        .is_some_and(|(a, b)| h.start >= a && h.start < b.max(a + 1))
                });
            if on_it {
                format!(" · {}", s.status())
            } else {
                let more = if s.done { "" } else { "+" };
                format!(" · {}{more} matches", s.hits.len())
            }
        })
        .unwrap_or_default();
    // While the rest of a document is read or converted, a percentage of
    // the first part would be wrong: say it is loading instead.
    let pos = app.reader.as_ref().map(|r| {
        if app.loading() {
            format!(" · loading…{found} ")
        } else {
            format!(" · {}%{found} ", r.percent())
        }
    });
    let title = app.open_entry().map_or_else(
        || "marginote".to_string(),
        |e| sanitize_line(e.display_title(), 200),
    );
    let pos_w = pos.as_deref().map_or(1, text_width);
    // The session (when one runs here) takes what the position and a bit
    // of the title leave; the hints give way to it.
    // On a tiny screen the session's state beats the title's first letters.
    let title_min = if width >= 40 { 12 } else { 0 };
    let segment = session_segment(
        app,
        width.saturating_sub(1 + pos_w + text_width(&title).min(title_min)),
    );
    let seg_w = segment.as_ref().map_or(0, |s| text_width(&s.0));
    let width = width.saturating_sub(seg_w);
    // Right: as many hints as fit beside the title (which keeps up to half,
    // but gives way to the hints while a selection is made: they are the
    // only sign of that mode on a narrow screen besides the reverse video).
    let selecting = app.selection.is_some() && app.focus == Focus::Reader;
    let title_keeps = if selecting { 8 } else { width / 2 };
    let room = width.saturating_sub(pos_w + 1 + text_width(&title).min(title_keeps));
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
    if let Some(seg) = &segment {
        draw_right(frame, area, seg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hint's word must be what the help says the key does there: its
    /// first word (less a plural `s`) appears in the description.
    #[test]
    fn hints_use_the_help_wording_of_their_pane() {
        for focus in [Focus::Library, Focus::Reader, Focus::Notes] {
            for selecting in [false, true] {
                for (context, action, word) in hint_list(focus, selecting).1 {
                    let description = action.description_in(context);
                    let stem = word.split(' ').next().unwrap_or(word).trim_end_matches('s');
                    assert!(
                        description.contains(stem),
                        "hint {word:?} for {} in [{}] vs help {description:?}",
                        action.name(),
                        context.name()
                    );
                }
            }
        }
    }
}
