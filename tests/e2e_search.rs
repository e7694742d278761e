//! End-to-end tests of finding things (issue 5, "Tests"): search in the open
//! document as you type (`/`, `enter`, `esc`, `n`, `N`, smart case, regex
//! toggle, accents, rendered Markdown), the outline and the jump history
//! (`o`, `ctrl-o`, `alt-o`), percentage jumps and counts (`50%`, `5j`),
//! find in every document (`F`) and the Library filter (`/`).
//!
//! The real binary runs in a pseudo-terminal (the harness in `tests/common`),
//! each test in its own sandbox. Waits poll the screen with a deadline, never
//! a fixed sleep; after `esc` a test waits for its visible effect before the
//! next key, or the two would be read together as an alt-key. Every test
//! ends with the T1 oracle on everything the app wrote.
//!
//! Screen geometry at 120×40: library 0..30, reader 30..90, notes 90..120.
//! In the reader pane (as cut by [`region`]) column 0 is the border, column
//! 1 the mark gutter, column 2 the cursor bar `▌`, text from column 3.

mod common;

use common::{
    Sandbox, Tui, assert_t1_clean, essay, essay_tokens, has_cursor, key, region, screen_text,
    status,
};
use vt100::Screen;

/// 120×40: the three-pane layout (≥ 100 columns).
const WIDE: (u16, u16) = (120, 40);
const LIBRARY_COLS: (u16, u16) = (0, 30);
const READER_COLS: (u16, u16) = (30, 60);

const CTRL_R: &str = "\x12";
const CTRL_O: &str = "\x0f";
const ALT_O: &str = "\x1bo";

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/// Paragraphs of the lamp essay, and the words per paragraph.
const LAMP_PARAGRAPHS: usize = 40;
const LAMP_WORDS: usize = 30;

/// A Markdown essay whose words name their paragraph (`a07w03`, see
/// [`essay`]), with:
/// - `lantern` as word 6 of paragraphs 8, 18 and 28, `LANTERN` in 38 (four
///   hits for `lantern`, one for `LANTERN`: smart case);
/// - headings `## Section Ten`, `Twenty`, `Thirty` before paragraphs 10, 20
///   and 30 (the outline);
/// - in paragraph 33, `the *Red*` and `Terror` on two source lines (found
///   as shown: `the Red Terror`);
/// - `café` as word 6 of paragraph 36 written decomposed (NFD: `e` and
///   U+0301) and of paragraph 37 precomposed (NFC: U+00E9).
fn lamp_essay() -> String {
    let mut s = String::from("# The Lamp Essay\n\n");
    for p in 1..=LAMP_PARAGRAPHS {
        match p {
            10 => s.push_str("## Section Ten\n\n"),
            20 => s.push_str("## Section Twenty\n\n"),
            30 => s.push_str("## Section Thirty\n\n"),
            _ => {}
        }
        let mut words: Vec<String> = (1..=LAMP_WORDS)
            .map(|w| format!("a{p:02}w{w:02}"))
            .collect();
        match p {
            8 | 18 | 28 => words[5] = "lantern".into(),
            38 => words[5] = "LANTERN".into(),
            33 => words[5] = "the *Red*\nTerror".into(),
            36 => words[5] = "cafe\u{301}".into(),
            37 => words[5] = "caf\u{e9}".into(),
            _ => {}
        }
        s.push_str(&words.join(" "));
        s.push_str("\n\n");
    }
    s
}

/// Three essays in the documents folder. `quagmire` is in one paragraph of
/// each (as `quagmires` in Birch paragraph 3, `quagmire` in Cedar 22,
/// `Quagmire` in Dogwood 14). The Dogwood essay's file is `xylophone.md`,
/// so a filter can find it by file name and not by title.
fn three_essays(s: &Sandbox) {
    let with = |tag: char, title: &str, para: usize, word: &str| -> String {
        let text = essay(tag, title, 30, 30);
        let needle = format!("{tag}{para:02}w04");
        assert!(text.contains(&needle));
        text.replace(&needle, word)
    };
    s.write_doc("birch.md", with('b', "The Birch Essay", 3, "quagmires"));
    s.write_doc("cedar.md", with('c', "The Cedar Essay", 22, "quagmire"));
    s.write_doc(
        "xylophone.md",
        with('d', "The Dogwood Essay", 14, "Quagmire"),
    );
}

