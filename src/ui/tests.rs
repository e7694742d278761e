//! Whole-screen tests: insta snapshots at 120x40, 60x20 and tiny sizes, and
//! the terminal oracle (RELIABILITY T1): what the real backend writes for a
//! hostile document holds no escape sequence but the ones we emit.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::Msg;
use crate::input::action::Action;
use crate::testkit::{ESSAY, Harness, NOTES_TXT};

const DOCS: &[(&str, &str)] = &[("red-terror.md", ESSAY), ("notes.txt", NOTES_TXT)];

#[test]
fn snapshot_three_panes_120x40() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_collapsed_60x20() {
    let h = Harness::new(DOCS, 60, 20);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_collapsed_library_overlay_60x20() {
    let mut h = Harness::new(DOCS, 60, 20);
    h.act(Action::FocusPrev);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_plain_text_paragraphs_80x24() {
    let mut h = Harness::new(DOCS, 80, 24);
    h.app.lib_selected = 1;
    h.app.focus = crate::app::Focus::Library;
    h.act(Action::Open);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_help_overlay_120x40() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Help);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_bookmark_prompt_80x24() {
    let mut h = Harness::new(DOCS, 80, 24);
    h.act(Action::AddBookmark);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_tiny_20x8() {
    let h = Harness::new(DOCS, 20, 8);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn any_size_draws_without_panic() {
    let mut h = Harness::new(DOCS, 120, 40);
    for (w, ht) in [
        (0, 0),
        (1, 1),
        (2, 1),
        (1, 3),
        (5, 2),
        (13, 5),
        (99, 30),
        (100, 5),
        (300, 100),
    ] {
        h.send(Msg::Resize(w, ht));
        h.act(Action::Down);
        h.act(Action::Bottom);
        h.act(Action::Help);
        let _ = h.draw();
        h.act(Action::Help);
        h.act(Action::FocusNext);
        let _ = h.draw();
    }
}

#[test]
fn u1_no_row_overflows_its_pane() {
    const WIDE_CHARS: &str = "# 漢字の見出し\n\n漢字漢字漢字漢字漢字漢字漢字 e\u{301}e\u{301} 👩\u{200D}👩\u{200D}👧 ❤️ \
        tab\there a very long wordwithoutanyspacesatallthatmustbebrokensomewhere 😀😀😀😀😀😀😀😀\n";
    for w in [20u16, 39, 40, 79, 80, 121] {
        let h = Harness::new(&[("wide.md", WIDE_CHARS)], w, 20);
        let p = h.app.panes();
        let r = h.app.reader.as_ref().expect("open");
        for row in &r.visible {
            assert!(
                row.width() <= p.text_width,
                "row {:?} is {} wide, pane text is {} at {w}",
                row.text(),
                row.width(),
                p.text_width
            );
        }
    }
}

use crate::testkit::Sink;

/// A document that tries every trick in the book.
const HOSTILE: &str = "Title \u{1b}]0;PWNED\u{7} set\n\
clipboard \u{1b}]52;c;SGVsbG8=\u{7} write\n\
modes \u{1b}[?1049l\u{1b}[2J\u{1b}[?25h off\n\
c1 \u{9b}31m csi and \u{9d}0;osc\u{9c}\n\
bidi \u{202e}txt.exe\u{202c} zero\u{200b}width\n\
dcs \u{1b}P+q544e\u{1b}\\ query and bell \u{7} and del \u{7f}\n";

#[test]
fn t1_hostile_text_never_reaches_the_terminal() {
    for (w, ht) in [(80u16, 24u16), (40, 10), (120, 40)] {
        let h = Harness::new(&[("hostile\u{1b}]0;name\u{7}.txt", HOSTILE)], w, ht);
        let sink = Sink::default();
        let options = ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, w, ht)),
        };
        let mut term =
            Terminal::with_options(CrosstermBackend::new(sink.clone()), options).expect("backend");
        term.draw(|f| crate::ui::render(f, &h.app)).expect("draw");
        let bytes = sink.0.borrow().clone();
        let out = String::from_utf8(bytes).expect("backend writes UTF-8");
        let mut chars = out.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                // crossterm only writes CSI sequences while drawing.
                assert_eq!(
                    chars.peek(),
                    Some(&'['),
                    "non-CSI escape in output at {w}x{ht}"
                );
                continue;
            }
            assert!(
                !(c.is_control() && c != '\n' && c != '\r'),
                "control {:#x} reached the terminal at {w}x{ht}",
                c as u32
            );
        }
        assert!(
            !out.contains("\u{1b}]"),
            "an OSC reached the terminal at {w}x{ht}"
        );
        assert!(
            !out.contains("\u{1b}P"),
            "a DCS reached the terminal at {w}x{ht}"
        );
        let screen = h.screen_text();
        assert!(
            screen.contains('␛'),
            "ESC not shown as a placeholder at {w}x{ht}:\n{screen}"
        );
    }
}

