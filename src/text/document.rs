//! Documents: bytes → a checked, decoded text and its display blocks.
//!
//! Loading refuses what is not text (a NUL anywhere, known binary
//! signatures, UTF-32, devices and FIFOs, files over the size limit) with a
//! reason the library shows. Plain text is never parsed as a whole: its
//! blocks are its lines (long lines cut into chunks), found on demand with
//! memchr from any offset, so opening and scrolling a 50 MB book costs what
//! the screen shows. Markdown is parsed once into blocks (pulldown-cmark is
//! linear); very large Markdown files are shown as plain text.

use std::fs;
use std::io;
use std::path::Path;

use crate::text::role::Roles;

use crate::text::richtext::RichText;

/// Files above this size are refused before reading (RELIABILITY I3). A
/// document is held in memory whole (its size + ~12 MiB); 256 MiB keeps
/// that within reach of any machine, where 1 GiB took 4 s and a GiB.
pub const MAX_FILE_SIZE: u64 = 256 << 20;
/// Markdown above this size is shown as plain text: parsing it whole would
/// make opening wait on the full file.
pub const MAX_MARKDOWN_SIZE: usize = 8 << 20;
/// Long plain-text lines are cut into blocks of about this many bytes, so a
/// 5 MB single-line file never has to be wrapped in one piece.
const CHUNK: usize = 16 << 10;
/// A plain-text line longer than this is a paragraph of prose: it gets a
/// blank row around it. Shorter consecutive lines (verse, hard-wrapped
/// text) are kept together as their author laid them out.
const PARAGRAPH_LINE: usize = 100;
/// Reading speed used for the library's "N min".
pub const WORDS_PER_MINUTE: usize = 230;

pub use crate::text::block::{Block, BlockKind, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Text,
}

impl Format {
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "md" || e == "markdown" => Format::Markdown,
            _ => Format::Text,
        }
    }
}

/// Why a document cannot be shown.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum DocError {
    #[error("not found")]
    NotFound,
    #[error("permission denied")]
    PermissionDenied,
    #[error("not a regular file ({0})")]
    NotAFile(&'static str),
    #[error("too large ({0} bytes; the limit is 256 MiB)")]
    TooLarge(u64),
    #[error("binary file ({what}, {size} bytes)")]
    Binary { what: &'static str, size: usize },
    #[error("UTF-32 text is not supported; convert it to UTF-8")]
    Utf32,
    #[error("cannot read: {0}")]
    Io(String),
}

impl From<io::Error> for DocError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => DocError::NotFound,
            io::ErrorKind::PermissionDenied => DocError::PermissionDenied,
            _ => DocError::Io(e.kind().to_string()),
        }
    }
}

enum Body {
    Text(Vec<u8>),
    Markdown { source: String, blocks: Vec<Block> },
}

/// A loaded, checked document.
pub struct Document {
    body: Body,
    /// Problems worth a status message (invalid UTF-8, Markdown too big).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.body {
            Body::Text(_) => "text",
            Body::Markdown { .. } => "markdown",
        };
        write!(f, "Document({kind}, {} bytes)", self.len())
    }
}

impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.source() == other.source()
    }
}

/// Reads and checks a file without following it if it is not a regular
/// file (FIFOs would block, devices never end).
pub fn read_file(path: &Path) -> Result<Vec<u8>, DocError> {
    let meta = fs::metadata(path)?;
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err(DocError::NotAFile("a folder"));
    }
    if !ft.is_file() {
        return Err(DocError::NotAFile("a device, socket or pipe"));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(DocError::TooLarge(meta.len()));
    }
    Ok(fs::read(path)?)
}

/// Known signatures of binary formats students are likely to drop in a
/// reading folder.
fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGS: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "ZIP, EPUB or Office"),
        (b"\x7fELF", "executable"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"\x1f\x8b", "gzip"),
        (b"\xd0\xcf\x11\xe0", "Office document"),
    ];
    SIGS.iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, what)| *what)
}

impl Document {
    /// Checks and decodes raw bytes (RELIABILITY I1, I2).
    pub fn from_bytes(mut bytes: Vec<u8>, format: Format) -> Result<Document, DocError> {
        let size = bytes.len();
        let mut warnings = Vec::new();
        let utf16 = check_head(&bytes, size)?;
        if utf16 {
            bytes = decode_utf16(&bytes).unwrap_or_default().into_bytes();
        } else {
            if memchr::memchr(0, &bytes).is_some() {
                return Err(DocError::Binary {
                    what: "contains NUL bytes",
                    size,
                });
            }
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
        }
        let valid = std::str::from_utf8(&bytes).is_ok();
        if !valid {
            warnings.push("this document is not valid UTF-8: bad bytes are shown as �".to_string());
        }
        let body = match format {
            Format::Markdown if bytes.len() <= MAX_MARKDOWN_SIZE => {
                let source = match String::from_utf8(bytes) {
                    Ok(s) => s,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                };
                let blocks = crate::text::markdown::parse(&source);
                Body::Markdown { source, blocks }
            }
            Format::Markdown => {
                warnings.push("large Markdown file shown as plain text".to_string());
                Body::Text(bytes)
            }
            Format::Text => Body::Text(bytes),
        };
        Ok(Document { body, warnings })
    }

