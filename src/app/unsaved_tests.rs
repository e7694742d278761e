//! Tests of `unsaved`: nothing is lost after a save fails, when quitting,
//! or when an edit races a delete in another window (issue 10).

use super::*;
use crate::app::{Focus, Msg, PromptKind, update};
use crate::input::action::{Action, TextEdit};
use crate::storage::{Fallback, LoadOutcome, SaveFailure, Store};
use crate::testkit::{ESSAY, Harness, NOTES_TXT};

const DOCS: &[(&str, &str)] = &[("red-terror.md", ESSAY), ("notes.txt", NOTES_TXT)];

fn with_note(text: &str) -> Harness {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note(text);
    h.act(Action::Save);
    h
}

fn open_key(h: &Harness) -> String {
    h.app
        .notes
        .as_ref()
        .expect("a document is open")
        .key
        .clone()
}

/// The save of the open document's notes failed, the copy landing in the
/// temporary folder (`fallback`) or only in memory.
fn fail_save(h: &mut Harness, fallback: Option<&str>) {
    let key = open_key(h);
    let generation = h.app.saving.in_flight.get(&key).copied().unwrap_or(0);
    h.send(Msg::NotesSaved {
        key,
        generation,
        result: Err(SaveFailure {
            message: "read-only folder: /data/notes — could not save x.toml".into(),
            fallback: fallback.map(PathBuf::from),
            reason: "read-only folder".into(),
        }),
    });
}

/// Regression (issue 10, defects 1 and 2): `q` left at once, without a
/// word, with notes only in memory or in the temporary folder.
#[test]
fn n3_quitting_with_unsaved_notes_asks_first() {
    for (case, fallback) in [
        ("memory", None),
        (
            "temporary folder",
            Some("/tmp/marginote-unsaved/x/notes/x.toml"),
        ),
    ] {
        let mut h = with_note("a thought");
        fail_save(&mut h, fallback);
        h.act(Action::Quit);
        assert_eq!(h.quit, None, "{case}: quit without asking");
        assert_eq!(
            h.app.prompt.as_ref().map(|p| &p.kind),
            Some(&PromptKind::UnsavedQuit),
            "{case}"
        );
        let screen = h.screen_text();
        let place = if fallback.is_some() {
            "in the temporary folder"
        } else {
            "only in memory"
        };
        assert!(
            screen.contains(place),
            "{case}: where the notes are:\n{screen}"
        );
        assert!(screen.contains("q quit anyway"), "{case}:\n{screen}");
        // esc stays, q twice leaves.
        h.act(Action::Cancel);
        assert_eq!(h.quit, None);
        h.act(Action::Quit);
        h.press("q");
        assert_eq!(h.quit, Some(0), "{case}: q again quits anyway");
    }
}

#[test]
fn n3_retry_from_the_quit_question_saves_then_quits() {
    let mut h = with_note("a thought");
    fail_save(&mut h, None);
    h.act(Action::Quit);
    let saves = h.saved_notes.len();
    h.press("r");
    assert_eq!(h.saved_notes.len(), saves + 1, "r saves again");
    assert!(h.app.saving.is_clean());
    assert_eq!(h.quit, Some(0), "saved: leaves as asked");
}

#[test]
fn n3_a_failed_save_is_retried_when_idle() {
    let mut h = with_note("a thought");
    fail_save(&mut h, Some("/tmp/x.toml"));
    assert!(!h.app.saving.is_clean());
    let saves = h.saved_notes.len();
    h.send(Msg::Idle);
    assert_eq!(h.saved_notes.len(), saves + 1, "idle retries the save");
    assert!(h.app.saving.is_clean());
    let text = h.message_text();
    assert!(text.contains("saved now"), "{text}");
    // Nothing left: quitting does not ask.
    h.act(Action::Quit);
    assert_eq!(h.quit, Some(0));
}

