//! All application state and the one function that changes it.
//!
//! [`update`] takes a [`Msg`] (a key turned into an [`Action`] by the
//! keymap, a mouse gesture, a resize, the result of some I/O) and returns
//! [`Effect`]s for the run loop to carry out. It touches no file, clock or
//! terminal, so every behaviour is a plain unit test.

use std::path::PathBuf;
use std::sync::Arc;

use crate::input::action::{Context, TextEdit};
use crate::input::keymap::Keymap;
use crate::library::Entry;
use crate::study::notes::{DocNotes, make_anchor};
use crate::text::document::{DocError, Document};

mod actions;
mod find;
pub mod geometry;
pub mod help;
pub mod jumplist;
mod msg;
mod noted;
mod selection;
mod study;
pub mod unsaved;
use crate::storage::{NotesFile, Position, StateFile};
use crate::text::reader::Reader;
use crate::text::sanitize::sanitize_line;
use actions::{on_action, on_mouse};
pub use find::{FindAll, FindTarget, Found, Search};
pub use msg::{Effect, Msg, NotesLoad};
pub use noted::under_cursor;
pub use selection::Selection;
pub use study::{EditTarget, Editor, ExportDoc, OtherNotes, Scope, ScopedItem, first_words};

/// Default reading measure in columns.
pub const DEFAULT_MEASURE: usize = 80;
/// Longest message shown in the status line (characters).
const MESSAGE_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Library,
    Reader,
    Notes,
}

impl Focus {
    fn next(self) -> Focus {
        match self {
            Focus::Library => Focus::Reader,
            Focus::Reader => Focus::Notes,
            Focus::Notes => Focus::Library,
        }
    }
    fn prev(self) -> Focus {
        match self {
            Focus::Library => Focus::Notes,
            Focus::Reader => Focus::Library,
            Focus::Notes => Focus::Reader,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub level: Level,
    /// A startup problem: kept until esc, even when a document opens.
    pub sticky: bool,
}

/// What a one-line prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// A bookmark's label, for the passage `start..end`.
    BookmarkLabel { start: usize, end: usize },
    /// The Notes pane's filter.
    Filter,
    /// The Library's fuzzy filter.
    LibraryFilter,
    /// A search across every document and note.
    FindAll,
    /// A search in the open document, started with the cursor at `origin`.
    Search { origin: usize },
    /// Quitting with notes not where they belong: retry, write, or quit?
    UnsavedQuit,
    /// The file to write unsaved notes to.
    WriteUnsaved,
}

/// A one-line prompt in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub label: &'static str,
    /// Accepted when the input is left empty.
    pub default: String,
    pub input: Vec<char>,
    pub cursor: usize,
    pub kind: PromptKind,
}

impl Prompt {
    pub fn new(label: &'static str, default: String, kind: PromptKind) -> Prompt {
        Prompt {
            label,
            default,
            input: Vec::new(),
            cursor: 0,
            kind,
        }
    }

