//! End-to-end tests of issue 11 ("Notes land exactly where you mean, lost
//! notes come home, and the study sheet is what you asked for"): the
//! search prompt and its history, the reading cursor's character, the
//! selection to the character, `]`/`[`, statuses and re-attaching lost
//! notes, the filtered study sheet and `marginote export`'s filters, and
//! the reading position following a renamed file.
//!
//! The real binary in a pseudo-terminal (`tests/common`), one sandbox per
//! test, waits on the screen with a deadline (never a sleep), then the
//! files on disk are read back.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Sandbox, Tui, has_cursor, key, parse_toml, region, status};
use vt100::Screen;

const WIDE: (u16, u16) = (120, 40);

/// "The Willow Essay": real sentences, a list of look-alike clauses and a
/// typo, so each behaviour has words of its own.
const WILLOW: &str = "# The Willow Essay

Willows grow near water. Their roots hold the bank together. Farmers planted them along ditches.

Basket makers cut the young shoots in winter. The shoots are called withies. They bend without breaking.

## Clauses

1. The tenant shall pay the rent on the first day of each month.

2. The tenant shall keep the garden tidy through the whole year.

3. The tenant shall keep the garage tidy through the whole year.

4. The landlord shall repair the roof when it leaks.

## Medicine

Salicylic acid was first found in willow bark. Teh bark was chewed for pain long before aspirin.

The last paragraph ends the essay here.
";

const GARDEN: &str = "The tenant shall keep the garden tidy through the whole year.";
const TYPO: &str = "Teh bark was chewed for pain long before aspirin.";

// ---------------------------------------------------------------------------
// Screen and file helpers
// ---------------------------------------------------------------------------

fn reader_rows(s: &Screen) -> Vec<String> {
    region(s, 30, 60).lines().map(str::to_string).collect()
}

fn notes_pane(s: &Screen) -> String {
    region(s, 90, 30)
}

fn cursor_row(s: &Screen) -> Option<String> {
    reader_rows(s).into_iter().find(|r| has_cursor(r))
}

fn mark(row: &str) -> char {
    row.chars().nth(1).unwrap_or(' ')
}

fn the_notes_file(s: &Sandbox) -> toml::Table {
    let files = s.notes_files();
    assert_eq!(files.len(), 1, "one notes file expected: {files:?}");
    parse_toml(&files[0])
}

fn entries(t: &toml::Table, kind: &str) -> Vec<toml::Table> {
    t.get(kind)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
        .unwrap_or_default()
}

