//! Storage: where marginote keeps notes and reading state on disk, and how it
//! saves them so that a note, once saved, survives crashes, kills, full disks
//! and a second marginote working on the same files (`RELIABILITY.md` §1,
//! N1–N11).
//!
//! # Layout
//! A [`DataDir`] holds `state.toml` (reading positions, last document),
//! `sessions.toml` (lecture sessions),
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
//!   a deleted bookmark back. Notes likewise, the later `updated` winning on
//!   the same id. (The window whose edit lost to a delete is told, and puts
//!   the edited note back under a new id: see `app::unsaved`.)
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
//! - A file from a newer schema loads read-only if it fits our model, and is
//!   never written over (N8), so a newer marginote's data is never
//!   downgraded. What this version saves goes beside it, in our schema, as
//!   `<stem>.v1.toml` ([`beside_newer`]); loading folds that file in, and
//!   the first save after the newer file is gone merges it back and removes
//!   it. A newer marginote can merge it the same way (union by id).
//!
//! # Backups (N7)
//! Each save that found a good file (or none) shifts `<file>.bak.1`, `.bak.2`
//! up and writes what it saved as `.bak.1`; a save over a broken file
//! rotates nothing, so good backups are never pushed out by a broken file.
//! A broken file's load problem names its newest good backup.
//!
//! # When saving fails (N3)
//! [`Store::save_notes_or_fallback`] writes a copy to the temporary folder
//! ([`Fallback`], one per data folder). The copy comes home, merged by id,
//! with the next save that works or at the next start ([`Store::reclaim`]),
//! and is removed only once that merge is durably saved.

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

/// How much of a notes file [`Store::notes_owner`] reads: the top keys
/// and their tombstones (`deleted`), which come before every entry.
const OWNER_BYTES: u64 = 64 * 1024;
const MAX_PROBLEM_CHARS: usize = 200;
const MAX_PATH_CHARS: usize = 80;
const MAX_SLUG_CHARS: usize = 40;
const MAX_SYMLINK_HOPS: usize = 40;

// The files below share this module's imports and limits through
// `use super::*`: they are one module split by concern, not separate APIs.
mod backup;
mod chunked;
mod datadir;
mod fallback;
mod filesystem;
mod merge;
pub mod merge3;
mod model;
mod problems;
mod save;
mod sessions;

pub use backup::*;
pub use datadir::*;
pub use fallback::*;
pub use filesystem::*;
use merge::*;
pub use model::*;
pub use problems::*;
pub use save::*;
pub use sessions::*;

#[cfg(test)]
mod recovery_tests;
#[cfg(test)]
mod tests;
