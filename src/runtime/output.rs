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
//! they change, as before. Everything else is crossterm's backend.
//!
//! The symbols are the ones ratatui's backend would print: whatever reaches
//! a cell was sanitised before it got there (RELIABILITY T1).

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm as _, WindowSize};
use ratatui::buffer::{Cell, CellWidth as _};
use ratatui::crossterm::queue;
use ratatui::crossterm::style::{
    Attribute, Color as CtColor, Colors, SetAttribute, SetColors, SetUnderlineColor,
};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// Crossterm's backend with a faster [`Backend::draw`].
pub struct Output<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> Output<W> {
    pub fn new(writer: W) -> Self {
        Output {
            inner: CrosstermBackend::new(writer),
        }
    }
}

/// Writes `n` in decimal.
fn put_num(w: &mut impl Write, n: u32) -> io::Result<()> {
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
    w.write_all(&digits[at..])
}

/// The SGR attributes that turn on each of `m`'s modifiers.
const ATTRIBUTES: [(Modifier, Attribute); 9] = [
    (Modifier::BOLD, Attribute::Bold),
    (Modifier::DIM, Attribute::Dim),
    (Modifier::ITALIC, Attribute::Italic),
    (Modifier::UNDERLINED, Attribute::Underlined),
    (Modifier::SLOW_BLINK, Attribute::SlowBlink),
    (Modifier::RAPID_BLINK, Attribute::RapidBlink),
    (Modifier::REVERSED, Attribute::Reverse),
    (Modifier::HIDDEN, Attribute::Hidden),
    (Modifier::CROSSED_OUT, Attribute::CrossedOut),
];

/// Writes `cells` (ratatui's diff of two frames) to `w`.
pub fn draw_cells<'a, W: Write>(
    w: &mut W,
    cells: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> io::Result<()> {
    let mut fg = Color::Reset;
    let mut bg = Color::Reset;
    let mut underline = Color::Reset;
    let mut modifier = Modifier::empty();
    // Where the terminal's cursor is after the last symbol written.
    let mut cursor: Option<(u16, u16)> = None;
    for (x, y, cell) in cells {
        match cursor {
            Some((cx, cy)) if cy == y && cx == x => {}
            Some((cx, cy)) if cy == y && cx < x => {
                w.write_all(b"\x1b[")?;
                put_num(w, u32::from(x - cx))?;
                w.write_all(b"C")?;
            }
            _ => {
                w.write_all(b"\x1b[")?;
                put_num(w, u32::from(y) + 1)?;
                w.write_all(b";")?;
                put_num(w, u32::from(x) + 1)?;
                w.write_all(b"H")?;
            }
        }
        if cell.modifier != modifier {
            // Every attribute off (colours too), then the cell's on: one
            // more sequence than a precise difference, and only where the
            // modifiers change, which is rare.
            queue!(w, SetAttribute(Attribute::Reset))?;
            (fg, bg, underline) = (Color::Reset, Color::Reset, Color::Reset);
            for (m, a) in ATTRIBUTES {
                if cell.modifier.contains(m) {
                    queue!(w, SetAttribute(a))?;
                }
            }
            modifier = cell.modifier;
        }
        if cell.fg != fg || cell.bg != bg {
            queue!(
                w,
                SetColors(Colors::new(
                    cell.fg.into_crossterm(),
                    cell.bg.into_crossterm()
                ))
            )?;
            (fg, bg) = (cell.fg, cell.bg);
        }
        if cell.underline_color != underline {
            queue!(w, SetUnderlineColor(cell.underline_color.into_crossterm()))?;
            underline = cell.underline_color;
        }
        let symbol = cell.symbol();
        w.write_all(symbol.as_bytes())?;
        // After anything but a one-column symbol the next cell is reached
        // by an absolute move, as ratatui's backend does: terminals do not
        // all agree on the width of wide and combined symbols.
        cursor = (symbol.len() == 1 || cell.cell_width() == 1).then(|| (x.saturating_add(1), y));
    }
    queue!(
        w,
        ratatui::crossterm::style::SetForegroundColor(CtColor::Reset),
        ratatui::crossterm::style::SetBackgroundColor(CtColor::Reset),
        SetUnderlineColor(CtColor::Reset),
        SetAttribute(Attribute::Reset),
    )
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
        draw_cells(&mut self.inner, content)
    }
    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size()
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

    /// What a terminal shows after `frames` are drawn in turn, each as the
    /// diff from the one before (as ratatui's `Terminal::flush` does).
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
            draw_cells(&mut bytes, prev.diff(next).into_iter()).unwrap();
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
}
