//! End-to-end tests of the study layer (issue 4): notes, highlights,
//! bookmarks, the Notes pane, re-anchoring after the essay changed on disk,
//! two instances on one data dir, `kill -9` right after a save, the study
//! sheet (`E` and `marginote export`) and OSC 52 copy.
//!
//! The real binary runs in a pseudo-terminal (the harness in
//! `tests/common`), each test in its own sandbox. Waits poll the screen
//! with a deadline, never a fixed sleep. Names carry the RELIABILITY.md ids
//! they check (N2, N4/N5, N9, A1–A3, T1, T5).
//!
//! Screen geometry at 120×40: library 0..30, reader 30..90, notes 90..120.
//! In the reader pane (as cut by [`region`]) column 0 is the border, column
//! 1 the mark gutter (`✎` note, `◆` bookmark, `▌` highlight), column 2 the
//! cursor bar `▌`, text from column 3.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use common::{
    Sandbox, Tui, escape_bytes, essay, essay_tokens, has_cursor, key, parse_toml, region, status,
};
use vt100::Screen;

/// 120×40: the three-pane layout (≥ 100 columns).
const WIDE: (u16, u16) = (120, 40);
const READER_COLS: (u16, u16) = (30, 60);
const NOTES_COLS: (u16, u16) = (90, 30);

// ---------------------------------------------------------------------------
// Screen helpers (free functions: usable inside `wait_until`)
// ---------------------------------------------------------------------------

fn reader_pane(s: &Screen) -> String {
    region(s, READER_COLS.0, READER_COLS.1)
}

fn reader_rows(s: &Screen) -> Vec<String> {
    reader_pane(s).lines().map(str::to_string).collect()
}

/// The mark gutter of a reader row (`✎`, `◆`, `▌` or blank).
fn mark(row: &str) -> char {
    row.chars().nth(1).unwrap_or(' ')
}

/// The text of the reader row holding the cursor bar.
fn cursor_row(s: &Screen) -> Option<String> {
    reader_rows(s).into_iter().find(|r| has_cursor(r))
}

/// Reader rows whose mark gutter shows `m`.
fn rows_marked(s: &Screen, m: char) -> Vec<String> {
    reader_rows(s)
        .into_iter()
        .filter(|r| mark(r) == m)
        .collect()
}

/// Tokens shown on reader rows marked `m`.
fn tokens_marked(s: &Screen, m: char, tag: char) -> Vec<String> {
    rows_marked(s, m)
        .iter()
        .flat_map(|r| essay_tokens(r, tag))
        .collect()
}

// ---------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------

/// Moves the reading cursor down, one row at a time, until its row shows
/// `word`.
#[track_caller]
fn move_cursor_to(t: &mut Tui, word: &str) {
    common::move_cursor_to(t, word, cursor_row);
}

/// Scrolls down (row by row) until the reader shows `word`.
#[track_caller]
fn show(t: &mut Tui, word: &str) {
    if t.with_screen(reader_pane).contains(word) {
        return;
    }
    move_cursor_to(t, word);
}

/// With the editor open, types `text` and saves with enter; waits until
/// the editor is gone and the status says the note was saved.
#[track_caller]
fn type_note_and_save(t: &mut Tui, text: &str) {
    t.wait_for("Note on “");
    t.send(text);
    let first_line = text.lines().next().unwrap_or_default();
    t.wait_for(first_line);
    t.send(key::ENTER);
    t.wait_gone("Note on “");
    t.wait_until("“note saved” in the status line", |s| {
        status(s).contains("note saved")
    });
}

/// Selects the cursor row and the next one, returning the essay tokens of
/// the two rows selected. The cursor must be on a paragraph's first row.
/// Since issue 11 `v` selects the sentence at the cursor (an essay
/// paragraph has no full stop: all of it), and `k` moves the selection's
/// end up a row at a time, to the end of the words on that row.
#[track_caller]
fn select_two_rows(t: &mut Tui, tag: char) -> Vec<String> {
    let first = t
        .with_screen(cursor_row)
        .unwrap_or_else(|| panic!("no cursor row\n{}", t.framed()));
    let rows = t.with_screen(reader_rows);
    let i = rows
        .iter()
        .position(|r| *r == first)
        .expect("the cursor row is shown");
    let second = rows.get(i + 1).cloned().expect("a row below the cursor");
    t.send("v");
    t.wait_until("the selection hint in the status line", |s| {
        status(s).contains("selecting:")
    });
    let on_second = |s: &Screen| {
        cursor_row(s).is_some_and(|r| essay_tokens(&r, tag) == essay_tokens(&second, tag))
    };
    for _ in 0..20 {
        if t.with_screen(on_second) {
            break;
        }
        let now = t.with_screen(cursor_row);
        t.send("k");
        t.wait_until("the selection's end a row up", |s| cursor_row(s) != now);
    }
    assert!(
        t.with_screen(on_second),
        "the selection should end on the second row\n{}",
        t.framed()
    );
    let mut tokens = essay_tokens(&first, tag);
    tokens.extend(essay_tokens(&second, tag));
    assert!(
        tokens.len() >= 4,
        "the two selected rows should hold essay words: {first:?} / {second:?}"
    );
    tokens
}

/// Waits until the reader's border names `title` (the status line may hold
/// a message instead of the title).
#[track_caller]
fn wait_open(t: &Tui, title: &str) {
    let want = format!("┬ {title} ─");
    t.wait_until(&format!("{title} open"), |s| {
        reader_rows(s).first().is_some_and(|r| r.contains(&want))
    });
}

/// Opens the library entry `n` rows below the top.
fn open_library_entry(t: &mut Tui, n: usize) {
    t.send(key::SHIFT_TAB);
    t.send("g");
    for _ in 0..n {
        t.send("j");
    }
    t.send(key::ENTER);
}

