//! The reading list: which documents there are, and what the library pane
//! knows about each (title, length, progress, bookmarks, why it cannot be
//! read).
//!
//! Listing a folder only reads directory entries, so the first screen does
//! not wait on file contents; titles and word counts are filled in by
//! [`summarize_entry`], which the run loop calls off the input thread.

pub mod fuzzy;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::text::document::{self, DocError, Format, Summary, WORDS_PER_MINUTE};

/// The essays bundled in the binary (`essays/`), as (file name, text).
mod bundled {
    include!(concat!(env!("OUT_DIR"), "/essays.rs"));
}

/// Where a document's bytes come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Bundled {
        name: &'static str,
        text: &'static str,
    },
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Storage key: `bundled:<name>` or the canonical path.
    pub key: String,
    pub source: Source,
    /// File name (or path relative to the library folder) for display.
    pub name: String,
    pub format: Format,
    pub title: Option<String>,
    pub words: Option<usize>,
    /// Size of the text in bytes, once known.
    pub size: Option<usize>,
    /// Why the document cannot be opened, once known.
    pub error: Option<DocError>,
    /// Reading position as a percentage, once opened.
    pub progress: Option<u8>,
    pub bookmarks: usize,
}

impl Entry {
    fn new(key: String, source: Source, name: String, format: Format) -> Entry {
        Entry {
            key,
            source,
            name,
            format,
            title: None,
            words: None,
            size: None,
            error: None,
            progress: None,
            bookmarks: 0,
        }
    }

