//! End-to-end tests of issue 12 ("a 30 MB notes file never blocks a
//! key"): notes saves run on the saver thread, so the screen answers keys
//! while a save of a big notes file runs, and quitting (by `q` or by a
//! signal) waits for every queued save, saying "saving notes…", before
//! the process goes. Nothing queued is lost.
//!
//! `MARGINOTE_HOLD_SAVES=PATH` makes each save wait until `PATH` exists:
//! the tests hold the saves, act, then let them go, so nothing depends on
//! how long a save takes (no sleeps, no timing).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Sandbox, Tui, key, status};

const WIDE: (u16, u16) = (120, 40);

/// Notes appended to the file: about 1.4 MB, over the size whose notes
/// are read after the text (1 MiB), yet quick in a debug build.
const BIG: usize = 3_000;

fn doc() -> String {
    let mut text = String::from("# The Saver Essay\n\n");
    for p in 0..40 {
        text.push_str(&format!(
            "Paragraph {p} says something worth a note. It has a second sentence too.\n\n"
        ));
    }
    text
}

fn toml_str(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// `n` notes on the passages of `text`, as TOML tables to append.
fn many_notes(text: &str, n: usize) -> String {
    let exact = "It has a second sentence too.";
    let offsets: Vec<usize> = text.match_indices(exact).map(|(i, _)| i).collect();
    let mut out = String::new();
    for i in 0..n {
        let off = offsets[i % offsets.len()];
        let prefix = &text[off.saturating_sub(32)..off];
        let end = off + exact.len();
        let suffix = &text[end..(end + 32).min(text.len())];
        out.push_str(&format!(
            "\n[[notes]]\nid = \"nbig{i:06}\"\ntext = \"bulk note {i}, as long as a real note would be, with a few more words in it\"\ntags = []\ncreated = \"2026-12-04T10:00:00+00:00\"\nupdated = \"2026-12-04T10:00:00+00:00\"\n\n[notes.anchor]\noffset = {off}\nexact = {}\nprefix = {}\nsuffix = {}\n",
            toml_str(exact),
            toml_str(prefix),
            toml_str(suffix),
        ));
    }
    out
}

#[track_caller]
fn note(t: &mut Tui, text: &str) {
    common::note_saved(t, text);
}

/// A note whose save is held: the editor closes and the status line says
/// the note is being saved, never that it is saved (N1: "saved" means on
/// disk).
#[track_caller]
fn note_held(t: &mut Tui, text: &str) {
    common::write_note(t, text);
    t.wait_until("“saving note…”", |s| {
        status(s).contains("saving note…")
    });
    let shown = t.with_screen(status);
    assert!(
        !shown.contains("saved"),
        "N1: the status claims a held save is done: {shown:?}"
    );
}

/// A document whose notes file holds [`BIG`] notes (and one typed note),
/// made by a first run of the app.
fn big_notes_file(s: &Sandbox) -> (PathBuf, PathBuf) {
    let text = doc();
    let path = s.write_doc("saver.md", &text);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&path]);
    t.wait_for("The Saver Essay");
    note(&mut t, "seed note");
    t.quit();
    let files = s.notes_files();
    assert_eq!(files.len(), 1, "one notes file: {files:?}");
    let notes = files[0].clone();
    let mut body = fs::read_to_string(&notes).expect("read the notes file");
    body.push_str(&many_notes(&text, BIG));
    fs::write(&notes, body).expect("write the big notes file");
    (path, notes)
}