    fn edit(&mut self, e: TextEdit) {
        match e {
            TextEdit::Insert(c) => {
                self.input.insert(self.cursor, c);
                self.cursor += 1;
            }
            TextEdit::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.input.remove(self.cursor);
            }
            TextEdit::Delete if self.cursor < self.input.len() => {
                self.input.remove(self.cursor);
            }
            TextEdit::Left => self.cursor = self.cursor.saturating_sub(1),
            TextEdit::Right => self.cursor = (self.cursor + 1).min(self.input.len()),
            TextEdit::Home => self.cursor = 0,
            TextEdit::End => self.cursor = self.input.len(),
            TextEdit::Clear => {
                self.input.clear();
                self.cursor = 0;
            }
            TextEdit::Backspace | TextEdit::Delete => {}
        }
    }

    pub fn value(&self) -> String {
        let typed: String = self.input.iter().collect();
        let typed = typed.trim();
        if typed.is_empty() {
            self.default.clone()
        } else {
            typed.to_string()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help {
        scroll: usize,
    },
    /// The outline list (`None` while it is worked out).
    Outline {
        headings: Option<Vec<crate::text::outline::Heading>>,
        selected: usize,
    },
    /// The results of a search in every document (`App::find_all`).
    Find,
}

pub struct App {
    pub entries: Vec<Entry>,
    /// Selected row of the library list (an index into `lib_view`).
    pub lib_selected: usize,
    /// The library list in display order (entry indices): all of them, or
    /// those matching the fuzzy filter, best first.
    pub lib_view: Vec<usize>,
    pub lib_filter: Option<String>,
    pub reader: Option<Reader>,
    /// Library index of the open document.
    pub open: Option<usize>,
    /// Why the selected document could not be opened, shown in the reader.
    pub open_error: Option<String>,
    pub notes: Option<DocNotes>,
    /// A passage being selected, to the character.
    pub selection: Option<Selection>,
    /// The reading cursor's character (a source offset) where a search, a
    /// jump or a click put it; see [`App::cursor_point`].
    pub point: Option<usize>,
    /// The lost entry (id) the selection will re-attach on enter.
    pub reattach: Option<String>,
    /// The entry under the reading cursor (the Notes pane follows it).
    pub under_cursor: Option<String>,
    /// The Notes pane shows its selected entry in full.
    pub notes_expanded: bool,
    /// Walking the search history: (index, what was typed before).
    history_walk: Option<(usize, String)>,
    /// The open text's fingerprint (saved with the reading position, so
    /// the position follows a renamed file); `None` for a huge text.
    fingerprint: Option<String>,
    pub editor: Option<Editor>,
    pub scope: Scope,
    /// Other documents' notes, loaded when the all-documents scope is shown.
    pub all_notes: Vec<OtherNotes>,
    /// Selection in the all-documents list.
    all_selected: usize,
    /// A notes file to retire after the next successful save.
    retire: Option<PathBuf>,
    /// The last search in the open document.
    pub search: Option<Search>,
    /// A number typed before a command.
    pub count: Option<usize>,
    /// Where jumps came from, for `ctrl-o` / `ctrl-i`.
    pub jumps: crate::app::jumplist::JumpList,
    /// The last search across every document.
    pub find_all: Option<FindAll>,
    /// The open document is only its first part; the rest is being read.
    loading: bool,
    /// Where to go once the whole document is in (a saved position past
    /// the first part).
    goto_when_complete: Option<usize>,
    pub focus: Focus,
    pub overlay: Overlay,
    pub prompt: Option<Prompt>,
    pub size: (u16, u16),
    pub message: Option<Message>,
    pub state: StateFile,
    /// The state file on disk could not be read: never save over it.
    pub state_read_only: bool,
    position_dirty: bool,
    /// Saves that did not land, retried until they do (see `unsaved`).
    pub saving: unsaved::Saving,
    pub measure: usize,
    /// The palette the interface is drawn with (a setting).
    pub theme: crate::config::palette::Palette,
    pub keymap: Keymap,
    /// Problems found at startup (keymap, library, state), also listed at
    /// the top of the help overlay.
    pub problems: Vec<String>,
    /// Offset to restore when the pending open completes.
    pending_offset: Option<usize>,
    /// Counter making bookmark ids unique within one timestamp.
    id_counter: u32,
    pub now: String,
}

impl App {
    pub fn new(entries: Vec<Entry>, keymap: Keymap, state: StateFile, measure: usize) -> App {
        App {
            entries,
            lib_selected: 0,
            lib_view: Vec::new(),
            lib_filter: None,
            reader: None,
            open: None,
            open_error: None,
            notes: None,
            selection: None,
            point: None,
            reattach: None,
            under_cursor: None,
            notes_expanded: false,
            history_walk: None,
            fingerprint: None,
            editor: None,
            scope: Scope::ThisDocument,
            all_notes: Vec::new(),
            all_selected: 0,
            retire: None,
            search: None,
            count: None,
            jumps: crate::app::jumplist::JumpList::new(),
            find_all: None,
            loading: false,
            goto_when_complete: None,
            focus: Focus::Reader,
            overlay: Overlay::None,
            prompt: None,
            size: (80, 24),
            message: None,
            state,
            state_read_only: false,
            position_dirty: false,
            saving: unsaved::Saving::default(),
            measure: measure.max(10),
            theme: crate::config::Palette::default(),
            keymap,
            problems: Vec::new(),
            pending_offset: None,
            id_counter: 0,
            now: String::new(),
        }
    }

    /// The first document to open: the last one read, else the first.
    pub fn startup(&mut self) -> Vec<Effect> {
        self.lib_view = (0..self.entries.len()).collect();
        for (i, e) in self.entries.iter_mut().enumerate() {
            if let Some(p) = self.state.positions.get(&e.key) {
                let _ = i;
                if let Some(size) = e.size.filter(|s| *s > 0) {
                    e.progress = Some(((p.anchor.offset * 100) / size).min(100) as u8);
                }
            }
        }
        if self.entries.is_empty() {
            return Vec::new();
        }
        let last = self
            .state
            .last_document
            .as_ref()
            .and_then(|k| self.entries.iter().position(|e| &e.key == k))
            .unwrap_or(0);
        self.lib_selected = last;
        let mut fx = vec![Effect::Open(last)];
        if self.scope == Scope::AllDocuments {
            fx.push(Effect::LoadAllNotes);
        }
        fx
    }

    /// Key contexts to try, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.prompt.is_some() {
            return vec![Context::Prompt];
        }
        if self.editor.is_some() {
            return vec![Context::Editor];
        }
        match self.overlay {
            Overlay::Help { .. } => return vec![Context::Help, Context::Global],
            Overlay::Outline { .. } => return vec![Context::Outline, Context::Global],
            Overlay::Find => return vec![Context::Find, Context::Global],
            Overlay::None => {}
        }
        let pane = match self.focus {
            Focus::Library => Context::Library,
            Focus::Reader => Context::Reader,
            Focus::Notes => Context::Notes,
        };
        if self.selection.is_some() && self.focus == Focus::Reader {
            return vec![Context::Select, Context::Global];
        }
        vec![pane, Context::Global]
    }

    /// Filters the library list (fuzzy, on titles and file names), keeping
    /// the selection on the same document when it still matches.
    pub fn set_library_filter(&mut self, filter: Option<String>) {
        let filter = filter.filter(|f| !f.trim().is_empty());
        let selected = self.lib_view.get(self.lib_selected).copied();
        self.lib_view = match &filter {
            None => (0..self.entries.len()).collect(),
            Some(q) => {
                let items: Vec<(&str, &str)> = self
                    .entries
                    .iter()
                    .map(|e| (e.display_title(), e.name.as_str()))
                    .collect();
                crate::library::fuzzy::filter(&items, q)
            }
        };
        self.lib_filter = filter;
        self.lib_selected = selected
            .and_then(|s| self.lib_view.iter().position(|&i| i == s))
            .filter(|_| self.lib_filter.is_none())
            .unwrap_or(0);
    }

    /// Whether the open document is still being read (keys wait for it).
    pub fn loading(&self) -> bool {
        self.loading
    }

    /// The selected row of the Notes pane (in the current scope).
    pub fn notes_selected(&self) -> usize {
        match self.scope {
            Scope::ThisDocument => self.notes.as_ref().map_or(0, |n| n.selected),
            Scope::AllDocuments => self.all_selected,
        }
    }

    pub(crate) fn set_notes_selected(&mut self, i: usize) {
        match self.scope {
            Scope::ThisDocument => {
                if let Some(n) = self.notes.as_mut() {
                    n.selected = i;
                }
            }
            Scope::AllDocuments => self.all_selected = i,
        }
    }

    fn clamp_notes_selection(&mut self) {
        let len = self.notes_items().len();
        let i = self.notes_selected().min(len.saturating_sub(1));
        self.set_notes_selected(i);
    }

    pub fn panes(&self) -> geometry::Panes {
        geometry::panes(self.size, self.focus, self.measure)
    }

    pub fn info(&mut self, text: impl AsRef<str>) {
        self.message = Some(Message {
            text: sanitize_line(text.as_ref(), MESSAGE_CHARS),
            level: Level::Info,
            sticky: false,
        });
    }

    pub fn error(&mut self, text: impl AsRef<str>) {
        self.message = Some(Message {
            text: sanitize_line(text.as_ref(), MESSAGE_CHARS),
            level: Level::Error,
            sticky: false,
        });
    }

    /// A problem found at startup: it stays until the user dismisses it.
    pub fn startup_problem(&mut self, text: impl AsRef<str>) {
        self.error(text);
        if let Some(m) = self.message.as_mut() {
            m.sticky = true;
        }
    }

    pub fn open_entry(&self) -> Option<&Entry> {
        self.open.and_then(|i| self.entries.get(i))
    }

    fn fit_reader(&mut self) {
        let p = self.panes();
        if let Some(r) = self.reader.as_mut() {
            r.resize(p.text_width, p.text_height);
        }
    }

    /// Records the reader's position in the state (saved when idle, on
    /// switching documents and on quit).
    fn note_position(&mut self) {
        let (Some(r), Some(i)) = (self.reader.as_ref(), self.open) else {
            return;
        };
        let Some(entry) = self.entries.get_mut(i) else {
            return;
        };
        let anchor = make_anchor(&r.doc, r.cursor_offset());
        let fingerprint = self.fingerprint.clone().unwrap_or_default();
        let changed = self
            .state
            .positions
            .get(&entry.key)
            .is_none_or(|p| p.anchor != anchor || p.fingerprint != fingerprint);
        entry.progress = Some(r.percent());
        if changed {
            self.state.positions.insert(
                entry.key.clone(),
                Position {
                    anchor,
                    updated: self.now.clone(),
                    fingerprint,
                    extra: toml::Table::new(),
                },
            );
            self.state.last_document = Some(entry.key.clone());
            self.position_dirty = true;
        }
    }

    fn save_state(&mut self) -> Vec<Effect> {
        self.note_position();
        if self.state_read_only || !self.position_dirty {
            return Vec::new();
        }
        self.position_dirty = false;
        vec![Effect::SaveState(self.state.clone())]
    }

    /// Saves the open document's notes, stamped with the text's
    /// fingerprint so a later change of the text can be detected.
    fn save_notes(&mut self) -> Vec<Effect> {
        let (Some(n), Some(r)) = (self.notes.as_mut(), self.reader.as_ref()) else {
            return Vec::new();
        };
        if !self.loading {
            n.file.fingerprint = crate::study::anchor::fingerprint(&r.doc);
        }
        if let Some(e) = self.open.and_then(|i| self.entries.get_mut(i)) {
            e.bookmarks = n.len();
            // The title known now (the library fills titles in as it reads).
            n.file.title = e.display_title().to_string();
        }
        vec![Effect::SaveNotes {
            key: n.key.clone(),
            path: n.path.clone(),
            file: n.file.clone(),
            retire: self.retire.clone(),
        }]
    }

    /// A new entry id: kind letter, time, process and a counter, so two
    /// windows never make the same id.
    fn new_id(&mut self, kind: char) -> String {
        self.id_counter = self.id_counter.wrapping_add(1);
        let stamp: String = self
            .now
            .chars()
            .take(19)
            .filter(char::is_ascii_digit)
            .collect();
        format!("{kind}{stamp}-{}-{}", std::process::id(), self.id_counter)
    }
}

