//! The screen after many small updates must equal the screen after a full
//! redraw: wide characters, halfwidth katakana with their sound marks and
//! combining marks must never leave stale cells (issue 10, defect 6).

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::input::action::Action;
use crate::runtime::output::Output;
use crate::runtime::terminal::Screen;
use crate::testkit::Harness;

use crate::testkit::Sink;

fn terminal(w: u16, h: u16) -> (Terminal<CrosstermBackend<Sink>>, Sink) {
    let sink = Sink::default();
    let options = ratatui::TerminalOptions {
        viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, h)),
    };
    let term =
        Terminal::with_options(CrosstermBackend::new(sink.clone()), options).expect("backend");
    (term, sink)
}

/// What a terminal shows after the bytes: one string per row, each cell
/// as `cell` writes it (its text, a cleared cell as a space, since a
/// cleared cell and a written space look the same); `?` off the screen.
fn cells(
    parser: &vt100::Parser,
    w: u16,
    h: u16,
    cell: impl Fn(&str, &vt100::Cell) -> String,
) -> Vec<String> {
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| {
                    parser.screen().cell(y, x).map_or_else(
                        || "?".to_string(),
                        |c| match c.contents() {
                            "" => cell(" ", c),
                            s => cell(s, c),
                        },
                    )
                })
                .collect()
        })
        .collect()
}

/// What a terminal shows: each cell's text.
fn screen(parser: &vt100::Parser, w: u16, h: u16) -> Vec<String> {
    cells(parser, w, h, |text, _| format!("{text}|"))
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).expect("max(1) is non-zero")
}

fn full_redraw(h: &Harness, w: u16, ht: u16) -> Vec<String> {
    let (mut term, sink) = terminal(w, ht);
    term.draw(|f| crate::ui::render(f, &h.app)).expect("draw");
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    parser.process(&sink.0.borrow());
    screen(&parser, w, ht)
}

fn document() -> &'static str {
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!(
            "{i} ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ 漢字かな交じり e\u{301}te\u{301} ｱｲｳｴｵ ﾃﾞｰﾀ {}\n\n",
            "ﾊﾞﾋﾞﾌﾞ".repeat(i % 7)
        ));
    }
    Box::leak(text.into_boxed_str())
}

/// The run loop's driver (`runtime::terminal::Screen`: rows compared
/// first, our `Output` backend) writing to a sink.
fn screen_driver(w: u16, h: u16) -> (Screen<Sink>, Sink) {
    let sink = Sink::default();
    (Screen::fixed(Output::new(sink.clone()), w, h), sink)
}

/// Draws a frame of `h` with the run loop's driver, keeping what it can,
/// and feeds what it wrote to `parser`.
fn draw_kept(driver: &mut Screen<Sink>, sink: &Sink, parser: &mut vt100::Parser, h: &Harness) {
    driver
        .draw(|f, keep| {
            crate::ui::draw(f, &h.app, keep);
            crate::ui::cursor(&h.app, f.area())
        })
        .expect("draw");
    parser.process(&sink.0.borrow());
    sink.0.borrow_mut().clear();
}

/// Counts the writes that reach it.
#[derive(Clone, Default)]
struct Writes(std::rc::Rc<std::cell::Cell<usize>>);

