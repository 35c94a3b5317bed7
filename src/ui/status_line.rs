//! Fitting a status message to the status line: word-wrapped onto a second row when the
//! layout gives one, paths shortened in the middle before anything else is cut, and when
//! it still does not fit, the start (what happened) and the end (what to do) kept.

use crate::text::{TextView, display_width, truncate_middle, truncate_to_width};

/// A path-like word (it holds a `/`) is shortened to this many cells, or half the row when
/// that is more, keeping its root and its file name.
const PATH_CELLS: usize = 24;

/// `text` (sanitized, one line) on at most `rows` rows of `width` cells.
pub fn fit(text: &str, width: usize, rows: usize) -> Vec<String> {
    if width == 0 || rows == 0 {
        return Vec::new();
    }
    if display_width(text) <= width {
        return vec![text.to_owned()];
    }
    if let Some(lines) = wrapped(text, width, rows) {
        return lines;
    }
    let short = shorten_paths(text, PATH_CELLS.max(width / 2));
    if let Some(lines) = wrapped(&short, width, rows) {
        return lines;
    }
    // Still too long: the middle goes, a third of what shows for the start and the rest
    // for the end, less and less until it wraps onto the rows.
    let step = width.div_ceil(8).max(1);
    let mut budget = width * rows;
    while budget > width {
        let cut = keep_end(&short, budget);
        if let Some(lines) = wrapped(&cut, width, rows) {
            return lines;
        }
        budget -= step;
    }
    vec![keep_end(&short, width)]
}

/// The rows `text` takes word-wrapped at `width`, when they are at most `rows`.
fn wrapped(text: &str, width: usize, rows: usize) -> Option<Vec<String>> {
    let w = u16::try_from(width).unwrap_or(u16::MAX);
    let view = TextView::new(text);
    if view.total_rows(w) > rows {
        return None;
    }
    Some(
        view.visual_row_strs(w, 0, rows)
            .into_iter()
            .map(|r| r.trim_end().to_owned())
            .collect(),
    )
}

/// Every word holding a `/` and wider than `cells`, cut in its middle to `cells`.
fn shorten_paths(text: &str, cells: usize) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('/') && display_width(word) > cells {
                truncate_middle(word, cells).into_owned()
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The longest end of `s` that fits in `cells`.
fn tail(s: &str, cells: usize) -> &str {
    let mut start = s.len();
    let mut used = 0;
    for (at, c) in s.char_indices().rev() {
        let w = display_width(&s[at..at + c.len_utf8()]);
        if used + w > cells {
            break;
        }
        used += w;
        start = at;
    }
    &s[start..]
}

/// One row: a third for the start, the rest for the end, which says what to do.
fn keep_end(s: &str, width: usize) -> String {
    if width <= 1 {
        return truncate_to_width(s, width).to_owned();
    }
    let head = truncate_to_width(s, (width - 1) / 3);
    let rest = tail(&s[head.len()..], width - 1 - display_width(head));
    format!("{head}…{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIVE_UP: &str = "update of maximilian.alexander.von.hohenzollern-sigmaringen (task 3f2a9c1e…) has no end after 10 min; memory read again: if your change is missing, press e (your draft is kept; the next start asks about the task again)";
    const BACKUP: &str = "memory erased for maximilian.alexander.von.hohenzollern-sigmaringen; backup at ~/.local/share/memory-console/backups/nwcc-applied-health/maximilian.alexander.von.hohenzollern-sigmaringen-20261128T210405Z.json (u undoes)";

    fn fits(rows: &[String], width: usize) {
        for r in rows {
            assert!(display_width(r) <= width, "{r:?} is wider than {width}");
        }
    }

    #[test]
    fn a_short_message_is_one_row() {
        assert_eq!(fit("saved", 80, 2), ["saved"]);
    }

    #[test]
    fn a_backup_path_is_shortened_in_its_middle_and_the_advice_stays() {
        let rows = fit(BACKUP, 80, 2);
        fits(&rows, 80);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].starts_with("memory erased for"), "{rows:?}");
        let all = rows.join(" ");
        assert!(all.contains("backup at ~/"), "{rows:?}");
        assert!(all.contains("210405Z.json"), "{rows:?}");
        assert!(all.ends_with("(u undoes)"), "{rows:?}");
    }

    #[test]
    fn the_give_up_message_keeps_what_to_do_at_40_columns() {
        for rows in [1, 2] {
            let shown = fit(GIVE_UP, 40, rows);
            fits(&shown, 40);
            assert!(shown[0].starts_with("update of"), "{shown:?}");
            let last = shown.last().map(String::as_str).unwrap_or_default();
            assert!(last.ends_with("asks about the task again)"), "{shown:?}");
        }
    }

    #[test]
    fn at_80_columns_two_rows_keep_the_press_e_advice() {
        let shown = fit(GIVE_UP, 80, 2);
        fits(&shown, 80);
        let all = shown.join(" ");
        assert!(all.contains("press e (your draft is kept"), "{shown:?}");
        assert!(all.starts_with("update of maximilian"), "{shown:?}");
    }
}