#[test]
fn t3_placeholders_show_in_the_reader() {
    let h = Harness::new(&[("hostile.txt", HOSTILE)], 120, 40);
    let screen = h.screen_text();
    for shown in [
        "␛]0;PWNED␇",
        "<9B>31m",
        "⟨U+202E⟩txt.exe",
        "zero⟨U+200B⟩width",
        "␡",
    ] {
        assert!(screen.contains(shown), "{shown:?} not on screen:\n{screen}");
    }
}

#[test]
fn snapshot_notes_pane_with_every_kind_120x40() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::NoteDocument);
    h.type_note("Compare with the Great Terror essay");
    h.act(Action::Save);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Select);
    h.act(Action::Down);
    h.act(Action::Highlight);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.act(Action::FocusNext);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_note_editor_80x24() {
    let mut h = Harness::new(DOCS, 80, 24);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Annotate);
    h.type_note("Why September 1918? #exam");
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_search_prompt_and_matches_80x24() {
    let mut h = Harness::new(DOCS, 80, 24);
    h.act(Action::Search);
    h.type_prompt("cheka");
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_outline_80x24() {
    let mut h = Harness::new(DOCS, 80, 24);
    h.act(Action::Outline);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_find_everywhere_results_120x40() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::FindEverywhere);
    h.type_prompt("line");
    h.act(Action::Confirm);
    insta::assert_snapshot!(h.draw().backend());
}

/// Cells of the drawn screen whose symbol is part of `word` on `row`.
fn cells_of(buf: &ratatui::buffer::Buffer, word: &str) -> Vec<ratatui::buffer::Cell> {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(at) = line.find(word) {
            let col = line[..at].chars().count() as u16;
            return (col..col + word.chars().count() as u16)
                .map(|x| buf[(x, y)].clone())
                .collect();
        }
    }
    Vec::new()
}

/// Issue 9: under `NO_COLOR` (the mono theme) nothing is drawn in colour,
/// and the search matches, the current match, the selection and the focused
/// pane stay visible through reverse video, bold and underline.
#[test]
fn mono_theme_keeps_matches_selection_and_focus_visible_without_colour() {
    use ratatui::style::{Color, Modifier};
    let mut h = Harness::new(DOCS, 120, 40);
    h.app.theme = crate::config::Palette::mono();
    h.act(Action::Search);
    h.type_prompt("cheka");
    h.act(Action::Confirm);
    let t = h.draw();
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(
            cell.fg == Color::Reset && cell.bg == Color::Reset,
            "mono draws no colour, found {cell:?}"
        );
    }
    let hit = cells_of(buf, "Cheka");
    assert!(!hit.is_empty(), "the match is on screen");
    assert!(
        hit.iter().all(|c| c
            .modifier
            .intersects(Modifier::REVERSED | Modifier::UNDERLINED)),
        "the match stands out without colour: {hit:?}"
    );
    // The focused pane's title is marked; the others' are not.
    let reader_title = cells_of(buf, "The Red Terror");
    assert!(
        reader_title
            .iter()
            .any(|c| c.modifier.contains(Modifier::BOLD))
    );

    h.act(Action::Cancel);
    h.act(Action::Select);
    h.act(Action::Down);
    let t = h.draw();
    let buf = t.backend().buffer();
    let reversed = buf
        .content()
        .iter()
        .filter(|c| c.modifier.contains(Modifier::REVERSED) && c.symbol() != " ")
        .count();
    assert!(
        reversed > 10,
        "the selection shows in reverse video ({reversed} cells)"
    );
}

/// The snapshots are text; this checks the dark theme still draws in colour
/// (so the mono test above is not passing because nothing is styled).
#[test]
fn dark_theme_draws_matches_in_colour() {
    use ratatui::style::Color;
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Search);
    h.type_prompt("cheka");
    h.act(Action::Confirm);
    let t = h.draw();
    let hit = cells_of(t.backend().buffer(), "Cheka");
    assert!(hit.iter().all(|c| c.bg != Color::Reset), "{hit:?}");
}

