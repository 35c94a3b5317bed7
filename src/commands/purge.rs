//! `purge`: erase many users' memory, each through the operations layer's erase (see
//! [`crate::ops`]): every entry backed up and its intent logged before the request that
//! deletes it, then read again until the server answers empty. A user whose backup or
//! intent line cannot be written is not erased.

use std::path::PathBuf;
use std::sync::Arc;

use super::bulk::{self, Places, Summary, failed};
use super::context::Ctx;
use super::dry_run;
use super::exit::CmdResult;
use super::journal::{Journal, Record, Status};
use super::output::confirm_typed;
use super::userlist;
use crate::api::{OrgScope, UserRef};
use crate::cli::PurgeArgs;
use crate::ops::{Ops, Trail};
use crate::store::{Action, SyncBarrier, safe_name};

/// What every purge worker shares.
struct Shared {
    ops: Ops,
    org: OrgScope,
}

pub async fn run(ctx: &Ctx, args: &PurgeArgs) -> CmdResult {
    let org = ctx.org(&args.org);
    let concurrency = usize::from(args.bulk.concurrency);
    if args.dry_run {
        let users = userlist::select(ctx, &org, &args.users).await?;
        return dry_run::run(ctx, &org, users, concurrency).await;
    }
    ctx.check_writable()?;
    let users = userlist::select(ctx, &org, &args.users).await?;
    if !args.yes {
        let what = format!(
            "erase the memory of {} users in org {}",
            users.len(),
            org.key
        );
        confirm_typed(&what, &org.key)?;
    }
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out_dir(ctx, &org),
    };
    let (journal, finished) =
        Journal::open(&out_dir, "purge", &org.key, ctx.connection.base_url())?;
    let audit = ctx.audit_log()?;
    let total = users.len();
    let todo: Vec<String> = users
        .into_iter()
        .filter(|u| !finished.contains(u))
        .collect();
    let skipped = total - todo.len();
    eprintln!(
        "purge: {} users to erase in {} ({skipped} done before); journal {}",
        todo.len(),
        org.key,
        journal.path().display()
    );
    let backups = out_dir.join("backups");
    // Backups are flushed together (group commit) and outcome lines are written off the
    // workers' path: no user is erased before the flush covering their backup has ended.
    let trail = Trail::new(audit, ctx.audit_ctx.clone())
        .with_detached_outcomes()
        .with_stderr_warnings();
    let ops = Ops::new(
        ctx.client.clone(),
        trail,
        &ctx.connection.profile,
        backups.clone(),
    )
    .with_shared_flush(SyncBarrier::new(&out_dir));
    let shared = Arc::new(Shared {
        ops: ops.clone(),
        org: org.clone(),
    });
    let report = bulk::run(
        todo,
        concurrency,
        args.bulk.stop_after,
        "purge",
        Some(&journal),
        move |user| purge_one(shared.clone(), user),
    )
    .await;
    ops.trail().settle().await;
    let report = report?;
    let places = Places {
        out_dir: out_dir.clone(),
        backups: backups.join(safe_name(&org.key)),
        journal: journal.path().to_path_buf(),
    };
    Summary::new("purge", &org.key, total, skipped, report, places).emit(ctx.json)
}

/// A new directory per run, so separate requests never mix their backups.
fn default_out_dir(ctx: &Ctx, org: &OrgScope) -> PathBuf {
    let t = time::OffsetDateTime::now_utc();
    ctx.data.root().join("purges").join(format!(
        "{}-{:04}{:02}{:02}T{:02}{:02}{:02}Z-{}",
        safe_name(&org.key),
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        &uuid::Uuid::new_v4().simple().to_string()[..6]
    ))
}

/// Erases one user through the operations layer: every entry is in the backup before the
/// request that deletes it, and "done" means a read showed the memory gone.
async fn purge_one(s: Arc<Shared>, user: String) -> Record {
    let who = UserRef::by_name(&user);
    match s.ops.erase_all(&s.org, &who, Action::Purge).await {
        Ok(erased) if erased.nothing_there() => Record {
            user,
            status: Status::Empty,
            reason: Some("nothing to erase".into()),
            backup: None,
            bytes: 0,
        },
        Ok(erased) => Record {
            user,
            status: Status::Done,
            reason: None,
            backup: erased.backup,
            bytes: erased.bytes,
        },
        Err(e) => {
            let backup = e.backup.clone();
            Record {
                backup,
                ..failed(user, e.to_string())
            }
        }
    }
}
