//! The audit trail of writes: an intent line before each request, an outcome line after.
//! A write whose intent cannot be recorded is not sent.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::task::JoinSet;

use crate::store::{Action, AuditContext, AuditLog, Outcome, Pending, StoreError, Target};

/// An audit log with who and where the writes come from.
#[derive(Debug, Clone)]
pub struct Trail {
    log: AuditLog,
    ctx: AuditContext,
    /// Bulk jobs write outcome lines off the worker's path; `settle` waits for them.
    detached: Option<Arc<Mutex<JoinSet<()>>>>,
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
    /// wait for their fsync: they are written in the background until [`Trail::settle`].
    pub fn with_detached_outcomes(mut self) -> Trail {
        self.detached = Some(Arc::new(Mutex::new(JoinSet::new())));
        self
    }

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    /// Records the intent; the caller sends the request only on `Ok`.
    pub async fn intent(&self, action: Action, target: Target) -> Result<Pending, StoreError> {
        let (log, ctx) = (self.log.clone(), self.ctx.clone());
        let path = self.log.path().to_path_buf();
        tokio::task::spawn_blocking(move || log.intent(&ctx, action, target))
            .await
            .map_err(|e| StoreError::io("write", &path, std::io::Error::other(e.to_string())))?
    }

    /// Records the outcome. Its failure cannot undo the request, so it is logged, not
    /// returned.
    pub async fn finish(&self, pending: Pending, outcome: Outcome) {
        let warn = self.stderr_warnings;
        let write = move || {
            if let Err(e) = pending.finish(outcome) {
                tracing::error!(error = %e, "audit outcome not written");
                if warn {
                    eprintln!(
                        "warning: a request was sent but its outcome is not in the audit log: {e}"
                    );
                }
            }
        };
        match &self.detached {
            Some(set) => {
                let mut set = set.lock().unwrap_or_else(PoisonError::into_inner);
                while set.try_join_next().is_some() {}
                set.spawn_blocking(write);
            }
            None => {
                if let Err(e) = tokio::task::spawn_blocking(write).await {
                    tracing::error!(error = %e, "audit outcome not written");
                }
            }
        }
    }

    /// Waits until every outcome line written in the background is on disk.
    pub async fn settle(&self) {
        let Some(set) = &self.detached else { return };
        let mut set = std::mem::take(&mut *set.lock().unwrap_or_else(PoisonError::into_inner));
        while set.join_next().await.is_some() {}
    }
}
