//! What a frame is drawn on: the screen's buffer and where the cursor goes.
//! ratatui's `Frame` is made only by its `Terminal`, which the runtime's
//! screen does not use (runtime/terminal.rs); this one has the same
//! methods the panes use.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

/// A frame being drawn: every cell of the screen.
pub struct Frame<'a> {
    buffer: &'a mut Buffer,
    cursor: Option<Position>,
    scrolls: Option<Rect>,
}

impl<'a> Frame<'a> {
    /// A frame over `buffer`, the whole screen.
    pub fn new(buffer: &'a mut Buffer) -> Self {
        Frame {
            buffer,
            cursor: None,
            scrolls: None,
        }
    }

    /// The screen's area.
    pub fn area(&self) -> Rect {
        self.buffer.area
    }

    /// The cells, to draw on directly.
    pub fn buffer_mut(&mut self) -> &mut Buffer {
        self.buffer
    }

    /// Draws `widget` in `area`.
    pub fn render_widget<W: Widget>(&mut self, widget: W, area: Rect) {
        widget.render(area, self.buffer);
    }

    /// Puts the cursor at `position` after the frame (else it is hidden).
    pub fn set_cursor_position<P: Into<Position>>(&mut self, position: P) {
        self.cursor = Some(position.into());
    }

    /// Says that the rows of `area` show a text that moves up and down a
    /// row at a time (the reader's): the screen may move the rows the
    /// terminal shows, rather than write them all again.
    pub fn scrolls(&mut self, area: Rect) {
        self.scrolls = Some(area);
    }

    /// Takes back [`Frame::scrolls`]: something is drawn over the text,
    /// so the screen's rows do not move as it does. Under the help, whose
    /// lines cover the reader, a line scrolled moved whole rows of the
    /// terminal, the panes beside the help's box with them, to write those
    /// panes again after (370 K instructions of a line's 1.7 M).
    pub fn no_scrolling(&mut self) {
        self.scrolls = None;
    }

    /// The area whose rows may have moved, if any ([`Frame::scrolls`]).
    pub fn scroll_area(&self) -> Option<Rect> {
        self.scrolls
    }

    /// Where the cursor was put, if anywhere.
    pub fn cursor_position(&self) -> Option<Position> {
        self.cursor
    }
}
