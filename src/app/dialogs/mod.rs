//! The dialogs: at most one window over the panes. Each dialog is one module holding its
//! state, what its keys do and how it is drawn; this file holds them and dispatches.
//!
//! Adding a dialog: a new file here with its state, `on_key` (returning [`Step`]s) and
//! `draw`, then one variant in [`Dialog`] and one line in each `match` below.

mod audit;
mod confirm;
mod conflict;
mod erase;
mod forget_report;
mod help;
mod restore_draft;
mod step;
#[cfg(test)]
mod tests;
mod typed_confirm;
mod username;
mod window;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::store::AuditRecord;
use crate::ui::Theme;

use super::state::{App, Load};

pub use confirm::{RestoreQuestion, ToggleQuestion};
pub use conflict::ConflictDialog;
pub use erase::EraseDialog;
pub use forget_report::{ForgetReportDialog, store_title};
pub use restore_draft::RestoreDraftDialog;
pub use step::{KeyCtx, Step};
pub use typed_confirm::TypedConfirm;

/// A window over the panes; at most one at a time.
#[derive(Debug)]
pub enum Dialog {
    Help {
        scroll: usize,
    },
    Erase(EraseDialog),
    Conflict(ConflictDialog),
    /// An unsaved edit from earlier exists for the user just opened.
    RestoreDraft(RestoreDraftDialog),
    /// Undo of this run's last erase, from its backup.
    ConfirmRestore(RestoreQuestion),
    Audit {
        records: Load<Vec<AuditRecord>>,
        scroll: usize,
    },
    /// Switch memory on or off? One stray `t` must not change data.
    ConfirmToggle(ToggleQuestion),
    /// Quit with unsaved text in the editor?
    ConfirmQuit,
    /// Leave the editor and drop the changes?
    ConfirmDiscard,
    /// Erase in the mentor or course store, or forget the user: the username typed first.
    TypedConfirm(TypedConfirm),
    /// What a forget did in each store.
    ForgetReport(ForgetReportDialog),
}

impl Dialog {
    /// What `key` does to the open dialog; the console carries out the steps in order.
    pub fn on_key(&mut self, key: KeyEvent, ctx: &mut KeyCtx) -> Vec<Step> {
        match self {
            Dialog::Help { scroll } => help::on_key(scroll, key, ctx),
            Dialog::Erase(d) => d.on_key(key, ctx),
            Dialog::Conflict(d) => d.on_key(key, ctx),
            Dialog::RestoreDraft(d) => d.on_key(key, ctx),
            Dialog::ConfirmRestore(d) => d.on_key(key, ctx),
            Dialog::Audit { scroll, .. } => audit::on_key(scroll, key, ctx),
            Dialog::ConfirmToggle(d) => d.on_key(key, ctx),
            Dialog::ConfirmQuit => confirm::quit_on_key(key, ctx),
            Dialog::ConfirmDiscard => confirm::discard_on_key(key, ctx),
            Dialog::TypedConfirm(d) => d.on_key(key, ctx),
            Dialog::ForgetReport(d) => d.on_key(key, ctx),
        }
    }

    /// Draws the dialog over `area`; reads the state, never changes it.
    pub fn draw(&self, frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
        match self {
            Dialog::Help { scroll } => help::draw(frame, area, *scroll, app, theme),
            Dialog::Erase(d) => d.draw(frame, area, theme),
            Dialog::Conflict(d) => d.draw(frame, area, theme),
            Dialog::RestoreDraft(d) => d.draw(frame, area, theme),
            Dialog::ConfirmRestore(d) => d.draw(frame, area, theme),
            Dialog::Audit { records, scroll } => audit::draw(frame, area, records, *scroll, theme),
            Dialog::ConfirmToggle(d) => d.draw(frame, area, theme),
            Dialog::ConfirmQuit => confirm::quit_draw(frame, area, theme),
            Dialog::ConfirmDiscard => confirm::discard_draw(frame, area, theme),
            Dialog::TypedConfirm(d) => d.draw(frame, area, theme),
            Dialog::ForgetReport(d) => d.draw(frame, area, theme),
        }
    }
}