/// The run loop's driver puts the cursor where `ui::cursor` says; it must
/// be where `render` sets it on the frame: hidden without a prompt, after
/// the text typed, at the start after Home, at any width.
#[test]
fn the_cursor_asked_for_is_the_one_render_sets() {
    use crate::input::action::TextEdit;
    for (w, ht) in [(120u16, 40u16), (40, 12), (20, 8)] {
        let mut h = Harness::new(DOCS, w, ht);
        let area = ratatui::layout::Rect::new(0, 0, w, ht);
        assert_eq!(crate::ui::cursor(&h.app, area), None, "no prompt: hidden");
        h.act(Action::Session);
        for edit in [None, Some(TextEdit::Clear), None, Some(TextEdit::Home)] {
            match edit {
                Some(e) => h.send(Msg::Text(e)),
                None => h.type_prompt("Modern 漢字 century"),
            }
            let set = h.draw().backend().cursor_position();
            assert_eq!(
                crate::ui::cursor(&h.app, area),
                Some(set),
                "{w}x{ht} {edit:?}"
            );
        }
    }
}

/// A result's row shows its match at any width: a line starting 80
/// bytes before the match is cut in front where the row is too narrow
/// for both (at 60 columns the match fell past the row's end).
#[test]
fn find_everywhere_rows_show_their_match_when_narrow() {
    let before = "Genrikh Yagoda was removed as head of the political police and replaced by ";
    let context = format!("…{before}Nikolai Yezhov, who was appointed on 26 September 1936.");
    let at = "…".len() + before.len();
    for (w, cut) in [(60, true), (120, false)] {
        let mut h = Harness::new(DOCS, w, 20);
        h.app.find_all = Some(crate::app::FindAll {
            query: "Yezhov".to_string(),
            results: vec![crate::app::Found {
                entry: None,
                document: "The Great Terror".to_string(),
                offset: 0,
                context: context.clone(),
                hits: vec![(at, at + "Nikolai Yezhov".len())],
                in_note: false,
                lead: 0,
            }],
            matches: 1,
            selected: 0,
            done: true,
            generation: 1,
            error: None,
        });
        h.app.overlay = crate::app::Overlay::Find;
        let screen = h.screen_text();
        assert!(screen.contains("Nikolai Yezhov"), "{w} columns:\n{screen}");
        assert_eq!(
            screen.contains("Genrikh Yagoda"),
            !cut,
            "{w} columns:\n{screen}"
        );
    }
}

