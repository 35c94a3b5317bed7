//! `memory delete` and `memory restore`: erasing one user's memory, every entry backed up
//! before the request that deletes it, and writing a backup back.

use std::path::Path;

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{confirm_typed, print_json};
use crate::api::UserRef;
use crate::cli::OrgUser;
use crate::ops::{EraseFailure, Erased};
use crate::store::Action;

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
    let ops = ctx.ops()?;
    let result = match entry {
        Some(id) => ops.erase_entry(&org, &user, id, Action::EntryErase).await,
        None => ops.erase_all(&org, &user, Action::Erase).await,
    };
    let erased = result.map_err(|e| match e.failure {
        EraseFailure::NoSuchEntry { .. } => CmdError::new(Exit::NotFound, e.to_string()),
        _ => CmdError::op("the erase stopped", &e),
    })?;
    report(ctx, who, &erased)?;
    Ok(Exit::Ok)
}

fn report(ctx: &Ctx, who: &OrgUser, erased: &Erased) -> CmdResult<()> {
    if ctx.json {
        let result = if erased.nothing_there() {
            "nothing_there"
        } else {
            "erased"
        };
        return print_json(&json!({
            "user": who.user,
            "result": result,
            "entries": erased.entries,
            "bytes": erased.bytes,
            "backup": erased.backup,
        }));
    }
    match &erased.backup {
        None => eprintln!(
            "{} has no memory in {}: nothing to erase",
            who.user, who.org
        ),
        Some(path) => eprintln!(
            "erased {} entr{} ({} bytes), verified gone; backup at {}",
            erased.entries,
            if erased.entries == 1 { "y" } else { "ies" },
            erased.bytes,
            path.display()
        ),
    }
    Ok(())
}

pub async fn restore(ctx: &Ctx, path: &Path) -> CmdResult {
    ctx.check_writable()?;
    let report = ctx.ops()?.restore(path, None).await.map_err(|e| match e {
        crate::ops::RestoreError::Backup(_) => CmdError::usage(e.to_string()),
        _ => CmdError::op("restore", &e),
    })?;
    if ctx.json {
        print_json(&json!({
            "user": report.user.username,
            "org": report.org.key,
            "created": report.created,
            "skipped_null": report.skipped_null,
        }))?;
    } else {
        eprintln!("{} in {}", report.summary(), report.org.key);
    }
    Ok(Exit::Ok)
}