// ---------------------------------------------------------------------------
// Screen helpers (free functions: usable inside `wait_until`)
// ---------------------------------------------------------------------------

fn reader_pane(s: &Screen) -> String {
    region(s, READER_COLS.0, READER_COLS.1)
}

fn library_pane(s: &Screen) -> String {
    region(s, LIBRARY_COLS.0, LIBRARY_COLS.1)
}

/// The screen row and text of the reader row holding the cursor bar.
fn cursor_at(s: &Screen) -> Option<(u16, String)> {
    reader_pane(s)
        .lines()
        .enumerate()
        .find(|(_, r)| has_cursor(r))
        .map(|(i, r)| (i as u16, r.to_string()))
}

/// The text of the reader row holding the cursor bar.
fn cursor_row(s: &Screen) -> String {
    cursor_at(s).map(|(_, r)| r).unwrap_or_default()
}

/// The paragraph an essay token names (`a07w03` → 7).
fn paragraph_of(token: &str) -> usize {
    token[1..3].parse().expect("two digits")
}

/// The first essay token on the cursor row or, if it has none (a blank or
/// heading row), on the rows below it.
fn cursor_token(s: &Screen, tag: char) -> Option<String> {
    let pane = reader_pane(s);
    let rows: Vec<&str> = pane.lines().collect();
    let at = rows.iter().position(|r| has_cursor(r))?;
    rows[at..]
        .iter()
        .find_map(|r| essay_tokens(r, tag).into_iter().next())
}

/// The percentage in the status line (`The Lamp Essay · 47%` → 47).
fn status_percent(s: &Screen) -> Option<u32> {
    let st = status(s);
    let end = st.find('%')?;
    let digits: String = st[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// The characters of screen row `row`, one per column: the base character
/// of each cell (combining marks dropped), a space for an empty cell or the
/// second half of a wide one. So a column index is a screen column.
fn row_cells(s: &Screen, row: u16) -> Vec<char> {
    let (_, cols) = s.size();
    (0..cols.get())
        .map(|col| {
            s.cell(row, col)
                .and_then(|c| c.contents().chars().next())
                .unwrap_or(' ')
        })
        .collect()
}

/// Columns where `word` starts on screen row `row`.
fn columns_of(s: &Screen, row: u16, word: &str) -> Vec<u16> {
    let cells = row_cells(s, row);
    let w: Vec<char> = word.chars().collect();
    (0..cells.len().saturating_sub(w.len() - 1))
        .filter(|&i| cells[i..i + w.len()] == w[..])
        .map(|i| i as u16)
        .collect()
}

fn bg(s: &Screen, row: u16, col: u16) -> vt100::Color {
    s.cell(row, col)
        .map(vt100::Cell::bgcolor)
        .unwrap_or(vt100::Color::Default)
}

/// The background of plain text on screen row `row`: that of the first
/// essay token (`a07w03`) outside columns `avoid`.
fn plain_bg(s: &Screen, row: u16, avoid: std::ops::Range<u16>) -> Option<vt100::Color> {
    let cells = row_cells(s, row);
    (0..cells.len().saturating_sub(6))
        .filter(|&i| !avoid.contains(&(i as u16)) && !avoid.contains(&(i as u16 + 5)))
        .find(|&i| {
            let w: String = cells[i..i + 6].iter().collect();
            (i == 0 || !cells[i - 1].is_ascii_alphanumeric())
                && essay_tokens(&w, w.chars().next().unwrap_or(' ')).len() == 1
        })
        .map(|i| bg(s, row, i as u16))
}

/// Whether the `len` cells from (`row`, `col`) all carry one background,
/// other than that of plain text on the row: a search tint.
fn tinted(s: &Screen, row: u16, col: u16, len: u16) -> bool {
    let first = bg(s, row, col);
    plain_bg(s, row, col..col + len).is_some_and(|plain| plain != first)
        && (col..col + len).all(|c| bg(s, row, c) == first)
}

/// Whether the cell at (`row`, `col`) looks like plain text (not tinted).
fn untinted(s: &Screen, row: u16, col: u16) -> bool {
    plain_bg(s, row, col..col + 1).is_some_and(|plain| plain == bg(s, row, col))
}

/// The text typed in the one-line prompt (`Search: lan   match …` → `lan`).
fn prompt_text(s: &Screen) -> Option<String> {
    let st = status(s);
    let (_, rest) = st.split_once(": ")?;
    Some(rest.split("  ").next().unwrap_or_default().to_string())
}

// ---------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------

/// Starts marginote on the lamp essay at 120x40 and waits for its first
/// screen.
fn open_lamp(s: &Sandbox) -> Tui {
    let doc = s.write_doc("lamp.md", lamp_essay());
    let t = s.spawn(WIDE.0, WIDE.1, &[&doc]);
    t.wait_until("the lamp essay open", |s| {
        status(s).contains("The Lamp Essay · 0%") && reader_pane(s).contains("a01w01")
    });
    t
}

/// Opens the search prompt and empties it (after a confirmed search it
/// comes back holding the last query).
#[track_caller]
fn open_search(t: &mut Tui) {
    t.send("/");
    t.wait_until("the search prompt", |s| status(s).starts_with(" Search"));
    let typed = t.with_screen(prompt_text).unwrap_or_default();
    if !typed.is_empty() {
        t.send(key::BACKSPACE.repeat(typed.chars().count()));
        t.wait_until("the search prompt emptied", |s| {
            status(s).starts_with(" Search") && prompt_text(s).is_some_and(|p| p.is_empty())
        });
    }
}

/// Waits until the cursor row shows `word` and the status line `status_has`.
#[track_caller]
fn wait_cursor_on(t: &Tui, word: &str, status_has: &str) {
    t.wait_until(
        &format!("the cursor on {word:?} and {status_has:?} in the status line"),
        |s| cursor_row(s).contains(word) && status(s).contains(status_has),
    );
}

#[track_caller]
fn quit_clean(t: &mut Tui) {
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(t);
}

// ---------------------------------------------------------------------------
// Search in the open document
// ---------------------------------------------------------------------------

/// Typed ahead in one burst ("/lantern", enter, `j`), the keys act in
/// order: `j` moves down from the match, not from where the search began,
/// and the match arriving after `j` was read does not pull the cursor back.
/// (The search's answer reaches the loop behind the keys read with it; `j`
/// waits for it.)
#[test]
fn a_search_typed_ahead_with_the_next_key_keeps_their_order() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);
    t.send("/lantern\rj");
    t.wait_until("one row below the first hit, the search confirmed", |s| {
        status(s).contains("match 1 of 4")
            && !status(s).starts_with(" Search")
            && cursor_at(s).is_some()
    });
    // The hit is the first row of paragraph 8 (`a08w01 … lantern`): `j`
    // leaves the cursor on the row after it, still in paragraph 8.
    let row = t.with_screen(cursor_row);
    assert!(
        row.contains("a08w") && !row.contains("a08w01"),
        "the cursor should be one row below the match, not on it or back at the start: {row:?}\n{}",
        t.framed()
    );
    // Once more, going to the top after the match: the top, not the match.
    t.send("/lantern\rg");
    t.wait_until("the cursor at the top", |s| {
        cursor_row(s).contains("The Lamp Essay") && status(s).contains("match 2 of 4")
    });
    quit_clean(&mut t);
}

