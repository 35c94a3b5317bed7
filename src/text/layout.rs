//! [`TextView`]: a large untrusted text, sanitized once and wrapped to a pane width, from which a
//! frame draws only the rows it shows.
//!
//! Wrapping is at word boundaries (after a space), measured as ratatui draws (see
//! [`super::width`]): a word that does not fit on the row starts the next one, and the spaces
//! before it hang at the end of the row, where [`TextView::visual_rows`] trims them. Only a
//! word longer than the row is broken, by grapheme, and a wide character that would straddle
//! the right edge moves to the next row whole. A grapheme wider than the pane itself (a CJK
//! character at width 1) gets a row of its own; that is the only row wider than the width, and
//! ratatui clips it. Rows are cut from the sanitized text, so escapes such as `\x1b` count for
//! width and can be split across rows like any other text. Lines are split on `'\n'` only (a
//! `'\r'` is shown as `\r`); a trailing `'\n'` gives a last, empty line, as it is stored.
//!
//! Cost, with n the content size in bytes, L the number of lines and R the number of rows at the
//! current width:
//!
//! - [`TextView::new`]: O(n) once (sanitize, find line starts, note which lines are ASCII).
//! - First query at a new width: O(L + bytes of lines longer than the width) to count rows per
//!   line into a prefix array and record where the continuation rows start. ASCII stretches are
//!   filled a row at a time (only the last space before the edge is looked for), not segmented
//!   into graphemes; an ASCII line that fits is not looked at. Only the last width is kept, so
//!   dragging a resize pays this once per new width (see the README for the figures).
//! - Afterwards, [`TextView::total_rows`] is O(1), finding the row at any offset is O(log L)
//!   (binary search in the prefix array), and [`TextView::visual_rows`] is O(log L + visible
//!   bytes): the rows borrow slices of the sanitized text, so a single 5 MB line costs a frame no
//!   more than any other line.

use std::cell::RefCell;
use std::ops::Range;

use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use super::sanitize::sanitize_line;
use super::width::grapheme_width;

/// A sanitized text with per-width wrap information, computed lazily.
#[derive(Debug)]
pub struct TextView {
    /// Sanitized content; the only control character left is the `'\n'` between lines.
    text: String,
    /// Byte offset in `text` where each line starts; never empty.
    line_starts: Vec<usize>,
    /// Whether each line is ASCII: one that fits in the width is one row, unread.
    ascii: Vec<bool>,
    wrap: RefCell<Option<Wrap>>,
}

/// Wrap information for one width.
#[derive(Debug)]
struct Wrap {
    width: usize,
    /// `first_row[i]` is the first row of line `i`; the last entry is the total row count.
    first_row: Vec<usize>,
    /// Where the continuation rows of lines start, as offsets in `text`.
    breaks: Vec<usize>,
    /// Line `i`'s breaks are `breaks[first_break[i]..first_break[i + 1]]`.
    first_break: Vec<usize>,
}

/// A position in the text that survives a width change: the byte offset, in the sanitized text,
/// of the start of a row. Keep one from [`TextView::anchor_at`] before a resize and turn it back
/// into a row with [`TextView::row_of_anchor`] so the same text stays at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Anchor(pub usize);

impl TextView {
    /// Sanitizes `content` and indexes its lines. O(n).
    pub fn new(content: &str) -> Self {
        let text = sanitize_line(content).into_owned();
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut view = TextView {
            text,
            line_starts,
            ascii: Vec::new(),
            wrap: RefCell::new(None),
        };
        view.ascii = (0..view.line_count())
            .map(|i| view.line(i).is_ascii())
            .collect();
        view
    }

    /// The whole sanitized text, lines separated by `'\n'`.
    pub fn sanitized(&self) -> &str {
        &self.text
    }

    /// Number of logical lines (at least 1: empty content is one empty line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Logical line `i`, sanitized, without its `'\n'`. Panics if `i >= line_count()`.
    pub fn line(&self, i: usize) -> &str {
        &self.text[self.line_range(i)]
    }

    fn line_range(&self, i: usize) -> Range<usize> {
        let end = match self.line_starts.get(i + 1) {
            Some(next) => next - 1,
            None => self.text.len(),
        };
        self.line_starts[i]..end
    }

    /// Number of rows the text takes at `width`; 0 when `width` is 0.
    pub fn total_rows(&self, width: u16) -> usize {
        self.with_wrap(width, |w| w.map_or(0, Wrap::total_rows))
    }

    /// The rows of line `line` at `width` (empty when `width` is 0). Panics if
    /// `line >= line_count()`.
    pub fn line_rows(&self, width: u16, line: usize) -> Range<usize> {
        self.with_wrap(width, |w| {
            w.map_or(0..0, |w| w.first_row[line]..w.first_row[line + 1])
        })
    }

