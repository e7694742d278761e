//! The run loop: terminal events and background results in, keymap →
//! [`app::update`] → effects performed here (reading documents, saving
//! notes and state, suspending) → draw.

pub mod terminal;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use ratatui::crossterm::event::{self, Event};

use crate::app::OtherNotes;
use crate::app::{self, App, Effect, Msg, NotesLoad};
use crate::input::{action, keymap};
use crate::library::{self, Source};
use crate::runtime::terminal as term;
use crate::storage::{self, DataDir, LoadOutcome, Store};
use crate::study::{anchor, export};
use crate::text::{document, outline, sanitize};
use crate::{search, ui};

/// Longest a burst of inputs is handled before the screen is drawn.
const FRAME: Duration = Duration::from_millis(16);

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub keymap: Option<PathBuf>,
    pub measure: usize,
}

/// What `marginote export` was asked for.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Documents to export (paths, bundled names or titles); none means
    /// every document with notes.
    pub files: Vec<PathBuf>,
    pub json: bool,
    /// Write here (atomically) instead of printing.
    pub output: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub tags: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub kinds: Vec<String>,
    pub statuses: Vec<String>,
}

/// Exit code for a command line that names something that is not there
/// (an unknown document, a bad date): as clap does for bad arguments.
const USAGE_ERROR: i32 = 2;

/// `marginote export`: the study sheet on stdout or in a file.
pub fn export_cli(opts: ExportOptions) -> anyhow::Result<i32> {
    let filter = match export_filter(&opts) {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("marginote: {}", sanitize::sanitize_line(&msg, 300));
            return Ok(USAGE_ERROR);
        }
    };
    let data = DataDir::resolve(
        opts.data_dir.clone(),
        std::env::var_os(storage::DATA_DIR_ENV),
    )?;
    let store = Store::new();
    let mut docs: Vec<(String, String, storage::NotesFile)> = Vec::new();
    if opts.files.is_empty() {
        for (_, f) in notes_files(&data, &store) {
            if f.entry_count() > 0 {
                let title = if f.title.is_empty() {
                    f.document.clone()
                } else {
                    f.title.clone()
                };
                docs.push((title, f.document.clone(), f));
            }
        }
    } else {
        for named in &opts.files {
            let Some(e) = export_document(&data, &store, named) else {
                eprintln!(
                    "marginote: {}: no such document (not a file, a bundled essay's name or a title with notes)",
                    sanitize::sanitize_line(&named.display().to_string(), 200)
                );
                return Ok(USAGE_ERROR);
            };
            let path = data.notes_path(&e.key, &e.name);
            let file = match store.load_notes(&path) {
                LoadOutcome::Loaded(f) => f,
                LoadOutcome::Missing => storage::NotesFile::new(e.key.clone(), "", ""),
                LoadOutcome::Unreadable { problem } => anyhow::bail!("{problem}"),
            };
            let title = library::summarize_entry(&e.source, e.format)
                .ok()
                .and_then(|(s, _)| s.title)
                .unwrap_or_else(|| e.name.clone());
            docs.push((title, e.key.clone(), file));
        }
    }
    for (_, _, file) in &mut docs {
        *file = filter.apply(file);
    }
    if !filter.is_empty() && docs.iter().all(|(_, _, f)| f.entry_count() == 0) {
        eprintln!("marginote: no entries match the filters");
    }
    let sheets: Vec<export::Sheet> = docs
        .iter()
        .map(|(title, key, file)| export::Sheet {
            title,
            document: key,
            file,
        })
        .collect();
    let text = if opts.json {
        export::json(&sheets) + "\n"
    } else {
        export::markdown(&sheets, &now())
    };
    match &opts.output {
        Some(path) => {
            store
                .write_file(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "marginote: study sheet written to {}",
                sanitize::sanitize_line(&path.display().to_string(), 300)
            );
        }
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
    }
    Ok(0)
}

