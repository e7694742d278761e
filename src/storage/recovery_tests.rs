//! Tests of what happens after a save fails or a file breaks: backups
//! (N7), the temporary-folder fallback and its way home (N3), and the
//! regressions of issue 10 that live in storage.
use super::tests::{bookmark, encoded, ids, loaded, notes_with};
use super::*;
use tempfile::TempDir;

/// A data dir whose `notes` folder cannot be created: a file stands where
/// the folder belongs. Works as root too, unlike `chmod`.
fn blocked_data_dir(dir: &Path) -> DataDir {
    let data = DataDir {
        root: dir.join("data"),
    };
    fs::create_dir_all(&data.root).unwrap();
    fs::write(data.notes_dir(), b"not a folder").unwrap();
    data
}

fn unblock(data: &DataDir) {
    fs::remove_file(data.notes_dir()).unwrap();
}

#[test]
fn n7_backups_rotate_after_clean_load() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes").join("n.toml");
    let store = Store::new();
    let mut notes = notes_with(&[]);
    for save in 1..=5 {
        notes.bookmarks.push(bookmark(&format!("s{save}"), save));
        notes = store.save_notes(&path, &notes).unwrap().file;
    }
    let count = |n| loaded(&backup_path(&path, n)).bookmarks.len();
    assert_eq!(
        (count(1), count(2), count(3)),
        (5, 4, 3),
        "n7: .bak.1 holds the newest save"
    );
    assert!(!backup_path(&path, 4).exists(), "n7: only three backups");

    fs::write(&path, b"schema_version = 1\n[[bookmarks]\n").unwrap();
    let LoadOutcome::Unreadable { problem } = store.load_notes(&path) else {
        panic!("n7: a corrupt file must not load")
    };
    assert!(
        problem.contains("n.toml.bak.1") && problem.contains("restore"),
        "n7: the newest good backup (save #5) is not offered: {problem}"
    );
    assert_eq!(
        store.newest_good_notes_backup(&path),
        Some(backup_path(&path, 1))
    );
    assert_eq!(count(1), 5, "n7: the offered backup is save #5");

    // A save over the broken file moves it aside but rotates nothing: the
    // good backups stay.
    let mut after = notes_with(&["x"]);
    after = store.save_notes(&path, &after).unwrap().file;
    assert_eq!(
        (count(1), count(2), count(3)),
        (5, 4, 3),
        "n7: rotated after a broken load"
    );
    after.bookmarks.push(bookmark("y", 9));
    store.save_notes(&path, &after).unwrap();
    assert_eq!((count(1), count(2)), (2, 5), "n7: clean saves rotate again");
}

#[test]
fn n7_a_broken_backup_is_skipped() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("state.toml");
    let store = Store::new();
    store.save_state(&path, &StateFile::default()).unwrap();
    store
        .save_state(
            &path,
            &StateFile {
                last_document: Some("/a".into()),
                ..StateFile::default()
            },
        )
        .unwrap();
    fs::write(backup_path(&path, 1), b"[[[").unwrap();
    fs::write(&path, b"[[[").unwrap();
    assert_eq!(
        store.newest_good_state_backup(&path),
        Some(backup_path(&path, 2))
    );
}

#[test]
fn n3_fallback_copy_comes_home_with_the_next_save_that_works() {
    let dir = TempDir::new().unwrap();
    let data = blocked_data_dir(dir.path());
    let fallback = Fallback::under(&dir.path().join("tmp"), &data);
    let path = data.notes_path("/books/a.md", "a");
    let store = Store::new();
    let notes = notes_with(&["a"]);
    let failure = store
        .save_notes_or_fallback(&fallback, &path, &notes)
        .unwrap_err();
    let spare = failure.fallback.clone().expect("n3: copy in the fallback");
    assert!(spare.starts_with(&fallback.root), "{}", spare.display());
    assert!(
        failure.message.contains("temporary folder"),
        "{}",
        failure.message
    );
    assert_eq!(ids(&loaded(&spare)), ["a"]);

    unblock(&data);
    let mut later = notes_with(&["b"]);
    later.document = notes.document.clone();
    let saved = store
        .save_notes_or_fallback(&fallback, &path, &later)
        .unwrap();
    assert_eq!(
        ids(&saved.file),
        ["a", "b"],
        "n3: the fallback copy was not merged"
    );
    assert_eq!(ids(&loaded(&path)), ["a", "b"]);
    assert!(!spare.exists(), "n3: fallback copy left after coming home");
}

