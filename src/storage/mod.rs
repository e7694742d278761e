//! Storage: where marginote keeps notes and reading state on disk, and how it
//! saves them so that a note, once saved, survives crashes, kills, full disks
//! and a second marginote working on the same files (`RELIABILITY.md` §1,
//! N1–N11).
//!
//! # Layout
//! A [`DataDir`] holds `state.toml` (reading positions, last document),
//! `notes/<slug>-<hash>.toml` (one file per document) and `marginote.log`.
//! Files are TOML with a `schema_version`; entries are written in text order
//! so a data dir kept in git diffs cleanly.
//!
//! # Saving
//! [`Store::save_notes`] and [`Store::save_state`] lock `<file>.lock`, remove
//! temp debris left by killed saves, re-read the file, merge it with what the
//! caller holds, write a temp file in the same folder, sync it, rename it over
//! the file, sync the folder, and unlock. They return the merged file so the
//! caller sees what other instances added. Every disk access goes through
//! [`Fs`], so tests can fail, or abort after, any single step.
//!
//! # Merge rules
//! - Bookmarks: union by id. On the same id ours wins (the caller holds the
//!   newer edit). Ids listed in `deleted` (tombstones) are dropped on both
//!   sides, so a delete beats a concurrent edit and a stale copy never brings
//!   a deleted bookmark back.
//! - Positions: union by document; the newer `updated` stamp wins, ours on a
//!   tie or an unparseable stamp. Unknown top-level fields: union, ours win.
//!
//! # Files we cannot read
//! - Empty or whitespace-only files count as missing: they hold nothing to
//!   lose (crashed non-atomic writers and `touch` leave them), so the next
//!   save simply writes.
//! - Anything else we cannot parse is [`LoadOutcome::Unreadable`], is never
//!   overwritten, and is renamed to `<file>.unreadable-<unix time>` just
//!   before the next save writes (N6).
//! - A file from a newer schema loads read-only if it fits our model, and
//!   saving over it is always refused (N8), so a newer marginote's data is
//!   never downgraded.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Environment variable naming the data dir (see [`DataDir::resolve`]).
pub const DATA_DIR_ENV: &str = "MARGINOTE_DATA_DIR";

/// Bigger files are not ours; reading them whole could exhaust memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
const MAX_PROBLEM_CHARS: usize = 200;
const MAX_PATH_CHARS: usize = 80;
const MAX_SLUG_CHARS: usize = 40;
const MAX_SYMLINK_HOPS: usize = 40;

// ---------------------------------------------------------------------------
// Data model
// ---------------------------------------------------------------------------

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

/// A file kind the store can load, merge and save.
trait Document: Serialize + DeserializeOwned + Clone {
    fn schema_version(&self) -> u32;
    /// Folds what is on disk into ours and puts entries in text order.
    fn merge(ours: &Self, disk: Option<Self>) -> Self;
}

impl Document for NotesFile {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn merge(ours: &Self, disk: Option<Self>) -> Self {
        let disk = disk.unwrap_or_else(|| NotesFile::new("", "", ""));
        let deleted: BTreeSet<String> = ours.deleted.iter().cloned().chain(disk.deleted).collect();
        let mut bookmarks = union_by_id(&ours.bookmarks, disk.bookmarks, &deleted, |b| &b.id);
        bookmarks.sort_by(|a, b| (a.anchor.offset, &a.id).cmp(&(b.anchor.offset, &b.id)));
        let mut highlights = union_by_id(&ours.highlights, disk.highlights, &deleted, |h| &h.id);
        highlights.sort_by(|a, b| (a.anchor.offset, &a.id).cmp(&(b.anchor.offset, &b.id)));
        // A note can be edited in either instance: the later edit wins, so
        // a stale copy never overwrites another window's change.
        let theirs_newer: BTreeSet<String> = disk
            .notes
            .iter()
            .filter(|d| {
                ours.notes
                    .iter()
                    .any(|o| o.id == d.id && is_newer(&d.updated, &o.updated))
            })
            .map(|d| d.id.clone())
            .collect();
        let ours_kept: Vec<Note> = ours
            .notes
            .iter()
            .filter(|n| !theirs_newer.contains(&n.id))
            .cloned()
            .collect();
        let mut notes = union_by_id(&ours_kept, disk.notes, &deleted, |n| &n.id);
        notes.sort_by(|a, b| {
            let at = |n: &Note| n.anchor.as_ref().map_or(0, |a| a.offset);
            (a.anchor.is_some(), at(a), &a.id).cmp(&(b.anchor.is_some(), at(b), &b.id))
        });
        Self {
            schema_version: SCHEMA_VERSION,
            document: ours.document.clone(),
            title: ours.title.clone(),
            fingerprint: ours.fingerprint.clone(),
            bookmarks,
            highlights,
            notes,
            deleted: deleted.into_iter().collect(),
            extra: union_tables(&ours.extra, disk.extra),
        }
    }
}

