//! The Notes pane's rows without copying the notes (issue 12): an entry is
//! named by where it sits in its file ([`EntryRef`], 8 bytes), lists are
//! orders of such references, and an entry's [`Item`] (title, preview,
//! passage, text: hundreds of bytes) is built only for a row drawn or
//! acted on. With 64,595 notes, listing every item cloned ~60 MB on each
//! frame and key; an order costs 0.5 MB, rebuilt only when the notes change.

use std::collections::{HashMap, HashSet};

use crate::storage::{Anchor, NotesFile, SessionMark, Status};
use crate::study::notes::{Item, Kind, PASSAGE_CHARS, PREVIEW_CHARS, matches_filter, one_line};

/// Where an entry sits in its [`NotesFile`]: its list and index there.
/// Valid for one state of the file (see [`crate::study::notes::DocNotes`]
/// stamps): a change of the file rebuilds every order holding these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef {
    pub kind: Kind,
    pub at: u32,
}

/// What is known of the entries' places in the open text: previews and
/// passages as shown now, and the entries not found. Other documents'
/// entries have none of it (their stored quote stands in).
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    pub previews: Option<&'a HashMap<String, String>>,
    pub passages: Option<&'a HashMap<String, String>>,
    pub not_found: Option<&'a HashSet<String>>,
}

impl Known<'_> {
    fn lost(&self, id: &str) -> bool {
        self.not_found.is_some_and(|n| n.contains(id))
    }

    fn status(&self, id: &str, a: &Anchor) -> Status {
        if self.lost(id) {
            Status::Lost
        } else {
            a.effective_status()
        }
    }
}

/// Every entry of `file`, bookmarks, highlights, then notes.
pub fn entries(file: &NotesFile) -> impl Iterator<Item = EntryRef> + '_ {
    let refs = |kind: Kind, n: usize| {
        (0..n).map(move |at| EntryRef {
            kind,
            at: u32::try_from(at).unwrap_or(u32::MAX),
        })
    };
    refs(Kind::Bookmark, file.bookmarks.len())
        .chain(refs(Kind::Highlight, file.highlights.len()))
        .chain(refs(Kind::Note, file.notes.len()))
}

/// The entry's id and anchor (`None`: a note on the whole document);
/// `None` when `r` is not in `file`.
pub fn id_anchor(file: &NotesFile, r: EntryRef) -> Option<(&str, Option<&Anchor>)> {
    let at = r.at as usize;
    match r.kind {
        Kind::Bookmark => file.bookmarks.get(at).map(|b| (&*b.id, Some(&b.anchor))),
        Kind::Highlight => file.highlights.get(at).map(|h| (&*h.id, Some(&h.anchor))),
        Kind::Note => file.notes.get(at).map(|n| (&*n.id, n.anchor.as_ref())),
    }
}

/// The id, place and status that entry `r`'s [`Item`] has, without
/// building the item (its strings copied): what orders the entries under
/// the reading cursor on every key.
pub fn placing<'f>(
    file: &'f NotesFile,
    known: Known<'_>,
    r: EntryRef,
) -> Option<(&'f str, Option<usize>, Status)> {
    let (id, anchor) = id_anchor(file, r)?;
    let status = anchor.map_or(Status::Exact, |a| known.status(id, a));
    Some((id, anchor.map(|a| a.offset), status))
}

/// When and in which lecture session entry `r` was made.
pub fn made(file: &NotesFile, r: EntryRef) -> Option<(&str, Option<&SessionMark>)> {
    let at = r.at as usize;
    match r.kind {
        Kind::Bookmark => file
            .bookmarks
            .get(at)
            .map(|b| (&*b.created, b.session.as_ref())),
        Kind::Highlight => file
            .highlights
            .get(at)
            .map(|h| (&*h.created, h.session.as_ref())),
        Kind::Note => file
            .notes
            .get(at)
            .map(|n| (&*n.created, n.session.as_ref())),
    }
}

/// Where the pane lists an entry: notes on the whole document first, then
/// the lost entries together (to re-attach), then the rest in text order.
fn sort_key<'f>(
    file: &'f NotesFile,
    known: Known<'_>,
    r: EntryRef,
) -> (u8, Option<usize>, Kind, &'f str) {
    let Some((id, anchor)) = id_anchor(file, r) else {
        return (3, None, r.kind, "");
    };
    match anchor {
        None => (0, None, r.kind, id),
        Some(a) if known.status(id, a) == Status::Lost => (1, Some(a.offset), r.kind, id),
        Some(a) => (2, Some(a.offset), r.kind, id),
    }
}

/// Every entry in the pane's order (see [`sort_key`]).
pub fn order(file: &NotesFile, known: Known<'_>) -> Vec<EntryRef> {
    let mut refs: Vec<EntryRef> = entries(file).collect();
    refs.sort_by_cached_key(|&r| sort_key(file, known, r));
    refs
}

