//! The help rows and status-line hints, read from the live keymap so they
//! show the keys the user actually has (their own file included).

use super::{Key, Keymap};
use crate::input::action::{Action, Context};

/// One line of the help overlay, generated from the live keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub context: Context,
    pub action: Action,
    /// The keys as printed in the notation, in binding order.
    pub keys: Vec<String>,
    /// What the action does in this context ([`Action::description_in`]).
    pub description: &'static str,
}

impl Keymap {
    /// The first key that triggers `action` from `context`, printed, for the
    /// status line: bound in `context`, else a [`Context::Global`] key that
    /// `context` does not shadow (none for [`Context::Prompt`], which the app
    /// asks alone). `"(unbound)"` if there is none.
    pub fn hint(&self, context: Context, action: Action) -> String {
        if let Some(hint) = self.hints.borrow().get(&(context, action)) {
            return hint.clone();
        }
        let global = match context {
            Context::Prompt | Context::Editor | Context::Unsaved => &[],
            _ => self.keys_for(Context::Global, action),
        };
        let global = global
            .iter()
            .filter(|&&key| !self.reverse.contains_key(&(context, key)));
        let hint = self
            .keys_for(context, action)
            .iter()
            .chain(global)
            .next()
            .map_or_else(|| "(unbound)".to_owned(), Key::to_string);
        self.hints
            .borrow_mut()
            .insert((context, action), hint.clone());
        hint
    }

    /// The status line's hints for a state of the app, `state` a key of
    /// everything besides the bindings that they depend on: made by
    /// `build` the first time, then the same.
    pub fn hint_line(
        &self,
        state: u64,
        build: impl FnOnce() -> Vec<String>,
    ) -> std::rc::Rc<[String]> {
        if let Some(line) = self.hint_lines.borrow().get(&state) {
            return line.clone();
        }
        let line: std::rc::Rc<[String]> = build().into();
        self.hint_lines.borrow_mut().insert(state, line.clone());
        line
    }

    /// Every bound action per context, in [`Context::ALL`] then
    /// [`Action::ALL`] order.
    pub fn help_rows(&self) -> Vec<HelpRow> {
        let mut rows = Vec::new();
        for &context in Context::ALL {
            for &action in Action::ALL {
                let keys = self.keys_for(context, action);
                if !keys.is_empty() {
                    rows.push(HelpRow {
                        context,
                        action,
                        keys: keys.iter().map(Key::to_string).collect(),
                        description: action.description_in(context),
                    });
                }
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use Context::{Global, Help, Prompt, Reader};

    /// A hint asked for before a user's file is merged is not kept past
    /// it: the status line shows the key the file binds.
    #[test]
    fn a_hint_asked_before_a_merge_follows_it() {
        let mut keymap = Keymap::defaults();
        assert_eq!(keymap.hint(Reader, Action::AddBookmark), "m");
        assert!(
            keymap
                .merge_str("user.toml", "[reader]\nadd_bookmark = [\"b\"]\n")
                .is_empty()
        );
        assert_eq!(keymap.hint(Reader, Action::AddBookmark), "b");
        assert_eq!(keymap.clone().hint(Reader, Action::AddBookmark), "b");
    }

    #[test]
    fn help_rows_and_hints_follow_the_live_keymap() {
        let keymap = Keymap::defaults();
        let hints = [
            (Global, Action::Help, "?"),
            (Reader, Action::Quit, "q"),         // from [global]
            (Help, Action::Quit, "ctrl-c"),      // q means cancel in [help]
            (Prompt, Action::Quit, "(unbound)"), // a prompt sees only [prompt]
        ];
        for (context, action, expected) in hints {
            assert_eq!(
                keymap.hint(context, action),
                expected,
                "{action:?} in {context:?}"
            );
        }

        let (keymap, problems) = merged("[global]\nhelp = [\"f1\", \"h\"]\n");
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(keymap.hint(Reader, Action::Help), "f1");
        let rows = keymap.help_rows();
        let help = rows
            .iter()
            .find(|r| (r.context, r.action) == (Global, Action::Help));
        let help = help.expect("help has a row");
        assert_eq!(help.keys, ["f1", "h"], "help row misses the user's keys");
        assert_eq!(help.description, Action::Help.description());
        assert!(
            rows.iter().all(|r| !r.keys.is_empty()),
            "row for an unbound action"
        );
    }
}
