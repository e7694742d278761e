//! What launch, a key and a search cost before any text is drawn (issue 12):
//! the fixed costs `benches/engine.rs` folds into its end-to-end figures.
//!
//!     cargo bench --bench launch
//!     cargo bench --bench launch -- search_setup/   # one group
//!
//! `launch_phases/`: the built-in keymap parsed, a state file with twenty
//! positions and a notes file with 200 entries loaded (what a reopen reads
//! before its first frame), and `open_head` of a 24 MB text at its start
//! and at a saved position 4 MB in (the part a reopened big file shows
//! while the rest is read).
//! `keys/`: a key through the keymap (every key pays it), and the app's
//! answer to a line down without drawing (the draw is in `engine`).
//! `search_setup/`: compiling a plain and a regex query, the accent tables
//! a first query builds (timed once, printed), and a whole search of a
//! 12 KB document as the loop runs it (matcher, scan, hit messages): the
//! fixed cost a tiny document pays.
//!
//! Everything is written into a temporary folder.

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::app::{self, App, Msg};
use marginote::input::action::{Action, Context};
use marginote::input::keymap::Keymap;
use marginote::library;
use marginote::runtime::jobs;
use marginote::search::{self, Matcher, Query};
use marginote::storage::{self, DataDir, NotesFile, Position, StateFile, Store};
use marginote::study::notes::make_anchor;
use marginote::text::document::{Document, Format};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NOW: &str = "2026-01-01T00:00:00+00:00";

/// Lines of plain words, `bytes` long (a line break every ~70 bytes).
fn text(bytes: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "reading", "slowly", "is", "a", "skill", "the", "margin", "note", "of", "term", "question",
        "answer", "essay", "lecture",
    ];
    let mut out = Vec::with_capacity(bytes + 80);
    let mut i = 0usize;
    while out.len() < bytes {
        out.extend_from_slice(WORDS[(i * 7 + i / 13) % WORDS.len()].as_bytes());
        i += 1;
        out.push(if i.is_multiple_of(11) { b'\n' } else { b' ' });
    }
    out.extend_from_slice(b"\nZQXTINYHIT at the end.\n");
    out
}

fn launch_phases(c: &mut Criterion, dir: &Path) {
    let mut g = c.benchmark_group("launch_phases");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    g.bench_function("keymap_defaults", |b| {
        b.iter(|| black_box(Keymap::defaults()))
    });

    let store = Store::new();
    let data = DataDir::resolve(Some(dir.join("data")), None).expect("data dir");
    let doc = Document::from_bytes(text(200_000), Format::Text).expect("loads");
    let mut state = StateFile::default();
    for i in 0..20 {
        state.positions.insert(
            format!("/library/doc-{i}.txt"),
            Position {
                anchor: make_anchor(&doc, i * 9_000),
                updated: NOW.to_string(),
                fingerprint: String::new(),
                extra: toml::Table::new(),
            },
        );
    }
    store
        .save_state(&data.state_path(), &state)
        .expect("state saved");
    g.bench_function("state_load_20_positions", |b| {
        b.iter(|| black_box(store.load_state(&data.state_path())))
    });

    let notes_path = dir.join("notes.toml");
    let mut notes = NotesFile::new("/library/doc-0.txt", "A reading", "");
    for i in 0..200 {
        notes.bookmarks.push(storage::Bookmark {
            session: None,
            id: format!("b{i}"),
            label: format!("bookmark {i}"),
            created: NOW.to_string(),
            anchor: make_anchor(&doc, i * 900),
            extra: toml::Table::new(),
        });
    }
    store.save_notes(&notes_path, &notes).expect("notes saved");
    g.bench_function("notes_load_200_entries", |b| {
        b.iter(|| black_box(store.load_notes(&notes_path)))
    });

    let big = dir.join("big.txt");
    let big_text = text(24 << 20);
    std::fs::write(&big, &big_text).expect("big text written");
    let big_doc = Document::from_bytes(big_text, Format::Text).expect("big text");
    let entry = library::file_entry(&big, "big.txt".into());
    // At 4 MiB the first part reaches the position; at 16 MiB a window
    // around it is read.
    for (name, at) in [
        ("open_head_24mb_top", None),
        ("open_head_24mb_at_4mb", Some(4 << 20)),
        ("open_head_24mb_at_16mb", Some(16 << 20)),
    ] {
        let saved = at.map(|at| make_anchor(&big_doc, at));
        g.bench_function(name, |b| {
            b.iter(|| black_box(jobs::open_head(0, &entry, &data, &store, saved.as_ref())))
        });
    }
    g.finish();
}

