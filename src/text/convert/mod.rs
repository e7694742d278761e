//! Converters: files that are not Markdown or plain text as written (web
//! pages, EPUB books, PDFs, hard-wrapped text) → one derived text, made
//! once when the document is read.
//!
//! The derived text *is* the document from then on: blocks, search, notes
//! (offsets and quotes), the outline and the study sheet all work on it,
//! so nothing downstream knows the original format. HTML, EPUB and PDF
//! become Markdown (so headings, lists, quotes and tables keep their
//! shape); hard-wrapped text becomes re-flowed plain text. Text that came
//! from the file is escaped ([`escape_inline`]) so a literal `*` stays a
//! `*`; nothing here sanitises: entities are decoded by the parsers and the
//! result goes through `text::sanitize` at display time like any document.

pub mod charset;
mod dom;
pub mod epub;
pub mod html;
pub mod pdf;
pub mod reflow;

use crate::text::format::{DocError, Format};

/// An EPUB or a PDF converted in steps (chapters, pages), so the first
/// screen is shown before the whole book is converted. After any step
/// the text is a prefix of the whole text, so an offset into the first
/// part means the same words in the whole (notes, positions, the view).
pub enum Steps {
    Epub(Box<epub::Steps<std::io::Cursor<Vec<u8>>>>),
    Pdf(pdf::Steps),
}

impl Steps {
    /// Opens a book or PDF for conversion; `None` for the other formats,
    /// which are converted in one go.
    pub fn new(bytes: Vec<u8>, format: Format) -> Option<Result<Steps, DocError>> {
        match format {
            Format::Epub => Some(Steps::epub(bytes)),
            Format::Pdf => Some(Steps::pdf(bytes)),
            _ => None,
        }
    }

    pub fn epub(bytes: Vec<u8>) -> Result<Steps, DocError> {
        epub::Steps::new(std::io::Cursor::new(bytes)).map(|s| Steps::Epub(Box::new(s)))
    }

    pub fn pdf(bytes: Vec<u8>) -> Result<Steps, DocError> {
        pdf::Steps::new(bytes).map(Steps::Pdf)
    }

    /// Converts until the text holds `len` bytes or everything.
    pub fn advance_to(&mut self, len: usize) -> Result<(), DocError> {
        match self {
            Steps::Epub(s) => s.advance_to(len),
            Steps::Pdf(s) => s.advance_to(len),
        }
    }

    /// The text so far: whole Markdown blocks, possibly empty.
    pub fn text(&self) -> &str {
        match self {
            Steps::Epub(s) => s.text(),
            Steps::Pdf(s) => s.text(),
        }
    }

    pub fn done(&self) -> bool {
        match self {
            Steps::Epub(s) => s.done(),
            Steps::Pdf(s) => s.done(),
        }
    }

    /// The whole text, converting what is left.
    pub fn finish(self) -> Result<String, DocError> {
        match self {
            Steps::Epub(s) => s.finish(),
            Steps::Pdf(s) => s.finish(),
        }
    }
}

/// Appends `text` to `out` with every character that could start Markdown
/// syntax inside a line escaped. Line-start syntax (`#`, `>`, list
/// markers) is handled by [`escape_line_start`].
pub fn escape_inline(out: &mut String, text: &str) {
    let special = |b: u8| {
        matches!(
            b,
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'&' | b'|' | b'~'
        )
    };
    // Most words need nothing: copy them whole.
    if !text.bytes().any(special) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        // `&` too: `&amp;#27;` decodes to the text `&#27;`, which Markdown
        // would decode again.
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Escapes what would make `line` (already inline-escaped) a heading,
/// list item, quote, rule or setext underline when it starts a line.
pub fn escape_line_start(line: &str) -> String {
    let t = line.trim_start_matches(' ');
    let lead = &line[..line.len() - t.len()];
    let first = t.chars().next();
    let needs = match first {
        Some('#' | '+' | '-' | '=') => true,
        Some(c) if c.is_ascii_digit() => {
            let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")"
        }
        _ => false,
    };
    if !needs {
        return line.to_string();
    }
    if first.is_some_and(|c| c.is_ascii_digit()) {
        // "1. " → "1\. ": escape the delimiter, not the digit.
        let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        return format!("{lead}{}\\{}", &t[..digits], &t[digits..]);
    }
    format!("{lead}\\{t}")
}

/// Runs of whitespace as one space (HTML's and PDF lines' rule).
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes_keep_literal_markup_literal() {
        let cases = [
            ("2 * 3 = 6", "2 \\* 3 = 6"),
            ("a_b [c] <d>", "a\\_b \\[c\\] \\<d\\>"),
            ("&#27; stays text", "\\&#27; stays text"),
            ("plain words", "plain words"),
        ];
        for (input, want) in cases {
            let mut out = String::new();
            escape_inline(&mut out, input);
            assert_eq!(out, want, "escape of {input:?}");
        }
    }

    #[test]
    fn line_starts_that_would_be_syntax_are_escaped() {
        let cases = [
            ("# not a heading", "\\# not a heading"),
            ("- not a list", "\\- not a list"),
            ("1984. A year", "1984\\. A year"),
            ("1984 was a year", "1984 was a year"),
            ("===", "\\==="),
            ("ordinary", "ordinary"),
        ];
        for (input, want) in cases {
            assert_eq!(escape_line_start(input), want, "line start of {input:?}");
        }
    }

    /// Markup and text pieces that stress the converters.
    fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            "[a-z]{1,10}".prop_map(String::from),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("*".to_string()),
            Just("# ".to_string()),
            Just("1. ".to_string()),
            Just("&#27;".to_string()),
            Just("<p>".to_string()),
            Just("</p>".to_string()),
            Just("<em>".to_string()),
            Just("</em>".to_string()),
            Just("<ul><li>".to_string()),
            Just("</li></ul>".to_string()),
            Just("<table><tr><td>".to_string()),
            Just("<pre>".to_string()),
            Just("<a href=\"x y\">".to_string()),
            Just("<br>".to_string()),
            Just("<blockquote>".to_string()),
            Just("<h2>".to_string()),
            Just("漢字".to_string()),
            Just("e\u{301}".to_string()),
        ];
        proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn converters_never_panic_and_reflow_only_moves_whitespace(s in pieces()) {
            let md = html::convert(&s).markdown;
            let _ = crate::text::markdown::parse(&md);
            let _ = pdf::paragraphs(&s);
            let long = s.repeat(30);
            if let Some(out) = reflow::reflow(&long) {
                let squash = |t: &str| t.split_whitespace().collect::<String>();
                proptest::prop_assert_eq!(squash(&out), squash(&long));
            }
        }
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(collapse_whitespace("  a \n\t b  "), "a b");
    }
}
