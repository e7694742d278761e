//! The terminal backend: crossterm's, except that a frame's changed cells
//! are written as bytes.
//!
//! ratatui's crossterm backend queues a crossterm command per cell (a
//! `Print` through `fmt`, a `MoveTo` formatted the same way): for a line
//! down, which changes most of the reader's cells, that formatting was the
//! largest part of a frame (issue 12, `benches/compare/results/issue12-frame.md`).
//! Here a cell's symbol is copied into the buffered writer as it is, cursor
//! moves are a few bytes written by hand (a move along the row by
//! `CSI n C`, shorter than an absolute one), and styles are sent only when
//! they change, a cell's changes in one SGR sequence, each colour in its
//! shortest form and only the one that changed (crossterm sends both colours
//! and each attribute in a sequence of its own: a full repaint at 120x40 was
//! 7.4 KB, 44 % of it escape sequences). Everything else is crossterm's
//! backend.
//!
//! The symbols are the ones ratatui's backend would print: whatever reaches
//! a cell was sanitised before it got there (RELIABILITY T1).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm as _, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth as _};
use ratatui::crossterm::queue;
use ratatui::crossterm::style::SetUnderlineColor;
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// Crossterm's backend with a faster [`Backend::draw`].
pub struct Output<W: Write> {
    inner: CrosstermBackend<W>,
    /// The screen is to be cleared before the next frame's cells.
    clear: bool,
    /// A frame's cells as bytes, kept for the next frame: they go to the
    /// writer at once. Each of a frame's thousands of small writes through
    /// crossterm's backend and the buffered writer under it cost forty
    /// instructions a byte (callgrind, a resize: a ninth of it).
    bytes: Vec<u8>,
}

impl<W: Write> Output<W> {
    pub fn new(writer: W) -> Self {
        Output {
            inner: CrosstermBackend::new(writer),
            clear: false,
            bytes: Vec::new(),
        }
    }
}

impl<W: Write> Output<W> {
    /// Writes the whole of `frame` on a blank screen: the screen is
    /// cleared first (see [`Backend::clear_region`]) unless it was not to
    /// be. Whether anything of the frame was written.
    pub fn paint(&mut self, frame: &Buffer) -> io::Result<bool> {
        let mut painted = false;
        self.write_frame(|w, blank| {
            painted = paint_over_blank(w, frame, blank)?;
            Ok(())
        })?;
        Ok(painted)
    }

    /// The clear waiting for this frame, then what `cells` writes (told
    /// whether the screen was cleared), in one write.
    fn write_frame(
        &mut self,
        cells: impl FnOnce(&mut Vec<u8>, bool) -> io::Result<()>,
    ) -> io::Result<()> {
        let blank = std::mem::take(&mut self.clear);
        if blank {
            queue!(
                self.inner,
                ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
            )?;
        }
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.clear();
        cells(&mut bytes, blank)?;
        let written = self.inner.write_all(&bytes);
        self.bytes = bytes;
        written
    }

    /// Moves the rows `top..bottom` of the screen (all its columns) up by
    /// `by` rows (down when negative), as the terminal's own scrolling
    /// does: the rows moved off are gone, the rows moved in are blank in
    /// the default colours. A scroll region (DECSTBM) is set around them
    /// and lines are deleted (DL) or inserted (IL) at its top, then the
    /// region is the whole screen again; the cursor is left anywhere.
    /// VT100 and VT102 had these; every terminal since has them.
    pub fn scroll(&mut self, top: u16, bottom: u16, by: i32) -> io::Result<()> {
        let mut w = Vec::with_capacity(32);
        w.extend_from_slice(b"\x1b[");
        put_num(&mut w, u32::from(top) + 1);
        w.push(b';');
        put_num(&mut w, u32::from(bottom));
        w.extend_from_slice(b"r\x1b[");
        put_num(&mut w, u32::from(top) + 1);
        w.extend_from_slice(b";1H\x1b[");
        put_num(&mut w, by.unsigned_abs());
        w.push(if by > 0 { b'M' } else { b'L' });
        w.extend_from_slice(b"\x1b[r");
        self.inner.write_all(&w)
    }
}

/// The terminal's size. Asked before every frame and on every resize:
/// one `ioctl` on stdout where crossterm's `size` opens `/dev/tty` for it
/// each time (three system calls and a path lookup on every key).
pub fn terminal_size() -> io::Result<Size> {
    #[cfg(target_os = "linux")]
    if let Ok(ws) = rustix::termios::tcgetwinsize(io::stdout())
        && ws.ws_col > 0
        && ws.ws_row > 0
    {
        return Ok(Size::new(ws.ws_col, ws.ws_row));
    }
    let (width, height) = ratatui::crossterm::terminal::size()?;
    Ok(Size::new(width, height))
}

/// Writes `n` in decimal. Most numbers written are a column or a colour,
/// one or two digits: written as such (the loop and the copy of its
/// digits were sixty instructions a number).
#[inline]
fn put_num(w: &mut Vec<u8>, n: u32) {
    if n < 10 {
        w.push(b'0' + n as u8);
        return;
    }
    if n < 100 {
        w.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
        return;
    }
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    w.extend_from_slice(&digits[at..]);
}

/// The parameters that turn off what `from` has and `to` has not, then on
/// what `to` adds: the colours stay set. A heading's bold word ended by a
/// full reset (`0`) cost the colour again after it, on every styled word of
/// a frame.
fn modifier_params(p: &mut Params, from: Modifier, to: Modifier) {
    let off = from - to;
    let mut on = to - from;
    // Bold and dim share one "normal intensity" off, and some terminals
    // keep only the last of the two: any change to them sets the cell's
    // anew, bold first, as from a reset.
    let intensity = Modifier::BOLD | Modifier::DIM;
    if (from ^ to).intersects(intensity) {
        if from.intersects(intensity) {
            p.push(22);
        }
        on |= to & intensity;
    }
    const OFF: [(Modifier, u8); 6] = [
        (Modifier::ITALIC, 23),
        (Modifier::UNDERLINED, 24),
        (Modifier::REVERSED, 27),
        (Modifier::HIDDEN, 28),
        (Modifier::CROSSED_OUT, 29),
        (Modifier::SLOW_BLINK.union(Modifier::RAPID_BLINK), 25),
    ];
    for (m, code) in OFF {
        if off.intersects(m) {
            p.push(code);
            // One blink off ends both kinds.
            on |= to & m;
        }
    }
    const ON: [(Modifier, u8); 9] = [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ];
    for (m, code) in ON {
        if on.contains(m) {
            p.push(code);
        }
    }
}

/// The 256-colour palette index of a colour, `None` for the default and
/// for a true colour.
fn palette_index(c: Color) -> Option<u8> {
    Some(match c {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => i,
        Color::Reset | Color::Rgb(..) => return None,
    })
}

/// The parameters that set the foreground (`base` 30) or background
/// (`base` 40) to `c`, in the shortest form: the sixteen basic colours as
/// `30`–`37` and `90`–`97` (the same palette entries as `38;5;0`–`15`, and
/// known to terminals without 256 colours), the rest of the palette as
/// `38;5;n`, true colour as `38;2;r;g;b`, the default as `39`.
fn color_params(p: &mut Params, c: Color, base: u8) {
    match (c, palette_index(c)) {
        (_, Some(i)) if i < 8 => p.push(base + i),
        (_, Some(i)) if i < 16 => p.push(base + 60 + i - 8),
        (_, Some(i)) => p.extend(&[base + 8, 5, i]),
        (Color::Rgb(r, g, b), None) => p.extend(&[base + 8, 2, r, g, b]),
        _ => p.push(base + 9),
    }
}

/// The parameters of one SGR sequence (`CSI … m`), gathered so that a
/// cell's changes of attributes and colours go out as one sequence.
#[derive(Default)]
struct Params {
    buf: Vec<u8>,
}

impl Params {
    fn push(&mut self, n: u8) {
        if !self.buf.is_empty() {
            self.buf.push(b';');
        }
        put_num(&mut self.buf, u32::from(n));
    }

    fn extend(&mut self, ns: &[u8]) {
        for &n in ns {
            self.push(n);
        }
    }

    /// Writes the sequence, if there is anything to set, and empties it.
    fn write(&mut self, w: &mut Vec<u8>) {
        if self.buf.is_empty() {
            return;
        }
        w.extend_from_slice(b"\x1b[");
        w.extend_from_slice(&self.buf);
        w.push(b'm');
        self.buf.clear();
    }
}

/// Whether a row of cells is drawn the same as one shown: nothing of it
/// needs writing. A cell marked to be always written never is the same.
fn same_row(shown: &[Cell], next: &[Cell]) -> bool {
    shown.len() == next.len() && shown.iter().zip(next).all(|(a, b)| same_cell(a, b))
}

/// Whether a row of cells is drawn the same as one shown outside the
/// column ranges `kept` (in order), whose cells are known to be the same.
fn same_outside(shown: &[Cell], next: &[Cell], kept: impl Iterator<Item = (usize, usize)>) -> bool {
    if shown.len() != next.len() {
        return false;
    }
    let mut x = 0;
    for (x0, x1) in kept {
        if x0 > x && !same_row(&shown[x..x0], &next[x..x0]) {
            return false;
        }
        x = x.max(x1.min(shown.len()));
    }
    same_row(&shown[x..], &next[x..])
}

/// `a == b` (as ratatui compares cells), and `b` not marked to be always
/// written; styles first, and a one-byte symbol without a call to
/// `memcmp`: most cells are one ASCII byte, and this runs for every cell
/// of every frame (ratatui's own comparison was a fifth of a line down).
/// The colours by their derived `==`: a match of both colours' variants
/// in place of it cost a line down 9 K instructions more (callgrind).
#[allow(deprecated)] // `skip` is compared as `Cell::eq` compares it.
#[inline(always)]
fn same_cell(a: &Cell, b: &Cell) -> bool {
    if a.fg != b.fg
        || a.bg != b.bg
        || a.modifier != b.modifier
        || a.underline_color != b.underline_color
        || a.diff_option != b.diff_option
        || a.skip != b.skip
        || b.diff_option == CellDiffOption::AlwaysUpdate
    {
        return false;
    }
    let (x, y) = (a.symbol().as_bytes(), b.symbol().as_bytes());
    match (x, y) {
        ([x], [y]) => x == y,
        _ => x == y,
    }
}

