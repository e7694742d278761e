//! What kind of file a document is ([`Format`], by its extension), why one
//! cannot be shown ([`DocError`]), and the size limits that are checked
//! before a byte is read. Shared by decoding, summaries and documents.

use std::io;
use std::path::Path;

/// Files above this size are refused before reading (RELIABILITY I3),
/// but for plain UTF-8 text ([`MAX_MAPPED_SIZE`]). A document that is
/// copied or converted (Markdown, web pages, EPUB, PDF, text with invalid
/// bytes or to re-flow) is held in memory whole (its size + ~12 MiB);
/// 256 MiB keeps that within reach of any machine, where 1 GiB took 4 s
/// and a GiB.
pub const MAX_FILE_SIZE: u64 = 256 << 20;

/// Plain texts above this size that are valid UTF-8 are memory-mapped
/// (`text::mapped`), not copied: their pages are the kernel's page cache,
/// so the process's own memory stays a few MiB whatever the size. Below
/// it a copy costs less than the map's bookkeeping and is never affected
/// by the file changing on disk.
pub const MAP_ABOVE: u64 = 1 << 20;

/// The largest plain UTF-8 text opened (mapped). Not memory: the check at
/// open (no NUL, valid UTF-8) reads every byte once, about a second per
/// GiB from the page cache and the disk's speed otherwise, and a search
/// reads every byte too; 4 GiB keeps both within seconds. On a 32-bit
/// system the address space (2–3 GiB, fragmented) is the limit: there the
/// map fails and a text over [`MAX_FILE_SIZE`] is refused with a reason.
pub const MAX_MAPPED_SIZE: u64 = 4 << 30;

/// Web pages above this size open from their first [`HTML_HEAD_BYTES`]
/// while the whole page is converted: converting (with the Markdown
/// blocks it makes) costs about 100 times opening the same bytes as plain
/// text (`benches/convert.rs`), and the first screen needs a few KB.
pub const HTML_PROGRESSIVE_BYTES: u64 = 256 << 10;
pub const HTML_HEAD_BYTES: usize = 64 << 10;

/// Plain texts above this size open from their first [`TEXT_HEAD_BYTES`]
/// (some 15 screens: the whole follows within ~150 ms even for 50 MB)
/// while the whole is read: the first screen needs a few KB, and decoding,
/// indexing and measuring a 3 MB book before it tripled its first frame
/// (issue 12). A saved place further in opens from a window around it.
pub const TEXT_PROGRESSIVE_BYTES: u64 = 1 << 20;
pub const TEXT_HEAD_BYTES: usize = 64 << 10;

/// Markdown above this size opens from its first [`MARKDOWN_HEAD_BYTES`]
/// while the whole is parsed: parsing costs some 85 instructions a byte
/// (pulldown-cmark and the blocks made of it; callgrind, 121 M for a 1.4
/// MB file of one long table), 50 ms before the first frame of a 1.4 MB
/// file whose first screen needs a few KB.
pub const MARKDOWN_PROGRESSIVE_BYTES: u64 = 256 << 10;
pub const MARKDOWN_HEAD_BYTES: usize = 64 << 10;

/// How a file's bytes become the document's text: Markdown and plain
/// text as they are (hard-wrapped text re-flowed), the others converted
/// once to a derived Markdown text (`text::convert`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Text,
    Html,
    Epub,
    Pdf,
}

impl Format {
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("md" | "markdown") => Format::Markdown,
            Some("html" | "htm" | "xhtml") => Format::Html,
            Some("epub") => Format::Epub,
            Some("pdf") => Format::Pdf,
            _ => Format::Text,
        }
    }

    /// Whether the first part of a big file makes a document on its own
    /// (text and HTML do; a ZIP or a PDF needs its end).
    pub fn reads_in_parts(self) -> bool {
        !matches!(self, Format::Epub | Format::Pdf)
    }

    /// The largest file of this format that is opened.
    pub fn size_limit(self) -> u64 {
        match self {
            Format::Text => MAX_MAPPED_SIZE,
            _ => MAX_FILE_SIZE,
        }
    }

    /// Web pages (whose conversion costs more than reading), Markdown
    /// (whose parsing does) and plain texts: files above this size open
    /// from their first bytes (the second number) while the whole is read
    /// and converted behind.
    /// `None`: the run loop's own rule.
    pub fn progressive(self) -> Option<(u64, usize)> {
        match self {
            Format::Html => Some((HTML_PROGRESSIVE_BYTES, HTML_HEAD_BYTES)),
            Format::Markdown => Some((MARKDOWN_PROGRESSIVE_BYTES, MARKDOWN_HEAD_BYTES)),
            Format::Text => Some((TEXT_PROGRESSIVE_BYTES, TEXT_HEAD_BYTES)),
            _ => None,
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
    #[error(
        "too large ({0} bytes; the limit is 4 GiB for plain UTF-8 text, 256 MiB for other files)"
    )]
    TooLarge(u64),
    #[error("too large to copy ({size} bytes, {why}; such files are limited to 256 MiB)")]
    TooLargeToCopy { size: u64, why: &'static str },
    #[error("binary file ({what}, {size} bytes)")]
    Binary { what: &'static str, size: usize },
    #[error("UTF-32 text is not supported; convert it to UTF-8")]
    Utf32,
    #[error("cannot read: {0}")]
    Io(String),
    #[error("broken {format}: {why}")]
    Broken { format: &'static str, why: String },
    #[error("EPUB is DRM-protected; marginote cannot read it")]
    Drm,
    #[error("PDF is password-protected; open an unprotected copy (e.g. qpdf --decrypt)")]
    PdfEncrypted,
    #[error("PDF text needs pdftotext; install poppler-utils (e.g. apt install poppler-utils)")]
    NoPdfTool,
    #[error("no text layer (scanned pages?); run OCR first, e.g. ocrmypdf in.pdf out.pdf")]
    NoText,
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
