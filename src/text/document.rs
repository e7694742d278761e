//! Documents: bytes → a checked, decoded text and its display blocks.
//!
//! Loading refuses what is not text (a NUL anywhere, known binary
//! signatures, UTF-32, devices and FIFOs, files over the size limit) with a
//! reason the library shows. Plain text is never parsed as a whole: its
//! blocks are its lines (long lines cut into chunks), found on demand with
//! memchr from any offset, so opening and scrolling a 50 MB book costs what
//! the screen shows. Markdown is parsed once into blocks (pulldown-cmark is
//! linear), a big file a section at a time (`text/sections.rs`), and its
//! blocks are kept packed (`text/packed.rs`); Markdown files over 8 MiB are
//! shown as plain text.

use crate::text::role::Roles;

use crate::text::convert;
use crate::text::richtext::RichText;

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
pub use crate::text::decode::{check_head, decode, decode_html, read_file};
pub use crate::text::format::{
    DocError, Format, HTML_HEAD_BYTES, HTML_PROGRESSIVE_BYTES, MAP_ABOVE, MAX_FILE_SIZE,
    MAX_MAPPED_SIZE,
};
pub use crate::text::mapped::Change;
pub use crate::text::summary::{Summary, WordCounter, summarize};

use crate::text::mapped::{self, Mapped};
use crate::text::packed::{Blocks, Packed};

enum Body {
    Text(TextBytes),
    Markdown { source: String, blocks: Packed },
}

/// A plain text's bytes: a copy, or a mapped file from `start` (after a
/// BOM). Either way only ever read as bytes (blocks decode their own).
enum TextBytes {
    Owned(Vec<u8>),
    Mapped { map: Mapped, start: usize },
}

impl std::ops::Deref for TextBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            TextBytes::Owned(v) => v,
            TextBytes::Mapped { map, start } => map.bytes().get(*start..).unwrap_or_default(),
        }
    }
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

impl Document {
    /// Checks, decodes and (for HTML, EPUB, PDF, hard-wrapped text)
    /// converts raw bytes.
    pub fn from_bytes(bytes: Vec<u8>, format: Format) -> Result<Document, DocError> {
        // Containers are not text: their converters check them.
        match format {
            Format::Epub => return Ok(converted(convert::Steps::epub(bytes)?.finish()?)),
            Format::Pdf => return Ok(converted(convert::Steps::pdf(bytes)?.finish()?)),
            _ => {}
        }
        if format == Format::Html {
            let (page, warnings) = decode_html(bytes)?;
            let markdown = convert::html::convert(&page).markdown;
            return Ok(Document {
                warnings,
                ..converted(markdown)
            });
        }
        // Decoding leaves valid UTF-8: an invalid byte is a byte mark,
        // shown as `<FF>` wherever the text is drawn.
        let (text, mut warnings) = decode(bytes)?;
        let body = match format {
            Format::Markdown if text.len() <= MAX_MARKDOWN_SIZE => {
                let blocks = crate::text::markdown::parse_packed(&text);
                Body::Markdown {
                    source: text,
                    blocks,
                }
            }
            Format::Markdown => {
                warnings.push("large Markdown file shown as plain text".to_string());
                Body::Text(TextBytes::Owned(text.into_bytes()))
            }
            // Hard-wrapped text is re-flowed; the result is the text.
            Format::Text | Format::Html | Format::Epub | Format::Pdf => {
                match convert::reflow::reflow(&text) {
                    Some(flowed) => Body::Text(TextBytes::Owned(flowed.into_bytes())),
                    None => Body::Text(TextBytes::Owned(text.into_bytes())),
                }
            }
        };
        Ok(Document { body, warnings })
    }

    /// Reads a file as a document: a plain text over [`MAP_ABOVE`] that is
    /// valid UTF-8 through a memory map (`text::mapped`: its size costs no
    /// memory of ours), anything else read whole, as [`Document::from_bytes`].
    pub fn open(path: &std::path::Path, format: Format) -> Result<Document, DocError> {
        Document::open_with(path, format, MAP_ABOVE)
    }

    /// [`Document::open`] with the size above which texts are mapped
    /// (tests map small files).
    pub fn open_with(
        path: &std::path::Path,
        format: Format,
        map_above: u64,
    ) -> Result<Document, DocError> {
        if format == Format::Text
            && let Some(doc) = open_mapped(path, map_above)?
        {
            return Ok(doc);
        }
        Document::from_bytes(read_file(path)?, format)
    }

