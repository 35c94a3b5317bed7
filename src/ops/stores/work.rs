//! One erase in a store beside chat memory: what a store's read gives, how one thing in it
//! is addressed for its DELETE, and the audited delete itself (intent, request, outcome)
//! against a backup already on disk.

use std::path::PathBuf;

use crate::api::{
    ApiError, CourseMemory, Deleted, EraseOutcome, MentorMemory, MentorQuery, OrgScope, StoreRead,
    UserRef,
};
use crate::store::{Action, Outcome, Pending, Target};
use crate::text::count_noun;

use super::super::Ops;
use super::super::backup_file::BackupFile;
use super::{StoreEraseError, StoreFailure, StoreKind};

/// What one read of a store showed.
#[derive(Debug, Clone)]
pub(super) enum Items {
    Mentor(Vec<MentorMemory>),
    Course(Vec<CourseMemory>),
}

impl Items {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Items::Mentor(m) => m.is_empty(),
            Items::Course(c) => c.is_empty(),
        }
    }

    /// Each item with the key that tells it apart across reads.
    pub(super) fn keys(&self) -> Vec<String> {
        match self {
            Items::Mentor(m) => m.iter().map(mentor_key).collect(),
            Items::Course(c) => c.iter().map(|c| format!("id:{}", c.id)).collect(),
        }
    }
}

/// A mentor memory's identity: its unique id, else its whole content.
pub(super) fn mentor_key(m: &MentorMemory) -> String {
    match &m.unique_id {
        Some(id) => format!("id:{id}"),
        None => format!("json:{}", serde_json::to_string(m).unwrap_or_default()),
    }
}

/// Reads a whole store (every page of mentor memories).
pub(super) async fn read_store(
    ops: &Ops,
    org: &OrgScope,
    user: &UserRef,
    kind: StoreKind,
) -> Result<StoreRead<Items>, ApiError> {
    Ok(match kind {
        StoreKind::Mentor => {
            match ops
                .client
                .all_mentor_memories(org, user, &MentorQuery::default())
                .await?
            {
                // Fewer shown than `count` claims: the rest cannot be backed up, so nothing of
                // this store is deleted, and it must not be called empty.
                StoreRead::Items(listing) if listing.shortfall() > 0 => {
                    return Err(ApiError::Malformed {
                        reason: format!(
                            "the server counts {} but its pages show only {}; the {} not shown cannot be backed up, so none is deleted",
                            count_noun(
                                listing.count.unwrap_or_default() as usize,
                                "mentor memory",
                                "mentor memories"
                            ),
                            listing.memories.len(),
                            listing.shortfall()
                        ),
                        excerpt: String::new(),
                    });
                }
                StoreRead::Items(listing) => StoreRead::Items(Items::Mentor(listing.memories)),
                StoreRead::Unavailable(gap) => StoreRead::Unavailable(gap),
            }
        }
        StoreKind::Course => match ops.client.course_memories(org, user).await? {
            StoreRead::Items(items) => StoreRead::Items(Items::Course(items)),
            StoreRead::Unavailable(gap) => StoreRead::Unavailable(gap),
        },
        // Chat memory has its own read and drain (`ops::erase`); nothing sends this.
        StoreKind::Chat => {
            return Err(ApiError::InvalidRequest(
                "chat memory is erased by the drain, not swept".into(),
            ));
        }
    })
}

/// What one DELETE is sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Address {
    /// `DELETE memory/{unique_id}/` (never a name: others may share it)
    MentorMemory(String),
    /// `DELETE memory-entries/{unique_id}/`
    MentorEntry(String),
    /// `DELETE .../memory/{id}/` of course memory.
    Course(String),
}

impl Address {
    pub(super) fn describe(&self) -> String {
        match self {
            Address::MentorMemory(id) => format!("mentor memory {id:?}"),
            Address::MentorEntry(id) => format!("mentor entry {id:?}"),
            Address::Course(id) => format!("course memory {id:?}"),
        }
    }

    /// The DELETEs that remove one mentor memory: by its id, else entry by entry. Never by
    /// its name: other memories may share it, unseen and in no backup.
    pub(super) fn of_mentor(m: &MentorMemory) -> Result<Vec<Address>, StoreFailure> {
        if let Some(id) = m.unique_id.as_ref().filter(|id| !id.is_empty()) {
            return Ok(vec![Address::MentorMemory(id.clone())]);
        }
        let entries: Vec<Address> = m
            .entries
            .iter()
            .filter_map(|e| e.unique_id.clone().filter(|id| !id.is_empty()))
            .map(Address::MentorEntry)
            .collect();
        if entries.is_empty() || entries.len() != m.entries.len() {
            return Err(StoreFailure::NoAddress(format!(
                "a mentor memory of category {:?}",
                m.category.as_deref().unwrap_or("")
            )));
        }
        Ok(entries)
    }

    fn target(&self, target: Target) -> Target {
        match self {
            Address::MentorMemory(id) | Address::MentorEntry(id) | Address::Course(id) => {
                target.item(id.clone())
            }
        }
    }

    async fn send(&self, ops: &Ops, org: &OrgScope, user: &UserRef) -> Result<Deleted, ApiError> {
        let c = &ops.client;
        match self {
            Address::MentorMemory(id) => c.erase_mentor_memory(org, user, id).await,
            Address::MentorEntry(id) => c.erase_mentor_entry(org, user, id).await,
            Address::Course(id) => c.erase_course_memory(org, user, id).await,
        }
    }
}

/// One erase in progress in one store; the backup file may be shared with other stores.
pub(super) struct Work<'a> {
    pub ops: &'a Ops,
    pub org: &'a OrgScope,
    pub user: &'a UserRef,
    pub store: StoreKind,
    pub action: Action,
    pub file: BackupFile,
    /// Deletes the server accepted (2xx).
    pub erased: usize,
    /// Deletes sent.
    pub deletes: usize,
    /// The mentor category a category erase is about, named in each of its audit lines.
    pub category: Option<String>,
}

