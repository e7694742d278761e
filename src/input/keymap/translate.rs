//! Raw terminal input that is not a binding: keys typed into a prompt or
//! the note editor, a count typed before a command, and mouse gestures.
//! These are the only other places a crossterm event is looked at.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::input::action::{MouseKind, TextEdit};
/// A key typed into a text prompt that the prompt context does not bind:
/// printable characters and the usual editing keys.
pub fn text_edit(event: &KeyEvent) -> Option<TextEdit> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    match event.code {
        KeyCode::Char('u') if ctrl => Some(TextEdit::Clear),
        KeyCode::Char('a') if ctrl => Some(TextEdit::Home),
        KeyCode::Char('e') if ctrl => Some(TextEdit::End),
        KeyCode::Char(c) if !ctrl && !alt && !c.is_control() => Some(TextEdit::Insert(c)),
        KeyCode::Backspace => Some(TextEdit::Backspace),
        KeyCode::Delete => Some(TextEdit::Delete),
        KeyCode::Left => Some(TextEdit::Left),
        KeyCode::Right => Some(TextEdit::Right),
        KeyCode::Home => Some(TextEdit::Home),
        KeyCode::End => Some(TextEdit::End),
        _ => None,
    }
}

/// A key typed into the note editor that the editor context does not
/// bind, in the text area's own terms (it handles cursor keys, word moves,
/// undo and the rest).
pub fn editor_input(event: &KeyEvent) -> Option<ratatui_textarea::Input> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    Some(ratatui_textarea::Input::from(*event))
}

/// A digit typed with no modifier (a count before a command: `50%`).
pub fn digit(event: &KeyEvent) -> Option<u8> {
    match (event.kind, event.code) {
        (KeyEventKind::Release, _) => None,
        (_, KeyCode::Char(c)) if event.modifiers.difference(KeyModifiers::SHIFT).is_empty() => {
            c.to_digit(10).and_then(|d| u8::try_from(d).ok())
        }
        _ => None,
    }
}

/// The mouse gestures the app uses: wheel and left click, with the cell.
pub fn mouse(event: &MouseEvent) -> Option<(MouseKind, u16, u16)> {
    let kind = match event.kind {
        MouseEventKind::ScrollUp => MouseKind::ScrollUp,
        MouseEventKind::ScrollDown => MouseKind::ScrollDown,
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::Drag(MouseButton::Left) => MouseKind::Drag,
        _ => return None,
    };
    Some((kind, event.column, event.row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyCode::{Backspace, Char, Left};

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    #[test]
    fn prompt_keys_become_edits_and_releases_nothing() {
        let cases = [
            (Char('x'), NONE, Some(TextEdit::Insert('x'))),
            (Char('u'), CTRL, Some(TextEdit::Clear)),
            (Char('a'), CTRL, Some(TextEdit::Home)),
            (Char('x'), CTRL, None),
            (Char('x'), KeyModifiers::ALT, None),
            (Backspace, NONE, Some(TextEdit::Backspace)),
            (Left, NONE, Some(TextEdit::Left)),
        ];
        for (code, modifiers, expected) in cases {
            let event = KeyEvent::new(code, modifiers);
            assert_eq!(text_edit(&event), expected, "{code:?} + {modifiers:?}");
        }
        let release = KeyEvent::new_with_kind(Char('x'), NONE, KeyEventKind::Release);
        assert_eq!(text_edit(&release), None, "a release typed a character");
        assert!(
            editor_input(&release).is_none(),
            "a release reached the editor"
        );
    }

    #[test]
    fn only_plain_digits_count() {
        assert_eq!(digit(&KeyEvent::new(Char('7'), NONE)), Some(7));
        assert_eq!(
            digit(&KeyEvent::new(Char('7'), KeyModifiers::SHIFT)),
            Some(7)
        );
        assert_eq!(digit(&KeyEvent::new(Char('7'), CTRL)), None);
        assert_eq!(digit(&KeyEvent::new(Char('x'), NONE)), None);
    }

    #[test]
    fn mouse_keeps_wheel_and_left_click() {
        let event = |kind| MouseEvent {
            kind,
            column: 3,
            row: 4,
            modifiers: NONE,
        };
        let cases = [
            (MouseEventKind::ScrollUp, Some(MouseKind::ScrollUp)),
            (MouseEventKind::ScrollDown, Some(MouseKind::ScrollDown)),
            (
                MouseEventKind::Down(MouseButton::Left),
                Some(MouseKind::Click),
            ),
            (MouseEventKind::Down(MouseButton::Right), None),
            (MouseEventKind::Moved, None),
        ];
        for (kind, expected) in cases {
            let got = mouse(&event(kind));
            assert_eq!(got, expected.map(|k| (k, 3, 4)), "{kind:?}");
        }
    }
}
