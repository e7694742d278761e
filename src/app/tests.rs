//! Behaviour of `update`, driven through the test harness.

use super::*;
use crate::input::action::{Action, MouseKind};
use crate::testkit::{ESSAY, Harness, NOTES_TXT};

const DOCS: &[(&str, &str)] = &[("red-terror.md", ESSAY), ("notes.txt", NOTES_TXT)];

fn long_doc() -> &'static str {
    let text: String = (0..300)
        .map(|i| format!("Paragraph {i} has a handful of words in it.\n"))
        .collect();
    Box::leak(text.into_boxed_str())
}

#[test]
fn bookmark_is_saved_the_moment_it_is_made() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::AddBookmark);
    assert!(h.app.prompt.is_some(), "m opens the label prompt");
    assert!(h.saved_notes.is_empty(), "nothing saved before enter");
    h.act(Action::Confirm);
    let saved = h
        .saved_notes
        .last()
        .expect("a save effect right after enter");
    assert_eq!(saved.bookmarks.len(), 1);
    let b = &saved.bookmarks[0];
    assert!(
        b.label.starts_with("In September 1918"),
        "default label {:?}",
        b.label
    );
    assert!(
        b.anchor.exact.contains("September 1918"),
        "anchor {:?}",
        b.anchor.exact
    );
    assert_eq!(b.created, crate::testkit::NOW);
    assert!(saved.fingerprint.starts_with("fnv1a64:"));
    assert_eq!(h.app.entries[0].bookmarks, 1);
}

#[test]
fn typed_label_replaces_the_default_and_esc_cancels() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::AddBookmark);
    h.type_prompt("exam q");
    h.send(Msg::Text(TextEdit::Backspace));
    h.act(Action::Confirm);
    assert_eq!(
        h.saved_notes.last().expect("saved").bookmarks[0].label,
        "exam"
    );
    h.act(Action::AddBookmark);
    h.act(Action::Cancel);
    assert_eq!(h.saved_notes.len(), 1, "cancel saves nothing");
    assert_eq!(h.app.notes.as_ref().map(DocNotes::len), Some(1));
}

#[test]
fn delete_leaves_a_tombstone_and_undo_restores() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.act(Action::FocusNext);
    assert_eq!(h.app.focus, Focus::Notes);
    h.act(Action::Delete);
    let after_delete = h.saved_notes.last().expect("saved").clone();
    assert!(after_delete.bookmarks.is_empty());
    assert_eq!(
        after_delete.deleted.len(),
        1,
        "a tombstone keeps merges from reviving it"
    );
    h.act(Action::Undo);
    let restored = h.saved_notes.last().expect("saved");
    assert_eq!(restored.bookmarks.len(), 1);
    assert_ne!(
        restored.bookmarks[0].id, after_delete.deleted[0],
        "restored under a fresh id"
    );
}

#[test]
fn enter_in_notes_jumps_to_the_passage() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.act(Action::Bottom);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.act(Action::Top);
    h.act(Action::FocusNext);
    h.act(Action::Open);
    assert_eq!(h.app.focus, Focus::Reader);
    let r = h.app.reader.as_ref().expect("open");
    assert!(
        r.visible[r.cursor_row()]
            .text()
            .starts_with("Paragraph 299")
    );
}

/// Moves in a row leave the place to record until something else comes
/// (a quote and its context on every key was a tenth of a key's time);
/// the Library's progress follows each move at once, and the next message
/// of any other kind finds the place of the last move recorded.
#[test]
fn moves_record_the_place_once_something_else_comes() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    let recorded = |h: &Harness| {
        h.app
            .state
            .positions
            .get("bundled:long.txt")
            .map(|p| p.anchor.offset)
    };
    let before = recorded(&h);
    h.act(Action::PageDown);
    h.act(Action::PageDown);
    assert_eq!(recorded(&h), before, "not yet recorded while moving");
    let r = h.app.reader.as_ref().expect("open");
    let (at, percent) = (r.cursor_offset(), r.percent());
    assert!(percent > 0);
    assert_eq!(h.app.entries[0].progress, Some(percent), "progress at once");
    h.send(Msg::Tick);
    assert_eq!(recorded(&h), Some(at), "recorded before the next message");
}

#[test]
fn quit_saves_the_position_first() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.act(Action::PageDown);
    h.act(Action::PageDown);
    h.act(Action::Quit);
    assert_eq!(h.quit, Some(0));
    let state = h.saved_states.last().expect("state saved before quitting");
    let pos = state
        .positions
        .get("bundled:long.txt")
        .expect("position recorded");
    assert!(
        pos.anchor.exact.starts_with("Paragraph "),
        "{:?}",
        pos.anchor.exact
    );
    assert_eq!(state.last_document.as_deref(), Some("bundled:long.txt"));
}

#[test]
fn position_is_restored_on_the_next_start() {
    let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 100, 20);
    h.app.lib_selected = 1;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    for _ in 0..5 {
        h.act(Action::PageDown);
    }
    let cursor_text = {
        let r = h.app.reader.as_ref().expect("open");
        r.visible[r.cursor_row()].text()
    };
    h.act(Action::Quit);
    let state = h.saved_states.last().expect("saved").clone();
    let entries = vec![
        crate::library::bundled_entry("a.txt", NOTES_TXT),
        crate::library::bundled_entry("long.txt", long_doc()),
    ];
    let h2 = Harness::with_entries(entries, state, 100, 20);
    assert_eq!(h2.app.open, Some(1), "the last document reopens");
    let r = h2.app.reader.as_ref().expect("open");
    assert_eq!(
        r.visible[r.cursor_row()].text(),
        cursor_text,
        "same passage under the cursor"
    );
}

#[test]
fn n12_signal_saves_and_exits_with_128_plus_n() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.act(Action::PageDown);
    h.send(Msg::Signal(15));
    assert_eq!(h.quit, Some(143));
    assert!(!h.saved_states.is_empty(), "position saved before leaving");
}

#[test]
fn narrow_layout_shows_lists_as_overlays() {
    let mut h = Harness::new(DOCS, 60, 20);
    assert!(!h.app.panes().wide);
    assert!(h.app.panes().overlay.is_none());
    h.act(Action::FocusPrev);
    assert_eq!(h.app.focus, Focus::Library);
    assert_eq!(h.app.panes().overlay.map(|(f, _)| f), Some(Focus::Library));
    assert!(h.screen_text().contains("Library (2)"));
    h.act(Action::Cancel);
    assert_eq!(h.app.focus, Focus::Reader);
    assert!(!h.screen_text().contains("Library (2)"));
}

#[test]
fn unreadable_document_shows_why_and_the_app_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("scan.txt");
    std::fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0").expect("write");
    let mut entries = vec![crate::library::bundled_entry("ok.txt", NOTES_TXT)];
    entries.push(crate::library::file_entry(&bin, "scan.txt".into()));
    let mut h = Harness::with_entries(entries, StateFile::default(), 120, 40);
    h.app.focus = Focus::Library;
    h.act(Action::Down);
    h.act(Action::Open);
    assert!(h.app.entries[1].error.is_some());
    let screen = h.screen_text();
    assert!(screen.contains("binary file (PNG image"), "{screen}");
    assert!(screen.contains('⚠'));
    h.app.focus = Focus::Library;
    h.act(Action::Up);
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(0), "another document still opens");
}

