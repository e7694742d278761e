//! The temporary-folder fallback: when notes, reading positions or the
//! lecture sessions cannot be saved where they belong (read-only or full
//! disk, a file where a folder should be), a copy goes to
//! `<temp>/marginote-unsaved/<data folder hash>/` (`notes/<file>`,
//! `state.toml`, `sessions.toml`), so it outlives this session. The copy
//! comes home, merged as two windows merge (notes and sessions by id,
//! positions the newer winning), with the next save that works or at the
//! next start, and is removed only once that merge is durably saved (N3).

use super::*;

/// The fallback folder of one data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    pub root: PathBuf,
}

impl Fallback {
    /// In the system's temporary folder (`TMPDIR`).
    pub fn for_data_dir(data: &DataDir) -> Self {
        Self::under(&std::env::temp_dir(), data)
    }

    /// A folder per data folder, so notes come home to the folder they
    /// belong to, never to another user's or another test's.
    pub fn under(temp: &Path, data: &DataDir) -> Self {
        let hash = fnv1a64(data.root.as_os_str().as_encoded_bytes());
        Self {
            root: temp.join("marginote-unsaved").join(format!("{hash:016x}")),
        }
    }

    /// Where the copy of the notes file `target` goes.
    pub fn notes_path(&self, target: &Path) -> PathBuf {
        let name = target
            .file_name()
            .unwrap_or_else(|| OsStr::new("notes.toml"));
        self.root.join("notes").join(name)
    }

    /// Where the copy of the reading state goes.
    pub fn state_path(&self) -> PathBuf {
        self.root.join("state.toml")
    }

    /// Where the copy of the lecture sessions goes.
    pub fn sessions_path(&self) -> PathBuf {
        self.root.join("sessions.toml")
    }
}

/// Notes that are not where they belong: why, and where they are instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveFailure {
    /// One line for the status bar: where the notes are and why.
    pub message: String,
    /// The copy in the temporary folder, when writing it worked; `None`
    /// means the notes are only in memory.
    pub fallback: Option<PathBuf>,
    /// Why they could not be saved where they belong.
    pub reason: String,
}

impl std::fmt::Display for SaveFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A copy in the fallback folder that could not come home at start (the
/// data folder still cannot be written): the app keeps it as unsaved and
/// retries it like a failed save.
#[derive(Debug, Clone, PartialEq)]
pub struct Left<T> {
    /// Where it belongs.
    pub target: PathBuf,
    /// The copy.
    pub spare: PathBuf,
    /// What the copy holds.
    pub file: T,
    /// Why it could not be saved home.
    pub reason: String,
}

/// What [`Store::reclaim`] brought home at start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reclaimed {
    /// Entries (notes, bookmarks, highlights) that were only in the fallback.
    pub entries: usize,
    /// Fallback files merged and removed.
    pub files: usize,
    /// Fallback files that could not come home yet (they stay).
    pub problems: Vec<String>,
    /// Reading positions that came home (newer than the data folder's).
    pub positions: usize,
    /// Lecture sessions that came home (new or newer than the data
    /// folder's).
    pub sessions: usize,
    /// Notes copies that stay until the data folder can be written.
    pub notes_left: Vec<Left<NotesFile>>,
    /// The reading-state copy, if it stays likewise.
    pub state_left: Option<Left<StateFile>>,
    /// The sessions copy, if it stays likewise.
    pub sessions_left: Option<Left<SessionsFile>>,
}

impl Reclaimed {
    /// Whether anything came home worth telling.
    pub fn any(&self) -> bool {
        self.files > 0 || self.positions > 0 || self.sessions > 0
    }
}

impl<F: Fs> Store<F> {
    /// Saves `notes` to `path`, first folding in a copy an earlier failure
    /// left in the fallback folder (removed once the merge is saved). When
    /// the save fails, writes a copy to the fallback folder instead.
    pub fn save_notes_or_fallback(
        &self,
        fallback: &Fallback,
        path: &Path,
        notes: &NotesFile,
    ) -> Result<Saved<NotesFile>, SaveFailure> {
        self.save_or_fallback(&fallback.notes_path(path), path, notes, "notes")
    }

    /// Saves the reading state to `path` as [`Self::save_notes_or_fallback`]
    /// saves notes: a copy waiting in the fallback folder is folded in (the
    /// newer position winning) and removed once saved; when the save fails,
    /// the copy goes there.
    pub fn save_state_or_fallback(
        &self,
        fallback: &Fallback,
        path: &Path,
        state: &StateFile,
    ) -> Result<Saved<StateFile>, SaveFailure> {
        self.save_or_fallback(&fallback.state_path(), path, state, "reading position")
    }

