//! `App::update`: every input changes state here and returns the effects to run. Nothing in
//! this file waits on the network.

use std::time::{Duration, Instant};

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::api::{ApiError, MemoryEntry, TaskPhase, UsersQuery};
use crate::text::TextView;
use crate::ui::layout::{self, Areas};

use super::action::Action;
use super::editor::{EditKind, Editor};
use super::event::{Effect, Input, Msg, Target};
use super::state::{
    App, Dialog, EraseDialog, Level, ListCursor, Load, MemoryPane, OrgItem, Pane, Session, Status,
    TaskItem, TasksPane, UsersPane,
};

/// Users asked for per page.
pub const PAGE_SIZE: u32 = 50;
/// Pause after the last keystroke of a search before asking the server.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);
/// How often unsaved editor text is written as a draft.
pub const DRAFT_EVERY: Duration = Duration::from_secs(3);
const FIRST_POLL: Duration = Duration::from_secs(1);
const MAX_POLL: Duration = Duration::from_secs(10);

impl App {
    pub fn new(
        session: Session,
        keymap: super::keymap::Keymap,
        orgs: Vec<crate::config::OrgChoice>,
    ) -> App {
        App {
            session,
            keymap,
            orgs: orgs
                .into_iter()
                .map(|choice| OrgItem {
                    choice,
                    info: Load::Idle,
                })
                .collect(),
            orgs_list: ListCursor::default(),
            users: UsersPane::default(),
            memory: MemoryPane::default(),
            tasks: TasksPane::default(),
            focus: Pane::Orgs,
            editor: None,
            dialog: None,
            status: None,
            size: (80, 24),
            tick: 0,
            next_req: 1,
            should_quit: false,
            last_erase: None,
        }
    }

