//! End-to-end tests on a generated 50 MB plain text (issue 6, "Tests"): the
//! behaviour that speed must not break. The first screen shows the first
//! line, `G` shows the last line, a resize to 80x24 (and back) keeps the
//! passage on top, a search finds the one hit near the end, and invalid
//! UTF-8 shows as `<FF>`. No timing is asserted (speed lives in `benches/`);
//! every wait has the harness deadline, which only catches hangs.
//!
//! The input is built once per test binary in a temp dir by copying word
//! slices (no formatting per word or line), about 0.4 s in a debug build;
//! the whole file runs in about 3 s. All tests share the input read-only;
//! each has its own sandbox. Rows are located in the input by their text,
//! which the random filler makes unique.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{Sandbox, Tui, assert_t1_clean, key, region, status};
use vt100::Screen;

/// 120×40: the three-pane layout; the reader pane is columns 30..90.
const WIDE: (u16, u16) = (120, 40);
const READER_COLS: (u16, u16) = (30, 60);
/// 80×24: the reader alone.
const NARROW: (u16, u16) = (80, 24);

/// About 50 MB (the size the issue names).
const TARGET_BYTES: usize = 50 << 20;

/// The first line: short enough to fit one row of the reader pane.
const FIRST_LINE: &str = "Bigtext opening line: alpha bravo charlie";
/// On the first screen, with an invalid byte (0xFF) between two words.
const BAD_BYTE_BEFORE: &str = "before-bad-byte";
const BAD_BYTE_AFTER: &str = "after-bad-byte";
/// The one occurrence of this word is about 64 KB before the end.
const FAR_WORD: &str = "ZQXFARHIT";
/// The last line (no newline after it).
const LAST_LINE: &str = "Bigtext closing line: xray yankee zulu";

/// The filler's vocabulary: lower-case (so no word can match
/// [`FAR_WORD`]), 64 words picked at random, so that any row of filler
/// (eight words or more) occurs once in the whole text and tells where the
/// reader is.
#[rustfmt::skip]
const WORDS: [&str; 64] = [
    "archive", "committee", "records", "dispute", "grain", "quotas", "reply", "district",
    "soviet", "argued", "harvest", "failed", "peasants", "given", "centre", "insisted",
    "figures", "plan", "brigades", "villages", "hidden", "stores", "party", "congress",
    "report", "delegate", "factory", "workers", "strike", "bread", "ration", "winter",
    "railway", "station", "telegram", "order", "decree", "land", "commune", "market",
    "price", "famine", "letter", "diary", "memoir", "trial", "verdict", "exile",
    "camp", "return", "thaw", "speech", "secret", "session", "historian", "source",
    "census", "ledger", "minutes", "purge", "cadre", "school", "teacher", "student",
];

/// Where the generated text lives, shared by the tests of this binary.
struct BigText {
    path: PathBuf,
    len: usize,
}

/// A tiny deterministic generator (xorshift), so the text is the same
/// on every run and platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Appends `n` as six zero-padded digits (line labels), without `format!`.
fn push_label(out: &mut Vec<u8>, n: usize) {
    let mut digits = [b'0'; 6];
    let mut v = n;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(b"L");
    out.extend_from_slice(&digits);
    out.push(b' ');
}

