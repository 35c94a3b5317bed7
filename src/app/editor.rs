//! The memory editor: a ratatui-textarea holding the exact text, and what it will be saved as.

use ratatui_textarea::TextArea;

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
}

impl EditKind {
    /// The entry a save writes to, when it is one entry.
    pub fn entry(&self) -> Option<i64> {
        match self {
            EditKind::Replace { entry, .. } => *entry,
            EditKind::Create => None,
        }
    }
}

#[derive(Debug)]
pub struct Editor {
    pub target: Target,
    pub kind: EditKind,
    /// The text the edit started from; saving it unchanged sends nothing.
    pub original: String,
    pub textarea: TextArea<'static>,
    /// A save is in flight; keys still edit, a second save waits.
    pub saving: bool,
    pub error: Option<String>,
    /// Control and invisible characters in the text when it was opened: the widget cannot show
    /// them, so the operator is told they are there (and kept unless deleted).
    pub hidden_chars: usize,
    /// The text last written as a draft, and when.
    pub draft_text: Option<String>,
    pub draft_at: std::time::Instant,
}

impl Editor {
    pub fn new(target: Target, kind: EditKind, original: String, start_with: &str) -> Editor {
        // Split on '\n' only (not `lines()`), so "\r\n" and a trailing newline survive the
        // round trip through the widget byte for byte.
        let lines = start_with.split('\n').map(str::to_owned).collect();
        let mut textarea = TextArea::new(lines);
        textarea.set_tab_length(4);
        textarea.set_max_histories(500);
        Editor {
            target,
            kind,
            original,
            textarea,
            saving: false,
            error: None,
            hidden_chars: start_with
                .chars()
                .filter(|c| {
                    *c != '\n' && *c != '\t' && crate::text::sanitize::is_always_escaped(*c)
                })
                .count(),
            draft_text: None,
            draft_at: std::time::Instant::now(),
        }
    }

    /// The text exactly as it will be sent.
    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    pub fn is_changed(&self) -> bool {
        self.text() != self.original
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{OrgScope, UserRef};

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
}
