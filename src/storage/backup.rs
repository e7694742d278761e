//! Backups of every notes and state file: `<file>.bak.1` (newest) to
//! `.bak.3`, written after each save that found a good file, so a file
//! broken later (by a hand edit, a bad sync tool, a disk) can be restored
//! from what marginote last saved (N7).

use super::*;

/// How many backups are kept of each file.
pub const BACKUPS: usize = 3;

/// `<file>.bak.<n>`, beside the file.
pub fn backup_path(target: &Path, n: usize) -> PathBuf {
    sibling(target, "", &format!(".bak.{n}"))
}

impl<F: Fs> Store<F> {
    /// Shifts `.bak.1`, `.bak.2` up one and writes `bytes` (what was just
    /// saved) as `.bak.1`. The backup holds the newest save, so a broken
    /// file loses nothing that was saved. Called only when the file on
    /// disk loaded cleanly (or was missing): a broken file never pushes
    /// good backups out. Best effort: the save itself is already durable.
    pub(super) fn rotate_backups(&self, target: &Path, bytes: &[u8]) {
        for n in (1..BACKUPS).rev() {
            let from = backup_path(target, n);
            if self.fs.exists(&from).ok() == Some(true) {
                let _ = self.fs.rename(&from, &backup_path(target, n + 1));
            }
        }
        let _ = self.write_atomic(&backup_path(target, 1), bytes);
    }

    /// The newest backup of `path` that loads cleanly in this version.
    pub(super) fn newest_good_backup<T: StoredFile>(&self, path: &Path) -> Option<PathBuf> {
        (1..=BACKUPS).map(|n| backup_path(path, n)).find(|backup| {
            matches!(self.load_one::<T>(backup), LoadOutcome::Loaded(f) if f.schema_version() <= SCHEMA_VERSION)
        })
    }

    /// Puts the newest good backup of a notes file back in its place: the
    /// file there (which could not be read) is moved aside first, never
    /// deleted (N6). Returns what was restored, the backup it came from and
    /// where the old file went; `None` when there is no good backup.
    pub fn restore_notes_backup(
        &self,
        path: &Path,
    ) -> Result<Option<(NotesFile, PathBuf, Option<PathBuf>)>, StorageError> {
        let target = self.resolve_links(path)?;
        let _lock = self
            .fs
            .lock(&sibling(&target, "", ".lock"))
            .map_err(|e| write_error(&target, "locking", e))?;
        let Some(backup) = self.newest_good_backup::<NotesFile>(&target) else {
            return Ok(None);
        };
        let bytes =
            self.fs
                .read(&backup, MAX_FILE_BYTES + 1)
                .map_err(|error| StorageError::Read {
                    path: backup.clone(),
                    error,
                })?;
        let Parsed::Ok(file) = parse::<NotesFile>(&bytes) else {
            return Ok(None);
        };
        let aside = if self.fs.exists(&target).ok() == Some(true) {
            Some(self.move_aside(&target)?)
        } else {
            None
        };
        self.write_atomic(&target, &bytes)?;
        Ok(Some((file, backup, aside)))
    }

    /// The newest good backup of a notes file, if any.
    pub fn newest_good_notes_backup(&self, path: &Path) -> Option<PathBuf> {
        self.newest_good_backup::<NotesFile>(path)
    }

    /// The newest good backup of a state file, if any.
    pub fn newest_good_state_backup(&self, path: &Path) -> Option<PathBuf> {
        self.newest_good_backup::<StateFile>(path)
    }
}
