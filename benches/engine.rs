//! Engine benchmarks (issue 6): what each user-visible step costs inside
//! marginote, measured through the library's public API the way the run
//! loop (`runtime`) drives it, each step ending in a frame drawn into
//! ratatui's `TestBackend` at 120x40.
//!
//!     cargo bench --bench engine              # everything, a few minutes
//!     cargo bench --bench engine -- --quick   # rougher, faster
//!     cargo bench --bench engine -- big/      # one input
//!
//! The inputs are generated into a temporary folder first, by the same code
//! as `examples/gen_inputs.rs` (`benches/support/inputs.rs`), so this works
//! on a fresh clone and measures the bytes `benches/compare/compare.sh` measures.
//!
//! Per input (`essay` 10 KB Markdown, `book` 3.3 MB, `big` 50 MB):
//! `open_first_frame` (file entry, read, check + decode, reader, one
//! frame), `line_down`, `page_down`, `page_up`, `top` and `bottom` (`G`)
//! with a cold wrap cache, `resize` (one width change and its repaint).
//! The `phases/` group splits the open of the two big inputs into reading
//! the file, `Document::from_bytes`, and drawing the first frame, plus the
//! library's background summary (word count) of the file.
//! `library/`: `scan_dir` of 10,000 documents, the first frame (scan, open,
//! draw), a list key, and one background title/word-count message applied
//! and drawn (the run loop batches those that arrive within a frame).
//!
//! Not measured: search (a far hit in the 3.3 MB and 50 MB inputs) waits
//! for the search issue (issue 5); add `search/` here when it lands, with
//! `inputs::BOOK_FAR` and `inputs::BIG_FAR` as the far hits.
//!
//! Timing uses `iter_custom`: the untimed preparation of each sample (going
//! back to the top when line-down reached the end, emptying the wrap cache
//! before `G`) is excluded, and so is dropping a 50 MB document.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, criterion_group, criterion_main};
use marginote::app::{self, App, Effect, Msg, NotesLoad};
use marginote::input::action::Action;
use marginote::input::keymap::Keymap;
use marginote::library::{self, Entry};
use marginote::storage::StateFile;
use marginote::text::document::{self, Document};
use marginote::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "support/inputs.rs"]
mod inputs;

const NOW: &str = "2026-01-01T00:00:00+00:00";
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
/// One column more changes the reader's text width at 120x40 (55 → 56),
/// which empties the wrap cache: used to make `G` and `top` start cold.
const NUDGE_WIDTH: u16 = 121;
/// The other width `resize` goes to and back from.
const OTHER_WIDTH: u16 = 100;

/// An app with a document open and its terminal, as after launch.
struct Session {
    app: App,
    term: Terminal<TestBackend>,
}

fn draw(term: &mut Terminal<TestBackend>, app: &App) {
    term.draw(|f| ui::render(f, app))
        .expect("TestBackend never fails to draw");
}

/// What the runtime does for `Effect::Open`: read, check and decode the
/// bytes, then `Msg::Opened` with the (missing) notes file.
fn perform(app: &mut App, fx: Effect, data: &Path) {
    let Effect::Open(index) = fx else { return };
    let entry = &app.entries[index];
    let result = library::read_source(&entry.source)
        .and_then(|bytes| Document::from_bytes(bytes, entry.format))
        .map(Box::new);
    let notes = result.is_ok().then(|| NotesLoad {
        path: data.join(format!("notes-{index}.toml")),
        file: None,
        problem: None,
        adopted_from: None,
        deferred: None,
    });
    let more = app::update(
        app,
        Msg::Opened {
            index,
            result,
            notes,
            partial: false,
            window: None,
        },
        NOW,
    );
    for fx in more {
        perform(app, fx, data);
    }
}

/// Launch up to the first frame: app state, terminal size, the startup
/// open, one draw.
fn launch(entries: Vec<Entry>, data: &Path) -> Session {
    let mut app = App::new(
        entries,
        Keymap::defaults(),
        StateFile::default(),
        app::DEFAULT_MEASURE,
    );
    app::update(&mut app, Msg::Resize(WIDTH, HEIGHT), NOW);
    for fx in app.startup() {
        perform(&mut app, fx, data);
    }
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("TestBackend");
    draw(&mut term, &app);
    Session { app, term }
}

fn open_file(path: &Path, data: &Path) -> Session {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    launch(vec![library::file_entry(path, name)], data)
}

impl Session {
    fn key(&mut self, a: Action) {
        app::update(&mut self.app, Msg::Action(a), NOW);
        draw(&mut self.term, &self.app);
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.term.backend_mut().resize(w, h);
        app::update(&mut self.app, Msg::Resize(w, h), NOW);
        draw(&mut self.term, &self.app);
    }

    /// Empties the wrap cache (the width changes twice), keeping the view.
    fn cold(&mut self) {
        self.resize(NUDGE_WIDTH, HEIGHT);
        self.resize(WIDTH, HEIGHT);
    }

    fn at_end(&self) -> bool {
        self.app
            .reader
            .as_ref()
            .is_none_or(|r| r.at_end && r.cursor_row() + 1 >= r.visible.len())
    }

    fn at_top(&self) -> bool {
        self.app.reader.as_ref().is_none_or(|r| r.top_offset() == 0)
    }
}

