//! The Notes pane: the bookmarks, highlights and notes of this document
//! (or of every document), filtered, in text order.

use super::Frame;
use std::collections::HashMap;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keep::Keep;
use super::list::{Item, draw_items, frame_block, pane_key, shown_items};
use super::{Chrome, theme};
use crate::app::{App, Scope};
use crate::input::action::{Action, Context};
use crate::storage::Status;
use crate::study::notes::Kind;
use crate::text::sanitize::sanitize_line;
use crate::text::sanitize::text_width;

/// An entry's time as stored (the local time it was written, RFC 3339),
/// shown as "2026-11-25 10:00".
pub fn when(created: &str) -> String {
    let date = created.get(..10).unwrap_or_default();
    let time = created.get(11..16).unwrap_or_default();
    if date.is_empty() {
        return sanitize_line(created, 30);
    }
    sanitize_line(&format!("{date} {time}"), 30)
}

/// How the pane names an entry's status (nothing for an exact one).
fn status_label(status: Status) -> Option<&'static str> {
    match status {
        Status::Exact => None,
        Status::Moved => Some("moved"),
        Status::Changed => Some("text changed"),
        Status::Lost => Some("lost: could not place"),
    }
}

/// "loading notes… 120 of 400 files" while the notes of every document
/// are read for a list that shows them.
fn loading_line(app: &App) -> Option<String> {
    if let Some(bytes) = app.notes.as_ref().and_then(|n| n.loading) {
        let mb = bytes.div_ceil(1 << 20);
        return Some(format!("loading this document's notes ({mb} MB)…"));
    }
    let (done, total) = app.all_notes_progress?;
    if app.scope == Scope::ThisDocument {
        return None;
    }
    Some(if total == 0 {
        "loading notes…".to_string()
    } else {
        format!("loading notes… {done} of {total} files")
    })
}

