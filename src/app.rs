//! All application state and the one function that changes it.
//!
//! [`update`] takes a [`Msg`] (a key turned into an [`Action`] by the
//! keymap, a mouse gesture, a resize, the result of some I/O) and returns
//! [`Effect`]s for the run loop to carry out. It touches no file, clock or
//! terminal, so every behaviour is a plain unit test.

use std::path::PathBuf;

use crate::action::{Action, Context, MouseKind, TextEdit};
use crate::document::{DocError, Document};
use crate::keymap::Keymap;
use crate::library::Entry;
use crate::notes::{DocNotes, make_anchor};
use crate::reader::Reader;
use crate::sanitize::sanitize_line;
use crate::storage::{Bookmark, NotesFile, Position, StateFile};
use crate::ui::{self, Panes};

/// Default reading measure in columns.
pub const DEFAULT_MEASURE: usize = 80;
/// Rows the mouse wheel scrolls.
const WHEEL_ROWS: usize = 3;
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

/// A one-line prompt: the bookmark label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub label: &'static str,
    /// Accepted when the input is left empty.
    pub default: String,
    pub input: Vec<char>,
    pub cursor: usize,
    /// Source offset the bookmark will be anchored at.
    pub offset: usize,
}

impl Prompt {
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

/// Everything that can happen to the app.
pub enum Msg {
    Action(Action),
    Text(TextEdit),
    Mouse {
        kind: MouseKind,
        col: u16,
        row: u16,
    },
    Resize(u16, u16),
    /// A document finished loading (with its notes file).
    Opened {
        index: usize,
        result: Result<Box<Document>, DocError>,
        notes: Option<NotesLoad>,
    },
    NotesSaved {
        key: String,
        result: Result<(NotesFile, Option<PathBuf>), String>,
    },
    StateSaved(Result<(), String>),
    /// Title, words and size of a library entry, or why it cannot be read.
    Summary {
        index: usize,
        result: Result<(crate::document::Summary, usize), DocError>,
    },
    /// How many bookmarks a library entry's notes file holds.
    Bookmarks {
        index: usize,
        count: usize,
    },
    /// Nothing happened for a while: a good moment to save the position.
    Idle,
    /// SIGTERM, SIGHUP, SIGINT, SIGQUIT: save and leave.
    Signal(i32),
}

/// A notes file as loaded for an opened document.
pub struct NotesLoad {
    pub path: PathBuf,
    pub file: Option<NotesFile>,
    pub problem: Option<String>,
}

/// What the run loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Open(usize),
    SaveNotes {
        key: String,
        path: PathBuf,
        file: NotesFile,
    },
    SaveState(StateFile),
    Quit(i32),
    Suspend,
    Redraw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help { scroll: usize },
}

