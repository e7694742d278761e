//! What is not where it belongs yet, and never lost for that: notes whose
//! save failed (kept in memory, or in the temporary folder), a reading
//! position or lecture sessions that were not saved, ratings the review
//! log did not take, and an edit that raced a delete in another window.
//! Failed saves are retried when idle; quitting with anything unsaved asks
//! first (retry, write it to a named file, or quit anyway).

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{App, Effect, Prompt, PromptKind};
use crate::input::action::{Action, Context};
use crate::storage::{Note, NotesFile, Reclaimed, SaveFailure, StateFile};

/// One document's notes that are not in their file.
#[derive(Debug, Clone, PartialEq)]
pub struct Stranded {
    pub key: String,
    pub title: String,
    /// Where they belong.
    pub path: PathBuf,
    /// The latest copy (the open document's notes are newer still).
    pub file: NotesFile,
    /// The copy in the temporary folder; `None`: only in memory.
    pub fallback: Option<PathBuf>,
    /// What the user was told when the save failed.
    pub message: String,
    /// Why the save failed.
    pub reason: String,
}

/// The app's record of saves that did not land.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Saving {
    pub stranded: Vec<Stranded>,
    /// Why the reading position was not saved, and where its copy is (it
    /// is retried when idle).
    pub state_failed: Option<SaveFailure>,
    /// Why the lecture sessions were not saved, and where their copy is
    /// (retried when idle and at the clock's ticks).
    pub sessions_failed: Option<SaveFailure>,
    /// Quit was asked for: leave as soon as everything is saved.
    pub quitting: bool,
    /// The note whose edit is being saved: another window may have
    /// deleted it meanwhile (see [`notes_saved`]).
    pub edited: Option<Note>,
    /// Documents whose save is an automatic retry (its failure is not
    /// shown again).
    retrying: BTreeSet<String>,
    /// Review ratings the review log did not take yet (retried when idle).
    pub reviews: Vec<crate::study::review::Review>,
    /// The last generation given to a notes save.
    generation: u64,
    /// Per document, the generation of its newest notes save whose result
    /// has not come back (saves run on the saver thread, in order).
    pub in_flight: std::collections::BTreeMap<String, u64>,
    /// What the status line says once a save the user is waiting on is
    /// written ("note saved"); until then it says [`SAVING_NOTE`].
    pub confirm: Option<Confirm>,
}

/// What the status line says while a note the user just wrote is on its
/// way to disk: never "saved" before the saver reports it written.
pub const SAVING_NOTE: &str = "saving note…";

/// A confirmation owed to the user for a notes save (see
/// [`Saving::confirm`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub key: String,
    /// The save that carries the change: its result, or a later one's
    /// (which holds it too), says it is on disk.
    pub generation: u64,
    /// What to say then ("note saved").
    pub text: &'static str,
}

impl Saving {
    pub fn is_clean(&self) -> bool {
        self.stranded.is_empty()
            && self.state_failed.is_none()
            && self.sessions_failed.is_none()
            && self.reviews.is_empty()
    }

    /// A new notes save of document `key`: its generation.
    pub fn sent(&mut self, key: &str) -> u64 {
        self.generation += 1;
        self.in_flight.insert(key.to_string(), self.generation);
        self.generation
    }

    /// The result of save `generation` of `key` came back: whether it is
    /// the newest save of that document (an older one's file lacks what
    /// was sent since, so it must not replace the notes in memory).
    pub fn answered(&mut self, key: &str, generation: u64) -> bool {
        match self.in_flight.get(key) {
            Some(&newest) if generation < newest => false,
            _ => {
                self.in_flight.remove(key);
                true
            }
        }
    }

    /// Whether a notes save has not come back yet.
    pub fn busy(&self) -> bool {
        !self.in_flight.is_empty()
    }
}

/// The keys of the quit question, as the live keymap binds them:
/// "r retry · w write to a file · q quit anyway · esc stay".
pub fn quit_keys(app: &App) -> String {
    let key = |a| app.keymap.hint(Context::Unsaved, a);
    format!(
        "{} retry · {} write to a file · {} quit anyway · {} stay",
        key(Action::Retry),
        key(Action::WriteUnsaved),
        key(Action::QuitAnyway),
        key(Action::Cancel)
    )
}
/// What the file prompt offers when nothing is typed.
pub const DEFAULT_FILE: &str = "marginote-unsaved-notes.toml";

