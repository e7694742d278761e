//! The study actions of `update`: bookmarks, selecting a passage,
//! highlights, the note editor, and the Notes pane (jump, edit, delete,
//! undo, filter, this document / all documents, export).
//!
//! Every change to the open document's notes ends in a `SaveNotes` effect,
//! which the run loop carries out before it draws again: a note is on disk
//! before the editor is seen to close.

use ratatui_textarea::TextArea;

use super::{App, Effect, Focus, Prompt, PromptKind};
use crate::input::action::{Action, Context};
use crate::storage::{Anchor, Bookmark, Highlight, Note, NotesFile};
use crate::study::anchor;
use crate::study::notes::{self, Item, Kind};
use crate::study::segment;

/// What the editor is writing.
#[derive(Debug, Clone, PartialEq)]
pub enum EditTarget {
    /// A new note on a passage, or on the whole document (`None`).
    New { anchor: Option<Anchor> },
    /// An existing note, by id.
    Existing { id: String },
}

/// The note editor, a multi-line text area under the reader.
pub struct Editor {
    pub textarea: TextArea<'static>,
    pub target: EditTarget,
    /// The text when the editor opened: leaving with other text asks first.
    pub original: String,
    /// Esc was pressed with unsaved text: the next esc discards it.
    pub confirm_discard: bool,
    /// The passage the note is about, as shown (or "the whole document").
    pub about: String,
}

impl Editor {
    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// After the box changed size: the text is shown again from as far up
    /// and left as keeps the cursor in view. The text area keeps where it
    /// had scrolled to, so a box narrowed and widened again hid the start
    /// of a one-line note while there was room for all of it.
    pub fn refit(&mut self) {
        let (top, left) = self.textarea.scroll_offset();
        if (top, left) == (0, 0) {
            return;
        }
        let back = |n: u16| -i16::try_from(n).unwrap_or(i16::MAX);
        let ratatui_textarea::DataCursor(row, col) = self.textarea.cursor();
        // Scrolling takes the cursor along when it leaves the view (of the
        // old size): it is put back, and the next frame scrolls only as
        // far as it needs to show it.
        self.textarea.scroll((back(top), back(left)));
        let at = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        self.textarea
            .move_cursor(ratatui_textarea::CursorMove::Jump(at(row), at(col)));
    }
}

/// Whose notes the Notes pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    ThisDocument,
    AllDocuments,
    /// The entries of one lecture session, in every document: the
    /// session running here, else the last one ([`App::scope_session`]).
    Session,
}

/// Another document's notes (for the all-documents list and export).
#[derive(Debug, Clone, PartialEq)]
pub struct OtherNotes {
    pub key: String,
    pub title: String,
    /// Library index, if the document is in the library.
    pub entry: Option<usize>,
    pub file: NotesFile,
}

/// One row of the Notes pane in either scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedItem {
    pub item: Item,
    /// Title of the document it belongs to (all-documents scope).
    pub document: Option<String>,
    /// Library index of that document, if it is in the library.
    pub entry: Option<usize>,
    /// Whether it belongs to the open document.
    pub open: bool,
    /// The key of the document it belongs to.
    pub key: String,
}

/// A document's notes to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDoc {
    pub title: String,
    pub key: String,
    pub file: NotesFile,
}

impl App {
    /// Whether `doc` is the text open now (a worker's late answer about
    /// another, or an earlier version of this one, is dropped).
    pub(super) fn shows(&self, doc: &std::sync::Arc<crate::text::document::Document>) -> bool {
        self.reader
            .as_ref()
            .is_some_and(|r| std::sync::Arc::ptr_eq(&r.doc, doc))
    }

    pub(super) fn open_title(&self) -> String {
        self.open_entry()
            .map(|e| e.display_title().to_string())
            .unwrap_or_default()
    }

    /// The selected passage, as source offsets, start first.
    pub fn selection_range(&self) -> Option<(usize, usize)> {
        self.selection.map(|s| s.range())
    }

    /// The passage the note editor is writing about, to tint it.
    pub fn editing_range(&self) -> Option<(usize, usize)> {
        let ed = self.editor.as_ref()?;
        let a = match &ed.target {
            EditTarget::New { anchor } => anchor.clone()?,
            EditTarget::Existing { id } => self.notes.as_ref()?.note(id)?.anchor.clone()?,
        };
        Some((a.offset, a.offset + a.span_len()))
    }
}

