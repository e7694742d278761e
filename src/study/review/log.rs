//! The review log, `review-log.toml` in the data folder: one `[[review]]`
//! per answer (review id, card id, time, rating), only ever appended to.
//! The schedule is never stored; it is replayed from this log
//! ([`super::schedule`]), so two machines' logs merge by the union of
//! their review ids ([`merge`]).
//!
//! # Taking a rating back
//! A rating given by mistake is taken back (`u` in the review) by
//! appending an undo record: a `[[review]]` with its own id, the card, the
//! time, and `undoes = "<the rating's review id>"` in place of `rating`.
//! Nothing is rewritten, so an undo merges like any answer (union by id)
//! and replay skips the rating it names. A log without undo records (the
//! older format) reads as before. An older marginote skips an undo record
//! as one it cannot read (and says so); it never damages it.
//!
//! # Why append, not the store's atomic rewrite
//! [`crate::storage::Store`] rewrites a whole file per save (temp file,
//! sync, rename). A log of 100,000 reviews is ~13 MB, so every answer
//! would rewrite and sync 13 MB. Instead [`append`] writes one complete
//! record with a single `write` under `review-log.toml.lock`, then
//! `fsync`s (and syncs the folder when it created the file): a rating is
//! on disk when `append` returns, and nothing already in the file is ever
//! touched, so no earlier review can be lost by a kill or a full disk (a
//! failed write is cut back to the old length). A kill or power cut can at
//! worst leave the *last* record torn; every record starts on a fresh line
//! (we add a line break when the file does not end with one), and the
//! reader parses record by record, skipping and reporting a torn one
//! rather than refusing the file (N6 holds: the file is never rewritten).
//!
//! # Reading fast
//! Opening the review must show a card within 50 ms for 100,000 reviews
//! (11 MB; `benches/review.rs`). Records in the exact shape we write
//! (`key = "string"` without escapes, `rating = N`) are read by a line
//! scanner in one pass; anything else in a record (escapes, extra fields
//! from a newer build, comments) goes through `toml` for that record
//! alone, and unknown fields are kept (N8).

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::storage::{DataDir, SCHEMA_VERSION};
use crate::text::sanitize;

/// The log's file name in the data folder.
pub const FILE_NAME: &str = "review-log.toml";

/// Bigger logs are not ours (the store's limit too).
const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;
/// At most this many skipped records are described; the rest are counted.
const MAX_PROBLEMS: usize = 20;
const HEADER: &str = "# marginote review log: one [[review]] per answer, appended, never rewritten.\n\
# Copies from two machines merge by review id: `marginote merge-notes`.\n\
schema_version = 1\n";

/// `review-log.toml` in the data folder.
pub fn log_path(data: &DataDir) -> PathBuf {
    data.root.join(FILE_NAME)
}

/// One answer to one card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// Unique across machines; the merge of two logs keys on it.
    pub id: String,
    /// The card: the id of the note or highlight it was made from.
    pub card: String,
    /// RFC 3339.
    pub at: String,
    /// 1 again, 2 hard, 3 good, 4 easy; 0 (not written) on an undo.
    #[serde(default)]
    pub rating: u8,
    /// On an undo record: the review id of the rating it takes back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    /// Fields a newer build wrote, kept (N8).
    #[serde(flatten)]
    pub extra: toml::Table,
}

#[cfg(test)]
impl Review {
    /// A rating with no undo and nothing unknown, for tests.
    pub(crate) fn rated(id: &str, card: &str, at: &str, rating: u8) -> Review {
        Review {
            id: id.into(),
            card: card.into(),
            at: at.into(),
            rating,
            undoes: None,
            extra: toml::Table::new(),
        }
    }
}

/// The whole log as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewLog {
    pub schema_version: u32,
    pub reviews: Vec<Review>,
    /// Unknown top-level fields.
    pub extra: toml::Table,
}