/// A notes save failed: remember the notes (and where they are) until a
/// save works.
pub(super) fn notes_failed(app: &mut App, key: String, failure: SaveFailure) -> Vec<Effect> {
    let retry = app.saving.retrying.remove(&key);
    let open = app
        .notes
        .as_ref()
        .filter(|n| n.key == key)
        .map(|n| (n.path.clone(), n.file().clone()));
    let title = app
        .entries
        .iter()
        .find(|e| e.key == key)
        .map_or_else(|| key.clone(), |e| e.display_title().to_string());
    let same = match app.saving.stranded.iter_mut().find(|s| s.key == key) {
        Some(s) => {
            let same = s.message == failure.message;
            if let Some((path, file)) = open {
                s.path = path;
                // Merged, not replaced: the document may have been closed and
                // reopened from its file, which lacks what was stranded.
                s.file = file.merged_with(&s.file);
            }
            s.fallback = failure.fallback.clone().or(s.fallback.take());
            s.message.clone_from(&failure.message);
            s.reason.clone_from(&failure.reason);
            same
        }
        None => {
            if let Some((path, file)) = open {
                app.saving.stranded.push(Stranded {
                    key,
                    title,
                    path,
                    file,
                    fallback: failure.fallback.clone(),
                    message: failure.message.clone(),
                    reason: failure.reason.clone(),
                });
            }
            false
        }
    };
    // The edit is kept in memory with the rest; it did not reach the file.
    app.saving.edited = None;
    if !(retry && same) {
        app.error(&failure.message);
    }
    if app.saving.quitting {
        ask(app);
    }
    Vec::new()
}

/// The newest save `generation` of `key` came back (written or failed):
/// the confirmation it carries is owed no longer. Written, and the status
/// line still says the note is being saved, or says nothing (a key since
/// cleared it: typing on while a big file saves is the point of the
/// saver), it says so now ("note saved"); another message since (or the
/// failure's) is left standing.
pub(super) fn confirm_saved(app: &mut App, key: &str, generation: u64, written: bool) {
    let Some(c) = app
        .saving
        .confirm
        .take_if(|c| c.key == key && c.generation <= generation)
    else {
        return;
    };
    if written && app.message.as_ref().is_none_or(|m| m.text == SAVING_NOTE) {
        app.info(c.text);
    }
}

/// A notes save worked (`file` is what is on disk now, already in the
/// app): what was stranded is home, and an edit that lost to a delete in
/// another window is brought back.
pub(super) fn notes_saved(app: &mut App, key: &str, file: &NotesFile) -> Vec<Effect> {
    app.saving.retrying.remove(key);
    if let Some(i) = app.saving.stranded.iter().position(|s| s.key == key) {
        let s = app.saving.stranded.remove(i);
        app.info(format!(
            "the notes of “{}” are saved now, in {}",
            s.title,
            s.path.display()
        ));
    }
    let mut fx = restore_edit(app, key, file);
    fx.extend(quit_if_done(app));
    fx
}

/// Window B deleted the note window A was editing: the merge dropped it
/// (deletes win). A's words are not dropped: the note comes back, with the
/// new text, under a new id.
fn restore_edit(app: &mut App, key: &str, file: &NotesFile) -> Vec<Effect> {
    let Some(mut note) = app.saving.edited.take() else {
        return Vec::new();
    };
    let gone = !file.notes.iter().any(|n| n.id == note.id) && file.deleted.contains(&note.id);
    if !gone || app.notes.as_ref().is_none_or(|n| n.key != key) {
        return Vec::new();
    }
    note.id = app.new_id('n');
    let (Some(r), Some(n)) = (app.reader.as_ref(), app.notes.as_mut()) else {
        return Vec::new();
    };
    n.add_note(note, &r.doc);
    app.error(
        "another window had deleted this note while you edited it: it is back, with your new text",
    );
    app.save_notes()
}

/// The reading position's save came back.
pub(super) fn state_saved(app: &mut App, result: Result<(), SaveFailure>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            if let Some(was) = app.saving.state_failed.take()
                && was.fallback.is_some()
            {
                app.info("the reading position is saved now, in the data folder");
            }
            quit_if_done(app)
        }
        Err(failure) => {
            app.position_dirty = true;
            let again = app
                .saving
                .state_failed
                .as_ref()
                .is_some_and(|was| was.message == failure.message);
            if !again {
                app.error(&failure.message);
            }
            app.saving.state_failed = Some(failure);
            if app.saving.quitting {
                ask(app);
            }
            Vec::new()
        }
    }
}

/// A rating (or the sessions) did not reach the disk: asked about if
/// quitting.
pub(super) fn ask_if_quitting(app: &mut App) {
    if app.saving.quitting {
        ask(app);
    }
}

