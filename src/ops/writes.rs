//! Writes that change memory without erasing it: create, replace (queued), update one
//! entry, switch memory on or off. Each re-checks what it would overwrite, then sends
//! between an audit intent and an outcome line.

use thiserror::Error;

use crate::api::{
    ApiError, MemoryEntry, MemoryStatus, MemoryWrite, MentorEntry, OrgScope, QueuedUpdate, UserRef,
};
use crate::store::{Action, Outcome, StoreError, Target};

use super::{Ops, StoreKind};

/// Why a write was not made. Only `Request` means the request was sent.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error("cannot read the memory to check it, so nothing was sent: {0}")]
    Check(ApiError),
    /// The memory is not what the edit started from; nothing was sent.
    #[error("the memory changed on the server since you started; nothing was sent")]
    Conflict { server: Vec<MemoryEntry> },
    /// A mentor entry is not what the edit started from (`None`: it is gone); nothing was
    /// sent.
    #[error("the entry changed on the server since you started; nothing was sent")]
    EntryChanged { server: Option<Box<MentorEntry>> },
    #[error("the audit log could not be written, so nothing was sent: {0}")]
    Audit(StoreError),
    #[error("{0}")]
    Request(ApiError),
}

impl WriteError {
    /// The server's error, when the server is why it failed.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            WriteError::Check(e) | WriteError::Request(e) => Some(e),
            _ => None,
        }
    }
}

impl Ops {
    /// Creates the user's memory, only while the user still has none.
    pub async fn create(
        &self,
        org: &OrgScope,
        user: &UserRef,
        write: &MemoryWrite,
    ) -> Result<MemoryEntry, WriteError> {
        let server = self.check_read(org, user).await?;
        if !server.is_empty() {
            return Err(WriteError::Conflict { server });
        }
        self.create_unchecked(org, user, write).await
    }

    /// Creates a memory entry beside any the user has (the scriptable `memory create`).
    pub async fn create_unchecked(
        &self,
        org: &OrgScope,
        user: &UserRef,
        write: &MemoryWrite,
    ) -> Result<MemoryEntry, WriteError> {
        let request = self.client.create_memory(org, user, write);
        self.audited(
            Action::Create,
            Target::user(org, user).store(StoreKind::Chat.as_str()),
            request,
            |_| Outcome::ok().status(201),
        )
        .await
    }

    /// Replaces the user's memory through the server's queue, only if the entry a read
    /// shows first still has the text `base` (`None`: no check). The change lands when the
    /// returned task ends.
    pub async fn replace(
        &self,
        org: &OrgScope,
        user: &UserRef,
        base: Option<&str>,
        write: &MemoryWrite,
    ) -> Result<QueuedUpdate, WriteError> {
        if let Some(base) = base {
            // The API has no ETags: a fresh read is the only way not to overwrite someone
            // else's change unseen.
            let server = self.check_read(org, user).await?;
            if server.first().map(MemoryEntry::text) != Some(base) {
                return Err(WriteError::Conflict { server });
            }
        }
        let request = self.client.replace_memory(org, user, write);
        self.audited(
            Action::Update,
            Target::user(org, user).store(StoreKind::Chat.as_str()),
            request,
            |q| Outcome::ok().status(200).task(q.task_id.0.clone()),
        )
        .await
    }

    /// Changes one entry, only if it still has the text `base` (`None`: no check).
    pub async fn update_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        id: i64,
        base: Option<&str>,
        write: &MemoryWrite,
    ) -> Result<MemoryEntry, WriteError> {
        if let Some(base) = base {
            let server = self.check_read(org, user).await?;
            let current = server.iter().find(|e| e.id == id).map(MemoryEntry::text);
            if current != Some(base) {
                return Err(WriteError::Conflict { server });
            }
        }
        let request = self.client.update_entry(org, user, id, write);
        self.audited(
            Action::EntryUpdate,
            Target::user(org, user)
                .store(StoreKind::Chat.as_str())
                .entry(id),
            request,
            |_| Outcome::ok().status(200),
        )
        .await
    }

    pub async fn set_enabled(
        &self,
        org: &OrgScope,
        user: &UserRef,
        enabled: bool,
    ) -> Result<MemoryStatus, WriteError> {
        let action = if enabled {
            Action::Enable
        } else {
            Action::Disable
        };
        let request = self.client.set_memory_enabled(org, user, enabled);
        self.audited(
            action,
            Target::user(org, user).store(StoreKind::Chat.as_str()),
            request,
            |_| Outcome::ok().status(200),
        )
        .await
    }

    async fn check_read(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<Vec<MemoryEntry>, WriteError> {
        self.client
            .get_memory(org, user)
            .await
            .map_err(WriteError::Check)
    }

    /// Writes the intent, sends `request` only if that worked, then writes the outcome
    /// (`ok` describes a success).
    pub(super) async fn audited<T>(
        &self,
        action: Action,
        target: Target,
        request: impl Future<Output = Result<T, ApiError>>,
        ok: impl FnOnce(&T) -> Outcome,
    ) -> Result<T, WriteError> {
        let pending = self
            .trail
            .intent(action, target)
            .await
            .map_err(WriteError::Audit)?;
        let result = request.await;
        let outcome = match &result {
            Ok(v) => ok(v),
            Err(e) => Outcome::api_error(e),
        };
        self.trail.finish(pending, outcome).await;
        result.map_err(WriteError::Request)
    }
}
