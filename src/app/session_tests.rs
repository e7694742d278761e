//! Sessions driven through `update`, the time moved by hand.

use super::*;
use crate::app::{Focus, Msg, PromptKind, Scope};
use crate::input::action::TextEdit;
use crate::storage::{LoadOutcome, Store};
use crate::testkit::{ESSAY, Harness, NOTES_TXT};

const DOCS: &[(&str, &str)] = &[("red-terror.md", ESSAY), ("notes.txt", NOTES_TXT)];

/// `NOW` (2026-11-25 10:00:00 +01:00) plus `secs`.
fn at(secs: u64) -> String {
    let (m, s) = (secs / 60, secs % 60);
    let (h, m) = (10 + m / 60, m % 60);
    format!("2026-11-25T{h:02}:{m:02}:{s:02}+01:00")
}

fn start(h: &mut Harness, name: Option<&str>) {
    h.act(Action::Session);
    if let Some(name) = name {
        h.type_prompt(name);
    }
    h.act(Action::Confirm);
}

fn sessions_on_disk(h: &Harness) -> SessionsFile {
    match Store::new().load_sessions(&h.data.sessions_path()) {
        LoadOutcome::Loaded(f) => f,
        other => panic!("sessions.toml should load: {other:?}"),
    }
}

fn open(h: &mut Harness, i: usize) {
    h.app.lib_selected = i;
    h.app.focus = Focus::Library;
    h.act(Action::Open);
    assert_eq!(h.app.open, Some(i));
}

#[test]
fn c_suggests_folder_and_date_selected_so_typing_replaces_it() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Session);
    let p = h.app.prompt.as_ref().expect("c opens a prompt");
    assert_eq!(p.kind, PromptKind::SessionName);
    let shown: String = p.input.iter().collect();
    assert_eq!(shown, "essays · 2026-11-25", "folder · local date");
    assert!(p.selected, "the suggestion starts selected");
    assert!(
        h.screen_text().contains("essays · 2026-11-25"),
        "the suggestion is on screen"
    );
    h.type_prompt("Hist");
    let p = h.app.prompt.as_ref().expect("still open");
    assert_eq!(p.input.iter().collect::<String>(), "Hist", "typed over");
    assert!(!p.selected);
    h.act(Action::Cancel);
    assert!(h.app.sessions.current.is_none(), "esc starts nothing");

    // A movement key keeps the suggestion and edits it.
    h.act(Action::Session);
    h.send(Msg::Text(TextEdit::End));
    h.type_prompt(" (lecture 3)");
    h.act(Action::Confirm);
    let s = h.app.sessions.current().expect("started");
    assert_eq!(s.name, "essays · 2026-11-25 (lecture 3)");

    // Backspace on a selected suggestion clears it; enter on nothing
    // takes the suggestion again rather than a nameless session.
    h.act(Action::Session);
    assert!(h.app.sessions.current.is_none(), "c ended it");
    h.act(Action::Session);
    h.send(Msg::Text(TextEdit::Backspace));
    assert!(h.app.prompt.as_ref().is_some_and(|p| p.input.is_empty()));
    h.act(Action::Confirm);
    assert_eq!(
        h.app.sessions.current().map(|s| s.name.as_str()),
        Some("essays · 2026-11-25"),
    );
}

