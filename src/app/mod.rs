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
pub mod find;
pub mod geometry;
pub mod help;
pub mod jumplist;
mod msg;
mod noted;
mod notes_rows;
mod placing;
pub mod review;
mod selection;
mod session;
mod study;
pub mod tracked;
pub mod unsaved;
mod update;
use crate::storage::{NotesFile, Position, StateFile};
use crate::text::reader::Reader;
use crate::text::sanitize::sanitize_line;
use actions::{on_action, on_mouse};
pub use find::{FindAll, FindTarget, Found, Search};
pub use msg::{Effect, Msg, NotesLoad};
pub use noted::under_cursor;
pub use notes_rows::OtherDocs;
pub use review::{CardView, DueCounts, Prepared, Session};
pub use selection::Selection;
pub use session::{Sessions, clock};
pub use study::{EditTarget, Editor, ExportDoc, OtherNotes, Scope, ScopedItem, first_words};
pub use tracked::Tracked;
pub use update::update;

/// Default reading measure in columns.
pub const DEFAULT_MEASURE: usize = 80;
/// Longest message shown in the status line (characters).
const MESSAGE_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The name of a lecture session to start (or resume).
    SessionName,
}

/// A one-line prompt in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub label: std::borrow::Cow<'static, str>,
    /// Accepted when the input is left empty.
    pub default: String,
    pub input: Vec<char>,
    pub cursor: usize,
    pub kind: PromptKind,
    /// The input is a suggestion, shown selected: a typed character
    /// replaces it, backspace clears it, a movement key starts editing it.
    pub selected: bool,
}

impl Prompt {
    pub fn new(
        label: impl Into<std::borrow::Cow<'static, str>>,
        default: String,
        kind: PromptKind,
    ) -> Prompt {
        Prompt {
            label: label.into(),
            default,
            input: Vec::new(),
            cursor: 0,
            kind,
            selected: false,
        }
    }

    /// A prompt holding `suggestion`, selected (see [`Prompt::selected`]);
    /// enter takes it as it is.
    pub fn suggesting(label: &'static str, suggestion: String, kind: PromptKind) -> Prompt {
        let mut p = Prompt::new(label, suggestion.clone(), kind);
        p.input = suggestion.chars().collect();
        p.cursor = p.input.len();
        p.selected = !p.input.is_empty();
        p
    }

