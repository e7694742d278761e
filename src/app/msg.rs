//! The messages `update` takes and the effects it returns: the app's
//! whole interface with the run loop.

use std::path::PathBuf;
use std::sync::Arc;

use super::{ExportDoc, FindTarget, Found, OtherNotes};
use crate::input::action::{Action, MouseKind, TextEdit};
use crate::storage::{NotesFile, SaveFailure, StateFile};
use crate::text::document::{DocError, Document};

/// Everything that can happen to the app.
pub enum Msg {
    Action(Action),
    Text(TextEdit),
    /// A key typed into the note editor.
    EditorInput(ratatui_textarea::Input),
    /// The notes files of every document (for the all-documents list).
    AllNotes(Vec<OtherNotes>),
    /// The open document's big notes file, read after the text was shown.
    NotesLoaded {
        key: String,
        load: NotesLoad,
    },
    /// `done` of the `total` notes files are read for that list.
    AllNotesProgress {
        done: usize,
        total: usize,
    },
    /// A study sheet was written (or why not).
    Exported(Result<PathBuf, String>),
    /// A digit typed before a command (`50%`, `5j`).
    Digit(u8),
    /// Matches found by search `generation` (more may follow unless `done`).
    SearchHits {
        generation: u64,
        hits: Vec<crate::search::Hit>,
        done: bool,
    },
    /// Search `generation` could not run (a bad regex).
    SearchFailed {
        generation: u64,
        error: String,
    },
    /// The open document's outline.
    /// The outline of `doc`: shown only if `doc` is still the open text,
    /// so a late outline never lands on another document.
    Outline {
        doc: Arc<Document>,
        headings: Vec<crate::text::outline::Heading>,
    },
    /// The open document's entries placed in `doc` on a worker: applied
    /// only if `doc` is still the open text (see [`Effect::PlaceNotes`]).
    NotesPlaced {
        key: String,
        doc: Arc<Document>,
        placed: Vec<crate::study::anchor::Placed>,
    },
    /// Results of find-everywhere `generation` (more may follow).
    Found {
        generation: u64,
        found: Vec<Found>,
        /// How many matches `found` stands for (see `FindAll::matches`).
        matches: usize,
        done: bool,
    },
    FindFailed {
        generation: u64,
        error: String,
    },
    Mouse {
        kind: MouseKind,
        col: u16,
        row: u16,
    },
    Resize(u16, u16),
    /// This many keys wait for a document being opened or read.
    KeysWaiting(usize),
    /// The word count of document `index` (from its text in memory).
    Words {
        index: usize,
        words: usize,
    },
    /// The fingerprint of `doc`, hashed on a worker: kept only if `doc` is
    /// still the open text.
    Fingerprinted {
        doc: Arc<Document>,
        fingerprint: String,
    },
    /// A document finished loading (with its notes file).
    Opened {
        index: usize,
        result: Result<Box<Document>, DocError>,
        notes: Option<NotesLoad>,
        /// Only the first part of a big file: `Completed` brings the rest.
        partial: bool,
        /// The part is a window of the text around the saved position,
        /// not its beginning: where in the whole its first byte sits.
        window: Option<usize>,
    },
    /// The whole of a big document opened from its first part.
    Completed {
        index: usize,
        result: Result<Box<Document>, DocError>,
    },
    NotesSaved {
        key: String,
        /// The save's [`Effect::SaveNotes::generation`]: a result older
        /// than the newest save of the file must not stand for it.
        generation: u64,
        result: Result<(NotesFile, Option<PathBuf>), SaveFailure>,
    },
    /// The unsaved notes were written to the file the user named (or why
    /// not), when quitting.
    UnsavedWritten(Result<PathBuf, String>),
    StateSaved(Result<(), SaveFailure>),
    /// A notes file's newest good backup was put back (what it holds, the
    /// backup, where the broken file went), or why not.
    BackupRestored {
        key: String,
        result: Result<(NotesFile, PathBuf, Option<PathBuf>), String>,
    },
    /// Title, words and size of a library entry, or why it cannot be read.
    Summary {
        index: usize,
        result: Result<(crate::text::document::Summary, usize), DocError>,
    },
    /// How many bookmarks a library entry's notes file holds.
    Bookmarks {
        index: usize,
        count: usize,
    },
    /// The review's deck, prepared on a worker for review `generation`.
    ReviewPrepared {
        generation: u64,
        result: Result<Box<super::Prepared>, String>,
    },
    /// Cards due per document, for the Library.
    DueCounts(super::DueCounts),
    /// A rating was appended to the review log (or why not; it is kept).
    ReviewSaved {
        review: crate::study::review::Review,
        result: Result<(), String>,
    },
    /// Nothing happened for a while: a good moment to save the position.
    Idle,
    /// The memory-mapped file behind open document `index` changed on
    /// disk (found by the run loop before drawing): it is read again.
    SourceChanged {
        index: usize,
        change: crate::text::document::Change,
    },
    /// A second passed while a session clock runs (sent only then).
    Tick,
    /// `--session NAME`: start (or resume) that session at launch.
    StartSession(String),
    /// `sessions.toml` was saved (what it holds now, and where an
    /// unreadable file in its way was moved), or why not and where the
    /// sessions are instead (the temporary folder, or only memory).
    SessionsSaved(
        Result<(crate::storage::SessionsFile, Option<PathBuf>), crate::storage::SaveFailure>,
    ),
    /// SIGTERM, SIGHUP, SIGINT, SIGQUIT: save and leave.
    Signal(i32),
    /// The log's file could not be written (found after the first frame,
    /// when it is opened): why, to show as a start-up problem is shown.
    LogProblem(String),
}

