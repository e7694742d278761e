//! The documents a search across the library has read, kept for the next
//! letter typed: each letter starts the search again, and every document
//! was read, decoded and parsed (a PDF or an EPUB converted) anew for it.
//! A document is taken from here only while its file is as it was (size
//! and time of change); the whole is bounded, the least lately used going
//! first, and emptied when the search is put away.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use crate::library::{self, Source};
use crate::storage::{self, LoadOutcome, NotesFile, Store};
use crate::text::document::{DocError, Document, Format};

/// A document larger than this is read again for every search (a big
/// plain text is mapped, not read: nothing to save); a notes file too.
const EACH_BYTES: usize = 4 << 20;

/// The texts kept, in all; the notes files' the same again.
const TOTAL_BYTES: usize = 16 << 20;

/// A file as it was read: its size and time of change (`None` for a
/// bundled text, which does not change).
type Stamp = Option<(u64, Option<SystemTime>)>;

/// What a search across the library read: the documents, and the notes
/// files it looks in after them.
pub struct FindCache {
    docs: Mutex<Kept<Document>>,
    notes: Mutex<Kept<NotesFile>>,
    /// The largest file kept, and the most kept of each kind in all.
    each: usize,
    total: usize,
}

impl Default for FindCache {
    fn default() -> Self {
        FindCache::with_bounds(EACH_BYTES, TOTAL_BYTES)
    }
}

/// Files read, by key, the least lately used going first.
struct Kept<V> {
    items: HashMap<String, Item<V>>,
    bytes: usize,
    /// Counts the lookups: an item's `used` is the count at its last.
    clock: u64,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept {
            items: HashMap::new(),
            bytes: 0,
            clock: 0,
        }
    }
}

struct Item<V> {
    stamp: Stamp,
    value: Arc<V>,
    bytes: usize,
    used: u64,
}

impl<V> Kept<V> {
    fn get(&mut self, key: &str, stamp: Stamp) -> Option<Arc<V>> {
        self.clock += 1;
        let now = self.clock;
        let item = self.items.get_mut(key).filter(|i| i.stamp == stamp)?;
        item.used = now;
        Some(Arc::clone(&item.value))
    }

    /// Keeps `value` (`bytes` of file) under `key`, the least lately used
    /// going until all fits in `total`.
    fn put(&mut self, key: &str, stamp: Stamp, value: Arc<V>, bytes: usize, total: usize) {
        if let Some(old) = self.items.remove(key) {
            self.bytes -= old.bytes;
        }
        while self.bytes + bytes > total {
            let Some(oldest) = self
                .items
                .iter()
                .min_by_key(|(_, i)| i.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(old) = self.items.remove(&oldest) {
                self.bytes -= old.bytes;
            }
        }
        self.clock += 1;
        let used = self.clock;
        self.bytes += bytes;
        self.items.insert(
            key.to_string(),
            Item {
                stamp,
                value,
                bytes,
                used,
            },
        );
    }
}

impl FindCache {
    fn with_bounds(each: usize, total: usize) -> Self {
        FindCache {
            docs: Mutex::default(),
            notes: Mutex::default(),
            each,
            total,
        }
    }

    /// The document `key` (read from `source` as `format`): the one kept
    /// if its file has not changed since, else read now and kept.
    pub fn document(
        &self,
        key: &str,
        source: &Source,
        format: Format,
    ) -> Result<Arc<Document>, DocError> {
        let stamp = match source {
            Source::Bundled { .. } => Some(None),
            Source::File(path) => file_stamp(path),
        };
        let Some(stamp) = stamp else {
            // The file cannot be looked at: reading it says why.
            return library::load(source, format).map(Arc::new);
        };
        if let Some(doc) = lock(&self.docs).get(key, stamp) {
            return Ok(doc);
        }
        let doc = Arc::new(library::load(source, format)?);
        if !doc.is_mapped() && doc.len() <= self.each {
            let bytes = doc.len();
            lock(&self.docs).put(key, stamp, Arc::clone(&doc), bytes, self.total);
        }
        Ok(doc)
    }

