//! Helpers shared by the keymap's unit tests (notation, lookup, loading,
//! problems, help): build keys and keymaps, and say what a keymap does.

use ratatui::crossterm::event::KeyEvent;

use super::{Key, Keymap, KeymapProblem, ProblemKind};
use crate::input::action::{Action, Context};

pub(super) fn key(text: &str) -> Key {
    Key::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

/// The defaults with `text` merged over them, as from a file `keymap.toml`.
pub(super) fn merged(text: &str) -> (Keymap, Vec<KeymapProblem>) {
    let mut keymap = Keymap::defaults();
    let problems = keymap.merge_str("keymap.toml", text);
    (keymap, problems)
}

/// Each `(context, key, action)`: a press of the key in `[context, Global]`.
#[track_caller]
pub(super) fn assert_acts(keymap: &Keymap, cases: &[(Context, &str, Option<Action>)]) {
    for &(context, text, expected) in cases {
        let event = KeyEvent::new(key(text).code(), key(text).modifiers());
        let got = keymap.lookup(&[context, Context::Global], &event);
        assert_eq!(got, expected, "{text:?} in [{}]", context.name());
    }
}

/// The keys of `action` in `context`, printed.
pub(super) fn printed(keymap: &Keymap, context: Context, action: Action) -> Vec<String> {
    keymap
        .keys_for(context, action)
        .iter()
        .map(Key::to_string)
        .collect()
}

/// Kind and line of each problem.
pub(super) fn found(problems: &[KeymapProblem]) -> Vec<(ProblemKind, Option<usize>)> {
    problems.iter().map(|p| (p.kind, p.line)).collect()
}