/// [`changed_rows`] for a whole frame `next`, with no kept parts: the
/// tests' reference.
#[cfg(test)]
pub(crate) fn changed_cells<'a>(shown: &Buffer, next: &'a Buffer) -> Vec<(u16, u16, &'a Cell)> {
    let (a, b) = (shown.area, next.area);
    let w = usize::from(b.width);
    let differ: Vec<bool> = if a == b && w > 0 {
        (0..usize::from(b.height))
            .map(|y| !same_row(row(shown, w, y), row(next, w, y)))
            .collect()
    } else {
        vec![true; usize::from(b.height)]
    };
    let filled = vec![true; differ.len()];
    changed_rows(shown, next, (&differ, &filled), &[])
}

/// The cells to write so that a terminal showing `shown` shows `next`, in
/// the order ratatui's diff gives them, on the rows that `differ` (from
/// [`differing_rows`]).
///
/// Rows equal to the shown ones are skipped whole; a row of one-column
/// cells, shown and drawn, is compared cell by cell; each run of other
/// rows that differ goes through ratatui's `Buffer::diff` (which knows what
/// wide characters and emoji need) on a copy of just those rows. A key that
/// moves the cursor changes a few rows of forty: comparing whole rows is
/// several times cheaper than ratatui's cell by cell walk, which also
/// measures each cell's width. A wide character never reaches past its
/// row, so the runs are independent.
///
/// A row that differs but was not `filled` (its `kept` cells are not in
/// `next`; see [`uneven_rows`]) is compared only outside them: a Notes
/// pane's change was a row of the whole screen's width copied, compared,
/// copied back and cleared.
pub fn changed_rows<'a>(
    shown: &Buffer,
    next: &'a Buffer,
    (differ, filled): (&[bool], &[bool]),
    kept: &[KeptSpan],
) -> Vec<(u16, u16, &'a Cell)> {
    let cells = differing_cells(shown, next, (differ, filled), kept);
    let w = usize::from(next.area.width);
    // A gap may be filled from `next` where `next` holds what the screen
    // will show: not across a kept part of a row that was not filled.
    fill_gaps(cells, next, |y, a, b| {
        let y = usize::from(y - next.area.y);
        filled.get(y).copied().unwrap_or(true)
            || row_spans(kept, y)
                .iter()
                .all(|&(_, x0, x1)| x1.min(w) <= usize::from(a) || x0 >= usize::from(b))
    })
}

/// The kept spans of row `y` (`kept` is in order of rows).
fn row_spans(kept: &[KeptSpan], y: usize) -> &[KeptSpan] {
    let lo = kept.partition_point(|s| s.0 < y);
    let hi = kept.partition_point(|s| s.0 <= y);
    &kept[lo..hi]
}

/// Calls `f` with each column range of a row `w` wide outside `spans`
/// (one row's kept spans, in order), while it says yes; says whether it
/// always did.
fn each_outside(spans: &[KeptSpan], w: usize, mut f: impl FnMut(usize, usize) -> bool) -> bool {
    let mut x = 0;
    for &(_, x0, x1) in spans {
        let x0 = x0.min(w);
        if x0 > x && !f(x, x0) {
            return false;
        }
        x = x.max(x1.min(w));
    }
    x >= w || f(x, w)
}

/// Fills in the kept cells of the rows `which` says, from `shown`, and
/// marks them `filled`: each such row of `next` is then whole.
pub fn fill_rows(
    shown: &Buffer,
    next: &mut Buffer,
    kept: &[KeptSpan],
    which: &[bool],
    filled: &mut [bool],
) {
    let w = usize::from(next.area.width);
    if shown.area == next.area {
        for &(y, x0, x1) in kept {
            if which.get(y).copied().unwrap_or(false) && !filled.get(y).copied().unwrap_or(true) {
                let (i, j) = (y * w + x0, y * w + x1.min(w));
                next.content[i..j].clone_from_slice(&shown.content[i..j]);
            }
        }
    }
    for (f, _) in filled.iter_mut().zip(which).filter(|(_, w)| **w) {
        *f = true;
    }
}

/// The rows that `differ` and must be filled (see [`fill_rows`]) before
/// they are compared: those where a cell drawn, or shown, outside the
/// kept spans is not a plain one-column cell, or a kept cell shown next
/// to one is wide (writing beside it could break it). The others are
/// compared outside their kept spans only.
pub fn uneven_rows(shown: &Buffer, next: &Buffer, kept: &[KeptSpan], differ: &[bool]) -> Vec<bool> {
    let w = usize::from(next.area.width);
    if shown.area != next.area || w == 0 {
        return differ.to_vec();
    }
    let mut at = 0;
    differ
        .iter()
        .enumerate()
        .map(|(y, d)| {
            let start = at;
            while at < kept.len() && kept[at].0 == y {
                at += 1;
            }
            if !*d {
                return false;
            }
            let (was, is) = (row(shown, w, y), row(next, w, y));
            !each_outside(&kept[start..at], w, |a, b| {
                (a == 0 || one_column(&was[a - 1]))
                    && was[a..b].iter().all(one_column)
                    && is[a..b].iter().all(one_column)
            })
        })
        .collect()
}

/// Makes `shown` what the screen shows after the rows that `differ` were
/// written: a `filled` row is taken whole, another outside its kept spans
/// (the kept cells shown are already the frame's). The cells are swapped,
/// not copied: what `next` gets back is made blank by [`reset_drawn`],
/// which resets the same cells (copying each symbol was a twentieth of a
/// line key).
pub fn show_rows(
    shown: &mut Buffer,
    next: &mut Buffer,
    kept: &[KeptSpan],
    (differ, filled): (&[bool], &[bool]),
) {
    let w = usize::from(next.area.width);
    for (y, _) in differ.iter().enumerate().filter(|(_, d)| **d) {
        let r = y * w..(y + 1) * w;
        if filled.get(y).copied().unwrap_or(true) {
            shown.content[r.clone()].swap_with_slice(&mut next.content[r]);
            continue;
        }
        each_outside(row_spans(kept, y), w, |a, b| {
            shown.content[r.start + a..r.start + b]
                .swap_with_slice(&mut next.content[r.start + a..r.start + b]);
            true
        });
    }
}

/// Writes `next` on a blank screen ([`Pen`]'s `blank`: just cleared):
/// the cells of ratatui's diff from blank cells, found a row at a time
/// against one blank row, so no blank screen is made for it (the first
/// frame needs one buffer, not two). A space that looks blank (only its
/// colour, weight or slant set: a pane's padding, the reader's marker
/// column) is not written: on a full repaint a fifth of the bytes were
/// such spaces and their colour changes. The short gaps are filled, as
/// [`changed_rows`] does. Whether anything was written.
///
/// Each cell is written as it is found, and the cells that follow one in
/// its look as its symbols only ([`run_like`]): gathered first, then
/// written a cell at a time through the writer's checks, they were half
/// of a resize's instructions (callgrind, the essay at 120x40: 472 K of
/// 885 K; now 352 K).
pub fn paint_over_blank(w: &mut Vec<u8>, next: &Buffer, blank: bool) -> io::Result<bool> {
    let a = next.area;
    let width = usize::from(a.width);
    let start = w.len();
    let mut pen = Pen::new(blank);
    // The row compared with a blank one (made at the first row that needs
    // it): its copy, with the cells that look blank made blank.
    let mut rows: Option<(Buffer, Buffer)> = None;
    for y in 0..usize::from(a.height) {
        let at = a.y + y as u16;
        let row = &next.content[y * width..(y + 1) * width];
        // Most rows hold only cells one column wide, with nothing to
        // skip: the diff from blank is every cell that does not look
        // blank, found with no copy of the row (a resize of the essay
        // spent a sixth of its time copying rows to compare). A cell that
        // is not a plain one-column cell sends the row the long way, what
        // was written of it taken back.
        let (mark, was) = (w.len(), pen.at());
        let mut last = None;
        let mut plain = true;
        let mut x = 0;
        while x < width {
            // The blank cells, most of a repaint's, passed over in a loop
            // of their own.
            x = after_blank(row, x);
            let Some(c) = row.get(x) else {
                break;
            };
            if !one_column(c) {
                // A wide character (a word of Chinese in the essay) goes
                // out as ratatui's diff has it, the cell after it left
                // alone; the next cell written is reached by a move. Such
                // a row went the long way, a copy and a diff of the row,
                // a tenth of a resize for two rows of the essay.
                if two_columns(c) {
                    put_after_gap(&mut pen, w, row, (a.x, at), x, &mut last)?;
                    x += 2;
                    continue;
                }
                plain = false;
                break;
            }
            // Not blank (`after_blank` passed those): written.
            x += 1;
            put_after_gap(&mut pen, w, row, (a.x, at), x - 1, &mut last)?;
            // The cells that follow in its look go out as they are: no
            // move, no change of style.
            let end = put_run_like(w, row, x, c);
            if end > x {
                pen.cursor = Some((a.x + end as u16, at));
                last = Some(end - 1);
                x = end;
            }
        }
        if plain {
            continue;
        }
        w.truncate(mark);
        pen.back(was);
        let (empty, line) = rows.get_or_insert_with(|| {
            let empty = Buffer::empty(Rect::new(a.x, a.y, a.width, a.height.min(1)));
            (empty.clone(), empty)
        });
        empty.area.y = at;
        line.area.y = at;
        line.content.clone_from_slice(row);
        for c in &mut line.content {
            if looks_blank(c) {
                c.reset();
            }
        }
        let mut last = None;
        for (x, _, _) in empty.diff_iter(line) {
            put_after_gap(&mut pen, w, row, (a.x, at), usize::from(x - a.x), &mut last)?;
        }
    }
    pen.end(w);
    Ok(w.len() > start)
}