/// `/` finds as you type (the view follows, the hit is tinted as far as it
/// is typed), `enter` keeps the place, `n` and `N` walk the hits and wrap
/// with a message, and the status line counts "match k of N".
#[test]
fn search_as_you_type_enter_then_n_and_shift_n_wrap() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);

    open_search(&mut t);
    t.send("lant");
    t.wait_until("the first hit found while typing", |s| {
        status(s).contains("match 1 of 4") && cursor_row(s).contains("a08w01")
    });
    // Only what is typed is tinted: `lant`, not the `ern` after it.
    t.wait_until("`lant` tinted, `ern` not", |s| {
        let Some((row, _)) = cursor_at(s) else {
            return false;
        };
        columns_of(s, row, "lantern")
            .first()
            .is_some_and(|&col| tinted(s, row, col, 4) && untinted(s, row, col + 4))
    });
    t.send("ern");
    t.wait_until("`lantern` tinted", |s| {
        let Some((row, _)) = cursor_at(s) else {
            return false;
        };
        status(s).contains("match 1 of 4")
            && columns_of(s, row, "lantern")
                .first()
                .is_some_and(|&col| tinted(s, row, col, 7))
    });
    assert!(
        t.with_screen(status).contains("ctrl-r: text"),
        "the prompt should say plain-text mode and how to switch\n{}",
        t.framed()
    );

    t.send(key::ENTER);
    t.wait_until("the prompt closed with the count in the status line", |s| {
        let st = status(s);
        !st.contains("Search") && st.contains("match 1 of 4")
    });
    assert!(
        t.with_screen(cursor_row).contains("a08w01"),
        "enter should keep the place of the first hit\n{}",
        t.framed()
    );

    t.send("n");
    wait_cursor_on(&t, "a18w01", "match 2 of 4");
    t.send("n");
    wait_cursor_on(&t, "a28w01", "match 3 of 4");
    t.send("n");
    wait_cursor_on(&t, "a38w01", "match 4 of 4");
    assert!(
        t.with_screen(cursor_row).contains("LANTERN"),
        "a lower-case query ignores case (smart case)\n{}",
        t.framed()
    );
    t.send("n");
    wait_cursor_on(&t, "a08w01", "match 1 of 4");
    assert!(
        t.with_screen(status).contains("wrapped to the top"),
        "n past the last hit should say it wrapped\n{}",
        t.framed()
    );
    t.send("N");
    wait_cursor_on(&t, "a38w01", "match 4 of 4");
    assert!(
        t.with_screen(status).contains("wrapped to the bottom"),
        "N before the first hit should say it wrapped\n{}",
        t.framed()
    );
    t.send("N");
    wait_cursor_on(&t, "a28w01", "match 3 of 4");
    assert!(
        !t.with_screen(status).contains("wrapped"),
        "no wrap message without a wrap\n{}",
        t.framed()
    );
    // Once the message is gone, the count stays after the percentage;
    // off the match (issue 11) it no longer claims "match 3 of 4".
    t.send("j");
    t.wait_until("the count after the percentage", |s| {
        let st = status(s);
        st.contains("The Lamp Essay · ") && st.contains("% · 4 matches") && !st.contains("match 3")
    });
    quit_clean(&mut t);
}