/// The export filter from the command line, or what is wrong with it.
fn export_filter(opts: &ExportOptions) -> Result<export::Filter, String> {
    let date = |d: &Option<String>, flag: &str| -> Result<Option<String>, String> {
        match d {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse::<jiff::civil::Date>()
                .map(|d| Some(d.to_string()))
                .map_err(|_| format!("{flag} {s}: a date is written YYYY-MM-DD")),
        }
    };
    let kinds: Vec<String> = opts
        .kinds
        .iter()
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .map(|k| k.trim_end_matches('s').to_string())
        .collect();
    if let Some(bad) = kinds
        .iter()
        .find(|k| !["note", "highlight", "bookmark"].contains(&k.as_str()))
    {
        return Err(format!(
            "--kind {bad}: the kinds are note, highlight and bookmark"
        ));
    }
    let mut statuses = Vec::new();
    for s in opts.statuses.iter().filter(|s| !s.trim().is_empty()) {
        match storage::Status::from_name(&s.trim().to_ascii_lowercase()) {
            Some(st) => statuses.push(st),
            None => {
                return Err(format!(
                    "--status {s}: the statuses are exact, moved, changed and lost"
                ));
            }
        }
    }
    Ok(export::Filter {
        tags: opts.tags.clone(),
        since: date(&opts.since, "--since")?,
        until: date(&opts.until, "--until")?,
        kinds,
        statuses,
    })
}

/// The document a command line names: a file, a bundled essay by its
/// name (with or without `.md`), or a title (of a bundled essay, or one
/// remembered in a notes file).
fn export_document(
    data: &DataDir,
    store: &Store,
    named: &std::path::Path,
) -> Option<library::Entry> {
    if named.is_file() {
        return library::from_args(&[named.to_path_buf()])
            .0
            .into_iter()
            .next();
    }
    let text = named.to_string_lossy();
    let want = text.trim();
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b);
    let bundled = library::bundled_entries();
    if let Some(e) = bundled.iter().find(|e| {
        same(&e.name, want)
            || std::path::Path::new(&e.name)
                .file_stem()
                .is_some_and(|s| same(&s.to_string_lossy(), want))
    }) {
        return Some(e.clone());
    }
    let title_of = |e: &library::Entry| {
        library::summarize_entry(&e.source, e.format)
            .ok()
            .and_then(|(s, _)| s.title)
    };
    // A document read before, by the title its notes file remembers: a
    // copy of a bundled essay with notes wins over the bundled one.
    let files = notes_files(data, store);
    let known = files
        .iter()
        .filter(|(_, f)| f.entry_count() > 0)
        .find(|(_, f)| same(&f.title, want));
    if known.is_none()
        && let Some(e) = bundled
            .iter()
            .find(|e| title_of(e).is_some_and(|t| same(&t, want)))
    {
        return Some(e.clone());
    }
    // Else by the title the document has now (its notes file may hold only
    // the file name, saved before the title was known).
    let found = known.map(|(_, f)| f.document.clone()).or_else(|| {
        files.iter().find_map(|(_, f)| {
            let path = PathBuf::from(&f.document);
            let e = path
                .is_file()
                .then(|| library::from_args(&[path]).0.into_iter().next())
                .flatten()?;
            title_of(&e)
                .is_some_and(|t| same(&t, want))
                .then(|| f.document.clone())
        })
    })?;
    if let Some(e) = bundled.iter().find(|e| e.key == found) {
        return Some(e.clone());
    }
    let path = PathBuf::from(&found);
    path.is_file()
        .then(|| library::from_args(&[path]).0.into_iter().next())
        .flatten()
}

/// What the loop waits for.
enum Input {
    Term(Event),
    Msg(Box<Msg>),
}

