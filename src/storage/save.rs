//! The store: load, lock, merge and the durable save protocol (temp
//! file, sync, rename, folder sync), and cleaning temp debris.

use super::*;

/// Loads and saves notes and state files through an [`Fs`].
#[derive(Debug, Default)]
pub struct Store<F = RealFs> {
    pub(super) fs: F,
}

impl Store<RealFs> {
    pub fn new() -> Self {
        Self { fs: RealFs }
    }
}

/// Temp names differ per save within a process, and per process by pid.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// How one save of one file went.
enum Attempt<T> {
    Done(Saved<T>),
    /// The file on disk is from a newer schema: nothing written.
    Newer(u32),
}

pub(super) enum OnDisk<T> {
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

    /// The document and fingerprint a notes file is for, from its first
    /// part only: finding whether any notes belong to a moved document
    /// parsed every notes file whole before a new document's first screen
    /// (6,000 notes in 15 files: 40 ms, callgrind 225 M instructions).
    /// `None` when that part does not tell: the caller loads the file.
    pub fn notes_owner(&self, path: &Path) -> Option<(String, String)> {
        let bytes = self.fs.read(path, OWNER_BYTES + 1).ok()?;
        let whole = bytes.len() as u64 <= OWNER_BYTES;
        let part = &bytes[..bytes.len().min(OWNER_BYTES as usize)];
        // Cut at a character, if the part ends in one.
        let text = match std::str::from_utf8(part) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&part[..e.valid_up_to()]).ok()?,
        };
        chunked::owner(text, whole)
    }

    /// How many bookmarks a notes file holds (0 when it cannot be read),
    /// for the library: a big file is counted by its section headers, not
    /// loaded (loading 30 MB of notes to count them cost ~90 MB at start).
    pub fn count_bookmarks(&self, path: &Path) -> usize {
        // Notes saved beside a newer marginote's file count too: loaded.
        if self.fs.exists(&beside_newer(path)).ok() == Some(true) {
            return match self.load_notes(path) {
                LoadOutcome::Loaded(n) => n.bookmarks.len(),
                _ => 0,
            };
        }
        let Ok(bytes) = self.fs.read(path, MAX_FILE_BYTES + 1) else {
            return 0;
        };
        let counted = std::str::from_utf8(&bytes)
            .ok()
            .and_then(super::chunked::bookmark_sections);
        match counted {
            Some(n) => n,
            None => match outcome_from_bytes::<NotesFile>(path, &bytes) {
                LoadOutcome::Loaded(n) => n.bookmarks.len(),
                _ => 0,
            },
        }
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

    /// Loads a file, folding in what this version saved beside it while a
    /// newer marginote's file stood there (see [`beside_newer`]). A broken
    /// file's problem names its newest good backup (N7).
    pub(super) fn load<T: StoredFile>(&self, path: &Path) -> LoadOutcome<T> {
        let main = self.load_one::<T>(path);
        if let LoadOutcome::Unreadable { problem } = &main {
            if let Some(backup) = self.newest_good_backup::<T>(path) {
                // The backup's path names the folder: say it instead.
                let folder = format!(" folder {})", shown(parent_dir(path)));
                let short = problem
                    .strip_suffix(&folder)
                    .map(|p| p.trim_end_matches([';', ' ', '(']).to_string() + ")")
                    .unwrap_or_else(|| problem.clone());
                return LoadOutcome::Unreadable {
                    problem: format!(
                        "{short} — newest good backup: {} (copy it over the file to restore it)",
                        shown(&backup)
                    ),
                };
            }
            return main;
        }
        let beside = beside_newer(path);
        if self.fs.exists(&beside).ok() != Some(true) {
            return main;
        }
        let LoadOutcome::Loaded(saved_beside) = self.load_one::<T>(&beside) else {
            return main;
        };
        match main {
            LoadOutcome::Loaded(file) => {
                // Still the newer file's version: it stays read-only here.
                let version = file.schema_version();
                let mut merged = T::merge(&saved_beside, Some(file));
                merged.set_schema_version(version);
                LoadOutcome::Loaded(merged)
            }
            LoadOutcome::Missing => LoadOutcome::Loaded(saved_beside),
            other => other,
        }
    }

    pub(super) fn load_one<T: StoredFile>(&self, path: &Path) -> LoadOutcome<T> {
        match self.fs.read(path, MAX_FILE_BYTES + 1) {
            Ok(bytes) => outcome_from_bytes(path, &bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => LoadOutcome::Missing,
            Err(e) => LoadOutcome::Unreadable {
                problem: problem(path, None, &e.to_string()),
            },
        }
    }

    pub(super) fn save<T: StoredFile>(
        &self,
        path: &Path,
        ours: &T,
    ) -> Result<Saved<T>, StorageError> {
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
        match self.save_at(&target, ours, true)? {
            Attempt::Done(saved) => Ok(saved),
            // A newer marginote's file is never written over: our notes go
            // beside it, in our schema, where this version (and a newer one)
            // merges them back (N8).
            Attempt::Newer(_) => {
                let beside = beside_newer(&target);
                match self.save_at(&beside, ours, false)? {
                    Attempt::Done(mut saved) => {
                        saved.beside_newer = Some(beside);
                        Ok(saved)
                    }
                    Attempt::Newer(found) => Err(StorageError::NewerSchema {
                        path: beside,
                        found,
                    }),
                }
            }
        }
    }

    /// One save of `target` under its lock. `fold_beside`: notes saved
    /// beside a newer file are merged in and that file removed once the
    /// merge is durably saved (the newer file is gone or was replaced).
    fn save_at<T: StoredFile>(
        &self,
        target: &Path,
        ours: &T,
        fold_beside: bool,
    ) -> Result<Attempt<T>, StorageError> {
        // A separate lock file, because a lock on the data file itself would
        // be lost at the first rename over it (N4). Held until we return.
        let _lock = self
            .fs
            .lock(&sibling(target, "", ".lock"))
            .map_err(|e| write_error(target, "locking", e))?;
        self.remove_debris(target);

        let (disk, previous, unparseable) = match self.read_disk::<T>(target)? {
            OnDisk::Missing => (None, None, false),
            OnDisk::Parsed { file, bytes } => (Some(file), Some(bytes), false),
            OnDisk::Unparseable => (None, None, true),
            OnDisk::Newer(found) => return Ok(Attempt::Newer(found)),
        };
        let beside = beside_newer(target);
        let mut folded = None;
        let mut _beside_lock = None;
        if fold_beside
            && self
                .fs
                .exists(&beside)
                .map_err(|e| write_error(target, "checking for notes saved beside it", e))?
        {
            _beside_lock = Some(
                self.fs
                    .lock(&sibling(&beside, "", ".lock"))
                    .map_err(|e| write_error(&beside, "locking", e))?,
            );
            // Only a file we parsed is folded in, and so only it is removed.
            if let OnDisk::Parsed { file, .. } = self.read_disk::<T>(&beside)? {
                folded = Some(file);
            }
        }
        // Borrowed unless something is folded in: a big notes file is not
        // copied once more just to be merged.
        let ours = match &folded {
            Some(file) => std::borrow::Cow::Owned(T::merge(ours, Some(file.clone()))),
            None => std::borrow::Cow::Borrowed(ours),
        };
        let merged = T::merge(&ours, disk);
        drop(ours);
        let text = toml::to_string(&merged).map_err(|e| StorageError::Encode {
            path: target.to_path_buf(),
            message: e.to_string(),
        })?;
        // Never write what we could not read back: the next save would find
        // it unparseable and move it aside.
        if let Err(e) = T::from_toml(&text) {
            let message = e.message().to_owned();
            return Err(StorageError::Encode {
                path: target.to_path_buf(),
                message,
            });
        }
        if previous.as_deref() == Some(text.as_bytes()) {
            if folded.is_some() {
                let _ = self.fs.remove_file(&beside);
            }
            return Ok(Attempt::Done(Saved {
                file: merged,
                moved_aside: None,
                beside_newer: None,
            }));
        }
        // Encoded first, so a failure cannot leave the user's file moved aside
        // with nothing written in its place.
        let moved_aside = if unparseable {
            Some(self.move_aside(target)?)
        } else {
            None
        };
        if let Err(e) = self.write_atomic(target, text.as_bytes()) {
            // Put the unparseable file back (unless the new one made it into
            // place), so the next load reports it again instead of "missing".
            if let Some(aside) = &moved_aside
                && self.fs.exists(target).ok() == Some(false)
            {
                let _ = self.fs.rename(aside, target);
            }
            return Err(e);
        }
        // Durably saved: only now may the copy beside a newer file go.
        if folded.is_some() {
            let _ = self.fs.remove_file(&beside);
        }
        // A broken file never pushes good backups out (N7).
        if !unparseable {
            self.rotate_backups(target, text.as_bytes());
        }
        Ok(Attempt::Done(Saved {
            file: merged,
            moved_aside,
            beside_newer: None,
        }))
    }

    /// Follows a symlinked file name to the file it names, so the rename
    /// replaces that file and the link stays a link (N10).
    pub(super) fn resolve_links(&self, path: &Path) -> Result<PathBuf, StorageError> {
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
        let prefixes: Vec<OsString> = std::iter::once(temp_prefix(target))
            .chain((1..=BACKUPS).map(|n| temp_prefix(&backup_path(target, n))))
            .collect();
        let Ok(names) = self.fs.list_dir(dir) else {
            return;
        };
        for name in names.iter().filter(|n| {
            prefixes
                .iter()
                .any(|p| n.as_encoded_bytes().starts_with(p.as_encoded_bytes()))
        }) {
            let _ = self.fs.remove_file(&dir.join(name));
        }
    }

    fn read_disk<T: StoredFile>(&self, target: &Path) -> Result<OnDisk<T>, StorageError> {
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
    pub(super) fn move_aside(&self, target: &Path) -> Result<PathBuf, StorageError> {
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
    pub(super) fn write_atomic(&self, target: &Path, bytes: &[u8]) -> Result<(), StorageError> {
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

pub(super) fn write_error(path: &Path, step: &'static str, error: io::Error) -> StorageError {
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

pub(super) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// `<dir>/<prefix><file name><suffix>`.
pub(super) fn sibling(path: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let mut name = OsString::from(prefix);
    name.push(path.file_name().unwrap_or_else(|| OsStr::new("unnamed")));
    name.push(suffix);
    parent_dir(path).join(name)
}

/// Where notes go while a newer marginote's file stands at `target`:
/// `<stem>.v<our schema>.toml` beside it, e.g. `state.v1.toml`.
pub fn beside_newer(target: &Path) -> PathBuf {
    let stem = target.file_stem().unwrap_or_else(|| OsStr::new("unnamed"));
    let mut name = stem.to_os_string();
    name.push(format!(".v{SCHEMA_VERSION}.toml"));
    parent_dir(target).join(name)
}

/// Whether a file name is one [`beside_newer`] makes (so listings of
/// notes files skip it: it is folded into its main file on load).
pub fn is_beside_newer(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        n.to_string_lossy()
            .ends_with(&format!(".v{SCHEMA_VERSION}.toml"))
    })
}

/// Temp files are `.<file name>.tmp-<pid>-<n>`: hidden, and never a name
/// anything loads.
pub(super) fn temp_prefix(target: &Path) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(target.file_name().unwrap_or_else(|| OsStr::new("unnamed")));
    prefix.push(".tmp-");
    prefix
}
