//! [`update`]: one message in, state changed, effects out. Actions go to
//! `actions` (by mode and pane); results of I/O (a document opened, notes
//! saved, search hits) are applied here, in this file.

use super::*;

/// Applies one message; `now` is the current time (RFC 3339) for stamps.
pub fn update(app: &mut App, msg: Msg, now: &str) -> Vec<Effect> {
    if app.now != now {
        now.clone_into(&mut app.now);
    }
    // Moves in a row leave the place to record until something else
    // comes: everything else sees it recorded.
    if app.position_moved && !matches!(msg, Msg::Action(a) if super::actions::is_movement(a)) {
        app.note_position();
    }
    let follows = matches!(
        msg,
        Msg::Action(_) | Msg::Mouse { .. } | Msg::SearchHits { .. }
    );
    let quiet = matches!(msg, Msg::Tick | Msg::Idle);
    if matches!(msg, Msg::Action(_) | Msg::Mouse { .. }) {
        // The student has taken over: no more opening the next document
        // for them when one cannot be opened.
        app.auto_open = false;
    }
    let mut fx = on_msg(app, msg);
    if follows && app.prompt.is_none() && app.editor.is_none() {
        noted::follow(app);
    }
    session::after_update(app, &mut fx, quiet);
    fx
}

fn on_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(a) => on_action(app, a),
        Msg::Text(e) => {
            let Some(p) = app.prompt.as_mut() else {
                return Vec::new();
            };
            if p.kind == PromptKind::UnsavedQuit {
                // The question has no text: its keys are actions.
                return Vec::new();
            }
            let before = p.input.clone();
            p.edit(e);
            let changed = p.input != before;
            if changed && matches!(p.kind, PromptKind::Search { .. }) {
                return find::query_changed(app);
            }
            if changed && p.kind == PromptKind::FindAll {
                return find::find_all_changed(app);
            }
            if changed && p.kind == PromptKind::LibraryFilter {
                let typed: String = p.input.iter().collect();
                app.set_library_filter(Some(typed));
            }
            Vec::new()
        }
        Msg::Digit(d) => {
            let count = app
                .count
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(usize::from(d));
            app.count = Some(count.min(1_000_000));
            app.info(format!("{count}"));
            Vec::new()
        }
        Msg::SearchHits {
            generation,
            hits,
            done,
        } => {
            find::on_hits(app, generation, hits, done);
            app.note_position();
            Vec::new()
        }
        Msg::Found {
            generation,
            found,
            matches,
            done,
        } => {
            find::on_found(app, generation, (found, matches), done);
            Vec::new()
        }
        Msg::FindFailed { generation, error } => {
            find::on_find_failed(app, generation, error);
            Vec::new()
        }
        Msg::SearchFailed { generation, error } => {
            find::on_error(app, generation, error);
            Vec::new()
        }
        Msg::Outline { doc, headings } => {
            let current = app.shows(&doc);
            if let (Overlay::Outline { .. }, true) = (&app.overlay, current) {
                let at = app.reader.as_ref().map_or(0, Reader::cursor_offset);
                let selected = crate::text::outline::current_section(&headings, at).unwrap_or(0);
                app.overlay = Overlay::Outline {
                    headings: Some(headings),
                    selected,
                };
            }
            Vec::new()
        }
        Msg::EditorInput(input) => {
            study::editor_input(app, input);
            Vec::new()
        }
        Msg::AllNotes(all) => {
            app.all_notes.set(all);
            app.all_notes_progress = None;
            app.clamp_notes_selection();
            Vec::new()
        }
        Msg::AllNotesProgress { done, total } => {
            // Only while the list is still awaited (a late report of an
            // abandoned read must not bring the message back).
            if app.all_notes_progress.is_some() {
                app.all_notes_progress = Some((done, total));
            }
            Vec::new()
        }
        Msg::Exported(result) => {
            match result {
                Ok(path) => app.info(format!("study sheet written to {}", path.display())),
                Err(e) => app.error(format!("study sheet not written: {e}")),
            }
            Vec::new()
        }
        Msg::Mouse { kind, col, row } => on_mouse(app, kind, col, row),
        Msg::KeysWaiting(n) => {
            app.waiting_keys = n;
            Vec::new()
        }
        Msg::Words { index, words } => {
            if let Some(e) = app.entries.get_mut(index) {
                e.words = Some(words);
            }
            Vec::new()
        }
        Msg::Fingerprinted { doc, fingerprint } => {
            let current = app.shows(&doc);
            if !current {
                return Vec::new();
            }
            app.fingerprint = Some(fingerprint);
            // Notes saved while it was hashed carry the file's old one.
            let stale = app.notes.as_ref().is_some_and(|n| {
                !n.is_empty() && Some(&n.file().fingerprint) != app.fingerprint.as_ref()
            });
            if stale { app.save_notes() } else { Vec::new() }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.fit_reader();
            help::clamp(app);
            if let Some(ed) = app.editor.as_mut() {
                ed.refit();
            }
            Vec::new()
        }
        Msg::Opened {
            index,
            result,
            notes,
            partial,
            window,
        } => {
            let fx = on_opened(app, index, result, notes, partial, window);
            app.loading = partial && app.open == Some(index) && app.reader.is_some();
            app.window = window.filter(|_| app.loading);
            fx
        }
        Msg::Completed { index, result } => on_completed(app, index, result),
        Msg::SourceChanged { index, change } => on_source_changed(app, index, change),
        Msg::NotesPlaced { key, doc, placed } => placing::on_placed(app, &key, doc, placed),
        Msg::NotesLoaded { key, load } => placing::on_loaded(app, &key, load),
        Msg::NotesSaved {
            key,
            generation,
            result,
        } => match result {
            // An older save of this document worked, and a newer one (with
            // what was sent since) is still on its way: the older file
            // must not replace the notes in memory, which hold more.
            Ok((_, moved)) if !app.saving.answered(&key, generation) => {
                if let Some(m) = moved {
                    app.info(moved_aside(&m));
                }
                Vec::new()
            }
            Ok((file, moved)) => {
                let count = file.entry_count();
                app.retire = None;
                unsaved::confirm_saved(app, &key, generation, true);
                if let Some(n) = app.notes.as_mut().filter(|n| n.key == key) {
                    let doc = app.reader.as_ref().map(|r| &*r.doc);
                    n.replace_file(file.clone(), doc);
                    n.problem = None;
                }
                if let Some(e) = app.entries.iter_mut().find(|e| e.key == key) {
                    e.bookmarks = count;
                }
                // The lists across documents stay true after switching
                // documents, without reading every file again.
                if let Some(o) = app.all_notes.list_mut().iter_mut().find(|o| o.key == key) {
                    o.file = file.clone();
                } else if app.scope != Scope::ThisDocument
                    && let Some(i) = app
                        .open
                        .filter(|&i| app.entries.get(i).is_some_and(|e| e.key == key))
                {
                    let title = app.open_title();
                    app.all_notes.list_mut().push(OtherNotes {
                        key: key.clone(),
                        title,
                        entry: Some(i),
                        file: file.clone(),
                    });
                }
                if let Some(m) = moved {
                    app.info(moved_aside(&m));
                }
                app.due_stale = true;
                unsaved::notes_saved(app, &key, &file)
            }
            Err(failure) => {
                // Failed, old or new: the notes in memory (everything sent
                // since included) are kept as not saved until a save works.
                if app.saving.answered(&key, generation) {
                    unsaved::confirm_saved(app, &key, generation, false);
                }
                unsaved::notes_failed(app, key, failure)
            }
        },
        Msg::UnsavedWritten(result) => unsaved::unsaved_written(app, result),
        Msg::BackupRestored { key, result } => unsaved::backup_restored(app, &key, result),
        Msg::StateSaved(result) => unsaved::state_saved(app, result),
        Msg::Summary { index, result } => {
            let refilter = app.lib_filter.is_some();
            if let Some(e) = app.entries.get_mut(index) {
                e.apply_summary(result);
                if let (Some(p), Some(size)) = (app.state.positions.get(&e.key), e.size)
                    && size > 0
                    && e.progress.is_none()
                {
                    e.progress = Some(((p.anchor.offset * 100) / size).min(100) as u8);
                }
            }
            if refilter {
                let f = (*app.lib_filter).clone();
                app.set_library_filter(f);
            }
            // Notes saved before the title was read carry the file's name
            // as their document's title (review cards, exports): the title
            // goes into their file now.
            let stale_title = app.open == Some(index)
                && app.entries.get(index).is_some_and(|e| {
                    app.notes.as_ref().is_some_and(|n| {
                        !n.is_empty() && n.loading.is_none() && n.file().title != e.display_title()
                    })
                });
            if stale_title {
                app.save_notes()
            } else {
                Vec::new()
            }
        }
        Msg::Bookmarks { index, count } => {
            // The open document's count is live; the scan may be older.
            if app.open != Some(index)
                && let Some(e) = app.entries.get_mut(index)
            {
                e.bookmarks = count;
            }
            Vec::new()
        }
        Msg::Tick => Vec::new(),
        Msg::StartSession(name) => {
            session::start_at_launch(app, &name);
            Vec::new()
        }
        Msg::SessionsSaved(result) => session::saved(app, result),
        Msg::LogProblem(problem) => {
            app.list_problem(&problem);
            app.startup_problem(problem);
            Vec::new()
        }
        Msg::Idle => {
            let mut fx = app.save_state();
            fx.extend(unsaved::retry_notes(app));
            fx.extend(review::recount_if_stale(app));
            fx.extend(review::retry(app));
            review::tick(app);
            fx
        }
        Msg::ReviewPrepared { generation, result } => {
            review::prepared(app, generation, result);
            Vec::new()
        }
        Msg::DueCounts(counts) => {
            review::counted(app, counts);
            Vec::new()
        }
        Msg::ReviewSaved { review: r, result } => review::saved(app, r, result),
        Msg::Signal(sig) => {
            // A note or bookmark label being written is saved, not lost
            // (RELIABILITY N12).
            let label = match app.prompt.as_ref().map(|p| (&p.kind, p.value())) {
                Some((PromptKind::BookmarkLabel { start, end }, label)) => {
                    Some((*start, *end, label))
                }
                _ => None,
            };
            let mut fx = if let Some((start, end, label)) = label {
                app.prompt = None;
                study::add_bookmark(app, start, end, label)
            } else if app
                .editor
                .as_ref()
                .is_some_and(|e| !e.text().trim().is_empty())
            {
                study::editor_save(app)
            } else {
                Vec::new()
            };
            fx.extend(app.save_state());
            // Ratings the log did not take yet get a last try.
            fx.extend(review::retry(app));
            fx.push(Effect::Quit(128 + sig));
            fx
        }
    }
}