/// Draws the pane: its rows are built only for what is on screen (the
/// selected entry and the visible rows), whatever the number of notes.
pub fn render(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    chrome: Chrome,
    focused: bool,
    keep: &mut Keep,
) {
    // The open document's list, unchanged, is kept before its title and
    // rows are built to be hashed (a line read down beside three
    // bookmarks spent 7-13 us there, timed in the run loop).
    let quick = quick_key(app, area, chrome, focused);
    if let Some(q) = quick
        && keep.same_with_parts(area, q)
    {
        return;
    }
    let count = app.notes_len();
    let scope = match app.scope {
        Scope::ThisDocument => "this document",
        Scope::AllDocuments => "all documents",
        Scope::Session => "session",
    };
    let filter = app
        .notes
        .as_ref()
        .and_then(|n| n.filter())
        .filter(|f| !f.trim().is_empty())
        .map(|f| format!(" · “{}”", sanitize_line(f, 20)))
        .unwrap_or_default();
    let title = match app.scope_session().filter(|_| app.scope == Scope::Session) {
        // The session's name is what the pane is about: it leads.
        Some(s) => {
            let room = usize::from(area.width).saturating_sub(18).max(8);
            format!(
                " Session “{}”{filter} ({}) ",
                super::fit(&sanitize_line(&s.name, 120), room),
                count
            )
        }
        None => match app.notes.as_ref().and_then(|n| n.filter()) {
            // The filter's words are cut on a narrow pane, not its count;
            // where even a column for them is wanting, the scope goes.
            Some(f) if !filter.is_empty() => {
                let tail = format!("” ({count}) ");
                let long = format!(" Notes · {scope} · “");
                let head = if text_width(&long) + text_width(&tail) + 3 <= usize::from(area.width) {
                    long
                } else {
                    " Notes · “".to_string()
                };
                super::titled(&head, &sanitize_line(f, 20), &tail, area.width)
            }
            _ => format!(" Notes · {scope} ({count}) "),
        },
    };
    let problem = app.notes.as_ref().and_then(|n| n.problem.as_ref());
    let loading = loading_line(app);
    // An empty list's help is not wrapped and drawn again while it, the
    // title and the place are what the screen shows.
    if count == 0
        && problem.is_none()
        && loading.is_none()
        && keep.same(
            area,
            pane_key(area, chrome, focused, &title, empty_key(app, &filter)),
        )
    {
        return;
    }
    if count > 0 && problem.is_none() && loading.is_none() {
        list(frame, app, area, (chrome, focused), (title, quick), keep);
        return;
    }
    let inner = frame_block(frame, area, chrome, focused, title);
    let mut area = inner;
    if let Some(problem) = problem {
        let warn = Paragraph::new(super::wrap_lines(
            vec![Line::from(sanitize_line(problem, 300))],
            area.width,
        ))
        .style(theme::error());
        let h = area.height.min(4);
        frame.render_widget(warn, Rect::new(area.x, area.y, area.width, h));
        area = Rect::new(area.x, area.y + h, area.width, area.height - h);
    }
    if let Some(line) = loading {
        let width = usize::from(area.width.max(1));
        let lines = line.chars().count().div_ceil(width);
        let h = area.height.min(u16::try_from(lines).unwrap_or(u16::MAX));
        let p = Paragraph::new(line)
            .style(theme::muted())
            .wrap(Wrap { trim: true });
        frame.render_widget(p, Rect::new(area.x, area.y, area.width, h));
        area = Rect::new(area.x, area.y + h, area.width, area.height - h);
        if count == 0 {
            return;
        }
    }
    if count == 0 {
        // Wrapped a word at a time, not by ratatui's paragraph, which
        // measured it a grapheme at a time: the first screen of every new
        // reader shows this help, and it was a third of that frame's
        // drawing (callgrind, 190 K instructions).
        let text = empty_text(app, &filter);
        let rows = crate::app::help::wrap(&text, usize::from(area.width));
        for (y, row) in (area.y..area.bottom()).zip(&rows) {
            super::set_spans(
                frame.buffer_mut(),
                area.x,
                y,
                [(row.as_str(), theme::muted())],
                area.width,
            );
        }
        return;
    }
    let (detail, rest) = detail_part(app, area);
    if let Some((si, rect)) = detail {
        detail_cells(
            frame.buffer_mut(),
            detail_lines(&detail_shows(app, &si)),
            rect,
        );
    }
    let item = |i| app.notes_row(i).map(|row| list_item(&row_shows(app, &row)));
    let shown = shown_items(rest, count, item, app.notes_selected());
    draw_items(frame, rest, shown, app.notes_selected(), focused);
}

/// The list with nothing above it: what it shows is worked out first (the
/// selected entry in full, the rows on screen), and drawn only when that,
/// the title or the place differ from what the screen shows (ui/keep.rs).
/// Else every key, a line down included, drew the pane again.
fn list(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    (chrome, focused): (Chrome, bool),
    (title, quick): (String, Option<u64>),
    keep: &mut Keep,
) {
    let inner = super::inner(area, chrome);
    let (detail, rest) = detail_part(app, inner);
    // The entry in full by what it is built from, and its key (its lines
    // are built only when drawn: a passage may be a page long).
    let detail = detail.as_ref().map(|(si, rect)| {
        let shows = detail_shows(app, si);
        let key = super::keep::key((rect, &shows, theme::palette_key()));
        (shows, *rect, key)
    });
    let selected = app.notes_selected();
    let shown: Vec<(usize, u64)> = super::list::shown_rows(rest, app.notes_len(), selected)
        .filter_map(|i| Some((i, row_key(app, i)?)))
        .collect();
    // Asked already with the quick key, which said it changed.
    if quick.is_none() {
        let key = pane_key(
            area,
            chrome,
            focused,
            &title,
            (
                detail.as_ref().map(|d| d.2),
                &shown,
                selected,
                theme::palette_key(),
            ),
        );
        if keep.same_with_parts(area, key) {
            return;
        }
    }
    // Else the border, the entry in full and each row are kept where they
    // show the same: the cursor stepping onto a bookmarked row brings the
    // entry in full in, and the rest of the pane stays.
    super::list::frame_block_kept(frame, area, (chrome, focused), title, keep);
    if let Some((shows, rect, key)) = detail
        && !keep.same_with_parts(rect, key)
    {
        draw_detail_kept(frame, detail_lines(&shows), rect, keep);
    }
    let item = |i| {
        let shows = shown.iter().find(|s| s.0 == i).map(|s| s.1);
        known_item(shows, || {
            app.notes_row(i).map(|row| list_item(&row_shows(app, &row)))
        })
    };
    super::list::draw_items_kept(frame, rest, &shown, item, (selected, focused), keep);
}

