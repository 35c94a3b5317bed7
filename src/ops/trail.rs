//! The audit trail of writes: an intent line before each request, an outcome line after.
//! A write whose intent cannot be recorded is not sent.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use crate::store::{Action, AuditContext, AuditLog, Outcome, Pending, StoreError, Target};

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

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    /// Records the intent; the caller sends the request only on `Ok`. The flush is awaited
    /// (shared with every other writer), not blocked on: no thread waits for the disk.
    pub async fn intent(&self, action: Action, target: Target) -> Result<Pending, StoreError> {
        self.log.intent_async(&self.ctx, action, target).await
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
