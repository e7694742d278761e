//! What can go wrong, said plainly: save errors, load outcomes, and
//! one-line problem messages built from toml's spans (never its `Display`).

use super::*;

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

impl StorageError {
    /// The kind of failure in a few words, for a status line too narrow
    /// for the whole message.
    pub fn short(&self) -> &'static str {
        match self {
            StorageError::NoDataDir => "no data folder",
            StorageError::ReadOnly { .. } => "read-only folder",
            StorageError::DiskFull { .. } => "disk full",
            StorageError::Write { .. } => "write failed",
            StorageError::Read { .. } => "file could not be read",
            StorageError::NewerSchema { .. } => "file from a newer marginote",
            StorageError::MoveAside { .. } => "unreadable file could not be moved aside",
            StorageError::Encode { .. } => "could not encode",
        }
    }
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
    /// Saved here, beside a newer marginote's file that stays untouched.
    pub beside_newer: Option<PathBuf>,
}

pub(super) enum Parsed<T> {
    Empty,
    Ok(T),
    Bad(Flaw),
}

pub(super) struct Flaw {
    /// Byte offset of the problem, when known.
    pub(super) at: Option<usize>,
    pub(super) message: String,
    /// The file says it comes from a newer schema.
    pub(super) newer: Option<u32>,
}

/// Files above this size are parsed one at a time (see [`BIG_PARSE`]).
const BIG_PARSE_BYTES: usize = 1 << 20;

/// Parsing a notes file costs a few times its size while it runs, and at
/// start the open document's own read, the library's note counts and the
/// due counts may each parse the same big file at once: 30 MB of notes
/// peaked at 383 MB with three parses alive together (heaptrack, issue
/// 12). Big parses take turns, so the peak holds one; small files never
/// wait. Nothing is locked inside, so it cannot deadlock with file locks.
static BIG_PARSE: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub(super) fn parse<T: StoredFile>(bytes: &[u8]) -> Parsed<T> {
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
    // One big parse at a time in the process (see [`BIG_PARSE`]).
    let _gate = (bytes.len() > BIG_PARSE_BYTES).then(|| {
        BIG_PARSE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    match T::from_toml(text) {
        Ok(file) => Parsed::Ok(file),
        Err(e) => Parsed::Bad(Flaw {
            at: e.span().map(|s| s.start),
            message: e.message().to_owned(),
            newer: newer_schema_in(text),
        }),
    }
}

/// The schema version of a file our model cannot read, when it is newer.
pub(super) fn newer_schema_in(text: &str) -> Option<u32> {
    let table = toml::from_str::<toml::Table>(text).ok()?;
    let found = table.get("schema_version")?.as_integer()?;
    (found > i64::from(SCHEMA_VERSION)).then(|| u32::try_from(found).unwrap_or(u32::MAX))
}

pub(super) fn outcome_from_bytes<T: StoredFile>(path: &Path, bytes: &[u8]) -> LoadOutcome<T> {
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

/// `cannot read <name>: <message> (line L, column C; folder <dir>)`: the
/// reason first, so an 80-column status line shows it rather than a long
/// path. Built from toml's `message()` and `span()`, never its `Display`,
/// which quotes the offending line verbatim (escapes and all, a 1 MiB line
/// included).
pub(super) fn problem(path: &Path, at: Option<(usize, usize)>, message: &str) -> String {
    let name = path
        .file_name()
        .map_or_else(|| shown(path), |n| shown(Path::new(n)));
    let mut place = String::from(" (");
    if let Some((line, column)) = at {
        let _ = write!(place, "line {line}, column {column}; ");
    }
    let _ = write!(place, "folder {})", shown(parent_dir(path)));
    let head = format!("cannot read {name}: ");
    // The reason is cut before the place is: both must show.
    let room = MAX_PROBLEM_CHARS
        .saturating_sub(head.chars().count() + place.chars().count())
        .max(40);
    let out = head + &truncate_chars(cleaned(message), room) + &place;
    truncate_chars(out, MAX_PROBLEM_CHARS)
}

/// A path fit for a one-line message: sanitised, and only its tail if long.
pub(super) fn shown(path: &Path) -> String {
    crate::text::sanitize::sanitize_tail(&path.to_string_lossy(), MAX_PATH_CHARS)
}

/// Untrusted text made safe for a one-line message (see `sanitize`).
pub(super) fn cleaned(text: &str) -> String {
    crate::text::sanitize::sanitize_line(text, 4 * MAX_PROBLEM_CHARS)
}

pub(super) fn truncate_chars(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}
