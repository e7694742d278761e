//! The study actions of `update`: bookmarks, selecting a passage,
//! highlights, the note editor, and the Notes pane (jump, edit, delete,
//! undo, filter, this document / all documents, export).
//!
//! Every change to the open document's notes ends in a `SaveNotes` effect,
//! which the run loop carries out before it draws again: a note is on disk
//! before the editor is seen to close.

use std::path::PathBuf;

use ratatui_textarea::TextArea;
use unicode_segmentation::UnicodeSegmentation;

use super::{App, Effect, Focus, Prompt, PromptKind};
use crate::input::action::{Action, Context};
use crate::storage::{Anchor, Bookmark, Highlight, Note, NotesFile};
use crate::study::anchor;
use crate::study::notes::{self, Item, Kind};

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
}

/// Whose notes the Notes pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    ThisDocument,
    AllDocuments,
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
}

/// A document's notes to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDoc {
    pub title: String,
    pub key: String,
    pub file: NotesFile,
}

impl App {
    /// The rows the Notes pane lists in the current scope.
    pub fn notes_items(&self) -> Vec<ScopedItem> {
        let open_items = |open: bool| {
            self.notes.as_ref().map_or_else(Vec::new, |n| {
                n.items()
                    .into_iter()
                    .map(|item| ScopedItem {
                        item,
                        document: open.then(|| self.open_title()),
                        entry: self.open,
                        open: true,
                    })
                    .collect()
            })
        };
        match self.scope {
            Scope::ThisDocument => open_items(false),
            Scope::AllDocuments => {
                let mut out = open_items(true);
                let filter = self.notes.as_ref().and_then(|n| n.filter.clone());
                for other in &self.all_notes {
                    if self.notes.as_ref().is_some_and(|n| n.key == other.key) {
                        continue;
                    }
                    let mut dn =
                        notes::DocNotes::new(other.key.clone(), PathBuf::new(), other.file.clone());
                    dn.filter.clone_from(&filter);
                    let missing = other.entry.is_none();
                    let title = if missing {
                        format!("{} (document missing)", other.title)
                    } else {
                        other.title.clone()
                    };
                    out.extend(dn.items().into_iter().map(|item| ScopedItem {
                        item,
                        document: Some(title.clone()),
                        entry: other.entry,
                        open: false,
                    }));
                }
                out
            }
        }
    }

    fn open_title(&self) -> String {
        self.open_entry()
            .map(|e| e.display_title().to_string())
            .unwrap_or_default()
    }

    /// The selected passage: from the row where `v` was pressed to the
    /// cursor's row, whole rows, as source offsets.
    pub fn selection_range(&self) -> Option<(usize, usize)> {
        let (s0, e0) = self.selection?;
        let r = self.reader.as_ref()?;
        let (s1, e1) = cursor_row_span(r);
        Some((s0.min(s1), e0.max(e1)))
    }
}

/// Source span of the reader's cursor row.
fn cursor_row_span(r: &crate::text::reader::Reader) -> (usize, usize) {
    r.row_span(r.cursor_row())
        .unwrap_or((r.cursor_offset(), r.cursor_offset()))
}

/// Trims whitespace off both ends of a source range.
fn trim_range(doc: &crate::text::document::Document, start: usize, end: usize) -> (usize, usize) {
    let text = doc.excerpt(start, end);
    let lead = text.len() - text.trim_start().len();
    let trail = text.len() - text.trim_end().len();
    let s = start + lead;
    (s, (start + text.len()).saturating_sub(trail).max(s))
}

/// The sentence holding source offset `at`, within its block.
fn sentence_at(doc: &crate::text::document::Document, at: usize) -> (usize, usize) {
    let Some(block) = doc.block_at(at) else {
        return (at, at);
    };
    let (bs, be) = doc.block_range(block);
    let text = doc.excerpt(bs, be);
    let rel = at.saturating_sub(bs);
    for (i, sentence) in text.split_sentence_bound_indices() {
        if rel < i + sentence.len() {
            return trim_range(doc, bs + i, bs + i + sentence.len());
        }
    }
    trim_range(doc, bs, be)
}

// ---- bookmarks