pub(super) fn quit_if_done(app: &mut App) -> Vec<Effect> {
    if app.saving.quitting
        && app.saving.is_clean()
        && !app.saving.busy()
        && !app.sessions.quit_waits()
    {
        app.saving.quitting = false;
        return vec![Effect::Quit(0)];
    }
    Vec::new()
}

/// `q`: save the position (and the sessions, the clock stopped) and leave
/// once they are saved, unless something is not where it belongs: then ask
/// first.
pub(super) fn quit(app: &mut App) -> Vec<Effect> {
    let mut fx = app.save_state();
    fx.extend(super::session::save_for_quit(app));
    if !app.saving.is_clean() {
        ask(app);
        return fx;
    }
    if fx.is_empty() && !app.saving.busy() {
        return vec![Effect::Quit(0)];
    }
    if app.saving.busy() {
        app.info("saving notes…");
    }
    // Leave once the notes, the position and the sessions are saved (or
    // ask, if a save fails).
    app.saving.quitting = true;
    fx
}

fn ask(app: &mut App) {
    app.saving.quitting = true;
    let label = format!("Not saved yet — {}", quit_keys(app));
    app.prompt = Some(Prompt::new(label, String::new(), PromptKind::UnsavedQuit));
}

/// An action at the quit question (the `[unsaved]` keys) or at the file
/// prompt that follows it.
pub(super) fn on_prompt_action(app: &mut App, a: Action, prompt: Prompt) -> Vec<Effect> {
    match (a, &prompt.kind) {
        (Action::QuitAnyway, PromptKind::UnsavedQuit) => vec![Effect::Quit(0)],
        (Action::Retry, PromptKind::UnsavedQuit) => {
            app.info("trying to save again…");
            let mut fx = retry_notes(app);
            fx.extend(super::review::retry(app));
            if app.saving.state_failed.is_some() {
                app.position_dirty = true;
                fx.extend(app.save_state());
            }
            fx.extend(super::session::retry(app));
            fx
        }
        (Action::WriteUnsaved, PromptKind::UnsavedQuit) => {
            app.prompt = Some(Prompt::new(
                "Write unsaved notes to",
                DEFAULT_FILE.to_string(),
                PromptKind::WriteUnsaved,
            ));
            Vec::new()
        }
        (Action::Cancel, PromptKind::UnsavedQuit) => {
            app.saving.quitting = false;
            super::session::stay(app);
            app.info("not quitting: unsaved notes are retried every few seconds");
            Vec::new()
        }
        (Action::Cancel, _) => {
            ask(app);
            Vec::new()
        }
        (Action::Confirm, PromptKind::WriteUnsaved) => {
            let documents = app
                .saving
                .stranded
                .iter()
                .map(|s| match app.notes.as_ref().filter(|n| n.key == s.key) {
                    Some(n) => n.file().clone(),
                    None => s.file.clone(),
                })
                .collect();
            let state: Option<StateFile> =
                app.saving.state_failed.as_ref().map(|_| app.state.clone());
            let sessions = app
                .saving
                .sessions_failed
                .as_ref()
                .map(|_| app.sessions.file.clone());
            vec![Effect::WriteUnsaved {
                path: PathBuf::from(prompt.value()),
                documents,
                state,
                sessions,
                reviews: app.saving.reviews.clone(),
            }]
        }
        _ => {
            app.prompt = Some(prompt);
            Vec::new()
        }
    }
}

/// The file asked for was written (then leave) or not (ask again).
pub(super) fn unsaved_written(app: &mut App, result: Result<PathBuf, String>) -> Vec<Effect> {
    match result {
        Ok(_) => vec![Effect::Quit(0)],
        Err(e) => {
            ask(app);
            app.error(format!("not written: {e}"));
            Vec::new()
        }
    }
}

/// Saves again every document whose save failed (on the idle tick: a
/// failing save is a lock attempt and a temp file, cheap at that pace).
pub(super) fn retry_notes(app: &mut App) -> Vec<Effect> {
    let mut fx = Vec::new();
    let keys: Vec<String> = app.saving.stranded.iter().map(|s| s.key.clone()).collect();
    for key in keys {
        app.saving.retrying.insert(key.clone());
        if app.notes.as_ref().is_some_and(|n| n.key == key) {
            let stranded = app.saving.stranded.iter().find(|s| s.key == key);
            let stranded = stranded.map(|s| s.file.clone());
            for mut e in app.save_notes() {
                if let (Effect::SaveNotes { file, .. }, Some(s)) = (&mut e, &stranded) {
                    *file = file.merged_with(s);
                }
                fx.push(e);
            }
        } else if let Some(s) = app.saving.stranded.iter().find(|s| s.key == key) {
            let (key, path, file) = (s.key.clone(), s.path.clone(), s.file.clone());
            let generation = app.saving.sent(&key);
            fx.push(Effect::SaveNotes {
                key,
                path,
                file,
                retire: None,
                generation,
            });
        }
    }
    fx
}