/// The key of the Notes pane listing the open document's entries, from
/// what it is drawn from, where that is all known by revision: the notes'
/// state (any change of an entry, the filter or a place found takes a new
/// stamp), the row selected, whether an entry shows in full and which is
/// under the reading cursor, the text's length (the rows' percentages),
/// the focus, the place, the frame and the palette. `None` for the other
/// scopes, an empty list, or a list with a problem or still loading: their
/// keys are worked out from what they show.
fn quick_key(app: &App, area: Rect, chrome: Chrome, focused: bool) -> Option<u64> {
    let n = app.notes.as_ref()?;
    if app.scope != Scope::ThisDocument
        || n.problem.is_some()
        || n.loading.is_some()
        || n.shown_len() == 0
    {
        return None;
    }
    let text = app.reader.as_ref().map(|r| r.doc.len());
    Some(super::keep::key((
        (area, chrome, focused, theme::palette_key()),
        (n.stamp(), n.selected, app.notes_expanded),
        (
            app.focus == crate::app::Focus::Notes,
            app.under_cursor.as_deref(),
        ),
        text,
    )))
}

/// The list row whose key is `shows` (see [`row_key`]) as built before,
/// else `build`'s: the selection stepping from row to row drew two rows
/// again, each built anew (its quote cut and cleaned, its time and place
/// written), though both were on the first screen.
fn known_item(shows: Option<u64>, build: impl FnOnce() -> Option<Item>) -> Option<Item> {
    thread_local! {
        static ITEMS: std::cell::RefCell<HashMap<u64, Item>> =
            std::cell::RefCell::new(HashMap::new());
    }
    let Some(shows) = shows else {
        return build();
    };
    // The markers' colours are the palette's.
    let shows = super::keep::key((shows, theme::palette_key()));
    if let Some(item) = ITEMS.with_borrow(|m| m.get(&shows).cloned()) {
        return Some(item);
    }
    let item = build()?;
    ITEMS.with_borrow_mut(|m| {
        // A long list scrolled through: start over.
        if m.len() >= 256 {
            m.clear();
        }
        m.insert(shows, item.clone());
    });
    Some(item)
}

/// The selected entry in full, where it shows (asked for with `x`, or the
/// one under the reading cursor while reading) and the rows it takes at
/// the bottom of `area`; and the rest of `area`, for the list.
fn detail_part(app: &App, area: Rect) -> (Option<(crate::app::ScopedItem, Rect)>, Rect) {
    let at = app.notes_selected();
    // Whether it shows is read in place: the row is built only to be shown
    // (it was built, its strings copied, on every frame to compare an id).
    let following = app.focus != crate::app::Focus::Notes
        && app
            .under_cursor
            .as_deref()
            .is_some_and(|id| app.notes_row_is(at, id));
    if (app.notes_expanded || following)
        && let Some(si) = app.notes_row(at)
    {
        let h = if app.notes_expanded {
            area.height.saturating_sub(2)
        } else {
            area.height / 2
        };
        if h >= 3 {
            let rect = Rect::new(area.x, area.bottom() - h, area.width, h);
            let rest = Rect::new(area.x, area.y, area.width, area.height - h);
            return (Some((si, rect)), rest);
        }
    }
    (None, area)
}

/// What [`empty_text`] depends on, as the pane's key: its key hints come
/// from the keymap, fixed for the run, so the text (four hints and a
/// `format!`) is built only to be drawn, not on every key of a first
/// reading to be hashed.
fn empty_key<'a>(app: &App, filter: &'a str) -> impl std::hash::Hash + 'a {
    (app.notes.is_none(), app.scope, filter)
}

