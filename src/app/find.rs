//! Finding things in the open document: the incremental search prompt,
//! `n`/`N`, a percentage jump (`50%`), and counts before movement keys.
//!
//! The search itself runs off the input thread (the run loop performs
//! `Effect::Search` on a worker and sends hits back in batches), so typing
//! stays instant on a 50 MB text; each keystroke starts a new search with a
//! new generation number, and results of older generations are dropped.

use super::{App, Effect, Prompt, PromptKind};
use crate::search::{Hit, Query};

/// The state of the last search in the open document.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub query: Query,
    pub hits: Vec<Hit>,
    /// Index of the match the cursor is on.
    pub current: Option<usize>,
    /// All of the document has been searched.
    pub done: bool,
    pub generation: u64,
    /// Where the reader was when the prompt opened (esc goes back there).
    pub origin: usize,
    /// The view then (top row and cursor row), restored exactly by esc.
    origin_view: (usize, usize),
    /// The search before this prompt opened: esc brings it back, so `n`
    /// still works after a search abandoned with esc.
    previous: Option<Box<Search>>,
    /// The view already moved to a match for this query.
    jumped: bool,
    pub error: Option<String>,
}

/// "1 match", "17 matches", "17+ matches" (still searching).
pub fn count_label(n: usize, done: bool) -> String {
    match (n, done) {
        (1, true) => "1 match".to_string(),
        (n, true) => format!("{n} matches"),
        (n, false) => format!("{n}+ matches"),
    }
}

impl Search {
    /// Matches overlapping the source range `lo..hi`, for drawing.
    pub fn hits_in(&self, lo: usize, hi: usize) -> &[Hit] {
        let first = self.hits.partition_point(|h| h.end <= lo);
        let last = self.hits.partition_point(|h| h.start < hi);
        &self.hits[first..last.max(first)]
    }

    /// "match 3 of 17", "17+ matches so far", "no match".
    pub fn status(&self) -> String {
        if let Some(e) = &self.error {
            return e.clone();
        }
        let n = self.hits.len();
        let more = if self.done { "" } else { "+" };
        match (self.current, n) {
            (_, 0) if self.done => format!("no match for “{}”", self.query.pattern),
            (_, 0) => "searching…".to_string(),
            (Some(i), _) => format!("match {} of {n}{more}", i + 1),
            (None, _) => count_label(n, self.done),
        }
    }
}

pub(super) fn start(app: &mut App) {
    let Some(r) = app.reader.as_ref() else {
        app.error("open a document first");
        return;
    };
    let origin = r.cursor_offset();
    let origin_view = r.view();
    // The last search, with its matches, stays as it is until the text is
    // edited; esc brings it back whole.
    let previous = app.search.take().map(|mut s| {
        s.previous = None;
        Box::new(s)
    });
    let mut search = previous.as_deref().cloned().unwrap_or(Search {
        query: Query::default(),
        hits: Vec::new(),
        current: None,
        done: true,
        generation: 0,
        origin,
        origin_view,
        previous: None,
        jumped: true,
        error: None,
    });
    search.origin = origin;
    search.origin_view = origin_view;
    search.previous = previous;
    // The prompt opens empty, as in vim and less: the last searches are
    // up and down (the history), never text to type after.
    search.query.pattern.clear();
    search.hits.clear();
    search.current = None;
    search.done = true;
    search.error = None;
    let label = if search.query.regex {
        "Search (regex)"
    } else {
        "Search"
    };
    let origin = app.cursor_point().unwrap_or(origin);
    search.origin = origin;
    app.prompt = Some(Prompt::new(
        label,
        String::new(),
        PromptKind::Search { origin },
    ));
    app.search = Some(search);
    app.history_walk = None;
}

