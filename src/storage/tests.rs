//! Tests of the storage promises (RELIABILITY N1–N11), named after their IDs.
use super::*;
use proptest::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Hang detector for anything that waits on another process or thread.
pub(super) const HANG: Duration = Duration::from_secs(30);

// -- fixtures ----------------------------------------------------------

pub(super) fn anchor(offset: usize) -> Anchor {
    Anchor {
        offset,
        exact: format!("passage {offset}"),
        prefix: "before ".into(),
        suffix: " after".into(),
        changed: false,
        status: Default::default(),
        current: None,
        extra: toml::Table::new(),
    }
}

pub(super) fn bookmark(id: &str, offset: usize) -> Bookmark {
    Bookmark {
        session: None,
        id: id.into(),
        label: format!("label {id}"),
        created: "2025-01-02T03:04:05Z".into(),
        anchor: anchor(offset),
        extra: toml::Table::new(),
    }
}

pub(super) fn notes_with(ids: &[&str]) -> NotesFile {
    let mut notes = NotesFile::new("/books/a.md", "A", "fp");
    notes.bookmarks = ids
        .iter()
        .enumerate()
        .map(|(i, id)| bookmark(id, i * 10))
        .collect();
    notes
}

pub(super) fn ids(notes: &NotesFile) -> Vec<&str> {
    notes.bookmarks.iter().map(|b| b.id.as_str()).collect()
}

pub(super) fn encoded(notes: &NotesFile) -> Vec<u8> {
    toml::to_string(&NotesFile::merge(notes, None))
        .unwrap()
        .into_bytes()
}

#[track_caller]
pub(super) fn loaded(path: &Path) -> NotesFile {
    match Store::new().load_notes(path) {
        LoadOutcome::Loaded(notes) => notes,
        other => panic!("expected {} to load, got {other:?}", path.display()),
    }
}

fn names_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().contains(needle))
    });
    found
}

fn debris(dir: &Path) -> Vec<PathBuf> {
    names_containing(dir, ".tmp-")
}

fn asides(dir: &Path) -> Vec<PathBuf> {
    names_containing(dir, ".unreadable-")
}

#[track_caller]
fn assert_clean_problem(problem: &str, file_name: &str, line: Option<usize>) {
    assert!(
        problem.chars().count() <= 200,
        "problem longer than 200 chars: {problem}"
    );
    assert!(
        !problem.chars().any(|c| c.is_control()),
        "control character in problem: {problem:?}"
    );
    assert!(
        problem.contains(file_name),
        "problem does not name {file_name}: {problem}"
    );
    if let Some(line) = line {
        assert!(
            problem.contains(&format!("line {line},")),
            "problem does not say line {line}: {problem}"
        );
    }
}

// -- fault-injecting file system ----------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// Step k fails, later steps work.
    FailOnce(usize),
    /// Step k and every later step fail.
    FailFrom(usize),
    /// The process aborts right after step k.
    AbortAfter(usize),
}

/// Wraps the real file system; counts every step and fails or aborts one.
struct FaultFs {
    fault: Fault,
    kind: io::ErrorKind,
    calls: AtomicUsize,
    ops: Mutex<Vec<&'static str>>,
}

impl FaultFs {
    fn new(fault: Fault) -> Self {
        Self::with_kind(fault, io::ErrorKind::Other)
    }

    fn with_kind(fault: Fault, kind: io::ErrorKind) -> Self {
        Self {
            fault,
            kind,
            calls: AtomicUsize::new(0),
            ops: Mutex::new(Vec::new()),
        }
    }

    fn ops(&self) -> Vec<&'static str> {
        self.ops.lock().unwrap().clone()
    }

    fn fails(&self, n: usize) -> bool {
        match self.fault {
            Fault::FailOnce(k) => n == k,
            Fault::FailFrom(k) => n >= k,
            Fault::None | Fault::AbortAfter(_) => false,
        }
    }

    fn step<R>(&self, op: &'static str, run: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        self.ops.lock().unwrap().push(op);
        if self.fails(n) {
            return Err(io::Error::new(
                self.kind,
                format!("injected fault at step {n} ({op})"),
            ));
        }
        let result = run();
        if self.fault == Fault::AbortAfter(n) {
            std::process::abort();
        }
        result
    }
}

impl Fs for FaultFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.step("read", || RealFs.read(path, limit))
    }
    fn symlink_target(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        self.step("symlink_target", || RealFs.symlink_target(path))
    }
    fn exists(&self, path: &Path) -> io::Result<bool> {
        self.step("exists", || RealFs.exists(path))
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.step("create_dir_all", || RealFs.create_dir_all(dir))
    }
    fn lock(&self, path: &Path) -> io::Result<File> {
        self.step("lock", || RealFs.lock(path))
    }
    fn list_dir(&self, dir: &Path) -> io::Result<Vec<OsString>> {
        self.step("list_dir", || RealFs.list_dir(dir))
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.step("remove_file", || RealFs.remove_file(path))
    }
    fn create_temp(&self, path: &Path, like: &Path) -> io::Result<File> {
        self.step("create_temp", || RealFs.create_temp(path, like))
    }
    fn write_all(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        // A failing write leaves half the bytes behind, as a full disk does.
        if self.fails(self.calls.load(Ordering::SeqCst)) {
            let _ = RealFs.write_all(file, &bytes[..bytes.len() / 2]);
        }
        self.step("write_all", || RealFs.write_all(file, bytes))
    }
    fn sync_file(&self, file: &File) -> io::Result<()> {
        self.step("sync_file", || RealFs.sync_file(file))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.step("rename", || RealFs.rename(from, to))
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.step("sync_dir", || RealFs.sync_dir(dir))
    }
}

/// Steps whose failure a save may shrug off.
const BEST_EFFORT: &[&str] = &["list_dir", "remove_file"];

// -- re-executing this test binary ---------------------------------------

const CHILD_PATH: &str = "MARGINOTE_STORAGE_TEST_CHILD_PATH";
const CHILD_ARG: &str = "MARGINOTE_STORAGE_TEST_CHILD_ARG";

/// Set only in a child started by [`spawn_child`]: (file, argument).
pub(super) fn child_env() -> Option<(PathBuf, String)> {
    let path = std::env::var_os(CHILD_PATH)?;
    Some((
        PathBuf::from(path),
        std::env::var(CHILD_ARG).unwrap_or_default(),
    ))
}

/// Runs test `name` of this binary alone in a new process, in child mode.
pub(super) fn spawn_child(name: &str, path: &Path, arg: &str, stdout: Stdio) -> Child {
    let module = module_path!();
    let module = module
        .split_once("::")
        .map_or(module, |(_crate, rest)| rest);
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &format!("{module}::{name}"),
            "--nocapture",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(CHILD_PATH, path)
        .env(CHILD_ARG, arg)
        .stdin(Stdio::null())
        .stdout(stdout)
        .spawn()
        .unwrap()
}