#[cfg(unix)]
fn kill9(t: &mut Tui) {
    let pid = t.pid();
    let st = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(st.success(), "kill -KILL {pid} failed");
    let status = t.wait_exit();
    assert!(!status.success(), "a SIGKILLed app reported success");
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/// Waits until the one notes file holds what `ok` wants (notes saves run
/// off the loop: a screen change can come before its save lands); fails
/// after the deadline with the file as last read.
#[track_caller]
fn wait_for_notes_file(
    s: &Sandbox,
    what: &str,
    ok: impl Fn(&toml::Table) -> bool,
) -> (PathBuf, toml::Table) {
    common::wait_for_file(what, || {
        let files = s.notes_files();
        let [path] = files.as_slice() else {
            return Err(format!("expected one notes file, found {files:?}"));
        };
        // Saves are atomic renames: a file read is old or new, whole.
        let text = std::fs::read_to_string(path).map_err(|e| format!("read: {e}"))?;
        let t = text
            .parse::<toml::Table>()
            .map_err(|e| format!("not TOML ({e}): {text}"))?;
        if ok(&t) {
            Ok((path.clone(), t))
        } else {
            Err(format!("{t:?}"))
        }
    })
}

/// The one notes file in the data dir, parsed.
#[track_caller]
fn the_notes_file(s: &Sandbox) -> (PathBuf, toml::Table) {
    let files = s.notes_files();
    assert_eq!(files.len(), 1, "expected one notes file, found {files:?}");
    let t = parse_toml(&files[0]);
    (files[0].clone(), t)
}

fn entries(t: &toml::Table, kind: &str) -> Vec<toml::Table> {
    t.get(kind)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
        .unwrap_or_default()
}

fn str_of<'a>(t: &'a toml::Table, k: &str) -> &'a str {
    t.get(k).and_then(|v| v.as_str()).unwrap_or_default()
}

fn anchor_of(n: &toml::Table) -> toml::Table {
    n.get("anchor")
        .and_then(|a| a.as_table())
        .cloned()
        .unwrap_or_else(|| panic!("entry without an anchor: {n:?}"))
}

fn note_texts(t: &toml::Table) -> Vec<String> {
    entries(t, "notes")
        .iter()
        .map(|n| str_of(n, "text").to_string())
        .collect()
}

fn tags_of(n: &toml::Table) -> Vec<String> {
    n.get("tags")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// RFC 3339 with an offset: `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && (s.ends_with('Z') || {
            let tail = &b[b.len() - 6..];
            (tail[0] == b'+' || tail[0] == b'-') && tail[3] == b':'
        })
}

