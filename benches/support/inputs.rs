//! The benchmark inputs of issue 6, generated, never committed: a 10 KB
//! Markdown essay, a 3.3 MB book with one paragraph per line, a 50 MB text
//! mixing short and long lines with a few invalid UTF-8 bytes, and a library
//! folder of 10,000 small documents.
//!
//! Shared by `examples/gen_inputs.rs` (for `benches/compare/compare.sh`) and
//! `benches/engine.rs` through `#[path]`, so the criterion benchmarks and
//! the end-to-end comparison measure the very same bytes. Everything comes
//! from one fixed-seed generator of our own: the same build writes the same
//! files on every machine, and no `rand` dependency is needed.
//!
//! The marker strings below are what the benchmarks look for on screen. They
//! are short, stand on lines of their own (or at the start of one) so no
//! pager's wrapping can cut them, and the vocabulary is lowercase so no
//! generated sentence can contain them by chance.

// Each includer uses a different part of this module.
#![allow(dead_code)]

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub const ESSAY: &str = "essay-10k.md";
pub const BOOK: &str = "book-3m.txt";
pub const BIG: &str = "big-50m.txt";
pub const LIBRARY: &str = "library-10k";

/// Starts the essay's first paragraph (after its `#` title).
pub const ESSAY_FIRST: &str = "Reading slowly is a skill";
/// On the essay's last line.
pub const ESSAY_LAST: &str = "EXPLICITESSAY";
/// The book's first sentence, at the start of its first line.
pub const BOOK_FIRST: &str = "It was the first morning of the term.";
/// A unique word on the book's last line.
pub const BOOK_LAST: &str = "EXPLICITBOOK";
/// A unique word about 50 KB before the end of the book (for search).
pub const BOOK_FAR: &str = "ZQXBOOKHIT";
/// The big text's first line.
pub const BIG_FIRST: &str = "This big text opens with a plain line.";
/// A unique word about 200 KB before the end of the big text (for search).
pub const BIG_FAR: &str = "ZQXFARHIT";
/// A unique word on the big text's last line.
pub const BIG_LAST: &str = "EXPLICITBIG";
pub const LIBRARY_DOCS: usize = 10_000;
/// Starts the body of the library's first document (by sorted path).
pub const LIBRARY_FIRST: &str = "Document 00001 begins here.";

const ESSAY_BYTES: usize = 10_000;
const BOOK_BYTES: usize = 3_300_000;
const BIG_BYTES: usize = 50_000_000;
const LIBRARY_FOLDERS: usize = 8;

/// SplitMix64: tiny, fast, and good enough to vary lengths and words.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

/// Lowercase only (see the module comment); [`RARE_WORDS`] adds non-ASCII
/// and wide words so wrapping and width code are exercised as with real
/// prose.
const WORDS: &[&str] = &[
    "the",
    "the",
    "the",
    "of",
    "of",
    "and",
    "and",
    "a",
    "a",
    "to",
    "to",
    "in",
    "in",
    "is",
    "it",
    "that",
    "was",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "this",
    "but",
    "not",
    "or",
    "which",
    "one",
    "all",
    "were",
    "her",
    "his",
    "they",
    "we",
    "their",
    "there",
    "been",
    "had",
    "reading",
    "reader",
    "page",
    "pages",
    "book",
    "chapter",
    "margin",
    "margins",
    "note",
    "notes",
    "passage",
    "sentence",
    "word",
    "words",
    "line",
    "lines",
    "paragraph",
    "essay",
    "argument",
    "author",
    "student",
    "students",
    "teacher",
    "lecture",
    "seminar",
    "library",
    "shelf",
    "evening",
    "morning",
    "winter",
    "summer",
    "river",
    "city",
    "window",
    "lamp",
    "table",
    "letter",
    "letters",
    "history",
    "memory",
    "question",
    "answer",
    "reason",
    "doubt",
    "idea",
    "ideas",
    "slowly",
    "quietly",
    "again",
    "always",
    "never",
    "often",
    "perhaps",
    "almost",
    "between",
    "through",
    "before",
    "after",
    "under",
    "without",
    "within",
    "against",
    "toward",
    "careful",
    "patient",
    "difficult",
    "simple",
    "long",
    "short",
    "old",
    "new",
    "small",
    "great",
    "bright",
    "dark",
    "warm",
    "cold",
    "open",
    "closed",
    "true",
    "strange",
    "familiar",
    "distant",
    "read",
    "write",
    "wrote",
    "think",
    "thought",
    "remember",
    "forget",
    "return",
    "follow",
    "understand",
    "explain",
    "compare",
    "describe",
    "notice",
    "marked",
    "underlined",
    "copied",
    "attention",
    "interpretation",
    "translation",
    "commentary",
    "evidence",
    "tradition",
    "experience",
    "knowledge",
    "language",
    "meaning",
    "silence",
    "practice",
    "habit",
    "method",
];