#[test]
fn n3_retry_after_the_document_was_closed_keeps_its_notes() {
    let mut h = with_note("first document's note");
    fail_save(&mut h, None);
    // Another document opens: the failed notes are no longer on screen.
    h.send(Msg::Action(Action::FocusPrev));
    h.app.focus = Focus::Library;
    h.act(Action::Down);
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(1));
    h.send(Msg::Idle);
    let saved = h.saved_notes.last().expect("retried");
    assert_eq!(saved.notes.len(), 1);
    assert_eq!(saved.notes[0].text, "first document's note");
    assert!(h.app.saving.is_clean());
}

#[test]
fn n3_write_unsaved_notes_to_a_named_file() {
    let mut h = with_note("a thought");
    fail_save(&mut h, None);
    h.act(Action::Quit);
    h.press("w");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| &p.kind),
        Some(&PromptKind::WriteUnsaved)
    );
    let target = h.data.root.join("mine.toml");
    h.type_prompt(&target.display().to_string());
    let fx = update(
        &mut h.app,
        Msg::Action(Action::Confirm),
        crate::testkit::NOW,
    );
    let Some(Effect::WriteUnsaved {
        path: written,
        documents,
        ..
    }) = fx.first()
    else {
        panic!("enter writes the file: {fx:?}")
    };
    assert_eq!(written, &target);
    assert_eq!(documents[0].notes[0].text, "a thought");
    h.perform(fx);
    assert_eq!(h.quit, Some(0), "written: leaves");
    let text = std::fs::read_to_string(&target).expect("written");
    assert!(text.contains("a thought"), "{text}");
}

#[test]
fn n3_a_failed_position_save_is_asked_about_on_quit() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Down);
    let fx = update(&mut h.app, Msg::Action(Action::Quit), crate::testkit::NOW);
    assert!(
        matches!(fx.as_slice(), [Effect::SaveState(_)]),
        "q saves the position and waits for the result: {fx:?}"
    );
    h.send(Msg::StateSaved(Err(SaveFailure {
        message: "reading position not saved: read-only folder".into(),
        fallback: None,
        reason: "read-only folder".into(),
    })));
    assert_eq!(h.quit, None, "quit without asking");
    assert!(h.screen_text().contains("reading position"));
    h.press("r");
    assert_eq!(h.quit, Some(0), "the retry worked: leaves");
}

/// Regression (issue 10, defect 3): an edit racing a delete said "note
/// updated" and the words were found nowhere.
#[test]
fn n5_an_edit_racing_a_delete_brings_the_note_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("n.toml");
    let store = Store::new();
    let mut h = with_note("original words");
    let key = open_key(&h);
    // Window B deletes the note: its file has the tombstone.
    let mut b = h.app.notes.as_ref().expect("notes").file().clone();
    let id = b.notes[0].id.clone();
    b.notes.clear();
    b.deleted.push(id.clone());
    store.save_notes(&path, &b).expect("B saves");
    // Window A edits it.
    h.act(Action::FocusNext);
    h.act(Action::Edit);
    h.type_note(" and more");
    let fx = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    let Some(Effect::SaveNotes {
        file, generation, ..
    }) = fx.first()
    else {
        panic!("a save: {fx:?}")
    };
    let generation = *generation;
    let merged = store
        .save_notes(&path, &file.clone())
        .expect("A saves")
        .file;
    assert!(
        merged.notes.is_empty(),
        "the delete wins the merge (documented rule)"
    );
    let fx = update(
        &mut h.app,
        Msg::NotesSaved {
            key,
            generation,
            result: Ok((merged, None)),
        },
        crate::testkit::NOW,
    );
    let Some(Effect::SaveNotes { file, .. }) = fx.first() else {
        panic!("the edit must be saved again, as a restored note: {fx:?}")
    };
    let again = store.save_notes(&path, &file.clone()).expect("saved").file;
    assert_eq!(again.notes.len(), 1);
    assert_eq!(again.notes[0].text, "original words and more");
    assert_ne!(again.notes[0].id, id, "a new id: the old one stays deleted");
    let text = h.message_text();
    assert!(text.contains("deleted"), "the message says so: {text}");
    assert!(!text.contains("note updated"), "{text}");
    let _ = Fallback::under(dir.path(), &crate::storage::DataDir { root: "/x".into() });
    assert!(matches!(store.load_notes(&path), LoadOutcome::Loaded(_)));
}

