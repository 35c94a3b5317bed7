//! What keys and the mouse do to the editor's text: the keys of ratatui-textarea, which this
//! editor replaced (Emacs-style control keys as well as the arrows).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::buffer::{Motion, TextBuffer};

/// Rows the mouse wheel moves.
const WHEEL_ROWS: isize = 3;

/// Applies a key; answers whether the editor used it.
pub fn apply_key(buf: &mut TextBuffer, key: KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let motion = match (key.code, ctrl, alt) {
        (KeyCode::Left, false, false) | (KeyCode::Char('b'), true, false) => Some(Motion::Left),
        (KeyCode::Right, false, false) | (KeyCode::Char('f'), true, false) => Some(Motion::Right),
        (KeyCode::Up, false, false) | (KeyCode::Char('p'), true, false) => Some(Motion::Rows(-1)),
        (KeyCode::Down, false, false) | (KeyCode::Char('n'), true, false) => Some(Motion::Rows(1)),
        (KeyCode::Left, true, _) | (KeyCode::Char('b'), false, true) => Some(Motion::WordLeft),
        (KeyCode::Right, true, _) | (KeyCode::Char('f'), false, true) => Some(Motion::WordRight),
        (KeyCode::Home, false, _) | (KeyCode::Char('a'), true, false) => Some(Motion::LineStart),
        (KeyCode::End, false, _) | (KeyCode::Char('e'), true, false) => Some(Motion::LineEnd),
        (KeyCode::Home, true, _) | (KeyCode::Char('<'), false, true) => Some(Motion::Top),
        (KeyCode::End, true, _) | (KeyCode::Char('>'), false, true) => Some(Motion::Bottom),
        (KeyCode::PageUp, _, _) | (KeyCode::Char('v'), false, true) => {
            Some(Motion::Rows(-buf.page()))
        }
        (KeyCode::PageDown, _, _) | (KeyCode::Char('v'), true, false) => {
            Some(Motion::Rows(buf.page()))
        }
        (KeyCode::Up, _, true) => Some(Motion::Rows(-buf.page())),
        (KeyCode::Down, _, true) => Some(Motion::Rows(buf.page())),
        _ => None,
    };
    if let Some(motion) = motion {
        buf.move_by(motion, shift);
        return true;
    }
    match (key.code, ctrl, alt) {
        (KeyCode::Enter, _, _) | (KeyCode::Char('m'), true, false) => buf.insert("\n"),
        (KeyCode::Tab, false, false) => buf.insert("\t"),
        (KeyCode::Backspace, false, false) | (KeyCode::Char('h'), true, false) => buf.delete_back(),
        (KeyCode::Delete, false, false) | (KeyCode::Char('d'), true, false) => buf.delete_forward(),
        (KeyCode::Char('w'), true, false)
        | (KeyCode::Backspace, _, true)
        | (KeyCode::Char('h'), false, true) => buf.delete_word_back(),
        (KeyCode::Delete, _, true) | (KeyCode::Char('d'), false, true) => buf.delete_word_forward(),
        (KeyCode::Char('k'), true, false) => buf.delete_to_line_end(),
        (KeyCode::Char('j'), true, false) => buf.delete_to_line_start(),
        (KeyCode::Char('u' | 'z'), true, false) => {
            buf.undo();
        }
        (KeyCode::Char('r'), true, false) => {
            buf.redo();
        }
        (KeyCode::Char('x'), true, false) => {
            buf.cut();
        }
        (KeyCode::Char('w'), false, true) => {
            buf.copy();
        }
        (KeyCode::Char('y'), true, false) => {
            buf.paste_yank();
        }
        (KeyCode::Char(c), false, false) => {
            let mut utf8 = [0; 4];
            buf.insert(c.encode_utf8(&mut utf8));
        }
        _ => return false,
    }
    true
}

/// Applies a mouse event: a click places the cursor, a drag selects, the wheel moves.
pub fn apply_mouse(buf: &mut TextBuffer, m: MouseEvent) {
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => buf.click(m.column, m.row, false),
        MouseEventKind::Drag(MouseButton::Left) => buf.click(m.column, m.row, true),
        MouseEventKind::ScrollUp => buf.move_by(Motion::Rows(-WHEEL_ROWS), false),
        MouseEventKind::ScrollDown => buf.move_by(Motion::Rows(WHEEL_ROWS), false),
        _ => {}
    }
}