/// Writes the symbols of the run of cells of `row` from `from` on that a
/// pen, having just written `like` (a one-column cell), writes with
/// nothing but their symbols, and says where it ends: one-column cells in
/// `like`'s look (see [`same_look`]), and, where a space in that look is
/// left blank on a blank screen, a gap of up to [`GAP`] of them after a
/// one-byte symbol, only when such a cell follows (as [`put_after_gap`]
/// fills it). Written as they are found: read again to be written, each
/// cell's symbol was looked up twice (a sixth of a repaint, callgrind).
fn put_run_like(w: &mut Vec<u8>, row: &[Cell], from: usize, like: &Cell) -> usize {
    let blank = blank_style(like);
    let mut end = from;
    // Whether the symbol before `end` is one byte: a gap after another
    // is not filled.
    let mut one_byte = like.symbol().len() == 1;
    while let Some(c) = row.get(end) {
        if !same_look(c, like) {
            break;
        }
        match c.symbol().as_bytes() {
            b" " if blank => {
                let mut after = end + 1;
                while after < row.len()
                    && same_look(&row[after], like)
                    && row[after].symbol() == " "
                {
                    after += 1;
                }
                if !one_byte
                    || after - end > usize::from(GAP)
                    || after == row.len()
                    || !same_look(&row[after], like)
                {
                    return end;
                }
                w.resize(w.len() + (after - end), b' ');
                end = after;
            }
            &[b] => {
                w.push(b);
                one_byte = true;
                end += 1;
            }
            bytes if wider_symbol_one_wide(c) => {
                w.extend_from_slice(bytes);
                one_byte = false;
                end += 1;
            }
            _ => break,
        }
    }
    end
}

/// Writes the cell at `x` of `row` (at `(x0, y)` on the screen), after
/// the cells of a short gap since the one written before it on the row
/// (`last`) when they cost no change of style (as [`fill_gaps`]).
fn put_after_gap(
    pen: &mut Pen,
    w: &mut Vec<u8>,
    row: &[Cell],
    (x0, y): (u16, u16),
    x: usize,
    last: &mut Option<usize>,
) -> io::Result<()> {
    if let Some(p) = *last {
        let before = &row[p];
        let gap = p + 1..x;
        if short_gap(before, gap.len()) && row[gap.clone()].iter().all(|c| looks_as(c, before)) {
            for gx in gap {
                pen.put(w, x0 + gx as u16, y, &row[gx])?;
            }
        }
    }
    *last = Some(x);
    pen.put(w, x0 + x as u16, y, &row[x])
}

/// Whether ratatui's diff treats `c` as a plain cell one column wide: not
/// skipped, no width forced, nothing after it to skip or clear.
#[inline]
fn one_column(c: &Cell) -> bool {
    one_column_symbol(c).is_some()
}

/// `c`'s symbol, when [`one_column`]: for a caller that looks at it next
/// (reading a symbol twice a cell was a sixth of a repaint).
#[allow(deprecated)] // `skip` is honoured as ratatui's diff does.
#[inline(always)]
fn one_column_symbol(c: &Cell) -> Option<&[u8]> {
    if c.diff_option != CellDiffOption::None || c.skip {
        return None;
    }
    let symbol = c.symbol().as_bytes();
    (symbol.len() == 1 || wider_symbol_one_wide(c)).then_some(symbol)
}

/// `c.cell_width() == 1`, with no width looked up for a plain character
/// (a letter, a border's line: [`crate::ui::plain_char`]): a resize asked
/// it of every cell of the borders.
#[inline(always)]
fn one_wide(c: &Cell) -> bool {
    c.symbol().len() == 1 || wider_symbol_one_wide(c)
}

/// [`one_wide`] for a symbol of more than one byte.
#[inline(never)]
fn wider_symbol_one_wide(c: &Cell) -> bool {
    // A border's line or block, U+2500 to U+259F, told by its bytes.
    if let [0xe2, 0x94 | 0x95, _] | [0xe2, 0x96, 0x80..=0x9f] = c.symbol().as_bytes() {
        return true;
    }
    let mut chars = c.symbol().chars();
    match (chars.next(), chars.next()) {
        (Some(ch), None) if crate::ui::plain_char(ch) => true,
        _ => c.cell_width() == 1,
    }
}

/// Whether ratatui's diff from a blank row writes `c` as a plain wide
/// cell: two columns, the next cell skipped, nothing forced or skipped
/// about it, and no emoji presentation selector (after which the diff
/// looks at the covered cells too).
#[allow(deprecated)] // `skip` is honoured as ratatui's diff does.
fn two_columns(c: &Cell) -> bool {
    c.diff_option == CellDiffOption::None
        && !c.skip
        && c.cell_width() == 2
        && !c.symbol().contains('\u{FE0F}')
}

/// The first cell of `row` from `x` on that is not a plain one-column
/// space that looks blank ([`one_column`] and [`looks_blank`]).
#[allow(deprecated)] // `skip` is honoured as ratatui's diff does.
#[inline(always)]
fn after_blank(row: &[Cell], mut x: usize) -> usize {
    while let Some(c) = row.get(x)
        && c.diff_option == CellDiffOption::None
        && !c.skip
        && blank_style(c)
        && c.symbol().as_bytes() == b" "
    {
        x += 1;
    }
    x
}

/// Whether `c` looks like a blank cell on a cleared screen: a space with
/// no background and nothing that shows on a blank (ratatui's diff has the
/// same list).
fn looks_blank(c: &Cell) -> bool {
    c.symbol() == " " && blank_style(c)
}

/// Whether a space in `c`'s style looks like a blank cell.
#[inline(always)]
fn blank_style(c: &Cell) -> bool {
    const SHOWS: Modifier = Modifier::REVERSED
        .union(Modifier::UNDERLINED)
        .union(Modifier::SLOW_BLINK)
        .union(Modifier::RAPID_BLINK)
        .union(Modifier::CROSSED_OUT);
    matches!(c.bg, Color::Reset) && !c.modifier.intersects(SHOWS)
}

/// How many rows the text of `area` moved up between `shown` and `next`
/// (negative: down), when moving the terminal's rows by that much leaves
/// fewer to write: most rows of `area` then equal the shown ones that
/// many rows below (above), where at that place more than a quarter
/// `differ` (as [`differing_rows`] found, those rows filled whole by
/// [`fill_rows`]).
/// `None` when the text did not move, or moved too far for moving rows to
/// pay.
///
/// The nearest moves are tried first, each given up at a quarter of its
/// rows different, so a page turned costs a few compares per move.
pub fn moved_rows(shown: &Buffer, next: &Buffer, area: Rect, differ: &[bool]) -> Option<i32> {
    if !may_move(shown, next, area, differ) {
        return None;
    }
    let screen = next.area;
    let area = area.intersection(screen);
    let w = usize::from(screen.width);
    let (x0, x1) = (
        usize::from(area.x - screen.x),
        usize::from(area.right() - screen.x),
    );
    let (top, h) = (usize::from(area.y - screen.y), usize::from(area.height));
    let differ = differ.get(top..top + h)?;
    let at = |y: usize| (top + y) * w;
    let shown_part = |y: usize| &shown.content[at(y) + x0..at(y) + x1];
    // A row that does not differ shows what the frame has there (its
    // kept cells in `next` were not drawn).
    let next_part = |y: usize| {
        let buf = if differ[y] { next } else { shown };
        &buf.content[at(y) + x0..at(y) + x1]
    };
    // Whether at most `allowed` rows of `next` differ from the rows of
    // `shown` `by` rows further down.
    let fits = |by: isize, allowed: usize| {
        let mut differ = 0;
        for y in 0..h {
            let Some(from) = y.checked_add_signed(by).filter(|f| *f < h) else {
                continue;
            };
            // Compared as the diff compares (ratatui's `==` of cells was
            // a tenth of a line scrolled).
            if !same_row(shown_part(from), next_part(y)) {
                differ += 1;
                if differ > allowed {
                    return false;
                }
            }
        }
        true
    };
    for d in 1..=h / 2 {
        let allowed = (h - d) / 4;
        for by in [d as isize, -(d as isize)] {
            if fits(by, allowed) {
                return Some(by as i32);
            }
        }
    }
    None
}

/// Whether [`moved_rows`] may find a move of `area`: enough of its rows
/// differ. Only then are the rows that differ filled for it to compare.
pub fn may_move(shown: &Buffer, next: &Buffer, area: Rect, differ: &[bool]) -> bool {
    let screen = next.area;
    let area = area.intersection(screen);
    if shown.area != screen || area.height < 4 || area.width == 0 {
        return false;
    }
    let (top, h) = (usize::from(area.y - screen.y), usize::from(area.height));
    differ
        .get(top..top + h)
        .is_some_and(|d| d.iter().filter(|d| **d).count() > h / 4)
}

/// `shown` as the terminal shows it after [`Output::scroll`] moved the
/// rows `top..bottom` up `by` rows (down when negative).
pub fn move_rows(shown: &mut Buffer, top: u16, bottom: u16, by: i32) {
    let w = usize::from(shown.area.width);
    let (top, bottom) = (
        usize::from(top - shown.area.y) * w,
        usize::from(bottom - shown.area.y) * w,
    );
    let n = by.unsigned_abs() as usize * w;
    let content = &mut shown.content;
    if n >= bottom - top {
        content[top..bottom].iter_mut().for_each(Cell::reset);
        return;
    }
    // The rows moved off go, blank ones come in at the other end: two
    // moves of the cells after them in memory (rotating the rows in
    // place was three fifths of a line scrolled, callgrind).
    let blank = std::iter::repeat_n(Cell::EMPTY, n);
    if by > 0 {
        content.drain(top..top + n);
        content.splice(bottom - n..bottom - n, blank);
    } else {
        content.drain(bottom - n..bottom);
        content.splice(top..top, blank);
    }
}