    /// Title shown in the library and the reader's border.
    pub fn display_title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }

    /// "1,234 words · 6 min"
    /// What only the opened text tells: a PDF's words (the library's scan
    /// does not extract them). And what the library's scan would tell,
    /// known at once from the opened text, so the first screen already
    /// shows the open document's title (and a small one's length) rather
    /// than its file name until the scan comes by: the title from the
    /// text's start (a first part has it), the words from a whole text.
    pub fn fill_in_from(&mut self, doc: &document::Document, partial: bool) {
        if matches!(self.format, Format::Markdown | Format::Text)
            && matches!(self.source, Source::File(_))
        {
            if self.title.is_none() {
                self.title = crate::text::summary::title(doc.source(), self.format);
            }
            if self.words.is_none() && !partial && doc.len() <= COUNT_ON_OPEN_BYTES {
                self.words = Some(crate::text::summary::count_words(doc.source()));
            }
        }
        if partial {
            return;
        }
        if self.format == Format::Pdf && self.words.unwrap_or(0) == 0 {
            let mut counter = document::WordCounter::default();
            counter.feed(doc.source());
            // The page headings ("Page 12") are not the author's words.
            let pages = crate::text::convert::pdf::page_count(doc.source());
            self.words = Some(counter.finish().saturating_sub(2 * pages));
        }
    }

    pub fn length_label(&self) -> Option<String> {
        if self.format == Format::Pdf && self.words.unwrap_or(0) == 0 {
            // Its words are only known once its text is extracted.
            let size = self.size?;
            if size < 1024 * 1024 {
                return Some(format!("PDF · {} KB", size.div_ceil(1024).max(1)));
            }
            let mb = size as f64 / (1024.0 * 1024.0);
            return Some(format!("PDF · {mb:.1} MB"));
        }
        let words = self.words?;
        let minutes = words.div_ceil(WORDS_PER_MINUTE).max(1);
        let time = match minutes {
            m if m < 60 => format!("{m} min"),
            m if m % 60 == 0 || m >= 600 => format!("{} h", m.div_ceil(60)),
            m => format!("{} h {} min", m / 60, m % 60),
        };
        // An EPUB's count is estimated from its chapters' sizes.
        let about = if self.format == Format::Epub { "~" } else { "" };
        Some(format!("{about}{} words · {time}", group_thousands(words)))
    }

    pub fn apply_summary(&mut self, info: Result<(Summary, usize), DocError>) {
        match info {
            Ok((summary, size)) => {
                if summary.title.is_some() {
                    self.title = summary.title;
                }
                self.words = Some(summary.words);
                self.size = Some(size);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }
}

pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The bundled reading list, summarised at once (it is small and in memory).
pub fn bundled_entries() -> Vec<Entry> {
    bundled::ESSAYS
        .iter()
        .map(|(name, text)| bundled_entry(name, text))
        .collect()
}

/// An entry for a text compiled into the binary.
pub fn bundled_entry(name: &'static str, text: &'static str) -> Entry {
    let format = Format::from_path(Path::new(name));
    let mut e = Entry::new(
        format!("bundled:{name}"),
        Source::Bundled { name, text },
        name.to_string(),
        format,
    );
    e.apply_summary(Ok((
        document::summarize(text.as_bytes(), format),
        text.len(),
    )));
    e
}

fn is_readable_name(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown" | "txt" | "html" | "htm" | "xhtml" | "epub" | "pdf")
    )
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Lists the documents under `root` (Markdown, text, HTML, EPUB, PDF), recursively,
/// hidden entries skipped, symlinks followed only when they stay inside the
/// folder and do not loop (RELIABILITY I4). Sorted by relative path.
/// Problems (unreadable folders) are returned as messages.
pub fn scan_dir(root: &Path) -> (Vec<Entry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let Ok(canon_root) = fs::canonicalize(root) else {
        problems.push(format!("{}: cannot open folder", root.display()));
        return (entries, problems);
    };
    let mut seen_dirs = HashSet::new();
    seen_dirs.insert(canon_root.clone());
    // Each folder with its canonical path: a plain file's key is that plus
    // its name, which saves a system call per file in a big library.
    let mut stack = vec![(root.to_path_buf(), canon_root.clone())];
    while let Some((dir, canon_dir)) = stack.pop() {
        let read = match fs::read_dir(&dir) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{}: {}", dir.display(), e.kind()));
                continue;
            }
        };
        for item in read.flatten() {
            let name = item.file_name();
            if is_hidden(&name) {
                continue;
            }
            let path = item.path();
            let Ok(ft) = item.file_type() else { continue };
            let (is_dir, target) = if ft.is_symlink() {
                // Follow a link only if it resolves inside the library.
                match fs::canonicalize(&path) {
                    Ok(t) if t.starts_with(&canon_root) => (t.is_dir(), Some(t)),
                    _ => continue,
                }
            } else {
                (ft.is_dir(), None)
            };
            if is_dir {
                let canon = target.or_else(|| fs::canonicalize(&path).ok());
                if let Some(c) = canon
                    && seen_dirs.insert(c.clone())
                {
                    stack.push((path, c));
                }
                continue;
            }
            if !is_readable_name(&path) {
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            let key = target.unwrap_or_else(|| canon_dir.join(&name));
            let format = Format::from_path(&path);
            entries.push(Entry::new(
                key.to_string_lossy().into_owned(),
                Source::File(path),
                rel,
                format,
            ));
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    (entries, problems)
}

/// An entry for one file given on the command line or found in a folder.
pub fn file_entry(path: &Path, name: String) -> Entry {
    let canon = fs::canonicalize(path).unwrap_or_else(|_| absolute(path));
    let key = canon.to_string_lossy().into_owned();
    let format = Format::from_path(path);
    let mut e = Entry::new(key, Source::File(path.to_path_buf()), name, format);
    if let Err(err) = fs::metadata(path) {
        e.error = Some(err.into());
    }
    e
}

fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Entries for the command line's paths: folders are scanned, files taken
/// as they are (even missing ones, so the user sees why).
pub fn from_args(paths: &[PathBuf]) -> (Vec<Entry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if p.is_dir() {
            let (mut e, mut pr) = scan_dir(p);
            entries.append(&mut e);
            problems.append(&mut pr);
        } else {
            let name = p
                .file_name()
                .map_or_else(|| p.to_string_lossy(), |n| n.to_string_lossy())
                .into_owned();
            entries.push(file_entry(p, name));
        }
    }
    let mut seen = HashSet::new();
    entries.retain(|e| seen.insert(e.key.clone()));
    (entries, problems)
}

/// Opens a document: a file through [`document::Document::open`] (a big
/// plain text is mapped, not copied).
pub fn load(source: &Source, format: Format) -> Result<document::Document, DocError> {
    match source {
        Source::Bundled { text, .. } => {
            document::Document::from_bytes(text.as_bytes().to_vec(), format)
        }
        Source::File(p) => document::Document::open(p, format),
    }
}

/// Reads a document's bytes.
pub fn read_source(source: &Source) -> Result<Vec<u8>, DocError> {
    match source {
        Source::Bundled { text, .. } => Ok(text.as_bytes().to_vec()),
        Source::File(p) => document::read_file(p),
    }
}

/// Title, word count and size, or why the document cannot be read; done
/// off the input thread for folders.
///
/// Files are streamed in chunks, so summarising a 50 MB book does not hold
/// it in memory next to the copy the reader has open.
pub fn summarize_entry(source: &Source, format: Format) -> Result<(Summary, usize), DocError> {
    let Source::File(path) = source else {
        let bytes = read_source(source)?;
        return Ok((document::summarize(&bytes, format), bytes.len()));
    };
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        // Let the reader's own checks name the problem.
        document::read_file(path)?;
    }
    let size = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if let Some(summary) = summarize_converted(path, format, size)? {
        return Ok((summary, size));
    }
    let mut file = fs::File::open(path)?;
    let mut head = vec![0u8; HEAD_BYTES];
    let n = read_full(&mut file, &mut head)?;
    head.truncate(n);
    // The same checks as opening, so the library marks what would fail.
    if document::check_head(&head, size)? {
        let bytes = read_source(source)?;
        let doc = document::Document::from_bytes(bytes, format)?;
        return Ok((document::summarize(doc.source(), format), size));
    }
    let binary = |size| DocError::Binary {
        what: "contains NUL bytes",
        size,
    };
    if memchr::memchr(0, &head).is_some() {
        return Err(binary(size));
    }
    let mut summary = document::summarize(&head, format);
    let mut counter = document::WordCounter::default();
    counter.feed(&head);
    let mut buf = vec![0u8; HEAD_BYTES];
    loop {
        let n = read_full(&mut file, &mut buf)?;
        if n == 0 {
            break;
        }
        if memchr::memchr(0, &buf[..n]).is_some() {
            return Err(binary(size));
        }
        counter.feed(&buf[..n]);
    }
    summary.words = counter.finish();
    Ok((summary, size))
}

