//! `purge`: erase many users' memory, each through the operations layer (see
//! [`crate::ops`]): every item backed up and its intent logged before the request that
//! deletes it, then read again until the server answers empty. Chat memory alone is the
//! drain; with `--stores` naming mentor or course memory (the default: every store), each
//! user is a forget of those stores, with one backup of all of them. A user whose backup
//! or intent line cannot be written is not erased. A user with nothing to erase is looked
//! at again (see [`super::purge_unknown`]): erased by an earlier killed run, unknown, or
//! truly without memory.

use std::path::PathBuf;
use std::sync::Arc;

use super::bulk::{self, Job, Places, Summary, failed};
use super::context::Ctx;
use super::dry_run;
use super::exit::{CmdError, CmdResult, Exit};
use super::journal::{Journal, Record, Status};
use super::output::confirm_typed;
use super::purge_earlier::EarlierBackups;
use super::purge_unknown::{Settle, settle};
use super::userlist;
use crate::api::{OrgScope, UserRef};
use crate::cli::{PurgeArgs, StoreName, stores_of};
use crate::ops::{Ops, StoreKind, StoreOutcome, Trail};
use crate::store::private_file::create_writable_dir;
use crate::store::{Action, SyncBarrier, read_backup, safe_name};

/// What every purge worker shares.
struct Shared {
    ops: Ops,
    org: OrgScope,
    /// The stores to erase; chat alone is the drain, anything else a forget.
    stores: Vec<StoreKind>,
    /// What "nothing to erase" really was.
    settle: Settle,
}

pub async fn run(ctx: &Ctx, args: &PurgeArgs) -> CmdResult {
    let org = ctx.org(&args.org);
    let concurrency = usize::from(args.bulk.concurrency);
    let stores = stores_of(&args.stores);
    if args.dry_run {
        let source = userlist::select(ctx, &org, &args.users).await?;
        let (users, bad_lines) = userlist::collect(ctx, source).await?;
        let exit = dry_run::run(ctx, &org, users, concurrency, &stores).await?;
        return Ok(if bad_lines.is_empty() {
            exit
        } else {
            eprintln!(
                "{} lines of the users file are not UTF-8 and were skipped",
                bad_lines.len()
            );
            // A dry run whose reads failed already says so; else the skipped lines do.
            if exit == Exit::Ok {
                Exit::Partial
            } else {
                exit
            }
        });
    }
    ctx.check_writable()?;
    let source = userlist::select(ctx, &org, &args.users).await?;
    if !args.yes {
        let names: Vec<&str> = stores
            .iter()
            .map(|&s| super::stores_read::store_word(s))
            .collect();
        let whom = match (source.count(&Default::default())?, &args.users.users_file) {
            (Some((count, _)), _) => format!("{count} users"),
            (None, Some(path)) => format!("every user listed in {}", path.display()),
            (None, None) => "every user".to_owned(),
        };
        let what = format!(
            "erase the {} memory of {whom} in org {}",
            names.join(", "),
            org.key
        );
        confirm_typed(&what, &org.key)?;
    }
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out_dir(ctx, &org),
    };
    let kinds = kinds_of(&stores);
    let (journal, finished) = Journal::open(
        &out_dir,
        &job_name(&kinds),
        &org.key,
        ctx.connection.base_url(),
    )?;
    let audit = ctx.audit_log()?;
    let counted = source.count(&finished)?;
    let todo = counted.map(|(_, todo)| todo);
    let whom = match counted {
        Some((total, todo)) => format!("{todo} users to erase ({} done before)", total - todo),
        None => format!(
            "erasing the users {} ({} finished before)",
            if source.is_org() {
                "of the org's list, page by page"
            } else {
                "read from the pipe"
            },
            finished.len()
        ),
    };
    eprintln!(
        "purge: {whom} in {} ({} memory); journal {}",
        org.key,
        kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        journal.path().display()
    );
    let backups = out_dir.join("backups");
    // Every user's backup goes there: a folder that cannot be made stops the job before
    // its first request, not once per user.
    create_writable_dir(&backups.join(safe_name(&org.key)))
        .map_err(|e| CmdError::other(format!("{e}; nothing was erased")))?;
    // Backups are flushed together (group commit) and outcome lines are written off the
    // workers' path: no user is erased before the flush covering their backup has ended.
    let barrier = Arc::new(SyncBarrier::new(&out_dir));
    let trail = Trail::new(audit, ctx.audit_ctx.clone())
        .with_detached_outcomes()
        .with_stderr_warnings();
    let ops = Ops::new(
        ctx.client.clone(),
        trail,
        &ctx.connection.profile,
        backups.clone(),
    )
    .with_shared_flush(barrier.clone());
    // Only a resumed job has backups here: they tell a user erased by a killed run.
    let earlier = EarlierBackups::scan(&backups.join(safe_name(&org.key)));
    let shared = Arc::new(Shared {
        ops: ops.clone(),
        org: org.clone(),
        stores: kinds,
        settle: Settle {
            client: ctx.client.clone(),
            org: org.clone(),
            earlier: Arc::new(earlier),
            check_unknown: args.users.users_file.is_some(),
        },
    });
    let job = Job {
        source,
        finished,
        todo,
        concurrency,
        stop_after: args.bulk.stop_after,
        label: "purge",
        journal: Some(&journal),
    };
    let report = bulk::run(job, move |user| purge_one(shared.clone(), user)).await;
    ops.trail().settle().await;
    // A backup rewritten after its user's last delete (the entries left beside it) waits
    // for no intent; one last flush covers those.
    if let Err(e) = barrier.wait().await {
        eprintln!("warning: the last backups may not be on disk: {e}");
    }
    let report = report?;
    let places = Places {
        out_dir: out_dir.clone(),
        backups: backups.join(safe_name(&org.key)),
        journal: journal.path().to_path_buf(),
    };
    Summary::new("purge", &org.key, report, places).emit(ctx.json)
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