/// What the pane says when it lists nothing.
fn empty_text(app: &App, filter: &str) -> String {
    if app.notes.is_none() && app.scope == Scope::ThisDocument {
        "Open a document to see its notes.".to_string()
    } else if app.scope == Scope::Session && filter.is_empty() {
        "Nothing was noted in this session yet: notes, highlights and bookmarks made while it runs are listed here, as the lecture went.".to_string()
    } else if !filter.is_empty() {
        let key = app.keymap.hint(Context::Notes, Action::Filter);
        format!(
            "Nothing matches the filter. Press {key}, clear the text and press enter to see all."
        )
    } else {
        let km = &app.keymap;
        format!(
            "No notes yet. In the reader: {} bookmarks the passage at the cursor, {} writes a note on it, {} selects a passage to highlight or note, {} writes a note on the whole document.",
            km.hint(Context::Reader, Action::AddBookmark),
            km.hint(Context::Reader, Action::Annotate),
            km.hint(Context::Reader, Action::Select),
            km.hint(Context::Reader, Action::NoteDocument),
        )
    }
}

/// What a row of the list is built from ([`list_item`] reads nothing
/// else): its key, hashed, says whether the screen shows the row already,
/// with no row built for it.
#[derive(Hash)]
struct RowShows<'a> {
    kind: Kind,
    found: bool,
    title: &'a str,
    preview: &'a str,
    /// Where in the text (`None`: on the whole document).
    on_text: bool,
    /// The position as a percentage of the open document, when shown.
    percent: Option<u128>,
    session: Option<(&'a str, u64)>,
    scope: Scope,
    document: Option<&'a str>,
    status: Status,
    created: &'a str,
}

/// The key of what row `i` of the list shows ([`RowShows`]).
///
/// The open document's rows are keyed without building their entries:
/// what a row shows of its entry changes only with the notes' state (its
/// stamp), so that part's key, with where the entry is, is kept for the
/// state; only the percentage (the text's length may change under it) is
/// worked out again. A line down built every shown row's entry, its quote
/// and passage copied, only to hash it: a third of a key's allocations.
fn row_key(app: &App, i: usize) -> Option<u64> {
    type Parts = (u64, Option<usize>, bool);
    thread_local! {
        static PARTS: std::cell::RefCell<(u64, HashMap<usize, Parts>)> =
            std::cell::RefCell::new((0, HashMap::new()));
    }
    let stamp = app.notes.as_ref().map(|n| n.stamp());
    let (Some(stamp), Scope::ThisDocument) = (stamp, app.scope) else {
        let row = app.notes_row(i)?;
        return Some(super::keep::key(row_shows(app, &row)));
    };
    let known = PARTS.with_borrow(|(at, parts)| (*at == stamp).then(|| parts.get(&i).copied()));
    let (part, offset, found) = match known.flatten() {
        Some(parts) => parts,
        None => {
            let row = app.notes_row(i)?;
            let shows = RowShows {
                percent: None,
                ..row_shows(app, &row)
            };
            let parts = (super::keep::key(shows), row.item.offset, row.item.found);
            PARTS.with_borrow_mut(|(at, map)| {
                // Another state, or a long list scrolled through: start over.
                if *at != stamp || map.len() >= 1024 {
                    *at = stamp;
                    map.clear();
                }
                map.insert(i, parts);
            });
            parts
        }
    };
    Some(super::keep::key((part, percent(app, offset, found, true))))
}

/// Where an entry of the open document is, as a percentage of its text.
fn percent(app: &App, offset: Option<usize>, found: bool, open: bool) -> Option<u128> {
    match offset {
        Some(o) if found && open && app.scope == Scope::ThisDocument => {
            let len = app.reader.as_ref().map_or(1, |r| r.doc.len().max(1));
            Some(((o as u128 * 100) / len as u128).min(100))
        }
        _ => None,
    }
}

fn row_shows<'a>(app: &App, row: &'a crate::app::ScopedItem) -> RowShows<'a> {
    let it = &row.item;
    let percent = percent(app, it.offset, it.found, row.open);
    RowShows {
        kind: it.kind,
        found: it.found,
        title: &it.title,
        preview: &it.preview,
        on_text: it.offset.is_some(),
        percent,
        session: it.session.as_ref().map(|m| (m.name.as_str(), m.elapsed)),
        scope: app.scope,
        document: row
            .document
            .as_deref()
            .filter(|_| app.scope != Scope::ThisDocument),
        status: it.status,
        created: &it.created,
    }
}

