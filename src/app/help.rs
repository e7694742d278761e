//! The help overlay's model: where its box sits, its text laid out for that
//! box (keys in one column, each description wrapped under its own column),
//! and scrolling it. `update` and `ui::help` both lay the text out through
//! [`page`], so the scroll is clamped against exactly the lines drawn: a
//! count of unwrapped rows let the end of the text fall out of reach.

use std::hash::BuildHasher;
use std::rc::Rc;

use ratatui::layout::Rect;
use unicode_segmentation::UnicodeSegmentation;

use super::{App, Overlay};
use crate::input::action::{Action, Context};
use crate::input::keymap::Keymap;
use crate::text::sanitize::{grapheme_width, sanitize_line, text_width};

/// Widest and tallest the box grows, borders included: wider lines are
/// hard to read, and the text scrolls anyway.
const MAX_WIDTH: u16 = 76;
const MAX_HEIGHT: u16 = 40;
/// Columns before the keys, and between the keys and the description.
const INDENT: usize = 2;
const GAP: usize = 1;
/// The keys column is never narrowed below this while it has half the
/// room: `shift-tab`, `pagedown,` and most lists of two keys fit.
const MIN_KEY_WIDTH: usize = 12;
/// Narrower than this beside the keys, a description reads a word or two a
/// line; below it the keys go on a line of their own instead.
const MIN_TEXT_WIDTH: usize = 20;
/// Characters of a key list or startup problem taken in before wrapping: a
/// user's keymap may bind dozens of keys to one action.
const MAX_KEYS_CHARS: usize = 80;
const MAX_PROBLEM_CHARS: usize = 400;

/// One screen line of the help text, already wrapped to the box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    /// A problem found at startup, or the title above them.
    Problem(String),
    /// The title of a context's section.
    Heading(String),
    Blank,
    /// The keys cell, indented and padded up to the description column
    /// (only blanks on a continuation line), and a piece of the description.
    Binding {
        keys: String,
        text: String,
    },
}

/// The box the help overlay is drawn in: centred over the screen `area`
/// above its status line. `None` when the screen is too small for a box
/// with a line of text in it.
pub fn frame(area: Rect) -> Option<Rect> {
    super::geometry::centred_box(area, (MAX_WIDTH, MAX_HEIGHT), (4, 3))
}

/// Columns and rows of text inside the box's border.
fn text_size(size: (u16, u16)) -> Option<(usize, usize)> {
    let rect = frame(Rect::new(0, 0, size.0, size.1))?;
    Some((
        usize::from(rect.width.saturating_sub(2)),
        usize::from(rect.height.saturating_sub(2)),
    ))
}

/// The help text for a box `width` columns wide: the startup problems, then
/// a section per context listing every bound action with its keys and the
/// description that is true in that context.
pub fn page(keymap: &Keymap, problems: &[String], width: usize) -> Vec<HelpLine> {
    let width = width.max(1);
    let indent = " ".repeat(INDENT);
    let mut lines = Vec::new();
    if !problems.is_empty() {
        for piece in wrap("Problems found at startup", width) {
            lines.push(HelpLine::Problem(piece));
        }
        for problem in problems {
            let problem = sanitize_line(problem, MAX_PROBLEM_CHARS);
            for piece in wrap(&problem, width.saturating_sub(INDENT)) {
                lines.push(HelpLine::Problem(format!("{indent}{piece}")));
            }
        }
        lines.push(HelpLine::Blank);
    }
    let rows = keymap.help_rows();
    let keys: Vec<String> = rows
        .iter()
        .map(|row| sanitize_line(&row.keys.join(", "), MAX_KEYS_CHARS))
        .collect();
    let widest = keys.iter().map(|k| text_width(k)).max().unwrap_or(0);
    // The keys get about a third of the room (never more than half), so
    // one long list of keys wraps in its own column rather than squeezing
    // every description beside it.
    let key_width = widest
        .min((width / 3).max(MIN_KEY_WIDTH))
        .min(width.saturating_sub(INDENT + GAP) / 2)
        .max(1);
    let mut column = INDENT + key_width + GAP;
    // Too narrow for two readable columns: the keys on a line of their
    // own, the description under them, indented once more.
    let stacked = width.saturating_sub(column) < MIN_TEXT_WIDTH;
    if stacked {
        column = 2 * INDENT;
    }
    let text_width_left = width.saturating_sub(column);
    let mut last = None;
    for (row, keys) in rows.iter().zip(&keys) {
        if last != Some(row.context) {
            if last.is_some() {
                lines.push(HelpLine::Blank);
            }
            for piece in wrap(title(row.context), width) {
                lines.push(HelpLine::Heading(piece));
            }
            last = Some(row.context);
        }
        let text_pieces = wrap(row.description, text_width_left);
        if stacked {
            for key in wrap(keys, width.saturating_sub(INDENT)) {
                lines.push(HelpLine::Binding {
                    keys: format!("{indent}{key}"),
                    text: String::new(),
                });
            }
        }
        let key_pieces = if stacked {
            Vec::new()
        } else {
            wrap(keys, key_width)
        };
        let height = key_pieces.len().max(text_pieces.len());
        for i in 0..height {
            let key = key_pieces.get(i).map_or("", String::as_str);
            let pad = column.saturating_sub(INDENT + text_width(key));
            lines.push(HelpLine::Binding {
                keys: format!("{indent}{key}{}", " ".repeat(pad)),
                text: text_pieces.get(i).cloned().unwrap_or_default(),
            });
        }
    }
    lines
}

