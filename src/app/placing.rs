//! Placing the open document's entries off the loop: a note whose words
//! are gone costs a fuzzy search of the text, so the entries are placed on
//! a worker ([`Effect::PlaceNotes`]) and the result applied here
//! ([`Msg::NotesPlaced`](super::Msg::NotesPlaced)); the first frame never
//! waits for it.

use std::sync::Arc;

use super::{App, Effect};
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
    let current = app
        .reader
        .as_ref()
        .is_some_and(|r| Arc::ptr_eq(&r.doc, &doc));
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