/// The marginote binary outside the pty, hermetic like [`Sandbox::spawn`]
/// but without `MARGINOTE_DATA_DIR`, so `--data-dir` is what is tested.
fn cli(s: &Sandbox, args: &[&std::ffi::OsStr]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_marginote"));
    cmd.env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        )
        .env("LANG", "C.UTF-8")
        .env("HOME", &s.home)
        .env("XDG_CONFIG_HOME", &s.config)
        .env("XDG_DATA_HOME", s.home.join(".local/share"))
        .env("XDG_STATE_HOME", s.home.join(".local/state"))
        .env("XDG_CACHE_HOME", s.home.join(".cache"))
        .current_dir(s.path())
        .args(args);
    let out = cmd.output().expect("run marginote");
    assert!(
        out.status.success(),
        "marginote {args:?} failed: {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

// ---------------------------------------------------------------------------
// T1 oracle, allowing at most the one OSC 52 the app itself emits on `y`
// ---------------------------------------------------------------------------

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        if c == b'=' {
            break;
        }
        let v = ALPHA.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Asserts RELIABILITY T1 on everything the app wrote. With `copied`, the
/// output must hold exactly one OSC 52 clipboard write (ESC ] 52 ; c ;
/// base64 BEL) whose text is `copied`; it is the only foreign sequence
/// allowed.
#[track_caller]
fn assert_t1_clean(t: &Tui, copied: Option<&str>) {
    let mut raw = t.raw();
    let ev = t.events();
    if let Some(text) = copied {
        assert_eq!(
            ev.clipboard_writes.len(),
            1,
            "exactly one clipboard write expected: {:?}",
            ev.clipboard_writes
        );
        let (ty, data) = ev.clipboard_writes[0].split_once(';').expect("type;data");
        assert_eq!(ty, "c", "OSC 52 should target the clipboard");
        let decoded = base64_decode(data).expect("valid base64");
        assert_eq!(
            String::from_utf8_lossy(&decoded),
            text,
            "the clipboard got other text than the selection"
        );
        let seq = format!("\x1b]52;c;{data}\x1b\\").into_bytes();
        let at = raw
            .windows(seq.len())
            .position(|w| w == seq.as_slice())
            .expect("the OSC 52 sequence, ST-terminated (crossterm's form), in the output");
        raw.drain(at..at + seq.len());
        assert!(
            !raw.windows(seq.len()).any(|w| w == seq.as_slice()),
            "the OSC 52 was written twice"
        );
    }
    common::assert_t1_bytes(&raw, &ev, copied.is_some());
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

fn aster_and_birch(s: &Sandbox) -> (PathBuf, PathBuf) {
    (
        s.write_doc("aster.md", essay('a', "The Aster Essay", 24, 40)),
        s.write_doc("birch.md", essay('b', "The Birch Essay", 24, 40)),
    )
}

/// The sentence a note is taken on in the re-anchoring test: distinctive
/// words, so no other passage is within the fuzzy budget.
const SENTENCE: &str = "Photosynthesis turns sunlight into sugar inside the chloroplast.";
const PASSAGE_PARA: &str = "Photosynthesis turns sunlight into sugar inside the chloroplast. The stomata open at dawn and close at dusk.";
const INSERTED_PARA: &str = "A paragraph the teacher added later, about tides, moons and harbours.";
const TYPO_PARA: &str = "Roots draw water from teh soil and carry it upward through the xylem.";
const FIXED_PARA: &str = "Roots draw water from the soil and carry it upward through the xylem.";

/// "The Cedar Essay": essay paragraphs around one distinctive paragraph.
fn cedar(with_passage: bool, inserted: bool, typo_fixed: bool, crlf: bool) -> String {
    let filler = |p: usize| -> String {
        (1..=40)
            .map(|w| format!("c{p:02}w{w:02}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut paras = vec!["# The Cedar Essay".to_string(), filler(1), filler(2)];
    if inserted {
        paras.push(INSERTED_PARA.to_string());
    }
    if with_passage {
        paras.push(PASSAGE_PARA.to_string());
    }
    paras.push(filler(3));
    paras.push(if typo_fixed { FIXED_PARA } else { TYPO_PARA }.to_string());
    for p in 4..=9 {
        paras.push(filler(p));
    }
    let text = paras.join("\n\n") + "\n";
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

// ---------------------------------------------------------------------------
// (a) select, annotate, quit, reopen
// ---------------------------------------------------------------------------

/// `v j a`, a note with a #tag, enter: ✎ on exactly the selected rows and
/// the note in the Notes pane; on disk (before the editor is seen closing)
/// with its text, tags, time and the quote; after a restart the note is
/// listed and the same rows are marked.
#[test]
fn select_annotate_quit_reopen_note_is_on_its_rows() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a03w01");
    let selected = select_two_rows(&mut t, 'a');
    t.send("a");
    t.wait_for("Note on “a03w01");
    type_note_and_save(&mut t, "cell walls #bio");
    t.wait_for("Notes · this document (1)");
    t.wait_until("the note in the Notes pane", |s| {
        notes_pane(s).contains("✎ cell walls #bio")
    });
    t.wait_until("✎ on exactly the selected rows", |s| {
        tokens_marked(s, '✎', 'a') == selected
    });

    // On disk already: "note saved" is said once the save is written.
    let (_, file) = the_notes_file(&s);
    let notes = entries(&file, "notes");
    assert_eq!(notes.len(), 1, "one note on disk: {file:?}");
    let n = &notes[0];
    assert_eq!(str_of(n, "text"), "cell walls #bio");
    assert_eq!(tags_of(n), vec!["bio".to_string()], "tags from the #tag");
    assert!(!str_of(n, "id").is_empty(), "a note id");
    assert!(
        is_rfc3339(str_of(n, "created")),
        "created should be RFC 3339 with an offset: {:?}",
        str_of(n, "created")
    );
    let anchor = anchor_of(n);
    assert_eq!(
        str_of(&anchor, "exact"),
        selected.join(" "),
        "the note should quote the two selected rows"
    );
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t, None);

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    t.wait_for("Notes · this document (1)");
    t.wait_until("the note listed after a restart", |s| {
        notes_pane(s).contains("✎ cell walls #bio")
    });
    show(&mut t, "a03w01");
    t.wait_until("✎ on the same rows after a restart", |s| {
        tokens_marked(s, '✎', 'a') == selected
    });
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t, None);
}

// ---------------------------------------------------------------------------
// (b) the essay changes on disk
// ---------------------------------------------------------------------------

/// A ✎-marked row must show words of the quote, and the rows showing its
/// first and last words must be marked.
fn marks_on_sentence(s: &Screen) -> bool {
    let rows = reader_rows(s);
    let words = [
        "Photosynthesis",
        "turns",
        "sunlight",
        "sugar",
        "inside",
        "chloroplast.",
    ];
    let marked: Vec<&String> = rows.iter().filter(|r| mark(r) == '✎').collect();
    !marked.is_empty()
        && marked.iter().all(|r| words.iter().any(|w| r.contains(w)))
        && rows
            .iter()
            .filter(|r| r.contains("Photosynthesis") || r.contains("chloroplast."))
            .all(|r| mark(r) == '✎')
}

/// Writes "The Cedar Essay", takes a note on [`SENTENCE`] with `a` (no
/// selection: the sentence at the cursor), quits. Returns the document and
/// its notes file.
fn note_on_cedar(s: &Sandbox) -> (PathBuf, PathBuf) {
    let doc = s.write_doc("cedar.md", cedar(true, false, false, false));
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Cedar Essay");
    move_cursor_to(&mut t, "Photosynthesis");
    t.send("a");
    t.wait_for("Note on “Photosynthesis");
    type_note_and_save(&mut t, "light reactions #exam");
    t.wait_until("✎ on the sentence", marks_on_sentence);
    t.quit();
    t.assert_terminal_restored();
    let (path, file) = the_notes_file(s);
    let a0 = anchor_of(&entries(&file, "notes")[0]);
    assert_eq!(
        str_of(&a0, "exact"),
        SENTENCE,
        "`a` without a selection notes the sentence at the cursor"
    );
    assert_eq!(
        a0.get("offset").and_then(|o| o.as_integer()),
        cedar(true, false, false, false)
            .find(SENTENCE)
            .map(|o| o as i64),
        "the offset of the sentence"
    );
    (doc, path)
}

/// A1/A3: a note stays on its words after a paragraph is inserted before
/// it, the line endings change to CRLF and a typo is fixed elsewhere; the
/// saved offset follows it.
#[test]
fn a1_a3_note_follows_the_essay_edited_on_disk() {
    let s = Sandbox::new();
    let (doc, path) = note_on_cedar(&s);
    // A paragraph before, CRLF everywhere, a typo fixed after.
    let edited = cedar(true, true, true, true);
    fs::write(&doc, &edited).expect("edit the essay");
    let new_offset = edited.find(SENTENCE).expect("sentence in the edited text");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Cedar Essay");
    t.wait_for("Notes · this document (1)");
    t.wait_until("the note listed, found", |s| {
        let n = notes_pane(s);
        n.contains("✎ light reactions #exam")
            && !n.contains("could not place")
            && !n.contains("text changed")
            && !n.contains('⚠')
    });
    show(&mut t, "Photosynthesis");
    t.wait_until("✎ on the sentence in the edited text", marks_on_sentence);
    assert!(
        t.with_screen(|s| rows_marked(s, '✎'))
            .iter()
            .all(|r| !r.contains("teacher") && !r.contains("tides")),
        "the inserted paragraph is marked\n{}",
        t.framed()
    );
    t.quit();
    t.assert_terminal_restored();
    let file = parse_toml(&path);
    let notes = entries(&file, "notes");
    assert_eq!(notes.len(), 1, "{file:?}");
    let a1 = anchor_of(&notes[0]);
    assert_eq!(str_of(&a1, "exact"), SENTENCE, "the quote is unchanged");
    assert_eq!(
        a1.get("offset").and_then(|o| o.as_integer()),
        Some(new_offset as i64),
        "A1: the saved offset should follow the sentence to its new place"
    );
    assert_ne!(
        a1.get("changed").and_then(|c| c.as_bool()),
        Some(true),
        "an exact re-find must not be flagged changed"
    );
    assert_eq!(str_of(&notes[0], "text"), "light reactions #exam");
    assert_t1_clean(&t, None);
}

/// The passage deleted on disk: the note is listed as "could not place"
/// (with ⚠), and kept through a later save of that document's notes and
/// the next start (A1, N9).
#[test]
fn a1_n9_note_whose_passage_was_deleted_is_listed_and_kept() {
    let s = Sandbox::new();
    let (doc, path) = note_on_cedar(&s);
    fs::write(&doc, cedar(false, true, true, true)).expect("delete the passage");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Cedar Essay");
    t.wait_for("Notes · this document (1)");
    t.wait_until("the note listed as “could not place” with ⚠", |s| {
        let n = notes_pane(s);
        n.contains("⚠ light reactions #exam") && n.contains("could not place")
    });
    // Force a save of this document's notes while the orphan is held.
    t.send("m");
    t.wait_for("Bookmark label:");
    t.send("after the deletion");
    t.send(key::ENTER);
    t.wait_for("Notes · this document (2)");
    t.quit();
    t.assert_terminal_restored();
    let file = parse_toml(&path);
    let notes = entries(&file, "notes");
    assert_eq!(
        note_texts(&file),
        vec!["light reactions #exam".to_string()],
        "N9: the orphan note must survive a save\n{file:?}"
    );
    assert_eq!(
        str_of(&anchor_of(&notes[0]), "exact"),
        SENTENCE,
        "N9: the orphan keeps its quote"
    );
    assert_eq!(entries(&file, "bookmarks").len(), 1, "{file:?}");
    assert_t1_clean(&t, None);

    // Still listed on the next start.
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Cedar Essay");
    t.wait_until("the orphan still listed", |s| {
        let n = notes_pane(s);
        n.contains("⚠ light reactions") && n.contains("could not place")
    });
    t.quit();
    t.assert_terminal_restored();
}

/// A1: a one-letter edit inside the noted sentence: found approximately,
/// listed as "text changed", still marked, and flagged `changed` on disk
/// with the words now there.
#[test]
fn a1_small_edit_inside_the_passage_is_found_and_flagged_text_changed() {
    let s = Sandbox::new();
    let (doc, path) = note_on_cedar(&s);
    let edited =
        cedar(true, false, false, false).replace("into sugar inside", "into sugars inside");
    fs::write(&doc, &edited).expect("edit the sentence");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Cedar Essay");
    t.wait_until("the note listed as “text changed”", |s| {
        let n = notes_pane(s);
        n.contains("✎ light reactions #exam")
            && n.contains("text changed")
            && !n.contains("could not place")
    });
    show(&mut t, "Photosynthesis");
    t.wait_until("✎ on the edited sentence", marks_on_sentence);
    t.quit();
    t.assert_terminal_restored();
    let file = parse_toml(&path);
    let notes = entries(&file, "notes");
    assert_eq!(notes.len(), 1, "{file:?}");
    let a = anchor_of(&notes[0]);
    assert_eq!(
        a.get("changed").and_then(|c| c.as_bool()),
        Some(true),
        "an approximate re-find is flagged changed on disk: {a:?}"
    );
    // Issue 11: the quote the note was written on is kept; the words now
    // there are kept beside it, and the status says "changed".
    assert_eq!(
        str_of(&a, "exact"),
        SENTENCE,
        "the quote as written is kept"
    );
    assert_eq!(
        str_of(&a, "current"),
        SENTENCE.replace("sugar", "sugars"),
        "the words now there, beside the quote"
    );
    assert_eq!(str_of(&a, "status"), "changed");
    assert_eq!(
        a.get("offset").and_then(|o| o.as_integer()),
        edited.find("Photosynthesis").map(|o| o as i64)
    );
    assert_t1_clean(&t, None);
}

/// T1 and the study sheet: a passage holding an OSC title set, a BEL and a
/// C1 control is noted; the Notes pane, the editor title and the sheet
/// show placeholders, and nothing raw reaches the terminal or the file.
#[test]
fn t1_note_on_a_hostile_passage_stays_inert_on_screen_and_in_the_sheet() {
    let s = Sandbox::new();
    let body = format!(
        "# Hostile Notes\n\n{}\n\nEvil \x1b]0;PWNED\x07 title and \u{9b}31m colour here.\n\n{}\n",
        (1..=40)
            .map(|w| format!("h01w{w:02}"))
            .collect::<Vec<_>>()
            .join(" "),
        (1..=40)
            .map(|w| format!("h03w{w:02}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    s.write_doc("hostile.md", body);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "Hostile Notes");
    move_cursor_to(&mut t, "Evil");
    t.send("a");
    t.wait_for("Note on “Evil ␛]0;PWNED␇");
    type_note_and_save(&mut t, "inert #safe");
    t.wait_until("the note listed", |s| {
        notes_pane(s).contains("✎ inert #safe")
    });
    t.send("E");
    t.wait_until("“study sheet written to …”", |s| {
        status(s).contains("study sheet written to")
    });
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t, None);
    let sheets: Vec<PathBuf> = fs::read_dir(s.data.join("exports"))
        .expect("exports dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(sheets.len(), 1, "{sheets:?}");
    let text = fs::read_to_string(&sheets[0]).expect("read sheet");
    assert!(text.contains("inert #safe"), "{text}");
    assert!(text.contains("PWNED"), "the quote is in the sheet:\n{text}");
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
        })
        .collect();
    assert!(
        bad.is_empty(),
        "control characters reached the study sheet: {bad:?}\n{}",
        escape_bytes(text.as_bytes())
    );
}

/// RELIABILITY §5, "never a silent wrong passage": a note that could not be
/// placed must not mark whatever text now sits at its old offset.
#[test]
fn a1_orphan_note_marks_no_passage() {
    let s = Sandbox::new();
    let (doc, _) = note_on_cedar(&s);
    fs::write(&doc, cedar(false, true, true, true)).expect("delete the passage");
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Cedar Essay");
    t.wait_until("the note listed as “could not place”", |s| {
        notes_pane(s).contains("could not place")
    });
    // Look at the whole essay, a page at a time.
    for _ in 0..6 {
        let marked = t.with_screen(|s| rows_marked(s, '✎'));
        assert!(
            marked.is_empty(),
            "an orphan note marks text it is not about: {marked:?}\n{}",
            t.framed()
        );
        let before = t.with_screen(reader_pane);
        t.send(" ");
        t.wait_until("the next page (or the end)", |s| {
            reader_pane(s) != before || status(s).contains("100%")
        });
    }
    t.quit();
}

/// Moving a document inside the library re-attaches its notes by
/// fingerprint (the old path no longer exists).
#[test]
fn renamed_document_keeps_its_notes() {
    let s = Sandbox::new();
    let (aster, _) = aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a02w01");
    let selected = select_two_rows(&mut t, 'a');
    t.send("a");
    type_note_and_save(&mut t, "before the move");
    t.quit();
    fs::create_dir_all(s.docs.join("sub")).expect("mkdir");
    fs::rename(&aster, s.docs.join("sub/renamed-aster.md")).expect("rename");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_for("Library (2)");
    // Open whichever entry is the Aster essay now.
    let opened = |s: &Screen, title: &str| {
        reader_rows(s)
            .first()
            .is_some_and(|r| r.contains(&format!("┬ {title} ─")))
    };
    for n in 0..2 {
        if t.with_screen(|s| opened(s, "The Aster Essay")) {
            break;
        }
        open_library_entry(&mut t, n);
        t.wait_until("a document open", |s| {
            opened(s, "The Aster Essay") || opened(s, "The Birch Essay")
        });
    }
    wait_open(&t, "The Aster Essay");
    t.wait_until("the note re-attached after the rename", |s| {
        let n = notes_pane(s);
        n.contains("Notes · this document (1)") && n.contains("✎ before the move")
    });
    show(&mut t, "a02w01");
    t.wait_until("✎ on the same rows after the rename", |s| {
        tokens_marked(s, '✎', 'a') == selected
    });
    t.quit();
    t.assert_terminal_restored();
}

// ---------------------------------------------------------------------------
// (c) highlight, bookmark, and the Notes pane: filter, edit, delete, undo
// ---------------------------------------------------------------------------

#[test]
fn notes_pane_filter_edit_delete_undo() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");

    // Highlight two rows.
    move_cursor_to(&mut t, "a02w01");
    let highlighted = select_two_rows(&mut t, 'a');
    t.send("h");
    t.wait_until("“highlighted”", |s| status(s).contains("highlighted"));
    t.wait_until(
        "▌ in the mark gutter on exactly the highlighted rows",
        |s| tokens_marked(s, '▌', 'a') == highlighted,
    );
    // Bookmark.
    move_cursor_to(&mut t, "a03w09");
    t.send("m");
    t.wait_for("Bookmark label:");
    t.send("review later");
    t.send(key::ENTER);
    t.wait_gone("Bookmark label:");
    t.wait_until("◆ on the bookmarked row", |s| {
        tokens_marked(s, '◆', 'a').first().map(String::as_str) == Some("a03w09")
    });
    // Two notes, one tagged.
    move_cursor_to(&mut t, "a04w01");
    t.send("a");
    type_note_and_save(&mut t, "mitochondria #cell");
    move_cursor_to(&mut t, "a05w01");
    t.send("a");
    type_note_and_save(&mut t, "unrelated thought");
    t.wait_for("Notes · this document (4)");
    t.wait_until("all four in the Notes pane", |s| {
        let n = notes_pane(s);
        n.contains("✎ mitochondria #cell")
            && n.contains("✎ unrelated thought")
            && n.contains("◆ review later")
            && n.contains("▌ “a02w")
    });
    let (path, file) = the_notes_file(&s);
    assert_eq!(entries(&file, "highlights").len(), 1, "{file:?}");
    assert_eq!(
        str_of(&anchor_of(&entries(&file, "highlights")[0]), "exact"),
        highlighted.join(" "),
        "the highlight quotes the selected rows"
    );
    assert_eq!(entries(&file, "bookmarks").len(), 1, "{file:?}");

    // Filter by tag.
    t.send(key::TAB);
    t.wait_until("the Notes pane focused", |s| {
        status(s).contains("enter jump")
    });
    t.send("/");
    t.wait_for("Filter notes (text or #tag)");
    t.send("#cell");
    t.send(key::ENTER);
    t.wait_until("only the tagged note listed", |s| {
        let n = notes_pane(s);
        n.contains("✎ mitochondria #cell")
            && !n.contains("unrelated")
            && !n.contains("review later")
            && !n.contains("“a02w")
    });

    // Edit it.
    t.send("e");
    t.wait_for("Note on “");
    t.wait_until("the note's text in the editor", |s| {
        reader_pane(s).contains("mitochondria #cell")
    });
    t.send(" makes ATP");
    t.wait_for("mitochondria #cell makes ATP");
    t.send(key::ENTER);
    t.wait_gone("Note on “");
    t.wait_until("“note updated”", |s| status(s).contains("note updated"));
    let texts = note_texts(&parse_toml(&path));
    assert!(
        texts.contains(&"mitochondria #cell makes ATP".to_string())
            && !texts.contains(&"mitochondria #cell".to_string()),
        "the edit should be on disk: {texts:?}"
    );
    let edited = entries(&parse_toml(&path), "notes")
        .into_iter()
        .find(|n| str_of(n, "text") == "mitochondria #cell makes ATP")
        .expect("edited note");
    assert_eq!(tags_of(&edited), vec!["cell".to_string()]);
    assert!(is_rfc3339(str_of(&edited, "updated")), "updated stamp");

    // Delete, then undo (the focus stays in the Notes pane after `e`).
    t.wait_until("the edited note in the pane", |s| {
        notes_pane(s).contains("mitochondria #cell makes")
    });
    t.send("d");
    t.wait_until("“deleted … — press u to undo”", |s| {
        let st = status(s);
        st.contains("deleted") && st.contains("press u to undo")
    });
    t.wait_until("the note gone from the pane", |s| {
        !notes_pane(s).contains("mitochondria")
    });
    // The status line says "deleted", not "saved": the delete's save may
    // still be on its way.
    let (_, file) = wait_for_notes_file(&s, "the delete on disk", |f| {
        !note_texts(f).iter().any(|x| x.contains("mitochondria"))
    });
    let texts = note_texts(&file);
    assert!(
        !texts.iter().any(|x| x.contains("mitochondria")),
        "the deleted note is still on disk: {texts:?}"
    );
    t.send("u");
    t.wait_until("the note back in the pane", |s| {
        notes_pane(s).contains("mitochondria #cell makes")
    });
    let (_, file) = wait_for_notes_file(&s, "the undone delete on disk", |f| {
        note_texts(f).contains(&"mitochondria #cell makes ATP".to_string())
    });
    let texts = note_texts(&file);
    assert!(
        texts.contains(&"mitochondria #cell makes ATP".to_string()),
        "the restored note is not on disk: {texts:?}"
    );

    // Clear the filter: everything back.
    t.send("/");
    t.wait_for("Filter notes (text or #tag)");
    for _ in 0.."#cell".len() {
        t.send(key::BACKSPACE);
    }
    t.send(key::ENTER);
    t.wait_for("Notes · this document (4)");
    t.quit();
    t.assert_terminal_restored();
    let file = parse_toml(&path);
    assert_eq!(entries(&file, "notes").len(), 2, "{file:?}");
    assert_eq!(entries(&file, "highlights").len(), 1, "{file:?}");
    assert_eq!(entries(&file, "bookmarks").len(), 1, "{file:?}");
    assert_t1_clean(&t, None);
}

/// `e` on a highlight writes a note on its passage.
#[test]
fn edit_on_a_highlight_writes_a_note_on_its_passage() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a02w01");
    let highlighted = select_two_rows(&mut t, 'a');
    t.send("h");
    t.wait_until("the highlight listed", |s| {
        notes_pane(s).contains("▌ “a02w")
    });
    t.send(key::TAB);
    t.wait_until("the Notes pane focused", |s| {
        status(s).contains("enter jump")
    });
    t.send("e");
    t.wait_for("Note on “a02w01");
    type_note_and_save(&mut t, "why highlighted");
    let (_, file) = the_notes_file(&s);
    let notes = entries(&file, "notes");
    assert_eq!(notes.len(), 1, "{file:?}");
    assert_eq!(
        str_of(&anchor_of(&notes[0]), "exact"),
        highlighted.join(" "),
        "the note should be on the highlight's passage"
    );
    t.quit();
    t.assert_terminal_restored();
}

// ---------------------------------------------------------------------------
// (d) two instances (N4/N5)
// ---------------------------------------------------------------------------

fn two_instances(quit_a_first: bool) {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut a = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    let mut b = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&a, "The Aster Essay");
    wait_open(&b, "The Aster Essay");

    move_cursor_to(&mut a, "a02w01");
    a.send("a");
    type_note_and_save(&mut a, "from terminal A");
    move_cursor_to(&mut b, "a05w01");
    b.send("a");
    type_note_and_save(&mut b, "from terminal B");
    // A again, with a copy that has not seen B's note.
    move_cursor_to(&mut a, "a07w01");
    a.send("a");
    type_note_and_save(&mut a, "A after B");
    let (path, _) = the_notes_file(&s);

    if quit_a_first {
        a.quit();
        b.quit();
    } else {
        b.quit();
        a.quit();
    }
    a.assert_terminal_restored();
    b.assert_terminal_restored();
    let mut texts = note_texts(&parse_toml(&path));
    texts.sort();
    assert_eq!(
        texts,
        vec![
            "A after B".to_string(),
            "from terminal A".to_string(),
            "from terminal B".to_string()
        ],
        "N4/N5: every note made in either instance, once"
    );
    assert_eq!(s.notes_files().len(), 1, "one notes file");

    // A third start lists all three.
    let mut c = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&c, "The Aster Essay");
    c.wait_for("Notes · this document (3)");
    c.quit();
}