impl Document for StateFile {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn merge(ours: &Self, disk: Option<Self>) -> Self {
        let disk = disk.unwrap_or_default();
        let mut positions = disk.positions;
        for (key, mine) in &ours.positions {
            // Our copy of a document we are not reading may be stale; the
            // stamp tells which instance moved last.
            let theirs_newer = positions
                .get(key)
                .is_some_and(|theirs| is_newer(&theirs.updated, &mine.updated));
            if !theirs_newer {
                positions.insert(key.clone(), mine.clone());
            }
        }
        Self {
            schema_version: SCHEMA_VERSION,
            last_document: ours.last_document.clone().or(disk.last_document),
            positions,
            extra: union_tables(&ours.extra, disk.extra),
        }
    }
}

/// Entries from both sides, ours replacing theirs on the same id, minus
/// tombstoned ids. Duplicate ids within one side are all kept: a hand-edited
/// file may repeat an id, and collapsing them would lose a note.
fn union_by_id<T: Clone>(
    ours: &[T],
    disk: Vec<T>,
    deleted: &BTreeSet<String>,
    id: impl Fn(&T) -> &String,
) -> Vec<T> {
    let our_ids: BTreeSet<&String> = ours.iter().map(&id).collect();
    let mut out: Vec<T> = ours
        .iter()
        .filter(|e| !deleted.contains(id(e)))
        .cloned()
        .collect();
    out.extend(
        disk.into_iter()
            .filter(|e| !our_ids.contains(id(e)) && !deleted.contains(id(e))),
    );
    out
}

fn union_tables(ours: &toml::Table, mut disk: toml::Table) -> toml::Table {
    disk.extend(ours.iter().map(|(k, v)| (k.clone(), v.clone())));
    disk
}

/// Whether RFC 3339 stamp `a` is strictly later than `b`. Compared as
/// instants, not strings: fractional seconds and offsets vary in length.
fn is_newer(a: &str, b: &str) -> bool {
    match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

/// The folder holding everything marginote writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// `--data-dir` beats `MARGINOTE_DATA_DIR` (passed in, so tests stay
    /// hermetic) beats the platform data dir. Empty values count as unset.
    pub fn resolve(cli: Option<PathBuf>, env: Option<OsString>) -> Result<Self, StorageError> {
        let root = cli
            .filter(|p| !p.as_os_str().is_empty())
            .or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from))
            .or_else(|| {
                directories::ProjectDirs::from("", "", "marginote")
                    .map(|d| d.data_dir().to_path_buf())
            })
            .ok_or(StorageError::NoDataDir)?;
        // Absolute, so a later change of working directory cannot move it.
        let root = std::path::absolute(&root).unwrap_or(root);
        Ok(Self { root })
    }

    /// Where every document's notes file is.
    pub fn notes_dir(&self) -> PathBuf {
        self.root.join("notes")
    }

    /// Where exported study sheets go.
    pub fn exports_dir(&self) -> PathBuf {
        self.root.join("exports")
    }

    pub fn state_path(&self) -> PathBuf {
        self.root.join("state.toml")
    }

    /// `notes/<slug>-<hash>.toml`: the slug makes the folder browsable, the
    /// hash of the full document key keeps same-named documents apart.
    pub fn notes_path(&self, doc_key: &str, file_stem: &str) -> PathBuf {
        let name = format!(
            "{}-{:016x}.toml",
            slug(file_stem),
            fnv1a64(doc_key.as_bytes())
        );
        self.root.join("notes").join(name)
    }
}

