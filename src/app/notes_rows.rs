//! The Notes pane's rows in every scope (this document, all documents, a
//! session), without copying the notes (issue 12): the rows are kept as
//! references ([`EntryRef`]) into the open document's notes or another
//! document's file, rebuilt only when something they depend on changed
//! (the open notes' stamp, the other documents' list, the scope, the
//! session), and a row's [`ScopedItem`] is built only when it is drawn or
//! acted on. Before, every frame and key listed every entry of every
//! document, copying each.

use std::cell::Ref;

use super::{App, OtherNotes, Scope, ScopedItem};
use crate::study::notes::Item;
use crate::study::rows::{self, EntryRef, Known};

/// The other documents' notes (all-documents and session lists), with a
/// stamp that every change takes, so rows kept over them are rebuilt.
#[derive(Debug, Default)]
pub struct OtherDocs {
    list: Vec<OtherNotes>,
    stamp: u64,
}

impl OtherDocs {
    pub fn list(&self) -> &[OtherNotes] {
        &self.list
    }

    /// Replaces the whole list (the old one is dropped first).
    pub fn set(&mut self, list: Vec<OtherNotes>) {
        self.stamp += 1;
        self.list = list;
    }

    /// The list to change in place; rows over it are rebuilt after.
    pub fn list_mut(&mut self) -> &mut Vec<OtherNotes> {
        self.stamp += 1;
        &mut self.list
    }
}

/// One row of the all-documents or session list: an entry of the open
/// document (`doc` `None`) or of `all_notes[doc]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowRef {
    doc: Option<u32>,
    entry: EntryRef,
}

/// What a list of rows was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Built {
    scope: Scope,
    open: Option<u64>,
    others: u64,
    session: Option<String>,
}

/// The all-documents or session rows, kept until what they were built
/// from changes.
#[derive(Debug, Default)]
pub struct RowsCache {
    built: Option<Built>,
    rows: Vec<RowRef>,
}

impl App {
    /// What the scoped rows depend on, now.
    fn rows_key(&self) -> Built {
        Built {
            scope: self.scope,
            open: self.notes.as_ref().map(|n| n.stamp()),
            others: self.all_notes.stamp,
            session: match self.scope {
                Scope::Session => self.scope_session().map(|s| s.name.clone()),
                _ => None,
            },
        }
    }

