//! The help window: where the key comes from, the log file, every key and command. Its
//! state is the scroll offset, held in `Dialog::Help`.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::text::{display_path, truncate_middle};

use super::super::action::Action;
use super::super::command::COMMANDS;
use super::super::keymap::Keymap;
use super::super::state::App;
use super::step::{KeyCtx, Step};
use super::window::{Theme, centered, pane_block};
use crate::connection::Connection;

/// ↑/↓ scroll; any other key closes.
pub fn on_key(scroll: &mut usize, key: KeyEvent, ctx: &mut KeyCtx) -> Vec<Step> {
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => {
            // Not past the end: the last line stays at the bottom.
            let area = Rect::new(0, 0, ctx.size.0, ctx.size.1);
            *scroll = (*scroll + 1).min(max_scroll(ctx.session, ctx.log_path, ctx.keymap, area));
            Vec::new()
        }
        KeyCode::Up | KeyCode::Char('k') => {
            *scroll = scroll.saturating_sub(1);
            Vec::new()
        }
        _ => vec![Step::Close],
    }
}

/// The help window's lines, also counted so scrolling stops at the end.
pub fn help_lines<'a>(
    session: &Connection,
    log_path: Option<&std::path::Path>,
    keymap: &Keymap,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let log = match log_path {
        Some(p) => display_path(p),
        None => "none".into(),
    };
    let log = truncate_middle(&log, width.saturating_sub(10)).into_owned();
    let mut lines = vec![
        Line::raw(format!("key from: {}", session.key_source)),
        Line::raw(format!("log file: {log}")),
        Line::styled("↑/↓ scroll, any other key closes this window", theme.muted),
        Line::raw(""),
        Line::styled("Keys", theme.accent),
    ];
    for action in Action::ALL {
        let keys = keymap
            .keys_for(action)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mut spans = vec![
            Span::styled(format!("{keys:>16}"), theme.accent),
            Span::raw(format!("  {}", action.describe())),
        ];
        if session.read_only && action.is_write() {
            spans.push(Span::styled("  (read-only)", theme.muted));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Commands (: then Tab completes, ↑/↓ history)",
        theme.accent,
    ));
    for (name, args, what) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!("{:>16}", format!(":{name} {args}")), theme.accent),
            Span::raw(format!("  {what}")),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("In the editor", theme.accent));
    lines.push(Line::raw(
        "          Ctrl-S  save (sends nothing when unchanged)",
    ));
    lines.push(Line::raw(
        "             Esc  leave (asks when there are changes)",
    ));
    lines.push(Line::raw("   Ctrl-Z/Ctrl-R  undo / redo"));
    lines
}

/// Where the help window goes, and how far it can scroll.
pub fn help_area(area: Rect) -> Rect {
    centered(area, 64, area.height.saturating_sub(2).max(3))
}

/// The last scroll offset that still shows a full window of help.
pub fn max_scroll(
    session: &Connection,
    log_path: Option<&std::path::Path>,
    keymap: &Keymap,
    area: Rect,
) -> usize {
    let r = help_area(area);
    let lines = help_lines(
        session,
        log_path,
        keymap,
        r.width.saturating_sub(2) as usize,
        &Theme::plain(),
    )
    .len();
    lines.saturating_sub(r.height.saturating_sub(2) as usize)
}

pub fn draw(frame: &mut Frame, area: Rect, scroll: usize, app: &App, theme: &Theme) {
    let r = help_area(area);
    let lines = help_lines(
        &app.session,
        app.log_path.as_deref(),
        &app.keymap,
        r.width.saturating_sub(2) as usize,
        theme,
    );
    let scroll = scroll.min(max_scroll(
        &app.session,
        app.log_path.as_deref(),
        &app.keymap,
        area,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(u16::MAX as usize) as u16, 0))
            .block(pane_block(" Help ".into(), true, theme)),
        r,
    );
}