/// The find-everywhere overlay with more results than rows shows the
/// rows around the selection, each document's header before its first
/// result, as a list of every row would (only the rows on screen are
/// built): at the top, across two documents, deep in the second and at
/// the end.
#[test]
fn find_everywhere_shows_the_rows_around_the_selection() {
    let mut h = Harness::new(DOCS, 80, 24);
    let results: Vec<crate::app::Found> = ["Alpha", "Beta", "Gamma"]
        .iter()
        .flat_map(|doc| {
            (0..30).map(move |n| crate::app::Found {
                entry: None,
                document: format!("{doc} essay"),
                offset: n,
                context: format!("{doc} result {n}"),
                hits: Vec::new(),
                in_note: n % 7 == 0,
                lead: 0,
            })
        })
        .collect();
    // Every row, as the overlay lays them out.
    let mut every: Vec<String> = Vec::new();
    for (i, r) in results.iter().enumerate() {
        if i % 30 == 0 {
            every.push(r.document.clone());
        }
        let mark = if r.in_note { "✎ " } else { "  " };
        every.push(format!("  {mark}{}", r.context));
    }
    for selected in [0, 31, 45, 89] {
        h.app.find_all = Some(crate::app::FindAll {
            query: "result".to_string(),
            results: results.clone(),
            matches: results.len(),
            selected,
            done: true,
            generation: 1,
            error: None,
        });
        h.app.overlay = crate::app::Overlay::Find;
        let buf = h.draw().backend().buffer().clone();
        // The box is 76 x 21 from (2, 1) at 80x24: its rows inside.
        let inside: Vec<String> = (2..21)
            .map(|y| {
                (3..77)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect();
        assert!(inside.len() > 10, "{inside:?}");
        let first = every
            .iter()
            .position(|line| line.trim_end() == inside[0])
            .unwrap_or_else(|| panic!("{:?} is no row of the list", inside[0]));
        for (n, shown) in inside.iter().enumerate() {
            assert_eq!(
                shown,
                every[first + n].trim_end(),
                "selected {selected}, row {n}"
            );
        }
        let wanted = format!("  {}", results[selected].context);
        let sel_row = every
            .iter()
            .position(|l| l.ends_with(&wanted[2..]))
            .expect("the selection is a row");
        assert!(
            (first..first + inside.len()).contains(&sel_row),
            "selected {selected}: its row {sel_row} is off the screen (from {first})"
        );
    }
}

/// On a narrow screen the note under the cursor shows in a small box over
/// the reader, but not under the help, the outline or the results of a
/// search in every document: its edges showed around theirs.
#[test]
fn the_note_box_is_not_drawn_under_an_overlay() {
    let mut h = Harness::new(DOCS, 60, 20);
    h.press("j");
    h.press("a");
    h.type_note("zebra crossing");
    h.press("enter");
    let shows = |h: &Harness| h.screen().join("\n").contains("zebra crossing");
    assert!(
        shows(&h),
        "no note box on a narrow screen:\n{}",
        h.screen().join("\n")
    );
    // A box's corner in the first column: the note box (the results
    // start further in, the panes' frames are ruled).
    let boxed = |h: &Harness| {
        h.screen()
            .iter()
            .any(|row| row.starts_with('┌') || row.starts_with('└'))
    };
    assert!(boxed(&h));
    h.act(Action::FindEverywhere);
    h.type_prompt("Petrograd");
    h.act(Action::Confirm);
    assert!(h.app.find_all.is_some() && h.app.prompt.is_none());
    let screen = h.screen().join("\n");
    assert!(
        !shows(&h) && !boxed(&h),
        "the note box under the results:\n{screen}"
    );
    h.act(Action::Cancel);
    assert!(
        shows(&h),
        "the note box did not come back:\n{}",
        h.screen().join("\n")
    );
    h.act(Action::Help);
    let screen = h.screen().join("\n");
    assert!(!shows(&h), "the note box under the help:\n{screen}");
}

/// A note on a title (a level-1 heading, drawn with a rule under it) is
/// marked on the title's row, whose words are tinted, not on the rule:
/// the rule row started where the block does (before `# `), so the
/// title's row held nothing and the note's mark went to the rule.
#[test]
fn a_note_on_a_title_is_marked_on_the_titles_row() {
    let doc = "# The Title\n\nThe first paragraph says the thing.\n";
    let mut h = Harness::new(&[("titled.md", doc)], 80, 24);
    h.act(Action::Annotate);
    h.type_note("on the title");
    h.act(Action::Save);
    let item = h.app.notes.as_ref().expect("notes").items()[0].clone();
    assert_eq!(item.preview, "The Title", "{item:?}");
    let screen = h.screen();
    let title = screen
        .iter()
        .find(|r| r.contains("The Title") && !r.starts_with('─'))
        .expect("the title's row");
    let rule = screen.iter().find(|r| r.contains('━')).expect("the rule");
    assert!(title.contains('✎'), "no mark on the title's row: {title:?}");
    assert!(!rule.contains('✎'), "the mark is on the rule: {rule:?}");
}

/// A filtered Library's title keeps its counts whole in a narrow pane:
/// the filter's words are cut to the room left (the frame cut the title
/// at its edge, and "(1 of 2)" lost its end at 120 columns).
#[test]
fn a_filtered_librarys_title_keeps_its_counts() {
    let (h, top) = filtered(Action::FocusPrev, "red terror");
    let shown = h.app.lib_view.len();
    assert!(shown > 0, "the filter matches the essay");
    let pane: String = top.chars().take_while(|c| *c != '┬').collect();
    assert!(pane.contains(&format!("({shown} of 2)")), "{top}");
    assert!(pane.contains('…'), "the filter's words are cut: {top}");
}

#[test]
fn a_title_cuts_its_words_and_keeps_head_and_tail() {
    use super::titled;
    assert_eq!(titled(" L · “", "abc", "” (1) ", 40), " L · “abc” (1) ");
    // 2 columns of frame, 12 of head and tail: 2 left for the words.
    assert_eq!(titled(" L · “", "abcdef", "” (1) ", 16), " L · “a…” (1) ");
    // No room at all: left as it was, for the frame to cut.
    assert_eq!(
        titled(" L · “", "abcdef", "” (1) ", 12),
        " L · “abcdef” (1) "
    );
}

/// The Notes pane's title keeps its count with a filter too: the scope's
/// words go first, then the filter's are cut.
#[test]
fn a_filtered_notes_title_keeps_its_count() {
    let (_, top) = filtered(Action::FocusNext, "somethingrather");
    let pane = top.rsplit('┬').next().unwrap_or_default();
    assert!(pane.contains("(0)"), "{top}");
    assert!(
        pane.contains("“some"),
        "the filter's first words show: {top}"
    );
}

/// At 120x40, the pane `focus` reaches filtered by `words`, and the
/// screen's top row (the panes' titles).
fn filtered(focus: Action, words: &str) -> (Harness, String) {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(focus);
    h.act(Action::Filter);
    h.type_prompt(words);
    h.act(Action::Confirm);
    let top = h.screen().swap_remove(0);
    (h, top)
}