/// Trims whitespace off both ends of a source range.
fn trim_range(doc: &crate::text::document::Document, start: usize, end: usize) -> (usize, usize) {
    let text = doc.excerpt(start, end);
    let lead = text.len() - text.trim_start().len();
    let trail = text.len() - text.trim_end().len();
    let s = start + lead;
    (s, (start + text.len()).saturating_sub(trail).max(s))
}

/// The passage `a` and `m` act on: the selection, else the sentence at the
/// cursor's character (the next one on a blank line). `None`: no words.
fn passage_at_cursor(app: &App) -> Option<(usize, usize)> {
    let r = app.reader.as_ref()?;
    if let Some((s, e)) = app.selection_range() {
        let (s, e) = trim_range(&r.doc, s, e);
        if e > s {
            return Some((s, e));
        }
    }
    let at = app.cursor_point()?;
    table_row_at(&r.doc, at).or_else(|| segment::sentence_at(&r.doc, at))
}

/// In a table, the row holding `at`: its source line without the pipes
/// (and quote marks) at its ends. A table has no sentences: the sentence
/// at the cursor was the whole table.
fn table_row_at(doc: &crate::text::document::Document, at: usize) -> Option<(usize, usize)> {
    // Tables are Markdown's; looked at in place (a copy of the block was
    // a copy of the whole table).
    let block = doc.block_at(at)?;
    if !matches!(
        doc.markdown_blocks()?.kind(block)?,
        crate::text::packed::Kind::Table(_)
    ) {
        return None;
    }
    let src = doc.source();
    let at = at.min(src.len());
    let start = memchr::memrchr(b'\n', &src[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &src[at..]).map_or(src.len(), |i| at + i);
    let line = &src[start..end];
    let lead = line
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'|' | b'>'))
        .count();
    let trail = line[lead..]
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'|'))
        .count();
    let (s, e) = (start + lead, end - trail);
    (e > s).then_some((s, e))
}

// ---- bookmarks

/// Fewer words than this left in the sentence after the cursor: the
/// bookmark's default label starts at the sentence's start.
const MIN_LABEL_WORDS: usize = 4;

pub(super) fn start_bookmark(app: &mut App) {
    let Some(r) = app.reader.as_ref() else {
        app.error("open a document first: select it in the Library and press enter");
        return;
    };
    if r.doc.is_empty() {
        app.error("this document is empty: nothing to bookmark");
        return;
    }
    let Some((mut start, end)) = passage_at_cursor(app) else {
        app.error("there are no words here to bookmark");
        return;
    };
    // A bookmark marks a place: the word at the cursor's character (the
    // match of a search, the row's first word), not its sentence's start.
    // Its default label is read from there, unless only the sentence's
    // last words follow ("…accepted this."): then from the sentence's start,
    // so the label reads as a phrase, not a fragment.
    let sentence_start = start;
    if app.selection.is_none()
        && let Some(at) = app.cursor_point().filter(|&p| p > start && p < end)
    {
        start = segment::boundary(&r.doc, at + 1, segment::Unit::Word, false, false)
            .filter(|&w| w >= start)
            .unwrap_or(start);
    }
    let label_from = if r.doc.excerpt(start, end).split_whitespace().count() < MIN_LABEL_WORDS {
        sentence_start
    } else {
        start
    };
    let default = notes::preview(&r.doc, label_from, 60);
    app.prompt = Some(Prompt::new(
        "Bookmark label",
        first_words(&default, 6, 48),
        PromptKind::BookmarkLabel { start, end },
    ));
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

pub(super) fn add_bookmark(app: &mut App, start: usize, end: usize, label: String) -> Vec<Effect> {
    let id = app.new_id('b');
    if app.reader.is_none() || app.notes.is_none() {
        app.error("open a document first: bookmarks belong to a document");
        return Vec::new();
    }
    let session = super::session::mark(app);
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        return Vec::new();
    };
    let b = Bookmark {
        session,
        id,
        label: label.clone(),
        created: app.now.clone(),
        anchor: notes::bookmark_anchor(&r.doc, start, end),
        extra: toml::Table::new(),
    };
    n.add_bookmark(b, &r.doc);
    app.selection = None;
    app.info(format!("bookmarked “{label}”"));
    app.save_notes()
}

