//! EPUB books → one derived Markdown document.
//!
//! An EPUB is a ZIP: `META-INF/container.xml` names the package file
//! (OPF), whose metadata gives title and author, whose manifest and spine
//! give the chapters in reading order, and whose table of contents (the
//! EPUB 3 `nav` document, else the EPUB 2 NCX) gives the chapter labels.
//! Chapters go through the HTML converter and are joined with a heading
//! per TOC entry, so the outline is the book's table of contents. The
//! library only reads the ZIP directory and the OPF ([`summarize`]), never
//! the chapters. DRM (`META-INF/encryption.xml` naming a cipher other than
//! font obfuscation) is refused with a reason.

use std::collections::HashMap;
use std::io::{Read, Seek};
use std::path::Path;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, RcDom};

use super::dom::{attr, descendants, element_name, is, text_content};
use super::html::{self, IdHeadings};
use crate::text::document::DocError;

/// No single entry is inflated beyond this (a ZIP bomb stops here).
const MAX_ENTRY_BYTES: u64 = 256 << 20;
/// Nor the chapters together (many entries that each inflate hugely).
const MAX_BOOK_BYTES: usize = 512 << 20;
/// Font obfuscation is not DRM: these algorithms only scramble fonts.
const FONT_OBFUSCATION: [&str; 2] = [
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
];
/// Rough bytes of XHTML per word, for the library's reading time before
/// the book is opened.
const BYTES_PER_WORD: u64 = 8;

/// A converted book.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub markdown: String,
    /// "Title — Author" (or either alone).
    pub title: Option<String>,
}

fn broken(why: impl Into<String>) -> DocError {
    DocError::Broken {
        format: "EPUB",
        why: why.into(),
    }
}

struct Item {
    path: String,
    media: String,
    properties: String,
}

struct Package {
    title: Option<String>,
    author: Option<String>,
    items: HashMap<String, Item>,
    spine: Vec<String>,
    ncx: Option<String>,
}

impl Package {
    fn display_title(&self) -> Option<String> {
        match (&self.title, &self.author) {
            (Some(t), Some(a)) => Some(format!("{t} — {a}")),
            (Some(t), None) => Some(t.clone()),
            (None, a) => a.clone(),
        }
    }
}

