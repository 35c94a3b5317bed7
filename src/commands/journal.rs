//! The journal of a bulk job: one JSON line per user outcome in the job's directory, so a
//! re-run skips users already finished and retries the failed ones.
//!
//! Lines are appended with one `write` each (O_APPEND), so a killed process leaves whole
//! lines and at most one torn last line, which is ignored when read back. `fsync` runs every
//! [`SYNC_EVERY`] lines and at the end: losing the last few lines to a power cut only means
//! those users are looked at again, and both jobs are safe to repeat (a purged user reads
//! back empty and counts as "nothing to erase").

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use super::exit::{CmdError, CmdResult};
use super::repeats::NameSet;
use crate::store::private_file::{create_private_dir_all, open_append, write_new};

const SYNC_EVERY: u64 = 256;

/// How one user ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exported, or backed up, erased and verified.
    Done,
    /// The user had no memory: nothing to export or erase. Finished, not failed.
    Empty,
    /// The org has no such user (its memory read said 404 and the users list has no one of
    /// that name). Not finished: a resume looks again, so a re-run until exit 0 never
    /// hides a mistyped name (and finds a user created since).
    Unknown,
    /// Erased by an earlier run of the job that was killed before it journaled the user:
    /// the memory read says 404 and the backup that run wrote is in the job's directory.
    ErasedEarlier,
    /// Exported, but a store showed only part of what it holds (the published chat read
    /// shows one entry; a mentor listing counted more than its pages held): the file holds
    /// what was shown and the reason says what may be missing. Finished: reading again
    /// would show the same.
    Incomplete,
    Failed,
}

/// The users an earlier run of the job finished, as fingerprints ([`NameSet`]): resuming a
/// job of a million users does not hold their names.
#[derive(Debug, Default)]
pub struct Finished(NameSet);

impl Finished {
    pub fn contains(&self, user: &str) -> bool {
        self.0.contains(user)
    }

    fn insert(&mut self, user: &str) {
        self.0.insert(user);
    }

    fn remove(&mut self, user: &str) {
        self.0.remove(user);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl<'a> FromIterator<&'a str> for Finished {
    fn from_iter<I: IntoIterator<Item = &'a str>>(users: I) -> Finished {
        let mut finished = Finished::default();
        for user in users {
            finished.insert(user);
        }
        finished
    }
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub user: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<PathBuf>,
    #[serde(default)]
    pub bytes: u64,
}

/// What the job directory is for; a re-run must be the same job on the same org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct JobFile {
    job: String,
    org: String,
    base_url: String,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    sink: Mutex<(File, u64)>,
    /// An exclusive lock on `job.lock` for the job's life: a second run of the same command
    /// on the same folder would handle every user again beside the first. The system drops
    /// it when the process ends, however it ends, so a killed run never blocks its resume.
    _running: Option<File>,
}

