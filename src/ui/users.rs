//! The Users pane: the org's users, drawn a screenful at a time however many are loaded.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, Pane};
use crate::text::{sanitize_single_line, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::{pane_block, spinner};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let users = &app.users;
    let focused = app.focus == Pane::Users;
    let mut title = match users.count {
        Some(_) => format!(" {} ", users.count_label()),
        None => " Users … ".into(),
    };
    if !users.search.is_empty() {
        title.push_str(&format!("· “{}” ", sanitize_single_line(&users.search)));
    }
    let block = pane_block(title, focused, theme);
    let inner_width = area.width.saturating_sub(2) as usize;
    let mut height = area.height.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::with_capacity(height);
    if let Some(input) = &users.search_input {
        lines.push(Line::from(vec![
            Span::styled("/", theme.accent),
            Span::raw(sanitize_single_line(input).into_owned()),
            Span::styled("▏", theme.accent),
        ]));
        height = height.saturating_sub(1);
    }
    if users.items.is_empty() {
        let note = if users.loading.is_some() {
            format!("{} loading users…", spinner(app.tick))
        } else if let Some(e) = &users.error {
            e.clone()
        } else if users.org.is_none() {
            "pick an org and press Enter".into()
        } else if !users.search.is_empty() {
            "no users match this search".into()
        } else {
            "this org has no users".into()
        };
        let style = if users.error.is_some() {
            theme.error
        } else {
            theme.muted
        };
        lines.push(Line::styled(note, style));
    } else {
        for (i, u) in users
            .items
            .iter()
            .enumerate()
            .skip(users.list.offset)
            .take(height)
        {
            let name = sanitize_single_line(&u.username);
            let mut text = name.into_owned();
            if let Some(full) = u.name.as_deref().filter(|n| !n.is_empty()) {
                text.push_str("  ");
                text.push_str(&sanitize_single_line(full));
            }
            let text = truncate_with_ellipsis(&text, inner_width).into_owned();
            let line = Line::raw(text);
            lines.push(if i == users.list.selected {
                line.style(theme.selected)
            } else {
                line
            });
        }
        let shown_to = users.list.offset + height;
        if users.loading.is_some() && shown_to >= users.items.len() && lines.len() < height + 1 {
            lines.push(Line::styled(
                format!("{} loading more…", spinner(app.tick)),
                theme.muted,
            ));
        }
    }
    let mut paragraph = Paragraph::new(lines).block(block);
    if users.items.is_empty() {
        // A note, not rows: an error's advice must not be cut at the pane's edge.
        paragraph = paragraph.wrap(ratatui::widgets::Wrap { trim: false });
    }
    frame.render_widget(paragraph, area);
}
