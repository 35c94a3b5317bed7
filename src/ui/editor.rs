//! The editor window: the textarea over the panes, with what saving will do.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{App, EditKind};
use crate::text::sanitize_single_line;

use super::theme::Theme;
use super::widgets::pane_block;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(ed) = &app.editor else {
        return;
    };
    let verb = match ed.kind {
        EditKind::Create => "New memory for".to_owned(),
        EditKind::Replace { entry: None, .. } => "Rewriting (queued) the memory of".to_owned(),
        EditKind::Replace {
            entry: Some(id), ..
        } => {
            // Which entry, so an admin with several open knows what the save will change.
            let entries = app.memory.entries();
            match entries.iter().position(|e| e.id == id) {
                Some(i) if entries.len() > 1 => {
                    format!("Editing entry {id} · {} of {} of", i + 1, entries.len())
                }
                _ => format!("Editing entry {id} of"),
            }
        }
    };
    let mut title = format!(
        " {verb} {} ",
        sanitize_single_line(&ed.target.user.username)
    );
    if ed.is_changed() {
        title.push_str("· modified ");
    }
    if ed.saving {
        title.push_str("· saving… ");
    }
    let block = pane_block(title, true, theme);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let error_rows = u16::from(ed.error.is_some()) + u16::from(ed.hidden_chars > 0);
    let [text, err] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(error_rows)]).areas(inner);
    frame.render_widget(&ed.textarea, text);
    let mut notes = Vec::new();
    if ed.hidden_chars > 0 {
        notes.push(Line::styled(
            format!(
                "{} control/invisible chars not shown here; kept unless deleted",
                ed.hidden_chars
            ),
            theme.warning,
        ));
    }
    if let Some(e) = &ed.error {
        notes.push(Line::styled(e.clone(), theme.error));
    }
    frame.render_widget(Paragraph::new(notes), err);
}
