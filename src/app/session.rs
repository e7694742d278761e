//! Lecture sessions: `c` starts one (a prompt suggests "<folder> · <date>")
//! or ends the one running, `C` pauses and resumes its clock, and every
//! entry made meanwhile carries the session's name and clock
//! ([`SessionMark`]).
//!
//! The clock is worked out from `App::now`, the time every message brings,
//! so nothing here reads a clock: the run loop sends [`super::Msg::Tick`]
//! once a second while a clock runs (only then), and tests pass any time.
//! Every change to a session is saved at once (`Effect::SaveSessions`,
//! appended by [`after_update`]); a running session is saved again every
//! [`CHECKPOINT_SECS`] of clock, so a marginote killed mid-lecture loses
//! at most that much of it.
//!
//! Quitting stops the clock (a pause at the time of quitting) and leaves
//! the session unfinished: the next `c` offers to resume it, and
//! `--session NAME` resumes a session of that name. `q` waits for that
//! save like the reading position's: a save that fails (a read-only data
//! folder) puts a copy in the temporary folder and is listed in the quit
//! question with the notes (see `unsaved`); staying on puts the clock back
//! as if it had not stopped.

use std::path::PathBuf;

use super::{App, Effect, Prompt, PromptKind};
use crate::input::action::{Action, Context};
use crate::library::Source;
use crate::storage::{Pause, SaveFailure, Session, SessionMark, SessionsFile};

/// Seconds of clock between saves of a running session.
pub const CHECKPOINT_SECS: u64 = 60;
/// Longest session name kept, in characters.
const NAME_CHARS: usize = 120;

/// The sessions as this window knows them, and the one it runs.
#[derive(Debug, Default)]
pub struct Sessions {
    pub file: SessionsFile,
    /// The session this window runs (its clock running or paused).
    pub current: Option<String>,
    /// The clock of `current` at the last message, for drawing.
    pub shown: u64,
    /// `shown` when the session was last saved (for the checkpoints).
    saved_at: u64,
    /// Changed since the last save effect.
    dirty: bool,
    /// `q` stopped the clock; staying on (esc at the quit question)
    /// starts it again.
    stopped_for_quit: bool,
    /// A save quitting waits for is under way.
    quit_save_pending: bool,
}

impl Sessions {
    pub fn new(file: SessionsFile) -> Sessions {
        Sessions {
            file,
            ..Sessions::default()
        }
    }

    /// The session this window runs.
    pub fn current(&self) -> Option<&Session> {
        self.file.by_id(self.current.as_deref()?)
    }

    fn current_mut(&mut self) -> Option<&mut Session> {
        let id = self.current.clone()?;
        self.file.by_id_mut(&id)
    }

    /// Whether this window's session clock is running.
    pub fn running(&self) -> bool {
        self.current().is_some_and(|s| s.running)
    }

    /// To be saved at the next chance (a copy waiting elsewhere).
    pub(super) fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Quitting waits for a save of the sessions still under way.
    pub(super) fn quit_waits(&self) -> bool {
        self.quit_save_pending
    }
}

/// A clock reading: `H:MM:SS` from an hour on, else `M:SS`.
pub fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// A name as typed or given: one line, no control characters, trimmed.
fn clean_name(name: &str) -> String {
    let one: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = one.split_whitespace().collect();
    words.join(" ").chars().take(NAME_CHARS).collect()
}

impl App {
    /// Whether the loop must tick once a second (a session clock runs).
    pub fn session_ticks(&self) -> bool {
        self.sessions.running()
    }

    /// The session the Notes pane's session scope shows: the one running
    /// here, else the most recently started.
    pub fn scope_session(&self) -> Option<&Session> {
        self.sessions
            .current()
            .or_else(|| self.sessions.file.latest())
    }

