//! The vocabulary between the keymap and the application: every user-facing
//! command is an [`Action`], every place a key can mean something is a
//! [`Context`]. Names are the snake_case spelling used in `keymap.toml`.
/// Declares [`Action`] from one table: each row is the variant, its
/// snake_case name in `keymap.toml`, its line in the help overlay and,
/// between braces, what it says instead in a context where the action means
/// something more particular (`open` in the Library opens a document, in
/// the Notes pane it jumps to a passage). The enum, [`Action::ALL`] (help
/// order), [`Action::name`], [`Action::description`] and
/// [`Action::description_in`] all come from the same row, so they cannot
/// drift.
macro_rules! actions {
    ($(
        $(#[$doc:meta])* $variant:ident = $name:literal, $desc:literal
        $({ $($context:ident: $context_desc:literal),* $(,)? })?;
    )*) => {
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

            /// Parses a snake_case action name: one `match` on the text
            /// (the defaults look up some 90 names before the first frame;
            /// comparing each with every name in turn was 25 K instructions).
            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }

            /// One-line description for the help overlay, true in any
            /// context (the `[global]` section shows this one).
            pub fn description(self) -> &'static str {
                match self {
                    $(Action::$variant => $desc,)*
                }
            }

            /// What the action does when bound in `context`: the wording
            /// for that pane or overlay if it has its own, else
            /// [`Action::description`].
            pub fn description_in(self, context: Context) -> &'static str {
                match (self, context) {
                    $($($((Action::$variant, Context::$context) => $context_desc,)*)?)*
                    _ => self.description(),
                }
            }
        }
    };
}

