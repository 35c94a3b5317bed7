//! The data behind the mock: orgs, their users, memory entries and queued tasks, plus lookups and task settling.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

/// One chat-memory entry. Content is shared (`Arc`) so multi-megabyte memories are not
/// copied while a lock is held, and generated users can share one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryEntry {
    pub id: u64,
    pub content: Option<Arc<str>>,
    pub session_id: Option<Uuid>,
}

/// The state of a queued memory update as the task route reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Pending,
    Started,
    Completed,
    Failed,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Started => "started",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct OrgInfo {
    pub key: String,
    pub name: Option<String>,
    pub org: Option<String>,
    pub lms_url: Option<String>,
    pub cms_url: Option<String>,
    pub portal_url: Option<String>,
    pub status: i64,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct UserInfo {
    pub user_id: u64,
    pub username: String,
    pub name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_staff: bool,
    pub active: bool,
    pub added_on: String,
    pub expired_on: Option<String>,
}

#[derive(Debug)]
pub(crate) struct UserRecord {
    pub info: UserInfo,
    /// Lower-cased username, name and email, so a search over 100k users allocates nothing.
    pub search: [String; 3],
    pub memory_enabled: bool,
    pub entries: Vec<MemoryEntry>,
    /// Bumped on every erase so a task queued before it knows its target is gone.
    pub erase_generation: u64,
    pub pending_tasks: Vec<Uuid>,
}

#[derive(Debug)]
pub(crate) struct OrgRecord {
    pub info: OrgInfo,
    /// Ordered by user_id (users are only added at startup, with increasing ids).
    pub users: Vec<UserRecord>,
    pub by_username: HashMap<String, usize>,
    pub by_id: HashMap<u64, usize>,
}

#[derive(Debug)]
pub(crate) struct TaskRecord {
    pub org: usize,
    pub user: usize,
    pub created: Instant,
    pub delay: Duration,
    pub will_fail: bool,
    pub erase_generation: u64,
    /// `None` once applied, so finished tasks do not keep megabytes alive.
    pub change: Option<PendingChange>,
    pub outcome: Option<TaskState>,
}

#[derive(Debug)]
pub(crate) struct PendingChange {
    pub content: Option<Option<Arc<str>>>,
    pub session_id: Option<Option<Uuid>>,
}

impl TaskRecord {
    fn due(&self, now: Instant) -> bool {
        now >= self.created + self.delay
    }

    /// The state at `now`; a due but unsettled task must be settled first.
    pub fn state(&self, now: Instant) -> TaskState {
        if let Some(outcome) = self.outcome {
            return outcome;
        }
        if now.duration_since(self.created) < self.delay / 3 {
            TaskState::Pending
        } else {
            TaskState::Started
        }
    }
}

#[derive(Debug)]
pub(crate) struct Store {
    pub orgs: Vec<OrgRecord>,
    pub org_index: HashMap<String, usize>,
    pub tasks: HashMap<Uuid, TaskRecord>,
    pub next_memory_id: u64,
    pub next_user_id: u64,
}

impl Store {
    pub fn new() -> Self {
        Self {
            orgs: Vec::new(),
            org_index: HashMap::new(),
            tasks: HashMap::new(),
            next_memory_id: 1,
            next_user_id: 1001,
        }
    }

    pub fn add_org(&mut self, info: OrgInfo) -> Result<usize, String> {
        if self.org_index.contains_key(&info.key) {
            return Err(format!("org `{}` appears twice", info.key));
        }
        let index = self.orgs.len();
        self.org_index.insert(info.key.clone(), index);
        self.orgs.push(OrgRecord {
            info,
            users: Vec::new(),
            by_username: HashMap::new(),
            by_id: HashMap::new(),
        });
        Ok(index)
    }

    /// Adds a user with the next user id; entries get the next memory ids.
    pub fn add_user(
        &mut self,
        org: usize,
        mut info: UserInfo,
        memory_enabled: bool,
        contents: Vec<(Option<Arc<str>>, Option<Uuid>)>,
    ) -> Result<u64, String> {
        if info.username.is_empty() {
            return Err("a user has an empty username".to_owned());
        }
        info.user_id = self.next_user_id;
        let entries = contents
            .into_iter()
            .map(|(content, session_id)| MemoryEntry {
                id: self.new_memory_id(),
                content,
                session_id,
            })
            .collect();
        let record = &mut self.orgs[org];
        if record.by_username.contains_key(&info.username) {
            return Err(format!(
                "user `{}` appears twice in org `{}`",
                info.username, record.info.key
            ));
        }
        self.next_user_id += 1;
        let index = record.users.len();
        record.by_username.insert(info.username.clone(), index);
        record.by_id.insert(info.user_id, index);
        let search = [
            info.username.to_lowercase(),
            info.name.to_lowercase(),
            info.email.to_lowercase(),
        ];
        let user_id = info.user_id;
        record.users.push(UserRecord {
            info,
            search,
            memory_enabled,
            entries,
            erase_generation: 0,
            pending_tasks: Vec::new(),
        });
        Ok(user_id)
    }

    pub fn new_memory_id(&mut self) -> u64 {
        let id = self.next_memory_id;
        self.next_memory_id += 1;
        id
    }

    /// Finds a user of an org by username, or else by numeric user id.
    pub fn find_user(&self, org: &str, user: &str) -> Option<(usize, usize)> {
        let org_index = *self.org_index.get(org)?;
        let record = &self.orgs[org_index];
        let user_index = record.by_username.get(user).copied().or_else(|| {
            user.parse::<u64>()
                .ok()
                .and_then(|id| record.by_id.get(&id).copied())
        })?;
        Some((org_index, user_index))
    }

    pub fn user(&self, (org, user): (usize, usize)) -> &UserRecord {
        &self.orgs[org].users[user]
    }

    pub fn user_mut(&mut self, (org, user): (usize, usize)) -> &mut UserRecord {
        &mut self.orgs[org].users[user]
    }

    pub fn has_due_tasks(&self, at: (usize, usize), now: Instant) -> bool {
        self.user(at)
            .pending_tasks
            .iter()
            .any(|id| self.tasks.get(id).is_some_and(|task| task.due(now)))
    }

    /// Applies, in queue order, every task of this user whose deadline has passed.
    pub fn settle(&mut self, at: (usize, usize), now: Instant) {
        let pending = std::mem::take(&mut self.user_mut(at).pending_tasks);
        let mut still_pending = Vec::new();
        for id in pending {
            let Some(task) = self.tasks.get_mut(&id) else {
                continue;
            };
            if !task.due(now) {
                still_pending.push(id);
                continue;
            }
            let change = task.change.take();
            let will_fail = task.will_fail;
            let generation = task.erase_generation;
            let user = &mut self.orgs[at.0].users[at.1];
            let applied = match change {
                Some(change)
                    if !will_fail
                        && generation == user.erase_generation
                        && !user.entries.is_empty() =>
                {
                    let first = &mut user.entries[0];
                    if let Some(content) = change.content {
                        first.content = content;
                    }
                    if let Some(session_id) = change.session_id {
                        first.session_id = session_id;
                    }
                    true
                }
                _ => false,
            };
            if let Some(task) = self.tasks.get_mut(&id) {
                task.outcome = Some(if applied {
                    TaskState::Completed
                } else {
                    TaskState::Failed
                });
            }
        }
        self.user_mut(at).pending_tasks = still_pending;
    }
}