/// Regression (issue 10, defect 2): fallback notes were never merged back.
#[test]
fn n3_fallback_copies_are_merged_back_at_start() {
    let dir = TempDir::new().unwrap();
    let data = blocked_data_dir(dir.path());
    let fallback = Fallback::under(&dir.path().join("tmp"), &data);
    let path = data.notes_path("/books/a.md", "a");
    let store = Store::new();
    let failure = store
        .save_notes_or_fallback(&fallback, &path, &notes_with(&["a", "b"]))
        .unwrap_err();
    let spare = failure.fallback.expect("copy in the fallback");

    // Still blocked: nothing comes home, the copy stays.
    let reclaimed = store.reclaim(&fallback, &data);
    assert_eq!(reclaimed.entries, 0);
    assert_eq!(reclaimed.problems.len(), 1, "{reclaimed:?}");
    assert!(spare.exists(), "n3: copy removed before it was saved home");

    unblock(&data);
    // Another window saved one of them meanwhile.
    store.save_notes(&path, &notes_with(&["a"])).unwrap();
    let reclaimed = store.reclaim(&fallback, &data);
    assert_eq!(
        reclaimed.entries, 1,
        "n3: how many came home: {reclaimed:?}"
    );
    assert_eq!(reclaimed.files, 1);
    assert_eq!(ids(&loaded(&path)), ["a", "b"]);
    assert!(!spare.exists(), "n3: copy left after it came home");
    assert_eq!(store.reclaim(&fallback, &data), Reclaimed::default());
}

/// Regression (issue 10, defect 1): the fallback refused a copy carrying
/// a newer schema number.
#[test]
fn n3_fallback_takes_notes_loaded_from_a_newer_file() {
    let dir = TempDir::new().unwrap();
    let data = blocked_data_dir(dir.path());
    let fallback = Fallback::under(&dir.path().join("tmp"), &data);
    let path = data.notes_path("/books/a.md", "a");
    let mut notes = notes_with(&["a"]);
    notes.schema_version = SCHEMA_VERSION + 1;
    let failure = Store::new()
        .save_notes_or_fallback(&fallback, &path, &notes)
        .unwrap_err();
    let spare = failure.fallback.expect("n3: the newer copy was refused");
    assert_eq!(ids(&loaded(&spare)), ["a"]);
}

#[test]
fn fallback_folders_differ_per_data_folder() {
    let a = DataDir { root: "/a".into() };
    let b = DataDir { root: "/b".into() };
    let tmp = Path::new("/tmp");
    assert_ne!(Fallback::under(tmp, &a).root, Fallback::under(tmp, &b).root);
    let _ = encoded(&notes_with(&[]));
}

/// Regression (issue 10, defect 6): at 80 columns a broken-notes message
/// showed mostly the path and hid the reason.
#[test]
fn a_broken_file_message_shows_the_reason_within_80_columns() {
    let dir = TempDir::new().unwrap();
    let deep = dir
        .path()
        .join("a-very-long-folder-name-for-a-university-course")
        .join("another-long-folder-name")
        .join("notes");
    fs::create_dir_all(&deep).unwrap();
    let path = deep.join("the-red-terror-0123456789abcdef.toml");
    fs::write(&path, b"schema_version = 1\n[[bookmarks]\n").unwrap();
    let LoadOutcome::Unreadable { problem } = Store::new().load_notes(&path) else {
        panic!("broken file loaded")
    };
    let first: String = problem.chars().take(78).collect();
    assert!(
        first.contains("unclosed array table"),
        "the reason must fit in an 80-column status line: {first:?}"
    );
}

/// A notes file for `doc` holding bookmarks `ids`.
fn notes_for(doc: &str, bookmarks: &[&str]) -> NotesFile {
    let mut notes = notes_with(bookmarks);
    notes.document = doc.into();
    notes
}

