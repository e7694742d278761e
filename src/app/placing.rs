//! Placing the open document's entries off the loop: a note whose words
//! are gone costs a fuzzy search of the text, so the entries are placed on
//! a worker ([`Effect::PlaceNotes`]) and the result applied here
//! ([`Msg::NotesPlaced`](super::Msg::NotesPlaced)); the first frame never
//! waits for it. A big notes file is itself read after the text is
//! shown ([`on_loaded`]).

use std::sync::Arc;

use super::{App, Effect, NotesLoad};
use crate::input::action::{Action, Context};
use crate::study::anchor::Placed;
use crate::study::notes::DocNotes;
use crate::text::document::Document;

/// Starts placing `n`'s entries in `doc`: the effect that does it.
pub(super) fn start(n: &mut DocNotes, doc: &Arc<Document>) -> Effect {
    Effect::PlaceNotes {
        key: n.key.clone(),
        doc: Arc::clone(doc),
        anchors: n.start_placing(Arc::clone(doc)),
    }
}

/// The entries placed on a worker: applied if `doc` is still the open
/// text of the same document (a late reply for a text since replaced is
/// dropped; the newer text's placement is on its way). Moved or lost
/// entries are saved, as placing them on the spot did.
pub(super) fn on_placed(
    app: &mut App,
    key: &str,
    doc: Arc<Document>,
    placed: Vec<Placed>,
) -> Vec<Effect> {
    let current = app.shows(&doc);
    let Some(n) = app.notes.as_mut().filter(|n| n.key == key && current) else {
        return Vec::new();
    };
    let moved = n.apply_placements(doc, placed);
    let lost = n.not_found().len();
    let unreadable = n.problem.is_some();
    if lost > 0 {
        let text = format!(
            "{lost} note(s) could not be placed in the changed text: kept, and listed in the Notes pane as “could not place”"
        );
        // Said beside a problem reported when the document opened.
        match app.message.as_ref() {
            Some(m) if m.level == super::Level::Error && !m.sticky => {
                let both = format!("{} · {text}", m.text);
                app.error(both);
            }
            _ => app.error(text),
        }
    }
    if moved && !unreadable {
        return app.save_notes();
    }
    Vec::new()
}

/// The open document's big notes file, read on a worker after its text
/// was shown: it becomes the document's notes, with whatever was noted
/// meanwhile merged in by id (those were saved already, merged with the
/// file on disk, so neither side is lost), and is placed in the text. A
/// reply for a document no longer open, or already loaded, is dropped.
pub(super) fn on_loaded(app: &mut App, key: &str, load: NotesLoad) -> Vec<Effect> {
    let restore = app.keymap.hint(Context::Notes, Action::RestoreBackup);
    let Some(n) = app
        .notes
        .as_mut()
        .filter(|n| n.key == key && n.loading.is_some())
    else {
        return Vec::new();
    };
    n.loading = None;
    let sel = n.selected;
    let problem = match load.file {
        Some(disk) => {
            let problem = super::update::notes_problem(&load.path, None, &disk, &restore);
            let meanwhile = n.file();
            let file = if meanwhile.entry_count() == 0 && meanwhile.deleted.is_empty() {
                disk
            } else {
                let mut merged = meanwhile.merged_with(&disk);
                // The file's own stamps, not the empty file's made at open
                // (a newer marginote's file stays read-only).
                merged.schema_version = disk.schema_version;
                if merged.fingerprint.is_empty() {
                    merged.fingerprint = disk.fingerprint;
                }
                merged
            };
            n.replace_file(file, None);
            problem
        }
        None => super::update::notes_problem(&load.path, load.problem, n.file(), &restore),
    };
    n.selected = sel.min(n.shown_len().saturating_sub(1));
    n.problem.clone_from(&problem);
    let count = n.len();
    let mut fx = Vec::new();
    if !app.loading()
        && let (Some(n), Some(r)) = (app.notes.as_mut(), app.reader.as_ref())
    {
        fx.push(start(n, &r.doc));
    }
    if let Some(e) = app.open.and_then(|i| app.entries.get_mut(i)) {
        e.bookmarks = count;
    }
    if let Some(p) = problem {
        app.list_problem(&p);
        app.error(p);
    }
    fx
}