fn read_entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let file = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_ENTRY_BYTES).read_to_end(&mut bytes).ok()?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Some(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn parse_xml(text: &str) -> RcDom {
    xml5ever::driver::parse_document(RcDom::default(), Default::default()).one(text)
}

/// An element's name, lower-cased (XML keeps the case it was written in).
fn local(node: &Handle) -> Option<String> {
    element_name(node).map(str::to_ascii_lowercase)
}

fn text_of(node: &Handle) -> String {
    super::collapse_whitespace(&text_content(node))
}

/// `href` (percent-encoded, relative to `dir`) as a ZIP entry name.
fn resolve(dir: &str, href: &str) -> String {
    let href = percent_decode(href.split('#').next().unwrap_or(""));
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in href.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn dir_of(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string())
}

/// Refuses DRM, then reads the container and the package file.
fn open_package<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Package, DocError> {
    if let Some(enc) = read_entry(zip, "META-INF/encryption.xml") {
        let dom = parse_xml(&enc);
        let drm = descendants(&dom.document).any(|n| {
            is(&n, "encryptionmethod")
                && attr(&n, "Algorithm").is_some_and(|a| !FONT_OBFUSCATION.contains(&a.as_str()))
        });
        if drm {
            return Err(DocError::Drm);
        }
    }
    let container = read_entry(zip, "META-INF/container.xml")
        .ok_or_else(|| broken("no META-INF/container.xml; is it an EPUB?"))?;
    let dom = parse_xml(&container);
    // The package's rootfile by its media type (a container may list
    // others first), else the first one.
    let rootfiles: Vec<Handle> = descendants(&dom.document)
        .filter(|n| is(n, "rootfile"))
        .collect();
    let opf_path = rootfiles
        .iter()
        .find(|n| attr(n, "media-type").as_deref() == Some("application/oebps-package+xml"))
        .or(rootfiles.first())
        .and_then(|n| attr(n, "full-path"))
        .ok_or_else(|| broken("container.xml names no package file"))?;
    let opf = read_entry(zip, &opf_path)
        .ok_or_else(|| broken(format!("its package file {opf_path} is missing")))?;
    let dir = dir_of(&opf_path);
    let dom = parse_xml(&opf);
    let mut pkg = Package {
        title: None,
        author: None,
        items: HashMap::new(),
        spine: Vec::new(),
        ncx: None,
    };
    // EPUB 3 may list several titles and mark the main one by a `meta`
    // refining it; else the first is the title.
    let mut titles: Vec<(Option<String>, String)> = Vec::new();
    let mut main_title = None;
    for n in descendants(&dom.document) {
        match local(&n).as_deref() {
            Some("title") => {
                let t = text_of(&n);
                if !t.is_empty() {
                    titles.push((attr(&n, "id"), t));
                }
            }
            Some("meta")
                if attr(&n, "property").as_deref() == Some("title-type")
                    && text_of(&n) == "main" =>
            {
                main_title = attr(&n, "refines").map(|r| r.trim_start_matches('#').to_string());
            }
            Some("creator") if pkg.author.is_none() => {
                pkg.author = Some(text_of(&n)).filter(|t| !t.is_empty());
            }
            Some("item") => {
                if let (Some(id), Some(href)) = (attr(&n, "id"), attr(&n, "href")) {
                    let item = Item {
                        path: resolve(&dir, &href),
                        media: attr(&n, "media-type").unwrap_or_default(),
                        properties: attr(&n, "properties").unwrap_or_default(),
                    };
                    pkg.items.insert(id, item);
                }
            }
            Some("spine") => pkg.ncx = attr(&n, "toc"),
            Some("itemref") => {
                if let Some(id) = attr(&n, "idref") {
                    pkg.spine.push(id);
                }
            }
            _ => {}
        }
    }
    pkg.title = titles
        .iter()
        .find(|(id, _)| id.is_some() && *id == main_title)
        .or(titles.first())
        .map(|(_, t)| t.clone());
    if pkg.spine.is_empty() {
        return Err(broken("its package file lists no chapters"));
    }
    Ok(pkg)
}

fn open_zip<R: Read + Seek>(reader: R) -> Result<zip::ZipArchive<R>, DocError> {
    zip::ZipArchive::new(reader).map_err(|_| broken("not a readable ZIP archive"))
}

/// Title ("Title — Author") and an estimate of the words, from the ZIP
/// directory and the OPF only.
pub fn summarize(path: &Path) -> Result<(Option<String>, usize), DocError> {
    let file = std::fs::File::open(path)?;
    let mut zip = open_zip(std::io::BufReader::new(file))?;
    let pkg = open_package(&mut zip)?;
    let mut bytes = 0;
    for id in &pkg.spine {
        if let Some(item) = pkg.items.get(id)
            && let Some(i) = zip.index_for_name(&item.path)
            && let Ok(f) = zip.by_index_raw(i)
        {
            bytes += f.size();
        }
    }
    let words = usize::try_from(bytes / BYTES_PER_WORD).unwrap_or(usize::MAX);
    Ok((pkg.display_title(), words))
}

/// One TOC entry: depth (1 = top), label, chapter path, fragment id.
struct TocEntry {
    level: u8,
    label: String,
    path: String,
    fragment: Option<String>,
}

fn toc_entry(level: usize, label: String, dir: &str, href: &str) -> Option<TocEntry> {
    if label.is_empty() || href.is_empty() {
        return None;
    }
    Some(TocEntry {
        level: u8::try_from(level.clamp(1, 3)).unwrap_or(3),
        label,
        path: resolve(dir, href),
        fragment: href.split_once('#').map(|(_, f)| percent_decode(f)),
    })
}

/// The table of contents: the EPUB 3 nav document, else the NCX.
fn table_of_contents<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, pkg: &Package) -> Vec<TocEntry> {
    let nav = pkg
        .items
        .values()
        .find(|i| i.properties.split_whitespace().any(|p| p == "nav"));
    if let Some(nav) = nav
        && let Some(text) = read_entry(zip, &nav.path)
    {
        let dir = dir_of(&nav.path);
        let dom = html::parse(&text);
        let navs: Vec<Handle> = descendants(&dom.document)
            .filter(|n| is(n, "nav"))
            .collect();
        let toc = navs
            .iter()
            .find(|n| attr(n, "type").is_some_and(|t| t.split_whitespace().any(|t| t == "toc")))
            .or(navs.first());
        if let Some(toc) = toc {
            let mut out = Vec::new();
            // Depth = the `ol`s around a link.
            let mut stack = vec![(toc.clone(), 0usize)];
            while let Some((n, depth)) = stack.pop() {
                let tag = local(&n);
                if tag.as_deref() == Some("a") {
                    out.extend(toc_entry(
                        depth,
                        text_of(&n),
                        &dir,
                        &attr(&n, "href").unwrap_or_default(),
                    ));
                    continue;
                }
                let d = depth + usize::from(tag.as_deref() == Some("ol"));
                stack.extend(n.children.borrow().iter().rev().map(|c| (c.clone(), d)));
            }
            if !out.is_empty() {
                return out;
            }
        }
    }
    let Some(ncx) = pkg.ncx.as_ref().and_then(|id| pkg.items.get(id)) else {
        return Vec::new();
    };
    let Some(text) = read_entry(zip, &ncx.path) else {
        return Vec::new();
    };
    let dir = dir_of(&ncx.path);
    let dom = parse_xml(&text);
    let mut out = Vec::new();
    let mut stack = vec![(dom.document.clone(), 0usize)];
    while let Some((n, depth)) = stack.pop() {
        let tag = local(&n);
        let d = depth + usize::from(tag.as_deref() == Some("navpoint"));
        if tag.as_deref() == Some("navpoint") {
            let children: Vec<Handle> = n.children.borrow().iter().cloned().collect();
            let label = children
                .iter()
                .find(|c| is(c, "navlabel"))
                .map(text_of)
                .unwrap_or_default();
            let src = children
                .iter()
                .find(|c| is(c, "content"))
                .and_then(|c| attr(c, "src"))
                .unwrap_or_default();
            out.extend(toc_entry(d, label, &dir, &src));
        }
        stack.extend(n.children.borrow().iter().rev().map(|c| (c.clone(), d)));
    }
    out
}