    /// The course a new session is named after: the folder of the open
    /// (else the selected) document; the bundled essays are "essays".
    fn course(&self) -> String {
        let entry = self
            .open_entry()
            .or_else(|| {
                self.lib_view
                    .get(self.lib_selected)
                    .and_then(|&i| self.entries.get(i))
            })
            .or_else(|| self.entries.first());
        let folder = match entry.map(|e| &e.source) {
            Some(Source::File(path)) => path
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned()),
            Some(Source::Bundled { .. }) => Some("essays".to_string()),
            None => None,
        };
        clean_name(&folder.unwrap_or_else(|| "lecture".to_string()))
    }
}

/// Touches a session at `now`: its clock is carried to `now` (so
/// `elapsed` stays "as of `updated`").
fn touch(s: &mut Session, now: &str) {
    s.elapsed = s.elapsed_at(now);
    s.updated = now.to_string();
}

/// `c`: ends the session this window runs, else asks for a name to start
/// (or resume) one.
pub(super) fn toggle(app: &mut App) {
    if app.sessions.current.is_some() {
        end(app);
        return;
    }
    let date = app.now.get(..10).unwrap_or_default().to_string();
    let fresh = if date.is_empty() {
        app.course()
    } else {
        format!("{} · {date}", app.course())
    };
    // The last session left unfinished (marginote was closed during it)
    // is offered first: a student reopening mid-lecture means to go on.
    let (label, suggestion) = match app.sessions.file.latest().filter(|s| !s.is_finished()) {
        Some(s) => ("Resume session (or type a new name)", s.name.clone()),
        None => ("Start a session named", fresh),
    };
    app.prompt = Some(Prompt::suggesting(
        label,
        clean_name(&suggestion),
        PromptKind::SessionName,
    ));
}

/// Starts the session `name`, or resumes it if one of that name exists.
pub(super) fn begin(app: &mut App, name: &str) {
    let name = clean_name(name);
    if name.is_empty() {
        app.error("a session needs a name: none started");
        return;
    }
    if app.sessions.current.is_some() {
        end(app);
    }
    let now = app.now.clone();
    let existing = app.sessions.file.by_name(&name).map(|s| s.id.clone());
    let id = match existing {
        Some(id) => {
            let Some(s) = app.sessions.file.by_id_mut(&id) else {
                return;
            };
            // The time it stood still (ended, paused, or marginote closed
            // or killed) is a pause: the clock goes on from where it was.
            let stopped = s.ended.take().unwrap_or_else(|| s.updated.clone());
            match s.pauses.last_mut().filter(|p| p.resumed.is_none()) {
                Some(p) => p.resumed = Some(now.clone()),
                None => s.pauses.push(Pause {
                    at: stopped,
                    resumed: Some(now.clone()),
                    extra: toml::Table::new(),
                }),
            }
            s.running = true;
            s.updated.clone_from(&now);
            let shown = clock(s.elapsed);
            let what = format!("resumed session “{}” at {shown}", s.name);
            app.info(what);
            id
        }
        None => {
            let id = app.new_id('s');
            app.sessions.file.sessions.push(Session {
                id: id.clone(),
                name: name.clone(),
                started: now.clone(),
                ended: None,
                elapsed: 0,
                running: true,
                updated: now,
                entries: 0,
                documents: Vec::new(),
                pauses: Vec::new(),
                extra: toml::Table::new(),
            });
            let c = app.keymap.hint(Context::Global, Action::Session);
            let p = app.keymap.hint(Context::Global, Action::SessionPause);
            app.info(format!(
                "session “{name}” started: notes, highlights and bookmarks record it · {p} pauses · {c} ends it"
            ));
            id
        }
    };
    app.sessions.current = Some(id);
    app.sessions.shown = app.sessions.current().map_or(0, |s| s.elapsed);
    app.sessions.saved_at = app.sessions.shown;
    app.sessions.dirty = true;
}

