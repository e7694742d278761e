//! Drawing: a pure function of [`App`] state, one file per pane and
//! overlay, into the rectangles of [`crate::app::geometry`] (which `update`
//! also uses, so the two can never disagree); [`theme`] gives every role
//! its style.
//!
//! Nothing here wraps document text or reads files: the reader's rows were
//! prepared by `update`. Every string from outside was sanitised before it
//! got here; [`fit`] only cuts to width.

pub mod find;
mod frame;
pub mod help;
pub mod keep;
pub mod library;
mod list;
pub mod notes;
pub mod outline;
pub mod reader;
#[cfg(test)]
mod redraw_tests;
pub mod review;
pub mod status;
#[cfg(test)]
mod tests;
pub mod theme;
pub mod unsaved;

use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use crate::app::{App, Focus, Overlay};
use crate::text::sanitize::{grapheme_width, text_width};
use keep::Keep;

pub use frame::Frame;

pub use crate::app::geometry::{Chrome, ITEM_ROWS, Panes, WIDE, inner, list_offset, panes};

/// Cuts sanitised text to `width` columns, with `…` when cut.
///
/// Called for every title and list row of every frame, so it never
/// measures more of `s` than the width needs: printable ASCII is one column
/// a byte, and other text is measured one grapheme at a time only until it
/// is known to overflow.
pub fn fit(s: &str, width: usize) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        if s.len() <= width {
            return s.to_string();
        }
        if width == 0 {
            return String::new();
        }
        let mut out = String::with_capacity(width + 2);
        out.push_str(&s[..width - 1]);
        out.push('…');
        return out;
    }
    // Plain letters and punctuation from the start: a column a character
    // while the next is plain too. Once `width + 1` of them are counted
    // the text overflows, whatever comes after (a note's text with a word
    // of Japanese at its end was measured a grapheme at a time, a twentieth
    // of a line key).
    let mut count = 0;
    let mut cut = 0;
    let mut plain = true;
    for (i, c) in s.char_indices() {
        if !crate::text::sanitize::plain_char(c) {
            plain = false;
            break;
        }
        if count + 1 == width {
            cut = i;
        }
        count += 1;
        if count > width {
            if width == 0 {
                return String::new();
            }
            let mut out = String::with_capacity(cut + 3);
            out.push_str(&s[..cut]);
            out.push('…');
            return out;
        }
    }
    if plain {
        return s.to_string();
    }
    let mut used = 0;
    // Where the text is cut if it overflows: the graphemes that leave a
    // column for the ellipsis.
    let mut keep = None;
    for (at, g) in s.grapheme_indices(true) {
        let gw = grapheme_width(g);
        if keep.is_none() && used + gw + 1 > width {
            keep = Some(at);
        }
        used += gw;
        if used > width {
            break;
        }
    }
    if used <= width {
        return s.to_string();
    }
    let mut out = s[..keep.unwrap_or(0)].to_string();
    if width > 0 {
        out.push('…');
    }
    out
}

/// Lines of sanitised text wrapped to `width` columns by the reader's
/// wrapping, which measures a wide character as the screen does. For
/// `Paragraph`: its own wrapping put a wide character in a row's last
/// column with half of it outside the area (over the next pane, or past
/// the screen's edge, where a terminal moves it to the next row). A line
/// of several styles is cut where its pieces are.
pub fn wrap_lines(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        // Where each span starts in `text`, with its style.
        let mut starts = Vec::with_capacity(line.spans.len());
        let mut at = 0;
        for s in &line.spans {
            starts.push((at, s.style));
            at += s.content.len();
        }
        for (a, b) in crate::text::wrap::wrap_str(&text, usize::from(width)) {
            let mut row = Vec::new();
            for (i, &(start, style)) in starts.iter().enumerate() {
                let end = starts.get(i + 1).map_or(text.len(), |n| n.0);
                let (from, to) = (start.max(a), end.min(b));
                if from < to {
                    row.push(Span::styled(text[from..to].to_string(), style));
                }
            }
            out.push(Line::from(row).style(line.style));
        }
    }
    out
}

