//! Background work: each job of [`super::jobs`] that may take long runs on
//! a thread of its own and reports back as a message on the loop's channel.
//! A newer search cancels the one before it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::inbox::Sender;
use super::jobs;
use crate::app::{self, App, Msg};
use crate::library::{self, Entry, Source};
use crate::search;
use crate::storage::{DataDir, Store};
use crate::text::document::{Document, Format};

/// Documents up to this size are searched on the loop: a scan of 256 KiB
/// takes well under a millisecond, less than a thread's start and hand-off.
const INLINE_SEARCH_BYTES: usize = 256 << 10;

/// Background work the loop hands off, and how to stop it.
pub(super) struct Workers {
    tx: Sender,
    /// Raised to abandon the running search (a newer one replaces it).
    search_cancel: Arc<AtomicBool>,
    /// The same for the running search across every document.
    find_cancel: Arc<AtomicBool>,
    /// The documents that search read, for the next letter typed.
    find_docs: Arc<super::find_cache::FindCache>,
    /// Raised to stop reading them ahead of the search (the search is
    /// put away).
    prepare_cancel: Arc<AtomicBool>,
    /// The same for the running read of every notes file.
    all_notes_cancel: Arc<AtomicBool>,
    /// Work asked for before the first frame is drawn, started once it is
    /// ([`Workers::release`]): a thread started before it delays it.
    held: Option<Vec<Held>>,
}

/// A job waiting for the first frame, and whether it gives way to the
/// loop once started.
type Held = (Box<dyn FnOnce(&dyn Fn(Msg) -> bool) + Send>, bool);

impl Workers {
    pub(super) fn new(tx: Sender) -> Workers {
        Workers {
            tx,
            search_cancel: Arc::new(AtomicBool::new(false)),
            find_cancel: Arc::new(AtomicBool::new(false)),
            find_docs: Arc::default(),
            prepare_cancel: Arc::new(AtomicBool::new(false)),
            all_notes_cancel: Arc::new(AtomicBool::new(false)),
            held: Some(Vec::new()),
        }
    }

