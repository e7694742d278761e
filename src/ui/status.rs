//! The status line: position, messages, key hints and the prompts.

use super::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::{fit, fit_tail, theme};
use crate::app::{App, Focus, Level, Prompt, PromptKind};
use crate::input::action::{Action, Context};
use crate::text::sanitize::{sanitize_line, sanitize_tail, text_width};

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

/// The key hints shown when there is room, most useful first: made once
/// for each state they show (and the bindings).
fn hints(app: &App) -> std::rc::Rc<[String]> {
    let review = app.review_shown().then(|| {
        let s = app.review.as_ref();
        (
            s.is_some_and(|s| s.view.is_some()),
            s.is_some_and(crate::app::Session::can_undo),
        )
    });
    let state = (
        review,
        app.selection.is_some(),
        app.reattach.is_some(),
        app.focus,
    );
    app.keymap
        .hint_line(super::keep::key(state), || make_hints(app))
}

/// [`hints`], made.
fn make_hints(app: &App) -> Vec<String> {
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
    super::set_line(
        frame.buffer_mut(),
        x,
        area.y,
        &Line::from(Span::styled(shown, segment.1)),
        area.width,
    );
}

/// The prompt's one line at `width`: label, text around the cursor.
fn prompt_field(p: &Prompt, width: usize) -> Field {
    if p.input.is_empty() {
        // Nothing typed: what enter takes, muted, the cursor before it.
        let mut f = one_line_field(&p.label, "", "", width);
        let room = width.saturating_sub(text_width(&f.label) + 1);
        f.after = fit(&sanitize_line(&p.default, 200), room);
        f
    } else {
        let before: String = p.input.iter().take(p.cursor).collect();
        let after: String = p.input.iter().skip(p.cursor).collect();
        one_line_field(&p.label, &before, &after, width)
    }
}

/// Where the terminal's cursor stands in a field drawn on `area`.
fn field_cursor(field: &Field, area: Rect) -> Position {
    let cx = u16::try_from(field.cursor)
        .unwrap_or(u16::MAX)
        .min(area.width.saturating_sub(1));
    Position::new(area.x + cx, area.y)
}

/// Where [`render`] puts the terminal's cursor on `area`: in a prompt
/// being typed, or nowhere (hidden). The run loop's frame driver asks
/// here, as ratatui's `Frame` does not tell what was set on it.
pub fn cursor(app: &App, area: Rect) -> Option<Position> {
    if area.height == 0 || area.width == 0 {
        return None;
    }
    let p = app.prompt.as_ref()?;
    Some(field_cursor(
        &prompt_field(p, usize::from(area.width)),
        area,
    ))
}