#[test]
fn mouse_wheel_scrolls_the_pane_under_the_pointer_and_click_selects() {
    let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 120, 40);
    h.app.lib_selected = 1;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    let p = h.app.panes();
    let top_before = h.app.reader.as_ref().map(Reader::top_offset);
    h.send(Msg::Mouse {
        kind: MouseKind::ScrollDown,
        col: p.text.x + 2,
        row: p.text.y + 2,
    });
    assert_ne!(h.app.reader.as_ref().map(Reader::top_offset), top_before);
    let lib = p.library.expect("wide layout");
    h.send(Msg::Mouse {
        kind: MouseKind::Click,
        col: lib.x + 3,
        row: lib.y + 1,
    });
    assert_eq!(h.app.focus, Focus::Library);
    assert_eq!(h.app.lib_selected, 0, "click selected the first row");
}

#[test]
fn resize_keeps_the_passage_under_the_cursor() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 120, 40);
    for _ in 0..4 {
        h.act(Action::PageDown);
    }
    let before = h.app.reader.as_ref().map(Reader::cursor_offset);
    for (w, ht) in [(60, 20), (20, 8), (1, 1), (120, 40)] {
        h.send(Msg::Resize(w, ht));
    }
    let r = h.app.reader.as_ref().expect("open");
    let text = r.doc.excerpt(before.unwrap_or(0), before.unwrap_or(0) + 12);
    assert!(
        r.visible
            .iter()
            .any(|row| row.text().starts_with(text.trim())),
        "{text:?} no longer visible"
    );
}

#[test]
fn help_is_generated_from_the_live_keymap() {
    let mut h = Harness::new(DOCS, 120, 40);
    let problems = h
        .app
        .keymap
        .merge_str("user.toml", "[reader]\nadd_bookmark = [\"b\"]\n");
    assert!(problems.is_empty());
    h.act(Action::Help);
    let screen = h.screen_text();
    assert!(screen.contains("bookmark the passage"), "{screen}");
    let line = screen
        .lines()
        .find(|l| l.contains("bookmark the passage"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains(" b "), "help shows the user's key: {line}");
    h.act(Action::Cancel);
    assert_eq!(h.app.overlay, Overlay::None);
}

#[test]
fn first_words_cuts_cleanly() {
    assert_eq!(first_words("one two three", 6, 40), "one two three");
    assert_eq!(first_words("a b c d e f g h", 6, 40), "a b c d e f…");
    assert_eq!(first_words("abcdefghij", 3, 4), "abcd…");
}

// ---- the study layer

pub(super) fn cursor_text(h: &Harness) -> String {
    let r = h.app.reader.as_ref().expect("open");
    r.visible[r.cursor_row()].text()
}

#[test]
fn annotate_saves_a_tagged_note_on_the_sentence_before_the_editor_closes() {
    let mut h = Harness::new(DOCS, 120, 40);
    for _ in 0..3 {
        h.act(Action::Down);
    }
    h.act(Action::Annotate);
    assert!(h.app.editor.is_some(), "a opens the editor");
    assert_eq!(h.app.contexts(), vec![Context::Editor]);
    h.type_note("Why then? #exam");
    h.act(Action::Newline);
    h.type_note("second line");
    assert!(h.saved_notes.is_empty(), "nothing saved while typing");
    h.act(Action::Save);
    assert!(h.app.editor.is_none());
    let saved = h.saved_notes.last().expect("saved on enter");
    let n = &saved.notes[0];
    assert_eq!(n.text, "Why then? #exam\nsecond line");
    assert_eq!(n.tags, vec!["exam"]);
    assert_eq!(n.created, crate::testkit::NOW);
    let quote = &n.anchor.as_ref().expect("on a passage").exact;
    assert!(
        quote.starts_with("In **September 1918**"),
        "the sentence at the cursor: {quote:?}"
    );
    assert!(
        quote.ends_with("against its enemies."),
        "one sentence only: {quote:?}"
    );
    let screen = h.screen_text();
    assert!(screen.contains('✎'), "the passage is marked:\n{screen}");
}

/// A note saved before the Library read the document's title names the
/// document by its file; the title, once read, goes into the notes file.
#[test]
fn a_title_read_after_a_note_was_saved_reaches_its_notes_file() {
    let mut h = Harness::new(DOCS, 120, 40);
    let index = h.app.open.expect("a document open");
    let title = h.app.entries[index].title.take().expect("a title");
    let name = h.app.entries[index].name.clone();
    h.act(Action::Annotate);
    h.type_note("early");
    h.act(Action::Save);
    assert_eq!(h.saved_notes.last().expect("saved").title, name);
    let saves = h.saved_notes.len();
    let summary = crate::text::document::Summary {
        title: Some(title.clone()),
        words: 10,
    };
    h.send(Msg::Summary {
        index,
        result: Ok((summary.clone(), 100)),
    });
    assert_eq!(h.saved_notes.len(), saves + 1, "saved again with the title");
    assert_eq!(h.saved_notes.last().expect("saved").title, title);
    // The same title again saves nothing.
    h.send(Msg::Summary {
        index,
        result: Ok((summary, 100)),
    });
    assert_eq!(h.saved_notes.len(), saves + 1);
}

#[test]
fn esc_with_unsaved_text_asks_first_and_a_second_esc_discards() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("half a thought");
    h.act(Action::Cancel);
    assert!(h.app.editor.is_some(), "the first esc only asks");
    assert!(h.screen_text().contains("discard what you typed?"));
    h.type_note(" more");
    h.act(Action::Cancel);
    assert!(h.app.editor.is_some(), "typing again resets the question");
    h.act(Action::Cancel);
    assert!(h.app.editor.is_none());
    assert!(h.saved_notes.is_empty());
    h.act(Action::Annotate);
    h.act(Action::Cancel);
    assert!(h.app.editor.is_none(), "an empty editor closes at once");
}

#[test]
fn selection_highlights_copies_and_annotates_whole_rows() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.act(Action::Down);
    h.act(Action::Select);
    assert_eq!(h.app.contexts(), vec![Context::Select, Context::Global]);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Highlight);
    assert!(h.app.selection.is_none());
    let saved = h.saved_notes.last().expect("saved");
    let quote = &saved.highlights[0].anchor.exact;
    assert!(quote.starts_with("Paragraph 1 "), "{quote:?}");
    assert!(
        quote
            .trim_end()
            .ends_with("Paragraph 3 has a handful of words in it."),
        "{quote:?}"
    );
    h.act(Action::Select);
    h.act(Action::Down);
    h.act(Action::Copy);
    let copied = h.copied.last().expect("copied");
    assert!(
        copied.starts_with("Paragraph 3") && copied.contains("Paragraph 4"),
        "{copied:?}"
    );
    h.act(Action::Select);
    h.act(Action::Annotate);
    h.type_note("on the selection");
    h.act(Action::Save);
    let n = &h.saved_notes.last().expect("saved").notes[0];
    assert!(
        n.anchor
            .as_ref()
            .is_some_and(|a| a.exact.starts_with("Paragraph 4"))
    );
}

#[test]
fn a_note_on_the_whole_document_has_no_anchor_and_lists_first() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Bottom);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.act(Action::NoteDocument);
    h.type_note("Read before the seminar");
    h.act(Action::Save);
    let saved = h.saved_notes.last().expect("saved");
    assert!(saved.notes[0].anchor.is_none());
    let items = h.app.notes_items();
    assert_eq!(
        items[0].item.kind,
        crate::study::notes::Kind::Note,
        "document notes first"
    );
    assert_eq!(items[0].item.offset, None);
}

