//! The audit window: the most recent recorded changes, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::Load;
use crate::store::{AuditRecord, AuditResult, Phase};
use crate::text::sanitize_single_line;

use super::theme::Theme;
use super::widgets::{centered, pane_block};

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
            .map(|rec| record_line(rec, theme))
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

fn record_line(rec: &AuditRecord, theme: &Theme) -> Line<'static> {
    let time = rec
        .time
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "?".into());
    let mut text = format!(
        "{time} {:<7} {:<12} {}@{}",
        match rec.phase {
            Phase::Intent => "intent",
            Phase::Outcome => "outcome",
        },
        format!("{:?}", rec.action).to_lowercase(),
        sanitize_single_line(rec.user.as_deref().unwrap_or("-")),
        sanitize_single_line(rec.org.as_deref().unwrap_or("-")),
    );
    if let Some(s) = rec.http_status {
        text.push_str(&format!(" {s}"));
    }
    if let Some(t) = &rec.task_id {
        text.push_str(&format!(" task {}", sanitize_single_line(t)));
    }
    if let Some(p) = &rec.backup_path {
        text.push_str(&format!(
            " backup {}",
            sanitize_single_line(&p.display().to_string())
        ));
    }
    if let Some(e) = &rec.error {
        text.push_str(&format!(" — {}", sanitize_single_line(e)));
    }
    text.push_str(&format!(
        " [{} · {}]",
        sanitize_single_line(&rec.os_user),
        rec.key_fingerprint
    ));
    let style = match rec.result {
        Some(AuditResult::Ok) => theme.success,
        Some(AuditResult::Failed) => theme.error,
        Some(AuditResult::Refused) => theme.warning,
        None => theme.muted,
    };
    Line::styled(text, style)
}