/// A pane's title of a fixed `head`, some `words` (what a filter holds)
/// and a fixed `tail` (its counts), for a pane `width` columns wide: the
/// words are cut to the room the rest leaves them, so the counts stay
/// whole (the frame cuts a title at its edge, and a filtered Library's
/// count lost its end in a pane of 30 columns). Where not even a
/// column is left for them, the title as it is.
pub fn titled(head: &str, words: &str, tail: &str, width: u16) -> String {
    // The frame takes a column on either side of the title.
    let room = usize::from(width).saturating_sub(2);
    let fixed = text_width(head) + text_width(tail);
    let words = match room.checked_sub(fixed) {
        Some(left) if left > 0 => fit(words, left),
        _ => words.to_string(),
    };
    format!("{head}{words}{tail}")
}

/// Cuts sanitised text to its last `width` columns, with `…` in front when
/// cut (the end of a long input being typed).
pub fn fit_tail(s: &str, width: usize) -> String {
    if text_width(s) <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut used = 0;
    let mut start = s.len();
    for (at, g) in s.grapheme_indices(true).rev() {
        let gw = grapheme_width(g);
        if used + gw + 1 > width {
            break;
        }
        used += gw;
        start = at;
    }
    format!("…{}", &s[start..])
}

/// Writes styled pieces of text from (`x`, `y`), at most `max_width`
/// columns, as `Buffer::set_line` does. Printable ASCII (most text) skips
/// ratatui's grapheme segmentation, a byte being a column: the reader's
/// rows are drawn on every key, and segmenting them was most of a frame.
/// Other text (an accent, a curly quote, a CJK word) goes through
/// ratatui's `set_stringn` with the ASCII byte on each side of it, and only
/// that: graphemes always break between two printable ASCII bytes (no
/// rule of UAX #29 joins them), and nowhere else is the text cut, so the
/// graphemes, and the cells, are the ones of the whole span.
pub fn set_spans<'a>(
    buf: &mut ratatui::buffer::Buffer,
    mut x: u16,
    y: u16,
    spans: impl IntoIterator<Item = (&'a str, ratatui::style::Style)>,
    max_width: u16,
) {
    let right = buf.area.right().min(x.saturating_add(max_width));
    for (text, style) in spans {
        if x >= right {
            break;
        }
        x = set_span(buf, x, y, text, style, right);
    }
}

/// One span of [`set_spans`] from column `x`, up to `right`; the column
/// after it. Not generic, so every pane's spans run one copy of this code:
/// a copy for each caller's iterator was more code to fetch on a frame
/// that comes after the machine was idle, when a pane's first draw costs
/// ten times its second (issue 12, timed in the run loop).
#[inline(never)]
fn set_span(
    buf: &mut ratatui::buffer::Buffer,
    mut x: u16,
    y: u16,
    text: &str,
    style: ratatui::style::Style,
    right: u16,
) -> u16 {
    let printable = |b: &u8| (0x20..0x7f).contains(b);
    let mut rest = text;
    while !rest.is_empty() && x < right {
        let bytes = rest.as_bytes();
        let ascii = bytes.iter().take_while(|b| printable(b)).count();
        // Before other text the run's last byte is left to it: a
        // combining mark after it belongs to it.
        let run = if ascii == bytes.len() {
            ascii
        } else {
            ascii.saturating_sub(1)
        };
        if run > 0 {
            // Only printable ASCII comes here (checked just above): no
            // escape can reach the terminal, which is what the lint
            // guards.
            let n = run.min(usize::from(right - x));
            #[allow(clippy::disallowed_methods)]
            for (i, cell) in row_cells(buf, x, y, n).iter_mut().enumerate() {
                cell.set_symbol(&rest[i..=i]).set_style(style);
            }
            x += n as u16;
            rest = &rest[run..];
            continue;
        }
        // Letters of Latin, Greek and Cyrillic text and common
        // punctuation, each followed by another such character: each
        // is a grapheme one column wide ([`plain_char`]), set without
        // ratatui's segmentation (a row with accents and quotes called
        // it a dozen times, a sixth of a line key).
        // Set on the row's cells as they come (each cell looked up
        // by its position was a check of the area and an index), and
        // only until two printable ASCII bytes in a row: those go back
        // to the run above (past a first curly quote or `·`, the rest of
        // a line went a character at a time, a tenth of a resize).
        let ascii = |c: char| c.is_ascii() && printable(&(c as u8));
        let mut used = 0;
        let cells = row_cells(buf, x, y, usize::from(right - x));
        let mut set = 0;
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, c)| c);
            if set >= cells.len() || !plain_char(c) || !next.is_none_or(plain_char) {
                break;
            }
            if i > 0 && ascii(c) && next.is_some_and(ascii) {
                break;
            }
            used = i + c.len_utf8();
            // Sanitised text, a character that is no control: no
            // escape can reach the terminal.
            #[allow(clippy::disallowed_methods)]
            cells[set].set_symbol(&rest[i..used]).set_style(style);
            set += 1;
        }
        x += set as u16;
        if used > 0 {
            rest = &rest[used..];
            continue;
        }
        // Up to the first two printable ASCII bytes in a row, the first
        // of them included (a prepended mark joins the byte after it).
        let end = bytes
            .windows(2)
            .position(|w| printable(&w[0]) && printable(&w[1]))
            .map_or(bytes.len(), |i| i + 1);
        let room = usize::from(right - x);
        // A symbol takes at most two columns a byte. When the piece
        // may not fit, the rest of the span goes to ratatui at once,
        // which stops at the first grapheme that does not fit, as for
        // the whole span.
        if 2 * end >= room {
            x = buf.set_stringn(x, y, rest, room, style).0;
            break;
        }
        x = buf.set_stringn(x, y, &rest[..end], room, style).0;
        rest = &rest[end..];
    }
    x
}

