//! What flows into `update` (inputs and results) and out of it (effects to run).

use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::store::{AuditRecord, Draft};

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
// One input is moved per event; boxing the message would cost an allocation each time for
// no gain.
#[allow(clippy::large_enum_variant)]
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
    /// The server answered "nothing there" on a read after the DELETE.
    pub verified: bool,
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
    /// A write was not sent (the audit log could not be written, or a check failed).
    NotSent {
        target: Target,
        why: String,
    },
    /// The memory changed on the server since the edit started; nothing was sent.
    Conflict {
        target: Target,
        mine: String,
        server: Vec<MemoryEntry>,
        creating: bool,
    },
    Restored {
        target: Target,
        result: Result<String, String>,
    },
    DraftFound {
        target: Target,
        draft: Draft,
    },
    /// Only failures are worth showing.
    DraftSaveFailed {
        why: String,
    },
    Audit {
        result: Result<Vec<AuditRecord>, String>,
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
    /// Checks the user still has no memory, then creates it.
    Create {
        target: Target,
        text: String,
    },
    /// Re-reads the memory and replaces it only if it still is `base`.
    Replace {
        target: Target,
        text: String,
        session_id: Option<String>,
        base: String,
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
    /// Writes a backup's entries back (undo of an erase).
    Restore {
        target: Target,
        backup: std::path::PathBuf,
    },
    SaveDraft {
        draft: Draft,
    },
    LoadDraft {
        target: Target,
    },
    RemoveDraft {
        target: Target,
    },
    LoadAudit,
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
                | Effect::Restore { .. }
        )
    }
}
