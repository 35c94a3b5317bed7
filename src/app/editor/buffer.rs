//! The editor's text: lines of exact bytes, a cursor and a selection, edits with undo, and
//! what a viewport shows. Every key costs the size of what it touches (the line it edits, the
//! rows on screen), never the size of the whole text.

use std::cell::{Cell, RefCell};

use super::history::{Change, History};
use super::units::{Columns, next_boundary, prev_boundary, unit_width};

/// A place in the text: a line and a byte offset in it (always on a unit's edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub row: usize,
    pub byte: usize,
}

impl Pos {
    pub fn new(row: usize, byte: usize) -> Pos {
        Pos { row, byte }
    }
}

/// The part of the text the last frame showed, and where on the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    pub top: usize,
    pub left: usize,
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

/// One unit drawn on a row: where it starts on screen and in the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    pub col: usize,
    pub width: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub struct TextBuffer {
    lines: Vec<String>,
    cursor: Pos,
    /// Where the selection started; the cursor is its other end.
    anchor: Option<Pos>,
    /// The column Up and Down aim for, kept across short lines.
    want_col: Option<usize>,
    history: History,
    yank: String,
    /// Counts changes, undo and redo included: a draft is due when it moved.
    version: u64,
    columns: RefCell<Columns>,
    /// The viewport follows the cursor from frame to frame, as in ratatui-textarea: drawing
    /// remembers where it scrolled to, and the mouse reads it back.
    view: Cell<View>,
}

/// Undo steps kept.
const MAX_UNDO: usize = 500;

