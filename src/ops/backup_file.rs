//! The backup an erase writes as it goes: every entry it is about to delete is added, and
//! on disk, before the request that deletes it.

use std::path::{Path, PathBuf};

use crate::api::{MemoryEntry, OrgScope, UserRef};
use crate::store::{
    Backup, StoreError, rewrite_backup, rewrite_backup_deferred, write_backup,
    write_backup_deferred,
};

use super::Ops;

/// One erase's backup file, created on the first entry and rewritten as entries are added.
#[derive(Debug)]
pub(super) struct BackupFile {
    backup: Backup,
    path: Option<PathBuf>,
}

impl BackupFile {
    pub(super) fn new(ops: &Ops, org: &OrgScope, user: &UserRef) -> BackupFile {
        BackupFile {
            backup: Backup::new(&ops.profile, ops.client.base_url(), org, user, Vec::new()),
            path: None,
        }
    }

    /// Notes the entries the erase leaves on the server, written with the first entry.
    pub(super) fn keep(&mut self, ids: Vec<i64>) {
        self.backup.kept_ids = ids;
    }

    pub(super) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(super) fn entries(&self) -> &[MemoryEntry] {
        &self.backup.entries
    }

    /// Adds the entries not yet held (by id and content: two rows under one id with
    /// different text are both kept) and makes the file durable; returns how many were new,
    /// writing nothing when none is. On error the file on disk holds what it held before.
    pub(super) async fn add(
        &mut self,
        ops: &Ops,
        seen: &[MemoryEntry],
    ) -> Result<usize, StoreError> {
        let mut fresh: Vec<&MemoryEntry> = Vec::new();
        for entry in seen {
            if !self.backup.entries.contains(entry) && !fresh.contains(&entry) {
                fresh.push(entry);
            }
        }
        if fresh.is_empty() {
            return Ok(0);
        }
        let added = fresh.len();
        let mut grown = self.backup.clone();
        grown.entries.extend(fresh.into_iter().cloned());
        self.persist(ops, grown).await?;
        Ok(added)
    }

    /// Adds to the entries the erase left on the server the ids not yet noted, and rewrites
    /// the file when any is new. An erase of one entry learns of more entries only after its
    /// delete on a server that shows one at a time; they were left alone too, and undo may
    /// add the erased entry back beside them.
    pub(super) async fn keep_also(&mut self, ops: &Ops, ids: &[i64]) -> Result<(), StoreError> {
        let mut kept = self.backup.kept_ids.clone();
        for id in ids {
            if !kept.contains(id) {
                kept.push(*id);
            }
        }
        if kept.len() == self.backup.kept_ids.len() || self.path.is_none() {
            return Ok(());
        }
        let mut grown = self.backup.clone();
        grown.kept_ids = kept;
        self.persist(ops, grown).await
    }

    /// Writes `grown` (a new file the first time) and makes it durable; only then does it
    /// become what this file holds.
    async fn persist(&mut self, ops: &Ops, grown: Backup) -> Result<(), StoreError> {
        let deferred = ops.flush.is_some();
        let dir = ops.backups.clone();
        let existing = self.path.clone();
        let to_write = grown.clone();
        let written = tokio::task::spawn_blocking(move || match existing {
            Some(path) => {
                if deferred {
                    rewrite_backup_deferred(&path, &to_write)?;
                } else {
                    rewrite_backup(&path, &to_write)?;
                }
                Ok(path)
            }
            None if deferred => write_backup_deferred(&dir, &to_write),
            None => write_backup(&dir, &to_write),
        })
        .await
        .map_err(|e| {
            StoreError::io("write", &ops.backups, std::io::Error::other(e.to_string()))
        })??;
        if let Some(barrier) = &ops.flush {
            barrier.wait().await?;
        }
        self.path = Some(written);
        self.backup = grown;
        Ok(())
    }

    /// Removes a backup no request ever relied on (its audit intent failed before the first
    /// delete), so no orphan is left that looks like an erase happened.
    pub(super) async fn discard(self) {
        if let Some(path) = self.path {
            let shown = path.clone();
            let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(&path)).await;
            if !matches!(removed, Ok(Ok(()))) {
                tracing::warn!(path = %shown.display(), "unused backup not removed");
            }
        }
    }
}
