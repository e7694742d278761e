//! End-to-end tests of issue 10: what happens after a save fails (the
//! temporary-folder fallback, its way home, the question before quitting),
//! files from a newer marginote, backups, and the terminal restored on
//! SIGINT, SIGQUIT and ctrl-z (a panic is in `e2e_exit.rs`). Names carry
//! the RELIABILITY.md ids they check.
//!
//! Permission tricks do not work as root, so a read-only data folder is
//! made by putting a file where the `notes` folder belongs: saving fails
//! with "not a directory" for root too.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Sandbox, Tui, key, status};

const WIDE: (u16, u16) = (120, 40);
const DEADLINE: Duration = Duration::from_secs(30);

fn essay_doc(s: &Sandbox) -> PathBuf {
    s.write_doc(
        "essay.md",
        "# Cells\n\nPhotosynthesis happens in the chloroplast. Light reactions come first.\n\n\
         Respiration happens in the mitochondria.\n",
    )
}

/// Starts marginote on `doc` with the temporary folder inside the sandbox.
fn start(s: &Sandbox, doc: &Path) -> Tui {
    let tmp = s.path().join("tmp");
    fs::create_dir_all(&tmp).expect("tmp");
    let t = s.spawn_env(WIDE.0, WIDE.1, &[doc], &[("TMPDIR", tmp.as_os_str())]);
    t.wait_for("Photosynthesis");
    t
}

fn add_note(t: &mut Tui, text: &str) {
    common::write_note(t, text);
}

/// Waits until the notes files' text satisfies `ok` (saves land off the
/// loop, after the screen shows the change).
#[track_caller]
fn on_disk(s: &Sandbox, what: &str, ok: impl Fn(&str) -> bool) {
    common::wait_for_file(what, || {
        let text = notes_text(s);
        if ok(&text) { Ok(()) } else { Err(text) }
    });
}

fn notes_text(s: &Sandbox) -> String {
    s.notes_files()
        .iter()
        .map(|p| fs::read_to_string(p).unwrap_or_default())
        .collect()
}

/// Regression (issue 10, defect 2), N3 at app level: notes saved to the
/// temporary folder while the data folder cannot be written come home on
/// the next start, merged by id, with a message; quitting asked first.
#[test]
fn n3_fallback_notes_come_home_on_the_next_start() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    // A file where the notes folder belongs: saving fails, even as root.
    s.write("data/notes", "not a folder");
    let mut t = start(&s, &doc);
    add_note(&mut t, "stranded thought");
    t.wait_until("the fallback named in the status line", |sc| {
        status(sc).contains("temporary folder")
    });
    t.send("q");
    t.wait_for("Not saved yet");
    t.wait_for("in the temporary folder");
    t.send("q");
    let st = t.wait_exit();
    assert!(st.success(), "q twice quits anyway: {st:?}");
    t.assert_terminal_restored();
    let spare: Vec<PathBuf> = common::files_under(&s.path().join("tmp/marginote-unsaved"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert_eq!(spare.len(), 1, "one fallback copy: {spare:?}");

    // The folder is fixed; the next start brings the note home.
    fs::remove_file(s.data.join("notes")).expect("unblock");
    let mut t = start(&s, &doc);
    t.wait_until("how many notes came home", |sc| {
        status(sc).contains("1 note came home from the temporary folder")
    });
    t.wait_for("stranded thought");
    t.quit();
    assert!(notes_text(&s).contains("stranded thought"), "note not home");
    assert!(!spare[0].exists(), "the fallback copy is removed once home");
}

/// N3: a failed save is retried when the folder can be written again (on
/// the idle tick), and then quitting does not ask.
#[test]
fn n3_a_failed_save_is_retried_once_the_folder_is_fixed() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    s.write("data/notes", "not a folder");
    let mut t = start(&s, &doc);
    add_note(&mut t, "kept for later");
    t.wait_until("the failure", |sc| status(sc).contains("temporary folder"));
    fs::remove_file(s.data.join("notes")).expect("unblock");
    t.wait_until("the retry's success", |sc| status(sc).contains("saved now"));
    t.quit();
    assert!(notes_text(&s).contains("kept for later"));
    let left = common::files_under(&s.path().join("tmp/marginote-unsaved"));
    assert!(
        !left
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "toml")),
        "fallback copy left: {left:?}"
    );
}

