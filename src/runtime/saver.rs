//! The saver thread: notes saves run here, off the loop, one at a time and
//! in the order they were asked for, so a 30 MB notes file (seconds of
//! lock, re-read, merge, write and fsync) never holds a key's frame
//! (issue 12). Each outcome comes back to the loop as the same message a
//! save on the loop gave.
//!
//! Saves of one file still waiting are coalesced into one write, under
//! the newest generation. A newer snapshot is not always a superset of an
//! older one: a document closed and opened again before its save ran holds
//! the notes read back from disk, and notes typed while a big notes file
//! is still being read are sent alone. So the snapshots are merged (on
//! this thread, by the same rules as the merge with the file on disk),
//! which gives the file writing them one after the other would. Dropping
//! the [`Saver`] (quit, an error, a panic unwinding the loop) waits for
//! every queued save: nothing asked for is ever dropped.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::storage::NotesFile;

/// One notes save, as [`crate::app::Effect::SaveNotes`] asked for it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Job {
    pub key: String,
    pub path: PathBuf,
    pub file: NotesFile,
    pub retire: Option<PathBuf>,
    pub generation: u64,
    /// Older snapshots of the same file this save stands for (coalesced
    /// while waiting), oldest first; merged in by [`Job::folded`].
    pub earlier: Vec<NotesFile>,
}

