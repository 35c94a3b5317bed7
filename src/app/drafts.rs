//! Drafts of unsaved editor text: when to write them and what to do when one is found.

use super::dialogs::{Dialog, RestoreDraftDialog};
use super::editor::EditKind;
use super::event::{Effect, Target};
use super::state::App;
use super::update::DRAFT_EVERY;

impl App {
    /// The current editor text as a draft to write, when it differs from what the edit
    /// started from.
    pub fn draft_effect(&mut self) -> Option<Effect> {
        let profile = crate::store::draft_scope(&self.session.profile, self.session.base_url());
        let now = self.clock;
        let ed = self.editor.as_mut()?;
        let text = ed.text();
        // Marked even when nothing is written, so the next tick does not compare again.
        ed.mark_drafted(now);
        if text == ed.original {
            return None;
        }
        let draft = crate::store::Draft::new(
            &profile,
            &ed.target.org.key,
            &ed.target.user.username,
            ed.kind.entry(),
            ed.original.clone(),
            text,
        );
        let draft = match &ed.kind {
            EditKind::MentorEntry { entry_id, seen } => draft.of_mentor_entry(entry_id, seen),
            _ => draft,
        };
        ed.owns_draft = true;
        Some(Effect::SaveDraft { draft })
    }

    pub(super) fn autosave_draft(&mut self) -> Vec<Effect> {
        let now = self.clock;
        // By the buffer's version, not by comparing texts: a tick costs nothing in a big memory.
        let due = self.editor.as_ref().is_some_and(|ed| {
            now.saturating_duration_since(ed.draft_at) >= DRAFT_EVERY && ed.needs_draft()
        });
        if due {
            self.draft_effect().into_iter().collect()
        } else {
            Vec::new()
        }
    }

    pub(super) fn on_draft_found(
        &mut self,
        target: Target,
        draft: crate::store::Draft,
    ) -> Vec<Effect> {
        if self.memory.target.as_ref() != Some(&target)
            || self.editor.is_some()
            || self.dialog.is_some()
        {
            return Vec::new();
        }
        let server_text = match (&draft.mentor, draft.entry_id) {
            (Some(mentor), _) => self.stores.mentor_entry_by_id(&mentor.entry_id).map(|e| {
                super::store_actions::mentor_text(&e.key, e.value.as_deref().unwrap_or(""))
            }),
            (None, Some(id)) => self
                .memory
                .entries()
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.text().to_owned()),
            (None, None) => self.memory.entries().first().map(|e| e.text().to_owned()),
        };
        if (draft.mentor.is_some() || self.memory.entries.ready().is_some())
            && server_text.as_deref() == Some(&draft.text)
        {
            // The server already holds this text: the draft's save went through.
            return vec![Effect::RemoveDraft { target }];
        }
        self.dialog = Some(Dialog::RestoreDraft(RestoreDraftDialog { target, draft }));
        Vec::new()
    }
}