/// Moves two pages down (past the first `lantern`, paragraph 8, before the
/// second, 18) and returns the cursor's screen row and text there.
fn two_pages_down(t: &mut Tui) -> (u16, String) {
    t.send(" ");
    t.wait_gone("a01w01");
    t.send(" ");
    t.wait_until("a passage between paragraphs 9 and 17 at the cursor", |s| {
        cursor_token(s, 'a').is_some_and(|w| (9..=17).contains(&paragraph_of(&w)))
    });
    let (row, text) = t
        .with_screen(cursor_at)
        .unwrap_or_else(|| panic!("no cursor row\n{}", t.framed()));
    assert!(
        !essay_tokens(&text, 'a').is_empty(),
        "cursor on text: {text:?}"
    );
    (row, text)
}

/// `/lantern` from [`two_pages_down`]: the first hit after the cursor is
/// the second `lantern`; then `esc`.
fn search_then_esc(t: &mut Tui) {
    open_search(t);
    t.send("lantern");
    t.wait_until("the first hit after the cursor (paragraph 18)", |s| {
        prompt_text(s).as_deref() == Some("lantern")
            && status(s).contains("match 2 of 4")
            && cursor_row(s).contains("a18w01")
    });
    t.send(key::ESC);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));
}

/// The first hit shown is the first one after the reading cursor, and
/// `esc` puts the passage that was at the cursor before `/` back under it.
#[test]
fn search_starts_after_the_cursor_and_esc_returns_to_the_start() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);
    let (_, before) = two_pages_down(&mut t);
    search_then_esc(&mut t);
    t.wait_until("the starting passage back at the cursor", |s| {
        cursor_row(s) == before
    });
    quit_clean(&mut t);
}

/// `esc` restores the view itself, as `ctrl-o` does: the cursor's passage
/// on the same screen row, the same page shown.
#[test]
fn search_esc_restores_the_same_view() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);
    let (row, before) = two_pages_down(&mut t);
    let page = t.with_screen(reader_pane);
    search_then_esc(&mut t);
    t.wait_until("the starting passage back at the cursor", |s| {
        cursor_row(s) == before
    });
    assert_eq!(
        t.with_screen(cursor_at).map(|(r, _)| r),
        Some(row),
        "esc should put the cursor's passage back on the same screen row\n{}",
        t.framed()
    );
    assert_eq!(
        t.with_screen(reader_pane),
        page,
        "esc should show the same page as before the search"
    );
    quit_clean(&mut t);
}