#[test]
fn n5_a_note_deleted_before_its_edit_is_saved_keeps_the_text() {
    let mut h = with_note("original words");
    h.act(Action::FocusNext);
    h.act(Action::Edit);
    h.type_note(" and more");
    // The merge with another window's save dropped it meanwhile.
    if let Some(n) = h.app.notes.as_mut() {
        n.file_mut().notes.clear();
    }
    h.act(Action::Save);
    let text = h.message_text();
    assert!(text.contains("deleted in another window"), "{text}");
    assert!(h.app.editor.is_some(), "the words stay in the editor");
    h.act(Action::Save);
    let saved = h.saved_notes.last().expect("saved");
    assert_eq!(saved.notes.len(), 1);
    assert_eq!(saved.notes[0].text, "original words and more");
}

/// Regression (issue 10, defect 4): editing saved the placeholders.
#[test]
fn editing_a_note_keeps_its_control_characters() {
    let original = "red \u{1b}[31m, csi \u{9b}1m, bidi \u{202e}cba";
    let mut h = with_note("placeholder");
    if let Some(n) = h.app.notes.as_mut() {
        n.file_mut().notes[0].text = original.to_string();
    }
    h.act(Action::FocusNext);
    h.act(Action::Edit);
    let shown = h.app.editor.as_ref().expect("editor").text();
    assert!(shown.contains('␛') && shown.contains("<9B>") && shown.contains("⟨U+202E⟩"));
    h.type_note("!");
    h.act(Action::Save);
    let saved = h.saved_notes.last().expect("saved");
    assert_eq!(saved.notes[0].text, format!("{original}!"));
}

#[test]
fn n12_a_signal_keeps_the_bookmark_label_being_typed() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::AddBookmark);
    h.send(Msg::Text(TextEdit::Clear));
    h.type_prompt("my label");
    h.send(Msg::Signal(15));
    assert_eq!(h.quit, Some(143));
    let saved = h.saved_notes.last().expect("the bookmark was saved");
    assert_eq!(saved.bookmarks[0].label, "my label");
}

/// N7: `R` in the Notes pane puts the newest good backup back, keeping the
/// broken file aside.
#[test]
fn n7_r_restores_the_newest_good_backup() {
    let mut h = with_note("worth keeping");
    let path = h.app.notes.as_ref().expect("notes").path.clone();
    let good = std::fs::read(&path).expect("saved");
    std::fs::write(&path, b"schema_version = 1\n[[notes]\n").expect("corrupt");
    // What opening it now would say.
    if let Some(n) = h.app.notes.as_mut() {
        n.problem = Some("cannot read it — newest good backup: x.bak.1".into());
        n.file_mut().notes.clear();
    }
    h.app.focus = Focus::Notes;
    h.act(Action::RestoreBackup);
    let text = h.message_text();
    assert!(text.contains("restored 1 entries"), "{text}");
    assert_eq!(std::fs::read(&path).expect("restored"), good);
    let n = h.app.notes.as_ref().expect("notes");
    assert!(n.problem.is_none());
    assert_eq!(n.file().notes[0].text, "worth keeping");
    let dir = path.parent().expect("folder");
    let aside = std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(".unreadable-"));
    assert!(aside, "the broken file is kept aside (N6)");
}

/// Regression (issue 12, N6): `R` while a save of the same notes is on
/// the saver thread waits for it. Restoring first could move the file
/// that save just wrote (holding the new note) aside as the unreadable one.
#[test]
fn n6_r_waits_for_a_save_on_its_way() {
    let mut h = with_note("worth keeping");
    if let Some(n) = h.app.notes.as_mut() {
        n.problem = Some("cannot read it — newest good backup: x.bak.1".into());
    }
    h.app.focus = Focus::Reader;
    h.act(Action::Annotate);
    h.type_note("made while it was broken");
    let save = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save.first(), Some(Effect::SaveNotes { .. })));
    h.app.focus = Focus::Notes;
    let fx = update(
        &mut h.app,
        Msg::Action(Action::RestoreBackup),
        crate::testkit::NOW,
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::RestoreBackup { .. })),
        "N6: a restore raced a save on its way: {fx:?}"
    );
    assert!(
        h.message_text().contains("being saved"),
        "{}",
        h.message_text()
    );
    h.perform(save);
    assert!(!h.app.saving.busy());
}