/// Builds the text: a first screen of short lines (the first line, then a
/// line with an invalid byte), then lines `L000123 …` of random words,
/// mixing short lines (a few words) and long ones (a paragraph of up to
/// ~3 KB that wraps over many rows), a few more invalid sequences further
/// on, [`FAR_WORD`] near the end, and [`LAST_LINE`]. Returns its length.
fn build(path: &Path) -> usize {
    let mut out: Vec<u8> = Vec::with_capacity(TARGET_BYTES + (64 << 10));
    out.extend_from_slice(FIRST_LINE.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(b"second line, short\n");
    out.extend_from_slice(BAD_BYTE_BEFORE.as_bytes());
    out.extend_from_slice(b" \xFF ");
    out.extend_from_slice(BAD_BYTE_AFTER.as_bytes());
    out.push(b'\n');

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let far_at = TARGET_BYTES - (64 << 10);
    let mut far_done = false;
    // Away from 50 %, where the resize test reads the text.
    let mut next_bad = 3 << 20;
    let mut label = 4;
    while out.len() < TARGET_BYTES {
        push_label(&mut out, label);
        label += 1;
        let words = if rng.below(4) == 0 {
            40 + rng.below(360)
        } else {
            1 + rng.below(8)
        };
        // One draw gives ten words (six bits each).
        let mut bits = 0u64;
        for i in 0..words {
            if i % 10 == 0 {
                bits = rng.next();
            }
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(WORDS[(bits & 63) as usize].as_bytes());
            bits >>= 6;
        }
        if out.len() >= next_bad {
            // Stray bytes: a lone continuation byte, a truncated
            // three-byte sequence, an overlong encoding.
            out.extend_from_slice(b" \x80 \xE2\x82 \xC0\xAF");
            next_bad += 10 << 20;
        }
        if !far_done && out.len() >= far_at {
            out.extend_from_slice(b" the far word ");
            out.extend_from_slice(FAR_WORD.as_bytes());
            out.extend_from_slice(b" is here");
            far_done = true;
        }
        out.push(b'\n');
    }
    out.extend_from_slice(LAST_LINE.as_bytes());
    // Written beside and renamed into place: another run of this binary
    // reading the file meanwhile sees the old copy or the new, whole.
    let part = path.with_extension(format!("part-{}", std::process::id()));
    std::fs::write(&part, &out).unwrap_or_else(|e| panic!("write {}: {e}", part.display()));
    std::fs::rename(&part, path).unwrap_or_else(|e| panic!("rename {}: {e}", path.display()));
    out.len()
}

/// The generated text, built on first use into cargo's folder for
/// integration tests' files (`target/tmp`), under a fixed name: a static
/// is never dropped, so a temporary folder made here would be left behind
/// by every run (50 MB each time).
fn big_text() -> &'static BigText {
    static BIG: OnceLock<BigText> = OnceLock::new();
    BIG.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("marginote-big");
        std::fs::create_dir_all(&dir).expect("create the big text's folder");
        let path = dir.join("bigtext.txt");
        let len = build(&path);
        BigText { path, len }
    })
}

#[test]
fn generator_is_deterministic_and_has_what_the_tests_need() {
    let big = big_text();
    let bytes = std::fs::read(&big.path).expect("read the big text");
    assert_eq!(bytes.len(), big.len);
    assert!(
        (TARGET_BYTES..TARGET_BYTES + (64 << 10)).contains(&bytes.len()),
        "about 50 MB: {}",
        bytes.len()
    );
    assert!(bytes.starts_with(FIRST_LINE.as_bytes()));
    assert!(bytes.ends_with(LAST_LINE.as_bytes()));
    let far = find_all(&bytes, FAR_WORD.as_bytes());
    assert_eq!(far.len(), 1, "{FAR_WORD} occurs exactly once");
    assert!(
        far[0] > bytes.len() - (128 << 10),
        "{FAR_WORD} is near the end"
    );
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the text holds invalid UTF-8"
    );
    let lines = bytes.split(|&b| b == b'\n').count();
    let long = bytes
        .split(|&b| b == b'\n')
        .filter(|l| l.len() > 1000)
        .count();
    assert!(
        long > 1000 && lines > 50_000,
        "a mix of long and short lines: {lines} lines, {long} over 1000 bytes"
    );
    // Same input, same bytes.
    let dir = tempfile::tempdir().expect("temp dir");
    let again = dir.path().join("again.txt");
    build(&again);
    assert!(
        std::fs::read(&again).expect("read again") == bytes,
        "the generator is deterministic"
    );
}

/// Offsets of every occurrence of `needle` in `hay`.
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(hay, needle).collect()
}

// ---------------------------------------------------------------------------
// Screen helpers
// ---------------------------------------------------------------------------

/// The reader pane at 120 columns, or the whole screen when narrower (the
/// reader alone).
fn reader_pane(s: &Screen) -> String {
    let (_, cols) = s.size();
    if cols.get() >= 100 {
        region(s, READER_COLS.0, READER_COLS.1)
    } else {
        region(s, 0, cols.get())
    }
}