// ---- selection, highlights, copy

pub(super) fn highlight(app: &mut App) -> Vec<Effect> {
    let Some((s, e)) = app.selection_range() else {
        return Vec::new();
    };
    app.selection = None;
    let id = app.new_id('h');
    let (Some(r), Some(_)) = (app.reader.as_ref(), app.notes.as_ref()) else {
        return Vec::new();
    };
    let (s, e) = trim_range(&r.doc, s, e);
    if e <= s {
        app.info("nothing but spaces selected: not highlighted");
        return Vec::new();
    }
    let session = super::session::mark(app);
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        return Vec::new();
    };
    n.add_highlight(
        Highlight {
            session,
            id,
            created: app.now.clone(),
            anchor: anchor::anchor_range(&r.doc, s, e),
            extra: toml::Table::new(),
        },
        &r.doc,
    );
    app.info("highlighted");
    app.save_notes()
}

pub(super) fn copy(app: &mut App) -> Vec<Effect> {
    let Some((s, e)) = app.selection_range() else {
        return Vec::new();
    };
    app.selection = None;
    app.reattach = None;
    let Some(r) = app.reader.as_ref() else {
        return Vec::new();
    };
    let (s, e) = trim_range(&r.doc, s, e);
    let text = crate::study::export::clean(&r.doc.excerpt(s, e));
    let chars = text.chars().count();
    app.info(format!("copied {chars} characters to the clipboard"));
    vec![Effect::Copy(text)]
}

// ---- the note editor

fn open_editor(app: &mut App, target: EditTarget, text: &str, about: String) {
    let mut textarea = TextArea::from(text.lines().map(crate::study::export::clean));
    textarea.move_cursor(ratatui_textarea::CursorMove::Bottom);
    textarea.move_cursor(ratatui_textarea::CursorMove::End);
    app.editor = Some(Editor {
        textarea,
        target,
        original: text.to_string(),
        confirm_discard: false,
        about,
    });
    // Keep the passage in view above the editor, the cursor's character
    // its first: the row it starts on may begin with the sentence before,
    // and a bookmark taken after the note went to that one.
    let at = app.editing_range().map(|(s, _)| s).or(app.cursor_point());
    if let Some(at) = at {
        app.goto_point(at);
    }
}

/// `a`: a note on the selection, else on the sentence at the cursor.
pub(super) fn annotate(app: &mut App) {
    let Some(r) = app.reader.as_ref().filter(|r| !r.doc.is_empty()) else {
        app.error("open a document first: notes belong to a document");
        return;
    };
    let Some((s, e)) = passage_at_cursor(app) else {
        app.error("there are no words here to write a note on");
        return;
    };
    let a = anchor::anchor_range(&r.doc, s, e);
    let about = notes::preview(&r.doc, s, 200);
    app.selection = None;
    app.reattach = None;
    open_editor(app, EditTarget::New { anchor: Some(a) }, "", about);
}

/// `A`: a note on the whole document.
pub(super) fn note_document(app: &mut App) {
    if app.reader.is_none() {
        app.error("open a document first: notes belong to a document");
        return;
    }
    let about = format!("the whole document: {}", app.open_title());
    open_editor(app, EditTarget::New { anchor: None }, "", about);
}

/// Keys typed into the editor.
pub(super) fn editor_input(app: &mut App, input: ratatui_textarea::Input) {
    if let Some(ed) = app.editor.as_mut() {
        // Typing on answers the question: keep editing.
        let answered = std::mem::take(&mut ed.confirm_discard);
        ed.textarea.input(input);
        if answered {
            app.pass_message();
        }
    }
}

pub(super) fn editor_newline(app: &mut App) {
    if let Some(ed) = app.editor.as_mut() {
        ed.confirm_discard = false;
        ed.textarea.insert_newline();
    }
}

