//! The bytes a terminal sends for keys and the mouse → crossterm events.
//!
//! The loop reads the terminal itself (issue 12: a key that crossed from a
//! reader thread cost a second wake-up, 0.07–0.14 ms, most of what kept a
//! line key behind less's), so it decodes what it reads here. crossterm's
//! own decoder is private to its reader; this one gives the same events
//! for what marginote turns on (raw mode and mouse reporting: no kitty
//! keyboard protocol, no bracketed paste), so the keymap and every test
//! written against crossterm's events see no difference:
//!
//! - printable characters as UTF-8, an upper-case letter with SHIFT;
//! - C0 controls: `\r` Enter, `\t` Tab, DEL Backspace, NUL ctrl-space,
//!   0x01–0x1A ctrl-a…z (`\n` is ctrl-j, as in raw mode), 0x1C–0x1F
//!   ctrl-4…7;
//! - ESC alone (nothing after it in the same read) is Escape; ESC before
//!   a key is that key with ALT;
//! - CSI and SS3 keys: arrows, Home/End, Insert/Delete, Page Up/Down,
//!   F1–F12, back-tab, with xterm's modifier parameter (`ESC[1;5A`);
//! - mouse reports in the X10, SGR (1006) and urxvt (1015) encodings, and
//!   focus reports.
//!
//! Anything else (an unknown sequence, a malformed byte) is skipped
//! whole: it is never typed as text.

use std::collections::VecDeque;

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// Longest escape sequence kept while its end has not come: anything
/// longer is not a key, and is dropped.
const LONGEST: usize = 64;

/// Decodes a stream of terminal input read in pieces.
#[derive(Debug, Default)]
pub struct Decoder {
    /// The start of a sequence whose end has not been read yet.
    pending: Vec<u8>,
}

/// What the bytes at the front make.
#[derive(Debug, PartialEq)]
enum Step {
    /// An event, and how many bytes it took.
    Event(Event, usize),
    /// Bytes that mean nothing here, dropped.
    Skip(usize),
    /// The start of a sequence: wait for the rest.
    Incomplete,
}

impl Decoder {
    /// Decodes `bytes`, one read's worth, appending the events to `out`.
    ///
    /// `more` says the read may have stopped in the middle of what the
    /// terminal sent (it filled the buffer). Otherwise a lone ESC at the
    /// end is the Escape key: a terminal writes a whole sequence at once,
    /// so ESC with nothing after it in the same read was typed alone.
    pub fn feed(&mut self, bytes: &[u8], more: bool, out: &mut VecDeque<Event>) {
        self.pending.extend_from_slice(bytes);
        let mut at = 0;
        while at < self.pending.len() {
            match step(&self.pending[at..], more) {
                Step::Event(ev, n) => {
                    out.push_back(ev);
                    at += n;
                }
                Step::Skip(n) => at += n,
                Step::Incomplete if self.pending.len() - at > LONGEST => {
                    // Not a key, and none of it is text: dropped whole.
                    at = self.pending.len();
                }
                Step::Incomplete => break,
            }
        }
        self.pending.drain(..at);
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

/// The event at the front of `b` (never empty).
fn step(b: &[u8], more: bool) -> Step {
    match b[0] {
        0x1b => escape(b, more),
        _ => plain(b),
    }
}

/// A byte that does not start an escape sequence: a control or a
/// character.
fn plain(b: &[u8]) -> Step {
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let ev = match b[0] {
        b'\r' => key(KeyCode::Enter, none),
        b'\t' => key(KeyCode::Tab, none),
        0x7f => key(KeyCode::Backspace, none),
        0x00 => key(KeyCode::Char(' '), ctrl),
        c @ 0x01..=0x1a => key(KeyCode::Char(char::from(c - 1 + b'a')), ctrl),
        c @ 0x1c..=0x1f => key(KeyCode::Char(char::from(c - 0x1c + b'4')), ctrl),
        _ => return character(b),
    };
    Step::Event(ev, 1)
}

/// A UTF-8 character at the front of `b`.
fn character(b: &[u8]) -> Step {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Skip(1),
    };
    if b.len() < len {
        // Continuation bytes so far must be ones, or it never completes.
        return if b[1..].iter().all(|&c| c & 0xc0 == 0x80) {
            Step::Incomplete
        } else {
            Step::Skip(1)
        };
    }
    match std::str::from_utf8(&b[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => {
            let modifiers = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            Step::Event(key(KeyCode::Char(c), modifiers), len)
        }
        None => Step::Skip(1),
    }
}

/// A sequence that starts with ESC.
fn escape(b: &[u8], more: bool) -> Step {
    let Some(&next) = b.get(1) else {
        return if more {
            Step::Incomplete
        } else {
            Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1)
        };
    };
    match next {
        b'[' => csi(b, more),
        b'O' => ss3(b, more),
        // ESC ESC: the first was typed alone; the second starts afresh.
        0x1b => Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        _ => match plain(&b[1..]) {
            Step::Event(Event::Key(mut k), n) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Event(Event::Key(k), n + 1)
            }
            Step::Skip(_) => Step::Skip(1),
            other => other,
        },
    }
}