    /// Saves the lecture sessions to `path` as [`Self::save_notes_or_fallback`]
    /// saves notes: a copy waiting in the fallback folder is folded in (by
    /// session id, the later update winning) and removed once saved; when
    /// the save fails, the copy goes there.
    pub fn save_sessions_or_fallback(
        &self,
        fallback: &Fallback,
        path: &Path,
        sessions: &SessionsFile,
    ) -> Result<Saved<SessionsFile>, SaveFailure> {
        self.save_or_fallback(
            &fallback.sessions_path(),
            path,
            sessions,
            "lecture sessions",
        )
    }

    fn save_or_fallback<T: StoredFile>(
        &self,
        spare: &Path,
        path: &Path,
        value: &T,
        what: &str,
    ) -> Result<Saved<T>, SaveFailure> {
        let waiting = match self.load_one::<T>(spare) {
            LoadOutcome::Loaded(file) => Some(file),
            _ => None,
        };
        let ours = match &waiting {
            Some(file) => T::merge(value, Some(file.clone())),
            None => value.clone(),
        };
        match self.save(path, &ours) {
            Ok(saved) => {
                if waiting.is_some() {
                    self.remove_spare(spare);
                }
                Ok(saved)
            }
            Err(e) => Err(self.save_spare(spare, &ours, &e, what)),
        }
    }

    /// Writes the fallback copy after `error`; says where it is.
    fn save_spare<T: StoredFile>(
        &self,
        spare: &Path,
        value: &T,
        error: &StorageError,
        what: &str,
    ) -> SaveFailure {
        match self.save(spare, value) {
            Ok(saved) => {
                let at = saved.beside_newer.unwrap_or_else(|| spare.to_path_buf());
                SaveFailure {
                    // The path is long: the status line shows why first,
                    // and the quit question lists where.
                    message: format!(
                        "{what} not saved in the data folder ({}) — a copy waits in the temporary folder and goes home once it can — {error}",
                        error.short()
                    ),
                    fallback: Some(at),
                    reason: error.to_string(),
                }
            }
            Err(_) => SaveFailure {
                message: format!(
                    "{what} not saved: {error} — the temporary folder failed too: kept in memory only"
                ),
                fallback: None,
                reason: error.to_string(),
            },
        }
    }

    /// Removes a fallback copy and what its saves left beside it.
    fn remove_spare(&self, spare: &Path) {
        let _ = self.fs.remove_file(spare);
        let _ = self.fs.remove_file(&sibling(spare, "", ".lock"));
        for n in 1..=BACKUPS {
            let _ = self.fs.remove_file(&backup_path(spare, n));
        }
    }

    /// Brings every fallback copy of `data`'s notes home, merging by id;
    /// each copy is removed only after its merge is durably saved.
    pub fn reclaim(&self, fallback: &Fallback, data: &DataDir) -> Reclaimed {
        let mut out = Reclaimed::default();
        let dir = fallback.root.join("notes");
        let mut names = self.fs.list_dir(&dir).unwrap_or_default();
        names.sort();
        for name in names {
            let text = name.to_string_lossy();
            if text.starts_with('.') || !text.ends_with(".toml") {
                continue;
            }
            let spare = dir.join(&name);
            let LoadOutcome::Loaded(waiting) = self.load_one::<NotesFile>(&spare) else {
                continue;
            };
            let target = data.notes_dir().join(&name);
            let known: BTreeSet<String> = match self.load_notes(&target) {
                LoadOutcome::Loaded(file) => entry_ids(&file).into_iter().collect(),
                _ => BTreeSet::new(),
            };
            match self.save_notes(&target, &waiting) {
                Ok(saved) => {
                    out.entries += came_home(&known, &waiting, &saved.file);
                    out.files += 1;
                    self.remove_spare(&spare);
                }
                Err(e) => {
                    out.problems.push(format!(
                        "notes in the temporary folder could not come home yet ({}): {} — {e}",
                        e.short(),
                        shown(&spare)
                    ));
                    out.notes_left.push(Left {
                        target,
                        spare,
                        file: waiting,
                        reason: e.to_string(),
                    });
                }
            }
        }
        self.reclaim_state(fallback, data, &mut out);
        self.reclaim_sessions(fallback, data, &mut out);
        self.reclaim_old(fallback, data, &mut out);
        out
    }