/// Regression (issue 10, defect 1), N8: a notes file from a newer
/// marginote is never written over; a new note goes beside it and shows
/// again on the next start.
#[test]
fn n8_a_newer_notes_file_is_kept_and_new_notes_go_beside_it() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    let mut t = start(&s, &doc);
    add_note(&mut t, "first");
    t.quit();
    let main = s.notes_files().pop().expect("a notes file");
    let text = fs::read_to_string(&main).expect("read");
    let newer = text.replace("schema_version = 1", "schema_version = 2")
        + "\n[flashcards]\ndeck = \"bio\"\n";
    fs::write(&main, &newer).expect("write");

    let mut t = start(&s, &doc);
    t.wait_until("the newer file named before typing", |sc| {
        status(sc).contains("newer marginote")
    });
    add_note(&mut t, "second");
    t.send("q");
    let st = t.wait_exit();
    assert!(st.success(), "nothing is stranded: q quits: {st:?}");
    assert_eq!(
        fs::read_to_string(&main).expect("read"),
        newer,
        "newer file changed"
    );
    let beside: Vec<PathBuf> = s.files_in_notes(|n| n.ends_with(".v1.toml"));
    assert_eq!(beside.len(), 1, "a file beside the newer one");
    let kept = fs::read_to_string(&beside[0]).expect("read");
    assert!(kept.contains("second") && kept.contains("first"), "{kept}");

    let mut t = start(&s, &doc);
    t.wait_for("second");
    t.quit();
}

/// N7 end to end: five saves, the file broken by hand, a restart names the
/// newest good backup, which holds save five.
#[test]
fn n7_a_broken_notes_file_offers_its_newest_backup() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    let mut t = start(&s, &doc);
    for i in 1..=5 {
        add_note(&mut t, &format!("save{i}"));
    }
    t.quit();
    let main = s.notes_files().pop().expect("a notes file");
    fs::write(&main, "schema_version = 1\n[[notes]\n").expect("corrupt");
    let mut t = start(&s, &doc);
    t.wait_until("the reason, then the backup offered", |sc| {
        status(sc).contains("(line 2, column 9) — newest good backup")
    });
    // The whole message, with the backup's path, is listed in help.
    t.send("?");
    t.wait_until("the backup's full path in help", |sc| {
        let text = common::screen_text(sc);
        text.contains("newest good backup:")
            && text.contains("/data/notes/essay-md-")
            && text.contains("(copy it over the file to restore it)")
    });
    t.send("?");
    t.wait_gone("Problems found at startup");
    let mut backup = main.clone().into_os_string();
    backup.push(".bak.1");
    let kept = fs::read_to_string(&backup).expect("backup");
    assert!(kept.contains("save5"), "the newest backup holds save #5");
    // `B` in the Notes pane puts it back; the broken file is kept aside.
    t.send(key::TAB);
    t.send("B");
    t.wait_until("the restore reported", |sc| {
        status(sc).contains("restored 5 entries")
    });
    t.wait_for("save5");
    t.quit();
    let restored = fs::read_to_string(&main).expect("restored");
    assert_eq!(restored, kept, "the file is the backup again");
    assert_eq!(
        s.files_in_notes(|n| n.contains(".unreadable-")).len(),
        1,
        "the broken file is kept aside"
    );
}

fn kill(pid: u32, signal: &str) {
    let st = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(st.success(), "kill -{signal} {pid}");
}

#[cfg(unix)]
fn t5_signal(signal: &str, code: i32) {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    let mut t = start(&s, &doc);
    assert!(t.tty_raw().unwrap_or(true), "raw mode while running");
    kill(t.pid(), signal);
    let st = t.wait_exit();
    assert_eq!(
        st.exit_code(),
        u32::try_from(code).expect("code"),
        "T5: SIG{signal} exits 128+n"
    );
    t.assert_terminal_restored();
}

#[cfg(unix)]
#[test]
fn t5_sigint_restores_and_exits_130() {
    t5_signal("INT", 130);
}

#[cfg(unix)]
#[test]
fn t5_sigquit_restores_and_exits_131() {
    t5_signal("QUIT", 131);
}

/// ctrl-z: the terminal is restored before the stop, and the app draws
/// again after `fg` (SIGCONT). In a pty with no job-control shell the stop
/// may be discarded by the kernel (orphaned process group); the restore
/// and the redraw are what matter.
#[cfg(unix)]
#[test]
fn t5_ctrl_z_restores_then_redraws_on_resume() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    let mut t = start(&s, &doc);
    let count =
        |raw: &[u8], needle: &[u8]| raw.windows(needle.len()).filter(|w| *w == needle).count();
    let entered = count(&t.raw(), b"\x1b[?1049h");
    t.send("\x1a");
    let start_wait = Instant::now();
    let mut continued = false;
    loop {
        let raw = t.raw();
        if count(&raw, b"\x1b[?1049l") >= 1 && !continued {
            kill(t.pid(), "CONT");
            continued = true;
        }
        if continued && count(&raw, b"\x1b[?1049h") > entered {
            break;
        }
        assert!(
            start_wait.elapsed() < DEADLINE,
            "T5: ctrl-z did not restore and come back"
        );
        // A poll interval while waiting on another process, not a timing
        // assumption: the deadline above is what fails.
        std::thread::sleep(Duration::from_millis(10));
    }
    t.wait_for("Photosynthesis");
    assert_eq!(t.tty_raw(), Some(true), "raw mode again after resume");
    t.quit();
    t.assert_terminal_restored();
}