/// Ends the session this window runs, saying how long it ran and what it
/// recorded.
fn end(app: &mut App) {
    let now = app.now.clone();
    let Some(s) = app.sessions.current_mut() else {
        app.sessions.current = None;
        return;
    };
    touch(s, &now);
    s.running = false;
    s.ended = Some(now);
    let docs = s.documents.len();
    let what = format!(
        "session “{}” ended: {} · {} {} in {docs} {}",
        s.name,
        clock(s.elapsed),
        s.entries,
        if s.entries == 1 { "entry" } else { "entries" },
        if docs == 1 { "document" } else { "documents" },
    );
    app.sessions.current = None;
    app.sessions.dirty = true;
    app.info(what);
}

/// `C`: pauses or resumes the clock of the session this window runs.
pub(super) fn toggle_pause(app: &mut App) {
    let now = app.now.clone();
    let c = app.keymap.hint(Context::Global, Action::Session);
    let p = app.keymap.hint(Context::Global, Action::SessionPause);
    let Some(s) = app.sessions.current_mut() else {
        app.info(format!("no session is running: {c} starts one"));
        return;
    };
    touch(s, &now);
    let what = if s.running {
        s.running = false;
        s.pauses.push(Pause {
            at: now,
            resumed: None,
            extra: toml::Table::new(),
        });
        format!(
            "session “{}” paused at {} · {p} resumes",
            s.name,
            clock(s.elapsed)
        )
    } else {
        s.running = true;
        if let Some(open) = s.pauses.last_mut().filter(|p| p.resumed.is_none()) {
            open.resumed = Some(now);
        }
        format!("session “{}” resumed at {}", s.name, clock(s.elapsed))
    };
    app.sessions.dirty = true;
    app.info(what);
}

/// The mark for an entry being made in the open document now, counted in
/// the session (`None` when no session runs here).
pub(super) fn mark(app: &mut App) -> Option<SessionMark> {
    let now = app.now.clone();
    let key = app.open_entry().map(|e| e.key.clone());
    let s = app.sessions.current_mut()?;
    touch(s, &now);
    s.entries += 1;
    if let Some(key) = key
        && !s.documents.contains(&key)
    {
        s.documents.push(key);
    }
    let mark = SessionMark {
        name: s.name.clone(),
        elapsed: s.elapsed,
        extra: toml::Table::new(),
    };
    app.sessions.dirty = true;
    Some(mark)
}

/// `--session NAME` at launch.
pub(super) fn start_at_launch(app: &mut App, name: &str) {
    // A problem found at start stays in front of the news.
    let problem = app.message.clone().filter(|m| m.sticky);
    begin(app, name);
    match problem {
        Some(p) => {
            app.message = Some(p);
            app.held = None;
        }
        // Said until a key is pressed, not wiped by the first document
        // opening.
        None => {
            if let Some(m) = app.message.as_mut() {
                m.sticky = true;
            }
        }
    }
}

impl App {
    /// Said at start when the last session was left unfinished.
    pub fn unfinished_session_note(&self) -> Option<String> {
        let s = self.sessions.file.latest().filter(|s| !s.is_finished())?;
        let c = self.keymap.hint(Context::Global, Action::Session);
        Some(format!(
            "session “{}” was left unfinished at {}: {c} then enter resumes it",
            s.name,
            clock(s.elapsed)
        ))
    }
}

/// What every message ends with: the clock read again, a running session
/// saved every [`CHECKPOINT_SECS`], the clock stopped when the app quits,
/// and a save effect for whatever changed (before any `Quit`).
/// `quiet`: a tick or an idle moment, when a failed save is tried again.
pub(super) fn after_update(app: &mut App, fx: &mut Vec<Effect>, quiet: bool) {
    let now = app.now.clone();
    let quitting = fx.iter().position(|e| matches!(e, Effect::Quit(_)));
    let ss = &mut app.sessions;
    if let (Some(_), Some(s)) = (quitting, ss.current_mut()) {
        // Leaving: the clock stops at the time of quitting and the session
        // stays unfinished, to be resumed (see the module docs).
        if s.running {
            touch(s, &now);
            s.running = false;
            s.pauses.push(Pause {
                at: now.clone(),
                resumed: None,
                extra: toml::Table::new(),
            });
            ss.dirty = true;
        }
    }
    ss.shown = ss.current().map_or(0, |s| s.elapsed_at(&now));
    if ss.running() && ss.shown >= ss.saved_at + CHECKPOINT_SECS {
        if let Some(s) = ss.current_mut() {
            touch(s, &now);
        }
        ss.dirty = true;
    }
    // After a failure the save is tried again when quiet (idle, a tick),
    // not at every key.
    let failing = app.saving.sessions_failed.is_some();
    if ss.dirty && (!failing || quiet || quitting.is_some()) {
        ss.dirty = false;
        ss.saved_at = ss.shown;
        let save = Effect::SaveSessions(ss.file.clone());
        match quitting {
            Some(at) => fx.insert(at, save),
            None => fx.push(save),
        }
    }
}

