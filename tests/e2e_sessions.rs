//! End-to-end tests of lecture sessions (issue 14, part 1): `c` starts a
//! session named after the folder and the date, entries in two documents
//! record it, `c` ends it, and the notes files and `sessions.toml` on disk
//! say so; `--session NAME` starts one at launch and resumes it later.
//!
//! The real binary in a pseudo-terminal (`tests/common`), waiting on the
//! screen with a deadline, never a sleep; then the files are read back.

mod common;

use common::{Sandbox, Tui, key, parse_toml, region, status};

const WIDE: (u16, u16) = (120, 40);

const WILLOW: &str = "# Willows

Willows grow near water. Their roots hold the bank together.

Basket makers cut the young shoots in winter. The shoots are called withies.
";

const RIVERS: &str = "# Rivers

Rivers carve valleys over long ages. Floods spread silt across the plain.

Deltas form where a river meets the sea and slows down.
";

fn reader_title(s: &vt100::Screen) -> String {
    region(s, 30, 60)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn tables(t: &toml::Table, key: &str) -> Vec<toml::Table> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_table().cloned()).collect())
        .unwrap_or_default()
}

fn str_of(t: &toml::Table, k: &str) -> String {
    t.get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn int_of(t: &toml::Table, k: &str) -> i64 {
    t.get(k).and_then(|v| v.as_integer()).unwrap_or(-1)
}

/// The session mark of an entry: (name, elapsed).
fn mark(entry: &toml::Table) -> (String, i64) {
    let m = entry
        .get("session")
        .and_then(|v| v.as_table())
        .unwrap_or_else(|| panic!("the entry records its session: {entry:?}"));
    (str_of(m, "name"), int_of(m, "elapsed"))
}

/// A course folder with two readings, marginote open on the first.
fn open_course(s: &Sandbox, args: &[&str]) -> Tui {
    s.write("History 101/a-rivers.md", RIVERS);
    s.write("History 101/b-willows.md", WILLOW);
    let folder = s.path().join("History 101");
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    all.push(folder.as_os_str());
    let t = s.spawn(WIDE.0, WIDE.1, &all);
    t.wait_until("Rivers open", |s| reader_title(s).contains("┬ Rivers"));
    t
}

#[test]
fn a_session_across_two_documents_is_recorded_in_their_notes_and_in_sessions_toml() {
    let s = Sandbox::new();
    let mut t = open_course(&s, &[]);

    // Before class: a document note that belongs to no session.
    t.send("A");
    t.wait_for("the whole document");
    t.send("reading before class");
    t.wait_for("reading before class");
    t.send(key::ENTER);
    t.wait_until("note saved", |s| status(s).contains("note saved"));

    t.send("c");
    t.wait_until("the suggested name", |s| {
        status(s).starts_with(" Start a session named: History 101 · 20")
    });
    t.send(key::ENTER);
    t.wait_until("started", |s| status(s).contains("session “History 101 · "));
    t.send(key::ESC);
    t.wait_until("the session on the status line", |s| {
        status(s).contains("● History 101 · 20")
    });

    // A note in the first reading…
    t.send("a");
    t.wait_for("Note on “");
    t.send("rivers make valleys");
    t.wait_for("rivers make valleys");
    t.send(key::ENTER);
    t.wait_until("note saved", |s| status(s).contains("note saved"));

    // …a highlight in the second.
    t.send(key::SHIFT_TAB);
    t.send("j");
    t.send(key::ENTER);
    t.wait_until("Willows open", |s| reader_title(s).contains("┬ Willows"));
    t.send("v");
    t.send("j");
    t.send("h");
    t.wait_until("highlighted", |s| status(s).contains("highlighted"));

    t.send("c");
    t.wait_until("ended, with its count", |s| {
        let st = status(s);
        st.contains("” ended: ") && st.contains("2 entries in 2 documents")
    });
    t.quit();

    let files = s.notes_files();
    assert_eq!(files.len(), 2, "one notes file per reading: {files:?}");
    let mut marks = Vec::new();
    for f in &files {
        let table = parse_toml(f);
        for kind in ["notes", "highlights", "bookmarks"] {
            marks.extend(
                tables(&table, kind)
                    .iter()
                    .filter(|e| {
                        e.get("text").and_then(|v| v.as_str()) != Some("reading before class")
                    })
                    .map(mark),
            );
        }
    }
    assert_eq!(
        marks.len(),
        2,
        "a note and a highlight, and the note before class has no session: {marks:?}"
    );

    let sessions = parse_toml(&s.data.join("sessions.toml"));
    let list = tables(&sessions, "sessions");
    assert_eq!(list.len(), 1, "{sessions:?}");
    let session = &list[0];
    let name = str_of(session, "name");
    assert!(name.starts_with("History 101 · 20"), "{name}");
    assert_eq!(int_of(session, "entries"), 2);
    let docs = session
        .get("documents")
        .and_then(|v| v.as_array())
        .map(Vec::len);
    assert_eq!(docs, Some(2), "{session:?}");
    assert!(!str_of(session, "ended").is_empty(), "ended: {session:?}");
    assert!(session.get("running").is_none(), "not running: {session:?}");
    let total = int_of(session, "elapsed");
    assert!((0..600).contains(&total), "a plausible clock: {total}");
    let mut last = 0;
    for (entry_name, elapsed) in &marks {
        assert_eq!(entry_name, &name);
        assert!(
            (0..=total).contains(elapsed),
            "made during the session: {elapsed} of {total}"
        );
        last = last.max(*elapsed);
    }
    assert!(last <= total);

    // The study sheet of that session, across both readings: exactly the
    // two entries made in it, not the note from before class.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marginote"))
        .args(["export", "--session", &name, "--data-dir"])
        .arg(&s.data)
        .env_remove("MARGINOTE_DATA_DIR")
        .output()
        .expect("run marginote export");
    let sheet = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "export: {out:?}");
    assert!(sheet.contains("rivers make valleys"), "{sheet}");
    assert!(sheet.contains("## Willows"), "the second reading: {sheet}");
    assert_eq!(sheet.matches("### Highlight").count(), 1, "{sheet}");
    assert_eq!(sheet.matches("### Note").count(), 1, "{sheet}");
    assert!(!sheet.contains("reading before class"), "{sheet}");
}

