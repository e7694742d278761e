//! What the Library and Notes panes share: a bordered frame and two-row
//! items (title, details) with the selection kept near the middle.

use super::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::keep::Keep;
use super::{Chrome, ITEM_ROWS, fit, inner, list_offset, theme};

#[derive(Clone, Hash)]
pub(super) struct Item {
    pub(super) marker: (&'static str, Style),
    pub(super) title: String,
    pub(super) detail: String,
    pub(super) title_style: Style,
}

pub(super) fn frame_block(
    frame: &mut Frame,
    area: Rect,
    chrome: Chrome,
    focused: bool,
    title: String,
) -> Rect {
    frame_block_kept(frame, area, (chrome, focused), title, &mut Keep::none())
}

/// The frame of a pane and its title, each line kept where the screen
/// shows it already ([`chrome_kept`]); the area inside it.
pub(super) fn frame_block_kept(
    frame: &mut Frame,
    area: Rect,
    (chrome, focused): (Chrome, bool),
    title: String,
    keep: &mut Keep,
) -> Rect {
    let title = Line::from(Span::styled(title, theme::title(focused)));
    let style = theme::border(focused);
    chrome_kept(frame.buffer_mut(), area, chrome, style, &title, keep);
    inner(area, chrome)
}

/// Draws a pane's frame (see [`Chrome`]) in `style`, with `title`, each
/// line only where the screen does not show it already.
pub(super) fn chrome_kept(
    buf: &mut Buffer,
    area: Rect,
    chrome: Chrome,
    style: Style,
    title: &Line,
    keep: &mut Keep,
) {
    match chrome {
        Chrome::Bare => {}
        Chrome::Boxed => bordered_kept(buf, area, style, title, keep),
        Chrome::Ruled => ruled_kept(buf, area, style, title, keep),
    }
}

/// A ruled pane's frame: the top row a rule in `style` with `title` from
/// its second column, and where another pane is to its left (the first
/// column is left to a line, as [`inner`] says), a line down that column
/// in the unfocused border's style, meeting the rule in `┬`. The lines
/// between panes are one colour whichever has the focus: the focused
/// pane's rule and title say which.
fn ruled_kept(buf: &mut Buffer, area: Rect, style: Style, title: &Line, keep: &mut Keep) {
    use ratatui::symbols::line;
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let inside = inner(area, Chrome::Ruled);
    let side = inside.x > area.x;
    let line_style = theme::border(false);
    let (left, top) = (area.left(), area.top());
    // Only the box-drawing constants below reach this: no escape can get
    // to the terminal, which is what the lint guards.
    #[allow(clippy::disallowed_methods)]
    let put = |c: &mut ratatui::buffer::Cell, symbol: &'static str, style: Style| {
        c.set_symbol(symbol).set_style(style);
    };
    if !keep.same(
        Rect::new(left, top, area.width, 1),
        super::keep::key((area, style, line_style, title)),
    ) {
        for c in super::row_cells(buf, left, top, usize::from(area.width)) {
            put(c, line::HORIZONTAL, style);
        }
        if side {
            put(&mut buf[(left, top)], line::HORIZONTAL_DOWN, line_style);
        }
        let room = area.width.saturating_sub(2);
        if room > 0 {
            let width = u16::try_from(title.width()).unwrap_or(u16::MAX).min(room);
            super::set_line(buf, left + 1, top, title, width);
        }
    }
    let down = Rect::new(left, inside.y, 1, inside.height);
    if side && !keep.same(down, super::keep::key((area, line_style))) {
        for y in down.top()..down.bottom() {
            put(&mut buf[(left, y)], line::VERTICAL, line_style);
        }
    }
}

/// Draws what `Block::bordered().border_style(style).title(title)`
/// draws, cell for cell (a test compares them), and nothing else.
///
/// `Block` first sets its style on every cell of its area, even the
/// default style, which changes nothing: for the three panes that was a
/// sixth of a frame (issue 12). Here only the border and the title are
/// touched.
pub(super) fn bordered(buf: &mut Buffer, area: Rect, style: Style, title: &Line) {
    boxed(buf, area, style, title, None);
}

