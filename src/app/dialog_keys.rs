//! Keys while a dialog is open: each dialog decides what its keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::editor::{EditKind, Editor};
use super::event::Effect;
use super::state::{App, Dialog, Level};

impl App {
    pub(super) fn on_dialog_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(dialog) = &mut self.dialog else {
            return Vec::new();
        };
        match dialog {
            Dialog::Help { scroll } => match key.code {
                KeyCode::Down | KeyCode::Char('j') => {
                    // Not past the end: the last line stays at the bottom.
                    let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
                    let max = crate::ui::help_max_scroll(self, area);
                    if let Some(Dialog::Help { scroll }) = &mut self.dialog {
                        *scroll = (*scroll + 1).min(max);
                    }
                }
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                _ => self.dialog = None,
            },
            Dialog::Erase(d) => match key.code {
                KeyCode::Esc => {
                    self.dialog = None;
                    self.set_status(Level::Info, "erase cancelled");
                }
                KeyCode::Char('c') if ctrl => {
                    self.dialog = None;
                    self.set_status(Level::Info, "erase cancelled");
                }
                KeyCode::Backspace => {
                    d.typed.pop();
                    d.mismatch = false;
                }
                KeyCode::Enter => {
                    if d.typed == d.target.user.username {
                        let (target, scope) = (d.target.clone(), d.scope);
                        self.dialog = None;
                        if let Err(why) = self.permits(Action::Erase) {
                            self.set_status(Level::Warning, why);
                            return Vec::new();
                        }
                        self.set_status(Level::Info, "backing up, then erasing…");
                        return vec![Effect::Erase { target, scope }];
                    }
                    d.mismatch = true;
                }
                KeyCode::Char(c) if !ctrl && !c.is_control() => {
                    d.typed.push(c);
                    d.mismatch = false;
                }
                _ => {}
            },
            Dialog::Conflict(c) => match key.code {
                KeyCode::Down | KeyCode::Char('j') => c.scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => c.scroll = c.scroll.saturating_sub(1),
                KeyCode::Char('y') => {
                    // Send mine, but only over the version just shown.
                    let c = c.clone();
                    self.dialog = None;
                    if let Some(ed) = self.editor.as_mut().filter(|ed| ed.target == c.target) {
                        ed.saving = true;
                        ed.original = c.server.clone();
                        if c.creating {
                            ed.kind = EditKind::Replace {
                                session_id: c.session_id.clone(),
                                entry: c.entry,
                            };
                        }
                    }
                    self.set_status(Level::Info, "saving over the server's version…");
                    return vec![Effect::Replace {
                        target: c.target,
                        text: c.mine,
                        session_id: c.session_id,
                        base: c.server,
                        entry: c.entry,
                    }];
                }
                KeyCode::Char('t') => {
                    let target = c.target.clone();
                    self.dialog = None;
                    self.editor = None;
                    self.set_status(
                        Level::Info,
                        "kept the server's version; your text stays in a draft until you discard it",
                    );
                    if self.memory.target.as_ref() == Some(&target) {
                        return self.refresh_memory();
                    }
                }
                KeyCode::Esc | KeyCode::Char('e') => {
                    let c = c.clone();
                    self.dialog = None;
                    if let Some(ed) = self.editor.as_mut().filter(|ed| ed.target == c.target) {
                        // The operator has now seen the server's text; the next save checks
                        // against it.
                        ed.original = c.server;
                        if c.creating {
                            ed.kind = EditKind::Replace {
                                session_id: c.session_id,
                                entry: c.entry,
                            };
                        }
                    }
                }
                _ => {}
            },
            Dialog::RestoreDraft { target, draft } => match key.code {
                KeyCode::Char('r') => {
                    let (target, draft) = (target.clone(), draft.clone());
                    self.dialog = None;
                    // Saved as the edit would have been: to its entry, or (a draft of a
                    // queued rewrite) to the memory the read shows first.
                    let entries = self.memory.entries();
                    let edited = match draft.entry_id {
                        Some(id) => entries.iter().find(|e| e.id == id),
                        None => entries.first(),
                    };
                    let kind = match edited {
                        None => EditKind::Create,
                        Some(e) => EditKind::Replace {
                            session_id: e.session_id.clone(),
                            entry: draft.entry_id,
                        },
                    };
                    // The draft's own starting point, so a save detects any change since.
                    let mut ed = Editor::new(target, kind, draft.original.clone(), &draft.text);
                    ed.mark_drafted(self.clock);
                    self.open_editor(ed);
                }
                KeyCode::Char('d') => {
                    let target = target.clone();
                    self.dialog = None;
                    self.set_status(Level::Info, "draft discarded");
                    return vec![Effect::RemoveDraft { target }];
                }
                KeyCode::Esc => self.dialog = None,
                _ => {}
            },
            Dialog::ConfirmRestore { target, backup } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    let (target, backup) = (target.clone(), backup.clone());
                    self.dialog = None;
                    if let Err(why) = self.permits(Action::UndoErase) {
                        self.set_status(Level::Warning, why);
                        return Vec::new();
                    }
                    self.set_status(Level::Info, "restoring from the backup…");
                    return vec![Effect::Restore { target, backup }];
                }
                _ => {
                    self.dialog = None;
                    self.set_status(Level::Info, "restore cancelled");
                }
            },
            Dialog::Audit { scroll, .. } => match key.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::PageDown => *scroll += 10,
                KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                _ => self.dialog = None,
            },

            Dialog::ConfirmToggle { target, enable } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    let (target, enable) = (target.clone(), *enable);
                    self.dialog = None;
                    return self.confirm_toggle(target, enable);
                }
                _ => {
                    self.dialog = None;
                    self.set_status(Level::Info, "memory on/off unchanged");
                }
            },
            Dialog::ConfirmQuit => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.should_quit = true,
                _ => self.dialog = None,
            },
            Dialog::ConfirmDiscard => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.dialog = None;
                    self.editor = None;
                    self.set_status(Level::Info, "changes discarded");
                }
                _ => self.dialog = None,
            },
        }
        Vec::new()
    }
}