/// The open document's position as saved in `path` (a state file).
fn saved_offset(path: &std::path::Path, key: &str) -> Option<usize> {
    match Store::new().load_state(path) {
        LoadOutcome::Loaded(s) => s.positions.get(key).map(|p| p.anchor.offset),
        _ => None,
    }
}

/// Sets the stamp of `key`'s position in the state file at `path`.
fn stamp_position(path: &std::path::Path, key: &str, updated: &str) {
    let text = std::fs::read_to_string(path).expect("state file");
    let mut table: toml::Table = toml::from_str(&text).expect("parses");
    table["positions"][key]["updated"] = toml::Value::String(updated.into());
    std::fs::write(path, toml::to_string(&table).expect("encodes")).expect("written");
}

/// N3 for reading positions (issue 10): a position that cannot be saved
/// gets a copy in the temporary folder, the quit question says where it
/// is, and the next start brings it home, the newer position winning.
#[test]
fn n3_a_failed_position_save_goes_to_the_temporary_folder_and_comes_home() {
    // The data folder's own position older, then newer, than the copy's.
    for (on_disk, copy_wins) in [
        ("2000-01-01T00:00:00+00:00", true),
        ("2099-01-01T00:00:00+00:00", false),
    ] {
        let mut h = Harness::new(DOCS, 120, 40);
        let key = open_key(&h);
        let state = h.data.state_path();
        h.act(Action::Down);
        h.send(Msg::Idle);
        let first = saved_offset(&state, &key).expect("the first position is saved");
        stamp_position(&state, &key, on_disk);

        h.block_data_folder(true);
        for _ in 0..6 {
            h.act(Action::Down);
        }
        h.send(Msg::Idle);
        let spare = h.fallback().state_path();
        let failed = h
            .app
            .saving
            .state_failed
            .clone()
            .expect("the failure is kept");
        assert_eq!(
            failed.fallback.as_deref(),
            Some(spare.as_path()),
            "{failed:?}"
        );
        // The reason comes first: an 80-column status line still shows it.
        assert!(
            failed
                .message
                .starts_with("reading position not saved in the data folder (read-only folder)"),
            "{}",
            failed.message
        );
        assert!(spare.exists(), "a copy waits in the temporary folder");
        let moved = saved_offset(&spare, &key).expect("the copy holds the position");
        assert!(
            moved > first,
            "the copy is the new position: {moved} vs {first}"
        );
        assert!(
            h.screen_text().contains("temporary folder"),
            "the failure is shown:\n{}",
            h.screen_text()
        );

        h.act(Action::Quit);
        assert_eq!(h.quit, None, "quit without asking");
        let screen = h.screen_text();
        assert!(
            screen.contains("reading position: in the temporary folder"),
            "the quit question says where the position is:\n{screen}"
        );
        h.press("q");
        assert_eq!(h.quit, Some(0), "q quits anyway");

        h.block_data_folder(false);
        let h2 = h.reopen(
            DOCS.iter()
                .map(|(n, t)| crate::library::bundled_entry(n, t))
                .collect(),
            120,
            40,
        );
        let home = saved_offset(&state, &key);
        if copy_wins {
            assert_eq!(home, Some(moved), "the newer position came home");
            assert!(
                h2.screen_text().contains("1 reading position came home"),
                "{}",
                h2.screen_text()
            );
        } else {
            assert_eq!(home, Some(first), "the data folder's newer position stays");
        }
        assert!(!spare.exists(), "the copy is removed once merged home");
    }
}

