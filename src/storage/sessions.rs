//! `sessions.toml`: the lecture sessions, one `[[sessions]]` table each
//! (name, when it started and ended, the clock, its pauses, the documents
//! it touched), saved through the same durable, merging store as notes
//! and state (locks, atomic rename, backups, newer-schema handling).
//!
//! The clock is kept so that the file alone tells it: `elapsed` is the
//! seconds the clock had run (pauses excluded) at `updated`; while
//! `running`, the clock goes on from `updated`. So a marginote that was
//! killed loses at most the time since its last save of the file.

use super::*;

/// One lecture session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Unique across instances and time; merges key on it.
    pub id: String,
    /// What the student called it ("History 101 · 2026-12-04"); entries
    /// made in it carry this name ([`SessionMark`]).
    pub name: String,
    /// RFC 3339, local time.
    #[serde(default)]
    pub started: String,
    /// RFC 3339; absent while the session is unfinished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// Seconds of clock (pauses excluded) as of `updated`.
    #[serde(default)]
    pub elapsed: u64,
    /// The clock was running at `updated` (and is, unless marginote was
    /// killed since).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub running: bool,
    /// RFC 3339 of the last change; the later one wins a merge.
    #[serde(default)]
    pub updated: String,
    /// Notes, highlights and bookmarks made in it.
    #[serde(default)]
    pub entries: u64,
    /// Keys of the documents entries were made in, in the order touched.
    #[serde(default)]
    pub documents: Vec<String>,
    #[serde(default)]
    pub pauses: Vec<Pause>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// A stretch when the clock stood still: paused by the student, or
/// marginote closed (`resumed` absent while it lasts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumed: Option<String>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// `sessions.toml` in the data folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionsFile {
    pub schema_version: u32,
    #[serde(default)]
    pub sessions: Vec<Session>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Default for SessionsFile {
    fn default() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            sessions: Vec::new(),
            extra: toml::Table::new(),
        }
    }
}

/// Seconds from RFC 3339 stamp `from` to `to`; 0 when either does not
/// parse or the clock went backwards.
pub fn seconds_between(from: &str, to: &str) -> u64 {
    match (
        from.parse::<jiff::Timestamp>(),
        to.parse::<jiff::Timestamp>(),
    ) {
        (Ok(a), Ok(b)) => u64::try_from(b.as_second() - a.as_second()).unwrap_or(0),
        _ => 0,
    }
}

impl Session {
    /// The clock at `now`: what it showed at `updated`, plus the time
    /// since if it runs.
    pub fn elapsed_at(&self, now: &str) -> u64 {
        if self.running && self.ended.is_none() {
            self.elapsed
                .saturating_add(seconds_between(&self.updated, now))
        } else {
            self.elapsed
        }
    }

    pub fn is_finished(&self) -> bool {
        self.ended.is_some()
    }
}

impl SessionsFile {
    pub fn is_read_only(&self) -> bool {
        self.schema_version > SCHEMA_VERSION
    }

    pub fn by_id(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    pub fn by_id_mut(&mut self, id: &str) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }

    /// The session of that name (names are compared as typed, but for
    /// case and surrounding spaces); the latest started if several.
    pub fn by_name(&self, name: &str) -> Option<&Session> {
        let name = name.trim().to_lowercase();
        self.sessions
            .iter()
            .filter(|s| s.name.trim().to_lowercase() == name)
            .max_by(|a, b| newer_first(a, b).reverse())
    }

    /// The most recently started session.
    pub fn latest(&self) -> Option<&Session> {
        self.sessions.iter().min_by(|a, b| newer_first(a, b))
    }

    /// The most recently started session that has not ended.
    pub fn latest_unfinished(&self) -> Option<&Session> {
        self.sessions
            .iter()
            .filter(|s| !s.is_finished())
            .min_by(|a, b| newer_first(a, b))
    }

    /// Oldest first, as written.
    fn sort(&mut self) {
        self.sessions.sort_by(|a, b| newer_first(a, b).reverse());
    }
}

/// Orders sessions newest start first (ids break ties).
fn newer_first(a: &Session, b: &Session) -> std::cmp::Ordering {
    let at = |s: &Session| s.started.parse::<jiff::Timestamp>().ok();
    at(b)
        .cmp(&at(a))
        .then_with(|| b.started.cmp(&a.started))
        .then_with(|| b.id.cmp(&a.id))
}

impl StoredFile for SessionsFile {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn set_schema_version(&mut self, version: u32) {
        self.schema_version = version;
    }

    /// Union by id; on the same id the later `updated` wins, ours on a tie
    /// (this window holds the session it runs).
    fn merge(ours: &Self, disk: Option<Self>) -> Self {
        let disk = disk.unwrap_or_default();
        let mut merged = Self {
            schema_version: SCHEMA_VERSION,
            sessions: union_later_edit_wins(
                &ours.sessions,
                disk.sessions,
                &BTreeSet::new(),
                |s| &s.id,
                |s| &s.updated,
            ),
            extra: union_tables(&ours.extra, disk.extra),
        };
        merged.sort();
        merged
    }
}

impl SessionsFile {
    /// This copy merged with another as a save merges with the file on
    /// disk (union by id, the later `updated` winning, ours on a tie).
    pub fn merged_with(&self, other: &SessionsFile) -> SessionsFile {
        SessionsFile::merge(self, Some(other.clone()))
    }

    /// Written in start order (the merge driver's typed round trip).
    pub(super) fn sorted(mut self) -> Self {
        self.sort();
        self
    }
}