/// Applies one message; `now` is the current time (RFC 3339) for stamps.
pub fn update(app: &mut App, msg: Msg, now: &str) -> Vec<Effect> {
    app.now = now.to_string();
    let follows = matches!(
        msg,
        Msg::Action(_) | Msg::Mouse { .. } | Msg::SearchHits { .. }
    );
    let fx = on_msg(app, msg);
    if follows && app.prompt.is_none() && app.editor.is_none() {
        noted::follow(app);
    }
    fx
}

fn on_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(a) => on_action(app, a),
        Msg::Text(e) => {
            let Some(p) = app.prompt.as_mut() else {
                return Vec::new();
            };
            if p.kind == PromptKind::UnsavedQuit {
                return match e {
                    TextEdit::Insert(c) => unsaved::answer(app, c),
                    _ => Vec::new(),
                };
            }
            let before = p.input.clone();
            p.edit(e);
            let changed = p.input != before;
            if changed && matches!(p.kind, PromptKind::Search { .. }) {
                return find::query_changed(app);
            }
            if changed && p.kind == PromptKind::FindAll {
                return find::find_all_changed(app);
            }
            if changed && p.kind == PromptKind::LibraryFilter {
                let typed: String = p.input.iter().collect();
                app.set_library_filter(Some(typed));
            }
            Vec::new()
        }
        Msg::Digit(d) => {
            let count = app
                .count
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(usize::from(d));
            app.count = Some(count.min(1_000_000));
            app.info(format!("{count}"));
            Vec::new()
        }
        Msg::SearchHits {
            generation,
            hits,
            done,
        } => {
            find::on_hits(app, generation, hits, done);
            app.note_position();
            Vec::new()
        }
        Msg::Found {
            generation,
            found,
            done,
        } => {
            find::on_found(app, generation, found, done);
            Vec::new()
        }
        Msg::FindFailed { generation, error } => {
            find::on_find_failed(app, generation, error);
            Vec::new()
        }
        Msg::SearchFailed { generation, error } => {
            find::on_error(app, generation, error);
            Vec::new()
        }
        Msg::Outline { doc, headings } => {
            let current = app
                .reader
                .as_ref()
                .is_some_and(|r| Arc::ptr_eq(&r.doc, &doc));
            if let (Overlay::Outline { .. }, true) = (&app.overlay, current) {
                let at = app.reader.as_ref().map_or(0, Reader::cursor_offset);
                let selected = crate::text::outline::current_section(&headings, at).unwrap_or(0);
                app.overlay = Overlay::Outline {
                    headings: Some(headings),
                    selected,
                };
            }
            Vec::new()
        }
        Msg::EditorInput(input) => {
            study::editor_input(app, input);
            Vec::new()
        }
        Msg::AllNotes(all) => {
            app.all_notes = all;
            app.clamp_notes_selection();
            Vec::new()
        }
        Msg::Exported(result) => {
            match result {
                Ok(path) => app.info(format!("study sheet written to {}", path.display())),
                Err(e) => app.error(format!("study sheet not written: {e}")),
            }
            Vec::new()
        }
        Msg::Mouse { kind, col, row } => on_mouse(app, kind, col, row),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.fit_reader();
            help::clamp(app);
            Vec::new()
        }
        Msg::Opened {
            index,
            result,
            notes,
            partial,
        } => {
            let fx = on_opened(app, index, result, notes, partial);
            app.loading = partial && app.open == Some(index) && app.reader.is_some();
            fx
        }
        Msg::Completed { index, result } => on_completed(app, index, result),
        Msg::NotesSaved { key, result } => match result {
            Ok((file, moved)) => {
                let count = file.entry_count();
                app.retire = None;
                if let Some(n) = app.notes.as_mut().filter(|n| n.key == key) {
                    let doc = app.reader.as_ref().map(|r| &*r.doc);
                    n.replace_file(file.clone(), doc);
                    n.problem = None;
                }
                if let Some(e) = app.entries.iter_mut().find(|e| e.key == key) {
                    e.bookmarks = count;
                }
                if let Some(m) = moved {
                    app.info(format!(
                        "the unreadable notes file was kept as {}; your notes are saved in a new one",
                        m.display()
                    ));
                }
                unsaved::notes_saved(app, &key, &file)
            }
            Err(failure) => unsaved::notes_failed(app, key, failure),
        },
        Msg::UnsavedWritten(result) => unsaved::unsaved_written(app, result),
        Msg::BackupRestored { key, result } => unsaved::backup_restored(app, &key, result),
        Msg::StateSaved(result) => {
            if let Err(e) = &result {
                app.position_dirty = true;
                if app.saving.state_failed.as_ref() != Some(e) {
                    app.error(format!("reading position not saved: {e}"));
                }
            }
            unsaved::state_saved(app, &result)
        }
        Msg::Summary { index, result } => {
            let refilter = app.lib_filter.is_some();
            if let Some(e) = app.entries.get_mut(index) {
                e.apply_summary(result);
                if let (Some(p), Some(size)) = (app.state.positions.get(&e.key), e.size)
                    && size > 0
                    && e.progress.is_none()
                {
                    e.progress = Some(((p.anchor.offset * 100) / size).min(100) as u8);
                }
            }
            if refilter {
                let f = app.lib_filter.clone();
                app.set_library_filter(f);
            }
            Vec::new()
        }
        Msg::Bookmarks { index, count } => {
            // The open document's count is live; the scan may be older.
            if app.open != Some(index)
                && let Some(e) = app.entries.get_mut(index)
            {
                e.bookmarks = count;
            }
            Vec::new()
        }
        Msg::Idle => {
            let mut fx = app.save_state();
            fx.extend(unsaved::retry_notes(app));
            fx
        }
        Msg::Signal(sig) => {
            // A note or bookmark label being written is saved, not lost
            // (RELIABILITY N12).
            let label = match app.prompt.as_ref().map(|p| (&p.kind, p.value())) {
                Some((PromptKind::BookmarkLabel { start, end }, label)) => {
                    Some((*start, *end, label))
                }
                _ => None,
            };
            let mut fx = if let Some((start, end, label)) = label {
                app.prompt = None;
                study::add_bookmark(app, start, end, label)
            } else if app
                .editor
                .as_ref()
                .is_some_and(|e| !e.text().trim().is_empty())
            {
                study::editor_save(app)
            } else {
                Vec::new()
            };
            fx.extend(app.save_state());
            fx.push(Effect::Quit(128 + sig));
            fx
        }
    }
}

