//! The I/O behind the effects, as plain functions: open a document, load
//! and adopt its notes, save notes and state, write a study sheet, search a
//! document, search everywhere, build an outline. Each returns (or sends)
//! the [`Msg`] that reports its result. The run loop calls them on its own
//! thread or on a worker ([`super::workers`]); the test harness calls the
//! very same functions, so what the tests drive is what users run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::app::{self, ExportDoc, Msg, NotesLoad, OtherNotes};
use crate::library::{self, Entry};
use crate::search;
use crate::storage::{self, DataDir, LoadOutcome, StateFile, Store};
use crate::study::export_links::{self, DocLinks};
use crate::study::{anchor, export, review};
use crate::text::document::{self, Document, Format};
use crate::text::outline;
use crate::text::richtext::RichText;

/// Files above this size open from their first [`HEAD_BYTES`] while the
/// rest is read: reading 50 MB takes tens of milliseconds.
const PROGRESSIVE_BYTES: u64 = 8 << 20;
const HEAD_BYTES: usize = 1 << 20;

/// Documents above this size are not fingerprinted to find notes left
/// under an old name: hashing them would delay opening.
const ADOPT_MAX_BYTES: usize = 16 << 20;

/// Results shown per document in a search across the library.
const FIND_PER_DOCUMENT: usize = 50;

/// Opens library entry `index` whole: the document and its notes.
pub fn open(index: usize, entry: &Entry, data: &DataDir, store: &Store<impl storage::Fs>) -> Msg {
    let result = library::load(&entry.source, entry.format).map(Box::new);
    let notes = result
        .as_ref()
        .ok()
        .map(|doc| load_doc_notes(data, store, entry, doc));
    log_open(entry, &result, notes.as_ref(), false);
    Msg::Opened {
        index,
        result,
        notes,
        partial: false,
        window: None,
    }
}

/// Opens a big file from its first part, when it is big enough for that:
/// the message to show at once. The part reaches a screenful's worth past
/// the saved position (`saved`), so a reopened file shows its place at
/// once; a position too far in for that opens from a window of the text
/// around it instead ([`open_window`]). The whole follows from
/// [`read_whole`].
pub fn open_head(
    index: usize,
    entry: &Entry,
    data: &DataDir,
    store: &Store<impl storage::Fs>,
    saved: Option<&storage::Anchor>,
) -> Option<Msg> {
    let library::Source::File(path) = &entry.source else {
        return None;
    };
    let at = saved.map(|a| a.offset);
    let (result, window) = match read_head(path, entry.format, at)? {
        Head::Prefix(head) => (Document::from_bytes(head, entry.format).map(Box::new), None),
        Head::Window { bytes, start } => {
            let saved = saved?;
            let (doc, start) = match open_window(bytes, start, saved) {
                Ok(found) => found,
                // Not in the near window: the wide one, placed as before.
                Err(_) => open_wide_window(path, saved)?,
            };
            (Ok(doc), Some(start))
        }
    };
    let notes = result
        .as_ref()
        .ok()
        .map(|_| load_doc_notes_only(data, store, entry));
    log_open(entry, &result, notes.as_ref(), true);
    Some(Msg::Opened {
        index,
        result,
        notes,
        partial: true,
        window,
    })
}

/// [`WIDE`] windows around `saved`, when the [`NEAR`] one missed it: one
/// at the saved offset; where it is not, the text before it decodes
/// longer than its bytes (invalid bytes become marks), so the position is
/// further back in the file: once more, where that window's own ratio of
/// text to bytes puts it.
fn open_wide_window(path: &Path, saved: &storage::Anchor) -> Option<(Box<Document>, usize)> {
    let Head::Window { bytes, start } = read_window(path, saved.offset, WIDE)? else {
        return None;
    };
    match open_window(bytes, start, saved) {
        Ok(found) => Some(found),
        Err(Some((bytes, text))) if text > bytes => {
            let guess = (saved.offset as u128 * bytes as u128 / text as u128) as usize;
            let Head::Window { bytes, start } = read_window(path, guess, WIDE)? else {
                return None;
            };
            open_window(bytes, start, saved).ok()
        }
        Err(_) => None,
    }
}

/// A window of a big plain text around a saved position far into it:
/// the window's document and where in the whole its first byte sits,
/// found by placing the saved passage in the window (decoding may make
/// the text longer than the file's bytes, so the file's offset is only
/// a guess). When the passage is not in the window: the window's length
/// in bytes and as text, if it could be decoded.
fn open_window(
    bytes: Vec<u8>,
    file_start: usize,
    saved: &storage::Anchor,
) -> Result<(Box<Document>, usize), Missed> {
    let raw_len = bytes.len();
    let doc = Document::from_bytes(bytes, Format::Text).map_err(|_| None)?;
    let mut probe = saved.clone();
    probe.offset = saved.offset.saturating_sub(file_start).min(doc.len());
    let within = match anchor::place(&doc, &probe) {
        anchor::Placement::Exact => probe.offset,
        anchor::Placement::Moved { at, .. } | anchor::Placement::Changed { at, .. } => at,
        _ => return Err(Some((raw_len, doc.len()))),
    };
    let start = saved.offset.checked_sub(within).ok_or(None)?;
    Ok((Box::new(doc), start))
}

/// How much derived text an EPUB's or PDF's first part holds beyond the
/// saved position: a few screens (a screen is ~4 KB), converted in
/// milliseconds, so motion keys have room while the rest converts.
const FIRST_PART_BYTES: usize = 16 << 10;

