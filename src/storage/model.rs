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
    /// The text was edited and the passage found only approximately: the
    /// quote is the words now there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub changed: bool,
    /// Fields this build does not know, kept for the build that does (N8).
    #[serde(flatten)]
    pub extra: toml::Table,
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
            extra: toml::Table::new(),
        }
    }
}

impl StateFile {
    /// Made by a newer marginote: may be used, never saved.
    pub fn is_read_only(&self) -> bool {
        self.schema_version > SCHEMA_VERSION
    }
}