#[test]
fn the_clock_runs_pauses_and_ends_with_time_passed_in() {
    let mut h = Harness::new(DOCS, 120, 40);
    start(&mut h, Some("Hist 101"));
    assert!(h.app.session_ticks(), "a running clock asks for ticks");
    h.now = at(65);
    h.send(Msg::Tick);
    assert_eq!(h.app.sessions.shown, 65);
    assert!(
        h.screen()[39].ends_with(" ● 1:05 "),
        "beside a message, the short clock: {}",
        h.screen()[39]
    );
    h.act(Action::Cancel);
    assert!(
        h.screen()[39].contains("● Hist 101 1:05"),
        "{}",
        h.screen()[39]
    );

    h.act(Action::SessionPause);
    assert!(!h.app.session_ticks(), "no ticks while paused");
    h.now = at(200);
    h.send(Msg::Idle);
    assert_eq!(h.app.sessions.shown, 65, "a pause stops the clock");
    h.act(Action::Cancel);
    assert!(
        h.screen()[39].contains("Hist 101 paused 1:05"),
        "{}",
        h.screen()[39]
    );

    h.act(Action::SessionPause);
    h.now = at(210);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    let b = &h.saved_notes.last().expect("saved").bookmarks[0];
    let mark = b
        .session
        .as_ref()
        .expect("the bookmark records the session");
    assert_eq!((mark.name.as_str(), mark.elapsed), ("Hist 101", 75));

    h.now = at(3_700);
    h.act(Action::Session);
    let msg = h.message_text();
    assert!(
        msg.contains("“Hist 101” ended: 59:25 · 1 entry in 1 document"),
        "{msg}"
    );
    assert!(!h.app.session_ticks());
    let s = &sessions_on_disk(&h).sessions[0];
    assert_eq!(s.elapsed, 65 + 3_700 - 200);
    assert_eq!(s.ended.as_deref(), Some(at(3_700).as_str()));
    assert_eq!(s.pauses.len(), 1);
    assert_eq!(s.pauses[0].at, at(65));
    assert_eq!(s.pauses[0].resumed.as_deref(), Some(at(200).as_str()));
    assert_eq!(s.entries, 1);
    assert_eq!(s.documents, ["bundled:red-terror.md"]);
}

#[test]
fn every_kind_of_entry_records_the_session_across_documents() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.act(Action::Down);
    h.act(Action::AddBookmark);
    h.act(Action::Confirm);
    assert_eq!(
        h.saved_notes.last().expect("saved").bookmarks[0].session,
        None
    );

    start(&mut h, Some("Lecture"));
    h.now = at(30);
    h.act(Action::Annotate);
    h.type_note("the terror was declared");
    h.act(Action::Save);
    h.now = at(40);
    h.act(Action::NoteDocument);
    h.type_note("lecture summary");
    h.act(Action::Save);
    open(&mut h, 1);
    h.now = at(90);
    h.act(Action::Select);
    h.act(Action::Down);
    h.act(Action::Highlight);
    let file = h.saved_notes.last().expect("saved");
    assert_eq!(file.highlights.len(), 1);
    let m = file.highlights[0].session.as_ref().expect("recorded");
    assert_eq!((m.name.as_str(), m.elapsed), ("Lecture", 90));

    let s = h.app.sessions.current().expect("running");
    assert_eq!(s.entries, 3);
    assert_eq!(s.documents, ["bundled:red-terror.md", "bundled:notes.txt"]);
    assert_eq!(sessions_on_disk(&h).sessions[0].entries, 3, "saved at once");

    // The session scope: this document → all → session → this document.
    h.app.focus = Focus::Notes;
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::AllDocuments);
    assert_eq!(
        h.app.notes_items().len(),
        4,
        "with the bookmark from before"
    );
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::Session);
    let rows: Vec<(Option<u64>, String)> = h
        .app
        .notes_items()
        .iter()
        .map(|si| {
            (
                si.item.session.as_ref().map(|m| m.elapsed),
                si.item.title.clone(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 3, "only the session's entries: {rows:?}");
    assert_eq!(rows[0].1, "lecture summary", "its lecture note first");
    assert_eq!(rows[1].0, Some(30));
    assert_eq!(rows[2].0, Some(90));
    let screen = h.screen_text();
    assert!(screen.contains("Session “Lecture” (3)"), "{screen}");
    assert!(screen.contains("lecture note"), "{screen}");

    // The filter works in this scope too.
    h.act(Action::Filter);
    h.type_prompt("terror");
    h.act(Action::Confirm);
    let titles: Vec<String> = h
        .app
        .notes_items()
        .iter()
        .map(|si| si.item.title.clone())
        .collect();
    assert_eq!(titles, ["the terror was declared"]);
    h.act(Action::Filter);
    h.send(Msg::Text(TextEdit::Clear));
    h.act(Action::Confirm);
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::ThisDocument);
}

#[test]
fn without_sessions_the_scope_skips_the_session() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.app.focus = Focus::Notes;
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::AllDocuments);
    h.act(Action::ToggleScope);
    assert_eq!(h.app.scope, Scope::ThisDocument);
}

