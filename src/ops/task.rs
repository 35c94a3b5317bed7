//! Following a queued update's task to its end: one pause policy for the console and the
//! commands, and the wait loop the commands use.

use std::time::Duration;

use thiserror::Error;
use tokio::time::Instant;

use crate::api::{ApiClient, ApiError, OrgScope, TaskId, TaskState, UserRef};

/// How often to ask about a task, and when to stop asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskPolicy {
    pub first: Duration,
    /// Pauses double up to this, so a long queue is not hammered.
    pub max: Duration,
    pub give_up: Duration,
}

impl TaskPolicy {
    /// 1 s growing to 10 s, giving up after `give_up`.
    pub fn new(give_up: Duration) -> TaskPolicy {
        TaskPolicy::starting_at(Duration::from_secs(1), give_up)
    }

    /// Pauses from `first` growing to ten times that.
    pub fn starting_at(first: Duration, give_up: Duration) -> TaskPolicy {
        let first = first.max(Duration::from_millis(1));
        TaskPolicy {
            first,
            max: first * 10,
            give_up,
        }
    }

    /// The pause after `pause`.
    pub fn next(&self, pause: Duration) -> Duration {
        (pause * 2).min(self.max)
    }

    /// Whether a task asked about since `age` ago should be given up.
    pub fn gives_up_at(&self, age: Duration) -> bool {
        age >= self.give_up
    }
}

#[derive(Debug, Error)]
pub enum TaskWaitError {
    #[error("cannot read task {task}: {source}")]
    Read { task: TaskId, source: ApiError },
    #[error("task {task} is still {} after {} s; gave up waiting", .last.raw, .after.as_secs())]
    GaveUp {
        task: TaskId,
        last: TaskState,
        after: Duration,
    },
}

/// Polls until the task ends (done, failed, or a final state the server names), calling
/// `seen` with each state that is not final.
pub async fn wait_task(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    task: &TaskId,
    policy: TaskPolicy,
    mut seen: impl FnMut(&TaskState),
) -> Result<TaskState, TaskWaitError> {
    let started = Instant::now();
    let mut pause = policy.first;
    loop {
        let state =
            client
                .task_state(org, user, task)
                .await
                .map_err(|source| TaskWaitError::Read {
                    task: task.clone(),
                    source,
                })?;
        if state.phase.is_final() {
            return Ok(state);
        }
        if policy.gives_up_at(started.elapsed()) {
            return Err(TaskWaitError::GaveUp {
                task: task.clone(),
                last: state,
                after: policy.give_up,
            });
        }
        seen(&state);
        tokio::time::sleep(pause).await;
        pause = policy.next(pause);
    }
}
