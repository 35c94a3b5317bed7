//! Results coming back from the runner: loads, saves, erases.

use super::dialogs::Dialog;
use super::event::{Effect, Msg};
use super::state::{App, Level, Load, Topic};

impl App {
    pub(super) fn on_msg(&mut self, msg: Msg) -> Vec<Effect> {
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
                if let Some(lookup) = self.lookup.take_if(|l| l.req == req) {
                    return self.on_lookup(lookup, result);
                }
                if self.users.loading != Some(req) {
                    return Vec::new();
                }
                self.users.loading = None;
                match result {
                    Ok(page) => {
                        // A page that came: an earlier "loading users failed" is over.
                        self.clear_status_on(Topic::Users, None);
                        let count = page.count;
                        let unreadable = page.unreadable;
                        let step = self.users.cursor.take(page);
                        self.users.items.extend(step.users);
                        self.users.count = Some(count);
                        if unreadable > 0 {
                            // Shown with a count rather than hiding the page over them.
                            self.users.unreadable += unreadable;
                            self.set_status(
                                Level::Warning,
                                format!(
                                    "{} could not be read (no username); the rest are shown",
                                    crate::text::count_noun(unreadable, "user", "users")
                                ),
                            );
                        }
                        if let Some(warning) = step.warning {
                            // A misbehaving server ends a load to the end here, and the
                            // warning stays in view.
                            self.users.load_to_end = false;
                            self.set_status(Level::Warning, format!("users: {warning}"));
                        }
                        if self.users.load_to_end {
                            return self.continue_to_end();
                        }
                        self.maybe_load_more()
                    }
                    Err(e) => {
                        self.users.load_to_end = false;
                        let text = self.explain("loading users failed", &e);
                        self.users.error = Some(text.clone());
                        self.set_status_on(Topic::Users, None, Level::Error, text);
                        Vec::new()
                    }
                }
            }
            Msg::Memory { req, result } => {
                if self.memory.req != req {
                    return Vec::new();
                }
                match result {
                    Ok(read) => {
                        let target = self.memory.target.clone();
                        self.clear_status_on(Topic::Memory, target.as_ref());
                        self.memory.set_entries(read);
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
                        let target = self.memory.target.clone();
                        self.set_status_on(Topic::Memory, target.as_ref(), Level::Error, text);
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
            Msg::Mentor { req, result } => {
                self.on_mentor_loaded(req, result);
                Vec::new()
            }
            Msg::Course { req, result } => {
                self.on_course_loaded(req, result);
                Vec::new()
            }
            Msg::Created { target, result } => match result {
                Ok(_) => {
                    let text = format!("memory created for {}", target.user.username);
                    self.saved(&target, text)
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
                    // The queued text is kept as a draft until its task is done (the Done
                    // answer removes it), so a give-up or a quit loses nothing.
                    let mut fx = Vec::new();
                    if self.editor.as_ref().is_some_and(|e| e.target == target) {
                        fx.extend(self.draft_effect());
                        self.editor = None;
                    }
                    self.set_status(Level::Info, format!("update queued (task {})", q.task_id));
                    fx.extend(self.follow_task(target, q.task_id, "update", text));
                    fx
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
                        self.set_status_for(
                            &target,
                            Level::Success,
                            format!("memory switched {word} for {}", target.user.username),
                        );
                    }
                    Err(e) => {
                        let text = self.explain("switching memory failed", &e);
                        self.set_status_for(&target, Level::Error, text);
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
            Msg::Erased {
                target,
                scope,
                result,
            } => {
                self.ended_in_flight(&target);
                self.on_erased(&target, scope, result);
                if self.memory.target.as_ref() == Some(&target) {
                    return self.refresh_memory();
                }
                Vec::new()
            }
            Msg::EntryUpdated { target, result } => match result {
                Ok(entry) => {
                    let text = format!("entry {} of {} saved", entry.id, target.user.username);
                    self.saved(&target, text)
                }
                Err(e) => {
                    let text = self.explain("saving failed; your text is still in the editor", &e);
                    self.save_failed(&target, text)
                }
            },
            Msg::TaskPolled { task, result } => self.on_task_polled(task, result),
            Msg::NotSent { target, why } => {
                self.ended_in_flight(&target);
                self.save_failed(&target, why)
            }
            Msg::StoreErased {
                target,
                erase,
                result,
            } => self.on_store_erased(target, erase, result),
            Msg::MentorEntrySaved { target, result } => self.on_mentor_saved(target, result),
            Msg::Forgotten { target, report } => self.on_forgotten(target, report),
            Msg::Conflict {
                target,
                mine,
                server,
                creating,
                entry,
            } => self.on_conflict(target, mine, server, creating, entry),
            Msg::Restored { target, result } => {
                self.ended_in_flight(&target);
                match result {
                    Ok(report) => {
                        self.restored_ids
                            .extend(report.created.iter().map(|e| (target.clone(), e.id)));
                        if self.last_erase.as_ref().is_some_and(|u| u.target == target) {
                            self.last_erase = self.earlier_erases.pop();
                            self.erases_undone += 1;
                        }
                        let next = if self.last_erase.is_some() {
                            "; u undoes the erase before it"
                        } else {
                            ""
                        };
                        self.set_status_for(
                            &target,
                            Level::Success,
                            format!("{}{next}", report.summary()),
                        );
                    }
                    Err(why) => {
                        let wrote = why.wrote_something();
                        if wrote
                            && let Some(undo) =
                                self.last_erase.as_mut().filter(|u| u.target == target)
                            && !undo.what.starts_with("what is left of ")
                        {
                            // The next `u` goes on from there: it offers the rest, not all.
                            undo.what = format!("what is left of {}", undo.what);
                        }
                        let head = if wrote {
                            "restore stopped partway"
                        } else {
                            "restore refused"
                        };
                        self.set_status_for(&target, Level::Error, format!("{head}: {why}"));
                        if !wrote {
                            // Nothing changed: a re-read would only bury why (a failing server
                            // fails it too, and its message would replace this one).
                            return Vec::new();
                        }
                    }
                }
                if self.memory.target.as_ref() == Some(&target) {
                    // A backup may hold mentor and course memory too.
                    let mut fx = self.refresh_memory();
                    fx.extend(self.load_stores(&target, true));
                    return fx;
                }
                Vec::new()
            }
            Msg::DraftFound { target, draft } => self.on_draft_found(target, draft),
            Msg::DraftSaveFailed { why } => {
                self.set_status(Level::Warning, format!("draft: {why}"));
                Vec::new()
            }
            Msg::TasksLoaded { result } => self.on_tasks_loaded(result),
            Msg::TaskBookFailed { why } => {
                self.set_status(
                    Level::Warning,
                    format!("queued updates are followed in this run only: {why}"),
                );
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

    /// One more page of a load to the end: the selection follows, and the next page is asked
    /// for until the last.
    fn continue_to_end(&mut self) -> Vec<Effect> {
        let len = self.users.items.len();
        let height = self.areas().inner_height(super::state::Pane::Users);
        self.users.list.selected = len.saturating_sub(1);
        self.users.list.reveal(height);
        let more = self.users.count.is_some_and(|n| n as usize > len)
            && self.users.cursor.next_page().is_some();
        if more {
            self.set_status(
                Level::Info,
                format!(
                    "loading to the end: {} (Esc stops)",
                    self.users.count_label()
                ),
            );
            return self.load_users_page();
        }
        self.users.load_to_end = false;
        self.set_status(
            Level::Success,
            format!("at the end: {}", self.users.count_label()),
        );
        Vec::new()
    }

    /// A save the server answered at once: the editor closes, its draft goes, and the
    /// memory shown is read again.
    fn saved(&mut self, target: &super::event::Target, text: String) -> Vec<Effect> {
        if self.editor.as_ref().is_some_and(|e| e.target == *target) {
            self.editor = None;
        }
        self.set_status_for(target, Level::Success, text);
        let mut fx = vec![Effect::RemoveDraft {
            target: target.clone(),
        }];
        if self.memory.target.as_ref() == Some(target) {
            fx.extend(self.refresh_memory());
        }
        fx
    }
}