#[test]
fn a_running_session_is_saved_every_minute_and_stopped_on_quit() {
    let mut h = Harness::new(DOCS, 120, 40);
    start(&mut h, Some("Hist"));
    h.now = at(59);
    let fx = crate::app::update(&mut h.app, Msg::Tick, &h.now.clone());
    assert!(fx.is_empty(), "no save before a minute: {fx:?}");
    h.now = at(61);
    let fx = crate::app::update(&mut h.app, Msg::Tick, &h.now.clone());
    assert!(
        matches!(fx.as_slice(), [Effect::SaveSessions(f)] if f.sessions[0].elapsed == 61),
        "a checkpoint: {fx:?}"
    );
    h.perform(fx);
    h.send(Msg::Idle);
    h.now = at(100);
    let fx = crate::app::update(&mut h.app, Msg::Action(Action::Quit), &h.now.clone());
    let quit = fx.iter().position(|e| matches!(e, Effect::Quit(_)));
    let save = fx.iter().position(|e| matches!(e, Effect::SaveSessions(_)));
    assert!(
        save.is_some() && quit.is_none(),
        "saved first, leaving once it is saved: {fx:?}"
    );
    h.perform(fx);
    assert_eq!(h.quit, Some(0), "the save landed: gone");
    let s = &sessions_on_disk(&h).sessions[0];
    assert!(
        !s.running && s.ended.is_none(),
        "stopped, unfinished: {s:?}"
    );
    assert_eq!(s.elapsed, 100);
    assert_eq!(
        s.pauses.last().map(|p| p.at.as_str()),
        Some(at(100).as_str())
    );

    // Started again: told, and c offers to resume it; the clock goes on.
    let mut h2 = h.restart(
        crate::library::bundled_entries()
            .into_iter()
            .take(1)
            .collect(),
        crate::storage::StateFile::default(),
        120,
        40,
    );
    let file = sessions_on_disk(&h2);
    h2.app.sessions = Sessions::new(file);
    let note = h2.app.unfinished_session_note().expect("told at start");
    assert!(
        note.contains("“Hist” was left unfinished at 1:40"),
        "{note}"
    );
    h2.now = at(1_000);
    h2.act(Action::Session);
    let p = h2.app.prompt.as_ref().expect("prompt");
    assert!(p.label.starts_with("Resume"), "{}", p.label);
    h2.act(Action::Confirm);
    h2.now = at(1_010);
    h2.send(Msg::Tick);
    assert_eq!(h2.app.sessions.shown, 110, "the clock goes on from 1:40");
    let s = h2.app.sessions.current().expect("resumed");
    assert_eq!(
        s.pauses.last().and_then(|p| p.resumed.as_deref()),
        Some(at(1_000).as_str())
    );
}

#[test]
fn start_session_at_launch_resumes_a_session_of_that_name() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.send(Msg::StartSession("  Bio\u{1b}[31m 2 ".into()));
    let s = h.app.sessions.current().expect("started at launch");
    assert_eq!(s.name, "Bio [31m 2", "one clean line");
    let id = s.id.clone();
    h.now = at(50);
    h.act(Action::Session);
    h.now = at(500);
    h.send(Msg::StartSession("bio [31m 2".into()));
    let s = h.app.sessions.current().expect("resumed");
    assert_eq!(s.id, id, "the same session, resumed");
    assert!(s.ended.is_none() && s.running);
    h.now = at(510);
    h.send(Msg::Tick);
    assert_eq!(h.app.sessions.shown, 60);
}

#[test]
fn the_status_line_fits_the_session_at_every_width() {
    for (w, ht) in [(120u16, 40u16), (60, 20), (20, 8)] {
        let mut h = Harness::new(DOCS, w, ht);
        h.send(Msg::StartSession(
            "Modern European History · the long nineteenth century · 2026-11-25".into(),
        ));
        h.now = at(3_725);
        h.send(Msg::Tick);
        h.act(Action::Cancel);
        let status = h.screen()[usize::from(ht) - 1].clone();
        assert!(
            status.contains("1:02:05"),
            "{w}x{ht}: the clock shows: {status:?}"
        );
        assert!(status.contains('●'), "{w}x{ht}: {status:?}");
        match w {
            120 => assert!(
                status.contains("Modern European History · the long"),
                "{status:?}"
            ),
            60 => assert!(
                status.contains("Modern") && status.contains('…'),
                "{status:?}"
            ),
            _ => {}
        }
        h.act(Action::SessionPause);
        h.act(Action::Cancel);
        let status = h.screen()[usize::from(ht) - 1].clone();
        assert!(status.contains("1:02:05"), "{w}x{ht}: {status:?}");
        // On the tiniest screen an hour-long clock leaves room only for
        // the pause mark beside the position.
        let paused = if w > 20 {
            "paused 1:02:05"
        } else {
            "‖ 1:02:05"
        };
        assert!(status.contains(paused), "{w}x{ht}: {status:?}");
        assert!(status.contains(" · 0% "), "{w}x{ht}: {status:?}");
    }
}

