//! The editor window over the panes: the text a screenful at a time, hidden characters as
//! placeholders in their own style, and what saving will do.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{App, EditKind, Editor, Pos, shown};
use crate::text::sanitize_single_line;

use super::theme::Theme;
use super::widgets::pane_block;

/// How a placeholder is drawn: underlined as well as coloured, so that text typed to look
/// like one (`⟨ESC⟩` typed out) is told apart from it even without colour.
pub fn placeholder_style(theme: &Theme) -> Style {
    theme.warning.add_modifier(Modifier::UNDERLINED)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(ed) = &app.editor else {
        return;
    };
    let verb = match ed.kind {
        EditKind::Create => "New memory for".to_owned(),
        EditKind::MentorEntry { .. } => "Editing a mentor entry of".to_owned(),
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
    if ed.looks_changed() {
        title.push_str("· modified ");
    }
    if ed.saving {
        title.push_str("· saving… ");
    }
    let block = pane_block(title, true, theme);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let notes = notes(ed, theme);
    let [text, err] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(notes.len() as u16)]).areas(inner);
    draw_text(frame.buffer_mut(), text, ed, theme);
    frame.render_widget(Paragraph::new(notes), err);
}

fn notes<'a>(ed: &'a Editor, theme: &Theme) -> Vec<Line<'a>> {
    let mut notes = Vec::new();
    // Below the text rather than in the title, where it pushed "modified" out of sight.
    if matches!(ed.kind, EditKind::MentorEntry { .. }) {
        notes.push(Line::styled(
            "first line: the key · the lines below: the value",
            theme.muted,
        ));
    }
    if ed.saving && ed.refused_while_saving {
        notes.push(Line::styled(
            "saving… keys are not taken until the server answers",
            theme.warning,
        ));
    }
    if ed.hidden_chars > 0 {
        notes.push(Line::styled(
            format!(
                "{} hidden chars shown as ⟨NAME⟩, each deleted as one char",
                ed.hidden_chars
            ),
            theme.muted,
        ));
    }
    if let Some(e) = &ed.error {
        notes.push(Line::styled(e.as_str(), theme.error));
    }
    notes
}

/// Draws the rows in view, unit by unit: only what is on screen is looked at.
fn draw_text(buf: &mut Buffer, area: Rect, ed: &Editor, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let text = &ed.buffer;
    let view = text.fit(area.x, area.y, area.width, area.height);
    let cursor = text.cursor();
    let selection = text.selection();
    let cursor_style = Style::new().add_modifier(Modifier::REVERSED);
    let hidden_style = placeholder_style(theme);
    let width = usize::from(area.width);
    for dy in 0..area.height {
        let row = view.top + usize::from(dy);
        let Some(line) = text.lines().get(row) else {
            break;
        };
        let y = area.y + dy;
        let mut cursor_drawn = false;
        // Neighbouring units of one style are drawn with one call: most of a row is one run.
        let mut run = Run::default();
        for unit in text.visible_units(row, view.left, width) {
            let (drawn, is_placeholder) = shown(&line[unit.start..unit.end]);
            let here = Pos::new(row, unit.start);
            let mut style = if is_placeholder {
                hidden_style
            } else {
                Style::new()
            };
            if selection.is_some_and(|(s, e)| s <= here && here < e) {
                style = style.patch(theme.selected);
            }
            if here == cursor {
                style = style.patch(cursor_style);
                cursor_drawn = true;
            }
            if style != run.style || unit.col != run.end {
                run.flush(buf, area, y);
                run = Run {
                    start: unit.col,
                    end: unit.col,
                    style,
                    text: String::new(),
                };
            }
            run.text.push_str(&drawn);
            run.end = unit.col + unit.width;
        }
        run.flush(buf, area, y);
        // The cursor at the end of a line is a blank cell after it.
        if row == cursor.row && !cursor_drawn {
            let col = text.col_of(cursor);
            if let Some(dx) = col.checked_sub(view.left).filter(|dx| *dx < width) {
                buf.set_string(area.x + dx as u16, y, " ", cursor_style);
            }
        }
    }
}

/// Units drawn side by side in one style.
#[derive(Default)]
struct Run {
    start: usize,
    end: usize,
    style: Style,
    text: String,
}

impl Run {
    fn flush(&self, buf: &mut Buffer, area: Rect, y: u16) {
        if self.text.is_empty() {
            return;
        }
        let room = usize::from(area.width).saturating_sub(self.start);
        buf.set_stringn(area.x + self.start as u16, y, &self.text, room, self.style);
    }
}