/// What the user is told when a save moved an unreadable notes file aside.
fn moved_aside(path: &std::path::Path) -> String {
    format!(
        "the unreadable notes file was kept as {}; your notes are saved in a new one",
        path.display()
    )
}

fn on_opened(
    app: &mut App,
    index: usize,
    result: Result<Box<Document>, DocError>,
    notes: Option<NotesLoad>,
    partial: bool,
    window: Option<usize>,
) -> Vec<Effect> {
    app.loading = false;
    app.window = None;
    app.goto_when_complete = None;
    // Offsets in a window of the text are this much less than the whole's.
    let shift = window.filter(|_| partial).unwrap_or(0);
    let restore = app
        .keymap
        .hint(Context::Notes, crate::input::action::Action::RestoreBackup);
    let Some(entry) = app.entries.get_mut(index) else {
        return Vec::new();
    };
    match result {
        Err(e) => {
            let msg = format!("{}: cannot open: {e}", entry.name);
            entry.error = Some(e);
            app.open_error = Some(sanitize_line(&msg, MESSAGE_CHARS));
            app.error(msg);
            // Opened at start for the student, who chose nothing yet: the
            // next document rather than an error page (the Library keeps
            // the reason by its name).
            let next = index + 1;
            if app.auto_open && app.reader.is_none() && next < app.entries.len() {
                if let Some(at) = app.lib_view.iter().position(|&i| i == next) {
                    app.lib_selected = at;
                }
                return vec![Effect::Open(next)];
            }
            app.auto_open = false;
            Vec::new()
        }
        Ok(doc) => {
            entry.error = None;
            app.auto_open = false;
            // A first part's words are not the document's, and a window's
            // first line is not its title.
            if window.is_none() {
                entry.fill_in_from(&doc, partial);
            }
            let warnings = doc.warnings.clone();
            let p = geometry::panes(app.size, app.focus, app.measure);
            let mut reader = Reader::new(Arc::<Document>::from(doc), p.text_width, p.text_height);
            app.fingerprint = (!partial && reader.doc.len() <= FINGERPRINT_MAX_BYTES)
                .then(|| crate::study::anchor::fingerprint(&reader.doc));
            adopt_position(
                &mut app.state,
                &app.entries,
                index,
                app.fingerprint.as_deref(),
            );
            let Some(entry) = app.entries.get_mut(index) else {
                return Vec::new();
            };
            let offset = app
                .pending_offset
                .take()
                .or_else(|| app.state.positions.get(&entry.key).map(|p| p.anchor.offset));
            let mut adopted = None;
            let mut notes_state = notes.map(|n| {
                adopted = n.adopted_from.clone();
                let file = n.file.unwrap_or_else(|| {
                    NotesFile::new(entry.key.clone(), entry.display_title().to_string(), "")
                });
                let problem = notes_problem(&n.path, n.problem, &file, &restore);
                let mut dn = DocNotes::new(entry.key.clone(), n.path, file);
                dn.problem = problem;
                dn.loading = n.deferred;
                dn
            });
            let mut fx = Vec::new();
            if let Some(n) = notes_state.as_mut() {
                if n.loading.is_some() {
                    // A big notes file follows the text (issue 12); it is
                    // placed when it arrives.
                    fx.push(Effect::LoadNotes {
                        key: n.key.clone(),
                        path: n.path.clone(),
                    });
                } else if !partial {
                    // Notes are placed once the whole text is in, on a worker.
                    fx.push(placing::start(n, &reader.doc));
                }
                if n.loading.is_none() {
                    entry.bookmarks = n.len();
                }
            }
            if let Some(off) = offset {
                let off = off.saturating_sub(shift);
                // Find the saved passage again if the text changed.
                let off = app
                    .state
                    .positions
                    .get(&entry.key)
                    .map(|p| {
                        let mut a = p.anchor.clone();
                        a.offset = a.offset.saturating_sub(shift);
                        match crate::study::anchor::place(&reader.doc, &a) {
                            crate::study::anchor::Placement::Moved { at, .. }
                            | crate::study::anchor::Placement::Changed { at, .. } => at,
                            _ => off,
                        }
                    })
                    .unwrap_or(off);
                if partial && off >= reader.doc.len() {
                    app.goto_when_complete = Some(off);
                }
                reader.goto_offset(off);
            }
            app.selection = None;
            app.point = None;
            app.reattach = None;
            app.under_cursor = None;
            app.editor = None;
            app.retire = None;
            app.search = None;
            app.jumps = crate::app::jumplist::JumpList::new();
            app.open = Some(index);
            app.open_error = None;
            app.reader = Some(reader);
            app.notes = notes_state;
            // The position noted is the whole's, not the window's.
            app.window = window.filter(|_| partial);
            app.note_position();
            let mut problems: Vec<String> = warnings;
            if let Some(p) = app.notes.as_ref().and_then(|n| n.problem.clone()) {
                app.list_problem(&p);
                problems.push(p);
            }
            if !problems.is_empty() {
                app.error(problems.join(" · "));
            } else {
                // A problem with the previous document is stale now.
                app.pass_message();
            }
            if let Some(old) = adopted {
                // Notes found by the text's fingerprint (the document moved):
                // save them under the new name, then retire the old file.
                app.retire = Some(old);
                app.info("notes found from before the document was moved or renamed: re-attached");
                fx.extend(app.save_notes());
            }
            fx
        }
    }
}

