//! The outline of a document: its headings with their source offsets, for
//! the outline list and for marking the current section.
//!
//! Markdown headings come from the parsed blocks. Plain text has none, so
//! heading-like lines are guessed: the first line when it reads as a title
//! (as the reader styles it), and short lines that start with a capital or
//! a digit, do not end like a sentence ("Introduction", "Chapter 3", "The
//! Cheka, 1918–1922") and stand apart: a blank line or a long paragraph
//! line on both sides, an underline (`====`) below, or a paragraph line
//! above (in texts of one paragraph per line, "Further reading" is
//! followed by its short list). A hard-wrapped paragraph's first line has
//! a text line under it, and verse lines sit between short lines, so
//! neither is taken. One pass over the lines, checking a cancel flag every MiB, so
//! a 50 MB book can be outlined off the input thread.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::text::Cancelled;
use crate::text::document::Document;
use crate::text::packed::Kind;
use crate::text::sanitize::sanitize_line;

/// Plain-text lines longer than this (in characters) are never headings.
const MAX_HEADING_CHARS: usize = 80;
/// Nor are lines of more words than this.
const MAX_HEADING_WORDS: usize = 12;
/// A line longer than this (bytes) is a paragraph of prose, as in
/// `document` (which sets the blank row around such lines).
const PARAGRAPH_LINE: usize = 100;
/// The guess stops here: a text that yields more "headings" than this is
/// not one the guess understands, and the list would be no help.
pub const MAX_HEADINGS: usize = 10_000;
/// Titles are cut to this many characters.
const MAX_TITLE_CHARS: usize = 120;
const CHECK_EVERY: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for a document title or `#`, up to 6.
    pub level: u8,
    /// Sanitised, one line.
    pub title: String,
    /// Source offset of the heading's text.
    pub offset: usize,
}

/// The document's headings in order.
pub fn outline(doc: &Document, cancel: &AtomicBool) -> Result<Vec<Heading>, Cancelled> {
    match doc.markdown_blocks() {
        Some(blocks) => Ok((0..blocks.len())
            .filter_map(|i| match blocks.kind(i)? {
                Kind::Heading(level) => {
                    let text = blocks.text(i);
                    let title = sanitize_line(&text.text.replace('\n', " "), MAX_TITLE_CHARS);
                    let title = title.trim().to_string();
                    (!title.is_empty()).then_some(Heading {
                        level,
                        title,
                        offset: blocks.src(i)?,
                    })
                }
                _ => None,
            })
            .take(MAX_HEADINGS)
            .collect()),
        None => text_outline(doc.source(), cancel),
    }
}

/// The index of the heading whose section holds `offset` (the last one at
/// or before it); `None` before the first heading.
pub fn current_section(headings: &[Heading], offset: usize) -> Option<usize> {
    headings
        .partition_point(|h| h.offset <= offset)
        .checked_sub(1)
}

/// One line of a plain text, as the guess sees it.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Offset of the first non-blank byte.
    start: usize,
    /// End of the content, trailing blanks excluded.
    end: usize,
    blank: bool,
    long: bool,
    /// Only `=` or `-` (an underline under a title).
    underline: bool,
}

fn line_at(src: &[u8], start: usize) -> (Line, usize) {
    let end = memchr::memchr2(b'\n', b'\r', &src[start..]).map_or(src.len(), |i| start + i);
    let next = match (src.get(end), src.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(_), _) => end + 1,
        (None, _) => end,
    };
    let raw = &src[start..end];
    let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = raw[lead..]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let content = &raw[lead..raw.len() - trail];
    let underline = content.len() >= 3
        && (content.iter().all(|&b| b == b'=') || content.iter().all(|&b| b == b'-'));
    let line = Line {
        start: start + lead,
        end: end - trail,
        blank: content.is_empty(),
        long: raw.len() > PARAGRAPH_LINE,
        underline,
    };
    (line, next)
}

