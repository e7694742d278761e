//! End-to-end tests of the converted formats (issue 13): a web page, an
//! EPUB, a PDF and a hard-wrapped Gutenberg text, each opened in a pty and
//! checked for its title, first paragraph, outline, a search hit and a
//! note that survives a restart; and a broken file of each format listed
//! with its reason. Fixtures are generated here (a ZIP written with the
//! `zip` crate, a PDF written by hand), so the repository holds none.

mod common;

use std::io::Write as _;

use common::{Sandbox, Tui, has_cursor, key, region, status};
use vt100::Screen;

const WIDE: (u16, u16) = (120, 40);
const READER_COLS: (u16, u16) = (30, 60);
const NOTES_COLS: (u16, u16) = (90, 30);

fn reader_pane(s: &Screen) -> String {
    region(s, READER_COLS.0, READER_COLS.1)
}

fn library_pane(s: &Screen) -> String {
    region(s, 0, READER_COLS.0)
}

fn notes_pane(s: &Screen) -> String {
    region(s, NOTES_COLS.0, NOTES_COLS.1)
}

fn cursor_row(s: &Screen) -> Option<String> {
    reader_pane(s)
        .lines()
        .find(|r| has_cursor(r))
        .map(str::to_string)
}

#[track_caller]
fn wait_open(t: &Tui, title: &str) {
    let want = format!("┬ {title} ─");
    t.wait_until(&format!("{title} open"), |s| {
        reader_pane(s)
            .lines()
            .next()
            .is_some_and(|r| r.contains(&want))
    });
}

#[track_caller]
fn move_cursor_to(t: &mut Tui, word: &str) {
    common::move_cursor_to(t, word, cursor_row);
}

/// What one format must show.
struct Case<'a> {
    file: &'a str,
    bytes: Vec<u8>,
    title: &'a str,
    first_paragraph: &'a str,
    outline: &'a [&'a str],
    /// A word found once, past the first screen.
    search: &'a str,
    /// A word of the passage the note goes on.
    note_on: &'a str,
}

/// Opens the file, checks what it shows, searches, notes a passage, quits;
/// reopens and checks the note is listed and marked on its rows.
fn read_search_note_restart(case: Case) -> Sandbox {
    let s = Sandbox::new();
    s.write_doc(case.file, &case.bytes);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, case.title);
    t.wait_until("the first paragraph in the reader", |s| {
        reader_pane(s).contains(case.first_paragraph)
    });

    t.send("o");
    t.wait_for("Outline");
    for h in case.outline {
        t.wait_for(h);
    }
    t.send(key::ESC);
    t.wait_gone("Outline");

    t.send("/");
    t.wait_until("the search prompt", |s| status(s).starts_with(" Search"));
    t.send(case.search);
    t.wait_until("one hit", |s| status(s).contains("match 1 of 1"));
    t.send(key::ENTER);
    t.wait_until("the hit in the reader", |s| {
        reader_pane(s).contains(case.search)
    });

    // Wait for `g` to land before looking for the passage: the screen read
    // right after sending it may still show the cursor on the match.
    let at_match = t.with_screen(cursor_row);
    t.send("g");
    t.wait_until("the cursor back at the top", |s| cursor_row(s) != at_match);
    move_cursor_to(&mut t, case.note_on);
    t.send("v");
    t.wait_until("the selection hint", |s| status(s).contains("selecting:"));
    t.send("a");
    t.wait_for("Note on “");
    t.send("format note");
    t.wait_for("format note");
    t.send(key::ENTER);
    t.wait_until("“note saved”", |s| status(s).contains("note saved"));
    t.wait_for("Notes · this document (1)");
    t.quit();
    t.assert_terminal_restored();

    let files = s.notes_files();
    assert_eq!(files.len(), 1, "one notes file: {files:?}");
    let notes = common::parse_toml(&files[0]);
    let exact = notes
        .get("notes")
        .and_then(|n| n.as_array())
        .and_then(|a| a.first())
        .and_then(|n| n.get("anchor"))
        .and_then(|a| a.get("exact"))
        .and_then(|e| e.as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        exact.contains(case.note_on),
        "the note should quote the passage with {:?}: {exact:?}",
        case.note_on
    );

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, case.title);
    t.wait_for("Notes · this document (1)");
    t.wait_until("the note listed after a restart", |s| {
        notes_pane(s).contains("✎ format note")
    });
    t.wait_until("✎ on the noted passage after a restart", |s| {
        reader_pane(s)
            .lines()
            .any(|r| r.chars().nth(1) == Some('✎') && r.contains(case.note_on))
    });
    t.quit();
    t.assert_terminal_restored();
    s
}

