//! Erasing chat memory so that nothing is lost, whatever shape the server's read has: every
//! entry is in a backup on disk before the request that deletes it, and "erased" is said
//! only once a read shows it gone.
//!
//! The published read answers one object, the first entry only, so the entries are drained:
//! read, back up what is shown, delete it by its own id, read again, until the server says
//! there is none. A delete of the whole collection is never sent (see `drain_loop`).

use std::collections::HashSet;
use std::path::PathBuf;

use thiserror::Error;

use crate::api::{ApiError, Deleted, EraseOutcome, MemoryEntry, MemoryRead, OrgScope, UserRef};
use crate::store::{Action, Outcome, StoreError, Target};

use super::backup_file::BackupFile;
use super::{Ops, StoreKind};

/// The default bound of a drain (see [`super::VerifyPolicy::max_drained`]).
pub const MAX_DRAINED_ENTRIES: usize = 1000;

/// What an erase did. The entries are in the backup and a read showed them gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// `None` when there was nothing to erase, so nothing was backed up.
    pub backup: Option<PathBuf>,
    /// Entries in the backup (all were deleted).
    pub entries: usize,
    /// Bytes of content in the backup.
    pub bytes: u64,
    /// Requests that changed data (deletes), for benchmarks and summaries.
    pub deletes: usize,
    /// Entries with text a restore can write back (a `null` content has none).
    pub restorable: usize,
}

impl Erased {
    pub fn nothing_there(&self) -> bool {
        self.entries == 0
    }
}

/// Why an erase stopped, with what it had done by then: what was erased is in `backup`.
#[derive(Debug, Error)]
#[error("{failure}; {}", self.so_far())]
pub struct EraseError {
    pub failure: EraseFailure,
    pub backup: Option<PathBuf>,
    /// Entries deleted before it stopped.
    pub erased: usize,
}

impl EraseError {
    fn so_far(&self) -> String {
        // What the server accepted, not what it verifiably removed: a server that keeps an
        // entry after accepting its delete is why this error exists.
        match (&self.backup, self.erased) {
            (_, 0) => "nothing was erased".to_owned(),
            (Some(path), n) => format!(
                "the server accepted {n} delete{}; everything deleted is in the backup at {}",
                if n == 1 { "" } else { "s" },
                path.display()
            ),
            (None, n) => format!(
                "the server accepted {n} delete{}",
                if n == 1 { "" } else { "s" }
            ),
        }
    }

    /// The server's error, when the server is why it stopped.
    pub fn api(&self) -> Option<&ApiError> {
        match &self.failure {
            EraseFailure::Read(e) | EraseFailure::Delete { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

#[derive(Debug, Error)]
pub enum EraseFailure {
    #[error("cannot read the memory: {0}")]
    Read(ApiError),
    #[error("the backup could not be written: {0}")]
    Backup(StoreError),
    #[error("the audit log could not be written, so no delete was sent: {0}")]
    Audit(StoreError),
    #[error("deleting entry {id} failed: {source}")]
    Delete { id: i64, source: ApiError },
    #[error("the server accepted the delete of entry {id} but still shows it")]
    StillThere { id: i64 },
    #[error(
        "the server answers 404 to deleting entry {id} yet still shows it; nothing is deleted all at once instead, since an entry added meanwhile would go without a backup"
    )]
    EntryDeleteRefused { id: i64 },
    #[error("the server still shows new entries after {0} were erased; stopped")]
    Runaway(usize),
    #[error("entry {id} is not in what the server shows, so it cannot be backed up")]
    NoSuchEntry { id: i64 },
}

impl Ops {
    /// Erases all of the user's chat memory (the drain described above).
    pub async fn erase_all(
        &self,
        org: &OrgScope,
        user: &UserRef,
        action: Action,
    ) -> Result<Erased, EraseError> {
        let file = BackupFile::new(self, org, user);
        let (result, file) = self.drain_into(org, user, action, file, None).await;
        no_orphan(result, file).await
    }

    /// The drain, growing `file` (which may already hold other stores, for a forget), and
    /// the file back for the caller to go on with. `first` is a read the caller already
    /// made (and backed up), so the drain need not ask again.
    pub(super) async fn drain_into<'a>(
        &'a self,
        org: &'a OrgScope,
        user: &'a UserRef,
        action: Action,
        file: BackupFile,
        first: Option<MemoryRead>,
    ) -> (Result<Erased, EraseError>, BackupFile) {
        let mut drain = Drain::with_file(self, org, user, action, file);
        let result = match self.drain_loop(&mut drain, first).await {
            Ok(()) => Ok(drain.summary()),
            Err(e) => Err(e),
        };
        (result, drain.file)
    }

    async fn drain_loop(
        &self,
        drain: &mut Drain<'_>,
        mut first: Option<MemoryRead>,
    ) -> Result<(), EraseError> {
        let mut waits = 0;
        loop {
            let read = match first.take() {
                Some(read) => read,
                None => drain.read().await?,
            };
            if read.entries.is_empty() {
                return Ok(());
            }
            drain.back_up(&read.entries).await?;
            let fresh = drain.fresh_ids(&read.entries);
            if !fresh.is_empty() {
                waits = 0;
                for id in fresh {
                    if drain.deleted.len() >= self.verify.max_drained {
                        return Err(drain.fail(EraseFailure::Runaway(drain.deleted.len())));
                    }
                    drain.delete_entry(id).await?;
                }
                continue;
            }
            // Everything shown was deleted already: a server that erases in the background,
            // one that refuses per-entry deletes, or one that keeps the data. The collection
            // DELETE is never the way out: an entry added after the last read would go with
            // it, unseen and in no backup.
            let refused = read
                .entries
                .iter()
                .find(|e| drain.answered_404.contains(&e.id))
                .map(|e| e.id);
            if let Some(id) = refused {
                return Err(drain.fail(EraseFailure::EntryDeleteRefused { id }));
            }
            if waits >= self.verify.tries {
                let id = read.entries.first().map_or(0, |e| e.id);
                return Err(drain.fail(EraseFailure::StillThere { id }));
            }
            tokio::time::sleep(self.verify.pause(waits)).await;
            waits += 1;
        }
    }

    /// Erases one entry, after backing up what the server shows under its id.
    pub async fn erase_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        id: i64,
        action: Action,
    ) -> Result<Erased, EraseError> {
        let mut drain = Drain::with_file(self, org, user, action, BackupFile::new(self, org, user));
        let result = self.erase_one(&mut drain, id).await;
        no_orphan(result, drain.file).await
    }