/// What reading found: the reviews, and one line per record skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    pub log: ReviewLog,
    /// `review-log.toml line N: why; this review was skipped`, sanitised.
    pub problems: Vec<String>,
}

/// Why the log could not be read or appended to. Messages name the file,
/// say what to do, and hold no control characters.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{problem} — the review log was left as it is; fix or move it, then review again")]
    Unreadable { problem: String },
    #[error(
        "{path} was made by a newer marginote (schema {found}) — not written; update marginote"
    )]
    NewerSchema { path: String, found: u32 },
    #[error(
        "could not record the review in {path}: {step} failed ({error}) — answer again once fixed"
    )]
    Io {
        path: String,
        step: &'static str,
        error: io::Error,
    },
}

fn shown(path: &Path) -> String {
    sanitize::sanitize_tail(&path.to_string_lossy(), 80)
}

fn io_error(path: &Path, step: &'static str, error: io::Error) -> LogError {
    LogError::Io {
        path: shown(path),
        step,
        error,
    }
}

impl Review {
    /// A new answer with a fresh review id. `at` is RFC 3339.
    pub fn new(card: impl Into<String>, at: impl Into<String>, rating: u8) -> Self {
        Self {
            id: new_review_id(),
            card: card.into(),
            at: at.into(),
            rating,
            undoes: None,
            extra: toml::Table::new(),
        }
    }

    /// An undo record with review id `id`: the rating `undoes` (a review
    /// id) of `card` is taken back at `at`.
    pub fn undo(
        id: impl Into<String>,
        card: impl Into<String>,
        at: impl Into<String>,
        undoes: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            card: card.into(),
            at: at.into(),
            rating: 0,
            undoes: Some(undoes.into()),
            extra: toml::Table::new(),
        }
    }

    /// Whether this record takes a rating back rather than giving one.
    pub fn is_undo(&self) -> bool {
        self.undoes.is_some()
    }

    /// The record as appended: header line, our four fields (`undoes` in
    /// place of `rating` on an undo), then any unknown ones; strings
    /// escaped as TOML requires.
    pub fn to_toml(&self) -> String {
        let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let last = match &self.undoes {
            Some(undoes) => format!("undoes = {}", quoted(undoes)),
            None => format!("rating = {}", self.rating),
        };
        let mut out = format!(
            "[[review]]\nid = {}\ncard = {}\nat = {}\n{last}\n",
            quoted(&self.id),
            quoted(&self.card),
            quoted(&self.at),
        );
        if !self.extra.is_empty()
            && let Ok(text) = toml::to_string(&self.extra)
        {
            out.push_str(&text);
        }
        out
    }
}

static ID_COUNTER: AtomicU64 = AtomicU64::new(0);

/// `r<unix nanoseconds, hex>-<pid>-<counter>`: distinct across processes
/// and, by the clock's nanoseconds, across machines.
pub fn new_review_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = ID_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("r{nanos:x}-{}-{n}", std::process::id())
}

/// The whole file as TOML, reviews in time order: what a merge writes.
pub fn to_toml(log: &ReviewLog) -> String {
    let mut out = String::from(HEADER);
    if !log.extra.is_empty()
        && let Ok(text) = toml::to_string(&log.extra)
    {
        out.push_str(&text);
    }
    for r in &log.reviews {
        out.push('\n');
        out.push_str(&r.to_toml());
    }
    out
}

