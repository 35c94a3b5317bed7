//! The conflict window: what changed on the server against the operator's text, as a diff.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use similar::{ChangeTag, TextDiff};

use crate::app::ConflictDialog;
use crate::text::sanitize_single_line;

use super::theme::Theme;
use super::widgets::{centered, pane_block};

/// Diff lines above this many are summarised, so a conflict on a 5 MB memory stays fast.
const MAX_DIFF_LINES: usize = 2_000;

pub fn draw(frame: &mut Frame, area: Rect, c: &ConflictDialog, theme: &Theme) {
    let r = centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(5),
    );
    let mut lines = vec![
        Line::styled(
            format!(
                "The memory of {} changed on the server since you started. Nothing was sent.",
                sanitize_single_line(&c.target.user.username)
            ),
            theme.warning,
        ),
        Line::from(vec![
            Span::styled("- server  ", theme.error),
            Span::styled("+ yours", theme.success),
        ]),
    ];
    let body_rows = r.height.saturating_sub(5) as usize;
    lines.extend(
        diff_lines(&c.server, &c.mine, theme)
            .into_iter()
            .skip(c.scroll)
            .take(body_rows),
    );
    let keys = Line::styled(
        "y: send mine over the server's   t: take the server's   e/Esc: back to editing   ↑↓ scroll",
        theme.accent,
    );
    frame.render_widget(Clear, r);
    let block = pane_block(" Conflict ".into(), true, theme).border_style(theme.warning);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.height > 0 {
        let last = Rect::new(inner.x, inner.bottom() - 1, inner.width, 1);
        frame.render_widget(Paragraph::new(keys), last);
    }
}

/// A line diff of the two texts, escaped for display; unchanged lines are kept for context.
pub fn diff_lines(server: &str, mine: &str, theme: &Theme) -> Vec<Line<'static>> {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_lines(server, mine);
    let mut out = Vec::new();
    for change in diff.iter_all_changes() {
        if out.len() == MAX_DIFF_LINES {
            out.push(Line::styled("… (diff cut short)", theme.muted));
            break;
        }
        let (sign, style) = match change.tag() {
            ChangeTag::Delete => ("- ", theme.error),
            ChangeTag::Insert => ("+ ", theme.success),
            ChangeTag::Equal => ("  ", theme.muted),
        };
        let text = change.value().strip_suffix('\n').unwrap_or(change.value());
        out.push(Line::styled(
            format!("{sign}{}", sanitize_single_line(text)),
            style,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_marks_both_sides_and_escapes() {
        let lines = diff_lines("same\nold \u{1b}[31m\n", "same\nnew\n", &Theme::plain());
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["  same", "- old \\x1b[31m", "+ new"]);
    }
}
