//! `App::update`: every input changes state here and returns the effects to run. Nothing in
//! this file waits on the network.

use std::time::Duration;

use crossterm::event::{KeyEvent, KeyEventKind};

use crate::api::ApiError;
use crate::ui::layout::{self, Areas};

use super::action::Action;
use super::dialogs::Dialog;
use super::event::{Effect, Input, Target};
use super::state::{
    App, Level, ListCursor, Load, MemoryPane, OrgItem, Pane, Status, TaskItem, TasksPane, Topic,
    UsersPane,
};

/// The org list of a connection, nothing loaded yet.
pub(super) fn org_items(orgs: &[crate::config::OrgChoice]) -> Vec<OrgItem> {
    orgs.iter()
        .map(|choice| OrgItem {
            choice: choice.clone(),
            info: Load::Idle,
        })
        .collect()
}

/// Users asked for per page.
pub const PAGE_SIZE: u32 = 50;
/// Pause after the last keystroke of a search before asking the server.
pub const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);
/// How often unsaved editor text is written as a draft.
pub const DRAFT_EVERY: Duration = Duration::from_secs(3);

impl App {
    /// A console on `session`, listing its orgs.
    pub fn new(session: crate::connection::Connection, keymap: super::keymap::Keymap) -> App {
        App {
            orgs: org_items(&session.orgs),
            session,
            log_path: None,
            keymap,
            orgs_list: ListCursor::default(),
            users: UsersPane::default(),
            memory: MemoryPane::default(),
            stores: Default::default(),
            tasks: TasksPane::default(),
            focus: Pane::Orgs,
            editor: None,
            dialog: None,
            status: None,
            size: (80, 24),
            tick: 0,
            clock: std::time::Instant::now(),
            next_req: 1,
            should_quit: false,
            deferred_draft: None,
            last_erase: None,
            earlier_erases: Vec::new(),
            erases_undone: 0,
            restored_ids: Vec::new(),
            in_flight: Vec::new(),
            quit_armed: false,
            command: Default::default(),
            lookup: None,
            profiles: Vec::new(),
            server_wait: None,
            switch_profile: None,
        }
    }

