//! The windows over the panes: help, the erase confirmation, and the quit/discard questions.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::{Action, App, Dialog, EraseDialog};
use crate::text::sanitize_single_line;

use super::theme::Theme;
use super::widgets::{centered, human_bytes, pane_block};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match &app.dialog {
        Some(Dialog::Help { scroll }) => help(frame, area, app, *scroll, theme),
        Some(Dialog::Erase(d)) => erase(frame, area, d, theme),
        Some(Dialog::ConfirmQuit) => question(
            frame,
            area,
            "Quit and lose the unsaved edit? y: quit, any other key: stay",
            theme,
        ),
        Some(Dialog::ConfirmDiscard) => question(
            frame,
            area,
            "Drop the changes in the editor? y: drop them, any other key: keep editing",
            theme,
        ),
        None => {}
    }
}

fn question(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let r = centered(area, 50, 5);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(text.to_owned())
            .wrap(Wrap { trim: true })
            .block(pane_block(" Unsaved changes ".into(), true, theme)),
        r,
    );
}

fn help(frame: &mut Frame, area: Rect, app: &App, scroll: usize, theme: &Theme) {
    let r = centered(area, 60, area.height.saturating_sub(2).max(3));
    let mut lines = vec![Line::styled("Keys", theme.accent)];
    for action in Action::ALL {
        let keys = app
            .keymap
            .keys_for(action)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let mut spans = vec![
            Span::styled(format!("{keys:>16}"), theme.accent),
            Span::raw(format!("  {}", action.describe())),
        ];
        if app.session.read_only && action.is_write() {
            spans.push(Span::styled("  (read-only)", theme.muted));
        }
        lines.push(Line::from(spans));
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
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!("key from: {}", app.session.key_source)));
    match &app.session.log_path {
        Some(p) => lines.push(Line::raw(format!("log file: {}", p.display()))),
        None => lines.push(Line::raw("log file: none")),
    }
    lines.push(Line::styled("any key closes this window", theme.muted));
    let title = if lines.len() > r.height.saturating_sub(2) as usize {
        " Help · j/k scroll "
    } else {
        " Help "
    };
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(u16::MAX as usize) as u16, 0))
            .block(pane_block(title.into(), true, theme)),
        r,
    );
}

fn erase(frame: &mut Frame, area: Rect, d: &EraseDialog, theme: &Theme) {
    let r = centered(area, 64, 11);
    let user = sanitize_single_line(&d.target.user.username).into_owned();
    let lines = vec![
        Line::from(vec![
            Span::raw("Erase the chat memory of "),
            Span::styled(user.clone(), theme.accent),
            Span::raw(" in "),
            Span::styled(sanitize_single_line(&d.org_name).into_owned(), theme.accent),
            Span::raw("?"),
        ]),
        Line::raw(format!(
            "{} entr{}, {} will be deleted. A backup is written first.",
            d.entries.len(),
            if d.entries.len() == 1 { "y" } else { "ies" },
            human_bytes(d.bytes())
        )),
        Line::raw(""),
        Line::raw("Type the username to confirm:"),
        Line::from(vec![
            Span::styled(
                format!("> {}", sanitize_single_line(&d.typed)),
                theme.accent,
            ),
            Span::styled("▏", theme.accent),
        ]),
        if d.mismatch {
            Line::styled(
                format!("that is not {user}; nothing was erased"),
                theme.error,
            )
        } else {
            Line::raw("")
        },
    ];
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            pane_block(" Erase memory ".into(), true, theme)
                .border_style(theme.error)
                // On the border, so a short terminal still shows what the keys do.
                .title_bottom(Line::styled(
                    " Enter: erase · Esc: cancel (default) ",
                    theme.muted,
                )),
        ),
        r,
    );
}
