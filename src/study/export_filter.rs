//! What goes into a study sheet: the filter of `marginote export`
//! (`--session`, `--tag`, `--since`/`--until`, `--kind`, `--status`), the
//! time bounds it is given, and the lecture sessions it can name.

use crate::storage::{Anchor, NotesFile, SessionMark, Status};

/// What a study sheet keeps (`marginote export --session … --tag …
/// --since …`); the default keeps everything. All conditions must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Notes with any of these tags (without `#`, any case).
    pub tags: Vec<String>,
    /// Entries created at or after this instant (see [`time_bound`]).
    pub since: Option<jiff::Timestamp>,
    /// Entries created at or before this instant.
    pub until: Option<jiff::Timestamp>,
    /// Entries made in any of these sessions (exact names, as resolved by
    /// [`resolve_sessions`]); empty: any session or none.
    pub sessions: Vec<String>,
    /// `note`, `highlight`, `bookmark`; empty: all kinds.
    pub kinds: Vec<String>,
    /// Only entries in these statuses; empty: all.
    pub statuses: Vec<Status>,
}

/// What a filter looks at in one entry.
struct Facts<'a> {
    kind: &'a str,
    created: &'a str,
    tags: &'a [String],
    status: Status,
    session: Option<&'a SessionMark>,
}

impl Filter {
    fn keeps(&self, e: &Facts) -> bool {
        let tag_ok = self.tags.is_empty()
            || self.tags.iter().any(|want| {
                let want = want.trim_start_matches('#');
                e.tags.iter().any(|t| t.eq_ignore_ascii_case(want))
            });
        // An entry without a readable time cannot be placed in a period.
        let time_ok = (self.since.is_none() && self.until.is_none())
            || e.created.parse::<jiff::Timestamp>().is_ok_and(|t| {
                self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t <= u)
            });
        let session_ok =
            self.sessions.is_empty() || e.session.is_some_and(|s| self.sessions.contains(&s.name));
        tag_ok
            && time_ok
            && session_ok
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == e.kind))
            && (self.statuses.is_empty() || self.statuses.contains(&e.status))
    }

    /// A copy of `file` with only the entries this filter keeps.
    pub fn apply(&self, file: &NotesFile) -> NotesFile {
        let st = |a: Option<&Anchor>| a.map_or(Status::Exact, Anchor::effective_status);
        let mut f = file.clone();
        f.bookmarks.retain(|b| {
            self.keeps(&Facts {
                kind: "bookmark",
                created: &b.created,
                tags: &[],
                status: st(Some(&b.anchor)),
                session: b.session.as_ref(),
            })
        });
        f.highlights.retain(|h| {
            self.keeps(&Facts {
                kind: "highlight",
                created: &h.created,
                tags: &[],
                status: st(Some(&h.anchor)),
                session: h.session.as_ref(),
            })
        });
        f.notes.retain(|n| {
            self.keeps(&Facts {
                kind: "note",
                created: &n.created,
                tags: &n.tags,
                status: st(n.anchor.as_ref()),
                session: n.session.as_ref(),
            })
        });
        f
    }

    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// A `--since`/`--until` bound: `YYYY-MM-DD` (a whole day in `tz`: its
/// first instant for a start, its last for an end), a date and time
/// without offset (`2026-12-04T10:30`, in `tz`), or RFC 3339 with an
/// offset (`2026-12-04T10:30:00+01:00`, that instant). `None` if it is
/// none of these.
pub fn time_bound(text: &str, end: bool, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    if t.contains(['T', 't', ' ']) {
        let dt: jiff::civil::DateTime = t.parse().ok()?;
        return tz.to_timestamp(dt).ok();
    }
    let day: jiff::civil::Date = t.parse().ok()?;
    // Midnight, or the first instant after a gap at midnight.
    let start = |d: jiff::civil::Date| tz.to_timestamp(jiff::civil::DateTime::from(d)).ok();
    if end {
        start(day.tomorrow().ok()?)?
            .checked_sub(jiff::SignedDuration::from_nanos(1))
            .ok()
    } else {
        start(day)
    }
}

/// Why `--session` names no session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionProblem {
    /// No session has this name or starts with it.
    Unknown(String),
    /// The name starts several sessions' names (listed).
    Ambiguous(String, Vec<String>),
}

/// The sessions `wanted` names among `known`: each is a session's name
/// (ignoring case and surrounding spaces), else the start of exactly one
/// name; `NAME*` takes every session whose name starts with `NAME`.
pub fn resolve_sessions(
    wanted: &[String],
    known: &[String],
) -> Result<Vec<String>, SessionProblem> {
    let mut out: Vec<String> = Vec::new();
    let lower = |s: &str| s.trim().to_lowercase();
    for w in wanted {
        let (prefix, all) = match w.trim().strip_suffix('*') {
            Some(p) => (lower(p), true),
            None => (lower(w), false),
        };
        let exact: Vec<&String> = known.iter().filter(|k| lower(k) == prefix).collect();
        let starting: Vec<&String> = known
            .iter()
            .filter(|k| lower(k).starts_with(&prefix))
            .collect();
        let found = match (all, exact.as_slice(), starting.as_slice()) {
            (true, _, []) | (false, [], []) => {
                return Err(SessionProblem::Unknown(w.trim().to_owned()));
            }
            (true, _, many) => many.to_vec(),
            (false, [one, ..], _) => vec![*one],
            (false, [], [one]) => vec![*one],
            (false, [], many) => {
                return Err(SessionProblem::Ambiguous(
                    w.trim().to_owned(),
                    many.iter().map(|s| (*s).clone()).collect(),
                ));
            }
        };
        for s in found {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    Ok(out)
}

/// The names of the sessions entries of `files` were made in, each once,
/// in the order of their first entry's time.
pub fn session_names<'a>(files: impl IntoIterator<Item = &'a NotesFile>) -> Vec<String> {
    let mut first: Vec<(String, Option<jiff::Timestamp>)> = Vec::new();
    for f in files {
        let marks = f
            .notes
            .iter()
            .map(|n| (&n.session, &n.created))
            .chain(f.highlights.iter().map(|h| (&h.session, &h.created)))
            .chain(f.bookmarks.iter().map(|b| (&b.session, &b.created)));
        for (mark, created) in marks {
            let Some(mark) = mark else { continue };
            let t = created.parse::<jiff::Timestamp>().ok();
            match first.iter_mut().find(|(n, _)| *n == mark.name) {
                Some((_, at)) => {
                    if t.is_some() && (at.is_none() || t < *at) {
                        *at = t;
                    }
                }
                None => first.push((mark.name.clone(), t)),
            }
        }
    }
    // Sessions with a time first, in time order; the rest by name.
    first.sort_by(|(a, ta), (b, tb)| match (ta, tb) {
        (Some(x), Some(y)) => x.cmp(y).then_with(|| a.cmp(b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    });
    first.into_iter().map(|(n, _)| n).collect()
}