/// What the Notes pane and the status line say about a notes file just
/// read: unreadable (kept untouched, and how to restore a backup), or made
/// by a newer marginote (shown, new notes saved beside it).
pub(super) fn notes_problem(
    path: &std::path::Path,
    problem: Option<String>,
    file: &NotesFile,
    restore: &str,
) -> Option<String> {
    // Said before anything is typed: where new notes will go.
    let newer = file.is_read_only().then(|| {
        let beside = crate::storage::beside_newer(path);
        let name = |p: &std::path::Path| {
            p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
        };
        format!(
            "notes file made by a newer marginote: left untouched; its notes are shown and new ones are saved beside it as {} (in {})",
            name(&beside),
            beside.parent().map(|d| d.display().to_string()).unwrap_or_default()
        )
    });
    let unreadable = problem.map(|p| {
        let offer = if p.contains("newest good backup") {
            format!(" — {restore} in the Notes pane restores the backup")
        } else {
            String::new()
        };
        format!("{p}{offer} — the file is left untouched; your next note will be saved in a new file and that one kept aside")
    });
    unreadable.or(newer)
}

/// Texts above this size are not fingerprinted for the reading position
/// (hashing them would delay opening), as for notes.
const FINGERPRINT_MAX_BYTES: usize = 16 << 20;

