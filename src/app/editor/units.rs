//! What the cursor steps over and how wide it is drawn: a line cut into units, and a cache of
//! display columns so that finding a column costs the same in a 5 MiB line as in a short one.
//!
//! A unit is one hidden character (drawn as a placeholder such as `⟨RLO⟩`), or a grapheme
//! cluster of the characters between hidden ones. Every unit is at least one cell wide: a
//! cluster that draws as nothing on its own (combining marks after a hidden character) gets a
//! placeholder too, so the cursor is always visible.

use std::borrow::Cow;
use std::collections::HashMap;

use unicode_segmentation::GraphemeCursor;

use crate::text::hidden::{is_hidden, orphan_placeholder, placeholder};
use crate::text::width::{display_width, grapheme_width};

/// Bytes scanned between two remembered columns of a line.
const CHECKPOINT_EVERY: usize = 1024;

/// The longest unit: a grapheme cluster longer than this ("zalgo" text, megabytes of
/// combining marks on one letter) is cut into pieces, so no key or frame handles megabytes
/// as one cell. Real scripts never come near it (UAX #15 allows 30 marks in a row).
const MAX_UNIT_BYTES: usize = 256;

fn is_plain_ascii(b: u8) -> bool {
    matches!(b, b' '..=b'~')
}

/// The end of the unit that starts at `at` (`at < line.len()`, on a char boundary).
pub fn next_boundary(line: &str, at: usize) -> usize {
    let bytes = line.as_bytes();
    // Printable ASCII followed by ASCII (or the end) is a unit of its own: the common case.
    if is_plain_ascii(bytes[at]) && bytes.get(at + 1).is_none_or(|b| b.is_ascii()) {
        return at + 1;
    }
    let Some(c) = line[at..].chars().next() else {
        return line.len();
    };
    if is_hidden(c) {
        return at + c.len_utf8();
    }
    // The text is made to end at the cap: the end of a text is always a boundary.
    let mut cap = (at + MAX_UNIT_BYTES).min(line.len());
    while !line.is_char_boundary(cap) {
        cap -= 1;
    }
    let mut cursor = GraphemeCursor::new(at, cap, true);
    let end = match cursor.next_boundary(&line[..cap], 0) {
        Ok(Some(end)) => end,
        _ => cap,
    };
    // A hidden character inside the cluster (tag characters extend the one before) ends the
    // unit before it.
    line[at..end]
        .char_indices()
        .skip(1)
        .find(|(_, c)| is_hidden(*c))
        .map_or(end, |(i, _)| at + i)
}

/// The start of the unit that ends at `at` (`0 < at`, on a char boundary).
pub fn prev_boundary(line: &str, at: usize) -> usize {
    let bytes = line.as_bytes();
    if is_plain_ascii(bytes[at - 1]) && bytes.get(at).is_none_or(|b| b.is_ascii()) {
        return at - 1;
    }
    let Some(c) = line[..at].chars().next_back() else {
        return 0;
    };
    if is_hidden(c) {
        return at - c.len_utf8();
    }
    let mut cursor = GraphemeCursor::new(at, line.len(), true);
    let mut start = match cursor.prev_boundary(line, 0) {
        Ok(Some(start)) => start,
        _ => 0,
    };
    if at - start > MAX_UNIT_BYTES {
        // A cluster cut into pieces: the piece before `at`, as the forward walk cuts them.
        loop {
            let next = next_boundary(line, start);
            if next >= at {
                break;
            }
            start = next;
        }
    }
    line[start..at]
        .char_indices()
        .rev()
        .find(|(_, c)| is_hidden(*c))
        .map_or(start, |(i, c)| start + i + c.len_utf8())
}

/// What a unit is drawn as: itself, or a placeholder.
pub fn shown(unit: &str) -> (Cow<'_, str>, bool) {
    let mut chars = unit.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && let Some(p) = placeholder(c)
    {
        return (p, true);
    }
    if grapheme_width(unit) == 0 {
        return (Cow::Owned(orphan_placeholder(unit)), true);
    }
    (Cow::Borrowed(unit), false)
}

/// Cells a unit takes.
pub fn unit_width(unit: &str) -> usize {
    if unit.len() == 1 && is_plain_ascii(unit.as_bytes()[0]) {
        return 1;
    }
    let (drawn, placeholder) = shown(unit);
    if placeholder {
        display_width(&drawn)
    } else {
        grapheme_width(unit)
    }
}

/// Remembered `(byte, column)` pairs per line, each at a unit boundary, about every
/// [`CHECKPOINT_EVERY`] bytes: a column is found by scanning from the nearest one.
#[derive(Debug, Default)]
pub struct Columns {
    rows: HashMap<usize, Vec<(usize, usize)>>,
}

impl Columns {
    /// An edit at `byte` of `row` that kept the line count: columns before it still hold.
    pub fn edited(&mut self, row: usize, byte: usize) {
        if let Some(points) = self.rows.get_mut(&row) {
            points.retain(|&(b, _)| b < byte);
        }
    }

