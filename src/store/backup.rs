//! Erase backups: the memory of a user exactly as read before an erase, so it can come back.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::names::safe_name;
use super::private_file::{
    create_private_dir_all, write_atomic, write_atomic_deferred, write_new, write_new_deferred,
};
use super::{StoreError, now_utc, rfc3339};
use crate::api::{MemoryEntry, OrgScope, UserRef};

/// The `format` word that marks a file as an erase backup.
pub const BACKUP_FORMAT: &str = "memory-console-erase-backup";
/// The newest backup format version this program reads and writes.
pub const BACKUP_VERSION: u32 = 1;

/// One erase backup, as stored in its JSON file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub version: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub profile: String,
    pub base_url: String,
    /// The org key used in paths.
    pub org: String,
    pub platform_key: String,
    pub username: String,
    pub user_id: Option<i64>,
    /// The entries exactly as the server sent them; a `null` content stays `null`.
    pub entries: Vec<MemoryEntry>,
    /// Entries the server still showed that this erase left alone (an erase of one entry):
    /// a restore may add the backup's entries beside them, but beside nothing newer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_ids: Vec<i64>,
    /// Set once the entries were written back, so a backup is restored at most once.
    #[serde(with = "time::serde::rfc3339::option")]
    pub restored_at: Option<OffsetDateTime>,
}

impl Backup {
    /// A backup taken now.
    pub fn new(
        profile: &str,
        base_url: &str,
        org: &OrgScope,
        user: &UserRef,
        entries: Vec<MemoryEntry>,
    ) -> Backup {
        Backup {
            format: BACKUP_FORMAT.into(),
            version: BACKUP_VERSION,
            created_at: now_utc(),
            profile: profile.into(),
            base_url: base_url.into(),
            org: org.key.clone(),
            platform_key: org.platform_key.clone(),
            username: user.username.clone(),
            user_id: user.user_id,
            entries,
            kept_ids: Vec::new(),
            restored_at: None,
        }
    }

    pub fn org_scope(&self) -> OrgScope {
        OrgScope {
            key: self.org.clone(),
            platform_key: self.platform_key.clone(),
        }
    }

    pub fn user_ref(&self) -> UserRef {
        UserRef {
            username: self.username.clone(),
            user_id: self.user_id,
        }
    }
}

/// Writes `backup` to `<backups_dir>/<org>/<username>-<YYYYMMDDTHHMMSSZ>[-N].json` (names
/// made safe; see [`safe_name`]) and returns the path. Never replaces an existing file: a
/// second backup in the same second gets the next free `-N`.
pub fn write_backup(backups_dir: &Path, backup: &Backup) -> Result<PathBuf, StoreError> {
    write_backup_with(backups_dir, backup, write_new)
}

/// [`write_backup`] without its own flush: the file is durable only once a
/// [`super::SyncBarrier`] on the same file system has been waited on. Bulk jobs use this so
/// their workers share flushes.
pub fn write_backup_deferred(backups_dir: &Path, backup: &Backup) -> Result<PathBuf, StoreError> {
    write_backup_with(backups_dir, backup, write_new_deferred)
}

/// Replaces the backup at `path` with `backup`, which has grown (an erase found more
/// entries), so that a reader sees the old file or the new one, never a part.
pub fn rewrite_backup(path: &Path, backup: &Backup) -> Result<(), StoreError> {
    rewrite_backup_with(path, backup, write_atomic)
}

/// [`rewrite_backup`] without its own flush; see [`write_backup_deferred`].
pub fn rewrite_backup_deferred(path: &Path, backup: &Backup) -> Result<(), StoreError> {
    rewrite_backup_with(path, backup, write_atomic_deferred)
}

