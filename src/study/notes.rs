//! The open document's study entries — bookmarks, highlights and notes —
//! as the Notes pane shows them: in text order, filtered, with previews of
//! the rendered passage, and with delete and undo.
//!
//! Entries live in a [`NotesFile`]; this module keeps it in text order,
//! re-anchors it when the text changed ([`crate::study::anchor`]), and never drops
//! an entry it cannot place: such entries are listed as "could not place".

use std::cell::{Ref, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::storage::{Anchor, Bookmark, Highlight, Note, NotesFile, Status};
use crate::study::anchor;
use crate::study::rows::{self, EntryRef, Known, Spans};
use crate::text::document::Document;

/// Longest quote a bookmark or reading-position anchor keeps (characters).
const QUOTE_CHARS: usize = 64;
/// Characters of rendered text kept for an entry's preview.
pub(crate) const PREVIEW_CHARS: usize = 160;
/// Characters of an entry's passage kept to show it in full.
pub(crate) const PASSAGE_CHARS: usize = 1000;

/// Builds an anchor for the passage starting at `offset`: the quote runs to
/// the end of its block, at most [`QUOTE_CHARS`].
pub fn make_anchor(doc: &Document, offset: usize) -> Anchor {
    let offset = offset.min(doc.len());
    let (_, block_end) = doc
        .block_at(offset)
        .map_or((0, doc.len()), |b| doc.block_range(b));
    let raw = doc.excerpt(
        offset,
        (offset + QUOTE_CHARS * 4).min(block_end.max(offset)),
    );
    let quote: String = raw.chars().take(QUOTE_CHARS).collect();
    let quote = quote.trim_end_matches(['\n', '\r']);
    anchor::anchor_range(doc, offset, offset + quote.len())
}

/// A bookmark's anchor on the passage `start..end`: at most
/// [`QUOTE_CHARS`] of it (a bookmark marks a place, not a span).
pub fn bookmark_anchor(doc: &Document, start: usize, end: usize) -> Anchor {
    let text = doc.excerpt(start, end.max(start));
    let cut = text
        .char_indices()
        .nth(QUOTE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    // Cut between words, never inside one.
    let cut = if cut < text.len() {
        text[..cut].rfind(char::is_whitespace).unwrap_or(cut)
    } else {
        cut
    };
    let quote = text[..cut].trim_end();
    anchor::anchor_range(doc, start, start + quote.len())
}

/// The text as shown (Markdown rendered, sanitised) from source offset
/// `offset` to the end of its block, at most `max` characters.
pub fn preview(doc: &Document, offset: usize, max: usize) -> String {
    let Some(id) = doc.block_at(offset) else {
        return String::new();
    };
    let block = doc.block(id);
    if let crate::text::block::BlockKind::Table(t) = &block.kind {
        return cells_preview(t, offset, max);
    }
    let at = block.text.display_at(offset);
    let text = block.text.text.get(at..).unwrap_or_default();
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").chars().take(max).collect()
}

/// [`preview`] in a table, whose words are in its cells: the cells of the
/// row holding `offset` from there on, as shown, with ` · ` between them
/// (a bookmark in a table had no label, a note no title).
fn cells_preview(t: &crate::text::block::Table, offset: usize, max: usize) -> String {
    let Some(row) = t
        .rows
        .iter()
        .rev()
        .find(|cells| crate::text::wrap::row_start(cells).is_some_and(|s| s <= offset))
        .or(t.rows.first())
    else {
        return String::new();
    };
    let parts: Vec<&str> = row
        .iter()
        .filter(|c| !c.text.is_empty() && c.src_at(c.text.len()) > offset)
        .map(|c| {
            let at = if c.src_at(0) >= offset {
                0
            } else {
                c.display_at(offset)
            };
            c.text.get(at..).unwrap_or_default()
        })
        .collect();
    parts
        .join(" · ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

/// The passage `start..end` as shown (Markdown rendered, sanitised, on
/// one line), at most `max` characters: what a highlight or note is on.
pub fn passage_text(doc: &Document, start: usize, end: usize, max: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut id = doc.block_at(start);
    // A passage spans a few blocks at most; a huge selection is cut short.
    for _ in 0..32 {
        let Some(b) = id else { break };
        let (bs, be) = doc.block_range(b);
        if bs >= end.max(start + 1) {
            break;
        }
        let block = doc.block(b);
        let t = &block.text;
        let a = t.display_at(start.max(bs));
        let z = if end >= be {
            t.text.len()
        } else {
            t.display_at(end)
        };
        if let Some(piece) = t.text.get(a..z.max(a)) {
            out.push(piece.to_string());
        }
        if out.iter().map(String::len).sum::<usize>() > max * 4 {
            break;
        }
        id = doc.next_block(b);
    }
    one_line(&out.join(" "), max)
}

/// The `#tags` in a note's text, without the `#`, in order, once each.
pub fn tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let Some(rest) = word.strip_prefix('#') else {
            continue;
        };
        let tag: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !tag.is_empty() && !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Bookmark,
    Highlight,
    Note,
}

/// An entry found near a stretch of the text ([`DocNotes::found_near`]):
/// its span there, and its [`Item`]'s kind, id, offset and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Near<'a> {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub id: &'a str,
    pub offset: Option<usize>,
    pub status: Status,
}

/// One entry as the pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: Kind,
    pub id: String,
    /// Bookmark label, first line of a note, or the highlighted words.
    pub title: String,
    /// The rendered passage (or "whole document").
    pub preview: String,
    /// Source offset of the passage; `None` for a note on the document.
    pub offset: Option<usize>,
    /// Source length of the passage.
    pub len: usize,
    pub found: bool,
    pub changed: bool,
    pub tags: Vec<String>,
    /// How the passage was found in the text now.
    pub status: Status,
    /// RFC 3339, as stored.
    pub created: String,
    /// A note's whole text (empty for bookmarks and highlights).
    pub text: String,
    /// The quote the entry was written on (empty for a document note).
    pub quote: String,
    /// The passage as shown now (rendered); a lost entry's own quote.
    pub passage: String,
    /// The lecture session it was made in.
    pub session: Option<crate::storage::SessionMark>,
}

/// A deleted entry, kept for undo.
#[derive(Debug, Clone, PartialEq)]
pub enum Deleted {
    Bookmark(Bookmark),
    Highlight(Highlight),
    Note(Note),
}

/// The open document's notes file and the pane's state over it.
///
/// What the pane and the reader list is derived from the file and kept
/// ([`Rows`]) until the next change: every change goes through a
/// `&mut self` method, which takes a new [`DocNotes::stamp`] (the fields
/// those lists depend on are private for that reason).
pub struct DocNotes {
    pub key: String,
    pub path: PathBuf,
    file: NotesFile,
    /// Set when the file on disk could not be read (it is kept aside on the
    /// next save) or was made by a newer marginote.
    pub problem: Option<String>,
    /// Ids whose passage could not be found in the current text.
    not_found: HashSet<String>,
    /// Index into the pane's rows ([`DocNotes::shown_item`]).
    pub selected: usize,
    pub undo: Option<Deleted>,
    /// The notes file (this many bytes) is still being read on a worker:
    /// the file here holds only what was noted meanwhile, merged with the
    /// file's when it arrives (and every save merges with the file on
    /// disk, so nothing taken meanwhile can replace it).
    pub loading: Option<u64>,
    /// Only entries matching this (text, or `#tag`) are listed.
    filter: Option<String>,
    previews: HashMap<String, String>,
    /// Each entry's passage as shown (see [`Item::passage`]).
    passages: HashMap<String, String>,
    /// The text the entries are being placed in on a worker, until its
    /// placements arrive ([`DocNotes::apply_placements`]): meanwhile only
    /// entries whose words read at their offset are marked.
    placing: Option<Arc<Document>>,
    /// The text the last placements were made in, and each entry's anchor
    /// as placed with where it went: placing again in the same text (a
    /// merged save) reuses them instead of searching again.
    placed: Option<(Arc<Document>, Placements)>,
    /// Names this state of the notes, unique across every `DocNotes`.
    stamp: u64,
    /// The lists derived from this state, rebuilt when the stamp moved.
    rows: RefCell<Rows>,
}

/// Stamps of [`DocNotes`] states: unique in the process, so a list kept
/// over the open document's notes (the app's all-documents rows) knows
/// when they changed, or were replaced by another document's.
static STAMPS: AtomicU64 = AtomicU64::new(1);

fn next_stamp() -> u64 {
    STAMPS.fetch_add(1, Ordering::Relaxed)
}

/// What the pane and the reader list, derived from one state of the notes.
#[derive(Debug, Default)]
struct Rows {
    /// The state these were built from (0: never built).
    stamp: u64,
    /// The pane's rows: every entry in the pane's order, through the filter.
    shown: Vec<EntryRef>,
    /// What the reader marks: entries placed (while placing: those whose
    /// words read where they were).
    marks: Spans,
    /// Entries found in the text, for the entries under the cursor.
    found: Spans,
}

/// Each entry's anchor as placed ([`anchor::placing_key`]), by id, and
/// where it went.
type Placements = HashMap<String, (u64, anchor::Placement)>;

impl DocNotes {
    pub fn new(key: String, path: PathBuf, file: NotesFile) -> DocNotes {
        DocNotes {
            key,
            path,
            file,
            problem: None,
            not_found: HashSet::new(),
            selected: 0,
            undo: None,
            loading: None,
            filter: None,
            previews: HashMap::new(),
            passages: HashMap::new(),
            placing: None,
            placed: None,
            stamp: next_stamp(),
            rows: RefCell::new(Rows::default()),
        }
    }

    /// The notes file as it stands (read only: changes go through methods
    /// that take a new stamp, or [`DocNotes::file_mut`]).
    pub fn file(&self) -> &NotesFile {
        &self.file
    }

    /// The notes file to change in place; the lists are rebuilt after.
    pub fn file_mut(&mut self) -> &mut NotesFile {
        self.touch();
        &mut self.file
    }

    /// Ids whose passage could not be found in the current text.
    pub fn not_found(&self) -> &HashSet<String> {
        &self.not_found
    }

    /// The pane's filter (text or `#tag`), if any.
    pub fn filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    pub fn set_filter(&mut self, filter: Option<String>) {
        self.touch();
        self.filter = filter;
    }

    /// The text the entries are being placed in, until placed.
    pub fn placing(&self) -> Option<&Arc<Document>> {
        self.placing.as_ref()
    }

    /// This state of the notes: any change takes a new one.
    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    fn touch(&mut self) {
        self.stamp = next_stamp();
    }

    /// What is known of the entries' places in the open text.
    pub fn known(&self) -> Known<'_> {
        Known {
            previews: Some(&self.previews),
            passages: Some(&self.passages),
            not_found: Some(&self.not_found),
        }
    }

    /// The lists of this state, built on first use after a change.
    fn rows(&self) -> Ref<'_, Rows> {
        if self.rows.borrow().stamp != self.stamp {
            let built = self.build_rows();
            *self.rows.borrow_mut() = built;
        }
        self.rows.borrow()
    }

    fn build_rows(&self) -> Rows {
        let known = self.known();
        let file = &self.file;
        let order = rows::order(file, known);
        let shown = rows::filtered(file, known, order, self.filter.as_deref());
        let mut marks = Vec::new();
        let mut found = Vec::new();
        for r in rows::entries(file) {
            let Some((id, Some(a))) = rows::id_anchor(file, r) else {
                continue;
            };
            let placed = !self.not_found.contains(id);
            let marked = match &self.placing {
                Some(doc) => anchor::reads_at(doc, a),
                None => placed,
            };
            if marked {
                let end = match r.kind {
                    Kind::Bookmark => a.offset,
                    _ => a.offset + a.span_len(),
                };
                marks.push((a.offset, end, r));
            }
            if placed {
                found.push((a.offset, a.offset + a.span_len().max(1), r));
            }
        }
        Rows {
            stamp: self.stamp,
            shown,
            marks: Spans::new(marks),
            found: Spans::new(found),
        }
    }

    /// The pane's rows as references into [`DocNotes::file`].
    pub fn shown_refs(&self) -> Ref<'_, [EntryRef]> {
        Ref::map(self.rows(), |r| r.shown.as_slice())
    }

    /// How many rows the pane lists (through the filter).
    pub fn shown_len(&self) -> usize {
        self.rows().shown.len()
    }

    /// The pane's row `i`, built alone.
    pub fn shown_item(&self, i: usize) -> Option<Item> {
        let r = *self.rows().shown.get(i)?;
        rows::item(&self.file, self.known(), r)
    }

    /// The row listing entry `id`, if the filter lets it through.
    pub fn shown_position(&self, id: &str) -> Option<usize> {
        let rows = self.rows();
        rows.shown
            .iter()
            .position(|&r| rows::id_anchor(&self.file, r).is_some_and(|(i, _)| i == id))
    }

    /// Entry `id` as the pane shows it, filtered out or not.
    pub fn item_by_id(&self, id: &str) -> Option<Item> {
        let r = rows::entries(&self.file)
            .find(|&r| rows::id_anchor(&self.file, r).is_some_and(|(i, _)| i == id))?;
        rows::item(&self.file, self.known(), r)
    }

    /// The entries found in the text that may touch `lo..hi` (callers
    /// check the spans); `end` is at least `start + 1`. Each with what its
    /// [`Item`] says of its kind, id, place and status, no item built:
    /// this is asked on every key, and building the items (their titles,
    /// previews, passages copied) was a twentieth of a line key (perf).
    pub fn found_near(&self, lo: usize, hi: usize) -> Vec<Near<'_>> {
        let rows = self.rows();
        rows.found
            .near(lo, hi)
            .iter()
            .filter_map(|&(start, end, r)| {
                let (id, offset, status) = rows::placing(&self.file, self.known(), r)?;
                Some(Near {
                    start,
                    end,
                    kind: r.kind,
                    id,
                    offset,
                    status,
                })
            })
            .collect()
    }

    /// Every anchored entry's id and anchor, to be placed off the loop
    /// ([`anchor::place_all`]); `doc` is the text they are placed in, and
    /// until the placements arrive only entries found where they were are
    /// marked.
    pub fn start_placing(&mut self, doc: Arc<Document>) -> Vec<(String, Anchor)> {
        self.touch();
        self.placing = Some(doc);
        self.anchors_mut()
            .into_iter()
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect()
    }

    /// Takes the placements made on a worker in `doc`: each entry whose
    /// anchor is still the one placed takes its placement; an entry added
    /// or re-attached meanwhile is placed here. Returns whether anything
    /// changed, as [`DocNotes::reanchor`] does.
    pub fn apply_placements(&mut self, doc: Arc<Document>, placed: Vec<anchor::Placed>) -> bool {
        self.touch();
        if self.placing.as_ref().is_some_and(|d| Arc::ptr_eq(d, &doc)) {
            self.placing = None;
        }
        let known = placed
            .into_iter()
            .map(|p| (p.id, (p.key, p.placement)))
            .collect();
        self.placed = Some((Arc::clone(&doc), known));
        // The list is sorted by place: a selection moved meanwhile stays
        // on its entry (finding it lists every entry; the first stays first).
        let sel_id = (self.selected > 0)
            .then(|| self.selected_item().map(|it| it.id))
            .flatten();
        let moved = self.reanchor(&doc);
        if let Some(id) = sel_id {
            self.select_id(&id);
        }
        moved
    }

    fn anchors_mut(&mut self) -> Vec<(&String, &mut Anchor)> {
        self.touch();
        let f = &mut self.file;
        f.bookmarks
            .iter_mut()
            .map(|b| (&b.id, &mut b.anchor))
            .chain(f.highlights.iter_mut().map(|h| (&h.id, &mut h.anchor)))
            .chain(
                f.notes
                    .iter_mut()
                    .filter_map(|n| n.anchor.as_mut().map(|a| (&n.id, a))),
            )
            .collect()
    }

    /// Places every entry in the current text (see [`crate::study::anchor`]):
    /// moved ones take their new offsets, lost ones are kept and marked.
    /// Returns whether anything changed (worth saving).
    pub fn reanchor(&mut self, doc: &Document) -> bool {
        self.touch();
        let mut moved = false;
        let mut lost = HashSet::new();
        let mut previews = HashMap::new();
        let mut passages = HashMap::new();
        // Placements already made in this very text, by id.
        let mut known = match self.placed.take() {
            Some((d, map)) if std::ptr::eq(Arc::as_ptr(&d), doc) => Some((d, map)),
            _ => None,
        };
        let mut fresh = HashMap::new();
        for (id, a) in self.anchors_mut() {
            let key = anchor::placing_key(a);
            let p = known
                .as_ref()
                .and_then(|(_, map)| map.get(id))
                .filter(|(seen, _)| *seen == key)
                .map(|&(_, p)| p)
                .unwrap_or_else(|| anchor::place(doc, a));
            if known.is_some() {
                fresh.insert(id.clone(), (key, p));
            }
            let before = a.clone();
            // Every decision is logged: what a student asks about when a
            // note "went somewhere odd" (the log is in the data folder).
            tracing::debug!(id = ?id, from = before.offset, placement = ?p, "re-anchoring");
            if anchor::replace(doc, a, p) {
                if *a != before {
                    tracing::info!(
                        id = ?id,
                        from = before.offset,
                        to = a.offset,
                        status = ?a.status,
                        "entry moved with its words"
                    );
                }
                moved |= *a != before;
                previews.insert(id.clone(), preview(doc, a.offset, PREVIEW_CHARS));
                passages.insert(
                    id.clone(),
                    passage_text(doc, a.offset, a.offset + a.span_len(), PASSAGE_CHARS),
                );
            } else {
                // Lost: the status is saved (exports and the all-documents
                // list show it), and the preview is the entry's own quote,
                // never the words its old offset now holds.
                if a.status != Status::Lost {
                    tracing::warn!(id = ?id, from = a.offset, "entry lost: its words are gone");
                    a.status = Status::Lost;
                    moved = true;
                }
                lost.insert(id.clone());
                previews.insert(id.clone(), one_line(&a.exact, PREVIEW_CHARS));
                passages.insert(id.clone(), one_line(&a.exact, PASSAGE_CHARS));
            }
        }
        if let Some((_, map)) = known.as_mut() {
            *map = fresh;
        }
        self.placed = known;
        self.not_found = lost;
        self.previews = previews;
        self.passages = passages;
        self.sort();
        moved
    }

    fn sort(&mut self) {
        self.touch();
        let f = &mut self.file;
        f.bookmarks
            .sort_by(|a, b| (a.anchor.offset, &a.id).cmp(&(b.anchor.offset, &b.id)));
        f.highlights
            .sort_by(|a, b| (a.anchor.offset, &a.id).cmp(&(b.anchor.offset, &b.id)));
        f.notes.sort_by(|a, b| {
            let at = |n: &Note| n.anchor.as_ref().map_or(0, |a| a.offset);
            (a.anchor.is_some(), at(a), &a.id).cmp(&(b.anchor.is_some(), at(b), &b.id))
        });
    }

    fn remember_preview(&mut self, id: &str, a: &Anchor, doc: &Document) {
        self.touch();
        self.previews
            .insert(id.to_string(), preview(doc, a.offset, PREVIEW_CHARS));
        self.passages.insert(
            id.to_string(),
            passage_text(doc, a.offset, a.offset + a.span_len(), PASSAGE_CHARS),
        );
    }

    /// Every entry in text order (notes on the whole document first),
    /// unfiltered. Builds every item: for tests and whole-file work, never
    /// per frame or key ([`DocNotes::shown_item`] builds one).
    pub fn all_items(&self) -> Vec<Item> {
        let known = self.known();
        rows::order(&self.file, known)
            .into_iter()
            .filter_map(|r| rows::item(&self.file, known, r))
            .collect()
    }

    /// Every row the pane lists ([`DocNotes::all_items`] through the
    /// filter), each built: for tests and whole-list work.
    pub fn items(&self) -> Vec<Item> {
        (0..self.shown_len())
            .filter_map(|i| self.shown_item(i))
            .collect()
    }

    pub fn selected_item(&self) -> Option<Item> {
        self.shown_item(self.selected)
    }

    pub fn len(&self) -> usize {
        self.file.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn select_id(&mut self, id: &str) {
        if let Some(i) = self.shown_position(id) {
            self.selected = i;
        }
    }

    pub fn add_bookmark(&mut self, b: Bookmark, doc: &Document) {
        self.touch();
        let id = b.id.clone();
        self.remember_preview(&id, &b.anchor, doc);
        self.file.bookmarks.push(b);
        self.sort();
        self.select_id(&id);
    }

    pub fn add_highlight(&mut self, h: Highlight, doc: &Document) {
        self.touch();
        let id = h.id.clone();
        self.remember_preview(&id, &h.anchor, doc);
        self.file.highlights.push(h);
        self.sort();
        self.select_id(&id);
    }

    pub fn add_note(&mut self, n: Note, doc: &Document) {
        self.touch();
        let id = n.id.clone();
        if let Some(a) = n.anchor.clone() {
            self.remember_preview(&id, &a, doc);
        }
        self.file.notes.push(n);
        self.sort();
        self.select_id(&id);
    }

    pub fn note(&self, id: &str) -> Option<&Note> {
        self.file.notes.iter().find(|n| n.id == id)
    }

    /// Replaces a note's text (and tags); returns whether it existed.
    pub fn update_note(&mut self, id: &str, text: &str, now: &str) -> bool {
        self.touch();
        let Some(n) = self.file.notes.iter_mut().find(|n| n.id == id) else {
            return false;
        };
        n.text = text.to_string();
        n.tags = tags(text);
        n.updated = now.to_string();
        true
    }

    /// Puts a lost (or any) entry on `start..end` by hand: the quote is
    /// those words now, the status exact. Returns whether it exists.
    pub fn reattach(&mut self, id: &str, doc: &Document, start: usize, end: usize) -> bool {
        self.touch();
        let mut found = false;
        for (eid, a) in self.anchors_mut() {
            if eid == id {
                anchor::reattach(doc, a, start, end);
                found = true;
            }
        }
        if !found {
            return false;
        }
        self.not_found.remove(id);
        self.previews
            .insert(id.to_string(), preview(doc, start, PREVIEW_CHARS));
        self.passages
            .insert(id.to_string(), passage_text(doc, start, end, PASSAGE_CHARS));
        self.sort();
        self.select_id(id);
        true
    }

    /// Deletes an entry by id, leaving a tombstone so a merge with another
    /// instance's copy does not bring it back; kept for undo.
    pub fn delete(&mut self, id: &str) -> Option<Deleted> {
        self.touch();
        let f = &mut self.file;
        let deleted = if let Some(i) = f.bookmarks.iter().position(|b| b.id == id) {
            Deleted::Bookmark(f.bookmarks.remove(i))
        } else if let Some(i) = f.highlights.iter().position(|h| h.id == id) {
            Deleted::Highlight(f.highlights.remove(i))
        } else if let Some(i) = f.notes.iter().position(|n| n.id == id) {
            Deleted::Note(f.notes.remove(i))
        } else {
            return None;
        };
        f.deleted.push(id.to_string());
        let len = self.shown_len();
        self.selected = self.selected.min(len.saturating_sub(1));
        self.undo = Some(deleted.clone());
        Some(deleted)
    }

    /// Restores the last deleted entry under `new_id` (its old id stays
    /// tombstoned on disk); returns a short description.
    pub fn undo(&mut self, new_id: String, doc: &Document) -> Option<String> {
        self.touch();
        match self.undo.take()? {
            Deleted::Bookmark(mut b) => {
                b.id = new_id;
                let label = b.label.clone();
                self.add_bookmark(b, doc);
                Some(format!("bookmark “{label}”"))
            }
            Deleted::Highlight(mut h) => {
                h.id = new_id;
                self.add_highlight(h, doc);
                Some("highlight".to_string())
            }
            Deleted::Note(mut n) => {
                n.id = new_id;
                self.add_note(n, doc);
                Some("note".to_string())
            }
        }
    }

    /// Passages to mark in the reader: (start, end, kind), sorted by start.
    /// Entries that could not be placed mark nothing: their old offset now
    /// holds other words. While the entries are being placed, only those
    /// found where they were are marked.
    pub fn marks(&self) -> Vec<(usize, usize, Kind)> {
        self.rows()
            .marks
            .all()
            .iter()
            .map(|&(s, e, r)| (s, e, r.kind))
            .collect()
    }

    /// The marks that may touch `lo..hi` (those starting before `hi` and
    /// within the longest mark of `lo`), sorted by start: what the rows
    /// drawn need, found without a pass over every entry.
    pub fn marks_near(&self, lo: usize, hi: usize) -> Vec<(usize, usize, Kind)> {
        self.rows()
            .marks
            .near(lo, hi)
            .iter()
            .map(|&(s, e, r)| (s, e, r.kind))
            .collect()
    }

    /// Takes a freshly merged file from disk, keeping the selection on the
    /// same entry.
    pub fn replace_file(&mut self, file: NotesFile, doc: Option<&Document>) {
        self.touch();
        let sel_id = self.selected_item().map(|it| it.id);
        self.file = file;
        match doc {
            // While a worker places the entries, its placements (applied
            // by id, anything it did not see placed then) cover these.
            Some(d) if self.placing.is_none() => {
                self.reanchor(d);
            }
            _ => self.sort(),
        }
        if let Some(id) = sel_id {
            self.select_id(&id);
        }
        let len = self.shown_len();
        self.selected = self.selected.min(len.saturating_sub(1));
    }
}

