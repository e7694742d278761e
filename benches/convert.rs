//! Converter benchmarks (issue 13): what opening each converted format
//! costs next to the plain text of the same book.
//!
//!     cargo bench --bench convert
//!     cargo bench --bench convert -- --quick
//!
//! The inputs are made from the engine benchmarks' 3.3 MB book
//! (`benches/support/inputs.rs`), so the bytes of text are the same:
//! `txt` the book as it is (one paragraph per line: the baseline),
//! `wrapped` the book hard-wrapped at 70 columns (re-flowed on open),
//! `html` the book as a web page (`<p>` per paragraph, `<h2>` per chapter,
//! navigation and a footer around it), `html_head` the first part of that
//! page that a big page opens from while the rest is converted,
//! `epub` the page split into chapter files in a ZIP with a nav document,
//! and `pdf` a 200-page PDF of the book's first half (extracted by
//! `pdftotext` when it is on the PATH, else by the crate).
//! Each measures `Document::from_bytes`, the step that differs between
//! formats; reading the file and drawing the first frame are the same.
//! `epub_first` and `pdf_first` measure what the first screen of those
//! waits for: the first chapters or pages (`text::convert::Steps`).
//! Markdown, parsed a section at a time (`text/sections.rs`): `md` the
//! book's paragraphs as Markdown, `md_open_fence` the same after a code
//! fence never closed (a section that must be made longer, to the end),
//! `md_table` a table of 20,000 rows (cut between its rows).
//!
//! `CONVERT_INPUTS_DIR=dir` also writes the inputs as files (one folder
//! each), for timing the app end to end with `shared/bench/ttyperf.py`.

use std::hint::black_box;
use std::io::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use marginote::text::convert::Steps;
use marginote::text::document::{Document, Format, converted};

#[path = "support/inputs.rs"]
mod inputs;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The book's paragraphs, and which lines are chapter headings.
fn lines(book: &str) -> Vec<(bool, &str)> {
    book.lines()
        .filter(|l| !l.is_empty())
        .map(|l| (l.starts_with("Chapter ") && l.len() < 20, l))
        .collect()
}

fn html_book(book: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html><head><title>The Book</title><style>p{}</style></head>\
         <body><nav><a href=\"/\">Home</a></nav><main><h1>The Book</h1>\n",
    );
    for (i, (heading, l)) in lines(book).into_iter().enumerate() {
        if heading {
            out.push_str(&format!("<h2 id=\"c{i}\">{}</h2>\n", escape(l)));
        } else if i % 5 == 0 {
            let (first, rest) = l.split_once(' ').unwrap_or((l, ""));
            out.push_str(&format!(
                "<p><em>{}</em> {}</p>\n",
                escape(first),
                escape(rest)
            ));
        } else {
            out.push_str(&format!("<p>{}</p>\n", escape(l)));
        }
    }
    out.push_str("</main><footer>© the press</footer></body></html>\n");
    out
}

fn wrapped_book(book: &str) -> String {
    let mut out = String::new();
    for (_, l) in lines(book) {
        out.push_str(&textwrap::fill(l, 70));
        out.push_str("\n\n");
    }
    out
}

