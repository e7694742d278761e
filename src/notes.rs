//! The open document's bookmarks: anchoring them to the text, finding them
//! again after the text changed, and the Notes pane's selection and undo.
//!
//! The pane lists entries in text order; the next issue adds notes and
//! highlights as further entry kinds alongside bookmarks.

use std::path::PathBuf;

use crate::document::Document;
use crate::storage::{Anchor, Bookmark, NotesFile};

/// Characters of context kept before and after an anchor's quote.
const CONTEXT_CHARS: usize = 32;
/// Longest quote an anchor keeps (characters).
const QUOTE_CHARS: usize = 64;
/// Characters of rendered text kept for a bookmark's preview.
const PREVIEW_CHARS: usize = 120;

/// Builds an anchor for the passage starting at `offset`: the quote runs to
/// the end of the block (at most [`QUOTE_CHARS`]), plus context around it.
pub fn make_anchor(doc: &Document, offset: usize) -> Anchor {
    let offset = offset.min(doc.len());
    let (_, block_end) = doc
        .block_at(offset)
        .map_or((0, doc.len()), |b| doc.block_range(b));
    let raw = doc.excerpt(
        offset,
        (offset + QUOTE_CHARS * 4).min(block_end.max(offset)),
    );
    let exact: String = raw.chars().take(QUOTE_CHARS).collect();
    let exact = exact.trim_end_matches(['\n', '\r']).to_string();
    let end = offset + exact.len();
    let before = doc.excerpt(offset.saturating_sub(CONTEXT_CHARS * 4), offset);
    let prefix: String = {
        let n = before.chars().count();
        before
            .chars()
            .skip(n.saturating_sub(CONTEXT_CHARS))
            .collect()
    };
    let after = doc.excerpt(end, end + CONTEXT_CHARS * 4);
    let suffix: String = after.chars().take(CONTEXT_CHARS).collect();
    Anchor {
        offset,
        exact,
        prefix,
        suffix,
        extra: toml::Table::new(),
    }
}

/// Identifies a version of the text: FNV-1a over the decoded source.
pub fn fingerprint(doc: &Document) -> String {
    format!("fnv1a64:{:016x}", crate::storage::fnv1a64(doc.source()))
}

/// Where an anchor is in (a possibly edited) document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The quote is at the stored offset.
    Exact,
    /// The quote was found elsewhere (the text moved).
    Moved(usize),
    /// The quote is gone: kept, listed as such, the old offset used.
    NotFound,
}

/// Finds an anchor's quote: at its offset, else the occurrence whose context
/// matches best, nearest to the old offset.
pub fn place(doc: &Document, a: &Anchor) -> Placement {
    let src = doc.source();
    let exact = a.exact.as_bytes();
    if exact.is_empty() {
        return if a.offset <= src.len() {
            Placement::Exact
        } else {
            Placement::NotFound
        };
    }
    if src.get(a.offset..a.offset + exact.len()) == Some(exact) {
        return Placement::Exact;
    }
    let score = |at: usize| {
        let before = doc.excerpt(at.saturating_sub(a.prefix.len()), at);
        let after = doc.excerpt(at + exact.len(), at + exact.len() + a.suffix.len());
        let p = before.ends_with(a.prefix.as_str()) && !a.prefix.is_empty();
        let s = after.starts_with(a.suffix.as_str()) && !a.suffix.is_empty();
        usize::from(p) + usize::from(s)
    };
    memchr::memmem::find_iter(src, exact)
        .map(|at| (std::cmp::Reverse(score(at)), at.abs_diff(a.offset), at))
        .min()
        .map_or(Placement::NotFound, |(_, _, at)| Placement::Moved(at))
}

/// The text as shown (Markdown rendered, sanitised) from source offset
/// `offset` to the end of its block, at most `max` characters.
pub fn preview(doc: &Document, offset: usize, max: usize) -> String {
    let Some(id) = doc.block_at(offset) else {
        return String::new();
    };
    let block = doc.block(id);
    let at = block.text.display_at(offset);
    let text = block.text.text.get(at..).unwrap_or_default();
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").chars().take(max).collect()
}

/// One bookmark as the pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub label: String,
    pub preview: String,
    pub offset: usize,
    pub found: bool,
}

/// The open document's notes file and the pane's state over it.
pub struct DocNotes {
    pub key: String,
    pub path: PathBuf,
    pub file: NotesFile,
    /// Set when the file on disk could not be read (it is kept aside on the
    /// next save).
    pub problem: Option<String>,
    /// Ids whose passage could not be found in the current text.
    pub not_found: Vec<String>,
    pub selected: usize,
    /// The last deleted bookmark, for undo.
    pub undo: Option<Bookmark>,
    /// Rendered text at each bookmark, by id (see [`DocNotes::reanchor`]).
    previews: std::collections::HashMap<String, String>,
}

impl DocNotes {
    pub fn new(key: String, path: PathBuf, file: NotesFile) -> DocNotes {
        DocNotes {
            key,
            path,
            file,
            problem: None,
            not_found: Vec::new(),
            selected: 0,
            undo: None,
            previews: std::collections::HashMap::new(),
        }
    }

