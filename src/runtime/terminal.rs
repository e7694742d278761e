//! The terminal: entering our modes and undoing exactly them on every exit
//! path (RELIABILITY T5).
//!
//! [`restore`] is idempotent and undoes raw mode, the alternate screen,
//! mouse capture and the hidden cursor. It runs on quit, from the panic hook
//! (installed before the terminal is touched), and on SIGTERM/SIGHUP/
//! SIGINT/SIGQUIT, which arrive as messages so state is saved first.
//! Ctrl-Z restores, stops the process, and re-enters on `fg`.

use std::io::{self, BufWriter, Write};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::crossterm::{cursor, event, execute, queue, terminal};

use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect, Size};

use super::output::{self, Output};
use crate::ui::Frame;
use crate::ui::keep::Keep;

/// The terminal and what it shows.
///
/// The screen keeps two buffers: the frame being drawn and what the
/// terminal shows. ratatui's `Terminal` is not used: its `draw` compares
/// every cell of the screen with the last frame (on a key that changes a
/// few rows, most of the frame's cost), and it makes two screen-sized
/// buffers before the first frame can be drawn (issue 12).
/// [`Screen::draw`] writes what [`output::changed_rows`] finds: rows equal
/// to the shown ones (outside the parts the frame kept, see [`Keep`]) are
/// skipped whole; a row that differs is compared outside its kept parts
/// when its cells there are plain ones ([`output::uneven_rows`]), else
/// whole, through ratatui's own diff. When the text
/// of the area a frame says scrolls ([`Frame::scrolls`]) moved a few rows,
/// the terminal moves its rows first (a scroll region, lines deleted or
/// inserted: [`output::moved_rows`]), and the frame is compared with the
/// rows moved.
///
/// A blank screen (at the start, after a resize or a redraw) has no buffer:
/// the frame is compared with blank cells a row at a time. So the first
/// frame is drawn with one buffer, and the second is made after it is out.
///
/// A frame is built in a 64 KiB buffer and written at once: fewer, larger
/// writes reach the terminal sooner than a write per kilobyte. [`Output`]
/// writes the cells.
pub type Tui = Screen<BufWriter<Gated<TermOut>>>;

/// What frames are written to: the terminal's file, a duplicate of
/// standard output's. Not `Stdout`, which is line-buffered: it wrote a
/// frame up to its last row's `\r\n` and held the rest for the flush, so
/// every frame of more than one row reached the terminal in two writes.
#[cfg(unix)]
pub type TermOut = std::fs::File;
#[cfg(not(unix))]
pub type TermOut = io::Stdout;

#[cfg(unix)]
fn term_out() -> io::Result<TermOut> {
    use std::os::fd::AsFd as _;
    Ok(std::fs::File::from(
        io::stdout().as_fd().try_clone_to_owned()?,
    ))
}

#[cfg(not(unix))]
fn term_out() -> io::Result<TermOut> {
    Ok(io::stdout())
}

/// A writer that passes bytes on only while our modes are on. Bytes written
/// after [`restore`] gave the terminal back are dropped: a frame still in
/// the buffer, flushed when the screen is dropped after the panic hook
/// restored, would turn the alternate screen and the mouse back on under
/// the shell.
pub struct Gated<W>(W);