#[test]
fn session_flag_starts_a_session_at_launch_that_ticks_and_resumes_next_time() {
    let s = Sandbox::new();
    let mut t = open_course(&s, &["--session", "Bio 2"]);
    t.wait_until("started at launch", |s| {
        status(s).contains("session “Bio 2” started")
    });
    t.send(key::ESC);
    // The clock moves on its own, a second at a time.
    t.wait_until("the clock ticking", |s| status(s).contains("● Bio 2 0:02"));
    let sessions = parse_toml(&s.data.join("sessions.toml"));
    let list = tables(&sessions, "sessions");
    assert_eq!(list.len(), 1);
    assert_eq!(str_of(&list[0], "name"), "Bio 2");
    assert_eq!(list[0].get("running").and_then(|v| v.as_bool()), Some(true));
    let id = str_of(&list[0], "id");

    t.send("C");
    t.wait_until("paused", |s| status(s).contains("paused at"));
    t.send(key::ESC);
    t.wait_until("paused on the status line", |s| {
        status(s).contains("‖ Bio 2 paused 0:0")
    });
    t.quit();

    // Quitting stopped the clock and left the session to resume.
    let list = tables(&parse_toml(&s.data.join("sessions.toml")), "sessions");
    assert!(list[0].get("running").is_none() && list[0].get("ended").is_none());
    let total = int_of(&list[0], "elapsed");
    assert!(total >= 2, "{total}");

    let mut t = s.spawn(WIDE.0, WIDE.1, &["--session", "bio 2"]);
    t.wait_until("resumed", |s| {
        status(s).contains("resumed session “Bio 2” at 0:0")
    });
    t.quit();
    let list = tables(&parse_toml(&s.data.join("sessions.toml")), "sessions");
    assert_eq!(list.len(), 1, "the same session, not a second one");
    assert_eq!(str_of(&list[0], "id"), id);
    assert!(int_of(&list[0], "elapsed") >= total);
}

/// A folder where sessions.toml's lock file goes: every save of the
/// sessions fails, for root too (permission tricks do not stop root; see
/// `e2e_recovery.rs`), while notes and the reading position still save.
fn block_sessions(s: &Sandbox) -> std::path::PathBuf {
    let lock = s.data.join("sessions.toml.lock");
    std::fs::create_dir_all(&lock).expect("a folder in the way");
    lock
}