/// 64-bit FNV-1a. Stable across Rust versions and platforms, unlike
/// `DefaultHasher`, so file names and fingerprints never change under us.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Lowercase ASCII letters and digits joined by single dashes, at most 40
/// chars; "notes" when nothing is left (e.g. an all-CJK title).
/// A file-name-safe short form of a name (ASCII lower case and dashes).
pub fn slug(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            if out.len() == MAX_SLUG_CHARS {
                break;
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            if out.len() + 1 >= MAX_SLUG_CHARS {
                break;
            }
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "notes".to_owned()
    } else {
        trimmed.to_owned()
    }
}

// ---------------------------------------------------------------------------
// Errors and outcomes
// ---------------------------------------------------------------------------

/// Why a save did not happen. Every message names the file, says what
/// happened and what the user can do, and holds no control characters. The
/// OS error is part of the message rather than a `source`, so printing the
/// error chain does not repeat it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    #[error(
        "no data folder: no home directory was found — \
         set MARGINOTE_DATA_DIR or use --data-dir"
    )]
    NoDataDir,
    #[error(
        "read-only folder: {} — could not save {} ({error}) — \
         notes kept in memory; use --data-dir to save elsewhere",
        shown(.dir), shown(.path)
    )]
    ReadOnly {
        path: PathBuf,
        dir: PathBuf,
        error: io::Error,
    },
    #[error(
        "disk full: could not save {} ({error}) — \
         notes kept in memory; free some space, then save again",
        shown(.path)
    )]
    DiskFull { path: PathBuf, error: io::Error },
    #[error(
        "could not save {}: {step} failed ({error}) — \
         notes kept in memory; save again once fixed",
        shown(.path)
    )]
    Write {
        path: PathBuf,
        step: &'static str,
        error: io::Error,
    },
    #[error(
        "could not read {} to merge before saving ({error}) — \
         nothing written, notes kept in memory; check that it is a file you can read",
        shown(.path)
    )]
    Read { path: PathBuf, error: io::Error },
    #[error(
        "{} was made by a newer marginote (schema {found}; this one knows {max}) — \
         not saved, so that file stays intact; notes kept in memory; update marginote",
        shown(.path), max = SCHEMA_VERSION
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error(
        "{} could not be parsed and could not be moved aside to {} ({error}) — \
         nothing written, notes kept in memory",
        shown(.path), shown(.aside)
    )]
    MoveAside {
        path: PathBuf,
        aside: PathBuf,
        error: io::Error,
    },
    #[error(
        "could not encode {} as TOML ({}) — nothing written, notes kept in memory",
        shown(.path), cleaned(.message)
    )]
    Encode { path: PathBuf, message: String },
}

/// What loading found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum LoadOutcome<T> {
    /// No file (or an empty one): start fresh.
    Missing,
    /// Parsed. Check `is_read_only()`: a newer schema loads but never saves.
    Loaded(T),
    /// Not parseable or not readable. The file is left as it is; the next
    /// save moves it aside first. `problem` names the file, line and column,
    /// has no control characters and is at most 200 chars.
    Unreadable { problem: String },
}

/// A successful save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved<T> {
    /// What is now on disk: ours merged with what other instances wrote.
    pub file: T,
    /// Where an unparseable file that stood in the way was moved.
    pub moved_aside: Option<PathBuf>,
}

// ---------------------------------------------------------------------------
// File system seam
// ---------------------------------------------------------------------------