    /// Brings a fallback copy of the sessions home, merged by id (the
    /// later update winning). An unreadable sessions.toml is set aside by
    /// the save, as any save of sessions does (N6).
    fn reclaim_sessions(&self, fallback: &Fallback, data: &DataDir, out: &mut Reclaimed) {
        let spare = fallback.sessions_path();
        let LoadOutcome::Loaded(waiting) = self.load_one::<SessionsFile>(&spare) else {
            return;
        };
        let target = data.sessions_path();
        let before = match self.load_sessions(&target) {
            LoadOutcome::Loaded(file) => file.sessions,
            _ => Vec::new(),
        };
        match self.save_sessions(&target, &waiting) {
            Ok(saved) => {
                out.sessions = waiting
                    .sessions
                    .iter()
                    .filter(|s| !before.contains(s) && saved.file.sessions.contains(s))
                    .count();
                self.remove_spare(&spare);
            }
            Err(e) => {
                out.problems.push(format!(
                    "lecture sessions in the temporary folder could not come home yet ({}): {} — {e}",
                    e.short(),
                    shown(&spare)
                ));
                out.sessions_left = Some(Left {
                    target,
                    spare,
                    file: waiting,
                    reason: e.to_string(),
                });
            }
        }
    }

    /// Brings home copies an earlier marginote left straight in
    /// `<temp>/marginote-unsaved/` (before copies were kept per data
    /// folder). Nothing there says which data folder a copy is from, so one
    /// is merged here only with evidence that it belongs here:
    /// - it is a notes file named as this version names it for its
    ///   document, owned by the data folder's owner; and
    /// - this data folder's file for that document shares an entry with it
    ///   (the copy was the file plus what could not be saved), or has no
    ///   file for it yet but keeps a reading position in it (a bundled
    ///   text is read by every data folder, so that alone is no evidence).
    ///
    /// Other copies are left where they are and each is named in the
    /// problems, so the user knows where those notes wait.
    fn reclaim_old(&self, fallback: &Fallback, data: &DataDir, out: &mut Reclaimed) {
        let Some(dir) = fallback.root.parent() else {
            return;
        };
        let Ok(mut names) = self.fs.list_dir(dir) else {
            return;
        };
        names.sort();
        // The reading positions, read only for a copy that needs them (at
        // most once): every start read `state.toml` here and again for
        // the app, copies waiting or not.
        let mut positions = None;
        for name in names {
            let text = name.to_string_lossy();
            if text.starts_with('.') || !text.ends_with(".toml") {
                continue;
            }
            let copy = dir.join(&name);
            let LoadOutcome::Loaded(waiting) = self.load_one::<NotesFile>(&copy) else {
                continue;
            };
            let named_for_it = text
                .strip_suffix(".toml")
                .and_then(|stem| stem.rsplit_once('-'))
                .is_some_and(|(_, hash)| {
                    *hash == format!("{:016x}", fnv1a64(waiting.document.as_bytes()))
                });
            if !named_for_it || !same_owner(&copy, &data.root) {
                continue;
            }
            let target = data.notes_dir().join(&name);
            let (belongs, known) = match self.load_notes(&target) {
                LoadOutcome::Loaded(file) => {
                    let known: BTreeSet<String> = entry_ids(&file).into_iter().collect();
                    let shared = file.document == waiting.document
                        && entry_ids(&waiting).iter().any(|id| known.contains(id));
                    (shared, known)
                }
                LoadOutcome::Missing => {
                    let positions = positions.get_or_insert_with(|| {
                        match self.load_state(&data.state_path()) {
                            LoadOutcome::Loaded(s) => s.positions,
                            _ => BTreeMap::new(),
                        }
                    });
                    let read_here = positions.contains_key(&waiting.document)
                        && !waiting.document.starts_with("bundled:");
                    (read_here, BTreeSet::new())
                }
                LoadOutcome::Unreadable { .. } => (false, BTreeSet::new()),
            };
            if !belongs {
                out.problems.push(format!(
                    "notes an earlier marginote could not save wait in {}: left there, as nothing shows they belong to this data folder",
                    shown(&copy)
                ));
                continue;
            }
            match self.save_notes(&target, &waiting) {
                Ok(saved) => {
                    out.entries += came_home(&known, &waiting, &saved.file);
                    out.files += 1;
                    self.remove_spare(&copy);
                }
                Err(e) => out.problems.push(format!(
                    "notes in the temporary folder could not come home yet ({}): {} — {e}",
                    e.short(),
                    shown(&copy)
                )),
            }
        }
    }

