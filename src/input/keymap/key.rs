//! The key notation: `j`, `G`, `ctrl-d`, `shift-tab`, `pagedown`, `f1`.
//! Parsing and printing share one table, so they round-trip, and every
//! spelling a terminal may send for a key folds into one normal form.

use std::fmt;
use std::str::FromStr;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Named keys, shared by parsing and printing so the two cannot disagree.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("space", KeyCode::Char(' ')),
    ("tab", KeyCode::Tab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
];

/// A key with its modifiers, in one normal form whatever the terminal sent.
///
/// Only CONTROL, ALT and SHIFT are kept, and SHIFT only on non-character
/// keys (see [`Key::new`]). Notation: [`Key::parse`] and `Display`, which
/// round-trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    modifiers: KeyModifiers,
}

/// Why a key notation did not parse. Messages quote nothing of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    #[error("unknown key name")]
    Unknown,
    #[error("control and invisible characters cannot be keys")]
    Unprintable,
    #[error("shift- goes only with letters and named keys; write the character itself")]
    ShiftOnSymbol,
}

impl Key {
    /// Builds a key in normal form. Terminals report one keystroke in several
    /// ways, so everything is folded here, before storing or looking up.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        // SUPER, HYPER and META reach us only with the kitty protocol and
        // mean nothing in a keymap that must also work without it.
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // Legacy terminals send shift-tab as its own sequence (crossterm's
            // BackTab, with or without SHIFT); the kitty protocol sends Tab
            // with SHIFT.
            KeyCode::BackTab => {
                modifiers |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            KeyCode::Char(mut c) => {
                // Shift is part of the character: xterm reports 'G' + SHIFT,
                // some terminals 'G' alone, the kitty protocol the base key
                // 'g' + SHIFT. All mean "G". (Shift with '1' is '!' only on
                // some layouts, so symbols keep the character they came with.)
                if modifiers.contains(KeyModifiers::SHIFT) {
                    c = single(c.to_uppercase()).unwrap_or(c);
                    modifiers.remove(KeyModifiers::SHIFT);
                }
                // A legacy terminal sends ctrl-d and ctrl-D as the same byte
                // (0x04), so case cannot count with ctrl; make it not count
                // with the kitty protocol or on Windows either.
                if modifiers.contains(KeyModifiers::CONTROL) {
                    c = single(c.to_lowercase()).unwrap_or(c);
                }
                KeyCode::Char(c)
            }
            other => other,
        };
        Key { code, modifiers }
    }

    /// The key of a terminal event (its kind is the caller's business).
    pub fn from_event(event: &KeyEvent) -> Key {
        Key::new(event.code, event.modifiers)
    }

    #[cfg(test)]
    pub fn code(&self) -> KeyCode {
        self.code
    }

    #[cfg(test)]
    pub fn modifiers(&self) -> KeyModifiers {
        self.modifiers
    }

    /// Parses the notation: `j`, `G`, `-`, `ctrl-d`, `ctrl--`, `alt-x`,
    /// `ctrl-alt-x`, `shift-tab`, `pagedown`, `f1`…`f24`. Modifier and key
    /// names ignore case; a single character does not (`g` is not `G`).
    pub fn parse(text: &str) -> Result<Key, KeyParseError> {
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        // Peel `name-` prefixes while something follows the dash, so that a
        // trailing `-` is the minus key itself (`-`, `ctrl--`).
        while let Some((prefix, tail)) = rest.split_once('-') {
            let modifier = match prefix {
                _ if tail.is_empty() => break,
                p if p.eq_ignore_ascii_case("ctrl") => KeyModifiers::CONTROL,
                p if p.eq_ignore_ascii_case("alt") => KeyModifiers::ALT,
                p if p.eq_ignore_ascii_case("shift") => KeyModifiers::SHIFT,
                _ => break,
            };
            modifiers |= modifier;
            rest = tail;
        }
        let code = if let Some(c) = single(rest.chars()) {
            if is_unprintable(c) {
                return Err(KeyParseError::Unprintable);
            }
            let has_case =
                single(c.to_uppercase()) != Some(c) || single(c.to_lowercase()) != Some(c);
            if modifiers.contains(KeyModifiers::SHIFT) && !has_case {
                return Err(KeyParseError::ShiftOnSymbol);
            }
            KeyCode::Char(c)
        } else if let Some(&(_, code)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(rest)) {
            code
        } else {
            let number = rest
                .strip_prefix(['f', 'F'])
                .and_then(|n| n.parse::<u8>().ok());
            match number {
                Some(n @ 1..=24) => KeyCode::F(n),
                _ => return Err(KeyParseError::Unknown),
            }
        };
        Ok(Key::new(code, modifiers))
    }
}