impl std::io::Write for Writes {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + 1);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A frame reaches the terminal in one write, its cursor (hidden, or
/// shown and moved) with it: the terminal never shows the cells of a
/// frame with the cursor of the last.
#[test]
fn a_frame_and_its_cursor_are_one_write() {
    let writes = Writes::default();
    let out = Output::new(std::io::BufWriter::with_capacity(64 << 10, writes.clone()));
    let mut driver = Screen::fixed(out, 80, 24);
    let h = Harness::new(&[("a.md", "# A\n\nSome text to show.\n")], 80, 24);
    // The writes a frame with `cursor` takes.
    let mut writes_of = |cursor| {
        let before = writes.0.get();
        driver
            .draw(|f, keep| {
                crate::ui::draw(f, &h.app, keep);
                cursor
            })
            .expect("draw");
        writes.0.get() - before
    };
    for cursor in [None, Some(ratatui::layout::Position::new(3, 4)), None] {
        assert_eq!(writes_of(cursor), 1, "cursor {cursor:?}");
    }
    // The same frame again (a tick, an idle save) writes nothing.
    assert_eq!(writes_of(None), 0, "an unchanged frame");
}

/// `u1_…` with the run loop's own driver instead of ratatui's `draw`.
#[test]
fn u1_the_run_loops_driver_never_desynchronises_the_screen() {
    for (w, ht) in [(80u16, 24u16), (120, 40), (47, 15)] {
        let docs = [
            ("katakana.txt", document()),
            ("漢字かな交じりの本.txt", document()),
            ("ﾊﾞﾋﾞﾌﾞ e\u{301}te\u{301}.txt", document()),
        ];
        let mut h = Harness::new(&docs, w, ht);
        let (mut driver, sink) = screen_driver(w, ht);
        let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
        for (step, a) in moves().into_iter().enumerate() {
            h.act(a);
            draw_kept(&mut driver, &sink, &mut parser, &h);
            assert_same_as_full_redraw(&parser, &h, (w, ht), step, a);
        }
    }
}

/// A resize clears the screen and draws every cell at the new size, as a
/// new driver would (one with no buffer for the blank screen); the frames
/// after it compare with the one before as usual.
#[test]
fn a_resize_redraws_the_screen_at_the_new_size() {
    let docs = [
        ("katakana.txt", document()),
        ("漢字かな交じりの本.txt", document()),
    ];
    let mut h = Harness::new(&docs, 80, 24);
    let (mut driver, sink) = screen_driver(80, 24);
    let mut parser = vt100::Parser::new(nz(24), nz(80), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    for (step, (w, ht)) in [(60u16, 20u16), (100, 30), (100, 30), (47, 15)]
        .into_iter()
        .enumerate()
    {
        driver.set_fixed(w, ht);
        driver.fit().expect("a fixed size");
        h.send(crate::app::Msg::Resize(w, ht));
        parser.set_size(nz(ht), nz(w));
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_same_as_full_redraw(&parser, &h, (w, ht), step, Action::Down);
        h.act(Action::Down);
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_same_as_full_redraw(&parser, &h, (w, ht), step, Action::Down);
    }
}

/// The Library pane is kept while its rows show the same: each thing a row
/// shows, changed alone, draws it again (its key hashes what the rows are
/// made of, not the rows).
#[test]
fn the_library_pane_follows_what_its_rows_show() {
    let docs = [
        ("katakana.txt", document()),
        ("漢字かな交じりの本.txt", document()),
    ];
    let (w, ht) = (120, 40);
    let mut h = Harness::new(&docs, w, ht);
    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    let key = h.app.entries[1].key.clone();
    type Change = fn(&mut Harness, &str);
    let changes: [(&str, Change); 9] = [
        ("bookmarks", |h, _| h.app.entries[1].bookmarks = 7),
        ("words", |h, _| h.app.entries[1].words = Some(123_456)),
        ("title", |h, _| {
            h.app.entries[1].title = Some("A title from the scan".into())
        }),
        ("progress", |h, _| h.app.entries[1].progress = Some(42)),
        ("due", |h, key| {
            h.app.due.insert(key.to_string(), 5);
        }),
        ("open", |h, _| h.app.open = Some(1)),
        // The list's order, its filter's words, and a filter as typed
        // (each a revision of its own in the pane's key).
        ("order", |h, _| *h.app.lib_view = vec![1, 0]),
        ("filter words", |h, _| {
            *h.app.lib_filter = Some("kata".into())
        }),
        ("filter", |h, _| {
            h.app.set_library_filter(Some("漢字".into()));
        }),
    ];
    for (step, (what, change)) in changes.into_iter().enumerate() {
        let before = screen(&parser, w, ht);
        change(&mut h, &key);
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_ne!(screen(&parser, w, ht), before, "{what} changed nothing");
        assert_same_as_full_redraw(&parser, &h, (w, ht), step, Action::Down);
    }
}

/// The screen the frames drawn so far left equals a full redraw of now.
fn assert_same_as_full_redraw(
    parser: &vt100::Parser,
    h: &Harness,
    (w, ht): (u16, u16),
    step: usize,
    a: Action,
) {
    let incremental = screen(parser, w, ht);
    let full = full_redraw(h, w, ht);
    for (y, (row, expected)) in incremental.iter().zip(&full).enumerate() {
        assert_eq!(
            row, expected,
            "{w}x{ht}, after move {step} ({a:?}): row {y} differs from a full redraw"
        );
    }
}

fn moves() -> Vec<Action> {
    vec![
        Action::Down,
        Action::Down,
        Action::PageDown,
        Action::Up,
        Action::HalfPageDown,
        Action::Down,
        Action::PageUp,
        Action::Bottom,
        Action::Up,
        Action::Top,
        Action::FocusNext,
        Action::FocusNext,
        Action::FocusPrev,
        Action::Down,
        Action::Down,
        Action::FocusPrev,
        Action::Down,
    ]
}

#[test]
fn u1_wide_and_combining_characters_never_desynchronise_the_screen() {
    for (w, ht) in [(80u16, 24u16), (120, 40), (47, 15)] {
        let mut h = Harness::new(&[("katakana.txt", document())], w, ht);
        let (mut term, sink) = terminal(w, ht);
        let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
        for (step, a) in moves().into_iter().enumerate() {
            h.act(a);
            term.draw(|f| crate::ui::render(f, &h.app)).expect("draw");
            parser.process(&sink.0.borrow());
            sink.0.borrow_mut().clear();
            assert_same_as_full_redraw(&parser, &h, (w, ht), step, a);
        }
    }
}

/// What a terminal shows, with how: each cell's text and attributes.
fn styled_screen(parser: &vt100::Parser, w: u16, h: u16) -> Vec<String> {
    cells(parser, w, h, |text, c| {
        // A space shows only its background, inverse and underline: its
        // colour, weight and slant look the same as a blank cell's (a
        // blank screen's styled spaces are not written).
        if text == " " && !c.inverse() && !c.underline() {
            return format!(" [{:?}]", c.bgcolor());
        }
        format!(
            "{}[{:?}{:?}{}{}{}{}{}]",
            text,
            c.fgcolor(),
            c.bgcolor(),
            u8::from(c.bold()),
            u8::from(c.dim()),
            u8::from(c.italic()),
            u8::from(c.underline()),
            u8::from(c.inverse()),
        )
    })
}

/// A step of a reader at work: a key (the default keymap), or text typed
/// into the prompt or note editor that is open.
#[derive(Debug, Clone)]
enum Step {
    Key(&'static str),
    Type(&'static str),
    /// The terminal takes one of the three sizes.
    Resize(usize),
}

/// The sizes the random steps are drawn at.
const SIZES: [(u16, u16); 3] = [(120, 40), (80, 24), (47, 15)];

const KEYS: &[&str] = &[
    "j",
    "k",
    "j",
    "j",
    "down",
    "up",
    "space",
    "pageup",
    "ctrl-d",
    "ctrl-u",
    "g",
    "G",
    "tab",
    "shift-tab",
    "esc",
    "esc",
    "?",
    // The help scrolled, and a search in every document.
    "?",
    "j",
    "F",
    "m",
    "enter",
    "enter",
    "v",
    "w",
    "w",
    "h",
    "a",
    "]",
    "[",
    "n",
    "N",
    "x",
    "t",
    "o",
    "/",
    "ctrl-o",
    "}",
    "{",
    ")",
    "(",
    "e",
    "u",
];

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (0..KEYS.len()).prop_map(|i| Step::Key(KEYS[i])),
        1 => proptest::sample::select(vec!["ga", "漢字", "e\u{301}", "#x ", "the"]).prop_map(Step::Type),
        1 => (0..SIZES.len()).prop_map(Step::Resize),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Frames drawn by the run loop's driver, keeping what did not change
    /// (ui/keep.rs), leave the terminal showing exactly what a full redraw
    /// of the same state shows: every cell's text, colours and attributes,
    /// after every step of random reading, noting, searching and moving
    /// between panes, at three sizes, and as the terminal is resized from
    /// one to another and back (rows drawn at a size are copied in when
    /// it comes back).
    #[test]
    fn kept_parts_never_leave_the_screen_stale(
        steps in proptest::collection::vec(step(), 1..40),
        size in 0..3usize,
    ) {
        same_as_full_redraw_after(&steps, size)?;
    }
}

/// Plays `steps`, drawing a frame after each with the run loop's driver
/// (parts kept), and checks each against a full redraw.
fn same_as_full_redraw_after(
    steps: &[Step],
    size: usize,
) -> Result<(), proptest::test_runner::TestCaseError> {
    let (mut w, mut ht) = SIZES[size];
    let docs = [
        (
            "essay.md",
            "# An essay\n\nThe first paragraph says the thing. It has two sentences.\n\nA second paragraph, longer, with *emphasis* and a [link](x) and `code`; the end of it comes here.\n\n## Part two\n\n- one item\n- another item with more words in it\n\nThe last paragraph.",
        ),
        ("katakana.txt", document()),
    ];
    let mut h = Harness::new(&docs, w, ht);
    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    for (n, s) in steps.iter().enumerate() {
        match s {
            Step::Key(k) => h.press(k),
            Step::Type(t) => {
                if h.app.editor.is_some() {
                    h.type_note(t);
                } else {
                    h.type_prompt(t);
                }
            }
            &Step::Resize(i) => {
                (w, ht) = SIZES[i];
                driver.set_fixed(w, ht);
                driver.fit().expect("a fixed size");
                h.send(crate::app::Msg::Resize(w, ht));
                parser.set_size(nz(ht), nz(w));
            }
        }
        draw_kept(&mut driver, &sink, &mut parser, &h);
        // A full redraw: a new driver keeps nothing.
        let (mut fresh, fresh_sink) = screen_driver(w, ht);
        let mut full = vt100::Parser::new(nz(ht), nz(w), 0);
        draw_kept(&mut fresh, &fresh_sink, &mut full, &h);
        let (a, b) = (styled_screen(&parser, w, ht), styled_screen(&full, w, ht));
        for (y, (row, expected)) in a.iter().zip(&b).enumerate() {
            proptest::prop_assert_eq!(
                row,
                expected,
                "{}x{}, after step {} ({:?}) of {:?}: row {} differs from a full redraw",
                w,
                ht,
                n,
                s,
                steps,
                y
            );
        }
    }
    Ok(())
}

/// Cases the random steps found (or could miss): a title that changes
/// alone (the Notes pane's scope, with no notes), the cursor row moving
/// under a kept pane, a search's matches, a note typed and saved.
#[test]
fn kept_parts_follow_a_title_a_cursor_a_search_and_a_note() {
    use Step::{Key, Type};
    let cases: [&[Step]; 4] = [
        &[Key("tab"), Key("t"), Key("t")],
        &[Key("j"), Key("j"), Key("k"), Key("G"), Key("g")],
        &[
            Key("/"),
            Type("the"),
            Key("enter"),
            Key("n"),
            Key("N"),
            Key("esc"),
        ],
        &[
            Key("a"),
            Type("#x "),
            Type("the"),
            Key("enter"),
            Key("j"),
            Key("]"),
        ],
    ];
    for steps in cases {
        for size in 0..3 {
            if let Err(e) = same_as_full_redraw_after(steps, size) {
                panic!("{e}");
            }
        }
    }
}

/// A line down or up that scrolls the text moves the rows the terminal
/// shows (a scroll region, lines deleted or inserted) and writes only what
/// then differs: a fraction of the reader's cells, and a screen that
/// equals a full redraw in every cell's text, colours and attributes.
#[test]
fn a_scrolled_line_moves_the_rows_and_writes_little() {
    let (w, ht) = (120u16, 40u16);
    let mut h = Harness::new(&[("katakana.txt", document())], w, ht);
    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    let full = full_redraw_bytes(&h, w, ht);
    let mut moved = [0usize; 2];
    for (i, key) in ["j"; 60].into_iter().chain(["k"; 60]).enumerate() {
        h.press(key);
        let bytes = {
            driver
                .draw(|f, keep| {
                    crate::ui::draw(f, &h.app, keep);
                    crate::ui::cursor(&h.app, f.area())
                })
                .expect("draw");
            std::mem::take(&mut *sink.0.borrow_mut())
        };
        parser.process(&bytes);
        let text = String::from_utf8_lossy(&bytes);
        // A scroll region set, lines deleted (down) or inserted (up) at its
        // top, the region reset.
        let scrolled = text.contains("r\u{1b}[") && text.contains("\u{1b}[r");
        if scrolled {
            let deleted = text.contains("M\u{1b}[r");
            assert_eq!(deleted, key == "j", "step {i} ({key}): {text:?}");
            moved[usize::from(deleted)] += 1;
            assert!(
                bytes.len() * 4 < full,
                "step {i} ({key}): {} bytes where a full frame is {full}",
                bytes.len()
            );
        }
        let (mut fresh, fresh_sink) = screen_driver(w, ht);
        let mut expected = vt100::Parser::new(nz(ht), nz(w), 0);
        draw_kept(&mut fresh, &fresh_sink, &mut expected, &h);
        let (a, b) = (
            styled_screen(&parser, w, ht),
            styled_screen(&expected, w, ht),
        );
        for (y, (row, want)) in a.iter().zip(&b).enumerate() {
            assert_eq!(
                row, want,
                "step {i} ({key}): row {y} differs from a full redraw"
            );
        }
    }
    assert!(
        moved[0] > 10 && moved[1] > 10,
        "rows moved up, down: {moved:?}"
    );
}

/// The bytes of a frame drawn on a blank screen.
fn full_redraw_bytes(h: &Harness, w: u16, ht: u16) -> usize {
    let (mut fresh, sink) = screen_driver(w, ht);
    fresh
        .draw(|f, keep| {
            crate::ui::draw(f, &h.app, keep);
            crate::ui::cursor(&h.app, f.area())
        })
        .expect("draw");
    sink.0.borrow().len()
}

/// Whether the last frame `keep` saw kept `area` whole (rows kept one
/// under the other come as one rectangle).
fn kept_whole(keep: &crate::ui::keep::Keep, area: ratatui::layout::Rect) -> bool {
    keep.kept().iter().any(|k| k.intersection(area) == area)
}

/// A blank screen `w` by `ht` and nothing kept yet, for [`draw_with`].
/// Whether every cell of `area` outside `hole` was kept.
fn kept_beside(
    keep: &crate::ui::keep::Keep,
    area: ratatui::layout::Rect,
    hole: ratatui::layout::Rect,
) -> bool {
    area.positions()
        .filter(|&at| !hole.contains(at))
        .all(|at| keep.kept().iter().any(|k| k.contains(at)))
}

fn blank_frame(w: u16, ht: u16) -> (ratatui::buffer::Buffer, crate::ui::keep::Keep) {
    (
        ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, w, ht)),
        crate::ui::keep::Keep::none(),
    )
}

/// Draws a frame of `h` on `buf` with `keep`, as the run loop does; says
/// which area it offers the terminal to move the rows of.
fn draw_with(
    h: &Harness,
    buf: &mut ratatui::buffer::Buffer,
    keep: &mut crate::ui::keep::Keep,
) -> Option<ratatui::layout::Rect> {
    buf.reset();
    keep.begin();
    let mut f = crate::ui::Frame::new(buf);
    crate::ui::draw(&mut f, &h.app, keep);
    f.scroll_area()
}

/// The Notes pane with entries in it is kept while it shows the same (a
/// line down does not draw it again), and each thing it shows, changed
/// alone, draws it again: the selection, the entry under the cursor in
/// full, an entry added, a note's text, the focus.
#[test]
fn the_notes_pane_is_kept_and_follows_what_it_shows() {
    let (w, ht) = (120, 40);
    let mut h = Harness::new(&[("katakana.txt", document())], w, ht);
    for _ in 0..3 {
        h.press("m");
        h.press("enter");
        h.press("j");
        h.press("j");
        h.press("j");
    }
    h.press("j");
    let notes = h.app.panes().notes.expect("a Notes pane at 120x40");
    let (mut buf, mut keep) = blank_frame(w, ht);
    draw_with(&h, &mut buf, &mut keep);
    h.press("j");
    draw_with(&h, &mut buf, &mut keep);
    assert!(
        kept_whole(&keep, notes),
        "a line down drew the Notes pane again"
    );

    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    type Change = fn(&mut Harness);
    let changes: [(&str, Change); 9] = [
        ("the next entry, under the cursor", |h| h.press("]")),
        ("the cursor off the entry", |h| h.press("j")),
        ("an entry added", |h| {
            h.press("G");
            h.press("m");
            h.press("enter");
        }),
        ("a note's text", |h| {
            // On a row of its own, so it is the entry shown in full.
            for _ in 0..4 {
                h.press("k");
            }
            h.press("a");
            h.type_note("a note in the pane");
            h.press("enter");
        }),
        ("the note's second line, shown in full only", |h| {
            set_note_text(h, "a note in the pane\nwith a second line");
        }),
        ("the note's first line, its row's title", |h| {
            set_note_text(h, "another first line\nwith a second line");
        }),
        ("the focus", |h| h.press("tab")),
        ("the selection", |h| h.press("k")),
        ("the entry in full", |h| h.press("x")),
    ];
    // The pane's cells, each with what shows of it.
    let shows = |parser: &vt100::Parser| -> Vec<String> {
        cells(parser, w, ht, |text, c| {
            format!(
                "{text}{:?}{:?}{}{}|",
                c.fgcolor(),
                c.bgcolor(),
                c.bold(),
                c.inverse()
            )
        })
        .into_iter()
        .map(|row| row.split('|').skip(usize::from(notes.x)).collect())
        .collect()
    };
    for (step, (what, change)) in changes.into_iter().enumerate() {
        let before = shows(&parser);
        change(&mut h);
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_ne!(shows(&parser), before, "{what} changed nothing in the pane");
        assert_same_as_full_redraw(&parser, &h, (w, ht), step, Action::Down);
    }
}

/// Gives the one note of the open document the text `text`.
fn set_note_text(h: &mut Harness, text: &str) {
    let notes = h.app.notes.as_mut().expect("notes");
    let id = notes
        .items()
        .into_iter()
        .find(|i| i.kind == crate::study::notes::Kind::Note)
        .expect("the note")
        .id;
    assert!(notes.update_note(&id, text, "2026-11-25T10:00:00+00:00"));
}

/// A document at `w` x `ht` with a bookmark under the reading cursor.
fn bookmarked(w: u16, ht: u16) -> Harness {
    let mut h = Harness::new(&[("katakana.txt", document())], w, ht);
    h.press("m");
    h.type_prompt("a bookmark");
    h.press("enter");
    h
}

/// The entry in full that comes back as the reading cursor steps on and
/// off a bookmarked row again (drawn over the list's rows, its blank rows
/// kept) leaves a screen equal to a full redraw in every cell's text,
/// colours and attributes.
#[test]
fn an_entry_in_full_that_comes_back_shows_as_drawn_afresh() {
    let (w, ht) = (120, 40);
    let mut h = bookmarked(w, ht);
    assert!(
        h.app.under_cursor.is_some(),
        "the bookmark is under the cursor"
    );
    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    for key in ["j", "k", "j", "k", "j", "k"] {
        h.press(key);
        draw_kept(&mut driver, &sink, &mut parser, &h);
        let (mut fresh, fresh_sink) = screen_driver(w, ht);
        let mut full = vt100::Parser::new(nz(ht), nz(w), 0);
        draw_kept(&mut fresh, &fresh_sink, &mut full, &h);
        assert_eq!(
            styled_screen(&parser, w, ht),
            styled_screen(&full, w, ht),
            "after {key}"
        );
    }
}

/// As the reading cursor steps on and off a bookmarked row, the entry in
/// full comes and goes at the bottom of the Notes pane: the rows under
/// its text are blank either way and are kept, not drawn and compared
/// again; the rows its text takes are drawn.
#[test]
fn the_blank_rows_under_an_entry_in_full_are_kept_as_it_comes_and_goes() {
    let (w, ht) = (120, 40);
    let mut h = bookmarked(w, ht);
    let notes = h.app.panes().notes.expect("a Notes pane at 120x40");
    let row = |y: u16| ratatui::layout::Rect::new(notes.x + 1, y, notes.width - 2, 1);
    let last = row(notes.bottom() - 2);
    let (mut buf, mut keep) = blank_frame(w, ht);
    draw_with(&h, &mut buf, &mut keep);
    let mut was = h.app.under_cursor.is_some();
    let mut changes = 0;
    for key in ["j", "j", "k", "k", "j", "j"] {
        h.press(key);
        let shown = h.app.under_cursor.is_some();
        draw_with(&h, &mut buf, &mut keep);
        assert!(
            kept_whole(&keep, last),
            "after {key}: the last row drawn again"
        );
        if shown == was {
            continue;
        }
        was = shown;
        // The rule above the entry (on the lower half) is drawn each
        // time: it comes with the entry and goes with it.
        let rule = row(notes.bottom() - 1 - (notes.height - 2) / 2);
        assert!(
            !kept_whole(&keep, rule),
            "after {key} (entry shown: {shown})"
        );
        changes += 1;
    }
    assert!(changes >= 2, "the entry came and went {changes} times");
}

/// The reader's rows are compared for a move on the terminal by their
/// cells only when their keys could not tell (ui/keep.rs, `Rows`): on a
/// frame with nothing kept before it the frame says its rows may have
/// moved; on the next ones, with the cursor stepping on and off a
/// bookmark (the Notes pane beside changing), it does not, and the keys
/// say whether the rows stayed or moved.
#[test]
fn the_text_is_compared_for_a_move_only_when_its_rows_keys_cannot_tell() {
    let (w, ht) = (120, 40);
    let mut h = bookmarked(w, ht);
    let (mut buf, mut keep) = blank_frame(w, ht);
    assert!(
        draw_with(&h, &mut buf, &mut keep).is_some(),
        "the first frame: nothing to compare the keys with"
    );
    let mut moved = 0;
    for key in ["j", "k", "j", "j", "k", "k"].into_iter().chain(["j"; 60]) {
        h.press(key);
        assert_eq!(
            draw_with(&h, &mut buf, &mut keep),
            None,
            "after {key}: the rows' keys told"
        );
        moved += usize::from(keep.moved().is_some());
    }
    assert!(
        moved > 10,
        "the text scrolled as the cursor went down: {moved}"
    );
    keep.forget();
    assert!(
        draw_with(&h, &mut buf, &mut keep).is_some(),
        "after the screen was cleared"
    );
}

/// Under the help or the outline the reader's rows are covered: a frame
/// does not say they may have moved (the terminal would move whole rows,
/// the panes beside the box with them), while the text is still moved
/// for when nothing covers it.
#[test]
fn the_rows_under_an_overlay_are_not_moved() {
    let (w, ht) = (120, 40);
    let mut h = bookmarked(w, ht);
    let (mut buf, mut keep) = blank_frame(w, ht);
    assert!(
        draw_with(&h, &mut buf, &mut keep).is_some(),
        "the reader alone"
    );
    for open in [Action::Help, Action::Outline] {
        h.act(open);
        for _ in 0..3 {
            assert_eq!(draw_with(&h, &mut buf, &mut keep), None, "{open:?} open");
            h.act(Action::Down);
        }
        h.act(Action::Cancel);
        assert!(
            draw_with(&h, &mut buf, &mut keep).is_some(),
            "{open:?} closed"
        );
    }
}

#[test]
fn the_empty_notes_pane_follows_what_it_says() {
    // Its words are not part of its key (ui/notes.rs `empty_key`): what
    // they follow from is, here the one thing its title does not show.
    let (w, ht) = (120, 40);
    let mut h = Harness::new(&[("katakana.txt", document())], w, ht);
    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    // `screen` has the cells of a row between bars.
    let says = |parser: &vt100::Parser, words: &str| {
        screen(parser, w, ht)
            .iter()
            .any(|row| row.replace('|', "").contains(words))
    };
    assert!(says(&parser, "No notes yet"));
    let notes = h.app.notes.take();
    draw_kept(&mut driver, &sink, &mut parser, &h);
    assert!(says(&parser, "Open a document"), "no document's notes");
    assert_same_as_full_redraw(&parser, &h, (w, ht), 0, Action::Down);
    h.app.notes = notes;
    draw_kept(&mut driver, &sink, &mut parser, &h);
    assert!(says(&parser, "No notes yet"), "its notes back, none yet");
    assert_same_as_full_redraw(&parser, &h, (w, ht), 1, Action::Down);
}

/// While a note is typed, only what is under the editor's box is drawn
/// again with each letter: the panes beside it and the reader's rows
/// above it are kept (typing drew and compared the whole screen), nothing
/// kept reaches under the box, and the screen equals a full redraw after
/// every letter, after the note is saved and after one is cancelled, on
/// a wide screen and on a narrow one (where a pane slides over the
/// reader).
#[test]
fn typing_a_note_keeps_what_is_beside_its_box() {
    for (w, ht) in [(120u16, 40u16), (47, 15)] {
        let mut h = Harness::new(&[("katakana.txt", document())], w, ht);
        h.press("j");
        h.press("j");
        let p = h.app.panes();
        let boxed = crate::ui::reader::editor_rect(&p).expect("room for the box");
        let (mut driver, sink) = screen_driver(w, ht);
        let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
        draw_kept(&mut driver, &sink, &mut parser, &h);
        let (mut buf, mut keep) = blank_frame(w, ht);
        draw_with(&h, &mut buf, &mut keep);
        h.press("a");
        assert!(h.app.editor.is_some(), "{w}x{ht}: a opens the note editor");
        draw_kept(&mut driver, &sink, &mut parser, &h);
        draw_with(&h, &mut buf, &mut keep);
        for (n, letters) in ["w", "hy ", "漢字", " #exam"].into_iter().enumerate() {
            h.type_note(letters);
            draw_kept(&mut driver, &sink, &mut parser, &h);
            assert_same_as_full_redraw(&parser, &h, (w, ht), n, Action::Save);
            draw_with(&h, &mut buf, &mut keep);
            assert!(
                keep.kept().iter().all(|k| !k.intersects(boxed)),
                "{w}x{ht}: a part kept under the box: {:?}",
                keep.kept()
            );
            // Above the box, the reader's rows showed the same.
            let above = ratatui::layout::Rect::new(p.text.x, p.text.y, p.text.width, 1);
            assert!(
                kept_whole(&keep, above),
                "{w}x{ht}: the reader's first row drawn again for {letters:?}"
            );
            for pane in [p.library, p.notes].into_iter().flatten() {
                assert!(
                    kept_whole(&keep, pane),
                    "{w}x{ht}: a pane beside the box drawn again for {letters:?}"
                );
            }
            // The reader's pane beside the box (its edges, the scrollbar, the
            // rows above), from the second letter on (the first frame with
            // the box had it drawn).
            if n > 0 {
                assert!(
                    kept_beside(&keep, p.reader, boxed),
                    "{w}x{ht}: the reader's pane beside the box drawn again for {letters:?}: {:?}",
                    keep.kept()
                );
            }
        }
        h.press("enter");
        assert!(h.app.editor.is_none(), "{w}x{ht}: enter saves the note");
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_same_as_full_redraw(&parser, &h, (w, ht), 10, Action::Save);
        h.press("j");
        h.press("a");
        h.type_note("dropped");
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_same_as_full_redraw(&parser, &h, (w, ht), 11, Action::Save);
        h.press("esc");
        h.press("esc");
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_same_as_full_redraw(&parser, &h, (w, ht), 12, Action::Cancel);
    }
}

/// With the help open, a line of it scrolled keeps what is beside its box
/// (the status line) and draws none of the reader's rows under it; nothing
/// kept reaches into the box. The terminal then shows what a full redraw
/// does, the help closed included.
#[test]
fn scrolling_the_help_keeps_what_is_beside_its_box() {
    let (w, ht) = (120, 40);
    let mut h = bookmarked(w, ht);
    let (mut driver, sink) = screen_driver(w, ht);
    let mut parser = vt100::Parser::new(nz(ht), nz(w), 0);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    let (mut buf, mut keep) = blank_frame(w, ht);
    draw_with(&h, &mut buf, &mut keep);
    h.act(Action::Help);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    draw_with(&h, &mut buf, &mut keep);
    let boxed = crate::app::help::frame(buf.area).expect("room for the help");
    let status = h.app.panes().status;
    for n in 0..3 {
        h.act(Action::Down);
        draw_kept(&mut driver, &sink, &mut parser, &h);
        assert_same_as_full_redraw(&parser, &h, (w, ht), n, Action::Down);
        draw_with(&h, &mut buf, &mut keep);
        let kept = |x: u16| {
            let at = ratatui::layout::Position { x, y: status.y };
            keep.kept().iter().any(|k| k.contains(at))
        };
        assert!(
            (status.left()..status.right()).all(kept),
            "the status line drawn again: {:?}",
            keep.kept()
        );
        // The Library and Notes panes reach under the box: what is beside
        // it is kept.
        let p = h.app.panes();
        for pane in [p.library, p.notes].into_iter().flatten() {
            assert!(pane.intersects(boxed), "the box reaches into {pane:?}");
            assert!(
                kept_beside(&keep, pane, boxed),
                "{pane:?} beside the box drawn again: {:?}",
                keep.kept()
            );
        }
        assert!(
            keep.kept().iter().all(|k| !k.intersects(boxed)),
            "kept under the box: {:?}",
            keep.kept()
        );
    }
    h.act(Action::Cancel);
    draw_kept(&mut driver, &sink, &mut parser, &h);
    assert_same_as_full_redraw(&parser, &h, (w, ht), 3, Action::Cancel);
}