pub(super) fn wait_or_kill(mut child: Child) -> ExitStatus {
    let deadline = Instant::now() + HANG;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("child {} hung for {HANG:?}", child.id());
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Deterministic pseudo-random numbers (a seeded LCG), so a failing
/// round can be replayed.
pub(super) fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

// -- model, paths -------------------------------------------------------

#[test]
fn round_trip_notes_and_state() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes").join("a.toml");
    let mut notes = notes_with(&["b2", "b1"]);
    notes.bookmarks[0].anchor.offset = 50;
    notes.deleted = vec!["zz".into(), "aa".into()];
    let saved = Store::new().save_notes(&path, &notes).unwrap();
    assert_eq!(
        ids(&saved.file),
        ["b1", "b2"],
        "bookmarks are written in text order"
    );
    assert_eq!(
        saved.file.deleted,
        ["aa", "zz"],
        "tombstones are written sorted"
    );
    assert_eq!(loaded(&path), saved.file);

    let state_path = dir.path().join("state.toml");
    let mut state = StateFile {
        last_document: Some("/books/a.md".into()),
        ..StateFile::default()
    };
    let position = Position {
        anchor: anchor(7),
        updated: "2025-01-01T00:00:00Z".into(),
        fingerprint: String::new(),
        extra: toml::Table::new(),
    };
    state.positions.insert("/books/a.md".into(), position);
    let saved = Store::new().save_state(&state_path, &state).unwrap();
    assert_eq!(saved.file, state);
    assert_eq!(
        Store::new().load_state(&state_path),
        LoadOutcome::Loaded(state)
    );
}

#[test]
fn n8_unknown_fields_survive() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("a.toml");
    let text = r#"schema_version = 1
document = "/books/a.md"
title = "A"
fingerprint = "fp"
deleted = ["gone"]
future_flag = true
opened = 2024-05-06T07:08:09Z

[future_table]
k = "v"

[[future_list]]
m = 1

[[bookmarks]]
id = "b1"
label = "L"
created = "2025-01-01T00:00:00Z"
colour = "red"

[bookmarks.anchor]
offset = 3
exact = "e"
prefix = "p"
suffix = "s"
hint = { start = 1, end = 2 }
"#;
    fs::write(&path, text).unwrap();
    let mut notes = loaded(&path);
    let original = notes.clone();
    assert_eq!(
        notes.extra.len(),
        4,
        "n8: top-level unknown fields: {:?}",
        notes.extra
    );
    assert_eq!(notes.bookmarks[0].extra["colour"].as_str(), Some("red"));
    assert!(notes.bookmarks[0].anchor.extra.contains_key("hint"));

    notes.bookmarks.push(bookmark("b2", 9));
    Store::new().save_notes(&path, &notes).unwrap();
    let again = loaded(&path);
    assert_eq!(
        again.extra, original.extra,
        "n8: unknown top-level fields lost"
    );
    assert_eq!(
        again.bookmarks[0], original.bookmarks[0],
        "n8: unknown bookmark/anchor fields lost"
    );
    let written = fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("opened = 2024-05-06T07:08:09Z"),
        "n8: datetime became something else:\n{written}"
    );

    // Unknown fields in state positions survive too.
    let state_path = dir.path().join("state.toml");
    let state_text = "schema_version = 1\nzoom = 2\n\
        [positions.\"/a\"]\nupdated = \"x\"\nmode = \"scroll\"\n\
        [positions.\"/a\".anchor]\noffset = 1\nexact = \"e\"\n";
    fs::write(&state_path, state_text).unwrap();
    let LoadOutcome::Loaded(state) = Store::new().load_state(&state_path) else {
        panic!("state did not load")
    };
    let saved = Store::new().save_state(&state_path, &state).unwrap().file;
    assert_eq!(saved.extra["zoom"].as_integer(), Some(2));
    assert_eq!(saved.positions["/a"].extra["mode"].as_str(), Some("scroll"));
}

#[test]
fn n8_newer_schema_loads_read_only_and_is_never_written_over() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("a.toml");
    let beside = dir.path().join("a.v1.toml");
    let fits = b"schema_version = 2\ndocument = \"/books/a.md\"\nflashcards = [{ id = \"f1\" }]\n\
        [[notes]]\nid = \"n1\"\ntext = \"old\"\ncolour = \"amber\"\n"
        .to_vec();
    let does_not_fit = b"schema_version = 2\ndocument = { key = \"/books/a.md\" }\n".to_vec();
    for (case, bytes) in [("fits our model", fits), ("does not fit", does_not_fit)] {
        let _ = fs::remove_file(&beside);
        fs::write(&path, &bytes).unwrap();
        match Store::new().load_notes(&path) {
            LoadOutcome::Loaded(newer) => {
                assert!(
                    newer.is_read_only(),
                    "{case}: a newer file must load read-only"
                );
                // Regression (issue 10, defect 1): the copy in memory carries
                // the newer schema; saving it must still keep its notes.
                let mut ours = newer.clone();
                ours.notes.push(study_note(
                    "n-new",
                    "typed under v2",
                    "2026-01-01T00:00:00Z",
                ));
                let saved = Store::new().save_notes(&path, &ours).unwrap();
                assert_eq!(
                    saved.beside_newer.as_deref(),
                    Some(beside.as_path()),
                    "{case}"
                );
                let back = loaded(&path);
                assert!(
                    back.is_read_only(),
                    "{case}: still shown as the newer file's"
                );
                assert!(
                    back.notes.iter().any(|n| n.id == "n-new"),
                    "{case}: note not merged back on load"
                );
                assert!(
                    back.extra.contains_key("flashcards"),
                    "{case}: newer fields lost"
                );
                let kept = loaded(&beside);
                let n1 = kept
                    .notes
                    .iter()
                    .find(|n| n.id == "n1")
                    .expect("n1 kept beside");
                assert_eq!(
                    n1.extra.get("colour").and_then(|v| v.as_str()),
                    Some("amber"),
                    "{case}: a field the newer version wrote on a note was lost"
                );
                assert!(
                    kept.extra.contains_key("flashcards"),
                    "{case}: top-level field lost"
                );
            }
            LoadOutcome::Unreadable { problem } => {
                assert_clean_problem(&problem, "a.toml", Some(2));
                assert!(problem.contains("newer marginote"), "{case}: {problem}");
            }
            LoadOutcome::Missing => panic!("{case}: newer file reported missing"),
        }
        // Our own schema-1 notes neither replace nor move aside a newer file:
        // they go beside it.
        let saved = Store::new()
            .save_notes(&path, &notes_with(&["b1"]))
            .unwrap();
        assert_eq!(
            saved.beside_newer.as_deref(),
            Some(beside.as_path()),
            "{case}"
        );
        assert!(
            ids(&loaded(&beside)).contains(&"b1"),
            "{case}: not saved beside"
        );
        assert_eq!(loaded(&beside).schema_version, SCHEMA_VERSION, "{case}");
        assert_eq!(
            fs::read(&path).unwrap(),
            bytes,
            "{case}: newer file changed"
        );
        assert!(
            asides(dir.path()).is_empty(),
            "{case}: newer file moved aside"
        );
    }
    // Once the newer file is gone (or replaced by one this version
    // reads), the notes saved beside it come home and the copy goes.
    fs::write(&path, encoded(&notes_with(&["old"]))).unwrap();
    let merged = loaded(&path);
    assert!(
        ids(&merged).contains(&"b1") && ids(&merged).contains(&"old"),
        "{:?}",
        ids(&merged)
    );
    Store::new().save_notes(&path, &merged).unwrap();
    assert!(
        !beside.exists(),
        "the copy beside is removed once merged and saved"
    );
    assert!(ids(&loaded(&path)).contains(&"b1"));
}