    async fn erase_one(&self, drain: &mut Drain<'_>, id: i64) -> Result<Erased, EraseError> {
        let read = drain.read().await?;
        let (rows, others): (Vec<MemoryEntry>, Vec<MemoryEntry>) =
            read.entries.into_iter().partition(|e| e.id == id);
        drain.file.keep(others.iter().map(|e| e.id).collect());
        if rows.is_empty() {
            return Err(drain.fail(EraseFailure::NoSuchEntry { id }));
        }
        drain.back_up(&rows).await?;
        drain.delete_entry(id).await?;
        for attempt in 0..=self.verify.tries {
            let read = drain.read().await?;
            if !read.entries.iter().any(|e| e.id == id) {
                let shown: Vec<i64> = read.entries.iter().map(|e| e.id).collect();
                if let Err(e) = drain.file.keep_also(self, &shown).await {
                    // The entry is gone and backed up; only undo beside them is lost.
                    tracing::warn!(error = %e, "the entries left beside an erased one were not noted in its backup");
                }
                return Ok(drain.summary());
            }
            if drain.answered_404.contains(&id) {
                return Err(drain.fail(EraseFailure::EntryDeleteRefused { id }));
            }
            if attempt < self.verify.tries {
                tokio::time::sleep(self.verify.pause(attempt)).await;
            }
        }
        Err(drain.fail(EraseFailure::StillThere { id }))
    }
}

/// An erase that stopped having deleted nothing leaves no backup behind that looks like an
/// erase happened: the server still holds everything the file does.
async fn no_orphan(
    result: Result<Erased, EraseError>,
    file: BackupFile,
) -> Result<Erased, EraseError> {
    match result {
        Err(e) if e.erased == 0 && e.backup.is_some() && e.failure.deleted_nothing() => {
            file.remove().await;
            Err(EraseError { backup: None, ..e })
        }
        other => other,
    }
}

impl EraseFailure {
    /// Whether no delete of this erase can have taken effect, given that none was answered
    /// 2xx: every one sent was refused (404, or 429 until the retries ran out), or none was
    /// sent. A timeout or a 5xx may have deleted, so those keep the backup.
    fn deleted_nothing(&self) -> bool {
        match self {
            EraseFailure::Delete { source, .. } => {
                matches!(
                    source,
                    ApiError::RateLimited { .. } | ApiError::NotFound { .. }
                )
            }
            EraseFailure::StillThere { .. } | EraseFailure::Runaway(_) => false,
            EraseFailure::Read(_)
            | EraseFailure::Backup(_)
            | EraseFailure::Audit(_)
            | EraseFailure::EntryDeleteRefused { .. }
            | EraseFailure::NoSuchEntry { .. } => true,
        }
    }
}

