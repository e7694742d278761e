//! The documents a search across the library has read, kept for the next
//! letter typed: each letter starts the search again, and every document
//! was read, decoded and parsed (a PDF or an EPUB converted) anew for it.
//! A document is taken from here only while its file is as it was (size
//! and time of change); the whole is bounded, the least lately used going
//! first, and emptied when the search is put away.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use crate::library::{self, Source};
use crate::text::document::{DocError, Document, Format};

/// A document larger than this is read again for every search (a big
/// plain text is mapped, not read: nothing to save).
const EACH_BYTES: usize = 4 << 20;

/// The texts kept, in all.
const TOTAL_BYTES: usize = 16 << 20;

/// A file as it was read: its size and time of change (`None` for a
/// bundled text, which does not change).
type Stamp = Option<(u64, Option<SystemTime>)>;

pub struct FindCache {
    kept: Mutex<Kept>,
    /// The largest text kept, and the most kept in all.
    each: usize,
    total: usize,
}

impl Default for FindCache {
    fn default() -> Self {
        FindCache::with_bounds(EACH_BYTES, TOTAL_BYTES)
    }
}

#[derive(Default)]
struct Kept {
    docs: HashMap<String, Doc>,
    bytes: usize,
    /// Counts the lookups: a document's `used` is the count at its last.
    clock: u64,
}

struct Doc {
    stamp: Stamp,
    doc: Arc<Document>,
    used: u64,
}

impl FindCache {
    fn with_bounds(each: usize, total: usize) -> Self {
        FindCache {
            kept: Mutex::default(),
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
        let Some(stamp) = stamp(source) else {
            // The file cannot be looked at: reading it says why.
            return library::load(source, format).map(Arc::new);
        };
        if let Some(doc) = self.lookup(key, stamp) {
            return Ok(doc);
        }
        let doc = Arc::new(library::load(source, format)?);
        if !doc.is_mapped() && doc.len() <= self.each {
            self.keep(key, stamp, Arc::clone(&doc));
        }
        Ok(doc)
    }

    /// Forgets every document kept.
    pub fn clear(&self) {
        *self.lock() = Kept::default();
    }

    /// How many documents are kept, and their texts' bytes.
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.docs.len(), kept.bytes)
    }

    fn lookup(&self, key: &str, stamp: Stamp) -> Option<Arc<Document>> {
        let mut kept = self.lock();
        kept.clock += 1;
        let now = kept.clock;
        let d = kept.docs.get_mut(key).filter(|d| d.stamp == stamp)?;
        d.used = now;
        Some(Arc::clone(&d.doc))
    }

    fn keep(&self, key: &str, stamp: Stamp, doc: Arc<Document>) {
        let mut kept = self.lock();
        let bytes = doc.len();
        if let Some(old) = kept.docs.remove(key) {
            kept.bytes -= old.doc.len();
        }
        while kept.bytes + bytes > self.total {
            let Some(oldest) = kept
                .docs
                .iter()
                .min_by_key(|(_, d)| d.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(old) = kept.docs.remove(&oldest) {
                kept.bytes -= old.doc.len();
            }
        }
        kept.clock += 1;
        let used = kept.clock;
        kept.bytes += bytes;
        kept.docs.insert(key.to_string(), Doc { stamp, doc, used });
    }

    /// The documents kept; a search that panicked holding them left them
    /// whole (each is put in or taken out in one step).
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What tells whether `source` changed; `None` when its file cannot be
/// looked at.
fn stamp(source: &Source) -> Option<Stamp> {
    match source {
        Source::Bundled { .. } => Some(None),
        Source::File(path) => {
            let meta = std::fs::metadata(path).ok()?;
            Some(Some((meta.len(), meta.modified().ok())))
        }
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
}