#[test]
fn edit_changes_a_note_and_its_tags() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("first #draft");
    h.act(Action::Save);
    h.act(Action::FocusNext);
    h.act(Action::Edit);
    let ed = h.app.editor.as_ref().expect("e opens the editor");
    assert_eq!(ed.text(), "first #draft");
    for _ in 0.."#draft".len() {
        h.editor_key(ratatui_textarea::Key::Backspace);
    }
    h.type_note("#final");
    h.act(Action::Save);
    let n = &h.saved_notes.last().expect("saved").notes[0];
    assert_eq!(n.text, "first #final");
    assert_eq!(n.tags, vec!["final"]);
    assert_eq!(
        h.saved_notes.last().expect("saved").notes.len(),
        1,
        "edited, not added"
    );
}

#[test]
fn esc_goes_back_to_the_reader_from_either_pane_at_any_width() {
    for (w, ht) in [(120, 40), (60, 20)] {
        let mut h = Harness::new(DOCS, w, ht);
        h.act(Action::FocusNext);
        assert_eq!(h.app.focus, Focus::Notes, "{w} columns");
        h.act(Action::Cancel);
        assert_eq!(h.app.focus, Focus::Reader, "esc in Notes, {w} columns");
        h.act(Action::FocusPrev);
        assert_eq!(h.app.focus, Focus::Library, "{w} columns");
        h.act(Action::Filter);
        h.type_prompt("zz");
        h.act(Action::Confirm);
        assert!(h.app.lib_filter.is_some());
        h.act(Action::Cancel);
        assert!(h.app.lib_filter.is_none(), "the first esc shows all again");
        assert_eq!(h.app.focus, Focus::Library, "and stays, {w} columns");
        h.act(Action::Cancel);
        assert_eq!(h.app.focus, Focus::Reader, "esc in Library, {w} columns");
    }
}

#[test]
fn delete_and_undo_work_for_every_kind() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("a note");
    h.act(Action::Save);
    h.act(Action::FocusNext);
    h.act(Action::Delete);
    let f = h.saved_notes.last().expect("saved").clone();
    assert!(f.notes.is_empty() && f.deleted.len() == 1);
    h.act(Action::Undo);
    let f = h.saved_notes.last().expect("saved");
    assert_eq!(f.notes.len(), 1);
    assert_eq!(f.notes[0].text, "a note");
}

#[test]
fn filter_by_tag_or_text() {
    let mut h = Harness::new(DOCS, 120, 40);
    for (down, text) in [(0, "one #exam"), (3, "two #essay"), (3, "three plain")] {
        for _ in 0..down {
            h.act(Action::Down);
        }
        h.act(Action::Annotate);
        h.type_note(text);
        h.act(Action::Save);
    }
    h.act(Action::FocusNext);
    h.act(Action::Filter);
    h.type_prompt("#ex");
    h.act(Action::Confirm);
    let titles: Vec<String> = h
        .app
        .notes_items()
        .into_iter()
        .map(|i| i.item.title)
        .collect();
    assert_eq!(titles, vec!["one #exam"]);
    h.act(Action::Filter);
    h.send(Msg::Text(TextEdit::Clear));
    h.type_prompt("PLAIN");
    h.act(Action::Confirm);
    let titles: Vec<String> = h
        .app
        .notes_items()
        .into_iter()
        .map(|i| i.item.title)
        .collect();
    assert_eq!(titles, vec!["three plain"], "text filter ignores case");
    h.act(Action::Filter);
    h.send(Msg::Text(TextEdit::Clear));
    h.act(Action::Confirm);
    assert_eq!(h.app.notes_items().len(), 3);
}

#[test]
fn reading_every_notes_file_shows_its_progress_in_the_notes_pane() {
    let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 120, 40);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.app.focus = Focus::Notes;
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::AllDocuments);
    assert_eq!(h.app.all_notes_progress, None, "the list came: no progress");
    assert!(!h.screen_text().contains("loading notes"));
    // As the worker reports while reading (the harness reads at once).
    h.app.all_notes_progress = Some((0, 0));
    h.send(Msg::AllNotesProgress {
        done: 120,
        total: 400,
    });
    assert_eq!(h.app.all_notes_progress, Some((120, 400)));
    assert!(
        h.screen_text().contains("loading notes… 120 of 400"),
        "{}",
        h.screen_text()
    );
    h.send(Msg::AllNotesProgress {
        done: 121,
        total: 400,
    });
    assert!(h.screen_text().contains("loading notes… 121 of 400"));
    // Keys still act while the list loads.
    h.act(Action::Down);
    h.send(Msg::AllNotes(Vec::new()));
    assert_eq!(h.app.all_notes_progress, None);
    assert!(!h.screen_text().contains("loading notes"));
    // A late report of an abandoned read does not bring the line back.
    h.send(Msg::AllNotesProgress {
        done: 5,
        total: 400,
    });
    assert!(!h.screen_text().contains("loading notes"));
}

#[test]
fn every_notes_file_is_reported_as_read() {
    let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 120, 40);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    h.app.lib_selected = 1;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    let store = crate::storage::Store::new();
    let mut seen = Vec::new();
    let all = crate::runtime::jobs::load_all_notes(&h.data, &store, &h.app.entries, &mut |d, t| {
        seen.push((d, t));
        true
    })
    .expect("not abandoned");
    assert_eq!(all.len(), 2);
    assert_eq!(seen, vec![(0, 2), (1, 2), (2, 2)]);
    let stopped =
        crate::runtime::jobs::load_all_notes(&h.data, &store, &h.app.entries, &mut |d, _| d == 0);
    assert!(stopped.is_none(), "a read told to stop gives no list");
}

#[test]
fn all_documents_scope_lists_other_documents_and_opens_them_at_the_passage() {
    let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 120, 40);
    h.app.lib_selected = 1;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    h.act(Action::Bottom);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    let mark = cursor_text(&h);
    h.app.lib_selected = 0;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(0));
    h.app.focus = Focus::Notes;
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::AllDocuments);
    let items = h.app.notes_items();
    assert_eq!(items.len(), 1, "the other document's bookmark");
    assert!(!items[0].open);
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(1), "enter opened the other document");
    assert_eq!(cursor_text(&h), mark, "at the bookmarked passage");
    h.act(Action::Export);
    let (name, sheet) = h.exported.last().expect("exported");
    assert_eq!(
        name, "all",
        "issue 11: sheets are named by document or \"all\" (and date)"
    );
    assert!(sheet.contains("Bookmark:"), "{sheet}");
}

#[test]
fn export_writes_this_documents_sheet() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("A thought #exam");
    h.act(Action::Save);
    h.act(Action::Export);
    let (name, sheet) = h.exported.last().expect("exported");
    assert_eq!(
        name, "red-terror",
        "issue 11: named by the document (and date)"
    );
    assert!(
        sheet.starts_with("# Study sheet: The Red Terror"),
        "{sheet}"
    );
    assert!(sheet.contains("A thought #exam"));
    assert!(h.screen_text().contains("study sheet written to"));
}

#[test]
fn notes_follow_the_text_when_the_document_is_edited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("essay.txt");
    let body = "Title line\nThe Cheka was founded in December 1917 by decree.\nIts first chairman was Felix Dzerzhinsky.\nThe end.\n";
    std::fs::write(&path, body).expect("write");
    let entries = vec![crate::library::file_entry(&path, "essay.txt".into())];
    let mut h = Harness::with_entries(entries.clone(), StateFile::default(), 120, 40);
    while !cursor_text(&h).starts_with("Its first") {
        h.act(Action::Down);
    }
    assert!(
        cursor_text(&h).starts_with("Its first chairman"),
        "{}",
        cursor_text(&h)
    );
    h.act(Action::Annotate);
    h.type_note("who was he?");
    h.act(Action::Save);
    // The teacher edits the essay: new lines above, CRLF, a typo fixed.
    let edited = "Title line\r\nA new first paragraph was added here.\r\nThe Cheka was founded in December 1917 by decree.\r\nIts first chairman was Felix Dzerzhinsky.\r\nThe end.\r\n";
    std::fs::write(&path, edited).expect("write");
    let mut h2 = h.restart(entries, StateFile::default(), 120, 40);
    h2.app.focus = Focus::Library;
    h2.act(Action::Open);
    // Reopen explicitly so the stored notes are loaded.
    h2.app.open = None;
    h2.app.focus = Focus::Library;
    h2.act(Action::Open);
    let n = h2.app.notes.as_ref().expect("notes");
    let a = n.file().notes[0].anchor.as_ref().expect("anchored");
    let doc = &h2.app.reader.as_ref().expect("open").doc;
    assert_eq!(
        doc.excerpt(a.offset, a.offset + 18),
        "Its first chairman",
        "the note moved with its words"
    );
    assert!(n.not_found().is_empty());
}