/// The stores as the operations layer names them.
fn kinds_of(stores: &[StoreName]) -> Vec<StoreKind> {
    stores
        .iter()
        .map(|s| match s {
            StoreName::Chat => StoreKind::Chat,
            StoreName::Mentor => StoreKind::Mentor,
            StoreName::Course => StoreKind::Course,
        })
        .collect()
}

/// The job a journal directory belongs to: a chat-only purge keeps the name older purge
/// directories have, so they still resume; a purge of other stores is another job (its
/// finished users were not erased in the same stores).
fn job_name(kinds: &[StoreKind]) -> String {
    if kinds == [StoreKind::Chat] {
        return "purge".to_owned();
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    format!("purge of stores {}", names.join(","))
}

/// Erases one user, then says what "nothing to erase" was.
async fn purge_one(s: Arc<Shared>, user: String) -> Record {
    let record = if s.stores == [StoreKind::Chat] {
        drain_one(&s, user).await
    } else {
        forget_one(&s, user).await
    };
    settle(&s.settle, record).await
}

/// Erases one user's chat memory through the operations layer: every item is in the backup
/// before the request that deletes it, and "done" means a read showed the memory gone.
async fn drain_one(s: &Shared, user: String) -> Record {
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

/// Forgets one user in the chosen stores: one backup of every store, then each erased and
/// verified. Done only when every store reads empty; the per-store outcome is the reason.
async fn forget_one(s: &Shared, user: String) -> Record {
    let who = UserRef::by_name(&user);
    let report = s.ops.forget(&s.org, &who, &s.stores).await;
    let summary: Vec<String> = report
        .stores
        .iter()
        .map(|(kind, outcome)| format!("{kind}: {}", outcome.summary()))
        .collect();
    let reason = Some(summary.join("; "));
    let erased_any = report
        .stores
        .iter()
        .any(|(_, o)| matches!(o, StoreOutcome::Erased { .. }));
    let backup = report.backup.clone();
    let bytes = match &backup {
        Some(path) => chat_bytes(path.clone()).await,
        None => 0,
    };
    match (report.forgotten(), erased_any) {
        (true, false) => Record {
            user,
            status: Status::Empty,
            reason: Some("nothing to erase".into()),
            backup,
            bytes: 0,
        },
        (true, true) => Record {
            user,
            status: Status::Done,
            reason,
            backup,
            bytes,
        },
        (false, _) => Record {
            backup,
            bytes,
            ..failed(user, summary.join("; "))
        },
    }
}

/// The bytes of chat memory a forget's backup holds (what `purge` has always counted).
async fn chat_bytes(path: PathBuf) -> u64 {
    let read = tokio::task::spawn_blocking(move || read_backup(&path)).await;
    match read {
        Ok(Ok(backup)) => backup.entries.iter().map(|e| e.text().len() as u64).sum(),
        _ => 0,
    }
}