/// XHTML's `<title/>` or `<div/>` mean an empty element, but an HTML
/// parser reads them as start tags (a `<title/>` swallows the chapter):
/// rewrite them as start and end tags first.
fn expand_self_closing(xhtml: &str) -> String {
    const VOID: [&str; 13] = [
        "br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source",
        "track", "wbr",
    ];
    let mut out = String::with_capacity(xhtml.len());
    let mut rest = xhtml;
    while let Some(end) = rest.find("/>") {
        let (before, after) = rest.split_at(end);
        let open = before.rfind('<');
        let name = open.map(|o| {
            before[o + 1..]
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or("")
        });
        match name {
            Some(n)
                if !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
                    && !VOID.contains(&n.to_ascii_lowercase().as_str()) =>
            {
                out.push_str(before.trim_end());
                out.push_str("></");
                out.push_str(n);
                out.push('>');
            }
            _ => {
                out.push_str(before);
                out.push_str("/>");
            }
        }
        rest = &after[2..];
    }
    out.push_str(rest);
    out
}

/// The text of a Markdown heading line, or `None`.
fn heading_text(line: &str) -> Option<&str> {
    let t = line.trim_start_matches('#');
    (t.len() < line.len() && t.starts_with(' ')).then(|| t.trim())
}

/// Converts a whole book.
pub fn convert(bytes: &[u8]) -> Result<Book, DocError> {
    let mut steps = Steps::new(std::io::Cursor::new(bytes))?;
    steps.advance_to(usize::MAX)?;
    let title = steps.title.clone();
    Ok(Book {
        markdown: steps.finish()?,
        title,
    })
}

