//! The effect performer: each [`Effect`] that `update` returns is carried
//! out here, by a job of [`super::jobs`] (on the loop, or on a worker for
//! what may take long), by the terminal, or by ending the loop.

use super::saver::{self, Saver};
use super::terminal::{self as term, Tui};
use super::workers::Workers;
use super::{jobs, now};
use crate::app::{App, Effect, Msg};
use crate::library;
use crate::storage::{self, DataDir, Store};

/// What performing an effect led to.
pub(super) enum Performed {
    /// A result for `update`.
    Msg(Box<Msg>),
    /// The app is done, with this exit code.
    Exit(i32),
    /// Document `index` is being opened on a worker: until its first part
    /// arrives, keys would act on the document still shown, so they wait.
    Opening(usize),
    Nothing,
}

/// Everything an effect may need.
pub(super) struct Context<'a> {
    pub data: &'a DataDir,
    pub store: &'a Store,
    pub terminal: &'a mut Tui,
    pub workers: &'a mut Workers,
    pub saver: &'a Saver,
}

pub(super) fn perform(fx: Effect, app: &App, cx: &mut Context<'_>) -> Performed {
    let msg = |m: Msg| Performed::Msg(Box::new(m));
    match fx {
        Effect::Search {
            generation,
            query,
            doc,
        } => {
            cx.workers.search(generation, query, doc);
            Performed::Nothing
        }
        Effect::CancelSearch => {
            cx.workers.cancel_searches();
            Performed::Nothing
        }
        Effect::PrepareFind(targets) => {
            cx.workers.prepare_find(targets, cx.data.clone());
            Performed::Nothing
        }
        Effect::PutFindAway => {
            cx.workers.put_find_away();
            Performed::Nothing
        }
        Effect::FindAll {
            generation,
            query,
            targets,
        } => {
            cx.workers
                .find_all(generation, query, targets, cx.data.clone());
            Performed::Nothing
        }
        Effect::PlaceNotes { key, doc, anchors } => {
            cx.workers.place_notes(key, doc, anchors);
            Performed::Nothing
        }
        Effect::Outline(doc) => {
            cx.workers.outline(doc);
            Performed::Nothing
        }
        Effect::Fingerprint(doc) => {
            cx.workers.fingerprint(doc);
            Performed::Nothing
        }
        Effect::CountWords { index, doc } => {
            cx.workers.count_words(index, doc);
            Performed::Nothing
        }
        Effect::Open(index) => {
            let Some(entry) = app.entries.get(index) else {
                return Performed::Nothing;
            };
            let saved = app.state.positions.get(&entry.key).map(|p| &p.anchor);
            let at = saved.map(|a| a.offset);
            // An EPUB or PDF is converted on a worker (pdftotext may take
            // seconds), its first chapters or pages shown as soon as they
            // are converted, the whole after.
            if !entry.format.reads_in_parts() {
                cx.workers
                    .open_in_steps(index, entry.clone(), cx.data.clone(), at);
                return Performed::Opening(index);
            }
            // A big file opens from its first part at once (reaching past
            // the saved position, so a reopened file shows its place
            // without waiting for the rest); the whole follows from a
            // worker (motion keys act on the part meanwhile, see the loop).
            if let Some(head) = jobs::open_head(index, entry, cx.data, cx.store, saved) {
                if let library::Source::File(path) = &entry.source {
                    cx.workers.read_whole(index, path.clone(), entry.format);
                }
                return msg(head);
            }
            msg(jobs::open(index, entry, cx.data, cx.store))
        }
        Effect::Reread(index) => {
            if let Some(entry) = app.entries.get(index)
                && let library::Source::File(path) = &entry.source
            {
                cx.workers.read_whole(index, path.clone(), entry.format);
            }
            Performed::Nothing
        }
        Effect::SaveNotes {
            key,
            path,
            file,
            retire,
            generation,
        } => {
            // On the saver thread: a big notes file takes seconds to merge
            // and write (issue 12). The outcome comes back as NotesSaved.
            let job = saver::Job {
                key,
                path,
                file,
                retire,
                generation,
                earlier: Vec::new(),
            };
            let mut inline = None;
            cx.saver.push(job, |j| {
                inline = Some(save_job(cx.store, cx.data, j));
            });
            inline.map_or(Performed::Nothing, msg)
        }
        Effect::LoadNotes { key, path } => {
            // A big notes file: never before the text's first frame.
            cx.workers.load_notes(key, path);
            Performed::Nothing
        }
        Effect::LoadAllNotes => {
            // Reading every notes file can take seconds with many notes:
            // never on the loop.
            cx.workers
                .all_notes(cx.data.clone(), (*app.entries).clone());
            Performed::Nothing
        }
        Effect::Export {
            docs,
            name,
            selection,
        } => msg(jobs::export_sheet(
            cx.store,
            cx.data,
            (&docs, &name, selection.as_deref()),
            &now(),
        )),
        Effect::Copy(text) => {
            term::copy_to_clipboard(&text);
            Performed::Nothing
        }
        Effect::SaveState(state) => msg(jobs::save_state(
            cx.store,
            &storage::Fallback::for_data_dir(cx.data),
            cx.data,
            &state,
        )),
        Effect::SaveSessions(file) => msg(jobs::save_sessions(
            cx.store,
            &storage::Fallback::for_data_dir(cx.data),
            cx.data,
            &file,
        )),
        Effect::WriteUnsaved {
            path,
            documents,
            state,
            sessions,
            reviews,
        } => msg(jobs::write_unsaved(
            cx.store,
            path,
            storage::Unsaved {
                documents: &documents,
                state: state.as_ref(),
                sessions: sessions.as_ref(),
            },
            &reviews,
            &now(),
        )),
        Effect::PrepareReview { generation, now } => {
            // Reading every notes file and the whole log: never on the loop.
            cx.workers.prepare_review(generation, now, cx.data.clone());
            Performed::Nothing
        }
        Effect::CountDue { now } => {
            cx.workers.due_counts(now, cx.data.clone());
            Performed::Nothing
        }
        Effect::AppendReview(review) => msg(jobs::append_review(cx.data, review)),
        Effect::RestoreBackup { key, path } => msg(jobs::restore_backup(cx.store, key, &path)),
        Effect::Quit(code) => Performed::Exit(code),
        Effect::Suspend => {
            term::suspend(cx.terminal);
            let size = cx.terminal.size().map_or(app.size, |s| (s.width, s.height));
            msg(Msg::Resize(size.0, size.1))
        }
        Effect::Redraw => {
            term::full_redraw(cx.terminal);
            Performed::Nothing
        }
    }
}

/// Performs one notes save (on the saver thread, or here if it could not
/// start).
pub(super) fn save_job(store: &Store, data: &DataDir, j: saver::Job) -> Msg {
    jobs::save_notes(
        store,
        &storage::Fallback::for_data_dir(data),
        j.key,
        &j.path,
        &j.file,
        j.retire,
        j.generation,
    )
}