/// N3: a position save that failed is saved when the folder can be
/// written again (on the idle tick), and the copy in the temporary folder
/// goes.
#[test]
fn n3_a_failed_position_save_is_retried_once_the_folder_is_fixed() {
    let mut h = Harness::new(DOCS, 120, 40);
    let key = open_key(&h);
    h.block_data_folder(true);
    h.act(Action::Down);
    h.act(Action::Down);
    h.send(Msg::Idle);
    assert!(h.app.saving.state_failed.is_some(), "the save failed");
    let spare = h.fallback().state_path();
    assert!(spare.exists());
    h.send(Msg::Idle);
    assert!(
        h.app.saving.state_failed.is_some(),
        "still failing while blocked"
    );
    h.block_data_folder(false);
    h.send(Msg::Idle);
    assert!(h.app.saving.state_failed.is_none(), "retried and saved");
    assert!(!spare.exists(), "the copy went once the position was home");
    let offset = h.app.state.positions.get(&key).map(|p| p.anchor.offset);
    assert_eq!(saved_offset(&h.data.state_path(), &key), offset);
    h.act(Action::Quit);
    assert_eq!(h.quit, Some(0), "nothing left unsaved: quits at once");
}

/// The quit question's keys are keymap actions (`[unsaved]`): a user's
/// keymap.toml rebinds them, the question and its box show the new keys,
/// and the old letters do nothing there (nor are they typed).
#[test]
fn the_quit_questions_keys_come_from_the_keymap_and_can_be_rebound() {
    let mut h = with_note("a thought");
    let problems = h.app.keymap.merge_str(
        "keymap.toml",
        "[unsaved]\nretry = [\"a\"]\nwrite_unsaved = [\"f\"]\nquit_anyway = [\"x\"]\ncancel = [\"n\"]\n",
    );
    assert!(problems.is_empty(), "{problems:?}");
    fail_save(&mut h, None);
    h.act(Action::Quit);
    let screen = h.screen_text();
    assert!(
        screen.contains("a retry · f write to a file · x quit anyway · n stay"),
        "the question shows the user's keys:\n{screen}"
    );
    // The default letters are not bound any more, and nothing is typed.
    for key in ["q", "r", "w", "esc"] {
        h.press(key);
        assert_eq!(h.quit, None, "{key} does nothing now");
        let prompt = h.app.prompt.as_ref().expect("still asking");
        assert_eq!(prompt.kind, PromptKind::UnsavedQuit, "{key}");
        assert!(prompt.input.is_empty(), "{key} was typed");
    }
    h.press("n");
    assert!(h.app.prompt.is_none(), "n stays");
    h.act(Action::Quit);
    h.press("f");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| &p.kind),
        Some(&PromptKind::WriteUnsaved),
        "f asks for a file"
    );
    h.press("esc");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| &p.kind),
        Some(&PromptKind::UnsavedQuit),
        "esc at the file prompt goes back to the question"
    );
    h.press("x");
    assert_eq!(h.quit, Some(0), "x quits anyway");
}

/// The retry key, rebound, saves again and quits once saved.
#[test]
fn a_rebound_retry_key_saves_then_quits() {
    let mut h = with_note("a thought");
    let problems = h
        .app
        .keymap
        .merge_str("keymap.toml", "[unsaved]\nretry = [\"ctrl-r\"]\n");
    assert!(problems.is_empty(), "{problems:?}");
    fail_save(&mut h, None);
    h.act(Action::Quit);
    h.press("r");
    assert_eq!(h.quit, None, "r is not retry any more");
    h.press("ctrl-r");
    assert!(h.app.saving.is_clean());
    assert_eq!(h.quit, Some(0), "saved: leaves as asked");
}

