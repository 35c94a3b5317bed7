//! `export`: every selected user's memory to one backup-format file each (restorable with
//! `memory restore`), resumable through the journal in the output dir.

use std::path::PathBuf;
use std::sync::Arc;

use super::bulk::{self, Places, Summary, failed};
use super::context::Ctx;
use super::exit::CmdResult;
use super::journal::{Journal, Record, Status};
use super::userlist;
use crate::api::{ApiClient, OrgScope, UserRef};
use crate::cli::ExportArgs;
use crate::store::{Backup, write_backup};

/// What every export worker shares.
struct Shared {
    client: ApiClient,
    org: OrgScope,
    profile: String,
    base_url: String,
    dir: PathBuf,
}

pub async fn run(ctx: &Ctx, args: &ExportArgs) -> CmdResult {
    let org = ctx.org(&args.org);
    let users = userlist::select(ctx, &org, &args.users).await?;
    let (journal, finished) =
        Journal::open(&args.out, "export", &org.key, ctx.connection.base_url())?;
    let total = users.len();
    let todo: Vec<String> = users
        .into_iter()
        .filter(|u| !finished.contains(u))
        .collect();
    let skipped = total - todo.len();
    let shared = Arc::new(Shared {
        client: ctx.client.clone(),
        org: org.clone(),
        profile: ctx.connection.profile.clone(),
        base_url: ctx.connection.base_url().to_owned(),
        dir: args.out.clone(),
    });
    let report = bulk::run(
        todo,
        usize::from(args.bulk.concurrency),
        args.bulk.stop_after,
        "export",
        Some(&journal),
        move |user| export_one(shared.clone(), user),
    )
    .await?;
    let places = Places {
        out_dir: args.out.clone(),
        backups: args.out.join(crate::store::safe_name(&org.key)),
        journal: journal.path().to_path_buf(),
    };
    Summary::new("export", &org.key, total, skipped, report, places).emit(ctx.json)
}

async fn export_one(s: Arc<Shared>, user: String) -> Record {
    let who = UserRef::by_name(&user);
    let entries = match s.client.get_memory(&s.org, &who).await {
        Ok(e) => e,
        Err(e) => return failed(user, format!("cannot read: {e}")),
    };
    if entries.is_empty() {
        return Record {
            user,
            status: Status::Empty,
            reason: None,
            backup: None,
            bytes: 0,
        };
    }
    let bytes = entries.iter().map(|e| e.text().len() as u64).sum();
    let backup = Backup::new(&s.profile, &s.base_url, &s.org, &who, entries);
    let dir = s.dir.clone();
    // File writes block; keep them off the async workers that drive the requests.
    match tokio::task::spawn_blocking(move || write_backup(&dir, &backup)).await {
        Ok(Ok(path)) => Record {
            user,
            status: Status::Done,
            reason: None,
            backup: Some(path),
            bytes,
        },
        Ok(Err(e)) => failed(user, format!("cannot write the file: {e}")),
        Err(e) => failed(user, format!("cannot write the file: {e}")),
    }
}