pub fn render(frame: &mut Frame, app: &App, area: Rect, keep: &mut super::keep::Keep) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    let buf = frame.buffer_mut();
    // Each kind of line sets the status style on its own: the title,
    // position and hints line only once it differs from what the screen
    // shows (its cells are left alone until then).
    if let Some(p) = &app.prompt {
        buf.set_style(area, theme::status());
        let typed = !p.input.is_empty();
        let field = prompt_field(p, width);
        let cursor = field_cursor(&field, area);
        // A suggestion still selected: typing replaces it.
        let input_style = if !typed {
            theme::status().patch(theme::muted())
        } else if p.selected {
            theme::status().add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            theme::status()
        };
        let label = field.label.clone();
        let shown = if typed {
            format!("{}{}", field.before, field.after)
        } else {
            String::new()
        };
        let spans = vec![
            Span::styled(field.label, theme::status()),
            Span::styled(field.before, input_style),
            Span::styled(field.after, input_style),
        ];
        super::set_line(buf, area.x, area.y, &Line::from(spans), area.width);
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
                super::set_line(
                    buf,
                    x,
                    area.y,
                    &Line::from(Span::styled(right, style)),
                    area.width,
                );
            }
        }
        frame.set_cursor_position(cursor);
        return;
    }
    if let Some(m) = &app.message {
        buf.set_style(area, theme::status());
        let style = match m.level {
            Level::Info => theme::status().patch(theme::info()),
            Level::Error => theme::status().patch(theme::error()),
        };
        // The session clock keeps its place beside a message (its short
        // form), unless the line is too narrow to say anything then.
        let segment = (width >= 40).then(|| session_segment(app, 0)).flatten();
        let room = width.saturating_sub(segment.as_ref().map_or(0, |s| text_width(&s.0)));
        let waiting = waiting_label(app)
            .map(|w| format!("{w} · "))
            .unwrap_or_default();
        let line = Line::from(Span::styled(
            fit(&format!(" {waiting}{}", m.text), room),
            style,
        ));
        super::set_line(buf, area.x, area.y, &line, area.width);
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
                format!(" · {}", crate::app::find::count_label(s.hits.len(), s.done))
            }
        })
        .unwrap_or_default();
    // While the rest of a document is read or converted, a percentage of
    // the first part would be wrong: say it is loading instead.
    let waiting = waiting_label(app)
        .map(|w| format!(" · {w}"))
        .unwrap_or_default();
    let pos = app.reader.as_ref().map(|r| {
        if app.loading() {
            format!(" · loading…{waiting}{found} ")
        } else {
            format!(" · {}%{waiting}{found} ", r.percent())
        }
    });
    // Too narrow for the place and the search's count: the count alone,
    // whole ("match 2 of 11", not "· 38% · match 2 of").
    let pos = match pos {
        Some(p) if !found.is_empty() && 1 + text_width(&p) > width => {
            Some(format!("{} ", found.trim_start_matches(" · ")))
        }
        p => p,
    };
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
    let mut right_w = 0;
    for h in hints(app).iter() {
        let extra = text_width(h) + 2;
        if right_w + extra > room {
            break;
        }
        right.push_str(h);
        right.push_str("  ");
        right_w += extra;
    }
    let title = fit(&title, width.saturating_sub(pos_w + 1 + right_w));
    let left = format!(" {title}{}", pos.unwrap_or_else(|| " ".to_string()));
    // The line in two parts, each drawn only when it differs from what the
    // screen shows: the title and position, and the hints with the session
    // (from `split`). A line down changes the percentage, not the hints:
    // the whole line drawn and compared for it was a tenth of the key.
    let hinted = right_w > 0 && right_w < width;
    let split = if hinted {
        area.x + u16::try_from(width - right_w).unwrap_or(0)
    } else {
        area.x + u16::try_from(width).unwrap_or(area.width)
    };
    let left_part = Rect::new(area.x, area.y, split - area.x, 1);
    let right_part = Rect::new(split, area.y, area.right() - split, 1);
    let style = theme::status();
    if !keep.same(left_part, super::keep::key((left_part, &left, style))) {
        let buf = frame.buffer_mut();
        buf.set_style(left_part, style);
        let line = Line::from(Span::styled(left, style));
        super::set_line(buf, area.x, area.y, &line, left_part.width);
    }
    if keep.same(
        right_part,
        super::keep::key((right_part, &right, &segment, style)),
    ) {
        return;
    }
    let buf = frame.buffer_mut();
    buf.set_style(right_part, style);
    if hinted {
        let line = Line::from(Span::styled(right, style));
        super::set_line(buf, split, area.y, &line, right_part.width);
    }
    if let Some(seg) = &segment {
        draw_right(frame, area, seg);
    }
}

/// A one-line prompt as drawn: its label, and the part of the input shown
/// before and after the cursor, with the cursor's column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub before: String,
    pub after: String,
    /// Column of the cursor from the field's left edge.
    pub cursor: usize,
}