impl DataDir {
    /// `sessions.toml`: the lecture sessions.
    pub fn sessions_path(&self) -> PathBuf {
        self.root.join("sessions.toml")
    }
}

impl<F: Fs> Store<F> {
    pub fn load_sessions(&self, path: &Path) -> LoadOutcome<SessionsFile> {
        self.load(path)
    }

    /// Merges `sessions` with the file on disk and saves the result
    /// atomically (see the module docs of `storage`).
    pub fn save_sessions(
        &self,
        path: &Path,
        sessions: &SessionsFile,
    ) -> Result<Saved<SessionsFile>, StorageError> {
        self.save(path, sessions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, name: &str, started: &str, updated: &str, elapsed: u64) -> Session {
        Session {
            id: id.into(),
            name: name.into(),
            started: started.into(),
            ended: None,
            elapsed,
            running: true,
            updated: updated.into(),
            entries: 0,
            documents: Vec::new(),
            pauses: Vec::new(),
            extra: toml::Table::new(),
        }
    }

    #[test]
    fn the_clock_runs_from_updated_and_stops_when_paused_or_ended() {
        let mut s = session(
            "s1",
            "Hist",
            "2026-12-04T10:00:00+01:00",
            "2026-12-04T10:10:00+01:00",
            540,
        );
        assert_eq!(s.elapsed_at("2026-12-04T10:11:05+01:00"), 540 + 65);
        // Offsets differ, the instant is what counts.
        assert_eq!(s.elapsed_at("2026-12-04T09:11:05Z"), 540 + 65);
        // A clock set back never counts down.
        assert_eq!(s.elapsed_at("2026-12-04T10:00:00+01:00"), 540);
        s.running = false;
        assert_eq!(s.elapsed_at("2026-12-04T12:00:00+01:00"), 540);
        s.running = true;
        s.ended = Some("2026-12-04T10:10:00+01:00".into());
        assert_eq!(s.elapsed_at("2026-12-04T12:00:00+01:00"), 540);
    }

    #[test]
    fn sessions_round_trip_through_the_store_with_backups_and_unknown_fields() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = DataDir {
            root: dir.path().to_path_buf(),
        };
        let store = Store::new();
        let path = data.sessions_path();
        assert_eq!(store.load_sessions(&path), LoadOutcome::Missing);
        let mut s = session(
            "s1",
            "History 101 · 2026-12-04",
            "2026-12-04T10:00:00+01:00",
            "2026-12-04T10:30:00+01:00",
            1700,
        );
        s.documents = vec!["/r/a.md".into(), "/r/b.md".into()];
        s.entries = 3;
        s.pauses.push(Pause {
            at: "2026-12-04T10:20:00+01:00".into(),
            resumed: Some("2026-12-04T10:21:40+01:00".into()),
            extra: toml::Table::new(),
        });
        s.extra
            .insert("from_the_future".into(), toml::Value::Integer(7));
        let file = SessionsFile {
            sessions: vec![s],
            ..SessionsFile::default()
        };
        let saved = store.save_sessions(&path, &file).expect("saved");
        assert_eq!(saved.file, file);
        let LoadOutcome::Loaded(back) = store.load_sessions(&path) else {
            panic!("loads back");
        };
        assert_eq!(back, file, "round trip, unknown field kept");
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.contains("[[sessions]]") && text.contains("from_the_future = 7"));
        assert!(backup_path(&path, 1).exists(), "a backup is kept (N7)");

        // Another window added a session and moved ours on: both kept, the
        // later stamp wins on the shared one.
        let mut other = back.clone();
        other.sessions[0].updated = "2026-12-04T10:40:00+01:00".into();
        other.sessions[0].elapsed = 2300;
        other.sessions.push(session(
            "s2",
            "Maths",
            "2026-12-05T09:00:00+01:00",
            "2026-12-05T09:00:00+01:00",
            0,
        ));
        store.save_sessions(&path, &other).expect("saved");
        let merged = store.save_sessions(&path, &file).expect("saved").file;
        let ids: Vec<&str> = merged.sessions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2"], "union, oldest first");
        assert_eq!(merged.sessions[0].elapsed, 2300, "the later edit wins");
    }

    #[test]
    fn a_newer_sessions_file_is_left_alone_and_ours_saved_beside_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sessions.toml");
        let newer = "schema_version = 9\n[[sessions]]\nid = \"x\"\nname = \"future\"\n";
        std::fs::write(&path, newer).expect("written");
        let store = Store::new();
        let file = SessionsFile {
            sessions: vec![session("s1", "Now", "", "", 0)],
            ..SessionsFile::default()
        };
        let saved = store.save_sessions(&path, &file).expect("saved beside");
        assert_eq!(saved.beside_newer, Some(beside_newer(&path)));
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), newer);
    }

    #[test]
    fn latest_and_by_name_pick_by_start() {
        let mut a = session("a", "Hist", "2026-12-01T10:00:00Z", "", 0);
        a.ended = Some("2026-12-01T11:00:00Z".into());
        let b = session("b", "Maths", "2026-12-02T10:00:00Z", "", 0);
        let mut c = session("c", "hist ", "2026-12-03T10:00:00Z", "", 0);
        c.ended = Some("2026-12-03T11:00:00Z".into());
        let f = SessionsFile {
            sessions: vec![a, b, c],
            ..SessionsFile::default()
        };
        assert_eq!(f.latest().map(|s| s.id.as_str()), Some("c"));
        assert_eq!(f.latest_unfinished().map(|s| s.id.as_str()), Some("b"));
        assert_eq!(f.by_name("HIST").map(|s| s.id.as_str()), Some("c"));
        assert_eq!(f.by_name("none"), None);
    }
}