/// The key for the letter that ends an SS3 or a short CSI sequence.
fn letter_key(c: u8) -> Option<KeyCode> {
    Some(match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        _ => return None,
    })
}

/// `ESC O x`: cursor keys in application mode, F1–F4.
fn ss3(b: &[u8], more: bool) -> Step {
    match b.get(2) {
        // Alt-O typed alone.
        None if !more => Step::Event(
            key(KeyCode::Char('O'), KeyModifiers::ALT | KeyModifiers::SHIFT),
            2,
        ),
        None => Step::Incomplete,
        Some(&c) => match letter_key(c) {
            Some(code) => Step::Event(key(code, KeyModifiers::NONE), 3),
            None => Step::Skip(3),
        },
    }
}

/// `ESC [ …`: keys, mouse and focus reports.
fn csi(b: &[u8], more: bool) -> Step {
    match b.get(2) {
        // Alt-[ typed alone.
        None if !more => Step::Event(key(KeyCode::Char('['), KeyModifiers::ALT), 2),
        None => Step::Incomplete,
        Some(b'M') => x10_mouse(b),
        Some(b'[') => match b.get(3) {
            // The Linux console's F1–F5: `ESC [ [ A`…`E`.
            Some(&c @ b'A'..=b'E') => {
                Step::Event(key(KeyCode::F(c - b'A' + 1), KeyModifiers::NONE), 4)
            }
            Some(_) => Step::Skip(4),
            None => Step::Incomplete,
        },
        Some(b'Z') => Step::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), 3),
        Some(b'I') => Step::Event(Event::FocusGained, 3),
        Some(b'O') => Step::Event(Event::FocusLost, 3),
        Some(&c) if c.is_ascii_uppercase() => match letter_key(c) {
            Some(code) => Step::Event(key(code, KeyModifiers::NONE), 3),
            None => Step::Skip(3),
        },
        Some(_) => {
            // Parameters and intermediates up to a final byte (0x40–0x7e).
            let Some(end) = b[2..].iter().position(|&c| !(0x20..=0x3f).contains(&c)) else {
                return Step::Incomplete;
            };
            let end = 2 + end;
            let fin = b[end];
            if !(0x40..=0x7e).contains(&fin) {
                // Cut short (another ESC, a control): what came so far is
                // dropped, and the byte that cut it is read afresh.
                return Step::Skip(end);
            }
            match csi_event(&b[2..end], fin) {
                Some(ev) => Step::Event(ev, end + 1),
                None => Step::Skip(end + 1),
            }
        }
    }
}

/// The parameters of a CSI sequence as numbers; `None` if one is not.
/// Sub-parameters after `:` (the kitty protocol's event kinds) are
/// ignored.
fn numbers(params: &[u8]) -> Option<Vec<u16>> {
    std::str::from_utf8(params)
        .ok()?
        .split(';')
        .map(|p| {
            let p = p.split(':').next().unwrap_or("");
            if p.is_empty() {
                Some(1)
            } else {
                p.parse().ok()
            }
        })
        .collect()
}

/// xterm's modifier parameter: 1 + a bit mask.
fn modifiers(param: u16) -> KeyModifiers {
    let mask = param.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    for (bit, flag) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
        (8, KeyModifiers::SUPER),
        (16, KeyModifiers::HYPER),
        (32, KeyModifiers::META),
    ] {
        if mask & bit != 0 {
            m |= flag;
        }
    }
    m
}

