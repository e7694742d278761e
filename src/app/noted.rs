//! Notes while reading: `]`/`[` from entry to entry in the text, the entry
//! under the reading cursor (the Notes pane follows it), re-attaching a
//! lost entry, and `E`, which exports exactly what the Notes pane shows.

use std::collections::{HashMap, HashSet};

use super::selection;
use super::{App, Effect, ExportDoc, Scope};
use crate::input::action::{Action, Context};
use crate::storage::NotesFile;
use crate::study::notes::Kind;

/// `]` / `[`: the next or previous entry placed in the text, wrapping.
pub(super) fn step(app: &mut App, forward: bool) {
    let Some(n) = app.notes.as_ref() else {
        app.error("open a document first: notes belong to a document");
        return;
    };
    // Each place once, with every kind of entry that starts there: a
    // bookmark and a note on one sentence are one step, named both.
    let mut starts: Vec<(usize, Vec<Kind>)> = Vec::new();
    for (s, _, k) in n.marks() {
        match starts.last_mut() {
            Some((at, kinds)) if *at == s => {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
            _ => starts.push((s, vec![k])),
        }
    }
    if starts.is_empty() {
        let a = app.keymap.hint(Context::Reader, Action::Annotate);
        app.info(format!(
            "no notes, highlights or bookmarks in the text yet: {a} writes a note"
        ));
        return;
    }
    let here = app.cursor_point().unwrap_or(0);
    let (i, wrapped) = if forward {
        match starts.iter().position(|&(s, _)| s > here) {
            Some(i) => (i, false),
            None => (0, true),
        }
    } else {
        match starts.iter().rposition(|&(s, _)| s < here) {
            Some(i) => (i, false),
            None => (starts.len() - 1, true),
        }
    };
    let at = starts[i].0;
    app.jumps.push(here);
    app.goto_point(at);
    app.note_position();
    follow(app);
    // Named in one order whatever order they were made in.
    let names: Vec<&str> = [
        (Kind::Note, "note"),
        (Kind::Highlight, "highlight"),
        (Kind::Bookmark, "bookmark"),
    ]
    .into_iter()
    .filter(|(k, _)| starts[i].1.contains(k))
    .map(|(_, name)| name)
    .collect();
    let what = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    };
    let mut msg = format!("{what} {} of {}", i + 1, starts.len());
    if wrapped {
        msg.push_str(if forward {
            " · wrapped to the top"
        } else {
            " · wrapped to the bottom"
        });
    }
    app.info(msg);
}

/// The entries on the reading cursor: those holding its character, else
/// those on its row. Ids, in the Notes pane's order, but those starting
/// at the cursor's character first: `]` onto a bookmark inside a
/// highlighted passage steps to the bookmark, and the Notes pane is to
/// show it, not the passage around it (the status line said "bookmark 2
/// of 3" beside the highlight in full).
pub fn under_cursor(app: &App) -> Vec<String> {
    let (Some(n), Some(r)) = (app.notes.as_ref(), app.reader.as_ref()) else {
        return Vec::new();
    };
    let Some(point) = app.cursor_point() else {
        return Vec::new();
    };
    let (rs, re) = r.row_span(r.cursor_row()).unwrap_or((point, point + 1));
    // Only the entries reaching into the cursor's row are looked at, in
    // the Notes pane's order.
    let lo = rs.min(point);
    let hi = re.max(rs + 1).max(point + 1);
    let mut near = n.found_near(lo, hi);
    near.sort_by_key(|it| {
        let group = u8::from(it.status != crate::storage::Status::Lost);
        (it.start != point, group, it.offset, it.kind, it.id)
    });
    let on_point: Vec<String> = near
        .iter()
        .filter(|it| it.start <= point && point < it.end)
        .map(|it| it.id.to_string())
        .collect();
    if !on_point.is_empty() {
        return on_point;
    }
    near.iter()
        .filter(|it| it.start < re.max(rs + 1) && it.end > rs)
        .map(|it| it.id.to_string())
        .collect()
}

/// Keeps the Notes pane on the entry under the reading cursor.
pub(super) fn follow(app: &mut App) {
    let ids = under_cursor(app);
    app.under_cursor = ids.first().cloned();
    let Some(id) = ids.first() else { return };
    // Only while reading: moving in the Notes pane itself must not be
    // pulled back to the entry under the reading cursor.
    if app.scope != Scope::ThisDocument || app.focus != super::Focus::Reader {
        return;
    }
    if let Some(i) = app.notes_position(id) {
        app.set_notes_selected(i);
    }
}

