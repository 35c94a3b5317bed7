//! Drawing: one file per pane (each dialog draws itself, in `app/dialogs/`). Draw functions read the state and never change it.

mod chrome;
mod editor;
pub mod layout;
mod memory;
mod orgs;
pub mod settings;
mod status_line;
mod stores;
mod tasks;
pub mod theme;
mod user_details;
mod users;
pub(crate) mod widgets;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::App;
use crate::text::sanitize::is_always_escaped;

pub use theme::Theme;

/// Draws the whole console for the frame's size.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if layout::too_small(area) {
        frame.render_widget(
            Paragraph::new(Line::raw(format!(
                "terminal too small: {}x{}, need {}x{}",
                area.width,
                area.height,
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT
            )))
            .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let a = layout::areas_for(area, layout::Shape::of(app));
    chrome::header(frame, a.header, app, theme);
    // The editor covers the panes: drawing them under it would only cost time on each key.
    if app.editor.is_none() {
        orgs::draw(frame, a.orgs, app, theme);
        users::draw(frame, a.users, app, theme);
        memory::draw(frame, a.memory, app, theme);
        user_details::draw(frame, a.details, app, theme);
        if !a.tasks.is_empty() {
            tasks::draw(frame, a.tasks, app, theme);
        }
    }
    chrome::footer(frame, a.footer, app, theme);
    chrome::status(frame, a.status, app, theme);
    if app.editor.is_some() {
        let body = Rect::new(
            area.x,
            a.header.bottom(),
            area.width,
            a.footer.y - a.header.bottom(),
        );
        editor::draw(frame, body, app, theme);
    }
    if let Some(dialog) = &app.dialog {
        dialog.draw(frame, area, app, theme);
    }
    scrub(frame.buffer_mut());
}

/// The last guard: any cell still holding a control or invisible format character (the
/// editor shows the text as it is) is replaced, so no such byte reaches the terminal.
pub fn scrub(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let symbol = cell.symbol();
        // Most cells are printable ASCII, which needs no closer look.
        if symbol.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            continue;
        }
        if symbol.chars().any(is_always_escaped) {
            cell.set_symbol("�");
        }
    }
}