#[test]
fn n8_state_from_a_newer_version_keeps_saving_positions_beside_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("state.toml");
    let newer = b"schema_version = 3\nlast_document = \"/a\"\nlayout = \"grid\"\n".to_vec();
    fs::write(&path, &newer).unwrap();
    let LoadOutcome::Loaded(mut state) = Store::new().load_state(&path) else {
        panic!("a newer state that fits loads")
    };
    assert!(state.is_read_only());
    state.positions.insert(
        "/a".into(),
        Position {
            anchor: anchor(5),
            updated: "2026-01-01T00:00:00Z".into(),
            fingerprint: String::new(),
            extra: toml::Table::new(),
        },
    );
    let saved = Store::new().save_state(&path, &state).unwrap();
    assert_eq!(
        saved.beside_newer.as_deref(),
        Some(dir.path().join("state.v1.toml").as_path())
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        newer,
        "the newer state is untouched"
    );
    let LoadOutcome::Loaded(again) = Store::new().load_state(&path) else {
        panic!("loads")
    };
    assert_eq!(again.positions["/a"].anchor.offset, 5, "position not kept");
}

#[test]
fn n8_a_file_we_could_not_read_back_is_never_written() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.toml");
    Store::new().save_notes(&path, &notes_with(&["a"])).unwrap();
    let before = fs::read(&path).unwrap();
    let mut notes = notes_with(&["a", "b"]);
    notes.extra.insert("title".into(), toml::Value::Integer(1));
    let err = Store::new().save_notes(&path, &notes).unwrap_err();
    assert!(matches!(err, StorageError::Encode { .. }), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn data_dir_resolution_and_paths() {
    let cli = Some(PathBuf::from("/from/cli"));
    let env = Some(OsString::from("/from/env"));
    assert_eq!(
        DataDir::resolve(cli.clone(), env.clone()).unwrap().root,
        Path::new("/from/cli")
    );
    assert_eq!(
        DataDir::resolve(None, env).unwrap().root,
        Path::new("/from/env")
    );
    match DataDir::resolve(None, Some(OsString::new())) {
        Ok(dir) => assert!(
            dir.root.ends_with("marginote"),
            "platform default: {}",
            dir.root.display()
        ),
        Err(e) => assert!(matches!(e, StorageError::NoDataDir), "{e}"),
    }
    assert!(
        DataDir::resolve(Some("rel".into()), None)
            .unwrap()
            .root
            .is_absolute()
    );

    let data = DataDir { root: "/d".into() };
    assert_eq!(data.state_path(), Path::new("/d/state.toml"));
    let key = "/home/me/Books/War & Peace.md";
    let expected = format!("/d/notes/war-peace-{:016x}.toml", fnv1a64(key.as_bytes()));
    assert_eq!(data.notes_path(key, "War & Peace"), Path::new(&expected));
    assert_ne!(
        data.notes_path("/a/x.md", "x"),
        data.notes_path("/b/x.md", "x")
    );
    assert!(
        data.notes_path("/k", "日本語")
            .to_string_lossy()
            .contains("/notes/notes-")
    );
}

#[test]
fn fnv1a64_matches_reference_vectors() {
    assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
}

// -- merging ------------------------------------------------------------

#[test]
fn merge_state_keeps_the_newer_position() {
    let position = |offset, updated: &str| Position {
        anchor: anchor(offset),
        updated: updated.into(),
        fingerprint: String::new(),
        extra: toml::Table::new(),
    };
    let mut ours = StateFile {
        last_document: None,
        ..StateFile::default()
    };
    ours.positions
        .insert("a".into(), position(1, "2025-01-01T10:00:00Z"));
    ours.positions
        .insert("b".into(), position(2, "2025-01-01T10:00:00.5Z"));
    let mut disk = StateFile {
        last_document: Some("b".into()),
        ..StateFile::default()
    };
    disk.positions
        .insert("a".into(), position(10, "2025-01-01T11:00:00+00:00"));
    disk.positions
        .insert("b".into(), position(20, "2025-01-01T10:00:00Z"));
    disk.positions.insert("c".into(), position(30, "junk"));
    let merged = StateFile::merge(&ours, Some(disk));
    assert_eq!(
        merged.positions["a"].anchor.offset, 10,
        "their newer position kept"
    );
    assert_eq!(
        merged.positions["b"].anchor.offset, 2,
        "our newer position kept (fractional seconds)"
    );
    assert_eq!(
        merged.positions["c"].anchor.offset, 30,
        "positions only on disk kept"
    );
    assert_eq!(merged.last_document.as_deref(), Some("b"));
}

// -- N1: fault injection -------------------------------------------------

struct Scenario {
    name: &'static str,
    before: Option<Vec<u8>>,
    /// `before` cannot be parsed, so a save moves it aside.
    broken: bool,
    ours: NotesFile,
}

fn scenarios() -> Vec<Scenario> {
    let old = notes_with(&["a", "b", "c"]);
    let mut ours = old.clone();
    ours.bookmarks.push(bookmark("d", 35));
    let broken = b"schema_version = 1\n[[bookmarks]\nid = ".to_vec();
    vec![
        Scenario {
            name: "existing file",
            before: Some(encoded(&old)),
            broken: false,
            ours: ours.clone(),
        },
        Scenario {
            name: "first save, no folder",
            before: None,
            broken: false,
            ours: ours.clone(),
        },
        Scenario {
            name: "unparseable file",
            before: Some(broken),
            broken: true,
            ours,
        },
    ]
}

/// A fresh dir holding the scenario's file at `<dir>/notes/sub/n.toml`.
fn set_up(scenario: &Scenario) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes").join("sub").join("n.toml");
    if let Some(bytes) = &scenario.before {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
    }
    (dir, path)
}

