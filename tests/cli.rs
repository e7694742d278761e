//! `marginote export`: the study sheet from the command line, for every
//! document or named ones, as Markdown or JSON, to stdout or a file.

use std::process::Command;

use marginote::storage::{Anchor, DataDir, Note, NotesFile, Store};

fn note(id: &str, text: &str, exact: &str) -> Note {
    Note {
        session: None,
        id: id.into(),
        text: text.into(),
        tags: marginote::study::notes::tags(text),
        created: "2026-11-25T10:00:00+01:00".into(),
        updated: "2026-11-25T10:00:00+01:00".into(),
        anchor: Some(Anchor::bare(0, exact)),
        extra: toml::Table::new(),
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_marginote"))
}

#[test]
fn export_prints_every_documents_notes_and_writes_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir");
    let essay = docs.join("terror.txt");
    std::fs::write(&essay, "The Red Terror\nDeclared in September 1918.\n").expect("write");
    let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
    let key = std::fs::canonicalize(&essay)
        .expect("canon")
        .to_string_lossy()
        .into_owned();
    let mut file = NotesFile::new(key.clone(), "The Red Terror", "");
    file.notes.push(note(
        "n1",
        "Why then? #exam \u{1b}]0;x\u{7}",
        "Declared in September 1918.",
    ));
    Store::new()
        .save_notes(&data.notes_path(&key, "terror.txt"), &file)
        .expect("saved");

    let out = bin()
        .args(["--data-dir"])
        .arg(&data.root)
        .arg("export")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(md.contains("# Study sheet: The Red Terror"), "{md}");
    assert!(md.contains("> Declared in September 1918."), "{md}");
    assert!(md.contains("Why then? #exam"), "{md}");
    assert!(!md.contains('\u{1b}'), "an escape reached the sheet");

    let json_path = dir.path().join("sheet.json");
    let out = bin()
        .arg("export")
        .arg(&essay)
        .args(["--format", "json", "-o"])
        .arg(&json_path)
        .arg("--data-dir")
        .arg(&data.root)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("written")).expect("JSON");
    assert_eq!(js[0]["entries"][0]["tags"][0], "exam");
    assert_eq!(js[0]["title"], "The Red Terror");
}