impl FromStr for Key {
    type Err = KeyParseError;

    fn from_str(text: &str) -> Result<Key, KeyParseError> {
        Key::parse(text)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, name) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.modifiers.contains(flag) {
                f.write_str(name)?;
            }
        }
        if let Some((name, _)) = NAMED.iter().find(|(_, code)| *code == self.code) {
            return f.write_str(name);
        }
        match self.code {
            KeyCode::F(n) => write!(f, "f{n}"),
            // Keys from events can hold anything; never print a control.
            KeyCode::Char(c) if is_unprintable(c) => write!(f, "<U+{:04X}>", u32::from(c)),
            KeyCode::Char(c) => write!(f, "{c}"),
            other => write!(f, "<{other:?}>"),
        }
    }
}

/// The only item of an iterator that yields exactly one.
fn single<T>(mut items: impl Iterator<Item = T>) -> Option<T> {
    match (items.next(), items.next()) {
        (Some(item), None) => Some(item),
        _ => None,
    }
}

/// Controls (C0, DEL, C1) and characters that are invisible or reorder text
/// (zero-width, bidi, BOM, tags): useless as keys, dangerous in messages.
pub(crate) fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{AD}' | '\u{61C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::super::test_support::key;
    use super::*;
    use KeyCode::{BackTab, Char, Tab};

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    #[test]
    fn notation_round_trips_every_spelling() {
        let spellings = "j G ? - ctrl-- ctrl-d shift-tab alt-x ctrl-alt-x alt-G ctrl-shift-up é \
            pagedown pageup home end enter esc space tab backspace delete insert up down left \
            right f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12";
        for text in spellings.split_whitespace() {
            let k = key(text);
            assert_eq!(k.to_string(), text, "{text:?} should print as written");
            assert_eq!(Key::parse(&k.to_string()), Ok(k), "{text:?} round trip");
        }
    }

    #[test]
    fn notation_folds_equivalent_spellings_and_rejects_garbage() {
        let pairs = "shift-g=G shift-G=G ctrl-D=ctrl-d CTRL-d=ctrl-d ctrl-shift-d=ctrl-d \
            alt-ctrl-x=ctrl-alt-x Enter=enter PageDown=pagedown F1=f1";
        for (written, canonical) in pairs.split(' ').filter_map(|p| p.split_once('=')) {
            let printed = key(written).to_string();
            assert_eq!(printed, canonical, "{written:?} should mean {canonical:?}");
        }
        let cases = [
            ("", KeyParseError::Unknown),
            ("ctrl-", KeyParseError::Unknown),
            ("--", KeyParseError::Unknown),
            ("pgdn", KeyParseError::Unknown),
            ("ctrl-jj", KeyParseError::Unknown),
            ("f0", KeyParseError::Unknown),
            ("f25", KeyParseError::Unknown),
            ("shift-1", KeyParseError::ShiftOnSymbol),
            ("\u{1b}", KeyParseError::Unprintable),
            ("ctrl-\u{7}", KeyParseError::Unprintable),
            ("\u{9b}", KeyParseError::Unprintable),
            ("\u{202e}", KeyParseError::Unprintable),
        ];
        for (text, error) in cases {
            assert_eq!(Key::parse(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn events_are_normalised_like_the_notation() {
        let cases = [
            (Char('G'), SHIFT, "G"), // xterm, Windows
            (Char('g'), SHIFT, "G"), // kitty protocol: base key + SHIFT
            (Char('G'), NONE, "G"),
            (BackTab, NONE, "shift-tab"),
            (BackTab, SHIFT, "shift-tab"),
            (Tab, SHIFT, "shift-tab"),
            (Char('D'), CTRL | SHIFT, "ctrl-d"),
            (Char('?'), SHIFT, "?"),
            (Char('x'), KeyModifiers::ALT | KeyModifiers::SUPER, "alt-x"),
        ];
        for (code, modifiers, text) in cases {
            let normal = Key::new(code, modifiers);
            assert_eq!(normal, key(text), "{code:?} + {modifiers:?}");
        }
    }
}
