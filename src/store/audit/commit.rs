//! Group commit for the audit log: which lines are durable, which a failed flush may have
//! lost, and the one flush at a time that async writers await instead of a thread each.
//!
//! A writer appends its line (a short write to the page cache), then waits here until a
//! flush that started after that write has ended. Async waiters hold no thread while they
//! wait: one flush runs on the blocking pool, and its end wakes them all. So 64 purge
//! workers need one blocking thread for the audit log, not 64 parked in a mutex.

use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

/// Lines a failed flush should have made durable: the span of every failed flush so far
/// (one span, conservative), and the last error.
#[derive(Debug, Clone)]
struct Failed {
    first: u64,
    last: u64,
    why: String,
}

#[derive(Debug, Default)]
struct State {
    /// Lines 1..=synced are durable.
    synced: u64,
    /// An async flush is running; they run one at a time.
    running: bool,
    /// Once a flush failed, the lines it covered stay failed even if a later flush
    /// succeeds: after a failed fdatasync the kernel may have dropped those pages, and a
    /// later sync would not bring them back.
    failed: Option<Failed>,
}

impl State {
    /// Where lines `first..=last` stand: `None` while some are not yet flushed.
    fn settled(&self, first: u64, last: u64) -> Option<io::Result<()>> {
        if let Some(f) = &self.failed
            && f.first <= last
            && first <= f.last
        {
            return Some(Err(io::Error::other(f.why.clone())));
        }
        (self.synced >= last).then_some(Ok(()))
    }
}

/// The group-commit state of one open audit log.
#[derive(Debug, Default)]
pub(super) struct GroupCommit {
    state: Mutex<State>,
    /// Wakes every waiter when a flush ends.
    done: Notify,
}

impl GroupCommit {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another thread panicked; the counters stay coherent
        // because each update is a single assignment.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lines 1..=synced known durable.
    pub(super) fn synced(&self) -> u64 {
        self.lock().synced
    }

    /// Where lines `first..=last` stand now, without flushing.
    pub(super) fn settled(&self, first: u64, last: u64) -> Option<io::Result<()>> {
        self.lock().settled(first, last)
    }

    /// Records the end of a flush that started when lines 1..=`from` were durable and
    /// lines 1..=`through` were written.
    pub(super) fn record(&self, from: u64, through: u64, result: &io::Result<()>) {
        let mut s = self.lock();
        match result {
            Ok(()) => s.synced = s.synced.max(through),
            Err(e) => {
                let (first, last) = (from + 1, through);
                s.failed = Some(match s.failed.take() {
                    Some(f) => Failed {
                        first: f.first.min(first),
                        last: f.last.max(last),
                        why: e.to_string(),
                    },
                    None => Failed {
                        first,
                        last,
                        why: e.to_string(),
                    },
                });
            }
        }
    }

    /// Ends the running async flush and wakes its waiters. Called once per started flush,
    /// also when the flush never ran (the runtime shut down), so no waiter hangs.
    pub(super) fn end_run(&self) {
        self.lock().running = false;
        self.done.notify_waiters();
    }

