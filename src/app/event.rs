//! What flows into `update` (inputs and results) and out of it (effects to run).

use std::time::{Duration, Instant};

use crossterm::event::{KeyEvent, MouseEvent};

use crate::store::{AuditRecord, Draft};

use crate::api::{
    ApiError, CourseMemory, MemoryEntry, MemoryRead, MemoryStatus, MentorListing, OrgInfo,
    OrgScope, QueuedUpdate, StoreRead, TaskId, TaskState, UserRef, UsersPage, UsersQuery,
};
use crate::ops::{
    EraseError, Erased, ForgetReport, RestoreError, RestoreReport, StoreEraseError, StoreErased,
    WriteError,
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
    /// A timer beat, for spinners and ages, carrying the time: `update` reads no clock, so
    /// draft autosave and task give-up are tested by sending ticks.
    Tick(Instant),
    Msg(Msg),
}

/// What an erase removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraseScope {
    /// One entry, by id.
    Entry(i64),
    /// Every entry of the user's chat memory, drained one by one.
    All,
}

/// What an erase in the mentor or course store removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreErase {
    /// One mentor entry, by its unique id; `key` names it to the operator.
    MentorEntry { entry_id: String, key: String },
    /// Every entry of one mentor memory category.
    MentorCategory { category: String },
    /// One course memory, by id.
    CourseOne { memory_id: String },
    /// All of the user's course memory.
    CourseAll,
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
        result: Result<MemoryRead, ApiError>,
    },
    Status {
        req: ReqId,
        result: Result<MemoryStatus, ApiError>,
    },
    /// The open user's mentor memories, every page.
    Mentor {
        req: ReqId,
        result: Result<StoreRead<MentorListing>, ApiError>,
    },
    /// The open user's course memories.
    Course {
        req: ReqId,
        /// With whether the answer was a whole list (the published read shows one memory).
        result: Result<(StoreRead<Vec<CourseMemory>>, bool), ApiError>,
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
    /// One entry was changed (answered at once, no task).
    EntryUpdated {
        target: Target,
        result: Result<MemoryEntry, ApiError>,
    },
    Toggled {
        target: Target,
        result: Result<MemoryStatus, ApiError>,
    },
    Erased {
        target: Target,
        scope: EraseScope,
        result: Result<Erased, EraseError>,
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
        /// The entry being saved, when the edit was of one entry.
        entry: Option<i64>,
    },
    Restored {
        target: Target,
        result: Result<RestoreReport, RestoreError>,
    },
    /// An erase in the mentor or course store ended.
    StoreErased {
        target: Target,
        erase: StoreErase,
        result: Result<StoreErased, StoreEraseError>,
    },
    /// A mentor entry's new key and value were saved (or why not).
    MentorEntrySaved {
        target: Target,
        result: Result<(), WriteError>,
    },
    /// A forget of every store ended: what happened in each.
    Forgotten {
        target: Target,
        report: ForgetReport,
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
    /// The queued updates an earlier run left open, for this profile and server.
    TasksLoaded {
        result: Result<crate::store::LoadedTasks, String>,
    },
    /// The tasks file could not be written; the task is still followed in this run.
    TaskBookFailed {
        why: String,
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
    LoadMentor {
        req: ReqId,
        target: Target,
    },
    LoadCourse {
        req: ReqId,
        target: Target,
    },
    /// Checks the user still has no memory, then creates it.
    Create {
        target: Target,
        text: String,
    },
    /// Re-reads the memory and replaces it only if it still is `base`: the entry `entry`
    /// (answered at once), or through the server's queue when `None`.
    Replace {
        target: Target,
        text: String,
        session_id: Option<String>,
        base: String,
        entry: Option<i64>,
    },
    SetEnabled {
        target: Target,
        enabled: bool,
    },
    /// Erase, every entry in a backup before the request that deletes it.
    Erase {
        target: Target,
        scope: EraseScope,
    },
    /// Writes a backup's entries back (undo of an erase).
    Restore {
        target: Target,
        backup: std::path::PathBuf,
        /// Entries a restore of this run wrote, which this one may go beside.
        beside: Vec<i64>,
    },
    /// Erases in the mentor or course store, everything in a backup first.
    StoreErase {
        target: Target,
        erase: StoreErase,
    },
    /// Gives a mentor entry a new key and value, if the server still holds `seen`.
    UpdateMentorEntry {
        target: Target,
        entry_id: String,
        seen: Box<crate::api::MentorEntry>,
        key: String,
        value: String,
    },
    /// Backs up every store into one file, erases each and verifies each.
    Forget {
        target: Target,
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
    /// Reads the queued updates an earlier run left open.
    LoadTasks,
    /// Notes a queued update in the data dir until it ends.
    RecordTask {
        target: Target,
        task_id: TaskId,
        kind: &'static str,
    },
    /// The update ended: no later run needs to ask about it.
    EndTask {
        task_id: TaskId,
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
                | Effect::Restore { .. }
                | Effect::StoreErase { .. }
                | Effect::UpdateMentorEntry { .. }
                | Effect::Forget { .. }
        )
    }
}
