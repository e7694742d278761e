use std::collections::VecDeque;

use proptest::prelude::*;
use ratatui::crossterm::event::{
    Event, KeyCode, KeyModifiers as M, MouseButton, MouseEvent, MouseEventKind,
};

use super::{Decoder, LONGEST, key};

/// Everything `bytes` decode to, read at once.
fn all(bytes: &[u8]) -> Vec<Event> {
    let mut d = Decoder::default();
    let mut out = VecDeque::new();
    d.feed(bytes, false, &mut out);
    out.into()
}

fn k(code: KeyCode) -> Event {
    key(code, M::NONE)
}

fn c(ch: char) -> Event {
    k(KeyCode::Char(ch))
}

fn mouse(kind: MouseEventKind, column: u16, row: u16, modifiers: M) -> Event {
    Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers,
    })
}

#[test]
fn characters_are_typed_as_utf8_with_shift_on_capitals() {
    assert_eq!(
        all("jG é日🙂Ä".as_bytes()),
        vec![
            c('j'),
            key(KeyCode::Char('G'), M::SHIFT),
            c(' '),
            c('é'),
            c('日'),
            c('🙂'),
            key(KeyCode::Char('Ä'), M::SHIFT),
        ]
    );
}

#[test]
fn control_bytes_are_the_keys_raw_mode_gives() {
    assert_eq!(
        all(b"\r\t\x7f\x00\x01\x04\n\x08\x1c\x1f"),
        vec![
            k(KeyCode::Enter),
            k(KeyCode::Tab),
            k(KeyCode::Backspace),
            key(KeyCode::Char(' '), M::CONTROL),
            key(KeyCode::Char('a'), M::CONTROL),
            key(KeyCode::Char('d'), M::CONTROL),
            key(KeyCode::Char('j'), M::CONTROL),
            key(KeyCode::Char('h'), M::CONTROL),
            key(KeyCode::Char('4'), M::CONTROL),
            key(KeyCode::Char('7'), M::CONTROL),
        ]
    );
}

#[test]
fn escape_alone_is_escape_and_before_a_key_is_alt() {
    assert_eq!(all(b"\x1b"), vec![k(KeyCode::Esc)]);
    assert_eq!(all(b"\x1b\x1b"), vec![k(KeyCode::Esc), k(KeyCode::Esc)]);
    assert_eq!(
        all(b"\x1bj\x1bJ\x1b\r\x1b\x02"),
        vec![
            key(KeyCode::Char('j'), M::ALT),
            key(KeyCode::Char('J'), M::ALT | M::SHIFT),
            key(KeyCode::Enter, M::ALT),
            key(KeyCode::Char('b'), M::ALT | M::CONTROL),
        ]
    );
    assert_eq!(all(b"\x1b["), vec![key(KeyCode::Char('['), M::ALT)]);
    assert_eq!(
        all(b"\x1bO"),
        vec![key(KeyCode::Char('O'), M::ALT | M::SHIFT)]
    );
}

#[test]
fn an_escape_at_the_end_of_a_full_read_waits_for_the_next() {
    let mut d = Decoder::default();
    let mut out = VecDeque::new();
    d.feed(b"j\x1b", true, &mut out);
    assert_eq!(out, [c('j')]);
    assert!(!d.pending.is_empty());
    d.feed(b"[B", false, &mut out);
    assert_eq!(out, [c('j'), k(KeyCode::Down)]);
    assert!(d.pending.is_empty());
}

#[test]
fn cursor_and_editing_keys_in_every_encoding() {
    assert_eq!(
        all(b"\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOA\x1bOH\x1bOF"),
        vec![
            k(KeyCode::Up),
            k(KeyCode::Down),
            k(KeyCode::Right),
            k(KeyCode::Left),
            k(KeyCode::Home),
            k(KeyCode::End),
            k(KeyCode::Up),
            k(KeyCode::Home),
            k(KeyCode::End),
        ]
    );
    assert_eq!(
        all(b"\x1b[1~\x1b[2~\x1b[3~\x1b[4~\x1b[5~\x1b[6~\x1b[7~\x1b[8~\x1b[Z"),
        vec![
            k(KeyCode::Home),
            k(KeyCode::Insert),
            k(KeyCode::Delete),
            k(KeyCode::End),
            k(KeyCode::PageUp),
            k(KeyCode::PageDown),
            k(KeyCode::Home),
            k(KeyCode::End),
            key(KeyCode::BackTab, M::SHIFT),
        ]
    );
}