fn now() -> String {
    jiff::ZonedDateTime::now()
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

pub fn run(args: Options) -> anyhow::Result<i32> {
    let data = DataDir::resolve(
        args.data_dir.clone(),
        std::env::var_os(storage::DATA_DIR_ENV),
    )?;
    let store = Store::new();

    let mut problems: Vec<String> = Vec::new();
    let mut keymap = keymap::Keymap::defaults();
    if let Some(dirs) = directories::ProjectDirs::from("", "", "marginote") {
        let user = dirs.config_dir().join("keymap.toml");
        problems.extend(keymap.merge_file(&user).into_iter().map(|p| p.message));
    }
    if let Some(path) = &args.keymap {
        if path.exists() {
            problems.extend(keymap.merge_file(path).into_iter().map(|p| p.message));
        } else {
            problems.push(format!(
                "{}: keymap file not found; using the default keys",
                path.display()
            ));
        }
    }

    let (entries, scan_problems) = if args.paths.is_empty() {
        (library::bundled_entries(), Vec::new())
    } else {
        library::from_args(&args.paths)
    };
    problems.extend(scan_problems);

    let mut state_read_only = false;
    let state = match store.load_state(&data.state_path()) {
        LoadOutcome::Missing => storage::StateFile::default(),
        LoadOutcome::Loaded(s) => {
            state_read_only = s.is_read_only();
            s
        }
        LoadOutcome::Unreadable { problem } => {
            state_read_only = true;
            problems.push(format!(
                "{problem} — reading positions will not be saved until it is fixed"
            ));
            storage::StateFile::default()
        }
    };

    let mut app = App::new(entries, keymap, state, args.measure);
    app.state_read_only = state_read_only;
    if let Some(first) = problems.first() {
        let more = problems.len() - 1;
        let help = app
            .keymap
            .hint(action::Context::Global, action::Action::Help);
        if more > 0 {
            app.startup_problem(format!("{first} (and {more} more: press {help})"));
        } else {
            app.startup_problem(first);
        }
    }
    app.problems = problems
        .iter()
        .map(|p| sanitize::sanitize_line(p, 300))
        .collect();

    let (tx, rx) = mpsc::channel::<Input>();
    spawn_summaries(&app, &data, tx.clone());
    term::spawn_signal_listener({
        let tx = tx.clone();
        move |sig| tx.send(Input::Msg(Box::new(Msg::Signal(sig)))).is_ok()
    })
    .context("cannot listen for signals")?;

    let mut terminal = term::enter().context("marginote needs an interactive terminal")?;
    let input_tx = tx.clone();
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if input_tx.send(Input::Term(ev)).is_err() {
                break;
            }
        }
    });

    let size = terminal.size().context("cannot read the terminal size")?;
    let mut pending = vec![Msg::Resize(size.width, size.height)];
    let startup = {
        for m in pending.drain(..) {
            app::update(&mut app, m, &now());
        }
        app.startup()
    };
    let mut workers = Workers {
        tx: tx.clone(),
        search_cancel: Arc::new(AtomicBool::new(false)),
        find_cancel: Arc::new(AtomicBool::new(false)),
    };
    let mut effects = std::collections::VecDeque::from(startup);
    let mut held: std::collections::VecDeque<Event> = std::collections::VecDeque::new();
    let code = 'run: loop {
        // Carry out effects (and what their results cause) until none is
        // left, then take every input already waiting before drawing once:
        // a burst of background results costs one frame, not one each.
        let mut waited = false;
        let mut deadline = Instant::now();
        loop {
            while let Some(fx) = effects.pop_front() {
                match perform(fx, &app, &data, &store, &mut terminal, &mut workers) {
                    Performed::Msg(m) => effects.extend(app::update(&mut app, *m, &now())),
                    Performed::Exit(c) => break 'run c,
                    Performed::Nothing => {}
                }
            }
            let input = if waited {
                // Draw at least every frame's worth of time.
                if Instant::now() > deadline {
                    break;
                }
                match rx.try_recv() {
                    Ok(i) => i,
                    Err(_) => break,
                }
            } else {
                terminal
                    .draw(|f| ui::render(f, &app))
                    .context("cannot draw to the terminal")?;
                waited = true;
                let got = rx.recv_timeout(Duration::from_secs(2));
                deadline = Instant::now() + FRAME;
                match got {
                    Ok(i) => i,
                    Err(mpsc::RecvTimeoutError::Timeout) => Input::Msg(Box::new(Msg::Idle)),
                    Err(mpsc::RecvTimeoutError::Disconnected) => break 'run 0,
                }
            };
            // While a big document is still being read, keys wait (in
            // order) so each acts on the whole text: `G` goes to the real end.
            let input = match input {
                Input::Term(ev @ Event::Key(_)) if app.loading() => {
                    held.push_back(ev);
                    continue;
                }
                other => other,
            };
            let msg = match input {
                Input::Msg(m) => Some(*m),
                Input::Term(ev) => translate(&app, &ev),
            };
            if let Some(m) = msg {
                effects.extend(app::update(&mut app, m, &now()));
            }
            while !app.loading()
                && let Some(ev) = held.pop_front()
            {
                if let Some(m) = translate(&app, &ev) {
                    effects.extend(app::update(&mut app, m, &now()));
                }
            }
        }
    };
    drop(terminal);
    term::restore();
    Ok(code)
}

