//! What each action does, by mode: prompts, the editor, a selection, the
//! overlays (help, outline, find-everywhere), then the panes; and the mouse.

use super::{
    App, Effect, Focus, Overlay, Prompt, PromptKind, find, help, noted, review, selection, session,
    study,
};
use crate::input::action::{Action, MouseKind};
use crate::text::reader::Reader;

/// Rows the mouse wheel scrolls.
const WHEEL_ROWS: usize = 3;

pub(super) fn list_move(selected: &mut usize, len: usize, a: Action, page: usize) {
    if len == 0 {
        *selected = 0;
        return;
    }
    let last = len - 1;
    *selected = match a {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(last),
        Action::PageDown => (*selected + page).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::HalfPageDown => (*selected + page / 2).min(last),
        Action::HalfPageUp => selected.saturating_sub(page / 2),
        Action::Top => 0,
        Action::Bottom => last,
        _ => *selected,
    }
    .min(last);
}

pub(super) fn is_movement(a: Action) -> bool {
    matches!(
        a,
        Action::Up
            | Action::Down
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::Top
            | Action::Bottom
    )
}

pub(super) fn move_reader(app: &mut App, a: Action) {
    let Some(r) = app.reader.as_mut() else {
        return;
    };
    let page = r.page();
    let half = (r.height() / 2).max(1);
    match a {
        Action::Up => r.up(1),
        Action::Down => r.down(1),
        Action::PageDown => r.scroll_down(page),
        Action::PageUp => r.scroll_up(page),
        Action::HalfPageDown => r.scroll_down(half),
        Action::HalfPageUp => r.scroll_up(half),
        Action::Top | Action::Bottom => {
            let here = r.cursor_offset();
            if a == Action::Top {
                r.top();
            } else {
                r.bottom();
            }
            app.jumps.push(here);
        }
        _ => {}
    }
    app.moved();
}