/// The texts of the notes in `file`.
fn texts_on_disk(file: &Path) -> Vec<String> {
    let t = common::parse_toml(file);
    t.get("notes")
        .and_then(|n| n.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|n| n.get("text").and_then(|x| x.as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn spawn_held(s: &Sandbox, doc: &Path, gate: &Path) -> Tui {
    let t = s.spawn_env(
        WIDE.0,
        WIDE.1,
        &[doc],
        &[("MARGINOTE_HOLD_SAVES", gate.as_os_str())],
    );
    t.wait_for("The Saver Essay");
    t
}

/// Issue 12: while a note's save is running, keys are answered (a second
/// note is typed and sent), `q` waits for both saves with "saving notes…"
/// on screen, and every note is on disk after.
#[test]
fn issue12_keys_answer_while_a_big_notes_file_saves_and_quit_waits() {
    let s = Sandbox::new();
    let (doc, notes) = big_notes_file(&s);
    let gate = s.path().join("release-saves");
    let mut t = spawn_held(&s, &doc, &gate);
    note_held(&mut t, "note alpha");
    // The save of alpha is held: the screen still answers every key.
    t.send("jjj");
    note_held(&mut t, "note beta");
    let now = texts_on_disk(&notes);
    assert!(
        !now.iter().any(|n| n == "note alpha"),
        "the save was held, yet alpha is on disk: the test proves nothing"
    );
    t.send("q");
    t.wait_until("“saving notes…” while quit waits", |s| {
        status(s).contains("saving notes")
    });
    fs::write(&gate, "").expect("release the saves");
    let st = t.wait_exit();
    assert!(st.success(), "q leaves once saved: {st:?}\n{}", t.screen());
    t.assert_terminal_restored();
    let on_disk = texts_on_disk(&notes);
    for want in ["seed note", "note alpha", "note beta"] {
        assert!(
            on_disk.iter().any(|n| n == want),
            "N2: {want:?} missing after quit"
        );
    }
    assert_eq!(on_disk.len(), BIG + 3, "every note kept");
}

/// Issue 12: SIGTERM while a save is queued: the queue is written (the
/// screen says "saving notes…" meanwhile), then the app exits 143.
#[test]
fn issue12_sigterm_waits_for_queued_saves() {
    let s = Sandbox::new();
    let (doc, notes) = big_notes_file(&s);
    let gate = s.path().join("release-saves");
    let mut t = spawn_held(&s, &doc, &gate);
    note_held(&mut t, "note gamma");
    let pid = t.pid();
    let st = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(st.success(), "kill -TERM {pid} failed");
    t.wait_until("“saving notes…” before exiting", |s| {
        status(s).contains("saving notes")
    });
    fs::write(&gate, "").expect("release the saves");
    let status = t.wait_exit();
    assert_eq!(
        (status.exit_code(), status.signal()),
        (143, None),
        "T5: SIGTERM exits 143"
    );
    t.assert_terminal_restored();
    let on_disk = texts_on_disk(&notes);
    assert!(on_disk.iter().any(|n| n == "note gamma"), "N12: gamma lost");
    assert_eq!(on_disk.len(), BIG + 2, "every note kept");
}

/// Regression (issue 12, N2): a document opened again while its saves
/// wait holds only what its file had; a note made there is then coalesced
/// with a save of the same file still waiting, whose note must still be
/// written (the saver once kept only the newest snapshot, which lacked it).
#[test]
fn issue12_a_note_after_reopening_never_drops_a_waiting_save() {
    let s = Sandbox::new();
    let (_, notes) = big_notes_file(&s);
    s.write_doc(
        "zz-other.md",
        "# The Other Essay\n\nNothing to note here.\n",
    );
    let gate = s.path().join("release-saves");
    let mut t = spawn_held(&s, &s.docs, &gate);
    // The pane's title is cut at its width: "Notes · this document (3001".
    let loaded = format!("this document ({}", BIG + 1);
    t.wait_for(&loaded);
    // Alpha's save is held on the saver thread; beta's waits behind it.
    note_held(&mut t, "note alpha");
    t.send("jjj");
    note_held(&mut t, "note beta");
    // Away and back: the notes are read again from the file, which has
    // neither alpha nor beta yet.
    t.send(key::SHIFT_TAB);
    t.send("j");
    t.send(key::ENTER);
    t.wait_for("Nothing to note here");
    t.send(key::SHIFT_TAB);
    t.send("k");
    t.send(key::ENTER);
    t.wait_for("The Saver Essay");
    t.wait_until("the notes read again", |s| {
        let text = common::screen_text(s);
        !text.contains("Nothing to note here")
            && (text.contains(&format!("this document ({}", BIG + 1))
                || text.contains(&format!("this document ({}", BIG + 3)))
    });
    // Gamma's save replaces beta's in the queue.
    note_held(&mut t, "note gamma");
    fs::write(&gate, "").expect("release the saves");
    t.send("q");
    let st = t.wait_exit();
    assert!(st.success(), "q leaves once saved: {st:?}\n{}", t.screen());
    let on_disk = texts_on_disk(&notes);
    for want in ["seed note", "note alpha", "note beta", "note gamma"] {
        assert!(
            on_disk.iter().any(|n| n == want),
            "N2: {want:?} missing after quit"
        );
    }
    assert_eq!(on_disk.len(), BIG + 4, "every note kept, once");
}
