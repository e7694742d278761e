//! Start-up: the keymap (defaults, the user's file, `--keymap`), the
//! library (bundled, a folder or files), the saved state, and every problem
//! found on the way, collected rather than fatal, into a ready [`App`].

use super::Options;
use crate::app::{self, App};
use crate::config;
use crate::input::{action, keymap};
use crate::library;
use crate::storage::{self, DataDir, LoadOutcome, Store};
use crate::text::sanitize;

/// The app as the command line and the data folder describe it.
pub(super) fn build_app(
    args: &Options,
    data: &DataDir,
    store: &Store,
    mut problems: Vec<String>,
) -> App {
    let mut keymap = keymap::Keymap::defaults();
    if let Some(dirs) = directories::ProjectDirs::from("", "", "marginote") {
        let user = dirs.config_dir().join("keymap.toml");
        problems.extend(keymap.merge_file(&user).into_iter().map(|p| p.message));
    }
    if let Some(path) = &args.keymap {
        if path.exists() {
            problems.extend(keymap.merge_file(path).into_iter().map(|p| p.message));
        } else {
            problems.push(format!(
                "{}: keymap file not found; using the default keys",
                path.display()
            ));
        }
    }

    let settings = match &args.config {
        Some(path) => config::load(path),
        None => config::default_path()
            .map(|p| config::load(&p))
            .unwrap_or_default(),
    };
    let (settings, setting_problems) = settings;
    problems.extend(setting_problems);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (palette, theme_problems) = config::palette(args.theme.as_deref(), &settings, no_color);
    problems.extend(theme_problems);

    // The command line's documents, else the settings' library, else the
    // bundled reading list.
    let paths = if args.paths.is_empty() {
        &settings.library
    } else {
        &args.paths
    };
    let (entries, scan_problems) = if paths.is_empty() {
        (library::bundled_entries(), Vec::new())
    } else {
        library::from_args(paths)
    };
    problems.extend(scan_problems);

    // Notes and positions a failed save left in the temporary folder come
    // home first, so the state read below holds them.
    let reclaimed = store.reclaim(&storage::Fallback::for_data_dir(data), data);
    problems.extend(reclaimed.problems.iter().cloned());

    let mut state_read_only = false;
    let state = match store.load_state(&data.state_path()) {
        LoadOutcome::Missing => storage::StateFile::default(),
        LoadOutcome::Loaded(s) => {
            if s.is_read_only() {
                problems.push(format!(
                    "state.toml made by a newer marginote: left untouched; reading positions are saved beside it as state.v{}.toml (in {})",
                    storage::SCHEMA_VERSION,
                    data.root.display()
                ));
            }
            s
        }
        LoadOutcome::Unreadable { problem } => {
            state_read_only = true;
            problems.push(format!(
                "{problem} — reading positions will not be saved until it is fixed"
            ));
            storage::StateFile::default()
        }
    };

    let sessions = match store.load_sessions(&data.sessions_path()) {
        LoadOutcome::Missing => storage::SessionsFile::default(),
        LoadOutcome::Loaded(s) => {
            if s.is_read_only() {
                problems.push(format!(
                    "sessions.toml made by a newer marginote: left untouched; sessions are saved beside it as sessions.v{}.toml (in {})",
                    storage::SCHEMA_VERSION,
                    data.root.display()
                ));
            }
            s
        }
        LoadOutcome::Unreadable { problem } => {
            problems.push(format!(
                "{problem} — it is kept aside, not overwritten, when the next session is saved"
            ));
            storage::SessionsFile::default()
        }
    };

    let measure = args
        .measure
        .or(settings.measure)
        .unwrap_or(app::DEFAULT_MEASURE);
    if reclaimed.any() && !problems.is_empty() {
        problems.insert(0, storage::reclaimed_message(&reclaimed, data));
    }

    let mut app = App::new(entries, keymap, state, measure);
    app.state_read_only = state_read_only;
    if reclaimed.any() && problems.is_empty() {
        app.startup_note(storage::reclaimed_message(&reclaimed, data));
    }
    app.sessions = app::Sessions::new(sessions);
    // After the sessions: a copy of them left waiting is merged in.
    app.fallback_waiting(&reclaimed);
    app.theme = palette;
    if settings.notes_scope == Some(config::NotesScope::All) {
        app.scope = app::Scope::AllDocuments;
    }
    if let Some(first) = problems.first() {
        let more = problems.len() - 1;
        let help = app
            .keymap
            .hint(action::Context::Global, action::Action::Help);
        if more > 0 {
            app.startup_problem(format!("{first} (and {more} more: press {help})"));
        } else {
            app.startup_problem(first);
        }
    }
    if problems.is_empty()
        && !reclaimed.any()
        && args.session.is_none()
        && let Some(note) = app.unfinished_session_note()
    {
        app.startup_note(note);
    }
    app.problems = problems
        .iter()
        .map(|p| sanitize::sanitize_line(p, 300))
        .collect();
    app
}