    /// The logical line that row `row` belongs to, if there is such a row at `width`.
    pub fn line_of_row(&self, width: u16, row: usize) -> Option<usize> {
        self.with_wrap(width, |w| {
            let w = w?;
            (row < w.total_rows()).then(|| w.line_of_row(row))
        })
    }

    /// Up to `height` rows from `first_row` at `width`, as slices of the sanitized text that
    /// put together rebuild it: a row ends with the spaces that hang past its edge.
    pub fn visual_row_strs(&self, width: u16, first_row: usize, height: usize) -> Vec<&str> {
        self.with_wrap(width, |w| {
            let Some(w) = w else { return Vec::new() };
            let end = first_row.saturating_add(height).min(w.total_rows());
            if first_row >= end {
                return Vec::new();
            }
            let mut rows = Vec::with_capacity(end - first_row);
            let mut line = w.line_of_row(first_row);
            for row in first_row..end {
                while w.first_row[line + 1] <= row {
                    line += 1;
                }
                let range = self.row_range(w, line, row - w.first_row[line]);
                rows.push(&self.text[range]);
            }
            rows
        })
    }

    /// Up to `height` rows from `first_row` at `width`, ready to draw one per terminal row,
    /// without trailing spaces. Each fits in `width` cells (see the module doc for the one
    /// exception).
    pub fn visual_rows(&self, width: u16, first_row: usize, height: usize) -> Vec<Line<'_>> {
        self.visual_row_strs(width, first_row, height)
            .into_iter()
            // At most `2 * width` spaces hang past the edge, so trimming is cheap.
            .map(|row| Line::from(Span::raw(row.trim_end_matches(' '))))
            .collect()
    }

    /// Where row `row` starts at `width` (the end of the text past the last row).
    pub fn anchor_at(&self, width: u16, row: usize) -> Anchor {
        self.with_wrap(width, |w| {
            let Some(w) = w else { return Anchor(0) };
            if row >= w.total_rows() {
                return Anchor(self.text.len());
            }
            let line = w.line_of_row(row);
            Anchor(self.row_range(w, line, row - w.first_row[line]).start)
        })
    }

    /// The row at `width` that contains `anchor`. O(log n).
    pub fn row_of_anchor(&self, width: u16, anchor: Anchor) -> usize {
        self.with_wrap(width, |w| {
            let Some(w) = w else { return 0 };
            let at = anchor.0.min(self.text.len());
            let line = self.line_starts.partition_point(|&s| s <= at) - 1;
            let within = w.breaks_of(line).partition_point(|&b| b <= at);
            let rows = w.first_row[line + 1] - w.first_row[line];
            w.first_row[line] + within.min(rows - 1)
        })
    }

    fn with_wrap<T>(&self, width: u16, f: impl FnOnce(Option<&Wrap>) -> T) -> T {
        let width = usize::from(width);
        if width == 0 {
            return f(None);
        }
        let mut cache = self.wrap.borrow_mut();
        if cache.as_ref().is_none_or(|w| w.width != width) {
            *cache = Some(self.compute_wrap(width));
        }
        f(cache.as_ref())
    }

    fn compute_wrap(&self, width: usize) -> Wrap {
        let lines = self.line_count();
        let mut first_row = Vec::with_capacity(lines + 1);
        let mut first_break = Vec::with_capacity(lines + 1);
        let mut breaks = Vec::new();
        let mut rows = 0;
        first_row.push(0);
        first_break.push(0);
        for i in 0..lines {
            let range = self.line_range(i);
            // A short ASCII line is one row: no need to look at its bytes.
            if !(self.ascii[i] && range.len() <= width) {
                push_breaks(&self.text[range.clone()], range.start, width, &mut breaks);
            }
            rows += breaks.len() - first_break[i] + 1;
            first_row.push(rows);
            first_break.push(breaks.len());
        }
        Wrap {
            width,
            first_row,
            breaks,
            first_break,
        }
    }

    fn row_range(&self, w: &Wrap, line: usize, row_in_line: usize) -> Range<usize> {
        let line_range = self.line_range(line);
        let breaks = w.breaks_of(line);
        let start = match row_in_line {
            0 => line_range.start,
            j => breaks[j - 1],
        };
        let end = breaks.get(row_in_line).copied().unwrap_or(line_range.end);
        start..end
    }
}

impl Wrap {
    fn total_rows(&self) -> usize {
        self.first_row.last().copied().unwrap_or(0)
    }

    fn line_of_row(&self, row: usize) -> usize {
        self.first_row.partition_point(|&r| r <= row) - 1
    }