fn epub_book(book: &str) -> Vec<u8> {
    let mut chapters: Vec<String> = vec![String::new()];
    for (heading, l) in lines(book) {
        if heading {
            chapters.push(String::new());
        }
        let last = chapters.len() - 1;
        let tag = if heading { "h2" } else { "p" };
        chapters[last].push_str(&format!("<{tag}>{}</{tag}>\n", escape(l)));
    }
    let mut manifest = String::new();
    let mut spine = String::new();
    let mut nav = String::new();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (i, c) in chapters.iter().enumerate() {
        manifest.push_str(&format!(
            "<item id=\"c{i}\" href=\"c{i}.xhtml\" media-type=\"application/xhtml+xml\"/>"
        ));
        spine.push_str(&format!("<itemref idref=\"c{i}\"/>"));
        nav.push_str(&format!("<li><a href=\"c{i}.xhtml\">Part {i}</a></li>"));
        w.start_file(format!("OEBPS/c{i}.xhtml"), opts).ok();
        w.write_all(
            format!("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>{c}</body></html>")
                .as_bytes(),
        )
        .ok();
    }
    let files = [
        (
            "META-INF/container.xml".to_string(),
            "<container><rootfiles><rootfile full-path=\"OEBPS/content.opf\"/></rootfiles></container>".to_string(),
        ),
        (
            "OEBPS/content.opf".to_string(),
            format!(
                "<package><metadata><title>The Book</title></metadata><manifest>\
                 <item id=\"nav\" href=\"nav.xhtml\" properties=\"nav\" media-type=\"application/xhtml+xml\"/>\
                 {manifest}</manifest><spine>{spine}</spine></package>"
            ),
        ),
        (
            "OEBPS/nav.xhtml".to_string(),
            format!("<html><body><nav epub:type=\"toc\"><ol>{nav}</ol></nav></body></html>"),
        ),
    ];
    for (name, text) in files {
        w.start_file(name, opts).ok();
        w.write_all(text.as_bytes()).ok();
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// A PDF of `lines` lines, 50 to a page.
fn pdf_book(lines: &[String]) -> Vec<u8> {
    let pages: Vec<Vec<&str>> = lines
        .chunks(50)
        .map(|p| p.iter().map(String::as_str).collect())
        .collect();
    let pages: Vec<&[&str]> = pages.iter().map(Vec::as_slice).collect();
    marginote::text::convert::pdf::sample(&pages)
}

/// A Markdown table of `rows` rows of three cells.
fn md_table(rows: usize) -> String {
    let mut out = String::from("# Orders\n\n| n | order | where |\n|---|---|---|\n");
    for n in 0..rows {
        out.push_str(&format!(
            "| {n} | signed order *{n}* | filed in the archive, box {} |\n",
            n % 97
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let book = String::from_utf8_lossy(&inputs::book()).into_owned();
    let html = html_book(&book);
    let head_len = marginote::text::document::HTML_HEAD_BYTES.min(html.len());
    let head_len = html[..head_len].rfind('\n').map_or(head_len, |i| i + 1);
    let html_head = html[..head_len].to_string();
    let wrapped = wrapped_book(&book);
    let epub = epub_book(&book);
    // 200 pages of 50 lines.
    let pdf_lines: Vec<String> = wrapped.lines().take(10_000).map(str::to_string).collect();
    let pdf = pdf_book(&pdf_lines);
    if let Some(dir) = std::env::var_os("CONVERT_INPUTS_DIR") {
        // The same inputs as files, for timing the app end to end
        // (README, performance).
        let dir = std::path::Path::new(&dir);
        let files: [(&str, &[u8]); 5] = [
            ("book.txt", book.as_bytes()),
            ("book.html", html.as_bytes()),
            ("book-wrapped.txt", wrapped.as_bytes()),
            ("book.epub", &epub),
            ("book.pdf", &pdf),
        ];
        for (name, bytes) in files {
            let _ = std::fs::create_dir_all(dir.join(name.replace('.', "-")));
            if let Err(e) = std::fs::write(dir.join(name.replace('.', "-")).join(name), bytes) {
                eprintln!("cannot write {name}: {e}");
            }
        }
    }
    eprintln!(
        "inputs: txt {} B, wrapped {} B, html {} B (head {} B), epub {} B, pdf {} B",
        book.len(),
        wrapped.len(),
        html.len(),
        html_head.len(),
        epub.len(),
        pdf.len()
    );
    let mut g = c.benchmark_group("convert");
    g.sample_size(10);
    let md = book.replace('\n', "\n\n");
    let open_fence = format!("Before\n\n```\n{md}");
    let cases: [(&str, Vec<u8>, Format); 9] = [
        ("txt", book.clone().into_bytes(), Format::Text),
        ("wrapped", wrapped.into_bytes(), Format::Text),
        ("html", html.into_bytes(), Format::Html),
        ("html_head", html_head.into_bytes(), Format::Html),
        ("epub", epub, Format::Epub),
        ("pdf", pdf, Format::Pdf),
        ("md", md.into_bytes(), Format::Markdown),
        ("md_open_fence", open_fence.into_bytes(), Format::Markdown),
        ("md_table", md_table(20_000).into_bytes(), Format::Markdown),
    ];
    for (name, bytes, format) in &cases {
        g.bench_function(*name, |b| {
            b.iter(|| {
                let doc = Document::from_bytes(bytes.clone(), *format);
                black_box(doc.map(|d| d.len()).unwrap_or(0))
            })
        });
    }
    // What the first screen of a book or PDF waits for now: the first
    // chapters or pages (16 KB of text) converted and parsed; the cases
    // above are what it waited for before (the whole).
    for (name, bytes, format) in &cases {
        if !matches!(format, Format::Epub | Format::Pdf) {
            continue;
        }
        g.bench_function(format!("{name}_first"), |b| {
            b.iter(|| {
                let Some(Ok(mut steps)) = Steps::new(bytes.clone(), *format) else {
                    return 0;
                };
                let _ = steps.advance_to(16 << 10);
                black_box(converted(steps.text().to_string()).len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