/// Opens an EPUB or PDF in steps: the first chapters or pages (reaching
/// a few screens past the saved position `at`, so a reopened book shows
/// its place at once) are sent as soon as they are converted, then the
/// whole. The first part is a prefix of the whole, so what the screen
/// shows does not move when the rest arrives. A book converted in the
/// first step is sent whole, with notes adopted as [`open`] does.
pub fn open_in_steps(
    index: usize,
    entry: &Entry,
    data: &DataDir,
    store: &Store,
    at: Option<usize>,
    send: impl Fn(Msg) -> bool,
) {
    let failed = |e: document::DocError| {
        let result = Err(e);
        log_open(entry, &result, None, false);
        send(Msg::Opened {
            index,
            result,
            notes: None,
            partial: false,
            window: None,
        });
    };
    let steps = library::read_source(&entry.source).and_then(|bytes| {
        crate::text::convert::Steps::new(bytes, entry.format)
            .unwrap_or(Err(document::DocError::Io("not a book or PDF".into())))
    });
    let mut steps = match steps {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let want = at.unwrap_or(0).saturating_add(FIRST_PART_BYTES);
    if let Err(e) = steps.advance_to(want) {
        return failed(e);
    }
    if steps.done() || steps.text().is_empty() {
        let result = steps.finish().map(|t| Box::new(document::converted(t)));
        let notes = result
            .as_ref()
            .ok()
            .map(|doc| load_doc_notes(data, store, entry, doc));
        log_open(entry, &result, notes.as_ref(), false);
        send(Msg::Opened {
            index,
            result,
            notes,
            partial: false,
            window: None,
        });
        return;
    }
    let result = Ok(Box::new(document::converted(steps.text().to_string())));
    let notes = Some(load_doc_notes_only(data, store, entry));
    log_open(entry, &result, notes.as_ref(), true);
    if !send(Msg::Opened {
        index,
        result,
        notes,
        partial: true,
        window: None,
    }) {
        return;
    }
    let result = steps.finish().map(|t| Box::new(document::converted(t)));
    if let Err(e) = &result {
        tracing::warn!(document = ?entry.key, error = ?e.to_string(), "cannot convert the rest");
    }
    send(Msg::Completed { index, result });
}

/// What opening a document found, for the log.
fn log_open(
    entry: &Entry,
    result: &Result<Box<Document>, document::DocError>,
    notes: Option<&NotesLoad>,
    partial: bool,
) {
    match (result, notes) {
        (Err(e), _) => tracing::warn!(document = ?entry.key, error = ?e.to_string(), "cannot open"),
        (Ok(doc), Some(n)) => tracing::info!(
            document = ?entry.key,
            bytes = doc.len(),
            partial,
            notes_file = ?n.path,
            entries = n.file.as_ref().map_or(0, |f| f.entry_count()),
            problem = ?n.problem,
            adopted_from = ?n.adopted_from,
            "opened"
        ),
        (Ok(doc), None) => {
            tracing::info!(document = ?entry.key, bytes = doc.len(), partial, "opened")
        }
    }
}

/// Places a document's entries in its text (see [`Msg::NotesPlaced`]).
pub fn place_notes(
    key: String,
    doc: Arc<Document>,
    anchors: Vec<(String, storage::Anchor)>,
) -> Msg {
    let placed = anchor::place_all(&doc, anchors);
    Msg::NotesPlaced { key, doc, placed }
}

/// The whole of a big file whose head [`open_head`] showed.
pub fn read_whole(index: usize, path: &Path, format: Format) -> Msg {
    let result = Document::open(path, format).map(Box::new);
    Msg::Completed { index, result }
}

/// Saves one document's notes. When they cannot go where they belong, a
/// copy goes to the temporary folder (`fallback`) and the error says where;
/// a copy waiting there comes home with the next save that works. Once
/// saved under a new name (the document was renamed), the old file is
/// retired.
pub fn save_notes(
    store: &Store<impl storage::Fs>,
    fallback: &storage::Fallback,
    key: String,
    path: &Path,
    file: &storage::NotesFile,
    retire: Option<PathBuf>,
    generation: u64,
) -> Msg {
    let result = store
        .save_notes_or_fallback(fallback, path, file)
        .map(|saved| (saved.file, saved.moved_aside));
    match &result {
        Ok((saved, moved_aside)) => tracing::info!(
            path = ?path,
            entries = saved.entry_count(),
            moved_aside = ?moved_aside,
            "notes saved"
        ),
        Err(e) => {
            tracing::error!(path = ?path, entries = file.entry_count(), fallback = ?e.fallback, error = ?e.message, "notes not saved")
        }
    }
    if let (Ok(_), Some(old)) = (&result, retire) {
        // Saved under the new name: the old file's notes are all in the new
        // one (they were loaded from it).
        if old != path {
            let _ = std::fs::remove_file(&old);
            let mut lock = old.into_os_string();
            lock.push(".lock");
            let _ = std::fs::remove_file(lock);
        }
    }
    Msg::NotesSaved {
        key,
        generation,
        result,
    }
}

/// Writes notes that could not be saved where they belong (and the
/// reading state, when given) to the file the user named on quitting.
pub fn write_unsaved(
    store: &Store<impl storage::Fs>,
    path: PathBuf,
    unsaved: storage::Unsaved<'_>,
    reviews: &[review::Review],
    now: &str,
) -> Msg {
    let path = std::path::absolute(&path).unwrap_or(path);
    let mut result = store
        .write_unsaved(&path, now, unsaved)
        .map(|()| path.clone())
        .map_err(|e| e.to_string());
    if result.is_ok() && !reviews.is_empty() {
        // Ratings the review log would not take: a log of their own beside
        // the file, whose records can be added to review-log.toml.
        let mut beside = path.clone().into_os_string();
        beside.push(".review-log.toml");
        let log = review::ReviewLog {
            schema_version: storage::SCHEMA_VERSION,
            reviews: reviews.to_vec(),
            extra: toml::Table::new(),
        };
        let beside = PathBuf::from(beside);
        result = store
            .write_file(&beside, review::log::to_toml(&log).as_bytes())
            .map(|()| path)
            .map_err(|e| format!("{}: {e}", beside.display()));
    }
    tracing::info!(result = ?result, "unsaved notes written on quit");
    Msg::UnsavedWritten(result)
}

/// Puts back the newest good backup of an unreadable notes file.
pub fn restore_backup(store: &Store<impl storage::Fs>, key: String, path: &Path) -> Msg {
    let result = match store.restore_notes_backup(path) {
        Ok(Some(restored)) => Ok(restored),
        Ok(None) => Err("no good backup of this notes file was found".to_string()),
        Err(e) => Err(e.to_string()),
    };
    tracing::info!(path = ?path, ok = result.is_ok(), "notes backup restored");
    Msg::BackupRestored { key, result }
}

/// Saves the reading state. When it cannot go where it belongs, a copy
/// goes to the temporary folder (`fallback`), as notes do; a copy waiting
/// there comes home with the next save that works.
pub fn save_state(
    store: &Store<impl storage::Fs>,
    fallback: &storage::Fallback,
    data: &DataDir,
    state: &StateFile,
) -> Msg {
    let result = store
        .save_state_or_fallback(fallback, &data.state_path(), state)
        .map(|_| ());
    match &result {
        Ok(()) => tracing::debug!(path = ?data.state_path(), "state saved"),
        Err(e) => {
            tracing::error!(fallback = ?e.fallback, error = ?e.message, "state not saved")
        }
    }
    Msg::StateSaved(result)
}

/// Saves the lecture sessions (merged with what other windows saved);
/// when that fails, a copy goes to the temporary folder, as for notes.
pub fn save_sessions(
    store: &Store<impl storage::Fs>,
    fallback: &storage::Fallback,
    data: &DataDir,
    file: &storage::SessionsFile,
) -> Msg {
    let path = data.sessions_path();
    let result = store
        .save_sessions_or_fallback(fallback, &path, file)
        .map(|saved| (saved.file, saved.moved_aside));
    match &result {
        Ok((saved, aside)) => {
            tracing::debug!(path = ?path, sessions = saved.sessions.len(), moved_aside = ?aside, "sessions saved");
        }
        Err(e) => {
            tracing::error!(fallback = ?e.fallback, error = ?e.message, "sessions not saved")
        }
    }
    Msg::SessionsSaved(result)
}

/// A study sheet of `docs` named after `name`, with what they were
/// narrowed to (`selection`) said at its top, written to the exports
/// folder.
pub fn export_sheet(
    store: &Store<impl storage::Fs>,
    data: &DataDir,
    (docs, name, selection): (&[ExportDoc], &str, Option<&str>),
    now: &str,
) -> Msg {
    let pages: Vec<Vec<(usize, u32)>> = docs.iter().map(|d| pdf_pages(&d.key)).collect();
    let sheets: Vec<export::Sheet> = docs
        .iter()
        .zip(&pages)
        .map(|(d, pages)| export::Sheet {
            title: &d.title,
            document: &d.key,
            file: &d.file,
            pages,
        })
        .collect();
    // Sheets go in the exports folder: links are relative to it.
    // (The folder may not exist yet: canonicalise the data folder.)
    let base = std::fs::canonicalize(&data.root)
        .map(|r| r.join("exports"))
        .unwrap_or_else(|_| data.exports_dir());
    let links: Vec<DocLinks> = docs
        .iter()
        .map(|d| doc_links(&d.key, &d.file, Some(&base)))
        .collect();
    let opts = export::SheetOptions {
        links: &links,
        selection: selection.map(str::to_string),
        ..Default::default()
    };
    let text = export::markdown_with(&sheets, &opts, now);
    let date = now.get(..10).unwrap_or("undated");
    let path = export::sheet_path(&data.exports_dir(), name, date);
    let result = store
        .write_file(&path, text.as_bytes())
        .map(|()| path)
        .map_err(|e| e.to_string());
    match &result {
        Ok(p) => tracing::info!(path = ?p, documents = docs.len(), "study sheet written"),
        Err(e) => tracing::error!(error = ?e.to_string(), "study sheet not written"),
    }
    Msg::Exported(result)
}

/// Where the pages of the PDF at `key` start (for "p. 12" in a study
/// sheet); empty for any other document, or one that cannot be read now.
/// A study sheet is written rarely: converting the PDF again is fine.
pub fn pdf_pages(key: &str) -> Vec<(usize, u32)> {
    let path = Path::new(key);
    if Format::from_path(path) != Format::Pdf {
        return Vec::new();
    }
    document::read_file(path)
        .and_then(|b| Document::from_bytes(b, Format::Pdf))
        .map(|doc| crate::text::convert::pdf::pages(doc.source()))
        .unwrap_or_default()
}

/// Links from a study sheet to the document at `key` and its entries'
/// lines (see `study::export_links`), relative to `base` when the sheet
/// is written there. Lines are given for Markdown and plain text, read
/// now; a document that cannot be read gets a link without lines.
pub fn doc_links(key: &str, file: &storage::NotesFile, base: Option<&Path>) -> DocLinks {
    let path = Path::new(key);
    let mut links = export_links::doc_links(path, base);
    if links.url.is_none() {
        return links;
    }
    let format = Format::from_path(path);
    if matches!(format, Format::Markdown | Format::Text)
        && let Ok(bytes) = document::read_file(path)
        && let Ok((decoded, _)) = crate::text::decode::decode(bytes)
        && let Ok(doc) = Document::from_bytes(decoded.clone().into_bytes(), format)
    {
        links.lines = export_links::line_numbers(&doc, decoded.as_bytes(), file);
    }
    links
}

/// The headings of `doc`.
pub fn outline(doc: Arc<Document>) -> Msg {
    let never = AtomicBool::new(false);
    let headings = outline::outline(&doc, &never).unwrap_or_default();
    Msg::Outline { doc, headings }
}

/// Searches `doc`, sending hits in batches as they are found and a last,
/// `done` message; stops when `cancel` is raised or `send` fails.
pub fn search(
    generation: u64,
    query: &search::Query,
    doc: &Document,
    cancel: &AtomicBool,
    mut send: impl FnMut(Msg) -> bool,
) {
    let matcher = match search::matcher(query) {
        Ok(m) => m,
        Err(error) => {
            send(Msg::SearchFailed { generation, error });
            return;
        }
    };
    let result = search::search_document(doc, &matcher, cancel, |batch| {
        send(Msg::SearchHits {
            generation,
            hits: batch.to_vec(),
            done: false,
        });
    });
    if result.is_ok() {
        send(Msg::SearchHits {
            generation,
            hits: Vec::new(),
            done: true,
        });
    }
}

/// Reads what [`find_all`] looks in, into `docs`, for the searches to
/// come: the documents from the last (the search starts with the first,
/// so the two meet halfway rather than read the same ones), then the
/// notes files. Stops when `cancel` is raised.
pub fn prepare_find(
    targets: &[app::FindTarget],
    (data, docs): (&DataDir, &super::find_cache::FindCache),
    cancel: &AtomicBool,
) {
    use std::sync::atomic::Ordering;
    for t in targets.iter().rev() {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = docs.document(&t.key, &t.source, t.format) {
            tracing::warn!(document = ?t.key, error = ?e.to_string(), "find everywhere: cannot read");
        }
    }
    let store = Store::new();
    for path in notes_paths(data) {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        docs.notes(&path, &store);
    }
}

/// Searches every library document (read through `docs`, which keeps
/// them for the next letter typed), then every note, sending each
/// document's results as soon as it is done and a last, `done` message.
pub fn find_all(
    generation: u64,
    query: &search::Query,
    targets: &[app::FindTarget],
    (data, docs): (&DataDir, &super::find_cache::FindCache),
    cancel: &AtomicBool,
    mut send: impl FnMut(Msg) -> bool,
) {
    use std::sync::atomic::Ordering;
    let matcher = match search::matcher(query) {
        Ok(m) => m,
        Err(error) => {
            send(Msg::FindFailed { generation, error });
            return;
        }
    };
    for t in targets {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        let doc = match docs.document(&t.key, &t.source, t.format) {
            Ok(doc) => doc,
            Err(e) => {
                tracing::warn!(document = ?t.key, error = ?e.to_string(), "find everywhere: cannot read");
                continue;
            }
        };
        let Ok(hits) = search::search_document(&doc, &matcher, cancel, |_| {}) else {
            return;
        };
        let mut found: Vec<app::Found> = Vec::new();
        // The text the last row's first match is in, and where.
        let mut last: Option<(Shown, usize)> = None;
        for h in &hits {
            let (shown, text, (s, e), first_cell) = shown_at(&doc, h);
            if let Some(row) = found.last_mut()
                && let Some((was, first)) = last
                && was == shown
                && let Some(at) = also_shown(row, (&text, first), (s, e))
            {
                row.hits.push(at);
                continue;
            }
            if found.len() == FIND_PER_DOCUMENT {
                break;
            }
            let (mut context, mut hit) = line_around(&text, s, e);
            // A table row keeps its first cell, what the row is about, in
            // front of the words before the match wherever they are cut
            // ("Mar 1938 │ …Rykov, Genrikh Yagoda (21 in all)"): here,
            // where the cut fell past the bar after it, and on a narrow
            // row (ui/find.rs) by its length, `lead`.
            let mut lead = 0;
            if first_cell > 0 {
                let head = &text[..first_cell + CELL_BAR.len()];
                if context.as_bytes().starts_with(head) {
                    lead = head.len();
                } else if context.starts_with('…') && s > head.len() + 80 {
                    let head = String::from_utf8_lossy(head);
                    lead = head.len();
                    context = format!("{head}{context}");
                    hit = (hit.0 + lead, hit.1 + lead);
                }
            }
            found.push(app::Found {
                entry: Some(t.entry),
                document: t.title.clone(),
                offset: h.start,
                context,
                hits: vec![hit],
                in_note: false,
                lead,
            });
            last = Some((shown, s));
        }
        if !found.is_empty()
            && !send(Msg::Found {
                generation,
                found,
                matches: hits.len(),
                done: false,
            })
        {
            return;
        }
    }
    let store = Store::new();
    let mut found = Vec::new();
    for path in notes_paths(data) {
        let Some(f) = docs.notes(&path, &store) else {
            continue;
        };
        let target = targets.iter().find(|t| t.key == f.document);
        let document = target.map_or_else(|| f.title.clone(), |t| t.title.clone());
        let mut add = |text: &str, offset: usize| {
            if matcher.is_match(text.as_bytes()) {
                let context: String = text.chars().take(200).collect();
                let hits = matcher
                    .find_all(context.as_bytes())
                    .into_iter()
                    .map(|r| (r.start, r.end))
                    .collect();
                found.push(app::Found {
                    entry: target.map(|t| t.entry),
                    document: document.clone(),
                    offset,
                    context,
                    hits,
                    in_note: true,
                    lead: 0,
                });
            }
        };
        for n in &f.notes {
            add(&n.text, n.anchor.as_ref().map_or(0, |a| a.offset));
        }
        for b in &f.bookmarks {
            add(&b.label, b.anchor.offset);
        }
        for h in &f.highlights {
            add(&h.anchor.exact, h.anchor.offset);
        }
    }
    let matches = found.len();
    send(Msg::Found {
        generation,
        found,
        matches,
        done: true,
    });
}

/// Which text a match shows in: the source, a Markdown block's text, or
/// a row of a table (block, row).
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    Source,
    Block(usize),
    TableRow(usize, usize),
}