/// Drawn about once in thirty words.
const RARE_WORDS: &[&str] = &[
    "café",
    "naïve",
    "déjà",
    "façade",
    "über",
    "señor",
    "Ελλάδα",
    "λόγος",
    "漢字",
    "読書",
    "—",
    "résumé",
    "coöperate",
    "Ångström",
];

fn word(rng: &mut Rng) -> &'static str {
    if rng.below(30) == 0 {
        RARE_WORDS[rng.below(RARE_WORDS.len())]
    } else {
        WORDS[rng.below(WORDS.len())]
    }
}

/// One sentence of `min..=max` words, capitalised, ending in a full stop
/// (now and then a question mark).
fn sentence(rng: &mut Rng, out: &mut Vec<u8>, min: usize, max: usize) {
    let n = rng.range(min, max);
    for i in 0..n {
        let mut w = word(rng);
        while i == 0 && w == "—" {
            w = word(rng);
        }
        let bytes = w.as_bytes();
        if i == 0 {
            out.push(bytes[0].to_ascii_uppercase());
            out.extend_from_slice(&bytes[1..]);
        } else {
            out.push(b' ');
            out.extend_from_slice(bytes);
        }
        if i + 1 < n && rng.below(10) == 0 {
            out.push(b',');
        }
    }
    out.push(if rng.below(12) == 0 { b'?' } else { b'.' });
}

/// `min..=max` sentences on one line (no line break added).
fn paragraph(rng: &mut Rng, out: &mut Vec<u8>, min: usize, max: usize) {
    let n = rng.range(min, max);
    for i in 0..n {
        if i > 0 {
            out.push(b' ');
        }
        sentence(rng, out, 6, 18);
    }
}

/// A few words, capitalised like a title.
fn title(rng: &mut Rng, words: usize) -> String {
    let mut t = String::new();
    for i in 0..words {
        let mut w = word(rng);
        while !w.is_ascii() {
            w = word(rng);
        }
        if i > 0 {
            t.push(' ');
        }
        let mut cs = w.chars();
        if let Some(c) = cs.next() {
            t.push(c.to_ascii_uppercase());
            t.push_str(cs.as_str());
        }
    }
    t
}

/// `essay-10k.md`: title, headed sections with paragraphs, a bullet list, a
/// block quote, a table and a numbered list; about 10 KB.
pub fn essay() -> Vec<u8> {
    let mut rng = Rng(0x00E5_5A10);
    let mut out = Vec::with_capacity(ESSAY_BYTES + 1024);
    out.extend_from_slice(b"# On Reading Slowly\n\n");
    out.extend_from_slice(ESSAY_FIRST.as_bytes());
    out.extend_from_slice(b" that nobody teaches on purpose. ");
    paragraph(&mut rng, &mut out, 3, 4);
    out.extend_from_slice(b"\n\n");
    let mut section = 0;
    while out.len() < ESSAY_BYTES - 450 {
        section += 1;
        out.extend_from_slice(format!("## {}\n\n", title(&mut rng, 3)).as_bytes());
        paragraph(&mut rng, &mut out, 3, 5);
        out.extend_from_slice(b"\n\n");
        match section % 4 {
            1 => {
                for _ in 0..5 {
                    out.extend_from_slice(b"- ");
                    sentence(&mut rng, &mut out, 4, 10);
                    out.push(b'\n');
                }
            }
            2 => {
                out.extend_from_slice(b"> ");
                paragraph(&mut rng, &mut out, 2, 3);
                out.extend_from_slice("\n>\n> — ".as_bytes());
                out.extend_from_slice(title(&mut rng, 2).as_bytes());
                out.push(b'\n');
            }
            3 => {
                out.extend_from_slice(b"| Term | Meaning | Example |\n|---|---|---|\n");
                for _ in 0..6 {
                    let row = format!(
                        "| {} | {} | {} |\n",
                        title(&mut rng, 1),
                        title(&mut rng, 4).to_lowercase(),
                        title(&mut rng, 2).to_lowercase()
                    );
                    out.extend_from_slice(row.as_bytes());
                }
            }
            _ => {
                for i in 1..=4 {
                    out.extend_from_slice(format!("{i}. ").as_bytes());
                    sentence(&mut rng, &mut out, 5, 12);
                    out.push(b'\n');
                }
            }
        }
        out.push(b'\n');
        paragraph(&mut rng, &mut out, 2, 4);
        out.extend_from_slice(b"\n\n");
    }
    out.extend_from_slice(b"Thank you for reading this far.\n\n");
    out.extend_from_slice(format!("The end: {ESSAY_LAST}\n").as_bytes());
    out
}