pub struct App {
    pub entries: Vec<Entry>,
    pub lib_selected: usize,
    pub reader: Option<Reader>,
    /// Library index of the open document.
    pub open: Option<usize>,
    /// Why the selected document could not be opened, shown in the reader.
    pub open_error: Option<String>,
    pub notes: Option<DocNotes>,
    pub focus: Focus,
    pub overlay: Overlay,
    pub prompt: Option<Prompt>,
    pub size: (u16, u16),
    pub message: Option<Message>,
    pub state: StateFile,
    /// The state file on disk could not be read: never save over it.
    pub state_read_only: bool,
    position_dirty: bool,
    pub measure: usize,
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
            reader: None,
            open: None,
            open_error: None,
            notes: None,
            focus: Focus::Reader,
            overlay: Overlay::None,
            prompt: None,
            size: (80, 24),
            message: None,
            state,
            state_read_only: false,
            position_dirty: false,
            measure: measure.max(10),
            keymap,
            problems: Vec::new(),
            pending_offset: None,
            id_counter: 0,
            now: String::new(),
        }
    }

    /// The first document to open: the last one read, else the first.
    pub fn startup(&mut self) -> Vec<Effect> {
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
        vec![Effect::Open(last)]
    }

    /// Key contexts to try, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.prompt.is_some() {
            return vec![Context::Prompt];
        }
        if let Overlay::Help { .. } = self.overlay {
            return vec![Context::Help, Context::Global];
        }
        let pane = match self.focus {
            Focus::Library => Context::Library,
            Focus::Reader => Context::Reader,
            Focus::Notes => Context::Notes,
        };
        vec![pane, Context::Global]
    }

    pub fn panes(&self) -> Panes {
        ui::panes(self.size, self.focus, self.measure)
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
        let changed = self
            .state
            .positions
            .get(&entry.key)
            .is_none_or(|p| p.anchor != anchor);
        entry.progress = Some(r.percent());
        if changed {
            self.state.positions.insert(
                entry.key.clone(),
                Position {
                    anchor,
                    updated: self.now.clone(),
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
        n.file.fingerprint = crate::notes::fingerprint(&r.doc);
        vec![Effect::SaveNotes {
            key: n.key.clone(),
            path: n.path.clone(),
            file: n.file.clone(),
        }]
    }

    fn new_id(&mut self) -> String {
        self.id_counter = self.id_counter.wrapping_add(1);
        let stamp: String = self.now.chars().filter(char::is_ascii_digit).collect();
        format!("b{stamp}-{}-{}", std::process::id(), self.id_counter)
    }
}

/// Applies one message; `now` is the current time (RFC 3339) for stamps.
pub fn update(app: &mut App, msg: Msg, now: &str) -> Vec<Effect> {
    app.now = now.to_string();
    match msg {
        Msg::Action(a) => on_action(app, a),
        Msg::Text(e) => {
            if let Some(p) = app.prompt.as_mut() {
                p.edit(e);
            }
            Vec::new()
        }
        Msg::Mouse { kind, col, row } => on_mouse(app, kind, col, row),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.fit_reader();
            Vec::new()
        }
        Msg::Opened {
            index,
            result,
            notes,
        } => on_opened(app, index, result, notes),
        Msg::NotesSaved { key, result } => {
            match result {
                Ok((file, moved)) => {
                    let count = file.bookmarks.len();
                    if let Some(n) = app.notes.as_mut().filter(|n| n.key == key) {
                        let doc = app.reader.as_ref().map(|r| &r.doc);
                        n.replace_file(file, doc);
                        n.problem = None;
                    }
                    if let Some(e) = app.entries.iter_mut().find(|e| e.key == key) {
                        e.bookmarks = count;
                    }
                    if let Some(m) = moved {
                        app.info(format!(
                            "the unreadable notes file was kept as {}; bookmarks are saved in a new one",
                            m.display()
                        ));
                    }
                }
                Err(e) => app.error(format!("{e} — your bookmark is kept in memory")),
            }
            Vec::new()
        }
        Msg::StateSaved(result) => {
            if let Err(e) = result {
                app.position_dirty = true;
                app.error(format!("reading position not saved: {e}"));
            }
            Vec::new()
        }
        Msg::Summary { index, result } => {
            if let Some(e) = app.entries.get_mut(index) {
                e.apply_summary(result);
                if let (Some(p), Some(size)) = (app.state.positions.get(&e.key), e.size)
                    && size > 0
                    && e.progress.is_none()
                {
                    e.progress = Some(((p.anchor.offset * 100) / size).min(100) as u8);
                }
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
        Msg::Idle => app.save_state(),
        Msg::Signal(sig) => {
            let mut fx = app.save_state();
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
) -> Vec<Effect> {
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
            let warnings = doc.warnings.clone();
            let p = ui::panes(app.size, app.focus, app.measure);
            let mut reader = Reader::new(*doc, p.text_width, p.text_height);
            let offset = app
                .pending_offset
                .take()
                .or_else(|| app.state.positions.get(&entry.key).map(|p| p.anchor.offset));
            let mut notes_state = notes.map(|n| {
                let file = n.file.unwrap_or_else(|| {
                    NotesFile::new(entry.key.clone(), entry.display_title().to_string(), "")
                });
                let newer = file.is_read_only().then(|| {
                    format!(
                        "{} was made by a newer marginote: its bookmarks are shown, new ones cannot be saved there",
                        n.path.display()
                    )
                });
                let mut dn = DocNotes::new(entry.key.clone(), n.path, file);
                dn.problem = n.problem.or(newer);
                dn
            });
            if let Some(n) = notes_state.as_mut() {
                n.reanchor(&reader.doc);
                entry.bookmarks = n.len();
            }
            if let Some(off) = offset {
                // Find the saved passage again if the text changed.
                let off = app
                    .state
                    .positions
                    .get(&entry.key)
                    .map(|p| match crate::notes::place(&reader.doc, &p.anchor) {
                        crate::notes::Placement::Moved(at) => at,
                        _ => off,
                    })
                    .unwrap_or(off);
                reader.goto_offset(off);
            }
            app.open = Some(index);
            app.open_error = None;
            app.reader = Some(reader);
            app.notes = notes_state;
            app.note_position();
            let mut problems: Vec<String> = warnings;
            if let Some(p) = app.notes.as_ref().and_then(|n| n.problem.clone()) {
                problems.push(format!(
                    "{p} — the file is left untouched; a new bookmark will keep it aside"
                ));
            }
            let lost = app.notes.as_ref().map_or(0, |n| n.not_found.len());
            if lost > 0 {
                problems.push(format!(
                    "{lost} bookmark(s) could not be placed in the changed text; kept in the Notes pane"
                ));
            }
            if !problems.is_empty() {
                app.error(problems.join(" · "));
            } else if app.message.as_ref().is_some_and(|m| !m.sticky) {
                // A problem with the previous document is stale now.
                app.message = None;
            }
            Vec::new()
        }
    }
}

fn list_move(selected: &mut usize, len: usize, a: Action, page: usize) {
    if len == 0 {
        *selected = 0;
        return;
    }
    let last = len - 1;
    *selected = match a {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(last),
        Action::PageDown => (*selected + page).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::HalfPageDown => (*selected + page / 2).min(last),
        Action::HalfPageUp => selected.saturating_sub(page / 2),
        Action::Top => 0,
        Action::Bottom => last,
        _ => *selected,
    }
    .min(last);
}

fn is_movement(a: Action) -> bool {
    matches!(
        a,
        Action::Up
            | Action::Down
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::Top
            | Action::Bottom
    )
}

fn move_reader(app: &mut App, a: Action) {
    let Some(r) = app.reader.as_mut() else {
        return;
    };
    let page = r.page();
    let half = (r.height() / 2).max(1);
    match a {
        Action::Up => r.up(1),
        Action::Down => r.down(1),
        Action::PageDown => r.scroll_down(page),
        Action::PageUp => r.scroll_up(page),
        Action::HalfPageDown => r.scroll_down(half),
        Action::HalfPageUp => r.scroll_up(half),
        Action::Top => r.top(),
        Action::Bottom => r.bottom(),
        _ => {}
    }
    app.note_position();
}

fn on_action(app: &mut App, a: Action) -> Vec<Effect> {
    // Confirmations last until the next key; problems stay until esc or
    // the next message, so a startup problem is not missed.
    if app.message.as_ref().is_some_and(|m| m.level == Level::Info) {
        app.message = None;
    }
    if let Some(prompt) = app.prompt.take() {
        return match a {
            Action::Confirm => add_bookmark(app, prompt),
            Action::Cancel => {
                app.info("bookmark not added");
                Vec::new()
            }
            _ => {
                app.prompt = Some(prompt);
                Vec::new()
            }
        };
    }
    if let Overlay::Help { scroll } = app.overlay {
        match a {
            Action::Cancel | Action::Help => app.overlay = Overlay::None,
            Action::Quit => return quit(app),
            Action::Down => app.overlay = Overlay::Help { scroll: scroll + 1 },
            Action::Up => {
                app.overlay = Overlay::Help {
                    scroll: scroll.saturating_sub(1),
                }
            }
            Action::PageDown | Action::HalfPageDown => {
                app.overlay = Overlay::Help {
                    scroll: scroll + 10,
                }
            }
            Action::PageUp | Action::HalfPageUp => {
                app.overlay = Overlay::Help {
                    scroll: scroll.saturating_sub(10),
                }
            }
            Action::Top => app.overlay = Overlay::Help { scroll: 0 },
            _ => {}
        }
        return Vec::new();
    }
    match a {
        Action::Quit => return quit(app),
        Action::Help => app.overlay = Overlay::Help { scroll: 0 },
        Action::FocusNext => app.focus = app.focus.next(),
        Action::FocusPrev => app.focus = app.focus.prev(),
        Action::Suspend => {
            let mut fx = app.save_state();
            fx.push(Effect::Suspend);
            return fx;
        }
        Action::Redraw => return vec![Effect::Redraw],
        Action::Cancel => {
            app.message = None;
            if !app.panes().wide {
                app.focus = Focus::Reader;
            }
        }
        m if is_movement(m) => match app.focus {
            Focus::Library => {
                let page = app.panes().list_page();
                list_move(&mut app.lib_selected, app.entries.len(), m, page);
            }
            Focus::Reader => move_reader(app, m),
            Focus::Notes => {
                let page = app.panes().list_page();
                if let Some(n) = app.notes.as_mut() {
                    let len = n.len();
                    list_move(&mut n.selected, len, m, page);
                }
            }
        },
        Action::Open => match app.focus {
            Focus::Library => return open_selected(app),
            Focus::Notes => jump_to_selected(app),
            Focus::Reader => {}
        },
        Action::AddBookmark => start_bookmark(app),
        Action::Delete if app.focus == Focus::Notes => return delete_bookmark(app),
        Action::Undo if app.focus == Focus::Notes => return undo_delete(app),
        _ => {}
    }
    Vec::new()
}

fn quit(app: &mut App) -> Vec<Effect> {
    let mut fx = app.save_state();
    fx.push(Effect::Quit(0));
    fx
}

fn open_selected(app: &mut App) -> Vec<Effect> {
    let i = app.lib_selected;
    if i >= app.entries.len() {
        return Vec::new();
    }
    if app.open == Some(i) && app.reader.is_some() {
        app.focus = Focus::Reader;
        return Vec::new();
    }
    let mut fx = app.save_state();
    app.focus = Focus::Reader;
    fx.push(Effect::Open(i));
    fx
}

fn jump_to_selected(app: &mut App) {
    let Some(n) = app.notes.as_ref() else { return };
    let Some(b) = n.file.bookmarks.get(n.selected) else {
        return;
    };
    let offset = b.anchor.offset;
    if let Some(r) = app.reader.as_mut() {
        r.goto_offset(offset);
        app.focus = Focus::Reader;
    }
    app.note_position();
}

fn start_bookmark(app: &mut App) {
    let Some(r) = app.reader.as_ref() else {
        app.error("open a document first: select it in the Library and press enter");
        return;
    };
    if r.doc.is_empty() {
        app.error("this document is empty: nothing to bookmark");
        return;
    }
    let offset = r.cursor_offset();
    // The words shown at the cursor (the next text row if it is blank).
    let mut default = r
        .visible
        .iter()
        .skip(r.cursor_row())
        .map(|row| row.text())
        .find(|t| !t.trim().is_empty())
        .unwrap_or_default();
    if default.trim().is_empty() {
        default = crate::notes::preview(&r.doc, offset, 60);
    }
    let default = first_words(&default, 6, 48);
    app.prompt = Some(Prompt {
        label: "Bookmark label",
        default,
        input: Vec::new(),
        cursor: 0,
        offset,
    });
}

/// The first `n` words of `s`, at most `max` characters, ellipsis if cut.
pub fn first_words(s: &str, n: usize, max: usize) -> String {
    let words: Vec<&str> = s.split_whitespace().take(n + 1).collect();
    let mut out = words.iter().take(n).copied().collect::<Vec<_>>().join(" ");
    let mut cut = words.len() > n;
    if out.chars().count() > max {
        out = out.chars().take(max).collect();
        cut = true;
    }
    if cut {
        out.push('…');
    }
    out
}

fn add_bookmark(app: &mut App, prompt: Prompt) -> Vec<Effect> {
    let id = app.new_id();
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        app.error("open a document first: bookmarks belong to a document");
        return Vec::new();
    };
    let anchor = make_anchor(&r.doc, prompt.offset);
    let label = prompt.value();
    let b = Bookmark {
        id,
        label: label.clone(),
        created: app.now.clone(),
        anchor,
        extra: toml::Table::new(),
    };
    n.add(b, &r.doc);
    let count = n.len();
    if let Some(e) = app.open.and_then(|i| app.entries.get_mut(i)) {
        e.bookmarks = count;
    }
    app.info(format!("bookmarked “{label}”"));
    app.save_notes()
}

fn delete_bookmark(app: &mut App) -> Vec<Effect> {
    let Some(n) = app.notes.as_mut() else {
        return Vec::new();
    };
    let Some(b) = n.delete_selected() else {
        app.info("no bookmark selected");
        return Vec::new();
    };
    let count = n.len();
    if let Some(e) = app.open.and_then(|i| app.entries.get_mut(i)) {
        e.bookmarks = count;
    }
    let undo = app.keymap.hint(Context::Notes, Action::Undo);
    app.info(format!("deleted “{}” — press {undo} to undo", b.label));
    app.save_notes()
}

fn undo_delete(app: &mut App) -> Vec<Effect> {
    let id = app.new_id();
    let (Some(n), Some(r)) = (app.notes.as_mut(), app.reader.as_ref()) else {
        return Vec::new();
    };
    let Some(mut b) = n.undo.take() else {
        app.info("nothing to undo");
        return Vec::new();
    };
    // A fresh id: the old one is tombstoned on disk and stays deleted.
    b.id = id;
    let label = b.label.clone();
    n.add(b, &r.doc);
    let count = n.len();
    if let Some(e) = app.open.and_then(|i| app.entries.get_mut(i)) {
        e.bookmarks = count;
    }
    app.info(format!("restored “{label}”"));
    app.save_notes()
}

fn on_mouse(app: &mut App, kind: MouseKind, col: u16, row: u16) -> Vec<Effect> {
    if app.prompt.is_some() || app.overlay != Overlay::None {
        return Vec::new();
    }
    let p = app.panes();
    let Some(focus) = p.pane_at(col, row, app.focus) else {
        return Vec::new();
    };
    match kind {
        MouseKind::ScrollUp | MouseKind::ScrollDown => {
            let down = kind == MouseKind::ScrollDown;
            match focus {
                Focus::Reader => {
                    if let Some(r) = app.reader.as_mut() {
                        if down {
                            r.scroll_down(WHEEL_ROWS);
                        } else {
                            r.scroll_up(WHEEL_ROWS);
                        }
                    }
                    app.note_position();
                }
                Focus::Library => {
                    let a = if down { Action::Down } else { Action::Up };
                    for _ in 0..WHEEL_ROWS {
                        list_move(&mut app.lib_selected, app.entries.len(), a, 1);
                    }
                }
                Focus::Notes => {
                    if let Some(n) = app.notes.as_mut() {
                        let a = if down { Action::Down } else { Action::Up };
                        let len = n.len();
                        list_move(&mut n.selected, len, a, 1);
                    }
                }
            }
            Vec::new()
        }
        MouseKind::Click => {
            app.focus = focus;
            match focus {
                Focus::Library => {
                    if let Some(i) =
                        p.list_index(Focus::Library, row, app.lib_selected, app.entries.len())
                    {
                        app.lib_selected = i;
                    }
                }
                Focus::Notes => {
                    if let Some(n) = app.notes.as_mut()
                        && let Some(i) = p.list_index(Focus::Notes, row, n.selected, n.len())
                    {
                        n.selected = i;
                    }
                }
                Focus::Reader => {
                    if let (Some(r), Some(y)) = (app.reader.as_mut(), p.reader_row(row)) {
                        r.set_cursor_row(y);
                    }
                    app.note_position();
                }
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ESSAY, Harness, NOTES_TXT};

    const DOCS: &[(&str, &str)] = &[("red-terror.md", ESSAY), ("notes.txt", NOTES_TXT)];

    fn long_doc() -> &'static str {
        let text: String = (0..300)
            .map(|i| format!("Paragraph {i} has a handful of words in it.\n"))
            .collect();
        Box::leak(text.into_boxed_str())
    }

    #[test]
    fn bookmark_is_saved_the_moment_it_is_made() {
        let mut h = Harness::new(DOCS, 120, 40);
        h.act(Action::Down);
        h.act(Action::Down);
        h.act(Action::Down);
        h.act(Action::AddBookmark);
        assert!(h.app.prompt.is_some(), "m opens the label prompt");
        assert!(h.saved_notes.is_empty(), "nothing saved before enter");
        h.act(Action::Confirm);
        let saved = h
            .saved_notes
            .last()
            .expect("a save effect right after enter");
        assert_eq!(saved.bookmarks.len(), 1);
        let b = &saved.bookmarks[0];
        assert!(
            b.label.starts_with("In September 1918"),
            "default label {:?}",
            b.label
        );
        assert!(
            b.anchor.exact.contains("September 1918"),
            "anchor {:?}",
            b.anchor.exact
        );
        assert_eq!(b.created, crate::testkit::NOW);
        assert!(saved.fingerprint.starts_with("fnv1a64:"));
        assert_eq!(h.app.entries[0].bookmarks, 1);
    }

    #[test]
    fn typed_label_replaces_the_default_and_esc_cancels() {
        let mut h = Harness::new(DOCS, 120, 40);
        h.act(Action::AddBookmark);
        for c in "exam q".chars() {
            h.send(Msg::Text(TextEdit::Insert(c)));
        }
        h.send(Msg::Text(TextEdit::Backspace));
        h.act(Action::Confirm);
        assert_eq!(
            h.saved_notes.last().expect("saved").bookmarks[0].label,
            "exam"
        );
        h.act(Action::AddBookmark);
        h.act(Action::Cancel);
        assert_eq!(h.saved_notes.len(), 1, "cancel saves nothing");
        assert_eq!(h.app.notes.as_ref().map(DocNotes::len), Some(1));
    }

    #[test]
    fn delete_leaves_a_tombstone_and_undo_restores() {
        let mut h = Harness::new(DOCS, 120, 40);
        h.act(Action::AddBookmark);
        h.act(Action::Confirm);
        h.act(Action::FocusNext);
        assert_eq!(h.app.focus, Focus::Notes);
        h.act(Action::Delete);
        let after_delete = h.saved_notes.last().expect("saved").clone();
        assert!(after_delete.bookmarks.is_empty());
        assert_eq!(
            after_delete.deleted.len(),
            1,
            "a tombstone keeps merges from reviving it"
        );
        h.act(Action::Undo);
        let restored = h.saved_notes.last().expect("saved");
        assert_eq!(restored.bookmarks.len(), 1);
        assert_ne!(
            restored.bookmarks[0].id, after_delete.deleted[0],
            "restored under a fresh id"
        );
    }

    #[test]
    fn enter_in_notes_jumps_to_the_passage() {
        let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
        h.act(Action::Bottom);
        h.act(Action::AddBookmark);
        h.act(Action::Confirm);
        h.act(Action::Top);
        h.act(Action::FocusNext);
        h.act(Action::Open);
        assert_eq!(h.app.focus, Focus::Reader);
        let r = h.app.reader.as_ref().expect("open");
        assert!(
            r.visible[r.cursor_row()]
                .text()
                .starts_with("Paragraph 299")
        );
    }

    #[test]
    fn quit_saves_the_position_first() {
        let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
        h.act(Action::PageDown);
        h.act(Action::PageDown);
        h.act(Action::Quit);
        assert_eq!(h.quit, Some(0));
        let state = h.saved_states.last().expect("state saved before quitting");
        let pos = state
            .positions
            .get("bundled:long.txt")
            .expect("position recorded");
        assert!(
            pos.anchor.exact.starts_with("Paragraph "),
            "{:?}",
            pos.anchor.exact
        );
        assert_eq!(state.last_document.as_deref(), Some("bundled:long.txt"));
    }

    #[test]
    fn position_is_restored_on_the_next_start() {
        let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 100, 20);
        h.app.lib_selected = 1;
        h.app.focus = Focus::Library;
        h.act(Action::Open);
        for _ in 0..5 {
            h.act(Action::PageDown);
        }
        let cursor_text = {
            let r = h.app.reader.as_ref().expect("open");
            r.visible[r.cursor_row()].text()
        };
        h.act(Action::Quit);
        let state = h.saved_states.last().expect("saved").clone();
        let entries = vec![
            crate::library::bundled_entry("a.txt", NOTES_TXT),
            crate::library::bundled_entry("long.txt", long_doc()),
        ];
        let h2 = Harness::with_entries(entries, state, 100, 20);
        assert_eq!(h2.app.open, Some(1), "the last document reopens");
        let r = h2.app.reader.as_ref().expect("open");
        assert_eq!(
            r.visible[r.cursor_row()].text(),
            cursor_text,
            "same passage under the cursor"
        );
    }

    #[test]
    fn n12_signal_saves_and_exits_with_128_plus_n() {
        let mut h = Harness::new(&[("long.txt", long_doc())], 100, 20);
        h.act(Action::PageDown);
        h.send(Msg::Signal(15));
        assert_eq!(h.quit, Some(143));
        assert!(!h.saved_states.is_empty(), "position saved before leaving");
    }

    #[test]
    fn narrow_layout_shows_lists_as_overlays() {
        let mut h = Harness::new(DOCS, 60, 20);
        assert!(!h.app.panes().wide);
        assert!(h.app.panes().overlay.is_none());
        h.act(Action::FocusPrev);
        assert_eq!(h.app.focus, Focus::Library);
        assert_eq!(h.app.panes().overlay.map(|(f, _)| f), Some(Focus::Library));
        assert!(h.screen_text().contains("Library (2)"));
        h.act(Action::Cancel);
        assert_eq!(h.app.focus, Focus::Reader);
        assert!(!h.screen_text().contains("Library (2)"));
    }

    #[test]
    fn unreadable_document_shows_why_and_the_app_goes_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("scan.txt");
        std::fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0").expect("write");
        let mut entries = vec![crate::library::bundled_entry("ok.txt", NOTES_TXT)];
        entries.push(crate::library::file_entry(&bin, "scan.txt".into()));
        let mut h = Harness::with_entries(entries, StateFile::default(), 120, 40);
        h.app.focus = Focus::Library;
        h.act(Action::Down);
        h.act(Action::Open);
        assert!(h.app.entries[1].error.is_some());
        let screen = h.screen_text();
        assert!(screen.contains("binary file (PNG image"), "{screen}");
        assert!(screen.contains('⚠'));
        h.app.focus = Focus::Library;
        h.act(Action::Up);
        h.act(Action::Open);
        assert_eq!(h.app.open, Some(0), "another document still opens");
    }

    #[test]
    fn mouse_wheel_scrolls_the_pane_under_the_pointer_and_click_selects() {
        let mut h = Harness::new(&[("a.txt", NOTES_TXT), ("long.txt", long_doc())], 120, 40);
        h.app.lib_selected = 1;
        h.app.focus = Focus::Library;
        h.act(Action::Open);
        let p = h.app.panes();
        let top_before = h.app.reader.as_ref().map(Reader::top_offset);
        h.send(Msg::Mouse {
            kind: MouseKind::ScrollDown,
            col: p.text.x + 2,
            row: p.text.y + 2,
        });
        assert_ne!(h.app.reader.as_ref().map(Reader::top_offset), top_before);
        let lib = p.library.expect("wide layout");
        h.send(Msg::Mouse {
            kind: MouseKind::Click,
            col: lib.x + 3,
            row: lib.y + 1,
        });
        assert_eq!(h.app.focus, Focus::Library);
        assert_eq!(h.app.lib_selected, 0, "click selected the first row");
    }

    #[test]
    fn resize_keeps_the_passage_under_the_cursor() {
        let mut h = Harness::new(&[("long.txt", long_doc())], 120, 40);
        for _ in 0..4 {
            h.act(Action::PageDown);
        }
        let before = h.app.reader.as_ref().map(Reader::cursor_offset);
        for (w, ht) in [(60, 20), (20, 8), (1, 1), (120, 40)] {
            h.send(Msg::Resize(w, ht));
        }
        let r = h.app.reader.as_ref().expect("open");
        let text = r.doc.excerpt(before.unwrap_or(0), before.unwrap_or(0) + 12);
        assert!(
            r.visible
                .iter()
                .any(|row| row.text().starts_with(text.trim())),
            "{text:?} no longer visible"
        );
    }

    #[test]
    fn help_is_generated_from_the_live_keymap() {
        let mut h = Harness::new(DOCS, 120, 40);
        let problems = h
            .app
            .keymap
            .merge_str("user.toml", "[reader]\nadd_bookmark = [\"b\"]\n");
        assert!(problems.is_empty());
        h.act(Action::Help);
        let screen = h.screen_text();
        assert!(screen.contains("bookmark the passage"), "{screen}");
        let line = screen
            .lines()
            .find(|l| l.contains("bookmark the passage"))
            .unwrap_or_default()
            .to_string();
        assert!(line.contains(" b "), "help shows the user's key: {line}");
        h.act(Action::Cancel);
        assert_eq!(h.app.overlay, Overlay::None);
    }

    #[test]
    fn first_words_cuts_cleanly() {
        assert_eq!(first_words("one two three", 6, 40), "one two three");
        assert_eq!(first_words("a b c d e f g h", 6, 40), "a b c d e f…");
        assert_eq!(first_words("abcdefghij", 3, 4), "abcd…");
    }
}
