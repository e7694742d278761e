//! Untrusted text → text that is safe to put in a ratatui cell.
//!
//! Everything that comes from a document, a file name, a note or an error
//! message passes through here before it becomes a `Span`. ratatui is not a
//! sanitiser: `Paragraph` silently drops graphemes holding controls (gluing
//! words together) and `Cell::set_symbol` passes escapes straight to the
//! terminal. So every control, bidi override or invisible formatting
//! character becomes a *visible* placeholder, tabs are expanded, and each
//! grapheme is measured with the renderer's own width function
//! ([`grapheme_width`]) so wrapped lines never overflow their pane.

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Tab stops every this many columns (RELIABILITY U3).
pub const TAB_STOP: usize = 8;

/// Code points kept in one grapheme; the rest of a "Zalgo" stack is dropped
/// so one cell cannot carry kilobytes of combining marks. Twelve leaves room
/// for the longest emoji ZWJ and tag sequences in use.
const MAX_CODE_POINTS_PER_GRAPHEME: usize = 12;

/// The display width of one grapheme, exactly as ratatui's buffer measures
/// it. Wrapping with any other function (textwrap's own disagrees on emoji
/// and ZWJ sequences) lets lines overflow.
pub fn grapheme_width(g: &str) -> usize {
    if g.is_empty() {
        0
    } else {
        usize::from(g.cell_width())
    }
}

/// Display width of already-sanitised text. Printable ASCII is a column a
/// byte: measured without grapheme segmentation (the status bar and every
/// wrapped row ask for widths on each frame).
pub fn text_width(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    plain_width(s).unwrap_or_else(|| s.graphemes(true).map(grapheme_width).sum())
}

/// A character that is a grapheme of its own, one column wide, when the
/// next one is such a character too (or there is none): printable ASCII,
/// the middle dot, the letters of Latin (with Latin-1 and Extended-A and
/// -B), Greek and basic Cyrillic, dashes, curly quotes, the ellipsis, the
/// box drawing and block characters of the panes' borders, and the
/// geometric shapes of the lists' marks (`◆ ▶ ○ ◐ ●`; a Library row with
/// its bookmarks' `◆` went through the general walk on every frame it was
/// drawn), but for the two drawn two columns wide (U+25FD, U+25FE). None
/// of them is a combining mark or joins what follows (UAX #29); a test
/// checks every one against the segmenter and the width ratatui gives.
pub fn plain_char(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{b7}'
        | '\u{c0}'..='\u{24f}'
        | '\u{386}'..='\u{3ce}'
        | '\u{410}'..='\u{44f}'
        | '\u{2013}'..='\u{2014}'
        | '\u{2018}'..='\u{201d}'
        | '\u{2026}'
        | '\u{2500}'..='\u{25fc}')
}