fn on_opened(
    app: &mut App,
    index: usize,
    result: Result<Box<Document>, DocError>,
    notes: Option<NotesLoad>,
    partial: bool,
) -> Vec<Effect> {
    app.loading = false;
    app.goto_when_complete = None;
    let restore = app
        .keymap
        .hint(Context::Notes, crate::input::action::Action::RestoreBackup);
    let Some(entry) = app.entries.get_mut(index) else {
        return Vec::new();
    };
    match result {
        Err(e) => {
            let msg = format!("{}: cannot open: {e}", entry.name);
            entry.error = Some(e);
            app.open_error = Some(sanitize_line(&msg, MESSAGE_CHARS));
            app.error(msg);
            Vec::new()
        }
        Ok(doc) => {
            entry.error = None;
            entry.fill_in_from(&doc);
            let warnings = doc.warnings.clone();
            let p = geometry::panes(app.size, app.focus, app.measure);
            let mut reader = Reader::new(Arc::<Document>::from(doc), p.text_width, p.text_height);
            app.fingerprint = (!partial && reader.doc.len() <= FINGERPRINT_MAX_BYTES)
                .then(|| crate::study::anchor::fingerprint(&reader.doc));
            adopt_position(
                &mut app.state,
                &app.entries,
                index,
                app.fingerprint.as_deref(),
            );
            let Some(entry) = app.entries.get_mut(index) else {
                return Vec::new();
            };
            let offset = app
                .pending_offset
                .take()
                .or_else(|| app.state.positions.get(&entry.key).map(|p| p.anchor.offset));
            let mut adopted = None;
            let mut notes_state = notes.map(|n| {
                adopted = n.adopted_from.clone();
                let file = n.file.unwrap_or_else(|| {
                    NotesFile::new(entry.key.clone(), entry.display_title().to_string(), "")
                });
                // Said before anything is typed: where new notes will go.
                let newer = file.is_read_only().then(|| {
                    let beside = crate::storage::beside_newer(&n.path);
                    let name = |p: &std::path::Path| {
                        p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
                    };
                    format!(
                        "notes file made by a newer marginote: left untouched; its notes are shown and new ones are saved beside it as {} (in {})",
                        name(&beside),
                        beside.parent().map(|d| d.display().to_string()).unwrap_or_default()
                    )
                });
                let unreadable = n.problem.map(|p| {
                    let offer = if p.contains("newest good backup") {
                        format!(" — {restore} in the Notes pane restores the backup")
                    } else {
                        String::new()
                    };
                    format!("{p}{offer} — the file is left untouched; your next note will be saved in a new file and that one kept aside")
                });
                let mut dn = DocNotes::new(entry.key.clone(), n.path, file);
                dn.problem = unreadable.or(newer);
                dn
            });
            let mut moved = false;
            if let Some(n) = notes_state.as_mut() {
                // Notes are placed once the whole text is in.
                if !partial {
                    moved = n.reanchor(&reader.doc);
                }
                entry.bookmarks = n.len();
            }
            if let Some(off) = offset {
                // Find the saved passage again if the text changed.
                let off = app
                    .state
                    .positions
                    .get(&entry.key)
                    .map(
                        |p| match crate::study::anchor::place(&reader.doc, &p.anchor) {
                            crate::study::anchor::Placement::Moved { at, .. }
                            | crate::study::anchor::Placement::Changed { at, .. } => at,
                            _ => off,
                        },
                    )
                    .unwrap_or(off);
                if partial && off >= reader.doc.len() {
                    app.goto_when_complete = Some(off);
                }
                reader.goto_offset(off);
            }
            app.selection = None;
            app.point = None;
            app.reattach = None;
            app.under_cursor = None;
            app.editor = None;
            app.retire = None;
            app.search = None;
            app.jumps = crate::app::jumplist::JumpList::new();
            app.open = Some(index);
            app.open_error = None;
            app.reader = Some(reader);
            app.notes = notes_state;
            app.note_position();
            let mut problems: Vec<String> = warnings;
            if let Some(p) = app.notes.as_ref().and_then(|n| n.problem.clone()) {
                // Also listed in full in help: the status line cuts it.
                let listed = sanitize_line(&p, 300);
                if !app.problems.contains(&listed) {
                    app.problems.push(listed);
                }
                problems.push(p);
            }
            let lost = app.notes.as_ref().map_or(0, |n| n.not_found.len());
            if lost > 0 {
                problems.push(format!(
                    "{lost} note(s) could not be placed in the changed text: kept, and listed in the Notes pane as “could not place”"
                ));
            }
            if !problems.is_empty() {
                app.error(problems.join(" · "));
            } else if app.message.as_ref().is_some_and(|m| !m.sticky) {
                // A problem with the previous document is stale now.
                app.message = None;
            }
            let unreadable = app.notes.as_ref().is_some_and(|n| n.problem.is_some());
            if let Some(old) = adopted {
                // Notes found by the text's fingerprint (the document moved):
                // save them under the new name, then retire the old file.
                app.retire = Some(old);
                app.info("notes found from before the document was moved or renamed: re-attached");
                return app.save_notes();
            }
            if moved && !unreadable {
                return app.save_notes();
            }
            Vec::new()
        }
    }
}