/// Whether an entry matches a filter: `#tag` matches a note's tag (prefix),
/// other text matches title, preview or tags, ignoring case.
pub fn matches_filter(it: &Item, filter: &str) -> bool {
    let f = filter.trim().to_lowercase();
    if let Some(tag) = f.strip_prefix('#') {
        return it.tags.iter().any(|t| t.to_lowercase().starts_with(tag));
    }
    it.title.to_lowercase().contains(&f)
        || it.preview.to_lowercase().contains(&f)
        || it.tags.iter().any(|t| t.to_lowercase().contains(&f))
}

pub(crate) fn one_line(s: &str, max: usize) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::document::Format;

    fn doc(s: &str) -> Document {
        Document::from_bytes(s.as_bytes().to_vec(), Format::Text).expect("loads")
    }

    fn note(id: &str, text: &str, anchor: Option<Anchor>) -> Note {
        Note {
            session: None,
            id: id.into(),
            text: text.into(),
            tags: tags(text),
            created: "2026-11-25T10:00:00+01:00".into(),
            updated: "2026-11-25T10:00:00+01:00".into(),
            anchor,
            extra: toml::Table::new(),
        }
    }

    #[test]
    fn anchor_quotes_the_passage_with_context() {
        let d = doc("Before the passage. The passage itself is here.\nNext line.\n");
        let a = make_anchor(&d, 20);
        assert!(a.exact.starts_with("The passage itself"), "{:?}", a.exact);
        assert!(!a.exact.contains('\n'));
        assert_eq!(a.prefix, "Before the passage. ");
    }

    #[test]
    fn tags_are_found_once_each() {
        assert_eq!(
            tags("ask about #exam and #Lenin, also #exam."),
            vec!["exam", "Lenin"]
        );
        assert!(tags("no tags # here").is_empty());
    }

    #[test]
    fn items_are_in_text_order_with_document_notes_first() {
        let d = doc("First line here.\nSecond line here.\nThird line here.\n");
        let mut n = DocNotes::new("k".into(), "/x.toml".into(), NotesFile::new("k", "t", ""));
        n.add_note(note("n2", "late #exam", Some(make_anchor(&d, 34))), &d);
        n.add_note(note("n1", "about all of it", None), &d);
        n.add_highlight(
            Highlight {
                session: None,
                id: "h1".into(),
                created: String::new(),
                anchor: anchor::anchor_range(&d, 17, 29),
                extra: toml::Table::new(),
            },
            &d,
        );
        let ids: Vec<String> = n.items().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, vec!["n1", "h1", "n2"]);
        n.set_filter(Some("#ex".into()));
        let ids: Vec<String> = n.items().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, vec!["n2"]);
        n.set_filter(Some("second".into()));
        let ids: Vec<String> = n.items().into_iter().map(|i| i.id).collect();
        assert_eq!(ids, vec!["h1"], "text filter matches the highlighted words");
    }

    #[test]
    fn delete_tombstones_and_undo_restores_under_a_new_id() {
        let d = doc("Some text to note.\n");
        let mut n = DocNotes::new("k".into(), "/x.toml".into(), NotesFile::new("k", "t", ""));
        n.add_note(note("n1", "a thought", Some(make_anchor(&d, 5))), &d);
        assert!(n.delete("n1").is_some());
        assert!(n.file.notes.is_empty());
        assert_eq!(n.file.deleted, vec!["n1"]);
        assert_eq!(n.undo("n9".into(), &d).as_deref(), Some("note"));
        assert_eq!(n.file.notes[0].id, "n9");
        assert_eq!(n.file.notes[0].text, "a thought");
    }

    #[test]
    fn a9_unplaceable_entries_are_kept_and_listed() {
        let d = doc("The original words of the passage live here.\n");
        let mut n = DocNotes::new("k".into(), "/x.toml".into(), NotesFile::new("k", "t", ""));
        n.add_note(note("n1", "on the passage", Some(make_anchor(&d, 4))), &d);
        let other = doc("Completely unrelated text now.\n");
        n.reanchor(&other);
        assert_eq!(n.file.notes.len(), 1, "never dropped");
        let item = &n.items()[0];
        assert!(!item.found);
        assert_eq!(
            n.file.notes[0].anchor.as_ref().map(|a| a.offset),
            Some(4),
            "old place kept"
        );
    }

    const PLACES: &str = "The Cheka was founded in December 1917 to fight counter-revolution.\n\n\
        Its first chairman was Felix Dzerzhinsky, a Polish revolutionary of long standing.\n\n\
        The Red Terror was declared in September 1918 after an attempt on Lenin's life.\n\n\
        Historians still argue about how many people it killed in those first years.\n";

    /// Notes on each sentence, a highlight and a bookmark, placed in a
    /// text where one sentence stayed, the rest moved (a line before
    /// them), one changed a word and one is gone.
    fn placed_pair() -> (DocNotes, Document) {
        let d = doc(PLACES);
        let mut n = DocNotes::new("k".into(), "/x.toml".into(), NotesFile::new("k", "t", ""));
        for (i, words) in [
            "The Cheka was",
            "Its first chairman",
            "The Red Terror",
            "Historians still",
        ]
        .iter()
        .enumerate()
        {
            let at = PLACES.find(words).expect("sentence");
            let end = at + PLACES[at..].find('\n').expect("line end");
            let a = crate::study::anchor::anchor_range(&d, at, end);
            n.add_note(note(&format!("n{i}"), "on it", Some(a.clone())), &d);
            if i == 1 {
                n.add_highlight(
                    Highlight {
                        id: "h1".into(),
                        created: String::new(),
                        anchor: a,
                        session: None,
                        extra: toml::Table::new(),
                    },
                    &d,
                );
            }
        }
        n.add_bookmark(
            Bookmark {
                id: "b1".into(),
                label: "terror".into(),
                created: String::new(),
                anchor: bookmark_anchor(&d, 150, 160),
                session: None,
                extra: toml::Table::new(),
            },
            &d,
        );
        let edited = PLACES
            .replace(
                "to fight counter-revolution",
                "to fight the counter-revolution",
            )
            .replace(
                "Historians still argue about how many people it killed in those first years.",
                "",
            );
        (n, doc(&format!("A new first line.\n\n{edited}")))
    }

    fn same(a: &DocNotes, b: &DocNotes) {
        assert_eq!(a.file, b.file);
        assert_eq!(a.not_found, b.not_found);
        assert_eq!(a.items(), b.items());
        assert_eq!(a.marks(), b.marks());
    }

    /// What `found_near` tells of each entry (kind, id, place, status) is
    /// what the entry's item says, for every entry found in the text, the
    /// moved ones after an edit included.
    #[test]
    fn entries_found_near_agree_with_their_items() {
        let (mut n, edited) = placed_pair();
        for round in 0..2 {
            if round == 1 {
                n.reanchor(&edited);
            }
            let near = n.found_near(0, usize::MAX / 2);
            let found: Vec<Item> = n
                .items()
                .into_iter()
                .filter(|it| it.found && it.offset.is_some())
                .collect();
            assert!(found.len() >= 4, "{found:?}");
            assert_eq!(near.len(), found.len(), "{near:?}");
            for it in &found {
                let hit = near.iter().find(|x| x.id == it.id).expect("found near");
                assert_eq!(
                    (hit.kind, hit.offset, hit.status),
                    (it.kind, it.offset, it.status),
                    "{}",
                    it.id
                );
                assert!(hit.start < hit.end, "{hit:?}");
            }
        }
    }

    /// The placements made on a worker, applied, leave the notes as
    /// placing them on the spot does: same statuses, offsets, lost set.
    #[test]
    fn placements_from_a_worker_equal_placing_on_the_spot() {
        let (mut here, edited) = placed_pair();
        let (mut there, _) = placed_pair();
        let moved_here = here.reanchor(&edited);
        let edited = Arc::new(edited);
        let anchors = there.start_placing(Arc::clone(&edited));
        assert_eq!(anchors.len(), 6);
        let placed = crate::study::anchor::place_all(&edited, anchors);
        let moved_there = there.apply_placements(Arc::clone(&edited), placed);
        assert!(there.placing.is_none());
        assert_eq!(moved_here, moved_there);
        same(&here, &there);
        let status = |n: &DocNotes, id: &str| {
            n.file
                .notes
                .iter()
                .find(|x| x.id == id)
                .and_then(|x| x.anchor.as_ref())
                .map(|a| a.status)
        };
        assert_eq!(status(&there, "n0"), Some(Status::Changed));
        assert_eq!(status(&there, "n1"), Some(Status::Moved));
        assert_eq!(status(&there, "n3"), Some(Status::Lost));
        assert_eq!(there.not_found, HashSet::from(["n3".to_string()]));
        // Placing again in the same text (a merged save) takes the same.
        there.replace_file(there.file.clone(), Some(&*edited));
        same(&here, &there);
    }

    /// Entries added or re-attached while the worker placed are placed
    /// on the spot when its placements arrive; until then only entries
    /// found where they were are marked.
    #[test]
    fn entries_changed_while_placing_are_placed_on_arrival() {
        let (mut here, edited) = placed_pair();
        let (mut there, _) = placed_pair();
        let edited = Arc::new(edited);
        let anchors = there.start_placing(Arc::clone(&edited));
        // Nothing of the old text reads at its old offset in the new one.
        assert!(there.marks().is_empty(), "{:?}", there.marks());
        let placed = crate::study::anchor::place_all(&edited, anchors);
        let text = edited.excerpt(0, edited.len());
        let late = |n: &mut DocNotes| {
            let at = text.find("Red Terror").expect("words");
            n.add_note(
                note("late", "added meanwhile", Some(make_anchor(&edited, at))),
                &edited,
            );
            assert!(n.reattach("n3", &edited, 0, 10));
        };
        late(&mut there);
        assert_eq!(
            there.marks().len(),
            2,
            "the new note and the re-attached one"
        );
        there.apply_placements(Arc::clone(&edited), placed);
        late(&mut here);
        here.reanchor(&edited);
        same(&here, &there);
        assert!(there.not_found.is_empty(), "{:?}", there.not_found);
    }
}
