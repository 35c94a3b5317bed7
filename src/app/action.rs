//! What a key can ask the console to do, independent of which key asks.

use serde::Deserialize;

/// One user intention. The keymap turns keys into these; `update` carries them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    NextPane,
    PrevPane,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Search,
    Command,
    Refresh,
    PrevEntry,
    NextEntry,
    Edit,
    EditQueued,
    Create,
    Erase,
    EraseAll,
    ToggleMemory,
    UndoErase,
    AuditLog,
    Help,
    Quit,
    TabChat,
    TabMentor,
    TabCourse,
    Forget,
}

impl Action {
    pub const ALL: [Action; 28] = [
        Action::NextPane,
        Action::PrevPane,
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Open,
        Action::Search,
        Action::Command,
        Action::Refresh,
        Action::TabChat,
        Action::TabMentor,
        Action::TabCourse,
        Action::PrevEntry,
        Action::NextEntry,
        Action::Edit,
        Action::EditQueued,
        Action::Create,
        Action::Erase,
        Action::EraseAll,
        Action::ToggleMemory,
        Action::UndoErase,
        Action::Forget,
        Action::AuditLog,
        Action::Help,
        Action::Quit,
    ];

    /// Short words for the footer and the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Open => "open",
            Action::Search => "search users",
            Action::Command => "command line",
            Action::Refresh => "refresh",
            Action::PrevEntry => "previous entry",
            Action::NextEntry => "next entry",
            Action::Edit => "edit entry",
            Action::EditQueued => "rewrite memory (queued)",
            Action::Create => "create memory",
            Action::Erase => "erase entry",
            Action::EraseAll => "erase all memory",
            Action::ToggleMemory => "memory on/off",
            Action::UndoErase => "undo the last erase",
            Action::AuditLog => "audit log",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::TabChat => "chat memory tab",
            Action::TabMentor => "mentor memories tab",
            Action::TabCourse => "course memory tab",
            Action::Forget => "forget the user (every store)",
        }
    }

    /// Actions that change data on the server; refused in read-only mode.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Action::Edit
                | Action::EditQueued
                | Action::Create
                | Action::Erase
                | Action::EraseAll
                | Action::ToggleMemory
                | Action::UndoErase
                | Action::Forget
        )
    }
}