fn anchor_str(e: &toml::Table, field: &str) -> String {
    e.get("anchor")
        .and_then(|a| a.get(field))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn str_of(t: &toml::Table, k: &str) -> String {
    t.get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The study sheets written so far, sorted by name.
fn sheets(s: &Sandbox) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(s.data.join("exports"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `marginote` outside the pty (for `export`), hermetic.
fn cli(s: &Sandbox, args: &[&str]) -> Output {
    s.cli(args)
}

// ---------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------

fn open_willow(s: &Sandbox) -> Tui {
    s.write_doc("willow.md", WILLOW);
    let t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("The Willow Essay open", |s| {
        reader_rows(s)
            .first()
            .is_some_and(|r| r.contains("┬ The Willow Essay"))
    });
    t
}

/// `/`, the words, enter: waits until the prompt is gone and the cursor
/// row shows `words`.
#[track_caller]
fn search(t: &mut Tui, words: &str) {
    t.send("/");
    t.wait_until("the search prompt", |s| status(s).starts_with(" Search"));
    t.send(words);
    t.wait_until(&format!("a match for {words:?}"), |s| {
        status(s).contains("match 1 of")
    });
    t.send(key::ENTER);
    t.wait_until("the prompt closed on the match", |s| {
        !status(s).starts_with(" Search") && cursor_row(s).is_some_and(|r| r.contains(words))
    });
}

#[track_caller]
fn note(t: &mut Tui, text: &str) {
    common::note_saved(t, text);
}

#[track_caller]
fn bookmark(t: &mut Tui, label: &str) {
    t.send("m");
    t.wait_for("Bookmark label:");
    t.send(label);
    t.send(key::ENTER);
    t.wait_until("“bookmarked”", |s| status(s).contains("bookmarked"));
}

// ---------------------------------------------------------------------------
// Item 1: the search prompt
// ---------------------------------------------------------------------------

/// `/` opens empty; a failed search says so and leaves the cursor; up
/// recalls the last search, also after a restart (state.toml).
#[test]
fn search_prompt_opens_empty_fails_in_place_and_remembers_across_runs() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "withies");
    let here = t.with_screen(cursor_row);
    t.send("/");
    t.wait_until("an empty search prompt", |s| {
        let st = status(s);
        st.starts_with(" Search: ") && !st.contains("withies")
    });
    t.send("zzzqqq");
    t.wait_until("no match while typing", |s| status(s).contains("no match"));
    t.send(key::ENTER);
    t.wait_until("the failure said, the cursor kept", |s| {
        status(s).contains("no match for “zzzqqq”") && status(s).contains("stays")
    });
    assert_eq!(t.with_screen(cursor_row), here, "the cursor stayed");
    t.send("j");
    t.wait_until("no stale count", |s| {
        let st = status(s);
        st.contains("The Willow Essay ·") && !st.contains("match") && !st.contains("zzz")
    });
    t.quit();
    t.assert_terminal_restored();
    let state = parse_toml(&s.data.join("state.toml"));
    let history: Vec<String> = state
        .get("search_history")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(history, ["withies", "zzzqqq"], "{state:?}");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_for("The Willow Essay");
    t.send("/");
    t.wait_until("the prompt", |s| status(s).starts_with(" Search"));
    t.send(key::UP);
    t.wait_until("the last search recalled", |s| {
        status(s).starts_with(" Search: zzzqqq")
    });
    t.send(key::UP);
    t.wait_until("the one before", |s| {
        status(s).starts_with(" Search: withies")
    });
    t.send(key::DOWN);
    t.send(key::DOWN);
    t.wait_until("back to what was typed (nothing)", |s| {
        let st = status(s);
        st.starts_with(" Search: ") && !st.contains("withies") && !st.contains("zzz")
    });
    t.send(key::ESC);
    t.wait_until("the prompt closed", |s| !status(s).starts_with(" Search"));
    t.quit();
    t.assert_terminal_restored();
}

// ---------------------------------------------------------------------------
// Item 2: the cursor's character
// ---------------------------------------------------------------------------

/// After a search, `a` notes the sentence holding the match (not the
/// sentence where the match's row starts), and the passage is tinted
/// while the editor is open.
#[test]
fn search_then_a_notes_the_sentence_with_the_match() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "withies");
    t.send("a");
    t.wait_for("Note on “The shoots are called withies.");
    t.send("why withies #craft");
    t.wait_for("why withies #craft");
    t.send(key::ENTER);
    t.wait_until("saved", |s| status(s).contains("note saved"));
    t.quit();
    t.assert_terminal_restored();
    let file = the_notes_file(&s);
    let notes = entries(&file, "notes");
    assert_eq!(notes.len(), 1);
    assert_eq!(
        anchor_str(&notes[0], "exact"),
        "The shoots are called withies."
    );
}

/// `a` and `m` anywhere (the title, a blank row, a heading, the very end)
/// never save an entry with an empty quote.
#[test]
fn no_empty_quote_from_any_position() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    // The top row (the title).
    bookmark(&mut t, "top");
    // The blank row under the title: the next sentence is taken.
    t.send("j");
    t.send("j");
    t.wait_until("the cursor moved", |s| {
        cursor_row(s).is_some_and(|r| !r.contains("Willow Essay"))
    });
    note(&mut t, "on a blank row");
    bookmark(&mut t, "blank");
    // The very end.
    t.send("G");
    t.wait_until("at the end", |s| status(s).contains("100%"));
    note(&mut t, "at the end");
    bookmark(&mut t, "end");
    t.quit();
    t.assert_terminal_restored();
    let file = the_notes_file(&s);
    let all: Vec<toml::Table> = ["notes", "bookmarks"]
        .iter()
        .flat_map(|k| entries(&file, k))
        .collect();
    assert_eq!(all.len(), 5, "{file:?}");
    for e in &all {
        let exact = anchor_str(e, "exact");
        assert!(
            !exact.trim().is_empty(),
            "an entry with an empty quote: {e:?}"
        );
    }
    let on_blank = entries(&file, "notes")
        .into_iter()
        .find(|n| str_of(n, "text") == "on a blank row")
        .expect("the note");
    assert_eq!(
        anchor_str(&on_blank, "exact"),
        "Willows grow near water.",
        "on a blank row, the next sentence"
    );
}