/// Markdown is searched as shown (`the Red Terror` finds `the *Red*` and
/// `Terror` on the next source line), accents fold (`cafe` and `café` find
/// `café` written decomposed and precomposed), and a query with a capital
/// is case-sensitive.
#[test]
fn search_finds_rendered_markdown_and_folds_accents() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);

    open_search(&mut t);
    t.send("the Red Terror");
    t.wait_until("the emphasised phrase found", |s| {
        prompt_text(s).as_deref() == Some("the Red Terror")
            && status(s).contains("match 1 of 1")
            && reader_pane(s).contains("a33w05")
    });
    // Every word of the phrase is tinted where it is shown (it may span
    // two rows).
    t.wait_until("`Red` and `Terror` tinted", |s| {
        let (rows, _) = s.size();
        let mut red = false;
        let mut terror = false;
        for row in 1..rows.get() - 2 {
            let text = row_cells(s, row).into_iter().collect::<String>();
            if !text.contains("a33w") {
                continue;
            }
            red |= columns_of(s, row, "Red")
                .iter()
                .any(|&c| tinted(s, row, c, 3));
            terror |= columns_of(s, row, "Terror")
                .iter()
                .any(|&c| tinted(s, row, c, 6));
        }
        red && terror
    });
    t.send(key::ENTER);
    t.wait_until("the prompt closed on the hit", |s| {
        !status(s).contains("Search") && status(s).contains("match 1 of 1")
    });

    // Decomposed first (paragraph 36), then precomposed (37).
    open_search(&mut t);
    t.send("cafe");
    t.wait_until(
        "`cafe` finds the decomposed café, all four cells tinted",
        |s| {
            let Some((row, _)) = cursor_at(s) else {
                return false;
            };
            prompt_text(s).as_deref() == Some("cafe")
                && status(s).contains("match 1 of 2")
                && cursor_row(s).contains("a36w01")
                && columns_of(s, row, "cafe")
                    .first()
                    .is_some_and(|&c| tinted(s, row, c, 4))
        },
    );
    let (row, col) = t
        .with_screen(|s| {
            let (row, _) = cursor_at(s)?;
            columns_of(s, row, "cafe").first().map(|&c| (row, c))
        })
        .unwrap_or_else(|| panic!("no café on the cursor row\n{}", t.framed()));
    let accented = t.with_screen(|s| {
        s.cell(row, col + 3)
            .map(|c| c.contents().to_string())
            .unwrap_or_default()
    });
    assert!(
        accented == "e\u{301}" || accented == "\u{e9}",
        "the decomposed é should show in one cell, got {accented:?}"
    );
    t.send(key::ENTER);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));
    t.send("n");
    wait_cursor_on(&t, "a37w01", "match 2 of 2");

    // The query typed with an accent (NFC) finds both forms too.
    open_search(&mut t);
    t.send("café");
    t.wait_until("`café` finds both", |s| {
        prompt_text(s).as_deref() == Some("café")
            && status(s).contains("match ")
            && status(s).contains(" of 2 ")
    });
    t.send(key::ESC);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));

    // Smart case: a capital makes the query case-sensitive.
    open_search(&mut t);
    t.send("LANTERN");
    t.wait_until("only the capitalised hit", |s| {
        prompt_text(s).as_deref() == Some("LANTERN")
            && status(s).contains("match 1 of 1")
            && cursor_row(s).contains("a38w01")
    });
    t.send(key::ESC);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));
    quit_clean(&mut t);
}

/// `ctrl-r` switches the prompt between plain text and regex: the same
/// pattern finds nothing as text and two hits as a regex; a broken regex
/// shows its error in the prompt.
#[test]
fn search_ctrl_r_toggles_regex_and_shows_a_bad_regex() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);

    open_search(&mut t);
    t.send("a1[23]w07");
    t.wait_until("no match as plain text", |s| {
        let st = status(s);
        prompt_text(s).as_deref() == Some("a1[23]w07")
            && st.contains("no match")
            && st.contains("ctrl-r: text")
    });
    t.send(CTRL_R);
    t.wait_until("two hits as a regex", |s| {
        let st = status(s);
        st.contains("Search (regex)") && st.contains("match 1 of 2") && st.contains("ctrl-r: regex")
    });
    t.wait_until("the cursor on the first hit", |s| {
        cursor_row(s).contains("a12w07") || cursor_row(s).contains("a12w01")
    });
    t.wait_until("the hit tinted", |s| {
        (1..s.size().0.get() - 2).any(|row| {
            columns_of(s, row, "a12w07")
                .first()
                .is_some_and(|&c| tinted(s, row, c, 6))
        })
    });
    t.send(key::ENTER);
    t.wait_until("the prompt closed", |s| {
        !status(s).contains("Search") && status(s).contains("match 1 of 2")
    });
    t.send("n");
    t.wait_until("the second hit", |s| {
        status(s).contains("match 2 of 2") && reader_pane(s).contains("a13w07")
    });

    // A broken regex: an error, no count.
    open_search(&mut t);
    t.wait_until("still in regex mode", |s| {
        status(s).contains("Search (regex)")
    });
    t.send("a1[");
    t.wait_until("the regex error in the prompt", |s| {
        let st = status(s);
        st.contains("invalid regex") && !st.contains("match ")
    });
    // Back to text: the same characters are plain text, and not found.
    t.send(CTRL_R);
    t.wait_until("plain text again", |s| {
        let st = status(s);
        st.contains("ctrl-r: text") && !st.contains("invalid regex") && st.contains("no match")
    });
    t.send(key::ESC);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));
    quit_clean(&mut t);
}