#[test]
fn function_keys_in_every_encoding() {
    let f = |n| k(KeyCode::F(n));
    assert_eq!(
        all(b"\x1bOP\x1bOQ\x1bOR\x1bOS\x1b[[A\x1b[[E"),
        vec![f(1), f(2), f(3), f(4), f(1), f(5)]
    );
    assert_eq!(
        all(b"\x1b[11~\x1b[15~\x1b[17~\x1b[21~\x1b[23~\x1b[24~"),
        vec![f(1), f(5), f(6), f(10), f(11), f(12)]
    );
}

#[test]
fn xterm_modifier_parameters_are_read() {
    assert_eq!(
        all(b"\x1b[1;5A\x1b[1;2B\x1b[1;3C\x1b[1;8D\x1b[5;5~\x1b[3;2~\x1b[1;5P\x1b[;5H"),
        vec![
            key(KeyCode::Up, M::CONTROL),
            key(KeyCode::Down, M::SHIFT),
            key(KeyCode::Right, M::ALT),
            key(KeyCode::Left, M::SHIFT | M::ALT | M::CONTROL),
            key(KeyCode::PageUp, M::CONTROL),
            key(KeyCode::Delete, M::SHIFT),
            key(KeyCode::F(1), M::CONTROL),
            key(KeyCode::Home, M::CONTROL),
        ]
    );
}

#[test]
fn mouse_reports_in_sgr_x10_and_urxvt() {
    let left = MouseButton::Left;
    assert_eq!(
        all(b"\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<32;11;5M\x1b[<64;1;1M\x1b[<65;3;4M\x1b[<18;2;2M"),
        vec![
            mouse(MouseEventKind::Down(left), 9, 4, M::NONE),
            mouse(MouseEventKind::Up(left), 9, 4, M::NONE),
            mouse(MouseEventKind::Drag(left), 10, 4, M::NONE),
            mouse(MouseEventKind::ScrollUp, 0, 0, M::NONE),
            mouse(MouseEventKind::ScrollDown, 2, 3, M::NONE),
            mouse(MouseEventKind::Down(MouseButton::Right), 1, 1, M::CONTROL),
        ]
    );
    assert_eq!(
        all(&[
            0x1b,
            b'[',
            b'M',
            32,
            32 + 10,
            32 + 5,
            0x1b,
            b'[',
            b'M',
            32 + 65,
            33,
            33
        ]),
        vec![
            mouse(MouseEventKind::Down(left), 9, 4, M::NONE),
            mouse(MouseEventKind::ScrollDown, 0, 0, M::NONE),
        ]
    );
    assert_eq!(
        all(b"\x1b[32;10;5M\x1b[35;10;5M"),
        vec![
            mouse(MouseEventKind::Down(left), 9, 4, M::NONE),
            mouse(MouseEventKind::Up(left), 9, 4, M::NONE),
        ]
    );
}

#[test]
fn focus_reports_are_events() {
    assert_eq!(
        all(b"\x1b[I\x1b[O"),
        vec![Event::FocusGained, Event::FocusLost]
    );
}

#[test]
fn what_is_not_a_key_is_dropped_and_never_typed() {
    // Unknown sequences, an unknown SS3, a cursor report's look-alike with
    // too many numbers, invalid UTF-8, a sequence cut by another ESC.
    assert_eq!(
        all(b"\x1b[99z\x1bOx\x1b[200~\xff\xc3j\x1b[12\x1b[Ak"),
        vec![c('j'), k(KeyCode::Up), c('k')]
    );
    // A sequence with no end is dropped once it is longer than any key,
    // without holding on to it.
    let mut d = Decoder::default();
    let mut out = VecDeque::new();
    let mut junk = b"\x1b[".to_vec();
    junk.extend(std::iter::repeat_n(b'1', LONGEST * 4));
    d.feed(&junk, true, &mut out);
    assert!(out.is_empty(), "{out:?}");
    assert!(d.pending.is_empty());
    d.feed(b"j", false, &mut out);
    assert_eq!(out, [c('j')]);
}