// ---------------------------------------------------------------------------
// Item 3: selection to the character; item 4: ] and [
// ---------------------------------------------------------------------------

/// `v` + `)` selects exactly two sentences; `h` highlights exactly them.
/// Then `]`/`[` go through the entries in text order, wrapping.
#[test]
fn v_paren_highlights_two_sentences_and_brackets_step_in_order() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "Willows grow");
    t.send("v");
    t.wait_until("selecting", |s| status(s).contains("selecting:"));
    t.send(")");
    t.send("h");
    t.wait_until("highlighted", |s| status(s).contains("highlighted"));
    search(&mut t, "withies");
    note(&mut t, "withy #craft");
    search(&mut t, "aspirin");
    bookmark(&mut t, "pain");
    t.send("g");
    t.wait_until("at the top", |s| status(s).contains(" 0%"));
    let steps = [
        ("]", "highlight 1 of 3", "Willows grow"),
        ("]", "note 2 of 3", "shoots"),
        ("]", "bookmark 3 of 3", "aspirin"),
        ("]", "highlight 1 of 3 · wrapped to the top", "Willows grow"),
        ("[", "bookmark 3 of 3 · wrapped to the bottom", "aspirin"),
        ("[", "note 2 of 3", "shoots"),
    ];
    for (k, msg, words) in steps {
        t.send(k);
        t.wait_until(&format!("{k} → {msg}"), |s| {
            status(s).contains(msg) && cursor_row(s).is_some_and(|r| r.contains(words))
        });
    }
    // On the noted passage, the Notes pane shows the note in full.
    t.wait_until("the note under the cursor shown in full", |s| {
        notes_pane(s).contains("Note · ") && notes_pane(s).contains("withy #craft")
    });
    t.quit();
    t.assert_terminal_restored();
    let file = the_notes_file(&s);
    let hl = entries(&file, "highlights");
    assert_eq!(hl.len(), 1);
    assert_eq!(
        anchor_str(&hl[0], "exact"),
        "Willows grow near water. Their roots hold the bank together.",
        "exactly the two sentences"
    );
    let bm = entries(&file, "bookmarks");
    assert!(
        anchor_str(&bm[0], "exact").starts_with("aspirin."),
        "the bookmark is on the match: {bm:?}"
    );
}

// ---------------------------------------------------------------------------
// Item 5: statuses, lost notes come home
// ---------------------------------------------------------------------------

/// The noted clause deleted on disk: the note is `lost` with its own
/// quote, the look-alike clause after it is not taken; `r` in the Notes
/// pane then `enter` re-attaches it at the reading cursor (`exact`).
#[test]
fn deleted_paragraph_is_lost_not_moved_to_a_look_alike_and_r_reattaches() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "garden");
    note(&mut t, "clause on gardens #lease");
    t.quit();
    t.assert_terminal_restored();
    let before = the_notes_file(&s);
    assert_eq!(anchor_str(&entries(&before, "notes")[0], "exact"), GARDEN);

    let doc = s.docs.join("willow.md");
    let edited = WILLOW.replace(&format!("2. {GARDEN}\n\n"), "");
    assert!(!edited.contains(GARDEN));
    fs::write(&doc, &edited).expect("delete the clause");

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("the note listed as lost", |s| {
        let n = notes_pane(s);
        n.contains("⚠ clause on gardens") && n.contains("lost")
    });
    // The look-alike clause is not marked.
    search(&mut t, "garage");
    assert_eq!(
        t.with_screen(cursor_row).map(|r| mark(&r)),
        Some(' '),
        "the look-alike clause must not carry the lost note\n{}",
        t.framed()
    );
    t.quit();
    let file = the_notes_file(&s);
    let n = &entries(&file, "notes")[0];
    assert_eq!(anchor_str(n, "status"), "lost", "{n:?}");
    assert_eq!(anchor_str(n, "exact"), GARDEN, "the quote as written");

    // Lost entries are offered together; r re-attaches at the cursor.
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("lost", |s| notes_pane(s).contains("⚠ clause on gardens"));
    search(&mut t, "roof");
    t.send(key::TAB);
    t.wait_until("the Notes pane focused", |s| status(s).contains("jump"));
    t.send("g");
    t.send("r");
    t.wait_until("re-attaching", |s| status(s).contains("re-attach"));
    t.send(key::ENTER);
    t.wait_until("re-attached", |s| status(s).contains("re-attached"));
    t.wait_until("no longer lost", |s| {
        let n = notes_pane(s);
        n.contains("✎ clause on gardens") && !n.contains("lost")
    });
    t.quit();
    t.assert_terminal_restored();
    let file = the_notes_file(&s);
    let n = &entries(&file, "notes")[0];
    assert_eq!(
        anchor_str(n, "exact"),
        "The landlord shall repair the roof when it leaks."
    );
    assert_eq!(
        anchor_str(n, "status"),
        "",
        "exact (the default, not written)"
    );
}

