//! The store tabs' behaviour: switching tabs, loading the mentor and course stores when a
//! user is opened, and the keys that mean something else on those tabs (select, scroll).

use crate::api::{ApiError, CourseMemory, MentorListing, StoreRead};

use super::action::Action;
use super::event::{Effect, Target};
use super::state::{App, Level, Load, Pane};
use super::stores_pane::StoreTab;

impl App {
    /// Asks for the user's mentor and course stores; the tab in view stays, and so does
    /// the selection when it is the `same` user read again.
    pub(super) fn load_stores(&mut self, target: &Target, same: bool) -> Vec<Effect> {
        let mentor_req = self.next_req();
        let course_req = self.next_req();
        let s = &mut self.stores;
        s.mentor_req = mentor_req;
        s.course_req = course_req;
        s.mentor = Load::Loading;
        s.course = Load::Loading;
        s.asked_at = Some(std::time::Instant::now());
        if !same {
            s.mentor_selected = 0;
            s.course_selected = 0;
            s.scroll = 0;
        }
        s.view = None;
        vec![
            Effect::LoadMentor {
                req: mentor_req,
                target: target.clone(),
            },
            Effect::LoadCourse {
                req: course_req,
                target: target.clone(),
            },
        ]
    }

    pub(super) fn on_mentor_loaded(
        &mut self,
        req: super::event::ReqId,
        result: Result<StoreRead<MentorListing>, ApiError>,
    ) {
        if self.stores.mentor_req != req {
            return;
        }
        let keep = self.stores.mentor_selected;
        self.stores.mentor = match result {
            Ok(read) => Load::Ready(read),
            Err(e) => Load::Failed(self.explain("loading mentor memories failed", &e)),
        };
        self.reselect_on(StoreTab::Mentor, keep);
    }

    pub(super) fn on_course_loaded(
        &mut self,
        req: super::event::ReqId,
        result: Result<(StoreRead<Vec<CourseMemory>>, bool), ApiError>,
    ) {
        if self.stores.course_req != req {
            return;
        }
        let keep = self.stores.course_selected;
        self.stores.course = match result {
            Ok((read, whole)) => {
                self.stores.course_whole = whole;
                Load::Ready(read)
            }
            Err(e) => Load::Failed(self.explain("loading course memory failed", &e)),
        };
        self.reselect_on(StoreTab::Course, keep);
    }

    /// After a store's read arrives: lays out the selection's detail if that tab is in view.
    fn reselect_on(&mut self, tab: StoreTab, index: usize) {
        if self.stores.tab == tab {
            let scroll = self.stores.scroll;
            self.stores.select(index);
            self.stores.scroll = scroll;
        }
    }

    pub(super) fn show_tab(&mut self, tab: StoreTab) -> Vec<Effect> {
        self.focus = Pane::Memory;
        if self.stores.tab != tab {
            self.stores.tab = tab;
            let index = match tab {
                StoreTab::Chat => 0,
                StoreTab::Mentor => self.stores.mentor_selected,
                StoreTab::Course => self.stores.course_selected,
            };
            self.stores.select(index);
        }
        Vec::new()
    }