fn keys(c: &mut Criterion, dir: &Path) {
    let mut g = c.benchmark_group("keys");
    g.sample_size(30);
    let path = dir.join("essay.txt");
    std::fs::write(&path, text(12_000)).expect("essay written");
    let entries = vec![library::file_entry(&path, "essay.txt".into())];
    let mut app = App::new(
        entries,
        Keymap::defaults(),
        StateFile::default(),
        app::DEFAULT_MEASURE,
    );
    app::update(&mut app, Msg::Resize(120, 40), NOW);
    let store = Store::new();
    let data = DataDir::resolve(Some(dir.join("data")), None).expect("data dir");
    for fx in app.startup() {
        if let app::Effect::Open(i) = fx {
            let entry = app.entries[i].clone();
            let msg = jobs::open(i, &entry, &data, &store);
            app::update(&mut app, msg, NOW);
        }
    }
    let down = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    g.bench_function("keymap_lookup", |b| {
        b.iter(|| {
            black_box(
                app.keymap
                    .lookup(&[Context::Reader, Context::Global], &down),
            )
        })
    });
    g.bench_function("update_line_down", |b| {
        b.iter(|| {
            if app.reader.as_ref().is_some_and(|r| r.at_end) {
                app::update(&mut app, Msg::Action(Action::Top), NOW);
            }
            black_box(app::update(&mut app, Msg::Action(Action::Down), NOW))
        })
    });
    g.finish();
}

fn search_setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("search_setup");
    g.sample_size(30);
    g.bench_function("matcher_plain", |b| {
        b.iter(|| black_box(Matcher::new(&Query::plain("zqxtinyhit"))))
    });
    // What a plain query cost before its full pattern was compiled lazily:
    // a match test on accented text compiles it.
    g.bench_function("matcher_plain_with_full_pattern", |b| {
        b.iter(|| {
            let m = Matcher::new(&Query::plain("zqxtinyhit")).expect("compiles");
            black_box(m.is_match("zqxtínyhit".as_bytes()))
        })
    });
    g.bench_function("matcher_regex", |b| {
        b.iter(|| black_box(Matcher::new(&Query::regex(r"ZQX\w+"))))
    });
    let doc = Document::from_bytes(text(12_000), Format::Text).expect("loads");
    let cancel = AtomicBool::new(false);
    let q = Query::plain("ZQXTINYHIT");
    // A new query each time (the cache cannot help): what typing a new
    // word and pressing enter costs on a tiny document.
    g.bench_function("search_12kb_new_query", |b| {
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            let m = Matcher::new(&Query::plain(&format!("zqxtinyhit {n}"))).expect("compiles");
            let hits = search::search_document(&doc, &m, &cancel, |_| {}).expect("runs");
            black_box(hits.len())
        })
    });
    g.bench_function("search_12kb_far_hit", |b| {
        b.iter(|| {
            let mut hits = 0;
            jobs::search(1, &q, &doc, &cancel, |m| {
                if let Msg::SearchHits { hits: h, .. } = m {
                    hits += h.len();
                }
                true
            });
            black_box(hits)
        })
    });
    g.finish();
}

fn all(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    launch_phases(c, dir.path());
    keys(c, dir.path());
    search_setup(c);
}

criterion_group!(benches, all);
criterion_main!(benches);
