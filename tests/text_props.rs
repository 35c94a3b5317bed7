//! Property tests for the text module: what sanitizing guarantees and how wrapping cuts rows.

use memory_console::text::width::{display_width, truncate_to_width};
use memory_console::text::{Anchor, TextView, sanitize_line, sanitize_single_line};
use proptest::prelude::*;

mod common;

use common::hostile::hostile_text;
use unicode_segmentation::UnicodeSegmentation;

/// Written out apart from the implementation's table, so that a gap in one shows up here.
fn is_bidi_or_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
            | '\u{ad}'
            | '\u{e0000}'..='\u{e007f}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn assert_safe(out: &str, newline_ok: bool) {
    for c in out.chars() {
        if newline_ok && c == '\n' {
            continue;
        }
        assert!(!c.is_control(), "control {c:?} in {out:?}");
        assert!(!is_bidi_or_invisible(c), "format char {c:?} in {out:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sanitized_text_is_safe_and_stable(s in hostile_text(80)) {
        let line = sanitize_line(&s);
        assert_safe(&line, true);
        prop_assert_eq!(line.matches('\n').count(), s.matches('\n').count());
        prop_assert_eq!(sanitize_line(&line), line.clone());

        let single = sanitize_single_line(&s);
        assert_safe(&single, false);
        prop_assert_eq!(sanitize_single_line(&single), single.clone());
    }

    #[test]
    fn sanitizing_lines_commutes_with_splitting(s in hostile_text(80)) {
        let whole = sanitize_line(&s);
        let parts: Vec<String> = s.split('\n').map(|l| sanitize_line(l).into_owned()).collect();
        prop_assert_eq!(whole.as_ref(), parts.join("\n"));
    }

    #[test]
    fn arbitrary_strings_are_safe(s in any::<String>()) {
        let single = sanitize_single_line(&s);
        assert_safe(&single, false);
        prop_assert_eq!(sanitize_single_line(&single), single.clone());
    }

    #[test]
    fn wrapped_rows_fit_and_rebuild_each_line(s in hostile_text(120), width in 1u16..24) {
        let view = TextView::new(&s);
        let w = usize::from(width);
        let all = view.visual_row_strs(width, 0, usize::MAX);
        prop_assert_eq!(all.len(), view.total_rows(width));
        let mut next_row = 0;
        for (i, expected) in sanitize_line(&s).split('\n').enumerate() {
            let rows = view.line_rows(width, i);
            prop_assert_eq!(rows.start, next_row);
            prop_assert!(!rows.is_empty());
            next_row = rows.end;
            prop_assert_eq!(all[rows.clone()].concat(), expected);
            for row in &all[rows] {
                // Spaces hang past the edge; they are trimmed when drawn.
                let row = row.trim_end_matches(' ');
                let cells = display_width(row);
                // Only a lone grapheme wider than the pane may overflow it.
                prop_assert!(
                    cells <= w || row.graphemes(true).count() == 1,
                    "row {:?} is {} cells at width {}", row, cells, w
                );
            }
        }
        prop_assert_eq!(next_row, view.total_rows(width));
        let lines = view.visual_rows(width, 0, usize::MAX);
        prop_assert_eq!(lines.len(), all.len());
    }

    #[test]
    fn rows_break_between_words(s in hostile_text(120), width in 1u16..24) {
        let view = TextView::new(&s);
        let w = usize::from(width);
        for i in 0..view.line_count() {
            let rows = view.visual_row_strs(width, view.line_rows(width, i).start, usize::MAX);
            let rows = &rows[..view.line_rows(width, i).len()];
            for (j, pair) in rows.windows(2).enumerate() {
                let (row, next) = (pair[0], pair[1]);
                // The next word (up to its first space, maybe over several rows) did not fit
                // after this row.
                let rest = rows[j + 1..].concat();
                let word: String = rest.graphemes(true).take_while(|g| *g != " ").collect();
                prop_assert!(
                    display_width(row) + display_width(&word) > w,
                    "{:?} could take {:?}", row, word
                );
                // A word is cut only when it is longer than a row: then this row holds no
                // space before it.
                let ends_in_word = row.graphemes(true).next_back().is_some_and(|g| g != " ");
                let next_starts_word = next.graphemes(true).next().is_some_and(|g| g != " ");
                if ends_in_word && next_starts_word {
                    let trimmed = row.trim_start_matches(' ');
                    prop_assert!(
                        !trimmed.graphemes(true).any(|g| g == " "),
                        "{:?} was cut though {:?} could start the row", row, next
                    );
                }
                // No row starts with a space except a run longer than a row.
                if next.graphemes(true).next() == Some(" ") {
                    prop_assert!(display_width(row) >= w, "{:?} then {:?}", row, next);
                }
            }
        }
    }

    #[test]
    fn windows_match_the_full_layout(
        s in hostile_text(200),
        width in 1u16..16,
        first in 0usize..60,
        height in 0usize..20,
    ) {
        let view = TextView::new(&s);
        let all = view.visual_row_strs(width, 0, usize::MAX);
        let window = view.visual_row_strs(width, first, height);
        let expected: Vec<&str> = all.iter().skip(first).take(height).copied().collect();
        prop_assert_eq!(window, expected);
        for row in 0..all.len() {
            let anchor = view.anchor_at(width, row);
            prop_assert_eq!(view.row_of_anchor(width, anchor), row);
        }
        prop_assert_eq!(view.anchor_at(width, all.len()), Anchor(view.sanitized().len()));
    }

    #[test]
    fn truncation_fits(s in hostile_text(40), max in 0usize..20) {
        let clean = sanitize_single_line(&s);
        let cut = truncate_to_width(&clean, max);
        prop_assert!(clean.starts_with(cut));
        prop_assert!(display_width(cut) <= max);
    }
}

#[test]
fn wide_chars_wider_than_the_pane_terminate() {
    let s = "日本語😀👍🏽".repeat(100);
    let view = TextView::new(&s);
    let rows = view.visual_row_strs(1, 0, usize::MAX);
    assert_eq!(rows.concat(), s);
    assert_eq!(rows.len(), view.total_rows(1));
}
