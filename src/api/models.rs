//! The data the chat-memory API speaks, decoded tolerantly: unknown fields are ignored.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// One chat-memory entry of a user, as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryEntry {
    #[serde(deserialize_with = "int_or_string")]
    pub id: i64,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub platform_key: String,
    /// `None` when the server sends `null`; kept apart from an empty string so a
    /// save can round-trip exactly what was read.
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub session_id: Option<String>,
}

impl MemoryEntry {
    /// The content as text, treating a `null` content as empty.
    pub fn text(&self) -> &str {
        self.content.as_deref().unwrap_or("")
    }
}

/// One read of a user's chat memory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemoryRead {
    pub entries: Vec<MemoryEntry>,
    /// The answer was a whole list. `false` for the published one-object shape, which
    /// shows one entry however many there are: what it does not show cannot be backed up.
    pub complete: bool,
}

/// What a user's memory looks like, as far as the console needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryStatus {
    pub enabled: bool,
    #[serde(default, deserialize_with = "opt_int_or_string")]
    pub id: Option<i64>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub platform_key: Option<String>,
}

/// A user of an org, as the users list returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub username: String,
    #[serde(default, deserialize_with = "opt_int_or_string")]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub platform_key: Option<String>,
    #[serde(default)]
    pub platform_org: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub is_admin: Option<bool>,
    #[serde(default)]
    pub is_staff: Option<bool>,
    #[serde(default)]
    pub added_on: Option<String>,
}

impl UserSummary {
    /// The address of this user for the memory endpoints.
    pub fn to_ref(&self) -> UserRef {
        UserRef {
            username: self.username.clone(),
            user_id: self.user_id,
        }
    }
}

/// One page of an org's users.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsersPage {
    pub count: u64,
    pub page: u32,
    pub next_page: Option<u32>,
    pub previous_page: Option<u32>,
    pub results: Vec<UserSummary>,
    /// Users listed on the page that could not be read at all (no username); the rest
    /// of the page is in `results`.
    pub unreadable: usize,
}

/// What the server says about an org (platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgInfo {
    pub key: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub lms_url: Option<String>,
    #[serde(default)]
    pub portal_url: Option<String>,
}

/// The answer to a queued replace: the task to watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedUpdate {
    pub task_id: TaskId,
    #[serde(default)]
    pub message: String,
}

/// An opaque task id; real servers mint UUIDs, the contract's own example is "task-123".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TaskId(pub String);

impl<'de> Deserialize<'de> for TaskId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Some servers send numeric ids; keep them as their decimal text.
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(TaskId(s)),
            serde_json::Value::Number(n) => Ok(TaskId(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "task_id must be a string, got {other}"
            ))),
        }
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a queued task stands, mapped from the server's free-form word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskPhase {
    Queued,
    Running,
    Done,
    Failed,
    Unknown,
}

impl TaskPhase {
    /// Maps the state words of Celery and of the ibl services onto phases.
    pub fn from_word(word: &str) -> TaskPhase {
        match word.trim().to_ascii_lowercase().as_str() {
            "pending" | "queued" | "received" | "scheduled" | "waiting" => TaskPhase::Queued,
            "started" | "running" | "progress" | "in_progress" | "processing" | "retry" => {
                TaskPhase::Running
            }
            "completed" | "complete" | "success" | "succeeded" | "done" | "finished" => {
                TaskPhase::Done
            }
            "failed" | "failure" | "error" | "revoked" | "cancelled" | "canceled" | "rejected" => {
                TaskPhase::Failed
            }
            _ => TaskPhase::Unknown,
        }
    }

    /// True once the task will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, TaskPhase::Done | TaskPhase::Failed)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskPhase::Queued => "queued",
            TaskPhase::Running => "running",
            TaskPhase::Done => "done",
            TaskPhase::Failed => "failed",
            TaskPhase::Unknown => "unknown",
        }
    }
}

/// A task's state: the mapped phase and the server's own word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskState {
    pub phase: TaskPhase,
    pub raw: String,
}

impl TaskState {
    pub fn from_word(word: impl Into<String>) -> TaskState {
        let raw = word.into();
        TaskState {
            phase: TaskPhase::from_word(&raw),
            raw,
        }
    }
}

/// How a user is addressed in memory paths: by username, or by numeric id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserRef {
    pub username: String,
    #[serde(default)]
    pub user_id: Option<i64>,
}

impl UserRef {
    pub fn by_name(username: impl Into<String>) -> UserRef {
        UserRef {
            username: username.into(),
            user_id: None,
        }
    }
}

/// What the client sends as the content of a create or replace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemoryWrite {
    pub content: String,
    pub session_id: Option<String>,
}

impl MemoryWrite {
    pub fn new(content: impl Into<String>) -> MemoryWrite {
        MemoryWrite {
            content: content.into(),
            session_id: None,
        }
    }
}

/// What an erase found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EraseOutcome {
    /// The server deleted something (204).
    Erased,
    /// The server had nothing to delete (404).
    NothingThere,
}

/// What a DELETE of one item found, with the status the server answered (200, 204, 404),
/// so the audit line records what the server said rather than what it usually says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub outcome: EraseOutcome,
    pub status: u16,
}

impl PartialEq<EraseOutcome> for Deleted {
    fn eq(&self, other: &EraseOutcome) -> bool {
        self.outcome == *other
    }
}

fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match opt_int_or_string(d)? {
        Some(v) => Ok(v),
        None => Err(serde::de::Error::custom("id is missing")),
    }
}

fn opt_int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("id {n} is not an integer"))),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("id {s:?} is not an integer"))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "id must be an integer, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_words_map_to_phases() {
        for (w, p) in [
            ("pending", TaskPhase::Queued),
            ("PENDING", TaskPhase::Queued),
            ("started", TaskPhase::Running),
            ("completed", TaskPhase::Done),
            ("SUCCESS", TaskPhase::Done),
            ("FAILURE", TaskPhase::Failed),
            ("failed", TaskPhase::Failed),
            ("weird", TaskPhase::Unknown),
            ("", TaskPhase::Unknown),
        ] {
            assert_eq!(TaskPhase::from_word(w), p, "{w}");
        }
        let s = TaskState::from_word("SUCCESS");
        assert_eq!(s.raw, "SUCCESS");
        assert!(s.phase.is_final());
    }

    #[test]
    fn entry_ids_accept_numbers_and_numeric_strings() {
        let a: MemoryEntry =
            serde_json::from_str(r#"{"id": 7, "username": "u", "platform_key": "p", "extra": 1}"#)
                .unwrap();
        assert_eq!(a.id, 7);
        assert_eq!(a.content, None);
        let b: MemoryEntry = serde_json::from_str(r#"{"id": "8", "content": null}"#).unwrap();
        assert_eq!(b.id, 8);
        assert!(serde_json::from_str::<MemoryEntry>(r#"{"id": "x"}"#).is_err());
        assert!(serde_json::from_str::<MemoryEntry>(r#"{"username": "u"}"#).is_err());
    }

    #[test]
    fn task_ids_are_opaque() {
        let q: QueuedUpdate =
            serde_json::from_str(r#"{"task_id": "task-123", "message": "m"}"#).unwrap();
        assert_eq!(q.task_id.0, "task-123");
        let q: QueuedUpdate = serde_json::from_str(r#"{"task_id": 42}"#).unwrap();
        assert_eq!(q.task_id.to_string(), "42");
    }
}