    fn breaks_of(&self, line: usize) -> &[usize] {
        &self.breaks[self.first_break[line]..self.first_break[line + 1]]
    }
}

/// Appends to `breaks` the offsets (`base` + position in `line`) where rows after the first
/// start when `line` is word-wrapped at `width` cells (see [`Greedy`] for the rules).
///
/// Runs of ASCII inside the line are filled a row at a time rather than grapheme by grapheme:
/// an ASCII character followed by another ASCII character is a one-cell grapheme of its own
/// (nothing ASCII extends a cluster or is a prepended mark), so whatever fits in the room left
/// is taken at once, and only the last space in it is looked for. The last character of a run
/// may take combining marks that follow it, so it goes to the grapheme walk with them.
fn push_breaks(line: &str, base: usize, width: usize, breaks: &mut Vec<usize>) {
    let bytes = line.as_bytes();
    let mut wrap = Greedy::new(width);
    let mut p = 0;
    'runs: while p < bytes.len() {
        let run_end = bytes[p..]
            .iter()
            .position(|b| !b.is_ascii())
            .map_or(bytes.len(), |n| p + n);
        let simple_end = if run_end == bytes.len() {
            run_end
        } else {
            run_end.saturating_sub(1).max(p)
        };
        while p < simple_end {
            let room = width.saturating_sub(wrap.used).min(simple_end - p);
            if room == 0 {
                // The row is full: this character decides where the next row starts.
                wrap.place(p, 1, bytes[p] == b' ', base, breaks);
                p += 1;
            } else {
                wrap.fill_ascii(&bytes[p..p + room], p);
                p += room;
            }
        }
        if p == bytes.len() {
            break;
        }
        for (offset, g) in line[p..].grapheme_indices(true) {
            let at = p + offset;
            let ascii_pair_follows =
                bytes[at].is_ascii() && bytes.get(at + 1).is_none_or(u8::is_ascii);
            if offset > 0 && ascii_pair_follows {
                p = at;
                continue 'runs;
            }
            wrap.place(at, grapheme_width(g), g == " ", base, breaks);
        }
        break;
    }
}

/// Word wrap, one grapheme at a time.
///
/// A row breaks before the word that does not fit (a word being what follows a space). Spaces
/// never start a row: they hang past the edge, where they are invisible, and
/// [`TextView::visual_rows`] trims them. A run of spaces longer than a row is broken after all,
/// so no row holds more than `2 * width` cells. A word longer than the row is broken at the
/// grapheme that does not fit, as is every grapheme of text without spaces (CJK, one long URL).
struct Greedy {
    width: usize,
    row_start: usize,
    used: usize,
    /// Where the word being placed starts: just after the last space.
    word_start: usize,
    /// Cells of the row before `word_start`.
    used_before_word: usize,
}

impl Greedy {
    fn new(width: usize) -> Self {
        Greedy {
            width,
            row_start: 0,
            used: 0,
            word_start: 0,
            used_before_word: 0,
        }
    }

    fn break_at(&mut self, at: usize, base: usize, breaks: &mut Vec<usize>) {
        breaks.push(base + at);
        self.row_start = at;
    }

    fn place(
        &mut self,
        at: usize,
        cells: usize,
        space: bool,
        base: usize,
        breaks: &mut Vec<usize>,
    ) {
        // `at > row_start`: a row always takes at least one grapheme, so a grapheme wider than
        // the pane cannot stall the wrap.
        if space {
            if self.used + cells > 2 * self.width && at > self.row_start {
                self.break_at(at, base, breaks);
                self.used = 0;
            }
            self.used += cells;
            self.word_start = at + 1;
            self.used_before_word = self.used;
            return;
        }
        if self.used + cells > self.width && at > self.row_start {
            if self.word_start > self.row_start {
                self.used -= self.used_before_word;
                self.break_at(self.word_start, base, breaks);
            }
            if self.used + cells > self.width && at > self.row_start {
                self.used = 0;
                self.break_at(at, base, breaks);
            }
        }
        self.used += cells;
    }