impl<W: Write> Write for Gated<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if ACTIVE.load(Ordering::SeqCst) {
            self.0.write(buf)
        } else {
            Ok(buf.len())
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// A terminal written through `W` and what it shows; see [`Tui`].
pub struct Screen<W: Write> {
    out: Output<W>,
    /// A size that does not follow a terminal's (tests); `None`: asked of
    /// the terminal.
    fixed: Option<Size>,
    /// The size frames are drawn at: the last [`Screen::fit`].
    area: Rect,
    /// The frame to draw next: blank cells, made at `area` when drawn.
    next: Buffer,
    /// What the terminal shows, unless `blank`.
    shown: Buffer,
    /// The terminal shows blank cells (or will, with the clear queued
    /// before the next frame), whatever `shown` holds.
    blank: bool,
    /// Where the cursor was last put (`Some(None)`: hidden); `None` when
    /// not known (at the start, after a full redraw or a suspend).
    cursor: Option<Option<Position>>,
    /// The parts of the last frame that the next may keep (ui/keep.rs).
    keep: Keep,
    /// Raised on every SIGWINCH ([`Screen::hear_resizes`]); `None`: the
    /// size is asked before every frame.
    resizes: Option<Arc<AtomicBool>>,
}

impl<W: Write> Screen<W> {
    /// Draws through `out` on a terminal of the size it reports.
    pub fn new(out: Output<W>) -> Self {
        Screen {
            out,
            fixed: None,
            area: Rect::default(),
            next: Buffer::default(),
            shown: Buffer::default(),
            blank: true,
            cursor: None,
            keep: Keep::none(),
            resizes: None,
        }
    }

    /// Draws through `out` at `width` x `height`, whatever a terminal says
    /// (tests); [`Screen::set_fixed`] changes it as a resize would.
    pub fn fixed(out: Output<W>, width: u16, height: u16) -> Self {
        let mut s = Screen::new(out);
        s.set_fixed(width, height);
        full_redraw(&mut s);
        s
    }

    /// The fixed size, changed as the terminal's changes on a resize.
    pub fn set_fixed(&mut self, width: u16, height: u16) {
        self.fixed = Some(Size::new(width, height));
    }

    /// The terminal's size now.
    pub fn size(&self) -> io::Result<Size> {
        match self.fixed {
            Some(size) => Ok(size),
            None => self.out.size(),
        }
    }

    /// From now on the size is asked only after `flag` was raised (the
    /// signal handler raises it on every SIGWINCH, which the terminal
    /// sends with every change of size), and the flag is lowered here.
    /// Asked before every frame, it was a system call on every key.
    pub fn hear_resizes(&mut self, flag: Arc<AtomicBool>) {
        self.resizes = Some(flag);
    }

    /// The terminal's size now, which the next frame is drawn at: a new
    /// size clears the screen, so nothing is shown any more.
    /// [`Screen::draw`] keeps the size this found.
    pub fn fit(&mut self) -> io::Result<Size> {
        // No resize since the size was last asked: it is the one drawn at.
        if let Some(flag) = &self.resizes
            && !self.area.is_empty()
            && !flag.swap(false, Ordering::SeqCst)
        {
            return Ok(self.area.as_size());
        }
        let size = self.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if self.area != area {
            self.area = area;
            self.clear()?;
        }
        Ok(size)
    }

    /// The screen is blank from the next frame on: it is cleared before
    /// the frame's cells, in the same write, and every cell is drawn.
    fn clear(&mut self) -> io::Result<()> {
        self.blank = true;
        self.keep.forget();
        self.out.clear()
    }

    /// Draws a frame at the size [`Screen::fit`] last found: `render` draws
    /// on it and says where the cursor goes (`None` hides it); only the
    /// cells that differ from the screen are written.
    ///
    /// `render` may leave out parts that show what they showed on the last
    /// frame ([`Keep`]): they are not compared, and their cells are filled
    /// in from the screen only on the rows that differ elsewhere.
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut Frame, &mut Keep) -> Option<Position>,
    ) -> io::Result<()> {
        if self.next.area != self.area {
            // Its cells are blank already (a frame's are made blank again
            // once it is out): only the cells the new size adds are made.
            // Resetting all of them again was an eighth of a resize's
            // time before the write (37 µs at 120x40, timed in the run loop).
            resize_blank(&mut self.next, self.area);
        }
        let (cursor, scrolls) = {
            let mut frame = Frame::new(&mut self.next);
            self.keep.begin();
            let cursor = render(&mut frame, &mut self.keep);
            (cursor, frame.scroll_area())
        };
        // The frame is taken out (its place left empty, no allocation) so
        // the output can be written while it is read.
        let mut next = std::mem::take(&mut self.next);
        if self.blank {
            // Nothing to keep or compare: every cell that is not blank.
            let written = self.out.paint(&next);
            self.blank = false;
            let finished = written.and_then(|changed| self.finish(changed, cursor));
            // After the frame is out: keeping its cells is no part of
            // what the terminal waits for.
            self.show_whole(next);
            return finished;
        }
        let mut kept = output::kept_spans(next.area, self.keep.kept());
        let rows = usize::from(next.area.height);
        let mut scrolled = Ok(());
        // Rows whose kept cells are filled in from the screen: whole in
        // `next`. Only those that need it are (a wide character, a move
        // of the rows, most of the screen changed).
        let mut filled = vec![false; rows];
        // The frame moved the text's rows and kept those that show what
        // they showed (ui/keep.rs, `Keep::scrolled`): the terminal moves
        // its rows first; the parts kept in place on those rows take their
        // cells from the screen before it moves; the rows kept as moved
        // are what the screen then shows.
        let keep_moved = self.keep.moved().filter(|(area, _)| {
            self.shown.area == next.area && area.intersection(next.area) == *area
        });
        if let Some((area, by)) = keep_moved {
            let (top, bottom) = (
                usize::from(area.y - next.area.y),
                usize::from(area.bottom() - next.area.y),
            );
            let band: Vec<bool> = (0..rows).map(|y| (top..bottom).contains(&y)).collect();
            output::fill_rows(&self.shown, &mut next, &kept, &band, &mut filled);
            scrolled = self.out.scroll(area.y, area.bottom(), by);
            output::move_rows(&mut self.shown, area.y, area.bottom(), by);
            // The scroll region moved the cursor.
            self.cursor = None;
            // Kept now: what was kept off those rows, and the rows kept
            // as moved (on rows not filled: their cells are not in `next`).
            let mut parts: Vec<Rect> = self
                .keep
                .kept()
                .iter()
                .flat_map(|r| {
                    let above =
                        Rect::new(r.x, r.y, r.width, r.height.min(area.y.saturating_sub(r.y)));
                    let below_y = r.y.max(area.bottom());
                    let below =
                        Rect::new(r.x, below_y, r.width, r.bottom().saturating_sub(below_y));
                    [above, below]
                })
                .filter(|r| !r.is_empty())
                .collect();
            parts.extend_from_slice(self.keep.kept_moved());
            kept = output::kept_spans(next.area, &parts);
            for r in self.keep.kept_moved() {
                for y in r.top()..r.bottom() {
                    if let Some(f) = filled.get_mut(usize::from(y - next.area.y)) {
                        *f = false;
                    }
                }
            }
        }
        let mut differ = output::differing_rows(&self.shown, &next, &kept);
        // The text scrolled a few rows: the terminal moves the rows it
        // shows, and only what differs from them then is written (a line
        // down wrote every row of the reader, 3.4 KB at 120x40).
        let mut moved = None;
        if let Some(area) = scrolls.filter(|_| keep_moved.is_none())
            && output::may_move(&self.shown, &next, area, &differ)
        {
            output::fill_rows(&self.shown, &mut next, &kept, &differ, &mut filled);
            moved = output::moved_rows(&self.shown, &next, area, &differ).map(|by| (area, by));
        }
        let all = vec![true; differ.len()];
        if let Some((area, by)) = moved {
            // The kept cells move with their rows: the frame takes them
            // from the screen first, then keeps nothing.
            output::fill_rows(&self.shown, &mut next, &kept, &all, &mut filled);
            kept.clear();
            scrolled = self.out.scroll(area.y, area.bottom(), by);
            output::move_rows(&mut self.shown, area.y, area.bottom(), by);
            // The scroll region moved the cursor.
            self.cursor = None;
            differ = output::differing_rows(&self.shown, &next, &kept);
        }
        // Most rows differ, and little of them is kept (a resize, a line of
        // the help scrolled): the frame is made whole and becomes the screen
        // as it is, with no row copied twice. Where much of them is kept
        // (a page turned beside the Library and Notes panes) only the rest
        // is compared and taken: filling the kept cells in to compare them
        // too was a third of a page turned.
        let whole = output::mostly_drawn(&differ, &kept, usize::from(next.area.width));
        if whole {
            output::fill_rows(&self.shown, &mut next, &kept, &all, &mut filled);
        } else {
            let uneven = output::uneven_rows(&self.shown, &next, &kept, &differ);
            output::fill_rows(&self.shown, &mut next, &kept, &uneven, &mut filled);
        }
        let cells = output::changed_rows(&self.shown, &next, (&differ, &filled), &kept);
        let changed = !cells.is_empty() || moved.is_some() || keep_moved.is_some();
        let written = self.out.draw(cells.into_iter());
        // The frame goes out first, unless writing it failed; what the
        // screen shows is worked out after: the terminal does not wait for
        // it (a key's latency counted resetting the frame's cells, and on
        // a page turned a whole screen of them).
        let finished = scrolled
            .and(written)
            .and_then(|()| self.finish(changed, cursor));
        if whole {
            self.show_whole(next);
        } else {
            // What the screen shows now: the rows that differed, whole
            // where they were filled, else outside their kept cells; the
            // others showed this frame already. The frame's cells are
            // reused, blank again.
            output::show_rows(&mut self.shown, &mut next, &kept, (&differ, &filled));
            output::reset_drawn(&mut next, &kept, &filled);
            self.next = next;
        }
        finished
    }

    /// `frame`, written whole, is what the screen shows. The old screen's
    /// cells are the next frame's, blank again at the size just drawn
    /// (called once the frame is out: the first frame's second buffer is
    /// made after it). A buffer of the old size left as it was would be
    /// drawn over as it was by a frame at that size after two resizes
    /// with none drawn between.
    fn show_whole(&mut self, frame: Buffer) {
        let mut old = std::mem::replace(&mut self.shown, frame);
        blank(&mut old, self.area);
        self.next = old;
    }

    /// Ends a frame: the cursor, then everything at once.
    fn finish(&mut self, changed: bool, cursor: Option<Position>) -> io::Result<()> {
        // A frame that changes nothing (a tick, an idle save) writes
        // nothing at all. Any other ends with the cursor, as ratatui's
        // frames do (the pty tests take that as a frame's end).
        if changed || self.cursor != Some(cursor) {
            match cursor {
                None => self.out.hide_cursor()?,
                Some(at) => {
                    self.out.show_cursor()?;
                    self.out.set_cursor_position(at)?;
                }
            }
            self.cursor = Some(cursor);
        }
        Backend::flush(&mut self.out)
    }
}