pub(super) fn editor_cancel(app: &mut App) {
    let Some(ed) = app.editor.as_mut() else {
        return;
    };
    let unsaved = ed.text().trim() != crate::text::placeholders::shown(&ed.original).trim();
    if unsaved && !ed.confirm_discard {
        ed.confirm_discard = true;
        let esc = app.keymap.hint(Context::Editor, Action::Cancel);
        let save = app.keymap.hint(Context::Editor, Action::Save);
        app.error(format!("discard what you typed? {esc} again discards it · {save} saves it · any other key keeps editing"));
        return;
    }
    app.editor = None;
    app.dismiss_messages();
    if unsaved {
        app.info("note discarded");
    }
}

pub(super) fn editor_save(app: &mut App) -> Vec<Effect> {
    let Some(ed) = app.editor.take() else {
        return Vec::new();
    };
    // Placeholders are only for display: what was not edited keeps its
    // original characters, controls included.
    let text = crate::text::placeholders::apply_edit(&ed.original, &ed.text())
        .trim()
        .to_string();
    let now = app.now.clone();
    match ed.target {
        EditTarget::New { anchor } => {
            if text.is_empty() {
                app.info("empty note not saved");
                return Vec::new();
            }
            let id = app.new_id('n');
            if app.reader.is_none() || app.notes.is_none() {
                return Vec::new();
            }
            let session = super::session::mark(app);
            let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
                return Vec::new();
            };
            n.add_note(
                Note {
                    session,
                    id,
                    tags: notes::tags(&text),
                    text,
                    created: now.clone(),
                    updated: now,
                    anchor,
                    extra: toml::Table::new(),
                },
                &r.doc,
            );
            app.save_notes_then_say("note saved")
        }
        EditTarget::Existing { id } => {
            if text.is_empty() {
                // Emptying a note is not a way to delete it by accident.
                app.info("a note cannot be empty: use delete to remove it; kept as it was");
                return Vec::new();
            }
            if !app
                .notes
                .as_mut()
                .is_some_and(|n| n.update_note(&id, &text, &now))
            {
                // Deleted in another window while being edited: keep the
                // words in the editor, to be saved as a new note.
                let enter = app.keymap.hint(Context::Editor, Action::Save);
                app.error(format!("this note was deleted in another window — {enter} saves what you typed as a new note on the whole document"));
                app.editor = Some(Editor {
                    target: EditTarget::New { anchor: None },
                    original: String::new(),
                    confirm_discard: false,
                    ..ed
                });
                return Vec::new();
            }
            // If another window deleted it meanwhile, the save's merge drops
            // it; the edit is then brought back (see `unsaved`).
            app.saving.edited = app.notes.as_ref().and_then(|n| n.note(&id)).cloned();
            app.save_notes_then_say("note updated")
        }
    }
}

// ---- the Notes pane

pub(super) fn jump_to_selected(app: &mut App) -> Vec<Effect> {
    let Some(si) = app.notes_row(app.notes_selected()) else {
        return Vec::new();
    };
    let Some(offset) = si.item.offset else {
        app.info("this note is on the whole document");
        return Vec::new();
    };
    if !si.item.found && si.open {
        // Its old offset holds other words now: going there would show a
        // passage the entry is not about.
        let r = app.keymap.hint(Context::Notes, Action::Reattach);
        app.error(format!(
            "this passage is not in the text any more: its quote is kept; put the cursor where it belongs and press {r} to re-attach it"
        ));
        return Vec::new();
    }
    if si.open {
        if app.reader.is_some() {
            let here = app.cursor_point().unwrap_or(0);
            app.jumps.push(here);
            app.goto_point(offset);
            app.focus = Focus::Reader;
        }
        app.note_position();
        return Vec::new();
    }
    match si.entry {
        Some(i) => {
            app.pending_offset = Some(offset);
            app.focus = Focus::Reader;
            let mut fx = app.save_state();
            fx.push(Effect::Open(i));
            fx
        }
        None => {
            app.error("that document is not in the library (moved or deleted?)");
            Vec::new()
        }
    }
}

fn selected_open_item(app: &mut App, verb: &str) -> Option<Item> {
    let si = app.notes_row(app.notes_selected())?;
    if !si.open {
        app.error(format!("open that document to {verb} its notes"));
        return None;
    }
    Some(si.item)
}