/// Which rows of `next` differ from `shown` outside the `kept`
/// rectangles, whose cells were not drawn in `next` because the screen
/// shows them already (see [`crate::ui::keep`]).
pub fn differing_rows(shown: &Buffer, next: &Buffer, skip: &[KeptSpan]) -> Vec<bool> {
    let (a, b) = (shown.area, next.area);
    if a != b || a.width == 0 {
        // Not the same screen: every row is written, none kept.
        return vec![true; usize::from(b.height)];
    }
    let w = usize::from(b.width);
    let rows = usize::from(b.height);
    let mut at = 0;
    (0..rows)
        .map(|y| {
            let start = at;
            while at < skip.len() && skip[at].0 == y {
                at += 1;
            }
            let spans = &skip[start..at];
            !same_outside(
                row(shown, w, y),
                row(next, w, y),
                spans.iter().map(|&(_, x0, x1)| (x0, x1)),
            )
        })
        .collect()
}

/// Cells this many or fewer between two written on a row are written too
/// when they cost no change of style: `ESC[nC` over them is four bytes,
/// a space one. After a clear every space between two words was such a
/// move (a first frame was a third cursor moves).
const GAP: u16 = 3;

/// `cells` with the short gaps filled (see [`GAP`]) from `next`, where
/// `drawn(y, x0, x1)` says `next` holds the row's cells `x0..x1`.
fn fill_gaps<'a>(
    cells: Vec<(u16, u16, &'a Cell)>,
    next: &'a Buffer,
    drawn: impl Fn(u16, u16, u16) -> bool,
) -> Vec<(u16, u16, &'a Cell)> {
    // Room for a gap after every other cell.
    let mut out = Vec::with_capacity(2 * cells.len());
    for (i, &(x, y, cell)) in cells.iter().enumerate() {
        out.push((x, y, cell));
        let Some(&(nx, ny, _)) = cells.get(i + 1) else {
            break;
        };
        if ny != y || nx <= x || !short_gap(cell, usize::from(nx - x - 1)) {
            continue;
        }
        if !drawn(y, x + 1, nx) {
            continue;
        }
        if (x + 1..nx).all(|gx| looks_as(&next[(gx, y)], cell)) {
            out.extend((x + 1..nx).map(|gx| (gx, y, &next[(gx, y)])));
        }
    }
    out
}

/// Whether a gap of `len` cells after `before` is short enough to be
/// written (see [`GAP`]), if its cells look as `before` does ([`looks_as`]):
/// only after a one-byte symbol is the cursor known (see [`Pen::put`]).
fn short_gap(before: &Cell, len: usize) -> bool {
    (1..=usize::from(GAP)).contains(&len) && before.symbol().len() == 1
}

/// Whether `c` is a plain cell of one byte written in `like`'s style: a
/// gap's cell that costs no change of style. Not one that ratatui's diff
/// skips (what covers it is not the frame's) or treats otherwise.
fn looks_as(c: &Cell, like: &Cell) -> bool {
    c.symbol().len() == 1 && same_look(c, like)
}

/// Whether `c` is written in `like`'s style, a cell that ratatui's diff
/// treats as any other.
#[inline(always)]
fn same_look(c: &Cell, like: &Cell) -> bool {
    #[allow(deprecated)] // `skip` is honoured as ratatui's diff does.
    let skip = c.skip;
    !skip
        && c.diff_option == CellDiffOption::None
        && c.fg == like.fg
        && c.bg == like.bg
        && c.modifier == like.modifier
        && c.underline_color == like.underline_color
}

/// Kept columns of a row: (row, start, end).
pub type KeptSpan = (usize, usize, usize);

/// Whether most rows `differ` and less than an eighth of their cells are
/// in the `kept` spans (rows `w` wide). Beside a pane kept (the Library
/// is a quarter of the screen at 120x40) the frame is not made whole:
/// filling its cells in from the screen and comparing them again was a
/// twelfth of a jump to the essay's end on its first open (callgrind,
/// 1.26 M instructions, 1.16 M without).
pub fn mostly_drawn(differ: &[bool], kept: &[KeptSpan], w: usize) -> bool {
    let rows = differ.iter().filter(|d| **d).count();
    let kept_cells: usize = kept
        .iter()
        .filter(|&&(y, _, _)| differ.get(y).copied().unwrap_or(false))
        .map(|&(_, x0, x1)| x1.min(w).saturating_sub(x0))
        .sum();
    2 * rows > differ.len() && 8 * kept_cells < rows * w
}

/// The kept columns of each row of `area`, as (row, start, end) in order,
/// each run of kept columns once: worked out once a frame, for every step
/// that skips them.
///
/// The rectangles are marked on a bit per cell and the runs read back a
/// word at a time: sorting the 200-odd spans the rectangles make (they
/// come pane by pane, a row's out of order) and the buffers counted out
/// for them were a tenth of a line key (callgrind), and spans that touch
/// (a pane's border and its rows) come out as one.
pub fn kept_spans(area: Rect, kept: &[Rect]) -> Vec<KeptSpan> {
    let (w, h) = (usize::from(area.width), usize::from(area.height));
    if kept.is_empty() || w == 0 {
        return Vec::new();
    }
    let words = w.div_ceil(64);
    let mut bits = vec![0u64; words * h];
    let mut rows = 0;
    for r in kept {
        let r = r.intersection(area);
        if r.is_empty() {
            continue;
        }
        let (x0, x1) = (usize::from(r.x - area.x), usize::from(r.right() - area.x));
        let (y0, y1) = (usize::from(r.y - area.y), usize::from(r.bottom() - area.y));
        rows = rows.max(y1);
        // Each word's mask once, set on every row of the rectangle.
        for word in x0 / 64..x1.div_ceil(64) {
            let (lo, hi) = (
                x0.max(word * 64) - word * 64,
                x1.min(word * 64 + 64) - word * 64,
            );
            let mask = (u64::MAX >> (64 - (hi - lo))) << lo;
            for y in y0..y1 {
                bits[y * words + word] |= mask;
            }
        }
    }
    let mut spans = Vec::with_capacity(2 * rows);
    for (y, row) in bits.chunks_exact(words).take(rows).enumerate() {
        let mut x = 0;
        while let Some(start) = next_bit(row, x, true) {
            // Bits past the width are never set.
            let end = next_bit(row, start, false).unwrap_or(w);
            spans.push((y, start, end));
            x = end;
        }
    }
    spans
}

/// The first bit of `row` at or after `from` that is set (`set`) or
/// clear, if any.
fn next_bit(row: &[u64], from: usize, set: bool) -> Option<usize> {
    let mut word = from / 64;
    let mut mask = u64::MAX << (from % 64);
    while let Some(&bits) = row.get(word) {
        let bits = if set { bits } else { !bits } & mask;
        if bits != 0 {
            return Some(word * 64 + bits.trailing_zeros() as usize);
        }
        word += 1;
        mask = u64::MAX;
    }
    None
}

/// Makes a frame drawn with `kept` parts blank again for the next one,
/// touching only what was written: the rows `filled` (their kept cells
/// were filled in) and, on the others, the cells outside `kept` (a kept
/// cell there was never drawn).
pub fn reset_drawn(next: &mut Buffer, skip: &[KeptSpan], differ: &[bool]) {
    let w = usize::from(next.area.width);
    let rows = usize::from(next.area.height);
    if skip.is_empty() || differ.len() != rows {
        next.reset();
        return;
    }
    let mut at = 0;
    for (y, d) in differ.iter().enumerate() {
        let start = at;
        while at < skip.len() && skip[at].0 == y {
            at += 1;
        }
        let line = &mut next.content[y * w..(y + 1) * w];
        if *d {
            line.iter_mut().for_each(Cell::reset);
            continue;
        }
        let mut x = 0;
        for &(_, x0, x1) in &skip[start..at] {
            if x0 > x {
                line[x..x0].iter_mut().for_each(Cell::reset);
            }
            x = x.max(x1.min(w));
        }
        line[x..].iter_mut().for_each(Cell::reset);
    }
}

/// The cells of `next` to write over `shown`, on the rows that `differ`.
fn differing_cells<'a>(
    shown: &Buffer,
    next: &'a Buffer,
    (differ, filled): (&[bool], &[bool]),
    kept: &[KeptSpan],
) -> Vec<(u16, u16, &'a Cell)> {
    let (a, b) = (shown.area, next.area);
    if (a.x, a.y, a.width) != (b.x, b.y, b.width) || a.width == 0 {
        // Not the same screen: ratatui's diff says what (or panics).
        return shown.diff(next);
    }
    let w = usize::from(b.width);
    let rows = usize::from(a.height.min(b.height)).min(differ.len());
    let changed = differ.iter().filter(|d| **d).count();
    // Room for every cell of the rows that differ: grown a cell at a
    // time, the list was reallocated seven times on a line key.
    let mut out = Vec::with_capacity(changed * w);
    // Also when most of the screen differs (a page turned, a scrolled
    // help): ratatui's diff over the whole frame compared and measured
    // every cell, 165 instructions each, where a row of one-column cells
    // below costs a tenth of that (callgrind, a line of the help scrolled:
    // 787 K instructions of 5.2 M).
    let mut y = 0;
    while y < rows {
        if !differ[y] {
            y += 1;
            continue;
        }
        let (was, is) = (row(shown, w, y), row(next, w, y));
        if !filled.get(y).copied().unwrap_or(true) {
            // Compared outside its kept spans: plain one-column cells
            // there ([`uneven_rows`]).
            each_outside(row_spans(kept, y), w, |x0, x1| {
                let at = (b.x + x0 as u16, b.y + y as u16);
                plain_changes(&was[x0..x1], &is[x0..x1], at, &mut out);
                true
            });
            y += 1;
            continue;
        }
        // A row of one-column cells, shown and drawn: ratatui's diff of it
        // is every cell that differs, found with no copy of the row (the
        // copies were a tenth of a line key).
        if one_column_changes(was, is, (b.x, b.y + y as u16), &mut out)
            || wide_changes(was, is, (b.x, b.y + y as u16), &mut out)
        {
            y += 1;
            continue;
        }
        // A row with a wide character (or a cell forced or skipped): its
        // own copy through ratatui's diff. A run of rows from there took
        // the plain rows after it along, copies and all (a page turned on
        // the essay, a word of Chinese near its top: a third of the key).
        let start = y;
        y += 1;
        let area = Rect::new(b.x, b.y + start as u16, b.width, 1);
        let part = |buf: &Buffer| Buffer {
            area,
            content: buf.content[start * w..y * w].to_vec(),
        };
        let (was, is) = (part(shown), part(next));
        push_rows(&mut out, shown, next, &was.diff(&is));
    }
    out
}