/// Parses a log. Only a broken head (the part before the first
/// `[[review]]`) makes the whole file unreadable; a broken record is
/// skipped and reported.
pub fn parse(name: &str, text: &str) -> Result<Loaded, LogError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // One pass over the lines: split records at their headers, read each
    // field as it goes by, and finish each record as the next begins (two
    // passes, or a list of all records first, cost a third more).
    let mut head: Option<toml::Table> = None;
    let mut found = Found {
        // Our records are ~110 bytes: one allocation for the list.
        reviews: Vec::with_capacity(text.len() / 100),
        problems: Vec::new(),
        skipped: 0,
    };
    let mut current: Option<Block> = None;
    let mut offset = 0;
    // memchr over the whole text finds line ends several times faster than
    // `split_inclusive`, which sets up a search per line.
    let ends = memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|i| i + 1)
        .chain((!text.ends_with('\n')).then_some(text.len()));
    for (index, end) in ends.enumerate() {
        let line = &text[offset..end];
        let trimmed = line.trim_ascii();
        if trimmed.starts_with('[') {
            if trimmed != "[[review]]" {
                // Another table (hand-edited, or a newer build): splitting
                // at records would misread it, so read it as plain TOML.
                return parse_whole(name, text);
            }
            match current.take() {
                Some(done) => found.take(name, &text[done.start..offset], done),
                None => head = Some(parse_head(name, text, offset)?),
            }
            current = Some(Block {
                line: index + 1,
                start: end,
                fields: Fields::default(),
            });
        } else if let Some(block) = current.as_mut() {
            block.fields.read(trimmed);
        }
        offset = end;
    }
    if let Some(done) = current {
        found.take(name, &text[done.start..], done);
    }
    let mut head = match head {
        Some(head) => head,
        None => parse_head(name, text, text.len())?,
    };
    if found.skipped > MAX_PROBLEMS {
        found.problems.push(format!(
            "{}: {} more reviews skipped",
            sanitize::sanitize_line(name, 80),
            found.skipped - MAX_PROBLEMS
        ));
    }
    Ok(Loaded {
        log: ReviewLog {
            schema_version: schema_of(&mut head),
            reviews: found.reviews,
            extra: head,
        },
        problems: found.problems,
    })
}

/// The part before the first record, which only `toml` reads.
fn parse_head(name: &str, text: &str, end: usize) -> Result<toml::Table, LogError> {
    toml::from_str(&text[..end]).map_err(|e| {
        let at = e
            .span()
            .map(|s| sanitize::line_column(text.as_bytes(), s.start));
        LogError::Unreadable {
            problem: problem_line(name, at.map(|(l, _)| l), e.message()),
        }
    })
}

/// Records read so far, and the ones skipped.
struct Found {
    reviews: Vec<Review>,
    problems: Vec<String>,
    skipped: usize,
}

impl Found {
    /// Finishes a record: its fields as read, else `toml` on its `body`.
    fn take(&mut self, name: &str, body: &str, block: Block) {
        let review = match block.fields.finish() {
            Some(review) => checked(review),
            None => record(body),
        };
        match review {
            Ok(r) => self.reviews.push(r),
            Err(why) => {
                self.skipped += 1;
                if self.problems.len() < MAX_PROBLEMS {
                    let why = format!("{why}; this review was skipped");
                    self.problems
                        .push(problem_line(name, Some(block.line), &why));
                }
            }
        }
    }
}

/// Reads the log at `path`; a missing or empty file is an empty log.
pub fn load(path: &Path) -> Result<Loaded, LogError> {
    let bytes = match read_capped(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) => {
            return Err(LogError::Unreadable {
                problem: format!("{}: cannot read: {e}", shown(path)),
            });
        }
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| LogError::Unreadable {
        problem: format!(
            "{}: not UTF-8 text at byte {}",
            shown(path),
            e.valid_up_to()
        ),
    })?;
    parse(&shown(path), text)
}