/// Up / down in the search prompt: the searches typed before (kept in the
/// state file across runs), newest first; down past the newest gives back
/// what was being typed.
pub(super) fn history(app: &mut App, back: bool) -> Vec<Effect> {
    let len = app.state.search_history.len();
    let Some(p) = app.prompt.as_mut() else {
        return Vec::new();
    };
    if len == 0 {
        app.info("no earlier searches yet");
        return Vec::new();
    }
    let typed: String = p.input.iter().collect();
    let (at, draft) = app.history_walk.clone().unwrap_or((len, typed));
    let next = if back {
        at.saturating_sub(1)
    } else if at < len {
        at + 1
    } else {
        return Vec::new();
    };
    let text = if next >= len {
        app.history_walk = None;
        draft
    } else {
        app.history_walk = Some((next, draft));
        app.state.search_history[next].clone()
    };
    p.input = text.chars().collect();
    p.cursor = p.input.len();
    query_changed(app)
}

/// The prompt's text or mode changed: search again (the old search is
/// cancelled by the run loop).
pub(super) fn query_changed(app: &mut App) -> Vec<Effect> {
    let Some(p) = app.prompt.as_ref() else {
        return Vec::new();
    };
    let pattern: String = p.input.iter().collect();
    let Some(s) = app.search.as_mut() else {
        return Vec::new();
    };
    s.query.pattern = pattern;
    s.generation += 1;
    s.hits.clear();
    s.current = None;
    s.jumped = false;
    s.error = None;
    s.done = s.query.pattern.is_empty();
    let (generation, query) = (s.generation, s.query.clone());
    let view = s.origin_view;
    if query.pattern.is_empty() {
        // Nothing to find: back to where the search started.
        if let Some(r) = app.reader.as_mut() {
            r.restore_view(view);
        }
        return vec![Effect::CancelSearch];
    }
    match app.reader.as_ref() {
        Some(r) => vec![Effect::Search {
            generation,
            query,
            doc: r.doc.clone(),
        }],
        None => Vec::new(),
    }
}

pub(super) fn toggle_regex(app: &mut App) -> Vec<Effect> {
    let Some(s) = app.search.as_mut() else {
        return Vec::new();
    };
    s.query.regex = !s.query.regex;
    let regex = s.query.regex;
    if let Some(p) = app.prompt.as_mut() {
        p.label = if regex { "Search (regex)" } else { "Search" }.into();
    }
    query_changed(app)
}

/// Hits arrived from the worker.
pub(super) fn on_hits(app: &mut App, generation: u64, hits: Vec<Hit>, done: bool) {
    let Some(s) = app.search.as_mut().filter(|s| s.generation == generation) else {
        return;
    };
    s.hits.extend(hits);
    s.done = done;
    if !s.jumped {
        // The first match after where the search started.
        let origin = s.origin;
        let first_after = s.hits.iter().position(|h| h.start >= origin);
        let pick = first_after.or(if done && !s.hits.is_empty() {
            Some(0)
        } else {
            None
        });
        if let Some(i) = pick {
            s.current = Some(i);
            s.jumped = true;
            let at = s.hits[i].start;
            app.goto_point(at);
        } else if done {
            // Nothing found: the cursor stays (or goes back) where the
            // search started.
            let view = s.origin_view;
            let origin = s.origin;
            if let Some(r) = app.reader.as_mut() {
                r.restore_view(view);
            }
            app.point = Some(origin);
        }
    }
    if app.prompt.is_none() && done {
        let msg = app.search.as_ref().map(Search::status).unwrap_or_default();
        if app.search.as_ref().is_some_and(|s| s.hits.is_empty()) {
            // Confirmed before the search finished, and it found nothing:
            // as a failed search confirmed after (no count left behind).
            app.search = None;
            app.error(format!("{msg}: the cursor stays where it was"));
        } else {
            app.info(msg);
        }
    }
}

pub(super) fn on_error(app: &mut App, generation: u64, error: String) {
    if let Some(s) = app.search.as_mut().filter(|s| s.generation == generation) {
        s.error = Some(error);
        s.done = true;
    }
}

