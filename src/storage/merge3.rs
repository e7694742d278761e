//! The three-way merge behind `marginote merge-notes BASE OURS THEIRS`, a
//! git merge driver for the data folder's files: notes, `state.toml`,
//! sessions and `review-log.toml` (issue 14, "notes travel").
//!
//! Files are merged as TOML tables, so fields this build does not know
//! survive (N8). The rules, per top-level key:
//! - An array of tables that all have a string `id` (bookmarks, notes,
//!   highlights, sessions, reviews) is merged entry by entry: an entry
//!   changed on one side only takes that side; added on either side is
//!   kept; removed on one side and untouched on the other is removed;
//!   changed on both, the later `updated` (else `created`, else `at`)
//!   stamp wins, ours on a tie; removed on one side but edited on the
//!   other is kept (an edit outweighs a silent removal).
//! - `deleted` (tombstones) is the union of all three, and every entry
//!   whose id is in it is dropped, so a delete on either machine sticks.
//! - Any other table with a stamp (a reading position) is one value,
//!   chosen as an entry is; other tables merge key by key; anything else
//!   takes the side that changed it, ours when both did.
//!
//! The review log is append-only, so these rules give the union of review
//! ids. A notes or state file is read back through its model before it is
//! written, so the store can always load what the driver wrote.

use std::collections::{BTreeSet, HashMap};

use super::{NotesFile, SCHEMA_VERSION, SessionsFile, StateFile};
use crate::text::sanitize;

/// The file kinds the driver knows, by content (or name, for an empty log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Notes,
    State,
    ReviewLog,
    /// `sessions.toml`: sessions merged by id like entries.
    Sessions,
    /// Anything else of ours with id'd entries.
    Other,
}

/// Why the driver merged nothing. Messages are sanitised and short.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{which} version of {name} cannot be parsed: {problem}")]
    Unparseable {
        which: &'static str,
        name: String,
        problem: String,
    },
    #[error(
        "{which} version of {name} was made by a newer marginote (schema {found}); \
         merge it with that version"
    )]
    Newer {
        which: &'static str,
        name: String,
        found: i64,
    },
    #[error("the merge of {name} would not load again ({problem}); nothing merged")]
    Invalid { name: String, problem: String },
}

/// Merges three versions of one file; the text to write over OURS.
/// `name` (the file's path in the repository, when known) is for messages
/// and for telling an empty review log apart.
pub fn merge3(base: &str, ours: &str, theirs: &str, name: &str) -> Result<String, MergeError> {
    let shown = sanitize::sanitize_tail(name, 80);
    let base = parse("the common (BASE)", &shown, base)?;
    let ours = parse("our (OURS)", &shown, ours)?;
    let theirs = parse("their (THEIRS)", &shown, theirs)?;
    let kind = kind_of(name, &ours, &theirs);
    let merged = merge_tables(&base, &ours, &theirs, true);
    let invalid = |problem: String| MergeError::Invalid {
        name: shown.clone(),
        problem: sanitize::sanitize_line(&problem, 160),
    };
    // Typed round trip: fields in the store's order, and proof that the
    // store can read what we write.
    let text = match kind {
        FileKind::Notes => {
            let file: NotesFile = toml::Value::Table(merged)
                .try_into()
                .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
            toml::to_string(&file)
        }
        FileKind::State => {
            let file: StateFile = toml::Value::Table(merged)
                .try_into()
                .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
            toml::to_string(&file)
        }
        FileKind::Sessions => {
            let file: SessionsFile = toml::Value::Table(merged)
                .try_into()
                .map_err(|e: toml::de::Error| invalid(e.message().to_owned()))?;
            toml::to_string(&file.sorted())
        }
        FileKind::ReviewLog | FileKind::Other => toml::to_string(&merged),
    };
    text.map_err(|e| invalid(e.to_string()))
}

/// What kind of file this is: notes name their document, state holds
/// positions, the log holds reviews.
pub fn kind_of(name: &str, ours: &toml::Table, theirs: &toml::Table) -> FileKind {
    let has = |key: &str| ours.contains_key(key) || theirs.contains_key(key);
    if name.ends_with("review-log.toml") || has("review") {
        FileKind::ReviewLog
    } else if has("document")
        && (has("notes") || has("highlights") || has("bookmarks") || has("deleted"))
    {
        FileKind::Notes
    } else if has("positions") || has("last_document") {
        FileKind::State
    } else if name.ends_with("sessions.toml") || has("sessions") {
        FileKind::Sessions
    } else {
        FileKind::Other
    }
}