/// `buf` made blank at `area`, its cells reused: a new buffer for a
/// 120x40 screen is 230 KB of fresh memory to fault in, on every resize.
/// The cells kept are reset and the new ones made blank, each once
/// (`Buffer::resize` then `reset` cloned the new ones blank and reset them
/// again: a tenth of a resize from 80x24 to 100x40, callgrind).
fn blank(buf: &mut Buffer, area: Rect) {
    let cells = usize::from(area.width) * usize::from(area.height);
    buf.content.truncate(cells);
    buf.content
        .iter_mut()
        .for_each(ratatui::buffer::Cell::reset);
    resize_blank(buf, area);
}

/// `buf`, whose cells are all blank, made blank at `area`: the cells past
/// the new size dropped, the ones it adds made blank.
fn resize_blank(buf: &mut Buffer, area: Rect) {
    let cells = usize::from(area.width) * usize::from(area.height);
    buf.content.truncate(cells);
    buf.content
        .resize_with(cells, || ratatui::buffer::Cell::EMPTY);
    buf.area = area;
}

/// Whether our modes are currently on.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Leave raw mode and the alternate screen first, so the report
            // is readable and the shell works afterwards.
            restore();
            previous(info);
        }));
    });
}

/// Raw mode on, and our modes queued in `out`.
fn enable(out: &mut impl Write) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    queue!(
        out,
        terminal::EnterAlternateScreen,
        event::EnableMouseCapture,
        cursor::Hide
    )
}