/// A copy the start could not bring home (the data folder still read-only)
/// is not forgotten for the session: the quit question lists it, and the
/// idle retry brings it home once the folder can be written.
#[test]
fn n3_copies_left_at_start_are_listed_and_retried() {
    let mut h = Harness::new(DOCS, 120, 40);
    let key = open_key(&h);
    h.block_data_folder(true);
    h.act(Action::Annotate);
    h.type_note("written while read-only");
    h.act(Action::Save);
    for _ in 0..4 {
        h.act(Action::Down);
    }
    h.send(Msg::Idle);
    h.act(Action::Quit);
    h.press("q");
    assert_eq!(h.quit, Some(0));
    let notes_spare = h.app.saving.stranded[0].fallback.clone().expect("a copy");
    let state_spare = h.fallback().state_path();
    assert!(notes_spare.exists() && state_spare.exists());

    // Started again, still read-only: nothing can come home yet.
    let entries = || {
        DOCS.iter()
            .map(|(n, t)| crate::library::bundled_entry(n, t))
            .collect()
    };
    let mut h = h.reopen(entries(), 120, 40);
    assert!(!h.app.saving.is_clean(), "the copies left are listed");
    h.act(Action::Quit);
    let screen = h.screen_text();
    assert!(
        screen.contains("in the temporary folder") && screen.contains("reading position"),
        "the quit question says where they wait:\n{screen}"
    );
    h.act(Action::Cancel);
    h.block_data_folder(false);
    h.send(Msg::Idle);
    assert!(
        h.app.saving.is_clean(),
        "retried and home: {:?}",
        h.app.saving
    );
    assert!(
        !notes_spare.exists() && !state_spare.exists(),
        "copies removed once home"
    );
    let notes = h.app.notes.as_ref().expect("open");
    assert_eq!(notes.key, key);
    let path = notes.path.clone();
    let text = std::fs::read_to_string(path).expect("notes home");
    assert!(text.contains("written while read-only"), "{text}");
    h.act(Action::Quit);
    assert_eq!(h.quit, Some(0), "nothing left: quits at once");
}

/// The texts of the open document's notes, in memory.
fn note_texts(h: &Harness) -> Vec<String> {
    let n = h.app.notes.as_ref().expect("a document is open");
    n.file().notes.iter().map(|n| n.text.clone()).collect()
}

/// Regression (issue 12): saves run on the saver thread, so note A's
/// result can come back after note B was sent for saving. A's file (what
/// the disk held then) must not replace the notes in memory, B must not
/// count as saved, and `q` waits for B's save before leaving.
#[test]
fn n2_an_older_save_result_never_stands_for_newer_edits() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("note A");
    let save_a = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save_a.first(), Some(Effect::SaveNotes { .. })));
    h.act(Action::PageDown);
    h.act(Action::Annotate);
    h.type_note("note B");
    let save_b = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    let (
        Some(Effect::SaveNotes { generation: a, .. }),
        Some(Effect::SaveNotes { generation: b, .. }),
    ) = (save_a.first(), save_b.first())
    else {
        panic!("two saves: {save_a:?} {save_b:?}")
    };
    assert!(a < b, "generations grow: {a} {b}");
    // `q` while B's save is on its way: nothing to ask, but not gone yet.
    h.act(Action::Quit);
    assert_eq!(h.quit, None, "quit waits for the queued saves");
    assert!(h.message_text().contains("saving"), "{}", h.message_text());
    // A is written and its result (A only) comes back.
    h.perform(save_a);
    let texts = note_texts(&h);
    assert!(
        texts.iter().any(|t| t == "note B"),
        "an older save's result dropped a newer note from memory: {texts:?}"
    );
    assert!(h.app.saving.busy(), "B is not saved yet");
    assert_eq!(h.quit, None, "B's save is still on its way");
    h.perform(save_b);
    assert!(!h.app.saving.busy());
    assert_eq!(h.quit, Some(0), "every save done: leaves as asked");
    let n = h.app.notes.as_ref().expect("open");
    let on_disk = Store::new().load_notes(&n.path);
    let LoadOutcome::Loaded(file) = on_disk else {
        panic!("the notes file loads: {on_disk:?}")
    };
    let mut texts: Vec<&str> = file.notes.iter().map(|n| n.text.as_str()).collect();
    texts.sort_unstable();
    assert_eq!(texts, ["note A", "note B"], "both notes on disk");
}

/// Regression (issue 12): a save that fails while quitting waits for the
/// queue still asks the quit question.
#[test]
fn n3_a_save_failing_while_quit_waits_asks_first() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("note A");
    let save = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save.first(), Some(Effect::SaveNotes { .. })));
    h.act(Action::Quit);
    assert_eq!(h.quit, None, "quit waits for the queued save");
    fail_save(&mut h, None);
    assert_eq!(h.quit, None, "a failed save is asked about");
    assert!(matches!(
        h.app.prompt.as_ref().map(|p| &p.kind),
        Some(PromptKind::UnsavedQuit)
    ));
}