/// `r` in the Notes pane: re-attach the selected lost entry. A selection
/// starts at the reading cursor; enter attaches, esc cancels.
pub(super) fn start_reattach(app: &mut App) {
    let Some(si) = app.notes_row(app.notes_selected()) else {
        return;
    };
    if !si.open {
        app.error("open that document to re-attach its notes");
        return;
    }
    if si.item.found || si.item.offset.is_none() {
        app.info("this entry is on its passage: only lost entries are re-attached");
        return;
    }
    selection::start(app);
    if app.selection.is_none() {
        return;
    }
    app.reattach = Some(si.item.id);
    let k = |a| app.keymap.hint(Context::Select, a);
    let quote = crate::app::first_words(&si.item.quote, 8, 60);
    let msg = format!(
        "re-attach “{quote}”: move the selection ({} {} {} {} j k), {} attaches, {} cancels",
        k(Action::WordNext),
        k(Action::SentenceNext),
        k(Action::ParagraphNext),
        k(Action::SwapEnds),
        k(Action::Confirm),
        k(Action::Cancel),
    );
    app.info(msg);
}

/// Enter while re-attaching: the entry takes the selected words.
pub(super) fn finish_reattach(app: &mut App) -> Vec<Effect> {
    let (Some(id), Some((s, e))) = (app.reattach.take(), app.selection_range()) else {
        return Vec::new();
    };
    app.selection = None;
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        return Vec::new();
    };
    if !n.reattach(&id, &r.doc, s, e) {
        app.error("that entry is gone (deleted in another window?)");
        return Vec::new();
    }
    app.info("re-attached: the entry is on the selected words now");
    follow(app);
    app.save_notes()
}

/// `x`: the selected entry in full, or the list again.
pub(super) fn toggle_expand(app: &mut App) {
    app.notes_expanded = !app.notes_expanded;
}

/// A copy of `file` holding only the entries with ids in `ids`.
fn only(file: &NotesFile, ids: &HashSet<&str>) -> NotesFile {
    let mut f = file.clone();
    f.bookmarks.retain(|b| ids.contains(b.id.as_str()));
    f.highlights.retain(|h| ids.contains(h.id.as_str()));
    f.notes.retain(|n| ids.contains(n.id.as_str()));
    f
}

/// `E`: the study sheet of what the Notes pane shows, in its scope and
/// through its filter.
pub(super) fn export(app: &mut App) -> Vec<Effect> {
    if app.notes.is_none() && app.scope == Scope::ThisDocument {
        app.error("open a document first: there is nothing to export");
        return Vec::new();
    }
    let shown = app.notes_items();
    if shown.is_empty() {
        app.error("nothing to export: the Notes pane lists no entries (is a filter on?)");
        return Vec::new();
    }
    let mut ids: HashMap<&str, HashSet<&str>> = HashMap::new();
    for si in &shown {
        ids.entry(si.key.as_str())
            .or_default()
            .insert(si.item.id.as_str());
    }
    let mut docs: Vec<ExportDoc> = Vec::new();
    if let Some(n) = app.notes.as_ref()
        && let Some(set) = ids.get(n.key.as_str())
    {
        docs.push(ExportDoc {
            title: app.open_title(),
            key: n.key.clone(),
            file: only(n.file(), set),
        });
    }
    if app.scope != Scope::ThisDocument {
        for o in app.all_notes.list() {
            if app.notes.as_ref().is_some_and(|n| n.key == o.key) {
                continue;
            }
            if let Some(set) = ids.get(o.key.as_str()) {
                docs.push(ExportDoc {
                    title: o.title.clone(),
                    key: o.key.clone(),
                    file: only(&o.file, set),
                });
            }
        }
    }
    let name = match app.scope {
        Scope::ThisDocument => app.open_entry().map_or_else(
            || "notes".to_string(),
            |e| {
                std::path::Path::new(&e.name)
                    .file_stem()
                    .map_or_else(|| e.name.clone(), |s| s.to_string_lossy().into_owned())
            },
        ),
        Scope::AllDocuments => "all".to_string(),
        Scope::Session => app.scope_session().map_or_else(
            || "session".to_string(),
            |s| format!("session-{}", crate::storage::slug(&s.name)),
        ),
    };
    // Said at the top of the sheet: it holds only what the pane showed.
    let mut narrowed: Vec<String> = Vec::new();
    if app.scope == Scope::Session
        && let Some(s) = app.scope_session()
    {
        narrowed.push(format!("session “{}”", s.name));
    }
    if let Some(f) = app
        .notes
        .as_ref()
        .and_then(|n| n.filter())
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        narrowed.push(if f.starts_with('#') && !f.contains(char::is_whitespace) {
            f.to_string()
        } else {
            format!("“{f}”")
        });
    }
    let selection = (!narrowed.is_empty()).then(|| narrowed.join(" · "));
    vec![Effect::Export {
        docs,
        name,
        selection,
    }]
}
