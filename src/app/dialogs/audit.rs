//! The audit window: the most recent recorded changes, newest first. Its state (the
//! records as they load, the scroll offset) is held in `Dialog::Audit`.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::store::{AuditRecord, AuditResult, Phase};
use crate::text::{
    display_path, display_width, sanitize_single_line, truncate_middle, truncate_with_ellipsis,
};

use super::super::state::Load;
use super::step::{KeyCtx, Step};
use super::window::{Theme, centered, human_time, pane_block};

/// ↑/↓ and PgUp/PgDn scroll; any other key closes.
pub fn on_key(scroll: &mut usize, key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::PageDown => *scroll += 10,
        KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
        _ => return vec![Step::Close],
    }
    Vec::new()
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    records: &Load<Vec<AuditRecord>>,
    scroll: usize,
    theme: &Theme,
) {
    let r = centered(
        area,
        area.width.saturating_sub(4).max(20),
        area.height.saturating_sub(2).max(5),
    );
    let rows = r.height.saturating_sub(2) as usize;
    let width = r.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = match records {
        Load::Idle | Load::Loading => vec![Line::styled("reading the audit log…", theme.muted)],
        Load::Failed(e) => vec![Line::styled(e.clone(), theme.error)],
        Load::Ready(list) if list.is_empty() => {
            vec![Line::styled("no changes recorded yet", theme.muted)]
        }
        Load::Ready(list) => list
            .iter()
            .rev()
            .skip(scroll)
            .take(rows)
            .map(|rec| record_line(rec, width, theme))
            .collect(),
    };
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(pane_block(
            " Audit log (newest first; any key closes) ".into(),
            true,
            theme,
        )),
        r,
    );
}

/// One record as columns, most useful first kept: when the window is narrow, the key
/// fingerprint, OS user, backup path, task and phase go before the result and HTTP status.
fn record_line(rec: &AuditRecord, width: usize, theme: &Theme) -> Line<'static> {
    // (priority: lower is dropped first, text)
    // A narrow window keeps the month, day and time (UTC): the full stamp would leave no
    // room for the action and the user.
    let time = if width < 60 {
        human_time(rec.time)
            .get(5..16)
            .map_or_else(|| human_time(rec.time), str::to_owned)
    } else {
        human_time(rec.time)
    };
    let mut cols: Vec<(u8, String)> = vec![
        (9, time),
        (
            3,
            match rec.phase {
                Phase::Intent => "intent ".into(),
                Phase::Outcome => "outcome".into(),
            },
        ),
        (8, format!("{:<7}", rec.action.as_str())),
        (
            9,
            // Cut in the middle rather than dropped: who is the point of the row.
            truncate_middle(
                &format!(
                    "{}@{}",
                    sanitize_single_line(rec.user.as_deref().unwrap_or("-")),
                    sanitize_single_line(rec.org.as_deref().unwrap_or("-")),
                ),
                (width / 3).max(12),
            )
            .into_owned(),
        ),
    ];
    let result = match rec.result {
        Some(AuditResult::Ok) => "ok",
        Some(AuditResult::Failed) => "failed",
        Some(AuditResult::Refused) => "refused",
        None => "",
    };
    if !result.is_empty() {
        cols.push((8, result.into()));
    }
    if let Some(s) = rec.http_status {
        cols.push((7, format!("HTTP {s}")));
    }
    if let Some(e) = &rec.error {
        cols.push((6, format!("— {}", sanitize_single_line(e))));
    }
    if let Some(t) = &rec.task_id {
        cols.push((4, format!("task {}", sanitize_single_line(t))));
    }
    if let Some(p) = &rec.backup_path {
        let path = display_path(p);
        cols.push((
            2,
            format!("backup {}", truncate_middle(&path, (width / 2).max(12))),
        ));
    }
    cols.push((1, format!("[{}]", sanitize_single_line(&rec.os_user))));
    cols.push((0, format!("[key {}]", rec.key_fingerprint)));
    let text = truncate_with_ellipsis(&fit_columns(cols, width), width).into_owned();
    let style = match rec.result {
        Some(AuditResult::Ok) => theme.success,
        Some(AuditResult::Failed) => theme.error,
        Some(AuditResult::Refused) => theme.warning,
        None => theme.muted,
    };
    Line::styled(text, style)
}

/// The columns joined by spaces, dropping the lowest priorities until the rest fit.
pub fn fit_columns(mut cols: Vec<(u8, String)>, width: usize) -> String {
    let total = |cols: &[(u8, String)]| -> usize {
        cols.iter()
            .map(|(_, c)| display_width(c) + 1)
            .sum::<usize>()
    };
    while total(&cols) > width + 1 && cols.len() > 1 {
        let Some(lowest) = cols
            .iter()
            .enumerate()
            .min_by_key(|(i, (p, _))| (*p, usize::MAX - i))
            .map(|(i, _)| i)
        else {
            break;
        };
        cols.remove(lowest);
    }
    cols.into_iter()
        .map(|(_, c)| c)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_rows_drop_the_least_useful_columns_first() {
        let cols = || {
            vec![
                (9, "time".to_owned()),
                (8, "ok".to_owned()),
                (0, "[key abc]".to_owned()),
                (2, "backup /x".to_owned()),
            ]
        };
        assert_eq!(fit_columns(cols(), 100), "time ok [key abc] backup /x");
        assert_eq!(fit_columns(cols(), 17), "time ok backup /x");
        assert_eq!(fit_columns(cols(), 7), "time ok");
    }
}