/// Adds to `out` the cells of the row `is` that differ from `was` shown,
/// at (`x`, `y`), when both rows are all one-column cells: then these are
/// what ratatui's diff gives. Else adds nothing and says so. One pass, a
/// one-byte symbol looked at without a call (the check and the comparison
/// in two passes, with ratatui's `Cell::eq`, were a quarter of a line key).
fn one_column_changes<'a>(
    was: &[Cell],
    is: &'a [Cell],
    (x, y): (u16, u16),
    out: &mut Vec<(u16, u16, &'a Cell)>,
) -> bool {
    let start = out.len();
    for (i, (p, c)) in was.iter().zip(is).enumerate() {
        if !one_column(p) || !one_column(c) {
            out.truncate(start);
            return false;
        }
        // Both are drawn only when they differ (`diff_option` is `None`).
        if !same_cell(p, c) {
            out.push((x + i as u16, y, c));
        }
    }
    true
}

/// [`one_column_changes`] for a row with wide characters in it (a word
/// of Chinese in the essay): the cells ratatui's diff gives, worked out in
/// place, when every cell drawn is a plain one-column or two-column cell
/// (nothing forced or skipped, no emoji presentation selector) and no
/// cell written replaces a wider one shown in a style that shows on blank
/// cells (ratatui's diff then writes the columns after it as well). Each
/// such row was copied and diffed by ratatui, measuring every cell's
/// width: a tenth of a jump to the essay's end (callgrind: 93 K of 990 K
/// instructions, 66 K of them saved). As after ratatui's diff ([`push_rows`]), a row whose
/// writes would break a wide character shown is written whole. Else adds
/// nothing and says so.
fn wide_changes<'a>(
    was: &[Cell],
    is: &'a [Cell],
    (x, y): (u16, u16),
    out: &mut Vec<(u16, u16, &'a Cell)>,
) -> bool {
    let start = out.len();
    let mut i = 0;
    while let (Some(p), Some(c)) = (was.get(i), is.get(i)) {
        let cw = if one_column(c) {
            1
        } else if two_columns(c) {
            2
        } else {
            out.truncate(start);
            return false;
        };
        if !same_cell(p, c) {
            if cw < width(p) && !blank_style(p) {
                out.truncate(start);
                return false;
            }
            out.push((x + i as u16, y, c));
        }
        // The columns a wide character covers are passed over, written
        // or not, as ratatui's diff passes them.
        i += cw;
    }
    let written = out[start..]
        .iter()
        .map(|&(cx, _, c)| (usize::from(cx - x), width(c)));
    if breaks_wide(was, written) {
        out.truncate(start);
        out.extend(whole_row(is, x, y));
    }
    true
}

/// [`one_column_changes`] for rows known to be all one-column cells
/// ([`uneven_rows`] said so): the cells that differ, found without
/// looking at each symbol's width again.
fn plain_changes<'a>(
    was: &[Cell],
    is: &'a [Cell],
    (x, y): (u16, u16),
    out: &mut Vec<(u16, u16, &'a Cell)>,
) {
    for (i, (p, c)) in was.iter().zip(is).enumerate() {
        if !same_cell(p, c) {
            out.push((x + i as u16, y, c));
        }
    }
}

fn row(buf: &Buffer, w: usize, y: usize) -> &[Cell] {
    &buf.content[y * w..(y + 1) * w]
}

/// Adds the cells of a diff to `out`, row by row, as cells of `next`; a
/// row where they would break a wide character shown is written whole.
fn push_rows<'a>(
    out: &mut Vec<(u16, u16, &'a Cell)>,
    shown: &Buffer,
    next: &'a Buffer,
    cells: &[(u16, u16, &Cell)],
) {
    let (x0, y0, w) = (next.area.x, next.area.y, usize::from(next.area.width));
    for cells in cells.chunk_by(|p, q| p.1 == q.1) {
        let yy = cells[0].1;
        let at = usize::from(yy - y0);
        let written = cells
            .iter()
            .map(|&(x, _, c)| (usize::from(x - x0), width(c)));
        if breaks_wide(row(shown, w, at), written) {
            out.extend(whole_row(row(next, w, at), x0, yy));
        } else {
            out.extend(cells.iter().map(|&(x, y, _)| (x, y, &next[(x, y)])));
        }
    }
}

/// The columns a cell's symbol takes (at least one).
fn width(c: &Cell) -> usize {
    if one_wide(c) {
        1
    } else {
        usize::from(c.cell_width()).max(1)
    }
}

/// Whether writing `cells` (column, width) over the row `shown` covers
/// part, not all, of a wide character shown there. A terminal then erases
/// the rest of that character, in the colours of the moment (vt100 and
/// xterm do): ratatui's diff leaves such a cell stale. Seen with a wide
/// character moved by one column on a styled row.
fn breaks_wide(shown: &[Cell], cells: impl Iterator<Item = (usize, usize)>) -> bool {
    // Most rows show nothing wide: no need to look at what is written.
    let Some(first) = shown.iter().position(|c| width(c) > 1) else {
        return false;
    };
    let mut covered = vec![false; shown.len()];
    for (at, cw) in cells {
        for c in covered.iter_mut().skip(at).take(cw) {
            *c = true;
        }
    }
    let mut x = first;
    while x < shown.len() {
        let w = width(&shown[x]);
        if w > 1 {
            let end = (x + w).min(shown.len());
            let hit = covered[x..end].iter().filter(|c| **c).count();
            if hit > 0 && hit < end - x {
                return true;
            }
        }
        x += w;
    }
    false
}

/// Every cell of a row, as a redraw writes it: each symbol once, the
/// columns a wide one covers skipped. Written left to right, each write
/// lands after any erasure an earlier one caused.
fn whole_row(cells: &[Cell], x0: u16, y: u16) -> Vec<(u16, u16, &Cell)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < cells.len() {
        let c = &cells[x];
        #[allow(deprecated)] // skipped as ratatui's diff skips it
        let skip = c.diff_option == CellDiffOption::Skip || c.skip;
        if !skip {
            out.push((x0 + x as u16, y, c));
        }
        x += width(c);
    }
    out
}

/// Writes `cells` (ratatui's diff of two frames) to `w`.
pub fn draw_cells<'a>(
    w: &mut Vec<u8>,
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> io::Result<()> {
    draw_cells_on(w, cells, false)
}

/// [`draw_cells`]; `blank`: the screen was just cleared, and the cells
/// left out are blank there ([`paint_over_blank`]). Then a gap of up to
/// three of them on a row is written as spaces, one byte each, where a
/// move over it takes four, whenever the colours of the moment show a
/// space as blank (a full repaint of the essay was 4.8 KB, more than a
/// terminal reads at once; a fifth of it moves).
pub fn draw_cells_on<'a>(
    w: &mut Vec<u8>,
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
    blank: bool,
) -> io::Result<()> {
    let mut pen = Pen::new(blank);
    // The cell the pen last wrote through `put`: its look is the pen's.
    let mut like: Option<&Cell> = None;
    for (x, y, cell) in cells {
        // A cell of one byte right after one in its look is its byte
        // alone, as `put` writes it (no move, no style): the Notes pane's
        // rows cleared as the cursor stepped off a note went through
        // `put` a cell at a time, a seventh of the key (callgrind).
        if let Some(prev) = like
            && pen.cursor == Some((x, y))
            && same_look(cell, prev)
            && let &[b] = cell.symbol().as_bytes()
        {
            w.push(b);
            pen.cursor = Some((x.saturating_add(1), y));
            continue;
        }
        pen.put(w, x, y, cell)?;
        like = Some(cell);
    }
    pen.end(w);
    Ok(())
}

/// The terminal's state as a frame's cells are written: the style set and
/// where the cursor is.
struct Pen {
    look: Look,
    sgr: Params,
    /// Where the terminal's cursor is after the last symbol written.
    cursor: Option<(u16, u16)>,
    /// The screen was just cleared (see [`draw_cells_on`]).
    blank: bool,
}

/// The style the terminal writes in.
#[derive(Clone, Copy)]
struct Look {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    fn new(blank: bool) -> Self {
        Pen {
            look: Look {
                fg: Color::Reset,
                bg: Color::Reset,
                underline: Color::Reset,
                modifier: Modifier::empty(),
            },
            sgr: Params::default(),
            cursor: None,
            blank,
        }
    }

    /// Where it is: to go [`Pen::back`] to when what was written since is
    /// taken back.
    fn at(&self) -> (Look, Option<(u16, u16)>) {
        (self.look, self.cursor)
    }

    fn back(&mut self, (look, cursor): (Look, Option<(u16, u16)>)) {
        self.look = look;
        self.cursor = cursor;
    }

