//! The windows over the panes: help, the erase confirmation, and the quit/discard questions.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::{Action, App, COMMANDS, Dialog, EraseDialog, EraseScope};
use crate::text::{count_noun, display_path, sanitize_single_line, truncate_middle};

use super::theme::Theme;
use super::widgets::{centered, human_bytes, human_time, pane_block};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match &app.dialog {
        Some(Dialog::Help { scroll }) => help(frame, area, app, *scroll, theme),
        Some(Dialog::Erase(d)) => erase(frame, area, d, theme),
        Some(Dialog::ConfirmToggle { target, enable }) => question(
            frame,
            area,
            " Memory on/off ",
            format!(
                "Switch memory {} for {} ({})? y/n",
                if *enable { "ON" } else { "OFF" },
                sanitize_single_line(&target.user.username),
                sanitize_single_line(&target.org.key)
            ),
            theme,
        ),
        Some(Dialog::ConfirmQuit) => question(
            frame,
            area,
            " Unsaved changes ",
            "Quit with an unsaved edit? It is kept as a draft and offered when you open this \
             user again. y: quit, any other key: stay"
                .into(),
            theme,
        ),
        Some(Dialog::ConfirmDiscard) => question(
            frame,
            area,
            " Unsaved changes ",
            "Drop the changes in the editor? y: drop them, any other key: keep editing".into(),
            theme,
        ),
        Some(Dialog::Conflict(c)) => super::conflict::draw(frame, area, c, theme),
        Some(Dialog::Audit { records, scroll }) => {
            super::audit::draw(frame, area, records, *scroll, theme)
        }
        Some(Dialog::RestoreDraft { draft, .. }) => question(
            frame,
            area,
            " Unsaved draft ",
            format!(
                "You have an unsaved edit of {}'s memory from {} ({} bytes). \
                 r: restore it into the editor   d: discard it   Esc: decide later",
                sanitize_single_line(&draft.username),
                human_time(draft.saved_at),
                draft.text.len()
            ),
            theme,
        ),
        Some(Dialog::ConfirmRestore { target, backup }) => question(
            frame,
            area,
            " Undo erase ",
            format!(
                "Restore the memory of {} from {}? y: restore, any other key: cancel",
                sanitize_single_line(&target.user.username),
                display_path(backup)
            ),
            theme,
        ),
        None => {}
    }
}

fn question(frame: &mut Frame, area: Rect, title: &str, text: String, theme: &Theme) {
    let width = 60.min(area.width);
    let inner = width.saturating_sub(2).max(1);
    // Word-wrapped like memory text, and as tall as that needs, so a narrow terminal still
    // shows the keys (the text was sanitized already; sanitizing again changes nothing).
    let view = crate::text::TextView::new(&text);
    let rows = view.total_rows(inner);
    let r = centered(
        area,
        width,
        u16::try_from(rows)
            .unwrap_or(u16::MAX)
            .saturating_add(2)
            .max(3),
    );
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(view.visual_rows(inner, 0, rows)).block(pane_block(
            title.to_owned(),
            true,
            theme,
        )),
        r,
    );
}

/// The help window's lines, also counted so scrolling stops at the end.
pub fn help_lines<'a>(app: &App, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let log = match &app.log_path {
        Some(p) => display_path(p),
        None => "none".into(),
    };
    let log = truncate_middle(&log, width.saturating_sub(10)).into_owned();
    let mut lines = vec![
        Line::raw(format!("key from: {}", app.session.key_source)),
        Line::raw(format!("log file: {log}")),
        Line::styled("↑/↓ scroll, any other key closes this window", theme.muted),
        Line::raw(""),
        Line::styled("Keys", theme.accent),
    ];
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
pub fn help_max_scroll(app: &App, area: Rect) -> usize {
    let r = help_area(area);
    let lines = help_lines(app, r.width.saturating_sub(2) as usize, &Theme::plain()).len();
    lines.saturating_sub(r.height.saturating_sub(2) as usize)
}

fn help(frame: &mut Frame, area: Rect, app: &App, scroll: usize, theme: &Theme) {
    let r = help_area(area);
    let lines = help_lines(app, r.width.saturating_sub(2) as usize, theme);
    let scroll = scroll.min(help_max_scroll(app, area));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(u16::MAX as usize) as u16, 0))
            .block(pane_block(" Help ".into(), true, theme)),
        r,
    );
}

fn erase(frame: &mut Frame, area: Rect, d: &EraseDialog, theme: &Theme) {
    let r = centered(area, 64, 12);
    let user = sanitize_single_line(&d.target.user.username).into_owned();
    let what = match d.scope {
        EraseScope::Entry(id) => format!("Erase entry {id} of the chat memory of "),
        EraseScope::All => "Erase ALL chat memory of ".to_owned(),
    };
    let size = format!(
        "{}, {} shown",
        count_noun(d.entries.len(), "entry", "entries"),
        human_bytes(d.bytes())
    );
    let plan = match (d.scope, d.complete) {
        (EraseScope::Entry(_), _) => format!("{size}. It is backed up before it is deleted."),
        (EraseScope::All, true) => {
            format!("{size}. Each entry is backed up before it is deleted.")
        }
        (EraseScope::All, false) => format!(
            "{size}; the server shows one at a time, so more may be found. Each entry is backed up before it is deleted."
        ),
    };
    let lines = vec![
        Line::from(vec![
            Span::raw(what),
            Span::styled(user.clone(), theme.accent),
            Span::raw(" in "),
            Span::styled(sanitize_single_line(&d.org_name).into_owned(), theme.accent),
            Span::raw("?"),
        ]),
        Line::raw(plan),
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