/// The course open with `--session NAME`, the temporary folder inside the
/// sandbox.
fn open_course_in_session(s: &Sandbox, name: &str) -> Tui {
    s.write("History 101/a-rivers.md", RIVERS);
    let tmp = s.path().join("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp");
    let folder = s.path().join("History 101");
    let args = [
        std::ffi::OsStr::new("--session"),
        std::ffi::OsStr::new(name),
        folder.as_os_str(),
    ];
    let t = s.spawn_env(WIDE.0, WIDE.1, &args, &[("TMPDIR", tmp.as_os_str())]);
    t.wait_until("Rivers open", |s| reader_title(s).contains("┬ Rivers"));
    t
}

fn spare_sessions(s: &Sandbox) -> Vec<std::path::PathBuf> {
    common::files_under(&s.path().join("tmp/marginote-unsaved"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "sessions.toml"))
        .collect()
}

/// N3 for sessions: a sessions.toml that cannot be written is said, listed
/// in the quit question with where it is, and saved by the retry once the
/// folder is fixed; then `q` quits without asking.
#[test]
fn n3_unsaved_sessions_are_listed_on_quit_and_saved_once_the_folder_is_fixed() {
    let s = Sandbox::new();
    let lock = block_sessions(&s);
    let mut t = open_course_in_session(&s, "Week 1");
    t.wait_until("the failure in the status line", |sc| {
        status(sc).contains("lecture sessions not saved in the data folder")
    });
    t.send("q");
    t.wait_for("Not saved yet");
    t.wait_for("lecture sessions: in the temporary folder");
    t.wait_for("belongs in sessions.toml");
    assert_eq!(
        spare_sessions(&s).len(),
        1,
        "a copy in the temporary folder"
    );
    t.send(key::ESC);
    t.wait_gone("Not saved yet");

    std::fs::remove_dir(&lock).expect("unblock");
    t.wait_until("the retry's success", |sc| {
        status(sc).contains("lecture sessions are saved now")
    });
    t.send("q");
    let st = t.wait_exit();
    assert!(st.success(), "nothing unsaved: q quits: {st:?}");
    t.assert_terminal_restored();
    let file = parse_toml(&s.data.join("sessions.toml"));
    let sessions = tables(&file, "sessions");
    assert_eq!(sessions.len(), 1, "{file:?}");
    assert_eq!(str_of(&sessions[0], "name"), "Week 1");
    assert!(
        sessions[0].get("running").is_none(),
        "stopped on quit: {file:?}"
    );
    assert!(spare_sessions(&s).is_empty(), "the copy went once home");
}

/// N3: quitting anyway leaves the sessions in the temporary folder; the
/// next start brings them home and says so.
#[test]
fn n3_sessions_left_in_the_temporary_folder_come_home_on_the_next_start() {
    let s = Sandbox::new();
    let lock = block_sessions(&s);
    let mut t = open_course_in_session(&s, "Week 2");
    t.wait_until("the failure in the status line", |sc| {
        status(sc).contains("lecture sessions not saved")
    });
    t.send("q");
    t.wait_for("lecture sessions: in the temporary folder");
    t.send("q");
    assert!(t.wait_exit().success(), "q twice quits anyway");
    assert!(!s.data.join("sessions.toml").exists());
    let spare = spare_sessions(&s);
    assert_eq!(spare.len(), 1);

    std::fs::remove_dir(&lock).expect("unblock");
    let tmp = s.path().join("tmp");
    let folder = s.path().join("History 101");
    let mut t = s.spawn_env(
        WIDE.0,
        WIDE.1,
        &[folder.as_os_str()],
        &[("TMPDIR", tmp.as_os_str())],
    );
    t.wait_until("what came home, said", |sc| {
        status(sc).contains("1 lecture session came home from the temporary folder")
    });
    t.quit();
    let file = parse_toml(&s.data.join("sessions.toml"));
    let sessions = tables(&file, "sessions");
    assert_eq!(str_of(&sessions[0], "name"), "Week 2", "{file:?}");
    assert!(!spare[0].exists(), "the copy is removed once home");
}
