//! Mentor memories: erasing one entry or a whole category, and giving one entry a new key
//! and value, each with the safety sequence of the chat writes.

use crate::api::{ApiError, MentorEntry, MentorEntryUpdate, MentorMemory, OrgScope, UserRef};
use crate::store::{Action, Outcome, Target};

use super::super::backup_file::BackupFile;
use super::super::{Ops, WriteError};
use super::course::{erased, shown, verify_gone};
use super::work::{Address, Items, Work};
use super::{StoreEraseError, StoreErased, StoreFailure, StoreKind};

impl Ops {
    /// Erases one mentor entry by its unique id: the memory it belongs to is backed up with
    /// that entry alone, the user's other entries are named as left in place.
    pub async fn erase_mentor_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: &str,
    ) -> Result<StoreErased, StoreEraseError> {
        let file = BackupFile::new(self, org, user);
        let mut work = Work::new(self, org, user, StoreKind::Mentor, Action::EntryErase, file);
        let Items::Mentor(memories) = shown(&work).await? else {
            return Err(work.fail(StoreFailure::NothingThere("not a mentor read".into())));
        };
        let has = |m: &MentorMemory| {
            m.entries
                .iter()
                .any(|e| e.unique_id.as_deref() == Some(entry_id))
        };
        // `DELETE memory-entries/X/` also takes a category name: an id that is one would
        // remove that whole category.
        if memories
            .iter()
            .any(|m| m.category.as_deref() == Some(entry_id))
        {
            return Err(work.fail(StoreFailure::NoAddress(format!(
                "entry id {entry_id:?}, which is also a category name the server would delete whole"
            ))));
        }
        let Some(memory) = memories.iter().find(|m| has(m)) else {
            return Err(work.fail(StoreFailure::NothingThere(format!(
                "no mentor entry {entry_id:?} is shown"
            ))));
        };
        let mut one = memory.clone();
        one.entries
            .retain(|e| e.unique_id.as_deref() == Some(entry_id));
        work.file
            .keep_mentor(entry_ids(&memories, |id| id != entry_id));
        work.back_up(&Items::Mentor(vec![one])).await?;
        let address = Address::MentorEntry(entry_id.to_owned());
        work.delete(&address).await?;
        verify_gone(&work, &address.describe(), |items| match items {
            Items::Mentor(m) => m.iter().any(has),
            Items::Course(_) => false,
        })
        .await?;
        erased(&work, work.erased)
    }

    /// Erases every memory of a category the read shows, each by its own id after backing
    /// them all up. Not `DELETE memory-entries/{category}/`: it would also take a memory of
    /// the category added after the read, unseen and in no backup.
    pub async fn erase_mentor_category(
        &self,
        org: &OrgScope,
        user: &UserRef,
        category: &str,
    ) -> Result<StoreErased, StoreEraseError> {
        let file = BackupFile::new(self, org, user);
        let mut work = Work::new(self, org, user, StoreKind::Mentor, Action::Erase, file);
        work.category = Some(category.to_owned());
        let Items::Mentor(memories) = shown(&work).await? else {
            return Err(work.fail(StoreFailure::NothingThere("not a mentor read".into())));
        };
        let of = |m: &MentorMemory| m.category.as_deref() == Some(category);
        let (going, staying): (Vec<MentorMemory>, Vec<MentorMemory>) =
            memories.into_iter().partition(|m| of(m));
        if going.is_empty() {
            return Err(work.fail(StoreFailure::NothingThere(format!(
                "no mentor memory of category {category:?} is shown"
            ))));
        }
        let entries: usize = going.iter().map(|m| m.entries.len()).sum();
        let addresses = going
            .iter()
            .map(Address::of_mentor)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|f| work.fail(f))?
            .concat();
        work.file.keep_mentor(entry_ids(&staying, |_| true));
        work.back_up(&Items::Mentor(going.clone())).await?;
        for address in &addresses {
            work.delete(address).await?;
        }
        let ids: Vec<Option<String>> = going.iter().map(|m| m.unique_id.clone()).collect();
        let gone_from =
            |m: &MentorMemory| of(m) && (m.unique_id.is_none() || ids.contains(&m.unique_id));
        verify_gone(
            &work,
            &format!("category {category:?}"),
            |items| match items {
                Items::Mentor(m) => m.iter().any(gone_from),
                Items::Course(_) => false,
            },
        )
        .await?;
        erased(&work, if work.erased > 0 { entries } else { 0 })
    }

    /// Gives one mentor entry a new key and value (`POST memory-entries/{id}/`), only if the
    /// server still holds the key and value of `seen`; between an audit intent and outcome.
    pub async fn update_mentor_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: &str,
        seen: &MentorEntry,
        key: &str,
        value: &str,
    ) -> Result<(), WriteError> {
        // The API has no ETags: a fresh read is the only way not to overwrite someone
        // else's change unseen.
        let server = match self.client.mentor_entry(org, user, entry_id).await {
            Ok(entry) => Some(entry),
            Err(ApiError::NotFound { .. }) => None,
            Err(e) => return Err(WriteError::Check(e)),
        };
        let same = server
            .as_ref()
            .is_some_and(|s| s.key == seen.key && s.value == seen.value);
        if !same {
            return Err(WriteError::EntryChanged {
                server: server.map(Box::new),
            });
        }
        let update = MentorEntryUpdate {
            key: key.to_owned(),
            value: value.to_owned(),
        };
        let request = self
            .client
            .update_mentor_entry(org, user, entry_id, &update);
        let target = Target::user(org, user)
            .store(StoreKind::Mentor.as_str())
            .item(entry_id);
        self.audited(Action::EntryUpdate, target, request, |_| {
            Outcome::ok().status(200)
        })
        .await
        .map(|_| ())
    }
}

/// The unique ids of the entries of `memories` that pass `keep`.
fn entry_ids(memories: &[MentorMemory], keep: impl Fn(&str) -> bool) -> Vec<String> {
    memories
        .iter()
        .flat_map(|m| m.entries.iter())
        .filter_map(|e| e.unique_id.clone())
        .filter(|id| keep(id))
        .collect()
}
