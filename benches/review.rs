//! Opening the review (issue 14): with 10,000 cards and a log of 100,000
//! answers, the first card must be known within 50 ms.
//!
//!     cargo bench --bench review
//!
//! `open/first_card` is the engine's part of opening the review: parse the
//! log's text, make the cards of 100 documents' notes files, replay every
//! answer with FSRS, pick the first due card (the text is generated in
//! memory). `open/from_disk` is all the worker does on `R` before the first
//! card shows (`jobs::prepare_review`): read and parse the 100 notes files
//! and the 11 MB log from a data folder, build the deck and order every
//! due card. The `steps/` group splits the opening into its parts.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::storage::{Anchor, Highlight, Note, NotesFile};
use marginote::study::review::{self, Deck, Review, log, schedule};

const DOCUMENTS: usize = 100;
const CARDS_PER_DOCUMENT: usize = 100;
const REVIEWS: usize = 100_000;

fn anchor(offset: usize) -> Anchor {
    Anchor {
        offset,
        exact: "founded in December 1917".into(),
        prefix: "after the war ended. The Cheka was ".into(),
        suffix: " by Dzerzhinsky, in Petrograd. Later".into(),
        changed: false,
        status: marginote::storage::Status::Exact,
        current: None,
        extra: toml::Table::new(),
    }
}

/// 100 documents of 50 notes and 50 highlights each.
fn files() -> Vec<NotesFile> {
    (0..DOCUMENTS)
        .map(|d| {
            let mut f = NotesFile::new(format!("/lectures/{d}.md"), format!("Lecture {d}"), "");
            for i in 0..CARDS_PER_DOCUMENT / 2 {
                f.notes.push(Note {
                    session: None,
                    id: format!("n20261204-{d}-{i}"),
                    text: format!("Why did the decree of 5 September matter? #exam{i}"),
                    tags: vec![format!("exam{i}")],
                    created: "2026-11-25T10:00:00+01:00".into(),
                    updated: String::new(),
                    anchor: Some(anchor(i * 400)),
                    extra: toml::Table::new(),
                });
                f.highlights.push(Highlight {
                    session: None,
                    id: format!("h20261204-{d}-{i}"),
                    created: "2026-11-25T10:00:00+01:00".into(),
                    anchor: anchor(i * 400 + 200),
                    extra: toml::Table::new(),
                });
            }
            f
        })
        .collect()
}

/// 100,000 answers over a year, ten per card on average, as `append`
/// writes them.
fn log_text(files: &[NotesFile]) -> String {
    let ids: Vec<&str> = files
        .iter()
        .flat_map(|f| {
            f.notes
                .iter()
                .map(|n| n.id.as_str())
                .chain(f.highlights.iter().map(|h| h.id.as_str()))
        })
        .collect();
    let start = schedule::unix_seconds("2025-12-01T08:00:00Z").unwrap_or(0);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::from("schema_version = 1\n");
    for n in 0..REVIEWS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let card = ids[(seed as usize) % ids.len()];
        let at = start + (n as i64) * 315;
        let mut review = Review::new(card, schedule::rfc3339(at), (seed % 4 + 1) as u8);
        review.id = format!("r{:x}-4242-{n}", at as u64 * 1_000_000_000);
        text.push('\n');
        text.push_str(&review.to_toml());
    }
    text
}

