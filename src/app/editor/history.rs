//! Undo and redo: each edit remembers only what it removed and what it inserted, so an undo
//! step costs the size of the edit, not of the text.

use super::buffer::Pos;

/// One change: at `start`, `removed` was replaced by `inserted`.
#[derive(Debug, Clone)]
pub struct Change {
    pub start: Pos,
    pub removed: String,
    pub inserted: String,
    pub cursor_before: Pos,
    pub cursor_after: Pos,
    /// Tells apart states of the text: see [`History::state`].
    pub id: u64,
}

#[derive(Debug)]
pub struct History {
    undo: Vec<Change>,
    redo: Vec<Change>,
    max: usize,
    next_id: u64,
    /// The state below the oldest change kept: the text as opened until changes are dropped.
    base: u64,
}

impl History {
    pub fn new(max: usize) -> History {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            max: max.max(1),
            next_id: 1,
            base: 0,
        }
    }

    /// A fresh id for a change about to be recorded.
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub fn record(&mut self, change: Change) {
        self.redo.clear();
        self.undo.push(change);
        if self.undo.len() > self.max {
            let oldest = self.undo.remove(0);
            self.base = oldest.id;
        }
    }

    pub fn take_undo(&mut self) -> Option<Change> {
        self.undo.pop()
    }

    pub fn push_redo(&mut self, change: Change) {
        self.redo.push(change);
    }

    pub fn take_redo(&mut self) -> Option<Change> {
        self.redo.pop()
    }

    pub fn push_undo(&mut self, change: Change) {
        self.undo.push(change);
    }

    /// Which state the text is in: the last change still applied (0 for the text as opened).
    /// Undoing back to a state gives its id back, so "changed since opened" is one comparison.
    pub fn state(&self) -> u64 {
        self.undo.last().map_or(self.base, |c| c.id)
    }
}