/// `refs` through the pane's filter (text or `#tag`); all of them when
/// there is none. Items are built to match, once per change of the notes.
pub fn filtered(
    file: &NotesFile,
    known: Known<'_>,
    refs: Vec<EntryRef>,
    filter: Option<&str>,
) -> Vec<EntryRef> {
    let Some(f) = filter.filter(|f| !f.trim().is_empty()) else {
        return refs;
    };
    refs.into_iter()
        .filter(|&r| item(file, known, r).is_some_and(|it| matches_filter(&it, f)))
        .collect()
}

/// The entry `r` as the pane shows it.
pub fn item(file: &NotesFile, known: Known<'_>, r: EntryRef) -> Option<Item> {
    let preview = |id: &str, a: &Anchor| {
        known
            .previews
            .and_then(|p| p.get(id))
            .cloned()
            .unwrap_or_else(|| one_line(&a.exact, PREVIEW_CHARS))
    };
    let passage = |id: &str, a: &Anchor| {
        known
            .passages
            .and_then(|p| p.get(id))
            .cloned()
            .unwrap_or_else(|| one_line(&a.exact, PASSAGE_CHARS))
    };
    let at = r.at as usize;
    let (_, _, status) = placing(file, known, r)?;
    Some(match r.kind {
        Kind::Bookmark => {
            let b = file.bookmarks.get(at)?;
            Item {
                kind: Kind::Bookmark,
                id: b.id.clone(),
                title: b.label.clone(),
                preview: preview(&b.id, &b.anchor),
                offset: Some(b.anchor.offset),
                len: b.anchor.span_len(),
                found: !known.lost(&b.id),
                changed: b.anchor.changed,
                tags: Vec::new(),
                status,
                created: b.created.clone(),
                text: String::new(),
                quote: b.anchor.exact.clone(),
                passage: passage(&b.id, &b.anchor),
                session: b.session.clone(),
            }
        }
        Kind::Highlight => {
            let h = file.highlights.get(at)?;
            // A highlight is its words: exactly the highlighted ones.
            let p = passage(&h.id, &h.anchor);
            Item {
                kind: Kind::Highlight,
                id: h.id.clone(),
                title: p.clone(),
                preview: p.clone(),
                offset: Some(h.anchor.offset),
                len: h.anchor.span_len(),
                found: !known.lost(&h.id),
                changed: h.anchor.changed,
                tags: Vec::new(),
                status,
                created: h.created.clone(),
                text: String::new(),
                quote: h.anchor.exact.clone(),
                passage: p,
                session: h.session.clone(),
            }
        }
        Kind::Note => {
            let n = file.notes.get(at)?;
            Item {
                kind: Kind::Note,
                id: n.id.clone(),
                title: one_line(n.text.lines().next().unwrap_or_default(), PREVIEW_CHARS),
                preview: n.anchor.as_ref().map_or_else(
                    || "on the whole document".to_string(),
                    |a| preview(&n.id, a),
                ),
                offset: n.anchor.as_ref().map(|a| a.offset),
                len: n.anchor.as_ref().map_or(0, Anchor::span_len),
                found: !known.lost(&n.id),
                changed: n.anchor.as_ref().is_some_and(|a| a.changed),
                tags: n.tags.clone(),
                status,
                created: n.created.clone(),
                text: n.text.clone(),
                quote: n
                    .anchor
                    .as_ref()
                    .map(|a| a.exact.clone())
                    .unwrap_or_default(),
                passage: n
                    .anchor
                    .as_ref()
                    .map(|a| passage(&n.id, a))
                    .unwrap_or_default(),
                session: n.session.clone(),
            }
        }
    })
}

/// Entries with a place, by start, for what the reader asks of a stretch
/// of text (marks on the rows drawn, the entries under the cursor):
/// `(start, end, entry)`, and the longest span, so the entries reaching
/// into a stretch are found from a binary search, not a pass over all.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    spans: Vec<(usize, usize, EntryRef)>,
    longest: usize,
}

impl Spans {
    pub fn new(mut spans: Vec<(usize, usize, EntryRef)>) -> Spans {
        spans.sort_by_key(|&(s, e, r)| (s, e, r.kind, r.at));
        let longest = spans.iter().map(|&(s, e, _)| e - s).max().unwrap_or(0);
        Spans { spans, longest }
    }

    /// Every span, by start.
    pub fn all(&self) -> &[(usize, usize, EntryRef)] {
        &self.spans
    }

    /// The spans that may touch `lo..hi`: every one starting before `hi`
    /// whose start is within the longest span of `lo` (callers check the
    /// ends), by start.
    pub fn near(&self, lo: usize, hi: usize) -> &[(usize, usize, EntryRef)] {
        let from = lo.saturating_sub(self.longest);
        let a = self.spans.partition_point(|&(s, _, _)| s < from);
        let b = self.spans.partition_point(|&(s, _, _)| s < hi.max(lo + 1));
        self.spans.get(a..b.max(a)).unwrap_or_default()
    }
}
