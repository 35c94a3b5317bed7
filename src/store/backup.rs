//! Erase backups: the memory of a user exactly as read before an erase, so it can come back.
//! Version 2 holds the mentor memories and course memory beside the chat entries (a forget
//! backs up every store in one file); version-1 files, chat only, still read.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::names::safe_name;
use super::private_file::{
    create_private_dir_all, write_atomic, write_atomic_deferred, write_new, write_new_deferred,
};
use super::{StoreError, now_utc, rfc3339};
use crate::api::{CourseMemory, MemoryEntry, MentorMemory, OrgScope, UserRef};

/// The `format` word that marks a file as an erase backup.
pub const BACKUP_FORMAT: &str = "memory-console-erase-backup";
/// The newest backup format version this program reads and writes.
pub const BACKUP_VERSION: u32 = 2;

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
    /// Mentor memories exactly as read (version 2), each with the entries that were erased.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentor: Vec<MentorMemory>,
    /// Course memories exactly as read (version 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub course: Vec<CourseMemory>,
    /// What the reads behind this file could not show (an export of a store that showed
    /// only part of what it holds), in words; empty when every read was complete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_gaps: Vec<String>,
    /// Unique ids of mentor entries an erase of one entry or category left on the server: a
    /// restore may add the backup's memories beside them, but beside nothing newer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_mentor: Vec<String>,
    /// Ids of course memories an erase of one left on the server (same rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_course: Vec<String>,
    /// Chat entries a restore already wrote back, as (row in `entries`, the id the server
    /// gave it), each noted as soon as it is written: a restore that stopped partway goes on
    /// from there, beside what it wrote, instead of finding "memory again" and refusing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restored_rows: Vec<(usize, i64)>,
    /// Set before a restore's first chat POST: a restore killed while that POST was in
    /// flight has noted no row yet, and this tells the resumed one to look for the entry
    /// the server may have written, rather than refuse it as memory gathered since.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub restore_started_at: Option<OffsetDateTime>,
    /// Mentor memories (rows of `mentor`) a restore already re-created, each with the
    /// unique ids the server gave its entries, noted as each is written (like
    /// `restored_rows`): a restore stopped partway goes on after them, beside them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revived_mentor: Vec<(usize, Vec<String>)>,
    /// Course memories (rows of `course`) a restore already re-created, with their new ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revived_course: Vec<(usize, String)>,
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
            mentor: Vec::new(),
            course: Vec::new(),
            read_gaps: Vec::new(),
            kept_mentor: Vec::new(),
            kept_course: Vec::new(),
            restored_rows: Vec::new(),
            restore_started_at: None,
            revived_mentor: Vec::new(),
            revived_course: Vec::new(),
            restored_at: None,
        }
    }

    pub fn org_scope(&self) -> OrgScope {
        OrgScope {
            key: self.org.clone(),
            platform_key: self.platform_key.clone(),
        }
    }

    /// Whether the backup holds anything at all, in any store.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.mentor.is_empty() && self.course.is_empty()
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
        // Version 0 is told apart before the fields are read (found by cargo-mutants).
        check(
            &format!(r#"{{"format": "{BACKUP_FORMAT}", "version": 0}}"#),
            "not a positive integer",
        );
    }

    #[test]
    fn a_version_1_file_reads_with_empty_stores() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v1.json");
        // A file as version 1 wrote it: chat entries only, no store fields.
        let v1 = r#"{"format": "memory-console-erase-backup", "version": 1,
            "created_at": "2026-01-02T03:04:05Z", "profile": "prod",
            "base_url": "https://x.example", "org": "main", "platform_key": "main",
            "username": "ann", "user_id": 7,
            "entries": [{"id": 1, "username": "ann", "platform_key": "main",
                         "content": "likes tea", "session_id": "s-1"}],
            "restored_at": null}"#;
        fs::write(&p, v1).unwrap();
        let b = read_backup(&p).unwrap();
        assert_eq!(b.version, 1);
        assert_eq!(b.entries.len(), 1);
        assert_eq!(b.entries[0].content.as_deref(), Some("likes tea"));
        assert!(b.mentor.is_empty() && b.course.is_empty());
        assert!(!b.is_empty());
        // Marking a version-1 file restored keeps it readable.
        mark_restored(&p).unwrap();
        assert!(read_backup(&p).unwrap().restored_at.is_some());
    }

    #[test]
    fn version_2_holds_every_store_and_reads_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = sample();
        let hostile = "\u{1b}]0;pwned\u{7}\u{202e}evil";
        b.mentor = vec![
            serde_json::from_value(serde_json::json!({
                "unique_id": "m-1", "category": "personal_information",
                "entries": [{"unique_id": "e-1", "key": "name", "value": hostile,
                             "expires_at": "2030-01-01T00:00:00Z"},
                            {"unique_id": "e-2", "key": "city", "value": "Oslo"}]
            }))
            .unwrap(),
            serde_json::from_value(serde_json::json!({
                "unique_id": "m-2", "category": "a/b c", "entries": []
            }))
            .unwrap(),
        ];
        b.course = vec![
            serde_json::from_value(serde_json::json!({
                "id": 4, "catalog_item": "course-v1:x", "lessons": {"done": [hostile]},
                "next_steps": ["a", 1, null]
            }))
            .unwrap(),
        ];
        b.kept_mentor = vec!["e-9".into()];
        let path = write_backup(dir.path(), &b).unwrap();
        let raw = fs::read_to_string(&path).unwrap();
        assert!(raw.contains("\"version\": 2"), "{raw}");
        assert!(raw.contains("\"mentor\""), "{raw}");
        let back = read_backup(&path).unwrap();
        assert_eq!(back, b);
        assert_eq!(back.mentor[0].entries[0].value.as_deref(), Some(hostile));
        assert_eq!(back.course[0].lessons["done"][0], hostile);
    }

    /// Found by cargo-mutants: `is_empty` made constant, or one store left out of it.
    #[test]
    fn a_backup_is_empty_only_when_every_store_is() {
        let mut b = sample();
        b.entries.clear();
        assert!(b.is_empty(), "no entries and no other store");
        b.mentor = vec![
            serde_json::from_value(serde_json::json!({
                "unique_id": "m-1", "category": "c", "entries": []
            }))
            .unwrap(),
        ];
        assert!(!b.is_empty(), "a mentor memory alone");
        b.mentor.clear();
        b.course = vec![
            serde_json::from_value(serde_json::json!({"id": 4, "catalog_item": "x"})).unwrap(),
        ];
        assert!(!b.is_empty(), "a course memory alone");
        b.course.clear();
        b.entries = sample().entries;
        assert!(!b.is_empty(), "chat entries alone");
    }

    /// Found by cargo-mutants: a file no program version could restore is not written.
    #[test]
    fn a_backup_of_another_format_or_version_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_backup(dir.path(), &sample()).unwrap();
        let spoil: [fn(&mut Backup); 3] = [
            |b| b.format = "other".into(),
            |b| b.version = 0,
            |b| b.version = BACKUP_VERSION + 1,
        ];
        for spoil in spoil {
            let mut b = sample();
            spoil(&mut b);
            assert!(
                write_backup(dir.path(), &b).is_err(),
                "{} {}",
                b.format,
                b.version
            );
            assert!(
                rewrite_backup(&path, &b).is_err(),
                "{} {}",
                b.format,
                b.version
            );
        }
        assert_eq!(read_backup(&path).unwrap().entries, sample().entries);
        assert_eq!(fs::read_dir(dir.path().join("main")).unwrap().count(), 1);
    }

    #[test]
    fn chat_only_backups_write_no_store_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_backup(dir.path(), &sample()).unwrap();
        let raw = fs::read_to_string(&path).unwrap();
        for field in ["\"mentor\"", "\"course\"", "kept_mentor", "kept_course"] {
            assert!(!raw.contains(field), "{field} in {raw}");
        }
    }
}