/// A document with no saved position takes the position saved for the
/// same text under another name that is no longer in the library: the
/// file was renamed or moved (notes follow it the same way).
fn adopt_position(state: &mut StateFile, entries: &[Entry], index: usize, fp: Option<&str>) {
    let (Some(fp), Some(entry)) = (fp.filter(|f| !f.is_empty()), entries.get(index)) else {
        return;
    };
    if state.positions.contains_key(&entry.key) {
        return;
    }
    let found = state
        .positions
        .iter()
        .filter(|(k, p)| p.fingerprint == fp && !entries.iter().any(|e| &e.key == *k))
        .max_by(|a, b| a.1.updated.cmp(&b.1.updated))
        .map(|(_, p)| p.clone());
    if let Some(p) = found {
        state.positions.insert(entry.key.clone(), p);
    }
}

/// Where the text at `at` in a window of the whole (whose first byte
/// sits near `start` in it) is in the whole: at `start + at` when the
/// window was decoded as the whole was, else where its words are found.
fn whole_offset(window: &Document, whole: &Document, start: usize, at: usize) -> usize {
    let src = window.source();
    let at = at.min(src.len());
    let mut end = (at + 64).min(src.len());
    while end > at && std::str::from_utf8(&src[at..end]).is_err() {
        end -= 1;
    }
    let anchor = crate::storage::Anchor::bare(start + at, String::from_utf8_lossy(&src[at..end]));
    match crate::study::anchor::place(whole, &anchor) {
        crate::study::anchor::Placement::Moved { at, .. }
        | crate::study::anchor::Placement::Changed { at, .. } => at,
        _ => anchor.offset.min(whole.len()),
    }
}

