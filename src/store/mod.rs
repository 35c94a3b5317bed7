//! Local persistence: erase backups, the audit log, editor drafts, and restoring from a backup.
//! Everything written here is private to the OS user (files 0600, directories 0700 on unix)
//! and never holds the API key, only its fingerprint.

mod audit;
mod backup;
mod drafts;
mod names;
pub mod private_file;
mod sync_barrier;
mod tasks;

use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

pub use audit::{
    Action, AuditContext, AuditLog, AuditRecord, AuditResult, Outcome, Pending, Phase, Target,
    http_status_of, key_fingerprint, read_recent,
};
pub use backup::{
    BACKUP_FORMAT, BACKUP_VERSION, Backup, mark_restored, read_backup, rewrite_backup,
    rewrite_backup_deferred, write_backup, write_backup_deferred,
};
pub use drafts::{
    DRAFT_FORMAT, Draft, draft_path, draft_scope, load_draft, remove_draft, save_draft,
};
pub use names::safe_name;

pub use sync_barrier::SyncBarrier;
pub use tasks::{
    LoadedTasks, MAX_KEPT_TASKS, TASKS_FORMAT, TaskRecord, end_task, load_tasks, record_task,
};

/// Errors of the local store. Each names the file it is about; none holds memory content.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot {op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("{path} already exists; it is never overwritten")]
    Exists { path: PathBuf },
    #[error("{path} is not a memory-console {expected} file: {reason}")]
    Foreign {
        path: PathBuf,
        expected: &'static str,
        reason: String,
    },
    #[error("{path} is damaged: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error(
        "{path} has format version {found}, newer than this program knows ({supported}); update memory-console"
    )]
    TooNew {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error("backup {path} was already restored at {at}")]
    AlreadyRestored { path: PathBuf, at: String },
    #[error("cannot encode {path}: {reason}")]
    Encode { path: PathBuf, reason: String },
}

impl StoreError {
    pub(crate) fn io(op: &'static str, path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The places under the data dir (see [`crate::config::data_dir`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Erase backups, one subdirectory per org.
    pub fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }

    /// Unsaved editor text, one subdirectory per profile and org.
    pub fn drafts(&self) -> PathBuf {
        self.root.join("drafts")
    }

    /// Queued updates still followed, so a restart polls them again.
    pub fn tasks(&self) -> PathBuf {
        self.root.join("tasks.json")
    }

    /// The default audit log file.
    pub fn audit_log(&self) -> PathBuf {
        self.root.join("audit.jsonl")
    }

    /// The directory for tracing logs (hand it to [`crate::logging::init_file`]).
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// Creates the root with mode 0700 if it is missing.
    pub fn create(&self) -> Result<(), StoreError> {
        private_file::create_private_dir_all(&self.root)
    }
}

/// The current time in UTC, the one clock of the store.
pub(crate) fn now_utc() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// RFC 3339 text of a time, for messages.
pub(crate) fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_paths_hang_off_the_root() {
        let d = DataDir::new("/data");
        assert_eq!(d.backups(), Path::new("/data/backups"));
        assert_eq!(d.drafts(), Path::new("/data/drafts"));
        assert_eq!(d.audit_log(), Path::new("/data/audit.jsonl"));
        assert_eq!(d.logs(), Path::new("/data/logs"));
        assert_eq!(d.tasks(), Path::new("/data/tasks.json"));
    }

    #[test]
    fn the_data_dir_is_made_private_and_only_when_missing() {
        let parent = tempfile::tempdir().unwrap();
        let d = DataDir::new(parent.path().join("a").join("data"));
        d.create().unwrap();
        let meta = std::fs::metadata(d.root()).unwrap();
        assert!(meta.is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
        }
        d.create().expect("a second call finds it there");
    }

    #[test]
    fn times_in_messages_are_rfc3339() {
        let t = time::OffsetDateTime::from_unix_timestamp(1_767_323_045).unwrap();
        assert_eq!(rfc3339(t), "2026-01-02T03:04:05Z");
    }
}