/// [`bordered`], with a title on the bottom edge as well when `bottom` is
/// given: what `Block`'s `title_bottom` adds, cell for cell.
pub(super) fn boxed(
    buf: &mut Buffer,
    area: Rect,
    style: Style,
    title: &Line,
    bottom_title: Option<&Line>,
) {
    boxed_with_right(buf, area, style, title, bottom_title, None);
}

/// [`boxed`], with a title at the right of the bottom edge as well when
/// `bottom_right` is given: what `Block` draws for a bottom title aligned
/// right, after the others, cell for cell.
pub(super) fn boxed_with_right(
    buf: &mut Buffer,
    area: Rect,
    style: Style,
    title: &Line,
    bottom_title: Option<&Line>,
    bottom_right: Option<&Line>,
) {
    use ratatui::symbols::line;
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    // Only the box-drawing constants below reach this: no escape can get
    // to the terminal, which is what the lint guards.
    #[allow(clippy::disallowed_methods)]
    let mut put = |x: u16, y: u16, symbol: &'static str| {
        buf[(x, y)].set_symbol(symbol).set_style(style);
    };
    // In `Block`'s order, so where sides and corners meet (an area one
    // cell wide or high) the same symbol is left.
    for y in top..=bottom {
        put(left, y, line::VERTICAL);
    }
    for x in left..=right {
        put(x, top, line::HORIZONTAL);
    }
    for y in top..=bottom {
        put(right, y, line::VERTICAL);
    }
    for x in left..=right {
        put(x, bottom, line::HORIZONTAL);
    }
    put(right, bottom, line::BOTTOM_RIGHT);
    put(right, top, line::TOP_RIGHT);
    put(left, bottom, line::BOTTOM_LEFT);
    put(left, top, line::TOP_LEFT);
    let room = area.width.saturating_sub(2);
    if room > 0 {
        let width = u16::try_from(title.width()).unwrap_or(u16::MAX).min(room);
        super::set_line(buf, left + 1, top, title, width);
        if let Some(line) = bottom_title {
            let width = u16::try_from(line.width()).unwrap_or(u16::MAX).min(room);
            super::set_line(buf, left + 1, bottom, line, width);
        }
        if let Some(line) = bottom_right {
            let width = u16::try_from(line.width()).unwrap_or(u16::MAX);
            let x = (left + 1 + room).saturating_sub(width).max(left + 1);
            // ratatui's own: a line too wide is cut as `Block` cuts it.
            ratatui::widgets::Widget::render(line, Rect::new(x, bottom, width.min(room), 1), buf);
        }
    }
}

/// [`bordered`], each edge drawn only where the screen does not show it
/// already (ui/keep.rs): a line down drew the Reader's border, 236 cells
/// at 120x40, and compared them, on every key.
pub(super) fn bordered_kept(
    buf: &mut Buffer,
    area: Rect,
    style: Style,
    title: &Line,
    keep: &mut Keep,
) {
    use ratatui::symbols::line;
    let area = area.intersection(buf.area);
    if area.width < 2 || area.height < 3 {
        bordered(buf, area, style, title);
        return;
    }
    // The title is on the top edge alone.
    let top_key = super::keep::key((area, style, title));
    let key = super::keep::key((area, style));
    let (left, top) = (area.left(), area.top());
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    let side = area.height - 2;
    // Only the box-drawing constants below reach this: no escape can get
    // to the terminal, which is what the lint guards.
    #[allow(clippy::disallowed_methods)]
    let put = |buf: &mut Buffer, x: u16, y: u16, symbol: &'static str| {
        buf[(x, y)].set_symbol(symbol).set_style(style);
    };
    // A row's cells set one after another (see `row_cells`).
    #[allow(clippy::disallowed_methods)]
    let edge = |buf: &mut Buffer, y: u16| {
        for c in super::row_cells(buf, left, y, usize::from(area.width)) {
            c.set_symbol(line::HORIZONTAL).set_style(style);
        }
    };
    if !keep.same(Rect::new(left, top, area.width, 1), top_key) {
        edge(buf, top);
        put(buf, right, top, line::TOP_RIGHT);
        put(buf, left, top, line::TOP_LEFT);
        let room = area.width - 2;
        if room > 0 {
            let width = u16::try_from(title.width()).unwrap_or(u16::MAX).min(room);
            super::set_line(buf, left + 1, top, title, width);
        }
    }
    if !keep.same(Rect::new(left, bottom, area.width, 1), key) {
        edge(buf, bottom);
        put(buf, right, bottom, line::BOTTOM_RIGHT);
        put(buf, left, bottom, line::BOTTOM_LEFT);
    }
    for x in [left, right] {
        if !keep.same(Rect::new(x, top + 1, 1, side), key) {
            for y in top + 1..bottom {
                put(buf, x, y, line::VERTICAL);
            }
        }
    }
}

