//! Course memory: erasing one memory or all of them; and the steps the single-item erases
//! of every store share (read what is shown, verify it gone, the result).

use crate::api::{OrgScope, StoreRead, UserRef};
use crate::store::Action;

use super::super::Ops;
use super::super::backup_file::BackupFile;
use super::sweep::{Swept, sweep};
use super::work::{Address, Items, Work};
use super::{StoreEraseError, StoreErased, StoreFailure, StoreKind};

impl Ops {
    /// Erases one course memory by id, after backing it up.
    pub async fn erase_course_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        memory_id: &str,
    ) -> Result<StoreErased, StoreEraseError> {
        let file = BackupFile::new(self, org, user);
        let mut work = Work::new(self, org, user, StoreKind::Course, Action::EntryErase, file);
        let Items::Course(memories) = shown(&work).await? else {
            return Err(work.fail(StoreFailure::NothingThere("not a course read".into())));
        };
        let (going, staying): (Vec<_>, Vec<_>) =
            memories.into_iter().partition(|m| m.id == memory_id);
        if going.is_empty() {
            return Err(work.fail(StoreFailure::NothingThere(format!(
                "no course memory {memory_id:?} is shown"
            ))));
        }
        work.file
            .keep_course(staying.iter().map(|m| m.id.clone()).collect());
        work.back_up(&Items::Course(going)).await?;
        let address = Address::Course(memory_id.to_owned());
        work.delete(&address).await?;
        let after = verify_gone(&work, &address.describe(), |items| match items {
            Items::Course(c) => c.iter().any(|m| m.id == memory_id),
            Items::Mentor(_) => false,
        })
        .await?;
        if let Some(Items::Course(shown)) = after {
            let ids: Vec<String> = shown.into_iter().map(|m| m.id).collect();
            if let Err(e) = work.file.keep_course_also(work.ops, &ids).await {
                // The memory is gone and backed up; only an undo beside the others is lost.
                tracing::warn!(error = %e, "the course memories left beside an erased one were not noted in its backup");
            }
        }
        erased(&work, work.erased)
    }

    /// Erases all of the user's course memory, one memory at a time by id, each backed up
    /// before its DELETE, until a read shows none.
    pub async fn erase_course_all(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<StoreErased, StoreEraseError> {
        let file = BackupFile::new(self, org, user);
        let mut work = Work::new(self, org, user, StoreKind::Course, Action::Erase, file);
        match sweep(&mut work, None).await? {
            Swept::Erased(items) => erased(&work, items),
            Swept::Empty => Err(work.fail(StoreFailure::NothingThere(
                "the user has no course memory".into(),
            ))),
            Swept::Unavailable(gap) => Err(work.fail(StoreFailure::Unavailable(work.store, gap))),
        }
    }
}

/// What the store shows now; a store answering 404 or 405 is an error here (nothing to
/// erase in it).
pub(super) async fn shown(work: &Work<'_>) -> Result<Items, StoreEraseError> {
    match work.read().await? {
        StoreRead::Items(items) => Ok(items),
        StoreRead::Unavailable(gap) => Err(work.fail(StoreFailure::Unavailable(work.store, gap))),
    }
}

/// Reads again (under the verify policy's pauses) until `still` no longer holds; a server
/// that keeps showing it is a failure, never a success. Gives what the last read showed.
pub(super) async fn verify_gone(
    work: &Work<'_>,
    what: &str,
    still: impl Fn(&Items) -> bool,
) -> Result<Option<Items>, StoreEraseError> {
    let verify = work.ops.verify;
    for attempt in 0..=verify.tries {
        match work.read().await? {
            StoreRead::Unavailable(_) => return Ok(None),
            StoreRead::Items(items) if !still(&items) => return Ok(Some(items)),
            StoreRead::Items(_) => {}
        }
        if attempt < verify.tries {
            tokio::time::sleep(verify.pause(attempt)).await;
        }
    }
    Err(work.fail(StoreFailure::StillThere(what.to_owned())))
}

/// The result of an erase whose backup is on disk.
pub(super) fn erased(work: &Work<'_>, items: usize) -> Result<StoreErased, StoreEraseError> {
    match work.backup_path() {
        Some(backup) => Ok(StoreErased { backup, items }),
        None => Err(work.fail(StoreFailure::NothingThere("nothing was backed up".into()))),
    }
}
