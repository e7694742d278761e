//! What the Library shows for a document before it is opened: a title and
//! a word count, from a cheap scan of the bytes (no parsing).

use crate::text::convert;
use crate::text::decode::with_byte_placeholders;
use crate::text::document::Format;

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
    let head = with_byte_placeholders(head);
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
        for &b in bytes {
            if b.is_ascii_whitespace() {
                if self.in_word && self.has_alnum {
                    self.words += 1;
                }
                self.in_word = false;
                self.has_alnum = false;
            } else {
                self.in_word = true;
                self.has_alnum |= b.is_ascii_alphanumeric() || b >= 0x80;
            }
        }
    }

    pub fn finish(&self) -> usize {
        self.words + usize::from(self.in_word && self.has_alnum)
    }
}