    /// The source bytes the offsets in blocks, anchors and positions refer to.
    pub fn source(&self) -> &[u8] {
        match &self.body {
            Body::Text(b) => b,
            Body::Markdown { source, .. } => source.as_bytes(),
        }
    }

    pub fn len(&self) -> usize {
        self.source().len()
    }

    pub fn is_empty(&self) -> bool {
        self.first_block().is_none()
    }

    /// The source text from `start` to `end`, decoded (lossily) on char
    /// boundaries; used for anchors and previews.
    pub fn excerpt(&self, start: usize, end: usize) -> String {
        let src = self.source();
        let end = end.min(src.len());
        let mut s = start.min(end);
        while s > 0 && s < src.len() && is_continuation(src[s]) {
            s -= 1;
        }
        let mut e = end;
        while e < src.len() && is_continuation(src[e]) {
            e += 1;
        }
        String::from_utf8_lossy(&src[s..e]).into_owned()
    }

    // ---- block navigation: ids are byte offsets (text) or indices (Markdown)

    pub fn first_block(&self) -> Option<usize> {
        match &self.body {
            Body::Text(b) => (!b.is_empty()).then_some(0),
            Body::Markdown { blocks, .. } => (!blocks.is_empty()).then_some(0),
        }
    }

    pub fn next_block(&self, id: usize) -> Option<usize> {
        match &self.body {
            Body::Text(b) => {
                let end = text_block_end(b, id);
                let next = skip_break(b, end);
                (next < b.len()).then_some(next)
            }
            Body::Markdown { blocks, .. } => (id + 1 < blocks.len()).then_some(id + 1),
        }
    }

    pub fn prev_block(&self, id: usize) -> Option<usize> {
        match &self.body {
            Body::Text(b) => text_prev_block(b, id),
            Body::Markdown { .. } => id.checked_sub(1),
        }
    }

    pub fn last_block(&self) -> Option<usize> {
        match &self.body {
            Body::Text(b) => text_prev_block(b, b.len()),
            Body::Markdown { blocks, .. } => blocks.len().checked_sub(1),
        }
    }

    /// The block holding source offset `offset` (the last one if past the
    /// end).
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        match &self.body {
            Body::Text(b) => {
                if b.is_empty() {
                    return None;
                }
                let offset = offset.min(b.len());
                let line = line_start(b, offset);
                let mut start = line;
                loop {
                    let end = text_block_end(b, start);
                    if offset < end || end >= b.len() || is_break(b[end]) {
                        return Some(start);
                    }
                    start = end;
                }
            }
            Body::Markdown { blocks, .. } => {
                let i = blocks.partition_point(|blk| blk.src <= offset);
                if blocks.is_empty() {
                    None
                } else {
                    Some(i.saturating_sub(1))
                }
            }
        }
    }

    /// Source range a block covers (for text: its bytes; for Markdown: up
    /// to the next block).
    pub fn block_range(&self, id: usize) -> (usize, usize) {
        match &self.body {
            Body::Text(b) => (id, text_block_end(b, id)),
            Body::Markdown { blocks, source } => {
                let start = blocks.get(id).map_or(0, |b| b.src);
                let end = blocks.get(id + 1).map_or(source.len(), |b| b.src);
                (start, end.max(start))
            }
        }
    }

    /// The parsed blocks of a Markdown document, for passes over the whole
    /// text (search, outline) that must not clone every block; `None` for
    /// plain text, whose blocks are only ever built on demand.
    pub fn markdown_blocks(&self) -> Option<&[Block]> {
        match &self.body {
            Body::Markdown { blocks, .. } => Some(blocks),
            Body::Text(_) => None,
        }
    }

    /// The display block for `id`, built (and sanitised) on demand.
    pub fn block(&self, id: usize) -> Block {
        match &self.body {
            Body::Markdown { blocks, .. } => blocks.get(id).cloned().unwrap_or_else(empty_block),
            Body::Text(b) => text_block(b, id),
        }
    }
}