/// A whole CSI sequence with parameters: `params` between `ESC [` and the
/// final byte `fin`.
fn csi_event(params: &[u8], fin: u8) -> Option<Event> {
    if let Some(sgr) = params.strip_prefix(b"<") {
        return sgr_mouse(sgr, fin);
    }
    let n = numbers(params)?;
    match fin {
        b'~' => {
            let code = match n[0] {
                1 | 7 => KeyCode::Home,
                2 => KeyCode::Insert,
                3 => KeyCode::Delete,
                4 | 8 => KeyCode::End,
                5 => KeyCode::PageUp,
                6 => KeyCode::PageDown,
                f @ 11..=15 => KeyCode::F(u8::try_from(f - 10).ok()?),
                f @ 17..=21 => KeyCode::F(u8::try_from(f - 11).ok()?),
                f @ 23..=24 => KeyCode::F(u8::try_from(f - 12).ok()?),
                _ => return None,
            };
            Some(key(code, modifiers(n.get(1).copied().unwrap_or(1))))
        }
        b'M' if n.len() == 3 => {
            // urxvt (1015): the button as X10 encodes it, then the cell.
            let cb = u8::try_from(n[0].checked_sub(32)?).ok()?;
            mouse(cb, n[1], n[2], false)
        }
        _ => {
            let code = letter_key(fin)?;
            Some(key(code, modifiers(n.get(1).copied().unwrap_or(1))))
        }
    }
}

/// `ESC [ M b x y`: the X10 mouse report, each value a byte plus 32.
fn x10_mouse(b: &[u8]) -> Step {
    if b.len() < 6 {
        return Step::Incomplete;
    }
    let ev = b[3].checked_sub(32).and_then(|cb| {
        let x = u16::from(b[4].saturating_sub(32));
        let y = u16::from(b[5].saturating_sub(32));
        mouse(cb, x, y, false)
    });
    match ev {
        Some(ev) => Step::Event(ev, 6),
        None => Step::Skip(6),
    }
}

/// `ESC [ < b ; x ; y M` (pressed, moved) or `… m` (released): SGR 1006.
fn sgr_mouse(params: &[u8], fin: u8) -> Option<Event> {
    if !matches!(fin, b'M' | b'm') {
        return None;
    }
    let n = numbers(params)?;
    let [cb, x, y] = n[..] else { return None };
    mouse(u8::try_from(cb).ok()?, x, y, fin == b'm')
}

/// A mouse event from the button byte (less its offset) and the 1-based
/// cell.
fn mouse(cb: u8, x: u16, y: u16, released: bool) -> Option<Event> {
    let button = (cb & 0b11) | ((cb & 0b1100_0000) >> 4);
    let dragging = cb & 0b10_0000 != 0;
    let kind = match (button, dragging) {
        (0, false) => MouseEventKind::Down(MouseButton::Left),
        (1, false) => MouseEventKind::Down(MouseButton::Middle),
        (2, false) => MouseEventKind::Down(MouseButton::Right),
        (0, true) => MouseEventKind::Drag(MouseButton::Left),
        (1, true) => MouseEventKind::Drag(MouseButton::Middle),
        (2, true) => MouseEventKind::Drag(MouseButton::Right),
        // X10 and urxvt say "released" without saying which button.
        (3, false) => MouseEventKind::Up(MouseButton::Left),
        (3..=5, true) => MouseEventKind::Moved,
        (4, false) => MouseEventKind::ScrollUp,
        (5, false) => MouseEventKind::ScrollDown,
        (6, false) => MouseEventKind::ScrollLeft,
        (7, false) => MouseEventKind::ScrollRight,
        _ => return None,
    };
    let kind = match kind {
        MouseEventKind::Down(b) if released => MouseEventKind::Up(b),
        other => other,
    };
    let mut modifiers = KeyModifiers::NONE;
    for (bit, flag) in [
        (0b100, KeyModifiers::SHIFT),
        (0b1000, KeyModifiers::ALT),
        (0b1_0000, KeyModifiers::CONTROL),
    ] {
        if cb & bit != 0 {
            modifiers |= flag;
        }
    }
    Some(Event::Mouse(MouseEvent {
        kind,
        column: x.saturating_sub(1),
        row: y.saturating_sub(1),
        modifiers,
    }))
}

#[cfg(test)]
mod tests;
