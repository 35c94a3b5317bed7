//! Group commit for files written without their own fsync: one `syncfs` makes durable every
//! file written before it started, so many concurrent workers share one flush.
//!
//! A bulk purge writes a backup per user and may not erase before that backup is on disk.
//! Flushing each file on its own (file, then directory) costs two disk round trips per user
//! and serialises the workers on the disk; waiting here costs one flush per batch instead.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use tokio::sync::Notify;

use super::StoreError;

#[derive(Debug, Default)]
struct State {
    /// Number of the last flush started; flushes run one at a time.
    started: u64,
    /// Number of the last flush finished.
    finished: u64,
    running: bool,
    /// The last flush that failed: waiters it may have covered are told so.
    failed: Option<(u64, String)>,
}

/// Waits until everything the caller wrote under `dir`'s file system is durable.
#[derive(Debug)]
pub struct SyncBarrier {
    dir: PathBuf,
    state: Mutex<State>,
    done: Notify,
}

impl SyncBarrier {
    pub fn new(dir: impl Into<PathBuf>) -> SyncBarrier {
        SyncBarrier {
            dir: dir.into(),
            state: Mutex::new(State::default()),
            done: Notify::new(),
        }
    }

    /// Returns once a flush that started after this call began has finished.
    pub async fn wait(&self) -> Result<(), StoreError> {
        // The first flush to start from now on covers the caller's writes; one already
        // running may have started before them.
        let need = self.lock().started + 1;
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let lead = {
                let mut s = self.lock();
                if s.finished >= need {
                    // Conservative: a later failure also fails earlier waiters that are only
                    // now looking, so nothing is erased on a doubtful flush.
                    return match &s.failed {
                        Some((flush_no, why)) if *flush_no >= need => Err(StoreError::io(
                            "flush",
                            &self.dir,
                            std::io::Error::other(why.clone()),
                        )),
                        _ => Ok(()),
                    };
                }
                if s.running {
                    None
                } else {
                    s.running = true;
                    s.started += 1;
                    Some(s.started)
                }
            };
            match lead {
                Some(flush_no) => {
                    let dir = self.dir.clone();
                    let result = tokio::task::spawn_blocking(move || flush(&dir))
                        .await
                        .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
                    let mut s = self.lock();
                    s.running = false;
                    s.finished = flush_no;
                    if let Err(e) = result {
                        s.failed = Some((flush_no, e.to_string()));
                    }
                    drop(s);
                    self.done.notify_waiters();
                }
                None => notified.await,
            }
        }
    }

    /// Whether this barrier's flush also makes `path` durable: `syncfs` flushes a whole
    /// file system, so a file on the same one (same device) is covered. Elsewhere the
    /// flush is the directory's own, which covers no other file.
    pub fn covers(&self, path: &Path) -> bool {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::MetadataExt;
            match (std::fs::metadata(&self.dir), std::fs::metadata(path)) {
                (Ok(dir), Ok(file)) => dir.dev() == file.dev(),
                _ => false,
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = path;
            false
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Flushes the whole file system holding `dir`: file data, new files and directory entries.
#[cfg(target_os = "linux")]
fn flush(dir: &std::path::Path) -> std::io::Result<()> {
    let handle = std::fs::File::open(dir)?;
    rustix::fs::syncfs(&handle).map_err(std::io::Error::from)
}

/// Where `syncfs` is missing, files written for the barrier are flushed one by one instead
/// (see [`super::private_file::write_new_deferred`]); the directory is flushed here.
#[cfg(not(target_os = "linux"))]
fn flush(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Runs `f` to its end, or fails the test after 5 s: a barrier that never reaches the
    /// flush its waiter needs then fails here instead of hanging the run.
    async fn deadline<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(std::time::Duration::from_secs(5), f)
            .await
            .expect("the waiter never returned")
    }

    #[tokio::test]
    async fn many_waiters_share_few_flushes_and_all_return() {
        let dir = tempfile::tempdir().unwrap();
        let barrier = Arc::new(SyncBarrier::new(dir.path()));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..64 {
            let b = barrier.clone();
            let path = dir.path().join(format!("f{i}"));
            tasks.spawn(async move {
                std::fs::write(&path, b"x").unwrap();
                b.wait().await.unwrap();
            });
        }
        deadline(async {
            while let Some(r) = tasks.join_next().await {
                r.unwrap();
            }
        })
        .await;
        let s = barrier.lock();
        assert!(s.finished >= 1 && !s.running);
        assert!(s.started < 64, "flushes were shared: {}", s.started);
    }

    #[test]
    fn it_covers_files_on_its_own_file_system_only() {
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("audit.jsonl");
        std::fs::write(&inside, b"x").unwrap();
        let barrier = SyncBarrier::new(dir.path());
        assert!(barrier.covers(&inside) == cfg!(target_os = "linux"));
        assert!(
            !barrier.covers(&dir.path().join("missing")),
            "unknown: not covered"
        );
        // /proc is another file system everywhere it exists.
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(!barrier.covers(std::path::Path::new("/proc/self/status")));
        }
    }

    #[tokio::test]
    async fn a_flush_that_fails_fails_its_waiters() {
        let barrier = SyncBarrier::new("/nonexistent/memory-console-test");
        assert!(deadline(barrier.wait()).await.is_err());
    }

    #[tokio::test]
    async fn a_failed_flush_fails_only_its_own_waiters_not_later_ones() {
        // The first flush fails (its directory is missing), the next succeeds: a waiter that
        // came after the failure is covered by a good flush and must be let through, or one
        // full disk moment would stop a bulk job's every later user.
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("later");
        let barrier = SyncBarrier::new(&sub);
        assert!(
            deadline(barrier.wait()).await.is_err(),
            "no directory: the flush fails"
        );
        std::fs::create_dir(&sub).unwrap();
        deadline(barrier.wait())
            .await
            .expect("a later flush that succeeded");
        let s = barrier.lock();
        assert_eq!((s.started, s.finished), (2, 2), "one flush per waiter here");
    }
}
