//! Sending one change between an audit intent line and an outcome line.

use std::future::Future;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult};
use crate::api::ApiError;
use crate::store::{Action, AuditLog, Outcome, Target};

/// Writes the intent, runs `request` only if that worked, then writes the outcome
/// (`ok` describes a success). A failed outcome line is only warned about: the request
/// already happened, and its result matters more to the caller.
pub async fn audited<T, F>(
    ctx: &Ctx,
    log: &AuditLog,
    action: Action,
    target: Target,
    request: F,
    ok: impl FnOnce(&T) -> Outcome,
) -> CmdResult<Result<T, ApiError>>
where
    F: Future<Output = Result<T, ApiError>>,
{
    let pending = log.intent(&ctx.audit_ctx, action, target).map_err(|e| {
        CmdError::other(format!(
            "cannot write the audit log, so nothing was sent: {e}"
        ))
    })?;
    let result = request.await;
    let outcome = match &result {
        Ok(v) => ok(v),
        Err(e) => Outcome::api_error(e),
    };
    if let Err(e) = pending.finish(outcome) {
        eprintln!("warning: the request was sent but its outcome is not in the audit log: {e}");
    }
    Ok(result)
}