/// Every disk operation the store performs, one method per step, so a test
/// double can fail or abort any single one (N1, N2).
pub trait Fs {
    /// Reads at most `limit` bytes of a regular file.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
    /// Where `path` points if it is a symlink.
    fn symlink_target(&self, path: &Path) -> io::Result<Option<PathBuf>>;
    /// Whether anything, even a dangling symlink, is at `path`.
    fn exists(&self, path: &Path) -> io::Result<bool>;
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// Opens (creating) a lock file and takes an exclusive lock, blocking;
    /// the lock is released when the file is dropped.
    fn lock(&self, path: &Path) -> io::Result<File>;
    fn list_dir(&self, dir: &Path) -> io::Result<Vec<OsString>>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// Creates a new file that must not exist yet, with `like`'s permissions
    /// when `like` exists.
    fn create_temp(&self, path: &Path, like: &Path) -> io::Result<File>;
    fn write_all(&self, file: &mut File, bytes: &[u8]) -> io::Result<()>;
    fn sync_file(&self, file: &File) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

impl Fs for RealFs {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        // A FIFO or device would block or never end (I4): read regular files only.
        if !fs::metadata(path)?.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        let mut bytes = Vec::new();
        File::open(path)?.take(limit).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn symlink_target(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => fs::read_link(path).map(Some),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn exists(&self, path: &Path) -> io::Result<bool> {
        match fs::symlink_metadata(path) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }

    fn lock(&self, path: &Path) -> io::Result<File> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        file.lock()?;
        Ok(file)
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<OsString>> {
        fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.file_name()))
            .collect()
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn create_temp(&self, path: &Path, like: &Path) -> io::Result<File> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        // Keep the permissions the user chose: a private notes file stays private.
        if let Ok(meta) = fs::metadata(like)
            && let Err(e) = file.set_permissions(meta.permissions())
        {
            drop(file);
            let _ = fs::remove_file(path);
            return Err(e);
        }
        Ok(file)
    }

    fn write_all(&self, file: &mut File, bytes: &[u8]) -> io::Result<()> {
        file.write_all(bytes)
    }