/// Terminal event → message, through the keymap (the only place keys mean
/// anything). In a prompt, keys the prompt does not bind are typed.
fn translate(app: &App, ev: &Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => {
            let contexts = app.contexts();
            if let Some(a) = app.keymap.lookup(&contexts, k) {
                return Some(Msg::Action(a));
            }
            if app.prompt.is_some() {
                return keymap::text_edit(k).map(Msg::Text);
            }
            if app.editor.is_some() {
                return keymap::editor_input(k).map(Msg::EditorInput);
            }
            if contexts.contains(&action::Context::Reader) {
                return keymap::digit(k).map(Msg::Digit);
            }
            None
        }
        Event::Mouse(m) => keymap::mouse(m).map(|(kind, col, row)| Msg::Mouse { kind, col, row }),
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        _ => None,
    }
}

enum Performed {
    Msg(Box<Msg>),
    Exit(i32),
    Nothing,
}

/// Background work the loop hands off, and how to stop it.
struct Workers {
    tx: mpsc::Sender<Input>,
    /// Raised to abandon the running search (a newer one replaces it).
    search_cancel: Arc<AtomicBool>,
    /// The same for the running search across every document.
    find_cancel: Arc<AtomicBool>,
}

impl Workers {
    /// Searches every library document, then every note, on a worker,
    /// sending each document's results as soon as it is done.
    fn find_all(
        &mut self,
        generation: u64,
        query: search::Query,
        targets: Vec<app::FindTarget>,
        data: DataDir,
    ) {
        self.find_cancel.store(true, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        self.find_cancel = Arc::clone(&cancel);
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let send = |m: Msg| tx.send(Input::Msg(Box::new(m))).is_ok();
            let matcher = match search::Matcher::new(&query) {
                Ok(m) => m,
                Err(error) => {
                    send(Msg::FindFailed { generation, error });
                    return;
                }
            };
            for t in &targets {
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(doc) = library::read_source(&t.source)
                    .and_then(|b| document::Document::from_bytes(b, t.format))
                else {
                    continue;
                };
                let Ok(hits) = search::search_document(&doc, &matcher, &cancel, |_| {}) else {
                    return;
                };
                let found: Vec<app::Found> = hits
                    .iter()
                    .take(FIND_PER_DOCUMENT)
                    .map(|h| app::Found {
                        entry: Some(t.entry),
                        document: t.title.clone(),
                        offset: h.start,
                        context: line_around(doc.source(), h.start, h.end),
                        in_note: false,
                    })
                    .collect();
                if !found.is_empty()
                    && !send(Msg::Found {
                        generation,
                        found,
                        done: false,
                    })
                {
                    return;
                }
            }
            let store = Store::new();
            let mut found = Vec::new();
            for (_, f) in notes_files(&data, &store) {
                let target = targets.iter().find(|t| t.key == f.document);
                let document = target.map_or_else(|| f.title.clone(), |t| t.title.clone());
                let mut add = |text: &str, offset: usize| {
                    if matcher.is_match(text.as_bytes()) {
                        found.push(app::Found {
                            entry: target.map(|t| t.entry),
                            document: document.clone(),
                            offset,
                            context: text.chars().take(200).collect(),
                            in_note: true,
                        });
                    }
                };
                for n in &f.notes {
                    add(&n.text, n.anchor.as_ref().map_or(0, |a| a.offset));
                }
                for b in &f.bookmarks {
                    add(&b.label, b.anchor.offset);
                }
                for h in &f.highlights {
                    add(&h.anchor.exact, h.anchor.offset);
                }
            }
            send(Msg::Found {
                generation,
                found,
                done: true,
            });
        });
    }

    /// Searches `doc` on a worker, cancelling the search before it; hits
    /// come back in batches as they are found.
    fn search(&mut self, generation: u64, query: &search::Query, doc: Arc<document::Document>) {
        self.search_cancel.store(true, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        self.search_cancel = Arc::clone(&cancel);
        let tx = self.tx.clone();
        let query = query.clone();
        std::thread::spawn(move || {
            let send = |m: Msg| tx.send(Input::Msg(Box::new(m))).is_ok();
            let matcher = match search::Matcher::new(&query) {
                Ok(m) => m,
                Err(error) => {
                    send(Msg::SearchFailed { generation, error });
                    return;
                }
            };
            let result = search::search_document(&doc, &matcher, &cancel, |batch| {
                send(Msg::SearchHits {
                    generation,
                    hits: batch.to_vec(),
                    done: false,
                });
            });
            if result.is_ok() {
                send(Msg::SearchHits {
                    generation,
                    hits: Vec::new(),
                    done: true,
                });
            }
        });
    }
}

