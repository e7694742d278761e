//! PDF → derived Markdown: the text of each page under a `## Page N`
//! heading, its lines joined into paragraphs.
//!
//! Extraction uses poppler's `pdftotext` when it is on the PATH (it reads
//! real course PDFs best: font encodings, ToUnicode maps, reading order),
//! else the pure-Rust `lopdf` (always there, weaker on unusual fonts).
//! The page headings put the pages in the outline, and [`page_at`] tells
//! which page an offset of the derived text is on ("p. 12"). A PDF with
//! no text (scanned pages) or a password is refused with what would help.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};

use super::{collapse_whitespace, escape_inline, escape_line_start};
use crate::text::document::DocError;

/// The heading each page starts with (`page_at` looks for it).
const PAGE_HEADING: &str = "## Page ";

fn broken(why: impl Into<String>) -> DocError {
    DocError::Broken {
        format: "PDF",
        why: why.into(),
    }
}

/// Whether the first bytes are a PDF's (`%PDF-` within the first KiB, as
/// readers allow).
pub fn check_head(head: &[u8]) -> Result<(), DocError> {
    let window = &head[..head.len().min(1024)];
    if memchr::memmem::find(window, b"%PDF-").is_some() {
        Ok(())
    } else {
        Err(broken("no %PDF header; is it a PDF?"))
    }
}

/// Converts a whole PDF.
pub fn convert(bytes: &[u8]) -> Result<String, DocError> {
    let mut steps = Steps::new(bytes.to_vec())?;
    steps.advance_to(usize::MAX)?;
    steps.finish()
}

/// Pages extracted by the first step (about 20 KB of text on a typical
/// page, the first part the app shows at once); each later step asks for
/// twice as many as the one before (a step is a run of `pdftotext`,
/// ~15 ms of start-up and parsing the file again, so few and growing).
const FIRST_PAGES: u32 = 6;

/// Where the pages' text comes from.
enum Extractor {
    /// Not chosen yet: `pdftotext` is tried first.
    Unknown,
    Poppler,
    #[cfg(feature = "lopdf")]
    Crate {
        doc: Box<lopdf::Document>,
        pages: Vec<u32>,
    },
}

/// A PDF converted a few pages at a time, so its first pages can be shown
/// while the rest is extracted: the text after any number of steps is a
/// prefix of the whole document's (pages are extracted and turned into
/// paragraphs one by one).
pub struct Steps {
    bytes: Vec<u8>,
    extractor: Extractor,
    /// Pages converted so far (the next page's number is one more).
    pages: u32,
    /// The size of the next step, in pages.
    batch: u32,
    done: bool,
    markdown: String,
    /// Whether any page converted so far has text.
    any_text: bool,
}

impl Steps {
    /// Checks the header; nothing is extracted yet.
    pub fn new(bytes: Vec<u8>) -> Result<Steps, DocError> {
        check_head(&bytes)?;
        Ok(Steps {
            bytes,
            extractor: Extractor::Unknown,
            pages: 0,
            batch: FIRST_PAGES,
            done: false,
            markdown: String::new(),
            any_text: false,
        })
    }

    pub fn done(&self) -> bool {
        self.done
    }

    /// The text converted so far, once some page had text (a first part
    /// of blank pages is not worth showing: scanned covers, say).
    pub fn text(&self) -> &str {
        if self.any_text { &self.markdown } else { "" }
    }

    /// Extracts pages until the text holds at least `len` bytes or the
    /// document ends.
    pub fn advance_to(&mut self, len: usize) -> Result<(), DocError> {
        while !self.done && (self.markdown.len() < len || !self.any_text) {
            // The last step takes everything left: `len` is past the end.
            let count = if len == usize::MAX {
                None
            } else {
                Some(self.batch)
            };
            let pages = self.extract(count)?;
            if count.is_none_or(|c| (pages.len() as u64) < u64::from(c)) {
                self.done = true;
            }
            self.batch = self.batch.saturating_mul(2);
            for page in &pages {
                self.any_text |= !page.trim().is_empty();
                self.pages += 1;
                append_page(&mut self.markdown, self.pages, page);
            }
            if pages.is_empty() {
                self.done = true;
            }
        }
        Ok(())
    }

    /// The whole document's text (extracting what is left); refuses a PDF
    /// without any text.
    pub fn finish(mut self) -> Result<String, DocError> {
        self.advance_to(usize::MAX)?;
        if !self.any_text {
            return Err(DocError::NoText);
        }
        Ok(self.markdown)
    }