    /// Runs `job` on a thread, handing it a sender of messages to the loop
    /// (which answers false once the loop is gone).
    fn spawn(&self, job: impl FnOnce(&dyn Fn(Msg) -> bool) + Send + 'static) {
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let send = |m: Msg| tx.send(m);
            job(&send);
        });
    }

    /// Runs `job` as [`Workers::spawn`] does, on a thread that gives way to
    /// the loop: work nobody waits for (word counts, due counts, tables,
    /// the outline, placing notes) must not delay a key's frame.
    fn spawn_background(&mut self, job: impl FnOnce(&dyn Fn(Msg) -> bool) + Send + 'static) {
        match &mut self.held {
            Some(held) => held.push((Box::new(job), true)),
            None => self.spawn(move |send| {
                give_way();
                job(send);
            }),
        }
    }

    /// Runs `job` as [`Workers::spawn`] does, once the first frame is
    /// drawn: the rest of a big file, read while its head is on screen.
    /// Started before that frame, its 50 MB read took a core from the
    /// frame and the terminal showing it on a 2-core machine (strace of a
    /// launch: the thread and its first 1 MB read came before the frame).
    fn spawn_after_first_frame(&mut self, job: impl FnOnce(&dyn Fn(Msg) -> bool) + Send + 'static) {
        match &mut self.held {
            Some(held) => held.push((Box::new(job), false)),
            None => self.spawn(job),
        }
    }

    /// The first frame is drawn: background work held until now starts,
    /// in the order it was asked for.
    pub(super) fn release(&mut self) {
        for (job, gives_way) in self.held.take().unwrap_or_default() {
            if gives_way {
                self.spawn_background(job);
            } else {
                self.spawn(job);
            }
        }
    }

    /// Searches every library document, then every note.
    pub(super) fn find_all(
        &mut self,
        generation: u64,
        query: search::Query,
        targets: Vec<app::FindTarget>,
        data: DataDir,
    ) {
        let cancel = replace_flag(&mut self.find_cancel);
        let docs = Arc::clone(&self.find_docs);
        self.spawn(move |send| {
            jobs::find_all(generation, &query, &targets, (&data, &docs), &cancel, send);
        });
    }

    /// Searches `doc`, cancelling the search before it. A small document is
    /// searched right here: scanning it takes less than starting a thread,
    /// and its hits reach the same frame (the loop takes the messages
    /// waiting before it draws).
    pub(super) fn search(&mut self, generation: u64, query: search::Query, doc: Arc<Document>) {
        let cancel = replace_flag(&mut self.search_cancel);
        if doc.len() <= INLINE_SEARCH_BYTES {
            let tx = self.tx.clone();
            jobs::search(generation, &query, &doc, &cancel, |m| tx.send(m));
            return;
        }
        self.spawn(move |send| {
            // Keys typed after a confirmed search wait for its answer: a
            // search that panics (a bug) still gives one.
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                jobs::search(generation, &query, &doc, &cancel, send);
            }));
            if run.is_err() {
                let error = "the search failed inside marginote (see the log)".to_string();
                send(Msg::SearchFailed { generation, error });
            }
        });
    }

    /// Stops every running search.
    pub(super) fn cancel_searches(&self) {
        self.search_cancel.store(true, Ordering::Relaxed);
        self.find_cancel.store(true, Ordering::Relaxed);
    }

    /// Reads the documents and notes files of a search across them ahead
    /// of it, at a lower priority: the first letter typed found none of
    /// them read (two PDFs and 6,000 notes: 50 ms).
    pub(super) fn prepare_find(&mut self, targets: Vec<app::FindTarget>, data: DataDir) {
        let cancel = replace_flag(&mut self.prepare_cancel);
        let docs = Arc::clone(&self.find_docs);
        self.spawn_background(move |_| jobs::prepare_find(&targets, (&data, &docs), &cancel));
    }

    /// The search across every document is put away: it stops, and what
    /// was read for it goes.
    pub(super) fn put_find_away(&mut self) {
        self.cancel_searches();
        self.prepare_cancel.store(true, Ordering::Relaxed);
        // Freed on a worker: the loop answers the key that closed it.
        let kept = self.find_docs.clear();
        self.spawn_background(move |_| drop(kept));
    }

    /// Places a document's entries in its text, off the loop.
    pub(super) fn place_notes(
        &mut self,
        key: String,
        doc: Arc<Document>,
        anchors: Vec<(String, crate::storage::Anchor)>,
    ) {
        self.spawn_background(move |send| {
            send(jobs::place_notes(key, doc, anchors));
        });
    }

    /// Hashes a whole text for its fingerprint, off the loop.
    pub(super) fn fingerprint(&mut self, doc: Arc<Document>) {
        self.spawn_background(move |send| {
            let fingerprint = crate::study::anchor::fingerprint(&doc);
            send(Msg::Fingerprinted { doc, fingerprint });
        });
    }

    /// Counts the words of a document read whole, from its text.
    pub(super) fn count_words(&mut self, index: usize, doc: Arc<Document>) {
        self.spawn_background(move |send| {
            let words = crate::text::summary::count_words_in_parts(doc.source());
            send(Msg::Words { index, words });
        });
    }

    pub(super) fn outline(&mut self, doc: Arc<Document>) {
        self.spawn_background(move |send| {
            send(jobs::outline(doc));
        });
    }

    /// Opens a document whose conversion may take long (EPUB, PDF): its
    /// first part as soon as it is converted, then the whole.
    pub(super) fn open_in_steps(
        &self,
        index: usize,
        entry: Entry,
        data: DataDir,
        at: Option<usize>,
    ) {
        self.spawn(move |send| {
            jobs::open_in_steps(index, &entry, &data, &Store::new(), at, send);
        });
    }

    /// The notes of every document, for the all-documents list, with
    /// progress as the files are read. A newer read stops the one before
    /// it, so two lists are never held at once.
    pub(super) fn all_notes(&mut self, data: DataDir, entries: Vec<library::Entry>) {
        let cancel = replace_flag(&mut self.all_notes_cancel);
        self.spawn(move |send| {
            let store = Store::new();
            let mut progress = |done, total| {
                !cancel.load(Ordering::Relaxed) && send(Msg::AllNotesProgress { done, total })
            };
            if let Some(all) = jobs::load_all_notes(&data, &store, &entries, &mut progress)
                && !cancel.load(Ordering::Relaxed)
            {
                send(Msg::AllNotes(all));
            }
        });
    }

    /// The open document's big notes file, after its text is shown.
    pub(super) fn load_notes(&self, key: String, path: PathBuf) {
        self.spawn(move |send| {
            send(jobs::load_notes_later(&Store::new(), key, path));
        });
    }

    /// The review's deck: every notes file and the whole review log.
    pub(super) fn prepare_review(&self, generation: u64, now: i64, data: DataDir) {
        self.spawn(move |send| {
            let result = jobs::prepare_review(&data, &Store::new(), now).map(Box::new);
            send(Msg::ReviewPrepared { generation, result });
        });
    }

    /// The Library's due counts.
    pub(super) fn due_counts(&mut self, now: i64, data: DataDir) {
        self.spawn_background(move |send| {
            send(Msg::DueCounts(jobs::due_counts(&data, &Store::new(), now)));
        });
    }

    /// Reads the whole of a big file whose head is already shown.
    pub(super) fn read_whole(&mut self, index: usize, path: PathBuf, format: Format) {
        self.spawn_after_first_frame(move |send| {
            send(jobs::read_whole(index, &path, format));
        });
    }

    /// Fills in titles and word counts of folder documents, and their note
    /// counts, so the first screen never waits on reading every file.
    pub(super) fn summaries(&mut self, app: &App, data: &DataDir) {
        struct Job {
            index: usize,
            summarize: Option<(Source, Format)>,
            notes: PathBuf,
        }
        let jobs: Vec<Job> = app
            .entries
            .iter()
            .enumerate()
            .map(|(index, e)| Job {
                index,
                // The open document, read whole, has its title and its
                // words from its text (Effect::CountWords): its file is not
                // read again.
                summarize: (matches!(e.source, Source::File(_))
                    && e.error.is_none()
                    && !(app.open == Some(index)
                        && app.reader.is_some()
                        && !app.loading()
                        && matches!(e.format, Format::Markdown | Format::Text)))
                .then(|| (e.source.clone(), e.format)),
                notes: data.notes_path(&e.key, &e.name),
            })
            .collect();
        self.spawn_background(move |send| {
            let store = Store::new();
            for job in jobs {
                let index = job.index;
                let count = store.count_bookmarks(&job.notes);
                if !send(Msg::Bookmarks { index, count }) {
                    return;
                }
                if let Some((source, format)) = job.summarize {
                    let result = library::summarize_entry(&source, format);
                    if !send(Msg::Summary { index, result }) {
                        return;
                    }
                }
            }
        });
    }
}

