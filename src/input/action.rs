//! The vocabulary between the keymap and the application: every user-facing
//! command is an [`Action`], every place a key can mean something is a
//! [`Context`]. Names are the snake_case spelling used in `keymap.toml`.

use serde::{Deserialize, Serialize};

/// A command a key (or mouse gesture) can trigger.
///
/// The snake_case name (`scroll_half_down` style) is the name used in
/// `keymap.toml`; [`Action::ALL`] lists every bindable action in help order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    Suspend,
    Redraw,
    Up,
    Down,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    Top,
    Bottom,
    Open,
    AddBookmark,
    Delete,
    Undo,
    Cancel,
    Confirm,
    Annotate,
    NoteDocument,
    Select,
    Highlight,
    Copy,
    Edit,
    Filter,
    ToggleScope,
    Export,
    Save,
    Newline,
    Search,
    NextMatch,
    PrevMatch,
    ToggleRegex,
    Percent,
    Outline,
    JumpBack,
    JumpForward,
    FindEverywhere,
}

impl Action {
    /// Every bindable action, in the order the help overlay lists them.
    pub const ALL: &'static [Action] = &[
        Action::Quit,
        Action::Help,
        Action::FocusNext,
        Action::FocusPrev,
        Action::Suspend,
        Action::Redraw,
        Action::Up,
        Action::Down,
        Action::PageDown,
        Action::PageUp,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::AddBookmark,
        Action::Delete,
        Action::Undo,
        Action::Cancel,
        Action::Confirm,
        Action::Annotate,
        Action::NoteDocument,
        Action::Select,
        Action::Highlight,
        Action::Copy,
        Action::Edit,
        Action::Filter,
        Action::ToggleScope,
        Action::Export,
        Action::Save,
        Action::Newline,
        Action::Search,
        Action::NextMatch,
        Action::PrevMatch,
        Action::ToggleRegex,
        Action::Percent,
        Action::Outline,
        Action::JumpBack,
        Action::JumpForward,
        Action::FindEverywhere,
    ];

    /// The snake_case name used in `keymap.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::Suspend => "suspend",
            Action::Redraw => "redraw",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::AddBookmark => "add_bookmark",
            Action::Delete => "delete",
            Action::Undo => "undo",
            Action::Cancel => "cancel",
            Action::Confirm => "confirm",
            Action::Annotate => "annotate",
            Action::NoteDocument => "note_document",
            Action::Select => "select",
            Action::Highlight => "highlight",
            Action::Copy => "copy",
            Action::Edit => "edit",
            Action::Filter => "filter",
            Action::ToggleScope => "toggle_scope",
            Action::Export => "export",
            Action::Save => "save",
            Action::Newline => "newline",
            Action::Search => "search",
            Action::NextMatch => "next_match",
            Action::PrevMatch => "prev_match",
            Action::ToggleRegex => "toggle_regex",
            Action::Percent => "percent",
            Action::Outline => "outline",
            Action::JumpBack => "jump_back",
            Action::JumpForward => "jump_forward",
            Action::FindEverywhere => "find_everywhere",
        }
    }

    /// Parses a snake_case action name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// One-line description for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit (your place and notes are already saved)",
            Action::Help => "show or hide this help",
            Action::FocusNext => "focus the next pane",
            Action::FocusPrev => "focus the previous pane",
            Action::Suspend => "suspend to the shell (fg to come back)",
            Action::Redraw => "redraw the screen",
            Action::Up => "move up one line / row",
            Action::Down => "move down one line / row",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::HalfPageDown => "half a page down",
            Action::HalfPageUp => "half a page up",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::Open => "open the document / jump to the bookmark",
            Action::AddBookmark => "bookmark the passage at the reading cursor",
            Action::Delete => "delete the selected bookmark",
            Action::Undo => "undo the last delete",
            Action::Cancel => "close help or a prompt, back to the reader",
            Action::Confirm => "accept the prompt",
            Action::Annotate => "write a note on the passage at the cursor (or the selection)",
            Action::NoteDocument => "write a note on the whole document",
            Action::Select => "start selecting a passage; move to extend it",
            Action::Highlight => "highlight the selected passage",
            Action::Copy => "copy the selected passage to the clipboard (OSC 52)",
            Action::Edit => "edit the selected note",
            Action::Filter => "filter the notes by text or #tag",
            Action::ToggleScope => "show the notes of this document / of all documents",
            Action::Export => "export the notes shown as a Markdown study sheet",
            Action::Save => "save the note",
            Action::Newline => "start a new line in the note",
            Action::Search => "search the document (as you type; enter keeps, esc goes back)",
            Action::NextMatch => "go to the next match",
            Action::PrevMatch => "go to the previous match",
            Action::ToggleRegex => "switch the search between plain text and regex",
            Action::Percent => "after a number: go to that percent of the document",
            Action::Outline => "show the outline (headings) to jump to",
            Action::JumpBack => "go back to where you were before the last jump",
            Action::JumpForward => "go forward again in the jump history",
            Action::FindEverywhere => "search every document and every note",
        }
    }
}

/// Where a key is interpreted. Lookup goes from the most specific context
/// (the focused pane or open prompt) to [`Context::Global`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Library,
    Reader,
    Notes,
    /// A one-line text prompt (e.g. a bookmark label): unbound keys are typed.
    Prompt,
    /// The help overlay.
    Help,
    /// While a passage is being selected in the reader.
    Select,
    /// The note editor: unbound keys edit the text.
    Editor,
    /// The outline list.
    Outline,
    /// Results of a search across every document.
    Find,
}

impl Context {
    pub const ALL: &'static [Context] = &[
        Context::Global,
        Context::Library,
        Context::Reader,
        Context::Notes,
        Context::Prompt,
        Context::Help,
        Context::Select,
        Context::Editor,
        Context::Outline,
        Context::Find,
    ];

    /// The table name used in `keymap.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Library => "library",
            Context::Reader => "reader",
            Context::Notes => "notes",
            Context::Prompt => "prompt",
            Context::Help => "help",
            Context::Select => "select",
            Context::Editor => "editor",
            Context::Outline => "outline",
            Context::Find => "find",
        }
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// Edits inside a text prompt: keys the prompt context does not bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEdit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Clear the whole input (ctrl-u, as in a shell).
    Clear,
}

/// Mouse gestures the app reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    ScrollUp,
    ScrollDown,
    Click,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_round_trip() {
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a), "{a:?}");
        }
    }

    #[test]
    fn context_names_round_trip() {
        for &c in Context::ALL {
            assert_eq!(Context::from_name(c.name()), Some(c), "{c:?}");
        }
    }
}
