//! Keys → [`Action`]s: the binding model and the lookup every key press goes
//! through. A [`Keymap`] holds the keys of each action per [`Context`] and
//! the reverse map from a key to its action.
//!
//! The rest of the keymap lives beside this file, one concern each:
//! [`key`] the key notation (`ctrl-d`, `G`, `shift-tab`); [`load`] reading
//! `keymap.toml` (the shipped defaults and a user's file go through the same
//! code, merged per action); [`problem`] what a bad file is told; [`help`]
//! the help rows and status hints, read from the live map so they cannot
//! drift from it; [`translate`] the raw input that is not a binding (typed
//! text, counts, the mouse).
//!
//! Only this folder sees crossterm [`KeyEvent`]s. A bad keymap never stops
//! the app or locks the user in (RELIABILITY I5): every problem is reported
//! with its file and line, the previous keys are kept, and `quit` and `help`
//! always keep a key.

use std::collections::{BTreeMap, HashMap};

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

use crate::input::action::{Action, Context};

mod help;
mod key;
mod load;
mod problem;
#[cfg(test)]
mod test_support;
mod translate;

#[cfg(test)]
pub(crate) use key::is_unprintable;

pub use help::HelpRow;
pub use key::Key;
pub use problem::{KeymapProblem, ProblemKind};
pub use translate::{digit, editor_input, mouse, text_edit};

/// The shipped keymap, compiled in.
pub const DEFAULT_KEYMAP: &str = include_str!("../../../keymap.toml");

/// The keymap's hash maps: keys, contexts and actions are a few bytes
/// each and come from our own files, so foldhash's fixed hasher (already
/// built for hashbrown) rather than SipHash, which was a fifth of building
/// the defaults before the first frame, and is asked on every key press.
pub(super) type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Bindings per context, plus the reverse map used on every key press.
///
/// Invariant: within one context a key belongs to at most one action.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<Context, BTreeMap<Action, Vec<Key>>>,
    reverse: Map<(Context, Key), Action>,
    /// [`Keymap::hint`]'s answers so far: the status line asks for ten
    /// of them on every frame, a line down's included, and each was a
    /// lookup and a formatted key (perf: 5 % of a line key). Emptied when
    /// bindings change.
    hints: std::cell::RefCell<Map<(Context, Action), String>>,
    /// [`Keymap::hint_line`]'s answers so far, by the state they are for:
    /// the status line's hints were formatted again on every frame (a
    /// twentieth of a line key, callgrind). Emptied when bindings change.
    hint_lines: std::cell::RefCell<Map<u64, std::rc::Rc<[String]>>>,
    /// See [`Keymap::stamp`].
    stamp: u64,
}