// Per-context wording is given wherever an action behaves differently from
// its general line there; a user may bind any action in any context, so
// the movement keys say what they move in each pane and overlay.
actions! {
    Quit = "quit", "quit (your place and notes are already saved)";
    Help = "help", "show or hide this help" {
        Help: "close this help",
    };
    FocusNext = "focus_next", "focus the next pane";
    FocusPrev = "focus_prev", "focus the previous pane";
    Suspend = "suspend", "suspend to the shell (fg to come back)";
    Redraw = "redraw", "redraw the screen";
    Up = "up", "move up one line (reader) or row (lists)" {
        Library: "select the previous document",
        Reader: "move the reading cursor up one line",
        Notes: "select the previous entry",
        Help: "scroll this help up one line",
        Select: "extend the selection up one line",
        Outline: "select the previous heading",
        Find: "select the previous result",
    };
    Down = "down", "move down one line (reader) or row (lists)" {
        Library: "select the next document",
        Reader: "move the reading cursor down one line",
        Notes: "select the next entry",
        Help: "scroll this help down one line",
        Select: "extend the selection down one line",
        Outline: "select the next heading",
        Find: "select the next result",
    };
    PageDown = "page_down", "page down" {
        Help: "scroll this help down a page",
    };
    PageUp = "page_up", "page up" {
        Help: "scroll this help up a page",
    };
    HalfPageDown = "half_page_down", "half a page down" {
        Help: "scroll this help down half a page",
    };
    HalfPageUp = "half_page_up", "half a page up" {
        Help: "scroll this help up half a page",
    };
    Top = "top", "go to the top" {
        Help: "scroll to the top of this help",
    };
    Bottom = "bottom", "go to the bottom" {
        Help: "scroll to the end of this help",
    };
    Open = "open", "open the selected item" {
        Library: "open the selected document",
        Review: "read the card's passage in the reader (esc or R comes back)",
        Notes: "jump to the selected entry's passage in the reader",
        Outline: "jump to the selected heading",
        Find: "open the document at the selected result",
    };
    AddBookmark = "add_bookmark", "bookmark the passage at the reading cursor";
    Delete = "delete", "delete the selected entry" {
        Notes: "delete the selected note, highlight or bookmark",
    };
    Undo = "undo", "undo the last delete" {
        Review: "undo the last rating (a wrong key): its card comes back, its schedule as before",
    };
    RestoreBackup = "restore_backup", "restore the newest good backup of a notes file that cannot be read";
    Cancel = "cancel", "clear the message or the library filter; back to the reader" {
        Prompt: "close the prompt without accepting it",
        Unsaved: "stay in marginote (failed saves are retried every few seconds)",
        Help: "close this help",
        Select: "stop selecting",
        Editor: "close the editor (asks first if text would be lost)",
        Outline: "close the outline",
        Find: "close the results",
        Review: "close the review (every rating is already saved)",
    };
    Confirm = "confirm", "accept the prompt" {
        Prompt: "accept what was typed",
    };
    Annotate = "annotate", "write a note on the passage at the cursor (or the selection)" {
        Reader: "write a note on the sentence at the reading cursor",
        Select: "write a note on the selected passage",
    };
    NoteDocument = "note_document", "write a note on the whole document";
    Select = "select", "start selecting a passage; move to extend it" {
        Select: "stop selecting",
    };
    Highlight = "highlight", "highlight the selected passage";
    Copy = "copy", "copy the selected passage to the clipboard (OSC 52)";
    Edit = "edit", "edit the selected note" {
        Notes: "edit the selected note (on a highlight or bookmark: add one)",
    };
    Filter = "filter", "narrow the list as you type" {
        Library: "find a document by title or file name (fuzzy, as you type)",
        Notes: "filter the notes by text or #tag",
    };
    ToggleScope = "toggle_scope", "show the notes of this document / all documents / the session";
    Export = "export", "export the notes shown as a Markdown study sheet" {
        Reader: "export the notes the Notes pane shows as a Markdown study sheet",
    };
    Save = "save", "save the note" {
        Editor: "save the note and close the editor",
    };
    Newline = "newline", "start a new line in the note";
    Search = "search", "search the document (as you type; enter keeps, esc goes back)";
    NextMatch = "next_match", "go to the next match";
    PrevMatch = "prev_match", "go to the previous match";
    ToggleRegex = "toggle_regex", "switch the search between plain text and regex";
    Percent = "percent", "after a number: go to that percent of the document";
    Outline = "outline", "show the outline (headings) to jump to" {
        Outline: "close the outline",
    };
    JumpBack = "jump_back", "go back to where you were before the last jump";
    JumpForward = "jump_forward", "go forward again in the jump history";
    FindEverywhere = "find_everywhere", "search every document and every note" {
        Find: "search again (edit the words)",
    };
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
    Retry = "retry", "quitting with unsaved notes: try to save them again, then quit";
    WriteUnsaved = "write_unsaved", "quitting with unsaved notes: write them to a file you name, then quit";
    QuitAnyway = "quit_anyway", "quitting with unsaved notes: quit anyway (copies in the temporary folder stay there)";
    Reattach = "reattach", "re-attach a lost entry: select its new passage, enter attaches";
    Expand = "expand", "show the selected entry in full, or list them again";
    Session = "session", "start or end a lecture session";
    SessionPause = "session_pause", "pause or resume the lecture session's clock";
    Review = "review", "review what is due: your notes and highlights as cards (after a jump: back to the card)" {
        Review: "close the review",
    };
    Reveal = "reveal", "show the answer: the passage and its document";
    RateAgain = "rate_again", "forgotten: see it again in a minute";
    RateHard = "rate_hard", "remembered, with effort";
    RateGood = "rate_good", "remembered";
    RateEasy = "rate_easy", "remembered easily: wait longer";
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
    /// The question asked when quitting with something not saved where it
    /// belongs; nothing else is consulted and nothing is typed.
    Unsaved,
    /// The review of due cards.
    Review,
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
        Context::Unsaved,
        Context::Review,
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
            Context::Unsaved => "unsaved",
            Context::Review => "review",
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
    fn descriptions_in_a_context_fall_back_to_the_general_one() {
        for &a in Action::ALL {
            for &c in Context::ALL {
                let d = a.description_in(c);
                assert!(!d.is_empty(), "{a:?} in {c:?}");
                assert!(d.chars().all(|ch| !ch.is_control()), "{a:?} in {c:?}");
            }
            assert_eq!(a.description_in(Context::Global), a.description(), "{a:?}");
        }
        // The same action, a different thing per pane.
        let library = Action::Filter.description_in(Context::Library);
        let notes = Action::Filter.description_in(Context::Notes);
        assert!(
            library.contains("document") && !library.contains("note"),
            "{library}"
        );
        assert!(notes.contains("notes"), "{notes}");
        let open = Action::Open.description_in(Context::Notes);
        assert!(open.contains("jump"), "{open}");
    }

    #[test]
    fn context_names_round_trip() {
        for &c in Context::ALL {
            assert_eq!(Context::from_name(c.name()), Some(c), "{c:?}");
        }
    }
}