/// Reopening `/` after a confirmed search opens it empty (issue 11, as in
/// vim and less); `up` brings the last query back, and its count must be
/// the real one, not "no match".
#[test]
fn search_reopened_with_the_last_query_shows_its_real_count() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);
    t.send("/");
    t.wait_until("the search prompt", |s| status(s).starts_with(" Search"));
    t.send("lantern");
    t.wait_until("four hits", |s| status(s).contains("match 1 of 4"));
    t.send(key::ENTER);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));
    t.send("/");
    t.wait_until("the prompt again, empty", |s| {
        status(s).starts_with(" Search") && prompt_text(s).is_none_or(|p| p.is_empty())
    });
    t.send(key::UP);
    t.wait_until("the prompt again, with the last query", |s| {
        status(s).starts_with(" Search") && prompt_text(s).as_deref() == Some("lantern")
    });
    t.wait_until("the recalled query's real count", |s| {
        let st = status(s);
        st.contains(" of 4") && !st.contains("no match")
    });
    t.send(key::ESC);
    t.wait_until("the prompt closed", |s| !status(s).contains("Search"));
    quit_clean(&mut t);
}

// ---------------------------------------------------------------------------
// Outline, jump history, percentage and counts
// ---------------------------------------------------------------------------

/// The outline row marked as the current section (`▸`), if shown.
fn outline_current(s: &Screen) -> Option<String> {
    screen_text(s).lines().find(|l| l.contains('▸')).map(|l| {
        let after = l.split('▸').nth(1).unwrap_or_default();
        after
            .split('│')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    })
}

/// `o` lists the headings with the current section marked; `enter` jumps to
/// the selected one; `ctrl-o` goes back to the passage read before, `alt-o`
/// forward again; `G` is a jump too.
#[test]
fn outline_jump_then_ctrl_o_back_and_alt_o_forward() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);
    t.send(" ");
    t.wait_until("a passage before Section Ten at the cursor", |s| {
        cursor_token(s, 'a').is_some_and(|w| (2..=9).contains(&paragraph_of(&w)))
    });
    let (row, _) = t.with_screen(cursor_at).expect("a cursor row");
    t.send("3j");
    t.wait_until("the cursor three rows down", |s| {
        cursor_at(s).is_some_and(|(r, _)| r == row + 3)
    });
    let (start_row, start) = t
        .with_screen(cursor_at)
        .unwrap_or_else(|| panic!("no cursor row\n{}", t.framed()));

    t.send("o");
    t.wait_for("Outline");
    // The outline may be worked out in the background: wait for the mark.
    t.wait_until(
        "the outline with the section read now (before Section Ten) marked ▸",
        |s| outline_current(s).as_deref() == Some("The Lamp Essay"),
    );
    for h in ["Section Ten", "Section Twenty", "Section Thirty"] {
        t.wait_for(h);
    }
    t.send("jj");
    t.send(key::ENTER);
    t.wait_gone("Outline");
    wait_cursor_on(&t, "Section Twenty", "The Lamp Essay · ");
    assert!(
        !t.with_screen(reader_pane).contains(&start),
        "the jump should leave the starting page\n{}",
        t.framed()
    );
    // The outline now marks the new section.
    t.send("o");
    t.wait_for("Outline");
    t.wait_until("Section Twenty marked ▸ as the current section", |s| {
        outline_current(s).as_deref() == Some("Section Twenty")
    });
    t.send(key::ESC);
    t.wait_gone("Outline");

    t.send(CTRL_O);
    t.wait_until("back at the starting passage", |s| cursor_row(s) == start);
    assert_eq!(
        t.with_screen(cursor_at).map(|(r, _)| r),
        Some(start_row),
        "ctrl-o should restore the view too\n{}",
        t.framed()
    );
    t.send(ALT_O);
    wait_cursor_on(&t, "Section Twenty", "The Lamp Essay · ");

    // G is a jump: ctrl-o comes back from the bottom.
    t.send("G");
    t.wait_until("the last paragraph", |s| reader_pane(s).contains("a40w30"));
    t.send(CTRL_O);
    wait_cursor_on(&t, "Section Twenty", "The Lamp Essay · ");
    quit_clean(&mut t);
}