/// A typo fixed inside the noted sentence: `changed`, the quote as
/// written kept, the new words beside it; both exports say so.
#[test]
fn fixed_typo_is_changed_and_keeps_the_original_quote() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "chewed");
    note(&mut t, "before aspirin #exam");
    t.quit();
    let doc = s.docs.join("willow.md");
    fs::write(&doc, WILLOW.replace("Teh bark", "The bark")).expect("fix the typo");
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("listed as text changed", |s| {
        let n = notes_pane(s);
        n.contains("✎ before aspirin") && n.contains("text changed")
    });
    t.quit();
    t.assert_terminal_restored();
    let file = the_notes_file(&s);
    let n = &entries(&file, "notes")[0];
    assert_eq!(anchor_str(n, "exact"), TYPO, "the quote as written");
    assert_eq!(anchor_str(n, "current"), TYPO.replace("Teh", "The"));
    assert_eq!(anchor_str(n, "status"), "changed");

    let path = doc.to_string_lossy().into_owned();
    let out = cli(&s, &["export", "--format", "json", &path]);
    assert!(out.status.success(), "{out:?}");
    let js: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let e = &js[0]["entries"][0];
    assert_eq!(e["status"], "changed", "{js}");
    assert_eq!(e["quote"], TYPO);
    let out = cli(&s, &["export", "The Willow Essay"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains(&format!("> {TYPO}")), "{md} {out:?}\n{file:?}");
    assert!(md.contains("status: changed"), "{md}");
}

// ---------------------------------------------------------------------------
// Item 6: the study sheet
// ---------------------------------------------------------------------------

/// `E` exports what the Notes pane shows: with a `#tag` filter, only
/// those entries; a second `E` writes a second sheet, not over the first.
#[test]
fn e_with_a_tag_filter_exports_only_those_entries_and_never_overwrites() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "withies");
    note(&mut t, "craft word #exam");
    search(&mut t, "aspirin");
    note(&mut t, "medicine aside");
    t.send(key::TAB);
    t.wait_until("Notes focused", |s| status(s).contains("jump"));
    t.send("/");
    t.wait_for("Filter notes");
    t.send("#exam");
    t.send(key::ENTER);
    t.wait_until("filtered", |s| status(s).contains("1 matching"));
    t.send("E");
    t.wait_until("written", |s| status(s).contains("study sheet written"));
    t.send("E");
    t.wait_until("written again", |s| status(s).contains("-2.md"));
    t.quit();
    t.assert_terminal_restored();
    let files = sheets(&s);
    assert_eq!(files.len(), 2, "two sheets, none overwritten: {files:?}");
    // "-2.md" sorts before ".md": tell them apart by name.
    let (second, first): (Vec<&PathBuf>, Vec<&PathBuf>) =
        files.iter().partition(|p| file_name(p).ends_with("-2.md"));
    assert_eq!((first.len(), second.len()), (1, 1), "{files:?}");
    let name = file_name(first[0]);
    assert!(
        name.starts_with("willow-20") && name.ends_with(".md"),
        "{name}"
    );
    let text = fs::read_to_string(first[0]).expect("sheet");
    assert!(text.contains("craft word #exam"), "{text}");
    assert!(!text.contains("medicine aside"), "filtered out:\n{text}");
}

