//! Small books built in memory → the derived text, the title, the reasons.

use std::io::Write as _;

use super::*;

/// Writes an EPUB with `files` (name, text) into memory.
pub(crate) fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
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

const OPF: &str = r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Short &amp; True Book</dc:title><dc:creator>Ann Author</dc:creator></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="c1" href="text/ch%201.xhtml" media-type="application/xhtml+xml"/><item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"#;

const NAV: &str = r#"<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol><li><a href="text/ch%201.xhtml">Beginnings</a></li><li><a href="text/ch2.xhtml">Endings</a><ol><li><a href="text/ch2.xhtml#late">Late</a></li></ol></li></ol></nav></body></html>"#;

const CH1: &str = r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body><p>The first paragraph, with 2 * 3.</p><p><img src="../img/map.png" alt="A map"/></p></body></html>"#;

const CH2: &str = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Endings</h1><p>Second chapter.</p><div id="late"><p>Later on.</p></div></body></html>"#;

pub(crate) fn sample_book() -> Vec<u8> {
    zip_of(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", OPF),
        ("OEBPS/nav.xhtml", NAV),
        ("OEBPS/text/ch 1.xhtml", CH1),
        ("OEBPS/text/ch2.xhtml", CH2),
    ])
}

#[test]
fn chapters_in_spine_order_with_toc_headings() {
    let book = convert(&sample_book()).expect("converts");
    assert_eq!(
        book.title.as_deref(),
        Some("A Short & True Book — Ann Author")
    );
    assert_eq!(
        book.markdown,
        "# Beginnings\n\nThe first paragraph, with 2 \\* 3.\n\n![A map](<../img/map.png>)\n\n\
         # Endings\n\nSecond chapter.\n\n## Late\n\nLater on.\n"
    );
}

#[test]
fn ncx_is_the_toc_of_epub2_books() {
    let opf = OPF
        .replace(r#"<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>"#,
            r#"<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>"#)
        .replace("<spine>", r#"<spine toc="ncx">"#);
    let ncx = r#"<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint id="a"><navLabel><text>One</text></navLabel><content src="text/ch%201.xhtml"/></navPoint><navPoint id="b"><navLabel><text>Two</text></navLabel><content src="text/ch2.xhtml"/></navPoint></navMap></ncx>"#;
    let bytes = zip_of(&[
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf),
        ("OEBPS/toc.ncx", ncx),
        ("OEBPS/text/ch 1.xhtml", CH1),
        ("OEBPS/text/ch2.xhtml", CH2),
    ]);
    let md = convert(&bytes).expect("converts").markdown;
    assert!(md.starts_with("# One\n\nThe first"), "{md}");
    assert!(md.contains("# Two\n\n# Endings"), "{md}");
}

#[test]
fn broken_and_drm_books_say_why() {
    let err = |bytes: &[u8]| {
        convert(bytes)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        err(b"PK\x03\x04garbage"),
        "broken EPUB: not a readable ZIP archive"
    );
    assert!(err(&zip_of(&[("a.txt", "x")])).contains("no META-INF/container.xml"));
    assert!(
        err(&zip_of(&[("META-INF/container.xml", CONTAINER)]))
            .contains("OEBPS/content.opf is missing")
    );
    let enc = r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OEBPS/text/ch2.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>"#;
    let drm = zip_of(&[
        ("META-INF/container.xml", CONTAINER),
        ("META-INF/encryption.xml", enc),
        ("OEBPS/content.opf", OPF),
    ]);
    assert_eq!(convert(&drm).err(), Some(DocError::Drm));
    assert_eq!(err(&drm), "EPUB is DRM-protected; marginote cannot read it");
    // Font obfuscation alone is not DRM.
    let fonts = enc.replace(
        "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
        FONT_OBFUSCATION[0],
    );
    let ok = zip_of(&[
        ("META-INF/container.xml", CONTAINER),
        ("META-INF/encryption.xml", &fonts),
        ("OEBPS/content.opf", OPF),
        ("OEBPS/nav.xhtml", NAV),
        ("OEBPS/text/ch 1.xhtml", CH1),
        ("OEBPS/text/ch2.xhtml", CH2),
    ]);
    assert!(convert(&ok).is_ok());
}

#[test]
fn summary_reads_only_the_package() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("b.epub");
    std::fs::write(&path, sample_book()).expect("write");
    let (title, words) = summarize(&path).expect("summary");
    assert_eq!(title.as_deref(), Some("A Short & True Book — Ann Author"));
    assert!(words > 0);
}

#[test]
fn self_closing_xhtml_tags_are_expanded() {
    assert_eq!(
        expand_self_closing(r#"<title/><div id="x"/><br/><img src="a"/>"#),
        r#"<title></title><div id="x"></div><br/><img src="a"/>"#
    );
}

#[test]
fn a_book_converted_in_steps_grows_a_prefix_of_the_whole() {
    let whole = convert(&sample_book()).expect("converts").markdown;
    let mut steps = Steps::new(std::io::Cursor::new(sample_book())).expect("opens");
    assert_eq!(steps.text(), "", "nothing converted before the first step");
    steps.advance_to(1).expect("first chapter");
    let first = steps.text().to_string();
    assert!(!steps.done(), "one chapter of two");
    assert!(first.contains("The first paragraph") && !first.contains("Second chapter"));
    assert!(
        whole.starts_with(&first),
        "{first:?} is not a prefix of {whole:?}"
    );
    assert_eq!(steps.finish().expect("rest"), whole);
}

/// A book of `chapters` chapters of `paragraphs` paragraphs each, every
/// paragraph naming its chapter and number; titled "Long".
pub(crate) fn long_book(chapters: usize, paragraphs: usize) -> Vec<u8> {
    let mut manifest = String::new();
    let mut spine = String::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for c in 1..=chapters {
        manifest.push_str(&format!(
            r#"<item id="c{c}" href="c{c}.xhtml" media-type="application/xhtml+xml"/>"#
        ));
        spine.push_str(&format!(r#"<itemref idref="c{c}"/>"#));
        let body: String = (1..=paragraphs)
            .map(|p| format!("<p>Chapter {c} paragraph {p} goes on for a few more words.</p>"))
            .collect();
        files.push((
            format!("OEBPS/c{c}.xhtml"),
            format!(r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter {c}</h1>{body}</body></html>"#),
        ));
    }
    let opf = format!(
        r#"<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Long</dc:title></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>"#
    );
    let mut all: Vec<(&str, &str)> = vec![
        ("META-INF/container.xml", CONTAINER),
        ("OEBPS/content.opf", &opf),
    ];
    all.extend(files.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    zip_of(&all)
}