fn perform(
    fx: Effect,
    app: &App,
    data: &DataDir,
    store: &Store,
    terminal: &mut term::Tui,
    workers: &mut Workers,
) -> Performed {
    match fx {
        Effect::Search {
            generation,
            query,
            doc,
        } => {
            workers.search(generation, &query, doc);
            Performed::Nothing
        }
        Effect::CancelSearch => {
            workers.search_cancel.store(true, Ordering::Relaxed);
            workers.find_cancel.store(true, Ordering::Relaxed);
            Performed::Nothing
        }
        Effect::FindAll {
            generation,
            query,
            targets,
        } => {
            workers.find_all(generation, query, targets, data.clone());
            Performed::Nothing
        }
        Effect::Outline(doc) => {
            let tx = workers.tx.clone();
            std::thread::spawn(move || {
                let never = AtomicBool::new(false);
                let headings = outline::outline(&doc, &never).unwrap_or_default();
                let _ = tx.send(Input::Msg(Box::new(Msg::Outline(headings))));
            });
            Performed::Nothing
        }
        Effect::Open(index) => {
            let Some(entry) = app.entries.get(index) else {
                return Performed::Nothing;
            };
            // A big file opens from its first part at once; the whole
            // follows from a worker (keys wait for it, see the loop).
            if let library::Source::File(path) = &entry.source
                && let Some(head) = read_head(path)
            {
                let path = path.clone();
                let format = entry.format;
                let tx = workers.tx.clone();
                std::thread::spawn(move || {
                    let full = document::read_file(&path)
                        .and_then(|b| document::Document::from_bytes(b, format))
                        .map(Box::new);
                    let _ = tx.send(Input::Msg(Box::new(Msg::Completed {
                        index,
                        result: full,
                    })));
                });
                let result = document::Document::from_bytes(head, format).map(Box::new);
                let notes = result
                    .as_ref()
                    .ok()
                    .map(|_| load_doc_notes_only(data, store, entry));
                return Performed::Msg(Box::new(Msg::Opened {
                    index,
                    result,
                    notes,
                    partial: true,
                }));
            }
            let result = library::read_source(&entry.source)
                .and_then(|bytes| document::Document::from_bytes(bytes, entry.format))
                .map(Box::new);
            let notes = result
                .as_ref()
                .ok()
                .map(|doc| load_doc_notes(data, store, entry, doc));
            Performed::Msg(Box::new(Msg::Opened {
                index,
                result,
                notes,
                partial: false,
            }))
        }
        Effect::SaveNotes {
            key,
            path,
            file,
            retire,
        } => {
            let result = store
                .save_notes(&path, &file)
                .map(|saved| (saved.file, saved.moved_aside))
                .map_err(|e| save_elsewhere(store, &path, &file, &e.to_string()));
            if let (Ok(_), Some(old)) = (&result, retire) {
                // Saved under the new name: the old file's notes are all in
                // the new one (they were loaded from it).
                if old != path {
                    let _ = std::fs::remove_file(&old);
                    let mut lock = old.into_os_string();
                    lock.push(".lock");
                    let _ = std::fs::remove_file(lock);
                }
            }
            Performed::Msg(Box::new(Msg::NotesSaved { key, result }))
        }
        Effect::LoadAllNotes => Performed::Msg(Box::new(Msg::AllNotes(load_all_notes(
            data,
            store,
            &app.entries,
        )))),
        Effect::Export { docs, name } => {
            let sheets: Vec<export::Sheet> = docs
                .iter()
                .map(|d| export::Sheet {
                    title: &d.title,
                    document: &d.key,
                    file: &d.file,
                })
                .collect();
            let stamp = now();
            let text = export::markdown(&sheets, &stamp);
            let date = stamp.get(..10).unwrap_or("undated");
            let path = export::sheet_path(&data.exports_dir(), &name, date);
            let result = store
                .write_file(&path, text.as_bytes())
                .map(|()| path)
                .map_err(|e| e.to_string());
            Performed::Msg(Box::new(Msg::Exported(result)))
        }
        Effect::Copy(text) => {
            term::copy_to_clipboard(&text);
            Performed::Nothing
        }
        Effect::SaveState(state) => {
            let result = store
                .save_state(&data.state_path(), &state)
                .map(|_| ())
                .map_err(|e| e.to_string());
            Performed::Msg(Box::new(Msg::StateSaved(result)))
        }
        Effect::Quit(code) => Performed::Exit(code),
        Effect::Suspend => {
            term::suspend(terminal);
            let size = terminal.size().map_or(app.size, |s| (s.width, s.height));
            Performed::Msg(Box::new(Msg::Resize(size.0, size.1)))
        }
        Effect::Redraw => {
            term::full_redraw(terminal);
            Performed::Nothing
        }
    }
}