/// The steps of a clean save, and the bytes it leaves.
fn clean_run(scenario: &Scenario) -> (Vec<&'static str>, Vec<u8>) {
    let (_dir, path) = set_up(scenario);
    let store = Store::with_fs(FaultFs::new(Fault::None));
    store.save_notes(&path, &scenario.ours).unwrap();
    (store.fs.ops(), fs::read(&path).unwrap())
}

/// Whether a moved-aside copy next to `path` holds `bytes`.
fn aside_holds(path: &Path, bytes: &[u8]) -> bool {
    asides(path.parent().unwrap())
        .iter()
        .any(|a| fs::read(a).is_ok_and(|b| b == bytes))
}

#[test]
fn n1_save_steps_are_in_durable_order() {
    let (ops, _) = clean_run(&scenarios()[0]);
    let write = [
        "create_temp",
        "write_all",
        "sync_file",
        "rename",
        "sync_dir",
    ];
    // After the file is durably in place: `.bak.2`/`.bak.1` shift up, the
    // new bytes become `.bak.1` (N7), written the same durable way.
    let backup = [&["exists", "exists"][..], &write].concat();
    let expected = [
        &[
            "symlink_target",
            "exists",
            "lock",
            "list_dir",
            "read",
            "exists",
        ][..],
        &write,
        &backup,
    ]
    .concat();
    assert_eq!(ops, expected, "n1: save steps");
    let (ops, _) = clean_run(&scenarios()[1]);
    let new_folders = [
        "exists",
        "exists",
        "exists",
        "create_dir_all",
        "sync_dir",
        "sync_dir",
    ];
    let expected = [
        &["symlink_target"][..],
        &new_folders,
        &["lock", "list_dir", "read", "exists"],
        &write,
        &backup,
    ]
    .concat();
    assert_eq!(ops, expected, "n1: first save steps");
    let (ops, _) = clean_run(&scenarios()[2]);
    let expected = [
        &[
            "symlink_target",
            "exists",
            "lock",
            "list_dir",
            "read",
            "exists",
            "exists",
            "rename",
        ][..],
        &write,
    ]
    .concat();
    assert_eq!(
        ops, expected,
        "n6: the broken file is moved aside before the write, and no backup rotates"
    );
}

/// Index of the step that makes the save durable (the folder sync after
/// the rename): later steps write backups, whose failure a save shrugs off.
fn durable_at(ops: &[&str]) -> usize {
    let temp = ops.iter().position(|op| *op == "create_temp").unwrap();
    temp + ops[temp..].iter().position(|op| *op == "sync_dir").unwrap()
}

#[test]
fn n1_fault_at_every_step_leaves_old_or_new() {
    for scenario in scenarios() {
        let (ops, after) = clean_run(&scenario);
        for (k, op) in ops.iter().enumerate() {
            for fault in [Fault::FailOnce(k), Fault::FailFrom(k)] {
                let context = format!("n1 {}: {fault:?} ({op})", scenario.name);
                let (_dir, path) = set_up(&scenario);
                let kept = scenario.ours.clone();
                let store = Store::with_fs(FaultFs::new(fault));
                let result = store.save_notes(&path, &scenario.ours);

                assert_eq!(scenario.ours, kept, "{context}: notes in memory changed");
                let now = fs::read(&path).ok();
                let is_old = now == scenario.before;
                let is_new = now.as_deref() == Some(&after[..]);
                // A broken original may sit aside, the path empty, if
                // the disk failed too badly to move it back.
                let aside = scenario
                    .before
                    .as_ref()
                    .is_some_and(|b| aside_holds(&path, b));
                let lasting = matches!(fault, Fault::FailFrom(_));
                assert!(
                    is_old || is_new || (now.is_none() && scenario.broken && aside && lasting),
                    "{context}: file is neither old nor new: {:?}",
                    now.as_deref().map(String::from_utf8_lossy)
                );
                assert!(
                    !scenario.broken || is_old || aside,
                    "{context}: broken original lost"
                );
                match &result {
                    Err(e) => {
                        let message = e.to_string();
                        assert!(
                            message.contains("n.toml"),
                            "{context}: error does not name the file: {message}"
                        );
                    }
                    Ok(_) => {
                        assert!(
                            BEST_EFFORT.contains(op) || k > durable_at(&ops),
                            "{context}: step failed, save said success"
                        );
                        assert!(is_new, "{context}: success without the new file");
                    }
                }

                // A one-off fault clears; a lasting one needs a working disk.
                if let Fault::FailFrom(_) = fault {
                    let retry = store.save_notes(&path, &scenario.ours);
                    assert!(
                        retry.is_err(),
                        "{context}: save on a failing disk said success"
                    );
                    Store::new().save_notes(&path, &scenario.ours).unwrap();
                } else {
                    let retry = store.save_notes(&path, &scenario.ours);
                    retry.unwrap_or_else(|e| panic!("{context}: retry failed: {e}"));
                }
                assert_eq!(
                    fs::read(&path).unwrap(),
                    after,
                    "{context}: retry did not save"
                );
                assert!(
                    debris(path.parent().unwrap()).is_empty(),
                    "{context}: debris after retry"
                );
                if let Some(before) = scenario.before.as_ref().filter(|_| scenario.broken) {
                    assert!(
                        aside_holds(&path, before),
                        "{context}: broken original not kept aside"
                    );
                }
            }
        }
    }
}

#[test]
fn n3_disk_full_and_read_only_errors_say_what_to_do() {
    let scenario = &scenarios()[0];
    let (ops, after) = clean_run(scenario);
    let k = ops.iter().position(|op| *op == "create_temp").unwrap();
    let cases = [
        (io::ErrorKind::StorageFull, "disk full"),
        (io::ErrorKind::PermissionDenied, "read-only folder"),
        (io::ErrorKind::ReadOnlyFilesystem, "--data-dir"),
    ];
    for (kind, expected) in cases {
        let (_dir, path) = set_up(scenario);
        let store = Store::with_fs(FaultFs::with_kind(Fault::FailOnce(k), kind));
        let message = store
            .save_notes(&path, &scenario.ours)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(expected) && message.contains("n.toml"),
            "n3 {kind:?}: {message}"
        );
        assert!(message.contains("kept in memory"), "n3 {kind:?}: {message}");
        assert_eq!(
            fs::read(&path).ok(),
            scenario.before,
            "n3 {kind:?}: file changed"
        );
        store.save_notes(&path, &scenario.ours).unwrap();
        assert_eq!(fs::read(&path).unwrap(), after, "n3 {kind:?}: retry");
    }
}

