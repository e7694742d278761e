//! The command line of issue 14's engine, through the built binary:
//! `marginote review --due` counts what is due and drops after an answer
//! is logged (a second run replays the log), and `marginote export
//! --format anki|csv|obsidian` writes import-shaped files. Each test has
//! its own data folder in a temp dir.

use std::path::Path;
use std::process::{Command, Output};

use marginote::study::review::{Review, log};

const NOTES: &str = r#"schema_version = 1
document = "/lectures/terror.txt"
title = "The Red Terror"
deleted = []

[[bookmarks]]
id = "b1"
label = "start"
created = "2026-12-01T09:00:00Z"

[bookmarks.anchor]
offset = 0
exact = "The"

[[highlights]]
id = "h1"
created = "2026-12-01T09:00:00Z"

[highlights.anchor]
offset = 40
exact = "founded in December 1917"
prefix = "The Cheka was "
suffix = " by Dzerzhinsky. Then"

[[notes]]
id = "n1"
text = "Why September 1918? #exam"
tags = ["exam"]
created = "2026-12-01T09:00:00Z"

[notes.anchor]
offset = 120
exact = "the decree of 5 September"

[[notes]]
id = "n2"
text = "Only background #noreview"
tags = ["noreview"]
created = "2026-12-01T09:00:00Z"

[[notes]]
id = "n3"
text = "Compare with essay 5, line\tby line"
created = "2026-12-01T09:00:00Z"
"#;

fn data_dir(root: &Path) -> std::path::PathBuf {
    let data = root.join("data");
    std::fs::create_dir_all(data.join("notes")).expect("folder");
    std::fs::write(
        data.join("notes").join("terror-0000000000000001.toml"),
        NOTES,
    )
    .expect("notes");
    data
}

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginote"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("MARGINOTE_DATA_DIR")
        .output()
        .expect("run marginote")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn review_due_counts_cards_and_drops_after_an_answer() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = data_dir(tmp.path());
    // h1, n1, n3: no bookmark, no #noreview.
    assert_eq!(stdout(&run(&data, &["review", "--due"])), "3\n");

    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let path = log::log_path(&marginote::storage::DataDir { root: data.clone() });
    log::append(&path, &Review::new("h1", now, 4)).expect("answer logged");

    let loaded = log::load(&path).expect("the log parses");
    assert_eq!(loaded.log.reviews.len(), 1);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    // A new run replays the log: the card answered "easy" is not due.
    assert_eq!(stdout(&run(&data, &["review", "--due"])), "2\n");
    // Without --due, `review` is the app's review screen, in a terminal:
    // tests/e2e_review.rs drives it.
}

#[test]
fn export_anki_is_import_shaped() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = data_dir(tmp.path());
    let text = stdout(&run(&data, &["export", "--format", "anki"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..3],
        ["#separator:tab", "#html:true", "#tags column:3"],
        "{text}"
    );
    assert_eq!(lines.len(), 6, "three headers, three cards:\n{text}");
    for line in &lines[3..] {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "front, back, tags: {line:?}");
        assert!(!fields[0].is_empty() && !fields[1].is_empty());
        assert!(fields[2].split(' ').any(|t| t == "marginote"), "{line:?}");
    }
    assert!(
        text.contains("The Cheka was ____ by Dzerzhinsky.\t"),
        "{text}"
    );
    assert!(
        text.contains("Compare with essay 5, line&#9;by line\t"),
        "{text}"
    );
}

#[test]
fn export_csv_and_obsidian() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = data_dir(tmp.path());
    let csv = stdout(&run(&data, &["export", "--format", "csv"]));
    assert!(
        csv.starts_with("Highlight,Title,Author,URL,Note,Location,Date\r\n"),
        "{csv}"
    );
    assert_eq!(
        csv.matches("\r\n").count(),
        5,
        "header and four rows:\n{csv}"
    );

    let out = run(&data, &["export", "--format", "obsidian"]);
    assert!(!out.status.success(), "obsidian needs -o DIR");
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR"));

    let vault = tmp.path().join("vault");
    let vault_arg = vault.to_string_lossy().into_owned();
    stdout(&run(
        &data,
        &["export", "--format", "obsidian", "-o", &vault_arg],
    ));
    let note = std::fs::read_to_string(vault.join("The Red Terror.md")).expect("one note");
    assert!(
        note.starts_with("---\ntitle: \"The Red Terror\"\n"),
        "{note}"
    );
    assert!(
        note.contains("tags: [\"exam\", \"marginote\", \"noreview\"]"),
        "{note}"
    );
}