    /// The text of the next `count` pages (all that are left if `None`),
    /// fewer at the end.
    fn extract(&mut self, count: Option<u32>) -> Result<Vec<String>, DocError> {
        let first = self.pages + 1;
        if matches!(self.extractor, Extractor::Unknown | Extractor::Poppler) {
            match with_pdftotext(&self.bytes, first, count) {
                Some(Ok(pages)) => {
                    self.extractor = Extractor::Poppler;
                    return Ok(pages);
                }
                Some(Err(DocError::PdfEncrypted)) => return Err(DocError::PdfEncrypted),
                // Failed half-way: the crate would number pages
                // differently from what is shown; say why.
                Some(Err(e)) if matches!(self.extractor, Extractor::Poppler) => return Err(e),
                // Not installed, or it cannot read this file: the crate
                // may still read it.
                Some(Err(e)) => self.fallback(Some(e))?,
                None => self.fallback(None)?,
            }
        }
        #[cfg(feature = "lopdf")]
        if let Extractor::Crate { doc, pages } = &self.extractor {
            let from = (first as usize - 1).min(pages.len());
            let to = count.map_or(pages.len(), |c| (from + c as usize).min(pages.len()));
            return Ok(pages[from..to]
                .iter()
                .map(|&n| doc.extract_text(&[n]).unwrap_or_default())
                .collect());
        }
        Ok(Vec::new())
    }

    /// Switches to the crate when `pdftotext` cannot be used (`failed`
    /// says why it could not read this file, `None`: not installed).
    #[cfg(feature = "lopdf")]
    fn fallback(&mut self, failed: Option<DocError>) -> Result<(), DocError> {
        let _ = failed;
        let doc = load_lopdf(&self.bytes)?;
        let pages = doc.get_pages().keys().copied().collect();
        self.extractor = Extractor::Crate {
            doc: Box::new(doc),
            pages,
        };
        Ok(())
    }

    /// Without the crate, `pdftotext` is the only way to read a PDF.
    #[cfg(not(feature = "lopdf"))]
    fn fallback(&mut self, failed: Option<DocError>) -> Result<(), DocError> {
        Err(failed.unwrap_or(DocError::NoPdfTool))
    }
}

/// The text of pages `first..first+count` (to the end if `None`) by
/// `pdftotext`; `None` when it cannot be run.
fn with_pdftotext(
    bytes: &[u8],
    first: u32,
    count: Option<u32>,
) -> Option<Result<Vec<String>, DocError>> {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-enc", "UTF-8", "-eol", "unix", "-f", &first.to_string()]);
    if let Some(c) = count {
        let last = first.saturating_add(c.max(1) - 1);
        cmd.args(["-l", &last.to_string()]);
    }
    let mut child = cmd
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = bytes.to_vec();
    // Written from a thread: pdftotext may fill its output pipe before it
    // has read all its input.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    let _ = writer.join();
    let status = child.wait().ok()?;
    if err.to_ascii_lowercase().contains("password") {
        return Some(Err(DocError::PdfEncrypted));
    }
    // Asked to start past the last page: there are no more.
    if first > 1 && err.contains("Wrong page range") {
        return Some(Ok(Vec::new()));
    }
    if !status.success() {
        let first = err.lines().next().unwrap_or("failed").to_string();
        return Some(Err(broken(format!("pdftotext: {first}"))));
    }
    let text = String::from_utf8_lossy(&out);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    // Every page ends with a form feed: the piece after the last is empty.
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    Some(Ok(pages))
}

#[cfg(feature = "lopdf")]
fn load_lopdf(bytes: &[u8]) -> Result<lopdf::Document, DocError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| {
        let msg = e.to_string();
        if msg.to_ascii_lowercase().contains("password") || msg.contains("ecrypt") {
            DocError::PdfEncrypted
        } else {
            broken(msg.chars().take(120).collect::<String>())
        }
    })?;
    if doc.is_encrypted() {
        return Err(DocError::PdfEncrypted);
    }
    Ok(doc)
}

/// The pages' text by `lopdf`.
#[cfg(all(test, feature = "lopdf"))]
pub(crate) fn with_lopdf(bytes: &[u8]) -> Result<Vec<String>, DocError> {
    let doc = load_lopdf(bytes)?;
    Ok(doc
        .get_pages()
        .keys()
        .map(|&n| doc.extract_text(&[n]).unwrap_or_default())
        .collect())
}

