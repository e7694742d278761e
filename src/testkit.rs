//! Test helpers: an [`App`] over in-memory documents, driven through the
//! same `update` the run loop uses, with effects performed by the
//! runtime's own jobs on a temporary data folder, and drawn into ratatui's
//! `TestBackend`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use crate::app::{self, App, Effect, Msg};
use crate::input::action::Action;
use crate::input::keymap::Keymap;
use crate::library;
use crate::runtime::jobs;
use crate::storage::{DataDir, Fallback, Fs, LoadOutcome, RealFs, StateFile, Store};

pub const NOW: &str = "2026-11-25T10:00:00+01:00";

pub const ESSAY: &str = "# The Red Terror\n\nIn **September 1918** the Bolshevik government declared a *Red Terror* \
against its enemies. The `Cheka`, founded in December 1917, carried it out.\n\n\
## Hostages and camps\n\n- Hostages were taken from the old elites.\n- Camps were set up.\n  - Some were temporary.\n\n\
> Figures remain uncertain; estimates range widely.\n\n\
| Year | Event |\n|---|---|\n| 1917 | Cheka founded |\n| 1922 | Cheka becomes GPU |\n\n\
A closing paragraph that is long enough to wrap over more than one line at narrow widths, so that \
wrapping shows in the snapshots.\n";

pub const NOTES_TXT: &str = "Reading notes\n\
The first paragraph of a plain text file saved from the web is a single long line that the reader must wrap at the measure.\n\
The second paragraph is also one long line, and a blank row separates it from the first so the author's paragraphs stay visible.\n";

/// The real file system, except that writing under one folder can be made
/// to fail (as a read-only data folder does) and made to work again: the
/// injected failure app-level tests of issue 10 need.
#[derive(Debug, Default, Clone)]
pub struct BlockableFs {
    blocked: std::sync::Arc<std::sync::Mutex<Option<PathBuf>>>,
}

impl BlockableFs {
    /// Makes writing under `dir` fail (`None`: nothing blocked).
    pub fn block(&self, dir: Option<PathBuf>) {
        *self.blocked.lock().unwrap_or_else(|e| e.into_inner()) = dir;
    }

    fn check(&self, path: &Path) -> std::io::Result<()> {
        match &*self.blocked.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(dir) if path.starts_with(dir) => Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "injected: read-only folder",
            )),
            _ => Ok(()),
        }
    }
}

impl Fs for BlockableFs {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        RealFs.read(path, limit)
    }
    fn symlink_target(&self, path: &Path) -> std::io::Result<Option<PathBuf>> {
        RealFs.symlink_target(path)
    }
    fn exists(&self, path: &Path) -> std::io::Result<bool> {
        RealFs.exists(path)
    }
    fn create_dir_all(&self, dir: &Path) -> std::io::Result<()> {
        self.check(dir)?;
        RealFs.create_dir_all(dir)
    }
    fn lock(&self, path: &Path) -> std::io::Result<File> {
        self.check(path)?;
        RealFs.lock(path)
    }
    fn list_dir(&self, dir: &Path) -> std::io::Result<Vec<std::ffi::OsString>> {
        RealFs.list_dir(dir)
    }
    fn remove_file(&self, path: &Path) -> std::io::Result<()> {
        self.check(path)?;
        RealFs.remove_file(path)
    }
    fn create_temp(&self, path: &Path, like: &Path) -> std::io::Result<File> {
        self.check(path)?;
        RealFs.create_temp(path, like)
    }
    fn write_all(&self, file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
        RealFs.write_all(file, bytes)
    }
    fn sync_file(&self, file: &File) -> std::io::Result<()> {
        RealFs.sync_file(file)
    }
    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        self.check(to)?;
        RealFs.rename(from, to)
    }
    fn sync_dir(&self, dir: &Path) -> std::io::Result<()> {
        RealFs.sync_dir(dir)
    }
}

