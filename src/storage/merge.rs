//! How two copies of a file become one: union by id, tombstones for
//! deletes, the newer stamp for positions, unknown fields kept (the merge
//! rules in the folder's header).

use super::*;

/// A file kind the store can load, merge and save.
pub(super) trait StoredFile: Serialize + DeserializeOwned + Clone {
    fn schema_version(&self) -> u32;
    fn set_schema_version(&mut self, version: u32);
    /// Folds what is on disk into ours and puts entries in text order.
    fn merge(ours: &Self, disk: Option<Self>) -> Self;
    /// Parses the file's text (`toml::from_str` unless a type knows a
    /// cheaper way to the same result).
    fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}

impl StoredFile for NotesFile {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn set_schema_version(&mut self, version: u32) {
        self.schema_version = version;
    }

    fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        super::chunked::notes_from_str(text)
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
        let mut notes =
            union_later_edit_wins(&ours.notes, disk.notes, &deleted, |n| &n.id, |n| &n.updated);
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

impl NotesFile {
    /// This copy merged with another by the rules above, as a save merges
    /// with the file on disk (ours win on the same id, the later edit of a
    /// note wins, tombstones win).
    pub fn merged_with(&self, other: &NotesFile) -> NotesFile {
        NotesFile::merge(self, Some(other.clone()))
    }
}

impl StoredFile for StateFile {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }

    fn set_schema_version(&mut self, version: u32) {
        self.schema_version = version;
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
            // The history as this instance knows it (it read the file's at start).
            search_history: if ours.search_history.is_empty() {
                disk.search_history
            } else {
                ours.search_history.clone()
            },
            extra: union_tables(&ours.extra, disk.extra),
        }
    }
}

/// Entries from both sides, ours replacing theirs on the same id, minus
/// tombstoned ids. Duplicate ids within one side are all kept: a hand-edited
/// file may repeat an id, and collapsing them would lose a note.
pub(super) fn union_by_id<T: Clone>(
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

/// [`union_by_id`], except that an entry on both sides is taken from the
/// side that edited it last (`updated`, RFC 3339).
pub(super) fn union_later_edit_wins<T: Clone>(
    ours: &[T],
    disk: Vec<T>,
    deleted: &BTreeSet<String>,
    id: impl Fn(&T) -> &String,
    updated: impl Fn(&T) -> &String,
) -> Vec<T> {
    // Our stamps by id (an id may repeat in a hand-edited file), so each
    // entry on disk is looked up, not compared with all of ours: with
    // 64,595 notes the pairwise pass took 4 billion comparisons per save.
    let mut our_stamps: std::collections::HashMap<&String, Vec<&String>> =
        std::collections::HashMap::with_capacity(ours.len());
    for o in ours {
        our_stamps.entry(id(o)).or_default().push(updated(o));
    }
    let theirs_newer: BTreeSet<&String> = disk
        .iter()
        .filter(|d| {
            our_stamps
                .get(id(d))
                .is_some_and(|stamps| stamps.iter().any(|u| is_newer(updated(d), u)))
        })
        .map(&id)
        .collect();
    let ours_kept: Vec<T> = ours
        .iter()
        .filter(|o| !theirs_newer.contains(id(o)))
        .cloned()
        .collect();
    union_by_id(&ours_kept, disk, deleted, id)
}

pub(super) fn union_tables(ours: &toml::Table, mut disk: toml::Table) -> toml::Table {
    disk.extend(ours.iter().map(|(k, v)| (k.clone(), v.clone())));
    disk
}

/// Whether RFC 3339 stamp `a` is strictly later than `b`. Compared as
/// instants, not strings: fractional seconds and offsets vary in length.
pub(super) fn is_newer(a: &str, b: &str) -> bool {
    match (a.parse::<jiff::Timestamp>(), b.parse::<jiff::Timestamp>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => false,
    }
}