pub(super) fn edit_selected(app: &mut App) {
    let Some(item) = selected_open_item(app, "edit") else {
        return;
    };
    match item.kind {
        Kind::Note => {
            let text = app
                .notes
                .as_ref()
                .and_then(|n| n.note(&item.id))
                .map(|n| n.text.clone())
                .unwrap_or_default();
            if let Some(off) = item.offset.filter(|_| item.found) {
                app.goto_point(off);
            }
            open_editor(
                app,
                EditTarget::Existing { id: item.id },
                &text,
                item.preview,
            );
        }
        Kind::Highlight | Kind::Bookmark => {
            // A note on the same passage.
            if !item.found {
                app.error("this passage is lost: re-attach it first");
                return;
            }
            let off = item.offset.unwrap_or(0);
            app.goto_point(off);
            let Some(r) = app.reader.as_ref() else { return };
            let a = anchor::anchor_range(&r.doc, off, off + item.len);
            open_editor(app, EditTarget::New { anchor: Some(a) }, "", item.preview);
        }
    }
}

pub(super) fn delete_selected(app: &mut App) -> Vec<Effect> {
    let Some(item) = selected_open_item(app, "delete") else {
        return Vec::new();
    };
    let Some(n) = app.notes.as_mut() else {
        return Vec::new();
    };
    if n.delete(&item.id).is_none() {
        return Vec::new();
    }
    let what = match item.kind {
        Kind::Bookmark => format!("bookmark “{}”", item.title),
        Kind::Highlight => "highlight".to_string(),
        Kind::Note => "note".to_string(),
    };
    let undo = app.keymap.hint(Context::Notes, Action::Undo);
    app.info(format!("deleted {what} — press {undo} to undo"));
    app.clamp_notes_selection();
    app.save_notes()
}

pub(super) fn undo_delete(app: &mut App) -> Vec<Effect> {
    let id = app.new_id('r');
    let (Some(n), Some(r)) = (app.notes.as_mut(), app.reader.as_ref()) else {
        return Vec::new();
    };
    match n.undo(id, &r.doc) {
        Some(what) => {
            app.info(format!("restored {what}"));
            app.save_notes()
        }
        None => {
            app.info("nothing to undo");
            Vec::new()
        }
    }
}

pub(super) fn start_filter(app: &mut App) {
    let current = app
        .notes
        .as_ref()
        .and_then(|n| n.filter())
        .unwrap_or_default()
        .to_string();
    let mut p = Prompt::new(
        "Filter notes (text or #tag)",
        String::new(),
        PromptKind::Filter,
    );
    p.input = current.chars().collect();
    p.cursor = p.input.len();
    app.prompt = Some(p);
}

pub(super) fn apply_filter(app: &mut App, text: String) {
    let filter = (!text.trim().is_empty()).then_some(text);
    if let Some(n) = app.notes.as_mut() {
        n.set_filter(filter.clone());
    }
    app.set_notes_selected(0);
    let shown = app.notes_len();
    match filter {
        Some(f) => app.info(format!(
            "{shown} matching “{f}” · / then enter on an empty line shows all"
        )),
        None => app.info("showing all notes"),
    }
}

impl App {
    /// Reads every notes file again for the all-documents list. The old
    /// list goes first, so memory holds one list, never two.
    pub(super) fn load_all_notes(&mut self) -> Effect {
        self.all_notes.set(Vec::new());
        self.all_notes_progress = Some((0, 0));
        Effect::LoadAllNotes
    }
}

/// `t`: this document → all documents → the session (when there is
/// one) → this document. The other documents' notes are read again on a
/// worker when the list leaves this document.
pub(super) fn toggle_scope(app: &mut App) -> Vec<Effect> {
    app.set_notes_selected(0);
    let session = app.scope_session().map(|s| s.name.clone());
    match (app.scope, session) {
        (Scope::ThisDocument, _) => {
            app.scope = Scope::AllDocuments;
            app.set_notes_selected(0);
            app.info("notes of all documents");
            vec![app.load_all_notes()]
        }
        (Scope::AllDocuments, Some(name)) => {
            app.scope = Scope::Session;
            app.set_notes_selected(0);
            app.info(format!(
                "notes of the session “{name}”, as the lecture went"
            ));
            Vec::new()
        }
        (Scope::AllDocuments | Scope::Session, _) => {
            app.scope = Scope::ThisDocument;
            app.info("notes of this document");
            Vec::new()
        }
    }
}