/// Lays out every one-line prompt (search, bookmark label, session name,
/// filters, the file to write to) in `width` columns so that the cursor
/// and the text around it stay in view: an input longer than its room
/// scrolls sideways, cut with `…` where it goes on out of sight, and the
/// end being typed shows. A label longer than half the line is cut to
/// half when the input needs the room. `before` and `after` are the input
/// either side of the cursor, unsanitised.
pub fn one_line_field(label: &str, before: &str, after: &str, width: usize) -> Field {
    let before = sanitize_tail(before, 400);
    let after = sanitize_line(after, 400);
    let (b, a) = (text_width(&before), text_width(&after));
    // The cursor at the end needs a cell of its own.
    let input = b + a + 1;
    let full = format!(" {}: ", sanitize_line(label, 200));
    // Two states only, so the label does not shift at every key: whole,
    // or cut to half the line once the input needs the room.
    let full_w = text_width(&full);
    let label = if full_w + input <= width || full_w <= width / 2 {
        full
    } else if input == 1 {
        // Nothing typed (or a question with no text, like the quit
        // question's keys): the label has the line.
        fit(&full, width.saturating_sub(1))
    } else {
        let half = width / 2;
        let words = fit(&sanitize_line(label, 200), half.saturating_sub(3));
        fit(&format!(" {words}: "), half)
    };
    let room = width.saturating_sub(text_width(&label));
    if input <= room {
        let cursor = text_width(&label) + b;
        return Field {
            label,
            before,
            after,
            cursor,
        };
    }
    // Some of what follows the cursor stays in view as it moves back.
    let keep_after = a.min(room / 3);
    let (before, after) = if b < room.saturating_sub(keep_after) {
        let after = fit(&after, room - b);
        (before, after)
    } else {
        let shown = fit_tail(&before, room.saturating_sub(keep_after + 1));
        let left = room.saturating_sub(text_width(&shown));
        (shown, fit(&after, left))
    };
    let cursor = text_width(&label) + text_width(&before);
    Field {
        label,
        before,
        after,
        cursor,
    }
}

