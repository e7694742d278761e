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

    /// The newest good backup of a notes file, if any.
    pub fn newest_good_notes_backup(&self, path: &Path) -> Option<PathBuf> {
        self.newest_good_backup::<NotesFile>(path)
    }

    /// The newest good backup of a state file, if any.
    pub fn newest_good_state_backup(&self, path: &Path) -> Option<PathBuf> {
        self.newest_good_backup::<StateFile>(path)
    }
}
