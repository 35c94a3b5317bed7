//! What counts as typing a username in a confirmation. A name holding characters no one
//! can type (ESC, a bidi override) is confirmed by typing the rest of it, so such a user can
//! still be erased from the console; the rest must match exactly.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::text::hidden::is_hidden;

/// What a key did to a box a username is typed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKey {
    /// Esc or Ctrl-C.
    Cancel,
    /// Enter, with the name typed.
    Confirmed,
    /// Anything else: typing, deleting, or Enter with something else typed (`mismatch`).
    Typing,
}

/// Applies `key` to the box: typing goes in, Backspace deletes, Enter confirms only when
/// [`confirms`] holds (else it marks the mismatch), Esc and Ctrl-C cancel.
pub fn name_key(typed: &mut String, mismatch: &mut bool, username: &str, key: KeyEvent) -> NameKey {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => return NameKey::Cancel,
        KeyCode::Char('c') if ctrl => return NameKey::Cancel,
        KeyCode::Backspace => {
            typed.pop();
            *mismatch = false;
        }
        KeyCode::Enter if confirms(typed, username) => return NameKey::Confirmed,
        KeyCode::Enter => *mismatch = true,
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            typed.push(c);
            *mismatch = false;
        }
        _ => {}
    }
    NameKey::Typing
}

/// Whether `typed` confirms `username`: the name itself, or the name without its hidden
/// characters (when that leaves something to type).
pub fn confirms(typed: &str, username: &str) -> bool {
    if typed == username {
        return true;
    }
    let visible = typable(username);
    !visible.is_empty() && visible != username && typed == visible
}

/// The prompt above the box the name is typed into.
pub fn prompt(username: &str) -> &'static str {
    if typable(username) == username {
        "Type the username to confirm:"
    } else {
        "Type the username, leaving out its hidden characters, to confirm:"
    }
}

fn typable(username: &str) -> String {
    username
        .chars()
        .filter(|c| !is_hidden(*c) && !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_hidden_characters_is_confirmed_by_the_rest_of_it() {
        let hostile = "eve\u{1b}[2J\u{202e}x";
        assert!(confirms(hostile, hostile));
        assert!(confirms("eve[2Jx", hostile));
        assert!(!confirms("eve", hostile), "the rest must match exactly");
        assert!(
            !confirms("", "\u{1b}\u{202e}"),
            "nothing to type is no confirmation"
        );
        assert!(confirms("ann", "ann"));
        assert!(!confirms("an", "ann"));
        assert!(prompt(hostile).contains("hidden"));
        assert!(!prompt("ann").contains("hidden"));
    }
}