#[test]
fn an_unreadable_sessions_file_is_kept_aside_and_the_student_told() {
    let mut h = Harness::new(DOCS, 120, 40);
    let path = h.data.sessions_path();
    std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
    let broken = "schema_version = 1\n[[sessions]\nname = \"half";
    std::fs::write(&path, broken).expect("written");
    start(&mut h, Some("Chem"));
    let msg = h.message_text();
    assert!(
        msg.contains("sessions.toml could not be read: it was kept as"),
        "{msg}"
    );
    let aside: Vec<_> = std::fs::read_dir(path.parent().expect("folder"))
        .expect("listed")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("sessions.toml.unreadable-")
        })
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(aside[0].path()).expect("kept"),
        broken
    );
    assert_eq!(sessions_on_disk(&h).sessions[0].name, "Chem");
}

/// A lecture across two readings, seen in the session scope.
fn lecture(w: u16, ht: u16) -> Harness {
    let mut h = Harness::new(DOCS, w, ht);
    h.send(Msg::StartSession("History 101 · 2026-11-25".into()));
    h.now = at(125);
    h.act(Action::Down);
    h.act(Action::Annotate);
    h.type_note("the terror is declared #exam");
    h.act(Action::Save);
    h.now = at(190);
    h.act(Action::NoteDocument);
    h.type_note("Lecture 3: why terror? ideology vs civil war");
    h.act(Action::Save);
    h.now = at(3_725);
    h.send(Msg::Tick);
    h.act(Action::Cancel);
    h
}