/// One row of the list: marker, title, and what and where it is.
fn list_item(row: &RowShows) -> Item {
    let preview = sanitize_line(row.preview, 160);
    let mut place = match (row.on_text, row.percent) {
        _ if !row.found => String::new(),
        // A note on the whole document made in a session is that
        // lecture's note.
        (false, _) => match (row.session, row.scope) {
            (Some(_), Scope::Session) => "lecture note".to_string(),
            (Some((name, _)), _) => format!("lecture note · {}", sanitize_line(name, 40)),
            (None, _) => "whole document".to_string(),
        },
        (true, Some(p)) => format!("{p}%"),
        (true, None) => String::new(),
    };
    let mut detail: Vec<String> = Vec::new();
    // A lecture note says so first, where a narrow pane shows it.
    if place.starts_with("lecture note") {
        detail.push(std::mem::take(&mut place));
    }
    // In a session the clock is the short, telling part.
    if let (Scope::Session, Some((_, elapsed))) = (row.scope, row.session) {
        detail.push(format!("at {}", crate::app::clock(elapsed)));
    }
    if let Some(doc) = row.document {
        detail.push(sanitize_line(doc, 60));
    }
    if !place.is_empty() {
        detail.push(place);
    }
    if let Some(label) = status_label(row.status) {
        detail.push(label.to_string());
    }
    detail.push(when(row.created));
    if row.kind != Kind::Highlight && row.on_text {
        detail.push(preview.clone());
    }
    let marker = match (row.found, row.kind) {
        (false, _) => ("⚠", theme::error()),
        (true, Kind::Bookmark) => ("◆", theme::bookmark()),
        (true, Kind::Highlight) => ("▌", theme::highlight_mark()),
        (true, Kind::Note) => ("✎", theme::note_mark()),
    };
    let title = match row.kind {
        Kind::Highlight => format!("“{preview}”"),
        _ => sanitize_line(row.title, 200),
    };
    Item {
        marker,
        title,
        detail: detail.join(" · "),
        title_style: Style::new(),
    }
}

/// What an entry in full is built from ([`detail_lines`] reads nothing
/// else), hashed for its key.
#[derive(Hash)]
struct DetailShows<'a> {
    kind: Kind,
    on_text: bool,
    session: Option<(&'a str, u64)>,
    created: &'a str,
    status: Status,
    title: &'a str,
    passage: &'a str,
    text: &'a str,
    /// The key that re-attaches a lost entry of the open document.
    reattach: Option<String>,
}

fn detail_shows<'a>(app: &App, si: &'a crate::app::ScopedItem) -> DetailShows<'a> {
    let it = &si.item;
    DetailShows {
        kind: it.kind,
        on_text: it.offset.is_some(),
        session: it.session.as_ref().map(|m| (m.name.as_str(), m.elapsed)),
        created: &it.created,
        status: it.status,
        title: &it.title,
        passage: &it.passage,
        text: &it.text,
        reattach: (!it.found && si.open).then(|| app.keymap.hint(Context::Notes, Action::Reattach)),
    }
}

/// One entry in full: what and when, its status, the quote it was written
/// on (a lost entry shows only its own stored quote), and a note's text.
fn detail_lines(d: &DetailShows) -> Vec<Line<'static>> {
    let what = match d.kind {
        Kind::Note if !d.on_text && d.session.is_some() => "Lecture note",
        Kind::Note => "Note",
        Kind::Highlight => "Highlight",
        Kind::Bookmark => "Bookmark",
    };
    let mut head = format!("{what} · {}", when(d.created));
    if let Some((name, elapsed)) = d.session {
        head.push_str(&format!(
            " · session “{}” at {}",
            sanitize_line(name, 60),
            crate::app::clock(elapsed)
        ));
    }
    if let Some(label) = status_label(d.status) {
        head.push_str(" · ");
        head.push_str(label);
    }
    let mut lines = vec![Line::from(Span::styled(head, theme::muted()))];
    if d.kind == Kind::Bookmark {
        lines.push(Line::from(sanitize_line(d.title, 200)));
    }
    if !d.passage.is_empty() {
        let quote = sanitize_line(d.passage, 1000);
        lines.push(Line::from(Span::styled(
            format!("“{quote}”"),
            theme::muted(),
        )));
    }
    for l in d.text.lines() {
        lines.push(Line::from(sanitize_line(l, 2000)));
    }
    if let Some(r) = &d.reattach {
        lines.push(Line::from(Span::styled(
            format!("{r}: re-attach it at the reading cursor"),
            theme::muted(),
        )));
    }
    lines
}

