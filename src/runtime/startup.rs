//! Start-up: the keymap (defaults, the user's file, `--keymap`), the
//! library (bundled, a folder or files), the saved state, and every problem
//! found on the way, collected rather than fatal, into a ready [`App`].

use super::Options;
use crate::app::App;
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

    let (entries, scan_problems) = if args.paths.is_empty() {
        (library::bundled_entries(), Vec::new())
    } else {
        library::from_args(&args.paths)
    };
    problems.extend(scan_problems);

    let mut state_read_only = false;
    let state = match store.load_state(&data.state_path()) {
        LoadOutcome::Missing => storage::StateFile::default(),
        LoadOutcome::Loaded(s) => {
            state_read_only = s.is_read_only();
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

    let mut app = App::new(entries, keymap, state, args.measure);
    app.state_read_only = state_read_only;
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
    app.problems = problems
        .iter()
        .map(|p| sanitize::sanitize_line(p, 300))
        .collect();
    app
}
