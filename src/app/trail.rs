//! The audit trail of the console's writes: an intent line before each request, an outcome
//! line after. A write whose intent cannot be recorded is not sent.

use std::path::Path;

use crate::store::{self, AuditContext, AuditLog, Outcome, Pending};

/// An audit log with who and where the console writes as.
#[derive(Debug, Clone)]
pub struct Trail {
    log: AuditLog,
    ctx: AuditContext,
}

impl Trail {
    pub fn new(log: AuditLog, ctx: AuditContext) -> Trail {
        Trail { log, ctx }
    }

    pub fn path(&self) -> &Path {
        self.log.path()
    }

    /// Records the intent; the caller sends the request only on `Ok`.
    pub async fn intent(
        &self,
        action: store::Action,
        target: store::Target,
    ) -> Result<Pending, String> {
        let (log, ctx) = (self.log.clone(), self.ctx.clone());
        tokio::task::spawn_blocking(move || log.intent(&ctx, action, target))
            .await
            .map_err(|e| format!("not sent: the audit log could not be written ({e})"))?
            .map_err(|e| format!("not sent: the audit log could not be written ({e})"))
    }

    /// Records the outcome. Its failure cannot undo the request, so it is logged, not returned.
    pub async fn finish(pending: Pending, outcome: Outcome) {
        let done = tokio::task::spawn_blocking(move || pending.finish(outcome)).await;
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "audit outcome not written"),
            Err(e) => tracing::error!(error = %e, "audit outcome not written"),
        }
    }
}
