//! The found-draft dialog: an unsaved edit from earlier exists for the user just opened;
//! restore it into the editor, discard it, or decide later.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::store::Draft;
use crate::text::sanitize_single_line;

use super::super::editor::{EditKind, Editor};
use super::super::event::{Effect, Target};
use super::super::state::Level;
use super::step::{KeyCtx, Step};
use super::window::{Theme, human_time, question};

/// An unsaved edit from earlier, for the user just opened.
#[derive(Debug)]
pub struct RestoreDraftDialog {
    pub target: Target,
    pub draft: Draft,
}

impl RestoreDraftDialog {
    /// r restores the draft into the editor, d discards it, Esc decides later.
    pub fn on_key(&mut self, key: KeyEvent, ctx: &mut KeyCtx) -> Vec<Step> {
        match key.code {
            KeyCode::Char('r') => {
                let draft = &self.draft;
                // Saved as the edit would have been: to its entry, or (a draft of a
                // queued rewrite) to the memory the read shows first.
                let entries = ctx.memory.entries();
                let edited = match draft.entry_id {
                    Some(id) => entries.iter().find(|e| e.id == id),
                    None => entries.first(),
                };
                let kind = match (&draft.mentor, edited) {
                    // Saved only if the server still holds the entry as the edit first saw it.
                    (Some(m), _) => EditKind::MentorEntry {
                        entry_id: m.entry_id.clone(),
                        seen: Box::new(m.seen.clone()),
                    },
                    (None, None) => EditKind::Create,
                    (None, Some(e)) => EditKind::Replace {
                        session_id: e.session_id.clone(),
                        entry: draft.entry_id,
                    },
                };
                // The draft's own starting point, so a save detects any change since.
                let mut ed = Editor::new(
                    self.target.clone(),
                    kind,
                    draft.original.clone(),
                    &draft.text,
                );
                ed.mark_drafted(ctx.clock);
                ed.owns_draft = true;
                vec![
                    Step::Close,
                    Step::DraftSettled(self.target.clone()),
                    Step::OpenEditor(Box::new(ed)),
                ]
            }
            KeyCode::Char('d') => vec![
                Step::Close,
                Step::DraftSettled(self.target.clone()),
                Step::status(Level::Info, "draft discarded"),
                Step::Run(Effect::RemoveDraft {
                    target: self.target.clone(),
                }),
            ],
            KeyCode::Esc => vec![
                Step::Close,
                Step::DeferDraft(self.target.clone(), Box::new(self.draft.clone())),
                Step::status(
                    Level::Info,
                    "the draft is kept; it is offered again before any edit of this user",
                ),
            ],
            _ => Vec::new(),
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let draft = &self.draft;
        question(
            frame,
            area,
            " Unsaved draft ",
            format!(
                "You have an unsaved edit of {}'s {} from {} ({} bytes). \
                 r: restore it into the editor   d: discard it   Esc: decide later",
                sanitize_single_line(&draft.username),
                match &draft.mentor {
                    Some(m) => format!(
                        "mentor memory entry \"{}\"",
                        sanitize_single_line(&m.seen.key)
                    ),
                    None => "memory".to_owned(),
                },
                human_time(draft.saved_at),
                draft.text.len()
            ),
            theme,
        );
    }
}