    /// Re-anchors every bookmark against the current text; moved ones take
    /// their new offset (saved with the next change), lost ones are kept.
    /// Returns whether anything moved.
    pub fn reanchor(&mut self, doc: &Document) -> bool {
        let mut moved = false;
        self.not_found.clear();
        self.previews.clear();
        for b in &mut self.file.bookmarks {
            match place(doc, &b.anchor) {
                Placement::Exact => {}
                Placement::Moved(at) => {
                    b.anchor.offset = at;
                    moved = true;
                }
                Placement::NotFound => self.not_found.push(b.id.clone()),
            }
            self.previews
                .insert(b.id.clone(), preview(doc, b.anchor.offset, PREVIEW_CHARS));
        }
        self.sort();
        moved
    }

    pub fn sort(&mut self) {
        self.file.bookmarks.sort_by(|a, b| {
            a.anchor
                .offset
                .cmp(&b.anchor.offset)
                .then_with(|| a.id.cmp(&b.id))
        });
    }

    pub fn items(&self) -> Vec<Item> {
        self.file
            .bookmarks
            .iter()
            .map(|b| Item {
                id: b.id.clone(),
                label: b.label.clone(),
                preview: self
                    .previews
                    .get(&b.id)
                    .cloned()
                    .unwrap_or_else(|| b.anchor.exact.clone()),
                offset: b.anchor.offset,
                found: !self.not_found.contains(&b.id),
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.file.bookmarks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.file.bookmarks.is_empty()
    }

    /// Adds a bookmark, selects it, returns its index.
    pub fn add(&mut self, b: Bookmark, doc: &Document) -> usize {
        let id = b.id.clone();
        self.previews
            .insert(id.clone(), preview(doc, b.anchor.offset, PREVIEW_CHARS));
        self.file.bookmarks.push(b);
        self.sort();
        let i = self
            .file
            .bookmarks
            .iter()
            .position(|x| x.id == id)
            .unwrap_or(0);
        self.selected = i;
        i
    }

    /// Deletes the selected bookmark, leaving a tombstone so a merge with
    /// another instance's copy does not bring it back.
    pub fn delete_selected(&mut self) -> Option<Bookmark> {
        if self.selected >= self.file.bookmarks.len() {
            return None;
        }
        let b = self.file.bookmarks.remove(self.selected);
        self.file.deleted.push(b.id.clone());
        self.selected = self
            .selected
            .min(self.file.bookmarks.len().saturating_sub(1));
        self.undo = Some(b.clone());
        Some(b)
    }

    /// Offsets of all bookmarks, sorted (for the reader's margin marks).
    pub fn offsets(&self) -> Vec<usize> {
        self.file
            .bookmarks
            .iter()
            .map(|b| b.anchor.offset)
            .collect()
    }

    /// Takes a freshly merged file from disk, keeping the selection on the
    /// same bookmark.
    pub fn replace_file(&mut self, file: NotesFile, doc: Option<&Document>) {
        let sel_id = self.file.bookmarks.get(self.selected).map(|b| b.id.clone());
        self.file = file;
        match doc {
            Some(d) => {
                self.reanchor(d);
            }
            None => self.sort(),
        }
        if let Some(id) = sel_id
            && let Some(i) = self.file.bookmarks.iter().position(|b| b.id == id)
        {
            self.selected = i;
        }
        self.selected = self
            .selected
            .min(self.file.bookmarks.len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    fn doc(s: &str) -> Document {
        Document::from_bytes(s.as_bytes().to_vec(), Format::Text).expect("loads")
    }

    #[test]
    fn anchor_quotes_the_passage_with_context() {
        let d = doc("Before the passage. The passage itself is here.\nNext line.\n");
        let at = 20;
        let a = make_anchor(&d, at);
        assert!(a.exact.starts_with("The passage itself"), "{:?}", a.exact);
        assert!(!a.exact.contains('\n'));
        assert_eq!(a.prefix, "Before the passage. ");
        assert_eq!(place(&d, &a), Placement::Exact);
    }

    #[test]
    fn a1_edited_text_moves_the_anchor_to_its_words() {
        let d = doc("Alpha beta gamma.\nThe quoted words live here.\nOmega.\n");
        let a = make_anchor(&d, 18);
        let edited =
            doc("A new first line.\nAlpha beta gamma.\nThe quoted words live here.\nOmega.\n");
        let Placement::Moved(at) = place(&edited, &a) else {
            panic!("not moved");
        };
        assert_eq!(&edited.excerpt(at, at + 10), "The quoted");
        let gone = doc("Something else entirely.\n");
        assert_eq!(place(&gone, &a), Placement::NotFound);
    }

    #[test]
    fn a3_crlf_to_lf_keeps_the_anchor() {
        let d = doc("one\r\ntwo words here\r\nthree\r\n");
        let a = make_anchor(&d, 5);
        let lf = doc("one\ntwo words here\nthree\n");
        let Placement::Moved(at) = place(&lf, &a) else {
            panic!("not found after CRLF→LF");
        };
        assert_eq!(at, 4);
    }
}
