//! What the Library shows for a document before it is opened: a title and
//! a word count, from a cheap scan of the bytes (no parsing).

use crate::text::convert;
use crate::text::decode::{mark_invalid_bytes, marked_byte};
use crate::text::format::Format;

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
    Summary {
        title: title(bytes, format),
        words: count_words(bytes),
    }
}

/// The title [`summarize`] finds, from the text's first 64 KiB only.
pub fn title(bytes: &[u8], format: Format) -> Option<String> {
    let head = &bytes[..bytes.len().min(TITLE_BYTES)];
    // Bad bytes as byte marks, not as `<FF>` text: the Markdown parser
    // would take `<E9>` for an HTML tag and drop it from the title. Valid
    // text is read where it is (copying 64 KB for a title was a tenth of
    // a book's first frame), a character cut by the 64 KB limit dropped.
    let head: std::borrow::Cow<'_, str> = match std::str::from_utf8(head) {
        Ok(text) => text.into(),
        Err(e) if e.error_len().is_none() && bytes.len() > TITLE_BYTES => {
            std::str::from_utf8(&head[..e.valid_up_to()])
                .unwrap_or_default()
                .into()
        }
        Err(_) => mark_invalid_bytes(head).into(),
    };
    let head = head.trim_start_matches('\u{FEFF}');
    let mut title = None;
    if format == Format::Markdown {
        title = first_heading(head);
    } else if format == Format::Text {
        title = convert::reflow::gutenberg_title(head);
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
    title.map(|t| show_byte_marks(&t.replace(['*', '`'], "").replace("__", "")))
}

/// How much of a text its title is looked for in.
const TITLE_BYTES: usize = 64 << 10;

/// The text of the first Markdown heading, with entities decoded and
/// emphasis markers gone.
///
/// Most texts open with their heading, so it is looked for in their first
/// lines first (a whole essay went through the parser for its title
/// before its first frame). A heading found there is the whole text's
/// first too: the lines after it cannot make it, or a line before it,
/// anything else (a setext heading's underline comes right after its
/// text). But a reference link's target, defined further on, turns
/// `[name]` into `name`: a heading with a bracket left in it is looked
/// for again in the whole head.
fn first_heading(source: &str) -> Option<String> {
    const FIRST_LINES: usize = 1 << 10;
    if source.len() > FIRST_LINES {
        let cut = convert::reflow::floor_char(source, FIRST_LINES);
        if let Some(end) = source[..cut].rfind('\n')
            && let Some(title) = heading_in(&source[..=end])
            && !title.contains('[')
        {
            return Some(title);
        }
    }
    heading_in(source)
}

fn heading_in(source: &str) -> Option<String> {
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

/// A title as text: each byte mark becomes its byte's value, `<E9>`.
fn show_byte_marks(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        match marked_byte(c) {
            Some(byte) => out.push_str(&format!("<{byte:02X}>")),
            None => out.push(c),
        }
    }
    out
}

pub fn count_words(bytes: &[u8]) -> usize {
    let mut c = WordCounter::default();
    c.feed(bytes);
    c.finish()
}

/// [`count_words`], a big text's two halves counted at once (cut at a
/// space, which no word spans): 50 MB in half the 43 ms.
pub fn count_words_in_parts(bytes: &[u8]) -> usize {
    if bytes.len() < PARTS_FROM {
        return count_words(bytes);
    }
    let mid = bytes.len() / 2;
    let cut = bytes[mid..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(bytes.len(), |p| mid + p);
    let (first, second) = bytes.split_at(cut);
    std::thread::scope(|s| {
        let other = s.spawn(|| count_words(second));
        let n = count_words(first);
        n + other.join().unwrap_or_else(|_| count_words(second))
    })
}

/// From this size a text's words are counted in two parts.
const PARTS_FROM: usize = 4 << 20;

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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The heading looked for in the first lines is the one the whole
        /// head gives: setext underlines, fences, comments and reference
        /// links on either side of the first lines' end.
        #[test]
        fn the_first_lines_heading_is_the_whole_heads(
            lines in crate::testkit::lines_from(
                vec![
                    "# Title [x]\n",
                    "## Plain title\n",
                    "Setext title\n",
                    "=====\n",
                    "---\n",
                    "```\n",
                    "<!--\n",
                    "-->\n",
                    "    # indented code\n",
                    "[x]: https://example.org\n",
                    "\n",
                    "A paragraph line.\n",
                ],
                14,
            ),
            filler in 0usize..5000,
            at in 0usize..14,
        ) {
            let mut lines = lines;
            let long = format!("{}\n", "word ".repeat(filler / 5));
            lines.insert(at.min(lines.len()), &long);
            let text: String = lines.concat();
            proptest::prop_assert_eq!(first_heading(&text), heading_in(&text));
        }
    }

    /// A reference link in the first heading, its target defined after
    /// the first lines: the link's text, as in the whole head.
    #[test]
    fn a_reference_defined_after_the_first_lines_still_counts() {
        let filler = "word ".repeat(1000);
        let text = format!("# Title [x]\n\n{filler}\n\n[x]: https://example.org\n");
        assert_eq!(first_heading(&text).as_deref(), Some("Title x"));
        let text = format!("# Title [y]\n\n{filler}\n\n[x]: https://example.org\n");
        assert_eq!(first_heading(&text).as_deref(), Some("Title [y]"));
    }

    /// A character cut by the 64 KB limit is not part of the title, nor
    /// does it stop the title being found.
    #[test]
    fn a_character_cut_at_the_limit_leaves_the_title() {
        let text = format!("# The title\n\n{}", "é".repeat(TITLE_BYTES));
        assert!(!text.is_char_boundary(TITLE_BYTES));
        let title = title(text.as_bytes(), Format::Markdown);
        assert_eq!(title.as_deref(), Some("The title"));
        let bad = [b"Plain title\n".as_slice(), &[0xFF], b"rest"].concat();
        let title = super::title(&bad, Format::Text);
        assert_eq!(title.as_deref(), Some("Plain title"));
    }

    /// Counted in two parts, a big text has the words counted whole, where
    /// the middle falls in a word, on a space, or before a text with no
    /// space left.
    #[test]
    fn a_text_counted_in_two_parts_has_the_words_counted_whole() {
        let words = "a-b # déjà vu, -- 42\n".repeat(PARTS_FROM / 20 + 7);
        assert!(words.len() >= PARTS_FROM);
        assert_eq!(
            count_words_in_parts(words.as_bytes()),
            count_words(words.as_bytes())
        );
        for shift in 0..6 {
            let text = format!("{}{}", "x".repeat(shift), words);
            assert_eq!(
                count_words_in_parts(text.as_bytes()),
                count_words(text.as_bytes())
            );
        }
        let mut spaceless = "w".repeat(PARTS_FROM);
        spaceless.insert_str(0, "one two ");
        assert_eq!(count_words_in_parts(spaceless.as_bytes()), 3);
    }
}