#[test]
fn n4_n5_two_instances_same_document_quit_a_then_b() {
    two_instances(true);
}

#[test]
fn n4_n5_two_instances_same_document_quit_b_then_a() {
    two_instances(false);
}

// ---------------------------------------------------------------------------
// (e) all documents, jump across documents, study sheet
// ---------------------------------------------------------------------------

#[test]
fn all_documents_scope_jumps_to_another_document_and_exports() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    // A note in Birch, far enough down that the jump has to scroll.
    open_library_entry(&mut t, 1);
    wait_open(&t, "The Birch Essay");
    move_cursor_to(&mut t, "b09w01");
    let selected = select_two_rows(&mut t, 'b');
    t.send("a");
    type_note_and_save(&mut t, "birch passage note");
    // A document note in Birch too.
    t.send("A");
    t.wait_for("Note on “");
    type_note_and_save(&mut t, "question for class");
    t.wait_for("Notes · this document (2)");

    // Back to Aster, at its top.
    open_library_entry(&mut t, 0);
    wait_open(&t, "The Aster Essay");
    t.wait_for("Notes · this document (0)");
    t.send(key::TAB);
    t.wait_until("the Notes pane focused", |s| {
        status(s).contains("enter jump")
    });
    t.send("t");
    t.wait_for("Notes · all documents (2)");
    t.wait_until("Birch's note listed with its document", |s| {
        let n = notes_pane(s);
        n.contains("birch passage note") && n.contains("The Birch Essay")
    });
    // Select the passage note (not the document note) and jump.
    let rows: Vec<String> = t.with_screen(|s| notes_pane(s).lines().map(str::to_string).collect());
    let entry_rows: Vec<&String> = rows
        .iter()
        .filter(|r| r.chars().nth(1).is_some_and(|c| "✎◆▌⚠".contains(c)))
        .collect();
    let index = entry_rows
        .iter()
        .position(|r| r.contains("birch passage note"))
        .unwrap_or_else(|| panic!("no entry row for the note\n{}", t.framed()));
    for _ in 0..index {
        t.send("j");
    }
    t.send(key::ENTER);
    wait_open(&t, "The Birch Essay");
    t.wait_until("the reader at the note's passage, marked", |s| {
        cursor_row(s).is_some_and(|r| r.contains(&selected[0]))
            && tokens_marked(s, '✎', 'b') == selected
    });

    // E (scope: all documents) writes the study sheet.
    t.send("E");
    t.wait_until("“study sheet written to …”", |s| {
        status(s).contains("study sheet written to")
    });
    // Issue 11: named by scope ("all") and date, never overwriting.
    let sheets: Vec<PathBuf> = fs::read_dir(s.data.join("exports"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(sheets.len(), 1, "one study sheet: {sheets:?}");
    let sheet = sheets[0].clone();
    let name = sheet
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        name.starts_with("all-20") && name.ends_with(".md"),
        "{name}"
    );
    let text =
        fs::read_to_string(&sheet).unwrap_or_else(|e| panic!("read {}: {e}", sheet.display()));
    let quote_line = format!("> {}", selected.join(" "));
    assert!(
        text.lines().any(|l| l == quote_line),
        "the quote should be a `>` block quote line {quote_line:?}:\n{text}"
    );
    assert!(text.contains("birch passage note"), "note text:\n{text}");
    assert!(
        text.contains("question for class"),
        "document note:\n{text}"
    );
    assert!(
        !text.contains('\x1b'),
        "escape in the study sheet:\n{}",
        escape_bytes(text.as_bytes())
    );

    // Back to this document, E from the Notes pane: <name>-study-sheet.md.
    t.send(key::TAB);
    t.wait_until("the Notes pane focused", |s| {
        status(s).contains("enter jump")
    });
    t.send("t");
    t.wait_for("Notes · this document (2)");
    t.send("E");
    t.wait_until("“study sheet written to …”", |s| {
        status(s).contains("study sheet written to") && status(s).contains("birch-")
    });
    // Issue 11: named by the document and the date.
    let sheets: Vec<PathBuf> = fs::read_dir(s.data.join("exports"))
        .expect("exports dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("birch-20") && n.ends_with(".md")
        })
        .collect();
    assert_eq!(sheets.len(), 1, "one per-document sheet: {sheets:?}");
    let text = fs::read_to_string(&sheets[0]).expect("read sheet");
    assert!(text.lines().any(|l| l == quote_line), "{text}");
    assert!(text.contains("birch passage note"), "{text}");
    assert!(
        !text.contains("a01w01"),
        "the per-document sheet holds only Birch: {text}"
    );
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t, None);
}