/// The help's text as last laid out by [`lines`], with what it was laid
/// out for.
#[derive(Default)]
pub struct PageMemo(Option<(PageFor, Rc<[HelpLine]>)>);

/// The width, the keymap's stamp and the problems' hash.
type PageFor = (usize, u64, u64);

/// [`page`] for the app's keymap and problems, laid out again only when
/// the width, the bindings or the problems changed: it was laid out for
/// every frame and again for the scroll's bounds, 4.3 M instructions a
/// line scrolled (callgrind), about 2 ms.
pub fn lines(app: &App, width: usize) -> Rc<[HelpLine]> {
    let problems = foldhash::fast::FixedState::default().hash_one(&app.problems);
    let key = (width, app.keymap.stamp(), problems);
    let mut memo = app.help_page.borrow_mut();
    if let Some((k, lines)) = &memo.0
        && *k == key
    {
        return lines.clone();
    }
    let lines: Rc<[HelpLine]> = page(&app.keymap, &app.problems, width).into();
    memo.0 = Some((key, lines.clone()));
    lines
}

/// The title of a context's section.
fn title(context: Context) -> &'static str {
    match context {
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
        Context::Unsaved => "Quitting with notes not saved where they belong",
        Context::Review => "Reviewing cards (R)",
    }
}