/// "2 keys waiting": keys typed while a document is opened or read that
/// need all of it; they act, in order, once it is in.
fn waiting_label(app: &App) -> Option<String> {
    match app.waiting_keys {
        0 => None,
        1 => Some("1 key waiting".to_string()),
        n => Some(format!("{n} keys waiting")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hints made once for a state are the ones made afresh for it,
    /// as the panes, a selection and its moves come and go.
    #[test]
    fn the_hints_kept_for_a_state_are_the_ones_it_makes() {
        use crate::testkit::{ESSAY, Harness};
        let mut h = Harness::new(&[("essay.md", ESSAY)], 120, 40);
        let steps = [
            Action::FocusNext,
            Action::FocusNext,
            Action::FocusNext,
            Action::Select,
            Action::Down,
            Action::FocusNext,
            Action::FocusNext,
            Action::FocusNext,
            Action::Cancel,
            Action::Review,
            Action::Cancel,
        ];
        let mut seen = std::collections::HashSet::new();
        for step in steps {
            let kept = hints(&h.app);
            assert_eq!(*kept, make_hints(&h.app)[..], "before {step:?}");
            seen.insert(kept.to_vec());
            h.act(step);
        }
        // The states differ in what they show: the test saw several.
        assert!(seen.len() >= 3, "{seen:?}");
    }

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

    fn drawn(f: &Field) -> String {
        format!("{}{}{}", f.label, f.before, f.after)
    }

    #[test]
    fn a_label_with_nothing_typed_keeps_the_line() {
        let keys = "Not saved yet — r retry · w write to a file · q quit anyway · esc stay";
        let f = one_line_field(keys, "", "", 60);
        assert_eq!(
            drawn(&f),
            " Not saved yet — r retry · w write to a file · q quit anyw…"
        );
        assert_eq!(f.cursor, 59, "the cursor after it, on the line");
    }

    #[test]
    fn a_short_input_shows_whole_with_the_cursor_after_it() {
        let f = one_line_field("Bookmark label", "Week", " 3", 40);
        assert_eq!(drawn(&f), " Bookmark label: Week 3");
        assert_eq!(f.cursor, " Bookmark label: Week".len());
    }

    #[test]
    fn a_long_input_scrolls_so_the_end_being_typed_shows() {
        let name = "Modern European History · the long nineteenth century";
        let f = one_line_field("Start a session named", name, "", 40);
        // The label, longer than half the line, gives way to half of it.
        assert_eq!(drawn(&f), " Start a session …: …nineteenth century");
        assert_eq!(f.cursor, 39, "on the last column, after the last letter");
        let f = one_line_field("Start a session named", name, "", 20);
        assert_eq!(drawn(&f), " Start …: … century");
        assert_eq!(f.cursor, 19);
        // A label of half the line or less stays whole.
        let f = one_line_field("Name", name, "", 20);
        assert_eq!(drawn(&f), " Name: …nth century");
        assert_eq!(f.cursor, 19);
    }

    #[test]
    fn moving_back_keeps_the_cursor_and_what_follows_in_view() {
        let text: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789".chars().collect();
        let at = |i: usize| {
            let before: String = text[..i].iter().collect();
            let after: String = text[i..].iter().collect();
            one_line_field("Find", &before, &after, 20)
        };
        // Home: the start, the rest cut at the right.
        let f = at(0);
        assert_eq!(drawn(&f), " Find: abcdefghijkl…");
        assert_eq!(f.cursor, 7);
        // In the middle: some of what follows stays in view.
        let f = at(20);
        assert_eq!(drawn(&f), " Find: …nopqrstuvwx…");
        assert_eq!(f.cursor, 15, "the cursor is on “u”");
        let f = at(35);
        assert_eq!(drawn(&f), " Find: …z0123456789");
        assert_eq!(f.cursor, 18, "on “9”, the last character");
    }

    #[test]
    fn wide_characters_and_controls_never_overflow() {
        let f = one_line_field("Name", "講義ノート講義ノート講義ノート", "", 21);
        assert_eq!(text_width(&drawn(&f)), 20, "{}", drawn(&f));
        assert!(drawn(&f).ends_with("ノート"), "{}", drawn(&f));
        assert_eq!(f.cursor, 20);
        let f = one_line_field("Name", "a\u{1b}]0;x\u{7}b", "", 40);
        assert!(!drawn(&f).contains('\u{1b}'), "{}", drawn(&f));
        assert!(drawn(&f).contains('␛'));
    }

    proptest::proptest! {
        /// At any width the field fits, the cursor is on the line, and
        /// what shows either side of it is the input's text next to it.
        #[test]
        fn the_field_fits_and_the_cursor_stays_in_view(
            input in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::char::range('a', 'z'),
                    proptest::sample::select(vec!['講', 'ノ', '·', ' ', '\u{1b}', 'é']),
                ],
                0..120,
            ),
            cursor in 0usize..120,
            width in 0usize..90,
            label in proptest::strategy::Strategy::prop_map("[A-Za-z ]{0,30}", String::from),
        ) {
            let cursor = cursor.min(input.len());
            let before: String = input[..cursor].iter().collect();
            let after: String = input[cursor..].iter().collect();
            let f = one_line_field(&label, &before, &after, width);
            let w = text_width(&drawn(&f));
            proptest::prop_assert!(w <= width, "{w} > {width}: {f:?}");
            if width > 0 {
                proptest::prop_assert!(f.cursor < width, "cursor off the line: {f:?}");
            }
            proptest::prop_assert_eq!(f.cursor, text_width(&f.label) + text_width(&f.before));
            let full_before = sanitize_tail(&before, 400);
            let shown = f.before.strip_prefix('…').unwrap_or(&f.before);
            proptest::prop_assert!(full_before.ends_with(shown), "{f:?}");
            let full_after = sanitize_line(&after, 400);
            let shown = f.after.strip_suffix('…').unwrap_or(&f.after);
            proptest::prop_assert!(full_after.starts_with(shown), "{f:?}");
            if width >= 12 && !before.is_empty() {
                proptest::prop_assert!(
                    shown_some(&f.before),
                    "the text just typed shows: {f:?}"
                );
            }
        }
    }

    fn shown_some(before: &str) -> bool {
        before.chars().any(|c| c != '…')
    }
}