/// Enter: keep the match (and remember where the search started).
pub(super) fn confirm(app: &mut App) {
    let origin = app.search.as_ref().map(|s| s.origin);
    if let Some(o) = origin
        && app.search.as_ref().is_some_and(|s| s.current.is_some())
    {
        app.jumps.push(o);
    }
    if app
        .search
        .as_ref()
        .is_some_and(|s| s.query.pattern.is_empty())
    {
        // Enter on nothing typed: the last search stays as it was.
        app.search = app.search.take().and_then(|s| s.previous.map(|p| *p));
        return;
    }
    if let Some(s) = app.search.as_ref() {
        app.state.remember_search(&s.query.pattern);
        app.position_dirty = true;
    }
    let failed = app
        .search
        .as_ref()
        .is_some_and(|s| s.done && s.hits.is_empty());
    if failed {
        // A failed search says so, leaves the cursor where it was, and
        // leaves no count behind.
        let msg = app.search.as_ref().map(Search::status).unwrap_or_default();
        if let Some(s) = app.search.take()
            && let Some(r) = app.reader.as_mut()
        {
            r.restore_view(s.origin_view);
            app.point = Some(s.origin);
        }
        app.error(format!("{msg}: the cursor stays where it was"));
        return;
    }
    if let Some(s) = app.search.as_mut() {
        s.previous = None;
    }
    // The status line says "match 3 of 17" beside the title and the place
    // (a message saying it instead hid both until a key): a message only
    // when one covers that line.
    let msg = app.search.as_ref().map(Search::status).unwrap_or_default();
    tell_count(app, msg);
}

/// A search's count as a passing message, only when a message covers the
/// status line that shows it (a problem found at startup stays until esc):
/// it comes back at the next key.
fn tell_count(app: &mut App, msg: String) {
    if app.message.is_some() {
        app.info(msg);
    }
}

/// Esc: back to where the search started, matches gone.
pub(super) fn cancel(app: &mut App) -> Vec<Effect> {
    if let Some(s) = app.search.take() {
        if let Some(r) = app.reader.as_mut() {
            r.restore_view(s.origin_view);
        }
        // The search before this prompt, so `n` goes on with it.
        app.search = s.previous.map(|p| *p);
    }
    vec![Effect::CancelSearch]
}

/// `n` / `N`: the next or previous match from the cursor, wrapping.
pub(super) fn step(app: &mut App, forward: bool) {
    let Some(r) = app.reader.as_ref() else { return };
    let here = r.cursor_offset();
    let Some(s) = app.search.as_mut() else {
        app.info("no search yet: press / to search");
        return;
    };
    if s.hits.is_empty() {
        let msg = s.status();
        app.info(msg);
        return;
    }
    let n = s.hits.len();
    // On the current match (the cursor did not move away): step from it;
    // else from the cursor.
    let (row_start, row_end) = r.row_span(r.cursor_row()).unwrap_or((here, here));
    let on_current = s
        .current
        .filter(|&c| s.hits[c].start >= row_start && s.hits[c].start < row_end.max(row_start + 1));
    let (i, wrapped) = match (forward, on_current) {
        (true, Some(c)) if c + 1 < n => (c + 1, false),
        (true, Some(_)) => (0, true),
        (false, Some(c)) if c > 0 => (c - 1, false),
        (false, Some(_)) => (n - 1, true),
        (true, None) => {
            let after = s.hits.partition_point(|h| h.start < row_start);
            if after < n { (after, false) } else { (0, true) }
        }
        (false, None) => {
            let before = s.hits.partition_point(|h| h.start < row_start);
            if before > 0 {
                (before - 1, false)
            } else {
                (n - 1, true)
            }
        }
    };
    s.current = Some(i);
    let at = s.hits[i].start;
    // The status line shows the count; a message for the wrap, which the
    // line cannot show, or when a message covers the line.
    let mut msg = s.status();
    if wrapped {
        msg.push_str(if forward {
            " · wrapped to the top"
        } else {
            " · wrapped to the bottom"
        });
    }
    app.jumps.push(here);
    app.goto_point(at);
    app.moved();
    if wrapped {
        app.info(msg);
    } else {
        tell_count(app, msg);
    }
}