const HEAD_BYTES: usize = 64 << 10;

/// The open text's words are counted on the loop up to this size (about
/// 0.1 ms); a longer one's count waits for the library's scan.
const COUNT_ON_OPEN_BYTES: usize = 128 << 10;

/// Summaries of the converted formats, reading no more than the plain
/// path would: an EPUB's ZIP directory and package file, a PDF's first
/// KiB (its text is only extracted on open), an HTML page converted
/// (its words are not its tags). `None` for Markdown and text.
fn summarize_converted(
    path: &Path,
    format: Format,
    size: usize,
) -> Result<Option<Summary>, DocError> {
    use crate::text::convert;
    match format {
        Format::Epub => {
            if size as u64 > document::MAX_FILE_SIZE {
                return Err(DocError::TooLarge(size as u64));
            }
            let (title, words) = convert::epub::summarize(path)?;
            Ok(Some(Summary { title, words }))
        }
        Format::Pdf => {
            let mut head = vec![0u8; 1024];
            let n = read_full(&mut fs::File::open(path)?, &mut head)?;
            convert::pdf::check_head(&head[..n])?;
            Ok(Some(Summary {
                title: None,
                words: 0,
            }))
        }
        Format::Html => {
            let (page, _) = document::decode_html(document::read_file(path)?)?;
            let page = convert::html::convert(&page);
            let mut summary = document::summarize(page.markdown.as_bytes(), Format::Markdown);
            if page.title.is_some() {
                summary.title = page.title;
            }
            Ok(Some(summary))
        }
        Format::Markdown | Format::Text => Ok(None),
    }
}