    /// Carries out an action the way the mentor or course tab means it; `None` when the
    /// action is the same on every tab (or the chat tab is in view).
    pub(super) fn perform_on_tab(&mut self, action: Action) -> Option<Vec<Effect>> {
        match action {
            Action::TabChat => return Some(self.show_tab(StoreTab::Chat)),
            Action::TabMentor => return Some(self.show_tab(StoreTab::Mentor)),
            Action::TabCourse => return Some(self.show_tab(StoreTab::Course)),
            _ => {}
        }
        let tab = self.stores.tab;
        if tab == StoreTab::Chat {
            return None;
        }
        let in_pane = self.focus == Pane::Memory;
        let fx = match action {
            Action::PrevEntry => self.step_item(-1),
            Action::NextEntry => self.step_item(1),
            Action::Up if in_pane => self.step_item(-1),
            Action::Down if in_pane => self.step_item(1),
            Action::Top if in_pane => self.step_item(isize::MIN / 2),
            Action::Bottom if in_pane => self.step_item(isize::MAX / 2),
            Action::PageUp if in_pane => self.scroll_detail(-(self.detail_height() as isize)),
            Action::PageDown if in_pane => self.scroll_detail(self.detail_height() as isize),
            Action::Edit if tab == StoreTab::Mentor => self.start_mentor_edit(),
            Action::Edit => {
                self.set_status(
                    Level::Info,
                    "course memory is not edited in the console: d erases one, D all",
                );
                Vec::new()
            }
            Action::Erase => self.start_store_erase(false),
            Action::EraseAll => self.start_store_erase(true),
            // `u` is not here: an undo restores whatever its backup holds, every store.
            Action::EditQueued | Action::Create => {
                self.set_status(
                    Level::Info,
                    format!(
                        "{} is for chat memory: press {} for that tab",
                        action.describe(),
                        self.keymap.label(Action::TabChat)
                    ),
                );
                Vec::new()
            }
            _ => return None,
        };
        Some(fx)
    }

    /// Selects the previous or next mentor entry or course memory.
    fn step_item(&mut self, step: isize) -> Vec<Effect> {
        let len = self.stores.item_count();
        if len == 0 {
            self.set_status(Level::Info, "nothing to choose from on this tab");
            return Vec::new();
        }
        let current = match self.stores.tab {
            StoreTab::Mentor => self.stores.mentor_selected,
            StoreTab::Course => self.stores.course_selected,
            StoreTab::Chat => 0,
        } as isize;
        let index = current.saturating_add(step).clamp(0, len as isize - 1);
        self.stores.select(index as usize);
        Vec::new()
    }

    /// Keeps the detail's scroll inside its text after a resize.
    pub(super) fn clamp_store_scroll(&mut self) {
        self.scroll_detail(0);
    }

    pub(super) fn scroll_detail(&mut self, delta: isize) -> Vec<Effect> {
        let width = self.areas().inner_width(Pane::Memory).max(1);
        let total = self.stores.view.as_ref().map_or(0, |v| v.total_rows(width));
        let max = total.saturating_sub(self.detail_height());
        let next = (self.stores.scroll as isize).saturating_add(delta);
        self.stores.scroll = next.clamp(0, max as isize) as usize;
        Vec::new()
    }

    /// Rows the selected item's detail gets on a mentor or course tab (what the list leaves).
    pub fn detail_height(&self) -> usize {
        let body = self.memory_body_height();
        let list = super::stores_pane::list_height(body, self.stores.list_len());
        // One row under the list names the selected item.
        body.saturating_sub(list + 1)
    }

    /// Rows of the Memory pane under its tab bar.
    pub fn memory_body_height(&self) -> usize {
        let inner = self.areas().inner_height(Pane::Memory);
        inner.saturating_sub(self.tab_bar_rows())
    }

    /// The tab bar's labels at the Memory pane's width, in tab order.
    pub fn tab_labels(&self) -> Vec<String> {
        let key = |a: Action| {
            self.keymap
                .keys_for(a)
                .first()
                .map_or_else(|| "-".to_owned(), ToString::to_string)
        };
        let keys = [
            key(Action::TabChat),
            key(Action::TabMentor),
            key(Action::TabCourse),
        ];
        let counts = StoreTab::ALL.map(|t| {
            self.stores
                .count_label(t, &self.memory.entries, self.memory.complete)
        });
        let width = self.areas().inner_width(Pane::Memory) as usize;
        super::stores_pane::tab_labels(&keys, &counts, self.stores.tab, width)
    }

    /// The tab under column `x` of the tab bar (counted from the pane's inner left edge).
    pub fn tab_at(&self, x: usize) -> Option<StoreTab> {
        let mut start = 0;
        for (label, tab) in self.tab_labels().iter().zip(StoreTab::ALL) {
            let end = start + crate::text::display_width(label);
            if (start..end).contains(&x) {
                return Some(tab);
            }
            start = end + super::stores_pane::TAB_GAP;
        }
        None
    }