/// The width of `s` when every character of it is plain ([`plain_char`]):
/// its number of characters, a column each. `None` for any other text.
pub fn plain_width(s: &str) -> Option<usize> {
    let mut n = 0;
    for c in s.chars() {
        if !plain_char(c) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// What the sanitiser emits: ordinary text, or a placeholder standing for
/// something that must not reach the terminal as is (styled differently so
/// the reader can tell `␛` in the text from a real escape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// A placeholder for the given source text.
    Placeholder(&'a str),
}

/// How a character is shown.
enum Class {
    Keep,
    Drop,
    Placeholder,
}

fn classify(c: char) -> Class {
    match c {
        '\u{00AD}' => Class::Drop, // soft hyphen: a line-break hint, invisible by design
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}' => Class::Placeholder,
        // Bidi controls and invisible formatting (Trojan Source, RELIABILITY U4).
        '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}' => Class::Placeholder,
        // Byte marks: invalid bytes of a document (text::decode).
        '\u{EF80}'..='\u{EFFF}' => Class::Placeholder,
        _ => Class::Keep,
    }
}

/// The visible stand-in for a character that must not be shown as is.
pub fn placeholder(c: char) -> String {
    match c {
        // C0 controls have "control pictures" (␛, ␇, ␍ …) one cell wide.
        '\u{0000}'..='\u{001F}' => char::from_u32(0x2400 + c as u32)
            .map(String::from)
            .unwrap_or_else(|| "\u{FFFD}".to_string()),
        '\u{007F}' => "\u{2421}".to_string(),
        // C1 controls are shown as their byte value, never decoded as
        // Latin-1 (0x9B would be a live CSI on some terminals).
        '\u{0080}'..='\u{009F}' => format!("<{:02X}>", c as u32),
        _ => match crate::text::decode::marked_byte(c) {
            Some(byte) => format!("<{byte:02X}>"),
            None => format!("⟨U+{:04X}⟩", c as u32),
        },
    }
}

/// Whether a grapheme is an emoji tag sequence (a subdivision flag such as
/// Scotland's): black flag, tag letters, cancel tag. Those tags are kept.
fn is_flag_tag_sequence(g: &str) -> bool {
    g.starts_with('\u{1F3F4}') && g.ends_with('\u{E007F}')
}

/// Splits untrusted text (containing no line breaks the caller cares about)
/// into pieces, calling `emit` for each one in order. `col` is the display
/// column the text starts at (for tab stops) and is advanced.
///
/// The pieces concatenated are the display text; each piece's source length
/// is `src_len` in the callback so callers can keep a source-offset map.
pub fn sanitize_pieces(input: &str, col: &mut usize, mut emit: impl FnMut(Piece<'_>, usize)) {
    // Fast path: printable ASCII needs no segmentation and no placeholders.
    if input.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        if !input.is_empty() {
            *col += input.len();
            emit(Piece::Text(input), input.len());
        }
        return;
    }
    let mut buf = String::new();
    let mut rest = input;
    while !rest.is_empty() {
        // A run of plain characters goes out whole (one piece, not one per
        // character): all but its last character, which may be the base of
        // a combining mark that follows and so is left to the grapheme
        // walk. Most text is such runs, curly quotes, dashes and accented
        // letters included (an essay's parse spent a third of its time
        // walking those one grapheme at a time).
        let (mut run, mut columns, mut last) = (0, 0usize, 0);
        for c in rest.chars() {
            if !plain_char(c) {
                break;
            }
            last = c.len_utf8();
            run += last;
            columns += 1;
        }
        let (bulk, columns) = if run == rest.len() {
            (run, columns)
        } else {
            (run - last, columns.saturating_sub(1))
        };
        if bulk > 0 {
            let (text, tail) = rest.split_at(bulk);
            *col += columns;
            emit(Piece::Text(text), bulk);
            rest = tail;
            continue;
        }
        let Some(g) = rest.graphemes(true).next() else {
            break;
        };
        rest = &rest[g.len()..];
        sanitize_grapheme(g, col, &mut buf, &mut emit);
    }
}

/// One grapheme of [`sanitize_pieces`]: a tab to the next stop, a CRLF as
/// one picture, a clean grapheme as itself, the rest character by
/// character.
fn sanitize_grapheme(
    g: &str,
    col: &mut usize,
    buf: &mut String,
    emit: &mut impl FnMut(Piece<'_>, usize),
) {
    if g == "\t" {
        let n = TAB_STOP - (*col % TAB_STOP);
        buf.clear();
        buf.extend(std::iter::repeat_n(' ', n));
        *col += n;
        emit(Piece::Text(buf), 1);
        return;
    }
    if g == "\r\n" {
        // A CRLF reaching here is a line end inside a single-line
        // context: show it as one line-feed picture.
        *col += 1;
        emit(Piece::Placeholder("\u{240A}"), g.len());
        return;
    }
    let clean = g.chars().all(|c| matches!(classify(c), Class::Keep))
        && !(g.ends_with('\u{200D}'))
        && g.chars().count() <= MAX_CODE_POINTS_PER_GRAPHEME;
    if clean && g.contains(['\u{FF9E}', '\u{FF9F}']) {
        // Halfwidth katakana sound marks: ratatui measures `ｶﾞ` as 3
        // cells, terminals draw it in 2, and the screen drifts until a
        // full redraw. The fullwidth marks (゛ ゜) measure 2 everywhere.
        buf.clear();
        buf.extend(g.chars().map(|c| match c {
            '\u{FF9E}' => '\u{309B}',
            '\u{FF9F}' => '\u{309C}',
            c => c,
        }));
        *col += text_width(buf);
        emit(Piece::Text(buf), g.len());
        return;
    }
    if clean {
        let w = grapheme_width(g);
        if w == 0 {
            // A lone combining mark: give it a dotted circle to sit on,
            // otherwise the renderer skips zero-width graphemes.
            buf.clear();
            buf.push('\u{25CC}');
            buf.push_str(g);
            *col += grapheme_width(buf);
            emit(Piece::Text(buf), g.len());
        } else {
            *col += w;
            emit(Piece::Text(g), g.len());
        }
        return;
    }
    if is_flag_tag_sequence(g) && g.chars().count() <= 16 {
        *col += grapheme_width(g).max(1);
        emit(Piece::Text(g), g.len());
        return;
    }
    sanitize_grapheme_slow(g, col, emit);
}

/// `s.grapheme_indices(true)`, with printable ASCII followed by ASCII (or
/// the end) taken a byte at a time without the segmentation tables: two
/// ASCII characters other than CR LF always have a boundary between them
/// (the joining classes, Extend, SpacingMark, Prepend and ZWJ, are all
/// beyond ASCII). Wrapping walks every grapheme of the blocks on screen,
/// and most of them are such bytes.
pub fn grapheme_indices_fast(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let &c = b.get(i)?;
        let ascii_next = b.get(i + 1).is_none_or(u8::is_ascii);
        let len = if (0x20..0x7F).contains(&c) && ascii_next {
            1
        } else {
            s[i..].graphemes(true).next().map_or(s.len() - i, str::len)
        };
        let at = i;
        i += len;
        Some((at, &s[at..i]))
    })
}

