//! Property tests across the text pipeline: whatever the bytes, sanitising
//! leaves no control character, wrapping never overflows and loses nothing,
//! block navigation is the same forwards and backwards, and a position
//! found again after a resize is on the same passage.

use crate::text::role::Roles;
use proptest::prelude::*;

use crate::text::document::{Document, Format};
use crate::text::reader::Reader;
use crate::text::richtext::RichText;
use crate::text::sanitize::text_width;
use crate::text::wrap::wrap_ranges;

/// Text built from pieces that stress the pipeline.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}".prop_map(String::from),
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\u{1b}]0;x\u{7}".to_string()),
        Just("\u{9b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{200d}".to_string()),
        Just("漢字".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("👩\u{200d}👩\u{200d}👧".to_string()),
        Just("❤️".to_string()),
        Just("\u{feff}".to_string()),
        Just("**b**".to_string()),
        Just("# ".to_string()),
        Just("- ".to_string()),
        Just("> ".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("&#27;".to_string()),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// `words` as a text of lines of 37 words.
fn lines_of(words: &[String]) -> Document {
    let text = words
        .chunks(37)
        .map(|c| c.join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    Document::from_bytes(text.into_bytes(), Format::Text).expect("text loads")
}

fn all_rows_text(r: &Reader) -> Vec<String> {
    r.visible.iter().map(|row| row.text()).collect()
}

proptest! {
    // No failure persistence: tests never write into the source tree.
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sanitised_text_has_no_controls_and_wraps_within_width(s in hostile_text(), width in 1usize..50) {
        let mut rich = RichText::new();
        for line in s.split(['\n', '\r']) {
            rich.push(line, Roles::NONE, 0);
        }
        for c in rich.text.chars() {
            prop_assert!(!c.is_control(), "control {:?} survived", c);
            let invisible = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}');
            prop_assert!(!invisible, "invisible {:?} survived", c);
        }
        let ranges = wrap_ranges(&rich, width);
        let mut joined = String::new();
        let mut last_end = 0;
        for (a, b) in ranges {
            prop_assert!(a >= last_end, "rows overlap");
            let row = &rich.text[a..b];
            // A single grapheme wider than the row is allowed alone.
            prop_assert!(text_width(row) <= width.max(2), "row {:?} wider than {}", row, width);
            joined.push_str(&rich.text[last_end..b]);
            last_end = b;
        }
        joined.push_str(&rich.text[last_end..]);
        prop_assert_eq!(joined, rich.text.clone(), "wrapping lost text");
    }

    /// A Markdown document's packed blocks come back as parsed, whatever
    /// the text: entities, tabs, controls, CRLF soft breaks, tables.
    #[test]
    fn packed_blocks_come_back_as_they_were_parsed(s in hostile_text()) {
        let blocks = crate::text::markdown::parse(&s);
        let packed = crate::text::markdown::parse_packed(&s);
        prop_assert_eq!(packed.len(), blocks.len());
        for (i, b) in blocks.iter().enumerate() {
            let back = packed.block(i, &s);
            prop_assert_eq!(back.as_ref(), Some(b));
        }
    }

    #[test]
    fn any_document_renders_and_navigates_both_ways(s in hostile_text(), md in any::<bool>(), w in 1usize..90, h in 1usize..30) {
        let format = if md { Format::Markdown } else { Format::Text };
        let Ok(doc) = Document::from_bytes(s.into_bytes(), format) else {
            return Ok(());
        };
        let mut fwd = Vec::new();
        let mut id = doc.first_block();
        while let Some(i) = id {
            fwd.push(i);
            prop_assert!(fwd.len() < 100_000);
            id = doc.next_block(i);
        }
        let mut back = Vec::new();
        let mut id = doc.last_block();
        while let Some(i) = id {
            back.push(i);
            prop_assert!(back.len() < 100_000);
            id = doc.prev_block(i);
        }
        back.reverse();
        prop_assert_eq!(&fwd, &back);
        let mut r = Reader::new(doc, w, h);
        r.bottom();
        r.scroll_up(7);
        r.down(3);
        r.resize(w / 2 + 1, h + 1);
        for row in &r.visible {
            prop_assert!(row.width() <= (w / 2 + 1).max(2), "row {:?} overflows", row.text());
        }
    }

    #[test]
    fn moves_keep_the_view_a_full_rebuild_makes(s in hostile_text(), md in any::<bool>(), w in 1usize..40, h in 1usize..12, moves in proptest::collection::vec((0u8..6, 1usize..30), 1..40)) {
        let format = if md { Format::Markdown } else { Format::Text };
        let Ok(doc) = Document::from_bytes(s.repeat(3).into_bytes(), format) else {
            return Ok(());
        };
        let mut r = Reader::new(doc, w, h);
        for (m, n) in moves {
            match m {
                0 => r.down(n),
                1 => r.up(n),
                2 => r.scroll_down(n),
                3 => r.scroll_up(n),
                4 => r.down(1),
                _ => r.up(1),
            }
            r.assert_same_as_rebuilt();
        }
    }

    /// Wherever the cursor is, any resize leaves it on the row that
    /// holds its words (a note is taken there).
    #[test]
    fn the_cursor_keeps_its_words_through_any_resize(words in proptest::collection::vec("[a-z]{1,9}", 50..400), w1 in 8usize..100, w2 in 8usize..100, h1 in 2usize..20, h2 in 2usize..20, page in 0usize..30, down in 0usize..20) {
        let doc = lines_of(&words);
        let mut r = Reader::new(doc, w1, h1);
        r.scroll_down(page);
        r.down(down);
        let at = r.cursor_offset();
        r.resize(w2, h2);
        let (_, end) = r.row_span(r.cursor_row()).expect("the cursor is on a row");
        prop_assert!((r.cursor_offset()..end).contains(&at),
            "the cursor's row {}..{} does not hold {}", r.cursor_offset(), end, at);
    }

    #[test]
    fn a_position_survives_any_resize(words in proptest::collection::vec("[a-z]{1,9}", 50..400), w1 in 8usize..100, w2 in 8usize..100, page in 0usize..30) {
        let doc = lines_of(&words);
        let mut r = Reader::new(doc, w1, 12);
        r.scroll_down(page);
        let at = r.top_offset();
        let cursor = r.cursor_offset();
        let word = r.doc.excerpt(at, at + 40).split(' ').next().unwrap_or_default().to_string();
        r.resize(w2, 12);
        let top = r.top_offset();
        let rows = all_rows_text(&r);
        if r.at_end && top < at {
            // Near the end the view is kept full, so the passage may sit
            // lower on the screen; it must still be shown.
            prop_assert!(r.visible_end >= at, "passage {:?} scrolled out", word);
        } else if top > at {
            // The cursor's words no longer fitted under the passage: the
            // text moved up only so far that they are on the last row.
            let last = r.visible.len() - 1;
            prop_assert!(
                r.cursor_row() == last && r.cursor_offset() <= cursor && cursor < r.visible_end,
                "top {} moved past {}, the cursor's words at {} on row {} of {}",
                top, at, cursor, r.cursor_row(), r.visible.len()
            );
        } else {
            prop_assert!(top <= at, "top {} moved past {}", top, at);
            let first_row = rows.first().cloned().unwrap_or_default();
            prop_assert!(
                r.doc.excerpt(top, at + word.len()).ends_with(&word) && (at - top) < first_row.len() + 1,
                "passage {:?} is not on the top row {:?}", word, first_row
            );
        }
    }
}