/// Whether a line's own text reads as a heading.
fn heading_like(text: &str) -> bool {
    if text.chars().count() > MAX_HEADING_CHARS
        || text.split_whitespace().count() > MAX_HEADING_WORDS
    {
        return false;
    }
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    // Closing quotes and brackets do not hide a sentence's end: `"Go."`.
    let end = text.trim_end_matches(['"', '\'', ')', ']', '’', '”', '»', '*', '_']);
    let sentence_end = end.ends_with(['.', ',', ';', ':', '!', '?', '…']);
    // "1." alone, or "2. The Cheka" is fine; "Mr." style ends are not.
    let numbered = end
        .trim_end_matches('.')
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace());
    (!sentence_end || numbered) && text.chars().any(char::is_alphanumeric)
}

fn title_of(src: &[u8], line: &Line) -> String {
    let text = String::from_utf8_lossy(&src[line.start..line.end]);
    sanitize_line(&text, MAX_TITLE_CHARS)
}

fn text_outline(src: &[u8], cancel: &AtomicBool) -> Result<Vec<Heading>, Cancelled> {
    let mut out = Vec::new();
    if src.is_empty() {
        return Ok(out);
    }
    // A sliding window of three lines: the guess needs both neighbours.
    let (first, mut next_at) = line_at(src, 0);
    // The first line is the title when it is short and more text follows,
    // exactly when the reader shows it as a heading.
    if !first.blank && first.end - first.start <= PARAGRAPH_LINE && next_at < src.len() {
        out.push(Heading {
            level: 1,
            title: title_of(src, &first),
            offset: first.start,
        });
    }
    let mut prev = first;
    let Some(mut cur) = (next_at < src.len()).then(|| {
        let (l, n) = line_at(src, next_at);
        next_at = n;
        l
    }) else {
        return Ok(out);
    };
    // Checked on the first line too, then every MiB.
    let mut next_check = 0;
    loop {
        if next_at >= next_check {
            next_check = next_at + CHECK_EVERY;
            if cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
        }
        let next = (next_at < src.len()).then(|| {
            let (l, n) = line_at(src, next_at);
            next_at = n;
            l
        });
        let candidate = !cur.blank && !cur.long && !cur.underline;
        let standalone = (prev.blank || prev.long) && next.is_none_or(|n| n.blank || n.long);
        let underlined = next.is_some_and(|n| n.underline);
        // In a text of one paragraph per line, a short line after a
        // paragraph starts something new even when short lines follow
        // (a "Further reading" list).
        let after_prose = prev.long;
        if candidate && (standalone || underlined || after_prose) {
            let text = String::from_utf8_lossy(&src[cur.start..cur.end]);
            if heading_like(&text) {
                out.push(Heading {
                    level: 2,
                    title: sanitize_line(&text, MAX_TITLE_CHARS),
                    offset: cur.start,
                });
                if out.len() >= MAX_HEADINGS {
                    break;
                }
            }
        }
        let Some(n) = next else { break };
        prev = cur;
        cur = n;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::document::Format;

    fn titles(text: &str, format: Format) -> Vec<(u8, String)> {
        let doc = Document::from_bytes(text.as_bytes().to_vec(), format).expect("loads");
        outline(&doc, &AtomicBool::new(false))
            .expect("not cancelled")
            .into_iter()
            .map(|h| (h.level, h.title))
            .collect()
    }

    fn plain(text: &str) -> Vec<String> {
        titles(text, Format::Text)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn markdown_headings_with_levels_rendered_titles_and_offsets() {
        let src = "# The *Red* Terror\n\nText.\n\n## Hostages &amp; camps\n\nMore.\n";
        let doc = Document::from_bytes(src.as_bytes().to_vec(), Format::Markdown).expect("md");
        let h = outline(&doc, &AtomicBool::new(false)).expect("ok");
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].level, h[0].title.as_str()), (1, "The Red Terror"));
        assert_eq!((h[1].level, h[1].title.as_str()), (2, "Hostages & camps"));
        assert_eq!(h[1].offset, src.find("## Hostages").expect("present"));
    }

    #[test]
    fn markdown_titles_are_sanitised() {
        let got = titles("# Title &#27;]0;PWNED&#7;\n", Format::Markdown);
        assert!(
            !got[0].1.contains('\u{1b}') && got[0].1.contains('␛'),
            "{got:?}"
        );
    }

    #[test]
    fn plain_text_headings_stand_apart() {
        let para = "This is a long paragraph line that goes on well past a hundred bytes, as prose saved from the web does.";
        let text = format!(
            "An Essay on Terror\n\nIntroduction\n\n{para}\n\nChapter 3\n{para}\nThe Cheka, 1918–1922\n\n{para}\n"
        );
        assert_eq!(
            plain(&text),
            vec![
                "An Essay on Terror",
                "Introduction",
                "Chapter 3",
                "The Cheka, 1918–1922"
            ]
        );
        let levels: Vec<u8> = titles(&text, Format::Text).iter().map(|t| t.0).collect();
        assert_eq!(levels, vec![1, 2, 2, 2], "the first line is the title");
    }

    #[test]
    fn wrapped_paragraphs_verse_and_sentences_are_not_headings() {
        let text = "Title\n\n\
            It was a dark and stormy night; the rain fell\n\
            in torrents, except at occasional intervals\n\n\
            Two roads diverged in a yellow wood\n\
            And sorry I could not travel both\n\
            And be one traveler, long I stood\n\n\
            He left.\n\n\
            and then a lower-case line\n\n\
            * * *\n\n\
            Thanks to all of you!\n\n\
            Real Heading\n\n\
            The end of it all\n";
        assert_eq!(
            plain(text),
            vec!["Title", "Real Heading", "The end of it all"]
        );
    }

    #[test]
    fn a_heading_after_a_paragraph_line_may_be_followed_by_short_lines() {
        let para = "A paragraph of prose on one line, as texts saved from the web have them, well over a hundred bytes long.";
        let text = format!(
            "Essay\n{para}\nFurther reading\nGeorge Leggett, The Cheka (1981).\nEvan Mawdsley, The Russian Civil War (1987).\n"
        );
        assert_eq!(plain(&text), vec!["Essay", "Further reading"]);
    }

    #[test]
    fn underlined_titles_and_numbered_headings() {
        let text = "Report\n\nPart One\n========\n\nSome text follows here.\n\n2. Method\n\nMore text.\n\n12.\n\nEnd text.\n";
        assert_eq!(plain(text), vec!["Report", "Part One", "2. Method", "12."]);
    }

    #[test]
    fn crlf_and_invalid_bytes_are_handled() {
        let text = b"Title\r\n\r\nSection \xff One\r\n\r\nBody text here.\r\n".to_vec();
        let doc = Document::from_bytes(text.clone(), Format::Text).expect("loads");
        let h = outline(&doc, &AtomicBool::new(false)).expect("ok");
        let got: Vec<&str> = h.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(got, vec!["Title", "Section <FF> One"]);
        assert_eq!(h[1].offset, 9);
    }

    #[test]
    fn a_single_line_or_empty_text_has_no_title() {
        assert!(plain("Only one line").is_empty());
        assert!(plain("").is_empty());
        assert!(plain("\n\n\n").is_empty());
    }

    #[test]
    fn current_section_is_the_last_heading_at_or_before() {
        let h = |offset| Heading {
            level: 2,
            title: String::new(),
            offset,
        };
        let hs = vec![h(10), h(50), h(90)];
        assert_eq!(current_section(&hs, 0), None);
        assert_eq!(current_section(&hs, 10), Some(0));
        assert_eq!(current_section(&hs, 89), Some(1));
        assert_eq!(current_section(&hs, 1000), Some(2));
        assert_eq!(current_section(&[], 5), None);
    }

    #[test]
    fn cancelling_stops_a_long_outline() {
        let text = "Heading\n\nSome sentence here.\n\n".repeat(200_000);
        let doc = Document::from_bytes(text.into_bytes(), Format::Text).expect("loads");
        assert_eq!(outline(&doc, &AtomicBool::new(true)), Err(Cancelled));
        let all = outline(&doc, &AtomicBool::new(false)).expect("ok");
        assert_eq!(all.len(), MAX_HEADINGS, "the guess is capped");
    }
}