    /// How the mapped file behind this document changed on disk since it
    /// was opened (`None` for a copy, which cannot change).
    pub fn source_changed(&self) -> Option<Change> {
        match &self.body {
            Body::Text(TextBytes::Mapped { map, .. }) => map.changed(),
            _ => None,
        }
    }

    /// Whether the text is read through a memory map.
    pub fn is_mapped(&self) -> bool {
        matches!(self.body, Body::Text(TextBytes::Mapped { .. }))
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
            Body::Markdown { blocks, .. } => blocks.find(offset),
        }
    }

    /// Source range a block covers (for text: its bytes; for Markdown: up
    /// to the next block).
    pub fn block_range(&self, id: usize) -> (usize, usize) {
        match &self.body {
            Body::Text(b) => (id, text_block_end(b, id)),
            Body::Markdown { blocks, source } => {
                let start = blocks.src(id).unwrap_or(0);
                let end = blocks.src(id + 1).unwrap_or(source.len());
                (start, end.max(start))
            }
        }
    }

    /// The parsed blocks of a Markdown document, for passes over the whole
    /// text (search, outline) that must not clone every block; `None` for
    /// plain text, whose blocks are only ever built on demand.
    pub fn markdown_blocks(&self) -> Option<Blocks<'_>> {
        match &self.body {
            Body::Markdown { blocks, source } => Some(Blocks::new(blocks, source)),
            Body::Text(_) => None,
        }
    }

    /// The display block for `id`, built (and sanitised) on demand.
    pub fn block(&self, id: usize) -> Block {
        match &self.body {
            Body::Markdown { blocks, source } => {
                blocks.block(id, source).unwrap_or_else(empty_block)
            }
            Body::Text(b) => text_block(b, id),
        }
    }
}

/// A document whose text is a converter's derived Markdown (the whole,
/// or the first part [`convert::Steps`] made). It is parsed whatever its
/// size: the conversion has read it all already.
pub fn converted(source: String) -> Document {
    let blocks = crate::text::markdown::parse_packed(&source);
    Document {
        body: Body::Markdown { source, blocks },
        warnings: Vec::new(),
    }
}

