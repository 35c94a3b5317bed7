//! Following queued updates until they end: polling, the give-up, and the record in the data
//! dir that lets the next run pick up what this one could not finish.

use crate::api::{ApiError, TaskId, TaskPhase, TaskState};
use crate::ops::TaskPolicy;
use crate::store::LoadedTasks;

use super::event::{Effect, Target};
use super::state::{App, Level, TaskItem};

impl App {
    /// The pauses and give-up of task polling: the same policy as `task --wait`.
    fn task_policy(&self) -> TaskPolicy {
        TaskPolicy::new(self.session.task_poll_give_up)
    }

    /// Starts following a task the server just queued: in the Tasks pane, on disk, polled.
    pub(super) fn follow_task(
        &mut self,
        target: Target,
        task_id: TaskId,
        kind: &'static str,
        text: String,
    ) -> Vec<Effect> {
        let first = self.task_policy().first;
        let index = self.tasks.items.len();
        self.tasks.items.push(TaskItem {
            target: target.clone(),
            task_id: task_id.clone(),
            kind,
            state: None,
            unknown_reason: None,
            created: self.clock,
            queued_before: Some(std::time::Duration::ZERO),
            next_delay: first,
            gave_up: false,
            text,
            earlier_run: false,
        });
        vec![
            Effect::RecordTask {
                target: target.clone(),
                task_id: task_id.clone(),
                kind,
            },
            Effect::PollTask {
                task: index,
                target,
                task_id,
                after: first,
            },
        ]
    }

    /// The tasks an earlier run left open: shown, and polled again until they end.
    pub(super) fn on_tasks_loaded(&mut self, result: Result<LoadedTasks, String>) -> Vec<Effect> {
        let loaded = match result {
            Ok(loaded) => loaded,
            Err(why) => {
                self.set_status(
                    Level::Warning,
                    format!("the queued updates of earlier runs could not be read: {why}"),
                );
                return Vec::new();
            }
        };
        if let Some(aside) = &loaded.set_aside {
            self.set_status(
                Level::Warning,
                format!(
                    "the tasks file was unreadable; it was moved to {} and no earlier task is followed",
                    crate::text::display_path(aside)
                ),
            );
        }
        let first = self.task_policy().first;
        let mut fx = Vec::new();
        for record in loaded.tasks {
            let task_id = TaskId(record.task_id.clone());
            if self.tasks.items.iter().any(|t| t.task_id == task_id) {
                continue;
            }
            let target = Target {
                org: crate::api::OrgScope {
                    key: record.org.clone(),
                    platform_key: if record.platform_key.is_empty() {
                        record.org.clone()
                    } else {
                        record.platform_key.clone()
                    },
                },
                user: crate::api::UserRef {
                    username: record.username.clone(),
                    user_id: record.user_id,
                },
            };
            fx.push(Effect::PollTask {
                task: self.tasks.items.len(),
                target: target.clone(),
                task_id: task_id.clone(),
                after: std::time::Duration::ZERO,
            });
            self.tasks.items.push(TaskItem {
                target,
                task_id,
                kind: "update",
                state: None,
                unknown_reason: None,
                created: self.clock,
                queued_before: record.queued_at.map(age_of),
                next_delay: first,
                gave_up: false,
                text: String::new(),
                earlier_run: true,
            });
        }
        if !fx.is_empty() && loaded.set_aside.is_none() {
            self.set_status(
                Level::Info,
                format!(
                    "following {} from an earlier run (Tasks pane)",
                    crate::text::count_noun(fx.len(), "queued update", "queued updates")
                ),
            );
        }
        fx
    }

    pub(super) fn on_task_polled(
        &mut self,
        index: usize,
        result: Result<TaskState, ApiError>,
    ) -> Vec<Effect> {
        let policy = self.task_policy();
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
        let id = task.task_id.clone();
        let user = target.user.username.clone();
        if phase.is_final() {
            let mut fx = vec![Effect::EndTask {
                task_id: id.clone(),
            }];
            if phase == TaskPhase::Done {
                self.set_status_for(
                    &target,
                    Level::Success,
                    format!("update of {user} completed (task {id})"),
                );
                fx.push(Effect::RemoveDraft {
                    target: target.clone(),
                });
            } else {
                self.set_status_for(
                    &target,
                    Level::Error,
                    format!("update of {user} failed (task {id}); press e on that user to edit your text again"),
                );
            }
            if self.memory.target.as_ref() == Some(&target) {
                fx.extend(self.refresh_memory());
            }
            return fx;
        }
        if policy.gives_up_at(self.clock.saturating_duration_since(task.created)) {
            task.gave_up = true;
            // The record stays: the next run asks again. Meanwhile the memory itself says
            // whether the update landed.
            let after = crate::text::human_age(policy.give_up);
            let shown = self.memory.target.as_ref() == Some(&target);
            let check = if shown {
                "memory read again: if your change is missing, press e"
            } else {
                "open the user: if your change is missing, press e"
            };
            // The id's start is enough to find it in the Tasks pane; the advice is the end.
            let short_id = crate::text::truncate_with_ellipsis(&id.0, 9);
            self.set_status_for(
                    &target,
                Level::Warning,
                format!(
                    "update of {user} (task {short_id}) has no end after {after}; {check} (your draft is kept; the next start asks about the task again)"
                ),
            );
            if shown {
                return self.refresh_memory();
            }
            return Vec::new();
        }
        let after = task.next_delay;
        task.next_delay = policy.next(task.next_delay);
        vec![Effect::PollTask {
            task: index,
            target,
            task_id: id,
            after,
        }]
    }
}

/// How long ago `queued_at` was (a time in the future, from a skewed clock, counts as now).
fn age_of(queued_at: time::OffsetDateTime) -> std::time::Duration {
    (time::OffsetDateTime::now_utc() - queued_at)
        .try_into()
        .unwrap_or(std::time::Duration::ZERO)
}
