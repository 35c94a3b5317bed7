//! Shortening for long text that must stay recognisable: paths with `~` for the home
//! directory, and cuts in the middle so both the start and the file name stay in view.

use std::borrow::Cow;
use std::path::Path;

use super::sanitize::sanitize_single_line;
use super::width::{display_width, truncate_to_width};
use unicode_segmentation::UnicodeSegmentation;

/// `path` for display: sanitized, with the home directory written `~`.
pub fn display_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let shown = match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        // A bare "/" home would turn every path into "~/…", which says less, not more.
        Some(rest) if home.as_deref() != Some(Path::new("/")) => {
            if rest.as_os_str().is_empty() {
                "~".to_owned()
            } else {
                format!("~/{}", rest.display())
            }
        }
        _ => path.display().to_string(),
    };
    sanitize_single_line(&shown).into_owned()
}

/// `s` cut to `max` cells by replacing its middle with `…`, so a path keeps its root and its
/// file name; borrowed when it fits. Expects sanitized text.
pub fn truncate_middle(s: &str, max: usize) -> Cow<'_, str> {
    if display_width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max <= 1 {
        return Cow::Borrowed(truncate_to_width(s, max));
    }
    let keep = max - 1;
    // The end (a file name, the advice) gets the larger half.
    let head = truncate_to_width(s, keep / 2);
    let tail_room = keep - display_width(head);
    // The tail: the longest suffix that fits in what is left.
    let mut start = s.len();
    let mut used = 0;
    for (at, g) in s.grapheme_indices(true).rev() {
        let w = super::width::grapheme_width(g);
        if used + w > tail_room || at < head.len() {
            break;
        }
        used += w;
        start = at;
    }
    Cow::Owned(format!("{head}…{}", &s[start..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_cut_keeps_both_ends() {
        let p = "/home/agent/.local/share/memory-console/backups/main/alice-2026.json";
        let cut = truncate_middle(p, 30);
        assert_eq!(display_width(&cut), 30);
        assert!(cut.starts_with("/home/agent/.l"), "{cut}");
        assert!(cut.ends_with("alice-2026.json"), "{cut}");
        assert!(cut.contains('…'));
        assert_eq!(truncate_middle("short", 30), "short");
        assert_eq!(truncate_middle("日本語日本語", 5), "日…語");
        assert_eq!(truncate_middle("abc", 1), "a");
    }
}