/// Character by character for a grapheme holding something unsafe: kept
/// characters are gathered and emitted together (so combining marks stay on
/// their base), placeholders go between them.
fn sanitize_grapheme_slow(g: &str, col: &mut usize, emit: &mut impl FnMut(Piece<'_>, usize)) {
    let mut kept = 0usize;
    let mut pending = String::new();
    let mut pending_src = 0usize;
    fn flush(
        pending: &mut String,
        pending_src: &mut usize,
        col: &mut usize,
        emit: &mut impl FnMut(Piece<'_>, usize),
    ) {
        if pending.is_empty() && *pending_src == 0 {
            return;
        }
        if !pending.is_empty() && grapheme_width(pending) == 0 {
            pending.insert(0, '\u{25CC}');
        }
        *col += text_width(pending);
        emit(Piece::Text(pending), *pending_src);
        pending.clear();
        *pending_src = 0;
    }
    let mut chars = g.chars().peekable();
    while let Some(c) = chars.next() {
        let src_len = c.len_utf8();
        let stray_zwj = c == '\u{200D}' && chars.peek().is_none();
        match classify(c) {
            Class::Drop => pending_src += src_len,
            Class::Keep if !stray_zwj => {
                kept += 1;
                if kept <= MAX_CODE_POINTS_PER_GRAPHEME {
                    pending.push(c);
                }
                pending_src += src_len;
            }
            Class::Keep | Class::Placeholder => {
                flush(&mut pending, &mut pending_src, col, emit);
                let p = placeholder(c);
                *col += text_width(&p);
                emit(Piece::Placeholder(&p), src_len);
            }
        }
    }
    flush(&mut pending, &mut pending_src, col, emit);
}

/// Sanitises a short untrusted string for one line of the UI (a file name,
/// a title, an error message): line breaks become `␊`, tabs a space, and
/// the result is cut to `max_chars` characters with an ellipsis.
pub fn sanitize_line(input: &str, max_chars: usize) -> String {
    // Printable ASCII (most titles, previews and messages) is kept as it
    // is: only the cut is left to make. The list rows sanitise on every
    // frame that draws them.
    if input.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        if input.len() <= max_chars {
            return input.to_string();
        }
        let mut out = String::with_capacity(max_chars + 2);
        out.push_str(&input[..max_chars.saturating_sub(1)]);
        out.push('…');
        return out;
    }
    // So are letters, dashes and quotes: a note's preview in French or
    // Greek went through the general walk on every frame.
    if let Some(n) = plain_width(input) {
        if n <= max_chars {
            return input.to_string();
        }
        return first_chars_and_ellipsis(input, max_chars.saturating_sub(1));
    }
    sanitize_any_line(input, max_chars)
}

/// The first `keep` characters of `s`, then `…`: plain text cut to fit.
pub fn first_chars_and_ellipsis(s: &str, keep: usize) -> String {
    let cut = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    let mut out = String::with_capacity(cut + 3);
    out.push_str(&s[..cut]);
    out.push('…');
    out
}

/// [`sanitize_line`] for any text.
fn sanitize_any_line(input: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(input.len().min(max_chars * 4));
    let mut col = 0usize;
    let mut count = 0usize;
    let mut truncated = false;
    for line_piece in input.split_inclusive('\n') {
        let (body, brk) = match line_piece.strip_suffix('\n') {
            Some(b) => (b.strip_suffix('\r').unwrap_or(b), true),
            None => (line_piece, false),
        };
        let body = body.replace('\t', " ");
        sanitize_pieces(&body, &mut col, |p, _| {
            let s = match p {
                Piece::Text(s) | Piece::Placeholder(s) => s,
            };
            for ch in s.chars() {
                if count >= max_chars {
                    truncated = true;
                    return;
                }
                out.push(ch);
                count += 1;
            }
        });
        if brk {
            if count >= max_chars {
                truncated = true;
            } else {
                out.push('\u{240A}');
                count += 1;
            }
        }
        if truncated {
            break;
        }
    }
    if truncated {
        out.pop();
        out.push('…');
    }
    out
}

/// Like [`sanitize_line`] but keeps the end, where a path's file name is.
pub fn sanitize_tail(input: &str, max_chars: usize) -> String {
    let count = input.chars().count();
    if count <= max_chars {
        return sanitize_line(input, max_chars);
    }
    let tail: String = input.chars().skip(count + 1 - max_chars).collect();
    format!("…{}", sanitize_line(&tail, max_chars.saturating_sub(1)))
}

/// 1-based line and column (in characters) of byte offset `at`, for
/// messages about a file. Works on bytes, so an offset off a char boundary
/// cannot panic.
pub fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    // UTF-8 continuation bytes (0b10xx_xxxx) do not start a character.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, column)
}