// ---- finding things

#[test]
fn search_jumps_as_you_type_n_steps_and_esc_goes_back() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.act(Action::Down);
    let start = cursor_text(&h);
    h.act(Action::Search);
    h.type_prompt("paragraph 25 ");
    assert!(
        cursor_text(&h).starts_with("Paragraph 25 "),
        "incremental: {}",
        cursor_text(&h)
    );
    let s = h.app.search.as_ref().expect("search");
    assert_eq!(s.hits.len(), 1, "smart case: lower-case query ignores case");
    h.act(Action::Cancel);
    assert_eq!(
        cursor_text(&h),
        start,
        "esc returns to where the search started"
    );
    assert!(h.app.search.is_none());
    h.act(Action::Search);
    h.type_prompt("handful");
    h.act(Action::Confirm);
    // The count on the status line, beside the title and the place (not
    // a message in their stead).
    let line = h.status_line();
    assert!(
        line.contains("match 2 of 300") && line.contains("Paragraph 0 has") && line.contains('%'),
        "{line}"
    );
    h.act(Action::NextMatch);
    assert!(
        cursor_text(&h).starts_with("Paragraph 2 "),
        "{}",
        cursor_text(&h)
    );
    let line = h.status_line();
    assert!(
        line.contains("match 3 of 300") && line.contains("Paragraph 0 has") && line.contains('%'),
        "{line}"
    );
    h.act(Action::PrevMatch);
    h.act(Action::PrevMatch);
    assert!(cursor_text(&h).starts_with("Paragraph 0 "));
    h.act(Action::PrevMatch);
    assert!(
        cursor_text(&h).starts_with("Paragraph 299 "),
        "wraps to the bottom"
    );
    assert!(h.screen_text().contains("wrapped to the bottom"));
}

/// On a screen 20 columns wide the status line keeps the search's count
/// whole, giving up the title and the percentage first.
#[test]
fn a_narrow_status_line_keeps_the_search_count_whole() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 20, 8);
    h.act(Action::Search);
    h.type_prompt("handful");
    h.act(Action::Confirm);
    let line = h.status_line();
    assert!(line.contains("match 1 of 300"), "{line:?}");
    h.act(Action::NextMatch);
    let line = h.status_line();
    assert!(line.contains("match 2 of 300"), "{line:?}");
}

/// A problem found at startup stays on the status line until esc: a
/// search's count is said over it, and the problem comes back after.
#[test]
fn a_search_count_shows_over_a_problem_that_stays() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.app.startup_problem("keymap.toml line 1: not valid TOML");
    h.act(Action::Search);
    h.type_prompt("handful");
    h.act(Action::Confirm);
    assert_eq!(h.message_text(), "match 1 of 300");
    h.act(Action::NextMatch);
    assert_eq!(h.message_text(), "match 2 of 300");
    h.act(Action::Down);
    assert!(
        h.message_text().contains("not valid TOML"),
        "{}",
        h.message_text()
    );
}

#[test]
fn search_regex_toggle_and_bad_regex_message() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    h.act(Action::Search);
    h.type_prompt("Paragraph 1[0-9]9 ");
    assert_eq!(
        h.app.search.as_ref().map(|s| s.hits.len()),
        Some(0),
        "literal text"
    );
    h.act(Action::ToggleRegex);
    assert_eq!(
        h.app.search.as_ref().map(|s| s.hits.len()),
        Some(10),
        "regex: 109, 119 … 199"
    );
    h.type_prompt("(");
    let s = h.app.search.as_ref().expect("search");
    assert!(s.error.is_some(), "a bad regex is reported, not a panic");
}

#[test]
fn markdown_is_searched_as_shown() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Search);
    h.type_prompt("september 1918 the bolshevik");
    let s = h.app.search.as_ref().expect("search");
    assert_eq!(s.hits.len(), 1, "found across the **bold** markers");
}

#[test]
fn percent_jumps_and_ctrl_o_comes_back() {
    let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
    for d in [5u8, 0] {
        h.send(Msg::Digit(d));
    }
    h.act(Action::Percent);
    let middle = cursor_text(&h);
    assert!(
        middle.starts_with("Paragraph 14") || middle.starts_with("Paragraph 15"),
        "{middle}"
    );
    h.act(Action::JumpBack);
    assert!(
        cursor_text(&h).starts_with("Paragraph 0 "),
        "{}",
        cursor_text(&h)
    );
    h.act(Action::JumpForward);
    assert_eq!(cursor_text(&h), middle);
    h.send(Msg::Digit(3));
    h.act(Action::Down);
    let r = h.app.reader.as_ref().expect("open");
    assert!(
        r.visible[r.cursor_row()].text().starts_with("Paragraph 1"),
        "3j moved three rows"
    );
}

#[test]
fn a_late_outline_of_another_document_is_dropped() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.app.overlay = Overlay::Outline {
        headings: None,
        selected: 0,
    };
    let other = std::sync::Arc::new(
        Document::from_bytes(
            b"# Elsewhere\n\ntext\n".to_vec(),
            crate::text::document::Format::Markdown,
        )
        .expect("parses"),
    );
    let Msg::Outline { headings, .. } =
        crate::runtime::jobs::outline(std::sync::Arc::clone(&other))
    else {
        panic!("an outline");
    };
    h.send(Msg::Outline {
        doc: other,
        headings,
    });
    assert!(
        matches!(h.app.overlay, Overlay::Outline { headings: None, .. }),
        "another document's headings must not be shown"
    );
    let open = std::sync::Arc::clone(&h.app.reader.as_ref().expect("open").doc);
    h.send(crate::runtime::jobs::outline(open));
    assert!(matches!(
        h.app.overlay,
        Overlay::Outline {
            headings: Some(_),
            ..
        }
    ));
}

#[test]
fn outline_lists_headings_and_jumps() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Outline);
    let Overlay::Outline { headings, .. } = &h.app.overlay else {
        panic!("no outline");
    };
    let titles: Vec<String> = headings
        .as_ref()
        .expect("worked out")
        .iter()
        .map(|h| h.title.clone())
        .collect();
    assert_eq!(titles, vec!["The Red Terror", "Hostages and camps"]);
    h.act(Action::Down);
    h.act(Action::Open);
    assert_eq!(h.app.overlay, Overlay::None);
    assert_eq!(cursor_text(&h), "Hostages and camps");
    h.act(Action::JumpBack);
    assert_eq!(cursor_text(&h), "The Red Terror");
}

/// `F` with `query` typed: the results, every document searched.
fn find_everywhere<'h>(h: &'h mut Harness, query: &str) -> &'h crate::app::FindAll {
    h.act(Action::FindEverywhere);
    h.type_prompt(query);
    h.app.find_all.as_ref().expect("results")
}