/// `5j` moves five rows, `3k` three back, `50%` lands in the middle.
#[test]
fn counts_repeat_moves_and_percent_jumps_to_the_middle() {
    let s = Sandbox::new();
    let mut t = open_lamp(&s);
    let (top, _) = t
        .with_screen(cursor_at)
        .unwrap_or_else(|| panic!("no cursor row\n{}", t.framed()));
    t.send("5j");
    t.wait_until("the cursor five rows down", |s| {
        cursor_at(s).is_some_and(|(r, _)| r == top + 5)
    });
    t.send("3k");
    t.wait_until("the cursor two rows below the top", |s| {
        cursor_at(s).is_some_and(|(r, _)| r == top + 2)
    });

    t.send("50%");
    t.wait_gone("a01w01");
    t.wait_until("about 50 % in the status line", |s| {
        status_percent(s).is_some_and(|p| (45..=55).contains(&p))
    });
    let para = t
        .with_screen(|s| cursor_token(s, 'a'))
        .map(|w| paragraph_of(&w))
        .unwrap_or_else(|| panic!("no passage at the cursor\n{}", t.framed()));
    assert!(
        (16..=24).contains(&para),
        "50% of {LAMP_PARAGRAPHS} paragraphs should put the cursor near paragraph 20, got {para}\n{}",
        t.framed()
    );
    quit_clean(&mut t);
}

// ---------------------------------------------------------------------------
// Across the library
// ---------------------------------------------------------------------------

/// Rows of the find-results overlay whose text holds `word` and whose cells
/// carry a background (the selected result).
fn selected_result_has(s: &Screen, word: &str) -> bool {
    let (rows, _) = s.size();
    (1..rows.get() - 2).any(|row| {
        columns_of(s, row, word)
            .first()
            .is_some_and(|&c| bg(s, row, c) != vt100::Color::Default)
    })
}

/// `F` searches every document; results come grouped under each title with
/// the matching line; `enter` closes the prompt, `j` selects, `enter` opens
/// that document at the match.
#[test]
fn find_everywhere_opens_the_right_document_at_the_match() {
    let s = Sandbox::new();
    three_essays(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("the Birch essay open", |s| {
        status(s).contains("The Birch Essay · 0%") && reader_pane(s).contains("b01w01")
    });

    t.send("F");
    t.wait_until("the find prompt", |s| {
        status(s).contains("Find in every document")
    });
    t.send("quag");
    t.wait_for("3 matches in 3 documents");
    // Typing on replaces the search.
    t.send("mirex");
    t.wait_until("no result for quagmirex", |s| {
        screen_text(s).contains("“quagmirex”") && !screen_text(s).contains("c22w01")
    });
    t.send(key::BACKSPACE);
    t.wait_until("the three results again", |s| {
        let text = screen_text(s);
        text.contains("“quagmire”") && text.contains("3 matches in 3 documents")
    });
    let text = t.screen();
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in the results\n{text}"))
    };
    // Grouped by document: each title, then its matching line.
    let order = [
        line_of("│The Birch Essay "),
        line_of("b03w03 quagmires b03w05"),
        line_of("│The Cedar Essay "),
        line_of("c22w03 quagmire c22w05"),
        line_of("│The Dogwood Essay "),
        line_of("d14w03 Quagmire d14w05"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] + 1 == w[1]),
        "results should be grouped under their document's title (lines {order:?})\n{text}"
    );

    t.send(key::ENTER);
    t.wait_until("the prompt closed, results kept", |s| {
        !status(s).contains("Find in every document") && screen_text(s).contains("c22w01")
    });
    t.send("j");
    t.wait_until("the Cedar result selected", |s| {
        selected_result_has(s, "c22w01")
    });
    t.send(key::ENTER);
    t.wait_until("the Cedar essay open at the match", |s| {
        status(s).contains("The Cedar Essay · ") && cursor_row(s).contains("quagmire")
    });
    assert!(
        t.with_screen(cursor_row).contains("c22w03"),
        "the cursor should be on Cedar paragraph 22\n{}",
        t.framed()
    );
    assert!(
        !t.with_screen(screen_text)
            .contains("3 matches in 3 documents"),
        "the results should close on open\n{}",
        t.framed()
    );
    quit_clean(&mut t);
}