pub(super) fn on_action(app: &mut App, a: Action) -> Vec<Effect> {
    // A message lasts until the next key (the position and hints come
    // back); a problem found at startup stays until esc, so it is not
    // missed. Problems with a document also show in its Notes pane.
    app.pass_message();
    if let Some(prompt) = app.prompt.take() {
        return match (a, prompt.kind.clone()) {
            (Action::Confirm, PromptKind::BookmarkLabel { start, end }) => {
                study::add_bookmark(app, start, end, prompt.value())
            }
            (Action::Confirm, PromptKind::Filter) => {
                let typed: String = prompt.input.iter().collect();
                study::apply_filter(app, typed);
                Vec::new()
            }
            (Action::Cancel, PromptKind::BookmarkLabel { .. }) => {
                app.info("bookmark not added");
                Vec::new()
            }
            (Action::Cancel, PromptKind::Filter) => Vec::new(),
            (Action::Confirm, PromptKind::SessionName) => {
                session::begin(app, &prompt.value());
                Vec::new()
            }
            (Action::Cancel, PromptKind::SessionName) => {
                app.info("no session started");
                Vec::new()
            }
            (Action::Confirm, PromptKind::FindAll) => Vec::new(),
            (Action::Cancel, PromptKind::FindAll) => {
                app.overlay = Overlay::None;
                vec![Effect::PutFindAway]
            }
            (Action::Confirm, PromptKind::LibraryFilter) => {
                let n = app.lib_view.len();
                if app.lib_filter.is_some() {
                    app.info(format!("{n} matching · esc shows all"));
                }
                Vec::new()
            }
            (Action::Cancel, PromptKind::LibraryFilter) => {
                app.set_library_filter(None);
                Vec::new()
            }
            (Action::Confirm, PromptKind::Search { .. }) => {
                find::confirm(app);
                Vec::new()
            }
            (Action::Cancel, PromptKind::Search { .. }) => find::cancel(app),
            (Action::ToggleRegex, PromptKind::Search { .. }) => {
                app.prompt = Some(prompt);
                find::toggle_regex(app)
            }
            (a, PromptKind::UnsavedQuit | PromptKind::WriteUnsaved) => {
                super::unsaved::on_prompt_action(app, a, prompt)
            }
            (Action::HistoryPrev | Action::HistoryNext, PromptKind::Search { .. }) => {
                app.prompt = Some(prompt);
                find::history(app, a == Action::HistoryPrev)
            }
            _ => {
                app.prompt = Some(prompt);
                Vec::new()
            }
        };
    }
    if app.editor.is_some() {
        return match a {
            Action::Save => study::editor_save(app),
            Action::Newline => {
                study::editor_newline(app);
                Vec::new()
            }
            Action::Cancel => {
                study::editor_cancel(app);
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    // The review covers the panes: its keys before a selection's.
    if app.review_shown()
        && app.overlay == Overlay::None
        && let Some(fx) = review::on_key(app, a)
    {
        return fx;
    }
    if app.selection.is_some() && app.focus == Focus::Reader {
        if let Some(fx) = selection::on_key(app, a) {
            return fx;
        }
        match a {
            Action::Cancel | Action::Select => {
                app.selection = None;
                app.dismiss_messages();
                if app.reattach.take().is_some() {
                    app.info("not re-attached: the entry is still lost");
                }
                return Vec::new();
            }
            Action::Annotate => {
                study::annotate(app);
                return Vec::new();
            }
            Action::Highlight => return study::highlight(app),
            Action::Copy => return study::copy(app),
            _ => {}
        }
    }
    if let Overlay::Outline { .. } = app.overlay {
        return outline_action(app, a);
    }
    if app.overlay == Overlay::Find {
        return find_action(app, a);
    }
    // A number typed first: a count for movement, a percentage for `%`.
    let count = app.count.take();
    if let Some(n) = count {
        match a {
            Action::Percent => {
                app.count = Some(n);
                find::percent(app);
                return Vec::new();
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp
                if app.focus == Focus::Reader =>
            {
                for _ in 0..n.clamp(1, 10_000) {
                    move_reader(app, a);
                }
                return Vec::new();
            }
            _ => {}
        }
    }
    if let Overlay::Help { scroll } = app.overlay {
        match a {
            Action::Cancel | Action::Help => app.overlay = Overlay::None,
            Action::Quit => return quit(app),
            m if is_movement(m) => {
                let scroll = help::scrolled(app, scroll, m);
                app.overlay = Overlay::Help { scroll };
            }
            _ => {}
        }
        return Vec::new();
    }
    match a {
        Action::Quit => return quit(app),
        Action::Help => app.overlay = Overlay::Help { scroll: 0 },
        Action::FocusNext => app.focus = app.focus.next(),
        Action::FocusPrev => app.focus = app.focus.prev(),
        Action::Suspend => {
            let mut fx = app.save_state();
            fx.push(Effect::Suspend);
            return fx;
        }
        Action::Redraw => return vec![Effect::Redraw],
        Action::Cancel if app.focus == Focus::Reader && review::resume(app) => {}
        Action::Review => return review::toggle(app),
        Action::Cancel => {
            app.dismiss_messages();
            if app.focus == Focus::Library && app.lib_filter.is_some() {
                app.set_library_filter(None);
            } else {
                // Back to the text at every width, as the help and the
                // keymap say.
                app.focus = Focus::Reader;
            }
        }
        Action::Select if app.focus == Focus::Reader => selection::start(app),
        Action::NextNote | Action::PrevNote => noted::step(app, a == Action::NextNote),
        Action::Reattach if app.focus == Focus::Notes => noted::start_reattach(app),
        Action::Expand if app.focus == Focus::Notes => noted::toggle_expand(app),
        Action::Annotate if app.focus == Focus::Reader => study::annotate(app),
        Action::NoteDocument => study::note_document(app),
        Action::Edit if app.focus == Focus::Notes => study::edit_selected(app),
        Action::Filter if app.focus == Focus::Notes => study::start_filter(app),
        Action::Filter if app.focus == Focus::Library => {
            let mut p = Prompt::new(
                "Find in the library",
                String::new(),
                PromptKind::LibraryFilter,
            );
            p.input = app
                .lib_filter
                .as_deref()
                .unwrap_or_default()
                .chars()
                .collect();
            p.cursor = p.input.len();
            app.prompt = Some(p);
        }
        Action::ToggleScope if app.focus == Focus::Notes => return study::toggle_scope(app),
        Action::Export => return noted::export(app),
        Action::Search if app.focus == Focus::Reader => find::start(app),
        Action::NextMatch if app.focus == Focus::Reader => find::step(app, true),
        Action::PrevMatch if app.focus == Focus::Reader => find::step(app, false),
        Action::Percent => find::percent(app),
        Action::Outline if app.focus == Focus::Reader => {
            if let Some(r) = app.reader.as_ref() {
                app.overlay = Overlay::Outline {
                    headings: None,
                    selected: 0,
                };
                return vec![Effect::Outline(r.doc.clone())];
            }
        }
        Action::JumpBack | Action::JumpForward => jump(app, a == Action::JumpBack),
        Action::FindEverywhere => return find::start_find_all(app),
        Action::Session => session::toggle(app),
        Action::SessionPause => session::toggle_pause(app),
        m if is_movement(m) => match app.focus {
            Focus::Library => {
                let page = app.panes().list_page();
                let len = app.lib_view.len();
                list_move(&mut app.lib_selected, len, m, page);
            }
            Focus::Reader => move_reader(app, m),
            Focus::Notes => {
                let page = app.panes().list_page();
                let len = app.notes_len();
                let mut i = app.notes_selected();
                list_move(&mut i, len, m, page);
                app.set_notes_selected(i);
            }
        },
        Action::Open => match app.focus {
            Focus::Library => return open_selected(app),
            Focus::Notes => return study::jump_to_selected(app),
            Focus::Reader => {}
        },
        Action::AddBookmark => study::start_bookmark(app),
        Action::Delete if app.focus == Focus::Notes => return study::delete_selected(app),
        Action::Undo if app.focus == Focus::Notes => return study::undo_delete(app),
        Action::RestoreBackup if app.focus == Focus::Notes => {
            return super::unsaved::restore_backup(app);
        }
        _ => {}
    }
    Vec::new()
}

/// `ctrl-o` / `ctrl-i`: through the jump history.
fn jump(app: &mut App, back: bool) {
    let Some(here) = app.reader.as_ref().map(Reader::cursor_offset) else {
        return;
    };
    let to = if back {
        app.jumps.back(here)
    } else {
        app.jumps.forward(here)
    };
    match (to, app.reader.as_mut()) {
        (Some(at), Some(r)) => {
            r.goto_offset(at);
            app.focus = Focus::Reader;
            app.moved();
        }
        _ => app.info(if back {
            "no earlier place in the jump history"
        } else {
            "no later place in the jump history"
        }),
    }
}

/// Keys while the find-everywhere results are shown.
fn find_action(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Action::Cancel => {
            app.overlay = Overlay::None;
            vec![Effect::PutFindAway]
        }
        Action::Quit => quit(app),
        Action::FindEverywhere => find::start_find_all(app),
        Action::Open => find::open_found(app),
        m if is_movement(m) => {
            if let Some(f) = app.find_all.as_mut() {
                let len = f.results.len();
                list_move(&mut f.selected, len, m, 10);
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Keys while the outline is shown.
fn outline_action(app: &mut App, a: Action) -> Vec<Effect> {
    let Overlay::Outline { headings, selected } = &mut app.overlay else {
        return Vec::new();
    };
    let len = headings.as_ref().map_or(0, Vec::len);
    match a {
        Action::Cancel | Action::Outline => app.overlay = Overlay::None,
        Action::Quit => return quit(app),
        Action::Open => {
            let at = headings
                .as_ref()
                .and_then(|h| h.get(*selected))
                .map(|h| h.offset);
            app.overlay = Overlay::None;
            if let (Some(at), Some(r)) = (at, app.reader.as_mut()) {
                let here = r.cursor_offset();
                r.goto_offset(at);
                app.jumps.push(here);
                app.focus = Focus::Reader;
                app.moved();
            }
        }
        m if is_movement(m) => {
            let page = 10;
            list_move(selected, len, m, page);
        }
        _ => {}
    }
    Vec::new()
}

fn quit(app: &mut App) -> Vec<Effect> {
    super::unsaved::quit(app)
}

fn open_selected(app: &mut App) -> Vec<Effect> {
    let Some(&i) = app.lib_view.get(app.lib_selected) else {
        return Vec::new();
    };
    if app.open == Some(i) && app.reader.is_some() {
        app.focus = Focus::Reader;
        return Vec::new();
    }
    let mut fx = app.save_state();
    app.focus = Focus::Reader;
    fx.push(Effect::Open(i));
    fx
}

pub(super) fn on_mouse(app: &mut App, kind: MouseKind, col: u16, row: u16) -> Vec<Effect> {
    // The wheel scrolls the help wherever the pointer is: the box covers
    // most of the screen and nothing else takes input while it is open.
    if let Overlay::Help { mut scroll } = app.overlay
        && app.prompt.is_none()
        && app.editor.is_none()
    {
        let step = match kind {
            MouseKind::ScrollUp => Action::Up,
            MouseKind::ScrollDown => Action::Down,
            MouseKind::Click | MouseKind::Drag => return Vec::new(),
        };
        for _ in 0..WHEEL_ROWS {
            scroll = help::scrolled(app, scroll, step);
        }
        app.overlay = Overlay::Help { scroll };
        return Vec::new();
    }
    if app.prompt.is_some()
        || app.editor.is_some()
        || app.overlay != Overlay::None
        || app.review_shown()
    {
        return Vec::new();
    }
    let p = app.panes();
    let Some(focus) = p.pane_at(col, row, app.focus) else {
        return Vec::new();
    };
    match kind {
        MouseKind::ScrollUp | MouseKind::ScrollDown => {
            let down = kind == MouseKind::ScrollDown;
            match focus {
                Focus::Reader => {
                    if let Some(r) = app.reader.as_mut() {
                        if down {
                            r.scroll_down(WHEEL_ROWS);
                        } else {
                            r.scroll_up(WHEEL_ROWS);
                        }
                    }
                    app.moved();
                }
                Focus::Library => {
                    let a = if down { Action::Down } else { Action::Up };
                    for _ in 0..WHEEL_ROWS {
                        let len = app.lib_view.len();
                        list_move(&mut app.lib_selected, len, a, 1);
                    }
                }
                Focus::Notes => {
                    let a = if down { Action::Down } else { Action::Up };
                    let len = app.notes_len();
                    let mut i = app.notes_selected();
                    list_move(&mut i, len, a, 1);
                    app.set_notes_selected(i);
                }
            }
            Vec::new()
        }
        MouseKind::Click => {
            app.focus = focus;
            match focus {
                Focus::Library => {
                    if let Some(i) =
                        p.list_index(Focus::Library, row, app.lib_selected, app.lib_view.len())
                    {
                        app.lib_selected = i;
                    }
                }
                Focus::Notes => {
                    let len = app.notes_len();
                    if let Some(i) = p.list_index(Focus::Notes, row, app.notes_selected(), len) {
                        app.set_notes_selected(i);
                    }
                }
                Focus::Reader => {
                    if let Some(y) = p.reader_row(row) {
                        let col = usize::from(col.saturating_sub(p.text.x));
                        selection::click(app, y, col);
                    }
                    app.moved();
                }
            }
            Vec::new()
        }
        MouseKind::Drag => {
            if focus == Focus::Reader
                && let Some(y) = p.reader_row(row)
            {
                let col = usize::from(col.saturating_sub(p.text.x));
                selection::drag(app, y, col);
            }
            Vec::new()
        }
    }
}