/// A big plain text through a map, when it can be shown as it is: `None`
/// when it is small, not a regular file, cannot be mapped, or must be
/// decoded or re-flowed into a copy (then it is read whole, up to
/// [`MAX_FILE_SIZE`]; over that it is refused with the reason).
fn open_mapped(path: &std::path::Path, map_above: u64) -> Result<Option<Document>, DocError> {
    let meta = std::fs::metadata(path)?;
    let size = meta.len();
    if !meta.is_file() || size <= map_above {
        return Ok(None);
    }
    if size > MAX_MAPPED_SIZE || usize::try_from(size).is_err() {
        return Err(DocError::TooLarge(size));
    }
    let copyable = size <= MAX_FILE_SIZE;
    let too_large = |why| {
        if copyable {
            Ok(None)
        } else {
            Err(DocError::TooLargeToCopy { size, why })
        }
    };
    let map = match std::fs::File::open(path).and_then(Mapped::new) {
        Ok(m) => m,
        Err(e) => {
            tracing::info!(path = ?path, error = %e, "cannot map; reading instead");
            return too_large("and it cannot be memory-mapped here");
        }
    };
    let bytes = map.bytes();
    if check_head(&bytes[..bytes.len().min(4096)], bytes.len())? {
        return too_large("UTF-16, which is decoded into a copy");
    }
    let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    match mapped::check(&map, start) {
        Ok(()) => {}
        Err(mapped::Unfit::Nul) => {
            return Err(DocError::Binary {
                what: "contains NUL bytes",
                size: bytes.len(),
            });
        }
        Err(mapped::Unfit::Invalid) => {
            return too_large("not valid UTF-8, which is decoded into a copy");
        }
    }
    let head = &map.bytes()[start..map.bytes().len().min(start + (256 << 10))];
    let head = match std::str::from_utf8(head) {
        Ok(h) => h,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    let mut warnings = Vec::new();
    if convert::reflow::applies(head) {
        if copyable {
            // Re-flowing makes a copy: the read path does it as ever.
            return Ok(None);
        }
        warnings.push("a text this large is shown line by line, not re-flowed".to_string());
    }
    Ok(Some(Document {
        body: Body::Text(TextBytes::Mapped { map, start }),
        warnings,
    }))
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

/// Decodes bytes on the way into a RichText: each invalid byte becomes a
/// `<FF>` placeholder standing for exactly that byte, so offsets stay exact.
fn push_bytes(text: &mut RichText, bytes: &[u8], style: Roles, src: usize) {
    let mut pos = src;
    for (valid, invalid) in crate::text::decode::chunks(bytes) {
        text.push(valid, style, pos);
        pos += valid.len();
        // Each bad byte shows as its value, `<FF>`, so the reader sees what
        // is there (RELIABILITY T3/I2), not an anonymous `�`.
        for &byte in invalid {
            let shown = format!("<{byte:02X}>");
            text.push_substitute(&shown, style.patch(Roles::PLACEHOLDER), pos);
            pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

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

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        fs::write(&path, bytes).expect("write");
        path
    }

    /// Issue 12: a big valid text is mapped and reads exactly as its copy
    /// does (same bytes, same blocks, BOM stripped), with no warning.
    #[test]
    fn a_mapped_text_reads_as_its_copy() {
        let dir = tempfile::tempdir().expect("tempdir");
        // One paragraph per line, longer than any wrapping width: shown
        // as it is (a hard-wrapped text would be re-flowed into a copy).
        let para = format!(
            "{}\n\n",
            "Una línea larga de prosa que sigue y sigue. ".repeat(5)
        );
        let body = format!("Título\n\n{}", para.repeat(300));
        for bom in ["", "\u{FEFF}"] {
            let path = write(&dir, "t.txt", format!("{bom}{body}").as_bytes());
            let mapped = Document::open_with(&path, Format::Text, 16).expect("maps");
            assert!(mapped.is_mapped(), "over the threshold: mapped");
            let copy =
                Document::from_bytes(fs::read(&path).expect("read"), Format::Text).expect("copy");
            assert!(!copy.is_mapped());
            assert_eq!(mapped.source(), copy.source(), "bom {bom:?}");
            assert_eq!(all_blocks(&mapped), all_blocks(&copy));
            assert!(mapped.warnings.is_empty(), "{:?}", mapped.warnings);
            assert_eq!(mapped.source_changed(), None);
            // Under the threshold: a copy, as ever.
            let small = Document::open_with(&path, Format::Text, 1 << 20).expect("reads");
            assert!(!small.is_mapped());
        }
    }

    /// What a map cannot show as it is goes the copying way, up to the
    /// copy limit: invalid bytes (marked), UTF-16 (decoded), a hard-wrapped
    /// text (re-flowed), Markdown (parsed); a NUL is binary either way.
    #[test]
    fn i2_texts_needing_a_copy_are_read_whole_and_nul_is_binary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let invalid = write(&dir, "bad.txt", &b"ok \xFF bad line\n".repeat(100));
        let d = Document::open_with(&invalid, Format::Text, 16).expect("reads");
        assert!(!d.is_mapped());
        assert!(all_blocks(&d)[0].contains("<FF>"));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "hi there\n".repeat(100).encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let path = write(&dir, "u16.txt", &utf16);
        let d = Document::open_with(&path, Format::Text, 16).expect("decodes");
        assert!(!d.is_mapped());
        assert_eq!(all_blocks(&d)[0], "hi there");
        let wrapped: String = (0..60)
            .map(|i| format!("line {i} of a paragraph that was wrapped by a tool at seventy\n"))
            .collect();
        let path = write(&dir, "wrapped.txt", wrapped.as_bytes());
        let d = Document::open_with(&path, Format::Text, 16).expect("reads");
        assert!(!d.is_mapped(), "re-flowed into a copy");
        let path = write(&dir, "notes.md", "# Head\n\nbody\n".repeat(100).as_bytes());
        assert!(
            !Document::open_with(&path, Format::Markdown, 16)
                .expect("parses")
                .is_mapped()
        );
        let mut nul = "text\n".repeat(1000).into_bytes();
        nul[4000] = 0;
        let path = write(&dir, "nul.txt", &nul);
        assert!(matches!(
            Document::open_with(&path, Format::Text, 16),
            Err(DocError::Binary { .. })
        ));
    }

    /// I3: the limits are checked from the metadata before a byte is read
    /// (sparse files: no disk used): 4 GiB for plain text, 256 MiB for
    /// what is copied; a text over 256 MiB that would need a copy is
    /// refused with why.
    #[test]
    fn i3_size_limits_by_what_opening_costs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sparse = |name: &str, len: u64| {
            let path = dir.path().join(name);
            fs::File::create(&path)
                .and_then(|f| f.set_len(len))
                .expect("sparse file");
            path
        };
        let path = sparse("huge.txt", MAX_MAPPED_SIZE + 1);
        assert_eq!(
            Document::open(&path, Format::Text).err(),
            Some(DocError::TooLarge(MAX_MAPPED_SIZE + 1))
        );
        let path = sparse("huge.md", MAX_FILE_SIZE + 1);
        assert_eq!(
            Document::open(&path, Format::Markdown).err(),
            Some(DocError::TooLarge(MAX_FILE_SIZE + 1))
        );
        // Over the copy limit, under the map limit, and UTF-16: refused
        // with the reason (only the first bytes are read).
        let path = sparse("u16.txt", MAX_FILE_SIZE + 1);
        let mut f = fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        std::io::Write::write_all(&mut f, &[0xFF, 0xFE, b'h', 0]).expect("bom");
        assert!(matches!(
            Document::open(&path, Format::Text),
            Err(DocError::TooLargeToCopy { .. })
        ));
        assert!(
            DocError::TooLarge(1).to_string().contains("4 GiB"),
            "the message names the limits"
        );
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
        assert_eq!(all_blocks(&d), vec!["ok <FF> bad"]);
        assert!(
            d.warnings.iter().any(|w| w.contains("<FF>")),
            "{:?}",
            d.warnings
        );
        let block = d.block(0);
        // "bad" starts at display byte 8 (`<FF>` is 4 bytes) and source
        // byte 7: the bad byte is kept as a 3-byte byte mark.
        assert_eq!(block.text.src_at(8), 7);
        let d = Document::from_bytes(b"two \xE2\x82 bad".to_vec(), Format::Text).expect("loads");
        assert_eq!(all_blocks(&d), vec!["two <E2><82> bad"]);
        let title = summarize(b"ti\xFFtle\nrest\n", Format::Text).title;
        assert_eq!(
            title.as_deref(),
            Some("ti<FF>tle"),
            "titles show bad bytes too"
        );
        // In a Markdown heading too: `<E9>` as text would parse as an HTML tag.
        let title = summarize(b"# Caf\xE9 notes\n\nbody\n", Format::Markdown).title;
        assert_eq!(title.as_deref(), Some("Caf<E9> notes"));
    }

    /// Regression (issue 10, defect 6): Markdown was parsed from a lossy
    /// copy and showed `�`. Each bad byte now shows as its value, as in
    /// plain text, and a note's quote over it reads as the page does and
    /// covers exactly the passage chosen.
    #[test]
    fn i2_invalid_bytes_in_markdown_show_as_byte_values_and_anchor_on_them() {
        use crate::study::anchor::{Placement, anchor_range, place};
        use crate::text::sanitize::clean;
        for format in [Format::Markdown, Format::Text] {
            let d = Document::from_bytes(
                b"# Ti\xFFtle\n\nok \xFF bad \xE2\x82 end\n".to_vec(),
                format,
            )
            .expect("loads");
            let blocks = all_blocks(&d);
            let shown = blocks.join("|");
            assert!(!shown.contains('\u{FFFD}'), "{format:?}: {shown}");
            assert!(
                blocks.contains(&"ok <FF> bad <E2><82> end".to_string()),
                "{format:?}: {blocks:?}"
            );
            assert!(
                blocks.iter().any(|b| b.contains("Ti<FF>tle")),
                "{format:?}: {blocks:?}"
            );
            assert!(
                d.warnings.iter().any(|w| w.contains("<FF>")),
                "{format:?}: {:?}",
                d.warnings
            );
            // Each placeholder is drawn as a placeholder and maps to its byte.
            let body = d.source().windows(2).position(|w| w == b"ok").expect("ok");
            let block = d.block(d.block_at(body).expect("the body block"));
            let text = &block.text;
            let ff = text.text.find("<FF>").expect("placeholder");
            let run = text.runs.iter().rev().find(|r| r.start <= ff).expect("run");
            assert!(
                run.style.contains(Roles::PLACEHOLDER),
                "{format:?}: {run:?}"
            );
            let bad = text.src_at(ff);
            assert_eq!(
                text.src_at(ff + "<FF> ".len()),
                bad + d.excerpt(bad, bad + 1).len() + 1
            );
            // A note on "ok <FF> bad": its quote shows what the page shows
            // and spans exactly those words in the text.
            let start = text.src_at(0);
            let end = text.src_at("ok <FF> bad".len());
            let a = anchor_range(&d, start, end);
            assert_eq!(clean(&a.exact), "ok <FF> bad", "{format:?}");
            assert_eq!(
                a.offset + a.span_len(),
                end,
                "{format:?}: the span ends where the words end"
            );
            assert_eq!(place(&d, &a), Placement::Exact, "{format:?}");
        }
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