const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>The Lantern Page</title><script>var x = "<p>script text</p>";</script>
<style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<header><p>Site banner</p></header>
<main><h1>Lantern Essay</h1>
<p>Opening words of the lantern essay, with 2 * 3 &amp; more.</p>
<ul><li>first point</li><li>second point</li></ul>
<h2>Second Part</h2>
<p>A paragraph with a <a href="https://example.org/source">linked source</a>.</p>
{FILLER}
<p>The word zephyr appears once.</p></main>
<footer>© nobody</footer></body></html>"#;

fn filler(n: usize) -> String {
    (1..=n)
        .map(|i| format!("<p>Filler paragraph number {i} with some words to read.</p>\n"))
        .collect()
}

#[test]
fn html_page_reads_like_markdown() {
    read_search_note_restart(Case {
        file: "lantern.html",
        bytes: PAGE.replace("{FILLER}", &filler(40)).into_bytes(),
        title: "The Lantern Page",
        first_paragraph: "Opening words of the lantern essay, with 2 * 3 & more.",
        outline: &["Lantern Essay", "Second Part"],
        search: "zephyr",
        note_on: "Opening",
    });
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, opts).expect("start");
        w.write_all(text.as_bytes()).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

const CONTAINER: &str = r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

fn book() -> Vec<u8> {
    let opf = r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Short Book</dc:title><dc:creator>Ann Author</dc:creator></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/><item id="c2" href="c2.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"#;
    let nav = r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol><li><a href="c1.xhtml">Beginnings</a></li><li><a href="c2.xhtml">Endings</a></li></ol></nav></body></html>"#;
    let c1 = format!(
        r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body><p>The first paragraph of the book.</p><p><img src="map.png" alt="A map of the coast"/></p>{}</body></html>"#,
        filler(30)
    );
    let c2 = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><p>In the last chapter a zephyr blows.</p></body></html>"#;
    zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", opf),
        ("OEBPS/nav.xhtml", nav),
        ("OEBPS/c1.xhtml", &c1),
        ("OEBPS/c2.xhtml", c2),
    ])
}

#[test]
fn epub_book_reads_as_one_document_with_its_toc() {
    read_search_note_restart(Case {
        file: "short.epub",
        bytes: book(),
        title: "A Short Book — Ann Author",
        first_paragraph: "The first paragraph of the book.",
        outline: &["Beginnings", "Endings"],
        search: "zephyr",
        note_on: "first paragraph",
    });
}

#[test]
fn pdf_reads_page_by_page() {
    let mut page1: Vec<String> = vec!["Course reader on the Cheka.".into(), String::new()];
    page1.extend((1..=30).map(|i| format!("Line {i} of the first page.")));
    let page1: Vec<&str> = page1.iter().map(String::as_str).collect();
    let s = read_search_note_restart(Case {
        file: "reader.pdf",
        bytes: marginote::text::convert::pdf::sample(&[&page1, &["The second page has a zephyr."]]),
        title: "reader.pdf",
        first_paragraph: "Course reader on the Cheka.",
        outline: &["Page 1", "Page 2"],
        search: "zephyr",
        note_on: "Course reader",
    });
    // The study sheet says which page each entry is on.
    let pdf = s.docs.join("reader.pdf");
    let out = s.cli(&["export", &pdf.to_string_lossy()]);
    let sheet = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        sheet.contains("## Note · p. 1"),
        "the sheet gives the page:\n{sheet}"
    );
}