/// A notes file as loaded for an opened document.
pub struct NotesLoad {
    pub path: PathBuf,
    pub file: Option<NotesFile>,
    pub problem: Option<String>,
    /// The notes were found under another name (the document was moved or
    /// renamed): that file is retired once they are saved under this one.
    pub adopted_from: Option<PathBuf>,
    /// The file is big (this many bytes) and was not read: the text shows
    /// first, and the notes follow from a worker ([`Effect::LoadNotes`]).
    pub deferred: Option<u64>,
}

/// What the run loop must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Open(usize),
    /// Read open document `index` again from its file (it changed on
    /// disk); the result comes as [`Msg::Completed`].
    Reread(usize),
    SaveNotes {
        key: String,
        path: PathBuf,
        file: NotesFile,
        /// A notes file to remove once this one is saved (see
        /// [`NotesLoad::adopted_from`]).
        retire: Option<PathBuf>,
        /// Counts the app's notes saves: saves run off the loop, so a
        /// result may come back after later edits were sent for saving;
        /// only the result of the newest save says they are on disk.
        generation: u64,
    },
    /// Read every document's notes file, for the all-documents list.
    LoadAllNotes,
    /// Read the open document's big notes file on a worker
    /// ([`NotesLoad::deferred`]); answered by [`Msg::NotesLoaded`].
    LoadNotes {
        key: String,
        path: PathBuf,
    },
    /// Write a study sheet of these documents' notes.
    Export {
        docs: Vec<ExportDoc>,
        name: String,
        /// What the pane was narrowed to (a filter, a session), said at
        /// the top of the sheet as the command line's export says it.
        selection: Option<String>,
    },
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Search a document on a worker (cancelling any older search).
    Search {
        generation: u64,
        query: crate::search::Query,
        doc: Arc<Document>,
    },
    /// Stop the running search.
    CancelSearch,
    /// Work out a document's outline on a worker.
    Outline(Arc<Document>),
    /// Hash a big text for its fingerprint on a worker (a 3 MB book costs
    /// milliseconds, a 16 MB one tens: never on the loop).
    Fingerprint(Arc<Document>),
    /// Count the words of document `index`, read whole, on a worker: the
    /// text in memory, not the file read again by the Library's summary.
    CountWords {
        index: usize,
        doc: Arc<Document>,
    },
    /// Place the entries of document `key` in `doc` on a worker: a note
    /// whose words are gone costs a fuzzy search of the text, never paid
    /// before the first frame.
    PlaceNotes {
        key: String,
        doc: Arc<Document>,
        anchors: Vec<(String, crate::storage::Anchor)>,
    },
    /// Read every document and notes file for a search across them, on a
    /// worker that gives way, while the first word is typed (kept for it
    /// by the worker: runtime/find_cache.rs).
    PrepareFind(Vec<FindTarget>),
    /// The search across every document is put away: stop it, and forget
    /// what was read for it.
    PutFindAway,
    /// Search every document and every note on a worker.
    FindAll {
        generation: u64,
        query: crate::search::Query,
        targets: Vec<FindTarget>,
    },
    SaveState(StateFile),
    /// Save the lecture sessions (merged with the file on disk).
    SaveSessions(crate::storage::SessionsFile),
    /// Write notes that could not be saved where they belong (and the
    /// reading state and the lecture sessions, if they were not saved
    /// either) to a file the user named.
    WriteUnsaved {
        path: PathBuf,
        documents: Vec<NotesFile>,
        state: Option<StateFile>,
        sessions: Option<crate::storage::SessionsFile>,
        /// Ratings the review log did not take (written beside `path`).
        reviews: Vec<crate::study::review::Review>,
    },
    /// Put back the newest good backup of a notes file that cannot be read.
    RestoreBackup {
        key: String,
        path: PathBuf,
    },
    /// Build the review's deck on a worker (cards due at `now`, unix
    /// seconds).
    PrepareReview {
        generation: u64,
        now: i64,
    },
    /// Count the cards due per document on a worker, for the Library.
    CountDue {
        now: i64,
    },
    /// Append a rating to the review log (a review without an id gets a
    /// fresh one).
    AppendReview(crate::study::review::Review),
    Quit(i32),
    Suspend,
    Redraw,
}
