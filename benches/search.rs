//! Search speed on a generated 50 MB text (issue 6: a whole-file search
//! with a hit near the end in ≤ 50 ms).
//!
//! The text is built in memory, deterministically: runs of short lines,
//! long paragraph lines, about one word in thirty non-ASCII (accented
//! Latin, Greek, CJK, dashes), a few invalid UTF-8 bytes, and one unique
//! word 200 KB before the end. Queries cover the fast path (ASCII, accent
//! folding: with and without a rare letter, a phrase), an accented query
//! and a regex, plus an 8 MB Markdown file searched block by block; the
//! outline guess runs over the same text; the fuzzy library filter over
//! 10,000 titles. Run: `cargo bench --bench search`.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::library::fuzzy;
use marginote::search::{Matcher, Query, search_document};
use marginote::text::document::{Document, Format};
use marginote::text::outline::outline;

const SIZE: usize = 50_000_000;
const FAR: &str = "ZQXFARHIT";

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "was",
    "party",
    "state",
    "power",
    "revolution",
    "peasants",
    "workers",
    "war",
    "government",
    "committee",
    "reading",
    "slowly",
    "history",
    "decree",
    "land",
    "bread",
    "peace",
    "council",
    "army",
    "city",
    "year",
    "which",
    "their",
    "seminar",
    "question",
    "answer",
    "moscow",
    "petrograd",
    "front",
    "winter",
    "letter",
];
const RARE: &[&str] = &[
    "über",
    "Ελλάδα",
    "λόγος",
    "漢字",
    "読書",
    "—",
    "Ångström",
    "don’t",
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

fn sentence(rng: &mut Rng, out: &mut Vec<u8>, words: usize) {
    for i in 0..words {
        let w = if rng.below(30) == 0 {
            RARE[rng.below(RARE.len())]
        } else {
            WORDS[rng.below(WORDS.len())]
        };
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(w.as_bytes());
    }
    out.push(b'.');
}

fn big_text() -> Vec<u8> {
    let mut rng = Rng(0x5EA2C4);
    let mut out = Vec::with_capacity(SIZE + 10_000);
    out.extend_from_slice(b"A big text\n\nA damaged line: \xff\xfe and on.\n\n");
    let mut far_done = false;
    while out.len() < SIZE {
        if rng.below(2) == 0 {
            for _ in 0..3 + rng.below(12) {
                let n = 2 + rng.below(9);
                sentence(&mut rng, &mut out, n);
                out.push(b'\n');
            }
        } else {
            for _ in 0..4 + rng.below(26) {
                let n = 6 + rng.below(13);
                sentence(&mut rng, &mut out, n);
                out.push(b' ');
            }
            out.push(b'\n');
        }
        out.push(b'\n');
        if out.len() % 4_000_000 < 2_000 {
            out.extend_from_slice(b"A bad byte \xc3 here.\n\n");
        }
        if !far_done && out.len() > SIZE - 200_000 {
            far_done = true;
            out.extend_from_slice(format!("A rare word appears: {FAR}\n\n").as_bytes());
        }
    }
    out
}

/// Just under the size above which Markdown is shown as plain text:
/// headings, paragraphs with emphasis, lists, the far word near the end.
fn markdown() -> Vec<u8> {
    let mut rng = Rng(0x3D);
    let mut out = Vec::with_capacity(8 << 20);
    let mut n = 0;
    while out.len() < (8 << 20) - 10_000 {
        n += 1;
        if n % 20 == 1 {
            out.extend_from_slice(format!("## Section {n}\n\n").as_bytes());
        }
        for _ in 0..3 + rng.below(6) {
            let k = 4 + rng.below(10);
            if rng.below(4) == 0 {
                out.extend_from_slice(b"*");
                sentence(&mut rng, &mut out, k);
                out.extend_from_slice(b"* ");
            } else {
                sentence(&mut rng, &mut out, k);
                out.push(if rng.below(3) == 0 { b'\n' } else { b' ' });
            }
        }
        out.extend_from_slice(if n % 7 == 0 {
            b"\n\n- a list item\n- another\n\n"
        } else {
            b"\n\n"
        });
    }
    out.extend_from_slice(b"The far word: **ZQX**FARHIT.\n");
    out
}

fn bench(c: &mut Criterion) {
    // The first query also builds the accent tables (once per process).
    let t = std::time::Instant::now();
    let first = Matcher::new(&Query::plain("seaside"));
    eprintln!(
        "first Matcher::new, building the accent tables: {:?} ({})",
        t.elapsed(),
        first.is_ok()
    );
    let doc = Document::from_bytes(big_text(), Format::Text).expect("the text loads");
    let mut group = c.benchmark_group("search_50mb");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let queries = [
        ("far_hit_exact_case", Query::plain(FAR)),
        ("far_hit_any_case", Query::plain("zqxfarhit")),
        (
            "absent_word_all_letters_accentable",
            Query::plain("seaside"),
        ),
        ("common_phrase", Query::plain("revolution party")),
        ("accented_query", Query::plain("über")),
        ("regex", Query::regex(r"ZQX\w+")),
        // Regex literals fold accents too, and this one leaves the regex
        // crate no literal to skip with: the cost of a full scan.
        ("regex_full_scan", Query::regex("seas[i]de")),
    ];
    for (name, q) in queries {
        let m = Matcher::new(&q).expect("query compiles");
        let cancel = AtomicBool::new(false);
        group.bench_function(name, |b| {
            b.iter(|| {
                let hits = search_document(&doc, &m, &cancel, |_| {}).expect("not cancelled");
                black_box(hits.len())
            })
        });
    }
    let md = Document::from_bytes(markdown(), Format::Markdown).expect("the Markdown loads");
    let m = Matcher::new(&Query::plain("zqxfarhit")).expect("query compiles");
    let cancel = AtomicBool::new(false);
    group.bench_function("markdown_8mb_far_hit", |b| {
        b.iter(|| {
            let hits = search_document(&md, &m, &cancel, |_| {}).expect("not cancelled");
            assert_eq!(hits.len(), 1);
            black_box(hits.len())
        })
    });
    group.bench_function("outline", |b| {
        b.iter(|| black_box(outline(&doc, &cancel).expect("not cancelled").len()))
    });
    group.finish();
}

/// Filtering a library of 10,000 documents, per keystroke.
fn bench_fuzzy(c: &mut Criterion) {
    let mut rng = Rng(7);
    let items: Vec<(String, String)> = (0..10_000)
        .map(|i| {
            let title: Vec<&str> = (0..3 + rng.below(6))
                .map(|_| WORDS[rng.below(WORDS.len())])
                .collect();
            (
                title.join(" "),
                format!("term-{}/essays/doc-{i:05}.md", i % 8),
            )
        })
        .collect();
    c.bench_function("fuzzy_filter_10k", |b| {
        b.iter(|| black_box(fuzzy::filter(&items, "rev part").len()))
    });
}

criterion_group!(benches, bench, bench_fuzzy);
criterion_main!(benches);