    fn edit(&mut self, e: TextEdit) {
        if std::mem::take(&mut self.selected) {
            match e {
                // Typing over a selected suggestion replaces it, as in any
                // text field; deleting deletes all of it.
                TextEdit::Insert(_) | TextEdit::Backspace | TextEdit::Delete | TextEdit::Clear => {
                    self.input.clear();
                    self.cursor = 0;
                    if let TextEdit::Insert(_) = e {
                        self.edit(e);
                    }
                    return;
                }
                // Left and home go to its start, right and end to its end.
                TextEdit::Left | TextEdit::Home => {
                    self.cursor = 0;
                    return;
                }
                TextEdit::Right | TextEdit::End => {
                    self.cursor = self.input.len();
                    return;
                }
            }
        }
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
    pub entries: Tracked<Vec<Entry>>,
    /// Selected row of the library list (an index into `lib_view`).
    pub lib_selected: usize,
    /// The library list in display order (entry indices): all of them, or
    /// those matching the fuzzy filter, best first.
    pub lib_view: Tracked<Vec<usize>>,
    pub lib_filter: Tracked<Option<String>>,
    pub reader: Option<Reader>,
    /// Library index of the open document.
    pub open: Option<usize>,
    /// Why the selected document could not be opened, shown in the reader.
    pub open_error: Option<String>,
    /// The document being opened was chosen at start, not by the student:
    /// one that cannot be opened gives way to the next.
    pub auto_open: bool,
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
    /// The lecture sessions, and the one this window runs.
    pub sessions: Sessions,
    /// Other documents' notes, loaded when the all-documents scope is shown.
    pub all_notes: OtherDocs,
    /// The all-documents or session rows of the Notes pane, kept until
    /// what they list changes (see `notes_rows`).
    notes_rows: std::cell::RefCell<notes_rows::RowsCache>,
    /// The help's text as last laid out, and what for (see `help::lines`).
    help_page: std::cell::RefCell<help::PageMemo>,
    /// While that list is read: notes files read so far, and in all.
    pub all_notes_progress: Option<(usize, usize)>,
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
    /// Keys typed while a document is read that need all of it (`G`, a
    /// search, a note): they wait, in order; the status line says so.
    pub waiting_keys: usize,
    /// Where to go once the whole document is in (a saved position past
    /// the first part).
    goto_when_complete: Option<usize>,
    /// While the rest loads, the open part may be a window of the text
    /// around the saved position: where in the whole its first byte sits
    /// (offsets in the part are this much less than in the whole).
    window: Option<usize>,
    pub focus: Focus,
    pub overlay: Overlay,
    pub prompt: Option<Prompt>,
    pub size: (u16, u16),
    pub message: Option<Message>,
    /// A startup problem covered by a passing message: it comes back when
    /// that message goes, so it is never lost before esc.
    held: Option<Message>,
    pub state: StateFile,
    /// The state file on disk could not be read: never save over it.
    pub state_read_only: bool,
    position_dirty: bool,
    /// The reader moved since its place was last recorded
    /// ([`App::moved`]).
    position_moved: bool,
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
    /// The review in progress (`R`), kept while a card's passage is read.
    pub review: Option<Session>,
    /// Numbers the review's deck builds (a late one is dropped).
    review_generation: u64,
    /// Cards due per document key, shown in the Library.
    pub due: Tracked<DueCounts>,
    /// A notes file changed since `due` was counted: the next quiet moment
    /// counts again (on a worker, never on the key path).
    pub due_stale: bool,
    pub now: String,
}

impl App {
    pub fn new(entries: Vec<Entry>, keymap: Keymap, state: StateFile, measure: usize) -> App {
        App {
            entries: entries.into(),
            lib_selected: 0,
            lib_view: Tracked::default(),
            lib_filter: Tracked::default(),
            reader: None,
            open: None,
            open_error: None,
            auto_open: false,
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
            sessions: Sessions::default(),
            all_notes: OtherDocs::default(),
            notes_rows: std::cell::RefCell::default(),
            help_page: std::cell::RefCell::default(),
            all_notes_progress: None,
            all_selected: 0,
            retire: None,
            search: None,
            count: None,
            jumps: crate::app::jumplist::JumpList::new(),
            find_all: None,
            loading: false,
            waiting_keys: 0,
            goto_when_complete: None,
            window: None,
            focus: Focus::Reader,
            overlay: Overlay::None,
            prompt: None,
            size: (80, 24),
            message: None,
            held: None,
            state,
            state_read_only: false,
            position_dirty: false,
            position_moved: false,
            saving: unsaved::Saving::default(),
            measure: measure.max(10),
            theme: crate::config::Palette::default(),
            keymap,
            problems: Vec::new(),
            pending_offset: None,
            id_counter: 0,
            review: None,
            review_generation: 0,
            due: Tracked::default(),
            due_stale: false,
            now: String::new(),
        }
    }

    /// The first document to open: the last one read, else the first.
    pub fn startup(&mut self) -> Vec<Effect> {
        *self.lib_view = (0..self.entries.len()).collect();
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
        let remembered = self
            .state
            .last_document
            .as_ref()
            .and_then(|k| self.entries.iter().position(|e| &e.key == k));
        self.auto_open = remembered.is_none();
        let last = remembered.unwrap_or(0);
        self.lib_selected = last;
        let mut fx = vec![Effect::Open(last)];
        if self.scope != Scope::ThisDocument {
            fx.push(self.load_all_notes());
        }
        fx
    }