    fn sync_file(&self, file: &File) -> io::Result<()> {
        file.sync_all()
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        // A rename is durable only once the folder holding it is synced.
        // Windows cannot open a folder as a file, and needs no such sync.
        if cfg!(unix) {
            File::open(dir)?.sync_all()
        } else {
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------

/// Loads and saves notes and state files through an [`Fs`].
#[derive(Debug, Default)]
pub struct Store<F = RealFs> {
    fs: F,
}

impl Store<RealFs> {
    pub fn new() -> Self {
        Self { fs: RealFs }
    }
}

/// Temp names differ per save within a process, and per process by pid.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

enum OnDisk<T> {
    Missing,
    Parsed { file: T, bytes: Vec<u8> },
    Unparseable,
    Newer(u32),
}

impl<F: Fs> Store<F> {
    #[cfg(test)]
    pub fn with_fs(fs: F) -> Self {
        Self { fs }
    }

    /// Reads a notes file. Never writes, never panics on file contents.
    pub fn load_notes(&self, path: &Path) -> LoadOutcome<NotesFile> {
        self.load(path)
    }

    /// Merges `notes` with the file on disk and saves the result atomically;
    /// `notes` itself is never changed. See the module docs for the rules.
    pub fn save_notes(
        &self,
        path: &Path,
        notes: &NotesFile,
    ) -> Result<Saved<NotesFile>, StorageError> {
        self.save(path, notes)
    }

    pub fn load_state(&self, path: &Path) -> LoadOutcome<StateFile> {
        self.load(path)
    }

    pub fn save_state(
        &self,
        path: &Path,
        state: &StateFile,
    ) -> Result<Saved<StateFile>, StorageError> {
        self.save(path, state)
    }

    /// Writes a file marginote owns whole (an exported study sheet),
    /// atomically, creating its folder.
    pub fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
        self.ensure_dir(path)?;
        self.write_atomic(path, bytes)
    }

    fn load<T: Document>(&self, path: &Path) -> LoadOutcome<T> {
        match self.fs.read(path, MAX_FILE_BYTES + 1) {
            Ok(bytes) => outcome_from_bytes(path, &bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => LoadOutcome::Missing,
            Err(e) => LoadOutcome::Unreadable {
                problem: problem(path, None, &format!("cannot read: {e}")),
            },
        }
    }

    fn save<T: Document>(&self, path: &Path, ours: &T) -> Result<Saved<T>, StorageError> {
        if ours.schema_version() > SCHEMA_VERSION {
            return Err(StorageError::NewerSchema {
                path: path.to_path_buf(),
                found: ours.schema_version(),
            });
        }
        let target = self.resolve_links(path)?;
        if target.file_name().is_none() {
            let error = io::Error::new(io::ErrorKind::InvalidInput, "path does not name a file");
            return Err(StorageError::Write {
                path: target,
                step: "naming the file",
                error,
            });
        }
        self.ensure_dir(&target)?;
        // A separate lock file, because a lock on the data file itself would
        // be lost at the first rename over it (N4). Held until we return.
        let _lock = self
            .fs
            .lock(&sibling(&target, "", ".lock"))
            .map_err(|e| write_error(&target, "locking", e))?;
        self.remove_debris(&target);

        let (disk, previous, unparseable) = match self.read_disk::<T>(&target)? {
            OnDisk::Missing => (None, None, false),
            OnDisk::Parsed { file, bytes } => (Some(file), Some(bytes), false),
            OnDisk::Unparseable => (None, None, true),
            OnDisk::Newer(found) => {
                return Err(StorageError::NewerSchema {
                    path: target,
                    found,
                });
            }
        };
        let merged = T::merge(ours, disk);
        let text = toml::to_string(&merged).map_err(|e| StorageError::Encode {
            path: target.clone(),
            message: e.to_string(),
        })?;
        // Never write what we could not read back: the next save would find
        // it unparseable and move it aside.
        if let Err(e) = toml::from_str::<T>(&text) {
            let message = e.message().to_owned();
            return Err(StorageError::Encode {
                path: target,
                message,
            });
        }
        if previous.as_deref() == Some(text.as_bytes()) {
            return Ok(Saved {
                file: merged,
                moved_aside: None,
            });
        }
        // Encoded first, so a failure cannot leave the user's file moved aside
        // with nothing written in its place.
        let moved_aside = if unparseable {
            Some(self.move_aside(&target)?)
        } else {
            None
        };
        if let Err(e) = self.write_atomic(&target, text.as_bytes()) {
            // Put the unparseable file back (unless the new one made it into
            // place), so the next load reports it again instead of "missing".
            if let Some(aside) = &moved_aside
                && self.fs.exists(&target).ok() == Some(false)
            {
                let _ = self.fs.rename(aside, &target);
            }
            return Err(e);
        }
        Ok(Saved {
            file: merged,
            moved_aside,
        })
    }

    /// Follows a symlinked file name to the file it names, so the rename
    /// replaces that file and the link stays a link (N10).
    fn resolve_links(&self, path: &Path) -> Result<PathBuf, StorageError> {
        let mut current = path.to_path_buf();
        for _ in 0..MAX_SYMLINK_HOPS {
            match self
                .fs
                .symlink_target(&current)
                .map_err(|e| write_error(path, "following the symlink", e))?
            {
                None => return Ok(current),
                Some(link) => current = parent_dir(&current).join(link),
            }
        }
        let error = io::Error::other("too many levels of symbolic links");
        Err(StorageError::Write {
            path: path.to_path_buf(),
            step: "following the symlink",
            error,
        })
    }

    /// Creates missing folders, syncing each into its parent: otherwise a
    /// power cut could lose the new folder along with the file inside it.
    fn ensure_dir(&self, target: &Path) -> Result<(), StorageError> {
        let dir = parent_dir(target);
        let mut missing = Vec::new();
        let mut current = dir;
        loop {
            if self
                .fs
                .exists(current)
                .map_err(|e| write_error(target, "checking the folder", e))?
            {
                break;
            }
            missing.push(current);
            match current.parent() {
                Some(up) if !up.as_os_str().is_empty() => current = up,
                _ => break,
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        self.fs
            .create_dir_all(dir)
            .map_err(|e| write_error(target, "creating the folder", e))?;
        for created in missing.iter().rev() {
            self.fs
                .sync_dir(parent_dir(created))
                .map_err(|e| write_error(target, "syncing the new folder", e))?;
        }
        Ok(())
    }

    /// Removes temp files of this target left by killed saves (N11). Only
    /// called under the lock, so no save of this target is in flight. Best
    /// effort: debris is harmless, and a save must not fail over it.
    fn remove_debris(&self, target: &Path) {
        let dir = parent_dir(target);
        let prefix = temp_prefix(target);
        let Ok(names) = self.fs.list_dir(dir) else {
            return;
        };
        for name in names
            .iter()
            .filter(|n| n.as_encoded_bytes().starts_with(prefix.as_encoded_bytes()))
        {
            let _ = self.fs.remove_file(&dir.join(name));
        }
    }

    fn read_disk<T: Document>(&self, target: &Path) -> Result<OnDisk<T>, StorageError> {
        let bytes = match self.fs.read(target, MAX_FILE_BYTES + 1) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
            // Unknown content cannot be merged, and an I/O error is not proof
            // that the file is broken: write nothing.
            Err(error) => {
                return Err(StorageError::Read {
                    path: target.to_path_buf(),
                    error,
                });
            }
        };
        Ok(match parse::<T>(&bytes) {
            Parsed::Empty => OnDisk::Missing,
            Parsed::Ok(file) if file.schema_version() > SCHEMA_VERSION => {
                OnDisk::Newer(file.schema_version())
            }
            Parsed::Ok(file) => OnDisk::Parsed { file, bytes },
            Parsed::Bad(Flaw {
                newer: Some(found), ..
            }) => OnDisk::Newer(found),
            Parsed::Bad(_) => OnDisk::Unparseable,
        })
    }

    /// Renames an unparseable file out of the way before we write (N6).
    fn move_aside(&self, target: &Path) -> Result<PathBuf, StorageError> {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let fail = |aside: PathBuf, error| StorageError::MoveAside {
            path: target.to_path_buf(),
            aside,
            error,
        };
        // Never clobber an earlier moved-aside copy: it may be the only copy.
        for n in 0..100 {
            let suffix = if n == 0 {
                format!(".unreadable-{stamp}")
            } else {
                format!(".unreadable-{stamp}-{n}")
            };
            let aside = sibling(target, "", &suffix);
            match self.fs.exists(&aside) {
                Ok(true) => continue,
                Ok(false) => {
                    return match self.fs.rename(target, &aside) {
                        Ok(()) => Ok(aside),
                        Err(e) => Err(fail(aside, e)),
                    };
                }
                Err(e) => return Err(fail(aside, e)),
            }
        }
        Err(fail(
            sibling(target, "", ".unreadable-*"),
            io::ErrorKind::AlreadyExists.into(),
        ))
    }

    /// Temp file in the same folder (a rename across file systems is a copy),
    /// written and synced before it replaces the target, then the folder
    /// synced (N1). Readers see the old file or the new one, never a mix.
    fn write_atomic(&self, target: &Path, bytes: &[u8]) -> Result<(), StorageError> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = sibling(target, ".", &format!(".tmp-{}-{n}", std::process::id()));
        let file = self
            .fs
            .create_temp(&temp, target)
            .map_err(|e| write_error(target, "creating a temporary file", e))?;
        if let Err(e) = self.fill_and_swap(file, &temp, target, bytes) {
            let _ = self.fs.remove_file(&temp);
            return Err(e);
        }
        self.fs
            .sync_dir(parent_dir(target))
            .map_err(|e| write_error(target, "syncing the folder", e))
    }

    fn fill_and_swap(
        &self,
        mut file: File,
        temp: &Path,
        target: &Path,
        bytes: &[u8],
    ) -> Result<(), StorageError> {
        self.fs
            .write_all(&mut file, bytes)
            .map_err(|e| write_error(target, "writing", e))?;
        self.fs
            .sync_file(&file)
            .map_err(|e| write_error(target, "syncing the file", e))?;
        // Closed before the rename, as Windows requires.
        drop(file);
        self.fs
            .rename(temp, target)
            .map_err(|e| write_error(target, "replacing the file", e))
    }
}

fn write_error(path: &Path, step: &'static str, error: io::Error) -> StorageError {
    let path = path.to_path_buf();
    match error.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            StorageError::ReadOnly {
                dir: parent_dir(&path).to_path_buf(),
                path,
                error,
            }
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            StorageError::DiskFull { path, error }
        }
        _ => StorageError::Write { path, step, error },
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// `<dir>/<prefix><file name><suffix>`.
fn sibling(path: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let mut name = OsString::from(prefix);
    name.push(path.file_name().unwrap_or_else(|| OsStr::new("unnamed")));
    name.push(suffix);
    parent_dir(path).join(name)
}

/// Temp files are `.<file name>.tmp-<pid>-<n>`: hidden, and never a name
/// anything loads.
fn temp_prefix(target: &Path) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(target.file_name().unwrap_or_else(|| OsStr::new("unnamed")));
    prefix.push(".tmp-");
    prefix
}

// ---------------------------------------------------------------------------
// Parsing and problem messages
// ---------------------------------------------------------------------------

enum Parsed<T> {
    Empty,
    Ok(T),
    Bad(Flaw),
}

struct Flaw {
    /// Byte offset of the problem, when known.
    at: Option<usize>,
    message: String,
    /// The file says it comes from a newer schema.
    newer: Option<u32>,
}

fn parse<T: Document>(bytes: &[u8]) -> Parsed<T> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Parsed::Bad(Flaw {
            at: None,
            message: "larger than 64 MiB; not a marginote file".into(),
            newer: None,
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
            let message = format!("not UTF-8 text (byte 0x{byte:02X}); marginote writes UTF-8");
            return Parsed::Bad(Flaw {
                at: Some(e.valid_up_to()),
                message,
                newer: None,
            });
        }
    };
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Parsed::Empty;
    }
    match toml::from_str::<T>(text) {
        Ok(file) => Parsed::Ok(file),
        Err(e) => Parsed::Bad(Flaw {
            at: e.span().map(|s| s.start),
            message: e.message().to_owned(),
            newer: newer_schema_in(text),
        }),
    }
}

