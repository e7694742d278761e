//! Words, sentences and paragraphs around a source offset, for the reading
//! cursor (`a`, `m`, `v`) and for extending a selection.
//!
//! Everything is found locally: the block holding the offset, cut to a
//! window of a few kilobytes around it, is split with unicode-segmentation.
//! A key never costs more than a few windows, whatever the document's size.

use unicode_segmentation::UnicodeSegmentation;

use crate::text::document::Document;
use crate::text::richtext::RichText;

/// Bytes of a block looked at on each side of an offset.
const WINDOW: usize = 4096;
/// Windows walked at most looking for the next unit (blank stretches,
/// decoration blocks) before giving up.
const MAX_WINDOWS: usize = 64;

/// What a selection grows or shrinks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A run of non-space characters ("1937." with its full stop).
    Word,
    Sentence,
    /// A block: a paragraph, a heading, a list item.
    Paragraph,
}

/// The stretch of source around `at` that is split: its block, cut to
/// [`WINDOW`] bytes on each side (on char boundaries).
fn window(doc: &Document, at: usize) -> Option<(usize, usize, usize)> {
    let block = doc.block_at(at)?;
    let (bs, be) = doc.block_range(block);
    let src = doc.source();
    let mut lo = bs.max(at.saturating_sub(WINDOW));
    let mut hi = be.min(at.saturating_add(WINDOW)).min(src.len());
    while lo > bs && lo < src.len() && (0x80..0xC0).contains(&src[lo]) {
        lo -= 1;
    }
    while hi < be && hi < src.len() && (0x80..0xC0).contains(&src[hi]) {
        hi += 1;
    }
    Some((block, lo, hi.max(lo)))
}

/// Non-blank pieces of `unit` in `lo..hi`, trimmed of spaces, in order.
fn pieces(doc: &Document, lo: usize, hi: usize, unit: Unit) -> Vec<(usize, usize)> {
    let mut ps = source_pieces(doc, lo, hi, unit);
    // Markdown: a piece ends on the last character shown and starts on the
    // first, not on markup around them ("said**" closing the bold, a list
    // marker): a note's quote is the words the reader saw.
    if let Some(blocks) = doc.markdown_blocks()
        && let Some(block) = doc.block_at(lo).filter(|&b| b < blocks.len())
    {
        let text = blocks.text(block);
        for p in &mut ps {
            *p = shown(doc.source(), &text, *p);
        }
    }
    ps
}

/// `(s, e)` narrowed to the characters of `text` (a block as shown) whose
/// source lies inside it, at its first and last shown non-blank
/// character; kept as it is where a character is not a plain copy of its
/// source (an entity, a replaced control) or nothing shown lies inside.
fn shown(src: &[u8], text: &RichText, (s, e): (usize, usize)) -> (usize, usize) {
    let (ds, de) = (text.display_at(s), text.display_at(e));
    let Some(shown) = text.text.get(ds..de.max(ds)) else {
        return (s, e);
    };
    // The source of the character shown at display offset `at`, when it
    // is an exact copy inside (s, e).
    let copied = |at: usize, c: char| {
        let from = text.src_at(at);
        let to = from + c.len_utf8();
        let mut buf = [0u8; 4];
        (from >= s && to <= e && src.get(from..to) == Some(c.encode_utf8(&mut buf).as_bytes()))
            .then_some((from, to))
    };
    let first = shown
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .and_then(|(i, c)| copied(ds + i, c));
    let last = shown
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_whitespace())
        .and_then(|(i, c)| copied(ds + i, c));
    match (first, last) {
        (Some((a, _)), Some((_, b))) if a < b => (a, b),
        (Some((a, _)), None) if a < e => (a, e),
        (None, Some((_, b))) if s < b => (s, b),
        _ => (s, e),
    }
}