fn read_capped(path: &Path) -> io::Result<Vec<u8>> {
    // A FIFO or device would block or never end: regular files only.
    if !fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    File::open(path)?
        .take(MAX_LOG_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn schema_of(table: &mut toml::Table) -> u32 {
    match table.remove("schema_version").and_then(|v| v.as_integer()) {
        Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
        None => SCHEMA_VERSION,
    }
}

fn problem_line(name: &str, line: Option<usize>, message: &str) -> String {
    let mut out = sanitize::sanitize_line(name, 80);
    if let Some(line) = line {
        out.push_str(&format!(" line {line}"));
    }
    out.push_str(": ");
    out.push_str(&sanitize::sanitize_line(message, 160));
    out
}

/// The file read as plain TOML (no fast path): for hand-edited shapes.
fn parse_whole(name: &str, text: &str) -> Result<Loaded, LogError> {
    #[derive(Deserialize)]
    struct Whole {
        #[serde(default)]
        review: Vec<Review>,
        #[serde(flatten)]
        extra: toml::Table,
    }
    let mut whole: Whole = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| sanitize::line_column(text.as_bytes(), s.start));
        LogError::Unreadable {
            problem: problem_line(name, at.map(|(l, _)| l), e.message()),
        }
    })?;
    let schema_version = schema_of(&mut whole.extra);
    let mut problems = Vec::new();
    whole.review.retain(|r| match valid(r) {
        Ok(()) => true,
        Err(why) => {
            if problems.len() < MAX_PROBLEMS {
                problems.push(problem_line(
                    name,
                    None,
                    &format!("review {}: {why}; skipped", r.id),
                ));
            }
            false
        }
    });
    Ok(Loaded {
        log: ReviewLog {
            schema_version,
            reviews: whole.review,
            extra: whole.extra,
        },
        problems,
    })
}

/// A record's place in the text, and its fields as read on the way.
struct Block<'a> {
    /// The line of its `[[review]]`, from 1.
    line: usize,
    /// Where its body starts: just after the header line.
    start: usize,
    fields: Fields<'a>,
}

/// The fields of a record in exactly the shape we write (`key = "text"`
/// without escapes, `rating = N`); anything else marks it for `toml`.
#[derive(Default)]
struct Fields<'a> {
    id: Option<&'a str>,
    card: Option<&'a str>,
    at: Option<&'a str>,
    rating: Option<u8>,
    undoes: Option<&'a str>,
    other: bool,
}

impl<'a> Fields<'a> {
    fn read(&mut self, line: &'a str) {
        if self.other || line.is_empty() {
            return;
        }
        // `split_once(" = ")` built a substring searcher per line: a tenth
        // of the parse time.
        let (key, value) = match memchr::memchr(b'=', line.as_bytes()) {
            Some(eq) => (
                line[..eq].trim_ascii_end(),
                line[eq + 1..].trim_ascii_start(),
            ),
            None => {
                self.other = true;
                return;
            }
        };
        // Byte patterns compare in place; `str` patterns call memcmp.
        let slot = match key.as_bytes() {
            [b'i', b'd'] => &mut self.id,
            [b'c', b'a', b'r', b'd'] => &mut self.card,
            [b'a', b't'] => &mut self.at,
            [b'u', b'n', b'd', b'o', b'e', b's'] => &mut self.undoes,
            [b'r', b'a', b't', b'i', b'n', b'g'] if self.rating.is_none() => {
                self.rating = value.parse::<u8>().ok();
                self.other |= self.rating.is_none();
                return;
            }
            _ => {
                self.other = true;
                return;
            }
        };
        let inner = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains(['"', '\\']));
        match inner {
            Some(v) if slot.is_none() => *slot = Some(v),
            _ => self.other = true,
        }
    }

    /// The review, when every field was read and nothing else was there.
    fn finish(self) -> Option<Review> {
        if self.other {
            return None;
        }
        // An undo has no rating; a rating names no review.
        let (rating, undoes) = match (self.rating, self.undoes) {
            (Some(r), None) => (r, None),
            (None, Some(u)) => (0, Some(u.to_owned())),
            _ => return None,
        };
        Some(Review {
            id: self.id?.to_owned(),
            card: self.card?.to_owned(),
            at: self.at?.to_owned(),
            rating,
            undoes,
            extra: toml::Table::new(),
        })
    }
}

/// One record's body read by `toml` (the slow path), then checked.
fn record(body: &str) -> Result<Review, String> {
    checked(toml::from_str::<Review>(body).map_err(|e| e.message().to_owned())?)
}

fn checked(review: Review) -> Result<Review, String> {
    valid(&review).map(|()| review)
}