/// The visible part of a list of `len` items in `area`, with their
/// indices; only those are built (`item(i)`), so a 10,000-document
/// library costs one screen.
pub(super) fn shown_items(
    area: Rect,
    len: usize,
    item: impl Fn(usize) -> Option<Item>,
    selected: usize,
) -> Vec<(usize, Item)> {
    shown_rows(area, len, selected)
        .filter_map(|i| item(i).map(|it| (i, it)))
        .collect()
}

/// The rows of a list of `len` that [`shown_items`] shows in `area`.
pub(super) fn shown_rows(area: Rect, len: usize, selected: usize) -> std::ops::Range<usize> {
    let visible = usize::from((area.height / ITEM_ROWS).max(1));
    let first = list_offset(selected, visible, len);
    first..len.min(first + visible)
}

/// The key ([`super::keep`]) of a bordered list pane: its place, frame,
/// title, the styles its rows take, and `rest` (the rows).
pub(super) fn pane_key(
    area: Rect,
    chrome: Chrome,
    focused: bool,
    title: &str,
    rest: impl std::hash::Hash,
) -> u64 {
    let styles = [
        theme::border(focused),
        theme::title(focused),
        theme::selected(focused),
        theme::muted(),
    ];
    super::keep::key((area, chrome, focused, title, styles, rest))
}

/// Draws the rows of [`shown_items`] in `area`.
pub(super) fn draw_items(
    frame: &mut Frame,
    area: Rect,
    shown: Vec<(usize, Item)>,
    selected: usize,
    focused: bool,
) {
    for (n, (i, item)) in shown.into_iter().enumerate() {
        let mut draw = |_: Rect, _: u64| true;
        draw_item(
            frame.buffer_mut(),
            area,
            (n, i == selected, focused),
            &item,
            &mut draw,
        );
    }
}

/// [`draw_items`], each item drawn only where the screen does not show it
/// already (ui/keep.rs): a reading position's percentage changed one
/// Library row, and the whole pane was drawn and compared again.
///
/// `shown`: the rows on screen, each with the key of what its item is
/// built from; `item` builds the item of a row, called only for the rows
/// drawn (building every row's item to hash it was a tenth of a key).
pub(super) fn draw_items_kept(
    frame: &mut Frame,
    area: Rect,
    shown: &[(usize, u64)],
    item: impl Fn(usize) -> Option<Item>,
    (selected, focused): (usize, bool),
    keep: &mut Keep,
) {
    // The rows' styles follow from the palette and whether they are
    // selected and focused.
    let styles = (theme::palette_key(), focused);
    let mut end = area.y;
    for (n, &(i, shows)) in shown.iter().enumerate() {
        let sel = i == selected;
        let Some(rect) = item_rect(area, n) else {
            break;
        };
        end = rect.bottom();
        if keep.same(rect, super::keep::key((rect, sel, styles, shows))) {
            continue;
        }
        // The item changed: each of its rows is still drawn only if it
        // differs from what the screen shows (a percentage changed the
        // detail row, not the title).
        if let Some(item) = item(i) {
            let mut draw = |row: Rect, shows: u64| {
                !keep.same(row, super::keep::key((row, sel, styles, shows)))
            };
            draw_item(
                frame.buffer_mut(),
                area,
                (n, sel, focused),
                &item,
                &mut draw,
            );
        }
    }
    if end < area.bottom() {
        keep.blank_rows(Rect::new(area.x, end, area.width, area.bottom() - end));
    }
}