fn source_pieces(doc: &Document, lo: usize, hi: usize, unit: Unit) -> Vec<(usize, usize)> {
    let Some(bytes) = doc.source().get(lo..hi) else {
        return Vec::new();
    };
    // Invalid UTF-8 would shift offsets if decoded: such a stretch is one
    // piece (rare, and still selectable).
    let Ok(text) = std::str::from_utf8(bytes) else {
        return trimmed(bytes, lo, 0, bytes.len()).into_iter().collect();
    };
    match unit {
        Unit::Paragraph => trimmed(bytes, lo, 0, bytes.len()).into_iter().collect(),
        Unit::Word => {
            text.split_word_bound_indices()
                .fold(Vec::<(usize, usize)>::new(), |mut acc, (i, w)| {
                    let blank = w.chars().all(char::is_whitespace);
                    match acc.last_mut() {
                        _ if blank => {}
                        // Glue pieces with no space between ("1937", ".").
                        Some(last) if last.1 == lo + i => last.1 = lo + i + w.len(),
                        _ => acc.push((lo + i, lo + i + w.len())),
                    }
                    acc
                })
        }
        Unit::Sentence => {
            // A single line break inside a paragraph (hard-wrapped text) is
            // not the end of a sentence; a blank line is. Same length, so
            // offsets stay exact.
            let flat = flatten_breaks(text);
            flat.split_sentence_bound_indices()
                .filter_map(|(i, s)| trimmed(bytes, lo, i, i + s.len()))
                .collect()
        }
    }
}

/// `text` with every line break that is not part of a blank line turned
/// into a space.
fn flatten_breaks(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let is_break = c == '\n' || c == '\r';
        if !is_break {
            out.push(c);
            continue;
        }
        // Look around for another line break separated only by spaces.
        let next = b[i + 1..]
            .iter()
            .find(|&&x| x != b' ' && x != b'\t' && x != b'\r');
        let prev = b[..i]
            .iter()
            .rev()
            .find(|&&x| x != b' ' && x != b'\t' && x != b'\r');
        let blank_line = next == Some(&b'\n') || (c == '\n' && prev == Some(&b'\n'));
        out.push(if blank_line { c } else { ' ' });
    }
    out
}

/// `bytes[s..e]` without leading and trailing whitespace, as source
/// offsets (`base` is where `bytes` starts); `None` if blank.
fn trimmed(bytes: &[u8], base: usize, s: usize, e: usize) -> Option<(usize, usize)> {
    let piece = bytes.get(s..e)?;
    let lead = piece.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = piece
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    (lead + trail < piece.len()).then(|| (base + s + lead, base + e - trail))
}

/// Where to look after (or before) a window that held nothing useful.
fn step_window(doc: &Document, block: usize, lo: usize, hi: usize, forward: bool) -> Option<usize> {
    let (bs, be) = doc.block_range(block);
    if forward {
        if hi < be {
            return Some(hi);
        }
        doc.next_block(block).map(|b| doc.block_range(b).0)
    } else {
        if lo > bs {
            return Some(lo - 1);
        }
        let prev = doc.prev_block(block)?;
        let (ps, pe) = doc.block_range(prev);
        Some(pe.saturating_sub(1).max(ps))
    }
}

/// The sentence holding `at`; on blank space, the next sentence (or, at
/// the end of the text, the last one). Never an empty range; `None` only
/// for a text with no words at all.
pub fn sentence_at(doc: &Document, at: usize) -> Option<(usize, usize)> {
    unit_at(doc, at, Unit::Sentence)
}

/// The `unit` holding `at` (see [`sentence_at`]).
pub fn unit_at(doc: &Document, at: usize, unit: Unit) -> Option<(usize, usize)> {
    let mut probe = at.min(doc.len());
    for _ in 0..MAX_WINDOWS {
        let (block, lo, hi) = window(doc, probe)?;
        let ps = pieces(doc, lo, hi, unit);
        if let Some(&p) = ps.iter().find(|&&(s, e)| s <= at && at < e) {
            return Some(p);
        }
        if let Some(&p) = ps.iter().find(|&&(s, _)| s > at) {
            return Some(p);
        }
        match step_window(doc, block, lo, hi, true) {
            Some(next) if next > probe => probe = next,
            _ => break,
        }
    }
    // Nothing after: the last piece before `at`.
    let mut probe = at.min(doc.len());
    for _ in 0..MAX_WINDOWS {
        let (block, lo, hi) = window(doc, probe)?;
        if let Some(&p) = pieces(doc, lo, hi, unit).last() {
            return Some(p);
        }
        match step_window(doc, block, lo, hi, false) {
            Some(prev) if prev < probe => probe = prev,
            _ => break,
        }
    }
    None
}