/// The schema version of a file our model cannot read, when it is newer.
fn newer_schema_in(text: &str) -> Option<u32> {
    let table = toml::from_str::<toml::Table>(text).ok()?;
    let found = table.get("schema_version")?.as_integer()?;
    (found > i64::from(SCHEMA_VERSION)).then(|| u32::try_from(found).unwrap_or(u32::MAX))
}

fn outcome_from_bytes<T: Document>(path: &Path, bytes: &[u8]) -> LoadOutcome<T> {
    match parse::<T>(bytes) {
        Parsed::Empty => LoadOutcome::Missing,
        Parsed::Ok(file) => LoadOutcome::Loaded(file),
        Parsed::Bad(flaw) => {
            let mut message = String::new();
            if let Some(found) = flaw.newer {
                let _ = write!(
                    message,
                    "made by a newer marginote (schema {found}; this one knows {SCHEMA_VERSION}): "
                );
            }
            message.push_str(&flaw.message);
            let at = flaw
                .at
                .map(|at| crate::text::sanitize::line_column(bytes, at));
            LoadOutcome::Unreadable {
                problem: problem(path, at, &message),
            }
        }
    }
}

/// `<file>: line L, column C: <message>`, built from toml's `message()` and
/// `span()`, never its `Display`, which quotes the offending line verbatim
/// (escapes and all, a 1 MiB line included).
fn problem(path: &Path, at: Option<(usize, usize)>, message: &str) -> String {
    let mut out = shown(path);
    if let Some((line, column)) = at {
        let _ = write!(out, ": line {line}, column {column}");
    }
    out.push_str(": ");
    out.push_str(&cleaned(message));
    truncate_chars(out, MAX_PROBLEM_CHARS)
}

/// A path fit for a one-line message: sanitised, and only its tail if long.
fn shown(path: &Path) -> String {
    crate::text::sanitize::sanitize_tail(&path.to_string_lossy(), MAX_PATH_CHARS)
}

/// Untrusted text made safe for a one-line message (see `sanitize`).
fn cleaned(text: &str) -> String {
    crate::text::sanitize::sanitize_line(text, 4 * MAX_PROBLEM_CHARS)
}

fn truncate_chars(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