/// The last [`Keymap::stamp`] handed out.
static STAMPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Keymap {
    /// The shipped bindings, parsed by the same code as a user's file. A
    /// unit test keeps that file free of problems, so none are returned.
    pub fn defaults() -> Keymap {
        let mut keymap = Keymap {
            bindings: BTreeMap::new(),
            reverse: Map::default(),
            hints: Default::default(),
            hint_lines: Default::default(),
            stamp: 0,
        };
        keymap.merge_builtin(DEFAULT_KEYMAP);
        keymap
    }

    /// The action for a key press, trying `contexts` in order (most specific
    /// first, e.g. `[Reader, Global]`). Releases never match, so a terminal
    /// that reports them does not fire every action twice.
    pub fn lookup(&self, contexts: &[Context], event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(event);
        contexts
            .iter()
            .find_map(|&context| self.reverse.get(&(context, key)).copied())
    }

    /// A number that changes whenever the bindings do, never the same for
    /// two sets of bindings in one run (a copy keeps it with its
    /// bindings): for what is made from the bindings and kept elsewhere,
    /// as the help's text laid out.
    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    /// The keys bound to `action` in `context` itself (no fallback).
    pub fn keys_for(&self, context: Context, action: Action) -> &[Key] {
        self.bindings
            .get(&context)
            .and_then(|actions| actions.get(&action))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use Context::{Global, Help, Notes, Prompt, Reader};
    use ratatui::crossterm::event::KeyCode::{BackTab, Char};
    use ratatui::crossterm::event::KeyEventKind::{Press, Release, Repeat};
    use ratatui::crossterm::event::KeyModifiers;

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

    #[test]
    fn only_presses_and_repeats_match() {
        let keymap = Keymap::defaults();
        let cases = [
            (Char('j'), NONE, Press, Some(Action::Down)),
            (Char('j'), NONE, Repeat, Some(Action::Down)),
            (Char('j'), NONE, Release, None),
            (Char('G'), SHIFT, Press, Some(Action::Bottom)),
            (Char('g'), SHIFT, Press, Some(Action::Bottom)),
            (BackTab, NONE, Press, Some(Action::FocusPrev)),
        ];
        for (code, modifiers, kind, expected) in cases {
            let event = KeyEvent::new_with_kind(code, modifiers, kind);
            let got = keymap.lookup(&[Reader, Global], &event);
            assert_eq!(got, expected, "{kind:?} of {code:?} + {modifiers:?}");
        }
    }

    #[test]
    fn lookup_tries_the_most_specific_context_first() {
        let keymap = Keymap::defaults();
        assert_acts(
            &keymap,
            &[
                (Reader, "q", Some(Action::Quit)),
                (Help, "q", Some(Action::Cancel)),
                (Notes, "enter", Some(Action::Open)),
                (Reader, "enter", None),
            ],
        );
        let j = KeyEvent::new(Char('j'), NONE);
        assert_eq!(keymap.lookup(&[Prompt], &j), None, "j is typed in a prompt");
    }

    /// The defaults are read without the TOML parser: the same bindings
    /// as the TOML reader gives for the whole file.
    #[test]
    fn defaults_read_without_comments_are_the_whole_files() {
        let mut whole = Keymap {
            bindings: BTreeMap::new(),
            reverse: Map::default(),
            hints: Default::default(),
            hint_lines: Default::default(),
            stamp: 0,
        };
        assert!(whole.merge_str("keymap.toml", DEFAULT_KEYMAP).is_empty());
        let defaults = Keymap::defaults();
        assert_eq!(defaults.bindings, whole.bindings);
        assert_eq!(defaults.reverse, whole.reverse);
        assert!(!defaults.bindings.is_empty());
    }

    #[test]
    fn shipped_keymap_has_no_problems_and_binds_the_contract() {
        let mut keymap = Keymap::defaults();
        let problems = keymap.merge_str("keymap.toml", DEFAULT_KEYMAP);
        assert!(problems.is_empty(), "shipped keymap.toml: {problems:#?}");
        let contract = "global quit q ctrl-c | global help ? | global focus_next tab \
            | global focus_prev shift-tab | global suspend ctrl-z | global redraw ctrl-l \
            | global up k up | global down j down | global page_down space pagedown ctrl-f \
            | global page_up pageup ctrl-b | global half_page_down ctrl-d \
            | global half_page_up ctrl-u | global top g home | global bottom G end \
            | global cancel esc | global jump_back ctrl-o | global jump_forward ctrl-i alt-o \
            | global find_everywhere F | reader search / | reader next_match n | reader prev_match N \
            | reader percent % | reader outline o | prompt toggle_regex ctrl-r \
            | outline open enter | outline cancel esc o q \
            | find open enter | find find_everywhere / F | find cancel esc q \
            | library open enter | library filter / | reader add_bookmark m \
            | reader annotate a | reader note_document A | reader select v | reader export E \
            | select annotate a | select highlight h | select copy y | select cancel esc v \
            | notes open enter | notes edit e | notes delete d | notes undo u | notes restore_backup B | notes add_bookmark m \
            | notes filter / | notes toggle_scope t | notes export E | notes note_document A \
            | editor save enter | editor newline alt-enter shift-enter ctrl-j | editor cancel esc \
            | prompt confirm enter | prompt cancel esc | help cancel esc q ? \
            | reader next_note ] | reader prev_note [ | notes next_note ] | notes prev_note [ \
            | select word_next w | select word_prev b | select sentence_next ) \
            | select sentence_prev ( | select paragraph_next } | select paragraph_prev { \
            | select swap_ends o | select confirm enter | notes reattach r | notes expand x \
            | prompt history_prev up | prompt history_next down \
            | global session c | global session_pause C \
            | unsaved retry r | unsaved write_unsaved w | unsaved quit_anyway q | unsaved cancel esc \
            | global review R \
            | review reveal space | review rate_again 1 | review rate_hard 2 | review rate_good 3 \
            | review rate_easy 4 | review undo u | review open enter | review cancel esc";
        for binding in contract.split(" | ") {
            let words: Vec<&str> = binding.split_whitespace().collect();
            let context = Context::from_name(words[0]).expect("a context");
            let action = Action::from_name(words[1]).expect("an action");
            let keys = printed(&keymap, context, action);
            assert_eq!(keys, words[2..], "contract: {binding}");
        }
        let rows = keymap.help_rows().len();
        assert_eq!(
            rows,
            contract.split(" | ").count(),
            "more bindings than the contract"
        );
        let lines: Vec<&str> = DEFAULT_KEYMAP.lines().collect();
        for pair in lines.windows(2) {
            if !pair[1].starts_with('#') && pair[1].contains(" = [") {
                assert!(pair[0].starts_with("# "), "no comment above {:?}", pair[1]);
            }
        }
    }

    /// Every action is named in the shipped file (with keys or an explicit
    /// `[]`), so the file documents the whole vocabulary, and every key in
    /// it parses on its own, not only as part of a merge that succeeded.
    #[test]
    fn shipped_keymap_names_every_action_and_every_key_parses() {
        let file: toml::Table = DEFAULT_KEYMAP.parse().expect("keymap.toml is TOML");
        let mut named = std::collections::BTreeSet::new();
        for (context, table) in &file {
            assert!(Context::from_name(context).is_some(), "unknown [{context}]");
            let table = table.as_table().expect("a table per context");
            for (action, keys) in table {
                let action = Action::from_name(action).expect("a known action");
                named.insert(action);
                let keys = keys.as_array().expect("a list of keys");
                for value in keys {
                    let text = value.as_str().expect("a key is a string");
                    let parsed = Key::parse(text);
                    assert!(parsed.is_ok(), "[{context}] {}: {text:?}", action.name());
                }
            }
        }
        let missing: Vec<&str> = Action::ALL
            .iter()
            .filter(|a| !named.contains(a))
            .map(|a| a.name())
            .collect();
        assert!(missing.is_empty(), "not in keymap.toml: {missing:?}");
    }
}
