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
//! `--session NAME` resumes a session of that name.

use std::path::PathBuf;

use super::{App, Effect, Prompt, PromptKind};
use crate::input::action::{Action, Context};
use crate::library::Source;
use crate::storage::{Pause, Session, SessionMark, SessionsFile};

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
    /// The last save failed (why): retried when idle or at a tick, not at
    /// every key.
    failed: Option<String>,
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
        Some(p) => app.message = Some(p),
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
    if ss.dirty && (ss.failed.is_none() || quiet || quitting.is_some()) {
        ss.dirty = false;
        ss.saved_at = ss.shown;
        let save = Effect::SaveSessions(ss.file.clone());
        match quitting {
            Some(at) => fx.insert(at, save),
            None => fx.push(save),
        }
    }
}

/// The result of a save: what is on disk now (merged with other windows'
/// sessions), or why it did not land.
pub(super) fn saved(app: &mut App, result: Result<(SessionsFile, Option<PathBuf>), String>) {
    match result {
        Ok((file, aside)) => {
            app.sessions.file = app.sessions.file.merged_with(&file);
            app.sessions.failed = None;
            if let Some(aside) = aside {
                app.startup_problem(format!(
                    "sessions.toml could not be read: it was kept as {}; sessions are saved in a new one",
                    aside.display()
                ));
            }
        }
        Err(e) => {
            app.sessions.dirty = true;
            if app.sessions.failed.as_ref() != Some(&e) {
                app.error(format!(
                    "session not saved ({e}); its entries carry its name anyway — tried again in a moment"
                ));
            }
            app.sessions.failed = Some(e);
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
