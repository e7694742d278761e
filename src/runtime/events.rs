//! Terminal events → messages, through the keymap (the only place keys mean
//! anything).

use ratatui::crossterm::event::Event;

use crate::app::{App, Msg};
use crate::input::{action, keymap};

/// Terminal event → message, through the keymap (the only place keys mean
/// anything). In a prompt, keys the prompt does not bind are typed.
pub(crate) fn translate(app: &App, ev: &Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => {
            let contexts = app.contexts();
            if let Some(a) = app.keymap.lookup(&contexts, k) {
                return Some(Msg::Action(a));
            }
            if contexts.contains(&action::Context::Prompt) {
                return keymap::text_edit(k).map(Msg::Text);
            }
            if app.editor.is_some() {
                return keymap::editor_input(k).map(Msg::EditorInput);
            }
            if contexts.contains(&action::Context::Reader) {
                return keymap::digit(k).map(Msg::Digit);
            }
            None
        }
        Event::Mouse(m) => keymap::mouse(m).map(|(kind, col, row)| Msg::Mouse { kind, col, row }),
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        _ => None,
    }
}