#[test]
fn snapshot_session_scope_120x40() {
    let mut h = lecture(120, 40);
    h.app.focus = Focus::Notes;
    h.act(Action::ToggleScope);
    h.act(Action::ToggleScope);
    // Esc takes the scope's message away (and goes back to the text); tab
    // comes back to the pane.
    h.act(Action::Cancel);
    h.act(Action::FocusNext);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_session_running_60x20() {
    let h = lecture(60, 20);
    insta::assert_snapshot!(h.draw().backend());
}

#[test]
fn snapshot_session_paused_20x8() {
    let mut h = lecture(20, 8);
    h.act(Action::SessionPause);
    h.act(Action::Cancel);
    insta::assert_snapshot!(h.draw().backend());
}

// N3 for sessions: a sessions.toml that cannot be written is treated as
// notes are (listed when quitting with where it is, retried, written by
// "write to a file", brought home), never dropped.

fn failure(h: &Harness) -> crate::storage::SaveFailure {
    h.app
        .saving
        .sessions_failed
        .clone()
        .expect("the failure is kept")
}

fn entries() -> Vec<crate::library::Entry> {
    DOCS.iter()
        .map(|(n, t)| crate::library::bundled_entry(n, t))
        .collect()
}

#[test]
fn n3_a_failed_sessions_save_goes_to_the_temporary_folder_is_listed_and_comes_home() {
    let mut h = Harness::new(DOCS, 120, 40);
    start(&mut h, Some("Hist"));
    assert!(h.data.sessions_path().exists(), "saved while writable");
    h.block_data_folder(true);
    h.now = at(61);
    h.send(Msg::Tick);
    let failed = failure(&h);
    let spare = h.fallback().sessions_path();
    assert_eq!(failed.fallback.as_deref(), Some(spare.as_path()));
    assert!(
        failed
            .message
            .starts_with("lecture sessions not saved in the data folder (read-only folder)"),
        "{}",
        failed.message
    );
    assert!(spare.exists(), "a copy waits in the temporary folder");
    let message = h.app.message.clone().expect("said");
    assert_eq!(message.level, crate::app::Level::Error);
    assert!(
        message.text.contains("temporary folder"),
        "{}",
        message.text
    );
    assert!(!h.app.saving.is_clean());

    h.now = at(100);
    h.act(Action::Quit);
    assert_eq!(h.quit, None, "not gone with the sessions unsaved");
    let screen = h.screen_text();
    assert!(
        screen.contains("lecture sessions: in the temporary folder"),
        "the quit question says where they are:\n{screen}"
    );
    assert!(
        screen.contains("belongs in sessions.toml"),
        "and where they belong:\n{screen}"
    );
    h.press("q");
    assert_eq!(h.quit, Some(0), "q quits anyway");
    let copy: SessionsFile = toml::from_str(&std::fs::read_to_string(&spare).expect("copy"))
        .expect("the copy is a sessions file");
    let s = &copy.sessions[0];
    assert_eq!(
        (s.name.as_str(), s.running, s.elapsed),
        ("Hist", false, 100)
    );

    // Started again with the folder writable: the copy comes home.
    h.block_data_folder(false);
    let h2 = h.reopen(entries(), 120, 40);
    assert!(!spare.exists(), "the copy is removed once home");
    let home = &sessions_on_disk(&h2).sessions[0];
    assert_eq!((home.elapsed, home.running), (100, false), "{home:?}");
    assert!(
        h2.screen_text().contains("1 lecture session came home"),
        "{}",
        h2.screen_text()
    );
    assert!(h2.app.saving.is_clean());
}

#[test]
fn n3_a_failed_sessions_save_is_retried_once_the_folder_is_writable() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.block_data_folder(true);
    start(&mut h, Some("Chem"));
    assert!(h.app.saving.sessions_failed.is_some(), "the save failed");
    assert!(!h.data.sessions_path().exists());
    h.send(Msg::Idle);
    assert!(
        h.app.saving.sessions_failed.is_some(),
        "still failing while blocked"
    );
    h.block_data_folder(false);
    h.send(Msg::Idle);
    assert!(h.app.saving.sessions_failed.is_none(), "retried and saved");
    assert!(!h.fallback().sessions_path().exists(), "the copy went");
    assert_eq!(sessions_on_disk(&h).sessions[0].name, "Chem");
    let said = h.app.message.as_ref().map(|m| m.text.clone());
    assert!(
        said.as_deref()
            .is_some_and(|m| m.contains("lecture sessions are saved now")),
        "{said:?}"
    );
    h.act(Action::Quit);
    assert_eq!(h.quit, Some(0), "nothing left unsaved: quits once saved");
}

/// `q` waits for the sessions' last save; when it fails the quit question
/// lists them; esc stays with the clock running as if it had not stopped;
/// retry once the folder is writable saves them, then quits.
#[test]
fn n3_quitting_waits_for_the_sessions_save_and_asks_when_it_fails() {
    let mut h = Harness::new(DOCS, 120, 40);
    start(&mut h, Some("Bio"));
    h.block_data_folder(true);
    h.now = at(30);
    h.act(Action::Quit);
    assert_eq!(h.quit, None, "the last save failed: asked first");
    assert_eq!(
        h.app.prompt.as_ref().map(|p| &p.kind),
        Some(&PromptKind::UnsavedQuit)
    );
    assert!(
        h.screen_text()
            .contains("lecture sessions: in the temporary folder")
    );
    assert!(!h.app.sessions.running(), "stopped for quitting");

    h.now = at(40);
    h.act(Action::Cancel);
    assert!(h.app.prompt.is_none());
    assert!(h.app.sessions.running(), "staying: the clock runs on");
    let s = h.app.sessions.current().expect("still the session");
    assert!(s.pauses.is_empty(), "no pause for the question: {s:?}");
    h.now = at(50);
    h.send(Msg::Tick);
    assert_eq!(h.app.sessions.shown, 50, "the time asked counts");

    h.now = at(60);
    h.act(Action::Quit);
    assert_eq!(h.quit, None);
    h.block_data_folder(false);
    h.act(Action::Retry);
    assert_eq!(h.quit, Some(0), "saved, then gone");
    let s = &sessions_on_disk(&h).sessions[0];
    assert_eq!((s.running, s.elapsed), (false, 60), "{s:?}");
    assert_eq!(s.pauses.len(), 1, "one pause, at quitting: {s:?}");
    assert_eq!(s.pauses[0].at, at(60));
}

