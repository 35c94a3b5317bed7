//! `memory delete` and `memory restore`: erasing one user's memory only after a backup is on
//! disk, and writing a backup back.

use std::path::Path;

use serde_json::json;

use super::audited::audited;
use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit, exit_of};
use super::output::{confirm_typed, print_json};
use crate::api::{EraseOutcome, UserRef};
use crate::cli::OrgUser;
use crate::store::{
    Action, Backup, Outcome, RestoreError, Target, read_backup, restore_backup, write_backup,
};

pub async fn delete(ctx: &Ctx, who: &OrgUser, entry: Option<i64>, yes: bool) -> CmdResult {
    ctx.check_writable()?;
    if !yes {
        let what = match entry {
            Some(id) => format!("erase entry {id} of {} in {}", who.user, who.org),
            None => format!("erase all memory of {} in {}", who.user, who.org),
        };
        confirm_typed(&what, &who.user)?;
    }
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let mut entries = ctx.client.get_memory(&org, &user).await.map_err(|e| {
        CmdError::api(
            "cannot read the memory to back it up, so nothing was erased",
            &e,
        )
    })?;
    if let Some(id) = entry {
        entries.retain(|e| e.id == id);
        if entries.is_empty() {
            return Err(CmdError::new(
                Exit::NotFound,
                format!("{} has no entry {id} in {}", who.user, who.org),
            ));
        }
    } else if entries.is_empty() {
        eprintln!(
            "{} has no memory in {}: nothing to erase",
            who.user, who.org
        );
        if ctx.json {
            print_json(&json!({ "user": who.user, "result": "nothing_there" }))?;
        }
        return Ok(Exit::Ok);
    }
    let backup = Backup::new(&ctx.profile, &ctx.base_url, &org, &user, entries);
    let path = write_backup(&ctx.data.backups(), &backup).map_err(|e| {
        CmdError::other(format!(
            "cannot write the backup, so nothing was erased: {e}"
        ))
    })?;
    let log = ctx.audit_log()?;
    let target = Target::user(&org, &user).backup(&path);
    let done = |o: &EraseOutcome| {
        let status = if *o == EraseOutcome::Erased { 204 } else { 404 };
        Outcome::ok().status(status).backup(&path)
    };
    let outcome = match entry {
        Some(id) => {
            let request = ctx.client.erase_entry(&org, &user, id);
            audited(
                ctx,
                &log,
                Action::EntryErase,
                target.entry(id),
                request,
                done,
            )
            .await?
        }
        None => {
            let request = ctx.client.erase_memory(&org, &user);
            audited(ctx, &log, Action::Erase, target, request, done).await?
        }
    }
    .map_err(|e| CmdError::api("cannot erase the memory", &e))?;
    if ctx.json {
        print_json(&json!({ "user": who.user, "result": outcome, "backup": path }))?;
    } else {
        eprintln!("erased; backup at {}", path.display());
    }
    Ok(Exit::Ok)
}

pub async fn restore(ctx: &Ctx, path: &Path) -> CmdResult {
    ctx.check_writable()?;
    let backup = read_backup(path).map_err(|e| CmdError::usage(e.to_string()))?;
    let log = ctx.audit_log()?;
    let target = Target::user(&backup.org_scope(), &backup.user_ref()).backup(path);
    let pending = log
        .intent(&ctx.audit_ctx, Action::Restore, target)
        .map_err(|e| {
            CmdError::other(format!(
                "cannot write the audit log, so nothing was sent: {e}"
            ))
        })?;
    let result = restore_backup(&ctx.client, path, None).await;
    let outcome = match &result {
        Ok(_) => Outcome::ok().status(201),
        Err(RestoreError::Check { source, .. } | RestoreError::Partial { source, .. }) => {
            Outcome::api_error(source)
        }
        Err(RestoreError::Mark { .. }) => Outcome::ok().status(201),
        Err(e) => Outcome::refused(e.to_string()),
    };
    if let Err(e) = pending.finish(outcome) {
        eprintln!("warning: the restore ran but its outcome is not in the audit log: {e}");
    }
    match result {
        Ok(report) => {
            if ctx.json {
                print_json(&json!({
                    "user": report.user.username,
                    "org": report.org.key,
                    "created": report.created,
                    "skipped_null": report.skipped_null,
                }))?;
            } else {
                eprintln!(
                    "restored {} entries of {} in {}",
                    report.created.len(),
                    report.user.username,
                    report.org.key
                );
            }
            Ok(Exit::Ok)
        }
        Err(e @ (RestoreError::Check { .. } | RestoreError::Partial { .. })) => {
            let exit = match &e {
                RestoreError::Check { source, .. } | RestoreError::Partial { source, .. } => {
                    exit_of(source)
                }
                _ => Exit::Other,
            };
            Err(CmdError::new(exit, e.to_string()))
        }
        Err(e) => Err(CmdError::other(e.to_string())),
    }
}
