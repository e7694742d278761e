//! The palettes: a style for every role the interface draws. Three are
//! built in — `dark` (one accent, muted secondary text, backgrounds only for
//! the reading cursor, marks and matches), `light` (the same roles in
//! colours that read on a light background) and `mono` (no colour at all:
//! selection, matches, focus and note marks shown with reverse video, bold
//! and underline, for `NO_COLOR` and monochrome terminals). A theme file or
//! a `[colors]` table overrides any role's colour. `ui::theme` draws with
//! the palette the settings chose.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

/// Declares [`Palette`] from one table: each row is a role's name (as a
/// theme file spells it), and its style in the dark, light and mono themes.
macro_rules! palette {
    ($($(#[$doc:meta])* $name:ident: $dark:expr, $light:expr, $mono:expr;)*) => {
        /// A style for every role.
        #[derive(Debug, Clone, Copy, PartialEq, Hash)]
        pub struct Palette {
            $($(#[$doc])* pub $name: Style,)*
        }

        impl Palette {
            /// Every role's name, as theme files spell it.
            pub const ROLES: &'static [&'static str] = &[$(stringify!($name),)*];

            pub fn dark() -> Palette {
                Palette { $($name: $dark,)* }
            }

            pub fn light() -> Palette {
                Palette { $($name: $light,)* }
            }

            pub fn mono() -> Palette {
                Palette { $($name: $mono,)* }
            }

            fn role_mut(&mut self, role: &str) -> Option<&mut Style> {
                match role {
                    $(stringify!($name) => Some(&mut self.$name),)*
                    _ => None,
                }
            }
        }
    };
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}
const fn bg(c: Color) -> Style {
    Style::new().bg(c)
}
const fn with(m: Modifier) -> Style {
    Style::new().add_modifier(m)
}
const NONE: Style = Style::new();
const BOLD: Modifier = Modifier::BOLD;
const DARK_ACCENT: Color = Color::Cyan;
const LIGHT_ACCENT: Color = Color::Indexed(25);
const DARK_MUTED: Color = Color::DarkGray;
const LIGHT_MUTED: Color = Color::Indexed(244);

palette! {
    /// The accent: list markers, the position bar's thumb.
    marker: fg(DARK_ACCENT), fg(LIGHT_ACCENT), NONE;
    /// Secondary text: details, hints, empty-pane messages.
    muted: fg(DARK_MUTED), fg(LIGHT_MUTED), with(Modifier::DIM);
    /// A visible stand-in for a control character or an invalid byte.
    placeholder: fg(Color::Yellow).add_modifier(Modifier::DIM), fg(Color::Indexed(130)), with(Modifier::REVERSED);
    heading1: fg(DARK_ACCENT).add_modifier(BOLD), fg(LIGHT_ACCENT).add_modifier(BOLD), with(BOLD).add_modifier(Modifier::UNDERLINED);
    heading2: fg(DARK_ACCENT).add_modifier(BOLD), fg(LIGHT_ACCENT).add_modifier(BOLD), with(BOLD);
    heading3: with(BOLD), with(BOLD), with(BOLD);
    emphasis: with(Modifier::ITALIC), with(Modifier::ITALIC), with(Modifier::ITALIC);
    strong: with(BOLD), with(BOLD), with(BOLD);
    strike: with(Modifier::CROSSED_OUT), with(Modifier::CROSSED_OUT), with(Modifier::CROSSED_OUT);
    code: fg(Color::Green), fg(Color::Indexed(28)), NONE;
    link: with(Modifier::UNDERLINED), with(Modifier::UNDERLINED), with(Modifier::UNDERLINED);
    quote: with(Modifier::ITALIC), with(Modifier::ITALIC), with(Modifier::ITALIC);
    /// Rules, table grid lines, quote bars.
    rule: fg(DARK_MUTED), fg(LIGHT_MUTED), NONE;
    /// The row of the reading cursor.
    cursor_line: bg(Color::Indexed(236)), bg(Color::Indexed(254)), NONE;
    /// The reading cursor's bar in the gutter.
    cursor_gutter: fg(DARK_ACCENT).add_modifier(BOLD), fg(LIGHT_ACCENT).add_modifier(BOLD), with(BOLD);
    bookmark: fg(Color::Magenta).add_modifier(BOLD), fg(Color::Magenta).add_modifier(BOLD), with(BOLD);
    highlight_mark: fg(Color::Yellow).add_modifier(BOLD), fg(Color::Indexed(136)).add_modifier(BOLD), with(BOLD);
    note_mark: fg(Color::LightCyan).add_modifier(BOLD), fg(Color::Indexed(31)).add_modifier(BOLD), with(BOLD);
    /// Text of a highlighted passage.
    highlighted: bg(Color::Indexed(58)), bg(Color::Indexed(230)), with(Modifier::UNDERLINED).add_modifier(BOLD);
    /// Text of a passage with a note.
    annotated: with(Modifier::UNDERLINED), with(Modifier::UNDERLINED), with(Modifier::UNDERLINED);
    /// The passage being selected (or noted): reverse video in every
    /// theme, so it shows without colour too.
    selection: with(Modifier::REVERSED), with(Modifier::REVERSED), with(Modifier::REVERSED);
    /// The reading cursor's character, where a search or a jump put it.
    point: with(Modifier::REVERSED).add_modifier(Modifier::UNDERLINED), with(Modifier::REVERSED).add_modifier(Modifier::UNDERLINED), with(Modifier::REVERSED).add_modifier(Modifier::UNDERLINED);
    /// A search match.
    search_hit: bg(Color::Indexed(94)).fg(Color::White), bg(Color::Indexed(229)).fg(Color::Black), with(Modifier::UNDERLINED).add_modifier(BOLD);
    /// The match the cursor is on.
    search_current: bg(Color::Yellow).fg(Color::Black).add_modifier(BOLD), bg(Color::Indexed(214)).fg(Color::Black).add_modifier(BOLD), with(Modifier::REVERSED).add_modifier(BOLD);
    border: fg(DARK_MUTED), fg(LIGHT_MUTED), NONE;
    border_focused: fg(DARK_ACCENT), fg(LIGHT_ACCENT), with(BOLD);
    title: NONE, NONE, NONE;
    title_focused: fg(DARK_ACCENT).add_modifier(BOLD), fg(LIGHT_ACCENT).add_modifier(BOLD), with(BOLD).add_modifier(Modifier::REVERSED);
    /// The selected row of the focused list.
    selected: bg(DARK_ACCENT).fg(Color::Black), bg(LIGHT_ACCENT).fg(Color::White), with(Modifier::REVERSED);
    /// The selected row of a list without the focus.
    selected_unfocused: with(Modifier::REVERSED), with(Modifier::REVERSED), with(Modifier::UNDERLINED);
    error: fg(Color::Red).add_modifier(BOLD), fg(Color::Indexed(160)).add_modifier(BOLD), with(BOLD);
    info: fg(Color::Green), fg(Color::Indexed(28)), NONE;
    status: with(Modifier::REVERSED), with(Modifier::REVERSED), with(Modifier::REVERSED);
}

/// The built-in themes, by name.
pub const THEMES: &[&str] = &["dark", "light", "mono"];

impl Palette {
    /// A built-in theme by name.
    pub fn named(name: &str) -> Option<Palette> {
        match name {
            "dark" => Some(Palette::dark()),
            "light" => Some(Palette::light()),
            "mono" => Some(Palette::mono()),
            _ => None,
        }
    }

    /// Sets `role`'s colours from a theme file's value: `"red"`, `"#80a0ff"`
    /// or `"117"` sets the foreground; `{ fg = …, bg = … }` either or both.
    /// Modifiers (bold, reverse…) stay the theme's, so `mono`'s reverse video
    /// survives a colour override.
    pub fn set_role(
        &mut self,
        role: &str,
        fg: Option<&str>,
        bg: Option<&str>,
    ) -> Result<(), String> {
        let Some(style) = self.role_mut(role) else {
            return Err(format!("unknown role {role:?}"));
        };
        let parse = |c: &str| {
            Color::from_str(c).map_err(|_| {
                format!("{c:?} is not a colour (a name like \"red\", \"#rrggbb\" or 0-255)")
            })
        };
        if let Some(c) = fg {
            style.fg = Some(parse(c)?);
        }
        if let Some(c) = bg {
            style.bg = Some(parse(c)?);
        }
        Ok(())
    }
}

impl Default for Palette {
    fn default() -> Palette {
        Palette::dark()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colour_and_marks_what_must_stay_visible() {
        let m = Palette::mono();
        let all = [
            m.marker,
            m.muted,
            m.placeholder,
            m.heading1,
            m.code,
            m.cursor_line,
            m.selection,
            m.search_hit,
            m.search_current,
            m.highlighted,
            m.selected,
            m.border_focused,
            m.error,
        ];
        for s in all {
            assert!(
                s.fg.is_none() && s.bg.is_none(),
                "mono uses no colour: {s:?}"
            );
        }
        for (what, s) in [
            ("selection", m.selection),
            ("match", m.search_hit),
            ("current match", m.search_current),
            ("highlight", m.highlighted),
            ("note", m.annotated),
            ("focused list row", m.selected),
            ("focused border", m.border_focused),
            ("focused title", m.title_focused),
        ] {
            assert!(
                !s.add_modifier.is_empty(),
                "{what} is visible without colour"
            );
        }
        assert_ne!(
            m.search_hit, m.search_current,
            "the current match stands out"
        );
        assert_ne!(m.border, m.border_focused, "focus shows");
    }

    #[test]
    fn a_role_colour_can_be_overridden_keeping_its_attributes() {
        let mut p = Palette::mono();
        p.set_role("selection", None, Some("#203040"))
            .expect("a colour");
        assert_eq!(p.selection.bg, Some(Color::Rgb(0x20, 0x30, 0x40)));
        assert!(p.selection.add_modifier.contains(Modifier::REVERSED));
        assert!(p.set_role("selektion", Some("red"), None).is_err());
        assert!(p.set_role("code", Some("reddish"), None).is_err());
        assert_eq!(
            Palette::ROLES.len(),
            33,
            "every role can be overridden by name"
        );
    }
}