#[cfg(unix)]
#[test]
fn n3_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    let folder = dir.path().join("ro");
    fs::create_dir(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(folder.join("probe"), b"").is_ok() {
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!(
            "n3_read_only_folder: SKIPPED, permissions are not enforced here (running as root?)"
        );
        return;
    }
    let path = folder.join("n.toml");
    let notes = notes_with(&["a"]);
    let err = Store::new().save_notes(&path, &notes).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("read-only folder") && message.contains("--data-dir"),
        "n3: {message}"
    );
    assert!(message.contains("n.toml"), "n3: {message}");
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    Store::new().save_notes(&path, &notes).unwrap();
    assert_eq!(ids(&loaded(&path)), ["a"]);
}

// -- N2: abort and kill mid-save -----------------------------------------

#[test]
fn n2_abort_after_each_step() {
    let scenarios = scenarios();
    if let Some((path, arg)) = child_env() {
        let (which, k) = arg.split_once(':').unwrap();
        let scenario = &scenarios[which.parse::<usize>().unwrap()];
        let store = Store::with_fs(FaultFs::new(Fault::AbortAfter(k.parse().unwrap())));
        let _ = store.save_notes(&path, &scenario.ours);
        return;
    }
    for (which, scenario) in scenarios.iter().enumerate().take(2) {
        let (ops, after) = clean_run(scenario);
        for (k, op) in ops.iter().enumerate() {
            let context = format!("n2 {}: abort after step {k} ({op})", scenario.name);
            let (_dir, path) = set_up(scenario);
            let child = spawn_child(
                "n2_abort_after_each_step",
                &path,
                &format!("{which}:{k}"),
                Stdio::null(),
            );
            let status = wait_or_kill(child);
            assert!(
                !status.success() && status.code().is_none(),
                "{context}: child did not abort ({status})"
            );
            let now = fs::read(&path).ok();
            assert!(
                now == scenario.before || now.as_deref() == Some(&after[..]),
                "{context}: torn file"
            );
            match Store::new().load_notes(&path) {
                LoadOutcome::Loaded(notes) => {
                    assert!(matches!(notes.bookmarks.len(), 3 | 4), "{context}")
                }
                LoadOutcome::Missing => {
                    assert!(scenario.before.is_none(), "{context}: file vanished")
                }
                LoadOutcome::Unreadable { problem } => panic!("{context}: {problem}"),
            }
            Store::new().save_notes(&path, &scenario.ours).unwrap();
            assert_eq!(
                fs::read(&path).unwrap(),
                after,
                "{context}: save after the crash"
            );
            assert!(
                debris(path.parent().unwrap()).is_empty(),
                "{context}: debris not cleaned"
            );
        }
    }
}

/// Child side of the kill soak: add one bookmark per save, forever.
fn saving_loop(path: &Path) {
    let store = Store::new();
    let deadline = Instant::now() + HANG;
    let mut out = io::stdout().lock();
    while Instant::now() < deadline {
        let mut notes = match store.load_notes(path) {
            LoadOutcome::Loaded(notes) => notes,
            LoadOutcome::Missing => NotesFile::new("/books/a.md", "A", "fp"),
            LoadOutcome::Unreadable { problem } => panic!("n2: torn file: {problem}"),
        };
        let n = notes.bookmarks.len();
        notes.bookmarks.push(bookmark(&format!("k{n}"), n));
        let saved = store.save_notes(path, &notes).unwrap();
        writeln!(out, "saved {}", saved.file.bookmarks.len()).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn n2_kill_mid_save() {
    if let Some((path, _)) = child_env() {
        saving_loop(&path);
        return;
    }
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes").join("k.toml");
    let mut seed = 0x5eed_u64;
    let mut on_disk = 0;
    for round in 0..200 {
        let saves_before_kill = next(&mut seed) % 4;
        let delay = Duration::from_micros(next(&mut seed) % 3000);
        let mut child = spawn_child("n2_kill_mid_save", &path, "", Stdio::piped());
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // The harness prints "test <name> ... " with no line
                // break, so the first report shares its line.
                if let Some((_, n)) = line.rsplit_once("saved ") {
                    let _ = tx.send(n.parse::<usize>().unwrap());
                }
            }
        });
        let mut last_reported = on_disk;
        for _ in 0..saves_before_kill {
            last_reported = rx
                .recv_timeout(HANG)
                .expect("n2: child made no progress (wrong test name?)");
        }
        thread::sleep(delay);
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        last_reported = rx.try_iter().last().unwrap_or(last_reported);

        on_disk = match Store::new().load_notes(&path) {
            LoadOutcome::Loaded(notes) => notes.bookmarks.len(),
            LoadOutcome::Missing => 0,
            LoadOutcome::Unreadable { problem } => {
                panic!("n2 round {round}: torn file: {problem}")
            }
        };
        assert!(
            on_disk == last_reported || on_disk == last_reported + 1,
            "n2 round {round}: {on_disk} bookmarks on disk after the child reported {last_reported}"
        );
    }
    assert!(on_disk > 0, "n2: no save ever completed");
    Store::new().save_notes(&path, &loaded(&path)).unwrap();
    assert!(
        debris(path.parent().unwrap()).is_empty(),
        "n2: debris left after a clean save"
    );
}

// -- N4/N5: two instances ------------------------------------------------

#[test]
fn n4_four_writers_keep_the_union() {
    const WRITERS: usize = 4;
    const EACH: usize = 200;
    const ROUNDS: usize = 20;
    if let Some((path, arg)) = child_env() {
        let w: usize = arg.parse().unwrap();
        let store = Store::new();
        let mut mine = match store.load_notes(&path) {
            LoadOutcome::Loaded(notes) => notes,
            LoadOutcome::Missing => NotesFile::new("/books/a.md", "A", "fp"),
            LoadOutcome::Unreadable { problem } => panic!("n4 writer {w}: {problem}"),
        };
        // 200 notes in 20 saves, racing the other writers' saves.
        for round in 0..ROUNDS {
            for j in 0..EACH / ROUNDS {
                let i = round * (EACH / ROUNDS) + j;
                mine.bookmarks
                    .push(bookmark(&format!("w{w}-{i:03}"), i * WRITERS + w));
            }
            mine = store.save_notes(&path, &mine).unwrap().file;
        }
        return;
    }
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes").join("shared.toml");
    let children: Vec<Child> = (0..WRITERS)
        .map(|w| {
            spawn_child(
                "n4_four_writers_keep_the_union",
                &path,
                &w.to_string(),
                Stdio::null(),
            )
        })
        .collect();
    for child in children {
        let status = wait_or_kill(child);
        assert!(status.success(), "n4: a writer failed ({status})");
    }
    let notes = loaded(&path);
    let expected: BTreeSet<String> = (0..WRITERS)
        .flat_map(|w| (0..EACH).map(move |i| format!("w{w}-{i:03}")))
        .collect();
    let got: BTreeSet<String> = notes.bookmarks.iter().map(|b| b.id.clone()).collect();
    assert_eq!(
        got, expected,
        "n4: the file is not the union of all writers"
    );
    assert_eq!(notes.bookmarks.len(), WRITERS * EACH, "n4: duplicates");
    assert!(
        notes.bookmarks.is_sorted_by_key(|b| b.anchor.offset),
        "n4: not in text order"
    );
    assert!(debris(path.parent().unwrap()).is_empty(), "n4: debris left");
}

