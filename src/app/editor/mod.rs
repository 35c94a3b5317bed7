//! The memory editor: the exact text being edited, what saving it will send, and whether a
//! save is in flight.
//!
//! The text lives in [`TextBuffer`], this console's own editing buffer (it replaced
//! ratatui-textarea, which rebuilt its whole screen map on every key: 20 to 35 ms a key in a
//! 5 MiB memory). Hidden characters stay in the text as they are and are drawn as
//! placeholders such as `⟨RLO⟩` (see [`crate::text::hidden`]), so what is saved is exactly
//! the bytes the operator kept.

mod buffer;
mod history;
mod keys;
mod units;

use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};

pub use buffer::{Pos, TextBuffer};
pub use units::shown;

use super::event::Target;

/// Whether saving creates a memory or replaces one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditKind {
    Create,
    /// Replaces entry `entry` (a PUT of that entry, answered at once), or, when `None`,
    /// the user's memory through the server's queue (a task to follow).
    Replace {
        session_id: Option<String>,
        entry: Option<i64>,
    },
    /// A mentor memory entry: the first line is its key, the rest its value; saved only if
    /// the server still holds `seen`.
    MentorEntry {
        entry_id: String,
        seen: Box<crate::api::MentorEntry>,
    },
}

impl EditKind {
    /// The entry a save writes to, when it is one entry.
    pub fn entry(&self) -> Option<i64> {
        match self {
            EditKind::Replace { entry, .. } => *entry,
            EditKind::Create | EditKind::MentorEntry { .. } => None,
        }
    }
}

#[derive(Debug)]
pub struct Editor {
    pub target: Target,
    pub kind: EditKind,
    /// The text the edit started from; saving it unchanged sends nothing.
    pub original: String,
    pub buffer: TextBuffer,
    /// A save is in flight: the text is what was sent, so keys that would change it are
    /// refused (and said so) until the server answers.
    pub saving: bool,
    /// A key was refused because a save is in flight.
    pub refused_while_saving: bool,
    pub error: Option<String>,
    /// Hidden characters in the text when it was opened, counted once: the editor says how
    /// they are drawn.
    pub hidden_chars: usize,
    /// The buffer's version last written as a draft, and when.
    pub drafted: Option<u64>,
    pub draft_at: Instant,
    /// The user's draft file holds this edit (written by it, or restored into it): dropping
    /// the edit drops the draft too, or it would come back as an "unsaved edit" later.
    pub owns_draft: bool,
    /// The undo state of the text as opened (or as last checked equal to `original`).
    clean_state: u64,
}

impl Editor {
    pub fn new(target: Target, kind: EditKind, original: String, start_with: &str) -> Editor {
        let buffer = TextBuffer::new(start_with);
        Editor {
            target,
            kind,
            clean_state: if start_with == original {
                buffer.state()
            } else {
                u64::MAX
            },
            original,
            buffer,
            saving: false,
            refused_while_saving: false,
            error: None,
            hidden_chars: start_with
                .chars()
                .filter(|c| crate::text::hidden::is_hidden(*c))
                .count(),
            drafted: None,
            draft_at: Instant::now(),
            owns_draft: false,
        }
    }

    /// The text exactly as it will be sent.
    pub fn text(&self) -> String {
        self.buffer.text()
    }

    /// Whether the text differs from what the edit started from: exact, and as costly as
    /// the text is long, so for a save or a question, not for every frame.
    pub fn is_changed(&self) -> bool {
        self.text() != self.original
    }

    /// Whether the text was edited since it was opened, by the undo history: costs nothing,
    /// for the title. Undoing every edit makes it false again.
    pub fn looks_changed(&self) -> bool {
        self.buffer.state() != self.clean_state
    }

    /// Whether the text changed since the last draft was written.
    pub fn needs_draft(&self) -> bool {
        self.drafted != Some(self.buffer.version())
    }

    /// Notes that the current text is in the draft on disk.
    pub fn mark_drafted(&mut self, now: Instant) {
        self.drafted = Some(self.buffer.version());
        self.draft_at = now;
    }