/// Greedy word wrap of sanitised text to `width` columns (at least one).
/// A word wider than a line is broken between graphemes; a grapheme wider
/// than the line gets a line of its own (and is clipped when drawn), so
/// every line holds something and the loop always advances.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = text_width(word);
        if !line.is_empty() && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if w <= width {
            line.push_str(word);
            used = w;
            continue;
        }
        for g in word.graphemes(true) {
            let gw = grapheme_width(g);
            if !line.is_empty() && used + gw > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += gw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// How many lines the help has and how many rows show them, on the app's
/// screen; `(0, 0)` when the screen has no room for the box.
fn extent(app: &App) -> (usize, usize) {
    match text_size(app.size) {
        Some((width, height)) => (lines(app, width).len(), height),
        None => (0, 0),
    }
}

/// The help's scroll after a movement action (any other leaves it), kept
/// where the last line can be reached but never scrolled past.
pub(super) fn scrolled(app: &App, scroll: usize, action: Action) -> usize {
    let (lines, height) = extent(app);
    // A page keeps one line of the last one in view, for context.
    let page = height.saturating_sub(1).max(1);
    let half = (height / 2).max(1);
    let to = match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll.saturating_add(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::HalfPageDown => scroll.saturating_add(half),
        Action::HalfPageUp => scroll.saturating_sub(half),
        Action::Top => 0,
        Action::Bottom => usize::MAX,
        _ => scroll,
    };
    to.min(lines.saturating_sub(height))
}

/// The scroll that puts `context`'s section at the top of the help (as
/// far as the end of the text allows), for help asked for from there.
pub(super) fn section(app: &App, context: Context) -> usize {
    let Some((width, height)) = text_size(app.size) else {
        return 0;
    };
    let lines = lines(app, width);
    let heading = title(context);
    let at = lines
        .iter()
        .position(|l| matches!(l, HelpLine::Heading(h) if heading.starts_with(h.as_str())))
        .unwrap_or(0);
    at.min(lines.len().saturating_sub(height))
}

/// Keeps an open help's scroll in range after the screen changed size.
pub(super) fn clamp(app: &mut App) {
    if let Overlay::Help { scroll } = app.overlay {
        let (lines, height) = extent(app);
        app.overlay = Overlay::Help {
            scroll: scroll.min(lines.saturating_sub(height)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_line_within_the_width() {
        let text = "write a note on the sentence at the reading cursor";
        for width in 0..60 {
            let lines = wrap(text, width);
            let letters = |s: &str| s.replace(' ', "");
            let joined = lines.join(" ");
            assert_eq!(
                letters(&joined),
                letters(text),
                "text lost at width {width}"
            );
            if width >= "sentence".len() {
                assert_eq!(joined, text, "a word broken at width {width}");
            }
            for line in &lines {
                assert!(
                    text_width(line) <= width.max(1),
                    "{line:?} wider than {width}"
                );
            }
        }
    }

    #[test]
    fn wrap_breaks_long_words_and_wide_graphemes_without_looping() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("中文字", 3), ["中", "文", "字"]);
        assert_eq!(wrap("中", 1), ["中"], "a wide grapheme gets its own line");
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("   ", 5), [""]);
    }

    #[test]
    fn page_fits_any_width() {
        let keymap = Keymap::defaults();
        let problems = vec!["keymap.toml line 3: a long problem ".repeat(5)];
        for width in 0..90 {
            for line in page(&keymap, &problems, width) {
                let w = match &line {
                    HelpLine::Problem(s) | HelpLine::Heading(s) => text_width(s),
                    HelpLine::Blank => 0,
                    HelpLine::Binding { keys, text } => text_width(keys) + text_width(text),
                };
                // Narrower than a column each, the columns are clipped.
                if width >= INDENT + GAP + 2 {
                    assert!(w <= width, "{line:?} is {w} wide at {width}");
                }
            }
        }
    }

    /// The laid-out text is kept, and laid out again whenever what it is
    /// made from changed: the width, a binding, a problem.
    #[test]
    fn the_kept_help_follows_the_width_the_keymap_and_the_problems() {
        use crate::testkit::{ESSAY, Harness};
        let mut h = Harness::new(&[("essay.md", ESSAY)], 100, 30);
        let fresh = |app: &App, width: usize| page(&app.keymap, &app.problems, width);
        let first = lines(&h.app, 60);
        assert!(Rc::ptr_eq(&first, &lines(&h.app, 60)), "laid out again");
        assert_eq!(*first, *fresh(&h.app, 60));
        let narrow = lines(&h.app, 40);
        assert_eq!(*narrow, *fresh(&h.app, 40));
        assert_ne!(*narrow, *first);

        let problems = h
            .app
            .keymap
            .merge_str("keys.toml", "[help]\ncancel = [\"x\"]\n");
        assert!(problems.is_empty(), "{problems:?}");
        let rebound = lines(&h.app, 40);
        assert_eq!(*rebound, *fresh(&h.app, 40));
        assert_ne!(*rebound, *narrow, "the new binding is not shown");

        h.app
            .problems
            .push("keys.toml line 9: something is wrong".into());
        let with_problem = lines(&h.app, 40);
        assert!(
            matches!(&with_problem[1], HelpLine::Problem(p) if p.contains("something is wrong")),
            "{:?}",
            &with_problem[..3]
        );

        h.app.keymap = Keymap::defaults();
        assert_eq!(*lines(&h.app, 40), *fresh(&h.app, 40));
    }

    #[test]
    fn frame_sits_above_the_status_line_or_not_at_all() {
        assert_eq!(frame(Rect::new(0, 0, 3, 40)), None);
        assert_eq!(frame(Rect::new(0, 0, 80, 3)), None);
        assert_eq!(frame(Rect::new(0, 0, 1, 1)), None);
        let big = frame(Rect::new(0, 0, 120, 40)).expect("room");
        assert_eq!(big, Rect::new(22, 0, 76, 39));
        let small = frame(Rect::new(0, 0, 20, 8)).expect("room");
        assert_eq!(small, Rect::new(0, 0, 20, 7));
    }
}