/// Sets the terminal up for the app and returns it.
///
/// The modes go out with the first frame, in one write: the terminal never
/// shows the blank alternate screen alone, and the first frame is not a
/// second write that comes a millisecond after the first (issue 12).
pub fn enter() -> io::Result<Tui> {
    install_panic_hook();
    let mut out = BufWriter::with_capacity(64 << 10, Gated(term_out()?));
    if let Err(e) = enable(&mut out) {
        restore();
        return Err(e);
    }
    let mut t = Screen::new(Output::new(out));
    full_redraw(&mut t);
    Ok(t)
}

/// Clears the screen and makes the next draw repaint every cell, at the
/// terminal's size now. Asks the terminal nothing (ratatui's `clear` asks
/// for the cursor position and waits for the answer).
pub fn full_redraw<W: Write>(t: &mut Screen<W>) {
    let size = t.size().unwrap_or_else(|_| t.area.as_size());
    full_redraw_at(t, size);
}

/// [`full_redraw`] at `size`, read from the terminal just now (a resize
/// event's): asked again, it was one more system call a resize, and
/// [`Screen::fit`] a third. The flag of [`Screen::hear_resizes`] is
/// lowered: a resize after `size` was read raises it again, and sends
/// another event.
pub fn full_redraw_at<W: Write>(t: &mut Screen<W>, size: Size) {
    if let Some(flag) = &t.resizes {
        flag.store(false, Ordering::SeqCst);
    }
    t.area = Rect::new(0, 0, size.width, size.height);
    let _ = t.clear();
    t.cursor = None;
}