impl Job {
    /// The job with its earlier snapshots merged into `file`: newer over
    /// older, as writing each in turn would have left the file (the save
    /// then merges the result with what is on disk).
    fn folded(mut self) -> Job {
        let mut earlier = std::mem::take(&mut self.earlier).into_iter();
        if let Some(oldest) = earlier.next() {
            let older = earlier.fold(oldest, |acc, next| next.merged_with(&acc));
            self.file = self.file.merged_with(&older);
        }
        self
    }
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// A job is being written.
    busy: bool,
    /// No more jobs come: the thread ends once the queue is empty.
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when a job is queued, one finishes, or the queue closes.
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        // A panic inside a save leaves the queue itself consistent.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The job runner a saver thread is started with.
type Run = Box<dyn FnMut(Job) + Send>;

/// The saver thread and its queue. The thread starts with the first save,
/// so a launch (which saves nothing) does not wait for one to start.
pub(super) struct Saver {
    shared: Arc<Shared>,
    /// The runner, until the thread takes it.
    run: Mutex<Option<Run>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Saver {
    /// A saver whose thread starts at the first [`Saver::push`]; `run`
    /// performs one job (and reports its outcome).
    pub(super) fn new(run: impl FnMut(Job) + Send + 'static) -> Saver {
        Saver {
            shared: Arc::new(Shared {
                queue: Mutex::new(Queue::default()),
                changed: Condvar::new(),
            }),
            run: Mutex::new(Some(Box::new(run))),
            thread: Mutex::new(None),
        }
    }

    /// Whether the thread runs, starting it if it never was: false when it
    /// could not start (then saves are performed where they are asked).
    fn started(&self) -> bool {
        let mut thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner);
        if thread.is_some() {
            return true;
        }
        let Some(mut run) = self
            .run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        else {
            return false;
        };
        let worker = Arc::clone(&self.shared);
        let spawned = std::thread::Builder::new()
            .name("saver".into())
            .spawn(move || {
                loop {
                    let job = {
                        let mut q = worker.lock();
                        loop {
                            if let Some(job) = q.jobs.pop_front() {
                                q.busy = true;
                                break job;
                            }
                            if q.closed {
                                return;
                            }
                            q = worker
                                .changed
                                .wait(q)
                                .unwrap_or_else(PoisonError::into_inner);
                        }
                    };
                    // A panicking save must not stop the saves after it
                    // (nor leave the loop waiting for it forever).
                    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run(job.folded());
                    }));
                    if done.is_err() {
                        tracing::error!("a notes save panicked");
                    }
                    worker.lock().busy = false;
                    worker.changed.notify_all();
                }
            });
        match spawned {
            Ok(t) => {
                *thread = Some(t);
                true
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot start the saver thread");
                false
            }
        }
    }

    /// Queues a save, after every save queued before it. A save of the
    /// same file still waiting becomes part of this one (keeping its place
    /// in the queue and any file to retire; its snapshot is merged in
    /// before the write, see the module docs). Without a thread (it could
    /// not start), the save is performed by `fallback` right here.
    pub(super) fn push(&self, job: Job, fallback: impl FnOnce(Job)) {
        if !self.started() {
            fallback(job.folded());
            return;
        }
        let mut q = self.shared.lock();
        if let Some(waiting) = q.jobs.iter_mut().find(|j| j.path == job.path) {
            let older = std::mem::replace(waiting, job);
            waiting.retire = waiting.retire.take().or(older.retire);
            let mut earlier = older.earlier;
            earlier.push(older.file);
            earlier.append(&mut waiting.earlier);
            waiting.earlier = earlier;
        } else {
            q.jobs.push_back(job);
        }
        drop(q);
        self.shared.changed.notify_all();
    }

    /// Whether a save is queued or being written.
    #[cfg(test)]
    pub(super) fn pending(&self) -> bool {
        let q = self.shared.lock();
        q.busy || !q.jobs.is_empty()
    }

    /// Waits until every queued save is done, or `limit` passed (`None`:
    /// no limit); whether they are all done.
    pub(super) fn wait_idle(&self, limit: Option<Duration>) -> bool {
        // No thread: nothing was ever queued (or every save was performed
        // where it was asked).
        if self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
        {
            return true;
        }
        let end = limit.map(|l| Instant::now() + l);
        let mut q = self.shared.lock();
        while q.busy || !q.jobs.is_empty() {
            q = match end {
                None => self
                    .shared
                    .changed
                    .wait(q)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(end) => {
                    let left = end.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    self.shared
                        .changed
                        .wait_timeout(q, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
        true
    }
}

impl Drop for Saver {
    /// Every queued save is written before the saver goes.
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
        let thread = self
            .thread
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::{Job, Saver};
    use crate::storage::NotesFile;

    fn job(path: &str, generation: u64, retire: Option<&str>) -> Job {
        Job {
            key: path.to_string(),
            path: path.into(),
            file: NotesFile::new(path, "", ""),
            retire: retire.map(Into::into),
            generation,
            earlier: Vec::new(),
        }
    }

    /// A performed save: path, generation, file to retire.
    type Done = (String, u64, Option<String>);

    /// A saver whose first job waits for `go`; every job performed is
    /// reported as (path, generation, retire).
    fn held_saver() -> (
        Saver,
        mpsc::Sender<()>,
        mpsc::Receiver<Done>,
        mpsc::Receiver<()>,
    ) {
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel();
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let mut first = true;
        let saver = Saver::new(move |j: Job| {
            if first {
                first = false;
                let _ = started_tx.send(());
                let _ = go_rx.recv();
            }
            let retire = j.retire.map(|r| r.display().to_string());
            let _ = done_tx.send((j.path.display().to_string(), j.generation, retire));
        });
        (saver, go_tx, done_rx, started_rx)
    }

    /// Saves run one at a time in the order asked; waiting saves of one
    /// file are coalesced into the newest, in the first one's place, and
    /// a file to retire is not forgotten.
    #[test]
    fn saves_run_in_order_and_waiting_ones_of_a_file_coalesce() {
        let (saver, go, done, started) = held_saver();
        saver.push(job("a", 1, None), |_| panic!("the thread runs"));
        started.recv().expect("the first save started");
        saver.push(job("b", 2, Some("old-b")), |_| panic!("the thread runs"));
        saver.push(job("a", 3, None), |_| panic!("the thread runs"));
        saver.push(job("b", 4, None), |_| panic!("the thread runs"));
        saver.push(job("a", 5, None), |_| panic!("the thread runs"));
        assert!(saver.pending(), "saves are waiting");
        go.send(()).expect("release");
        assert!(saver.wait_idle(None));
        let order: Vec<_> = done.try_iter().collect();
        assert_eq!(
            order,
            vec![
                ("a".into(), 1, None),
                ("b".into(), 4, Some("old-b".into())),
                ("a".into(), 5, None),
            ],
            "FIFO, one save per file waiting, the newest snapshot written"
        );
        assert!(!saver.pending());
    }

    fn note(id: &str, text: &str, updated: &str) -> crate::storage::Note {
        crate::storage::Note {
            id: id.into(),
            text: text.into(),
            tags: Vec::new(),
            created: "2026-12-04T10:00:00+00:00".into(),
            updated: updated.into(),
            anchor: None,
            session: None,
            extra: toml::Table::new(),
        }
    }

    /// Regression (issue 12, never lose a note): a newer snapshot is not
    /// always a superset of the one it replaces in the queue (a document
    /// reopened before its save ran holds what the disk had; notes typed
    /// while a big notes file loads are sent alone). The coalesced save
    /// writes what saving both in turn would have: the older snapshot's
    /// note kept, the newer edit and the newer delete winning.
    #[test]
    fn n2_coalesced_saves_keep_what_only_the_older_snapshot_had() {
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel();
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let saver = Saver::new(move |j: Job| {
            if j.path.as_os_str() == "first" {
                let _ = started_tx.send(());
                let _ = go_rx.recv();
            }
            let mut texts: Vec<String> = j.file.notes.iter().map(|n| n.text.clone()).collect();
            texts.sort();
            let _ = done_tx.send((j.path.display().to_string(), j.generation, texts));
        });
        saver.push(job("first", 1, None), |_| panic!("the thread runs"));
        started_rx.recv().expect("the first save started");
        let t0 = "2026-12-04T10:00:00+00:00";
        let t1 = "2026-12-04T11:00:00+00:00";
        let mut older = job("a", 2, None);
        older.file.notes = vec![
            note("n1", "only in the older snapshot", t0),
            note("n2", "edited later", t0),
            note("n3", "deleted later", t0),
        ];
        let mut newer = job("a", 3, None);
        newer.file.notes = vec![
            note("n2", "edited later, new words", t1),
            note("n4", "new", t1),
        ];
        newer.file.deleted = vec!["n3".into()];
        saver.push(older, |_| panic!("the thread runs"));
        saver.push(newer, |_| panic!("the thread runs"));
        go_tx.send(()).expect("release");
        assert!(saver.wait_idle(None));
        let done: Vec<_> = done_rx.try_iter().collect();
        assert_eq!(
            done.len(),
            2,
            "one write for the two waiting saves: {done:?}"
        );
        assert_eq!(
            done[1],
            (
                "a".to_string(),
                3,
                vec![
                    "edited later, new words".to_string(),
                    "new".to_string(),
                    "only in the older snapshot".to_string(),
                ]
            ),
            "N2: the coalesced save lost or revived a note"
        );
    }

    /// Dropping the saver (quitting) writes everything still queued.
    /// A launch saves nothing, so it starts no saver thread; the first
    /// save starts it and is performed there.
    #[test]
    fn the_thread_starts_with_the_first_save() {
        let (tx, rx) = mpsc::channel();
        let saver = Saver::new(move |j: Job| {
            let _ = tx.send((j.key, std::thread::current().name().map(String::from)));
        });
        assert!(saver.thread.lock().expect("lock").is_none());
        assert!(saver.wait_idle(None));
        saver.push(job("a", 1, None), |_| panic!("performed on the loop"));
        assert!(saver.thread.lock().expect("lock").is_some());
        let done = rx.recv().expect("performed");
        assert_eq!(done, ("a".to_string(), Some("saver".to_string())));
        assert!(saver.wait_idle(None));
    }

    #[test]
    fn drop_drains_every_queued_save() {
        let (saver, go, done, started) = held_saver();
        saver.push(job("a", 1, None), |_| panic!("the thread runs"));
        started.recv().expect("the first save started");
        saver.push(job("b", 2, None), |_| panic!("the thread runs"));
        saver.push(job("c", 3, None), |_| panic!("the thread runs"));
        assert!(
            !saver.wait_idle(Some(std::time::Duration::ZERO)),
            "not idle while saves wait"
        );
        go.send(()).expect("release");
        drop(saver);
        let paths: Vec<String> = done.try_iter().map(|d| d.0).collect();
        assert_eq!(paths, ["a", "b", "c"], "nothing queued is dropped");
    }

    /// A save that panics does not stop the ones after it.
    #[test]
    fn a_panicking_save_does_not_stop_the_queue() {
        let (tx, rx) = mpsc::channel();
        let saver = Saver::new(move |j: Job| {
            if j.generation == 1 {
                panic!("save failed on purpose");
            }
            let _ = tx.send(j.generation);
        });
        saver.push(job("a", 1, None), |_| {});
        saver.push(job("b", 2, None), |_| {});
        assert!(saver.wait_idle(None));
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [2]);
    }
}
