//! The vocabulary between the keymap and the application: every user-facing
//! command is an [`Action`], every place a key can mean something is a
//! [`Context`]. Names are the snake_case spelling used in `keymap.toml`.
/// Declares [`Action`] from one table: each row is the variant, its
/// snake_case name in `keymap.toml`, and its line in the help overlay. The
/// enum, [`Action::ALL`] (help order), [`Action::name`] and
/// [`Action::description`] all come from the same row, so they cannot drift.
macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $desc:literal;)*) => {
        /// A command a key (or mouse gesture) can trigger.
        ///
        /// The snake_case name (`scroll_half_down` style) is the name used in
        /// `keymap.toml`; [`Action::ALL`] lists every bindable action in help order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[$doc])* $variant,)*
        }

        impl Action {
            /// Every bindable action, in the order the help overlay lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The snake_case name used in `keymap.toml`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            /// One-line description for the help overlay.
            pub fn description(self) -> &'static str {
                match self {
                    $(Action::$variant => $desc,)*
                }
            }
        }
    };
}

actions! {
    Quit = "quit", "quit (your place and notes are already saved)";
    Help = "help", "show or hide this help";
    FocusNext = "focus_next", "focus the next pane";
    FocusPrev = "focus_prev", "focus the previous pane";
    Suspend = "suspend", "suspend to the shell (fg to come back)";
    Redraw = "redraw", "redraw the screen";
    Up = "up", "move up one line / row";
    Down = "down", "move down one line / row";
    PageDown = "page_down", "page down";
    PageUp = "page_up", "page up";
    HalfPageDown = "half_page_down", "half a page down";
    HalfPageUp = "half_page_up", "half a page up";
    Top = "top", "go to the top";
    Bottom = "bottom", "go to the bottom";
    Open = "open", "open the document / jump to the bookmark";
    AddBookmark = "add_bookmark", "bookmark the passage at the reading cursor";
    Delete = "delete", "delete the selected bookmark";
    Undo = "undo", "undo the last delete";
    Cancel = "cancel", "close help or a prompt, back to the reader";
    Confirm = "confirm", "accept the prompt";
    Annotate = "annotate", "write a note on the passage at the cursor (or the selection)";
    NoteDocument = "note_document", "write a note on the whole document";
    Select = "select", "start selecting a passage; move to extend it";
    Highlight = "highlight", "highlight the selected passage";
    Copy = "copy", "copy the selected passage to the clipboard (OSC 52)";
    Edit = "edit", "edit the selected note";
    Filter = "filter", "filter the notes by text or #tag";
    ToggleScope = "toggle_scope", "show the notes of this document / of all documents";
    Export = "export", "export the notes shown as a Markdown study sheet";
    Save = "save", "save the note";
    Newline = "newline", "start a new line in the note";
    Search = "search", "search the document (as you type; enter keeps, esc goes back)";
    NextMatch = "next_match", "go to the next match";
    PrevMatch = "prev_match", "go to the previous match";
    ToggleRegex = "toggle_regex", "switch the search between plain text and regex";
    Percent = "percent", "after a number: go to that percent of the document";
    Outline = "outline", "show the outline (headings) to jump to";
    JumpBack = "jump_back", "go back to where you were before the last jump";
    JumpForward = "jump_forward", "go forward again in the jump history";
    FindEverywhere = "find_everywhere", "search every document and every note";
    HistoryPrev = "history_prev", "in the search prompt: the previous search typed";
    HistoryNext = "history_next", "in the search prompt: the next search typed";
    NextNote = "next_note", "go to the next note, highlight or bookmark in the text";
    PrevNote = "prev_note", "go to the previous note, highlight or bookmark in the text";
    WordNext = "word_next", "selection: move its end a word forward";
    WordPrev = "word_prev", "selection: move its end a word back";
    SentenceNext = "sentence_next", "selection: move its end a sentence forward";
    SentencePrev = "sentence_prev", "selection: move its end a sentence back";
    ParagraphNext = "paragraph_next", "selection: move its end a paragraph forward";
    ParagraphPrev = "paragraph_prev", "selection: move its end a paragraph back";
    SwapEnds = "swap_ends", "selection: switch which end moves";
    Reattach = "reattach", "re-attach a lost entry: select its new passage, enter attaches";
    Expand = "expand", "show the selected entry in full, or list them again";
}

impl Action {
    /// Parses a snake_case action name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
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
    /// The left button moved while held: selects text in the reader.
    Drag,
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