// ---------------------------------------------------------------------------
// (f) marginote export
// ---------------------------------------------------------------------------

#[test]
fn export_command_prints_the_sheet_and_json() {
    let s = Sandbox::new();
    let (aster, _) = aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a03w01");
    let selected = select_two_rows(&mut t, 'a');
    t.send("a");
    type_note_and_save(&mut t, "cell walls #bio");
    t.quit();

    let quote_line = format!("> {}", selected.join(" "));
    let data = s.data.as_os_str();
    let check_md = |out: &str, how: &str| {
        assert!(
            out.lines().any(|l| l == quote_line),
            "{how}: the quote as a block quote {quote_line:?}:\n{out}"
        );
        assert!(out.contains("cell walls #bio"), "{how}: the note:\n{out}");
        assert!(
            out.contains("# Study sheet: "),
            "{how}: the heading:\n{out}"
        );
    };
    let out = cli(&s, &["export".as_ref(), "--data-dir".as_ref(), data]);
    check_md(&String::from_utf8_lossy(&out.stdout), "export --data-dir");
    let out = cli(&s, &["--data-dir".as_ref(), data, "export".as_ref()]);
    check_md(&String::from_utf8_lossy(&out.stdout), "--data-dir export");
    let out = cli(
        &s,
        &[
            "export".as_ref(),
            "--all".as_ref(),
            "--data-dir".as_ref(),
            data,
        ],
    );
    check_md(&String::from_utf8_lossy(&out.stdout), "export --all");
    let out = cli(
        &s,
        &[
            "--data-dir".as_ref(),
            data,
            "export".as_ref(),
            aster.as_os_str(),
        ],
    );
    check_md(&String::from_utf8_lossy(&out.stdout), "export FILE");

    // -o writes the file (and not to stdout).
    let target = s.path().join("sheet.md");
    let out = cli(
        &s,
        &[
            "export".as_ref(),
            "--data-dir".as_ref(),
            data,
            "-o".as_ref(),
            target.as_os_str(),
        ],
    );
    let written = fs::read_to_string(&target).expect("-o wrote the file");
    check_md(&written, "export -o");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("cell walls"),
        "with -o the sheet should not also go to stdout"
    );

    // JSON parses and holds the note.
    let out = cli(
        &s,
        &[
            "export".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--data-dir".as_ref(),
            data,
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "--format json does not parse: {e}\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let text = json.to_string();
    assert!(text.contains("cell walls #bio"), "json: {text}");
    let found = json
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["entries"].as_array().cloned().unwrap_or_default())
        .any(|e| {
            e["kind"] == "note"
                && e["text"] == "cell walls #bio"
                && e["quote"].as_str() == Some(selected.join(" ").as_str())
        });
    assert!(
        found,
        "json: a note entry with its text and quote:\n{json:#}"
    );
}

