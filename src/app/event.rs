//! What flows into `update` (inputs and results) and out of it (effects to run).

use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::{
    ApiError, MemoryEntry, MemoryStatus, OrgInfo, OrgScope, QueuedUpdate, TaskId, TaskState,
    UserRef, UsersPage, UsersQuery,
};

/// Ties a response to the request that asked for it, so a late answer for a user the
/// operator already left is dropped.
pub type ReqId = u64;

/// A user in an org: what every memory request is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub org: OrgScope,
    pub user: UserRef,
}

/// Everything `update` reacts to.
#[derive(Debug)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// A timer beat, for spinners and ages.
    Tick,
    Msg(Msg),
}

/// What an erase did, or why it did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReport {
    pub backup: std::path::PathBuf,
    pub outcome: crate::api::EraseOutcome,
}

/// Results of effects, coming back to `update`.
#[derive(Debug)]
pub enum Msg {
    OrgInfo {
        org: usize,
        result: Result<OrgInfo, ApiError>,
    },
    Users {
        req: ReqId,
        result: Result<UsersPage, ApiError>,
    },
    Memory {
        req: ReqId,
        result: Result<Vec<MemoryEntry>, ApiError>,
    },
    Status {
        req: ReqId,
        result: Result<MemoryStatus, ApiError>,
    },
    Created {
        target: Target,
        result: Result<MemoryEntry, ApiError>,
    },
    Queued {
        target: Target,
        text: String,
        result: Result<QueuedUpdate, ApiError>,
    },
    Toggled {
        target: Target,
        result: Result<MemoryStatus, ApiError>,
    },
    Erased {
        target: Target,
        result: Result<EraseReport, String>,
    },
    TaskPolled {
        task: usize,
        result: Result<TaskState, ApiError>,
    },
    SearchDue {
        token: u64,
    },
}

/// Work `update` asks for; a runner performs it off the UI thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadOrgInfo {
        org: usize,
        scope: OrgScope,
    },
    LoadUsers {
        req: ReqId,
        scope: OrgScope,
        query: UsersQuery,
    },
    LoadMemory {
        req: ReqId,
        target: Target,
    },
    LoadStatus {
        req: ReqId,
        target: Target,
    },
    Create {
        target: Target,
        text: String,
    },
    Replace {
        target: Target,
        text: String,
        session_id: Option<String>,
    },
    SetEnabled {
        target: Target,
        enabled: bool,
    },
    /// Back up `entries`, then erase; no backup, no erase.
    Erase {
        target: Target,
        entries: Vec<MemoryEntry>,
    },
    PollTask {
        task: usize,
        target: Target,
        task_id: TaskId,
        after: Duration,
    },
    SearchAfter {
        token: u64,
        after: Duration,
    },
}

impl Effect {
    /// Effects that change data on the server.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Effect::Create { .. }
                | Effect::Replace { .. }
                | Effect::SetEnabled { .. }
                | Effect::Erase { .. }
        )
    }
}