/// Fills in titles and word counts of folder documents in the background,
/// so the first screen never waits on reading every file.
fn spawn_summaries(app: &App, data: &DataDir, tx: mpsc::Sender<Input>) {
    struct Job {
        index: usize,
        summarize: Option<(Source, document::Format)>,
        notes: PathBuf,
    }
    let jobs: Vec<Job> = app
        .entries
        .iter()
        .enumerate()
        .map(|(index, e)| Job {
            index,
            summarize: (matches!(e.source, Source::File(_)) && e.error.is_none())
                .then(|| (e.source.clone(), e.format)),
            notes: data.notes_path(&e.key, &e.name),
        })
        .collect();
    std::thread::spawn(move || {
        let store = Store::new();
        for job in jobs {
            let index = job.index;
            let bookmarks = match store.load_notes(&job.notes) {
                LoadOutcome::Loaded(n) => n.bookmarks.len(),
                _ => 0,
            };
            let mut msgs = vec![Msg::Bookmarks {
                index,
                count: bookmarks,
            }];
            if let Some((source, format)) = job.summarize {
                let result = library::summarize_entry(&source, format);
                msgs.push(Msg::Summary { index, result });
            }
            for m in msgs {
                if tx.send(Input::Msg(Box::new(m))).is_err() {
                    return;
                }
            }
        }
    });
}