    /// The all-documents or session rows, built on first use after a change.
    fn scoped_rows(&self) -> Ref<'_, [RowRef]> {
        let key = self.rows_key();
        if self.notes_rows.borrow().built.as_ref() != Some(&key) {
            let rows = self.build_rows(&key);
            *self.notes_rows.borrow_mut() = RowsCache {
                built: Some(key),
                rows,
            };
        }
        Ref::map(self.notes_rows.borrow(), |c| c.rows.as_slice())
    }

    fn build_rows(&self, key: &Built) -> Vec<RowRef> {
        let mut out: Vec<RowRef> = Vec::new();
        if let Some(n) = self.notes.as_ref() {
            out.extend(
                n.shown_refs()
                    .iter()
                    .map(|&entry| RowRef { doc: None, entry }),
            );
        }
        let filter = self.notes.as_ref().and_then(|n| n.filter());
        for (i, other) in self.all_notes.list.iter().enumerate() {
            if self.notes.as_ref().is_some_and(|n| n.key == other.key) {
                continue;
            }
            let Ok(doc) = u32::try_from(i) else { break };
            let order = rows::order(&other.file, Known::default());
            let shown = rows::filtered(&other.file, Known::default(), order, filter);
            out.extend(shown.into_iter().map(|entry| RowRef {
                doc: Some(doc),
                entry,
            }));
        }
        if key.scope != Scope::Session {
            return out;
        }
        let Some(name) = key.session.as_deref() else {
            return Vec::new();
        };
        let file = |r: &RowRef| match r.doc {
            None => self.notes.as_ref().map(|n| n.file()),
            Some(d) => self.all_notes.list.get(d as usize).map(|o| &o.file),
        };
        out.retain(|r| {
            file(r)
                .and_then(|f| rows::made(f, r.entry))
                .is_some_and(|(_, s)| s.is_some_and(|m| m.name == name))
        });
        // As the lecture went: its lecture notes first, then the entries
        // by the session clock.
        out.sort_by_cached_key(|r| {
            let Some(f) = file(r) else {
                return (true, 0, String::new(), String::new());
            };
            let lecture_note = rows::id_anchor(f, r.entry).is_some_and(|(_, a)| a.is_none());
            let (created, at) = rows::made(f, r.entry).map_or((String::new(), 0), |(c, s)| {
                (c.to_string(), s.map_or(0, |m| m.elapsed))
            });
            let id = rows::id_anchor(f, r.entry).map_or(String::new(), |(i, _)| i.to_string());
            (!lecture_note, at, created, id)
        });
        out
    }

    /// How many rows the Notes pane lists in the current scope.
    pub fn notes_len(&self) -> usize {
        match self.scope {
            Scope::ThisDocument => self.notes.as_ref().map_or(0, |n| n.shown_len()),
            Scope::AllDocuments | Scope::Session => self.scoped_rows().len(),
        }
    }

    /// The Notes pane's row `i` in the current scope, built alone.
    pub fn notes_row(&self, i: usize) -> Option<ScopedItem> {
        match self.scope {
            Scope::ThisDocument => {
                let n = self.notes.as_ref()?;
                Some(self.open_row(n.shown_item(i)?, false))
            }
            Scope::AllDocuments | Scope::Session => {
                let r = *self.scoped_rows().get(i)?;
                self.scoped_row(r)
            }
        }
    }

    /// Whether the Notes pane's row `i` lists the open document's entry
    /// `id`: read in place, no row built (the pane asks on every frame
    /// whether to show its selected entry in full).
    pub fn notes_row_is(&self, i: usize, id: &str) -> bool {
        let Some(n) = self.notes.as_ref() else {
            return false;
        };
        let file = n.file();
        let entry = match self.scope {
            Scope::ThisDocument => n.shown_refs().get(i).copied(),
            Scope::AllDocuments | Scope::Session => self
                .scoped_rows()
                .get(i)
                .filter(|r| r.doc.is_none())
                .map(|r| r.entry),
        };
        entry.is_some_and(|r| rows::id_anchor(file, r).is_some_and(|(at, _)| at == id))
    }

    /// The row listing the open document's entry `id`, in the current scope.
    pub fn notes_position(&self, id: &str) -> Option<usize> {
        match self.scope {
            Scope::ThisDocument => self.notes.as_ref()?.shown_position(id),
            Scope::AllDocuments | Scope::Session => {
                let n = self.notes.as_ref()?;
                let file = n.file();
                self.scoped_rows().iter().position(|r| {
                    r.doc.is_none() && rows::id_anchor(file, r.entry).is_some_and(|(i, _)| i == id)
                })
            }
        }
    }

    /// Every row the pane lists in the current scope, each built: for
    /// whole-list work (export, tests), never per frame or key.
    pub fn notes_items(&self) -> Vec<ScopedItem> {
        (0..self.notes_len())
            .filter_map(|i| self.notes_row(i))
            .collect()
    }

    fn open_row(&self, item: Item, titled: bool) -> ScopedItem {
        ScopedItem {
            item,
            document: titled.then(|| self.open_title()),
            entry: self.open,
            open: true,
            key: self
                .notes
                .as_ref()
                .map(|n| n.key.clone())
                .unwrap_or_default(),
        }
    }

    fn scoped_row(&self, r: RowRef) -> Option<ScopedItem> {
        match r.doc {
            None => {
                let n = self.notes.as_ref()?;
                let item = rows::item(n.file(), n.known(), r.entry)?;
                Some(self.open_row(item, true))
            }
            Some(d) => {
                let other = self.all_notes.list.get(d as usize)?;
                let item = rows::item(&other.file, Known::default(), r.entry)?;
                let title = if other.entry.is_none() {
                    format!("{} (document missing)", other.title)
                } else {
                    other.title.clone()
                };
                Some(ScopedItem {
                    item,
                    document: Some(title),
                    entry: other.entry,
                    open: false,
                    key: other.key.clone(),
                })
            }
        }
    }
}
