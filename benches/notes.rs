//! Loading a big notes file (issue 12): 30,000 notes, about 14 MB of
//! TOML, read by `Store::load_notes` (entry sections parsed one at a
//! time) beside `toml::from_str` of the whole text (what loading did
//! before), in the same run so the ratio holds on a loaded machine.
//! Memory is not measured here: see the README for peak RSS of
//! `marginote export` on a 30 MB file. Run: `cargo bench --bench notes`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::storage::{Anchor, LoadOutcome, Note, NotesFile, Status, Store};

const NOTES: usize = 30_000;

fn big_file() -> NotesFile {
    let mut file = NotesFile::new("/r/a.txt", "A", "");
    for i in 0..NOTES {
        file.notes.push(Note {
            id: format!("n{i:08}"),
            text: format!("note number {i} about this passage with a #tag{} and some words", i % 50),
            tags: vec![format!("tag{}", i % 50)],
            created: "2026-12-04T10:00:00+00:00".into(),
            updated: "2026-12-04T10:00:00+00:00".into(),
            anchor: Some(Anchor {
                offset: i * 97,
                exact: format!("a passage of about a hundred and twenty characters, number {i}, quoted from the text as it was read"),
                prefix: "thirty-two characters before it ".into(),
                suffix: " thirty-two characters after it".into(),
                changed: false,
                status: Status::Exact,
                current: None,
                extra: toml::Table::new(),
            }),
            session: None,
            extra: toml::Table::new(),
        });
    }
    file
}

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("a.toml");
    let text = toml::to_string(&big_file()).expect("encodes");
    std::fs::write(&path, &text).expect("written");
    let store = Store::new();
    let mut g = c.benchmark_group("notes_file_30k");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("load_notes (by sections)", |b| {
        b.iter(|| match store.load_notes(black_box(&path)) {
            LoadOutcome::Loaded(f) => f.notes.len(),
            _ => panic!("loads"),
        })
    });
    g.bench_function("toml::from_str whole (before)", |b| {
        b.iter(|| {
            let text = std::fs::read_to_string(black_box(&path)).expect("read");
            toml::from_str::<NotesFile>(&text)
                .expect("parses")
                .notes
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
