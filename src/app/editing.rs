//! Editing memory: opening the editor, saving, what a failed save or a conflict does, on/off.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::api::{MemoryEntry, TaskPhase};

use super::dialogs::{ConflictDialog, Dialog, RestoreDraftDialog, ToggleQuestion};
use super::editor::{EditKind, Editor};
use super::event::{Effect, Target};
use super::state::{App, Level, Load};

impl App {
    pub(super) fn current_target(&self) -> Option<Target> {
        self.memory.target.clone()
    }

    /// Opens the editor on the selected entry (`queued`: on the user's memory as a whole,
    /// saved through the server's queue).
    pub(super) fn start_edit(&mut self, queued: bool) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        if self.memory.entries.ready().is_none() {
            self.set_status(Level::Info, "the memory is still loading");
            return Vec::new();
        }
        // The queued update changes the entry a read shows first.
        let chosen = if queued {
            self.memory.entries().first()
        } else {
            self.memory.selected_entry()
        };
        let Some(chosen) = chosen else {
            self.set_status(Level::Info, "no memory yet: press n to create it");
            return Vec::new();
        };
        let original = chosen.text().to_owned();
        let session_id = chosen.session_id.clone();
        let entry = (!queued).then_some(chosen.id);
        // A failed update's text comes back rather than being lost.
        let start = self
            .tasks
            .items
            .iter()
            .rev()
            .find(|t| t.target == target && t.phase() == TaskPhase::Failed)
            .map(|t| t.text.clone())
            .unwrap_or_else(|| original.clone());
        self.open_editor(Editor::new(
            target,
            EditKind::Replace { session_id, entry },
            original,
            &start,
        ));
        Vec::new()
    }

    /// Shows `ed`; its draft clock starts at the console's clock, not the wall's.
    /// Opens the editor, unless a draft of this user waits for a decision: that is offered
    /// first, since the new edit's draft would replace it.
    pub(super) fn open_editor(&mut self, mut ed: Editor) {
        if let Some((target, draft)) = self
            .deferred_draft
            .as_ref()
            .filter(|(t, _)| *t == ed.target)
        {
            self.dialog = Some(Dialog::RestoreDraft(RestoreDraftDialog {
                target: target.clone(),
                draft: draft.clone(),
            }));
            self.set_status(
                Level::Info,
                "restore or discard the unsaved draft first: a user keeps one draft, and a new edit would replace it",
            );
            return;
        }
        ed.draft_at = self.clock;
        self.editor = Some(ed);
    }

    pub(super) fn start_create(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        match &self.memory.entries {
            Load::Ready(e) if e.is_empty() => {
                self.open_editor(Editor::new(target, EditKind::Create, String::new(), ""));
            }
            Load::Ready(_) => {
                self.set_status(Level::Info, "this user has memory already: e to edit it")
            }
            _ => self.set_status(Level::Info, "the memory is still loading"),
        }
        Vec::new()
    }

    pub(super) fn on_editor_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Char('s') if ctrl => self.save(),
            KeyCode::Char('c') if ctrl => {
                if editor.is_changed() {
                    self.dialog = Some(Dialog::ConfirmQuit);
                } else {
                    self.should_quit = true;
                }
                Vec::new()
            }
            // Leaving while a save is in flight would drop the text if the save then fails.
            KeyCode::Esc if editor.saving => {
                editor.refused_while_saving = true;
                self.refuse_while_saving();
                Vec::new()
            }
            KeyCode::Esc => {
                if editor.is_changed() {
                    self.dialog = Some(Dialog::ConfirmDiscard);
                    Vec::new()
                } else {
                    // Typed and undone again: an autosave may have written what was undone.
                    self.drop_editor()
                }
            }
            _ => {
                editor.key(key);
                if editor.refused_while_saving {
                    self.refuse_while_saving();
                }
                Vec::new()
            }
        }
    }

    /// Closes the editor, dropping what it held: its draft too, when the draft is this edit's.
    pub(super) fn drop_editor(&mut self) -> Vec<Effect> {
        match self.editor.take() {
            Some(ed) if ed.owns_draft => vec![Effect::RemoveDraft { target: ed.target }],
            _ => Vec::new(),
        }
    }

    /// A key came while a save is in flight: it was not taken, and the operator is told so,
    /// rather than the key being lost behind the save.
    pub(super) fn refuse_while_saving(&mut self) {
        self.set_status(
            Level::Warning,
            "saving… the editor takes no keys until the server answers (that key was not typed)",
        );
    }

    pub(super) fn save(&mut self) -> Vec<Effect> {
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        if editor.saving {
            editor.refused_while_saving = true;
            self.refuse_while_saving();
            return Vec::new();
        }
        let text = editor.text();
        let target = editor.target.clone();
        match editor.kind.clone() {
            EditKind::Replace { .. } if !editor.is_changed() => {
                self.editor = None;
                self.set_status(Level::Info, "no changes: nothing was sent");
                Vec::new()
            }
            EditKind::Replace { session_id, entry } => {
                editor.saving = true;
                editor.error = None;
                let base = editor.original.clone();
                self.set_status(
                    Level::Info,
                    "checking for changes on the server, then saving…",
                );
                vec![Effect::Replace {
                    target,
                    text,
                    session_id,
                    base,
                    entry,
                }]
            }
            EditKind::MentorEntry { .. } => self.save_mentor_entry(),
            EditKind::Create => {
                editor.saving = true;
                editor.error = None;
                self.set_status(Level::Info, "creating…");
                vec![Effect::Create { target, text }]
            }
        }
    }

    /// A save that did not happen: the editor stays open with its text, which also goes to a
    /// draft so not even a crash loses it.
    pub(super) fn save_failed(&mut self, target: &Target, text: String) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.editor.as_ref().is_some_and(|ed| &ed.target == target) {
            if let Some(ed) = self.editor.as_mut() {
                ed.save_ended();
                ed.error = Some(text.clone());
            }
            fx.extend(self.draft_effect());
        }
        self.set_status_for(target, Level::Error, text);
        fx
    }

    pub(super) fn on_conflict(
        &mut self,
        target: Target,
        mine: String,
        server: Vec<MemoryEntry>,
        creating: bool,
        entry: Option<i64>,
    ) -> Vec<Effect> {
        // The entry being saved, as the server has it now (gone: empty).
        let current = match entry {
            Some(id) => server.iter().find(|e| e.id == id),
            None => server.first(),
        };
        let server_text = current.map(|e| e.text().to_owned()).unwrap_or_default();
        let session_id = current.and_then(|e| e.session_id.clone());
        if let Some(ed) = self.editor.as_mut().filter(|ed| ed.target == target) {
            ed.save_ended();
        }
        let mut fx: Vec<Effect> = self.draft_effect().into_iter().collect();
        if server_text == mine && current.is_some() {
            self.editor = None;
            self.set_status(
                Level::Info,
                "the server already has this text: nothing was sent",
            );
            fx.push(Effect::RemoveDraft {
                target: target.clone(),
            });
            if self.memory.target.as_ref() == Some(&target) {
                fx.extend(self.refresh_memory());
            }
            return fx;
        }
        self.set_status(
            Level::Warning,
            "the memory changed on the server since you started: nothing was sent",
        );
        self.dialog = Some(Dialog::Conflict(ConflictDialog {
            target,
            mine,
            server: server_text,
            session_id,
            creating,
            entry: if creating {
                server.first().map(|e| e.id)
            } else {
                entry
            },
            scroll: 0,
        }));
        fx
    }

    pub(super) fn toggle_memory(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        let Some(enabled) = self.memory.enabled.ready().copied() else {
            self.set_status(Level::Info, "the memory status is not known yet");
            return Vec::new();
        };
        // One stray key must not change data: the switch waits for a y.
        self.dialog = Some(Dialog::ConfirmToggle(ToggleQuestion {
            target,
            enable: !enabled,
        }));
        Vec::new()
    }

    /// The y of the on/off question.
    pub(super) fn confirm_toggle(&mut self, target: Target, enable: bool) -> Vec<Effect> {
        if let Err(why) = self.permits(super::action::Action::ToggleMemory) {
            self.set_status(Level::Warning, why);
            return Vec::new();
        }
        if self.memory.target.as_ref() == Some(&target) {
            self.memory.enabled = Load::Loading;
        }
        vec![Effect::SetEnabled {
            target,
            enabled: enable,
        }]
    }
}