    /// The notes file at `path`, if it loads: the one kept if the file
    /// has not changed since, else loaded now and kept. Each letter typed
    /// parsed every notes file again (6,000 notes: 37 ms a letter).
    pub fn notes(&self, path: &Path, store: &Store<impl storage::Fs>) -> Option<Arc<NotesFile>> {
        let stamp = file_stamp(path);
        let key = path.to_string_lossy();
        if let Some(stamp) = stamp
            && let Some(file) = lock(&self.notes).get(&key, stamp)
        {
            return Some(file);
        }
        let LoadOutcome::Loaded(file) = store.load_notes(path) else {
            return None;
        };
        let file = Arc::new(file);
        if let Some(stamp @ Some((len, _))) = stamp
            && let Ok(bytes) = usize::try_from(len)
            && bytes <= self.each
        {
            lock(&self.notes).put(&key, stamp, Arc::clone(&file), bytes, self.total);
        }
        Some(file)
    }

    /// Forgets everything kept, and hands it back: up to twice
    /// [`TOTAL_BYTES`] of parsed text, for the caller to free where it
    /// holds nothing up.
    pub fn clear(&self) -> impl Send + use<> {
        (
            std::mem::take(&mut *lock(&self.docs)),
            std::mem::take(&mut *lock(&self.notes)),
        )
    }

    /// How many documents are kept, and their texts' bytes.
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let kept = lock(&self.docs);
        (kept.items.len(), kept.bytes)
    }

    /// How many notes files are kept.
    #[cfg(test)]
    fn held_notes(&self) -> usize {
        lock(&self.notes).items.len()
    }

    #[cfg(test)]
    fn lookup(&self, key: &str, stamp: Stamp) -> Option<Arc<Document>> {
        lock(&self.docs).get(key, stamp)
    }
}

/// What is kept; a search that panicked holding it left it whole (each
/// item is put in or taken out in one step).
fn lock<V>(kept: &Mutex<Kept<V>>) -> std::sync::MutexGuard<'_, Kept<V>> {
    kept.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What tells whether the file at `path` changed; `None` when it cannot
/// be looked at.
fn file_stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Some((meta.len(), meta.modified().ok())))
}

