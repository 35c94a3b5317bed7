//! Where each pane goes for a terminal size; shared by drawing and by mouse hit-testing.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use crate::app::Pane;

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
    if too_small(area) {
        return Areas::default();
    }
    let [header, body, footer, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let left_width = (area.width / 3).clamp(16, 44);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_width), Constraint::Min(1)]).areas(body);
    let org_rows = (org_count as u16 + 2).clamp(3, (body.height / 3).max(3));
    let [orgs, users] =
        Layout::vertical([Constraint::Length(org_rows), Constraint::Min(1)]).areas(left);
    let task_rows = (task_count as u16 + 2).clamp(3, (body.height / 3).max(3));
    let [memory, tasks] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(task_rows)]).areas(right);
    Areas {
        header,
        orgs,
        users,
        memory,
        tasks,
        footer,
        status,
    }
}
