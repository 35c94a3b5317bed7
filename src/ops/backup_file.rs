//! The backup an erase writes as it goes: every entry it is about to delete is added, and
//! on disk, before the request that deletes it. One file may hold every store (a forget).

use std::path::{Path, PathBuf};

use crate::api::{CourseMemory, MemoryEntry, MentorMemory, OrgScope, UserRef};
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
    /// A delete was sent that relies on this file: it must never be discarded.
    relied_on: bool,
}

impl BackupFile {
    pub(super) fn new(ops: &Ops, org: &OrgScope, user: &UserRef) -> BackupFile {
        BackupFile {
            backup: Backup::new(&ops.profile, ops.client.base_url(), org, user, Vec::new()),
            path: None,
            relied_on: false,
        }
    }

    /// Notes the mentor entries an erase leaves on the server (see [`Backup::kept_mentor`]).
    pub(super) fn keep_mentor(&mut self, ids: Vec<String>) {
        self.backup.kept_mentor = ids;
    }

    /// Notes the course memories an erase leaves on the server.
    pub(super) fn keep_course(&mut self, ids: Vec<String>) {
        self.backup.kept_course = ids;
    }

    /// Called before each delete: from then on the file is what makes the delete undoable.
    pub(super) fn rely(&mut self) {
        self.relied_on = true;
    }

    pub(super) fn relied_on(&self) -> bool {
        self.relied_on
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
        self.add_all(ops, seen, &[], &[]).await
    }

    /// [`BackupFile::add`] for every store at once: chat entries, mentor memories and course
    /// memories not yet held (compared whole), in one durable write.
    pub(super) async fn add_all(
        &mut self,
        ops: &Ops,
        chat: &[MemoryEntry],
        mentor: &[MentorMemory],
        course: &[CourseMemory],
    ) -> Result<usize, StoreError> {
        let chat = fresh(&self.backup.entries, chat);
        let mentor = fresh(&self.backup.mentor, mentor);
        let course = fresh(&self.backup.course, course);
        let added = chat.len() + mentor.len() + course.len();
        if added == 0 {
            return Ok(0);
        }
        let mut grown = self.backup.clone();
        grown.entries.extend(chat.into_iter().cloned());
        grown.mentor.extend(mentor.into_iter().cloned());
        grown.course.extend(course.into_iter().cloned());
        self.write(ops, grown).await?;
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
        self.write(ops, grown).await
    }

    /// The course memories a verifying read shows after an erase of one: on a server that
    /// shows one at a time, that is where the others first appear, and a restore may add
    /// the erased one back beside them (as [`BackupFile::keep_also`] for chat entries).
    pub(super) async fn keep_course_also(
        &mut self,
        ops: &Ops,
        ids: &[String],
    ) -> Result<(), StoreError> {
        let mut kept = self.backup.kept_course.clone();
        for id in ids {
            if !kept.contains(id) {
                kept.push(id.clone());
            }
        }
        if kept.len() == self.backup.kept_course.len() || self.path.is_none() {
            return Ok(());
        }
        let mut grown = self.backup.clone();
        grown.kept_course = kept;
        self.write(ops, grown).await
    }

    /// Writes `grown` over the file (or as a new one) and waits until it is durable.
    async fn write(&mut self, ops: &Ops, grown: Backup) -> Result<(), StoreError> {
        let barrier = ops.flush.clone();
        let dir = ops.backups.clone();
        let existing = self.path.clone();
        let to_write = grown.clone();
        let written = tokio::task::spawn_blocking(move || {
            let written = match (existing, &barrier) {
                (Some(path), Some(_)) => rewrite_backup_deferred(&path, &to_write).map(|()| path),
                (Some(path), None) => rewrite_backup(&path, &to_write).map(|()| path),
                (None, Some(_)) => write_backup_deferred(&dir, &to_write),
                (None, None) => write_backup(&dir, &to_write),
            }?;
            // The shared flush is a `syncfs` of the output folder's file system; a backups
            // folder (or an org's folder in it) linked or mounted elsewhere is not on it.
            if barrier.is_some_and(|b| !b.covers(&written)) {
                crate::store::private_file::flush_written(&written)?;
            }
            Ok::<_, StoreError>(written)
        })
        .await
        .map_err(|e| {
            StoreError::io("write", &ops.backups, std::io::Error::other(e.to_string()))
        })??;
        // Every request follows an intent, whose wait then covers this file too.
        if let Some(barrier) = &ops.flush
            && !ops.trail.flushes_with(barrier)
        {
            barrier.wait().await?;
        }
        self.path = Some(written);
        self.backup = grown;
        Ok(())
    }

    /// Removes a backup no request ever relied on (its audit intent failed before the first
    /// delete), so no orphan is left that looks like an erase happened.
    pub(super) async fn discard(self) {
        if self.relied_on {
            return;
        }
        self.remove().await;
    }

    /// Removes the file whatever relied on it: for an erase whose every delete was refused,
    /// so the server holds all the file does.
    pub(super) async fn remove(self) {
        if let Some(path) = self.path {
            let shown = path.clone();
            let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(&path)).await;
            if !matches!(removed, Ok(Ok(()))) {
                tracing::warn!(path = %shown.display(), "unused backup not removed");
            }
        }
    }
}

/// The items of `seen` that `held` does not have, each once, in the order seen.
fn fresh<'a, T: PartialEq>(held: &[T], seen: &'a [T]) -> Vec<&'a T> {
    let mut out: Vec<&T> = Vec::new();
    for item in seen {
        if !held.contains(item) && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}