/// The notes file records the document's title, and `marginote export`
/// heads the sheet with it, as `E` in the app does.
#[test]
fn export_command_titles_the_sheet_with_the_document_title() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a02w01");
    t.send("a");
    type_note_and_save(&mut t, "titled");
    t.quit();
    let (_, file) = the_notes_file(&s);
    let out = cli(
        &s,
        &["export".as_ref(), "--data-dir".as_ref(), s.data.as_os_str()],
    );
    let out = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        (
            str_of(&file, "title"),
            out.lines().next().unwrap_or_default()
        ),
        ("The Aster Essay", "# Study sheet: The Aster Essay"),
        "notes file title and sheet heading"
    );
}

// ---------------------------------------------------------------------------
// (g) kill -9 right after a save (N2)
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn n2_kill_9_right_after_saving_a_note_keeps_it() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let texts = [
        "first before kill",
        "second before kill",
        "third before kill",
    ];
    for (round, text) in texts.iter().enumerate() {
        let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
        wait_open(&t, "The Aster Essay");
        t.wait_for(&format!("Notes · this document ({round})"));
        let word = format!("a{:02}w01", round * 2 + 2);
        move_cursor_to(&mut t, &word);
        t.send("a");
        t.wait_for("Note on “");
        t.send(*text);
        t.wait_for(text);
        t.send(key::ENTER);
        // Kill as soon as the editor is gone, the mark is drawn and the
        // status line says the note is saved. Saves run on the saver
        // thread: before "note saved" the screen says "saving note…", and
        // a kill then may lose the note (the window a save on the loop
        // hid behind a frame not drawn yet).
        t.wait_until("the editor closed, ✎ drawn, “note saved”", |s| {
            !reader_pane(s).contains("Note on “")
                && rows_marked(s, '✎').iter().any(|r| r.contains(&word))
                && status(s).contains("note saved")
        });
        kill9(&mut t);

        let (_, file) = the_notes_file(&s);
        let mut got = note_texts(&file);
        got.sort();
        let mut want: Vec<String> = texts[..=round].iter().map(|x| x.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "N2: after kill -9 in round {round}");
    }
    // The debris of killed runs never shows up as notes; a clean start
    // lists the three.
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    t.wait_for("Notes · this document (3)");
    t.quit();
    t.assert_terminal_restored();
}

