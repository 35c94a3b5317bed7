//! Erasing memory and undoing the last erase: the dialogs that guard them.

use super::event::Effect;
use super::state::{App, Dialog, EraseDialog, Level, Load};

impl App {
    pub(super) fn start_erase(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        match &self.memory.entries {
            Load::Ready(e) if e.is_empty() => {
                self.set_status(Level::Info, "nothing to erase: this user has no memory");
            }
            Load::Ready(entries) => {
                let org_name = self
                    .orgs
                    .iter()
                    .find(|o| o.choice.scope == target.org)
                    .map(|o| o.display_name().to_owned())
                    .unwrap_or_else(|| target.org.key.clone());
                self.dialog = Some(Dialog::Erase(EraseDialog {
                    target,
                    org_name,
                    entries: entries.clone(),
                    typed: String::new(),
                    mismatch: false,
                }));
            }
            _ => self.set_status(Level::Info, "the memory is still loading"),
        }
        Vec::new()
    }

    pub(super) fn erase_dialog_mut(&mut self) -> Option<&mut EraseDialog> {
        match &mut self.dialog {
            Some(Dialog::Erase(d)) => Some(d),
            _ => None,
        }
    }

    pub(super) fn start_undo_erase(&mut self) -> Vec<Effect> {
        match self.last_erase.clone() {
            Some((target, backup)) => {
                self.dialog = Some(Dialog::ConfirmRestore { target, backup });
            }
            None => self.set_status(
                Level::Info,
                "nothing was erased in this run; `memory-console memory restore --backup PATH` restores any backup",
            ),
        }
        Vec::new()
    }
}