/// The text rows of the reader (the line beside it, mark gutter, cursor
/// bar and scrollbar cut off), top down.
fn text_rows(s: &Screen) -> Vec<String> {
    let pane = reader_pane(s);
    // The line to the Library's right, in the wide layout only.
    let side = usize::from(s.size().1.get() >= 100);
    // The scrollbar is the pane's last column (rows come with their
    // trailing blanks cut, a blank track's too).
    let bar = if side == 1 {
        usize::from(READER_COLS.1) - 1
    } else {
        usize::from(s.size().1.get()) - 1
    };
    let rows: Vec<&str> = pane.lines().collect();
    // Row 0 is the rule with the title; the last is the status line.
    rows[1..rows.len().saturating_sub(1).max(1)]
        .iter()
        .map(|r| {
            let chars: Vec<char> = r.chars().collect();
            let from = (side + 2).min(chars.len());
            let to = chars.len().min(bar).max(from);
            chars[from..to]
                .iter()
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect()
}

/// Whether the text's first line is on screen as text (not as the title
/// that the pane, the library and the status line show).
fn first_line_in_text(s: &Screen) -> bool {
    text_rows(s).iter().any(|r| r.contains(FIRST_LINE))
}

/// The first non-blank text row of the reader and its index.
fn top_row(s: &Screen) -> Option<(usize, String)> {
    text_rows(s)
        .into_iter()
        .enumerate()
        .find(|(_, r)| !r.is_empty())
}

/// Where `row` (text as shown) sits in the document; it must occur once.
#[track_caller]
fn offset_of(doc: &[u8], row: &str) -> usize {
    let hits = find_all(doc, row.as_bytes());
    assert_eq!(
        hits.len(),
        1,
        "the row {row:?} should occur exactly once in the text (found at {hits:?})"
    );
    hits[0]
}

/// Starts marginote on the big text and waits for its first line.
fn open_big(s: &Sandbox, cols: u16, rows: u16) -> Tui {
    let big = big_text();
    let t = s.spawn(cols, rows, &[&big.path]);
    t.wait_until("the first line of the big text", |s| {
        reader_pane(s).contains(FIRST_LINE)
    });
    t
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// The bytes the app printed between `from` and `to` (first occurrence
/// after the last frame that drew `from`), with CSI sequences (cursor moves,
/// colours) taken out: the text the terminal put in the cells between.
fn printed_between(raw: &[u8], from: &str, to: &str) -> Option<String> {
    let start = memchr::memmem::rfind(raw, from.as_bytes())? + from.len();
    let len = memchr::memmem::find(&raw[start..], to.as_bytes())?;
    let between = &raw[start..start + len];
    let mut out = Vec::new();
    let mut i = 0;
    while i < between.len() {
        if between[i] == 0x1b && between.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < between.len() && !(0x40..=0x7e).contains(&between[i]) {
                i += 1;
            }
            i += 1;
        } else {
            out.push(between[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Issue 6: the first screen comes up with the first line, and an invalid
/// byte on it is shown as its value, `<FF>` (never dropped, never raw;
/// issue 10 replaced the anonymous U+FFFD, RELIABILITY T3/I2).
#[test]
fn big_first_screen_shows_the_first_line_and_the_invalid_byte_as_ff() {
    let s = Sandbox::new();
    let mut t = open_big(&s, WIDE.0, WIDE.1);
    t.wait_for(BAD_BYTE_AFTER);
    let top = t.with_screen(text_rows);
    assert_eq!(
        top.first().map(String::as_str),
        Some(FIRST_LINE),
        "the first row of the reader should be the first line\n{}",
        t.framed()
    );
    let row = top
        .iter()
        .find(|r| r.contains(BAD_BYTE_BEFORE))
        .unwrap_or_else(|| panic!("no row with {BAD_BYTE_BEFORE}\n{}", t.framed()));
    assert_eq!(
        row,
        &format!("{BAD_BYTE_BEFORE} <FF> {BAD_BYTE_AFTER}"),
        "the invalid byte should show as <FF> between the two spaces"
    );
    let printed = printed_between(&t.raw(), BAD_BYTE_BEFORE, BAD_BYTE_AFTER)
        .unwrap_or_else(|| panic!("the row with the invalid byte was never printed"));
    assert_eq!(
        printed.trim(),
        "<FF>",
        "between the words the app should print <FF> for the byte 0xFF"
    );
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t);
}

#[test]
fn big_g_shows_the_last_line() {
    let s = Sandbox::new();
    let mut t = open_big(&s, WIDE.0, WIDE.1);
    t.send("G");
    t.wait_for(LAST_LINE);
    t.wait_until("the first line off the text", |s| !first_line_in_text(s));
    // The next key is answered too (nothing is stuck after the jump).
    t.send("g");
    t.wait_until("the first line in the text", first_line_in_text);
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t);
}

/// Opens the big text at 120x40 and goes to 50 %; returns the app, the
/// document's bytes and the top row's text and index there.
fn at_the_middle(s: &Sandbox) -> (Tui, Vec<u8>, usize, String) {
    let big = big_text();
    let doc = std::fs::read(&big.path).expect("read the big text");
    let mut t = open_big(s, WIDE.0, WIDE.1);
    t.send("50%");
    t.wait_until("the first line off the text", |s| !first_line_in_text(s));
    t.wait_until("the status line at about 50 %", |s| {
        status(s).contains("· 49%") || status(s).contains("· 50%")
    });
    let (i, top) = t
        .with_screen(top_row)
        .unwrap_or_else(|| panic!("no text in the reader\n{}", t.framed()));
    (t, doc, i, top)
}

/// Issue 6: a resize re-wraps what is visible and keeps the passage that was
/// on top there.
#[test]
fn big_resize_to_80x24_keeps_the_top_passage() {
    let s = Sandbox::new();
    let (mut t, doc, _, top) = at_the_middle(&s);
    let x = offset_of(&doc, &top);
    t.resize(NARROW.0, NARROW.1);
    t.wait_until("the reader alone at 80 columns", |s| {
        !screen_has_library(s) && top_row(s).is_some()
    });
    let (_, narrow) = t.with_screen(top_row).expect("a top row");
    let y = offset_of(&doc, &narrow);
    assert!(
        y <= x && x < y + narrow.len(),
        "at 80x24 the top row should hold the passage that was on top at 120x40\n\
         was on top: {top:?} (byte {x})\nnow on top: {narrow:?} (byte {y})\n{}",
        t.framed()
    );
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t);
}

/// Issue 6: resizing to 80x24 and back to 120x40 puts the very row that was
/// on top back on top (the anchor is the passage, not the narrow row's
/// start, so a round trip does not drift).
#[test]
fn big_resize_there_and_back_restores_the_top_row() {
    let s = Sandbox::new();
    let (mut t, _doc, i, top) = at_the_middle(&s);
    t.resize(NARROW.0, NARROW.1);
    t.wait_until("the reader alone at 80 columns", |s| {
        !screen_has_library(s) && top_row(s).is_some()
    });
    t.resize(WIDE.0, WIDE.1);
    t.wait_until("the three panes again", |s| {
        screen_has_library(s) && top_row(s).is_some()
    });
    let back = t.with_screen(top_row).expect("a top row");
    assert_eq!(
        back,
        (i, top),
        "after 120x40 -> 80x24 -> 120x40 the same row should be on top\n{}",
        t.framed()
    );
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t);
}

fn screen_has_library(s: &Screen) -> bool {
    common::screen_text(s).contains("Library (")
}

#[test]
fn big_search_finds_the_far_hit() {
    let s = Sandbox::new();
    let mut t = open_big(&s, WIDE.0, WIDE.1);
    t.send("/");
    t.wait_until("the search prompt", |s| status(s).contains("Search:"));
    t.send(FAR_WORD);
    t.wait_until("the far hit counted in the prompt", |s| {
        status(s).contains("match 1 of 1")
    });
    t.send(key::ENTER);
    t.wait_until("the far word in the reader", |s| {
        reader_pane(s).contains(FAR_WORD)
    });
    t.wait_until("“match 1 of 1” in the status line", |s| {
        let st = status(s);
        st.contains("match 1 of 1") && !st.contains("Search:")
    });
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t);
}

/// Issue 12: a big text reopened at a position far past its first
/// megabytes opens from a window of the text around that position (the
/// log says a part was opened, and the first screen shows the saved
/// passage, never the beginning); once the whole is in, the passage is
/// still on screen and the top of the document is the first line again.
#[test]
fn big_reopened_far_in_shows_its_place_first_from_a_window() {
    let s = Sandbox::new();
    let (mut t, _doc, _, _) = at_the_middle(&s);
    // Rows long enough to be unique in the text (random filler).
    let shown: Vec<String> = t
        .with_screen(text_rows)
        .into_iter()
        .filter(|r| r.len() > 30)
        .collect();
    assert!(!shown.is_empty(), "text at 50 %\n{}", t.framed());
    t.quit();
    t.assert_terminal_restored();
    let _ = std::fs::remove_file(s.data.join("marginote.log"));
    let same_place = |s: &Screen| text_rows(s).iter().any(|r| shown.contains(r));

    let big = big_text();
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&big.path]);
    t.wait_until("the saved passage", same_place);
    assert!(
        memchr::memmem::find(&t.raw(), FIRST_LINE.as_bytes()).is_none(),
        "the first screen should be the saved place, not the beginning\n{}",
        t.framed()
    );
    // Motion acts on the window; the whole then keeps the view.
    t.send("j");
    // The whole in: the status line no longer says it is loading (it
    // names the invalid bytes the whole has).
    t.wait_until("the whole text in", |s| !status(s).contains("loading…"));
    assert!(
        t.with_screen(same_place),
        "the saved passage should still be on screen once the whole is in\n{}",
        t.framed()
    );
    t.send("g");
    t.wait_until("the first line in the text", first_line_in_text);
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t);
    let log = std::fs::read_to_string(s.data.join("marginote.log")).unwrap_or_default();
    assert!(
        log.lines()
            .any(|l| l.contains("opened") && l.contains("partial=true")),
        "the reopened text should open from a part first:\n{log}"
    );
}