    /// Places `chunk`, ASCII starting at `at`, known to fit in the room left on the row.
    fn fill_ascii(&mut self, chunk: &[u8], at: usize) {
        if let Some(space) = chunk.iter().rposition(|&b| b == b' ') {
            self.word_start = at + space + 1;
            self.used_before_word = self.used + space + 1;
        }
        self.used += chunk.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_breaks(line: &str, width: usize) -> Vec<usize> {
        let mut breaks = Vec::new();
        let mut wrap = Greedy::new(width);
        for (at, g) in line.grapheme_indices(true) {
            wrap.place(at, grapheme_width(g), g == " ", 0, &mut breaks);
        }
        breaks
    }

    proptest::proptest! {
        #[test]
        fn ascii_runs_wrap_like_the_grapheme_walk(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "bc", "defgh", " ", "e\u{301}", "\u{301}", "日", "😀", "👍🏽", "ｶﾞ",
                    "\u{1f1ef}", "\u{1f1f5}", "\u{915}\u{94d}\u{937}", "\\x1b", "\u{d4e}",
                ]),
                0..60,
            ),
            width in 1usize..12,
        ) {
            let line = sanitize_line(&parts.concat()).into_owned();
            let mut fast = Vec::new();
            push_breaks(&line, 0, width, &mut fast);
            proptest::prop_assert_eq!(fast, naive_breaks(&line, width));
        }
    }

    fn rows(view: &TextView, width: u16) -> Vec<&str> {
        view.visual_row_strs(width, 0, usize::MAX)
    }

    #[test]
    fn empty_content_is_one_empty_row() {
        let v = TextView::new("");
        assert_eq!(v.total_rows(10), 1);
        assert_eq!(rows(&v, 10), vec![""]);
        assert_eq!(v.total_rows(0), 0);
        assert!(v.visual_rows(0, 0, 10).is_empty());
    }

    #[test]
    fn wraps_at_word_boundaries() {
        let v = TextView::new("Is studying for the exam");
        assert_eq!(rows(&v, 10), vec!["Is ", "studying ", "for the ", "exam"]);
        let drawn: Vec<String> = v
            .visual_rows(10, 0, 10)
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(drawn, vec!["Is", "studying", "for the", "exam"]);
    }

    #[test]
    fn only_words_longer_than_the_row_are_broken() {
        let v = TextView::new("a supercalifragilistic b");
        assert_eq!(rows(&v, 8), vec!["a ", "supercal", "ifragili", "stic b"]);
    }

    #[test]
    fn hanging_spaces_are_bounded() {
        let v = TextView::new(&format!("ab{}cd", " ".repeat(20)));
        for row in rows(&v, 4) {
            assert!(row.len() <= 8, "{row:?}");
        }
        assert_eq!(rows(&v, 4).concat(), format!("ab{}cd", " ".repeat(20)));
    }

    #[test]
    fn word_wrap_with_wide_and_accented_words() {
        let v = TextView::new("café naïve 日本語 end");
        assert_eq!(rows(&v, 6), vec!["café ", "naïve ", "日本語 ", "end"]);
    }

    #[test]
    fn wraps_ascii_and_keeps_empty_lines() {
        let v = TextView::new("abcdefg\n\nxy\n");
        assert_eq!(rows(&v, 3), vec!["abc", "def", "g", "", "xy", ""]);
        assert_eq!(v.total_rows(3), 6);
        assert_eq!(v.line_rows(3, 2), 4..5);
        assert_eq!(v.line_of_row(3, 1), Some(0));
        assert_eq!(v.line_of_row(3, 6), None);
    }

    #[test]
    fn wide_chars_do_not_straddle_the_edge() {
        let v = TextView::new("a日本語b");
        assert_eq!(rows(&v, 4), vec!["a日", "本語", "b"]);
        assert_eq!(rows(&v, 3), vec!["a日", "本", "語b"]);
    }

    #[test]
    fn wide_char_at_width_one_gets_its_own_row() {
        let v = TextView::new("日本a");
        assert_eq!(rows(&v, 1), vec!["日", "本", "a"]);
    }

    #[test]
    fn escapes_are_wrapped_as_text() {
        let v = TextView::new("\x1b[2J");
        assert_eq!(rows(&v, 4), vec!["\\x1b", "[2J"]);
        for row in v.visual_rows(4, 0, 10) {
            assert!(row.width() <= 4);
        }
    }

    #[test]
    fn window_in_the_middle_of_a_long_line() {
        let line: String = "0123456789".repeat(1000);
        let v = TextView::new(&line);
        assert_eq!(v.total_rows(7), 10_000usize.div_ceil(7));
        let window = v.visual_row_strs(7, 500, 3);
        assert_eq!(
            window,
            vec![&line[3500..3507], &line[3507..3514], &line[3514..3521]]
        );
    }

    #[test]
    fn anchors_survive_a_width_change() {
        let v = TextView::new("héllo wörld, this is a line\nand another one");
        let a = v.anchor_at(5, 3);
        let row = v.row_of_anchor(9, a);
        let start = v.anchor_at(9, row).0;
        assert!(start <= a.0);
        assert!(a.0 < start + v.visual_row_strs(9, row, 1)[0].len());
        assert_eq!(v.row_of_anchor(5, a), 3);
    }
}