    /// The tab bar takes the first row of the Memory pane while a user is open, except on
    /// the chat tab of a pane too short to spare it: there the memory text comes first
    /// (1, 2 and 3 still switch tabs, and bring the bar back).
    pub fn tab_bar_rows(&self) -> usize {
        let short = self.areas().inner_height(Pane::Memory) < 6;
        usize::from(self.memory.target.is_some() && !(short && self.stores.tab == StoreTab::Chat))
    }
}

impl App {
    /// A click on row `row` of a mentor or course tab's list selects the item there.
    pub(super) fn click_list(&mut self, row: usize) -> Vec<Effect> {
        let body = self.memory_body_height();
        let height = super::stores_pane::list_height(body, self.stores.list_len());
        if row >= height {
            return Vec::new();
        }
        let index = match self.stores.tab {
            StoreTab::Chat => return Vec::new(),
            StoreTab::Course => {
                let offset = super::stores_pane::list_offset(self.stores.course_selected, height);
                Some(offset + row)
            }
            StoreTab::Mentor => {
                let rows = self.stores.mentor_rows();
                let selected = self.stores.mentor_row_of(self.stores.mentor_selected);
                let offset = super::stores_pane::list_offset(selected, height);
                // Entries are counted in row order, headings skipped.
                let at = offset + row;
                let is_entry = |r: &super::stores_pane::MentorRow<'_>| {
                    matches!(r, super::stores_pane::MentorRow::Entry(_))
                };
                rows.get(at)
                    .filter(|r| is_entry(r))
                    .map(|_| rows[..at].iter().filter(|r| is_entry(r)).count())
            }
        };
        if let Some(index) = index.filter(|i| *i < self.stores.item_count()) {
            self.stores.select(index);
        }
        Vec::new()
    }
}

impl App {
    /// What an action's footer hint says: on the mentor and course tabs, what it does there.
    pub fn hint_words(&self, action: Action) -> &'static str {
        match (self.stores.tab, action) {
            (StoreTab::Mentor, Action::Edit) => "edit key/value",
            (StoreTab::Mentor, Action::Erase) => "erase entry",
            (StoreTab::Mentor, Action::EraseAll) => "erase category",
            (StoreTab::Course, Action::Erase) => "erase one",
            (StoreTab::Course, Action::EraseAll) => "erase all course memory",
            (StoreTab::Mentor | StoreTab::Course, Action::NextEntry) => "next",
            (StoreTab::Mentor | StoreTab::Course, Action::PrevEntry) => "previous",
            (_, Action::Forget) => "forget user",
            _ => action.describe(),
        }
    }

    /// The footer's hints on a mentor or course tab: what applies to what it holds.
    pub fn tab_hints(&self) -> Vec<Action> {
        let n = self.stores.item_count();
        let mut v = Vec::new();
        if self.undo_is_for_open_user() {
            v.push(Action::UndoErase);
        }
        if n > 0 && self.stores.tab == StoreTab::Mentor {
            v.push(Action::Edit);
        }
        if n > 1 {
            v.push(Action::NextEntry);
            v.push(Action::PrevEntry);
        }
        if n > 0 {
            v.push(Action::Erase);
            v.push(Action::EraseAll);
        }
        v.push(Action::Forget);
        v.push(Action::Refresh);
        v
    }

    /// Whether the last erase (`u` undoes it) was of the user open in the Memory pane: just
    /// after an erase, undoing it is what matters most, so the footer names it first.
    pub fn undo_is_for_open_user(&self) -> bool {
        self.last_erase
            .as_ref()
            .is_some_and(|u| self.memory.target.as_ref() == Some(&u.target))
    }
}

#[cfg(test)]
#[path = "tabs_tests.rs"]
mod tests;
