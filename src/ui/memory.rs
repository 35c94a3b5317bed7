//! The Memory pane: entry details and the content, wrapped and escaped, one screenful at a time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use crate::app::{App, Load, Pane, StoreTab};
use crate::text::{display_width, sanitize_single_line, truncate_with_ellipsis};

use super::theme::Theme;
use super::widgets::{human_bytes, pane_block, spinner};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let m = &app.memory;
    let focused = app.focus == Pane::Memory;
    let title = match &m.target {
        Some(t) => {
            // The label gives way first, so the org stays in view.
            let org = sanitize_single_line(&t.org.key);
            let room = (area.width as usize).saturating_sub(16 + display_width(&org));
            let label = sanitize_single_line(&m.user_label);
            format!(
                " Memory · {} · {org} ",
                truncate_with_ellipsis(&label, room.max(1))
            )
        }
        None => " Memory ".into(),
    };
    let block = pane_block(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let note = |text: String, style| Paragraph::new(Line::styled(text, style));
    if m.target.is_none() {
        frame.render_widget(
            note(
                "pick a user and press Enter to read their memory".into(),
                theme.muted,
            ),
            inner,
        );
        return;
    }
    let inner = if app.tab_bar_rows() > 0 {
        super::stores::tab_bar(frame, inner, app, theme)
    } else {
        inner
    };
    if app.stores.tab != StoreTab::Chat {
        super::stores::draw_tab(frame, inner, app, theme);
        return;
    }
    let width = inner.width as usize;
    let entries = match &m.entries {
        Load::Idle | Load::Loading => {
            frame.render_widget(
                note(
                    format!("{} loading memory…", spinner(app.tick)),
                    theme.muted,
                ),
                inner,
            );
            return;
        }
        Load::Failed(e) => {
            frame.render_widget(
                Paragraph::new(e.clone())
                    .style(theme.error)
                    .wrap(ratatui::widgets::Wrap { trim: false }),
                inner,
            );
            return;
        }
        Load::Ready(entries) => entries,
    };
    let mut head: Vec<Line> = Vec::new();
    let enabled = match &m.enabled {
        Load::Ready(true) => Span::styled("memory on", theme.success),
        Load::Ready(false) => Span::styled("memory off", theme.warning),
        Load::Failed(_) => Span::styled("on/off unknown", theme.muted),
        _ => Span::styled(format!("{} on/off", spinner(app.tick)), theme.muted),
    };
    let mut status = vec![enabled];
    if let Some(task) = app.pending_task() {
        status.push(Span::raw("  "));
        status.push(Span::styled(
            format!(
                "{} update pending ({})",
                spinner(app.tick),
                task.state
                    .as_ref()
                    .map(|s| s.raw.as_str())
                    .unwrap_or("queued")
            ),
            theme.warning,
        ));
    }
    if entries.is_empty() {
        head.push(Line::from(status));
        head.push(Line::styled(
            "no memory yet: press n to create it",
            theme.muted,
        ));
        frame.render_widget(Paragraph::new(head), inner);
        return;
    }
    let list_rows = m.list_rows(inner.height as usize);
    let offset = m.list_offset(list_rows);
    for (i, e) in entries.iter().enumerate().skip(offset).take(list_rows) {
        let selected = i == m.selected;
        let row = entry_row(e, selected, width);
        head.push(Line::styled(
            row,
            if selected {
                theme.selected
            } else {
                theme.accent
            },
        ));
    }
    let mut position = Vec::new();
    let n = entries.len();
    // "1 of 1+": the published read shows one entry however many there are.
    let more = if m.complete { "" } else { "+" };
    if n > 1 || !m.complete {
        position.push(Span::styled(
            format!("entry {} of {n}{more}", m.selected + 1),
            theme.accent,
        ));
    }
    if !position.is_empty() {
        let mut spans = Vec::new();
        for (k, span) in position.into_iter().enumerate() {
            if k > 0 {
                spans.push(Span::styled(" · ", theme.muted));
            }
            spans.push(span);
        }
        spans.push(Span::raw("  "));
        spans.extend(status);
        status = spans;
    }
    head.push(Line::from(status));
    let head_height = (head.len() as u16).min(inner.height);
    let [head_area, text_area] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(head_height),
        ratatui::layout::Constraint::Min(0),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(head), head_area);
    let Some(view) = &m.view else {
        return;
    };
    let rows_width = text_area.width.max(1);
    let height = text_area.height as usize;
    let rows = view.visual_rows(rows_width, m.scroll, height);
    frame.render_widget(Paragraph::new(rows), text_area);
    let total = view.total_rows(rows_width);
    if total > height && text_area.width > 1 {
        let mut state = ScrollbarState::new(total.saturating_sub(height)).position(m.scroll);
        // On the right border, so it covers no column of the text.
        let bar = Rect {
            width: text_area.width + 1,
            ..text_area
        };
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight).style(theme.muted),
            bar,
            &mut state,
        );
    }
}

/// One line of the entry list: id, session, size and the start of the text, escaped.
fn entry_row(e: &crate::api::MemoryEntry, selected: bool, width: usize) -> String {
    let session = e
        .session_id
        .as_deref()
        .map(|s| truncate_with_ellipsis(s, 9).into_owned())
        .unwrap_or_else(|| "-".into());
    // Only the start of the text is looked at, so a 5 MB entry costs what a short one does.
    let text = e.text();
    let head = match text.char_indices().nth(width.max(1) * 2) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let first_line = head.split('\n').next().unwrap_or("");
    let row = format!(
        "{} #{} · {} · {} · {}",
        if selected { "▸" } else { " " },
        e.id,
        sanitize_single_line(&session),
        human_bytes(text.len()),
        sanitize_single_line(first_line)
    );
    truncate_with_ellipsis(&row, width).into_owned()
}