fn parse(which: &'static str, name: &str, text: &str) -> Result<toml::Table, MergeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Git passes an empty BASE when the file is new on both sides.
    if text.trim().is_empty() {
        return Ok(toml::Table::new());
    }
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let mut problem = String::new();
        if let Some(span) = e.span() {
            let (line, column) = sanitize::line_column(text.as_bytes(), span.start);
            problem.push_str(&format!("line {line}, column {column}: "));
        }
        problem.push_str(&sanitize::sanitize_line(e.message(), 160));
        MergeError::Unparseable {
            which,
            name: name.to_owned(),
            problem,
        }
    })?;
    if let Some(found) = table
        .get("schema_version")
        .and_then(toml::Value::as_integer)
        && found > i64::from(SCHEMA_VERSION)
    {
        return Err(MergeError::Newer {
            which,
            name: name.to_owned(),
            found,
        });
    }
    Ok(table)
}

fn merge_tables(
    base: &toml::Table,
    ours: &toml::Table,
    theirs: &toml::Table,
    top: bool,
) -> toml::Table {
    let tombstones: BTreeSet<String> = if top {
        [base, ours, theirs]
            .iter()
            .filter_map(|t| t.get("deleted").and_then(toml::Value::as_array))
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut keys: Vec<&String> = ours.keys().collect();
    keys.extend(theirs.keys().filter(|k| !ours.contains_key(*k)));
    keys.extend(
        base.keys()
            .filter(|k| !ours.contains_key(*k) && !theirs.contains_key(*k)),
    );
    let mut out = toml::Table::new();
    for key in keys {
        let (b, o, t) = (base.get(key), ours.get(key), theirs.get(key));
        let value = if top && key == "deleted" {
            Some(toml::Value::Array(
                tombstones
                    .iter()
                    .cloned()
                    .map(toml::Value::String)
                    .collect(),
            ))
        } else if top && key == "schema_version" {
            o.or(t).cloned()
        } else if let Some(entries) = entry_arrays(b, o, t) {
            Some(toml::Value::Array(merge_entries(entries, &tombstones)))
        } else if let (Some(toml::Value::Table(ot)), Some(toml::Value::Table(tt))) = (o, t)
            && !has_stamp(ot)
            && !has_stamp(tt)
        {
            let empty = toml::Table::new();
            let bt = b.and_then(toml::Value::as_table).unwrap_or(&empty);
            Some(toml::Value::Table(merge_tables(bt, ot, tt, false)))
        } else {
            pick(b, o, t)
        };
        if let Some(value) = value {
            out.insert(key.clone(), value);
        }
    }
    out
}

type Entries<'a> = [Vec<&'a toml::Table>; 3];

/// The three sides as entry lists, when every element present is a table
/// with a string `id` and at least one side has an entry.
fn entry_arrays<'a>(
    b: Option<&'a toml::Value>,
    o: Option<&'a toml::Value>,
    t: Option<&'a toml::Value>,
) -> Option<Entries<'a>> {
    let list = |v: Option<&'a toml::Value>| -> Option<Vec<&'a toml::Table>> {
        match v {
            None => Some(Vec::new()),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|i| i.as_table().filter(|t| id_of(t).is_some()))
                .collect(),
            Some(_) => None,
        }
    };
    let lists = [list(b)?, list(o)?, list(t)?];
    lists.iter().any(|l| !l.is_empty()).then_some(lists)
}

/// Entries by id, the first of a repeated id winning (a review log holds
/// 100,000 entries: a linear search per id would take minutes).
fn index<'a>(list: &[&'a toml::Table]) -> HashMap<&'a str, &'a toml::Table> {
    let mut map = HashMap::with_capacity(list.len());
    for entry in list {
        if let Some(id) = id_of(entry) {
            map.entry(id).or_insert(*entry);
        }
    }
    map
}

fn id_of(entry: &toml::Table) -> Option<&str> {
    entry.get("id").and_then(toml::Value::as_str)
}