/// The `n` cells of row `y` from column `x` on, as far as the buffer
/// reaches: for cells set one after another (with an index worked out and
/// checked for each, a resize's Reader pane was 204 K instructions, 162 K
/// without: callgrind).
pub fn row_cells(
    buf: &mut ratatui::buffer::Buffer,
    x: u16,
    y: u16,
    n: usize,
) -> &mut [ratatui::buffer::Cell] {
    let a = buf.area;
    if !(a.top()..a.bottom()).contains(&y) || !(a.left()..a.right()).contains(&x) {
        return &mut [];
    }
    let n = n.min(usize::from(a.right() - x));
    let at = usize::from(y - a.y) * usize::from(a.width) + usize::from(x - a.x);
    &mut buf.content[at..at + n]
}

pub(crate) use crate::text::sanitize::plain_char;

/// `Buffer::set_line` through [`set_spans`]: the status line, the lists'
/// rows and the gutter are drawn on every key as well.
pub fn set_line(
    buf: &mut ratatui::buffer::Buffer,
    x: u16,
    y: u16,
    line: &ratatui::text::Line<'_>,
    max_width: u16,
) {
    let spans = line
        .spans
        .iter()
        .map(|s| (s.content.as_ref(), line.style.patch(s.style)));
    set_spans(buf, x, y, spans, max_width);
}