#[test]
fn n4_save_waits_for_the_lock() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.toml");
    Store::new().save_notes(&path, &notes_with(&["a"])).unwrap();
    let held = RealFs.lock(&sibling(&path, "", ".lock")).unwrap();
    let (tx, rx) = mpsc::channel();
    let writer_path = path.clone();
    let writer = thread::spawn(move || {
        let _ = tx.send(Store::new().save_notes(&writer_path, &notes_with(&["b"])));
    });
    assert!(
        matches!(
            rx.recv_timeout(Duration::from_millis(300)),
            Err(mpsc::RecvTimeoutError::Timeout)
        ),
        "n4: a save went ahead while another instance held the lock"
    );
    drop(held);
    let saved = rx
        .recv_timeout(HANG)
        .expect("n4: save still blocked after unlock")
        .unwrap();
    writer.join().unwrap();
    assert_eq!(
        ids(&saved.file),
        ["a", "b"],
        "n4: the waiting save must merge what it finds"
    );
}

#[test]
fn n5_delete_is_not_resurrected_by_a_stale_copy() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.toml");
    let store = Store::new();
    store.save_notes(&path, &notes_with(&["x", "y"])).unwrap();
    let mut first = loaded(&path);
    let mut second = loaded(&path);

    first.bookmarks.retain(|b| b.id != "x");
    first.deleted.push("x".into());
    first = store.save_notes(&path, &first).unwrap().file;

    // The stale copy still holds x, and even edits it: delete wins.
    second
        .bookmarks
        .iter_mut()
        .for_each(|b| b.label = format!("edited {}", b.id));
    second.bookmarks.push(bookmark("z", 99));
    let merged = store.save_notes(&path, &second).unwrap().file;
    assert_eq!(
        ids(&merged),
        ["y", "z"],
        "n5: deleted bookmark came back or addition lost"
    );
    assert_eq!(
        merged.bookmarks[0].label, "edited y",
        "n5: ours wins on the same id"
    );
    assert_eq!(merged.deleted, ["x"]);
    assert_eq!(loaded(&path), merged);

    // The other instance sees the addition on its next save.
    let refreshed = store.save_notes(&path, &first).unwrap().file;
    assert!(
        ids(&refreshed).contains(&"z") && !ids(&refreshed).contains(&"x"),
        "n5: {:?}",
        ids(&refreshed)
    );
}

#[test]
fn n5_lock_excludes_after_two_renames() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.toml");
    let store = Store::new();
    store.save_notes(&path, &notes_with(&["a"])).unwrap();
    let lock_path = sibling(&path, "", ".lock");
    let held = store.fs.lock(&lock_path).unwrap();
    store
        .write_atomic(&path, &encoded(&notes_with(&["b"])))
        .unwrap();
    store
        .write_atomic(&path, &encoded(&notes_with(&["c"])))
        .unwrap();
    let other = File::options()
        .read(true)
        .write(true)
        .open(&lock_path)
        .unwrap();
    assert!(
        matches!(other.try_lock(), Err(fs::TryLockError::WouldBlock)),
        "n5: lock lost after the data file was renamed over twice"
    );

    // The pitfall the separate lock file avoids: a lock on the data file
    // itself does not cover the file renamed over it.
    let on_data = File::open(&path).unwrap();
    on_data.lock().unwrap();
    store
        .write_atomic(&path, &encoded(&notes_with(&["d"])))
        .unwrap();
    assert!(
        File::open(&path).unwrap().try_lock().is_ok(),
        "expected the data-file lock to be lost"
    );

    // Unlocked explicitly: another test's fork may briefly share this
    // open file, and a plain drop would then keep the lock until its exec.
    held.unlock().unwrap();
    drop(held);
    assert!(other.try_lock().is_ok(), "n5: lock not released");
}

// -- N6: files we cannot parse -------------------------------------------

fn broken_files() -> Vec<(&'static str, Vec<u8>, Option<usize>)> {
    let good =
        "schema_version = 1\ndocument = \"/books/a.md\"\ntitle = \"A\"\nfingerprint = \"fp\"\n";
    let with = |tail: &[u8]| [good.as_bytes(), tail].concat();
    let long = "A".repeat(1 << 20);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "schema_version = 1\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    vec![
        (
            "truncated",
            with(b"[[bookmarks]]\nid = \"b1\"\nlabel = \"cut off"),
            Some(7),
        ),
        (
            "wrong type",
            b"schema_version = \"one\"\ndocument = \"x\"\n".to_vec(),
            Some(1),
        ),
        (
            "wrong type in a bookmark",
            with(b"[[bookmarks]]\nid = \"b\"\n[bookmarks.anchor]\noffset = -1\nexact = \"x\"\n"),
            Some(8),
        ),
        (
            "raw ESC in a string",
            with(b"label = \"\x1b]0;PWNED\x07\"\n"),
            Some(5),
        ),
        ("raw ESC as a key", with(b"\x1b[31m = 1\n"), Some(5)),
        (
            "1 MiB line",
            with(format!("junk = {long}\n").as_bytes()),
            Some(5),
        ),
        (
            "1 MiB value of the wrong type",
            format!("schema_version = \"{long}\"\n").into_bytes(),
            Some(1),
        ),
        ("NUL bytes", with(b"\0\0\0\n"), Some(5)),
        ("not UTF-8", with(b"x = \"\xff\xfe\"\n"), Some(5)),
        ("UTF-16", utf16, Some(1)),
        ("duplicate key", with(b"title = \"B\"\n"), Some(5)),
        (
            "huge integer",
            b"schema_version = 99999999999999999999999\n".to_vec(),
            Some(1),
        ),
        (
            "deep nesting",
            with(format!("x = {}{}\n", "[".repeat(5000), "]".repeat(5000)).as_bytes()),
            Some(5),
        ),
        (
            "no schema_version",
            b"# just a comment\ndocument = \"x\"\n".to_vec(),
            Some(1),
        ),
    ]
}