    /// Writes `cell` at `(x, y)`: a move there unless the cursor is there,
    /// the style's changes, the symbol.
    #[inline]
    fn put(&mut self, w: &mut Vec<u8>, x: u16, y: u16, cell: &Cell) -> io::Result<()> {
        let look = &mut self.look;
        match self.cursor {
            Some((cx, cy)) if cy == y && cx == x => {}
            Some((cx, cy))
                if self.blank
                    && cy == y
                    && cx < x
                    && x - cx <= 3
                    && matches!(look.bg, Color::Reset)
                    && !look.modifier.intersects(
                        Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT,
                    ) =>
            {
                w.extend_from_slice(&b"   "[..usize::from(x - cx)]);
            }
            Some((cx, cy)) if cy == y && cx < x => {
                w.extend_from_slice(b"\x1b[");
                put_num(w, u32::from(x - cx));
                w.push(b'C');
            }
            // The start of the next row: two bytes where a move takes
            // seven (a full repaint has one per row). After the last column
            // the terminal waits to wrap; the return ends that wait.
            Some((_, cy)) if x == 0 && cy.checked_add(1) == Some(y) => {
                w.extend_from_slice(b"\r\n");
            }
            _ => {
                w.extend_from_slice(b"\x1b[");
                put_num(w, u32::from(y) + 1);
                w.push(b';');
                put_num(w, u32::from(x) + 1);
                w.push(b'H');
            }
        }
        if cell.modifier != look.modifier {
            modifier_params(&mut self.sgr, look.modifier, cell.modifier);
            look.modifier = cell.modifier;
        }
        if cell.fg != look.fg {
            color_params(&mut self.sgr, cell.fg, 30);
            look.fg = cell.fg;
        }
        if cell.bg != look.bg {
            color_params(&mut self.sgr, cell.bg, 40);
            look.bg = cell.bg;
        }
        self.sgr.write(w);
        if cell.underline_color != look.underline {
            queue!(w, SetUnderlineColor(cell.underline_color.into_crossterm()))?;
            look.underline = cell.underline_color;
        }
        // Most symbols are one byte: pushed, not copied with a call.
        match cell.symbol().as_bytes() {
            &[b] => w.push(b),
            bytes => w.extend_from_slice(bytes),
        }
        // After anything but a one-column symbol the next cell is reached
        // by an absolute move, as ratatui's backend does: terminals do not
        // all agree on the width of wide and combined symbols.
        self.cursor = one_wide(cell).then(|| (x.saturating_add(1), y));
        Ok(())
    }