/// A book converted chapter by chapter, so its first chapters can be
/// shown while the rest is converted: the text after any number of steps
/// is a prefix of the whole book's (each chapter is converted on its own
/// and appended).
pub struct Steps<R> {
    zip: zip::ZipArchive<R>,
    pkg: Package,
    toc: Vec<TocEntry>,
    /// The next spine item to convert.
    next: usize,
    markdown: String,
    chapters: usize,
    unpacked: usize,
    /// "Title — Author", from the package file.
    pub title: Option<String>,
}

impl<R: Read + Seek> Steps<R> {
    /// Opens the book (refusing DRM) and reads its table of contents; no
    /// chapter is converted yet.
    pub fn new(reader: R) -> Result<Steps<R>, DocError> {
        let mut zip = open_zip(reader)?;
        let pkg = open_package(&mut zip)?;
        let toc = table_of_contents(&mut zip, &pkg);
        let title = pkg.display_title();
        Ok(Steps {
            zip,
            pkg,
            toc,
            next: 0,
            markdown: String::new(),
            chapters: 0,
            unpacked: 0,
            title,
        })
    }

    /// Whether every chapter is converted.
    pub fn done(&self) -> bool {
        self.next >= self.pkg.spine.len()
    }

    /// The text converted so far (complete Markdown blocks).
    pub fn text(&self) -> &str {
        &self.markdown
    }

    /// Converts chapters until the text holds at least `len` bytes or the
    /// book ends.
    pub fn advance_to(&mut self, len: usize) -> Result<(), DocError> {
        while !self.done() && self.markdown.len() < len {
            let id = self.pkg.spine[self.next].clone();
            self.next += 1;
            self.chapter(&id)?;
        }
        Ok(())
    }

    /// The whole book's text (converting what is left).
    pub fn finish(mut self) -> Result<String, DocError> {
        self.advance_to(usize::MAX)?;
        if self.chapters == 0 {
            return Err(broken("none of its chapters could be read"));
        }
        self.markdown.push('\n');
        Ok(self.markdown)
    }

    fn chapter(&mut self, id: &str) -> Result<(), DocError> {
        let Some(item) = self.pkg.items.get(id) else {
            return Ok(());
        };
        if !(item.media.contains("html")
            || item.path.ends_with("html")
            || item.path.ends_with("htm"))
        {
            return Ok(());
        }
        let Some(text) = read_entry(&mut self.zip, &item.path) else {
            return Ok(());
        };
        self.unpacked += text.len();
        if self.unpacked > MAX_BOOK_BYTES {
            return Err(broken("more than 512 MiB of chapters when unpacked"));
        }
        let entries: Vec<&TocEntry> = self.toc.iter().filter(|e| e.path == item.path).collect();
        let mut ids = IdHeadings::new();
        for e in entries.iter().skip(1) {
            if let Some(f) = &e.fragment {
                ids.insert(f.clone(), (e.level, e.label.clone()));
            }
        }
        let chapter = html::convert_with(&expand_self_closing(&text), &ids).markdown;
        let chapter = chapter.trim();
        let markdown = &mut self.markdown;
        if !markdown.is_empty() {
            markdown.push_str("\n\n");
        }
        if let Some(first) = entries.first() {
            let mut label = String::new();
            super::escape_inline(&mut label, &first.label);
            let repeats = chapter
                .lines()
                .next()
                .and_then(heading_text)
                .is_some_and(|h| h.eq_ignore_ascii_case(&label));
            if !repeats {
                markdown.push_str(&"#".repeat(usize::from(first.level)));
                markdown.push(' ');
                markdown.push_str(&label);
                markdown.push_str("\n\n");
            }
        }
        markdown.push_str(chapter);
        self.chapters += 1;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
