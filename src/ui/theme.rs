//! The calm palette: one accent, muted secondary text, no backgrounds but the
//! reading cursor. Every style the UI and the layout use comes from here.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Cyan;
const MUTED: Color = Color::DarkGray;

pub fn placeholder() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::DIM)
}
pub fn muted() -> Style {
    Style::new().fg(MUTED)
}
pub fn heading(level: u8) -> Style {
    match level {
        1 => Style::new().fg(ACCENT).add_modifier(Modifier::BOLD),
        2 => Style::new().fg(ACCENT).add_modifier(Modifier::BOLD),
        _ => Style::new().add_modifier(Modifier::BOLD),
    }
}
pub fn emphasis() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn strong() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn strike() -> Style {
    Style::new().add_modifier(Modifier::CROSSED_OUT)
}
pub fn code() -> Style {
    Style::new().fg(Color::Green)
}
pub fn link() -> Style {
    Style::new().add_modifier(Modifier::UNDERLINED)
}
pub fn quote() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn marker() -> Style {
    Style::new().fg(ACCENT)
}
pub fn rule() -> Style {
    Style::new().fg(MUTED)
}
pub fn cursor_line() -> Style {
    Style::new().bg(Color::Indexed(236))
}
pub fn cursor_gutter() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}
pub fn bookmark() -> Style {
    Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
}
pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(ACCENT)
    } else {
        Style::new().fg(MUTED)
    }
}
pub fn title(focused: bool) -> Style {
    if focused {
        Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    }
}
pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new().bg(ACCENT).fg(Color::Black)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}
pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}
pub fn info() -> Style {
    Style::new().fg(Color::Green)
}
pub fn status() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
pub fn highlight_mark() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}
pub fn note_mark() -> Style {
    Style::new()
        .fg(Color::LightCyan)
        .add_modifier(Modifier::BOLD)
}
/// Text of a highlighted passage.
pub fn highlighted() -> Style {
    Style::new().bg(Color::Indexed(58))
}
/// Text of a passage with a note.
pub fn annotated() -> Style {
    Style::new().add_modifier(Modifier::UNDERLINED)
}
/// The passage being selected (or noted): reverse video, so it shows
/// without colour too.
pub fn selection() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
/// The reading cursor's character, where a search or a jump put it.
pub fn point() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
}
/// A search match.
pub fn search_hit() -> Style {
    Style::new().bg(Color::Indexed(94)).fg(Color::White)
}
/// The match the cursor is on.
pub fn search_current() -> Style {
    Style::new()
        .bg(Color::Yellow)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD)
}