/// Why a record read from the log cannot be used, if it cannot.
fn valid(review: &Review) -> Result<(), String> {
    match (&review.undoes, review.rating) {
        (Some(undoes), 0) if !undoes.is_empty() => {}
        (Some(_), _) => return Err("an undo names a review id and has no rating".to_owned()),
        (None, 1..=4) => {}
        (None, 0) => return Err("a review needs a rating, 1 to 4".to_owned()),
        (None, n) => return Err(format!("rating {n} is not 1 to 4")),
    }
    if review.id.is_empty() || review.card.is_empty() {
        return Err("a review needs an id and a card".to_owned());
    }
    Ok(())
}

/// Two logs as one: every review of either, once (ours on the same id),
/// in time order. Needs no common ancestor: the log only grows.
pub fn merge(ours: &ReviewLog, theirs: &ReviewLog) -> ReviewLog {
    let mut seen: HashSet<&str> = HashSet::with_capacity(ours.reviews.len());
    let mut reviews: Vec<Review> = Vec::with_capacity(ours.reviews.len() + theirs.reviews.len());
    for r in ours.reviews.iter().chain(&theirs.reviews) {
        if seen.insert(&r.id) {
            reviews.push(r.clone());
        }
    }
    let at = |r: &Review| super::schedule::unix_seconds(&r.at).unwrap_or(i64::MIN);
    reviews.sort_by_cached_key(|r| (at(r), r.id.clone()));
    let mut extra = theirs.extra.clone();
    extra.extend(ours.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    ReviewLog {
        schema_version: ours.schema_version.max(theirs.schema_version),
        reviews,
        extra,
    }
}

/// Appends one review durably (see the module docs): under the lock, one
/// write, `fsync`; a failed write is cut back so the file stays whole.
pub fn append(path: &Path, review: &Review) -> Result<(), LogError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        fs::create_dir_all(&dir).map_err(|e| io_error(path, "creating the folder", e))?;
        if let Some(up) = dir.parent() {
            sync_dir(up).map_err(|e| io_error(path, "syncing the new folder", e))?;
        }
    }
    let mut lock_name = path.as_os_str().to_owned();
    lock_name.push(".lock");
    // A separate lock file, as the store does: two windows answering at
    // once must not interleave their records.
    let lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(PathBuf::from(lock_name))
        .map_err(|e| io_error(path, "locking", e))?;
    lock.lock().map_err(|e| io_error(path, "locking", e))?;

    let created = !path.exists();
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io_error(path, "opening", e))?;
    let len = file
        .metadata()
        .map_err(|e| io_error(path, "reading the size", e))?
        .len();
    let mut text = String::new();
    if len == 0 {
        text.push_str(HEADER);
    } else {
        if let Some(found) = newer_schema(&mut file)? {
            return Err(LogError::NewerSchema {
                path: shown(path),
                found,
            });
        }
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1))
            .and_then(|_| file.read_exact(&mut last))
            .map_err(|e| io_error(path, "reading the end", e))?;
        // A torn record (a kill mid-write) must not swallow this one.
        if last[0] != b'\n' {
            text.push('\n');
        }
    }
    text.push('\n');
    text.push_str(&review.to_toml());
    if let Err(e) = file.write_all(text.as_bytes()) {
        // Disk full mid-record: cut it off so no half record stays.
        let _ = file.set_len(len);
        let _ = file.sync_all();
        return Err(io_error(path, "writing", e));
    }
    file.sync_all()
        .map_err(|e| io_error(path, "syncing the file", e))?;
    if created {
        sync_dir(&dir).map_err(|e| io_error(path, "syncing the folder", e))?;
    }
    drop(lock);
    Ok(())
}