/// Regression (issue 10, defect 1, second half): a `state.toml` with a
/// newer schema silently stopped saving reading positions.
#[test]
fn n8_a_newer_state_file_keeps_positions_saved_beside_it() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    let newer = "schema_version = 2\nlayout = \"grid\"\n";
    s.write("data/state.toml", newer);
    let mut t = start(&s, &doc);
    t.wait_until("the newer state file named", |sc| {
        status(sc).contains("newer marginote")
    });
    t.send("G");
    t.quit();
    assert_eq!(
        fs::read_to_string(s.data.join("state.toml")).expect("read"),
        newer,
        "the newer state is untouched"
    );
    let beside = fs::read_to_string(s.data.join("state.v1.toml")).expect("positions beside it");
    assert!(beside.contains("[positions."), "{beside}");
}

/// Regression (issue 10, defect 3), N5 with two real windows: A edits a
/// note, B deletes it, A saves. The words come back (with a message), never
/// "note updated" with nothing saved.
#[test]
fn n5_two_windows_an_edit_racing_a_delete_keeps_the_words() {
    let s = Sandbox::new();
    let doc = essay_doc(&s);
    let mut a = start(&s, &doc);
    add_note(&mut a, "alpha");
    // Saves run on each window's saver thread: B reads the file A wrote,
    // and A's save must meet B's delete on disk, so each waits for it.
    on_disk(&s, "A's note on disk", |t| t.contains("text = \"alpha\""));
    let mut b = start(&s, &doc);
    b.wait_for("alpha");
    a.send(key::TAB);
    a.send("e");
    a.wait_for("alpha");
    a.send(" more words");
    a.wait_for("alpha more words");
    b.send(key::TAB);
    b.send("d");
    b.wait_until("B deleted it", |sc| status(sc).contains("deleted note"));
    on_disk(&s, "B's delete on disk", |t| {
        !t.contains("text = \"alpha\"")
    });
    a.send(key::ENTER);
    a.wait_until("A told what happened", |sc| {
        status(sc).contains("another window had deleted this note")
    });
    a.quit();
    b.quit();
    let text = notes_text(&s);
    assert!(
        text.contains("alpha more words"),
        "the edit is saved: {text}"
    );
    assert!(!text.contains("text = \"alpha\"\n"), "{text}");
}

/// Regression (issue 10, defect 6), T3/I2 for Markdown: an invalid byte
/// shows as its value, `<FF>`, never `�`; a note on the sentence holding
/// it quotes what the page shows, and is found in place after a restart.
#[test]
fn i2_invalid_bytes_in_markdown_show_as_byte_values_and_notes_anchor_on_them() {
    let s = Sandbox::new();
    let doc = s.write_doc(
        "bytes.md",
        b"# Photosynthesis notes\n\nThe caf\xFF opened at dawn.\n\nA second paragraph follows.\n",
    );
    let mut t = start(&s, &doc);
    t.wait_for("The caf<FF> opened at dawn.");
    assert!(!t.screen().contains('\u{FFFD}'), "{}", t.screen());
    t.send("/");
    t.wait_until("the search prompt", |sc| status(sc).starts_with(" Search"));
    t.send("opened");
    t.wait_until("a match", |sc| status(sc).contains("match 1 of"));
    t.send(key::ENTER);
    t.send("a");
    t.wait_for("Note on “The caf<FF> opened");
    t.send("bad byte here");
    t.wait_for("bad byte here");
    t.send(key::ENTER);
    t.wait_gone("Note on “");
    t.quit();
    let saved = notes_text(&s);
    assert!(
        saved.contains("bad byte here") && saved.contains("caf\u{EFFF} opened"),
        "the quote keeps the byte (as its byte mark): {saved}"
    );
    let mut t = start(&s, &doc);
    t.wait_for("The caf<FF> opened at dawn.");
    t.send(key::TAB);
    t.wait_for("bad byte here");
    let screen = t.screen();
    assert!(
        !screen.contains("lost") && !screen.contains('\u{FFFD}'),
        "the note is found in place: {screen}"
    );
    t.quit();
}