/// In the Library pane `/` filters fuzzily by title (`dgw`) and by file
/// name (`xylo`) as you type; `enter` keeps the filter; the document opens
/// from it; `esc` in the prompt clears it.
#[test]
fn library_filter_by_title_and_file_name_opens_the_right_document() {
    let s = Sandbox::new();
    three_essays(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("the Birch essay open", |s| {
        status(s).contains("The Birch Essay · 0%") && library_pane(s).contains("Library (3)")
    });
    t.send(key::SHIFT_TAB);
    t.wait_until("the library focused", |s| status(s).contains("enter open"));
    t.send("/");
    t.wait_until("the filter prompt", |s| {
        status(s).contains("Find in the library")
    });
    t.send("dgw");
    t.wait_until("only Dogwood, by a fuzzy title match", |s| {
        let lib = library_pane(s);
        lib.contains("Library · “dgw” (1 of 3)")
            && lib.contains("The Dogwood Essay")
            && !lib.contains("The Birch Essay")
            && !lib.contains("The Cedar Essay")
    });
    t.send(key::BACKSPACE.repeat(3));
    t.wait_for("Library (3)");
    t.send("xylo");
    t.wait_until("only Dogwood, by its file name", |s| {
        let lib = library_pane(s);
        lib.contains("Library · “xylo” (1 of 3)")
            && lib.contains("The Dogwood Essay")
            && !lib.contains("The Birch Essay")
            && !lib.contains("The Cedar Essay")
    });
    t.send(key::ENTER);
    t.wait_until("the prompt closed, the filter kept", |s| {
        !status(s).contains("Find in the library")
            && library_pane(s).contains("Library · “xylo” (1 of 3)")
    });
    t.send(key::ENTER);
    t.wait_until("the Dogwood essay open", |s| {
        status(s).contains("The Dogwood Essay · 0%") && reader_pane(s).contains("d01w01")
    });

    // esc in the filter prompt shows everything again.
    t.wait_until("the status hints", |s| status(s).contains("? help"));
    if !t.with_screen(status).contains("enter open") {
        t.send(key::SHIFT_TAB);
        t.wait_until("the library focused", |s| status(s).contains("enter open"));
    }
    t.send("/");
    t.wait_until("the filter prompt", |s| {
        status(s).contains("Find in the library")
    });
    t.send(key::ESC);
    t.wait_until("the whole library again", |s| {
        let lib = library_pane(s);
        lib.contains("Library (3)")
            && lib.contains("The Birch Essay")
            && lib.contains("The Cedar Essay")
            && lib.contains("The Dogwood Essay")
    });
    quit_clean(&mut t);
}

/// With a kept filter that matches nothing, the Library pane says
/// "Nothing matches. Press / and change the words, or esc to see all.":
/// esc must then show all.
#[test]
fn library_empty_filter_esc_shows_all_as_it_says() {
    let s = Sandbox::new();
    three_essays(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("the Birch essay open", |s| {
        status(s).contains("The Birch Essay · 0%")
    });
    t.send(key::SHIFT_TAB);
    t.wait_until("the library focused", |s| status(s).contains("enter open"));
    t.send("/");
    t.wait_until("the filter prompt", |s| {
        status(s).contains("Find in the library")
    });
    t.send("zzzz");
    t.wait_for("(0 of 3)");
    t.send(key::ENTER);
    t.wait_until("the prompt closed, the filter kept", |s| {
        !status(s).contains("Find in the library")
            && library_pane(s).contains("Nothing matches")
            && library_pane(s).contains("esc to")
    });
    t.send(key::ESC);
    t.wait_until("the whole library, as the pane promised", |s| {
        library_pane(s).contains("Library (3)")
    });
    quit_clean(&mut t);
}
