//! The audit trail of writes: an intent line before each request, an outcome line after.
//! A write whose intent cannot be recorded is not sent.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::store::{
    Action, AuditContext, AuditLog, Outcome, Pending, StoreError, SyncBarrier, Target,
};

/// The first and last number of the outcome lines written and not yet known durable.
type Unflushed = Arc<Mutex<Option<(u64, u64)>>>;

/// An audit log with who and where the writes come from.
#[derive(Debug, Clone)]
pub struct Trail {
    log: AuditLog,
    ctx: AuditContext,
    /// Bulk jobs do not wait for their outcome lines' flush: [`Trail::settle`] waits for
    /// these.
    detached: Option<Unflushed>,
    /// A bulk job's flush of the whole file system holding the log: intent lines wait for
    /// it instead of their own, so one flush covers a user's backup and intent line.
    shared_flush: Option<Arc<SyncBarrier>>,
    /// Commands also say on stderr when an outcome line is missing; the console cannot,
    /// its screen belongs to the UI.
    stderr_warnings: bool,
}

impl Trail {
    pub fn new(log: AuditLog, ctx: AuditContext) -> Trail {
        Trail {
            log,
            ctx,
            detached: None,
            shared_flush: None,
            stderr_warnings: false,
        }
    }

    /// For commands: a missing outcome line is also said on stderr.
    pub fn with_stderr_warnings(mut self) -> Trail {
        self.stderr_warnings = true;
        self
    }

    /// Outcome lines are not a precondition of anything, so a bulk job's workers need not
    /// wait for their flush: the next intent's flush covers them, and [`Trail::settle`]
    /// makes sure of the last ones.
    pub fn with_detached_outcomes(mut self) -> Trail {
        self.detached = Some(Arc::new(Mutex::new(None)));
        self
    }

    /// Intent lines are made durable by `barrier`, which must cover the log's file system
    /// (see [`SyncBarrier::covers`]); the backups it flushes then need no wait of their own
    /// before the intent, whose flush starts after both were written.
    pub fn with_shared_flush(mut self, barrier: Arc<SyncBarrier>) -> Trail {
        self.shared_flush = Some(barrier);
        self
    }

    /// Whether every intent line waits for `barrier`, so that a file written before the
    /// intent is durable before its request, with no wait of its own.
    pub fn flushes_with(&self, barrier: &Arc<SyncBarrier>) -> bool {
        self.shared_flush
            .as_ref()
            .is_some_and(|b| Arc::ptr_eq(b, barrier))
    }

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    /// Records the intent; the caller sends the request only on `Ok`. The flush is awaited
    /// (shared with every other writer), not blocked on: no thread waits for the disk.
    pub async fn intent(&self, action: Action, target: Target) -> Result<Pending, StoreError> {
        match &self.shared_flush {
            Some(barrier) => {
                let pending = self.log.intent_unflushed(&self.ctx, action, target)?;
                barrier.wait().await?;
                Ok(pending)
            }
            None => self.log.intent_async(&self.ctx, action, target).await,
        }
    }

    /// Records the outcome. Its failure cannot undo the request, so it is logged, not
    /// returned.
    pub async fn finish(&self, pending: Pending, outcome: Outcome) {
        match &self.detached {
            Some(span) => match pending.write_outcome(outcome) {
                Ok(line) => {
                    let mut span = span.lock().unwrap_or_else(PoisonError::into_inner);
                    // Workers write in any order: keep the lowest and the highest.
                    *span = Some(span.map_or((line, line), |(first, last)| {
                        (first.min(line), last.max(line))
                    }));
                }
                Err(e) => self.warn_missing(&e),
            },
            None => {
                if let Err(e) = pending.finish_async(outcome).await {
                    self.warn_missing(&e);
                }
            }
        }
    }

    /// Waits until every outcome line written without waiting is on disk.
    pub async fn settle(&self) {
        let Some(span) = &self.detached else { return };
        let taken = span.lock().unwrap_or_else(PoisonError::into_inner).take();
        let Some((first, last)) = taken else { return };
        if let Err(e) = self.log.durable(first, last).await {
            self.warn_missing(&e);
        }
    }

    fn warn_missing(&self, e: &StoreError) {
        tracing::error!(error = %e, "audit outcome not written");
        if self.stderr_warnings {
            eprintln!("warning: a request was sent but its outcome is not in the audit log: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;
    use crate::store::{AuditResult, Phase, read_recent};

    fn trail(dir: &Path) -> Trail {
        let log = AuditLog::open(dir.join("audit.jsonl")).expect("log");
        let ctx = AuditContext::new("p", "https://x", &SecretString::from("k"));
        Trail::new(log, ctx)
    }

    /// "No intent on disk, no request": with the shared flush, a flush that fails is an
    /// intent that failed.
    #[tokio::test]
    async fn an_intent_whose_shared_flush_fails_is_an_error() {
        let dir = tempfile::tempdir().expect("dir");
        let failing = Arc::new(SyncBarrier::new(dir.path().join("missing/dir")));
        let t = trail(dir.path()).with_shared_flush(failing.clone());
        assert!(t.flushes_with(&failing));
        assert!(!t.flushes_with(&Arc::new(SyncBarrier::new(dir.path()))));
        let err = t.intent(Action::Purge, Target::default()).await;
        assert!(
            err.is_err(),
            "the request would be sent on a doubtful flush"
        );
    }

    /// Detached outcome lines are all written and flushed by `settle`, whatever order the
    /// workers finish in.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn detached_outcomes_are_all_on_disk_after_settle() {
        let dir = tempfile::tempdir().expect("dir");
        let t = trail(dir.path()).with_detached_outcomes();
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..40 {
            let t = t.clone();
            tasks.spawn(async move {
                let target = Target::default().entry(n);
                let pending = t.intent(Action::Purge, target).await.expect("intent");
                t.finish(pending, Outcome::ok().status(204)).await;
            });
        }
        while let Some(r) = tasks.join_next().await {
            r.expect("worker");
        }
        t.settle().await;
        let span = *t.detached.as_ref().expect("detached").lock().expect("lock");
        assert_eq!(span, None, "settled");
        assert_eq!(
            t.log.durable(1, 80).await.ok(),
            Some(()),
            "all 80 lines durable"
        );
        let recs = read_recent(t.path(), 100).expect("read");
        let outcomes: Vec<_> = recs.iter().filter(|r| r.phase == Phase::Outcome).collect();
        assert_eq!(outcomes.len(), 40);
        assert!(outcomes.iter().all(|r| r.result == Some(AuditResult::Ok)));
    }
}