// ---------------------------------------------------------------------------
// (h) the editor: esc, newline keys
// ---------------------------------------------------------------------------

#[test]
fn editor_esc_asks_then_discards_and_saves_nothing() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a02w01");

    // Empty editor: esc closes it without asking.
    t.send("a");
    t.wait_for("Note on “");
    t.send(key::ESC);
    t.wait_gone("Note on “");
    assert!(
        !t.with_screen(status).contains("discard what you typed?"),
        "an empty editor should close without asking\n{}",
        t.framed()
    );

    // Text typed: esc asks and keeps the editor open.
    t.send("a");
    t.wait_for("Note on “");
    t.send("draft words");
    t.wait_for("draft words");
    t.send(key::ESC);
    t.wait_until("the discard question", |s| {
        status(s).contains("discard what you typed?")
    });
    assert!(
        t.with_screen(reader_pane).contains("Note on “"),
        "the editor closed on the first esc"
    );
    // Any other key keeps editing.
    t.send("X");
    t.wait_for("draft wordsX");
    // The question is still on the status line from the first esc, so
    // nothing on screen shows this esc was read: wait for the frame drawn
    // after it, or the next esc would arrive with it and be read as
    // alt-esc.
    let frames = t.frames();
    t.send(key::ESC);
    t.wait_frames(frames + 1);
    t.wait_until("the discard question again", |s| {
        status(s).contains("discard what you typed?")
    });
    assert!(
        t.with_screen(reader_pane).contains("draft wordsX"),
        "after another key, esc should ask again, not discard"
    );
    t.send(key::ESC);
    t.wait_gone("Note on “");
    t.wait_for("Notes · this document (0)");
    assert!(
        t.with_screen(|s| rows_marked(s, '✎')).is_empty(),
        "a discarded note marks the text\n{}",
        t.framed()
    );
    t.quit();
    t.assert_terminal_restored();
    for f in s.notes_files() {
        let file = parse_toml(&f);
        assert!(
            note_texts(&file).is_empty(),
            "a discarded note was saved: {file:?}"
        );
    }
    assert_t1_clean(&t, None);
}