/// Files above this size open from their first [`HEAD_BYTES`] while the
/// rest is read: reading 50 MB takes tens of milliseconds.
const PROGRESSIVE_BYTES: u64 = 8 << 20;
const HEAD_BYTES: usize = 1 << 20;

/// The first part of a big file, cut after a line break; `None` for a
/// small (or unreadable: the normal path reports why) file.
fn read_head(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() <= PROGRESSIVE_BYTES || meta.len() > document::MAX_FILE_SIZE {
        return None;
    }
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    let cut = memchr::memrchr(b'\n', &head)? + 1;
    head.truncate(cut);
    Some(head)
}

/// The notes file alone (no fingerprint search: the text is not all read).
fn load_doc_notes_only(data: &DataDir, store: &Store, entry: &library::Entry) -> NotesLoad {
    let path = data.notes_path(&entry.key, &entry.name);
    let (file, problem) = match store.load_notes(&path) {
        LoadOutcome::Loaded(f) => (Some(f), None),
        LoadOutcome::Unreadable { problem } => (None, Some(problem)),
        LoadOutcome::Missing => (None, None),
    };
    NotesLoad {
        path,
        file,
        problem,
        adopted_from: None,
    }
}

/// Documents above this size are not fingerprinted to find notes left
/// under an old name: hashing them would delay opening.
const ADOPT_MAX_BYTES: usize = 16 << 20;

/// The notes file of a document being opened. When it has none, notes
/// saved for the same text under another name (the document was moved or
/// renamed, and the old path is gone) are adopted.
fn load_doc_notes(
    data: &DataDir,
    store: &Store,
    entry: &library::Entry,
    doc: &document::Document,
) -> NotesLoad {
    let path = data.notes_path(&entry.key, &entry.name);
    let mut load = NotesLoad {
        path,
        file: None,
        problem: None,
        adopted_from: None,
    };
    match store.load_notes(&load.path) {
        LoadOutcome::Loaded(f) => load.file = Some(f),
        LoadOutcome::Unreadable { problem } => load.problem = Some(problem),
        LoadOutcome::Missing if doc.len() <= ADOPT_MAX_BYTES => {
            let fp = anchor::fingerprint(doc);
            for (old_path, mut f) in notes_files(data, store) {
                let gone = !entry.key.starts_with("bundled:")
                    && f.document != entry.key
                    && !std::path::Path::new(&f.document).exists();
                if f.fingerprint == fp && gone {
                    f.document.clone_from(&entry.key);
                    f.title = entry.display_title().to_string();
                    load.file = Some(f);
                    load.adopted_from = Some(old_path);
                    break;
                }
            }
        }
        LoadOutcome::Missing => {}
    }
    load
}

/// Every readable notes file in the data folder.
fn notes_files(data: &DataDir, store: &Store) -> Vec<(PathBuf, storage::NotesFile)> {
    let Ok(dir) = std::fs::read_dir(data.notes_dir()) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| match store.load_notes(&p) {
            LoadOutcome::Loaded(f) => Some((p, f)),
            _ => None,
        })
        .collect()
}

/// The notes of every document, for the all-documents list: library
/// documents by their title, others (moved or deleted) by their old title.
fn load_all_notes(data: &DataDir, store: &Store, entries: &[library::Entry]) -> Vec<OtherNotes> {
    let mut out: Vec<OtherNotes> = notes_files(data, store)
        .into_iter()
        .filter(|(_, f)| f.entry_count() > 0)
        .map(|(_, file)| {
            let entry = entries.iter().position(|e| e.key == file.document);
            let title = entry
                .and_then(|i| entries.get(i))
                .map(|e| e.display_title().to_string())
                .unwrap_or_else(|| {
                    if file.title.is_empty() {
                        file.document.clone()
                    } else {
                        file.title.clone()
                    }
                });
            OtherNotes {
                key: file.document.clone(),
                title,
                entry,
                file,
            }
        })
        .collect();
    // Library order first, then documents no longer in the library.
    out.sort_by_key(|o| (o.entry.is_none(), o.entry, o.title.clone()));
    out
}