    /// A key for the text; answers whether it was used. While a save is in flight, nothing
    /// changes and the refusal is shown.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        if self.saving {
            self.refused_while_saving = true;
            return false;
        }
        keys::apply_key(&mut self.buffer, key)
    }

    pub fn mouse(&mut self, m: MouseEvent) {
        if self.saving {
            return;
        }
        keys::apply_mouse(&mut self.buffer, m);
    }

    /// Pasted text goes in as it came, except that `"\r\n"` line breaks become `'\n'` (as
    /// ratatui-textarea did).
    pub fn paste(&mut self, text: &str) {
        if self.saving {
            self.refused_while_saving = true;
            return;
        }
        self.buffer.insert(&text.replace("\r\n", "\n"));
    }

    pub fn undo(&mut self) {
        if self.saving {
            self.refused_while_saving = true;
            return;
        }
        self.buffer.undo();
    }

    /// The save's answer came: keys edit again.
    pub fn save_ended(&mut self) {
        self.saving = false;
        self.refused_while_saving = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{OrgScope, UserRef};
    use crossterm::event::{KeyCode, KeyModifiers};

    fn target() -> Target {
        Target {
            org: OrgScope::new("main"),
            user: UserRef::by_name("u"),
        }
    }

    #[test]
    fn text_round_trips_byte_for_byte() {
        for text in [
            "",
            "a",
            "a\n",
            "a\r\nb\r\n",
            "\n\n",
            "tab\there\u{1b}[31m",
            "é😀中\u{202e}",
        ] {
            let e = Editor::new(target(), EditKind::Create, text.into(), text);
            assert_eq!(e.text(), text);
            assert!(!e.is_changed());
        }
    }

    fn editor(text: &str) -> Editor {
        Editor::new(target(), EditKind::Create, text.into(), text)
    }

    fn press(e: &mut Editor, code: KeyCode) {
        e.key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn with(e: &mut Editor, code: KeyCode, modifiers: KeyModifiers) {
        e.key(KeyEvent::new(code, modifiers));
    }

    fn typed(e: &mut Editor, s: &str) {
        for c in s.chars() {
            press(e, KeyCode::Char(c));
        }
    }

    #[test]
    fn a_hidden_character_is_one_step_and_one_delete() {
        let mut e = editor("a\u{202e}b\u{1b}[0m");
        press(&mut e, KeyCode::Right);
        press(&mut e, KeyCode::Delete);
        assert_eq!(e.text(), "ab\u{1b}[0m");
        press(&mut e, KeyCode::Right);
        press(&mut e, KeyCode::Right);
        press(&mut e, KeyCode::Backspace);
        assert_eq!(
            e.text(),
            "ab[0m",
            "Backspace after the ESC removes the ESC only"
        );
        assert!(e.is_changed() && e.looks_changed());
    }

    #[test]
    fn typing_a_placeholder_types_its_characters() {
        let mut e = editor("");
        typed(&mut e, "⟨ESC⟩");
        assert_eq!(e.text(), "⟨ESC⟩");
        assert!(!e.text().contains('\u{1b}'));
    }

    #[test]
    fn lines_split_and_join_and_undo_restores_the_state() {
        let mut e = editor("ab\r\ncd");
        press(&mut e, KeyCode::Right);
        press(&mut e, KeyCode::Enter);
        assert_eq!(e.text(), "a\nb\r\ncd");
        press(&mut e, KeyCode::Down);
        press(&mut e, KeyCode::Home);
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "a\nb\rcd");
        typed(&mut e, "é");
        assert_eq!(e.text(), "a\nb\récd");
        for _ in 0..3 {
            with(&mut e, KeyCode::Char('z'), KeyModifiers::CONTROL);
        }
        assert_eq!(e.text(), "ab\r\ncd");
        assert!(!e.looks_changed(), "undone back to the text as opened");
        with(&mut e, KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(e.text(), "a\nb\r\ncd");
        assert!(e.looks_changed());
    }

    #[test]
    fn a_selection_is_replaced_by_what_is_typed() {
        let mut e = editor("one two\nthree");
        with(&mut e, KeyCode::Right, KeyModifiers::CONTROL);
        with(&mut e, KeyCode::Down, KeyModifiers::SHIFT);
        typed(&mut e, "X");
        assert_eq!(e.text(), "one Xe");
        with(&mut e, KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(e.text(), "one two\nthree");
    }

    #[test]
    fn keys_and_pastes_are_refused_while_a_save_is_in_flight() {
        let mut e = editor("hello");
        e.saving = true;
        typed(&mut e, "ZZ");
        e.paste("pasted");
        e.undo();
        assert_eq!(e.text(), "hello");
        assert!(e.refused_while_saving);
        e.save_ended();
        typed(&mut e, "Z");
        assert_eq!(e.text(), "Zhello");
        assert!(!e.refused_while_saving);
    }

    #[test]
    fn a_draft_is_due_only_after_a_change() {
        let mut e = editor("hello");
        assert!(e.needs_draft());
        e.mark_drafted(Instant::now());
        assert!(!e.needs_draft());
        press(&mut e, KeyCode::Right);
        assert!(!e.needs_draft(), "moving changes nothing");
        typed(&mut e, "x");
        assert!(e.needs_draft());
    }
}