    /// Key contexts to try, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        if let Some(p) = &self.prompt {
            if p.kind == PromptKind::UnsavedQuit {
                return vec![Context::Unsaved];
            }
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
        if self.review_shown() {
            return vec![Context::Review, Context::Global];
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
        *self.lib_view = match &filter {
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
        *self.lib_filter = filter;
        self.lib_selected = selected
            .and_then(|s| self.lib_view.iter().position(|&i| i == s))
            .filter(|_| self.lib_filter.is_none())
            .unwrap_or(0);
    }

    /// Whether the review overlay is up (not left standing for a jump).
    pub fn review_shown(&self) -> bool {
        self.review.as_ref().is_some_and(|s| s.shown)
    }

    /// Whether the open document is still being read (keys wait for it).
    pub fn loading(&self) -> bool {
        self.loading
    }

    /// Whether a search was confirmed (enter) before it found where to go:
    /// the keys typed after it wait for its first match (or its end), so
    /// they act from the match, in the order typed. Typed fast (or on a
    /// busy machine), "/word enter g" once left the cursor on the match:
    /// `g` was handled first, then the match arrived and moved the cursor.
    pub fn search_pending(&self) -> bool {
        self.prompt.is_none()
            && self
                .search
                .as_ref()
                .is_some_and(|s| s.current.is_none() && !s.done && s.error.is_none())
    }

    /// Whether the open document's big notes file is still being read
    /// (keys that need the notes wait for it).
    pub fn notes_loading(&self) -> bool {
        self.notes.as_ref().is_some_and(|n| n.loading.is_some())
    }

    /// Where in the whole text the open part starts, while a window of it
    /// is shown (see [`App::loading`]); 0 otherwise.
    pub fn window_start(&self) -> usize {
        self.window.unwrap_or(0)
    }

    /// Whether the open part is a window of the text, not its beginning:
    /// its top is not the document's.
    pub fn loading_window(&self) -> bool {
        self.window.is_some()
    }

    /// The selected row of the Notes pane (in the current scope).
    pub fn notes_selected(&self) -> usize {
        match self.scope {
            Scope::ThisDocument => self.notes.as_ref().map_or(0, |n| n.selected),
            Scope::AllDocuments | Scope::Session => self.all_selected,
        }
    }

    pub(crate) fn set_notes_selected(&mut self, i: usize) {
        match self.scope {
            Scope::ThisDocument => {
                if let Some(n) = self.notes.as_mut() {
                    n.selected = i;
                }
            }
            Scope::AllDocuments | Scope::Session => self.all_selected = i,
        }
    }

    fn clamp_notes_selection(&mut self) {
        let len = self.notes_len();
        let i = self.notes_selected().min(len.saturating_sub(1));
        self.set_notes_selected(i);
    }

    pub fn panes(&self) -> geometry::Panes {
        geometry::panes(self.size, self.focus, self.measure)
    }

    pub fn info(&mut self, text: impl AsRef<str>) {
        self.say(text.as_ref(), Level::Info, false);
    }

    pub fn error(&mut self, text: impl AsRef<str>) {
        self.say(text.as_ref(), Level::Error, false);
    }

    /// Lists a problem in help (in full: the status line cuts it), once.
    pub(crate) fn list_problem(&mut self, problem: &str) {
        let listed = sanitize_line(problem, 300);
        if !self.problems.contains(&listed) {
            self.problems.push(listed);
        }
    }

    /// A problem found at startup: it stays until the user dismisses it.
    pub fn startup_problem(&mut self, text: impl AsRef<str>) {
        self.say(text.as_ref(), Level::Error, true);
    }

    /// Shows a message. A passing one shown over a sticky one holds it
    /// back until the passing one goes.
    pub(crate) fn say(&mut self, text: &str, level: Level, sticky: bool) {
        let shown = Message {
            text: sanitize_line(text, MESSAGE_CHARS),
            level,
            sticky,
        };
        if let Some(old) = self.message.replace(shown)
            && old.sticky
            && !sticky
            && self.held.is_none()
        {
            self.held = Some(old);
        }
    }

    /// A passing message goes (the next key, the next document): a sticky
    /// one it covered comes back; a sticky one shown stays.
    pub(crate) fn pass_message(&mut self) {
        if self.message.as_ref().is_some_and(|m| !m.sticky) {
            self.message = self.held.take();
        }
    }

    /// Every message goes, sticky or held (esc).
    pub(crate) fn dismiss_messages(&mut self) {
        self.message = None;
        self.held = None;
    }

    pub fn open_entry(&self) -> Option<&Entry> {
        self.open.and_then(|i| self.entries.get(i))
    }

    fn fit_reader(&mut self) {
        let p = self.panes();
        // The cursor's character (a match, a note's first word) stays
        // under the cursor: a row rewrapped may start in the sentence
        // before it, which `m` and `a` would then act on.
        let point = self.cursor_point().filter(|&at| self.point == Some(at));
        if let Some(r) = self.reader.as_mut() {
            r.resize_at(p.text_width, p.text_height, point);
        }
    }

    /// The reader moved: the Library's progress follows at once, and the
    /// place is recorded ([`App::note_position`]) before the next message
    /// that is not a move (`update`). A quote and its context for every
    /// key held down was a tenth of a key's time (issue 12).
    fn moved(&mut self) {
        self.position_moved = true;
        // Written only when it changes: a write is a new revision of the
        // entries, and the Library pane is drawn again for it.
        if let (Some(r), Some(i), None) = (self.reader.as_ref(), self.open, self.window)
            && let progress = Some(r.percent())
            && self.entries.get(i).is_some_and(|e| e.progress != progress)
        {
            self.entries[i].progress = progress;
        }
    }

    /// Records the reader's position in the state (saved when idle, on
    /// switching documents and on quit).
    fn note_position(&mut self) {
        self.position_moved = false;
        let (Some(r), Some(i)) = (self.reader.as_ref(), self.open) else {
            return;
        };
        let Some(entry) = self.entries.get_mut(i) else {
            return;
        };
        let mut anchor = make_anchor(&r.doc, r.cursor_offset());
        anchor.offset += self.window.unwrap_or(0);
        let fingerprint = self.fingerprint.clone().unwrap_or_default();
        let changed = self
            .state
            .positions
            .get(&entry.key)
            .is_none_or(|p| p.anchor != anchor || p.fingerprint != fingerprint);
        // A window's percentage is not the document's.
        if self.window.is_none() {
            entry.progress = Some(r.percent());
        }
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
        let (Some(n), Some(_)) = (self.notes.as_mut(), self.reader.as_ref()) else {
            return Vec::new();
        };
        // The open text's fingerprint, hashed once when it was opened (on
        // a worker for a big text): hashing it again here cost every note
        // on a 50 MB text 96 ms on the loop (3.3 MB: 4.6 ms). None: a
        // first part, a text too big to fingerprint, or the hash not back.
        if let Some(fp) = self.fingerprint.as_ref().filter(|_| !self.loading)
            && n.file().fingerprint != *fp
        {
            n.file_mut().fingerprint.clone_from(fp);
        }
        if let Some(e) = self.open.and_then(|i| self.entries.get_mut(i)) {
            e.bookmarks = n.len();
            // The title known now (the library fills titles in as it reads).
            let title = e.display_title();
            if n.file().title != title {
                n.file_mut().title = title.to_string();
            }
        }
        let key = n.key.clone();
        let generation = self.saving.sent(&key);
        vec![Effect::SaveNotes {
            key,
            path: n.path.clone(),
            file: n.file().clone(),
            retire: self.retire.clone(),
            generation,
        }]
    }

    /// [`App::save_notes`] for a change the user waits to see saved: the
    /// status line says [`unsaved::SAVING_NOTE`] until the save comes back
    /// written, then `done` ("note saved"). Saves run on the saver thread:
    /// saying `done` here would claim a write that has not happened.
    fn save_notes_then_say(&mut self, done: &'static str) -> Vec<Effect> {
        let fx = self.save_notes();
        if let Some(Effect::SaveNotes {
            key, generation, ..
        }) = fx.first()
        {
            self.saving.confirm = Some(unsaved::Confirm {
                key: key.clone(),
                generation: *generation,
                text: done,
            });
            self.info(unsaved::SAVING_NOTE);
        }
        fx
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

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_mapped;
#[cfg(test)]
mod tests_notes;
#[cfg(test)]
mod tests_review;