    /// Brings a fallback copy of the reading state home: each position is
    /// taken where it is newer than the data folder's. A state file that
    /// cannot be read is not written over (the app does not save it
    /// either): the copy waits.
    fn reclaim_state(&self, fallback: &Fallback, data: &DataDir, out: &mut Reclaimed) {
        let spare = fallback.state_path();
        let LoadOutcome::Loaded(waiting) = self.load_one::<StateFile>(&spare) else {
            return;
        };
        let target = data.state_path();
        let before = match self.load_state(&target) {
            LoadOutcome::Unreadable { problem } => {
                out.problems.push(format!(
                    "reading positions waiting in {} could not come home yet: {problem}",
                    shown(&spare)
                ));
                return;
            }
            LoadOutcome::Loaded(file) => file.positions,
            LoadOutcome::Missing => BTreeMap::new(),
        };
        match self.save_state(&target, &waiting) {
            Ok(saved) => {
                out.positions = waiting
                    .positions
                    .iter()
                    .filter(|(key, p)| {
                        before.get(*key) != Some(*p) && saved.file.positions.get(*key) == Some(*p)
                    })
                    .count();
                self.remove_spare(&spare);
            }
            Err(e) => {
                out.problems.push(format!(
                    "reading positions in the temporary folder could not come home yet ({}): {} — {e}",
                    e.short(),
                    shown(&spare)
                ));
                out.state_left = Some(Left {
                    target,
                    spare,
                    file: waiting,
                    reason: e.to_string(),
                });
            }
        }
    }
}

/// Whether `a` and `b` have the same owner (always, where files have no
/// owner). A copy another user left in a shared temporary folder is not
/// this data folder's.
fn same_owner(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.uid() == b.uid(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        true
    }
}

/// The ids of every entry of a notes file.
fn entry_ids(file: &NotesFile) -> Vec<String> {
    file.bookmarks
        .iter()
        .map(|b| b.id.clone())
        .chain(file.highlights.iter().map(|h| h.id.clone()))
        .chain(file.notes.iter().map(|n| n.id.clone()))
        .collect()
}

/// What "write them to a file" writes when quitting with notes that could
/// not be saved: every such document's notes file, and the reading state
/// and the lecture sessions if they were not saved either. TOML, so it
/// reads as text and each `[[documents]]` table is a notes file marginote
/// can load (`[sessions]` likewise a sessions.toml).
#[derive(Debug, Serialize)]
struct UnsavedSheet<'a> {
    schema_version: u32,
    written: &'a str,
    documents: &'a [NotesFile],
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a StateFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sessions: Option<&'a SessionsFile>,
}

/// What is written when quitting with things unsaved (see
/// [`Store::write_unsaved`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unsaved<'a> {
    pub documents: &'a [NotesFile],
    pub state: Option<&'a StateFile>,
    pub sessions: Option<&'a SessionsFile>,
}

impl<F: Fs> Store<F> {
    /// Writes notes (and state, and sessions) that could not be saved
    /// where they belong to a file the user named, atomically.
    pub fn write_unsaved(
        &self,
        path: &Path,
        written: &str,
        unsaved: Unsaved<'_>,
    ) -> Result<(), StorageError> {
        let sheet = UnsavedSheet {
            schema_version: SCHEMA_VERSION,
            written,
            documents: unsaved.documents,
            state: unsaved.state,
            sessions: unsaved.sessions,
        };
        let text = toml::to_string(&sheet).map_err(|e| StorageError::Encode {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        self.write_file(path, text.as_bytes())
    }
}

/// The start message after fallback copies came home.
pub fn reclaimed_message(reclaimed: &Reclaimed, data: &DataDir) -> String {
    let n = reclaimed.entries;
    let what = if n == 1 { "note" } else { "notes" };
    let p = reclaimed.positions;
    let positions = if p == 1 {
        "1 reading position".to_string()
    } else {
        format!("{p} reading positions")
    };
    let (mut came, home) = match (reclaimed.files > 0, p > 0) {
        (true, true) => (format!("{n} {what} and {positions}"), data.root.clone()),
        (false, true) => (positions, data.root.clone()),
        (true, false) => (format!("{n} {what}"), data.notes_dir()),
        (false, false) => (String::new(), data.root.clone()),
    };
    let home = if reclaimed.sessions > 0 {
        let s = reclaimed.sessions;
        let sessions = if s == 1 {
            "1 lecture session".to_string()
        } else {
            format!("{s} lecture sessions")
        };
        came = if came.is_empty() {
            sessions
        } else {
            format!("{came} and {sessions}")
        };
        data.root.clone()
    } else {
        home
    };
    format!(
        "{came} came home from the temporary folder to {}",
        shown(&home)
    )
}

/// How many entries of `waiting` are in the `saved` file now that were not
/// in it before (`known`): the count a "came home" message gives.
fn came_home(known: &BTreeSet<String>, waiting: &NotesFile, saved: &NotesFile) -> usize {
    let home: BTreeSet<String> = entry_ids(saved).into_iter().collect();
    entry_ids(waiting)
        .iter()
        .filter(|id| !known.contains(*id) && home.contains(*id))
        .count()
}