/// When notes cannot be saved where they belong (read-only or full disk, a
/// newer marginote's file), a copy goes to the temporary folder so the
/// note survives this session; the message says where.
fn save_elsewhere(
    store: &Store,
    path: &std::path::Path,
    file: &storage::NotesFile,
    error: &str,
) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "notes.toml".into(), |n| n.to_os_string());
    let fallback = std::env::temp_dir().join("marginote-unsaved").join(name);
    match store.save_notes(&fallback, file) {
        Ok(_) => format!(
            "notes saved to {} instead — {error}",
            sanitize::sanitize_tail(&fallback.display().to_string(), 120)
        ),
        Err(_) => format!("{error} — your notes are kept in memory until you quit"),
    }
}

/// Results shown per document in a search across the library.
const FIND_PER_DOCUMENT: usize = 50;

/// The line holding a match, at most ~160 bytes around it (for context).
pub(crate) fn line_around(src: &[u8], start: usize, end: usize) -> String {
    let lo = start.saturating_sub(80);
    let hi = (end + 80).min(src.len());
    let s =
        memchr::memrchr2(b'\n', b'\r', &src[lo..start.min(src.len())]).map_or(lo, |i| lo + i + 1);
    let e = memchr::memchr2(b'\n', b'\r', &src[end.min(hi)..hi]).map_or(hi, |i| end + i);
    let text = String::from_utf8_lossy(&src[s..e.max(s)]);
    let text = text.trim();
    let prefix = if s > lo || lo == 0 { "" } else { "…" };
    let suffix = if e < hi || hi == src.len() { "" } else { "…" };
    format!("{prefix}{text}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_document_finds_its_notes_by_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::resolve(Some(dir.path().join("data")), None).expect("data dir");
        let store = Store::new();
        let old = dir.path().join("week1.txt");
        std::fs::write(&old, "A reading about the Cheka.\nSecond line.\n").expect("write");
        let old_entry = library::file_entry(&old, "week1.txt".into());
        let doc = document::Document::from_bytes(
            std::fs::read(&old).expect("read"),
            document::Format::Text,
        )
        .expect("loads");
        let mut file = storage::NotesFile::new(
            old_entry.key.clone(),
            "A reading",
            anchor::fingerprint(&doc),
        );
        file.bookmarks.push(storage::Bookmark {
            id: "b1".into(),
            label: "kept".into(),
            created: String::new(),
            anchor: crate::study::notes::make_anchor(&doc, 2),
            extra: toml::Table::new(),
        });
        store
            .save_notes(&data.notes_path(&old_entry.key, &old_entry.name), &file)
            .expect("saved");
        // The student renames the file.
        let new = dir.path().join("cheka.txt");
        std::fs::rename(&old, &new).expect("rename");
        let new_entry = library::file_entry(&new, "cheka.txt".into());
        let load = load_doc_notes(&data, &store, &new_entry, &doc);
        let adopted = load.file.expect("notes re-attached");
        assert_eq!(adopted.bookmarks[0].label, "kept");
        assert_eq!(adopted.document, new_entry.key);
        assert!(
            load.adopted_from.is_some(),
            "the old file is retired after the next save"
        );
        // A document with other text does not take them.
        let other =
            document::Document::from_bytes(b"Different text.\n".to_vec(), document::Format::Text)
                .expect("loads");
        let load = load_doc_notes(&data, &store, &new_entry, &other);
        assert!(load.file.is_none());
    }
}
