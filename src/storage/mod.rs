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

// The files below share this module's imports and limits through
// `use super::*`: they are one module split by concern, not separate APIs.
mod datadir;
mod filesystem;
mod merge;
pub mod merge3;
mod model;
mod problems;
mod save;

pub use datadir::*;
pub use filesystem::*;
use merge::*;
pub use model::*;
pub use problems::*;
pub use save::*;

#[cfg(test)]
mod tests;