#[test]
fn n6_broken_files_are_reported_then_moved_aside() {
    for (case, bytes, line) in broken_files() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("broken.toml");
        fs::write(&path, &bytes).unwrap();
        match Store::new().load_notes(&path) {
            LoadOutcome::Unreadable { problem } => {
                assert_clean_problem(&problem, "broken.toml", line);
                assert!(
                    !problem.contains("PWNED"),
                    "n6 {case}: the offending line was quoted"
                );
            }
            other => panic!("n6 {case}: expected Unreadable, got {other:?}"),
        }
        assert!(
            fs::read(&path).unwrap() == bytes,
            "n6 {case}: load changed the file"
        );

        let saved = Store::new()
            .save_notes(&path, &notes_with(&["mine"]))
            .unwrap();
        let aside = saved
            .moved_aside
            .unwrap_or_else(|| panic!("n6 {case}: not moved aside"));
        assert!(
            fs::read(&aside).unwrap() == bytes,
            "n6 {case}: moved-aside copy differs"
        );
        assert_eq!(ids(&loaded(&path)), ["mine"], "n6 {case}");
    }
}

#[test]
fn n6_move_aside_failure_writes_nothing() {
    let scenario = &scenarios()[2];
    let (ops, _) = clean_run(scenario);
    // The rename that moves the broken file aside comes before the one
    // that replaces it.
    let k = ops.iter().position(|op| *op == "rename").unwrap();
    let (dir, path) = set_up(scenario);
    let store = Store::with_fs(FaultFs::new(Fault::FailOnce(k)));
    let err = store.save_notes(&path, &scenario.ours).unwrap_err();
    assert!(matches!(err, StorageError::MoveAside { .. }), "n6: {err}");
    assert_eq!(
        fs::read(&path).ok(),
        scenario.before,
        "n6: broken file overwritten"
    );
    assert!(debris(path.parent().unwrap()).is_empty() && asides(path.parent().unwrap()).is_empty());
    drop(dir);
}

#[test]
fn n6_earlier_aside_copies_are_never_clobbered() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.toml");
    for round in 0..3 {
        fs::write(&path, format!("broken {round} = = =")).unwrap();
        Store::new().save_notes(&path, &notes_with(&["a"])).unwrap();
    }
    let mut kept: Vec<String> = asides(dir.path())
        .iter()
        .map(|a| fs::read_to_string(a).unwrap())
        .collect();
    kept.sort();
    assert_eq!(kept, ["broken 0 = = =", "broken 1 = = =", "broken 2 = = ="]);
}

#[test]
fn n6_empty_files_count_as_missing() {
    for bytes in [&b""[..], b"  \n\t\n", "\u{feff}\n".as_bytes()] {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("n.toml");
        fs::write(&path, bytes).unwrap();
        assert_eq!(
            Store::new().load_notes(&path),
            LoadOutcome::Missing,
            "{bytes:?}"
        );
        let saved = Store::new().save_notes(&path, &notes_with(&["a"])).unwrap();
        assert_eq!(
            saved.moved_aside, None,
            "an empty file holds nothing worth moving aside"
        );
        assert_eq!(ids(&loaded(&path)), ["a"]);
    }
}

#[test]
fn n6_unreadable_paths_are_reported_not_replaced() {
    let dir = TempDir::new().unwrap();
    let folder = dir.path().join("n.toml");
    fs::create_dir(&folder).unwrap();
    match Store::new().load_notes(&folder) {
        LoadOutcome::Unreadable { problem } => assert_clean_problem(&problem, "n.toml", None),
        other => panic!("a folder loaded as {other:?}"),
    }
    let err = Store::new()
        .save_notes(&folder, &notes_with(&["a"]))
        .unwrap_err();
    assert!(matches!(err, StorageError::Read { .. }), "{err}");
    assert!(folder.is_dir());

    let hostile = dir.path().join("evil\u{1b}]0;PWNED\u{7}.toml");
    fs::write(&hostile, "= broken").unwrap();
    match Store::new().load_notes(&hostile) {
        LoadOutcome::Unreadable { problem } => assert_clean_problem(&problem, "PWNED", Some(1)),
        other => panic!("{other:?}"),
    }
}

// -- N10, N11 -----------------------------------------------------------

#[cfg(unix)]
#[test]
fn n10_symlinked_notes_file_stays_a_symlink() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().unwrap();
    let real = dir.path().join("real");
    let links = dir.path().join("links");
    fs::create_dir_all(&real).unwrap();
    fs::create_dir_all(&links).unwrap();
    Store::new()
        .save_notes(&real.join("n.toml"), &notes_with(&["a"]))
        .unwrap();
    symlink("../real/n.toml", links.join("n.toml")).unwrap();
    // A dangling link: the save creates the file it points to.
    symlink(real.join("new.toml"), links.join("new.toml")).unwrap();

    for name in ["n.toml", "new.toml"] {
        let link = links.join(name);
        let mut notes = match Store::new().load_notes(&link) {
            LoadOutcome::Loaded(notes) => notes,
            _ => NotesFile::new("/books/a.md", "A", "fp"),
        };
        notes.bookmarks.push(bookmark("b", 20));
        Store::new().save_notes(&link, &notes).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "n10 {name}: link replaced"
        );
        assert!(
            ids(&loaded(&real.join(name))).contains(&"b"),
            "n10 {name}: target not updated"
        );
    }
    assert_eq!(
        fs::read_dir(&links).unwrap().count(),
        2,
        "n10: files written next to the links"
    );
    assert!(debris(&real).is_empty());
}

#[test]
fn n11_temp_debris_is_ignored_and_cleaned() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("n.toml");
    let ours = dir.path().join(".n.toml.tmp-999-0");
    let others = dir.path().join(".m.toml.tmp-999-0");
    fs::write(&ours, "schema_version = 1\ndocument = \"half").unwrap();
    fs::write(&others, "x").unwrap();
    assert_eq!(
        Store::new().load_notes(&path),
        LoadOutcome::Missing,
        "n11: debris was loaded"
    );
    Store::new().save_notes(&path, &notes_with(&["a"])).unwrap();
    assert!(!ours.exists(), "n11: debris not removed under the lock");
    assert!(others.exists(), "n11: another file's temp was removed");
    assert_eq!(ids(&loaded(&path)), ["a"]);
}

// -- properties ---------------------------------------------------------

fn any_bookmark(ids: &'static [&'static str]) -> impl Strategy<Value = Bookmark> {
    (
        prop::sample::select(ids),
        any::<String>(),
        0..=(i64::MAX as usize),
        any::<String>(),
        any::<String>(),
    )
        .prop_map(|(id, label, offset, exact, prefix)| Bookmark {
            session: None,
            id: id.into(),
            label,
            created: String::new(),
            anchor: Anchor {
                offset,
                exact,
                prefix,
                suffix: "\u{1b}\n\"'\\".into(),
                changed: false,
                status: Default::default(),
                current: None,
                extra: toml::Table::new(),
            },
            extra: toml::Table::new(),
        })
}