#[test]
fn find_everywhere_opens_the_right_document_at_the_match() {
    let mut h = Harness::new(
        &[("red-terror.md", ESSAY), ("long.txt", long_doc())],
        120,
        40,
    );
    let f = find_everywhere(&mut h, "paragraph 123 ");
    assert_eq!(f.results.len(), 1);
    h.act(Action::Confirm);
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(1));
    // The cursor's row holds the match (the only one in the text).
    assert!(
        cursor_text(&h).contains("Paragraph 123 "),
        "{}",
        cursor_text(&h)
    );
}

/// Matches close together on one line are one row of the results, each
/// marked in the search's colours; a match further along the line (past
/// what the row shows of it) has its own row; the count is of matches,
/// in words that agree with it.
#[test]
fn find_everywhere_folds_a_lines_matches_into_one_marked_row() {
    let far = "word ".repeat(30);
    let line = format!("Lenin warned against Stalin, and Stalin kept his post. {far}Stalin won.");
    let doc: &'static str = format!("# Succession\n\n{line}\n").leak();
    let mut h = Harness::new(
        &[("succession.md", doc), ("other.txt", "Nothing of note.\n")],
        120,
        40,
    );
    let f = find_everywhere(&mut h, "Stalin");
    let rows: Vec<(usize, usize)> = f.results.iter().map(|r| (r.offset, r.hits.len())).collect();
    let first = doc.find("Stalin").expect("in the text");
    let last = doc.rfind("Stalin").expect("in the text");
    assert_eq!(rows, vec![(first, 2), (last, 1)], "{:?}", f.results);
    for r in &f.results {
        for &(a, b) in &r.hits {
            assert_eq!(&r.context[a..b], "Stalin", "{r:?}");
        }
    }
    assert_eq!(f.matches, 3);
    let screen = h.screen_text();
    assert!(
        screen.contains("3 matches in 1 document "),
        "the count of matches, singular document:\n{screen}"
    );
    assert_eq!(
        screen
            .matches("Lenin warned against Stalin, and Stalin kept")
            .count(),
        1,
        "the line once:\n{screen}"
    );
    // Both matches of the folded row are marked, the words between not.
    let buf = h.draw().backend().buffer().clone();
    let hit = crate::ui::theme::search_hit().bg;
    let (y, row) = (0..buf.area.height)
        .map(|y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            (y, row)
        })
        .find(|(_, row)| row.contains("Lenin warned"))
        .expect("the folded row");
    let col = |needle: &str, nth: usize| {
        let byte = row.match_indices(needle).nth(nth).expect("on the row").0;
        row[..byte].chars().count() as u16
    };
    for nth in 0..2 {
        let x = col("Stalin", nth);
        assert_eq!(
            buf[(x, y)].bg,
            hit.unwrap_or_default(),
            "Stalin {nth} at {x}"
        );
    }
    assert_ne!(buf[(col("kept", 0), y)].bg, hit.unwrap_or_default());
    h.act(Action::Confirm);
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(0));
    assert_eq!(
        h.app.reader.as_ref().map(|r| r.cursor_offset() <= first),
        Some(true)
    );
}

/// A Markdown document's results show its lines as the reader shows them
/// (no `**`, `#` or `>` of the source, a table's row as its cells are
/// drawn), each match marked where it is in them, and open at the match
/// in the source.
#[test]
fn find_everywhere_shows_markdown_as_the_reader_does() {
    const DOC: &str = "# Lenin\n\n## Stalin at the top\n\nRead **The Soviet Union under Lenin and Stalin** first.\n\n> \u{201c}Comrade *Stalin* is too rude\u{201d}, Lenin wrote.\n\n| Week | Topic |\n|---|---|\n| 10 | Late Stalinism |\n";
    let mut h = Harness::new(&[("course.md", DOC)], 120, 40);
    let f = find_everywhere(&mut h, "Stalin");
    let shown: Vec<&str> = f.results.iter().map(|r| r.context.as_str()).collect();
    assert_eq!(
        shown,
        vec![
            "Stalin at the top",
            "Read The Soviet Union under Lenin and Stalin first.",
            "\u{201c}Comrade Stalin is too rude\u{201d}, Lenin wrote.",
            "10 │ Late Stalinism",
        ],
        "{:?}",
        f.results
    );
    let starts: Vec<usize> = DOC.match_indices("Stalin").map(|(i, _)| i).collect();
    for (r, start) in f.results.iter().zip(&starts) {
        assert_eq!(r.offset, *start, "{r:?}");
        let &[(a, b)] = r.hits.as_slice() else {
            panic!("one match a row: {r:?}");
        };
        assert_eq!(&r.context[a..b], "Stalin", "{r:?}");
    }
    // The quote's row opens at its match.
    h.act(Action::Confirm);
    h.act(Action::Down);
    h.act(Action::Down);
    h.act(Action::Open);
    assert!(
        cursor_text(&h).contains("Comrade Stalin"),
        "{}",
        cursor_text(&h)
    );
}

/// A table row whose match lies far into it keeps its first cell in
/// front of the words cut before the match: the chronology's rows showed
/// "…Rykov, Genrikh Yagoda (21 in all)" without their date. On a narrow
/// screen too, where the row is cut on screen rather than in the search.
#[test]
fn find_everywhere_keeps_a_table_rows_first_cell_when_it_cuts_the_row() {
    const DOC: &str = "# Trials\n\n| When | Who | What |\n|---|---|---|\n| Mar 1938 | The third show trial, of the Right-Trotskyist bloc: Bukharin, Rykov, Krestinsky, Genrikh Yagoda and seventeen more | eighteen shot |\n| 1936 | Yagoda | removed |\n| 1938 | Third trial: Bukharin, Rykov, Krestinsky, Yagoda | shot |\n";
    for (w, ht) in [(120, 40), (60, 20)] {
        let mut h = Harness::new(&[("trials.md", DOC)], w, ht);
        let f = find_everywhere(&mut h, "Yagoda").clone();
        let r = &f.results[0];
        assert!(
            r.context.starts_with("Mar 1938 │ …") && r.lead == "Mar 1938 │ ".len(),
            "{r:?}"
        );
        let &[(a, b)] = r.hits.as_slice() else {
            panic!("one match: {r:?}");
        };
        assert_eq!(&r.context[a..b], "Yagoda", "{r:?}");
        assert_eq!(r.offset, DOC.find("Genrikh Yagoda").expect("in") + 8);
        // A row shown from its start: whole, its first cell known.
        assert_eq!(f.results[1].context, "1936 │ Yagoda │ removed");
        assert_eq!(f.results[1].lead, "1936 │ ".len());
        let screen = h.screen_text();
        // Cut on a narrow screen, each keeps its first cell.
        let third = if w < 100 {
            "│    1938 │ …restinsky, Yagoda │ shot"
        } else {
            "│    1938 │ Third trial: Bukharin, Rykov, Krestinsky, Yagoda │ shot"
        };
        for row in ["│    Mar 1938 │ …", third] {
            assert!(screen.contains(row), "{w}x{ht}: {row}\n{screen}");
        }
    }
}