/// One erase in progress.
struct Drain<'a> {
    ops: &'a Ops,
    org: &'a OrgScope,
    user: &'a UserRef,
    action: Action,
    file: BackupFile,
    /// Ids whose delete was accepted (204) or answered "not there" (404).
    deleted: HashSet<i64>,
    answered_404: HashSet<i64>,
    erased: usize,
    deletes: usize,
}

impl<'a> Drain<'a> {
    fn with_file(
        ops: &'a Ops,
        org: &'a OrgScope,
        user: &'a UserRef,
        action: Action,
        file: BackupFile,
    ) -> Drain<'a> {
        Drain {
            ops,
            org,
            user,
            action,
            file,
            deleted: HashSet::new(),
            answered_404: HashSet::new(),
            erased: 0,
            deletes: 0,
        }
    }

    fn fail(&self, failure: EraseFailure) -> EraseError {
        EraseError {
            failure,
            backup: self.file.path().map(Into::into),
            erased: self.erased,
        }
    }

    fn summary(&self) -> Erased {
        let entries = self.file.entries();
        Erased {
            backup: self.file.path().map(Into::into),
            entries: entries.len(),
            bytes: entries.iter().map(|e| e.text().len() as u64).sum(),
            deletes: self.deletes,
            restorable: entries.iter().filter(|e| e.content.is_some()).count(),
        }
    }

    async fn read(&self) -> Result<MemoryRead, EraseError> {
        self.ops
            .client
            .read_memory(self.org, self.user)
            .await
            .map_err(|e| self.fail(EraseFailure::Read(e)))
    }

    async fn back_up(&mut self, seen: &[MemoryEntry]) -> Result<(), EraseError> {
        match self.file.add(self.ops, seen).await {
            Ok(_) => Ok(()),
            Err(e) => Err(self.fail(EraseFailure::Backup(e))),
        }
    }

    /// Ids shown that no delete was sent for yet, each once, in the order shown.
    fn fresh_ids(&self, shown: &[MemoryEntry]) -> Vec<i64> {
        let mut seen = HashSet::new();
        shown
            .iter()
            .map(|e| e.id)
            .filter(|id| !self.deleted.contains(id) && seen.insert(*id))
            .collect()
    }

    fn target(&self) -> Target {
        let target = Target::user(self.org, self.user).store(StoreKind::Chat.as_str());
        match self.file.path() {
            Some(path) => target.backup(path),
            None => target,
        }
    }

    /// Intent line, the DELETE of one entry, outcome line.
    async fn delete_entry(&mut self, id: i64) -> Result<(), EraseError> {
        let pending = self.intent(self.target().entry(id)).await?;
        self.file.rely();
        let result = self.ops.client.erase_entry(self.org, self.user, id).await;
        self.deletes += 1;
        self.ops.trail.finish(pending, self.outcome(&result)).await;
        match result.map(|d| d.outcome) {
            Ok(EraseOutcome::Erased) => {
                self.erased += 1;
            }
            Ok(EraseOutcome::NothingThere) => {
                self.answered_404.insert(id);
            }
            Err(source) => return Err(self.fail(EraseFailure::Delete { id, source })),
        }
        self.deleted.insert(id);
        Ok(())
    }

    async fn intent(&mut self, target: Target) -> Result<crate::store::Pending, EraseError> {
        match self.ops.trail.intent(self.action, target).await {
            Ok(pending) => Ok(pending),
            Err(e) => {
                let failure = self.fail(EraseFailure::Audit(e));
                if self.deletes == 0 && !self.file.relied_on() {
                    // No request relied on the backup: leave no file behind that looks
                    // like an erase happened.
                    let file = std::mem::replace(
                        &mut self.file,
                        BackupFile::new(self.ops, self.org, self.user),
                    );
                    file.discard().await;
                    return Err(EraseError {
                        backup: None,
                        ..failure
                    });
                }
                Err(failure)
            }
        }
    }

    fn outcome(&self, result: &Result<Deleted, ApiError>) -> Outcome {
        let outcome = match result {
            Ok(deleted) => Outcome::ok().status(deleted.status),
            Err(e) => Outcome::api_error(e),
        };
        match self.file.path() {
            Some(path) => outcome.backup(path),
            None => outcome,
        }
    }
}