/// Times `action` + one frame per iteration; `prepare` runs untimed first.
fn bench_key(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    s: &mut Session,
    action: Action,
    mut prepare: impl FnMut(&mut Session),
) {
    g.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                prepare(s);
                let t = Instant::now();
                s.key(action);
                total += t.elapsed();
            }
            total
        })
    });
}

fn document_benches(c: &mut Criterion, name: &str, path: &Path, data: &Path) {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sampling_mode(SamplingMode::Flat);

    g.bench_function("open_first_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let s = open_file(path, data);
                total += t.elapsed();
                drop(black_box(s));
            }
            total
        })
    });

    let mut s = open_file(path, data);
    bench_key(&mut g, "line_down", &mut s, Action::Down, |s| {
        if s.at_end() {
            s.key(Action::Top);
        }
    });
    bench_key(&mut g, "page_down", &mut s, Action::PageDown, |s| {
        if s.at_end() {
            s.key(Action::Top);
        }
    });
    bench_key(&mut g, "page_up", &mut s, Action::PageUp, |s| {
        if s.at_top() {
            s.key(Action::Bottom);
        }
    });
    bench_key(&mut g, "top_cold", &mut s, Action::Top, |s| {
        s.key(Action::Bottom);
        s.cold();
    });
    bench_key(&mut g, "bottom_cold", &mut s, Action::Bottom, |s| {
        s.key(Action::Top);
        s.cold();
    });

    // Resize near the end, where finding the passage again costs most if
    // anything depends on the distance from the top.
    s.key(Action::Bottom);
    for _ in 0..3 {
        s.key(Action::PageUp);
    }
    g.bench_function("resize", |b| {
        let mut wide = true;
        b.iter(|| {
            wide = !wide;
            s.resize(if wide { WIDTH } else { OTHER_WIDTH }, HEIGHT);
        })
    });
    g.finish();
}

/// The open of a big input split into its phases.
fn phase_benches(c: &mut Criterion, name: &str, path: &Path, data: &Path) {
    let mut g = c.benchmark_group(format!("phases/{name}"));
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("read_file", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let bytes = document::read_file(path).expect("generated input");
                total += t.elapsed();
                drop(black_box(bytes));
            }
            total
        })
    });
    let bytes = document::read_file(path).expect("generated input");
    let format = document::Format::from_path(path);
    g.bench_function("from_bytes", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let copy = bytes.clone();
                let t = Instant::now();
                let doc = Document::from_bytes(copy, format).expect("valid input");
                total += t.elapsed();
                drop(black_box(doc));
            }
            total
        })
    });
    let s = open_file(path, data);
    g.bench_function("first_frame_draw", |b| {
        b.iter(|| {
            let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("TestBackend");
            draw(&mut term, &s.app);
            term
        })
    });
    let source = library::Source::File(path.to_path_buf());
    g.bench_function("background_summary", |b| {
        b.iter(|| library::summarize_entry(&source, format).expect("readable"))
    });
    g.finish();
}

fn library_benches(c: &mut Criterion, root: &Path, data: &Path) {
    let mut g = c.benchmark_group("library");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sampling_mode(SamplingMode::Flat);

    g.bench_function("scan_dir", |b| b.iter(|| library::scan_dir(root)));

    // As `runner::run` before the first frame: scan, open the first
    // document, draw (notes files and titles are looked up in the
    // background, after).
    g.bench_function("first_frame", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                let (entries, _) = library::scan_dir(root);
                let s = launch(entries, data);
                total += t.elapsed();
                drop(black_box(s));
            }
            total
        })
    });

    let (entries, _) = library::scan_dir(root);
    let mut s = launch(entries, data);
    // The focus starts on the reader; the library is the previous pane.
    s.key(Action::FocusPrev);
    let len = s.app.entries.len();
    bench_key(&mut g, "list_down", &mut s, Action::Down, |s| {
        if s.app.lib_selected + 1 >= len {
            s.key(Action::Top);
        }
    });

    // One of the 10,000 background messages (title and word count of one
    // document): the run loop applies it, then draws.
    let summaries: Vec<_> = s.app.entries[..100]
        .iter()
        .map(|e| library::summarize_entry(&e.source, e.format))
        .collect();
    let mut i = 0;
    g.bench_function("summary_message", |b| {
        b.iter(|| {
            i = (i + 1) % summaries.len();
            let msg = Msg::Summary {
                index: i,
                result: summaries[i].clone(),
            };
            app::update(&mut s.app, msg, NOW);
            draw(&mut s.term, &s.app);
        })
    });
    g.finish();
}

fn engine(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let (paths, said) = inputs::generate(dir.path()).expect("generate the inputs");
    eprintln!(
        "generated the inputs in {:.1} s:",
        started.elapsed().as_secs_f64()
    );
    for line in said {
        eprintln!("  {line}");
    }
    let data: PathBuf = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");

    document_benches(c, "essay", &paths.essay, &data);
    document_benches(c, "book", &paths.book, &data);
    document_benches(c, "big", &paths.big, &data);
    phase_benches(c, "book", &paths.book, &data);
    phase_benches(c, "big", &paths.big, &data);
    library_benches(c, &paths.library, &data);
}

criterion_group!(benches, engine);
criterion_main!(benches);