    /// Returns once lines `first..=last` (already written) are durable, or with the error
    /// of a flush that should have covered one of them. When no flush is running, this
    /// caller starts one with `start_flush`, which must run the flush off this task,
    /// [`record`](Self::record) it, then call [`end_run`](Self::end_run).
    pub(super) async fn wait(
        &self,
        first: u64,
        last: u64,
        start_flush: impl Fn(),
    ) -> io::Result<()> {
        loop {
            let notified = self.done.notified();
            tokio::pin!(notified);
            // Registered before the state is read, so a flush ending in between still
            // wakes this waiter.
            notified.as_mut().enable();
            let start = {
                let mut s = self.lock();
                if let Some(result) = s.settled(first, last) {
                    return result;
                }
                // A flush already running may have started before these lines were
                // written; the next one, started after it ends, covers them.
                !std::mem::replace(&mut s.running, true)
            };
            if start {
                start_flush();
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::*;

    /// A stand-in for the audit file: lines "written", flushes counted, and a flush that
    /// fails while `fail` is set.
    #[derive(Default)]
    struct Fake {
        commit: GroupCommit,
        written: AtomicU64,
        flushes: AtomicU64,
        fail: std::sync::atomic::AtomicBool,
    }

    impl Fake {
        fn write(&self) -> u64 {
            self.written.fetch_add(1, Ordering::SeqCst) + 1
        }

        /// What the audit log's `durable` does, with a slow fake disk.
        async fn durable(self: &Arc<Self>, first: u64, last: u64) -> io::Result<()> {
            let start = || {
                let me = self.clone();
                me.flushes.fetch_add(1, Ordering::SeqCst);
                drop(tokio::task::spawn_blocking(move || {
                    let from = me.commit.synced();
                    let through = me.written.load(Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    let result = if me.fail.load(Ordering::SeqCst) {
                        Err(io::Error::other("EIO"))
                    } else {
                        Ok(())
                    };
                    me.commit.record(from, through, &result);
                    me.commit.end_run();
                }));
            };
            self.commit.wait(first, last, start).await
        }
    }

    /// Runs `f` to its end, or fails the test after 5 s: a waiter that is never woken (a
    /// flush left "running", a wake lost) then fails here instead of hanging the run.
    async fn deadline<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), f)
            .await
            .expect("a waiter was never woken")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_async_writers_share_few_flushes_and_each_returns_with_its_line_durable() {
        let fake = Arc::new(Fake::default());
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let fake = fake.clone();
            tasks.spawn(async move {
                for _ in 0..5 {
                    let line = fake.write();
                    fake.durable(line, line).await.expect("flushed");
                    assert!(fake.commit.synced() >= line, "returned before its flush");
                }
            });
        }
        // A deadline, not a timing: a waiter never woken must fail the test, not hang it.
        deadline(async {
            while let Some(r) = tasks.join_next().await {
                r.expect("writer");
            }
        })
        .await;
        assert_eq!(fake.commit.synced(), 320);
        let flushes = fake.flushes.load(Ordering::SeqCst);
        assert!(flushes < 160, "{flushes} flushes for 320 lines: not shared");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_flush_fails_every_waiter_it_covered_and_later_lines_still_flush() {
        let fake = Arc::new(Fake::default());
        fake.fail.store(true, Ordering::SeqCst);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let fake = fake.clone();
            tasks.spawn(async move {
                let line = fake.write();
                fake.durable(line, line).await
            });
        }
        deadline(async {
            while let Some(r) = tasks.join_next().await {
                assert!(
                    r.expect("writer").is_err(),
                    "a line the failed flush covered"
                );
            }
        })
        .await;
        fake.fail.store(false, Ordering::SeqCst);
        let line = fake.write();
        deadline(fake.durable(line, line))
            .await
            .expect("a new line, a good flush");
        assert!(
            deadline(fake.durable(1, line)).await.is_err(),
            "the span still holds failed lines"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_waiter_that_started_the_flush_leaves_no_one_hanging() {
        let fake = Arc::new(Fake::default());
        let first = fake.write();
        let f = fake.clone();
        let cancelled = tokio::spawn(async move { f.durable(first, first).await });
        tokio::task::yield_now().await;
        cancelled.abort();
        let line = fake.write();
        // Not stuck behind the cancelled waiter.
        deadline(fake.durable(line, line)).await.expect("flushed");
    }

    #[test]
    fn a_failed_flush_fails_its_lines_even_after_a_later_success() {
        let c = GroupCommit::default();
        c.record(0, 3, &Ok(()));
        c.record(3, 5, &Err(io::Error::other("EIO")));
        c.record(3, 9, &Ok(()));
        assert!(matches!(c.settled(1, 3), Some(Ok(()))));
        assert!(matches!(c.settled(4, 4), Some(Err(_))));
        assert!(matches!(c.settled(5, 5), Some(Err(_))));
        assert!(
            matches!(c.settled(2, 6), Some(Err(_))),
            "a span touching 4..=5"
        );
        assert!(matches!(c.settled(6, 9), Some(Ok(()))));
        assert!(c.settled(10, 10).is_none(), "not flushed yet");
    }
}