fn item_rect(area: Rect, n: usize) -> Option<Rect> {
    let y = area.y + u16::try_from(n).ok()?.checked_mul(ITEM_ROWS)?;
    (y < area.bottom()).then(|| Rect::new(area.x, y, area.width, ITEM_ROWS.min(area.bottom() - y)))
}

/// One item (the `n`th shown, selected or not, in a pane focused or not):
/// its title row, and its detail row if there is room, each only where
/// `draw(row, key of what it shows)` says so.
fn draw_item(
    buf: &mut Buffer,
    area: Rect,
    (n, sel, focused): (usize, bool, bool),
    item: &Item,
    draw: &mut impl FnMut(Rect, u64) -> bool,
) {
    let width = usize::from(area.width);
    let y = area.y + (n as u16) * ITEM_ROWS;
    let base = if sel {
        theme::selected(focused)
    } else {
        Style::new()
    };
    let row = Rect::new(area.x, y, area.width, 1);
    if draw(
        row,
        super::keep::key((item.marker, &item.title, item.title_style)),
    ) {
        buf.set_style(row, base);
        let title_w = width.saturating_sub(2);
        let line = Line::from(vec![
            Span::styled(item.marker.0, if sel { base } else { item.marker.1 }),
            Span::raw(" "),
            Span::styled(fit(&item.title, title_w), base.patch(item.title_style)),
        ]);
        super::set_line(buf, area.x, y, &line, area.width);
    }
    let drow = Rect::new(area.x, y + 1, area.width, 1);
    if y + 1 < area.bottom() && draw(drow, super::keep::key(&item.detail)) {
        let dstyle = if sel { base } else { theme::muted() };
        buf.set_style(drow, dstyle);
        let detail = Line::from(Span::styled(
            format!("  {}", fit(&item.detail, width.saturating_sub(2))),
            dstyle,
        ));
        super::set_line(buf, area.x, y + 1, &detail, area.width);
    }
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::{Block, Widget as _};

    /// `bordered_kept` draws what `bordered` draws, and on the next frame
    /// draws nothing of an unchanged box (its four edges kept); a new
    /// title draws the top edge alone.
    #[test]
    fn a_kept_border_is_drawn_once_and_its_top_again_for_a_new_title() {
        use super::super::keep::Keep;
        let style = Style::new().fg(Color::Cyan);
        let screen = Rect::new(0, 0, 30, 8);
        for area in [
            Rect::new(2, 1, 20, 6),
            Rect::new(0, 0, 2, 3),
            Rect::new(0, 0, 30, 2),
        ] {
            let title = Line::from(" Aster ");
            let mut keep = Keep::none();
            keep.begin();
            let mut full = Buffer::empty(screen);
            super::bordered(&mut full, area, style, &title);
            let mut ours = Buffer::empty(screen);
            super::bordered_kept(&mut ours, area, style, &title, &mut keep);
            assert_eq!(ours, full, "{area:?}");
            assert!(keep.kept().is_empty());
            keep.begin();
            let mut again = Buffer::empty(screen);
            super::bordered_kept(&mut again, area, style, &title, &mut keep);
            if area.height >= 3 {
                assert_eq!(again, Buffer::empty(screen), "nothing drawn: {area:?}");
                let covered: u32 = keep.kept().iter().map(|r| r.area()).sum();
                let edges = 2 * u32::from(area.width) + 2 * u32::from(area.height - 2);
                assert_eq!(covered, edges, "the four edges kept: {area:?}");
            } else {
                assert_eq!(again, full, "too small to keep: drawn whole");
            }
            keep.begin();
            let other = Line::from(" Birch ");
            let mut renamed = Buffer::empty(screen);
            super::bordered_kept(&mut renamed, area, style, &other, &mut keep);
            if area.height >= 3 {
                // Nothing but the top row was drawn.
                let mut top_only = Buffer::empty(screen);
                for x in area.left()..area.right() {
                    top_only[(x, area.top())] = renamed[(x, area.top())].clone();
                }
                assert_eq!(renamed, top_only, "only the top edge drawn: {area:?}");
            }
            let mut whole = Buffer::empty(screen);
            super::bordered(&mut whole, area, style, &other);
            for x in area.left()..area.right() {
                assert_eq!(renamed[(x, area.top())], whole[(x, area.top())], "{area:?}");
            }
        }
    }

    /// `bordered` leaves every cell as `Block` does, over a frame already
    /// drawn on (styled text under the box), for every size up to 7x4 and
    /// a wide one, with titles short, cut, wide and combining.
    #[test]
    fn bordered_draws_what_block_draws() {
        let titles = [
            "",
            " Library (3) ",
            " 漢字のタイトルです ",
            " e\u{301}te\u{301} and a very long title ",
        ];
        let under = Style::new().fg(Color::Green).add_modifier(Modifier::ITALIC);
        let border = Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD);
        let title_style = Style::new()
            .fg(Color::Yellow)
            .add_modifier(Modifier::REVERSED);
        let mut areas: Vec<Rect> = (0..8)
            .flat_map(|w| (0..5).map(move |h| Rect::new(1, 1, w, h)))
            .collect();
        areas.push(Rect::new(0, 0, 40, 6));
        areas.push(Rect::new(5, 3, 40, 6));
        for t in titles {
            let title = Line::from(Span::styled(t, title_style));
            for area in &areas {
                let mut canvas = Buffer::empty(Rect::new(0, 0, 42, 8));
                for y in 0..8 {
                    canvas.set_string(0, y, "ab漢cdé".repeat(6), under);
                }
                let mut theirs = canvas.clone();
                Block::bordered()
                    .border_style(border)
                    .title(title.clone())
                    .render(*area, &mut theirs);
                let mut ours = canvas.clone();
                super::bordered(&mut ours, *area, border, &title);
                assert_eq!(ours, theirs, "{area:?} {t:?}");
                // With the keys' hints on the bottom edge, as the note
                // editor's box has them.
                let hints = Line::from(Span::styled(" enter save · esc cancel ", under));
                let mut theirs = canvas.clone();
                Block::bordered()
                    .border_style(border)
                    .title(title.clone())
                    .title_bottom(hints.clone())
                    .render(*area, &mut theirs);
                let mut ours = canvas.clone();
                super::boxed(&mut ours, *area, border, &title, Some(&hints));
                assert_eq!(ours, theirs, "{area:?} {t:?} with a bottom title");
                // And where the lines in view are, at the right of the
                // bottom edge, as the help's box has it.
                let at = Line::from(Span::styled(" 12–38 of 74 ", title_style)).right_aligned();
                for left in [None, Some(&hints)] {
                    let mut theirs = canvas.clone();
                    let mut block = Block::bordered().border_style(border).title(title.clone());
                    if let Some(hints) = left {
                        block = block.title_bottom(hints.clone());
                    }
                    block.title_bottom(at.clone()).render(*area, &mut theirs);
                    let mut ours = canvas.clone();
                    super::boxed_with_right(&mut ours, *area, border, &title, left, Some(&at));
                    assert_eq!(
                        ours, theirs,
                        "{area:?} {t:?} with {left:?} and the position"
                    );
                }
            }
        }
    }
}