/// The next boundary of `unit` after (`forward`) or before `from`: piece
/// ends when `ends`, else piece starts.
pub fn boundary(
    doc: &Document,
    from: usize,
    unit: Unit,
    forward: bool,
    ends: bool,
) -> Option<usize> {
    let mut probe = from.min(doc.len());
    for _ in 0..MAX_WINDOWS {
        let (block, lo, hi) = window(doc, probe)?;
        let marks = pieces(doc, lo, hi, unit)
            .into_iter()
            .map(|(s, e)| if ends { e } else { s });
        let found = if forward {
            marks.filter(|&m| m > from).min()
        } else {
            marks.filter(|&m| m < from).max()
        };
        if found.is_some() {
            return found;
        }
        match step_window(doc, block, lo, hi, forward) {
            Some(next) if (forward && next > probe) || (!forward && next < probe) => probe = next,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::document::Format;

    fn doc(s: &str, f: Format) -> Document {
        Document::from_bytes(s.as_bytes().to_vec(), f).expect("loads")
    }

    fn text_of(d: &Document, r: Option<(usize, usize)>) -> String {
        r.map(|(s, e)| d.excerpt(s, e)).unwrap_or_default()
    }

    /// A sentence or word ends on the last character shown, never on the
    /// markup closing it: a bookmark on a bold list heading quoted
    /// "What the speech said**" (found taking a lecture with the app).
    #[test]
    fn markdown_pieces_start_and_end_on_shown_characters() {
        let src = "- **What the speech said**\n  - Lenin had warned against Stalin.\n\nIt was *very* _long_\n";
        let d = doc(src, Format::Markdown);
        let at = src.find("speech").expect("word");
        assert_eq!(text_of(&d, sentence_at(&d, at)), "What the speech said");
        assert_eq!(text_of(&d, unit_at(&d, at + 7, Unit::Word)), "said");
        let at = src.find("long").expect("word");
        assert_eq!(text_of(&d, sentence_at(&d, at)), "It was *very* _long");
        // Plain text is its own display: nothing is cut.
        let d = doc(src, Format::Text);
        let at = src.find("speech").expect("word");
        assert_eq!(text_of(&d, unit_at(&d, at + 7, Unit::Word)), "said**");
    }

    const TEXT: &str = "First sentence here. Second one follows,\nwrapped by hand. Third.\n\n\nNext paragraph starts. And ends.\n";

    #[test]
    fn the_sentence_at_an_offset_spans_hard_wrapped_lines() {
        let d = doc(TEXT, Format::Markdown);
        let at = TEXT.find("follows").expect("word");
        assert_eq!(
            text_of(&d, sentence_at(&d, at)),
            "Second one follows,\nwrapped by hand."
        );
    }

    #[test]
    fn on_blank_lines_the_next_sentence_is_taken() {
        let d = doc(TEXT, Format::Text);
        let blank = TEXT.find("\n\n\n").expect("blank") + 1;
        assert_eq!(
            text_of(&d, sentence_at(&d, blank)),
            "Next paragraph starts."
        );
        // After the last word: the last sentence, never an empty one.
        assert_eq!(text_of(&d, sentence_at(&d, TEXT.len())), "And ends.");
    }

    #[test]
    fn markdown_sentences_and_boundaries() {
        let md = "# Title\n\nOne two. Three *four* five.\n\nLast words here.\n";
        let d = doc(md, Format::Markdown);
        let at = md.find("two").expect("word");
        let (s, e) = sentence_at(&d, at).expect("sentence");
        assert_eq!(d.excerpt(s, e), "One two.");
        let next = boundary(&d, e, Unit::Sentence, true, true).expect("next end");
        assert_eq!(d.excerpt(s, next), "One two. Three *four* five.");
        let word = boundary(&d, e, Unit::Word, true, true).expect("word end");
        assert_eq!(d.excerpt(s, word), "One two. Three");
        let para = boundary(&d, e, Unit::Paragraph, true, true).expect("para end");
        assert_eq!(d.excerpt(s, para), "One two. Three *four* five.");
        let para2 = boundary(&d, para, Unit::Paragraph, true, true).expect("next para");
        assert!(d.excerpt(s, para2).ends_with("Last words here."));
        assert_eq!(
            boundary(&d, s, Unit::Sentence, false, false),
            Some(md.find("Title").expect("heading")),
            "back to the heading's first word (its `# ` is not shown)"
        );
    }

    #[test]
    fn words_keep_their_punctuation() {
        let d = doc("In 1937. Then\n", Format::Text);
        assert_eq!(boundary(&d, 0, Unit::Word, true, true), Some(2));
        assert_eq!(boundary(&d, 2, Unit::Word, true, true), Some(8));
    }
}
