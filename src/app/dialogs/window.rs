//! What the dialog windows share: a centred box, the question layout, and the theme and
//! small helpers they draw with.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph};

pub use crate::ui::Theme;
pub use crate::ui::widgets::{human_bytes, human_time, pane_block};

/// A box of at most `width` x `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

/// A titled box holding `text`, 60 columns at most and as tall as the wrapped text.
pub fn question(frame: &mut Frame, area: Rect, title: &str, text: String, theme: &Theme) {
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
