//! Erasing memory and undoing the last erase: the dialogs that guard them, and what an
//! erase's outcome tells the operator.

use crate::ops::{EraseError, Erased};
use crate::text::count_noun;

use super::dialogs::{Dialog, EraseDialog, RestoreQuestion};
use super::event::{Effect, EraseScope, Target};
use super::state::{App, Level, Load};

/// An erase of this run that `u` can bring back: whose, from which backup, and what it
/// erased in words ("3 entries of chat memory"), so the undo question says what it restores.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoableErase {
    pub target: Target,
    pub backup: std::path::PathBuf,
    pub what: String,
}

impl App {
    /// Opens the erase confirmation for the selected entry, or for all of the user's chat
    /// memory.
    pub(super) fn start_erase(&mut self, all: bool) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        match &self.memory.entries {
            Load::Ready(e) if e.is_empty() => {
                self.set_status(Level::Info, "nothing to erase: this user has no memory");
            }
            Load::Ready(entries) => {
                let (scope, shown) = match self.memory.selected_entry().filter(|_| !all) {
                    Some(one) => (EraseScope::Entry(one.id), vec![one.clone()]),
                    None => (EraseScope::All, entries.clone()),
                };
                let org_name = self
                    .orgs
                    .iter()
                    .find(|o| o.choice.scope == target.org)
                    .map(|o| o.display_name().to_owned())
                    .unwrap_or_else(|| target.org.key.clone());
                self.dialog = Some(Dialog::Erase(EraseDialog {
                    target,
                    org_name,
                    scope,
                    entries: shown,
                    complete: self.memory.complete,
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
            Some(UndoableErase {
                target,
                backup,
                what,
            }) => {
                let beside = self
                    .restored_ids
                    .iter()
                    .filter(|(t, _)| *t == target)
                    .map(|(_, id)| *id)
                    .collect();
                self.dialog = Some(Dialog::ConfirmRestore(RestoreQuestion {
                    target,
                    backup,
                    what,
                    beside,
                }));
            }
            None if self.erases_undone > 0 => self.set_status(
                Level::Info,
                format!(
                    "nothing left to undo: every erase of this run ({}) is undone; `memory-console memory restore --backup PATH` restores any backup",
                    count_noun(self.erases_undone, "erase", "erases")
                ),
            ),
            None => self.set_status(
                Level::Info,
                "nothing was erased in this run; `memory-console memory restore --backup PATH` restores any backup",
            ),
        }
        Vec::new()
    }

    pub(super) fn on_erased(
        &mut self,
        target: &Target,
        scope: EraseScope,
        result: Result<Erased, EraseError>,
    ) {
        let user = &target.user.username;
        match result {
            Ok(erased) => match &erased.backup {
                None => self.set_status_for(
                    target,
                    Level::Success,
                    format!("the server had no memory to erase for {user}"),
                ),
                Some(backup) => {
                    let what = match scope {
                        EraseScope::Entry(id) => format!("entry {id} erased"),
                        EraseScope::All => format!(
                            "{} erased",
                            crate::text::count_noun(erased.entries, "entry", "entries")
                        ),
                    };
                    // An entry whose content was `null` has no text to write back: `u`
                    // is not offered for what it cannot undo.
                    let undo = if erased.restorable > 0 {
                        "(u undoes)"
                    } else {
                        "(it held no text, so there is nothing u could write back)"
                    };
                    self.set_status_for(
                        target,
                        Level::Success,
                        format!(
                            "{what} for {user}, verified gone; backup at {} {undo}",
                            crate::text::display_path(backup)
                        ),
                    );
                    if erased.restorable > 0 {
                        let what = match scope {
                            EraseScope::Entry(id) => format!("chat memory entry {id}"),
                            EraseScope::All => format!(
                                "{} of chat memory",
                                crate::text::count_noun(erased.entries, "entry", "entries")
                            ),
                        };
                        self.remember_erase(target, backup, what);
                    }
                }
            },
            Err(e) => {
                if let Some(backup) = e.backup.as_ref().filter(|_| e.erased > 0) {
                    let what = format!(
                        "the {} of chat memory erased before it stopped",
                        crate::text::count_noun(e.erased, "entry", "entries")
                    );
                    self.remember_erase(target, backup, what);
                }
                let what = if e.erased == 0 {
                    "erase failed"
                } else {
                    "erase stopped partway"
                };
                self.set_status_for(target, Level::Error, format!("{what}: {e}"));
            }
        }
    }

    /// The newest erase is what `u` offers; the one it replaces waits its turn.
    pub(super) fn remember_erase(
        &mut self,
        target: &Target,
        backup: &std::path::Path,
        what: String,
    ) {
        let newest = UndoableErase {
            target: target.clone(),
            backup: backup.to_path_buf(),
            what,
        };
        if let Some(previous) = self.last_erase.replace(newest)
            && previous.backup != backup
        {
            self.earlier_erases.push(previous);
        }
    }
}
