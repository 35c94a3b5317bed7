//! Queued updates the console still follows, kept in the data dir so a restart picks them
//! up again: nobody should have to guess whether an update sent before a quit landed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::private_file::write_atomic;
use super::{StoreError, now_utc};

/// The `format` word that marks the file.
pub const TASKS_FORMAT: &str = "memory-console-tasks";

/// At most this many tasks are kept; the oldest go first. A server that never ends its
/// tasks must not grow the file, or the start-up polling, without end.
pub const MAX_KEPT_TASKS: usize = 200;

/// One queued update: which server, whose memory, which task. No memory text: the draft
/// of the edit holds that until the task is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub profile: String,
    pub base_url: String,
    pub org: String,
    /// Empty when a record leaves it out: the org key then stands for it.
    #[serde(default)]
    pub platform_key: String,
    pub username: String,
    #[serde(default)]
    pub user_id: Option<i64>,
    pub task_id: String,
    pub kind: String,
    /// When the update was queued, so its age counts from then after a restart. An
    /// older writer left it out: such a record still reads, its age unknown.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub queued_at: Option<OffsetDateTime>,
}

impl TaskRecord {
    /// A task queued now.
    pub fn new(
        profile: &str,
        base_url: &str,
        org: &crate::api::OrgScope,
        user: &crate::api::UserRef,
        task_id: &str,
        kind: &str,
    ) -> TaskRecord {
        TaskRecord {
            profile: profile.into(),
            base_url: base_url.into(),
            org: org.key.clone(),
            platform_key: org.platform_key.clone(),
            username: user.username.clone(),
            user_id: user.user_id,
            task_id: task_id.into(),
            kind: kind.into(),
            queued_at: Some(now_utc()),
        }
    }

    fn same_task(&self, other: &TaskRecord) -> bool {
        self.profile == other.profile
            && self.base_url == other.base_url
            && self.task_id == other.task_id
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct TasksFile {
    format: String,
    tasks: Vec<TaskRecord>,
}

/// What the file held for one profile and server, and what was wrong with it, if anything.
#[derive(Debug, Default)]
pub struct LoadedTasks {
    pub tasks: Vec<TaskRecord>,
    /// The file could not be read as a tasks file; it was moved aside to this path.
    pub set_aside: Option<PathBuf>,
}

/// The tasks recorded for `profile` at `base_url`, oldest first. A file that is not a tasks
/// file is moved aside (kept for a look, never deleted) and reads as no tasks.
pub fn load_tasks(path: &Path, profile: &str, base_url: &str) -> Result<LoadedTasks, StoreError> {
    match read_all(path) {
        Ok(all) => Ok(LoadedTasks {
            tasks: all
                .into_iter()
                .filter(|t| t.profile == profile && t.base_url == base_url)
                .collect(),
            set_aside: None,
        }),
        Err(Unreadable::Io(e)) => Err(e),
        Err(Unreadable::Corrupt) => Ok(LoadedTasks {
            tasks: Vec::new(),
            set_aside: Some(set_aside(path)?),
        }),
    }
}

/// Adds a task (a task already recorded is recorded once).
pub fn record_task(path: &Path, task: &TaskRecord) -> Result<(), StoreError> {
    let mut all = read_or_set_aside(path)?;
    if !all.iter().any(|t| t.same_task(task)) {
        all.push(task.clone());
    }
    let excess = all.len().saturating_sub(MAX_KEPT_TASKS);
    all.drain(..excess);
    write_all(path, all)
}

/// Removes a task that ended; a task not recorded is no error.
pub fn end_task(
    path: &Path,
    profile: &str,
    base_url: &str,
    task_id: &str,
) -> Result<(), StoreError> {
    let mut all = read_or_set_aside(path)?;
    let before = all.len();
    all.retain(|t| !(t.profile == profile && t.base_url == base_url && t.task_id == task_id));
    if all.len() == before {
        return Ok(());
    }
    write_all(path, all)
}

enum Unreadable {
    Io(StoreError),
    Corrupt,
}

fn read_all(path: &Path) -> Result<Vec<TaskRecord>, Unreadable> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Unreadable::Io(StoreError::io("read", path, e))),
    };
    match serde_json::from_slice::<TasksFile>(&bytes) {
        Ok(file) if file.format == TASKS_FORMAT => Ok(file.tasks),
        _ => Err(Unreadable::Corrupt),
    }
}