/// What goes between a table row's cells where a result shows the row.
const CELL_BAR: &str = " │ ";

/// The text a match shows in, as the reader shows it, where in it, and
/// the length of a table row's first cell when the match is in another
/// (else 0): a Markdown block's text without the marks (`**`, `#`, `>`)
/// its source has; a table's row as its cells are drawn, `│` between
/// them; a plain text's source. Where the shown text cannot be told, the
/// source.
fn shown_at<'d>(
    doc: &'d Document,
    h: &search::Hit,
) -> (Shown, std::borrow::Cow<'d, [u8]>, (usize, usize), usize) {
    use std::borrow::Cow;
    let source = (
        Shown::Source,
        Cow::Borrowed(doc.source()),
        (h.start, h.end),
        0,
    );
    let Some(blocks) = doc.markdown_blocks() else {
        return source;
    };
    let Some(b) = blocks
        .find(h.start)
        .filter(|&b| blocks.src(b).is_some_and(|s| s <= h.start))
    else {
        return source;
    };
    // Where the match is in `t`, when `t` shows it.
    let within = |t: &RichText| {
        let s = t.display_at(h.start);
        let e = t.display_at(h.end).max(s);
        (t.src_at(s) == h.start && s < t.text.len()).then_some((s, e))
    };
    match blocks.table(b) {
        Some(table) => {
            // The row is found by where the rows start in the source (in
            // order): the rows before it are not looked at (a table of
            // thousands of rows searched for a word near its end looked at
            // each, for each result). A row with no text starts where the
            // last row with text before it does. Should the rows around the
            // one found not hold the match, every row is looked at.
            let rows = &table.rows;
            let starts_by = |mut r: usize| loop {
                match crate::text::wrap::row_start(&rows[r]) {
                    Some(start) => break start <= h.start,
                    None if r == 0 => break true,
                    None => r -= 1,
                }
            };
            let (mut lo, mut hi) = (0, rows.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if starts_by(mid) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            let order = (lo.saturating_sub(2)..lo).rev().chain(0..rows.len());
            for r in order {
                let cells = &rows[r];
                if let Some((c, (s, e))) = cells
                    .iter()
                    .enumerate()
                    .find_map(|(c, t)| Some((c, within(t)?)))
                {
                    // The row as the reader draws it, without the padding.
                    let mut row = String::new();
                    let mut at = 0;
                    let mut first = 0;
                    for (i, cell) in cells.iter().enumerate() {
                        if i > 0 {
                            row.push_str(CELL_BAR);
                        }
                        if i == c {
                            at = row.len();
                        }
                        row.push_str(&cell.text.replace('\n', " "));
                        if i == 0 && c > 0 {
                            first = row.len();
                        }
                    }
                    let shift = |x: usize| at + x;
                    return (
                        Shown::TableRow(b, r),
                        Cow::Owned(row.into_bytes()),
                        (shift(s), shift(e)),
                        first,
                    );
                }
            }
            source
        }
        None => {
            let text = blocks.text(b);
            match within(&text) {
                Some(at) => (Shown::Block(b), Cow::Owned(text.text.into_bytes()), at, 0),
                None => source,
            }
        }
    }
}

/// Where the match at `start..end` of a text is in `row`'s line, when the
/// line shows it: `first` is where the row's first match is in that text,
/// and the line's bytes from there to the end of this match are the
/// text's (a later match on the same line, inside the ~80 bytes after the
/// first that the line holds).
fn also_shown(
    row: &app::Found,
    (text, first): (&[u8], usize),
    (start, end): (usize, usize),
) -> Option<(usize, usize)> {
    let &(at, _) = row.hits.first()?;
    let from = at + start.checked_sub(first)?;
    let to = at + end.checked_sub(first)?;
    let line = row.context.as_bytes();
    (to <= line.len() && line.get(at..to) == text.get(first..end)).then_some((from, to))
}

/// The first part of a big file (up to the saved place `at` and a head's
/// worth beyond it), cut after a line break; `None` for a small (or
/// unreadable: the normal path reports why) file, and when the part would
/// hold most of the file anyway (reading it whole costs as much).
fn read_head(path: &Path, format: Format, at: Option<usize>) -> Option<Head> {
    use std::io::Read as _;
    let (above, head_bytes) = format
        .progressive()
        .unwrap_or((PROGRESSIVE_BYTES, HEAD_BYTES));
    let meta = std::fs::metadata(path).ok()?;
    if !format.reads_in_parts()
        || !meta.is_file()
        || meta.len() <= above
        || meta.len() > format.size_limit()
    {
        return None;
    }
    let want = at.map_or(head_bytes, |at| at.saturating_add(head_bytes));
    let mut file = std::fs::File::open(path).ok()?;
    // A plain text's window is exact (its lines are its lines); other
    // formats take a long prefix rather than none up to the general rule.
    let far = if format == Format::Text {
        above
    } else {
        above.max(PROGRESSIVE_BYTES)
    };
    if want as u64 > far {
        // Too far in for a prefix: a window around the position, for
        // plain text only (a window of Markdown or a web page would not
        // parse as its place in the whole does), and not for a file the
        // whole's decoding would transform (UTF-16) or refuse.
        let at = at?;
        if format != Format::Text {
            return None;
        }
        let mut first = Vec::with_capacity(4096);
        (&mut file).take(4096).read_to_end(&mut first).ok()?;
        if crate::text::decode::check_head(&first, meta.len() as usize).ok()? {
            return None;
        }
        return read_window(path, at, NEAR);
    }
    let mut head = Vec::with_capacity(want);
    file.take(want as u64).read_to_end(&mut head).ok()?;
    let cut = memchr::memrchr(b'\n', &head)? + 1;
    head.truncate(cut);
    Some(Head::Prefix(head))
}

/// The whole lines of a file around byte `at`, as far as `reach` says.
fn read_window(path: &Path, at: usize, reach: Reach) -> Option<Head> {
    use std::io::{Read as _, Seek as _};
    let mut file = std::fs::File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let lo = at.saturating_sub(reach.before) as u64;
    file.seek(std::io::SeekFrom::Start(lo)).ok()?;
    let mut bytes = Vec::with_capacity(reach.before + reach.after);
    file.take((reach.before + reach.after) as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    // Whole lines only: from the first line that starts in the window
    // to the last that ends in it.
    let from = if lo == 0 {
        0
    } else {
        memchr::memchr(b'\n', &bytes)? + 1
    };
    let to = if lo + bytes.len() as u64 >= size {
        bytes.len()
    } else {
        memchr::memrchr(b'\n', &bytes)? + 1
    };
    if from >= to {
        return None;
    }
    bytes.truncate(to);
    bytes.drain(..from);
    Some(Head::Window {
        bytes,
        start: lo as usize + from,
    })
}

/// A window that missed the saved passage: its length in bytes and as
/// text, when it could be decoded.
type Missed = Option<(usize, usize)>;

/// The text read before the rest: the file's first part, or a window
/// of it starting at byte `start`.
enum Head {
    Prefix(Vec<u8>),
    Window { bytes: Vec<u8>, start: usize },
}

/// How much of a file a window around a saved position holds: so many
/// bytes before it and after it.
#[derive(Clone, Copy)]
struct Reach {
    before: usize,
    after: usize,
}

/// The window a reopened big text shows first: what the first part of a
/// text opened at its top holds ([`crate::text::format::TEXT_HEAD_BYTES`],
/// some 15 screens), half of it on each side. Everything in it is decoded
/// and measured before the first frame: a window of 768 KiB cost a 3.3 MB
/// book's reopen 3.5M instructions, more than the rest of the start
/// together (callgrind), and the 192 KiB [`WIDE`] one, read first, was
/// 0.8 ms of the 50 MB text's reopen against its first open (about a
/// hundred page faults for the bytes and their text; issue 12). A text
/// that is valid UTF-8, as most are, has its passage at the saved offset:
/// the near window finds it.
const NEAR: Reach = Reach {
    before: crate::text::format::TEXT_HEAD_BYTES / 2,
    after: crate::text::format::TEXT_HEAD_BYTES / 2,
};

/// The window read when the near one missed the passage: room for the
/// decoded text running ahead of the file's bytes (when it ran further,
/// the window is read again where the text's own ratio puts the place).
const WIDE: Reach = Reach {
    before: 128 << 10,
    after: 64 << 10,
};

/// Notes files above this size are read after the text is shown, on a
/// worker (issue 12): a 30 MB file of 64,595 notes kept the first frame
/// waiting a second. Smaller ones (a few thousand notes) are read at once,
/// so the pane never says "loading" for the common case.
const DEFER_NOTES_BYTES: u64 = 1 << 20;

/// `path`'s size when it is a notes file big enough to read later.
fn deferred_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .filter(|&n| n > DEFER_NOTES_BYTES)
}

/// A notes file left to read later ([`NotesLoad::deferred`]).
fn deferred_load(path: PathBuf, bytes: u64) -> NotesLoad {
    NotesLoad {
        path,
        file: None,
        problem: None,
        adopted_from: None,
        deferred: Some(bytes),
    }
}

/// Reads a notes file left for later when its document opened.
pub fn load_notes_later(store: &Store<impl storage::Fs>, key: String, path: PathBuf) -> Msg {
    let (file, problem) = match store.load_notes(&path) {
        LoadOutcome::Loaded(f) => (Some(f), None),
        LoadOutcome::Unreadable { problem } => (None, Some(problem)),
        LoadOutcome::Missing => (None, None),
    };
    tracing::info!(
        path = ?path,
        entries = file.as_ref().map_or(0, |f| f.entry_count()),
        problem = ?problem,
        "big notes file read after the text was shown"
    );
    Msg::NotesLoaded {
        key,
        load: NotesLoad {
            path,
            file,
            problem,
            adopted_from: None,
            deferred: None,
        },
    }
}

/// The notes file alone (no fingerprint search: the text is not all read).
fn load_doc_notes_only(
    data: &DataDir,
    store: &Store<impl storage::Fs>,
    entry: &Entry,
) -> NotesLoad {
    let path = data.notes_path(&entry.key, &entry.name);
    if let Some(bytes) = deferred_size(&path) {
        return deferred_load(path, bytes);
    }
    let (file, problem) = match store.load_notes(&path) {
        LoadOutcome::Loaded(f) => (Some(f), None),
        LoadOutcome::Unreadable { problem } => (None, Some(problem)),
        LoadOutcome::Missing => (None, None),
    };
    NotesLoad {
        path,
        file,
        problem,
        adopted_from: None,
        deferred: None,
    }
}

/// The notes file of a document being opened. When it has none, notes
/// saved for the same text under another name (the document was moved or
/// renamed, and the old path is gone) are adopted.
pub fn load_doc_notes(
    data: &DataDir,
    store: &Store<impl storage::Fs>,
    entry: &Entry,
    doc: &Document,
) -> NotesLoad {
    let path = data.notes_path(&entry.key, &entry.name);
    if let Some(bytes) = deferred_size(&path) {
        return deferred_load(path, bytes);
    }
    let mut load = NotesLoad {
        path,
        file: None,
        problem: None,
        adopted_from: None,
        deferred: None,
    };
    match store.load_notes(&load.path) {
        LoadOutcome::Loaded(f) => load.file = Some(f),
        LoadOutcome::Unreadable { problem } => load.problem = Some(problem),
        LoadOutcome::Missing if doc.len() <= ADOPT_MAX_BYTES => {
            // The fingerprint hashes the whole text (milliseconds for a
            // book, before the first frame): only when some notes file
            // belongs to a document that is gone.
            let mut fp = None;
            for old_path in notes_paths(data) {
                // What each file is for, from its top keys (a file loaded
                // whole only when they cannot tell, or it is adopted).
                let Some((document, fingerprint)) =
                    store
                        .notes_owner(&old_path)
                        .or_else(|| match store.load_notes(&old_path) {
                            LoadOutcome::Loaded(f) => Some((f.document, f.fingerprint)),
                            _ => None,
                        })
                else {
                    continue;
                };
                let gone = !entry.key.starts_with("bundled:")
                    && document != entry.key
                    && !Path::new(&document).exists();
                if !gone || fingerprint != *fp.get_or_insert_with(|| anchor::fingerprint(doc)) {
                    continue;
                }
                if let LoadOutcome::Loaded(mut f) = store.load_notes(&old_path) {
                    tracing::info!(
                        document = ?entry.key,
                        from = ?old_path,
                        "notes of a moved or renamed document adopted by fingerprint"
                    );
                    f.document.clone_from(&entry.key);
                    f.title = entry.display_title().to_string();
                    load.file = Some(f);
                    load.adopted_from = Some(old_path);
                    break;
                }
            }
        }
        LoadOutcome::Missing => {}
    }
    load
}

/// Every readable notes file in the data folder.
pub fn notes_files(
    data: &DataDir,
    store: &Store<impl storage::Fs>,
) -> Vec<(PathBuf, storage::NotesFile)> {
    notes_paths(data)
        .into_iter()
        .filter_map(|p| match store.load_notes(&p) {
            LoadOutcome::Loaded(f) => Some((p, f)),
            _ => None,
        })
        .collect()
}

/// The notes files in the data folder, sorted (read none of them).
fn notes_paths(data: &DataDir) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(data.notes_dir()) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && !storage::is_beside_newer(p))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    paths
}

