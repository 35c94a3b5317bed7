//! Who the open user is: name, email, id, active, admin, joined. Two "John Smith"s differ
//! here. A box beside the memory when the terminal is wide, a line above it when not.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::UserSummary;
use crate::app::App;
use crate::text::{sanitize_single_line, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::pane_block;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let block = pane_block(" User ".into(), false, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let Some(u) = &app.memory.user else {
        let name = app
            .memory
            .target
            .as_ref()
            .map(|t| sanitize_single_line(&t.user.username).into_owned())
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate_with_ellipsis(&format!("{name} (no details: opened by name)"), width)
                    .into_owned(),
                theme.muted,
            )),
            inner,
        );
        return;
    };
    let fields = fields(u);
    let lines: Vec<Line> = if inner.height as usize >= fields.len() {
        // One field a row, label dimmed.
        fields
            .iter()
            .map(|(label, value)| {
                let room = width.saturating_sub(label.len() + 1);
                Line::from(vec![
                    Span::styled(format!("{label:<7} "), theme.muted),
                    Span::raw(truncate_with_ellipsis(value, room).into_owned()),
                ])
            })
            .collect()
    } else {
        // One row: a short name, then what tells users apart (email, id), then the rest.
        let joined = fields
            .iter()
            .filter(|(label, _)| *label != "user")
            .map(|(label, v)| match *label {
                "name" => truncate_with_ellipsis(v, 20).into_owned(),
                "id" | "active" | "admin" | "joined" => format!("{label} {v}"),
                _ => v.clone(),
            })
            .collect::<Vec<_>>()
            .join(" · ");
        vec![Line::raw(
            truncate_with_ellipsis(&joined, width).into_owned(),
        )]
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The user's fields, most telling first, sanitized.
pub fn fields(u: &UserSummary) -> Vec<(&'static str, String)> {
    let yes_no = |b: Option<bool>| match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    };
    let text = |s: Option<&str>| {
        s.filter(|s| !s.is_empty())
            .map(|s| sanitize_single_line(s).into_owned())
            .unwrap_or_else(|| "-".into())
    };
    vec![
        ("name", text(u.name.as_deref())),
        ("email", text(u.email.as_deref())),
        ("user", sanitize_single_line(&u.username).into_owned()),
        (
            "id",
            u.user_id.map_or_else(|| "-".into(), |id| id.to_string()),
        ),
        ("active", yes_no(u.active).into()),
        ("admin", yes_no(u.is_admin).into()),
        ("joined", joined(u.added_on.as_deref())),
    ]
}

/// The join date as a day ("2024-03-01"), whatever precision the server sends.
fn joined(added_on: Option<&str>) -> String {
    match added_on.filter(|s| !s.is_empty()) {
        Some(s) => {
            let clean = sanitize_single_line(s);
            let day = clean.split(['T', ' ']).next().unwrap_or(&clean);
            day.to_owned()
        }
        None => "-".into(),
    }
}
