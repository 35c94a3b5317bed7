//! Display width of sanitized text, measured the way ratatui draws it, and truncation by width.
//!
//! ratatui puts one grapheme in a cell and measures it with [`CellWidth`]; measuring the same way
//! here is what guarantees that a row laid out to fit a width is drawn without being clipped.
//! All functions expect text that went through [`super::sanitize`] (ratatui drops graphemes that
//! hold control characters, so unsanitized text would be measured wider than it is drawn).

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Cells one grapheme takes; 0 for graphemes ratatui does not draw (lone combining marks).
pub fn grapheme_width(grapheme: &str) -> usize {
    usize::from(grapheme.cell_width())
}

/// Cells `s` takes when drawn in one row.
pub fn display_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// The longest prefix of `s` that fits in `max` cells, cut between graphemes (so a wide
/// character that would straddle the edge is left out whole).
pub fn truncate_to_width(s: &str, max: usize) -> &str {
    if s.is_ascii() {
        return &s[..s.len().min(max)];
    }
    let mut used = 0;
    for (at, g) in s.grapheme_indices(true) {
        used += grapheme_width(g);
        if used > max {
            return &s[..at];
        }
    }
    s
}

/// `s` cut to `max` cells with a trailing `…` when it does not fit; borrowed when it fits.
pub fn truncate_with_ellipsis(s: &str, max: usize) -> Cow<'_, str> {
    if display_width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = truncate_to_width(s, max - 1).to_owned();
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("日本"), 4);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("😀"), 2);
    }

    #[test]
    fn truncation_never_splits_a_wide_char() {
        assert_eq!(truncate_to_width("日本語", 3), "日");
        assert_eq!(truncate_to_width("日本語", 4), "日本");
        assert_eq!(truncate_to_width("abc", 10), "abc");
        assert_eq!(truncate_to_width("e\u{301}x", 1), "e\u{301}");
    }

    #[test]
    fn ellipsis() {
        assert_eq!(truncate_with_ellipsis("hello", 5), "hello");
        assert_eq!(truncate_with_ellipsis("hello world", 6), "hello…");
        assert_eq!(truncate_with_ellipsis("日本語", 4), "日…");
        assert_eq!(truncate_with_ellipsis("hello", 0), "");
    }
}
