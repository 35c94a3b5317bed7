//! The Tasks pane: every queued update of this run (and those an earlier run left open)
//! and where it stands.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::TaskPhase;
use crate::app::{App, Pane};
use crate::text::{sanitize_single_line, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::{human_age, pane_block, spinner};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Pane::Tasks;
    let open = app.tasks.items.iter().filter(|t| t.is_open()).count();
    let block = pane_block(format!(" Tasks ({open} open) "), focused, theme);
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = if app.tasks.items.is_empty() {
        vec![Line::styled("no queued updates in this run", theme.muted)]
    } else {
        app.tasks
            .items
            .iter()
            .enumerate()
            .skip(app.tasks.list.offset)
            .take(height)
            .map(|(i, t)| {
                let (word, style) = if t.gave_up {
                    ("state unknown (gave up)".to_owned(), theme.warning)
                } else if let Some(why) = &t.unknown_reason {
                    (format!("state unknown: {why}"), theme.warning)
                } else {
                    let raw = t.state.as_ref().map(|s| s.raw.as_str()).unwrap_or("sent");
                    let style = match t.phase() {
                        TaskPhase::Done => theme.success,
                        TaskPhase::Failed => theme.error,
                        TaskPhase::Unknown => theme.warning,
                        _ => theme.muted,
                    };
                    let spin = if t.is_open() {
                        format!("{} ", spinner(app.tick))
                    } else {
                        String::new()
                    };
                    (format!("{spin}{} ({raw})", t.phase().label()), style)
                };
                // Last, so a narrow pane cuts it before the state.
                let earlier = if t.earlier_run { " · earlier run" } else { "" };
                let who = format!(
                    "{}@{} {} {} ",
                    sanitize_single_line(&t.target.user.username),
                    sanitize_single_line(&t.target.org.key),
                    t.kind,
                    t.age(app.clock)
                        .map_or_else(|| "age ?".to_owned(), human_age),
                );
                let text = truncate_with_ellipsis(
                    &format!("{who}{}{earlier}", sanitize_single_line(&word)),
                    width,
                )
                .into_owned();
                let split = who.len().min(text.len());
                let (a, b) = text.split_at(if text.is_char_boundary(split) {
                    split
                } else {
                    0
                });
                let line = Line::from(vec![
                    Span::raw(a.to_owned()),
                    Span::styled(b.to_owned(), style),
                ]);
                if focused && i == app.tasks.list.selected {
                    line.style(theme.selected)
                } else {
                    line
                }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