/// Texts above this size are not fingerprinted for the reading position
/// (hashing them would delay opening), as for notes.
const FINGERPRINT_MAX_BYTES: usize = 16 << 20;

/// A document with no saved position takes the position saved for the
/// same text under another name that is no longer in the library: the
/// file was renamed or moved (notes follow it the same way).
fn adopt_position(state: &mut StateFile, entries: &[Entry], index: usize, fp: Option<&str>) {
    let (Some(fp), Some(entry)) = (fp.filter(|f| !f.is_empty()), entries.get(index)) else {
        return;
    };
    if state.positions.contains_key(&entry.key) {
        return;
    }
    let found = state
        .positions
        .iter()
        .filter(|(k, p)| p.fingerprint == fp && !entries.iter().any(|e| &e.key == *k))
        .max_by(|a, b| a.1.updated.cmp(&b.1.updated))
        .map(|(_, p)| p.clone());
    if let Some(p) = found {
        state.positions.insert(entry.key.clone(), p);
    }
}

/// The whole of a big document arrived: it replaces the first part, the
/// view staying on the same text, and its notes are placed.
fn on_completed(
    app: &mut App,
    index: usize,
    result: Result<Box<Document>, DocError>,
) -> Vec<Effect> {
    if !app.loading || app.open != Some(index) {
        return Vec::new();
    }
    app.loading = false;
    let goto = app.goto_when_complete.take();
    match result {
        Err(e) => {
            let name = app
                .entries
                .get(index)
                .map(|e| e.name.clone())
                .unwrap_or_default();
            let msg = format!("{name}: cannot open: {e}");
            if let Some(entry) = app.entries.get_mut(index) {
                entry.error = Some(e);
            }
            app.reader = None;
            app.notes = None;
            app.open_error = Some(sanitize_line(&msg, MESSAGE_CHARS));
            app.error(msg);
            Vec::new()
        }
        Ok(doc) => {
            let Some(old) = app.reader.as_ref() else {
                return Vec::new();
            };
            let view = old.view();
            let mut reader = Reader::new(Arc::<Document>::from(doc), old.width(), old.height());
            match goto {
                Some(at) => reader.goto_offset(at),
                None => reader.restore_view(view),
            }
            if !reader.doc.warnings.is_empty() {
                app.error(reader.doc.warnings.join(" · "));
            }
            let mut moved = false;
            if let Some(n) = app.notes.as_mut() {
                moved = n.reanchor(&reader.doc);
            }
            if reader.doc.len() <= FINGERPRINT_MAX_BYTES {
                app.fingerprint = Some(crate::study::anchor::fingerprint(&reader.doc));
            }
            let mut fx = Vec::new();
            // An outline asked for on the first part was dropped when it
            // came back (the text changed): ask again for the whole.
            if let Overlay::Outline { headings: None, .. } = app.overlay {
                fx.push(Effect::Outline(Arc::clone(&reader.doc)));
            }
            app.reader = Some(reader);
            app.note_position();
            let unreadable = app.notes.as_ref().is_some_and(|n| n.problem.is_some());
            if moved && !unreadable {
                fx.extend(app.save_notes());
            }
            fx
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_notes;