pub(super) fn start_bookmark(app: &mut App) {
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
        default = notes::preview(&r.doc, offset, 60);
    }
    app.prompt = Some(Prompt::new(
        "Bookmark label",
        first_words(&default, 6, 48),
        PromptKind::BookmarkLabel { offset },
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

pub(super) fn add_bookmark(app: &mut App, offset: usize, label: String) -> Vec<Effect> {
    let id = app.new_id('b');
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        app.error("open a document first: bookmarks belong to a document");
        return Vec::new();
    };
    let b = Bookmark {
        id,
        label: label.clone(),
        created: app.now.clone(),
        anchor: notes::make_anchor(&r.doc, offset),
        extra: toml::Table::new(),
    };
    n.add_bookmark(b, &r.doc);
    app.info(format!("bookmarked “{label}”"));
    app.save_notes()
}

// ---- selection, highlights, copy

pub(super) fn start_selection(app: &mut App) {
    let Some(r) = app.reader.as_ref().filter(|r| !r.doc.is_empty()) else {
        app.error("open a document first");
        return;
    };
    app.selection = Some(cursor_row_span(r));
    app.focus = Focus::Reader;
    // The status line shows the selection's keys while it lasts.
    app.message = None;
}

pub(super) fn highlight(app: &mut App) -> Vec<Effect> {
    let Some((s, e)) = app.selection_range() else {
        return Vec::new();
    };
    app.selection = None;
    let id = app.new_id('h');
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        return Vec::new();
    };
    let (s, e) = trim_range(&r.doc, s, e);
    n.add_highlight(
        Highlight {
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
    // Keep the passage in view above the editor.
    if let Some(r) = app.reader.as_mut() {
        let at = r.cursor_offset();
        r.goto_offset(at);
    }
}

/// `a`: a note on the selection, else on the sentence at the cursor.
pub(super) fn annotate(app: &mut App) {
    let Some(r) = app.reader.as_ref().filter(|r| !r.doc.is_empty()) else {
        app.error("open a document first: notes belong to a document");
        return;
    };
    let (s, e) = match app.selection_range() {
        Some((s, e)) => trim_range(&r.doc, s, e),
        None => sentence_at(&r.doc, r.cursor_offset()),
    };
    let a = anchor::anchor_range(&r.doc, s, e);
    let about = notes::preview(&r.doc, s, 200);
    app.selection = None;
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
        if ed.confirm_discard {
            // Typing on answers the question: keep editing.
            ed.confirm_discard = false;
            app.message = None;
        }
        ed.textarea.input(input);
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
    app.message = None;
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
            let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
                return Vec::new();
            };
            n.add_note(
                Note {
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
            app.info("note saved");
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
            app.info("note updated");
        }
    }
    app.save_notes()
}

// ---- the Notes pane

pub(super) fn jump_to_selected(app: &mut App) -> Vec<Effect> {
    let Some(si) = app.notes_items().into_iter().nth(app.notes_selected()) else {
        return Vec::new();
    };
    let Some(offset) = si.item.offset else {
        app.info("this note is on the whole document");
        return Vec::new();
    };
    if !si.item.found {
        app.error("this passage could not be found in the current text; showing where it was");
    }
    if si.open {
        if let Some(r) = app.reader.as_mut() {
            r.goto_offset(offset);
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
    let si = app.notes_items().into_iter().nth(app.notes_selected())?;
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
            if let (Some(r), Some(off)) = (app.reader.as_mut(), item.offset) {
                r.goto_offset(off);
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
            let Some(r) = app.reader.as_mut() else { return };
            let off = item.offset.unwrap_or(0);
            r.goto_offset(off);
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
        .and_then(|n| n.filter.clone())
        .unwrap_or_default();
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
        n.filter.clone_from(&filter);
    }
    app.set_notes_selected(0);
    let shown = app.notes_items().len();
    match filter {
        Some(f) => app.info(format!(
            "{shown} matching “{f}” · / then enter on an empty line shows all"
        )),
        None => app.info("showing all notes"),
    }
}

pub(super) fn toggle_scope(app: &mut App) -> Vec<Effect> {
    app.set_notes_selected(0);
    match app.scope {
        Scope::ThisDocument => {
            app.scope = Scope::AllDocuments;
            app.info("notes of all documents");
            vec![Effect::LoadAllNotes]
        }
        Scope::AllDocuments => {
            app.scope = Scope::ThisDocument;
            app.info("notes of this document");
            Vec::new()
        }
    }
}

pub(super) fn export(app: &mut App) -> Vec<Effect> {
    let open = app.notes.as_ref().map(|n| ExportDoc {
        title: app.open_title(),
        key: n.key.clone(),
        file: n.file.clone(),
    });
    let docs: Vec<ExportDoc> = match app.scope {
        Scope::ThisDocument => open.into_iter().collect(),
        Scope::AllDocuments => open
            .into_iter()
            .chain(
                app.all_notes
                    .iter()
                    .filter(|o| app.notes.as_ref().is_none_or(|n| n.key != o.key))
                    .map(|o| ExportDoc {
                        title: o.title.clone(),
                        key: o.key.clone(),
                        file: o.file.clone(),
                    }),
            )
            .collect(),
    };
    if docs.is_empty() {
        app.error("open a document first: there is nothing to export");
        return Vec::new();
    }
    let name = match app.scope {
        Scope::ThisDocument => app
            .open_entry()
            .map_or_else(|| "notes".to_string(), |e| e.name.clone()),
        Scope::AllDocuments => "all-documents".to_string(),
    };
    vec![Effect::Export { docs, name }]
}
