//! What a dialog's keys may see of the console ([`KeyCtx`]) and what they ask it to do
//! ([`Step`]); `App` carries the steps out, so a dialog depends on no more than this.

use std::time::Instant;

use crossterm::event::KeyEvent;

use super::super::action::Action;
use super::super::editor::Editor;
use super::super::event::{Effect, Target};
use super::super::keymap::Keymap;
use super::super::state::{App, Level, MemoryPane};
use crate::connection::Connection;

/// The parts of the console a dialog's keys read, and the editor, which the conflict
/// dialog adjusts in place.
pub struct KeyCtx<'a> {
    pub session: &'a Connection,
    /// The console's log file, which help names.
    pub log_path: Option<&'a std::path::Path>,
    pub keymap: &'a Keymap,
    pub memory: &'a MemoryPane,
    pub editor: Option<&'a mut Editor>,
    /// The terminal's size, for windows that scroll to their end.
    pub size: (u16, u16),
    /// The console's clock (the last tick), never the wall's.
    pub clock: Instant,
}

/// One thing the console does after a dialog handled a key. A key that returns no steps
/// leaves the dialog open and the console as it was.
#[derive(Debug)]
pub enum Step {
    /// The dialog closes.
    Close,
    Status(Level, String),
    /// Run this effect as it is.
    Run(Effect),
    /// A write, sent only when the read-only gate lets `action` through (else its refusal
    /// is the status); `busy` is the status while it runs.
    Write {
        action: Action,
        busy: &'static str,
        effect: Effect,
    },
    OpenEditor(Box<Editor>),
    /// A found draft is left for later: it is offered again before any edit of its user.
    DeferDraft(Target, Box<crate::store::Draft>),
    /// The found draft of `target` was restored or discarded.
    DraftSettled(Target),
    /// The editor closes; what it held stays in its draft.
    CloseEditor,
    /// The editor closes and what it held is dropped, its draft too.
    DiscardEditor,
    /// Read the memory again, when the open user is `target`.
    RefreshMemory(Target),
    /// Switch memory on or off (gated and shown as loading by the console).
    Toggle {
        target: Target,
        enable: bool,
    },
    Quit,
}

impl Step {
    /// The status line as a step.
    pub fn status(level: Level, text: impl Into<String>) -> Step {
        Step::Status(level, text.into())
    }
}

impl App {
    /// Hands a key to the open dialog and carries out what it asks for.
    pub(in crate::app) fn on_dialog_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(dialog) = &mut self.dialog else {
            return Vec::new();
        };
        let mut ctx = KeyCtx {
            session: &self.session,
            log_path: self.log_path.as_deref(),
            keymap: &self.keymap,
            memory: &self.memory,
            editor: self.editor.as_mut(),
            size: self.size,
            clock: self.clock,
        };
        let steps = dialog.on_key(key, &mut ctx);
        self.apply_steps(steps)
    }

    fn apply_steps(&mut self, steps: Vec<Step>) -> Vec<Effect> {
        let mut fx = Vec::new();
        for step in steps {
            match step {
                Step::Close => self.dialog = None,
                Step::Status(level, text) => self.set_status(level, text),
                Step::Run(effect) => fx.push(effect),
                Step::Write {
                    action,
                    busy,
                    effect,
                } => match self.permits(action) {
                    Err(why) => self.set_status(Level::Warning, why),
                    Ok(()) => {
                        self.set_status(Level::Info, busy);
                        self.note_in_flight(&effect);
                        fx.push(effect);
                    }
                },
                Step::OpenEditor(ed) => self.open_editor(*ed),
                Step::DeferDraft(target, draft) => self.deferred_draft = Some((target, *draft)),
                Step::DraftSettled(target) => {
                    if self
                        .deferred_draft
                        .as_ref()
                        .is_some_and(|(t, _)| *t == target)
                    {
                        self.deferred_draft = None;
                    }
                }
                Step::CloseEditor => self.editor = None,
                Step::DiscardEditor => fx.extend(self.drop_editor()),
                Step::RefreshMemory(target) => {
                    if self.memory.target.as_ref() == Some(&target) {
                        fx.extend(self.refresh_memory());
                    }
                }
                Step::Toggle { target, enable } => fx.extend(self.confirm_toggle(target, enable)),
                Step::Quit => self.should_quit = true,
            }
        }
        fx
    }
}