/// For text kept as text (an export, the note editor): replaces control characters (but line breaks and tabs) and invisible
/// format characters with visible stand-ins.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            '\r' => String::new(),
            '\u{0}'..='\u{1f}' => {
                char::from_u32(0x2400 + c as u32).map_or_else(String::new, String::from)
            }
            '\u{7f}' => "␡".to_string(),
            '\u{80}'..='\u{9f}' => format!("<{:02X}>", c as u32),
            '\u{ef80}'..='\u{efff}' => placeholder(c),
            '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}' => {
                format!("⟨U+{:04X}⟩", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {

    /// What each piece shows and how much source it stands for, one
    /// grapheme at a time (how `sanitize_pieces` worked before it sent
    /// runs of plain characters whole): the same text, the same columns, and every
    /// piece's source still adding up, whatever the mix.
    fn per_grapheme(input: &str) -> (String, usize, usize) {
        let (mut out, mut col, mut src) = (String::new(), 0, 0);
        let mut buf = String::new();
        let mut emit = |p: Piece<'_>, n: usize| {
            out.push_str(match p {
                Piece::Text(t) | Piece::Placeholder(t) => t,
            });
            src += n;
        };
        for g in input.graphemes(true) {
            sanitize_grapheme(g, &mut col, &mut buf, &mut emit);
        }
        (out, col, src)
    }

    fn whole(input: &str) -> (String, usize, usize) {
        let (mut out, mut col, mut src) = (String::new(), 0, 0);
        sanitize_pieces(input, &mut col, |p, n| {
            out.push_str(match p {
                Piece::Text(t) | Piece::Placeholder(t) => t,
            });
            src += n;
        });
        (out, col, src)
    }

    proptest::proptest! {
        #[test]
        fn plain_runs_sent_whole_match_the_grapheme_walk(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[ -~]{0,12}",
                    "[é’“”…Жώ│·◆ -~]{1,8}",
                    proptest::strategy::Just("e\u{301}".to_string()),
                    proptest::strategy::Just("\u{301}".to_string()),
                    proptest::strategy::Just("\t".to_string()),
                    proptest::strategy::Just("\r\n".to_string()),
                    proptest::strategy::Just("\u{1b}[31m".to_string()),
                    proptest::strategy::Just("—".to_string()),
                    proptest::strategy::Just("ｶﾞ".to_string()),
                    proptest::strategy::Just("👍🏽".to_string()),
                    proptest::strategy::Just("#\u{fe0f}\u{20e3}".to_string()),
                    proptest::strategy::Just("\u{202e}".to_string()),
                    proptest::strategy::Just("\u{200d}".to_string()),
                    proptest::strategy::Just("日本".to_string()),
                ],
                0..12,
            )
        ) {
            let input: String = parts.concat();
            let (a, b) = (whole(&input), per_grapheme(&input));
            proptest::prop_assert_eq!(&a, &b);
            proptest::prop_assert_eq!(a.2, input.len());
        }
    }

    proptest::proptest! {
        /// Printable ASCII takes a short cut: the same line, cut at the
        /// same place, as the general walk gives.
        #[test]
        fn a_printable_ascii_line_is_sanitised_as_any_line(
            s in "[ -~]{0,30}",
            max in 0usize..34,
        ) {
            proptest::prop_assert_eq!(sanitize_line(&s, max), sanitize_any_line(&s, max));
        }

        /// So do plain letters, dashes, quotes and box lines, and a
        /// line of them is measured a column a character.
        #[test]
        fn a_line_of_plain_characters_is_sanitised_as_any_line(
            s in "([ -~]|·|é|Ž|ɏ|Ά|ώ|Ж|я|–|—|‘|”|…|│|▟|◆|▶|◼){0,30}",
            max in 0usize..34,
        ) {
            proptest::prop_assert_eq!(sanitize_line(&s, max), sanitize_any_line(&s, max));
            let walked: usize = s.graphemes(true).map(grapheme_width).sum();
            proptest::prop_assert_eq!(text_width(&s), walked);
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_grapheme_indices_are_the_segmenters(
            s in "([ -~]|\t|\r|\n|\u{301}|\u{200d}|\u{fe0f}|\u{20e3}|\u{600}|\u{903}|é|—|日|👍|🏽|\u{1F1EB}|\u{1F1F7}|ｶ|ﾞ){0,40}"
        ) {
            let fast: Vec<_> = grapheme_indices_fast(&s).collect();
            let slow: Vec<_> = s.grapheme_indices(true).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn a_combining_mark_after_ascii_stays_on_its_letter() {
        assert_eq!(
            whole("cafe\u{301} au lait"),
            per_grapheme("cafe\u{301} au lait")
        );
        assert_eq!(whole("cafe\u{301}").0, "cafe\u{301}");
    }
    use super::*;

    fn shown(input: &str) -> String {
        let mut out = String::new();
        let mut col = 0;
        sanitize_pieces(input, &mut col, |p, _| match p {
            Piece::Text(s) | Piece::Placeholder(s) => out.push_str(s),
        });
        out
    }

    #[test]
    fn t3_placeholders_are_faithful() {
        let table = [
            ("a\u{1b}b", "a␛b"),
            ("\u{7}", "␇"),
            ("x\u{9b}y", "x<9B>y"),
            ("\u{202E}evil", "⟨U+202E⟩evil"),
            ("a\rb", "a␍b"),
            ("\u{7f}", "␡"),
            ("zero\u{200B}width", "zero⟨U+200B⟩width"),
            ("mid\u{FEFF}bom", "mid⟨U+FEFF⟩bom"),
            ("tag\u{E0041}", "tag⟨U+E0041⟩"),
        ];
        for (input, want) in table {
            assert_eq!(shown(input), want, "input {input:?}");
        }
    }

    #[test]
    fn u3_tabs_expand_to_stops_of_eight() {
        assert_eq!(shown("a\tb"), "a       b");
        assert_eq!(shown("abcdefgh\tb"), "abcdefgh        b");
        let mut col = 3;
        let mut out = String::new();
        sanitize_pieces("\t", &mut col, |p, _| {
            if let Piece::Text(s) = p {
                out.push_str(s)
            }
        });
        assert_eq!(out.len(), 5);
        assert_eq!(col, 8);
    }

    #[test]
    fn zwj_inside_emoji_is_kept_and_stray_zwj_shown() {
        let family = "👩\u{200D}👩\u{200D}👧";
        assert_eq!(shown(family), family);
        assert_eq!(shown("a\u{200D}"), "a⟨U+200D⟩");
    }

    #[test]
    fn lone_combining_mark_gets_a_base() {
        let s = shown("\u{0301}x");
        assert!(s.starts_with('\u{25CC}'), "{s:?}");
        assert_eq!(text_width(&s), 2);
    }

    #[test]
    fn zalgo_is_capped() {
        let zalgo: String = std::iter::once('e')
            .chain(std::iter::repeat_n('\u{0301}', 500))
            .collect();
        let s = shown(&zalgo);
        assert!(
            s.chars().count() <= MAX_CODE_POINTS_PER_GRAPHEME,
            "{}",
            s.len()
        );
    }

    #[test]
    fn widths_match_the_renderer() {
        assert_eq!(grapheme_width("a"), 1);
        assert_eq!(grapheme_width("漢"), 2);
        assert_eq!(grapheme_width("❤️"), 2);
        assert_eq!(text_width("e\u{0301}"), 1);
    }

    #[test]
    fn sanitize_line_caps_and_breaks() {
        assert_eq!(sanitize_line("a\nb", 10), "a␊b");
        assert_eq!(sanitize_line("a\r\nb", 10), "a␊b");
        assert_eq!(sanitize_line("a\rb", 10), "a␍b");
        let long = "x".repeat(1000);
        let s = sanitize_line(&long, 20);
        assert_eq!(s.chars().count(), 20);
        assert!(s.ends_with('…'));
        assert!(!sanitize_line("\u{1b}]0;PWNED\u{7}", 50).contains('\u{1b}'));
    }

    #[test]
    fn no_control_survives_any_input() {
        let nasty: String = (0u32..0x300)
            .chain(0x2000..0x2070)
            .chain([0xFEFF, 0xE0001, 0xE0041])
            .filter_map(char::from_u32)
            .collect();
        let s = shown(&nasty);
        for c in s.chars() {
            assert!(!c.is_control(), "control {c:?} survived");
            assert!(
                matches!(classify(c), Class::Keep),
                "unsafe {:?} survived",
                c as u32
            );
        }
    }
}