/// Appends page `number` (its heading and paragraphs) to `out`.
fn append_page(out: &mut String, number: u32, page: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!("{PAGE_HEADING}{number}\n"));
    for para in paragraphs(page) {
        let mut line = String::new();
        escape_inline(&mut line, &para);
        out.push('\n');
        out.push_str(&escape_line_start(&line));
        out.push('\n');
    }
}

/// Pages → Markdown; refuses a PDF without any text.
#[cfg(all(test, feature = "lopdf"))]
fn to_markdown(pages: &[String]) -> Result<String, DocError> {
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err(DocError::NoText);
    }
    let mut out = String::new();
    for (i, page) in pages.iter().enumerate() {
        append_page(&mut out, i as u32 + 1, page);
    }
    Ok(out)
}

fn is_list_start(t: &str) -> bool {
    t.starts_with(['•', '◦', '▪', '–', '-', '*'])
        || t.split_once(['.', ')']).is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit())
        })
}

/// A page's lines joined into paragraphs: a line that ends well short of
/// the page's measure ends its paragraph, as does a blank line; a word
/// hyphenated across lines is joined back.
pub(crate) fn paragraphs(page: &str) -> Vec<String> {
    let lines: Vec<&str> = page.lines().map(str::trim).collect();
    let mut lengths: Vec<usize> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.chars().count())
        .collect();
    lengths.sort_unstable();
    let measure = lengths.get(lengths.len() * 9 / 10).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if cur.is_empty() {
            cur.push_str(line);
        } else if cur.ends_with('-')
            && cur[..cur.len() - 1].ends_with(char::is_lowercase)
            && line.starts_with(char::is_lowercase)
        {
            cur.pop();
            cur.push_str(line);
        } else {
            cur.push(' ');
            cur.push_str(line);
        }
        let next = lines.get(i + 1).copied().unwrap_or("");
        let first_word = next.split(' ').next().map_or(0, |w| w.chars().count());
        let full = line.chars().count() + 1 + first_word > measure * 85 / 100;
        if !full || is_list_start(next) {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|p| collapse_whitespace(&p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// How many page headings a derived PDF text has.
pub fn page_count(source: &[u8]) -> usize {
    let heading = PAGE_HEADING.as_bytes();
    usize::from(source.starts_with(heading))
        + memchr::memmem::find_iter(source, &[b"\n", heading].concat()).count()
}

/// Where each page of a derived PDF text starts, with its number, in
/// order: for a study sheet to say "p. 12" of an entry without a search
/// per entry.
pub fn pages(source: &[u8]) -> Vec<(usize, u32)> {
    let heading = PAGE_HEADING.as_bytes();
    let at_line_start = [b"\n", heading].concat();
    let starts = source
        .starts_with(heading)
        .then_some(0)
        .into_iter()
        .chain(memchr::memmem::find_iter(source, &at_line_start).map(|i| i + 1));
    starts
        .filter_map(|at| {
            let digits = &source[at + heading.len()..];
            let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
            std::str::from_utf8(&digits[..n])
                .ok()?
                .parse()
                .ok()
                .map(|page| (at, page))
        })
        .collect()
}

/// The page that `offset` of a derived PDF text is on (1-based); `None`
/// before the first page heading or for other documents.
pub fn page_at(source: &str, offset: usize) -> Option<u32> {
    let mut end = offset.min(source.len());
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let mut head = &source[..end];
    loop {
        let at = head.rfind(PAGE_HEADING)?;
        if at == 0 || source.as_bytes()[at - 1] == b'\n' {
            let digits: String = source[at + PAGE_HEADING.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            return digits.parse().ok();
        }
        head = &head[..at];
    }
}

/// A minimal PDF: one page per entry, each line of it drawn with
/// Helvetica 10 pt; offsets in the xref table computed as written. What the
/// tests and benchmarks read, so the repository needs no binary fixtures.
/// Characters outside ASCII are left out (the font's encoding).
pub fn sample(pages: &[&[&str]]) -> Vec<u8> {
    let n = pages.len();
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    for (i, lines) in pages.iter().enumerate() {
        let mut stream = String::from("BT /F1 10 Tf 12 TL 50 760 Td\n");
        for l in *lines {
            let ascii: String = l.chars().filter(char::is_ascii).collect();
            let esc = ascii
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            stream.push_str(&format!("({esc}) Tj T*\n"));
        }
        stream.push_str("ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

#[cfg(test)]
pub(crate) mod tests;