fn read_or_set_aside(path: &Path) -> Result<Vec<TaskRecord>, StoreError> {
    match read_all(path) {
        Ok(all) => Ok(all),
        Err(Unreadable::Io(e)) => Err(e),
        Err(Unreadable::Corrupt) => {
            set_aside(path)?;
            Ok(Vec::new())
        }
    }
}

/// `tasks.json` → `tasks.json.unreadable-<unix seconds>`.
fn set_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".unreadable-{}", now_utc().unix_timestamp()));
    let aside = PathBuf::from(name);
    fs::rename(path, &aside).map_err(|e| StoreError::io("rename", path, e))?;
    tracing::warn!(path = %aside.display(), "an unreadable tasks file was set aside");
    Ok(aside)
}

fn write_all(path: &Path, tasks: Vec<TaskRecord>) -> Result<(), StoreError> {
    if let Some(dir) = path.parent() {
        super::private_file::create_private_dir_all(dir)?;
    }
    let file = TasksFile {
        format: TASKS_FORMAT.into(),
        tasks,
    };
    let bytes = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Encode {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{OrgScope, UserRef};

    fn task(profile: &str, id: &str) -> TaskRecord {
        let org = OrgScope {
            key: "main".into(),
            platform_key: "main".into(),
        };
        TaskRecord::new(
            profile,
            "http://x",
            &org,
            &UserRef::by_name("alice"),
            id,
            "update",
        )
    }

    #[test]
    fn tasks_are_kept_per_profile_until_they_end() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        record_task(&path, &task("a", "t1")).expect("record");
        record_task(&path, &task("a", "t1")).expect("record twice");
        record_task(&path, &task("b", "t2")).expect("record");
        let a = load_tasks(&path, "a", "http://x").expect("load");
        assert_eq!(a.tasks.len(), 1, "once per task, and only this profile's");
        assert_eq!(a.tasks[0].task_id, "t1");
        assert!(
            load_tasks(&path, "a", "http://other")
                .expect("load")
                .tasks
                .is_empty()
        );
        end_task(&path, "a", "http://x", "t1").expect("end");
        assert!(
            load_tasks(&path, "a", "http://x")
                .expect("load")
                .tasks
                .is_empty()
        );
        assert_eq!(
            load_tasks(&path, "b", "http://x")
                .expect("load")
                .tasks
                .len(),
            1
        );
    }

    #[test]
    fn a_record_without_the_optional_fields_still_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        fs::write(
            &path,
            br#"{"format": "memory-console-tasks", "tasks": [{"profile": "a", "base_url": "http://x",
                "org": "main", "username": "ann", "task_id": "t1", "kind": "update",
                "queued_at": "2026-11-28T10:00:00Z"}]}"#,
        )
        .expect("write");
        let loaded = load_tasks(&path, "a", "http://x").expect("load");
        assert!(loaded.set_aside.is_none());
        assert_eq!(loaded.tasks.len(), 1);
        assert_eq!(loaded.tasks[0].platform_key, "");
        assert_eq!(
            loaded.tasks[0].queued_at.map(|t| t.unix_timestamp()),
            Some(1_795_860_000)
        );
    }

    #[test]
    fn a_record_without_its_queued_time_still_reads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        fs::write(
            &path,
            br#"{"format": "memory-console-tasks", "tasks": [{"profile": "a", "base_url": "http://x",
                "org": "main", "username": "ann", "task_id": "t1", "kind": "update"}]}"#,
        )
        .expect("write");
        let loaded = load_tasks(&path, "a", "http://x").expect("load");
        assert!(loaded.set_aside.is_none(), "an older file is not set aside");
        assert_eq!(loaded.tasks.len(), 1);
        assert_eq!(loaded.tasks[0].queued_at, None);
    }

    #[test]
    fn the_queued_time_is_written_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        let t = task("a", "t1");
        record_task(&path, &t).expect("record");
        let back = load_tasks(&path, "a", "http://x").expect("load");
        assert!(t.queued_at.is_some());
        assert_eq!(back.tasks[0].queued_at, t.queued_at);
    }

    #[test]
    fn a_missing_file_is_no_tasks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let loaded = load_tasks(&dir.path().join("tasks.json"), "a", "http://x").expect("load");
        assert!(loaded.tasks.is_empty() && loaded.set_aside.is_none());
    }

    #[test]
    fn a_corrupt_file_is_set_aside_not_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        fs::write(
            &path,
            b"{\"format\": \"memory-console-tasks\", \"tasks\": [\x1b",
        )
        .expect("write");
        let loaded = load_tasks(&path, "a", "http://x").expect("load");
        assert!(loaded.tasks.is_empty());
        let aside = loaded.set_aside.expect("set aside");
        assert!(fs::read(&aside).expect("kept").starts_with(b"{\"format\""));
        assert!(!path.exists());
        record_task(&path, &task("a", "t1")).expect("a new file starts");
        assert_eq!(
            load_tasks(&path, "a", "http://x")
                .expect("load")
                .tasks
                .len(),
            1
        );
    }

    #[test]
    fn the_file_keeps_only_the_newest_tasks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        for i in 0..MAX_KEPT_TASKS + 3 {
            record_task(&path, &task("a", &format!("t{i}"))).expect("record");
        }
        let kept = load_tasks(&path, "a", "http://x").expect("load").tasks;
        assert_eq!(kept.len(), MAX_KEPT_TASKS);
        assert_eq!(kept[0].task_id, "t3", "the oldest went first");
    }

    /// A task of `profile` at `base_url`, with an id that carries hostile text.
    fn task_at(profile: &str, base_url: &str, id: &str) -> TaskRecord {
        TaskRecord {
            base_url: base_url.into(),
            ..task(profile, id)
        }
    }

    #[test]
    fn one_task_id_under_several_profiles_and_servers_is_kept_and_ended_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        // Two servers can hand out the same task id; so can two profiles of one server.
        let id = "t1\u{1b}]0;owned\u{7}\u{202e}";
        let places = [("a", "http://x"), ("b", "http://x"), ("a", "http://y")];
        for (profile, base_url) in places {
            record_task(&path, &task_at(profile, base_url, id)).expect("record");
        }
        for (profile, base_url) in places {
            let tasks = load_tasks(&path, profile, base_url).expect("load").tasks;
            let got: Vec<_> = tasks
                .iter()
                .map(|t| (t.profile.as_str(), t.base_url.as_str(), t.task_id.as_str()))
                .collect();
            assert_eq!(got, [(profile, base_url, id)], "its own task, once");
        }
        end_task(&path, "a", "http://x", id).expect("end");
        assert!(
            load_tasks(&path, "a", "http://x")
                .expect("load")
                .tasks
                .is_empty()
        );
        for (profile, base_url) in &places[1..] {
            assert_eq!(
                load_tasks(&path, profile, base_url)
                    .expect("load")
                    .tasks
                    .len(),
                1,
                "ending a's task at http://x left {profile} at {base_url} alone"
            );
        }
    }

    #[test]
    fn a_tasks_file_that_cannot_be_read_is_an_error_not_an_empty_book() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A folder where the file should be: reading it fails, and not with "not found".
        let path = dir.path().join("tasks.json");
        fs::create_dir(&path).expect("a folder in the file's place");
        assert!(load_tasks(&path, "a", "http://x").is_err());
        assert!(record_task(&path, &task("a", "t1")).is_err());
        assert!(end_task(&path, "a", "http://x", "t1").is_err());
        assert!(path.is_dir(), "nothing was written over it or moved");
    }

    #[test]
    fn a_file_of_another_format_is_set_aside_not_read_as_tasks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tasks.json");
        let foreign = br#"{"format": "memory-console-backup", "tasks": [{"profile": "a",
            "base_url": "http://x", "org": "main", "username": "ann", "task_id": "t1",
            "kind": "update"}]}"#;
        fs::write(&path, foreign).expect("write");
        let loaded = load_tasks(&path, "a", "http://x").expect("load");
        assert!(loaded.tasks.is_empty(), "{:?}", loaded.tasks);
        let aside = loaded.set_aside.expect("set aside");
        assert_eq!(fs::read(&aside).expect("kept"), foreign);
    }
}