/// The texts of the open document's notes file on disk (empty when there
/// is no file yet).
fn texts_on_disk(h: &Harness) -> Vec<String> {
    let n = h.app.notes.as_ref().expect("open");
    match Store::new().load_notes(&n.path) {
        LoadOutcome::Loaded(file) => file.notes.iter().map(|n| n.text.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Regression (issue 12, N1: "saved" means on disk): saves run on the
/// saver thread, so the status line may say "note saved" only once the
/// save carrying the note came back written: not when enter is pressed,
/// not when an older save's result comes back, only with the result of
/// the newest save (which holds the note).
#[test]
fn n1_note_saved_is_said_only_after_the_newest_save_is_written() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("note A");
    let save_a = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save_a.first(), Some(Effect::SaveNotes { .. })));
    assert!(
        !h.message_text().contains("saved"),
        "N1: “saved” said before the saver wrote anything: {:?}",
        h.message_text()
    );
    assert_eq!(h.message_text(), SAVING_NOTE);
    h.act(Action::PageDown);
    h.act(Action::Annotate);
    h.type_note("note B");
    let save_b = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save_b.first(), Some(Effect::SaveNotes { .. })));
    assert_eq!(h.message_text(), SAVING_NOTE);
    // A's result comes back: A is on disk, B is not.
    h.perform(save_a);
    assert_eq!(texts_on_disk(&h), ["note A"], "only A written so far");
    assert!(
        !h.message_text().contains("saved"),
        "N1: an older save's result said “saved” while B is not on disk: {:?}",
        h.message_text()
    );
    assert_eq!(h.message_text(), SAVING_NOTE);
    // B's: now it is true.
    h.perform(save_b);
    assert_eq!(h.message_text(), "note saved");
    let mut texts = texts_on_disk(&h);
    texts.sort();
    assert_eq!(
        texts,
        ["note A", "note B"],
        "“note saved” with both on disk"
    );
}

/// An edited note: "note updated" waits for the write as "note saved"
/// does; a failed save never claims it (the failure is said instead).
#[test]
fn n1_note_updated_waits_for_the_write_and_a_failure_never_claims_it() {
    let mut h = with_note("first words");
    assert_eq!(h.message_text(), "note saved", "saved once written");
    h.act(Action::FocusNext);
    h.act(Action::Edit);
    h.type_note(" and more");
    let save = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save.first(), Some(Effect::SaveNotes { .. })));
    assert_eq!(
        h.message_text(),
        SAVING_NOTE,
        "not “updated” before the write"
    );
    h.perform(save);
    assert_eq!(h.message_text(), "note updated");
    // A new note whose save fails.
    h.act(Action::FocusPrev);
    h.act(Action::Annotate);
    h.type_note("never written");
    let save = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    assert!(matches!(save.first(), Some(Effect::SaveNotes { .. })));
    fail_save(&mut h, None);
    assert!(
        !h.message_text().contains("saved") || h.message_text().contains("could not save"),
        "N1: a failed save claimed success: {:?}",
        h.message_text()
    );
    assert!(
        h.message_text().contains("could not save"),
        "{}",
        h.message_text()
    );
    assert!(
        h.app.saving.confirm.is_none(),
        "nothing owed after a failure"
    );
}

/// A message said after the note (here a bookmark's) is not covered by
/// "note saved" when the save lands.
#[test]
fn n1_note_saved_does_not_cover_a_later_message() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("note A");
    let save = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    h.app.info("something else happened");
    h.perform(save);
    assert_eq!(h.message_text(), "something else happened");
    assert!(h.app.saving.confirm.is_none());
}

/// A key pressed while the save runs clears "saving note…" (a message
/// lasts until the next key); the confirmation still comes once written.
#[test]
fn n1_note_saved_is_said_after_keys_pressed_meanwhile() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Annotate);
    h.type_note("note A");
    let save = update(&mut h.app, Msg::Action(Action::Save), crate::testkit::NOW);
    h.act(Action::Down);
    assert_eq!(h.message_text(), "", "the key cleared the message");
    h.perform(save);
    assert_eq!(h.message_text(), "note saved");
}