    /// Lines were added or removed: every row number may have moved.
    pub fn clear(&mut self) {
        self.rows.clear();
    }

    /// The column where the unit holding `byte` starts (the line's width at its end).
    pub fn col_of(&mut self, line: &str, row: usize, byte: usize) -> usize {
        self.scan(line, row, |b, _, _| b >= byte, byte).1
    }

    /// The unit under display column `col` (or the line's end): its byte and its column.
    pub fn at_col(&mut self, line: &str, row: usize, col: usize) -> (usize, usize) {
        self.scan(line, row, |_, c, w| c + w > col, usize::MAX)
    }

    /// Walks units from the nearest checkpoint until `stop(byte, col, width)` holds for the
    /// next unit or the line ends (or the next unit would pass `limit`), remembering
    /// checkpoints past the last one on the way.
    fn scan(
        &mut self,
        line: &str,
        row: usize,
        stop: impl Fn(usize, usize, usize) -> bool,
        limit: usize,
    ) -> (usize, usize) {
        let points = self.rows.entry(row).or_insert_with(|| vec![(0, 0)]);
        if points.is_empty() {
            points.push((0, 0));
        }
        // The last checkpoint that `stop` does not reject yet (checkpoints are in order).
        let i = points
            .partition_point(|&(b, c)| b <= limit && !stop(b, c, 1))
            .saturating_sub(1);
        let (mut byte, mut col) = points[i];
        let extending = i + 1 == points.len();
        let mut last = byte;
        while byte < line.len() {
            let next = next_boundary(line, byte);
            if next > limit {
                break;
            }
            let width = unit_width(&line[byte..next]);
            if stop(byte, col, width) {
                break;
            }
            byte = next;
            col += width;
            if extending && byte - last >= CHECKPOINT_EVERY {
                points.push((byte, col));
                last = byte;
            }
        }
        (byte, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(line: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < line.len() {
            let next = next_boundary(line, at);
            assert!(next > at);
            assert_eq!(prev_boundary(line, next), at, "{line:?} at {next}");
            out.push(&line[at..next]);
            at = next;
        }
        out
    }

    #[test]
    fn hidden_characters_are_units_of_their_own() {
        assert_eq!(units("a\u{202e}b"), ["a", "\u{202e}", "b"]);
        assert_eq!(
            units("a\u{e0041}\u{301}b"),
            ["a", "\u{e0041}", "\u{301}", "b"]
        );
        assert_eq!(units("e\u{301}x"), ["e\u{301}", "x"]);
        assert_eq!(units("\r\n"), ["\r", "\n"]);
        assert_eq!(units("👩\u{200d}💻"), ["👩", "\u{200d}", "💻"]);
        assert_eq!(units("日本"), ["日", "本"]);
    }

    #[test]
    fn zalgo_is_cut_into_bounded_units() {
        let zalgo: String = "x"
            .chars()
            .chain(std::iter::repeat_n('\u{301}', 5000))
            .chain("y\u{e0041}".chars())
            .collect();
        let all = units(&zalgo);
        assert!(
            all.iter().all(|u| u.len() <= MAX_UNIT_BYTES),
            "{}",
            all.len()
        );
        assert_eq!(all.concat(), zalgo);
        assert!(all.len() > 5000 * 2 / MAX_UNIT_BYTES);
        assert_eq!(all[all.len() - 2..], ["y", "\u{e0041}"]);
    }

    #[test]
    fn widths() {
        assert_eq!(unit_width("a"), 1);
        assert_eq!(unit_width("日"), 2);
        assert_eq!(unit_width("\u{202e}"), 5);
        assert_eq!(unit_width("\u{301}"), 8);
    }

    #[test]
    fn columns_match_a_plain_scan_far_into_a_long_line() {
        let line = "ab日\u{1b}c".repeat(3000);
        let mut cols = Columns::default();
        let mut expected = 0;
        let mut at = 0;
        let mut stops = Vec::new();
        while at < line.len() {
            stops.push((at, expected));
            let next = next_boundary(&line, at);
            expected += unit_width(&line[at..next]);
            at = next;
        }
        stops.push((line.len(), expected));
        // Out of order, so both the extending and the cached paths are taken.
        for &(byte, col) in stops
            .iter()
            .rev()
            .step_by(97)
            .chain(stops.iter().step_by(13))
        {
            assert_eq!(cols.col_of(&line, 0, byte), col, "byte {byte}");
            assert_eq!(cols.at_col(&line, 0, col), (byte, col), "col {col}");
        }
        // Inside a wide unit: its start.
        assert_eq!(cols.at_col(&line, 0, 3), (2, 2));
        cols.edited(0, 5000);
        assert_eq!(cols.col_of(&line, 0, line.len()), expected);
    }
}