#[test]
fn a_character_split_between_reads_is_typed_once_whole() {
    let mut d = Decoder::default();
    let mut out = VecDeque::new();
    let bytes = "日".as_bytes();
    d.feed(&bytes[..1], false, &mut out);
    d.feed(&bytes[1..2], false, &mut out);
    assert!(out.is_empty());
    d.feed(&bytes[2..], false, &mut out);
    assert_eq!(out, [c('日')]);
}

/// Keys and reports with their encodings, for the property below.
fn encoded() -> impl Strategy<Value = (Event, Vec<u8>)> {
    let sgr = (0u16..3, 1u16..300, 1u16..300, any::<bool>()).prop_map(|(b, x, y, up)| {
        let button = [MouseButton::Left, MouseButton::Middle, MouseButton::Right][b as usize];
        let kind = if up {
            MouseEventKind::Up(button)
        } else {
            MouseEventKind::Down(button)
        };
        let fin = if up { 'm' } else { 'M' };
        (
            mouse(kind, x - 1, y - 1, M::NONE),
            format!("\x1b[<{b};{x};{y}{fin}").into_bytes(),
        )
    });
    let arrow = (0usize..4, 1u16..16).prop_map(|(i, m)| {
        let code = [KeyCode::Up, KeyCode::Down, KeyCode::Right, KeyCode::Left][i];
        let letter = ['A', 'B', 'C', 'D'][i];
        (
            key(code, super::modifiers(m)),
            format!("\x1b[1;{m}{letter}").into_bytes(),
        )
    });
    let text = any::<char>()
        .prop_filter("printable", |ch| !ch.is_control())
        .prop_map(|ch| {
            let m = if ch.is_uppercase() { M::SHIFT } else { M::NONE };
            (key(KeyCode::Char(ch), m), ch.to_string().into_bytes())
        });
    let alt = proptest::char::range('a', 'z').prop_map(|ch| {
        (
            key(KeyCode::Char(ch), M::ALT),
            format!("\x1b{ch}").into_bytes(),
        )
    });
    prop_oneof![
        text,
        sgr,
        arrow,
        alt,
        Just((k(KeyCode::PageDown), b"\x1b[6~".to_vec()))
    ]
}

proptest! {
    /// However the terminal's bytes are cut into reads (each cut one that
    /// filled its buffer), the same events come out, in order.
    #[test]
    fn events_survive_any_split_into_reads(
        events in proptest::collection::vec(encoded(), 1..20),
        cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..6),
    ) {
        let bytes: Vec<u8> = events.iter().flat_map(|(_, b)| b.clone()).collect();
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len())).collect();
        at.push(bytes.len());
        at.sort_unstable();
        let mut d = Decoder::default();
        let mut out = VecDeque::new();
        let mut from = 0;
        for &to in &at {
            d.feed(&bytes[from..to], to < bytes.len(), &mut out);
            from = to;
        }
        let want: Vec<Event> = events.into_iter().map(|(e, _)| e).collect();
        prop_assert_eq!(Vec::from(out), want);
        prop_assert!(d.pending.is_empty());
    }

    /// Any bytes at all: no panic, and nothing is held longer than a key.
    #[test]
    fn any_bytes_decode_without_panic_or_hoarding(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 1..8),
    ) {
        let mut d = Decoder::default();
        let mut out = VecDeque::new();
        for chunk in &chunks {
            d.feed(chunk, true, &mut out);
            prop_assert!(d.pending.len() <= LONGEST);
        }
        d.feed(&[], false, &mut out);
    }
}