    /// The effects to run at start: org names, and the first org's users.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut fx: Vec<Effect> = self
            .orgs
            .iter_mut()
            .enumerate()
            .map(|(i, o)| {
                o.info = Load::Loading;
                Effect::LoadOrgInfo {
                    org: i,
                    scope: o.choice.scope.clone(),
                }
            })
            .collect();
        if self.orgs.is_empty() {
            self.set_status(
                Level::Warning,
                "this profile lists no orgs: add [[profiles.NAME.orgs]] to the config",
            );
        } else {
            fx.extend(self.open_org(self.orgs_list.selected));
        }
        fx
    }

    pub fn areas(&self) -> Areas {
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        layout::areas(area, self.orgs.len(), self.tasks.items.len())
    }

    pub fn update(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Input::Key(_) => Vec::new(),
            Input::Mouse(m) => self.on_mouse(m),
            Input::Paste(text) => {
                if let Some(ed) = &mut self.editor {
                    ed.textarea.insert_str(text);
                } else if let Some(d) = self.erase_dialog_mut() {
                    d.typed.push_str(text.trim());
                } else if let Some(input) = &mut self.users.search_input {
                    input.push_str(text.trim());
                    return self.schedule_search();
                }
                Vec::new()
            }
            Input::Resize(w, h) => {
                self.size = (w, h);
                self.reveal_all();
                Vec::new()
            }
            Input::Tick => {
                self.tick = self.tick.wrapping_add(1);
                self.autosave_draft()
            }
            Input::Msg(msg) => self.on_msg(msg),
        }
    }

    fn next_req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level,
        });
    }

    fn explain(&self, what: &str, e: &ApiError) -> String {
        format!("{what}: {e} — {}", e.advice(&self.session.key_source))
    }

    // ---- keys ----

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.dialog.is_some() {
            return self.on_dialog_key(key);
        }
        if self.editor.is_some() {
            return self.on_editor_key(key);
        }
        if self.users.search_input.is_some() {
            return self.on_search_key(key);
        }
        match self.keymap.action(&key) {
            Some(action) => self.perform(action),
            None => Vec::new(),
        }
    }

    /// The one gate every action passes: read-only mode refuses writes here.
    pub fn permits(&self, action: Action) -> Result<(), String> {
        if action.is_write() && self.session.read_only {
            return Err(format!(
                "read-only: {} is switched off for profile {}",
                action.describe(),
                self.session.profile
            ));
        }
        Ok(())
    }

    pub fn perform(&mut self, action: Action) -> Vec<Effect> {
        if let Err(why) = self.permits(action) {
            self.set_status(Level::Warning, why);
            return Vec::new();
        }
        match action {
            Action::Quit => {
                self.should_quit = true;
                Vec::new()
            }
            Action::Help => {
                self.dialog = Some(Dialog::Help { scroll: 0 });
                Vec::new()
            }
            Action::NextPane => {
                self.focus = cycle(self.focus, 1);
                Vec::new()
            }
            Action::PrevPane => {
                self.focus = cycle(self.focus, -1);
                Vec::new()
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => {
                let h = self.areas().inner_height(self.focus).max(1) as isize;
                self.move_by(-h)
            }
            Action::PageDown => {
                let h = self.areas().inner_height(self.focus).max(1) as isize;
                self.move_by(h)
            }
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Open => self.open(),
            Action::Search => {
                self.focus = Pane::Users;
                self.users.search_input = Some(self.users.search.clone());
                Vec::new()
            }
            Action::Refresh => self.refresh(),
            Action::Edit => self.start_edit(),
            Action::Create => self.start_create(),
            Action::Erase => self.start_erase(),
            Action::ToggleMemory => self.toggle_memory(),
            Action::UndoErase => self.start_undo_erase(),
            Action::AuditLog => {
                self.dialog = Some(Dialog::Audit {
                    records: Load::Loading,
                    scroll: 0,
                });
                vec![Effect::LoadAudit]
            }
        }
    }

    fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        let areas = self.areas();
        let height = areas.inner_height(self.focus);
        match self.focus {
            Pane::Orgs => self.orgs_list.move_by(delta, self.orgs.len(), height),
            Pane::Users => {
                self.users
                    .list
                    .move_by(delta, self.users.items.len(), height);
                return self.maybe_load_more();
            }
            Pane::Memory => {
                let width = areas.inner_width(Pane::Memory);
                let total = self.memory_rows(width);
                let max = total.saturating_sub(self.memory_text_height());
                let next = (self.memory.scroll as isize).saturating_add(delta);
                self.memory.scroll = next.clamp(0, max as isize) as usize;
            }
            Pane::Tasks => self
                .tasks
                .list
                .move_by(delta, self.tasks.items.len(), height),
        }
        Vec::new()
    }

    /// Rows the memory text may use: the pane's inner height less the entry header lines.
    pub fn memory_text_height(&self) -> usize {
        let inner = self.areas().inner_height(Pane::Memory);
        inner.saturating_sub(self.memory.detail_rows(inner) + 1)
    }

    pub fn memory_rows(&self, width: u16) -> usize {
        self.memory
            .view
            .as_ref()
            .map(|v| v.total_rows(width.max(1)))
            .unwrap_or(0)
    }

    fn reveal_all(&mut self) {
        let a = self.areas();
        self.orgs_list.reveal(a.inner_height(Pane::Orgs));
        self.users.list.reveal(a.inner_height(Pane::Users));
        self.tasks.list.reveal(a.inner_height(Pane::Tasks));
        let max = self
            .memory_rows(a.inner_width(Pane::Memory))
            .saturating_sub(self.memory_text_height());
        self.memory.scroll = self.memory.scroll.min(max);
    }

    fn open(&mut self) -> Vec<Effect> {
        match self.focus {
            Pane::Orgs => {
                let fx = self.open_org(self.orgs_list.selected);
                self.focus = Pane::Users;
                fx
            }
            Pane::Users => {
                let fx = self.open_selected_user();
                if !fx.is_empty() {
                    self.focus = Pane::Memory;
                }
                fx
            }
            Pane::Tasks => {
                let Some(task) = self.tasks.items.get(self.tasks.list.selected) else {
                    return Vec::new();
                };
                let target = task.target.clone();
                self.focus = Pane::Memory;
                self.open_target(target)
            }
            Pane::Memory => Vec::new(),
        }
    }

    fn open_org(&mut self, index: usize) -> Vec<Effect> {
        if index >= self.orgs.len() {
            return Vec::new();
        }
        self.orgs_list.selected = index;
        self.users = UsersPane {
            org: Some(index),
            search: self.users.search.clone(),
            search_token: self.users.search_token,
            ..UsersPane::default()
        };
        self.load_users_page()
    }

    fn load_users_page(&mut self) -> Vec<Effect> {
        let (Some(org), Some(page)) = (self.users.org, self.users.cursor.next_page()) else {
            return Vec::new();
        };
        if self.users.loading.is_some() {
            return Vec::new();
        }
        let req = self.next_req();
        self.users.loading = Some(req);
        self.users.error = None;
        vec![Effect::LoadUsers {
            req,
            scope: self.orgs[org].choice.scope.clone(),
            query: UsersQuery {
                page,
                page_size: PAGE_SIZE,
                search: self.users.search.clone(),
            },
        }]
    }

    /// Fetches the next page when the selection nears the end of what is loaded.
    fn maybe_load_more(&mut self) -> Vec<Effect> {
        let height = self.areas().inner_height(Pane::Users).max(1);
        if self.users.list.selected + 2 * height >= self.users.items.len() {
            self.load_users_page()
        } else {
            Vec::new()
        }
    }

    fn selected_target(&self) -> Option<(Target, String)> {
        let org = self.orgs.get(self.users.org?)?;
        let user = self.users.items.get(self.users.list.selected)?;
        let label = match &user.name {
            Some(n) if !n.is_empty() => format!("{} ({n})", user.username),
            _ => user.username.clone(),
        };
        Some((
            Target {
                org: org.choice.scope.clone(),
                user: user.to_ref(),
            },
            label,
        ))
    }

    fn open_selected_user(&mut self) -> Vec<Effect> {
        let Some((target, label)) = self.selected_target() else {
            return Vec::new();
        };
        let mut fx = self.open_target(target);
        self.memory.user_label = label;
        fx.shrink_to_fit();
        fx
    }

    fn open_target(&mut self, target: Target) -> Vec<Effect> {
        let req = self.next_req();
        let status_req = self.next_req();
        self.memory = MemoryPane {
            user_label: target.user.username.clone(),
            target: Some(target.clone()),
            req,
            entries: Load::Loading,
            view: None,
            status_req,
            enabled: Load::Loading,
            scroll: 0,
        };
        vec![
            Effect::LoadMemory {
                req,
                target: target.clone(),
            },
            Effect::LoadStatus {
                req: status_req,
                target,
            },
        ]
    }

    fn refresh(&mut self) -> Vec<Effect> {
        match self.focus {
            Pane::Orgs | Pane::Users => {
                let org = self.users.org.unwrap_or(self.orgs_list.selected);
                self.open_org(org)
            }
            Pane::Memory | Pane::Tasks => match self.memory.target.clone() {
                Some(t) => {
                    let label = self.memory.user_label.clone();
                    let fx = self.open_target(t);
                    self.memory.user_label = label;
                    fx
                }
                None => Vec::new(),
            },
        }
    }

    // ---- search ----

    fn on_search_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(input) = &mut self.users.search_input else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => {
                self.users.search_input = None;
                Vec::new()
            }
            KeyCode::Enter => {
                self.users.search_token += 1;
                self.apply_search()
            }
            KeyCode::Backspace => {
                input.pop();
                self.schedule_search()
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.users.search_input = None;
                Vec::new()
            }
            KeyCode::Char(c) if !c.is_control() => {
                input.push(c);
                self.schedule_search()
            }
            _ => Vec::new(),
        }
    }

    fn schedule_search(&mut self) -> Vec<Effect> {
        self.users.search_token += 1;
        vec![Effect::SearchAfter {
            token: self.users.search_token,
            after: SEARCH_DEBOUNCE,
        }]
    }

    fn apply_search(&mut self) -> Vec<Effect> {
        let Some(input) = self.users.search_input.take() else {
            return Vec::new();
        };
        self.users.search = input.trim().to_owned();
        let org = self.users.org.unwrap_or(self.orgs_list.selected);
        self.open_org(org)
    }

    // ---- editing ----

    fn current_target(&self) -> Option<Target> {
        self.memory.target.clone()
    }

    fn start_edit(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        let Some(entries) = self.memory.entries.ready() else {
            self.set_status(Level::Info, "the memory is still loading");
            return Vec::new();
        };
        let Some(first) = entries.first() else {
            self.set_status(Level::Info, "no memory yet: press n to create it");
            return Vec::new();
        };
        let original = first.text().to_owned();
        let session_id = first.session_id.clone();
        // A failed update's text comes back rather than being lost.
        let start = self
            .tasks
            .items
            .iter()
            .rev()
            .find(|t| t.target == target && t.phase() == TaskPhase::Failed)
            .map(|t| t.text.clone())
            .unwrap_or_else(|| original.clone());
        self.editor = Some(Editor::new(
            target,
            EditKind::Replace { session_id },
            original,
            &start,
        ));
        Vec::new()
    }

    fn start_create(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        match &self.memory.entries {
            Load::Ready(e) if e.is_empty() => {
                self.editor = Some(Editor::new(target, EditKind::Create, String::new(), ""));
            }
            Load::Ready(_) => {
                self.set_status(Level::Info, "this user has memory already: e to edit it")
            }
            _ => self.set_status(Level::Info, "the memory is still loading"),
        }
        Vec::new()
    }

    fn on_editor_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Char('s') if ctrl => self.save(),
            KeyCode::Esc => {
                if editor.is_changed() {
                    self.dialog = Some(Dialog::ConfirmDiscard);
                } else {
                    self.editor = None;
                }
                Vec::new()
            }
            KeyCode::Char('c') if ctrl => {
                if editor.is_changed() {
                    self.dialog = Some(Dialog::ConfirmQuit);
                } else {
                    self.should_quit = true;
                }
                Vec::new()
            }
            _ => {
                editor.textarea.input(key);
                Vec::new()
            }
        }
    }

    fn save(&mut self) -> Vec<Effect> {
        let Some(editor) = &mut self.editor else {
            return Vec::new();
        };
        if editor.saving {
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
            EditKind::Replace { session_id } => {
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
                }]
            }
            EditKind::Create => {
                editor.saving = true;
                editor.error = None;
                self.set_status(Level::Info, "creating…");
                vec![Effect::Create { target, text }]
            }
        }
    }

    // ---- erase and toggle ----

    fn start_erase(&mut self) -> Vec<Effect> {
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

    fn erase_dialog_mut(&mut self) -> Option<&mut EraseDialog> {
        match &mut self.dialog {
            Some(Dialog::Erase(d)) => Some(d),
            _ => None,
        }
    }

    fn toggle_memory(&mut self) -> Vec<Effect> {
        let Some(target) = self.current_target() else {
            self.set_status(Level::Info, "open a user first (Enter in the Users pane)");
            return Vec::new();
        };
        let Some(enabled) = self.memory.enabled.ready().copied() else {
            self.set_status(Level::Info, "the memory status is not known yet");
            return Vec::new();
        };
        self.memory.enabled = Load::Loading;
        vec![Effect::SetEnabled {
            target,
            enabled: !enabled,
        }]
    }

    fn on_dialog_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(dialog) = &mut self.dialog else {
            return Vec::new();
        };
        match dialog {
            Dialog::Help { scroll } => match key.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
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
                        let target = d.target.clone();
                        let entries = std::mem::take(&mut d.entries);
                        self.dialog = None;
                        if let Err(why) = self.permits(Action::Erase) {
                            self.set_status(Level::Warning, why);
                            return Vec::new();
                        }
                        self.set_status(Level::Info, "backing up, then erasing…");
                        return vec![Effect::Erase { target, entries }];
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
                            };
                        }
                    }
                    self.set_status(Level::Info, "saving over the server's version…");
                    return vec![Effect::Replace {
                        target: c.target,
                        text: c.mine,
                        session_id: c.session_id,
                        base: c.server,
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
                    let first = self.memory.entries().first();
                    let kind = match first {
                        None => EditKind::Create,
                        Some(e) => EditKind::Replace {
                            session_id: e.session_id.clone(),
                        },
                    };
                    // The draft's own starting point, so a save detects any change since.
                    let mut ed = Editor::new(target, kind, draft.original.clone(), &draft.text);
                    ed.draft_text = Some(draft.text);
                    self.editor = Some(ed);
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

    // ---- mouse ----

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if self.dialog.is_some() {
            return Vec::new();
        }
        if let Some(editor) = &mut self.editor {
            editor.textarea.input(m);
            return Vec::new();
        }
        let areas = self.areas();
        let Some(pane) = areas.pane_at(m.column, m.row) else {
            return Vec::new();
        };
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = pane;
                let area = areas.pane(pane);
                let row = m.row.saturating_sub(area.y + 1) as usize;
                if m.row <= area.y || m.row + 1 >= area.y + area.height {
                    return Vec::new();
                }
                match pane {
                    Pane::Orgs => {
                        let i = self.orgs_list.offset + row;
                        if i < self.orgs.len() {
                            self.orgs_list.selected = i;
                            return self.open();
                        }
                    }
                    Pane::Users => {
                        let i = self.users.list.offset + row;
                        if i < self.users.items.len() {
                            self.users.list.selected = i;
                            let mut fx = self.open();
                            fx.extend(self.maybe_load_more());
                            return fx;
                        }
                    }
                    Pane::Tasks => {
                        let i = self.tasks.list.offset + row;
                        if i < self.tasks.items.len() {
                            self.tasks.list.selected = i;
                        }
                    }
                    Pane::Memory => {}
                }
                Vec::new()
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if m.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                let before = self.focus;
                self.focus = pane;
                let fx = self.move_by(delta);
                self.focus = before;
                fx
            }
            _ => Vec::new(),
        }
    }

    // ---- results ----

    fn on_msg(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::OrgInfo { org, result } => {
                if let Some(o) = self.orgs.get_mut(org) {
                    o.info = match result {
                        Ok(info) => Load::Ready(info),
                        // The key is enough to work with; the name is a nicety.
                        Err(e) => Load::Failed(e.to_string()),
                    };
                }
                Vec::new()
            }
            Msg::Users { req, result } => {
                if self.users.loading != Some(req) {
                    return Vec::new();
                }
                self.users.loading = None;
                match result {
                    Ok(page) => {
                        if self.users.cursor.advance(&page) {
                            self.users.items.extend(page.results);
                        }
                        self.users.count = Some(page.count);
                        self.maybe_load_more()
                    }
                    Err(e) => {
                        let text = self.explain("loading users failed", &e);
                        self.users.error = Some(text.clone());
                        self.set_status(Level::Error, text);
                        Vec::new()
                    }
                }
            }
            Msg::Memory { req, result } => {
                if self.memory.req != req {
                    return Vec::new();
                }
                match result {
                    Ok(entries) => {
                        self.memory.view = Some(TextView::new(&joined_content(&entries)));
                        self.memory.entries = Load::Ready(entries);
                        if let Some(target) = self
                            .memory
                            .target
                            .clone()
                            .filter(|_| !self.session.read_only && self.editor.is_none())
                        {
                            return vec![Effect::LoadDraft { target }];
                        }
                    }
                    Err(e) => {
                        let text = self.explain("loading memory failed", &e);
                        self.memory.entries = Load::Failed(text.clone());
                        self.set_status(Level::Error, text);
                    }
                }
                Vec::new()
            }
            Msg::Status { req, result } => {
                if self.memory.status_req == req {
                    self.memory.enabled = match result {
                        Ok(s) => Load::Ready(s.enabled),
                        Err(e) => Load::Failed(e.to_string()),
                    };
                }
                Vec::new()
            }
            Msg::Created { target, result } => match result {
                Ok(_) => {
                    if self.editor.as_ref().is_some_and(|e| e.target == target) {
                        self.editor = None;
                    }
                    self.set_status(
                        Level::Success,
                        format!("memory created for {}", target.user.username),
                    );
                    let mut fx = vec![Effect::RemoveDraft {
                        target: target.clone(),
                    }];
                    if self.memory.target.as_ref() == Some(&target) {
                        fx.extend(self.refresh_memory());
                    }
                    fx
                }
                Err(e) => {
                    let text = self.explain("saving failed; your text is still in the editor", &e);
                    self.save_failed(&target, text)
                }
            },
            Msg::Queued {
                target,
                text,
                result,
            } => match result {
                Ok(q) => {
                    if self.editor.as_ref().is_some_and(|e| e.target == target) {
                        self.editor = None;
                    }
                    self.set_status(Level::Info, format!("update queued (task {})", q.task_id));
                    let index = self.tasks.items.len();
                    self.tasks.items.push(TaskItem {
                        target: target.clone(),
                        task_id: q.task_id.clone(),
                        kind: "update",
                        state: None,
                        unknown_reason: None,
                        created: Instant::now(),
                        next_delay: FIRST_POLL,
                        gave_up: false,
                        text,
                    });
                    vec![Effect::PollTask {
                        task: index,
                        target,
                        task_id: q.task_id,
                        after: FIRST_POLL,
                    }]
                }
                Err(e) => {
                    let text = self.explain("saving failed; your text is still in the editor", &e);
                    self.save_failed(&target, text)
                }
            },
            Msg::Toggled { target, result } => {
                let current = self.memory.target.as_ref() == Some(&target);
                match result {
                    Ok(s) => {
                        if current {
                            self.memory.enabled = Load::Ready(s.enabled);
                        }
                        let word = if s.enabled { "on" } else { "off" };
                        self.set_status(
                            Level::Success,
                            format!("memory switched {word} for {}", target.user.username),
                        );
                    }
                    Err(e) => {
                        let text = self.explain("switching memory failed", &e);
                        self.set_status(Level::Error, text);
                        if current {
                            let status_req = self.next_req();
                            self.memory.status_req = status_req;
                            return vec![Effect::LoadStatus {
                                req: status_req,
                                target,
                            }];
                        }
                    }
                }
                Vec::new()
            }
            Msg::Erased { target, result } => {
                match result {
                    Ok(report) => {
                        let (level, what) = match (report.outcome, report.verified) {
                            (crate::api::EraseOutcome::Erased, true) => {
                                (Level::Success, "memory erased")
                            }
                            (crate::api::EraseOutcome::NothingThere, true) => {
                                (Level::Success, "the server had no memory to erase")
                            }
                            (_, false) => (
                                Level::Error,
                                "the server accepted the erase but still returns data",
                            ),
                        };
                        self.set_status(
                            level,
                            format!(
                                "{what} for {}; backup at {} (u undoes)",
                                target.user.username,
                                report.backup.display()
                            ),
                        );
                        self.last_erase = Some((target.clone(), report.backup));
                    }
                    Err(why) => self.set_status(Level::Error, format!("erase failed: {why}")),
                }
                if self.memory.target.as_ref() == Some(&target) {
                    return self.refresh_memory();
                }
                Vec::new()
            }
            Msg::TaskPolled { task, result } => self.on_task_polled(task, result),
            Msg::NotSent { target, why } => self.save_failed(&target, why),
            Msg::Conflict {
                target,
                mine,
                server,
                creating,
            } => self.on_conflict(target, mine, server, creating),
            Msg::Restored { target, result } => {
                match result {
                    Ok(text) => {
                        self.set_status(Level::Success, text);
                        if self.last_erase.as_ref().is_some_and(|(t, _)| *t == target) {
                            self.last_erase = None;
                        }
                    }
                    Err(why) => self.set_status(Level::Error, format!("restore refused: {why}")),
                }
                if self.memory.target.as_ref() == Some(&target) {
                    return self.refresh_memory();
                }
                Vec::new()
            }
            Msg::DraftFound { target, draft } => self.on_draft_found(target, draft),
            Msg::DraftSaveFailed { why } => {
                self.set_status(Level::Warning, format!("draft: {why}"));
                Vec::new()
            }
            Msg::Audit { result } => {
                if let Some(Dialog::Audit { records, .. }) = &mut self.dialog {
                    *records = match result {
                        Ok(r) => Load::Ready(r),
                        Err(e) => Load::Failed(e),
                    };
                }
                Vec::new()
            }

            Msg::SearchDue { token } => {
                if token == self.users.search_token && self.users.search_input.is_some() {
                    let input = self.users.search_input.clone();
                    let fx = self.apply_search();
                    // The box stays open while typing goes on.
                    self.users.search_input = input;
                    fx
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn refresh_memory(&mut self) -> Vec<Effect> {
        let Some(target) = self.memory.target.clone() else {
            return Vec::new();
        };
        let label = self.memory.user_label.clone();
        let scroll = self.memory.scroll;
        let fx = self.open_target(target);
        self.memory.user_label = label;
        self.memory.scroll = scroll;
        fx
    }

    /// A save that did not happen: the editor stays open with its text, which also goes to a
    /// draft so not even a crash loses it.
    fn save_failed(&mut self, target: &Target, text: String) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.editor.as_ref().is_some_and(|ed| &ed.target == target) {
            if let Some(ed) = self.editor.as_mut() {
                ed.saving = false;
                ed.error = Some(text.clone());
            }
            fx.extend(self.draft_effect());
        }
        self.set_status(Level::Error, text);
        fx
    }

    /// The current editor text as a draft to write, when it differs from what the edit
    /// started from.
    pub fn draft_effect(&mut self) -> Option<Effect> {
        let profile = self.session.profile.clone();
        let ed = self.editor.as_mut()?;
        let text = ed.text();
        if text == ed.original {
            return None;
        }
        ed.draft_text = Some(text.clone());
        ed.draft_at = Instant::now();
        Some(Effect::SaveDraft {
            draft: crate::store::Draft::new(
                &profile,
                &ed.target.org.key,
                &ed.target.user.username,
                None,
                ed.original.clone(),
                text,
            ),
        })
    }

    fn autosave_draft(&mut self) -> Vec<Effect> {
        let due = self.editor.as_ref().is_some_and(|ed| {
            ed.draft_at.elapsed() >= DRAFT_EVERY
                && ed.draft_text.as_deref() != Some(ed.text().as_str())
        });
        if due {
            self.draft_effect().into_iter().collect()
        } else {
            Vec::new()
        }
    }

    fn on_draft_found(&mut self, target: Target, draft: crate::store::Draft) -> Vec<Effect> {
        if self.memory.target.as_ref() != Some(&target)
            || self.editor.is_some()
            || self.dialog.is_some()
        {
            return Vec::new();
        }
        if self.memory.entries.ready().is_some() && draft.text == self.memory.editable_text() {
            // The server already holds this text: the draft's save went through.
            return vec![Effect::RemoveDraft { target }];
        }
        self.dialog = Some(Dialog::RestoreDraft { target, draft });
        Vec::new()
    }

    fn on_conflict(
        &mut self,
        target: Target,
        mine: String,
        server: Vec<MemoryEntry>,
        creating: bool,
    ) -> Vec<Effect> {
        let server_text = server
            .first()
            .map(|e| e.text().to_owned())
            .unwrap_or_default();
        let session_id = server.first().and_then(|e| e.session_id.clone());
        if let Some(ed) = self.editor.as_mut().filter(|ed| ed.target == target) {
            ed.saving = false;
        }
        let mut fx: Vec<Effect> = self.draft_effect().into_iter().collect();
        if server_text == mine && !server.is_empty() {
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
        self.dialog = Some(Dialog::Conflict(super::state::ConflictDialog {
            target,
            mine,
            server: server_text,
            session_id,
            creating,
            scroll: 0,
        }));
        fx
    }

    fn start_undo_erase(&mut self) -> Vec<Effect> {
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

    fn on_task_polled(
        &mut self,
        index: usize,
        result: Result<crate::api::TaskState, ApiError>,
    ) -> Vec<Effect> {
        let give_up = self.session.task_poll_give_up;
        let Some(task) = self.tasks.items.get_mut(index) else {
            return Vec::new();
        };
        match result {
            Ok(state) => {
                task.unknown_reason = None;
                task.state = Some(state);
            }
            Err(e) => task.unknown_reason = Some(e.to_string()),
        }
        let phase = task.phase();
        let target = task.target.clone();
        if phase.is_final() {
            let id = task.task_id.clone();
            let user = target.user.username.clone();
            let mut fx = Vec::new();
            if phase == TaskPhase::Done {
                self.set_status(
                    Level::Success,
                    format!("update of {user} completed (task {id})"),
                );
                fx.push(Effect::RemoveDraft {
                    target: target.clone(),
                });
            } else {
                self.set_status(
                    Level::Error,
                    format!("update of {user} failed (task {id}); press e on that user to edit your text again"),
                );
            }
            if self.memory.target.as_ref() == Some(&target) {
                fx.extend(self.refresh_memory());
            }
            return fx;
        }
        if task.created.elapsed() >= give_up {
            task.gave_up = true;
            let id = task.task_id.clone();
            self.set_status(
                Level::Warning,
                format!("stopped asking about task {id}: its state stays unknown"),
            );
            return Vec::new();
        }
        let after = task.next_delay;
        task.next_delay = (task.next_delay * 2).min(MAX_POLL);
        vec![Effect::PollTask {
            task: index,
            target,
            task_id: task.task_id.clone(),
            after,
        }]
    }

    /// An open update task for the user the memory pane shows.
    pub fn pending_task(&self) -> Option<&TaskItem> {
        let target = self.memory.target.as_ref()?;
        self.tasks
            .items
            .iter()
            .rev()
            .find(|t| &t.target == target && t.is_open())
    }
}

fn cycle(pane: Pane, step: isize) -> Pane {
    let i = Pane::ORDER.iter().position(|p| *p == pane).unwrap_or(0) as isize;
    let n = Pane::ORDER.len() as isize;
    Pane::ORDER[(i + step).rem_euclid(n) as usize]
}

/// All entries' content, one after another, as the memory pane shows them.
fn joined_content(entries: &[MemoryEntry]) -> String {
    match entries {
        [one] => one.text().to_owned(),
        many => many
            .iter()
            .map(|e| format!("── entry {} ──\n{}", e.id, e.text()))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
