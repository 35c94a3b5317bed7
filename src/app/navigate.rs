//! Moving around: opening orgs, users and tasks, paging users in, searching, the mouse.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use crate::api::{PageCursor, UsersQuery};

use super::event::{Effect, Target};
use super::state::{App, Level, Load, MemoryPane, Pane, Topic, UsersPane};
use super::update::{PAGE_SIZE, SEARCH_DEBOUNCE};

impl App {
    pub(super) fn open(&mut self) -> Vec<Effect> {
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

    pub(super) fn open_org(&mut self, index: usize) -> Vec<Effect> {
        if index >= self.orgs.len() {
            return Vec::new();
        }
        self.orgs_list.selected = index;
        self.users = UsersPane {
            org: Some(index),
            search: self.users.search.clone(),
            search_token: self.users.search_token,
            cursor: PageCursor::with_page_size(PAGE_SIZE),
            ..UsersPane::default()
        };
        self.load_users_page()
    }

    pub(super) fn load_users_page(&mut self) -> Vec<Effect> {
        let (Some(org), Some(page)) = (self.users.org, self.users.cursor.next_page()) else {
            return Vec::new();
        };
        if self.users.loading.is_some() {
            return Vec::new();
        }
        let req = self.next_req();
        self.users.loading = Some(req);
        self.users.asked_at = Some(std::time::Instant::now());
        self.users.error = None;
        vec![Effect::LoadUsers {
            req,
            scope: self.orgs[org].choice.scope.clone(),
            query: UsersQuery {
                page,
                page_size: self.users.cursor.page_size(),
                search: self.users.search.clone(),
            },
        }]
    }

    /// Fetches the next page when the selection nears the end of what is loaded.
    pub(super) fn maybe_load_more(&mut self) -> Vec<Effect> {
        let height = self.areas().inner_height(Pane::Users).max(1);
        if self.users.list.selected + 2 * height >= self.users.items.len() {
            self.load_users_page()
        } else {
            Vec::new()
        }
    }

    pub(super) fn selected_target(&self) -> Option<(Target, String)> {
        let org = self.orgs.get(self.users.org?)?;
        let user = self.users.items.get(self.users.list.selected)?;
        let label = user_label(user);
        Some((
            Target {
                org: org.choice.scope.clone(),
                user: user.to_ref(),
            },
            label,
        ))
    }

    pub(super) fn open_selected_user(&mut self) -> Vec<Effect> {
        let Some((target, label)) = self.selected_target() else {
            return Vec::new();
        };
        let user = self.users.items.get(self.users.list.selected).cloned();
        // The last user's message is about them, not about this one.
        self.status = None;
        let mut fx = self.open_target(target);
        self.memory.user_label = label;
        self.memory.user = user;
        fx.shrink_to_fit();
        fx
    }

    /// Opens a user: their chat memory and on/off state, and the stores beside it.
    pub(super) fn open_target(&mut self, target: Target) -> Vec<Effect> {
        // A message about someone else does not belong beside this user's memory.
        self.drop_status_about_others(&target);
        let same = self.memory.target.as_ref() == Some(&target);
        let mut fx = self.open_chat(target.clone());
        fx.extend(self.load_stores(&target, same));
        fx
    }

    /// Reads the user's chat memory (and on/off state) again; the other stores stay as read.
    pub(super) fn open_chat(&mut self, target: Target) -> Vec<Effect> {
        let req = self.next_req();
        let status_req = self.next_req();
        // Reopening the same user keeps what is known about them.
        let same = self.memory.target.as_ref() == Some(&target);
        let user = self.memory.user.take().filter(|_| same);
        self.memory = MemoryPane {
            user,
            user_label: target.user.username.clone(),
            target: Some(target.clone()),
            req,
            entries: Load::Loading,
            status_req,
            enabled: Load::Loading,
            asked_at: Some(std::time::Instant::now()),
            ..MemoryPane::default()
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

    pub(super) fn refresh(&mut self) -> Vec<Effect> {
        match self.focus {
            Pane::Orgs | Pane::Users => {
                let org = self.users.org.unwrap_or(self.orgs_list.selected);
                self.open_org(org)
            }
            Pane::Memory | Pane::Tasks => match self.memory.target.clone() {
                Some(t) => {
                    let label = self.memory.user_label.clone();
                    let fx = self.open_target(t.clone());
                    self.memory.user_label = label;
                    // An older message (a restore's outcome, a failed read) would read as
                    // this read's: it gives way, the wait is said after 2 s, and the read's
                    // own outcome replaces it.
                    self.set_status_on(
                        Topic::Memory,
                        Some(&t),
                        Level::Info,
                        format!("reading the memory of {} again…", t.user.username),
                    );
                    fx
                }
                None => Vec::new(),
            },
        }
    }

    pub(super) fn refresh_memory(&mut self) -> Vec<Effect> {
        let Some(target) = self.memory.target.clone() else {
            return Vec::new();
        };
        let label = self.memory.user_label.clone();
        let scroll = self.memory.scroll;
        let reselect = self.memory.selected_entry().map(|e| e.id);
        let fx = self.open_chat(target);
        self.memory.user_label = label;
        self.memory.scroll = scroll;
        self.memory.reselect = reselect;
        fx
    }

    pub(super) fn on_search_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(input) = &mut self.users.search_input else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => {
                self.users.search_input = None;
                if self.users.search.is_empty() {
                    return Vec::new();
                }
                // Esc means "get me out of this search": the full list comes back.
                self.clear_search()
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.clear();
                self.schedule_search()
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

    /// Drops the search filter and lists the org's users again.
    pub(super) fn clear_search(&mut self) -> Vec<Effect> {
        self.users.search_token += 1;
        self.users.search.clear();
        self.set_status(super::state::Level::Info, "search cleared: all users");
        let org = self.users.org.unwrap_or(self.orgs_list.selected);
        self.open_org(org)
    }

    /// Esc outside any box or dialog: stops a load to the end, else clears a search.
    pub(super) fn on_esc(&mut self) -> Vec<Effect> {
        if self.users.load_to_end {
            self.users.load_to_end = false;
            // The page in flight is let go: arriving after the stop, it would make the
            // title count past what the status line says it stopped at (scrolling on asks
            // for it again).
            self.users.loading = None;
            self.set_status(
                super::state::Level::Info,
                format!("stopped loading: {}", self.users.count_label()),
            );
            return Vec::new();
        }
        if !self.users.search.is_empty() {
            return self.clear_search();
        }
        Vec::new()
    }

    /// `G` in the Users pane: loads on to the real end, page by page, showing progress.
    pub(super) fn load_to_end(&mut self) -> Vec<Effect> {
        let more = self
            .users
            .count
            .is_some_and(|n| n as usize > self.users.items.len());
        if !more || self.users.cursor.next_page().is_none() {
            return self.maybe_load_more();
        }
        self.users.load_to_end = true;
        self.set_status(
            super::state::Level::Info,
            format!(
                "loading to the end: {} (Esc stops)",
                self.users.count_label()
            ),
        );
        self.load_users_page()
    }

    pub(super) fn schedule_search(&mut self) -> Vec<Effect> {
        self.users.search_token += 1;
        vec![Effect::SearchAfter {
            token: self.users.search_token,
            after: SEARCH_DEBOUNCE,
        }]
    }

    pub(super) fn apply_search(&mut self) -> Vec<Effect> {
        let Some(input) = self.users.search_input.take() else {
            return Vec::new();
        };
        self.users.search = input.trim().to_owned();
        let org = self.users.org.unwrap_or(self.orgs_list.selected);
        self.open_org(org)
    }

    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if self.dialog.is_some() {
            return Vec::new();
        }
        if let Some(editor) = &mut self.editor {
            editor.mouse(m);
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
                    Pane::Memory => {
                        let bar = self.tab_bar_rows();
                        if row < bar {
                            let x = m.column.saturating_sub(area.x + 1) as usize;
                            if let Some(tab) = self.tab_at(x) {
                                return self.show_tab(tab);
                            }
                            return Vec::new();
                        }
                        let row = row - bar;
                        if self.stores.tab != super::stores_pane::StoreTab::Chat {
                            return self.click_list(row);
                        }
                        // The entry list sits at the top of the pane, under the tabs.
                        let inner = (area.height.saturating_sub(2) as usize).saturating_sub(bar);
                        let rows = self.memory.list_rows(inner);
                        if row < rows {
                            let offset = self.memory.list_offset(rows);
                            self.memory.select(offset + row);
                        }
                    }
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
}

/// "alice (Alice Liddell)", or the username alone.
pub(super) fn user_label(user: &crate::api::UserSummary) -> String {
    match &user.name {
        Some(n) if !n.is_empty() => format!("{} ({n})", user.username),
        _ => user.username.clone(),
    }
}