/// `50%`: the point that far through the document.
pub(super) fn percent(app: &mut App) {
    let Some(count) = app.count.take() else {
        app.info("type a number first, then %: 50% is the middle");
        return;
    };
    let Some(r) = app.reader.as_mut() else { return };
    let pct = count.min(100);
    let len = r.doc.len();
    let at = (len as u128 * pct as u128 / 100) as usize;
    let here = r.cursor_offset();
    if pct >= 100 {
        r.bottom();
    } else {
        r.goto_offset(at);
    }
    app.jumps.push(here);
    app.moved();
}

// ---- find everywhere (`F`)

/// One result of a search across the library and the notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Library index of the document, if it is in the library.
    pub entry: Option<usize>,
    /// Title of the document.
    pub document: String,
    /// Source offset of the match (or of the note's passage).
    pub offset: usize,
    /// The line around the match (untrusted: sanitised when drawn).
    pub context: String,
    /// Where the matches are in `context` (bytes, between characters),
    /// the row's own first: a narrow row is cut in front so that it shows,
    /// and every one is marked. Matches close together on one line are
    /// one row (a name twice in a sentence was the same row twice).
    pub hits: Vec<(usize, usize)>,
    /// Found in a note, highlight or bookmark rather than the text.
    pub in_note: bool,
    /// Bytes at the start of `context` that stay when a narrow row cuts
    /// its front: a table row's first cell and the bar after it, where the
    /// cells between it and the match were left out (the chronology's
    /// date, a glossary's term). 0 for any other line.
    pub lead: usize,
}

/// What the find-everywhere overlay shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FindAll {
    pub query: String,
    pub results: Vec<Found>,
    /// How many matches the results stand for: more than the rows where
    /// a row holds several, or a document has more than it lists.
    pub matches: usize,
    pub selected: usize,
    pub done: bool,
    pub generation: u64,
    pub error: Option<String>,
}

impl FindAll {
    pub fn status(&self) -> String {
        if let Some(e) = &self.error {
            return e.clone();
        }
        let docs = {
            // A document's notes come after every document's text; two
            // documents may share a title.
            let mut seen: Vec<(Option<usize>, &str)> = self
                .results
                .iter()
                .map(|f| (f.entry, f.document.as_str()))
                .collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        };
        let searching = if self.done { "" } else { " · searching…" };
        let documents = if docs == 1 { "document" } else { "documents" };
        match self.results.len() {
            0 if self.query.is_empty() => "type to search every document and note".to_string(),
            0 if self.done => format!("no match for “{}”", self.query),
            _ => format!(
                "{} in {docs} {documents}{searching}",
                count_label(self.matches, true)
            ),
        }
    }
}

/// What the worker searches: every library document (and every note).
#[derive(Debug, Clone, PartialEq)]
pub struct FindTarget {
    pub entry: usize,
    pub title: String,
    pub source: crate::library::Source,
    pub format: crate::text::document::Format,
    pub key: String,
}

pub(super) fn start_find_all(app: &mut App) -> Vec<Effect> {
    let query = app
        .find_all
        .as_ref()
        .map(|f| f.query.clone())
        .unwrap_or_default();
    // The last words searched, selected as a find bar has them: typed
    // over, they go (a new search was typed onto the end of the last);
    // a movement key starts editing them.
    let mut p = Prompt::new("Find in every document", String::new(), PromptKind::FindAll);
    p.input = query.chars().collect();
    p.cursor = p.input.len();
    p.selected = !p.input.is_empty();
    app.prompt = Some(p);
    if app.find_all.is_none() {
        app.find_all = Some(FindAll {
            done: true,
            ..FindAll::default()
        });
    }
    app.overlay = super::Overlay::Find;
    vec![Effect::PrepareFind(find_targets(app))]
}

/// What a search across the library looks in: every document that can
/// be read.
fn find_targets(app: &App) -> Vec<FindTarget> {
    app.entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.error.is_none())
        .map(|(i, e)| FindTarget {
            entry: i,
            title: e.display_title().to_string(),
            source: e.source.clone(),
            format: e.format,
            key: e.key.clone(),
        })
        .collect()
}