/// A running app plus what its effects did.
pub struct Harness {
    pub app: App,
    /// The data folder the runtime's jobs read and write (a temporary one).
    pub data: DataDir,
    disk: Store<BlockableFs>,
    fs: BlockableFs,
    dir: Rc<tempfile::TempDir>,
    pub copied: Vec<String>,
    pub exported: Vec<(String, String)>,
    pub saved_notes: Vec<crate::storage::NotesFile>,
    pub saved_states: Vec<StateFile>,
    pub quit: Option<i32>,
    /// The time every message is sent at ([`NOW`] unless a test moves it).
    pub now: String,
    /// Big notes files are not read until [`Harness::finish_notes_loads`]
    /// (to act while one is being read, as the worker leaves time to).
    pub hold_notes_loads: bool,
    held_loads: Vec<Effect>,
}

impl Harness {
    pub fn new(docs: &[(&'static str, &'static str)], w: u16, h: u16) -> Harness {
        let entries = docs
            .iter()
            .map(|(n, t)| library::bundled_entry(n, t))
            .collect();
        Harness::with_entries(entries, StateFile::default(), w, h)
    }

    pub fn with_entries(entries: Vec<library::Entry>, state: StateFile, w: u16, h: u16) -> Harness {
        // In memory where the system offers it: the jobs sync every save,
        // which on a disk costs each test tens of milliseconds per note.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir())
        } else {
            tempfile::tempdir()
        };
        let dir = Rc::new(dir.expect("temporary data folder"));
        Harness::start(entries, state, w, h, dir, BlockableFs::default())
    }

    fn start(
        entries: Vec<library::Entry>,
        state: StateFile,
        w: u16,
        h: u16,
        dir: Rc<tempfile::TempDir>,
        fs: BlockableFs,
    ) -> Harness {
        let app = App::new(entries, Keymap::defaults(), state, app::DEFAULT_MEASURE);
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data folder");
        let mut hs = Harness {
            app,
            data,
            disk: Store::with_fs(fs.clone()),
            fs,
            dir,
            copied: Vec::new(),
            exported: Vec::new(),
            saved_notes: Vec::new(),
            saved_states: Vec::new(),
            quit: None,
            now: NOW.to_string(),
            hold_notes_loads: false,
            held_loads: Vec::new(),
        };
        hs.send(Msg::Resize(w, h));
        let fx = hs.app.startup();
        hs.perform(fx);
        hs
    }

    /// The status line's message, or "" when there is none.
    pub fn message_text(&self) -> String {
        self.app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    /// The screen's last row as drawn: the status line.
    pub fn status_line(&self) -> String {
        self.screen().pop().unwrap_or_default()
    }

    pub fn send(&mut self, msg: Msg) {
        let fx = app::update(&mut self.app, msg, &self.now.clone());
        self.perform(fx);
    }

    /// Presses a key (keymap notation: "r", "ctrl-c", "esc") as the run
    /// loop would: through the live keymap, else as typed text.
    pub fn press(&mut self, key: &str) {
        use ratatui::crossterm::event::{Event, KeyEvent};
        let key = crate::input::keymap::Key::parse(key).expect("a key");
        let event = Event::Key(KeyEvent::new(key.code(), key.modifiers()));
        if let Some(msg) = crate::runtime::events::translate(&self.app, &event) {
            self.send(msg);
        }
    }

    pub fn act(&mut self, a: Action) {
        self.send(Msg::Action(a));
    }

    /// Types text into the note editor, one key per character.
    pub fn type_note(&mut self, text: &str) {
        for c in text.chars() {
            self.editor_key(ratatui_textarea::Key::Char(c));
        }
    }

    pub fn editor_key(&mut self, key: ratatui_textarea::Key) {
        self.send(Msg::EditorInput(ratatui_textarea::Input {
            key,
            ctrl: false,
            alt: false,
            shift: false,
        }));
    }

    /// Searches for `words` from the reader: `/`, the words, enter.
    pub fn search(&mut self, words: &str) {
        self.act(crate::input::action::Action::Search);
        self.type_prompt(words);
        self.act(crate::input::action::Action::Confirm);
    }

    /// Types text into the open one-line prompt.
    pub fn type_prompt(&mut self, text: &str) {
        for c in text.chars() {
            self.send(Msg::Text(crate::input::action::TextEdit::Insert(c)));
        }
    }

    /// Carries out effects with the runtime's own jobs (on a temporary data
    /// folder), synchronously, recording what was saved, copied and
    /// exported for the tests to inspect.
    pub fn perform(&mut self, fx: Vec<Effect>) {
        let never = AtomicBool::new(false);
        for e in fx {
            let mut replies: Vec<Msg> = Vec::new();
            match e {
                Effect::Open(index) => {
                    let entry = &self.app.entries[index];
                    replies.push(jobs::open(index, entry, &self.data, &self.disk));
                }
                Effect::Reread(index) => {
                    if let crate::library::Source::File(path) = &self.app.entries[index].source {
                        let format = self.app.entries[index].format;
                        replies.push(jobs::read_whole(index, path, format));
                    }
                }
                Effect::SaveNotes {
                    key,
                    path,
                    file,
                    retire,
                    generation,
                } => {
                    self.saved_notes.push(file.clone());
                    // The temporary-folder fallback stays inside the test's folder.
                    replies.push(jobs::save_notes(
                        &self.disk,
                        &self.fallback(),
                        key,
                        &path,
                        &file,
                        retire,
                        generation,
                    ));
                }
                Effect::SaveSessions(f) => {
                    replies.push(jobs::save_sessions(
                        &self.disk,
                        &self.fallback(),
                        &self.data,
                        &f,
                    ));
                }
                Effect::SaveState(s) => {
                    replies.push(jobs::save_state(
                        &self.disk,
                        &self.fallback(),
                        &self.data,
                        &s,
                    ));
                    self.saved_states.push(s);
                }
                Effect::Quit(c) => self.quit = Some(c),
                Effect::Fingerprint(doc) => {
                    let fingerprint = crate::study::anchor::fingerprint(&doc);
                    replies.push(Msg::Fingerprinted { doc, fingerprint });
                }
                Effect::CountWords { index, doc } => {
                    let words = crate::text::summary::count_words_in_parts(doc.source());
                    replies.push(Msg::Words { index, words });
                }
                Effect::RestoreBackup { key, path } => {
                    replies.push(jobs::restore_backup(&self.disk, key, &path));
                }
                Effect::WriteUnsaved {
                    path,
                    documents,
                    state,
                    sessions,
                    reviews,
                } => replies.push(jobs::write_unsaved(
                    &self.disk,
                    path,
                    crate::storage::Unsaved {
                        documents: &documents,
                        state: state.as_ref(),
                        sessions: sessions.as_ref(),
                    },
                    &reviews,
                    NOW,
                )),
                // The review's deck is built here and now.
                Effect::PrepareReview { generation, now } => {
                    let result = jobs::prepare_review(&self.data, &self.disk, now).map(Box::new);
                    replies.push(Msg::ReviewPrepared { generation, result });
                }
                Effect::CountDue { now } => replies.push(Msg::DueCounts(jobs::due_counts(
                    &self.data, &self.disk, now,
                ))),
                Effect::AppendReview(review) => {
                    replies.push(jobs::append_review(&self.data, review));
                }
                Effect::LoadNotes { .. } if self.hold_notes_loads => self.held_loads.push(e),
                Effect::LoadNotes { key, path } => {
                    replies.push(jobs::load_notes_later(&self.disk, key, path));
                }
                Effect::LoadAllNotes => {
                    let mut progress = |done, total| {
                        replies.push(Msg::AllNotesProgress { done, total });
                        true
                    };
                    let all = jobs::load_all_notes(
                        &self.data,
                        &self.disk,
                        &self.app.entries,
                        &mut progress,
                    );
                    replies.extend(all.map(Msg::AllNotes));
                }
                Effect::Export {
                    docs,
                    name,
                    selection,
                } => {
                    let sheet = (&docs[..], name.as_str(), selection.as_deref());
                    let reply = jobs::export_sheet(&self.disk, &self.data, sheet, NOW);
                    if let Msg::Exported(Ok(path)) = &reply {
                        let sheet = std::fs::read_to_string(path).expect("sheet written");
                        self.exported.push((name, sheet));
                    }
                    replies.push(reply);
                }
                Effect::Copy(text) => self.copied.push(text),
                // Searches run here and now.
                Effect::Search {
                    generation,
                    query,
                    doc,
                } => jobs::search(generation, &query, &doc, &never, |m| {
                    replies.push(m);
                    true
                }),
                // Reading ahead of a search changes no state: each search
                // reads what it looks in.
                Effect::CancelSearch | Effect::PrepareFind(_) | Effect::PutFindAway => {}
                Effect::FindAll {
                    generation,
                    query,
                    targets,
                } => {
                    let docs = crate::runtime::find_cache::FindCache::default();
                    jobs::find_all(
                        generation,
                        &query,
                        &targets,
                        (&self.data, &docs),
                        &never,
                        |m| {
                            replies.push(m);
                            true
                        },
                    );
                }
                Effect::Outline(doc) => replies.push(jobs::outline(doc)),
                Effect::PlaceNotes { key, doc, anchors } => {
                    replies.push(jobs::place_notes(key, doc, anchors));
                }
                Effect::Suspend | Effect::Redraw => {}
            }
            for m in replies {
                self.send(m);
            }
        }
    }

    /// Reads the big notes files held back (see [`Harness::hold_notes_loads`]).
    pub fn finish_notes_loads(&mut self) {
        self.hold_notes_loads = false;
        let held = std::mem::take(&mut self.held_loads);
        self.perform(held);
    }

    /// A new harness on the same data folder: marginote started again.
    pub fn restart(
        &self,
        entries: Vec<library::Entry>,
        state: StateFile,
        w: u16,
        h: u16,
    ) -> Harness {
        Harness::start(entries, state, w, h, Rc::clone(&self.dir), self.fs.clone())
    }

    /// The temporary-folder fallback, inside the test's folder.
    pub fn fallback(&self) -> Fallback {
        Fallback::under(self.dir.path(), &self.data)
    }

    /// Makes saving into the data folder fail (`true`), as a read-only
    /// folder does, or work again (`false`).
    pub fn block_data_folder(&self, blocked: bool) {
        self.fs.block(blocked.then(|| self.data.root.clone()));
    }

    /// marginote started again on the same data folder as `startup` does
    /// it: fallback copies come home first, then the state is read.
    pub fn reopen(&self, entries: Vec<library::Entry>, w: u16, h: u16) -> Harness {
        let reclaimed = self.disk.reclaim(&self.fallback(), &self.data);
        let state = match self.disk.load_state(&self.data.state_path()) {
            LoadOutcome::Loaded(s) => s,
            _ => StateFile::default(),
        };
        let mut next = self.restart(entries, state, w, h);
        if let LoadOutcome::Loaded(sessions) = self.disk.load_sessions(&self.data.sessions_path()) {
            next.app.sessions = crate::app::Sessions::new(sessions);
        }
        if reclaimed.any() {
            next.app
                .startup_note(crate::storage::reclaimed_message(&reclaimed, &self.data));
        }
        next.app.fallback_waiting(&reclaimed);
        next
    }

    /// Draws the app and returns the terminal (for snapshots and checks).
    pub fn draw(&self) -> Terminal<TestBackend> {
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        t.draw(|f| crate::ui::render(f, &self.app)).expect("draw");
        t
    }

    /// The screen as text lines.
    pub fn screen(&self) -> Vec<String> {
        let t = self.draw();
        let buf = t.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                let mut line = String::new();
                for x in 0..buf.area.width {
                    line.push_str(buf[(x, y)].symbol());
                }
                line
            })
            .collect()
    }

    pub fn screen_text(&self) -> String {
        self.screen().join("\n")
    }
}

/// Collects what a backend writes (shared, so a test reads it while the
/// backend holds its clone).
#[derive(Clone, Default)]
pub struct Sink(pub std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lists of fewer than `most` lines drawn from `pool` (repeats allowed):
/// the texts a property builds from the line shapes that matter to it.
pub fn lines_from(
    pool: Vec<&'static str>,
    most: usize,
) -> impl proptest::strategy::Strategy<Value = Vec<&'static str>> {
    proptest::collection::vec(proptest::sample::select(pool), 0..most)
}
