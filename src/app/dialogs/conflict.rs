//! The conflict dialog: the server's memory changed while it was being edited. It shows
//! both versions as a diff and sends nothing until the operator chooses.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use similar::{ChangeTag, TextDiff};

use crate::text::{TextView, sanitize_single_line};

use super::super::editor::EditKind;
use super::super::event::{Effect, Target};
use super::super::state::Level;
use super::step::{KeyCtx, Step};
use super::window::{Theme, centered, pane_block};

/// Diff lines above this many are summarised, so a conflict on a 5 MB memory stays fast.
const MAX_DIFF_LINES: usize = 2_000;

/// The server's memory changed while it was being edited: both versions, nothing sent.
#[derive(Debug, Clone)]
pub struct ConflictDialog {
    pub target: Target,
    pub mine: String,
    pub server: String,
    pub session_id: Option<String>,
    /// The edit was a create, and meanwhile the user got memory.
    pub creating: bool,
    /// The entry being saved, when the edit is of one entry.
    pub entry: Option<i64>,
    pub scroll: usize,
}

impl ConflictDialog {
    /// y sends mine over the version shown, t takes the server's, e/Esc go back to editing.
    pub fn on_key(&mut self, key: KeyEvent, ctx: &mut KeyCtx) -> Vec<Step> {
        match key.code {
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Char('y') => {
                // Send mine, but only over the version just shown.
                let c = self.clone();
                if let Some(ed) = ctx.editor.as_deref_mut().filter(|ed| ed.target == c.target) {
                    ed.saving = true;
                    ed.original = c.server.clone();
                    if c.creating {
                        ed.kind = EditKind::Replace {
                            session_id: c.session_id.clone(),
                            entry: c.entry,
                        };
                    }
                }
                return vec![
                    Step::Close,
                    Step::status(Level::Info, "saving over the server's version…"),
                    Step::Run(Effect::Replace {
                        target: c.target,
                        text: c.mine,
                        session_id: c.session_id,
                        base: c.server,
                        entry: c.entry,
                    }),
                ];
            }
            KeyCode::Char('t') => {
                return vec![
                    Step::Close,
                    Step::CloseEditor,
                    Step::status(
                        Level::Info,
                        "kept the server's version; your text stays in a draft until you discard it",
                    ),
                    Step::RefreshMemory(self.target.clone()),
                ];
            }
            KeyCode::Esc | KeyCode::Char('e') => {
                if let Some(ed) = ctx
                    .editor
                    .as_deref_mut()
                    .filter(|ed| ed.target == self.target)
                {
                    // The operator has now seen the server's text; the next save checks
                    // against it.
                    ed.original = self.server.clone();
                    if self.creating {
                        ed.kind = EditKind::Replace {
                            session_id: self.session_id.clone(),
                            entry: self.entry,
                        };
                    }
                }
                return vec![Step::Close];
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let r = centered(
            area,
            area.width.saturating_sub(4).max(20),
            area.height.saturating_sub(2).max(5),
        );
        frame.render_widget(Clear, r);
        let block = pane_block(" Conflict ".into(), true, theme).border_style(theme.warning);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        let width = inner.width.max(1);
        // Both the explanation and the keys wrap between words: at 40 columns neither is cut.
        let head = TextView::new(&format!(
            "The memory of {} changed on the server since you started. Nothing was sent.",
            sanitize_single_line(&self.target.user.username)
        ));
        let keys = TextView::new(
            "y: send mine over the server's · t: take the server's · e/Esc: back to editing · ↑↓ scroll",
        );
        let key_rows = keys.total_rows(width).min(inner.height as usize);
        let head_rows = head
            .total_rows(width)
            .min((inner.height as usize).saturating_sub(key_rows));
        let mut lines: Vec<Line> = head
            .visual_rows(width, 0, head_rows)
            .into_iter()
            .map(|l| l.style(theme.warning))
            .collect();
        lines.push(Line::from(vec![
            Span::styled("- server  ", theme.error),
            Span::styled("+ yours", theme.success),
        ]));
        let body_rows = (inner.height as usize).saturating_sub(key_rows + lines.len());
        lines.extend(
            diff_lines(
                &self.server,
                &self.mine,
                theme,
                width,
                self.scroll + body_rows,
            )
            .into_iter()
            .skip(self.scroll)
            .take(body_rows),
        );
        frame.render_widget(Paragraph::new(lines), inner);
        let key_rows16 = key_rows as u16;
        if inner.height >= key_rows16 && key_rows > 0 {
            let last = Rect::new(
                inner.x,
                inner.bottom() - key_rows16,
                inner.width,
                key_rows16,
            );
            let key_lines: Vec<Line> = keys
                .visual_rows(width, 0, key_rows)
                .into_iter()
                .map(|l| l.style(theme.accent))
                .collect();
            frame.render_widget(Paragraph::new(key_lines), last);
        }
    }
}

/// A line diff of the two texts, escaped for display and wrapped between words to
/// `width` cells, at most `limit` rows (what a frame shows, so a 5 MB line costs no more
/// rows than fit). Every row of a changed line carries its sign, so a wrapped deletion
/// never reads as unchanged text; unchanged lines are kept for context.
pub fn diff_lines(
    server: &str,
    mine: &str,
    theme: &Theme,
    width: u16,
    limit: usize,
) -> Vec<Line<'static>> {
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_lines(server, mine);
    let room = width.saturating_sub(2).max(1);
    let mut out = Vec::new();
    for (n, change) in diff.iter_all_changes().enumerate() {
        if out.len() >= limit {
            break;
        }
        if n == MAX_DIFF_LINES {
            out.push(Line::styled("… (diff cut short)", theme.muted));
            break;
        }
        let (sign, style) = match change.tag() {
            ChangeTag::Delete => ("- ", theme.error),
            ChangeTag::Insert => ("+ ", theme.success),
            ChangeTag::Equal => ("  ", theme.muted),
        };
        let text = change.value().strip_suffix('\n').unwrap_or(change.value());
        let view = TextView::new(&sanitize_single_line(text));
        let rows = view.total_rows(room).max(1);
        let wanted = rows.min(limit - out.len());
        let pieces = view.visual_row_strs(room, 0, wanted);
        if pieces.is_empty() {
            out.push(Line::styled(sign.to_owned(), style));
        }
        for piece in pieces {
            out.push(Line::styled(format!("{sign}{}", piece.trim_end()), style));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(server: &str, mine: &str, width: u16, limit: usize) -> Vec<String> {
        diff_lines(server, mine, &Theme::plain(), width, limit)
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn the_diff_marks_both_sides_and_escapes() {
        let text = rows("same\nold \u{1b}[31m\n", "same\nnew\n", 80, 100);
        assert_eq!(text, ["  same", "- old \\x1b[31m", "+ new"]);
    }

    #[test]
    fn long_diff_lines_wrap_between_words_each_row_signed() {
        let server = "likes chess and plays every Tuesday evening at the club \u{202e}rlo\n";
        let mine = "likes chess and plays every Thursday evening at the club\n";
        let text = rows(server, mine, 24, 100);
        assert_eq!(
            text,
            [
                "- likes chess and plays",
                "- every Tuesday evening",
                "- at the club",
                "- \\u{202e}rlo",
                "+ likes chess and plays",
                "+ every Thursday evening",
                "+ at the club",
            ]
        );
        // Only the rows a frame shows are built.
        assert_eq!(rows(&server.repeat(500), mine, 24, 5).len(), 5);
    }
}
