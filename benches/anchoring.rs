//! Placing notes in a text (issue 12): what opening a document costs per
//! note whose words moved, changed a little, or are gone, in the 13 KB
//! essay and in a generated 3.3 MB text. Placement runs on a worker since
//! the first frame stopped waiting for it; this measures the worker's work.
//!
//!     cargo bench --bench anchoring
//!     MARGINOTE_BENCH_LOST=5845 cargo bench --bench anchoring -- none
//!
//! The second form times, once, what issue 12 found freezing the app for
//! 75–82 s before its first frame: that many notes whose quotes (120-char
//! slices of the essay with every third character changed) are nowhere in
//! it, placed on the worker, then applied on the loop.
//!
//! Each sample places `NOTES` anchors (throughput is per note). Anchors
//! are made on the text as written, then placed in an edited copy: a line
//! inserted before them (moved), one word changed inside the quote
//! (changed), every fourth character of the quote changed (lost).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marginote::storage::{Anchor, Note, NotesFile, Status};
use marginote::study::anchor::{self, Placement};
use marginote::study::notes::DocNotes;
use marginote::text::document::{Document, Format};

const ESSAY: &str = include_str!("../essays/02-red-terror-and-the-cheka.txt");
const NOTES: usize = 10;
const QUOTE_BYTES: usize = 120;

fn doc(text: &str) -> Document {
    Document::from_bytes(text.as_bytes().to_vec(), Format::Text).expect("plain text loads")
}

/// A 3.3 MB text: paragraphs of the essay's words in an order made up
/// (the same each run), so that no stretch of it reads like another.
fn book() -> String {
    let words: Vec<&str> = ESSAY.split_whitespace().collect();
    let mut x: u64 = 3;
    let mut out = String::with_capacity(3_400_000);
    while out.len() < 3_300_000 {
        for sentence in 0..5 {
            for w in 0..14 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if w > 0 || sentence > 0 {
                    out.push(' ');
                }
                out.push_str(words[(x >> 33) as usize % words.len()]);
            }
            out.push('.');
        }
        out.push_str("\n\n");
    }
    out
}

/// `NOTES` quotes spread over the text, on char boundaries, within one
/// paragraph (no line breaks inside).
fn quotes(text: &str) -> Vec<(usize, usize)> {
    let step = text.len() / (NOTES + 1);
    (1..=NOTES)
        .map(|i| {
            let mut at = i * step;
            while !text.is_char_boundary(at) {
                at += 1;
            }
            let mut end = (at + QUOTE_BYTES).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (at, end)
        })
        .collect()
}

/// The text with each quoted span edited by `edit`.
fn edited(text: &str, spans: &[(usize, usize)], edit: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut last = 0;
    for &(a, b) in spans {
        out.push_str(&text[last..a]);
        out.push_str(&edit(&text[a..b]));
        last = b;
    }
    out.push_str(&text[last..]);
    out
}

fn one_word_changed(s: &str) -> String {
    match s.find(' ') {
        Some(i) => format!("{}X{}", &s[..i + 1], &s[i + 2..]),
        None => s.to_string(),
    }
}

fn garbled(s: &str) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| if i % 4 == 1 { '#' } else { c })
        .collect()
}

fn case(c: &mut Criterion, name: &str, text: &str) {
    let original = doc(text);
    let spans = quotes(text);
    let anchors: Vec<(String, Anchor)> = spans
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| (format!("n{i}"), anchor::anchor_range(&original, a, b)))
        .collect();
    let moved = doc(&format!("A line added at the top.\n\n{text}"));
    let changed = doc(&edited(text, &spans, one_word_changed));
    let lost = doc(&edited(text, &spans, garbled));
    let mut g = c.benchmark_group(format!("anchoring/{name}"));
    g.throughput(Throughput::Elements(NOTES as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    for (kind, d, want) in [
        ("moved", &moved, "Moved"),
        ("changed", &changed, "Changed"),
        ("lost", &lost, "NotFound"),
    ] {
        // What is measured is what was meant: every anchor ends as named.
        let all = anchor::place_all(d, anchors.clone());
        for p in &all {
            let got = match p.placement {
                Placement::Exact => "Exact",
                Placement::Moved { .. } => "Moved",
                Placement::Changed { .. } => "Changed",
                Placement::NotFound => "NotFound",
            };
            assert_eq!(got, want, "{name}/{kind}: {p:?}");
        }
        g.bench_function(kind, |b| {
            b.iter(|| black_box(anchor::place_all(d, black_box(anchors.clone()))))
        });
    }
    g.finish();
}

/// The once-timed case of the module docs: `n` unplaceable notes.
fn lost_notes_once(n: usize) {
    let d = std::sync::Arc::new(doc(ESSAY));
    let starts: Vec<usize> = ESSAY.char_indices().map(|(i, _)| i).collect();
    let mut file = NotesFile::new("essay", "Essay", "");
    let mut x: u64 = 12;
    for k in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let i = (x >> 33) as usize % (starts.len() - 130);
        let (at, end) = (starts[i], starts[i + 120]);
        let exact: String = ESSAY[at..end]
            .chars()
            .enumerate()
            .map(|(j, c)| if j % 3 == 0 { 'q' } else { c })
            .collect();
        let around = anchor::anchor_range(&d, at, end);
        file.notes.push(Note {
            id: format!("n{k:06}"),
            text: "a note".into(),
            tags: Vec::new(),
            created: String::new(),
            updated: String::new(),
            anchor: Some(Anchor {
                exact,
                status: Status::Exact,
                ..around
            }),
            session: None,
            extra: toml::Table::new(),
        });
    }
    let mut notes = DocNotes::new("essay".into(), "/dev/null".into(), file);
    let t = std::time::Instant::now();
    let anchors = notes.start_placing(std::sync::Arc::clone(&d));
    let taken = t.elapsed();
    let t = std::time::Instant::now();
    let placed = anchor::place_all(&d, anchors);
    let worker = t.elapsed();
    let t = std::time::Instant::now();
    notes.apply_placements(std::sync::Arc::clone(&d), placed);
    let applied = t.elapsed();
    eprintln!(
        "{n} notes, {} lost: on the loop {taken:?} to hand them over and {applied:?} to apply; on the worker {worker:?} to place",
        notes.not_found().len()
    );
}

fn anchoring(c: &mut Criterion) {
    if let Some(n) = std::env::var("MARGINOTE_BENCH_LOST")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        lost_notes_once(n);
    }
    case(c, "essay-13k", ESSAY);
    case(c, "book-3m", &book());
}

criterion_group!(benches, anchoring);
criterion_main!(benches);
