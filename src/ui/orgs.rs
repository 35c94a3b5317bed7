//! The Orgs pane: the profile's orgs, with names from the server when it has them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, Load, Pane};
use crate::text::{display_width, sanitize_single_line, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::{pane_block, spinner};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Pane::Orgs;
    let block = pane_block(format!(" Orgs ({}) ", app.orgs.len()), focused, theme);
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = if app.orgs.is_empty() {
        vec![Line::styled("no orgs in this profile", theme.muted)]
    } else {
        app.orgs
            .iter()
            .enumerate()
            .skip(app.orgs_list.offset)
            .take(height)
            .map(|(i, org)| {
                let open = app.users.org == Some(i);
                let marker = if open { "▸ " } else { "  " };
                let name = sanitize_single_line(org.display_name());
                let key = sanitize_single_line(&org.choice.scope.key);
                let room = width.saturating_sub(2 + 2);
                // The key gives way first, then the name is cut with an ellipsis.
                let show_key = org.display_name() != org.choice.scope.key
                    && display_width(&name) + 1 + display_width(&key) <= room;
                let mut spans = vec![
                    Span::raw(marker),
                    Span::raw(truncate_with_ellipsis(&name, room).into_owned()),
                ];
                if show_key {
                    spans.push(Span::styled(format!(" {key}"), theme.muted));
                }
                if matches!(org.info, Load::Loading) {
                    spans.push(Span::styled(format!(" {}", spinner(app.tick)), theme.muted));
                }
                let line = Line::from(spans);
                if i == app.orgs_list.selected {
                    line.style(theme.selected)
                } else {
                    line
                }
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