pub(super) fn find_all_changed(app: &mut App) -> Vec<Effect> {
    let Some(p) = app.prompt.as_ref() else {
        return Vec::new();
    };
    let query: String = p.input.iter().collect();
    let Some(f) = app.find_all.as_mut() else {
        return Vec::new();
    };
    f.query.clone_from(&query);
    f.generation += 1;
    f.results.clear();
    f.matches = 0;
    f.selected = 0;
    f.error = None;
    f.done = query.trim().is_empty();
    if f.done {
        return vec![Effect::CancelSearch];
    }
    let generation = f.generation;
    let targets = find_targets(app);
    vec![Effect::FindAll {
        generation,
        query: Query::plain(&query),
        targets,
    }]
}

pub(super) fn on_found(
    app: &mut App,
    generation: u64,
    (found, matches): (Vec<Found>, usize),
    done: bool,
) {
    if let Some(f) = app.find_all.as_mut().filter(|f| f.generation == generation) {
        f.results.extend(found);
        f.matches += matches;
        f.done = done;
    }
}

pub(super) fn on_find_failed(app: &mut App, generation: u64, error: String) {
    if let Some(f) = app.find_all.as_mut().filter(|f| f.generation == generation) {
        f.error = Some(error);
        f.done = true;
    }
}

/// Enter on a result: open its document at the match.
pub(super) fn open_found(app: &mut App) -> Vec<Effect> {
    let Some(found) = app
        .find_all
        .as_ref()
        .and_then(|f| f.results.get(f.selected))
        .cloned()
    else {
        return Vec::new();
    };
    app.overlay = super::Overlay::None;
    app.focus = super::Focus::Reader;
    // What the search read goes with it.
    let mut fx = vec![Effect::PutFindAway];
    let Some(entry) = found.entry else {
        app.error("that note's document is not in the library (moved or deleted?)");
        return fx;
    };
    if app.open == Some(entry)
        && let Some(r) = app.reader.as_mut()
    {
        let here = r.cursor_offset();
        app.jumps.push(here);
        app.goto_point(found.offset);
        app.moved();
        return fx;
    }
    app.pending_offset = Some(found.offset);
    fx.extend(app.save_state());
    fx.push(Effect::Open(entry));
    fx
}

#[cfg(test)]
mod count_tests {
    /// The overlay's count: of matches, over the documents they are in
    /// (a document's notes come after every document's text, and it was
    /// counted twice), in words that agree with the numbers.
    #[test]
    fn find_everywhere_counts_matches_in_distinct_documents() {
        let row = |document: &str, in_note: bool| super::Found {
            lead: 0,
            entry: None,
            document: document.to_string(),
            offset: 0,
            context: String::new(),
            hits: Vec::new(),
            in_note,
        };
        let mut f = super::FindAll {
            query: "Stalin".to_string(),
            results: vec![
                row("Gulag", false),
                row("Terror", false),
                row("Gulag", true),
            ],
            matches: 5,
            done: true,
            ..super::FindAll::default()
        };
        assert_eq!(f.status(), "5 matches in 2 documents");
        // Two documents of one title are two.
        let mut twin = row("Gulag", false);
        twin.entry = Some(3);
        f.results.push(twin);
        assert_eq!(f.status(), "5 matches in 3 documents");
        f.results.truncate(1);
        f.matches = 1;
        assert_eq!(f.status(), "1 match in 1 document");
        f.done = false;
        assert_eq!(f.status(), "1 match in 1 document · searching…");
    }

    #[test]
    fn one_match_is_singular_and_a_search_under_way_says_so() {
        assert_eq!(super::count_label(1, true), "1 match");
        assert_eq!(super::count_label(2, true), "2 matches");
        assert_eq!(super::count_label(1, false), "1+ matches");
        assert_eq!(super::count_label(0, true), "0 matches");
    }
}