/// Restores the terminal when dropped: held by the run loop from [`enter`]
/// on, so an error returned early, not only a normal quit, gives the
/// terminal back before any message is printed.
#[must_use = "the terminal is restored when the guard is dropped"]
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Undoes everything [`enter`] did; safe to call any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            event::DisableMouseCapture,
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Ctrl-Z: give the terminal back, stop, and take it again on `fg`.
pub fn suspend(t: &mut Tui) {
    restore();
    let _ = signal_hook::low_level::raise(signal_hook::consts::signal::SIGTSTP);
    // The modes go out with the next frame, which repaints everything.
    if enable(&mut t.out).is_ok() {
        full_redraw(t);
    }
}

/// Puts text on the terminal's clipboard with OSC 52 (crossterm's command),
/// which also works over SSH and in tmux (where `set-clipboard` allows it).
/// The text was cleaned of control characters by the caller; base64
/// carries the rest.
pub fn copy_to_clipboard(text: &str) {
    use ratatui::crossterm::clipboard::CopyToClipboard;
    let _ = execute!(io::stdout(), CopyToClipboard::to_clipboard_from(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resized to another size and back with a frame at each: the last
    /// frame shows only what it draws, nothing of the first frame drawn
    /// at that size (its buffer came back as the frame to draw on).
    #[test]
    fn a_frame_after_two_resizes_shows_nothing_of_the_frame_before_them() {
        let sink = crate::testkit::Sink::default();
        let mut s = Screen::fixed(Output::new(sink.clone()), 80, 24);
        let text = |x: u16, y: u16, t: &'static str| {
            move |f: &mut Frame, _: &mut Keep| {
                f.buffer_mut()
                    .set_string(x, y, t, ratatui::style::Style::default());
                None
            }
        };
        s.draw(text(2, 1, "stale words")).expect("draw");
        s.set_fixed(40, 10);
        full_redraw(&mut s);
        s.draw(text(0, 0, "small")).expect("draw");
        s.set_fixed(80, 24);
        full_redraw(&mut s);
        s.draw(text(5, 20, "fresh")).expect("draw");
        let size = |n: u16| std::num::NonZero::new(n).expect("not zero");
        let mut parser = vt100::Parser::new(size(24), size(80), 0);
        parser.process(&sink.0.borrow());
        let screen = parser.screen().contents();
        assert!(screen.contains("fresh"), "{screen:?}");
        assert!(!screen.contains("stale"), "{screen:?}");
    }

    /// The frame to draw on is blank after every frame, drawn whole or in
    /// part beside kept cells: a frame after a resize, whose cells are
    /// not made blank again, shows only what it draws, smaller or larger.
    #[test]
    fn the_frame_to_draw_on_is_blank_after_every_frame() {
        let style = ratatui::style::Style::default();
        let sink = crate::testkit::Sink::default();
        let mut s = Screen::fixed(Output::new(sink.clone()), 30, 8);
        let words = |words: &'static str, y: u16| {
            move |f: &mut Frame, keep: &mut Keep| {
                let buf = f.buffer_mut();
                if !keep.same(Rect::new(0, 0, 30, 2), 1) {
                    buf.set_string(0, 0, "kept header", style);
                    buf.set_string(3, 1, "kept too", style);
                }
                buf.set_string(2, y, words, style);
                None
            }
        };
        let screen = |rows: u16, columns: u16| {
            let size = |n: u16| std::num::NonZero::new(n).expect("not zero");
            let mut parser = vt100::Parser::new(size(rows), size(columns), 0);
            parser.process(&sink.0.borrow());
            parser.screen().contents()
        };
        for (size, fresh) in [((20, 6), "fresh"), ((40, 9), "larger")] {
            for (i, (text, y)) in [("one", 3), ("two words", 4), ("a third", 7)]
                .into_iter()
                .enumerate()
            {
                s.draw(words(text, y)).expect("draw");
                assert_eq!(s.next, Buffer::empty(s.area), "after frame {i}");
            }
            s.set_fixed(size.0, size.1);
            full_redraw(&mut s);
            s.draw(move |f: &mut Frame, _: &mut Keep| {
                f.buffer_mut().set_string(1, 5, fresh, style);
                None
            })
            .expect("draw");
            let shown = screen(size.1, size.0);
            assert_eq!(shown.split_whitespace().collect::<Vec<_>>(), [fresh]);
            s.set_fixed(30, 8);
            full_redraw(&mut s);
        }
    }

    /// A screen that hears resizes asks the size only after one: a size
    /// changed with no signal yet is not seen; once the flag is raised it
    /// is, and the flag is lowered.
    #[test]
    fn a_screen_that_hears_resizes_asks_the_size_only_after_one() {
        let sink = crate::testkit::Sink::default();
        let mut s = Screen::fixed(Output::new(sink), 80, 24);
        let flag = Arc::new(AtomicBool::new(false));
        s.hear_resizes(flag.clone());
        let size = |s: &mut Screen<_>| s.fit().map(|z| (z.width, z.height)).ok();
        assert_eq!(size(&mut s), Some((80, 24)));
        s.set_fixed(100, 30);
        assert_eq!(size(&mut s), Some((80, 24)), "no signal yet");
        flag.store(true, Ordering::SeqCst);
        assert_eq!(size(&mut s), Some((100, 30)));
        assert!(!flag.load(Ordering::SeqCst), "lowered");
        assert_eq!(s.area, Rect::new(0, 0, 100, 30));
        s.set_fixed(60, 20);
        assert_eq!(size(&mut s), Some((100, 30)));
        // A resize event's size is taken as it is, its signal heard.
        flag.store(true, Ordering::SeqCst);
        full_redraw_at(&mut s, Size::new(70, 25));
        assert!(!flag.load(Ordering::SeqCst), "lowered");
        assert_eq!(size(&mut s), Some((70, 25)));
        assert!(s.blank, "everything is drawn again");
    }

    /// A buffer made blank at another size, larger or smaller, drawn on
    /// before (symbols, colours, a wide character, a skipped cell), is a
    /// new blank buffer of that size.
    #[test]
    fn a_buffer_made_blank_at_any_size_is_a_new_blank_one() {
        use ratatui::buffer::CellDiffOption;
        use ratatui::style::{Color, Style};
        let sizes = [(80, 24), (120, 40), (100, 40), (1, 1), (0, 3), (120, 40)];
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 2));
        for (w, h) in sizes {
            let area = Rect::new(0, 0, w, h);
            blank(&mut buf, area);
            assert_eq!(buf, Buffer::empty(area), "{w}x{h}");
            assert!(
                buf.content
                    .iter()
                    .all(|c| c.diff_option == CellDiffOption::None)
            );
            for (i, c) in buf.content.iter_mut().enumerate() {
                #[allow(clippy::disallowed_methods)] // A test's own buffer.
                c.set_symbol(["x", "漢", "◆"][i % 3])
                    .set_style(Style::new().fg(Color::Red).bg(Color::Indexed(236)));
                if i % 7 == 0 {
                    c.set_diff_option(CellDiffOption::Skip);
                }
            }
        }
    }

    /// Outside our modes (as in tests, and after `restore`), nothing
    /// reaches the writer, and the bytes count as written.
    #[test]
    fn nothing_passes_once_the_terminal_is_given_back() {
        assert!(!ACTIVE.load(Ordering::SeqCst));
        let mut out = Gated(Vec::new());
        assert_eq!(out.write(b"\x1b[?1049h").ok(), Some(8));
        out.flush().ok();
        assert!(out.0.is_empty());
    }

    /// The first frame is drawn on one screen-sized buffer, over a blank
    /// screen it clears in the same write; the second buffer is made for
    /// the frame after.
    #[test]
    fn the_first_frame_needs_one_buffer() {
        let sink = crate::testkit::Sink::default();
        let written = || String::from_utf8_lossy(&sink.0.borrow()).into_owned();
        let mut s = Screen::fixed(Output::new(sink.clone()), 80, 24);
        let hello = |f: &mut Frame, _: &mut Keep| {
            f.buffer_mut()
                .set_string(2, 1, "hello", ratatui::style::Style::default());
            None
        };
        s.draw(hello).expect("draw");
        assert_eq!(s.shown.area, Rect::new(0, 0, 80, 24));
        // Made after the frame went out, blank.
        assert_eq!(s.next, Buffer::empty(Rect::new(0, 0, 80, 24)));
        let first = written();
        assert!(first.starts_with("\x1b[2J"), "{first:?}");
        assert!(first.contains("hello"), "{first:?}");
        s.draw(hello).expect("draw");
        assert_eq!(s.next.area, Rect::new(0, 0, 80, 24));
        assert_eq!(written(), first, "the same frame again writes nothing");
    }

    /// A row that changes on both sides of a narrow kept part is written
    /// outside it only: the short gap between two changed cells is not
    /// filled from the frame across the kept cells (which the frame does
    /// not hold), and the screen keeps them; later frames still know them.
    #[test]
    fn changes_beside_a_kept_part_leave_it_on_the_screen() {
        let sink = crate::testkit::Sink::default();
        let mut s = Screen::fixed(Output::new(sink.clone()), 20, 10);
        let kept = Rect::new(3, 0, 2, 1);
        let frame = |left: &'static str, right: &'static str| {
            move |f: &mut Frame, keep: &mut Keep| {
                let buf = f.buffer_mut();
                let style = ratatui::style::Style::default();
                buf.set_string(0, 0, left, style);
                if !keep.same(kept, 7) {
                    buf.set_string(3, 0, "XY", style);
                }
                buf.set_string(5, 0, right, style);
                buf.set_string(0, 1, left, style);
                None
            }
        };
        let screen = || {
            let mut p = vt100::Parser::new(
                std::num::NonZero::new(10).expect("rows"),
                std::num::NonZero::new(20).expect("columns"),
                0,
            );
            p.process(&sink.0.borrow());
            p.screen().contents()
        };
        s.draw(frame("abc", "def")).expect("draw");
        s.draw(frame("abC", "Def")).expect("draw");
        assert!(screen().starts_with("abCXYDef"), "{:?}", screen());
        s.draw(frame("aBC", "DEf")).expect("draw");
        s.draw(frame("ABC", "DEF")).expect("draw");
        assert!(screen().starts_with("ABCXYDEF\nABC"), "{:?}", screen());
    }
}