impl TextBuffer {
    /// The text split on `'\n'` only, so `"\r\n"` and a trailing newline come back byte for
    /// byte.
    pub fn new(text: &str) -> TextBuffer {
        TextBuffer {
            lines: text.split('\n').map(str::to_owned).collect(),
            cursor: Pos::default(),
            anchor: None,
            want_col: None,
            history: History::new(MAX_UNDO),
            yank: String::new(),
            version: 0,
            columns: RefCell::new(Columns::default()),
            view: Cell::new(View::default()),
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn cursor(&self) -> Pos {
        self.cursor
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Which state of the undo history the text is in (0: as opened).
    pub fn state(&self) -> u64 {
        self.history.state()
    }

    /// The selection, start first, when there is one.
    pub fn selection(&self) -> Option<(Pos, Pos)> {
        let anchor = self.anchor?;
        (anchor != self.cursor).then(|| (anchor.min(self.cursor), anchor.max(self.cursor)))
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines.get(row).map_or(0, String::len)
    }

    fn end(&self) -> Pos {
        let row = self.lines.len() - 1;
        Pos::new(row, self.line_len(row))
    }

    pub fn text_between(&self, start: Pos, end: Pos) -> String {
        if start.row == end.row {
            return self.lines[start.row][start.byte..end.byte].to_owned();
        }
        let mut out = self.lines[start.row][start.byte..].to_owned();
        for line in &self.lines[start.row + 1..end.row] {
            out.push('\n');
            out.push_str(line);
        }
        out.push('\n');
        out.push_str(&self.lines[end.row][..end.byte]);
        out
    }

    /// Replaces `start..end` with `text` without touching the history; answers what was
    /// removed and where the inserted text ends.
    fn splice(&mut self, start: Pos, end: Pos, text: &str) -> (String, Pos) {
        let removed = self.text_between(start, end);
        self.version += 1;
        if start.row == end.row && !text.contains('\n') {
            self.lines[start.row].replace_range(start.byte..end.byte, text);
            self.columns.get_mut().edited(start.row, start.byte);
            return (removed, Pos::new(start.row, start.byte + text.len()));
        }
        let tail = self.lines[end.row][end.byte..].to_owned();
        let mut parts = text.split('\n');
        let mut first = self.lines[start.row][..start.byte].to_owned();
        first.push_str(parts.next().unwrap_or(""));
        let mut new_lines = vec![first];
        new_lines.extend(parts.map(str::to_owned));
        let last = new_lines.len() - 1;
        let end_pos = Pos::new(start.row + last, new_lines[last].len());
        new_lines[last].push_str(&tail);
        self.lines.splice(start.row..=end.row, new_lines);
        self.columns.get_mut().clear();
        (removed, end_pos)
    }

    /// An edit the operator made: recorded for undo, the cursor after the inserted text.
    fn edit(&mut self, start: Pos, end: Pos, text: &str) {
        if start == end && text.is_empty() {
            return;
        }
        let cursor_before = self.cursor;
        let (removed, after) = self.splice(start, end, text);
        self.cursor = after;
        self.anchor = None;
        self.want_col = None;
        let id = self.history.next_id();
        self.history.record(Change {
            start,
            removed,
            inserted: text.to_owned(),
            cursor_before,
            cursor_after: after,
            id,
        });
    }

    /// Types `text` over the selection, or at the cursor.
    pub fn insert(&mut self, text: &str) {
        let (start, end) = self.selection().unwrap_or((self.cursor, self.cursor));
        self.edit(start, end, text);
    }

    /// Removes the selection, else what `target` (a place before or after the cursor) spans.
    fn delete_to(&mut self, target: Pos) {
        if let Some((start, end)) = self.selection() {
            self.edit(start, end, "");
            return;
        }
        let (start, end) = (self.cursor.min(target), self.cursor.max(target));
        self.edit(start, end, "");
    }

    pub fn delete_back(&mut self) {
        let target = self.step_left(self.cursor);
        self.delete_to(target);
    }

    pub fn delete_forward(&mut self) {
        let target = self.step_right(self.cursor);
        self.delete_to(target);
    }

    pub fn delete_word_back(&mut self) {
        let target = self.word_left(self.cursor);
        self.delete_to(target);
    }

    pub fn delete_word_forward(&mut self) {
        let target = self.word_right(self.cursor);
        self.delete_to(target);
    }

    /// Cuts to the end of the line into the yank buffer, or joins the next line at its end.
    pub fn delete_to_line_end(&mut self) {
        let c = self.cursor;
        let target = if c.byte == self.line_len(c.row) {
            self.step_right(c)
        } else {
            Pos::new(c.row, self.line_len(c.row))
        };
        self.yank = self.text_between(c, target);
        self.anchor = None;
        self.delete_to(target);
    }

    pub fn delete_to_line_start(&mut self) {
        let c = self.cursor;
        self.yank = self.text_between(Pos::new(c.row, 0), c);
        self.anchor = None;
        self.delete_to(Pos::new(c.row, 0));
    }

    pub fn cut(&mut self) -> bool {
        let Some((start, end)) = self.selection() else {
            return false;
        };
        self.yank = self.text_between(start, end);
        self.edit(start, end, "");
        true
    }

    pub fn copy(&mut self) -> bool {
        let Some((start, end)) = self.selection() else {
            return false;
        };
        self.yank = self.text_between(start, end);
        self.anchor = None;
        true
    }

    pub fn paste_yank(&mut self) -> bool {
        if self.yank.is_empty() {
            return false;
        }
        let text = self.yank.clone();
        self.insert(&text);
        true
    }

    pub fn undo(&mut self) -> bool {
        let Some(change) = self.history.take_undo() else {
            return false;
        };
        let end = self.end_of(change.start, &change.inserted);
        self.splice(change.start, end, &change.removed);
        self.cursor = change.cursor_before;
        self.anchor = None;
        self.want_col = None;
        self.history.push_redo(change);
        true
    }

    pub fn redo(&mut self) -> bool {
        let Some(change) = self.history.take_redo() else {
            return false;
        };
        let end = self.end_of(change.start, &change.removed);
        self.splice(change.start, end, &change.inserted);
        self.cursor = change.cursor_after;
        self.anchor = None;
        self.want_col = None;
        self.history.push_undo(change);
        true
    }

    /// Where `text` ends when it starts at `start`.
    fn end_of(&self, start: Pos, text: &str) -> Pos {
        match text.rfind('\n') {
            None => Pos::new(start.row, start.byte + text.len()),
            Some(i) => Pos::new(start.row + text.matches('\n').count(), text.len() - i - 1),
        }
    }

    fn step_left(&self, p: Pos) -> Pos {
        if p.byte > 0 {
            Pos::new(p.row, prev_boundary(&self.lines[p.row], p.byte))
        } else if p.row > 0 {
            Pos::new(p.row - 1, self.line_len(p.row - 1))
        } else {
            p
        }
    }

    fn step_right(&self, p: Pos) -> Pos {
        if p.byte < self.line_len(p.row) {
            Pos::new(p.row, next_boundary(&self.lines[p.row], p.byte))
        } else if p.row + 1 < self.lines.len() {
            Pos::new(p.row + 1, 0)
        } else {
            p
        }
    }

    /// Whitespace, word characters, or anything else (hidden characters are "else"), by the
    /// first character of the unit after `p`.
    fn class_at(&self, p: Pos) -> Option<u8> {
        let c = self.lines[p.row][p.byte..].chars().next()?;
        Some(if c.is_whitespace() {
            0
        } else if c.is_alphanumeric() || c == '_' {
            1
        } else {
            2
        })
    }

    fn class_before(&self, p: Pos) -> Option<u8> {
        if p.byte == 0 {
            return None;
        }
        self.class_at(Pos::new(p.row, prev_boundary(&self.lines[p.row], p.byte)))
    }

    fn word_left(&self, p: Pos) -> Pos {
        if p.byte == 0 {
            return self.step_left(p);
        }
        let mut p = p;
        while self.class_before(p) == Some(0) {
            p = self.step_left(p);
        }
        let Some(class) = self.class_before(p) else {
            return p;
        };
        while self.class_before(p) == Some(class) {
            p = self.step_left(p);
        }
        p
    }

    fn word_right(&self, p: Pos) -> Pos {
        if p.byte == self.line_len(p.row) {
            return self.step_right(p);
        }
        let mut p = p;
        if let Some(class) = self.class_at(p).filter(|c| *c != 0) {
            while self.class_at(p) == Some(class) {
                p = self.step_right(p);
            }
        }
        while self.class_at(p) == Some(0) {
            p = self.step_right(p);
        }
        p
    }

    /// The display column where the unit at `p` starts.
    pub fn col_of(&self, p: Pos) -> usize {
        self.columns
            .borrow_mut()
            .col_of(&self.lines[p.row], p.row, p.byte)
    }

    /// The unit under `col` on `row`, or the line's end.
    fn pos_at(&self, row: usize, col: usize) -> Pos {
        let (byte, _) = self.columns.borrow_mut().at_col(&self.lines[row], row, col);
        Pos::new(row, byte)
    }

    /// Moves the cursor; with `select`, the selection follows it.
    fn go(&mut self, to: Pos, select: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        self.cursor = to;
    }

    pub fn move_by(&mut self, motion: Motion, select: bool) {
        let c = self.cursor;
        let to = match motion {
            Motion::Left => self.step_left(c),
            Motion::Right => self.step_right(c),
            Motion::WordLeft => self.word_left(c),
            Motion::WordRight => self.word_right(c),
            Motion::LineStart => Pos::new(c.row, 0),
            Motion::LineEnd => Pos::new(c.row, self.line_len(c.row)),
            Motion::Top => Pos::default(),
            Motion::Bottom => self.end(),
            Motion::Rows(delta) => {
                let col = self.want_col.unwrap_or_else(|| self.col_of(c));
                let last = self.lines.len() as isize - 1;
                let row = (c.row as isize).saturating_add(delta).clamp(0, last) as usize;
                let to = self.pos_at(row, col);
                self.go(to, select);
                self.want_col = Some(col);
                return;
            }
        };
        self.want_col = None;
        self.go(to, select);
    }

    /// Rows one page moves: the height last drawn.
    pub fn page(&self) -> isize {
        self.view.get().height.max(2) as isize - 1
    }

    /// A click at a screen cell: the unit under it, on the row under it.
    pub fn click(&mut self, x: u16, y: u16, select: bool) {
        let v = self.view.get();
        if x < v.x || y < v.y || x >= v.x + v.width || y >= v.y + v.height {
            return;
        }
        let row = (v.top + usize::from(y - v.y)).min(self.lines.len() - 1);
        let to = self.pos_at(row, v.left + usize::from(x - v.x));
        self.want_col = None;
        self.go(to, select);
    }

    /// Scrolls the view to show the cursor in a `width` x `height` area at `(x, y)`, keeping
    /// the previous scroll when the cursor is already in view; answers the new view.
    pub fn fit(&self, x: u16, y: u16, width: u16, height: u16) -> View {
        let prev = self.view.get();
        let c = self.cursor;
        let top = follow(prev.top, c.row, usize::from(height).max(1), 1);
        let col = self.col_of(c);
        let cursor_width = if c.byte < self.line_len(c.row) {
            unit_width(&self.lines[c.row][c.byte..next_boundary(&self.lines[c.row], c.byte)])
        } else {
            1
        };
        let left = follow(prev.left, col, usize::from(width).max(1), cursor_width);
        let view = View {
            top,
            left,
            x,
            y,
            width,
            height,
        };
        self.view.set(view);
        view
    }

    /// The units of `row` that fall in columns `left..left + width`, with their columns; a
    /// wide unit cut by either edge is left out.
    pub fn visible_units(&self, row: usize, left: usize, width: usize) -> Vec<Drawn> {
        let Some(line) = self.lines.get(row) else {
            return Vec::new();
        };
        let (mut byte, mut col) = self.columns.borrow_mut().at_col(line, row, left);
        let mut out = Vec::new();
        while byte < line.len() && col < left + width {
            let end = next_boundary(line, byte);
            let w = unit_width(&line[byte..end]);
            if col >= left && col + w <= left + width {
                out.push(Drawn {
                    col: col - left,
                    width: w,
                    start: byte,
                    end,
                });
            }
            col += w;
            byte = end;
        }
        out
    }
}

/// Keeps `at` (`size` cells wide) inside a window of `len` starting near `prev`.
fn follow(prev: usize, at: usize, len: usize, size: usize) -> usize {
    if at < prev {
        at
    } else if at + size > prev + len {
        (at + size).saturating_sub(len).min(at)
    } else {
        prev
    }
}

/// Where a key moves the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Left,
    Right,
    WordLeft,
    WordRight,
    LineStart,
    LineEnd,
    Top,
    Bottom,
    Rows(isize),
}