/// [`file_stamp`] of a document's source.
#[cfg(test)]
fn stamp(source: &Source) -> Option<Stamp> {
    match source {
        Source::Bundled { .. } => Some(None),
        Source::File(path) => file_stamp(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &std::path::Path, text: &str) {
        std::fs::write(path, text).expect("write");
    }

    /// A document is read once while its file stays as it was, read again
    /// once it changes (the search finds the new words), and forgotten on
    /// `clear`.
    #[test]
    fn a_document_is_read_again_only_once_its_file_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("essay.md");
        write(&path, "# Essay\n\nThe first words.\n");
        let source = Source::File(path.clone());
        let cache = FindCache::default();
        let a = cache
            .document("essay", &source, Format::Markdown)
            .expect("read");
        let b = cache
            .document("essay", &source, Format::Markdown)
            .expect("kept");
        assert!(Arc::ptr_eq(&a, &b), "read twice while unchanged");
        assert_eq!(cache.held().0, 1);
        // Another size: changed, whatever the clock says.
        write(&path, "# Essay\n\nThe first words, and more of them.\n");
        let c = cache
            .document("essay", &source, Format::Markdown)
            .expect("read again");
        assert!(
            !Arc::ptr_eq(&a, &c),
            "a changed file was taken from the cache"
        );
        assert!(String::from_utf8_lossy(c.source()).contains("more of them"));
        assert_eq!(cache.held(), (1, c.len()), "the old one went");
        cache.clear();
        assert_eq!(cache.held(), (0, 0));
        // A file gone: the error of reading it, nothing kept.
        std::fs::remove_file(&path).expect("remove");
        assert!(cache.document("essay", &source, Format::Markdown).is_err());
        assert_eq!(cache.held(), (0, 0));
    }

    /// The texts kept stay within the bound, the least lately used going
    /// first; a text over the bound for one is never kept.
    #[test]
    fn the_texts_kept_stay_within_the_bound() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (each, total) = (4000, 10_000);
        let cache = FindCache::with_bounds(each, total);
        let part = "word ".repeat(600);
        let mut sources = Vec::new();
        for i in 0..7 {
            let path = dir.path().join(format!("{i}.md"));
            write(&path, &part);
            sources.push(Source::File(path));
        }
        for (i, s) in sources.iter().enumerate() {
            cache
                .document(&i.to_string(), s, Format::Markdown)
                .expect("read");
            // The first stays in use.
            cache
                .document("0", &sources[0], Format::Markdown)
                .expect("read");
            let (_, bytes) = cache.held();
            assert!(bytes <= total, "{bytes} bytes kept");
        }
        let (n, _) = cache.held();
        assert_eq!(n, total / part.len());
        let first = cache.lookup("0", stamp(&sources[0]).expect("stamp"));
        assert!(first.is_some(), "the document in use went");
        assert!(
            cache
                .lookup("1", stamp(&sources[1]).expect("stamp"))
                .is_none(),
            "the least lately used stayed"
        );
        let big = dir.path().join("big.md");
        write(&big, &"word ".repeat(each / 5 + 2));
        cache.clear();
        cache
            .document("big", &Source::File(big), Format::Markdown)
            .expect("read");
        assert_eq!(cache.held(), (0, 0), "a text over the bound was kept");
    }

    /// A notes file is parsed once while it stays as it was, again once
    /// it changes; one that does not load is not found.
    #[test]
    fn a_notes_file_is_parsed_again_only_once_it_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.toml");
        let mut file = NotesFile::new("/d/a.md", "A", "fp");
        let store = Store::new();
        store.save_notes(&path, &file).expect("saved");
        let cache = FindCache::default();
        let a = cache.notes(&path, &store).expect("loads");
        let b = cache.notes(&path, &store).expect("kept");
        assert!(Arc::ptr_eq(&a, &b), "parsed twice while unchanged");
        file.title = "A longer title".into();
        store.save_notes(&path, &file).expect("saved");
        let c = cache.notes(&path, &store).expect("loads");
        assert_eq!(
            c.title, "A longer title",
            "a changed file was taken from the cache"
        );
        std::fs::write(&path, "not [ toml").expect("write");
        assert!(cache.notes(&path, &store).is_none());
    }

    /// Reading ahead of a search keeps every document and notes file it
    /// will look in; raised first, its flag stops it before any.
    #[test]
    fn reading_ahead_keeps_what_the_search_looks_in() {
        use std::sync::atomic::AtomicBool;
        let dir = tempfile::tempdir().expect("tempdir");
        let data = crate::storage::DataDir {
            root: dir.path().join("data"),
        };
        let store = Store::new();
        let targets: Vec<crate::app::FindTarget> = (0..3)
            .map(|i| {
                let path = dir.path().join(format!("{i}.md"));
                write(&path, &format!("# Essay {i}\n\nWords of essay {i}.\n"));
                let file = NotesFile::new(path.to_string_lossy().into_owned(), "E", "fp");
                let notes = data.notes_dir().join(format!("{i}.toml"));
                store.save_notes(&notes, &file).expect("saved");
                crate::app::FindTarget {
                    entry: i,
                    title: format!("Essay {i}"),
                    source: Source::File(path.clone()),
                    format: Format::Markdown,
                    key: path.to_string_lossy().into_owned(),
                }
            })
            .collect();
        let cache = FindCache::default();
        let stopped = AtomicBool::new(true);
        crate::runtime::jobs::prepare_find(&targets, (&data, &cache), &stopped);
        assert_eq!((cache.held().0, cache.held_notes()), (0, 0));
        let go = AtomicBool::new(false);
        crate::runtime::jobs::prepare_find(&targets, (&data, &cache), &go);
        assert_eq!((cache.held().0, cache.held_notes()), (3, 3));
        for t in &targets {
            let Source::File(path) = &t.source else {
                unreachable!()
            };
            let kept = cache.lookup(&t.key, file_stamp(path).expect("stamp"));
            assert!(kept.is_some(), "{} not read ahead", t.key);
        }
    }
}