/// Copies an earlier marginote left straight in `<temp>/marginote-unsaved/`
/// (before copies were kept per data folder) come home when they are
/// known to be this data folder's, and are left, and named, otherwise.
#[test]
fn n3_copies_from_the_previous_version_come_home_only_with_evidence() {
    let dir = TempDir::new().unwrap();
    let data = DataDir {
        root: dir.path().join("data"),
    };
    let fallback = Fallback::under(&dir.path().join("tmp"), &data);
    let old = dir.path().join("tmp/marginote-unsaved");
    fs::create_dir_all(&old).unwrap();
    let store = Store::new();
    let old_copy = |path: &Path, notes: &NotesFile| {
        let copy = old.join(path.file_name().unwrap());
        fs::write(&copy, encoded(notes)).unwrap();
        copy
    };

    // 1. This data folder's file plus a note it could not save: shares ids.
    let a = data.notes_path("/books/a.md", "a");
    store
        .save_notes(&a, &notes_for("/books/a.md", &["a1", "a2"]))
        .unwrap();
    let copy_a = old_copy(&a, &notes_for("/books/a.md", &["a1", "a2", "a3"]));
    // 2. No file here yet, but this data folder reads the document.
    let b = data.notes_path("/books/b.md", "b");
    let copy_b = old_copy(&b, &notes_for("/books/b.md", &["b1"]));
    let mut state = StateFile::default();
    state.positions.insert(
        "/books/b.md".into(),
        Position {
            anchor: tests::anchor(0),
            updated: "2026-01-01T00:00:00Z".into(),
            fingerprint: String::new(),
            extra: toml::Table::new(),
        },
    );
    // A bundled text is read by every data folder: no evidence alone.
    state.positions.insert(
        "bundled:x.md".into(),
        state.positions["/books/b.md"].clone(),
    );
    store.save_state(&data.state_path(), &state).unwrap();
    let x = data.notes_path("bundled:x.md", "x");
    let copy_x = old_copy(&x, &notes_for("bundled:x.md", &["x1"]));
    // 3. Another data folder's notes on a document this one also has notes
    //    on: no entry in common.
    let c = data.notes_path("/books/c.md", "c");
    store
        .save_notes(&c, &notes_for("/books/c.md", &["c1"]))
        .unwrap();
    let copy_c = old_copy(&c, &notes_for("/books/c.md", &["other1"]));
    // 4. A document this data folder never saw.
    let d = data.notes_path("/books/d.md", "d");
    let copy_d = old_copy(&d, &notes_for("/books/d.md", &["d1"]));
    // Not a notes file named for its document: not ours to judge.
    fs::write(
        old.join("stray.toml"),
        encoded(&notes_for("/books/e.md", &["e1"])),
    )
    .unwrap();

    let reclaimed = store.reclaim(&fallback, &data);
    assert_eq!(reclaimed.entries, 2, "a3 and b1 came home: {reclaimed:?}");
    assert_eq!(reclaimed.files, 2, "{reclaimed:?}");
    assert_eq!(ids(&loaded(&a)), ["a1", "a2", "a3"], "merged by id");
    assert_eq!(ids(&loaded(&b)), ["b1"]);
    assert!(
        !copy_a.exists() && !copy_b.exists(),
        "adopted copies are removed once home"
    );
    assert_eq!(
        ids(&loaded(&c)),
        ["c1"],
        "another data folder's notes are not merged"
    );
    assert!(!x.exists() && !d.exists(), "no evidence: nothing written");
    for copy in [&copy_x, &copy_c, &copy_d] {
        assert!(copy.exists(), "left where it was: {}", copy.display());
        let name = copy.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            reclaimed.problems.iter().any(|p| p.contains(&name)),
            "the user is told where {name} waits: {:?}",
            reclaimed.problems
        );
    }
    assert!(old.join("stray.toml").exists());
    assert_eq!(reclaimed.problems.len(), 3, "{:?}", reclaimed.problems);
    let message = reclaimed_message(&reclaimed, &data);
    assert!(message.starts_with("2 notes came home"), "{message}");
}

/// An adopted copy is removed only once the merge is saved: while the
/// data folder cannot be written, it stays.
#[test]
fn n3_a_copy_from_the_previous_version_stays_until_saved_home() {
    let dir = TempDir::new().unwrap();
    let data = DataDir {
        root: dir.path().join("data"),
    };
    let store = Store::new();
    let a = data.notes_path("/books/a.md", "a");
    store
        .save_notes(&a, &notes_for("/books/a.md", &["a1"]))
        .unwrap();
    let fallback = Fallback::under(&dir.path().join("tmp"), &data);
    let old = dir.path().join("tmp/marginote-unsaved");
    fs::create_dir_all(&old).unwrap();
    let copy = old.join(a.file_name().unwrap());
    fs::write(&copy, encoded(&notes_for("/books/a.md", &["a1", "a2"]))).unwrap();
    // The data folder can be read but not written.
    let fs = crate::testkit::BlockableFs::default();
    fs.block(Some(data.root.clone()));
    let blocked = Store::with_fs(fs);
    let reclaimed = blocked.reclaim(&fallback, &data);
    assert_eq!(reclaimed.files, 0, "{reclaimed:?}");
    assert!(
        reclaimed
            .problems
            .iter()
            .any(|p| p.contains("could not come home yet")),
        "{reclaimed:?}"
    );
    assert!(copy.exists(), "the copy stays until its merge is saved");
    let reclaimed = store.reclaim(&fallback, &data);
    assert_eq!(
        (reclaimed.entries, reclaimed.files),
        (1, 1),
        "{reclaimed:?}"
    );
    assert_eq!(ids(&loaded(&a)), ["a1", "a2"]);
    assert!(!copy.exists());
}
