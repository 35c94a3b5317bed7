//! The header (where the console is connected, badges), the key hints and the status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{Action, App, Level, Pane};
use crate::text::truncate_with_ellipsis;

use super::theme::Theme;

pub fn header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::styled("memory-console ", theme.accent)];
    if app.session.demo {
        spans.push(Span::styled(" DEMO ", theme.badge));
        spans.push(Span::raw(" "));
    }
    if app.session.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.badge));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(
        format!("{} · {}", app.session.profile, app.session.base_url),
        theme.muted,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The actions worth hinting in each pane, in order.
fn hints(pane: Pane) -> &'static [Action] {
    match pane {
        Pane::Orgs => &[Action::Open, Action::NextPane, Action::Help, Action::Quit],
        Pane::Users => &[
            Action::Open,
            Action::Search,
            Action::Refresh,
            Action::Help,
            Action::Quit,
        ],
        // The rest (n, t, E, r, [) are in help: at 80 columns these must leave room for
        // help and quit.
        Pane::Memory => &[
            Action::Edit,
            Action::NextEntry,
            Action::Erase,
            Action::EraseAll,
            Action::Help,
            Action::Quit,
        ],
        Pane::Tasks => &[Action::Open, Action::Help, Action::Quit],
    }
}

pub fn footer(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let pairs: Vec<(String, &str)> = if app.editor.is_some() {
        vec![
            ("Ctrl-S".into(), "save"),
            ("Esc".into(), "leave"),
            ("Ctrl-Z/Ctrl-R".into(), "undo/redo"),
        ]
    } else if app.users.search_input.is_some() {
        vec![("Enter".into(), "search now"), ("Esc".into(), "close")]
    } else {
        hints(app.focus)
            .iter()
            .filter(|a| !(app.session.read_only && a.is_write()))
            .map(|a| (app.keymap.label(*a), a.describe()))
            .collect()
    };
    let mut spans = Vec::new();
    for (key, what) in pairs {
        spans.push(Span::styled(key, theme.accent));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(status) = &app.status else {
        return;
    };
    let style = match status.level {
        Level::Info => theme.muted,
        Level::Success => theme.success,
        Level::Warning => theme.warning,
        Level::Error => theme.error,
    };
    let text = truncate_with_ellipsis(&status.text, area.width as usize).into_owned();
    frame.render_widget(Paragraph::new(Line::styled(text, style)), area);
}
