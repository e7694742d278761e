//! Styles by role, answered from the palette the settings chose
//! ([`crate::config::palette`]). [`crate::ui::render`] installs the app's
//! palette for the frame it draws, so these functions need no argument and
//! every frame is a function of the app's state alone.

use std::cell::{Cell, RefCell};

use ratatui::style::Style;

pub use crate::config::palette::Palette;
use crate::text::role::Roles;

thread_local! {
    /// Read in place: a `Cell` of it copied the whole palette (some forty
    /// styles) out for each style asked.
    static CURRENT: RefCell<Palette> = RefCell::new(Palette::dark());
    /// The key of `CURRENT` ([`palette_key`]), once worked out.
    static KEY: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Makes `palette` the one the style functions answer from (for the frame
/// being drawn on this thread).
pub fn install(palette: &Palette) {
    CURRENT.with_borrow_mut(|c| {
        if c != palette {
            *c = *palette;
            KEY.with(|k| k.set(None));
        }
    });
}

/// The key of the installed palette, for the keys of parts whose styles
/// follow from it (ui/keep.rs): hashed once per palette, not once a frame
/// (its forty-odd styles were a thirtieth of a line key).
pub fn palette_key() -> u64 {
    KEY.with(|k| {
        k.get().unwrap_or_else(|| {
            let key = CURRENT.with_borrow(|p| super::keep::key(p));
            k.set(Some(key));
            key
        })
    })
}

/// What `f` reads of the installed palette.
fn current<R>(f: impl FnOnce(&Palette) -> R) -> R {
    CURRENT.with_borrow(f)
}

pub fn placeholder() -> Style {
    current(|p| p.placeholder)
}
pub fn muted() -> Style {
    current(|p| p.muted)
}
pub fn heading(level: u8) -> Style {
    current(|p| match level {
        1 => p.heading1,
        2 => p.heading2,
        _ => p.heading3,
    })
}
pub fn emphasis() -> Style {
    current(|p| p.emphasis)
}
pub fn strong() -> Style {
    current(|p| p.strong)
}
pub fn strike() -> Style {
    current(|p| p.strike)
}
pub fn code() -> Style {
    current(|p| p.code)
}
pub fn link() -> Style {
    current(|p| p.link)
}
pub fn quote() -> Style {
    current(|p| p.quote)
}
pub fn marker() -> Style {
    current(|p| p.marker)
}
pub fn rule() -> Style {
    current(|p| p.rule)
}
pub fn cursor_line() -> Style {
    current(|p| p.cursor_line)
}
pub fn cursor_gutter() -> Style {
    current(|p| p.cursor_gutter)
}
pub fn bookmark() -> Style {
    current(|p| p.bookmark)
}
pub fn border(focused: bool) -> Style {
    current(|p| if focused { p.border_focused } else { p.border })
}
pub fn title(focused: bool) -> Style {
    current(|p| if focused { p.title_focused } else { p.title })
}
pub fn selected(focused: bool) -> Style {
    current(|p| {
        if focused {
            p.selected
        } else {
            p.selected_unfocused
        }
    })
}
pub fn error() -> Style {
    current(|p| p.error)
}
pub fn info() -> Style {
    current(|p| p.info)
}
pub fn status() -> Style {
    current(|p| p.status)
}
pub fn highlight_mark() -> Style {
    current(|p| p.highlight_mark)
}
pub fn note_mark() -> Style {
    current(|p| p.note_mark)
}
/// Text of a highlighted passage.
pub fn highlighted() -> Style {
    current(|p| p.highlighted)
}
/// Text of a passage with a note.
pub fn annotated() -> Style {
    current(|p| p.annotated)
}
/// The passage being selected (or noted): reverse video, so it shows
/// without colour too.
pub fn selection() -> Style {
    current(|p| p.selection)
}
/// The reading cursor's character, where a search or a jump put it.
pub fn point() -> Style {
    current(|p| p.point)
}
/// A search match.
pub fn search_hit() -> Style {
    current(|p| p.search_hit)
}
/// The match the cursor is on.
pub fn search_current() -> Style {
    current(|p| p.search_current)
}

/// The style of document text marked with `roles`, composed in a fixed
/// order so the innermost meaning shows: a code span in a heading is code,
/// a placeholder is always a placeholder.
pub fn text(roles: Roles) -> Style {
    // Most of a text is plain: nothing to compose, and no copy of the
    // palette (a resize asked this of some ninety spans, 300 instructions
    // each, callgrind).
    if roles == Roles::NONE {
        return Style::new();
    }
    current(|p| {
        let mut style = Style::new();
        if let Some(level) = roles.heading_level() {
            style = style.patch(heading(level));
        }
        for (role, look) in [
            (Roles::QUOTE, p.quote),
            (Roles::EMPHASIS, p.emphasis),
            (Roles::STRONG, p.strong),
            (Roles::STRIKE, p.strike),
            (Roles::LINK, p.link),
            (Roles::CODE, p.code),
            (Roles::MUTED, p.muted),
            (Roles::MARKER, p.marker),
            (Roles::RULE, p.rule),
            (Roles::PLACEHOLDER, p.placeholder),
        ] {
            if roles.contains(role) {
                style = style.patch(look);
            }
        }
        style
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn text_roles_compose_with_the_placeholder_on_top() {
        install(&Palette::dark());
        let s = text(
            Roles::heading(1)
                .patch(Roles::CODE)
                .patch(Roles::PLACEHOLDER),
        );
        assert_eq!(s.fg, Palette::dark().placeholder.fg);
        assert!(s.add_modifier.contains(Modifier::BOLD));
    }

    /// The palette's key is the hash of the palette installed now: worked
    /// out again when another is installed, the same when it comes back.
    #[test]
    fn the_palette_key_follows_the_palette_installed() {
        install(&Palette::dark());
        let dark = palette_key();
        assert_eq!(dark, crate::ui::keep::key(Palette::dark()));
        install(&Palette::mono());
        let mono = palette_key();
        assert_eq!(mono, crate::ui::keep::key(Palette::mono()));
        assert_ne!(dark, mono);
        install(&Palette::dark());
        assert_eq!(palette_key(), dark);
    }
}