/// The whole of a big document arrived: it replaces the first part, the
/// view staying on the same text, and its notes are placed.
/// The mapped file of the open document changed on disk: its text is no
/// longer what the reader holds (a page cut off reads as zeros), so it is
/// read again, as the whole of a big file is after its first part: the
/// view is kept by offset, notes are placed again in the new text (moved
/// or orphaned, never lost), and the student is told why.
fn on_source_changed(
    app: &mut App,
    index: usize,
    change: crate::text::document::Change,
) -> Vec<Effect> {
    if app.open != Some(index) || app.loading || app.reader.is_none() {
        return Vec::new();
    }
    let name = app
        .entries
        .get(index)
        .map(|e| e.name.clone())
        .unwrap_or_default();
    app.error(format!("{name} {change} while open: reading it again"));
    app.loading = true;
    app.window = None;
    vec![Effect::Reread(index)]
}

fn on_completed(
    app: &mut App,
    index: usize,
    result: Result<Box<Document>, DocError>,
) -> Vec<Effect> {
    if !app.loading || app.open != Some(index) {
        return Vec::new();
    }
    app.loading = false;
    let window = app.window.take();
    let goto = app.goto_when_complete.take();
    match result {
        // A mapped text read again after a change on disk that can no
        // longer be read (now binary, too large, gone unreadable): the
        // reader and its notes stay as they were, with why.
        Err(e) if app.reader.as_ref().is_some_and(|r| r.doc.is_mapped()) => {
            let name = app
                .entries
                .get(index)
                .map(|e| e.name.clone())
                .unwrap_or_default();
            app.error(format!(
                "{name}: cannot read it again: {e}; showing it as it was opened"
            ));
            Vec::new()
        }
        Err(e) => {
            let name = app
                .entries
                .get(index)
                .map(|e| e.name.clone())
                .unwrap_or_default();
            let msg = format!("{name}: cannot open: {e}");
            if let Some(entry) = app.entries.get_mut(index) {
                entry.error = Some(e);
            }
            app.reader = None;
            app.notes = None;
            app.open_error = Some(sanitize_line(&msg, MESSAGE_CHARS));
            app.error(msg);
            Vec::new()
        }
        Ok(doc) => {
            let Some(old) = app.reader.as_ref() else {
                return Vec::new();
            };
            let view = old.view();
            // A window's view is found again in the whole by its words.
            let view = match window {
                Some(start) => (whole_offset(&old.doc, &doc, start, view.0), view.1),
                None => view,
            };
            if let Some(entry) = app.entries.get_mut(index) {
                entry.fill_in_from(&doc, false);
            }
            let mut reader = Reader::new(Arc::<Document>::from(doc), old.width(), old.height());
            match goto {
                Some(at) => reader.goto_offset(at),
                None => reader.restore_view(view),
            }
            if !reader.doc.warnings.is_empty() {
                app.error(reader.doc.warnings.join(" · "));
            }
            let mut fx = Vec::new();
            // Notes still being read are placed when they arrive.
            if let Some(n) = app.notes.as_mut().filter(|n| n.loading.is_none()) {
                fx.push(placing::start(n, &reader.doc));
            }
            // Hashed on a worker: the loop answers keys meanwhile (notes
            // saved before it comes keep the fingerprint their file had).
            app.fingerprint = None;
            if reader.doc.len() <= FINGERPRINT_MAX_BYTES {
                fx.push(Effect::Fingerprint(Arc::clone(&reader.doc)));
            }
            // Too big to count on the loop: counted from the text in
            // memory (the Library's summary read a 50 MB file again for it,
            // and its count showed 160 ms after launch).
            if app.entries.get(index).is_some_and(|e| {
                e.words.is_none()
                    && matches!(
                        e.format,
                        crate::text::format::Format::Markdown | crate::text::format::Format::Text
                    )
            }) {
                fx.push(Effect::CountWords {
                    index,
                    doc: Arc::clone(&reader.doc),
                });
            }
            // An outline asked for on the first part was dropped when it
            // came back (the text changed): ask again for the whole.
            if let Overlay::Outline { headings: None, .. } = app.overlay {
                fx.push(Effect::Outline(Arc::clone(&reader.doc)));
            }
            app.reader = Some(reader);
            app.note_position();
            fx
        }
    }
}