    /// The effects to run at start: org names, and the selected org's users.
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
        fx.push(Effect::LoadTasks);
        fx
    }

    pub fn areas(&self) -> Areas {
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        layout::areas_for(area, layout::Shape::of(self))
    }

    pub fn update(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Input::Key(_) => Vec::new(),
            Input::Mouse(m) => self.on_mouse(m),
            Input::Paste(text) => {
                if let Some(ed) = &mut self.editor {
                    ed.paste(&text);
                    if ed.refused_while_saving {
                        self.refuse_while_saving();
                    }
                } else if let Some(line) = &mut self.command.input {
                    line.push_str(&text.replace(['\n', '\r'], " "));
                } else if let Some(d) = self.erase_dialog_mut() {
                    d.typed.push_str(text.trim());
                } else if let Some(super::dialogs::Dialog::TypedConfirm(d)) = &mut self.dialog {
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
            Input::Tick(now) => {
                self.tick = self.tick.wrapping_add(1);
                self.clock = self.clock.max(now);
                self.autosave_draft()
            }
            Input::Msg(msg) => self.on_msg(msg),
        }
    }

    pub(super) fn next_req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    /// A newer outcome replaces whatever the status line said.
    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level,
            about: None,
            topic: Topic::General,
        });
    }

    /// [`Self::set_status`] for a message about one user, dropped when another is opened.
    /// While someone else is open, a message that does not name its user is prefixed with
    /// the username, so it is not read as being about the user on screen.
    pub(super) fn set_status_for(
        &mut self,
        target: &Target,
        level: Level,
        text: impl Into<String>,
    ) {
        let mut text = text.into();
        let name = &target.user.username;
        if self.memory.target.as_ref() != Some(target) && !text.contains(name.as_str()) {
            text = format!("{name}: {text}");
        }
        self.set_status(level, text);
        if let Some(s) = self.status.as_mut() {
            s.about = Some(target.clone());
        }
    }

    /// A message about `topic` (and `about`, when given) that a later success clears.
    pub(super) fn set_status_on(
        &mut self,
        topic: Topic,
        about: Option<&Target>,
        level: Level,
        text: impl Into<String>,
    ) {
        self.set_status(level, text);
        if let Some(s) = self.status.as_mut() {
            s.topic = topic;
            s.about = about.cloned();
        }
    }

    /// `topic` went well (for `about`, when given): its earlier failure is no longer true.
    pub(super) fn clear_status_on(&mut self, topic: Topic, about: Option<&Target>) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.topic == topic && (about.is_none() || s.about.as_ref() == about))
        {
            self.status = None;
        }
    }

    /// Another user is open: what was said about someone else no longer belongs here.
    pub(super) fn drop_status_about_others(&mut self, open: &Target) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.about.as_ref().is_some_and(|a| a != open))
        {
            self.status = None;
        }
    }

    pub(super) fn explain(&self, what: &str, e: &ApiError) -> String {
        format!("{what}: {e} — {}", e.advice(&self.session.key_source))
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.dialog.is_some() {
            return self.on_dialog_key(key);
        }
        if self.editor.is_some() {
            return self.on_editor_key(key);
        }
        if self.command.input.is_some() {
            return self.on_command_key(key);
        }
        if self.users.search_input.is_some() {
            return self.on_search_key(key);
        }
        if key.code == crossterm::event::KeyCode::Esc {
            return self.on_esc();
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
        if action.is_write()
            && let Some(why) = self.busy_with_open_user()
        {
            return Err(why);
        }
        Ok(())
    }

    pub fn perform(&mut self, action: Action) -> Vec<Effect> {
        if let Err(why) = self.permits(action) {
            self.set_status(Level::Warning, why);
            return Vec::new();
        }
        if let Some(fx) = self.perform_on_tab(action) {
            return fx;
        }
        match action {
            Action::TabChat | Action::TabMentor | Action::TabCourse => Vec::new(),
            Action::Forget => self.start_forget(),
            Action::Quit => {
                self.quit_or_warn();
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
            Action::Command => self.open_command_line(),
            Action::Refresh => self.refresh(),
            Action::PrevEntry => self.step_entry(-1),
            Action::NextEntry => self.step_entry(1),
            Action::Edit => self.start_edit(false),
            Action::EditQueued => self.start_edit(true),
            Action::Create => self.start_create(),
            Action::Erase => self.start_erase(false),
            Action::EraseAll => self.start_erase(true),
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

    pub(super) fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        let areas = self.areas();
        let height = areas.inner_height(self.focus);
        match self.focus {
            Pane::Orgs => self.orgs_list.move_by(delta, self.orgs.len(), height),
            Pane::Users => {
                self.users
                    .list
                    .move_by(delta, self.users.items.len(), height);
                if delta >= isize::MAX / 2 {
                    return self.load_to_end();
                }
                return self.maybe_load_more();
            }
            // The wheel over a mentor or course tab scrolls the selected item's text.
            Pane::Memory if self.stores.tab != super::stores_pane::StoreTab::Chat => {
                return self.scroll_detail(delta);
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

    /// Rows the memory text may use: the pane's inner height less the entry list and the
    /// status line.
    pub fn memory_text_height(&self) -> usize {
        let inner = self.memory_body_height();
        inner.saturating_sub(self.memory.list_rows(inner) + 1)
    }

    /// Selects the previous or next entry of the opened user's memory.
    pub(super) fn step_entry(&mut self, step: isize) -> Vec<Effect> {
        let len = self.memory.entries().len();
        if len == 0 {
            self.set_status(Level::Info, "no entries to choose from");
            return Vec::new();
        }
        let index = (self.memory.selected as isize + step).clamp(0, len as isize - 1);
        self.memory.select(index as usize);
        Vec::new()
    }

    pub fn memory_rows(&self, width: u16) -> usize {
        self.memory
            .view
            .as_ref()
            .map(|v| v.total_rows(width.max(1)))
            .unwrap_or(0)
    }

    pub(super) fn reveal_all(&mut self) {
        let a = self.areas();
        self.orgs_list.reveal(a.inner_height(Pane::Orgs));
        self.users.list.reveal(a.inner_height(Pane::Users));
        self.tasks.list.reveal(a.inner_height(Pane::Tasks));
        let max = self
            .memory_rows(a.inner_width(Pane::Memory))
            .saturating_sub(self.memory_text_height());
        self.memory.scroll = self.memory.scroll.min(max);
        self.clamp_store_scroll();
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

#[cfg(test)]
#[path = "update_tests.rs"]
pub(super) mod tests;

#[cfg(test)]
#[path = "status_tests.rs"]
mod status_tests;