/// Writes "line one" ⏎ "line two" ⏎ "line three" with ctrl-j then
/// alt-enter as the new-line keys, saves, and waits for the note listed.
fn write_three_line_note(t: &mut Tui) {
    move_cursor_to(t, "a02w01");
    t.send("a");
    t.wait_for("Note on “");
    t.send("line one");
    t.wait_for("line one");
    t.send("\n"); // ctrl-j
    t.send("line two");
    t.wait_for("line two");
    t.send("\x1b\r"); // alt-enter
    t.send("line three");
    t.wait_for("line three");
    t.send(key::ENTER);
    t.wait_gone("Note on “");
    t.wait_for("Notes · this document (1)");
}

#[test]
fn editor_ctrl_j_and_alt_enter_make_multiline_notes() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    write_three_line_note(&mut t);
    // The pane lists the note as soon as it is made; its save may still be
    // on its way (the status line says "saving note…" until it lands).
    let (_, file) = wait_for_notes_file(&s, "the note on disk", |f| !note_texts(f).is_empty());
    assert_eq!(
        note_texts(&file),
        vec!["line one\nline two\nline three".to_string()],
        "ctrl-j and alt-enter insert new lines"
    );
    t.quit();
    t.assert_terminal_restored();
}

/// The Notes pane titles a note with its first line (the contract: "notes
/// show ✎ + their first line").
#[test]
fn notes_pane_titles_a_multiline_note_with_its_first_line() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    write_three_line_note(&mut t);
    t.wait_until("only the first line as the entry's title", |s| {
        notes_pane(s)
            .lines()
            .any(|r| r.trim_end_matches('│').trim_end() == "│✎ line one")
    });
    t.quit();
}

// ---------------------------------------------------------------------------
// Copy: the one OSC the app emits (T1)
// ---------------------------------------------------------------------------

#[test]
fn t1_copy_writes_exactly_one_osc52_with_the_selection() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a04w01");
    let selected = select_two_rows(&mut t, 'a');
    t.send("y");
    t.wait_until("“copied … characters”", |s| {
        status(s).contains("copied") && status(s).contains("characters")
    });
    let want = selected.join(" ");
    let expected = format!("copied {} characters", want.chars().count());
    assert!(
        t.with_screen(status).contains(&expected),
        "status should say {expected:?}\n{}",
        t.framed()
    );
    // Selection over: a second `y` is a normal key, not another copy.
    t.wait_until("the selection ended", |s| !status(s).contains("selecting:"));
    t.quit();
    t.assert_terminal_restored();
    assert_t1_clean(&t, Some(&want));
}

/// `esc` and `v` end a selection without doing anything.
#[test]
fn selection_ends_with_esc_or_v() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a02w01");
    for stop in [key::ESC, "v"] {
        t.send("v");
        t.wait_until("selecting", |s| status(s).contains("selecting:"));
        t.send(stop);
        t.wait_until("selection ended", |s| !status(s).contains("selecting:"));
    }
    // `h` outside a selection highlights nothing.
    t.send("h");
    t.send("?");
    t.wait_for("Keys");
    t.send(key::ESC);
    t.wait_gone("Keys");
    t.wait_for("Notes · this document (0)");
    t.quit();
    assert!(s.notes_files().iter().all(|f| {
        let file = parse_toml(f);
        entries(&file, "highlights").is_empty() && entries(&file, "notes").is_empty()
    }));
}

/// Guard for the helpers above: the selection set and marks are computed
/// from the screen, so make sure `essay_tokens` and `mark` read the layout
/// this file assumes.
#[test]
fn harness_gutter_columns_are_as_assumed() {
    let s = Sandbox::new();
    aster_and_birch(&s);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Aster Essay");
    move_cursor_to(&mut t, "a01w01");
    let row = t.with_screen(cursor_row).expect("cursor row");
    assert!(
        row.starts_with('│') && has_cursor(&row) && mark(&row) == ' ',
        "reader row layout changed: {row:?}"
    );
    assert_eq!(
        essay_tokens(&row, 'a').first().map(String::as_str),
        Some("a01w01")
    );
    t.quit();
}

fn notes_pane(s: &Screen) -> String {
    region(s, NOTES_COLS.0, NOTES_COLS.1)
}
