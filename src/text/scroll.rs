//! [`Scroll`]: the first visible row of a pane, kept within the rows there are.

/// Row offset of a scrollable pane. Every move takes the current total row count and pane
/// height, because both change with the content and the terminal size; the offset never goes
/// past the point where the last row sits at the bottom of the pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    offset: usize,
}

impl Scroll {
    /// Scroll state showing `offset` first, before any clamping.
    pub fn new(offset: usize) -> Self {
        Scroll { offset }
    }

    /// First visible row.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Largest useful offset: the one that shows the last row at the bottom.
    pub fn max_offset(total_rows: usize, height: usize) -> usize {
        total_rows.saturating_sub(height)
    }

    /// Brings the offset back in range, e.g. after a resize made the text shorter.
    pub fn clamp(&mut self, total_rows: usize, height: usize) {
        self.offset = self.offset.min(Self::max_offset(total_rows, height));
    }

    /// Moves to `row` (clamped).
    pub fn set(&mut self, row: usize, total_rows: usize, height: usize) {
        self.offset = row;
        self.clamp(total_rows, height);
    }

    /// Moves by `delta` rows, negative is up (clamped).
    pub fn scroll_by(&mut self, delta: isize, total_rows: usize, height: usize) {
        let row = self.offset.saturating_add_signed(delta);
        self.set(row, total_rows, height);
    }

    /// One page down, keeping the last visible row on screen as context.
    pub fn page_down(&mut self, total_rows: usize, height: usize) {
        self.scroll_by(page(height), total_rows, height);
    }

    /// One page up, keeping the first visible row on screen as context.
    pub fn page_up(&mut self, total_rows: usize, height: usize) {
        self.scroll_by(-page(height), total_rows, height);
    }

    /// First row.
    pub fn top(&mut self) {
        self.offset = 0;
    }

    /// Last page.
    pub fn bottom(&mut self, total_rows: usize, height: usize) {
        self.offset = Self::max_offset(total_rows, height);
    }

    /// Scrolls the least needed for `row` to be visible.
    pub fn reveal(&mut self, row: usize, total_rows: usize, height: usize) {
        if row < self.offset {
            self.offset = row;
        } else if height > 0 && row >= self.offset + height {
            self.offset = row + 1 - height;
        }
        self.clamp(total_rows, height);
    }
}

fn page(height: usize) -> isize {
    isize::try_from(height.saturating_sub(1).max(1)).unwrap_or(isize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_to_last_page() {
        let mut s = Scroll::new(500);
        s.clamp(100, 10);
        assert_eq!(s.offset(), 90);
        s.clamp(5, 10);
        assert_eq!(s.offset(), 0);
    }

    #[test]
    fn pages_keep_one_row_of_context() {
        let mut s = Scroll::default();
        s.page_down(100, 10);
        assert_eq!(s.offset(), 9);
        s.page_up(100, 10);
        assert_eq!(s.offset(), 0);
        s.page_up(100, 10);
        assert_eq!(s.offset(), 0);
        s.bottom(100, 10);
        s.page_down(100, 10);
        assert_eq!(s.offset(), 90);
        s.page_down(100, 1);
        assert_eq!(s.offset(), 91);
    }

    #[test]
    fn scroll_by_and_reveal() {
        let mut s = Scroll::default();
        s.scroll_by(-3, 100, 10);
        assert_eq!(s.offset(), 0);
        s.scroll_by(15, 100, 10);
        assert_eq!(s.offset(), 15);
        s.reveal(40, 100, 10);
        assert_eq!(s.offset(), 31);
        s.reveal(2, 100, 10);
        assert_eq!(s.offset(), 2);
        s.top();
        assert_eq!(s.offset(), 0);
    }
}