/// `q`: the clock stops (as quitting stops it, see [`after_update`]) and
/// whatever changed is saved now, so that quitting can wait for it.
pub(super) fn save_for_quit(app: &mut App) -> Vec<Effect> {
    let now = app.now.clone();
    let ss = &mut app.sessions;
    if let Some(s) = ss.current_mut()
        && s.running
    {
        touch(s, &now);
        s.running = false;
        s.pauses.push(Pause {
            at: now,
            resumed: None,
            extra: toml::Table::new(),
        });
        ss.dirty = true;
        ss.stopped_for_quit = true;
    }
    if !ss.dirty {
        return Vec::new();
    }
    ss.dirty = false;
    ss.saved_at = ss.shown;
    ss.quit_save_pending = true;
    vec![Effect::SaveSessions(ss.file.clone())]
}

/// Not quitting after all (esc at the quit question): the clock `q`
/// stopped runs on as if it never had (the time the question was up
/// counts).
pub(super) fn stay(app: &mut App) {
    let ss = &mut app.sessions;
    if !std::mem::take(&mut ss.stopped_for_quit) {
        return;
    }
    let Some(s) = ss.current_mut() else { return };
    if s.pauses.last().is_some_and(|p| p.resumed.is_none()) {
        s.pauses.pop();
    }
    s.running = true;
    ss.dirty = true;
}

/// The quit question's retry: the sessions saved again if their save
/// failed.
pub(super) fn retry(app: &mut App) -> Vec<Effect> {
    if app.saving.sessions_failed.is_none() {
        return Vec::new();
    }
    let ss = &mut app.sessions;
    ss.dirty = false;
    ss.saved_at = ss.shown;
    ss.quit_save_pending = app.saving.quitting;
    vec![Effect::SaveSessions(ss.file.clone())]
}

/// The result of a save: what is on disk now (merged with other windows'
/// sessions), or why it did not land and where the sessions are instead
/// (the temporary folder, or only memory): kept, retried when quiet, and
/// listed when quitting.
pub(super) fn saved(
    app: &mut App,
    result: Result<(SessionsFile, Option<PathBuf>), SaveFailure>,
) -> Vec<Effect> {
    app.sessions.quit_save_pending = false;
    match result {
        Ok((file, aside)) => {
            app.sessions.file = app.sessions.file.merged_with(&file);
            if app.saving.sessions_failed.take().is_some() {
                app.info("the lecture sessions are saved now, in the data folder");
            }
            if let Some(aside) = aside {
                app.startup_problem(format!(
                    "sessions.toml could not be read: it was kept as {}; sessions are saved in a new one",
                    aside.display()
                ));
            }
            super::unsaved::quit_if_done(app)
        }
        Err(failure) => {
            app.sessions.dirty = true;
            let again = app
                .saving
                .sessions_failed
                .as_ref()
                .is_some_and(|was| was.message == failure.message);
            if !again {
                app.error(format!(
                    "{} — entries made meanwhile carry the session's name anyway",
                    failure.message
                ));
            }
            app.saving.sessions_failed = Some(failure);
            super::unsaved::ask_if_quitting(app);
            Vec::new()
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