fn rewrite_backup_with(
    path: &Path,
    backup: &Backup,
    write: fn(&Path, &[u8]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    if let Some(reason) = invalid(backup) {
        return Err(StoreError::Encode {
            path: path.to_path_buf(),
            reason,
        });
    }
    write(path, &encode(path, backup)?)
}

fn write_backup_with(
    backups_dir: &Path,
    backup: &Backup,
    write: fn(&Path, &[u8]) -> Result<(), StoreError>,
) -> Result<PathBuf, StoreError> {
    let dir = backups_dir.join(safe_name(&backup.org));
    if let Some(reason) = invalid(backup) {
        return Err(StoreError::Encode { path: dir, reason });
    }
    create_private_dir_all(&dir)?;
    let bytes = encode(&dir, backup)?;
    let t = backup.created_at.to_offset(time::UtcOffset::UTC);
    let stem = format!(
        "{}-{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        safe_name(&backup.username),
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    for n in 1..=1000u32 {
        let name = if n == 1 {
            format!("{stem}.json")
        } else {
            format!("{stem}-{n}.json")
        };
        let path = dir.join(name);
        match write(&path, &bytes) {
            Ok(()) => return Ok(path),
            Err(StoreError::Exists { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::Exists {
        path: dir.join(format!("{stem}-1000.json")),
    })
}

/// Reads and checks a backup; a file of another kind, a newer version or a damaged one is
/// an error that says which.
pub fn read_backup(path: &Path) -> Result<Backup, StoreError> {
    let bytes = fs::read(path).map_err(|e| StoreError::io("read", path, e))?;
    decode(path, &bytes)
}

/// Marks the backup as restored now (atomically) and returns it; refuses a second time.
pub fn mark_restored(path: &Path) -> Result<Backup, StoreError> {
    let mut backup = read_backup(path)?;
    if let Some(at) = backup.restored_at {
        return Err(StoreError::AlreadyRestored {
            path: path.to_path_buf(),
            at: rfc3339(at),
        });
    }
    backup.restored_at = Some(now_utc());
    write_atomic(path, &encode(path, &backup)?)?;
    Ok(backup)
}

fn encode(path: &Path, backup: &Backup) -> Result<Vec<u8>, StoreError> {
    let mut bytes = serde_json::to_vec_pretty(backup).map_err(|e| StoreError::Encode {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn decode(path: &Path, bytes: &[u8]) -> Result<Backup, StoreError> {
    let foreign = |reason: String| StoreError::Foreign {
        path: path.to_path_buf(),
        expected: "erase backup",
        reason,
    };
    // serde_json's messages give line and column only, never the content, so no personal
    // data reaches an error message.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| foreign(format!("not JSON ({e})")))?;
    let format = value.get("format").and_then(|f| f.as_str());
    if format != Some(BACKUP_FORMAT) {
        return Err(foreign(match format {
            Some(other) => format!("its format is {other:?}"),
            None => "it has no \"format\" field".into(),
        }));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(BACKUP_VERSION) => {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: v,
                supported: BACKUP_VERSION,
            });
        }
        Some(v) if v >= 1 => {}
        _ => {
            return Err(StoreError::Malformed {
                path: path.to_path_buf(),
                reason: "\"version\" is missing or not a positive integer".into(),
            });
        }
    }
    let backup: Backup = serde_json::from_value(value).map_err(|e| StoreError::Malformed {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if let Some(reason) = invalid(&backup) {
        return Err(StoreError::Malformed {
            path: path.to_path_buf(),
            reason,
        });
    }
    Ok(backup)
}

/// What makes a backup unusable for a restore, checked on writing and on reading alike.
fn invalid(backup: &Backup) -> Option<String> {
    if backup.org.is_empty() || backup.username.is_empty() {
        return Some("the org or the username is empty".into());
    }
    if backup.format != BACKUP_FORMAT || backup.version == 0 || backup.version > BACKUP_VERSION {
        return Some(format!(
            "format {:?} version {} is not {BACKUP_FORMAT:?} up to version {BACKUP_VERSION}",
            backup.format, backup.version
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, content: Option<&str>) -> MemoryEntry {
        MemoryEntry {
            id,
            username: "ann".into(),
            platform_key: "main".into(),
            content: content.map(Into::into),
            session_id: Some("s-1".into()),
        }
    }

    fn sample() -> Backup {
        Backup::new(
            "prod",
            "https://x.example",
            &OrgScope::new("main"),
            &UserRef::by_name("ann"),
            vec![entry(1, Some("likes tea")), entry(2, None)],
        )
    }

    #[test]
    fn a_backup_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let b = sample();
        let path = write_backup(dir.path(), &b).unwrap();
        assert!(path.starts_with(dir.path().join("main")));
        let back = read_backup(&path).unwrap();
        assert_eq!(back, b);
        assert_eq!(back.entries[1].content, None);
        let raw = fs::read_to_string(&path).unwrap();
        assert!(raw.contains("\"content\": null"), "{raw}");
    }

    #[test]
    fn restored_is_marked_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_backup(dir.path(), &sample()).unwrap();
        let marked = mark_restored(&path).unwrap();
        assert!(marked.restored_at.is_some());
        assert_eq!(read_backup(&path).unwrap(), marked);
        let err = mark_restored(&path).unwrap_err();
        assert!(err.to_string().contains("already restored at"), "{err}");
    }

    #[test]
    fn foreign_damaged_and_newer_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        let check = |text: &str, want: &str| {
            fs::write(&p, text).unwrap();
            let err = read_backup(&p).unwrap_err().to_string();
            assert!(err.contains(want), "{text}: {err}");
            assert!(err.contains("x.json"), "{err}");
        };
        check("not json at all", "not a memory-console erase backup");
        check(r#"{"hello": 1}"#, "no \"format\" field");
        check(r#"{"format": "other"}"#, "its format is \"other\"");
        check(
            &format!(r#"{{"format": "{BACKUP_FORMAT}", "version": 99}}"#),
            "newer than this program knows",
        );
        check(
            &format!(r#"{{"format": "{BACKUP_FORMAT}", "version": 1}}"#),
            "is damaged",
        );
    }
}
