//! The data model on disk: bookmarks, notes, highlights and their
//! anchors (one `NotesFile` per document), and the reading state
//! (`StateFile`). Field order is the order written, so files diff cleanly.

use super::*;

/// Where a bookmark or position sits in a document: a byte offset into the
/// decoded text plus quoted context, so it can be found again after edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub offset: usize,
    pub exact: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
    /// The text was edited and the passage found only approximately
    /// (kept for older builds; [`Anchor::status`] says the same and more).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub changed: bool,
    /// How the passage was found when the document was last opened.
    #[serde(
        default,
        skip_serializing_if = "Status::is_exact",
        deserialize_with = "lenient_status"
    )]
    pub status: Status,
    /// The words now at `offset` when they differ from `exact` (status
    /// `changed`): `exact` stays the quote the entry was written on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Fields this build does not know, kept for the build that does (N8).
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// How an entry's passage was found in the text as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The quote is where it was written.
    #[default]
    Exact,
    /// The same words, found elsewhere (text was added or removed around).
    Moved,
    /// Close words in the same context: the text was edited there.
    Changed,
    /// Not found: kept, listed, and re-attachable by hand.
    Lost,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Exact, Status::Moved, Status::Changed, Status::Lost];

    pub fn is_exact(&self) -> bool {
        *self == Status::Exact
    }

    /// The name used in files, exports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Status::Exact => "exact",
            Status::Moved => "moved",
            Status::Changed => "changed",
            Status::Lost => "lost",
        }
    }

    pub fn from_name(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.name() == s.trim())
    }
}

/// A status a newer build wrote that this one does not know reads as
/// `exact`, so the file still loads (N8); the passage is placed again anyway.
fn lenient_status<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Status, D::Error> {
    let s = String::deserialize(d)?;
    Ok(Status::from_name(&s).unwrap_or_default())
}

impl Anchor {
    /// The words `exact` at `offset`, with no context around them (placed
    /// by their words alone).
    pub fn bare(offset: usize, exact: impl Into<String>) -> Anchor {
        Anchor {
            offset,
            exact: exact.into(),
            prefix: String::new(),
            suffix: String::new(),
            changed: false,
            status: Default::default(),
            current: None,
            extra: toml::Table::new(),
        }
    }

    /// Source bytes the passage spans now: the current words where the
    /// text changed, else the quote.
    pub fn span_len(&self) -> usize {
        self.current.as_ref().map_or(self.exact.len(), String::len)
    }

    /// The words shown for the passage now (the quote unless they changed).
    pub fn shown(&self) -> &str {
        self.current.as_deref().unwrap_or(&self.exact)
    }

    /// The status, reading files from before statuses existed (`changed`).
    pub fn effective_status(&self) -> Status {
        if self.status == Status::Exact && self.changed {
            Status::Changed
        } else {
            self.status
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    /// Unique across instances and time; merges and tombstones key on it.
    pub id: String,
    #[serde(default)]
    pub label: String,
    /// RFC 3339.
    #[serde(default)]
    pub created: String,
    pub anchor: Anchor,
    /// The lecture session the entry was made in, if one was running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionMark>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// Where an entry stands in a lecture session: the session's name and the
/// seconds of session clock (pauses excluded) when the entry was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionMark {
    pub name: String,
    #[serde(default)]
    pub elapsed: u64,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// A study note: text (with `#tags`), on a passage or on the whole document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    #[serde(default)]
    pub text: String,
    /// The `#tags` found in `text`, without the `#`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// RFC 3339.
    #[serde(default)]
    pub created: String,
    /// RFC 3339; the newer edit wins a merge between two instances.
    #[serde(default)]
    pub updated: String,
    /// The passage; `None` for a note on the whole document.
    #[serde(default)]
    pub anchor: Option<Anchor>,
    /// The lecture session the entry was made in, if one was running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionMark>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// A highlighted passage (no text of its own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    pub id: String,
    #[serde(default)]
    pub created: String,
    pub anchor: Anchor,
    /// The lecture session the entry was made in, if one was running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionMark>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// One document's notes: `notes/<slug>-<hash>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotesFile {
    pub schema_version: u32,
    /// Document key, e.g. its absolute path.
    pub document: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default)]
    pub bookmarks: Vec<Bookmark>,
    #[serde(default)]
    pub highlights: Vec<Highlight>,
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Ids of deleted entries (of every kind: ids are unique across kinds),
    /// so a merge with a stale copy does not bring them back.
    #[serde(default)]
    pub deleted: Vec<String>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// A reading position in one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub anchor: Anchor,
    /// RFC 3339; the newer one wins a merge.
    #[serde(default)]
    pub updated: String,
    /// The text's fingerprint then, so the position follows the document
    /// when it is renamed or moved (as its notes do).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// `state.toml`: what to reopen and where each document was left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    pub schema_version: u32,
    pub last_document: Option<String>,
    /// Document key → reading position.
    #[serde(default)]
    pub positions: BTreeMap<String, Position>,
    /// Searches typed in the reader, oldest first (at most
    /// [`SEARCH_HISTORY`]), recalled with up/down in the search prompt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_history: Vec<String>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl NotesFile {
    /// An empty notes file for a document, as used when none exists yet.
    pub fn new(
        document: impl Into<String>,
        title: impl Into<String>,
        fingerprint: impl Into<String>,
    ) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            document: document.into(),
            title: title.into(),
            fingerprint: fingerprint.into(),
            bookmarks: Vec::new(),
            highlights: Vec::new(),
            notes: Vec::new(),
            deleted: Vec::new(),
            extra: toml::Table::new(),
        }
    }

    /// Bookmarks, highlights and notes together.
    pub fn entry_count(&self) -> usize {
        self.bookmarks.len() + self.highlights.len() + self.notes.len()
    }

    /// Made by a newer marginote: may be shown, never saved.
    pub fn is_read_only(&self) -> bool {
        self.schema_version > SCHEMA_VERSION
    }
}

impl Default for StateFile {
    fn default() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            last_document: None,
            positions: BTreeMap::new(),
            search_history: Vec::new(),
            extra: toml::Table::new(),
        }
    }
}

/// Searches kept in the history.
pub const SEARCH_HISTORY: usize = 50;

impl StateFile {
    /// Adds a search to the history (most recent last, once).
    pub fn remember_search(&mut self, query: &str) {
        let q = query.trim();
        if q.is_empty() {
            return;
        }
        self.search_history.retain(|h| h != q);
        self.search_history.push(q.to_string());
        let over = self.search_history.len().saturating_sub(SEARCH_HISTORY);
        self.search_history.drain(..over);
    }

    /// Made by a newer marginote: may be used, never saved.
    pub fn is_read_only(&self) -> bool {
        self.schema_version > SCHEMA_VERSION
    }
}

#[cfg(test)]
mod session_tests {
    use super::*;

    #[test]
    fn a_session_mark_round_trips_and_old_entries_have_none() {
        let old = "id = \"n1\"\ntext = \"plain\"\n";
        let n: Note = toml::from_str(old).unwrap();
        assert_eq!(n.session, None);
        assert!(!toml::to_string(&n).unwrap().contains("session"));

        let mut n = n;
        n.session = Some(SessionMark {
            name: "History 101 · 2026-12-04".into(),
            elapsed: 754,
            extra: toml::Table::new(),
        });
        let text = toml::to_string(&n).unwrap();
        let back: Note = toml::from_str(&text).unwrap();
        assert_eq!(back, n);
        assert_eq!(back.session.unwrap().elapsed, 754);
    }
}