fn merge_entries(sides: Entries, tombstones: &BTreeSet<String>) -> Vec<toml::Value> {
    let [base, ours, theirs] = sides;
    let (bi, oi, ti) = (index(&base), index(&ours), index(&theirs));
    let mut ids: Vec<&str> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for entry in ours.iter().chain(&theirs).chain(&base) {
        if let Some(id) = id_of(entry)
            && seen.insert(id)
        {
            ids.push(id);
        }
    }
    let mut out: Vec<toml::Table> = Vec::new();
    for id in ids {
        if tombstones.contains(id) {
            continue;
        }
        let wrap = |e: Option<&toml::Table>| e.map(|t| toml::Value::Table(t.clone()));
        let (b, o, t) = (
            wrap(bi.get(id).copied()),
            wrap(oi.get(id).copied()),
            wrap(ti.get(id).copied()),
        );
        if let Some(toml::Value::Table(kept)) = pick(b.as_ref(), o.as_ref(), t.as_ref()) {
            out.push(kept);
        }
    }
    // Text order (notes) or time order (reviews), as the store writes them,
    // so a merged file diffs cleanly against the next save.
    out.sort_by_cached_key(|e| {
        let anchored = e.get("anchor").and_then(toml::Value::as_table);
        let offset = anchored
            .and_then(|a| a.get("offset"))
            .and_then(toml::Value::as_integer)
            .unwrap_or(0);
        let at = e
            .get("at")
            .and_then(toml::Value::as_str)
            .and_then(|s| s.parse::<jiff::Timestamp>().ok());
        (anchored.is_some(), offset, at, id_of(e).map(str::to_owned))
    });
    out.into_iter().map(toml::Value::Table).collect()
}

/// One value from three versions (see the module docs).
fn pick(
    b: Option<&toml::Value>,
    o: Option<&toml::Value>,
    t: Option<&toml::Value>,
) -> Option<toml::Value> {
    if o == t || t == b {
        return o.cloned();
    }
    if o == b {
        return t.cloned();
    }
    match (o, t) {
        (Some(ov), Some(tv)) => {
            let later = |v: &toml::Value| v.as_table().and_then(stamp);
            match (later(ov), later(tv)) {
                (Some(os), Some(ts)) if ts > os => Some(tv.clone()),
                _ => Some(ov.clone()),
            }
        }
        // Edited on one side, removed (without a tombstone) on the other.
        (Some(v), None) | (None, Some(v)) => Some(v.clone()),
        (None, None) => None,
    }
}

fn has_stamp(t: &toml::Table) -> bool {
    ["updated", "created", "at"]
        .iter()
        .any(|k| t.contains_key(*k))
}