fn gutenberg() -> String {
    let para = "It was the best of times, it was the worst of times, it was the age of \
        wisdom, it was the age of foolishness, it was the epoch of belief, it was the \
        epoch of incredulity, it was the season of Light, it was the season of Darkness.";
    let mut body = String::from("CHAPTER I\n\n");
    for i in 0..12 {
        if i == 6 {
            body.push_str("CHAPTER II\n\n");
        }
        body.push_str(&textwrap::fill(para, 70));
        body.push_str("\n\n");
    }
    body.push_str("The last line holds a zephyr.\n\n");
    format!(
        "The Project Gutenberg eBook of A Tale\n\nTitle: A Tale\n\nAuthor: C. Dickens\n\n\
         *** START OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\n{body}\
         *** END OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\nLicence text.\n"
    )
}

#[test]
fn hard_wrapped_gutenberg_text_is_reflowed() {
    read_search_note_restart(Case {
        file: "tale.txt",
        bytes: gutenberg().into_bytes(),
        title: "A Tale — C. Dickens",
        first_paragraph: "[Project Gutenberg header: 7 lines folded]",
        outline: &["CHAPTER I", "CHAPTER II"],
        search: "zephyr",
        note_on: "best of times",
    });
}

#[test]
fn broken_files_of_each_format_say_why_in_the_library() {
    let s = Sandbox::new();
    s.write_doc("a-good.md", "# A Good Essay\n\nSome words.\n");
    s.write_doc("b-broken.epub", b"PK\x03\x04 this is not a zip");
    let enc = r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/></enc:EncryptedData></encryption>"#;
    s.write_doc(
        "c-drm.epub",
        zip_of(&[
            ("META-INF/container.xml", CONTAINER),
            ("META-INF/encryption.xml", enc),
        ]),
    );
    s.write_doc("d-broken.pdf", b"<html>saved as .pdf by mistake</html>");
    s.write_doc("e-broken.html", b"<p>a page with a \0 NUL</p>");
    s.write_doc(
        "f-scanned.pdf",
        marginote::text::convert::pdf::sample(&[&[], &[]]),
    );
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_for("Library (6)");
    t.wait_until("a reason for each broken file", |s| {
        let l = library_pane(s);
        l.matches('⚠').count() == 4
            && l.contains("broken EPUB: not a")
            && l.contains("EPUB is DRM-protec")
            && l.contains("broken PDF: no %PDF")
            && l.contains("binary file (conta")
    });
    // A scanned PDF is only known once its text is looked for.
    t.send(key::SHIFT_TAB);
    t.send("G");
    t.send(key::ENTER);
    t.wait_until("the no-text reason in the status line", |s| {
        status(s).contains("f-scanned.pdf: cannot open: no text layer")
    });
    t.wait_until("and in the library", |s| {
        library_pane(s).matches('⚠').count() == 5
    });
    t.quit();
    t.assert_terminal_restored();
}

#[test]
fn find_everywhere_covers_every_format() {
    let s = Sandbox::new();
    s.write_doc("a.html", PAGE.replace("{FILLER}", ""));
    s.write_doc("b.epub", book());
    s.write_doc(
        "c.pdf",
        marginote::text::convert::pdf::sample(&[&["A zephyr in a PDF."]]),
    );
    s.write_doc("d.txt", gutenberg());
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_for("Library (4)");
    t.send("F");
    t.wait_for("Find in every document");
    t.send("zephyr");
    t.wait_until("a hit in each of the four documents", |s| {
        common::screen_text(s).contains("4 matches in 4 documents")
    });
    t.send(key::ESC);
    t.wait_gone("4 matches in 4 documents");
    t.quit();
    t.assert_terminal_restored();
}