fn empty_block() -> Block {
    Block {
        kind: BlockKind::Text,
        text: RichText::new(),
        prefix_first: RichText::new(),
        prefix_rest: RichText::new(),
        gap_before: 0,
        src: 0,
    }
}

fn is_continuation(b: u8) -> bool {
    (0x80..0xC0).contains(&b)
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// After the line break at `pos` (CRLF counts as one).
fn skip_break(b: &[u8], pos: usize) -> usize {
    match b.get(pos) {
        Some(b'\r') if b.get(pos + 1) == Some(&b'\n') => pos + 2,
        Some(b'\r') | Some(b'\n') => pos + 1,
        _ => pos,
    }
}

/// Start of the line holding `offset`.
fn line_start(b: &[u8], offset: usize) -> usize {
    let offset = offset.min(b.len());
    // A break character belongs to the line it ends.
    let probe = if offset < b.len() && is_break(b[offset]) {
        if b[offset] == b'\n' && offset > 0 && b[offset - 1] == b'\r' {
            offset - 1
        } else {
            offset
        }
    } else {
        offset
    };
    memchr::memrchr2(b'\n', b'\r', &b[..probe]).map_or(0, |i| i + 1)
}

fn line_end(b: &[u8], start: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &b[start..]).map_or(b.len(), |i| start + i)
}

/// End of the text block starting at `start`: the line end, or a chunk
/// boundary (after a space when there is one, always on a char boundary)
/// when the line is very long.
fn text_block_end(b: &[u8], start: usize) -> usize {
    let limit = (start + CHUNK).min(b.len());
    let end = memchr::memchr2(b'\n', b'\r', &b[start..limit]).map_or(limit, |i| start + i);
    if end < limit || limit == b.len() {
        return end;
    }
    // Cut a long line: prefer just after a space in the last KiB.
    let window_start = limit.saturating_sub(1024).max(start + 1);
    if let Some(i) = memchr::memrchr(b' ', &b[window_start..limit]) {
        return window_start + i + 1;
    }
    let mut cut = limit;
    while cut > start + 1 && is_continuation(b[cut]) {
        cut -= 1;
    }
    cut
}

fn is_line_start(b: &[u8], id: usize) -> bool {
    id == 0 || is_break(b[id - 1])
}

fn text_prev_block(b: &[u8], id: usize) -> Option<usize> {
    if id == 0 || b.is_empty() {
        return None;
    }
    let id = id.min(b.len());
    let (line, target_end) = if is_line_start(b, id) {
        // The previous line ends at the break before `id`.
        let mut e = id - 1;
        if b[e] == b'\n' && e > 0 && b[e - 1] == b'\r' {
            e -= 1;
        }
        (line_start(b, e), e)
    } else {
        (line_start(b, id), id)
    };
    let mut start = line;
    loop {
        let end = text_block_end(b, start);
        if end >= target_end {
            return Some(start);
        }
        start = end;
    }
}

/// Builds the display block for a plain-text line (or chunk of one).
fn text_block(b: &[u8], id: usize) -> Block {
    let id = id.min(b.len());
    let end = text_block_end(b, id);
    let mut text = RichText::new();
    let continuation = !is_line_start(b, id);
    let len = end - id;
    let long = |n: usize| n > PARAGRAPH_LINE;
    let gap = if continuation || len == 0 || id == 0 {
        0
    } else {
        let prev_end = if b[id - 1] == b'\n' && id >= 2 && b[id - 2] == b'\r' {
            id - 2
        } else {
            id - 1
        };
        let prev_len = prev_end - line_start(b, prev_end);
        let this_len = line_end(b, id) - id;
        u8::from(prev_len > 0 && (long(prev_len) || long(this_len)))
    };
    let first_line_title = id == 0 && len > 0 && len <= PARAGRAPH_LINE && end < b.len();
    let style = if first_line_title {
        Roles::heading(2)
    } else {
        Roles::NONE
    };
    push_bytes(&mut text, &b[id..end], style, id);
    Block {
        kind: if first_line_title {
            BlockKind::Heading(2)
        } else {
            BlockKind::Text
        },
        text,
        prefix_first: RichText::new(),
        prefix_rest: RichText::new(),
        gap_before: gap,
        src: id,
    }
}

/// Decodes bytes on the way into a RichText: invalid sequences become
/// U+FFFD standing for exactly the bad bytes, so offsets stay exact.
fn push_bytes(text: &mut RichText, bytes: &[u8], style: Roles, src: usize) {
    let mut pos = src;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        text.push(valid, style, pos);
        pos += valid.len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            text.push_substitute("\u{FFFD}", style.patch(Roles::PLACEHOLDER), pos);
            pos += invalid.len();
        }
    }
}