/// In a long table, each result is its own row, found by where the rows
/// start in the source, past rows with no text in them too.
#[test]
fn find_everywhere_finds_each_match_in_its_row_of_a_long_table() {
    let mut doc = String::from("# Rows\n\n| n | what |\n|---|---|\n");
    let wanted = [3, 150, 151, 298, 299];
    for n in 0..300 {
        if n % 37 == 0 || n == 297 {
            doc.push_str("|  |  |\n");
        } else if wanted.contains(&n) {
            doc.push_str(&format!("| {n} | Yezhov in row {n} |\n"));
        } else {
            doc.push_str(&format!("| {n} | nothing here |\n"));
        }
    }
    let doc: &'static str = Box::leak(doc.into_boxed_str());
    let mut h = Harness::new(&[("rows.md", doc)], 120, 40);
    let f = find_everywhere(&mut h, "Yezhov");
    let shown: Vec<&str> = f.results.iter().map(|r| r.context.as_str()).collect();
    let expected: Vec<String> = wanted
        .iter()
        .map(|n| format!("{n} │ Yezhov in row {n}"))
        .collect();
    assert_eq!(shown, expected);
    for r in &f.results {
        assert_eq!(&doc[r.offset..r.offset + 6], "Yezhov", "{r:?}");
    }
}

/// The results' bottom edge holds the count and as many of the keys as
/// fit whole: all of them at 120 columns, fewer on a narrow screen (at 60
/// columns the last was cut, "/ search aga┘"), never a key cut.
#[test]
fn find_everywhere_shows_whole_key_hints_at_any_width() {
    for (w, ht, keys) in [(120, 40, 3), (60, 20, 1), (40, 12, 0)] {
        let mut h = Harness::new(DOCS, w, ht);
        find_everywhere(&mut h, "Cheka");
        let screen = h.screen_text();
        let edge = screen
            .lines()
            .find(|l| l.contains("matches in") || l.contains("match in"))
            .unwrap_or_else(|| panic!("{w}x{ht}: the count shows:\n{screen}"));
        let shown = ["enter open", "/ search again", "esc close"]
            .iter()
            .filter(|k| edge.contains(*k))
            .count();
        assert_eq!(shown, keys, "{w}x{ht}: {edge}");
        assert!(
            edge.trim_end().ends_with("─┘"),
            "{w}x{ht}: nothing cut: {edge}"
        );
    }
}

/// Wherever the source's marks fall (a word cut by emphasis, a link, an
/// entity, code, a list, a quote, a table, text after a hard break),
/// each result's marks are on the word searched for and nothing else.
#[test]
fn find_everywhere_marks_the_word_whatever_the_markup() {
    const DOC: &str = "# The **Sta**lin question\n\nTom &amp; [Stalin](https://example.org) and `Stalin()` met stalin.  \nAfter a hard break, STALIN.\n\n- a list: *Stalin*\n  - nested Stalin\n\n> quoted **Stalin** and Stalin\n\n| who | what |\n|---|---|\n| Stalin &amp; co | *Stalin* |\n\nLast: Stálin is not Stalin.\n";
    let mut h = Harness::new(&[("marks.md", DOC)], 120, 40);
    let f = find_everywhere(&mut h, "stalin");
    assert!(f.matches >= 12, "{} matches: {:?}", f.matches, f.results);
    let mut marked = 0;
    for r in &f.results {
        for &(a, b) in &r.hits {
            let word = r.context.get(a..b).unwrap_or_else(|| panic!("{r:?}"));
            assert!(
                word.eq_ignore_ascii_case("stalin") || word.to_lowercase() == "stálin",
                "{word:?} in {r:?}"
            );
            marked += 1;
        }
        assert!(
            !r.context.contains("**") && !r.context.contains("&amp;"),
            "{r:?}"
        );
    }
    assert_eq!(
        marked, f.matches,
        "every match marked once: {:?}",
        f.results
    );
}

#[test]
fn library_filter_is_fuzzy_and_esc_shows_all() {
    let mut h = Harness::new(
        &[
            ("red-terror.md", ESSAY),
            ("notes.txt", NOTES_TXT),
            ("long.txt", long_doc()),
        ],
        120,
        40,
    );
    h.app.focus = Focus::Library;
    h.act(Action::Filter);
    h.type_prompt("rdng");
    assert_eq!(
        h.app.lib_view.first(),
        Some(&1),
        "“Reading notes” matches best"
    );
    assert!(
        !h.app.lib_view.contains(&0),
        "“The Red Terror” does not match"
    );
    h.act(Action::Confirm);
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(1));
    h.app.focus = Focus::Library;
    h.act(Action::Filter);
    h.act(Action::Cancel);
    assert_eq!(*h.app.lib_view, vec![0, 1, 2]);
}

#[test]
fn n12_a_signal_saves_the_draft_being_written() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("half-written thought");
    h.send(Msg::Signal(1));
    assert_eq!(h.quit, Some(129));
    let saved = h.saved_notes.last().expect("the draft was saved");
    assert_eq!(saved.notes[0].text, "half-written thought");
}

/// A 2,000-line book, and a harness that opened the part of it starting
/// at byte `start` (300 lines) as the first part of a big text, with an
/// empty notes file when `with_notes`.
fn book_opened_in_part(start: Option<usize>, with_notes: bool) -> (Harness, String) {
    let full: String = (0..2000)
        .map(|i| format!("Line {i} of a long book.\n"))
        .collect();
    let part: String = full[start.unwrap_or(0)..]
        .lines()
        .take(300)
        .map(|l| format!("{l}\n"))
        .collect();
    let mut h = Harness::new(&[("book.txt", NOTES_TXT)], 100, 20);
    let notes = with_notes.then(|| crate::app::NotesLoad {
        path: h.data.notes_path(&h.app.entries[0].key, "book.txt"),
        file: None,
        problem: None,
        adopted_from: None,
        deferred: None,
    });
    h.send(Msg::Opened {
        index: 0,
        result: Document::from_bytes(part.into_bytes(), crate::text::document::Format::Text)
            .map(Box::new),
        notes,
        partial: true,
        window: start,
    });
    (h, full)
}

#[test]
fn a_big_document_opens_from_its_first_part_and_is_completed_in_place() {
    let (mut h, full) = book_opened_in_part(None, false);
    assert!(h.app.loading(), "keys wait while the rest is read");
    for _ in 0..5 {
        h.act(Action::PageDown);
    }
    let before = cursor_text(&h);
    h.send(Msg::Completed {
        index: 0,
        result: Document::from_bytes(full.into_bytes(), crate::text::document::Format::Text)
            .map(Box::new),
    });
    assert!(!h.app.loading());
    assert_eq!(cursor_text(&h), before, "the same passage under the cursor");
    h.act(Action::Bottom);
    assert_eq!(
        cursor_text(&h),
        "Line 1999 of a long book.",
        "G goes to the real end"
    );
}

/// The whole of the book of [`book_opened_in_part`] arrives; the effects
/// it asks for are returned, not performed.
fn complete_unperformed(h: &mut Harness, full: &str) -> Vec<Effect> {
    let now = h.app.now.clone();
    let whole = Document::from_bytes(
        full.as_bytes().to_vec(),
        crate::text::document::Format::Text,
    );
    update(
        &mut h.app,
        Msg::Completed {
            index: 0,
            result: whole.map(Box::new),
        },
        &now,
    )
}

/// Issue 12: a text read whole whose words are not known yet has them
/// counted from its text on a worker (not its file read again), and the
/// Library shows the count.
#[test]
fn a_big_texts_words_are_counted_from_its_text_on_a_worker() {
    let (mut h, full) = book_opened_in_part(None, false);
    h.app.entries[0].words = None;
    let fx = complete_unperformed(&mut h, &full);
    let asked = fx
        .iter()
        .filter(|e| matches!(e, Effect::CountWords { index: 0, .. }))
        .count();
    assert_eq!(asked, 1, "one count asked of a worker");
    assert_eq!(h.app.entries[0].words, None, "nothing counted on the loop");
    h.perform(fx);
    let words = crate::text::summary::count_words(full.as_bytes());
    assert_eq!(words, 12_000);
    assert_eq!(h.app.entries[0].words, Some(words));
}