impl Journal {
    /// Opens (or starts) the journal in `dir` and returns the users already finished.
    /// Refuses a directory that holds another job, org or server.
    pub fn open(
        dir: &Path,
        job: &str,
        org: &str,
        base_url: &str,
    ) -> CmdResult<(Journal, Finished)> {
        create_private_dir_all(dir)?;
        let running = lock_running(dir)?;
        let want = JobFile {
            job: job.into(),
            org: org.into(),
            base_url: base_url.into(),
        };
        let job_path = dir.join("job.json");
        match std::fs::read(&job_path) {
            Ok(bytes) => {
                let found: JobFile = serde_json::from_slice(&bytes).map_err(|e| {
                    CmdError::usage(format!(
                        "{} is not a memory-console job file: {e}",
                        job_path.display()
                    ))
                })?;
                if found != want {
                    return Err(CmdError::usage(format!(
                        "{} belongs to a {} of org {:?} on {}; use another --out directory",
                        dir.display(),
                        found.job,
                        found.org,
                        found.base_url
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes =
                    serde_json::to_vec_pretty(&want).map_err(|e| CmdError::other(e.to_string()))?;
                write_new(&job_path, &bytes)?;
            }
            Err(e) => {
                return Err(CmdError::other(format!(
                    "cannot read {}: {e}",
                    job_path.display()
                )));
            }
        }
        let path = dir.join("journal.jsonl");
        let mut file = open_append(&path)?;
        let finished = read_finished(&mut file)
            .map_err(|e| CmdError::other(format!("cannot read {}: {e}", path.display())))?;
        Ok((
            Journal {
                path,
                sink: Mutex::new((file, 0)),
                _running: Some(running),
            },
            finished,
        ))
    }

    /// A journal whose every append fails as on a full disk.
    #[cfg(all(test, target_os = "linux"))]
    pub(super) fn on_a_full_disk() -> Journal {
        let path = PathBuf::from("/dev/full");
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("/dev/full");
        Journal {
            path,
            sink: Mutex::new((file, 0)),
            _running: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line.
    pub fn append(&self, record: &Record) -> CmdResult<()> {
        let mut line = serde_json::to_vec(record).map_err(|e| CmdError::other(e.to_string()))?;
        line.push(b'\n');
        let mut sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        let (file, count) = &mut *sink;
        let io = |e: std::io::Error| {
            CmdError::other(format!("cannot append to {}: {e}", self.path.display()))
        };
        file.write_all(&line).map_err(io)?;
        *count += 1;
        if (*count).is_multiple_of(SYNC_EVERY) {
            file.sync_data().map_err(io)?;
        }
        Ok(())
    }

    /// Flushes everything to disk.
    pub fn sync(&self) -> CmdResult<()> {
        let sink = self.sink.lock().unwrap_or_else(PoisonError::into_inner);
        sink.0
            .sync_all()
            .map_err(|e| CmdError::other(format!("cannot sync {}: {e}", self.path.display())))
    }
}

fn lock_running(dir: &Path) -> CmdResult<File> {
    let path = dir.join("job.lock");
    let file = open_append(&path)?;
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(file),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(CmdError::usage(format!(
            "another run of this job is using {} right now; wait for it to end (or stop it), \
             then run the same command again",
            dir.display()
        ))),
        Err(e) => Err(CmdError::other(format!(
            "cannot lock {}: {}",
            path.display(),
            std::io::Error::from(e)
        ))),
    }
}

/// Users whose last line says they are finished (anything but failed or unknown). A torn
/// last line is cut off, so the next record starts on a line of its own.
fn read_finished(file: &mut File) -> std::io::Result<Finished> {
    file.seek(SeekFrom::Start(0))?;
    let mut finished = Finished::default();
    let mut reader = BufReader::new(&mut *file);
    let mut line = Vec::new();
    // The end of the last line that ended with a newline, and whether the one after it (if
    // any) is a whole record anyway.
    let (mut whole, mut len, mut tail_parses) = (0u64, 0u64, true);
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        len += n as u64;
        let record = serde_json::from_slice::<Record>(&line);
        if line.last() == Some(&b'\n') {
            whole = len;
        } else {
            tail_parses = record.is_ok();
        }
        if let Ok(r) = record {
            if matches!(r.status, Status::Failed | Status::Unknown) {
                finished.remove(&r.user);
            } else {
                finished.insert(&r.user);
            }
        }
    }
    drop(reader);
    if whole < len {
        // A line a killed process or a full disk cut short: gone, so the journal stays one
        // JSON record a line for any reader. One whole but for its newline is ended instead.
        if tail_parses {
            file.write_all(b"\n")?;
        } else {
            file.set_len(whole)?;
        }
    }
    Ok(finished)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(user: &str, status: Status) -> Record {
        Record {
            user: user.into(),
            status,
            reason: None,
            backup: None,
            bytes: 0,
        }
    }

    #[test]
    fn a_rerun_sees_finished_users_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (j, done) = Journal::open(dir.path(), "purge", "main", "http://x").unwrap();
            assert_eq!(done.len(), 0);
            j.append(&rec("ann", Status::Done)).unwrap();
            j.append(&rec("bob", Status::Failed)).unwrap();
            j.append(&rec("cy", Status::Empty)).unwrap();
            j.append(&rec("dee", Status::Done)).unwrap();
            j.append(&rec("dee", Status::Failed)).unwrap();
        }
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("journal.jsonl"))
            .unwrap();
        f.write_all(br#"{"user":"eve","sta"#).unwrap();
        let (j, done) = Journal::open(dir.path(), "purge", "main", "http://x").unwrap();
        assert_eq!(done.len(), 2);
        for (user, finished) in [("ann", true), ("cy", true), ("bob", false), ("dee", false)] {
            assert_eq!(done.contains(user), finished, "{user}");
        }
        assert!(!done.contains("eve"), "a torn line finishes no one");
        let text = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
        assert!(
            text.lines()
                .all(|l| serde_json::from_str::<Record>(l).is_ok()),
            "the torn line is gone: {text}"
        );
        j.append(&rec("bob", Status::Done)).unwrap();
        drop(j);
        let (_, done) = Journal::open(dir.path(), "purge", "main", "http://x").unwrap();
        assert!(done.contains("bob"));
    }

    #[test]
    fn a_second_run_on_the_same_folder_is_refused_while_the_first_runs() {
        let dir = tempfile::tempdir().unwrap();
        let first = Journal::open(dir.path(), "purge", "main", "http://x").unwrap();
        let err = Journal::open(dir.path(), "purge", "main", "http://x").unwrap_err();
        assert!(err.message.contains("another run of this job"), "{err}");
        drop(first);
        Journal::open(dir.path(), "purge", "main", "http://x").expect("free once it ended");
    }

    #[test]
    fn another_job_or_org_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(Journal::open(dir.path(), "purge", "main", "http://x").unwrap());
        assert!(Journal::open(dir.path(), "export", "main", "http://x").is_err());
        assert!(Journal::open(dir.path(), "purge", "other", "http://x").is_err());
    }
}
