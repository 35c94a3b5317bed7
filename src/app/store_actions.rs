//! The writes of the mentor and course tabs and the forget of every store: opening their
//! confirmations (or the editor), and what their outcomes tell the operator.

use crate::ops::{ForgetReport, StoreEraseError, StoreErased, WriteError};
use crate::text::count_noun;

use super::action::Action;
use super::dialogs::{Dialog, ForgetReportDialog, TypedConfirm};
use super::editor::{EditKind, Editor};
use super::event::{Effect, StoreErase, Target};
use super::state::{App, Level};
use super::stores_pane::{NO_CATEGORY, StoreTab};

impl App {
    /// The org's name for dialogs: the configured or server's name, else its key.
    fn org_name(&self, target: &Target) -> String {
        self.orgs
            .iter()
            .find(|o| o.choice.scope == target.org)
            .map(|o| o.display_name().to_owned())
            .unwrap_or_else(|| target.org.key.clone())
    }

    /// `d` (one) or `D` (`all`: the entry's whole category, or all course memory) on the
    /// mentor or course tab: the typed-username confirmation.
    pub(super) fn start_store_erase(&mut self, all: bool) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        let user = target.user.username.clone();
        let org = self.org_name(&target);
        let (erase, lines, action) = match (self.stores.tab, all) {
            (StoreTab::Mentor, false) => {
                let Some(item) = self.stores.selected_mentor() else {
                    return self.nothing_here();
                };
                let Some(id) = item.entry.unique_id.clone() else {
                    self.set_status(
                        Level::Warning,
                        "the server gave this entry no id, so it cannot be erased alone; D erases its category",
                    );
                    return Vec::new();
                };
                let key = item.entry.key.clone();
                let lines = vec![
                    format!("Erase the mentor memory entry \"{key}\" of {user} in {org}?"),
                    format!("Category {}; entry id {id}.", item.category()),
                    "It is backed up before it is deleted, and read again to check it is gone."
                        .to_owned(),
                ];
                (
                    StoreErase::MentorEntry { entry_id: id, key },
                    lines,
                    Action::Erase,
                )
            }
            (StoreTab::Mentor, true) => {
                let Some(item) = self.stores.selected_mentor() else {
                    return self.nothing_here();
                };
                let category = item.category().to_owned();
                if category == NO_CATEGORY {
                    self.set_status(
                        Level::Warning,
                        "this entry has no category to erase; d erases the entry alone",
                    );
                    return Vec::new();
                }
                let n = self
                    .stores
                    .mentor_items()
                    .iter()
                    .filter(|i| i.category() == category)
                    .count();
                let lines = vec![
                    format!(
                        "Erase the WHOLE mentor memory category \"{category}\" of {user} in {org}?"
                    ),
                    format!(
                        "{} shown in it. Every one is backed up before the category is deleted.",
                        count_noun(n, "entry", "entries")
                    ),
                ];
                (
                    StoreErase::MentorCategory { category },
                    lines,
                    Action::EraseAll,
                )
            }
            (StoreTab::Course, false) => {
                let Some(c) = self.stores.selected_course() else {
                    return self.nothing_here();
                };
                let lines = vec![
                    format!("Erase course memory #{} of {user} in {org}?", c.id),
                    format!(
                        "Catalog item {}. It is backed up before it is deleted.",
                        c.catalog_item.as_deref().unwrap_or("(none)")
                    ),
                ];
                (
                    StoreErase::CourseOne {
                        memory_id: c.id.clone(),
                    },
                    lines,
                    Action::Erase,
                )
            }
            (StoreTab::Course, true) => {
                let n = self.stores.courses().len();
                if n == 0 {
                    return self.nothing_here();
                }
                let lines = vec![
                    format!("Erase ALL course memory of {user} in {org}?"),
                    format!(
                        "{} shown. Each is backed up before it is deleted.",
                        count_noun(n, "catalog item", "catalog items")
                    ),
                ];
                (StoreErase::CourseAll, lines, Action::EraseAll)
            }
            (StoreTab::Chat, _) => return Vec::new(),
        };
        self.dialog = Some(Dialog::TypedConfirm(TypedConfirm {
            target: target.clone(),
            title: " Erase memory ",
            lines,
            short: Vec::new(),
            verb: "erase",
            action,
            busy: "backing up, then erasing…",
            effect: Effect::StoreErase { target, erase },
            typed: String::new(),
            mismatch: false,
        }));
        Vec::new()
    }

    fn nothing_here(&mut self) -> Vec<Effect> {
        self.set_status(Level::Info, "nothing to erase on this tab");
        Vec::new()
    }

    /// `e` on the mentor tab: the selected entry in the editor, its key on the first line
    /// and its value below.
    pub(super) fn start_mentor_edit(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        let Some(item) = self.stores.selected_mentor() else {
            self.set_status(Level::Info, "no mentor memory entry to edit");
            return Vec::new();
        };
        let Some(entry_id) = item.entry.unique_id.clone() else {
            self.set_status(
                Level::Warning,
                "the server gave this entry no id, so it cannot be updated",
            );
            return Vec::new();
        };
        // The first line is the key, so a key that holds a line break cannot be edited here.
        if item.entry.key.contains('\n') {
            self.set_status(
                Level::Warning,
                "this entry's key has a line break; the editor keeps the key on the first line, so it cannot be edited here",
            );
            return Vec::new();
        }
        let seen = Box::new(item.entry.clone());
        let text = mentor_text(&seen.key, seen.value.as_deref().unwrap_or(""));
        self.open_editor(Editor::new(
            target,
            EditKind::MentorEntry { entry_id, seen },
            text.clone(),
            &text,
        ));
        self.set_status(
            Level::Info,
            "first line: the key; the lines below: the value. Ctrl-S saves",
        );
        Vec::new()
    }

    /// Ctrl-S on a mentor entry: the first line is the key, the rest the value.
    pub(super) fn save_mentor_entry(&mut self) -> Vec<Effect> {
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        let EditKind::MentorEntry { entry_id, seen } = editor.kind.clone() else {
            return Vec::new();
        };
        if !editor.is_changed() {
            self.editor = None;
            self.set_status(Level::Info, "no changes: nothing was sent");
            return Vec::new();
        }
        let text = editor.text();
        let (key, value) = split_mentor_text(&text);
        if key.trim().is_empty() {
            editor.error = Some("the first line is the key and cannot be empty".into());
            self.set_status(
                Level::Warning,
                "nothing was sent: the key (first line) is empty",
            );
            return Vec::new();
        }
        if let Err(why) = self.permits(Action::Edit) {
            self.set_status(Level::Warning, why);
            return Vec::new();
        }
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        editor.saving = true;
        editor.error = None;
        let target = editor.target.clone();
        self.set_status(
            Level::Info,
            "checking the entry on the server, then saving…",
        );
        vec![Effect::UpdateMentorEntry {
            target,
            entry_id,
            seen,
            key: key.to_owned(),
            value: value.to_owned(),
        }]
    }

    pub(super) fn on_mentor_saved(
        &mut self,
        target: Target,
        result: Result<(), WriteError>,
    ) -> Vec<Effect> {
        match result {
            Ok(()) => {
                if self.editor.as_ref().is_some_and(|e| e.target == target) {
                    self.editor = None;
                }
                self.set_status_for(
                    &target,
                    Level::Success,
                    format!("mentor memory entry of {} saved", target.user.username),
                );
                let mut fx = vec![Effect::RemoveDraft {
                    target: target.clone(),
                }];
                fx.extend(self.reload_stores(&target));
                fx
            }
            Err(WriteError::EntryChanged { server }) => {
                let now = match server {
                    Some(e) => format!(
                        "it now reads {:?} = {:?}",
                        e.key,
                        e.value.unwrap_or_default()
                    ),
                    None => "it is gone".to_owned(),
                };
                let text = format!(
                    "the entry changed on the server since you opened it, so nothing was sent ({now}); your text stays here: copy it, Esc, and e again"
                );
                let mut fx = self.save_failed(&target, text);
                fx.extend(self.reload_stores(&target));
                fx
            }
            Err(e) => {
                let text = format!("saving failed; your text is still in the editor: {e}");
                self.save_failed(&target, text)
            }
        }
    }

    /// Reads the mentor and course stores again when `target` is the open user.
    fn reload_stores(&mut self, target: &Target) -> Vec<Effect> {
        if self.memory.target.as_ref() != Some(target) {
            return Vec::new();
        }
        self.load_stores(target, true)
    }

    pub(super) fn on_store_erased(
        &mut self,
        target: Target,
        erase: StoreErase,
        result: Result<StoreErased, StoreEraseError>,
    ) -> Vec<Effect> {
        self.ended_in_flight(&target);
        let user = &target.user.username;
        let what = match &erase {
            StoreErase::MentorEntry { key, .. } => format!("mentor memory entry \"{key}\""),
            StoreErase::MentorCategory { category } => {
                format!("mentor memory category \"{category}\"")
            }
            StoreErase::CourseOne { memory_id } => format!("course memory #{memory_id}"),
            StoreErase::CourseAll => "all course memory".to_owned(),
        };
        match result {
            Ok(done) => {
                self.set_status_for(
                    &target,
                    Level::Success,
                    format!(
                        "{what} of {user} erased ({}), verified gone; backup at {} (u undoes)",
                        count_noun(done.items, "item", "items"),
                        crate::text::display_path(&done.backup)
                    ),
                );
                let undo = format!("{what} ({})", count_noun(done.items, "item", "items"));
                self.remember_erase(&target, &done.backup, undo);
            }
            Err(e) => {
                // What was deleted before it stopped is in the backup: `u` brings it back.
                if let Some(backup) = e.backup.as_ref().filter(|_| e.erased > 0) {
                    let part = format!("what was erased of {what} before it stopped");
                    self.remember_erase(&target, backup, part);
                }
                let head = if e.erased == 0 {
                    "erase failed"
                } else {
                    "erase stopped partway"
                };
                self.set_status_for(
                    &target,
                    Level::Error,
                    format!("{head}: {what} of {user}: {e}"),
                );
            }
        }
        self.reload_stores(&target)
    }

    /// `F`: one typed-username confirmation naming every store and what it holds.
    pub(super) fn start_forget(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        let user = target.user.username.clone();
        let org = self.org_name(&target);
        let counts = StoreTab::ALL.map(|t| {
            self.stores
                .count_label(t, &self.memory.entries, self.memory.complete)
        });
        let mut lines = vec![format!(
            "Forget {user} in {org}: erase everything every store holds about them?"
        )];
        for (tab, count) in StoreTab::ALL.iter().zip(&counts) {
            lines.push(format!("  · {}: {count} shown now", tab.title()));
        }
        let shown: Vec<String> = StoreTab::ALL
            .iter()
            .zip(&counts)
            .map(|(tab, count)| format!("{} {count}", tab.short()))
            .collect();
        let short = vec![
            format!("Forget {user}: erase every store?"),
            format!("Shown: {}", shown.join(" · ")),
        ];
        lines.push(
            "Everything is backed up into one file first; each store is read again to check it is empty, and a report says how each went."
                .to_owned(),
        );
        self.dialog = Some(Dialog::TypedConfirm(TypedConfirm {
            target: target.clone(),
            title: " Forget user ",
            lines,
            short,
            verb: "forget",
            action: Action::Forget,
            busy: "backing up every store, then erasing each…",
            effect: Effect::Forget { target },
            typed: String::new(),
            mismatch: false,
        }));
        Vec::new()
    }

    pub(super) fn on_forgotten(&mut self, target: Target, report: ForgetReport) -> Vec<Effect> {
        self.ended_in_flight(&target);
        let dialog = ForgetReportDialog {
            target: target.clone(),
            report,
        };
        let backup = match &dialog.report.backup {
            Some(p) => format!("; backup at {}", crate::text::display_path(p)),
            None => String::new(),
        };
        let level = if dialog.report.forgotten() {
            Level::Success
        } else {
            Level::Error
        };
        self.set_status_for(&target, level, format!("{}{backup}", dialog.headline()));
        // Whatever was erased is in the one backup: `u` restores what the API allows.
        if let Some(path) = dialog
            .report
            .backup
            .clone()
            .filter(|_| dialog.report.stores.iter().any(|(_, o)| erased_any(o)))
        {
            let what = forgotten_items(&dialog.report.stores);
            self.remember_erase(&target, &path, what);
        }
        self.dialog = Some(Dialog::ForgetReport(dialog));
        if self.memory.target.as_ref() != Some(&target) {
            return Vec::new();
        }
        let mut fx = self.refresh_memory();
        fx.extend(self.load_stores(&target, true));
        fx
    }
}