/// Issue 12: the whole of a big text is fingerprinted on a worker, not on
/// the loop; a note saved before the hash is back is saved again with it,
/// and no later save hashes the text again.
#[test]
fn a_big_texts_fingerprint_comes_from_a_worker_and_reaches_its_notes() {
    let (mut h, full) = book_opened_in_part(None, true);
    // The whole arrives; its hash is asked of a worker (not performed yet).
    let fx = complete_unperformed(&mut h, &full);
    let doc = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fingerprint(d) => Some(d.clone()),
            _ => None,
        })
        .expect("the fingerprint is asked of a worker");
    h.perform(
        fx.into_iter()
            .filter(|e| !matches!(e, Effect::Fingerprint(_)))
            .collect(),
    );
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    let first = h.saved_notes.last().expect("the bookmark is saved").clone();
    assert_eq!(first.bookmarks.len(), 1);
    let expected = crate::study::anchor::fingerprint(&doc);
    assert_ne!(first.fingerprint, expected, "not hashed on the loop");
    let saves = h.saved_notes.len();
    h.send(Msg::Fingerprinted {
        doc,
        fingerprint: expected.clone(),
    });
    assert_eq!(h.saved_notes.len(), saves + 1, "saved again with the hash");
    let again = h.saved_notes.last().expect("saved");
    assert_eq!(again.fingerprint, expected);
    assert_eq!(again.bookmarks.len(), 1);
    // A late hash of another text changes nothing.
    let other = Arc::new(
        Document::from_bytes(b"other".to_vec(), crate::text::document::Format::Text).expect("doc"),
    );
    h.send(Msg::Fingerprinted {
        doc: other,
        fingerprint: "fnv1a64:0".into(),
    });
    assert_eq!(h.saved_notes.len(), saves + 1);
}

/// Issue 12: a key that needs the whole text (`G`, a search, a note),
/// typed while the rest is read, waits; the next frame says so, on the
/// status line beside a message or the position, and stops once it acted.
#[test]
fn keys_waiting_for_the_whole_text_are_shown_at_once() {
    let (mut h, _) = book_opened_in_part(None, false);
    let status = Harness::status_line;
    assert!(!status(&h).contains("waiting"), "{}", status(&h));
    h.send(Msg::KeysWaiting(1));
    assert!(
        status(&h).contains("loading… · 1 key waiting"),
        "{}",
        status(&h)
    );
    h.app.info("a message");
    h.send(Msg::KeysWaiting(3));
    assert!(
        status(&h).contains("3 keys waiting · a message"),
        "{}",
        status(&h)
    );
    h.send(Msg::KeysWaiting(0));
    assert!(!status(&h).contains("waiting"), "{}", status(&h));
}

/// Issue 12: a big text reopened far in opens from a window of it; keys
/// move in the window, the position noted meanwhile is the whole's, and
/// when the whole arrives the same passage stays under the cursor and the
/// top is the document's.
#[test]
fn a_window_of_a_big_document_is_completed_in_place() {
    let start = (0..2000)
        .map(|i| format!("Line {i} of a long book.\n").len())
        .take(1000)
        .sum::<usize>();
    let (mut h, full) = book_opened_in_part(Some(start), false);
    assert!(full[start..].starts_with("Line 1000 "));
    assert!(h.app.loading());
    for _ in 0..3 {
        h.act(Action::PageDown);
    }
    let before = cursor_text(&h);
    assert!(before.starts_with("Line 10"), "{before}");
    // Quitting notes the position (and asks nothing: no notes unsaved).
    h.act(Action::Quit);
    let key = h.app.entries[0].key.clone();
    let saved = h
        .app
        .state
        .positions
        .get(&key)
        .expect("a position")
        .anchor
        .offset;
    assert!(
        full[saved..].starts_with(&before),
        "the position noted is the whole's: {:?}",
        &full[saved..saved + 30]
    );
    h.send(Msg::Completed {
        index: 0,
        result: Document::from_bytes(
            full.clone().into_bytes(),
            crate::text::document::Format::Text,
        )
        .map(Box::new),
    });
    assert!(!h.app.loading());
    assert_eq!(cursor_text(&h), before, "the same passage under the cursor");
    h.act(Action::Top);
    assert_eq!(
        cursor_text(&h),
        "Line 0 of a long book.",
        "the top is the document's"
    );
}

/// At start, with no document remembered, a first document that cannot
/// be opened gives way to the next one (its reason stays in the Library);
/// once the student has chosen, a failure is shown where they chose.
#[test]
fn a_broken_first_document_gives_way_to_the_next_at_start() {
    let mut h = Harness::new(
        &[
            ("a-broken.txt", "binary\0bytes"),
            ("b-good.md", "# The good one\n\nIts first paragraph.\n"),
        ],
        120,
        40,
    );
    assert_eq!(h.app.open, Some(1), "the next document is open");
    assert!(h.app.entries[0].error.is_some(), "the reason is kept");
    let screen = h.screen_text();
    assert!(screen.contains("Its first paragraph."), "{screen}");
    // Chosen by the student: the broken one is shown with its reason.
    h.app.focus = Focus::Library;
    h.app.lib_selected = 0;
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(1), "the reader still holds the good one");
    assert!(h.app.open_error.is_some());
}

/// Document `index` opened whole, with no notes file, as the worker says.
fn opened(index: usize, result: Result<Document, crate::text::format::DocError>) -> Msg {
    Msg::Opened {
        index,
        result: result.map(Box::new),
        notes: None,
        partial: false,
        window: None,
    }
}

#[test]
fn a_startup_problem_comes_back_after_an_error_that_covered_it() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.app
        .startup_problem("keymap.toml line 3, column 1: not valid TOML");
    // The first document cannot be opened; the next one opens after it.
    let binary = crate::text::format::DocError::Binary {
        what: "NUL bytes",
        size: 10,
    };
    h.send(opened(1, Err(binary)));
    assert!(
        h.message_text().contains("cannot open"),
        "{}",
        h.message_text()
    );
    let essay = Document::from_bytes(
        ESSAY.as_bytes().to_vec(),
        crate::text::document::Format::Text,
    );
    h.send(opened(0, essay));
    assert!(
        h.message_text().contains("not valid TOML"),
        "{}",
        h.message_text()
    );
    // An error over it passes with the next key, and the problem is back.
    h.app.error("clipboard unavailable");
    h.act(Action::Down);
    assert!(
        h.message_text().contains("not valid TOML"),
        "{}",
        h.message_text()
    );
    h.act(Action::Cancel);
    assert_eq!(h.message_text(), "");
    h.act(Action::Down);
    assert_eq!(h.message_text(), "", "esc dismissed it for good");
}

/// Sentences that begin in the middle of rows, at any width.
const RUN_ON: &str = "Title\n\nThe first sentence is about the weather and the harvest of that year in the villages. The trials did not always run smoothly, and Krestinsky withdrew his confession in court. Abroad some observers believed the confessions anyway, and others did not.\n";

/// The quote of the last bookmark `h` saved.
fn last_bookmark(h: &Harness) -> String {
    let saved = h.saved_notes.last().expect("saved");
    saved
        .bookmarks
        .last()
        .expect("a bookmark")
        .anchor
        .exact
        .clone()
}