/// Raises (cancels) the flag of the running job and installs a fresh one
/// for the next.
fn replace_flag(flag: &mut Arc<AtomicBool>) -> Arc<AtomicBool> {
    flag.store(true, Ordering::Relaxed);
    let fresh = Arc::new(AtomicBool::new(false));
    *flag = Arc::clone(&fresh);
    fresh
}

/// Lowers the calling thread's scheduling priority (nice 10): on a 2-core
/// machine, a worker counting the words of a 50 MB file otherwise keeps
/// the loop from a core for a time slice (a key's first frame was seen
/// 5–16 ms late right after a big file's first screen). Linux keeps a
/// nice value per thread; elsewhere it is the process's, so nothing is
/// changed there.
fn give_way() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        // Only ever lower it (a process started with `nice 19` stays so).
        if getpriority_process(None).is_ok_and(|now| now < 10)
            && let Err(e) = setpriority_process(None, 10)
        {
            tracing::debug!(error = %e, "a background worker keeps its priority");
        }
    }
}

#[cfg(test)]
mod held {
    use std::time::Duration;

    use super::*;

    fn read(rx: &std::sync::mpsc::Receiver<Box<Msg>>) -> Option<usize> {
        match *rx.recv_timeout(Duration::from_secs(30)).ok()? {
            Msg::Completed { index, result } => result.is_ok().then_some(index),
            _ => None,
        }
    }

    /// The rest of a big file is read from the first frame on, not
    /// before it; once it is drawn, at once.
    #[test]
    fn the_whole_of_a_file_is_read_once_the_first_frame_is_drawn() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Some words.\n").expect("written");
        let (tx, rx) = Sender::to_channel();
        let mut workers = Workers::new(tx);
        workers.read_whole(0, path.clone(), Format::Text);
        assert_eq!(workers.held.as_ref().map(Vec::len), Some(1));
        assert!(rx.try_recv().is_err(), "nothing read before the frame");
        workers.release();
        assert_eq!(read(&rx), Some(0));
        workers.read_whole(1, path, Format::Text);
        assert!(workers.held.is_none());
        assert_eq!(read(&rx), Some(1));
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use rustix::process::getpriority_process;

    /// The worker's thread gives way; the thread that started it (the
    /// loop, in the app) keeps its priority.
    #[test]
    fn a_background_worker_lowers_only_its_own_priority() {
        let before = getpriority_process(None).expect("own priority");
        let worker = std::thread::spawn(|| {
            super::give_way();
            getpriority_process(None).expect("worker priority")
        })
        .join()
        .expect("worker ran");
        assert_eq!(worker, before.max(10));
        assert_eq!(getpriority_process(None).expect("own priority"), before);
    }
}