/// The notes of every document, for the all-documents list: library
/// documents by their title, others (moved or deleted) by their old title.
/// `progress(done, total)` hears how many of the notes files are read
/// (about a hundred times at most); when it answers false the list is
/// abandoned and `None` returned.
pub fn load_all_notes(
    data: &DataDir,
    store: &Store<impl storage::Fs>,
    entries: &[Entry],
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<Vec<OtherNotes>> {
    let paths = notes_paths(data);
    let total = paths.len();
    let step = (total / 100).max(1);
    if !progress(0, total) {
        return None;
    }
    let mut out = Vec::new();
    for (i, path) in paths.into_iter().enumerate() {
        // Files are kept only when they hold entries: memory follows the
        // notes, not the number of files.
        if let LoadOutcome::Loaded(file) = store.load_notes(&path)
            && file.entry_count() > 0
        {
            out.push(other_notes(entries, file));
        }
        let done = i + 1;
        if (done % step == 0 || done == total) && !progress(done, total) {
            return None;
        }
    }
    // Library order first, then documents no longer in the library.
    out.sort_by_key(|o| (o.entry.is_none(), o.entry, o.title.clone()));
    Some(out)
}

/// A notes file as a row group of the all-documents list.
fn other_notes(entries: &[Entry], file: storage::NotesFile) -> OtherNotes {
    let entry = entries.iter().position(|e| e.key == file.document);
    let title = entry
        .and_then(|i| entries.get(i))
        .map(|e| e.display_title().to_string())
        .unwrap_or_else(|| {
            if file.title.is_empty() {
                file.document.clone()
            } else {
                file.title.clone()
            }
        });
    OtherNotes {
        key: file.document.clone(),
        title,
        entry,
        file,
    }
}

/// The review's deck (issue 14): every notes file's cards, scheduled by
/// the review log, and which are due at `now` (unix seconds), in order.
/// Records of the log that could not be read are skipped and described;
/// a log that cannot be read at all is an error (and is left untouched).
///
/// The notes files (the cards) and the log (the schedule) are independent
/// until the end, so they are read side by side: with 10,000 cards and
/// 100,000 answers each takes tens of milliseconds (`benches/review.rs`).
pub fn prepare_review(
    data: &DataDir,
    store: &Store<impl storage::Fs + Sync>,
    now: i64,
) -> Result<app::Prepared, String> {
    let path = review::log::log_path(data);
    let (cards, schedule) = std::thread::scope(|scope| {
        let log = scope.spawn(|| {
            review::log::load(&path)
                .map(|loaded| {
                    let schedule = review::Schedule::replay(&loaded.log.reviews);
                    (schedule, loaded.log.reviews.len(), loaded.problems)
                })
                .map_err(|e| e.to_string())
        });
        // One notes file at a time: each is dropped once its cards are
        // made (all of them at once held every file of the data folder).
        let cards: Vec<review::Card> = notes_paths(data)
            .iter()
            .filter_map(|p| match store.load_notes(p) {
                LoadOutcome::Loaded(f) => Some(review::cards_of(&f)),
                _ => None,
            })
            .flatten()
            .collect();
        let schedule = log
            .join()
            .unwrap_or_else(|_| Err("reading the review log failed".to_string()));
        (cards, schedule)
    });
    let (schedule, reviews, problems) = schedule?;
    let deck = review::Deck { cards, schedule };
    let due = deck.due_order(now);
    tracing::info!(
        cards = deck.cards.len(),
        reviews,
        due = due.len(),
        "review deck built"
    );
    Ok(app::Prepared {
        deck,
        due,
        problems,
    })
}

/// How many cards are due at `now` per document key, for the Library
/// (documents with none are left out); empty when the log cannot be read.
pub fn due_counts(
    data: &DataDir,
    store: &Store<impl storage::Fs + Sync>,
    now: i64,
) -> app::DueCounts {
    match prepare_review(data, store, now) {
        Ok(p) => {
            let (per, _) = p.deck.due_counts(now);
            per.into_iter()
                .map(|(k, c)| (k.to_string(), c.total()))
                .filter(|(_, n)| *n > 0)
                .collect()
        }
        Err(e) => {
            tracing::warn!(error = ?e, "due counts: the review log cannot be read");
            app::DueCounts::new()
        }
    }
}

/// Appends one answer to the review log (a fresh review id is given to
/// one that has none), durably: see [`review::log::append`].
pub fn append_review(data: &DataDir, mut record: review::Review) -> Msg {
    if record.id.is_empty() {
        record.id = review::log::new_review_id();
    }
    let result =
        review::log::append(&review::log::log_path(data), &record).map_err(|e| e.to_string());
    match &result {
        Ok(()) => tracing::info!(card = ?record.card, rating = record.rating, "review recorded"),
        Err(e) => tracing::error!(card = ?record.card, error = ?e, "review not recorded"),
    }
    Msg::ReviewSaved {
        review: record,
        result,
    }
}

/// The line holding a match, at most ~160 bytes around it (for context),
/// and where the match is in it (bytes, between characters).
pub fn line_around(src: &[u8], start: usize, end: usize) -> (String, (usize, usize)) {
    // Cut between characters: a cut inside one showed as `�` (and a
    // terminal may give it no column, moving the rest of the row).
    let inside = |i: usize| src.get(i).is_some_and(|b| b & 0xC0 == 0x80);
    let (start, end) = (start.min(src.len()), end.min(src.len()));
    let mut lo = start.saturating_sub(80);
    while lo < start && inside(lo) {
        lo += 1;
    }
    let mut hi = (end + 80).min(src.len());
    while hi > end && inside(hi) {
        hi -= 1;
    }
    let s = memchr::memrchr2(b'\n', b'\r', &src[lo..start]).map_or(lo, |i| lo + i + 1);
    let e = memchr::memchr2(b'\n', b'\r', &src[end.min(hi)..hi]).map_or(hi, |i| end + i);
    // The match and the text either side of it, each made text on its
    // own, so that where the match is in the line is known.
    let lossy = |a: usize, b: usize| String::from_utf8_lossy(&src[a..b.max(a)]).into_owned();
    let before = lossy(s, start);
    let hit = lossy(start, end.max(start));
    let after = lossy(end.max(start), e);
    let (before, after) = (before.trim_start(), after.trim_end());
    let prefix = if s > lo || lo == 0 { "" } else { "…" };
    let suffix = if e < hi || hi == src.len() { "" } else { "…" };
    let at = prefix.len() + before.len();
    (
        format!("{prefix}{before}{hit}{after}{suffix}"),
        (at, at + hit.len()),
    )
}
#[cfg(test)]
mod tests {
    use super::*;

    /// The context of a match is cut between characters wherever the
    /// ~80 bytes either side of it end.
    #[test]
    fn a_matchs_line_is_cut_between_characters() {
        for pad in ["", "a", "ab"] {
            let text = format!("ﾊﾞﾋﾞﾌﾞ 漢字かな e\u{301}te\u{301} {pad}").repeat(12);
            let src = text.as_bytes();
            for (start, c) in text.char_indices() {
                let end = start + c.len_utf8();
                let (line, (a, b)) = line_around(src, start, end);
                assert!(!line.contains('\u{FFFD}'), "{start}: {line:?}");
                assert_eq!(&line[a..b], &text[start..end], "{start}: {line:?}");
            }
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
        // Sparse: no disk space used, and nothing is read. Plain text is
        // mapped up to its own limit; other files are copied, up to theirs.
        for (name, limit) in [
            ("huge.txt", document::MAX_MAPPED_SIZE),
            ("huge.md", document::MAX_FILE_SIZE),
        ] {
            let path = dir.path().join(name);
            let f = std::fs::File::create(&path).expect("create");
            f.set_len(limit + 1).expect("set_len");
            let entry = library::file_entry(&path, name.into());
            let store = Store::new();
            assert!(open_head(0, &entry, &data, &store, None).is_none());
            let Msg::Opened { result, .. } = open(0, &entry, &data, &store) else {
                panic!("open answers Opened");
            };
            assert!(
                matches!(result, Err(document::DocError::TooLarge(_))),
                "{name}"
            );
        }
    }

    /// A position far into a big text opens from a window around it whose
    /// start, added to an offset in the window, is that offset in the
    /// whole, even with invalid bytes before it (decoded as longer marks,
    /// so the file's offsets and the text's differ).
    #[test]
    fn a_position_far_in_opens_from_a_window_placed_in_the_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
        let path = dir.path().join("big.txt");
        let mut bytes = Vec::new();
        let mut n = 0;
        while bytes.len() < (PROGRESSIVE_BYTES as usize) + (4 << 20) {
            bytes.extend_from_slice(format!("line {n} of the text, ").as_bytes());
            bytes.extend_from_slice(b"\xFF words\n");
            // Some lines with an invalid byte.
            if n % 7 == 0 {
                bytes.extend_from_slice(b"bad \x80 byte\n");
            }
            n += 1;
        }
        std::fs::write(&path, &bytes).expect("write");
        let whole = Document::from_bytes(bytes, Format::Text).expect("whole");
        let src = whole.source();
        let at = memchr::memmem::find(src, b"line 300000 of").expect("far in");
        assert!(at > PROGRESSIVE_BYTES as usize, "past the first part");
        let saved = crate::study::notes::make_anchor(&whole, at);
        let entry = library::file_entry(&path, "big.txt".into());
        let Some(Msg::Opened {
            result: Ok(part),
            partial: true,
            window: Some(start),
            ..
        }) = open_head(0, &entry, &data, &Store::new(), Some(&saved))
        else {
            panic!("a window first");
        };
        assert!(part.len() < 1 << 20, "a window, not the whole");
        let within = at - start;
        assert_eq!(
            &part.source()[within..within + 20],
            &src[at..at + 20],
            "the window's text at the saved place is the whole's"
        );
        // Near the top, the first part is a prefix as before.
        let near = crate::study::notes::make_anchor(&whole, 1000);
        assert!(matches!(
            open_head(0, &entry, &data, &Store::new(), Some(&near)),
            Some(Msg::Opened {
                window: None,
                partial: true,
                ..
            })
        ));
    }

    /// A valid UTF-8 text reopened far in decodes only the near window
    /// before its first frame, its passage at the saved offset; a text
    /// whose invalid bytes put the passage far from its offset (the test
    /// above) is found by the wide windows.
    #[test]
    fn a_valid_text_reopened_far_in_decodes_only_the_near_window() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
        let path = dir.path().join("big.txt");
        let mut text = String::new();
        let mut n = 0;
        while text.len() < 4 << 20 {
            text.push_str(&format!("line {n} of a long and valid text\n"));
            n += 1;
        }
        std::fs::write(&path, &text).expect("write");
        let whole = Document::from_bytes(text.into_bytes(), Format::Text).expect("whole");
        let at = memchr::memmem::find(whole.source(), b"line 80000 of").expect("far in");
        let saved = crate::study::notes::make_anchor(&whole, at);
        let entry = library::file_entry(&path, "big.txt".into());
        let Some(Msg::Opened {
            result: Ok(part),
            window: Some(start),
            ..
        }) = open_head(0, &entry, &data, &Store::new(), Some(&saved))
        else {
            panic!("a window first");
        };
        assert!(
            part.len() <= NEAR.before + NEAR.after,
            "the near window only: {} bytes",
            part.len()
        );
        assert!(
            start <= at && at - start <= NEAR.before,
            "placed around the offset"
        );
        assert_eq!(
            &part.source()[at - start..at - start + 13],
            b"line 80000 of",
            "the window's text at the saved place is the whole's"
        );
    }

    #[test]
    fn a_moved_document_finds_its_notes_by_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
        let store = Store::new();
        let old = dir.path().join("week1.txt");
        std::fs::write(&old, "A reading about the Cheka.\nSecond line.\n").expect("write");
        let old_entry = library::file_entry(&old, "week1.txt".into());
        let doc =
            Document::from_bytes(std::fs::read(&old).expect("read"), Format::Text).expect("loads");
        let mut file = storage::NotesFile::new(
            old_entry.key.clone(),
            "A reading",
            anchor::fingerprint(&doc),
        );
        file.bookmarks.push(storage::Bookmark {
            session: None,
            id: "b1".into(),
            label: "kept".into(),
            created: String::new(),
            anchor: crate::study::notes::make_anchor(&doc, 2),
            extra: toml::Table::new(),
        });
        store
            .save_notes(&data.notes_path(&old_entry.key, &old_entry.name), &file)
            .expect("saved");
        // The student renames the file.
        let new = dir.path().join("cheka.txt");
        std::fs::rename(&old, &new).expect("rename");
        let new_entry = library::file_entry(&new, "cheka.txt".into());
        let load = load_doc_notes(&data, &store, &new_entry, &doc);
        let adopted = load.file.expect("notes re-attached");
        assert_eq!(adopted.bookmarks[0].label, "kept");
        assert_eq!(adopted.document, new_entry.key);
        assert!(
            load.adopted_from.is_some(),
            "the old file is retired after the next save"
        );
        // A document with other text does not take them.
        let other =
            Document::from_bytes(b"Different text.\n".to_vec(), Format::Text).expect("loads");
        let load = load_doc_notes(&data, &store, &new_entry, &other);
        assert!(load.file.is_none());
    }

    #[test]
    fn a_sheet_from_e_links_each_entry_to_its_line_from_the_exports_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = std::fs::canonicalize(dir.path()).expect("canonical");
        let data = DataDir::resolve(Some(root.join("data")), None).expect("data dir");
        let folder = root.join("my readings (2026)");
        std::fs::create_dir(&folder).expect("mkdir");
        let path = folder.join("week 1.txt");
        std::fs::write(&path, "Title\n\nThe Cheka was founded.\nIn 1917.\n").expect("write");
        let key = path.to_string_lossy().into_owned();
        let doc =
            Document::from_bytes(std::fs::read(&path).expect("read"), Format::Text).expect("loads");
        let mut file = storage::NotesFile::new(key.clone(), "Week 1", "");
        file.bookmarks.push(storage::Bookmark {
            session: None,
            id: "b1".into(),
            label: "year".into(),
            created: String::new(),
            anchor: crate::study::anchor::anchor_range(&doc, 30, 37),
            extra: toml::Table::new(),
        });
        let docs = [ExportDoc {
            title: "Week 1".into(),
            key,
            file,
        }];
        let Msg::Exported(Ok(sheet)) = export_sheet(
            &Store::new(),
            &data,
            (&docs, "week-1", None),
            "2026-12-04T10:00:00+01:00",
        ) else {
            panic!("the sheet is written");
        };
        let text = std::fs::read_to_string(sheet).expect("sheet");
        assert!(
            text.contains("[week 1.txt, line 4](../../my%20readings%20%282026%29/week%201.txt#L4)"),
            "{text}"
        );
        assert!(text.contains("\n> In 1917\n"), "{text}");
    }

    /// What [`open_in_steps`] sends for `bytes` saved as `name`, with the
    /// saved position `at`.
    fn open_steps(name: &str, bytes: &[u8], at: Option<usize>) -> Vec<Msg> {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let entry = library::file_entry(&path, name.into());
        let sent = std::cell::RefCell::new(Vec::new());
        open_in_steps(0, &entry, &data, &Store::new(), at, |m| {
            sent.borrow_mut().push(m);
            true
        });
        sent.into_inner()
    }

    fn text_of(result: &Result<Box<Document>, document::DocError>) -> String {
        let doc = result.as_ref().expect("converted");
        String::from_utf8_lossy(doc.source()).into_owned()
    }

    #[test]
    fn a_long_book_is_sent_first_in_part_then_whole() {
        let book = crate::text::convert::epub::tests::long_book(40, 60);
        let sent = open_steps("long.epub", &book, None);
        let [
            Msg::Opened {
                result: part,
                partial: true,
                notes: Some(_),
                ..
            },
            Msg::Completed { result: whole, .. },
        ] = sent.as_slice()
        else {
            panic!("a part, then the whole: {} messages", sent.len());
        };
        let (part, whole) = (text_of(part), text_of(whole));
        assert!(part.contains("Chapter 1 paragraph 1 "), "{part}");
        assert!(!part.contains("Chapter 40"), "the part is a few chapters");
        assert!(part.len() >= FIRST_PART_BYTES && part.len() < whole.len() / 2);
        assert!(
            whole.starts_with(&part),
            "the part is a prefix of the whole"
        );
        assert!(whole.contains("Chapter 40 paragraph 60 "));
    }

    #[test]
    fn a_reopened_book_is_converted_up_to_its_saved_place_first() {
        let book = crate::text::convert::epub::tests::long_book(40, 60);
        let whole = crate::text::convert::epub::convert(&book)
            .expect("converts")
            .markdown;
        let at = whole.find("Chapter 20 paragraph 30 ").expect("in the book");
        let sent = open_steps("long.epub", &book, Some(at));
        let Some(Msg::Opened {
            result,
            partial: true,
            ..
        }) = sent.first()
        else {
            panic!("a part first");
        };
        let part = text_of(result);
        assert!(
            part.len() >= at + FIRST_PART_BYTES,
            "the part reaches a few screens past the saved place"
        );
        // Near the end: nothing is left to send later, so it comes whole.
        let sent = open_steps("long.epub", &book, Some(whole.len() - 10));
        assert!(
            matches!(
                sent.as_slice(),
                [Msg::Opened {
                    partial: false,
                    result: Ok(_),
                    ..
                }]
            ),
            "one whole document"
        );
    }

    #[test]
    fn a_short_or_broken_pdf_is_sent_once() {
        let pdf = crate::text::convert::pdf::sample(&[&["Only page."]]);
        let sent = open_steps("one.pdf", &pdf, None);
        assert!(matches!(
            sent.as_slice(),
            [Msg::Opened {
                partial: false,
                result: Ok(_),
                ..
            }]
        ));
        let sent = open_steps("bad.pdf", b"%PDF-1.4 and nothing else", None);
        let [
            Msg::Opened {
                result: Err(e),
                partial: false,
                ..
            },
        ] = sent.as_slice()
        else {
            panic!("one error");
        };
        assert!(
            matches!(
                e,
                document::DocError::Broken { .. } | document::DocError::NoText
            ),
            "{e}"
        );
    }
}