/// After a note, the cursor is on the noted sentence's first word, not on
/// its row's first (the sentence before): a bookmark taken next marks the
/// noted sentence. It marked the one before (found taking a lecture).
#[test]
fn a_bookmark_after_a_note_marks_the_noted_sentence() {
    let mut h = Harness::new(&[("run-on.txt", RUN_ON)], 120, 40);
    h.search("Krestinsky");
    h.act(Action::Annotate);
    h.type_note("recanted #exam");
    h.act(Action::Save);
    let note = &h.saved_notes.last().expect("saved").notes[0];
    let noted = note.anchor.as_ref().expect("on a passage").exact.clone();
    assert!(noted.starts_with("The trials"), "{noted:?}");
    // The sentence starts in the middle of the cursor's row.
    assert!(
        !cursor_text(&h).starts_with("The trials"),
        "{}",
        cursor_text(&h)
    );
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    assert!(
        last_bookmark(&h).starts_with("The trials"),
        "{:?}",
        last_bookmark(&h)
    );
}

/// A resize keeps the cursor's character (a match) under the cursor: the
/// row that held the start of the cursor's row may begin in the sentence
/// before, which a bookmark then marked.
#[test]
fn a_resize_keeps_the_cursors_character_under_the_cursor() {
    for (w, ht) in [(60, 20), (44, 20), (100, 30), (20, 8)] {
        let mut h = Harness::new(&[("run-on.txt", RUN_ON)], 120, 40);
        h.search("Krestinsky");
        h.send(Msg::Resize(w, ht));
        assert!(
            cursor_text(&h).contains("Krestinsky"),
            "{w}x{ht}: {}",
            cursor_text(&h)
        );
        h.act(Action::AddBookmark);
        h.act(Action::Confirm);
        let b = last_bookmark(&h);
        assert!(b.starts_with("Krestinsky"), "{w}x{ht}: {b:?}");
    }
}

/// A log that cannot be written, found after the first frame, is shown
/// as a start-up problem is: on the status line and listed in help.
#[test]
fn a_log_problem_after_the_first_frame_is_shown_and_listed() {
    let mut h = Harness::new(DOCS, 120, 40);
    let problem = "no log kept: cannot write /data/marginote.log: read-only file system";
    h.send(Msg::LogProblem(problem.to_string()));
    assert!(
        h.screen_text().contains("no log kept"),
        "{}",
        h.screen_text()
    );
    assert_eq!(h.app.problems, vec![problem.to_string()]);
    h.send(Msg::LogProblem(problem.to_string()));
    assert_eq!(h.app.problems.len(), 1, "listed once");
}

/// Opening the search across every document has the worker read what it
/// looks in ahead of the first letter (every readable document); putting
/// it away, with esc in the prompt or over the results or by opening a
/// result, forgets that;
/// emptying the query only stops the search (the documents stay read for
/// the next word).
/// `F` again offers the last words searched, selected: a word typed
/// replaces them (it was typed onto their end, "zzqqKirov"), a movement
/// key (here right, to their end) keeps them to edit.
#[test]
fn find_everywhere_again_offers_the_last_words_to_type_over() {
    use crate::input::action::TextEdit;
    let mut h = Harness::new(&[("red-terror.md", ESSAY)], 120, 40);
    h.act(Action::FindEverywhere);
    h.type_prompt("zzqq");
    h.act(Action::Cancel);
    h.act(Action::FindEverywhere);
    let value = |h: &Harness| h.app.prompt.as_ref().map(Prompt::value);
    assert_eq!(value(&h).as_deref(), Some("zzqq"), "the last words offered");
    h.type_prompt("Cheka");
    assert_eq!(value(&h).as_deref(), Some("Cheka"), "typed over");
    assert_eq!(
        h.app.find_all.as_ref().map(|f| f.query.as_str()),
        Some("Cheka")
    );
    h.act(Action::Cancel);
    h.act(Action::FindEverywhere);
    h.send(Msg::Text(TextEdit::Right));
    h.type_prompt("s");
    assert_eq!(value(&h).as_deref(), Some("Chekas"), "edited at its end");
}

#[test]
fn find_everywhere_reads_ahead_and_forgets_when_put_away() {
    use crate::app::Effect;
    let mut h = Harness::new(
        &[("red-terror.md", ESSAY), ("long.txt", long_doc())],
        120,
        40,
    );
    let fx = crate::app::update(&mut h.app, Msg::Action(Action::FindEverywhere), "now");
    let keys: Vec<&str> = match fx.as_slice() {
        [Effect::PrepareFind(targets)] => targets.iter().map(|t| t.key.as_str()).collect(),
        other => panic!("F asked for {other:?}"),
    };
    let expected: Vec<&str> = h.app.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, expected);
    h.type_prompt("x");
    let backspace = Msg::Text(crate::input::action::TextEdit::Backspace);
    let fx = crate::app::update(&mut h.app, backspace, "now");
    assert!(
        matches!(fx.as_slice(), [Effect::CancelSearch]),
        "an emptied query: {fx:?}"
    );
    let fx = crate::app::update(&mut h.app, Msg::Action(Action::Cancel), "now");
    assert!(
        matches!(fx.as_slice(), [Effect::PutFindAway]),
        "esc in the prompt: {fx:?}"
    );
    h.act(Action::FindEverywhere);
    h.type_prompt("paragraph");
    h.act(Action::Confirm);
    let fx = crate::app::update(&mut h.app, Msg::Action(Action::Cancel), "now");
    assert!(
        matches!(fx.as_slice(), [Effect::PutFindAway]),
        "esc over the results: {fx:?}"
    );
    assert_eq!(h.app.overlay, crate::app::Overlay::None);
    // Opening a result puts the search away too. (The prompt opens with
    // the last words searched.)
    h.act(Action::FindEverywhere);
    h.send(Msg::Text(crate::input::action::TextEdit::Clear));
    h.type_prompt("paragraph 123 ");
    h.act(Action::Confirm);
    let fx = crate::app::update(&mut h.app, Msg::Action(Action::Open), "now");
    assert!(
        matches!(fx.first(), Some(Effect::PutFindAway)),
        "enter on a result: {fx:?}"
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::Open(1))), "{fx:?}");
}

/// In a table, a search's hit puts the cursor on the hit's row, and a
/// note or a bookmark there is on that row's cells, not on the table's
/// start (the sentence at the cursor in a table was the whole table, and
/// every shown row had the table's start).
#[test]
fn a_note_in_a_table_is_on_the_row_of_the_cursor() {
    let doc = "# Chronology\n\n| Date | Event |\n| --- | --- |\n| 2 Mar 1917 | Nicholas II abdicates |\n| 3–4 Apr 1917 | Lenin returns to Petrograd; his April Theses |\n| Jul 1917 | The July Days |\n";
    let mut h = Harness::new(&[("chronology.md", doc)], 120, 40);
    h.act(Action::Search);
    h.type_prompt("April Theses");
    h.act(Action::Confirm);
    assert!(
        cursor_text(&h).contains("Lenin returns"),
        "{:?}",
        cursor_text(&h)
    );
    h.act(Action::Annotate);
    h.type_note("the theses");
    h.act(Action::Save);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    let file = h.app.notes.as_ref().expect("notes").file().clone();
    assert_eq!(
        file.notes[0].anchor.as_ref().expect("anchored").exact,
        "3–4 Apr 1917 | Lenin returns to Petrograd; his April Theses"
    );
    let b = &file.bookmarks[0].anchor.exact;
    assert!(
        b.starts_with("April Theses") || b.starts_with("3–4 Apr 1917"),
        "the bookmark: {b:?}"
    );
    assert!(
        !b.contains("Date") && !b.contains("July"),
        "the bookmark: {b:?}"
    );
    // Its label is read from the row's cells, as shown.
    let label = &file.bookmarks[0].label;
    assert!(
        label.starts_with("3–4 Apr 1917") && label.contains("· Lenin"),
        "the label: {label:?}"
    );
}