/// The entry's latest stamp: `updated`, else `created`, else `at`.
fn stamp(t: &toml::Table) -> Option<jiff::Timestamp> {
    ["updated", "created", "at"]
        .iter()
        .filter_map(|k| t.get(*k).and_then(toml::Value::as_str))
        .find_map(|s| s.parse::<jiff::Timestamp>().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
schema_version = 1
document = "/r/a.md"
title = "A"
future_field = "kept"

[[notes]]
id = "n1"
text = "first"
updated = "2026-12-01T10:00:00Z"

[[notes]]
id = "n2"
text = "to delete"

[[notes]]
id = "n3"
text = "both edit"
updated = "2026-12-01T10:00:00Z"
"#;

    const OURS: &str = r#"
schema_version = 1
document = "/r/a.md"
title = "A"
future_field = "kept"
deleted = ["n2"]

[[notes]]
id = "n1"
text = "first"
updated = "2026-12-01T10:00:00Z"

[[notes]]
id = "n3"
text = "our edit"
updated = "2026-12-02T10:00:00Z"

[[notes]]
id = "n4"
text = "our new"
"#;

    const THEIRS: &str = r#"
schema_version = 1
document = "/r/a.md"
title = "A"
future_field = "kept"

[[notes]]
id = "n1"
text = "their edit of n1"
updated = "2026-12-01T12:00:00Z"
unknown_in_entry = 7

[[notes]]
id = "n2"
text = "to delete, edited"

[[notes]]
id = "n3"
text = "their later edit"
updated = "2026-12-03T10:00:00Z"

[[notes]]
id = "n5"
text = "their new"
"#;

    #[test]
    fn notes_merge_by_id_with_tombstones_and_the_later_edit() {
        let text = merge3(BASE, OURS, THEIRS, "notes/a.toml").expect("merges");
        let file: NotesFile = toml::from_str(&text).expect("loads as notes");
        let texts: Vec<(&str, &str)> = file
            .notes
            .iter()
            .map(|n| (n.id.as_str(), n.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("n1", "their edit of n1"),
                ("n3", "their later edit"),
                ("n4", "our new"),
                ("n5", "their new"),
            ],
            "{text}"
        );
        assert_eq!(file.deleted, ["n2"], "the tombstone stays");
        assert_eq!(
            file.extra.get("future_field").and_then(|v| v.as_str()),
            Some("kept")
        );
        assert_eq!(
            file.notes[0]
                .extra
                .get("unknown_in_entry")
                .and_then(|v| v.as_integer()),
            Some(7)
        );
    }

    #[test]
    fn merge_is_the_same_from_either_side_but_for_ties() {
        let a = merge3(BASE, OURS, THEIRS, "n.toml").expect("merges");
        let b = merge3(BASE, THEIRS, OURS, "n.toml").expect("merges");
        assert_eq!(a, b);
    }

    #[test]
    fn review_logs_merge_to_the_union() {
        let base = "schema_version = 1\n[[review]]\nid = \"r1\"\ncard = \"n1\"\nat = \"2026-12-01T10:00:00Z\"\nrating = 3\n";
        let ours = format!(
            "{base}[[review]]\nid = \"r2\"\ncard = \"n1\"\nat = \"2026-12-03T10:00:00Z\"\nrating = 4\n"
        );
        let theirs = format!(
            "{base}[[review]]\nid = \"r3\"\ncard = \"n2\"\nat = \"2026-12-02T10:00:00Z\"\nrating = 1\n"
        );
        let text = merge3(base, &ours, &theirs, "review-log.toml").expect("merges");
        let table: toml::Table = toml::from_str(&text).expect("TOML");
        let ids: Vec<&str> = table["review"]
            .as_array()
            .expect("reviews")
            .iter()
            .filter_map(|r| r.get("id").and_then(|v| v.as_str()))
            .collect();
        assert_eq!(ids, ["r1", "r3", "r2"], "union in time order:\n{text}");
    }

    #[test]
    fn sessions_merge_by_id_to_the_union_the_later_update_winning() {
        let s = |id: &str, name: &str, started: &str, updated: &str, elapsed: u32| {
            format!(
                "[[sessions]]\nid = \"{id}\"\nname = \"{name}\"\nstarted = \"{started}\"\nelapsed = {elapsed}\nupdated = \"{updated}\"\n"
            )
        };
        let head = "schema_version = 1\n";
        let hist =
            |updated: &str, elapsed: u32| s("s1", "Hist", "2026-12-01T10:00:00Z", updated, elapsed);
        let base = format!("{head}{}", hist("2026-12-01T10:30:00Z", 1800));
        // Laptop: ended Hist later, started Maths. Desktop: started Bio.
        let ours = format!(
            "{head}{}ended = \"2026-12-01T11:00:00Z\"\n{}",
            hist("2026-12-01T11:00:00Z", 3600),
            s(
                "s3",
                "Maths",
                "2026-12-03T09:00:00Z",
                "2026-12-03T09:10:00Z",
                600
            )
        );
        let theirs = format!(
            "{head}{}{}",
            hist("2026-12-01T10:45:00Z", 2700),
            s(
                "s2",
                "Bio",
                "2026-12-02T09:00:00Z",
                "2026-12-02T09:05:00Z",
                300
            )
        );
        let text = merge3(&base, &ours, &theirs, "sessions.toml").expect("merges");
        let file: SessionsFile = toml::from_str(&text).expect("loads as sessions");
        let got: Vec<(&str, u64, bool)> = file
            .sessions
            .iter()
            .map(|s| (s.id.as_str(), s.elapsed, s.ended.is_some()))
            .collect();
        assert_eq!(
            got,
            [("s1", 3600, true), ("s2", 300, false), ("s3", 600, false)],
            "union in start order, the later edit of s1:\n{text}"
        );
        let same = merge3(&base, &theirs, &ours, "sessions.toml").expect("merges");
        assert_eq!(text, same, "either side first");
    }

    #[test]
    fn state_positions_take_the_newer_stamp() {
        let pos = |offset: u32, updated: &str| {
            format!(
                "schema_version = 1\nlast_document = \"/a\"\n[positions.\"/a\"]\nupdated = \"{updated}\"\n[positions.\"/a\".anchor]\noffset = {offset}\nexact = \"x\"\n"
            )
        };
        let text = merge3(
            &pos(1, "2026-12-01T10:00:00Z"),
            &pos(5, "2026-12-02T10:00:00Z"),
            &pos(9, "2026-12-03T10:00:00Z"),
            "state.toml",
        )
        .expect("merges");
        let state: StateFile = toml::from_str(&text).expect("loads as state");
        assert_eq!(state.positions["/a"].anchor.offset, 9);
    }

    #[test]
    fn unparseable_or_newer_sides_are_refused() {
        let err = merge3(BASE, "x = = 1", THEIRS, "n.toml").expect_err("broken ours");
        assert!(
            err.to_string()
                .contains("our (OURS) version of n.toml cannot be parsed: line 1"),
            "{err}"
        );
        let err = merge3(BASE, OURS, "schema_version = 99\n", "n.toml").expect_err("newer");
        assert!(matches!(err, MergeError::Newer { found: 99, .. }));
    }

    #[test]
    fn empty_base_means_both_added() {
        let text = merge3("", OURS, THEIRS, "n.toml").expect("merges");
        let file: NotesFile = toml::from_str(&text).expect("loads");
        assert_eq!(file.notes.len(), 4, "{text}");
    }
}