fn any_notes() -> impl Strategy<Value = NotesFile> {
    const IDS: &[&str] = &["a", "b", "c", "d", "e", "f", "\u{7}", "x y"];
    (
        prop::collection::vec(any_bookmark(IDS), 0..6),
        prop::collection::vec(prop::sample::select(IDS), 0..3),
    )
        .prop_map(|(bookmarks, deleted)| NotesFile {
            bookmarks,
            deleted: deleted.into_iter().map(String::from).collect(),
            ..NotesFile::new("/books/a.md", "A", "fp")
        })
}

/// Key words, brackets, quotes and hostile characters, to reach deeper
/// into the parser than random bytes do.
const TOML_ISH: &str = "(schema_version|document|\\[\\[bookmarks\\]\\]|\\[bookmarks.anchor\\]\
                        |offset|id|[ =\"'\\[\\]{},.\n\u{0}\u{1b}\u{9b}\u{202e}a-z0-9-])*";

proptest! {
    // No regression files: tests write only inside temp dirs.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn merge_is_the_union_minus_tombstones(ours in any_notes(), disk in any_notes()) {
        let merged = NotesFile::merge(&ours, Some(disk.clone()));
        let deleted: BTreeSet<&String> = ours.deleted.iter().chain(&disk.deleted).collect();
        prop_assert_eq!(merged.deleted.iter().collect::<BTreeSet<_>>(), deleted.clone());
        prop_assert!(merged.deleted.is_sorted());
        for b in &merged.bookmarks {
            prop_assert!(!deleted.contains(&b.id), "tombstoned {} came back", b.id);
        }
        for b in ours.bookmarks.iter().filter(|b| !deleted.contains(&b.id)) {
            prop_assert!(merged.bookmarks.contains(b), "our bookmark {} lost or changed", b.id);
        }
        let ours_ids: BTreeSet<&String> = ours.bookmarks.iter().map(|b| &b.id).collect();
        let theirs = disk.bookmarks.iter().filter(|b| !ours_ids.contains(&b.id));
        for b in theirs.filter(|b| !deleted.contains(&b.id)) {
            prop_assert!(merged.bookmarks.contains(b), "their bookmark {} lost", b.id);
        }
        prop_assert!(merged.bookmarks.is_sorted_by_key(|b| (b.anchor.offset, b.id.clone())));
        prop_assert_eq!(NotesFile::merge(&merged, Some(merged.clone())), merged);
    }

    #[test]
    fn any_notes_survive_encoding(notes in any_notes()) {
        let merged = NotesFile::merge(&notes, None);
        let text = toml::to_string(&merged).unwrap();
        prop_assert_eq!(toml::from_str::<NotesFile>(&text).unwrap(), merged);
    }

    #[test]
    fn any_bytes_load_without_panic_or_raw_text(
        bytes in prop::collection::vec(any::<u8>(), 0..300)
    ) {
        check_problem(&bytes)?;
    }

    #[test]
    fn toml_like_text_loads_without_panic_or_raw_text(text in TOML_ISH) {
        check_problem(text.as_bytes())?;
    }

    #[test]
    fn slugs_are_short_lowercase_and_dashed(stem in any::<String>()) {
        let slug = slug(&stem);
        prop_assert!(!slug.is_empty() && slug.len() <= 40, "{}", slug);
        let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
        prop_assert!(slug.bytes().all(allowed), "{}", slug);
        let dashes_inside = !slug.starts_with('-') && !slug.ends_with('-');
        prop_assert!(dashes_inside && !slug.contains("--"), "{}", slug);
    }
}

fn check_problem(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let LoadOutcome::Unreadable { problem } =
        outcome_from_bytes::<NotesFile>(Path::new("/d/p.toml"), bytes)
    {
        prop_assert!(problem.chars().count() <= 200, "{}", problem);
        prop_assert!(
            !problem
                .chars()
                .any(|c| c.is_control() || crate::input::keymap::is_unprintable(c)),
            "{:?}",
            problem
        );
        prop_assert!(problem.starts_with("cannot read p.toml: "), "{}", problem);
        prop_assert!(problem.contains("folder /d)"), "{}", problem);
    }
    Ok(())
}

pub(super) fn study_note(id: &str, text: &str, updated: &str) -> Note {
    Note {
        session: None,
        id: id.into(),
        text: text.into(),
        tags: Vec::new(),
        created: "2026-11-25T10:00:00+01:00".into(),
        updated: updated.into(),
        anchor: Some(anchor(10)),
        extra: toml::Table::new(),
    }
}

#[test]
fn n5_notes_merge_keeps_both_windows_notes_and_the_later_edit() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("notes").join("a.toml");
    let store = Store::new();
    // Window A saves a note.
    let mut a = NotesFile::new("/doc", "Doc", "");
    a.notes
        .push(study_note("n1", "first draft", "2026-11-25T10:00:00+01:00"));
    store.save_notes(&path, &a).unwrap();
    // Window B (which loaded the file) edits n1 later and adds n2.
    let mut b = a.clone();
    b.notes[0].text = "edited in B".into();
    b.notes[0].updated = "2026-11-25T10:05:00+01:00".into();
    b.notes
        .push(study_note("n2", "from B", "2026-11-25T10:05:00+01:00"));
    store.save_notes(&path, &b).unwrap();
    // Window A, holding its stale copy, adds n3 and a highlight.
    a.notes
        .push(study_note("n3", "from A", "2026-11-25T10:06:00+01:00"));
    a.highlights.push(Highlight {
        session: None,
        id: "h1".into(),
        created: String::new(),
        anchor: anchor(40),
        extra: toml::Table::new(),
    });
    let merged = store.save_notes(&path, &a).unwrap().file;
    let texts: Vec<&str> = merged.notes.iter().map(|n| n.text.as_str()).collect();
    assert!(
        texts.contains(&"edited in B"),
        "B's later edit survives A's stale copy: {texts:?}"
    );
    assert!(
        texts.contains(&"from B") && texts.contains(&"from A"),
        "{texts:?}"
    );
    assert_eq!(merged.highlights.len(), 1);
    // A deletes n2; B's stale copy still has it: it stays deleted.
    let mut a2 = merged.clone();
    a2.notes.retain(|n| n.id != "n2");
    a2.deleted.push("n2".into());
    store.save_notes(&path, &a2).unwrap();
    let again = store.save_notes(&path, &b).unwrap().file;
    assert!(
        again.notes.iter().all(|n| n.id != "n2"),
        "a deleted note came back"
    );
    let on_disk = match store.load_notes(&path) {
        LoadOutcome::Loaded(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(on_disk, again, "what save returned is what is on disk");
}
