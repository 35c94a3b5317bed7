//! `purge`: erase many users' memory. Per user: read, back up to a file, log the intent,
//! DELETE, read again until the server answers empty, log the outcome. A user whose backup
//! or intent line cannot be written is not erased.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::task::JoinSet;

use super::bulk::{self, Places, Summary, failed};
use super::context::Ctx;
use super::dry_run;
use super::exit::CmdResult;
use super::journal::{Journal, Record, Status};
use super::output::confirm_typed;
use super::userlist;
use crate::api::{ApiClient, ApiError, EraseOutcome, OrgScope, RetryPolicy, UserRef};
use crate::cli::PurgeArgs;
use crate::store::{
    Action, AuditContext, AuditLog, Backup, Outcome, SyncBarrier, Target, safe_name,
    write_backup_deferred,
};

/// Reads after the DELETE until the memory is gone; some servers erase asynchronously.
const VERIFY_TRIES: u32 = 3;
const VERIFY_PAUSE: Duration = Duration::from_millis(200);

/// What every purge worker shares.
struct Shared {
    client: ApiClient,
    org: OrgScope,
    profile: String,
    base_url: String,
    backups: PathBuf,
    audit: AuditLog,
    audit_ctx: AuditContext,
    /// Outcome lines still being written (fsync'd) while their workers move on.
    outcomes: Mutex<JoinSet<()>>,
    /// Backups are flushed together: no user is erased before the flush covering their
    /// backup has finished.
    flush: SyncBarrier,
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
    let (journal, finished) = Journal::open(&out_dir, "purge", &org.key, &ctx.base_url)?;
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
    let shared = Arc::new(Shared {
        client: ctx.client.clone(),
        org: org.clone(),
        profile: ctx.profile.clone(),
        base_url: ctx.base_url.clone(),
        backups: backups.clone(),
        audit,
        audit_ctx: ctx.audit_ctx.clone(),
        outcomes: Mutex::new(JoinSet::new()),
        flush: SyncBarrier::new(&out_dir),
    });
    let pending = shared.clone();
    let report = bulk::run(
        todo,
        concurrency,
        args.bulk.stop_after,
        "purge",
        Some(&journal),
        move |user| purge_one(shared.clone(), user),
    )
    .await;
    let mut outcomes = std::mem::take(&mut *lock(&pending.outcomes));
    while outcomes.join_next().await.is_some() {}
    let report = report?;
    let places = Places {
        out_dir: out_dir.clone(),
        backups: backups.join(safe_name(&org.key)),
        journal: journal.path().to_path_buf(),
    };
    Summary::new("purge", &org.key, total, skipped, report, places).emit(ctx.json)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
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

async fn purge_one(s: Arc<Shared>, user: String) -> Record {
    let who = UserRef::by_name(&user);
    let entries = match s.client.get_memory(&s.org, &who).await {
        Ok(e) => e,
        Err(e) => return failed(user, format!("cannot read, not erased: {e}")),
    };
    if entries.is_empty() {
        return Record {
            user,
            status: Status::Empty,
            reason: Some("nothing to erase".into()),
            backup: None,
            bytes: 0,
        };
    }
    let bytes = entries.iter().map(|e| e.text().len() as u64).sum();
    let backup = Backup::new(&s.profile, &s.base_url, &s.org, &who, entries);
    let (dir, log, ctx) = (s.backups.clone(), s.audit.clone(), s.audit_ctx.clone());
    let target = Target::user(&s.org, &who);
    // Nothing is sent unless the backup and then the intent line are on disk. The backup
    // is written unflushed and made durable by a flush shared with the other workers.
    let written = tokio::task::spawn_blocking(move || write_backup_deferred(&dir, &backup)).await;
    let path = match written {
        Ok(Ok(path)) => path,
        Ok(Err(e)) => return failed(user, format!("backup failed, not erased: {e}")),
        Err(e) => return failed(user, format!("not erased: {e}")),
    };
    if let Err(e) = s.flush.wait().await {
        return failed(user, format!("backup not flushed to disk, not erased: {e}"));
    }
    let intent_path = path.clone();
    let prepared = tokio::task::spawn_blocking(move || {
        let pending = log
            .intent(&ctx, Action::Purge, target.backup(&intent_path))
            .map_err(|e| format!("cannot write the audit log, not erased: {e}"))?;
        Ok::<_, String>((intent_path, pending))
    })
    .await;
    let (path, pending) = match prepared {
        Ok(Ok(v)) => v,
        Ok(Err(reason)) => return failed(user, reason),
        Err(e) => return failed(user, format!("not erased: {e}")),
    };
    let result = match erase(&s.client, &s.org, &who).await {
        Ok(_) => verify(&s.client, &s.org, &who).await,
        Err(e) => Err(format!("delete failed: {e}")),
    };
    let outcome = match &result {
        Ok(()) => Outcome::ok().status(204).backup(&path),
        Err(reason) => Outcome::failed(reason.clone()).backup(&path),
    };
    // The outcome line is not a precondition of anything, so the worker does not wait for
    // its fsync; the job waits for all of them before it reports.
    {
        let mut outcomes = lock(&s.outcomes);
        while outcomes.try_join_next().is_some() {}
        let who = user.clone();
        outcomes.spawn_blocking(move || {
            if let Err(e) = pending.finish(outcome) {
                eprintln!("warning: the audit outcome line for {who} was not written: {e}");
            }
        });
    }
    match result {
        Ok(()) => Record {
            user,
            status: Status::Done,
            reason: None,
            backup: Some(path),
            bytes,
        },
        Err(reason) => Record {
            backup: Some(path),
            ..failed(user, reason)
        },
    }
}

/// DELETE of all of a user's memory is idempotent (a repeat answers 404, "nothing there"),
/// so unlike the client in general, purge tries it again on 429, 5xx and network errors.
async fn erase(
    client: &ApiClient,
    org: &OrgScope,
    who: &UserRef,
) -> Result<EraseOutcome, ApiError> {
    let policy = RetryPolicy {
        max_attempts: 4,
        ..RetryPolicy::default()
    };
    let mut attempt = 1;
    loop {
        match client.erase_memory(org, who).await {
            Ok(o) => return Ok(o),
            Err(e) if e.is_transient() => {
                let retry_after = match &e {
                    ApiError::RateLimited { retry_after } => *retry_after,
                    _ => None,
                };
                let Some(pause) = policy.delay(attempt, retry_after) else {
                    return Err(e);
                };
                tokio::time::sleep(pause).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn verify(client: &ApiClient, org: &OrgScope, who: &UserRef) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 1..=VERIFY_TRIES {
        match client.get_memory(org, who).await {
            Ok(entries) if entries.is_empty() => return Ok(()),
            Ok(entries) => last = format!("still has {} entries after the delete", entries.len()),
            Err(e) => last = format!("cannot verify the delete: {e}"),
        }
        if attempt < VERIFY_TRIES {
            tokio::time::sleep(VERIFY_PAUSE * attempt).await;
        }
    }
    Err(last)
}