impl<'a> Work<'a> {
    pub(super) fn new(
        ops: &'a Ops,
        org: &'a OrgScope,
        user: &'a UserRef,
        store: StoreKind,
        action: Action,
        file: BackupFile,
    ) -> Work<'a> {
        Work {
            ops,
            org,
            user,
            store,
            action,
            file,
            erased: 0,
            deletes: 0,
            category: None,
        }
    }

    pub(super) fn fail(&self, failure: StoreFailure) -> StoreEraseError {
        StoreEraseError {
            store: self.store,
            failure,
            backup: self.file.path().map(Into::into),
            erased: self.erased,
        }
    }

    pub(super) fn backup_path(&self) -> Option<PathBuf> {
        self.file.path().map(Into::into)
    }

    pub(super) async fn read(&self) -> Result<StoreRead<Items>, StoreEraseError> {
        read_store(self.ops, self.org, self.user, self.store)
            .await
            .map_err(|e| self.fail(StoreFailure::Read(self.store, e)))
    }

    /// Adds what a read showed to the backup and makes it durable.
    pub(super) async fn back_up(&mut self, items: &Items) -> Result<(), StoreEraseError> {
        let added = match items {
            Items::Mentor(m) => self.file.add_all(self.ops, &[], m, &[]).await,
            Items::Course(c) => self.file.add_all(self.ops, &[], &[], c).await,
        };
        added
            .map(|_| ())
            .map_err(|e| self.fail(StoreFailure::Backup(e)))
    }

    /// Intent line naming the store, the DELETE, outcome line. Sent only once the backup
    /// holding what it removes is on disk (the caller backed it up).
    pub(super) async fn delete(
        &mut self,
        address: &Address,
    ) -> Result<EraseOutcome, StoreEraseError> {
        let mut target = Target::user(self.org, self.user).store(self.store.as_str());
        if let Some(category) = &self.category {
            target = target.category(category.clone());
        }
        if let Some(path) = self.file.path() {
            target = target.backup(path);
        }
        let pending = self.intent(address.target(target)).await?;
        self.file.rely();
        let result = address.send(self.ops, self.org, self.user).await;
        self.deletes += 1;
        let outcome = match &result {
            Ok(deleted) => Outcome::ok().status(deleted.status),
            Err(e) => Outcome::api_error(e),
        };
        let outcome = match self.file.path() {
            Some(path) => outcome.backup(path),
            None => outcome,
        };
        self.ops.trail.finish(pending, outcome).await;
        match result.map(|d| d.outcome) {
            Ok(EraseOutcome::Erased) => {
                self.erased += 1;
                Ok(EraseOutcome::Erased)
            }
            Ok(other) => Ok(other),
            Err(source) => Err(self.fail(StoreFailure::Delete {
                what: address.describe(),
                source,
            })),
        }
    }

    async fn intent(&mut self, target: Target) -> Result<Pending, StoreEraseError> {
        match self.ops.trail.intent(self.action, target).await {
            Ok(pending) => Ok(pending),
            Err(e) => {
                let failure = self.fail(StoreFailure::Audit(e));
                if self.file.relied_on() {
                    return Err(failure);
                }
                // No request relied on the backup: leave no file behind that looks like an
                // erase happened.
                let file = std::mem::replace(
                    &mut self.file,
                    BackupFile::new(self.ops, self.org, self.user),
                );
                file.discard().await;
                Err(StoreEraseError {
                    backup: None,
                    ..failure
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn memory(value: serde_json::Value) -> MentorMemory {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_mentor_memory_is_deleted_by_id_else_entry_by_entry_never_by_name() {
        let by_id = memory(json!({"unique_id": "u-1", "name": "n", "entries": []}));
        assert_eq!(
            Address::of_mentor(&by_id).unwrap(),
            vec![Address::MentorMemory("u-1".into())]
        );
        // Other memories may share a name, unseen: a name is no address.
        let by_name = memory(json!({"name": "About a/b", "entries": []}));
        assert!(matches!(
            Address::of_mentor(&by_name),
            Err(StoreFailure::NoAddress(_))
        ));
        let by_entries = memory(json!({"entries": [
            {"unique_id": "e-1", "key": "a"}, {"unique_id": "e-2", "key": "b"}]}));
        assert_eq!(
            Address::of_mentor(&by_entries).unwrap(),
            vec![
                Address::MentorEntry("e-1".into()),
                Address::MentorEntry("e-2".into())
            ]
        );
        // An entry without an id would be left behind unseen: refuse rather than half-erase.
        let partly = memory(json!({"category": "c", "entries": [
            {"unique_id": "e-1", "key": "a"}, {"key": "b"}]}));
        assert!(matches!(
            Address::of_mentor(&partly),
            Err(StoreFailure::NoAddress(_))
        ));
        assert!(Address::of_mentor(&memory(json!({"unique_id": ""}))).is_err());
    }

    #[test]
    fn keys_tell_memories_apart_with_or_without_ids() {
        let items = Items::Mentor(vec![
            memory(json!({"unique_id": "u-1"})),
            memory(json!({"name": "x", "entries": [{"key": "a", "value": "1"}]})),
            memory(json!({"name": "x", "entries": [{"key": "a", "value": "2"}]})),
        ]);
        let keys = items.keys();
        assert_eq!(keys[0], "id:u-1");
        assert_ne!(keys[1], keys[2]);
        let course: Items = Items::Course(vec![serde_json::from_value(json!({"id": 7})).unwrap()]);
        assert_eq!(course.keys(), vec!["id:7"]);
    }
}
