//! The terminal: entering our modes and undoing exactly them on every exit
//! path (RELIABILITY T5).
//!
//! [`restore`] is idempotent and undoes raw mode, the alternate screen,
//! mouse capture and the hidden cursor. It runs on quit, from the panic hook
//! (installed before the terminal is touched), and on SIGTERM/SIGHUP/
//! SIGINT/SIGQUIT, which arrive as messages so state is saved first.
//! Ctrl-Z restores, stops the process, and re-enters on `fg`.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::crossterm::{cursor, event, execute, queue, terminal};

use ratatui::Frame;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect, Size};

use super::output::{self, Output};
use crate::ui::keep::Keep;

/// The terminal and what it shows.
///
/// ratatui's `Terminal` gives the frame to draw on and keeps the size, but
/// its `draw` is not used: it compares every cell of the screen with the
/// last frame, and on a key that changes a few rows that comparison was
/// most of the frame's cost (issue 12). [`Screen::draw`] keeps what the
/// terminal shows in `shown` and writes what [`output::changed_rows`]
/// finds: rows equal to the shown ones (outside the parts the frame kept,
/// see [`Keep`]) are skipped whole, the others go through ratatui's own
/// diff.
///
/// A frame is built in a 64 KiB buffer and written at once: fewer, larger
/// writes reach the terminal sooner than a write per kilobyte. [`Output`]
/// writes the cells.
pub type Tui = Screen<BufWriter<Gated<Stdout>>>;

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
    term: Terminal<Output<W>>,
    /// What the terminal shows: the last frame drawn, or blank cells after
    /// the screen was cleared.
    shown: Buffer,
    /// Where the cursor was last put (`Some(None)`: hidden); `None` when
    /// not known (at the start, after a full redraw or a suspend).
    cursor: Option<Option<Position>>,
    /// The parts of the last frame that the next may keep (ui/keep.rs).
    keep: Keep,
}

impl<W: Write> Screen<W> {
    /// Draws through `term`, whose screen is taken to be blank.
    pub fn new(term: Terminal<Output<W>>) -> Self {
        Screen {
            term,
            shown: Buffer::default(),
            cursor: None,
            keep: Keep::none(),
        }
    }

    /// The terminal's size now.
    pub fn size(&self) -> io::Result<Size> {
        self.term.size()
    }

    /// The terminal's size now, which the next frame is drawn at: a new
    /// size clears the screen (ratatui's resize), so nothing is shown any
    /// more. [`Screen::draw`] keeps the size this found.
    pub fn fit(&mut self) -> io::Result<Size> {
        let size = self.term.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if self.shown.area != area {
            self.term.resize(area)?;
            blank(&mut self.shown, area);
            self.keep.forget();
        }
        Ok(size)
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
        let cursor = {
            let mut frame = self.term.get_frame();
            let area = frame.area();
            if self.shown.area != area {
                blank(&mut self.shown, area);
                self.keep.forget();
            }
            self.keep.begin();
            render(&mut frame, &mut self.keep)
        };
        // The frame is taken out of the terminal (its place left empty, no
        // allocation) so the backend can be written while it is read.
        let mut next = std::mem::take(self.term.current_buffer_mut());
        let kept = self.keep.kept();
        let differ = output::differing_rows(&self.shown, &mut next, kept);
        // Most rows differ (a page turned): the frame is made whole and
        // becomes the screen as it is, with no row copied twice.
        let whole = 2 * differ.iter().filter(|d| **d).count() > differ.len();
        if whole {
            output::fill_kept(&self.shown, &mut next, kept, &differ);
        }
        let cells = output::changed_rows(&self.shown, &next, &differ, whole);
        let changed = !cells.is_empty();
        let written = self.term.backend_mut().draw(cells.into_iter());
        if whole || self.shown.area != next.area {
            // The old screen's cells are reused for the next frame.
            let mut old = std::mem::replace(&mut self.shown, next);
            old.reset();
            *self.term.current_buffer_mut() = old;
        } else {
            // What the screen shows now: the rows that differed are taken
            // whole (their kept cells were filled in); the others showed
            // this frame already. The frame's cells are reused, blank again.
            let w = usize::from(next.area.width);
            for (y, _) in differ.iter().enumerate().filter(|(_, d)| **d) {
                let r = y * w..(y + 1) * w;
                self.shown.content[r.clone()].clone_from_slice(&next.content[r]);
            }
            output::reset_drawn(&mut next, kept, &differ);
            *self.term.current_buffer_mut() = next;
        }
        written?;
        // A frame that changes nothing (a tick, an idle save) writes
        // nothing at all. Any other ends with the cursor, as ratatui's
        // frames do (the pty tests take that as a frame's end).
        if changed || self.cursor != Some(cursor) {
            match cursor {
                None => self.term.hide_cursor()?,
                Some(at) => {
                    self.term.show_cursor()?;
                    self.term.set_cursor_position(at)?;
                }
            }
            self.cursor = Some(cursor);
        }
        Backend::flush(self.term.backend_mut())
    }
}

/// `buf` made blank at `area`, its cells reused: a new buffer for a
/// 120x40 screen is 230 KB of fresh memory to fault in, on every resize.
fn blank(buf: &mut Buffer, area: Rect) {
    buf.resize(area);
    buf.reset();
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
    let mut out = BufWriter::with_capacity(64 << 10, Gated(io::stdout()));
    if let Err(e) = enable(&mut out) {
        restore();
        return Err(e);
    }
    let term = Terminal::new(Output::new(out))?;
    let mut t = Screen::new(term);
    full_redraw(&mut t);
    Ok(t)
}

/// Clears the screen and makes the next draw repaint every cell.
///
/// Not `Terminal::clear`: it first asks the terminal for the cursor
/// position, which waits (up to seconds) for the input thread to let go of
/// crossterm's event reader, then gives up before the repaint is forced.
pub fn full_redraw<W: Write>(t: &mut Screen<W>) {
    if let Ok(size) = t.size() {
        let area = Rect::new(0, 0, size.width, size.height);
        let _ = t.term.resize(area);
        blank(&mut t.shown, area);
    }
    t.keep.forget();
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
    if enable(t.term.backend_mut()).is_ok() {
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
}