/// `book-3m.txt`: a book saved as plain text, one paragraph per line, with
/// short chapter lines; about 3.3 MB.
pub fn book() -> Vec<u8> {
    let mut rng = Rng(0x0B00_C3E3);
    let mut out = Vec::with_capacity(BOOK_BYTES + 8192);
    out.extend_from_slice(BOOK_FIRST.as_bytes());
    out.push(b' ');
    paragraph(&mut rng, &mut out, 5, 8);
    out.push(b'\n');
    let far_at = BOOK_BYTES - 50_000;
    let mut far_done = false;
    let mut chapter = 1;
    while out.len() < BOOK_BYTES - 1_500 {
        if rng.below(40) == 0 {
            chapter += 1;
            out.extend_from_slice(format!("Chapter {chapter}\n").as_bytes());
        }
        paragraph(&mut rng, &mut out, 2, 14);
        out.push(b'\n');
        if !far_done && out.len() >= far_at {
            far_done = true;
            out.extend_from_slice(b"Near the end a rare word waits: ");
            out.extend_from_slice(BOOK_FAR.as_bytes());
            out.extend_from_slice(b", and the book goes on. ");
            paragraph(&mut rng, &mut out, 2, 3);
            out.push(b'\n');
        }
    }
    out.extend_from_slice(b"So the term ended, and the book with it.\n");
    out.extend_from_slice(format!("The last word: {BOOK_LAST}\n").as_bytes());
    out
}

/// Invalid UTF-8 sequences scattered through the big text: a lone 0xFF, a
/// truncated two-byte sequence, a stray continuation byte, a UTF-16
/// surrogate, an overlong encoding.
const INVALID: &[&[u8]] = &[
    b"\xff",
    b"\xc3(",
    b"\x80",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xf8",
];

/// `big-50m.txt`: 50 MB of runs of short lines (verse, lists, hard-wrapped
/// text), long paragraph lines of up to ~4 KB, a few lines of 64–256 KB
/// with no break at all, and a dozen invalid UTF-8 sequences (the first on
/// the first screen).
pub fn big() -> Vec<u8> {
    let mut rng = Rng(0x0B16_50AB);
    let mut out = Vec::with_capacity(BIG_BYTES + (1 << 20));
    out.extend_from_slice(BIG_FIRST.as_bytes());
    out.extend_from_slice(b"\n\n");
    // The first damaged line, on the first screen: it must show as U+FFFD.
    out.extend_from_slice(
        b"A damaged line: \xff\xfe marks two bad bytes, and the text goes on.\n\n",
    );
    let invalid_every = BIG_BYTES / 12;
    let mut next_invalid = invalid_every;
    let mut invalid_i = 0;
    let mut next_huge = 4_000_000;
    let far_at = BIG_BYTES - 200_000;
    let mut far_done = false;
    while out.len() < BIG_BYTES - 2_000 {
        match rng.below(100) {
            0..=54 => {
                for _ in 0..rng.range(3, 16) {
                    sentence(&mut rng, &mut out, 2, 10);
                    out.push(b'\n');
                }
                out.push(b'\n');
            }
            55..=97 => {
                paragraph(&mut rng, &mut out, 4, 30);
                out.extend_from_slice(b"\n\n");
            }
            _ if out.len() >= next_huge && out.len() < far_at - 300_000 => {
                next_huge += 6_000_000;
                let target = out.len() + rng.range(64 << 10, 256 << 10);
                while out.len() < target {
                    sentence(&mut rng, &mut out, 6, 18);
                    out.push(b' ');
                }
                out.extend_from_slice(b"\n\n");
            }
            _ => {}
        }
        if out.len() >= next_invalid && invalid_i < 11 {
            out.extend_from_slice(b"A damaged line: ");
            out.extend_from_slice(INVALID[invalid_i % INVALID.len()]);
            out.extend_from_slice(b" is a bad byte, and the text goes on.\n\n");
            invalid_i += 1;
            next_invalid += invalid_every;
        }
        if !far_done && out.len() >= far_at {
            far_done = true;
            out.extend_from_slice(b"In the last pages a rare word appears: ");
            out.extend_from_slice(BIG_FAR.as_bytes());
            out.extend_from_slice(b"\n\n");
        }
    }
    out.extend_from_slice(b"The big text ends here.\n");
    out.extend_from_slice(format!("The last word: {BIG_LAST}\n").as_bytes());
    out
}