fn read_full(file: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read as _;
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_essays_are_embedded_and_titled() {
        let entries = bundled_entries();
        assert!(entries.len() >= 2, "only {} bundled essays", entries.len());
        for e in &entries {
            assert!(e.title.is_some(), "{} has no title", e.name);
            assert!(e.words.unwrap_or(0) > 50, "{} is too short", e.name);
        }
    }

    #[test]
    fn scan_finds_text_skips_hidden_and_outside_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("lib");
        fs::create_dir_all(root.join("week1")).expect("mkdir");
        fs::create_dir_all(root.join(".hidden")).expect("mkdir");
        fs::write(root.join("a.md"), "# A\n").expect("write");
        fs::write(root.join("week1/b.txt"), "B\n").expect("write");
        fs::write(root.join("week1/c.MARKDOWN"), "C\n").expect("write");
        fs::write(root.join("notes.pdf"), "%PDF").expect("write");
        fs::write(root.join(".hidden/d.md"), "D\n").expect("write");
        fs::write(dir.path().join("outside.md"), "O\n").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("week1/loop")).expect("symlink");
            std::os::unix::fs::symlink(dir.path().join("outside.md"), root.join("out.md"))
                .expect("symlink");
        }
        let (entries, problems) = scan_dir(&root);
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["a.md", "notes.pdf", "week1/b.txt", "week1/c.MARKDOWN"]
        );
        // A PDF that is not one says so from its first bytes.
        let pdf = &entries[1];
        let r = summarize_entry(&pdf.source, pdf.format).map(|_| ());
        assert!(
            r.as_ref()
                .is_err_and(|e| e.to_string().contains("no %PDF header")),
            "{r:?}"
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// The first screen shows the open document's title and length, not
    /// its file name until the library's scan comes by, and they are what
    /// the scan finds (so the scan changes nothing on screen).
    #[test]
    fn an_opened_text_tells_its_title_and_length_as_the_scan_would() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "Some *front* matter\n\n# The **real** title\n\nFour words are here.\n";
        let path = dir.path().join("essay.md");
        fs::write(&path, text).expect("write");
        let scanned = summarize_entry(&Source::File(path.clone()), Format::Markdown)
            .expect("summarized")
            .0;
        let doc = document::Document::from_bytes(text.as_bytes().to_vec(), Format::Markdown)
            .expect("loads");

        let mut e = file_entry(&path, "essay.md".into());
        assert_eq!(e.display_title(), "essay.md");
        e.fill_in_from(&doc, false);
        assert_eq!(e.title.as_deref(), Some("The real title"));
        assert_eq!(e.title, scanned.title);
        assert_eq!(e.words, Some(scanned.words));

        // A first part of a bigger text: its title, but not its words.
        let mut part = file_entry(&path, "essay.md".into());
        part.fill_in_from(&doc, true);
        assert_eq!(part.title.as_deref(), Some("The real title"));
        assert_eq!(part.words, None);

        // What the scan found is kept.
        let mut known = file_entry(&path, "essay.md".into());
        known.title = Some("Scanned".into());
        known.words = Some(7);
        known.fill_in_from(&doc, false);
        assert_eq!(
            (known.title.as_deref(), known.words),
            (Some("Scanned"), Some(7))
        );
    }

    #[test]
    fn unreadable_documents_say_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = dir.path().join("x.txt");
        fs::write(&bin, b"abc\0def").expect("write");
        let e = file_entry(&bin, "x.txt".into());
        let r = summarize_entry(&e.source, e.format);
        assert!(matches!(r, Err(DocError::Binary { .. })), "{r:?}");
        let (entries, _) = from_args(&[dir.path().join("missing.md")]);
        assert_eq!(entries[0].error, Some(DocError::NotFound));
    }

    #[test]
    fn reading_time_reads_naturally() {
        let label = |words| {
            let mut e = bundled_entry("x.txt", "x");
            e.words = Some(words);
            e.length_label().unwrap_or_default()
        };
        assert_eq!(label(460), "460 words · 2 min");
        assert_eq!(label(23_000), "23,000 words · 1 h 40 min");
        assert_eq!(label(11_744_927), "11,744,927 words · 852 h");
    }

    #[test]
    fn a_pdf_shows_its_size_until_opened_then_its_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("r.pdf");
        fs::write(&path, b"%PDF-1.4\n").expect("write");
        let mut e = file_entry(&path, "r.pdf".into());
        let r = summarize_entry(&e.source, e.format);
        e.apply_summary(r);
        assert_eq!(e.length_label().as_deref(), Some("PDF · 1 KB"));
        e.size = Some(3 * 1024 * 1024 + 1);
        assert_eq!(e.length_label().as_deref(), Some("PDF · 3.0 MB"));
        e.size = Some(9);
        let doc = document::Document::from_bytes(
            b"## Page 1\n\nthree words here\n".to_vec(),
            Format::Markdown,
        )
        .expect("loads");
        e.fill_in_from(&doc, false);
        assert_eq!(e.length_label().as_deref(), Some("3 words · 1 min"));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1234567), "1,234,567");
        assert_eq!(group_thousands(999), "999");
    }
}