fn bench(c: &mut Criterion) {
    let files = files();
    let text = log_text(&files);
    let now = schedule::unix_seconds("2026-12-04T09:00:00Z").unwrap_or(0);
    let parsed = log::parse("review-log.toml", &text).map(|l| l.log);
    let Ok(parsed) = parsed else {
        eprintln!("the generated log did not parse");
        return;
    };
    assert_eq!(parsed.reviews.len(), REVIEWS);
    eprintln!(
        "review bench: {} cards, {} reviews, {:.1} MB of log",
        DOCUMENTS * CARDS_PER_DOCUMENT,
        parsed.reviews.len(),
        text.len() as f64 / 1e6
    );

    let mut group = c.benchmark_group("open");
    group.sample_size(20);
    // The screen keeps the deck while it is open: freeing it is not part
    // of showing the first card, so it is dropped outside the timing.
    group.bench_function("first_card", |b| {
        b.iter_with_large_drop(|| {
            let loaded = log::parse("review-log.toml", black_box(&text)).map(|l| l.log);
            let log = loaded.unwrap_or_default();
            let deck = Deck::new(&files, &log);
            let first = deck.first_due(now).map(|card| card.id.len());
            (black_box(first), deck, log)
        });
    });
    // The same on disk, through the worker's own function. In /dev/shm
    // where there is one: the page cache holds a recently written log the
    // same way, and this measures parsing, not the disk.
    let shm = std::path::Path::new("/dev/shm");
    let tmp = if shm.is_dir() {
        tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir())
    } else {
        tempfile::tempdir()
    };
    let Ok(tmp) = tmp else {
        eprintln!("no temporary folder");
        return;
    };
    let Ok(data) = marginote::storage::DataDir::resolve(Some(tmp.path().join("data")), None) else {
        eprintln!("no data folder");
        return;
    };
    let store = marginote::storage::Store::new();
    for (i, f) in files.iter().enumerate() {
        let path = data.notes_path(&f.document, &format!("lecture-{i}"));
        if let Err(e) = store.save_notes(&path, f) {
            eprintln!("cannot write the notes: {e}");
            return;
        }
    }
    if let Err(e) = std::fs::write(log::log_path(&data), &text) {
        eprintln!("cannot write the log: {e}");
        return;
    }
    let prepared = marginote::runtime::jobs::prepare_review(&data, &store, now);
    let due = prepared.as_ref().map_or(0, |p| p.due.len());
    let cards = prepared.as_ref().map_or(0, |p| p.deck.cards.len());
    assert_eq!(
        cards,
        DOCUMENTS * CARDS_PER_DOCUMENT,
        "every card read back"
    );
    eprintln!("review bench: from disk, {cards} cards, {due} due");
    group.bench_function("from_disk", |b| {
        b.iter_with_large_drop(|| {
            marginote::runtime::jobs::prepare_review(&data, &store, black_box(now))
        });
    });
    group.finish();

    // The two halves `from_disk` runs side by side.
    let mut group = c.benchmark_group("disk");
    group.sample_size(20);
    group.bench_function("notes_files_to_cards", |b| {
        b.iter_with_large_drop(|| {
            marginote::runtime::jobs::notes_files(&data, &store)
                .iter()
                .flat_map(|(_, f)| review::cards_of(f))
                .collect::<Vec<_>>()
        });
    });
    group.bench_function("log_to_schedule", |b| {
        b.iter_with_large_drop(|| {
            log::load(&log::log_path(&data))
                .map(|l| review::Schedule::replay(&l.log.reviews))
                .map(|s| s.len())
        });
    });
    group.finish();

    let mut group = c.benchmark_group("steps");
    group.sample_size(20);
    group.bench_function("parse_log", |b| {
        b.iter_with_large_drop(|| log::parse("review-log.toml", black_box(&text)).map(|l| l.log));
    });
    group.bench_function("make_cards", |b| {
        b.iter(|| {
            black_box(
                files
                    .iter()
                    .map(|f| review::cards_of(f).len())
                    .sum::<usize>(),
            )
        });
    });
    group.bench_function("replay", |b| {
        b.iter(|| black_box(review::Schedule::replay(black_box(&parsed.reviews)).len()));
    });
    let deck = Deck::new(&files, &parsed);
    group.bench_function("due_counts", |b| {
        b.iter(|| black_box(deck.due_counts(black_box(now)).1));
    });
    group.bench_function("due_order", |b| {
        b.iter(|| black_box(deck.due_order(black_box(now)).len()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
