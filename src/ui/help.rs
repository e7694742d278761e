//! The help overlay: draws the lines [`crate::app::help::page`] laid out
//! from the live keymap, the part the scroll shows, and where that is.

use super::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::theme;
use crate::app::App;
use crate::app::help::{self, HelpLine};
use crate::input::action::{Action, Context};
use crate::text::sanitize::text_width;

pub fn render(frame: &mut Frame, app: &App, area: Rect, scroll: usize) {
    let Some(rect) = help::frame(area) else {
        return;
    };
    frame.render_widget(Clear, rect);
    let inner = super::inner(rect, super::Chrome::Boxed);
    let lines = help::lines(app, usize::from(inner.width));
    let height = usize::from(inner.height);
    // `update` clamps too; this covers a frame drawn before the Resize.
    let scroll = scroll.min(lines.len().saturating_sub(height));
    let (hints, position) =
        bottom_titles(app, scroll, lines.len(), height, usize::from(inner.width));
    // What a bordered `Block` with these titles draws (it set its default
    // style on every cell of the box first: a tenth of a line scrolled).
    super::list::boxed_with_right(
        frame.buffer_mut(),
        rect,
        theme::border(true),
        &Line::from(Span::styled(" Keys ", theme::title(true))),
        hints.as_ref(),
        position.as_ref(),
    );
    // The lines in view only, set as they are (each is wrapped to the box
    // already): ratatui's `Paragraph` set a style on every cell of the box
    // and segmented each line again, a quarter of a line scrolled.
    let buf = frame.buffer_mut();
    for (y, line) in (inner.top()..inner.bottom()).zip(lines.iter().skip(scroll)) {
        let spans = match line {
            HelpLine::Problem(text) => [(text.as_str(), theme::error()), ("", Style::new())],
            HelpLine::Heading(text) => [(text.as_str(), theme::heading(2)), ("", Style::new())],
            HelpLine::Blank => continue,
            HelpLine::Binding { keys, text } => [
                (keys.as_str(), theme::marker()),
                (text.as_str(), Style::new()),
            ],
        };
        super::set_spans(buf, inner.x, y, spans, inner.width);
    }
}