/// `lines` from the top of `area`, a row each, as ratatui's `Paragraph`
/// (left-aligned, with no style or wrapping of its own) draws them on a
/// blank area, through [`set_line`]: the paragraph set a style on every
/// cell of its area and segmented every line a grapheme at a time: a
/// quarter of a line down that brought a note in full into the Notes pane
/// (callgrind, 190 K of 757 K instructions). The lines are wrapped to the width already
/// ([`wrap_lines`]).
pub fn set_lines(
    buf: &mut ratatui::buffer::Buffer,
    area: ratatui::layout::Rect,
    lines: &[ratatui::text::Line<'_>],
) {
    for (y, line) in (area.top()..area.bottom()).zip(lines) {
        set_line(buf, area.x, y, line, area.width);
    }
}

/// Where [`render`] puts the terminal's cursor on a screen of `area`;
/// `None` hides it.
pub fn cursor(app: &App, area: ratatui::layout::Rect) -> Option<ratatui::layout::Position> {
    if area.width == 0 || area.height == 0 {
        return None;
    }
    let p = panes((area.width, area.height), app.focus, app.measure);
    status::cursor(app, p.status)
}

/// Draws the whole screen on ratatui's frame (tests and benches draw
/// through ratatui's `TestBackend`), the cursor where [`cursor`] puts it.
pub fn render(frame: &mut ratatui::Frame, app: &App) {
    let cursor = {
        let mut f = Frame::new(frame.buffer_mut());
        draw(&mut f, app, &mut Keep::none());
        f.cursor_position()
    };
    if let Some(at) = cursor {
        frame.set_cursor_position(at);
    }
}

/// Draws the whole screen but the parts `keep` says are shown already.
pub fn draw(frame: &mut Frame, app: &App, keep: &mut Keep) {
    theme::install(&app.theme);
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    // The frame's size, not the last Resize seen: they differ for a moment
    // when the terminal is resized between an event and a draw.
    let p = panes((area.width, area.height), app.focus, app.measure);
    // Anything drawn over the panes: nothing under it is kept, or its
    // cells would stay there when it closes. Where its place is known
    // now, only the parts under it (ui/keep.rs, `Keep::cover`).
    // The help, the outline and the results of a search in every
    // document have their places known too: the parts of the panes beside
    // them are kept (a line of the help scrolled drew every pane again).
    let on_top = match app.overlay {
        Overlay::Help { .. } => crate::app::help::frame(area),
        Overlay::Outline { .. } => outline::rect(area),
        Overlay::Find if app.find_all.is_some() => find::rect(area),
        _ => None,
    };
    let over = (!matches!(app.overlay, Overlay::None) && on_top.is_none())
        || app.review.as_ref().is_some_and(|s| s.shown)
        || unsaved::asking(app)
        || (!p.wide && app.under_cursor.is_some() && app.editor.is_none());
    if over {
        keep.off();
    }
    if let Some((_, r)) = p.overlay {
        keep.cover(r);
    }
    if let Some(r) = on_top {
        keep.cover(r);
    }
    if app.editor.is_some()
        && let Some(r) = reader::editor_rect(&p)
    {
        keep.cover(r);
    }
    // The reader first: whether its rows moved (ui/keep.rs) bears on the
    // panes beside it.
    reader::render(frame, app, &p, keep);
    if over || on_top.is_some() {
        frame.no_scrolling();
    }
    if let Some(r) = p.library {
        let focused = app.focus == Focus::Library;
        library::render(frame, app, r, p.chrome, focused, keep);
    }
    if let Some(r) = p.notes {
        notes::render(frame, app, r, p.chrome, app.focus == Focus::Notes, keep);
    }
    if let Some((which, r)) = p.overlay {
        frame.render_widget(ratatui::widgets::Clear, r);
        // The pane over the reader is on top: kept as any (the box of a
        // note being written is in the reader, under it).
        keep.uncover();
        if let Some(r) = on_top {
            keep.cover(r);
        }
        match which {
            Focus::Library => library::render(frame, app, r, p.chrome_of(true), true, keep),
            Focus::Notes => notes::render(frame, app, r, p.chrome_of(true), true, keep),
            Focus::Reader => {}
        }
    }
    status::render(frame, app, p.status, keep);
    review::render(frame, app, area);
    match app.overlay {
        Overlay::Help { scroll } => help::render(frame, app, area, scroll),
        Overlay::Outline { .. } => outline::render(frame, app, area),
        Overlay::Find => find::render(frame, app, area),
        Overlay::None => {}
    }
    unsaved::render(frame, app, area);
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    /// The plain definition `fit` must agree with: measure all, then cut.
    fn reference(s: &str, width: usize) -> String {
        let total: usize = s.graphemes(true).map(grapheme_width).sum();
        if total <= width {
            return s.to_string();
        }
        let (mut out, mut used) = (String::new(), 0);
        for g in s.graphemes(true) {
            let gw = grapheme_width(g);
            if used + gw + 1 > width {
                break;
            }
            used += gw;
            out.push_str(g);
        }
        if width > 0 {
            out.push('…');
        }
        out
    }

    #[test]
    fn fit_agrees_with_measuring_everything() {
        let samples = [
            "",
            "plain title",
            "Война и мир",
            "日本語のタイトルです",
            "e\u{301}te\u{301} accents",
            "mixed ascii and 漢字 and more text",
            "1,476 words · 7 min · 49% “naïve” — façade…",
            "a long plain note that ends in a word of Japanese: 読書",
            "plain then e\u{301} and 読書 at column twenty-five",
        ];
        for s in samples {
            for width in 0..40 {
                assert_eq!(fit(s, width), reference(s, width), "{s:?} at {width}");
            }
        }
    }
}

#[cfg(test)]
mod set_spans_tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};

    const PIECES: &[&str] = &[
        "a",
        "bc",
        " ",
        "de f",
        "é",
        "e\u{301}",
        "a\u{301}\u{302}",
        "漢",
        "字",
        "ｶﾞ",
        "ﾊﾟ",
        "“",
        "”",
        "—",
        "🙂",
        "❤\u{fe0f}",
        "λόγος",
        "\u{301}",
        "\u{200b}",
        "x\u{200d}y",
        "◆",
        "▶\u{fe0f}",
        "○ ◐",
    ];

    /// What `set_spans` must do: each span through ratatui's `set_stringn`
    /// with the columns left.
    fn reference(buf: &mut Buffer, mut x: u16, y: u16, spans: &[(String, Style)], max: u16) {
        let right = buf.area.right().min(x.saturating_add(max));
        for (text, style) in spans {
            if x >= right {
                break;
            }
            x = buf
                .set_stringn(x, y, text, usize::from(right - x), *style)
                .0;
        }
    }

    /// `spans` (pieces by index, a style by index) drawn on `before` by
    /// `set_spans` and by [`reference`]: (ours, theirs).
    fn drawn_both_ways(
        before: Buffer,
        spans: &[(Vec<usize>, usize)],
        x: u16,
        max: u16,
    ) -> (Buffer, Buffer) {
        let spans: Vec<(String, Style)> = spans
            .iter()
            .map(|(ps, s)| (ps.iter().map(|&p| PIECES[p]).collect(), STYLES[*s]))
            .collect();
        let mut ours = before.clone();
        super::set_spans(
            &mut ours,
            x,
            0,
            spans.iter().map(|(t, s)| (t.as_str(), *s)),
            max,
        );
        let mut theirs = before;
        reference(&mut theirs, x, 0, &spans, max);
        (ours, theirs)
    }

    /// Every plain character is one column wide and a grapheme of its
    /// own before any other plain one or nothing.
    #[test]
    fn plain_characters_stand_alone_and_take_one_column() {
        use ratatui::buffer::CellWidth as _;
        use unicode_segmentation::UnicodeSegmentation as _;
        let plain: Vec<char> = (0..0x2600u32)
            .filter_map(char::from_u32)
            .filter(|c| super::plain_char(*c))
            .collect();
        assert!(plain.len() > 600, "{}", plain.len());
        let after = [
            'a', ' ', '~', 'é', 'ɏ', 'Ά', 'ώ', 'Ж', 'я', '–', '—', '‘', '”', '…', '·', '│', '▟',
            '◆', '◼',
        ];
        for &c in &plain {
            let one = c.to_string();
            assert_eq!(one.as_str().cell_width(), 1, "{c:?} U+{:04X}", c as u32);
            for d in after.iter().copied().chain([c]) {
                let pair = format!("{c}{d}");
                assert_eq!(
                    pair.graphemes(true).count(),
                    2,
                    "U+{:04X} then {d:?}",
                    c as u32
                );
            }
        }
        for &d in &plain {
            assert_eq!(
                format!("é{d}").graphemes(true).count(),
                2,
                "é then U+{:04X}",
                d as u32
            );
        }
    }

    /// The styles the properties' spans take.
    const STYLES: [Style; 3] = [
        Style::new(),
        Style::new().fg(Color::Red),
        Style::new().bg(Color::Blue),
    ];

    /// Up to five spans, each up to twelve `PIECES` (by index) in one of
    /// `STYLES` (by index).
    fn piece_spans() -> impl proptest::strategy::Strategy<Value = Vec<(Vec<usize>, usize)>> {
        proptest::collection::vec(
            (
                proptest::collection::vec(0..PIECES.len(), 0..12),
                0..STYLES.len(),
            ),
            0..5,
        )
    }

    /// A line of spans, each of `PIECES` by index in one of `STYLES`.
    fn pieces_line(spans: &[(Vec<usize>, usize)]) -> ratatui::text::Line<'static> {
        ratatui::text::Line::from(
            spans
                .iter()
                .map(|(ps, s)| {
                    let text: String = ps.iter().map(|&p| PIECES[p]).collect();
                    ratatui::text::Span::styled(text, STYLES[*s])
                })
                .collect::<Vec<_>>(),
        )
    }

    proptest::proptest! {
        /// Wrapped, no row is wider than the area (but a row of a single
        /// character wider than it, and marks), and every character but the spaces
        /// rows break at is there, in order, in its span's style: the
        /// entry in full put a wide character half outside its pane.
        #[test]
        fn wrapped_lines_fit_and_keep_their_text(
            spans in piece_spans(),
            width in 1u16..30,
        ) {
            use ratatui::text::Line;
            let line = pieces_line(&spans);
            let styled = |l: &Line| -> Vec<(char, Style)> {
                l.spans
                    .iter()
                    .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
                    .filter(|(c, _)| *c != ' ')
                    .collect()
            };
            let rows = super::wrap_lines(vec![line.clone()], width);
            let mut got = Vec::new();
            for row in &rows {
                let text: String = row.spans.iter().map(|s| s.content.as_ref()).collect();
                let w = crate::text::sanitize::text_width(&text);
                let shown = unicode_segmentation::UnicodeSegmentation::graphemes(text.as_str(), true)
                    .filter(|g| crate::text::sanitize::grapheme_width(g) > 0)
                    .count();
                proptest::prop_assert!(
                    w <= usize::from(width) || shown == 1,
                    "{text:?} is {w} wide, more than {width}"
                );
                got.extend(styled(row));
            }
            proptest::prop_assert_eq!(got, styled(&line));
        }

        /// Cut into ASCII runs and the rest, spans leave every cell as
        /// ratatui's `set_stringn` on whole spans does, at any width.
        #[test]
        fn set_spans_draws_what_set_stringn_draws(
            spans in piece_spans(),
            x in 0u16..6,
            max in 0u16..40,
        ) {
            let (ours, theirs) = drawn_both_ways(Buffer::empty(Rect::new(0, 0, 30, 1)), &spans, x, max);
            proptest::prop_assert_eq!(ours, theirs, "{:?}", spans);
        }

        /// Over cells already drawn (a cursor line's background, bold
        /// words, a wide symbol, a cell marked to be skipped), spans keep
        /// what `set_stringn` keeps of them and change what it changes.
        #[test]
        fn set_spans_over_drawn_cells_draws_what_set_stringn_draws(
            spans in piece_spans(),
            under in proptest::collection::vec((0..4usize, 0..PIECES.len()), 30),
            x in 0u16..6,
            max in 0u16..40,
        ) {
            use ratatui::style::Modifier;
            let mut before = Buffer::empty(Rect::new(0, 0, 30, 1));
            for (i, &(look, piece)) in under.iter().enumerate() {
                let cell = &mut before.content[i];
                #[allow(clippy::disallowed_methods)] // A test's own buffer.
                cell.set_symbol(PIECES[piece]);
                match look {
                    0 => {}
                    1 => {
                        cell.set_style(Style::new().bg(Color::Indexed(236)).fg(Color::Rgb(1, 2, 3)));
                    }
                    2 => {
                        cell.set_style(Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC));
                    }
                    _ => {
                        cell.set_diff_option(ratatui::buffer::CellDiffOption::Skip);
                    }
                }
            }
            let (ours, theirs) = drawn_both_ways(before, &spans, x, max);
            for (a, b) in ours.content.iter().zip(&theirs.content) {
                proptest::prop_assert_eq!(a, b);
                proptest::prop_assert_eq!(a.diff_option, b.diff_option);
            }
        }

        /// Lines wrapped to the width, `ui::set_lines` leaves every cell
        /// of a blank area as ratatui's paragraph does (a row of a
        /// character wider than the area aside: it needs an area one
        /// column wide).
        #[test]
        fn set_lines_draws_what_a_paragraph_draws(
            lines in proptest::collection::vec((piece_spans(), 0..3usize), 0..6),
            width in 2u16..30,
            height in 0u16..12,
        ) {
            use ratatui::widgets::Widget as _;
            let lines: Vec<_> = lines
                .iter()
                .map(|(spans, s)| pieces_line(spans).style(STYLES[*s].fg(Color::Green)))
                .collect();
            let lines = super::wrap_lines(lines, width);
            let screen = Rect::new(0, 0, 32, 14);
            let area = Rect::new(1, 2, width, height);
            let mut ours = Buffer::empty(screen);
            super::set_lines(&mut ours, area, &lines);
            let mut theirs = Buffer::empty(screen);
            ratatui::widgets::Paragraph::new(lines.clone()).render(area, &mut theirs);
            proptest::prop_assert_eq!(ours, theirs, "{:?}", lines);
        }

        /// `ui::set_line` leaves every cell as `Buffer::set_line` does,
        /// the line's own style patched under each span's.
        #[test]
        fn set_line_draws_what_ratatuis_set_line_draws(
            spans in piece_spans(),
            line_style in 0..3usize,
            x in 0u16..6,
            max in 0u16..40,
        ) {
            let line = pieces_line(&spans).style(STYLES[line_style].fg(Color::Green));
            let area = Rect::new(0, 0, 30, 1);
            let mut ours = Buffer::empty(area);
            super::set_line(&mut ours, x, 0, &line, max);
            let mut theirs = Buffer::empty(area);
            theirs.set_line(x, 0, &line, max);
            proptest::prop_assert_eq!(ours, theirs, "{:?}", line);
        }
    }
}