/// `marginote export --tag`, by path, bundled name or title; an unknown
/// document is an error with exit code 2, never "No notes yet".
#[test]
fn export_command_filters_by_tag_and_rejects_unknown_documents() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "withies");
    note(&mut t, "craft word #exam");
    search(&mut t, "aspirin");
    note(&mut t, "medicine aside #later");
    bookmark(&mut t, "pain");
    t.quit();
    t.assert_terminal_restored();
    let doc = s.docs.join("willow.md");
    let doc = doc.to_string_lossy().into_owned();

    let out = cli(&s, &["export", "--tag", "exam", &doc]);
    assert!(out.status.success(), "{out:?}");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("craft word #exam"), "{md}");
    assert!(!md.contains("medicine aside"), "{md}");
    assert!(!md.contains("Bookmark: pain"), "{md}");

    let out = cli(
        &s,
        &[
            "export",
            "--tag",
            "exam",
            "--tag",
            "later",
            "The Willow Essay",
        ],
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("craft word") && md.contains("medicine aside"),
        "{md}"
    );

    let out = cli(
        &s,
        &["export", "--kind", "bookmark", "--status", "exact", &doc],
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        md.contains("Bookmark: pain") && !md.contains("craft word"),
        "{md}"
    );

    let out = cli(
        &s,
        &[
            "export",
            "--since",
            "2000-01-01",
            "--until",
            "2000-12-31",
            &doc,
        ],
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(!md.contains("craft word"), "nothing written in 2000:\n{md}");

    // A bundled essay by its file name.
    let out = cli(&s, &["export", "05-the-great-terror.md"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Study sheet"));

    for bad in [
        vec!["export", "missing.md"],
        vec!["export", "--since", "yesterday", "willow.md"],
        vec!["export", "--status", "gone", "willow.md"],
    ] {
        let out = cli(&s, &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{bad:?} printed a sheet");
        assert!(!out.stderr.is_empty(), "{bad:?}: no message");
    }
    let out = cli(&s, &["export", "missing.md"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing.md: no such document"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------
// Item 7: the position follows a renamed file
// ---------------------------------------------------------------------------

#[test]
fn reading_position_follows_a_renamed_file() {
    let s = Sandbox::new();
    let mut t = open_willow(&s);
    search(&mut t, "aspirin");
    let row = t.with_screen(cursor_row).expect("cursor row");
    t.quit();
    t.assert_terminal_restored();
    fs::rename(s.docs.join("willow.md"), s.docs.join("salix.md")).expect("rename");
    let t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("back at the passage read before the rename", |s| {
        cursor_row(s).is_some_and(|r| r.contains("aspirin") && r.trim() == row.trim())
    });
    let mut t = t;
    t.quit();
    t.assert_terminal_restored();
}

/// At 60x20 (no Notes pane) the note under the cursor shows in a box.
#[test]
fn narrow_screen_shows_the_note_under_the_cursor_in_a_box() {
    let s = Sandbox::new();
    s.write_doc("willow.md", WILLOW);
    let mut t = s.spawn(60, 20, &[&s.docs]);
    t.wait_for("The Willow Essay");
    t.send("/");
    t.wait_until("prompt", |s| status(s).starts_with(" Search"));
    t.send("withies");
    t.wait_until("match", |s| status(s).contains("match 1 of 1"));
    t.send(key::ENTER);
    t.wait_until("closed", |s| !status(s).starts_with(" Search"));
    note(
        &mut t,
        "a long note that wraps over more than one row of the box",
    );
    t.send("g");
    t.send("]");
    t.wait_until("the note in a box", |s| {
        let text = common::screen_text(s);
        text.contains("note · 20") && text.contains("a long note that wraps")
    });
    // A selection is announced in the narrow status line too, not only by
    // reverse video (found by hand at 60x20).
    t.send("v");
    t.wait_until("the selection mode in the status line", |s| {
        status(s).contains("selecting:")
    });
    t.send(key::ESC);
    t.wait_until("the selection ended", |s| !status(s).contains("selecting:"));
    t.quit();
    t.assert_terminal_restored();
}
