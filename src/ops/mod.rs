//! The operations layer: every write to the server goes through here, once, with its safety
//! sequence: read what will change → back it up (or keep a draft) → audit intent → request →
//! audit outcome → verify. The console's runner and the subcommands both call it; nothing
//! else sends a write. It knows no terminal: outcomes and errors are typed, and the callers
//! word them.

mod backup_file;
mod erase;
mod restore;
mod stores;
mod task;
mod trail;
mod writes;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::api::ApiClient;
use crate::store::SyncBarrier;

pub use erase::{EraseError, EraseFailure, Erased, MAX_DRAINED_ENTRIES};
pub use restore::{RestoreError, RestoreReport, WrittenEarlier};
pub use stores::{
    ForgetReport, StoreEraseError, StoreErased, StoreFailure, StoreKind, StoreOutcome, UnknownStore,
};
pub use task::{TaskPolicy, TaskWaitError, wait_task};
pub use trail::Trail;
pub use writes::WriteError;

/// How long to keep reading after a delete before saying the server still has the data:
/// some servers erase in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// Reads after the first one that still showed deleted data.
    pub tries: u32,
    /// The first pause; each next one doubles.
    pub first_pause: Duration,
    /// An erase stops after deleting this many entries of one user and says so: a server
    /// that keeps showing new entries must not keep a job busy (and a backup growing)
    /// forever.
    pub max_drained: usize,
}

impl Default for VerifyPolicy {
    fn default() -> Self {
        VerifyPolicy {
            tries: 4,
            first_pause: Duration::from_millis(100),
            max_drained: MAX_DRAINED_ENTRIES,
        }
    }
}

impl VerifyPolicy {
    /// The pause before re-read number `attempt` (0-based).
    pub fn pause(&self, attempt: u32) -> Duration {
        self.first_pause * 2u32.saturating_pow(attempt.min(16))
    }
}

/// Everything a write needs: the client, the audit trail, where backups go and how they
/// are made durable. Cheap to clone; clones share the client and the trail.
#[derive(Debug, Clone)]
pub struct Ops {
    client: ApiClient,
    trail: Trail,
    profile: String,
    backups: PathBuf,
    /// Bulk jobs share one flush for many backups (group commit); `None` flushes each file.
    flush: Option<Arc<SyncBarrier>>,
    verify: VerifyPolicy,
}

impl Ops {
    pub fn new(client: ApiClient, trail: Trail, profile: &str, backups: PathBuf) -> Ops {
        Ops {
            client,
            trail,
            profile: profile.to_owned(),
            backups,
            flush: None,
            verify: VerifyPolicy::default(),
        }
    }

    /// Backups are written unflushed and made durable by `barrier`, shared with the other
    /// workers of a bulk job; no delete is sent before the flush covering its backup ended.
    /// When it also covers the audit log, the intent's wait is that flush (one per user).
    pub fn with_shared_flush(mut self, barrier: Arc<SyncBarrier>) -> Ops {
        if barrier.covers(self.trail.path()) {
            self.trail = self.trail.with_shared_flush(barrier.clone());
        }
        self.flush = Some(barrier);
        self
    }

    pub fn with_verify(mut self, verify: VerifyPolicy) -> Ops {
        self.verify = verify;
        self
    }

    pub fn client(&self) -> &ApiClient {
        &self.client
    }

    pub fn trail(&self) -> &Trail {
        &self.trail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_pauses_double_from_the_first() {
        let policy = VerifyPolicy::default();
        let pauses: Vec<u64> = (0..4).map(|a| policy.pause(a).as_millis() as u64).collect();
        // 1.5 s in all before "still there": room for a server that erases in the background.
        assert_eq!(pauses, [100, 200, 400, 800]);
        assert_eq!(
            policy.pause(u32::MAX),
            policy.pause(16),
            "capped, never overflows"
        );
    }
}