/// The head's `schema_version` when newer than ours. Reads only the start
/// of the file: the head comes before the first record.
fn newer_schema(file: &mut File) -> Result<Option<u32>, LogError> {
    let mut head = Vec::new();
    let read = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| (&mut *file).take(64 * 1024).read_to_end(&mut head));
    if read.is_err() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&head);
    for line in text.lines() {
        let line = line.trim();
        if line == "[[review]]" {
            break;
        }
        if let Some(value) = line.strip_prefix("schema_version")
            && let Some(n) = value.trim().strip_prefix('=')
            && let Ok(n) = n.trim().parse::<u32>()
        {
            return Ok((n > SCHEMA_VERSION).then_some(n));
        }
    }
    Ok(None)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    // A new file's name is durable only once its folder is synced; Windows
    // cannot open a folder as a file and needs no such sync.
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(id: &str, card: &str, at: &str, rating: u8) -> Review {
        Review::rated(id, card, at, rating)
    }

    #[test]
    fn undo_records_read_back_through_the_fast_path_and_toml_alike() {
        let log = ReviewLog {
            schema_version: 1,
            reviews: vec![
                review("r1", "n1", "2026-12-01T10:00:00Z", 1),
                Review::undo("r2", "n1", "2026-12-01T10:00:05Z", "r1"),
                Review::undo("r3", "h\"q", "2026-12-01T10:00:06Z", "r\\0"),
            ],
            extra: toml::Table::new(),
        };
        let text = to_toml(&log);
        assert!(
            text.contains("undoes = \"r1\"\n") && !text.contains("rating = 0"),
            "an undo names the rating and has none of its own:\n{text}"
        );
        let loaded = parse("log", &text).expect("parses");
        assert_eq!(loaded.log, log, "round trip:\n{text}");
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        // A hand-edited shape goes through `toml` for the whole file.
        let whole = format!("[other]\nx = 1\n{text}");
        let loaded = parse("log", &whole).expect("parses");
        assert_eq!(loaded.log.reviews, log.reviews);
    }

    #[test]
    fn an_older_format_log_without_undo_records_still_parses() {
        // Written by the build before undo existed, byte for byte.
        let text = "# marginote review log: one [[review]] per answer, appended, never rewritten.\n\
# Copies from two machines merge by review id: `marginote merge-notes`.\n\
schema_version = 1\n\n[[review]]\nid = \"r18d2-1-0\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nrating = 3\n";
        let loaded = parse("log", text).expect("parses");
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.log.reviews.len(), 1);
        let r = &loaded.log.reviews[0];
        assert_eq!((r.rating, r.is_undo()), (3, false));
    }

    #[test]
    fn a_record_both_rating_and_undoing_is_skipped() {
        for body in [
            "id = \"r2\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nrating = 3\nundoes = \"r1\"\n",
            "id = \"r2\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nundoes = \"\"\n",
            "id = \"r2\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\n",
        ] {
            let loaded = parse("log", &format!("[[review]]\n{body}")).expect("parses");
            assert!(loaded.log.reviews.is_empty(), "{body}");
            assert_eq!(loaded.problems.len(), 1, "{body}: {:?}", loaded.problems);
        }
    }

    #[test]
    fn merge_keeps_undo_records_of_either_side() {
        let rated = review("r1", "n1", "2026-12-01T10:00:00Z", 1);
        let a = ReviewLog {
            schema_version: 1,
            reviews: vec![
                rated.clone(),
                Review::undo("u1", "n1", "2026-12-01T10:00:05Z", "r1"),
            ],
            extra: toml::Table::new(),
        };
        let b = ReviewLog {
            schema_version: 1,
            reviews: vec![rated, review("r2", "n2", "2026-12-02T10:00:00Z", 3)],
            extra: toml::Table::new(),
        };
        for m in [merge(&a, &b), merge(&b, &a)] {
            let ids: Vec<&str> = m.reviews.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids, ["r1", "u1", "r2"]);
            assert_eq!(m.reviews[1].undoes.as_deref(), Some("r1"));
        }
    }

    #[test]
    fn n2_append_of_an_undo_leaves_the_rating_in_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        append(&path, &review("r1", "n1", "2026-12-01T10:00:00Z", 1)).expect("rating");
        let before = fs::read(&path).expect("read");
        append(
            &path,
            &Review::undo("u1", "n1", "2026-12-01T10:00:05Z", "r1"),
        )
        .expect("undo");
        let after = fs::read(&path).expect("read");
        assert!(after.starts_with(&before), "the log only grows");
        let loaded = load(&path).expect("loads");
        assert_eq!(loaded.log.reviews.len(), 2);
        assert!(loaded.log.reviews[1].is_undo());
    }

    #[test]
    fn written_log_reads_back_through_the_fast_path_and_toml_alike() {
        let log = ReviewLog {
            schema_version: 1,
            reviews: vec![
                review("r1", "n1", "2026-12-01T10:00:00Z", 3),
                review("r2", "h\"quoted\\", "2026-12-02T10:00:00+01:00", 1),
            ],
            extra: toml::Table::new(),
        };
        let text = to_toml(&log);
        let loaded = parse("log", &text).expect("parses");
        assert_eq!(loaded.log, log, "round trip:\n{text}");
        assert!(loaded.problems.is_empty());
        let plain: toml::Table = toml::from_str(&text).expect("the log is plain TOML");
        assert_eq!(plain["review"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn n8_unknown_fields_of_a_review_are_kept() {
        let text = "schema_version = 1\nfuture = true\n\n[[review]]\nid = \"r1\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nrating = 2\nseconds = 12\n";
        let loaded = parse("log", text).expect("parses");
        let r = &loaded.log.reviews[0];
        assert_eq!(
            r.extra.get("seconds").and_then(|v| v.as_integer()),
            Some(12)
        );
        assert!(loaded.log.extra.contains_key("future"));
        let again = parse("log", &to_toml(&loaded.log)).expect("parses");
        assert_eq!(again.log, loaded.log, "unknown fields survive a rewrite");
    }

    #[test]
    fn torn_last_record_is_skipped_and_reported() {
        let text = "schema_version = 1\n\n[[review]]\nid = \"r1\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nrating = 3\n\n[[review]]\nid = \"r2\"\ncard = \"n";
        let loaded = parse("review-log.toml", text).expect("a torn tail is not fatal");
        assert_eq!(loaded.log.reviews.len(), 1);
        assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
        assert!(
            loaded.problems[0].starts_with("review-log.toml line 9"),
            "{:?}",
            loaded.problems
        );
    }

    #[test]
    fn bad_rating_is_skipped() {
        let text =
            "[[review]]\nid = \"r1\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nrating = 7\n";
        let loaded = parse("log", text).expect("parses");
        assert!(loaded.log.reviews.is_empty());
        assert!(loaded.problems[0].contains("rating 7"));
    }

    #[test]
    fn broken_head_is_unreadable() {
        let err = parse("log", "schema_version = = 1\n[[review]]\n").expect_err("broken head");
        assert!(err.to_string().contains("log line 1"), "{err}");
    }

    #[test]
    fn merge_is_the_union_by_review_id_in_time_order() {
        let a = ReviewLog {
            schema_version: 1,
            reviews: vec![
                review("r1", "n1", "2026-12-01T10:00:00Z", 3),
                review("r3", "n1", "2026-12-03T10:00:00Z", 3),
            ],
            extra: toml::Table::new(),
        };
        let b = ReviewLog {
            schema_version: 1,
            reviews: vec![
                review("r1", "n1", "2026-12-01T10:00:00Z", 3),
                review("r2", "n2", "2026-12-02T10:00:00Z", 1),
            ],
            extra: toml::Table::new(),
        };
        let m = merge(&a, &b);
        let ids: Vec<&str> = m.reviews.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["r1", "r2", "r3"]);
        assert_eq!(merge(&b, &a).reviews, m.reviews, "merge is symmetric");
    }

    #[test]
    fn n2_append_creates_appends_and_survives_a_torn_tail() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("data").join(FILE_NAME);
        append(&path, &review("r1", "n1", "2026-12-01T10:00:00Z", 3)).expect("append 1");
        append(&path, &review("r2", "n1", "2026-12-02T10:00:00Z", 4)).expect("append 2");
        // A kill mid-write leaves half a record without a line break.
        let mut f = OpenOptions::new().append(true).open(&path).expect("open");
        f.write_all(b"\n[[review]]\nid = \"r3").expect("tear");
        drop(f);
        append(&path, &review("r4", "n2", "2026-12-03T10:00:00Z", 1)).expect("append 4");
        let loaded = load(&path).expect("loads");
        let ids: Vec<&str> = loaded.log.reviews.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["r1", "r2", "r4"], "the torn record alone is lost");
        assert_eq!(loaded.problems.len(), 1);
    }

    const CHILD_LOG: &str = "MARGINOTE_TEST_REVIEW_LOG_CHILD";

    /// N2 for the log: a child appends answers in a loop and is SIGKILLed
    /// at seeded moments; every answer it reported as appended must be in
    /// the log, in order, with at most the one in flight added.
    #[test]
    fn n2_kill_mid_append() {
        use std::io::{BufRead as _, BufReader};
        use std::process::{Command, Stdio};
        use std::sync::mpsc;
        use std::time::Duration;

        if let Some(path) = std::env::var_os(CHILD_LOG) {
            let path = PathBuf::from(path);
            let mut n = load(&path).map_or(0, |l| l.log.reviews.len());
            loop {
                let review = review(&format!("r{n}"), "n1", "2026-12-01T10:00:00Z", 3);
                append(&path, &review).expect("child append");
                println!("appended {}", n + 1);
                n += 1;
            }
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        let module = module_path!()
            .split_once("::")
            .map_or(module_path!(), |(_, rest)| rest);
        let mut seed: u64 = 0x5eed;
        let mut on_disk = 0;
        for round in 0..20 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let wait_for = (seed >> 33) % 5 + 1;
            let delay = Duration::from_micros((seed >> 40) % 2000);
            let mut child = Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    "--exact",
                    &format!("{module}::n2_kill_mid_append"),
                    "--nocapture",
                ])
                .env(CHILD_LOG, &path)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn child");
            let stdout = child.stdout.take().expect("child stdout");
            let (tx, rx) = mpsc::channel();
            let reader = std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some((_, n)) = line.rsplit_once("appended ") {
                        let _ = tx.send(n.parse::<usize>().expect("a count"));
                    }
                }
            });
            let mut reported = on_disk;
            for _ in 0..wait_for {
                reported = rx
                    .recv_timeout(Duration::from_secs(30))
                    .expect("n2: the child made no progress");
            }
            std::thread::sleep(delay);
            child.kill().expect("kill");
            child.wait().expect("wait");
            reader.join().expect("reader");
            reported = rx.try_iter().last().unwrap_or(reported);

            let loaded = load(&path).expect("n2: the log stays readable");
            let ids: Vec<&str> = loaded.log.reviews.iter().map(|r| r.id.as_str()).collect();
            on_disk = ids.len();
            assert!(
                on_disk == reported || on_disk == reported + 1,
                "n2 round {round}: {on_disk} answers on disk, {reported} reported"
            );
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(
                    *id,
                    format!("r{i}"),
                    "n2 round {round}: an answer lost or reordered"
                );
            }
        }
    }

    #[test]
    fn n8_append_refuses_a_newer_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, "schema_version = 9\n").expect("write");
        let err = append(&path, &review("r1", "n1", "2026-12-01T10:00:00Z", 3))
            .expect_err("newer log refused");
        assert!(matches!(err, LogError::NewerSchema { found: 9, .. }));
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            "schema_version = 9\n"
        );
    }

    #[test]
    fn review_ids_are_unique() {
        let ids: HashSet<String> = (0..1000).map(|_| new_review_id()).collect();
        assert_eq!(ids.len(), 1000);
    }
}