/// The bottom border: how to close (and scroll) at the left, the lines in
/// view at the right (`12–38 of 74`) when they are not all in view. What
/// does not fit is left out, the position last, so it never overlaps.
fn bottom_titles(
    app: &App,
    scroll: usize,
    lines: usize,
    height: usize,
    room: usize,
) -> (Option<Line<'static>>, Option<Line<'static>>) {
    let close = app.keymap.hint(Context::Help, Action::Cancel);
    let scrolls = lines > height;
    let position = scrolls.then(|| {
        let last = (scroll + height).min(lines);
        format!(" {}–{last} of {lines} ", scroll + 1)
    });
    let position_width = position.as_deref().map_or(0, text_width);
    let long = if scrolls {
        let down = app.keymap.hint(Context::Help, Action::Down);
        let up = app.keymap.hint(Context::Help, Action::Up);
        format!(" {close} closes · {down}/{up} scroll ")
    } else {
        format!(" {close} closes ")
    };
    let short = format!(" {close} closes ");
    // One column between the two titles keeps them apart.
    let left_room = room.saturating_sub(position_width + usize::from(scrolls));
    let hints = [long, short]
        .into_iter()
        .find(|t| text_width(t) <= left_room)
        .map(|keys| Line::from(Span::styled(keys, theme::muted())));
    let position = position
        .filter(|_| position_width <= room)
        .map(|at| Line::from(Span::styled(at, theme::muted())).right_aligned());
    (hints, position)
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::crossterm::event::KeyEvent;

    use crate::app::{Msg, Overlay};
    use crate::input::action::Action;
    use crate::input::keymap::Key;
    use crate::testkit::{ESSAY, Harness, NOTES_TXT};

    const DOCS: &[(&str, &str)] = &[("red-terror.md", ESSAY), ("notes.txt", NOTES_TXT)];

    fn help_open(w: u16, h: u16) -> Harness {
        let mut h = Harness::new(DOCS, w, h);
        h.act(Action::Help);
        h
    }

    fn scroll(h: &Harness) -> usize {
        match h.app.overlay {
            Overlay::Help { scroll } => scroll,
            ref other => panic!("help closed: {other:?}"),
        }
    }

    /// The action the live keymap gives a key while help is open: how the
    /// run loop turns a key press into something `update` sees.
    fn action_of(h: &Harness, key: &str) -> Option<Action> {
        let key = Key::parse(key).unwrap_or_else(|e| panic!("{key:?}: {e}"));
        let event = KeyEvent::new(key.code(), key.modifiers());
        h.app.keymap.lookup(&h.app.contexts(), &event)
    }

    fn press(h: &mut Harness, key: &str) {
        let action = action_of(h, key).unwrap_or_else(|| panic!("{key:?} is unbound in help"));
        h.act(action);
    }

    /// The screen row holding `text`, and the column where it starts.
    fn find(buf: &Buffer, text: &str) -> Option<(u16, u16)> {
        (0..buf.area.height).find_map(|y| {
            let cells: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            let row: String = cells.concat();
            let at = row.find(text)?;
            // Cells hold one character each here (the help is ASCII).
            let column = row[..at].chars().count();
            Some((y, u16::try_from(column).ok()?))
        })
    }

    #[test]
    fn help_keys_scroll_through_the_keymap() {
        let h = help_open(120, 40);
        let cases = [
            ("j", Action::Down),
            ("down", Action::Down),
            ("k", Action::Up),
            ("up", Action::Up),
            ("space", Action::PageDown),
            ("pagedown", Action::PageDown),
            ("ctrl-f", Action::PageDown),
            ("pageup", Action::PageUp),
            ("ctrl-b", Action::PageUp),
            ("ctrl-d", Action::HalfPageDown),
            ("ctrl-u", Action::HalfPageUp),
            ("g", Action::Top),
            ("home", Action::Top),
            ("G", Action::Bottom),
            ("end", Action::Bottom),
        ];
        for (key, action) in cases {
            assert_eq!(action_of(&h, key), Some(action), "{key:?} in help");
        }
    }

    #[test]
    fn help_scrolls_to_its_last_line_and_no_further() {
        use crate::app::help::{HelpLine, frame, page};
        for (w, ht) in [(120, 40), (60, 20)] {
            let mut h = help_open(w, ht);
            let area = ratatui::layout::Rect::new(0, 0, w, ht);
            let frame = frame(area).expect("a box");
            let lines = page(&h.app.keymap, &h.app.problems, usize::from(frame.width - 2));
            // The last section's last binding (its last wrapped piece).
            let last = match lines.last() {
                Some(HelpLine::Binding { text, .. }) => text.clone(),
                other => panic!("the help does not end with a binding: {other:?}"),
            };
            let title = "Results of a search in every document";
            assert!(
                lines.contains(&HelpLine::Heading(title.to_string())),
                "{w}x{ht}: the last section is not the find results"
            );
            let screen = h.screen_text();
            assert!(
                !screen.contains(&last),
                "{w}x{ht}: all fits, nothing to test"
            );
            let position = format!(" of {} ", lines.len());
            assert!(
                screen.contains(&position),
                "{w}x{ht}: no {position:?}\n{screen}"
            );

            press(&mut h, "G");
            let end = scroll(&h);
            assert_eq!(
                end,
                lines.len() - usize::from(frame.height - 2),
                "{w}x{ht}: G"
            );
            let buf = h.draw().backend().buffer().clone();
            let (row, _) = find(&buf, &last).unwrap_or_else(|| {
                panic!(
                    "{w}x{ht}: the last binding is not shown\n{}",
                    h.screen_text()
                )
            });
            assert_eq!(
                row,
                frame.bottom() - 2,
                "{w}x{ht}: the end is not on the last row\n{}",
                h.screen_text()
            );
            let screen = h.screen_text();
            let range = format!(" {}–{} of {} ", end + 1, lines.len(), lines.len());
            assert!(screen.contains(&range), "{w}x{ht}: no {range:?}\n{screen}");

            for key in ["j", "space", "ctrl-d", "G", "pagedown"] {
                press(&mut h, key);
                assert_eq!(scroll(&h), end, "{w}x{ht}: {key:?} scrolled past the end");
            }

            // Paging down from the top reaches the same end, and back up.
            press(&mut h, "g");
            assert_eq!(scroll(&h), 0, "{w}x{ht}: g");
            let mut pages = 0;
            while scroll(&h) < end {
                press(&mut h, "space");
                pages += 1;
                assert!(pages < 100, "{w}x{ht}: paging never reached the end");
            }
            assert_eq!(scroll(&h), end, "{w}x{ht}: paging went past the end");
            press(&mut h, "k");
            assert_eq!(scroll(&h), end - 1, "{w}x{ht}: k");
            for key in ["ctrl-u", "pageup", "ctrl-b", "home"] {
                let before = scroll(&h);
                press(&mut h, key);
                assert!(scroll(&h) < before || before == 0, "{w}x{ht}: {key:?}");
            }
            assert_eq!(scroll(&h), 0, "{w}x{ht}: home");
            press(&mut h, "k");
            assert_eq!(scroll(&h), 0, "{w}x{ht}: scrolled above the top");
        }
    }

    #[test]
    fn a_resize_keeps_the_scroll_in_range() {
        let mut h = help_open(60, 20);
        h.act(Action::Bottom);
        h.send(Msg::Resize(120, 40));
        let end = scroll(&h);
        h.act(Action::Bottom);
        assert_eq!(scroll(&h), end, "the scroll was past the end after growing");
        h.act(Action::Up);
        assert_eq!(scroll(&h), end - 1, "one k did not move up at once");
    }

    #[test]
    fn the_wheel_scrolls_the_help_and_clamps() {
        use crate::input::action::MouseKind;
        let mut h = help_open(60, 20);
        let wheel = |kind| Msg::Mouse {
            kind,
            col: 30,
            row: 10,
        };
        h.send(wheel(MouseKind::ScrollDown));
        assert_eq!(scroll(&h), 3, "one notch down");
        h.act(Action::Bottom);
        let end = scroll(&h);
        h.send(wheel(MouseKind::ScrollDown));
        assert_eq!(scroll(&h), end, "the wheel scrolled past the end");
        h.send(wheel(MouseKind::ScrollUp));
        assert_eq!(scroll(&h), end - 3, "one notch up");
        h.send(wheel(MouseKind::Click));
        assert_eq!(scroll(&h), end - 3, "a click moved the help");
    }

    #[test]
    fn wrapped_descriptions_hang_under_their_column() {
        // Descriptions that wrap at these widths.
        for (w, ht, first) in [
            (120, 40, "clear the message or the library"),
            (60, 20, "quit (your place and notes"),
            // Stacked: the description under its keys, indented.
            (30, 12, "quit (your place and"),
        ] {
            let h = help_open(w, ht);
            let buf = h.draw().backend().buffer().clone();
            let screen = h.screen_text();
            let (row, column) = find(&buf, first)
                .unwrap_or_else(|| panic!("{w}x{ht}: {first:?} not shown\n{screen}"));
            let frame = crate::app::help::frame(buf.area).expect("a box");
            let next = row + 1;
            let starts = (frame.x + 1..frame.right() - 1).find(|&x| buf[(x, next)].symbol() != " ");
            assert_eq!(
                starts,
                Some(column),
                "{w}x{ht}: the wrapped description does not start under its column\n{screen}"
            );
        }
    }

    #[test]
    fn each_section_describes_the_action_for_its_pane() {
        let h = help_open(120, 40);
        let lines = crate::app::help::page(&h.app.keymap, &h.app.problems, 74);
        let section = |title: &str, keys: &str| -> String {
            let start = lines
                .iter()
                .position(|l| *l == crate::app::help::HelpLine::Heading(title.to_string()))
                .unwrap_or_else(|| panic!("no {title} section"));
            lines[start + 1..]
                .iter()
                .map_while(|l| match l {
                    crate::app::help::HelpLine::Binding { keys, text } => Some((keys, text)),
                    _ => None,
                })
                .skip_while(|(k, _)| k.trim() != keys)
                .enumerate()
                .take_while(|(i, (k, _))| *i == 0 || k.trim().is_empty())
                .map(|(_, (_, text))| text.as_str())
                .collect::<Vec<&str>>()
                .join(" ")
        };
        let library = section("Library", "/");
        assert!(
            library.contains("find a document"),
            "Library /: {library:?}"
        );
        assert!(
            !library.contains("note"),
            "Library / speaks of notes: {library:?}"
        );
        let notes = section("Notes", "/");
        assert!(notes.contains("filter the notes"), "Notes /: {notes:?}");
        let open_library = section("Library", "enter");
        let open_notes = section("Notes", "enter");
        assert!(open_library.contains("document"), "{open_library:?}");
        assert!(open_notes.contains("jump"), "{open_notes:?}");
        let screen = h.screen_text();
        let shown = screen
            .lines()
            .find(|l| l.contains("find a document by title"));
        let shown = shown.unwrap_or_else(|| panic!("Library / not on screen\n{screen}"));
        assert!(shown.contains(" / "), "{shown}");
    }

    #[test]
    fn tiny_terminals_with_help_open_never_panic() {
        let sizes = [
            (0, 0),
            (1, 1),
            (2, 1),
            (1, 3),
            (4, 4),
            (5, 4),
            (20, 8),
            (13, 5),
            (30, 6),
        ];
        for (w, ht) in sizes {
            let mut h = help_open(w, ht);
            h.app.problems = vec!["keymap.toml line 3: ".repeat(30), "中文".repeat(40)];
            for action in [
                Action::Bottom,
                Action::Down,
                Action::PageDown,
                Action::HalfPageDown,
                Action::Up,
                Action::PageUp,
                Action::Top,
            ] {
                h.act(action);
                let _ = h.draw();
            }
            for (w2, h2) in [(1, 1), (20, 8), (0, 0), (w, ht)] {
                h.send(Msg::Resize(w2, h2));
                let _ = h.draw();
            }
        }
    }
}