/// Decodes UTF-16 with a byte-order mark; `None` if there is no BOM.
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let le = if bytes.starts_with(&[0xFF, 0xFE]) {
        true
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        false
    } else {
        return None;
    };
    let units = bytes[2..].chunks_exact(2).map(|p| {
        if le {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// What the library shows for a document: title and word count, from a
/// cheap scan (no parsing).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub title: Option<String>,
    pub words: usize,
}

/// Title: the first Markdown heading (for Markdown), else the first
/// non-empty line. Words: runs of non-space bytes holding a letter or digit.
pub fn summarize(bytes: &[u8], format: Format) -> Summary {
    let head = &bytes[..bytes.len().min(64 << 10)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{FEFF}');
    let mut title = None;
    if format == Format::Markdown {
        title = first_heading(head);
    }
    if title.is_none() {
        title = head
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| {
                let l = if format == Format::Markdown {
                    l.trim_start_matches(['#', '>', '-', '*', ' '])
                } else {
                    l
                };
                l.chars().take(120).collect::<String>()
            });
    }
    let title = title.map(|t| t.replace(['*', '`'], "").replace("__", ""));
    Summary {
        title,
        words: count_words(bytes),
    }
}

/// The text of the first Markdown heading, with entities decoded and
/// emphasis markers gone.
fn first_heading(source: &str) -> Option<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut title: Option<String> = None;
    for event in Parser::new(source) {
        match (event, title.as_mut()) {
            (Event::Start(Tag::Heading { .. }), None) => title = Some(String::new()),
            (Event::Text(t) | Event::Code(t), Some(s)) => s.push_str(&t),
            (Event::SoftBreak | Event::HardBreak, Some(s)) => s.push(' '),
            (Event::End(TagEnd::Heading(_)), Some(_)) => break,
            _ => {}
        }
    }
    title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn count_words(bytes: &[u8]) -> usize {
    let mut c = WordCounter::default();
    c.feed(bytes);
    c.finish()
}

/// Counts words over a stream of byte chunks: runs of non-space bytes that
/// hold a letter or digit (so Markdown's `#` and `-` do not count).
#[derive(Debug, Default)]
pub struct WordCounter {
    words: usize,
    in_word: bool,
    has_alnum: bool,
}

impl WordCounter {
    pub fn feed(&mut self, bytes: &[u8]) {
        // Without branches (a class table and bit arithmetic): the library
        // counts every byte of every file, a 50 MB text included, and a
        // branch per byte costs several times more.
        const fn classes() -> [u8; 256] {
            let mut t = [1u8; 256];
            let mut b = 0;
            while b < 256 {
                let c = b as u8;
                t[b] = if c.is_ascii_whitespace() {
                    0
                } else if c.is_ascii_alphanumeric() || c >= 0x80 {
                    2
                } else {
                    1
                };
                b += 1;
            }
            t
        }
        const CLASS: [u8; 256] = classes();
        let (mut words, mut in_word, mut has_alnum) = (self.words, self.in_word, self.has_alnum);
        for &b in bytes {
            let class = CLASS[usize::from(b)];
            let space = class == 0;
            words += usize::from(space & in_word & has_alnum);
            in_word = !space;
            has_alnum = !space & (has_alnum | (class == 2));
        }
        (self.words, self.in_word, self.has_alnum) = (words, in_word, has_alnum);
    }

    pub fn finish(&self) -> usize {
        self.words + usize::from(self.in_word && self.has_alnum)
    }
}

/// The checks [`Document::from_bytes`] makes that can be decided from the
/// first bytes; returns whether the text is UTF-16 (which must be decoded
/// whole).
pub fn check_head(head: &[u8], size: usize) -> Result<bool, DocError> {
    if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(DocError::Utf32);
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Ok(true);
    }
    if let Some(what) = binary_signature(head) {
        return Err(DocError::Binary { what, size });
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_doc(s: &str) -> Document {
        Document::from_bytes(s.as_bytes().to_vec(), Format::Text).expect("loads")
    }

    fn all_blocks(d: &Document) -> Vec<String> {
        let mut out = Vec::new();
        let mut id = d.first_block();
        while let Some(i) = id {
            out.push(d.block(i).text.text);
            id = d.next_block(i);
        }
        out
    }

    #[test]
    fn excerpt_at_the_very_end_is_empty_not_a_panic() {
        let d = text_doc("line one\nline two");
        assert_eq!(d.excerpt(d.len(), d.len() + 32), "");
        assert_eq!(d.excerpt(9, 100), "line two");
    }

    #[test]
    fn cr_crlf_and_lf_all_break_lines() {
        let d = text_doc("one\r\ntwo\rthree\nfour");
        assert_eq!(all_blocks(&d), vec!["one", "two", "three", "four"]);
    }

    #[test]
    fn navigation_backwards_matches_forwards() {
        let d = text_doc("a\r\n\r\nbb\n\nccc\rdd\n");
        let mut fwd = Vec::new();
        let mut id = d.first_block();
        while let Some(i) = id {
            fwd.push(i);
            id = d.next_block(i);
        }
        let mut back = Vec::new();
        let mut id = d.last_block();
        while let Some(i) = id {
            back.push(i);
            id = d.prev_block(i);
        }
        back.reverse();
        assert_eq!(fwd, back);
        for &i in &fwd {
            assert_eq!(d.block_at(i), Some(i));
        }
    }

    #[test]
    fn long_lines_are_cut_into_chunks_that_navigate_both_ways() {
        let line = "word ".repeat(20_000);
        let d = text_doc(&format!("{line}\nnext\n"));
        let mut fwd = Vec::new();
        let mut id = d.first_block();
        while let Some(i) = id {
            fwd.push(i);
            id = d.next_block(i);
        }
        assert!(fwd.len() > 3, "{} blocks", fwd.len());
        let mut back = Vec::new();
        let mut id = d.last_block();
        while let Some(i) = id {
            back.push(i);
            id = d.prev_block(i);
        }
        back.reverse();
        assert_eq!(fwd, back);
        assert_eq!(
            d.block_at(50_000),
            Some(fwd[fwd.partition_point(|&s| s <= 50_000) - 1])
        );
    }

    #[test]
    fn i1_nul_anywhere_is_binary() {
        let mut bytes = vec![b'a'; 100_000];
        bytes[99_000] = 0;
        assert!(matches!(
            Document::from_bytes(bytes, Format::Text),
            Err(DocError::Binary { .. })
        ));
        assert!(matches!(
            Document::from_bytes(b"%PDF-1.7 ...".to_vec(), Format::Text),
            Err(DocError::Binary { what: "PDF", .. })
        ));
    }

    #[test]
    fn i2_bom_stripped_utf16_decoded_utf32_refused_invalid_utf8_shown() {
        let d = text_doc("\u{FEFF}hello");
        assert_eq!(all_blocks(&d), vec!["hello"]);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "hi".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let d = Document::from_bytes(utf16, Format::Text).expect("utf-16 decodes");
        assert_eq!(all_blocks(&d), vec!["hi"]);
        assert_eq!(
            Document::from_bytes(vec![0xFF, 0xFE, 0, 0, b'a', 0, 0, 0], Format::Text).err(),
            Some(DocError::Utf32)
        );
        let d = Document::from_bytes(b"ok \xFF bad".to_vec(), Format::Text).expect("loads");
        assert_eq!(all_blocks(&d), vec!["ok \u{FFFD} bad"]);
        assert!(!d.warnings.is_empty());
        let block = d.block(0);
        // "bad" starts at source byte 5 and display byte 7 (U+FFFD is 3 bytes).
        assert_eq!(block.text.src_at(7), 5);
    }

    #[test]
    fn i4_folders_and_fifos_are_not_opened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("x.md");
        fs::create_dir(&sub).expect("mkdir");
        assert_eq!(read_file(&sub).err(), Some(DocError::NotAFile("a folder")));
        assert_eq!(
            read_file(&dir.path().join("missing.md")).err(),
            Some(DocError::NotFound)
        );
    }

    #[test]
    fn long_lines_are_paragraphs_short_lines_stay_together() {
        let long = "x ".repeat(80);
        let d = text_doc(&format!("Title\n{long}\n{long}\nshort one\nshort two\n"));
        let gaps: Vec<u8> = {
            let mut v = Vec::new();
            let mut id = d.first_block();
            while let Some(i) = id {
                v.push(d.block(i).gap_before);
                id = d.next_block(i);
            }
            v
        };
        assert_eq!(gaps, vec![0, 1, 1, 1, 0]);
        assert_eq!(d.block(0).kind, BlockKind::Heading(2));
    }

    #[test]
    fn summary_finds_titles_and_counts_words() {
        let s = summarize(
            b"\n\n# The *Red* Terror\n\nSome words here - and 12.",
            Format::Markdown,
        );
        assert_eq!(s.title.as_deref(), Some("The Red Terror"));
        assert_eq!(s.words, 8);
        let s = summarize(b"  \nFirst line\nsecond", Format::Text);
        assert_eq!(s.title.as_deref(), Some("First line"));
    }
}