/// The entry in full on a blank `area` of `buf`: a rule on its top row,
/// then the lines wrapped to its width (what a paragraph in a block with
/// its top border drew, for a fraction of the work: [`super::set_lines`]).
/// How many rows from the top it drew on: those under them are blank.
fn detail_cells(buf: &mut ratatui::buffer::Buffer, lines: Vec<Line<'static>>, area: Rect) -> u16 {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return 0;
    }
    let rule = theme::border(false);
    #[allow(clippy::disallowed_methods)] // a constant: no escape
    for cell in super::row_cells(buf, area.x, area.y, usize::from(area.width)) {
        cell.set_symbol(ratatui::symbols::line::HORIZONTAL)
            .set_style(rule);
    }
    let text = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let rows = super::wrap_lines(lines, area.width);
    super::set_lines(buf, text, &rows);
    1 + u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .min(text.height)
}

/// [`detail_cells`] on a frame blank in `area`, its rows under the text
/// left blank and kept where the last frame left them blank (the list's
/// rows under its last item were). It is drawn straight into the frame:
/// drawn aside once and copied in, to be copied again should it come back,
/// it cost a line key that brought it in twice the time of drawing it
/// (a new buffer of the area's cells, then a copy of each), and as the
/// cursor reads down each entry comes once (timed in the run loop).
fn draw_detail_kept(frame: &mut Frame, lines: Vec<Line<'static>>, area: Rect, keep: &mut Keep) {
    let area = area.intersection(frame.area());
    let drawn = detail_cells(frame.buffer_mut(), lines, area);
    keep.blank_rows(Rect::new(
        area.x,
        area.y + drawn,
        area.width,
        area.height.saturating_sub(drawn),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    fn lines() -> Vec<Line<'static>> {
        vec![
            Line::from(Span::styled("Bookmark · 2026-11-25 10:00", theme::muted())),
            Line::from("a title long enough to be wrapped onto a second row of the pane"),
        ]
    }

    /// The entry in full is drawn as a paragraph under a top border draws
    /// it, and says how many rows it took: those under them are blank (the
    /// rows kept where the last frame left them blank).
    #[test]
    fn an_entry_in_full_is_drawn_as_a_paragraph_and_says_its_rows() {
        let screen = Rect::new(0, 0, 40, 12);
        let area = Rect::new(5, 4, 30, 7);
        let mut buf = Buffer::empty(screen);
        let rows = detail_cells(&mut buf, lines(), area);
        let mut widget = Buffer::empty(screen);
        use ratatui::widgets::Widget as _;
        Paragraph::new(super::super::wrap_lines(lines(), area.width))
            .block(
                ratatui::widgets::Block::default()
                    .borders(ratatui::widgets::Borders::TOP)
                    .border_style(theme::border(false)),
            )
            .render(area, &mut widget);
        assert_eq!(buf, widget, "as a paragraph under a top border draws it");
        let blank = |y: u16| {
            (area.left()..area.right()).all(|x| buf[(x, y)] == ratatui::buffer::Cell::EMPTY)
        };
        // The rule, the heading and the title wrapped onto three rows.
        assert_eq!(rows, 5);
        assert!(!blank(area.y + rows - 1), "the last row it drew");
        assert!((area.y + rows..area.bottom()).all(blank));
        // Cut at the area's bottom: no row is said to be drawn below it.
        let short = Rect::new(5, 4, 30, 3);
        assert_eq!(detail_cells(&mut Buffer::empty(screen), lines(), short), 3);
    }
}
