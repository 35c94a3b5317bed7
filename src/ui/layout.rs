//! Where each pane goes for a terminal size; shared by drawing and by mouse hit-testing.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use crate::app::{App, Pane};

/// What the layout depends on besides the terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    pub orgs: usize,
    pub tasks: usize,
    /// Cells the widest org row needs (borders, marker, name, spinner), so names are not
    /// cut when there is room.
    pub org_label: usize,
    /// A user is open: their details get a box.
    pub details: bool,
    /// Cells the user's details need on one row, so a second row is given when they do
    /// not fit above the memory.
    pub details_summary: usize,
    /// Cells the status message needs, so a long one gets a second row.
    pub status: usize,
    /// The Tasks pane has the focus: it stays in view on a short terminal.
    pub tasks_focused: bool,
}

impl Shape {
    pub fn of(app: &App) -> Shape {
        let org_label = app
            .orgs
            .iter()
            .map(|o| {
                // The name only: the key beside it is shown when it fits, but it does not
                // take width from the memory.
                let name = crate::text::display_width(&crate::text::sanitize_single_line(
                    o.display_name(),
                ));
                2 + name + 2 + 2
            })
            .max()
            .unwrap_or(0);
        Shape {
            orgs: app.orgs.len(),
            tasks: app.tasks.items.len(),
            org_label,
            details: app.memory.target.is_some(),
            details_summary: app
                .memory
                .user
                .as_ref()
                .map_or(0, super::user_details::summary_width),
            status: super::chrome::shown_status(app)
                .map_or(0, |(text, _)| crate::text::display_width(&text)),
            tasks_focused: app.focus == Pane::Tasks,
        }
    }
}

/// Width of the user details box when it stands beside the memory.
pub const DETAILS_WIDTH: u16 = 34;

/// Below this many rows between the header and the footer, the Tasks pane is left out
/// unless it has the focus.
pub const TASKS_FROM_BODY_ROWS: u16 = 12;

/// Below this size only a "terminal too small" note is drawn.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub header: Rect,
    pub orgs: Rect,
    pub users: Rect,
    pub memory: Rect,
    pub tasks: Rect,
    /// Who the open user is, beside the memory (empty when there is no room or no user).
    pub details: Rect,
    pub footer: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn pane(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Orgs => self.orgs,
            Pane::Users => self.users,
            Pane::Memory => self.memory,
            Pane::Tasks => self.tasks,
        }
    }

    /// The pane under a point, for clicks and the wheel.
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Pane> {
        let p = Position::new(x, y);
        Pane::ORDER
            .into_iter()
            .find(|pane| self.pane(*pane).contains(p))
    }

    /// Rows inside a bordered pane.
    pub fn inner_height(&self, pane: Pane) -> usize {
        self.pane(pane).height.saturating_sub(2) as usize
    }

    pub fn inner_width(&self, pane: Pane) -> u16 {
        self.pane(pane).width.saturating_sub(2)
    }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Splits the screen: header, a left column (orgs over users), a right column (memory over
/// tasks), the key hints and the status line.
pub fn areas(area: Rect, org_count: usize, task_count: usize) -> Areas {
    areas_for(
        area,
        Shape {
            orgs: org_count,
            tasks: task_count,
            ..Shape::default()
        },
    )
}

/// [`areas`] for everything the layout depends on.
pub fn areas_for(area: Rect, shape: Shape) -> Areas {
    let (org_count, task_count) = (shape.orgs, shape.tasks);
    if too_small(area) {
        return Areas::default();
    }
    // A long message gets a second row where the panes can spare it (not at 40x10).
    let status_rows = if shape.status > area.width as usize && area.height >= 16 {
        2
    } else {
        1
    };
    let [header, body, footer, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(status_rows),
    ])
    .areas(area);
    // A third of the width, more when org names need it (up to two fifths).
    let left_width = (area.width / 3)
        .clamp(16, 44)
        .max((shape.org_label as u16).min(area.width * 2 / 5));
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(1)]).areas(body);
    let org_rows = (org_count as u16 + 2).clamp(3, (body.height / 3).max(3));
    let [orgs, users] =
        Layout::vertical([Constraint::Length(org_rows), Constraint::Min(1)]).areas(left);
    // On a short terminal the memory text comes before the Tasks pane, which shows again
    // when it has the focus (Tab reaches it).
    let task_rows = if body.height < TASKS_FROM_BODY_ROWS && !shape.tasks_focused {
        0
    } else {
        (task_count as u16 + 2).clamp(3, (body.height / 3).max(3))
    };
    let [memory, tasks] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(task_rows)]).areas(right);
    // Details beside the memory when wide, above it when tall enough, else not at all.
    let (memory, details) = if !shape.details {
        (memory, Rect::default())
    } else if memory.width >= 100 {
        let [m, d] = Layout::horizontal([Constraint::Min(1), Constraint::Length(DETAILS_WIDTH)])
            .areas(memory);
        (m, d)
    } else if memory.height >= 12 {
        // A second row when the details do not fit on one and the memory keeps ten rows.
        let two =
            shape.details_summary > memory.width.saturating_sub(2) as usize && memory.height >= 14;
        let rows = if two { 4 } else { 3 };
        let [d, m] = Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(memory);
        (m, d)
    } else {
        (memory, Rect::default())
    };
    Areas {
        details,
        header,
        orgs,
        users,
        memory,
        tasks,
        footer,
        status,
    }
}