#[test]
fn n3_write_unsaved_writes_the_sessions_too() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.block_data_folder(true);
    start(&mut h, Some("Geo"));
    h.act(Action::Quit);
    h.act(Action::WriteUnsaved);
    // Beside the data folder (which cannot be written).
    let target = h
        .data
        .root
        .parent()
        .expect("the test folder")
        .join("mine.toml");
    h.type_prompt(&target.display().to_string());
    h.act(Action::Confirm);
    assert_eq!(h.quit, Some(0), "written: leaves");
    let sheet: toml::Table =
        toml::from_str(&std::fs::read_to_string(&target).expect("written")).expect("TOML");
    let sessions: SessionsFile = sheet["sessions"]
        .clone()
        .try_into()
        .expect("a sessions file inside");
    assert_eq!(sessions.sessions[0].name, "Geo");
}

/// A copy the last run left in the temporary folder while the data folder
/// stays read-only: its sessions are shown (and resumable), listed as not
/// saved, and come home once the folder can be written.
#[test]
fn n3_sessions_left_waiting_at_start_are_shown_listed_and_retried() {
    let mut h = Harness::new(DOCS, 120, 40);
    h.block_data_folder(true);
    start(&mut h, Some("Art"));
    h.now = at(20);
    h.act(Action::Quit);
    h.press("q");
    assert_eq!(h.quit, Some(0));
    let spare = h.fallback().sessions_path();
    assert!(spare.exists());

    let mut h = h.reopen(entries(), 120, 40);
    assert!(
        h.app.sessions.file.by_name("Art").is_some(),
        "the waiting copy's session is known"
    );
    assert!(h.app.saving.sessions_failed.is_some(), "listed as unsaved");
    h.act(Action::Session);
    let p = h.app.prompt.as_ref().expect("prompt");
    assert!(p.label.starts_with("Resume"), "{}", p.label);
    h.act(Action::Cancel);
    h.block_data_folder(false);
    h.send(Msg::Idle);
    assert!(h.app.saving.is_clean(), "{:?}", h.app.saving);
    assert!(!spare.exists());
    assert_eq!(sessions_on_disk(&h).sessions[0].name, "Art");
}

/// The session-name prompt scrolls sideways: a name longer than the line
/// shows its end as it is typed, with the cursor after it; home shows its
/// start with the cursor there. At 20 and 40 columns.
#[test]
fn the_session_name_prompt_scrolls_to_keep_the_cursor_in_view() {
    let name = "Modern European History · the long nineteenth century";
    for (w, ht) in [(20u16, 8u16), (40, 12)] {
        let mut h = Harness::new(DOCS, w, ht);
        h.act(Action::Session);
        h.send(Msg::Text(TextEdit::Clear));
        h.type_prompt(name);
        let t = h.draw();
        let status = h.screen()[usize::from(ht) - 1].clone();
        assert!(
            status.trim_end().ends_with("century"),
            "{w} columns: the end being typed shows: {status:?}"
        );
        let cursor = t.backend().cursor_position();
        assert_eq!(
            (cursor.x, cursor.y),
            (w - 1, ht - 1),
            "{w} columns: the cursor after the last letter"
        );
        insta::assert_snapshot!(
            format!("session_name_prompt_typed_{w}x{ht}"),
            h.draw().backend()
        );
        h.send(Msg::Text(TextEdit::Home));
        let status = h.screen()[usize::from(ht) - 1].clone();
        assert!(
            status.contains(": Modern"),
            "{w} columns: home shows the start: {status:?}"
        );
        let cursor = h.draw().backend().cursor_position();
        let label_end = status
            .find(": Modern")
            .map(|i| status[..i].chars().count() + 2);
        assert_eq!(Some(usize::from(cursor.x)), label_end, "{status:?}");
        h.act(Action::Confirm);
        assert_eq!(
            h.app.sessions.current().map(|s| s.name.as_str()),
            Some(name),
            "the whole name is kept"
        );
    }
}