/// A page above the size that opens from its first part: the first screen
/// comes from the head, the end arrives with the whole conversion.
#[test]
fn a_big_web_page_opens_at_once_and_its_end_follows() {
    let s = Sandbox::new();
    let page = PAGE
        .replace("{FILLER}", &filler(6_000))
        .replace("The word zephyr appears once.", "The very last paragraph.");
    assert!(
        page.len() > 300_000,
        "the page should be big: {}",
        page.len()
    );
    s.write_doc("big.html", page);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Lantern Page");
    t.wait_until("the first paragraph", |s| {
        reader_pane(s).contains("Opening words of the lantern essay")
    });
    t.send("G");
    t.wait_until("the last paragraph after G", |s| {
        reader_pane(s).contains("The very last paragraph.")
    });
    t.quit();
    t.assert_terminal_restored();
}

/// A Markdown file above the size that opens from its first part (a long
/// table in it): the first screen comes from the head, and the end, a
/// search to it and a reference link defined only at the end arrive with
/// the whole.
#[test]
fn a_big_markdown_file_opens_at_once_and_its_end_follows() {
    let s = Sandbox::new();
    let mut md = String::from(
        "# The Long Ledger\n\nOpening words of the ledger, before its [table][t].\n\n| Year | Entry |\n|---|---|\n",
    );
    for n in 0..12_000 {
        md.push_str(&format!(
            "| {} | a ledger entry with some words, number {n} |\n",
            1000 + n
        ));
    }
    md.push_str(
        "\nThe very last paragraph mentions a zephyr.\n\n[t]: https://example.org/ledger\n",
    );
    assert!(md.len() > 400_000, "the file should be big: {}", md.len());
    s.write_doc("ledger.md", md);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "The Long Ledger");
    t.wait_until("the first paragraph, its link resolved", |s| {
        reader_pane(s).contains("Opening words of the ledger, before its table.")
    });
    t.send("G");
    t.wait_until("the last paragraph after G", |s| {
        reader_pane(s).contains("The very last paragraph mentions a zephyr.")
    });
    t.send("g");
    t.send("g");
    t.send("/");
    t.send("zephyr");
    t.send(key::ENTER);
    t.wait_until("the search found the end", |s| {
        common::screen_text(s).contains("match 1 of 1")
            && reader_pane(s).contains("mentions a zephyr")
    });
    t.quit();
    t.assert_terminal_restored();
}

/// Entities decode to control characters inside the parser: the title and
/// the text must still reach the terminal as visible placeholders (T1).
#[test]
fn t1_entities_in_a_web_page_are_shown_not_obeyed() {
    let s = Sandbox::new();
    s.write_doc(
        "evil.html",
        "<html><head><title>Evil &#27;]0;PWNED&#7; page</title></head><body>\
         <h1>Head &#27;[2J</h1><p>Body &#27;]52;c;SGVsbG8=&#7; and &#155;31m text.</p></body></html>",
    );
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("the body with its escapes as placeholders", |s| {
        reader_pane(s).contains("Body ␛]52;c;SGVsbG8=␇")
    });
    t.wait_until("the title with placeholders in the library", |s| {
        library_pane(s).contains("Evil ␛]0;PWNED␇")
    });
    t.quit();
    t.assert_terminal_restored();
    common::assert_t1_clean(&t);
}