/// `R` in the Notes pane: put back the newest good backup of a notes file
/// that cannot be read.
pub(super) fn restore_backup(app: &mut App) -> Vec<Effect> {
    let Some(n) = app.notes.as_ref() else {
        app.error("open a document first");
        return Vec::new();
    };
    if n.problem.is_none() || n.file().is_read_only() {
        app.info("this document's notes file reads fine: there is nothing to restore");
        return Vec::new();
    }
    if app.saving.in_flight.contains_key(&n.key) {
        // The restore runs on the loop, the save on the saver thread: had
        // the save written first, the restore would move the new file
        // (with the notes just made) aside as if it were the unreadable
        // one. The save itself keeps the unreadable file aside (N6).
        let restore = app.keymap.hint(Context::Notes, Action::RestoreBackup);
        app.info(format!(
            "these notes are being saved (the unreadable file will be kept aside): press {restore} again if it still cannot be read"
        ));
        return Vec::new();
    }
    vec![Effect::RestoreBackup {
        key: n.key.clone(),
        path: n.path.clone(),
    }]
}

/// The backup was put back (or why not).
pub(super) fn backup_restored(
    app: &mut App,
    key: &str,
    result: Result<(NotesFile, PathBuf, Option<PathBuf>), String>,
) -> Vec<Effect> {
    let mut fx = Vec::new();
    match result {
        Ok((file, backup, aside)) => {
            let count = file.entry_count();
            if let Some(n) = app.notes.as_mut().filter(|n| n.key == key) {
                if let Some(r) = app.reader.as_ref() {
                    // Placed on a worker, as when the document opened.
                    n.replace_file(file, None);
                    fx.push(super::placing::start(n, &r.doc));
                }
                n.problem = None;
            }
            let kept = aside.map_or_else(String::new, |a| {
                format!("; the unreadable file was kept as {}", a.display())
            });
            app.info(format!(
                "restored {count} entries from {}{kept}",
                backup.display()
            ));
        }
        Err(e) => app.error(e),
    }
    fx
}

impl App {
    /// Copies in the temporary folder that the start could not bring home
    /// (the data folder still cannot be written): listed as not saved
    /// where they belong, and retried when idle like a failed save, so
    /// they come home as soon as the folder can be written.
    pub fn fallback_waiting(&mut self, reclaimed: &Reclaimed) {
        for left in &reclaimed.notes_left {
            let key = left.file.document.clone();
            if self.saving.stranded.iter().any(|s| s.key == key) {
                continue;
            }
            let title = self.entries.iter().find(|e| e.key == key).map_or_else(
                || left.file.title.clone(),
                |e| e.display_title().to_string(),
            );
            self.saving.stranded.push(Stranded {
                key,
                title,
                path: left.target.clone(),
                file: left.file.clone(),
                fallback: Some(left.spare.clone()),
                message: format!("notes waiting in the temporary folder — {}", left.reason),
                reason: left.reason.clone(),
            });
        }
        if let Some(left) = &reclaimed.sessions_left {
            // The copy's sessions are shown (and resumable) meanwhile.
            self.sessions.file = self.sessions.file.merged_with(&left.file);
            self.saving.sessions_failed = Some(SaveFailure {
                message: format!(
                    "lecture sessions waiting in the temporary folder — {}",
                    left.reason
                ),
                fallback: Some(left.spare.clone()),
                reason: left.reason.clone(),
            });
            self.sessions.mark_dirty();
        }
        if let Some(left) = &reclaimed.state_left {
            self.saving.state_failed = Some(SaveFailure {
                message: format!(
                    "reading positions waiting in the temporary folder — {}",
                    left.reason
                ),
                fallback: Some(left.spare.clone()),
                reason: left.reason.clone(),
            });
            self.position_dirty = true;
        }
    }

    /// Good news found at startup (notes that came home): kept on screen
    /// until a key is pressed, even when the first document opens.
    pub fn startup_note(&mut self, text: impl AsRef<str>) {
        self.say(text.as_ref(), super::Level::Info, true);
    }
}

#[cfg(test)]
#[path = "unsaved_tests.rs"]
mod tests;