/// Writes `library-10k/`: 10,000 documents of 0.3–2 KB, half Markdown and
/// half text, in eight folders (`term-N/articles`, `term-N/essays`).
/// Returns (files, bytes).
pub fn library(dir: &Path) -> io::Result<(usize, u64)> {
    let mut rng = Rng(0x0011_B10B);
    let per_folder = LIBRARY_DOCS.div_ceil(LIBRARY_FOLDERS);
    let mut bytes = 0u64;
    let mut folder = PathBuf::new();
    for i in 1..=LIBRARY_DOCS {
        if (i - 1).is_multiple_of(per_folder) {
            let f = (i - 1) / per_folder;
            let kind = if f.is_multiple_of(2) {
                "articles"
            } else {
                "essays"
            };
            folder = dir.join(format!("term-{}", f / 2 + 1)).join(kind);
            fs::create_dir_all(&folder)?;
        }
        let markdown = i.is_multiple_of(2);
        let mut out = Vec::with_capacity(2048);
        let heading = format!("Reading {i:05}: {}", title(&mut rng, 3));
        if markdown {
            out.extend_from_slice(b"# ");
        }
        out.extend_from_slice(heading.as_bytes());
        out.extend_from_slice(format!("\n\nDocument {i:05} begins here. ").as_bytes());
        paragraph(&mut rng, &mut out, 1, 3);
        out.extend_from_slice(b"\n\n");
        for _ in 0..rng.range(0, 3) {
            if markdown && rng.below(3) == 0 {
                for _ in 0..3 {
                    out.extend_from_slice(b"- ");
                    sentence(&mut rng, &mut out, 3, 8);
                    out.push(b'\n');
                }
            } else {
                paragraph(&mut rng, &mut out, 1, 4);
                out.push(b'\n');
            }
            out.push(b'\n');
        }
        let ext = if markdown { "md" } else { "txt" };
        fs::write(folder.join(format!("reading-{i:05}.{ext}")), &out)?;
        bytes += out.len() as u64;
    }
    Ok((LIBRARY_DOCS, bytes))
}

/// Paths of everything [`generate`] writes under `out`.
pub struct Inputs {
    pub essay: PathBuf,
    pub book: PathBuf,
    pub big: PathBuf,
    pub library: PathBuf,
}

impl Inputs {
    pub fn under(out: &Path) -> Inputs {
        Inputs {
            essay: out.join(ESSAY),
            book: out.join(BOOK),
            big: out.join(BIG),
            library: out.join(LIBRARY),
        }
    }
}

/// Writes every input under `out` (created if needed); returns their paths
/// and one line per input saying what was written.
pub fn generate(out: &Path) -> io::Result<(Inputs, Vec<String>)> {
    fs::create_dir_all(out)?;
    let inputs = Inputs::under(out);
    let mut said = Vec::new();
    for (path, bytes, what) in [
        (&inputs.essay, essay(), "Markdown essay"),
        (&inputs.book, book(), "book, one paragraph per line"),
        (
            &inputs.big,
            big(),
            "text, short and long lines, invalid UTF-8",
        ),
    ] {
        fs::write(path, &bytes)?;
        said.push(format!(
            "{}: {} bytes, {} lines ({what})",
            path.display(),
            bytes.len(),
            count_lines(&bytes)
        ));
    }
    if inputs.library.exists() {
        fs::remove_dir_all(&inputs.library)?;
    }
    let (files, bytes) = library(&inputs.library)?;
    said.push(format!(
        "{}/: {files} documents in {LIBRARY_FOLDERS} folders, {bytes} bytes",
        inputs.library.display()
    ));
    Ok((inputs, said))
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