/// A long EPUB: many chapters of filler between an opening and a closing
/// sentence.
fn long_book(chapters: usize) -> Vec<u8> {
    let opf_items: String = (1..=chapters)
        .map(|c| {
            format!(r#"<item id="c{c}" href="c{c}.xhtml" media-type="application/xhtml+xml"/>"#)
        })
        .collect();
    let spine: String = (1..=chapters)
        .map(|c| format!(r#"<itemref idref="c{c}"/>"#))
        .collect();
    let opf = format!(
        r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Long Book</dc:title><dc:creator>Ann Author</dc:creator></metadata><manifest>{opf_items}</manifest><spine>{spine}</spine></package>"#
    );
    let chapter = |c: usize| {
        let first = if c == 1 {
            "<p>The opening words of a long book, noted while the rest converts.</p>"
        } else {
            ""
        };
        let last = if c == chapters {
            "<p>The closing sentence of the long book.</p>"
        } else {
            ""
        };
        format!(
            r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter {c}</h1>{first}{}{last}</body></html>"#,
            filler(60)
        )
    };
    let chapters: Vec<(String, String)> = (1..=chapters)
        .map(|c| (format!("OEBPS/c{c}.xhtml"), chapter(c)))
        .collect();
    let mut files: Vec<(&str, &str)> = vec![
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf),
    ];
    files.extend(chapters.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    zip_of(&files)
}

/// A long PDF: pages of filler lines between an opening and a closing
/// sentence.
fn long_pdf(pages: usize) -> Vec<u8> {
    let text: Vec<Vec<String>> = (1..=pages)
        .map(|p| {
            let mut lines = Vec::new();
            if p == 1 {
                lines.push(
                    "The opening words of a long reader, noted while the rest converts.".into(),
                );
                lines.push(String::new());
            }
            lines.extend((1..=40).map(|i| format!("Line {i} of page {p} of the long reader.")));
            if p == pages {
                lines.push(String::new());
                lines.push("Finis zephyr.".into());
            }
            lines
        })
        .collect();
    let text: Vec<Vec<&str>> = text
        .iter()
        .map(|p| p.iter().map(String::as_str).collect())
        .collect();
    let pages: Vec<&[&str]> = text.iter().map(Vec::as_slice).collect();
    marginote::text::convert::pdf::sample(&pages)
}

/// A long EPUB or PDF opens from its first part while the rest converts.
/// A note made at once (its keys wait for the whole text, as with a big
/// plain-text file) lands on the words it was made on, `G` goes to the
/// real end, and a restart finds the note on those words and the place
/// at the end (the first part then reaches the saved place).
fn note_while_converting_survives_a_restart(
    file: &str,
    bytes: Vec<u8>,
    title: &str,
    closing: &str,
) {
    let s = Sandbox::new();
    s.write_doc(file, &bytes);
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, title);
    t.wait_until("the opening words", |s| {
        reader_pane(s).contains("The opening words of a long")
    });
    move_cursor_to(&mut t, "opening words");
    t.send("v");
    t.send("a");
    t.send("made while converting");
    t.send(key::ENTER);
    t.wait_until("“note saved”", |s| status(s).contains("note saved"));
    t.send("G");
    t.wait_until("the closing sentence after G", |s| {
        reader_pane(s).contains(closing)
    });
    t.quit();
    t.assert_terminal_restored();
    let log = std::fs::read_to_string(s.data.join("marginote.log")).unwrap_or_default();
    assert!(
        log.lines()
            .any(|l| l.contains("opened") && l.contains("partial=true")),
        "the first part was shown before the whole was converted:\n{log}"
    );

    let files = s.notes_files();
    assert_eq!(files.len(), 1, "one notes file: {files:?}");
    let notes = common::parse_toml(&files[0]);
    let anchor = notes
        .get("notes")
        .and_then(|n| n.as_array())
        .and_then(|a| a.first())
        .and_then(|n| n.get("anchor"))
        .cloned()
        .unwrap_or(toml::Value::Boolean(false));
    let exact = anchor
        .get("exact")
        .and_then(|e| e.as_str())
        .unwrap_or_default();
    assert!(
        exact.starts_with("The opening words of a long"),
        "the note quotes the sentence it was made on: {anchor:?}"
    );

    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, title);
    t.wait_until("the saved place at the end, at once", |s| {
        reader_pane(s).contains(closing)
    });
    t.wait_until("the note listed", |s| {
        notes_pane(s).contains("✎ made while converting")
    });
    t.send("g");
    t.wait_until("✎ on the opening words after a restart", |s| {
        reader_pane(s)
            .lines()
            .any(|r| r.chars().nth(1) == Some('✎') && r.contains("opening words"))
    });
    t.quit();
    t.assert_terminal_restored();
}

#[test]
fn a_note_made_while_a_long_book_converts_survives_a_restart() {
    note_while_converting_survives_a_restart(
        "long.epub",
        long_book(60),
        "Long Book — Ann Author",
        "The closing sentence of the long book.",
    );
}

#[test]
fn a_note_made_while_a_long_pdf_converts_survives_a_restart() {
    note_while_converting_survives_a_restart("long.pdf", long_pdf(120), "long.pdf", "Finis");
}

/// A saved web page in windows-1252, declared or not, shows its curly
/// quotes and accents, in the reader and in the library's title.
#[test]
fn a_windows_1252_web_page_shows_its_quotes_and_accents() {
    let s = Sandbox::new();
    let page = |meta: &str| {
        let mut b = format!("<html><head>{meta}<title>Caf\u{e9} notes</title></head><body><p>")
            .into_bytes();
        // The title's é as windows-1252, then the body: “Café” – naïve.
        let at = b.windows(2).position(|w| w == "é".as_bytes()).expect("é");
        b.splice(at..at + 2, [0xE9]);
        b.extend_from_slice(b"\x93Caf\xe9\x94 \x96 na\xefve reading.</p></body></html>");
        b
    };
    s.write_doc("declared.html", page("<meta charset=\"windows-1252\">"));
    s.write_doc("undeclared.htm", page(""));
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    t.wait_until("both titles decoded in the library", |s| {
        let rows = library_pane(s);
        let titled = rows
            .lines()
            .filter(|r| r.starts_with(['▶', '○']) && r.contains("Café notes"));
        titled.count() == 2
    });
    t.wait_until("the text decoded in the reader", |s| {
        reader_pane(s).contains("“Café” – naïve reading.")
    });
    assert!(
        !t.screen().contains('�'),
        "no replacement character:\n{}",
        t.framed()
    );
    t.send(key::SHIFT_TAB);
    t.send("j");
    t.send(key::ENTER);
    t.wait_until("the undeclared page says how it was read", |s| {
        status(s).contains("read as windows-1252")
    });
    t.wait_until("and shows the same text", |s| {
        reader_pane(s).contains("“Café” – naïve reading.")
    });
    t.quit();
    t.assert_terminal_restored();
}

/// Keys typed right after choosing a book in the library, before its
/// first part is converted, act on that book, never on the document still
/// on screen.
#[test]
fn a_note_typed_before_a_book_appears_goes_to_that_book() {
    let s = Sandbox::new();
    s.write_doc("a-essay.md", "# An Essay\n\nThe essay's only paragraph.\n");
    s.write_doc("b-long.epub", long_book(60));
    let mut t = s.spawn(WIDE.0, WIDE.1, &[&s.docs]);
    wait_open(&t, "An Essay");
    // Keys are taken in order: the book is chosen, then the note typed.
    t.send(key::SHIFT_TAB);
    t.send("j");
    t.send(key::ENTER);
    t.send("v");
    t.send("a");
    t.send("typed before it appeared");
    t.send(key::ENTER);
    t.wait_until("“note saved”", |s| status(s).contains("note saved"));
    wait_open(&t, "Long Book — Ann Author");
    t.quit();
    t.assert_terminal_restored();
    let files = s.notes_files();
    assert_eq!(files.len(), 1, "one notes file: {files:?}");
    let notes = common::parse_toml(&files[0]);
    assert!(
        notes
            .get("document")
            .and_then(|d| d.as_str())
            .is_some_and(|d| d.ends_with("b-long.epub")),
        "the note belongs to the book: {notes:?}"
    );
}
