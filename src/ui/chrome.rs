//! The header (where the console is connected, badges), the key hints and the status line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{Action, App, Level, Pane};
use crate::text::{display_width, sanitize_single_line};

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
        format!("{} · {}", app.session.profile, app.session.base_url()),
        theme.muted,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The actions worth hinting in each pane, in order; help and quit come last but are never
/// dropped.
fn hints(app: &App) -> Vec<Action> {
    match app.focus {
        Pane::Orgs => vec![Action::Open, Action::Command, Action::NextPane],
        Pane::Users => vec![
            Action::Open,
            Action::Search,
            Action::Command,
            Action::Refresh,
        ],
        Pane::Memory if app.stores.tab != crate::app::StoreTab::Chat => app.tab_hints(),
        Pane::Memory => {
            // Only what applies to this user: no edit or erase without memory, no create
            // with it; entry keys only when there is more than one to choose from.
            let entries = app.memory.entries.ready();
            let has_memory = entries.is_some_and(|e| !e.is_empty());
            let no_memory = entries.is_some_and(Vec::is_empty);
            let several = entries.is_some_and(|e| e.len() > 1);
            let mut v = Vec::new();
            if app.undo_is_for_open_user() {
                v.push(Action::UndoErase);
            }
            if has_memory {
                v.push(Action::Edit);
            }
            if several {
                v.push(Action::NextEntry);
                v.push(Action::PrevEntry);
            }
            if no_memory {
                v.push(Action::Create);
            }
            if has_memory {
                v.push(Action::Erase);
                v.push(Action::EraseAll);
            }
            if app.memory.target.is_some() {
                v.push(Action::ToggleMemory);
            }
            v.push(Action::Refresh);
            v
        }
        Pane::Tasks => vec![Action::Open],
    }
}

/// Key hints that fit in `width` cells: the must-haves always, then the others in order as
/// long as they fit.
pub fn fit_hints(pairs: &[(String, String)], must: usize, width: usize) -> Vec<usize> {
    let cost = |i: usize| display_width(&pairs[i].0) + 1 + display_width(&pairs[i].1) + 2;
    let split = pairs.len().saturating_sub(must);
    let mut used: usize = (split..pairs.len()).map(cost).sum();
    let mut keep = Vec::new();
    for i in 0..split {
        if used + cost(i) <= width {
            used += cost(i);
            keep.push(i);
        }
    }
    keep.extend(split..pairs.len());
    keep
}

pub fn footer(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (pairs, must): (Vec<(String, String)>, usize) = if app.editor.is_some() {
        (
            vec![
                ("Ctrl-Z/Ctrl-R".into(), "undo/redo".into()),
                ("Ctrl-S".into(), "save".into()),
                ("Esc".into(), "leave".into()),
            ],
            2,
        )
    } else if app.command.input.is_some() {
        (
            vec![
                ("↑↓".into(), "history".into()),
                ("Ctrl-U".into(), "clear".into()),
                ("Tab".into(), "complete".into()),
                ("Enter".into(), "run".into()),
                ("Esc".into(), "close".into()),
            ],
            2,
        )
    } else if app.users.search_input.is_some() {
        let esc = if app.users.search.is_empty() {
            "close"
        } else {
            "clear search"
        };
        (
            vec![
                ("Ctrl-U".into(), "clear".into()),
                ("Enter".into(), "search now".into()),
                ("Esc".into(), esc.into()),
            ],
            2,
        )
    } else {
        let mut v: Vec<(String, String)> = hints(app)
            .into_iter()
            .filter(|a| !(app.session.read_only && a.is_write()))
            .map(|a| (app.keymap.label(a), app.hint_words(a).to_owned()))
            .collect();
        if app.users.load_to_end || !app.users.search.is_empty() {
            let what = if app.users.load_to_end {
                "stop loading"
            } else {
                "clear search"
            };
            v.insert(0, ("Esc".into(), what.into()));
        }
        v.push((app.keymap.label(Action::Help), "help".into()));
        v.push((app.keymap.label(Action::Quit), "quit".into()));
        (v, 2)
    };
    let keep = fit_hints(&pairs, must, area.width as usize);
    let mut spans = Vec::new();
    for i in keep {
        let (key, what) = &pairs[i];
        spans.push(Span::styled(key.clone(), theme.accent));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(input) = &app.command.input {
        let shown = sanitize_single_line(input);
        // The end of a long line is where the typing is.
        let room = (area.width as usize).saturating_sub(2);
        let w = display_width(&shown);
        let tail = if w > room {
            let mut cut = shown.as_ref();
            while display_width(cut) > room {
                let mut chars = cut.chars();
                chars.next();
                cut = chars.as_str();
            }
            cut.to_owned()
        } else {
            shown.into_owned()
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(":", theme.accent),
                Span::raw(tail),
                Span::styled("▏", theme.accent),
            ])),
            area,
        );
        return;
    }
    let Some((text, level)) = shown_status(app) else {
        return;
    };
    let style = match level {
        Level::Info => theme.muted,
        Level::Success => theme.success,
        Level::Warning => theme.warning,
        Level::Error => theme.error,
    };
    // Wrapped onto the rows the layout gave; paths shortened in the middle first, then the
    // middle of the message, so the start says what happened and the end what to do.
    let lines: Vec<Line> =
        super::status_line::fit(&text, area.width as usize, area.height as usize)
            .into_iter()
            .map(|l| Line::styled(l, style))
            .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line's message and level, sanitized: why the console waits beats an
/// informational line (a spinner alone says nothing).
pub fn shown_status(app: &App) -> Option<(String, Level)> {
    if app.status.as_ref().is_none_or(|s| s.level == Level::Info)
        && let Some(note) = app.waiting_note()
    {
        return Some((note, Level::Warning));
    }
    let status = app.status.as_ref()?;
    Some((
        sanitize_single_line(&status.text).into_owned(),
        status.level,
    ))
}