    /// Ends the frame's cells: the style back to the default.
    fn end(&self, w: &mut Vec<u8>) {
        let Look {
            fg,
            bg,
            underline,
            modifier,
        } = self.look;
        if (fg, bg, underline) == (Color::Reset, Color::Reset, Color::Reset) && modifier.is_empty()
        {
            // Nothing written, or nothing left set: nothing to reset.
            return;
        }
        // One reset ends them all, the underline's colour included.
        w.extend_from_slice(b"\x1b[0m");
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for Output<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.write_frame(|w, blank| draw_cells_on(w, content, blank))
    }
    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }
    // The cursor goes out with the frame's cells, in one write (crossterm's
    // backend flushed each of these on its own: two writes a frame, the
    // terminal shown the frame before the cursor moved).
    // `Screen::draw` flushes after them.
    fn hide_cursor(&mut self) -> io::Result<()> {
        queue!(self.inner, ratatui::crossterm::cursor::Hide)
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        queue!(self.inner, ratatui::crossterm::cursor::Show)
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        queue!(self.inner, ratatui::crossterm::cursor::MoveTo(x, y))
    }
    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }
    /// A whole-screen clear (a resize, a redraw) goes out with the next
    /// frame, in its one write: the terminal never shows the blank screen
    /// between (crossterm's backend wrote it at once, twice on a shrink,
    /// and the frame after). Nothing is left waiting in the writer: a
    /// panic before the next frame prints no clear after the terminal
    /// was restored.
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        match clear_type {
            ClearType::All => {
                self.clear = true;
                Ok(())
            }
            other => self.inner.clear_region(other),
        }
    }
    fn size(&self) -> io::Result<Size> {
        terminal_size()
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};

    use super::draw_cells;

    /// A frame is taken whole when most rows differ and little of them
    /// is kept: a line of the help scrolled (the status line kept) is; a
    /// page turned beside one or two kept panes, or a line moved, is not.
    #[test]
    fn a_frame_is_whole_when_most_of_it_is_drawn() {
        use super::{KeptSpan, mostly_drawn};
        let w = 120;
        let mut differ = vec![true; 40];
        differ[39] = false;
        let status = [(39, 0, 120)];
        assert!(mostly_drawn(&differ, &status, w));
        let panes: Vec<KeptSpan> = (0..39).flat_map(|y| [(y, 0, 30), (y, 90, 120)]).collect();
        assert!(!mostly_drawn(&differ, &panes, w));
        let library: Vec<KeptSpan> = (0..39).map(|y| (y, 0, 30)).collect();
        assert!(!mostly_drawn(&differ, &library, w));
        let narrow: Vec<KeptSpan> = (0..39).map(|y| (y, 0, 12)).collect();
        assert!(mostly_drawn(&differ, &narrow, w));
        let few: Vec<bool> = (0..40).map(|y| y < 10).collect();
        assert!(!mostly_drawn(&few, &[], w));
    }

    /// What a terminal shows after `frames` are drawn in turn, each as the
    /// diff from the one before (as the run loop's `Screen::draw` does).
    fn shown(frames: &[Buffer]) -> vt100::Parser {
        let area = frames[0].area;
        let mut parser = vt100::Parser::new(
            std::num::NonZero::new(area.height).unwrap(),
            std::num::NonZero::new(area.width).unwrap(),
            0,
        );
        let mut prev = Buffer::empty(area);
        for next in frames {
            let mut bytes = Vec::new();
            draw_cells(&mut bytes, super::changed_cells(&prev, next).into_iter()).unwrap();
            parser.process(&bytes);
            prev = next.clone();
        }
        parser
    }

    fn frame(rows: &[(&str, Style)]) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 12, rows.len() as u16));
        for (y, (text, style)) in rows.iter().enumerate() {
            b.set_string(0, y as u16, text, *style);
        }
        b
    }

    #[test]
    fn a_diff_written_as_bytes_shows_the_last_frame() {
        let bold = Style::new().add_modifier(Modifier::BOLD).fg(Color::Red);
        let first = frame(&[("hello world", Style::new()), ("漢字 and a", bold)]);
        let second = frame(&[("hallo wurld", bold), ("x漢 and b", Style::new())]);
        let p = shown(&[first, second]);
        let screen = p.screen();
        assert_eq!(screen.contents_between(0, 0, 0, 12), "hallo wurld");
        assert_eq!(screen.contents_between(1, 0, 1, 12).trim_end(), "x漢 and b");
        let cell = screen.cell(0, 1).unwrap();
        assert!(cell.bold(), "the changed cell takes its modifier");
        assert_eq!(cell.fgcolor(), vt100::Color::Idx(1));
        let plain = screen.cell(1, 4).unwrap();
        assert!(!plain.bold(), "attributes end where the style does");
    }

    #[test]
    fn moves_along_a_row_are_relative_and_short() {
        let first = frame(&[("aaaaaaaaaaaa", Style::new())]);
        let second = frame(&[("abaaaaaaaaba", Style::new())]);
        let mut bytes = Vec::new();
        draw_cells(&mut bytes, first.diff(&second).into_iter()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("\x1b[1;2Hb\x1b[8Cb"), "{text:?}");
    }

    /// Between two changed cells, up to three unchanged ones in the same
    /// look are written again (a byte each); four are moved over.
    #[test]
    fn short_gaps_between_changes_are_written_again() {
        let first = frame(&[("aaaaaaaaaaaa", Style::new())]);
        let written = |row: &str| {
            let mut bytes = Vec::new();
            let next = frame(&[(row, Style::new())]);
            draw_cells(&mut bytes, super::changed_cells(&first, &next).into_iter()).unwrap();
            String::from_utf8(bytes).unwrap()
        };
        let three = written("abaaabaaaaaa");
        assert!(three.contains("baaab"), "{three:?}");
        let four = written("abaaaabaaaaa");
        assert!(four.contains("b\x1b[4Cb"), "{four:?}");
    }

    /// Over a cleared screen a short gap is written as spaces where the
    /// colours of the moment show a space blank, and moved over where they
    /// would not (a reversed or coloured background); over a screen that
    /// shows something, never written.
    #[test]
    fn short_gaps_over_a_cleared_screen_are_spaces_when_they_look_blank() {
        let plain = Style::new().fg(ratatui::style::Color::Cyan);
        let frame = |style: Style| {
            let mut b = Buffer::empty(Rect::new(0, 0, 12, 1));
            b.set_string(0, 0, "ab", style);
            b.set_string(4, 0, "cd", style);
            b.set_string(10, 0, "e", style);
            b
        };
        let written = |b: &Buffer, blank: bool| {
            let mut bytes = Vec::new();
            super::paint_over_blank(&mut bytes, b, blank).unwrap();
            String::from_utf8(bytes).unwrap()
        };
        let text = written(&frame(plain), true);
        assert!(text.contains("ab  cd\x1b[4Ce"), "{text:?}");
        let reversed = plain.add_modifier(ratatui::style::Modifier::REVERSED);
        let text = written(&frame(reversed), true);
        assert!(text.contains("ab\x1b[2Ccd"), "{text:?}");
        let text = written(&frame(plain), false);
        assert!(text.contains("ab\x1b[2Ccd"), "{text:?}");
    }

    /// A cell that ratatui's diff skips (something else covers it) is
    /// not written, in a run of letters or at its end.
    #[test]
    fn a_skipped_cell_is_not_painted() {
        let mut b = Buffer::empty(Rect::new(0, 0, 8, 1));
        b.set_string(0, 0, "abcdef", Style::new());
        for x in [2, 5] {
            b.cell_mut((x, 0)).unwrap().diff_option = super::CellDiffOption::Skip;
        }
        let mut bytes = Vec::new();
        super::paint_over_blank(&mut bytes, &b, true).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("ab") && text.contains('d'), "{text:?}");
        assert!(!text.contains('c') && !text.contains('f'), "{text:?}");
    }

    /// A wide character is written whole and the cell it covers is left
    /// alone, as ratatui's diff does; after an emoji with the presentation
    /// selector the diff also writes a covered cell that holds something,
    /// and so does the paint (that row goes the long way).
    #[test]
    // Letters only: nothing here reaches a terminal.
    #[allow(clippy::disallowed_methods)]
    fn a_wide_character_covers_the_next_cell_but_after_an_emoji_selector() {
        let paint = |wide: &str| {
            let mut b = Buffer::empty(Rect::new(0, 0, 6, 1));
            b.set_string(0, 0, wide, Style::new());
            b.set_string(2, 0, "z", Style::new());
            // Something in the covered cell, as another widget may leave.
            b.cell_mut((1, 0)).unwrap().set_symbol("x");
            let mut bytes = Vec::new();
            super::paint_over_blank(&mut bytes, &b, true).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            let by_diff: Vec<String> = cells_over_blank_by_diff(&b)
                .into_iter()
                .map(|(x, _, c)| format!("{x}{}", c.symbol()))
                .collect();
            (text, by_diff)
        };
        let (text, by_diff) = paint("漢");
        assert_eq!(by_diff, ["0漢", "2z"]);
        assert!(text.contains('漢') && !text.contains('x'), "{text:?}");
        let (text, by_diff) = paint("\u{2764}\u{FE0F}");
        assert_eq!(by_diff, ["0\u{2764}\u{FE0F}", "1x", "2z"]);
        assert!(text.contains('x'), "{text:?}");
    }

    proptest::proptest! {
        /// Rows moved are the rows of the band `by` rows further on (down
        /// when positive), blank past its ends; rows outside the band stay.
        #[test]
        // Letters only: nothing here reaches a terminal.
        #[allow(clippy::disallowed_methods)]
        fn moved_rows_are_the_rows_further_on(
            (w, h) in (1u16..9, 1u16..12),
            band in (0u16..12, 0u16..12),
            by in -14i32..14,
        ) {
            let (top, bottom) = (band.0.min(band.1).min(h), band.0.max(band.1).min(h));
            let area = Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(area);
            for y in 0..h {
                for x in 0..w {
                    buf[(x, y)].set_char(char::from(b'a' + ((y * 7 + x) % 26) as u8));
                }
            }
            let before = buf.clone();
            super::move_rows(&mut buf, top, bottom, by);
            for y in 0..h {
                for x in 0..w {
                    let from = i32::from(y) + by;
                    let want = if y < top || y >= bottom {
                        before[(x, y)].clone()
                    } else if from >= i32::from(top) && from < i32::from(bottom) {
                        before[(x, from as u16)].clone()
                    } else {
                        ratatui::buffer::Cell::EMPTY
                    };
                    proptest::prop_assert_eq!(&buf[(x, y)], &want, "({}, {})", x, y);
                }
            }
            proptest::prop_assert_eq!(buf.content.len(), before.content.len());
        }
    }

    /// A symbol is taken as one column wide exactly when ratatui
    /// measures it so, the borders' lines and blocks told by their bytes
    /// included.
    #[test]
    // Printable characters only: nothing here reaches a terminal.
    #[allow(clippy::disallowed_methods)]
    fn a_symbol_is_one_wide_as_ratatui_measures_it() {
        use ratatui::buffer::CellWidth as _;
        for c in ('\u{2000}'..='\u{2bff}').chain(['a', 'é', '漢', '🙂']) {
            let mut cell = ratatui::buffer::Cell::default();
            cell.set_char(c);
            assert_eq!(super::one_wide(&cell), cell.cell_width() == 1, "{c:?}");
        }
    }

    /// Every kind of colour reaches the terminal as the palette entry (or
    /// true colour) it names, in one short sequence per cell that changes
    /// style, naming only what changed.
    #[test]
    fn colours_are_the_same_entries_in_the_shortest_sequences() {
        use vt100::Color as Vt;
        let cases = [
            (Color::Red, Vt::Idx(1)),
            (Color::Gray, Vt::Idx(7)),
            (Color::DarkGray, Vt::Idx(8)),
            (Color::White, Vt::Idx(15)),
            (Color::Indexed(3), Vt::Idx(3)),
            (Color::Indexed(12), Vt::Idx(12)),
            (Color::Indexed(16), Vt::Idx(16)),
            (Color::Indexed(236), Vt::Idx(236)),
            (Color::Rgb(1, 2, 255), Vt::Rgb(1, 2, 255)),
            (Color::Reset, Vt::Default),
        ];
        let mut b = Buffer::empty(Rect::new(0, 0, 4, cases.len() as u16));
        for (y, (c, _)) in cases.iter().enumerate() {
            b.set_string(0, y as u16, "ab", Style::new().fg(*c).bg(*c));
            b.set_string(2, y as u16, "c", Style::new().fg(*c).bg(Color::Indexed(8)));
            b.set_string(
                3,
                y as u16,
                "d",
                Style::new().fg(Color::Reset).bg(Color::Indexed(8)),
            );
        }
        let p = shown(&[b.clone()]);
        for (y, (c, want)) in cases.iter().enumerate() {
            let cell = |x| p.screen().cell(y as u16, x).unwrap().clone();
            assert_eq!(
                (cell(0).fgcolor(), cell(0).bgcolor()),
                (*want, *want),
                "{c:?}"
            );
            assert_eq!(
                (cell(2).fgcolor(), cell(2).bgcolor()),
                (*want, Vt::Idx(8)),
                "{c:?}"
            );
            assert_eq!(
                (cell(3).fgcolor(), cell(3).bgcolor()),
                (Vt::Default, Vt::Idx(8)),
                "{c:?}"
            );
        }
        let mut bytes = Vec::new();
        draw_cells(
            &mut bytes,
            super::changed_cells(&Buffer::empty(b.area), &b).into_iter(),
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        // The third row (dark grey), reached from the end of the second
        // by a return and a line feed: both colours at once, then only the
        // background, then only the foreground; the basic sixteen in their
        // short forms.
        assert!(
            text.contains("d\r\n\x1b[90;100mab\x1b[100mc\x1b[39md"),
            "{text:?}"
        );
        assert!(text.contains("\x1b[38;5;236;48;5;236mab"), "{text:?}");
        assert!(
            text.contains("\x1b[38;2;1;2;255;48;2;1;2;255mab"),
            "{text:?}"
        );
        // Attributes and colours of a cell in one sequence; one reset ends.
        let bold = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        let mut bytes = Vec::new();
        let f = frame(&[("x", bold)]);
        draw_cells(
            &mut bytes,
            super::changed_cells(&Buffer::empty(f.area), &f).into_iter(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\x1b[1;1H\x1b[1;36mx\x1b[0m"
        );
    }

    /// Symbols a frame is made of: ASCII, wide (CJK, emoji), combining
    /// accents, and a space. Not a halfwidth katakana with its sound mark:
    /// ratatui lays "ｶﾞ" out on two columns and its diff measures three,
    /// so its own diff leaves a stale cell after it; the app's text is
    /// drawn so this never happens, which `ui::redraw_tests::u1_…` checks
    /// on whole screens.
    const PIECES: &[&str] = &[
        "a", "b", " ", "é", "e\u{301}", "漢", "字", "🙂", "λό", "x y",
    ];

    const STYLES: [Style; 7] = [
        Style::new(),
        Style::new().fg(Color::Red),
        Style::new().add_modifier(Modifier::BOLD),
        Style::new()
            .bg(Color::Blue)
            .add_modifier(Modifier::REVERSED),
        Style::new()
            .fg(Color::Red)
            .add_modifier(Modifier::BOLD.union(Modifier::ITALIC)),
        Style::new()
            .fg(Color::Red)
            .add_modifier(Modifier::DIM.union(Modifier::UNDERLINED)),
        Style::new().add_modifier(Modifier::ITALIC.union(Modifier::REVERSED)),
    ];

    /// A frame of `w` x `h` from strings written at places: each row's
    /// pieces (index into PIECES, style, column).
    fn build(w: u16, h: u16, rows: &[Vec<(usize, usize, u16)>]) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, w, h));
        for (y, row) in rows.iter().enumerate().take(usize::from(h)) {
            for &(piece, style, x) in row {
                let x = x % w;
                b.set_stringn(
                    x,
                    y as u16,
                    PIECES[piece % PIECES.len()],
                    usize::from(w - x),
                    STYLES[style % STYLES.len()],
                );
            }
        }
        b
    }

    /// Every cell of a vt100 screen, symbol and the style drawn; the
    /// right half of a wide character shows nothing of its own.
    fn cells(p: &vt100::Parser, w: u16, h: u16) -> Vec<String> {
        let s = p.screen();
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (y, x)))
            .map(|(y, x)| {
                if x > 0 && s.cell(y, x - 1).is_some_and(|c| c.is_wide()) {
                    return "(right half)".to_string();
                }
                s.cell(y, x).map_or_else(
                    || "?".to_string(),
                    |c| {
                        // A cleared cell and a written space look the same,
                        // whatever the colour and weight of their text.
                        match c.contents() {
                            "" | " " => {
                                format!("blank {:?} {}", c.bgcolor(), c.inverse())
                            }
                            text => format!(
                                "{text:?} {:?} {:?} {} {} {} {} {} {}",
                                c.fgcolor(),
                                c.bgcolor(),
                                c.bold(),
                                c.dim(),
                                c.italic(),
                                c.underline(),
                                c.inverse(),
                                c.is_wide()
                            ),
                        }
                    },
                )
            })
            .collect()
    }

    fn row_strategy() -> impl proptest::strategy::Strategy<Value = Vec<(usize, usize, u16)>> {
        proptest::collection::vec((0..PIECES.len(), 0..STYLES.len(), 0u16..24), 0..8)
    }

    use super::{KeptSpan, kept_spans};
    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// The kept spans cover the cells of the kept rectangles inside the
        /// area, and no other, in order of rows and columns, each run of
        /// kept cells as one span (no two spans of a row touch).
        #[test]
        fn kept_spans_are_the_runs_of_kept_cells_in_order(
            area in (0u16..4, 0u16..4, 1u16..150, 1u16..12)
                .prop_map(|(x, y, w, h)| Rect::new(x, y, w, h)),
            kept in proptest::collection::vec(
                (0u16..160, 0u16..16, 0u16..160, 0u16..16)
                    .prop_map(|(x, y, w, h)| Rect::new(x, y, w, h)),
                0..12,
            ),
        ) {
            let mut want = std::collections::BTreeSet::new();
            for r in kept.iter().map(|r| r.intersection(area)) {
                for pos in r.positions() {
                    want.insert((usize::from(pos.y - area.y), usize::from(pos.x - area.x)));
                }
            }
            let spans: Vec<KeptSpan> = kept_spans(area, &kept);
            let mut got = std::collections::BTreeSet::new();
            for pair in spans.windows(2) {
                let ((y, _, x1), (ny, nx0, _)) = (pair[0], pair[1]);
                proptest::prop_assert!(y < ny || (y == ny && x1 < nx0), "{spans:?}");
            }
            for &(y, x0, x1) in &spans {
                proptest::prop_assert!(x0 < x1 && x1 <= usize::from(area.width));
                got.extend((x0..x1).map(|x| (y, x)));
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// A row with wide characters is written as the long way writes it
        /// (a copy of the row through ratatui's diff, a row whose writes
        /// would break a wide character shown written whole), whenever
        /// [`super::wide_changes`] takes it.
        #[test]
        fn wide_rows_are_written_as_ratatuis_diff_writes_them(
            w in 1u16..24,
            first in row_strategy(),
            second in row_strategy(),
        ) {
            let (a, b) = (build(w, 1, &[first]), build(w, 1, &[second]));
            let mut ours = Vec::new();
            if super::wide_changes(&a.content, &b.content, (0, 0), &mut ours) {
                let mut theirs = Vec::new();
                super::push_rows(&mut theirs, &a, &b, &a.diff(&b));
                let ours: Vec<_> = ours.into_iter().map(|(x, y, c)| (x, y, c.clone())).collect();
                let theirs: Vec<_> =
                    theirs.into_iter().map(|(x, y, c)| (x, y, c.clone())).collect();
                proptest::prop_assert_eq!(ours, theirs);
            }
        }
    }

    proptest::proptest! {
        /// A terminal showing the first frame, sent the rows-first diff,
        /// shows what a full redraw of the second frame shows; with nothing
        /// wide on the first frame, the diff is ratatui's, cell for cell.
        /// The second frame keeps some rows of the first (equal rows are
        /// what is skipped).
        #[test]
        fn u1_rows_first_diff_shows_what_a_redraw_shows(
            w in 1u16..24,
            h in 1u16..7,
            first in proptest::collection::vec(row_strategy(), 7),
            second in proptest::collection::vec(row_strategy(), 7),
            keep in proptest::collection::vec(proptest::bool::ANY, 7),
        ) {
            let a = build(w, h, &first);
            let mixed: Vec<_> = second
                .iter()
                .zip(&first)
                .zip(&keep)
                .map(|((s, f), k)| if *k { f.clone() } else { s.clone() })
                .collect();
            let b = build(w, h, &mixed);
            let differ = super::differing_rows(&a, &b, &[]);
            let filled = vec![true; differ.len()];
            let ours: Vec<_> = super::differing_cells(&a, &b, (&differ, &filled), &[])
                .into_iter()
                .map(|(x, y, c)| (x, y, c.clone()))
                .collect();
            let theirs: Vec<_> = a.diff(&b).into_iter().map(|(x, y, c)| (x, y, c.clone())).collect();
            let wide = a.content.iter().any(|c| super::width(c) > 1);
            if !wide {
                // Nothing wide shown that a write could break: ratatui's diff.
                proptest::prop_assert_eq!(&ours, &theirs);
            }
            // Filling short gaps adds only cells the screen already shows,
            // in order, each once.
            let written = super::changed_cells(&a, &b);
            let mut at = written.iter().map(|&(x, y, _)| (y, x)).collect::<Vec<_>>();
            let sorted = at.windows(2).all(|p| p[0] < p[1]);
            proptest::prop_assert!(sorted, "cells out of order");
            at.retain(|&(y, x)| !ours.iter().any(|&(ox, oy, _)| (ox, oy) == (x, y)));
            for (y, x) in at {
                proptest::prop_assert_eq!(&a[(x, y)], &b[(x, y)], "a gap cell at {},{} changed", x, y);
            }
            let incremental = shown(&[a, b.clone()]);
            let full = shown(&[b]);
            proptest::prop_assert_eq!(cells(&incremental, w, h), cells(&full, w, h));
        }
    }

    /// The cells to write on a blank screen, the long way: every row
    /// copied, its blank-looking cells made blank, ratatui's diff from a
    /// blank row, the short gaps filled.
    fn cells_over_blank_by_diff(next: &Buffer) -> Vec<(u16, u16, ratatui::buffer::Cell)> {
        let a = next.area;
        let w = usize::from(a.width);
        let mut blank = Buffer::empty(Rect::new(a.x, a.y, a.width, a.height.min(1)));
        let mut line = blank.clone();
        let mut out = Vec::new();
        for y in 0..usize::from(a.height) {
            blank.area.y = a.y + y as u16;
            line.area.y = a.y + y as u16;
            line.content
                .clone_from_slice(&next.content[y * w..(y + 1) * w]);
            for c in &mut line.content {
                if super::looks_blank(c) {
                    c.reset();
                }
            }
            out.extend(
                blank
                    .diff_iter(&line)
                    .map(|(x, y, _)| (x, y, &next[(x, y)])),
            );
        }
        super::fill_gaps(out, next, |_, _, _| true)
            .into_iter()
            .map(|(x, y, c)| (x, y, c.clone()))
            .collect()
    }

    proptest::proptest! {
        /// A frame painted on a blank screen is written as the cells of
        /// ratatui's diff from a blank row would be (the blank-looking
        /// ones left out, short gaps filled), byte for byte: wide
        /// characters, combining marks and emoji included, the screen just
        /// cleared or not.
        #[test]
        fn painting_over_blank_writes_ratatuis_diff_from_blank(
            w in 1u16..24,
            h in 1u16..7,
            rows in proptest::collection::vec(row_strategy(), 7),
            blank in proptest::bool::ANY,
            options in proptest::collection::vec((0u16..24, 0u16..7, 0u8..3), 0..10),
        ) {
            let mut b = build(w, h, &rows);
            // A few cells that ratatui's diff skips, always writes, or
            // takes as wide as they are said to be.
            for (x, y, option) in options {
                if let Some(c) = b.cell_mut((x % w, y % h)) {
                    c.diff_option = match option {
                        0 => super::CellDiffOption::Skip,
                        1 => super::CellDiffOption::AlwaysUpdate,
                        _ => super::CellDiffOption::ForcedWidth(std::num::NonZeroU16::MIN),
                    };
                }
            }
            let mut ours = Vec::new();
            let painted = super::paint_over_blank(&mut ours, &b, blank).unwrap();
            let cells = cells_over_blank_by_diff(&b);
            let mut theirs = Vec::new();
            super::draw_cells_on(&mut theirs, cells.iter().map(|(x, y, c)| (*x, *y, c)), blank)
                .unwrap();
            proptest::prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
            proptest::prop_assert_eq!(painted, !cells.is_empty());
        }
    }

    /// A clear waits for the next frame and goes out first in it; nothing
    /// is written before.
    #[test]
    fn a_clear_goes_out_with_the_next_frame() {
        use ratatui::backend::{Backend, ClearType};
        let clears = |b: &[u8]| b.windows(4).filter(|w| w == b"\x1b[2J").count();
        let sink = crate::testkit::Sink::default();
        let mut out = super::Output::new(sink.clone());
        out.clear_region(ClearType::All).expect("clear");
        Backend::clear(&mut out).expect("clear");
        assert!(sink.0.borrow().is_empty(), "nothing before the frame");
        let frame = build(4, 1, &[vec![(0, 0, 0)]]);
        let cells = frame.content.iter().enumerate();
        Backend::draw(&mut out, cells.map(|(i, c)| (i as u16, 0, c))).expect("draw");
        let written = sink.0.borrow().clone();
        assert!(written.starts_with(b"\x1b[2J"), "{written:?}");
        assert_eq!(clears(&written), 1, "one clear for two asked");
        Backend::draw(&mut out, std::iter::empty()).expect("draw");
        assert_eq!(
            clears(&sink.0.borrow()[written.len()..]),
            0,
            "the next frame does not clear"
        );
    }

    #[test]
    fn equal_frames_write_nothing_and_a_changed_row_only_itself() {
        let a = build(
            10,
            4,
            &[vec![(5, 1, 0)], vec![(0, 0, 2)], vec![], vec![(8, 2, 3)]],
        );
        assert!(super::changed_cells(&a, &a.clone()).is_empty());
        let b = build(
            10,
            4,
            &[vec![(5, 1, 0)], vec![(1, 0, 2)], vec![], vec![(8, 2, 3)]],
        );
        let ys: Vec<u16> = super::changed_cells(&a, &b).iter().map(|c| c.1).collect();
        assert_eq!(ys, vec![1]);
    }

    #[test]
    fn a_cell_to_be_always_written_is_written_when_unchanged() {
        let mut a = build(6, 2, &[vec![(0, 0, 0)], vec![]]);
        a[(3, 1)].set_diff_option(ratatui::buffer::CellDiffOption::AlwaysUpdate);
        let b = a.clone();
        let cells = super::changed_cells(&a, &b);
        assert_eq!(cells.len(), 1);
        assert_eq!((cells[0].0, cells[0].1), (3, 1));
    }
}