/// The editor's text for a mentor entry: the key, a line break, the value.
pub(super) fn mentor_text(key: &str, value: &str) -> String {
    format!("{key}\n{value}")
}

/// The key (first line) and value (the rest) of the editor's text.
pub(super) fn split_mentor_text(text: &str) -> (&str, &str) {
    text.split_once('\n').unwrap_or((text, ""))
}

/// Whether a store's outcome deleted anything (so its backup is worth restoring).
/// "what forget erased: 3 chat items, 6 mentor items and 2 course items", for the undo question.
fn forgotten_items(stores: &[(crate::ops::StoreKind, crate::ops::StoreOutcome)]) -> String {
    use crate::ops::StoreOutcome;
    let parts: Vec<String> = stores
        .iter()
        .filter_map(|(store, outcome)| {
            let n = match outcome {
                StoreOutcome::Erased { items } => *items,
                StoreOutcome::Failed { erased, .. } => *erased,
                StoreOutcome::AlreadyEmpty | StoreOutcome::Unavailable { .. } => 0,
            };
            (n > 0).then(|| count_noun(n, &format!("{store} item"), &format!("{store} items")))
        })
        .collect();
    let list = match parts.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    format!("what forget erased ({list})")
}

fn erased_any(outcome: &crate::ops::StoreOutcome) -> bool {
    use crate::ops::StoreOutcome;
    match outcome {
        StoreOutcome::Erased { items } => *items > 0,
        StoreOutcome::Failed { erased, .. } => *erased > 0,
        StoreOutcome::AlreadyEmpty | StoreOutcome::Unavailable { .. } => false,
    }
}
