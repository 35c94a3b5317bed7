//! What a forget did, store by store: erased, already empty, unavailable (treated as
//! empty, and why) or failed (and why), and where the one backup is. It says "forgotten"
//! only when every store is verified empty.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::ops::{ForgetReport, StoreKind, StoreOutcome};
use crate::text::{display_path, sanitize_single_line, truncate_middle, truncate_with_ellipsis};

use super::super::event::Target;
use super::step::{KeyCtx, Step};
use super::window::{Theme, centered, pane_block};

#[derive(Debug, Clone)]
pub struct ForgetReportDialog {
    pub target: Target,
    pub report: ForgetReport,
}

/// A store's name as the tabs call it.
pub fn store_title(kind: StoreKind) -> &'static str {
    match kind {
        StoreKind::Chat => "Chat memory",
        StoreKind::Mentor => "Mentor memories",
        StoreKind::Course => "Course memory",
    }
}

impl ForgetReportDialog {
    /// The first line: whether the user is forgotten, in words that cannot be misread.
    pub fn headline(&self) -> String {
        let user = &self.target.user.username;
        if self.report.forgotten() {
            format!("{user} is forgotten: every store reads empty")
        } else {
            format!("{user} is NOT forgotten: a store may still hold data")
        }
    }

    /// Any key closes the report; what it says is also in the status line and audit log.
    pub fn on_key(&mut self, _key: KeyEvent, _ctx: &mut KeyCtx) -> Vec<Step> {
        vec![Step::Close]
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let ok = self.report.forgotten();
        let mut lines = vec![Line::styled(
            sanitize_single_line(&self.headline()).into_owned(),
            if ok { theme.success } else { theme.error },
        )];
        lines.push(Line::raw(""));
        for (kind, outcome) in &self.report.stores {
            let style = match outcome {
                StoreOutcome::Failed { .. } => theme.error,
                StoreOutcome::Unavailable { .. } => theme.warning,
                _ => ratatui::style::Style::default(),
            };
            lines.push(Line::styled(
                sanitize_single_line(&format!("{}: {}", store_title(*kind), outcome.summary()))
                    .into_owned(),
                style,
            ));
        }
        lines.push(Line::raw(""));
        let inner_width = usize::from(72.min(area.width).saturating_sub(2));
        lines.push(Line::raw(match &self.report.backup {
            // Shortened in the middle to one row: a wrapped path is cut off at the bottom
            // of a short terminal, leaving "backup:" and nothing after it.
            Some(path) => format!(
                "backup: {}",
                truncate_middle(
                    &sanitize_single_line(&display_path(path)),
                    inner_width.saturating_sub(8).max(12)
                )
            ),
            None => "no backup was written: nothing was there to back up, or it could not be written (then nothing was deleted)".to_owned(),
        }));
        // A short terminal drops the spacing and cuts each line to one row, so every
        // store's line stays in sight (the status line and the audit log have the rest).
        let rows: usize = lines
            .iter()
            .map(|l| l.width().div_ceil(inner_width.max(1)).max(1))
            .sum();
        if rows + 2 > usize::from(area.height) {
            lines.retain(|l| l.width() > 0);
            for line in lines.iter_mut().skip(1) {
                let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
                let cut = truncate_with_ellipsis(&text, inner_width).into_owned();
                *line = Line::styled(cut, line.style);
            }
        }
        let height = u16::try_from(lines.len() + 6).unwrap_or(u16::MAX);
        let r = centered(area, 72, height);
        frame.render_widget(Clear, r);
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                pane_block(" Forget: report ".into(), true, theme)
                    .border_style(if ok { theme.success } else { theme.error })
                    .title_bottom(Line::styled(" any key: close ", theme.muted)),
            ),
            r,
        );
    }
}
